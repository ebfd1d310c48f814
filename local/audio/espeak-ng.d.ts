// @echogarden/espeak-ng-emscripten ships no types; this covers what local/audio/speak.ts uses.
declare module '@echogarden/espeak-ng-emscripten' {
  interface SynthesisEvent {
    type: string;
  }
  export interface ESpeakNGWorker {
    /** Returns 0 when the voice was found; otherwise the previous voice stays. */
    set_voice(name: string): number;
    get_samplerate(): number;
    /** Speaking speed in words per minute (eSpeak NG: 80–450, 175 by default). */
    get_rate(): number;
    set_rate(wordsPerMinute: number): void;
    /** Calls back with 16-bit mono chunks; returning true aborts synthesis. */
    synthesize(text: string, onChunk: (samples: Int16Array, events: SynthesisEvent[]) => boolean): void;
  }
  interface ESpeakNGModule {
    eSpeakNGWorker: new () => ESpeakNGWorker;
  }
  export default function initialize(): Promise<ESpeakNGModule>;
}
