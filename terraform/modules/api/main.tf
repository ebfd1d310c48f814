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

locals {
  # The API's two doors, both into the same function through a Lambda proxy integration, neither with an
  # API Gateway authoriser: Telegram's webhook (POST), authenticated by the X-Telegram-Bot-Api-Secret-Token
  # header the function checks; and inline mode's voice route (GET), which Telegram fetches an inline
  # result's voice_url from once the user has chosen it, authenticated by the HMAC in each URL (over text,
  # voice, engine, user and expiry), checked before any work. One method per path: POST only on the webhook.
  # The voice path is fixed: the function answers GET there (VOICE_ROUTE_PATH in function/src/constants.ts).
  # Each route has its own throttle, so junk on the public voice route cannot use up the webhook's.
  routes = {
    webhook = {
      path_part       = var.path_part
      http_method     = "POST"
      statement_id    = "AllowApiGatewayInvoke"
      required_header = local.secret_header
      rate_limit      = var.throttling_rate_limit
      burst_limit     = var.throttling_burst_limit
    }
    voice = {
      path_part       = "voice"
      http_method     = "GET"
      statement_id    = "AllowApiGatewayInvokeVoice"
      required_header = null
      rate_limit      = var.voice_throttling_rate_limit
      burst_limit     = var.voice_throttling_burst_limit
    }
  }

  # Telegram sends the webhook secret in this header on every delivery; API Gateway refuses a request
  # without it (400) before the function runs. The function still compares its value.
  secret_header = "X-Telegram-Bot-Api-Secret-Token"
}

resource "aws_api_gateway_resource" "route" {
  for_each = local.routes

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = each.value.path_part
}

resource "aws_api_gateway_request_validator" "this" {
  rest_api_id                 = aws_api_gateway_rest_api.this.id
  name                        = "required-headers"
  validate_request_parameters = true
  validate_request_body       = false
}

resource "aws_api_gateway_method" "route" {
  for_each = local.routes

  rest_api_id   = aws_api_gateway_rest_api.this.id
  resource_id   = aws_api_gateway_resource.route[each.key].id
  http_method   = each.value.http_method
  authorization = "NONE"

  request_parameters   = each.value.required_header == null ? null : { "method.request.header.${each.value.required_header}" = true }
  request_validator_id = each.value.required_header == null ? null : aws_api_gateway_request_validator.this.id
}

# Who may call which route, checked by API Gateway before anything runs: the webhook only from the
# source ranges (Telegram's), the voice route from anywhere (where Telegram fetches it from is not
# published). An empty webhook_source_cidrs leaves the webhook open too.
data "aws_iam_policy_document" "resource_policy" {
  statement {
    sid       = "InvokeTheRoutes"
    actions   = ["execute-api:Invoke"]
    resources = [for key, route in local.routes : "${aws_api_gateway_rest_api.this.execution_arn}/*/${route.http_method}/${route.path_part}"]

    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }

  dynamic "statement" {
    for_each = length(var.webhook_source_cidrs) > 0 ? [var.webhook_source_cidrs] : []

    content {
      sid       = "WebhookOnlyFromTheSourceRanges"
      effect    = "Deny"
      actions   = ["execute-api:Invoke"]
      resources = ["${aws_api_gateway_rest_api.this.execution_arn}/*/${local.routes.webhook.http_method}/${local.routes.webhook.path_part}"]

      principals {
        type        = "*"
        identifiers = ["*"]
      }

      condition {
        test     = "NotIpAddress"
        variable = "aws:SourceIp"
        values   = statement.value
      }
    }
  }
}

resource "aws_api_gateway_rest_api_policy" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id
  policy      = data.aws_iam_policy_document.resource_policy.json
}

resource "aws_api_gateway_integration" "route" {
  for_each = local.routes

  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = aws_api_gateway_resource.route[each.key].id
  http_method             = aws_api_gateway_method.route[each.key].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST" # Lambda is always invoked with POST, whatever the client's method
  uri                     = var.function_invoke_arn
}

# The webhook's resources before the voice route joined it: moved, not replaced.
moved {
  from = aws_api_gateway_resource.webhook
  to   = aws_api_gateway_resource.route["webhook"]
}

moved {
  from = aws_api_gateway_method.post
  to   = aws_api_gateway_method.route["webhook"]
}

moved {
  from = aws_api_gateway_integration.lambda
  to   = aws_api_gateway_integration.route["webhook"]
}

moved {
  from = aws_api_gateway_method_settings.post
  to   = aws_api_gateway_method_settings.route["webhook"]
}

moved {
  from = aws_lambda_permission.api
  to   = aws_lambda_permission.route["webhook"]
}

resource "aws_api_gateway_deployment" "this" {
  rest_api_id = aws_api_gateway_rest_api.this.id

  # Redeploy only when the API's shape or its access rules change: a resource policy or a validator
  # takes effect only with a new deployment. Both count as configured, not as API Gateway hands them
  # back (a re-encoded policy, {} and "" for a method's unset parameters and validator), which would
  # redeploy on every apply.
  triggers = {
    redeployment = sha1(jsonencode([
      [for key, route in aws_api_gateway_resource.route : route.id],
      [for key, method in aws_api_gateway_method.route : method.id],
      [for key, route in local.routes : route.required_header],
      [for key, integration in aws_api_gateway_integration.route : [integration.id, integration.uri]],
      var.binary_media_types,
      data.aws_iam_policy_document.resource_policy.json,
      [aws_api_gateway_request_validator.this.id, aws_api_gateway_request_validator.this.validate_request_parameters],
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }

  # The trigger names the policy document, not the resource that attaches it: deploy after it.
  depends_on = [aws_api_gateway_rest_api_policy.this]
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

  name                 = "${var.name}-apigateway-cloudwatch"
  description          = "Lets API Gateway write logs to CloudWatch (account-wide setting)"
  assume_role_policy   = data.aws_iam_policy_document.apigateway_assume[0].json
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags
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

resource "aws_api_gateway_method_settings" "route" {
  for_each = local.routes

  rest_api_id = aws_api_gateway_rest_api.this.id
  stage_name  = aws_api_gateway_stage.this.stage_name
  method_path = "${each.value.path_part}/${each.value.http_method}"

  settings {
    throttling_rate_limit  = each.value.rate_limit
    throttling_burst_limit = each.value.burst_limit
    metrics_enabled        = var.metrics_enabled
    # Execution logging stays off: at INFO with data tracing it would log the secret-token header,
    # and the voice route's signed URLs (with their text).
    logging_level      = "OFF"
    data_trace_enabled = false
  }
}

# Only this API's stage, and on each path only its one method, may invoke the function (each path is a
# child of the root, so it is /<path_part>).
resource "aws_lambda_permission" "route" {
  for_each = local.routes

  statement_id  = each.value.statement_id
  action        = "lambda:InvokeFunction"
  function_name = var.function_name
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_stage.this.execution_arn}/${each.value.http_method}/${each.value.path_part}"
}
