# The secret module against a mocked AWS provider.

mock_provider "aws" {
  source = "./tests/mocks"
}

variables {
  name_prefix = "voicebot-bot-"
  bot_token   = "123456789:AAEexampleexampleexampleexample_-x"
}

run "writes_a_version_with_a_generated_name" {
  command = apply

  module {
    source = "./modules/secret"
  }

  assert {
    condition     = aws_secretsmanager_secret.this.name_prefix == "voicebot-bot-" && aws_secretsmanager_secret_version.this.secret_string_wo_version == 1
    error_message = "the secret's name is generated from the prefix and its content is written once, as version 1"
  }
}

run "rejects_a_malformed_token_before_anything_is_created" {
  command = plan

  module {
    source = "./modules/secret"
  }

  variables {
    bot_token = "not-a-bot-token"
  }

  expect_failures = [var.bot_token]
}

run "needs_the_token_to_write_the_secret" {
  command = plan

  module {
    source = "./modules/secret"
  }

  variables {
    bot_token = null
  }

  expect_failures = [aws_secretsmanager_secret_version.this]
}
