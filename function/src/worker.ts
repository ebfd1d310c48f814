/**
 * Lambda entry point for the job queue's event source mapping (SQS), the worker's door: the only
 * module that knows the SQS event. Each record is a job the webhook could not finish, or a document
 * to read (only this bundle carries documents/reading.ts and its decoding); the jobs of a
 * batch run one after another, so each invocation keeps at most one job's Polly requests in flight and
 * the mapping's maximum concurrency paces the whole queue to Polly's quota (terraform/modules/queue).
 * A job to come back later (Polly throttled it, or another attempt holds its lease) is reported in
 * batchItemFailures with its visibility set to a jittered backoff; after a throttle, the rest of the
 * batch goes back too instead of meeting the same quota. What outlives an invocation is in container.ts,
 * loaded by the first invocation, so that answerBatch runs over any ports (the unit tests' in-memory ones).
 */
import type { Context, SQSBatchItemFailure, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Update } from '@grammyjs/types';
import { answerQueuedJob, type QueuedAnswer } from './bot.ts';
import { JOB_BACKOFF_BASE_SECONDS, JOB_BACKOFF_MAX_SECONDS, WORKER_JOB_MIN_MS } from './constants.ts';
import type { BotDeps, Deadline as JobDeadline, JobQueue } from './context.ts';
import { Deadline } from './deadline.ts';
import { documentReader } from './documents/reading.ts';

class MalformedJobError extends Error {
  override name = 'MalformedJobError';
}

/** Seconds a job waits before its next receive: exponential in its receives, half of it random, so retries spread out. */
export function backoffSeconds(receive: number, random = Math.random): number {
  const ceiling = Math.min(JOB_BACKOFF_MAX_SECONDS, JOB_BACKOFF_BASE_SECONDS * 2 ** Math.max(0, receive - 1));
  return Math.max(1, Math.round(ceiling / 2 + random() * (ceiling / 2)));
}

/** How long a job waits: its backoff, but no longer than a live lease it waits for lasts. */
const waitSeconds = (answer: Extract<QueuedAnswer, { kind: 'later' }>, receive: number) =>
  Math.max(1, Math.min(backoffSeconds(receive), answer.until ? Math.ceil((answer.until - Date.now()) / 1000) : Infinity));

function jobOf(record: SQSRecord): { update: Update } {
  const job = JSON.parse(record.body) as { update?: Update };
  if (typeof job.update?.update_id !== 'number') throw new MalformedJobError('the job has no update');
  return { update: job.update };
}

export async function handler(event: SQSEvent, context?: Context): Promise<SQSBatchResponse> {
  const deadline = Deadline.forInvocation(context?.getRemainingTimeInMillis?.() ?? 60_000);
  try {
    const { config, credentials, depsFor, log } = await import('./container.ts');
    // Without the bot token nothing can be sent: the whole batch comes back after its visibility timeout.
    const current = await credentials.current();
    log.redact(current.botToken, current.webhookSecret);
    const deps = depsFor(current.botToken);
    if (!deps.jobQueue) throw new Error('JOB_QUEUE_URL is not set: the worker cannot hand a job back to its queue');
    return await answerBatch({ ...deps, jobQueue: deps.jobQueue }, event, deadline, config.jobMaxReceives);
  } finally {
    // Lambda freezes the container once the batch is answered: no timer of this one may fire in the next.
    deadline.release();
  }
}

/** Works through one batch in order; the records to come back are the answer, each with its visibility changed. */
export async function answerBatch(deps: BotDeps & { jobQueue: JobQueue }, event: SQSEvent, deadline: JobDeadline, jobMaxReceives?: number): Promise<SQSBatchResponse> {
  const { log, jobQueue } = deps;
  const failures: SQSBatchItemFailure[] = [];
  /** Set once Polly throttled a job: the rest of the batch would meet the same quota. */
  let backOff = false;

  const later = async (record: SQSRecord, seconds: number) => {
    failures.push({ itemIdentifier: record.messageId });
    // A failed change leaves the queue's own visibility timeout: later, but never lost.
    await jobQueue.retryLater(record.receiptHandle, seconds).catch((error: unknown) => log.warn('job visibility not changed', { message_id: record.messageId, error }));
  };

  for (const record of event.Records) {
    const receive = Number(record.attributes.ApproximateReceiveCount) || 1;
    // Not enough time left for a job: the rest comes back at once, for the next invocation.
    if (deadline.remainingMs() < WORKER_JOB_MIN_MS) {
      log.warn('job handed back: too little time left in this invocation', { message_id: record.messageId, remaining_ms: deadline.remainingMs() });
      await later(record, 0);
      continue;
    }
    if (backOff) {
      await later(record, backoffSeconds(receive));
      continue;
    }
    let job;
    try {
      job = jobOf(record);
    } catch (error) {
      // Nothing any retry could fix: dropped (deleted), and said so.
      log.error('job dropped', { message_id: record.messageId, error: error instanceof SyntaxError ? new MalformedJobError(error.message) : error });
      continue;
    }
    const lastReceive = jobMaxReceives !== undefined && receive >= jobMaxReceives;
    // A document that runs out of time goes on as a new message: its receives count only its throttles.
    const readDocument = documentReader((signal) => jobQueue.enqueue(job, signal));
    const answer = await answerQueuedJob(deps, job, deadline, { receive, lastReceive, readDocument });
    if (answer.kind === 'done') continue;
    backOff ||= answer.why === 'throttled';
    await later(record, waitSeconds(answer, receive));
  }
  return { batchItemFailures: failures };
}
