#!/usr/bin/env bash
# Benchmark, not a test: the performance budget of the web app, on a release build, printed as numbers.
#  1. size:       what a signed-in parent's phone downloads on a first visit to the feed (budget 250 kB)
#  2. lighthouse: Lighthouse 12 mobile scores on that feed (performance ≥ 95, accessibility 100,
#                 best practices ≥ 95)
#  3. load:       wrk on the feed of a foundation with 20,000 posts and 300 class groups, on SQLite and on
#                 PostgreSQL (a throw-away local cluster), against the sign-in page of the same server
#                 (goals: ratio ≥ 0.35, p99 ≤ 50 ms at 16 connections; at 256 no failures, p99 ≤ 500 ms).
#                 KRING_BENCH_DATABASES="sqlite" limits it to one database; LOAD_SECS sets the duration.
# Usage: scripts/bench-web.sh [size|lighthouse|load ...]   (default: all three)
# Exits non-zero when a budget is missed; the test suite never runs this.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$KRING_ROOT"
parts=("$@")
[ ${#parts[@]} -eq 0 ] && parts=(size lighthouse load)

apt_install wrk chromium curl
[ -d end2end/node_modules/@playwright/test ] || (cd end2end && npm ci --no-audit --no-fund)
[ -d end2end/bench/node_modules/lighthouse ] || (cd end2end/bench && npm ci --no-audit --no-fund)

say "building Kring the way the README runs it (scripts/build-release.sh)"
[ -n "${KRING_BENCH_NO_BUILD:-}" ] || scripts/build-release.sh
kring="$KRING_ROOT/target/release/kring"

work="$(mktemp -d /tmp/kring-bench-web.XXXXXX)"
server_pid=""
pg_dir=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  [ -n "$pg_dir" ] && scripts/pg-temp.sh stop "$pg_dir"
  rm -rf "$work"
}
trap cleanup EXIT

port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Starts the release server on a data folder and a site folder; sets URL.
start() {
  local data="$1" site="$2" p
  p="$(port)"
  URL="http://127.0.0.1:$p"
  KRING_DATA_DIR="$data" KRING_ADDR="127.0.0.1:$p" KRING_PUBLIC_URL="$URL" KRING_SITE_ROOT="$site" \
    KRING_LOG=warn "$kring" serve >"$work/server.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do curl -fs "$URL/healthz" >/dev/null 2>&1 && return 0; sleep 0.1; done
  cat "$work/server.log"; echo "the server did not start" >&2; exit 1
}
stop() { kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""; }

failed=0
run_demo_parts() {
  KRING_DATA_DIR="$work/demo" "$kring" seed-demo >/dev/null
  start "$work/demo" "$KRING_ROOT/target/site"
  for part in "${parts[@]}"; do
    case "$part" in
      size)
        say "first load of the feed (ouder.jansen, two children)"
        (cd end2end && KRING_URL="$URL" node bench/first-load.mjs ouder.jansen@example.nl kring-demo) || failed=1 ;;
      lighthouse)
        say "Lighthouse 12, mobile, feed of ouder.jansen"
        (cd end2end/bench && KRING_URL="$URL" node lighthouse.mjs ouder.jansen@example.nl kring-demo) || failed=1 ;;
    esac
  done
  stop
}

# Requests per second and the 99th percentile (ms) from wrk's --latency output; non-2xx and socket
# errors (connect, read, write, timeout) together count as failures.
wrk_numbers() {
  awk '/Requests\/sec/ { rps = $2 }
       $1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v = v / 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v = v * 1000 } p99 = v }
       / Non-2xx or 3xx responses/ { bad += $NF }
       /Socket errors/ { gsub(/,/, ""); bad += $4 + $6 + $8 + $10 }
       END { printf "%s %s %s\n", rps, p99, bad + 0 }'
}

# wrk against one URL: prints "requests/s p99-ms failures".
measure() {
  local conns="$1" url="$2"; shift 2
  wrk -t2 -c"$conns" -d"${LOAD_SECS:-15}s" --latency "$@" "$url" | wrk_numbers
}

# The load run on one database: the feed of a guardian of a foundation with 20,000 posts and 300
# class groups, against the sign-in page (Leptos rendering with no database work) of the same server.
# wrk sends no script cookie, so every feed request also records its read receipts, as a page served
# without JavaScript does.
load_on() {
  local backend="$1" data="$work/load-$1"
  mkdir -p "$data"
  if [ "$backend" = postgres ]; then
    pg_dir="$(mktemp -d /tmp/kring-bench-pg.XXXXXX)"
    export KRING_DATABASE_URL; KRING_DATABASE_URL="$(scripts/pg-temp.sh start "$pg_dir")"
  else
    unset KRING_DATABASE_URL
  fi
  say "seeding the load foundation on $backend (20,000 posts, 300 class groups)"
  KRING_DATA_DIR="$data" "$kring" seed-load --posts 20000 --groups 300
  start "$data" "$KRING_ROOT/target/site"
  curl -fs -o /dev/null -c "$work/jar" -H "Origin: $URL" \
    --data-urlencode "email=ouder.load@example.nl" --data-urlencode "password=kring-demo" "$URL/api/login"
  cookie="$(awk '$6 == "kring_session" { print $6 "=" $7 }' "$work/jar")"
  [ -n "$cookie" ] || { echo "login failed" >&2; exit 1; }
  curl -fs -H "Cookie: $cookie" "$URL/" >"$work/feed.html"
  grep -q "Bericht " "$work/feed.html" || { echo "the feed shows no posts" >&2; exit 1; }
  echo "feed page: $(wc -c <"$work/feed.html") bytes uncompressed"
  measure 16 "$URL/" -H "Cookie: $cookie" >/dev/null # warm-up
  read -r feed_rps feed_p99 feed_bad < <(measure 16 "$URL/" -H "Cookie: $cookie")
  read -r floor_rps floor_p99 floor_bad < <(measure 16 "$URL/inloggen")
  read -r many_rps many_p99 many_bad < <(measure 256 "$URL/" -H "Cookie: $cookie")
  stop
  if [ "$backend" = postgres ]; then scripts/pg-temp.sh stop "$pg_dir"; pg_dir=""; unset KRING_DATABASE_URL; fi
  local ratio; ratio=$(echo "$feed_rps / $floor_rps" | bc -l)
  echo "$backend, wrk -t2 -d${LOAD_SECS:-15}s, no compression asked"
  printf '%s sign-in page (rendered, no database), 16 connections: %8.0f requests/s, p99 %7.2f ms, failures %s\n' \
    "$backend" "$floor_rps" "$floor_p99" "$floor_bad"
  printf '%s feed, 16 connections:  %8.0f requests/s, p99 %7.2f ms, failures %s\n' "$backend" "$feed_rps" "$feed_p99" "$feed_bad"
  printf '%s feed, 256 connections: %8.0f requests/s, p99 %7.2f ms, failures %s\n' "$backend" "$many_rps" "$many_p99" "$many_bad"
  printf '%s ratio feed/sign-in page: %.2f (goal >= 0.35, stretch 0.5); p99 %.2f ms at 16 (goal <= 50), %.2f ms at 256 (goal <= 500)\n' \
    "$backend" "$ratio" "$feed_p99" "$many_p99"
  if [ "$(echo "$ratio < 0.35 || $feed_p99 > 50 || $feed_bad > 0 || $many_p99 > 500 || $many_bad > 0" | bc -l)" = 1 ]; then
    echo "$backend: LOAD BUDGET MISSED"; failed=1
  fi
}

run_load() {
  apt_install postgresql
  # 256 connections need as many open files.
  ulimit -n 4096 2>/dev/null || true
  for backend in ${KRING_BENCH_DATABASES:-sqlite postgres}; do load_on "$backend"; done
}

for part in "${parts[@]}"; do
  case "$part" in size | lighthouse) ;; load) ;; *) echo "unknown part: $part" >&2; exit 2 ;; esac
done
if [[ " ${parts[*]} " == *" size "* || " ${parts[*]} " == *" lighthouse "* ]]; then run_demo_parts; fi
if [[ " ${parts[*]} " == *" load "* ]]; then run_load; fi
exit $failed
