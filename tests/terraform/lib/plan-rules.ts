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
  variables?: Record<string, { description?: string }>;
  outputs?: Record<string, { description?: string }>;
  resources?: { address: string; mode: string; type: string; name: string }[];
  module_calls?: Record<string, { module: ConfigModule }>;
}

export interface PlanJson {
  planned_values: { root_module: PlannedModule };
  configuration: { root_module: ConfigModule };
}

interface Statement {
  Effect: string;
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
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

export const MAIN_RESOURCE = {
  api: 'aws_api_gateway_rest_api',
  bucket: 'aws_s3_bucket',
  function: 'aws_lambda_function',
  monitoring: 'aws_cloudwatch_dashboard',
  secret: 'aws_secretsmanager_secret',
  webhook: 'terraform_data',
};

export function planProblems(plan: PlanJson): string[] {
  const resources = plannedResources(plan);
  return [...iamProblems(resources), ...bucketProblems(resources), ...lambdaPermissionProblems(resources), ...documentationProblems(plan), ...namingProblems(plan, MAIN_RESOURCE)];
}
