#!/usr/bin/env bash
# Benchmark, not a test: Kring's photo pipeline against `vipsthumbnail` (Debian libvips-tools) on the
# same 12 MP photos, into the same three sizes (longest side 2048, 1080 and 400 px) as JPEG quality 82
# without metadata. Prints both commands, both times, the ratio, and Kring's peak memory for one photo.
# Usage: scripts/bench-photos.sh [number of photos, default 6]
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$KRING_ROOT"
count="${1:-6}"

apt_install libvips-tools ffmpeg time bc

say "building kring (release)"
cargo build --release -p server --bin kring
kring="$KRING_ROOT/target/release/kring"

work="$(mktemp -d /tmp/kring-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/in" "$work/kring" "$work/vips"
say "making $count photos of 4000×3000 (12 MP) with camera-like noise"
for i in $(seq 1 "$count"); do
  ffmpeg -nostdin -loglevel error -y -f lavfi \
    -i "testsrc2=size=4000x3000:rate=1,noise=alls=$((12 + i)):allf=t+u" \
    -frames:v 1 -q:v 2 "$work/in/photo$i.jpg"
done
du -sh "$work/in" | awk '{ print "input: " $1 }'

now() { date +%s.%N; }

run_kring() { "$kring" process-photos --out "$work/kring" "$work"/in/*.jpg >/dev/null; }
run_vips() {
  for f in "$work"/in/*.jpg; do
    for size in 2048 1080 400; do
      vipsthumbnail "$f" -s "${size}x${size}" -o "$work/vips/%s-$size.jpg[Q=82,strip]"
    done
  done
}

# One warm-up each (file cache), then the measured run.
run_kring; run_vips
start=$(now); run_kring; kring_s=$(echo "$(now) - $start" | bc)
start=$(now); run_vips; vips_s=$(echo "$(now) - $start" | bc)

peak=$( { /usr/bin/time -f "%M" "$kring" process-photos --out "$work/kring" "$work/in/photo1.jpg" >/dev/null; } 2>&1 | tail -1)

echo "kring command: kring process-photos --out DIR photo*.jpg   (decode, EXIF orientation, sRGB, 2048/1080/400, JPEG q82)"
echo "vips command:  vipsthumbnail photo.jpg -s SxS -o out.jpg[Q=82,strip]   for S in 2048 1080 400"
printf 'kring: %.2f s for %d photos (%.0f ms per photo)\n' "$kring_s" "$count" "$(echo "$kring_s * 1000 / $count" | bc -l)"
printf 'vips:  %.2f s for %d photos (%.0f ms per photo)\n' "$vips_s" "$count" "$(echo "$vips_s * 1000 / $count" | bc -l)"
printf 'ratio kring/vips: %.2f (goal <= 1.5)\n' "$(echo "$kring_s / $vips_s" | bc -l)"
printf 'kring peak memory for one 12 MP photo: %d MB\n' "$((peak / 1024))"
du -sh "$work/kring" "$work/vips" | awk '{ print "output " $2 ": " $1 }'
