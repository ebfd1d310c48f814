/**
 * What a listener should hear from a Markdown file: the words, without the marks that format them.
 * A line-oriented converter rather than a Markdown library: the worker's bundle stays small, and
 * speech needs no HTML. Headings, list items and table rows each end as a sentence, so Polly pauses
 * between them; emphasis, code and quote marks, bullets, table pipes, rules, HTML tags and link
 * targets go; link texts, image descriptions and bare URLs stay.
 *
 * Code blocks are dropped, not read: code read aloud is symbols and indentation no listener can
 * follow. Only fenced blocks are known as code; an indented block could as well be a list item's
 * continuation, which only a full parser tells, so it is read.
 */
import { decodeEntities, sentence } from './markup.ts';

const ATX_HEADING = /^ {0,3}#{1,6}(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_UNDERLINE = /^ {0,3}(?:=+|-+)[ \t]*$/;
const RULE = /^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$/;
/** A bullet or number, and a task list's box, before an item's text. */
const LIST_ITEM = /^[ \t]*(?:[-*+]|\d{1,9}[.)])(?:[ \t]+(?:\[[ xX]\][ \t]+)?(.*))?$/;
const FENCE = /^[ \t]*(`{3,}|~{3,})/;
const QUOTE_MARKS = /^(?:[ \t]*>[ \t]?)+/;
const TABLE_SEPARATOR = /^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
/** `[id]: url "title"`: where a reference link points, nothing to read. */
const DEFINITION = /^ {0,3}\[([^\]^][^\]]*)\]:[ \t]*(?:<[^>]*>|\S+)(?:[ \t]+(?:"[^"]*"|'[^']*'|\([^)]*\)))?[ \t]*$/;
const FOOTNOTE = /^ {0,3}\[\^[^\]]+\]:[ \t]*/;

export function markdownToSpeech(markdown: string): string {
  const lines = withoutFrontMatter(markdown.replace(/<!--[\s\S]*?(?:-->|$)/g, '').split(/\r?\n/)).map((line) => line.replace(QUOTE_MARKS, ''));
  const references = new Set(lines.flatMap((line) => DEFINITION.exec(line)?.slice(1, 2).map(normalizeLabel) ?? []));
  const out: string[] = [];
  let fence: string | undefined;
  let table = false;
  /** Where the list item being read ends so far: lines of text may continue it, so its full stop waits. */
  let item: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (fence) {
      if (closesFence(line, fence)) fence = undefined;
      continue;
    }
    const block = blockOf(line, lines[i + 1], table);
    table = block === 'table row' || block === 'table header';
    if (block !== 'text' && item !== undefined) {
      out[item] = sentence(out[item]!);
      item = undefined;
    }
    switch (block) {
      case 'fence':
        fence = FENCE.exec(line)![1];
        break;
      case 'blank':
      case 'rule':
        out.push('');
        break;
      case 'table header':
        out.push(sentence(tableRow(line)));
        i++; // the separator row
        break;
      case 'table row':
        out.push(sentence(tableRow(line)));
        break;
      case 'heading':
        out.push('', sentence(inline(ATX_HEADING.exec(line)![1] ?? '', references)), '');
        break;
      case 'underlined heading':
        out.push('', sentence(inline(line, references)), '');
        i++; // the underline
        break;
      case 'list item':
        out.push(inline(LIST_ITEM.exec(line)![1] ?? '', references));
        item = out.length - 1;
        break;
      case 'footnote':
        out.push(inline(line.replace(FOOTNOTE, ''), references));
        break;
      case 'definition':
        break;
      case 'text':
        out.push(inline(line, references));
        if (item !== undefined) item = out.length - 1;
    }
  }
  if (item !== undefined) out[item] = sentence(out[item]!);
  return out.join('\n').replace(/[ \t]+$/gm, '').replace(/\n{3,}/g, '\n\n').trim();
}

type Block = 'blank' | 'fence' | 'table header' | 'table row' | 'heading' | 'underlined heading' | 'rule' | 'list item' | 'definition' | 'footnote' | 'text';

/** What a line outside a code block starts or continues, told by it and the line after it. */
function blockOf(line: string, next: string | undefined, inTable: boolean): Block {
  if (!line.trim()) return 'blank';
  if (FENCE.test(line)) return 'fence';
  if (inTable && line.includes('|')) return 'table row';
  if (line.includes('|') && next?.includes('|') && TABLE_SEPARATOR.test(next)) return 'table header';
  if (ATX_HEADING.test(line)) return 'heading';
  if (RULE.test(line)) return 'rule';
  if (LIST_ITEM.test(line)) return 'list item';
  if (DEFINITION.test(line)) return 'definition';
  if (FOOTNOTE.test(line)) return 'footnote';
  if (next !== undefined && SETEXT_UNDERLINE.test(next)) return 'underlined heading';
  return 'text';
}

/** A fence closes with a line of the same character, at least as long, and nothing else. */
function closesFence(line: string, fence: string): boolean {
  const mark = FENCE.exec(line)?.[1];
  return mark !== undefined && mark[0] === fence[0] && mark.length >= fence.length && line.trim() === mark;
}

/** YAML front matter (`---` … `---` on the first lines) is metadata for a site generator, not text. */
function withoutFrontMatter(lines: string[]): string[] {
  if (lines[0]?.trim() !== '---') return lines;
  const end = lines.findIndex((line, i) => i > 0 && (line.trim() === '---' || line.trim() === '...'));
  return end > 0 ? lines.slice(end + 1) : lines;
}

const normalizeLabel = (label: string) => label.trim().replace(/\s+/g, ' ').toLowerCase();

/** A table row's cells, read as a list: the pipes go (an escaped one is text). */
function tableRow(line: string): string {
  const cells = line.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '').split(/(?<!\\)\|/);
  return cells.map((cell) => inline(cell, new Set())).filter(Boolean).join(', ');
}

/** Stands in for text already settled (code, URLs, escaped characters) while the marks around it are taken out. */
const HELD = /\uE000(\d+)\uE001/g;

/**
 * Strong, emphasis and strikethrough, longest marks first so `***both***` loses all three. A mark
 * touching a letter or digit on its outer side is part of a word (snake_case, 2*3*4), not emphasis.
 */
const EMPHASIS = ['\\*\\*', '__', '~~', '\\*', '_'].map((mark) => new RegExp(`(?<![\\p{L}\\p{N}])${mark}(?=\\S)(.+?)(?<=\\S)${mark}(?![\\p{L}\\p{N}])`, 'gu'));

/** `(url "title")` or `[id]` after a link's text: one level of parentheses in the URL (Wikipedia's). */
const LINK_TARGET = String.raw`(?:\((?:[^()\s]|\([^()\s]*\))*(?:\s+(?:"[^"]*"|'[^']*'))?\)|\[[^\]]*\])`;
const IMAGE = new RegExp(String.raw`!\[([^\]]*)\]${LINK_TARGET}`, 'g');
const LINK = new RegExp(String.raw`\[([^\]]+)\]${LINK_TARGET}`, 'g');

/** One line's inline Markdown as plain text. */
function inline(text: string, references: ReadonlySet<string>): string {
  const held: string[] = [];
  const hold = (value: string) => `\uE000${held.push(value) - 1}\uE001`;
  let result = text
    // Code spans keep their text as is; escaped punctuation is itself, never a mark; autolinks are read as written.
    .replace(/(`+)(?!`)(.*?[^`])\1(?!`)/g, (_, _ticks: string, code: string) => hold(code.replace(/^ (.*) $/, '$1')))
    .replace(/\\([!-/:-@[-`{-~])/g, (_, char: string) => hold(char))
    .replace(/<((?:https?|ftp|mailto):[^\s<>]+|[^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)>/gi, (_, url: string) => hold(url))
    // An image is its description, a link its text; targets go, footnote marks too.
    .replace(IMAGE, '$1')
    .replace(LINK, '$1')
    .replace(/\[([^\]^][^\]]*)\]/g, (whole, label: string) => (references.has(normalizeLabel(label)) ? label : whole))
    .replace(/\[\^[^\]]+\]/g, '')
    // A tag may stand between words (`<br>`, `</summary>`): it leaves a space.
    .replace(/<\/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?\/?>/g, ' ')
    // Autolinks and bare URLs are read as written: their underscores and stars are not emphasis.
    .replace(/\b(?:https?:\/\/|www\.)[^\s<>]*[^\s<>.,;:!?'")\]*_~]/gi, hold);
  for (let before = ''; before !== result; ) {
    before = result;
    for (const mark of EMPHASIS) result = result.replace(mark, '$1');
  }
  return decodeEntities(result.replace(/[ \t]{2,}/g, ' ').replace(HELD, (_, index: string) => held[Number(index)]!)).trim();
}
