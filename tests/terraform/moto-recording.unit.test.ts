// moto's recorder writes an entry and its newline in two writes from concurrent request threads:
// the deployer-policy test must still read every recorded request when two share a line.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jsonObjects } from './lib/moto.ts';

test('two recorded requests on one line are read as two, braces and quotes inside strings included', () => {
  const first = JSON.stringify({ method: 'PUT', url: 'https://127.0.0.1/b/k', body: 'a}{"b" \\ {', body_encoded: false, headers: {} });
  const second = JSON.stringify({ method: 'GET', url: 'https://127.0.0.1/', body: '', body_encoded: false, headers: { 'x-amz-target': 'AmazonSQS.CreateQueue' } });
  assert.deepEqual(jsonObjects(first + second), [first, second]);
  assert.deepEqual(jsonObjects(first), [first]);
  assert.deepEqual(jsonObjects(''), []);
});
