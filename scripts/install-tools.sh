#!/usr/bin/env bash
# Installs what Kring needs to build (and with --test, to test), only where it is missing.
# Everything comes from crates.io, npm and Debian; nothing downloads a prebuilt binary.
# A second run installs nothing and takes a few seconds.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

if ! rustup target list --installed | grep -qx "$WASM_TARGET"; then
  say "adding the Rust target $WASM_TARGET"
  rustup target add "$WASM_TARGET"
fi

if [ "$(cargo leptos --version 2>/dev/null | awk '{print $2}')" != "$CARGO_LEPTOS_VERSION" ]; then
  say "building cargo-leptos $CARGO_LEPTOS_VERSION (takes about 35 minutes on 2 cores, once)"
  cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "building wasm-bindgen-cli $WASM_BINDGEN_VERSION (about 5 minutes, once)"
  # No --locked: its lock file asks for a crate version the registry no longer has.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi

if [ ! -x "$KRING_ROOT/end2end/node_modules/.bin/wasm-opt" ] || [ ! -x "$KRING_ROOT/end2end/node_modules/.bin/playwright" ] \
   || [ "$KRING_ROOT/end2end/package-lock.json" -nt "$KRING_ROOT/end2end/node_modules/.package-lock.json" ]; then
  say "installing npm packages (binaryen, Playwright)"
  (cd "$KRING_ROOT/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund)
fi

# nasm assembles the SIMD code of mozjpeg, the photo encoder, which is built from its vendored C source.
packages="nasm $APT_RUN_PACKAGES"
[ "$want_test" = 1 ] && packages="$packages $APT_TEST_PACKAGES"
# shellcheck disable=SC2086
apt_install $packages
