/**
 * A downloaded document's text: decoded, Markdown turned into what a listener hears, and the files
 * with nothing to read refused with the reason.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { documentText } from '../../../function/src/documents/read.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('a document’s text', () => {
  test('a text file is its text, Markdown marks and all', () => {
    assert.deepEqual(documentText(utf8('# Not a heading in a .txt\n**as written**\n'), 'text'), { ok: true, text: '# Not a heading in a .txt\n**as written**\n', encoding: 'utf-8' });
  });

  test('a Markdown file is what a listener hears of it, in whichever encoding it was written', () => {
    assert.deepEqual(documentText(utf8('# Заметки\n\n**Важно:** читать [это](https://example.com).'), 'markdown'), { ok: true, text: 'Заметки.\n\nВажно: читать это.', encoding: 'utf-8' });
    // "# Привет\n*мир*" in Windows-1251.
    const cp1251 = Uint8Array.of(0x23, 0x20, 0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2, 0x0a, 0x2a, 0xec, 0xe8, 0xf0, 0x2a);
    assert.deepEqual(documentText(cp1251, 'markdown'), { ok: true, text: 'Привет.\n\nмир', encoding: 'windows-1251' });
  });

  test('a file that is not text, or not in an encoding we read, is refused with the reason', () => {
    assert.deepEqual(documentText(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d), 'text'), { ok: false, reason: 'binary' });
    assert.deepEqual(documentText(Uint8Array.of(0xff, 0xfe, 0x00, 0xd8), 'markdown'), { ok: false, reason: 'binary' });
    let seed = 3;
    const highBytes = Uint8Array.from({ length: 2048 }, () => 0x80 | ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 25));
    assert.deepEqual(documentText(highBytes, 'text'), { ok: false, reason: 'unknown_encoding' });
  });

  test('nothing to read is empty: no bytes, only whitespace, a Markdown file of code and rules', () => {
    assert.deepEqual(documentText(new Uint8Array(), 'text'), { ok: false, reason: 'empty' });
    assert.deepEqual(documentText(utf8(' \r\n\t\n'), 'text'), { ok: false, reason: 'empty' });
    assert.deepEqual(documentText(utf8('```js\nconsole.log(1);\n```\n\n---\n'), 'markdown'), { ok: false, reason: 'empty' });
    assert.deepEqual(documentText(utf8('```js\nconsole.log(1);\n```\n'), 'text'), { ok: true, text: '```js\nconsole.log(1);\n```\n', encoding: 'utf-8' });
  });
});
