/**
 * A downloaded document's text: decoded, Markdown turned into what a listener hears, and the files
 * with nothing to read refused with the reason.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { documentText } from '../../../function/src/documents/read.ts';
import { pdf } from '../support/pdf.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('a document’s text', () => {
  test('a text file is its text, Markdown marks and all', async () => {
    assert.deepEqual(await documentText(utf8('# Not a heading in a .txt\n**as written**\n'), 'text'), { ok: true, text: '# Not a heading in a .txt\n**as written**\n', encoding: 'utf-8' });
  });

  test('a Markdown file is what a listener hears of it, in whichever encoding it was written', async () => {
    assert.deepEqual(await documentText(utf8('# Заметки\n\n**Важно:** читать [это](https://example.com).'), 'markdown'), { ok: true, text: 'Заметки.\n\nВажно: читать это.', encoding: 'utf-8' });
    // "# Привет\n*мир*" in Windows-1251.
    const cp1251 = Uint8Array.of(0x23, 0x20, 0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2, 0x0a, 0x2a, 0xec, 0xe8, 0xf0, 0x2a);
    assert.deepEqual(await documentText(cp1251, 'markdown'), { ok: true, text: 'Привет.\n\nмир', encoding: 'windows-1251' });
  });

  test('a file that is not text, or not in an encoding we read, is refused with the reason', async () => {
    assert.deepEqual(await documentText(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d), 'text'), { ok: false, reason: 'binary' });
    assert.deepEqual(await documentText(Uint8Array.of(0xff, 0xfe, 0x00, 0xd8), 'markdown'), { ok: false, reason: 'binary' });
    let seed = 3;
    const highBytes = Uint8Array.from({ length: 2048 }, () => 0x80 | ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 25));
    assert.deepEqual(await documentText(highBytes, 'text'), { ok: false, reason: 'unknown_encoding' });
  });

  test('nothing to read is empty: no bytes, only whitespace, a Markdown file of code and rules', async () => {
    assert.deepEqual(await documentText(new Uint8Array(), 'text'), { ok: false, reason: 'empty' });
    assert.deepEqual(await documentText(utf8(' \r\n\t\n'), 'text'), { ok: false, reason: 'empty' });
    assert.deepEqual(await documentText(utf8('```js\nconsole.log(1);\n```\n\n---\n'), 'markdown'), { ok: false, reason: 'empty' });
    assert.deepEqual(await documentText(utf8('```js\nconsole.log(1);\n```\n'), 'text'), { ok: true, text: '```js\nconsole.log(1);\n```\n', encoding: 'utf-8' });
  });

  test('a PDF is read by PDF.js, loaded for it, within the cap it is given', async () => {
    const pages = [['The first page of three, a line that is long enough.'], ['The second page.'], ['The third page.']];
    assert.deepEqual(await documentText(pdf(pages), 'pdf'), { ok: true, text: 'The first page of three, a line that is long enough.\nThe second page.\nThe third page.', truncated: false });
    assert.deepEqual(await documentText(pdf(pages), 'pdf', { maxCharacters: 10 }), { ok: true, text: 'The first page of three, a line that is long enough.', truncated: true });
  });

  test('a PDF’s reading is given up when the signal aborts first (PDF.js works on the event loop and is not stopped by it)', async () => {
    const deadline = new AbortController();
    const reading = documentText(pdf([['Never read in time.']]), 'pdf', { signal: deadline.signal });
    deadline.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    await assert.rejects(reading, { name: 'TimeoutError' });
    await assert.rejects(documentText(pdf([['Never read.']]), 'pdf', { signal: AbortSignal.abort(new Error('too late')) }), /too late/);
  });
});
