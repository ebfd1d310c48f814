/** What Telegram learns from a voice file: whether it is Ogg Opus, and its rate and duration. */
import { OggOpusDecoder } from 'ogg-opus-decoder';

export interface DecodedVoice {
  sampleRate: number;
  durationSeconds: number;
}

/** Decodes the whole file; undefined when it is not playable Ogg Opus. */
export async function inspectOggOpus(bytes: Uint8Array): Promise<DecodedVoice | undefined> {
  if (Buffer.from(bytes.subarray(0, 4)).toString('latin1') !== 'OggS' || !Buffer.from(bytes.subarray(0, 64)).includes('OpusHead')) return undefined;
  const decoder = new OggOpusDecoder();
  await decoder.ready;
  try {
    const audio = await decoder.decodeFile(bytes);
    if (audio.errors.length > 0 || audio.samplesDecoded === 0) return undefined;
    return { sampleRate: audio.sampleRate, durationSeconds: audio.samplesDecoded / audio.sampleRate };
  } catch {
    return undefined;
  } finally {
    decoder.free();
  }
}
