/** Offline speech from eSpeak NG (compiled to WebAssembly, shipped by npm): text → 16-bit mono PCM. */
import initialize, { type ESpeakNGWorker } from '@echogarden/espeak-ng-emscripten';

export interface Pcm {
  samples: Int16Array;
  sampleRate: number;
}

let worker: Promise<ESpeakNGWorker> | undefined;

/** One engine per process: it takes ~50 ms and 24 MB of voice data to start. */
function engine(): Promise<ESpeakNGWorker> {
  worker ??= initialize().then((module) => new module.eSpeakNGWorker());
  return worker;
}

/** Speaks `text` in the language of a BCP 47 code such as "ru-RU" or "en-GB". */
export async function speak(text: string, languageCode: string): Promise<Pcm> {
  const espeak = await engine();
  selectLanguage(espeak, languageCode);
  const chunks: Int16Array[] = [];
  espeak.synthesize(text, (samples) => {
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
