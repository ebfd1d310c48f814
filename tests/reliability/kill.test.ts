/**
 * The built bundle in a child process behind the local API Gateway adapter, SIGKILLed at each step
 * of answering a text, and the update redelivered the way Telegram does (again and again, later each
 * time) into a fresh process. Every kill point ends in exactly one voice and no apology, except the
 * one documented window — "done" not yet stored after Telegram accepted the voice — which ends in two;
 * and /start, which stores nothing before its answer, ends in one welcome whenever its container dies.
 * The worker the same way: a job the webhook queued, its worker (dist/worker.mjs under the local
 * mapping) SIGKILLed at each step, retried after the visibility timeout by a fresh worker: one voice.
 * And a document the worker reads part by part, killed half-way: the fresh worker resumes from the
 * parts stored, makes no Polly request twice (but one the kill cut) and edits the one status message.
 * Short Lambda timeouts (hence short leases) and a short visibility timeout keep it to seconds.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { after, describe, test, type TestContext } from 'node:test';
import { resolve } from 'node:path';
import type { Update } from '@grammyjs/types';
import { toneOggOpus } from '../../local/audio/ogg-opus-encoder.ts';
import { localFunctionEnv } from '../../local/function-env.ts';
import { startPolly, type LocalPolly } from '../../local/polly/server.ts';
import { startS3, type LocalS3, type RecordedS3Request } from '../../local/s3/server.ts';
import { startSqs } from '../../local/sqs/server.ts';
import { startTelegramEmulator, type TelegramEmulator } from '../../local/telegram/emulator.ts';
import { deliverLikeTelegram, doubling } from './support/redelivery.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const TOKEN = '555000111:KillTestTokenThatMustNeverBeLogged';
const SECRET = 'kill_test-Secret_1';
const BUCKET = 'voicebot-kill';
const WELCOME = 'hi';
/** The child's Lambda timeout: its deadline, so its lease is this plus LEASE_GRACE_MS. */
const LAMBDA_TIMEOUT_MS = 10_000;
/** Polly answers this late, so "during Polly" is a wide target. */
const POLLY_LATENCY_MS = 400;
/** 0.4 s, 0.8 s … 25.6 s: the lease (~11 s) has expired by the fifth redelivery (12.4 s); a busy machine gets one more. */
const REDELIVERY_INTERVALS = doubling(400, 7);
/**
 * One second of a 220 Hz tone as Ogg Opus, made once: eSpeak NG for five stand-ins at once would
 * serialise on this process's one thread and stretch every first attempt past its deadline.
 */
const TONE = toneOggOpus(1);

interface World {
  s3: LocalS3;
  polly: LocalPolly;
  telegram: TelegramEmulator;
}

/** Where to kill: `arm` calls `kill` at the step's moment, from the stand-ins' view of the requests. */
interface KillPoint {
  name: string;
  arm: (world: World, kill: () => void) => void;
  /** The documented window: a second voice is possible, at most one. */
  window?: boolean;
  /** Polly requests the whole story should take: the takeover reuses stored audio. */
  pollyRequests?: number;
}

const isLedgerPut = (r: RecordedS3Request) => r.method === 'PUT' && r.path.includes('/updates/chats/');
const isAudioPut = (r: RecordedS3Request) => r.method === 'PUT' && r.path.includes('/audio/');

/**
 * Kills while the `nth` Polly request from the arming on is under way (it answers POLLY_LATENCY_MS late).
 * Unreferenced: a story that never gets there fails on its own, and must not keep the runner alive.
 */
const duringPollyRequest =
  (nth: number): KillPoint['arm'] =>
  ({ polly }, kill) => {
    const before = polly.requests.length;
    const timer = setInterval(() => polly.requests.length >= before + nth && (clearInterval(timer), kill()), 5).unref();
  };

const KILL_POINTS: KillPoint[] = [
  {
    name: 'after the claim (the lease is stored, the container never hears it)',
    arm: ({ s3 }, kill) => s3.events.on('stored', (r: RecordedS3Request) => isLedgerPut(r) && kill()),
    pollyRequests: 1,
  },
  {
    name: 'during Polly',
    arm: duringPollyRequest(1),
    pollyRequests: 2,
  },
  {
    name: 'after the upload (the audio is stored, the container never hears it)',
    arm: ({ s3 }, kill) => s3.events.on('stored', (r: RecordedS3Request) => isAudioPut(r) && kill()),
    pollyRequests: 1,
  },
  {
    name: 'after sendVoice, before "done" is stored (the documented window)',
    arm: ({ s3 }, kill) => {
      let puts = 0;
      s3.events.on('request', (r: RecordedS3Request, drop: () => void) => {
        if (isLedgerPut(r) && ++puts === 2) {
          kill();
          drop();
        }
      });
    },
    window: true,
    pollyRequests: 1,
  },
  {
    name: 'after "done" is stored',
    arm: ({ s3 }, kill) => {
      let puts = 0;
      s3.events.on('stored', (r: RecordedS3Request) => isLedgerPut(r) && ++puts === 2 && kill());
    },
    pollyRequests: 1,
  },
];

const children: ChildProcess[] = [];
after(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/** A fresh "container": the bundle behind the API Gateway adapter in its own process; resolves to its URL. */
function startContainer(env: Record<string, string>, logs: Record<string, unknown>[]): { child: ChildProcess; url: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, 'tests/terraform/lib/serve-deployed.ts'), resolve(ROOT, 'dist'), String(LAMBDA_TIMEOUT_MS)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  child.stderr!.resume();
  const url = new Promise<string>((resolveUrl, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`container exited before serving (${code ?? signal})`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('http://')) resolveUrl(line.trim());
      else if (line.startsWith('{')) logs.push(JSON.parse(line) as Record<string, unknown>);
    });
  });
  url.catch(() => {}); // a container killed before it served is expected in no test, but must not crash the runner
  return { child, url };
}

/**
 * One story: a fresh world and container, the kill armed, `text` written in chat `chatId` and
 * delivered as Telegram does until a 2xx; what the chat got and what the function logged.
 */
async function killAndRedeliver(t: TestContext, arm: KillPoint['arm'], chatId: number, text: string, { killAsTheUpdateArrives = false } = {}) {
  const [s3, polly, telegram] = await Promise.all([startS3({ buckets: [BUCKET] }), startPolly({ latencyMs: POLLY_LATENCY_MS, synthesizer: async () => TONE }), startTelegramEmulator({ token: TOKEN })]);
  t.after(async () => {
    await s3.close();
    await polly.close();
    await telegram.close();
  });
  const env = localFunctionEnv({ s3, polly, telegramUrl: telegram.url, bucket: BUCKET, botToken: TOKEN, webhookSecret: SECRET, startMessage: WELCOME });
  const logs: Record<string, unknown>[] = [];
  let container = startContainer(env, logs);
  let killed = false;
  const kill = () => {
    if (killed) return; // one death per story: the fresh container's own steps look the same
    killed = true;
    container.child.kill('SIGKILL');
    container = startContainer(env, logs);
  };
  arm({ s3, polly, telegram }, kill);
  // Killed while the first post is on its way: before this process turns again, so before any answer can come back.
  const connection = <T>(post: () => Promise<T>): Promise<T> => {
    const posted = post();
    if (killAsTheUpdateArrives) kill();
    return posted;
  };

  // The emulator has no webhook here: it only builds the update; this test delivers it, as Telegram would.
  const { update } = await telegram.sendUserMessage({ chatId, text });
  const attempts = await deliverLikeTelegram(update, { url: () => container.url, secret: SECRET, intervalsMs: REDELIVERY_INTERVALS, telegram, connection });

  const voices = telegram.sent.filter((m) => m.chat_id === chatId && m.kind === 'voice');
  const texts = telegram.sent.filter((m) => m.chat_id === chatId && m.kind === 'text');
  const finals = logs.filter((line) => line.message === 'update handled' && line.update_id === update.update_id);
  const story = JSON.stringify({ attempts, finals: finals.map(({ outcome, reason, attempt, lease, done_ms, delivery }) => ({ outcome, reason, attempt, lease, done_ms, delivery })) });
  t.diagnostic(story);
  if (process.env.KILL_DEBUG) t.diagnostic(JSON.stringify(logs));
  assert.ok(killed, 'the kill point was reached');
  assert.equal(attempts.at(-1)?.status, 200, `Telegram's last delivery was accepted: ${story}`);
  assert.ok(attempts.length >= 2, `Telegram had to redeliver: ${story}`);
  // A redelivery into a live lease says why it stayed silent.
  if (attempts.some((a) => a.status === 503)) assert.ok(finals.some((line) => /^lease live/.test(String(line.reason))), story);
  return { voices, texts, finals, story, polly, s3, telegram };
}

describe('SIGKILL at each step, then redeliveries like Telegram into a fresh process', { concurrency: true }, () => {
  for (const point of KILL_POINTS) {
    test(point.name, { timeout: 60_000 }, async (t) => {
      const chatId = 9_100 + KILL_POINTS.indexOf(point);
      const { voices, texts, finals, story, polly } = await killAndRedeliver(t, point.arm, chatId, `Read this aloud once, kill point ${KILL_POINTS.indexOf(point)}.`);
      assert.deepEqual(texts, [], 'no apology and no other text');
      if (point.window) assert.ok(voices.length >= 1 && voices.length <= 2, `one or two voices in the window, got ${voices.length}: ${story}`);
      else assert.equal(voices.length, 1, `exactly one voice: ${story}`);
      if (point.pollyRequests !== undefined) assert.equal(polly.requests.length, point.pollyRequests, `Polly requests: ${story}`);
      // The takeover logs which attempt it was.
      if (voices.length && !/after "done"/.test(point.name)) assert.ok(finals.some((line) => line.lease === 'taken_over' && line.attempt === 2), story);
    });
  }

  // /start stores nothing and calls nothing before its answer, which rides the webhook's response:
  // wherever its container dies, there is nothing to find, and the redelivery simply welcomes.
  test("/start killed as its update arrives: the redelivery welcomes once, in the webhook's response, with nothing stored or called", { timeout: 60_000 }, async (t) => {
    const { voices, texts, finals, story, polly, s3, telegram } = await killAndRedeliver(t, () => {}, 9_199, '/start', { killAsTheUpdateArrives: true });
    assert.deepEqual(texts.map((m) => m.text), [WELCOME], `exactly one welcome: ${story}`);
    assert.deepEqual(voices, []);
    assert.ok(finals.some((line) => line.delivery === 'webhook_response' && line.attempt === undefined), story);
    assert.deepEqual([s3.requests.length, polly.requests.length], [0, 0], 'no request to S3 or Polly');
    assert.deepEqual(telegram.calls.map((c) => [c.method, c.fromWebhookResponse]), [['sendMessage', true]], 'only the call the answer carried');
  });
});

/** The worker's Lambda timeout: its jobs' deadline, so their leases are this plus LEASE_GRACE_MS. */
const WORKER_TIMEOUT_S = 10;
/**
 * The job queue's visibility timeout: Terraform makes it 6 x the worker's timeout; twice is enough here
 * (a dead worker's lease, 11 s, has expired when its job comes back) and keeps each story short.
 */
const VISIBILITY_S = 2 * WORKER_TIMEOUT_S;

/** A fresh worker "container": dist/worker.mjs under the local mapping in its own process; resolves once it polls. */
function startWorkerContainer(env: Record<string, string>, queue: { url: string; arn: string }, logs: Record<string, unknown>[]): { child: ChildProcess; polling: Promise<void> } {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, 'tests/terraform/lib/serve-worker.ts'), resolve(ROOT, 'dist'), queue.url, queue.arn, String(WORKER_TIMEOUT_S), '1', '1'], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  child.stderr!.resume();
  const polling = new Promise<void>((resolvePolling) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line === 'polling') resolvePolling();
      else if (line.startsWith('{')) logs.push(JSON.parse(line) as Record<string, unknown>);
    });
  });
  return { child, polling };
}

/** Where to kill the worker, counted from the moment the webhook has queued the job. */
const WORKER_KILL_POINTS: KillPoint[] = [
  {
    name: 'the worker during Polly',
    arm: duringPollyRequest(1),
  },
  {
    name: 'the worker after the upload (the audio is stored, the worker never hears it)',
    arm: ({ s3 }, kill) => s3.events.on('stored', (r: RecordedS3Request) => isAudioPut(r) && kill()),
  },
  {
    name: 'the worker after sendVoice, before "done" is stored (the documented window)',
    arm: ({ s3 }, kill) => {
      // The worker's claim is the first ledger write stored (its If-None-Match try fails first); the next is its "done".
      let stored = 0;
      let dropped = false;
      s3.events.on('stored', (r: RecordedS3Request) => isLedgerPut(r) && stored++);
      s3.events.on('request', (r: RecordedS3Request, drop: () => void) => {
        if (isLedgerPut(r) && stored === 1 && !dropped) {
          dropped = true;
          kill();
          drop();
        }
      });
    },
    window: true,
  },
  {
    name: 'the worker after "done", before the mapping deletes the job',
    arm: ({ s3 }, kill) => {
      let puts = 0;
      s3.events.on('stored', (r: RecordedS3Request) => isLedgerPut(r) && ++puts === 2 && kill());
    },
  },
];

const isProgressPut = (r: RecordedS3Request) => r.method === 'PUT' && r.path.includes('/documents/');

/** A document of three parts: 140 sentences of about 50 characters, cut at 2,999, 2,975 and 1,195 (≤ 3,000 each). */
const DOCUMENT_PARTS = 3;
const DOCUMENT = Array.from({ length: 140 }, (_, i) => `This is sentence ${i + 1} of a document read aloud once.`).join(' ');

/**
 * Where to kill the worker reading that document. Its Lambda timeout (WORKER_TIMEOUT_S) is shorter than
 * DOCUMENT_PART_MIN_MS, so each invocation makes one step (a part, or the voice) and the reading goes on
 * in a fresh job: these kills meet a job the reading itself queued, as a long document's do.
 */
const DOCUMENT_KILL_POINTS: KillPoint[] = [
  {
    name: "the worker after the 2nd part's upload, before its progress is written",
    arm: ({ s3 }, kill) => {
      let parts = 0;
      s3.events.on('stored', (r: RecordedS3Request) => isAudioPut(r) && ++parts === 2 && kill());
    },
    pollyRequests: DOCUMENT_PARTS,
  },
  {
    name: 'the worker after the progress write that follows the 2nd part',
    arm: ({ s3 }, kill) => {
      let parts = 0;
      s3.events.on('stored', (r: RecordedS3Request) => (isAudioPut(r) ? parts++ : isProgressPut(r) && parts === 2 && kill()));
    },
    pollyRequests: DOCUMENT_PARTS,
  },
  {
    name: 'the worker during the 3rd Polly request (the one request made again)',
    arm: duringPollyRequest(3),
    pollyRequests: DOCUMENT_PARTS + 1,
  },
  {
    name: 'the worker after the voice was sent, before its progress is written (the documented window)',
    arm: ({ s3, telegram }, kill) => {
      let dropped = false;
      s3.events.on('request', (r: RecordedS3Request, drop: () => void) => {
        if (isProgressPut(r) && !dropped && telegram.sent.some((m) => m.kind === 'voice')) {
          dropped = true;
          kill();
          drop();
        }
      });
    },
    window: true,
    pollyRequests: DOCUMENT_PARTS,
  },
];

/**
 * One worker story: a fresh world and queue, the message `ask` sends handed by the webhook to the job
 * queue, the worker killed at `point`, and then left to the fresh worker until the job is gone and a
 * voice came. Asserts what every story ends in: the kill happened, one voice (two in the window), the
 * job deleted, nothing dead-lettered, and the job taken again by a fresh worker after its visibility timeout.
 */
async function killTheWorker(t: TestContext, point: KillPoint, chatId: number, ask: (world: World) => Promise<{ update: Update }>) {
  const [s3, polly, telegram, sqs] = await Promise.all([
    startS3({ buckets: [BUCKET] }),
    startPolly({ latencyMs: POLLY_LATENCY_MS, synthesizer: async () => TONE }),
    startTelegramEmulator({ token: TOKEN }),
    startSqs({ region: 'eu-west-1' }),
  ]);
  t.after(async () => {
    for (const service of [s3, polly, telegram, sqs]) await service.close();
  });
  const dead = sqs.createQueue('jobs-dead-letter');
  const queue = sqs.createQueue('jobs', { VisibilityTimeout: String(VISIBILITY_S), RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dead.arn, maxReceiveCount: 5 }) });
  const env = {
    ...localFunctionEnv({ s3, polly, telegramUrl: telegram.url, bucket: BUCKET, botToken: TOKEN, webhookSecret: SECRET, startMessage: WELCOME }),
    JOB_QUEUE_URL: queue.url,
    JOB_MAX_RECEIVES: '5',
    AWS_ENDPOINT_URL_SQS: sqs.endpoint,
  };
  const logs: Record<string, unknown>[] = [];

  const webhook = startContainer(env, logs);
  const { update } = await ask({ s3, polly, telegram });
  const attempts = await deliverLikeTelegram(update, { url: () => webhook.url, secret: SECRET, intervalsMs: REDELIVERY_INTERVALS, telegram });
  assert.deepEqual(attempts.map((a) => a.status), [200], 'the webhook queued the job and answered 200');
  webhook.child.kill('SIGKILL');

  let worker = startWorkerContainer(env, queue, logs);
  let killed = false;
  point.arm({ s3, polly, telegram }, () => {
    if (killed) return;
    killed = true;
    worker.child.kill('SIGKILL');
    worker = startWorkerContainer(env, queue, logs);
  });
  const until = Date.now() + 75_000;
  const voices = () => telegram.sent.filter((m) => m.chat_id === chatId && m.kind === 'voice');
  while ((sqs.messages('jobs').length > 0 || voices().length === 0) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));

  const texts = telegram.sent.filter((m) => m.chat_id === chatId && m.kind === 'text');
  const jobs = logs.filter((line) => line.message === 'job handled' && line.update_id === update.update_id);
  const story = JSON.stringify(jobs.map(({ outcome, reason, attempt, lease, receive, parts_stored_before, parts_stored }) => ({ outcome, reason, attempt, lease, receive, parts_stored_before, parts_stored })));
  t.diagnostic(story);
  if (process.env.KILL_DEBUG) t.diagnostic(JSON.stringify(logs));
  assert.ok(killed, 'the kill point was reached');
  if (point.window) assert.ok(voices().length >= 1 && voices().length <= 2, `one or two voices in the window, got ${voices().length}: ${story}`);
  else assert.equal(voices().length, 1, `exactly one voice: ${story}`);
  assert.equal(sqs.messages('jobs').length, 0, `the job is deleted: ${story}`);
  assert.equal(sqs.messages('jobs-dead-letter').length, 0, 'nothing reached the dead-letter queue');
  // The job came back after the visibility timeout to a fresh worker (receive 2, or 3 when a cold
  // start on a busy machine left that invocation too little time and it handed the job straight back).
  assert.ok(jobs.some((line) => Number(line.receive) >= 2), story);
  return { texts, jobs, story, polly, telegram };
}

describe('SIGKILL of the worker at each step of a queued job, then the job again after its visibility timeout in a fresh worker', { concurrency: true }, () => {
  for (const point of WORKER_KILL_POINTS) {
    test(point.name, { timeout: 90_000 }, async (t) => {
      const chatId = 9_300 + WORKER_KILL_POINTS.indexOf(point);
      const { texts, jobs, story } = await killTheWorker(t, point, chatId, ({ polly, telegram }) => {
        // The webhook queues the job: Polly throttles both of its attempts.
        polly.failNext({ status: 400, type: 'ThrottlingException', message: 'Rate exceeded' }, 2);
        return telegram.sendUserMessage({ chatId, text: `Read this aloud once, worker kill point ${WORKER_KILL_POINTS.indexOf(point)}.` });
      });
      assert.deepEqual(texts, [], 'no apology and no other text');
      if (!/after "done"/.test(point.name)) assert.ok(jobs.some((line) => line.lease === 'taken_over' && line.outcome === 'voice_sent'), story);
    });
  }

  // Run with the stories above: each waits out a visibility timeout, and they wait it out together.
  describe('a document half-read: the fresh worker resumes from the parts stored, and no Polly request is made twice', { concurrency: true }, () => {
    for (const point of DOCUMENT_KILL_POINTS) {
      test(point.name, { timeout: 90_000 }, async (t) => {
        const chatId = 9_400 + DOCUMENT_KILL_POINTS.indexOf(point);
        const { texts, jobs, story, polly, telegram } = await killTheWorker(t, point, chatId, ({ telegram }) =>
          telegram.sendUserDocument({ chatId, fileName: 'notes.txt', mimeType: 'text/plain', bytes: new TextEncoder().encode(DOCUMENT) }),
        );
        // One status message, no apology: the resumed workers edit the message the first one sent.
        assert.equal(telegram.calls.filter((c) => c.method === 'sendMessage').length, 1, `one status message: ${story}`);
        assert.equal(texts.length, 1, 'no other text');
        const edits = telegram.calls.filter((c) => c.method === 'editMessageText' && c.status === 200);
        assert.ok(edits.length > 0 && edits.every((c) => Number(c.params.message_id) === texts[0]!.message_id), 'every edit is of the status message');
        assert.equal(edits.at(-1)!.params.text, `📄 “notes.txt”: ${DOCUMENT.length.toLocaleString('en-US')} characters read aloud.`, 'the status ends saying the reading is done');
        // Each part is sent to Polly once; only a request the kill cut in flight is made again.
        const spoken = polly.requests.map((r) => r.Text);
        assert.equal(spoken.length, point.pollyRequests, `Polly requests: ${story}`);
        assert.equal(new Set(spoken).size, DOCUMENT_PARTS, `each part's text once, but for the request cut: ${JSON.stringify(spoken.map((text) => text.slice(0, 30)))}`);
        assert.ok(spoken.every((text) => DOCUMENT.includes(text)), 'every request reads a part of the document');
        assert.ok(jobs.some((line) => line.lease === 'taken_over'), `a fresh worker took the job over: ${story}`);
        assert.equal(jobs.at(-1)?.outcome, 'voice_sent', story);
      });
    }
  });
});
