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

// Made on first use: only texts longer than one Polly request need them, and they cost cold-start time.
let sentences: Intl.Segmenter | undefined;
let graphemes: Intl.Segmenter | undefined;

/**
 * Splits text into parts of at most `limit` UTF-16 units (never fewer code points than Polly bills),
 * preferring sentence boundaries, then spaces, and only as a last resort grapheme boundaries.
 * Joining the parts gives back the text, less the whitespace at the cuts.
 */
export function splitForSpeech(text: string, limit = POLLY_MAX_CHARACTERS): string[] {
  if (text.length <= limit) return [text];
  const parts: string[] = [];
  let current = '';
  const push = (piece: string) => {
    if (current.length + piece.length <= limit) {
      current += piece;
      return;
    }
    if (current.trim()) parts.push(current.trim());
    current = piece;
  };
  sentences ??= new Intl.Segmenter(undefined, { granularity: 'sentence' });
  for (const { segment } of sentences.segment(text)) {
    if (segment.length <= limit) push(segment);
    else for (const piece of splitLongSentence(segment, limit)) push(piece);
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/** A sentence longer than the limit: cut after spaces, or between graphemes if it has none. */
function splitLongSentence(sentence: string, limit: number): string[] {
  const pieces: string[] = [];
  for (const word of sentence.split(/(?<=\s)/)) {
    if (word.length <= limit) pieces.push(word);
    else pieces.push(...splitByGraphemes(word, limit));
  }
  return pieces;
}

/**
 * A word longer than the limit, packed grapheme by grapheme. A grapheme that alone exceeds the limit
 * (a letter under thousands of combining marks) is cut between its code points: Polly would refuse it
 * whole, so it is read as marks rather than not at all.
 */
function splitByGraphemes(word: string, limit: number): string[] {
  graphemes ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  const pieces: string[] = [];
  for (const { segment } of graphemes.segment(word)) {
    if (segment.length <= limit) pieces.push(segment);
    else pieces.push(...segment); // code points: a surrogate pair is never cut
  }
  return packUpTo(pieces, limit);
}

/** Joins consecutive pieces, each within the limit, into as few strings within the limit as they fit. */
function packUpTo(pieces: Iterable<string>, limit: number): string[] {
  const packed: string[] = [];
  let current = '';
  for (const piece of pieces) {
    if (current.length + piece.length > limit && current) {
      packed.push(current);
      current = '';
    }
    current += piece;
  }
  if (current) packed.push(current);
  return packed;
}
