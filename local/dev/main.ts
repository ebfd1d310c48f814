/**
 * `make dev`: try a change against real Telegram before deploying. Needs TELEGRAM_BOT_TOKEN,
 * AWS credentials, AWS_REGION and S3_BUCKET_NAME (e.g. from `terraform output`). Ctrl-C stops.
 */
import { onHandlerLog, summarise } from '../demo/handler-logs.ts';
import { DevSetupError, startDev } from './runner.ts';

const say = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<void> {
  say('voicebot dev: the built function against real Telegram (long polling), Polly and S3');
  onHandlerLog((line) => say(summarise(line)));
  const dev = await startDev({ say: (line) => say(`  ${line}`) });
  say(`ready: write to @${dev.botUsername} in Telegram (Ctrl-C stops)`);
  const stop = async () => {
    say('\nstopping… (the webhook stays deleted until `make apply` or `node scripts/webhook.mjs set` sets it again)');
    await dev.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
  await dev.done;
}

main().catch((error: unknown) => {
  say(`voicebot dev: ${error instanceof DevSetupError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exit(1);
});
