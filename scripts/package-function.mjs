// Writes dist/function.zip, the Lambda package, from dist/index.mjs (the webhook), dist/worker.mjs (the queue worker)
// and dist/pdf.mjs (PDF.js, which the worker imports beside itself when a PDF arrives).
//
// The zip is deterministic: a fixed timestamp (1980-01-01, the earliest a zip can say), fixed modes
// and a fixed compression level, so the same bundle always gives the same bytes. Terraform takes the
// zip by path and hashes it (filebase64sha256): a rebuild without a code change plans no update, and
// checking out an older commit and building again gives back exactly the code that ran then.
//
//   node scripts/package-function.mjs [--dist DIR]
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const ENTRIES = ['index.mjs', 'worker.mjs', 'pdf.mjs'];
const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1; // years since 1980, month, day
const DOS_TIME_MIDNIGHT = 0;
const UNIX_FILE_MODE_0644 = 0o100644;
const MADE_BY_UNIX_V2_0 = (3 << 8) | 20;
const VERSION_NEEDED_2_0 = 20;
const METHOD_DEFLATE = 8;

/**
 * The fields a local header and its central directory record share, in the same order (APPNOTE
 * 4.3.7 and 4.3.12): written once, at `at` in either. Fields left out stay 0 (Buffer.alloc).
 */
function writeSharedFields(header, at, { crc, compressed, size, nameLength }) {
  header.writeUInt16LE(VERSION_NEEDED_2_0, at);
  // at + 2: general purpose flags, 0
  header.writeUInt16LE(METHOD_DEFLATE, at + 4);
  header.writeUInt16LE(DOS_TIME_MIDNIGHT, at + 6);
  header.writeUInt16LE(DOS_DATE_1980_01_01, at + 8);
  header.writeUInt32LE(crc, at + 10);
  header.writeUInt32LE(compressed, at + 14);
  header.writeUInt32LE(size, at + 18);
  header.writeUInt16LE(nameLength, at + 22);
}

/** One file as a zip local header + data, and its central directory record. */
function zipEntry(name, content, offset) {
  const nameBytes = Buffer.from(name, 'utf8');
  const data = zlib.deflateRawSync(content, { level: 9 });
  const shared = { crc: zlib.crc32(content), compressed: data.length, size: content.length, nameLength: nameBytes.length };

  // Signature, the shared fields, then an extra-field length of 0.
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  writeSharedFields(local, 4, shared);

  // Signature, "made by", the shared fields, then extra, comment, disk and internal attributes (all 0),
  // the Unix mode and where the local header starts.
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(MADE_BY_UNIX_V2_0, 4);
  writeSharedFields(central, 6, shared);
  central.writeUInt32LE((UNIX_FILE_MODE_0644 << 16) >>> 0, 38);
  central.writeUInt32LE(offset, 42);

  return { local: Buffer.concat([local, nameBytes, data]), central: Buffer.concat([central, nameBytes]) };
}

/** A zip archive of the given files, in the given order. */
export function deterministicZip(files) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const { name, content } of files) {
    const entry = zipEntry(name, content, offset);
    locals.push(entry.local);
    centrals.push(entry.central);
    offset += entry.local.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const flag = process.argv.indexOf('--dist');
  const dist = flag > 0 ? process.argv[flag + 1] : path.join(path.dirname(new URL(import.meta.url).pathname), '..', 'dist');
  const files = ENTRIES.map((name) => {
    const file = path.join(dist, name);
    if (!fs.existsSync(file)) {
      console.error(`package-function: ${file} is missing; run \`npm run build\` (tsup) first`);
      process.exit(1);
    }
    return { name, content: fs.readFileSync(file) };
  });
  const zip = deterministicZip(files);
  const out = path.join(dist, 'function.zip');
  fs.writeFileSync(out, zip, { mode: 0o644 });
  console.log(`package-function: ${path.relative(process.cwd(), out)} ${(zip.length / 1024).toFixed(1)} KiB (${ENTRIES.join(', ')})`);
}
