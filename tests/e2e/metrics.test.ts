/**
 * The built bundle's metrics and daily budget, end to end: its log lines carry valid EMF, and with
 * DAILY_CHARACTER_BUDGET set it keeps the day's count in the local S3 with conditional writes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { MESSAGES } from '../../function/src/messages.ts';
import { emfProblems } from '../function/support/emf.ts';
import { BUCKET, chatIds, type Stack, startStack } from './stack.ts';

const BUDGET = 100;
let stack: Stack;
let s3: S3Client;
const newChat = chatIds(900);

before(async () => {
  stack = await startStack({ env: { DAILY_CHARACTER_BUDGET: String(BUDGET) } });
  s3 = new S3Client({ region: 'eu-west-1', endpoint: stack.s3.endpoint, forcePathStyle: true, credentials: { accessKeyId: stack.s3.accessKeyId, secretAccessKey: stack.s3.secretAccessKey } });
});
after(async () => {
  s3.destroy();
  await stack.close();
});

const finalLine = (updateId: number) => stack.logs.find((l) => l.update_id === updateId && l.message === 'update handled')!;

describe("the bundle's metrics and budget", () => {
  const phrase = 'Metrics travel in the log line itself.';

  test('a voice made by Polly: a valid EMF line whose PollyCharacters are the characters the local Polly received', async () => {
    const pollyBefore = stack.polly.requests.length;
    const { update } = await stack.say(newChat(), phrase);
    const line = finalLine(update.update_id);
    assert.deepEqual(emfProblems(line), []);
    const sent = stack.polly.requests.slice(pollyBefore).reduce((sum, r) => sum + [...r.Text].length, 0);
    assert.ok(sent > 0);
    assert.deepEqual([line.FunctionName, line.Voices, line.PollyRequests, line.PollyCharacters, line.BudgetCharacters], ['voicebot-local', 1, 1, sent, sent]);
  });

  test('the same phrase again costs nothing and is still sent once the budget is spent', async () => {
    const pollyBefore = stack.polly.requests.length;
    const spender = await stack.say(newChat(), 'This second text takes the rest of the budget.');
    assert.equal(finalLine(spender.update.update_id).outcome, 'voice_sent');
    const chatId = newChat();
    const refused = await stack.say(chatId, 'And this one no longer fits in the budget.');
    assert.equal(stack.sentTo(chatId)[0]?.text, MESSAGES.overBudget);
    const refusedLine = finalLine(refused.update.update_id);
    assert.deepEqual(emfProblems(refusedLine), []);
    assert.deepEqual([refusedLine.Refusals, refusedLine.Reason, refusedLine.PollyCharacters], [1, 'budget', 0]);

    const cached = await stack.say(newChat(), phrase);
    const cachedLine = finalLine(cached.update.update_id);
    assert.deepEqual([cachedLine.Voices, cachedLine.CacheHits, cachedLine.PollyCharacters], [1, 1, 0]);
    assert.equal(stack.polly.requests.length, pollyBefore + 1);

    const object = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `budget/${new Date().toISOString().slice(0, 10)}.json` }));
    const count = JSON.parse(await object.Body!.transformToString()) as { characters: number };
    const billed = stack.polly.requests.reduce((sum, r) => sum + [...r.Text].length, 0);
    assert.equal(count.characters, billed);
    assert.ok(billed <= BUDGET);
  });
});
