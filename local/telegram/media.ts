/**
 * Fetching a URL the bot gave Telegram (sendVoice's voice, an inline result's voice_url), as Telegram's
 * servers do: with a timeout, within Telegram's size limits, and a voice only as audio/ogg.
 */
import { telegramErrors } from './errors.ts';

/** Telegram's limits for media given by URL: up to 1 MB as a voice, up to 20 MB as a file. */
export const VOICE_BY_URL_BYTES = 1024 * 1024;
const FILE_BY_URL_BYTES = 20 * 1024 * 1024;
const URL_FETCH_TIMEOUT_MS = 10_000;

/** A URL's bytes as Telegram's servers fetch them; a voice must come as audio/ogg. */
export async function fetchMedia(url: string, voice: boolean): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(URL_FETCH_TIMEOUT_MS) });
  } catch {
    throw telegramErrors.urlUnreachable();
  }
  if (!response.ok) throw telegramErrors.urlUnreachable();
  const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (voice && type !== 'audio/ogg') {
    await response.body?.cancel();
    throw telegramErrors.wrongContentType();
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > FILE_BY_URL_BYTES) throw telegramErrors.urlUnreachable();
  return bytes;
}
