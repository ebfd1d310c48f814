variable "name_prefix" {
  description = "Prefix of the generated bucket name (S3 names are global, so AWS appends a unique suffix). Lowercase letters, digits and hyphens, at most 37 characters."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,36}$", var.name_prefix))
    error_message = "name_prefix must be 1-37 characters of a-z, 0-9 and '-', starting with a letter or digit."
  }
}

variable "force_destroy" {
  description = "Whether `terraform destroy` may delete the bucket while it still holds objects (audio, idempotency markers, document records and per-chat settings are all lost)."
  type        = bool
  default     = false
}

variable "kms_key_arn" {
  description = "ARN of a customer-managed KMS key for SSE-KMS. null (default) uses SSE-S3 (AES256), which costs nothing extra."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null || can(regex("^arn:[a-z-]+:kms:", var.kms_key_arn))
    error_message = "kms_key_arn must be null or a KMS key ARN (arn:<partition>:kms:...)."
  }
}

variable "expiring_prefixes" {
  description = "Key prefixes whose objects expire after expiration_days. The function writes voice files under audio/, idempotency markers under updates/, one character count per UTC day under budget/ (written all day, so it outlives its day) and one small record per document being read under documents/; settings/ must never expire, so it must not be covered by any prefix here."
  type        = list(string)
  default     = ["audio/", "updates/", "budget/", "documents/"]

  validation {
    condition     = alltrue([for p in var.expiring_prefixes : can(regex("^[A-Za-z0-9._-]+/$", p)) && !startswith("settings/", p)])
    error_message = "Each prefix must be a non-empty folder name ending in '/', and none may cover settings/."
  }
}

variable "expiration_days" {
  description = "Days after which objects under expiring_prefixes are deleted by the lifecycle rule (S3 runs expiry once a day, so deletion can lag by up to a day)."
  type        = number
  nullable    = false
  default     = 1

  validation {
    condition     = var.expiration_days >= 1 && floor(var.expiration_days) == var.expiration_days
    error_message = "expiration_days must be a whole number of days, at least 1."
  }
}

variable "abort_incomplete_multipart_days" {
  description = "Days after which unfinished multipart uploads anywhere in the bucket are aborted, so their parts stop costing storage."
  type        = number
  default     = 1

  validation {
    condition     = var.abort_incomplete_multipart_days >= 1 && floor(var.abort_incomplete_multipart_days) == var.abort_incomplete_multipart_days
    error_message = "abort_incomplete_multipart_days must be a whole number of days, at least 1."
  }
}

variable "tags" {
  description = "Tags added to the bucket (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}
