# The webhook module for real: its local-exec runs the webhook script, which reads the secret from
# Secrets Manager and calls Telegram. tests/terraform/checks.test.ts points both at local stand-ins
# (AWS_ENDPOINT_URL_SECRETS_MANAGER, TELEGRAM_API_URL) and passes secret_arn and script_path with -var;
# the destroy at the end of the test runs the delete provisioner.

variables {
  webhook_url       = "https://a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com/live/webhook"
  secret_version_id = "00000000-0000-4000-8000-000000000001"
  max_connections   = 7
}

run "registers_the_webhook_and_keeps_no_secret_in_state" {
  command = apply

  module {
    source = "./modules/webhook"
  }

  assert {
    condition     = terraform_data.this.input.webhook_url == var.webhook_url && terraform_data.this.input.secret_arn == var.secret_arn
    error_message = "the destroy-time provisioner needs the URL and the secret's ARN, and nothing secret"
  }

  assert {
    condition     = terraform_data.this.triggers_replace.secret_version_id == var.secret_version_id
    error_message = "a new secret version must re-register the webhook"
  }
}
