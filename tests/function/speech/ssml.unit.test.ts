import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PollyClient, type SynthesizeSpeechCommand } from '@aws-sdk/client-polly';
import { Readable } from 'node:stream';
import { speechDigest } from '../../../function/src/speech/identity.ts';
import { PollySynthesizer } from '../../../function/src/speech/polly.ts';
import { escapeSsml, partLimits, speechMarkup } from '../../../function/src/speech/ssml.ts';
import { splitForSpeech } from '../../../function/src/speech/text.ts';
import { readSsml } from '../../../local/polly/ssml.ts';

/** Texts that would be markup, or break it, if they were not escaped. */
const HOSTILE = [
  '</prosody></speak><speak><prosody rate="20%">slow',
  '<break time="10s"/> & <amazon:effect name="whispered">psst</amazon:effect>',
  'Tom & Jerry &amp; &lt; &#60; "quoted" \'single\' a<b>c',
  '<![CDATA[x]]> <!-- comment --> <?xml version="1.0"?>',
  'rate="200%"> ]]> &',
];

describe('SSML for a reading speed', () => {
  test('at the voice’s own speed the text goes as it is, with no SSML', () => {
    for (const speed of [undefined, 100]) assert.deepEqual(speechMarkup('Tom & Jerry <3', speed), { text: 'Tom & Jerry <3', textType: 'text' });
  });

  test('hostile texts are read back, by a strict XML reading, as exactly the text, at exactly the speed', () => {
    for (const text of HOSTILE) {
      const markup = speechMarkup(text, 150);
      assert.equal(markup.textType, 'ssml');
      assert.deepEqual(readSsml(markup.text), { text, speedPercent: 150 }, text);
    }
    assert.equal(escapeSsml(`<&>"'`), '&lt;&amp;&gt;&quot;&apos;');
  });

  test('a speed that is not a whole percentage from 50 to 200 never reaches the markup', () => {
    for (const speed of [49, 201, 1.5, Number.NaN]) assert.throws(() => speechMarkup('x', speed), { name: 'SpeedError' });
  });

  test('the Polly port sends SSML only at another speed, with the text escaped', async () => {
    const inputs: SynthesizeSpeechCommand['input'][] = [];
    const polly = new PollyClient({ region: 'eu-west-1' });
    polly.send = (async (command: SynthesizeSpeechCommand) => {
      inputs.push(command.input);
      return { AudioStream: Readable.from([Buffer.from('ogg')]) };
    }) as never;
    const synthesizer = new PollySynthesizer(polly);
    await synthesizer.synthesize({ text: 'a < b', voice: 'Joanna', engine: 'neural' });
    await synthesizer.synthesize({ text: 'a < b', voice: 'Joanna', engine: 'neural', speed: 75 });
    assert.deepEqual(
      inputs.map(({ Text, TextType }) => ({ Text, TextType })),
      [
        { Text: 'a < b', TextType: 'text' },
        { Text: '<speak><prosody rate="75%">a &lt; b</prosody></speak>', TextType: 'ssml' },
      ],
    );
  });
});

describe('splitting at a speed', () => {
  const total = (part: string, speed: number) => speechMarkup(part, speed).text.length;

  test("a text of quotes is split to Polly's 6,000 characters in all, though each part bills far fewer than 3,000", () => {
    const text = '"No." '.repeat(1400); // 8,400 characters, 22,400 escaped
    const parts = splitForSpeech(text.trim(), partLimits(150));
    assert.ok(parts.length >= 3, `${parts.length} parts`);
    for (const part of parts) {
      assert.ok(total(part, 150) <= 6000, `${total(part, 150)} characters in all`);
      assert.ok(part.length <= 3000);
    }
    assert.equal(parts.join(' '), text.trim());
  });

  test('plain prose is still split at 3,000 billed characters', () => {
    const text = 'A plain sentence with nothing to escape. '.repeat(200).trim();
    const parts = splitForSpeech(text, partLimits(130));
    assert.equal(parts.length, 3);
    for (const part of parts) assert.ok(part.length <= 3000);
    for (const part of parts.slice(0, -1)) assert.ok(part.length > 2900, 'no part is cut short by the SSML limit it does not reach');
  });

  test('a word of ampersands with no space is cut between graphemes within both limits', () => {
    const parts = splitForSpeech('&'.repeat(3000), partLimits(200));
    for (const part of parts) assert.ok(total(part, 200) <= 6000);
    assert.equal(parts.join(''), '&'.repeat(3000));
  });
});

describe('the speech digest', () => {
  const identity = { engine: 'neural', voice: 'Joanna', text: 'Hello there' };
  test('at the voice’s own speed is what it was before speeds (stored audio keeps its key)', () => {
    assert.equal(speechDigest(identity).toString('hex'), speechDigest({ ...identity, speed: 100 }).toString('hex'));
    // sha256("neural\nJoanna\nHello there"): the key of audio stored before speeds existed.
    assert.equal(speechDigest(identity).toString('hex'), '75aad328c41e0111ab70cc5e95e845ec0df365f0e75d4e8adf72a2638b139d7f');
  });
  test('another speed is another digest, and no text can pass for a speed', () => {
    const fast = speechDigest({ ...identity, speed: 150 }).toString('hex');
    assert.notEqual(fast, speechDigest(identity).toString('hex'));
    assert.notEqual(fast, speechDigest({ ...identity, speed: 130 }).toString('hex'));
    assert.notEqual(speechDigest({ ...identity, text: `150%\nHello there` }).toString('hex'), fast);
  });
});
