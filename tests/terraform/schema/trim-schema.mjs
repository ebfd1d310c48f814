#!/usr/bin/env node
// Regenerates providers.json next to this file: the published provider schemas trimmed to the
// resource and data source types the project's .tf files (and the broken fixtures) use.
// Needed only when a new type is used; tests read the committed providers.json.
//   node tests/terraform/schema/trim-schema.mjs PATH/TO/full/providers.json
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const full = JSON.parse(fs.readFileSync(process.argv[2] ?? usage(), 'utf8'));

function usage() {
  console.error('usage: trim-schema.mjs FULL_PROVIDERS_JSON');
  process.exit(2);
}

function tfFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return e.name.startsWith('.') ? [] : tfFiles(p);
    return e.name.endsWith('.tf') ? [p] : [];
  });
}

const used = { resource: new Set(), data: new Set() };
for (const file of [...tfFiles(path.join(repo, 'terraform')), ...tfFiles(path.join(repo, 'tests/fixtures/terraform'))]) {
  for (const m of fs.readFileSync(file, 'utf8').matchAll(/^\s*(resource|data)\s+"([a-z0-9_]+)"/gm)) used[m[1]].add(m[2]);
}

const out = { providers: full.providers, resource: {}, data: {} };
for (const kind of ['resource', 'data']) {
  for (const type of [...used[kind]].sort()) {
    if (full[kind][type]) out[kind][type] = full[kind][type];
    else if (type !== 'terraform_data') console.error(`warning: ${kind} ${type} is not in the full schema`);
  }
}
// Ephemeral resources are not in the published schema dump; this one is written from the random
// provider's documentation (ephemeral random_password, random >= 3.7.1). 1 = required.
out.ephemeral = {
  random_password: {
    a: { length: 1, special: 0, upper: 0, lower: 0, numeric: 0, min_lower: 0, min_upper: 0, min_numeric: 0, min_special: 0, override_special: 0 },
    b: {},
  },
};
fs.writeFileSync(path.join(here, 'providers.json'), `${JSON.stringify(out, null, 1)}\n`);
console.log(`wrote ${Object.keys(out.resource).length} resource and ${Object.keys(out.data).length} data source schemas`);
