import type { Engine, Gender, LanguageCode } from '@aws-sdk/client-polly';
import table from './voices.json' with { type: 'json' };

/**
 * Polly's voices as data bundled with the function (voices.json, refreshed by scripts/refresh-voices.mjs
 * from DescribeVoices), so that picking a voice never costs a request. The first version was seeded
 * from the "Available voices" table of the Polly developer guide and the SDK's VoiceId list.
 */

export interface Voice {
  id: string;
  languageCode: LanguageCode;
  gender: Gender;
  engines: readonly Engine[];
  /** Other languages a bilingual voice speaks fluently (Aditi and Kajal: Hindi besides Indian English). */
  additionalLanguageCodes: readonly LanguageCode[];
}

/** The engines this bot pays for. Generative and long-form cost several times more per character. */
export type AffordableEngine = 'neural' | 'standard';

export class VoiceError extends Error {
  override name = 'VoiceError';
}

type Row = [string, string, string, string[], string[]?];

export const VOICES: readonly Voice[] = (table.voices as Row[]).map(([id, languageCode, gender, engines, additional]) => ({
  id,
  languageCode: languageCode as LanguageCode,
  gender: gender as Gender,
  engines: engines as Engine[],
  additionalLanguageCodes: (additional ?? []) as LanguageCode[],
}));

const BY_ID = new Map(VOICES.map((voice) => [voice.id.toLowerCase(), voice]));

/** The voice with this id, whatever its case (`maxim`, `MAXIM`), or undefined. */
export function findVoice(id: string): Voice | undefined {
  return BY_ID.get(id.trim().toLowerCase());
}

/** The engine a voice is spoken with: neural where it has one, else standard. */
export function engineFor(voice: Voice): AffordableEngine {
  if (voice.engines.includes('neural')) return 'neural';
  if (voice.engines.includes('standard')) return 'standard';
  throw new VoiceError(`${voice.id} speaks only with the ${voice.engines.join(' or ')} engine, which this bot does not use`);
}

/** A voice this bot can use: one with the neural or standard engine. */
export const affordable = (voice: Voice) => voice.engines.includes('neural') || voice.engines.includes('standard');

function fluency(voice: Voice, code: string): 'native' | 'additional' | undefined {
  if (voice.languageCode.toLowerCase() === code) return 'native';
  return voice.additionalLanguageCodes.some((c) => c.toLowerCase() === code) ? 'additional' : undefined;
}

/**
 * The voices that speak a language with an affordable engine: native speakers before bilingual ones,
 * neural before standard-only, then by id. The first is the language's default.
 */
export function voicesFor(languageCode: string): Voice[] {
  const code = languageCode.trim().toLowerCase();
  const rank = (voice: Voice) => (fluency(voice, code) === 'native' ? 0 : 2) + (voice.engines.includes('neural') ? 0 : 1);
  return VOICES.filter((voice) => affordable(voice) && fluency(voice, code))
    .sort((a, b) => rank(a) - rank(b) || (a.id < b.id ? -1 : 1));
}

/** The voice for a language: `preferred` (the configured VOICE_NAME, a chat's choice) when it speaks it. */
export function defaultVoiceFor(languageCode: string, preferred?: string): Voice | undefined {
  const candidates = voicesFor(languageCode);
  const wanted = preferred ? findVoice(preferred) : undefined;
  return (wanted && candidates.includes(wanted) ? wanted : undefined) ?? candidates[0];
}
