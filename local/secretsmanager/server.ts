/**
 * A local Secrets Manager with just GetSecretValue, in the service's awsJson1_1 protocol, so the
 * function and dist/webhook.mjs can read the bot secret by ARN offline (AWS_ENDPOINT_URL_SECRETS_MANAGER).
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalSecretsManager {
  endpoint: string;
  /** Stores a secret string under an ARN-shaped id and returns that ARN. */
  put(name: string, secretString: string): string;
  /** How many GetSecretValue calls arrived, per secret id. */
  reads: Map<string, number>;
  /** Every call: its X-Amz-Target, the SecretId asked for, and the SigV4 Authorization header. */
  requests: { target: string; secretId: string | undefined; authorization: string }[];
  close(): Promise<void>;
}

const ACCOUNT = '000000000000';

export async function startSecretsManager({ port = 0, region = 'eu-west-1' } = {}): Promise<LocalSecretsManager> {
  const secrets = new Map<string, { name: string; value: string }>();
  const reads = new Map<string, number>();
  const requests: LocalSecretsManager['requests'] = [];
  const server = createServer(async (req, res) => {
    const parts: Buffer[] = [];
    for await (const part of req) parts.push(part as Buffer);
    const reply = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(body));
    };
    const target = String(req.headers['x-amz-target']);
    const { SecretId } = JSON.parse(Buffer.concat(parts).toString('utf8') || '{}') as { SecretId?: string };
    requests.push({ target, secretId: SecretId, authorization: String(req.headers.authorization) });
    if (target !== 'secretsmanager.GetSecretValue') {
      return reply(400, { __type: 'UnknownOperationException', message: `unsupported operation ${target}` });
    }
    const found = [...secrets.entries()].find(([arn, secret]) => arn === SecretId || secret.name === SecretId);
    if (!SecretId || !found) {
      return reply(400, { __type: 'ResourceNotFoundException', Message: "Secrets Manager can't find the specified secret." });
    }
    reads.set(found[0], (reads.get(found[0]) ?? 0) + 1);
    reply(200, { ARN: found[0], Name: found[1].name, SecretString: found[1].value, VersionId: 'local-1', VersionStages: ['AWSCURRENT'], CreatedDate: Date.now() / 1000 });
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    reads,
    requests,
    put(name, value) {
      const arn = `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${name}-AbCdEf`;
      secrets.set(arn, { name, value });
      return arn;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
