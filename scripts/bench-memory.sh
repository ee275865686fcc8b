#!/usr/bin/env bash
# Benchmark, not a test: the memory of the release server (resident set, VmRSS of the process).
#  1. idle:   after start, a sign-in and one feed page, then 5 s without requests (goal ≤ 40 MB)
#  2. peak:   a teacher posts 40 photos of 12 MP the way the browser does (one upload at a time to
#             POST /media, then the create_post server function); the highest resident set from
#             the first upload until every photo is processed and the post is published (VmHWM,
#             exact; a sample every 100 ms gives the timeline) (goal ≤ 300 MB)
#  3. after:  60 s after the post was published (goal < 100 MB)
# The server binary alone is built (no WASM): it starts without the site files, and memory is
# measured on its own pages and routes, not on static files.
# Usage: scripts/bench-memory.sh [number of photos, default 40]
#        (KRING_BENCH_NO_BUILD=1 uses the kring already built in $CARGO_TARGET_DIR or target/)
# Exits non-zero when a goal is missed; the test suite never runs this.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$KRING_ROOT"
count="${1:-40}"
teacher="juf.sanne@regenboog.example"

# exiftool and libgs-common (its Adobe RGB profile) make the photos like a phone's, see below.
apt_install ffmpeg curl python3 nasm libimage-exiftool-perl libgs-common

say "building kring (release)"
[ -n "${KRING_BENCH_NO_BUILD:-}" ] || cargo build --release -p server --bin kring
kring="${CARGO_TARGET_DIR:-$KRING_ROOT/target}/release/kring"

work="$(mktemp -d /tmp/kring-bench-memory.XXXXXX)"
server_pid=""
sampler_pid=""
cleanup() {
  [ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

say "making $count photos of 4000×3000 (12 MP)"
mkdir -p "$work/in"
# Eight different pictures, each used in turn: the decoder's work depends on the pixels, not the file.
for i in $(seq 1 8); do
  ffmpeg -nostdin -loglevel error -y -f lavfi -i "testsrc2=size=4000x3000:rate=1,noise=alls=$((2 + i)):allf=t" \
    -frames:v 1 -q:v 3 "$work/in/pic$i.jpg"
done
# Like a phone's photos: a wide-gamut colour profile (Adobe RGB here, Display P3 on an iPhone), which
# Kring converts to sRGB, and every other one taken upright (EXIF orientation 6), which it turns.
exiftool -q -overwrite_original "-icc_profile<=/usr/share/color/icc/ghostscript/a98.icc" "$work"/in/pic*.jpg
exiftool -q -overwrite_original -Orientation#=6 "$work"/in/pic[1357].jpg
for i in $(seq 1 "$count"); do cp "$work/in/pic$(((i - 1) % 8 + 1)).jpg" "$work/in/photo$i.jpg"; done
du -sh "$work/in" | awk '{ print "photos: " $1 " in all" }'

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
url="http://127.0.0.1:$port"
data="$work/data"
KRING_DATA_DIR="$data" "$kring" seed-demo >/dev/null
mkdir -p "$work/site"
KRING_DATA_DIR="$data" KRING_ADDR="127.0.0.1:$port" KRING_PUBLIC_URL="$url" KRING_SITE_ROOT="$work/site" \
  KRING_LOG=warn "$kring" serve >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do curl -fs "$url/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fs "$url/healthz" >/dev/null || { cat "$work/server.log"; echo "the server did not start" >&2; exit 1; }

rss() { awk -v k="$1:" '$1 == k { print int($2 / 1024) }' "/proc/$server_pid/status"; }
# Requests as the browser makes them: the session cookie, and the Origin of the page.
req() { curl -fsS -b "$work/jar" -c "$work/jar" -H "Origin: $url" "$@"; }

req -o /dev/null --data-urlencode "email=$teacher" --data-urlencode "password=kring-demo" "$url/api/login"
req -o /dev/null "$url/"
sleep 5
idle=$(rss VmRSS)
idle_anon=$(rss RssAnon)
idle_file=$(rss RssFile)

# A sample every 100 ms for the timeline (seconds since the first upload, MB).
(
  start=$(date +%s.%N)
  while kill -0 "$server_pid" 2>/dev/null; do
    echo "$(echo "$(date +%s.%N) - $start" | bc) $(rss VmRSS)"
    sleep 0.1
  done
) >"$work/samples" 2>/dev/null &
sampler_pid=$!

say "uploading $count photos one at a time, as the browser does"
started=$(date +%s.%N)
: >"$work/uids"
for i in $(seq 1 "$count"); do
  req -F "file=@$work/in/photo$i.jpg;type=image/jpeg" "$url/media" |
    python3 -c 'import json,sys; a=json.load(sys.stdin); print(a["uid"] or sys.exit(str(a)))' >>"$work/uids"
done
uploaded=$(date +%s.%N)
group=$(req --data "" "$url/api/compose_options" |
  python3 -c 'import json,sys; print(next(g["id"] for g in json.load(sys.stdin)["groups"] if g["name"] == "Groep 3"))')
form=(--data-urlencode "post[body]=Veertig foto's van de schoolreis" --data-urlencode "post[groups][]=$group")
while read -r uid; do form+=(--data-urlencode "post[media][]=$uid" --data-urlencode "post[no_children][]=$uid"); done <"$work/uids"
post=$(req "${form[@]}" "$url/api/create_post")

say "waiting until every photo is processed (post $post)"
python3 - "$data/kring.db" "$post" <<'EOF'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=30)
while True:
    (status,) = db.execute("SELECT status FROM posts WHERE id = ?", (int(sys.argv[2]),)).fetchone()
    waiting = db.execute("SELECT COUNT(*) FROM media WHERE status IN ('receiving', 'uploaded')").fetchone()[0]
    if status != "processing" and waiting == 0:
        failed = db.execute("SELECT COUNT(*) FROM media WHERE status != 'ready'").fetchone()[0]
        sys.exit(f"{failed} photos were not processed" if failed else 0)
    time.sleep(0.1)
EOF
finished=$(date +%s.%N)
peak=$(rss VmHWM)
say "published; waiting 60 s"
sleep 60
after=$(rss VmRSS)
kill "$sampler_pid" 2>/dev/null; sampler_pid=""

echo
echo "timeline (seconds since the first upload: MB, every 5 s):"
awk '{ t = int($1 / 5) * 5; if (!(t in seen)) { seen[t] = 1; printf "  %4d s: %4d MB\n", t, $2 } }' "$work/samples"
printf 'uploads took %.1f s; all %d photos processed %.1f s after the first upload\n' \
  "$(echo "$uploaded - $started" | bc)" "$count" "$(echo "$finished - $started" | bc)"
printf 'idle:            %4d MB (goal <= 40): %d MB allocated, %d MB mapped from files (code of kring and its libraries)\n' \
  "$idle" "$idle_anon" "$idle_file"
printf 'peak:            %4d MB (goal <= 300), %d photos of 12 MP\n' "$peak" "$count"
printf 'after 60 s:      %4d MB (goal < 100)\n' "$after"
if [ "$idle" -gt 40 ] || [ "$peak" -gt 300 ] || [ "$after" -ge 100 ]; then
  echo "MEMORY GOAL MISSED"
  exit 1
fi
