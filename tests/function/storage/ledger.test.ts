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

describe('the S3 update ledger', () => {
  test('lets the first caller claim an update, and nobody after it', async () => {
    assert.equal(await ledger.claim(message(1)), true);
    assert.equal(await ledger.claim(message(1)), false);
  });

  test('lets exactly one of many concurrent callers claim an update', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => ledger.claim({ kind: 'callback', updateId: 2 })));
    assert.equal(results.filter(Boolean).length, 1);
  });

  test('does not take a marker written by someone else for its own', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'updates/callbacks/3', Body: 'another-nonce' }));
    assert.equal(await ledger.claim({ kind: 'callback', updateId: 3 }), false);
  });

  test("counts a chat's messages in the minute of their own date, not other minutes or chats", async () => {
    for (const id of [10, 11, 12]) await ledger.claim(message(id, 8, 6000 + id));
    await ledger.claim(message(13, 8, 6060));
    await ledger.claim({ kind: 'callback', updateId: 14 });
    assert.equal(await ledger.countInMinute(8, 6030), 3);
    assert.equal(await ledger.countInMinute(8, 6060), 1);
    assert.equal(await ledger.countInMinute(9, 6030), 0);
  });

  test('turns a chat away once: the first refusal is claimed, the next are not', async () => {
    assert.equal(await ledger.claimRefusal(5555), true);
    assert.equal(await ledger.claimRefusal(5555), false);
    assert.equal(await ledger.claimRefusal(5556), true);
  });

  test('keeps its markers under updates/, which the lifecycle rule expires', async () => {
    await ledger.claim(message(20, 9, 120));
    const puts = s3.requests.filter((r) => r.method === 'PUT').map((r) => r.path.split('?')[0]);
    assert.ok(puts.includes(`/${BUCKET}/updates/chats/9/2/20`), puts.join(' '));
    assert.ok(puts.every((path) => path!.startsWith(`/${BUCKET}/updates/`)), puts.join(' '));
  });
});
