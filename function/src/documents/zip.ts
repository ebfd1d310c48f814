/**
 * A zip archive read from memory, as much of the format as an EPUB needs: the central directory's
 * entries, each extracted stored or deflated (node:zlib, so no dependency). The bytes come from a
 * stranger, so every size and offset is checked against the buffer before it is used, and an entry is
 * inflated into at most the size it declares: a zip bomb is refused, not allocated.
 *
 * Not read, and refused when met: ZIP64 (archives over 4 GB or 65,535 entries: no book is),
 * encryption, methods other than stored and deflate, and names that climb out with `..`.
 */
import { crc32, inflateRawSync } from 'node:zlib';

/** The largest entry inflated, and the most inflated from one archive: far beyond any book's text. */
export const ZIP_MAX_ENTRY_BYTES = 20 * 1024 * 1024;
export const ZIP_MAX_TOTAL_BYTES = 50 * 1024 * 1024;

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_LOCATOR = 0x07064b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const END_RECORD_BYTES = 22;
const CENTRAL_HEADER_BYTES = 46;
const LOCAL_HEADER_BYTES = 30;
/** The end record's comment is at most this long, so the record starts no further back. */
const MAX_COMMENT_BYTES = 0xffff;

const STORED = 0;
const DEFLATED = 8;
const FLAG_ENCRYPTED = 1;

export type ZipErrorReason = 'not_zip' | 'zip64' | 'corrupt' | 'unsafe_name' | 'encrypted' | 'unsupported_method' | 'too_big';

export class ZipError extends Error {
  override readonly name = 'ZipError';
  constructor(
    readonly reason: ZipErrorReason,
    detail: string,
  ) {
    super(`${reason}: ${detail}`);
  }
}

export interface ZipEntry {
  name: string;
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

export class ZipArchive {
  /** The entries by name, as the central directory lists them; the first of a repeated name. */
  readonly entries: ReadonlyMap<string, ZipEntry>;
  private inflatedBytes = 0;

  constructor(private readonly bytes: Uint8Array) {
    this.entries = readCentralDirectory(bytes);
  }

  /** An entry's bytes, or undefined when the archive has no such entry. */
  read(name: string): Uint8Array | undefined {
    const entry = this.entries.get(name);
    if (!entry) return undefined;
    if (entry.flags & FLAG_ENCRYPTED) throw new ZipError('encrypted', name);
    if (entry.method !== STORED && entry.method !== DEFLATED) throw new ZipError('unsupported_method', `${name} (method ${entry.method})`);
    if (entry.uncompressedSize > ZIP_MAX_ENTRY_BYTES || this.inflatedBytes + entry.uncompressedSize > ZIP_MAX_TOTAL_BYTES) {
      throw new ZipError('too_big', `${name} declares ${entry.uncompressedSize} bytes`);
    }
    const data = this.compressedData(entry);
    const content = entry.method === STORED ? data : inflate(data, entry);
    if (content.length !== entry.uncompressedSize) throw new ZipError('corrupt', `${name} holds ${content.length} bytes, declares ${entry.uncompressedSize}`);
    if (crc32(content) !== entry.crc32) throw new ZipError('corrupt', `${name} fails its checksum`);
    this.inflatedBytes += content.length;
    return content;
  }

  /** The entry's data, after its local header (whose name and extra field may differ in length from the central directory's). */
  private compressedData(entry: ZipEntry): Uint8Array {
    const view = viewOf(this.bytes);
    const at = entry.localHeaderOffset;
    if (at + LOCAL_HEADER_BYTES > this.bytes.length || view.getUint32(at, true) !== LOCAL_FILE_HEADER) throw new ZipError('corrupt', `no local header for ${entry.name}`);
    const start = at + LOCAL_HEADER_BYTES + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
    if (start + entry.compressedSize > this.bytes.length) throw new ZipError('corrupt', `${entry.name} runs past the archive's end`);
    return this.bytes.subarray(start, start + entry.compressedSize);
  }
}

/** Deflated data into at most the size it declares (and one byte more, to tell a lie from the truth). */
function inflate(data: Uint8Array, entry: ZipEntry): Uint8Array {
  try {
    return inflateRawSync(data, { maxOutputLength: entry.uncompressedSize + 1 });
  } catch (error) {
    // RangeError: more than declared; a zlib error: not deflate data.
    throw new ZipError('corrupt', `${entry.name} does not inflate to its declared ${entry.uncompressedSize} bytes (${(error as Error).message})`);
  }
}

const viewOf = (bytes: Uint8Array) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

function readCentralDirectory(bytes: Uint8Array): Map<string, ZipEntry> {
  const view = viewOf(bytes);
  const end = findEndRecord(bytes, view);
  if (end >= 20 && view.getUint32(end - 20, true) === ZIP64_END_LOCATOR) throw new ZipError('zip64', 'a ZIP64 archive');
  const count = view.getUint16(end + 10, true);
  const size = view.getUint32(end + 12, true);
  const offset = view.getUint32(end + 16, true);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) throw new ZipError('zip64', 'a ZIP64 archive');
  if (offset + size > end) throw new ZipError('corrupt', 'the central directory runs past its end record');
  const names = new TextDecoder();
  const entries = new Map<string, ZipEntry>();
  let at = offset;
  for (let i = 0; i < count; i++) {
    if (at + CENTRAL_HEADER_BYTES > offset + size || view.getUint32(at, true) !== CENTRAL_FILE_HEADER) throw new ZipError('corrupt', `central directory entry ${i} is not where it should be`);
    const nameLength = view.getUint16(at + 28, true);
    const next = at + CENTRAL_HEADER_BYTES + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    if (next > offset + size) throw new ZipError('corrupt', `central directory entry ${i} runs past the directory`);
    const entry: ZipEntry = {
      // EPUB requires UTF-8 names; a legacy zip's CP437 names read as replacement characters, which no href matches.
      name: names.decode(bytes.subarray(at + CENTRAL_HEADER_BYTES, at + CENTRAL_HEADER_BYTES + nameLength)),
      flags: view.getUint16(at + 8, true),
      method: view.getUint16(at + 10, true),
      crc32: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      uncompressedSize: view.getUint32(at + 24, true),
      localHeaderOffset: view.getUint32(at + 42, true),
    };
    if (entry.compressedSize === 0xffffffff || entry.uncompressedSize === 0xffffffff || entry.localHeaderOffset === 0xffffffff) throw new ZipError('zip64', `${entry.name} has ZIP64 sizes`);
    // Nothing is written to disk, but a name that climbs out of the archive is a sign of a hostile one.
    if (entry.name.split(/[/\\]/).includes('..')) throw new ZipError('unsafe_name', entry.name);
    if (!entries.has(entry.name)) entries.set(entry.name, entry);
    at = next;
  }
  return entries;
}

/** Where the end of central directory record starts: searched back from the end, over at most a full comment. */
function findEndRecord(bytes: Uint8Array, view: DataView): number {
  const last = bytes.length - END_RECORD_BYTES;
  for (let at = last; at >= 0 && at >= last - MAX_COMMENT_BYTES; at--) {
    // The signature, and a comment that fits in the file (some tools leave bytes after it).
    if (view.getUint32(at, true) === END_OF_CENTRAL_DIRECTORY && at + END_RECORD_BYTES + view.getUint16(at + 20, true) <= bytes.length) return at;
  }
  throw new ZipError('not_zip', 'no end of central directory record');
}
