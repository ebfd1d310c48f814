/**
 * The rules of CloudWatch's Embedded Metric Format a log line must keep for its metrics to be
 * extracted (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html),
 * checked on a parsed line: the problems found, none when the line is valid.
 */
const UNITS = new Set([
  'Seconds', 'Microseconds', 'Milliseconds', 'Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terabytes', 'Bits', 'Kilobits', 'Megabits',
  'Gigabits', 'Terabits', 'Percent', 'Count', 'Bytes/Second', 'Kilobytes/Second', 'Megabytes/Second', 'Gigabytes/Second', 'Terabytes/Second',
  'Bits/Second', 'Kilobits/Second', 'Megabits/Second', 'Gigabits/Second', 'Terabits/Second', 'Count/Second', 'None',
]);
const MAX_METRICS = 100;
const MAX_DIMENSIONS = 30;
const MAX_VALUES = 100;

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const extraKeys = (value: Record<string, unknown>, allowed: string[]) => Object.keys(value).filter((key) => !allowed.includes(key));

export function emfProblems(line: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const aws = line._aws;
  if (!isObject(aws)) return ['no _aws object'];
  if (typeof aws.Timestamp !== 'number' || !Number.isInteger(aws.Timestamp) || aws.Timestamp < 1e12) problems.push('_aws.Timestamp is not a time in milliseconds since the epoch');
  const directives = aws.CloudWatchMetrics;
  if (!Array.isArray(directives) || directives.length === 0) return [...problems, '_aws.CloudWatchMetrics is not a non-empty array'];
  directives.forEach((directive: unknown, i) => {
    const at = `CloudWatchMetrics[${i}]`;
    if (!isObject(directive)) return void problems.push(`${at} is not an object`);
    const extra = extraKeys(directive, ['Namespace', 'Dimensions', 'Metrics']);
    if (extra.length) problems.push(`${at} has members the format does not define: ${extra.join(', ')}`);
    const namespace = directive.Namespace;
    if (typeof namespace !== 'string' || namespace.length < 1 || namespace.length > 255 || namespace.startsWith('AWS/')) problems.push(`${at}.Namespace is not a namespace of 1-255 characters outside AWS/`);
    const sets = directive.Dimensions;
    if (!Array.isArray(sets)) problems.push(`${at}.Dimensions is not an array of dimension sets`);
    else
      for (const set of sets as unknown[]) {
        if (!Array.isArray(set) || set.some((name) => typeof name !== 'string')) {
          problems.push(`${at}.Dimensions holds a set that is not an array of names`);
          continue;
        }
        if (set.length > MAX_DIMENSIONS) problems.push(`${at} has a dimension set of ${set.length} dimensions, more than ${MAX_DIMENSIONS}`);
        for (const name of set as string[]) if (typeof line[name] !== 'string') problems.push(`${at}: dimension ${name} is not a string field of the line`);
      }
    const metrics = directive.Metrics;
    if (!Array.isArray(metrics) || metrics.length === 0) return void problems.push(`${at}.Metrics is not a non-empty array`);
    if (metrics.length > MAX_METRICS) problems.push(`${at} names ${metrics.length} metrics, more than ${MAX_METRICS}`);
    for (const metric of metrics as unknown[]) {
      if (!isObject(metric) || typeof metric.Name !== 'string' || !metric.Name) {
        problems.push(`${at}.Metrics holds a definition without a Name`);
        continue;
      }
      const extraMembers = extraKeys(metric, ['Name', 'Unit', 'StorageResolution']);
      if (extraMembers.length) problems.push(`${at}: metric ${metric.Name} has members the format does not define: ${extraMembers.join(', ')}`);
      if (metric.Unit !== undefined && !UNITS.has(String(metric.Unit))) problems.push(`${at}: metric ${metric.Name} has the unknown unit ${String(metric.Unit)}`);
      const value = line[metric.Name];
      const numbers = Array.isArray(value) ? value : [value];
      if (numbers.length === 0 || numbers.length > MAX_VALUES || numbers.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
        problems.push(`${at}: metric ${metric.Name} is not a number (or up to ${MAX_VALUES} numbers) in a field of the line`);
      }
    }
  });
  return problems;
}

/** The metric directives of a line as `[dimension set, metric names]` pairs, for assertions. */
export function directivesOf(line: Record<string, unknown>): [string[], string[]][] {
  const aws = line._aws as { CloudWatchMetrics: { Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  return aws.CloudWatchMetrics.flatMap((d) => d.Dimensions.map((set): [string[], string[]] => [set, d.Metrics.map((m) => m.Name)]));
}
