terraform {
  # Write-only arguments (the bot token) need Terraform 1.11; ephemeral values need 1.10.
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.25"
    }
    archive = {
      source  = "hashicorp/archive"
      version = "~> 2.7"
    }
    random = {
      source  = "hashicorp/random"
      version = ">= 3.7.1, < 4.0.0"
    }
  }

  # Local state by default. For a shared S3 backend, uncomment and run
  # `make init BACKEND_CONFIG=backend.hcl` with bucket, key, region and use_lockfile in that file.
  # backend "s3" {}
}
