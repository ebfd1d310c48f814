/** setWebhook, deleteWebhook and getWebhookInfo as the tools run them: each change is checked with getWebhookInfo. */
import type { Update, WebhookInfo } from '@grammyjs/types';
import { ToolError, UsageError, type BotApi, type ToolOutput } from './cli.ts';

export type UpdateKind = Exclude<keyof Update, 'update_id'>;

export interface SetOptions {
  url: string;
  allowedUpdates?: UpdateKind[];
  maxConnections?: number;
  dropPendingUpdates: boolean;
}

export async function setWebhook(api: BotApi, webhookSecret: string | undefined, options: SetOptions, output: ToolOutput): Promise<void> {
  // Without a secret Telegram would send no header, and the function would refuse every update.
  if (!webhookSecret) throw new UsageError('set needs the webhook secret: from --secret-arn (or BOT_SECRET_ARN), or TELEGRAM_WEBHOOK_SECRET');
  const { url, allowedUpdates, maxConnections, dropPendingUpdates } = options;
  output.log.info('setting webhook', { url, ...(allowedUpdates && { allowed_updates: allowedUpdates }), ...(maxConnections && { max_connections: maxConnections }) });
  await api.call('setWebhook', {
    url,
    secret_token: webhookSecret,
    drop_pending_updates: dropPendingUpdates,
    ...(allowedUpdates && { allowed_updates: allowedUpdates }),
    ...(maxConnections && { max_connections: maxConnections }),
  });
  const info = await api.call('getWebhookInfo', {});
  if (info.url !== url) throw new ToolError(`getWebhookInfo reports url ${JSON.stringify(info.url)} instead of ${url}`);
  reportLastError(info, output);
  output.result.info('webhook set', { url: info.url, pending_update_count: info.pending_update_count ?? 0 });
}

export async function deleteWebhook(api: BotApi, dropPendingUpdates: boolean, output: ToolOutput): Promise<void> {
  output.log.info('deleting webhook');
  await api.call('deleteWebhook', { drop_pending_updates: dropPendingUpdates });
  const info = await api.call('getWebhookInfo', {});
  if (info.url) throw new ToolError(`getWebhookInfo still reports url ${info.url}`);
  output.result.info('webhook deleted');
}

export async function showWebhook(api: BotApi, output: ToolOutput): Promise<void> {
  const info = await api.call('getWebhookInfo', {});
  output.result.info('webhook info', { webhook: info });
  reportLastError(info, output);
}

/** Telegram keeps the last delivery error: after a set it tells why the previous endpoint failed. */
function reportLastError(info: WebhookInfo, output: ToolOutput): void {
  if (!info.last_error_message) return;
  const at = info.last_error_date ? new Date(info.last_error_date * 1000).toISOString() : undefined;
  output.log.warn("Telegram's last delivery error", { last_error_message: info.last_error_message, ...(at && { last_error_at: at }) });
}
