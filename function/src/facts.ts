/**
 * What one job (an update, or a fetched inline voice) found out on its way, as one typed record:
 * the log line prints it and the metrics (metrics.ts) read it, so a fact renamed in one place is a
 * type error in the other. The names are the log line's field names (docs/metrics.md). Types only.
 */

export type Stage = 'polly' | 's3' | 'telegram' | 'sqs';
/** inline_answered: an inline query got its result; voice_served: a fetched inline voice was returned. */
/** queued: handed to the job queue (by the webhook), or back to it for later (by the worker). */
/** continued: a document's reading stopped for the worker's time, and goes on in a fresh job. */
export type Outcome = 'voice_sent' | 'text_sent' | 'ignored' | 'failed' | 'inline_answered' | 'voice_served' | 'refused' | 'queued' | 'continued';
export type RefusalReason = 'rate_limit' | 'allowlist' | 'budget';
export type ErrorKind = Stage | 'internal';
/** Where a voice came from without Polly: the audio store, or a Telegram file_id. */
export type CacheSource = 'miss' | 's3' | 'telegram';
/** How the answer reached the user: a voice sent by URL, upload, as a document or by file_id; the webhook's own response; the voice route's. */
export type DeliveryKind = 'url' | 'upload' | 'document' | 'file_id' | 'webhook_response' | 'inline';

export interface JobFacts {
  /** The Telegram user of an inline query. */
  user_id?: number;
  /** The lease: which attempt, whether it took an expired one over, how long "done" took to store, and whether it was lost meanwhile. */
  attempt?: number;
  lease?: 'new' | 'taken_over';
  done_ms?: number;
  lease_lost?: boolean;
  /** Who read the text and why. */
  voice?: string;
  engine?: 'neural' | 'standard';
  language?: string;
  voice_source?: 'chat' | 'language' | 'default';
  /** The reading speed in percent, when not the voice's own. */
  speed?: number;
  text_chars?: number;
  /** The day's character count after this job, and the cap. */
  budget_used?: number;
  budget_limit?: number;
  /** Polly requests the text was split into. */
  parts?: number;
  cache?: CacheSource;
  audio_bytes?: number;
  duration_s?: number;
  delivery?: DeliveryKind;
  refused?: RefusalReason;
  error_kind?: ErrorKind;
  /** Why a failure was not told to the user. */
  silent?: string;
  /** Why the job went to the queue: Polly throttled it, the invocation ran out of time, or it is a document (read by the worker). */
  queued?: 'throttled' | 'out_of_time' | 'document';
  /** A document: how it was read, its size, and how far its reading got. */
  document_format?: 'text' | 'markdown' | 'epub' | 'pdf';
  document_bytes?: number;
  encoding?: string;
  /** Parts found stored when this job began (a resumed reading), and stored when it ended. */
  parts_stored_before?: number;
  parts_stored?: number;
  /** Voices the document is delivered in, and how many of them were sent when this job ended. */
  voices?: number;
  voices_sent?: number;
  /** The worker's receive of this job (SQS ApproximateReceiveCount). */
  receive?: number;
}

export type StageTimings = Record<`${Stage}_ms`, number>;

/** What Polly was asked, counted where the requests are made. */
export interface PollyCount {
  requests: number;
  errors: number;
  characters: number;
}

/** The one log line of a job, before its metrics are added. */
export interface JobLine extends JobFacts, StageTimings {
  update_id: number;
  chat_id?: number;
  outcome: Outcome;
  reason?: string;
  total_ms: number;
}

/** Gathers a job's facts and the time it waits on each service. */
export interface Trace {
  readonly updateId: number;
  readonly facts: Readonly<JobFacts>;
  readonly polly: PollyCount;
  /** The stage whose wait failed last: what a failure is blamed on. */
  readonly failedStage?: Stage;
  /** Runs `work` and adds its wall time to the stage's total. */
  time<T>(stage: Stage, work: Promise<T>): Promise<T>;
  note(facts: JobFacts): void;
  finish(outcome: Outcome, reason?: string): JobLine;
}
