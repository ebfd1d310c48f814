// `make test`'s reporter: a suite that cannot run counts as skipped and is named, with its reason,
// in the run's last line.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { notRunLine } from './not-run-reporter.mjs';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
const REPORTER = './tests/support/not-run-reporter.mjs';

/** `node --test` with the reporter, as `make test` runs it; `env` replaces the environment (PATH included). */
async function runTests(file: string, env: Record<string, string>): Promise<string> {
  const args = ['--import', 'tsx', '--test', `--test-reporter=${REPORTER}`, '--test-reporter-destination=stdout', file];
  const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: REPO_ROOT, env: { ...env, NO_COLOR: '1' } });
  return stdout;
}

const lastLine = (output: string) => output.trimEnd().split('\n').at(-1);

test('the last line names each skipped test under its reason, in run order', () => {
  const line = notRunLine([
    { name: 'Terraform checks', reason: 'terraform is not on PATH' },
    { name: 'browser tests', reason: 'no Chromium' },
    { name: 'deploy test', reason: 'terraform is not on PATH' },
  ]);
  assert.equal(line, 'NOT RUN: Terraform checks, deploy test — terraform is not on PATH; browser tests — no Chromium');
  assert.equal(notRunLine([]), 'NOT RUN: nothing; every test ran.');
});

test('a suite that cannot run counts as skipped and is named in the last line; one that can runs', async () => {
  const output = await runTests('tests/support/fixtures/one-suite-missing.test.ts', { PATH: process.env.PATH!, FIXTURE_MISSING: 'moto is not installed' });
  assert.match(output, /skipped 1\n/);
  assert.match(output, /pass 1\n/);
  assert.equal(lastLine(output), 'NOT RUN: deploy test — moto is not installed');

  const all = await runTests('tests/support/fixtures/one-suite-missing.test.ts', { PATH: process.env.PATH! });
  assert.match(all, /skipped 0\n/);
  assert.equal(lastLine(all), 'NOT RUN: nothing; every test ran.');
});

test('without terraform on PATH the Terraform checks are reported as not run, and why', async () => {
  const empty = await mkdtemp(path.join(os.tmpdir(), 'no-terraform-'));
  try {
    const output = await runTests('tests/terraform/checks.test.ts', { PATH: empty, HOME: os.homedir() });
    assert.match(output, /skipped 1\n/);
    assert.match(output, /fail 0\n/);
    assert.equal(lastLine(output), 'NOT RUN: Terraform checks — terraform is not on PATH (install Terraform >= 1.11)');
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
});
