terraform {
  # Write-only arguments (secret_string_wo) need 1.11; ephemeral variables need 1.10.
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.25"
    }
  }
}
