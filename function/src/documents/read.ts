/**
 * The text of a downloaded document, to be read aloud: its bytes decoded (encoding.ts), a Markdown
 * file's marks taken out (markdown.ts), an EPUB book's chapters taken from its zip (epub.ts). The
 * worker's one door into documents/; normalizing for speech and counting characters stay with the
 * caller, as for any text.
 */
import { decodeText, type TextEncodingName } from './encoding.ts';
import type { DocumentFormat } from '../context.ts';
import { epubText } from './epub.ts';
import { markdownToSpeech } from './markdown.ts';

/** Why a document is not read, each told to the user in its own words. */
export type DocumentRefusal = 'binary' | 'unknown_encoding' | 'empty' | 'not_epub' | 'drm';

/** `encoding`: how a text or Markdown file was written (an EPUB's pages are each decoded on their own). */
export type DocumentText = { ok: true; text: string; encoding?: TextEncodingName } | { ok: false; reason: DocumentRefusal };

/** `empty`: nothing but whitespace to read, as in an empty file or a Markdown file of code blocks only. */
export function documentText(bytes: Uint8Array, format: DocumentFormat): DocumentText {
  if (format === 'epub') return epubText(bytes);
  const decoded = decodeText(bytes);
  if (!decoded.ok) return decoded;
  const text = format === 'markdown' ? markdownToSpeech(decoded.text) : decoded.text;
  return /\S/.test(text) ? { ok: true, text, encoding: decoded.encoding } : { ok: false, reason: 'empty' };
}
