# `make run`: build and start a development node on a fresh temporary chain (`jsvm demo` shows
# the VM alone). `make test`: the whole test suite, then IOST's SDK against a real node, then the
# block explorer in headless Chromium, then the performance guard (`make perf-guard`).
# Both install missing system prerequisites first (scripts/prereqs.sh).
# Build products go outside the work tree so that they survive between sessions.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/jsvm-target
SMOKE := ../shared/checks/cli-smoke.py

.PHONY: run run-cluster prune-binaries test test-sdk test-explorer test-packages prereqs build bench bench-v8 calibrate calibrate-v8 fmt-check clippy clippy-v8 libnode test-v8 perf-guard perf-baseline fuzz fuzz-meter

prereqs:
	@bash scripts/prereqs.sh

# Always build the whole workspace with all targets: building one package alone can
# resolve dependency features differently and recompile RocksDB's C++ (minutes).
build: prereqs
	cargo build --workspace --all-targets

# The node prints the development account, its key and a first command to try, then serves
# IOST's HTTP API on 127.0.0.1:30001 until Ctrl-C; the chain lives in a new temporary directory.
run: build
	@data=$$(mktemp -d -t jsvm-node.XXXXXX) && echo "jsvm node: a fresh chain in $$data" && \
	exec $(CARGO_TARGET_DIR)/debug/jsvm --data "$$data" node

# A replicated chain of 4 validators on loopback (scripts/cluster.sh, docs/replication.md) in a new temporary
# directory: waits until they finalise, prints their HTTP endpoints one a line, and leaves them running.
run-cluster: build
	@dir=$$(mktemp -d -t jsvm-cluster.XXXXXX) && \
	echo "jsvm cluster in $$dir (admin's secret: $$dir/admin.key; stop: scripts/cluster.sh stop $$dir)" >&2 && \
	JSVM=$(CARGO_TARGET_DIR)/debug/jsvm bash scripts/cluster.sh start 4 "$$dir"

test: prereqs
	cargo test --workspace
	@if [ -f $(SMOKE) ]; then python3 $(SMOKE) $(CARGO_TARGET_DIR)/debug/jsvm; \
	else echo "($(SMOKE) not found: CLI smoke check skipped)"; fi
	$(MAKE) test-packages
	$(MAKE) test-sdk
	$(MAKE) test-explorer
	$(MAKE) perf-guard

# Popular npm packages (tests/packages/package-lock.json) packed into contracts and run on every engine built
# (crates/jsvm-vm/tests/packages.rs, ignored by a plain `cargo test` since it needs the packages). `npm ci`
# needs the registry only the first time; after that npm's cache serves it offline.
test-packages: prereqs
	cd tests/packages && npm ci --prefer-offline --no-audit --no-fund
	cargo test --workspace --test packages -- --ignored

# IOST's JavaScript SDK (npm iost@0.1.22, pinned by tests/sdk/package-lock.json), unchanged, driving real
# `jsvm node` processes (tests/sdk/*.test.js, Node's own test runner). `npm ci` needs the registry only the
# first time; after that npm's cache serves it offline.
test-sdk: prereqs
	cargo build --workspace --all-targets
	cd tests/sdk && npm ci --prefer-offline --no-audit --no-fund
	cd tests/sdk && JSVM_BIN=$(abspath $(CARGO_TARGET_DIR))/debug/jsvm node --test

# The block explorer `jsvm node` serves at / (docs/explorer.md), opened page by page in Debian's headless
# Chromium driven by playwright-core (pinned by tests/explorer/package-lock.json; it never downloads a browser).
# Screenshots land in $EXPLORER_SCREENSHOTS or tests/explorer/screenshots. Without Chromium the tests print
# "SKIPPED: chromium not installable" and pass.
test-explorer: prereqs
	cargo build --workspace --all-targets
	cd tests/sdk && npm ci --prefer-offline --no-audit --no-fund
	cd tests/explorer && npm ci --prefer-offline --no-audit --no-fund
	cd tests/explorer && JSVM_BIN=$(abspath $(CARGO_TARGET_DIR))/debug/jsvm node --test

# The performance regression guard (scripts/perf-guard.sh): the instructions of a fixed workload (token
# transfers through the full path, crates/jsvm-bench/examples/transfer_loop.rs, in the debug build `make test`
# builds anyway) counted by valgrind, against the committed crates/jsvm-bench/perf-baseline.json; more than 10%
# above it fails. About a minute. `make perf-baseline` records the baseline again (after a change meant to
# cost more, or one that made the path cheaper).
perf-guard: prereqs
	cargo build --workspace --all-targets
	bash scripts/perf-guard.sh check

perf-baseline: prereqs
	cargo build --workspace --all-targets
	bash scripts/perf-guard.sh record

# Coverage-guided fuzzing of the decoders (docs/fuzzing.md): FUZZ_SECONDS per target (default 600), every
# target or those in FUZZ_TARGETS, one after another. Stable Rust; libFuzzer is built by libfuzzer-sys.
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?=
fuzz: prereqs
	bash scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Differential metering at length (crates/jsvm-vm/tests/meter_differential.rs): METER_PROGRAMS random programs
# (default 20,000; `make test` runs 1,500 and 1,000) metered against unmetered and at limits below their need,
# on every engine built; METER_SEED for another seed.
METER_PROGRAMS ?= 20000
METER_SEED ?=
fuzz-meter: prereqs
	JSVM_METER_DIFF_PROGRAMS=$(METER_PROGRAMS) JSVM_METER_DIFF_SEED=$(METER_SEED) \
		cargo test --workspace --test meter_differential -- --nocapture

# Deletes the linked executables of the debug build (tests, examples, the binaries), which Cargo relinks
# when next needed, and keeps every compiled library: each executable carries RocksDB's debug info
# (about 0.5 GB), so a QuickJS and a V8 build of the whole suite together need ~80 GB of disk without it.
prune-binaries:
	@find $(CARGO_TARGET_DIR)/debug/deps $(CARGO_TARGET_DIR)/debug/examples -maxdepth 1 -type f \
		-perm -u+x ! -name '*.so' -delete 2>/dev/null || true
	@rm -f $(CARGO_TARGET_DIR)/debug/jsvm $(CARGO_TARGET_DIR)/debug/jsvm-bench
	@rm -rf $(CARGO_TARGET_DIR)/debug/incremental
	@df -h $(CARGO_TARGET_DIR) | tail -1

# V8 (jsvm-engine's `v8` feature) links Node's shared library: Debian 12's libnode108
# (V8 10.2), installed system-wide when apt can, else unpacked into .libnode/.
libnode:
	@bash scripts/libnode.sh

# The whole suite with V8 built in and every contract run on it (JSVM_ENGINE=v8), then the
# CLI smoke check on the V8 binary.
test-v8: prereqs libnode
	JSVM_ENGINE=v8 cargo test --workspace --features jsvm-engine/v8
	cd tests/packages && npm ci --prefer-offline --no-audit --no-fund
	cargo test --workspace --features jsvm-engine/v8 --test packages -- --ignored
	@if [ -f $(SMOKE) ]; then JSVM_ENGINE=v8 python3 $(SMOKE) $(CARGO_TARGET_DIR)/debug/jsvm; \
	else echo "($(SMOKE) not found: CLI smoke check skipped)"; fi

# The figures to report: an optimised build, every part, in one process and one run, by
# the benchmark's own binary (crates/jsvm-bench; the node's `jsvm` carries none of it).
# BENCH_FLAGS=--quick for a run under two minutes, BENCH_FLAGS="--out DIR" to write elsewhere.
bench: prereqs
	cargo build --release --workspace
	$(CARGO_TARGET_DIR)/release/jsvm-bench $(BENCH_FLAGS)

# The same with V8 built in: every figure again on V8 beside QuickJS's.
bench-v8: prereqs libnode
	cargo build --release --workspace --features jsvm-engine/v8
	$(CARGO_TARGET_DIR)/release/jsvm-bench $(BENCH_FLAGS)

# The gas schedule against the clock: for each construct of the calibration set, the gas,
# wall time and ns per gas unit of a run to the maximum gas limit, slowest first, with the
# margin against the transaction deadline (docs/gas.md, "Calibration").
calibrate: prereqs
	cargo build --release --workspace
	$(CARGO_TARGET_DIR)/release/jsvm-bench calibrate

# The same on V8 beside QuickJS.
calibrate-v8: prereqs libnode
	cargo build --release --workspace --features jsvm-engine/v8
	$(CARGO_TARGET_DIR)/release/jsvm-bench calibrate

# Hygiene that CI enforces before the tests (rustfmt.toml; warnings are errors).
fmt-check:
	cargo fmt --all --check

clippy: prereqs
	cargo clippy --workspace --all-targets -- -D warnings

clippy-v8: prereqs libnode
	cargo clippy --workspace --all-targets --features jsvm-engine/v8 -- -D warnings
