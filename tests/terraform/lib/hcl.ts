// Loads Terraform modules as JSON (via @cdktf/hcl2json) and pulls references out of expressions.
// hcl2json turns every expression into a "${...}" string and every nested block into an array of
// objects, which is what the checks below rely on.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from '@cdktf/hcl2json';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Obj = { [k: string]: Json };

export interface Block {
  file: string;
  kind: 'resource' | 'data' | 'ephemeral';
  type: string;
  name: string;
  body: Obj;
}

export interface Named {
  file: string;
  name: string;
  body: Obj;
}

export interface Module {
  dir: string;
  files: { file: string; json: Obj; text: string }[];
  parseErrors: string[];
  blocks: Block[];
  moduleCalls: Named[];
  variables: Record<string, Named>;
  locals: Record<string, { file: string; value: Json }>;
  outputs: Record<string, Named>;
  terraform: Obj[];
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const first = (v: Json): Obj => (Array.isArray(v) && isObj(v[0]) ? v[0] : isObj(v) ? v : {});

export async function loadModule(dir: string): Promise<Module> {
  const m: Module = { dir, files: [], parseErrors: [], blocks: [], moduleCalls: [], variables: {}, locals: {}, outputs: {}, terraform: [] };
  const names = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.tf')).sort() : [];
  for (const file of names) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    let json: Obj;
    try {
      json = (await parse(file, text)) as Obj;
    } catch (e) {
      m.parseErrors.push(`${file}: ${String((e as Error).message ?? e).split('\n')[0]}`);
      continue;
    }
    m.files.push({ file, json, text });
    for (const kind of ['resource', 'data', 'ephemeral'] as const) {
      const byType = json[kind];
      if (!isObj(byType)) continue;
      for (const [type, byName] of Object.entries(byType))
        if (isObj(byName)) for (const [name, bodies] of Object.entries(byName)) m.blocks.push({ file, kind, type, name, body: first(bodies) });
    }
    for (const [key, target] of [['module', null], ['variable', m.variables], ['output', m.outputs]] as const) {
      const byName = json[key];
      if (!isObj(byName)) continue;
      for (const [name, bodies] of Object.entries(byName)) {
        const named = { file, name, body: first(bodies) };
        if (target) target[name] = named;
        else m.moduleCalls.push(named);
      }
    }
    for (const l of Array.isArray(json.locals) ? json.locals : []) if (isObj(l)) for (const [k, v] of Object.entries(l)) m.locals[k] = { file, value: v };
    for (const t of Array.isArray(json.terraform) ? json.terraform : []) if (isObj(t)) m.terraform.push(t);
  }
  return m;
}

/** Every string inside a JSON value (object keys included), depth first. */
export function strings(v: Json): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.flatMap(strings);
  if (isObj(v)) return Object.entries(v).flatMap(([k, x]) => [k, ...strings(x)]);
  return [];
}

/** The expression parts ("${ ... }") of a string, nested templates included once. */
export function interpolations(s: string): string[] {
  const out: string[] = [];
  for (let i = s.indexOf('${'); i !== -1; i = s.indexOf('${', i)) {
    let depth = 0;
    let j = i + 1;
    for (; j < s.length; j++) {
      if (s[j] === '{') depth++;
      else if (s[j] === '}' && --depth === 0) break;
    }
    out.push(s.slice(i + 2, j));
    i = j + 1;
  }
  return out;
}

/** Expression text of a JSON value (its interpolations joined), for reference scanning. */
export function exprText(v: Json): string {
  return strings(v).flatMap(interpolations).join('\n');
}

/** Names X referenced as `<prefix>.X` in the value's expressions (prefix: var, local, module, ...). */
export function refs(v: Json | string, prefix: string): Set<string> {
  const text = typeof v === 'string' ? v : exprText(v);
  const re = new RegExp(`(?<![\\w.$-])${prefix}\\.([A-Za-z_][\\w-]*)`, 'g');
  return new Set([...text.matchAll(re)].map((m) => m[1]!));
}

/** Pairs [module name, output name] referenced as module.NAME.OUTPUT (or module.NAME[0].OUTPUT). */
export function moduleRefs(v: Json | string): [string, string][] {
  const text = typeof v === 'string' ? v : exprText(v);
  return [...text.matchAll(/(?<![\w.$-])module\.([A-Za-z_][\w-]*)(?:\[[^\]]*\])?\.([A-Za-z_][\w-]*)/g)].map((m) => [m[1]!, m[2]!]);
}

export { isObj, first };
