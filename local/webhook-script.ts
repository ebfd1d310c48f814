/** Runs dist/webhook.mjs, the script Terraform's local-exec runs, so local runs register webhooks the same way. */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

export const WEBHOOK_SCRIPT = resolve(import.meta.dirname, '../dist/webhook.mjs');

export interface WebhookScriptEnv {
  TELEGRAM_API_URL: string;
  TELEGRAM_BOT_TOKEN: string;
  TELEGRAM_WEBHOOK_SECRET: string;
}

/** Resolves with what the script printed on stdout; rejects with its own (redacted) stderr. */
export function runWebhookScript(args: string[], env: WebhookScriptEnv): Promise<string> {
  // Without BOT_SECRET_ARN the script takes the token and secret from the environment, as in the demo.
  const { BOT_SECRET_ARN: _arn, ...inherited } = process.env;
  return new Promise((done, fail) => {
    execFile(process.execPath, [WEBHOOK_SCRIPT, ...args], { env: { ...inherited, ...env }, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) fail(new Error(`dist/webhook.mjs ${args[0]} failed: ${stderr.trim() || error.message}`));
      else done(stdout.trim());
    });
  });
}
