/**
 * Which IAM action an AWS request needs, from a request as moto recorded it. The service comes from
 * the SigV4 credential scope; the action from the protocol: X-Amz-Target for JSON services, the
 * Action parameter for query services, and method + path (+ sub-resource) for REST services. A
 * request this table does not know maps to "<service>:UNKNOWN <method> <path>", so a policy test
 * fails with the request to add rather than passing blind.
 */
import type { RecordedRequest } from './moto.ts';

/** S3 bucket sub-resources → the IAM actions for GET, PUT and DELETE (the IAM names differ from the API's). */
const S3_SUBRESOURCES: Record<string, { GET?: string; PUT?: string; DELETE?: string; POST?: string }> = {
  policy: { GET: 'GetBucketPolicy', PUT: 'PutBucketPolicy', DELETE: 'DeleteBucketPolicy' },
  publicAccessBlock: { GET: 'GetBucketPublicAccessBlock', PUT: 'PutBucketPublicAccessBlock', DELETE: 'PutBucketPublicAccessBlock' },
  ownershipControls: { GET: 'GetBucketOwnershipControls', PUT: 'PutBucketOwnershipControls', DELETE: 'PutBucketOwnershipControls' },
  encryption: { GET: 'GetEncryptionConfiguration', PUT: 'PutEncryptionConfiguration', DELETE: 'PutEncryptionConfiguration' },
  lifecycle: { GET: 'GetLifecycleConfiguration', PUT: 'PutLifecycleConfiguration', DELETE: 'PutLifecycleConfiguration' },
  tagging: { GET: 'GetBucketTagging', PUT: 'PutBucketTagging', DELETE: 'PutBucketTagging' },
  acl: { GET: 'GetBucketAcl', PUT: 'PutBucketAcl' },
  cors: { GET: 'GetBucketCORS', PUT: 'PutBucketCORS', DELETE: 'PutBucketCORS' },
  website: { GET: 'GetBucketWebsite', PUT: 'PutBucketWebsite', DELETE: 'DeleteBucketWebsite' },
  versioning: { GET: 'GetBucketVersioning', PUT: 'PutBucketVersioning' },
  accelerate: { GET: 'GetAccelerateConfiguration', PUT: 'PutAccelerateConfiguration' },
  requestPayment: { GET: 'GetBucketRequestPayment', PUT: 'PutBucketRequestPayment' },
  logging: { GET: 'GetBucketLogging', PUT: 'PutBucketLogging' },
  replication: { GET: 'GetReplicationConfiguration', PUT: 'PutReplicationConfiguration', DELETE: 'PutReplicationConfiguration' },
  'object-lock': { GET: 'GetBucketObjectLockConfiguration', PUT: 'PutBucketObjectLockConfiguration' },
  location: { GET: 'GetBucketLocation' },
  notification: { GET: 'GetBucketNotification', PUT: 'PutBucketNotification' },
  versions: { GET: 'ListBucketVersions' },
  delete: { POST: 'DeleteObject' },
};

/** Lambda's REST paths (after the API version) → actions, per method. */
const LAMBDA_ROUTES: [RegExp, Record<string, string>][] = [
  [/^\/functions\/?$/, { POST: 'CreateFunction', GET: 'ListFunctions' }],
  [/^\/functions\/[^/]+\/?$/, { GET: 'GetFunction', DELETE: 'DeleteFunction' }],
  [/^\/functions\/[^/]+\/configuration$/, { GET: 'GetFunctionConfiguration', PUT: 'UpdateFunctionConfiguration' }],
  [/^\/functions\/[^/]+\/code$/, { PUT: 'UpdateFunctionCode' }],
  [/^\/functions\/[^/]+\/versions$/, { GET: 'ListVersionsByFunction', POST: 'PublishVersion' }],
  [/^\/functions\/[^/]+\/policy\/?$/, { GET: 'GetPolicy', POST: 'AddPermission' }],
  [/^\/functions\/[^/]+\/policy\/[^/]+$/, { DELETE: 'RemovePermission' }],
  [/^\/functions\/[^/]+\/code-signing-config$/, { GET: 'GetFunctionCodeSigningConfig' }],
  [/^\/functions\/[^/]+\/concurrency$/, { GET: 'GetFunctionConcurrency', PUT: 'PutFunctionConcurrency', DELETE: 'DeleteFunctionConcurrency' }],
  [/^\/functions\/[^/]+\/event-invoke-config$/, { GET: 'GetFunctionEventInvokeConfig' }],
  [/^\/functions\/[^/]+\/recursion-config$/, { GET: 'GetFunctionRecursionConfig' }],
  [/^\/functions\/[^/]+\/url$/, { GET: 'GetFunctionUrlConfig' }],
  [/^\/tags\/.+$/, { GET: 'ListTags', POST: 'TagResource', DELETE: 'UntagResource' }],
  [/^\/event-source-mappings\/?$/, { POST: 'CreateEventSourceMapping', GET: 'ListEventSourceMappings' }],
  [/^\/event-source-mappings\/[^/]+\/?$/, { GET: 'GetEventSourceMapping', PUT: 'UpdateEventSourceMapping', DELETE: 'DeleteEventSourceMapping' }],
];

const header = (r: RecordedRequest, name: string) => Object.entries(r.headers).find(([k]) => k.toLowerCase() === name)?.[1];
const bodyText = (r: RecordedRequest) => (r.body_encoded ? Buffer.from(r.body ?? '', 'base64').toString('utf8') : (r.body ?? ''));

/** The service a request was signed for: the third field of the SigV4 credential scope. */
export function serviceOf(r: RecordedRequest): string | undefined {
  return /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\/aws4_request/.exec(header(r, 'authorization') ?? '')?.[1];
}

function s3Action(method: string, url: URL): string {
  const [, bucket = '', ...key] = url.pathname.split('/');
  const subresource = [...url.searchParams.keys()].find((k) => k in S3_SUBRESOURCES);
  if (subresource) return S3_SUBRESOURCES[subresource]![method as 'GET'] ?? `UNKNOWN ${method} ?${subresource}`;
  if (!bucket) return method === 'GET' ? 'ListAllMyBuckets' : `UNKNOWN ${method} /`;
  if (key.join('/')) {
    if (url.searchParams.has('versionId') && method === 'DELETE') return 'DeleteObjectVersion';
    return { GET: 'GetObject', HEAD: 'GetObject', PUT: 'PutObject', DELETE: 'DeleteObject' }[method] ?? `UNKNOWN ${method} object`;
  }
  return { PUT: 'CreateBucket', HEAD: 'ListBucket', GET: 'ListBucket', DELETE: 'DeleteBucket' }[method] ?? `UNKNOWN ${method} bucket`;
}

function lambdaAction(method: string, url: URL): string {
  const path = decodeURIComponent(url.pathname).replace(/^\/\d{4}-\d{2}-\d{2}/, '');
  for (const [pattern, actions] of LAMBDA_ROUTES) if (pattern.test(path) && actions[method]) return actions[method]!;
  return `UNKNOWN ${method} ${url.pathname}`;
}

/** The IAM action ("service:Action") a recorded request needs; undefined for one that needs none. */
export function iamActionOf(r: RecordedRequest): string | undefined {
  const service = serviceOf(r);
  if (!service) return undefined;
  const url = new URL(r.url);
  const target = header(r, 'x-amz-target');
  // Smithy RPC v2 (CBOR) names the operation in the path: /service/<Service>/operation/<Operation>.
  const rpcV2 = /^\/service\/[^/]+\/operation\/([^/]+)$/.exec(url.pathname)?.[1];
  let action: string;
  if (target) action = target.split('.').at(-1)!;
  else if (rpcV2) action = rpcV2;
  else if (['iam', 'sts', 'sns', 'monitoring'].includes(service)) action = new URLSearchParams(bodyText(r)).get('Action') ?? url.searchParams.get('Action') ?? `UNKNOWN ${r.method}`;
  else if (service === 's3') action = s3Action(r.method, url);
  else if (service === 'lambda') action = lambdaAction(r.method, url);
  // API Gateway's IAM actions are the HTTP methods on its resource paths.
  else if (service === 'apigateway') action = r.method;
  else action = `UNKNOWN ${r.method} ${url.pathname}`;
  // Every caller may ask who it is; no policy grants or denies it.
  if (service === 'sts' && action === 'GetCallerIdentity') return undefined;
  // CloudWatch signs as "monitoring" but its IAM actions are "cloudwatch:*".
  return `${service === 'monitoring' ? 'cloudwatch' : service}:${action}`;
}

/**
 * The ARN a recorded request acts on where IAM's resource is the request's own path (API Gateway:
 * arn:aws:apigateway:<region>::/restapis/<id>/...); undefined for the other services, whose
 * resources these tests match by action only.
 */
export function iamResourceOf(r: RecordedRequest): string | undefined {
  const region = /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(header(r, 'authorization') ?? '')?.[1];
  return serviceOf(r) === 'apigateway' && region ? `arn:aws:apigateway:${region}::${new URL(r.url).pathname}` : undefined;
}

interface PolicyStatement {
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
}

/** An IAM pattern ("s3:Get*", "arn:aws:apigateway:*::/restapis/*") as a regular expression; `i` for actions, whose case IAM ignores. */
export const glob = (pattern: string, flags = 'i') => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, flags);

export interface Call {
  action: string;
  /** Matched against the statements' Resource patterns when known (iamResourceOf). */
  resource?: string | undefined;
}

/**
 * The calls that no Allow statement of the policy document covers, as "action" or "action on
 * resource". Conditions are not evaluated: a call counts as covered when a statement names its
 * action (and, when the call's resource is known, a matching resource).
 */
export function callsNotAllowed(policy: { Statement: PolicyStatement[] }, calls: Iterable<Call>): string[] {
  const allows = policy.Statement.filter((s) => s.Effect === 'Allow').map((s) => ({
    actions: [s.Action].flat().map((a) => glob(a)),
    resources: [s.Resource].flat().map((r) => glob(r, '')),
  }));
  const covered = (c: Call) => allows.some((s) => s.actions.some((a) => a.test(c.action)) && (c.resource === undefined || s.resources.some((r) => r.test(c.resource!))));
  const names = [...calls].filter((c) => !covered(c)).map((c) => (c.resource ? `${c.action} on ${c.resource}` : c.action));
  return [...new Set(names)].sort();
}
