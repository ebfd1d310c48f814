/** How updates reach the bot: the webhook (setWebhook, deleteWebhook, getWebhookInfo) or long polling (getUpdates). */
import { telegramErrors } from '../errors.ts';
import { booleanParam, integerParam, objectParam } from '../params.ts';
import type { EmulatorState } from '../state.ts';
import type { MethodFamily } from './types.ts';

const SECRET_TOKEN = /^[A-Za-z0-9_-]{1,256}$/;

function removeWebhook(state: EmulatorState) {
  const had = state.webhook !== null;
  state.webhook = null;
  return { result: true, description: had ? 'Webhook was deleted' : 'Webhook is already deleted' };
}

export const updateMethods: MethodFamily = {
  async setWebhook(state, { params }) {
    const url = String(params.url ?? '');
    if (url === '') return removeWebhook(state);
    // Telegram demands HTTPS on ports 443/80/88/8443; a local emulator must accept http://127.0.0.1.
    if (!/^https?:\/\/[^/]+/i.test(url)) throw telegramErrors.badWebhookUrl();
    const secret = params.secret_token === undefined ? undefined : String(params.secret_token);
    if (secret !== undefined && !SECRET_TOKEN.test(secret)) throw telegramErrors.badSecretToken();
    const maxConnections = params.max_connections === undefined ? 40 : integerParam(params.max_connections);
    if (maxConnections === undefined || maxConnections < 1 || maxConnections > 100) throw telegramErrors.badMaxConnections();
    const allowed = objectParam<string[]>(params.allowed_updates);
    if (booleanParam(params.drop_pending_updates)) state.pendingUpdates.length = 0;
    const same = state.webhook?.url === url;
    state.webhook = { url, max_connections: maxConnections, ...(secret ? { secret_token: secret } : {}), ...(allowed ? { allowed_updates: allowed } : {}) };
    return { result: true, description: same ? 'Webhook is already set' : 'Webhook was set' };
  },

  async deleteWebhook(state, { params }) {
    if (booleanParam(params.drop_pending_updates)) state.pendingUpdates.length = 0;
    return removeWebhook(state);
  },

  async getWebhookInfo(state) {
    if (!state.webhook) return { result: { url: '', has_custom_certificate: false, pending_update_count: state.pendingUpdates.length } };
    const { secret_token: _secret, ...visible } = state.webhook; // Telegram never shows the secret back
    return { result: { ...visible, has_custom_certificate: false, pending_update_count: 0, ip_address: '127.0.0.1' } };
  },

  async getUpdates(state, { params }) {
    if (state.webhook) throw telegramErrors.webhookActive();
    const offset = integerParam(params.offset);
    const limit = integerParam(params.limit) ?? 100;
    const timeoutSeconds = integerParam(params.timeout) ?? 0;
    if (limit < 1 || limit > 100) throw telegramErrors.badLimit('limit');
    const pending = state.pendingUpdates;
    // An offset confirms every update before it; a negative one keeps only the last -offset.
    if (offset !== undefined && offset < 0) pending.splice(0, Math.max(0, pending.length + offset));
    else if (offset !== undefined) while (pending[0] && pending[0].update_id < offset) pending.shift();
    if (pending.length === 0 && timeoutSeconds > 0) await waitForUpdate(state, timeoutSeconds * 1000);
    return { result: pending.slice(0, limit) };
  },
};

function waitForUpdate(state: EmulatorState, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      state.pollers.delete(done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    state.pollers.add(done);
  });
}
