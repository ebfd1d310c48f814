/**
 * Which documents the bot reads aloud, told from Telegram's metadata alone: the webhook checks it
 * before anything is downloaded, so this module imports nothing that runs (the decoding stays in the
 * worker's bundle). The file name's extension decides first, since clients send a .md file as text/markdown,
 * text/plain or application/octet-stream; without a known extension the MIME type decides.
 */
import type { DocumentFormat } from '../context.ts';

const BY_EXTENSION: ReadonlyMap<string, DocumentFormat> = new Map([
  ['txt', 'text'],
  ['text', 'text'],
  ['md', 'markdown'],
  ['markdown', 'markdown'],
  ['epub', 'epub'],
  ['pdf', 'pdf'],
]);

const BY_MIME_TYPE: ReadonlyMap<string, DocumentFormat> = new Map([
  ['text/plain', 'text'],
  ['text/markdown', 'markdown'],
  ['text/x-markdown', 'markdown'],
  ['application/epub+zip', 'epub'],
  ['application/pdf', 'pdf'],
]);

/** The format a document is read in, or undefined when the bot does not read it. */
export function documentFormat(document: { file_name?: string; mime_type?: string }): DocumentFormat | undefined {
  const extension = /\.([^.]+)$/.exec(document.file_name?.trim() ?? '')?.[1]?.toLowerCase();
  const byExtension = extension === undefined ? undefined : BY_EXTENSION.get(extension);
  // A MIME type may carry parameters: "text/plain; charset=utf-8".
  return byExtension ?? BY_MIME_TYPE.get(document.mime_type?.split(';')[0]!.trim().toLowerCase() ?? '');
}
