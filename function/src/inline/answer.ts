import type { InlineQuery, InlineQueryResultVoice } from '@grammyjs/types';
import { languageName } from '../commands/voice.ts';
import { INLINE_CACHE_TIME_SECONDS, INLINE_QUERY_MAX_CHARS } from '../constants.ts';
import type { ReplyCall, UpdateContext } from '../context.ts';
import type { Outcome } from '../facts.ts';
import { MESSAGES } from '../messages.ts';
import { chooseVoice } from '../speech/choose.ts';
import { speechDigest } from '../speech/identity.ts';
import { normalizeForSpeech } from '../speech/text.ts';

export interface InlineAnswer {
  outcome: Outcome;
  reason?: string;
  /** answerInlineQuery, for the webhook's response to carry. */
  call: ReplyCall<'answerInlineQuery'>;
}

/**
 * `@bot text` in any chat: one voice result per keystroke, decided from the query alone (no read, no
 * synthesis, no call), for the webhook's response to carry. The result's voice_url is a signed link to
 * our own GET route, which picks the voice and synthesizes only when Telegram fetches it, that is when
 * the user has chosen the result (inline/serve.ts): the user's own /voice and /speed choices are
 * looked up then.
 */
export function answerInline(ctx: UpdateContext, query: InlineQuery, updateId: number): InlineAnswer {
  const text = normalizeForSpeech(query.query);
  const allowed = !ctx.config.allowedChatIds || ctx.config.allowedChatIds.has(query.from.id);
  const limit = Math.min(INLINE_QUERY_MAX_CHARS, ctx.config.maxTextLength);
  const skip = !ctx.voiceLinks ? 'voice route unknown' : !allowed ? 'user not allowed' : !text ? 'empty query' : text.length > limit ? 'too long' : undefined;
  let results: InlineQueryResultVoice[] = [];
  if (!skip) {
    // The voice a user without a /voice choice gets: it names the result, and the user's own choice replaces it when fetched.
    const { voice, engine, language } = chooseVoice({ text, languageHint: query.from.language_code, defaultVoice: ctx.config.voice });
    ctx.trace.note({ language, text_chars: text.length });
    const url = ctx.voiceLinks!.sign({ text, ...(language && { language }), userId: query.from.id, updateId });
    // The Bot API's voice result has no description field: the language goes in its title.
    const title = MESSAGES.inlineTitle(language ? languageName(language) : undefined);
    results = [{ type: 'voice', id: resultId(engine, voice, text), voice_url: url, title }];
  }
  // Personal: what is read depends on the user's own /voice and /speed choices.
  const call: ReplyCall<'answerInlineQuery'> = {
    method: 'answerInlineQuery',
    params: { inline_query_id: query.id, results, cache_time: INLINE_CACHE_TIME_SECONDS, is_personal: true },
  };
  return skip ? { outcome: 'ignored', reason: skip, call } : { outcome: 'inline_answered', call };
}

/** 1-64 bytes, the same for the same speech, so Telegram's client keeps its place while the user types. */
const resultId = (engine: string, voice: string, text: string) => speechDigest({ engine, voice, text }).toString('base64url').slice(0, 32);
