/**
 * The voice job, the same behind every door (a webhook update, a fetched inline voice, a queued job):
 * everything between "this update or link is ours" and "the audio is delivered". Its steps are here,
 * once: the frame that keeps the job's facts and writes its one log line with the metrics (runJob),
 * the lease and the rate limit (claimJob, overRateLimit), and the voice itself: cache, budget,
 * synthesis, store, delivery (makeVoice). How the voice reaches the user is a VoiceDelivery the door's
 * handler picks (voice/delivery.ts); what the outcome means to the caller (a status code, a webhook
 * answer, a batch item failure) only the door knows.
 */
import { DEADLINE_RESERVE_MS } from '../constants.ts';
import type { BotDeps, CachedAudio, Claim, ClaimOptions, Deadline, LedgerEntry, UpdateContext } from '../context.ts';
import type { Outcome } from '../facts.ts';
import { LeaseHolder, leaseUntil } from '../lease.ts';
import { meteredSynthesizer, withMetrics } from '../metrics.ts';
import type { VoiceChoice } from '../speech/choose.ts';
import { JobTrace } from '../trace.ts';
import { OverBudgetError } from './budget.ts';
import { synthesizeAndStore } from './synthesis.ts';

/** Who a job is for, and what its log line is about: `<subject> handled`, or `<subject> failed`. */
export interface JobSubject {
  subject: string;
  updateId: number;
  chatId?: number;
}

/** How a job ended, and what its door is to make of it. */
export interface Finished<R> {
  outcome: Outcome;
  reason?: string;
  result: R;
}

/** A job that threw has no result: its door answers as for any failure. */
export type JobResult<R> = Finished<R> | { outcome: 'failed'; result?: undefined };

/**
 * Runs one job with its trace, Polly metered on it, and writes the job's one log line with its
 * metrics, whatever happened. Never throws: a failure is logged with its error and ends `failed`.
 */
export async function runJob<R>(deps: BotDeps, { subject, updateId, chatId }: JobSubject, deadline: Deadline, work: (ctx: UpdateContext) => Promise<Finished<R>>): Promise<JobResult<R>> {
  const trace = new JobTrace(updateId, chatId);
  const line = (outcome: Outcome, reason?: string) => withMetrics(trace.finish(outcome, reason), trace, deps.config.functionName);
  try {
    const finished = await work({ ...deps, synthesizer: meteredSynthesizer(deps.synthesizer, trace), deadline, trace });
    deps.log.info(`${subject} handled`, line(finished.outcome, finished.reason));
    return finished;
  } catch (error) {
    deps.log.error(`${subject} failed`, { ...line('failed'), error });
    return { outcome: 'failed' };
  }
}

/** What the ledger says of a job: ours now (its lease held), or another attempt's, live or answered. */
export type Admission = { ours: true; lease: LeaseHolder } | { ours: false; claim: Exclude<Claim, { status: 'claimed' }> };

/** Claims the job's ledger entry until its deadline (and grace); a lease won is on the line's facts. */
export async function claimJob(ctx: UpdateContext, entry: LedgerEntry, signal: AbortSignal, options?: ClaimOptions): Promise<Admission> {
  const claim = await ctx.trace.time('s3', ctx.ledger.claim(entry, leaseUntil(ctx.deadline), signal, options));
  if (claim.status !== 'claimed') return { ours: false, claim };
  const lease = new LeaseHolder(ctx, entry, claim.lease);
  ctx.trace.note(lease.logFields);
  return { ours: true, lease };
}

/**
 * The chat's count in its minute (read alongside the claim) when it is over the per-minute limit;
 * undefined when it is within, or when nothing was counted.
 */
export async function overRateLimit(ctx: UpdateContext, count: Promise<number> | undefined): Promise<number | undefined> {
  if (!count) return undefined;
  const counted = await ctx.trace.time('s3', count);
  if (counted <= ctx.config.rateLimitPerMinute) return undefined;
  ctx.trace.note({ refused: 'rate_limit' });
  return counted;
}

/** What to read, in which voice and at what speed, where its audio lives, and (when looked up ahead) whether the store has it. */
export interface Speech {
  text: string;
  choice: Pick<VoiceChoice, 'voice' | 'engine'> & Partial<Pick<VoiceChoice, 'language' | 'source'>>;
  /** Percent; undefined: the voice's own. */
  speed?: number;
  key: string;
  stored?: Promise<CachedAudio | undefined>;
}

/** How a voice reaches the user: the door's handler picks one (voice/delivery.ts). */
export interface VoiceDelivery<R> {
  /** Delivers without the store when it can (a voice Telegram already holds); undefined when it cannot. */
  known?(ctx: UpdateContext, key: string): Promise<R | undefined>;
  /** Shown while Polly works; its failure must not cost the user the voice. */
  whileSynthesizing?(ctx: UpdateContext): Promise<void>;
  deliver(ctx: UpdateContext, audio: CachedAudio): Promise<R>;
}

/** A voice delivered, or a text the day's character budget cannot pay for (nothing was sent to Polly). */
export type Voiced<R> = { kind: 'delivered'; result: R } | { kind: 'over_budget' };

/**
 * The voice itself: what Telegram or the store already has, or the budget reserved and the text
 * synthesized into the store; then delivered. Failures throw, blamed on the stage that failed.
 */
export async function makeVoice<R>(ctx: UpdateContext, speech: Speech, delivery: VoiceDelivery<R>): Promise<Voiced<R>> {
  const { text, choice, speed, key } = speech;
  ctx.trace.note({ voice: choice.voice, engine: choice.engine, language: choice.language, voice_source: choice.source, speed, text_chars: text.length });
  const known = await delivery.known?.(ctx, key);
  if (known !== undefined) return { kind: 'delivered', result: known };
  const cached = await ctx.trace.time('s3', speech.stored ?? ctx.audioStore.find(key, ctx.deadline.signal(DEADLINE_RESERVE_MS)));
  if (cached) ctx.trace.note({ cache: 's3' });
  let audio = cached;
  try {
    audio ??= await synthesizeAndStore(ctx, { text, voice: choice.voice, engine: choice.engine, speed }, key, delivery.whileSynthesizing);
  } catch (error) {
    if (!(error instanceof OverBudgetError)) throw error;
    ctx.trace.note({ refused: 'budget' });
    return { kind: 'over_budget' };
  }
  ctx.trace.note({ audio_bytes: audio.bytes, duration_s: Math.round(audio.durationSeconds * 10) / 10 });
  return { kind: 'delivered', result: await delivery.deliver(ctx, audio) };
}
