import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { chooseVoice } from '../../../function/src/speech/choose.ts';

const defaults = { defaultVoice: 'Maxim' };

describe('choosing the voice for a text', () => {
  test('reads Russian with VOICE_NAME, which speaks it, on the standard engine it has', () => {
    assert.deepEqual(chooseVoice({ ...defaults, text: 'Привет, как у тебя дела сегодня?' }), { voice: 'Maxim', engine: 'standard', source: 'language', language: 'ru-RU' });
  });

  test('reads English with an English voice on the neural engine', () => {
    const choice = chooseVoice({ ...defaults, text: 'Hello, how are you doing today? I hope the weather is nice.' });
    assert.equal(choice.language, 'en-US');
    assert.equal(choice.engine, 'neural');
    assert.equal(choice.source, 'language');
    assert.notEqual(choice.voice, 'Maxim');
  });

  test("uses the chat's own voice for texts in its language only", () => {
    assert.equal(chooseVoice({ ...defaults, chatVoice: 'Amy', text: 'Good morning, everyone, and welcome to the show.' }).voice, 'Amy');
    const russian = chooseVoice({ ...defaults, chatVoice: 'Amy', text: 'Доброе утро всем, и добро пожаловать.' });
    assert.equal(russian.voice, 'Maxim');
    assert.equal(russian.source, 'language');
  });

  test('falls back to the sender language for a text too short to tell, then to VOICE_NAME', () => {
    assert.equal(chooseVoice({ ...defaults, text: 'ok', languageHint: 'de' }).language, 'de-DE');
    assert.deepEqual(chooseVoice({ ...defaults, text: '12345 👍' }), { voice: 'Maxim', engine: 'standard', source: 'default' });
  });

});
