variable "name" {
  description = "Name of the REST API; also names its access log group and the optional CloudWatch role."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.name))
    error_message = "name must be 1-64 characters of A-Z a-z 0-9 _ -."
  }
}

variable "function_name" {
  description = "Name of the Lambda function that handles the webhook (for the invoke permission)."
  type        = string
}

variable "function_invoke_arn" {
  description = "Invoke ARN of that Lambda function (for the AWS_PROXY integration)."
  type        = string
}

variable "path_part" {
  description = "Path segment of the webhook resource: Telegram POSTs to <stage invoke URL>/<path_part>."
  type        = string
  default     = "webhook"

  validation {
    condition     = can(regex("^[A-Za-z0-9._-]+$", var.path_part))
    error_message = "path_part must be a single path segment of A-Z a-z 0-9 . _ -."
  }
}

variable "binary_media_types" {
  description = "Content types API Gateway treats as binary. The voice route returns audio/ogg base64-encoded; API Gateway decodes it only if the client's first Accept type matches, and Telegram's Accept header is undocumented, so the default is */*."
  type        = list(string)
  nullable    = false
  default     = ["*/*"]

  validation {
    condition     = anytrue([for t in var.binary_media_types : contains(["*/*", "audio/*", "audio/ogg"], t)])
    error_message = "binary_media_types must cover audio/ogg (*/*, audio/* or audio/ogg), or voices reach Telegram as base64 text."
  }
}

variable "stage_name" {
  description = "Name of the API stage; it is part of the invoke URL."
  type        = string
  nullable    = false
  default     = "live"

  validation {
    condition     = can(regex("^[A-Za-z0-9_]{1,128}$", var.stage_name))
    error_message = "stage_name must be 1-128 characters of A-Z a-z 0-9 _."
  }
}

variable "throttling_rate_limit" {
  description = "Steady-state requests per second allowed on POST /<path_part>; excess gets 429 and Telegram redelivers later. A cost cap."
  type        = number
  nullable    = false
  default     = 10

  validation {
    condition     = var.throttling_rate_limit > 0
    error_message = "throttling_rate_limit must be greater than 0."
  }
}

variable "throttling_burst_limit" {
  description = "Burst (bucket size, requests) allowed on POST /<path_part>."
  type        = number
  nullable    = false
  default     = 20

  validation {
    condition     = var.throttling_burst_limit >= 1 && floor(var.throttling_burst_limit) == var.throttling_burst_limit
    error_message = "throttling_burst_limit must be a whole number, at least 1."
  }
}

variable "voice_throttling_rate_limit" {
  description = "Steady-state requests per second allowed on GET /voice, a bucket of its own: the route is open to any address, and junk there must not use up the webhook's. Telegram fetches a voice once per chosen inline result."
  type        = number
  nullable    = false
  default     = 5

  validation {
    condition     = var.voice_throttling_rate_limit > 0
    error_message = "voice_throttling_rate_limit must be greater than 0."
  }
}

variable "voice_throttling_burst_limit" {
  description = "Burst (bucket size, requests) allowed on GET /voice."
  type        = number
  nullable    = false
  default     = 10

  validation {
    condition     = var.voice_throttling_burst_limit >= 1 && floor(var.voice_throttling_burst_limit) == var.voice_throttling_burst_limit
    error_message = "voice_throttling_burst_limit must be a whole number, at least 1."
  }
}

variable "webhook_source_cidrs" {
  description = "Source address ranges (CIDR) allowed to POST to the webhook, enforced by the API's resource policy before the function runs. Default: the ranges Telegram delivers webhooks from (core.telegram.org/bots/webhooks). An empty list allows every address (the secret header is then the only check)."
  type        = list(string)
  nullable    = false
  default     = ["149.154.160.0/20", "91.108.4.0/22"]

  validation {
    condition     = alltrue([for cidr in var.webhook_source_cidrs : can(cidrnetmask(cidr))])
    error_message = "webhook_source_cidrs must be IPv4 CIDR blocks such as 149.154.160.0/20."
  }
}

variable "access_logging_enabled" {
  description = "Write one JSON access-log line per request to a CloudWatch log group. Needs the account-level API Gateway CloudWatch role: see manage_account_cloudwatch_role."
  type        = bool
  nullable    = false
  default     = true
}

variable "access_log_retention_days" {
  description = "Days CloudWatch keeps the API access logs."
  type        = number
  nullable    = false
  default     = 14

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.access_log_retention_days)
    error_message = "access_log_retention_days must be one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ...)."
  }
}

variable "manage_account_cloudwatch_role" {
  description = "Create an IAM role and set it as API Gateway's account-wide CloudWatch role (aws_api_gateway_account). That setting is a singleton per account and region: enable it only if no other stack manages it and the account has none yet (otherwise enabling access logs fails with \"CloudWatch Logs role ARN must be set in account settings\")."
  type        = bool
  nullable    = false
  default     = false
}

variable "metrics_enabled" {
  description = "Enable detailed per-method CloudWatch metrics (billed as custom metrics)."
  type        = bool
  default     = false
}

variable "permissions_boundary_arn" {
  description = "ARN of the IAM policy set as the permissions boundary of the CloudWatch role this module may create (manage_account_cloudwatch_role). null: no boundary."
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
