/**
 * Encoding detection on samples of the languages the bot reads, each written in the code pages such
 * files were written in, short (one sentence) and long (a paragraph): the text must come back exactly,
 * or the file be refused, never read as mojibake.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeText } from '../../../function/src/documents/encoding.ts';

const tables = new Map<string, Map<string, number[]>>();
const windows1254 = new TextDecoder('windows-1254');

/**
 * The bytes an encoding writes a text as: its decoder's table, inverted, over every one- and two-byte
 * sequence (the common characters of the CJK pages all take two). Node 20 decodes windows-1252 as
 * Latin-1, so its quotes and dashes (0x80-0x9F) are taken from windows-1254's table, which has the same
 * there. Big5's first two-byte rows are Hong Kong additions that repeat
 * standard characters: the standard rows are read first.
 */
function encode(text: string, encoding: string): Uint8Array {
  let table = tables.get(encoding);
  if (!table) {
    table = new Map();
    const decoder = new TextDecoder(encoding);
    const decode = (bytes: number[]) => (encoding === 'windows-1252' && bytes[0]! >= 0x80 && bytes[0]! <= 0x9f ? windows1254.decode(Uint8Array.from(bytes)) : decoder.decode(Uint8Array.from(bytes)));
    const add = (bytes: number[]) => {
      const chars = [...decode(bytes)];
      if (chars.length === 1 && chars[0] !== '\ufffd' && !table!.has(chars[0]!)) table!.set(chars[0]!, bytes);
    };
    for (let byte = 0; byte < 256; byte++) add([byte]);
    const leads = Array.from({ length: 126 }, (_, i) => 0x81 + i).sort((a, b) => Number(a < 0xa1) - Number(b < 0xa1) || a - b);
    for (const lead of leads) for (let trail = 0x40; trail <= 0xfe; trail++) add([lead, trail]);
    tables.set(encoding, table);
  }
  return Uint8Array.from([...text].flatMap((char) => {
    const bytes = table.get(char);
    if (bytes === undefined) throw new Error(`${encoding} has no ${char}`);
    return bytes;
  }));
}

/** A paragraph, a short sentence, and the pages it is tried in (with the page that is meant to read it back, when not the same). */
const SAMPLES: { language: string; pages: string[]; sentence: string; paragraph: string }[] = [
  { language: 'Russian', pages: ['windows-1251', 'koi8-r', 'ibm866'], sentence: 'Привет, как дела?', paragraph: 'Съешь же ещё этих мягких французских булок, да выпей чаю. В чащах юга жил бы цитрус? Да, но фальшивый экземпляр! «Ёлка» — это №1.' },
  { language: 'Ukrainian', pages: ['windows-1251'], sentence: 'Дякую, їжак і ґанок.', paragraph: 'Чуєш їх, доцю, га? Кумедна ж ти, прощайся без ґольфів! Жебракують філософи при ґанку церкви в Гадячі.' },
  { language: 'German', pages: ['windows-1252'], sentence: 'Grüße aus München.', paragraph: 'Zwölf Boxkämpfer jagen Viktor quer über den großen Sylter Deich. Größe und Öl sind nicht dasselbe – „wirklich“.' },
  { language: 'French', pages: ['windows-1252'], sentence: 'Où est la bibliothèque ?', paragraph: 'Voix ambiguë d’un cœur qui, au zéphyr, préfère les jattes de kiwis. Le château était à côté de l’église — « très beau ».' },
  { language: 'Spanish', pages: ['windows-1252'], sentence: '¿Qué tal, señor?', paragraph: 'El pingüino Wenceslao hizo kilómetros bajo exhaustiva lluvia y frío, añoraba a su querido cachorro. ¡Qué día!' },
  { language: 'Italian', pages: ['windows-1252'], sentence: 'Perché no? È così.', paragraph: 'Quel vituperabile xenofobo zelante assaggia il whisky ed esclama: alleluja! Più tardi andrà là, perché è già ora.' },
  { language: 'Portuguese', pages: ['windows-1252'], sentence: 'Não há ação sem razão.', paragraph: 'Luís argüia à Júlia que «brações, fé, chá, óxido, pôr, zângão» eram palavras do português. A informação está lá.' },
  { language: 'Catalan', pages: ['windows-1252'], sentence: 'Què fas avui?', paragraph: 'Jove xef, porti whisky amb quinze glaçons d’hidrogen, coi! L’àvia va a la plaça a comprar pèsols i col·liflor.' },
  { language: 'Dutch', pages: ['windows-1252'], sentence: 'Één ideeën, geen.', paragraph: 'Pa’s wijze lynx bezag vroom het fikse aquaduct. Wij maken één boek vol ideeën; coöperatie is hier belangrijk.' },
  { language: 'Swedish', pages: ['windows-1252'], sentence: 'Hej, hur mår du?', paragraph: 'Flygande bäckasiner söka hwila på mjuka tuvor. Räksmörgås är gott på sommaren, och sjön är varm.' },
  { language: 'Danish', pages: ['windows-1252'], sentence: 'Rødgrød med fløde.', paragraph: 'Høj bly gom vandt fræk sexquiz på wc. Vi spiser rødgrød med fløde, når vi er i Århus om sommeren.' },
  { language: 'Norwegian', pages: ['windows-1252'], sentence: 'Blåbærsyltetøy er godt.', paragraph: 'Vår sære Zulu fra badeøya spilte jo whist og quickstep i min taxi. Blåbærsyltetøy på brødskiva er godt.' },
  { language: 'Finnish', pages: ['windows-1252'], sentence: 'Hyvää päivää!', paragraph: 'Törkylempijävongahdus. Hyvää päivää, mitä kuuluu? Järvellä on tänään kaunis sää, ja kesä on lämmin.' },
  { language: 'Icelandic', pages: ['windows-1252'], sentence: 'Það er gott.', paragraph: 'Kæmi ný öxi hér, ykist þjófum nú bæði víl og ádrepa. Það er gott að vera á Íslandi á sumrin.' },
  { language: 'Welsh', pages: ['windows-1252'], sentence: 'Mae’r côr yn canu.', paragraph: 'Aeth y côr i’r capel ac roedd tân yn y grât. Mae’r gân yn hyfryd, a bydd y bardd yn copïo’r geiriau.' },
  { language: 'Polish', pages: ['windows-1250', 'iso-8859-2'], sentence: 'Dzień dobry, żółw!', paragraph: 'Pchnąć w tę łódź jeża lub ośm skrzyń fig. Zażółć gęślą jaźń, a potem idź spać — „dobranoc”.' },
  { language: 'Czech', pages: ['windows-1250', 'iso-8859-2'], sentence: 'Děkuji, příště.', paragraph: 'Příliš žluťoučký kůň úpěl ďábelské ódy. Čeština má háčky i čárky.' },
  // ISO-8859-2 writes Romanian's letters in the same bytes as Windows-1250.
  { language: 'Romanian', pages: ['windows-1250'], sentence: 'Mulţumesc frumos!', paragraph: 'Înjurând piţigăiat, zoofobul comandă vexat whisky şi tequila. Mâine mergem la munte şi ne întoarcem joi.' },
  { language: 'Turkish', pages: ['windows-1254'], sentence: 'Günaydın, şişe!', paragraph: 'Pijamalı hasta yağız şoföre çabucak güvendi. İstanbul’da ılık bir gün geçirdik; Ağrı Dağı çok yüksek.' },
  { language: 'Arabic', pages: ['windows-1256'], sentence: 'مرحبا، كيف حالك؟', paragraph: 'يولد جميع الناس أحرارًا متساوين في الكرامة والحقوق. وهم قد وهبوا عقلاً وضميرًا وعليهم أن يعامل بعضهم بعضًا بروح الإخاء.' },
  { language: 'Japanese', pages: ['shift_jis', 'euc-jp'], sentence: 'ありがとう。', paragraph: '吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。何でも薄暗いじめじめした所でニャーニャー泣いていた事だけは記憶している。' },
  { language: 'Korean', pages: ['euc-kr'], sentence: '감사합니다.', paragraph: '대한민국은 민주공화국이다. 대한민국의 주권은 국민에게 있고, 모든 권력은 국민으로부터 나온다. 오늘은 날씨가 정말 좋네요.' },
  { language: 'Chinese (simplified)', pages: ['gb18030'], sentence: '早上好', paragraph: '我们的生活越来越好了。今天天气很好，我和朋友一起去公园散步。中国是一个历史悠久的国家，有着丰富的文化传统。' },
  { language: 'Chinese (traditional)', pages: ['big5'], sentence: '謝謝你。', paragraph: '我們的生活越來越好了。今天天氣很好，我和朋友一起去公園散步。臺灣是一個美麗的島嶼，有著豐富的文化傳統。' },
];

// KOI8-R, DOS 866 and ISO-8859-2 have no typographic quotes, dashes or numero sign: files in them used plain ones.
const inPage = (text: string, page: string) =>
  ['koi8-r', 'ibm866', 'iso-8859-2'].includes(page) ? text.replace(/[«»„“”]/g, '"').replaceAll('№', 'N').replace(/[—–]/g, '-') : text;

describe('detecting a text file’s encoding', () => {
  test('UTF-8, with or without a byte order mark, and UTF-16 LE and BE with one, come back exactly', () => {
    const text = 'Привет, Grüße, żółw, şişe, 日本語, 한국어, مرحبا 👍 — «test»';
    const utf8 = new TextEncoder().encode(text);
    assert.deepEqual(decodeText(utf8), { ok: true, text, encoding: 'utf-8' });
    assert.deepEqual(decodeText(Uint8Array.of(0xef, 0xbb, 0xbf, ...utf8)), { ok: true, text, encoding: 'utf-8' });
    const le = Buffer.from(text, 'utf16le');
    assert.deepEqual(decodeText(Uint8Array.of(0xff, 0xfe, ...le)), { ok: true, text, encoding: 'utf-16le' });
    const be = Buffer.from(le).swap16();
    assert.deepEqual(decodeText(Uint8Array.of(0xfe, 0xff, ...be)), { ok: true, text, encoding: 'utf-16be' });
  });

  test('plain ASCII is UTF-8, an empty file an empty text', () => {
    const text = 'Plain ASCII.\r\nTabs\tand form feeds\f are text.';
    assert.deepEqual(decodeText(new TextEncoder().encode(text)), { ok: true, text, encoding: 'utf-8' });
    assert.deepEqual(decodeText(new Uint8Array()), { ok: true, text: '', encoding: 'utf-8' });
  });

  for (const { language, pages, paragraph } of SAMPLES) {
    for (const page of pages) {
      test(`${language} in ${page}: a paragraph, and a document of paragraphs, come back exactly`, () => {
        for (const text of [paragraph, `${paragraph}\n\n${paragraph}`].map((t) => inPage(t, page))) {
          assert.deepEqual(decodeText(encode(text, page)), { ok: true, text, encoding: page });
        }
      });
    }
  }

  test('single short sentences: all are read as text of our languages, and all but the truly ambiguous exactly', () => {
    const misread: string[] = [];
    for (const { language, pages, sentence } of SAMPLES) {
      for (const page of pages) {
        const text = inPage(sentence, page);
        const decoded = decodeText(encode(text, page));
        assert.ok(decoded.ok, `${language} ${page}: a sentence is refused`);
        if (decoded.text !== text) misread.push(`${language} ${page} → ${decoded.encoding}: ${decoded.text}`);
      }
    }
    // Measured: Romanian "Mulţumesc" in Windows-1250 is "Mulþumesc" in 1252, its one accented letter
    // Icelandic's; no rule of letters tells them apart, and a document is longer than that. (Czech
    // "Děkuji, příště." read as 1252 "Dìkuji, pøíštì." is told: no language writes ø with ì.)
    assert.deepEqual(misread, ['Romanian windows-1250 → windows-1252: Mulþumesc frumos!']);
  });

  test('a few CJK characters are too few to tell: measured, these read in another page', () => {
    const texts: [string, string][] = [['中文', 'gb18030'], ['我爱你', 'gb18030'], ['你好吗？', 'gb18030'], ['東京', 'shift_jis'], ['日本語', 'euc-jp'], ['新年快乐', 'gb18030'], ['新年快樂', 'big5'], ['사랑해요', 'euc-kr']];
    const misread = texts.flatMap(([text, page]) => {
      const decoded = decodeText(encode(text, page));
      return decoded.ok && decoded.text === text ? [] : [`${text} → ${decoded.ok ? `${decoded.encoding}: ${decoded.text}` : decoded.reason}`];
    });
    assert.deepEqual(misread, ['中文 → windows-1251: ЦРОД', '我爱你 → windows-1251: ОТ°®Дг', '你好吗？ → euc-kr: 콱봤찐？', '東京 → ibm866: УМЛЮ', '日本語 → gb18030: 泣塑胳']);
  });

  test('ASCII before the first non-ASCII byte does not decide the page: a Russian text after an English page', () => {
    const text = `${'An English introduction. '.repeat(4000)}\n${inPage(SAMPLES[0]!.paragraph, 'koi8-r')}`;
    assert.deepEqual(decodeText(encode(text, 'koi8-r')), { ok: true, text, encoding: 'koi8-r' });
  });

  test('a text whose every word reads in two pages is read in the page that makes it one language', () => {
    // In Windows-1252 each word is Icelandic ("Kýþýn", "soðuk", "Öðretmen") or French ("çok"), not both.
    const text = 'Kışın çok soğuk olur; şimdi yağmur yağıyor. Öğretmen çocuklara kitap okudu.';
    assert.deepEqual(decodeText(encode(text, 'windows-1254')), { ok: true, text, encoding: 'windows-1254' });
  });

  test('a Western text with a sign no language writes in words is still read as Western, not in Chinese characters', () => {
    // "µm" is no word of Catalan; as GB18030, "gla鏾ns" and "5 礛" are Chinese characters throughout.
    const catalan = SAMPLES.find((sample) => sample.language === 'Catalan')!.paragraph;
    const text = `${catalan}\n${catalan} El filtre atura partícules de 5 µm.`;
    assert.deepEqual(decodeText(encode(text, 'windows-1252')), { ok: true, text, encoding: 'windows-1252' });
  });

  test('a DOS file’s end-of-file mark is not text', () => {
    const text = inPage(SAMPLES[0]!.paragraph, 'ibm866');
    assert.deepEqual(decodeText(Uint8Array.of(...encode(text, 'ibm866'), 0x1a)), { ok: true, text, encoding: 'ibm866' });
  });

  test('a binary file is refused: a PNG header, zero bytes, random bytes, UTF-16 with a lone surrogate', () => {
    assert.deepEqual(decodeText(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52)), { ok: false, reason: 'binary' });
    assert.deepEqual(decodeText(new Uint8Array(1024)), { ok: false, reason: 'binary' });
    assert.deepEqual(decodeText(Uint8Array.of(0xff, 0xfe, 0x00, 0xd8, 0x41, 0x00)), { ok: false, reason: 'binary' });
    // A seeded generator: the same bytes every run.
    let seed = 42;
    const random = Uint8Array.from({ length: 4096 }, () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24);
    assert.deepEqual(decodeText(random), { ok: false, reason: 'binary' });
  });

  test('random bytes with no control characters are refused, not read as some page', () => {
    let seed = 7;
    const random = Uint8Array.from({ length: 4096 }, () => 0x80 | ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 25));
    assert.deepEqual(decodeText(random), { ok: false, reason: 'unknown_encoding' });
  });

  test('text in a code page we do not read is refused, not guessed as another', () => {
    const greek = encode('Ξεσκεπάζω την ψυχοφθόρα βδελυγμία. Το καλοκαίρι πηγαίνουμε στη θάλασσα και κολυμπάμε.', 'windows-1253');
    assert.deepEqual(decodeText(greek), { ok: false, reason: 'unknown_encoding' });
  });
});
