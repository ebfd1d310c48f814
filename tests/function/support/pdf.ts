/**
 * PDFs made in memory for the tests, so the repository holds no binary fixtures: a catalog, its pages,
 * one standard font (Helvetica, which a reader needs not embed), a content stream a page that shows
 * each line with BT/Tf/Td/Tj/ET, and a cross-reference table with each object's true offset.
 */

/** A line of a page: its text (ASCII) and, when it matters, its baseline; otherwise lines go down 14 points apart. */
export type PdfLine = string | { text: string; y: number };

const TOP = 750;
const LEADING = 14;

/** A PDF string literal: backslashes and parentheses escaped. */
const literal = (text: string) => `(${text.replace(/[\\()]/g, (c) => `\\${c}`)})`;

function contentStream(lines: readonly PdfLine[]): string {
  return lines
    .map((line, i) => {
      const { text, y } = typeof line === 'string' ? { text: line, y: TOP - i * LEADING } : line;
      return `BT /F1 12 Tf 72 ${y} Td ${literal(text)} Tj ET`;
    })
    .join('\n');
}

/** A PDF of the given pages, each a list of lines (an empty list: a page with no text, as a scan's). */
export function pdf(pages: readonly (readonly PdfLine[])[]): Uint8Array {
  const objects: string[] = [];
  const pageIds = pages.map((_, i) => 4 + 2 * i);
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
  pages.forEach((lines, i) => {
    const content = contentStream(lines);
    objects[pageIds[i]!] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${pageIds[i]! + 1} 0 R >>`;
    objects[pageIds[i]! + 1] = `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`;
  });
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = Buffer.byteLength(out, 'latin1');
    out += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xref = Buffer.byteLength(out, 'latin1');
  // Each cross-reference entry is exactly 20 bytes: 10-digit offset, 5-digit generation, n or f, and "\r\n".
  out += `xref\n0 ${objects.length}\n0000000000 65535 f\r\n`;
  for (let id = 1; id < objects.length; id++) out += `${String(offsets[id]).padStart(10, '0')} 00000 n\r\n`;
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, 'latin1'));
}
