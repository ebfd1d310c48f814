/**
 * A Node.js binary of a given major version, from the npm registry's node-<platform>-<arch> package
 * (a real binary inside it), installed once into a cache outside the repository so clones share it:
 * $VOICEBOT_NODE_CACHE, else $XDG_CACHE_HOME/voicebot, else ~/.cache/voicebot.
 * The Lambda's major is the one in .nvmrc. Used by .ci/run (the suite runs on what Lambda runs),
 * the end-to-end tests (a second run on that Node) and make bench (a row per Node).
 *
 *   node scripts/node-runtime.mjs [major]   prints the binary's path (installing it first if need be),
 *                                           or says why not on stderr and exits 1
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..');

/** The Node major AWS Lambda runs the bundle on, and CI tests on: .nvmrc, the one place it is written. */
export const LAMBDA_NODE_MAJOR = Number(readFileSync(join(ROOT, '.nvmrc'), 'utf8').trim());

export function nodeCacheDir(env = process.env) {
  if (env.VOICEBOT_NODE_CACHE) return resolve(env.VOICEBOT_NODE_CACHE);
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'voicebot');
}

/**
 * This process's Node when it is of `major`, else the cached one, installed when missing.
 * @param {number} major
 * @param {{ install?: boolean, log?: (line: string) => void }} [options]
 * @returns {{ ok: true, path: string, version: string } | { ok: false, why: string }}
 */
export function nodeOfMajor(major, { install = true, log = () => {} } = {}) {
  if (Number(process.versions.node.split('.')[0]) === major) return { ok: true, path: process.execPath, version: process.version };
  const pkg = `node-${process.platform}-${process.arch}`;
  const dir = join(nodeCacheDir(), `node-${major}`);
  const bin = join(dir, 'node_modules', pkg, 'bin', 'node');
  if (!existsSync(bin)) {
    if (!install) return { ok: false, why: `Node ${major} is not in ${dir} (make it with: node scripts/node-runtime.mjs ${major})` };
    log(`Node ${major} is not in ${dir}: npm install ${pkg}@${major} …`);
    // Into a directory of its own, then renamed: parallel test files may ask at the same time.
    const staging = `${dir}.${process.pid}.${Date.now()}`;
    mkdirSync(staging, { recursive: true });
    const npm = spawnSync('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', staging, `${pkg}@${major}`], { encoding: 'utf8' });
    if (npm.status !== 0 || !existsSync(join(staging, 'node_modules', pkg, 'bin', 'node'))) {
      rmSync(staging, { recursive: true, force: true });
      const detail = (npm.stderr || npm.error?.message || '').trim().split('\n').filter(Boolean).at(-1) ?? `exit ${npm.status}`;
      return { ok: false, why: `npm install ${pkg}@${major} failed (${detail}); the npm registry has it for linux x64 and arm64` };
    }
    try {
      renameSync(staging, dir);
    } catch {
      rmSync(staging, { recursive: true, force: true }); // another process was first: use its copy
    }
  }
  const version = spawnSync(bin, ['--version'], { encoding: 'utf8' });
  if (version.status !== 0 || !version.stdout.startsWith(`v${major}.`)) return { ok: false, why: `${bin} does not run as Node ${major}: ${(version.stderr || version.stdout || String(version.error)).trim()}` };
  return { ok: true, path: bin, version: version.stdout.trim() };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const major = Number(process.argv[2] ?? LAMBDA_NODE_MAJOR);
  if (!Number.isInteger(major) || major < 1) {
    process.stderr.write(`usage: node scripts/node-runtime.mjs [major], e.g. ${LAMBDA_NODE_MAJOR}\n`);
    process.exit(2);
  }
  const node = nodeOfMajor(major, { log: (line) => process.stderr.write(`${line}\n`) });
  if (!node.ok) {
    process.stderr.write(`${node.why}\n`);
    process.exit(1);
  }
  process.stdout.write(`${node.path}\n`);
}
