import type { LanguageCode } from '@aws-sdk/client-polly';

/**
 * A small, dependency-free language detector that answers in Polly's language codes.
 *
 * Scripts settle most languages outright (Cyrillic, kana, Hangul, Han, Arabic, Devanagari); Latin-script
 * languages are told apart by very frequent words and letters only they use. It is meant for chat
 * messages, not linguistics: a short or ambiguous text gets a low confidence and the Telegram user's
 * `language_code` decides instead.
 */

export interface LanguageGuess {
  /** The Polly language to speak the text in; undefined when neither the text nor the hint tells. */
  language: LanguageCode | undefined;
  /** 0 (no idea) to 1 (certain): how sure the text itself made the guess. */
  confidence: number;
  /** What decided: the text, the hint (text too short or ambiguous), or nothing. */
  source: 'text' | 'hint' | 'none';
}

/** Only this much of a text is read: the language of a message shows in its first sentences. */
export const DETECTION_SAMPLE_LENGTH = 500;
/** Below this confidence the text does not decide and the hint is asked. */
export const MIN_CONFIDENCE = 0.5;
/** Latin-script evidence (stopword hits, distinctive letters) needed for full confidence. */
const FULL_EVIDENCE = 4;

type Language = LanguageCode;

/** Base language subtag → the Polly language spoken when nothing says which region. */
const DEFAULT_REGION: Readonly<Record<string, Language>> = {
  ar: 'arb', ca: 'ca-ES', cs: 'cs-CZ', cy: 'cy-GB', da: 'da-DK', de: 'de-DE', en: 'en-US', es: 'es-ES',
  fi: 'fi-FI', fr: 'fr-FR', hi: 'hi-IN', is: 'is-IS', it: 'it-IT', ja: 'ja-JP', ko: 'ko-KR', nb: 'nb-NO',
  nl: 'nl-NL', no: 'nb-NO', nn: 'nb-NO', pl: 'pl-PL', ro: 'ro-RO', ru: 'ru-RU', sv: 'sv-SE', tr: 'tr-TR',
  zh: 'cmn-CN', cmn: 'cmn-CN', yue: 'yue-CN',
  // Brazilian: far more speakers, and more neural voices; pt-PT comes from a hint (or a `pt-PT` tag).
  pt: 'pt-BR',
};

/**
 * Languages the text cannot tell apart, where the hint may choose: regional variants, and for Han-only
 * text Cantonese and Japanese (kanji without kana).
 */
const VARIANTS: Readonly<Partial<Record<Language, readonly Language[]>>> = {
  'en-US': ['en-GB', 'en-AU', 'en-IN', 'en-IE', 'en-NZ', 'en-ZA', 'en-SG', 'en-GB-WLS'],
  'es-ES': ['es-MX', 'es-US'],
  'fr-FR': ['fr-CA', 'fr-BE'],
  'de-DE': ['de-AT', 'de-CH'],
  'nl-NL': ['nl-BE'],
  'pt-BR': ['pt-PT'],
  arb: ['ar-AE'],
  'cmn-CN': ['yue-CN', 'ja-JP'],
};

/** Every Polly language code, lower-cased, for hints that already are one (`pt-br`, `en-gb`). */
const POLLY_CODES: ReadonlyMap<string, Language> = new Map(
  [...Object.values(DEFAULT_REGION), ...Object.values(VARIANTS).flat()].map((code) => [code.toLowerCase(), code]),
);

/** Maps a Telegram `language_code` (IETF tag: `en`, `pt-br`, `zh-hans`) to a Polly language, if any. */
export function languageFromHint(hint: string | undefined): Language | undefined {
  const tag = hint?.trim().toLowerCase().replace(/_/g, '-');
  if (!tag) return undefined;
  return POLLY_CODES.get(tag) ?? DEFAULT_REGION[tag.split('-')[0] ?? ''];
}

// Latin-script evidence. Words are matched whole after lower-casing; a word several languages share
// counts for each of them, split between them. Lists favour words that are frequent in chat.
const WORDS: Readonly<Partial<Record<Language, string>>> = {
  'en-US': 'me when get just if there all an out know think like got been has had were did does am our us them he she his her him who which about could should some any here now then than yes okay thank sorry today tomorrow want need going come the and is are of to in that it you for with this was have be not on what will my your we they i at but from would can do please thanks hello how',
  'de-DE': 'guten abend tschüss an am im nein gut hallo jetzt schon mal nur oder wenn dass weil kein keine mir dir uns euch ihr hat habe war sind zum zur bei aus um morgen gestern gerne der die das und ist nicht ich du sie es ein eine zu mit auf für den dem von sich auch wir haben wird aber noch wie was heute sehr bitte danke kann mein nach bin',
  'fr-FR': 'on en y mon ma mes ton ta son sa ses ou où donc alors oui non bien fait faire tout tous peux veux peut va vais ai as était été ici comme aussi plus demain hier soir salut chez avant après sans leur cette le la les et est des un une du que qui pas je tu il nous vous pour dans sur avec ce au mais très merci bonjour ne elle sont suis aujourd hui c j l d qu',
  'es-ES': 'puedo ahora te también ya bien bueno eso esto este esta porque cuando donde dónde quiero vamos nos le les sí todo nada algo tiene hace ser son fue estar mañana ayer usted ustedes nosotros el la los las y es de que en un una no por con para se del lo al está muy pero como más gracias hola yo mi su hoy hay qué estoy tengo puedes',
  'it-IT': 'dal devo quindi ancora già tutto cosa dove quando bene buongiorno sì io mi ti ci vi si fare stato essere ha hanno abbiamo mio tuo suo al alla dei delle nella quello poi adesso domani ieri stasera allora solo dopo prima senza il lo la gli le e è di che un una non per con sono del della nel anche ma come più ciao grazie oggi molto questo questa sei ho hai perché',
  'pt-BR': 'tudo bem vai oi olá ao à pelo pela nos ele ela eles foi ser estou estava vou agora ainda também já aqui sim onde quando porque nada depois amanhã ontem minha meu seu sua fazer tem pode quero gente o a os as e é de que um uma não em para com do da dos das no na se mas muito obrigado obrigada você eu está isso como hoje tenho mais são',
  'pl-PL': 'mi ci go jej ich nam tu tam teraz jutro wczoraj dobrze cześć tylko bo jeszcze będzie był była są mój który która które przez od przy pod przed gdzie kiedy dlaczego i w z na nie się jest to że do jak ale co tak mnie jestem dla o po czy ten ta proszę dziękuję bardzo już mam dzisiaj może',
  'tr-TR': 'bana seni onu biz siz onlar her hiç şimdi sonra önce evet hayır lütfen tamam iyi güzel kadar sadece mu mü misin musun ki neden nerede ve bir bu da de ne için çok ile ben sen ama gibi var yok mi mı merhaba teşekkürler nasıl bugün değil şey daha sana beni',
  'nl-NL': 'om hoi wel naar bij al als dit deze wie ga gaan kom komen goed dag morgen nu zo dan toch geen even jullie ons hem haar mijn graag bedankt hallo heel veel nee de het een en van is dat niet ik je op te zijn met voor er maar ook wat hoe dank vandaag heb hebben nog wij jij',
  'sv-SE': 'och att det är som en på för med jag inte har av till den du vi om men så tack hej idag mycket kan vad',
  'da-DK': 'nogen endnu undskyld nu hvor vil skal også lidt rigtig og at det er en på til med jeg ikke har af den du vi som men så tak hej meget kan hvad hvordan mig være',
  'nb-NO': 'noen ennå unnskyld nå hvor vil skal også litt veldig og å det er en på til med jeg ikke har av den du vi som men så takk hei mye kan hva hvordan meg være',
  'ro-RO': 'și în de la este nu o un care cu pe să mai pentru ce sunt din ai am mulțumesc bună foarte astăzi azi',
  'is-IS': 'og að er ekki það ég þú við sem til á í um hann hún var með fyrir takk góðan daginn hvað',
  'cy-GB': 'y yr a ac yn i o mae ar ei ddim dw chi fi ni gyda hefyd bore da diolch sut beth rydw wedi',
  'fi-FI': 'ja on ei että se hän minä sinä me mutta kuin tämä oli kiitos hyvää päivää tänään olen mitä kun',
  'cs-CZ': 'zítra jedu mám máme jsi jsme byl bylo už ještě když proč kde tady teď moc vás mě a je se na v že to není jsem jak ale co pro s z do děkuji dobrý den dnes máš prosím také který',
  'ca-ES': 'el la els les i és de que en un una no per amb del al però molt gràcies bon dia avui com què està sóc tinc',
};

// Letters (and marks) that few languages use, with their weight per occurrence.
const LETTERS: Readonly<Partial<Record<Language, string>>> = {
  'de-DE': 'ß3 ä1 ö.5 ü1',
  'es-ES': 'ñ3 ¿3 ¡3 á.5 í.5 ó.5 ú.5',
  'pt-BR': 'ã3 õ3 ç1 ê.5 â.5 á.5 ô.5 ó.3 é.3',
  'fr-FR': 'œ3 è1 ê1 ë1 î1 ï1 ù1 û1 ç1 é.5 à.5 â.5',
  'it-IT': 'ò1 ì1 ù.5 è.5 à.5',
  'pl-PL': 'ą3 ć3 ę3 ł3 ń3 ś3 ź3 ż3 ó1',
  'tr-TR': 'ğ3 ı3 ş3 ç.5 ö.5 ü.5',
  'ro-RO': 'ă3 ș3 ț3 ş1 ţ3 â.5 î.5',
  'cs-CZ': 'ě3 ř3 ů3 č1 š1 ž1 ý1',
  'is-IS': 'þ3 ð3 æ1 ö.5 á.3 ó.3 ú.3',
  'da-DK': 'æ1 ø1 å.5',
  'nb-NO': 'æ1 ø1 å.5',
  'sv-SE': 'å1 ä1 ö1',
  'fi-FI': 'ä1 ö.5',
  'cy-GB': 'ŵ3 ŷ3',
  'ca-ES': '·3 ò.5 à.5 è.5 ç.5',
};

/** word → the languages that use it. */
const WORD_LANGUAGES = new Map<string, Language[]>();
for (const [language, words] of Object.entries(WORDS) as [Language, string][]) {
  for (const word of words.split(' ')) WORD_LANGUAGES.set(word, [...(WORD_LANGUAGES.get(word) ?? []), language]);
}
/** letter → [language, weight] pairs. */
const LETTER_WEIGHTS = new Map<string, [Language, number][]>();
for (const [language, letters] of Object.entries(LETTERS) as [Language, string][]) {
  for (const entry of letters.split(' ')) {
    const letter = entry[0] ?? '';
    LETTER_WEIGHTS.set(letter, [...(LETTER_WEIGHTS.get(letter) ?? []), [language, Number(entry.slice(1))]]);
  }
}

type Script = 'latin' | 'cyrillic' | 'kana' | 'han' | 'hangul' | 'arabic' | 'devanagari' | 'other';

/** Which script a letter belongs to, by code point; undefined for digits, punctuation, spaces, emoji. */
function scriptOf(c: number, ch: string): Script | undefined {
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) return 'latin';
  if (c < 0xc0) return undefined;
  if (c <= 0x24f) return c === 0xd7 || c === 0xf7 ? undefined : 'latin';
  if (c >= 0x400 && c <= 0x4ff) return 'cyrillic';
  if ((c >= 0x3040 && c <= 0x30ff) || (c >= 0x31f0 && c <= 0x31ff) || (c >= 0xff66 && c <= 0xff9f)) return 'kana';
  if ((c >= 0x4e00 && c <= 0x9fff) || (c >= 0x3400 && c <= 0x4dbf) || (c >= 0xf900 && c <= 0xfaff)) return 'han';
  if ((c >= 0xac00 && c <= 0xd7af) || (c >= 0x1100 && c <= 0x11ff) || (c >= 0x3130 && c <= 0x318f)) return 'hangul';
  if ((c >= 0x620 && c <= 0x64a) || (c >= 0x671 && c <= 0x6ff) || (c >= 0xfb50 && c <= 0xfdff) || (c >= 0xfe70 && c <= 0xfefe)) return 'arabic';
  if (c >= 0x900 && c <= 0x97f) return 'devanagari';
  if (c >= 0x1e00 && c <= 0x1eff) return 'latin';
  return LETTER.test(ch) ? 'other' : undefined;
}
const LETTER = /\p{L}/u;

// Cyrillic letters Russian never uses: Ukrainian і ї є ґ, Belarusian ў, Serbian/Macedonian ј љ њ ћ џ ѓ ќ ѕ,
// Kazakh and others ә ғ қ ң ө ұ ү һ. Polly speaks none of these languages.
const NON_RUSSIAN_CYRILLIC = /[іїєґўјљњћџѓќѕәғқңөұүһ]/g;
// Arabic-script letters of Persian and Urdu (پ چ ژ گ ک ی ے ٹ ڈ ڑ), which Polly does not speak either.
const NON_ARABIC = /[پچژگکیےٹڈڑ]/g;
// Characters common in Cantonese writing and absent from Mandarin.
const CANTONESE = /[嘅係唔咗冇啲佢嘢喺咁]/g;

const count = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0;

/**
 * Guesses the language of `text` from its first DETECTION_SAMPLE_LENGTH characters. When the text does
 * not decide (too short, only digits or emoji, ambiguous), the hint (Telegram `language_code`) does, if
 * Polly speaks it. A hint also picks the region of a language the text settled (`en` text + `en-GB`).
 */
export function detectLanguage(text: string, hint?: string): LanguageGuess {
  const fromText = guessFromText(text.slice(0, DETECTION_SAMPLE_LENGTH).normalize('NFC').toLowerCase());
  const hinted = languageFromHint(hint);
  if (fromText.language && fromText.confidence >= MIN_CONFIDENCE) {
    const variant = hinted && VARIANTS[fromText.language]?.includes(hinted) ? hinted : fromText.language;
    return { language: variant, confidence: fromText.confidence, source: 'text' };
  }
  // A text in a script Polly cannot speak (Ukrainian, Persian, Greek...) is not read in the hint's language.
  if (fromText.unsupported) return { language: undefined, confidence: fromText.confidence, source: 'none' };
  if (hinted) return { language: hinted, confidence: fromText.confidence, source: 'hint' };
  return { language: undefined, confidence: fromText.confidence, source: 'none' };
}

interface TextGuess {
  language: Language | undefined;
  confidence: number;
  /** The text is in a language Polly does not speak. */
  unsupported?: boolean;
}

function guessFromText(sample: string): TextGuess {
  const scripts: Record<Script, number> = { latin: 0, cyrillic: 0, kana: 0, han: 0, hangul: 0, arabic: 0, devanagari: 0, other: 0 };
  let letters = 0;
  for (let i = 0; i < sample.length; i++) {
    const script = scriptOf(sample.charCodeAt(i), sample[i] ?? '');
    if (script) {
      scripts[script]++;
      letters++;
    }
  }
  if (letters === 0) return { language: undefined, confidence: 0 };

  // Japanese writes kanji (Han) between kana; any real share of kana makes Han text Japanese.
  const cjk = scripts.kana + scripts.han;
  const japanese = scripts.kana > 0 && scripts.kana >= cjk * 0.1;
  const shares: [Script | 'japanese', number][] = [
    ['japanese', japanese ? cjk : 0],
    ['han', japanese ? 0 : scripts.han],
    ['latin', scripts.latin],
    ['cyrillic', scripts.cyrillic],
    ['hangul', scripts.hangul],
    ['arabic', scripts.arabic],
    ['devanagari', scripts.devanagari],
    ['other', scripts.other + (japanese ? 0 : scripts.kana)],
  ];
  shares.sort((a, b) => b[1] - a[1]);
  const [script, n] = shares[0] ?? ['other', 0];
  const share = n / letters;
  // A script is certain from three letters on; one or two letters ("Я", "ok") leave room for the hint.
  const scriptConfidence = share * Math.min(1, n / 3);

  switch (script) {
    case 'latin':
      return guessLatin(sample, share);
    case 'cyrillic':
      if (count(sample, NON_RUSSIAN_CYRILLIC) > n * 0.01) return { language: undefined, confidence: scriptConfidence, unsupported: true };
      return { language: 'ru-RU', confidence: scriptConfidence };
    case 'japanese':
      return { language: 'ja-JP', confidence: scriptConfidence };
    case 'han':
      if (count(sample, CANTONESE) > 0) return { language: 'yue-CN', confidence: scriptConfidence };
      return { language: 'cmn-CN', confidence: scriptConfidence };
    case 'hangul':
      return { language: 'ko-KR', confidence: scriptConfidence };
    case 'arabic':
      if (count(sample, NON_ARABIC) > n * 0.01) return { language: undefined, confidence: scriptConfidence, unsupported: true };
      return { language: 'arb', confidence: scriptConfidence };
    case 'devanagari':
      return { language: 'hi-IN', confidence: scriptConfidence };
    default:
      return { language: undefined, confidence: scriptConfidence, unsupported: scriptConfidence >= MIN_CONFIDENCE };
  }
}

const WORD = /[\p{L}\p{M}·]+/gu;

/** Scores Latin-script languages by frequent words and distinctive letters; the margin sets the confidence. */
function guessLatin(sample: string, share: number): TextGuess {
  const scores = new Map<Language, number>();
  const add = (language: Language, points: number) => scores.set(language, (scores.get(language) ?? 0) + points);
  for (const word of sample.match(WORD) ?? []) {
    const languages = WORD_LANGUAGES.get(word);
    if (languages) for (const language of languages) add(language, 1 / languages.length);
  }
  for (const ch of sample) {
    const weights = LETTER_WEIGHTS.get(ch);
    if (weights) for (const [language, weight] of weights) add(language, weight);
  }
  let best: Language | undefined;
  let top = 0;
  let second = 0;
  for (const [language, score] of scores) {
    if (score > top) {
      second = top;
      top = score;
      best = language;
    } else if (score > second) second = score;
  }
  if (!best) return { language: undefined, confidence: 0 };
  // A clear lead over the runner-up (half the winner's score or more) counts as full confidence.
  const confidence = share * Math.min(1, (2 * (top - second)) / top) * Math.min(1, top / FULL_EVIDENCE);
  return { language: best, confidence: Math.round(confidence * 100) / 100 };
}
