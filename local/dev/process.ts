/**
 * Runs dist/dev.mjs, the `make dev` runner built from function/src/tools/dev.ts, as a child process:
 * its own JSON lines (stderr) and the function's (stdout) arrive parsed, one callback per line.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { resolve } from 'node:path';

export const DEV_SCRIPT = resolve(import.meta.dirname, '../../dist/dev.mjs');

export type DevLine = Record<string, unknown> & { level: string; message: string; from: 'runner' | 'function' };

export interface DevProcess {
  lines: DevLine[];
  /** Resolves with the first line (seen or to come) that matches; rejects if the runner exits first. */
  waitFor(message: RegExp, timeoutMs?: number): Promise<DevLine>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

export function startDevProcess(env: NodeJS.ProcessEnv, onLine: (line: DevLine) => void = () => {}): DevProcess {
  const child = spawn(process.execPath, [DEV_SCRIPT], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: DevLine[] = [];
  const waiters = new Set<(line: DevLine) => void>();
  const read = (stream: NodeJS.ReadableStream, from: DevLine['from']) =>
    createInterface({ input: stream }).on('line', (text) => {
      let line: DevLine;
      try {
        line = { ...(JSON.parse(text) as DevLine), from };
      } catch {
        line = { level: 'INFO', message: text, from }; // not JSON: an SDK warning, say
      }
      lines.push(line);
      onLine(line);
      for (const waiter of [...waiters]) waiter(line);
    });
  read(child.stdout, 'function');
  read(child.stderr, 'runner');
  const exited = new Promise<number | null>((done) => child.once('close', done));
  return {
    lines,
    waitFor(message, timeoutMs = 30_000) {
      const seen = lines.find((line) => message.test(line.message));
      if (seen) return Promise.resolve(seen);
      return new Promise((found, fail) => {
        const timer = setTimeout(() => finish(new Error(`dist/dev.mjs said nothing matching ${message} within ${timeoutMs} ms`)), timeoutMs);
        const waiter = (line: DevLine) => message.test(line.message) && finish(line);
        const finish = (result: DevLine | Error) => {
          clearTimeout(timer);
          waiters.delete(waiter);
          if (result instanceof Error) fail(result);
          else found(result);
        };
        waiters.add(waiter);
        void exited.then((code) => finish(new Error(`dist/dev.mjs exited (${code}) before saying ${message}: ${lines.map((l) => l.message).join(' | ')}`)));
      });
    },
    exited,
    stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
