/**
 * The zip reader under an EPUB: entries listed from the central directory and read back stored or
 * deflated; and every archive a stranger could send to hurt the worker refused with its reason, a zip
 * bomb before it is inflated past what it declares.
 */
import assert from 'node:assert/strict';
import { resourceUsage } from 'node:process';
import { describe, test } from 'node:test';
import { ZIP_MAX_ENTRY_BYTES, ZipArchive, ZipError, type ZipErrorReason } from '../../../function/src/documents/zip.ts';
import { deflatedZeros, zip } from '../support/epub.ts';

const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

function refused(reason: ZipErrorReason, work: () => unknown) {
  assert.throws(work, (error: unknown) => error instanceof ZipError && error.name === 'ZipError' && error.reason === reason);
}

describe('a zip archive', () => {
  test('lists its entries from the central directory and reads each back, stored or deflated', () => {
    const words = 'All work and no play makes Jack a dull boy. '.repeat(50);
    const archive = new ZipArchive(zip([{ name: 'stored.txt', data: 'as it is' }, { name: 'dir/deflated.txt', data: words, deflate: true }, { name: 'empty', data: '' }]));
    assert.deepEqual([...archive.entries.keys()], ['stored.txt', 'dir/deflated.txt', 'empty']);
    const deflated = archive.entries.get('dir/deflated.txt')!;
    assert.equal(deflated.method, 8);
    assert.equal(deflated.uncompressedSize, words.length);
    assert.ok(deflated.compressedSize < words.length / 10);
    assert.equal(text(archive.read('stored.txt')), 'as it is');
    assert.equal(text(archive.read('dir/deflated.txt')), words);
    assert.equal(text(archive.read('empty')), '');
    assert.equal(archive.read('missing.txt'), undefined);
  });

  test('is found behind a comment, and with names in UTF-8', () => {
    const archive = new ZipArchive(zip([{ name: 'Глава 1.xhtml', data: 'Текст', deflate: true }], { comment: 'made by a test; PK\u0005\u0006 in a comment is no record' }));
    assert.equal(text(archive.read('Глава 1.xhtml')), 'Текст');
  });

  test('a file that is no zip, or a truncated one, is refused', () => {
    refused('not_zip', () => new ZipArchive(new TextEncoder().encode('Just a text file, not an archive.')));
    refused('not_zip', () => new ZipArchive(new Uint8Array()));
    const whole = zip([{ name: 'a.txt', data: 'a' }]);
    refused('not_zip', () => new ZipArchive(whole.subarray(0, whole.length - 5)));
    // The end record, with the entries cut away in front of it.
    refused('corrupt', () => new ZipArchive(whole.subarray(whole.length - 22 - 47)));
  });

  test('ZIP64 is refused', () => {
    const archive = zip([{ name: 'a.txt', data: 'a' }]);
    const locator = new Uint8Array(20);
    new DataView(locator.buffer).setUint32(0, 0x07064b50, true);
    const end = archive.subarray(archive.length - 22);
    const withLocator = Buffer.concat([archive.subarray(0, archive.length - 22), locator, end]);
    refused('zip64', () => new ZipArchive(withLocator));
    const counted = Uint8Array.from(archive);
    new DataView(counted.buffer).setUint16(counted.length - 22 + 10, 0xffff, true);
    refused('zip64', () => new ZipArchive(counted));
  });

  test('an encrypted entry, or one in a method other than stored and deflate, is not read', () => {
    const archive = new ZipArchive(zip([{ name: 'secret.txt', data: 'x', flags: 1 }, { name: 'bzip2.txt', data: 'x', method: 12 }, { name: 'plain.txt', data: 'fine' }]));
    refused('encrypted', () => archive.read('secret.txt'));
    refused('unsupported_method', () => archive.read('bzip2.txt'));
    assert.equal(text(archive.read('plain.txt')), 'fine');
  });

  test('a name that climbs out of the archive refuses the archive', () => {
    refused('unsafe_name', () => new ZipArchive(zip([{ name: 'OEBPS/../../evil.xhtml', data: 'x' }])));
    refused('unsafe_name', () => new ZipArchive(zip([{ name: '..\\evil.xhtml', data: 'x' }])));
    // Two dots inside a name are only dots.
    assert.equal(text(new ZipArchive(zip([{ name: 'a..b.txt', data: 'x' }])).read('a..b.txt')), 'x');
  });

  test('an entry whose bytes do not match its checksum or its declared size is refused', () => {
    const archive = zip([{ name: 'a.txt', data: 'checksummed' }]);
    const flipped = Uint8Array.from(archive);
    flipped[30 + 'a.txt'.length]! ^= 0x20; // the first byte of the stored data
    refused('corrupt', () => new ZipArchive(flipped).read('a.txt'));
    refused('corrupt', () => new ZipArchive(zip([{ name: 'a.txt', data: 'twelve bytes', deflate: true, declaredSize: 11 }])).read('a.txt'));
    refused('corrupt', () => new ZipArchive(zip([{ name: 'a.txt', data: 'twelve bytes', deflate: true, declaredSize: 13 }])).read('a.txt'));
    refused('corrupt', () => new ZipArchive(zip([{ name: 'a.txt', data: Uint8Array.of(0xff, 0xff, 0xff), raw: { size: 3, crc: 0 } }])).read('a.txt'));
  });

  test('a zip bomb that declares a small size is inflated no further than that, and refused', () => {
    const bomb = new ZipArchive(zip([{ name: 'bomb.xhtml', ...deflatedZeros(512), declaredSize: 1_000 }]));
    const peakBefore = resourceUsage().maxRSS;
    refused('corrupt', () => bomb.read('bomb.xhtml'));
    // Inflated whole, the 512 MB would have been allocated and written: the process's peak would show it.
    assert.ok(resourceUsage().maxRSS - peakBefore < 128 * 1024, `the peak memory grew by ${resourceUsage().maxRSS - peakBefore} KB`);
  });

  test('an entry declaring more than the limit is refused before it is inflated, and so is an archive inflating to more than the total', () => {
    refused('too_big', () => new ZipArchive(zip([{ name: 'huge.xhtml', ...deflatedZeros(1), declaredSize: 0xfffffffe } ])).read('huge.xhtml'));
    refused('too_big', () => new ZipArchive(zip([{ name: 'big.xhtml', ...deflatedZeros(21) }])).read('big.xhtml'));
    const atLimit = deflatedZeros(ZIP_MAX_ENTRY_BYTES / 1024 / 1024);
    const archive = new ZipArchive(zip([{ name: '1', ...atLimit }, { name: '2', ...atLimit }, { name: '3', ...atLimit }]));
    assert.equal(archive.read('1')!.length, ZIP_MAX_ENTRY_BYTES);
    assert.equal(archive.read('2')!.length, ZIP_MAX_ENTRY_BYTES);
    refused('too_big', () => archive.read('3'));
  });
});
