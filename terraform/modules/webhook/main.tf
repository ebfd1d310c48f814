locals {
  set_flags = join(" ", compact([
    "--allowed-updates ${join(",", var.allowed_updates)}",
    "--max-connections ${var.max_connections}",
    var.drop_pending_updates ? "--drop-pending-updates" : "",
  ]))
}

# Registers the webhook with the same script the local demo uses. The script reads token and webhook
# secret from Secrets Manager, so triggers and state hold only non-secret values: the URL, the secret's
# version id, the script's hash and the registration settings. A second plan therefore shows no changes.
resource "terraform_data" "this" {
  triggers_replace = {
    webhook_url       = var.webhook_url
    secret_version_id = var.secret_version_id
    script_sha256     = filesha256(var.script_path)
    settings          = local.set_flags
  }

  # Destroy-time provisioners may only read self, so everything they need is kept here.
  input = {
    node        = var.node_command
    script      = var.script_path
    secret_arn  = var.secret_arn
    webhook_url = var.webhook_url
  }

  provisioner "local-exec" {
    command = "${var.node_command} \"$WEBHOOK_SCRIPT\" set --url \"$WEBHOOK_URL\" --secret-arn \"$BOT_SECRET_ARN\" ${local.set_flags}"
    environment = {
      WEBHOOK_SCRIPT = var.script_path
      WEBHOOK_URL    = var.webhook_url
      BOT_SECRET_ARN = var.secret_arn
    }
  }

  # A failed deleteWebhook (token revoked, secret already gone) must not block `terraform destroy`.
  provisioner "local-exec" {
    when       = destroy
    on_failure = continue
    command    = "${self.input.node} \"$WEBHOOK_SCRIPT\" delete --secret-arn \"$BOT_SECRET_ARN\""
    environment = {
      WEBHOOK_SCRIPT = self.input.script
      BOT_SECRET_ARN = self.input.secret_arn
    }
  }
}
