/**
 * `make demo`: the bot on this machine with no account and no network. Prints one URL, the chat
 * page; Ctrl-C stops everything and removes the temporary S3 directory.
 *
 * Ports (all on 127.0.0.1; 0 = any free port): DEMO_PORT (chat page, default 8765),
 * DEMO_TELEGRAM_PORT, DEMO_API_PORT, DEMO_S3_PORT, DEMO_POLLY_PORT (default 0).
 * DEMO_POLLY_TPS: the Polly stand-in's quota in requests a second (default: none); 1 shows a burst
 * going webhook -> queue -> worker -> voice in the log panel.
 */
import { existsSync } from 'node:fs';
import { onHandlerLog, summarise } from '../handler-logs.ts';
import { DEFAULT_BUNDLE, startDemo, type Demo } from './stack.ts';

const started = performance.now();
// The SDK's advice to move to Node 22 concerns deployments (Lambda runs 24), not a local demo.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const say = (line: string) => process.stderr.write(`${line}\n`);

function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name} must be a port number (0-65535), not ${JSON.stringify(raw)}`);
  return port;
}

async function main(): Promise<void> {
  if (!existsSync(DEFAULT_BUNDLE)) throw new Error(`${DEFAULT_BUNDLE} is missing: run \`make build\` (make demo does it for you)`);
  const ports = {
    chat: portFromEnv('DEMO_PORT', 8765),
    telegram: portFromEnv('DEMO_TELEGRAM_PORT', 0),
    api: portFromEnv('DEMO_API_PORT', 0),
    s3: portFromEnv('DEMO_S3_PORT', 0),
    polly: portFromEnv('DEMO_POLLY_PORT', 0),
  };
  say('voicebot demo: starting everything on 127.0.0.1 (offline, no accounts)');
  let demo: Demo;
  try {
    const pollyTps = process.env.DEMO_POLLY_TPS ? Number(process.env.DEMO_POLLY_TPS) : undefined;
    if (pollyTps !== undefined && !(pollyTps > 0)) throw new Error(`DEMO_POLLY_TPS must be a number of requests a second above 0, not ${JSON.stringify(process.env.DEMO_POLLY_TPS)}`);
    demo = await startDemo({ ports, progress: (line) => say(`  ✓ ${line}`), ...(pollyTps && { pollyTps }) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      const { port } = error as NodeJS.ErrnoException & { port?: number };
      throw new Error(`port ${port ?? ''} is already in use (another demo still running?). Stop it, or choose other ports: DEMO_PORT=8766 make demo`);
    }
    throw error;
  }
  // One terminal line per update; the full JSON lines are on the page's log panel.
  onHandlerLog((line) => say(summarise(line)));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(130); // a second Ctrl-C: the user wants out now
    stopping = true;
    say(`\n${signal}: stopping…`);
    await demo.close();
    say('stopped; temporary files removed');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('Ctrl-C'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  say(`ready in ${((performance.now() - started) / 1000).toFixed(1)} s — open the chat page (Ctrl-C stops everything):\n`);
  process.stdout.write(`${demo.chatUrl}\n\n`);
}

main().catch((error: unknown) => {
  say(`voicebot demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
