data "aws_partition" "current" {}

resource "aws_api_gateway_rest_api" "this" {
  name        = var.name
  description = "Telegram webhook for ${var.name}"
  tags        = var.tags

  # The voice route answers with Ogg audio, base64-encoded by the function. API Gateway decodes it only when
  # the client's first Accept type is a binary media type, and Telegram's fetcher's Accept header is not
  # documented: */* covers audio/ogg whatever it sends. Request bodies then arrive base64-encoded too,
  # which the function decodes (isBase64Encoded).
  binary_media_types = var.binary_media_types

  endpoint_configuration {
    types = ["REGIONAL"]
  }
}

resource "aws_api_gateway_resource" "webhook" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = var.path_part
}

# No API Gateway authoriser: Telegram authenticates with the X-Telegram-Bot-Api-Secret-Token header,
# which the function checks against the webhook secret.
resource "aws_api_gateway_method" "post" {
  rest_api_id   = aws_api_gateway_rest_api.this.id
  resource_id   = aws_api_gateway_resource.webhook.id
  http_method   = "POST"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "lambda" {
  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = aws_api_gateway_resource.webhook.id
  http_method             = aws_api_gateway_method.post.http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = var.function_invoke_arn
}

# Inline mode: Telegram fetches an inline result's voice_url here when the user has chosen it. No
# authoriser either: each URL carries an HMAC (over text, voice, engine, user and expiry) that the
# function checks before any work, answering 403 otherwise.
resource "aws_api_gateway_resource" "voice" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = var.voice_path_part
}

resource "aws_api_gateway_method" "voice" {
  rest_api_id   = aws_api_gateway_rest_api.this.id
  resource_id   = aws_api_gateway_resource.voice.id
  http_method   = "GET"
  authorization = "NONE"
}

resource "aws_api_gateway_integration" "voice" {
  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = aws_api_gateway_resource.voice.id
  http_method             = aws_api_gateway_method.voice.http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST" # Lambda is always invoked with POST, whatever the client's method
  uri                     = var.function_invoke_arn
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id

  # Redeploy only when the API's shape changes.
  triggers = {
    redeployment = sha1(jsonencode([
      aws_api_gateway_resource.webhook.id,
      aws_api_gateway_method.post.id,
      aws_api_gateway_integration.lambda.id,
      aws_api_gateway_integration.lambda.uri,
      aws_api_gateway_resource.voice.id,
      aws_api_gateway_method.voice.id,
      aws_api_gateway_integration.voice.id,
      aws_api_gateway_integration.voice.uri,
      var.binary_media_types,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_cloudwatch_log_group" "access" {
  count = var.access_logging_enabled ? 1 : 0

  name              = "/aws/apigateway/${var.name}/access"
  retention_in_days = var.access_log_retention_days
  tags              = var.tags
}

data "aws_iam_policy_document" "apigateway_assume" {
  count = var.manage_account_cloudwatch_role ? 1 : 0

  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["apigateway.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cloudwatch" {
  count = var.manage_account_cloudwatch_role ? 1 : 0

  name               = "${var.name}-apigateway-cloudwatch"
  description        = "Lets API Gateway write logs to CloudWatch (account-wide setting)"
  assume_role_policy = data.aws_iam_policy_document.apigateway_assume[0].json
  tags               = var.tags
}

# AWS's managed policy for exactly this purpose; API Gateway creates its log groups on its own.
resource "aws_iam_role_policy_attachment" "cloudwatch" {
  count = var.manage_account_cloudwatch_role ? 1 : 0

  role       = aws_iam_role.cloudwatch[0].name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs"
}

# Account- and region-wide singleton. Since provider 6.0, destroying it resets the setting to empty, which
# stops access logging for every REST API of the account in this region (see this module's README).
resource "aws_api_gateway_account" "this" {
  count = var.manage_account_cloudwatch_role ? 1 : 0

  cloudwatch_role_arn = aws_iam_role.cloudwatch[0].arn

  depends_on = [aws_iam_role_policy_attachment.cloudwatch]
}

resource "aws_api_gateway_stage" "this" {
  rest_api_id   = aws_api_gateway_rest_api.this.id
  deployment_id = aws_api_gateway_deployment.this.id
  stage_name    = var.stage_name
  tags          = var.tags

  dynamic "access_log_settings" {
    for_each = var.access_logging_enabled ? [aws_cloudwatch_log_group.access[0].arn] : []

    content {
      destination_arn = access_log_settings.value
      # Request metadata only: no headers, so the secret-token header never reaches the logs.
      format = jsonencode({
        requestId          = "$context.requestId"
        requestTime        = "$context.requestTime"
        sourceIp           = "$context.identity.sourceIp"
        httpMethod         = "$context.httpMethod"
        resourcePath       = "$context.resourcePath"
        status             = "$context.status"
        responseLength     = "$context.responseLength"
        responseLatency    = "$context.responseLatency"
        integrationStatus  = "$context.integration.status"
        integrationLatency = "$context.integration.latency"
        integrationError   = "$context.integration.error"
        errorMessage       = "$context.error.message"
      })
    }
  }

  depends_on = [aws_api_gateway_account.this]
}

resource "aws_api_gateway_method_settings" "post" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "${aws_api_gateway_resource.webhook.path_part}/${aws_api_gateway_method.post.http_method}"

  settings {
    throttling_rate_limit  = var.throttling_rate_limit
    throttling_burst_limit = var.throttling_burst_limit
    metrics_enabled        = var.metrics_enabled
    # Execution logging stays off: at INFO with data tracing it would log the secret-token header.
    logging_level      = "OFF"
    data_trace_enabled = false
  }
}

resource "aws_api_gateway_method_settings" "voice" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "${aws_api_gateway_resource.voice.path_part}/${aws_api_gateway_method.voice.http_method}"

  settings {
    throttling_rate_limit  = var.throttling_rate_limit
    throttling_burst_limit = var.throttling_burst_limit
    metrics_enabled        = var.metrics_enabled
    # Off like the webhook's: data tracing would log the signed URLs' text.
    logging_level      = "OFF"
    data_trace_enabled = false
  }
}

# Only this API's stage, only POST on the webhook path may invoke the function.
resource "aws_lambda_permission" "api" {
  statement_id  = "AllowApiGatewayInvoke"
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_stage.this.execution_arn}/${aws_api_gateway_method.post.http_method}${aws_api_gateway_resource.webhook.path}"
}

# Likewise only this stage's GET on the voice path (a child of the root, so its path is /<path_part>).
resource "aws_lambda_permission" "voice" {
  statement_id  = "AllowApiGatewayInvokeVoice"
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_stage.this.execution_arn}/${aws_api_gateway_method.voice.http_method}/${aws_api_gateway_resource.voice.path_part}"
}
