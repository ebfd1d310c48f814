import { glob } from './iam-actions.ts';

/**
 * The rules that are ours rather than Terraform's, evaluated on a real plan (`terraform show -json`):
 * what the AWS provider will actually be asked for, after every variable, default and module is
 * resolved. Each rule returns problems as sentences; an empty list means the plan keeps them all.
 */

export interface PlannedResource {
  address: string;
  type: string;
  name: string;
  values: Record<string, unknown>;
}

interface PlannedModule {
  resources?: PlannedResource[];
  child_modules?: PlannedModule[];
}

interface ConfigModule {
  variables?: Record<string, { description?: string; default?: unknown }>;
  outputs?: Record<string, { description?: string }>;
  resources?: { address: string; mode: string; type: string; name: string }[];
  module_calls?: Record<string, { module: ConfigModule }>;
}

export interface PlanJson {
  planned_values: { root_module: PlannedModule };
  configuration: { root_module: ConfigModule };
}

interface Statement {
  Sid?: string;
  Effect: string;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export interface PolicyDocument {
  Statement: Statement | Statement[];
}

const list = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

export function plannedResources(plan: PlanJson): PlannedResource[] {
  const walk = (m: PlannedModule): PlannedResource[] => [...(m.resources ?? []), ...(m.child_modules ?? []).flatMap(walk)];
  return walk(plan.planned_values.root_module);
}

const statementsOf = (policy: unknown): Statement[] => (typeof policy === 'string' && policy ? list(JSON.parse(policy).Statement as Statement | Statement[]) : []);

/** No Allow with a wildcard action; Resource "*" only for polly:SynthesizeSpeech, which has no resource type. */
export function iamProblems(resources: PlannedResource[]): string[] {
  const problems: string[] = [];
  for (const r of resources.filter((r) => ['aws_iam_role_policy', 'aws_iam_policy'].includes(r.type))) {
    for (const s of statementsOf(r.values.policy).filter((s) => s.Effect === 'Allow')) {
      const actions = list(s.Action);
      for (const a of actions.filter((a) => a.includes('*'))) problems.push(`${r.address} allows a wildcard action "${a}"`);
      if (list(s.Resource).includes('*') && actions.some((a) => a !== 'polly:SynthesizeSpeech')) problems.push(`${r.address} grants ${actions.join(', ')} on Resource "*"`);
    }
  }
  return problems;
}

/** Every bucket: full public access block, ACLs off, encryption, TLS-only policy, expiry that spares settings/. */
export function bucketProblems(resources: PlannedResource[]): string[] {
  const problems: string[] = [];
  const of = (type: string) => resources.filter((r) => r.type === type);
  for (const bucket of of('aws_s3_bucket')) {
    const scope = bucket.address.replace(/aws_s3_bucket\.[^.]+$/, '');
    const sibling = (type: string) => of(type).find((r) => r.address.startsWith(scope));
    const pab = sibling('aws_s3_bucket_public_access_block')?.values;
    if (!pab || !['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'].every((k) => pab[k] === true))
      problems.push(`${bucket.address} has no full public access block`);
    const ownership = sibling('aws_s3_bucket_ownership_controls')?.values;
    if (!JSON.stringify(ownership ?? {}).includes('BucketOwnerEnforced')) problems.push(`${bucket.address} does not enforce BucketOwnerEnforced (ACLs off)`);
    if (!sibling('aws_s3_bucket_server_side_encryption_configuration')) problems.push(`${bucket.address} has no default encryption`);
    const tlsOnly = statementsOf(sibling('aws_s3_bucket_policy')?.values.policy).some(
      (s) => s.Effect === 'Deny' && String(s.Condition?.Bool?.['aws:SecureTransport']) === 'false',
    );
    if (!tlsOnly) problems.push(`${bucket.address} allows requests without TLS`);
    const rules = (sibling('aws_s3_bucket_lifecycle_configuration')?.values.rule ?? []) as { filter?: { prefix?: string }[]; expiration?: unknown[]; abort_incomplete_multipart_upload?: unknown[] }[];
    if (!rules.some((r) => r.expiration?.length)) problems.push(`${bucket.address} never expires objects`);
    if (!rules.some((r) => r.abort_incomplete_multipart_upload?.length)) problems.push(`${bucket.address} keeps incomplete multipart uploads`);
    for (const r of rules.filter((r) => r.expiration?.length)) {
      const prefix = r.filter?.[0]?.prefix ?? '';
      if ('settings/'.startsWith(prefix)) problems.push(`${bucket.address} expires settings/ (rule with prefix "${prefix}")`);
    }
  }
  return problems;
}

/** API Gateway may invoke a function only from one stage, one method and one path. */
export function lambdaPermissionProblems(resources: PlannedResource[]): string[] {
  return resources
    .filter((r) => r.type === 'aws_lambda_permission' && r.values.principal === 'apigateway.amazonaws.com')
    .filter((r) => !/^arn:[^:]+:execute-api:[^:]+:\d+:[^/*]+\/[^/*]+\/(GET|POST|PUT|PATCH|DELETE)\/[^*]+$/.test(String(r.values.source_arn)))
    .map((r) => `${r.address} lets any stage, method or path invoke the function (${r.values.source_arn})`);
}

/** Every variable and output of the root and of every module call says what it is. */
export function documentationProblems(plan: PlanJson): string[] {
  const problems: string[] = [];
  const walk = (m: ConfigModule, where: string) => {
    for (const [name, v] of Object.entries(m.variables ?? {})) if (!v.description?.trim()) problems.push(`${where}variable "${name}" has no description`);
    for (const [name, o] of Object.entries(m.outputs ?? {})) if (!o.description?.trim()) problems.push(`${where}output "${name}" has no description`);
    for (const [call, c] of Object.entries(m.module_calls ?? {})) walk(c.module, `module.${call}: `);
  };
  walk(plan.configuration.root_module, '');
  return problems;
}

/** Each module's main resource is named "this" (terraform-aws-modules' convention). */
export function namingProblems(plan: PlanJson, mainResource: Record<string, string>): string[] {
  const calls = plan.configuration.root_module.module_calls ?? {};
  return Object.entries(mainResource)
    .filter(([call, type]) => !(calls[call]?.module.resources ?? []).some((r) => r.mode === 'managed' && r.type === type && r.name === 'this'))
    .map(([call, type]) => `module.${call} has no ${type}.this`);
}

/** The actions that give a role permissions or let someone else use it. */
export const ROLE_WRITE_ACTIONS = ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:UpdateAssumeRolePolicy', 'iam:PutRolePermissionsBoundary'];
const REMOVE_BOUNDARY = 'iam:DeleteRolePermissionsBoundary';

/** The actions among `actions` a statement applies to (NotAction: every one it does not name). */
function actionsOf(s: Statement, actions: string[]): string[] {
  if (s.NotAction !== undefined) return actions.filter((a) => !list(s.NotAction).some((p) => glob(p).test(a)));
  return actions.filter((a) => list(s.Action).some((p) => glob(p).test(a)));
}

/** The one exact policy ARN a statement's condition requires as iam:PermissionsBoundary, if it requires one. */
function requiredBoundary(s: Statement): string | undefined {
  for (const operator of ['StringEquals', 'ArnEquals']) {
    const values = list(s.Condition?.[operator]?.['iam:PermissionsBoundary'] as string | string[] | undefined);
    if (values.length === 1 && !values[0]!.includes('*')) return values[0];
  }
  return undefined;
}

/**
 * A policy that lets its holder write roles cannot make one more powerful than the boundary: every
 * Allow of a role-writing action requires iam:PermissionsBoundary to equal one policy (`boundary`,
 * when given), nothing allows removing a boundary, and a Deny refuses it outright.
 */
export function roleWriteProblems(policy: PolicyDocument, where: string, boundary?: string): string[] {
  const statements = list(policy.Statement);
  const problems: string[] = [];
  let writesRoles = false;
  for (const [i, s] of statements.entries()) {
    const name = `${where} statement ${s.Sid ?? i}`;
    if (s.Effect !== 'Allow') continue;
    const writes = actionsOf(s, ROLE_WRITE_ACTIONS);
    if (writes.length > 0) {
      writesRoles = true;
      const required = requiredBoundary(s);
      if (!required) problems.push(`${name} allows ${writes.join(', ')} without the condition iam:PermissionsBoundary = the boundary policy`);
      else if (boundary && required !== boundary) problems.push(`${name} requires the boundary ${required}, not ${boundary}`);
    }
    if (actionsOf(s, [REMOVE_BOUNDARY]).length > 0) problems.push(`${name} allows ${REMOVE_BOUNDARY}`);
  }
  const denied = statements.some((s) => s.Effect === 'Deny' && !s.Condition && actionsOf(s, [REMOVE_BOUNDARY]).length > 0 && list(s.Resource).includes('*'));
  if (writesRoles && !denied) problems.push(`${where} writes roles but does not deny ${REMOVE_BOUNDARY} on "*"`);
  return problems;
}

/** Every role the plan creates carries a permissions boundary (`boundary`, when given). */
export function roleBoundaryProblems(resources: PlannedResource[], boundary?: string): string[] {
  return resources
    .filter((r) => r.type === 'aws_iam_role')
    .filter((r) => !r.values.permissions_boundary || (boundary !== undefined && r.values.permissions_boundary !== boundary))
    .map((r) => `${r.address} has the permissions boundary ${JSON.stringify(r.values.permissions_boundary ?? null)}${boundary ? `, not ${boundary}` : ''}`);
}

/** The Lambda runtime the committed Terraform deploys. */
export const TARGET_RUNTIME = 'nodejs24.x';

/**
 * The function module's committed runtime is TARGET_RUNTIME, and the planned function runs it, or
 * `override` where a named gap replaced it in a test copy (MIRROR_GAP_RUNTIME).
 */
export function runtimeProblems(plan: PlanJson, resources: PlannedResource[], override?: string): string[] {
  const problems: string[] = [];
  const committed = plan.configuration.root_module.module_calls?.function?.module.variables?.runtime?.default;
  if (committed !== TARGET_RUNTIME) problems.push(`module.function's runtime defaults to ${JSON.stringify(committed)}, not ${TARGET_RUNTIME}`);
  for (const fn of resources.filter((r) => r.type === 'aws_lambda_function'))
    if (fn.values.runtime !== (override ?? TARGET_RUNTIME)) problems.push(`${fn.address} runs ${String(fn.values.runtime)}, not ${override ?? TARGET_RUNTIME}`);
  return problems;
}

/** The header Telegram sends the webhook secret in. */
export const SECRET_HEADER = 'X-Telegram-Bot-Api-Secret-Token';

/**
 * Only Telegram reaches the webhook: the API's resource policy denies POST on it from outside the
 * source ranges (and does not deny GET /voice), a request validator requires the secret header on
 * that POST, and each route has its own throttle.
 */
export function webhookAccessProblems(resources: PlannedResource[]): string[] {
  const problems: string[] = [];
  const of = (type: string) => resources.filter((r) => r.type === type);
  const pathOf = (method: PlannedResource) => of('aws_api_gateway_resource').find((r) => r.values.id === method.values.resource_id)?.values.path_part;
  const methods = of('aws_api_gateway_method');
  const post = methods.find((m) => m.values.http_method === 'POST');
  const get = methods.find((m) => m.values.http_method === 'GET');
  if (!post || !get) return ['the API has no POST (webhook) or no GET (voice) method'];
  const [webhook, voice] = [pathOf(post), pathOf(get)];

  const policies = of('aws_api_gateway_rest_api_policy').flatMap((p) => statementsOf(p.values.policy));
  const denies = (method: string, path: unknown) =>
    policies.filter((s) => s.Effect === 'Deny' && list(s.Action).includes('execute-api:Invoke') && list(s.Resource).some((r) => r.endsWith(`/${method}/${String(path)}`)));
  const ipDeny = denies('POST', webhook).find((s) => list(s.Condition?.NotIpAddress?.['aws:SourceIp'] as string | string[] | undefined).length > 0);
  if (!ipDeny) problems.push(`no resource policy denies POST /${String(webhook)} from outside the source ranges (aws:SourceIp)`);
  if (denies('GET', voice).length > 0) problems.push(`the resource policy denies GET /${String(voice)}, which Telegram fetches from unpublished addresses`);

  const required = (post.values.request_parameters as Record<string, boolean> | null)?.[`method.request.header.${SECRET_HEADER}`];
  const validator = of('aws_api_gateway_request_validator').find((v) => v.values.id === post.values.request_validator_id);
  if (required !== true || validator?.values.validate_request_parameters !== true)
    problems.push(`POST /${String(webhook)} does not make API Gateway require the ${SECRET_HEADER} header (request parameter plus a validator of request parameters)`);

  const settings = of('aws_api_gateway_method_settings');
  for (const [method, path] of [['POST', webhook], ['GET', voice]] as const) {
    const own = settings.find((s) => s.values.method_path === `${String(path)}/${method}`);
    const limits = ((own?.values.settings ?? []) as { throttling_rate_limit?: number; throttling_burst_limit?: number }[])[0];
    if (!limits || !(Number(limits.throttling_rate_limit) > 0) || !(Number(limits.throttling_burst_limit) > 0)) problems.push(`${method} /${String(path)} has no throttle of its own`);
  }
  return problems;
}

export const MAIN_RESOURCE = {
  api: 'aws_api_gateway_rest_api',
  bucket: 'aws_s3_bucket',
  function: 'aws_lambda_function',
  monitoring: 'aws_cloudwatch_dashboard',
  secret: 'aws_secretsmanager_secret',
  webhook: 'terraform_data',
};

export interface PlanRuleOptions {
  /** The boundary every role must carry and every role write must require. */
  boundary?: string;
  /** The runtime a named gap put in place of the committed one (Workspace.runtimeOverride). */
  runtimeOverride?: string | undefined;
}

export function planProblems(plan: PlanJson, options: PlanRuleOptions = {}): string[] {
  const resources = plannedResources(plan);
  const policies = resources.filter((r) => ['aws_iam_role_policy', 'aws_iam_policy'].includes(r.type) && typeof r.values.policy === 'string');
  return [
    ...iamProblems(resources),
    ...policies.flatMap((r) => roleWriteProblems(JSON.parse(r.values.policy as string) as PolicyDocument, r.address, options.boundary)),
    ...roleBoundaryProblems(resources, options.boundary),
    ...bucketProblems(resources),
    ...lambdaPermissionProblems(resources),
    ...webhookAccessProblems(resources),
    ...runtimeProblems(plan, resources, options.runtimeOverride),
    ...documentationProblems(plan),
    ...namingProblems(plan, MAIN_RESOURCE),
  ];
}
