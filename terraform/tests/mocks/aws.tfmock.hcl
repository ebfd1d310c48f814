# Values the mocked AWS provider returns in `terraform test`: valid-looking ARNs and ids, so
# everything built from them (IAM policies, permissions, URLs) has the shape it has on AWS.

mock_data "aws_partition" {
  defaults = {
    partition  = "aws"
    dns_suffix = "amazonaws.com"
  }
}

mock_data "aws_region" {
  defaults = {
    name   = "eu-central-1"
    region = "eu-central-1"
  }
}

mock_resource "aws_s3_bucket" {
  defaults = {
    id                          = "voicebot-audio-20261130000000000000000001"
    bucket                      = "voicebot-audio-20261130000000000000000001"
    arn                         = "arn:aws:s3:::voicebot-audio-20261130000000000000000001"
    bucket_regional_domain_name = "voicebot-audio-20261130000000000000000001.s3.eu-central-1.amazonaws.com"
  }
}

mock_resource "aws_secretsmanager_secret" {
  defaults = {
    id   = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:voicebot-bot-20261130-AbCdEf"
    arn  = "arn:aws:secretsmanager:eu-central-1:123456789012:secret:voicebot-bot-20261130-AbCdEf"
    name = "voicebot-bot-20261130"
  }
}

mock_resource "aws_secretsmanager_secret_version" {
  defaults = {
    version_id = "00000000-0000-4000-8000-000000000001"
  }
}

mock_resource "aws_cloudwatch_log_group" {
  defaults = {
    arn = "arn:aws:logs:eu-central-1:123456789012:log-group:/aws/lambda/voicebot"
  }
}

mock_resource "aws_iam_role" {
  defaults = {
    arn       = "arn:aws:iam::123456789012:role/voicebot"
    unique_id = "AROAEXAMPLEEXAMPLE001"
  }
}

mock_resource "aws_lambda_function" {
  defaults = {
    arn           = "arn:aws:lambda:eu-central-1:123456789012:function:voicebot"
    qualified_arn = "arn:aws:lambda:eu-central-1:123456789012:function:voicebot:$LATEST"
    invoke_arn    = "arn:aws:apigateway:eu-central-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-central-1:123456789012:function:voicebot/invocations"
    version       = "$LATEST"
  }
}

mock_resource "aws_api_gateway_rest_api" {
  defaults = {
    id               = "a1b2c3d4e5"
    root_resource_id = "r00tr3s0ur"
    arn              = "arn:aws:apigateway:eu-central-1::/restapis/a1b2c3d4e5"
    execution_arn    = "arn:aws:execute-api:eu-central-1:123456789012:a1b2c3d4e5"
  }
}

mock_resource "aws_api_gateway_resource" {
  defaults = {
    id   = "w3bh00k123"
    path = "/webhook"
  }
}

mock_resource "aws_api_gateway_deployment" {
  defaults = {
    id = "d3pl0y1234"
  }
}

mock_resource "aws_api_gateway_stage" {
  defaults = {
    arn           = "arn:aws:apigateway:eu-central-1::/restapis/a1b2c3d4e5/stages/live"
    execution_arn = "arn:aws:execute-api:eu-central-1:123456789012:a1b2c3d4e5/live"
    invoke_url    = "https://a1b2c3d4e5.execute-api.eu-central-1.amazonaws.com/live"
  }
}

# The real data source renders the statements; the mock returns an empty, well-formed document.
# What the policies really allow is checked on a real plan by the deploy test (tests/terraform).
mock_data "aws_iam_policy_document" {
  defaults = {
    json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
  }
}

mock_resource "aws_sns_topic" {
  defaults = {
    arn = "arn:aws:sns:eu-central-1:123456789012:voicebot-alarms"
  }
}

mock_resource "aws_cloudwatch_metric_alarm" {
  defaults = {
    arn = "arn:aws:cloudwatch:eu-central-1:123456789012:alarm:voicebot"
  }
}

# Both queues of the queue module get these; the tests tell them apart by name.
mock_resource "aws_sqs_queue" {
  defaults = {
    arn = "arn:aws:sqs:eu-central-1:123456789012:voicebot-jobs"
    url = "https://sqs.eu-central-1.amazonaws.com/123456789012/voicebot-jobs"
    id  = "https://sqs.eu-central-1.amazonaws.com/123456789012/voicebot-jobs"
  }
}

mock_resource "aws_lambda_event_source_mapping" {
  defaults = {
    uuid = "a1b2c3d4-0000-4000-8000-000000000001"
  }
}
