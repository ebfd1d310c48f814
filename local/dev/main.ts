/**
 * `make dev`: try a change against real Telegram before deploying. Runs the built dist/dev.mjs (see
 * function/src/tools/dev.ts) and shows one terminal line per line it and the function write.
 * Needs TELEGRAM_BOT_TOKEN, AWS credentials, AWS_REGION and S3_BUCKET_NAME (e.g. from `terraform output`). Ctrl-C stops.
 */
import { summarise, type LogLine } from '../handler-logs.ts';
import { startDevProcess, type DevLine } from './process.ts';

const say = (line: string) => process.stderr.write(`${line}\n`);
const show = (line: DevLine) => say(line.from === 'function' ? summarise(line as LogLine) : `  ${line.level === 'INFO' ? '' : `${line.level}: `}${line.message}`);

say('voicebot dev: the built function against real Telegram (long polling), Polly and S3');
const dev = startDevProcess(process.env, show);
// Ctrl-C reaches the child too (same process group); it says goodbye and exits. A SIGTERM is passed on.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => void dev.stop());
process.exitCode = (await dev.exited) ?? 1;
