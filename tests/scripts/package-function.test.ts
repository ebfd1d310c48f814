// scripts/package-function.mjs writes the Lambda zip that Terraform deploys by its hash.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// @ts-expect-error -- a plain .mjs build script without type declarations
import { deterministicZip } from '../../scripts/package-function.mjs';

const zip = deterministicZip as (files: { name: string; content: Buffer }[]) => Buffer;

/** What python's zipfile (an independent reader) sees in a zip: names, dates, modes and contents. */
function readWithPython(bytes: Buffer) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'voicebot-zip-')), 'package.zip');
  fs.writeFileSync(file, bytes);
  const script = `import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
assert z.testzip() is None
print(json.dumps([{"name": i.filename, "date": list(i.date_time), "mode": oct(i.external_attr >> 16), "content": z.read(i).decode()} for i in z.infolist()]))`;
  const r = spawnSync('python3', ['-c', script, file], { encoding: 'utf8' });
  fs.rmSync(path.dirname(file), { recursive: true });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { name: string; date: number[]; mode: string; content: string }[];
}

describe('the function package', () => {
  const bundle = Buffer.from('export const handler = async () => ({ statusCode: 200, body: "ok" });\n'.repeat(50));

  test('is the same bytes every time it is built from the same bundle', () => {
    assert.deepEqual(zip([{ name: 'index.mjs', content: bundle }]), zip([{ name: 'index.mjs', content: Buffer.from(bundle) }]));
  });

  test('changes when the code does', () => {
    assert.notDeepEqual(zip([{ name: 'index.mjs', content: bundle }]), zip([{ name: 'index.mjs', content: Buffer.concat([bundle, Buffer.from('//')]) }]));
  });

  test('is a valid zip with index.mjs at its root, dated 1980-01-01, mode 0644', () => {
    const [entry, ...rest] = readWithPython(zip([{ name: 'index.mjs', content: bundle }]));
    assert.deepEqual(rest, []);
    assert.deepEqual(entry, { name: 'index.mjs', date: [1980, 1, 1, 0, 0, 0], mode: '0o100644', content: bundle.toString() });
  });

  test('holds the three Lambda bundles side by side: the webhook, the worker and PDF.js, which the worker imports beside itself', () => {
    const dist = fs.mkdtempSync(path.join(os.tmpdir(), 'voicebot-dist-'));
    try {
      for (const name of ['index.mjs', 'worker.mjs', 'pdf.mjs', 'dev.mjs']) fs.writeFileSync(path.join(dist, name), `// ${name}\n`);
      const script = fileURLToPath(new URL('../../scripts/package-function.mjs', import.meta.url));
      const built = spawnSync(process.execPath, [script, '--dist', dist], { encoding: 'utf8' });
      assert.equal(built.status, 0, built.stderr);
      assert.deepEqual(readWithPython(fs.readFileSync(path.join(dist, 'function.zip'))).map((entry) => [entry.name, entry.content]), [
        ['index.mjs', '// index.mjs\n'],
        ['worker.mjs', '// worker.mjs\n'],
        ['pdf.mjs', '// pdf.mjs\n'],
      ]);
      fs.rmSync(path.join(dist, 'pdf.mjs'));
      const missing = spawnSync(process.execPath, [script, '--dist', dist], { encoding: 'utf8' });
      assert.equal(missing.status, 1);
      assert.match(missing.stderr, /pdf\.mjs is missing/);
    } finally {
      fs.rmSync(dist, { recursive: true });
    }
  });
});
