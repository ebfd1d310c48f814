import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  joinOggOpus,
  OggFormatError,
  oggCrc32,
  opusPacketSamples,
  readOggPackets,
  readOggPages,
  writeOggPage,
  type OggPage,
} from '../../../function/src/speech/ogg.ts';

/** TOC byte for one 20 ms CELT frame (config 19, code 0): 960 samples at 48 kHz. */
const CELT_20MS = 19 << 3;

function opusHead(channels = 1, preSkip = 312): Buffer {
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'latin1');
  head[8] = 1;
  head[9] = channels;
  head.writeUInt16LE(preSkip, 10);
  head.writeUInt32LE(24_000, 12);
  return head;
}

/** Builds an Ogg Opus file the way an encoder does: head page, tags page, audio pages, end trim on the last granule. */
function oggOpusFile({ serial, packets, perPage = 3, trim = 0, preSkip = 312, channels = 1 }: { serial: number; packets: Buffer[]; perPage?: number; trim?: number; preSkip?: number; channels?: number }): Buffer {
  const pages: Buffer[] = [];
  let sequence = 0;
  const page = (flags: number, granule: bigint, body: Buffer[]) =>
    pages.push(
      writeOggPage({
        flags,
        granule,
        serial,
        sequence: sequence++,
        segments: Uint8Array.from(body.flatMap((p) => [...Array(Math.floor(p.length / 255)).fill(255), p.length % 255])),
        body: Buffer.concat(body),
      }),
    );
  page(0x02, 0n, [opusHead(channels, preSkip)]);
  page(0, 0n, [Buffer.from('OpusTags\x08\x00\x00\x00polly-ishtest\x00\x00\x00\x00', 'latin1')]);
  let granule = 0n;
  for (let i = 0; i < packets.length; i += perPage) {
    const group = packets.slice(i, i + perPage);
    for (const p of group) granule += BigInt(opusPacketSamples(p));
    const last = i + perPage >= packets.length;
    page(last ? 0x04 : 0, last ? granule - BigInt(trim) : granule, group);
  }
  return Buffer.concat(pages);
}

const packet = (n: number, size = 40) => Buffer.concat([Buffer.from([CELT_20MS]), Buffer.alloc(size - 1, n)]);

async function* chunks(bytes: Buffer, size = 100): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const part of source) parts.push(part);
  return Buffer.concat(parts);
}

/** The joined bytes and the generator's return value, the duration. */
async function joinAll(sources: Buffer[]): Promise<{ bytes: Buffer; durationSeconds: number }> {
  const generator = joinOggOpus(sources.map((source) => chunks(source)));
  const parts: Uint8Array[] = [];
  for (let next = await generator.next(); ; next = await generator.next()) {
    if (next.done) return { bytes: Buffer.concat(parts), durationSeconds: next.value };
    parts.push(next.value);
  }
}

async function pagesOf(bytes: Buffer): Promise<OggPage[]> {
  const pages: OggPage[] = [];
  for await (const page of readOggPages(chunks(bytes))) pages.push(page);
  return pages;
}

describe('Ogg CRC', () => {
  test('matches the Ogg polynomial on a known vector', () => {
    // CRC-32/MPEG-2 style without reflection or final XOR, initial value 0 ("123456789" → 0x89a1897f).
    assert.equal(oggCrc32(Buffer.from('123456789')), 0x89a1897f);
  });
});

describe('Opus packet duration', () => {
  test('reads SILK, hybrid and CELT frame sizes and frame counts from the TOC byte', () => {
    assert.equal(opusPacketSamples(Uint8Array.of(0 << 3)), 480); // SILK 10 ms
    assert.equal(opusPacketSamples(Uint8Array.of((3 << 3) | 1)), 2 * 2880); // SILK 60 ms, two frames
    assert.equal(opusPacketSamples(Uint8Array.of(13 << 3)), 960); // hybrid 20 ms
    assert.equal(opusPacketSamples(Uint8Array.of((16 << 3) | 3, 5)), 5 * 120); // CELT 2.5 ms, five frames
  });
});

describe('reading Ogg', () => {
  test('reassembles packets that span pages and arrive in arbitrary chunks', async () => {
    const big = Buffer.alloc(700, 7);
    big[0] = CELT_20MS;
    const file = oggOpusFile({ serial: 1, packets: [big, packet(1)] });
    const packets = [];
    for await (const p of readOggPackets(chunks(file, 33))) packets.push(Buffer.from(p.data));
    assert.equal(packets.length, 4);
    assert.deepEqual(packets[2], big);
  });

  test('rejects a page whose CRC does not match', async () => {
    const file = oggOpusFile({ serial: 1, packets: [packet(1)] });
    file[file.length - 1]! ^= 0xff;
    await assert.rejects(collect(readOggPackets(chunks(file)) as AsyncIterable<never>), OggFormatError);
  });

  test('rejects bytes that are not Ogg and a stream cut inside a page', async () => {
    await assert.rejects(pagesOf(Buffer.from('ID3 not an ogg file at all, just text......')), /capture pattern/);
    const file = oggOpusFile({ serial: 1, packets: [packet(1)] });
    await assert.rejects(pagesOf(file.subarray(0, file.length - 5)), /ends inside a page/);
  });
});

describe('joining Ogg Opus streams', () => {
  const first = oggOpusFile({ serial: 111, packets: [1, 2, 3, 4, 5].map((n) => packet(n)), trim: 100 });
  const second = oggOpusFile({ serial: 222, packets: [6, 7, 8].map((n) => packet(n)), trim: 200 });

  test('makes one logical stream: one head, one tags, every audio packet in order', async () => {
    const joined = await collect(joinOggOpus([chunks(first), chunks(second)]));
    const packets = [];
    for await (const p of readOggPackets(chunks(joined))) packets.push(Buffer.from(p.data));
    assert.equal(packets.length, 2 + 8);
    assert.equal(packets[0]!.toString('latin1', 0, 8), 'OpusHead');
    assert.equal(packets[1]!.toString('latin1', 0, 8), 'OpusTags');
    assert.deepEqual(
      packets.slice(2).map((p) => p[1]),
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
  });

  test('numbers pages from zero under one serial, with begin and end flags only at the ends', async () => {
    const pages = await pagesOf(await collect(joinOggOpus([chunks(first), chunks(second)])));
    assert.equal(new Set(pages.map((p) => p.serial)).size, 1);
    assert.deepEqual(
      pages.map((p) => p.sequence),
      pages.map((_, i) => i),
    );
    assert.deepEqual(
      pages.map((p) => p.flags),
      pages.map((_, i) => (i === 0 ? 0x02 : i === pages.length - 1 ? 0x04 : 0)),
    );
    assert.equal(pages[0]!.body.length, 19, 'the head page carries only OpusHead');
  });

  test('counts granules across inputs and keeps only the last input end trim', async () => {
    const { bytes, durationSeconds } = await joinAll([first, second]);
    const pages = await pagesOf(bytes);
    const granules = pages.map((p) => p.granule);
    assert.deepEqual(granules, [...granules].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), 'granules never go back');
    assert.equal(granules.at(-1), BigInt(8 * 960 - 200));
    assert.equal(durationSeconds, (8 * 960 - 200 - 312) / 48_000);
  });

  test('passes a single stream through with its duration unchanged', async () => {
    const { bytes, durationSeconds } = await joinAll([first]);
    const pages = await pagesOf(bytes);
    assert.equal(pages.at(-1)!.granule, BigInt(5 * 960 - 100));
    assert.equal(durationSeconds, (5 * 960 - 100 - 312) / 48_000);
  });

  test('refuses inputs whose channel counts differ', async () => {
    const stereo = oggOpusFile({ serial: 3, packets: [packet(1)], channels: 2 });
    await assert.rejects(collect(joinOggOpus([chunks(first), chunks(stereo)])), /channels/);
  });

  test('refuses an input that is not Opus', async () => {
    const notOpus = Buffer.from(writeOggPage({ flags: 2, granule: 0n, serial: 9, sequence: 0, segments: Uint8Array.of(5), body: Buffer.from('hello') }));
    await assert.rejects(collect(joinOggOpus([chunks(notOpus)])), /OpusHead/);
  });
});
