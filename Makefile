# voicebot — every command a user or CI needs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

NODE_TEST := node --import tsx --test
TEST_FILES = $(shell find tests -name '*.test.ts' -not -path '*/fixtures/*' | sort)

.PHONY: help install build typecheck test test-unit

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.package-lock.json ## Install dependencies (npm ci) when package-lock.json changed

build: install ## Bundle the function into dist/index.mjs, and the tools beside it (dist/webhook.mjs, dist/dev.mjs)
	npm run build

typecheck: install ## Type-check the function, tests and tools
	npx tsc --noEmit -p .

test: install typecheck build ## Run every test (unit, end-to-end, Terraform checks)
	$(NODE_TEST) $(TEST_FILES)

test-unit: install ## Run the unit tests (*.unit.test.ts) in one process, in well under a minute: no build, no servers
	node --import tsx tests/run-unit.ts

-include terraform/terraform.mk
-include bench/bench.mk
-include local/demo.mk
