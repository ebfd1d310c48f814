// Child process of the deploy, kill and load tests: the worker of an unzipped Lambda package
// (worker.mjs), polled from an SQS queue as Lambda's event source mapping would, with exactly the
// environment it was started with. Prints "polling" once it polls, then works until killed.
//
//   node --import tsx tests/terraform/lib/serve-worker.ts <dir with worker.mjs> <queue URL> <queue ARN> <timeout s> [batch size] [maximum concurrency]
//
// The queue is reached at AWS_ENDPOINT_URL_SQS (the local SQS or moto), with the credentials in the environment.
import path from 'node:path';
import { SQSClient } from '@aws-sdk/client-sqs';
import { loadHandler } from '../../../local/apigateway/adapter.ts';
import { startPoller, type SqsHandler } from '../../../local/sqs/poller.ts';

const [dir, queueUrl, queueArn, timeout, batchSize = '5', maximumConcurrency = '2'] = process.argv.slice(2);
if (!dir || !queueUrl || !queueArn || !timeout) throw new Error('usage: serve-worker.ts <dir> <queue URL> <queue ARN> <timeout s> [batch size] [maximum concurrency]');
const handler = await loadHandler<SqsHandler>(path.join(dir, 'worker.mjs'), {});
const client = new SQSClient({ endpoint: process.env.AWS_ENDPOINT_URL_SQS, region: queueArn.split(':')[3] });
startPoller({ client, queueUrl, queueArn, handler, functionTimeoutMs: Number(timeout) * 1000, batchSize: Number(batchSize), maximumConcurrency: Number(maximumConcurrency) });
console.log('polling');
