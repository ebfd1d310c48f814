/**
 * Ogg Opus, just enough of it to join several Polly answers into one voice message.
 *
 * Polly returns one complete Ogg Opus file per request. Telegram plays exactly one logical
 * stream per voice, so concatenating files is wrong (a second OpusHead mid-file stops players).
 * Instead we demux every input into Opus packets and mux them again as one stream: the first
 * input's headers, every input's audio packets, fresh page numbers, granule positions counted
 * from the packets themselves, and CRCs recomputed. Everything is streamed page by page.
 */

const CAPTURE_PATTERN = 0x4f676753; // "OggS"
const HEADER_BYTES = 27;
const FLAG_CONTINUED = 0x01;
const FLAG_FIRST = 0x02;
const FLAG_LAST = 0x04;
/** Opus always counts granule positions in 48 kHz samples, whatever the input rate. */
export const OPUS_GRANULE_RATE = 48_000;
/** Pages are closed at this many payload bytes; libopusenc uses a similar bound. */
const TARGET_PAGE_BYTES = 4096;

export class OggFormatError extends Error {
  override name = 'OggFormatError';
}

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

/** The Ogg CRC-32: polynomial 0x04c11db7, not reflected, initial value 0. */
export function oggCrc32(bytes: Uint8Array): number {
  let crc = 0;
  // An indexed loop: iterating a Buffer with for…of is several times slower on this hot path.
  for (let i = 0; i < bytes.length; i++) crc = (crc << 8) ^ CRC_TABLE[((crc >>> 24) ^ bytes[i]!) & 0xff]!;
  return crc >>> 0;
}

export interface OggPage {
  flags: number;
  granule: bigint;
  serial: number;
  sequence: number;
  /** Lacing values as stored: 255 continues a packet, anything less ends one. */
  segments: Uint8Array;
  body: Uint8Array;
}

/** Splits a byte stream into Ogg pages, checking each page's capture pattern and CRC. */
export async function* readOggPages(source: AsyncIterable<Uint8Array>): AsyncGenerator<OggPage> {
  let pending: Buffer = Buffer.alloc(0);
  for await (const chunk of source) {
    pending = pending.length ? Buffer.concat([pending, chunk]) : Buffer.from(chunk);
    let offset = 0;
    for (;;) {
      const page = parsePageAt(pending, offset);
      if (!page) break;
      offset += page.size;
      yield page.page;
    }
    pending = pending.subarray(offset);
  }
  if (pending.length) throw new OggFormatError(`stream ends inside a page (${pending.length} bytes left over)`);
}

function parsePageAt(buf: Buffer, offset: number): { page: OggPage; size: number } | undefined {
  if (buf.length - offset < HEADER_BYTES) return undefined;
  if (buf.readUInt32BE(offset) !== CAPTURE_PATTERN) throw new OggFormatError('missing "OggS" capture pattern');
  if (buf[offset + 4] !== 0) throw new OggFormatError(`unsupported Ogg version ${buf[offset + 4]}`);
  const segmentCount = buf[offset + 26]!;
  if (buf.length - offset < HEADER_BYTES + segmentCount) return undefined;
  const segments = buf.subarray(offset + HEADER_BYTES, offset + HEADER_BYTES + segmentCount);
  const bodySize = segments.reduce((sum, lace) => sum + lace, 0);
  const size = HEADER_BYTES + segmentCount + bodySize;
  if (buf.length - offset < size) return undefined;
  const raw = Buffer.from(buf.subarray(offset, offset + size));
  const storedCrc = raw.readUInt32LE(22);
  raw.writeUInt32LE(0, 22);
  if (oggCrc32(raw) !== storedCrc) throw new OggFormatError('page CRC mismatch');
  return {
    size,
    page: {
      flags: raw[5]!,
      granule: raw.readBigInt64LE(6),
      serial: raw.readUInt32LE(14),
      sequence: raw.readUInt32LE(18),
      segments: raw.subarray(HEADER_BYTES, HEADER_BYTES + segmentCount),
      body: raw.subarray(HEADER_BYTES + segmentCount),
    },
  };
}

/** Serialises one page, computing its CRC. */
export function writeOggPage(page: OggPage): Buffer {
  const out = Buffer.alloc(HEADER_BYTES + page.segments.length + page.body.length);
  out.writeUInt32BE(CAPTURE_PATTERN, 0);
  out[4] = 0;
  out[5] = page.flags;
  out.writeBigInt64LE(page.granule, 6);
  out.writeUInt32LE(page.serial, 14);
  out.writeUInt32LE(page.sequence, 18);
  out[26] = page.segments.length;
  out.set(page.segments, HEADER_BYTES);
  out.set(page.body, HEADER_BYTES + page.segments.length);
  out.writeUInt32LE(oggCrc32(out), 22);
  return out;
}

export interface OggPacket {
  data: Uint8Array;
  /** Granule position of the page this packet ends on (-1 where no packet ends on a page). */
  pageGranule: bigint;
}

/** Reassembles the packets of a single logical stream from its pages. */
export async function* readOggPackets(source: AsyncIterable<Uint8Array>): AsyncGenerator<OggPacket> {
  let parts: Uint8Array[] = [];
  for await (const page of readOggPages(source)) {
    let offset = 0;
    for (const lace of page.segments) {
      parts.push(page.body.subarray(offset, offset + lace));
      offset += lace;
      if (lace < 255) {
        yield { data: parts.length === 1 ? parts[0]! : Buffer.concat(parts), pageGranule: page.granule };
        parts = [];
      }
    }
  }
  if (parts.length) throw new OggFormatError('stream ends inside a packet');
}

const FRAME_SAMPLES_SILK = [480, 960, 1920, 2880];
const FRAME_SAMPLES_HYBRID = [480, 960];
const FRAME_SAMPLES_CELT = [120, 240, 480, 960];

/** Number of 48 kHz samples an Opus packet decodes to, read from its TOC byte (RFC 6716 §3.1). */
export function opusPacketSamples(packet: Uint8Array): number {
  const toc = packet[0];
  if (toc === undefined) throw new OggFormatError('empty Opus packet');
  const config = toc >> 3;
  const frameSamples =
    config < 12 ? FRAME_SAMPLES_SILK[config & 3]! : config < 16 ? FRAME_SAMPLES_HYBRID[config & 1]! : FRAME_SAMPLES_CELT[config & 3]!;
  const code = toc & 3;
  const frames = code === 0 ? 1 : code === 3 ? (packet[1] ?? 0) & 0x3f : 2;
  return frameSamples * frames;
}

interface OpusHead {
  channels: number;
  preSkip: number;
}

function parseOpusHead(packet: Uint8Array): OpusHead {
  const buf = Buffer.from(packet.buffer, packet.byteOffset, packet.byteLength);
  if (buf.length < 19 || buf.toString('latin1', 0, 8) !== 'OpusHead') throw new OggFormatError('first packet is not an OpusHead');
  return { channels: buf[9]!, preSkip: buf.readUInt16LE(10) };
}

/** Collects packets into pages of one logical stream and numbers them. */
class OggPageWriter {
  private sequence = 0;
  private segments: number[] = [];
  private body: Uint8Array[] = [];
  private bodyBytes = 0;
  private lastGranule = 0n;

  constructor(private readonly serial: number) {}

  /** Adds a packet; returns the previous page if this packet does not fit on it. */
  add(packet: Uint8Array): Buffer | undefined {
    const laces = Math.floor(packet.length / 255) + 1;
    const full = this.segments.length + laces > 255 || this.bodyBytes + packet.length > TARGET_PAGE_BYTES;
    const finished = full ? this.flush(this.lastGranule) : undefined;
    for (let i = 0; i < laces - 1; i++) this.segments.push(255);
    this.segments.push(packet.length % 255);
    this.body.push(packet);
    this.bodyBytes += packet.length;
    return finished;
  }

  /** Granule to stamp on the page when it closes: samples decoded at the end of its last packet. */
  setGranule(granule: bigint): void {
    this.lastGranule = granule;
  }

  flush(granule: bigint, last = false): Buffer | undefined {
    if (!this.segments.length) return undefined;
    const page = writeOggPage({
      flags: (this.sequence === 0 ? FLAG_FIRST : 0) | (last ? FLAG_LAST : 0),
      granule,
      serial: this.serial,
      sequence: this.sequence++,
      segments: Uint8Array.from(this.segments),
      body: Buffer.concat(this.body),
    });
    this.segments = [];
    this.body = [];
    this.bodyBytes = 0;
    return page;
  }
}

/** Serial number of the joined stream; any constant works because it is the only stream. */
const JOINED_SERIAL = 0x766f6963; // "voic"

/**
 * Joins Ogg Opus streams into one logical stream, reading the inputs one after another.
 * The first input's headers are kept; later inputs' headers are dropped (their channel count
 * must match). Each input's packets are copied unchanged, so the audio is not re-encoded.
 * The end trim of the last input is kept; the inputs in between are joined whole: their few
 * milliseconds of encoder padding and pre-roll are inaudible between sentences.
 * The generator's return value is the playable length in seconds, as a player computes it from the
 * last granule and the pre-skip (`const seconds = yield* joinOggOpus(...)`).
 */
export async function* joinOggOpus(sources: Iterable<AsyncIterable<Uint8Array>>): AsyncGenerator<Buffer, number> {
  const writer = new OggPageWriter(JOINED_SERIAL);
  let head: OpusHead | undefined;
  let decoded = 0n; // samples decoded so far, pre-skip included, as granule positions count them
  let lastTrim = 0n;
  let inputs = 0;
  for (const source of sources) {
    const first = inputs++ === 0;
    let position = 0;
    let inputDecoded = 0n;
    let inputGranule = -1n;
    for await (const packet of readOggPackets(source)) {
      const index = position++;
      if (index === 0) {
        const thisHead = parseOpusHead(packet.data);
        if (head && thisHead.channels !== head.channels) throw new OggFormatError(`input ${inputs} has ${thisHead.channels} channels, not ${head.channels}`);
        head ??= thisHead;
      }
      if (index < 2) {
        // OpusHead alone on the first page, OpusTags on the next: both pages carry granule 0.
        if (first) yield* pages(writer.add(packet.data), writer.flush(0n));
        continue;
      }
      const samples = BigInt(opusPacketSamples(packet.data));
      decoded += samples;
      inputDecoded += samples;
      inputGranule = packet.pageGranule;
      yield* pages(writer.add(packet.data));
      writer.setGranule(decoded);
    }
    if (position < 2) throw new OggFormatError(`input ${inputs} has no Opus headers`);
    // An encoder marks its end trim by a last granule below the samples its packets decode to.
    lastTrim = inputGranule >= 0n && inputDecoded > inputGranule ? inputDecoded - inputGranule : 0n;
  }
  if (!head) throw new OggFormatError('no input audio');
  const finalGranule = decoded - lastTrim;
  yield* pages(writer.flush(finalGranule, true));
  return Math.max(0, Number(finalGranule - BigInt(head.preSkip)) / OPUS_GRANULE_RATE);
}

/** Our joined files start with Polly's usual pre-skip; 6.5 ms is below what a whole-second duration shows. */
const TYPICAL_PRE_SKIP = 312;

/**
 * The duration of an Ogg Opus file from its last bytes: the last page's granule position.
 * Undefined when the bytes hold no complete, valid last page.
 */
export function oggDurationFromTail(tail: Uint8Array): number | undefined {
  const buf = Buffer.from(tail.buffer, tail.byteOffset, tail.byteLength);
  for (let at = buf.lastIndexOf('OggS'); at >= 0; at = at > 0 ? buf.lastIndexOf('OggS', at - 1) : -1) {
    try {
      const parsed = parsePageAt(buf, at);
      if (parsed && at + parsed.size === buf.length && parsed.page.flags & FLAG_LAST) {
        return Math.max(0, Number(parsed.page.granule) - TYPICAL_PRE_SKIP) / OPUS_GRANULE_RATE;
      }
    } catch {
      // "OggS" inside audio data: keep looking further back
    }
  }
  return undefined;
}

function* pages(...maybe: (Buffer | undefined)[]): Generator<Buffer> {
  for (const page of maybe) if (page) yield page;
}
