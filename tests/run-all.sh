#!/usr/bin/env bash
# Runs every test suite of tonghop against the sanitizer build in BUILD_DIR (make test):
# unit tests (cmocka), end-to-end CLI cases, the fixtures' golden dumps, merge, units,
# provinces (the consolidation layouts of a province and of the nation, 3,321 units),
# upward (province workbooks merged by the ministry),
# outputs (no-return merges, concurrent writers, full disk, killed runs, the template's
# formulas recalculated by LibreOffice and its print setup),
# .xls/.ods end to end (tests/formats.sh) and the user guide's examples, the hostile
# inputs, the portal under attack and faults (tests/harden.sh), install and the manual, the Debian package (when make test built one), the house rules of src/, the shared corpus, the fuzz
# corpus replay, the returns laid out as they really come (tests/layouts: its known
# failures are listed, not counted) and the portal in headless Chromium; --quick (make
# quicktest) leaves out the two corpora (the shared one and tests/layouts), provinces and the
# browser. Each suite ends with its own "N passed, N failed" line; this script adds them
# up and ends with the total line. Exit status 0 only when nothing failed.
# SPDX-License-Identifier: MIT
set -u
QUICK=0
if [ "${1:-}" = --quick ]; then
	QUICK=1
	shift
fi
BUILD=${1:?usage: tests/run-all.sh [--quick] BUILD_DIR}
cd "$(dirname "$0")/.." || exit 2
export LC_ALL=C.UTF-8
# A sanitizer report must look like a crash (a signal), never like a clean rejection.
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:allocator_may_return_null=0
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1
export LSAN_OPTIONS=exitcode=134
export TONGHOP="$BUILD/tonghop"

total_pass=0
total_fail=0
summary=()

# run_suite NAME COMMAND...: run, show its output, take its last "N passed, N failed" line.
run_suite() {
	local name=$1; shift
	local out rc line p f
	echo "==== $name"
	out=$("$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -v '^PASS ' | tail -n 40
	line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
	if [ -z "$line" ]; then
		p=0; f=1
		echo "$name: no result line (exit $rc)"
	else
		p=${line%% passed*}
		f=${line#*, }; f=${f%% failed*}
		if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
			f=1
			echo "$name: exit $rc although no failure was counted"
		fi
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	summary+=("$(printf '%-12s %5d passed, %d failed' "$name" "$p" "$f")")
}

# cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s)"; turn that into our line.
cmocka_suite() {
	local bin=$1 out rc p f
	out=$("$bin" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -E '^\[  (FAILED|ERROR) ' -A3
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	p=${p:-0}; f=${f:-0}
	[ "$rc" != 0 ] && [ "$f" = 0 ] && f=1 && printf '%s\n' "$out" | tail -n 20
	echo "$p passed, $f failed"
	[ "$f" = 0 ]
}

unit_all() {
	local tp=0 tf=0 line
	for t in "$BUILD"/test_*; do
		[ -x "$t" ] || continue
		line=$(cmocka_suite "$t" | tee /dev/stderr | tail -n 1)
		tp=$((tp + ${line%% passed*}))
		line=${line#*, }; tf=$((tf + ${line%% failed*}))
		echo "$(basename "$t"): ${tp} passed so far"
	done
	echo "$tp passed, $tf failed"
	[ "$tf" = 0 ]
}

run_suite unit unit_all
run_suite e2e tests/e2e.sh "$TONGHOP"
run_suite golden tests/golden.sh "$TONGHOP" build/make_fixtures
run_suite merge tests/merge.sh "$TONGHOP"
run_suite units tests/units.sh "$TONGHOP" build/gen_returns
run_suite upward tests/upward.sh "$TONGHOP" build/gen_returns
run_suite outputs tests/outputs.sh "$TONGHOP" build/gen_returns
[ "$QUICK" = 1 ] || run_suite provinces tests/provinces.sh "$TONGHOP" build/gen_returns build/tonghop
run_suite formats tests/formats.sh "$TONGHOP"
run_suite feedback tests/feedback.sh "$TONGHOP"
run_suite guide tests/guide.sh "$TONGHOP"
run_suite hostile tests/hostile/run.sh "$TONGHOP"
run_suite install tests/install.sh "$TONGHOP"
# the portal under attack and faults (a real server on 127.0.0.1)
run_suite harden tests/harden.sh "$TONGHOP"
# the Debian package make test built (TONGHOP_DEB), installed in temporary roots
[ -n "${TONGHOP_DEB:-}" ] && run_suite deb tests/deb.sh "$TONGHOP_DEB" build/tonghop
run_suite arch tests/arch.sh
[ "$QUICK" = 1 ] || run_suite corpus tests/corpus.sh "$TONGHOP"
run_suite fuzz-replay "$BUILD/fuzz_replay" tests/fuzz/corpus
[ "$QUICK" = 1 ] || run_suite layouts tests/layouts/run.sh "$TONGHOP" build/gen_lxw
[ "$QUICK" = 1 ] || run_suite browser tests/browser/run.sh "$TONGHOP"

echo "==== summary"
printf '%s\n' "${summary[@]}"
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ]
