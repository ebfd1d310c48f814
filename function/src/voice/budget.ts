import { DEADLINE_RESERVE_MS } from '../constants.ts';
import type { BotConfig, UpdateContext } from '../context.ts';
import { billedCharacters } from '../speech/text.ts';

/** The day's character budget cannot pay for this text: answered with a short text, not an apology. */
export class OverBudgetError extends Error {
  override name = 'OverBudgetError';
}

/**
 * Reserves the characters of every part before any of them goes to Polly, so a text is either paid
 * for whole or not synthesized at all, and what the containers reserve together stays within the
 * day's budget. A reservation is not given back when Polly then fails: the cap errs on the safe side.
 */
export async function reserveCharacters(ctx: Pick<UpdateContext, 'budget' | 'trace' | 'deadline'> & { config: Pick<BotConfig, 'dailyCharacterBudget'> }, parts: string[]): Promise<void> {
  const limit = ctx.config.dailyCharacterBudget;
  if (limit === undefined) return;
  const characters = parts.reduce((sum, part) => sum + billedCharacters(part), 0);
  const day = new Date().toISOString().slice(0, 10); // the UTC day
  const { granted, used } = await ctx.trace.time('s3', ctx.budget.reserve(day, characters, limit, ctx.deadline.signal(DEADLINE_RESERVE_MS)));
  ctx.trace.note({ budget_used: used, budget_limit: limit });
  if (!granted) throw new OverBudgetError(`${characters} characters do not fit in what is left of ${day}'s ${limit} (${used} used)`);
}
