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

variable "permissions_boundary_arn" {
  description = "ARN of the IAM policy every role of this stack carries as its permissions boundary, the ceiling of what the role can ever do. Created once per account from terraform/iam/boundary-policy.json by an administrator, before the first apply (docs/deploy.md, \"One-time bootstrap\"); the deployer policy lets roles be created or changed only with it."
  type        = string
  nullable    = false
}

# --- bot secret -------------------------------------------------------------------------------

variable "bot_token" {
  description = "Telegram bot token from @BotFather (\"<bot id>:<secret>\"). Sensitive and ephemeral: give it via TF_VAR_bot_token (or the `make` prompt) on every plan/apply; it is written to Secrets Manager through a write-only argument and never stored in plan or state. Not needed for destroy."
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true
}

variable "bot_token_version" {
  description = "Version of the secret's content. Terraform writes the token (and a new webhook secret) to Secrets Manager only on create and when this number changes: increase it after changing bot_token or to rotate the webhook secret. null: the secret module's default (secret_version in modules/secret/variables.tf)."
  type        = number
  default     = null
}

variable "secret_recovery_window_days" {
  description = "Days a deleted secret stays recoverable (0, or 7-30). The secret's name is generated, so a destroy + apply works with any value. null: the secret module's default (recovery_window_in_days in modules/secret/variables.tf)."
  type        = number
  default     = null
}

# --- function ---------------------------------------------------------------------------------

variable "voice_name" {
  description = "Default Polly voice id (VOICE_NAME), e.g. Maxim or Tatyana for Russian (standard engine). null: the function's default, Maxim."
  type        = string
  default     = null

  validation {
    # The same rule as the function's config.ts (VOICE_ID): Polly voice ids are letters only.
    condition     = var.voice_name == null || can(regex("^[A-Z][A-Za-z]{1,31}$", var.voice_name))
    error_message = "voice_name must be a Polly voice id such as Maxim or Joanna (letters only)."
  }
}

variable "start_message" {
  description = "Reply to /start (START_MESSAGE). null: the function's built-in text."
  type        = string
  default     = null

  validation {
    condition     = var.start_message == null || try(length(var.start_message) >= 1 && length(var.start_message) <= 4096, false)
    error_message = "start_message must be null or 1-4096 characters (Telegram's message limit)."
  }
}

variable "max_text_length" {
  description = "Longest text read aloud, in characters (MAX_TEXT_LENGTH), 1-4096; longer texts get a polite refusal. null: the function's default, 4096 (Telegram's message limit)."
  type        = number
  default     = null

  validation {
    condition     = var.max_text_length == null || try(var.max_text_length >= 1 && var.max_text_length <= 4096 && floor(var.max_text_length) == var.max_text_length, false)
    error_message = "max_text_length must be a whole number from 1 to 4096 (Telegram's message limit)."
  }
}

variable "max_document_characters" {
  description = "Longest document read aloud (MAX_DOCUMENT_CHARACTERS), in characters of its text once decoded and normalized, 1-1,000,000; a longer one gets one short text with its count and the limit. A document is billed by its characters like any text and reserved whole against daily_character_budget before its first Polly request: 20,000 characters are 7 Polly requests, $0.32 in a neural voice ($16 per million characters) or $0.08 in a standard one ($4 per million). null: the function's default, 20,000."
  type        = number
  default     = null

  validation {
    # The ceiling bounds what one document costs and how long the worker reads it: 1,000,000
    # characters are 334 Polly requests, about $16 in a neural voice.
    condition     = var.max_document_characters == null || try(var.max_document_characters >= 1 && var.max_document_characters <= 1000000 && floor(var.max_document_characters) == var.max_document_characters, false)
    error_message = "max_document_characters must be a whole number of characters from 1 to 1000000 (at 1,000,000 one document is 334 Polly requests, about $16 in a neural voice)."
  }
}

variable "rate_limit_per_minute" {
  description = "Messages the bot answers per chat per minute (RATE_LIMIT_PER_MINUTE), a cap on what one chat can cost; 0 turns it off, at most 1000. null: the function's default, 10."
  type        = number
  default     = null

  validation {
    condition     = var.rate_limit_per_minute == null || try(var.rate_limit_per_minute >= 0 && var.rate_limit_per_minute <= 1000 && floor(var.rate_limit_per_minute) == var.rate_limit_per_minute, false)
    error_message = "rate_limit_per_minute must be a whole number from 0 to 1000."
  }
}

variable "allowed_chat_ids" {
  description = "Telegram chat ids the bot serves (ALLOWED_CHAT_IDS; groups are negative); others get one polite refusal. Empty serves everyone."
  type        = list(number)
  default     = []

  validation {
    condition     = alltrue([for id in var.allowed_chat_ids : floor(id) == id])
    error_message = "allowed_chat_ids must be whole numbers (Telegram chat ids; groups are negative)."
  }
}

variable "log_level" {
  description = "Function log level (LOG_LEVEL): DEBUG, INFO, WARN or ERROR. null: the function module's default (log_level in modules/function/variables.tf)."
  type        = string
  default     = null
}

variable "lambda_memory_size" {
  description = "Lambda memory in MB (128-10240). null: the function module's default (memory_size in modules/function/variables.tf)."
  type        = number
  default     = null
}

variable "lambda_timeout" {
  description = "The webhook function's timeout in seconds, at most 29 (API Gateway's integration timeout). null: the function module's default (timeout in modules/function/variables.tf)."
  type        = number
  default     = null

  validation {
    # Checked here, not in the function module, which also runs the worker (no gateway in front).
    condition     = var.lambda_timeout == null || try(var.lambda_timeout >= 3 && var.lambda_timeout <= 29, false)
    error_message = "lambda_timeout must be between 3 and 29 seconds (API Gateway's integration timeout is 29 s)."
  }
}

variable "lambda_reserved_concurrency" {
  description = "Reserved (and maximum) concurrent executions of the function, a cost cap. null (default) reserves nothing, which new accounts with a concurrency quota of 10 require."
  type        = number
  default     = null
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps function and API access logs (a value CloudWatch accepts: 1, 3, 5, 7, 14, 30, ...). null: the function module's default (log_retention_days in modules/function/variables.tf)."
  type        = number
  default     = null
}

# --- queue and worker (docs/reliability.md: how a burst is handled) -------------------------

variable "queue_enabled" {
  description = "Hand what the webhook cannot finish (Polly throttling, a text too long for the time left) to an SQS queue and a worker function that paces itself to Polly's quota. false: the webhook answers such a message with an apology, as before the queue."
  type        = bool
  default     = true
}

variable "worker_timeout" {
  description = "The worker function's timeout in seconds (3-900); the queue's visibility timeout is 6 times it, so a worker that crashed has its jobs retried after that long."
  type        = number
  default     = 60
  nullable    = false
}

variable "polly_requests_per_second" {
  description = "Polly's SynthesizeSpeech quota in requests per second, which bounds the worker's concurrency: 8 for neural voices, 80 for standard voices (docs/operations.md has the arithmetic). null: the queue module's default (8, neural)."
  type        = number
  default     = null
}

variable "queue_batch_size" {
  description = "Jobs one worker invocation takes at most (1-10). null: the queue module's default (batch_size in modules/queue/variables.tf)."
  type        = number
  default     = null
}

variable "queue_max_receive_count" {
  description = "Receives after which a job that never finished moves to the dead-letter queue. null: the queue module's default (max_receive_count in modules/queue/variables.tf)."
  type        = number
  default     = null
}

# --- bucket -----------------------------------------------------------------------------------

variable "audio_expiration_days" {
  description = "Days after which voice files (audio/), idempotency markers (updates/), the daily character counts (budget/) and the records of documents being read (documents/) are deleted. Per-chat settings (settings/) never expire. null: the bucket module's default (expiration_days in modules/bucket/variables.tf)."
  type        = number
  default     = null
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
  description = "API Gateway stage name (part of the webhook URL). null: the api module's default (stage_name in modules/api/variables.tf)."
  type        = string
  default     = null
}

variable "api_throttling_rate_limit" {
  description = "Requests per second allowed on the webhook (steady state); Telegram retries throttled deliveries. null: the api module's default (throttling_rate_limit in modules/api/variables.tf)."
  type        = number
  default     = null
}

variable "api_throttling_burst_limit" {
  description = "Burst of requests allowed on the webhook. null: the api module's default (throttling_burst_limit in modules/api/variables.tf)."
  type        = number
  default     = null
}

variable "api_voice_throttling_rate_limit" {
  description = "Requests per second allowed on GET /voice (inline mode's audio), a throttle of its own so junk there cannot use up the webhook's. null: the api module's default (voice_throttling_rate_limit in modules/api/variables.tf)."
  type        = number
  default     = null
}

variable "api_voice_throttling_burst_limit" {
  description = "Burst of requests allowed on GET /voice. null: the api module's default (voice_throttling_burst_limit in modules/api/variables.tf)."
  type        = number
  default     = null
}

variable "api_webhook_source_cidrs" {
  description = "Source address ranges (CIDR) allowed to POST to the webhook, enforced by the API's resource policy. null: the api module's default, Telegram's published webhook ranges 149.154.160.0/20 and 91.108.4.0/22. An empty list [] lets every address through (only the secret header then keeps others out)."
  type        = list(string)
  default     = null
}

variable "api_access_logging_enabled" {
  description = "Write API Gateway access logs. Needs the account's API Gateway CloudWatch role (see api_manage_account_cloudwatch_role). null: the api module's default (access_logging_enabled in modules/api/variables.tf)."
  type        = bool
  default     = null
}

variable "api_manage_account_cloudwatch_role" {
  description = "Create and set API Gateway's account-wide CloudWatch role (one per account and region). Set true on an account that never had one if apply fails with \"CloudWatch Logs role ARN must be set in account settings\"; leave false when another stack manages it. null: the api module's default (manage_account_cloudwatch_role in modules/api/variables.tf)."
  type        = bool
  default     = null
}

# --- webhook ----------------------------------------------------------------------------------

variable "register_webhook" {
  description = "Register the webhook with Telegram after apply (runs `node dist/webhook.mjs`, which `make plan`/`make apply` build, so needs Node.js >= 22.18). Set false to register it yourself."
  type        = bool
  default     = true
}

variable "webhook_allowed_updates" {
  description = "Update types Telegram delivers to the webhook; inline_query serves inline mode (`@bot text` in any chat; enable it with BotFather's /setinline). null: the webhook module's default (allowed_updates in modules/webhook/variables.tf)."
  type        = list(string)
  default     = null
}

variable "webhook_max_connections" {
  description = "Most simultaneous connections Telegram opens to the webhook (1-100); also caps concurrent invocations. null: the webhook module's default (max_connections in modules/webhook/variables.tf)."
  type        = number
  default     = null
}

variable "webhook_drop_pending_updates" {
  description = "Drop updates queued at Telegram when the webhook is (re-)registered. null: the webhook module's default (drop_pending_updates in modules/webhook/variables.tf)."
  type        = bool
  default     = null
}

# --- monitoring -------------------------------------------------------------------------------

variable "monitoring_enabled" {
  description = "Create the alarms, their SNS topic and the CloudWatch dashboard (terraform/modules/monitoring). About $0.60 a month for the alarms; the dashboard is free within CloudWatch's first three, $3 a month after."
  type        = bool
  default     = true
}

variable "alarm_email" {
  description = "Email address that gets every alarm (AWS mails a confirmation link first). null: no subscription; subscribe anything to the alarm_topic_arn output."
  type        = string
  default     = null
}

variable "alarm_daily_polly_characters" {
  description = "Alarm when more characters than this are sent to Polly within a day. null: the monitoring module's default (daily_polly_characters_alarm in modules/monitoring/variables.tf)."
  type        = number
  default     = null
}

variable "alarm_polly_error_rate_percent" {
  description = "Alarm when more than this share of Polly requests fails within 5 minutes, in percent. null: the monitoring module's default (polly_error_rate_percent in modules/monitoring/variables.tf)."
  type        = number
  default     = null
}

variable "alarm_queue_age_minutes" {
  description = "Alarm when the oldest job has waited in the queue longer than this, in minutes: the worker is not keeping up. null: the monitoring module's default (queue_age_alarm_minutes in modules/monitoring/variables.tf)."
  type        = number
  default     = null
}

variable "daily_character_budget" {
  description = "The most characters sent to Polly per UTC day across all chats (DAILY_CHARACTER_BUDGET), a hard cap on spend: once spent, texts get one short polite answer and no Polly call until midnight UTC; cached phrases are still sent. null: no cap."
  type        = number
  default     = null

  validation {
    condition     = var.daily_character_budget == null || try(var.daily_character_budget >= 1 && floor(var.daily_character_budget) == var.daily_character_budget, false)
    error_message = "daily_character_budget must be null or a whole number of characters, at least 1."
  }
}
