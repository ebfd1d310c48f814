import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { BoundedCache } from '../cache.ts';
import { SETTINGS_CACHE_MAX_CHATS, SETTINGS_CACHE_TTL_MS } from '../constants.ts';
import type { ChatSettings, SettingsStore } from '../context.ts';
import { isMissingObject } from './errors.ts';
import { SETTINGS_KEY_PREFIX } from './layout.ts';

/**
 * Per-chat settings in the bucket, a small JSON object per chat, which the lifecycle rule keeps.
 * A warm container reads a chat's settings at most once a minute (another container may have taken
 * the chat's /voice choice), and keeps the most recent chats only, since it may live for hours.
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
    let settings: ChatSettings = {};
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: settingsKey(chatId) }), { abortSignal: signal });
      settings = parseSettings(await object.Body!.transformToString());
    } catch (error) {
      if (!isMissingObject(error)) throw error;
    }
    this.remember(chatId, settings);
    return settings;
  }

  async set(chatId: number, settings: ChatSettings, signal?: AbortSignal): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: settingsKey(chatId), Body: JSON.stringify(settings), ContentType: 'application/json' }),
      { abortSignal: signal },
    );
    this.remember(chatId, settings);
  }

  private remember(chatId: number, settings: ChatSettings): void {
    this.cache.set(chatId, { settings, readAt: this.now() });
  }
}

const settingsKey = (chatId: number) => `${SETTINGS_KEY_PREFIX}${chatId}.json`;

/** A damaged settings object is treated as no settings rather than breaking the chat. */
function parseSettings(json: string): ChatSettings {
  try {
    const parsed = JSON.parse(json) as { voice?: unknown };
    return typeof parsed.voice === 'string' ? { voice: parsed.voice } : {};
  } catch {
    return {};
  }
}
