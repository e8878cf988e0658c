#!/usr/bin/env bash
# The shared corpus gate: runs ../shared/corpus/compare.sh over every file with
# `tonghop dump` and judges the result per family (the manifest's format):
#  - xlsx/xlsm, and the files of other formats that must be rejected: at least 97% pass;
#  - .xls (every BIFF version, encrypted and damaged ones included): at least 95% pass;
#  - .ods: at least 95% pass;
#  - every failure must be listed in tests/corpus-exceptions.tsv with its reason (a listed
#    failure is allowed but does not count as a pass in the figures);
#  - a crash or a hang is never allowed, whatever the file.
# Prints the figures per family, then "N passed, N failed".
# SPDX-License-Identifier: MIT
set -u
# A sanitizer report must end in a signal, never look like a clean rejection (exit 1).
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-exitcode=134}
export LC_ALL=C # compare.sh cuts messages mid-character: parse bytes, not text
TONGHOP=${1:?usage: tests/corpus.sh TONGHOP}
here=$(cd "$(dirname "$0")" && pwd)
CORPUS=${CORPUS:-$here/../../shared/corpus}
EXC=$here/corpus-exceptions.tsv
if [ ! -x "$CORPUS/compare.sh" ]; then
	echo "corpus: $CORPUS/compare.sh not found (shared/ must sit beside the project)"
	echo "0 passed, 1 failed"
	exit 1
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
"$CORPUS/compare.sh" "$CORPUS" "$TONGHOP" dump > "$out" 2>&1

manifest=$CORPUS/manifest.tsv
pass=0 fail=0 allowed=0
declare -A fam_total fam_pass
while IFS= read -r line; do
	case "$line" in PASS*|FAIL*) ;; *) continue ;; esac
	status=${line%% *}
	rest=${line#* }
	kind=$(printf '%s' "$rest" | awk '{print $1}')
	name=$(printf '%s' "$rest" | awk '{print $2}'); name=${name%:}
	format=$(awk -F'\t' -v n="$name" '$1 == n {print $3}' "$manifest")
	case "$format" in
	xlsx*|xlsm*) fam=xlsx ;;
	xls*) fam=xls ;;
	ods*) fam=ods ;;
	*) fam=xlsx ;; # other formats are all must-reject: judged with the xlsx family as before
	esac
	fam_total[$fam]=$(( ${fam_total[$fam]:-0} + 1 ))
	if [ "$status" = PASS ]; then
		pass=$((pass + 1))
		fam_pass[$fam]=$(( ${fam_pass[$fam]:-0} + 1 ))
		continue
	fi
	reason=$(awk -F'\t' -v n="$name" '$1 == n {print $2}' "$EXC" 2>/dev/null)
	if [ "$kind" = crash ] || [ "$kind" = hang ] || [ "$kind" = unclean-exit ]; then
		echo "$line"
		fail=$((fail + 1))
	elif [ -n "$reason" ]; then
		echo "allowed: $name: $reason"
		allowed=$((allowed + 1))
		pass=$((pass + 1))
	else
		echo "$line"
		fail=$((fail + 1))
	fi
done < "$out"
gate() { # family floor label
	local t=${fam_total[$1]:-0} p=${fam_pass[$1]:-0} pct
	if [ "$t" = 0 ]; then
		echo "corpus: no $3 file judged"
		fail=$((fail + 1))
		return
	fi
	pct=$(awk -v a="$p" -v b="$t" 'BEGIN { printf "%.1f", 100 * a / b }')
	echo "corpus: $3: $p of $t pass ($pct%, floor $2%)"
	if awk -v a="$p" -v b="$t" -v f="$2" 'BEGIN { exit !(a * 100 < f * b) }'; then
		echo "corpus: $3 below the $2% floor"
		fail=$((fail + 1))
	fi
}
gate xlsx 97 "xlsx/xlsm and other must-reject files"
gate xls 95 ".xls"
gate ods 95 ".ods"
echo "corpus: $allowed listed exceptions allowed"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
