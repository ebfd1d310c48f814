# The bucket module against a mocked AWS provider.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name_prefix = "voicebot-audio-"
}

run "is_private_encrypted_and_expires_audio_and_markers_only" {
  command = apply

  module {
    source = "./modules/bucket"
  }

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.this.block_public_acls,
      aws_s3_bucket_public_access_block.this.block_public_policy,
      aws_s3_bucket_public_access_block.this.ignore_public_acls,
      aws_s3_bucket_public_access_block.this.restrict_public_buckets,
    ])
    error_message = "the bucket blocks every kind of public access"
  }

  assert {
    condition     = one([for r in aws_s3_bucket_server_side_encryption_configuration.this.rule : r.apply_server_side_encryption_by_default[0].sse_algorithm]) == "AES256"
    error_message = "without a KMS key the bucket uses SSE-S3"
  }

  assert {
    condition     = toset([for r in aws_s3_bucket_lifecycle_configuration.this.rule : r.filter[0].prefix if length(r.expiration) > 0]) == toset(["audio/", "updates/", "budget/", "documents/"])
    error_message = "audio/, updates/, budget/ and documents/ expire, settings/ does not"
  }
}

run "uses_the_customer_key_when_given" {
  command = plan

  module {
    source = "./modules/bucket"
  }

  variables {
    kms_key_arn = "arn:aws:kms:eu-central-1:123456789012:key/00000000-0000-4000-8000-000000000000"
  }

  assert {
    condition     = one([for r in aws_s3_bucket_server_side_encryption_configuration.this.rule : r.apply_server_side_encryption_by_default[0].sse_algorithm]) == "aws:kms"
    error_message = "a KMS key switches the bucket to SSE-KMS"
  }
}

run "refuses_to_expire_settings" {
  command = plan

  module {
    source = "./modules/bucket"
  }

  variables {
    expiring_prefixes = ["audio/", "settings/"]
  }

  expect_failures = [var.expiring_prefixes]
}
