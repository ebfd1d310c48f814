/**
 * An EPUB book's text, as a listener hears it: the chapters of its spine in reading order, each
 * XHTML page reduced to its words, headings ending as sentences. The book is a zip (zip.ts);
 * `META-INF/container.xml` names the package (OPF), whose manifest says where each item is and whose
 * spine says in which order they are read. Regular expressions over the XML rather than an XML library:
 * these few elements and attributes are all that is read, and the worker's bundle stays small.
 *
 * Not read: items outside the linear reading order (`linear="no"`: notes, answers shown on demand),
 * images, footnote marks, and books whose chapters are encrypted (DRM). Fonts alone may be obfuscated: a book whose
 * encryption.xml lists only its fonts is read.
 */
import { posix } from 'node:path';
import { decodeText } from './encoding.ts';
import { decodeEntities, sentence } from './markup.ts';
import { ZipArchive, ZipError } from './zip.ts';

export type EpubText = { ok: true; text: string } | { ok: false; reason: 'not_epub' | 'drm' | 'empty' };

const CONTAINER = 'META-INF/container.xml';
const ENCRYPTION = 'META-INF/encryption.xml';
/** The spine's items that are pages of text; an SVG page or an image is not read. */
const PAGE_TYPES = new Set(['application/xhtml+xml', 'text/html']);

export function epubText(bytes: Uint8Array): EpubText {
  try {
    const archive = new ZipArchive(bytes);
    const pages = spinePages(archive);
    if (!pages) return { ok: false, reason: 'not_epub' };
    const encrypted = new Set(cipherReferences(archive));
    if (pages.some((page) => encrypted.has(page))) return { ok: false, reason: 'drm' };
    const text = pages.map((page) => pageText(archive, page)).filter(Boolean).join('\n');
    return /\S/.test(text) ? { ok: true, text } : { ok: false, reason: 'empty' };
  } catch (error) {
    // An entry encrypted by the zip itself is DRM too; every other fault means the file is no book we can open.
    if (error instanceof ZipError) return { ok: false, reason: error.reason === 'encrypted' ? 'drm' : 'not_epub' };
    throw error;
  }
}

/** The archive paths of the spine's pages of text, in reading order; undefined when the file is no EPUB. */
function spinePages(archive: ZipArchive): string[] | undefined {
  const container = xmlEntry(archive, CONTAINER);
  // The first rootfile is the book's default rendition.
  const packagePath = container && archivePath('', startTags(container, 'rootfile')[0]?.get('full-path'));
  const opf = packagePath && xmlEntry(archive, packagePath);
  if (!opf) return undefined;
  const itemRefs = startTags(opf, 'itemref');
  if (!itemRefs.length) return undefined;
  const manifest = new Map(startTags(opf, 'item').map((item) => [item.get('id'), item]));
  const folder = posix.dirname(packagePath);
  return itemRefs.flatMap((itemRef) => {
    const item = manifest.get(itemRef.get('idref'));
    const path = itemRef.get('linear') !== 'no' && PAGE_TYPES.has(item?.get('media-type') ?? '') ? archivePath(folder, item!.get('href')) : undefined;
    return path === undefined ? [] : [path];
  });
}

/** The archive paths encryption.xml lists as encrypted, fonts and chapters alike. */
function cipherReferences(archive: ZipArchive): string[] {
  const encryption = xmlEntry(archive, ENCRYPTION);
  // Its references are relative to the archive's root, not to META-INF.
  return encryption ? startTags(encryption, 'CipherReference').flatMap((reference) => archivePath('', reference.get('URI')) ?? []) : [];
}

/**
 * An href as the archive names the file: relative to `folder`, without its fragment, percent-decoded
 * (`chapter%202.xhtml` is "chapter 2.xhtml"). Undefined for a link outside the book: a URL elsewhere,
 * or a path that climbs out of the archive.
 */
function archivePath(folder: string, href: string | undefined): string | undefined {
  if (!href || /^[a-z][a-z\d+.-]*:/i.test(href)) return undefined;
  const withoutFragment = href.replace(/[#?].*$/s, '');
  let decoded = withoutFragment;
  try {
    decoded = decodeURIComponent(withoutFragment);
  } catch {
    // A stray "%" that begins no escape is a character of the name.
  }
  const path = posix.normalize(posix.join(folder, decoded));
  return path === '..' || path.startsWith('../') ? undefined : path;
}

/** An XML entry's text (a BOM, UTF-16 included, decides its encoding), or undefined when the archive lacks it or it is no text. */
function xmlEntry(archive: ZipArchive, name: string): string | undefined {
  const bytes = archive.read(name);
  const decoded = bytes && decodeText(bytes);
  return decoded && decoded.ok ? decoded.text : undefined;
}

type Attributes = Map<string, string>;

/** Every start (or empty) tag of an element, by its local name in any namespace prefix, with its attributes. */
function startTags(xml: string, localName: string): Attributes[] {
  const tag = new RegExp(`<(?:[\\w.-]+:)?${localName}(?=[\\s/>])((?:[^>"']|"[^"]*"|'[^']*')*)>`, 'g');
  return Array.from(withoutDeclarations(xml).matchAll(tag), (match) => attributes(match[1]!));
}

function attributes(source: string): Attributes {
  return new Map(Array.from(source.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g), (match) => [match[1]!, decodeEntities(match[2] ?? match[3]!)]));
}

/**
 * Comments, processing instructions and the doctype, which hold nothing to read; a CDATA section's
 * text escaped, so its `<` is no tag and its `&` no entity. An unclosed comment or section runs to the
 * end, as an XML parser would have it, and is scanned once.
 */
const DECLARATIONS = /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[([\s\S]*?)(?:\]\]>|$)|<\?[\s\S]*?(?:\?>|$)|<!DOCTYPE(?:[^>[]|\[[^\]]*\])*>/gi;

const withoutDeclarations = (xml: string) => xml.replace(DECLARATIONS, (_, cdata?: string) => (cdata === undefined ? '' : cdata.replace(/&/g, '&amp;').replace(/</g, '&lt;')));

/** One page's text, or nothing when its entry is missing or no text. */
function pageText(archive: ZipArchive, path: string): string {
  const xhtml = xmlEntry(archive, path);
  return xhtml === undefined ? '' : xhtmlText(xhtml);
}

/** A start or end tag, its namespace prefix aside; quoted attribute values may hold `>`. */
const TAG = /<(\/?)(?:[A-Za-z][\w.-]*:)?([A-Za-z][\w.-]*)(?:[^>"']|"[^"]*"|'[^']*')*>/g;
/**
 * Elements whose content is not read: the head (the title is in the text again), scripts, styles, and
 * ruby's pronunciation guides (furigana), which would read a Japanese word twice.
 */
const NOT_READ = new Set(['head', 'script', 'style', 'rt', 'rp']);
/**
 * A footnote's mark and the link back from the note, as EPUB 3 marks them: a listener would hear
 * "striking thirteen.1" and "↩". The note itself is read where the book puts it.
 */
const NOTE_LINK = /\s(?:epub:type|role)\s*=\s*["'](?:[^"']*\s)?(?:noteref|doc-noteref|doc-backlink)(?=["'\s])/;
const BLOCKS = new Set(
  ['address', 'article', 'aside', 'blockquote', 'body', 'br', 'caption', 'dd', 'div', 'dl', 'dt', 'figcaption', 'figure', 'footer', 'header', 'hgroup', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section', 'table', 'td', 'th', 'tr', 'ul'],
);
const HEADING = /^h[1-6]$/;

/** An XHTML page as lines of text: a line for each block, each line of a heading ending as a sentence. */
export function xhtmlText(xhtml: string): string {
  const source = withoutDeclarations(xhtml);
  const lines: string[] = [];
  let line = '';
  /** Where the open heading's lines begin. */
  let heading: number | undefined;
  const endLine = () => {
    lines.push(line.trim());
    line = '';
  };
  // Markup's whitespace, line breaks included, is one space; entities are decoded once, after the tags are gone.
  const addText = (raw: string) => (line += decodeEntities(raw.replace(/\s+/g, ' ')));
  TAG.lastIndex = 0;
  let at = 0;
  for (let match = TAG.exec(source); match; match = TAG.exec(source)) {
    addText(source.slice(at, match.index));
    at = TAG.lastIndex;
    const [tag, closing, rawName] = match;
    const name = rawName!.toLowerCase();
    if (!closing && !tag.endsWith('/>') && (NOT_READ.has(name) || NOTE_LINK.test(tag))) {
      // Skipped to its end tag at once (linear, whatever it holds: a script's "a<b" is no tag).
      const end = new RegExp(`</(?:[A-Za-z][\\w.-]*:)?${name.replace(/\./g, '\\.')}\\s*>`, 'gi');
      end.lastIndex = at;
      at = TAG.lastIndex = end.exec(source) ? end.lastIndex : source.length;
    } else if (HEADING.test(name)) {
      endLine();
      if (!closing) heading = lines.length;
      else if (heading !== undefined) {
        for (let i = heading; i < lines.length; i++) lines[i] = sentence(lines[i]!);
        heading = undefined;
      }
    } else if (BLOCKS.has(name)) endLine();
  }
  addText(source.slice(at));
  endLine();
  return lines.filter(Boolean).join('\n');
}
