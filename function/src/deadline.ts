import { API_GATEWAY_TIMEOUT_MS } from './constants.ts';
import type { Deadline as JobDeadline } from './context.ts';

class DeadlineExceededError extends Error {
  override name = 'DeadlineExceededError';
}

/**
 * The moment by which the webhook must have answered (or the worker finished its batch); work that
 * cannot finish by then is cut off.
 * Its signals' timers belong to the request: `release` clears them once it is answered, because on
 * Node 24 Lambda freezes the container then, and a timer left armed would fire in a later invocation.
 */
export class Deadline implements JobDeadline {
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();

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
    return this.signalAt(this.endsAt - reserveMs, `deadline reached with ${reserveMs} ms to spare`);
  }

  /**
   * A signal that aborts at `at` (Unix ms), which may lie past the deadline (a lease's end), with
   * AbortSignal.timeout's reason; unlike AbortSignal.timeout's, its timer can be cleared.
   */
  signalAt(at: number, whyPast = 'the time was up before the work started'): AbortSignal {
    const remaining = at - this.now();
    if (remaining <= 0) return AbortSignal.abort(new DeadlineExceededError(whyPast));
    const controller = new AbortController();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    }, remaining);
    timer.unref();
    this.timers.add(timer);
    return controller.signal;
  }

  /** Clears the timers of every signal handed out: the request is answered, and none may fire later. */
  release(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}
