# Included by the Makefile: run the bot on this machine. See docs/demo.md.
.PHONY: demo dev screenshots bundle-quietly

# The same build as `make build` (dist/index.mjs, webhook.mjs, dev.mjs), with tsup's chatter kept out
# of the demo's few lines (errors still show).
bundle-quietly: install
	@echo "building dist/…" >&2
	@npm run --silent build > /dev/null

demo: bundle-quietly ## [try] Run the whole bot offline with a web chat page (ports: DEMO_PORT=8765 …; Ctrl-C stops)
	@node --import tsx local/demo/main.ts

# The settings are checked before the build, so a missing one is said at once rather than after it.
dev: install ## [try] Run the built function against real Telegram by long polling (TELEGRAM_BOT_TOKEN, AWS creds, S3_BUCKET_NAME)
	@node --import tsx local/dev/preflight.ts
	@$(MAKE) --no-print-directory bundle-quietly
	@node --import tsx local/dev/main.ts

screenshots: bundle-quietly ## [build] Take docs/screenshot-demo.png, screenshot-inline.png and screenshot-document.png again from the demo (needs Chromium)
	@node --import tsx scripts/screenshots.ts
