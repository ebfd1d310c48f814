import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3UpdateLedger } from '../../../function/src/storage/ledger.ts';
import { startS3, type LocalS3 } from '../../../local/s3/server.ts';

const BUCKET = 'ledger-test';
let s3: LocalS3;
let client: S3Client;
let ledger: S3UpdateLedger;

before(async () => {
  s3 = await startS3({ buckets: [BUCKET] });
  client = new S3Client({ region: 'eu-west-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
  ledger = new S3UpdateLedger(client, BUCKET);
});
after(async () => {
  client.destroy();
  await s3.close();
});

const message = (updateId: number, chatId = 7, date = 6000) => ({ kind: 'message' as const, updateId, chatId, date });

const LATER = () => Date.now() + 60_000;
const PAST = () => Date.now() - 1;
const status = (claim: { status: string }) => claim.status;

describe('the S3 update ledger', () => {
  test('lets the first caller claim an update; the next finds a live lease, and after done, done', async () => {
    const first = await ledger.claim(message(1), LATER());
    assert.equal(first.status, 'claimed');
    assert.deepEqual(await ledger.claim(message(1), LATER()).then(status), 'leased');
    if (first.status !== 'claimed') return;
    assert.equal(first.lease.attempt, 1);
    assert.equal(first.lease.takenOver, false);
    assert.equal(await ledger.complete(message(1), first.lease), true);
    assert.deepEqual(await ledger.claim(message(1), LATER()), { status: 'done', attempt: 1 });
  });

  test('a lease handed to the job queue is left alone by redeliveries and taken by exactly one of many concurrent workers', async () => {
    const webhook = await ledger.claim(message(40), LATER());
    assert.ok(webhook.status === 'claimed');
    assert.equal(await ledger.handOff(message(40), webhook.lease), true);
    assert.deepEqual(await ledger.claim(message(40), LATER()), { status: 'queued', attempt: 1 });
    const workers = await Promise.all(Array.from({ length: 5 }, () => ledger.claim(message(40), LATER(), undefined, { fromQueue: true })));
    const winners = workers.filter((r) => r.status === 'claimed');
    assert.equal(winners.length, 1, JSON.stringify(workers));
    const [winner] = winners;
    assert.ok(winner?.status === 'claimed' && winner.lease.attempt === 2 && !winner.lease.takenOver);
    // The webhook's stale lease cannot hand off again over the worker's.
    assert.equal(await ledger.handOff(message(40), webhook.lease), false);
    assert.equal(await ledger.complete(message(40), winner.lease), true);
    assert.deepEqual(await ledger.claim(message(40), LATER(), undefined, { fromQueue: true }), { status: 'done', attempt: 2 });
  });

  test('a worker may hand a job back to the queue, and the next worker takes it', async () => {
    const webhook = await ledger.claim(message(41), LATER());
    assert.ok(webhook.status === 'claimed' && (await ledger.handOff(message(41), webhook.lease)));
    const worker = await ledger.claim(message(41), LATER(), undefined, { fromQueue: true });
    assert.ok(worker.status === 'claimed' && (await ledger.handOff(message(41), worker.lease)));
    const next = await ledger.claim(message(41), LATER(), undefined, { fromQueue: true });
    assert.ok(next.status === 'claimed' && next.lease.attempt === 3);
  });

  test('lets exactly one of many concurrent callers claim an update', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => ledger.claim({ kind: 'callback', updateId: 2 }, LATER())));
    assert.equal(results.filter((r) => r.status === 'claimed').length, 1);
    assert.ok(results.every((r) => r.status === 'claimed' || r.status === 'leased'));
  });

  test('an expired lease is taken over by exactly one of many concurrent redeliveries, as attempt 2', async () => {
    await ledger.claim(message(30), PAST());
    const results = await Promise.all(Array.from({ length: 5 }, () => ledger.claim(message(30), LATER())));
    const winners = results.filter((r) => r.status === 'claimed');
    assert.equal(winners.length, 1, JSON.stringify(results));
    const [winner] = winners;
    assert.ok(winner?.status === 'claimed' && winner.lease.attempt === 2 && winner.lease.takenOver);
  });

  test('an attempt whose lease was taken over cannot write done over the new owner', async () => {
    const first = await ledger.claim(message(31), PAST());
    const second = await ledger.claim(message(31), LATER());
    assert.ok(first.status === 'claimed' && second.status === 'claimed');
    assert.equal(await ledger.complete(message(31), first.lease), false);
    assert.equal(await ledger.claim(message(31), LATER()).then(status), 'leased');
    assert.equal(await ledger.complete(message(31), second.lease), true);
    assert.deepEqual(await ledger.claim(message(31), LATER()), { status: 'done', attempt: 2 });
  });

  test('takes a marker from before leases (a bare nonce) as answered, never as its own', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'updates/callbacks/3', Body: 'another-nonce' }));
    assert.equal(await ledger.claim({ kind: 'callback', updateId: 3 }, LATER()).then(status), 'done');
  });

  test("counts a chat's messages in the minute of their own date, not other minutes or chats", async () => {
    for (const id of [10, 11, 12]) await ledger.claim(message(id, 8, 6000 + id), LATER());
    await ledger.claim(message(13, 8, 6060), LATER());
    await ledger.claim({ kind: 'callback', updateId: 14 }, LATER());
    assert.equal(await ledger.countInMinute(message(12, 8, 6030)), 3);
    assert.equal(await ledger.countInMinute(message(13, 8, 6060)), 1);
    assert.equal(await ledger.countInMinute(message(15, 9, 6030)), 1);
  });

  test('counts the message itself once, whether its own claim has landed or not (the count runs alongside it)', async () => {
    for (const id of [20, 21]) await ledger.claim(message(id, 9, 6000), LATER());
    assert.equal(await ledger.countInMinute(message(22, 9, 6000)), 3);
    await ledger.claim(message(22, 9, 6000), LATER());
    assert.equal(await ledger.countInMinute(message(22, 9, 6000)), 3);
  });

  test('a takeover does not count the message twice against its chat', async () => {
    await ledger.claim(message(40, 10, 6000), PAST());
    await ledger.claim(message(40, 10, 6000), LATER());
    assert.equal(await ledger.countInMinute(message(40, 10, 6000)), 1);
  });

  test('turns a chat away once: the first refusal is claimed, the next are not', async () => {
    assert.equal(await ledger.claimRefusal(5555), true);
    assert.equal(await ledger.claimRefusal(5555), false);
    assert.equal(await ledger.claimRefusal(5556), true);
  });

  test('keeps its records under updates/, which the lifecycle rule expires', async () => {
    await ledger.claim(message(20, 9, 120), LATER());
    const puts = s3.requests.filter((r) => r.method === 'PUT').map((r) => r.path.split('?')[0]);
    assert.ok(puts.includes(`/${BUCKET}/updates/chats/9/2/20`), puts.join(' '));
    assert.ok(puts.every((path) => path!.startsWith(`/${BUCKET}/updates/`)), puts.join(' '));
  });
});
