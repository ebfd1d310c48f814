output "rest_api_name" {
  description = "Name of the REST API (the ApiName dimension of its CloudWatch metrics)."
  value       = aws_api_gateway_rest_api.this.name
}

output "rest_api_id" {
  description = "Id of the REST API."
  value       = aws_api_gateway_rest_api.this.id
}

output "execution_arn" {
  description = "Execution ARN of the REST API (arn:...:execute-api:<region>:<account>:<api id>)."
  value       = aws_api_gateway_rest_api.this.execution_arn
}

output "stage_name" {
  description = "Name of the deployed stage."
  value       = aws_api_gateway_stage.this.stage_name
}

output "invoke_url" {
  description = "Invoke URL of the stage (https://<api id>.execute-api.<region>.amazonaws.com/<stage>)."
  value       = aws_api_gateway_stage.this.invoke_url
}

output "webhook_url" {
  description = "URL to register with Telegram's setWebhook: the stage invoke URL plus /<path_part>. Known only once the invoke permission exists, so nothing registers a URL that would answer 500."
  value       = "${aws_api_gateway_stage.this.invoke_url}/${aws_api_gateway_resource.route["webhook"].path_part}"
  depends_on  = [aws_lambda_permission.route]
}

output "access_log_group_name" {
  description = "CloudWatch log group of the access logs, or null when access logging is disabled."
  value       = one(aws_cloudwatch_log_group.access[*].name)
}

output "voice_url" {
  description = "URL of the inline-mode voice route (GET, signed URLs only). The function builds it from each webhook request; shown for reference."
  value       = "${aws_api_gateway_stage.this.invoke_url}/${aws_api_gateway_resource.route["voice"].path_part}"
  depends_on  = [aws_lambda_permission.route]
}
