/**
 * `make dev`'s first step, before the build: the runner's own checks (function/src/tools/dev-setup.ts)
 * run from source, so a missing token or bucket is said in a second, every problem at once.
 */
import { checkDevSetup, liveDevProbes } from '../../function/src/tools/dev-setup.ts';
import { SetupProblems } from '../../function/src/tools/cli.ts';

try {
  await checkDevSetup(process.env, liveDevProbes(process.env));
} catch (error) {
  if (!(error instanceof SetupProblems)) throw error;
  process.stderr.write(`${error.message}:\n${error.problems.map((problem) => `  ✗ ${problem}\n`).join('')}`);
  process.exitCode = 1;
}
