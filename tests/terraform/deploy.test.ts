// The deploy path for real: the root module applied by Terraform against moto (a local AWS, over
// TLS), the webhook registered in the Telegram emulator by the module's local-exec, the result
// checked through the AWS SDK, the deployed zip answering a real update, a second plan with no
// changes, and a destroy that leaves nothing behind.
//
// moto's gaps, each handled here by name:
//  - it does not store a Lambda's logging_config, so every plan would show an update: the copy
//    ignores that one attribute (MOTO_GAP_LOGGING_CONFIG); the test checks the configuration instead;
//  - it evaluates bucket-policy conditions without request context, so our TLS-only deny refuses
//    even TLS requests: after checking the policy, the test deletes it before the function runs
//    (MOTO_GAP_POLICY_CONTEXT);
//  - it cannot run Lambda code, and its Code.Location cannot be fetched: the test checks that
//    Lambda holds the build's zip (CodeSha256), unzips that zip and runs it itself
//    (MOTO_GAP_CODE_LOCATION);
//  - it knows AWS-managed IAM policies only when told to load them (MOTO_GAP_MANAGED_POLICIES in
//    lib/moto.ts);
//  - it hands a REST API's resource policy back unescaped, which the provider cannot read: its server
//    is patched to answer as AWS does (MOTO_GAP_REST_API_POLICY in lib/moto.ts);
//  - it drops a REST API's binaryMediaTypes on create, so every plan would show an update: the copy
//    ignores that one attribute and the test checks the planned value instead (MOTO_GAP_BINARY_MEDIA_TYPES);
//  - it stores the worker's event source mapping but never runs it: on a send to the queue an enabled
//    mapping "invokes" (and fails), counting receives until the job is dead-lettered; so the test checks
//    the mapping, switches it off in moto, and plays Lambda's poller itself with the deployed worker.mjs
//    (MOTO_GAP_ESM_POLLING);
//  - it gives back a queue's RedrivePolicy with other whitespace, so every plan would show an update:
//    the copy ignores that one attribute; the test checks the policy through the SDK (MOTO_GAP_REDRIVE_POLICY).
// The provider mirror's gap (aws 5.100 refuses nodejs24.x) is handled in lib/terraform.ts
// (MIRROR_GAP_RUNTIME); the plan rules check the committed runtime.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { APIGatewayClient, GetIntegrationCommand, GetMethodCommand, GetRequestValidatorsCommand, GetResourcesCommand, GetRestApisCommand, GetStagesCommand } from '@aws-sdk/client-api-gateway';
import { CloudWatchClient, DescribeAlarmsCommand, GetDashboardCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreatePolicyCommand, GetRoleCommand, GetRolePolicyCommand, IAMClient, ListRolePoliciesCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { GetFunctionCommand, LambdaClient, ListEventSourceMappingsCommand, ListFunctionsCommand, UpdateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { GetQueueAttributesCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DeleteBucketPolicyCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketOwnershipControlsCommand,
  GetBucketPolicyCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetSecretValueCommand, ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startPolly, type LocalPolly } from '../../local/polly/server.ts';
import { startTelegramEmulator, type TelegramEmulator } from '../../local/telegram/emulator.ts';
import { describeUnlessMissing } from '../support/suite.ts';
import { callsNotAllowed, glob, iamActionOf, iamResourceOf, type Call } from './lib/iam-actions.ts';
import { planProblems, roleWriteProblems, SECRET_HEADER, TARGET_RUNTIME, type PlanJson } from './lib/plan-rules.ts';
import { missingMoto, MOTO_ACCOUNT, startMoto, type Moto } from './lib/moto.ts';
import { createWorkspace, initArgs, missingTerraform, REPO_ROOT, TOOLS_REQUIRED, type Workspace } from './lib/terraform.ts';

// moto serves a self-signed certificate; this file runs in its own process under node --test.
process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';

const missing = missingTerraform() ?? missingMoto();
if (missing && TOOLS_REQUIRED) throw new Error(`VOICEBOT_REQUIRE_DEPLOY_TEST=1 but ${missing}`);

const NAME = 'voicebot-deploytest';
const TOKEN = '7000000001:AAE-deploy-test-token_0123456789abcdef';
const PACKAGE = path.join(REPO_ROOT, 'dist/function.zip');
const CHAT_ID = 515151;
const DEPLOYER_POLICY = path.join(REPO_ROOT, 'terraform/iam/deployer-policy.json');
const BOUNDARY_POLICY = path.join(REPO_ROOT, 'terraform/iam/boundary-policy.json');
/** The boundary as the deployer policy names it, and as it resolves in moto's account. */
const BOUNDARY_IN_POLICY = 'arn:aws:iam::${aws:PrincipalAccount}:policy/voicebot-boundary';
const BOUNDARY_ARN = BOUNDARY_IN_POLICY.replace('${aws:PrincipalAccount}', MOTO_ACCOUNT);

/** The function role's contract: every action it may take, and nothing else. */
const FUNCTION_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents', 'polly:SynthesizeSpeech', 's3:AbortMultipartUpload', 's3:GetObject', 's3:ListBucket', 's3:PutObject', 'secretsmanager:GetSecretValue'];
/** On top of it: the webhook may only send jobs; the worker gets what its event source mapping needs, ChangeMessageVisibility, and SendMessage (a document's next job). */
const ROLE_ACTIONS: Record<string, string[]> = {
  [NAME]: [...FUNCTION_ACTIONS, 'sqs:SendMessage'].sort(),
  [`${NAME}-worker`]: [...FUNCTION_ACTIONS, 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage', 'sqs:SendMessage'].sort(),
};

function providerOverride(endpoint: string): string {
  const services = ['apigateway', 'cloudwatch', 'iam', 'lambda', 'logs', 's3', 'secretsmanager', 'sns', 'sqs', 'sts'];
  return `# Written by tests/terraform/deploy.test.ts into a temporary copy: the AWS provider talks to moto.
provider "aws" {
  access_key                  = "testing"
  secret_key                  = "testing"
  insecure                    = true
  skip_credentials_validation = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true

  endpoints {
${services.map((s) => `    ${s} = "${endpoint}"`).join('\n')}
  }
}
`;
}

// MOTO_GAP_LOGGING_CONFIG: moto drops logging_config, so without this every plan shows an update.
const FUNCTION_OVERRIDE = `resource "aws_lambda_function" "this" {
  lifecycle {
    ignore_changes = [logging_config]
  }
}
`;

// MOTO_GAP_BINARY_MEDIA_TYPES: moto's CreateRestApi ignores binaryMediaTypes.
const API_OVERRIDE = `resource "aws_api_gateway_rest_api" "this" {
  lifecycle {
    ignore_changes = [binary_media_types]
  }
}
`;

// MOTO_GAP_REDRIVE_POLICY: moto reformats the JSON, which the provider takes for a change.
const QUEUE_OVERRIDE = `resource "aws_sqs_queue" "this" {
  lifecycle {
    ignore_changes = [redrive_policy]
  }
}
`;

const TFVARS = `region                             = "us-east-1"
name                               = "${NAME}"
secret_recovery_window_days        = 0
api_manage_account_cloudwatch_role = true
permissions_boundary_arn           = "${BOUNDARY_ARN}"
max_document_characters            = 50000
`;

const base64Sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('base64');

describeUnlessMissing('deploy test (Terraform against moto)', missing, () => {
  let moto: Moto;
  let tg: TelegramEmulator;
  let polly: LocalPolly;
  let ws: Workspace;
  let env: Record<string, string>;
  let outputs: Record<string, { value: unknown; sensitive: boolean }>;
  let terraformOutput = '';
  let clients: { s3: S3Client; lambda: LambdaClient; api: APIGatewayClient; iam: IAMClient; secrets: SecretsManagerClient; logs: CloudWatchLogsClient; cloudwatch: CloudWatchClient; sqs: SQSClient };
  let served: ChildProcess | undefined;
  let worker: ChildProcess | undefined;
  /** The deployed package, unzipped: both doors run from it. */
  let deployedDir: string | undefined;

  /** A deployed function's own environment, as Lambda gives it, pointed at the stand-ins: moto for AWS, the local Polly, the emulator. */
  const deployedEnv = (variables: Record<string, string>) => ({
    PATH: process.env.PATH!,
    ...variables,
    ...moto.env,
    AWS_ENDPOINT_URL_S3: moto.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint,
    AWS_ENDPOINT_URL_POLLY: polly.endpoint,
    AWS_ENDPOINT_URL_SQS: moto.endpoint,
    S3_FORCE_PATH_STYLE: 'true',
    TELEGRAM_API_URL: tg.url,
    NODE_TLS_REJECT_UNAUTHORIZED: '0',
  });

  const tf = async (args: string[], ok?: number[]) => {
    const r = await ws.must(args, { env, ...(ok && { ok }) });
    terraformOutput += r.stdout + r.stderr;
    return r;
  };

  before(async () => {
    assert.ok(fs.existsSync(PACKAGE), `${PACKAGE} is missing: run npm run build first`);
    [moto, tg, polly] = await Promise.all([startMoto(), startTelegramEmulator({ token: TOKEN }), startPolly()]);
    ws = createWorkspace({
      'provider_override.tf': providerOverride(moto.endpoint),
      'modules/function/moto_gaps_override.tf': FUNCTION_OVERRIDE,
      'modules/api/moto_gaps_override.tf': API_OVERRIDE,
      'modules/queue/moto_gaps_override.tf': QUEUE_OVERRIDE,
      'deploy.auto.tfvars': TFVARS,
    });
    env = {
      ...moto.env,
      TF_VAR_bot_token: TOKEN,
      // For the webhook script that the local-exec runs: Secrets Manager is moto, Telegram the emulator.
      AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint,
      TELEGRAM_API_URL: tg.url,
      NODE_TLS_REJECT_UNAUTHORIZED: '0',
    };
    const config = { endpoint: moto.endpoint, region: moto.env.AWS_REGION!, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } };
    clients = {
      s3: new S3Client({ ...config, forcePathStyle: true }),
      lambda: new LambdaClient(config),
      api: new APIGatewayClient(config),
      iam: new IAMClient(config),
      secrets: new SecretsManagerClient(config),
      logs: new CloudWatchLogsClient(config),
      cloudwatch: new CloudWatchClient(config),
      sqs: new SQSClient(config),
    };
    await tf(initArgs(ws));
    // The one-time bootstrap an administrator does before the first apply (docs/deploy.md).
    const boundary = await clients.iam.send(new CreatePolicyCommand({ PolicyName: 'voicebot-boundary', PolicyDocument: fs.readFileSync(BOUNDARY_POLICY, 'utf8') }));
    assert.equal(boundary.Policy!.Arn, BOUNDARY_ARN);
  });

  after(async () => {
    served?.kill('SIGKILL');
    worker?.kill('SIGKILL');
    // A failed test must not leave moto's resources or a temporary copy behind.
    const state = ws && path.join(ws.dir, 'terraform.tfstate');
    if (state && fs.existsSync(state) && JSON.parse(fs.readFileSync(state, 'utf8')).resources?.length) await ws.run(['destroy', '-auto-approve', '-no-color'], { env }).catch(() => {});
    await Promise.all([moto?.close(), tg?.close(), polly?.close()]);
    ws?.remove();
  });

  test('plan and apply create the stack and register the webhook with the secret from Secrets Manager', async () => {
    await moto.setRecording(true);
    await tf(['plan', '-input=false', '-no-color', '-out=deploy.tfplan']);
    await tf(['apply', '-input=false', '-no-color', 'deploy.tfplan']);
    outputs = JSON.parse((await tf(['output', '-json'])).stdout);

    const secret = JSON.parse((await clients.secrets.send(new GetSecretValueCommand({ SecretId: String(outputs.secret_arn!.value) }))).SecretString!);
    assert.equal(secret.bot_token, TOKEN);
    assert.match(secret.webhook_secret, /^[0-9a-f]{64}$/, 'two UUIDs without dashes');
    assert.equal(tg.webhook?.url, outputs.webhook_url!.value);
    assert.equal(tg.webhook?.secret_token, secret.webhook_secret);
    assert.equal(outputs.webhook_registered!.value, true);
  });

  test('a second plan shows no changes, and our rules hold on it', async () => {
    const r = await tf(['plan', '-input=false', '-no-color', '-detailed-exitcode', '-out=second.tfplan'], [0, 2]);
    // The checks that follow read through the SDK: their calls are not the deployer's.
    await moto.setRecording(false);
    assert.equal(r.code, 0, `the second plan wants changes:\n${r.stdout}`);
    const plan = JSON.parse((await tf(['show', '-json', 'second.tfplan'])).stdout) as PlanJson;
    assert.deepEqual(planProblems(plan, { boundary: BOUNDARY_ARN, runtimeOverride: ws.runtimeOverride }), []);
  });

  test('the REST API takes only POST on /webhook and GET on /voice, both through a Lambda proxy integration, with binary answers', async () => {
    const api = (await clients.api.send(new GetRestApisCommand({}))).items!.find((a) => a.name === NAME)!;
    assert.deepEqual(api.endpointConfiguration?.types, ['REGIONAL']);
    // MOTO_GAP_BINARY_MEDIA_TYPES: what Terraform asked for, since moto does not keep it.
    const plan = JSON.parse((await tf(['show', '-json', 'deploy.tfplan'])).stdout) as { resource_changes: { address: string; change: { after: Record<string, unknown> } }[] };
    const planned = plan.resource_changes.find((r) => r.address === 'module.api.aws_api_gateway_rest_api.this')!.change.after;
    assert.deepEqual(planned.binary_media_types, ['*/*'], 'audio/ogg answers are decoded whatever Accept header Telegram sends');
    const resources = (await clients.api.send(new GetResourcesCommand({ restApiId: api.id }))).items!;
    const withMethods = resources.filter((r) => Object.keys(r.resourceMethods ?? {}).length > 0).sort((a, b) => a.path!.localeCompare(b.path!));
    assert.deepEqual(
      withMethods.map((r) => [r.path, Object.keys(r.resourceMethods!)]),
      [
        ['/voice', ['GET']],
        ['/webhook', ['POST']],
      ],
    );
    for (const [resource, httpMethod] of [[withMethods[0]!, 'GET'], [withMethods[1]!, 'POST']] as const) {
      const integration = await clients.api.send(new GetIntegrationCommand({ restApiId: api.id, resourceId: resource.id, httpMethod }));
      assert.equal(integration.type, 'AWS_PROXY');
      assert.match(integration.uri!, new RegExp(`function:${NAME}/invocations$`));
    }
    const stages = (await clients.api.send(new GetStagesCommand({ restApiId: api.id }))).item!;
    assert.deepEqual(stages.map((s) => s.stageName), ['live']);
  });

  test('only Telegram reaches the webhook: source ranges in the resource policy, the secret header required, a throttle per route', async () => {
    const api = (await clients.api.send(new GetRestApisCommand({}))).items!.find((a) => a.name === NAME)!;
    // AWS hands the policy back JSON-escaped (so does moto here: MOTO_GAP_REST_API_POLICY in lib/moto.ts).
    const policy = JSON.parse(JSON.parse(`"${api.policy!}"`) as string) as { Statement: { Effect: string; Resource: string; Condition?: Record<string, Record<string, string[]>> }[] };
    const deny = policy.Statement.find((s) => s.Effect === 'Deny')!;
    assert.match(deny.Resource, /\/\*\/POST\/webhook$/);
    assert.deepEqual([deny.Condition!.NotIpAddress!['aws:SourceIp']].flat().sort(), ['149.154.160.0/20', '91.108.4.0/22']);
    assert.ok(!policy.Statement.some((s) => s.Effect === 'Deny' && s.Resource.endsWith('/GET/voice')), 'GET /voice stays open');

    const validators = (await clients.api.send(new GetRequestValidatorsCommand({ restApiId: api.id }))).items!;
    const webhook = (await clients.api.send(new GetResourcesCommand({ restApiId: api.id }))).items!.find((r) => r.path === '/webhook')!;
    const post = await clients.api.send(new GetMethodCommand({ restApiId: api.id, resourceId: webhook.id, httpMethod: 'POST' }));
    assert.deepEqual(post.requestParameters, { [`method.request.header.${SECRET_HEADER}`]: true });
    assert.equal(validators.find((v) => v.id === post.requestValidatorId)?.validateRequestParameters, true, 'a validator checks the required header');

    const settings = (await clients.api.send(new GetStagesCommand({ restApiId: api.id }))).item![0]!.methodSettings!;
    assert.equal(settings['webhook/POST']?.throttlingRateLimit, 10);
    assert.equal(settings['voice/GET']?.throttlingRateLimit, 5);
  });

  test('every role carries the permissions boundary', async () => {
    for (const RoleName of [NAME, `${NAME}-apigateway-cloudwatch`]) {
      const role = (await clients.iam.send(new GetRoleCommand({ RoleName }))).Role!;
      assert.equal(role.PermissionsBoundary?.PermissionsBoundaryArn, BOUNDARY_ARN, RoleName);
    }
  });

  test('the function runs the built zip on nodejs24.x/arm64, with no token in its environment', async () => {
    const fn = await clients.lambda.send(new GetFunctionCommand({ FunctionName: NAME }));
    const config = fn.Configuration!;
    // MIRROR_GAP_RUNTIME: offline, the copy runs the runtime the mirror's provider accepts.
    assert.equal(config.Runtime, ws.runtimeOverride ?? TARGET_RUNTIME);
    assert.deepEqual(config.Architectures, ['arm64']);
    assert.equal(config.Handler, 'index.handler');
    assert.equal(config.CodeSha256, base64Sha256(PACKAGE));
    const variables = config.Environment!.Variables!;
    assert.equal(variables.S3_BUCKET_NAME, outputs.bucket_name!.value);
    assert.equal(variables.BOT_SECRET_ARN, outputs.secret_arn!.value);
    assert.ok(!Object.values(variables).some((v) => v.includes(TOKEN.split(':')[1]!)), 'the token is in the environment');
    assert.deepEqual(Object.keys(variables).filter((k) => /TOKEN|WEBHOOK_SECRET/.test(k)), []);
  });

  test('the bucket is private, encrypted, TLS-only and expires audio, markers and document records but not settings', async () => {
    const Bucket = String(outputs.bucket_name!.value);
    const pab = (await clients.s3.send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration!;
    assert.deepEqual(pab, { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    const sse = (await clients.s3.send(new GetBucketEncryptionCommand({ Bucket }))).ServerSideEncryptionConfiguration!.Rules!;
    assert.equal(sse[0]!.ApplyServerSideEncryptionByDefault!.SSEAlgorithm, 'AES256');
    const ownership = (await clients.s3.send(new GetBucketOwnershipControlsCommand({ Bucket }))).OwnershipControls!.Rules!;
    assert.equal(ownership[0]!.ObjectOwnership, 'BucketOwnerEnforced');
    const rules = (await clients.s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket }))).Rules!;
    const expiring = rules.filter((r) => r.Expiration).map((r) => r.Filter?.Prefix ?? r.Prefix);
    assert.deepEqual(expiring.sort(), ['audio/', 'budget/', 'documents/', 'updates/']);
    assert.ok(rules.some((r) => r.AbortIncompleteMultipartUpload?.DaysAfterInitiation), 'incomplete multipart uploads are aborted');
    const policy = JSON.parse((await clients.s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy!);
    const deny = policy.Statement.find((s: { Effect: string }) => s.Effect === 'Deny');
    assert.deepEqual(deny.Condition, { Bool: { 'aws:SecureTransport': 'false' } });
  });

  test("each function's role allows exactly the actions of its contract, on its own resources", async () => {
    for (const [role, expected] of Object.entries(ROLE_ACTIONS)) {
      const names = (await clients.iam.send(new ListRolePoliciesCommand({ RoleName: role }))).PolicyNames!;
      assert.equal(names.length, 2, `${role}: its own policy and the queue's`);
      const documents = await Promise.all(names.map(async (PolicyName) => JSON.parse(decodeURIComponent((await clients.iam.send(new GetRolePolicyCommand({ RoleName: role, PolicyName }))).PolicyDocument!))));
      const statements = documents.flatMap((d) => [d.Statement].flat()) as { Action: string | string[]; Resource: string | string[] }[];
      const actions = statements.flatMap((s) => [s.Action].flat()).sort();
      assert.deepEqual(actions, expected, role);
      for (const s of statements) {
        for (const resource of [s.Resource].flat()) {
          if (resource === '*') assert.deepEqual([s.Action].flat(), ['polly:SynthesizeSpeech'], 'only SynthesizeSpeech, which has no resource type, may name "*"');
          else assert.ok(resource.includes(NAME) || resource.includes(String(outputs.bucket_name!.value)), `${resource} is not one of the stack's resources`);
          if ([s.Action].flat().some((a) => a.startsWith('sqs:'))) assert.match(resource, new RegExp(`:${NAME}-jobs$`), 'the queue actions name the job queue only');
        }
      }
    }
  });

  test('the job queue is encrypted, waits 6 times the worker\'s timeout and dead-letters after 10 receives; the mapping feeds the worker at the neural quota', async () => {
    await moto.setRecording(false); // reads of this test's own, not the deployer's
    const queueUrl = String(outputs.job_queue_url!.value);
    const deadUrl = String(outputs.dead_letter_queue_url!.value);
    const attributes = (await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }))).Attributes!;
    const dead = (await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: deadUrl, AttributeNames: ['All'] }))).Attributes!;
    assert.equal(attributes.VisibilityTimeout, '360', 'worker timeout 60 s x 6');
    assert.equal(attributes.SqsManagedSseEnabled, 'true');
    assert.equal(dead.SqsManagedSseEnabled, 'true');
    assert.deepEqual(JSON.parse(attributes.RedrivePolicy!), { deadLetterTargetArn: dead.QueueArn, maxReceiveCount: 10 });
    assert.equal(dead.MessageRetentionPeriod, '1209600');
    const worker = await clients.lambda.send(new GetFunctionCommand({ FunctionName: `${NAME}-worker` }));
    assert.equal(worker.Configuration!.Handler, 'worker.handler');
    assert.equal(worker.Configuration!.Timeout, 60);
    assert.equal(worker.Configuration!.CodeSha256, base64Sha256(PACKAGE), 'the worker runs the same zip');
    assert.equal(worker.Configuration!.Environment!.Variables!.JOB_QUEUE_URL, queueUrl);
    const fn = await clients.lambda.send(new GetFunctionCommand({ FunctionName: NAME }));
    assert.equal(fn.Configuration!.Environment!.Variables!.JOB_QUEUE_URL, queueUrl, 'the webhook sends to the same queue');
    for (const f of [fn, worker]) assert.equal(f.Configuration!.Environment!.Variables!.MAX_DOCUMENT_CHARACTERS, '50000', `${f.Configuration!.FunctionName} gets the bot's settings`);
    const [mapping, ...others] = (await clients.lambda.send(new ListEventSourceMappingsCommand({ FunctionName: `${NAME}-worker` }))).EventSourceMappings!;
    assert.equal(others.length, 0);
    assert.equal(mapping!.EventSourceArn, attributes.QueueArn);
    assert.equal(mapping!.BatchSize, 5);
    assert.deepEqual(mapping!.FunctionResponseTypes, ['ReportBatchItemFailures']);
    assert.equal(mapping!.ScalingConfig?.MaximumConcurrency, 8);
    await moto.setRecording(true);
  });

  test('the log groups keep their logs for a bounded time', async () => {
    const groups = (await clients.logs.send(new DescribeLogGroupsCommand({}))).logGroups!;
    const retention = Object.fromEntries(groups.map((g) => [g.logGroupName, g.retentionInDays]));
    assert.equal(retention[`/aws/lambda/${NAME}`], 14);
    assert.equal(retention[`/aws/lambda/${NAME}-worker`], 14);
    assert.equal(retention[`/aws/apigateway/${NAME}/access`], 14);
  });

  test('alarms watch failures, throttles, 5xx, Polly errors and daily spend, and a dashboard exists', async () => {
    const alarms = (await clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: `${NAME}-` }))).MetricAlarms!;
    const byName = Object.fromEntries(alarms.map((a) => [a.AlarmName!.slice(NAME.length + 1), a]));
    assert.deepEqual(Object.keys(byName).sort(), ['api-5xx', 'daily-polly-characters', 'dead-letters', 'function-errors', 'function-throttles', 'polly-error-rate', 'queue-age']);
    const topic = String(outputs.alarm_topic_arn!.value);
    for (const [name, alarm] of Object.entries(byName)) {
      assert.deepEqual(alarm.AlarmActions, [topic], `${name} notifies the topic`);
      assert.equal(alarm.TreatMissingData, 'notBreaching', name);
      assert.ok((alarm.Threshold ?? 0) > 0, `${name} has a positive threshold`);
    }
    assert.equal(byName['daily-polly-characters']!.Metrics!.find((m) => m.MetricStat)!.MetricStat!.Period, 86400);
    assert.deepEqual(byName['dead-letters']!.Dimensions, [{ Name: 'QueueName', Value: `${NAME}-jobs-dead-letter` }]);
    assert.deepEqual(byName['function-errors']!.Dimensions, [{ Name: 'FunctionName', Value: NAME }]);
    const dashboard = await clients.cloudwatch.send(new GetDashboardCommand({ DashboardName: NAME }));
    assert.equal(JSON.parse(dashboard.DashboardBody!).widgets.length, 6, 'four rows of questions and the queue row');
    assert.match(String(outputs.dashboard_url!.value), new RegExp(`#dashboards/dashboard/${NAME}$`));
  });

  test('neither the token nor the webhook secret is in any output, plan file or the state', async () => {
    const secret = JSON.parse((await clients.secrets.send(new GetSecretValueCommand({ SecretId: String(outputs.secret_arn!.value) }))).SecretString!);
    const state = fs.readFileSync(path.join(ws.dir, 'terraform.tfstate'), 'utf8');
    const planJson = (await tf(['show', '-json', 'second.tfplan'])).stdout;
    const places = { state, 'plan (show -json)': planJson, 'terraform output': terraformOutput, 'plan file': fs.readFileSync(path.join(ws.dir, 'second.tfplan')).toString('latin1') };
    for (const [where, text] of Object.entries(places)) {
      assert.ok(!text.includes(TOKEN.split(':')[1]!), `the bot token is in the ${where}`);
      assert.ok(!text.includes(secret.webhook_secret), `the webhook secret is in the ${where}`);
    }
  });

  test('the deployed zip answers a real update with a voice, an inline query with a voice URL it then serves, and a wrong secret with 401', async () => {
    await moto.setRecording(false); // what the function does is not the deployer's business
    const fn = await clients.lambda.send(new GetFunctionCommand({ FunctionName: NAME }));
    // MOTO_GAP_CODE_LOCATION: moto's Code.Location names AWS's own bucket, which cannot be fetched
    // here; the package is the build's zip, proven the same bytes by Lambda's CodeSha256.
    assert.equal(fn.Configuration!.CodeSha256, base64Sha256(PACKAGE), 'Lambda holds the zip the build wrote');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'voicebot-deployed-'));
    const unzip = spawnSync('python3', ['-m', 'zipfile', '-e', PACKAGE, dir], { encoding: 'utf8' });
    assert.equal(unzip.status, 0, unzip.stderr);

    // MOTO_GAP_POLICY_CONTEXT: moto's TLS-only deny refuses TLS requests too (checked above first).
    await clients.s3.send(new DeleteBucketPolicyCommand({ Bucket: String(outputs.bucket_name!.value) }));

    served = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'tests/terraform/lib/serve-deployed.ts'), dir], {
      env: deployedEnv(fn.Configuration!.Environment!.Variables!),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    deployedDir = dir;
    const gatewayUrl = await new Promise<string>((resolve, reject) => {
      served!.stdout!.once('data', (d: Buffer) => resolve(d.toString().trim()));
      served!.once('exit', (code) => reject(new Error(`the deployed function exited with ${code}`)));
    });

    // Telegram would deliver to API Gateway; here the local adapter stands in for it, with the
    // secret token exactly as the webhook script registered it.
    const registered = tg.webhook!;
    const setWebhook = await fetch(`${tg.url}/bot${TOKEN}/setWebhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${gatewayUrl}/webhook`, secret_token: registered.secret_token }),
    });
    assert.equal(setWebhook.status, 200);

    const { deliveries } = await tg.sendUserMessage({ chatId: CHAT_ID, text: 'Hello from the deployed package.' });
    assert.equal(deliveries.at(-1)?.status, 200);
    const voice = await tg.waitForSent((m) => m.chat_id === CHAT_ID && m.kind === 'voice', 20_000);
    assert.ok(voice.audio && voice.audio.durationSeconds > 0.5, 'the voice holds real speech');

    // Inline mode through the same package: a keystroke's signed voice_url, fetched from GET /voice when chosen.
    const typed = await tg.typeInline({ fromId: CHAT_ID, query: 'Read aloud by the deployed package, inline.' });
    const [result] = typed.results ?? [];
    assert.ok(result, 'one inline result');
    const chosen = await tg.chooseInline({ chatId: CHAT_ID, queryId: typed.update.inline_query!.id, resultId: String(result.id) });
    assert.ok(chosen.message.voice && chosen.message.via_bot, 'the chosen voice arrives via the bot');

    const wrong = await tg.deliverUpdate({ update_id: 99, message: { message_id: 99, date: 0, chat: { id: CHAT_ID, type: 'private' }, text: 'x' } }, { secretToken: 'not-the-secret' });
    assert.equal(wrong[0]?.status, 401);
  });

  test('the deployed webhook hands a text Polly throttles to the queue, and the deployed worker, polled from moto as Lambda would, brings one voice', async () => {
    const queueUrl = String(outputs.job_queue_url!.value);
    const queueArn = (await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    // MOTO_GAP_ESM_POLLING: switched off, or moto would "invoke" it on the send and count receives until the job is dead-lettered.
    const [mapping] = (await clients.lambda.send(new ListEventSourceMappingsCommand({ FunctionName: `${NAME}-worker` }))).EventSourceMappings!;
    await clients.lambda.send(new UpdateEventSourceMappingCommand({ UUID: mapping!.UUID, Enabled: false }));

    const chatId = CHAT_ID + 1;
    polly.failNext({ status: 400, type: 'ThrottlingException', message: 'Rate exceeded' }, 2); // both of the webhook's attempts
    const { update, deliveries } = await tg.sendUserMessage({ chatId, text: 'Queued by the deployed webhook.' });
    assert.equal(deliveries.at(-1)?.status, 200, 'the webhook answers 200: Telegram does not redeliver');
    const waiting = (await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes!;
    assert.equal(waiting.ApproximateNumberOfMessages, '1', 'the job waits in the queue');
    assert.deepEqual(tg.sent.filter((m) => m.chat_id === chatId), [], 'no voice yet, and no apology');
    assert.deepEqual(tg.reactionOn(chatId, update.message!.message_id), ['✍']);

    // Lambda's side: the deployed worker.mjs with the worker function's own environment, fed by the local mapping from moto's queue.
    const fn = await clients.lambda.send(new GetFunctionCommand({ FunctionName: `${NAME}-worker` }));
    worker = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'tests/terraform/lib/serve-worker.ts'), deployedDir!, queueUrl, queueArn, String(fn.Configuration!.Timeout)], {
      env: deployedEnv(fn.Configuration!.Environment!.Variables!),
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const voice = await tg.waitForSent((m) => m.chat_id === chatId && m.kind === 'voice', 30_000);
    assert.ok(voice.audio && voice.audio.durationSeconds > 0.5, 'the voice holds real speech');
    for (let left = '1'; left !== '0'; ) {
      const counts = (await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }))).Attributes!;
      left = String(Number(counts.ApproximateNumberOfMessages) + Number(counts.ApproximateNumberOfMessagesNotVisible));
      if (left !== '0') await new Promise((r) => setTimeout(r, 200));
    }
    assert.deepEqual(tg.sent.filter((m) => m.chat_id === chatId).map((m) => m.kind), ['voice'], 'one voice, nothing else');
    assert.deepEqual(tg.reactionOn(chatId, update.message!.message_id), [], 'the ✍ is taken off');
    worker.kill('SIGKILL');
    served!.kill('SIGKILL');
    fs.rmSync(deployedDir!, { recursive: true, force: true });
  });

  test('destroy, without the bot token, deletes the webhook and leaves nothing behind', async () => {
    await moto.setRecording(true);
    const { TF_VAR_bot_token: _token, ...withoutToken } = env;
    const r = await ws.must(['destroy', '-auto-approve', '-input=false', '-no-color'], { env: withoutToken });
    terraformOutput += r.stdout + r.stderr;
    await moto.setRecording(false);
    assert.equal(tg.webhook, null);
    assert.ok(tg.calls.some((c) => c.method === 'deleteWebhook'));
    assert.deepEqual((await clients.s3.send(new ListBucketsCommand({}))).Buckets ?? [], []);
    assert.deepEqual((await clients.lambda.send(new ListFunctionsCommand({}))).Functions ?? [], []);
    assert.deepEqual((await clients.api.send(new GetRestApisCommand({}))).items ?? [], []);
    assert.deepEqual((await clients.secrets.send(new ListSecretsCommand({}))).SecretList ?? [], []);
    const roles = (await clients.iam.send(new ListRolesCommand({}))).Roles ?? [];
    assert.deepEqual(roles.filter((r) => r.RoleName!.startsWith(NAME)), []);
    const groups = (await clients.logs.send(new DescribeLogGroupsCommand({}))).logGroups ?? [];
    assert.deepEqual(groups.filter((g) => g.logGroupName!.includes(NAME)), []);
    assert.deepEqual((await clients.cloudwatch.send(new DescribeAlarmsCommand({}))).MetricAlarms ?? [], []);
    assert.deepEqual((await clients.sqs.send(new ListQueuesCommand({}))).QueueUrls ?? [], [], 'no queue is left');
    assert.deepEqual((await clients.lambda.send(new ListEventSourceMappingsCommand({}))).EventSourceMappings ?? [], []);
  });

  test('the deployer policy (terraform/iam/deployer-policy.json) allows every AWS call that plan, apply, the webhook script and destroy made', () => {
    const recorded = moto.recording();
    const calls = recorded.flatMap((r): Call[] => {
      const action = iamActionOf(r);
      return action ? [{ action, resource: iamResourceOf(r) }] : [];
    });
    const actions = new Set(calls.map((c) => c.action));
    assert.ok(actions.has('lambda:CreateFunction') && actions.has('s3:DeleteBucket') && actions.has('secretsmanager:GetSecretValue'), `too little was recorded: ${[...actions].join(', ')}`);
    assert.deepEqual([...actions].filter((a) => a.includes('UNKNOWN')), [], 'requests lib/iam-actions.ts cannot name yet');
    const policy = JSON.parse(fs.readFileSync(DEPLOYER_POLICY, 'utf8'));
    assert.deepEqual(callsNotAllowed(policy, calls), []);
    assert.deepEqual(roleWriteProblems(policy, 'deployer-policy.json', BOUNDARY_IN_POLICY), []);

    // What the conditions ask of the requests, checked on the requests themselves (moto does not evaluate IAM).
    const bodyOf = (r: (typeof recorded)[number]) => (r.body_encoded ? Buffer.from(r.body, 'base64').toString('utf8') : r.body);
    const createRoles = recorded.filter((r) => iamActionOf(r) === 'iam:CreateRole').map((r) => new URLSearchParams(bodyOf(r)));
    assert.ok(createRoles.length >= 2, 'the function role and the API Gateway logging role were created');
    for (const params of createRoles) assert.equal(params.get('PermissionsBoundary'), BOUNDARY_ARN, `${params.get('RoleName')} was created without the boundary`);
    const createApi = recorded.filter((r) => r.method === 'POST' && iamResourceOf(r)?.endsWith('::/restapis')).map((r) => JSON.parse(bodyOf(r)) as { name: string; tags?: Record<string, string> });
    const create = policy.Statement.find((s: { Sid: string }) => s.Sid === 'CreateRestApisNamedAndTaggedForThisStack').Condition.StringLike;
    assert.equal(createApi.length, 1);
    assert.match(createApi[0]!.name, glob(create['apigateway:Request/ApiName'], ''));
    assert.match(createApi[0]!.tags?.Project ?? '', glob(create['aws:RequestTag/Project'], ''));
    const wildcards = policy.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat()).filter((a: string) => a.includes('*'));
    assert.deepEqual(wildcards, [], 'the deployer policy names every action');
    if (process.env.VOICEBOT_PRINT_DEPLOY_ACTIONS) console.log([...actions].sort().join('\n'));
  });
});
