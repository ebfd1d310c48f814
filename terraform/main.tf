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

locals {
  # The bot's settings as environment variables, the same for the webhook and the worker; null ones
  # are left out (the function's default).
  settings = {
    VOICE_NAME              = var.voice_name
    START_MESSAGE           = var.start_message
    MAX_TEXT_LENGTH         = var.max_text_length
    MAX_DOCUMENT_CHARACTERS = var.max_document_characters
    RATE_LIMIT_PER_MINUTE   = var.rate_limit_per_minute
    ALLOWED_CHAT_IDS        = length(var.allowed_chat_ids) == 0 ? null : join(",", var.allowed_chat_ids)
    DAILY_CHARACTER_BUDGET  = var.daily_character_budget
  }
  # Without it the webhook answers what it cannot finish with an apology, as before there was a queue.
  job_queue = var.queue_enabled ? { JOB_QUEUE_URL = module.queue[0].queue_url } : {}
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
  permissions_boundary_arn       = var.permissions_boundary_arn

  bucket_name        = module.bucket.bucket_name
  bucket_arn         = module.bucket.bucket_arn
  bucket_kms_key_arn = module.bucket.kms_key_arn
  secret_arn         = module.secret.secret_arn

  settings = merge(local.settings, local.job_queue)
}

# The same package with the queue's door: it works through the jobs the webhook could not finish.
module "worker" {
  source = "./modules/function"
  count  = var.queue_enabled ? 1 : 0

  name         = "${var.name}-worker"
  description  = "Works through the voice jobs the ${var.name} webhook queued, at the pace Polly allows"
  package_path = "${local.repo_root}/dist/function.zip"
  handler      = "worker.handler"

  memory_size              = var.lambda_memory_size
  timeout                  = var.worker_timeout
  log_retention_days       = var.log_retention_days
  log_level                = var.log_level
  permissions_boundary_arn = var.permissions_boundary_arn

  bucket_name        = module.bucket.bucket_name
  bucket_arn         = module.bucket.bucket_arn
  bucket_kms_key_arn = module.bucket.kms_key_arn
  secret_arn         = module.secret.secret_arn

  # On its last receive a throttled job is answered rather than left to the dead-letter queue.
  settings = merge(local.settings, local.job_queue, { JOB_MAX_RECEIVES = module.queue[0].max_receive_count })
}

module "queue" {
  source = "./modules/queue"
  count  = var.queue_enabled ? 1 : 0

  name                 = "${var.name}-jobs"
  sender_role_name     = module.function.role_name
  worker_role_name     = module.worker[0].role_name
  worker_function_name = module.worker[0].function_name
  worker_timeout       = var.worker_timeout

  polly_requests_per_second = var.polly_requests_per_second
  batch_size                = var.queue_batch_size
  max_receive_count         = var.queue_max_receive_count
}

module "api" {
  source = "./modules/api"

  name                = var.name
  function_name       = module.function.function_name
  function_invoke_arn = module.function.invoke_arn
  stage_name          = var.api_stage_name

  throttling_rate_limit          = var.api_throttling_rate_limit
  throttling_burst_limit         = var.api_throttling_burst_limit
  voice_throttling_rate_limit    = var.api_voice_throttling_rate_limit
  voice_throttling_burst_limit   = var.api_voice_throttling_burst_limit
  webhook_source_cidrs           = var.api_webhook_source_cidrs
  permissions_boundary_arn       = var.permissions_boundary_arn
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
  script_path       = "${local.repo_root}/dist/webhook.mjs"

  allowed_updates      = var.webhook_allowed_updates
  max_connections      = var.webhook_max_connections
  drop_pending_updates = var.webhook_drop_pending_updates
}

module "monitoring" {
  source = "./modules/monitoring"
  count  = var.monitoring_enabled ? 1 : 0

  name           = var.name
  region         = var.region
  function_name  = module.function.function_name
  api_name       = module.api.rest_api_name
  api_stage_name = module.api.stage_name

  worker_function_name    = one(module.worker[*].function_name)
  queue_name              = one(module.queue[*].queue_name)
  dead_letter_queue_name  = one(module.queue[*].dead_letter_queue_name)
  queue_age_alarm_minutes = var.alarm_queue_age_minutes

  alarm_email                  = var.alarm_email
  daily_polly_characters_alarm = var.alarm_daily_polly_characters
  polly_error_rate_percent     = var.alarm_polly_error_rate_percent
}
