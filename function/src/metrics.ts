/**
 * The metrics of one job, written into its log line in CloudWatch Embedded Metric Format
 * (docs/metrics.md is the contract): CloudWatch Logs turns them into metrics on ingestion, so they
 * cost no API call, no SDK and no permission. Dimensions are few and bounded; never a chat id.
 */
import { METRICS_NAMESPACE } from './constants.ts';
import type { Synthesizer } from './context.ts';
import type { JobLine, Outcome, Trace } from './facts.ts';
import { billedCharacters } from './speech/text.ts';

type Unit = 'Count' | 'Milliseconds';

/** Every metric and its unit: a metric added here is on every line, and named in its directive. */
const UNITS = {
  Updates: 'Count',
  Voices: 'Count',
  CacheHits: 'Count',
  Refusals: 'Count',
  Errors: 'Count',
  PollyRequests: 'Count',
  PollyErrors: 'Count',
  PollyCharacters: 'Count',
  BudgetCharacters: 'Count',
  LatencyMs: 'Milliseconds',
  PollyMs: 'Milliseconds',
  S3Ms: 'Milliseconds',
  TelegramMs: 'Milliseconds',
} as const satisfies Record<string, Unit>;

type MetricName = keyof typeof UNITS;
type Dimension = 'FunctionName' | 'Reason' | 'ErrorKind' | 'Engine';

interface MetricDirective {
  Namespace: string;
  Dimensions: Dimension[][];
  Metrics: { Name: MetricName; Unit: Unit }[];
}

/** The outcomes that put a voice in the user's hands: sent to a chat, or returned to Telegram's fetch of an inline result. */
const VOICED: ReadonlySet<Outcome> = new Set(['voice_sent', 'voice_served']);

/** Counts the requests, failures and billed characters that reach Polly, on the job's trace. */
export function meteredSynthesizer(synthesizer: Synthesizer, trace: Trace): Synthesizer {
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

/**
 * The job's log line with its metrics added: each metric and dimension a top-level field, and
 * `_aws` naming them, one directive per dimension set. The sets with Reason, ErrorKind or Engine
 * appear only on lines that have that dimension's value.
 */
export function withMetrics(line: JobLine, trace: Pick<Trace, 'polly' | 'failedStage'>, functionName: string, timestamp = Date.now()) {
  const { refused, engine } = line;
  const failed = line.outcome === 'failed';
  const voiced = VOICED.has(line.outcome);
  const values: Partial<Record<MetricName, number>> = {
    Updates: 1,
    Voices: count(voiced),
    CacheHits: count(voiced && (line.cache === 's3' || line.cache === 'telegram')),
    Refusals: count(refused !== undefined),
    Errors: count(failed),
    PollyRequests: trace.polly.requests,
    PollyErrors: trace.polly.errors,
    PollyCharacters: trace.polly.characters,
    ...(line.budget_used !== undefined && { BudgetCharacters: line.budget_used }),
    LatencyMs: line.total_ms,
    PollyMs: line.polly_ms,
    S3Ms: line.s3_ms,
    TelegramMs: line.telegram_ms,
  };
  const named = Object.keys(values) as MetricName[];
  const directive = (dimensions: Dimension[], names: MetricName[]): MetricDirective => ({
    Namespace: METRICS_NAMESPACE,
    Dimensions: [dimensions],
    Metrics: names.map((Name) => ({ Name, Unit: UNITS[Name] })),
  });

  const dimensions: Partial<Record<Dimension, string>> = { FunctionName: functionName };
  const directives = [directive(['FunctionName'], named)];
  if (refused) {
    dimensions.Reason = refused;
    directives.push(directive(['FunctionName', 'Reason'], ['Refusals']));
  }
  if (failed) {
    dimensions.ErrorKind = line.error_kind ?? trace.failedStage ?? 'internal';
    directives.push(directive(['FunctionName', 'ErrorKind'], ['Errors']));
  }
  if (engine) {
    dimensions.Engine = engine;
    directives.push(directive(['FunctionName', 'Engine'], ['PollyCharacters']));
  }
  return { ...line, ...dimensions, ...values, _aws: { Timestamp: timestamp, CloudWatchMetrics: directives } };
}
