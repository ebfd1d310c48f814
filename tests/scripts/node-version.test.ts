/**
 * One Node.js minimum, and one Node for Lambda, stated consistently: package.json's engines accepts
 * no Node that an installed package refuses; .nvmrc names the Lambda's major, which the engines
 * accept, the bundle targets and CI's workflow uses; the docs state the engines' minimum.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import semver from 'semver';
import { LAMBDA_NODE_MAJOR } from '../../scripts/node-runtime.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');
const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
const minimum = semver.minVersion(engines)!;

/** Every installed package (node_modules, nested ones too) that states a Node range. */
function installedEngines(dir = join(ROOT, 'node_modules')): { name: string; range: string }[] {
  const found: { name: string; range: string }[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry.startsWith('.')) continue;
    const path = join(dir, entry);
    if (entry.startsWith('@')) {
      found.push(...installedEngines(path));
      continue;
    }
    const manifest = join(path, 'package.json');
    if (existsSync(manifest)) {
      const { name, version, engines: wanted } = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; version: string; engines?: { node?: unknown } };
      if (typeof wanted?.node === 'string' && semver.validRange(wanted.node)) found.push({ name: `${name}@${version}`, range: wanted.node });
    }
    if (existsSync(join(path, 'node_modules'))) found.push(...installedEngines(join(path, 'node_modules')));
  }
  return found;
}

describe('the Node.js versions', () => {
  test('engines accepts no Node that an installed package refuses', () => {
    const packages = installedEngines();
    assert.ok(packages.length > 50, `found ${packages.length} packages with engines`);
    const narrower = packages.filter(({ range }) => !semver.subset(engines, range));
    assert.deepEqual(narrower, [], `engines "${engines}" also allows Nodes these refuse`);
  });

  test(".nvmrc's major is the Lambda's, within engines, and the bundle's target", () => {
    assert.match(read('.nvmrc'), /^\d+\n?$/, '.nvmrc is one major version');
    assert.ok(semver.intersects(engines, `^${LAMBDA_NODE_MAJOR}`), `engines "${engines}" accepts Node ${LAMBDA_NODE_MAJOR}`);
    assert.match(read('tsup.config.ts'), /target: `node\$\{readFileSync\(new URL\('\.nvmrc'/, 'tsup targets the Node in .nvmrc');
  });

  test('the GitHub workflow sets up the Node in .nvmrc, and the docs state the minimum', () => {
    const workflow = read('.github/workflows/terraform.yml');
    assert.doesNotMatch(workflow, /node-version:/, 'no Node version of its own');
    assert.match(workflow, /node-version-file: \.nvmrc/);
    const stated = `${minimum.major}.${minimum.minor}`;
    for (const page of ['README.md', 'docs/development.md', 'docs/deploy.md']) {
      const versions = [...read(page).matchAll(/Node(?:\.js)? *(?:≥|>=) *(\d+(?:\.\d+)?)/g)].map((match) => match[1]);
      assert.ok(versions.length > 0, `${page} states a minimum Node`);
      assert.deepEqual([...new Set(versions)], [stated], `${page} states Node ≥ ${stated}, the engines' minimum`);
    }
  });
});
