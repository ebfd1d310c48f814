/** Text → spoken Ogg Opus at 48 kHz mono, entirely offline. */
import { encodeOggOpus } from './ogg-opus-encoder.ts';
import { resample } from './resample.ts';
import { speak } from './speak.ts';

export interface SpeechRequest {
  text: string;
  /** BCP 47 code of the voice's language, e.g. "ru-RU". */
  languageCode: string;
  bitrateKbps: number;
  /** Percent of the voice's own speed; undefined: 100. */
  speedPercent?: number;
}

const OPUS_RATE = 48_000;

export async function synthesizeOggOpus({ text, languageCode, bitrateKbps, speedPercent }: SpeechRequest): Promise<Buffer> {
  const speech = await speak(text, languageCode, speedPercent);
  return encodeOggOpus(resample(speech.samples, speech.sampleRate, OPUS_RATE), { bitrateKbps });
}
