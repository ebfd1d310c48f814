import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BOT_TOKEN, chatIds, type Stack, startStack, textUpdate } from './stack.ts';

let stack: Stack;
const newChat = chatIds(5000);

before(async () => {
  stack = await startStack();
});
after(() => stack.close());

const lastLine = (updateId: number) => stack.logs.findLast((l) => l.update_id === updateId);

describe('delivering the voice when Telegram objects', () => {
  test('waits out a 429 with retry_after and then delivers exactly one voice', async () => {
    const chatId = newChat();
    stack.telegram.failNext('sendVoice', { error_code: 429, description: 'Too Many Requests: retry after 1', retry_after: 1 });
    const started = Date.now();
    assert.equal((await stack.say(chatId, 'Rate limited words')).statuses[0], 200);
    assert.ok(Date.now() - started >= 1_000);
    assert.equal(stack.voicesTo(chatId).length, 1);
  });

  test('uploads the audio itself when Telegram cannot use the URL', async () => {
    const chatId = newChat();
    stack.telegram.failNext('sendVoice', { error_code: 400, description: 'Bad Request: wrong file identifier/HTTP URL specified' });
    await stack.say(chatId, 'Upload me instead');
    const voices = stack.voicesTo(chatId);
    assert.equal(voices.length, 1);
    assert.equal(voices[0]!.via, 'upload');
  });

  test('sends the audio as a file, with a reason, to a user who refuses voice messages', async () => {
    const chatId = newChat();
    stack.telegram.forbidVoices(chatId);
    const { update } = await stack.say(chatId, 'Privacy first');
    const sent = stack.sentTo(chatId);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.kind, 'document');
    assert.match(sent[0]!.caption ?? '', /privacy/i);
    assert.equal(lastLine(update.update_id!)?.delivery, 'document');
  });

  test('a phrase Telegram already holds reaches a user who refuses voices as a file, not an apology', async () => {
    const [first, refusing] = [newChat(), newChat()];
    await stack.say(first, 'Common words for everyone.');
    assert.equal(stack.voicesTo(first)[0]?.via, 'url');
    stack.telegram.forbidVoices(refusing);
    await stack.say(refusing, 'Common words for everyone.');
    const sent = stack.sentTo(refusing);
    assert.deepEqual(sent.map((m) => m.kind), ['document']);
  });

  test('tells the user once, with no voice, when Telegram keeps failing', async () => {
    const chatId = newChat();
    stack.telegram.failNext('sendVoice', { error_code: 500, description: 'Internal Server Error' });
    const { update, statuses } = await stack.say(chatId, 'Doomed words');
    assert.deepEqual(statuses, [200]);
    const sent = stack.sentTo(chatId);
    assert.equal(sent.filter((m) => m.kind === 'voice').length, 0);
    assert.equal(sent.filter((m) => m.kind === 'text').length, 1);
    assert.equal(lastLine(update.update_id!)?.outcome, 'failed');
  });
});

describe('when Polly fails', () => {
  test('a throttled request is retried by the SDK and the voice still arrives', async () => {
    const chatId = newChat();
    stack.polly.failNext({ status: 400, type: 'ThrottlingException', message: 'Rate exceeded' });
    await stack.say(chatId, 'Throttled once');
    assert.equal(stack.voicesTo(chatId).length, 1);
  });

  test('a Polly that keeps failing ends in one short apology, never a stack trace', async () => {
    const chatId = newChat();
    stack.polly.failNext({ status: 500, type: 'ServiceFailureException', message: 'boom' }, 10);
    // The faults the SDK's attempts did not take must not fail the next test.
    const { update, statuses } = await stack.say(chatId, 'Polly is down').finally(() => stack.polly.clearFaults());
    assert.deepEqual(statuses, [200]);
    const sent = stack.sentTo(chatId);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.kind, 'text');
    assert.doesNotMatch(sent[0]!.text ?? '', /Exception|Error|at /);
    assert.equal(lastLine(update.update_id!)?.outcome, 'failed');
  });

  test('a Polly too slow for the deadline is cut off in time: the job goes to the queue, no apology, and the worker brings the voice', async () => {
    const chatId = newChat();
    await stack.say(chatId, '/help'); // the chat now exists for the emulator
    stack.polly.setLatency(15_000);
    const update = textUpdate('Slow words', { chatId });
    try {
      const started = Date.now();
      const result = await stack.post(update, { lambdaTimeoutMs: 6_000 });
      const took = Date.now() - started;
      assert.equal(result.statusCode, 200);
      assert.ok(took < 6_000, `answered after ${took} ms`);
    } finally {
      stack.polly.setLatency(0);
    }
    const line = stack.logs.find((l) => l.update_id === update.update_id && l.message === 'update handled');
    assert.equal(line?.outcome, 'queued');
    assert.equal(line?.queued, 'out_of_time');
    const voice = await stack.telegram.waitForSent((m) => m.chat_id === chatId && m.kind === 'voice', 45_000);
    assert.ok(voice);
    assert.equal(stack.sentTo(chatId).filter((m) => m.kind === 'text').length, 1, 'the /help answer only: no apology');
  });
});

describe('big audio', () => {
  let loud: Stack;
  before(async () => {
    // A high bitrate makes a long text exceed the 1 MB Telegram accepts by URL.
    loud = await startStack({ polly: { bitrateKbps: 128 } });
  });
  after(() => loud.close());

  test('a voice over 1 MB is uploaded as multipart instead of sent by URL', async () => {
    const chatId = newChat();
    const text = 'This is a long text that will produce a lot of audio at a high bitrate. '.repeat(40);
    await loud.say(chatId, text);
    const voices = loud.voicesTo(chatId);
    assert.equal(voices.length, 1);
    assert.equal(voices[0]!.via, 'upload');
    assert.ok(voices[0]!.audio!.bytes.length > 1_000_000, `${voices[0]!.audio!.bytes.length} bytes`);
    assert.ok(!loud.telegram.calls.some((c) => c.method === 'sendVoice' && String(c.params.voice).startsWith('http')));
  });
});

describe('secrets', () => {
  test('no log line of these failures holds the token', () => {
    assert.ok(stack.logs.length > 0);
    assert.ok(!stack.rawLogs().includes(BOT_TOKEN.split(':')[1]!));
  });
});
