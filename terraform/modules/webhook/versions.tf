terraform {
  # terraform_data is built in; no provider is needed.
  required_version = ">= 1.11"
}
