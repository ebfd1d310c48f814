/**
 * The import graph of a source folder, read from the text of its files: every `import … from`,
 * `export … from`, bare `import '…'` and `import('…')` specifier, type-only imports included (a type
 * cycle is still a cycle a reader has to untangle). Relative specifiers are resolved to files.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

export interface ImportEdge {
  /** The specifier as written, e.g. `../context.ts` or `@aws-sdk/client-s3`. */
  specifier: string;
  /** For a relative specifier: the file it names, relative to the repository root. */
  target?: string;
  typeOnly: boolean;
}

/** file (relative to the repository root) → what it imports. */
export type ImportGraph = Map<string, ImportEdge[]>;

const SPECIFIERS = [
  /^\s*(import|export)\s+(type\s+)?[^'";]*?\sfrom\s+['"]([^'"]+)['"]/gm,
  /^\s*import\s+()()['"]([^'"]+)['"]/gm,
  /\bimport\(\s*()()['"]([^'"]+)['"]\s*\)/g,
];

export function importsOf(source: string): { specifier: string; typeOnly: boolean }[] {
  const found: { specifier: string; typeOnly: boolean }[] = [];
  for (const pattern of SPECIFIERS) for (const match of source.matchAll(pattern)) found.push({ specifier: match[3]!, typeOnly: Boolean(match[2]) });
  return found;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return /\.(ts|mts|js|mjs)$/.test(entry.name) ? [path] : [];
  });
}

export function importGraph(root: string, folder: string): ImportGraph {
  const graph: ImportGraph = new Map();
  for (const file of filesUnder(resolve(root, folder))) {
    const edges = importsOf(readFileSync(file, 'utf8')).map(({ specifier, typeOnly }) => ({
      specifier,
      typeOnly,
      ...(specifier.startsWith('.') && { target: relative(root, resolve(dirname(file), specifier)) }),
    }));
    graph.set(relative(root, file), edges);
  }
  return graph;
}

/**
 * Every cycle among the graph's own files, as the strongly connected components (Tarjan) of more
 * than one file, or of one file that imports itself. Each cycle is sorted, so it reads the same in any run.
 */
export function findCycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  let next = 0;
  const visit = (node: string) => {
    index.set(node, next);
    low.set(node, next++);
    stack.push(node);
    onStack.add(node);
    for (const to of graph.get(node) ?? []) {
      if (!graph.has(to)) continue;
      if (!index.has(to)) {
        visit(to);
        low.set(node, Math.min(low.get(node)!, low.get(to)!));
      } else if (onStack.has(to)) low.set(node, Math.min(low.get(node)!, index.get(to)!));
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1 || graph.get(node)?.includes(node)) cycles.push(component.sort());
  };
  for (const node of graph.keys()) if (!index.has(node)) visit(node);
  return cycles;
}

/** The graph's file-to-file arrows only, for findCycles. */
export const fileArrows = (graph: ImportGraph): Map<string, string[]> =>
  new Map([...graph].map(([file, edges]) => [file, edges.flatMap((edge) => (edge.target ? [edge.target] : []))]));
