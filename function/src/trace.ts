import type { JobFacts, JobLine, Outcome, PollyCount, Stage, StageTimings, Trace } from './facts.ts';

/** What happened to one job, gathered on the way and logged as one line at the end. */
export class JobTrace implements Trace {
  private readonly started = Date.now();
  private readonly timings: StageTimings = { polly_ms: 0, s3_ms: 0, telegram_ms: 0, sqs_ms: 0 };
  readonly facts: JobFacts = {};
  readonly polly: PollyCount = { requests: 0, errors: 0, characters: 0 };
  failedStage?: Stage;

  constructor(
    readonly updateId: number,
    readonly chatId?: number,
  ) {}

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

  note(facts: JobFacts): void {
    Object.assign(this.facts, facts);
  }

  finish(outcome: Outcome, reason?: string): JobLine {
    return {
      update_id: this.updateId,
      chat_id: this.chatId,
      outcome,
      ...(reason && { reason }),
      ...this.facts,
      ...this.timings,
      total_ms: Date.now() - this.started,
    };
  }
}
