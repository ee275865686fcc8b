#!/usr/bin/env bash
# Benchmark, not a test: the weekly e-mail summary to 10,000 guardians through a local SMTP sink that
# counts every message it receives. Prints the time, the throughput, and how many were lost or
# doubled (goal: ≤ 60 s on a 2-core machine, 0 lost, 0 doubled). Release build.
# Usage: scripts/bench-notify.sh   (KRING_BENCH_NO_BUILD=1 uses the existing target/release/kring;
#        KRING_BENCH_DATABASE_URL=postgres://… runs it on an empty PostgreSQL database instead of SQLite)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$KRING_ROOT"

say "building Kring (release)"
[ -n "${KRING_BENCH_NO_BUILD:-}" ] || cargo build --release -p server --bin kring
kring="$KRING_ROOT/target/release/kring"

work="$(mktemp -d /tmp/kring-bench-notify.XXXXXX)"
sink_pid=""
cleanup() { [ -n "$sink_pid" ] && kill "$sink_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"

node end2end/bench/smtp-sink.mjs "$port" "$work/stats.json" &
sink_pid=$!

export KRING_DATA_DIR="$work/data" KRING_LOG=warn
export KRING_SMTP_HOST=127.0.0.1 KRING_SMTP_PORT="$port" KRING_SMTP_TLS=none
[ -z "${KRING_BENCH_DATABASE_URL:-}" ] || export KRING_DATABASE_URL="$KRING_BENCH_DATABASE_URL"

say "seeding 501 class groups of 20 pupils (10,019 guardians) and a week of posts"
"$kring" seed-load --groups 501 --posts 5000
say "sending the weekly summary"
"$kring" send-summary --frequency weekly | tee "$work/out.txt"

kill -TERM "$sink_pid"; wait "$sink_pid" 2>/dev/null || true; sink_pid=""
python3 - "$work/out.txt" "$work/stats.json" <<'PY'
import json, re, sys
out = open(sys.argv[1]).read()
stats = json.load(open(sys.argv[2]))
queued = int(re.search(r"(\d+) queued", out).group(1))
secs = float(re.search(r"; ([\d.]+) s,", out).group(1))
lost = queued - stats["distinct"]
print(f"weekly summary: {queued} guardians, {stats['messages']} mails received by the sink in {secs:.1f} s "
      f"({stats['messages'] / secs:.0f}/s); lost {lost}, doubled {stats['doubled']}")
ok = secs <= 60 and lost == 0 and stats["doubled"] == 0
print("goal (≤ 60 s, 0 lost, 0 doubled):", "met" if ok else "MISSED")
sys.exit(0 if ok else 1)
PY
