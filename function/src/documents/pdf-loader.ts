/**
 * PDF.js, loaded only when a PDF arrives: it is dist/pdf.mjs, a bundle of its own beside the
 * worker's, so the 1.6 MB are parsed by the invocations that read a PDF and by no other.
 */
import type { pdfText } from './pdf.ts';

// The module beside this code: run from the sources (tsx), this file is pdf-loader.ts and the module
// pdf.ts; run from dist/, this code is inside worker.mjs and the module is pdf.mjs. The specifier is a
// value rather than a literal so that esbuild leaves the import to run time instead of bundling PDF.js
// into worker.mjs.
const PDF_MODULE = import.meta.url.endsWith('.ts') ? './pdf.ts' : './pdf.mjs';

export const loadPdfText = async (): Promise<typeof pdfText> => ((await import(PDF_MODULE)) as { pdfText: typeof pdfText }).pdfText;
