import path from 'node:path';
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Module } from './lib/hcl.ts';
import { checkTree } from './lib/tfcheck.ts';
import { bucketProblems, iamProblems, lambdaPermissionProblems, nested, secretFlowProblems } from './lib/security.ts';
import { fileURLToPath as toPath } from 'node:url';

// Paths below are relative to the repository root, wherever the runner was started.
process.chdir(toPath(new URL('../..', import.meta.url)));

const INSECURE = 'tests/fixtures/terraform/insecure';
let tree: Map<string, Module>;
let insecure: Map<string, Module>;
const mod = (name: string) => tree.get(path.resolve('terraform/modules', name))!;
const block = (m: Module, kind: string, type: string, name = 'this') => m.blocks.find((b) => b.kind === kind && b.type === type && b.name === name)!;

before(async () => {
  tree = (await checkTree('terraform')).modules;
  insecure = (await checkTree(INSECURE)).modules;
});

describe('the audio bucket', () => {
  test('has a full public access block, BucketOwnerEnforced, encryption, a TLS-only policy and a lifecycle, all wired to it', () => {
    assert.deepEqual(bucketProblems(tree), []);
    assert.equal(mod('bucket').blocks.filter((b) => b.type === 'aws_s3_bucket').length, 1);
  });

  test('rule catches a bucket missing any of them', () => {
    const problems = bucketProblems(insecure);
    for (const what of ['public access block', 'BucketOwnerEnforced', 'encryption', 'without TLS', 'expires objects', 'incomplete multipart'])
      assert.ok(problems.some((p) => p.includes(what)), `${what} not reported:\n${problems.join('\n')}`);
  });

  test('expires audio/ and updates/ but never settings/', () => {
    const v = mod('bucket').variables.expiring_prefixes!.body;
    assert.deepEqual(v.default, ['audio/', 'updates/']);
    assert.match(JSON.stringify(v.validation), /settings\//);
    const rules = nested(block(mod('bucket'), 'resource', 'aws_s3_bucket_lifecycle_configuration').body, 'rule');
    const abort = rules.find((r) => JSON.stringify(r).includes('abort_incomplete_multipart_upload'))!;
    assert.deepEqual(abort.filter, [{}], 'abort rule should cover the whole bucket');
    assert.ok(!JSON.stringify(abort).includes('expiration'), 'the bucket-wide rule must not expire objects');
  });
});

describe('IAM', () => {
  test('no statement has a "*" action, and Resource "*" is granted only for polly:SynthesizeSpeech', () => {
    assert.deepEqual(iamProblems(tree), []);
  });

  test('rule catches wildcard actions, wildcard resources and hand-written policy JSON', () => {
    const problems = iamProblems(insecure);
    assert.ok(problems.some((p) => p.includes('action "*"')));
    assert.ok(problems.some((p) => p.includes('allows a wildcard action')));
    assert.ok(problems.some((p) => p.includes('on Resource "*"')));
    assert.ok(problems.some((p) => p.includes('aws_iam_role_policy.inline')));
  });

  test('the function role gets exactly the actions of the contract', () => {
    const doc = block(mod('function'), 'data', 'aws_iam_policy_document');
    const actions = nested(doc.body, 'statement').flatMap((s) => s.actions as string[]).sort();
    assert.deepEqual(actions, [
      'kms:Decrypt', 'kms:GenerateDataKey', 'logs:CreateLogStream', 'logs:PutLogEvents', 'polly:SynthesizeSpeech',
      's3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject', 'secretsmanager:GetSecretValue',
    ]);
    const s3 = nested(doc.body, 'statement').find((s) => s.sid === 'AudioObjects')!;
    assert.deepEqual(s3.resources, ['${var.bucket_arn}/*']);
    const list = nested(doc.body, 'statement').find((s) => s.sid === 'ListBucket')!;
    assert.deepEqual(list.resources, ['${var.bucket_arn}'], 'listing is granted on this bucket only');
  });
});

describe('the Lambda invoke permission', () => {
  test('is scoped to this API stage, POST and the webhook path', () => {
    assert.deepEqual(lambdaPermissionProblems(tree), []);
    const perm = block(mod('api'), 'resource', 'aws_lambda_permission', 'api');
    assert.equal(perm.body.source_arn, '${aws_api_gateway_stage.this.execution_arn}/${aws_api_gateway_method.post.http_method}${aws_api_gateway_resource.webhook.path}');
  });

  test('rule catches a permission open to any stage, method and path', () => {
    const problems = lambdaPermissionProblems(insecure);
    assert.ok(problems.some((p) => p.includes('wildcard')));
    assert.ok(problems.some((p) => p.includes('POST')));
  });
});

describe('secrets', () => {
  test('no sensitive or ephemeral value reaches an output, a trigger, a command or a stored argument', () => {
    assert.deepEqual(secretFlowProblems(tree, 'terraform'), []);
  });

  test('rule catches a secret in an output (also through a module), a trigger and a state-stored argument', () => {
    const problems = secretFlowProblems(insecure, INSECURE);
    assert.ok(problems.some((p) => p.includes('output "token_again"')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('leaky') && p.includes('output "echo"')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('triggers_replace')), problems.join('\n'));
    assert.ok(problems.some((p) => p.includes('secret_string:')), problems.join('\n'));
  });

  test('the bot token is sensitive, ephemeral and written only through secret_string_wo', () => {
    const root = tree.get(path.resolve('terraform'))!;
    assert.equal(root.variables.bot_token!.body.sensitive, true);
    assert.equal(root.variables.bot_token!.body.ephemeral, true);
    const version = block(mod('secret'), 'resource', 'aws_secretsmanager_secret_version');
    assert.ok(!('secret_string' in version.body), 'secret_string would store the token in state');
    assert.match(String(version.body.secret_string_wo), /var\.bot_token/);
    assert.equal(version.body.secret_string_wo_version, '${var.secret_version}');
  });

  test('the secret is named from a prefix with a configurable recovery window', () => {
    const secret = block(mod('secret'), 'resource', 'aws_secretsmanager_secret');
    assert.ok('name_prefix' in secret.body && !('name' in secret.body));
    assert.equal(secret.body.recovery_window_in_days, '${var.recovery_window_in_days}');
  });
});
