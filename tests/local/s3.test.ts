import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { startS3, type LocalS3 } from '../../local/s3/server.ts';

const BUCKET = 'voices';

describe('local S3 (s3rver)', () => {
  let s3: LocalS3;
  let client: S3Client;

  before(async () => {
    s3 = await startS3({ buckets: [BUCKET] });
    client = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    });
  });

  after(async () => {
    client.destroy();
    await s3.close();
  });

  test('listens on 127.0.0.1 with a random port', () => {
    assert.match(s3.endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(s3.endpoint, 'http://127.0.0.1:4568');
  });

  test('stores an object put with the S3 client and gives it back', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'a/b.txt', Body: 'hello', ContentType: 'text/plain' }));
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'a/b.txt' }));
    assert.equal(await got.Body?.transformToString(), 'hello');
  });

  test('accepts a lib-storage Upload of a stream and serves it through a presigned GET URL', async () => {
    const bytes = Buffer.alloc(6 * 1024 * 1024, 7); // above the 5 MB part size: a multipart upload
    await new Upload({
      client,
      params: { Bucket: BUCKET, Key: 'voice.ogg', Body: Readable.from([bytes.subarray(0, 1000), bytes.subarray(1000)]), ContentType: 'audio/ogg' },
    }).done();
    const url = await getSignedUrl(client, new GetObjectCommand({ Bucket: BUCKET, Key: 'voice.ogg' }), { expiresIn: 60 });
    const response = await fetch(url);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'audio/ogg');
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), bytes);
  });

  test('serves unsigned GETs too, unlike a private S3 bucket (s3rver has no access control)', async () => {
    // So bucket privacy can only be checked in Terraform, not against this stand-in.
    const response = await fetch(`${s3.endpoint}/${BUCKET}/voice.ogg`);
    await response.arrayBuffer();
    assert.equal(response.status, 200);
  });

  test('honours If-None-Match: * on PutObject like S3: the second conditional put gets 412 and changes nothing', async () => {
    const put = (body: string) => client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'marker', Body: body, IfNoneMatch: '*' }));
    await put('first');
    const second = await put('second').then(
      () => 'stored',
      (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode,
    );
    assert.equal(second, 412);
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'marker' }));
    assert.equal(await got.Body?.transformToString(), 'first');
  });

  test('honours If-Match on PutObject like S3: the old ETag gets 412, a missing key 404, the current one writes', async () => {
    const status = (promise: Promise<unknown>) => promise.then(() => 200, (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode);
    const first = await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'lease', Body: 'one' }));
    const second = await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'lease', Body: 'two', IfMatch: first.ETag }));
    assert.notEqual(second.ETag, first.ETag);
    assert.equal(await status(client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'lease', Body: 'stale', IfMatch: first.ETag }))), 412);
    assert.equal(await status(client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'no-such-lease', Body: 'x', IfMatch: first.ETag }))), 404);
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'lease' }));
    assert.equal(await got.Body?.transformToString(), 'two');
    assert.equal(got.ETag, second.ETag);
  });

  test('lets exactly one of concurrent If-Match puts with the same ETag win', async () => {
    const base = await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'cas', Body: 'base' }));
    const results = await Promise.allSettled(['a', 'b', 'c', 'd'].map((Body) => client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'cas', Body, IfMatch: base.ETag }))));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  });

  test('binds a fault to the request that arrives after it is queued, not to an upload whose body is still arriving', async () => {
    const before = s3.requests.length;
    const bytes = Buffer.alloc(64 * 1024, 1);
    const body = new Readable({ read() {} });
    body.push(bytes.subarray(0, 1024)); // a slow upload: the rest follows once the fault is queued
    const slow = client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'slow.bin', Body: body, ContentLength: bytes.length }));
    while (s3.requests.length === before) await new Promise((resolve) => setTimeout(resolve, 10));
    s3.failNext('PUT', 503, 'SlowDown');
    body.push(bytes.subarray(1024));
    body.push(null);
    await slow;
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'next.bin', Body: 'x' })); // the SDK retries the SlowDown
    const statuses = (key: string) => s3.requests.filter((r) => r.method === 'PUT' && r.path.startsWith(`/${BUCKET}/${key}`)).map((r) => r.status);
    assert.deepEqual(statuses('slow.bin'), [200]);
    assert.deepEqual(statuses('next.bin'), [503, 200]);
  });

  test('a reader that gives up while it waits for its key does not hold the key for the requests after it', async () => {
    const url = `${s3.endpoint}/${BUCKET}/held.txt`;
    // A conditional put that holds the key while its body is still arriving (s3rver needs no signature).
    const writing = request(url, { method: 'PUT', headers: { 'if-none-match': '*', 'content-length': '6' } });
    const written = new Promise((resolve, reject) => writing.on('response', (answer) => resolve(answer.resume().statusCode)).on('error', reject));
    writing.write('s');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await assert.rejects(fetch(url, { signal: AbortSignal.timeout(200) }), 'the reader queued behind the put gives up');
    writing.end('econd');
    assert.equal(await written, 200);
    const read = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    assert.equal(await read.text(), 'second', 'the next reader gets its turn');
  });

  test('a read that overlaps rewrites of its key gets one whole version, its bytes matching its ETag', async () => {
    const url = `${s3.endpoint}/${BUCKET}/rewritten.json`;
    // Versions of different lengths, so a read that mixes two, or stops short, shows.
    const version = (n: number) => JSON.stringify({ n, padding: 'x'.repeat(n % 17) });
    const written = new Set([version(0)]);
    await fetch(url, { method: 'PUT', body: version(0) }).then((r) => r.arrayBuffer());
    const read = async () => {
      // A body shorter than its Content-Length would keep the reader waiting: give up instead.
      const answer = await fetch(url, { signal: AbortSignal.timeout(10_000) });
      const text = await answer.text();
      return { text, etag: answer.headers.get('etag') };
    };
    for (let round = 1; round <= 60; round++) {
      written.add(version(round));
      const [a, , b] = await Promise.all([read(), fetch(url, { method: 'PUT', body: version(round) }).then((r) => r.arrayBuffer()), read()]);
      for (const { text, etag } of [a, b]) {
        assert.ok(written.has(text), `round ${round} read ${JSON.stringify(text)}`);
        assert.equal(etag, `"${createHash('md5').update(text).digest('hex')}"`, `round ${round}`);
      }
    }
  });

  test('an upload that breaks off leaves the object as it was, like S3', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'kept.txt', Body: 'the whole first version' }));
    const writing = request(`${s3.endpoint}/${BUCKET}/kept.txt`, { method: 'PUT', headers: { 'content-length': '1000' } });
    writing.on('error', () => {});
    writing.write('half of a se');
    await new Promise((resolve) => setTimeout(resolve, 300));
    writing.destroy();
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'kept.txt' }));
    assert.equal(await got.Body?.transformToString(), 'the whole first version');
  });

  test('answers a suffix range with the last bytes of the object, like S3', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'tail', Body: '0123456789' }));
    const got = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'tail', Range: 'bytes=-4' }));
    assert.equal(await got.Body?.transformToString(), '6789');
    assert.equal(got.ContentRange, 'bytes 6-9/10');
  });

  test('lets exactly one of many concurrent conditional puts to one key through', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) => client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'race', Body: `writer ${i}`, IfNoneMatch: '*' }))),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  });
});
