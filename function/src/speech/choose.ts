import { detectLanguage } from './language.ts';
import { defaultVoiceFor, engineFor, findVoice, VoiceError, type AffordableEngine, type Voice } from './voices.ts';

export interface VoiceChoice {
  voice: string;
  engine: AffordableEngine;
  /** The language the text was taken to be in, when it could be told. */
  language?: string;
  /** What decided: the chat's /voice choice, the text's language, or the configured default. */
  source: 'chat' | 'language' | 'default';
}

export interface ChoiceInputs {
  text: string;
  /** The sender's Telegram `language_code`, for texts too short to tell. */
  languageHint?: string;
  /** The voice the chat chose with /voice, if any. */
  chatVoice?: string;
  /** VOICE_NAME: the default for its own language and the voice of last resort. */
  defaultVoice: string;
}

const baseLanguage = (code: string) => code.split('-')[0]!.toLowerCase();
/** Whether a voice reads a language, region aside: Amy (en-GB) reads English detected as en-US. */
const readsLanguage = (voice: Voice, language: string) =>
  [voice.languageCode, ...voice.additionalLanguageCodes].some((code) => baseLanguage(code) === baseLanguage(language));

/**
 * Picks who reads a text: the chat's own choice when it speaks the text's language, else that
 * language's default voice (VOICE_NAME when it speaks it), else VOICE_NAME. Neural where the voice has it.
 */
export function chooseVoice({ text, languageHint, ...rest }: ChoiceInputs): VoiceChoice {
  return chooseVoiceFor({ language: detectLanguage(text, languageHint).language, ...rest });
}

/** chooseVoice for a text whose language was told earlier (undefined: it could not be told). */
export function chooseVoiceFor({ language, chatVoice, defaultVoice }: Omit<ChoiceInputs, 'text' | 'languageHint'> & { language: string | undefined }): VoiceChoice {
  const chosen = chatVoice ? findVoice(chatVoice) : undefined;
  if (chosen && (!language || readsLanguage(chosen, language))) return pick(chosen, 'chat', language);
  const forLanguage = language ? defaultVoiceFor(language, defaultVoice) : undefined;
  if (forLanguage) return pick(forLanguage, 'language', language);
  const fallback = findVoice(defaultVoice);
  if (!fallback) throw new VoiceError(`${defaultVoice} is not in the voice table`); // config.ts checks VOICE_NAME at cold start
  return pick(fallback, 'default', language);
}

function pick(voice: Voice, source: VoiceChoice['source'], language: string | undefined): VoiceChoice {
  return { voice: voice.id, engine: engineFor(voice), source, ...(language && { language }) };
}
