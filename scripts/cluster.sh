#!/usr/bin/env bash
# A replicated jsvm chain on this machine: N `jsvm node` validators on loopback (docs/replication.md).
#
#   scripts/cluster.sh start N DIR   start N validators under DIR (or the ones of DIR's cluster that are not
#                                    running, on their old ports and data), wait until every one has committed
#                                    a block, print each node's HTTP endpoint on a line of its own, and exit
#                                    leaving the nodes running
#   scripts/cluster.sh stop DIR      stop DIR's validators (SIGTERM, then SIGKILL after 10 s)
#
# DIR keeps everything: admin.key (admin's base58 secret, as `jsvm key new` prints it), admin.pub, genesis.json, and per
# validator vI/: validator.key, http_port, p2p_port, data/ (its chain and consensus journal), node.log, pid.
# The jsvm binary is $JSVM, else the debug build in $CARGO_TARGET_DIR (~/.cache/jsvm-target), else jsvm on PATH.
# Needs python3 (free ports, JSON).
set -euo pipefail

STARTUP_SECONDS=${CLUSTER_STARTUP_SECONDS:-90}

die() {
    echo "cluster.sh: $*" >&2
    exit 1
}

usage() {
    echo "usage: scripts/cluster.sh start N DIR | stop DIR" >&2
    exit 2
}

jsvm_bin() {
    if [ -n "${JSVM:-}" ]; then
        echo "$JSVM"
    elif [ -x "${CARGO_TARGET_DIR:-$HOME/.cache/jsvm-target}/debug/jsvm" ]; then
        echo "${CARGO_TARGET_DIR:-$HOME/.cache/jsvm-target}/debug/jsvm"
    elif command -v jsvm > /dev/null; then
        command -v jsvm
    else
        die "no jsvm binary: build it (cargo build --workspace) or set JSVM=PATH"
    fi
}

# Whether validator directory $1 has a live jsvm process.
running() {
    local pid
    [ -f "$1/pid" ] || return 1
    pid=$(cat "$1/pid")
    [ -n "$pid" ] && kill -0 "$pid" 2> /dev/null && tr '\0' ' ' < "/proc/$pid/cmdline" 2> /dev/null | grep -q -- "--validator-key"
}

# `count` distinct free loopback ports, one a line (held together while read, so they differ).
free_ports() {
    python3 - "$1" << 'EOF'
import socket, sys
held = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    held.append(s)
for s in held:
    print(s.getsockname()[1])
EOF
}

json_field() {
    python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

# Keys, ports and the genesis of a new N-validator cluster in DIR.
create() {
    local n=$1 dir=$2 jsvm=$3 i ports
    mkdir -p "$dir"
    local admin
    admin=$("$jsvm" key new)
    json_field secret_key <<< "$admin" > "$dir/admin.key"
    json_field public_key <<< "$admin" > "$dir/admin.pub"
    mapfile -t ports < <(free_ports $((2 * n)))
    for ((i = 0; i < n; i++)); do
        mkdir -p "$dir/v$i"
        "$jsvm" key new > "$dir/v$i/validator.key"
        echo "${ports[$((2 * i))]}" > "$dir/v$i/http_port"
        echo "${ports[$((2 * i + 1))]}" > "$dir/v$i/p2p_port"
    done
    python3 - "$dir" "$n" << 'EOF'
import json, sys, time
dir, n = sys.argv[1], int(sys.argv[2])
validators = []
for i in range(n):
    key = json.load(open(f"{dir}/v{i}/validator.key"))
    validators.append({"name": f"v{i}", "public_key": key["public_key"]})
genesis = {
    "chain_id": 1024,
    "time_ns": time.time_ns(),
    "admin_key": open(f"{dir}/admin.pub").read().strip(),
    "charge_resources": False,
    "validators": validators,
}
with open(f"{dir}/genesis.json", "w") as f:
    json.dump(genesis, f, indent=2)
    f.write("\n")
EOF
    echo "$n" > "$dir/size"
}

start_one() {
    local dir=$1 i=$2 n=$3 jsvm=$4 peers="" j
    local v="$dir/v$i"
    for ((j = 0; j < n; j++)); do
        [ "$j" = "$i" ] && continue
        peers="$peers${peers:+,}v$j@127.0.0.1:$(cat "$dir/v$j/p2p_port")"
    done
    # setsid: the nodes outlive this script and the terminal or make that ran it.
    setsid "$jsvm" --data "$v/data" node --http "127.0.0.1:$(cat "$v/http_port")" \
        --validator-key "$v/validator.key" --genesis "$dir/genesis.json" \
        --p2p "127.0.0.1:$(cat "$v/p2p_port")" --peers "$peers" >> "$v/node.log" 2>&1 < /dev/null &
    echo $! > "$v/pid"
}

# The committed height node $1 (an HTTP port) reports, or -1 when it does not answer.
height() {
    python3 - "$1" << 'EOF'
import json, sys, urllib.request
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/getChainInfo", timeout=2) as r:
        print(int(json.load(r)["head_block"]))
except Exception:
    print(-1)
EOF
}

start() {
    local n=$1 dir=$2 jsvm i
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "N must be a number of validators from 1, not '$n'"
    jsvm=$(jsvm_bin)
    if [ -f "$dir/size" ]; then
        [ "$(cat "$dir/size")" = "$n" ] || die "$dir holds a cluster of $(cat "$dir/size") validators, not $n"
    else
        [ ! -e "$dir" ] || [ -z "$(ls -A "$dir")" ] || die "$dir is neither empty nor a cluster's directory"
        create "$n" "$dir" "$jsvm"
    fi
    dir=$(cd "$dir" && pwd)
    for ((i = 0; i < n; i++)); do
        if running "$dir/v$i"; then
            echo "v$i runs already (pid $(cat "$dir/v$i/pid"))" >&2
        else
            start_one "$dir" "$i" "$n" "$jsvm"
        fi
    done
    local deadline=$((SECONDS + STARTUP_SECONDS))
    for ((i = 0; i < n; i++)); do
        while [ "$(height "$(cat "$dir/v$i/http_port")")" -lt 1 ]; do
            if ! running "$dir/v$i"; then
                tail -n 30 "$dir/v$i/node.log" >&2 || true
                die "v$i exited (its log: $dir/v$i/node.log)"
            fi
            if [ "$SECONDS" -ge "$deadline" ]; then
                tail -n 30 "$dir/v$i/node.log" >&2 || true
                die "v$i committed no block within $STARTUP_SECONDS s (its log: $dir/v$i/node.log)"
            fi
            sleep 0.2
        done
    done
    for ((i = 0; i < n; i++)); do
        echo "http://127.0.0.1:$(cat "$dir/v$i/http_port")"
    done
}

stop() {
    local dir=$1 v pid pids=()
    [ -f "$dir/size" ] || die "$dir is not a cluster's directory"
    for v in "$dir"/v*; do
        if running "$v"; then
            pid=$(cat "$v/pid")
            kill -TERM "$pid" 2> /dev/null || true
            pids+=("$pid")
        fi
    done
    local deadline=$((SECONDS + 10))
    for pid in "${pids[@]}"; do
        while kill -0 "$pid" 2> /dev/null && [ "$SECONDS" -lt "$deadline" ]; do
            sleep 0.1
        done
        kill -KILL "$pid" 2> /dev/null || true
    done
    echo "stopped ${#pids[@]} validator(s)" >&2
}

case "${1:-}" in
    start)
        [ $# -eq 3 ] || usage
        start "$2" "$3"
        ;;
    stop)
        [ $# -eq 2 ] || usage
        stop "$2"
        ;;
    *) usage ;;
esac
