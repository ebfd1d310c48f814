/**
 * A burst through the offline stack with the job queue: the built webhook (dist/index.mjs) behind the
 * local API Gateway, the built worker (dist/worker.mjs) polled from the local SQS as Lambda's mapping
 * polls it, and a Polly stand-in whose quota is far below the burst. Every message gets one voice, none
 * an apology; what Polly throttled went webhook -> queue -> worker -> voice, with a ✍ meanwhile.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MESSAGES } from '../../function/src/messages.ts';
import type { QueueEvent } from '../../local/sqs/server.ts';
import { chatIds, startStack, type Stack } from './stack.ts';

const BURST = 8;

describe('a burst over the Polly quota, with the job queue', () => {
  let stack: Stack;
  const trip: QueueEvent[] = [];
  const nextChat = chatIds(880_000);

  before(async () => {
    // One request a second: most of the burst is throttled at the webhook.
    stack = await startStack({ env: { RATE_LIMIT_PER_MINUTE: '0' }, polly: { quota: { tps: 1, burst: 1 } } });
    stack.sqs!.events.on('event', (event) => trip.push(event));
  });
  after(() => stack?.close());

  test('every message gets one voice and no apology; the throttled ones go through the queue, with a ✍ until their voice comes', async () => {
    const chats = Array.from({ length: BURST }, nextChat);
    const sent = await Promise.all(chats.map((chat, i) => stack.say(chat, `Burst message number ${i + 1}, read aloud.`)));
    assert.ok(sent.every(({ statuses }) => statuses.at(-1) === 200), 'the webhook answers 200 whatever it queued');

    const deadline = Date.now() + 60_000;
    // Done when every chat has its voice and the queue is empty: a job is deleted after its handler returned, so its line is written.
    const done = () => chats.every((chat) => stack.voicesTo(chat).length > 0) && stack.sqs!.messages(stack.queues!.name).length === 0;
    while (!done() && Date.now() < deadline) await sleep(100);
    for (const chat of chats) {
      assert.equal(stack.voicesTo(chat).length, 1, `chat ${chat}: one voice`);
      assert.ok(!stack.sentTo(chat).some((m) => m.text === MESSAGES.failed), `chat ${chat}: no apology`);
    }

    const queued = stack.logs.filter((l) => l.message === 'update handled' && l.outcome === 'queued');
    assert.ok(queued.length >= 1, 'at least one message was throttled at the webhook and queued');
    assert.ok(stack.polly.throttled >= queued.length);
    const jobs = stack.logs.filter((l) => l.message === 'job handled' && l.outcome === 'voice_sent');
    assert.equal(jobs.length, queued.length, 'the worker spoke each queued message once');
    // The trip of one queued message: sent by the webhook, received and deleted by the worker's mapping.
    const kinds = new Set(trip.map((e) => e.kind));
    assert.ok(kinds.has('sent') && kinds.has('received') && kinds.has('deleted'), [...kinds].join(', '));
    assert.equal(stack.sqs!.messages(stack.queues!.name).length, 0, 'the queue is empty');
    assert.equal(stack.sqs!.messages(stack.queues!.deadLetterName).length, 0, 'nothing reached the dead-letter queue');
    for (const line of queued) {
      const chat = Number(line.chat_id);
      const update = sent[chats.indexOf(chat)]!.update;
      assert.deepEqual(stack.telegram.reactionOn(chat, update.message!.message_id), [], `chat ${chat}: the ✍ is off again`);
      assert.ok(stack.telegram.calls.some((c) => c.method === 'setMessageReaction' && Number(c.params.chat_id) === chat && JSON.stringify(c.params.reaction).includes('✍')), `chat ${chat}: a ✍ was shown`);
    }
  });
});
