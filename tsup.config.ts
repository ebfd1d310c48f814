import { readFileSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

// One minified ESM file for the Lambda runtime (handler string `index.handler`), the queue worker's
// (`worker.handler`) and dist/pdf.mjs, PDF.js, which the worker imports only when a PDF arrives
// (documents/pdf-loader.ts); and beside them the tools built from the same sources: dist/webhook.mjs (Terraform, the demo) and dist/dev.mjs (`make dev`).
// Each entry is a whole bundle of its own (no splitting), so index.mjs holds nothing of the tools and
// each tool runs with nothing but Node. The AWS SDK is bundled on purpose: a pinned, tree-shaken copy
// instead of whatever the runtime ships.
const shared = {
  outDir: 'dist',
  format: ['esm'],
  outExtension: () => ({ js: '.mjs' }),
  platform: 'node',
  // The Node Lambda runs, written once in .nvmrc: nothing is rewritten for older runtimes.
  target: `node${readFileSync(new URL('.nvmrc', import.meta.url), 'utf8').trim()}`,
  bundle: true,
  noExternal: [/.*/],
  minify: true,
  sourcemap: true,
  splitting: false,
  treeshake: true,
  metafile: true,
  // Some SDK dependencies are CommonJS and call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __voicebotCreateRequire } from 'node:module'; const require = __voicebotCreateRequire(import.meta.url);" },
} satisfies Options;

export default defineConfig([
  {
    ...shared,
    entry: { index: 'function/src/index.ts', worker: 'function/src/worker.ts', pdf: 'function/src/documents/pdf.ts' },
    esbuildOptions(options) {
      options.alias = { '@aws-sdk/credential-provider-node': './function/src/lambda-credentials.ts' };
    },
  },
  // dist/metafile-esm.json describes the Lambda bundle (make bench reads it); the tools need none.
  { ...shared, entry: { webhook: 'function/src/tools/webhook.ts', dev: 'function/src/tools/dev.ts' }, metafile: false },
]);
