/**
 * The text of a downloaded document, to be read aloud: its bytes decoded (encoding.ts), a Markdown
 * file's marks taken out (markdown.ts), an EPUB book's chapters taken from its zip (epub.ts), a PDF's
 * pages by PDF.js (pdf.ts, loaded only for a PDF). The
 * worker's one door into documents/; normalizing for speech and counting characters stay with the
 * caller, as for any text.
 */
import { decodeText, type TextEncodingName } from './encoding.ts';
import type { DocumentFormat } from '../context.ts';
import { epubText } from './epub.ts';
import { markdownToSpeech } from './markdown.ts';
import type { PdfRefusal } from './pdf.ts';
import { loadPdfText } from './pdf-loader.ts';

/** Why a document is not read, each told to the user in its own words. */
export type DocumentRefusal = 'binary' | 'unknown_encoding' | 'empty' | 'not_epub' | 'drm' | PdfRefusal;

/**
 * `encoding`: how a text or Markdown file was written (an EPUB's pages are each decoded on their own);
 * `truncated`: a PDF read only in part, its text already past `maxCharacters`.
 */
export type DocumentText = { ok: true; text: string; encoding?: TextEncodingName; truncated?: boolean } | { ok: false; reason: DocumentRefusal };

/**
 * `empty`: nothing but whitespace to read, as in an empty file or a Markdown file of code blocks only.
 * A PDF is read page by page only until its text passes `maxCharacters`, and given up when `signal`
 * aborts: PDF.js works on the event loop, so it is raced rather than trusted to stop in time.
 */
export async function documentText(bytes: Uint8Array, format: DocumentFormat, { maxCharacters, signal }: { maxCharacters?: number; signal?: AbortSignal } = {}): Promise<DocumentText> {
  if (format === 'epub') return epubText(bytes);
  if (format === 'pdf') return untilAborted(loadPdfText().then((pdfText) => pdfText(bytes, { maxCharacters })), signal);
  const decoded = decodeText(bytes);
  if (!decoded.ok) return decoded;
  const text = format === 'markdown' ? markdownToSpeech(decoded.text) : decoded.text;
  return /\S/.test(text) ? { ok: true, text, encoding: decoded.encoding } : { ok: false, reason: 'empty' };
}

/** The promise's outcome, or the signal's reason as an error once it aborts first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  signal.throwIfAborted();
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
