locals {
  # AWS/Lambda's metrics and the function's own (EMF) share this one dimension.
  function_dimensions = { FunctionName = var.function_name }
  # The bot's own metrics (docs/metrics.md) carry the FunctionName of the function that wrote them:
  # the webhook's, and the worker's for the jobs it finished. Spend and Polly errors add both up.
  bot_functions = compact([var.function_name, var.worker_function_name])
  queued        = var.queue_name != null

  # Alarms on one metric each: what they watch, and when they fire. Every period is 5 minutes except
  # the daily spend; missing data (no traffic) is never an alarm.
  alarms = {
    function-errors = {
      description = "The function failed (crashed, timed out or ran out of memory) at least once in 5 minutes. Telegram redelivers the update; see the function's logs."
      namespace   = "AWS/Lambda"
      metric      = "Errors"
      dimensions  = local.function_dimensions
      period      = 300
      statistic   = "Sum"
      threshold   = 1
    }
    function-throttles = {
      description = "Lambda refused to run the function at least once in 5 minutes (concurrency limit reached). Telegram redelivers; raise reserved concurrency or the account quota if it persists."
      namespace   = "AWS/Lambda"
      metric      = "Throttles"
      dimensions  = local.function_dimensions
      period      = 300
      statistic   = "Sum"
      threshold   = 1
    }
    api-5xx = {
      description = "API Gateway answered Telegram with a 5xx at least once in 5 minutes (function error or 29 s timeout). Telegram redelivers; check the function's logs and the access log."
      namespace   = "AWS/ApiGateway"
      metric      = "5XXError"
      dimensions  = { ApiName = var.api_name, Stage = var.api_stage_name }
      period      = 300
      statistic   = "Sum"
      threshold   = 1
    }
  }

  # A queue's backlog is a level, not a count: its worst value in the period is what matters.
  queue_alarms = { for key, alarm in {
    dead-letters = {
      description = "A job crashed or timed out the worker on every receive and reached the dead-letter queue ${coalesce(var.dead_letter_queue_name, "-")}: its user got no voice. Inspect it and redrive it (docs/operations.md)."
      namespace   = "AWS/SQS"
      metric      = "ApproximateNumberOfMessagesVisible"
      dimensions  = { QueueName = var.dead_letter_queue_name }
      period      = 300
      statistic   = "Maximum"
      threshold   = 1
    }
    queue-age = {
      description = "The oldest job has waited in ${coalesce(var.queue_name, "-")} for more than ${var.queue_age_alarm_minutes} minutes: the worker is not keeping up with a burst (Polly quota, errors, or the mapping is off). See the dashboard's queue row."
      namespace   = "AWS/SQS"
      metric      = "ApproximateAgeOfOldestMessage"
      dimensions  = { QueueName = var.queue_name }
      period      = 60
      statistic   = "Maximum"
      threshold   = var.queue_age_alarm_minutes * 60
    }
  } : key => alarm if local.queued }
}

resource "aws_sns_topic" "alarms" {
  name = "${var.name}-alarms"
  tags = var.tags
}

resource "aws_sns_topic_subscription" "email" {
  count = var.alarm_email == null ? 0 : 1

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = var.alarm_email
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = merge(local.alarms, local.queue_alarms)

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  period              = each.value.period
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = each.value.threshold
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags
}

# The share of Polly requests that failed, from the function's own metrics (docs/metrics.md).
resource "aws_cloudwatch_metric_alarm" "polly_error_rate" {
  alarm_name          = "${var.name}-polly-error-rate"
  alarm_description   = "More than ${var.polly_error_rate_percent}% of Polly requests failed within 5 minutes (throttling above the engine's quota, or an outage). Users get an apology instead of a voice."
  evaluation_periods  = 1
  comparison_operator = "GreaterThanThreshold"
  threshold           = var.polly_error_rate_percent
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags

  metric_query {
    id          = "rate"
    expression  = "IF(requests > 0, 100 * failures / requests, 0)"
    label       = "Polly requests that failed (%)"
    return_data = true
  }

  metric_query {
    id         = "failures"
    expression = "SUM([${join(", ", [for i, _ in local.bot_functions : "failures${i}"])}])"
  }

  metric_query {
    id         = "requests"
    expression = "SUM([${join(", ", [for i, _ in local.bot_functions : "requests${i}"])}])"
  }

  dynamic "metric_query" {
    for_each = { for pair in setproduct(["PollyErrors", "PollyRequests"], range(length(local.bot_functions))) : "${pair[0] == "PollyErrors" ? "failures" : "requests"}${pair[1]}" => { metric = pair[0], function = local.bot_functions[pair[1]] } }

    content {
      id = metric_query.key

      metric {
        namespace   = var.metrics_namespace
        metric_name = metric_query.value.metric
        dimensions  = { FunctionName = metric_query.value.function }
        stat        = "Sum"
        period      = 300
      }
    }
  }
}

# The day's characters, whichever function sent them to Polly.
resource "aws_cloudwatch_metric_alarm" "daily_polly_characters" {
  alarm_name          = "${var.name}-daily-polly-characters"
  alarm_description   = "More than ${var.daily_polly_characters_alarm} characters were sent to Polly within a day: spend is above what you planned. Check for abuse (many chats) and consider DAILY_CHARACTER_BUDGET."
  evaluation_periods  = 1
  comparison_operator = "GreaterThanOrEqualToThreshold"
  threshold           = var.daily_polly_characters_alarm
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alarms.arn]
  ok_actions          = [aws_sns_topic.alarms.arn]
  tags                = var.tags

  metric_query {
    id          = "characters"
    expression  = "SUM([${join(", ", [for i, _ in local.bot_functions : "characters${i}"])}])"
    label       = "Characters sent to Polly (24 h)"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = local.bot_functions

    content {
      id = "characters${metric_query.key}"

      metric {
        namespace   = var.metrics_namespace
        metric_name = "PollyCharacters"
        dimensions  = { FunctionName = metric_query.value }
        stat        = "Sum"
        period      = 86400
      }
    }
  }
}

locals {

  # Four rows, one question each: is it up, how busy is it, what does it cost today, where does the time go.
  widgets = [
    { title = "Is it up? Failures (5 min)", x = 0, y = 0, view = "timeSeries", stat = "Sum", period = 300, metrics = [
      ["AWS/Lambda", "Errors", "FunctionName", var.function_name, { label = "function errors" }],
      ["AWS/Lambda", "Throttles", "FunctionName", var.function_name, { label = "throttles" }],
      ["AWS/ApiGateway", "5XXError", "ApiName", var.api_name, "Stage", var.api_stage_name, { label = "API 5xx" }],
      [var.metrics_namespace, "Errors", "FunctionName", var.function_name, { label = "updates answered with an apology" }],
      [var.metrics_namespace, "PollyErrors", "FunctionName", var.function_name, { label = "Polly errors" }],
    ] },
    { title = "How busy is it? Updates and answers (5 min)", x = 12, y = 0, view = "timeSeries", stat = "Sum", period = 300, metrics = [
      [var.metrics_namespace, "Updates", "FunctionName", var.function_name, { label = "updates" }],
      [var.metrics_namespace, "Voices", "FunctionName", var.function_name, { label = "voices sent" }],
      [var.metrics_namespace, "CacheHits", "FunctionName", var.function_name, { label = "voices from the cache (no Polly)" }],
      [var.metrics_namespace, "Refusals", "FunctionName", var.function_name, { label = "refused (rate limit, allowlist, budget)" }],
    ] },
    { title = "What does it cost today? Characters sent to Polly (24 h)", x = 0, y = 6, view = "singleValue", stat = "Sum", period = 86400, metrics = concat(
      flatten([for i, function in local.bot_functions : [
        [var.metrics_namespace, "PollyCharacters", "FunctionName", function, "Engine", "standard", { id = "standard${i}", visible = false }],
        [var.metrics_namespace, "PollyCharacters", "FunctionName", function, "Engine", "neural", { id = "neural${i}", visible = false }],
      ]]),
      [
        [{ expression = "SUM([${join(", ", [for i, _ in local.bot_functions : "FILL(standard${i}, 0)"])}])", label = "standard voices", id = "standard" }],
        [{ expression = "SUM([${join(", ", [for i, _ in local.bot_functions : "FILL(neural${i}, 0)"])}])", label = "neural voices", id = "neural" }],
        [{ expression = "(standard * 4 + neural * 16) / 1000000", label = "Polly list price, USD", id = "usd" }],
      ],
    ) },
    { title = "Where does the time go? Per update, p50 and p99 (ms)", x = 12, y = 6, view = "timeSeries", stat = "p50", period = 300, metrics = [
      [var.metrics_namespace, "LatencyMs", "FunctionName", var.function_name, { label = "total p50" }],
      [var.metrics_namespace, "LatencyMs", "FunctionName", var.function_name, { stat = "p99", label = "total p99" }],
      [var.metrics_namespace, "PollyMs", "FunctionName", var.function_name, { label = "Polly p50" }],
      [var.metrics_namespace, "S3Ms", "FunctionName", var.function_name, { label = "S3 p50" }],
      [var.metrics_namespace, "TelegramMs", "FunctionName", var.function_name, { label = "Telegram p50" }],
    ] },
  ]

  # A fifth row when there is a queue: is a burst waiting, and is the worker getting through it?
  queue_widgets = [for widget in [
    { title = "Is a burst waiting? Jobs in the queue (max, 1 min)", x = 0, y = 12, view = "timeSeries", stat = "Maximum", period = 60, metrics = [
      ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", var.queue_name, { label = "waiting" }],
      ["AWS/SQS", "ApproximateNumberOfMessagesNotVisible", "QueueName", var.queue_name, { label = "being worked on, or backing off" }],
      ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", var.dead_letter_queue_name, { label = "dead letters" }],
      ["AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", var.queue_name, { label = "oldest job (s)", yAxis = "right" }],
    ] },
    { title = "Is the worker keeping up? (5 min)", x = 12, y = 12, view = "timeSeries", stat = "Sum", period = 300, metrics = [
      [var.metrics_namespace, "Voices", "FunctionName", var.worker_function_name, { label = "voices sent by the worker" }],
      [var.metrics_namespace, "PollyErrors", "FunctionName", var.worker_function_name, { label = "Polly errors (throttled jobs go back)" }],
      [var.metrics_namespace, "Errors", "FunctionName", var.worker_function_name, { label = "jobs answered with an apology" }],
      ["AWS/Lambda", "Errors", "FunctionName", var.worker_function_name, { label = "worker errors (crashes, timeouts)" }],
      ["AWS/Lambda", "ConcurrentExecutions", "FunctionName", var.worker_function_name, { stat = "Maximum", label = "workers at once (max)" }],
    ] },
  ] : widget if local.queued]
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name
  dashboard_body = jsonencode({
    widgets = [for w in concat(local.widgets, local.queue_widgets) : {
      type       = "metric"
      x          = w.x
      y          = w.y
      width      = 12
      height     = 6
      properties = { title = w.title, view = w.view, stat = w.stat, period = w.period, region = var.region, metrics = w.metrics }
    }]
  })
}
