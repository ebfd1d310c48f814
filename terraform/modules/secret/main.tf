resource "aws_secretsmanager_secret" "this" {
  name_prefix             = var.name_prefix
  description             = var.description
  recovery_window_in_days = var.recovery_window_in_days
  kms_key_id              = var.kms_key_id
  tags                    = var.tags
}

# A fresh random value on every run, never stored anywhere by Terraform. Only the run that writes a
# new secret version (create, or a secret_version bump) persists it, inside Secrets Manager.
ephemeral "random_password" "webhook_secret" {
  length           = var.webhook_secret_length
  special          = true
  override_special = "_-"
}

resource "aws_secretsmanager_secret_version" "this" {
  secret_id = aws_secretsmanager_secret.this.id

  # Write-only: sent to AWS, kept out of plan and state. The JSON shape is the function's contract.
  secret_string_wo = jsonencode({
    bot_token      = var.bot_token
    webhook_secret = ephemeral.random_password.webhook_secret.result
  })
  # ForceNew in the provider: a new number makes a new secret version, and so a new version_id.
  secret_string_wo_version = var.secret_version
}
