/** Inline mode, the bot's side: answerInlineQuery. The user's side (typing, choosing) is in ../inline.ts. */
import { telegramErrors } from '../errors.ts';
import { objectParam } from '../params.ts';
import type { EmulatorState } from '../state.ts';
import type { MethodFamily } from './types.ts';

const MAX_RESULTS = 50;

export const inlineMethods: MethodFamily = {
  async answerInlineQuery(state, { params }) {
    const id = String(params.inline_query_id ?? '');
    const query = state.inlineQueries.get(id);
    // Telegram's one answer per query: a second one, or an unknown id, is refused in these words.
    if (!query || query.results) throw telegramErrors.queryTooOld();
    const results = objectParam<Record<string, unknown>[]>(params.results);
    if (!Array.isArray(results) || results.length > MAX_RESULTS) throw telegramErrors.badLimit('results');
    for (const result of results) {
      if (typeof result.id !== 'string' || result.id === '' || Buffer.byteLength(result.id) > 64) throw telegramErrors.badLimit('result id');
      if (result.type === 'voice' && (typeof result.voice_url !== 'string' || typeof result.title !== 'string')) throw telegramErrors.badLimit('voice result');
    }
    query.results = results;
    return { result: true };
  },
};
