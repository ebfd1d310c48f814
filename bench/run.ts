/**
 * `make bench`: measures the built bundle (dist/index.mjs) and prints one markdown table; writes
 * bench/results.json. A benchmark, not a test: it asserts nothing.
 *
 *   1. Cold start, side by side: N fresh Node processes importing the bundle, interleaved with N fresh
 *      Python processes importing the article's handler (bench/baseline/handler.py).
 *   2. Bundle: raw and gzipped size; top 10 contributors from the esbuild metafile, by package.
 *   3. Warm overhead: 1,000 text updates through the handler against zero-latency in-memory fakes.
 *   4. Memory: peak RSS of a fresh process handling one 4,096-character message.
 *   5. Long text: the same message with a fake Polly that takes 300 ms per request.
 *
 * The handler always runs in a separate, plain `node` process (bench/child.mjs): no tsx loader in
 * its timings or its memory. The fakes (bench/fakes.ts) run here, in this process, and time every
 * request from their side.
 *
 * Knobs: BENCH_COLD_N (default 20, at least 15), BENCH_WARM_N (default 1000), PYTHON (default python3),
 * BENCH_PROFILE=<directory> (each handler session writes a V8 CPU profile there: node --cpu-prof),
 * BENCH_ONLY=first-answer,latency (only those parts, printed and not written to results.json),
 * BENCH_BUNDLE=<path> (another build of the bundle, e.g. an earlier commit's, to compare with).
 */
import { spawn, fork, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem, platform, release } from 'node:os';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { synthesizeOggOpus } from '../local/audio/synthesize.ts';
import { normalizeForSpeech, splitForSpeech } from '../function/src/speech/text.ts';
import { webhookEvent } from '../function/src/tools/proxy-event.ts';
import { LAMBDA_NODE_MAJOR, nodeOfMajor } from '../scripts/node-runtime.mjs';
import { busyTime, startFakes, type Fakes, type Interval, type Latency } from './fakes.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BUNDLE = resolve(process.env.BENCH_BUNDLE ?? resolve(ROOT, 'dist/index.mjs'));
const METAFILE = resolve(dirname(BUNDLE), 'metafile-esm.json');
const CHILD = resolve(import.meta.dirname, 'child.mjs');
const BASELINE_DIR = resolve(import.meta.dirname, 'baseline');
const RESULTS = resolve(import.meta.dirname, 'results.json');

/** Below 15 only as a smoke run while developing the benchmark: the table then says so. */
const COLD_N = Number(process.env.BENCH_COLD_N ?? 20);
const FIRST_N = Number(process.env.BENCH_FIRST_N ?? COLD_N);
const LATENCY_N = Number(process.env.BENCH_LATENCY_N ?? 15);
const WARM_N = Number(process.env.BENCH_WARM_N ?? 1000);
const WARMUP_N = 50;
const LONG_LATENCY_MS = 300;
const PYTHON = process.env.PYTHON ?? 'python3';
/** The parts a partial run measures (BENCH_ONLY); a full run measures everything and writes results.json. */
const PARTIAL_PARTS = ['first-answer', 'latency'] as const;
const ONLY = process.env.BENCH_ONLY?.split(',').map((part) => part.trim());
const unknownPart = ONLY?.find((part) => !(PARTIAL_PARTS as readonly string[]).includes(part));
if (unknownPart !== undefined) {
  console.error(`bench: BENCH_ONLY=${process.env.BENCH_ONLY}: "${unknownPart}" is not one of ${PARTIAL_PARTS.join(', ')}`);
  process.exit(2);
}
const measures = (part: (typeof PARTIAL_PARTS)[number]) => !ONLY || ONLY.includes(part);

const BOT_TOKEN = '123456789:AAbenchTokenNotARealOne_0123456789';
const WEBHOOK_SECRET = 'bench_webhook-secret';
const BUCKET = 'voicebot-bench';
const REGION = 'eu-west-1';

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

// ---------------------------------------------------------------------------------------------
// Small statistics helpers
const sortNum = (values: number[]) => [...values].sort((a, b) => a - b);
/** Nearest-rank percentile. */
const pct = (values: number[], p: number) => {
  const sorted = sortNum(values);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
};
const summary = (values: number[]) => ({ n: values.length, min: Math.min(...values), median: pct(values, 50), max: Math.max(...values) });
const ms = (value: number, digits = 1) => `${value.toFixed(digits)} ms`;
const mmm = (s: { min: number; median: number; max: number }, digits = 0) => `${s.min.toFixed(digits)} / **${s.median.toFixed(digits)}** / ${s.max.toFixed(digits)} ms`;
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;

// ---------------------------------------------------------------------------------------------
// Machine
function machine() {
  const python = spawnSync(PYTHON, ['-c', 'import sys; print(sys.version.split()[0])'], { encoding: 'utf8' });
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${platform()} ${release()}`,
    node: process.version,
    python: python.status === 0 ? python.stdout.trim() : null,
    date: new Date().toISOString(),
    /** 1/5/15-minute load averages at the start: above the core count, the machine was shared with other work. */
    loadAverage: loadavg().map((l) => +l.toFixed(1)),
  };
}

function pythonReady(): { ok: true; boto3: string } | { ok: false; why: string } {
  const check = spawnSync(PYTHON, ['-c', 'import boto3, requests; print(boto3.__version__)'], { encoding: 'utf8' });
  if (check.error) return { ok: false, why: `${PYTHON} not found` };
  if (check.status !== 0) return { ok: false, why: check.stderr.trim().split('\n').at(-1) ?? 'import failed' };
  return { ok: true, boto3: check.stdout.trim() };
}

// ---------------------------------------------------------------------------------------------
// Children

/** The environment a Lambda container would have, pointed at the fakes. */
function lambdaEnv(fakes: Fakes): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION, // Lambda sets both; boto3 reads only this one
    AWS_ACCESS_KEY_ID: 'BENCHKEY',
    AWS_SECRET_ACCESS_KEY: 'BENCHSECRET',
    AWS_ENDPOINT_URL_S3: fakes.s3Endpoint,
    AWS_ENDPOINT_URL_POLLY: fakes.pollyEndpoint,
    S3_FORCE_PATH_STYLE: 'true',
    S3_BUCKET_NAME: BUCKET,
    TELEGRAM_API_URL: fakes.telegramUrl,
    TELEGRAM_BOT_TOKEN: BOT_TOKEN,
    TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
    VOICE_NAME: 'Maxim',
    START_MESSAGE: 'Hello from the benchmark',
    LOG_LEVEL: 'INFO',
  };
}

const stderrSeen = new Set<string>();
/** Distinct stderr lines of the handler processes, without the pid node puts in its warnings. */
function noteStderr(text: string) {
  for (const line of text.split('\n')) {
    const clean = line.trim().replace(/^\(node:\d+\) /, '');
    if (clean && !clean.startsWith('(Use `node --trace-warnings')) stderrSeen.add(clean);
  }
}

/** Runs a process to completion; wall time is spawn → exit as seen from here. */
function runProcess(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ wallMs: number; out: Record<string, number>; stdout: string }> {
  return new Promise((resolvePromise, reject) => {
    const t0 = performance.now();
    const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = performance.now() - t0;
      noteStderr(stderr);
      const line = stdout.split('\n').find((l) => l.startsWith('BENCH '));
      if (code !== 0 || !line) return reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`));
      resolvePromise({ wallMs, out: JSON.parse(line.slice(6)) as Record<string, number>, stdout });
    });
  });
}

/** What the handler is given: a private-chat text, or with `inline` a keystroke of `@bot <inline>`; the chat (user) id tags every request made for it. */
type UpdateSpec = { updateId: number; chatId: number } & ({ text: string } | { inline: string });

/** Telegram's POST of an UpdateSpec as API Gateway passes it to the handler. */
function updateEvent(spec: UpdateSpec) {
  const { updateId, chatId } = spec;
  const from = { id: chatId, is_bot: false, first_name: 'Bench', language_code: 'en' };
  const update =
    'inline' in spec
      ? { update_id: updateId, inline_query: { id: `iq${updateId}`, from, query: spec.inline, offset: '', chat_type: 'sender' } }
      : { update_id: updateId, message: { message_id: updateId, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'private', first_name: 'Bench' }, from, text: spec.text } };
  return webhookEvent(update, WEBHOOK_SECRET, 'bench');
}

interface Session {
  importMs: number;
  maxRssAfterImportKB: number;
  run(updates: UpdateSpec[]): Promise<{ results: { tag: number; ms: number; status: number }[]; maxRssKB: number }>;
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/** With BENCH_PROFILE=<dir>: node's flags to write a V8 CPU profile there, named after what ran. */
const profileArgs = (name: string) =>
  process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.BENCH_PROFILE)}`, `--cpu-prof-name=${name}-${Date.now()}-${process.pid}.cpuprofile`] : [];

/** A fresh handler process, driven over IPC. */
async function startSession(fakes: Fakes, execPath = process.execPath): Promise<Session> {
  const execArgv = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.BENCH_PROFILE)}`] : [];
  const child: ChildProcess = fork(CHILD, ['session', BUNDLE], { env: lambdaEnv(fakes), execPath, execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  const logs: Record<string, unknown>[] = [];
  let buffered = '';
  // The handler's structured log lines go to the child's stdout, a pipe, as on Lambda.
  child.stdout!.on('data', (chunk: Buffer) => {
    buffered += chunk.toString('utf8');
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        noteStderr(line);
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => noteStderr(chunk.toString('utf8')));
  const next = <T>() => new Promise<T>((res, rej) => {
    const exited = (code: number | null) => rej(new Error(`handler process exited with ${code}`));
    child.once('exit', exited);
    child.once('message', (m) => {
      child.off('exit', exited);
      res(m as T);
    });
  });
  const hello = await next<{ importMs: number; maxRssAfterImportKB: number }>();
  return {
    ...hello,
    logs,
    async run(updates) {
      const reply = next<{ results: { tag: number; ms: number; status: number }[]; maxRssKB: number }>();
      child.send({ cmd: 'run', events: updates.map((update) => ({ tag: update.chatId, event: updateEvent(update) })) });
      return reply;
    },
    async close() {
      const exited = new Promise((res) => child.once('exit', res));
      child.send({ cmd: 'exit' });
      await exited;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// 1. Cold start
async function coldStart(fakes: Fakes, python: ReturnType<typeof pythonReady>) {
  const env = lambdaEnv(fakes);
  const node: { importMs: number; readyMs: number; wallMs: number; maxRssKB: number }[] = [];
  const py: { initMs: number; wallMs: number; maxRssKB: number }[] = [];
  const runNode = async () => {
    const { wallMs, out } = await runProcess(process.execPath, [CHILD, 'cold', BUNDLE], env, ROOT);
    return { importMs: out.importMs!, readyMs: out.readyMs!, maxRssKB: out.maxRssKB!, wallMs };
  };
  const runPython = async () => {
    // -B: no .pyc written, so every run compiles handler.py like a fresh container (site-packages keep theirs).
    const { wallMs, out } = await runProcess(PYTHON, ['-B', 'cold_start.py'], env, BASELINE_DIR);
    return { initMs: out.init_ms!, maxRssKB: out.max_rss_kb!, wallMs };
  };
  // One unmeasured run of each fills the page cache for both.
  await runNode();
  if (python.ok) await runPython();
  for (let i = 0; i < COLD_N; i++) {
    // Interleaved, alternating who goes first, so drift on the machine hits both sides alike.
    if (i % 2 === 0 || !python.ok) {
      node.push(await runNode());
      if (python.ok) py.push(await runPython());
    } else {
      py.push(await runPython());
      node.push(await runNode());
    }
  }
  return { node, python: py };
}

// ---------------------------------------------------------------------------------------------
// 1b. The first answer: load + one update, in fresh processes, this Node / Node 22 / Lambda's Node / Python

const SHORT_TEXT = 'Hello! Please read this short message aloud.';
const PATHS = ['/start', 'short text'] as const;
type AnswerPath = (typeof PATHS)[number];

interface Runtime {
  name: string;
  version: string;
  path: string;
}

/** The Node majors measured besides this process's: the previous LTS and the one Lambda runs (.nvmrc). */
const OTHER_NODE_MAJORS = [22, LAMBDA_NODE_MAJOR];

interface FirstAnswerRun {
  importMs: number;
  answerMs: number;
  firstAnswerMs: number;
  wallMs: number;
  status: number;
  /** Did the fake Bot API receive this update's answer (sendMessage / sendVoice)? */
  answered: boolean;
  /** voicebot only: its own log line's stage timers (client side, so the SDK's first-use work counts in them). */
  stages?: { s3Ms: number; pollyMs: number; telegramMs: number };
}

/** The stage timers of the handler's `update handled` log line, from a child's stdout. */
function stagesOf(stdout: string): FirstAnswerRun['stages'] {
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const entry = JSON.parse(line) as Record<string, unknown>;
    if (entry.message === 'update handled') return { s3Ms: Number(entry.s3_ms), pollyMs: Number(entry.polly_ms), telegramMs: Number(entry.telegram_ms) };
  }
  return undefined;
}

/**
 * Plays Telegram after the timing stopped: makes the Bot API call a handler's answer carried (`WEBHOOK_ANSWER`
 * in a child's stdout), so the fake Bot API receives that answer as it would have from Telegram.
 */
async function makeWebhookAnswer(fakes: Fakes, stdout: string): Promise<void> {
  const line = stdout.split('\n').find((l) => l.startsWith('WEBHOOK_ANSWER '));
  if (!line) return;
  const { method, ...params } = JSON.parse(line.slice('WEBHOOK_ANSWER '.length)) as { method: string };
  const response = await fetch(`${fakes.telegramUrl}/bot${BOT_TOKEN}/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
  await response.arrayBuffer();
}

let nextFirstId = 600_000;
/** A fresh update (own update and chat id); a short text is unique per run so it is never a cache hit. */
function firstAnswerUpdate(path: AnswerPath) {
  const id = ++nextFirstId;
  return { updateId: id, chatId: id, text: path === '/start' ? '/start' : `#${id} ${SHORT_TEXT}` };
}

/**
 * For each path, N rounds; in each round every side (each Node, Python) runs one fresh process that loads
 * its code and answers one update, the side that goes first rotating every round. Timed inside the process
 * from before the import to the handler's return (interpreter boot excluded on both sides).
 */
async function firstAnswer(fakes: Fakes, python: ReturnType<typeof pythonReady>, runtimes: Runtime[]) {
  const env = lambdaEnv(fakes);
  const sideNames = [...runtimes.map((r) => r.name), ...(python.ok ? ['Python'] : [])];
  const once = async (side: string, path: AnswerPath): Promise<FirstAnswerRun> => {
    const update = firstAnswerUpdate(path);
    const runtime = runtimes.find((r) => r.name === side);
    const run = runtime
      ? await runProcess(runtime.path, [...profileArgs(`first-${runtime.name.replace(' ', '')}-${path === '/start' ? 'start' : 'text'}`), CHILD, 'first', BUNDLE, JSON.stringify(updateEvent(update))], env, ROOT)
      : await runProcess(PYTHON, ['-B', 'first_answer.py', JSON.stringify(update)], env, BASELINE_DIR);
    const out = run.out;
    await makeWebhookAnswer(fakes, run.stdout);
    const answered = fakes.intervals.some((i) => i.service === 'telegram' && i.tag === update.chatId && /^send(Message|Voice) /.test(i.detail));
    return runtime
      ? { importMs: out.importMs!, answerMs: out.answerMs!, firstAnswerMs: out.firstAnswerMs!, wallMs: run.wallMs, status: out.status!, answered, stages: stagesOf(run.stdout) }
      : { importMs: out.import_ms!, answerMs: out.answer_ms!, firstAnswerMs: out.first_answer_ms!, wallMs: run.wallMs, status: out.status!, answered };
  };
  const runs = Object.fromEntries(PATHS.map((p) => [p, Object.fromEntries(sideNames.map((s) => [s, [] as FirstAnswerRun[]]))])) as Record<AnswerPath, Record<string, FirstAnswerRun[]>>;
  for (const side of sideNames) for (const path of PATHS) await once(side, path); // page cache, unmeasured
  for (let i = 0; i < FIRST_N; i++) {
    for (const path of PATHS) {
      const order = [...sideNames.slice(i % sideNames.length), ...sideNames.slice(0, i % sideNames.length)];
      for (const side of order) runs[path][side]!.push(await once(side, path));
    }
  }
  return { sides: sideNames, runs };
}

// ---------------------------------------------------------------------------------------------
// 1c. Latency-injected: end-to-end time of a warm handler against its critical-path floor

function latencySettings(): Latency {
  const { values } = parseArgs({
    options: { 's3-ms': { type: 'string' }, 'polly-ms': { type: 'string' }, 'polly-ms-per-20-chars': { type: 'string' }, 'telegram-ms': { type: 'string' } },
    strict: true,
  });
  const knob = (flag: string | undefined, env: string, fallback: number) => Number(flag ?? process.env[env] ?? fallback);
  return {
    s3Ms: knob(values['s3-ms'], 'BENCH_S3_MS', 20),
    pollyMs: knob(values['polly-ms'], 'BENCH_POLLY_MS', 150),
    pollyMsPer20Chars: knob(values['polly-ms-per-20-chars'], 'BENCH_POLLY_MS_PER_20_CHARS', 1),
    telegramMs: knob(values['telegram-ms'], 'BENCH_TELEGRAM_MS', 40),
  };
}

const LATENCY_KINDS = ['/start', 'inline keystroke', 'short text', 'repeated text (cached)'] as const;
const REPEATED_TEXT = 'Please read this repeated sentence aloud, it is the same every time.';

/**
 * The critical path of one update, derived from the requests it made: requests that overlap in time form
 * one stage (they ran concurrently); stages follow one another. With zero own overhead the update could
 * not be faster than the sum, over its stages, of the longest latency injected into a request of that stage.
 */
function criticalPath(requests: Interval[]) {
  const sorted = [...requests].sort((a, b) => a.start - b.start);
  const stages: Interval[][] = [];
  let stageEnd = -Infinity;
  for (const r of sorted) {
    if (r.start < stageEnd && stages.length) stages.at(-1)!.push(r);
    else stages.push([r]);
    stageEnd = Math.max(stageEnd, r.end);
  }
  const floorMs = stages.reduce((sum, stage) => sum + Math.max(...stage.map((r) => r.injectedMs)), 0);
  const name = (r: Interval) =>
    r.service === 'polly' ? `Polly (${r.detail}) ${+r.injectedMs.toFixed(1)}` : `${r.service === 's3' ? 'S3' : 'Telegram'} ${r.detail.split(' ')[0]} ${+r.injectedMs.toFixed(1)}`;
  const derivation = stages.length ? `${stages.map((stage) => stage.map(name).join(' ∥ ')).join(' → ')} = ${+floorMs.toFixed(1)} ms` : 'no request: the answer is the handler\'s return';
  return { floorMs, roundTrips: stages.length, derivation };
}

/** Update and chat ids of the latency runs: never reused, across runtimes too (a reused update id is a duplicate delivery). */
let nextLatencyId = 900_000;

async function latencyRun(fakes: Fakes, runtime: Runtime, latency: Latency) {
  const session = await startSession(fakes, runtime.path);
  const update = (kind: (typeof LATENCY_KINDS)[number]): UpdateSpec => {
    const id = ++nextLatencyId;
    // A keystroke of a user never seen before: a warm container knows nothing of them either.
    if (kind === 'inline keystroke') return { updateId: id, chatId: id, inline: SHORT_TEXT };
    const text = kind === '/start' ? '/start' : kind === 'short text' ? `#${id} ${SHORT_TEXT}` : REPEATED_TEXT;
    return { updateId: id, chatId: id, text };
  };
  try {
    fakes.setLatency(latency);
    // Warm-up with the latency on: connections open, code optimised, the repeated text synthesized once
    // (its audio in S3, its file_id in this container).
    for (const kind of LATENCY_KINDS) await session.run([update(kind), update(kind)]);
    const connectionsBefore = fakes.connections();
    const requestsBefore = fakes.intervals.length;
    const measured = Object.fromEntries(LATENCY_KINDS.map((k) => [k, [] as { ms: number; floorMs: number; roundTrips: number; derivation: string }[]]));
    // The answers that ride the handler's response (/start's, the keystroke's) are not made here: nothing in
    // this run checks answers, and those calls would count as the handler's own requests and connections.
    for (let i = 0; i < LATENCY_N; i++) {
      for (const kind of LATENCY_KINDS) {
        const from = fakes.intervals.length;
        const { results } = await session.run([update(kind)]);
        measured[kind]!.push({ ms: results[0]!.ms, ...criticalPath(fakes.intervals.slice(from)) });
      }
    }
    const keepAlive = { requests: fakes.intervals.length - requestsBefore, newConnections: fakes.connections() - connectionsBefore };
    const kinds = LATENCY_KINDS.map((kind) => {
      const runs = measured[kind]!;
      const wall = runs.map((r) => r.ms);
      const derivations = countBy(runs.map((r) => r.derivation));
      const typical = Object.entries(derivations).sort((a, b) => b[1] - a[1])[0]![0];
      const floorMs = runs.find((r) => r.derivation === typical)!.floorMs;
      return { kind, n: runs.length, p50: pct(wall, 50), p95: pct(wall, 95), floorMs, ratio: pct(wall, 50) / floorMs, roundTrips: runs.find((r) => r.derivation === typical)!.roundTrips, derivation: typical, derivations };
    });
    return { kinds, keepAlive };
  } finally {
    fakes.setLatency({});
    await session.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 2. Bundle
function bundleStats() {
  const raw = readFileSync(BUNDLE);
  const gzip = gzipSync(raw, { level: 9 }).length;
  const meta = JSON.parse(readFileSync(METAFILE, 'utf8')) as { outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }> };
  const outputKey = Object.keys(meta.outputs).find((key) => key.endsWith('index.mjs'))!;
  const output = meta.outputs[outputKey]!;
  const byPackage = new Map<string, number>();
  for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
    const name = packageOf(path);
    byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
  }
  const attributed = [...byPackage.values()].reduce((a, b) => a + b, 0);
  const top = [...byPackage.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([name, bytes]) => ({ name, bytes, share: bytes / output.bytes }));
  return { rawBytes: raw.length, gzipBytes: gzip, outputBytes: output.bytes, attributedBytes: attributed, packages: byPackage.size, top };
}

/** node_modules/@scope/name/... → @scope/name (the innermost node_modules wins); our own code by folder. */
function packageOf(path: string): string {
  const parts = path.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at >= 0) return parts[at + 1]!.startsWith('@') ? `${parts[at + 1]}/${parts[at + 2]}` : parts[at + 1]!;
  if (path.startsWith('function/')) return 'voicebot (function/src)';
  return path.replace(/^\(disabled\):.*/, '(disabled stubs)');
}

// ---------------------------------------------------------------------------------------------
// 3. Warm overhead
//
// Method: the handler runs in its own process; each of the WARM_N updates is timed there with
// performance.now() around `await handler(event, context)` (wall time W). The fakes run in this
// process and record, for every request they serve, the interval from the request event to the
// response's 'finish' on their own clock, tagged with the update's chat id (each update has its own).
// F = the length of the UNION of that update's intervals (the chat action runs concurrently with
// Polly, so a plain sum would double-count). Overhead = W − F: JSON parsing, routing, the SDK's
// request building and signing, presigning, the Ogg joiner, the log line, and the loopback round
// trips (socket writes and reads count as overhead, not as time inside a fake). The fakes answer
// from memory with no delay, so F is as small as a real network round trip can never be.
// Durations from two processes' clocks are subtracted, never timestamps, so no clock sync is needed.
// WARMUP_N unmeasured updates first open the keep-alive connections and let V8 optimise.
async function warmOverhead(fakes: Fakes) {
  const session = await startSession(fakes);
  try {
    const update = (i: number) => ({ updateId: 500_000 + i, chatId: 500_000 + i, text: `#${500_000 + i} Hello! Please read this short message aloud, it has about eighty characters.` });
    await session.run(Array.from({ length: WARMUP_N }, (_, i) => update(i)));
    fakes.reset();
    const firstLog = session.logs.length;
    const updates = Array.from({ length: WARM_N }, (_, i) => update(WARMUP_N + i));
    const t0 = performance.now();
    const { results } = await session.run(updates);
    const totalS = (performance.now() - t0) / 1000;
    const byTag = new Map<number | undefined, Interval[]>();
    for (const interval of fakes.intervals) byTag.set(interval.tag, [...(byTag.get(interval.tag) ?? []), interval]);
    const wall = results.map((r) => r.ms);
    const inside = results.map((r) => busyTime(byTag.get(r.tag) ?? []));
    const overhead = results.map((r, i) => r.ms - inside[i]!);
    const requestsPerUpdate = fakes.intervals.length / WARM_N;
    const untagged = byTag.get(undefined)?.length ?? 0;
    await new Promise((r) => setTimeout(r, 50)); // let the last log lines arrive
    const lines = session.logs.slice(firstLog).filter((l) => l.message === 'update handled');
    const outcomes = countBy(lines.map((l) => String(l.outcome)));
    // Cross-check from the handler's own log line: total_ms − (polly_ms + s3_ms + telegram_ms), in whole ms,
    // measured on the client side (so SDK work inside the stages counts as "stage", not overhead).
    const selfReported = lines.map((l) => Number(l.total_ms) - Number(l.polly_ms) - Number(l.s3_ms) - Number(l.telegram_ms));
    return {
      n: WARM_N,
      warmup: WARMUP_N,
      throughputPerS: WARM_N / totalS,
      statuses: countBy(results.map((r) => String(r.status))),
      outcomes,
      requestsPerUpdate,
      untaggedRequests: untagged,
      overhead: { p50: pct(overhead, 50), p95: pct(overhead, 95), p99: pct(overhead, 99), max: Math.max(...overhead) },
      handlerWall: { p50: pct(wall, 50), p95: pct(wall, 95), p99: pct(wall, 99) },
      insideFakes: { p50: pct(inside, 50), p95: pct(inside, 95), p99: pct(inside, 99) },
      selfReportedOverhead: lines.length ? { p50: pct(selfReported, 50), p95: pct(selfReported, 95), p99: pct(selfReported, 99) } : null,
    };
  } finally {
    await session.close();
  }
}

function countBy(values: string[]) {
  const counts: Record<string, number> = {};
  for (const v of values) counts[v] = (counts[v] ?? 0) + 1;
  return counts;
}

// ---------------------------------------------------------------------------------------------
// 4 + 5. The 4,096-character message

/** Exactly 4,096 characters of English prose (Telegram's longest message), ending with a full stop. */
function longText(): string {
  const sentences = [
    'The committee met on a grey Tuesday morning to review the quarterly figures.',
    'Nobody expected the numbers to be good, but few expected them to be this strange.',
    'Sales in the northern region had doubled, while the south had quietly fallen asleep.',
    'A junior analyst suggested the weather, and for a moment the room took her seriously.',
    'Then someone found the spreadsheet with two columns swapped, and everybody laughed.',
  ];
  let text = '';
  for (let i = 0; text.length < 4096; i++) text += (text ? ' ' : '') + sentences[i % sentences.length];
  return `${text.slice(0, 4095).trimEnd().padEnd(4095, 'a')}.`;
}

/**
 * Polly's answer sized like the real thing: the fake returns real speech for each part the handler will
 * ask for (the handler's own splitter says which), so the joined audio (~1 MB at 32 kb/s) is realistic.
 */
async function prepareLongAudio(fakes: Fakes, text: string) {
  const parts = splitForSpeech(normalizeForSpeech(text));
  let bytes = 0;
  for (const part of parts) {
    const audio = await synthesizeOggOpus({ text: part, languageCode: 'en-US', bitrateKbps: 32 });
    fakes.prepare(part, audio);
    bytes += audio.length;
  }
  return { parts: parts.length, partChars: parts.map((p) => p.length), audioBytes: bytes };
}

async function memory(fakes: Fakes, text: string) {
  const session = await startSession(fakes);
  try {
    fakes.reset();
    fakes.setPollyLatency(0);
    const firstLog = session.logs.length;
    const { results, maxRssKB } = await session.run([{ updateId: 700_001, chatId: 700_001, text }]);
    await new Promise((r) => setTimeout(r, 50));
    const line = session.logs.slice(firstLog).find((l) => l.message === 'update handled');
    return {
      maxRssAfterImportKB: session.maxRssAfterImportKB,
      maxRssKB,
      firstInvocationMs: results[0]!.ms,
      status: results[0]!.status,
      outcome: line?.outcome,
      delivery: line?.delivery,
      audioBytes: line?.audio_bytes,
      requests: countBy(fakes.intervals.map((i) => `${i.service} ${i.detail.split(' ')[0]}`)),
    };
  } finally {
    await session.close();
  }
}

async function longTextRun(fakes: Fakes, text: string) {
  const session = await startSession(fakes);
  try {
    // One short update first, at zero latency, so connections are open and code is warm.
    fakes.setPollyLatency(0);
    await session.run([{ updateId: 800_000, chatId: 800_000, text: '#800000 Warm up, please.' }]);
    fakes.reset();
    fakes.setPollyLatency(LONG_LATENCY_MS);
    const firstLog = session.logs.length;
    const { results } = await session.run([{ updateId: 800_001, chatId: 800_001, text }]);
    fakes.setPollyLatency(0);
    await new Promise((r) => setTimeout(r, 50));
    const line = session.logs.slice(firstLog).find((l) => l.message === 'update handled');
    const polly = fakes.intervals.filter((i) => i.service === 'polly');
    const starts = polly.map((i) => i.start);
    return {
      wallMs: results[0]!.ms,
      pollyRequests: polly.length,
      pollyLatencyMs: LONG_LATENCY_MS,
      sumOfPollyRequestsMs: polly.reduce((sum, i) => sum + (i.end - i.start), 0),
      pollyBusyMs: busyTime(polly),
      pollyStartSpreadMs: polly.length ? Math.max(...starts) - Math.min(...starts) : 0,
      insideFakesMs: busyTime(fakes.intervals),
      /** Every fake request of this update, relative to the first one's arrival (ms, this process's clock). */
      timeline: fakes.intervals.map((i) => ({ service: i.service, detail: i.detail, start: +(i.start - fakes.intervals.reduce((m, j) => Math.min(m, j.start), Infinity)).toFixed(1), ms: +(i.end - i.start).toFixed(1) })),
      outcome: line?.outcome,
      delivery: line?.delivery,
      logged: line ? { polly_ms: line.polly_ms, s3_ms: line.s3_ms, telegram_ms: line.telegram_ms, total_ms: line.total_ms } : undefined,
    };
  } finally {
    await session.close();
  }
}

// ---------------------------------------------------------------------------------------------
// The tables

const smoke = (n: number) => (n < 15 ? ' — below 15: a smoke run, not a measurement' : '');

type FirstAnswer = Awaited<ReturnType<typeof firstAnswer>>;
type LatencyResult = { runtime: Runtime } & Awaited<ReturnType<typeof latencyRun>>;

/** The first-answer table, and the notes below it: answers received, and where voicebot's time went. */
function firstAnswerReport(first: FirstAnswer, runtimes: Runtime[], python: ReturnType<typeof pythonReady>) {
  const firstCell = (runs: FirstAnswerRun[]) => {
    const total = summary(runs.map((r) => r.firstAnswerMs));
    return `${mmm(total)} (import ${pct(runs.map((r) => r.importMs), 50).toFixed(0)} + answer ${pct(runs.map((r) => r.answerMs), 50).toFixed(0)})`;
  };
  const nodeSides = first.sides.filter((s) => s !== 'Python');
  const table = [
    `| first answer: load + one update, fresh process, timed inside it (min / median / max, N=${FIRST_N}${smoke(FIRST_N)}) | ${[...runtimes.map((r) => `voicebot ${r.name} (${r.version})`), ...(python.ok ? ['Python baseline'] : [])].join(' | ')} | ratio of medians, Python ÷ ${nodeSides.join(' / ')} (goal ≥ 4×) |`,
    `| --- | ${first.sides.map(() => '---').join(' | ')} | --- |`,
    ...PATHS.map((path) => {
      const bySide = first.runs[path];
      const median = (side: string) => pct(bySide[side]!.map((r) => r.firstAnswerMs), 50);
      const ratios = python.ok ? nodeSides.map((s) => `**${(median('Python') / median(s)).toFixed(1)}×**`).join(' / ') : '–';
      return `| \`${path === '/start' ? '/start' : `${SHORT_TEXT.length}-char text → voice`}\` | ${first.sides.map((s) => firstCell(bySide[s]!)).join(' | ')} | ${ratios} |`;
    }),
  ].join('\n');
  const answeredNote = first.sides.map((s) => `${s} ${PATHS.map((p) => first.runs[p][s]!.filter((r) => r.answered && r.status === 200).length).reduce((a, b) => a + b, 0)}/${FIRST_N * PATHS.length}`).join(', ');
  const stageNote = PATHS.flatMap((path) =>
    nodeSides.map((side) => {
      const stages = first.runs[path][side]!.flatMap((r) => (r.stages ? [r.stages] : []));
      const med = (pick: (s: NonNullable<FirstAnswerRun['stages']>) => number) => pct(stages.map(pick), 50).toFixed(0);
      return stages.length ? `${path} on ${side}: S3 ${med((s) => s.s3Ms)}, Polly ${med((s) => s.pollyMs)}, Telegram ${med((s) => s.telegramMs)} ms` : `${path} on ${side}: no log line`;
    }),
  ).join('; ');
  const notes =
    `Answers the fake Bot API received (sendMessage/sendVoice with the run's chat id, HTTP 200): ${answeredNote}.\n` +
    `Where voicebot's first answer goes, from its own log line (medians; the stages include the SDK's and the Telegram client's first-use work against zero-latency fakes): ${stageNote}.`;
  return { table, notes };
}

/** The latency-injected table, and the keep-alive note below it. */
function latencyReport(latency: Latency, results: LatencyResult[]) {
  const table = [
    `| latency-injected, warm container (S3 ${latency.s3Ms} ms, Polly ${latency.pollyMs} ms + ${latency.pollyMsPer20Chars} ms per 20 chars, Telegram ${latency.telegramMs} ms; N=${LATENCY_N} each) | runtime | end-to-end p50 / p95 | critical-path floor | p50 ÷ floor (goal ≤ 1.2×) | sequential round trips: floor derivation |`,
    '| --- | --- | --- | --- | --- | --- |',
    ...results.flatMap(({ runtime, kinds }) =>
      kinds.map(
        (k) =>
          `| ${k.kind} | ${runtime.name} | ${ms(k.p50, 0)} / ${ms(k.p95, 0)} | ${ms(k.floorMs, 0)} | ${k.floorMs > 0 ? `**${k.ratio.toFixed(2)}×**` : '–'} | ${k.roundTrips}: ${k.derivation}${Object.keys(k.derivations).length > 1 ? ` (${Object.keys(k.derivations).length} shapes; this one ${k.derivations[k.derivation]}/${k.n})` : ''} |`,
      ),
    ),
  ].join('\n');
  const keepAliveNote = `Keep-alive, measured updates of the latency run: ${results.map((r) => `${r.runtime.name} ${r.keepAlive.requests} requests over ${r.keepAlive.newConnections} new TCP connections`).join('; ')}.`;
  return { table, keepAliveNote };
}

/** This process's Node, then the other majors (each once), from the npm registry's node-<platform>-<arch> package, installed once (scripts/node-runtime.mjs). */
function nodeRuntimes(): Runtime[] {
  const runtimes: Runtime[] = [{ name: `Node ${process.versions.node.split('.')[0]}`, version: process.version, path: process.execPath }];
  for (const major of OTHER_NODE_MAJORS) {
    const node = nodeOfMajor(major, { log });
    if (!node.ok) log(`Node ${major} skipped: ${node.why}.`);
    else if (!runtimes.some((r) => r.path === node.path)) runtimes.push({ name: `Node ${major}`, version: node.version, path: node.path });
  }
  return runtimes;
}

/** The latency-injected run on each runtime, one after another. */
async function latencyRuns(fakes: Fakes, runtimes: Runtime[], latency: Latency): Promise<LatencyResult[]> {
  const results: LatencyResult[] = [];
  for (const runtime of runtimes) {
    log(`latency-injected (${runtime.name}): S3 ${latency.s3Ms} ms, Polly ${latency.pollyMs} ms + ${latency.pollyMsPer20Chars} ms/20 chars, Telegram ${latency.telegramMs} ms; ${LATENCY_N} of each kind …`);
    results.push({ runtime, ...(await latencyRun(fakes, runtime, latency)) });
  }
  return results;
}

/** BENCH_ONLY: the parts asked for, their tables printed; results.json (a full run's record) is left as it was. */
async function partialRun(fakes: Fakes, python: ReturnType<typeof pythonReady>) {
  const runtimes = nodeRuntimes();
  const printed: string[] = [];
  if (measures('first-answer')) {
    log(`first answer: ${FIRST_N} rounds × ${PATHS.length} paths × ${runtimes.length + (python.ok ? 1 : 0)} sides, fresh processes, interleaved …`);
    const { table, notes } = firstAnswerReport(await firstAnswer(fakes, python, runtimes), runtimes, python);
    printed.push(table, notes);
  }
  if (measures('latency')) {
    const latency = latencySettings();
    const { table, keepAliveNote } = latencyReport(latency, await latencyRuns(fakes, runtimes, latency));
    printed.push(table, keepAliveNote);
  }
  const host = machine();
  printed.push(`Bundle ${BUNDLE.replace(`${ROOT}/`, '')}; ${runtimes.map((r) => `${r.name} ${r.version}`).join(', ')}; load average ${host.loadAverage.join(' / ')} at the end (${host.cores} cores). A partial run (BENCH_ONLY=${ONLY!.join(',')}): results.json not written.`);
  console.log(`\n${printed.join('\n\n')}\n`);
}

// ---------------------------------------------------------------------------------------------
async function main() {
  const started = performance.now();
  if (!existsSync(BUNDLE) || (!ONLY && !existsSync(METAFILE))) {
    console.error(`bench: ${BUNDLE} or the metafile-esm.json beside it is missing; run \`make build\` (make bench does).`);
    process.exit(1);
  }
  const host = machine();
  const python = pythonReady();
  if (!python.ok) {
    log(`Python baseline skipped: ${python.why}.`);
    log(`  To include it: install Python 3 and run \`${PYTHON} -m pip install boto3 requests\` (or set PYTHON=/path/to/python3).`);
  }
  log(`Node ${process.version} here; AWS Lambda runs the bundle on Node ${LAMBDA_NODE_MAJOR} (nodejs${LAMBDA_NODE_MAJOR}.x), so absolute numbers there differ.`);

  const defaultAudio = await synthesizeOggOpus({ text: 'Hello! Please read this short message aloud.', languageCode: 'en-US', bitrateKbps: 32 });
  const fakes = await startFakes({ defaultAudio });
  if (ONLY) {
    try {
      await partialRun(fakes, python);
    } finally {
      await fakes.close();
    }
    return;
  }
  try {
    log(`cold start: ${COLD_N} Node${python.ok ? ` + ${COLD_N} Python` : ''} processes, interleaved …`);
    const cold = await coldStart(fakes, python);
    const runtimes = nodeRuntimes();
    log(`first answer: ${FIRST_N} rounds × ${PATHS.length} paths × ${runtimes.length + (python.ok ? 1 : 0)} sides, fresh processes, interleaved …`);
    const first = await firstAnswer(fakes, python, runtimes);
    const latency = latencySettings();
    const latencyResults = await latencyRuns(fakes, runtimes, latency);
    log('bundle …');
    const bundle = bundleStats();
    log(`warm overhead: ${WARMUP_N} warm-up + ${WARM_N} updates …`);
    const warm = await warmOverhead(fakes);
    log('4,096-character message: preparing realistic Polly audio …');
    const text = longText();
    const long = await prepareLongAudio(fakes, text);
    log('memory …');
    const mem = await memory(fakes, text);
    log(`long text with Polly at ${LONG_LATENCY_MS} ms per request …`);
    const slow = await longTextRun(fakes, text);

    const nodeImport = summary(cold.node.map((r) => r.importMs));
    const nodeWall = summary(cold.node.map((r) => r.wallMs));
    const nodeRss = summary(cold.node.map((r) => r.maxRssKB));
    const pyInit = cold.python.length ? summary(cold.python.map((r) => r.initMs)) : null;
    const pyWall = cold.python.length ? summary(cold.python.map((r) => r.wallMs)) : null;
    const pyRss = cold.python.length ? summary(cold.python.map((r) => r.maxRssKB)) : null;
    const ratio = (a: number, b: number) => `**${(b / a).toFixed(1)}×** faster (median)`;

    const rows: [string, string, string, string][] = [
      [`Secondary — cold start, import only: import + S3 & Polly clients, no request, timed inside the process (min / median / max, N=${COLD_N}${COLD_N < 15 ? ' — below 15: a smoke run' : ''})`, mmm(nodeImport), pyInit ? mmm(pyInit) : 'skipped', pyInit ? `${ratio(nodeImport.median, pyInit.median)}; goal ≥ 4×` : ''],
      ['Cold start: whole process, spawn → exit (min / median / max)', mmm(nodeWall), pyWall ? mmm(pyWall) : 'skipped', pyWall ? ratio(nodeWall.median, pyWall.median) : ''],
      ['Memory after cold start (peak RSS, median)', mib(nodeRss.median), pyRss ? mib(pyRss.median) : 'skipped', ''],
      ['Bundle dist/index.mjs: raw / gzip -9', `${kb(bundle.rawBytes)} / ${kb(bundle.gzipBytes)}`, '–', `${bundle.packages} packages; top 10 below`],
      [
        `Warm overhead: handler wall − time inside zero-latency fakes, ${WARM_N} text updates (p50 / p95 / p99)`,
        `${ms(warm.overhead.p50, 2)} / ${ms(warm.overhead.p95, 2)} / ${ms(warm.overhead.p99, 2)}`,
        '–',
        `handler wall p50 ${ms(warm.handlerWall.p50, 2)}, inside fakes p50 ${ms(warm.insideFakes.p50, 2)}; ${warm.requestsPerUpdate.toFixed(1)} fake requests/update; ${warm.throughputPerS.toFixed(0)} updates/s sequential`,
      ],
      [
        'Memory: peak RSS of a fresh process handling one 4,096-char message',
        mib(mem.maxRssKB),
        '–',
        `after import ${mib(mem.maxRssAfterImportKB)}; ${long.parts} Polly parts, ${kb(Number(mem.audioBytes ?? 0))} of Ogg Opus, delivered by ${String(mem.delivery)}; first invocation ${ms(mem.firstInvocationMs, 0)}`,
      ],
      [
        `Long text: 4,096 chars, fake Polly ${LONG_LATENCY_MS} ms per request — handler wall vs sum of Polly requests`,
        `${ms(slow.wallMs, 0)} vs ${ms(slow.sumOfPollyRequestsMs, 0)}`,
        '–',
        `${slow.pollyRequests} requests started within ${ms(slow.pollyStartSpreadMs, 1)} of each other (concurrent); Polly busy ${ms(slow.pollyBusyMs, 0)}; delivered by ${String(slow.delivery)}`,
      ],
    ];
    const table = [
      '| measure | voicebot (Node, dist/index.mjs) | Python baseline (bench/baseline) | note |',
      '| --- | --- | --- | --- |',
      ...rows.map((r) => `| ${r.join(' | ')} |`),
    ].join('\n');
    const contributors = [
      '| # | package (top 10 of the bundle, esbuild metafile) | bytes in bundle | share |',
      '| ---: | --- | ---: | ---: |',
      ...bundle.top.map((t, i) => `| ${i + 1} | ${t.name} | ${t.bytes.toLocaleString('en-US')} | ${(t.share * 100).toFixed(1)}% |`),
    ].join('\n');
    const machineLine = `Machine: ${host.cpu}, ${host.cores} cores, ${host.memory}, ${host.os}; ${runtimes.map((r) => `${r.name} ${r.version}`).join(', ')} (the rows without a runtime ran on ${host.node}); Python ${host.python ?? 'n/a'}${python.ok ? ` (boto3 ${python.boto3})` : ''}; ${host.date}; load average ${host.loadAverage.join(' / ')} at the start${host.loadAverage[0]! > host.cores ? ' (above the core count: a shared, busy machine; absolute numbers are inflated, read medians and ratios)' : ''}. ` +
      `Lambda runs the bundle on Node ${LAMBDA_NODE_MAJOR} (nodejs${LAMBDA_NODE_MAJOR}.x), on other CPUs: compare the ratios, not the absolute numbers.`;

    const { table: firstTable, notes: firstNotes } = firstAnswerReport(first, runtimes, python);
    const { table: latencyTable, keepAliveNote } = latencyReport(latency, latencyResults);
    console.log(`\n${firstTable}\n\n${firstNotes}\n\n${latencyTable}\n\n${keepAliveNote}\n`);

    const warnings = [...stderrSeen].filter((l) => /warning/i.test(l)).slice(0, 3);
    console.log(`${table}\n\n${contributors}\n\n${machineLine}\n`);
    if (warnings.length) console.log(`Warnings on the handler processes' stderr: ${warnings.map((w) => `"${w}"`).join('; ')}\n`);

    const results = {
      machine: host,
      lambdaRuntimeNote: `AWS Lambda runs the bundle on Node ${LAMBDA_NODE_MAJOR} (nodejs${LAMBDA_NODE_MAJOR}.x); this machine ran Node ${process.version}`,
      coldStart: {
        n: COLD_N,
        node: { importMs: nodeImport, processWallMs: nodeWall, processReadyMs: summary(cold.node.map((r) => r.readyMs)), maxRssKB: nodeRss, runs: cold.node },
        python: python.ok ? { boto3: python.boto3, initMs: pyInit, processWallMs: pyWall, maxRssKB: pyRss, runs: cold.python } : { skipped: python.why },
        ratioOfMedians: pyInit && pyWall ? { inProcess: pyInit.median / nodeImport.median, processWall: pyWall.median / nodeWall.median } : null,
      },
      firstAnswer: { n: FIRST_N, runtimes, runs: first.runs, table: firstTable },
      latencyInjected: { settings: latency, n: LATENCY_N, results: latencyResults, table: latencyTable },
      bundle,
      warmOverhead: warm,
      longMessage: { chars: text.length, ...long },
      memory: mem,
      longText: slow,
      stderr: [...stderrSeen].slice(0, 20),
      table,
      contributors,
      runtimeS: (performance.now() - started) / 1000,
    };
    writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
    log(`wrote ${RESULTS.replace(`${ROOT}/`, '')} in ${results.runtimeS.toFixed(1)} s`);
  } finally {
    await fakes.close();
  }
}

await main();
