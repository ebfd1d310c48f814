import type { Readable } from 'node:stream';
import { DEADLINE_RESERVE_MS } from '../constants.ts';
import type { CachedAudio, SpeechRequest, UpdateContext } from '../context.ts';
import { joinOggOpus } from '../speech/ogg.ts';
import { partLimits } from '../speech/ssml.ts';
import { splitForSpeech } from '../speech/text.ts';
import { reserveCharacters } from './budget.ts';

/**
 * Synthesizes all parts at once, then streams them, joined into one Ogg Opus file, into the audio store.
 * `whileSynthesizing` shows the user that a voice is coming (a chat's "recording"); an inline voice has none.
 */
export async function synthesizeAndStore(
  ctx: UpdateContext,
  { text, ...how }: Omit<SpeechRequest, 'signal'>,
  key: string,
  whileSynthesizing?: (ctx: UpdateContext) => Promise<void>,
): Promise<CachedAudio> {
  // Each part within Polly's limits as sent: with the speed's SSML, the tags and escapes count too.
  const parts = splitForSpeech(text, partLimits(how.speed));
  // Before Polly is asked, and before the user is told a voice is coming: throws OverBudgetError.
  await reserveCharacters(ctx, parts);
  const shown = whileSynthesizing?.(ctx);
  try {
    ctx.trace.note({ parts: parts.length, cache: 'miss' });
    return await synthesizeParts(ctx, parts, how, key);
  } finally {
    await shown;
  }
}

/** Parts already within Polly's limits and paid for, synthesized at once and stored, joined, under `key`. */
export async function synthesizeParts(ctx: UpdateContext, parts: string[], how: Omit<SpeechRequest, 'signal' | 'text'>, key: string): Promise<CachedAudio> {
  const signal = ctx.deadline.signal(DEADLINE_RESERVE_MS);
  const requests = parts.map((part) => ctx.synthesizer.synthesize({ ...how, text: part, signal }));
  const streams = await ctx.trace.time('polly', allOrDestroy(requests));
  try {
    return await storeJoined(ctx, streams, key);
  } finally {
    // Parts the joiner never reached, when an earlier one failed, still hold a Polly connection.
    for (const stream of streams) stream.destroy();
  }
}

/** Ogg Opus streams joined, in order, into one file under `key`, with its duration. */
export async function storeJoined(ctx: UpdateContext, sources: Iterable<AsyncIterable<Uint8Array>>, key: string): Promise<CachedAudio> {
  let durationSeconds = 0;
  const joined = (async function* () {
    durationSeconds = yield* joinOggOpus(sources);
  })();
  const stored = await ctx.trace.time('s3', ctx.audioStore.save(key, joined, ctx.deadline.signal(DEADLINE_RESERVE_MS)));
  return { ...stored, durationSeconds };
}

/** Like Promise.all, but streams that did arrive are closed when another request failed. */
async function allOrDestroy(requests: Promise<Readable>[]): Promise<Readable[]> {
  const settled = await Promise.allSettled(requests);
  const failure = settled.find((result) => result.status === 'rejected');
  if (!failure) return settled.map((result) => (result as PromiseFulfilledResult<Readable>).value);
  for (const result of settled) if (result.status === 'fulfilled') result.value.destroy();
  throw failure.reason;
}
