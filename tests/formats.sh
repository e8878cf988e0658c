#!/usr/bin/env bash
# End to end over the other formats: returns saved as .xls and .ods by LibreOffice
# (fixtures/formats, made by fixtures/formats/make-formats.sh from bundled .xlsx) must read
# as their .xlsx do (`read --json`: unit, period, window, report date, every value with its
# kind, state, text and cell; TCVN3 text by its font), check as they do, whatever their
# name says; a merge of a folder mixing .xlsx, .xls and .ods gives the totals and unit
# statuses of the all-.xlsx folder.
# Usage: tests/formats.sh TONGHOP. Ends with "N passed, N failed".
# SPDX-License-Identifier: MIT
set -u
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-exitcode=134}
T=${1:?usage: tests/formats.sh TONGHOP}
cd "$(dirname "$0")/.." || exit 2
export LC_ALL=C.UTF-8
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1: $2"; }

# same_json A B KEYS...: the JSON documents agree on KEYS (a diff of the first difference)
same_json() {
	/usr/bin/python3 - "$@" <<'EOF'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for k in sys.argv[3:]:
    if a.get(k) != b.get(k):
        va, vb = a.get(k), b.get(k)
        if isinstance(va, dict) and isinstance(vb, dict):
            for sub in sorted(set(va) | set(vb)):
                if va.get(sub) != vb.get(sub):
                    print("%s.%s: %s | %s" % (k, sub, json.dumps(va.get(sub))[:300], json.dumps(vb.get(sub))[:300]))
                    sys.exit(1)
        print("%s: %s | %s" % (k, json.dumps(va)[:300], json.dumps(vb)[:300]))
        sys.exit(1)
if not a.get("values") and "values" in sys.argv[3:]:
    print("no values read")
    sys.exit(1)
EOF
}

source_of() { # the .xlsx a fixture was made from
	local n=${1##*/}
	n=${n%.*}
	if [ -f "fixtures/demo/$n.xlsx" ]; then echo "fixtures/demo/$n.xlsx"; else echo "fixtures/returns/$n.xlsx"; fi
}

n=0
for f in fixtures/formats/*.xls fixtures/formats/*.ods; do
	src=$(source_of "$f")
	name=formats-read-${f##*/}
	n=$((n + 1))
	"$T" read --json "$src" > "$tmp/a.json" 2> /dev/null
	"$T" read --json "$f" > "$tmp/b.json" 2> "$tmp/err"
	rc=$?
	if [ "$rc" -gt 1 ]; then
		ko "$name" "exit $rc: $(head -c 300 "$tmp/err")"
	elif d=$(same_json "$tmp/a.json" "$tmp/b.json" unit period window report_date values); then
		ok "$name"
	else
		ko "$name" "differs from $src: $d"
	fi
done
[ "$n" -ge 10 ] && ok "formats-fixtures-present ($n)" || ko "formats-fixtures-present" "$n fixtures"

# check: the same findings (the file name aside)
strip_files() { /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for f in d.get("findings", []): f.pop("file", None)
print(json.dumps(d.get("findings"), sort_keys=True, ensure_ascii=False))' "$1"; }
"$T" check --json fixtures/returns/hongphong-mixed.xlsx > "$tmp/a.json" 2> /dev/null
for f in fixtures/formats/hongphong-mixed.xls fixtures/formats/hongphong-mixed.ods; do
	"$T" check --json "$f" > "$tmp/b.json" 2> /dev/null
	if [ "$(strip_files "$tmp/a.json")" = "$(strip_files "$tmp/b.json")" ] &&
		[ "$(strip_files "$tmp/a.json")" != "[]" ]; then
		ok "formats-check-${f##*/}"
	else
		ko "formats-check-${f##*/}" "findings differ from the .xlsx's"
	fi
done

# the content decides, not the name
cp fixtures/formats/lamson-tcvn3.xls "$tmp/lamson.xlsx"
cp fixtures/formats/lamson-tcvn3.ods "$tmp/lamson.xls"
"$T" read --json fixtures/returns/lamson-tcvn3.xlsx > "$tmp/a.json" 2> /dev/null
for f in "$tmp/lamson.xlsx" "$tmp/lamson.xls"; do
	"$T" read --json "$f" > "$tmp/b.json" 2> /dev/null
	if d=$(same_json "$tmp/a.json" "$tmp/b.json" unit period values); then
		ok "formats-misnamed-${f##*/}"
	else
		ko "formats-misnamed-${f##*/}" "$d"
	fi
done

# a merge of a folder mixing the three formats: the totals of the all-.xlsx folder
mkdir "$tmp/x" "$tmp/mix"
cp fixtures/demo/11131-chiminh.xlsx fixtures/demo/11239-thanhmien.xlsx fixtures/demo/11242-thanhtung.xlsx "$tmp/x/"
cp fixtures/demo/11131-chiminh.xlsx fixtures/formats/11239-thanhmien.xls fixtures/formats/11242-thanhtung.ods "$tmp/mix/"
"$T" merge --period 2023-Q3 -o "$tmp/x.xlsx" --json "$tmp/x.json" "$tmp/x" > /dev/null 2>&1
rx=$?
"$T" merge --period 2023-Q3 -o "$tmp/mix.xlsx" --json "$tmp/mix.json" "$tmp/mix" > /dev/null 2> "$tmp/err"
rm=$?
units() { /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(sorted((u["code"], u["status"], u.get("errors"), u.get("warnings")) for u in d["units"]))
print(sorted(f["status"] for f in d["files"]))' "$1"; }
if [ "$rx" = "$rm" ] && d=$(same_json "$tmp/x.json" "$tmp/mix.json" totals incomplete period window) &&
	[ "$(units "$tmp/x.json")" = "$(units "$tmp/mix.json")" ]; then
	ok "formats-merge-mixed (exit $rm)"
else
	ko "formats-merge-mixed" "exit $rx vs $rm; ${d:-unit statuses differ}; $(head -c 200 "$tmp/err")"
fi
/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
used = [f["path"] for f in d["files"] if f["status"] == "used"]
sys.exit(0 if sum(p.endswith((".xls", ".ods")) for p in used) == 2 else 1)' "$tmp/mix.json" &&
	ok "formats-merge-uses-xls-and-ods" || ko "formats-merge-uses-xls-and-ods" "the .xls and .ods were not both used"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
