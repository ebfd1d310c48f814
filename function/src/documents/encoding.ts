/**
 * A text file's bytes as text, with the encoding detected rather than guessed: a byte order mark
 * decides (UTF-8, UTF-16 LE/BE); without one, strict UTF-8 (TextDecoder with `fatal: true`, which
 * plain ASCII also passes); failing that, the legacy single-byte code pages of the languages we read,
 * each tried and scored by how much its non-ASCII characters look like those languages' letters and
 * punctuation. When no code page reads convincingly the file is refused, not read as mojibake.
 * Measured on samples of our languages (tests/function/documents/encoding.test.ts): every paragraph
 * comes back exactly; a single short sentence can read equally well in two pages (Czech "příště" in
 * Windows-1250 is "pøíštì" in 1252, all letters of our languages), and then the earlier page wins.
 */

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | (typeof CODE_PAGES)[number];

export type DecodedText = { ok: true; text: string; encoding: TextEncodingName } | { ok: false; reason: 'binary' | 'unknown_encoding' };

/**
 * Cyrillic (Windows, KOI8-R, DOS), Western, Central European (Polish, Czech…), Turkish: the code pages
 * that files in our languages were written in before UTF-8. Earlier wins a tie; mostly the same text either way.
 */
const CODE_PAGES = ['windows-1251', 'koi8-r', 'ibm866', 'windows-1252', 'windows-1250', 'windows-1254'] as const;

/** Share of a code page's non-ASCII characters that must be letters or punctuation of our languages. */
const MIN_PLAUSIBLE_SHARE = 0.9;

/** Non-ASCII letters of our languages in Cyrillic script: Russian, Ukrainian, Belarusian, Bulgarian. */
const CYRILLIC = letters('абвгдеёжзийклмнопрстуфхцчшщъыьэюяієїґў');
/**
 * Accented Latin letters of German, French, Spanish, Italian, Portuguese, Polish, Czech, Turkish and the
 * Nordic languages.
 */
const LATIN = letters('äöüßéèêëàâáãåæçíìîïñóòôõøœúùûÿąćęłńśźżčďěňřšťůžğışİ');
/** Typographic punctuation and signs. */
const PUNCTUATION = new Set('«»„“”‘’‚–—…•·№€°§¿¡'.split(''));

function letters(lower: string): ReadonlySet<string> {
  return new Set(lower.split('').flatMap((c) => [c, c.toUpperCase()]));
}

const ASCII_LETTER = /[A-Za-z]/;
const LETTER = /\p{L}/u;
const LOWER = /\p{Ll}/u;
const UPPER = /\p{Lu}/u;
/** Control characters other than tab, line feed, form feed and carriage return: a binary file, not text. */
const BINARY = /[\u0000-\u0008\u000b\u000e-\u001f]/;

export function decodeText(bytes: Uint8Array): DecodedText {
  const bom = byteOrderMark(bytes);
  if (bom) return strict(bytes.subarray(bom.length), bom.encoding) ?? { ok: false, reason: 'binary' };
  const utf8 = strict(bytes, 'utf-8');
  if (utf8) return utf8;
  let best: { text: string; encoding: TextEncodingName; score: number } | undefined;
  for (const encoding of CODE_PAGES) {
    const text = encoding === 'windows-1252' ? decodeWindows1252(bytes) : new TextDecoder(encoding).decode(bytes);
    if (BINARY.test(text)) return { ok: false, reason: 'binary' };
    const score = plausibility(text);
    if (score >= MIN_PLAUSIBLE_SHARE && (!best || score > best.score)) best = { text, encoding, score };
  }
  return best ? { ok: true, text: best.text, encoding: best.encoding } : { ok: false, reason: 'unknown_encoding' };
}

function byteOrderMark(bytes: Uint8Array): { encoding: TextEncodingName; length: number } | undefined {
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { encoding: 'utf-8', length: 3 };
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { encoding: 'utf-16le', length: 2 };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { encoding: 'utf-16be', length: 2 };
  return undefined;
}

/** The bytes in an encoding that must fit them exactly; undefined when they do not, or hold control characters. */
function strict(bytes: Uint8Array, encoding: TextEncodingName): DecodedText | undefined {
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return undefined;
  }
  return BINARY.test(text) ? undefined : { ok: true, text, encoding };
}

/**
 * How much a decoding looks like our languages, from 0 to 1: the share of its non-ASCII characters
 * that are our letters or punctuation, where such letters stand. The wrong code page gives itself away:
 * - Cyrillic letters in a word with Latin ones ("Mьller": German read as Windows-1251);
 * - words of three or more accented Latin letters and no plain one ("ïðèâåò": Russian read as Windows-1252);
 * - a word with an upper-case letter right after a lower-case one ("пРИВЕТ": KOI8-R and Windows-1251
 *   hold the same letters with the cases swapped; "żQué": Spanish read as Windows-1250).
 */
function plausibility(text: string): number {
  let foreign = 0;
  let plausible = 0;
  for (const [run] of text.matchAll(/\p{L}+|[^\p{L}]/gu)) {
    const chars = [...run];
    const isWord = LETTER.test(chars[0]!);
    const hasAscii = isWord && chars.some((c) => ASCII_LETTER.test(c));
    const caseBreak = isWord && chars.some((c, i) => i > 0 && UPPER.test(c) && LOWER.test(chars[i - 1]!));
    for (const char of chars) {
      if (char.charCodeAt(0) < 0x80) continue;
      foreign++;
      if (!isWord) plausible += Number(PUNCTUATION.has(char));
      else if (caseBreak) continue;
      else if (CYRILLIC.has(char)) plausible += Number(!hasAscii);
      else if (LATIN.has(char)) plausible += Number(hasAscii || chars.length <= 2);
    }
  }
  return foreign === 0 ? 1 : plausible / foreign;
}

/** Windows-1252's 0x80-0x9F; the rest of it is Latin-1. */
const WINDOWS_1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/**
 * Windows-1252 by its table: Node 20's TextDecoder reads the label as Latin-1, so its curly quotes
 * and dashes (0x80-0x9F) come out as C1 control characters.
 */
function decodeWindows1252(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += byte >= 0x80 && byte <= 0x9f ? WINDOWS_1252_HIGH[byte - 0x80] : String.fromCharCode(byte);
  return text;
}
