#!/usr/bin/env node
// Moved: built from function/src/tools/webhook.ts into dist/webhook.mjs by `make build`. Kept for old callers.
import '../dist/webhook.mjs';
