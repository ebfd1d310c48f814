import { MAX_SPEED_PERCENT, MIN_SPEED_PERCENT, NORMAL_SPEED_PERCENT, POLLY_MAX_CHARACTERS, POLLY_MAX_TOTAL_CHARACTERS } from '../constants.ts';
import type { PartLimit } from './text.ts';

/**
 * How a text is handed to Polly at a reading speed: as it is at the voice's own speed, or inside
 * `<speak><prosody rate="N%">…</prosody></speak>` with the user's text escaped, so that `<`, `&` and
 * quotes are read as what they are and never become markup. The one home of the envelope: the Polly
 * port wraps with it, the splitter measures with it.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const RESERVED = /[&<>"']/g;

/** The five characters XML reserves, as entities (Polly's "Reserved characters in SSML"). */
export const escapeSsml = (text: string): string => text.replace(RESERVED, (c) => ENTITIES[c]!);

export class SpeedError extends Error {
  override name = 'SpeedError';
}

/** Whether a speed is one a chat may choose: a whole percentage from MIN to MAX. */
export const isValidSpeed = (speed: unknown): speed is number =>
  typeof speed === 'number' && Number.isInteger(speed) && speed >= MIN_SPEED_PERCENT && speed <= MAX_SPEED_PERCENT;

/** Undefined and 100 % both mean the voice's own speed. */
export const isNormalSpeed = (speed: number | undefined): boolean => speed === undefined || speed === NORMAL_SPEED_PERCENT;

const opening = (speed: number) => `<speak><prosody rate="${speed}%">`;
const CLOSING = '</prosody></speak>';

/** What SynthesizeSpeech is sent for a text at a speed: plain text at the voice's own speed, else SSML. */
export function speechMarkup(text: string, speed: number | undefined): { text: string; textType: 'text' | 'ssml' } {
  if (isNormalSpeed(speed)) return { text, textType: 'text' };
  // Never a value from outside into the attribute unchecked: config, settings and signed links all pass here.
  if (!isValidSpeed(speed)) throw new SpeedError(`speed ${String(speed)} is not a whole percentage from ${MIN_SPEED_PERCENT} to ${MAX_SPEED_PERCENT}`);
  return { text: `${opening(speed)}${escapeSsml(text)}${CLOSING}`, textType: 'ssml' };
}

const utf16Length = (text: string) => text.length;

/**
 * What one Polly request may hold, for the splitter: at most 3,000 billed characters (the text; UTF-16
 * units, never fewer than the code points Polly counts), and with SSML at most 6,000 in all, the
 * envelope and the escaped text together, since an escaped `"` is six characters.
 */
export function partLimits(speed: number | undefined): PartLimit[] {
  const billed: PartLimit = { max: POLLY_MAX_CHARACTERS, size: utf16Length };
  if (isNormalSpeed(speed)) return [billed];
  const envelope = opening(speed!).length + CLOSING.length;
  return [billed, { max: POLLY_MAX_TOTAL_CHARACTERS - envelope, size: (text) => escapeSsml(text).length }];
}
