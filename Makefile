# `make run`: build and show the demo. `make test`: the whole test suite.
# Both install missing system prerequisites first (scripts/prereqs.sh).
# Build products go outside the work tree so that they survive between sessions.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/jsvm-target
SMOKE := ../shared/checks/cli-smoke.py

.PHONY: run test prereqs build bench clippy

prereqs:
	@bash scripts/prereqs.sh

build: prereqs
	cargo build --workspace

run: prereqs
	cargo run -q -p jsvm-cli -- demo

test: prereqs
	cargo test --workspace
	@if [ -f $(SMOKE) ]; then \
		cargo build -q -p jsvm-cli && python3 $(SMOKE) $(CARGO_TARGET_DIR)/debug/jsvm; \
	else echo "($(SMOKE) not found: CLI smoke check skipped)"; fi

clippy: prereqs
	cargo clippy --workspace --all-targets -- -D warnings
