/**
 * The metrics of one update, written into its log line in CloudWatch Embedded Metric Format
 * (docs/metrics.md is the contract): CloudWatch Logs turns them into metrics on ingestion, so they
 * cost no API call, no SDK and no permission. Dimensions are few and bounded; never a chat id.
 */
import { METRICS_NAMESPACE } from './constants.ts';
import type { Synthesizer } from './context.ts';
import { billedCharacters } from './speech/text.ts';
import type { UpdateTrace } from './trace.ts';

export type RefusalReason = 'rate_limit' | 'allowlist' | 'budget';
export type ErrorKind = 'polly' | 's3' | 'telegram' | 'internal';

type Unit = 'Count' | 'Milliseconds';
type Fields = Record<string, unknown>;

interface MetricDirective {
  Namespace: string;
  Dimensions: string[][];
  Metrics: { Name: string; Unit: Unit }[];
}

/** Counts the requests, failures and billed characters that reach Polly, on the update's trace. */
export function meteredSynthesizer(synthesizer: Synthesizer, trace: UpdateTrace): Synthesizer {
  return {
    async synthesize(request) {
      trace.polly.requests++;
      trace.polly.characters += billedCharacters(request.text);
      try {
        return await synthesizer.synthesize(request);
      } catch (error) {
        trace.polly.errors++;
        throw error;
      }
    },
  };
}

const count = (value: boolean) => (value ? 1 : 0);
const milliseconds = (value: unknown) => (typeof value === 'number' ? value : 0);

/**
 * The update's log fields with its metrics added: each metric and dimension a top-level field, and
 * `_aws` naming them, one directive per dimension set. The sets with Reason, ErrorKind or Engine
 * appear only on lines that have that dimension's value.
 */
export function withMetrics(line: Fields, trace: UpdateTrace, functionName: string, timestamp = Date.now()): Fields {
  const refused = line.refused as RefusalReason | undefined;
  const failed = line.outcome === 'failed';
  const engine = line.engine === 'standard' || line.engine === 'neural' ? line.engine : undefined;
  const voiced = line.outcome === 'voice_sent';
  const values: Record<string, [number, Unit]> = {
    Updates: [1, 'Count'],
    Voices: [count(voiced), 'Count'],
    CacheHits: [count(voiced && (line.cache === 's3' || line.cache === 'telegram')), 'Count'],
    Refusals: [count(refused !== undefined), 'Count'],
    Errors: [count(failed), 'Count'],
    PollyRequests: [trace.polly.requests, 'Count'],
    PollyErrors: [trace.polly.errors, 'Count'],
    PollyCharacters: [trace.polly.characters, 'Count'],
    ...(typeof line.budget_used === 'number' && { BudgetCharacters: [line.budget_used, 'Count'] }),
    LatencyMs: [milliseconds(line.total_ms), 'Milliseconds'],
    PollyMs: [milliseconds(line.polly_ms), 'Milliseconds'],
    S3Ms: [milliseconds(line.s3_ms), 'Milliseconds'],
    TelegramMs: [milliseconds(line.telegram_ms), 'Milliseconds'],
  };
  const metrics = (...names: string[]) => names.map((Name) => ({ Name, Unit: values[Name]![1] }));
  const directive = (dimensions: string[], ...names: string[]): MetricDirective => ({ Namespace: METRICS_NAMESPACE, Dimensions: [dimensions], Metrics: metrics(...names) });

  const dimensions: Fields = { FunctionName: functionName };
  const directives = [directive(['FunctionName'], ...Object.keys(values))];
  if (refused) {
    dimensions.Reason = refused;
    directives.push(directive(['FunctionName', 'Reason'], 'Refusals'));
  }
  if (failed) {
    dimensions.ErrorKind = (line.error_kind as ErrorKind | undefined) ?? trace.failedStage ?? 'internal';
    directives.push(directive(['FunctionName', 'ErrorKind'], 'Errors'));
  }
  if (engine) {
    dimensions.Engine = engine;
    directives.push(directive(['FunctionName', 'Engine'], 'PollyCharacters'));
  }
  return {
    ...line,
    ...dimensions,
    ...Object.fromEntries(Object.entries(values).map(([name, [value]]) => [name, value])),
    _aws: { Timestamp: timestamp, CloudWatchMetrics: directives },
  };
}
