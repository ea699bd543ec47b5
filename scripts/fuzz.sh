#!/usr/bin/env bash
# Coverage-guided fuzzing of jsvm's decoders with libFuzzer, on stable Rust (no cargo-fuzz, no nightly).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]      (make fuzz: FUZZ_SECONDS, FUZZ_TARGETS)
#
# Builds fuzz/ (a workspace of its own) in release with the SanitizerCoverage flags cargo-fuzz uses, then runs
# each target for SECONDS (default 600), one after another, starting from the committed seeds in
# fuzz/corpus/<target> and the work corpus in $JSVM_FUZZ_CORPUS/<target> (new inputs go there, outside the
# tree). A crash's input is written to fuzz/artifacts/<target>/ (ignored by git); the script goes on with the
# next target and exits 1 at the end if any target crashed. It prints one line of figures per target.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-600}"
shift || true
light_targets=(tx_bytes tx_json abi_args compile bundle pack_scanner)
# These link RocksDB (and QuickJS): built with the fuzz crate's `store` feature, see below.
store_targets=(records code_cache http)
all_targets=("${light_targets[@]}" "${store_targets[@]}")
if [ "$#" -gt 0 ]; then targets=("$@"); else targets=("${all_targets[@]}"); fi
for t in "${targets[@]}"; do
  [[ " ${all_targets[*]} " == *" $t "* ]] || { echo "fuzz.sh: unknown target $t (known: ${all_targets[*]})" >&2; exit 2; }
done

triple="x86_64-unknown-linux-gnu"
main_target_dir="${CARGO_TARGET_DIR:-$HOME/.cache/jsvm-target}"
export CARGO_TARGET_DIR="${JSVM_FUZZ_TARGET_DIR:-$HOME/.cache/jsvm-fuzz-target}"
work_corpus="${JSVM_FUZZ_CORPUS:-$HOME/.cache/jsvm-fuzz-corpus}"
# cargo-fuzz's instrumentation, all of it stable: edge counters, their PC table for libFuzzer's coverage
# figures, and compare tracing (libFuzzer learns the constants a decoder compares against); the checks a debug
# build has come from fuzz/Cargo.toml's release profile. With --target, RUSTFLAGS reach only the target's
# crates, not build scripts.
export RUSTFLAGS="-Cpasses=sancov-module \
 -Cllvm-args=-sanitizer-coverage-level=4 \
 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters \
 -Cllvm-args=-sanitizer-coverage-pc-table \
 -Cllvm-args=-sanitizer-coverage-trace-compares \
 --cfg fuzzing ${RUSTFLAGS:-}"

echo "fuzz.sh: building ${targets[*]} (target dir $CARGO_TARGET_DIR)"
light=() store=()
for t in "${targets[@]}"; do
  if [[ " ${store_targets[*]} " == *" $t "* ]]; then store+=(--bin "$t"); else light+=(--bin "$t"); fi
done
if [ "${#light[@]}" -gt 0 ]; then
  (cd "$root/fuzz" && cargo build --release --target "$triple" "${light[@]}")
fi
if [ "${#store[@]}" -gt 0 ]; then
  # RocksDB's C++ takes ~13 minutes to compile on two cores: link the library the main build compiled (with
  # -O2, see the root Cargo.toml's dev profile) instead of compiling it again here. It is not instrumented:
  # RocksDB is not what these targets fuzz.
  rocksdb_lib() { ls -t "$main_target_dir"/debug/build/librocksdb-sys-*/out/librocksdb.a 2>/dev/null | head -1; }
  if [ -z "$(rocksdb_lib)" ]; then
    echo "fuzz.sh: compiling RocksDB in the main build ($main_target_dir) first"
    (cd "$root" && CARGO_TARGET_DIR="$main_target_dir" cargo build -p jsvm-state)
  fi
  lib="$(rocksdb_lib)"
  echo "fuzz.sh: linking $lib"
  (cd "$root/fuzz" && ROCKSDB_LIB_DIR="$(dirname "$lib")" ROCKSDB_STATIC=1 \
    cargo build --release --target "$triple" --features store "${store[@]}")
fi

summary=()
crashed=0
for t in "${targets[@]}"; do
  seeds="$root/fuzz/corpus/$t"
  work="$work_corpus/$t"
  artifacts="$root/fuzz/artifacts/$t"
  mkdir -p "$work" "$artifacts"
  log="$work_corpus/$t.log"
  echo "fuzz.sh: $t for ${seconds}s (log $log)"
  status=0
  "$CARGO_TARGET_DIR/$triple/release/$t" "$work" "$seeds" \
    -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2048 -timeout=10 -max_len=65536 \
    -artifact_prefix="$artifacts/" >"$log" 2>&1 || status=$?
  # libFuzzer's last status line ("#N ... cov: C ft: F ... exec/s: E") and its final stats.
  last="$(grep -E '^#[0-9]+' "$log" | tail -1 || true)"
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
  cov="$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")"
  ft="$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")"
  # Artifacts of every run so far: crash-, oom-, timeout- and leak- files libFuzzer wrote.
  crashes="$(find "$artifacts" -type f \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' -o -name 'leak-*' \) | wc -l)"
  if [ "$status" -ne 0 ]; then
    crashed=1
    echo "fuzz.sh: $t stopped with status $status; the input is in $artifacts/, the backtrace in $log" >&2
    grep -A30 -m1 -E 'panicked at|ERROR: libFuzzer' "$log" >&2 || true
  fi
  summary+=("$(printf '%-13s %6ss  runs %-10s exec/s %-7s cov %-6s ft %-6s artifacts %s  exit %s' \
    "$t" "$seconds" "${runs:-?}" "${rate:-?}" "${cov:-?}" "${ft:-?}" "$crashes" "$status")")
done

echo
echo "fuzz.sh: results (${seconds}s per target)"
printf '%s\n' "${summary[@]}"
exit "$crashed"
