/**
 * 48 kHz mono PCM → an Ogg Opus file (RFC 7845), encoded by libopus compiled to WebAssembly
 * (opusscript) and paged with the product's own Ogg page writer.
 */
import OpusScript from 'opusscript';
import { OPUS_GRANULE_RATE, writeOggPage } from '../../function/src/speech/ogg.ts';

const FRAME_SAMPLES = 960; // 20 ms, opusenc's default
const FRAMES_PER_PAGE = 50; // one page a second, as opusenc does with its default max delay
/** libopus's look-ahead at 48 kHz; players skip it (RFC 7845 §4.2). */
const PRE_SKIP = 312;
const SERIAL = 0x6c6f6361; // "loca"
const OPUS_SET_VBR = 4006;
const OPUS_SET_COMPLEXITY = 4010;
const FLAG_FIRST = 0x02;
const FLAG_LAST = 0x04;

export interface OggOpusOptions {
  bitrateKbps: number;
}

export function encodeOggOpus(pcm48k: Int16Array, { bitrateKbps }: OggOpusOptions): Buffer {
  const encoder = new OpusScript(OPUS_GRANULE_RATE, 1, OpusScript.Application.AUDIO);
  try {
    encoder.setBitrate(bitrateKbps * 1000);
    // Constant bitrate makes the file size predictable (bitrate × duration), which tests rely on.
    encoder.encoderCTL(OPUS_SET_VBR, 0);
    // The AUDIO application at low complexity encodes ~4 minutes of speech in under a second;
    // VOIP (SILK) took four times as long.
    encoder.encoderCTL(OPUS_SET_COMPLEXITY, 2);
    const pages = [page(opusHead(), 0n, 0, FLAG_FIRST), page(opusTags(), 0n, 1)];
    const frame = Buffer.alloc(FRAME_SAMPLES * 2);
    let packets: Buffer[] = [];
    const frames = Math.ceil(pcm48k.length / FRAME_SAMPLES);
    for (let index = 0; index < frames; index++) {
      const chunk = pcm48k.subarray(index * FRAME_SAMPLES, (index + 1) * FRAME_SAMPLES);
      frame.fill(0);
      frame.set(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      packets.push(Buffer.from(encoder.encode(frame, FRAME_SAMPLES)));
      const last = index === frames - 1;
      if (packets.length === FRAMES_PER_PAGE || last) {
        // The last page's granule stops at the real end, trimming the padding of the last frame.
        const granule = PRE_SKIP + (last ? pcm48k.length : (index + 1) * FRAME_SAMPLES);
        pages.push(page(Buffer.concat(packets), BigInt(granule), pages.length, last ? FLAG_LAST : 0, packets));
        packets = [];
      }
    }
    return Buffer.concat(pages);
  } finally {
    encoder.delete();
  }
}

/** A 220 Hz tone of `seconds` as Ogg Opus: audio for a stand-in whose sound does not matter, made in a fraction of its length. */
export function toneOggOpus(seconds: number, bitrateKbps = 16): Buffer {
  return encodeOggOpus(Int16Array.from({ length: Math.round(seconds * OPUS_GRANULE_RATE) }, (_, i) => Math.round(3000 * Math.sin((2 * Math.PI * 220 * i) / OPUS_GRANULE_RATE))), { bitrateKbps });
}

function page(body: Buffer, granule: bigint, sequence: number, flags = 0, packets: Buffer[] = [body]): Buffer {
  const segments = packets.flatMap((packet) => [...Array<number>(Math.floor(packet.length / 255)).fill(255), packet.length % 255]);
  return writeOggPage({ flags, granule, serial: SERIAL, sequence, segments: Uint8Array.from(segments), body });
}

function opusHead(): Buffer {
  const head = Buffer.alloc(19);
  head.write('OpusHead', 0, 'latin1');
  head[8] = 1; // version
  head[9] = 1; // channels
  head.writeUInt16LE(PRE_SKIP, 10);
  head.writeUInt32LE(OPUS_GRANULE_RATE, 12); // input sample rate, informative only
  head.writeInt16LE(0, 16); // output gain
  head[18] = 0; // channel mapping family: mono/stereo
  return head;
}

function opusTags(): Buffer {
  const vendor = Buffer.from('voicebot local stand-in (libopus via opusscript)');
  const tags = Buffer.alloc(8 + 4 + vendor.length + 4);
  tags.write('OpusTags', 0, 'latin1');
  tags.writeUInt32LE(vendor.length, 8);
  vendor.copy(tags, 12);
  tags.writeUInt32LE(0, 12 + vendor.length); // no user comments
  return tags;
}
