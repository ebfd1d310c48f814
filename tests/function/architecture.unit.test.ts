/**
 * The walls of function/src, checked on its import graph: no import cycles; only index.ts knows
 * API Gateway; only the ports' implementations reach the AWS SDK; the bot logic knows ports, not
 * implementations; product code never reaches into local/, tests/ or bench/.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';
import { fileArrows, findCycles, importGraph, importsOf, type ImportEdge } from './support/import-graph.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SRC = 'function/src/';
const graph = importGraph(ROOT, SRC);
const inSrc = (path: string) => path.slice(SRC.length);

/** Files of function/src (without the prefix) that import a specifier matching `pattern`. */
const importersOf = (pattern: RegExp) =>
  [...graph].filter(([, edges]) => edges.some((edge) => pattern.test(edge.target ?? edge.specifier))).map(([file]) => inSrc(file)).sort();

describe('the cycle finder', () => {
  test('finds a cycle of three files and a file importing itself, and nothing in a tree', () => {
    const cycles = findCycles(
      new Map([
        ['a', ['b']],
        ['b', ['c', 'd']],
        ['c', ['a']],
        ['d', []],
        ['e', ['e']],
        ['f', ['d', 'outside']],
      ]),
    );
    assert.deepEqual(cycles, [['a', 'b', 'c'], ['e']]);
    assert.deepEqual(findCycles(new Map([['a', ['b', 'c']], ['b', ['c']], ['c', []]])), []);
  });

  test('reads import, export-from, type-only, bare and dynamic imports', () => {
    const source = [
      "import type { A } from './a.ts';",
      "import { B, type C } from '../b.ts';",
      "export { D } from './d.ts';",
      "import './side-effect.ts';",
      "const lazy = await import('./lazy.ts');",
      "import {\n  E,\n  F,\n} from '@aws-sdk/client-s3';",
    ].join('\n');
    assert.deepEqual(importsOf(source), [
      { specifier: './a.ts', typeOnly: true },
      { specifier: '../b.ts', typeOnly: false },
      { specifier: './d.ts', typeOnly: false },
      { specifier: '@aws-sdk/client-s3', typeOnly: false },
      { specifier: './side-effect.ts', typeOnly: false },
      { specifier: './lazy.ts', typeOnly: false },
    ]);
  });
});

describe('function/src', () => {
  test('is read whole: the graph holds the entry point, the ports and the bot', () => {
    for (const file of ['index.ts', 'context.ts', 'bot.ts', 'voice/speak.ts']) assert.ok(graph.has(SRC + file), `${file} was read`);
    const bot = graph.get(`${SRC}bot.ts`)!.map((edge) => edge.target);
    assert.ok(bot.includes(`${SRC}context.ts`), 'bot.ts imports the ports');
  });

  test('every relative import names a file that exists', () => {
    const missing = [...graph].flatMap(([file, edges]) => edges.filter((edge) => edge.target && !graph.has(edge.target) && !edge.target.endsWith('.json')).map((edge) => `${file} -> ${edge.specifier}`));
    assert.deepEqual(missing, []);
  });

  test('has no import cycles, type-only imports included', () => {
    assert.deepEqual(findCycles(fileArrows(graph)), []);
  });

  // The entry points wrap the handler: index.ts for Lambda, tools/dev.ts for `make dev`, which turns
  // long-polled updates into the events API Gateway would send (built by tools/proxy-event.ts); worker.ts for the job queue's SQS events.
  test('only the entry points (index.ts, worker.ts, tools/dev.ts) and the event builder know the Lambda event types (aws-lambda)', () => {
    assert.deepEqual(importersOf(/^aws-lambda$/), ['index.ts', 'tools/dev.ts', 'tools/proxy-event.ts', 'worker.ts']);
  });

  // tools/dev-setup.ts checks, before `make dev` starts, that the bucket it was given exists (HeadBucket);
  // lambda-credentials.ts is the Lambda bundle's credential provider (tsup.config.ts).
  test('only the ports implementations (storage/, speech/polly.ts), the secret reader, the credentials and the dev tool import the AWS SDK', () => {
    const allowed = (file: string) =>
      file.startsWith('storage/') || file === 'speech/polly.ts' || file === 'secrets.ts' || file === 'lambda-credentials.ts' || file === 'tools/dev-setup.ts';
    const sdk = /^@(aws-sdk|smithy)\//;
    const sdkUsers = importersOf(sdk);
    assert.ok(sdkUsers.includes('storage/ledger.ts') && sdkUsers.includes('speech/polly.ts'), `the implementations themselves are seen: ${sdkUsers.join(', ')}`);
    // The voice table speaks Polly's vocabulary (LanguageCode, Engine): types only, nothing that runs.
    const vocabulary = (file: string, edge: ImportEdge) => file.startsWith('speech/') && edge.typeOnly && edge.specifier === '@aws-sdk/client-polly';
    const outside = [...graph].flatMap(([path, edges]) => {
      const file = inSrc(path);
      return allowed(file) ? [] : edges.filter((edge) => sdk.test(edge.specifier) && !vocabulary(file, edge)).map((edge) => `${file} -> ${edge.specifier}`);
    });
    assert.deepEqual(outside, []);
  });

  test('the bot logic (bot.ts, commands/, voice/, replies.ts) depends on the ports, not on their implementations', () => {
    const logic = (file: string) => file === 'bot.ts' || file === 'replies.ts' || file.startsWith('commands/') || file.startsWith('voice/');
    const implementations = /^function\/src\/(storage\/|speech\/polly\.ts$|telegram\/client\.ts$|secrets\.ts$|index\.ts$)/;
    const leaks = [...graph].filter(([file]) => logic(inSrc(file))).flatMap(([file, edges]) => edges.filter((edge) => edge.target && implementations.test(edge.target)).map((edge) => `${inSrc(file)} -> ${edge.specifier}`));
    assert.deepEqual(leaks, []);
  });

  // An implementation imports the ports; were the ports to import from it, even a type, the arrow would run upward.
  test('context.ts, the ports, imports types only, and only from files that hold no implementation (no class, no import of their own)', () => {
    const edges = graph.get(`${SRC}context.ts`)!;
    assert.deepEqual(edges.filter((edge) => !edge.typeOnly).map((edge) => edge.specifier), []);
    const concrete = (target: string) => /^\s*export\s+(abstract\s+)?class\s/m.test(readFileSync(resolve(ROOT, target), 'utf8')) || graph.get(target)!.some((edge) => edge.target);
    assert.deepEqual(edges.filter((edge) => edge.target && concrete(edge.target)).map((edge) => edge.specifier), []);
  });

  test('never imports local/, tests/ or bench/', () => {
    assert.deepEqual(importersOf(/^(local|tests|bench)\//), []);
  });
});

// The stand-ins (local S3, Polly, the Telegram emulator, the API Gateway adapter, the demo) are read
// by tests, the bench and the demo; they never read those back.
describe('local/', () => {
  const LOCAL = 'local/';
  const local = importGraph(ROOT, LOCAL);

  test('is read whole: the graph holds the emulator, the stand-ins and the stack', () => {
    for (const file of ['stack.ts', 'telegram/emulator.ts', 'telegram/state.ts', 's3/server.ts', 'apigateway/adapter.ts']) assert.ok(local.has(LOCAL + file), `${file} was read`);
  });

  test('every relative import names a file that exists', () => {
    const exists = (target: string) => local.has(target) || graph.has(target) || target.endsWith('.json');
    const missing = [...local].flatMap(([file, edges]) => edges.filter((edge) => edge.target && !exists(edge.target)).map((edge) => `${file} -> ${edge.specifier}`));
    assert.deepEqual(missing, []);
  });

  test('has no import cycles, type-only imports included', () => {
    assert.deepEqual(findCycles(fileArrows(local)), []);
  });

  test('never imports tests/ or bench/', () => {
    const outward = [...local].flatMap(([file, edges]) => edges.filter((edge) => edge.target && /^(tests|bench)\//.test(edge.target)).map((edge) => `${file} -> ${edge.specifier}`));
    assert.deepEqual(outward, []);
  });
});
