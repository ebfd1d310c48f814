// Every relative link in the project's Markdown (README.md, docs/, bench/, the Terraform READMEs) must lead
// somewhere: to a file or folder that exists, and to a heading of that file when it names one. The README is a
// front door to docs/ pages, so a moved section must not leave a dead link behind.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

/** The Markdown pages whose links are checked, relative to `dir`. */
function pages(dir: string): string[] {
  const found = ['README.md', 'bench/README.md'].filter((file) => fs.existsSync(path.join(dir, file)));
  const docs = path.join(dir, 'docs');
  if (fs.existsSync(docs)) {
    found.push(...fs.readdirSync(docs).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`));
  }
  const terraform = path.join(dir, 'terraform');
  if (fs.existsSync(terraform)) {
    for (const entry of fs.readdirSync(terraform, { recursive: true, encoding: 'utf8' })) {
      if (path.basename(entry) === 'README.md' && !entry.split(path.sep).includes('.terraform')) {
        found.push(path.join('terraform', entry));
      }
    }
  }
  return found.sort();
}

/** The Markdown without fenced code blocks and inline code, whose brackets are not links. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, 'code');
}

/** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** Every anchor a page offers: its headings' slugs (numbered as GitHub numbers repeats) and explicit HTML ids. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  const withoutCode = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const match of withoutCode.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(match[1]!);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    result.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const match of withoutCode.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) result.add(match[1]!);
  return result;
}

/** The relative link targets of a page: inline links and images, and reference definitions. */
function links(markdown: string): string[] {
  const text = prose(markdown);
  const inline = [...text.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]!);
  const references = [...text.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)].map((m) => m[1]!);
  return [...inline, ...references].filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/** Every broken relative link under `dir`, as "page: target (why)". */
function brokenLinks(dir: string): string[] {
  const broken: string[] = [];
  const anchorCache = new Map<string, Set<string>>();
  const anchorsOf = (file: string) => {
    let found = anchorCache.get(file);
    if (!found) anchorCache.set(file, (found = anchors(fs.readFileSync(file, 'utf8'))));
    return found;
  };
  for (const page of pages(dir)) {
    const file = path.join(dir, page);
    for (const target of links(fs.readFileSync(file, 'utf8'))) {
      const [rawPath = '', fragment] = target.split('#', 2);
      const linked = rawPath === '' ? file : path.resolve(path.dirname(file), decodeURIComponent(rawPath));
      if (!fs.existsSync(linked)) {
        broken.push(`${page}: ${target} (no such file)`);
        continue;
      }
      if (fragment === undefined || fragment === '' || !linked.endsWith('.md')) continue;
      if (!anchorsOf(linked).has(decodeURIComponent(fragment).toLowerCase())) {
        broken.push(`${page}: ${target} (no heading #${fragment} in ${path.relative(dir, linked)})`);
      }
    }
  }
  return broken;
}

describe('documentation links', () => {
  test('every relative link in README.md, docs/, bench/ and the Terraform READMEs resolves', () => {
    const checked = pages(root);
    assert.ok(checked.includes('README.md') && checked.some((page) => page.startsWith('docs/')), checked.join(', '));
    assert.deepEqual(brokenLinks(root), []);
  });

  test('a missing file, a missing heading and a link to a moved section are each reported', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'voicebot-links-'));
    try {
      fs.mkdirSync(path.join(dir, 'docs'));
      fs.writeFileSync(
        path.join(dir, 'README.md'),
        [
          '# Project',
          '[deploy](docs/deploy.md#first-deploy) and [gone](docs/gone.md) and [moved](#deploy-to-aws)',
          '[fine](docs/deploy.md#make-targets-and-the-accounts-role) [web](https://example.com/x.md)',
          '`[code](not/a/link.md)`',
          '```sh',
          '[fenced](not/a/link/either.md)',
          '```',
        ].join('\n'),
      );
      fs.writeFileSync(
        path.join(dir, 'docs', 'deploy.md'),
        "# Deploy\n\n## First steps\n\n## `make` targets, and the account's role\n\n[back](../README.md#project)\n",
      );
      assert.deepEqual(brokenLinks(dir), [
        'README.md: docs/deploy.md#first-deploy (no heading #first-deploy in docs/deploy.md)',
        'README.md: docs/gone.md (no such file)',
        'README.md: #deploy-to-aws (no heading #deploy-to-aws in README.md)',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('headings get GitHub anchors, repeats numbered', () => {
    assert.deepEqual(
      [...anchors('# voicebot\n## Remote state in S3 (bootstrap once)\n## The load test (`bench/load.ts`)\n## Tests\n### Tests\n')],
      ['voicebot', 'remote-state-in-s3-bootstrap-once', 'the-load-test-benchloadts', 'tests', 'tests-1'],
    );
  });
});
