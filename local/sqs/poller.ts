/**
 * Lambda's SQS event source mapping, played locally: up to `maximumConcurrency` pollers receive
 * batches of up to `batchSize` messages, each batch becomes the SQSEvent Lambda would send, the
 * worker handler runs with a Context that counts down from the function's timeout, and then:
 * - a `batchItemFailures` answer deletes every message except the ones it names;
 * - a throw, a timeout, or an answer naming a message not in the batch deletes nothing: the whole
 *   batch comes back when its visibility timeout ends (and moves to the dead-letter queue after
 *   maxReceiveCount, which the queue does);
 * - a message whose visibility the handler changed is simply not deleted when it failed.
 * It speaks to the queue through @aws-sdk/client-sqs, so it drives the local SQS and moto alike.
 */
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { lambdaContext } from '../../function/src/tools/proxy-event.ts';

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface PollerOptions {
  client: SQSClient;
  queueUrl: string;
  /** The queue's ARN, the records' eventSourceARN. */
  queueArn: string;
  handler: SqsHandler;
  batchSize?: number;
  maximumConcurrency?: number;
  /** The worker function's timeout: its Context counts down from it, and a batch still running then has failed. */
  functionTimeoutMs?: number;
  /** Long poll of each receive, in seconds; short keeps stop() quick. */
  waitTimeSeconds?: number;
  /** Called after every invocation, with which records the mapping deleted. */
  onInvoke?: (report: InvocationReport) => void;
}

export interface InvocationReport {
  messageIds: string[];
  deleted: string[];
  /** Why nothing was deleted, when the whole batch failed. */
  failure?: string;
  ms: number;
}

export interface Poller {
  /** Invocations so far. */
  readonly invocations: number;
  stop(): Promise<void>;
}

const awsRegion = (arn: string) => arn.split(':')[3] ?? 'us-east-1';

/** The record Lambda builds from a received message. */
export function sqsRecord(message: Message, queueArn: string): SQSRecord {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: awsRegion(queueArn),
  };
}

/** The message ids to keep from a handler's answer, or why the whole batch counts as failed. */
export function failedItems(response: SQSBatchResponse | void, batch: string[]): { keep: Set<string> } | { failure: string } {
  if (!response?.batchItemFailures) return { keep: new Set() };
  const keep = new Set<string>();
  for (const { itemIdentifier } of response.batchItemFailures) {
    // Lambda treats an empty, missing or unknown identifier as a failure of the whole batch.
    if (!itemIdentifier || !batch.includes(itemIdentifier)) return { failure: `batchItemFailures names ${JSON.stringify(itemIdentifier)}, not a message of the batch` };
    keep.add(itemIdentifier);
  }
  return { keep };
}

export function startPoller({ client, queueUrl, queueArn, handler, batchSize = 5, maximumConcurrency = 2, functionTimeoutMs = 60_000, waitTimeSeconds = 1, onInvoke }: PollerOptions): Poller {
  const stopping = new AbortController();
  let invocations = 0;

  async function invoke(messages: Message[]): Promise<void> {
    const started = Date.now();
    const ids = messages.map((m) => m.MessageId!);
    const event: SQSEvent = { Records: messages.map((m) => sqsRecord(m, queueArn)) };
    invocations++;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), functionTimeoutMs)));
    let verdict: { keep: Set<string> } | { failure: string };
    try {
      const response = await Promise.race([handler(event, lambdaContext(functionTimeoutMs)), timedOut]);
      verdict = response === 'timeout' ? { failure: `timed out after ${functionTimeoutMs} ms` } : failedItems(response, ids);
    } catch (error) {
      verdict = { failure: `the handler threw: ${error instanceof Error ? error.message : String(error)}` };
    } finally {
      clearTimeout(timer);
    }
    const deleted: string[] = [];
    if ('keep' in verdict) {
      for (const message of messages.filter((m) => !verdict.keep.has(m.MessageId!))) {
        await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
        deleted.push(message.MessageId!);
      }
    }
    onInvoke?.({ messageIds: ids, deleted, ...('failure' in verdict && { failure: verdict.failure }), ms: Date.now() - started });
  }

  async function poll(): Promise<void> {
    while (!stopping.signal.aborted) {
      try {
        const received = await client.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: batchSize, WaitTimeSeconds: waitTimeSeconds, MessageSystemAttributeNames: ['All'] }),
          { abortSignal: stopping.signal },
        );
        if (received.Messages?.length) await invoke(received.Messages);
      } catch (error) {
        if (stopping.signal.aborted) return;
        // As Lambda's poller does, keep polling; a queue that is gone stops nothing but this loop's luck.
        process.stderr.write(`local SQS poller: ${error instanceof Error ? error.message : String(error)}\n`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  const loops = Array.from({ length: maximumConcurrency }, () => poll());
  return {
    get invocations() {
      return invocations;
    },
    async stop() {
      stopping.abort();
      await Promise.all(loops);
    },
  };
}
