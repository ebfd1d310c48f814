import type { BotRequest } from '../params.ts';
import type { EmulatorState } from '../state.ts';

export type MethodResult = { result: unknown; description?: string };
/** One Bot API method: reads and changes the emulator's state; throws TelegramApiError to refuse. */
export type MethodHandler = (state: EmulatorState, request: BotRequest) => Promise<MethodResult>;
export type MethodFamily = Record<string, MethodHandler>;
