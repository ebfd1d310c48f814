/**
 * Runs the real Terraform CLI on a temporary copy of terraform/.
 *
 * Offline (this image and CI) the copy is initialised from the local provider mirror, which holds
 * only hashicorp/aws 5.100.0; `*_override.tf` files in the copy relax the committed `~> 6.25` to
 * `>= 5.100` for it, and replace what 5.100 cannot take (MIRROR_GAP_RUNTIME). With no mirror,
 * `init` downloads the committed constraints from the registry and nothing is relaxed. The
 * repository's own terraform/ is never written to.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
export const TERRAFORM_DIR = path.join(REPO_ROOT, 'terraform');
export const MODULES = ['api', 'bucket', 'function', 'monitoring', 'queue', 'secret', 'webhook'] as const;

/** Set by .ci/run: a missing tool fails the tests instead of skipping them. */
export const TOOLS_REQUIRED = process.env.VOICEBOT_REQUIRE_DEPLOY_TEST === '1';

const PROGRESS = process.env.VOICEBOT_TF_PROGRESS === '1';
const PROGRESS_LINE = /complete after|Still (creating|destroying|modifying)|Provisioning with|Plan:|Apply complete|Destroy complete/;
const MIRROR_CANDIDATES = [process.env.TF_PLUGIN_MIRROR, '/opt/tf-plugins', path.join(os.homedir(), '.terraform.d/plugins')];

/** The terraform binary's version, or undefined when it is not on PATH. */
export function terraformVersion(): string | undefined {
  const r = spawnSync('terraform', ['version', '-json'], { encoding: 'utf8', env: { ...process.env, TF_CLI_CONFIG_FILE: os.devNull } });
  if (r.status !== 0) return undefined;
  return (JSON.parse(r.stdout) as { terraform_version: string }).terraform_version;
}

/** A folder holding registry.terraform.io/hashicorp/aws/<version>/..., or undefined. */
export function providerMirror(): string | undefined {
  return MIRROR_CANDIDATES.find((dir) => dir && fs.existsSync(path.join(dir, 'registry.terraform.io/hashicorp/aws')));
}

/** Why the Terraform tests cannot run here, or undefined when they can. */
export function missingTerraform(): string | undefined {
  return terraformVersion() ? undefined : 'terraform is not on PATH (install Terraform >= 1.11)';
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export class TerraformError extends Error {
  override name = 'TerraformError';
}

export interface Workspace {
  /** The copy of terraform/ that commands run in. */
  dir: string;
  /** Whether the copy was relaxed for, and initialised from, the provider mirror. */
  mirror: string | undefined;
  /** The Lambda runtime the copy's function runs instead of the committed one (MIRROR_GAP_RUNTIME), if any. */
  runtimeOverride: string | undefined;
  /** Runs `terraform -chdir=<dir or a module of it> ...args`. */
  run(args: string[], options?: { cwd?: string; env?: Record<string, string>; timeoutMs?: number }): Promise<RunResult>;
  /** Like run, but throws with Terraform's output when the exit code is not one of `ok` (default [0]). */
  must(args: string[], options?: { cwd?: string; env?: Record<string, string>; timeoutMs?: number; ok?: number[] }): Promise<RunResult>;
  remove(): void;
}

const VERSIONS_OVERRIDE = `# Written by the tests into a temporary copy: the offline provider mirror holds only aws 5.100.0.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100"
    }
  }
}
`;

/**
 * MIRROR_GAP_RUNTIME: the mirror's aws provider 5.100 predates nodejs24.x (its runtime list ends at
 * nodejs22.x; 6.21.0 is the first release that accepts nodejs24.x), so validate, test and plan
 * with it refuse the committed runtime. The copy's function runs this one instead; the plan rules
 * still check the committed value (runtimeProblems in plan-rules.ts).
 */
export const MIRROR_GAP_RUNTIME = 'nodejs22.x';

const RUNTIME_OVERRIDE = `# Written by the tests into a temporary copy (MIRROR_GAP_RUNTIME): aws provider 5.100 refuses nodejs24.x.
resource "aws_lambda_function" "this" {
  runtime = "${MIRROR_GAP_RUNTIME}"
}
`;

/**
 * Copies terraform/ (without state, plans, .terraform or tfvars) to a temporary folder that also
 * links the repository's dist/, scripts/ and node_modules/ where the root module expects them
 * (`${path.root}/..`). `overrides` are extra files, path → content, relative to the copy.
 */
export function createWorkspace(overrides: Record<string, string> = {}): Workspace {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'voicebot-tf-'));
  const dir = path.join(base, 'terraform');
  fs.cpSync(TERRAFORM_DIR, dir, {
    recursive: true,
    filter: (src) => !/(^|\/)(\.terraform|build|terraform\.tfstate[^/]*|[^/]*\.tfvars|[^/]*\.tfplan)$/.test(path.relative(TERRAFORM_DIR, src)),
  });
  for (const link of ['dist', 'scripts', 'node_modules']) fs.symlinkSync(path.join(REPO_ROOT, link), path.join(base, link));

  const mirror = providerMirror();
  if (mirror) {
    fs.writeFileSync(path.join(dir, 'versions_override.tf'), VERSIONS_OVERRIDE);
    for (const m of MODULES) {
      if (fs.readFileSync(path.join(dir, 'modules', m, 'versions.tf'), 'utf8').includes('hashicorp/aws'))
        fs.writeFileSync(path.join(dir, 'modules', m, 'versions_override.tf'), VERSIONS_OVERRIDE);
    }
    fs.writeFileSync(path.join(dir, 'modules/function/mirror_gap_runtime_override.tf'), RUNTIME_OVERRIDE);
  }
  for (const [file, content] of Object.entries(overrides)) fs.writeFileSync(path.join(dir, file), content);

  // An empty CLI configuration: nothing from the developer's ~/.terraformrc changes what runs.
  const cliConfig = path.join(base, 'terraformrc');
  fs.writeFileSync(cliConfig, '');

  const run: Workspace['run'] = (args, { cwd = dir, env = {}, timeoutMs = 240_000 } = {}) =>
    new Promise((resolve, reject) => {
      const child = spawn('terraform', [`-chdir=${cwd}`, ...args], {
        env: {
          ...process.env,
          TF_CLI_CONFIG_FILE: cliConfig,
          TF_IN_AUTOMATION: '1',
          TF_INPUT: '0',
          CHECKPOINT_DISABLE: '1',
          NO_COLOR: '1',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      const started = Date.now();
      child.stdout.on('data', (d: Buffer) => {
        stdout += d;
        // Long applies show their progress (VOICEBOT_TF_PROGRESS=1), as Terraform does on a terminal.
        if (PROGRESS) for (const line of String(d).split('\n').filter((l) => PROGRESS_LINE.test(l))) process.stderr.write(`[terraform ${args[0]} +${((Date.now() - started) / 1000).toFixed(1)}s] ${line.trim()}\n`);
      });
      child.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });

  const must: Workspace['must'] = async (args, options = {}) => {
    const result = await run(args, options);
    if (!(options.ok ?? [0]).includes(result.code ?? -1))
      throw new TerraformError(`terraform ${args.join(' ')} exited ${result.code}\n${result.stdout.slice(-6000)}\n${result.stderr.slice(-6000)}`);
    return result;
  };

  return { dir, mirror, runtimeOverride: mirror ? MIRROR_GAP_RUNTIME : undefined, run, must, remove: () => fs.rmSync(base, { recursive: true, force: true }) };
}

/** `terraform init` of the copy's root or one of its modules: from the mirror when there is one. */
export function initArgs(workspace: Workspace): string[] {
  return ['init', '-input=false', '-no-color', ...(workspace.mirror ? [`-plugin-dir=${workspace.mirror}`] : [])];
}
