# Terraform targets. The top-level Makefile includes this file (`include terraform/terraform.mk`) and
# defines `build` (npm ci if needed + npm run build). Run from the repository root.
#
#   make init [BACKEND_CONFIG=backend.hcl]   terraform init (partial S3 backend config optional)
#   make plan                                 check the setup, build, then write terraform/build/voicebot.tfplan
#   make apply                                check the setup, build, then apply that plan if fresh, else plan + confirm
#   make destroy | logs | output | fmt | validate | docs
#
# The bot token comes from TF_VAR_bot_token or a prompt with echo off; it is never echoed or written
# to a file. Terraform keeps it out of plan and state (ephemeral variable + write-only argument), so
# it must be given again for every plan and apply; destroy does not need it.

TF ?= terraform
TF_DIR := terraform
# Relative to TF_DIR (terraform runs with -chdir).
TF_PLAN := build/voicebot.tfplan
BACKEND_CONFIG ?=
TF_INIT_ARGS ?=
LOGS_SINCE ?= 10m

# Shell snippet: make sure TF_VAR_bot_token is set, prompting without echo when it is not.
# stty rather than bash's `read -s`, because make runs recipes with /bin/sh.
define tf_ensure_token
if [ -z "$${TF_VAR_bot_token:-}" ]; then \
  if [ ! -t 0 ]; then echo "TF_VAR_bot_token is not set and there is no terminal to ask for it" >&2; exit 1; fi; \
  printf 'Telegram bot token (input hidden): ' >&2; \
  trap 'stty echo 2>/dev/null' EXIT INT TERM; stty -echo; \
  IFS= read -r TF_VAR_bot_token; stty echo; printf '\n' >&2; \
  [ -n "$$TF_VAR_bot_token" ] || { echo "no token given" >&2; exit 1; }; \
  export TF_VAR_bot_token; \
fi
endef

.PHONY: init plan apply destroy fmt validate docs logs output

init: ## [deploy] Terraform init (BACKEND_CONFIG=file for a partial S3 backend config)
	$(TF) -chdir=$(TF_DIR) init -input=false $(if $(BACKEND_CONFIG),-backend-config=$(abspath $(BACKEND_CONFIG))) $(TF_INIT_ARGS)

# Before the 5 s build: terraform's version, init, variables, AWS credentials and the token, every
# problem listed at once with the command that fixes it (scripts/terraform-preflight.ts).
tf_preflight = @TF='$(TF)' node --import tsx scripts/terraform-preflight.ts 'make $@'

plan: install ## [deploy] Check the setup, build, then write the plan file terraform/build/voicebot.tfplan
	$(tf_preflight)
	$(MAKE) build
	@set -e; $(tf_ensure_token); \
	mkdir -p $(TF_DIR)/build; \
	$(TF) -chdir=$(TF_DIR) plan -input=false -out=$(TF_PLAN); \
	chmod 600 $(TF_DIR)/$(TF_PLAN)

# A saved plan is used when no .tf or tfvars file changed after it was written (Terraform itself
# refuses a plan whose state has moved on). dist/function.zip and dist/webhook.mjs are deterministic
# builds: rebuilding without a source change gives the same bytes and hashes, and a changed one makes
# Terraform refuse the saved plan as inconsistent. A plan is used once.
apply: install ## [deploy] Check the setup, build, then apply the fresh plan file or plan and ask
	$(tf_preflight)
	$(MAKE) build
	@set -e; $(tf_ensure_token); \
	plan=$(TF_DIR)/$(TF_PLAN); \
	if [ -f "$$plan" ] && [ -z "$$(find $(TF_DIR) \( -name '*.tf' -o -name '*.tfvars' -o -name '*.tf.json' -o -name '*.tfvars.json' \) -not -path '*/.terraform/*' -newer "$$plan" | head -n 1)" ]; then \
	  echo "Applying saved plan $$plan"; \
	  status=0; $(TF) -chdir=$(TF_DIR) apply -input=false $(TF_PLAN) || status=$$?; \
	  rm -f "$$plan"; exit $$status; \
	else \
	  [ ! -f "$$plan" ] || { echo "Saved plan $$plan is older than the configuration: planning again"; rm -f "$$plan"; }; \
	  $(TF) -chdir=$(TF_DIR) apply; \
	fi

# `build`: the webhook's destroy-time delete runs the built script, and the function module checks
# that its package exists. No token: the webhook script reads it from Secrets Manager.
destroy: build ## [deploy] Destroy the deployment (deletes the webhook first); needs no bot token
	$(TF) -chdir=$(TF_DIR) destroy

logs: ## [deploy] Tail the Lambda log group (aws logs tail --follow)
	aws logs tail "$$($(TF) -chdir=$(TF_DIR) output -raw function_log_group_name)" \
	  --region "$$($(TF) -chdir=$(TF_DIR) output -raw region)" --since $(LOGS_SINCE) --follow --format short

output: ## [deploy] Show the Terraform outputs
	$(TF) -chdir=$(TF_DIR) output

fmt: ## [deploy] Format the .tf files
	$(TF) fmt -recursive $(TF_DIR)

# `make test` runs these and much more (terraform test, a deploy against a local AWS) on a copy;
# this target checks the working tree itself. validate needs `make init` (it needs the providers).
validate: ## [deploy] terraform fmt -check and terraform validate
	$(TF) fmt -check -recursive -diff $(TF_DIR)
	$(TF) -chdir=$(TF_DIR) validate

# Rewrites only the part between the markers; a second run changes nothing. The test
# tests/scripts/terraform-docs.unit.test.ts fails while a README is stale.
docs: install ## [build] Regenerate the Terraform READMEs' tables (inputs, outputs, environment, permissions) from the .tf files
	node --import tsx scripts/terraform-docs.ts
