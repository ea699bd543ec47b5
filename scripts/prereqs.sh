#!/usr/bin/env bash
# Installs what the build needs and a fresh machine may lack:
# libclang (bindgen, for RocksDB's bindings), a C++ compiler (RocksDB itself), Node.js with npm
# (the SDK tests, tests/sdk: IOST's JavaScript SDK against `jsvm node`), and valgrind (the
# performance guard, scripts/perf-guard.sh, counts instructions with it).
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
command -v cargo >/dev/null || { echo "cargo is missing: install Rust (rustup) first" >&2; exit 1; }
