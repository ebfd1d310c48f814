/**
 * Writes the generated part of every Terraform README from the .tf files: the root's module table,
 * each module's inputs and outputs, the environment of its Lambda functions and the IAM actions of
 * its policy documents. Only the text between the markers is written, so the prose around it stays.
 *
 *   node --import tsx scripts/terraform-docs.ts           rewrite the stale READMEs (`make docs`)
 *   node --import tsx scripts/terraform-docs.ts --check   list them and exit 1, writing nothing
 *
 * terraform-docs cannot be installed here; HashiCorp's own HCL parser (compiled to WebAssembly in
 * @cdktf/hcl2json) reads the files as Terraform does, without a terraform binary, providers or init.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from '@cdktf/hcl2json';

export const BEGIN = '<!-- BEGIN_TF_DOCS -->';
export const END = '<!-- END_TF_DOCS -->';
/** The command that rewrites stale READMEs; the check and the test name it. */
export const REGENERATE = 'make docs';

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const TERRAFORM_DIR = path.join(REPO_ROOT, 'terraform');

type Value = string | number | boolean | null | Value[] | { [key: string]: Value };
type Block = Record<string, Value>;
/** hcl2json's shape: blocks are lists (a name may be declared in several files), labels are keys. */
interface Config {
  variable?: Record<string, Block[]>;
  output?: Record<string, Block[]>;
  locals?: Block[];
  module?: Record<string, Block[]>;
  resource?: Record<string, Record<string, Block[]>>;
  data?: Record<string, Record<string, Block[]>>;
}

export class TerraformDocsError extends Error {
  override name = 'TerraformDocsError';
}

/** The configuration of one Terraform directory: every .tf file in it (not its subfolders), merged. */
export async function readConfig(dir: string): Promise<Config> {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.tf')).sort();
  let config: Record<string, Value> = {};
  for (const file of files) {
    const filePath = path.join(dir, file);
    let parsed: Record<string, Value>;
    try {
      parsed = (await parse(filePath, fs.readFileSync(filePath, 'utf8'))) as Record<string, Value>;
    } catch (error) {
      throw new TerraformDocsError(`${path.relative(REPO_ROOT, filePath)}: ${(error as Error).message}`);
    }
    config = merge(config, parsed) as Record<string, Value>;
  }
  return config as Config;
}

function merge(a: Value, b: Value): Value {
  if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
  if (isObject(a) && isObject(b)) {
    const out = { ...a };
    for (const [key, value] of Object.entries(b)) out[key] = key in out ? merge(out[key] as Value, value) : value;
    return out;
  }
  return b;
}

const isObject = (v: unknown): v is { [key: string]: Value } => typeof v === 'object' && v !== null && !Array.isArray(v);

// --- rendering values ----------------------------------------------------------------------------

/** The expression inside a string that is one whole `${...}` interpolation, else undefined. */
function wholeExpression(s: string): string | undefined {
  if (!s.startsWith('${')) return undefined;
  let depth = 0;
  for (let i = 1; i < s.length; i++) {
    if (s[i] === '{') depth++;
    else if (s[i] === '}' && --depth === 0) return i === s.length - 1 ? s.slice(2, -1) : undefined;
  }
  return undefined;
}

/** A value as Terraform source, on one line. */
export function hcl(v: Value): string {
  if (typeof v === 'string') return (wholeExpression(v) ?? JSON.stringify(v)).replace(/\s*\n\s*/g, ' ');
  if (Array.isArray(v)) return `[${v.map(hcl).join(', ')}]`;
  if (isObject(v)) {
    const entries = Object.entries(v);
    return entries.length === 0 ? '{}' : `{ ${entries.map(([k, x]) => `${k} = ${hcl(x)}`).join(', ')} }`;
  }
  return String(v);
}

/** Text for a table cell: no line breaks, no bare pipes. */
const cell = (s: string) => s.trim().replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
const code = (s: string) => cell(s.includes('`') ? `\`\` ${s} \`\`` : `\`${s}\``);
// A description as table text: <, > and * stay literal outside its code spans.
const prose = (v: Value | undefined) =>
  cell(
    String(v ?? '')
      .split(/(`[^`]*`)/)
      .map((part, i) => (i % 2 ? part : part.replace(/[<>*]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '*': '\\*' })[c] ?? c)))
      .join(''),
  );
const list = (v: Value | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function first(blocks: Block[] | undefined, what: string): Block {
  const [block, ...more] = blocks ?? [];
  if (!block || more.length > 0) throw new TerraformDocsError(`${what} is declared ${blocks?.length ?? 0} times`);
  return block;
}

// --- sections ------------------------------------------------------------------------------------

function inputs(config: Config): string {
  const rows = Object.entries(config.variable ?? {}).map(([name, blocks]) => {
    const v = first(blocks, `variable "${name}"`);
    const flags = ['sensitive', 'ephemeral'].filter((f) => v[f] === true);
    return [
      code(name) + (flags.length ? ` (${flags.join(', ')})` : ''),
      prose(v.description),
      code(v.type === undefined ? 'any' : hcl(v.type)),
      'default' in v ? code(hcl(v.default as Value)) : 'n/a',
      'default' in v ? 'no' : 'yes',
    ];
  });
  return rows.length ? table(['Name', 'Description', 'Type', 'Default', 'Required'], rows) : 'No inputs.';
}

function outputs(config: Config): string {
  const rows = Object.entries(config.output ?? {}).map(([name, blocks]) => {
    const o = first(blocks, `output "${name}"`);
    return [code(name) + (o.sensitive === true ? ' (sensitive)' : ''), prose(o.description)];
  });
  return rows.length ? table(['Name', 'Description'], rows) : 'No outputs.';
}

function allLocals(config: Config): Record<string, Value> {
  return Object.assign({}, ...(config.locals ?? []));
}

/**
 * The environment variables of a Lambda function, from its `environment.variables`: an object's
 * entries, locals followed to their values, and a map variable as "each of its keys". Anything else
 * would be guessed, so it is an error that says how to write it instead.
 */
function environmentRows(config: Config, value: Value, where: string): string[][] {
  if (isObject(value)) {
    return Object.entries(value).map(([name, v]) => {
      const expression = hcl(v);
      const variable = /^var\.(\w+)$/.exec(expression)?.[1];
      const description = variable ? config.variable?.[variable]?.[0]?.description : undefined;
      return [code(name), code(expression), prose(description)];
    });
  }
  const expression = typeof value === 'string' ? (wholeExpression(value) ?? value) : hcl(value);
  const locals = allLocals(config);
  const rows: string[][] = [];
  for (const [, kind, name] of expression.matchAll(/\b(local|var)\.(\w+)/g)) {
    if (kind === 'local') {
      if (!name || !(name in locals)) throw new TerraformDocsError(`${where}: local.${name} is not defined`);
      rows.push(...environmentRows(config, locals[name] as Value, `${where} -> local.${name}`));
      continue;
    }
    const variable = config.variable?.[name ?? '']?.[0];
    const type = variable?.type === undefined ? '' : hcl(variable.type);
    if (!type.startsWith('map(')) {
      throw new TerraformDocsError(`${where}: cannot tell which environment variable var.${name} sets; put it in an object (NAME = var.${name}) in a local`);
    }
    rows.push([`each key of ${code(`var.${name}`)}`, code(`var.${name}[key]`), prose(variable?.description)]);
  }
  if (rows.length === 0) throw new TerraformDocsError(`${where}: no environment variable found in ${expression}`);
  return rows;
}

function environment(config: Config): string | undefined {
  const functions = Object.entries(config.resource?.aws_lambda_function ?? {});
  if (functions.length === 0) return undefined;
  return functions
    .map(([name, blocks]) => {
      const variables = list(first(blocks, `aws_lambda_function.${name}`).environment).flatMap((e) => (isObject(e) && 'variables' in e ? [e.variables as Value] : []));
      const heading = functions.length > 1 ? `### \`aws_lambda_function.${name}\`\n\n` : '';
      if (variables.length === 0) return `${heading}None.`;
      return heading + table(['Variable', 'Value', 'Description'], variables.flatMap((v) => environmentRows(config, v, `aws_lambda_function.${name}`)));
    })
    .join('\n\n');
}

/** Where a policy document's JSON goes: `<resource address>.<argument>`. */
function usesOf(config: Config, documentName: string): string[] {
  const needle = new RegExp(`\\bdata\\.aws_iam_policy_document\\.${documentName}\\b`);
  const found: string[] = [];
  const visit = (v: Value, address: string, argument: string) => {
    if (typeof v === 'string' && needle.test(v)) found.push(`${address}.${argument}`);
    else if (Array.isArray(v)) v.forEach((x) => visit(x, address, argument));
    else if (isObject(v)) Object.values(v).forEach((x) => visit(x, address, argument));
  };
  for (const [kind, byType] of [['', config.resource], ['data.', config.data]] as const)
    for (const [type, byName] of Object.entries(byType ?? {}))
      for (const [name, blocks] of Object.entries(byName))
        for (const block of blocks) for (const [argument, v] of Object.entries(block)) visit(v, `${kind}${type}.${name}`, argument);
  return [...new Set(found)];
}

/** An action, resource or condition value as written: a template without its quotes. */
const policyValue = (v: Value) => code(typeof v === 'string' ? (wholeExpression(v) ?? v) : hcl(v));

function statementRows(statement: Block, condition: string | undefined) {
  const names = (key: string) => list(statement[key]).map(policyValue);
  const labelled = (key: string, field: string) =>
    list(statement[key]).flatMap((p) => (isObject(p) ? [`${prose(p[field])}: ${list(p.identifiers ?? p.values).map(policyValue).join(', ')}`] : []));
  return {
    sid: (statement.sid ? code(String(statement.sid)) : '') + (condition ? ` (for each ${code(condition)})` : ''),
    effect: String(statement.effect ?? 'Allow'),
    actions: [...names('actions'), ...names('not_actions').map((a) => `not ${a}`)].join(', '),
    resources: [...names('resources'), ...names('not_resources').map((r) => `not ${r}`)].join(', '),
    principals: [...labelled('principals', 'type'), ...labelled('not_principals', 'type').map((p) => `not ${p}`)].join('; '),
    conditions: list(statement.condition)
      .flatMap((c) => (isObject(c) ? [`${prose(c.test)} ${code(String(c.variable))}: ${list(c.values).map(policyValue).join(', ')}`] : []))
      .join('; '),
  };
}

function permissions(config: Config): string | undefined {
  const documents = Object.entries(config.data?.aws_iam_policy_document ?? {});
  const attachments = Object.entries(config.resource?.aws_iam_role_policy_attachment ?? {});
  if (documents.length === 0 && attachments.length === 0) return undefined;
  const parts = documents.map(([name, blocks]) => {
    const document = first(blocks, `data.aws_iam_policy_document.${name}`);
    const dynamic = list(document.dynamic).flatMap((d) => (isObject(d) ? list(d.statement) : []));
    const statements = [
      ...list(document.statement).flatMap((s) => (isObject(s) ? [statementRows(s, undefined)] : [])),
      ...dynamic.flatMap((d) => (isObject(d) ? list(d.content).flatMap((c) => (isObject(c) ? [statementRows(c, hcl(d.for_each ?? null))] : [])) : [])),
    ];
    const columns = (['sid', 'effect', 'actions', 'resources', 'principals', 'conditions'] as const).filter((c) => c === 'effect' || c === 'actions' || statements.some((s) => s[c]));
    const uses = usesOf(config, name);
    const notes = [
      document.count === undefined ? '' : `Count: ${code(hcl(document.count))}.`,
      uses.length ? `Used by ${uses.map(code).join(', ')}.` : 'Not used by any resource.',
    ].filter(Boolean);
    const head = columns.map((c) => c[0]!.toUpperCase() + c.slice(1));
    return `### \`data.aws_iam_policy_document.${name}\`\n\n${notes.join(' ')}\n\n${table(head, statements.map((s) => columns.map((c) => s[c])))}`;
  });
  if (attachments.length) {
    const rows = attachments.map(([name, blocks]) => {
      const a = first(blocks, `aws_iam_role_policy_attachment.${name}`);
      return [code(`aws_iam_role_policy_attachment.${name}`), code(hcl(a.role ?? null)), code(hcl(a.policy_arn ?? null))];
    });
    parts.push(`### Attached managed policies\n\n${table(['Attachment', 'Role', 'Policy'], rows)}`);
  }
  return parts.join('\n\n');
}

/** The first sentence of a module's README, after its title: the module table's summary. */
export function leadSentence(readme: string, file: string): string {
  const paragraph = readme.replace(/^#[^\n]*\n/, '').trim().split(/\n\s*\n/)[0]?.replace(/\s*\n\s*/g, ' ') ?? '';
  const sentence = /^(?!#|<!--)(.+?\.)(\s|$)/.exec(paragraph)?.[1];
  if (!sentence) throw new TerraformDocsError(`${file}: start it with a title and a sentence saying what the module creates (the module table in terraform/README.md shows it)`);
  return sentence;
}

function moduleTable(config: Config, rootDir: string): string {
  const rows = Object.entries(config.module ?? {}).map(([name, blocks]) => {
    const call = first(blocks, `module "${name}"`);
    const source = String(call.source);
    const readme = path.join(rootDir, source, 'README.md');
    const summary = source.startsWith('./') && fs.existsSync(readme) ? leadSentence(fs.readFileSync(readme, 'utf8'), path.relative(REPO_ROOT, readme)) : '';
    const when = call.count !== undefined ? `count = ${hcl(call.count)}` : call.for_each !== undefined ? `for_each = ${hcl(call.for_each)}` : '';
    return [`[${name}](${source.replace(/^\.\//, '')})`, cell(summary), when ? code(when) : 'always'];
  });
  return table(['Module', 'What it creates', 'Created'], rows);
}

/** The generated markdown for one Terraform directory, markers included. */
export async function render(dir: string, { root = false } = {}): Promise<string> {
  const config = await readConfig(dir);
  const sections: [string, string | undefined][] = [
    ['Modules', root ? moduleTable(config, dir) : undefined],
    ['Inputs', inputs(config)],
    ['Outputs', outputs(config)],
    ['Environment variables of the Lambda function', environment(config)],
    ['Permissions (IAM policy documents)', permissions(config)],
  ];
  const body = sections.flatMap(([title, text]) => (text === undefined ? [] : [`## ${title}\n\n${text}`])).join('\n\n');
  return `${BEGIN}\n<!-- Generated from the .tf files by scripts/terraform-docs.ts: edit those, then run \`${REGENERATE}\`. -->\n\n${body}\n\n${END}`;
}

/** The README with its generated part replaced, or appended when it has no markers yet. */
export function withGenerated(readme: string, generated: string, file: string): string {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin === -1 && end === -1) return `${readme.trimEnd()}\n\n${generated}\n`;
  if (begin === -1 || end < begin || readme.indexOf(BEGIN, begin + 1) !== -1) throw new TerraformDocsError(`${file}: needs exactly one ${BEGIN} before one ${END}`);
  return readme.slice(0, begin) + generated + readme.slice(end + END.length);
}

export interface Readme {
  /** Relative to the repository. */
  file: string;
  current: string;
  wanted: string;
}

/** Every Terraform README (the root's and each module's) as it is and as it should be. */
export async function readmes(terraformDir = TERRAFORM_DIR): Promise<Readme[]> {
  const modulesDir = path.join(terraformDir, 'modules');
  const modules = fs.existsSync(modulesDir) ? fs.readdirSync(modulesDir).sort().map((m) => path.join(modulesDir, m)) : [];
  const dirs = [terraformDir, ...modules.filter((d) => fs.statSync(d).isDirectory() && fs.readdirSync(d).some((f) => f.endsWith('.tf')))];
  const out: Readme[] = [];
  for (const dir of dirs) {
    const readme = path.join(dir, 'README.md');
    const file = path.relative(REPO_ROOT, readme);
    if (!fs.existsSync(readme)) throw new TerraformDocsError(`${file} is missing: write a title and a sentence saying what the module creates, then run \`${REGENERATE}\``);
    const current = fs.readFileSync(readme, 'utf8');
    out.push({ file, current, wanted: withGenerated(current, await render(dir, { root: dir === terraformDir }), file) });
  }
  return out;
}

async function main(args: string[]) {
  const stale = (await readmes()).filter((r) => r.current !== r.wanted);
  if (args.includes('--check')) {
    for (const r of stale) console.error(`${r.file} is stale: run \`${REGENERATE}\``);
    process.exitCode = stale.length ? 1 : 0;
    return;
  }
  for (const r of stale) {
    fs.writeFileSync(path.join(REPO_ROOT, r.file), r.wanted);
    console.log(`wrote ${r.file}`);
  }
  if (stale.length === 0) console.log('the Terraform READMEs are up to date');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    console.error(error instanceof TerraformDocsError ? error.message : error);
    process.exitCode = 1;
  });
}
