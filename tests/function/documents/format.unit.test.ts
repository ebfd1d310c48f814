/**
 * Which documents are read aloud, from their metadata alone; and the module that tells stays free of
 * imports, since the webhook's bundle holds it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { documentFormat } from '../../../function/src/documents/format.ts';
import { importsOf } from '../support/import-graph.ts';

describe('the format a document is read in', () => {
  test('the extension decides first, in any case, whatever the MIME type says', () => {
    assert.equal(documentFormat({ file_name: 'notes.txt', mime_type: 'text/plain' }), 'text');
    assert.equal(documentFormat({ file_name: 'NOTES.TEXT' }), 'text');
    assert.equal(documentFormat({ file_name: 'README.md', mime_type: 'application/octet-stream' }), 'markdown');
    assert.equal(documentFormat({ file_name: 'guide.Markdown', mime_type: 'text/plain' }), 'markdown');
    assert.equal(documentFormat({ file_name: 'notes.txt', mime_type: 'text/markdown' }), 'text');
    assert.equal(documentFormat({ file_name: 'Book.EPUB', mime_type: 'application/octet-stream' }), 'epub');
  });

  test('without a known extension, the MIME type decides, parameters and case aside', () => {
    assert.equal(documentFormat({ file_name: 'README', mime_type: 'text/plain; charset=utf-8' }), 'text');
    assert.equal(documentFormat({ file_name: 'server.log', mime_type: 'Text/Plain' }), 'text');
    assert.equal(documentFormat({ mime_type: 'text/markdown' }), 'markdown');
    assert.equal(documentFormat({ file_name: 'notes', mime_type: 'text/x-markdown' }), 'markdown');
    assert.equal(documentFormat({ file_name: 'book', mime_type: 'application/epub+zip' }), 'epub');
    assert.equal(documentFormat({ file_name: 'scan0001', mime_type: 'application/pdf' }), 'pdf');
  });

  test('anything else is not read', () => {
    assert.equal(documentFormat({ file_name: 'photo.jpg', mime_type: 'image/jpeg' }), undefined);
    assert.equal(documentFormat({ file_name: 'report.docx', mime_type: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document' }), undefined);
    assert.equal(documentFormat({ file_name: 'data.csv', mime_type: 'text/csv' }), undefined);
    assert.equal(documentFormat({ file_name: 'notes.txt.exe', mime_type: 'application/x-msdownload' }), undefined);
    assert.equal(documentFormat({}), undefined);
  });

  test('format.ts imports nothing that runs (types are erased): the webhook imports it, and the decoding must stay out of its bundle', () => {
    const source = readFileSync(new URL('../../../function/src/documents/format.ts', import.meta.url), 'utf8');
    assert.deepEqual(importsOf(source).filter((i) => !i.typeOnly), []);
  });
});
