#!/usr/bin/env bash
# The whole test suite: formatting and lints, unit tests, integration tests on SQLite and
# PostgreSQL, and Playwright end-to-end tests in Debian's Chromium (JavaScript on and off).
# Exits non-zero on any failure.
set -euo pipefail
# pipefail: a failing cargo test or Playwright run fails the suite even though its output is tee'd.
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$KRING_ROOT"
started=$SECONDS
step() { say "$1 ($((SECONDS - started)) s)"; }
# A fresh CI clone builds once and throws the target away: incremental caches would only cost disk.
if [ "${CI:-}" = true ]; then export CARGO_INCREMENTAL=0; fi

step "tools"
scripts/install-tools.sh --test

step "every documented way to run Kring serves compressed build files (trial finding 16)"
grep -q -- "--release --precompress" scripts/build-release.sh
for script in scripts/demo.sh scripts/bench-web.sh; do
  grep -q "scripts/build-release.sh" "$script" || { echo "$script does not build with scripts/build-release.sh" >&2; exit 1; }
  ! grep -q "cargo leptos build" "$script" || { echo "$script builds on its own" >&2; exit 1; }
done

step "formatting"
cargo fmt --all --check

step "clippy, per package (ssr and hydrate never meet in one build)"
cargo clippy -p app --features ssr --all-targets -- -D warnings
cargo clippy -p server --all-targets -- -D warnings
cargo clippy -p app --features hydrate --target "$WASM_TARGET" -- -D warnings
cargo clippy -p frontend --target "$WASM_TARGET" -- -D warnings

step "build (debug: one profile for integration and end-to-end tests)"
cargo leptos build

pg_started=""
cleanup() {
  [ -n "${kring_pid:-}" ] && kill "$kring_pid" 2>/dev/null || true
  [ -n "$pg_started" ] && scripts/pg-temp.sh stop "$pg_started" || true
}
trap cleanup EXIT

if [ -z "${KRING_TEST_POSTGRES_URL:-}" ]; then
  step "starting a throw-away PostgreSQL cluster"
  pg_started="$(mktemp -d /tmp/kring-pg.XXXXXX)"
  KRING_TEST_POSTGRES_URL="$(scripts/pg-temp.sh start "$pg_started")"
  export KRING_TEST_POSTGRES_URL
fi
if ! psql "$KRING_TEST_POSTGRES_URL" -Atqc 'SELECT 1' >/dev/null 2>&1; then
  echo "PostgreSQL at KRING_TEST_POSTGRES_URL does not answer: the PostgreSQL suite cannot run." >&2
  exit 1
fi

# One cargo call for all Rust tests, so that app and server share one build of their dependencies.
step "unit and integration tests (real router on port 0, fresh database per test, SQLite and PostgreSQL)"
results="$(mktemp)"
cargo test -p app -p server --features app/ssr --no-fail-fast 2>&1 | tee "$results"

step "end-to-end tests (Playwright, Debian Chromium, phone viewport, JavaScript on and off)"
e2e_dir="$(mktemp -d /tmp/kring-e2e.XXXXXX)"
export KRING_DATA_DIR="$e2e_dir" KRING_ADDR="127.0.0.1:3210" KRING_LOG="warn"
target/debug/kring seed-demo >/dev/null
target/debug/kring serve >"$e2e_dir/server.log" 2>&1 &
kring_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://$KRING_ADDR/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
(cd end2end && KRING_URL="http://$KRING_ADDR" KRING_OUTBOX="$e2e_dir/outbox" npx playwright test) 2>&1 | tee -a "$results"
# A panic in the server is an empty reply to somebody, even when every page the tests saw was fine.
if grep -q "panicked" "$e2e_dir/server.log"; then
  echo "The server panicked during the end-to-end tests:" >&2
  grep -A4 "panicked" "$e2e_dir/server.log" >&2
  exit 1
fi

rust=$(awk '/^test result: ok\./ { s += $4 } END { print s + 0 }' "$results")
e2e=$(awk '/^ *[0-9]+ passed \(/ { n = $1 } END { print n + 0 }' "$results")
step "all tests passed"
echo "tests: $((rust + e2e)) passed, 0 failed"
