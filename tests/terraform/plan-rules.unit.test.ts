// Our own Terraform rules (tests/terraform/lib/plan-rules.ts) catch what they are for. The deploy
// test evaluates them on the real plan; here each meets a small plan that breaks it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketProblems, documentationProblems, iamProblems, lambdaPermissionProblems, namingProblems, type PlanJson, type PlannedResource } from './lib/plan-rules.ts';

const resource = (address: string, values: Record<string, unknown>): PlannedResource => {
  const [type = '', name = ''] = address.split('.').slice(-2);
  return { address, type, name, values };
};
const policy = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });

describe('the IAM rule', () => {
  test('accepts named actions on named resources, and SynthesizeSpeech on "*"', () => {
    const ok = resource('module.function.aws_iam_role_policy.this', {
      policy: policy({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::b/*' }, { Effect: 'Allow', Action: 'polly:SynthesizeSpeech', Resource: '*' }),
    });
    assert.deepEqual(iamProblems([ok]), []);
  });

  test('reports wildcard actions and other actions on "*"', () => {
    const bad = resource('aws_iam_role_policy.bad', {
      policy: policy({ Effect: 'Allow', Action: ['s3:*'], Resource: 'arn:aws:s3:::b/*' }, { Effect: 'Allow', Action: '*', Resource: 'x' }, { Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }),
    });
    const problems = iamProblems([bad]);
    assert.equal(problems.length, 3, problems.join('\n'));
    assert.match(problems.join('\n'), /wildcard action "s3:\*"/);
    assert.match(problems.join('\n'), /s3:PutObject on Resource "\*"/);
  });

  test('lets a Deny name every action', () => {
    assert.deepEqual(iamProblems([resource('aws_iam_policy.deny', { policy: policy({ Effect: 'Deny', Action: '*', Resource: '*' }) })]), []);
  });
});

describe('the bucket rule', () => {
  const secureBucket = (lifecycleRules: object[]) => [
    resource('module.bucket.aws_s3_bucket.this', {}),
    resource('module.bucket.aws_s3_bucket_public_access_block.this', { block_public_acls: true, block_public_policy: true, ignore_public_acls: true, restrict_public_buckets: true }),
    resource('module.bucket.aws_s3_bucket_ownership_controls.this', { rule: [{ object_ownership: 'BucketOwnerEnforced' }] }),
    resource('module.bucket.aws_s3_bucket_server_side_encryption_configuration.this', {}),
    resource('module.bucket.aws_s3_bucket_policy.this', { policy: policy({ Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }) }),
    resource('module.bucket.aws_s3_bucket_lifecycle_configuration.this', { rule: lifecycleRules }),
  ];
  const abort = { filter: [{}], abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }] };

  test('accepts a private, encrypted, TLS-only bucket that expires audio/ only', () => {
    assert.deepEqual(bucketProblems(secureBucket([{ filter: [{ prefix: 'audio/' }], expiration: [{ days: 1 }] }, abort])), []);
  });

  test('reports a rule that expires settings/, directly or through a shorter prefix or the whole bucket', () => {
    for (const prefix of ['settings/', 'set', '']) {
      const problems = bucketProblems(secureBucket([{ filter: [{ prefix }], expiration: [{ days: 1 }] }, abort]));
      assert.ok(problems.some((p) => p.includes('expires settings/')), `prefix "${prefix}": ${problems.join('\n')}`);
    }
  });

  test('reports a bucket missing its public access block, ownership, encryption, TLS policy or lifecycle', () => {
    const problems = bucketProblems([resource('aws_s3_bucket.bare', {})]);
    for (const what of ['public access block', 'BucketOwnerEnforced', 'encryption', 'without TLS', 'never expires', 'incomplete multipart'])
      assert.ok(problems.some((p) => p.includes(what)), `${what} not reported:\n${problems.join('\n')}`);
  });
});

describe('the Lambda permission rule', () => {
  const permission = (source_arn: string) => resource('module.api.aws_lambda_permission.api', { principal: 'apigateway.amazonaws.com', source_arn });

  test('accepts one stage, one method, one path', () => {
    assert.deepEqual(lambdaPermissionProblems([permission('arn:aws:execute-api:us-east-1:123456789012:abc123/live/POST/webhook')]), []);
  });

  test('reports any stage, any method or any path', () => {
    for (const arn of ['arn:aws:execute-api:us-east-1:123456789012:abc123/*/POST/webhook', 'arn:aws:execute-api:us-east-1:123456789012:abc123/live/*/webhook', 'arn:aws:execute-api:us-east-1:123456789012:abc123/live/POST/*'])
      assert.equal(lambdaPermissionProblems([permission(arn)]).length, 1, arn);
  });
});

describe('the conventions', () => {
  const plan = (module: PlanJson['configuration']['root_module']): PlanJson => ({ planned_values: { root_module: {} }, configuration: { root_module: module } });

  test('every variable and output, in modules too, needs a description', () => {
    const problems = documentationProblems(plan({ variables: { a: { description: 'A.' } }, module_calls: { m: { module: { variables: { b: {} }, outputs: { c: { description: ' ' } } } } } }));
    assert.deepEqual(problems, ['module.m: variable "b" has no description', 'module.m: output "c" has no description']);
  });

  test("a module's main resource is named this", () => {
    const config = plan({ module_calls: { bucket: { module: { resources: [{ address: 'aws_s3_bucket.audio', mode: 'managed', type: 'aws_s3_bucket', name: 'audio' }] } } } });
    assert.deepEqual(namingProblems(config, { bucket: 'aws_s3_bucket' }), ['module.bucket has no aws_s3_bucket.this']);
  });
});
