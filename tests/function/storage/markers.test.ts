import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { MarkerStore } from '../../../function/src/storage/markers.ts';
import { startS3, type LocalS3 } from '../../../local/s3/server.ts';

const BUCKET = 'markers-test';
let s3: LocalS3;
let client: S3Client;
let markers: MarkerStore;

before(async () => {
  s3 = await startS3({ buckets: [BUCKET] });
  client = new S3Client({ region: 'eu-west-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
  markers = new MarkerStore(client, BUCKET);
});
after(async () => {
  client.destroy();
  await s3.close();
});

describe('markers', () => {
  test('are claimed by the first caller only', async () => {
    assert.equal(await markers.claim('updates/a'), true);
    assert.equal(await markers.claim('updates/a'), false);
  });

  test('are claimed by exactly one of many concurrent callers', async () => {
    const results = await Promise.all(Array.from({ length: 6 }, () => markers.claim('updates/race')));
    assert.equal(results.filter(Boolean).length, 1);
  });

  test('written by someone else are not taken for ours', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'updates/theirs', Body: 'another-nonce' }));
    assert.equal(await markers.claim('updates/theirs'), false);
  });

  test('are counted by prefix', async () => {
    for (const id of [1, 2, 3]) await markers.claim(`updates/chats/7/100/${id}`);
    await markers.claim('updates/chats/7/101/4');
    assert.equal(await markers.count('updates/chats/7/100/'), 3);
    assert.equal(await markers.count('updates/chats/8/100/'), 0);
  });
});
