# The monitoring module against a mocked AWS provider.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name           = "voicebot"
  region         = "eu-central-1"
  function_name  = "voicebot"
  api_name       = "voicebot"
  api_stage_name = "live"
}

run "alarms_on_failures_throttles_5xx_polly_errors_and_daily_spend_into_one_topic" {
  command = apply

  module {
    source = "./modules/monitoring"
  }

  assert {
    condition     = toset(keys(aws_cloudwatch_metric_alarm.this)) == toset(["function-errors", "function-throttles", "api-5xx"])
    error_message = "one alarm per failure mode"
  }

  assert {
    condition     = alltrue([for a in values(aws_cloudwatch_metric_alarm.this) : a.alarm_actions == toset([aws_sns_topic.alarms.arn]) && a.treat_missing_data == "notBreaching"])
    error_message = "every alarm notifies the topic, and a quiet bot is not an alarm"
  }

  assert {
    condition     = alltrue([for q in aws_cloudwatch_metric_alarm.daily_polly_characters.metric_query : try(q.metric[0].period, 86400) == 86400]) && aws_cloudwatch_metric_alarm.daily_polly_characters.threshold == 1000000
    error_message = "the spend alarm sums a day of characters against a sane default"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.polly_error_rate.threshold == 10 && length(aws_cloudwatch_metric_alarm.polly_error_rate.metric_query) == 5
    error_message = "the Polly alarm divides failures by requests and fires above 10 %"
  }

  assert {
    condition     = length(aws_sns_topic_subscription.email) == 0
    error_message = "no email subscription unless an address is given"
  }

  assert {
    condition     = length(jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets) == 4
    error_message = "the dashboard answers its four questions"
  }

  assert {
    condition     = output.dashboard_url == "https://eu-central-1.console.aws.amazon.com/cloudwatch/home?region=eu-central-1#dashboards/dashboard/voicebot"
    error_message = "dashboard_url opens the dashboard in the stack's region"
  }
}

run "watches_the_queue_and_adds_the_workers_spend" {
  command = apply

  module {
    source = "./modules/monitoring"
  }

  variables {
    worker_function_name   = "voicebot-worker"
    queue_name             = "voicebot-jobs"
    dead_letter_queue_name = "voicebot-jobs-dead-letter"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["dead-letters"].dimensions.QueueName == "voicebot-jobs-dead-letter" && aws_cloudwatch_metric_alarm.this["dead-letters"].threshold == 1 && aws_cloudwatch_metric_alarm.this["dead-letters"].statistic == "Maximum"
    error_message = "one dead letter is an alarm"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["queue-age"].dimensions.QueueName == "voicebot-jobs" && aws_cloudwatch_metric_alarm.this["queue-age"].metric_name == "ApproximateAgeOfOldestMessage" && aws_cloudwatch_metric_alarm.this["queue-age"].threshold == 600
    error_message = "a job older than 10 minutes is an alarm"
  }

  assert {
    condition     = toset([for q in aws_cloudwatch_metric_alarm.daily_polly_characters.metric_query : try(q.metric[0].dimensions.FunctionName, "sum")]) == toset(["sum", "voicebot", "voicebot-worker"])
    error_message = "the day's spend adds the worker's characters to the webhook's"
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.polly_error_rate.metric_query) == 7
    error_message = "the Polly error rate counts both functions' requests and failures"
  }

  assert {
    condition     = length(jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets) == 6 && strcontains(aws_cloudwatch_dashboard.this.dashboard_body, "ApproximateAgeOfOldestMessage") && strcontains(aws_cloudwatch_dashboard.this.dashboard_body, "worker errors")
    error_message = "a dashboard row shows the queue's depth and age and the worker's errors"
  }
}

run "refuses_a_queue_without_its_dead_letter_queue" {
  command = plan

  module {
    source = "./modules/monitoring"
  }

  variables {
    queue_name = "voicebot-jobs"
  }

  expect_failures = [var.dead_letter_queue_name]
}

run "subscribes_the_given_address" {
  command = plan

  module {
    source = "./modules/monitoring"
  }

  variables {
    alarm_email = "oncall@example.com"
  }

  assert {
    condition     = aws_sns_topic_subscription.email[0].endpoint == "oncall@example.com" && aws_sns_topic_subscription.email[0].protocol == "email"
    error_message = "alarm_email subscribes that address by email"
  }
}

run "refuses_a_nonsense_error_rate" {
  command = plan

  module {
    source = "./modules/monitoring"
  }

  variables {
    polly_error_rate_percent = 0
  }

  expect_failures = [var.polly_error_rate_percent]
}
