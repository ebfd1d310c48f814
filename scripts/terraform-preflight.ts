/**
 * `make plan` and `make apply` run this before they build anything: what Terraform would otherwise
 * stumble on after a long preamble, checked at once, each problem with the command that fixes it.
 *
 *   node --import tsx scripts/terraform-preflight.ts    (TF=<terraform binary>, default terraform)
 *
 * Checks: terraform >= the root module's required_version; terraform/ initialised for every module
 * it calls; every variable without a default set in a tfvars file or TF_VAR_<name>; AWS credentials
 * that STS accepts (GetCallerIdentity, as the AWS provider itself checks them); the bot token given
 * in TF_VAR_bot_token and well-formed, or a terminal to ask for it. Exit 1 when anything is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { BOT_TOKEN } from '../function/src/config.ts';

type Env = Record<string, string | undefined>;

export interface Problem {
  problem: string;
  /** The command to run next (or the step to take, where no single command can know the value). */
  next: string;
}

/** What the checks look at: the directory and environment, plus answers from outside, given by the caller. */
export interface PreflightFacts {
  /** The Terraform root module (terraform/), and how to name it in messages. */
  dir: string;
  shownDir: string;
  env: Env;
  /** `terraform version`'s number, or undefined when there is no terraform to run. */
  terraformVersion: string | undefined;
  /** STS GetCallerIdentity in `region`: the caller's ARN, or the SDK's error. */
  callerIdentity(region: string): Promise<string>;
  /** Whether `make` can prompt for the token (stdin is a terminal). */
  canPrompt: boolean;
}

export interface PreflightResult {
  problems: Problem[];
  /** What was found, for the one line said when all is well. */
  found: string[];
}

/** Every check; the list of problems is empty when Terraform can be run. */
export async function terraformPreflight(facts: PreflightFacts): Promise<PreflightResult> {
  const found: string[] = [];
  const problems: Problem[] = [];
  const add = (result: Problem | string | undefined) => {
    if (typeof result === 'string') found.push(result);
    else if (result) problems.push(result);
  };
  const variables = rootVariables(facts);
  const aws = checkAws(facts, variables.region);
  add(checkTerraform(facts));
  add(checkInitialised(facts));
  for (const result of variables.results) add(result);
  add(await aws);
  add(checkToken(facts));
  return { problems, found };
}

function checkTerraform({ dir, terraformVersion }: PreflightFacts): Problem | string {
  const required = /required_version\s*=\s*">=\s*([\d.]+)"/.exec(readFileSync(path.join(dir, 'versions.tf'), 'utf8'))?.[1] ?? '0';
  const install = `install Terraform >= ${required}: https://developer.hashicorp.com/terraform/install (or put it on PATH, or give its path as TF=...)`;
  if (!terraformVersion) return { problem: 'terraform is not installed (not on PATH)', next: install };
  if (compareVersions(terraformVersion, required) < 0) return { problem: `terraform ${terraformVersion} is too old: the root module needs >= ${required}`, next: install };
  return `terraform ${terraformVersion}`;
}

/** The root's module calls against what `terraform init` installed (.terraform/modules/modules.json) and the providers it fetched. */
function checkInitialised({ dir, shownDir }: PreflightFacts): Problem | string {
  const calls = rootFiles(dir).flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/^module\s+"([^"]+)"/gm)].map((m) => m[1]!));
  const manifest = path.join(dir, '.terraform/modules/modules.json');
  const installed = existsSync(manifest) ? (JSON.parse(readFileSync(manifest, 'utf8')) as { Modules: { Key: string }[] }).Modules.map((m) => m.Key) : undefined;
  const hasProviders = existsSync(path.join(dir, '.terraform/providers'));
  if (!installed || !hasProviders) return { problem: `${shownDir}/ is not initialised (no modules or providers installed)`, next: 'make init' };
  const missing = calls.filter((call) => !installed.includes(call));
  if (missing.length) return { problem: `${shownDir}/ calls modules that \`terraform init\` has not installed: ${missing.join(', ')}`, next: 'make init' };
  return `${shownDir}/ initialised`;
}

/** Variables without a default must come from terraform.tfvars, *.auto.tfvars, their .json forms, or TF_VAR_<name>. */
function rootVariables({ dir, shownDir, env }: PreflightFacts): { results: (Problem | string)[]; region: string | undefined } {
  const required: string[] = [];
  for (const file of rootFiles(dir)) {
    for (const block of readFileSync(file, 'utf8').split(/^(?=variable\s+")/m)) {
      const name = /^variable\s+"([^"]+)"/.exec(block)?.[1];
      if (name && !/^\s*default\s*=/m.test(block)) required.push(name);
    }
  }
  const tfvarsFiles = readdirSync(dir)
    .filter((file) => /^(terraform\.tfvars|.*\.auto\.tfvars)(\.json)?$/.test(file))
    .map((file) => path.join(dir, file));
  const valueIn = (name: string) => {
    for (const file of tfvarsFiles) {
      const text = readFileSync(file, 'utf8');
      if (file.endsWith('.json')) {
        const value = (JSON.parse(text) as Record<string, unknown>)[name];
        if (value !== undefined) return { file, value: String(value) };
      } else {
        const match = new RegExp(`^\\s*${name}\\s*=\\s*(.*)$`, 'm').exec(text);
        if (match) return { file, value: match[1]!.replace(/^"(.*)"\s*(#.*)?$/, '$1').trim() };
      }
    }
    return undefined;
  };
  const example = existsSync(path.join(dir, 'terraform.tfvars.example')) ? readFileSync(path.join(dir, 'terraform.tfvars.example'), 'utf8') : '';
  const tfvars = `${shownDir}/terraform.tfvars`;
  let region: string | undefined;
  const results = required.map((name): Problem | string => {
    const fromEnv = env[`TF_VAR_${name}`];
    const fromFile = valueIn(name);
    if (name === 'region') region = fromEnv ?? fromFile?.value;
    if (fromEnv !== undefined) return `${name} from TF_VAR_${name}`;
    if (fromFile) return `${name} = ${fromFile.value} (${path.basename(fromFile.file)})`;
    const line = new RegExp(`^${name}\\s*=.*$`, 'm').exec(example)?.[0] ?? `${name} = ...`;
    if (tfvarsFiles.length === 0 && example)
      return { problem: `${name} is not set: there is no ${tfvars} and no TF_VAR_${name}`, next: `cp ${shownDir}/terraform.tfvars.example ${tfvars}   (then check the values in it)` };
    return { problem: `${name} is not set in ${tfvarsFiles.map((file) => path.basename(file)).join(', ') || tfvars}, nor as TF_VAR_${name}`, next: `echo '${line}' >> ${tfvars}   (with your value)` };
  });
  return { results, region };
}

/** STS's answers to credentials that exist but do not work (expired, revoked, mistyped). */
const REFUSED_CREDENTIALS = new Set(['ExpiredToken', 'ExpiredTokenException', 'InvalidClientTokenId', 'SignatureDoesNotMatch', 'UnrecognizedClientException', 'AccessDenied']);

async function checkAws({ env, callerIdentity }: PreflightFacts, region: string | undefined): Promise<Problem | string> {
  const profile = env.AWS_PROFILE;
  try {
    return `AWS: ${await callerIdentity(region ?? env.AWS_REGION ?? 'us-east-1')}`;
  } catch (error) {
    const { name, message } = error as Error;
    const login = profile ? `aws sso login --profile ${profile}   (or aws configure --profile ${profile} for access keys)` : 'aws configure   (access keys), or: aws sso login --profile <name> && export AWS_PROFILE=<name>';
    if (name === 'CredentialsProviderError' || name === 'TokenProviderError') return { problem: `no usable AWS credentials${profile ? ` for AWS_PROFILE=${profile}` : ''}: ${message}`, next: login };
    if (REFUSED_CREDENTIALS.has(name)) return { problem: `AWS refused these credentials: ${name}: ${message}`, next: login };
    return { problem: `cannot ask AWS who these credentials are (STS GetCallerIdentity): ${name}: ${message}`, next: 'check the network and AWS_REGION, then run this again' };
  }
}

/** Terraform needs the token on every plan and apply (an ephemeral variable); make prompts only in a terminal. */
function checkToken({ env, canPrompt }: PreflightFacts): Problem | string {
  const token = env.TF_VAR_bot_token;
  if (token === undefined || token === '') {
    if (canPrompt) return 'bot token: asked for next (or set TF_VAR_bot_token)';
    return { problem: 'the bot token is not in TF_VAR_bot_token, and there is no terminal to ask for it', next: 'read -rs TF_VAR_bot_token && export TF_VAR_bot_token   (paste the token from @BotFather; it stays out of your shell history)' };
  }
  if (!BOT_TOKEN.test(token.trim())) return { problem: 'TF_VAR_bot_token does not look like a bot token (digits:letters, from @BotFather)', next: 'read -rs TF_VAR_bot_token && export TF_VAR_bot_token   (paste the token again)' };
  return 'bot token from TF_VAR_bot_token';
}

/** The root module's own .tf files (not overrides' tests or modules). */
function rootFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.tf'))
    .map((file) => path.join(dir, file));
}

function compareVersions(a: string, b: string): number {
  const [x, y] = [a, b].map((v) => v.split(/[.-]/).map((part) => Number.parseInt(part, 10) || 0));
  for (let i = 0; i < Math.max(x!.length, y!.length); i++) {
    const diff = (x![i] ?? 0) - (y![i] ?? 0);
    if (diff) return diff;
  }
  return 0;
}

/** The outside answers, for real: the terraform binary and STS. */
function terraformVersionOf(binary: string): string | undefined {
  const run = spawnSync(binary, ['version', '-json'], { encoding: 'utf8' });
  if (run.status !== 0) return undefined;
  return (JSON.parse(run.stdout) as { terraform_version: string }).terraform_version;
}

async function stsCallerIdentity(region: string): Promise<string> {
  const sts = new STSClient({ region, maxAttempts: 2 });
  try {
    const { Account, Arn } = await sts.send(new GetCallerIdentityCommand({}), { abortSignal: AbortSignal.timeout(15_000) });
    return `account ${Account} as ${Arn}`;
  } finally {
    sts.destroy();
  }
}

if (process.argv[1] === import.meta.filename) {
  const target = process.argv[2] ?? 'make plan';
  const { problems, found } = await terraformPreflight({
    dir: path.resolve(import.meta.dirname, '../terraform'),
    shownDir: 'terraform',
    env: process.env,
    terraformVersion: terraformVersionOf(process.env.TF || 'terraform'),
    callerIdentity: stsCallerIdentity,
    canPrompt: Boolean(process.stdin.isTTY),
  });
  if (problems.length === 0) {
    process.stderr.write(`${target}: ready (${found.join('; ')})\n`);
  } else {
    const count = problems.length === 1 ? '1 thing' : `${problems.length} things`;
    process.stderr.write(`${target} cannot start: ${count} to fix first:\n${problems.map(({ problem, next }) => `  ✗ ${problem}\n      ${next}\n`).join('')}`);
    process.exitCode = 1;
  }
}
