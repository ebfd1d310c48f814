import { createHash } from 'node:crypto';
import type { SpeechIdentity } from '../context.ts';

/**
 * What a piece of speech is, as a digest: the same text in the same voice and engine is the same
 * digest, whoever asks. The audio store's key and an inline result's id are made of it; the text
 * itself never appears in either.
 */
export const speechDigest = ({ engine, voice, text }: SpeechIdentity): Buffer => createHash('sha256').update(`${engine}\n${voice}\n${text}`).digest();
