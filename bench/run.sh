#!/usr/bin/env bash
# Speed figures (make bench), each against the expat floor measured in the same run: the
# XLSX reader on a generated 1,000,000-row workbook (`tonghop dump --stats` against
# `floor`: inflate + expat over its sheet), the reader on the returns a merge reads
# (`read_all` against `floor --all`: one full expat pass over every XML part of the same
# files), the merge of generated returns (mostly clean: Hải Phòng's 114 with its roster,
# 1,000 and 3,321 with the national roster; and 3,321 error-heavy ones), `check` of one
# return, and configuration loading. Prints figures only; speed is measured, never asserted.
# Each figure is the best (least CPU) of BENCH_REPS runs (default 3): the CPU time (user +
# sys), the wall-clock time and the peak memory (RSS) of that run. The machine's load is
# printed first: on a busy machine the wall-clock times say little, the CPU times more.
# SPDX-License-Identifier: MIT
#
# Usage: bench/run.sh BUILD_DIR
#   BUILD_DIR holds tonghop, gen_big, gen_returns, read_all and floor (make bench builds
#   them); the inputs are generated once into BUILD_DIR/bench/ (not committed), again
#   whenever their generator (gen_big, bench/gen_returns.c) is newer.
#
# Exit status: 0 when every command ran, whatever the figures; 1 when one failed; 2 usage.

set -euo pipefail
export LC_ALL=C

BIG_ROWS=1000000
SMALL_ROWS=100000
NATIONAL=3321
PERIOD=2026-Q1
REPS=${BENCH_REPS:-3}
TIME=/usr/bin/time

if [ $# -ne 1 ]; then
	echo "usage: $0 BUILD_DIR" >&2
	exit 2
fi
B=${1%/}
WORK=$B/bench
BIG=$WORK/big.xlsx
SMALL=$WORK/big100k.xlsx
SCHEMA=schemas/cchc-haiduong-2023.ini
RULES=rules/cchc-haiduong-2023.ini
ROSTER=schemas/roster-national.ini

die() {
	echo "run.sh: $*" >&2
	exit 1
}

[ -x "$TIME" ] || die "$TIME (GNU time) not found"
for prog in tonghop gen_big gen_returns read_all floor; do
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

# gen_set DIR [--clean RULES]: every unit's return of the national roster for $PERIOD, once.
gen_set() {
	local dir=$1
	shift
	if [ ! -d "$dir/returns" ] || [ "$(ls "$dir/returns" | wc -l)" != "$NATIONAL" ] ||
	   [ bench/gen_returns.c -nt "$dir/returns" ]; then
		echo "run.sh: generating $NATIONAL returns in $dir" >&2
		rm -rf "$dir"
		"$B/gen_returns" "$@" --roster "$ROSTER" --period "$PERIOD" \
			--calendar schemas/calendar-national.ini "$SCHEMA" "$dir" 0 || die "gen_returns failed"
	fi
}

# subset DIR N: DIR/firstN, hard links to the first N returns of DIR/returns (by name).
# Hard links, not symbolic ones: a merge does not follow a link met in a folder.
subset() {
	local d="$1/first$2" names
	rm -rf "$d"
	mkdir -p "$d"
	# not `ls | head`: head leaving early may kill ls by SIGPIPE, which pipefail reports
	mapfile -t names < <(ls "$1/returns")
	(cd "$1/returns" && ln -- "${names[@]:0:$2}" "../first$2/")
}

# province DIR: DIR/haiphong, hard links to the returns of the units of Hải Phòng's roster.
province() {
	local d="$1/haiphong" c
	rm -rf "$d"
	mkdir -p "$d"
	for c in $(grep -o '^\[[0-9]*\]' schemas/roster-haiphong.ini | tr -d '[]'); do
		if [ -f "$1/returns/$c.xlsx" ]; then ln "$1/returns/$c.xlsx" "$d/$c.xlsx"; fi
	done
}

# measure NAME OKRC CMD...: run CMD $REPS times (stdout to $WORK/NAME.out; exit status up
# to OKRC is an answer, not a failure); sets CPU, WALL and KIB of the run with least CPU.
measure() {
	local name=$1 okrc=$2 rc c
	shift 2
	CPU= WALL= KIB=
	for ((k = 0; k < REPS; k++)); do
		set +e
		"$TIME" -f '%e %U %S %M' -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
		rc=$?
		set -e
		if [ "$rc" -gt "$okrc" ]; then
			echo "run.sh: failed (exit $rc): $*" >&2
			head -c 600 "$WORK/$name.err" >&2 || true
			exit 1
		fi
		read -r w u s m < <(tail -n 1 "$WORK/$name.time")
		c=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
		if [ -z "$CPU" ] || awk -v a="$c" -v b="$CPU" 'BEGIN { exit !(a < b) }'; then
			CPU=$c WALL=$w KIB=$m
		fi
	done
}

# measure_each NAME OKRC N CMD...: as measure, but each run runs CMD N times in a row and the
# figures are per command (a start-up of a few ms is below GNU time's 10 ms resolution).
measure_each() {
	local name=$1 okrc=$2 n=$3
	shift 3
	measure "$name" 0 bash -c 'n=$1 ok=$2; shift 2; for ((i = 0; i < n; i++)); do
		"$@" > /dev/null; rc=$?; [ "$rc" -le "$ok" ] || exit "$rc"; done' _ "$n" "$okrc" "$@"
	CPU=$(awk -v c="$CPU" -v n="$n" 'BEGIN { printf "%.4f", c / n }')
	WALL=$(awk -v c="$WALL" -v n="$n" 'BEGIN { printf "%.4f", c / n }')
}

mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
ms() { awk -v s="$1" 'BEGIN { printf "%.1f", s * 1000 }'; }

# row LABEL: one line of figures from the last measure, with its ratios to FCPU/FWALL.
row() {
	printf '%-34s %8s %8s %9s %7s %7s\n' "$1" "$CPU" "$WALL" "$(mib "$KIB")" \
		"$(ratio "$CPU" "$FCPU")" "$(ratio "$WALL" "$FWALL")"
}

head_row() {
	printf '\n%-34s %8s %8s %9s %7s %7s\n' "$1" 'CPU s' 'wall s' 'peak MiB' 'CPU/fl' 'wall/fl'
}

echo "tonghop bench, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), best of $REPS runs"

# ---- the reader on one big sheet ----
gen "$BIG" "$BIG_ROWS"
gen "$SMALL" "$SMALL_ROWS"
cat "$BIG" "$SMALL" >/dev/null # the same warm page cache for every run
measure floor 0 "$B/floor" "$BIG"
FCPU=$CPU FWALL=$WALL
cells=$(awk '$1 == "cells" { print $2 }' "$WORK/floor.out")
[ -n "$cells" ] || die "floor printed no cell count"
printf '\nfile %s: %d rows x 10 columns, %s cells, %s MiB\n' "$BIG" "$BIG_ROWS" "$cells" \
	"$(mib $(($(stat -c %s "$BIG") / 1024)))"
head_row 'one sheet'
row 'floor (inflate + expat)'
measure dump1m 0 "$B/tonghop" dump --stats "$BIG"
row 'tonghop dump --stats, 1,000,000 rows'
measure dump100k 0 "$B/tonghop" dump --stats "$SMALL"
row 'tonghop dump --stats, 100,000 rows'

# ---- the returns ----
CLEAN=$WORK/national-clean
ERRS=$WORK/national-errors
gen_set "$CLEAN" --clean "$RULES"
gen_set "$ERRS"
subset "$CLEAN" 1000
province "$CLEAN"
cat "$CLEAN"/returns/* "$ERRS"/returns/* >/dev/null

# merge_set LABEL NAME SRC [ROSTER-OPTION...]: the floor and the reader over the returns in
# folder SRC, and their merge (with the roster the options name, else the period's own).
merge_set() {
	local label=$1 name=$2 src=$3 n
	shift 3
	n=$(ls "$src" | wc -l)
	measure "floor-$name" 0 "$B/floor" --all "$src"/*.xlsx
	FCPU=$CPU FWALL=$WALL
	head_row "$label, $n returns"
	row 'floor (inflate + expat, all parts)'
	measure "read-$name" 0 "$B/read_all" "$src"/*.xlsx
	row 'reader (read_all)'
	measure "merge-$name" 1 "$B/tonghop" merge --period "$PERIOD" "$@" \
		-o "$WORK/merge-$name.xlsx" --json "$WORK/merge-$name.json" "$src"
	row 'tonghop merge (xlsx + json)'
	echo "  $(grep -a -m1 '^Đã nhận' "$WORK/merge-$name.out"); $(grep -a -m1 '^Lỗi:' "$WORK/merge-$name.out")"
}

echo
echo "Returns generated by gen_returns for $PERIOD, one per unit of $ROSTER (mostly clean:"
echo "one in seven with a fault; error-heavy: figures drawn at random). Hải Phòng's merged with"
echo "its own roster (114 units), the others with the national one (a column per unit, 3,321"
echo "whatever the number of returns)."
merge_set 'mostly clean, Hải Phòng' haiphong "$CLEAN/haiphong"
merge_set 'mostly clean, national' 1000 "$CLEAN/first1000" --roster "$ROSTER"
merge_set 'mostly clean, national' clean "$CLEAN/returns" --roster "$ROSTER"
merge_set 'error-heavy, national' errors "$ERRS/returns" --roster "$ROSTER"

# ---- one return ----
# A Hải Phòng unit's return, checked as its province checks it (the configuration the
# period selects: schema, rules, the 114-unit roster, the calendar) and with the national
# roster; start-up, configuration and the check, per run.
ONES=("$CLEAN"/haiphong/*.xlsx)
ONE=${ONES[0]}
head_row "check of one return ($(basename "$ONE"))"
FCPU=0 FWALL=0
measure_each start1 0 40 "$B/tonghop" --version
printf '%-34s %6s ms %6s ms %9s\n' 'tonghop --version (start-up)' "$(ms "$CPU")" "$(ms "$WALL")" "$(mib "$KIB")"
measure_each check1 1 40 "$B/tonghop" check --period "$PERIOD" "$ONE"
printf '%-34s %6s ms %6s ms %9s\n' 'tonghop check, province roster' "$(ms "$CPU")" "$(ms "$WALL")" "$(mib "$KIB")"
measure_each check1n 1 20 "$B/tonghop" check --period "$PERIOD" --roster "$ROSTER" "$ONE"
printf '%-34s %6s ms %6s ms %9s\n' 'tonghop check, national roster' "$(ms "$CPU")" "$(ms "$WALL")" "$(mib "$KIB")"
measure_each config1 0 20 "$B/tonghop" config --period "$PERIOD" --roster "$ROSTER"
printf '%-34s %6s ms %6s ms %9s\n' 'tonghop config, national roster' "$(ms "$CPU")" "$(ms "$WALL")" "$(mib "$KIB")"

# ---- configuration ----
# A roster of 50,000 units (200,003 lines) loaded with the shipped schema and rules; INI
# loading is linear in the file size (it took 25 s through iniparser's dictionary).
BIGINI="$WORK/roster-200k.ini"
if [ ! -s "$BIGINI" ]; then
	{ printf '[roster]\nname = "Bench"\n\n'
	  awk 'BEGIN { for (i = 0; i < 50000; i++) printf "[%05d]\nname = \"Xã Số %d\"\naliases = \"a%d\"\n\n", i, i, i }'
	} > "$BIGINI"
fi
mkdir -p "$WORK/bigini"
cp schemas/calendar-*.ini "$WORK/bigini/"
sed 's/^roster *=.*/roster = ..\/roster-200k.ini/' "$SCHEMA" > "$WORK/bigini/schema.ini"
measure ini200k 0 "$B/tonghop" rules --schema "$WORK/bigini/schema.ini" --rules "$RULES"
printf '%-34s %6s ms %6s ms %9s   (%s lines)\n' 'config, 200k-line roster' "$(ms "$CPU")" "$(ms "$WALL")" \
	"$(mib "$KIB")" "$(wc -l < "$BIGINI")"
