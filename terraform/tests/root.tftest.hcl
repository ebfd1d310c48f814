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
