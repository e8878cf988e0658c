#!/usr/bin/env bash
# Benchmark of the XLSX reader (make bench): times `tonghop dump --stats` against the
# expat-only floor on a generated 1,000,000-row workbook, and compares its peak memory
# with a 100,000-row one. Prints figures only; speed is measured, never asserted.
# SPDX-License-Identifier: MIT
#
# Usage: bench/run.sh BUILD_DIR
#   BUILD_DIR holds tonghop, gen_big and floor; the inputs are generated (once, and again
#   whenever gen_big is newer) into BUILD_DIR/bench/, which is not committed.
#
# The Makefile builds the two helpers with:
#   cc -O2 -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror \
#      bench/gen_big.c -o BUILD_DIR/gen_big $(pkg-config --cflags --libs libzip expat)
#   cc -O2 -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Werror \
#      bench/floor.c -o BUILD_DIR/floor $(pkg-config --cflags --libs libzip expat)
# (gen_big needs only libzip; linking expat as well is harmless.)
#
# Exit status: 0 when every command ran, whatever the figures; 1 when one failed; 2 usage.

set -euo pipefail
export LC_ALL=C

BIG_ROWS=1000000
SMALL_ROWS=100000
TIME=/usr/bin/time

if [ $# -ne 1 ]; then
	echo "usage: $0 BUILD_DIR" >&2
	exit 2
fi
B=${1%/}
WORK=$B/bench
BIG=$WORK/big.xlsx
SMALL=$WORK/big100k.xlsx

die() {
	echo "run.sh: $*" >&2
	exit 1
}

[ -x "$TIME" ] || die "$TIME (GNU time) not found"
for prog in tonghop gen_big floor; do
	[ -x "$B/$prog" ] || die "$B/$prog not built"
done
mkdir -p "$WORK"

# gen FILE ROWS: (re)generate FILE when it is missing or older than gen_big.
gen() {
	if [ ! -s "$1" ] || [ "$B/gen_big" -nt "$1" ]; then
		echo "run.sh: generating $1 ($2 rows)" >&2
		"$B/gen_big" "$1.tmp" "$2" || die "gen_big $1 $2 failed"
		mv -f "$1.tmp" "$1"
	fi
}

# measure NAME CMD...: run CMD once, stdout to $WORK/NAME.out; sets SECS and KIB.
measure() {
	local name=$1
	shift
	if ! "$TIME" -f '%e %M' -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
	then
		echo "run.sh: failed: $*" >&2
		cat "$WORK/$name.err" "$WORK/$name.time" >&2 || true
		exit 1
	fi
	read -r SECS KIB <"$WORK/$name.time"
}

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }

gen "$BIG" "$BIG_ROWS"
gen "$SMALL" "$SMALL_ROWS"

# Same warm page cache for every run.
cat "$BIG" "$SMALL" >/dev/null

measure floor "$B/floor" "$BIG"
floor_s=$SECS floor_k=$KIB
cells=$(awk '$1 == "cells" { print $2 }' "$WORK/floor.out")
[ -n "$cells" ] || die "floor printed no cell count"

measure tonghop-1m "$B/tonghop" dump --stats "$BIG"
th_s=$SECS th_k=$KIB

measure tonghop-100k "$B/tonghop" dump --stats "$SMALL"
th100_s=$SECS th100_k=$KIB

size=$(stat -c %s "$BIG")
size_small=$(stat -c %s "$SMALL")

printf 'file %s: %d rows x 10 columns, %s cells, %s MiB (%s bytes)\n' \
	"$BIG" "$BIG_ROWS" "$cells" "$(mib $((size / 1024)))" "$size"
printf '\n%-24s %10s %12s\n' '' 'time (s)' 'peak (MiB)'
printf '%-24s %10s %12s\n' 'floor (zip + expat)' "$floor_s" "$(mib "$floor_k")"
printf '%-24s %10s %12s\n' 'tonghop dump --stats' "$th_s" "$(mib "$th_k")"
printf '%-24s %10s %12s\n' 'ratio tonghop/floor' "$(ratio "$th_s" "$floor_s")" \
	"$(ratio "$th_k" "$floor_k")"
printf '\n%-24s %10s %12s %12s\n' 'tonghop dump --stats' 'time (s)' 'peak (MiB)' 'file (MiB)'
printf '%-24s %10s %12s %12s\n' "$SMALL_ROWS rows" "$th100_s" "$(mib "$th100_k")" \
	"$(mib $((size_small / 1024)))"
printf '%-24s %10s %12s %12s\n' "$BIG_ROWS rows" "$th_s" "$(mib "$th_k")" \
	"$(mib $((size / 1024)))"

# Checking a district's returns: 17 files (the bundled fixture returns, copied round-robin),
# read, located and checked against the shipped ruleset in one run.
RET="$WORK/returns17"
rm -rf "$RET"
mkdir -p "$RET"
k=0
while [ "$k" -lt 17 ]; do
	for f in fixtures/returns/*.xlsx; do
		[ "$k" -lt 17 ] || break
		cp "$f" "$RET/$(printf '%02d' "$k")-$(basename "$f")"
		k=$((k + 1))
	done
done
# check exits 1 when a return has errors (some fixtures do): that is its answer, not a failure
set +e
"$TIME" -f '%e %M' -o "$WORK/check17.time" "$B/tonghop" check --period 2023-Q3 "$RET"/*.xlsx \
	> "$WORK/check17.out" 2> "$WORK/check17.err"
rc=$?
set -e
[ "$rc" -le 1 ] || die "tonghop check failed (exit $rc): $(head -c 300 "$WORK/check17.err")"
read -r c17_s c17_k < <(tail -n 1 "$WORK/check17.time")
printf '\n%-24s %10s %12s\n' 'tonghop check, 17 returns' "$c17_s" "$(mib "$c17_k")"

# The national roster (3,321 units, for the ministry): what loading it costs a command.
ONE=$(ls "$RET"/*.xlsx | head -n 1)
for what in "config" "check"; do
	set +e
	if [ "$what" = config ]; then
		"$TIME" -f '%e %M' -o "$WORK/nat-$what.time" "$B/tonghop" config --period 2026-Q1 \
			--roster schemas/roster-national.ini > /dev/null 2> "$WORK/nat-$what.err"
	else
		"$TIME" -f '%e %M' -o "$WORK/nat-$what.time" "$B/tonghop" check --period 2026-Q1 \
			--roster schemas/roster-national.ini "$ONE" > /dev/null 2> "$WORK/nat-$what.err"
	fi
	rc=$?
	"$TIME" -f '%e %M' -o "$WORK/hp-$what.time" "$B/tonghop" $what --period 2026-Q1 \
		$([ "$what" = check ] && echo "$ONE") > /dev/null 2>&1
	set -e
	[ "$rc" -le 1 ] || die "tonghop $what with the national roster failed (exit $rc)"
	read -r n_s n_k < <(tail -n 1 "$WORK/nat-$what.time")
	read -r h_s h_k < <(tail -n 1 "$WORK/hp-$what.time")
	printf '%-24s %10s %12s   (with the 114-unit roster: %s s)\n' "tonghop $what, 3,321 roster" "$n_s" \
		"$(mib "$n_k")" "$h_s"
done

# A province since 7/2025: 3,321 communes' returns (generated once, not committed) merged in
# one run, with a generated roster of 3,321 units. Peak memory grows with the consolidated
# figures (a column per unit), not with the files read.
PROV="$WORK/province"
NPROV=3321
if [ ! -f "$PROV/roster.ini" ] || [ "$(ls "$PROV/returns" 2>/dev/null | wc -l)" != "$NPROV" ]; then
	echo "run.sh: generating $NPROV returns in $PROV" >&2
	rm -rf "$PROV"
	gen_start=$(date +%s)
	"$B/gen_returns" schemas/cchc-haiduong-2023.ini "$PROV" "$NPROV" || die "gen_returns failed"
	echo "run.sh: generated in $(( $(date +%s) - gen_start )) s" >&2
fi
set +e
"$TIME" -f '%e %M' -o "$WORK/merge.time" "$B/tonghop" merge --period 2023-Q3 --roster "$PROV/roster.ini" \
	-o "$PROV/tong-hop.xlsx" --json "$PROV/tong-hop.json" "$PROV/returns" > "$WORK/merge.out" 2> "$WORK/merge.err"
rc=$?
set -e
[ "$rc" -le 1 ] || die "tonghop merge failed (exit $rc): $(head -c 300 "$WORK/merge.err")"
read -r m_s m_k < <(tail -n 1 "$WORK/merge.time")
printf '%-24s %10s %12s   (%s)\n' "tonghop merge, $NPROV" "$m_s" "$(mib "$m_k")" \
	"$(grep -m1 '^Đã nhận' "$WORK/merge.out")"

# Configuration: a roster of 50,000 units (200,003 lines) loaded with the shipped schema and
# rules; INI loading is linear in the file size (it took 25 s through iniparser's dictionary).
BIGINI="$WORK/roster-200k.ini"
if [ ! -s "$BIGINI" ]; then
	{ printf '[roster]\nname = "Bench"\n\n'
	  awk 'BEGIN { for (i = 0; i < 50000; i++) printf "[%05d]\nname = \"Xã Số %d\"\naliases = \"a%d\"\n\n", i, i, i }'
	} > "$BIGINI"
fi
mkdir -p "$WORK/bigini"
cp schemas/calendar-haiduong.ini "$WORK/bigini/"
sed 's/^roster *=.*/roster = ..\/roster-200k.ini/' schemas/cchc-haiduong-2023.ini > "$WORK/bigini/schema.ini"
measure ini200k "$B/tonghop" rules --schema "$WORK/bigini/schema.ini" --rules rules/cchc-haiduong-2023.ini
printf '%-24s %10s %12s   (%s lines)\n' "config, 200k-line roster" "$SECS" "$(mib "$KIB")" "$(wc -l < "$BIGINI")"
