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
//  - it drops a REST API's binaryMediaTypes on create, so every plan would show an update: the copy
//    ignores that one attribute and the test checks the planned value instead (MOTO_GAP_BINARY_MEDIA_TYPES).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { APIGatewayClient, GetIntegrationCommand, GetResourcesCommand, GetRestApisCommand, GetStagesCommand } from '@aws-sdk/client-api-gateway';
import { CloudWatchClient, DescribeAlarmsCommand, GetDashboardCommand } from '@aws-sdk/client-cloudwatch';
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetRolePolicyCommand, IAMClient, ListRolePoliciesCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { GetFunctionCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
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
import { actionsNotAllowed, iamActionOf } from './lib/iam-actions.ts';
import { planProblems, type PlanJson } from './lib/plan-rules.ts';
import { missingMoto, startMoto, type Moto } from './lib/moto.ts';
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

/** The function role's contract: every action it may take, and nothing else. */
const FUNCTION_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents', 'polly:SynthesizeSpeech', 's3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject', 'secretsmanager:GetSecretValue'];

function providerOverride(endpoint: string): string {
  const services = ['apigateway', 'cloudwatch', 'iam', 'lambda', 'logs', 's3', 'secretsmanager', 'sns', 'sts'];
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

const TFVARS = `region                             = "us-east-1"
name                               = "${NAME}"
secret_recovery_window_days        = 0
api_manage_account_cloudwatch_role = true
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
  let clients: { s3: S3Client; lambda: LambdaClient; api: APIGatewayClient; iam: IAMClient; secrets: SecretsManagerClient; logs: CloudWatchLogsClient; cloudwatch: CloudWatchClient };
  let served: ChildProcess | undefined;

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
    };
    await tf(initArgs(ws));
  });

  after(async () => {
    served?.kill('SIGKILL');
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
    assert.equal(r.code, 0, `the second plan wants changes:\n${r.stdout}`);
    const plan = JSON.parse((await tf(['show', '-json', 'second.tfplan'])).stdout) as PlanJson;
    assert.deepEqual(planProblems(plan), []);
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

  test('the function runs the built zip on nodejs22.x/arm64, with no token in its environment', async () => {
    const fn = await clients.lambda.send(new GetFunctionCommand({ FunctionName: NAME }));
    const config = fn.Configuration!;
    assert.equal(config.Runtime, 'nodejs22.x');
    assert.deepEqual(config.Architectures, ['arm64']);
    assert.equal(config.Handler, 'index.handler');
    assert.equal(config.CodeSha256, base64Sha256(PACKAGE));
    const variables = config.Environment!.Variables!;
    assert.equal(variables.S3_BUCKET_NAME, outputs.bucket_name!.value);
    assert.equal(variables.BOT_SECRET_ARN, outputs.secret_arn!.value);
    assert.ok(!Object.values(variables).some((v) => v.includes(TOKEN.split(':')[1]!)), 'the token is in the environment');
    assert.deepEqual(Object.keys(variables).filter((k) => /TOKEN|WEBHOOK_SECRET/.test(k)), []);
  });

  test('the bucket is private, encrypted, TLS-only and expires audio and markers but not settings', async () => {
    const Bucket = String(outputs.bucket_name!.value);
    const pab = (await clients.s3.send(new GetPublicAccessBlockCommand({ Bucket }))).PublicAccessBlockConfiguration!;
    assert.deepEqual(pab, { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
    const sse = (await clients.s3.send(new GetBucketEncryptionCommand({ Bucket }))).ServerSideEncryptionConfiguration!.Rules!;
    assert.equal(sse[0]!.ApplyServerSideEncryptionByDefault!.SSEAlgorithm, 'AES256');
    const ownership = (await clients.s3.send(new GetBucketOwnershipControlsCommand({ Bucket }))).OwnershipControls!.Rules!;
    assert.equal(ownership[0]!.ObjectOwnership, 'BucketOwnerEnforced');
    const rules = (await clients.s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket }))).Rules!;
    const expiring = rules.filter((r) => r.Expiration).map((r) => r.Filter?.Prefix ?? r.Prefix);
    assert.deepEqual(expiring.sort(), ['audio/', 'budget/', 'updates/']);
    assert.ok(rules.some((r) => r.AbortIncompleteMultipartUpload?.DaysAfterInitiation), 'incomplete multipart uploads are aborted');
    const policy = JSON.parse((await clients.s3.send(new GetBucketPolicyCommand({ Bucket }))).Policy!);
    const deny = policy.Statement.find((s: { Effect: string }) => s.Effect === 'Deny');
    assert.deepEqual(deny.Condition, { Bool: { 'aws:SecureTransport': 'false' } });
  });

  test("the function's role allows exactly the actions of its contract, on its own resources", async () => {
    const names = (await clients.iam.send(new ListRolePoliciesCommand({ RoleName: NAME }))).PolicyNames!;
    assert.equal(names.length, 1);
    const document = JSON.parse(decodeURIComponent((await clients.iam.send(new GetRolePolicyCommand({ RoleName: NAME, PolicyName: names[0] }))).PolicyDocument!));
    const statements = [document.Statement].flat() as { Action: string | string[]; Resource: string | string[] }[];
    const actions = statements.flatMap((s) => [s.Action].flat()).sort();
    assert.deepEqual(actions, FUNCTION_ACTIONS);
    for (const s of statements) {
      for (const resource of [s.Resource].flat()) {
        if (resource === '*') assert.deepEqual([s.Action].flat(), ['polly:SynthesizeSpeech'], 'only SynthesizeSpeech, which has no resource type, may name "*"');
        else assert.ok(resource.includes(NAME) || resource.includes(String(outputs.bucket_name!.value)), `${resource} is not one of the stack's resources`);
      }
    }
  });

  test('the log groups keep their logs for a bounded time', async () => {
    const groups = (await clients.logs.send(new DescribeLogGroupsCommand({}))).logGroups!;
    const retention = Object.fromEntries(groups.map((g) => [g.logGroupName, g.retentionInDays]));
    assert.equal(retention[`/aws/lambda/${NAME}`], 14);
    assert.equal(retention[`/aws/apigateway/${NAME}/access`], 14);
  });

  test('alarms watch failures, throttles, 5xx, Polly errors and daily spend, and a dashboard exists', async () => {
    const alarms = (await clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: `${NAME}-` }))).MetricAlarms!;
    const byName = Object.fromEntries(alarms.map((a) => [a.AlarmName!.slice(NAME.length + 1), a]));
    assert.deepEqual(Object.keys(byName).sort(), ['api-5xx', 'daily-polly-characters', 'function-errors', 'function-throttles', 'polly-error-rate']);
    const topic = String(outputs.alarm_topic_arn!.value);
    for (const [name, alarm] of Object.entries(byName)) {
      assert.deepEqual(alarm.AlarmActions, [topic], `${name} notifies the topic`);
      assert.equal(alarm.TreatMissingData, 'notBreaching', name);
      assert.ok((alarm.Threshold ?? 0) > 0, `${name} has a positive threshold`);
    }
    assert.equal(byName['daily-polly-characters']!.Period, 86400);
    assert.deepEqual(byName['function-errors']!.Dimensions, [{ Name: 'FunctionName', Value: NAME }]);
    const dashboard = await clients.cloudwatch.send(new GetDashboardCommand({ DashboardName: NAME }));
    assert.equal(JSON.parse(dashboard.DashboardBody!).widgets.length, 4);
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
      env: {
        PATH: process.env.PATH!,
        ...fn.Configuration!.Environment!.Variables,
        ...moto.env,
        AWS_ENDPOINT_URL_S3: moto.endpoint,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: moto.endpoint,
        AWS_ENDPOINT_URL_POLLY: polly.endpoint,
        S3_FORCE_PATH_STYLE: 'true',
        TELEGRAM_API_URL: tg.url,
        NODE_TLS_REJECT_UNAUTHORIZED: '0',
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
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
    served.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
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
  });

  test('the deployer policy (terraform/iam/deployer-policy.json) allows every AWS call that plan, apply, the webhook script and destroy made', () => {
    const recorded = moto.recording();
    const actions = new Set(recorded.map(iamActionOf).filter((a): a is string => a !== undefined));
    assert.ok(actions.has('lambda:CreateFunction') && actions.has('s3:DeleteBucket') && actions.has('secretsmanager:GetSecretValue'), `too little was recorded: ${[...actions].join(', ')}`);
    assert.deepEqual([...actions].filter((a) => a.includes('UNKNOWN')), [], 'requests lib/iam-actions.ts cannot name yet');
    const policy = JSON.parse(fs.readFileSync(DEPLOYER_POLICY, 'utf8'));
    assert.deepEqual(actionsNotAllowed(policy, actions), []);
    const wildcards = policy.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat()).filter((a: string) => a.includes('*'));
    assert.deepEqual(wildcards, [], 'the deployer policy names every action');
    if (process.env.VOICEBOT_PRINT_DEPLOY_ACTIONS) console.log([...actions].sort().join('\n'));
  });
});
