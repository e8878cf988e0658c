#!/usr/bin/env bash
# End-to-end checks of `tonghop check --feedback`: the feedback is the commune's own file,
# marked. For every bundled return (fixtures/returns, fixtures/demo) and for returns made
# unlike ours (openpyxl with its own styles, comments, merged cells, validation and a sheet
# of its own named "Lỗi"; the same saved by LibreOffice; a value cell missing from the XML
# under a rule that requires it; the LibreOffice-written returns of tests/layouts/lo), a
# second reader (tests/check-feedback.py, openpyxl) compares the feedback with the
# original; `tonghop read --json` gives the same as for the original; the same input gives
# the same bytes; LibreOffice converts every feedback to PDF. A return that is not an
# .xlsx (.xls, .ods) gets the rewritten return, saying so.
# Usage: tests/feedback.sh TONGHOP. Ends with "N passed, N failed".
# SPDX-License-Identifier: MIT
set -u
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-exitcode=134}
T=${1:?usage: tests/feedback.sh TONGHOP}
cd "$(dirname "$0")/.." || exit 2
export LC_ALL=C.UTF-8
PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1: $2"; }

# read --json of two files, the same but for the file's name
same_read() {
	"$T" read --json "$1" > "$tmp/r1.json" 2>/dev/null
	"$T" read --json "$2" > "$tmp/r2.json" 2>/dev/null
	$PY - "$tmp/r1.json" "$tmp/r2.json" <<'PY'
import json, sys
a, b = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:3])
for d in (a, b):
    d.pop("file", None)
assert a == b, [k for k in a if a.get(k) != b.get(k)]
PY
}

# check_one NAME ORIGINAL [RULES]: the feedback of ORIGINAL against it, by openpyxl and read --json
n_fb=0
check_one() {
	local name=$1 orig=$2 rules=${3:-} out rc
	local fb="$tmp/fb/$name.xlsx"
	if [ -n "$rules" ]; then
		"$T" check --rules "$rules" --json "$orig" > "$tmp/c.json" 2>/dev/null
		"$T" check --rules "$rules" --feedback "$fb" "$orig" > "$tmp/out" 2> "$tmp/err"
	else
		"$T" check --json "$orig" > "$tmp/c.json" 2>/dev/null
		"$T" check --feedback "$fb" "$orig" > "$tmp/out" 2> "$tmp/err"
	fi
	rc=$?
	if [ "$rc" -gt 1 ] || [ ! -s "$fb" ]; then
		ko "feedback-$name" "exit $rc $(head -c 300 "$tmp/err")"
		return
	fi
	if grep -q "viết lại theo biểu mẫu" "$tmp/out"; then
		ko "feedback-$name" "rewritten, not marked: $(grep "viết lại" "$tmp/out")"
		return
	fi
	n_fb=$((n_fb + 1))
	if out=$($PY tests/check-feedback.py "$orig" "$fb" "$tmp/c.json" 2>&1); then
		ok "feedback-$name ($(printf '%s' "$out" | tail -n 1))"
	else
		ko "feedback-$name" "$(printf '%s' "$out" | head -n 8 | tr '\n' ';')"
	fi
	if same_read "$orig" "$fb" > "$tmp/sr" 2>&1; then
		ok "feedback-$name-reads-the-same"
	else
		ko "feedback-$name-reads-the-same" "$(tail -n 3 "$tmp/sr" | tr '\n' ';')"
	fi
}

mkdir -p "$tmp/fb" "$tmp/in"

# ---- the bundled returns (a lock file and a damaged file are no return: no feedback)
for f in fixtures/returns/*.xlsx fixtures/demo/*.xlsx; do
	case $(basename "$f") in '~$'*) continue ;; esac
	if ! "$T" read "$f" > /dev/null 2>&1; then
		continue
	fi
	check_one "$(basename "$f" .xlsx)" "$f"
done

# ---- returns unlike ours
if $PY tests/make-unlike.py fixtures/returns/seed002-sheets.xlsx "$tmp/in" 2> "$tmp/err"; then
	check_one openpyxl-styled "$tmp/in/styled.xlsx"
	check_one openpyxl-has-loi "$tmp/in/has-loi.xlsx"
	# the value of BM7 row 4 is missing from the XML, and a rule requires it: the cell is added
	cat > "$tmp/required.ini" <<'INI'
[T1]
title    = "Dòng 4 phải ghi"
check    = [BM7:4] >= 0
missing  = required
severity = error
message  = "Biểu mẫu 7 dòng 4 chưa ghi: {written}"
INI
	check_one openpyxl-missing-cell "$tmp/in/has-loi.xlsx" "$tmp/required.ini"
	if $PY - "$tmp/in/has-loi.xlsx" "$tmp/fb/openpyxl-missing-cell.xlsx" <<'PY'
import sys, zipfile, re
import openpyxl
# the original has no <c> for the cell; the feedback has one, empty, filled and commented
ws = openpyxl.load_workbook(sys.argv[1])["Biểu mẫu 7"]
row = next(r[0].row for r in ws.iter_rows() if str(r[0].value).strip() == "4.")
cell = "D%d" % row
names = {n: p for n, p in zip(openpyxl.load_workbook(sys.argv[1]).sheetnames, range(1, 100))}
z = zipfile.ZipFile(sys.argv[1])
part = "xl/worksheets/sheet%d.xml" % names["Biểu mẫu 7"]
assert not re.search(r'<c r="%s"' % cell, z.read(part).decode()), "the original has the cell"
c = openpyxl.load_workbook(sys.argv[2])["Biểu mẫu 7"][cell]
assert c.value is None and c.fill.fgColor.rgb == "FFFFC7CE" and "T1" in c.comment.text, (c.value, c.fill.fgColor.rgb)
PY
	then ok "feedback-missing-cell-added"; else ko "feedback-missing-cell-added" "see above"; fi
	if timeout 180 soffice --headless --convert-to xlsx:"Calc MS Excel 2007 XML" --outdir "$tmp/lo" "$tmp/in/styled.xlsx" > /dev/null 2>&1 &&
		[ -s "$tmp/lo/styled.xlsx" ]; then
		check_one libreoffice-saved "$tmp/lo/styled.xlsx"
	else
		ko "feedback-libreoffice-saved" "soffice could not save the return as .xlsx"
	fi
else
	ko "feedback-unlike-inputs" "$(head -c 300 "$tmp/err")"
fi

# returns LibreOffice wrote, laid out as they really come (tests/layouts/lo)
for f in tests/layouts/lo/*.xlsx; do
	"$T" read "$f" > /dev/null 2>&1 && check_one "layouts-$(basename "$f" .xlsx)" "$f"
done

# ---- the same input, the same bytes
"$T" check --feedback "$tmp/d1.xlsx" "$tmp/in/styled.xlsx" > /dev/null 2>&1
"$T" check --feedback "$tmp/d2.xlsx" "$tmp/in/styled.xlsx" > /dev/null 2>&1
cmp -s "$tmp/d1.xlsx" "$tmp/d2.xlsx" && ok "feedback-byte-identical" || ko "feedback-byte-identical" "two runs differ"

# ---- a failed write leaves nothing and keeps what was there
echo keep > "$tmp/keep.xlsx"
echo file > "$tmp/notdir"
"$T" check --feedback "$tmp/notdir/fb.xlsx" fixtures/returns/seed002-sheets.xlsx > /dev/null 2> "$tmp/err"
rc=$?
ln -s "$tmp/keep.xlsx" "$tmp/trap.xlsx.tmp"
"$T" check --feedback "$tmp/trap.xlsx" fixtures/returns/seed002-sheets.xlsx > /dev/null 2>> "$tmp/err"
rc2=$?
# (a file planted where a temporary name was once made is never followed: base/outfile.h)
if [ "$rc" = 5 ] && [ "$rc2" = 1 ] && [ "$(cat "$tmp/keep.xlsx")" = keep ] && [ -L "$tmp/trap.xlsx.tmp" ] &&
	[ -s "$tmp/trap.xlsx" ] && [ -z "$(find "$tmp" -maxdepth 2 -name '.*.xlsx.*')" ]; then
	ok "feedback-write-fails-cleanly"
else
	ko "feedback-write-fails-cleanly" "exit $rc/$rc2 $(head -c 300 "$tmp/err")"
fi
"$T" check --feedback "$tmp/fb" fixtures/returns/seed002-sheets.xlsx > /dev/null 2> "$tmp/err"
rc=$?
[ "$rc" = 5 ] && [ -d "$tmp/fb" ] && ok "feedback-onto-a-folder-refused" || ko "feedback-onto-a-folder-refused" "exit $rc"

# ---- not an .xlsx (.xls, .ods: fixtures/formats, saved by LibreOffice): the return is
# rewritten from the schema, said on stdout and in the first row of the Lỗi sheet; it
# reads back with the same values
for f in fixtures/formats/11239-thanhmien.xls fixtures/formats/11239-thanhmien.ods; do
	name=rewritten-$(basename "$f" | tr . -)
	"$T" check --feedback "$tmp/$name.xlsx" "$f" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	"$T" read --json "$f" > "$tmp/r1.json" 2>/dev/null
	"$T" read --json "$tmp/$name.xlsx" > "$tmp/r2.json" 2>/dev/null
	if [ "$rc" = 1 ] && grep -q "^Bản phản hồi được viết lại theo biểu mẫu vì tệp gốc không phải .xlsx.$" "$tmp/out" &&
		$PY - "$tmp/$name.xlsx" "$tmp/r1.json" "$tmp/r2.json" <<'PY'
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
ws = wb["Lỗi"]
assert wb.active.title == "Lỗi", wb.active.title
assert ws["A1"].value == "Bản phản hồi được viết lại theo biểu mẫu vì tệp gốc không phải .xlsx.", ws["A1"].value
assert ws["A2"].value == "Biểu", ws["A2"].value
a, b = (json.load(open(p, encoding="utf-8")) for p in sys.argv[2:4])
va = {(f, c): (v["state"], v.get("value")) for f, rows in a["values"].items() for c, v in rows.items()}
vb = {(f, c): (v["state"], v.get("value")) for f, rows in b["values"].items() for c, v in rows.items()}
assert va == vb, [k for k in va if va[k] != vb.get(k)][:5]
PY
	then ok "feedback-$name"; else ko "feedback-$name" "exit $rc $(head -c 300 "$tmp/out") $(head -c 200 "$tmp/err")"; fi
done

# ---- every feedback opens in LibreOffice and prints
if timeout 600 soffice --headless --convert-to pdf --outdir "$tmp/pdf" "$tmp"/fb/*.xlsx > "$tmp/soffice.out" 2>&1; then
	missing=0
	for f in "$tmp"/fb/*.xlsx; do
		[ -s "$tmp/pdf/$(basename "$f" .xlsx).pdf" ] || { missing=$((missing + 1)); echo "no PDF for $f"; }
	done
	[ "$missing" = 0 ] && ok "feedback-libreoffice-pdf ($n_fb feedbacks)" ||
		ko "feedback-libreoffice-pdf" "$missing of $n_fb without a PDF"
else
	ko "feedback-libreoffice-pdf" "$(tail -n 3 "$tmp/soffice.out")"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
