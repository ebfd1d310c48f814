/** Offline speech from eSpeak NG (compiled to WebAssembly, shipped by npm): text → 16-bit mono PCM. */
import initialize, { type ESpeakNGWorker } from '@echogarden/espeak-ng-emscripten';
import { escapeSsml } from '../../function/src/speech/ssml.ts';

export interface Pcm {
  samples: Int16Array;
  sampleRate: number;
}

let worker: Promise<{ espeak: ESpeakNGWorker; wordsPerMinute: number }> | undefined;

/** One engine per process: it takes ~50 ms and 24 MB of voice data to start. Its own speed is kept as 100 %. */
function engine(): Promise<{ espeak: ESpeakNGWorker; wordsPerMinute: number }> {
  worker ??= initialize().then((module) => {
    const espeak = new module.eSpeakNGWorker();
    return { espeak, wordsPerMinute: espeak.get_rate() };
  });
  return worker;
}

/** Speaks `text` in the language of a BCP 47 code such as "ru-RU" or "en-GB", at a percentage of eSpeak's own speed. */
export async function speak(text: string, languageCode: string, speedPercent = 100): Promise<Pcm> {
  const { espeak, wordsPerMinute } = await engine();
  selectLanguage(espeak, languageCode);
  // Set on every call: the engine is shared, and the last request's speed must not carry over.
  espeak.set_rate(Math.round((wordsPerMinute * speedPercent) / 100));
  const chunks: Int16Array[] = [];
  // This build of eSpeak NG reads its input as SSML: escaped, a "<" in the text is read, never obeyed.
  espeak.synthesize(escapeSsml(text), (samples) => {
    chunks.push(samples);
    return false;
  });
  const samples = new Int16Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    samples.set(chunk, offset);
    offset += chunk.length;
  }
  return { samples, sampleRate: espeak.get_samplerate() };
}

/** Polly language codes eSpeak NG knows by another name. */
const ESPEAK_LANGUAGE: Record<string, string> = { arb: 'ar', 'cmn-cn': 'cmn', 'yue-cn': 'yue' };

/** eSpeak names some regional voices ("en-us", "pt-br") and others only by language ("en", "ru"). */
function selectLanguage(espeak: ESpeakNGWorker, languageCode: string): void {
  const regional = languageCode.toLowerCase();
  const language = ESPEAK_LANGUAGE[regional] ?? regional.split('-')[0]!;
  if (espeak.set_voice(regional) !== 0 && espeak.set_voice(language) !== 0) {
    throw new Error(`eSpeak NG has no voice for ${languageCode}`);
  }
}
