import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SETTINGS_KEY_PREFIX } from '../constants.ts';
import { isMissingObject } from './errors.ts';

/** What a chat chose. Stored as a small JSON object per chat, which the lifecycle rule keeps. */
export interface ChatSettings {
  /** Polly voice id chosen with /voice; used for texts in that voice's language. */
  voice?: string;
}

/** How long a container trusts its copy: another container may have taken the chat's /voice choice. */
const CACHE_TTL_MS = 60_000;
const CACHE_MAX_CHATS = 1000;

/**
 * Per-chat settings in the bucket. A warm container reads a chat's settings at most once a minute,
 * and keeps the most recent chats only, since it may live for hours.
 */
export class SettingsStore {
  private readonly cache = new Map<number, { settings: ChatSettings; readAt: number }>();

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly now: () => number = Date.now,
  ) {}

  async get(chatId: number, signal?: AbortSignal): Promise<ChatSettings> {
    const cached = this.cache.get(chatId);
    if (cached && this.now() - cached.readAt < CACHE_TTL_MS) return cached.settings;
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
    this.cache.delete(chatId);
    this.cache.set(chatId, { settings, readAt: this.now() });
    if (this.cache.size > CACHE_MAX_CHATS) this.cache.delete(this.cache.keys().next().value!);
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
