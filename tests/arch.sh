#!/usr/bin/env bash
# The house rules of src/ (tests/arch.py): layers include only downwards, private headers
# stay in their folder, no include cycle, library code neither prints nor exits, no
# function over 100 lines without a reason. Checks the tree, then plants one violation of
# each kind in a copy of it and checks that each is caught (and that a comment or a
# string mentioning printf is not); the README's module table must name every file.
# Usage: tests/arch.sh. Ends with "N passed, N failed".
# SPDX-License-Identifier: MIT
set -u
cd "$(dirname "$0")/.." || exit 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1: $2"; }

if out=$(/usr/bin/python3 -S tests/arch.py src 2>&1); then
	ok "arch-001-tree"
else
	ko "arch-001-tree" "$(printf '%s' "$out" | head -n 20)"
fi

# planted NAME KIND FILE TEXT: append TEXT to FILE in a fresh copy of src; the checker
# must fail with a KIND problem naming FILE ("-" for KIND: it must pass).
planted() {
	local name=$1 kind=$2 file=$3 text=$4 out rc
	rm -rf "$tmp/src"
	cp -r src "$tmp/src"
	printf '%s\n' "$text" >> "$tmp/src/$file"
	out=$(/usr/bin/python3 -S tests/arch.py "$tmp/src" 2>&1)
	rc=$?
	if [ "$kind" = - ]; then
		[ "$rc" = 0 ] && ok "$name" || ko "$name" "flagged: $(printf '%s' "$out" | head -n 3)"
	elif [ "$rc" = 1 ] && printf '%s\n' "$out" | grep -q "^$kind ${file#*/src/}"; then
		ok "$name"
	else
		ko "$name" "exit $rc, no '$kind $file' problem: $(printf '%s' "$out" | head -n 3)"
	fi
}

planted arch-002-upward-include layers model/finding.h '#include "check/rules.h"'
planted arch-003-include-without-layer layers merge/merge.c '#include "sbuf.h"'
planted arch-004-private-header private cli/main.c '#include "write/wb.h"'
planted arch-005-printf prints merge/merge_json.c 'static void bad(void) { printf("x\n"); }'
planted arch-006-stderr prints read/grid.c 'static void bad(void) { fprintf(stderr, "x\n"); }'
planted arch-007-exit prints check/check.c 'static void bad(void) { exit(1); }'
planted arch-008-puts prints write/wb.c 'static void bad(void) { puts("x"); }'
planted arch-009-abort prints model/filing.c 'static void bad(void) { abort(); }'
planted arch-010-in-comment-or-string - merge/merge.c '/* printf("x"); exit(1); */ static const char *bad = "puts(stderr)";'
planted arch-011-cli-prints - cli/cmd_dump.c 'static void fine(void) { printf("x\n"); }'
long=$(printf 'static int bad(void)\n{\n\tint n = 0;\n'; for i in $(seq 1 110); do printf '\tn += %d;\n' "$i"; done; printf '\treturn n;\n}\n')
planted arch-012-long-function length base/err.c "$long"
planted arch-013-long-with-reason - base/err.c "/* long because it is a test of the checker */
$long"

# a cycle needs two headers: plant the second half after the first
rm -rf "$tmp/src"
cp -r src "$tmp/src"
printf '#include "base/sbuf.h"\n' >> "$tmp/src/base/mem.h"
printf '#include "base/mem.h"\n' >> "$tmp/src/base/sbuf.h"
if /usr/bin/python3 -S tests/arch.py "$tmp/src" 2>&1 | grep -q "^cycles base/.*include cycle"; then
	ok "arch-014-include-cycle"
else
	ko "arch-014-include-cycle" "not caught"
fi

# the README's module table and the tree, one to one
rm -rf "$tmp/src" "$tmp/README.md"
cp -r src "$tmp/src"
cp README.md "$tmp/README.md"
printf '/* x */\n' > "$tmp/src/merge/extra.c"
sed -i '/^  lint\.c /d' "$tmp/README.md"
out=$(/usr/bin/python3 -S tests/arch.py "$tmp/src" 2>&1)
if printf '%s\n' "$out" | grep -q "^readme merge/extra.c:1: not in the module table" &&
	printf '%s\n' "$out" | grep -q "^readme check/lint.c:1: not in the module table"; then
	ok "arch-015-readme-table"
else
	ko "arch-015-readme-table" "$(printf '%s' "$out" | head -n 3)"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
