# The API module against a mocked AWS provider.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name                = "voicebot"
  function_name       = "voicebot"
  function_invoke_arn = "arn:aws:apigateway:eu-central-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-central-1:123456789012:function:voicebot/invocations"
}

run "takes_only_post_on_the_webhook_path_through_a_lambda_proxy" {
  command = apply

  module {
    source = "./modules/api"
  }

  assert {
    condition     = aws_api_gateway_method.route["webhook"].http_method == "POST" && aws_api_gateway_integration.route["webhook"].type == "AWS_PROXY"
    error_message = "the webhook is POST through a Lambda proxy integration"
  }

  assert {
    condition     = aws_lambda_permission.route["webhook"].source_arn == "arn:aws:execute-api:eu-central-1:123456789012:a1b2c3d4e5/live/POST/webhook"
    error_message = "only this stage's POST /webhook may invoke the function"
  }

  assert {
    condition     = aws_api_gateway_method_settings.route["webhook"].settings[0].logging_level == "OFF" && !aws_api_gateway_method_settings.route["webhook"].settings[0].data_trace_enabled
    error_message = "execution logging would write the secret-token header to CloudWatch: it stays off"
  }

  assert {
    condition     = output.webhook_url == "https://a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com/live/webhook"
    error_message = "webhook_url is the stage URL plus the path"
  }
}

run "serves_inline_voices_on_get_voice_as_binary_with_its_own_scoped_permission" {
  command = apply

  module {
    source = "./modules/api"
  }

  assert {
    condition     = aws_api_gateway_resource.route["voice"].path_part == "voice" && aws_api_gateway_method.route["voice"].http_method == "GET" && aws_api_gateway_integration.route["voice"].type == "AWS_PROXY"
    error_message = "inline voices are GET /voice through the same Lambda proxy integration"
  }

  assert {
    condition     = length(aws_api_gateway_method.route) == 2 && aws_api_gateway_method.route["voice"].resource_id == aws_api_gateway_resource.route["voice"].id && aws_api_gateway_method.route["webhook"].http_method == "POST"
    error_message = "GET lives on /voice only: POST stays the only method on /webhook"
  }

  assert {
    condition     = aws_lambda_permission.route["voice"].source_arn == "arn:aws:execute-api:eu-central-1:123456789012:a1b2c3d4e5/live/GET/voice"
    error_message = "only this stage's GET /voice may invoke the function for voices"
  }

  assert {
    condition     = contains(aws_api_gateway_rest_api.this.binary_media_types, "*/*")
    error_message = "audio/ogg answers need binary media types whatever Accept header Telegram sends"
  }

  assert {
    condition     = aws_api_gateway_method_settings.route["voice"].settings[0].logging_level == "OFF" && !aws_api_gateway_method_settings.route["voice"].settings[0].data_trace_enabled
    error_message = "execution logging would write signed URLs (with their text) to CloudWatch: it stays off"
  }

  assert {
    condition     = output.voice_url == "https://a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com/live/voice"
    error_message = "voice_url is the stage URL plus /voice"
  }
}

run "admits_only_telegram_on_the_webhook_and_throttles_each_route_on_its_own" {
  command = apply

  module {
    source = "./modules/api"
  }

  assert {
    condition     = aws_api_gateway_method.route["webhook"].request_parameters == tomap({ "method.request.header.X-Telegram-Bot-Api-Secret-Token" = true }) && aws_api_gateway_method.route["webhook"].request_validator_id == aws_api_gateway_request_validator.this.id && aws_api_gateway_request_validator.this.validate_request_parameters
    error_message = "API Gateway itself refuses a webhook request without the secret-token header"
  }

  assert {
    condition     = aws_api_gateway_method.route["voice"].request_parameters == null && aws_api_gateway_method.route["voice"].request_validator_id == null
    error_message = "GET /voice requires no header: Telegram's fetcher sends none of ours"
  }

  assert {
    condition     = aws_api_gateway_rest_api_policy.this.rest_api_id == aws_api_gateway_rest_api.this.id
    error_message = "the API carries the resource policy that admits only the source ranges on the webhook"
  }

  assert {
    condition     = aws_api_gateway_method_settings.route["webhook"].method_path == "webhook/POST" && aws_api_gateway_method_settings.route["webhook"].settings[0].throttling_rate_limit == 10 && aws_api_gateway_method_settings.route["voice"].method_path == "voice/GET" && aws_api_gateway_method_settings.route["voice"].settings[0].throttling_rate_limit == 5 && aws_api_gateway_method_settings.route["voice"].settings[0].throttling_burst_limit == 10
    error_message = "each route has a throttle of its own (webhook 10/s, voice 5/s)"
  }
}

run "refuses_a_source_range_that_is_not_a_cidr_block" {
  command = plan

  module {
    source = "./modules/api"
  }

  variables {
    webhook_source_cidrs = ["149.154.160.0"]
  }

  expect_failures = [var.webhook_source_cidrs]
}

run "refuses_binary_media_types_that_leave_audio_as_text" {
  command = plan

  module {
    source = "./modules/api"
  }

  variables {
    binary_media_types = ["image/png"]
  }

  expect_failures = [var.binary_media_types]
}
