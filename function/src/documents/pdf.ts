/**
 * The text of a PDF, by PDF.js (the `unpdf` build, which runs in one file without a worker thread).
 * This module is a bundle of its own, dist/pdf.mjs, loaded by the worker only when a PDF arrives
 * (pdf-loader.ts): PDF.js is 1.6 MB whose parsing would otherwise slow every cold start of the worker.
 */
import { getDocumentProxy } from 'unpdf';
import { pagesToText, type PageLine } from './pdf-text.ts';

/** `no_text`: no page has text (a scan, or glyphs without a way back to characters); `encrypted`: a password is needed to open it. */
export type PdfRefusal = 'no_text' | 'encrypted' | 'not_pdf';

/** `truncated`: the pages were read only until the text passed `maxCharacters`, so it is longer than `text`. */
export type PdfText = { ok: true; text: string; truncated: boolean } | { ok: false; reason: PdfRefusal };

/** A text item of PDF.js's page content, as far as lines need it; marked content has no `str`. */
interface TextItem {
  str?: string;
  hasEOL?: boolean;
  transform?: number[];
}

/** A page's text items as lines: PDF.js marks each line's end; a line's baseline is its first item's. */
function pageLines(items: readonly TextItem[]): PageLine[] {
  const lines: PageLine[] = [];
  let line: PageLine | undefined;
  for (const item of items) {
    if (item.str === undefined) continue;
    line ??= { text: '', ...(item.transform?.[5] !== undefined && { y: item.transform[5] }) };
    line.text += item.str;
    if (item.hasEOL) {
      lines.push(line);
      line = undefined;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/**
 * The PDF's pages in order as text to read aloud, read page by page only until the raw text passes
 * `maxCharacters` (a thousand-page PDF is not read whole just to be refused as too long).
 */
export async function pdfText(bytes: Uint8Array, { maxCharacters = Infinity }: { maxCharacters?: number } = {}): Promise<PdfText> {
  let pdf;
  try {
    // A plain Uint8Array copy: PDF.js refuses a Node Buffer (what a download may be) and may take the buffer over.
    // Verbosity 0: its warnings (missing fonts, a broken xref it rebuilds) are not ours to log.
    pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0 });
  } catch (error) {
    return { ok: false, reason: error instanceof Error && error.name === 'PasswordException' ? 'encrypted' : 'not_pdf' };
  }
  try {
    const pages: PageLine[][] = [];
    let characters = 0;
    for (let n = 1; n <= pdf.numPages && characters <= maxCharacters; n++) {
      const page = await pdf.getPage(n);
      const lines = pageLines((await page.getTextContent()).items as TextItem[]);
      page.cleanup();
      pages.push(lines);
      characters += lines.reduce((sum, line) => sum + line.text.length + 1, 0);
    }
    const text = pagesToText(pages);
    if (!/\S/.test(text)) return { ok: false, reason: 'no_text' };
    return { ok: true, text, truncated: characters > maxCharacters && pages.length < pdf.numPages };
  } finally {
    await pdf.loadingTask.destroy();
  }
}
