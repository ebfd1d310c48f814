import type { InlineQuery, InlineQueryResultVoice } from '@grammyjs/types';
import { languageName } from '../commands/voice.ts';
import { DEADLINE_RESERVE_MS, FINAL_REPLY_RESERVE_MS, INLINE_CACHE_TIME_SECONDS, INLINE_QUERY_MAX_CHARS } from '../constants.ts';
import type { SpeechIdentity, UpdateContext } from '../context.ts';
import { MESSAGES } from '../messages.ts';
import { chooseVoice } from '../speech/choose.ts';
import { speechDigest } from '../speech/identity.ts';
import { normalizeForSpeech } from '../speech/text.ts';
import type { Outcome } from '../facts.ts';

export interface InlineAnswer {
  outcome: Outcome;
  reason?: string;
}

/**
 * `@bot text` in any chat: one voice result per keystroke, and no synthesis. The result's voice_url is
 * a signed link to our own GET route, which synthesizes only when Telegram fetches it, that is when
 * the user has chosen the result (inline/serve.ts). The voice is the user's own /voice choice (their
 * private chat's setting) when it reads the text's language.
 */
export async function answerInline(ctx: UpdateContext, query: InlineQuery, updateId: number): Promise<InlineAnswer> {
  const text = normalizeForSpeech(query.query);
  const allowed = !ctx.config.allowedChatIds || ctx.config.allowedChatIds.has(query.from.id);
  const limit = Math.min(INLINE_QUERY_MAX_CHARS, ctx.config.maxTextLength);
  const skip = !ctx.voiceLinks ? 'voice route unknown' : !allowed ? 'user not allowed' : !text ? 'empty query' : text.length > limit ? 'too long' : undefined;
  let results: InlineQueryResultVoice[] = [];
  if (!skip) {
    const settings = await ctx.trace.time('s3', ctx.settings.get(query.from.id, ctx.deadline.signal(DEADLINE_RESERVE_MS)));
    const choice = chooseVoice({ text, languageHint: query.from.language_code, chatVoice: settings.voice, defaultVoice: ctx.config.voice });
    ctx.trace.note({ voice: choice.voice, engine: choice.engine, language: choice.language, voice_source: choice.source, text_chars: text.length });
    const url = ctx.voiceLinks!.sign({ text, voice: choice.voice, engine: choice.engine, userId: query.from.id, updateId });
    // The Bot API's voice result has no description field: the voice and language go in its title.
    const title = MESSAGES.inlineTitle(choice.voice, choice.language ? languageName(choice.language) : undefined);
    results = [{ type: 'voice', id: resultId({ engine: choice.engine, voice: choice.voice, text }), voice_url: url, title }];
  }
  await ctx.trace.time(
    'telegram',
    ctx.telegram.call(
      'answerInlineQuery',
      // Personal: the voice depends on the user's own /voice choice.
      { inline_query_id: query.id, results, cache_time: INLINE_CACHE_TIME_SECONDS, is_personal: true },
      { deadline: ctx.deadline, reserveMs: FINAL_REPLY_RESERVE_MS },
    ),
  );
  return skip ? { outcome: 'ignored', reason: skip } : { outcome: 'inline_answered' };
}

/** 1-64 bytes, the same for the same speech, so Telegram's client keeps its place while the user types. */
const resultId = (identity: SpeechIdentity) => speechDigest(identity).toString('base64url').slice(0, 32);
