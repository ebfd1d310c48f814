output "secret_arn" {
  description = "ARN of the secret holding {\"bot_token\", \"webhook_secret\"}; the function and the webhook script read it by this ARN."
  value       = aws_secretsmanager_secret.this.arn
}

output "secret_name" {
  description = "Generated name of the secret."
  value       = aws_secretsmanager_secret.this.name
}

output "version_id" {
  description = "Secrets Manager version id of the content Terraform wrote; changes only when secret_version changes. Not secret."
  value       = aws_secretsmanager_secret_version.this.version_id
}

output "kms_key_id" {
  description = "KMS key encrypting the secret, or null for the AWS-managed key."
  value       = var.kms_key_id
}
