/**
 * `make bench-document`: how long a document of the default limit (20,000 characters) takes from the
 * user's send to its voice, through the built bundles on the offline stack (the webhook, the SQS
 * hand-off, the worker under the local mapping poller, the download, decoding, 7 Polly requests one
 * after another, the S3 writes, the join and sendVoice). Polly is a stand-in that answers after a set
 * latency with a tone, so the table separates what Polly's own time adds from what the pipeline
 * costs. Prints a markdown table; BENCH_POLLY_MS lists the latencies (default "0,1000,2000").
 */
import { toneOggOpus } from '../local/audio/ogg-opus-encoder.ts';
import { startLocalStack } from '../local/stack.ts';

const CHARACTERS = 20_000;
const RUNS = 3;
const latencies = (process.env.BENCH_POLLY_MS ?? '0,1000,2000').split(',').map(Number);

/** Whole sentences, up to CHARACTERS; each run's its own, or the audio cache would answer the next runs without Polly. */
function documentText(id: string): string {
  let text = '';
  for (let i = 1; ; i++) {
    const next = `${text ? ' ' : ''}This is sentence number ${i} of document ${id}, which is read aloud.`;
    if (text.length + next.length > CHARACTERS) return text;
    text += next;
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

console.log(`A ${CHARACTERS.toLocaleString('en-US')}-character .txt (a little less: whole sentences), send to voice, ${RUNS} runs each (min / median / max, seconds):\n`);
console.log('| Polly latency per request | Polly requests | time to voice | of which Polly |');
console.log('| --- | --- | --- | --- |');
for (const latencyMs of latencies) {
  const stack = await startLocalStack({
    token: '555000222:BenchDocumentTokenNeverLogged',
    webhookSecret: 'bench_document-Secret',
    bucket: 'voicebot-bench-document',
    startMessage: 'hi',
    env: { MAX_DOCUMENT_CHARACTERS: String(CHARACTERS) },
    // Polly's neural quota; the tone lasts as the text would (a second per 1,000 characters).
    polly: { synthesizer: async ({ text: part }) => toneOggOpus(0.5 + [...part].length / 1_000), latencyMs, quota: { tps: 8, burst: 10, concurrent: 18 } },
  });
  const times: number[] = [];
  let requests = 0;
  try {
    for (let run = 0; run < RUNS; run++) {
      const text = documentText(`${latencyMs}-${run}`);
      const chatId = 880_000 + run;
      const before = stack.polly.requests.length;
      const started = performance.now();
      await stack.telegram.sendUserDocument({ chatId, fileName: 'twenty.txt', mimeType: 'text/plain', bytes: new TextEncoder().encode(text) });
      while (!stack.telegram.sent.some((m) => m.chat_id === chatId && m.kind === 'voice')) await new Promise((resolve) => setTimeout(resolve, 10));
      times.push((performance.now() - started) / 1000);
      requests = stack.polly.requests.length - before;
    }
  } finally {
    await stack.close();
  }
  const seconds = (s: number) => s.toFixed(2);
  console.log(`| ${latencyMs} ms | ${requests} | ${seconds(Math.min(...times))} / ${seconds(median(times))} / ${seconds(Math.max(...times))} | ${seconds((requests * latencyMs) / 1000)} |`);
}
