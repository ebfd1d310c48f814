/**
 * The configuration that points the built function at the local stand-ins: the same variables a
 * deployment sets, with endpoint overrides instead of AWS and Telegram. Used by the demo and the tests.
 */
import type { LocalPolly } from './polly/server.ts';
import type { LocalS3 } from './s3/server.ts';

export interface LocalFunctionSetup {
  s3: LocalS3;
  polly: LocalPolly;
  telegramUrl: string;
  bucket: string;
  botToken: string;
  webhookSecret: string;
  startMessage: string;
}

export function localFunctionEnv({ s3, polly, telegramUrl, bucket, botToken, webhookSecret, startMessage }: LocalFunctionSetup): Record<string, string> {
  return {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: s3.accessKeyId,
    AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
    AWS_ENDPOINT_URL_S3: s3.endpoint,
    AWS_ENDPOINT_URL_POLLY: polly.endpoint,
    S3_FORCE_PATH_STYLE: 'true',
    S3_BUCKET_NAME: bucket,
    TELEGRAM_API_URL: telegramUrl,
    TELEGRAM_BOT_TOKEN: botToken,
    TELEGRAM_WEBHOOK_SECRET: webhookSecret,
    START_MESSAGE: startMessage,
    VOICE_NAME: 'Maxim',
    LOG_LEVEL: 'INFO',
  };
}
