import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { PollyClient, SynthesizeSpeechCommand, type SynthesizeSpeechCommandInput } from '@aws-sdk/client-polly';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { OggOpusDecoder } from 'ogg-opus-decoder';
import { startPolly, type LocalPolly } from '../../local/polly/server.ts';

const ENGLISH = 'The quick brown fox jumps over the lazy dog. ';
const RUSSIAN = 'Съешь же ещё этих мягких французских булок, да выпей чаю. ';

async function decode(bytes: Uint8Array): Promise<{ sampleRate: number; durationSeconds: number; channels: number; peak: number }> {
  const decoder = new OggOpusDecoder();
  await decoder.ready;
  try {
    const audio = await decoder.decodeFile(bytes);
    assert.deepEqual(audio.errors, []);
    const peak = Math.max(...audio.channelData.map((channel) => channel.reduce((max, sample) => Math.max(max, Math.abs(sample)), 0)));
    return { sampleRate: audio.sampleRate, durationSeconds: audio.samplesDecoded / audio.sampleRate, channels: audio.channelData.length, peak };
  } finally {
    decoder.free();
  }
}

function errorName(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'no error',
    (error: Error) => error.name,
  );
}

describe('local Polly', () => {
  let polly: LocalPolly;
  const clients: PollyClient[] = [];
  const client = (http1: boolean, endpoint = polly.endpoint) => {
    const created = new PollyClient({
      endpoint,
      region: 'eu-central-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      maxAttempts: 1,
      ...(http1 ? { requestHandler: new NodeHttpHandler() } : {}),
    });
    clients.push(created);
    return created;
  };
  const speak = (input: Partial<SynthesizeSpeechCommandInput>, http1 = false) =>
    client(http1).send(new SynthesizeSpeechCommand({ Text: 'Hello', VoiceId: 'Joanna', OutputFormat: 'ogg_opus', ...input }));

  before(async () => {
    polly = await startPolly();
  });
  after(async () => {
    for (const created of clients) created.destroy();
    await polly.close();
  });

  for (const [handler, http1, version] of [['the default HTTP/2 handler', false, '2.0'], ['NodeHttpHandler (HTTP/1.1)', true, '1.1']] as const) {
    test(`answers the SDK with ${handler} with spoken 48 kHz mono Ogg Opus`, async () => {
      const answer = await speak({ Text: ENGLISH }, http1);
      assert.equal(answer.ContentType, 'audio/ogg');
      assert.equal(answer.RequestCharacters, ENGLISH.length);
      const audio = await decode(await answer.AudioStream!.transformToByteArray());
      assert.equal(audio.sampleRate, 48_000);
      assert.equal(audio.channels, 1);
      assert.ok(audio.durationSeconds > 1, `${audio.durationSeconds} s`);
      assert.ok(audio.peak > 0.05, 'the audio is not silence');
      assert.equal(polly.requests.at(-1)?.httpVersion, version);
    });
  }

  test('speaks longer for a longer text, in the voice’s language', async () => {
    const short = await decode(await (await speak({ Text: RUSSIAN, VoiceId: 'Maxim' })).AudioStream!.transformToByteArray());
    const long = await decode(await (await speak({ Text: RUSSIAN.repeat(4), VoiceId: 'Maxim' })).AudioStream!.transformToByteArray());
    assert.ok(long.durationSeconds > short.durationSeconds * 3, `${short.durationSeconds} s, then ${long.durationSeconds} s`);
  });

  test('records every request with its parameters', async () => {
    const before = polly.requests.length;
    await speak({ Text: 'Record me', VoiceId: 'Matthew', Engine: 'neural' });
    assert.deepEqual(
      { ...polly.requests[before], at: 0 },
      { Text: 'Record me', TextType: undefined, VoiceId: 'Matthew', Engine: 'neural', OutputFormat: 'ogg_opus', at: 0, httpVersion: '2.0' },
    );
    assert.equal(polly.requests.length, before + 1);
  });

  test('raises ThrottlingException once when told to, then answers again', async () => {
    polly.failNext({ status: 400, type: 'ThrottlingException', message: 'Rate exceeded' });
    assert.equal(await errorName(speak({})), 'ThrottlingException');
    assert.equal(await errorName(speak({})), 'no error');
  });

  test('raises ServiceFailureException as many times as told, over HTTP/1.1 too', async () => {
    polly.failNext({ status: 500, type: 'ServiceFailureException', message: 'boom' }, 2);
    assert.equal(await errorName(speak({}, true)), 'ServiceFailureException');
    assert.equal(await errorName(speak({}, true)), 'ServiceFailureException');
    assert.equal(await errorName(speak({}, true)), 'no error');
  });

  test('drops the connection when told to, and the SDK sees a network error', async () => {
    polly.failNextWith('drop');
    const name = await errorName(speak({}, true));
    assert.notEqual(name, 'no error');
    assert.doesNotMatch(name, /Exception$/);
    polly.failNextWith('drop');
    assert.notEqual(await errorName(speak({})), 'no error');
  });

  test('refuses more than 3,000 characters with TextLengthExceededException', async () => {
    assert.equal(await errorName(speak({ Text: 'a'.repeat(3001) })), 'TextLengthExceededException');
  });

  test('counts only the text of SSML, not its tags', async () => {
    const answer = await speak({ Text: `<speak>${'b'.repeat(2990)}<break time="1s"/></speak>`, TextType: 'ssml' });
    assert.equal(answer.RequestCharacters, 2990);
  });

  test('reads <prosody rate> like Polly: 150 % is shorter and 75 % longer than the same text at its own speed', async () => {
    const text = ENGLISH.repeat(2);
    const at = async (rate?: number) => {
      const input = rate ? { Text: `<speak><prosody rate="${rate}%">${text}</prosody></speak>`, TextType: 'ssml' as const } : { Text: text };
      const answer = await speak(input);
      assert.equal(answer.RequestCharacters, text.length, 'the tags are not billed');
      return (await decode(await answer.AudioStream!.transformToByteArray())).durationSeconds;
    };
    const [normal, fast, slow] = [await at(), await at(150), await at(75)];
    assert.ok(fast < normal * 0.8, `150 %: ${fast} s against ${normal} s`);
    assert.ok(slow > normal * 1.2, `75 %: ${slow} s against ${normal} s`);
    assert.ok(Math.abs((await at()) - normal) < 0.05, 'a speed does not stick to the engine for the next request');
  });

  test('bills an entity as the one character it stands for, and refuses SSML an XML parser would', async () => {
    const answer = await speak({ Text: '<speak>Tom &amp; Jerry &lt;3 &quot;hi&quot;</speak>', TextType: 'ssml' });
    assert.equal(answer.RequestCharacters, 'Tom & Jerry <3 "hi"'.length);
    for (const bad of ['<speak>Tom & Jerry</speak>', '<speak>a < b</speak>', '<speak><prosody rate="150%">open</speak>', '<speak>x</speak><speak>y</speak>', 'plain', '<speak><prosody rate="500%">too fast</prosody></speak>']) {
      assert.equal(await errorName(speak({ Text: bad, TextType: 'ssml' })), 'InvalidSsmlException', bad);
    }
  });

  test('refuses SSML over 6,000 characters in all, though its text is within 3,000', async () => {
    const quotes = '"'.repeat(1000); // 6,000 characters escaped
    assert.equal(await errorName(speak({ Text: `<speak>${quotes.replaceAll('"', '&quot;')}</speak>`, TextType: 'ssml' })), 'TextLengthExceededException');
  });

  test('rejects an unknown voice and an engine the voice lacks as Polly does', async () => {
    await assert.rejects(speak({ VoiceId: 'Nobody' as 'Joanna' }), { name: 'ValidationException', message: /Value 'Nobody' at 'voiceId' failed to satisfy constraint/ });
    await assert.rejects(speak({ VoiceId: 'Maxim', Engine: 'neural' }), { name: 'ValidationException', message: 'This voice does not support the selected engine: neural' });
  });

  test('rejects a sample rate Polly does not offer and a language the voice does not speak', async () => {
    assert.equal(await errorName(speak({ SampleRate: '44100' })), 'InvalidSampleRateException');
    assert.equal(await errorName(speak({ VoiceId: 'Maxim', LanguageCode: 'en-US' })), 'LanguageNotSupportedException');
  });

  test('waits the latency it is given before answering', async () => {
    polly.setLatency(300);
    const started = performance.now();
    await speak({});
    polly.setLatency(0);
    assert.ok(performance.now() - started >= 290);
  });

  test('binds a fault to the request that arrives after it is queued, not to a slow request still waiting out its latency', async () => {
    const before = polly.requests.length;
    polly.setLatency(400);
    const slow = speak({ Text: 'slow one' });
    // The slow request has arrived (it is recorded on arrival) before the fault is queued.
    while (polly.requests.length === before) await new Promise((resolve) => setTimeout(resolve, 10));
    polly.setLatency(0);
    polly.failNext({ status: 400, type: 'ThrottlingException', message: 'Rate exceeded' });
    // The slow request wakes up with the fault still queued: it must not take it.
    assert.equal(await errorName(slow), 'no error');
    assert.equal(await errorName(speak({ Text: 'next one' })), 'ThrottlingException');
  });

  test('enforces a quota like Polly: beyond the burst, and beyond the concurrent requests, ThrottlingException', async () => {
    // 1 tps refills a hundredth of a token in the milliseconds these requests take: the burst decides.
    const quoted = await startPolly({ quota: { tps: 1, burst: 3 }, synthesizer: async () => new Uint8Array([1]) });
    const busy = await startPolly({ quota: { tps: 1000, burst: 1000, concurrent: 2 }, latencyMs: 300, synthesizer: async () => new Uint8Array([1]) });
    try {
      const burst = await Promise.all(Array.from({ length: 5 }, () => errorName(client(true, quoted.endpoint).send(new SynthesizeSpeechCommand({ Text: 'Hi', VoiceId: 'Joanna', OutputFormat: 'ogg_opus' })))));
      assert.deepEqual(burst.sort(), ['ThrottlingException', 'ThrottlingException', 'no error', 'no error', 'no error']);
      assert.equal(quoted.throttled, 2);
      const parallel = await Promise.all(Array.from({ length: 4 }, () => errorName(client(true, busy.endpoint).send(new SynthesizeSpeechCommand({ Text: 'Hi', VoiceId: 'Joanna', OutputFormat: 'ogg_opus' })))));
      assert.equal(parallel.filter((name) => name === 'ThrottlingException').length, 2, parallel.join());
    } finally {
      await quoted.close();
      await busy.close();
    }
  });

  test('makes more than 1 MB of audio from a 3,000-character text at 64 kbps, in under 10 s even on a busy machine', async () => {
    const loud = await startPolly({ bitrateKbps: 64 });
    try {
      const started = performance.now();
      const answer = await client(false, loud.endpoint).send(new SynthesizeSpeechCommand({ Text: ENGLISH.repeat(66), VoiceId: 'Joanna', OutputFormat: 'ogg_opus' }));
      const bytes = await answer.AudioStream!.transformToByteArray();
      assert.ok(performance.now() - started < 10_000);
      assert.ok(bytes.byteLength > 1024 * 1024, `${bytes.byteLength} bytes`);
    } finally {
      await loud.close();
    }
  });
});
