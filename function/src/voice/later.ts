/**
 * What becomes of a voice that cannot be made now (Polly throttled it, or the invocation ran out of
 * time): each door has its way of keeping it for later, and without one the user gets the apology.
 */
import type { Message, Update } from '@grammyjs/types';
import { DEADLINE_RESERVE_MS, FINAL_REPLY_RESERVE_MS, QUEUED_REACTION } from '../constants.ts';
import type { JobQueue, UpdateContext } from '../context.ts';
import type { JobFacts } from '../facts.ts';

/** Keeps a job for later; throws when it cannot (the caller then apologizes). */
export interface Later {
  hold(ctx: UpdateContext, message: Message): Promise<void>;
}

/** Polly refused for its quota (HTTP 400 ThrottlingException): nothing was billed, and it may work later. */
export const isThrottled = (error: unknown): boolean => error instanceof Error && error.name === 'ThrottlingException';

/** Why a failed voice may be made later: throttled by Polly, or cut off by the deadline while Polly worked; undefined otherwise. */
export function deferrable(ctx: UpdateContext, error: unknown): JobFacts['queued'] {
  if (ctx.trace.failedStage !== 'polly') return undefined;
  if (isThrottled(error)) return 'throttled';
  return ctx.deadline.remainingMs(DEADLINE_RESERVE_MS) === 0 ? 'out_of_time' : undefined;
}

/**
 * The webhook's way: the update goes to the job queue and the user's message gets a ✍ reaction, a
 * quiet "working on it" that stays until the voice comes (a chat action would fade after 5 s, and a
 * text would be chatter). A chat that allows no such reaction only misses the sign.
 */
export function toJobQueue(queue: JobQueue, update: Update): Later {
  return {
    async hold(ctx, message) {
      await ctx.trace.time('sqs', queue.enqueue({ update }, ctx.deadline.signal(FINAL_REPLY_RESERVE_MS)));
      // On the user's own message, which the worker clears when it answers (a /say reply reads another).
      const own = update.message ?? message;
      await ctx.telegram
        .call('setMessageReaction', { chat_id: own.chat.id, message_id: own.message_id, reaction: [{ type: 'emoji', emoji: QUEUED_REACTION }] }, { deadline: ctx.deadline, reserveMs: FINAL_REPLY_RESERVE_MS })
        .catch((error: unknown) => ctx.log.warn('queued reaction not shown', { update_id: ctx.trace.updateId, error }));
    },
  };
}

/** The worker's way: nothing to do, the door hands the job back to the queue for a while. */
export const backToQueue: Later = { hold: async () => {} };
