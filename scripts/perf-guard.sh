#!/usr/bin/env bash
# The performance regression guard. `scripts/perf-guard.sh check` (`make perf-guard`, run by `make test`) counts
# the instructions of a fixed, deterministic workload under valgrind's cachegrind and compares the count with
# the committed baseline, crates/jsvm-bench/perf-baseline.json: more than 10% above it fails, more than 10%
# below it asks for a new baseline. `scripts/perf-guard.sh record` (`make perf-baseline`) counts the workload
# twice and writes the baseline, refusing if the two counts differ by more than 1%.
#
# The workload: token transfers through the full path (VmManager, the pool's worker, QuickJS, the gas meter,
# the journal, receipts, the block commit to RocksDB), 1,200 of them after the deploy and the issues that set
# the chain up — crates/jsvm-bench/examples/transfer_loop.rs in the debug build that `make test` has built
# already, so CI pays for no extra build. Instruction counts hold steady where times on a shared machine do
# not; they depend on the compiler, so the baseline names the rustc that recorded it.
set -euo pipefail
cd "$(dirname "$0")/.."

mode=${1:-check}
target=${CARGO_TARGET_DIR:-$HOME/.cache/jsvm-target}
bin=$target/debug/examples/transfer_loop
baseline=crates/jsvm-bench/perf-baseline.json
args=(2 500 rocksdb)
workload="transfer_loop ${args[*]}"
# Allowed drift either way, in percent, before the guard speaks.
tolerance=10

[ -x "$bin" ] || { echo "perf-guard: $bin is missing: build first (cargo build --workspace --all-targets)" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "perf-guard: valgrind is missing (make prereqs installs it)" >&2; exit 1; }

# Instructions the workload executes, over all its threads.
count() {
    local out
    if ! out=$(valgrind --tool=cachegrind --cache-sim=no --branch-sim=no --cachegrind-out-file=/dev/null \
        "$bin" "${args[@]}" 2>&1); then
        echo "$out" >&2
        echo "perf-guard: the workload failed under valgrind" >&2
        exit 1
    fi
    echo "$out" | sed -n 's/.*I *refs: *\([0-9,]*\).*/\1/p' | tr -d ,
}

# The value of the JSON field $1 in the baseline (one field per line, as `record` writes it).
field() {
    sed -n "s/^ *\"$1\": *\"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\} *$/\1/p" "$baseline"
}

case "$mode" in
record)
    first=$(count)
    second=$(count)
    spread=$(awk -v a="$first" -v b="$second" 'BEGIN { d = a - b; if (d < 0) d = -d; printf "%.3f", 100 * d / a }')
    echo "perf-guard: $workload: $first and $second instructions (${spread}% apart)"
    if awk -v s="$spread" 'BEGIN { exit !(s > 1) }'; then
        echo "perf-guard: the two counts differ by more than 1%: the workload is not steady enough to record" >&2
        exit 1
    fi
    cat >"$baseline" <<EOF
{
  "workload": "$workload",
  "build": "debug (the profile make test builds)",
  "counted_by": "valgrind --tool=cachegrind --cache-sim=no --branch-sim=no",
  "rustc": "$(rustc --version)",
  "instructions": $(((first + second) / 2)),
  "recorded_by": "make perf-baseline"
}
EOF
    echo "perf-guard: wrote $baseline"
    ;;
check)
    [ -f "$baseline" ] || { echo "perf-guard: $baseline is missing: record it with make perf-baseline" >&2; exit 1; }
    recorded_workload=$(field workload)
    if [ "$recorded_workload" != "$workload" ]; then
        echo "perf-guard: the baseline counts \"$recorded_workload\", the guard runs \"$workload\":" \
            "record it again with make perf-baseline" >&2
        exit 1
    fi
    expected=$(field instructions)
    counted=$(count)
    change=$(awk -v c="$counted" -v e="$expected" 'BEGIN { printf "%+.1f", 100 * (c - e) / e }')
    echo "perf-guard: $workload: $counted instructions, baseline $expected ($change%)"
    if awk -v c="$change" -v t="$tolerance" 'BEGIN { exit !(c > t) }'; then
        echo "perf-guard: FAILED: ${change#+}% more instructions than the baseline (more than $tolerance%)." \
            "Find what made the transfer slower (valgrind --tool=callgrind $bin ${args[*]}), or, if the cost is" \
            "meant, record a new baseline with make perf-baseline and say why in the commit." >&2
        exit 1
    fi
    if awk -v c="$change" -v t="$tolerance" 'BEGIN { exit !(c < -t) }'; then
        echo "perf-guard: the workload got ${change#-}% cheaper than the baseline: lower the baseline" \
            "(make perf-baseline) so that the guard keeps the gain."
    fi
    if [ "$(field rustc)" != "$(rustc --version)" ]; then
        echo "perf-guard: note: the baseline was recorded with $(field rustc), this is $(rustc --version)"
    fi
    ;;
*)
    echo "usage: scripts/perf-guard.sh [check|record]" >&2
    exit 2
    ;;
esac
