import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { BoundedCache } from '../cache.ts';
import { SETTINGS_CACHE_MAX_CHATS, SETTINGS_CACHE_TTL_MS, SETTINGS_UPDATE_MAX_ATTEMPTS } from '../constants.ts';
import type { ChatSettings, SettingsChange, SettingsStore } from '../context.ts';
import { isValidSpeed } from '../speech/ssml.ts';
import { putIf } from './conditional.ts';
import { isMissingObject } from './errors.ts';
import { SETTINGS_KEY_PREFIX } from './layout.ts';

/** Other containers kept changing the chat's settings between our read and our write. */
export class SettingsConflictError extends Error {
  override name = 'SettingsConflictError';
}

/**
 * Per-chat settings in the bucket, a small JSON object per chat, which the lifecycle rule keeps.
 * A warm container reads a chat's settings at most once a minute (another container may have taken
 * the chat's /voice or /speed choice), and keeps the most recent chats only, since it may live for hours.
 */
export class S3SettingsStore implements SettingsStore {
  private readonly cache = new BoundedCache<number, { settings: ChatSettings; readAt: number }>(SETTINGS_CACHE_MAX_CHATS);

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly now: () => number = Date.now,
  ) {}

  async get(chatId: number, signal?: AbortSignal): Promise<ChatSettings> {
    const cached = this.cache.get(chatId);
    if (cached && this.now() - cached.readAt < SETTINGS_CACHE_TTL_MS) return cached.settings;
    return (await this.read(chatId, signal)).settings;
  }

  /**
   * Read fresh and written back only over the version read (compare-and-swap): a /voice choice made
   * in one container and a /speed choice made at once in another both stay.
   */
  async update(chatId: number, change: SettingsChange, signal?: AbortSignal): Promise<ChatSettings> {
    for (let attempt = 1; attempt <= SETTINGS_UPDATE_MAX_ATTEMPTS; attempt++) {
      const { settings, etag } = await this.read(chatId, signal);
      const changed = applyChange(settings, change);
      const put = { Bucket: this.bucket, Key: settingsKey(chatId), Body: JSON.stringify(changed), ContentType: 'application/json' };
      if ((await putIf(this.s3, put, etag ? { IfMatch: etag } : { IfNoneMatch: '*' }, signal)) !== undefined) {
        this.remember(chatId, changed);
        return changed;
      }
    }
    throw new SettingsConflictError(`chat ${chatId}'s settings kept changing under ${SETTINGS_UPDATE_MAX_ATTEMPTS} attempts`);
  }

  private async read(chatId: number, signal?: AbortSignal): Promise<{ settings: ChatSettings; etag?: string }> {
    let found: { settings: ChatSettings; etag?: string } = { settings: {} };
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: settingsKey(chatId) }), { abortSignal: signal });
      found = { settings: parseSettings(await object.Body!.transformToString()), ...(object.ETag && { etag: object.ETag }) };
    } catch (error) {
      if (!isMissingObject(error)) throw error;
    }
    this.remember(chatId, found.settings);
    return found;
  }

  private remember(chatId: number, settings: ChatSettings): void {
    this.cache.set(chatId, { settings, readAt: this.now() });
  }
}

const settingsKey = (chatId: number) => `${SETTINGS_KEY_PREFIX}${chatId}.json`;

/** The settings with a change made: a value set, undefined removed, anything not named kept. */
export function applyChange(settings: ChatSettings, change: SettingsChange): ChatSettings {
  const changed: Record<string, unknown> = { ...settings, ...change };
  for (const [name, value] of Object.entries(changed)) if (value === undefined) delete changed[name];
  return changed as ChatSettings;
}

/** A damaged settings object, or a damaged setting in it, counts as nothing chosen rather than breaking the chat. */
function parseSettings(json: string): ChatSettings {
  let parsed: { voice?: unknown; speed?: unknown };
  try {
    parsed = JSON.parse(json) as typeof parsed;
  } catch {
    return {};
  }
  if (typeof parsed !== 'object' || parsed === null) return {};
  return { ...(typeof parsed.voice === 'string' && { voice: parsed.voice }), ...(isValidSpeed(parsed.speed) && { speed: parsed.speed }) };
}
