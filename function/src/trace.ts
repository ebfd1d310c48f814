/** What happened to one update, gathered on the way and logged as one line at the end. */

export type Stage = 'polly' | 's3' | 'telegram';
/** inline_answered: an inline query got its result; voice_served and refused: a voice URL was fetched. */
export type Outcome = 'voice_sent' | 'text_sent' | 'ignored' | 'failed' | 'inline_answered' | 'voice_served' | 'refused';

export class UpdateTrace {
  private readonly started = Date.now();
  private readonly timings: Record<`${Stage}_ms`, number> = { polly_ms: 0, s3_ms: 0, telegram_ms: 0 };
  readonly fields: Record<string, unknown> = {};
  /** What Polly was asked, for the metrics: counted where the requests are made. */
  readonly polly = { requests: 0, errors: 0, characters: 0 };
  /** The stage whose wait failed last: what an apology is blamed on. */
  failedStage?: Stage;

  constructor(
    readonly updateId: number,
    readonly chatId?: number,
  ) {}

  /** Runs `work` and adds its wall time to the stage's total. */
  async time<T>(stage: Stage, work: Promise<T>): Promise<T> {
    const start = performance.now();
    try {
      return await work;
    } catch (error) {
      this.failedStage = stage;
      throw error;
    } finally {
      this.timings[`${stage}_ms`] += Math.round(performance.now() - start);
    }
  }

  set(fields: Record<string, unknown>): void {
    Object.assign(this.fields, fields);
  }

  finish(outcome: Outcome, reason?: string): Record<string, unknown> {
    return {
      update_id: this.updateId,
      chat_id: this.chatId,
      outcome,
      ...(reason && { reason }),
      ...this.fields,
      ...this.timings,
      total_ms: Date.now() - this.started,
    };
  }
}
