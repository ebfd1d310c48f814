variable "name" {
  description = "Name of the Lambda function; also names its IAM role and log group (/aws/lambda/<name>)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.name))
    error_message = "name must be 1-64 characters of A-Z a-z 0-9 _ -."
  }
}

variable "package_path" {
  description = "Path of the Lambda zip that `npm run build` writes (dist/function.zip): index.mjs at its root, deterministic bytes."
  type        = string

  validation {
    condition     = endswith(var.package_path, ".zip")
    error_message = "package_path must name a .zip file (npm run build writes dist/function.zip)."
  }
}

variable "runtime" {
  description = "Lambda runtime identifier. nodejs24.x needs AWS provider >= 6.21 (the first release that accepts it). On Node 24 Lambda no longer waits for promises left running after the handler returns."
  type        = string
  default     = "nodejs24.x"

  validation {
    condition     = can(regex("^nodejs(2[2-9]|[3-9][0-9])\\.x$", var.runtime))
    error_message = "runtime must be nodejs22.x or a newer nodejs runtime."
  }
}

variable "memory_size" {
  description = "Memory in MB (128-10240); CPU scales with it. 256 MB is plenty for streaming Polly audio into S3."
  type        = number
  nullable    = false
  default     = 256

  validation {
    condition     = var.memory_size >= 128 && var.memory_size <= 10240
    error_message = "memory_size must be between 128 and 10240 MB."
  }
}

variable "handler" {
  description = "The entry point in the package, file.export: index.handler is the webhook (API Gateway), worker.handler the queue's worker (SQS)."
  type        = string
  nullable    = false
  default     = "index.handler"

  validation {
    condition     = contains(["index.handler", "worker.handler"], var.handler)
    error_message = "handler must be index.handler (the webhook) or worker.handler (the queue's worker): the package holds no other entry point."
  }
}

variable "timeout" {
  description = "Timeout in seconds (3-900). Behind API Gateway, which gives up on a REST integration after 29 s, a longer run is wasted: the root module keeps the webhook's at most 29 (default 28 leaves a second for the gateway)."
  type        = number
  nullable    = false
  default     = 28

  validation {
    condition     = var.timeout >= 3 && var.timeout <= 900
    error_message = "timeout must be between 3 and 900 seconds (Lambda's limit)."
  }
}

variable "reserved_concurrent_executions" {
  description = "Concurrency reserved for (and capping) the function, a cost cap. null (default) reserves nothing: new accounts often have a quota of 10, and AWS refuses reservations that leave fewer than 10 unreserved."
  type        = number
  default     = null

  validation {
    condition     = var.reserved_concurrent_executions == null || try(var.reserved_concurrent_executions >= 0, false)
    error_message = "reserved_concurrent_executions must be null or a number >= 0 (0 disables the function)."
  }
}

variable "log_retention_days" {
  description = "Days CloudWatch keeps the function's logs."
  type        = number
  nullable    = false
  default     = 14

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ...)."
  }
}

variable "log_level" {
  description = "LOG_LEVEL for the function: DEBUG, INFO, WARN or ERROR."
  type        = string
  nullable    = false
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARN", "ERROR"], var.log_level)
    error_message = "log_level must be DEBUG, INFO, WARN or ERROR."
  }
}

variable "bucket_name" {
  description = "Audio bucket name, passed as S3_BUCKET_NAME."
  type        = string
}

variable "bucket_arn" {
  description = "Audio bucket ARN; the role may read and write its objects only (expiry deletes them, not the function)."
  type        = string
}

variable "bucket_kms_key_arn" {
  description = "KMS key encrypting the bucket, if any; the role then gets kms:GenerateDataKey and kms:Decrypt on it. null for SSE-S3."
  type        = string
  default     = null
}

variable "secret_arn" {
  description = "ARN of the bot secret, passed as BOT_SECRET_ARN; the role may read this one secret."
  type        = string
}

variable "secret_kms_key_arn" {
  description = "Customer KMS key encrypting the secret, if any; the role then gets kms:Decrypt on it. null for the AWS-managed key."
  type        = string
  default     = null
}

variable "settings" {
  description = "The bot's settings, as the function's environment variables (e.g. VOICE_NAME = \"Joanna\"). A null value leaves the variable out, so the function's own default (function/src/constants.ts) applies: each default lives there and only there. The root module validates the values."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.settings) : can(regex("^[A-Z][A-Z0-9_]*$", k)) && !contains(["S3_BUCKET_NAME", "BOT_SECRET_ARN", "LOG_LEVEL", "TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"], k)])
    error_message = "settings keys must be UPPER_SNAKE_CASE environment variable names other than the ones this module sets (S3_BUCKET_NAME, BOT_SECRET_ARN, LOG_LEVEL) and never the token or webhook secret, which the function reads from Secrets Manager."
  }
}

variable "description" {
  description = "Description of the Lambda function: what this copy of the package does."
  type        = string
  nullable    = false
  default     = "Telegram bot that answers text with a Polly voice message"
}

variable "permissions_boundary_arn" {
  description = "ARN of the IAM policy set as the execution role's permissions boundary, the ceiling of what the role can ever do (terraform/iam/boundary-policy.json). null: no boundary."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/[A-Za-z0-9+=,.@_/-]+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be an IAM policy ARN (arn:aws:iam::<account id>:policy/<name>) or null."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}
