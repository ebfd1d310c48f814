/**
 * moto, a local AWS, as a server over TLS (our bucket policy denies plain HTTP, and moto enforces
 * that deny). It records every request it serves into a JSON-lines file while recording is on, so
 * a test can tell which AWS actions a deploy needed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request as httpsRequest } from 'node:https';

export const MOTO_REGION = 'us-east-1';
/** moto's default account: every ARN it returns carries it. */
export const MOTO_ACCOUNT = '123456789012';

/**
 * MOTO_GAP_REST_API_POLICY: AWS hands a REST API's resource policy back JSON-escaped
 * ({\"Version\":...}) and the AWS provider unescapes it; moto hands it back as it was given, which
 * the provider cannot read ("invalid character ... after top-level value"). moto's server starts
 * with this patch, which answers in AWS's form.
 */
const MOTO_GAP_REST_API_POLICY = `
import json
from moto.apigateway import models
to_dict = models.RestAPI.to_dict
def to_dict_as_aws(self):
    answer = to_dict(self)
    if answer.get("policy"):
        answer["policy"] = json.dumps(answer["policy"])[1:-1]
    return answer
models.RestAPI.to_dict = to_dict_as_aws`;

/** Why moto cannot run here, or undefined when it can. */
export function missingMoto(): string | undefined {
  const r = spawnSync('python3', ['-c', 'import moto.server, boto3; print(__import__("moto").__version__)'], { encoding: 'utf8' });
  return r.status === 0 ? undefined : "moto's server is not installed for python3 (pip install 'moto[server]')";
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
  body_encoded: boolean;
}

export interface Moto {
  endpoint: string;
  /** Credentials moto accepts (any); the SDK and Terraform need some. */
  env: Record<string, string>;
  setRecording(on: boolean): Promise<void>;
  recording(): RecordedRequest[];
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Accepts moto's self-signed certificate, for this module's own calls to moto's control API. */
const insecureAgent = new Agent({ rejectUnauthorized: false });

function request(url: string, method = 'GET'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, agent: insecureAgent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * The JSON objects on one line of moto's recording. Its recorder writes an entry and its newline in
 * two writes from concurrent request threads, so two entries can share a line ("{…}{…}").
 */
export function jsonObjects(line: string): string[] {
  const objects: string[] = [];
  let depth = 0;
  let start = 0;
  let inString = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' && depth++ === 0) start = i;
    else if (c === '}' && --depth === 0) objects.push(line.slice(start, i + 1));
  }
  return objects;
}

export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const recordingFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'voicebot-moto-')), 'recording.jsonl');
  fs.writeFileSync(recordingFile, '');
  const child: ChildProcess = spawn('python3', ['-c', `${MOTO_GAP_REST_API_POLICY}\nfrom moto.server import main; main(['-H', '127.0.0.1', '-p', '${port}', '-s'])`], {
    // MOTO_GAP_MANAGED_POLICIES: moto knows AWS-managed policies (the API's CloudWatch role attaches
    // one) only when asked to load them.
    env: { ...process.env, MOTO_RECORDER_FILEPATH: recordingFile, MOTO_ENABLE_RECORDING: '', MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const endpoint = `https://127.0.0.1:${port}`;

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto exited with ${child.exitCode}: ${stderr}`);
    try {
      if ((await request(`${endpoint}/moto-api/data.json`)) === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`moto did not start within 30 s: ${stderr}`);
    await sleep(200);
  }

  return {
    endpoint,
    env: { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: MOTO_REGION, AWS_DEFAULT_REGION: MOTO_REGION },
    async setRecording(on) {
      const status = await request(`${endpoint}/moto-api/recorder/${on ? 'start' : 'stop'}-recording`, 'POST');
      if (status !== 200) throw new Error(`moto recorder answered ${status}`);
    },
    recording: () =>
      fs
        .readFileSync(recordingFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .flatMap(jsonObjects)
        .map((text) => JSON.parse(text) as RecordedRequest),
    async close() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((resolve) => child.once('exit', resolve));
      }
      fs.rmSync(path.dirname(recordingFile), { recursive: true, force: true });
    },
  };
}
