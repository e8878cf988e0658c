#!/usr/bin/env bash
# End-to-end cases for the command line: help, usage errors, exit codes, output
# failures. Each case runs tonghop and checks its exit status and what it printed.
# Usage: tests/e2e.sh TONGHOP. Ends with "N passed, N failed".
# SPDX-License-Identifier: MIT
set -u
# A sanitizer report must end in a signal, never look like a clean rejection (exit 1).
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-exitcode=134}
T=${1:?usage: tests/e2e.sh TONGHOP}
cd "$(dirname "$0")/.." || exit 2
export LC_ALL=C.UTF-8
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0

# check NAME WANT_EXIT STREAM PATTERN -- CMD...: run CMD, require exit WANT_EXIT and
# PATTERN (grep -E) in STREAM (out|err); PATTERN "" checks nothing.
check() {
	local name=$1 want=$2 stream=$3 pat=$4
	shift 5
	"$@" > "$tmp/out" 2> "$tmp/err" < /dev/null
	local rc=$?
	local why=""
	[ "$rc" = "$want" ] || why="exit $rc, wanted $want"
	if [ -z "$why" ] && [ -n "$pat" ] && ! grep -Eq -- "$pat" "$tmp/$stream"; then
		why="no /$pat/ in std$stream"
	fi
	if [ -z "$why" ]; then
		pass=$((pass + 1)); echo "PASS $name"
	else
		fail=$((fail + 1)); echo "FAIL $name: $why"
		sed 's/^/  out: /' "$tmp/out" | head -5; sed 's/^/  err: /' "$tmp/err" | head -5
	fi
}

check e2e-001-help 0 out "^  dump " -- "$T" --help
check e2e-002-help-exit-codes 0 out "4  có tệp đầu vào không đọc được" -- "$T" --help
check e2e-003-version 0 out "^tonghop [0-9]" -- "$T" --version
check e2e-004-no-command 2 err "cách dùng" -- "$T"
check e2e-005-unknown-command 2 err "không có lệnh 'gop'" -- "$T" gop
check e2e-006-unknown-global-option 2 err "tonghop --help" -- "$T" --bogus
check e2e-007-dump-help 0 out "tonghop dump \[--stats\] FILE" -- "$T" dump --help
check e2e-008-dump-no-file 2 err "dump cần đúng một tệp" -- "$T" dump
check e2e-009-dump-two-files 2 err "dump cần đúng một tệp" -- "$T" dump a.xlsx b.xlsx
check e2e-010-dump-bad-option 2 err "tonghop dump --help" -- "$T" dump --nope fixtures/reader-demo.xlsx
check e2e-011-missing-file 4 err "^tonghop: $tmp/khong-co\.xlsx: không tìm thấy tệp$" -- "$T" dump "$tmp/khong-co.xlsx"
check e2e-012-dump-ok 0 out "^@sheet	Biểu mẫu 1	visible$" -- "$T" dump fixtures/reader-demo.xlsx
check e2e-013-hidden-sheet 0 out "^@sheet	Ẩn	hidden$" -- "$T" dump fixtures/reader-demo.xlsx
check e2e-014-stats 0 out "^sheets 3$" -- "$T" dump --stats fixtures/reader-demo.xlsx
if [ -w /dev/full ]; then
	check e2e-015-stdout-full 5 err "không ghi được kết quả" -- sh -c '"$0" dump fixtures/reader-demo.xlsx > /dev/full' "$T"
fi
# a control character in a file name is not printed raw in the message
bad=$(printf '%s/t\001x.xlsx' "$tmp")
printf 'not a workbook' > "$bad"
check e2e-016-control-char-name 4 err "t\?x\.xlsx: không phải tệp bảng tính" -- "$T" dump "$bad"
# the stats line counts what the full dump prints
"$T" dump fixtures/reader-demo.xlsx > "$tmp/dump" 2>/dev/null
cells=$(grep -vc '^@sheet' "$tmp/dump")
check e2e-017-stats-cells 0 out "^cells $cells$" -- "$T" dump --stats fixtures/reader-demo.xlsx
# a file that is not readable by this user (skipped as root, who reads everything)
if [ "$(id -u)" != 0 ]; then
	cp fixtures/reader-demo.xlsx "$tmp/locked.xlsx"; chmod 000 "$tmp/locked.xlsx"
	check e2e-018-unreadable 4 err "không có quyền đọc tệp" -- "$T" dump "$tmp/locked.xlsx"
fi

# read: the return as understood, and configuration failures (exit 3, FILE:LINE)
check e2e-020-read-help 0 out "tonghop read \[--json\]" -- "$T" read --help
check e2e-021-read-no-file 2 err "read cần đúng một tệp" -- "$T" read
check e2e-022-read-missing 4 err "không tìm thấy tệp" -- "$T" read "$tmp/khong-co.xlsx"
# the reader demo writes no period, window or report date: read with today's roster, where
# no thị trấn is left (a "thị trấn Thanh Miện" is not the new Xã Thanh Miện), or with the
# roster named
check e2e-023-read-ok 0 out "^Đơn vị: 11239 Thị trấn Thanh Miện$" -- "$T" read --roster schemas/roster-thanhmien.ini fixtures/reader-demo.xlsx
check e2e-023b-read-undated-today 0 out "đơn vị 'thị trấn Thanh Miện' không có trong danh sách đơn vị của Thành phố Hải Phòng" -- "$T" read fixtures/reader-demo.xlsx
check e2e-024-read-json 0 out '"unit":\{"code":"11239"' -- "$T" read --json --roster schemas/roster-thanhmien.ini fixtures/reader-demo.xlsx
mkdir -p "$tmp/cfg"
cp schemas/*.ini "$tmp/cfg/"
sed -i 's/^2\.1 *= *"count/2.1 = "counts/' "$tmp/cfg/cchc-haiduong-2023.ini"
line=$(grep -n '^2\.1 = "counts' "$tmp/cfg/cchc-haiduong-2023.ini" | head -n 1 | cut -d: -f1)
check e2e-025-schema-error 3 err "cchc-haiduong-2023.ini:$line: loại 'counts' không có" -- "$T" read --schema "$tmp/cfg/cchc-haiduong-2023.ini" fixtures/reader-demo.xlsx
check e2e-026-schema-error-echo 3 err '^    >>> 2\.1 = "counts' -- "$T" read --schema "$tmp/cfg/cchc-haiduong-2023.ini" fixtures/reader-demo.xlsx
check e2e-027-schema-missing 3 err "không mở được tệp cấu hình" -- "$T" read --schema "$tmp/none.ini" fixtures/reader-demo.xlsx
TONGHOP_SCHEMA="$tmp/none.ini" check e2e-028-schema-env 3 err "none.ini" -- "$T" read fixtures/reader-demo.xlsx

# check: issue #4's acceptance on the seed 002 return, and exit codes
check e2e-030-check-help 0 out "tonghop check \[--json\]" -- "$T" check --help
check e2e-031-check-seed-errors 1 out "2 lỗi" -- "$T" check fixtures/returns/seed002-sheets.xlsx
check e2e-032-check-clean 0 out "không có lỗi" -- "$T" check fixtures/returns/ngoquyen-bm-sheets.xlsx
check e2e-033-check-unreadable 4 err "không tìm thấy tệp" -- "$T" check fixtures/returns/ngoquyen-bm-sheets.xlsx "$tmp/khong-co.xlsx"
check e2e-034-check-bad-period 2 err "kỳ '2023-Q5' không hợp lệ" -- "$T" check --period 2023-Q5 fixtures/returns/seed002-sheets.xlsx
check e2e-035-check-no-file 2 err "check cần ít nhất một tệp" -- "$T" check
"$T" check --json fixtures/returns/seed002-sheets.xlsx > "$tmp/seed.json" 2>/dev/null
if /usr/bin/python3 - "$tmp/seed.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
errs = sorted((f["form"], f["code"], f["written"], f["expected"]) for f in d["findings"] if f["severity"] == "error")
want = [("BM3", "1.4", "139", "≥ 157"), ("BM7", "6.7", "98,17", "98,16")]
assert errs == want, errs
assert d["files"][0]["status"] == "errors" and d["files"][0]["unit"] == "11239" and d["files"][0]["period"] == "2023-Q3"
f = [x for x in d["findings"] if x["rule"] == "R21"][0]
assert f["sheet"] == "Biểu mẫu 7" and f["cell"] == "D31" and f["file"].endswith("seed002-sheets.xlsx"), f
PY
then pass=$((pass + 1)); echo "PASS e2e-036-check-seed-exactly-E1-E4"
else fail=$((fail + 1)); echo "FAIL e2e-036-check-seed-exactly-E1-E4"; fi
check e2e-037-rules-list 0 out "^  R21 " -- "$T" rules
check e2e-038-rules-lint-clean 0 out "0 quy tắc có vấn đề" -- "$T" rules --lint
printf '[A]\ncheck = [BM1:1] <= 5\nmessage = x\n[B]\ncheck = [BM1:1] >= 10\nmessage = x\n' > "$tmp/contra.ini"
check e2e-039-rules-lint-contradiction 1 out "trái nhau" -- "$T" rules --lint --rules "$tmp/contra.ini"
printf '[A]\ncheck = [BM1:1] >=\nmessage = x\n' > "$tmp/broken.ini"
check e2e-040-rules-lint-syntax 3 err "broken.ini:2: quy tắc \[A\], 'check'" -- "$T" rules --lint --rules "$tmp/broken.ini"
check e2e-041-rules-caret 3 err '^                  \^$' -- "$T" rules --lint --rules "$tmp/broken.ini"

# completeness (#11): which rows must be filled is the schema's (required / optional /
# group); a blank required row is an error at its own cell, and the verdict counts them
/usr/bin/python3 - schemas/cchc-haiduong-2023.ini > "$tmp/required.txt" <<'PY'
# the required rows, read from the schema by a parser of our own: a form's `fill`, a row's
# second KIND word, headings (kind group) never
import re, sys
sec, fill, rows = None, {}, []
for line in open(sys.argv[1], encoding="utf-8"):
    s = line.strip()
    if s.startswith("["):
        sec = s[1:s.index("]")]
    m = re.match(r'(fill|\d[\d.]*)\s*=\s*"?([^"|;]*)', s)
    if not m or not re.fullmatch(r"BM\d+", sec or ""):
        continue
    if m.group(1) == "fill":
        fill[sec] = m.group(2).strip()
        continue
    words = m.group(2).split()
    cls = words[1] if len(words) > 1 else "group" if words[0] == "group" else fill.get(sec, "optional")
    if cls == "required":
        rows.append("%s %s" % (sec, m.group(1)))
print("\n".join(rows))
PY
nreq=$(wc -l < "$tmp/required.txt")
"$T" template -o "$tmp/blank.xlsx" --unit 11242 --period 2023-Q3 > /dev/null 2>&1
check e2e-045-blank-template-unfilled 1 out "^✗ .*blank\.xlsx: $nreq lỗi \($nreq dòng bắt buộc chưa điền\)" -- "$T" check "$tmp/blank.xlsx"
"$T" check --json "$tmp/blank.xlsx" > "$tmp/blank.json" 2>/dev/null
if [ "$nreq" -gt 40 ] && /usr/bin/python3 - "$tmp/blank.json" "$tmp/required.txt" <<'PY'
import json, re, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
want = sorted(open(sys.argv[2], encoding="utf-8").read().splitlines())
got = [f for f in d["findings"] if f["rule"] == "fill.required"]
assert sorted("%s %s" % (f["form"], f["code"]) for f in got) == want, "rows differ"
for f in got:
    assert f["severity"] == "error" and "chưa điền" in f["message"], f
    # the commune's own cell: the value column of the row's line on its form's sheet
    assert f["sheet"] == "Biểu mẫu " + f["form"][2:] and re.fullmatch(r"D\d+", f["cell"]), f
assert all(f["rule"] == "fill.required" for f in d["findings"] if f["severity"] == "error")
PY
then pass=$((pass + 1)); echo "PASS e2e-046-blank-template-rows-and-cells"
else fail=$((fail + 1)); echo "FAIL e2e-046-blank-template-rows-and-cells ($nreq required rows)"; fi
# seed 002 with three required rows emptied: exactly those three more errors, at their cells
"$T" read --json fixtures/returns/seed002-sheets.xlsx > "$tmp/seed-read.json" 2>/dev/null
/usr/bin/python3 - "$tmp/seed-read.json" fixtures/returns/seed002-sheets.xlsx "$tmp/three.xlsx" "$tmp/heading.xlsx" "$tmp/dash.xlsx" <<'PY'
import json, sys
import openpyxl
d = json.load(open(sys.argv[1], encoding="utf-8"))
def put(out, cells):
    wb = openpyxl.load_workbook(sys.argv[2])
    for (form, code), value in cells.items():
        v = d["values"][form][code]
        wb[v["sheet"]][v["cell"]] = value
    wb.save(out)
put(sys.argv[3], {("BM1", "1"): None, ("BM4", "2.3"): None, ("BM7", "3"): None})
put(sys.argv[4], {("BM6", "2"): None})   # the heading's 0 said "nothing in this group"
put(sys.argv[5], {("BM6", "2"): "-"})
put(sys.argv[5].replace("dash", "unread"), {("BM1", "1"): "hai mươi lăm"})
PY
check e2e-047-three-unfilled-verdict 1 out "^✗ .*three\.xlsx: 5 lỗi \(3 dòng bắt buộc chưa điền\)" -- "$T" check "$tmp/three.xlsx"
"$T" check --json "$tmp/three.xlsx" > "$tmp/three.json" 2>/dev/null
"$T" check --json "$tmp/heading.xlsx" > "$tmp/heading.json" 2>/dev/null
if /usr/bin/python3 - "$tmp/three.json" "$tmp/heading.json" "$tmp/seed-read.json" "$tmp/required.txt" <<'PY'
import json, sys
three, heading, seed = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:4])
req = set(open(sys.argv[4], encoding="utf-8").read().splitlines())
def unfilled(d):
    return sorted((f["form"], f["code"], f["sheet"], f["cell"]) for f in d["findings"] if f["rule"] == "fill.required")
def at(form, code):
    v = seed["values"][form][code]
    return (form, code, v["sheet"], v["cell"])
assert unfilled(three) == sorted([at("BM1", "1"), at("BM4", "2.3"), at("BM7", "3")]), unfilled(three)
errs = sorted((f["form"], f["code"]) for f in three["findings"] if f["severity"] == "error" and f["rule"] != "fill.required")
assert errs == [("BM3", "1.4"), ("BM7", "6.7")], errs          # E4 and E1, as before
# without the heading's 0 the rows under it are unfilled: the required ones seed 002 leaves blank
want = sorted(at("BM6", c) for c in seed["values"]["BM6"] if c.startswith("2.") and "BM6 " + c in req
              and seed["values"]["BM6"][c]["state"] == "blank")
assert len(want) >= 5 and unfilled(heading) == want, (unfilled(heading), want)
PY
then pass=$((pass + 1)); echo "PASS e2e-048-exactly-the-blank-rows"
else fail=$((fail + 1)); echo "FAIL e2e-048-exactly-the-blank-rows"; fi
check e2e-049-heading-dash-answers 1 out "^✗ .*dash\.xlsx: 2 lỗi, " -- "$T" check "$tmp/dash.xlsx"
# a figure that cannot be read is an error the commune must fix before sending (#11)
check e2e-051-unreadable-is-error 1 out "lỗi       dòng 1 'Biểu mẫu 1'!D6 \[read\.unreadable\] Biểu mẫu 1 dòng 1: không đọc được 'hai mươi lăm' thành số" -- "$T" check "$tmp/unread.xlsx"
check e2e-052-unreadable-verdict 1 out "^✗ .*unread\.xlsx: 3 lỗi, " -- "$T" check "$tmp/unread.xlsx"
check e2e-050-seed-no-unfilled 1 out "^✗ .*seed002-sheets\.xlsx: 2 lỗi, 0 cảnh báo" -- "$T" check fixtures/returns/seed002-sheets.xlsx

# dump streams: its peak memory does not grow with the sheet (20,000 rows against 200,000
# rows of 10 cells, made by bench/gen_big; before streaming the second took 5x the first)
if [ -x build/gen_big ]; then
	build/gen_big "$tmp/r20k.xlsx" 20000 && build/gen_big "$tmp/r200k.xlsx" 200000
	/usr/bin/time -f %M -o "$tmp/m20k" "$T" dump "$tmp/r20k.xlsx" > "$tmp/d20k" 2>/dev/null
	/usr/bin/time -f %M -o "$tmp/m200k" "$T" dump "$tmp/r200k.xlsx" > "$tmp/d200k" 2>/dev/null
	k20=$(tail -n 1 "$tmp/m20k"); k200=$(tail -n 1 "$tmp/m200k")
	lines=$(grep -c $'\t' "$tmp/d200k")
	if [ "$lines" -ge 2000000 ] && [ $((k200 - k20)) -lt 16384 ]; then
		pass=$((pass + 1)); echo "PASS e2e-042-dump-streams"
	else
		fail=$((fail + 1)); echo "FAIL e2e-042-dump-streams: peak $k20 KiB (20k rows), $k200 KiB (200k rows), $lines cells"
	fi
else
	fail=$((fail + 1)); echo "FAIL e2e-042-dump-streams: build/gen_big not built"
fi
# a sheet whose cells are out of order, with a cell written twice and one under a merge, is
# dumped sorted, the later of the two kept, the covered one left out
python3 - "$tmp/order.xlsx" <<'PY'
import sys, zipfile
ct = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>'
      '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
      '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
wb = ('<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
      'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
      '<sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>')
wbrels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
          '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
sheet = ('<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
         '<row r="3"><c r="B3"><v>3</v></c></row>'
         '<row r="1"><c r="C1"><v>2</v></c><c r="A1"><v>1</v></c><c r="B1"><v>9</v></c></row>'
         '<row r="3"><c r="B3"><v>4</v></c></row>'
         '</sheetData><mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells></worksheet>')
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("[Content_Types].xml", ct); z.writestr("_rels/.rels", rels)
    z.writestr("xl/workbook.xml", wb); z.writestr("xl/_rels/workbook.xml.rels", wbrels)
    z.writestr("xl/worksheets/sheet1.xml", sheet)
PY
printf '@sheet\tS\tvisible\nS\tA1\tn\t1\nS\tC1\tn\t2\nS\tB3\tn\t4\n' > "$tmp/order.want"
"$T" dump "$tmp/order.xlsx" > "$tmp/order.got" 2>&1
if cmp -s "$tmp/order.want" "$tmp/order.got"; then
	pass=$((pass + 1)); echo "PASS e2e-043-dump-out-of-order"
else
	fail=$((fail + 1)); echo "FAIL e2e-043-dump-out-of-order"; diff "$tmp/order.want" "$tmp/order.got" | head
fi

# bash completion (contrib/tonghop.bash-completion): commands, options, periods, returns
comp=$(bash -c 'shopt -s extglob; source contrib/tonghop.bash-completion
t() { COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); COMPREPLY=(); _tonghop; echo "${COMPREPLY[*]}"; }
t tonghop me; t tonghop merge --pe; t tonghop merge --period $(date +%Y)-Q; t tonghop check fixtures/returns/seed002-sh' 2>&1)
y=$(date +%Y); want=$(printf "%s\n" merge --period "$y-Q1 $y-Q2 $y-Q3 $y-Q4" fixtures/returns/seed002-sheets.xlsx)
if [ "$comp" = "$want" ]; then
	pass=$((pass + 1)); echo "PASS e2e-044-bash-completion"
else
	fail=$((fail + 1)); echo "FAIL e2e-044-bash-completion: got: $comp"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
