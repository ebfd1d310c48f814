import type { DocumentFormat } from '../context.ts';

/** Decided by the file's extension first (what the user sees), else by its MIME type; anything else is not read. */
export function documentFormat(document: { file_name?: string; mime_type?: string }): DocumentFormat | undefined {
  const extension = /\.([A-Za-z]+)$/.exec(document.file_name ?? '')?.[1]?.toLowerCase();
  if (extension === 'txt' || extension === 'text') return 'text';
  if (extension === 'md' || extension === 'markdown') return 'markdown';
  if (extension) return undefined;
  const mime = document.mime_type?.toLowerCase();
  if (mime === 'text/plain') return 'text';
  if (mime === 'text/markdown' || mime === 'text/x-markdown') return 'markdown';
  return undefined;
}
