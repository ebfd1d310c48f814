/**
 * Zero-latency, in-memory fakes of S3, Polly and the Telegram Bot API for the benchmark.
 *
 * Why not the stand-ins under local/? Those are built for correctness (s3rver writes every object
 * to disk, the Polly stand-in synthesizes real speech per request, the Telegram emulator fetches and
 * decodes every voice), which is exactly the work a benchmark of the handler's own overhead must
 * not include. These fakes answer from memory, and they time themselves: every request is recorded
 * as an interval [request event, response 'finish'] on this process's clock, tagged with the update
 * it belongs to, so "time inside the fakes" is measured from the fakes' side.
 *
 * Tags: Telegram requests carry the chat id (JSON/multipart `chat_id`), and so do S3's per-chat keys
 * (`updates/chats/<chat id>/…`, `settings/<chat id>.json`); the benchmark gives every update its own chat
 * id. Polly requests carry it in the text ("#<id>"). Audio keys are content hashes with no chat id: since
 * the benchmark sends updates one at a time, an untagged request belongs to the update of the last tagged
 * one. Polly answers with a fixed real Ogg Opus file, or with audio prepared per text (`prepare`) when
 * realistic sizes matter.
 *
 * The fake S3 does what the handler relies on: conditional puts by the same rules as the local S3
 * (local/s3/conditions.ts: `If-None-Match: *`, `If-Match`), suffix ranges (`Range: bytes=-N` → 206),
 * ListObjectsV2 counts, and 404 NoSuchKey.
 */
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { conditionalPutRefusal, isConditionalPut, NO_SUCH_KEY } from '../local/s3/conditions.ts';

export interface Interval {
  service: 'polly' | 's3' | 'telegram';
  tag: number | undefined;
  start: number;
  end: number;
  detail: string;
  /** The latency this fake added on purpose (0 unless setLatency/setPollyLatency asked for some). */
  injectedMs: number;
}

interface Meta {
  tag: number | undefined;
  detail: string;
  injectedMs: number;
}

/** Latency the fakes add to every request, as a network and the real services would. */
export interface Latency {
  s3Ms: number;
  /** Polly: this much per request … */
  pollyMs: number;
  /** … plus this much per 20 characters of text. */
  pollyMsPer20Chars: number;
  telegramMs: number;
}

export interface Fakes {
  pollyEndpoint: string;
  s3Endpoint: string;
  telegramUrl: string;
  intervals: Interval[];
  /** Bytes of every object PUT to S3, by key. */
  objects: Map<string, Buffer>;
  /** TCP connections the three fakes have accepted so far (keep-alive shows as few new ones). */
  connections(): number;
  setPollyLatency(ms: number): void;
  /** Every service's added latency at once (missing fields: 0). */
  setLatency(latency: Partial<Latency>): void;
  /** Audio the fake Polly returns for exactly this text (otherwise the fixed default). */
  prepare(text: string, audio: Buffer): void;
  reset(): void;
  close(): Promise<void>;
}

export async function startFakes({ defaultAudio }: { defaultAudio: Buffer }): Promise<Fakes> {
  const intervals: Interval[] = [];
  const objects = new Map<string, Buffer>();
  const prepared = new Map<string, Buffer>();
  let latency: Latency = { s3Ms: 0, pollyMs: 0, pollyMsPer20Chars: 0, telegramMs: 0 };
  /** Waits as the service would, and records how long on purpose. */
  const delay = async (meta: Meta, ms: number) => {
    meta.injectedMs = ms;
    if (ms > 0) await sleep(ms);
  };
  let lastTag: number | undefined;

  /** Wraps a request handler so that every request is recorded as one tagged interval. */
  const timed =
    (service: Interval['service'], handle: (req: IncomingMessage, body: Buffer, res: ServerResponse, meta: Meta) => Promise<void>) =>
    (req: IncomingMessage, res: ServerResponse) => {
      const start = performance.now();
      // Filled in by the handler before it answers, so 'finish' always sees it.
      const meta: Meta = { tag: undefined, detail: '', injectedMs: 0 };
      res.on('finish', () => {
        if (meta.tag !== undefined) lastTag = meta.tag;
        intervals.push({ service, tag: meta.tag ?? lastTag, start, end: performance.now(), detail: meta.detail, injectedMs: meta.injectedMs });
      });
      readBody(req)
        .then((body) => handle(req, body, res, meta))
        .catch((error: unknown) => {
          console.error(`fake ${service} failed:`, error);
          if (!res.headersSent) res.writeHead(500).end();
        });
    };

  const polly = await listen(
    timed('polly', async (req, body, res, meta) => {
      const { Text = '' } = JSON.parse(body.toString('utf8') || '{}') as { Text?: string };
      const tag = tagOf(/#(\d+)/.exec(Text)?.[1]);
      await delay(meta, latency.pollyMs + (latency.pollyMsPer20Chars * Text.length) / 20);
      const audio = prepared.get(Text) ?? defaultAudio;
      Object.assign(meta, { tag, detail: `${Text.length} chars` });
      res.writeHead(200, { 'content-type': 'audio/ogg', 'content-length': audio.length, 'x-amzn-requestcharacters': String(Text.length), 'x-amzn-requestid': randomUUID() });
      res.end(audio);
    }),
  );

  const uploads = new Map<string, Buffer[]>();
  const s3 = await listen(
    timed('s3', async (req, body, res, meta) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const key = decodeURIComponent(url.pathname);
      const tag = tagOf(/\/(?:updates\/chats|settings)\/(-?\d+)/.exec(key)?.[1]);
      const payload = req.headers['x-amz-decoded-content-length'] !== undefined ? decodeAwsChunked(body) : body;
      const etag = etagOf(payload);
      Object.assign(meta, { tag, detail: `${s3Operation(req.method, url)} ${payload.length} B` });
      await delay(meta, latency.s3Ms);
      if (req.method === 'PUT' && url.searchParams.has('uploadId')) {
        uploads.get(url.searchParams.get('uploadId')!)![Number(url.searchParams.get('partNumber')) - 1] = payload;
        res.writeHead(200, { etag }).end();
      } else if (req.method === 'PUT') {
        // Only a condition needs the stored object's ETag (an MD5 over all of it).
        const stored = isConditionalPut(req.headers) ? objects.get(key) : undefined;
        const refusal = conditionalPutRefusal(req.headers, stored && etagOf(stored));
        if (refusal) return xml(res, refusal.body, refusal.status);
        objects.set(key, payload);
        res.writeHead(200, { etag }).end();
      } else if (req.method === 'GET' && url.searchParams.get('list-type') === '2') {
        const prefix = `${key.replace(/\/$/, '')}/${url.searchParams.get('prefix') ?? ''}`;
        const keys = [...objects.keys()].filter((k) => k.startsWith(prefix));
        xml(res, `<ListBucketResult><KeyCount>${keys.length}</KeyCount><IsTruncated>false</IsTruncated>${keys.map((k) => `<Contents><Key>${k}</Key></Contents>`).join('')}</ListBucketResult>`);
      } else if (req.method === 'POST' && url.searchParams.has('uploads')) {
        const id = randomUUID();
        uploads.set(id, []);
        xml(res, `<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>${key}</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`);
      } else if (req.method === 'POST' && url.searchParams.has('uploadId')) {
        const id = url.searchParams.get('uploadId')!;
        objects.set(key, Buffer.concat(uploads.get(id) ?? []));
        uploads.delete(id);
        xml(res, `<CompleteMultipartUploadResult><Key>${key}</Key><ETag>${etag}</ETag></CompleteMultipartUploadResult>`);
      } else if (req.method === 'DELETE') {
        uploads.delete(url.searchParams.get('uploadId') ?? '');
        res.writeHead(204).end();
      } else if (req.method === 'GET' || req.method === 'HEAD') {
        const object = objects.get(key);
        const suffix = /^bytes=-(\d+)$/.exec(String(req.headers.range ?? ''));
        if (!object) xml(res, NO_SUCH_KEY.body, NO_SUCH_KEY.status);
        else if (suffix) {
          const from = Math.max(0, object.length - Number(suffix[1]));
          const tail = object.subarray(from);
          res.writeHead(206, { 'content-type': 'audio/ogg', 'content-length': tail.length, 'content-range': `bytes ${from}-${object.length - 1}/${object.length}` });
          res.end(req.method === 'GET' ? tail : undefined);
        } else {
          res.writeHead(200, { 'content-type': 'audio/ogg', 'content-length': object.length, etag: etagOf(object) });
          res.end(req.method === 'GET' ? object : undefined);
        }
      } else res.writeHead(405).end();
    }),
  );

  let messageId = 0;
  const telegram = await listen(
    timed('telegram', async (req, body, res, meta) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const method = /^\/bot[^/]+\/(\w+)/.exec(url.pathname)?.[1] ?? '';
      const text = body.toString('latin1');
      await delay(meta, latency.telegramMs);
      const contentType = req.headers['content-type'] ?? '';
      // JSON and multipart from voicebot; a query string or a urlencoded form from the Python baseline.
      const chatId = contentType.startsWith('application/json') ? (JSON.parse(text) as { chat_id?: number }).chat_id
        : contentType.startsWith('multipart/') ? Number(/name="chat_id"\r\n\r\n(-?\d+)/.exec(text)?.[1])
        : Number((contentType.startsWith('application/x-www-form-urlencoded') ? new URLSearchParams(text) : url.searchParams).get('chat_id'));
      const chat = { id: chatId, type: 'private', first_name: 'Bench' };
      const sent = { message_id: ++messageId, date: Math.floor(Date.now() / 1000), chat };
      const result =
        method === 'sendChatAction' || method === 'answerInlineQuery' ? true
        : method === 'getMe' ? { id: 1, is_bot: true, first_name: 'Bench', username: 'bench_bot' }
        // Telegram answers a voice with its file_id, which the bot keeps to resend the same audio.
        : method === 'sendVoice' ? { ...sent, voice: { file_id: `bench-voice-${messageId}`, file_unique_id: `u${messageId}`, duration: 1 } }
        : sent;
      const answer = JSON.stringify({ ok: true, result });
      Object.assign(meta, { tag: tagOf(String(chatId)), detail: `${method} ${body.length} B` });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) }).end(answer);
    }),
  );

  return {
    pollyEndpoint: polly.url,
    s3Endpoint: s3.url,
    telegramUrl: telegram.url,
    intervals,
    objects,
    connections: () => polly.connections() + s3.connections() + telegram.connections(),
    setPollyLatency: (ms) => (latency = { ...latency, pollyMs: ms, pollyMsPer20Chars: 0 }),
    setLatency: (next) => (latency = { s3Ms: 0, pollyMs: 0, pollyMsPer20Chars: 0, telegramMs: 0, ...next }),
    prepare: (text, audio) => prepared.set(text, audio),
    reset() {
      intervals.length = 0;
      objects.clear();
    },
    close: async () => {
      await Promise.all([polly.close(), s3.close(), telegram.close()]);
    },
  };
}

/** Total time during which at least one of the intervals was open (their union's length). */
export function busyTime(intervals: Pick<Interval, 'start' | 'end'>[]): number {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  let total = 0;
  let [from, to] = [-Infinity, -Infinity];
  for (const { start, end } of sorted) {
    if (start > to) {
      if (to > from) total += to - from;
      [from, to] = [start, end];
    } else to = Math.max(to, end);
  }
  if (to > from) total += to - from;
  return total;
}

/** A readable name for an S3 request: its HTTP method and, where it matters, the operation. */
function s3Operation(method: string | undefined, url: URL): string {
  if (method === 'GET' && url.searchParams.get('list-type') === '2') return 'LIST';
  if (url.searchParams.has('uploads') || url.searchParams.has('uploadId')) return `${method}(multipart)`;
  return method ?? '?';
}

/** S3's ETag of an object put in one part: the MD5 of its bytes, quoted. */
const etagOf = (bytes: Buffer) => `"${createHash('md5').update(bytes).digest('hex')}"`;

const tagOf = (value: string | undefined) => (value === undefined || value === '' || Number.isNaN(Number(value)) ? undefined : Number(value));

function xml(res: ServerResponse, body: string, status = 200) {
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) }).end(body);
}

/** `aws-chunked` bodies (streamed uploads with trailing checksums): size;ext\r\n data\r\n ... 0\r\n trailers. */
function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < body.length) {
    const lineEnd = body.indexOf('\r\n', offset);
    const size = parseInt(body.subarray(offset, lineEnd).toString('latin1').split(';')[0]!, 16);
    if (!size) break;
    parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; connections(): number; close(): Promise<void> }> {
  const server: Server = createServer({ keepAliveTimeout: 60_000 }, handler);
  let connections = 0;
  server.on('connection', () => connections++);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
