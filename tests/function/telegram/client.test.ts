import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { after, before, beforeEach, describe, test } from 'node:test';
import { Deadline } from '../../../function/src/deadline.ts';
import { TelegramClient } from '../../../function/src/telegram/client.ts';
import { TelegramError, TelegramNetworkError } from '../../../function/src/telegram/errors.ts';

const TOKEN = '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';

interface Seen {
  method: string;
  contentType: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

/** A Bot API endpoint whose answers each test scripts in advance. */
let answers: ((res: ServerResponse) => void)[] = [];
let seen: Seen[] = [];
const server = createServer(async (req: IncomingMessage, res) => {
  const parts: Buffer[] = [];
  try {
    for await (const part of req) parts.push(part as Buffer);
  } catch {
    return; // the client went away before its request was whole
  }
  seen.push({ method: req.url!.split('/').at(-1)!, contentType: req.headers['content-type'] ?? '', headers: req.headers, body: Buffer.concat(parts) });
  const answer = answers.shift() ?? ((r: ServerResponse) => r.end(JSON.stringify({ ok: true, result: true })));
  answer(res);
});
/** TCP connections the endpoint has accepted: keep-alive shows as fewer of them than calls. */
let connections = 0;
server.on('connection', () => connections++);
let client: TelegramClient;
const apiUrl = () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const json = (status: number, body: unknown) => (res: ServerResponse) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};
const deadline = (ms = 20_000) => new Deadline(Date.now() + ms);

before(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  client = new TelegramClient(apiUrl(), TOKEN);
});
after(() => server.close());
beforeEach(() => {
  answers = [];
  seen = [];
});

describe('the Bot API client', () => {
  test('sends parameters as JSON and returns the result', async () => {
    answers.push(json(200, { ok: true, result: { message_id: 9 } }));
    const text = 'a & b #c?\nd';
    const result = await client.call('sendMessage', { chat_id: 1, text }, { deadline: deadline() });
    assert.deepEqual(result, { message_id: 9 });
    assert.equal(seen[0]!.method, 'sendMessage');
    assert.match(seen[0]!.contentType, /application\/json/);
    assert.deepEqual(JSON.parse(seen[0]!.body.toString()), { chat_id: 1, text });
    assert.equal(seen[0]!.headers['content-length'], String(seen[0]!.body.length), 'a JSON body goes with its length, not chunked');
  });

  test('reuses one connection for consecutive calls, and opens a second for calls that overlap', async () => {
    const fresh = new TelegramClient(apiUrl(), TOKEN);
    const before = connections;
    await fresh.call('sendChatAction', { chat_id: 1, action: 'record_voice' }, { deadline: deadline() });
    await fresh.call('sendMessage', { chat_id: 1, text: 'x' }, { deadline: deadline() });
    assert.equal(connections - before, 1, 'the second call went over the first one\'s connection');
    answers.push((res) => setTimeout(() => json(200, { ok: true, result: true })(res), 100));
    await Promise.all([
      fresh.call('sendChatAction', { chat_id: 1, action: 'record_voice' }, { deadline: deadline() }),
      fresh.call('sendMessage', { chat_id: 1, text: 'y' }, { deadline: deadline() }),
    ]);
    assert.equal(connections - before, 2, 'a call made while the other is in flight takes a connection of its own');
  });

  test('raises Telegram errors with their code and description, and without the token', async () => {
    answers.push(json(400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' }));
    const error = await client.call('sendMessage', { chat_id: 1, text: 'x' }, { deadline: deadline() }).catch((e: unknown) => e);
    assert.ok(error instanceof TelegramError);
    assert.equal(error.errorCode, 400);
    assert.equal(error.description, 'Bad Request: chat not found');
    assert.doesNotMatch(error.message, /AAHdq/);
  });

  test('waits for retry_after after a 429 and tries again', async () => {
    answers.push(json(429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } }));
    const started = Date.now();
    assert.equal(await client.call('sendChatAction', { chat_id: 1, action: 'record_voice' }, { deadline: deadline() }), true);
    assert.ok(Date.now() - started >= 1_000, 'waited the second Telegram asked for');
    assert.equal(seen.length, 2);
  });

  test('gives up at once when retry_after does not fit in the time left', async () => {
    answers.push(json(429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 30', parameters: { retry_after: 30 } }));
    const started = Date.now();
    await assert.rejects(client.call('sendMessage', { chat_id: 1, text: 'x' }, { deadline: deadline(10_000) }), (e: TelegramError) => e.retryAfterSeconds === 30);
    assert.ok(Date.now() - started < 1_000);
    assert.equal(seen.length, 1);
  });

  test('does not retry server errors, which might have sent the message', async () => {
    answers.push(json(500, { ok: false, error_code: 500, description: 'Internal Server Error' }));
    await assert.rejects(client.call('sendMessage', { chat_id: 1, text: 'x' }, { deadline: deadline() }), TelegramError);
    assert.equal(seen.length, 1);
  });

  test('reports a non-JSON answer as a Telegram error with the HTTP status', async () => {
    answers.push((res) => res.writeHead(502).end('<html>bad gateway</html>'));
    await assert.rejects(client.call('getMe', {}, { deadline: deadline() }), (e: TelegramError) => e.errorCode === 502);
  });

  test('reports an unreachable server as a network error without the token', async () => {
    const offline = new TelegramClient('http://127.0.0.1:9', TOKEN);
    await assert.rejects(offline.call('getMe', {}, { deadline: deadline() }), (e: Error) => e instanceof TelegramNetworkError && !e.message.includes(TOKEN));
  });

  test('a refused connection certainly sent nothing; a lost answer may have been delivered', async () => {
    const closed = createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve)); // nobody listens there now: ECONNREFUSED
    const offline = new TelegramClient(`http://127.0.0.1:${port}`, TOKEN);
    await assert.rejects(offline.call('getMe', {}, { deadline: deadline() }), (e: TelegramNetworkError) => e.maybeDelivered === false);
    answers.push((res) => res.socket?.destroy()); // the request arrived, the answer never left
    await assert.rejects(client.call('getMe', {}, { deadline: deadline() }), (e: TelegramNetworkError) => e instanceof TelegramNetworkError && e.maybeDelivered === true);
  });

  test('a call made with no time left is not sent, and says so', async () => {
    const before = seen.length;
    await assert.rejects(client.call('getMe', {}, { deadline: new Deadline(Date.now() - 1) }), (e: TelegramNetworkError) => e.maybeDelivered === false);
    assert.equal(seen.length, before);
  });

  test('stops waiting for a slow answer at the deadline; the request went out, so it may have been delivered', async () => {
    answers.push(() => undefined); // never answers
    const started = Date.now();
    await assert.rejects(client.call('getMe', {}, { deadline: deadline(800) }), (e: TelegramNetworkError) => e instanceof TelegramNetworkError && e.maybeDelivered === true);
    assert.ok(Date.now() - started < 2_000);
    assert.equal(seen.length, 1, 'the request arrived');
  });

  test('an answer cut off half-way may have been delivered, and is not mistaken for a non-JSON answer', async () => {
    answers.push((res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"ok":true,"res');
      setTimeout(() => res.socket?.destroy(), 50);
    });
    await assert.rejects(client.call('sendMessage', { chat_id: 1, text: 'x' }, { deadline: deadline() }), (e: Error) => e instanceof TelegramNetworkError && e.maybeDelivered && !e.message.includes(TOKEN));
  });

  test('a deadline reached half-way through an upload may have delivered it, and releases the file', { timeout: 10_000 }, async () => {
    const stalled = new Readable({ read() {} }); // one chunk, then nothing: the rest of the file never comes
    stalled.push(Buffer.alloc(1000, 1));
    const file = { field: 'voice', filename: 'voice.ogg', contentType: 'audio/ogg', open: async () => ({ stream: stalled, bytes: 5000 }) };
    const started = Date.now();
    await assert.rejects(client.upload('sendVoice', { chat_id: 5 }, file, { deadline: deadline(600) }), (e: TelegramNetworkError) => e instanceof TelegramNetworkError && e.maybeDelivered === true);
    assert.ok(Date.now() - started < 2_000, 'cut off at the deadline');
    assert.ok(stalled.destroyed, 'the file stream was released');
  });

  test('uploads a streamed file as multipart with its fields and a correct length', async () => {
    answers.push(json(200, { ok: true, result: { message_id: 3 } }));
    const audio = Buffer.from('OggS fake audio bytes');
    await client.upload(
      'sendVoice',
      { chat_id: 5, duration: 2, reply_parameters: { message_id: 4 } },
      { field: 'voice', filename: 'voice.ogg', contentType: 'audio/ogg', open: async () => ({ stream: Readable.from([audio]), bytes: audio.length }) },
      { deadline: deadline() },
    );
    const request = seen[0]!;
    const boundary = /boundary=(.+)$/.exec(request.contentType)![1]!;
    const form = await new Response(new Uint8Array(request.body), { headers: { 'content-type': request.contentType } }).formData();
    assert.ok(boundary.length > 10);
    assert.equal(form.get('chat_id'), '5');
    assert.deepEqual(JSON.parse(form.get('reply_parameters') as string), { message_id: 4 });
    const file = form.get('voice') as File;
    assert.equal(file.name, 'voice.ogg');
    assert.equal(file.type, 'audio/ogg');
    assert.deepEqual(Buffer.from(await file.arrayBuffer()), audio);
  });

  test('streams the upload: the file is sent while it is still read, and arrives byte-exact with its announced length', { timeout: 10_000 }, async (t) => {
    const upload = createServer(async (req, res) => {
      const parts: Buffer[] = [];
      for await (const part of req) {
        parts.push(part as Buffer);
        arrived();
      }
      const body = Buffer.concat(parts);
      const contentType = req.headers['content-type']!;
      const form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
      received = { length: Number(req.headers['content-length']), bodyBytes: body.length, file: Buffer.from(await (form.get('voice') as File).arrayBuffer()) };
      json(200, { ok: true, result: { message_id: 1 } })(res);
    });
    let received: { length: number; bodyBytes: number; file: Buffer } | undefined;
    let arrived = () => {};
    const firstBytesArrived = new Promise<void>((resolve) => (arrived = resolve));
    upload.listen(0, '127.0.0.1');
    await once(upload, 'listening');
    t.after(() => {
      upload.closeAllConnections();
      upload.close();
    });
    const head = randomBytes(64 * 1024);
    const rest = randomBytes(300 * 1024 + 7);
    // The rest of the file is read only once the server has bytes of the request: a client that
    // gathered the whole body before sending would wait here, until the test's timeout.
    async function* audio() {
      yield head;
      await firstBytesArrived;
      yield rest;
    }
    const file = { field: 'voice', filename: 'voice.ogg', contentType: 'audio/ogg', open: async () => ({ stream: Readable.from(audio()), bytes: head.length + rest.length }) };
    const uploader = new TelegramClient(`http://127.0.0.1:${(upload.address() as AddressInfo).port}`, TOKEN);
    await uploader.upload('sendVoice', { chat_id: 5 }, file, { deadline: deadline(5_000) });
    assert.ok(received);
    assert.equal(received.length, received.bodyBytes, 'content-length matches the bytes sent');
    assert.ok(received.file.equals(Buffer.concat([head, rest])), 'the file arrived byte for byte');
  });

  test('asks getMe once and remembers the bot username', async () => {
    answers.push(json(200, { ok: true, result: { id: 1, is_bot: true, first_name: 'V', username: 'voice_bot' } }));
    const fresh = new TelegramClient(apiUrl(), TOKEN);
    assert.equal(await fresh.username({ deadline: deadline() }), 'voice_bot');
    assert.equal(await fresh.username({ deadline: deadline() }), 'voice_bot');
    assert.equal(seen.filter((s) => s.method === 'getMe').length, 1);
  });
});
