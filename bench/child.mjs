// A fresh "Lambda container" for the benchmark, run with plain `node` (no tsx, no loaders) so that
// its timings and memory are the bundle's own.
//
//   node bench/child.mjs cold <bundle>     import the bundle once, print `BENCH {json}`, exit
//   node bench/child.mjs first <bundle> <event json>
//                                          import the bundle, handle that one event (the first
//                                          answer a user gets from a cold container), print, exit;
//                                          a method call in the handler's answer is printed too
//                                          (`WEBHOOK_ANSWER {json}`), for the parent to make as Telegram would
//   node bench/child.mjs session <bundle>  (forked, with IPC) import the bundle, then run the
//                                          events the parent sends: {cmd:'run', events:[{tag, event}]}
//
// The parent builds the API Gateway events (function/src/tools/proxy-event.ts); this plain-node
// process cannot load TypeScript.
//
// The bundle reads its configuration from process.env at import and creates its S3 and Polly
// clients there; with TELEGRAM_BOT_TOKEN/TELEGRAM_WEBHOOK_SECRET set, no Secrets Manager call is
// made on the first invocation either.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [mode, bundle] = process.argv.slice(2);
const bundleUrl = pathToFileURL(bundle).href;

/**
 * Peak RSS of THIS process in KiB. Linux's getrusage maxrss (process.resourceUsage().maxRSS) is not
 * usable in a child: it keeps the high-water mark of the parent it was forked from (the benchmark's own
 * ~100 MiB). /proc/self/status VmHWM belongs to this program's address space alone.
 */
function peakRssKB() {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))[1]);
  } catch {
    return process.resourceUsage().maxRSS; // not Linux: getrusage, which has no such inheritance on macOS
  }
}

const started = performance.now();
const { handler } = await import(bundleUrl);
const ready = performance.now();
const maxRssAfterImportKB = peakRssKB();

/** The handler reads only the remaining time from its Lambda context. */
function context(timeoutMs = 28_000) {
  const endsAt = Date.now() + timeoutMs;
  return { getRemainingTimeInMillis: () => Math.max(0, endsAt - Date.now()) };
}

if (mode === 'cold') {
  // performance.now() counts from the process's time origin, so `ready` is process start → handler ready.
  process.stdout.write(`BENCH ${JSON.stringify({ importMs: ready - started, readyMs: ready, maxRssKB: maxRssAfterImportKB })}\n`);
  process.exit(0);
}

if (mode === 'first') {
  // Load + first answer, timed inside the process like the Python baseline's first_answer.py: the
  // handler returns only after its Telegram call (and everything before it) is done.
  const result = await handler(JSON.parse(process.argv[4]), context());
  const answered = performance.now();
  const out = { importMs: ready - started, answerMs: answered - ready, firstAnswerMs: answered - started, status: result.statusCode, maxRssKB: peakRssKB() };
  process.stdout.write(`BENCH ${JSON.stringify(out)}\n`);
  if (result.statusCode === 200 && result.headers?.['content-type'] === 'application/json') process.stdout.write(`WEBHOOK_ANSWER ${result.body}\n`);
  process.exit(0);
}

process.on('message', async (message) => {
  if (message.cmd === 'exit') process.exit(0);
  if (message.cmd !== 'run') return;
  const results = [];
  for (const { tag, event } of message.events) {
    // API Gateway's clock starts when it hands this event over, not when the parent built the batch.
    event.requestContext.requestTimeEpoch = Date.now();
    const ctx = context();
    const t0 = performance.now();
    const result = await handler(event, ctx);
    results.push({ tag, ms: performance.now() - t0, status: result.statusCode });
  }
  process.send({ results, maxRssKB: peakRssKB() });
});

process.send({ ready: true, importMs: ready - started, maxRssAfterImportKB });
