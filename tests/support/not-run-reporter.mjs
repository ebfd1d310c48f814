/**
 * `make test`'s node:test reporter: the spec reporter's output, then one closing line naming what was
 * skipped and why ("NOT RUN: Terraform checks, deploy test — terraform is not on PATH …"), or saying
 * that everything ran. Someone without terraform, moto or Chromium reads what they did not test.
 * Plain JavaScript: node loads reporters before `--import tsx` can teach it TypeScript.
 */
import { Readable } from 'node:stream';
import { spec } from 'node:test/reporters';

/**
 * "NOT RUN: a, b — why; c — why else", or the all-clear.
 * @param {{ name: string, reason: string }[]} skips the skipped tests' names and reasons, in run order
 */
export function notRunLine(skips) {
  if (skips.length === 0) return 'NOT RUN: nothing; every test ran.';
  /** @type {Map<string, string[]>} */
  const byReason = new Map();
  for (const { name, reason } of skips) byReason.set(reason, [...(byReason.get(reason) ?? []), name]);
  return `NOT RUN: ${[...byReason].map(([reason, names]) => `${names.join(', ')} — ${reason}`).join('; ')}`;
}

/** @param {AsyncIterable<{ type: string, data: { name: string, skip?: string | boolean } }>} source */
export default async function* notRunReporter(source) {
  /** @type {{ name: string, reason: string }[]} */
  const skips = [];
  async function* watched() {
    for await (const event of source) {
      const { skip, name } = event.data;
      if (event.type === 'test:pass' && skip) skips.push({ name, reason: skip === true ? 'skipped' : skip });
      yield event;
    }
  }
  for await (const chunk of Readable.from(watched()).pipe(new spec())) yield String(chunk);
  yield `\n${notRunLine(skips)}\n`;
}
