/**
 * The job queue and its dead-letter queue as terraform/modules/queue makes them, in the local SQS, and
 * Lambda's mapping (the poller) running the worker bundle (dist/worker.mjs) over it: what the offline
 * stack, the kill test and the bench share.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { loadHandler } from '../apigateway/adapter.ts';
import { startPoller, type InvocationReport, type Poller, type SqsHandler } from './poller.ts';
import type { LocalSqs } from './server.ts';

/** The worker's settings, as Terraform gives them (defaults: modules/queue, with a shorter timeout that keeps a crashed job's wait short). */
export interface WorkerSettings {
  /** The worker function's timeout; the queue's visibility timeout is 6 times it. */
  timeoutSeconds?: number;
  maxReceiveCount?: number;
  batchSize?: number;
  maximumConcurrency?: number;
}

export const WORKER_DEFAULTS = { timeoutSeconds: 20, maxReceiveCount: 10, batchSize: 5, maximumConcurrency: 8 } satisfies Required<WorkerSettings>;

export interface JobQueues {
  url: string;
  arn: string;
  name: string;
  deadLetterName: string;
  /** What the function needs to reach the queue: JOB_QUEUE_URL, JOB_MAX_RECEIVES, and the endpoint of the local SQS. */
  env: Record<string, string>;
}

/** Creates the queue pair (idempotent, as CreateQueue is). */
export function createJobQueues(sqs: LocalSqs, name = 'voicebot-jobs', settings: WorkerSettings = {}): JobQueues {
  const { timeoutSeconds, maxReceiveCount } = { ...WORKER_DEFAULTS, ...settings };
  const deadLetterName = `${name}-dead-letter`;
  const dead = sqs.createQueue(deadLetterName);
  const queue = sqs.createQueue(name, { VisibilityTimeout: String(6 * timeoutSeconds), RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dead.arn, maxReceiveCount }) });
  return { ...queue, name, deadLetterName, env: { JOB_QUEUE_URL: queue.url, JOB_MAX_RECEIVES: String(maxReceiveCount), AWS_ENDPOINT_URL_SQS: sqs.endpoint } };
}

/** The SDK client a poller (Lambda's side) uses. */
export const sqsClient = (sqs: Pick<LocalSqs, 'endpoint' | 'region'>) => new SQSClient({ endpoint: sqs.endpoint, region: sqs.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

/** Loads the worker bundle as a cold start does (it reads `env`), and polls the queue with it. */
export async function startWorker(
  sqs: LocalSqs,
  queues: JobQueues,
  bundle: string,
  env: Record<string, string>,
  settings: WorkerSettings = {},
  onInvoke?: (report: InvocationReport) => void,
): Promise<Poller & { handler: SqsHandler }> {
  const { timeoutSeconds, batchSize, maximumConcurrency } = { ...WORKER_DEFAULTS, ...settings };
  const handler = await loadHandler<SqsHandler>(bundle, env);
  const client = sqsClient(sqs);
  const poller = startPoller({ client, queueUrl: queues.url, queueArn: queues.arn, handler, batchSize, maximumConcurrency, functionTimeoutMs: timeoutSeconds * 1000, ...(onInvoke && { onInvoke }) });
  return {
    handler,
    get invocations() {
      return poller.invocations;
    },
    async stop() {
      await poller.stop();
      client.destroy();
    },
  };
}
