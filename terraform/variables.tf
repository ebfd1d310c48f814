variable "region" {
  description = "AWS region to deploy to, e.g. eu-central-1 (Polly's Russian voices exist in all commercial regions that have Polly)."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.region))
    error_message = "region must be an AWS region code such as eu-central-1."
  }
}

variable "name" {
  description = "Name of this deployment; names the function, API, roles and log groups and prefixes the bucket and secret. Change it to run a second copy in the same account and region."
  type        = string
  default     = "voicebot"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,29}$", var.name))
    error_message = "name must be 1-30 characters of a-z, 0-9 and '-', starting with a letter."
  }
}

variable "tags" {
  description = "Extra tags for every resource (added to Project and ManagedBy via the provider's default_tags)."
  type        = map(string)
  default     = {}
}

# Values are validated where they are used, in the modules; only root-only settings are checked here.

# --- bot secret -------------------------------------------------------------------------------

variable "bot_token" {
  description = "Telegram bot token from @BotFather (\"<bot id>:<secret>\"). Sensitive and ephemeral: give it via TF_VAR_bot_token (or the `make` prompt) on every plan/apply; it is written to Secrets Manager through a write-only argument and never stored in plan or state. Not needed for destroy."
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true
}

variable "bot_token_version" {
  description = "Version of the secret's content. Terraform writes the token (and a new webhook secret) to Secrets Manager only on create and when this number changes: increase it after changing bot_token or to rotate the webhook secret."
  type        = number
  default     = 1
}

variable "secret_recovery_window_days" {
  description = "Days a deleted secret stays recoverable (0, or 7-30). The secret's name is generated, so a destroy + apply works with any value."
  type        = number
  default     = 7
}

# --- function ---------------------------------------------------------------------------------

variable "voice_name" {
  description = "Default Polly voice id (VOICE_NAME), e.g. Maxim or Tatyana."
  type        = string
  default     = "Maxim"
}

variable "start_message" {
  description = "Reply to /start (START_MESSAGE); null keeps the function's built-in text."
  type        = string
  default     = null
}

variable "max_text_length" {
  description = "Longest text read aloud, in characters. Longer texts get a polite refusal. 1-4096."
  type        = number
  default     = 4096
}

variable "rate_limit_per_minute" {
  description = "Messages the bot answers per chat per minute, a cap on what one chat can cost; 0 turns it off."
  type        = number
  default     = 10
}

variable "allowed_chat_ids" {
  description = "Telegram chat ids the bot serves (groups are negative); empty serves everyone. Others get one polite refusal."
  type        = list(number)
  default     = []
}

variable "log_level" {
  description = "Function log level (LOG_LEVEL): DEBUG, INFO, WARN or ERROR."
  type        = string
  default     = "INFO"
}

variable "lambda_memory_size" {
  description = "Lambda memory in MB (128-10240)."
  type        = number
  default     = 256
}

variable "lambda_timeout" {
  description = "Lambda timeout in seconds, at most 29 (API Gateway's integration timeout)."
  type        = number
  default     = 28
}

variable "lambda_reserved_concurrency" {
  description = "Reserved (and maximum) concurrent executions of the function, a cost cap. null (default) reserves nothing, which new accounts with a concurrency quota of 10 require."
  type        = number
  default     = null
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps function and API access logs (a value CloudWatch accepts: 1, 3, 5, 7, 14, 30, ...)."
  type        = number
  default     = 14
}

# --- bucket -----------------------------------------------------------------------------------

variable "audio_expiration_days" {
  description = "Days after which voice files (audio/) and idempotency markers (updates/) are deleted. Per-chat settings (settings/) never expire."
  type        = number
  default     = 1
}

variable "bucket_force_destroy" {
  description = "Let `make destroy` delete the bucket with its objects. The bucket holds only short-lived audio and per-chat settings, so this defaults to true; set false to protect the settings."
  type        = bool
  default     = true
}

variable "bucket_kms_key_arn" {
  description = "Customer KMS key for the bucket (SSE-KMS); null (default) uses SSE-S3 (AES256)."
  type        = string
  default     = null
}

# --- API --------------------------------------------------------------------------------------

variable "api_stage_name" {
  description = "API Gateway stage name (part of the webhook URL)."
  type        = string
  default     = "live"
}

variable "api_throttling_rate_limit" {
  description = "Requests per second allowed on the webhook (steady state); Telegram retries throttled deliveries."
  type        = number
  default     = 10
}

variable "api_throttling_burst_limit" {
  description = "Burst of requests allowed on the webhook."
  type        = number
  default     = 20
}

variable "api_access_logging_enabled" {
  description = "Write API Gateway access logs. Needs the account's API Gateway CloudWatch role (see api_manage_account_cloudwatch_role)."
  type        = bool
  default     = true
}

variable "api_manage_account_cloudwatch_role" {
  description = "Create and set API Gateway's account-wide CloudWatch role (one per account and region). Set true on an account that never had one if apply fails with \"CloudWatch Logs role ARN must be set in account settings\"; leave false when another stack manages it."
  type        = bool
  default     = false
}

# --- webhook ----------------------------------------------------------------------------------

variable "register_webhook" {
  description = "Register the webhook with Telegram after apply (runs `node scripts/webhook.mjs`, so needs Node.js >= 20 and `npm ci`). Set false to register it yourself."
  type        = bool
  default     = true
}

variable "webhook_allowed_updates" {
  description = "Update types Telegram delivers to the webhook."
  type        = list(string)
  default     = ["message", "callback_query"]
}

variable "webhook_max_connections" {
  description = "Most simultaneous connections Telegram opens to the webhook (1-100); also caps concurrent invocations."
  type        = number
  default     = 10
}

variable "webhook_drop_pending_updates" {
  description = "Drop updates queued at Telegram when the webhook is (re-)registered."
  type        = bool
  default     = false
}
