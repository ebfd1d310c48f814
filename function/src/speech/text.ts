import { POLLY_MAX_CHARACTERS } from '../constants.ts';

/**
 * Characters that render as nothing (Unicode's default-ignorable code points): zero-width space and
 * joiners, bidi marks and isolates, BOM, soft hyphen, Hangul fillers… Polly would bill them as silence.
 */
const INVISIBLE = /\p{Default_Ignorable_Code_Point}/gu;
/** Control characters other than tab and newline make Polly refuse the request. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** The text Polly should read: invisible and control characters removed, runs of spaces folded. */
export function normalizeForSpeech(text: string): string {
  return text
    .normalize('NFC')
    .replace(INVISIBLE, '')
    .replace(CONTROL, ' ')
    .replace(/[ \t]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .trim();
}

/** Characters as Polly counts and bills them: Unicode code points, spaces and punctuation included. */
export function billedCharacters(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/**
 * One bound on a part of a text: the sum of `size` over the part stays within `max`. `size` must add
 * up over concatenation (a length does; so does the length of the text escaped).
 */
export interface PartLimit {
  max: number;
  size: (text: string) => number;
}

/** A plain-text request: at most 3,000 UTF-16 units, never fewer than the code points Polly bills. */
const PLAIN_TEXT_LIMITS: readonly PartLimit[] = [{ max: POLLY_MAX_CHARACTERS, size: (text) => text.length }];

// Made on first use: only texts longer than one Polly request need them, and they cost cold-start time.
let sentences: Intl.Segmenter | undefined;
let graphemes: Intl.Segmenter | undefined;

/**
 * Splits text into parts that each fit every limit (speech/ssml.ts gives those of a request at a
 * speed), preferring sentence boundaries, then spaces, and only as a last resort grapheme boundaries.
 * Joining the parts gives back the text, less the whitespace at the cuts.
 */
export function splitForSpeech(text: string, limits: readonly PartLimit[] = PLAIN_TEXT_LIMITS): string[] {
  const fits = (piece: string) => limits.every((limit) => limit.size(piece) <= limit.max);
  if (fits(text)) return [text];
  sentences ??= new Intl.Segmenter(undefined, { granularity: 'sentence' });
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const pieces: string[] = [];
  for (const { segment } of sentences.segment(text)) {
    if (fits(segment)) pieces.push(segment);
    // A sentence over the limits: cut after spaces, or between graphemes in a word that has none, or
    // between the code points of a grapheme over the limits (a letter under thousands of combining
    // marks): Polly would refuse it whole, so it is read as marks rather than not at all.
    else for (const word of segment.split(/(?<=\s)/)) {
      if (fits(word)) pieces.push(word);
      else for (const { segment: grapheme } of graphemes.segment(word)) pieces.push(...(fits(grapheme) ? [grapheme] : grapheme));
    }
  }
  return pack(pieces, limits);
}

/** Puts pieces, in order, into as few parts as the limits allow; each part trimmed. */
function pack(pieces: string[], limits: readonly PartLimit[]): string[] {
  const parts: string[] = [];
  let current = '';
  let used = limits.map(() => 0);
  for (const piece of pieces) {
    const sizes = limits.map((limit) => limit.size(piece));
    if (sizes.every((size, i) => used[i]! + size <= limits[i]!.max)) {
      current += piece;
      used = used.map((u, i) => u + sizes[i]!);
      continue;
    }
    if (current.trim()) parts.push(current.trim());
    current = piece;
    used = sizes;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}
