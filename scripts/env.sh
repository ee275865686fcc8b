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

# Installs those of the given Debian packages that are missing (nothing when all are there).
apt_install() {
  local missing="" p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  say "installing Debian packages:$missing"
  local sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  # shellcheck disable=SC2086
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq $missing
}
