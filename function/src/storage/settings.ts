import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { SETTINGS_KEY_PREFIX } from '../constants.ts';

/** What a chat chose. Stored as a small JSON object per chat, which the lifecycle rule keeps. */
export interface ChatSettings {
  /** Polly voice id chosen with /voice; used for texts in that voice's language. */
  voice?: string;
}

/** Per-chat settings in the bucket, read at most once per chat by a warm container. */
export class SettingsStore {
  private readonly cache = new Map<number, ChatSettings>();

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  async get(chatId: number, signal?: AbortSignal): Promise<ChatSettings> {
    const cached = this.cache.get(chatId);
    if (cached) return cached;
    let settings: ChatSettings = {};
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: settingsKey(chatId) }), { abortSignal: signal });
      settings = parseSettings(await object.Body!.transformToString());
    } catch (error) {
      if (!(error instanceof Error && error.name === 'NoSuchKey')) throw error;
    }
    this.cache.set(chatId, settings);
    return settings;
  }

  async set(chatId: number, settings: ChatSettings, signal?: AbortSignal): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: settingsKey(chatId), Body: JSON.stringify(settings), ContentType: 'application/json' }),
      { abortSignal: signal },
    );
    this.cache.set(chatId, settings);
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
