// scripts/terraform-docs.ts writes the tables of the Terraform READMEs from the .tf files. No terraform
// binary is needed: HCL is parsed by @cdktf/hcl2json.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BEGIN, END, readmes, REGENERATE, render, TerraformDocsError, withGenerated } from '../../scripts/terraform-docs.ts';

/** The first line where two texts differ, to say where a README is stale. */
function firstDifference(current: string, wanted: string): string {
  const a = current.split('\n');
  const b = wanted.split('\n');
  const i = a.findIndex((line, n) => line !== b[n]);
  const at = i === -1 ? a.length : i;
  return `line ${at + 1}:\n  is:        ${a[at] ?? '(end of file)'}\n  should be: ${b[at] ?? '(end of file)'}`;
}

test('every Terraform README shows what the code declares', async () => {
  const stale = (await readmes()).filter((r) => r.current !== r.wanted);
  if (stale.length > 0) assert.fail(stale.map((r) => `${r.file} is stale: run \`${REGENERATE}\`\n${firstDifference(r.current, r.wanted)}`).join('\n'));
});

describe('the generator', () => {
  const dirs: string[] = [];
  after(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

  /** A Terraform module in a temporary folder: file name → content. */
  function moduleDir(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'voicebot-tfdocs-'));
    dirs.push(dir);
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
    return dir;
  }

  const lambdaModule = {
    'variables.tf': `
variable "bucket_name" {
  description = "Bucket, passed as BUCKET."
  type        = string
}
variable "settings" {
  description = "More environment variables."
  type        = map(string)
  default     = {}
}
variable "token" {
  description = "A <secret> | never logged."
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true
}
`,
    'outputs.tf': `
output "arn" {
  description = "ARN of the function."
  value       = aws_lambda_function.this.arn
}
`,
    'main.tf': `
locals {
  wired = { BUCKET = var.bucket_name, MODE = "fast" }
  keys  = ["arn:aws:kms:eu-central-1:123456789012:key/1"]
}
resource "aws_lambda_function" "this" {
  function_name = "f"
  role          = aws_iam_role.this.arn
  environment {
    variables = merge(var.settings, local.wired)
  }
}
resource "aws_iam_role" "this" {
  name               = "f"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}
resource "aws_iam_role_policy" "this" {
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}
data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}
data "aws_iam_policy_document" "this" {
  statement {
    sid       = "ListBucket"
    actions   = ["s3:ListBucket"]
    resources = ["arn:aws:s3:::\${var.bucket_name}"]
  }
  statement {
    sid     = "TlsOnly"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = ["*"]
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
  dynamic "statement" {
    for_each = length(local.keys) > 0 ? [local.keys] : []
    content {
      sid       = "Keys"
      actions   = ["kms:Decrypt"]
      resources = statement.value
    }
  }
}
`,
  };

  test('renders inputs, outputs, the Lambda environment and each policy document', async () => {
    const md = await render(moduleDir(lambdaModule));
    const lines = md.split('\n');
    const row = (start: string) => lines.find((l) => l.startsWith(start)) ?? `no row starting ${start}`;

    assert.equal(row('| `bucket_name`'), '| `bucket_name` | Bucket, passed as BUCKET. | `string` | n/a | yes |');
    assert.equal(row('| `token`'), '| `token` (sensitive, ephemeral) | A &lt;secret&gt; \\| never logged. | `string` | `null` | no |');
    assert.equal(row('| `settings`'), '| `settings` | More environment variables. | `map(string)` | `{}` | no |');
    assert.equal(row('| `arn`'), '| `arn` | ARN of the function. |');

    assert.equal(row('| each key of'), '| each key of `var.settings` | `var.settings[key]` | More environment variables. |');
    assert.equal(row('| `BUCKET`'), '| `BUCKET` | `var.bucket_name` | Bucket, passed as BUCKET. |');
    assert.equal(row('| `MODE`'), '| `MODE` | `"fast"` |  |');

    assert.match(md, /### `data.aws_iam_policy_document.assume`\n\nUsed by `aws_iam_role.this.assume_role_policy`./);
    assert.equal(row('| Allow | `sts:AssumeRole`'), '| Allow | `sts:AssumeRole` | Service: `lambda.amazonaws.com` |');
    assert.equal(row('| `ListBucket`'), '| `ListBucket` | Allow | `s3:ListBucket` | `arn:aws:s3:::${var.bucket_name}` |  |');
    assert.equal(row('| `TlsOnly`'), '| `TlsOnly` | Deny | `s3:*` | `*` | Bool `aws:SecureTransport`: `false` |');
    assert.equal(row('| `Keys`'), '| `Keys` (for each `length(local.keys) > 0 ? [local.keys] : []`) | Allow | `kms:Decrypt` | `statement.value` |  |');
    assert.ok(md.startsWith(BEGIN) && md.endsWith(END));
  });

  test('refuses an environment it would have to guess', async () => {
    const dir = moduleDir({
      'main.tf': `
variable "name" {
  description = "A name."
  type        = string
}
resource "aws_lambda_function" "this" {
  function_name = "f"
  environment {
    variables = merge({ NAME = var.name }, {})
  }
}
`,
    });
    await assert.rejects(render(dir), (e: Error) => e instanceof TerraformDocsError && /var\.name/.test(e.message) && /in a local/.test(e.message));
  });

  test('names the file of an HCL syntax error', async () => {
    await assert.rejects(render(moduleDir({ 'broken.tf': 'variable "x" {\n' })), (e: Error) => e instanceof TerraformDocsError && e.message.includes('broken.tf'));
  });

  test('rewrites only what is between the markers, and a second run changes nothing', () => {
    const readme = `# m\n\nProse before.\n\n${BEGIN}\nold table\n${END}\n\nProse after.\n`;
    const generated = `${BEGIN}\nnew table\n${END}`;
    const once = withGenerated(readme, generated, 'README.md');
    assert.equal(once, `# m\n\nProse before.\n\n${BEGIN}\nnew table\n${END}\n\nProse after.\n`);
    assert.equal(withGenerated(once, generated, 'README.md'), once);
  });

  test('appends the generated part to a README without markers, and refuses broken markers', () => {
    assert.equal(withGenerated('# m\n\nProse.\n', `${BEGIN}\nt\n${END}`, 'README.md'), `# m\n\nProse.\n\n${BEGIN}\nt\n${END}\n`);
    for (const broken of [`${END}\n${BEGIN}`, `${BEGIN}\n${BEGIN}\n${END}`, `${BEGIN} only`])
      assert.throws(() => withGenerated(broken, `${BEGIN}\n${END}`, 'README.md'), TerraformDocsError, broken);
  });
});
