import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normalizeForSpeech, splitForSpeech } from '../../../function/src/speech/text.ts';

describe('normalizing text for speech', () => {
  test('removes zero-width and control characters and folds spaces', () => {
    assert.equal(normalizeForSpeech('  Hel\u200blo\u0007   wor\ufeffld \n\n  again '), 'Hello world\nagain');
  });

  test('leaves nothing of a text made only of invisible characters and whitespace', () => {
    assert.equal(normalizeForSpeech('\u200b\u200c \n\t\u2060'), '');
    assert.equal(normalizeForSpeech('\u200e\u200f\u202e\u202c\u2066\u2069\u061c'), '', 'bidi marks and isolates');
    assert.equal(normalizeForSpeech('\u3164\u3164 \u115f'), '', 'Hangul fillers');
  });

  test('keeps emoji, right-to-left scripts and punctuation such as & # ? %', () => {
    assert.equal(normalizeForSpeech('שלום & مرحبا #1? 100% 👍'), 'שלום & مرحبا #1? 100% 👍');
  });
});

describe('splitting text for Polly', () => {
  test('keeps a text within the limit whole', () => {
    assert.deepEqual(splitForSpeech('One. Two.'), ['One. Two.']);
  });

  test('cuts at sentence boundaries and never exceeds the limit', () => {
    const sentence = 'This sentence is exactly fifty characters long ok. ';
    const text = sentence.repeat(100).trim();
    const parts = splitForSpeech(text);
    assert.ok(parts.length >= 2);
    for (const part of parts) {
      assert.ok(part.length <= 3000, `part of ${part.length} characters`);
      assert.match(part, /ok\.$/, 'each part ends at the end of a sentence');
    }
    assert.equal(parts.join(' '), text);
  });

  test('cuts a sentence without full stops at spaces', () => {
    const text = Array.from({ length: 2000 }, (_, i) => `word${i}`).join(' ');
    const parts = splitForSpeech(text);
    for (const part of parts) assert.ok(part.length <= 3000);
    assert.equal(parts.join(' '), text);
  });

  test('cuts a text with no spaces between graphemes, never inside an emoji', () => {
    const text = '👍🏽'.repeat(1000); // 4 UTF-16 units per grapheme
    const parts = splitForSpeech(text);
    for (const part of parts) {
      assert.ok(part.length <= 3000);
      assert.equal(part.length % 4, 0);
    }
    assert.equal(parts.join(''), text);
  });

  test('cuts a grapheme longer than the limit between its code points, never inside a surrogate pair', () => {
    for (const text of [`a${'\u0301'.repeat(4095)}`, `👍${'\u{1F3FD}'.repeat(2000)}`, `x ${'e'}${'\u0301'.repeat(6500)} y`]) {
      const parts = splitForSpeech(text);
      assert.ok(parts.length >= 2);
      for (const part of parts) {
        assert.ok(part.length <= 3000, `part of ${part.length} UTF-16 units`);
        assert.ok(part.length > 0, 'no empty part');
        assert.doesNotMatch(part, /^[\udc00-\udfff]|[\ud800-\udbff]$/, 'no lone surrogate at a cut');
      }
      assert.equal(parts.join('').replaceAll(' ', ''), text.replaceAll(' ', ''));
    }
  });

  test('splits Japanese at its sentence marks', () => {
    const text = 'これは日本語の文です。'.repeat(400);
    const parts = splitForSpeech(text);
    assert.ok(parts.length >= 2);
    for (const part of parts) assert.ok(part.endsWith('。') && part.length <= 3000);
  });
});
