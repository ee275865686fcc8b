#!/usr/bin/env bash
# Benchmark, not a test: the performance budget of the web app, on a release build, printed as numbers.
#  1. size:       what a signed-in parent's phone downloads on a first visit to the feed (budget 250 kB)
#  2. lighthouse: Lighthouse 12 mobile scores on that feed (performance ≥ 95, accessibility 100,
#                 best practices ≥ 95)
#  3. load:       wrk on the feed of a foundation with 20,000 posts and 300 class groups, against a static
#                 file of the same size from the same server (goal: ratio ≥ 0.5, p99 ≤ 50 ms)
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
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; rm -rf "$work"; }
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

# Requests per second and the 99th percentile (ms) from wrk's --latency output.
wrk_numbers() {
  awk '/Requests\/sec/ { rps = $2 }
       $1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us$/, "", v); v = v / 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v = v * 1000 } p99 = v }
       / Non-2xx or 3xx responses/ { bad = $NF }
       END { printf "%s %s %s\n", rps, p99, bad + 0 }'
}

run_load() {
  say "seeding the load foundation (20,000 posts, 300 class groups)"
  KRING_DATA_DIR="$work/load" "$kring" seed-load --posts 20000 --groups 300
  # The static file lives beside the build's files, in a copy of the site folder.
  cp -r "$KRING_ROOT/target/site" "$work/site"
  start "$work/load" "$work/site"
  curl -fs -o /dev/null -c "$work/jar" -H "Origin: $URL" \
    --data-urlencode "email=ouder.load@example.nl" --data-urlencode "password=kring-demo" "$URL/api/login"
  cookie="$(awk '$6 == "kring_session" { print $6 "=" $7 }' "$work/jar")"
  [ -n "$cookie" ] || { echo "login failed" >&2; exit 1; }
  curl -fs -H "Cookie: $cookie" "$URL/" >"$work/site/feed-copy.html"
  grep -q "Bericht " "$work/site/feed-copy.html" || { echo "the feed shows no posts" >&2; exit 1; }
  local bytes; bytes=$(wc -c <"$work/site/feed-copy.html")
  echo "feed page: $bytes bytes uncompressed; static copy: /feed-copy.html"
  local threads=2 conns=16 secs=15
  wrk -t$threads -c$conns -d3s -H "Cookie: $cookie" "$URL/" >/dev/null # warm-up
  read -r feed_rps feed_p99 feed_bad < <(wrk -t$threads -c$conns -d${secs}s --latency -H "Cookie: $cookie" "$URL/" | wrk_numbers)
  read -r static_rps static_p99 static_bad < <(wrk -t$threads -c$conns -d${secs}s --latency "$URL/feed-copy.html" | wrk_numbers)
  # The floor of server rendering itself: the sign-in page, rendered by Leptos with no database work.
  read -r floor_rps floor_p99 floor_bad < <(wrk -t$threads -c$conns -d${secs}s --latency "$URL/inloggen" | wrk_numbers)
  stop
  echo "wrk -t$threads -c$conns -d${secs}s, no compression asked (both the same way)"
  printf 'feed:   %8.0f requests/s, p99 %6.2f ms, non-2xx %s\n' "$feed_rps" "$feed_p99" "$feed_bad"
  printf 'static: %8.0f requests/s, p99 %6.2f ms, non-2xx %s\n' "$static_rps" "$static_p99" "$static_bad"
  printf 'sign-in page (rendered, no database): %8.0f requests/s, p99 %6.2f ms, non-2xx %s, ratio to static %.2f\n' \
    "$floor_rps" "$floor_p99" "$floor_bad" "$(echo "$floor_rps / $static_rps" | bc -l)"
  local ratio; ratio=$(echo "$feed_rps / $static_rps" | bc -l)
  printf 'ratio feed/static: %.2f (goal ≥ 0.5); feed p99 %.2f ms (goal ≤ 50)\n' "$ratio" "$feed_p99"
  if [ "$(echo "$ratio < 0.5 || $feed_p99 > 50 || $feed_bad > 0" | bc -l)" = 1 ]; then
    echo "LOAD BUDGET MISSED"; failed=1
  fi
}

for part in "${parts[@]}"; do
  case "$part" in size | lighthouse) ;; load) ;; *) echo "unknown part: $part" >&2; exit 2 ;; esac
done
if [[ " ${parts[*]} " == *" size "* || " ${parts[*]} " == *" lighthouse "* ]]; then run_demo_parts; fi
if [[ " ${parts[*]} " == *" load "* ]]; then run_load; fi
exit $failed
