# The function module against a mocked AWS provider.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name         = "voicebot"
  package_path = "../dist/function.zip"
  bucket_name  = "voicebot-audio-20261130000000000000000001"
  bucket_arn   = "arn:aws:s3:::voicebot-audio-20261130000000000000000001"
  secret_arn   = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:voicebot-bot-20261130-AbCdEf"
  settings = {
    VOICE_NAME      = "Joanna"
    MAX_TEXT_LENGTH = null
  }
}

# The runtime itself is checked by the plan rules (runtimeProblems in tests/terraform/lib/plan-rules.ts):
# offline, the provider mirror's 5.100 refuses nodejs24.x and the test copy runs nodejs22.x instead.
run "runs_the_built_zip_on_arm64_with_a_bounded_role_and_reads_its_token_from_secrets_manager" {
  command = apply

  module {
    source = "./modules/function"
  }

  variables {
    permissions_boundary_arn = "arn:aws:iam::123456789012:policy/voicebot-boundary"
  }

  assert {
    condition     = startswith(aws_lambda_function.this.runtime, "nodejs") && aws_lambda_function.this.architectures == tolist(["arm64"]) && aws_lambda_function.this.handler == "index.handler"
    error_message = "the function runs index.handler on a Node.js runtime, arm64"
  }

  assert {
    condition     = aws_iam_role.this.permissions_boundary == "arn:aws:iam::123456789012:policy/voicebot-boundary"
    error_message = "the execution role carries the permissions boundary"
  }

  assert {
    condition     = aws_lambda_function.this.source_code_hash == filebase64sha256("../dist/function.zip")
    error_message = "a code change must reach Lambda through the zip's hash"
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables.BOT_SECRET_ARN == var.secret_arn && aws_lambda_function.this.environment[0].variables.S3_BUCKET_NAME == var.bucket_name
    error_message = "the function gets the secret's ARN and the bucket's name"
  }

  assert {
    condition     = length([for k in keys(aws_lambda_function.this.environment[0].variables) : k if can(regex("TOKEN|WEBHOOK_SECRET", k))]) == 0
    error_message = "no token or webhook secret may be in the function's environment"
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.retention_in_days == 14 && aws_lambda_function.this.logging_config[0].log_group == aws_cloudwatch_log_group.this.name
    error_message = "the function logs into its own log group with a retention"
  }
}

run "passes_settings_that_are_set_and_leaves_out_null_ones_for_the_function_defaults" {
  command = plan

  module {
    source = "./modules/function"
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables.VOICE_NAME == "Joanna" && !contains(keys(aws_lambda_function.this.environment[0].variables), "MAX_TEXT_LENGTH")
    error_message = "a null setting must be left out so that the function's own default applies"
  }
}

run "refuses_a_permissions_boundary_that_is_not_a_policy_arn" {
  command = plan

  module {
    source = "./modules/function"
  }

  variables {
    permissions_boundary_arn = "arn:aws:iam::123456789012:role/voicebot-boundary"
  }

  expect_failures = [var.permissions_boundary_arn]
}

run "refuses_a_setting_that_would_carry_the_token" {
  command = plan

  module {
    source = "./modules/function"
  }

  variables {
    settings = { TELEGRAM_BOT_TOKEN = "123:abc" }
  }

  expect_failures = [var.settings]
}

run "says_how_to_build_when_the_zip_is_missing" {
  command = plan

  module {
    source = "./modules/function"
  }

  variables {
    package_path = "../dist/not-built-yet.zip"
  }

  expect_failures = [aws_lambda_function.this]
}

run "runs_the_worker_from_the_same_zip_with_its_own_handler_and_log_group" {
  command = plan

  module {
    source = "./modules/function"
  }

  variables {
    name    = "voicebot-worker"
    handler = "worker.handler"
    timeout = 60
  }

  assert {
    condition     = aws_lambda_function.this.handler == "worker.handler" && aws_lambda_function.this.timeout == 60 && aws_lambda_function.this.source_code_hash == filebase64sha256("../dist/function.zip")
    error_message = "the worker is the same zip with its own handler and a timeout no gateway limits"
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/aws/lambda/voicebot-worker"
    error_message = "the worker logs into a log group of its own"
  }
}

run "refuses_a_handler_the_package_does_not_have" {
  command = plan

  module {
    source = "./modules/function"
  }

  variables {
    handler = "main.handler"
  }

  expect_failures = [var.handler]
}

run "refuses_a_timeout_longer_than_lambda_allows" {
  command = plan

  module {
    source = "./modules/function"
  }

  variables {
    timeout = 901
  }

  expect_failures = [var.timeout]
}
