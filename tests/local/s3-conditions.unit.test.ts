/** S3's conditional-write rules that every S3 stand-in applies (local/s3/conditions.ts), without a server. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { conditionalPutRefusal, isConditionalPut } from '../../local/s3/conditions.ts';

const ETAG = '"5d41402abc4b2a76b9719d911017c592"';
const codeOf = (refusal: ReturnType<typeof conditionalPutRefusal>) => refusal && { status: refusal.status, code: /<Code>(\w+)<\/Code>/.exec(refusal.body)?.[1] };

describe('S3 conditional PutObject', () => {
  test('If-None-Match: * writes a free key and refuses a taken one with 412 PreconditionFailed', () => {
    assert.equal(conditionalPutRefusal({ 'if-none-match': '*' }, undefined), undefined);
    assert.deepEqual(codeOf(conditionalPutRefusal({ 'if-none-match': '*' }, ETAG)), { status: 412, code: 'PreconditionFailed' });
  });

  test('If-Match writes over the same ETag (quoted, bare or weak), refuses another with 412 and a missing object with 404 NoSuchKey', () => {
    for (const given of [ETAG, ETAG.replaceAll('"', ''), `W/${ETAG}`]) assert.equal(conditionalPutRefusal({ 'if-match': given }, ETAG), undefined, given);
    assert.deepEqual(codeOf(conditionalPutRefusal({ 'if-match': '"0123"' }, ETAG)), { status: 412, code: 'PreconditionFailed' });
    assert.deepEqual(codeOf(conditionalPutRefusal({ 'if-match': ETAG }, undefined)), { status: 404, code: 'NoSuchKey' });
  });

  test('a put without a condition always writes, and is not conditional', () => {
    assert.equal(conditionalPutRefusal({}, ETAG), undefined);
    assert.equal(isConditionalPut({ 'content-type': 'audio/ogg' }), false);
    assert.equal(isConditionalPut({ 'if-none-match': '*' }), true);
    assert.equal(isConditionalPut({ 'if-match': ETAG }), true);
  });
});
