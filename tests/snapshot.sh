#!/usr/bin/env bash
# A snapshot of every output tonghop makes from the bundled data: the merge (workbook,
# JSON, summary), the templates, and for every bundled return check (text, JSON,
# feedback workbook), read (text, JSON) and dump; the rules, the lint and every --help.
# Writes the outputs under DIR/out and their SHA-256 sums to DIR/snapshot.sha, so that a
# change meant to keep behaviour can be checked byte for byte:
#   make snapshot; cp build/snapshot/snapshot.sha /tmp/before.sha
#   ... change the code ...
#   make snapshot; diff /tmp/before.sha build/snapshot/snapshot.sha   (must be empty)
# Paths are relative to the source tree, so snapshots of two checkouts compare equal.
# Usage: tests/snapshot.sh TONGHOP DIR (DIR inside the source tree, e.g. build/snapshot).
# SPDX-License-Identifier: MIT
set -u
T=$(realpath "${1:?usage: tests/snapshot.sh TONGHOP DIR}")
DIR=${2:?usage: tests/snapshot.sh TONGHOP DIR}
cd "$(dirname "$0")/.." || exit 2
D=$DIR/out
rm -rf "$D"
mkdir -p "$D"
export SOURCE_DATE_EPOCH=1700000000 NO_COLOR=1 LC_ALL=C.UTF-8
unset TONGHOP_SCHEMA TONGHOP_RULES

"$T" merge --period 2023-Q3 -o "$D/merge.xlsx" --json "$D/merge.json" fixtures/demo > "$D/merge.out" 2> "$D/merge.err"
echo $? >> "$D/merge.out"
"$T" template -o "$D/tpl.xlsx" > "$D/tpl.out" 2>&1
"$T" template -o "$D/tpl2.xlsx" --unit 11242 --period 2023-Q3 >> "$D/tpl.out" 2>&1
for f in fixtures/demo/*.xlsx fixtures/returns/*.xlsx; do
	b=$(basename "$f" .xlsx)
	"$T" check "$f" > "$D/check-$b.txt" 2>&1
	echo $? >> "$D/check-$b.txt"
	"$T" check --json "$f" > "$D/checkj-$b.json" 2>&1
	"$T" check --feedback "$D/fb-$b.xlsx" "$f" > /dev/null 2>&1
	"$T" read --json "$f" > "$D/read-$b.json" 2>&1
	"$T" read "$f" > "$D/readt-$b.txt" 2>&1
	"$T" dump "$f" > "$D/dump-$b.txt" 2>&1
done
"$T" rules > "$D/rules.txt" 2>&1
"$T" rules --lint >> "$D/rules.txt" 2>&1
"$T" --help > "$D/help.txt" 2>&1
for c in check merge template read rules dump config; do
	"$T" $c --help >> "$D/help.txt" 2>&1
done
(cd "$D" && sha256sum -- *) > "$DIR/snapshot.sha"
echo "$(wc -l < "$DIR/snapshot.sha") outputs: $DIR/snapshot.sha"
