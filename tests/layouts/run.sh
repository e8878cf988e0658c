#!/usr/bin/env bash
# Returns laid out as they really come (issue #11): reads every case tests/layouts/gen.py
# makes (and the LibreOffice-written ones committed in tests/layouts/lo/) with
# `tonghop read --json`, compares each with the truth its generator wrote beside it
# (tests/check-return.py), merges ten of them for 2023-Q3 and compares the totals with the
# generator's sums (tests/check-merge.py); checks each (check --json) for the required rows
# left blank (tests/layouts/check-fill.py). One line per case: PASS, FAIL, or KNOWN for a
# failure listed in tests/layouts/known-failures.tsv (a listed case that passes now is a
# FAIL: the entry is stale). Then the figures: how many were read right, and how many were
# read WRONG in silence (a number other than the truth with no finding on its cell).
# Usage: tests/layouts/run.sh TONGHOP [GEN_LXW] [--keep DIR]
# Ends with "N passed, N failed, N known".
# SPDX-License-Identifier: MIT
set -u
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-exitcode=134}
T=${1:?usage: tests/layouts/run.sh TONGHOP [GEN_LXW] [--keep DIR]}
shift
LXW=build/gen_lxw
KEEP=
while [ $# -gt 0 ]; do
	case $1 in
	--keep) KEEP=${2:?}; shift 2 ;;
	*) LXW=$1; shift ;;
	esac
done
case $T in /*) ;; *) T=$(pwd)/$T ;; esac
case $LXW in /*) ;; *) LXW=$(pwd)/$LXW ;; esac
cd "$(dirname "$0")/../.." || exit 2
export LC_ALL=C.UTF-8
PY=/usr/bin/python3
KNOWN=tests/layouts/known-failures.tsv
if [ -n "$KEEP" ]; then
	tmp=$KEEP
	rm -rf "$tmp" && mkdir -p "$tmp"
else
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
fi
pass=0 fail=0 known=0 unfilled=0
ok() { pass=$((pass + 1)); echo "PASS $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1: $2"; }

# the reason a case is listed for, or nothing
listed() { awk -F'\t' -v n="$1" '$1 == n { print ($2 == "" ? "-" : $2); exit }' "$KNOWN"; }

# verdict NAME STATUS OUTPUT: the case's line from its check's exit status and output
verdict() {
	local name=$1 st=$2 out=$3 reason
	reason=$(listed "$name")
	if [ "$st" = 0 ] && [ -n "$reason" ]; then
		ko "$name" "listed in known-failures.tsv but passes now: remove the entry"
	elif [ "$st" = 0 ]; then
		ok "$name ($(printf '%s' "$out" | tail -n 1))"
	elif [ -n "$reason" ]; then
		known=$((known + 1))
		echo "KNOWN $name: $reason ($(printf '%s' "$out" | tail -n 1))"
	else
		ko "$name" "$(printf '%s' "$out" | head -n 6 | tr '\n' ';')"
	fi
}

# judge NAME FILE EXPECT: read FILE, compare with EXPECT, keep the figures' verdicts
judge() {
	local name=$1 file=$2 exp=$3 rc out st
	"$T" read --json "$file" > "$tmp/out/$name.json" 2> "$tmp/out/$name.err"
	rc=$?
	if [ "$rc" -gt 5 ]; then
		ko "$name" "tonghop crashed (exit $rc): $(tail -n 3 "$tmp/out/$name.err" | tr '\n' ' ')"
		return
	fi
	out=$($PY tests/check-return.py "$tmp/out/$name.json" "$exp" --exit "$rc" --stats "$tmp/stats/$name.json" 2>&1)
	st=$?
	# completeness (#11): check says exactly the required rows left blank, and counts them
	"$T" check --json "$file" > "$tmp/out/$name.check.json" 2> /dev/null
	NO_COLOR=1 "$T" check "$file" > "$tmp/out/$name.check.txt" 2>&1
	rc=$?
	if [ "$rc" -gt 5 ]; then
		st=1 out="tonghop check crashed (exit $rc)"
	elif ! fill=$($PY tests/layouts/check-fill.py "$tmp/out/$name.check.json" "$tmp/out/$name.check.txt" "$exp" \
		schemas/cchc-haiduong-2023.ini 2>&1); then
		st=1 out="$fill"
	else
		out="$out; $(printf '%s' "$fill" | tail -n 1)"
		unfilled=$((unfilled + ${fill%% unfilled*}))
	fi
	verdict "$name" "$st" "$out"
}

mkdir -p "$tmp/gen" "$tmp/out" "$tmp/stats"
if ! [ -x "$LXW" ]; then
	ko generate "no libxlsxwriter writer at $LXW (make $LXW)"
elif ! $PY tests/layouts/gen.py "$tmp/gen" --lxw "$LXW" > "$tmp/gen.log" 2>&1; then
	ko generate "$(tail -n 5 "$tmp/gen.log" | tr '\n' ';')"
fi

cases=()
for e in "$tmp"/gen/cases/*.expect.tsv "$tmp"/gen/merge-expect/*.expect.tsv tests/layouts/lo/*.expect.tsv; do
	[ -f "$e" ] || continue
	name=$(basename "$e" .expect.tsv)
	dir=$(dirname "$e")
	case $dir in
	*/merge-expect) file=$tmp/gen/merge/${name#merge-}.xlsx ;;
	*) file=$(ls "$dir/$name".xlsx "$dir/$name".ods "$dir/$name".xls 2>/dev/null | head -n 1) ;;
	esac
	if [ -z "$file" ] || [ ! -f "$file" ]; then
		ko "$name" "no workbook beside $e"
		continue
	fi
	cases+=("$name")
	# a committed LibreOffice case must still be what the generator means today
	if [ "$dir" = tests/layouts/lo ] && ! cmp -s "$e" "$tmp/gen/lo-expect/$name.expect.tsv"; then
		ko "$name" "tests/layouts/lo/ is stale: make layouts-lo (needs LibreOffice)"
		continue
	fi
	judge "$name" "$file" "$e"
done
for e in "$tmp"/gen/lo-expect/*.expect.tsv; do
	[ -f "$e" ] || continue
	n=$(basename "$e")
	[ -f "tests/layouts/lo/$n" ] || ko "${n%.expect.tsv}" "not in tests/layouts/lo/: make layouts-lo"
done

# the merge: ten returns of 2023-Q3, totals against the generator's sums
name=merge-2023-Q3
cases+=("$name")
"$T" merge --period 2023-Q3 -o "$tmp/out/merge.xlsx" --json "$tmp/out/merge.json" "$tmp/gen/merge" \
	> "$tmp/out/merge.out" 2> "$tmp/out/merge.err"
rc=$?
if [ "$rc" -gt 5 ] || [ ! -f "$tmp/out/merge.json" ]; then
	ko "$name" "tonghop merge failed (exit $rc): $(tail -n 3 "$tmp/out/merge.err" | tr '\n' ' ')"
else
	out=$($PY tests/check-merge.py "$tmp/out/merge.json" "$tmp/out/merge.xlsx" "$tmp/gen/merge-expected.tsv" 2>&1)
	st=$?
	totals=$(grep -c "^total$(printf '\t')" "$tmp/gen/merge-expected.tsv")
	wrong=$(printf '%s\n' "$out" | grep -c '^total ')
	echo "merge: $((totals - wrong))/$totals totals right"
	verdict "$name" "$st" "$out"
fi

# every entry of known-failures.tsv names a case that exists
while IFS=$'\t' read -r n _; do
	case $n in ''|\#*) continue ;; esac
	printf '%s\n' "${cases[@]}" | grep -qxF "$n" || ko "$n" "listed in known-failures.tsv but there is no such case"
done < "$KNOWN"

# the figures over every case
$PY - "$tmp/stats" <<'PY'
import glob, json, os, sys
t = {"figures": 0, "right": 0, "wrong_said": 0, "wrong_silent": 0, "wrong_place": 0, "lost_said": 0,
     "lost_silent": 0, "state": 0, "others": 0}
by_case = []
for p in sorted(glob.glob(os.path.join(sys.argv[1], "*.json"))):
    s = json.load(open(p, encoding="utf-8"))
    for k in t:
        t[k] += s[k]
    if s["wrong_silent"]:
        by_case.append("%s %d" % (os.path.basename(p)[:-5], s["wrong_silent"]))
n = t["figures"] or 1
print("figures: %d in %d cases; read right %d (%.1f%%); WRONG IN SILENCE %d; wrong but said %d; "
      "right figure from another cell %d; not read, said %d; not read, silent %d; other state %d; "
      "other columns' figures recorded %d"
      % (t["figures"], len(glob.glob(os.path.join(sys.argv[1], "*.json"))), t["right"], 100.0 * t["right"] / n,
         t["wrong_silent"], t["wrong_said"], t["wrong_place"], t["lost_said"], t["lost_silent"], t["state"],
         t["others"]))
if by_case:
    print("wrong in silence, by case: " + ", ".join(by_case))
PY
echo "completeness: $unfilled required rows left blank in the cases, each said by check at its cell"
echo "$pass passed, $fail failed, $known known"
[ "$fail" = 0 ]
