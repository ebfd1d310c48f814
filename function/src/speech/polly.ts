import { PollyClient, SynthesizeSpeechCommand, type VoiceId } from '@aws-sdk/client-polly';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { Readable } from 'node:stream';
import { POLLY_CONNECTION_TIMEOUT_MS } from '../constants.ts';
import type { SpeechRequest, Synthesizer } from '../context.ts';
import { speechMarkup } from './ssml.ts';

class SpeechError extends Error {
  override name = 'SpeechError';
}

/**
 * The synthesizer port over Amazon Polly. Asks for Ogg Opus (Telegram's voice format) and returns
 * the audio as a stream; a speed other than the voice's own goes as SSML (speech/ssml.ts).
 */
export class PollySynthesizer implements Synthesizer {
  constructor(private readonly polly: PollyClient) {}

  async synthesize({ text, voice, engine, speed, signal }: SpeechRequest): Promise<Readable> {
    const markup = speechMarkup(text, speed);
    const response = await this.polly.send(
      new SynthesizeSpeechCommand({ Text: markup.text, TextType: markup.textType, VoiceId: voice as VoiceId, Engine: engine, OutputFormat: 'ogg_opus' }),
      { abortSignal: signal },
    );
    if (!response.AudioStream) throw new SpeechError('Polly answered without audio');
    return response.AudioStream as Readable;
  }
}

/**
 * Polly over HTTP/1.1 with keep-alive. The client's default is an HTTP/2 handler (needed only for
 * the bidirectional streaming API) that opens a new session for every request; SynthesizeSpeech is
 * plain request/response, and a warm container reusing one pooled connection per part is faster.
 */
export function createPollyClient(region: string, maxAttempts?: number): PollyClient {
  return new PollyClient({ region, requestHandler: new NodeHttpHandler({ connectionTimeout: POLLY_CONNECTION_TIMEOUT_MS }), ...(maxAttempts && { maxAttempts }) });
}
