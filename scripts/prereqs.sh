#!/usr/bin/env bash
# Installs what the build needs and a fresh machine may lack:
# libclang (bindgen, for RocksDB's bindings), a C++ compiler (RocksDB itself), Node.js with npm
# (the SDK tests, tests/sdk: IOST's JavaScript SDK against `jsvm node`), and valgrind (the
# performance guard, scripts/perf-guard.sh, counts instructions with it), and Chromium (the explorer's
# browser tests, tests/explorer; optional: where apt cannot install it those tests skip loudly).
set -euo pipefail

# libclang itself (libclang.so, libclang-14.so.1, ...), not libclang-cpp, which
# some machines carry without it and which bindgen cannot use.
have_libclang() {
    ldconfig -p 2>/dev/null | grep -qE 'libclang(-[0-9.]+)?\.so' && return 0
    compgen -G '/usr/lib/llvm-*/lib/libclang.so*' >/dev/null || compgen -G '/usr/lib/llvm-*/lib/libclang-[0-9]*.so*' >/dev/null
}

missing=()
have_libclang || missing+=(libclang-dev)
command -v c++ >/dev/null || missing+=(g++)
command -v make >/dev/null || missing+=(make)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
command -v valgrind >/dev/null || missing+=(valgrind)

if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
# Chromium apart: a machine without it still builds and tests everything else.
if ! command -v chromium >/dev/null; then
    echo "installing: chromium (the explorer's browser tests)"
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium; } ||
        echo "chromium could not be installed: make test-explorer will skip the browser tests" >&2
fi
command -v cargo >/dev/null || { echo "cargo is missing: install Rust (rustup) first" >&2; exit 1; }
