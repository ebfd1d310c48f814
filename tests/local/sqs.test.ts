import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { startPoller, type InvocationReport, type Poller, type SqsHandler } from '../../local/sqs/poller.ts';
import { startSqs, type LocalSqs } from '../../local/sqs/server.ts';

let sqs: LocalSqs;
let client: SQSClient;
let queues = 0;

before(async () => {
  sqs = await startSqs();
  // The SDK checks every body's MD5 itself: a wrong one would fail these calls.
  client = new SQSClient({ endpoint: sqs.endpoint, region: sqs.region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 1 });
});
after(async () => {
  client?.destroy();
  await sqs?.close();
});

/** A fresh queue (and dead-letter queue) per test, through the SDK as Terraform and the bot would make them. */
async function queuePair({ visibility = 30, maxReceiveCount = 3 } = {}) {
  const name = `jobs-${++queues}`;
  const dead = await client.send(new CreateQueueCommand({ QueueName: `${name}-dead-letter` }));
  const deadArn = (await client.send(new GetQueueAttributesCommand({ QueueUrl: dead.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const { QueueUrl } = await client.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: { VisibilityTimeout: String(visibility), RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadArn, maxReceiveCount }) },
    }),
  );
  const arn = (await client.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  return { name, url: QueueUrl!, arn, deadName: `${name}-dead-letter`, deadUrl: dead.QueueUrl! };
}

const send = (url: string, body: string) => client.send(new SendMessageCommand({ QueueUrl: url, MessageBody: body }));
const receive = (url: string, extra: { VisibilityTimeout?: number; WaitTimeSeconds?: number; MaxNumberOfMessages?: number } = {}) =>
  client.send(new ReceiveMessageCommand({ QueueUrl: url, MessageSystemAttributeNames: ['All'], ...extra }));
const errorName = (work: Promise<unknown>) => work.then(() => 'no error', (error: Error) => error.name);

describe('local SQS (JSON protocol, as @aws-sdk/client-sqs speaks it)', () => {
  test('a message goes in and out with its MD5, its receive count and its timestamps, and is deleted by its handle', async () => {
    const { url } = await queuePair();
    const body = JSON.stringify({ text: 'Привет, мир — ünïcödé 🎙' });
    const sent = await send(url, body);
    assert.match(sent.MessageId!, /^[0-9a-f-]{36}$/);
    const [message] = (await receive(url)).Messages!;
    assert.equal(message!.Body, body);
    assert.equal(message!.MD5OfBody, sent.MD5OfMessageBody);
    assert.equal(message!.Attributes!.ApproximateReceiveCount, '1');
    assert.ok(Number(message!.Attributes!.SentTimestamp) <= Number(message!.Attributes!.ApproximateFirstReceiveTimestamp));
    await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message!.ReceiptHandle }));
    assert.equal((await receive(url)).Messages, undefined);
    assert.equal(sqs.messages(url.split('/').at(-1)!).length, 0);
  });

  test('a received message is hidden for the visibility timeout, then comes back with a new handle and a higher count', async () => {
    const { url } = await queuePair();
    await send(url, 'job');
    const first = (await receive(url, { VisibilityTimeout: 1 })).Messages![0]!;
    assert.equal((await receive(url)).Messages, undefined, 'hidden while in flight');
    await sleep(1100);
    const second = (await receive(url)).Messages![0]!;
    assert.equal(second.MessageId, first.MessageId);
    assert.notEqual(second.ReceiptHandle, first.ReceiptHandle);
    assert.equal(second.Attributes!.ApproximateReceiveCount, '2');
    // SQS: an earlier receive's handle "succeeds" but deletes nothing.
    await client.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: first.ReceiptHandle }));
    assert.equal(sqs.messages(url.split('/').at(-1)!).length, 1);
    assert.equal(await errorName(client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: first.ReceiptHandle, VisibilityTimeout: 0 }))), 'MessageNotInflight');
  });

  test('ChangeMessageVisibility shortens or lengthens the wait of a message in flight', async () => {
    const { url } = await queuePair({ visibility: 300 });
    await send(url, 'job');
    const message = (await receive(url)).Messages![0]!;
    await client.send(new ChangeMessageVisibilityCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 }));
    const again = (await receive(url, { VisibilityTimeout: 0 })).Messages![0]!;
    assert.equal(again.MessageId, message.MessageId);
  });

  test('after maxReceiveCount receives the message is in the dead-letter queue, not the job queue', async () => {
    const { url, deadUrl } = await queuePair({ maxReceiveCount: 2 });
    const { MessageId } = await send(url, 'crashes the worker');
    for (let i = 0; i < 2; i++) assert.equal((await receive(url, { VisibilityTimeout: 0 })).Messages![0]!.MessageId, MessageId);
    assert.equal((await receive(url)).Messages, undefined, 'the third receive finds it gone');
    const dead = (await receive(deadUrl)).Messages![0]!;
    assert.equal(dead.MessageId, MessageId);
    assert.equal(dead.Body, 'crashes the worker');
  });

  test('a long poll returns as soon as a message arrives', async () => {
    const { url } = await queuePair();
    const started = Date.now();
    const polled = receive(url, { WaitTimeSeconds: 5 });
    await sleep(200);
    await send(url, 'late');
    assert.equal((await polled).Messages![0]!.Body, 'late');
    assert.ok(Date.now() - started < 2000);
  });

  test('a queue that does not exist and a bad parameter fail as SQS fails them', async () => {
    assert.equal(await errorName(send(`${sqs.endpoint}/000000000000/nope`, 'x')), 'QueueDoesNotExist');
    const { url } = await queuePair();
    assert.equal(await errorName(receive(url, { MaxNumberOfMessages: 11 })), 'InvalidParameterValue');
    const counts = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }));
    assert.equal(counts.Attributes!.ApproximateNumberOfMessages, '0');
  });
});

describe("local poller (Lambda's SQS event source mapping)", () => {
  const pollers: Poller[] = [];
  // A failed test must not leave its pollers polling.
  after(() => Promise.all(pollers.map((p) => p.stop())));

  /** Starts a poller and returns what it reported; the caller stops it. */
  function poll(queue: { url: string; arn: string }, handler: SqsHandler, options: { batchSize?: number; maximumConcurrency?: number; functionTimeoutMs?: number } = {}) {
    const reports: InvocationReport[] = [];
    const poller = startPoller({ client, queueUrl: queue.url, queueArn: queue.arn, handler, waitTimeSeconds: 0, onInvoke: (r) => reports.push(r), ...options });
    pollers.push(poller);
    return { poller, reports };
  }
  const until = async (check: () => boolean, timeoutMs = 8000) => {
    const end = Date.now() + timeoutMs;
    while (!check()) {
      if (Date.now() > end) throw new Error('condition not met in time');
      await sleep(20);
    }
  };

  test('hands over batches of at most batchSize records shaped as Lambda shapes them, and deletes what succeeded', async () => {
    const queue = await queuePair();
    for (let i = 0; i < 7; i++) await send(queue.url, `job ${i}`);
    const events: SQSEvent[] = [];
    const { poller, reports } = poll(queue, async (event) => void events.push(event), { batchSize: 5, maximumConcurrency: 1 });
    await until(() => reports.reduce((n, r) => n + r.deleted.length, 0) === 7);
    await poller.stop();
    assert.ok(events.every((e) => e.Records.length <= 5));
    assert.deepEqual(events.flatMap((e) => e.Records.map((r) => r.body)).sort(), Array.from({ length: 7 }, (_, i) => `job ${i}`));
    const [record] = events[0]!.Records;
    assert.equal(record!.eventSource, 'aws:sqs');
    assert.equal(record!.eventSourceARN, queue.arn);
    assert.equal(record!.attributes.ApproximateReceiveCount, '1');
    assert.equal(sqs.messages(queue.name).length, 0);
  });

  test('a partial batch failure keeps only the records it names, and they come back after the visibility timeout', async () => {
    const queue = await queuePair({ visibility: 1 });
    for (const body of ['ok', 'throttled', 'ok too']) await send(queue.url, body);
    const seen: string[] = [];
    const { poller, reports } = poll(
      queue,
      async (event) => {
        seen.push(...event.Records.map((r) => `${r.body}#${r.attributes.ApproximateReceiveCount}`));
        return { batchItemFailures: event.Records.filter((r) => r.body === 'throttled' && r.attributes.ApproximateReceiveCount === '1').map((r) => ({ itemIdentifier: r.messageId })) };
      },
      { batchSize: 10, maximumConcurrency: 1 },
    );
    await until(() => seen.includes('throttled#2'));
    await until(() => sqs.messages(queue.name).length === 0);
    await poller.stop();
    assert.deepEqual(seen.sort(), ['ok too#1', 'ok#1', 'throttled#1', 'throttled#2']);
    assert.deepEqual(reports[0]!.deleted.length, 2);
  });

  test('a throw, a timeout or an unknown identifier fails the whole batch; after maxReceiveCount it is in the dead-letter queue', async () => {
    for (const [name, handler] of [
      ['throw', async () => Promise.reject(new Error('crash'))],
      ['timeout', () => new Promise<void>(() => {})],
      ['unknown identifier', async () => ({ batchItemFailures: [{ itemIdentifier: 'not-in-the-batch' }] })],
    ] as [string, SqsHandler][]) {
      const queue = await queuePair({ visibility: 0, maxReceiveCount: 2 });
      await send(queue.url, name);
      const { poller, reports } = poll(queue, handler, { functionTimeoutMs: 100 });
      await until(() => sqs.messages(queue.deadName).length === 1);
      await poller.stop();
      assert.equal(sqs.messages(queue.name).length, 0, name);
      assert.ok(reports.length >= 2 && reports.every((r) => r.failure && r.deleted.length === 0), `${name}: ${JSON.stringify(reports)}`);
    }
  });

  test('runs up to maximumConcurrency invocations at once, never more', async () => {
    const queue = await queuePair();
    for (let i = 0; i < 8; i++) await send(queue.url, `job ${i}`);
    let running = 0;
    let most = 0;
    const { poller } = poll(
      queue,
      async () => {
        most = Math.max(most, ++running);
        await sleep(100);
        running--;
      },
      { batchSize: 1, maximumConcurrency: 3 },
    );
    await until(() => sqs.messages(queue.name).length === 0);
    await poller.stop();
    assert.equal(most, 3);
  });
});
