#!/usr/bin/env bash
# Installs what is missing, builds Kring, and starts it on an embedded SQLite database in ./data
# with the demo school. Stop it with Ctrl-C.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$KRING_ROOT"
scripts/install-tools.sh
say "building Kring (release, with compressed build files)"
scripts/build-release.sh
export KRING_DATA_DIR="${KRING_DATA_DIR:-$KRING_ROOT/data}"
bin="$KRING_ROOT/target/release/kring"
say "demo accounts (password: ${KRING_DEMO_PASSWORD:-kring-demo})"
# --showcase: photo posts, a comment, a newsletter and a consent round, as after a month of use.
"$bin" seed-demo --showcase
addr="${KRING_ADDR:-127.0.0.1:3000}"
say "Kring: open http://$addr on your phone-sized browser"
exec "$bin" serve
