# voicebot — every command a user or CI needs. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

NODE_TEST := node --import tsx --test
# A test that hangs fails after this instead of holding CI until the job's own limit. No
# --test-force-exit: it ends a file's process before its last results reach the runner through the
# pipe, so passing tests went unreported (2 of 694 in one CI run). Node 24 applies the timeout to
# each test (one may ask for more with its own { timeout }); Node 20 and 22 to each file as a whole,
# so it stays well above the slowest file under load: tests/runtime/lambda-node.test.ts, 5-6 minutes.
TEST_TIMEOUT_MS := 900000
# The unit files run together in tests/run-unit.ts, one process that compiles the shared sources once
# (a process per file cost about a minute more); every other test file runs in its own process.
TEST_FILES = tests/run-unit.ts $(shell find tests -name '*.test.ts' -not -name '*.unit.test.ts' -not -path '*/fixtures/*' | sort)

.PHONY: help install build typecheck test test-unit

# `make help` is generated from each target's `## [group] what it does` comment, in these groups and
# this order (key|title;...); a target without a known group is listed under "Other".
HELP_GROUPS := try|Try it;test|Test;deploy|Deploy;measure|Measure;build|Build and docs

help: ## [build] List the targets, grouped
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -v groups='$(HELP_GROUPS)' ' \
	  BEGIN { n = split(groups, list, ";"); for (i = 1; i <= n; i++) { split(list[i], kv, "|"); key[i] = kv[1]; title[kv[1]] = kv[2] } } \
	  { target = $$0; sub(/:.*/, "", target); text = $$0; sub(/^[^#]*## /, "", text); group = "other"; \
	    if (match(text, /^\[[a-z]+\] */)) { group = substr(text, 2, index(text, "]") - 2); text = substr(text, RLENGTH + 1) } \
	    if (!(group in title)) group = "other"; \
	    listed[group] = listed[group] sprintf("  make %-14s %s\n", target, text) } \
	  END { key[++n] = "other"; title["other"] = "Other"; \
	    for (i = 1; i <= n; i++) if (key[i] in listed) { printf "%s%s\n%s", (shown++ ? "\n" : ""), title[key[i]], listed[key[i]] } }'

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: node_modules/.package-lock.json ## [build] Install dependencies (npm ci) when package-lock.json changed

build: install ## [build] Bundle the function into dist/index.mjs, and the tools beside it (dist/webhook.mjs, dist/dev.mjs)
	npm run build

# The reporter ends the run with one line naming what was skipped (no terraform, moto or Chromium) and why.
test: install typecheck build ## [test] Run every test (unit, end-to-end, Terraform checks)
	$(NODE_TEST) --test-timeout=$(TEST_TIMEOUT_MS) --test-reporter=./tests/support/not-run-reporter.mjs --test-reporter-destination=stdout $(TEST_FILES)

typecheck: install ## [test] Type-check the function, tests and tools
	npx tsc --noEmit -p .

test-unit: install ## [test] Run the unit tests (*.unit.test.ts) in one process, in well under a minute: no build, no servers
	node --import tsx tests/run-unit.ts

-include terraform/terraform.mk
-include bench/bench.mk
-include local/demo.mk
