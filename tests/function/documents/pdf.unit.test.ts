/**
 * pdfText on real PDFs, written by the test (support/pdf.ts) and loaded as the worker loads it
 * (pdf-loader.ts: from the sources here, dist/pdf.mjs in the built worker).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { loadPdfText } from '../../../function/src/documents/pdf-loader.ts';
import { pdf } from '../support/pdf.ts';

const pdfText = await loadPdfText();
const LINE = 'A line of the report that is set across the whole width of the page, as body';

describe('pdfText', () => {
  test('two pages: in order, lines joined into paragraphs, a hyphenated word made whole, the running header and page numbers gone', async () => {
    const result = await pdfText(
      pdf([
        ['Quarterly Report', `${LINE} text is,`, 'and it goes on and on to a hyphen-', 'ated word.', '1'],
        ['Quarterly Report', `${LINE} text,`, 'on the second page.', '2'],
      ]),
    );
    assert.deepEqual(result, {
      ok: true,
      text: `${LINE} text is, and it goes on and on to a hyphenated word.\n${LINE} text, on the second page.`,
      truncated: false,
    });
  });

  test('a PDF downloaded into a Node Buffer is read as well (PDF.js itself refuses a Buffer)', async () => {
    assert.deepEqual(await pdfText(Buffer.from(pdf([['Words in a buffer.']]))), { ok: true, text: 'Words in a buffer.', truncated: false });
  });

  test('pages without text (a scan) are no_text; bytes that are no PDF are not_pdf', async () => {
    assert.deepEqual(await pdfText(pdf([[], []])), { ok: false, reason: 'no_text' });
    assert.deepEqual(await pdfText(new TextEncoder().encode('Not a PDF at all, just some words.')), { ok: false, reason: 'not_pdf' });
  });

  test('pages are read only until the text passes the cap: a long PDF is not read whole to be refused', async () => {
    const pages = Array.from({ length: 50 }, (_, n) => [`${LINE} on page ${n + 1} of many.`]);
    const capped = await pdfText(pdf(pages), { maxCharacters: 300 });
    assert.ok(capped.ok && capped.truncated);
    assert.match(capped.text, /on page 4 of many\.$/, 'a page is 97 characters: the fourth passes the cap, and reading stops there');
    const whole = await pdfText(pdf(pages.slice(0, 3)), { maxCharacters: 300 });
    assert.ok(whole.ok && !whole.truncated, 'a PDF within the cap is whole');
  });
});
