import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { OggOpusDecoder } from 'ogg-opus-decoder';
import { BOT_TOKEN, chatIds, type Stack, START_MESSAGE, startStack, textUpdate, WEBHOOK_SECRET } from './stack.ts';

let stack: Stack;
const newChat = chatIds(100);

before(async () => {
  stack = await startStack();
});
after(() => stack.close());


async function decode(bytes: Uint8Array) {
  const decoder = new OggOpusDecoder();
  await decoder.ready;
  try {
    const { sampleRate, samplesDecoded, errors } = await decoder.decodeFile(bytes);
    return { sampleRate, seconds: samplesDecoded / sampleRate, errors };
  } finally {
    decoder.free();
  }
}

/** The text of the sendMessage a webhook's answer carries. */
const helpIn = (result: APIGatewayProxyResult) => String((JSON.parse(result.body) as { text?: string }).text);

describe('the webhook door', () => {
  test('answers 401 to a wrong or missing secret and calls nothing downstream', async () => {
    const before = { polly: stack.polly.requests.length, telegram: stack.telegram.calls.length, s3: (await stack.audioObjects()).length };
    for (const secret of ['wrong-secret', '', null, WEBHOOK_SECRET.slice(0, -1)]) {
      const result = await stack.post(textUpdate('Hello'), { secret });
      assert.equal(result.statusCode, 401, `secret ${JSON.stringify(secret)}`);
    }
    assert.equal(stack.polly.requests.length, before.polly);
    assert.equal(stack.telegram.calls.length, before.telegram);
    assert.equal((await stack.audioObjects()).length, before.s3);
  });

  test('accepts the secret header in any letter case', async () => {
    const chatId = newChat();
    const result = await stack.post(textUpdate('/help', { chatId }), { secret: null, headers: { 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET } });
    assert.equal(result.statusCode, 200);
    assert.match(helpIn(result), /voice message/, 'the update got in and was answered');
  });

  test('answers 405 to an authenticated request that is not a POST', async () => {
    const result = await stack.post(textUpdate('Hello'), { method: 'GET' });
    assert.equal(result.statusCode, 405);
  });
});

describe('commands', () => {
  test("/start is answered in the webhook's response, and Telegram sends START_MESSAGE byte for byte", async () => {
    for (const text of ['/start', '/start@voicebot_demo_bot', '/start some-payload']) {
      const chatId = newChat();
      assert.deepEqual((await stack.say(chatId, text)).statuses, [200]);
      const [reply, ...rest] = stack.sentTo(chatId);
      assert.equal(rest.length, 0, text);
      assert.equal(reply?.kind, 'text');
      assert.equal(reply?.text, START_MESSAGE);
      const calls = stack.telegram.calls.filter((c) => c.method === 'sendMessage' && c.params.chat_id === chatId);
      assert.deepEqual(calls.map((c) => [c.fromWebhookResponse, c.contentType.split(';')[0]]), [[true, 'application/json']], 'made by Telegram from the answer, not by the bot');
    }
  });

  test("/start's webhook answer is a JSON sendMessage to the chat, with nothing but its parameters", async () => {
    const chatId = newChat();
    const result = await stack.post(textUpdate('/start', { chatId }));
    assert.equal(result.statusCode, 200);
    assert.equal(result.headers?.['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(result.body), { method: 'sendMessage', chat_id: chatId, text: START_MESSAGE });
  });

  test("a cold /start, and then /help, are answered in the webhook's response with no request to S3, Polly or the Bot API", async () => {
    for (const [text, expected] of [['/start', START_MESSAGE], ['/help', /voice message/]] as const) {
      const chatId = newChat();
      await stack.restart();
      const before = stack.requestCounts();
      const result = await stack.post(textUpdate(text, { chatId }));
      assert.deepEqual(stack.requestCounts(), before, text);
      assert.equal(result.statusCode, 200);
      const answer = JSON.parse(result.body) as { method: string; chat_id: number; text: string };
      assert.deepEqual([answer.method, answer.chat_id], ['sendMessage', chatId]);
      if (typeof expected === 'string') assert.equal(answer.text, expected);
      else assert.match(answer.text, expected);
    }
  });

  test('a redelivered /start, its first answer lost, is welcomed again from the same update', async () => {
    const chatId = newChat();
    const update = textUpdate('/start', { chatId });
    const answers = [await stack.post(update), await stack.post(update)];
    assert.deepEqual(answers.map((a) => [a.statusCode, (JSON.parse(a.body) as { text?: string }).text]), [[200, START_MESSAGE], [200, START_MESSAGE]]);
    assert.ok(!stack.logs.some((line) => line.update_id === update.update_id && line.reason !== '/start'), 'both said the welcome');
  });

  test('/help explains the bot, and a command for another bot is ignored', async () => {
    const chatId = newChat();
    await stack.say(chatId, '/help');
    assert.match(stack.sentTo(chatId)[0]?.text ?? '', /voice message/);
    const other = newChat();
    assert.deepEqual((await stack.say(other, '/start@some_other_bot')).statuses, [200]);
    assert.equal(stack.sentTo(other).length, 0);
  });
});

describe('speaking text', () => {
  test('answers a text with one Ogg Opus voice, by presigned URL, as a reply', async () => {
    const chatId = newChat();
    const pollyBefore = stack.polly.requests.length;
    const { update, statuses } = await stack.say(chatId, 'Привет! Это проверка голосового сообщения.');
    assert.deepEqual(statuses, [200]);

    const [voice, ...others] = stack.voicesTo(chatId);
    assert.equal(others.length, 0);
    assert.ok(voice);
    assert.equal(voice.via, 'url');
    assert.equal(voice.reply_to_message_id, update.message!.message_id);
    const audio = await decode(voice.audio!.bytes);
    assert.equal(audio.sampleRate, 48_000);
    assert.ok(audio.seconds > 0.5, `decoded ${audio.seconds} s`);
    assert.deepEqual(audio.errors, []);

    const requests = stack.polly.requests.slice(pollyBefore);
    assert.equal(requests.length, 1);
    assert.equal(requests[0]!.OutputFormat, 'ogg_opus');
    assert.equal(requests[0]!.VoiceId, 'Maxim');
    const actions = stack.telegram.calls.filter((c) => c.method === 'sendChatAction' && c.params.chat_id === chatId);
    assert.equal(actions[0]?.params.action, 'record_voice');
  });

  test('stores the audio privately under a key that names neither the text nor another chat', async () => {
    const chatId = newChat();
    const before = new Set((await stack.audioObjects()).map((o) => o.key));
    await stack.say(chatId, 'a/b/../secret words');
    const objects = (await stack.audioObjects()).filter((o) => !before.has(o.key) && o.key.startsWith('audio/'));
    assert.equal(objects.length, 1);
    assert.match(objects[0]!.key, /^audio\/[0-9a-f]{64}\.ogg$/);
    assert.equal(objects[0]!.contentType, 'audio/ogg');
    const voiceUrl = String(stack.telegram.calls.findLast((c) => c.method === 'sendVoice')?.params.voice);
    assert.match(voiceUrl, /X-Amz-Signature=/);
    assert.match(voiceUrl, /X-Amz-Expires=300/);
  });

  test('the same text from two users makes two separate voices', async () => {
    const [a, b] = [newChat(), newChat()];
    await Promise.all([stack.say(a, 'Same words from two people'), stack.say(b, 'Same words from two people')]);
    assert.equal(stack.voicesTo(a).length, 1);
    assert.equal(stack.voicesTo(b).length, 1);
  });

  test('a text over Polly\'s 3,000 characters arrives as one voice made of parts synthesized together', async () => {
    const chatId = newChat();
    const sentence = 'The quick brown fox jumps over the lazy dog again and again. ';
    const text = sentence.repeat(66).trim(); // ~4,000 characters
    const pollyBefore = stack.polly.requests.length;
    await stack.say(chatId, text);
    const requests = stack.polly.requests.slice(pollyBefore);
    assert.equal(requests.length, 2);
    assert.ok(requests.every((r) => r.Text.length <= 3000));
    assert.equal(requests.map((r) => r.Text).join(' '), text);
    const voices = stack.voicesTo(chatId);
    assert.equal(voices.length, 1);
    const joined = await decode(voices[0]!.audio!.bytes);
    assert.deepEqual(joined.errors, []);
    // Both parts are in the one voice: it lasts about as long as a voice of the whole text read at once.
    assert.ok(joined.seconds > 120, `decoded ${joined.seconds} s`);
    assert.ok(Math.abs(voices[0]!.message.voice!.duration - joined.seconds) <= 1, 'the duration sent matches the audio');
  });

  test('answers whitespace-only and invisible-only text with a hint instead of a voice', async () => {
    const chatId = newChat();
    await stack.say(chatId, ' \u200b\u200c\n ');
    const sent = stack.sentTo(chatId);
    assert.equal(sent.length, 1);
    assert.equal(sent[0]!.kind, 'text');
  });
});

describe('updates that are not text', () => {
  test('every odd update is answered 200 without a voice', async () => {
    const chatId = newChat();
    const odd: (object | string)[] = [
      'not json',
      '',
      '{"update_id": 1}',
      { update_id: 2, edited_message: { message_id: 1, date: 0, chat: { id: chatId, type: 'private' }, text: 'edited' } },
      { update_id: 3, channel_post: { message_id: 1, date: 0, chat: { id: chatId, type: 'channel' }, text: 'post' } },
      { update_id: 4, message: { message_id: 1, date: 0, chat: { id: chatId, type: 'private' }, from: { id: 1, is_bot: true, first_name: 'B' }, text: 'from a bot' } },
      { update_id: 5, message: { message_id: 1, date: 0, chat: { id: chatId, type: 'group', title: 'G' }, sticker: { file_id: 'x' } } },
    ];
    for (const body of odd) {
      const result = await stack.post(typeof body === 'string' ? body : JSON.stringify(body));
      assert.equal(result.statusCode, 200, JSON.stringify(body));
    }
    assert.equal(stack.voicesTo(chatId).length, 0);
  });

  test('a base64-encoded body is decoded like a plain one', async () => {
    const chatId = newChat();
    const result = await stack.post(textUpdate('/help', { chatId }), { base64: true });
    assert.equal(result.statusCode, 200);
    assert.match(helpIn(result), /voice message/, 'the update was read and answered');
  });
});

describe('logs', () => {
  test('hold one line per update with its outcome and timings, and never the token, the secret or the text', async () => {
    const chatId = newChat();
    const { update } = await stack.say(chatId, 'Private words nobody should log');
    const lines = stack.logs.filter((l) => l.update_id === update.update_id && l.message === 'update handled');
    assert.equal(lines.length, 1);
    const line = lines[0]!;
    assert.equal(line.outcome, 'voice_sent');
    assert.equal(line.chat_id, chatId);
    for (const field of ['polly_ms', 's3_ms', 'telegram_ms', 'total_ms', 'audio_bytes']) assert.equal(typeof line[field], 'number', field);
    const raw = stack.rawLogs();
    assert.doesNotMatch(raw, new RegExp(BOT_TOKEN.split(':')[1]!));
    assert.ok(!raw.includes(WEBHOOK_SECRET));
    assert.ok(!raw.includes('Private words nobody should log'));
  });
});

describe('a bad configuration', () => {
  test('fails the cold start with one message naming each wrong variable', async () => {
    const { loadHandler } = await import('../../local/apigateway/adapter.ts');
    const { BUNDLE } = await import('./stack.ts');
    const saved = { ...process.env };
    try {
      await assert.rejects(loadHandler(BUNDLE, { S3_BUCKET_NAME: 'Not_A_Bucket', VOICE_NAME: 'lowercase' }), (error: Error) => {
        assert.equal(error.name, 'ConfigError');
        assert.match(error.message, /S3_BUCKET_NAME/);
        assert.match(error.message, /VOICE_NAME/);
        assert.doesNotMatch(error.message, /AWS_REGION/, 'only the wrong ones are named');
        return true;
      });
    } finally {
      process.env = saved;
    }
  });
});
