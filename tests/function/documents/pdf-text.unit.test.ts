/** A PDF's pages made into text to read aloud: paragraphs, hyphenation, and page furniture dropped. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { joinLines, pagesToText, paragraphs, runningLines, withoutFurniture, type PageLine } from '../../../function/src/documents/pdf-text.ts';

/** Lines 14 points apart from the top, as a page sets body text; '' leaves an empty line's gap. */
const page = (...texts: string[]): PageLine[] => texts.map((text, i) => ({ text, y: 750 - 14 * i })).filter((line) => line.text !== '');

const LONG = 'a line of body text that runs the whole width of the page, as most lines do';
/** Body lines differ from page to page, as a text's do. */
const body = (n: number) => `${LONG}, on page number ${n}`;

describe('lines joined into paragraphs', () => {
  test('a word hyphenated across the line end is made whole; a dash before a capital or a number stays', () => {
    assert.equal(joinLines('the exam-', 'ple shows'), 'the example shows');
    assert.equal(joinLines('prix-', 'élevé'), 'prixélevé');
    assert.equal(joinLines('North-', 'West'), 'North- West');
    assert.equal(joinLines('pages 10-', '12'), 'pages 10- 12');
    assert.equal(joinLines('soft\u00ad', 'ly'), 'softly');
    assert.equal(joinLines('one line  ', '  the next'), 'one line the next');
  });

  test('lines close below each other are one paragraph; a wider gap, or a short line before, starts the next', () => {
    assert.deepEqual(paragraphs(page(LONG, LONG, 'its end.', '', LONG, 'the other end.')), [`${LONG} ${LONG} its end.`, `${LONG} the other end.`]);
    assert.deepEqual(paragraphs(page('Chapter One', LONG, LONG)), ['Chapter One', `${LONG} ${LONG}`]);
  });

  test('lines without positions are joined as one paragraph, but for a short one', () => {
    assert.deepEqual(paragraphs([{ text: LONG }, { text: LONG }]), [`${LONG} ${LONG}`]);
  });
});

describe('page furniture', () => {
  const pages = [1, 2, 3, 4].map((n) => page('Annual Report 2025', body(n), `${body(n)}.`, `Page ${n} of 4`));

  test('a line at the top or bottom of most pages is a running header or footer, numbers aside', () => {
    const running = runningLines(pages);
    assert.deepEqual(withoutFurniture(pages[2]!, running).map((line) => line.text), [body(3), `${body(3)}.`]);
  });

  test('a line repeated only inside the pages’ bodies is kept', () => {
    const pages = ['alpha', 'beta', 'gamma'].map((word, n) => page(`The ${word} section`, body(n), 'Repeated body line', body(n), `An ${word} ending.`));
    const running = runningLines(pages);
    assert.deepEqual(withoutFurniture(pages[0]!, running).map((line) => line.text), ['The alpha section', body(0), 'Repeated body line', body(0), 'An alpha ending.']);
  });

  test('two pages that each open with their own chapter keep them; the same words on both are a header', () => {
    const two = [page('Chapter 1', 'Field Notes', body(1)), page('Chapter 2', 'Field Notes', body(2))];
    const running = runningLines(two);
    assert.deepEqual(withoutFurniture(two[1]!, running).map((line) => line.text), ['Chapter 2', body(2)]);
  });

  test('a bare page number at a page edge is dropped, in its usual forms; a number inside the text stays', () => {
    for (const number of ['7', '- 7 -', 'Page 7', '7 of 30', '7/30', 'xiv']) {
      assert.deepEqual(withoutFurniture(page(LONG, LONG, LONG, number), new Set()).map((line) => line.text), [LONG, LONG, LONG], number);
    }
    assert.equal(withoutFurniture(page(LONG, LONG, '42', LONG, LONG, LONG), new Set()).length, 6);
  });
});

describe('the pages as text', () => {
  test('pages in order, each paragraph a line; a paragraph cut by the page break is joined again; furniture gone', () => {
    const text = pagesToText([
      page('Report', `${LONG} and goes`, 'on to the end.', '', LONG, 'is cut by the', '1'),
      page('Report', 'page break, and goes on.', '2'),
    ]);
    assert.equal(text, `${LONG} and goes on to the end.\n${LONG} is cut by the page break, and goes on.`);
  });

  test('a paragraph that ended on one page is not joined to the next page’s', () => {
    assert.equal(pagesToText([page(LONG, 'ends here.'), page('next page starts lowercase.')]), `${LONG} ends here.\nnext page starts lowercase.`);
  });

  test('pages with no text give none', () => {
    assert.equal(pagesToText([[], page('1'), []]), '');
  });
});
