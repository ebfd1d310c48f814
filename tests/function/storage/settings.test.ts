import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { S3SettingsStore } from '../../../function/src/storage/settings.ts';
import { startS3, type LocalS3 } from '../../../local/s3/server.ts';

const BUCKET = 'settings-test';
let s3: LocalS3;
let client: S3Client;

before(async () => {
  s3 = await startS3({ buckets: [BUCKET] });
  client = new S3Client({ region: 'eu-west-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
});
after(async () => {
  client.destroy();
  await s3.close();
});

const reads = () => s3.requests.filter((r) => r.method === 'GET' && r.path.includes('/settings/')).length;

describe('per-chat settings', () => {
  test('are empty for a chat that chose nothing, and read back after being set', async () => {
    const store = new S3SettingsStore(client, BUCKET);
    assert.deepEqual(await store.get(1), {});
    await store.set(2, { voice: 'Amy' });
    assert.deepEqual(await new S3SettingsStore(client, BUCKET).get(2), { voice: 'Amy' }, 'another container sees it');
  });

  test('are read at most once a minute per chat, so a choice made elsewhere arrives within a minute', async () => {
    let clock = 0;
    const store = new S3SettingsStore(client, BUCKET, () => clock);
    const before = reads();
    assert.deepEqual(await store.get(3), {});
    await new S3SettingsStore(client, BUCKET).set(3, { voice: 'Brian' }); // another container
    clock += 30_000;
    assert.deepEqual(await store.get(3), {}, 'still the cached copy');
    clock += 31_000;
    assert.deepEqual(await store.get(3), { voice: 'Brian' });
    assert.equal(reads() - before, 2);
  });

  test('that are damaged count as no settings instead of breaking the chat', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'settings/4.json', Body: '{not json' }));
    assert.deepEqual(await new S3SettingsStore(client, BUCKET).get(4), {});
  });
});
