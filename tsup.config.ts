import { defineConfig } from 'tsup';

// One minified ESM file for the Lambda runtime (handler string `index.handler`).
// The AWS SDK is bundled on purpose: a pinned, tree-shaken copy instead of whatever the runtime ships.
export default defineConfig({
  entry: { index: 'function/src/index.ts' },
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
