provider "aws" {
  region = var.region

  default_tags {
    tags = merge({ Project = var.name, ManagedBy = "terraform" }, var.tags)
  }
}

locals {
  # path.root is the directory Terraform runs in (terraform/); the bundle and the script live beside it.
  repo_root = "${path.root}/.."
}

module "bucket" {
  source = "./modules/bucket"

  name_prefix     = "${var.name}-audio-"
  force_destroy   = var.bucket_force_destroy
  kms_key_arn     = var.bucket_kms_key_arn
  expiration_days = var.audio_expiration_days
}

module "secret" {
  source = "./modules/secret"

  name_prefix             = "${var.name}-bot-"
  bot_token               = var.bot_token
  secret_version          = var.bot_token_version
  recovery_window_in_days = var.secret_recovery_window_days
}

module "function" {
  source = "./modules/function"

  name         = var.name
  package_path = "${local.repo_root}/dist/function.zip"

  memory_size                    = var.lambda_memory_size
  timeout                        = var.lambda_timeout
  reserved_concurrent_executions = var.lambda_reserved_concurrency
  log_retention_days             = var.log_retention_days
  log_level                      = var.log_level

  bucket_name        = module.bucket.bucket_name
  bucket_arn         = module.bucket.bucket_arn
  bucket_kms_key_arn = module.bucket.kms_key_arn
  secret_arn         = module.secret.secret_arn

  voice_name    = var.voice_name
  start_message = var.start_message

  max_text_length       = var.max_text_length
  rate_limit_per_minute = var.rate_limit_per_minute
  allowed_chat_ids      = var.allowed_chat_ids
}

module "api" {
  source = "./modules/api"

  name                = var.name
  function_name       = module.function.function_name
  function_invoke_arn = module.function.invoke_arn
  stage_name          = var.api_stage_name

  throttling_rate_limit          = var.api_throttling_rate_limit
  throttling_burst_limit         = var.api_throttling_burst_limit
  access_logging_enabled         = var.api_access_logging_enabled
  access_log_retention_days      = var.log_retention_days
  manage_account_cloudwatch_role = var.api_manage_account_cloudwatch_role
}

module "webhook" {
  source = "./modules/webhook"
  count  = var.register_webhook ? 1 : 0

  webhook_url       = module.api.webhook_url
  secret_arn        = module.secret.secret_arn
  secret_version_id = module.secret.version_id
  script_path       = "${local.repo_root}/scripts/webhook.mjs"

  allowed_updates      = var.webhook_allowed_updates
  max_connections      = var.webhook_max_connections
  drop_pending_updates = var.webhook_drop_pending_updates
}
