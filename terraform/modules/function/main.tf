locals {
  # What this module wires itself; the bot's settings come on top of it.
  wired_environment = {
    S3_BUCKET_NAME = var.bucket_name
    BOT_SECRET_ARN = var.secret_arn
    LOG_LEVEL      = var.log_level
  }
  # Settings that are null are left out rather than set empty, so the function's own defaults apply.
  environment = merge({ for name, value in var.settings : name => value if value != null }, local.wired_environment)

  kms_key_arns = compact([var.bucket_kms_key_arn, var.secret_kms_key_arn])
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_days
  tags              = var.tags
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

resource "aws_iam_role" "this" {
  name                 = var.name
  description          = "Execution role of the ${var.name} Lambda function"
  assume_role_policy   = data.aws_iam_policy_document.assume.json
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags
}

data "aws_iam_policy_document" "this" {
  statement {
    sid       = "WriteOwnLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  # SynthesizeSpeech has no resource type of its own (only lexicons can be named), so AWS requires "*".
  statement {
    sid       = "SynthesizeSpeech"
    actions   = ["polly:SynthesizeSpeech"]
    resources = ["*"]
  }

  # GetObject also authorises the presigned GET URLs the function hands to Telegram, since they are
  # signed with this role.
  statement {
    sid = "AudioObjects"
    actions = [
      "s3:PutObject",
      "s3:GetObject",
      "s3:AbortMultipartUpload",
    ]
    resources = ["${var.bucket_arn}/*"]
  }

  # Listing counts a chat's update markers for the rate limit. It also makes a missing cached audio
  # file answer 404 instead of 403, which is how the function tells a cache miss from a failure.
  statement {
    sid       = "ListBucket"
    actions   = ["s3:ListBucket"]
    resources = [var.bucket_arn]
  }

  statement {
    sid       = "ReadBotSecret"
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [var.secret_arn]
  }

  dynamic "statement" {
    for_each = length(local.kms_key_arns) > 0 ? [local.kms_key_arns] : []

    content {
      sid       = "UseEncryptionKeys"
      actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
      resources = statement.value
    }
  }
}

resource "aws_iam_role_policy" "this" {
  name   = "${var.name}-least-privilege"
  role   = aws_iam_role.this.id
  policy = data.aws_iam_policy_document.this.json
}

resource "aws_lambda_function" "this" {
  function_name = var.name
  description   = var.description
  role          = aws_iam_role.this.arn

  # The build writes a deterministic zip (fixed timestamps and modes), so the hash changes only
  # when the code does. fileexists() keeps a missing build to the precondition's message below.
  filename         = var.package_path
  source_code_hash = fileexists(var.package_path) ? filebase64sha256(var.package_path) : null
  handler          = var.handler
  runtime          = var.runtime
  architectures    = ["arm64"]

  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = var.reserved_concurrent_executions

  environment {
    variables = local.environment
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.this.name
    # Lambda filters JSON lines by their "level" (INFO when unset), so DEBUG needs saying here too.
    application_log_level = var.log_level
  }

  tags = var.tags

  lifecycle {
    precondition {
      condition     = fileexists(var.package_path)
      error_message = "The function package ${var.package_path} is missing: run `npm ci && npm run build` (or `make build`) first."
    }
  }

  # The role must be able to write logs before the first invocation, and the log group must exist
  # with its retention before Lambda would create one without.
  depends_on = [aws_iam_role_policy.this, aws_cloudwatch_log_group.this]
}
