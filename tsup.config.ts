import { defineConfig } from 'tsup';

// One minified ESM file for the Lambda runtime (handler string `index.handler`), and beside it the
// tools built from the same sources: dist/webhook.mjs (Terraform, the demo) and dist/dev.mjs (`make dev`).
// Each entry is a whole bundle of its own (no splitting), so index.mjs holds nothing of the tools and
// each tool runs with nothing but Node. The AWS SDK is bundled on purpose: a pinned, tree-shaken copy
// instead of whatever the runtime ships.
export default defineConfig({
  entry: { index: 'function/src/index.ts', webhook: 'function/src/tools/webhook.ts', dev: 'function/src/tools/dev.ts' },
  outDir: 'dist',
  format: ['esm'],
  outExtension: () => ({ js: '.mjs' }),
  platform: 'node',
  target: 'node22',
  bundle: true,
  noExternal: [/.*/],
  minify: true,
  sourcemap: true,
  splitting: false,
  treeshake: true,
  clean: true,
  metafile: true,
  // Some SDK dependencies are CommonJS and call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __voicebotCreateRequire } from 'node:module'; const require = __voicebotCreateRequire(import.meta.url);" },
});
