output "bucket_name" {
  description = "Name (id) of the audio bucket."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of the audio bucket; objects are \"<arn>/*\"."
  value       = aws_s3_bucket.this.arn
}

output "kms_key_arn" {
  description = "KMS key encrypting the bucket, or null when SSE-S3 (AES256) is used."
  value       = var.kms_key_arn
}
