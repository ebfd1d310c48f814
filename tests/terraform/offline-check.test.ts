import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { checkTree, loadSchema } from './lib/tfcheck.ts';
import { fileURLToPath as toPath } from 'node:url';

// Paths below are relative to the repository root, wherever the runner was started.
process.chdir(toPath(new URL('../..', import.meta.url)));

const FIXTURES = 'tests/fixtures/terraform';
const problemsOf = async (dir: string) => (await checkTree(dir)).problems;

describe('the offline Terraform checker', () => {
  test('finds no problems in the terraform/ tree', async () => {
    const { problems, counts } = await checkTree('terraform');
    assert.deepEqual(problems, []);
    // The root plus the five modules, each with its resources, were really looked at.
    assert.equal(counts.modules, 6);
    assert.ok(counts.blocks >= 25, `only ${counts.blocks} blocks checked`);
    assert.equal(counts.moduleCalls, 5);
  });

  test('uses the committed, trimmed AWS 6.25 schema', () => {
    const schema = loadSchema();
    assert.equal(schema.providers.aws, '6.25.0');
    assert.equal(schema.resource.aws_lambda_function?.a.function_name, 1);
    assert.ok(Object.keys(schema.resource).length < 60, 'schema should be trimmed to the types the project uses');
  });

  test('reports a misspelled argument and a misspelled block', async () => {
    const problems = await problemsOf(`${FIXTURES}/misspelled-argument`);
    assert.ok(problems.some((p) => p.includes('aws_s3_bucket.this') && p.includes('"bucket_prefx"')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('aws_lambda_function.this') && p.includes('"enviroment"')), problems.join('\n'));
  });

  test('reports a missing required argument and a missing required block', async () => {
    const problems = await problemsOf(`${FIXTURES}/missing-required`);
    assert.ok(problems.some((p) => p.includes('aws_lambda_permission.this: missing required argument "principal"')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('aws_api_gateway_method_settings.this: missing required block "settings"')), problems.join('\n'));
  });

  test('reports an unknown module input, a required input not given and a missing module output', async () => {
    const problems = await problemsOf(`${FIXTURES}/bad-module-input`);
    assert.ok(problems.some((p) => p.includes('module has no variable "nmae"')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('required variable "name" not given')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('module.child has no output "greting"')), problems.join('\n'));
  });

  test('reports references to undeclared variables, locals, resources and data sources', async () => {
    const problems = await problemsOf(`${FIXTURES}/undeclared-references`);
    for (const ref of ['var.not_declared', 'local.not_declared', 'aws_s3_bucket.missing', 'data.aws_partition.missing'])
      assert.ok(problems.some((p) => p.endsWith(`undeclared ${ref}`) || p.endsWith(`undeclared variable ${ref}`)), `${ref} not reported:\n${problems.join('\n')}`);
    assert.ok(!problems.some((p) => p.includes('local.known')), 'a declared local was reported');
  });

  test('reports variables without description or type and outputs without description', async () => {
    const problems = await problemsOf(`${FIXTURES}/undocumented`);
    assert.deepEqual(problems.sort(), [
      'main.tf: output "bare": has no description',
      'main.tf: variable "bare": has no description',
      'main.tf: variable "bare": has no type',
    ]);
  });

  test('reports a file that does not parse instead of skipping it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfcheck-'));
    try {
      fs.writeFileSync(path.join(dir, 'main.tf'), 'resource "aws_s3_bucket" "this" {\n  bucket_prefix = \n');
      const problems = await problemsOf(dir);
      assert.equal(problems.length, 1);
      assert.match(problems[0]!, /^main\.tf: /);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
