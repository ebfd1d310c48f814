// `make validate` entry point: node --import tsx tests/terraform/lib/cli.ts [DIR]
// Prints one line per problem and a summary; exits 1 when there are problems.
import { checkTree } from './tfcheck.ts';

const dir = process.argv[2] ?? 'terraform';
const { problems, counts } = await checkTree(dir);
for (const p of problems) console.log(p);
console.log(`tfcheck: ${problems.length} problems in ${counts.modules} modules, ${counts.blocks} blocks, ${counts.moduleCalls} module calls`);
process.exitCode = problems.length ? 1 : 0;
