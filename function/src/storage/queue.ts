import { ChangeMessageVisibilityCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { JobQueue, QueuedJob } from '../context.ts';

/**
 * The job queue over Amazon SQS: a job is the update as JSON (well under SQS's 256 KiB, since a text
 * message is at most 4,096 characters). The client uses the queue URL as its endpoint, so the one
 * variable JOB_QUEUE_URL names the queue on AWS, in moto and in the local stand-in alike.
 */
export class SqsJobQueue implements JobQueue {
  /** Made on first use: the fast path never touches the queue, and a cold start need not build its client. */
  private client?: SQSClient;

  constructor(
    private readonly region: string,
    private readonly queueUrl: string,
  ) {}

  private get sqs(): SQSClient {
    this.client ??= new SQSClient({ region: this.region });
    return this.client;
  }

  async enqueue(job: QueuedJob, signal?: AbortSignal): Promise<void> {
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify(job) }), { abortSignal: signal });
  }

  async retryLater(receiptHandle: string, seconds: number): Promise<void> {
    await this.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: this.queueUrl, ReceiptHandle: receiptHandle, VisibilityTimeout: Math.round(seconds) }));
  }
}
