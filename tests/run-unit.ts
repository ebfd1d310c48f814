/**
 * `make test-unit`: every tests/**\/*.unit.test.ts, all in this one process. node --test would start
 * a process per file, and each would load tsx and compile the shared sources again; here they are
 * compiled once (on a busy 2-core machine: about 90 s of wall time became 15-30 s, and a quarter of
 * the CPU).
 *
 * A unit test needs no build and starts no server and no process: this runner refuses to listen on a
 * port or start a child, so a test that does fails saying so. Such a test is named *.test.ts and runs
 * in `make test` only.
 */
import childProcess from 'node:child_process';
import { readdirSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { Server } from 'node:net';
import { join } from 'node:path';
import { describe } from 'node:test';
import { pathToFileURL } from 'node:url';

const TESTS = import.meta.dirname;

function refuse(what: string): () => never {
  return () => {
    throw new Error(`a unit test may not start ${what}: name the file *.test.ts (make test runs it) or use the in-memory ports`);
  };
}

Server.prototype.listen = refuse('a server');
for (const name of ['spawn', 'spawnSync', 'exec', 'execSync', 'execFile', 'execFileSync', 'fork'] as const) {
  Object.assign(childProcess, { [name]: refuse(`a process (child_process.${name})`) });
}
// `import { spawn } from 'node:child_process'` reads the builtin's ESM bindings, which follow these changes only when told.
syncBuiltinESMExports();

const files = readdirSync(TESTS, { recursive: true, encoding: 'utf8' })
  .filter((path) => path.endsWith('.unit.test.ts') && !path.split('/').includes('node_modules'))
  .sort();
/** A file that takes longer has hung (the slowest takes seconds): it fails instead of holding the run. */
const FILE_TIMEOUT_MS = 120_000;
// One suite per file, as node --test reports them: a failure names its file, and a file's top-level
// hooks (before, afterEach …) stay within that file.
for (const file of files) describe(`tests/${file}`, { timeout: FILE_TIMEOUT_MS }, () => import(pathToFileURL(join(TESTS, file)).href));
