locals {
  # Lambda's poller can retry an invocation Lambda throttled for up to the function's timeout several
  # times before the message's receive is over; AWS advises a visibility timeout of at least 6x the
  # function's timeout so a message is not handed to a second worker while the first still has it.
  visibility_timeout_seconds = 6 * var.worker_timeout

  # Each worker invocation has one job in flight at a time (a batch is worked through in order); a job
  # sends its polly_requests_per_job parts to Polly at once and keeps the worker busy job_seconds. So
  # one invocation asks Polly for polly_requests_per_job / job_seconds requests a second, and
  # C = polly_requests_per_second * job_seconds / polly_requests_per_job invocations stay within the
  # quota: neural 8 TPS * 1 s / 1 = 8, standard 80 * 1 / 1 = 80. Lambda's bounds are 2-1000.
  maximum_concurrency = min(1000, max(2, floor(var.polly_requests_per_second * var.job_seconds / var.polly_requests_per_job)))
}

# A job that crashed the worker maxReceiveCount times lands here, to be inspected and redriven.
resource "aws_sqs_queue" "dead_letter" {
  name                      = "${var.name}-dead-letter"
  sqs_managed_sse_enabled   = true
  message_retention_seconds = var.dead_letter_retention_seconds
  tags                      = var.tags
}

resource "aws_sqs_queue" "this" {
  name                       = var.name
  sqs_managed_sse_enabled    = true
  visibility_timeout_seconds = local.visibility_timeout_seconds
  message_retention_seconds  = var.message_retention_seconds
  # Long polling for anyone reading by hand; Lambda's poller long-polls on its own.
  receive_wait_time_seconds = 20

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.dead_letter.arn
    maxReceiveCount     = var.max_receive_count
  })

  tags = var.tags
}

# The webhook hands jobs over and does nothing else with the queue.
data "aws_iam_policy_document" "send" {
  statement {
    sid       = "SendJobs"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.this.arn]
  }
}

resource "aws_iam_role_policy" "send" {
  name   = "${var.name}-send-jobs"
  role   = var.sender_role_name
  policy = data.aws_iam_policy_document.send.json
}

# What Lambda's event source mapping needs on the worker's role; ChangeMessageVisibility, with which
# the worker puts a throttled job back for a while; and SendMessage, with which a document's reading
# that ran out of time goes on as a new job. Nothing on the dead-letter queue.
data "aws_iam_policy_document" "consume" {
  statement {
    sid = "ConsumeJobs"
    actions = [
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
      "sqs:ChangeMessageVisibility",
      "sqs:SendMessage",
    ]
    resources = [aws_sqs_queue.this.arn]
  }
}

resource "aws_iam_role_policy" "consume" {
  name   = "${var.name}-consume-jobs"
  role   = var.worker_role_name
  policy = data.aws_iam_policy_document.consume.json
}

resource "aws_lambda_event_source_mapping" "this" {
  event_source_arn = aws_sqs_queue.this.arn
  function_name    = var.worker_function_name
  enabled          = var.enabled

  batch_size                         = var.batch_size
  maximum_batching_window_in_seconds = 0
  # The worker reports the jobs that must come back (throttled, or the worker could not finish them);
  # the rest of the batch is deleted.
  function_response_types = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = local.maximum_concurrency
  }

  tags = var.tags

  # Lambda checks the role's SQS permissions when the mapping is created.
  depends_on = [aws_iam_role_policy.consume]
}
