# `make bench` — included from the Makefile with `-include bench/bench.mk`.
# Prints one markdown table and writes bench/results.json; see bench/README.md.
.PHONY: bench bench-document

bench: build ## [measure] Benchmark: cold start vs the Python baseline, bundle, warm overhead, memory, long text; then the load test
	node --import tsx bench/run.ts
	node --import tsx bench/load.ts

bench-document: build ## [measure] How long a 20,000-character document takes from send to voice, by Polly's latency per request
	node --import tsx bench/document.ts
