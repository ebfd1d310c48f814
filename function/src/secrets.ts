import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { BOT_TOKEN, WEBHOOK_SECRET, type CredentialSource } from './config.ts';

export interface BotCredentials {
  botToken: string;
  webhookSecret: string;
}

export class SecretError extends Error {
  override name = 'SecretError';
}

/**
 * Resolves the bot token and webhook secret. From Secrets Manager they are fetched on first use
 * and kept for the life of the container; a failed fetch is not cached, so the next update retries.
 */
export function credentialLoader(source: CredentialSource, region: string): () => Promise<BotCredentials> {
  if (source.kind === 'environment') {
    const credentials = { botToken: source.botToken, webhookSecret: source.webhookSecret };
    return async () => credentials;
  }
  let pending: Promise<BotCredentials> | undefined;
  return () => {
    pending ??= fetchSecret(source.secretArn, region).catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
}

async function fetchSecret(secretArn: string, region: string): Promise<BotCredentials> {
  const client = new SecretsManagerClient({ region });
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: secretArn }));
    return parseSecret(SecretString);
  } finally {
    client.destroy();
  }
}

/** The secret is JSON: {"bot_token": "...", "webhook_secret": "..."}. Errors never quote it. */
export function parseSecret(secretString: string | undefined): BotCredentials {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString ?? '');
  } catch {
    throw new SecretError('the bot secret is not JSON; expected {"bot_token": "...", "webhook_secret": "..."}');
  }
  const { bot_token: botToken, webhook_secret: webhookSecret } = (parsed ?? {}) as Record<string, unknown>;
  if (typeof botToken !== 'string' || !BOT_TOKEN.test(botToken)) throw new SecretError('the bot secret has no valid "bot_token"');
  if (typeof webhookSecret !== 'string' || !WEBHOOK_SECRET.test(webhookSecret))
    throw new SecretError('the bot secret has no valid "webhook_secret" (1-256 characters of A-Z a-z 0-9 _ -)');
  return { botToken, webhookSecret };
}
