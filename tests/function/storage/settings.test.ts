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
    await store.update(2, { voice: 'Amy' });
    assert.deepEqual(await new S3SettingsStore(client, BUCKET).get(2), { voice: 'Amy' }, 'another container sees it');
  });

  test('are read at most once a minute per chat, so a choice made elsewhere arrives within a minute', async () => {
    let clock = 0;
    const store = new S3SettingsStore(client, BUCKET, () => clock);
    const before = reads();
    assert.deepEqual(await store.get(3), {});
    const beforeOther = reads();
    await new S3SettingsStore(client, BUCKET).update(3, { voice: 'Brian' }); // another container, which reads before it writes
    const byOther = reads() - beforeOther;
    clock += 30_000;
    assert.deepEqual(await store.get(3), {}, 'still the cached copy');
    clock += 31_000;
    assert.deepEqual(await store.get(3), { voice: 'Brian' });
    assert.equal(reads() - before - byOther, 2);
  });

  test('that are damaged count as no settings instead of breaking the chat', async () => {
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'settings/4.json', Body: '{not json' }));
    assert.deepEqual(await new S3SettingsStore(client, BUCKET).get(4), {});
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'settings/4.json', Body: '{"voice":"Amy","speed":"<fast>"}' }));
    assert.deepEqual(await new S3SettingsStore(client, BUCKET).get(4), { voice: 'Amy' }, 'a damaged speed is no speed; the voice stays');
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'settings/4.json', Body: '{"speed":900}' }));
    assert.deepEqual(await new S3SettingsStore(client, BUCKET).get(4), {}, 'out of range');
  });

  test('a change keeps the other settings, even those another container stored after this one last read', async () => {
    const here = new S3SettingsStore(client, BUCKET);
    assert.deepEqual(await here.get(5), {}); // remembered: nothing chosen
    await new S3SettingsStore(client, BUCKET).update(5, { voice: 'Amy' }); // another container
    assert.deepEqual(await here.update(5, { speed: 150 }), { voice: 'Amy', speed: 150 });
    assert.deepEqual(await here.update(5, { voice: undefined }), { speed: 150 }, 'undefined removes a setting');
    assert.deepEqual(await new S3SettingsStore(client, BUCKET).get(5), { speed: 150 });
  });

  test('changes made at once by many containers all stay (compare-and-swap, read again when another wrote first)', async () => {
    const changes = [{ voice: 'Amy' }, { speed: 75 }, { voice: 'Brian' }, { speed: 130 }];
    const stores = changes.map(() => new S3SettingsStore(client, BUCKET));
    await Promise.all([stores[0]!.update(6, changes[0]!), stores[1]!.update(6, changes[1]!)]);
    assert.deepEqual(await new S3SettingsStore(client, BUCKET).get(6), { voice: 'Amy', speed: 75 });
    await Promise.all([stores[2]!.update(6, changes[2]!), stores[3]!.update(6, changes[3]!)]);
    assert.deepEqual(await new S3SettingsStore(client, BUCKET).get(6), { voice: 'Brian', speed: 130 });
  });
});
