/**
 * A local Amazon Polly: SynthesizeSpeech over its REST API (POST /v1/speech), answering with
 * real spoken Ogg Opus, Polly's validation and error shapes, and faults a test can ask for.
 * HTTP/1.1 and h2c share the port, so the SDK's default HTTP/2 handler and NodeHttpHandler both work.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { synthesizeOggOpus } from '../audio/synthesize.ts';
import { listenHttp1AndHttp2, type AnyRequest, type AnyResponse } from '../http/dual-protocol-server.ts';
import { pollyErrors, type PollyError } from './errors.ts';
import { InvalidSsmlError, readSsml } from './ssml.ts';
import { findVoice, VOICES, type Engine, type Voice } from './voices.ts';

/** Billed characters per request (SSML tags excluded), and characters in all (tags included). */
const MAX_BILLED_CHARACTERS = 3000;
const MAX_TOTAL_CHARACTERS = 6000;
/** Unconfirmed: the rates Polly's docs list for ogg_opus. */
const OGG_OPUS_SAMPLE_RATES = ['8000', '16000', '24000', '48000'];

export interface SynthesisRequest {
  text: string;
  voice: Voice;
  bitrateKbps: number;
  /** From SSML's <prosody rate>; undefined: the voice's own speed. */
  speedPercent?: number;
}
export type Synthesizer = (request: SynthesisRequest) => Promise<Uint8Array>;

export interface PollyOptions {
  port?: number;
  /** Produces the Ogg Opus body; eSpeak NG + libopus by default. */
  synthesizer?: Synthesizer;
  latencyMs?: number;
  bitrateKbps?: number;
  /**
   * Polly's throttling: a token bucket refilled at `tps` and holding `burst`, and at most
   * `concurrent` requests under way; beyond either, ThrottlingException (HTTP 400), as Polly answers.
   * Polly's neural quota (docs, Quotas in Amazon Polly): 8 tps, burst 10, 18 concurrent requests.
   */
  quota?: { tps: number; burst: number; concurrent?: number };
}

export interface RecordedPollyRequest {
  Text: string;
  TextType: string | undefined;
  VoiceId: string;
  Engine: string | undefined;
  OutputFormat: string;
  /** Date.now() when the request arrived. */
  at: number;
  httpVersion: string;
}

export interface LocalPolly {
  /** http://127.0.0.1:PORT, for AWS_ENDPOINT_URL_POLLY. */
  endpoint: string;
  requests: RecordedPollyRequest[];
  failNext(error: PollyError, times?: number): void;
  /** The next requests lose their connection without an answer. */
  failNextWith(fault: 'drop', times?: number): void;
  /** Forgets the faults queued and not yet taken. */
  clearFaults(): void;
  setLatency(ms: number): void;
  /** Requests answered with ThrottlingException by the quota. */
  readonly throttled: number;
  close(): Promise<void>;
}

type Fault = PollyError | 'drop';

interface SpeechParams {
  Text?: unknown;
  VoiceId?: unknown;
  OutputFormat?: unknown;
  Engine?: unknown;
  TextType?: unknown;
  SampleRate?: unknown;
  LanguageCode?: unknown;
}

export async function startPolly({ port = 0, synthesizer, latencyMs = 0, bitrateKbps = 32, quota }: PollyOptions = {}): Promise<LocalPolly> {
  const synthesize: Synthesizer =
    synthesizer ?? (({ text, voice, speedPercent }) => synthesizeOggOpus({ text, languageCode: voice.languageCode, bitrateKbps, ...(speedPercent !== undefined && { speedPercent }) }));
  const requests: RecordedPollyRequest[] = [];
  const faults: Fault[] = [];
  let latency = latencyMs;
  const admit = quota ? tokenBucket(quota) : undefined;
  let throttled = 0;

  async function handle(request: AnyRequest, response: AnyResponse): Promise<void> {
    const body = await readBody(request);
    if (request.method !== 'POST' || new URL(request.url ?? '/', 'http://x').pathname !== '/v1/speech') return sendError(response, pollyErrors.unknownOperation());
    let params: SpeechParams;
    try {
      params = JSON.parse(body.toString('utf8') || '{}') as SpeechParams;
    } catch {
      return sendError(response, pollyErrors.badRequest('Request body is not valid JSON'));
    }
    requests.push({
      Text: String(params.Text ?? ''),
      TextType: params.TextType === undefined ? undefined : String(params.TextType),
      VoiceId: String(params.VoiceId ?? ''),
      Engine: params.Engine === undefined ? undefined : String(params.Engine),
      OutputFormat: String(params.OutputFormat ?? ''),
      at: Date.now(),
      httpVersion: request.httpVersion,
    });
    // Taken on arrival, not after the latency: a slow request must not wake up and take a fault
    // queued later for another request.
    const fault = faults.shift();
    const release = admit?.();
    if (admit && !release) {
      throttled++;
      return sendError(response, pollyErrors.throttling());
    }
    try {
      await answer(params, fault, request, response);
    } finally {
      release?.();
    }
  }

  async function answer(params: SpeechParams, fault: Fault | undefined, request: AnyRequest, response: AnyResponse): Promise<void> {
    if (latency > 0) await sleep(latency);
    if (fault === 'drop') return dropConnection(request);
    if (fault) return sendError(response, fault);
    const checked = validate(params);
    if ('status' in checked) return sendError(response, checked);
    const { text, voice, speedPercent } = checked;
    const audio = await synthesize({ text, voice, bitrateKbps, ...(speedPercent !== undefined && { speedPercent }) });
    response.writeHead(200, {
      'content-type': 'audio/ogg',
      'content-length': audio.byteLength,
      'x-amzn-requestcharacters': String(checked.billedCharacters),
      'x-amzn-requestid': randomUUID(),
    });
    response.end(audio);
  }

  const server = await listenHttp1AndHttp2((request, response) => {
    handle(request, response).catch((error: unknown) => {
      console.error('local Polly failed:', error);
      if (!response.headersSent) sendError(response, pollyErrors.serviceFailure());
    });
  }, port);

  return {
    endpoint: `http://127.0.0.1:${server.port}`,
    requests,
    failNext(error, times = 1) {
      for (let i = 0; i < times; i++) faults.push(error);
    },
    failNextWith(fault, times = 1) {
      for (let i = 0; i < times; i++) faults.push(fault);
    },
    clearFaults() {
      faults.length = 0;
    },
    setLatency(ms) {
      latency = ms;
    },
    get throttled() {
      return throttled;
    },
    close: () => server.close(),
  };
}

/** Admits a request (returning its release) or refuses it (undefined): tokens refill continuously at `tps`. */
function tokenBucket({ tps, burst, concurrent = Infinity }: NonNullable<PollyOptions['quota']>): () => (() => void) | undefined {
  let tokens = burst;
  let refilledAt = performance.now();
  let running = 0;
  return () => {
    const now = performance.now();
    tokens = Math.min(burst, tokens + ((now - refilledAt) / 1000) * tps);
    refilledAt = now;
    if (tokens < 1 || running >= concurrent) return undefined;
    tokens -= 1;
    running++;
    return () => void running--;
  };
}

interface ValidRequest {
  text: string;
  voice: Voice;
  billedCharacters: number;
  speedPercent?: number;
}

/** Checks a request in the order Polly reports problems: shape, voice, engine, language, rate, SSML, length. */
function validate(params: SpeechParams): ValidRequest | PollyError {
  for (const [field, value] of [['outputFormat', params.OutputFormat], ['text', params.Text], ['voiceId', params.VoiceId]] as const) {
    if (typeof value !== 'string') return pollyErrors.missing(field);
  }
  const voiceId = params.VoiceId as string;
  const voice = findVoice(voiceId);
  if (!voice) return pollyErrors.unknownVoice(voiceId, VOICES.map((known) => known.id));
  const engine = (params.Engine ?? 'standard') as Engine;
  if (!voice.engines.includes(engine)) return pollyErrors.engineNotSupported(engine);
  if (params.LanguageCode !== undefined && params.LanguageCode !== voice.languageCode) return pollyErrors.languageNotSupported(String(params.LanguageCode));
  if (params.OutputFormat !== 'ogg_opus') return pollyErrors.badRequest(`The local Polly stand-in only produces ogg_opus, not ${String(params.OutputFormat)}`);
  if (params.SampleRate !== undefined && !OGG_OPUS_SAMPLE_RATES.includes(String(params.SampleRate))) return pollyErrors.invalidSampleRate(String(params.SampleRate));
  const raw = params.Text as string;
  let read: { text: string; speedPercent?: number } = { text: raw };
  if (params.TextType === 'ssml') {
    try {
      read = readSsml(raw);
    } catch (error) {
      if (error instanceof InvalidSsmlError) return pollyErrors.invalidSsml(error.message);
      throw error;
    }
  }
  // Billed: the text as read, an entity being the one character it stands for (tags are not billed).
  const billedCharacters = [...read.text].length;
  if (billedCharacters > MAX_BILLED_CHARACTERS) return pollyErrors.textLengthExceeded(MAX_BILLED_CHARACTERS);
  if ([...raw].length > MAX_TOTAL_CHARACTERS) return pollyErrors.textLengthExceeded(MAX_TOTAL_CHARACTERS);
  return { ...read, voice, billedCharacters };
}

function sendError(response: AnyResponse, { status, type, message }: PollyError): void {
  const body = JSON.stringify({ message });
  response.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type, 'x-amzn-requestid': randomUUID() });
  response.end(body);
}

function dropConnection(request: AnyRequest): void {
  if ('stream' in request) request.stream.session?.destroy();
  else request.socket.destroy();
}

async function readBody(request: AnyRequest): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
