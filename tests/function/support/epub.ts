/**
 * Zip archives and EPUB books made in memory for the tests: a small zip writer (stored or deflated
 * entries, and whatever an entry should lie about), and a book of XHTML pages around it.
 */
import { posix } from 'node:path';
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipFile {
  name: string;
  data: Uint8Array | string;
  deflate?: boolean;
  /** Already deflated: `data` is written as it is, with the size and checksum of what it inflates to. */
  raw?: { size: number; crc: number };
  /** The uncompressed size written in the headers, when the entry should lie about it. */
  declaredSize?: number;
  flags?: number;
  method?: number;
}

const bytesOf = (data: Uint8Array | string) => (typeof data === 'string' ? new TextEncoder().encode(data) : data);

/** A zip of the files, in order; the local headers carry no sizes (as with a data descriptor), so a reader must take the central directory's. */
export function zip(files: ZipFile[], { comment = '' } = {}): Uint8Array {
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const file of files) {
    const plain = bytesOf(file.data);
    const stored = file.raw ? plain : file.deflate ? deflateRawSync(plain) : plain;
    const name = new TextEncoder().encode(file.name);
    const method = file.method ?? (file.raw || file.deflate ? 8 : 0);
    const size = file.declaredSize ?? file.raw?.size ?? plain.length;
    const crc = file.raw?.crc ?? crc32(plain);
    const local = header(30, (view) => {
      view.setUint32(0, 0x04034b50, true);
      view.setUint16(4, 20, true);
      view.setUint16(6, file.flags ?? 0, true);
      view.setUint16(8, method, true);
      view.setUint16(26, name.length, true);
    });
    const entry = header(46, (view) => {
      view.setUint32(0, 0x02014b50, true);
      view.setUint16(4, 20, true);
      view.setUint16(6, 20, true);
      view.setUint16(8, file.flags ?? 0, true);
      view.setUint16(10, method, true);
      view.setUint32(16, crc, true);
      view.setUint32(20, stored.length, true);
      view.setUint32(24, size, true);
      view.setUint16(28, name.length, true);
      view.setUint32(42, offset, true);
    });
    chunks.push(local, name, stored);
    central.push(entry, name);
    offset += local.length + name.length + stored.length;
  }
  const directorySize = central.reduce((sum, chunk) => sum + chunk.length, 0);
  const commentBytes = new TextEncoder().encode(comment);
  const end = header(22, (view) => {
    view.setUint32(0, 0x06054b50, true);
    view.setUint16(8, files.length, true);
    view.setUint16(10, files.length, true);
    view.setUint32(12, directorySize, true);
    view.setUint32(16, offset, true);
    view.setUint16(20, commentBytes.length, true);
  });
  return Buffer.concat([...chunks, ...central, end, commentBytes]);
}

function header(length: number, write: (view: DataView) => void): Uint8Array {
  const bytes = new Uint8Array(length);
  write(new DataView(bytes.buffer));
  return bytes;
}

/**
 * An entry of `megabytes` MB of zeros, deflated without holding them: one megabyte deflated and
 * flushed to a byte boundary, repeated, then an empty final block.
 */
export function deflatedZeros(megabytes: number): Pick<ZipFile, 'data' | 'raw'> {
  const megabyte = new Uint8Array(1024 * 1024);
  const chunk = deflateRawSync(megabyte, { finishFlush: 2 /* Z_SYNC_FLUSH */ });
  let crc = 0;
  for (let i = 0; i < megabytes; i++) crc = crc32(megabyte, crc);
  return { data: Buffer.concat([...Array.from({ length: megabytes }, () => chunk), Uint8Array.of(0x03, 0x00)]), raw: { size: megabytes * megabyte.length, crc } };
}

export interface Page {
  id: string;
  /** As the manifest writes it, relative to the package and percent-encoded. */
  href: string;
  /** What the page's <body> holds. */
  body: string;
  mediaType?: string;
}

export interface Book {
  pages: Page[];
  /** The reading order: ids, or an itemref written as given. Default: the pages in order. */
  spine?: string[];
  packagePath?: string;
  /** More entries: META-INF/encryption.xml, fonts, images… */
  files?: ZipFile[];
}

/** An XHTML page as books write them: declaration, doctype, a head whose title and style are not read. */
export const xhtml = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops">\n<head><title>Title in the head</title><style>p { margin: 0 }</style></head>\n<body>\n${body}\n</body>\n</html>\n`;

/** An EPUB 3 book: mimetype first and stored, the container, the package, and each page deflated. */
export function epub({ pages, spine = pages.map((page) => `<itemref idref="${page.id}"/>`), packagePath = 'OEBPS/content.opf', files = [] }: Book): Uint8Array {
  const folder = posix.dirname(packagePath);
  const opf = `<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="id">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>A Test Book</dc:title></metadata>
  <manifest>
${pages.map((page) => `    <item id="${page.id}" href="${page.href}" media-type="${page.mediaType ?? 'application/xhtml+xml'}"/>`).join('\n')}
  </manifest>
  <spine>
    ${spine.join('\n    ')}
  </spine>
</package>`;
  return zip([
    { name: 'mimetype', data: 'application/epub+zip' },
    {
      name: 'META-INF/container.xml',
      data: `<?xml version="1.0"?><container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container"><rootfiles><rootfile full-path="${packagePath}" media-type="application/oebps-package+xml"/></rootfiles></container>`,
      deflate: true,
    },
    { name: packagePath, data: opf, deflate: true },
    ...pages.map((page) => ({ name: posix.join(folder, decodeURIComponent(page.href.replace(/#.*/, ''))), data: xhtml(page.body), deflate: true })),
    ...files,
  ]);
}

/** encryption.xml listing each path under an algorithm: font obfuscation (IDPF's) or a DRM's cipher. */
export function encryptionXml(entries: { algorithm: string; uri: string }[]): ZipFile {
  const data = entries.map(
    ({ algorithm, uri }) =>
      `<enc:EncryptedData><enc:EncryptionMethod Algorithm="${algorithm}"/><enc:CipherData><enc:CipherReference URI="${uri}"/></enc:CipherData></enc:EncryptedData>`,
  );
  return { name: 'META-INF/encryption.xml', data: `<?xml version="1.0"?><encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#">${data.join('')}</encryption>`, deflate: true };
}

export const FONT_OBFUSCATION = 'http://www.idpf.org/2008/embedding';
export const AES128_CBC = 'http://www.w3.org/2001/04/xmlenc#aes128-cbc';
