// Child process of the deploy test: serves an unzipped Lambda package behind the local API Gateway
// adapter, with exactly the environment it was started with (the function's, as Terraform configured
// it, plus endpoint variables). Prints the gateway's URL as one line, then serves until killed.
//
//   node --import tsx tests/terraform/lib/serve-deployed.ts <dir with index.mjs> [lambda timeout ms]
//
// The kill test (tests/reliability/kill.test.ts) serves dist/ the same way, with a short Lambda timeout.
import path from 'node:path';
import { loadHandler, startApiGateway } from '../../../local/apigateway/adapter.ts';

const dir = process.argv[2];
if (!dir) throw new Error('usage: serve-deployed.ts <unzipped package dir> [lambda timeout ms]');
const lambdaTimeoutMs = process.argv[3] ? Number(process.argv[3]) : undefined;
const handler = await loadHandler(path.join(dir, 'index.mjs'), {});
const gateway = await startApiGateway({ handler, ...(lambdaTimeoutMs && { lambdaTimeoutMs }) });
console.log(gateway.url);
