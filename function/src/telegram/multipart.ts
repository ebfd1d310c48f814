import { randomBytes } from 'node:crypto';

export interface FilePart {
  field: string;
  filename: string;
  contentType: string;
  bytes: number;
  stream: AsyncIterable<Uint8Array>;
}

export interface MultipartBody {
  contentType: string;
  contentLength: number;
  body: AsyncIterable<Uint8Array>;
}

/**
 * multipart/form-data with one streamed file, built by hand because FormData wants the whole file
 * in a Blob. With the file's size known up front the body gets a Content-Length, as Telegram prefers.
 */
export function multipartBody(fields: Record<string, string>, file: FilePart): MultipartBody {
  const boundary = `voicebot-${randomBytes(12).toString('hex')}`;
  const escape = (s: string) => s.replace(/["\r\n\\]/g, '_');
  let head = '';
  for (const [name, value] of Object.entries(fields)) {
    head += `--${boundary}\r\nContent-Disposition: form-data; name="${escape(name)}"\r\n\r\n${value}\r\n`;
  }
  head +=
    `--${boundary}\r\nContent-Disposition: form-data; name="${escape(file.field)}"; filename="${escape(file.filename)}"\r\n` +
    `Content-Type: ${file.contentType}\r\n\r\n`;
  const headBytes = Buffer.from(head);
  const tailBytes = Buffer.from(`\r\n--${boundary}--\r\n`);
  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    contentLength: headBytes.length + file.bytes + tailBytes.length,
    body: (async function* () {
      yield headBytes;
      yield* file.stream;
      yield tailBytes;
    })(),
  };
}
