import { API_GATEWAY_TIMEOUT_MS } from './constants.ts';
import type { Deadline as JobDeadline } from './context.ts';

class DeadlineExceededError extends Error {
  override name = 'DeadlineExceededError';
}

/** The moment by which the webhook must have answered (or the worker finished); work that cannot finish by then is cut off. */
export class Deadline implements JobDeadline {
  constructor(
    readonly endsAt: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * API Gateway gives up 29 s after it received the request (its `requestTimeEpoch`),
   * and Lambda stops the function at its own timeout: whichever comes first.
   */
  static forRequest(requestTimeEpoch: number | undefined, lambdaRemainingMs: number | undefined, now = Date.now): Deadline {
    const current = now();
    const gateway = (requestTimeEpoch && requestTimeEpoch <= current ? requestTimeEpoch : current) + API_GATEWAY_TIMEOUT_MS;
    const lambda = lambdaRemainingMs !== undefined && lambdaRemainingMs > 0 ? current + lambdaRemainingMs : Infinity;
    return new Deadline(Math.min(gateway, lambda), now);
  }

  /** A worker's invocation has no gateway in front: Lambda's timeout is the deadline of its whole batch. */
  static forInvocation(lambdaRemainingMs: number, now = Date.now): Deadline {
    return new Deadline(now() + lambdaRemainingMs, now);
  }

  remainingMs(reserveMs = 0): number {
    return Math.max(0, this.endsAt - reserveMs - this.now());
  }

  /** A signal that aborts when only `reserveMs` are left. */
  signal(reserveMs = 0): AbortSignal {
    const remaining = this.remainingMs(reserveMs);
    if (remaining > 0) return AbortSignal.timeout(remaining);
    return AbortSignal.abort(new DeadlineExceededError(`deadline reached with ${reserveMs} ms to spare`));
  }
}
