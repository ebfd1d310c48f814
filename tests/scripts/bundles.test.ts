/**
 * What each Lambda bundle carries: documents are read by the worker alone, so their download, decoding
 * and reading must not weigh on the webhook's cold start; and PDF.js is in dist/pdf.mjs alone, which the
 * worker imports only for a PDF. Reads the built dist/ (`npm run build`).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, test } from 'node:test';

const DIST = resolve(import.meta.dirname, '../../dist');
const built = existsSync(resolve(DIST, 'metafile-esm.json'));

/** Source files under function/src/documents/ that went into a bundle, as esbuild's metafile lists them. */
type Output = 'index' | 'worker' | 'pdf';

/** The source files that went into a bundle, as esbuild's metafile lists them. */
function inputsOf(output: Output): string[] {
  const metafile = JSON.parse(readFileSync(resolve(DIST, 'metafile-esm.json'), 'utf8')) as { outputs: Record<string, { inputs: Record<string, unknown> }> };
  return Object.keys(metafile.outputs[`dist/${output}.mjs`]!.inputs);
}

/** Source files under function/src/documents/ that went into a bundle. */
const documentSources = (output: Output): string[] =>
  inputsOf(output)
    .filter((input) => input.startsWith('function/src/documents/'))
    .map((input) => input.slice('function/src/documents/'.length))
    .sort();

const bundle = (output: Output) => readFileSync(resolve(DIST, `${output}.mjs`), 'utf8');
/** Strings of PDF.js's own code (its exceptions, its parser), checked in the minified files. */
const PDF_JS_MARKERS = ['PasswordException', 'InvalidPDFException', 'getTextContent'];
const carriesPdfJs = (output: Output) => inputsOf(output).some((input) => input.includes('node_modules/unpdf/')) || PDF_JS_MARKERS.some((marker) => bundle(output).includes(marker));
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

  test('PDF.js is in dist/pdf.mjs alone: neither the webhook nor the worker carries it, and the worker imports it beside itself at run time', () => {
    assert.equal(carriesPdfJs('index'), false, 'dist/index.mjs carries PDF.js');
    assert.equal(carriesPdfJs('worker'), false, 'dist/worker.mjs carries PDF.js');
    assert.equal(carriesPdfJs('pdf'), true, 'dist/pdf.mjs lacks PDF.js');
    for (const marker of PDF_JS_MARKERS) assert.ok(bundle('pdf').includes(marker), `dist/pdf.mjs lacks "${marker}"`);
    assert.deepEqual(documentSources('pdf'), ['pdf-text.ts', 'pdf.ts']);
    assert.ok(documentSources('worker').includes('pdf-loader.ts') && !documentSources('worker').includes('pdf.ts'), 'the worker holds the loader, not the reader');
    assert.ok(bundle('worker').includes('"./pdf.mjs"'), 'the worker names ./pdf.mjs to import at run time');
  });
});
