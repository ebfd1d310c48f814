variable "name_prefix" {
  description = "Prefix of the secret's name; AWS appends a unique suffix, so a destroy + apply never collides with a name still held by a deleted secret's recovery window."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9/_+=.@-]{1,480}$", var.name_prefix))
    error_message = "name_prefix may contain only A-Z a-z 0-9 / _ + = . @ - (at most 480 characters)."
  }
}

variable "description" {
  description = "Description shown on the secret in the AWS console."
  type        = string
  default     = "Telegram bot token and webhook secret for voicebot"
}

variable "bot_token" {
  description = "Telegram bot token from @BotFather (\"<bot id>:<secret>\"). Ephemeral and write-only: it never reaches the plan file or the state. null only for destroy."
  type        = string
  default     = null
  sensitive   = true
  ephemeral   = true

  validation {
    # The same rule as the function's config.ts (BOT_TOKEN).
    condition     = var.bot_token == null || can(regex("^[0-9]+:[A-Za-z0-9_-]{20,}$", var.bot_token))
    error_message = "bot_token must look like a @BotFather token: digits, a colon, then at least 20 characters of A-Z a-z 0-9 _ -."
  }
}

variable "secret_version" {
  description = "Version of the secret's content. Terraform cannot see write-only values, so it writes a new secret version (new token, new webhook secret) only when this number changes: increase it to rotate the token or the webhook secret."
  type        = number
  nullable    = false
  default     = 1

  validation {
    condition     = var.secret_version >= 1 && floor(var.secret_version) == var.secret_version
    error_message = "secret_version must be a whole number, at least 1."
  }
}

variable "recovery_window_in_days" {
  description = "Days Secrets Manager keeps the secret recoverable after deletion: 0 deletes it at once, otherwise 7-30."
  type        = number
  nullable    = false
  default     = 7

  validation {
    condition     = var.recovery_window_in_days == 0 || (var.recovery_window_in_days >= 7 && var.recovery_window_in_days <= 30)
    error_message = "recovery_window_in_days must be 0 or between 7 and 30."
  }
}

variable "kms_key_id" {
  description = "KMS key (ARN or id) encrypting the secret. null (default) uses the AWS-managed key aws/secretsmanager; a customer key also needs kms:Decrypt for the function role."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to the secret (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}
