/**
 * The text of a downloaded document, to be read aloud: its bytes decoded (encoding.ts), and a
 * Markdown file's marks taken out (markdown.ts). The worker's one door into documents/; normalizing
 * for speech and counting characters stay with the caller, as for any text.
 */
import { decodeText, type TextEncodingName } from './encoding.ts';
import type { DocumentFormat } from '../context.ts';
import { markdownToSpeech } from './markdown.ts';

export type DocumentText = { ok: true; text: string; encoding: TextEncodingName } | { ok: false; reason: 'binary' | 'unknown_encoding' | 'empty' };

/** `empty`: nothing but whitespace to read, as in an empty file or a Markdown file of code blocks only. */
export function documentText(bytes: Uint8Array, format: DocumentFormat): DocumentText {
  const decoded = decodeText(bytes);
  if (!decoded.ok) return decoded;
  const text = format === 'markdown' ? markdownToSpeech(decoded.text) : decoded.text;
  return /\S/.test(text) ? { ok: true, text, encoding: decoded.encoding } : { ok: false, reason: 'empty' };
}
