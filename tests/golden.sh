#!/usr/bin/env bash
# Golden checks of the bundled fixtures:
#  1. fixtures/*.xlsx are what fixtures/make_fixtures.c makes today, byte for byte;
#  2. `tonghop dump` of each fixture matches tests/golden/expected/NAME.expected, which
#     was written by the corpus's reference reader (shared/corpus/tools/refdump.py,
#     openpyxl), not by tonghop; when Debian's python3-openpyxl is present the reference
#     dump is also made again live, so the expected files cannot go stale.
# Usage: tests/golden.sh TONGHOP MAKE_FIXTURES. Ends with "N passed, N failed".
# SPDX-License-Identifier: MIT
set -u
# A sanitizer report must end in a signal, never look like a clean rejection (exit 1).
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-exitcode=134}
T=${1:?usage: tests/golden.sh TONGHOP MAKE_FIXTURES}
MF=${2:?usage: tests/golden.sh TONGHOP MAKE_FIXTURES}
cd "$(dirname "$0")/.." || exit 2
export LC_ALL=C.UTF-8
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1: $2"; }

mkdir -p "$tmp/gen" "$tmp/corpus/files" "$tmp/corpus/expected"
if "$MF" "$tmp/gen"; then
	for f in fixtures/*.xlsx fixtures/*.tsv fixtures/returns/* fixtures/demo/*; do
		[ -f "$f" ] || continue
		n=${f#fixtures/}
		if cmp -s "$f" "$tmp/gen/$n"; then ok "fixture-up-to-date $n"
		else ko "fixture-up-to-date $n" "differs from what make_fixtures makes (run 'make fixtures')"; fi
	done
else
	ko make-fixtures "make_fixtures failed"
fi

refdump=../shared/corpus/tools/refdump.py
for f in fixtures/*.xlsx; do
	n=$(basename "$f")
	exp=tests/golden/expected/$n.expected
	[ -f "$exp" ] || { ko "golden-dump $n" "no $exp"; continue; }
	if /usr/bin/python3 -c 'import openpyxl' 2>/dev/null && [ -f "$refdump" ]; then
		if /usr/bin/python3 "$refdump" "$f" > "$tmp/ref" 2>/dev/null && cmp -s "$tmp/ref" "$exp"; then
			ok "golden-reference-live $n"
		else
			ko "golden-reference-live $n" "the reference reader no longer gives $exp"
		fi
	fi
	ln -s "$(pwd)/$f" "$tmp/corpus/files/$n"
	cp "$exp" "$tmp/corpus/expected/"
done
# returns: what `tonghop read` understands = what the generator meant (its .expect.tsv)
for f in fixtures/returns/*.xlsx; do
	[ -f "$f" ] || continue
	n=$(basename "$f" .xlsx)
	if ! "$T" read --json "$f" > "$tmp/$n.json" 2> "$tmp/$n.err"; then
		ko "read $n" "exit $? ($(head -c 300 "$tmp/$n.err"))"
	elif out=$(/usr/bin/python3 tests/check-return.py "$tmp/$n.json" "fixtures/returns/$n.expect.tsv"); then
		ok "read $n ($(printf '%s' "$out" | tail -n 1))"
	else
		ko "read $n" "$(printf '%s' "$out" | head -n 8 | tr '\n' ';')"
	fi
done
# compare.sh's rules (numbers within 1e-9, dates on the ISO field)
if ../shared/corpus/compare.sh "$tmp/corpus" "$T" dump > "$tmp/cmp" 2>&1; then
	ok "golden-dump ($(tail -n 1 "$tmp/cmp"))"
else
	ko "golden-dump" "$(grep FAIL "$tmp/cmp" | head -3)"
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
