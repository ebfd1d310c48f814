resource "aws_secretsmanager_secret" "this" {
  name_prefix             = var.name_prefix
  description             = var.description
  recovery_window_in_days = var.recovery_window_in_days
  kms_key_id              = var.kms_key_id
  tags                    = var.tags
}

locals {
  # The webhook secret: two UUIDv4 from Terraform's built-in uuid() (crypto/rand), dashes removed,
  # 64 hex characters with 244 random bits. uuid() is unknown during plan and the argument below is
  # write-only, so the value is never in a plan file or the state, and it needs no extra provider
  # (random) and no API call (Secrets Manager's GetRandomPassword would need one on every plan, an
  # extra permission, and cannot be mocked by `terraform test`). Only the apply that writes a new
  # secret version (create, or a secret_version bump) persists it, inside Secrets Manager.
  webhook_secret = replace("${uuid()}${uuid()}", "-", "")
}

resource "aws_secretsmanager_secret_version" "this" {
  secret_id = aws_secretsmanager_secret.this.id

  # Write-only: sent to AWS, kept out of plan and state. The JSON shape is the function's contract.
  secret_string_wo = jsonencode({
    bot_token      = var.bot_token
    webhook_secret = local.webhook_secret
  })
  # ForceNew in the provider: a new number makes a new secret version, and so a new version_id.
  secret_string_wo_version = var.secret_version

  lifecycle {
    # The token may be left out only when nothing is written, i.e. on destroy.
    precondition {
      condition     = var.bot_token != null
      error_message = "The bot token is required to create or update the secret: set TF_VAR_bot_token (make plan/apply ask for it)."
    }
  }
}
