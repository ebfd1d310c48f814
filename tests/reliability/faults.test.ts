/**
 * Fault injection through the built bundle and the HTTP stand-ins, for what only the real clients
 * do: the AWS SDK's retries against Polly and S3, the Telegram client's retry_after, a dependency
 * down for good, and secrets echoed by an upstream error. Every row keeps the same invariants — the
 * user gets at most one voice and at most one error text, the handler answers 200 within its budget,
 * every retry is counted and bounded, and the logs say what happened without the token.
 * How the bot logic reacts to each failure (deadlines, refusals, Telegram errors) is the fast
 * matrix in tests/function/voice/faults.unit.test.ts; tests/e2e/delivery.test.ts shows single paths.
 * The stacks here have no job queue: they show the webhook alone, whose last word on a failure is the
 * apology (with a queue, a throttled or cut-off voice is handed to the worker instead, and its Polly
 * client spends one retry fewer first: tests/e2e/queue.test.ts).
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, afterEach, before, describe, test } from 'node:test';
import type { Update } from '@grammyjs/types';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { startStack, type Stack } from '../e2e/stack.ts';
import {
  assertAtMostOneOfEach,
  assertNoSecrets,
  assertNoSecretsAnywhere,
  BOT_TOKEN,
  callsOf,
  chatIds,
  describeSent,
  drainFaults,
  escaped,
  finalLines,
  invoke,
  mark,
  newUpdateId,
  openChat,
  sentTo,
  textUpdateIn,
  watchEscapes,
  webhookEvent,
  WEBHOOK_SECRET,
  type Activity,
  type Invocation,
  type OpenChat,
} from './helpers.ts';

const THROTTLING = { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' };
const SERVICE_FAILURE = { status: 500, type: 'ServiceFailureException', message: 'An unknown condition has caused a service failure.' };
const tg429 = (seconds: number) => ({ error_code: 429, description: `Too Many Requests: retry after ${seconds}`, retry_after: seconds });
/** The SDK's standard retry mode: 3 attempts per request. */
const SDK_ATTEMPTS = 3;
/** TELEGRAM_MAX_ATTEMPTS in function/src/constants.ts. */
const TELEGRAM_ATTEMPTS = 3;
const APOLOGY = /could not make a voice message/;

/** A text that needs two Polly requests (over 3,000 characters). */
const LONG_TEXT = 'The quick brown fox jumps over the lazy dog near the river bank. '.repeat(50).trim();

interface Row {
  name: string;
  /** Injects the fault; `chatId` is the row's own fresh chat. */
  inject(stack: Stack, chatId: number): void;
  text?: string;
  lambdaTimeoutMs?: number;
  expect: {
    voice: 0 | 1;
    document?: 0 | 1;
    /** Exact number of apologies; when absent, only the invariant (at most one) holds. */
    apology?: 0 | 1;
    outcome?: string;
    delivery?: string;
    /** Exact number of: Polly requests, Telegram calls by method, S3 requests by "METHOD prefix". */
    counts?: Record<string, number>;
    /** Something in the logs that says what happened. */
    logs?: RegExp;
    minMs?: number;
    /** Answer in this many ms (default: the Lambda timeout). */
    maxMs?: number;
  };
}

const count = (activity: Activity, what: string): number => {
  if (what === 'polly') return activity.polly.length;
  const s3 = /^(GET|PUT|POST|DELETE|HEAD) (\S+)$/.exec(what);
  if (s3) return activity.s3.filter((r) => r.method === s3[1] && r.path.includes(`/${s3[2]}`)).length;
  return callsOf(activity, what).length;
};

const ROWS: Row[] = [
  // Polly
  {
    name: 'Polly: ThrottlingException once, then success',
    inject: (s) => s.polly.failNext(THROTTLING),
    expect: { voice: 1, apology: 0, outcome: 'voice_sent', counts: { polly: 2, sendVoice: 1 } },
  },
  {
    name: 'Polly: ThrottlingException on every attempt',
    inject: (s) => s.polly.failNext(THROTTLING, 10),
    expect: { voice: 0, apology: 1, outcome: 'failed', counts: { polly: SDK_ATTEMPTS, sendVoice: 0 }, logs: /ThrottlingException/ },
  },
  {
    name: 'Polly down: 500 ServiceFailure on every attempt',
    inject: (s) => s.polly.failNext(SERVICE_FAILURE, 10),
    expect: { voice: 0, apology: 1, outcome: 'failed', counts: { polly: SDK_ATTEMPTS }, logs: /ServiceFailureException/ },
  },
  {
    name: 'Polly: connection dropped once, then success',
    inject: (s) => s.polly.failNextWith('drop'),
    expect: { voice: 1, apology: 0, outcome: 'voice_sent', counts: { polly: 2 } },
  },
  {
    name: 'Polly down: connection dropped on every attempt',
    inject: (s) => s.polly.failNextWith('drop', 10),
    expect: { voice: 0, apology: 1, outcome: 'failed', counts: { polly: SDK_ATTEMPTS }, logs: /voice not delivered/ },
  },
  {
    name: 'Polly down for a two-part text: both parts give up after their attempts, one apology',
    text: LONG_TEXT,
    inject: (s) => s.polly.failNext(SERVICE_FAILURE, 2 * SDK_ATTEMPTS + 4),
    expect: { voice: 0, apology: 1, outcome: 'failed', counts: { polly: 2 * SDK_ATTEMPTS, sendVoice: 0 }, logs: /ServiceFailureException/ },
  },
  {
    name: 'S3: 503 SlowDown on the exactly-once marker, once',
    inject: (s) => s.s3.failNext('PUT', 503, 'SlowDown', { path: /\/updates\// }),
    // The refused claim, its retry by the SDK, and "done".
    expect: { voice: 1, apology: 0, outcome: 'voice_sent', counts: { 'PUT updates/': 3, polly: 1 } },
  },
  {
    name: 'S3: 503 SlowDown on the audio upload, once',
    inject: (s) => s.s3.failNext('PUT', 503, 'SlowDown', { path: /\/audio\// }),
    expect: { voice: 1, apology: 0, outcome: 'voice_sent', counts: { 'PUT audio/': 2, polly: 1 } },
  },
  {
    name: 'S3: 503 SlowDown when Telegram fetches the presigned URL: the audio is uploaded instead',
    inject: (s) => s.s3.failNext('GET', 503, 'SlowDown', { path: /\/audio\/.*X-Amz-Signature/ }),
    expect: { voice: 1, apology: 0, outcome: 'voice_sent', delivery: 'upload', counts: { sendVoice: 2 }, logs: /voice URL refused/ },
  },
  {
    name: 'S3: 503 SlowDown on every audio upload',
    inject: (s) => s.s3.failNext('PUT', 503, 'SlowDown', { path: /\/audio\//, times: 20 }),
    expect: { voice: 0, apology: 1, outcome: 'failed', counts: { 'PUT audio/': SDK_ATTEMPTS, polly: 1, sendVoice: 0 }, logs: /SlowDown/ },
  },
  {
    name: 'S3: 503 SlowDown on every request (S3 throttling the whole bucket): one short text, no voice',
    inject: (s) => s.s3.failNext('*', 503, 'SlowDown', { times: 50 }),
    expect: { voice: 0, apology: 1, counts: { 'PUT updates/': SDK_ATTEMPTS, polly: 0, sendVoice: 0 }, logs: /SlowDown/ },
  },

  // Telegram
  {
    name: 'Telegram: 429 with retry_after 1 on sendVoice, honoured, then success',
    inject: (s) => s.telegram.failNext('sendVoice', tg429(1)),
    expect: { voice: 1, apology: 0, outcome: 'voice_sent', counts: { sendVoice: 2 }, minMs: 1_000 },
  },
  {
    name: 'Telegram: 429 with retry_after 1 on every attempt: gives up after its attempts',
    inject: (s) => s.telegram.failNext('sendVoice', tg429(1), 10),
    expect: { voice: 0, apology: 1, outcome: 'failed', counts: { sendVoice: TELEGRAM_ATTEMPTS, sendMessage: 1 }, logs: /429/ },
  },
  {
    name: 'Telegram: an error description that echoes the bot token and the webhook secret',
    inject: (s) => s.telegram.failNext('sendVoice', { error_code: 400, description: `Bad Request: token ${BOT_TOKEN} secret ${WEBHOOK_SECRET} not accepted` }, 2),
    expect: { voice: 0, apology: 1, outcome: 'failed', counts: { sendVoice: 2 }, logs: /REDACTED/ },
  },
  {
    name: 'Polly: an error message that echoes the bot token',
    inject: (s) => s.polly.failNext({ status: 400, type: 'ValidationException', message: `Invalid input near ${BOT_TOKEN} and ${WEBHOOK_SECRET}` }),
    expect: { voice: 0, apology: 1, outcome: 'failed', counts: { polly: 1 }, logs: /REDACTED/ },
  },
];

let stack: Stack;
const stacks: Stack[] = [];
const newChat = chatIds(820_000);
const answers: (APIGatewayProxyResult | undefined)[] = [];
const thrown: unknown[] = [];
let phrase = 0;

before(async () => {
  watchEscapes();
  stack = await startStack({ queue: false });
  stacks.push(stack);
  // Resolve the bundle's endpoints now: later stacks in this process change process.env.
  await openChat(stack, newChat());
  await stack.say(newChat(), 'Warming up the voice');
});
after(async () => {
  for (const s of stacks) await s.close();
});

async function run(target: Stack, update: Update, lambdaTimeoutMs: number): Promise<{ invocation: Invocation; activity: Activity }> {
  const since = mark(target);
  const event = webhookEvent(update);
  const invocation = await invoke(target, event, lambdaTimeoutMs);
  answers.push(invocation.result);
  if (invocation.thrown !== undefined) thrown.push(invocation.thrown);
  return { invocation, activity: since.since() };
}

/** What every row must keep, whatever the fault. */
function assertInvariants(invocation: Invocation, activity: Activity, chatId: number, budgetMs: number): void {
  assert.equal(invocation.thrown, undefined, `the handler threw: ${String(invocation.thrown)}`);
  assert.equal(invocation.result?.statusCode, 200, 'Telegram always gets 200 past the door');
  assert.ok(invocation.ms < budgetMs, `answered within ${budgetMs} ms (took ${Math.round(invocation.ms)} ms)`);
  assertAtMostOneOfEach(activity, chatId);
  assert.equal(finalLines(activity).length, 1, 'one final log line');
  assertNoSecrets(activity.rawLogs, 'the logs');
  assert.deepEqual(escaped, [], 'no uncaught exception or unhandled rejection');
}

describe('fault matrix (one stack, a fresh chat per fault)', () => {
  afterEach(() => drainFaults(stack));

  for (const row of ROWS) {
    test(row.name, async () => {
      const chat = await openChat(stack, newChat());
      const lambdaTimeoutMs = row.lambdaTimeoutMs ?? 20_000;
      row.inject(stack, chat.id);
      const text = row.text ?? `Please read fault number ${++phrase} aloud for chat ${chat.id}`;
      const { invocation, activity } = await run(stack, textUpdateIn(chat, text), lambdaTimeoutMs);
      const sent = sentTo(activity, chat.id);
      const context = `\n  sent: ${describeSent(sent)}\n  calls: ${activity.calls.map((c) => `${c.method}:${c.status}`).join(' ')}\n  s3: ${activity.s3.map((r) => `${r.method}:${r.status}:${r.path.split('?')[0]}`).join(' ')}\n  logs: ${activity.logs.map((l) => JSON.stringify(l).slice(0, 400)).join('\n        ')}`;

      assertInvariants(invocation, activity, chat.id, row.expect.maxMs ?? lambdaTimeoutMs);
      const { expect } = row;
      assert.equal(sent.filter((m) => m.kind === 'voice').length, expect.voice, `voices${context}`);
      assert.equal(sent.filter((m) => m.kind === 'document').length, expect.document ?? 0, `audio files${context}`);
      const texts = sent.filter((m) => m.kind === 'text');
      if (expect.apology !== undefined) assert.equal(texts.length, expect.apology, `apologies${context}`);
      for (const t of texts) assert.match(t.text ?? '', APOLOGY);
      if (expect.document) assert.match(sent.find((m) => m.kind === 'document')?.caption ?? '', /privacy/i);
      for (const [what, n] of Object.entries(expect.counts ?? {})) assert.equal(count(activity, what), n, `${what} requests${context}`);
      if (expect.minMs) assert.ok(invocation.ms >= expect.minMs, `took ${Math.round(invocation.ms)} ms, at least ${expect.minMs} expected`);
      const final = finalLines(activity)[0]!;
      if (expect.outcome) assert.equal(final.outcome, expect.outcome, `outcome${context}`);
      if (expect.delivery) assert.equal(final.delivery, expect.delivery, `delivery${context}`);
      if (expect.logs) assert.match(activity.rawLogs, expect.logs, `the logs say what happened${context}`);
      if (expect.apology === 0 && expect.voice === 0 && !expect.document) assert.notEqual(final.outcome, 'voice_sent');
    });
  }
});

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** An update for a chat the bundle cannot answer anyway: no emulator chat is needed. */
function strangerChat(id: number): OpenChat {
  const chat = { id, type: 'private' as const, first_name: 'Test' };
  const from = { id, is_bot: false, first_name: 'Test', language_code: 'en' };
  return { id, type: 'private', chat, from, message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat, from, text: 'hi' } };
}

describe('a dependency that is down for good (a stack pointed at a closed port)', () => {
  test('S3 down: answers 200 quickly, at most one text, no voice, no Polly bill, and the logs say why', async () => {
    const down = await startStack({ queue: false, env: { AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${await closedPort()}` } });
    stacks.push(down);
    const chat = await openChat(down, newChat());
    const { invocation, activity } = await run(down, textUpdateIn(chat, 'S3 is down right now'), 10_000);
    assertInvariants(invocation, activity, chat.id, 10_000);
    assert.equal(activity.polly.length, 0, 'no Polly request without a claimed update');
    assert.match(activity.rawLogs, /ECONNREFUSED/);
    const sent = sentTo(activity, chat.id);
    assert.equal(sent.filter((m) => m.kind === 'voice').length, 0);
    // docs/reliability.md, "Failures": when no voice can be delivered the user gets one short text saying so.
    const texts = sent.filter((m) => m.kind === 'text');
    assert.equal(texts.length, 1, `one short text saying so\n  logs: ${activity.logs.map((l) => JSON.stringify(l)).join('\n        ')}`);
    assert.match(texts[0]!.text ?? '', APOLOGY);
  });

  test('Telegram unreachable: answers 200 within its budget, calls each method once, and the logs say why without the token', async () => {
    const down = await startStack({ queue: false, env: { TELEGRAM_API_URL: `http://127.0.0.1:${await closedPort()}` } });
    stacks.push(down);
    const chat = strangerChat(newChat());
    const { invocation, activity } = await run(down, { update_id: newUpdateId(), message: { ...chat.message, text: 'Telegram is down right now' } } as Update, 10_000);
    assertInvariants(invocation, activity, chat.id, 10_000);
    assert.equal(activity.polly.length, 1, 'the voice was made once');
    assert.match(activity.rawLogs, /Telegram not reached/);
    assert.match(activity.rawLogs, /apology not delivered/);
    assert.equal(finalLines(activity)[0]!.outcome, 'failed');
  });
});

describe('secrets', () => {
  test('no log line, reply, Telegram parameter, answer or error of any fault holds the bot token or the webhook secret', () => {
    assertNoSecretsAnywhere(stacks, answers, thrown);
  });
});
