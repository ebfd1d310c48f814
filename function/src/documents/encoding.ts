/**
 * A text file's bytes as text, with the encoding detected rather than guessed. A byte order mark
 * decides (UTF-8, UTF-16 LE/BE); without one, strict UTF-8 (plain ASCII passes it too); failing
 * that, each legacy code page of the languages we read is tried on a sample and scored by whether its
 * reading looks like text of that page's languages, and the whole file is decoded with the best one.
 * Binary files and files no page reads convincingly are refused, not read as mojibake.
 *
 * Known limits: a short text can read equally well in two pages, and then the earlier page in
 * CODE_PAGES wins: Turkish "Ağrı Dağı" in Windows-1254 is Icelandic-looking "Aðrý Daðý" in 1252,
 * Romanian "Mulţumesc" in 1250 is "Mulþumesc", Chinese "中文" in GB18030 is Cyrillic "ЦРОД" in
 * 1251. Measured on random Chinese and Korean texts: a quarter to two thirds of those of two
 * characters read in another page, up to 9% of eight, 1% of sixteen, none of thirty-two; every
 * paragraph of the tests is read right. A page we do not read may be taken for one we do when its
 * letters land on letters (Hebrew Windows-1255 reads as lower-case Windows-1251 Cyrillic). UTF-16
 * without a byte order mark and ISO-2022-JP are refused as binary (their bytes hold control
 * characters); Hindi has no page here (Node has no ISCII decoder).
 */

/**
 * The languages whose letters a reading is checked against: those the bot reads, and Ukrainian,
 * Belarusian and Bulgarian, whose files share the Cyrillic code pages with Russian.
 */
const LANGUAGES = ['de', 'fr', 'es', 'it', 'pt', 'ca', 'nl', 'sv', 'da', 'nb', 'fi', 'is', 'cy', 'pl', 'cs', 'ro', 'tr', 'ru', 'uk', 'be', 'bg', 'ar', 'ja', 'zh', 'ko'] as const;
type Language = (typeof LANGUAGES)[number];

/** A set of languages as bits, so a word's languages are the AND of its letters'. */
const mask = (...languages: Language[]) => languages.reduce((bits, language) => bits | (1 << LANGUAGES.indexOf(language)), 0);

const WESTERN: Language[] = ['de', 'fr', 'es', 'it', 'pt', 'ca', 'nl', 'sv', 'da', 'nb', 'fi', 'is', 'cy'];
const CENTRAL: Language[] = ['pl', 'cs', 'ro'];
const CYRILLIC: Language[] = ['ru', 'uk', 'be', 'bg'];

/**
 * The code pages files of our languages were written in before UTF-8, each with the languages it was
 * made for. The earlier page wins a tie, so the order matters where one page's text also reads well
 * in another, and the other's text does not read well in the first:
 * - the single-byte pages first: a Western text can read as GB18030 or Big5 in Chinese characters,
 *   while CJK text in a single-byte page is runs of accented letters or of mixed case;
 * - Shift_JIS and EUC-KR before GB18030 and Big5, EUC-JP before Big5: Japanese and Korean text reads
 *   in the Chinese pages as real but rare characters no rule here tells from common ones (Korean
 *   EUC-KR also as EUC-JP kanji), while Chinese text read in them shows half-width katakana, Hangul
 *   letters outside syllables, Hanja, or bytes they do not hold;
 * - GB18030 before EUC-JP: GB text reads as EUC-JP in kanji alone, while Japanese text read as GB18030
 *   shows kana, which Chinese does not use.
 */
const CODE_PAGES = [
  { encoding: 'windows-1251', languages: mask(...CYRILLIC) },
  { encoding: 'koi8-r', languages: mask('ru', 'bg') },
  { encoding: 'ibm866', languages: mask(...CYRILLIC) },
  { encoding: 'windows-1252', languages: mask(...WESTERN) },
  { encoding: 'windows-1250', languages: mask(...CENTRAL) },
  // Polish and Czech on Unix and the web: the same letters as 1250, a dozen of them elsewhere.
  { encoding: 'iso-8859-2', languages: mask(...CENTRAL) },
  { encoding: 'windows-1254', languages: mask('tr') },
  // Arabic, with the French letters Maghreb texts needed.
  { encoding: 'windows-1256', languages: mask('ar', 'fr') },
  { encoding: 'shift_jis', languages: mask('ja') },
  { encoding: 'euc-kr', languages: mask('ko') },
  { encoding: 'gb18030', languages: mask('zh') },
  { encoding: 'euc-jp', languages: mask('ja') },
  { encoding: 'big5', languages: mask('zh') },
] as const;

type CodePage = (typeof CODE_PAGES)[number];
export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | CodePage['encoding'];

export type DecodedText = { ok: true; text: string; encoding: TextEncodingName } | { ok: false; reason: 'binary' | 'unknown_encoding' };

/** Share of a reading's non-ASCII characters that must be letters or punctuation of its page's languages. */
const MIN_PLAUSIBLE_SHARE = 0.9;

/**
 * Bytes of the file a code page is chosen on, from the word of its first non-ASCII byte (ASCII reads
 * the same in every page): thousands of words, where the whole file could take seconds to score.
 */
const SAMPLE_BYTES = 64 * 1024;

/** Each language's letters beyond a-z, lower case (upper case is added), as written in these code pages. */
const ALPHABETS: Readonly<Partial<Record<Language, string>>> = {
  de: 'äöüßé',
  fr: 'àâæçéèêëîïôœùûüÿ',
  es: 'áéíñóúü',
  it: 'àèéìíòóù',
  pt: 'áàâãçéêíóôõúü',
  ca: 'àçéèíïòóúü',
  nl: 'áéèëïóöü',
  sv: 'åäöé',
  da: 'æøåé',
  nb: 'æøåéèòóô',
  fi: 'äöåšž',
  is: 'áðéíóöúýþæ',
  // Welsh's circumflex and diaeresis; its acute and grave accents are rare enough to leave out, and
  // with them Welsh would explain almost any accented vowels.
  cy: 'âêîôûŵŷäëïöü',
  pl: 'ąćęłńóśźż',
  cs: 'áčďéěíňóřšťúůýž',
  // Cedilla and comma below: the code pages have the first, Unicode prefers the second.
  ro: 'ăâîşţșț',
  // İ has no single-letter lower case to derive it from.
  tr: 'çğıöşüâîûİ',
  ru: 'абвгдеёжзийклмнопрстуфхцчшщъыьэюя',
  uk: 'абвгґдеєжзиіїйклмнопрстуфхцчшщьюя',
  be: 'абвгдеёжзійклмнопрстуўфхцчшыьэюя',
  bg: 'абвгдежзийклмнопрстуфхцчшщъьюя',
  // Letters, tatweel and vowel marks (harakat).
  ar: 'ءآأؤإئابةتثجحخدذرزسشصضطظعغـفقكلمنهوىيًٌٍَُِّْ',
};

/** Letter → the languages that write it (bits); CJK letters are told by their blocks instead. */
const LETTER_LANGUAGES = new Map<string, number>();
for (const [language, letters] of Object.entries(ALPHABETS) as [Language, string][]) {
  for (const lower of letters) {
    const upper = lower.toUpperCase();
    for (const letter of upper.length === 1 && upper !== lower ? [lower, upper] : [lower]) {
      LETTER_LANGUAGES.set(letter, (LETTER_LANGUAGES.get(letter) ?? 0) | mask(language));
    }
  }
}

const CJK = mask('ja', 'zh', 'ko');
/** Chinese, Japanese and Korean write Latin words inside their own without spaces. */
const ASCII_LETTER_LANGUAGES = mask(...WESTERN, ...CENTRAL, 'tr') | CJK;

const KANA = /[\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc-\u30fe\u3005\u3006]/u;
const HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/u;
const HANGUL = /[\uac00-\ud7a3]/u;
const FULLWIDTH_LATIN = /[\uff21-\uff3a\uff41-\uff5a]/u;

/**
 * The languages that write a letter. Half-width katakana, Hangul letters outside syllables and
 * Bopomofo are no language's: they are what CJK text read in the wrong CJK page looks like. Korean
 * written today uses Hangul; Hanja in a Korean reading count against it.
 */
function languagesOf(letter: string): number {
  if (letter < '\u0080') return ASCII_LETTER_LANGUAGES;
  const languages = LETTER_LANGUAGES.get(letter);
  if (languages !== undefined) return languages;
  if (KANA.test(letter)) return mask('ja');
  if (HAN.test(letter)) return mask('ja', 'zh');
  if (HANGUL.test(letter)) return mask('ko');
  if (FULLWIDTH_LATIN.test(letter)) return mask('ja', 'zh', 'ko');
  return 0;
}

/**
 * Punctuation and signs of our languages' texts: typographic quotes and dashes, the no-break space,
 * CJK punctuation and full-width forms (but not the half-width ones), Arabic comma, semicolon and question mark.
 */
const PUNCTUATION = /[«»„“”‘’‚–—…•·№€°§¿¡\u00a0©®™\u3000-\u3004\u3008-\u303f\u30fb\uff01-\uff20\uff3b-\uff40\uff5b-\uff60\u060c\u061b\u061f]/u;

/** Control characters other than tab, line feed, form feed and carriage return: a binary file, not text. */
const BINARY = /[\u0000-\u0008\u000b\u000e-\u001f]/;
/** A loop, not `bytes.some(…)`: four times faster over a 20 MB file. */
function hasControlByte(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0c && byte !== 0x0d) return true;
  }
  return false;
}

/** DOS editors ended a file with Ctrl-Z (0x1A): a CP866 file may still carry it. */
const DOS_END_OF_FILE = 0x1a;

const WORDS = /[\p{L}\p{M}]+|[^\u0000-\u007f]/gu;
/** Signs that stand between letters in real words: apostrophes, dashes, Catalan's middle dot (col·lecció). */
const WORD_JOINER = /[’‘ʼ‐‑–—·]/u;
/** Letters of the scripts that put spaces between words (CJK puts its punctuation between characters). */
const SPACED_LETTER = /[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Arabic}]/u;
const INSIDE_LATIN_WORD = /[A-Za-z][^\u0000-\u007f]+[A-Za-z]/u;
const LETTER = /[\p{L}\p{M}]/u;
const LOWER = /\p{Ll}/u;
const UPPER = /\p{Lu}/u;

export function decodeText(bytes: Uint8Array): DecodedText {
  const bom = byteOrderMark(bytes);
  if (bom) return strict(bytes.subarray(bom.length), bom.encoding) ?? { ok: false, reason: 'binary' };
  if (bytes.at(-1) === DOS_END_OF_FILE) bytes = bytes.subarray(0, -1);
  // Every page tried below reads bytes under 0x80 as ASCII, control characters included.
  if (hasControlByte(bytes)) return { ok: false, reason: 'binary' };
  const utf8 = strict(bytes, 'utf-8');
  if (utf8) return utf8;
  const page = bestCodePage(sample(bytes));
  // A multi-byte page chosen on the sample may still meet a sequence it does not hold further on.
  const text = page ? decode(bytes, page.encoding) : undefined;
  return page && text !== undefined ? { ok: true, text, encoding: page.encoding } : { ok: false, reason: 'unknown_encoding' };
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

/** Up to SAMPLE_BYTES from the start of the word that holds the first non-ASCII byte. */
function sample(bytes: Uint8Array): Uint8Array {
  let start = bytes.findIndex((byte) => byte >= 0x80);
  while (start > 0 && /[A-Za-z]/.test(String.fromCharCode(bytes[start - 1]!))) start--;
  return bytes.subarray(start, start + SAMPLE_BYTES);
}

/**
 * The page whose reading of the sample is plausible and most of one language (a document is mostly
 * written in one), the earlier page on a tie; undefined when no reading is plausible.
 */
function bestCodePage(sample: Uint8Array): CodePage | undefined {
  let best: { page: CodePage; oneLanguage: number } | undefined;
  for (const page of CODE_PAGES) {
    // A multi-byte character cut at the sample's end is held back, not an error.
    const text = decode(sample, page.encoding, { stream: true });
    if (text === undefined) continue;
    const score = readingScore(text, page.languages);
    if (score.plausible >= MIN_PLAUSIBLE_SHARE && (!best || score.oneLanguage > best.oneLanguage)) best = { page, oneLanguage: score.oneLanguage };
  }
  return best?.page;
}

/** The bytes in a code page; undefined when a multi-byte page finds a sequence it does not hold. */
function decode(bytes: Uint8Array, encoding: CodePage['encoding'], options?: TextDecodeOptions): string | undefined {
  if (encoding === 'windows-1252') return decodeWindows1252(bytes);
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes, options);
  } catch {
    return undefined;
  }
}

/**
 * How much a reading looks like text of a page's languages, from 0 to 1, over its non-ASCII characters:
 * `plausible`, the share that are punctuation between words or letters of words some one of those
 * languages could write; `oneLanguage`, the same with only the language that explains most letters.
 * The wrong page gives itself away in words no language writes:
 * - letters of two languages in a word: "pøíštì" (Czech read as Windows-1252: ø is Danish, ì Italian),
 *   "ïðèâåò" (Russian read as Windows-1252), "Mьller" (German read as Windows-1251);
 * - an upper-case letter right after a lower-case one: "пРИВЕТ" (KOI8-R and Windows-1251 hold the
 *   same letters with the cases swapped), "żQué" (Spanish read as Windows-1250);
 * - letters none of them write: "Ђ" (Windows-1251 read as DOS 866), half-width "ｵ" (Chinese read as Shift_JIS);
 * - CJK characters inside a Latin word: "gla鏾ns" (Catalan read as GB18030; CJK text writes Latin
 *   words whole, next to its own characters);
 * - a sign inside a word: "R°dgr°d" (Danish read as DOS 866), where only apostrophes, dashes and
 *   Catalan's middle dot stand.
 */
function readingScore(text: string, pageLanguages: number): { plausible: number; oneLanguage: number } {
  let foreign = 0;
  let punctuation = 0;
  let letters = 0;
  const byLanguage = LANGUAGES.map(() => 0);
  for (const { 0: run, index } of text.matchAll(WORDS)) {
    if (!LETTER.test(run)) {
      foreign++;
      const insideWord = SPACED_LETTER.test(text[index - 1] ?? '') && SPACED_LETTER.test(text[index + 1] ?? '');
      punctuation += Number(PUNCTUATION.test(run) && (!insideWord || WORD_JOINER.test(run)));
      continue;
    }
    let nonAscii = 0;
    let languages = pageLanguages;
    let previous = '';
    for (const char of run) {
      if (char >= '\u0080') nonAscii++;
      languages &= languagesOf(char);
      if (UPPER.test(char) && LOWER.test(previous)) languages = 0;
      previous = char;
    }
    if (!nonAscii) continue;
    foreign += nonAscii;
    if (INSIDE_LATIN_WORD.test(run)) languages &= ~CJK;
    if (!languages) continue;
    letters += nonAscii;
    for (let i = 0; i < LANGUAGES.length; i++) if (languages & (1 << i)) byLanguage[i]! += nonAscii;
  }
  if (foreign === 0) return { plausible: 1, oneLanguage: 1 };
  return { plausible: (punctuation + letters) / foreign, oneLanguage: (punctuation + Math.max(...byLanguage)) / foreign };
}

/** Windows-1252's 0x80-0x9F; the rest of it is Latin-1. */
const WINDOWS_1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';

/**
 * Windows-1252 by its table: Node 20's TextDecoder reads the label as Latin-1, so its curly quotes
 * and dashes (0x80-0x9F) come out as C1 control characters. Latin-1 (Buffer's, several times faster
 * than TextDecoder's), then those few replaced.
 */
function decodeWindows1252(bytes: Uint8Array): string {
  const latin1 = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  return latin1.replace(/[\u0080-\u009f]/g, (c) => WINDOWS_1252_HIGH[c.charCodeAt(0) - 0x80]!);
}
