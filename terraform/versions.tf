terraform {
  # Write-only arguments (the bot token) need Terraform 1.11; ephemeral values need 1.10.
  required_version = ">= 1.11"

  # Only the AWS provider: the build zips the function itself and the webhook secret comes from
  # Terraform's built-in uuid(), so nothing else has to be downloaded.
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.25"
    }
  }

  # Local state by default. For a shared S3 backend, uncomment and run
  # `make init BACKEND_CONFIG=backend.hcl` with bucket, key, region and use_lockfile in that file.
  # backend "s3" {}
}
