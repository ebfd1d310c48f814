// Inputs/outputs tables for module READMEs, generated from variables.tf/outputs.tf (like terraform-docs),
// between <!-- BEGIN_TF_DOCS --> and <!-- END_TF_DOCS -->. A test fails when a README drifts.
//   node --import tsx tests/terraform/lib/readme-tables.ts --write   (rewrites the tables)
import fs from 'node:fs';
import path from 'node:path';
import { loadModule, type Json, type Module } from './hcl.ts';

export const BEGIN = '<!-- BEGIN_TF_DOCS -->';
export const END = '<!-- END_TF_DOCS -->';

const unwrap = (v: Json | undefined) => (typeof v === 'string' ? v.replace(/^\$\{([\s\S]*)\}$/, '$1') : JSON.stringify(v));
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderTables(m: Module): string {
  const lines = ['## Inputs', '', '| Name | Description | Type | Default | Required |', '| --- | --- | --- | --- | :---: |'];
  for (const [name, v] of Object.entries(m.variables).sort(([a], [b]) => a.localeCompare(b))) {
    const required = !('default' in v.body);
    const flags = [v.body.sensitive === true ? 'sensitive' : '', v.body.ephemeral === true ? 'ephemeral' : ''].filter(Boolean);
    const desc = `${String(v.body.description ?? '')}${flags.length ? ` (${flags.join(', ')})` : ''}`;
    const def = required ? 'n/a' : `\`${unwrap(v.body.default ?? null)}\``;
    lines.push(`| \`${name}\` | ${cell(desc)} | \`${cell(unwrap(v.body.type))}\` | ${cell(def)} | ${required ? 'yes' : 'no'} |`);
  }
  lines.push('', '## Outputs', '', '| Name | Description |', '| --- | --- |');
  for (const [name, o] of Object.entries(m.outputs).sort(([a], [b]) => a.localeCompare(b))) lines.push(`| \`${name}\` | ${cell(String(o.body.description ?? ''))} |`);
  return `${BEGIN}\n${lines.join('\n')}\n${END}`;
}

/** The README text with its generated section replaced by fresh tables. */
export function withTables(readme: string, tables: string): string {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start === -1 || end === -1) return `${readme.trimEnd()}\n\n${tables}\n`;
  return readme.slice(0, start) + tables + readme.slice(end + END.length);
}

export function moduleDirs(root = 'terraform'): string[] {
  const mods = path.join(root, 'modules');
  return [root, ...fs.readdirSync(mods).sort().map((d) => path.join(mods, d))];
}

if (process.argv.includes('--write')) {
  for (const dir of moduleDirs()) {
    const file = path.join(dir, 'README.md');
    const old = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : `# ${path.basename(dir)}\n`;
    fs.writeFileSync(file, withTables(old, renderTables(await loadModule(dir))));
    console.log(`wrote ${file}`);
  }
}
