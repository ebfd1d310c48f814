variable "name" {
  description = "Name of the deployment; names the alarms, the SNS topic and the dashboard."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,64}$", var.name))
    error_message = "name must be 1-64 characters of A-Z a-z 0-9 _ -."
  }
}

variable "region" {
  description = "AWS region of the stack, for the dashboard's widgets and URL."
  type        = string
}

variable "function_name" {
  description = "Name of the bot's Lambda function: the FunctionName dimension of AWS/Lambda and of the bot's own metrics."
  type        = string
}

variable "api_name" {
  description = "Name of the REST API (the ApiName dimension of AWS/ApiGateway)."
  type        = string
}

variable "api_stage_name" {
  description = "Stage of the REST API (the Stage dimension of AWS/ApiGateway)."
  type        = string
}

variable "worker_function_name" {
  description = "Name of the queue's worker function, whose own metrics are added to the webhook's; null when there is no queue."
  type        = string
  default     = null
}

variable "queue_name" {
  description = "Name of the job queue (the QueueName dimension of AWS/SQS): alarms on its oldest job and a dashboard row; null when there is no queue."
  type        = string
  default     = null
}

variable "dead_letter_queue_name" {
  description = "Name of the queue's dead-letter queue: an alarm as soon as it holds a job; required with queue_name."
  type        = string
  default     = null

  validation {
    condition     = (var.dead_letter_queue_name == null) == (var.queue_name == null)
    error_message = "dead_letter_queue_name and queue_name must be given together (or neither)."
  }
}

variable "queue_age_alarm_minutes" {
  description = "Alarm when the queue's oldest job has waited longer than this, in minutes (1-1440). A burst of 500 texts at the neural quota (8 a second) drains in about a minute."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.queue_age_alarm_minutes >= 1 && var.queue_age_alarm_minutes <= 1440
    error_message = "queue_age_alarm_minutes must be from 1 to 1440."
  }
}

variable "metrics_namespace" {
  description = "CloudWatch namespace of the metrics the function writes in Embedded Metric Format (docs/metrics.md); must match the function's."
  type        = string
  default     = "Voicebot"
  nullable    = false
}

variable "alarm_email" {
  description = "Email address subscribed to the alarm topic; AWS sends a confirmation mail first. null: no subscription (subscribe anything to the topic_arn output yourself)."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_email == null || can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", var.alarm_email))
    error_message = "alarm_email must be an email address or null."
  }
}

variable "polly_error_rate_percent" {
  description = "Alarm when more than this share of Polly requests fails within 5 minutes, in percent (1-100)."
  type        = number
  default     = 10
  nullable    = false

  validation {
    condition     = var.polly_error_rate_percent >= 1 && var.polly_error_rate_percent <= 100
    error_message = "polly_error_rate_percent must be between 1 and 100."
  }
}

variable "daily_polly_characters_alarm" {
  description = "Alarm when the characters sent to Polly within one day exceed this number (Polly bills per character: $4 per million standard, $16 per million neural). Default 1,000,000: $4-16 a day."
  type        = number
  default     = 1000000
  nullable    = false

  validation {
    condition     = var.daily_polly_characters_alarm >= 1 && floor(var.daily_polly_characters_alarm) == var.daily_polly_characters_alarm
    error_message = "daily_polly_characters_alarm must be a whole number of characters, at least 1."
  }
}

variable "tags" {
  description = "Tags added to every resource of the module (on top of the provider's default_tags)."
  type        = map(string)
  default     = {}
}
