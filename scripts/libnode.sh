#!/usr/bin/env bash
# Makes V8 10.2 available to jsvm-engine's `v8` feature: Debian 12's libnode108 (Node 18's
# shared library, which carries V8) and libnode-dev (its headers, V8's among them).
#
# - If both can be installed system-wide without removing anything, they are (apt-get), and
#   the build finds them under /usr.
# - Otherwise (typically: the machine's own `nodejs` package conflicts with them) the two .deb
#   files are fetched with `apt-get download` and unpacked with `dpkg -x` into .libnode/ at
#   the repository root (git-ignored), where the build looks first.
# - Either way the libraries libnode needs at run time (libuv1, libc-ares2, ...) are installed
#   when absent.
#
# Idempotent: a second run checks and returns. Override the location the build reads with
# JSVM_LIBNODE_DIR (a directory holding include/node/ and lib/).
set -euo pipefail
cd "$(dirname "$0")/.."

DEST=.libnode
PACKAGES=(libnode108 libnode-dev)

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
apt_updated=""
apt_update() {
    if [ -z "$apt_updated" ]; then
        $sudo apt-get update -qq
        apt_updated=1
    fi
}

# Whether $1 (a v8-version.h) says V8 10.2.
is_v8_10_2() {
    [ -f "$1" ] && grep -qE '^#define V8_MAJOR_VERSION 10$' "$1" && grep -qE '^#define V8_MINOR_VERSION 2$' "$1"
}

# Whether a root (/, or .libnode) holds libnode.so.108 and V8 10.2's headers.
has_libnode() {
    local root=$1
    is_v8_10_2 "$root/usr/include/node/v8-version.h" || return 1
    compgen -G "$root/usr/lib/*/libnode.so.108" >/dev/null || compgen -G "$root/usr/lib/libnode.so.108" >/dev/null
}

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

# libnode108's own shared-library dependencies (not the Node.js modules it also depends on,
# which need the nodejs package).
runtime_deps() {
    local depends
    depends=$(apt-cache show --no-all-versions libnode108 2>/dev/null | sed -n 's/^Depends: //p' | head -n1)
    if [ -z "$depends" ]; then
        apt_update
        depends=$(apt-cache show --no-all-versions libnode108 | sed -n 's/^Depends: //p' | head -n1)
    fi
    echo "$depends" | tr ',' '\n' | sed -E 's/^ *//; s/ .*//' | grep -E '^(lib|zlib)'
}

install_runtime_deps() {
    local missing=() dep
    for dep in $(runtime_deps); do
        installed "$dep" || missing+=("$dep")
    done
    if [ ${#missing[@]} -gt 0 ]; then
        echo "libnode: installing its runtime libraries: ${missing[*]}"
        apt_update
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
    fi
}

if has_libnode "$DEST"; then
    install_runtime_deps
    exit 0
fi
if has_libnode ""; then
    exit 0
fi

# Can apt install both without removing anything?
simulate() { $sudo apt-get install -s "${PACKAGES[@]}" 2>&1; }
plan=$(simulate) || { apt_update; plan=$(simulate) || true; }
if echo "$plan" | grep -q '^Inst libnode108' && ! echo "$plan" | grep -qE '^(Remv|E:)'; then
    echo "libnode: installing ${PACKAGES[*]} system-wide"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${PACKAGES[@]}"
    has_libnode "" || { echo "libnode: installed, but /usr holds no V8 10.2 (another libnode-dev?)" >&2; exit 1; }
    exit 0
fi

echo "libnode: cannot install ${PACKAGES[*]} system-wide here; unpacking them into $DEST/"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
( cd "$tmp" && apt-get download "${PACKAGES[@]}" >/dev/null 2>&1 ) \
    || { apt_update; ( cd "$tmp" && apt-get download "${PACKAGES[@]}" ); }
rm -rf "$DEST.partial"
mkdir -p "$DEST.partial"
for deb in "$tmp"/*.deb; do
    dpkg -x "$deb" "$DEST.partial"
done
has_libnode "$DEST.partial" || { echo "libnode: the unpacked packages hold no V8 10.2" >&2; exit 1; }
rm -rf "$DEST"
mv "$DEST.partial" "$DEST"
install_runtime_deps
echo "libnode: V8 $(sed -n 's/^#define V8_\(MAJOR\|MINOR\|BUILD_NUMBER\|PATCH_LEVEL\)_*[A-Z]* \([0-9]*\)$/\2/p' "$DEST/usr/include/node/v8-version.h" | paste -sd.) in $DEST/"
