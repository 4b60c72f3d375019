# The README's two commands. Each installs Node 24 (when the machine's is older) and the
# dependencies first, so a fresh machine needs nothing by hand.
SHELL := /bin/bash
.PHONY: demo test build bench

demo:
	@source scripts/setup && scripts/build-if-stale && node dist/src/cli/main.js demo

# promtool (from Debian's prometheus package, fetched once when missing) checks the metrics output;
# it goes last on PATH, so that /usr/bin (where Debian puts it) cannot shadow Node 24. Lua 5.1
# runs the Argo CD health checks of docs/operator.md. The end-to-end tests start their own cluster
# (test/cluster/up, from vitest's global setup).
test:
	@source scripts/setup && scripts/lua && promtool_dir="$$(scripts/promtool)" && \
		if [ -n "$$promtool_dir" ]; then PATH="$$PATH:$$promtool_dir"; fi && npm test

build:
	@source scripts/setup && npm run build && touch dist/.build-stamp

bench:
	@source scripts/setup && npm run bench
