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
 * BENCH_PROFILE=<directory> (each handler session writes a V8 CPU profile there: node --cpu-prof).
 */
import { spawn, fork, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, platform, release } from 'node:os';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { synthesizeOggOpus } from '../local/audio/synthesize.ts';
import { normalizeForSpeech, splitForSpeech } from '../function/src/speech/text.ts';
import { busyTime, startFakes, type Fakes, type Interval } from './fakes.ts';

const ROOT = resolve(import.meta.dirname, '..');
const BUNDLE = resolve(ROOT, 'dist/index.mjs');
const METAFILE = resolve(ROOT, 'dist/metafile-esm.json');
const CHILD = resolve(import.meta.dirname, 'child.mjs');
const BASELINE_DIR = resolve(import.meta.dirname, 'baseline');
const RESULTS = resolve(import.meta.dirname, 'results.json');

const COLD_N = Math.max(15, Number(process.env.BENCH_COLD_N ?? 20));
const WARM_N = Number(process.env.BENCH_WARM_N ?? 1000);
const WARMUP_N = 50;
const LONG_LATENCY_MS = 300;
const PYTHON = process.env.PYTHON ?? 'python3';

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
function runProcess(command: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ wallMs: number; out: Record<string, number> }> {
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
      resolvePromise({ wallMs, out: JSON.parse(line.slice(6)) as Record<string, number> });
    });
  });
}

interface Session {
  importMs: number;
  maxRssAfterImportKB: number;
  run(updates: { updateId: number; chatId: number; text: string }[]): Promise<{ results: { tag: number; ms: number; status: number }[]; maxRssKB: number }>;
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

/** A fresh handler process, driven over IPC. */
async function startSession(fakes: Fakes): Promise<Session> {
  const execArgv = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.BENCH_PROFILE)}`] : [];
  const child: ChildProcess = fork(CHILD, ['session', BUNDLE], { env: lambdaEnv(fakes), execArgv, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
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
    child.once('message', (m) => res(m as T));
    child.once('exit', (code) => rej(new Error(`handler process exited with ${code}`)));
  });
  const hello = await next<{ importMs: number; maxRssAfterImportKB: number }>();
  return {
    ...hello,
    logs,
    async run(updates) {
      const reply = next<{ results: { tag: number; ms: number; status: number }[]; maxRssKB: number }>();
      child.send({ cmd: 'run', updates });
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
async function main() {
  const started = performance.now();
  if (!existsSync(BUNDLE) || !existsSync(METAFILE)) {
    console.error('bench: dist/index.mjs or dist/metafile-esm.json is missing; run `make build` (make bench does).');
    process.exit(1);
  }
  const host = machine();
  const python = pythonReady();
  if (!python.ok) {
    log(`Python baseline skipped: ${python.why}.`);
    log(`  To include it: install Python 3 and run \`${PYTHON} -m pip install boto3 requests\` (or set PYTHON=/path/to/python3).`);
  }
  log(`Node ${process.version} here; AWS Lambda runs the bundle on Node 22 (nodejs22.x), so absolute numbers there differ.`);

  const defaultAudio = await synthesizeOggOpus({ text: 'Hello! Please read this short message aloud.', languageCode: 'en-US', bitrateKbps: 32 });
  const fakes = await startFakes({ defaultAudio });
  try {
    log(`cold start: ${COLD_N} Node${python.ok ? ` + ${COLD_N} Python` : ''} processes, interleaved …`);
    const cold = await coldStart(fakes, python);
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
      [`Cold start: import + S3 & Polly clients, timed inside the process (min / median / max, N=${COLD_N})`, mmm(nodeImport), pyInit ? mmm(pyInit) : 'skipped', pyInit ? `${ratio(nodeImport.median, pyInit.median)}; goal ≥ 4×` : ''],
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
    const machineLine = `Machine: ${host.cpu}, ${host.cores} cores, ${host.memory}, ${host.os}; Node ${host.node}; Python ${host.python ?? 'n/a'}${python.ok ? ` (boto3 ${python.boto3})` : ''}; ${host.date}. ` +
      'Lambda runs the bundle on Node 22 (here: Node ' + process.versions.node.split('.')[0] + '), and on different CPUs: compare the ratios, not the absolute numbers.';

    const warnings = [...stderrSeen].filter((l) => /warning/i.test(l)).slice(0, 3);
    console.log(`\n${table}\n\n${contributors}\n\n${machineLine}\n`);
    if (warnings.length) console.log(`Warnings on the handler processes' stderr: ${warnings.map((w) => `"${w}"`).join('; ')}\n`);

    const results = {
      machine: host,
      lambdaRuntimeNote: 'AWS Lambda runs the bundle on Node 22 (nodejs22.x); this machine ran Node ' + process.version,
      coldStart: {
        n: COLD_N,
        node: { importMs: nodeImport, processWallMs: nodeWall, processReadyMs: summary(cold.node.map((r) => r.readyMs)), maxRssKB: nodeRss, runs: cold.node },
        python: python.ok ? { boto3: python.boto3, initMs: pyInit, processWallMs: pyWall, maxRssKB: pyRss, runs: cold.python } : { skipped: python.why },
        ratioOfMedians: pyInit && pyWall ? { inProcess: pyInit.median / nodeImport.median, processWall: pyWall.median / nodeWall.median } : null,
      },
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
