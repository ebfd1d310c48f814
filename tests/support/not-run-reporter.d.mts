// Types for not-run-reporter.mjs, which stays JavaScript so that node can load it as a reporter.
export function notRunLine(skips: { name: string; reason: string }[]): string;
export default function notRunReporter(source: AsyncIterable<{ type: string; data: { name: string; skip?: string | boolean } }>): AsyncGenerator<string>;
