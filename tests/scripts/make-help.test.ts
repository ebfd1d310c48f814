// `make help`, generated from the Makefiles' `## [group] text` comments: the commands a newcomer wants first come first.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
/** The Makefile and the files it includes. */
const MAKEFILES = ['Makefile', ...[...readFileSync(path.join(REPO_ROOT, 'Makefile'), 'utf8').matchAll(/^-?include (\S+)$/gm)].map((m) => m[1]!)];

/** The help's groups in order, each with its targets in order. */
function helpGroups(): [string, string[]][] {
  const help = execFileSync('make', ['--no-print-directory', '-s', 'help'], { cwd: REPO_ROOT, encoding: 'utf8' });
  return help.trim().split(/\n\n/).map((block) => {
    const [title, ...lines] = block.split('\n');
    return [title!, lines.map((line) => /^ {2}make (\S+) /.exec(line)?.[1] ?? `unparsed: ${line}`)];
  });
}

test('make help groups the targets: try it, test, deploy, measure, then the rest', () => {
  const groups = helpGroups();
  assert.deepEqual(groups.map(([title]) => title), ['Try it', 'Test', 'Deploy', 'Measure', 'Build and docs']);
  const targets = Object.fromEntries(groups);
  assert.deepEqual(targets['Try it'], ['demo', 'dev']);
  assert.deepEqual(targets['Deploy']!.slice(0, 5), ['init', 'plan', 'apply', 'destroy', 'logs']);
  assert.ok(targets['Test']!.includes('test'));
  assert.deepEqual(targets['Measure'], ['bench', 'bench-document']);
});

test('every documented target is listed once, under a known group ("Other" stays empty)', () => {
  const documented = MAKEFILES.flatMap((file) => [...readFileSync(path.join(REPO_ROOT, file), 'utf8').matchAll(/^([a-zA-Z_-]+):.*## /gm)].map((m) => m[1]!));
  const listed = helpGroups().flatMap(([, targets]) => targets);
  assert.deepEqual([...listed].sort(), [...documented].sort());
  assert.ok(!helpGroups().some(([title]) => title === 'Other'), 'a target has no [group] tag');
});
