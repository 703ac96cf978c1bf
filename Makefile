# Modsvar — make targets. `make help` lists them.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Debian packages the tests use: sipp (SIPREC end-to-end over UDP), real recorded speech, sox/espeak-ng
# (fixture and demo audio), Chromium (browser end-to-end test), bzip2 (model archives).
DEBIAN_TEST_PACKAGES := sip-tester pocketsphinx-testdata sox espeak-ng chromium bzip2

.PHONY: help setup deps test serve bench eval models typecheck demo demo-calls

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 14

deps: ## install the Debian packages the tests need (apt-get; skipped when already present)
	@missing=""; for p in $(DEBIAN_TEST_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing; \
	fi

node_modules/.package-lock.json: package-lock.json package.json
	ONNXRUNTIME_NODE_INSTALL=skip npm ci
	@touch $@

setup: deps node_modules/.package-lock.json ## install everything (Debian packages, npm packages from the lock file) and build

test: setup ## run the whole test suite
	npm test

typecheck: setup ## type-check product code
	npx tsc -p tsconfig.json --noEmit

serve: node_modules/.package-lock.json ## build, then run the sidecar with config/modsvar.yaml (+ MODSVAR_* environment)
	npm run build
	node dist/sidecar/bin/modsvar.js serve

bench: setup ## print throughput and latency figures
	npm run bench

eval: setup ## print detection macro-F1 and retrieval recall@5 on the dev sets
	npm run eval

models: node_modules/.package-lock.json ## download the sherpa-onnx models (English, German streaming; multilingual for Danish) into models/, checksums verified (needs internet, tar, bzip2)
	npx tsx sidecar/bin/modsvar.ts models --dir models

demo: node_modules/.package-lock.json ## start the sidecar (demo settings), replay a demo call, print its cards, keep the UI up (DEMO_CALL, DEMO_SPEED, DEMO_PORT)
	config/demo/run-demo.sh

demo-calls: deps ## regenerate the demo recordings in config/demo/calls from config/demo/source (espeak-ng, sox)
	config/demo/make-demo-calls.sh
