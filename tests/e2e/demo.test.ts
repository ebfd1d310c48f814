/**
 * The demo stack, as `make demo` starts it, driven by a user through the Telegram emulator; and
 * `make dev`'s long-polling runner against the same stand-ins, since real Telegram is not here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { OggOpusDecoder } from 'ogg-opus-decoder';
import { localFunctionEnv } from '../../local/function-env.ts';
import { startPolly, type LocalPolly } from '../../local/polly/server.ts';
import { startS3, type LocalS3 } from '../../local/s3/server.ts';
import { DEMO_START_MESSAGE, startDemo, type Demo } from '../../local/demo/stack.ts';
import { startDevProcess, type DevProcess } from '../../local/dev/process.ts';
import { startTelegramEmulator, type SentMessage, type TelegramEmulator } from '../../local/telegram/emulator.ts';

const RUSSIAN = 'Привет! Это проверка голосового бота.';
const ENGLISH = 'Hello! This is a test of the voice bot.';
const LONG_ENGLISH = 'The quick brown fox jumps over the lazy dog, then runs back home before the rain. ';

/** The audio of a voice, downloaded like a client does (getFile, then the file path) and decoded as Ogg Opus. */
async function listen(telegram: TelegramEmulator, token: string, sent: SentMessage): Promise<{ seconds: number; sampleRate: number }> {
  const fileId = sent.message.voice?.file_id ?? sent.message.document?.file_id;
  assert.ok(fileId, `message ${sent.message_id} carries no audio`);
  const file = (await (await fetch(`${telegram.url}/bot${token}/getFile?file_id=${encodeURIComponent(fileId)}`)).json()) as { result: { file_path: string } };
  const bytes = new Uint8Array(await (await fetch(`${telegram.url}/file/bot${token}/${file.result.file_path}`)).arrayBuffer());
  assert.equal(Buffer.from(bytes.subarray(0, 4)).toString('latin1'), 'OggS');
  assert.equal(Buffer.from(bytes.subarray(28, 36)).toString('latin1'), 'OpusHead');
  const decoder = new OggOpusDecoder();
  await decoder.ready;
  try {
    const { samplesDecoded, sampleRate, errors } = await decoder.decodeFile(bytes);
    assert.deepEqual(errors, []);
    return { seconds: samplesDecoded / sampleRate, sampleRate };
  } finally {
    decoder.free();
  }
}

describe('make demo', () => {
  let demo: Demo;
  let chatId = 7000;

  before(async () => {
    demo = await startDemo();
  });
  after(() => demo?.close());

  /** A user writes in a fresh private chat; resolves with the bot's answer to that message. */
  async function ask(text: string, chat = ++chatId): Promise<SentMessage> {
    const { update } = await demo.telegram.sendUserMessage({ chatId: chat, text });
    return demo.telegram.waitForSent((sent) => sent.chat_id === chat && sent.message_id > update.message!.message_id, 20_000);
  }

  const pollyVoicesFor = (text: string) => demo.polly.requests.filter((request) => text.startsWith(request.Text.slice(0, 30))).map((request) => request.VoiceId);
  const logFor = (chat: number) => demo.logs.filter((line) => line.chat_id === chat && line.message === 'update handled').at(-1);

  test('the webhook was registered by dist/webhook.mjs with a secret and the three update kinds', () => {
    assert.equal(demo.telegram.webhook?.url, `${demo.gateway.url}/webhook`);
    assert.equal(demo.telegram.webhook?.secret_token, demo.webhookSecret);
    assert.deepEqual(demo.telegram.webhook?.allowed_updates, ['message', 'callback_query', 'inline_query']);
    const setWebhook = demo.telegram.calls.find((call) => call.method === 'setWebhook');
    assert.equal(setWebhook?.params.drop_pending_updates, true, 'the call came from the script, which sends drop_pending_updates');
  });

  test('/start answers with START_MESSAGE', async () => {
    const answer = await ask('/start');
    assert.equal(answer.kind, 'text');
    assert.equal(answer.text, DEMO_START_MESSAGE);
  });

  test('a Russian and an English text each come back as an Ogg Opus voice read by a voice of that language', async () => {
    const russianChat = ++chatId;
    const russian = await ask(RUSSIAN, russianChat);
    const englishChat = ++chatId;
    const english = await ask(ENGLISH, englishChat);
    for (const voice of [russian, english]) {
      assert.equal(voice.kind, 'voice');
      const audio = await listen(demo.telegram, demo.token, voice);
      assert.equal(audio.sampleRate, 48_000);
      assert.ok(audio.seconds > 1, `the voice lasts ${audio.seconds} s`);
    }
    assert.deepEqual(pollyVoicesFor(RUSSIAN), ['Maxim']);
    assert.equal(logFor(russianChat)?.language, 'ru-RU');
    const englishVoice = pollyVoicesFor(ENGLISH);
    assert.equal(englishVoice.length, 1);
    assert.notEqual(englishVoice[0], 'Maxim');
    assert.equal(logFor(englishChat)?.voice, englishVoice[0]);
    assert.match(String(logFor(englishChat)?.language), /^en/);
  });

  test('a longer text gives a longer voice', async () => {
    const short = await listen(demo.telegram, demo.token, await ask('Good morning.'));
    const long = await listen(demo.telegram, demo.token, await ask(LONG_ENGLISH.repeat(3)));
    assert.ok(long.seconds > short.seconds * 3, `${long.seconds} s for the long text, ${short.seconds} s for the short one`);
  });

  test('an update with a wrong secret is refused and reaches neither Polly nor Telegram', async () => {
    const pollyBefore = demo.polly.requests.length;
    const callsBefore = demo.telegram.calls.length;
    const update = { update_id: 1, message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: 9, type: 'private', first_name: 'Eve' }, from: { id: 9, is_bot: false, first_name: 'Eve' }, text: 'Speak for free' } };
    const deliveries = await demo.telegram.deliverUpdate(update, { secretToken: 'not-the-secret' });
    assert.deepEqual(deliveries.map((delivery) => delivery.status), [401, 401, 401], 'refused, and Telegram keeps retrying');
    assert.equal(demo.polly.requests.length, pollyBefore);
    assert.equal(demo.telegram.calls.length, callsBefore);
  });

  test('a 4000-character text arrives as one voice', async () => {
    const chat = ++chatId;
    const text = LONG_ENGLISH.repeat(60).slice(0, 4000);
    const answer = await ask(text, chat);
    assert.equal(answer.kind, 'voice');
    const pollyParts = demo.polly.requests.filter((request) => text.includes(request.Text.trim().slice(0, 200)) && request.Text.length > 1000);
    assert.ok(pollyParts.length >= 2, `Polly read it in ${pollyParts.length} parts`);
    const audio = await listen(demo.telegram, demo.token, answer);
    assert.ok(audio.seconds > 120, `one voice of ${audio.seconds} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    assert.equal(demo.telegram.sent.filter((sent) => sent.chat_id === chat).length, 1, 'nothing else was sent');
  });

  test('/voice shows a keyboard; a tapped voice reads the next text', async () => {
    const chat = ++chatId;
    const menu = await ask('/voice', chat);
    const buttons = (menu.message.reply_markup?.inline_keyboard ?? []).flat();
    const automatic = pollyVoicesFor(ENGLISH)[0];
    const pick = buttons.find((button) => 'callback_data' in button && button.callback_data.startsWith('voice:') && !button.callback_data.endsWith(`:${automatic}`) && !button.callback_data.endsWith(':auto'));
    assert.ok(pick && 'callback_data' in pick, `a voice button besides ${automatic}: ${buttons.map((b) => b.text).join(', ')}`);
    const chosen = pick.callback_data.slice('voice:'.length);

    await demo.telegram.pressButton({ chatId: chat, messageId: menu.message_id, data: pick.callback_data });
    const answered = demo.telegram.calls.find((call) => call.method === 'answerCallbackQuery' && String(call.params.text).includes(chosen));
    assert.ok(answered, 'the tap was answered with a toast naming the voice');

    const text = 'Now read this with the voice I picked.';
    await ask(text, chat);
    assert.deepEqual(pollyVoicesFor(text), [chosen]);
  });
});

describe('make dev', () => {
  const TOKEN = '1000000002:DEV-test-token_for-the-poller';
  let s3: LocalS3;
  let polly: LocalPolly;
  let telegram: TelegramEmulator;
  let devEnv: NodeJS.ProcessEnv;
  const running: DevProcess[] = [];
  const runDev = (env: NodeJS.ProcessEnv) => {
    const dev = startDevProcess({ PATH: process.env.PATH, ...devEnv, ...env });
    running.push(dev);
    return dev;
  };

  before(async () => {
    [s3, polly, telegram] = await Promise.all([startS3({ buckets: ['voicebot-dev'] }), startPolly(), startTelegramEmulator({ token: TOKEN })]);
    // What a developer has in the shell for `make dev`; the runner makes up its own webhook secret.
    const { TELEGRAM_WEBHOOK_SECRET: _unused, ...env } = localFunctionEnv({ s3, polly, telegramUrl: telegram.url, bucket: 'voicebot-dev', botToken: TOKEN, webhookSecret: '', startMessage: 'hi' });
    devEnv = { ...env, DEV_POLL_SECONDS: '5' };
  });
  after(async () => {
    for (const dev of running) await dev.stop();
    await Promise.all([s3?.close(), polly?.close(), telegram?.close()]);
  });

  test('a token Telegram does not know stops it with "Telegram rejected the token"', async () => {
    const dev = runDev({ TELEGRAM_BOT_TOKEN: '1000000002:someone-elses-token_1234' });
    assert.equal(await dev.exited, 1);
    assert.match(dev.lines.at(-1)?.message ?? '', /Telegram rejected the token/);
  });

  test('a token of the wrong shape is refused by the function\'s own rule, before Telegram is asked', async () => {
    const calls = telegram.calls.length;
    const dev = runDev({ TELEGRAM_BOT_TOKEN: '1000000002:short' });
    assert.equal(await dev.exited, 1);
    assert.match(dev.lines.at(-1)?.message ?? '', /does not look like a bot token/);
    assert.equal(telegram.calls.length, calls);
  });

  test('every problem is said in one run: a rejected token and a missing bucket name, one line each', async () => {
    const dev = runDev({ TELEGRAM_BOT_TOKEN: '1000000002:someone-elses-token_1234', S3_BUCKET_NAME: '' });
    assert.equal(await dev.exited, 1);
    const errors = dev.lines.filter((line) => line.level === 'ERROR').map((line) => line.message);
    assert.equal(errors.length, 3, errors.join('\n'));
    assert.match(errors[0]!, /^make dev cannot start: 2 things to fix first$/);
    assert.match(errors[1]!, /^Telegram rejected the token/);
    assert.match(errors[2]!, /^S3_BUCKET_NAME is not set/);
  });

  test('a bucket that does not exist stops it with a message naming the bucket', async () => {
    const dev = runDev({ S3_BUCKET_NAME: 'no-such-bucket' });
    assert.equal(await dev.exited, 1);
    assert.match(dev.lines.at(-1)?.message ?? '', /bucket no-such-bucket does not exist/);
  });

  test('it deletes the webhook, long-polls, and answers a message with a voice', async () => {
    await fetch(`${telegram.url}/bot${TOKEN}/setWebhook?url=${encodeURIComponent('https://example.invalid/hook')}`);
    const dev = runDev({});
    await dev.waitFor(/^ready/);
    assert.equal(telegram.webhook, null, 'the webhook is gone');
    const told = dev.lines.findIndex((line) => /deleting any webhook/.test(line.message));
    assert.ok(told >= 0 && told < dev.lines.findIndex((line) => line.message === 'webhook deleted'), 'the user was told first');
    assert.ok(telegram.calls.some((call) => call.method === 'deleteWebhook'));

    await telegram.sendUserMessage({ chatId: 555, text: ENGLISH });
    const voice = await telegram.waitForSent((sent) => sent.chat_id === 555, 20_000);
    assert.equal(voice.kind, 'voice');
    const handled = await dev.waitFor(/^update handled$/);
    assert.equal(handled.from, 'function', "the function's own log line, on stdout");
    const polls = telegram.calls.filter((call) => call.method === 'getUpdates');
    assert.ok(polls.every((call) => Number(call.params.timeout) > 0), 'every getUpdates long-polls');
    assert.equal(await dev.stop(), 0);
    for (const line of dev.lines) assert.ok(!JSON.stringify(line).includes(TOKEN.split(':')[1]!), `a line holds the token: ${line.message}`);
  });

  test("makes the call in the function's answer, as Telegram does with a webhook's: /start gets its welcome", async () => {
    const dev = runDev({});
    await dev.waitFor(/^ready/);
    await telegram.sendUserMessage({ chatId: 556, text: '/start' });
    const welcome = await telegram.waitForSent((sent) => sent.chat_id === 556, 20_000);
    assert.equal(welcome.text, 'hi');
    const handled = await dev.waitFor(/^update handled$/);
    assert.equal(handled.delivery, 'webhook_response', 'the function itself sent nothing');
    assert.equal(await dev.stop(), 0);
  });
});
