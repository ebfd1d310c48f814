variable "name" {
  description = "Name of the job queue; the dead-letter queue is <name>-dead-letter and the role policies <name>-send-jobs / <name>-consume-jobs."
  type        = string

  validation {
    # SQS allows 80 characters; "-dead-letter" takes 12 of them.
    condition     = can(regex("^[A-Za-z0-9_-]{1,68}$", var.name))
    error_message = "name must be 1-68 characters of A-Z a-z 0-9 _ - (SQS queue names, with room for -dead-letter)."
  }
}

variable "sender_role_name" {
  description = "Execution role of the webhook function: it may send to the queue (sqs:SendMessage), nothing else."
  type        = string
}

variable "worker_role_name" {
  description = "Execution role of the worker function: it may receive, delete and change the visibility of the queue's messages and read its attributes."
  type        = string
}

variable "worker_function_name" {
  description = "Name (or ARN) of the worker Lambda function the queue feeds."
  type        = string
}

variable "worker_timeout" {
  description = "Timeout of the worker function in seconds (its `timeout`); the queue's visibility timeout is 6 times this, as AWS advises."
  type        = number

  validation {
    # 6 x 900 = 5,400 s, within SQS's 12-hour visibility limit.
    condition     = var.worker_timeout >= 3 && var.worker_timeout <= 900 && floor(var.worker_timeout) == var.worker_timeout
    error_message = "worker_timeout must be a whole number of seconds from 3 to 900 (Lambda's limit)."
  }
}

variable "polly_requests_per_second" {
  description = "Polly's SynthesizeSpeech quota the worker paces itself to, in requests per second: 8 for neural, long-form and generative voices, 80 for standard voices (Amazon Polly quotas; raise it if AWS raised yours). With job_seconds and polly_requests_per_job it sets the mapping's maximum concurrency."
  type        = number
  default     = 8
  nullable    = false

  validation {
    condition     = var.polly_requests_per_second >= 1
    error_message = "polly_requests_per_second must be at least 1."
  }
}

variable "polly_requests_per_job" {
  description = "Polly requests one job sends at once: 1 for a text of up to 3,000 billed characters, 2 for Telegram's longest (4,096)."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.polly_requests_per_job >= 1 && floor(var.polly_requests_per_job) == var.polly_requests_per_job
    error_message = "polly_requests_per_job must be a whole number, at least 1."
  }
}

variable "job_seconds" {
  description = "Seconds one job keeps a worker busy (Polly, then storing and sending the voice); about 1 s for a sentence."
  type        = number
  default     = 1
  nullable    = false

  validation {
    condition     = var.job_seconds > 0 && var.job_seconds <= 900
    error_message = "job_seconds must be more than 0 and at most 900."
  }
}

variable "batch_size" {
  description = "Jobs Lambda hands one worker invocation at most (1-10); the worker does them one after another."
  type        = number
  default     = 5
  nullable    = false

  validation {
    condition     = var.batch_size >= 1 && var.batch_size <= 10 && floor(var.batch_size) == var.batch_size
    error_message = "batch_size must be a whole number from 1 to 10."
  }
}

variable "max_receive_count" {
  description = "Receives after which a job that never finished (the worker crashed or timed out each time) moves to the dead-letter queue. Throttled jobs come back too and count, so leave room for a burst's backoff."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000 && floor(var.max_receive_count) == var.max_receive_count
    error_message = "max_receive_count must be a whole number from 1 to 1000 (SQS's limits)."
  }
}

variable "message_retention_seconds" {
  description = "How long a job may wait in the queue, in seconds (60-1,209,600). A voice hours late is worth little; default 1 day."
  type        = number
  default     = 86400
  nullable    = false

  validation {
    condition     = var.message_retention_seconds >= 60 && var.message_retention_seconds <= 1209600
    error_message = "message_retention_seconds must be from 60 to 1,209,600 (14 days)."
  }
}

variable "dead_letter_retention_seconds" {
  description = "How long dead letters are kept for inspection and redrive, in seconds (60-1,209,600); default the 14-day maximum. SQS keeps a message's original enqueue time, so this must exceed message_retention_seconds."
  type        = number
  default     = 1209600
  nullable    = false

  validation {
    condition     = var.dead_letter_retention_seconds >= 60 && var.dead_letter_retention_seconds <= 1209600
    error_message = "dead_letter_retention_seconds must be from 60 to 1,209,600 (14 days)."
  }
}

variable "enabled" {
  description = "Whether Lambda polls the queue. false stops the worker without losing jobs (they wait in the queue, up to message_retention_seconds)."
  type        = bool
  default     = true
  nullable    = false
}

variable "tags" {
  description = "Tags added to every resource of the module (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}
