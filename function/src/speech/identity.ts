import { createHash } from 'node:crypto';
import type { SpeechIdentity } from '../context.ts';
import { isNormalSpeed } from './ssml.ts';

/**
 * What a piece of speech is, as a digest: the same text in the same voice, engine and speed is the
 * same digest, whoever asks. The audio store's key and an inline result's id are made of it; the
 * text itself never appears in either. At the voice's own speed the speed is left out, so audio
 * stored before speeds existed keeps its key; otherwise it joins the voice's line, which (unlike the
 * text's) can hold no line break, so no text can pass for another speed.
 */
export const speechDigest = ({ engine, voice, text, speed }: SpeechIdentity): Buffer =>
  createHash('sha256')
    .update(`${engine}\n${voice}${isNormalSpeed(speed) ? '' : ` ${speed}%`}\n${text}`)
    .digest();
