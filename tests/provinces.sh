#!/usr/bin/env bash
# The consolidation layouts of the province era (issue 16): Hải Phòng's 114 returns give
# "Tổng hợp" grouped by type and form sheets with the total first, frozen in view; past
# TH_WRITE_WIDE_UNITS (200) units the form sheets are a row per unit, grouped by province
# under subtotal rows, the national total on top, checked by a second reader
# (tests/check-wide.py: every formula = its cached value, SUM totals = the units' cells =
# the returns' own figures) and rendered by LibreOffice; and the ministry's 3,321 returns
# merged by the optimised build (the sanitized one would take minutes), opened by openpyxl
# and converted by LibreOffice (its first pages only: the whole workbook is thousands).
# Usage: tests/provinces.sh TONGHOP GEN_RETURNS TONGHOP_FAST. Ends with "N passed, N failed".
# SPDX-License-Identifier: MIT
set -u
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-exitcode=134}
T=${1:?usage: tests/provinces.sh TONGHOP GEN_RETURNS TONGHOP_FAST}
G=${2:?usage: tests/provinces.sh TONGHOP GEN_RETURNS TONGHOP_FAST}
F=${3:?usage: tests/provinces.sh TONGHOP GEN_RETURNS TONGHOP_FAST}
for v in T G F; do case ${!v} in /*) ;; *) eval "$v=\$PWD/\${!v}" ;; esac; done
cd "$(dirname "$0")/.." || exit 2
export LC_ALL=C.UTF-8
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1: $2"; }
PY=/usr/bin/python3
lo="-env:UserInstallation=file://$tmp/lo-profile"
SCHEMA=schemas/cchc-haiduong-2023.ini
CAL=schemas/calendar-national.ini
gen() { "$G" --roster "$1" --period 2026-Q1 --calendar "$CAL" "$SCHEMA" "$2" 0 > /dev/null 2>&1; }

# ---- prov-001: Hải Phòng, 114 units: "Tổng hợp" grouped by type (each heading counts its
# units and those received, each unit under its own type), the form sheets' total first
# (column D, headed "Tổng"), frozen with the labels, a column per unit after it
gen schemas/roster-haiphong.ini "$tmp/hp"
rm -f "$tmp/hp/returns/$(ls "$tmp/hp/returns" | sed -n 50p)"
"$T" merge --period 2026-Q1 -o "$tmp/hp.xlsx" --json "$tmp/hp.json" "$tmp/hp/returns" > /dev/null 2> "$tmp/err"
rc=$?
if [ "$rc" -le 1 ] && out=$($PY - "$tmp/hp.xlsx" "$tmp/hp.json" schemas/roster-haiphong.ini <<'PY'
import json, re, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
res = json.load(open(sys.argv[2], encoding="utf-8"))
# the types as the roster file gives them (a 'type' key, else the name's first word)
types, code = {}, None
for line in open(sys.argv[3], encoding="utf-8"):
    m = re.match(r"\[(\d{5})\]", line)
    if m:
        code = m.group(1)
    m = re.match(r'\s*(type|name)\s*=\s*"?([^"\n]*?)"?\s*$', line)
    if m and code and (m.group(1) == "type" or code not in types):
        t = m.group(2).lower()
        types[code] = t if m.group(1) == "type" else ("đặc khu" if t.startswith("đặc khu") else t.split()[0])
ws = wb["Tổng hợp"]
heads, cur, placed = [], None, 0
for r in ws.iter_rows(min_row=9, values_only=True):
    if isinstance(r[0], str) and ": " in r[0] and "đơn vị, đã nhận" in r[0]:
        cur = r[0].split(":")[0].lower()
        n, got = map(int, re.findall(r"(\d+) đơn vị, đã nhận (\d+)", r[0])[0])
        heads.append((cur, n, got))
    elif isinstance(r[0], int) and r[1] in types:
        assert types[r[1]] == cur, (r[1], types[r[1]], cur)
        placed += 1
status = {u["code"]: u["status"] for u in res["units"]}
for t, n, got in heads:
    assert n == sum(1 for c in types if types[c] == t), (t, n)
    assert got == sum(1 for c in types if types[c] == t and status[c] == "received"), (t, got)
assert sorted(h[0] for h in heads) == sorted(set(types.values())) and len(heads) == 3, heads
assert placed == 114 == len(types), placed
# each table prints with its header on every page: the units on "Tổng hợp", the files given
# on a sheet of their own
assert ws.print_title_rows == "$9:$9" and ws["A9"].value == "STT", (ws.print_title_rows, ws["A9"].value)
fl = wb["Tệp đã nhận"]
assert fl.print_title_rows == "$5:$5" and fl["A5"].value == "STT", (fl.print_title_rows, fl["A5"].value)
listed = [r[4] for r in fl.iter_rows(min_row=6, values_only=True) if isinstance(r[0], int)]
assert sorted(listed) == sorted(f["path"] for f in res["files"]), (len(listed), len(res["files"]))
for name in [n for n in wb.sheetnames[1:] if n not in ("Lỗi", "Tệp đã nhận", "tonghop")]:
    f = wb[name]
    assert f["D5"].value == "Tổng" and f.freeze_panes == "E7", (name, f["D5"].value, f.freeze_panes)
    assert f.print_title_cols == "$A:$D", (name, f.print_title_cols)
    assert [f.cell(6, 5 + i).value for i in range(114)] == [u["code"] for u in res["units"]], name
    sums = [c for c in f["D"] if isinstance(c.value, str) and c.value.startswith("=SUM(")]
    assert sums and all(c.value == "=SUM(E%d:DN%d)" % (c.row, c.row) for c in sums), (name, sums[0].value)
print("%d groups" % len(heads))
PY
); then
	ok "prov-001-haiphong-grouped-by-type-total-first ($out)"
else
	ko "prov-001-haiphong-grouped-by-type-total-first" "exit $rc ${out:-} $(head -c 300 "$tmp/err")"
fi

# A roster of the first provinces of the national one, n units or more.
cut_roster() {
	$PY - "$1" "$2" ${4:-} > "$3" <<'PY'
import re, sys
src = open("schemas/roster-national.ini", encoding="utf-8").read()
parts = re.split(r"(?m)^(?=\[)", src)
head = next(p for p in parts if p.startswith("[roster]")).replace('"Cả nước"', '"' + sys.argv[2] + '"')
units = [p for p in parts if re.match(r"\[\d{5}\]", p)]
keep, last = [], None
for p in units:
    prov = re.search(r'province *= *"([^"]*)"', p).group(1)
    if len(keep) >= int(sys.argv[1]) and (prov != last or sys.argv[3:] == ["exact"]):
        break
    keep.append(p)
    last = prov
sys.stdout.write(head + "".join(keep))
PY
}
first_units() { sed -n 's/^\[\([0-9]\{5\}\)\]$/\1/p' "$1" | head -n "$2"; }

# ---- prov-002: the threshold: 200 units keep a column per unit, 201 turn to a row per unit
cut_roster 300 "Ba tỉnh thử" "$tmp/r3.ini"
cut_roster 200 "Thử" "$tmp/r200.ini" exact
cut_roster 201 "Thử" "$tmp/r201.ini" exact
mkdir -p "$tmp/few"
gen "$tmp/r3.ini" "$tmp/r3"
for c in $(first_units "$tmp/r3.ini" 3); do cp "$tmp/r3/returns/$c.xlsx" "$tmp/few/"; done
"$T" merge --period 2026-Q1 --roster "$tmp/r200.ini" -o "$tmp/w200.xlsx" "$tmp/few" > /dev/null 2>&1
rc1=$?
"$T" merge --period 2026-Q1 --roster "$tmp/r201.ini" -o "$tmp/w201.xlsx" "$tmp/few" > /dev/null 2>&1
rc2=$?
if [ "$rc1" -le 1 ] && [ "$rc2" -le 1 ] && $PY - "$tmp/w200.xlsx" "$tmp/w201.xlsx" <<'PY'
import sys, openpyxl
a, b = openpyxl.load_workbook(sys.argv[1], read_only=True), openpyxl.load_workbook(sys.argv[2], read_only=True)
ra = list(a["BM1"].iter_rows(min_row=5, max_row=5, values_only=True))[0]
rb = list(b["BM1"].iter_rows(min_row=5, max_row=5, values_only=True))[0]
assert ra[:5] == ("STT", "Chỉ tiêu", "Đơn vị tính", "Tổng", ra[4]) and len(ra) == 204, (ra[:5], len(ra))
assert rb[:3] == ("STT", "Mã", "Đơn vị") and str(rb[3]).startswith("1. "), rb[:4]
assert b["BM1"].max_row > 201 and a["BM1"].max_row < 60, (a["BM1"].max_row, b["BM1"].max_row)
PY
then ok "prov-002-threshold-200-columns-201-rows"; else ko "prov-002-threshold-200-columns-201-rows" "exit $rc1 $rc2"; fi

# ---- prov-003: the wide layout under the sanitizers: three provinces (306 units, one
# return missing), checked by a second reader against the returns, and rendered (its first
# 60 pages: "Tổng hợp" takes most of them): a form
# page is landscape, its header and the roster's total on top, the footer on every page
rm -f "$tmp/r3/returns/$(first_units "$tmp/r3.ini" 1).xlsx"
"$T" merge --period 2026-Q1 --roster "$tmp/r3.ini" -o "$tmp/r3.xlsx" --json "$tmp/r3.json" "$tmp/r3/returns" > /dev/null 2> "$tmp/err"
rc=$?
if [ "$rc" -le 1 ] && out=$($PY tests/check-wide.py "$tmp/r3.xlsx" "$tmp/r3.json" "$tmp/r3.ini" all "$tmp"/r3/returns/*.xlsx); then
	ok "prov-003-wide-layout-second-reader ($(printf '%s' "$out" | tail -n 1))"
else
	ko "prov-003-wide-layout-second-reader" "exit $rc $(printf '%s' "${out:-}" | head -n 5 | tr '\n' ';') $(head -c 300 "$tmp/err")"
fi
(cd "$tmp" && timeout 300 soffice "$lo" --headless --convert-to 'pdf:calc_pdf_Export:{"PageRange":{"type":"string","value":"1-60"}}' \
	--outdir "$tmp/pdf" r3.xlsx > /dev/null 2>&1)
if [ -s "$tmp/pdf/r3.pdf" ] && out=$(
	for i in $(seq 1 60); do
		pdftotext -f "$i" -l "$i" -layout "$tmp/pdf/r3.pdf" - 2> /dev/null | grep -q "mỗi đơn vị một dòng" || continue
		pdfinfo -f "$i" -l "$i" "$tmp/pdf/r3.pdf" | grep -q "size: *841.89 x 595.3" || { echo "page $i not landscape"; exit 1; }
		pdftotext -f "$i" -l "$i" -layout "$tmp/pdf/r3.pdf" - > "$tmp/page.txt"
		grep -q "Ba tỉnh thử" "$tmp/page.txt" && grep -q "Thành phố Hà Nội" "$tmp/page.txt" &&
			grep -q "STT *Mã *Đơn vị" "$tmp/page.txt" && grep -q "Trang $i/" "$tmp/page.txt" &&
			grep -q "Biểu mẫu 1" "$tmp/page.txt" || { echo "page $i lacks its titles or footer"; exit 1; }
		echo "form page $i"
		exit 0
	done
	echo "no form page in the first 60"
	exit 1
); then
	ok "prov-004-wide-layout-renders ($out)"
else
	ko "prov-004-wide-layout-renders" "${out:-no PDF}"
fi

# ---- prov-005: the ministry: 3,321 returns, every one used (seven units' names hold a dash,
# "Phường Văn Miếu - Quốc Tử Giám": read whole), merged by the optimised build; openpyxl reads it
# (BM1 and BM7 checked against every return), LibreOffice converts it, page 1 is the summary
gen schemas/roster-national.ini "$tmp/nat"
"$F" merge --period 2026-Q1 --roster schemas/roster-national.ini -o "$tmp/nat.xlsx" --json "$tmp/nat.json" \
	"$tmp/nat/returns" > /dev/null 2> "$tmp/err"
rc=$?
if [ "$rc" -le 1 ] && $PY -c 'import json,sys; d=json.load(open(sys.argv[1])); assert sum(u["status"] == "received" for u in d["units"]) == 3321' "$tmp/nat.json" &&
	out=$($PY tests/check-wide.py "$tmp/nat.xlsx" "$tmp/nat.json" schemas/roster-national.ini BM1,BM7 "$tmp"/nat/returns/*.xlsx); then
	ok "prov-005-national-3321-opens-in-openpyxl ($(printf '%s' "$out" | tail -n 1))"
else
	ko "prov-005-national-3321-opens-in-openpyxl" "exit $rc $(printf '%s' "${out:-}" | head -n 5 | tr '\n' ';')"
fi
(cd "$tmp" && timeout 600 soffice "$lo" --headless --convert-to 'pdf:calc_pdf_Export:{"PageRange":{"type":"string","value":"1"}}' \
	--outdir "$tmp/pdf" nat.xlsx > /dev/null 2>&1)
got=$($PY -c 'import json,sys; d=json.load(open(sys.argv[1])); print(sum(u["status"] == "received" for u in d["units"]))' "$tmp/nat.json" 2> /dev/null)
if [ -s "$tmp/pdf/nat.pdf" ] && pdftotext -layout "$tmp/pdf/nat.pdf" "$tmp/nat.txt" &&
	grep -q "TỔNG HỢP BÁO CÁO CẢI CÁCH HÀNH CHÍNH" "$tmp/nat.txt" && grep -q "Đã nhận $got/3321 đơn vị" "$tmp/nat.txt" &&
	grep -q "Thành phố Hà Nội: 126 đơn vị" "$tmp/nat.txt" && grep -q "Trang 1/[0-9]" "$tmp/nat.txt" &&
	pdfinfo "$tmp/pdf/nat.pdf" | grep -q "Page size: *\(595.3[0-9]* x 841.89\|841.89 x 595.3[0-9]*\)"; then
	ok "prov-006-national-3321-libreoffice-page-1 ($(grep -o "Trang 1/[0-9]*" "$tmp/nat.txt" | head -n 1))"
else
	ko "prov-006-national-3321-libreoffice-page-1" "$(head -n 12 "$tmp/nat.txt" 2> /dev/null | tr -s ' ' | tr '\n' ';')"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
