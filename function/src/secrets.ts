import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { BOT_TOKEN, WEBHOOK_SECRET, type CredentialSource } from './config.ts';
import { SECRET_FETCH_CONNECTION_TIMEOUT_MS, SECRET_FETCH_REQUEST_TIMEOUT_MS, SECRET_REFRESH_INTERVAL_MS } from './constants.ts';

export interface BotCredentials {
  botToken: string;
  webhookSecret: string;
}

export class SecretError extends Error {
  override name = 'SecretError';
}

export interface CredentialStore {
  current(): Promise<BotCredentials>;
  /**
   * Reads the secret again, as after a rotation, at most once a minute.
   * Resolves to true when new values were loaded.
   */
  refresh(): Promise<boolean>;
}

/**
 * Resolves the bot token and webhook secret. From Secrets Manager they are fetched on first use
 * and kept for the life of the container; a failed fetch is not cached, so the next update retries.
 */
export function credentialStore(source: CredentialSource, region: string, now = Date.now): CredentialStore {
  if (source.kind === 'environment') {
    const credentials = Promise.resolve({ botToken: source.botToken, webhookSecret: source.webhookSecret });
    return { current: () => credentials, refresh: async () => false };
  }
  let pending: Promise<BotCredentials> | undefined;
  let fetchedAt = 0;
  const load = () => {
    fetchedAt = now();
    pending = fetchSecret(source.secretArn, region).catch((error: unknown) => {
      pending = undefined;
      throw error;
    });
    return pending;
  };
  return {
    current: () => pending ?? load(),
    async refresh() {
      if (now() - fetchedAt < SECRET_REFRESH_INTERVAL_MS) return false;
      fetchedAt = now();
      const before = await pending?.catch(() => undefined);
      try {
        const after = await fetchSecret(source.secretArn, region);
        pending = Promise.resolve(after);
        return before?.botToken !== after.botToken || before?.webhookSecret !== after.webhookSecret;
      } catch {
        return false; // keep the values we have; the next refresh may succeed
      }
    },
  };
}

async function fetchSecret(secretArn: string, region: string): Promise<BotCredentials> {
  // Bounded, unlike the SDK's default: a hung fetch must not hold the webhook until Lambda's timeout.
  const client = new SecretsManagerClient({ region, requestHandler: { connectionTimeout: SECRET_FETCH_CONNECTION_TIMEOUT_MS, requestTimeout: SECRET_FETCH_REQUEST_TIMEOUT_MS } });
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
