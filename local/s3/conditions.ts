/**
 * S3's conditional writes, the one copy every S3 stand-in applies (the local S3's proxy in front of
 * s3rver, the benchmark's in-memory fake): PutObject with `If-None-Match: *` writes only when the key
 * is free (412 otherwise), with `If-Match: <etag>` only over that exact object (412 when it changed,
 * 404 NoSuchKey when there is none). The update ledger's leases and the daily character count's
 * compare-and-swap rely on these answers.
 */
import type { IncomingHttpHeaders } from 'node:http';

/** An S3 error answer: its status and XML document. */
export interface S3Refusal {
  status: number;
  body: string;
}

const preconditionFailed = (condition: string): S3Refusal => ({
  status: 412,
  body:
    '<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code>' +
    `<Message>At least one of the pre-conditions you specified did not hold</Message><Condition>${condition}</Condition></Error>`,
});

export const NO_SUCH_KEY: S3Refusal = {
  status: 404,
  body: '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>',
};

/** An ETag as compared: without quotes or a weak-validator prefix. */
export const unquoteEtag = (etag: string | undefined): string | undefined => etag?.replace(/^W\//, '').replaceAll('"', '');

/** True when a PutObject carries a condition, which must be checked and applied as one step per key. */
export const isConditionalPut = (headers: IncomingHttpHeaders): boolean => headers['if-none-match'] === '*' || headers['if-match'] !== undefined;

/**
 * S3's answer to a PutObject with these headers while the key holds an object with `currentEtag`
 * (undefined: no object), or undefined when the write goes ahead.
 */
export function conditionalPutRefusal(headers: IncomingHttpHeaders, currentEtag: string | undefined): S3Refusal | undefined {
  const ifMatch = unquoteEtag(headers['if-match']);
  const exists = currentEtag !== undefined;
  if (ifMatch === undefined) return headers['if-none-match'] === '*' && exists ? preconditionFailed('If-None-Match') : undefined;
  if (!exists) return NO_SUCH_KEY;
  return unquoteEtag(currentEtag) === ifMatch ? undefined : preconditionFailed('If-Match');
}
