/** The daily character count in S3 (local S3 with conditional writes), shared by several containers at once. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { BudgetContentionError, S3CharacterBudget } from '../../../function/src/storage/budget.ts';
import { startS3, type LocalS3 } from '../../../local/s3/server.ts';

const BUCKET = 'budget-test';
let s3: LocalS3;
const clients: S3Client[] = [];

/** A container's own S3 client and budget, as each Lambda container has. */
function container(maxAttempts?: number): S3CharacterBudget {
  const client = new S3Client({ region: 'eu-west-1', endpoint: s3.endpoint, forcePathStyle: true, credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } });
  clients.push(client);
  return new S3CharacterBudget(client, BUCKET, maxAttempts);
}

async function stored(day: string): Promise<{ day: string; characters: number }> {
  const object = await clients[0]!.send(new GetObjectCommand({ Bucket: BUCKET, Key: `budget/${day}.json` }));
  return JSON.parse(await object.Body!.transformToString());
}

before(async () => {
  s3 = await startS3({ buckets: [BUCKET] });
});
after(async () => {
  for (const client of clients) client.destroy();
  await s3.close();
});

describe('the S3 character budget', () => {
  test("adds what fits to the day's count, refuses what does not, and keeps each day apart", async () => {
    const budget = container();
    assert.deepEqual(await budget.reserve('2026-01-01', 600, 1000), { granted: true, used: 600 });
    assert.deepEqual(await budget.reserve('2026-01-01', 500, 1000), { granted: false, used: 600 });
    assert.deepEqual(await budget.reserve('2026-01-01', 400, 1000), { granted: true, used: 1000 });
    assert.deepEqual(await budget.reserve('2026-01-02', 400, 1000), { granted: true, used: 400 });
    assert.equal((await stored('2026-01-01')).characters, 1000);
    const puts = s3.requests.filter((r) => r.method === 'PUT').map((r) => r.path.split('?')[0]!);
    assert.ok(puts.length > 0 && puts.every((path) => path.startsWith(`/${BUCKET}/budget/`)), puts.join(' '));
  });

  test('sees a count another container wrote', async () => {
    const [a, b] = [container(), container()];
    await a.reserve('2026-02-01', 700, 1000);
    assert.deepEqual(await b.reserve('2026-02-01', 400, 1000), { granted: false, used: 700 });
    assert.deepEqual(await b.reserve('2026-02-01', 300, 1000), { granted: true, used: 1000 });
  });

  test('five containers reserving at once never grant more than the limit, and the count is the sum of what they granted', async () => {
    const containers = Array.from({ length: 5 }, () => container());
    const day = '2026-03-01';
    const results = await Promise.all(containers.flatMap((budget) => Array.from({ length: 10 }, () => budget.reserve(day, 37, 1000))));
    const granted = results.filter((r) => r.granted).length;
    // 50 asks of 37 for 1,000: exactly 27 fit (999), none more, and none is lost to a race.
    assert.equal(granted, 27);
    assert.equal((await stored(day)).characters, granted * 37);
    assert.ok(s3.requests.some((r) => r.method === 'PUT' && r.status === 412), 'the containers did collide');
  });

  test('a container that saw the day spent refuses a bigger text without asking S3', async () => {
    const budget = container();
    await budget.reserve('2026-04-01', 990, 1000);
    const before = s3.requests.length;
    assert.deepEqual(await budget.reserve('2026-04-01', 50, 1000), { granted: false, used: 990 });
    assert.equal(s3.requests.length, before);
  });

  test('gives up with BudgetContentionError when every attempt loses the race, and succeeds when one wins', async () => {
    s3.failNext('PUT', 412, 'PreconditionFailed', { times: 3, path: /budget\/2026-05-01/ });
    await assert.rejects(container(3).reserve('2026-05-01', 10, 1000), (error: Error) => error instanceof BudgetContentionError && error.name === 'BudgetContentionError');
    s3.failNext('PUT', 412, 'PreconditionFailed', { times: 2, path: /budget\/2026-05-01/ });
    assert.deepEqual(await container(3).reserve('2026-05-01', 10, 1000), { granted: true, used: 10 });
  });

  test('fails on any other S3 error, so no voice is made unpaid', async () => {
    s3.failNext('GET', 403, 'AccessDenied', { path: /budget\/2026-06-01/ });
    await assert.rejects(container().reserve('2026-06-01', 10, 1000), (error: Error) => error.name === 'AccessDenied');
  });
});
