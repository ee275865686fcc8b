# Sourced by the other scripts: paths and tool locations.
KRING_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export KRING_ROOT
# npm's binaryen goes first: Debian's wasm-opt (binaryen 108) silently breaks rustc 1.95 output.
# cargo-leptos sets this while building; leptos reads it at compile time, so every cargo call sets it too
# (otherwise tests and builds would each compile leptos anew).
export LEPTOS_OUTPUT_NAME=kring
export PATH="$KRING_ROOT/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# shellcheck source=versions.sh
. "$KRING_ROOT/scripts/versions.sh"
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
