/**
 * An EPUB book's text: its spine's pages in reading order, as a listener hears them (headings as
 * sentences, entities as characters, no scripts, styles or head); and the files that are no book, or a
 * book locked by DRM, refused with the reason.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { epubText, xhtmlText } from '../../../function/src/documents/epub.ts';
import { documentText } from '../../../function/src/documents/read.ts';
import { AES128_CBC, encryptionXml, epub, FONT_OBFUSCATION, xhtml, zip } from '../support/epub.ts';

const page = (id: string, body: string, href = `${id}.xhtml`) => ({ id, href, body });

describe('an EPUB book', () => {
  test('is read in the order of its spine, not of its manifest, and without its non-linear pages', () => {
    const book = epub({
      pages: [page('notes', '<p>Notes read on demand.</p>'), page('two', '<p>The second chapter.</p>'), page('one', '<p>The first chapter.</p>'), page('unlisted', '<p>In the manifest only.</p>')],
      spine: ['<itemref idref="one"/>', '<itemref idref="notes" linear="no"/>', '<itemref idref="two" linear="yes"/>'],
    });
    assert.deepEqual(epubText(book), { ok: true, text: 'The first chapter.\nThe second chapter.' });
  });

  test('finds each page relative to the package, its href percent-decoded, wherever the package is', () => {
    const pages = [page('c1', '<p>Chapter two, with a space in its file name.</p>', 'Text/chapter%202.xhtml'), page('c2', '<p>Up and across.</p>', '../Other/%C3%A9t%C3%A9.xhtml#start')];
    assert.deepEqual(epubText(epub({ pages, packagePath: 'OEBPS/package/content.opf' })), { ok: true, text: 'Chapter two, with a space in its file name.\nUp and across.' });
    assert.deepEqual(epubText(epub({ pages: [page('c1', '<p>At the root.</p>')], packagePath: 'content.opf' })), { ok: true, text: 'At the root.' });
  });

  test('reads only the pages of text in the spine: an image page is not read', () => {
    const pages = [{ id: 'cover', href: 'cover.svg', body: '<text>Not read</text>', mediaType: 'image/svg+xml' }, page('c1', '<p>Read.</p>')];
    assert.deepEqual(epubText(epub({ pages })), { ok: true, text: 'Read.' });
  });

  test('is read through documentText like any document', async () => {
    assert.deepEqual(await documentText(epub({ pages: [page('c1', '<h1>Title</h1><p>Text.</p>')] }), 'epub'), { ok: true, text: 'Title.\nText.' });
  });

  test('locked by DRM, that is with a spine page in encryption.xml, is refused', () => {
    const pages = [page('c1', '<p>Ciphertext in a real book.</p>', 'chapter%201.xhtml')];
    const drm = encryptionXml([{ algorithm: AES128_CBC, uri: 'OEBPS/chapter%201.xhtml' }]);
    assert.deepEqual(epubText(epub({ pages, files: [drm] })), { ok: false, reason: 'drm' });
    // An entry the zip itself encrypts is as locked.
    const zipped = zip([
      { name: 'META-INF/container.xml', data: '<container><rootfiles><rootfile full-path="content.opf"/></rootfiles></container>' },
      { name: 'content.opf', data: '<package><manifest><item id="a" href="a.xhtml" media-type="application/xhtml+xml"/></manifest><spine><itemref idref="a"/></spine></package>' },
      { name: 'a.xhtml', data: xhtml('<p>x</p>'), flags: 1 },
    ]);
    assert.deepEqual(epubText(zipped), { ok: false, reason: 'drm' });
  });

  test('with only its fonts obfuscated is read', () => {
    const font = encryptionXml([{ algorithm: FONT_OBFUSCATION, uri: 'OEBPS/fonts/serif.otf' }]);
    const book = epub({ pages: [page('c1', '<p>Set in an obfuscated font.</p>')], files: [font, { name: 'OEBPS/fonts/serif.otf', data: Uint8Array.of(1, 2, 3) }] });
    assert.deepEqual(epubText(book), { ok: true, text: 'Set in an obfuscated font.' });
  });

  test('with nothing to read is empty', () => {
    assert.deepEqual(epubText(epub({ pages: [page('cover', '<div><img src="cover.jpg" alt="The cover"/></div>')] })), { ok: false, reason: 'empty' });
  });

  test('a file that is no EPUB is refused: no zip, no container, no package, no spine', () => {
    const notEpub = { ok: false, reason: 'not_epub' };
    assert.deepEqual(epubText(new TextEncoder().encode('A text file named book.epub')), notEpub);
    assert.deepEqual(epubText(zip([{ name: 'word/document.xml', data: '<w:document/>' }])), notEpub);
    assert.deepEqual(epubText(zip([{ name: 'META-INF/container.xml', data: '<container><rootfiles><rootfile full-path="missing.opf"/></rootfiles></container>' }])), notEpub);
    const noSpine = zip([
      { name: 'META-INF/container.xml', data: '<container><rootfiles><rootfile full-path="content.opf"/></rootfiles></container>' },
      // A spine inside a comment is no spine.
      { name: 'content.opf', data: '<package><manifest><item id="a" href="a.xhtml" media-type="application/xhtml+xml"/></manifest><!-- <spine><itemref idref="a"/></spine> --></package>' },
      { name: 'a.xhtml', data: xhtml('<p>x</p>') },
    ]);
    assert.deepEqual(epubText(noSpine), notEpub);
  });

  test('a book with a name that climbs out of the archive, or a page that inflates past its size, is refused', () => {
    assert.deepEqual(epubText(epub({ pages: [page('c1', '<p>x</p>')], files: [{ name: '../../etc/passwd', data: 'x' }] })), { ok: false, reason: 'not_epub' });
    const book = epub({ pages: [page('c1', '<p>x</p>')] });
    // The page's central directory entry declares one byte fewer than it holds.
    const view = new DataView(book.buffer, book.byteOffset, book.byteLength);
    const central = view.getUint32(book.length - 22 + 16, true);
    let at = central;
    for (let i = 0; i < 3; i++) at += 46 + view.getUint16(at + 28, true);
    view.setUint32(at + 24, view.getUint32(at + 24, true) - 1, true);
    assert.deepEqual(epubText(book), { ok: false, reason: 'not_epub' });
  });
});

describe('an XHTML page as text', () => {
  test('each block is a line, markup whitespace is one space, inline elements join their words', () => {
    const text = xhtmlText(xhtml('<section>\n  <p>One   paragraph,\n   wrapped.</p><p>Em<em>pha</em>sis and <a href="x.xhtml">a link</a>.</p>\n<ul><li>First</li><li>Second</li></ul>Line<br/>break</section>'));
    assert.equal(text, 'One paragraph, wrapped.\nEmphasis and a link.\nFirst\nSecond\nLine\nbreak');
  });

  test('headings end as sentences, each of their lines, unless they already end one', () => {
    const text = xhtmlText(xhtml('<h1>Chapter 1<br/>The Beginning</h1><p>It began.</p><h2 class="x">Why?</h2><H3>Notes:</H3><p>End</p>'));
    assert.equal(text, 'Chapter 1.\nThe Beginning.\nIt began.\nWhy?\nNotes:\nEnd');
  });

  test('entities are their characters, numeric and named; an unknown one stays as written', () => {
    const text = xhtmlText(xhtml('<p>Fish &amp; chips &lt;3 &#8220;quoted&#x201D; &mdash; &ndash; &hellip; &lsquo;a&rsquo; &ldquo;b&rdquo; &laquo;c&raquo; &quot;d&quot; &apos;e&apos; a&nbsp;b &unknown;</p>'));
    assert.equal(text, 'Fish & chips <3 “quoted” — – … ‘a’ “b” «c» "d" \'e\' a\u00a0b &unknown;');
    // Decoded once: an escaped entity is the entity's text.
    assert.equal(xhtmlText('<p>&amp;lt; is how &lt; is written</p>'), '&lt; is how < is written');
  });

  test('head, scripts, styles, comments and furigana are not read; CDATA is text', () => {
    const body =
      '<style type="text/css">h1 { color: red }</style><p>Before<!-- a comment <p>hidden</p> --> after.</p>' +
      '<script type="text/javascript">if (a<b && c>d) { document.write("<p>not me</p>") }</script><script src="x.js"/>' +
      '<p><ruby>漢<rp>(</rp><rt>かん</rt><rp>)</rp>字</ruby>を読む。</p><p><![CDATA[1 < 2 & <b>bold</b>]]></p>';
    assert.equal(xhtmlText(xhtml(body)), 'Before after.\n漢字を読む。\n1 < 2 & <b>bold</b>');
  });

  test('footnote marks and the links back from notes are not read; the notes are', () => {
    const body =
      '<p>Striking thirteen.<a href="#fn1" class="footnote-ref" epub:type="noteref">1</a> Then<sup><a role="doc-noteref" href="#fn2">2</a></sup> more.</p>' +
      '<aside epub:type="footnote"><p id="fn1">A note.<a href="#r1" role="doc-backlink">↩︎</a></p></aside><p>x<span epub:type="pagebreak" title="12"/>y</p>';
    assert.equal(xhtmlText(xhtml(body)), 'Striking thirteen. Then more.\nA note.\nxy');
  });

  test('an attribute may hold ">"; namespaced tags are tags', () => {
    assert.equal(xhtmlText('<html:p title="a > b">Text</html:p><html:p>More</html:p>'), 'Text\nMore');
  });
});
