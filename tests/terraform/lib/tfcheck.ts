// Offline approximation of `terraform validate`: checks a root module and every local module it calls
// against a trimmed copy of the provider schemas (tests/terraform/schema/providers.json), without a
// terraform binary or provider downloads.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { exprText, first, isObj, loadModule, moduleRefs, refs, type Json, type Module, type Obj } from './hcl.ts';

export interface SchemaNode {
  a: Record<string, 0 | 1>;
  b: Record<string, { min: number; max: number | null; n: SchemaNode }>;
}
export interface Schema {
  providers: Record<string, string>;
  resource: Record<string, SchemaNode>;
  data: Record<string, SchemaNode>;
  ephemeral: Record<string, SchemaNode>;
}

export const SCHEMA_PATH = fileURLToPath(new URL('../schema/providers.json', import.meta.url));
export const loadSchema = (file = SCHEMA_PATH): Schema => JSON.parse(fs.readFileSync(file, 'utf8'));

const node = (a: Record<string, 0 | 1>, b: SchemaNode['b'] = {}): SchemaNode => ({ a, b });
// Built into Terraform, so absent from any provider schema.
const BUILTIN_RESOURCES: Record<string, SchemaNode> = {
  terraform_data: node({ input: 0, triggers_replace: 0 }),
};
const CONDITION = { min: 0, max: null, n: node({ condition: 1, error_message: 1 }) };
const LIFECYCLE = node(
  { create_before_destroy: 0, prevent_destroy: 0, ignore_changes: 0, replace_triggered_by: 0 },
  { precondition: CONDITION, postcondition: CONDITION },
);
const PROVISIONERS: Record<string, SchemaNode> = {
  'local-exec': node({ command: 1, working_dir: 0, interpreter: 0, environment: 0, when: 0, on_failure: 0, quiet: 0 }),
  'remote-exec': node({ inline: 0, script: 0, scripts: 0, when: 0, on_failure: 0 }),
  file: node({ source: 0, content: 0, destination: 1, when: 0, on_failure: 0 }),
};
const META = new Set(['count', 'for_each', 'depends_on', 'provider', 'connection']);
const MODULE_META = new Set(['source', 'version', 'providers', 'count', 'for_each', 'depends_on']);
const PROVIDER_PREFIXES = /^(aws|random|archive|null|terraform)_/;

export interface CheckResult {
  problems: string[];
  modules: Map<string, Module>;
  counts: { modules: number; blocks: number; moduleCalls: number };
}

export async function checkTree(rootDir: string, schema: Schema = loadSchema()): Promise<CheckResult> {
  const root = path.resolve(rootDir);
  const problems: string[] = [];
  const modules = new Map<string, Module>();
  const counts = { modules: 0, blocks: 0, moduleCalls: 0 };
  const rel = (dir: string, file = '') => path.relative(root, path.join(dir, file)) || '.';

  async function load(dir: string): Promise<Module> {
    let m = modules.get(dir);
    if (!m) {
      m = await loadModule(dir);
      modules.set(dir, m);
    }
    return m;
  }

  function checkBody(where: string, body: Obj, spec: SchemaNode, meta: Set<string>) {
    for (const [k, v] of Object.entries(body)) {
      if (meta.has(k)) continue;
      if (k === 'lifecycle' && meta === META) {
        for (const item of asBlocks(v)) checkBody(`${where}.lifecycle`, item, LIFECYCLE, new Set());
        continue;
      }
      if (k === 'provisioner' && meta === META && isObj(v)) {
        for (const [ptype, items] of Object.entries(v)) {
          const p = PROVISIONERS[ptype];
          if (!p) problems.push(`${where}: unknown provisioner "${ptype}"`);
          else for (const item of asBlocks(items)) checkBody(`${where}.provisioner.${ptype}`, item, p, new Set());
        }
        continue;
      }
      if (k === 'dynamic' && isObj(v)) {
        for (const [bname, dyns] of Object.entries(v)) {
          const b = spec.b[bname];
          if (!b) {
            problems.push(`${where}: unknown dynamic block "${bname}"`);
            continue;
          }
          for (const d of asBlocks(dyns)) {
            if (!('for_each' in d)) problems.push(`${where}: dynamic "${bname}" has no for_each`);
            for (const c of asBlocks(d.content ?? null)) checkBody(`${where}.${bname}`, c, b.n, new Set());
          }
        }
        continue;
      }
      if (k in spec.a) continue;
      const b = spec.b[k];
      if (b) {
        const items = asBlocks(v);
        if (items.length === 0 && v !== null) problems.push(`${where}: "${k}" is a block, not an argument (write ${k} { ... })`);
        if (b.max !== null && items.length > b.max) problems.push(`${where}: block "${k}" given ${items.length} times, at most ${b.max}`);
        for (const item of items) checkBody(`${where}.${k}`, item, b.n, new Set());
        continue;
      }
      problems.push(`${where}: unsupported argument or block "${k}"`);
    }
    const dynamicNames = new Set(isObj(body.dynamic) ? Object.keys(body.dynamic) : []);
    for (const [a, required] of Object.entries(spec.a)) if (required && a !== 'id' && !(a in body)) problems.push(`${where}: missing required argument "${a}"`);
    for (const [b, s] of Object.entries(spec.b)) if (s.min > 0 && !(b in body) && !dynamicNames.has(b)) problems.push(`${where}: missing required block "${b}"`);
  }

  async function checkModule(dir: string): Promise<void> {
    const m = await load(dir);
    counts.modules++;
    for (const e of m.parseErrors) problems.push(`${rel(dir, '')}/${e}`.replace(/^\.\//, ''));

    const declared = new Set(m.blocks.map((b) => `${b.kind}.${b.type}.${b.name}`));
    const dynamicNames = new Set<string>();
    for (const b of m.blocks) collectDynamicNames(b.body, dynamicNames);

    for (const b of m.blocks) {
      counts.blocks++;
      const where = `${rel(dir, b.file)}: ${b.kind} ${b.type}.${b.name}`;
      const spec = b.kind === 'resource' ? (schema.resource[b.type] ?? BUILTIN_RESOURCES[b.type]) : schema[b.kind]?.[b.type];
      if (!spec) problems.push(`${where}: unknown ${b.kind === 'data' ? 'data source' : b.kind} type`);
      else checkBody(where, b.body, spec, META);
    }

    for (const [name, v] of Object.entries(m.variables)) {
      const where = `${rel(dir, v.file)}: variable "${name}"`;
      if (typeof v.body.description !== 'string' || !v.body.description.trim()) problems.push(`${where}: has no description`);
      if (!('type' in v.body)) problems.push(`${where}: has no type`);
    }
    for (const [name, o] of Object.entries(m.outputs)) {
      const where = `${rel(dir, o.file)}: output "${name}"`;
      if (typeof o.body.description !== 'string' || !o.body.description.trim()) problems.push(`${where}: has no description`);
      if (!('value' in o.body)) problems.push(`${where}: has no value`);
    }

    // References, per file so a problem names where it is.
    for (const f of m.files) {
      const text = exprText(f.json);
      const where = rel(dir, f.file);
      for (const v of refs(text, 'var')) if (!(v in m.variables)) problems.push(`${where}: reference to undeclared variable var.${v}`);
      for (const l of refs(text, 'local')) if (!(l in m.locals)) problems.push(`${where}: reference to undeclared local.${l}`);
      for (const [kind, re] of [
        ['data', /(?<![\w.$-])data\.([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)/g],
        ['ephemeral', /(?<![\w.$-])ephemeral\.([a-z][a-z0-9_]*)\.([A-Za-z_][\w-]*)/g],
        ['resource', /(?<![\w.$-])([a-z][a-z0-9]*_[a-z0-9_]+)\.([A-Za-z_][\w-]*)/g],
      ] as const) {
        for (const [, type, name] of text.matchAll(re)) {
          if (kind === 'resource' && (!PROVIDER_PREFIXES.test(type!) || dynamicNames.has(type!))) continue;
          if (!declared.has(`${kind}.${type}.${name}`)) problems.push(`${where}: reference to undeclared ${kind === 'resource' ? '' : `${kind}.`}${type}.${name}`);
        }
      }
    }

    for (const call of m.moduleCalls) {
      counts.moduleCalls++;
      const where = `${rel(dir, call.file)}: module "${call.name}"`;
      const src = call.body.source;
      if (typeof src !== 'string') {
        problems.push(`${where}: has no source`);
        continue;
      }
      if (!src.startsWith('./') && !src.startsWith('../')) continue; // registry modules are not checked offline
      const sub = path.resolve(dir, src);
      if (!fs.existsSync(sub) || !fs.readdirSync(sub).some((f) => f.endsWith('.tf'))) {
        problems.push(`${where}: source ${src} has no .tf files`);
        continue;
      }
      const child = await load(sub);
      for (const k of Object.keys(call.body)) if (!MODULE_META.has(k) && !(k in child.variables)) problems.push(`${where}: module has no variable "${k}"`);
      for (const [vn, vb] of Object.entries(child.variables)) if (!('default' in vb.body) && !(vn in call.body)) problems.push(`${where}: required variable "${vn}" not given`);
      if (!counted.has(sub)) {
        counted.add(sub);
        await checkModule(sub);
      }
    }
    const calls = new Map(m.moduleCalls.map((c) => [c.name, c]));
    for (const f of m.files) {
      for (const [mn, out] of moduleRefs(f.json)) {
        const call = calls.get(mn);
        if (!call) {
          problems.push(`${rel(dir, f.file)}: reference to undeclared module.${mn}`);
          continue;
        }
        const child = typeof call.body.source === 'string' ? modules.get(path.resolve(dir, call.body.source)) : undefined;
        if (child && !(out in child.outputs)) problems.push(`${rel(dir, f.file)}: module.${mn} has no output "${out}"`);
      }
    }
  }

  const counted = new Set<string>([root]);
  if (!fs.existsSync(root)) problems.push(`no such directory: ${rootDir}`);
  else await checkModule(root);
  return { problems, modules, counts };
}

function asBlocks(v: Json | undefined): Obj[] {
  if (Array.isArray(v)) return v.filter(isObj);
  return [];
}

function collectDynamicNames(v: Json, out: Set<string>) {
  if (Array.isArray(v)) v.forEach((x) => collectDynamicNames(x, out));
  else if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (k === 'dynamic' && isObj(x)) for (const n of Object.keys(x)) out.add(n);
      collectDynamicNames(x, out);
    }
  }
}

export { first };
