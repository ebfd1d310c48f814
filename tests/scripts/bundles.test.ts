/**
 * What each Lambda bundle carries: documents are read by the worker alone, so their download, decoding
 * and reading must not weigh on the webhook's cold start. Reads the built dist/ (`npm run build`).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';

const DIST = resolve(import.meta.dirname, '../../dist');
const built = existsSync(resolve(DIST, 'metafile-esm.json'));

/** Source files under function/src/documents/ that went into a bundle, as esbuild's metafile lists them. */
function documentSources(output: 'index' | 'worker'): string[] {
  const metafile = JSON.parse(readFileSync(resolve(DIST, 'metafile-esm.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
  return Object.keys(metafile.outputs[`dist/${output}.mjs`]!.inputs)
    .filter((input) => input.startsWith('function/src/documents/'))
    .map((input) => input.slice('function/src/documents/'.length))
    .sort();
}

const bundle = (output: 'index' | 'worker') => readFileSync(resolve(DIST, `${output}.mjs`), 'utf8');
const MARKERS = ['document not read', 'koi8-r', 'META-INF/container.xml', 'inflateRawSync'];

describe('the Lambda bundles', { skip: !built && 'dist/ is not built: run npm run build' }, () => {
  test("the webhook's bundle carries only the document intake (format and size checks), none of the reading", () => {
    assert.deepEqual(documentSources('index'), ['format.ts', 'intake.ts']);
    // Strings only the reading, the decoding and the unzipping hold, checked in the minified file itself.
    for (const marker of MARKERS) assert.ok(!bundle('index').includes(marker), `dist/index.mjs holds "${marker}"`);
  });

  test("the worker's bundle carries the reading, the decoding and the EPUB reader", () => {
    for (const source of ['reading.ts', 'intake.ts', 'format.ts', 'epub.ts', 'zip.ts']) assert.ok(documentSources('worker').includes(source), `dist/worker.mjs lacks ${source}`);
    for (const marker of MARKERS) assert.ok(bundle('worker').includes(marker), `dist/worker.mjs lacks "${marker}"`);
  });
});
