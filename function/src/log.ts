import { DEFAULT_LOG_LEVEL } from './constants.ts';
import type { Log } from './context.ts';

/**
 * Structured logs: one JSON object per line on stdout, the shape CloudWatch Logs Insights queries.
 * Written with process.stdout rather than console, whose Lambda patch would wrap our JSON in its own.
 * Every line is scrubbed of the secrets registered with `redact`, as a last line of defence.
 */

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Record<string, unknown>;
export type LogWriter = (line: string) => void;

const REDACTED = '[REDACTED]';

export class Logger implements Log {
  private secrets: string[] = [];
  private readonly threshold: number;

  constructor(
    level: LogLevel = DEFAULT_LOG_LEVEL,
    private readonly write: LogWriter = (line) => process.stdout.write(line),
  ) {
    this.threshold = LOG_LEVELS.indexOf(level);
  }

  /** Values that must never appear in a log line, whatever field or error message carries them. */
  redact(...secrets: string[]): void {
    for (const secret of secrets) if (secret && !this.secrets.includes(secret)) this.secrets.push(secret);
  }

  debug(message: string, fields?: LogFields): void {
    this.log('DEBUG', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.log('INFO', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.log('WARN', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.log('ERROR', message, fields);
  }

  private log(level: LogLevel, message: string, fields: LogFields = {}): void {
    if (LOG_LEVELS.indexOf(level) < this.threshold) return;
    let line = JSON.stringify({ level, message, timestamp: new Date().toISOString(), ...fields }, errorReplacer);
    for (const secret of this.secrets) line = line.replaceAll(secret, REDACTED);
    this.write(line + '\n');
  }
}

/** Errors serialise to their name and message (and cause), never to `{}` and never with a stack. */
function errorReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const cause = value.cause instanceof Error ? { name: value.cause.name, message: value.cause.message } : undefined;
    return { name: value.name, message: value.message, ...(cause && { cause }) };
  }
  return typeof value === 'bigint' ? value.toString() : value;
}
