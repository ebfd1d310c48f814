/**
 * The lease an update is answered under (see UpdateLedger): what a claim that is not ours means,
 * and "done" written the moment Telegram confirms an answer, which is the whole double-voice window.
 */
import { LEASE_GRACE_MS } from './constants.ts';
import type { Claim, Deadline, Lease, LedgerEntry, Messenger, UpdateContext } from './context.ts';
import type { JobFacts } from './facts.ts';

/** An attempt stops working at its deadline; its lease lasts a little longer (clock skew, a call in flight). */
export const leaseUntil = (deadline: Deadline): number => deadline.endsAt + LEASE_GRACE_MS;

/** Why a claim that is not ours stays silent; `busy` when a live lease's holder may yet die (`until` it ends, when known). */
export function silentClaim(claim: Exclude<Claim, { status: 'claimed' }>): { reason: string; busy: boolean; until?: number } {
  if (claim.status === 'done') return { reason: `already answered${claim.attempt ? ` by attempt ${claim.attempt}` : ''}`, busy: false };
  if (claim.status === 'queued') return { reason: 'in the job queue: the worker answers it', busy: false };
  const until = claim.until ? ` until ${new Date(claim.until).toISOString()}` : '';
  return { reason: `lease live: attempt ${claim.attempt ?? '?'} in progress${until}`, busy: true, ...(claim.until && { until: claim.until }) };
}

/** Methods whose success is the update's answer: once one went through, a redelivery must not repeat it. */
const ANSWERS: ReadonlySet<string> = new Set(['sendMessage', 'sendVoice', 'sendDocument']);

/** Holds one claimed lease and writes "done" once. */
export class LeaseHolder {
  private settled?: Promise<void>;

  constructor(
    private readonly ctx: Pick<UpdateContext, 'ledger' | 'trace' | 'log' | 'deadline'>,
    private readonly entry: LedgerEntry,
    readonly lease: Lease,
  ) {}

  /** The fields every log line of this update gets: which attempt, and whether it took over. */
  get logFields(): Pick<JobFacts, 'attempt' | 'lease'> {
    return { attempt: this.lease.attempt, lease: this.lease.takenOver ? 'taken_over' : 'new' };
  }

  /** Writes "done" (once); a failure is logged, and the lease then simply expires. */
  settle(): Promise<void> {
    this.settled ??= this.write();
    return this.settled;
  }

  /**
   * Gives the lease to the job queue instead of writing "done": the worker's claim takes it from there.
   * A failure is logged; the lease then expires, and the worker (or a redelivery) takes it over.
   */
  async handOff(): Promise<void> {
    const { ledger, trace, log } = this.ctx;
    try {
      const signal = AbortSignal.timeout(Math.max(1, this.lease.until - Date.now()));
      const handed = await trace.time('s3', ledger.handOff(this.entry, this.lease, signal));
      if (!handed) trace.note({ lease_lost: true });
    } catch (error) {
      log.warn('update not handed to the job queue; its lease will expire', { update_id: trace.updateId, ...this.logFields, error });
    }
  }

  private async write(): Promise<void> {
    const { ledger, trace, log } = this.ctx;
    const started = performance.now();
    try {
      // Until the lease ends, not the deadline: an answer already delivered must be recorded if at all
      // possible, or a takeover answers again. A write that loses the race to a takeover fails its If-Match.
      const signal = this.ctx.deadline.signalAt(this.lease.until, 'the lease had ended');
      const recorded = await trace.time('s3', ledger.complete(this.entry, this.lease, signal));
      // From Telegram's confirmation (or the end of a silent update) to "done" stored: the window in which a death means a second answer.
      trace.note({ done_ms: Math.round((performance.now() - started) * 10) / 10, ...(!recorded && { lease_lost: true }) });
      if (!recorded) log.warn('lease taken over before done', { update_id: trace.updateId, ...this.logFields });
    } catch (error) {
      this.settled = undefined;
      log.warn('update not marked done', { update_id: trace.updateId, ...this.logFields, error });
    }
  }
}

/** The messenger, but an answer that went through is marked done before anything else happens. */
export function settlingMessenger(messenger: Messenger, holder: LeaseHolder): Messenger {
  return {
    username: (options) => messenger.username(options),
    download: (fileId, maxBytes, options) => messenger.download(fileId, maxBytes, options),
    async call(method, params, options) {
      const result = await messenger.call(method, params, options);
      if (ANSWERS.has(method)) await holder.settle();
      return result;
    },
    async upload(method, fields, file, options) {
      const sent = await messenger.upload(method, fields, file, options);
      await holder.settle();
      return sent;
    },
  };
}
