/**
 * `make bench`, the load test: 500 updates from 100 chats at once through the local API Gateway
 * adapter into several containers (child processes serving dist/index.mjs), with Polly's neural
 * quota enforced by the Polly stand-in and 1% of S3 requests answered 503 SlowDown. Some updates are
 * delivered twice at once (duplicates), some again after their 200 (redeliveries); every failed
 * delivery is redelivered like Telegram does. Twice: with the job queue (the local SQS, the worker
 * bundle dist/worker.mjs polled in a child process at the mapping's maximum concurrency) and without
 * it (what the webhook cannot finish is apologized for). Measures and prints; asserts nothing.
 *
 * Knobs: BENCH_LOAD_CONTAINERS (default 4), BENCH_LOAD_CHATS (100), BENCH_LOAD_PER_CHAT (5),
 * BENCH_LOAD_QUEUE (both | on | off, default both).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { Update } from '@grammyjs/types';
import { toneOggOpus } from '../local/audio/ogg-opus-encoder.ts';
import { localFunctionEnv } from '../local/function-env.ts';
import { startPolly } from '../local/polly/server.ts';
import { startS3 } from '../local/s3/server.ts';
import { createJobQueues, WORKER_DEFAULTS } from '../local/sqs/queues.ts';
import { startSqs } from '../local/sqs/server.ts';
import { startTelegramEmulator, type SentMessage } from '../local/telegram/emulator.ts';
import { MESSAGES } from '../function/src/messages.ts';
import { connectionPool, deliverLikeTelegram, doubling, type Attempt } from '../tests/reliability/support/redelivery.ts';

const ROOT = resolve(import.meta.dirname, '..');
const RESULTS = resolve(import.meta.dirname, 'load-results.json');
const CONTAINERS = Number(process.env.BENCH_LOAD_CONTAINERS ?? 4);
const QUEUE_RUNS = { both: [true, false], on: [true], off: [false] }[process.env.BENCH_LOAD_QUEUE ?? 'both'] ?? [true, false];
/** The worker's mapping, as terraform/modules/queue derives it for the neural quota: 8 at once, batches of 5. */
const WORKER = { maximumConcurrency: 8, batchSize: 5, timeoutSeconds: 60 };
/** List prices (us-east-1): SQS standard $0.40 per million requests; Lambda arm64 $0.20 per million requests and $0.0000133334 per GB-second. */
const PRICE = { sqsRequest: 0.4 / 1e6, lambdaRequest: 0.2 / 1e6, lambdaGbSecond: 0.0000133334, memoryGb: 0.25 };
const CHATS = Number(process.env.BENCH_LOAD_CHATS ?? 100);
const PER_CHAT = Number(process.env.BENCH_LOAD_PER_CHAT ?? 5);
/** Polly's neural SynthesizeSpeech quota (Quotas in Amazon Polly): 8 tps, burst 10, 18 concurrent. */
const POLLY_QUOTA = { tps: 8, burst: 10, concurrent: 18 };
/** A real Polly request takes a few hundred ms for a short sentence. */
const POLLY_LATENCY_MS = 250;
const S3_SLOWDOWN_RATE = 0.01;
/** Every 10th update is delivered twice at once; every 10th (another) once more after its 200. */
const DUPLICATE_EVERY = 10;
const REDELIVER_EVERY = 10;
/** Telegram's retries after a failed delivery: 1 s, 2 s … 32 s. */
const REDELIVERY_INTERVALS = doubling(1_000, 6);
/** Telegram's default webhook max_connections: never more posts open at once. */
const MAX_CONNECTIONS = Number(process.env.BENCH_LOAD_CONNECTIONS ?? 40);
/** Some texts repeat across chats, as greetings do: the audio cache's share. */
const COMMON_PHRASES = ['Good morning!', 'Thank you very much.', 'See you tomorrow.', 'Happy birthday!', 'On my way.'];
const TOKEN = '444000222:LoadTestTokenNotARealOne';
const SECRET = 'load_test-Secret_1';
const BUCKET = 'voicebot-load';

const log = (line: string) => process.stderr.write(`bench load: ${line}\n`);
const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]! : NaN;
};
const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** One second of tone as Ogg Opus: the load is about quotas and ledgers, not about eSpeak's CPU. */
const TONE = toneOggOpus(1);

type LogLine = Record<string, unknown>;

/** A child process of `script` that reports its first non-JSON line and collects its JSON log lines. */
function startChild(args: string[], env: Record<string, string>, logs: LogLine[]): { child: ChildProcess; ready: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const ready = new Promise<string>((resolveReady) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('{')) logs.push(JSON.parse(line) as LogLine);
      else resolveReady(line.trim());
    });
  });
  return { child, ready };
}

const results = [];
for (const queued of QUEUE_RUNS) results.push(await loadRun(queued));
writeFileSync(RESULTS, JSON.stringify(QUEUE_RUNS.length === 1 ? results[0] : { withQueue: results[0], withoutQueue: results[1] }, null, 2) + '\n');
printTable(results);
console.log(`\nWritten to ${RESULTS}.`);

async function loadRun(queued: boolean) {
const [s3, polly, telegram, sqs] = await Promise.all([
  startS3({ buckets: [BUCKET], randomFaults: { rate: S3_SLOWDOWN_RATE, status: 503, code: 'SlowDown' } }),
  startPolly({ quota: POLLY_QUOTA, latencyMs: POLLY_LATENCY_MS, synthesizer: async () => TONE }),
  startTelegramEmulator({ token: TOKEN }),
  startSqs({ region: 'eu-west-1' }),
]);
const queues = queued ? createJobQueues(sqs, 'voicebot-jobs', { ...WORKER_DEFAULTS, ...WORKER }) : undefined;
const env = { ...localFunctionEnv({ s3, polly, telegramUrl: telegram.url, bucket: BUCKET, botToken: TOKEN, webhookSecret: SECRET, startMessage: 'hi' }), ...queues?.env };
const logs: LogLine[] = [];
const containers = Array.from({ length: CONTAINERS }, () => startChild([resolve(ROOT, 'tests/terraform/lib/serve-deployed.ts'), resolve(ROOT, 'dist')], env, logs));
const worker = queues && startChild([resolve(ROOT, 'tests/terraform/lib/serve-worker.ts'), resolve(ROOT, 'dist'), queues.url, queues.arn, String(WORKER.timeoutSeconds), String(WORKER.batchSize), String(WORKER.maximumConcurrency)], env, logs);
const urls = await Promise.all(containers.map((c) => c.ready));
await worker?.ready;
log(`queue ${queued ? 'on' : 'off'}: ${CONTAINERS} containers${queued ? ` and a worker (${WORKER.maximumConcurrency} at once)` : ''} up; ${CHATS * PER_CHAT} updates from ${CHATS} chats`);

// The users write; the emulator (no webhook set) only builds the updates, which this script delivers as Telegram would.
const updates: Update[] = [];
for (let n = 0; n < PER_CHAT; n++) {
  for (let c = 0; c < CHATS; c++) {
    const text = (c + n) % 5 === 0 ? COMMON_PHRASES[(c + n) % COMMON_PHRASES.length]! : `Message ${n + 1} from chat ${c + 1}: please read this aloud.`;
    updates.push((await telegram.sendUserMessage({ chatId: 50_000 + c, text })).update);
  }
}
const sentAt = new Map<SentMessage, number>();
telegram.events.on('sent', (message: SentMessage) => sentAt.set(message, performance.now()));

let next = 0;
const roundRobin = async () => urls[next++ % urls.length]!;
const connection = connectionPool(MAX_CONNECTIONS);
const delivery = (update: Update) => deliverLikeTelegram(update, { url: roundRobin, secret: SECRET, intervalsMs: REDELIVERY_INTERVALS, connection, telegram });
const started = performance.now();
const firstPost = new Map<number, number>();
const stories: Attempt[][] = await Promise.all(
  updates.flatMap((update, i) => {
    firstPost.set(update.update_id, performance.now());
    const runs = [delivery(update)];
    if (i % DUPLICATE_EVERY === 3) runs.push(delivery(update));
    if (i % REDELIVER_EVERY === 7) runs.push(runs[0]!.then(async (first) => [...first, ...(await delivery(update))]));
    return runs;
  }),
);
const wallMs = performance.now() - started;
// With the queue, the burst is over when the last job has left it (its handler returned: its line is written).
while (queues && sqs.messages(queues.name).length > 0 && performance.now() - started < 600_000) await new Promise((r) => setTimeout(r, 200));
const drainedMs = performance.now() - started;
await new Promise((r) => setTimeout(r, 500)); // the last log lines

// What the users got.
const byMessage = new Map<string, number[]>();
for (const m of telegram.sent) {
  if (m.kind !== 'voice' && m.kind !== 'document') continue;
  const key = `${m.chat_id}:${m.reply_to_message_id}`;
  byMessage.set(key, [...(byMessage.get(key) ?? []), sentAt.get(m) ?? NaN]);
}
const apologiesByChat = new Map<number, number>();
for (const m of telegram.sent) if (m.kind === 'text' && m.text === MESSAGES.failed) apologiesByChat.set(m.chat_id, (apologiesByChat.get(m.chat_id) ?? 0) + 1);
const otherTexts = telegram.sent.filter((m) => m.kind === 'text' && m.text !== MESSAGES.failed).length;
let voiced = 0;
let duplicates = 0;
let lost = 0;
const timeToVoice: number[] = [];
const perChat = new Map<number, { updates: number; voiced: number }>();
for (const update of updates) {
  const { chat, message_id: messageId } = update.message!;
  const times = byMessage.get(`${chat.id}:${messageId}`) ?? [];
  const chatCount = perChat.get(chat.id) ?? { updates: 0, voiced: 0 };
  chatCount.updates++;
  if (times.length) {
    voiced++;
    chatCount.voiced++;
    duplicates += times.length - 1;
    timeToVoice.push(Math.min(...times) - firstPost.get(update.update_id)!);
  }
  perChat.set(chat.id, chatCount);
}
// An apology is not a reply to the message, so the losses are counted per chat.
for (const [chatId, count] of perChat) lost += Math.max(0, count.updates - count.voiced - (apologiesByChat.get(chatId) ?? 0));
const apologies = [...apologiesByChat.values()].reduce((a, b) => a + b, 0);

const finals = logs.filter((l) => l.message === 'update handled' || l.message === 'update failed');
const jobs = logs.filter((l) => l.message === 'job handled' || l.message === 'job failed');
const lastVoiceMs = Math.max(...[...byMessage.values()].flat()) - started;
/** What Polly answered with audio, at the quota's pace: no schedule can voice the burst sooner. */
const pollyAnswered = polly.requests.length - polly.throttled;
const quotaFloorMs = (pollyAnswered / POLLY_QUOTA.tps) * 1000;
const operations = sqs.operations.reduce((m, op) => m.set(op, (m.get(op) ?? 0) + 1), new Map<string, number>());
// Lambda's pollers long-poll whether or not there is work; what the burst itself costs is its sends,
// its receives that found jobs (one worker invocation each), deletes and visibility changes.
const workerInvocations = sqs.batches.length;
const statuses = new Map<number, number>();
for (const story of stories) for (const a of story) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1);
const doneMs = finals.map((l) => l.done_ms).filter((v): v is number => typeof v === 'number');
const s3Faults = s3.requests.filter((r) => r.status === 503).length;
const takeovers = finals.filter((l) => l.lease === 'taken_over').length;
const silentReasons = new Map<string, number>();
for (const l of finals) if (l.outcome === 'ignored') silentReasons.set(String(l.reason).replace(/ (until|by) .*/, '').replace(/attempt \d+/, 'attempt N'), (silentReasons.get(String(l.reason).replace(/ (until|by) .*/, '').replace(/attempt \d+/, 'attempt N')) ?? 0) + 1);
const throttledFinal = logs.filter((l) => l.message === 'voice not delivered' && /Throttling/.test(JSON.stringify(l.error))).length;

const jobMs = jobs.map((l) => Number(l.total_ms) || 0).reduce((a, b) => a + b, 0);
const sqsRequests = (operations.get('SendMessage') ?? 0) + (operations.get('DeleteMessage') ?? 0) + (operations.get('ChangeMessageVisibility') ?? 0) + workerInvocations;
const perThousand = (usd: number) => (usd / updates.length) * 1000;
const result = {
  queue: queued,
  updates: updates.length,
  chats: CHATS,
  containers: CONTAINERS,
  deliveries: stories.length,
  voices: voiced,
  apologies,
  otherTexts,
  duplicates,
  lost,
  timeToVoiceMs: { p50: pct(timeToVoice, 50), p95: pct(timeToVoice, 95), p99: pct(timeToVoice, 99), max: Math.max(...timeToVoice) },
  polly: { requests: polly.requests.length, throttled: polly.throttled, apologiesAfterThrottling: throttledFinal, quota: POLLY_QUOTA },
  s3: { requests: s3.requests.length, slowDown: s3Faults },
  webhookAnswers: Object.fromEntries(statuses),
  takeovers,
  outcomes: Object.fromEntries(finals.reduce((m, l) => m.set(String(l.outcome), (m.get(String(l.outcome)) ?? 0) + 1), new Map<string, number>())),
  silentReasons: Object.fromEntries(silentReasons),
  doneWindowMs: { p50: pct(doneMs, 50), p99: pct(doneMs, 99), max: Math.max(...doneMs) },
  wallMs,
  lastVoiceMs,
  quotaFloorMs,
  queueJobs: { handled: jobs.length, outcomes: Object.fromEntries(jobs.reduce((m, l) => m.set(String(l.outcome), (m.get(String(l.outcome)) ?? 0) + 1), new Map<string, number>())), deadLetters: queues ? sqs.messages(queues.deadLetterName).length : 0, drainedMs },
  sqsOperations: Object.fromEntries(operations),
  costPer1000Usd: queued ? { sqs: perThousand(sqsRequests * PRICE.sqsRequest), worker: perThousand(workerInvocations * PRICE.lambdaRequest + (jobMs / 1000) * PRICE.memoryGb * PRICE.lambdaGbSecond), sqsRequests, workerInvocations } : undefined,
  date: new Date().toISOString(),
};
if (process.env.BENCH_LOAD_LOGS) writeFileSync(`${process.env.BENCH_LOAD_LOGS}.${queued ? 'queue' : 'direct'}`, logs.map((l) => JSON.stringify(l)).join('\n') + '\n');

for (const c of containers) c.child.kill('SIGKILL');
worker?.child.kill('SIGKILL');
await Promise.all([s3.close(), polly.close(), telegram.close(), sqs.close()]);
return { ...result, statuses, silentReasons, throttledFinal, doneMs, s3Faults, stories: stories.length };
}

type Run = Awaited<ReturnType<typeof loadRun>>;

/** One markdown table, a column per run: with the queue, and without it (what the webhook cannot finish is apologized for). */
function printTable(runs: Run[]): void {
  const columns = runs.map((r) => (r.queue ? 'with the job queue' : 'without it (the webhook alone)'));
  const row = (label: string, value: (r: Run) => string) => `| ${label} | ${runs.map(value).join(' | ')} |`;
  const first = runs[0]!;
  const lines = [
    `| load test: ${first.updates} updates (${first.chats} chats × ${PER_CHAT}), ${first.stories} deliveries with duplicates and redeliveries, ${first.containers} containers, Polly ${POLLY_QUOTA.tps} tps / burst ${POLLY_QUOTA.burst}, S3 1 % 503 | ${columns.join(' | ')} |`,
    `| --- | ${columns.map(() => '---').join(' | ')} |`,
    row('Voices delivered', (r) => `${r.voices}`),
    row('Apologies (must be 0 with the queue)', (r) => `**${r.apologies}**${r.throttledFinal ? ` (${r.throttledFinal} after Polly throttling)` : ''}`),
    row('Duplicates (a second voice for one message; must be 0)', (r) => `**${r.duplicates}**`),
    row('Lost (neither voice nor apology; must be 0)', (r) => `**${r.lost}**`),
    row('Time to voice, first post → voice at Telegram (p50 / p95 / max)', (r) => `${secs(r.timeToVoiceMs.p50)} / ${secs(r.timeToVoiceMs.p95)} / ${secs(r.timeToVoiceMs.max)}`),
    row(`Time to the last voice / the quota floor (Polly requests answered ÷ ${POLLY_QUOTA.tps} tps)`, (r) => `${secs(r.lastVoiceMs)} / ${secs(r.quotaFloorMs)} = ${(r.lastVoiceMs / r.quotaFloorMs).toFixed(2)}×`),
    row('Polly requests / ThrottlingException', (r) => `${r.polly.requests} / ${r.polly.throttled}`),
    row('Updates queued by the webhook / jobs the worker ran (outcome: count) / dead letters', (r) => (r.queue ? `${r.outcomes.queued ?? 0} / ${r.queueJobs.handled} (${Object.entries(r.queueJobs.outcomes).map(([o, n]) => `${o}: ${n}`).join(', ')}) / ${r.queueJobs.deadLetters}` : '–')),
    row('Webhook answers (status: count)', (r) => [...r.statuses].sort().map(([s, n]) => `${s || 'conn. lost'}: ${n}`).join(', ')),
    row('Silent answers (reason: count)', (r) => [...r.silentReasons].map(([reason, n]) => `${reason}: ${n}`).join('; ') || '–'),
    row('Lease takeovers', (r) => `${r.takeovers}`),
    row('S3 requests / 503 SlowDown injected', (r) => `${r.s3.requests} / ${r.s3Faults}`),
    row('SQS requests of the burst (send, receive, delete, visibility) / worker invocations', (r) => (r.costPer1000Usd ? `${r.costPer1000Usd.sqsRequests} / ${r.costPer1000Usd.workerInvocations}` : '–')),
    row('Added cost per 1,000 messages: SQS + worker Lambda (arm64, 256 MB; list prices)', (r) => (r.costPer1000Usd ? `$${r.costPer1000Usd.sqs.toFixed(5)} + $${r.costPer1000Usd.worker.toFixed(5)}` : '–')),
  ];
  console.log(`\n${lines.join('\n')}`);
}
