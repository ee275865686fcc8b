#!/usr/bin/env bash
# Benchmark, not a test: bringing a school into Kring with `kring import`, on SQLite and on
# PostgreSQL (a throw-away local cluster), on a release build.
#  1. a school of 1,000 pupils in 40 groups with 1,600 guardians (a CSV as a LAS exports it):
#     preview (goal ≤ 5 s) and apply (goal ≤ 30 s; the apply run also reads and plans the file)
#  2. the same file again: nothing to change (how long a re-import takes)
#  3. a file of 10,000 rows: how long its preview takes (no goal; the suite never reads such a file)
# KRING_BENCH_DATABASES="sqlite" limits it to one database; KRING_BENCH_NO_BUILD=1 uses the kring
# already built in $CARGO_TARGET_DIR or target/.
# Exits non-zero when a goal is missed.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$KRING_ROOT"

apt_install postgresql python3
say "building kring (release)"
[ -n "${KRING_BENCH_NO_BUILD:-}" ] || cargo build --release -p server --bin kring
kring="${CARGO_TARGET_DIR:-$KRING_ROOT/target}/release/kring"

work="$(mktemp -d /tmp/kring-bench-import.XXXXXX)"
pg_dir=""
cleanup() {
  [ -n "$pg_dir" ] && scripts/pg-temp.sh stop "$pg_dir"
  rm -rf "$work"
}
trap cleanup EXIT

# A LAS export: semicolons, the stable header, every second pupil with two guardians (600 of
# 1,000 have a second one: 1,600 addresses), groups "Groep 1a" … "Groep 8e".
make_file() {
  python3 - "$1" "$2" <<'PY'
import sys
path, pupils = sys.argv[1], int(sys.argv[2])
cols = "leerlingnummer;roepnaam;tussenvoegsel;achternaam;groep;verzorger1_naam;verzorger1_email;verzorger1_telefoon;verzorger2_naam;verzorger2_email;verzorger2_telefoon;geboortedatum"
firsts = ["Sanne", "Daan", "Zoë", "Mees", "Elif", "Noah", "Tess", "Finn", "Lotte", "Sem"]
lasts = [("van der", "Berg"), ("", "Jansen"), ("de", "Vries"), ("", "Çelik"), ("van", "Dijk"), ("", "Bakker")]
with open(path, "w", encoding="utf-8") as f:
    f.write(cols + "\n")
    for i in range(pupils):
        prefix, last = lasts[i % len(lasts)]
        group = f"Groep {i % 8 + 1}{'abcde'[(i // 8) % 5]}"
        second = i % 5 < 3
        g2 = f"Ouder B{i};ouder.b{i}@voorbeeld.nl;06{i:08d}" if second else ";;"
        f.write(f"{100000 + i};{firsts[i % len(firsts)]};{prefix};{last};{group};Ouder A{i};ouder.a{i}@voorbeeld.nl;06{i:08d};{g2};2016-0{i % 9 + 1}-1{i % 9}\n")
PY
}

timed() { local start end; start=$(date +%s.%N); "$@" >"$work/out" 2>&1 || { cat "$work/out"; exit 1; }; end=$(date +%s.%N); echo "$end - $start" | bc -l; }

make_file "$work/school.csv" 1000
make_file "$work/big.csv" 10000
failed=0
for backend in ${KRING_BENCH_DATABASES:-sqlite postgres}; do
  data="$work/data-$backend"
  mkdir -p "$data"
  if [ "$backend" = postgres ]; then
    pg_dir="$(mktemp -d /tmp/kring-bench-pg.XXXXXX)"
    export KRING_DATABASE_URL; KRING_DATABASE_URL="$(scripts/pg-temp.sh start "$pg_dir")"
  else
    unset KRING_DATABASE_URL
  fi
  export KRING_DATA_DIR="$data" KRING_LOG=warn
  "$kring" seed-demo >/dev/null
  school="OBS De Regenboog"
  preview=$(timed "$kring" import --school "$school" "$work/school.csv")
  summary="$(tail -1 "$work/out")"
  apply=$(timed "$kring" import --school "$school" "$work/school.csv" --apply)
  invitations=$(grep -c '^invite guardian' "$work/out" || true)
  again=$(timed "$kring" import --school "$school" "$work/school.csv" --apply)
  again_summary="$(tail -2 "$work/out" | head -1)"
  big=$(timed "$kring" import --school "CBS Het Kompas" "$work/big.csv")
  big_summary="$(tail -1 "$work/out")"
  if [ "$backend" = postgres ]; then scripts/pg-temp.sh stop "$pg_dir"; pg_dir=""; unset KRING_DATABASE_URL; fi
  printf '%s preview, 1,000 pupils and 1,600 guardians: %6.2f s (goal <= 5)   %s\n' "$backend" "$preview" "$summary"
  printf '%s apply (read, plan, write), same file:      %6.2f s (goal <= 30)  %s invitations\n' "$backend" "$apply" "$invitations"
  printf '%s the same file again:                       %6.2f s              %s\n' "$backend" "$again" "$again_summary"
  printf '%s preview of 10,000 rows:                    %6.2f s              %s\n' "$backend" "$big" "$big_summary"
  if [ "$(echo "$preview > 5 || $apply > 30" | bc -l)" = 1 ]; then
    echo "$backend: IMPORT GOAL MISSED"; failed=1
  fi
done
exit $failed
