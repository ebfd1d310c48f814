/**
 * The end-to-end suite and the kill test once more, on the Node major AWS Lambda runs (.nvmrc), when
 * this run is on another. Both run the built bundle on the test runner's own Node (tests/e2e loads
 * dist/index.mjs in-process, the kill test spawns process.execPath), so they run under a second
 * runner on that Node, installed from npm by scripts/node-runtime.mjs. Without it the test is skipped,
 * saying why; VOICEBOT_REQUIRE_LAMBDA_NODE=1 (CI) makes that a failure.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { LAMBDA_NODE_MAJOR, nodeOfMajor } from '../../scripts/node-runtime.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const FILES = [
  ...readdirSync(join(ROOT, 'tests/e2e'))
    .filter((name) => name.endsWith('.test.ts'))
    .sort()
    .map((name) => `tests/e2e/${name}`),
  'tests/reliability/kill.test.ts',
];
/** Where the second run's whole output goes (test-artifacts/ is gitignored). */
const LOG = join(ROOT, 'test-artifacts', `e2e-node${LAMBDA_NODE_MAJOR}.log`);

/** A run on Lambda's Node (CI's) has run tests/e2e and the kill test on it already: nothing to add. */
const onLambdaNode = Number(process.versions.node.split('.')[0]) === LAMBDA_NODE_MAJOR;

if (!onLambdaNode) test(`tests/e2e and the kill test pass on Node ${LAMBDA_NODE_MAJOR}, the Node Lambda runs`, { timeout: 20 * 60_000 }, async (t) => {
  const node = nodeOfMajor(LAMBDA_NODE_MAJOR, { log: (line) => t.diagnostic(line) });
  if (!node.ok) {
    assert.ok(!process.env.VOICEBOT_REQUIRE_LAMBDA_NODE, `Node ${LAMBDA_NODE_MAJOR} is required here (VOICEBOT_REQUIRE_LAMBDA_NODE) but could not be had: ${node.why}`);
    t.skip(`Node ${LAMBDA_NODE_MAJOR} could not be had: ${node.why}`);
    return;
  }

  // Without NODE_TEST_CONTEXT the second runner reports on its own instead of to this one.
  const { NODE_TEST_CONTEXT: _parent, ...env } = process.env;
  const started = performance.now();
  const child = spawn(node.path, ['--import', 'tsx', '--test', '--test-reporter=tap', ...FILES], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk));
  const code = await new Promise<number | null>((done) => child.on('close', done));
  mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
  writeFileSync(LOG, output);

  const total = (name: string) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(output)?.[1] ?? NaN);
  const [passed, failed, skipped] = [total('pass'), total('fail'), total('skipped')];
  t.diagnostic(`${node.version}: ${passed} passed, ${failed} failed, ${skipped} skipped in ${((performance.now() - started) / 1000).toFixed(0)} s (${FILES.length} files; the whole output: ${LOG})`);
  // What the second run skipped (no Chromium, say) counts as skipped in this run's totals too.
  for (const [, name, reason] of output.matchAll(/^\s*ok \d+ - (.*?) # SKIP ?(.*)$/gm)) {
    await t.test(`${name} (on ${node.version})`, { skip: reason || 'skipped' }, () => {});
  }
  const failures = output.split('\n').filter((line) => /^\s*not ok \d+/.test(line));
  assert.equal(code, 0, `the run on ${node.version} failed (exit ${code}):\n${failures.join('\n')}\n…\n${output.slice(-4000)}`);
  assert.ok(passed > 0 && failed === 0, `the run on ${node.version} reported ${passed} passed, ${failed} failed`);
});
