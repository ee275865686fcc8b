#!/usr/bin/env bash
# Benchmark, not a test: Kring's photo pipeline against `vipsthumbnail` (Debian libvips-tools) on the
# same 12 MP photos, into the same three sizes (longest side 2048, 1080 and 400 px) as JPEG quality 82
# without metadata. Two kinds of photo, both made offline with ffmpeg (no camera photo is at hand):
#  - camera: a smooth scene like a phone's (sky gradient, a detailed subject, textured grass), softened
#    like a lens and with mild sensor noise;
#  - noise:  ffmpeg's test pattern under heavy noise, the hardest case for JPEG.
# Per kind and size it prints the mean bytes per photo and the mean SSIM of both: ffmpeg's `ssim` filter
# ("All", both sides as full-range YCbCr 4:4:4, so chroma subsampling counts) against a lossless Lanczos
# downscale of the same source to the same size.
# Goal per size: Kring's bytes ≤ vips's and Kring's SSIM ≥ vips's. Then both times, their ratio,
# and Kring's peak memory for one photo. Exits non-zero when a goal is missed.
# Usage: scripts/bench-photos.sh [number of photos per kind, default 6]
#        (KRING_BENCH_NO_BUILD=1 uses the kring already built in $CARGO_TARGET_DIR or target/)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$KRING_ROOT"
count="${1:-6}"

apt_install libvips-tools ffmpeg time bc nasm

say "building kring (release)"
[ -n "${KRING_BENCH_NO_BUILD:-}" ] || cargo build --release -p server --bin kring
kring="${CARGO_TARGET_DIR:-$KRING_ROOT/target}/release/kring"

work="$(mktemp -d /tmp/kring-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT

# A phone-like scene: each photo gets another part of the fractal and other grass.
camera_photo() {
  local i="$1" out="$2" x y
  x=$(echo "-0.7453 + $i * 0.0011" | bc -l)
  y=$(echo "0.1127 + $i * 0.0007" | bc -l)
  ffmpeg -nostdin -loglevel error -y -filter_complex "\
gradients=s=4000x3000:c0=0x3a6ea5:c1=0xcfe3f0:x0=0:y0=0:x1=0:y1=1500:n=2:seed=$i,format=rgb24[sky];\
mandelbrot=s=1000x300:maxiter=200:start_x=$x:start_y=$y:start_scale=0.012:outer=normalized_iteration_count,\
scale=4000x1200:flags=bicubic,format=rgb24[subject];\
color=c=0x557a35:s=1000x200,format=yuv444p,noise=c0s=60:c0f=u:all_seed=$i,scale=4000x800:flags=bicubic,format=rgb24[grass];\
[sky][subject]overlay=0:1000[top];[top][grass]overlay=0:2200,gblur=sigma=1,noise=alls=4:allf=t,format=yuvj420p" \
    -frames:v 1 -q:v 2 "$out"
}
noise_photo() {
  ffmpeg -nostdin -loglevel error -y -f lavfi \
    -i "testsrc2=size=4000x3000:rate=1,noise=alls=$((12 + $1)):allf=t+u" \
    -frames:v 1 -q:v 2 "$2"
}

now() { date +%s.%N; }
mean() { awk '{ s += $1; n++ } END { printf "%.6f\n", s / n }'; }
dims() { ffprobe -v error -select_streams v:0 -show_entries stream=width,height -of csv=p=0:s=x "$1"; }
# SSIM of a JPEG against a reference PNG of the same size. Both are brought to one explicit format:
# left to itself, the filter would compare each JPEG in its own chroma subsampling.
ssim() {
  local to="scale=flags=accurate_rnd+full_chroma_int,format=yuvj444p"
  ffmpeg -nostdin -hide_banner -i "$1" -i "$2" -lavfi "[0:v]$to[a];[1:v]$to[b];[a][b]ssim" \
    -f null - 2>&1 | sed -n 's/.* All:\([0-9.]*\).*/\1/p'
}

sizes=(2048 1080 400)
variants=(full feed thumb)
missed=0
kring_total=0
vips_total=0

bench_kind() {
  local kind="$1" dir="$work/$1"
  mkdir -p "$dir/in" "$dir/kring" "$dir/vips" "$dir/ref"
  say "making $count $kind photos of 4000×3000 (12 MP)"
  for i in $(seq 1 "$count"); do "${kind}_photo" "$i" "$dir/in/photo$i.jpg"; done
  du -sh "$dir/in" | awk -v k="$kind" '{ print k " input: " $1 }'

  run_kring() { "$kring" process-photos --out "$dir/kring" "$dir"/in/*.jpg >/dev/null; }
  run_vips() {
    local f size
    for f in "$dir"/in/*.jpg; do
      for size in "${sizes[@]}"; do
        vipsthumbnail "$f" -s "${size}x${size}" -o "$dir/vips/%s-$size.jpg[Q=82,strip]"
      done
    done
  }
  # One warm-up each (file cache), then the measured run.
  run_kring; run_vips
  local start kring_s vips_s
  start=$(now); run_kring; kring_s=$(echo "$(now) - $start" | bc)
  start=$(now); run_vips; vips_s=$(echo "$(now) - $start" | bc)
  kring_total=$(echo "$kring_total + $kring_s" | bc)
  vips_total=$(echo "$vips_total + $vips_s" | bc)

  say "measuring SSIM of the $kind photos"
  local i s f k v size dim
  for i in $(seq 1 "$count"); do
    for s in 0 1 2; do
      size=${sizes[$s]}
      k="$dir/kring/photo$i-${variants[$s]}.jpg"
      v="$dir/vips/photo$i-$size.jpg"
      for f in "$k" "$v"; do
        dim=$(dims "$f")
        [ -f "$dir/ref/photo$i-$dim.png" ] || ffmpeg -nostdin -loglevel error -y -i "$dir/in/photo$i.jpg" \
          -vf "scale=${dim/x/:}:flags=lanczos+accurate_rnd+full_chroma_int" -pix_fmt rgb24 "$dir/ref/photo$i-$dim.png"
        echo "$(stat -c %s "$f") $(ssim "$f" "$dir/ref/photo$i-$dim.png")" >>"$dir/$(basename "$(dirname "$f")")-$size.txt"
      done
    done
  done

  echo
  echo "$kind photos ($count of 12 MP), mean per photo:"
  printf '  %5s  %11s  %11s  %6s  %10s  %10s  %s\n' size "kring bytes" "vips bytes" ratio "kring SSIM" "vips SSIM" goal
  local kb vb ks vs verdict
  for size in "${sizes[@]}"; do
    kb=$(awk '{ print $1 }' "$dir/kring-$size.txt" | mean)
    vb=$(awk '{ print $1 }' "$dir/vips-$size.txt" | mean)
    ks=$(awk '{ print $2 }' "$dir/kring-$size.txt" | mean)
    vs=$(awk '{ print $2 }' "$dir/vips-$size.txt" | mean)
    verdict="ok"
    if [ "$(echo "$kb > $vb || $ks < $vs" | bc -l)" = 1 ]; then verdict="MISSED"; missed=1; fi
    printf '  %5s  %11.0f  %11.0f  %6.3f  %10.5f  %10.5f  %s\n' "$size" "$kb" "$vb" "$(echo "$kb / $vb" | bc -l)" "$ks" "$vs" "$verdict"
  done
  printf '  time: kring %.2f s, vips %.2f s for %d photos; ratio kring/vips %.2f\n' \
    "$kring_s" "$vips_s" "$count" "$(echo "$kring_s / $vips_s" | bc -l)"
}

bench_kind camera
bench_kind noise

peak=$( { /usr/bin/time -f "%M" "$kring" process-photos --out "$work/camera/kring" "$work/camera/in/photo1.jpg" >/dev/null; } 2>&1 | tail -1)

echo
echo "kring command: kring process-photos --out DIR photo*.jpg   (decode, EXIF orientation, sRGB, 2048/1080/400, progressive JPEG, luma q82; app/src/media/jpeg.rs)"
echo "vips command:  vipsthumbnail photo.jpg -s SxS -o out.jpg[Q=82,strip]   for S in 2048 1080 400"
echo "goal per size: kring bytes <= vips bytes and kring SSIM >= vips SSIM"
printf 'time, both kinds: kring %.2f s, vips %.2f s; ratio kring/vips %.2f (goal <= 1.5)\n' \
  "$kring_total" "$vips_total" "$(echo "$kring_total / $vips_total" | bc -l)"
printf 'kring peak memory for one 12 MP photo: %d MB\n' "$((peak / 1024))"
if [ "$missed" = 1 ]; then echo "PHOTO GOAL MISSED"; fi
exit "$missed"
