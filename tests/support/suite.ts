import { describe, test } from 'node:test';

/**
 * `describe(name, body)`, or, when `skipReason` says why the suite cannot run here, a single skipped
 * test of that name: node:test counts a skipped test in its "skipped" total, a skipped describe nowhere.
 */
export function describeUnlessMissing(name: string, skipReason: string | undefined, body: () => void): void {
  if (skipReason) test(name, { skip: skipReason }, () => {});
  else describe(name, body);
}
