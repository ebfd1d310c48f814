output "webhook_url" {
  description = "URL registered with Telegram."
  value       = terraform_data.this.output.webhook_url
}

output "id" {
  description = "Id of the registration; it changes each time the webhook is re-registered."
  value       = terraform_data.this.id
}
