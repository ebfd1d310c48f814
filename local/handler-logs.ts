/**
 * The bundle writes one JSON line per event to stdout (what CloudWatch would get). Running it
 * in-process, we take those lines off stdout so the demo can show them on the chat page and
 * summarise them in the terminal instead of flooding it.
 */
import { EventEmitter } from 'node:events';

export type LogLine = Record<string, unknown> & { level: string; message: string };

const feed = new EventEmitter();
let installed = false;

/** Calls `listener` with every log line the handler writes from now on, parsed and as written; returns the unsubscribe. */
export function onHandlerLog(listener: (line: LogLine, raw: string) => void): () => void {
  if (!installed) install();
  feed.on('line', listener);
  return () => feed.off('line', listener);
}

function install(): void {
  installed = true;
  const write = process.stdout.write.bind(process.stdout) as (chunk: unknown, ...rest: unknown[]) => boolean;
  process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (!text.startsWith('{"level":')) return write(chunk, ...rest);
    for (const line of text.split('\n').filter(Boolean)) feed.emit('line', JSON.parse(line) as LogLine, `${line}\n`);
    return true;
  }) as typeof process.stdout.write;
}

/**
 * A log line in one line: what happened and the fields a person looks for, most telling first, so a
 * narrow view (the chat page's log panel) cuts off the least; the level only when it is not INFO.
 */
export function briefLine(line: LogLine): string {
  const fields = ['outcome', 'reason', 'voice', 'language', 'delivery', 'total_ms', 'PollyCharacters', 'budget_used'].filter((key) => line[key] !== undefined).map((key) => `${key}=${String(line[key])}`);
  const update = line.update_id === undefined ? [] : [`(update ${String(line.update_id)})`];
  return [...(line.level === 'INFO' ? [] : [line.level]), `${line.message}${fields.length ? ':' : ''}`, ...fields, ...update].join(' ');
}

/** One terminal line for a log line. */
export const summarise = (line: LogLine): string => `  [function] ${briefLine(line)}`;
