/**
 * The voices the stand-in knows: the same DescribeVoices data the function bundles
 * (function/src/speech/voices.json, refreshed from Polly by scripts/refresh-voices.mjs),
 * so the stand-in accepts and refuses exactly what Polly's voice list says.
 */
import table from '../../function/src/speech/voices.json' with { type: 'json' };

export type Engine = 'standard' | 'neural' | 'long-form' | 'generative';

export interface Voice {
  id: string;
  gender: string;
  languageCode: string;
  engines: readonly Engine[];
}

type Row = [string, string, string, Engine[], string[]?];

export const VOICES: readonly Voice[] = (table.voices as Row[]).map(([id, languageCode, gender, engines]) => ({ id, languageCode, gender, engines }));

export function findVoice(id: string): Voice | undefined {
  return VOICES.find((candidate) => candidate.id === id);
}
