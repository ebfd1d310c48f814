import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Logger } from '../../function/src/log.ts';

function capture(level?: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR') {
  const lines: string[] = [];
  return { lines, log: new Logger(level, (line) => lines.push(line)) };
}

describe('the logger', () => {
  test('writes one JSON object per line with level, message and fields', () => {
    const { lines, log } = capture();
    log.info('update handled', { update_id: 1, outcome: 'voice_sent' });
    assert.equal(lines.length, 1);
    assert.ok(lines[0]!.endsWith('\n'));
    const entry = JSON.parse(lines[0]!);
    assert.equal(entry.level, 'INFO');
    assert.equal(entry.message, 'update handled');
    assert.equal(entry.outcome, 'voice_sent');
    assert.ok(!Number.isNaN(Date.parse(entry.timestamp)));
  });

  test('drops lines below its level', () => {
    const { lines, log } = capture('WARN');
    log.debug('a');
    log.info('b');
    log.warn('c');
    log.error('d');
    assert.deepEqual(lines.map((l) => JSON.parse(l).message), ['c', 'd']);
  });

  test('shows errors by name and message, with their cause, and without a stack', () => {
    const { lines, log } = capture();
    log.error('failed', { error: new TypeError('fetch failed', { cause: new Error('ECONNREFUSED') }) });
    const entry = JSON.parse(lines[0]!);
    assert.deepEqual(entry.error, { name: 'TypeError', message: 'fetch failed', cause: { name: 'Error', message: 'ECONNREFUSED' } });
  });

  test('replaces registered secrets wherever they appear', () => {
    const { lines, log } = capture();
    const token = '123456:SECRET-token';
    log.redact(token, '');
    log.error(`calling /bot${token}/sendVoice`, { url: `https://api/bot${token}/x`, error: new Error(`bad ${token}`) });
    assert.doesNotMatch(lines[0]!, /SECRET-token/);
    assert.match(lines[0]!, /\[REDACTED\]/);
  });
});
