/**
 * One Bot API call, whoever makes it: the bot over HTTP (emulator.ts), or Telegram itself from the
 * method a webhook's answer carries (delivery.ts). Either way it meets the same faults, is recorded the
 * same way and changes the same state; only the bot gets to see the answer.
 */
import { TelegramApiError, telegramErrors } from './errors.ts';
import { fileMethods } from './methods/files.ts';
import { inlineMethods } from './methods/inline.ts';
import { messageMethods } from './methods/messages.ts';
import type { MethodHandler } from './methods/types.ts';
import { updateMethods } from './methods/updates.ts';
import { parseBotRequest, type BotRequest } from './params.ts';
import type { EmulatorState, Fault } from './state.ts';

const METHODS = new Map<string, { name: string; handler: MethodHandler }>(
  Object.entries({ ...messageMethods, ...updateMethods, ...fileMethods, ...inlineMethods }).map(([name, handler]) => [name.toLowerCase(), { name, handler }]),
);

/** A call that arrived: its method as the Bot API spells it (names are case-insensitive), its handler and its fault. */
export interface Arrival {
  method: string;
  handler?: MethodHandler;
  fault?: Fault;
}

/** What the caller is answered; status 0: its connection is dropped instead. */
export interface CallAnswer {
  status: number;
  body: object;
}

/** Takes the fault queued for the call on arrival, before its body is read: a fault belongs to the call that arrives after it was queued. */
export function arrive(state: EmulatorState, requested: string): Arrival {
  const known = METHODS.get(requested.toLowerCase());
  const method = known?.name ?? requested;
  const fault = known && state.takeFault(known.name);
  state.events.emit('request', { method });
  return { method, handler: known?.handler, fault };
}

/** Runs an arrived call and records it. Errors other than Telegram's own are the emulator's, and thrown. */
export async function perform(state: EmulatorState, { method, handler, fault }: Arrival, request: BotRequest, contentType: string, fromWebhookResponse = false): Promise<CallAnswer> {
  const answer = await run(state, handler, fault, request);
  state.recordCall({ method, params: request.params, files: request.files, contentType, status: answer.status, ...(fromWebhookResponse && { fromWebhookResponse }) });
  return answer;
}

async function run(state: EmulatorState, handler: MethodHandler | undefined, fault: Fault | undefined, request: BotRequest): Promise<CallAnswer> {
  if (!handler) return { status: 404, body: telegramErrors.notFound().toJSON() };
  if (fault?.kind === 'drop') return { status: 0, body: {} };
  if (fault) return refusal(TelegramApiError.from(fault.failure));
  try {
    const { result, description } = await handler(state, request);
    return { status: 200, body: { ok: true, result, ...(description ? { description } : {}) } };
  } catch (error) {
    if (!(error instanceof TelegramApiError)) throw error;
    return refusal(error);
  }
}

const refusal = (error: TelegramApiError): CallAnswer => ({ status: error.errorCode, body: error.toJSON() });

/**
 * A webhook's 2xx answer whose body (JSON, a form, or multipart) names a `method`: Telegram makes that
 * call as if the bot had, and tells nobody how it went. Any other body is ignored, as Telegram does.
 */
export async function performWebhookAnswer(state: EmulatorState, body: Buffer, contentType: string): Promise<void> {
  let request: BotRequest;
  try {
    request = await parseBotRequest(body, contentType);
  } catch {
    return;
  }
  const { method, ...params } = request.params;
  if (typeof method !== 'string' || method === '') return;
  await perform(state, arrive(state, method), { params, files: request.files }, contentType, true);
}
