/**
 * The door cases of the bad-and-odd-input corpus (tests/reliability/corpus/*.json, see cases.ts)
 * against the built bundle: secrets, methods, headers, raw bodies and their encodings. The cases
 * about the bot logic run fast over in-memory ports in tests/function/corpus.unit.test.ts.
 * Every case checks: the status (401 only for a bad secret, 405 for an authenticated non-POST,
 * 200 otherwise), that the handler neither throws nor logs an error it should not, one final log
 * line per request, no downstream call when none is allowed, and what the chat sees: one voice,
 * one text, or silence.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { synthesizeOggOpus } from '../../local/audio/synthesize.ts';
import type { Synthesizer } from '../../local/polly/server.ts';
import { BUCKET, startStack, type Stack } from '../e2e/stack.ts';
import {
  assertNoSecrets,
  assertNoSecretsAnywhere,
  BOT_TOKEN,
  chatIds,
  describeSent,
  escaped,
  finalLines,
  invoke,
  mark,
  newUpdateId,
  openChat,
  rawEvent,
  SECRET_HEADER,
  textUpdateIn,
  watchEscapes,
  WEBHOOK_SECRET,
  type Invocation,
} from './helpers.ts';
import { atTheDoor, caseBody, caseScope, generate, loadCorpus, needsChat, type Case, type Scope } from './corpus/cases.ts';

const LAMBDA_TIMEOUT_MS = 28_000;

/** Secrets a door case writes as ${SECRET} or ${BOT_TOKEN}, filled in with this stack's. */
function template(text: string): string {
  return text
    .replaceAll('${SECRET}', WEBHOOK_SECRET)
    .replaceAll('${SECRET_TRUNCATED}', WEBHOOK_SECRET.slice(0, -1))
    .replaceAll('${SECRET_UPPER}', WEBHOOK_SECRET.toUpperCase())
    .replaceAll('${BOT_TOKEN}', BOT_TOKEN);
}

/** The local Polly's eSpeak NG knows Arabic as `ar`, while Polly's Arabic voice (Zeina) is `arb`: bridge that here. */
const synthesizer: Synthesizer = ({ text, voice, bitrateKbps }) =>
  synthesizeOggOpus({ text, languageCode: voice.languageCode === 'arb' ? 'ar' : voice.languageCode, bitrateKbps });

let stack: Stack;
let s3: S3Client;
const newChat = chatIds(810_000);
const answers: (APIGatewayProxyResult | undefined)[] = [];
const thrown: unknown[] = [];

async function bucketKeys(): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: token }));
    keys.push(...(page.Contents ?? []).map((o) => o.Key!));
    token = page.NextContinuationToken;
  } while (token);
  return keys.sort();
}

before(async () => {
  watchEscapes();
  stack = await startStack({ polly: { synthesizer } });
  s3 = new S3Client({ region: 'eu-west-1', endpoint: stack.s3.endpoint, forcePathStyle: true, credentials: { accessKeyId: stack.s3.accessKeyId, secretAccessKey: stack.s3.secretAccessKey } });
});
after(async () => {
  s3?.destroy();
  await stack?.close();
});

async function runCase(c: Case): Promise<void> {
  const expected = { status: 200, ...c.expect };
  const downstream = expected.downstream ?? (expected.status === 200 ? 'allowed' : 'none');
  const deliveries = c.deliveries ?? 1;
  const chat = needsChat(c) ? await openChat(stack, newChat(), c.chatType ?? 'private') : undefined;
  const scope: Scope | undefined = chat && caseScope(c, chat, newUpdateId());

  const body = caseBody(c, scope);
  const headers: Record<string, string> = { ...(c.headers ?? { 'content-type': 'application/json' }) };
  const secret = c.secret === undefined ? '${SECRET}' : c.secret;
  if (secret !== null) headers[c.secretHeader ?? SECRET_HEADER] = template(typeof secret === 'string' ? secret : generate(secret));
  const event = () =>
    rawEvent({
      method: c.method ?? 'POST',
      headers,
      body: c.base64 && body !== null ? Buffer.from(body).toString('base64') : body,
      isBase64Encoded: Boolean(c.base64 || c.isBase64Encoded),
    });

  const keysBefore = downstream === 'none' ? await bucketKeys() : [];
  const since = mark(stack);
  let invocations: Invocation[];
  if (c.concurrent) invocations = await Promise.all(Array.from({ length: deliveries }, () => invoke(stack, event(), LAMBDA_TIMEOUT_MS)));
  else {
    invocations = [];
    for (let i = 0; i < deliveries; i++) invocations.push(await invoke(stack, event(), LAMBDA_TIMEOUT_MS));
  }
  const activity = since.since();
  answers.push(...invocations.map((i) => i.result));
  thrown.push(...invocations.filter((i) => i.thrown !== undefined).map((i) => i.thrown));

  const context = () =>
    `\n  sent: ${describeSent(activity.sent)}\n  logs: ${activity.logs.map((l) => JSON.stringify(l).slice(0, 300)).join('\n        ')}`;

  // The handler never throws, and answers each delivery with the expected status in its budget.
  for (const invocation of invocations) {
    assert.equal(invocation.thrown, undefined, `the handler threw: ${String(invocation.thrown)}`);
    assert.equal(invocation.result?.statusCode, expected.status, `status${context()}`);
    assert.ok(invocation.ms < LAMBDA_TIMEOUT_MS, `answered after ${Math.round(invocation.ms)} ms`);
    assertNoSecrets(JSON.stringify(invocation.result), 'the answer');
  }
  if (expected.status === 405) assert.equal(invocations[0]!.result?.headers?.allow, 'POST');
  assert.deepEqual(escaped, [], 'no uncaught exception or unhandled rejection');

  // What the user sees: exactly one voice, one text, one document, or nothing — and only in this chat.
  const sent = activity.sent;
  if (chat) assert.deepEqual(sent.filter((m) => m.chat_id !== chat.id), [], 'nothing sent to any other chat');
  for (const m of sent) assertNoSecrets(`${m.text ?? ''}${m.caption ?? ''}`, 'a reply');
  if (expected.reply === 'silence') assert.equal(sent.length, 0, `silence expected${context()}`);
  else {
    assert.equal(sent.length, 1, `exactly one ${expected.reply} expected${context()}`);
    const [reply] = sent;
    assert.equal(reply!.kind, expected.reply, `a ${expected.reply} expected${context()}`);
    if (expected.reply === 'voice') assert.ok((reply!.audio?.durationSeconds ?? 0) > 0.1, `the voice plays (${reply!.audio?.durationSeconds} s)`);
    if (expected.text) assert.match(reply!.text ?? '', new RegExp(expected.text), 'the text reply');
  }

  // One final log line per request, saying what happened; no error unless the case expects one.
  const finals = finalLines(activity);
  assert.equal(finals.length, deliveries, `one final log line per delivery${context()}`);
  if (expected.reason) assert.ok(finals.some((l) => new RegExp(expected.reason!).test(String(l.reason ?? ''))), `a final line's reason matches /${expected.reason}/${context()}`);
  if (!expected.errorLog) assert.deepEqual(activity.logs.filter((l) => l.level === 'ERROR'), [], `no ERROR log line${context()}`);
  assertNoSecrets(activity.rawLogs, 'the logs');

  // Downstream: nothing at all for requests that must not get in (or are dropped at the door).
  if (downstream === 'none') {
    assert.equal(activity.polly.length, 0, 'no Polly request');
    assert.deepEqual(activity.calls.map((call) => call.method), [], 'no Telegram call');
    assert.deepEqual(activity.s3.map((r) => `${r.method} ${r.path}`), [], 'no S3 request');
    assert.deepEqual(await bucketKeys(), keysBefore, 'S3 objects unchanged');
  }
  if (expected.polly !== undefined) assert.equal(activity.polly.length, expected.polly, `Polly requests${context()}`);
  for (const request of activity.polly) {
    if (expected.pollyText) assert.match(request.Text, new RegExp(expected.pollyText), 'text sent to Polly');
    if (expected.pollyTextNot) assert.doesNotMatch(request.Text, new RegExp(expected.pollyTextNot), 'text sent to Polly');
  }
}

const corpus = loadCorpus();

describe('bad and odd input corpus, at the door', () => {
  test(`has at least 40 cases (${corpus.length}, ${corpus.filter(atTheDoor).length} of them at the door)`, () => {
    assert.ok(corpus.length >= 40);
  });
  for (const c of corpus.filter(atTheDoor)) test(`${c.file.replace('.json', '')}/${c.id}: ${c.description}`, () => runCase(c));
});

describe('the per-chat rate limit (RATE_LIMIT_PER_MINUTE, default 10)', () => {
  test('serves 10 messages a minute, says so once on the 11th, and is silent on the 12th', async () => {
    const chat = await openChat(stack, newChat());
    // /voice is answered under a claim, so it counts (the words-alone /help and /start do not).
    // A minute of its own: the chat's first message (above) is in the current one.
    const date = Math.floor(Date.now() / 1000 / 60) * 60 - 3600;
    const since = mark(stack);
    for (let i = 0; i < 12; i++) {
      const { result } = await invoke(stack, rawEvent({ headers: { 'content-type': 'application/json', [SECRET_HEADER]: WEBHOOK_SECRET }, body: JSON.stringify(textUpdateIn(chat, '/voice', { date })) }));
      assert.equal(result?.statusCode, 200);
    }
    const activity = since.since();
    const texts = activity.sent.filter((m) => m.chat_id === chat.id).map((m) => m.text ?? '');
    assert.equal(texts.length, 11, describeSent(activity.sent));
    assert.ok(texts.slice(0, 10).every((t) => /Choose a voice/.test(t)));
    assert.match(texts[10]!, /up to 10 a minute/);
    const reasons = finalLines(activity).map((l) => l.reason);
    assert.deepEqual(reasons.slice(10), ['rate limited', 'rate limited']);

    // Another chat in the same minute is not affected.
    const other = await openChat(stack, newChat());
    const otherSince = mark(stack);
    await invoke(stack, rawEvent({ headers: { 'content-type': 'application/json', [SECRET_HEADER]: WEBHOOK_SECRET }, body: JSON.stringify(textUpdateIn(other, '/voice', { date })) }));
    assert.equal(otherSince.since().sent.filter((m) => m.chat_id === other.id).length, 1);
  });
});

describe('secrets', () => {
  test('no log line, reply, Telegram parameter, answer or error of the whole corpus holds the bot token or the webhook secret', () => {
    assert.ok(stack.rawLogs().length > 0);
    assertNoSecretsAnywhere([stack], answers, thrown);
  });
});
