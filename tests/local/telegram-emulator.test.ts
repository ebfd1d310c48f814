import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, test } from 'node:test';
import { encodeOggOpus } from '../../local/audio/ogg-opus-encoder.ts';
import { startTelegramEmulator, type TelegramEmulator } from '../../local/telegram/emulator.ts';

const TOKEN = '123456:TEST-token_abc';
const SECRET = 'webhook-secret_1';

/** A second of a 440 Hz tone (or longer, at a higher bitrate) as real Ogg Opus. */
function tone(seconds: number, bitrateKbps = 32): Buffer {
  const pcm = Int16Array.from({ length: seconds * 48_000 }, (_, i) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 48_000)));
  return encodeOggOpus(pcm, { bitrateKbps });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function close(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

describe('Telegram emulator', () => {
  let telegram: TelegramEmulator;
  let files: Server;
  let filesUrl: string;
  let webhookServer: Server;
  let webhookUrl: string;
  /** What the webhook answers, one per request; an empty 200 once none is left. */
  let webhookAnswers: { status?: number; contentType?: string; body?: string }[] = [];
  let webhookRequests: { headers: IncomingMessage['headers']; body: unknown }[] = [];
  const bigVoice = tone(40, 256);
  const smallVoice = tone(2);

  const api = async (method: string, params: object = {}, token = TOKEN) => {
    const response = await fetch(`${telegram.url}/bot${token}/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
    return { status: response.status, body: (await response.json()) as { ok: boolean; result?: any; error_code?: number; description?: string; parameters?: { retry_after?: number } } };
  };

  before(async () => {
    files = createServer((request, response) => {
      const routes: Record<string, [string, Buffer]> = {
        '/voice.ogg': ['audio/ogg', smallVoice],
        '/big.ogg': ['audio/ogg', bigVoice],
        '/page.html': ['text/html', Buffer.from('<html></html>')],
        '/fake.ogg': ['audio/ogg', Buffer.from('not an ogg file at all')],
      };
      const route = routes[request.url ?? ''];
      if (!route) return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': route[0], 'content-length': route[1].length }).end(route[1]);
    });
    filesUrl = await listen(files);
    webhookServer = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        webhookRequests.push({ headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        const { status = 200, contentType = 'text/plain', body = '' } = webhookAnswers.shift() ?? {};
        response.writeHead(status, { 'content-type': contentType }).end(body);
      });
    });
    webhookUrl = await listen(webhookServer);
  });

  after(async () => {
    await close(files);
    await close(webhookServer);
  });

  beforeEach(async () => {
    await telegram?.close();
    telegram = await startTelegramEmulator({ token: TOKEN, redelivery: { attempts: 3, delayMs: 10 } });
    webhookAnswers = [];
    webhookRequests = [];
  });

  after(() => telegram.close());

  test('answers a wrong token with 401 Unauthorized and an unknown method with 404 Not Found', async () => {
    assert.deepEqual(await api('getMe', {}, '123456:wrong'), { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } });
    assert.deepEqual(await api('sendTelepathy'), { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } });
  });

  test('introduces the bot through getMe, whatever the method name’s case', async () => {
    const { body } = await api('getme');
    assert.equal(body.ok, true);
    assert.equal(body.result.username, 'voicebot_demo_bot');
    assert.equal(body.result.id, 123456);
    assert.equal(telegram.calls.at(-1)?.method, 'getMe');
  });

  test('delivers a user’s message to the webhook with the secret header and a bot_command entity', async () => {
    await api('setWebhook', { url: `${webhookUrl}/hook`, secret_token: SECRET });
    const { update, deliveries } = await telegram.sendUserMessage({ chatId: 42, text: '/start hello' });
    assert.deepEqual(deliveries.map((delivery) => delivery.status), [200]);
    assert.equal(webhookRequests[0]?.headers['x-telegram-bot-api-secret-token'], SECRET);
    assert.deepEqual(webhookRequests[0]?.body, update);
    assert.deepEqual(update.message?.entities, [{ type: 'bot_command', offset: 0, length: 6 }]);
    assert.equal(update.message?.chat.type, 'private');
    assert.equal(update.message?.from?.is_bot, false);
    const next = await telegram.sendUserMessage({ chatId: 42, text: 'plain' });
    assert.equal(next.update.update_id, update.update_id + 1);
    assert.equal(next.update.message?.entities, undefined);
  });

  test('redelivers an update after the webhook answers 500, and records the error', async () => {
    await api('setWebhook', { url: webhookUrl });
    webhookAnswers = [{ status: 500 }];
    const { deliveries } = await telegram.sendUserMessage({ chatId: 7, text: 'hi' });
    assert.deepEqual(deliveries.map((delivery) => delivery.status), [500, 200]);
    assert.equal(webhookRequests.length, 2);
    const info = await api('getWebhookInfo');
    assert.equal(info.body.result.url, webhookUrl);
    assert.match(info.body.result.last_error_message, /500/);
    assert.equal(info.body.result.secret_token, undefined);
  });

  test("makes the method call a webhook's 2xx answer carries, in JSON or a form, as if the bot had made it", async () => {
    await api('setWebhook', { url: webhookUrl });
    webhookAnswers = [
      { contentType: 'application/json', body: JSON.stringify({ method: 'sendMessage', chat_id: 21, text: 'welcome & hello' }) },
      { contentType: 'application/x-www-form-urlencoded', body: new URLSearchParams({ method: 'sendMessage', chat_id: '21', text: 'from a form' }).toString() },
    ];
    await telegram.sendUserMessage({ chatId: 21, text: '/start' });
    await telegram.sendUserMessage({ chatId: 21, text: 'again' });
    assert.deepEqual(telegram.sent.map(({ chat_id, text }) => ({ chat_id, text })), [{ chat_id: 21, text: 'welcome & hello' }, { chat_id: 21, text: 'from a form' }]);
    const calls = telegram.calls.filter((call) => call.method === 'sendMessage');
    assert.deepEqual(calls.map(({ params, status, fromWebhookResponse }) => ({ params, status, fromWebhookResponse })), [
      { params: { chat_id: 21, text: 'welcome & hello' }, status: 200, fromWebhookResponse: true },
      { params: { chat_id: '21', text: 'from a form' }, status: 200, fromWebhookResponse: true },
    ]);
  });

  test("ignores the method in a webhook's failed answer: Telegram redelivers instead", async () => {
    await api('setWebhook', { url: webhookUrl });
    webhookAnswers = [{ status: 500, contentType: 'application/json', body: JSON.stringify({ method: 'sendMessage', chat_id: 22, text: 'lost' }) }];
    const { deliveries } = await telegram.sendUserMessage({ chatId: 22, text: '/start' });
    assert.deepEqual(deliveries.map((delivery) => delivery.status), [500, 200]);
    assert.deepEqual(telegram.sent, []);
    assert.equal(telegram.calls.filter((call) => call.method === 'sendMessage').length, 0);
  });

  test("records a webhook answer's call that Telegram refuses, and tells nobody", async () => {
    await api('setWebhook', { url: webhookUrl });
    webhookAnswers = [
      { contentType: 'application/json', body: JSON.stringify({ method: 'sendMessage', chat_id: 23, text: '' }) },
      { contentType: 'application/json', body: JSON.stringify({ method: 'sendTelepathy', chat_id: 23 }) },
      { contentType: 'application/json', body: '{"method": "sendMessage", "chat_id": 23, "text": "cut off' },
    ];
    const deliveries = [];
    for (const text of ['one', 'two', 'three']) deliveries.push(...(await telegram.sendUserMessage({ chatId: 23, text })).deliveries);
    assert.deepEqual(deliveries.map((delivery) => delivery.status), [200, 200, 200]);
    assert.deepEqual(telegram.calls.map(({ method, status }) => ({ method, status })).slice(-2), [{ method: 'sendMessage', status: 400 }, { method: 'sendTelepathy', status: 404 }]);
    assert.deepEqual(telegram.sent, []);
  });

  test('gives up after the configured attempts when the webhook is unreachable', async () => {
    const gone = createServer();
    const goneUrl = await listen(gone);
    await close(gone); // nothing listens there any more
    await api('setWebhook', { url: goneUrl });
    const { deliveries } = await telegram.sendUserMessage({ chatId: 7, text: 'hi' });
    assert.deepEqual(deliveries.map((delivery) => delivery.status), [0, 0, 0]);
  });

  test('takes parameters as JSON, urlencoded form and query string, and replies to a message', async () => {
    const { update } = await telegram.sendUserMessage({ chatId: 5, text: 'a & b' });
    const messageId = update.message!.message_id;
    const form = await fetch(`${telegram.url}/bot${TOKEN}/sendMessage`, { method: 'POST', body: new URLSearchParams({ chat_id: '5', text: 'x & y # z\nnext', reply_parameters: JSON.stringify({ message_id: messageId }) }) });
    assert.equal(form.status, 200);
    const query = await fetch(`${telegram.url}/bot${TOKEN}/sendMessage?chat_id=5&text=${encodeURIComponent('from the query')}`);
    assert.equal(query.status, 200);
    await api('sendMessage', { chat_id: 5, text: 'json', reply_to_message_id: messageId });
    assert.deepEqual(
      telegram.sent.map(({ kind, text, reply_to_message_id }) => ({ kind, text, reply_to_message_id })),
      [
        { kind: 'text', text: 'x & y # z\nnext', reply_to_message_id: messageId },
        { kind: 'text', text: 'from the query', reply_to_message_id: undefined },
        { kind: 'text', text: 'json', reply_to_message_id: messageId },
      ],
    );
  });

  test('refuses texts Telegram refuses: unknown chat, empty, over 4096 characters, missing reply target', async () => {
    await telegram.sendUserMessage({ chatId: 5, text: 'hi' });
    assert.equal((await api('sendMessage', { chat_id: 999, text: 'x' })).body.description, 'Bad Request: chat not found');
    assert.equal((await api('sendMessage', { chat_id: 5, text: '' })).body.description, 'Bad Request: message text is empty');
    assert.equal((await api('sendMessage', { chat_id: 5, text: 'я'.repeat(4097) })).body.description, 'Bad Request: message is too long');
    assert.equal((await api('sendMessage', { chat_id: 5, text: 'я'.repeat(4096) })).status, 200);
    assert.equal((await api('sendMessage', { chat_id: 5, text: 'x', reply_parameters: { message_id: 9999 } })).body.description, 'Bad Request: message to be replied not found');
  });

  test('sets one reaction of the allowed emoji on a message, takes it off with an empty list, and refuses the rest', async () => {
    const { update } = await telegram.sendUserMessage({ chatId: 5, text: 'react to me' });
    const messageId = update.message!.message_id;
    const reactions: unknown[] = [];
    telegram.events.on('reaction', (r) => reactions.push(r));
    assert.equal((await api('setMessageReaction', { chat_id: 5, message_id: messageId, reaction: [{ type: 'emoji', emoji: '✍' }] })).status, 200);
    assert.deepEqual(telegram.reactionOn(5, messageId), ['✍']);
    assert.equal((await api('setMessageReaction', { chat_id: 5, message_id: messageId, reaction: [] })).status, 200);
    assert.deepEqual(telegram.reactionOn(5, messageId), []);
    assert.equal(reactions.length, 2);
    assert.equal((await api('setMessageReaction', { chat_id: 5, message_id: messageId, reaction: [{ type: 'emoji', emoji: '🦖' }] })).body.description, 'Bad Request: REACTION_INVALID');
    assert.equal((await api('setMessageReaction', { chat_id: 5, message_id: messageId, reaction: [{ type: 'emoji', emoji: '👍' }, { type: 'emoji', emoji: '👌' }] })).body.description, 'Bad Request: REACTION_INVALID');
    assert.equal((await api('setMessageReaction', { chat_id: 5, message_id: 9999, reaction: [] })).status, 400);
  });

  test('editMessageText changes a bot message in place (text and keyboard, with an edit_date) and tells the chat; an edit that changes nothing is refused', async () => {
    await telegram.sendUserMessage({ chatId: 5, text: 'hi' });
    const keyboard = (tick: string) => ({ inline_keyboard: [[{ text: tick, callback_data: 'voice:x' }]] });
    const sent = (await api('sendMessage', { chat_id: 5, text: 'Now: automatic.', reply_markup: keyboard('✓ Automatic') })).body.result;
    const edits: { message_id: number; text?: string; edit_date?: number }[] = [];
    telegram.events.on('edited', (message) => edits.push(message));

    const edit = await api('editMessageText', { chat_id: 5, message_id: sent.message_id, text: 'Now: Danielle.', reply_markup: keyboard('✓ Danielle') });
    assert.equal(edit.status, 200);
    assert.equal(edit.body.result.message_id, sent.message_id);
    assert.equal(edit.body.result.text, 'Now: Danielle.');
    assert.deepEqual(edit.body.result.reply_markup, keyboard('✓ Danielle'));
    assert.ok(edit.body.result.edit_date >= sent.date);
    assert.deepEqual(edits.map((m) => [m.message_id, m.text]), [[sent.message_id, 'Now: Danielle.']]);

    const same = await api('editMessageText', { chat_id: 5, message_id: sent.message_id, text: 'Now: Danielle.', reply_markup: keyboard('✓ Danielle') });
    assert.match(same.body.description ?? '', /^Bad Request: message is not modified/);
    assert.equal((await api('editMessageText', { chat_id: 5, message_id: 9999, text: 'x' })).body.description, 'Bad Request: message to edit not found');
    assert.equal((await api('editMessageText', { chat_id: 5, message_id: sent.message_id, text: ' ' })).body.description, 'Bad Request: message text is empty');
    assert.equal(edits.length, 1, 'a refused edit changes nothing');
  });

  test('fetches a voice URL like Telegram and records the decoded Ogg Opus', async () => {
    await telegram.sendUserMessage({ chatId: 8, text: 'speak' });
    const { status, body } = await api('sendVoice', { chat_id: 8, voice: `${filesUrl}/voice.ogg`, reply_parameters: { message_id: 1 } });
    assert.equal(status, 200);
    assert.equal(body.result.voice.mime_type, 'audio/ogg');
    assert.equal(body.result.voice.duration, 2);
    assert.equal(body.result.voice.file_size, smallVoice.length);
    const sent = await telegram.waitForSent((message) => message.kind === 'voice', 1000);
    assert.equal(sent.via, 'url');
    assert.equal(sent.reply_to_message_id, 1);
    assert.equal(sent.audio?.sampleRate, 48_000);
    assert.ok(Math.abs((sent.audio?.durationSeconds ?? 0) - 2) < 0.05);
    assert.deepEqual(sent.audio?.bytes, smallVoice);
  });

  test('rejects a voice URL that is not audio/ogg, not Ogg Opus, or unreachable', async () => {
    await telegram.sendUserMessage({ chatId: 8, text: 'speak' });
    assert.deepEqual((await api('sendVoice', { chat_id: 8, voice: `${filesUrl}/page.html` })).body, { ok: false, error_code: 400, description: 'Bad Request: wrong type of the web page content' });
    assert.equal((await api('sendVoice', { chat_id: 8, voice: `${filesUrl}/fake.ogg` })).status, 400);
    assert.equal((await api('sendVoice', { chat_id: 8, voice: `${filesUrl}/missing.ogg` })).body.description, 'Bad Request: failed to get HTTP URL content');
    assert.equal(telegram.sent.length, 0);
  });

  test('turns a voice URL over 1 MB into a file, not a voice, as Telegram documents', async () => {
    assert.ok(bigVoice.length > 1024 * 1024);
    await telegram.sendUserMessage({ chatId: 8, text: 'speak' });
    const { status, body } = await api('sendVoice', { chat_id: 8, voice: `${filesUrl}/big.ogg` });
    assert.equal(status, 200);
    assert.equal(body.result.voice, undefined);
    assert.equal(body.result.document.file_size, bigVoice.length);
    assert.equal(telegram.sent[0]?.kind, 'document');
  });

  test('accepts a voice uploaded as multipart/form-data, then the same file by its file_id', async () => {
    await telegram.sendUserMessage({ chatId: 9, text: 'speak' });
    const form = new FormData();
    form.set('chat_id', '9');
    form.set('voice', new Blob([new Uint8Array(bigVoice)], { type: 'audio/ogg' }), 'voice.ogg');
    const upload = await fetch(`${telegram.url}/bot${TOKEN}/sendVoice`, { method: 'POST', body: form });
    const uploaded = (await upload.json()) as { result: { voice: { file_id: string; duration: number } } };
    assert.equal(upload.status, 200);
    assert.equal(uploaded.result.voice.duration, 40);
    assert.deepEqual(telegram.calls.at(-1)?.files.map(({ field, filename, contentType, bytes }) => ({ field, filename, contentType, size: bytes.length })), [{ field: 'voice', filename: 'voice.ogg', contentType: 'audio/ogg', size: bigVoice.length }]);
    const again = await api('sendVoice', { chat_id: 9, voice: uploaded.result.voice.file_id });
    assert.equal(again.status, 200);
    assert.deepEqual(telegram.sent.map((message) => [message.kind, message.via]), [['voice', 'upload'], ['voice', 'file_id']]);
    assert.equal((await api('sendVoice', { chat_id: 9, voice: 'no-such-file-id' })).body.description, 'Bad Request: wrong file identifier/HTTP URL specified');
  });

  test('answers sendVoice with VOICE_MESSAGES_FORBIDDEN for a chat that forbids voices', async () => {
    await telegram.sendUserMessage({ chatId: 10, text: 'speak' });
    telegram.forbidVoices(10);
    assert.deepEqual((await api('sendVoice', { chat_id: 10, voice: `${filesUrl}/voice.ogg` })).body, { ok: false, error_code: 400, description: 'Bad Request: VOICE_MESSAGES_FORBIDDEN' });
  });

  test('sends a user’s file as a document: its metadata as the Bot API shapes it, and a /say caption as a bot_command', async () => {
    await api('setWebhook', { url: webhookUrl });
    const bytes = new TextEncoder().encode('# Notes\nRead me aloud.\n');
    const { update, deliveries } = await telegram.sendUserDocument({ chatId: 30, fileName: 'notes.md', mimeType: 'text/markdown', bytes, caption: '/say' });
    assert.deepEqual(deliveries.map((delivery) => delivery.status), [200]);
    assert.deepEqual(webhookRequests[0]?.body, update);
    const message = update.message!;
    const { file_id, file_unique_id, ...rest } = message.document!;
    assert.match(file_id, /^[A-Za-z0-9_-]{20,}$/);
    assert.match(file_unique_id, /^[A-Za-z0-9_-]{8,}$/);
    assert.notEqual(file_id, file_unique_id);
    assert.deepEqual(rest, { file_name: 'notes.md', mime_type: 'text/markdown', file_size: bytes.length });
    assert.equal(message.caption, '/say');
    assert.deepEqual(message.caption_entities, [{ type: 'bot_command', offset: 0, length: 4 }]);
    assert.equal(message.text, undefined);
    assert.equal(message.chat.type, 'private');

    // Without a type from the sender's app, and without a caption, those fields are absent, as in Telegram's updates.
    const bare = (await telegram.sendUserDocument({ chatId: 30, fileName: 'README', bytes })).update.message!;
    assert.deepEqual(Object.keys(bare.document!).sort(), ['file_id', 'file_name', 'file_size', 'file_unique_id']);
    assert.equal('caption' in bare || 'caption_entities' in bare, false);
    assert.notEqual(bare.document!.file_id, file_id, 'each file sent gets its own file_id');
  });

  test('gives a user’s document back to the bot through getFile and the file download, byte for byte', async () => {
    const bytes = Uint8Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256); // not text: every byte value, unchanged
    const { update } = await telegram.sendUserDocument({ chatId: 31, fileName: 'notes.txt', mimeType: 'text/plain', bytes });
    const file = await api('getFile', { file_id: update.message!.document!.file_id });
    assert.equal(file.status, 200);
    assert.equal(file.body.result.file_size, bytes.length);
    assert.equal(file.body.result.file_unique_id, update.message!.document!.file_unique_id);
    assert.match(file.body.result.file_path, /^documents\/file_\d+\.txt$/);
    const download = await fetch(`${telegram.url}/file/bot${TOKEN}/${file.body.result.file_path}`);
    assert.equal(download.status, 200);
    assert.deepEqual(new Uint8Array(await download.arrayBuffer()), bytes);
    assert.equal((await fetch(`${telegram.url}/file/bot123456:wrong/${file.body.result.file_path}`)).status, 404, 'only with the bot’s token');
  });

  test('getFile refuses a file over 20 MB as Telegram does, and gives one of exactly 20 MB', async () => {
    const limit = 20 * 1024 * 1024;
    const over = (await telegram.sendUserDocument({ chatId: 32, fileName: 'big.txt', bytes: new Uint8Array(limit + 1) })).update.message!.document!;
    assert.equal(over.file_size, limit + 1, 'the update still says how big it is');
    assert.deepEqual(await api('getFile', { file_id: over.file_id }), { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: file is too big' } });
    const atLimit = (await telegram.sendUserDocument({ chatId: 32, fileName: 'limit.txt', bytes: new Uint8Array(limit) })).update.message!.document!;
    assert.equal((await api('getFile', { file_id: atLimit.file_id })).status, 200);
  });

  test('a reply to a document carries the whole document message, and a document may itself reply', async () => {
    const group = { chatId: -100_33, chatType: 'supergroup' as const };
    const first = (await telegram.sendUserMessage({ ...group, fromId: 71, text: 'here comes a file' })).update.message!;
    const sent = (await telegram.sendUserDocument({ ...group, fromId: 72, fileName: 'notes.txt', mimeType: 'text/plain', bytes: new TextEncoder().encode('hello'), replyTo: first.message_id })).update.message!;
    assert.equal(sent.reply_to_message?.message_id, first.message_id);
    assert.equal(sent.from?.id, 72);
    const say = (await telegram.sendUserMessage({ ...group, fromId: 71, text: '/say', replyTo: sent.message_id })).update.message!;
    assert.deepEqual(say.entities, [{ type: 'bot_command', offset: 0, length: 4 }]);
    assert.equal(say.chat.type, 'supergroup');
    assert.deepEqual(say.reply_to_message, sent, 'the replied message whole: its document, caption-less, with its sender');
    assert.equal(say.reply_to_message?.document?.file_name, 'notes.txt');
  });

  test('records a voice’s caption (the sent record, the message and the event) and refuses one over 1024 characters', async () => {
    const { update } = await telegram.sendUserDocument({ chatId: 34, fileName: 'notes.txt', bytes: new TextEncoder().encode('read me') });
    const sentEvents: { caption?: string }[] = [];
    telegram.events.on('sent', (sent) => sentEvents.push(sent));
    const { status, body } = await api('sendVoice', { chat_id: 34, voice: `${filesUrl}/voice.ogg`, caption: '1/3 · notes.txt', reply_parameters: { message_id: update.message!.message_id } });
    assert.equal(status, 200);
    assert.equal(body.result.caption, '1/3 · notes.txt');
    assert.equal(body.result.reply_to_message.document.file_name, 'notes.txt');
    const sent = telegram.sent.at(-1);
    assert.equal(sent?.kind, 'voice');
    assert.equal(sent?.caption, '1/3 · notes.txt');
    assert.equal(sent?.message.caption, '1/3 · notes.txt');
    assert.deepEqual(sentEvents.map((event) => event.caption), ['1/3 · notes.txt']);
    const long = await api('sendVoice', { chat_id: 34, voice: `${filesUrl}/voice.ogg`, caption: 'я'.repeat(1025) });
    assert.deepEqual(long.body, { ok: false, error_code: 400, description: 'Bad Request: message caption is too long' });
    assert.equal((await api('sendVoice', { chat_id: 34, voice: `${filesUrl}/voice.ogg`, caption: 'я'.repeat(1024) })).status, 200);
  });

  test('answers 429 with parameters.retry_after when told, then works again', async () => {
    await telegram.sendUserMessage({ chatId: 11, text: 'hi' });
    telegram.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 3', retry_after: 3 });
    assert.deepEqual(await api('sendMessage', { chat_id: 11, text: 'one' }), {
      status: 429,
      body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } },
    });
    assert.equal((await api('sendMessage', { chat_id: 11, text: 'two' })).status, 200);
    assert.deepEqual(telegram.calls.map((call) => call.status), [429, 200]);
  });

  test('binds a fault to the call that arrives after it is queued, not to a call whose body is still arriving', async () => {
    await telegram.sendUserMessage({ chatId: 13, text: 'hi' });
    const body = JSON.stringify({ chat_id: 13, text: 'slow' });
    const arrived = once(telegram.events, 'request', { signal: AbortSignal.timeout(10_000) });
    const slow = new Promise<number>((resolve, reject) => {
      const request = httpRequest(`${telegram.url}/bot${TOKEN}/sendMessage`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      request.write(body.slice(0, 5)); // a slow client: headers and a few bytes, the rest later
      arrived.then(() => {
        telegram.failNext('sendMessage', { error_code: 500, description: 'Internal Server Error' });
        request.end(body.slice(5));
      }, reject);
    });
    assert.equal(await slow, 200, 'the call already arriving is not the one the fault was queued for');
    assert.equal((await api('sendMessage', { chat_id: 13, text: 'next' })).status, 500);
  });

  test('drops the connection when told, as if Telegram were unreachable', async () => {
    telegram.dropNext('getMe');
    await assert.rejects(api('getMe'));
    assert.equal((await api('getMe')).status, 200);
  });

  test('queues updates for getUpdates without a webhook, and refuses getUpdates while one is set', async () => {
    await telegram.sendUserMessage({ chatId: 12, text: 'first' });
    const first = await api('getUpdates');
    assert.deepEqual(first.body.result.map((update: { message: { text: string } }) => update.message.text), ['first']);
    const confirmed = await api('getUpdates', { offset: first.body.result[0].update_id + 1 });
    assert.deepEqual(confirmed.body.result, []);
    const polling = api('getUpdates', { timeout: 5 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    await telegram.sendUserMessage({ chatId: 12, text: 'second' });
    assert.equal((await polling).body.result[0].message.text, 'second');
    await api('setWebhook', { url: webhookUrl });
    assert.deepEqual((await api('getUpdates')).body, {
      ok: false,
      error_code: 409,
      description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    });
  });

  test('validates setWebhook like Telegram and keeps the registration for inspection', async () => {
    assert.equal((await api('setWebhook', { url: webhookUrl, secret_token: 'bad token!' })).status, 400);
    assert.equal((await api('setWebhook', { url: webhookUrl, max_connections: 101 })).status, 400);
    assert.equal(telegram.webhook, null);
    const set = await api('setWebhook', { url: webhookUrl, secret_token: SECRET, max_connections: 5, allowed_updates: ['message'] });
    assert.deepEqual(set.body, { ok: true, result: true, description: 'Webhook was set' });
    assert.deepEqual(telegram.webhook, { url: webhookUrl, secret_token: SECRET, max_connections: 5, allowed_updates: ['message'] });
    assert.deepEqual((await api('deleteWebhook')).body, { ok: true, result: true, description: 'Webhook was deleted' });
    assert.equal(telegram.webhook, null);
  });
});
