#!/usr/bin/env bash
# The one way Kring is built for running it: a release build whose build files (WASM, JS, CSS) are
# also written brotli- and gzip-compressed, so a phone downloads about a third of the bytes.
# Used by scripts/demo.sh and the benchmarks, so they measure what the README runs.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$KRING_ROOT"
cargo leptos build --release --precompress
