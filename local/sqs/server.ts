/**
 * A local Amazon SQS in the JSON protocol that @aws-sdk/client-sqs speaks (X-Amz-Target
 * AmazonSQS.*, application/x-amz-json-1.0, MD5s of every body), with what the bot's queue relies on:
 * visibility timeouts, ChangeMessageVisibility, receive counts, long polling, and a redrive policy that
 * moves a message to its dead-letter queue once it has been received maxReceiveCount times.
 * Messages live in memory; `events` tells a test or the demo's log panel what happened to each.
 */
import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const ACCOUNT = '000000000000';
/** SQS's own limits. */
const MAX_BODY_BYTES = 262_144;
const MAX_VISIBILITY_SECONDS = 43_200;
const MAX_WAIT_SECONDS = 20;
const MAX_RECEIVE_BATCH = 10;
/** How often a long poll looks again for a message that became visible. */
const LONG_POLL_TICK_MS = 20;

export interface QueueAttributes {
  /** Seconds a received message stays hidden (default 30). */
  VisibilityTimeout?: string;
  MessageRetentionPeriod?: string;
  DelaySeconds?: string;
  ReceiveMessageWaitTimeSeconds?: string;
  /** JSON: {"deadLetterTargetArn": "...", "maxReceiveCount": N}. */
  RedrivePolicy?: string;
}

export interface LocalMessage {
  messageId: string;
  body: string;
  sentAt: number;
  /** Epoch ms from which the message can be received. */
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** The handle of the latest receive: only it deletes or changes the visibility. */
  receiptHandle?: string;
}

interface Queue {
  name: string;
  arn: string;
  url: string;
  attributes: QueueAttributes;
  messages: LocalMessage[];
}

/** What happened to a message, for tests and the demo's log. */
export type QueueEvent =
  | { kind: 'sent'; queue: string; messageId: string; body: string; delaySeconds: number }
  | { kind: 'received'; queue: string; messageId: string; receiveCount: number; visibilitySeconds: number }
  | { kind: 'visibility'; queue: string; messageId: string; visibilitySeconds: number }
  | { kind: 'deleted'; queue: string; messageId: string }
  | { kind: 'dead-lettered'; queue: string; messageId: string; deadLetterQueue: string; receiveCount: number };

export interface LocalSqs {
  /** http://127.0.0.1:PORT, for AWS_ENDPOINT_URL_SQS. */
  endpoint: string;
  region: string;
  /** Creates (or finds) a queue, as CreateQueue does; returns its URL. */
  createQueue(name: string, attributes?: QueueAttributes): { url: string; arn: string };
  /** The messages a queue holds now, in flight or not. */
  messages(name: string): LocalMessage[];
  /** One QueueEvent per step of every message's trip. */
  events: EventEmitter<{ event: [QueueEvent] }>;
  /** Every operation called, in order (X-Amz-Target without its prefix). */
  operations: string[];
  /** The size of every receive that returned messages, in order: a poller's invocations. */
  batches: number[];
  close(): Promise<void>;
}

class SqsError extends Error {
  override name = 'SqsError';
  constructor(
    readonly type: string,
    readonly queryCode: string,
    message: string,
  ) {
    super(message);
  }
}

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');
const seconds = (value: unknown, name: string, max: number): number => {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > max) throw invalid(`Value ${String(value)} for parameter ${name} is invalid. Reason: must be between 0 and ${max}.`);
  return number;
};
const invalid = (message: string) => new SqsError('com.amazonaws.sqs#InvalidParameterValue', 'InvalidParameterValue', message);

export async function startSqs({ port = 0, region = 'eu-west-1' } = {}): Promise<LocalSqs> {
  const queues = new Map<string, Queue>();
  const events = new EventEmitter<{ event: [QueueEvent] }>();
  const operations: string[] = [];
  const batches: number[] = [];
  let endpoint = '';
  let closed = false;

  const emit = (event: QueueEvent) => events.emit('event', event);

  function createQueue(name: string, attributes: QueueAttributes = {}): Queue {
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) throw invalid(`Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length: ${name}`);
    const existing = queues.get(name);
    if (existing) return existing;
    const queue: Queue = { name, arn: `arn:aws:sqs:${region}:${ACCOUNT}:${name}`, url: `${endpoint}/${ACCOUNT}/${name}`, attributes: { ...attributes }, messages: [] };
    queues.set(name, queue);
    return queue;
  }

  function queueAt(url: unknown): Queue {
    const name = typeof url === 'string' ? url.split('/').filter(Boolean).at(-1) : undefined;
    const queue = name ? queues.get(name) : undefined;
    if (!queue) throw new SqsError('com.amazonaws.sqs#QueueDoesNotExist', 'AWS.SimpleQueueService.NonExistentQueue', 'The specified queue does not exist.');
    return queue;
  }

  const visibilityOf = (queue: Queue) => Number(queue.attributes.VisibilityTimeout ?? 30);

  /** The message a receipt handle names; `stale` when the message was received again since. */
  function byHandle(queue: Queue, handle: unknown): { message?: LocalMessage; stale: boolean } {
    if (typeof handle !== 'string' || !handle) throw new SqsError('com.amazonaws.sqs#ReceiptHandleIsInvalid', 'ReceiptHandleIsInvalid', 'The input receipt handle is invalid.');
    const messageId = handle.split(':')[0];
    const message = queue.messages.find((m) => m.messageId === messageId);
    return { ...(message && { message }), stale: message?.receiptHandle !== handle };
  }

  /** Moves what was received maxReceiveCount times to the dead-letter queue, as SQS does on the next receive. */
  function redrive(queue: Queue, message: LocalMessage): boolean {
    if (!queue.attributes.RedrivePolicy) return false;
    const { deadLetterTargetArn, maxReceiveCount } = JSON.parse(queue.attributes.RedrivePolicy) as { deadLetterTargetArn: string; maxReceiveCount: number | string };
    if (message.receiveCount < Number(maxReceiveCount)) return false;
    const target = [...queues.values()].find((q) => q.arn === deadLetterTargetArn);
    if (!target) return false;
    queue.messages.splice(queue.messages.indexOf(message), 1);
    const { receiptHandle: _handle, firstReceivedAt: _first, ...kept } = message;
    target.messages.push({ ...kept, visibleAt: Date.now(), receiveCount: 0 });
    emit({ kind: 'dead-lettered', queue: queue.name, messageId: message.messageId, deadLetterQueue: target.name, receiveCount: message.receiveCount });
    return true;
  }

  function take(queue: Queue, max: number, visibilitySeconds: number): LocalMessage[] {
    const now = Date.now();
    const taken: LocalMessage[] = [];
    for (const message of [...queue.messages]) {
      if (taken.length >= max) break;
      if (message.visibleAt > now || redrive(queue, message)) continue;
      message.receiveCount++;
      message.firstReceivedAt ??= now;
      message.receiptHandle = `${message.messageId}:${randomUUID()}`;
      message.visibleAt = now + visibilitySeconds * 1000;
      taken.push(message);
      emit({ kind: 'received', queue: queue.name, messageId: message.messageId, receiveCount: message.receiveCount, visibilitySeconds });
    }
    return taken;
  }

  type Params = Record<string, unknown>;
  const handlers: Record<string, (params: Params) => Promise<object> | object> = {
    CreateQueue: ({ QueueName, Attributes }) => ({ QueueUrl: createQueue(String(QueueName), (Attributes ?? {}) as QueueAttributes).url }),
    GetQueueUrl: ({ QueueName }) => ({ QueueUrl: queueAt(`/${String(QueueName)}`).url }),
    ListQueues: () => ({ QueueUrls: [...queues.values()].map((q) => q.url) }),
    GetQueueAttributes: ({ QueueUrl }) => {
      const queue = queueAt(QueueUrl);
      const now = Date.now();
      return {
        Attributes: {
          ...queue.attributes,
          QueueArn: queue.arn,
          VisibilityTimeout: String(visibilityOf(queue)),
          ApproximateNumberOfMessages: String(queue.messages.filter((m) => m.visibleAt <= now).length),
          ApproximateNumberOfMessagesNotVisible: String(queue.messages.filter((m) => m.visibleAt > now && m.receiveCount > 0).length),
          ApproximateNumberOfMessagesDelayed: String(queue.messages.filter((m) => m.visibleAt > now && m.receiveCount === 0).length),
        },
      };
    },
    SetQueueAttributes: ({ QueueUrl, Attributes }) => {
      Object.assign(queueAt(QueueUrl).attributes, Attributes);
      return {};
    },
    SendMessage: ({ QueueUrl, MessageBody, DelaySeconds, MessageAttributes }) => {
      const queue = queueAt(QueueUrl);
      if (typeof MessageBody !== 'string' || !MessageBody) throw new SqsError('com.amazonaws.sqs#MissingParameter', 'MissingParameter', 'The request must contain the parameter MessageBody.');
      if (Buffer.byteLength(MessageBody) > MAX_BODY_BYTES) throw invalid(`One or more parameters are invalid. Reason: Message must be shorter than ${MAX_BODY_BYTES} bytes.`);
      // Their MD5 has an algorithm of its own; the bot sends none, so none is computed.
      if (MessageAttributes && Object.keys(MessageAttributes).length) throw invalid('The local SQS does not take message attributes.');
      const delaySeconds = seconds(DelaySeconds ?? queue.attributes.DelaySeconds ?? 0, 'DelaySeconds', 900);
      const message: LocalMessage = { messageId: randomUUID(), body: MessageBody, sentAt: Date.now(), visibleAt: Date.now() + delaySeconds * 1000, receiveCount: 0 };
      queue.messages.push(message);
      emit({ kind: 'sent', queue: queue.name, messageId: message.messageId, body: MessageBody, delaySeconds });
      return { MessageId: message.messageId, MD5OfMessageBody: md5(MessageBody) };
    },
    ReceiveMessage: async ({ QueueUrl, MaxNumberOfMessages, VisibilityTimeout, WaitTimeSeconds, AttributeNames, MessageSystemAttributeNames }) => {
      const queue = queueAt(QueueUrl);
      const max = MaxNumberOfMessages === undefined ? 1 : Number(MaxNumberOfMessages);
      if (!Number.isInteger(max) || max < 1 || max > MAX_RECEIVE_BATCH) throw invalid(`Value ${String(MaxNumberOfMessages)} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`);
      const visibility = VisibilityTimeout === undefined ? visibilityOf(queue) : seconds(VisibilityTimeout, 'VisibilityTimeout', MAX_VISIBILITY_SECONDS);
      const wait = seconds(WaitTimeSeconds ?? queue.attributes.ReceiveMessageWaitTimeSeconds ?? 0, 'WaitTimeSeconds', MAX_WAIT_SECONDS);
      const until = Date.now() + wait * 1000;
      let taken = take(queue, max, visibility);
      while (!taken.length && !closed && Date.now() < until) {
        await sleep(LONG_POLL_TICK_MS);
        taken = take(queue, max, visibility);
      }
      const names = new Set([...((AttributeNames as string[] | undefined) ?? []), ...((MessageSystemAttributeNames as string[] | undefined) ?? [])]);
      const wanted = (name: string) => names.has('All') || names.has(name);
      // An empty receive answers {} (no Messages), as SQS does.
      if (!taken.length) return {};
      batches.push(taken.length);
      return {
        Messages: taken.map((m) => ({
          MessageId: m.messageId,
          ReceiptHandle: m.receiptHandle,
          MD5OfBody: md5(m.body),
          Body: m.body,
          Attributes: Object.fromEntries(
            Object.entries({
              ApproximateReceiveCount: String(m.receiveCount),
              SentTimestamp: String(m.sentAt),
              ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt),
              SenderId: ACCOUNT,
            }).filter(([name]) => wanted(name)),
          ),
        })),
      };
    },
    DeleteMessage: ({ QueueUrl, ReceiptHandle }) => {
      const queue = queueAt(QueueUrl);
      const { message, stale } = byHandle(queue, ReceiptHandle);
      // SQS: a handle from an earlier receive succeeds but deletes nothing.
      if (message && !stale) {
        queue.messages.splice(queue.messages.indexOf(message), 1);
        emit({ kind: 'deleted', queue: queue.name, messageId: message.messageId });
      }
      return {};
    },
    ChangeMessageVisibility: ({ QueueUrl, ReceiptHandle, VisibilityTimeout }) => {
      const queue = queueAt(QueueUrl);
      const visibilitySeconds = seconds(VisibilityTimeout, 'VisibilityTimeout', MAX_VISIBILITY_SECONDS);
      const { message, stale } = byHandle(queue, ReceiptHandle);
      if (!message || stale || message.visibleAt <= Date.now()) {
        throw new SqsError('com.amazonaws.sqs#MessageNotInflight', 'AWS.SimpleQueueService.MessageNotInflight', 'The message referred to is not in flight.');
      }
      message.visibleAt = Date.now() + visibilitySeconds * 1000;
      emit({ kind: 'visibility', queue: queue.name, messageId: message.messageId, visibilitySeconds });
      return {};
    },
  };

  const reply = (res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': randomUUID(), ...headers });
    res.end(JSON.stringify(body));
  };

  const server = createServer(async (req, res) => {
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith('AmazonSQS.') ? target.slice('AmazonSQS.'.length) : '';
    operations.push(operation || target);
    try {
      const handle = Object.hasOwn(handlers, operation) ? handlers[operation] : undefined;
      if (!handle) throw new SqsError('com.amazonaws.sqs#UnsupportedOperation', 'AWS.SimpleQueueService.UnsupportedOperation', `The local SQS does not support ${target || 'a request without X-Amz-Target'}.`);
      let params: Params;
      try {
        params = JSON.parse(Buffer.concat(parts).toString('utf8') || '{}') as Params;
      } catch {
        throw invalid('The request body is not valid JSON.');
      }
      reply(res, 200, await handle(params));
    } catch (error) {
      if (!(error instanceof SqsError)) throw error;
      // The JSON protocol's error shape; x-amzn-query-error carries the code the query protocol had.
      reply(res, 400, { __type: error.type, message: error.message }, { 'x-amzn-query-error': `${error.queryCode};Sender` });
    }
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    endpoint,
    region,
    createQueue(name, attributes) {
      const { url, arn } = createQueue(name, attributes);
      return { url, arn };
    },
    messages: (name) => [...(queues.get(name)?.messages ?? [])],
    events,
    operations,
    batches,
    close: () =>
      new Promise((resolve) => {
        closed = true;
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
