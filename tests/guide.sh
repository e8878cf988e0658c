#!/usr/bin/env bash
# Every example in HUONG-DAN.md runs as a test. In the guide, a ```console block holds
# commands ("$ tonghop ...") each followed by lines of what it prints; here each command
# runs (tonghop being the binary under test, from the project root, in a scratch copy of
# out/) and every line shown under it must appear in what it printed (stdout + stderr),
# "…" standing for any text. Usage: tests/guide.sh TONGHOP [GUIDE]. Ends with
# "N passed, N failed".
# SPDX-License-Identifier: MIT
set -u
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-exitcode=134}
T=$(cd "$(dirname "${1:?usage: tests/guide.sh TONGHOP [GUIDE]}")" && pwd)/$(basename "$1")
cd "$(dirname "$0")/.." || exit 2
GUIDE=${2:-HUONG-DAN.md}
mkdir -p out # the guide's examples write there (out/ is not committed)
export LC_ALL=C.UTF-8 NO_COLOR=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/bin"
ln -s "$T" "$tmp/bin/tonghop"
pass=0 fail=0 n=0

# Split the guide into examples: tmp/ex.N.cmd and tmp/ex.N.want
awk -v dir="$tmp" '
/^```console/ { inb = 1; next }
/^```/ && inb { inb = 0; next }
inb && /^\$ / { n++; f = dir "/ex." n; print substr($0, 3) > (f ".cmd"); printf "" > (f ".want"); next }
inb && n && NF { print > (dir "/ex." n ".want") }
' "$GUIDE"

# in the guide's order (ex.10 after ex.9): a later example may use what an earlier one wrote
total=$(ls "$tmp" | grep -c '^ex\.[0-9]*\.cmd$')
for i in $(seq 1 "$total"); do
	cmd=$tmp/ex.$i.cmd
	[ -f "$cmd" ] || continue
	n=$((n + 1))
	base=${cmd%.cmd}
	line=$(cat "$cmd")
	(PATH="$tmp/bin:$PATH" bash -c "$line") > "$base.out" 2>&1 < /dev/null
	rc=$?
	if [ "$rc" -gt 128 ]; then
		fail=$((fail + 1)); echo "FAIL guide: \$ $line: crashed (exit $rc)"; continue
	fi
	missing=""
	while IFS= read -r want; do
		# "…" in the guide stands for text that varies; match the pieces around it in order
		pat=$(printf '%s' "$want" | sed 's/[][\.*^$/]/\\&/g; s/…/.*/g')
		grep -q -- "$pat" "$base.out" || missing="$missing [$want]"
	done < "$base.want"
	if [ -z "$missing" ]; then
		pass=$((pass + 1)); echo "PASS guide: \$ $line"
	else
		fail=$((fail + 1)); echo "FAIL guide: \$ $line: not printed:$missing"
		sed 's/^/    | /' "$base.out" | head -n 15
	fi
done
[ "$n" -gt 0 ] || { echo "guide: no example found in $GUIDE"; fail=$((fail + 1)); }
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
