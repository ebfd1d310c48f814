// scripts/refresh-voices.mjs against a local stand-in for Polly's DescribeVoices (GET /v1/voices), run as a
// child process exactly as a developer runs it, writing to a temporary file.
import http from 'node:http';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath as toPath } from 'node:url';
import { runScript } from './run-script.ts';

process.chdir(toPath(new URL('../..', import.meta.url)));

interface PollyVoice {
  Id: string;
  Name: string;
  LanguageCode: string;
  LanguageName: string;
  Gender: string;
  SupportedEngines: string[];
  AdditionalLanguageCodes?: string[];
}
const voice = (Id: string, LanguageCode: string, Gender: string, SupportedEngines: string[], AdditionalLanguageCodes?: string[]): PollyVoice => ({
  Id, Name: Id, LanguageCode, LanguageName: LanguageCode, Gender, SupportedEngines, ...(AdditionalLanguageCodes ? { AdditionalLanguageCodes } : {}),
});

/** Polly's answer over two pages, deliberately unsorted. */
const PAGES: PollyVoice[][] = [
  [voice('Tatyana', 'ru-RU', 'Female', ['standard']), voice('Joanna', 'en-US', 'Female', ['neural', 'generative', 'standard'])],
  [voice('Kajal', 'en-IN', 'Female', ['neural', 'generative'], ['hi-IN']), voice('Maxim', 'ru-RU', 'Male', ['standard'])],
];

/** No profile or real credentials from the developer's shell: test ones, and the stub's endpoint. */
const run = (args: string[], env: Record<string, string>) =>
  runScript('scripts/refresh-voices.mjs', args, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'eu-central-1', ...env });

describe('scripts/refresh-voices.mjs', () => {
  let server: http.Server;
  let endpoint: string;
  let requests: URL[];
  let pages: PollyVoice[][];
  let status: number;
  let dir: string;
  let out: string;

  before(async () => {
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://stub');
      requests.push(url);
      res.setHeader('content-type', 'application/json');
      if (req.method !== 'GET' || url.pathname !== '/v1/voices') {
        res.statusCode = 404;
        res.end('{"message":"not found"}');
        return;
      }
      if (status !== 200) {
        res.statusCode = status;
        res.setHeader('x-amzn-errortype', 'AccessDeniedException');
        res.end('{"message":"User is not authorized to perform: polly:DescribeVoices"}');
        return;
      }
      const index = Number(url.searchParams.get('NextToken') ?? '0');
      const next = index + 1 < pages.length ? { NextToken: String(index + 1) } : {};
      res.end(JSON.stringify({ Voices: pages[index] ?? [], ...next }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(async () => {
    requests = [];
    pages = PAGES;
    status = 200;
    dir = await mkdtemp(join(tmpdir(), 'refresh-voices-'));
    out = join(dir, 'voices.json');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  test('reads every page with additional language codes and writes the voices sorted by id', async () => {
    const r = await run(['--out', out], { AWS_ENDPOINT_URL_POLLY: endpoint });
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(requests.map((u) => [u.searchParams.get('IncludeAdditionalLanguageCodes'), u.searchParams.get('NextToken')]), [['true', null], ['true', '1']]);
    const written = JSON.parse(await readFile(out, 'utf8'));
    assert.deepEqual(written.voices, [
      ['Joanna', 'en-US', 'Female', ['standard', 'neural', 'generative']],
      ['Kajal', 'en-IN', 'Female', ['neural', 'generative'], ['hi-IN']],
      ['Maxim', 'ru-RU', 'Male', ['standard']],
      ['Tatyana', 'ru-RU', 'Female', ['standard']],
    ]);
    assert.match(r.stdout, /4 voices, 4 changed/);
    assert.match(r.stdout, /^\+ Kajal /m);
  });

  test('writes the same bytes whatever order Polly lists voices in, and says when nothing changed', async () => {
    await run(['--out', out], { AWS_ENDPOINT_URL_POLLY: endpoint });
    const first = await readFile(out, 'utf8');
    pages = [[...PAGES.flat()].reverse()];
    const r = await run(['--out', out], { AWS_ENDPOINT_URL_POLLY: endpoint });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await readFile(out, 'utf8'), first);
    assert.match(r.stdout, /no changes/);
  });

  test('prints the voices added, removed and changed', async () => {
    await run(['--out', out], { AWS_ENDPOINT_URL_POLLY: endpoint });
    pages = [[voice('Maxim', 'ru-RU', 'Male', ['standard', 'neural']), voice('Joanna', 'en-US', 'Female', ['neural', 'generative', 'standard']), voice('Tatyana', 'ru-RU', 'Female', ['standard']), voice('Olga', 'ru-RU', 'Female', ['neural'])]];
    const r = await run(['--out', out], { AWS_ENDPOINT_URL_POLLY: endpoint });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\+ Olga \["ru-RU","Female",\["neural"\]\]$/m);
    assert.match(r.stdout, /^- Kajal /m);
    assert.match(r.stdout, /^~ Maxim .*\["standard"\].* -> .*\["standard","neural"\]/m);
    assert.doesNotMatch(r.stdout, /Joanna/);
  });

  test('fails without touching the file when Polly refuses', async () => {
    await writeFile(out, 'previous');
    status = 403;
    const r = await run(['--out', out], { AWS_ENDPOINT_URL_POLLY: endpoint });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not authorized/);
    assert.equal(await readFile(out, 'utf8'), 'previous');
  });

  test('rejects an unknown option with exit code 2', async () => {
    const r = await run(['--output', out], { AWS_ENDPOINT_URL_POLLY: endpoint });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /usage:/);
  });

  test('reproduces the committed voices.json byte for byte from the same voices', async () => {
    const committed = await readFile('function/src/speech/voices.json', 'utf8');
    const rows: [string, string, string, string[], string[]?][] = JSON.parse(committed).voices;
    pages = [rows.map(([id, language, gender, engines, additional]) => voice(id, language, gender, [...engines].reverse(), additional))];
    const r = await run(['--out', out], { AWS_ENDPOINT_URL_POLLY: endpoint });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await readFile(out, 'utf8'), committed);
  });
});
