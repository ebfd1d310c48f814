# The queue module against a mocked AWS provider.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name                 = "voicebot-jobs"
  sender_role_name     = "voicebot"
  worker_role_name     = "voicebot-worker"
  worker_function_name = "voicebot-worker"
  worker_timeout       = 60
}

run "an_encrypted_queue_with_a_dead_letter_queue_feeding_the_worker_at_the_neural_quota" {
  command = apply

  module {
    source = "./modules/queue"
  }

  assert {
    condition     = aws_sqs_queue.this.sqs_managed_sse_enabled && aws_sqs_queue.dead_letter.sqs_managed_sse_enabled
    error_message = "both queues are encrypted (SSE-SQS)"
  }

  assert {
    condition     = aws_sqs_queue.this.visibility_timeout_seconds == 360
    error_message = "the visibility timeout is 6 times the worker's timeout, as AWS advises"
  }

  assert {
    condition     = jsondecode(aws_sqs_queue.this.redrive_policy).maxReceiveCount == 10 && jsondecode(aws_sqs_queue.this.redrive_policy).deadLetterTargetArn == aws_sqs_queue.dead_letter.arn
    error_message = "a job that never finishes moves to the dead-letter queue after 10 receives"
  }

  assert {
    condition     = aws_sqs_queue.dead_letter.name == "voicebot-jobs-dead-letter" && aws_sqs_queue.dead_letter.message_retention_seconds == 1209600 && aws_sqs_queue.this.message_retention_seconds < aws_sqs_queue.dead_letter.message_retention_seconds
    error_message = "dead letters are kept 14 days, longer than a job may wait"
  }

  assert {
    condition     = aws_lambda_event_source_mapping.this.function_response_types == toset(["ReportBatchItemFailures"]) && aws_lambda_event_source_mapping.this.batch_size == 5 && aws_lambda_event_source_mapping.this.enabled
    error_message = "the mapping hands batches of 5 and lets the worker report the jobs that must come back"
  }

  assert {
    condition     = aws_lambda_event_source_mapping.this.scaling_config[0].maximum_concurrency == 8 && output.maximum_concurrency == 8
    error_message = "8 workers at once keep 1-second jobs of one Polly request each within the neural quota of 8 a second"
  }

  assert {
    condition     = aws_lambda_event_source_mapping.this.event_source_arn == aws_sqs_queue.this.arn && aws_lambda_event_source_mapping.this.function_name == "voicebot-worker"
    error_message = "the mapping feeds the job queue, not the dead-letter queue, to the worker"
  }

  assert {
    condition     = aws_iam_role_policy.send.role == "voicebot" && aws_iam_role_policy.consume.role == "voicebot-worker"
    error_message = "the webhook's role gets the send policy, the worker's the consume policy"
  }

  assert {
    condition     = data.aws_iam_policy_document.send.statement[0].actions == toset(["sqs:SendMessage"]) && data.aws_iam_policy_document.send.statement[0].resources == toset([aws_sqs_queue.this.arn])
    error_message = "the webhook may only send, and only to this queue"
  }

  assert {
    condition     = data.aws_iam_policy_document.consume.statement[0].actions == toset(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility", "sqs:SendMessage"]) && data.aws_iam_policy_document.consume.statement[0].resources == toset([aws_sqs_queue.this.arn])
    error_message = "the worker gets what the mapping needs, ChangeMessageVisibility for backoff and SendMessage for a document's next job, on the job queue only"
  }
}

run "standard_voices_allow_ten_times_the_workers" {
  command = plan

  module {
    source = "./modules/queue"
  }

  variables {
    polly_requests_per_second = 80
  }

  assert {
    condition     = aws_lambda_event_source_mapping.this.scaling_config[0].maximum_concurrency == 80
    error_message = "80 requests a second, 1 s jobs of one request: 80 workers"
  }
}

run "long_texts_of_two_requests_halve_the_workers" {
  command = plan

  module {
    source = "./modules/queue"
  }

  variables {
    polly_requests_per_job = 2
  }

  assert {
    condition     = aws_lambda_event_source_mapping.this.scaling_config[0].maximum_concurrency == 4
    error_message = "8 requests a second, jobs of two requests: 4 workers"
  }
}

run "never_fewer_than_lambdas_minimum_of_two_workers" {
  command = plan

  module {
    source = "./modules/queue"
  }

  variables {
    polly_requests_per_second = 1
  }

  assert {
    condition     = aws_lambda_event_source_mapping.this.scaling_config[0].maximum_concurrency == 2
    error_message = "Lambda refuses a maximum concurrency below 2"
  }
}

run "refuses_a_batch_lambda_would_refuse" {
  command = plan

  module {
    source = "./modules/queue"
  }

  variables {
    batch_size = 11
  }

  expect_failures = [var.batch_size]
}

run "refuses_a_worker_timeout_beyond_lambdas_limit" {
  command = plan

  module {
    source = "./modules/queue"
  }

  variables {
    worker_timeout = 901
  }

  expect_failures = [var.worker_timeout]
}
