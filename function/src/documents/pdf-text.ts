/**
 * A PDF's pages made into text that reads well aloud. A PDF holds positioned runs of glyphs, not
 * paragraphs: its lines are joined back into paragraphs (a wider gap between lines starts a new one),
 * a word hyphenated across a line's end is made whole, and what repeats on every page (running
 * headers and footers, page numbers) is dropped, so a listener hears the text once and not "Chapter
 * One, page twelve" between every two pages. Pure functions over lines, so each rule is tested alone.
 */

/** One line of a page as PDF.js lays it out: its text and its baseline (PDF units, upwards), when known. */
export interface PageLine {
  text: string;
  y?: number;
}

/** A line counts as a page's header or footer only among its first or last this many lines. */
const EDGE_LINES = 2;
/** A gap between lines this many times the page's usual line spacing starts a new paragraph. */
const PARAGRAPH_GAP = 1.5;
/** A line shorter than this share of the page's usual line ends its paragraph (or is a heading). */
const SHORT_LINE = 0.7;

/** "12", "- 12 -", "Page 12", "12 of 40", "12/40", "xii": a page's number and nothing else. */
const PAGE_NUMBER = /^(?:page\s+)?[-–—\s]*(?:\d{1,5}|[ivxlcdm]{1,7})(?:\s*(?:of|\/)\s*\d{1,5})?[-–—\s]*$/i;

/** A line as it is compared across pages: case and runs of spaces aside. */
const sameLine = (text: string): string => text.trim().replace(/\s+/g, ' ').toLowerCase();

/** Digits masked too, so "Page 3 of 9" repeats as "Page 4 of 9"; only for short lines, as headers and footers are. */
const sameButNumbers = (text: string): string | undefined => (text.trim().length <= NUMBERED_LINE_MAX ? `numbered:${sameLine(text).replace(/\d+/g, "#")}` : undefined);

/** A header or footer that numbers its page is at most this long; a longer line is body text. */
const NUMBERED_LINE_MAX = 80;

/** Whether line `i` of `count` lies at the top or the bottom edge of its page. */
const atEdge = (i: number, count: number): boolean => i < EDGE_LINES || i >= count - EDGE_LINES;

/** The keys a line is known by across pages: as it is, and (when short) with its numbers masked. */
const repeatKeys = (text: string): string[] => [`as is:${sameLine(text)}`, sameButNumbers(text)].filter((key) => key !== undefined);

/**
 * Lines at a page's top or bottom that repeat on at least half the pages: running headers and footers.
 * The same words on two pages are enough; the same words with other numbers need three, so that two
 * pages each opening with their own "Chapter 1" and "Chapter 2" keep them. Lines within a page's body
 * are never dropped, however common.
 */
export function runningLines(pages: readonly (readonly PageLine[])[]): Set<string> {
  const seenOn = new Map<string, number>();
  for (const lines of pages) {
    const keys = new Set(lines.filter((line, i) => atEdge(i, lines.length) && line.text.trim()).flatMap((line) => repeatKeys(line.text)));
    for (const key of keys) seenOn.set(key, (seenOn.get(key) ?? 0) + 1);
  }
  const half = Math.ceil(pages.length / 2);
  return new Set([...seenOn].filter(([key, pagesSeen]) => pagesSeen >= Math.max(key.startsWith('numbered:') ? 3 : 2, half)).map(([key]) => key));
}

/** The page's lines without its running header and footer and its bare page number. */
export function withoutFurniture(lines: readonly PageLine[], running: ReadonlySet<string>): PageLine[] {
  return lines.filter((line, i) => line.text.trim() && !(atEdge(i, lines.length) && (repeatKeys(line.text).some((key) => running.has(key)) || PAGE_NUMBER.test(line.text.trim()))));
}

const median = (values: number[]): number | undefined => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** The usual spacing between the page's lines (their median gap), or undefined when it cannot be told. */
function lineSpacing(lines: readonly PageLine[]): number | undefined {
  const gaps: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    const [above, below] = [lines[i - 1]!.y, lines[i]!.y];
    if (above !== undefined && below !== undefined && above > below) gaps.push(above - below);
  }
  return median(gaps);
}

/**
 * Two lines of one paragraph joined: a word split by a hyphen at the line's end ("exam-" + "ple") is
 * made whole when a lowercase letter comes on both sides (a dash before a capital, or a number, stays);
 * a soft hyphen always joins; otherwise a space.
 */
export function joinLines(first: string, second: string): string {
  const left = first.trimEnd();
  const right = second.trimStart();
  if (left.endsWith('\u00ad')) return left.slice(0, -1) + right;
  if (/\p{Ll}-$/u.test(left) && /^\p{Ll}/u.test(right)) return left.slice(0, -1) + right;
  return `${left} ${right}`;
}

/**
 * A page's lines as paragraphs: a new one starts after a line much shorter than the page's usual one
 * (a paragraph's last line, a heading), at a gap wider than the usual spacing, or where the text
 * moves up (a new column).
 */
export function paragraphs(lines: readonly PageLine[]): string[] {
  const spacing = lineSpacing(lines);
  const usualLength = median(lines.map((line) => line.text.trim().length)) ?? 0;
  const result: string[] = [];
  lines.forEach((line, i) => {
    const above = lines[i - 1];
    const gap = above?.y !== undefined && line.y !== undefined ? above.y - line.y : undefined;
    const closeBelow = gap === undefined || spacing === undefined || (gap > 0 && gap <= spacing * PARAGRAPH_GAP);
    const sameParagraph = above !== undefined && closeBelow && above.text.trim().length >= usualLength * SHORT_LINE;
    if (sameParagraph) result[result.length - 1] = joinLines(result.at(-1)!, line.text);
    else result.push(line.text.trim());
  });
  return result;
}

/** The pages, in order, as text to read: a paragraph a line; a paragraph cut by a page break is joined again when it goes on in lowercase. */
export function pagesToText(pages: readonly (readonly PageLine[])[]): string {
  const running = runningLines(pages);
  const all: string[] = [];
  for (const page of pages) {
    const [first, ...rest] = paragraphs(withoutFurniture(page, running));
    if (first === undefined) continue;
    const last = all.at(-1);
    if (last !== undefined && /^\p{Ll}/u.test(first) && !/[.!?:;…]["”’)]?$/u.test(last)) all[all.length - 1] = joinLines(last, first);
    else all.push(first);
    all.push(...rest);
  }
  return all.join('\n');
}
