import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { VOICES, VoiceError, defaultVoiceFor, engineFor, findVoice, voicesFor } from '../../../function/src/speech/voices.ts';

const ids = (voices: { id: string }[]) => voices.map((v) => v.id);

describe('the voice table', () => {
  test('has a voice for every language the detector names', () => {
    const languages = ['ru-RU', 'en-US', 'de-DE', 'fr-FR', 'es-ES', 'it-IT', 'pt-BR', 'pt-PT', 'pl-PL', 'tr-TR', 'ja-JP', 'nl-NL', 'sv-SE', 'da-DK', 'nb-NO', 'ro-RO', 'is-IS', 'cy-GB', 'ko-KR', 'cmn-CN', 'yue-CN', 'arb', 'hi-IN', 'fi-FI', 'cs-CZ', 'ca-ES'];
    for (const language of languages) assert.ok(voicesFor(language).length > 0, language);
  });

  test('lists each voice once, with a language, a gender and at least one engine', () => {
    assert.equal(new Set(ids([...VOICES])).size, VOICES.length);
    for (const voice of VOICES) {
      assert.match(voice.languageCode, /^[a-z]{2,3}(-[A-Z]{2}(-[A-Z]{3})?)?$/, voice.id);
      assert.ok(voice.gender === 'Female' || voice.gender === 'Male', voice.id);
      assert.ok(voice.engines.length > 0, voice.id);
    }
  });
});

describe('findVoice', () => {
  test('finds a voice whatever the case of its id', () => {
    assert.equal(findVoice('maxim')?.id, 'Maxim');
    assert.equal(findVoice('JOANNA')?.languageCode, 'en-US');
    assert.equal(findVoice(' Vicki ')?.id, 'Vicki');
  });

  test('knows no voice by an unknown name or a language code', () => {
    assert.equal(findVoice('Alexa'), undefined);
    assert.equal(findVoice('ru-RU'), undefined);
    assert.equal(findVoice(''), undefined);
  });
});

describe('voicesFor', () => {
  test('gives the Russian voices, both standard-only', () => {
    assert.deepEqual(ids(voicesFor('ru-RU')), ['Maxim', 'Tatyana']);
  });

  test('puts neural voices before standard-only ones', () => {
    const german = voicesFor('de-DE');
    assert.deepEqual(ids(german), ['Daniel', 'Vicki', 'Hans', 'Marlene']);
  });

  test('leaves out voices that speak only with the generative or long-form engine', () => {
    assert.ok(!ids(voicesFor('en-US')).includes('Tiffany'));
    assert.ok(!ids(voicesFor('fr-FR')).includes('Ambre'));
    assert.ok(ids(voicesFor('en-US')).includes('Danielle'), 'Danielle has a neural engine too');
  });

  test('includes bilingual voices for their additional language, after native ones', () => {
    assert.deepEqual(ids(voicesFor('hi-IN')), ['Kajal', 'Aditi']);
    assert.deepEqual(ids(voicesFor('arb')), ['Zeina', 'Hala', 'Zayd']);
  });

  test('accepts a code in any case and gives nothing for a language Polly does not speak', () => {
    assert.deepEqual(ids(voicesFor('pt-br')), ids(voicesFor('pt-BR')));
    assert.deepEqual(voicesFor('uk-UA'), []);
  });
});

describe('defaultVoiceFor', () => {
  test('keeps the configured voice when it speaks the language', () => {
    assert.equal(defaultVoiceFor('ru-RU', 'Tatyana')?.id, 'Tatyana');
    assert.equal(defaultVoiceFor('ru-RU', 'tatyana')?.id, 'Tatyana');
  });

  test('takes the language’s first voice when the configured one speaks another language', () => {
    assert.equal(defaultVoiceFor('en-US', 'Maxim')?.id, voicesFor('en-US')[0]?.id);
    assert.equal(defaultVoiceFor('de-DE', 'Maxim')?.id, 'Daniel');
  });

  test('takes the first voice when none, an unknown or an unaffordable voice is configured', () => {
    assert.equal(defaultVoiceFor('ja-JP')?.id, 'Kazuha');
    assert.equal(defaultVoiceFor('ja-JP', 'Nobody')?.id, 'Kazuha');
    assert.equal(defaultVoiceFor('en-US', 'Tiffany')?.id, voicesFor('en-US')[0]?.id);
  });

  test('gives nothing for a language without voices', () => {
    assert.equal(defaultVoiceFor('uk-UA', 'Maxim'), undefined);
  });
});

describe('engineFor', () => {
  test('uses neural where the voice has it, even if it also has generative', () => {
    assert.equal(engineFor(findVoice('Joanna')!), 'neural');
    assert.equal(engineFor(findVoice('Danielle')!), 'neural');
  });

  test('falls back to standard for standard-only voices such as Maxim and Tatyana', () => {
    assert.equal(engineFor(findVoice('Maxim')!), 'standard');
    assert.equal(engineFor(findVoice('Tatyana')!), 'standard');
  });

  test('refuses a voice that has only engines the bot does not pay for', () => {
    assert.throws(() => engineFor(findVoice('Tiffany')!), (e: unknown) => e instanceof VoiceError && e.name === 'VoiceError' && /generative/.test(e.message));
  });
});
