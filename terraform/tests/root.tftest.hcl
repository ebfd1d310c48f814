# The root module, planned against a mocked AWS provider: wiring and the checks that stop bad
# input before anything is created. Run by `make test` (tests/terraform/checks.test.ts).

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  region                   = "eu-central-1"
  bot_token                = "123456789:AAEexampleexampleexampleexample_-x"
  register_webhook         = false
  permissions_boundary_arn = "arn:aws:iam::123456789012:policy/voicebot-boundary"
}

run "plans_the_whole_stack" {
  command = plan

  assert {
    condition     = output.webhook_registered == false
    error_message = "register_webhook = false must not register the webhook"
  }
}

run "applies_with_generated_names_and_the_webhook_url" {
  command = apply

  assert {
    condition     = output.bucket_name == "voicebot-audio-20261130000000000000000001" && output.function_name == "voicebot"
    error_message = "the outputs name the stack's bucket and function"
  }

  assert {
    condition     = output.webhook_url == "https://a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com/live/webhook"
    error_message = "webhook_url is the stage's invoke URL plus /webhook"
  }
}

run "queues_what_the_webhook_cannot_finish_for_a_worker_of_the_same_zip" {
  command = apply

  assert {
    condition     = module.function.function_name == "voicebot" && module.worker[0].function_name == "voicebot-worker"
    error_message = "the webhook and the worker are two functions"
  }

  assert {
    condition     = module.queue[0].queue_name == "voicebot-jobs" && module.queue[0].visibility_timeout_seconds == 360 && module.queue[0].maximum_concurrency == 8
    error_message = "the queue waits 6 times the worker's 60 s, and feeds at most 8 workers (the neural quota)"
  }

  assert {
    condition     = toset(keys(module.monitoring[0].alarm_names)) == toset(["function-errors", "function-throttles", "api-5xx", "dead-letters", "queue-age"])
    error_message = "the queue is watched: dead letters and the oldest job's age"
  }
}

run "without_the_queue_there_is_no_worker" {
  command = plan

  variables {
    queue_enabled = false
  }

  assert {
    condition     = length(module.worker) == 0 && length(module.queue) == 0
    error_message = "queue_enabled = false creates neither the worker nor the queue"
  }
}

run "rejects_a_webhook_timeout_api_gateway_would_cut_off" {
  command = plan

  variables {
    lambda_timeout = 30
  }

  expect_failures = [var.lambda_timeout]
}

run "rejects_a_region_that_is_not_a_region_code" {
  command = plan

  variables {
    region = "Frankfurt"
  }

  expect_failures = [var.region]
}

run "rejects_a_name_aws_would_refuse_for_a_bucket_prefix" {
  command = plan

  variables {
    name = "VoiceBot_Prod"
  }

  expect_failures = [var.name]
}

run "rejects_a_name_too_long_for_the_generated_bucket_name" {
  command = plan

  variables {
    name = "a-name-that-is-much-too-long-for-s3"
  }

  expect_failures = [var.name]
}

run "rejects_a_voice_name_the_function_would_refuse" {
  command = plan

  variables {
    voice_name = "en-US-Joanna"
  }

  expect_failures = [var.voice_name]
}

run "rejects_a_document_limit_of_no_characters" {
  command = plan

  variables {
    max_document_characters = 0
  }

  expect_failures = [var.max_document_characters]
}

run "rejects_a_document_limit_over_a_million_characters" {
  command = plan

  variables {
    max_document_characters = 1000001
  }

  expect_failures = [var.max_document_characters]
}

run "rejects_a_document_limit_that_is_not_a_whole_number" {
  command = plan

  variables {
    max_document_characters = 20000.5
  }

  expect_failures = [var.max_document_characters]
}

run "accepts_a_document_limit_of_a_million_characters" {
  command = plan

  variables {
    max_document_characters = 1000000
  }
}
