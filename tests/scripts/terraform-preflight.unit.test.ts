// `make plan` / `make apply`'s checks before Terraform runs, fed a copy of the root module's .tf files,
// an environment and stand-in answers (terraform's version, STS): every problem is listed at once,
// each with the command that fixes it. No AWS is asked.
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { terraformPreflight, type PreflightFacts } from '../../scripts/terraform-preflight.ts';

const TERRAFORM_DIR = path.resolve(import.meta.dirname, '../../terraform');
const MODULE_CALLS = ['api', 'bucket', 'function', 'monitoring', 'queue', 'secret', 'webhook', 'worker'];
const TOKEN = '7000000001:AAE-preflight-test-token_0123456789';
const BOUNDARY = 'permissions_boundary_arn = "arn:aws:iam::123456789012:policy/voicebot-boundary"\n';
const scratch = mkdtempSync(path.join(os.tmpdir(), 'voicebot-preflight-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of terraform/'s root files (no .terraform, no tfvars), optionally initialised for `modules`. */
function rootCopy({ modules, tfvars }: { modules?: string[]; tfvars?: string } = {}): string {
  const dir = mkdtempSync(path.join(scratch, 'root-'));
  for (const file of readdirSync(TERRAFORM_DIR).filter((f) => f.endsWith('.tf') || f === 'terraform.tfvars.example')) cpSync(path.join(TERRAFORM_DIR, file), path.join(dir, file));
  if (modules) {
    mkdirSync(path.join(dir, '.terraform/modules'), { recursive: true });
    mkdirSync(path.join(dir, '.terraform/providers/registry.terraform.io/hashicorp/aws'), { recursive: true });
    const manifest = { Modules: [{ Key: '', Source: '', Dir: '.' }, ...modules.map((m) => ({ Key: m, Source: `./modules/${m}`, Dir: `modules/${m}` }))] };
    writeFileSync(path.join(dir, '.terraform/modules/modules.json'), JSON.stringify(manifest));
  }
  if (tfvars !== undefined) writeFileSync(path.join(dir, 'terraform.tfvars'), tfvars);
  return dir;
}

const regionsAsked: string[] = [];
const ready = (overrides: Partial<PreflightFacts> = {}): PreflightFacts => ({
  dir: rootCopy({ modules: MODULE_CALLS, tfvars: `region = "eu-west-1"\n${BOUNDARY}` }),
  shownDir: 'terraform',
  env: { TF_VAR_bot_token: TOKEN },
  terraformVersion: '1.11.4',
  callerIdentity: async (region) => (regionsAsked.push(region), 'account 123456789012 as arn:aws:iam::123456789012:user/deployer'),
  canPrompt: false,
  ...overrides,
});

const fail = (name: string, message = 'boom') => async () => {
  throw Object.assign(new Error(message), { name });
};

test('a ready setup has no problems, and says what it found', async () => {
  const { problems, found } = await terraformPreflight(ready());
  assert.deepEqual(problems, []);
  assert.deepEqual(found, [
    'terraform 1.11.4',
    'terraform/ initialised',
    'region = eu-west-1 (terraform.tfvars)',
    'permissions_boundary_arn = arn:aws:iam::123456789012:policy/voicebot-boundary (terraform.tfvars)',
    'AWS: account 123456789012 as arn:aws:iam::123456789012:user/deployer', 'bot token from TF_VAR_bot_token']);
  assert.equal(regionsAsked.at(-1), 'eu-west-1', "STS is asked in the deployment's region");
});

test('a fresh clone with nothing set lists all six problems at once, each with its next command', async () => {
  const { problems } = await terraformPreflight(ready({ dir: rootCopy(), env: {}, terraformVersion: undefined, callerIdentity: fail('CredentialsProviderError', 'Could not load credentials from any providers') }));
  assert.deepEqual(
    problems.map((p) => p.next),
    [
      'install Terraform >= 1.11: https://developer.hashicorp.com/terraform/install (or put it on PATH, or give its path as TF=...)',
      'make init',
      'cp terraform/terraform.tfvars.example terraform/terraform.tfvars   (then check the values in it)',
      'cp terraform/terraform.tfvars.example terraform/terraform.tfvars   (then check the values in it)',
      'aws configure   (access keys), or: aws sso login --profile <name> && export AWS_PROFILE=<name>',
      'read -rs TF_VAR_bot_token && export TF_VAR_bot_token   (paste the token from @BotFather; it stays out of your shell history)',
    ],
  );
  assert.deepEqual(
    problems.map((p) => p.problem),
    [
      'terraform is not installed (not on PATH)',
      'terraform/ is not initialised (no modules or providers installed)',
      'region is not set: there is no terraform/terraform.tfvars and no TF_VAR_region',
      'permissions_boundary_arn is not set: there is no terraform/terraform.tfvars and no TF_VAR_permissions_boundary_arn',
      'no usable AWS credentials: Could not load credentials from any providers',
      'the bot token is not in TF_VAR_bot_token, and there is no terminal to ask for it',
    ],
  );
});

test('terraform older than the root module\'s required_version is named with the minimum', async () => {
  const { problems } = await terraformPreflight(ready({ terraformVersion: '1.10.5' }));
  assert.deepEqual(problems.map((p) => p.problem), ['terraform 1.10.5 is too old: the root module needs >= 1.11']);
  assert.match(problems[0]!.next, /^install Terraform >= 1\.11/);
  assert.deepEqual((await terraformPreflight(ready({ terraformVersion: '1.12.0' }))).problems, []);
});

test('a module added since the last init is named; make init installs it', async () => {
  const { problems } = await terraformPreflight(ready({ dir: rootCopy({ modules: MODULE_CALLS.filter((m) => m !== 'monitoring'), tfvars: `region = "eu-west-1"\n${BOUNDARY}` }) }));
  assert.deepEqual(problems, [{ problem: 'terraform/ calls modules that `terraform init` has not installed: monitoring', next: 'make init' }]);
});

test('a tfvars file without the region gets the line to add; TF_VAR_region or an .auto.tfvars.json does instead', async () => {
  const dir = rootCopy({ modules: MODULE_CALLS, tfvars: `name = "voicebot-test"\n${BOUNDARY}` });
  const { problems } = await terraformPreflight(ready({ dir }));
  assert.deepEqual(problems, [{ problem: 'region is not set in terraform.tfvars, nor as TF_VAR_region', next: `echo 'region = "eu-central-1"' >> terraform/terraform.tfvars   (with your value)` }]);

  const fromEnv = await terraformPreflight(ready({ dir, env: { TF_VAR_bot_token: TOKEN, TF_VAR_region: 'us-east-2' } }));
  assert.deepEqual(fromEnv.problems, []);
  assert.equal(regionsAsked.at(-1), 'us-east-2');

  writeFileSync(path.join(dir, 'deploy.auto.tfvars.json'), JSON.stringify({ region: 'ap-south-1' }));
  assert.deepEqual((await terraformPreflight(ready({ dir }))).problems, []);
});

test('credentials STS refuses, or an STS out of reach, are told apart', async () => {
  const expired = await terraformPreflight(ready({ env: { TF_VAR_bot_token: TOKEN, AWS_PROFILE: 'deploy' }, callerIdentity: fail('ExpiredToken', 'The security token included in the request is expired') }));
  assert.deepEqual(expired.problems, [
    { problem: 'AWS refused these credentials: ExpiredToken: The security token included in the request is expired', next: 'aws sso login --profile deploy   (or aws configure --profile deploy for access keys)' },
  ]);
  const offline = await terraformPreflight(ready({ callerIdentity: fail('TimeoutError', 'The operation was aborted due to timeout') }));
  assert.match(offline.problems[0]!.problem, /^cannot ask AWS who these credentials are \(STS GetCallerIdentity\): TimeoutError/);
  assert.equal(offline.problems[0]!.next, 'check the network and AWS_REGION, then run this again');
});

test('the token: asked for in a terminal when unset; refused when it is not a bot token', async () => {
  const prompt = await terraformPreflight(ready({ env: {}, canPrompt: true }));
  assert.deepEqual(prompt.problems, []);
  assert.ok(prompt.found.includes('bot token: asked for next (or set TF_VAR_bot_token)'));
  const malformed = await terraformPreflight(ready({ env: { TF_VAR_bot_token: 'not-a-token' }, canPrompt: true }));
  assert.deepEqual(malformed.problems.map((p) => p.problem), ['TF_VAR_bot_token does not look like a bot token (digits:letters, from @BotFather)']);
  assert.ok(!JSON.stringify(malformed).includes('not-a-token'), 'the value itself is never repeated');
});
