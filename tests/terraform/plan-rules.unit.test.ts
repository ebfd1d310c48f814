// Our own Terraform rules (tests/terraform/lib/plan-rules.ts) catch what they are for. The deploy
// test evaluates them on the real plan; here each meets a small plan that breaks it.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  bucketProblems,
  documentationProblems,
  iamProblems,
  lambdaPermissionProblems,
  namingProblems,
  roleBoundaryProblems,
  roleWriteProblems,
  runtimeProblems,
  SECRET_HEADER,
  TARGET_RUNTIME,
  webhookAccessProblems,
  type PlanJson,
  type PlannedResource,
  type PolicyDocument,
} from './lib/plan-rules.ts';
import { REPO_ROOT } from './lib/terraform.ts';

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

describe('the role-write rule', () => {
  const BOUNDARY = 'arn:aws:iam::${aws:PrincipalAccount}:policy/voicebot-boundary';
  const bounded = { StringEquals: { 'iam:PermissionsBoundary': BOUNDARY } };
  const denyRemoval = { Sid: 'NeverRemoveABoundary', Effect: 'Deny', Action: 'iam:DeleteRolePermissionsBoundary', Resource: '*' };
  const doc = (...Statement: object[]) => ({ Version: '2012-10-17', Statement }) as PolicyDocument;

  test('the committed deployer policy keeps it', () => {
    const deployer = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'terraform/iam/deployer-policy.json'), 'utf8')) as PolicyDocument;
    assert.deepEqual(roleWriteProblems(deployer, 'deployer-policy.json', BOUNDARY), []);
  });

  test('accepts role writes that require the boundary, next to a deny of its removal', () => {
    assert.deepEqual(roleWriteProblems(doc({ Effect: 'Allow', Action: ['iam:CreateRole', 'iam:PutRolePolicy'], Resource: 'arn:aws:iam::*:role/voicebot*', Condition: bounded }, denyRemoval), 'p', BOUNDARY), []);
  });

  test('reports each role-writing action allowed without the boundary condition, however it is named', () => {
    for (const statement of [
      { Sid: 'Plain', Effect: 'Allow', Action: 'iam:UpdateAssumeRolePolicy', Resource: 'arn:aws:iam::*:role/voicebot*' },
      { Sid: 'Wildcard', Effect: 'Allow', Action: 'iam:Put*', Resource: 'arn:aws:iam::*:role/voicebot*' },
      { Sid: 'NotAction', Effect: 'Allow', NotAction: 's3:*', Resource: '*' },
      { Sid: 'AnyBoundary', Effect: 'Allow', Action: 'iam:CreateRole', Resource: '*', Condition: { StringLike: { 'iam:PermissionsBoundary': '*' } } },
      { Sid: 'OnlyThePolicyArn', Effect: 'Allow', Action: 'iam:AttachRolePolicy', Resource: '*', Condition: { ArnEquals: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/AdministratorAccess' } } },
    ]) {
      const problems = roleWriteProblems(doc(statement, denyRemoval), 'p', BOUNDARY);
      assert.match(problems[0] ?? '', new RegExp(`statement ${statement.Sid} allows .*without the condition`), statement.Sid);
    }
  });

  test('reports another boundary than the project\'s, an allowed removal, and a missing deny of it', () => {
    const other = { Effect: 'Allow', Action: 'iam:CreateRole', Resource: '*', Condition: { StringEquals: { 'iam:PermissionsBoundary': 'arn:aws:iam::123456789012:policy/lenient' } } };
    assert.match(roleWriteProblems(doc(other, denyRemoval), 'p', BOUNDARY).join('\n'), /requires the boundary arn:aws:iam::123456789012:policy\/lenient/);
    const removes = { Sid: 'Removes', Effect: 'Allow', Action: 'iam:DeleteRolePermissionsBoundary', Resource: '*' };
    assert.match(roleWriteProblems(doc(removes, denyRemoval), 'p').join('\n'), /statement Removes allows iam:DeleteRolePermissionsBoundary/);
    const undenied = roleWriteProblems(doc({ Effect: 'Allow', Action: 'iam:CreateRole', Resource: '*', Condition: bounded }), 'p', BOUNDARY);
    assert.deepEqual(undenied, ['p writes roles but does not deny iam:DeleteRolePermissionsBoundary on "*"']);
  });

  test('leaves a policy that writes no roles alone', () => {
    assert.deepEqual(roleWriteProblems(doc({ Effect: 'Allow', Action: ['s3:GetObject', 'iam:GetRole'], Resource: '*' }), 'p'), []);
  });
});

describe('the boundary rule', () => {
  const BOUNDARY = 'arn:aws:iam::123456789012:policy/voicebot-boundary';

  test('accepts roles with the boundary and reports a role without one or with another', () => {
    const roles = [
      resource('module.function.aws_iam_role.this', { permissions_boundary: BOUNDARY }),
      resource('module.api.aws_iam_role.cloudwatch[0]', { permissions_boundary: null }),
      resource('aws_iam_role.other', { permissions_boundary: 'arn:aws:iam::123456789012:policy/other' }),
    ];
    assert.deepEqual(roleBoundaryProblems(roles.slice(0, 1), BOUNDARY), []);
    assert.deepEqual(
      roleBoundaryProblems(roles, BOUNDARY).map((p) => p.split(' ')[0]),
      ['module.api.aws_iam_role.cloudwatch[0]', 'aws_iam_role.other'],
    );
  });
});

describe('the webhook access rule', () => {
  const WEBHOOK_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abc123/*/POST/webhook';
  const VOICE_ARN = 'arn:aws:execute-api:us-east-1:123456789012:abc123/*/GET/voice';
  const api = (overrides: { policy?: string; requestParameters?: object | null; validate?: boolean; voiceSettings?: boolean } = {}) => [
    resource('module.api.aws_api_gateway_resource.route["webhook"]', { id: 'w', path_part: 'webhook' }),
    resource('module.api.aws_api_gateway_resource.route["voice"]', { id: 'v', path_part: 'voice' }),
    resource('module.api.aws_api_gateway_method.route["webhook"]', {
      http_method: 'POST',
      resource_id: 'w',
      request_validator_id: 'val',
      request_parameters: overrides.requestParameters === undefined ? { [`method.request.header.${SECRET_HEADER}`]: true } : overrides.requestParameters,
    }),
    resource('module.api.aws_api_gateway_method.route["voice"]', { http_method: 'GET', resource_id: 'v', request_parameters: null }),
    resource('module.api.aws_api_gateway_request_validator.this', { id: 'val', validate_request_parameters: overrides.validate ?? true }),
    resource('module.api.aws_api_gateway_rest_api_policy.this', {
      policy:
        overrides.policy ??
        policy(
          { Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: [WEBHOOK_ARN, VOICE_ARN] },
          { Effect: 'Deny', Principal: '*', Action: 'execute-api:Invoke', Resource: WEBHOOK_ARN, Condition: { NotIpAddress: { 'aws:SourceIp': ['149.154.160.0/20', '91.108.4.0/22'] } } },
        ),
    }),
    resource('module.api.aws_api_gateway_method_settings.route["webhook"]', { method_path: 'webhook/POST', settings: [{ throttling_rate_limit: 10, throttling_burst_limit: 20 }] }),
    ...(overrides.voiceSettings === false ? [] : [resource('module.api.aws_api_gateway_method_settings.route["voice"]', { method_path: 'voice/GET', settings: [{ throttling_rate_limit: 5, throttling_burst_limit: 10 }] })]),
  ];

  test('accepts the webhook denied outside the source ranges, the header required, a throttle per route', () => {
    assert.deepEqual(webhookAccessProblems(api()), []);
  });

  test('reports an open webhook, a closed voice route, a missing header check and a shared throttle', () => {
    const cases: [string, ReturnType<typeof api>, RegExp][] = [
      ['no deny', api({ policy: policy({ Effect: 'Allow', Principal: '*', Action: 'execute-api:Invoke', Resource: [WEBHOOK_ARN, VOICE_ARN] }) }), /no resource policy denies POST \/webhook/],
      ['voice denied', api({ policy: policy({ Effect: 'Deny', Principal: '*', Action: 'execute-api:Invoke', Resource: [WEBHOOK_ARN, VOICE_ARN], Condition: { NotIpAddress: { 'aws:SourceIp': ['149.154.160.0/20'] } } }) }), /denies GET \/voice/],
      ['no header', api({ requestParameters: null }), /require the X-Telegram-Bot-Api-Secret-Token header/],
      ['validator off', api({ validate: false }), /require the X-Telegram-Bot-Api-Secret-Token header/],
      ['one throttle', api({ voiceSettings: false }), /GET \/voice has no throttle of its own/],
    ];
    for (const [name, resources, expected] of cases) {
      const problems = webhookAccessProblems(resources);
      assert.equal(problems.length, 1, `${name}: ${problems.join('\n')}`);
      assert.match(problems[0]!, expected, name);
    }
  });
});

describe('the runtime rule', () => {
  const plan = (runtime: string): PlanJson => ({
    planned_values: { root_module: {} },
    configuration: { root_module: { module_calls: { function: { module: { variables: { runtime: { default: runtime } } } } } } },
  });
  const fn = (runtime: string) => [resource('module.function.aws_lambda_function.this', { runtime })];

  test('accepts the committed runtime, and a named override in a test copy', () => {
    assert.deepEqual(runtimeProblems(plan(TARGET_RUNTIME), fn(TARGET_RUNTIME)), []);
    assert.deepEqual(runtimeProblems(plan(TARGET_RUNTIME), fn('nodejs22.x'), 'nodejs22.x'), []);
  });

  test('reports an older committed runtime even when the test copy overrides it, and an unexplained planned one', () => {
    assert.match(runtimeProblems(plan('nodejs22.x'), fn('nodejs22.x'), 'nodejs22.x').join('\n'), /runtime defaults to "nodejs22.x", not nodejs24.x/);
    assert.match(runtimeProblems(plan(TARGET_RUNTIME), fn('nodejs22.x')).join('\n'), /runs nodejs22.x, not nodejs24.x/);
  });
});
