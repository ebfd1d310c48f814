// `make dev`'s checks, fed an environment and stand-ins for Telegram and AWS: every problem is found
// in one run and says what to do next.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BotApiRefusal, SetupProblems, ToolError } from '../../function/src/tools/cli.ts';
import { checkDevSetup, type DevProbes } from '../../function/src/tools/dev-setup.ts';

const TOKEN = '1000000002:DEV-test-token_for-the-checks';
const READY = { TELEGRAM_BOT_TOKEN: TOKEN, AWS_REGION: 'eu-central-1', S3_BUCKET_NAME: 'voicebot-dev' };

/** Stand-ins that accept everything unless told otherwise; `asked` records what was asked. */
function probes(overrides: Partial<DevProbes> = {}) {
  const asked: string[] = [];
  const fake: DevProbes = {
    botUsername: async () => (asked.push('getMe'), 'voicebot_dev_bot'),
    awsCredentials: async () => void asked.push('credentials'),
    headBucket: async (_region, bucket) => void asked.push(`headBucket ${bucket}`),
  };
  for (const [name, probe] of Object.entries(overrides)) (fake as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => (asked.push(name), (probe as (...a: unknown[]) => unknown)(...args));
  return { fake, asked };
}

/** The problems checkDevSetup throws, in order. */
async function problemsOf(env: Record<string, string | undefined>, fake: DevProbes): Promise<string[]> {
  const error = await checkDevSetup(env, fake).then(
    () => assert.fail('no problem found'),
    (thrown: unknown) => thrown,
  );
  assert.ok(error instanceof SetupProblems, String(error));
  assert.match(error.message, new RegExp(`make dev cannot start: ${error.problems.length === 1 ? '1 thing' : `${error.problems.length} things`} to fix first`));
  return error.problems;
}

const s3Error = (status: number) => Object.assign(new Error('UnknownError'), { $metadata: { httpStatusCode: status } });

test('with everything set and accepted it returns the settings', async () => {
  const { fake, asked } = probes();
  assert.deepEqual(await checkDevSetup({ ...READY, DEV_POLL_SECONDS: '5' }, fake), { token: TOKEN, botUsername: 'voicebot_dev_bot', pollSeconds: 5, region: 'eu-central-1', bucket: 'voicebot-dev' });
  assert.deepEqual(asked.sort(), ['credentials', 'getMe', 'headBucket voicebot-dev']);
});

test('an empty environment lists every missing setting at once, each with the command to run', async () => {
  const { fake } = probes({
    awsCredentials: () => {
      throw new Error('Could not load credentials from any providers');
    },
  });
  const problems = await problemsOf({}, fake);
  assert.equal(problems.length, 4, problems.join('\n'));
  assert.match(problems[0]!, /^TELEGRAM_BOT_TOKEN is not set: .*export TELEGRAM_BOT_TOKEN=/);
  assert.match(problems[1]!, /^AWS_REGION is not set: .*export AWS_REGION=\$\(terraform -chdir=terraform output -raw region\)/);
  assert.match(problems[2]!, /^S3_BUCKET_NAME is not set: .*export S3_BUCKET_NAME=\$\(terraform -chdir=terraform output -raw bucket_name\)/);
  assert.match(problems[3]!, /^no AWS credentials found: run `aws sso login --profile <name>`/);
});

test('a token of the wrong shape is refused by the function\'s rule, and Telegram is not asked', async () => {
  const { fake, asked } = probes();
  assert.deepEqual(await problemsOf({ ...READY, TELEGRAM_BOT_TOKEN: '1000000002:short' }, fake), ['the bot token does not look like a bot token (digits:letters, from @BotFather)']);
  assert.ok(!asked.includes('getMe'));
});

test('a token Telegram rejects is reported together with an AWS problem', async () => {
  const { fake } = probes({
    botUsername: () => {
      throw new BotApiRefusal(401, 'getMe failed: 401 Unauthorized');
    },
    headBucket: () => {
      throw s3Error(404);
    },
  });
  const problems = await problemsOf(READY, fake);
  assert.equal(problems.length, 2);
  assert.match(problems[0]!, /^Telegram rejected the token \(401 Unauthorized\): .*@BotFather .*\/token/);
  assert.match(problems[1]!, /^bucket voicebot-dev does not exist: .*make apply/);
});

test('Telegram out of reach is said in the client\'s words', async () => {
  const { fake } = probes({
    botUsername: () => {
      throw new ToolError('cannot reach the Bot API at https://api.telegram.org: fetch failed');
    },
  });
  assert.deepEqual(await problemsOf(READY, fake), ['cannot reach the Bot API at https://api.telegram.org: fetch failed']);
});

test('each answer of HeadBucket has its own message and next step', async () => {
  const cases: [number, RegExp][] = [
    [403, /^these AWS credentials may not use bucket voicebot-dev \(403 Forbidden\): .*export AWS_PROFILE=/],
    [301, /^bucket voicebot-dev is in another region than eu-central-1: export AWS_REGION=\$\(terraform/],
    [500, /^cannot check bucket voicebot-dev: Error: UnknownError$/],
  ];
  for (const [status, message] of cases) {
    const { fake } = probes({
      headBucket: () => {
        throw s3Error(status);
      },
    });
    const problems = await problemsOf(READY, fake);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, message);
  }
});

test('without credentials the bucket is not asked; a bad DEV_POLL_SECONDS is named', async () => {
  const { fake, asked } = probes({
    awsCredentials: () => {
      throw new Error('Could not load credentials from any providers');
    },
  });
  const problems = await problemsOf({ ...READY, DEV_POLL_SECONDS: '90' }, fake);
  assert.deepEqual(
    problems.map((p) => p.split(':')[0]),
    ['DEV_POLL_SECONDS must be a whole number of seconds from 1 to 50', 'no AWS credentials found'],
  );
  assert.ok(!asked.some((call) => call.startsWith('headBucket')));
});
