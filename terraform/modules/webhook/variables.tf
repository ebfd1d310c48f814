variable "webhook_url" {
  description = "HTTPS URL Telegram should POST updates to (the API's webhook URL)."
  type        = string

  validation {
    condition     = startswith(var.webhook_url, "https://")
    error_message = "webhook_url must be an https:// URL (Telegram accepts nothing else)."
  }
}

variable "secret_arn" {
  description = "ARN of the Secrets Manager secret with {\"bot_token\", \"webhook_secret\"}; the script reads both from it, so no secret passes through Terraform."
  type        = string

  validation {
    condition     = can(regex("^arn:[a-z-]+:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:", var.secret_arn))
    error_message = "secret_arn must be a Secrets Manager secret ARN."
  }
}

variable "secret_version_id" {
  description = "Version id of the secret's current content; a new one (token or webhook secret rotated) re-registers the webhook. Not secret."
  type        = string
}

variable "script_path" {
  description = "Path of the built webhook script (dist/webhook.mjs, written by `npm run build`; it needs nothing but Node.js), relative to the directory Terraform runs in (the root module); its hash is a trigger, so a changed script re-registers."
  type        = string
}

variable "node_command" {
  description = "Command that runs Node.js (>= 22.18) for the script."
  type        = string
  default     = "node"
}

variable "allowed_updates" {
  description = "Update types Telegram should deliver (setWebhook allowed_updates)."
  type        = list(string)
  nullable    = false
  default     = ["message", "callback_query", "inline_query"]

  validation {
    condition = length(var.allowed_updates) > 0 && alltrue([for u in var.allowed_updates : contains([
      "message", "edited_message", "channel_post", "edited_channel_post", "business_connection",
      "business_message", "edited_business_message", "deleted_business_messages", "message_reaction",
      "message_reaction_count", "inline_query", "chosen_inline_result", "callback_query", "shipping_query",
      "pre_checkout_query", "purchased_paid_media", "poll", "poll_answer", "my_chat_member", "chat_member",
      "chat_join_request", "chat_boost", "removed_chat_boost",
    ], u)])
    error_message = "allowed_updates must be a non-empty list of Telegram update types such as message or callback_query."
  }
}

variable "max_connections" {
  description = "Most simultaneous HTTPS connections Telegram opens to the webhook (1-100), which also caps concurrent Lambda invocations from Telegram."
  type        = number
  nullable    = false
  default     = 10

  validation {
    condition     = var.max_connections >= 1 && var.max_connections <= 100 && floor(var.max_connections) == var.max_connections
    error_message = "max_connections must be a whole number between 1 and 100."
  }
}

variable "drop_pending_updates" {
  description = "Drop updates Telegram queued while no webhook was reachable, each time the webhook is (re-)registered."
  type        = bool
  nullable    = false
  default     = false
}
