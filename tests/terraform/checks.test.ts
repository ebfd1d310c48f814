// Terraform's own checks, run for real: fmt -check, init, validate (root and every module), and
// `terraform test` — the modules against a mocked AWS provider, and the webhook module's local-exec
// against the local Telegram emulator and Secrets Manager.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { startSecretsManager, type LocalSecretsManager } from '../../local/secretsmanager/server.ts';
import { startTelegramEmulator, type TelegramEmulator } from '../../local/telegram/emulator.ts';
import { describeUnlessMissing } from '../support/suite.ts';
import { createWorkspace, initArgs, missingTerraform, MODULES, REPO_ROOT, TERRAFORM_DIR, TOOLS_REQUIRED, type Workspace } from './lib/terraform.ts';

const missing = missingTerraform();
if (missing && TOOLS_REQUIRED) throw new Error(`VOICEBOT_REQUIRE_DEPLOY_TEST=1 but ${missing}`);

const MOCKED_TEST_FILES = ['api', 'bucket', 'function', 'monitoring', 'queue', 'root', 'secret'];

describeUnlessMissing('Terraform checks', missing, () => {
  let ws: Workspace;

  before(async () => {
    ws = createWorkspace();
    await ws.must(initArgs(ws));
  });
  after(() => ws?.remove());

  test('every file is formatted (terraform fmt -check)', () => {
    const r = spawnSync('terraform', ['fmt', '-check', '-recursive', '-diff', TERRAFORM_DIR], { encoding: 'utf8', env: { ...process.env, TF_CLI_CONFIG_FILE: os.devNull } });
    assert.equal(r.status, 0, `run \`make fmt\`:\n${r.stdout}${r.stderr}`);
  });

  test('the root module validates', async () => {
    const r = await ws.run(['validate', '-no-color']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  // Each module on its own, as someone reusing it would call it; two at a time for two cores.
  test('every module validates on its own', async () => {
    const queue = [...MODULES];
    const failures: string[] = [];
    const worker = async () => {
      for (let m = queue.shift(); m; m = queue.shift()) {
        const cwd = path.join(ws.dir, 'modules', m);
        const init = await ws.run(initArgs(ws), { cwd });
        const r = init.code === 0 ? await ws.run(['validate', '-no-color'], { cwd }) : init;
        if (r.code !== 0) failures.push(`${m}: ${r.stdout}${r.stderr}`);
      }
    };
    await Promise.all([worker(), worker()]);
    assert.deepEqual(failures, []);
  });

  test('terraform test passes for the modules and the root against a mocked AWS provider', async () => {
    const r = await ws.run(['test', '-no-color', ...MOCKED_TEST_FILES.flatMap((f) => ['-filter', `tests/${f}.tftest.hcl`])]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const f of MOCKED_TEST_FILES) assert.match(r.stdout, new RegExp(`tests/${f}\\.tftest\\.hcl\\.\\.\\. pass`), `${f}.tftest.hcl did not run`);
  });

  describe('the webhook module', () => {
    const TOKEN = '123456789:AAEtest-webhook-module-token_0123456';
    const WEBHOOK_SECRET = 'webhook_secret_from_secrets_manager_0123456789abcdef';
    let tg: TelegramEmulator;
    let sm: LocalSecretsManager;

    before(async () => {
      tg = await startTelegramEmulator({ token: TOKEN });
      sm = await startSecretsManager({ region: 'eu-central-1' });
    });
    after(async () => {
      await tg?.close();
      await sm?.close();
    });

    test('registers the webhook on apply and deletes it on destroy, reading the secret from Secrets Manager', async () => {
      const secretArn = sm.put('voicebot-bot-test', JSON.stringify({ bot_token: TOKEN, webhook_secret: WEBHOOK_SECRET }));
      const r = await ws.run(['test', '-no-color', '-filter', 'tests/webhook.tftest.hcl', '-var', `secret_arn=${secretArn}`, '-var', `script_path=${path.join(REPO_ROOT, 'dist/webhook.mjs')}`], {
        env: {
          TELEGRAM_API_URL: tg.url,
          AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
          AWS_REGION: 'eu-central-1',
          AWS_ACCESS_KEY_ID: 'test',
          AWS_SECRET_ACCESS_KEY: 'test',
        },
      });
      assert.equal(r.code, 0, r.stdout + r.stderr);

      const set = tg.calls.find((c) => c.method === 'setWebhook');
      assert.ok(set, `no setWebhook among ${tg.calls.map((c) => c.method).join(', ')}`);
      assert.equal(set.params.url, 'https://a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com/live/webhook');
      assert.equal(set.params.secret_token, WEBHOOK_SECRET);
      assert.equal(Number(set.params.max_connections), 7);
      assert.ok(tg.calls.some((c) => c.method === 'deleteWebhook'), 'destroy did not delete the webhook');
      assert.equal(tg.webhook, null, 'the webhook is still registered after destroy');
      assert.ok((sm.reads.get(secretArn) ?? 0) >= 2, 'both provisioners read the secret by ARN');
      for (const secret of [TOKEN, WEBHOOK_SECRET]) assert.ok(!(r.stdout + r.stderr).includes(secret), 'a secret reached Terraform output');
    });
  });
});
