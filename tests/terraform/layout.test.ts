import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from '@cdktf/hcl2json';
import { loadModule, type Module, type Obj } from './lib/hcl.ts';
import { moduleDirs, renderTables } from './lib/readme-tables.ts';
import { fileURLToPath as toPath } from 'node:url';

// Paths below are relative to the repository root, wherever the runner was started.
process.chdir(toPath(new URL('../..', import.meta.url)));

const MAIN_RESOURCE: Record<string, string> = {
  bucket: 'aws_s3_bucket',
  secret: 'aws_secretsmanager_secret',
  function: 'aws_lambda_function',
  api: 'aws_api_gateway_rest_api',
  webhook: 'terraform_data',
};
const mods: Record<string, Module> = {};
const res = (m: string, type: string, name = 'this') => mods[m]!.blocks.find((b) => b.kind === 'resource' && b.type === type && b.name === name)!.body;

before(async () => {
  for (const dir of moduleDirs()) mods[dir === 'terraform' ? 'root' : path.basename(dir)] = await loadModule(dir);
});

describe('module layout', () => {
  test('the root and every module have main.tf, variables.tf, outputs.tf, versions.tf and README.md', () => {
    assert.deepEqual(Object.keys(mods).sort(), ['api', 'bucket', 'function', 'root', 'secret', 'webhook']);
    for (const dir of moduleDirs())
      for (const f of ['main.tf', 'variables.tf', 'outputs.tf', 'versions.tf', 'README.md']) assert.ok(fs.existsSync(path.join(dir, f)), `${dir}/${f} missing`);
  });

  test('every README carries an up-to-date inputs/outputs table', () => {
    for (const dir of moduleDirs()) {
      const readme = fs.readFileSync(path.join(dir, 'README.md'), 'utf8');
      const name = dir === 'terraform' ? 'root' : path.basename(dir);
      assert.ok(readme.includes(renderTables(mods[name]!)), `${dir}/README.md tables are stale: run node --import tsx tests/terraform/lib/readme-tables.ts --write`);
    }
  });

  test('each module names its main resource "this"', () => {
    for (const [m, type] of Object.entries(MAIN_RESOURCE)) assert.ok(res(m, type), `${m}: no ${type}.this`);
  });

  test('every versions.tf requires Terraform >= 1.11 and pins the AWS provider to 6.x', () => {
    for (const [name, m] of Object.entries(mods)) {
      const t = m.terraform[0]!;
      assert.equal(t.required_version, '>= 1.11', name);
      const providers = (t.required_providers as Obj[] | undefined)?.[0] ?? {};
      if ('aws' in providers) assert.match(String((providers.aws as Obj).version), /^~> 6\./, name);
    }
    const root = (mods.root!.terraform[0]!.required_providers as Obj[])[0]!;
    assert.deepEqual(Object.keys(root).sort(), ['archive', 'aws', 'random']);
  });

  test('terraform.tfvars.example sets only declared variables and never the bot token', async () => {
    const text = fs.readFileSync('terraform/terraform.tfvars.example', 'utf8');
    const uncommented = text.replace(/^#\s?(?=[a-z_]+\s+=)/gm, '');
    const vars = Object.keys(await parse('example.tfvars', uncommented));
    assert.ok(vars.length >= 10, 'the example should show the common settings');
    for (const v of vars) assert.ok(v in mods.root!.variables, `${v} is not a root variable`);
    assert.ok(!vars.includes('bot_token'));
  });
});

describe('the Lambda function', () => {
  test('runs index.handler on nodejs22.x/arm64 with JSON logs into its own log group', () => {
    const fn = res('function', 'aws_lambda_function');
    assert.equal(fn.handler, 'index.handler');
    assert.equal(mods.function!.variables.runtime!.body.default, 'nodejs22.x');
    assert.deepEqual(fn.architectures, ['arm64']);
    // application_log_level: Lambda drops JSON lines below INFO unless told the function's own level.
    assert.deepEqual(fn.logging_config, [{ log_format: 'JSON', log_group: '${aws_cloudwatch_log_group.this.name}', application_log_level: '${var.log_level}' }]);
    assert.match(String(res('function', 'aws_cloudwatch_log_group').retention_in_days), /var\.log_retention_days/);
  });

  test('is updated by a code change through archive_file and source_code_hash', () => {
    assert.equal(res('function', 'aws_lambda_function').source_code_hash, '${data.archive_file.package.output_base64sha256}');
    const zip = mods.function!.blocks.find((b) => b.kind === 'data' && b.type === 'archive_file')!.body;
    assert.equal(zip.output_file_mode, '0644');
    assert.match(String(mods.root!.moduleCalls.find((c) => c.name === 'function')!.body.package_path), /build\//);
  });

  test('has a timeout that fits API Gateway and no reserved concurrency by default', () => {
    const v = mods.function!.variables;
    assert.ok((v.timeout!.body.default as number) <= 29);
    assert.match(JSON.stringify(v.timeout!.body.validation), /<= 29/);
    assert.equal(v.reserved_concurrent_executions!.body.default, null);
    assert.equal(mods.root!.variables.lambda_reserved_concurrency!.body.default, null);
  });

  test('gets exactly the environment of the contract, START_MESSAGE only when set', () => {
    const env = String(mods.function!.locals.environment!.value);
    const keys = [...env.matchAll(/([A-Z][A-Z0-9_]+)\s*=/g)].map((m) => m[1]).sort();
    assert.deepEqual(keys, ['ALLOWED_CHAT_IDS', 'BOT_SECRET_ARN', 'LOG_LEVEL', 'MAX_TEXT_LENGTH', 'NODE_OPTIONS', 'RATE_LIMIT_PER_MINUTE', 'S3_BUCKET_NAME', 'START_MESSAGE', 'VOICE_NAME']);
    assert.match(env, /length\(var\.allowed_chat_ids\) == 0 \? \{\} :/);
    assert.match(env, /var\.start_message == null \? \{\} :/);
    assert.match(env, /var\.include_source_map \? \{ NODE_OPTIONS = "--enable-source-maps" \}/);
    assert.equal(mods.function!.variables.voice_name!.body.default, 'Maxim');
    assert.ok(!env.includes('TELEGRAM_API_URL'));
  });
});

describe('the API', () => {
  test('is a regional REST API with POST /webhook proxied to the function', () => {
    assert.deepEqual(res('api', 'aws_api_gateway_rest_api').endpoint_configuration, [{ types: ['REGIONAL'] }]);
    const methods = mods.api!.blocks.filter((b) => b.type === 'aws_api_gateway_method');
    assert.deepEqual(methods.map((m) => m.body.http_method), ['POST']);
    assert.equal(res('api', 'aws_api_gateway_integration', 'lambda').type, 'AWS_PROXY');
    assert.equal(mods.api!.variables.path_part!.body.default, 'webhook');
  });

  test('redeploys only when its parts change', () => {
    const d = res('api', 'aws_api_gateway_deployment');
    assert.match(JSON.stringify(d.triggers), /sha1\(jsonencode/);
    assert.deepEqual(d.lifecycle, [{ create_before_destroy: true }]);
  });

  test('throttles the webhook method and writes access logs with retention', () => {
    const s = (res('api', 'aws_api_gateway_method_settings', 'post').settings as Obj[])[0]!;
    assert.equal(s.throttling_rate_limit, '${var.throttling_rate_limit}');
    assert.equal(s.throttling_burst_limit, '${var.throttling_burst_limit}');
    assert.equal(s.logging_level, 'OFF');
    assert.ok(JSON.stringify(res('api', 'aws_api_gateway_stage').dynamic).includes('access_log_settings'));
    assert.match(String(res('api', 'aws_cloudwatch_log_group', 'access').retention_in_days), /var\.access_log_retention_days/);
  });

  test('leaves the account-wide CloudWatch role alone unless asked', () => {
    assert.equal(mods.api!.variables.manage_account_cloudwatch_role!.body.default, false);
    assert.equal(res('api', 'aws_api_gateway_account').count, '${var.manage_account_cloudwatch_role ? 1 : 0}');
  });
});

describe('the webhook registration', () => {
  test('is triggered only by non-secret, stable values', () => {
    const t = res('webhook', 'terraform_data').triggers_replace as Obj;
    assert.deepEqual(Object.keys(t).sort(), ['script_sha256', 'secret_version_id', 'settings', 'webhook_url']);
    assert.equal(t.script_sha256, '${filesha256(var.script_path)}');
  });

  test('sets the webhook on create and deletes it on destroy through scripts/webhook.mjs', () => {
    const p = (res('webhook', 'terraform_data').provisioner as Obj)['local-exec'] as Obj[];
    assert.equal(p.length, 2);
    assert.match(String(p[0]!.command), / set --url "\$WEBHOOK_URL" --secret-arn "\$BOT_SECRET_ARN"/);
    assert.equal(p[1]!.when, '${destroy}');
    assert.match(String(p[1]!.command), / delete --secret-arn /);
    const call = mods.root!.moduleCalls.find((c) => c.name === 'webhook')!.body;
    assert.equal(call.script_path, '${local.repo_root}/scripts/webhook.mjs');
    assert.ok(fs.existsSync('scripts/webhook.mjs'));
  });
});

describe('formatting', () => {
  const tf = spawnSync(process.env.TF ?? 'terraform', ['version'], { encoding: 'utf8' });
  const skip = tf.status === 0 ? false : 'terraform is not on PATH, so `terraform fmt -check` cannot run here';
  test('terraform fmt -check -recursive terraform reports nothing', { skip }, () => {
    const r = spawnSync(process.env.TF ?? 'terraform', ['fmt', '-check', '-recursive', '-diff', 'terraform'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout);
  });
});

describe('automation', () => {
  test('terraform.mk defines every make target of the deploy guide', () => {
    const mk = fs.readFileSync('terraform/terraform.mk', 'utf8');
    for (const t of ['init', 'plan', 'apply', 'destroy', 'fmt', 'validate', 'logs', 'output']) assert.match(mk, new RegExp(`^${t}:`, 'm'), `no ${t} target`);
    assert.match(mk, /^TF \?= terraform$/m);
    assert.match(mk, /stty -echo/, 'the token prompt must not echo');
    assert.match(mk, /tests\/terraform\/lib\/cli\.ts/, 'validate must run the offline checker');
  });

  test('the PR workflow checks, plans with an OIDC role and applies on main only behind an environment', () => {
    const wf = fs.readFileSync('.github/workflows/terraform.yml', 'utf8');
    for (const s of ['pull_request:', 'terraform fmt -check', 'terraform -chdir=terraform validate', 'id-token: write', 'role-to-assume: ${{ vars.AWS_ROLE_ARN }}', 'pull-requests: write', 'environment: production', "github.ref == 'refs/heads/main'"])
      assert.ok(wf.includes(s), `workflow lacks ${s}`);
    assert.ok(!/TELEGRAM_BOT_TOKEN\s*:\s*[^$\s]/.test(wf), 'the token must come from secrets');
  });
});
