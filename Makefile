# The README's two commands. Each installs Node 24 (when the machine's is older) and the
# dependencies first, so a fresh machine needs nothing by hand.
SHELL := /bin/bash
.PHONY: demo test build bench

demo:
	@source scripts/setup && scripts/build-if-stale && node dist/src/cli/main.js demo

test:
	@source scripts/setup && npm test

build:
	@source scripts/setup && npm run build && touch dist/.build-stamp

bench:
	@source scripts/setup && npm run bench
