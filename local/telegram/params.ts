/**
 * A Bot API request's parameters, from wherever Telegram accepts them: the query string,
 * a JSON body, an urlencoded form or multipart/form-data (with files); a webhook's answer carries them the same ways.
 */
import type { IncomingMessage } from 'node:http';
import { telegramErrors } from './errors.ts';

export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

export type ParamValue = string | number | boolean | null | object;

export interface BotRequest {
  params: Record<string, ParamValue>;
  files: UploadedFile[];
}

/** Multipart uploads may carry files up to 50 MB; leave room for the other parts. */
const MAX_BODY_BYTES = 50 * 1024 * 1024 + 64 * 1024;

export async function readBotRequest(request: IncomingMessage, url: URL): Promise<BotRequest> {
  return parseBotRequest(await readBody(request), request.headers['content-type'] ?? '', Object.fromEntries(url.searchParams));
}

/** The parameters in a body of the given Content-Type, added to `params` (the query string's). */
export async function parseBotRequest(body: Buffer, contentType: string, params: Record<string, ParamValue> = {}): Promise<BotRequest> {
  const files: UploadedFile[] = [];
  if (body.length === 0) return { params, files };
  if (contentType.startsWith('application/json')) {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (parsed && typeof parsed === 'object') Object.assign(params, parsed);
  } else if (contentType.startsWith('application/x-www-form-urlencoded')) {
    Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
  } else if (contentType.startsWith('multipart/form-data')) {
    // undici's Request parses multipart exactly like a browser builds it.
    const form = await new Request('http://local/', { method: 'POST', headers: { 'content-type': contentType }, body: new Uint8Array(body) }).formData();
    for (const [field, value] of form) {
      if (typeof value === 'string') params[field] = value;
      else files.push({ field, filename: value.name, contentType: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
    }
  }
  return { params, files };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  if (Number(request.headers['content-length'] ?? 0) > MAX_BODY_BYTES) throw telegramErrors.requestTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw telegramErrors.requestTooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Telegram takes objects as JSON strings in forms and as objects in JSON bodies. */
export function objectParam<T extends object>(value: ParamValue | undefined): T | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'object') return value as T;
  try {
    const parsed: unknown = JSON.parse(String(value));
    return parsed && typeof parsed === 'object' ? (parsed as T) : undefined;
  } catch {
    return undefined;
  }
}

export function integerParam(value: ParamValue | undefined): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const number = Number(value);
  return Number.isInteger(number) ? number : undefined;
}

export function booleanParam(value: ParamValue | undefined): boolean {
  return value === true || value === 'true' || value === '1' || value === 1;
}
