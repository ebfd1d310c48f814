/**
 * Encoding detection on samples of our languages, each written in the code page such files were
 * written in, short (one sentence) and long (a paragraph): the text must come back exactly, or the
 * file be refused, never read as mojibake.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decodeText } from '../../../function/src/documents/encoding.ts';

/**
 * The bytes a legacy code page writes a text as: its decoder's table, inverted. Node 20 decodes
 * windows-1252 as Latin-1, so Western texts are written with windows-1254's table, which differs from
 * 1252 only in six Turkish letters that none of them uses.
 */
function encode(text: string, encoding: string): Uint8Array {
  const table = new Map<string, number>();
  const decoder = new TextDecoder(encoding === 'windows-1252' ? 'windows-1254' : encoding);
  for (let byte = 0; byte < 256; byte++) table.set(decoder.decode(Uint8Array.of(byte)), byte);
  return Uint8Array.from([...text].map((char) => {
    const byte = table.get(char);
    if (byte === undefined) throw new Error(`${encoding} has no ${char}`);
    return byte;
  }));
}

const SAMPLES: { language: string; pages: string[]; sentence: string; paragraph: string }[] = [
  { language: 'Russian', pages: ['windows-1251', 'koi8-r', 'ibm866'], sentence: 'Привет, как дела?', paragraph: 'Съешь же ещё этих мягких французских булок, да выпей чаю. В чащах юга жил бы цитрус? Да, но фальшивый экземпляр! «Ёлка» — это №1.' },
  { language: 'Ukrainian', pages: ['windows-1251'], sentence: 'Дякую, їжак і ґанок.', paragraph: 'Чуєш їх, доцю, га? Кумедна ж ти, прощайся без ґольфів! Жебракують філософи при ґанку церкви в Гадячі.' },
  { language: 'German', pages: ['windows-1252'], sentence: 'Grüße aus München.', paragraph: 'Zwölf Boxkämpfer jagen Viktor quer über den großen Sylter Deich. Größe und Öl sind nicht dasselbe – „wirklich“.' },
  { language: 'French', pages: ['windows-1252'], sentence: 'Où est la bibliothèque ?', paragraph: 'Voix ambiguë d’un cœur qui, au zéphyr, préfère les jattes de kiwis. Le château était à côté de l’église — « très beau ».' },
  { language: 'Spanish', pages: ['windows-1252'], sentence: '¿Qué tal, señor?', paragraph: 'El pingüino Wenceslao hizo kilómetros bajo exhaustiva lluvia y frío, añoraba a su querido cachorro. ¡Qué día!' },
  { language: 'Italian', pages: ['windows-1252'], sentence: 'Perché no? È così.', paragraph: 'Quel vituperabile xenofobo zelante assaggia il whisky ed esclama: alleluja! Più tardi andrà là, perché è già ora.' },
  { language: 'Portuguese', pages: ['windows-1252'], sentence: 'Não há ação sem razão.', paragraph: 'Luís argüia à Júlia que «brações, fé, chá, óxido, pôr, zângão» eram palavras do português. A informação está lá.' },
  { language: 'Polish', pages: ['windows-1250'], sentence: 'Dzień dobry, żółw!', paragraph: 'Pchnąć w tę łódź jeża lub ośm skrzyń fig. Zażółć gęślą jaźń, a potem idź spać — „dobranoc”.' },
  { language: 'Czech', pages: ['windows-1250'], sentence: 'Děkuji, příště.', paragraph: 'Příliš žluťoučký kůň úpěl ďábelské ódy. Čeština má háčky i čárky.' },
  { language: 'Turkish', pages: ['windows-1254'], sentence: 'Günaydın, şişe!', paragraph: 'Pijamalı hasta yağız şoföre çabucak güvendi. İstanbul’da ılık bir gün geçirdik; Ağrı Dağı çok yüksek.' },
];

describe('detecting a text file’s encoding', () => {
  test('UTF-8, with or without a byte order mark, and UTF-16 with one, come back exactly', () => {
    const text = 'Привет, Grüße, żółw, şişe 👍 — «test»';
    const utf8 = new TextEncoder().encode(text);
    assert.deepEqual(decodeText(utf8), { ok: true, text, encoding: 'utf-8' });
    assert.deepEqual(decodeText(Uint8Array.of(0xef, 0xbb, 0xbf, ...utf8)), { ok: true, text, encoding: 'utf-8' });
    const le = Buffer.from(text, 'utf16le');
    assert.deepEqual(decodeText(Uint8Array.of(0xff, 0xfe, ...le)), { ok: true, text, encoding: 'utf-16le' });
    const be = Buffer.from(le).swap16();
    assert.deepEqual(decodeText(Uint8Array.of(0xfe, 0xff, ...be)), { ok: true, text, encoding: 'utf-16be' });
    assert.deepEqual(decodeText(new TextEncoder().encode('Plain ASCII.')), { ok: true, text: 'Plain ASCII.', encoding: 'utf-8' });
  });

  // KOI8-R and DOS 866 have no typographic quotes, dashes or numero sign: files in them used plain ones.
  const inPage = (text: string, page: string) => (page === 'koi8-r' || page === 'ibm866' ? text.replace(/[«»]/g, '"').replaceAll('№', 'N').replaceAll('—', '-') : text);

  for (const { language, pages, paragraph } of SAMPLES) {
    for (const page of pages) {
      test(`${language} in ${page}: a paragraph, and a document of paragraphs, come back exactly`, () => {
        for (const text of [paragraph, `${paragraph}\n\n${paragraph}`].map((t) => inPage(t, page))) {
          const decoded = decodeText(encode(text, page));
          assert.ok(decoded.ok, `${language} ${page}: refused (${!decoded.ok && decoded.reason})`);
          assert.equal(decoded.text, text, `${language} ${page}: read as ${decoded.encoding}`);
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
    // Measured: Czech "Děkuji, příště." in Windows-1250 reads as "Dìkuji, pøíštì." in 1252, letters of
    // Italian and Danish; no rule of letters alone tells them apart, and a document is longer than that.
    assert.deepEqual(misread, ['Czech windows-1250 → windows-1252: Dìkuji, pøíštì.']);
  });

  test('a binary file is refused, as is text in a code page we do not read', () => {
    assert.deepEqual(decodeText(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d)), { ok: false, reason: 'binary' });
    assert.deepEqual(decodeText(Uint8Array.of(0xff, 0xfe, 0x00, 0xd8, 0x41, 0x00)), { ok: false, reason: 'binary' }, 'UTF-16 with a lone surrogate');
    const greek = encode('Γαζέες καὶ μυρτιὲς δὲν θὰ βρῶ πιὰ στὸ χρυσαφὶ ξέφωτο.'.normalize('NFC').replace(/[ὶὲὰῶὸ]/g, 'ι'), 'windows-1253');
    assert.equal(decodeText(greek).ok, false, 'Greek in windows-1253 is not guessed as some other page');
  });
});
