output "queue_url" {
  description = "URL of the job queue (the webhook's and the worker's JOB_QUEUE_URL)."
  value       = aws_sqs_queue.this.url
}

output "queue_arn" {
  description = "ARN of the job queue."
  value       = aws_sqs_queue.this.arn
}

output "queue_name" {
  description = "Name of the job queue (the QueueName dimension of AWS/SQS)."
  value       = aws_sqs_queue.this.name
}

output "dead_letter_queue_url" {
  description = "URL of the dead-letter queue, for inspecting jobs that crashed the worker (docs/operations.md)."
  value       = aws_sqs_queue.dead_letter.url
}

output "dead_letter_queue_arn" {
  description = "ARN of the dead-letter queue (the source of a redrive back to the job queue)."
  value       = aws_sqs_queue.dead_letter.arn
}

output "dead_letter_queue_name" {
  description = "Name of the dead-letter queue (the QueueName dimension of AWS/SQS)."
  value       = aws_sqs_queue.dead_letter.name
}

output "visibility_timeout_seconds" {
  description = "The job queue's visibility timeout: 6 times the worker's timeout."
  value       = aws_sqs_queue.this.visibility_timeout_seconds
}

output "maximum_concurrency" {
  description = "Most worker invocations at once, derived from the Polly quota."
  value       = local.maximum_concurrency
}

output "event_source_mapping_uuid" {
  description = "UUID of the event source mapping (aws lambda update-event-source-mapping --uuid ... to pause it)."
  value       = aws_lambda_event_source_mapping.this.uuid
}

output "max_receive_count" {
  description = "Receives after which a job moves to the dead-letter queue (the worker's JOB_MAX_RECEIVES)."
  value       = var.max_receive_count
}
