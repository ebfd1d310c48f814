import { Readable } from 'node:stream';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { AUDIO_CONTENT_TYPE, PRESIGNED_URL_TTL_SECONDS } from '../constants.ts';
import type { AudioStore, CachedAudio, OpenedAudio, SpeechIdentity, StoredAudio } from '../context.ts';
import { speechDigest } from '../speech/identity.ts';
import { oggDurationFromTail } from '../speech/ogg.ts';
import { isMissingObject } from './errors.ts';
import { AUDIO_KEY_PREFIX } from './layout.ts';

/** S3 answered a GET without a readable body. */
class StorageError extends Error {
  override name = 'StorageError';
}

export function createS3Client(region: string, forcePathStyle: boolean): S3Client {
  return new S3Client({ region, forcePathStyle });
}

/** Enough of a file's end to hold its last Ogg page (our pages stay under 4.4 KB). */
const TAIL_BYTES = 8192;

/** The audio bucket: voices are streamed in, and handed out by presigned URL or read back as a stream. */
export class S3AudioStore implements AudioStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  /**
   * Audio is addressed by what it says and how: the same text in the same voice is the same file,
   * whoever asks, so a repeated phrase is served from the bucket instead of from Polly.
   * The text itself never appears in a key.
   */
  keyFor(identity: SpeechIdentity): string {
    return `${AUDIO_KEY_PREFIX}${speechDigest(identity).toString('hex')}.ogg`;
  }

  /**
   * Streams audio into S3 as it arrives. Upload sends one PutObject for short audio and a multipart
   * upload otherwise, so memory holds at most one 5 MiB part, never the whole file; no disk is used.
   */
  async save(key: string, audio: AsyncIterable<Uint8Array>, signal?: AbortSignal): Promise<StoredAudio> {
    let bytes = 0;
    const counted = Readable.from(
      (async function* () {
        for await (const chunk of audio) {
          bytes += chunk.length;
          yield chunk;
        }
      })(),
    );
    const abortController = new AbortController();
    const onAbort = () => abortController.abort(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const upload = new Upload({
        client: this.s3,
        params: { Bucket: this.bucket, Key: key, Body: counted, ContentType: AUDIO_CONTENT_TYPE },
        queueSize: 1,
        abortController,
      });
      await upload.done();
    } finally {
      signal?.removeEventListener('abort', onAbort);
      counted.destroy();
    }
    return { key, bytes };
  }

  /** A short-lived URL Telegram can fetch the voice from while the bucket stays private. */
  temporaryUrl(key: string): Promise<string> {
    return getSignedUrl(this.s3, new GetObjectCommand({ Bucket: this.bucket, Key: key }), { expiresIn: PRESIGNED_URL_TTL_SECONDS });
  }

  /**
   * Looks for audio stored earlier. One ranged GET of the file's tail gives both its size and,
   * from the last page's granule position, its duration.
   */
  async find(key: string, signal?: AbortSignal): Promise<CachedAudio | undefined> {
    let object;
    try {
      object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: `bytes=-${TAIL_BYTES}` }), { abortSignal: signal });
    } catch (error) {
      if (isMissingObject(error)) return undefined;
      throw error;
    }
    const total = Number(/\/(\d+)$/.exec(object.ContentRange ?? '')?.[1] ?? object.ContentLength);
    const durationSeconds = oggDurationFromTail(await object.Body!.transformToByteArray());
    if (!Number.isFinite(total) || durationSeconds === undefined) return undefined; // not a file we wrote: make it again
    return { key, bytes: total, durationSeconds };
  }

  async open(key: string, signal?: AbortSignal): Promise<OpenedAudio> {
    const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: signal });
    if (!(object.Body instanceof Readable) || object.ContentLength === undefined) throw new StorageError(`S3 returned no body for ${key}`);
    return { stream: object.Body, bytes: object.ContentLength };
  }
}
