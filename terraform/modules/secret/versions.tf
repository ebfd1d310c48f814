terraform {
  # Write-only arguments (secret_string_wo) need 1.11; ephemeral variables and resources need 1.10.
  required_version = ">= 1.11"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.25"
    }
    random = {
      source = "hashicorp/random"
      # The ephemeral random_password resource first shipped in 3.7.1.
      version = ">= 3.7.1, < 4.0.0"
    }
  }
}
