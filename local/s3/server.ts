/**
 * A local S3 (s3rver) for tests and the demo: path-style, signed with its fixed credentials,
 * storing objects in a temporary directory that disappears on close.
 *
 * A small proxy in front of s3rver adds three things real S3 does and the bot relies on:
 * - atomic objects: s3rver rewrites an object's file in place, so a read that overlaps a write of
 *   the same key can answer a length it does not send, or bytes that do not match the ETag; here the
 *   requests to one key take turns, reads together and each write alone (store.ts makes a write
 *   whole before s3rver answers it);
 * - conditional PutObject, `If-None-Match: *` and `If-Match: <etag>` (conditions.ts has the rules):
 *   the key is checked in the put's own turn, before the put goes through;
 * - suffix ranges (`Range: bytes=-N`, the last N bytes), which s3rver reads as `bytes=0-N`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { EventEmitter, once } from 'node:events';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream';
import { conditionalPutRefusal, isConditionalPut, unquoteEtag } from './conditions.ts';
import { putObjectsWhole } from './store.ts';

export interface S3Options {
  port?: number;
  /** Where objects are kept; kept after close when given, a fresh temporary directory otherwise. */
  directory?: string;
  buckets: string[];
  /** A share (0–1) of all requests answered with an S3 error instead, e.g. 1% SlowDown for a load test. */
  randomFaults?: { rate: number; status: number; code: string };
}

export interface LocalS3 {
  /** http://127.0.0.1:PORT, for AWS_ENDPOINT_URL_S3 together with S3_FORCE_PATH_STYLE=true. */
  endpoint: string;
  accessKeyId: 'S3RVER';
  secretAccessKey: 'S3RVER';
  /** Every request the proxy received, in order: method, path with query, and the status answered (0 until answered). */
  requests: RecordedS3Request[];
  /**
   * The next `times` requests with this method (`'*'`: any) whose path matches `path` get S3's error
   * answer instead of reaching s3rver, e.g. `failNext('PUT', 503, 'SlowDown')`.
   */
  failNext(method: string, status: number, code: string, options?: { times?: number; path?: RegExp }): void;
  /**
   * 'request' (RecordedS3Request, drop: () => void) when a request arrives, before anything is done
   * with it; `drop` closes its connection unanswered and unstored;
   * 'stored' (RecordedS3Request) when s3rver has answered a forwarded request, before the client hears it.
   * A listener may kill the client there: the kill test's "after the claim" and "after the upload".
   */
  events: EventEmitter;
  /** Forgets faults queued with failNext that no request has met yet. */
  clearFaults(): void;
  close(): Promise<void>;
}

export interface RecordedS3Request {
  method: string;
  path: string;
  status: number;
}

interface S3Fault {
  method: string;
  status: number;
  code: string;
  path?: RegExp;
}

const escapeXml = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** S3's REST error document; HEAD answers carry no body. */
function sendS3Error(req: IncomingMessage, res: ServerResponse, { status, code }: S3Fault): void {
  const body =
    `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${escapeXml(code)}</Code><Message>Injected fault: ${escapeXml(code)}</Message>` +
    `<RequestId>LOCALFAULT</RequestId><HostId>local</HostId></Error>`;
  req.resume();
  const answer = () => (req.method === 'HEAD' ? res.writeHead(status).end() : res.writeHead(status, { 'content-type': 'application/xml' }).end(body));
  if (req.readableEnded) answer();
  else req.once('end', answer).once('error', () => res.destroy());
}

/**
 * Turns on keys: a read waits for the writes queued before it, a write for every read and write
 * queued before it. A turn lasts until its job settles.
 */
function keyTurns() {
  const keys = new Map<string, { write: Promise<void>; reads: Promise<void>[]; waiting: number }>();
  return (key: string, kind: 'read' | 'write', job: () => Promise<void>): Promise<void> => {
    const queue = keys.get(key) ?? { write: Promise.resolve(), reads: [], waiting: 0 };
    keys.set(key, queue);
    queue.waiting++;
    const turn = (kind === 'read' ? queue.write : Promise.all([queue.write, ...queue.reads])).then(job);
    const over = turn.then(
      () => {},
      () => {},
    );
    if (kind === 'read') queue.reads.push(over);
    else [queue.write, queue.reads] = [over, []];
    void over.then(() => {
      if (--queue.waiting === 0) keys.delete(key);
    });
    return turn;
  };
}

interface ProxyOptions {
  upstreamPort: number;
  port: number;
  requests: RecordedS3Request[];
  faults: S3Fault[];
  events: EventEmitter;
  randomFaults?: S3Options['randomFaults'];
}

/** Listens on `port` (0: any) and forwards everything to s3rver, a key's requests in turns, enforcing `If-None-Match: *` and `If-Match` on puts. */
async function startConditionalWriteProxy({ upstreamPort, port, requests, faults, events, randomFaults }: ProxyOptions): Promise<Server> {
  const inTurn = keyTurns();
  const forward = (req: IncomingMessage, res: ServerResponse, recorded: RecordedS3Request) =>
    new Promise<void>((resolve) => {
      // A queued request whose client gave up while it waited for its key's turn.
      if (res.closed) return resolve();
      const headers = { ...req.headers };
      delete headers.expect; // node answered 100-continue to the client already
      delete headers['if-match']; // checked here; s3rver does not know it on PUT
      const upstream = request({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers }, (answer) => {
        events.emit('stored', recorded);
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        // An answer that breaks off midway reaches the client as a broken connection, which it can
        // retry, not as a body that stops short of its Content-Length, which it would wait on forever.
        pipeline(answer, res, () => {});
      });
      // 'close' comes after the answer is sent and also when the client goes away mid-answer: either
      // way the key's turn is over (waiting for 'finish' alone held the key forever after an abort).
      res.once('close', () => {
        if (!res.writableFinished) upstream.destroy();
        resolve();
      });
      upstream.on('error', () => {
        res.destroy();
        resolve();
      });
      req.pipe(upstream);
    });
  /** The object's size and ETag, or undefined when there is no such object. */
  const head = (path: string) =>
    new Promise<{ size: number; etag?: string } | undefined>((resolve, reject) => {
      request({ host: '127.0.0.1', port: upstreamPort, method: 'HEAD', path }, (answer) => {
        answer.resume();
        resolve(answer.statusCode === 200 ? { size: Number(answer.headers['content-length']), etag: unquoteEtag(answer.headers.etag) } : undefined);
      })
        .on('error', reject)
        .end();
    });
  const sizeOf = async (path: string) => (await head(path))?.size;
  const proxy = createServer((req, res) => {
    const recorded: RecordedS3Request = { method: req.method ?? 'GET', path: req.url ?? '/', status: 0 };
    requests.push(recorded);
    res.once('finish', () => (recorded.status = res.statusCode));
    let dropped = false;
    events.emit('request', recorded, () => {
      dropped = true;
      req.resume();
      res.destroy();
    });
    if (dropped) return;
    if (randomFaults && Math.random() < randomFaults.rate) return sendS3Error(req, res, { method: '*', ...randomFaults });
    const faultIndex = faults.findIndex((f) => (f.method === '*' || f.method === recorded.method) && (!f.path || f.path.test(recorded.path)));
    if (faultIndex >= 0) return sendS3Error(req, res, faults.splice(faultIndex, 1)[0]!);
    const path = (req.url ?? '/').split('?')[0]!;
    const suffix = req.method === 'GET' ? /^bytes=-(\d+)$/.exec(String(req.headers.range ?? '')) : null;
    const conditional = req.method === 'PUT' && isConditionalPut(req.headers);
    const reads = req.method === 'GET' || req.method === 'HEAD';
    inTurn(path, reads ? 'read' : 'write', async () => {
      if (suffix) {
        const size = await sizeOf(path).catch(() => undefined);
        if (size) req.headers.range = `bytes=${Math.max(0, size - Number(suffix[1]))}-${size - 1}`;
      }
      const refusal = conditional && conditionalPutRefusal(req.headers, (await head(path))?.etag);
      if (!refusal) return forward(req, res, recorded);
      req.resume();
      res.writeHead(refusal.status, { 'content-type': 'application/xml' }).end(refusal.body);
    }).catch(() => res.destroy());
  });
  proxy.listen(port, '127.0.0.1');
  await once(proxy, 'listening');
  return proxy;
}

export async function startS3({ port = 0, directory, buckets, randomFaults }: S3Options): Promise<LocalS3> {
  const dataDirectory = directory ?? (await mkdtemp(join(tmpdir(), 'voicebot-s3-')));
  const server = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory: dataDirectory,
    configureBuckets: buckets.map((name) => ({ name })),
  });
  putObjectsWhole(server.store);
  const address = await server.run();
  const requests: RecordedS3Request[] = [];
  const faults: S3Fault[] = [];
  const events = new EventEmitter();
  const proxy = await startConditionalWriteProxy({ upstreamPort: address.port, port, requests, faults, events, ...(randomFaults && { randomFaults }) });
  return {
    endpoint: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    accessKeyId: 'S3RVER',
    secretAccessKey: 'S3RVER',
    requests,
    events,
    failNext(method, status, code, { times = 1, path } = {}) {
      for (let i = 0; i < times; i++) faults.push({ method: method.toUpperCase(), status, code, ...(path && { path }) });
    },
    clearFaults() {
      faults.length = 0;
    },
    async close() {
      await new Promise<void>((resolve) => {
        proxy.close(() => resolve());
        proxy.closeAllConnections();
      });
      const closed = server.close();
      // SDK clients keep sockets alive; without this close() would wait for them to time out.
      server.httpServer?.closeAllConnections();
      await closed;
      if (!directory) await rm(dataDirectory, { recursive: true, force: true });
    },
  };
}
