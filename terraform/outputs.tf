output "webhook_url" {
  description = "URL Telegram delivers updates to (POST only)."
  value       = module.api.webhook_url
}

output "webhook_registered" {
  description = "Whether Terraform registered the webhook with Telegram (register_webhook)."
  value       = length(module.webhook) > 0
}

output "api_invoke_url" {
  description = "Invoke URL of the API stage."
  value       = module.api.invoke_url
}

output "api_access_log_group_name" {
  description = "CloudWatch log group with the API access logs (null when disabled)."
  value       = module.api.access_log_group_name
}

output "function_name" {
  description = "Name of the Lambda function."
  value       = module.function.function_name
}

output "function_log_group_name" {
  description = "CloudWatch log group of the function; `make logs` tails it."
  value       = module.function.log_group_name
}

output "bucket_name" {
  description = "Name of the audio bucket."
  value       = module.bucket.bucket_name
}

output "secret_arn" {
  description = "ARN of the Secrets Manager secret with the bot token and webhook secret (the ARN is not secret; its value is). Use it with `node dist/webhook.mjs info --secret-arn ...`."
  value       = module.secret.secret_arn
}

output "region" {
  description = "AWS region of the deployment."
  value       = var.region
}

output "dashboard_url" {
  description = "CloudWatch dashboard: is it up, how busy, what it costs today, where the time goes (null when monitoring_enabled = false)."
  value       = one(module.monitoring[*].dashboard_url)
}

output "alarm_topic_arn" {
  description = "SNS topic every alarm notifies (null when monitoring_enabled = false)."
  value       = one(module.monitoring[*].topic_arn)
}

output "voice_url" {
  description = "Inline mode's voice route (GET; only URLs the function signed are served). Enable inline mode with BotFather's /setinline."
  value       = module.api.voice_url
}

output "job_queue_url" {
  description = "The job queue the webhook hands bursts to (null when queue_enabled = false); `make dev` takes it as JOB_QUEUE_URL."
  value       = one(module.queue[*].queue_url)
}

output "dead_letter_queue_url" {
  description = "The dead-letter queue: jobs that crashed the worker on every receive, to inspect and redrive (docs/operations.md; null without a queue)."
  value       = one(module.queue[*].dead_letter_queue_url)
}

output "worker_function_name" {
  description = "Name of the queue's worker function (null without a queue)."
  value       = one(module.worker[*].function_name)
}

output "worker_log_group_name" {
  description = "CloudWatch log group of the worker: one `job handled` line per job (null without a queue)."
  value       = one(module.worker[*].log_group_name)
}
