#!/usr/bin/env bash
# End-to-end checks of merge, template and feedback on the bundled data: the JSON and the
# workbook against fixtures/demo-expected.tsv (written by the generator), a second reader
# (openpyxl) for the workbook, byte-identical output, and the safe-write guarantees.
# Usage: tests/merge.sh TONGHOP. Ends with "N passed, N failed".
# SPDX-License-Identifier: MIT
set -u
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-exitcode=134}
T=${1:?usage: tests/merge.sh TONGHOP}
cd "$(dirname "$0")/.." || exit 2
export LC_ALL=C.UTF-8
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1: $2"; }

"$T" merge --period 2023-Q3 -o "$tmp/a.xlsx" --json "$tmp/a.json" fixtures/demo > "$tmp/out" 2> "$tmp/err"
rc=$?
# the demo plants returns with errors and a broken file: exit 4 (an input could not be read)
[ "$rc" = 4 ] && ok "merge-001-exit-4" || ko "merge-001-exit-4" "exit $rc: $(head -c 300 "$tmp/err")"
if out=$(/usr/bin/python3 tests/check-merge.py "$tmp/a.json" "$tmp/a.xlsx" fixtures/demo-expected.tsv 2>&1); then
	ok "merge-002-against-expected ($(printf '%s' "$out" | tail -n 1))"
else
	ko "merge-002-against-expected" "$(printf '%s' "$out" | head -n 10 | tr '\n' ';')"
fi
grep -q "^Đã nhận: " "$tmp/out" && ok "merge-003-summary" || ko "merge-003-summary" "no 'Đã nhận' line"
"$T" merge --period 2023-Q3 -o "$tmp/b.xlsx" fixtures/demo > /dev/null 2>&1
cmp -s "$tmp/a.xlsx" "$tmp/b.xlsx" && ok "merge-004-byte-identical" || ko "merge-004-byte-identical" "two runs differ"
# a failed write leaves nothing behind and never replaces a good file
"$T" merge --period 2023-Q3 -o "$tmp/no/such/dir/x.xlsx" fixtures/demo > /dev/null 2> "$tmp/err"
rc=$?
[ "$rc" = 5 ] && [ ! -e "$tmp/no" ] && ok "merge-005-unwritable-exit-5" || ko "merge-005-unwritable-exit-5" "exit $rc"
# the disk fills up while the workbook is written (a file size limit, the signal ignored):
# the good file from before stays whole and no temporary file is left beside it
mkdir "$tmp/full"
cp "$tmp/a.xlsx" "$tmp/full/good.xlsx"
(trap '' XFSZ; ulimit -f 8; exec "$T" merge --period 2023-Q3 -o "$tmp/full/good.xlsx" fixtures/demo) > /dev/null 2> "$tmp/err"
rc=$?
if [ "$rc" = 5 ] && cmp -s "$tmp/a.xlsx" "$tmp/full/good.xlsx" && [ "$(ls -A "$tmp/full")" = good.xlsx ] &&
	grep -q "^tonghop: $tmp/full/good.xlsx: không ghi được bảng tính" "$tmp/err"; then
	ok "merge-006-good-file-kept"
else
	ko "merge-006-good-file-kept" "exit $rc, left: $(ls -A "$tmp/full" | tr '\n' ' ') $(tail -n 1 "$tmp/err")"
fi
# usage
"$T" merge -o "$tmp/x.xlsx" fixtures/demo > /dev/null 2>&1; rc=$?
[ "$rc" = 2 ] && ok "merge-007-needs-period" || ko "merge-007-needs-period" "exit $rc"
# template: written, and read back by tonghop itself with every row found and blank
"$T" template -o "$tmp/mau.xlsx" --unit 11248 --period 2023-Q3 > /dev/null 2> "$tmp/err"
rc=$?
if [ "$rc" = 0 ] && "$T" read --json "$tmp/mau.xlsx" > "$tmp/mau.json" 2>> "$tmp/err" &&
	/usr/bin/python3 - "$tmp/mau.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d["unit"]["code"] == "11248", d["unit"]
assert d["period"] == "2023-Q3" and d["window"] == {"from": "2023-06-10", "to": "2023-09-09"}, d
states = {v["state"] for f in d["values"].values() for v in f.values()}
assert states <= {"blank"}, states
bad = [p for p in d["problems"] if p["rule"] in ("read.row-missing", "read.form-missing", "read.label-edited", "read.unit-edited")]
assert not bad, bad
PY
then ok "template-001-reads-back"; else ko "template-001-reads-back" "exit $rc $(head -c 300 "$tmp/err")"; fi
# template filled by another program (openpyxl), then checked: the values round-trip
if /usr/bin/python3 - "$tmp/mau.xlsx" "$tmp/filled.xlsx" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
filled = 0
for ws in wb.worksheets:
    for row in ws.iter_rows():
        a = row[0].value
        if isinstance(a, str) and a.strip().rstrip(".") in ("2.1", "2.2") and ws.title.endswith("1"):
            row[3].value = 25 if a.strip().startswith("2.1") else 20
            filled += 1
assert filled == 2, filled
wb.save(sys.argv[2])
PY
then
	"$T" read --json "$tmp/filled.xlsx" > "$tmp/filled.json" 2>/dev/null
	if /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
v = d["values"]["BM1"]
assert v["2.1"]["value"] == 25 and v["2.2"]["value"] == 20, (v["2.1"], v["2.2"])
' "$tmp/filled.json"; then ok "template-002-openpyxl-round-trip"; else ko "template-002-openpyxl-round-trip" "values differ"; fi
else
	ko "template-002-openpyxl-round-trip" "openpyxl could not fill the template"
fi
# feedback: the seed return sent back with its two errors marked, itself a readable return
"$T" check --feedback "$tmp/fb.xlsx" fixtures/returns/seed002-sheets.xlsx > /dev/null 2>&1
rc=$?
if [ "$rc" = 1 ] && /usr/bin/python3 - "$tmp/fb.xlsx" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
assert "Lỗi" in wb.sheetnames, wb.sheetnames
rules = {str(c.value) for r in wb["Lỗi"].iter_rows(min_row=2) for c in r}
assert "R8" in rules and "R21" in rules, rules
PY
then ok "feedback-001-errors-listed"; else ko "feedback-001-errors-listed" "exit $rc"; fi
"$T" read --json "$tmp/fb.xlsx" > "$tmp/fb.json" 2>/dev/null
if /usr/bin/python3 tests/check-return.py "$tmp/fb.json" fixtures/returns/seed002-sheets.expect.tsv > "$tmp/cr" 2>&1; then
	ok "feedback-002-reads-back ($(tail -n 1 "$tmp/cr"))"
else
	ko "feedback-002-reads-back" "$(head -n 5 "$tmp/cr" | tr '\n' ';')"
fi
# options may follow the file names (issue 5 writes `check FILE --feedback OUT.xlsx`);
# getopt's complaints are in Vietnamese
"$T" check fixtures/returns/seed002-sheets.xlsx --json > "$tmp/after.json" 2>/dev/null
rc=$?
"$T" check fixtures/returns/seed002-sheets.xlsx --feedback "$tmp/fb2.xlsx" > /dev/null 2>&1
rc2=$?
"$T" check --khong-co fixtures/returns/seed002-sheets.xlsx > /dev/null 2> "$tmp/err"
rc3=$?
if [ "$rc" = 1 ] && [ "$rc2" = 1 ] && [ -s "$tmp/fb2.xlsx" ] && [ "$rc3" = 2 ] &&
	/usr/bin/python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$tmp/after.json" &&
	grep -q "tuỳ chọn '--khong-co' không có" "$tmp/err"; then
	ok "cli-001-options-after-files"
else
	ko "cli-001-options-after-files" "exit $rc/$rc2/$rc3 $(head -c 200 "$tmp/err")"
fi
# an output never overwrites an input: refused before anything is read (exit 2)
mkdir "$tmp/in"
cp fixtures/demo/11239-thanhmien.xlsx fixtures/demo/11242-thanhtung.xlsx "$tmp/in/"
cp "$tmp/in/11239-thanhmien.xlsx" "$tmp/keep.xlsx"
"$T" merge --period 2023-Q3 -o "$tmp/in/11239-thanhmien.xlsx" "$tmp/in/11239-thanhmien.xlsx" > /dev/null 2> "$tmp/err"
rc=$?
[ "$rc" = 2 ] && cmp -s "$tmp/keep.xlsx" "$tmp/in/11239-thanhmien.xlsx" && grep -q "trùng với một tệp đầu vào" "$tmp/err" &&
	ok "safe-001-merge-output-is-input" || ko "safe-001-merge-output-is-input" "exit $rc $(head -c 200 "$tmp/err")"
"$T" check --feedback "$tmp/in/./11239-thanhmien.xlsx" "$tmp/in/11239-thanhmien.xlsx" > /dev/null 2> "$tmp/err"
rc=$?
[ "$rc" = 2 ] && cmp -s "$tmp/keep.xlsx" "$tmp/in/11239-thanhmien.xlsx" &&
	ok "safe-002-feedback-is-input" || ko "safe-002-feedback-is-input" "exit $rc $(head -c 200 "$tmp/err")"
cp "$tmp/in/11242-thanhtung.xlsx" "$tmp/keep2.xlsx"
"$T" merge --period 2023-Q3 -o "$tmp/in/11242-thanhtung.xlsx" "$tmp/in" > /dev/null 2> "$tmp/err"
rc=$?
"$T" merge --period 2023-Q3 -o "$tmp/x.xlsx" --json "$tmp/in/11242-thanhtung.xlsx" "$tmp/in" > /dev/null 2>> "$tmp/err"
rc2=$?
[ "$rc" = 2 ] && [ "$rc2" = 2 ] && cmp -s "$tmp/keep2.xlsx" "$tmp/in/11242-thanhtung.xlsx" && [ ! -e "$tmp/x.xlsx" ] &&
	ok "safe-005-output-is-a-return-in-the-folder" ||
	ko "safe-005-output-is-a-return-in-the-folder" "exit $rc/$rc2 $(head -c 300 "$tmp/err")"
# a file given by name and used as output is refused whatever its name ends with
cp "$tmp/in/11242-thanhtung.xlsx" "$tmp/bao-cao-thanhtung"
"$T" merge --period 2023-Q3 -o "$tmp/o2.xlsx" --json "$tmp/bao-cao-thanhtung" "$tmp/bao-cao-thanhtung" > /dev/null 2>&1
rc=$?
[ "$rc" = 2 ] && cmp -s "$tmp/bao-cao-thanhtung" "$tmp/in/11242-thanhtung.xlsx" && [ ! -e "$tmp/o2.xlsx" ] &&
	ok "safe-009-named-input-any-name" || ko "safe-009-named-input-any-name" "exit $rc"
# a glob run twice: the first run's workbook is among the files, skipped, not refused
"$T" merge --period 2023-Q3 -o "$tmp/in/glob.xlsx" "$tmp/in"/*.xlsx > /dev/null 2>&1
"$T" merge --period 2023-Q3 -o "$tmp/in/glob.xlsx" --json "$tmp/glob.json" "$tmp/in"/*.xlsx > /dev/null 2>&1
rc=$?
if [ "$rc" = 1 ] && /usr/bin/python3 - "$tmp/glob.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
g = [f for f in d["files"] if f["path"].endswith("glob.xlsx")]
assert len(g) == 1 and g[0]["status"] == "skipped", g
PY
then ok "safe-007-glob-rerun"; else ko "safe-007-glob-rerun" "exit $rc"; fi
rm -f "$tmp/in/glob.xlsx"
# the output written into the folder it merges is not read back on the next run; a file
# given twice (itself and through its folder) is read once
"$T" merge --period 2023-Q3 -o "$tmp/in/tong-hop.xlsx" --json "$tmp/in/r.json" "$tmp/in" > /dev/null 2>&1
"$T" merge --period 2023-Q3 -o "$tmp/in/tong-hop.xlsx" --json "$tmp/in/r2.json" "$tmp/in" "$tmp/in/11242-thanhtung.xlsx" > /dev/null 2>&1
rc=$?
if [ "$rc" = 1 ] && /usr/bin/python3 - "$tmp/in/r.json" "$tmp/in/r2.json" <<'PY'
import json, os, sys
a = json.load(open(sys.argv[1], encoding="utf-8"))
b = json.load(open(sys.argv[2], encoding="utf-8"))
st = {os.path.basename(f["path"]): (f["status"], f["message"]) for f in b["files"]}
assert st["tong-hop.xlsx"][0] == "skipped" and "kết quả" in st["tong-hop.xlsx"][1], st
twice = [f for f in b["files"] if f["path"].endswith("11242-thanhtung.xlsx")]
assert [f["status"] for f in twice] == ["used", "skipped"], twice
assert "cùng một tệp" in twice[1]["message"], twice
assert sum(u["status"] == "received" for u in b["units"]) == 2, b["units"]
assert a["totals"] == b["totals"], "totals changed on the second run"
PY
then ok "safe-003-own-output-and-twice"; else ko "safe-003-own-output-and-twice" "exit $rc"; fi
# a subfolder is gone into (returns kept one folder per commune)
mkdir "$tmp/in/cu"
cp fixtures/demo/11245-phamkha.xlsx "$tmp/in/cu/"
"$T" merge --period 2023-Q3 -o "$tmp/s.xlsx" --json "$tmp/s.json" "$tmp/in" > /dev/null 2>&1
if /usr/bin/python3 - "$tmp/s.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
sub = [f for f in d["files"] if f["path"].endswith("/cu/11245-phamkha.xlsx")]
assert len(sub) == 1 and sub[0]["status"] == "used", d["files"]
PY
then ok "merge-012-subfolder"; else ko "merge-012-subfolder" "see $tmp/s.json"; fi
# a JSON that cannot be written: exit 5, nothing half-written left behind
"$T" merge --period 2023-Q3 -o "$tmp/j.xlsx" --json "$tmp/no/such/r.json" "$tmp/in/11242-thanhtung.xlsx" > /dev/null 2> "$tmp/err"
rc=$?
[ "$rc" = 5 ] && [ ! -e "$tmp/no" ] && grep -q "không có tệp hay thư mục này" "$tmp/err" &&
	ok "safe-004-json-unwritable" || ko "safe-004-json-unwritable" "exit $rc $(head -c 200 "$tmp/err")"
# a device or a pipe is never written as an output file (a workbook or the JSON to /dev/null,
# the JSON to a named pipe: refused, without waiting on the pipe); the JSON to the very file
# standard output is goes out through standard output
"$T" merge --period 2023-Q3 -o "$tmp/d.xlsx" --json /dev/stdout "$tmp/in/11242-thanhtung.xlsx" > "$tmp/stdout.json" 2>/dev/null
"$T" merge --period 2023-Q3 -o /dev/null "$tmp/in/11242-thanhtung.xlsx" > /dev/null 2> "$tmp/err"
rc=$?
mkfifo "$tmp/fifo.json"
timeout 60 "$T" merge --period 2023-Q3 -o "$tmp/d.xlsx" --json "$tmp/fifo.json" "$tmp/in/11242-thanhtung.xlsx" > /dev/null 2>> "$tmp/err"
rc2=$?
"$T" merge --period 2023-Q3 -o "$tmp/d.xlsx" --json /dev/null "$tmp/in/11242-thanhtung.xlsx" > "$tmp/o3" 2>> "$tmp/err"
rc3=$?
if [ "$rc" = 5 ] && [ "$rc2" = 5 ] && [ "$rc3" = 5 ] && [ -c /dev/null ] && [ -p "$tmp/fifo.json" ] &&
	[ "$(grep -c "không phải tệp thông thường" "$tmp/err")" = 3 ] &&
	/usr/bin/python3 -c 'import json,sys; t=open(sys.argv[1]).read(); json.loads(t[t.index("{"):t.rindex("}")+1])' "$tmp/stdout.json"; then
	ok "safe-006-devices"
else
	ko "safe-006-devices" "exit $rc/$rc2/$rc3 $(head -c 300 "$tmp/err")"
fi
# a file name that is not UTF-8 (a Windows zip unpacked here): valid JSON and XML still
mkdir "$tmp/latin"
cp "$tmp/in/11242-thanhtung.xlsx" "$tmp/latin/$(printf 'b\xe1o-c\xe1o.xlsx')"
"$T" merge --period 2023-Q3 -o "$tmp/latin.xlsx" --json "$tmp/latin.json" "$tmp/latin" > /dev/null 2>&1
rc=$?
"$T" check --json "$tmp/latin"/*.xlsx > "$tmp/latin-check.json" 2>/dev/null
if [ "$rc" = 0 ] && /usr/bin/python3 - "$tmp/latin.json" "$tmp/latin-check.json" "$tmp/latin.xlsx" <<'PY'
import json, sys, openpyxl
for p in sys.argv[1:3]:
    d = json.load(open(p, encoding="utf-8"))
    assert "\ufffd" in d["files"][0]["path"], d["files"][0]
wb = openpyxl.load_workbook(sys.argv[3])
assert any("\ufffd" in str(c.value) for r in wb["Tổng hợp"].iter_rows() for c in r if c.value)
PY
then ok "merge-013-file-name-not-utf8"; else ko "merge-013-file-name-not-utf8" "exit $rc"; fi
# a formula saved without its result (openpyxl, some web tools) is computed when it can be
# (marked so), and said, never read as blank, when it cannot (issue #11)
/usr/bin/python3 - "$tmp/in/11242-thanhtung.xlsx" "$tmp/formula.xlsx" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
wb["Biểu mẫu 1"]["D8"] = "=20+4"
wb["Biểu mẫu 1"]["D9"] = "=VLOOKUP(1,A1:B2,2,FALSE)"
wb.save(sys.argv[2])
PY
"$T" check --json "$tmp/formula.xlsx" > "$tmp/formula.json" 2>/dev/null
if /usr/bin/python3 - "$tmp/formula.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
f = [x for x in d["findings"] if x["rule"] == "read.formula-computed"]
assert len(f) == 1 and f[0]["written"] == "=20+4" and f[0]["cell"] == "D8" and f[0]["expected"] == "24", f
assert f[0]["severity"] == "info", f
f = [x for x in d["findings"] if x["rule"] == "read.formula-not-computed"]
assert len(f) == 1 and f[0]["written"] == "=VLOOKUP(1,A1:B2,2,FALSE)" and f[0]["cell"] == "D9", f
assert f[0]["severity"] == "error" and "VLOOKUP" in f[0]["message"], f
PY
then ok "read-001-formula-without-result"; else ko "read-001-formula-without-result" "see $tmp/formula.json"; fi
# a figure that cannot be read leaves its unit out of the total, and the total says so
mkdir "$tmp/unread"
cp "$tmp/in/11239-thanhmien.xlsx" "$tmp/unread/"
/usr/bin/python3 - "$tmp/in/11242-thanhtung.xlsx" "$tmp/unread/11242.xlsx" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
wb["Biểu mẫu 1"]["D6"] = "hai mươi"
wb.save(sys.argv[2])
PY
"$T" merge --period 2023-Q3 -o "$tmp/unread.xlsx" --json "$tmp/unread.json" "$tmp/unread" > /dev/null 2>&1
if /usr/bin/python3 - "$tmp/unread.json" "$tmp/unread.xlsx" <<'PY'
import json, sys, openpyxl
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d["incomplete"] == {"BM1": {"1": ["11242"]}}, d["incomplete"]
ws = openpyxl.load_workbook(sys.argv[2])["BM1"]
last = next(c.column for r in ws.iter_rows(max_row=10) for c in r if c.value == "Tổng")
cell = next(ws.cell(r, last) for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value).strip().rstrip(".") == "1")
assert cell.comment and "Chưa tính 1 đơn vị" in cell.comment.text and "Xã Thanh Tùng" in cell.comment.text, cell.comment
PY
then ok "merge-014-incomplete-total"; else ko "merge-014-incomplete-total" "see $tmp/unread.json"; fi
# a merge goes on without the figures it lacks and says whose each total lacks (#11): one
# unit's figure unreadable, another's required row left blank, a third's read; the totals
# are over what was read, the JSON lists both by row, the total cell's comment names both
mkdir "$tmp/lack"
cp fixtures/demo/11239-thanhmien.xlsx "$tmp/lack/"
"$T" read --json fixtures/demo/11242-thanhtung.xlsx > "$tmp/r42.json" 2>/dev/null
"$T" read --json fixtures/demo/11245-phamkha.xlsx > "$tmp/r45.json" 2>/dev/null
/usr/bin/python3 - "$tmp" <<'PY'
import json, sys, openpyxl
t = sys.argv[1]
def put(src, read, out, cells):
    d = json.load(open(read, encoding="utf-8"))
    wb = openpyxl.load_workbook(src)
    for (form, code), value in cells.items():
        v = d["values"][form][code]
        wb[v["sheet"]][v["cell"]] = value
    wb.save(out)
# Thanh Tùng: BM1 1 blank, BM4 2.1 blank (required rows); Phạm Kha: BM1 1 unreadable, BM6 1.1 blank
put("fixtures/demo/11242-thanhtung.xlsx", t + "/r42.json", t + "/lack/11242.xlsx",
    {("BM1", "1"): None, ("BM4", "2.1"): None})
put("fixtures/demo/11245-phamkha.xlsx", t + "/r45.json", t + "/lack/11245.xlsx",
    {("BM1", "1"): "hai mươi", ("BM6", "1.1"): None})
PY
"$T" merge --period 2023-Q3 -o "$tmp/lack.xlsx" --json "$tmp/lack.json" "$tmp/lack" > "$tmp/lack.out" 2>&1
rc=$?
"$T" read --json fixtures/demo/11239-thanhmien.xlsx > "$tmp/r39.json" 2>/dev/null
if [ "$rc" = 1 ] && /usr/bin/python3 - "$tmp/lack.json" "$tmp/lack.xlsx" "$tmp/r39.json" "$tmp/r42.json" "$tmp/lack.out" <<'PY'
import json, sys, openpyxl
d = json.load(open(sys.argv[1], encoding="utf-8"))
r39, r42 = (json.load(open(p, encoding="utf-8"))["values"] for p in sys.argv[3:5])
assert d["incomplete"] == {"BM1": {"1": ["11245"]}}, d["incomplete"]
# BM6 1 is the ratio 1.2 / 1.1: Phạm Kha's blank denominator leaves it out of the ratio too
assert d["unfilled"] == {"BM1": {"1": ["11242"]}, "BM4": {"2.1": ["11242"]}, "BM6": {"1": ["11245"], "1.1": ["11245"]}}, d["unfilled"]
# the totals are over the figures read: BM1 1 is Thanh Miện's alone; BM4 2.1 leaves out Thanh Tùng
assert d["totals"]["BM1"]["1"] == r39["BM1"]["1"]["value"], d["totals"]["BM1"]["1"]
assert d["totals"]["BM4"]["2.1"] == r39["BM4"]["2.1"]["value"] + json.load(open(sys.argv[1].replace("lack.json", "r45.json"), encoding="utf-8"))["values"]["BM4"]["2.1"]["value"]
wb = openpyxl.load_workbook(sys.argv[2])
def total_cell(form, code):
    ws = wb[form]
    # the total column is the one headed "Tổng" (first, before the units)
    col = next(c.column for row in ws.iter_rows(max_row=10) for c in row if c.value == "Tổng")
    return next(ws.cell(r, col) for r in range(1, ws.max_row + 1)
                if str(ws.cell(r, 1).value).strip().rstrip(".") == code)
c = total_cell("BM1", "1").comment.text
assert "Chưa tính 1 đơn vị có số liệu không đọc được:\nXã Phạm Kha" in c and "Chưa tính 1 đơn vị chưa điền dòng này:\nXã Thanh Tùng" in c, c
assert "Xã Thanh Tùng" in total_cell("BM4", "2.1").comment.text
assert "chưa điền tử số hoặc mẫu số:\nXã Phạm Kha" in total_cell("BM6", "1").comment.text
assert total_cell("BM4", "2.2").comment is None     # a total that lacks nothing says nothing
out = open(sys.argv[5], encoding="utf-8").read()
assert "Tổng chưa đủ số liệu của: Xã Thanh Tùng (2 dòng), Xã Phạm Kha (3 dòng) — xem ghi chú ở ô tổng" in out, out
PY
then ok "merge-015-totals-say-whose-figures-they-lack"; else ko "merge-015-totals-say-whose-figures-they-lack" "exit $rc, see $tmp/lack.json"; fi
# a header finding points at the cell that holds the field (Lê Hồng's report date is A9,
# under the window in A8)
"$T" check --json fixtures/demo/11266-lehong.xlsx > "$tmp/lh.json" 2>/dev/null
if /usr/bin/python3 - "$tmp/lh.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
h2 = [f for f in d["findings"] if f["rule"] == "H2"]
assert len(h2) == 1 and h2[0]["cell"] == "A9" and h2[0]["written"] == "15/09/2023", h2
PY
then ok "check-001-header-cell"; else ko "check-001-header-cell" "see $tmp/lh.json"; fi
# the commune's "Ghi chú" is read and kept in the feedback
/usr/bin/python3 - "$tmp/in/11242-thanhtung.xlsx" "$tmp/note.xlsx" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
wb["Biểu mẫu 1"]["E6"] = "gồm 2 công văn của Đảng uỷ"
wb.save(sys.argv[2])
PY
"$T" read --json "$tmp/note.xlsx" > "$tmp/note.json" 2>/dev/null
"$T" check "$tmp/note.xlsx" --feedback "$tmp/note-fb.xlsx" > /dev/null 2>&1
if /usr/bin/python3 - "$tmp/note.json" "$tmp/note-fb.xlsx" <<'PY'
import json, sys, openpyxl
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d["values"]["BM1"]["1"]["note"] == "gồm 2 công văn của Đảng uỷ", d["values"]["BM1"]["1"]
ws = openpyxl.load_workbook(sys.argv[2])["Biểu mẫu 1"]
row = next(r for r in ws.iter_rows() if str(r[0].value).strip().rstrip(".") == "1")
assert row[4].value == "gồm 2 công văn của Đảng uỷ", [c.value for c in row]
PY
then ok "feedback-003-notes-kept"; else ko "feedback-003-notes-kept" "see $tmp/note.json"; fi
# the unit's name over two cells is found before another commune named in a note further on
/usr/bin/python3 - fixtures/demo/11251-doantung.xlsx "$tmp/twocells.xlsx" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
wb["Thông tin"]["A4"] = None
ws = wb["Biểu mẫu 7"]
ws.cell(ws.max_row + 2, 1, "Ghi chú: số liệu dịch vụ công do UBND xã Tân Trào cung cấp")
wb.save(sys.argv[2])
PY
"$T" read --json "$tmp/twocells.xlsx" > "$tmp/twocells.json" 2>/dev/null
if /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(d["unit"]["code"] != "11251")' "$tmp/twocells.json"; then
	ok "read-002-unit-name-over-two-cells"
else
	ko "read-002-unit-name-over-two-cells" "$(head -c 200 "$tmp/twocells.json")"
fi
# the JSON: through a link its target is replaced and the link kept; a link planted where
# the temporary file used to be (trap.json.tmp) is never followed; '-' gives standard
# output the JSON alone (the summary on stderr)
echo keep > "$tmp/victim.txt"
echo old > "$tmp/real.json"
ln -s "$tmp/real.json" "$tmp/link.json"
ln -s "$tmp/victim.txt" "$tmp/trap.json.tmp"
"$T" merge --period 2023-Q3 -o "$tmp/l.xlsx" --json "$tmp/link.json" "$tmp/in/11242-thanhtung.xlsx" > /dev/null 2>&1
rc=$?
"$T" merge --period 2023-Q3 -o "$tmp/l.xlsx" --json "$tmp/trap.json" "$tmp/in/11242-thanhtung.xlsx" > /dev/null 2>&1
rc2=$?
"$T" merge --period 2023-Q3 -o "$tmp/l.xlsx" --json - "$tmp/in/11242-thanhtung.xlsx" > "$tmp/dash.json" 2> "$tmp/dash.err"
rc3=$?
if [ "$rc" = 0 ] && [ -L "$tmp/link.json" ] && [ "$rc2" = 0 ] && [ "$(cat "$tmp/victim.txt")" = keep ] &&
	[ -L "$tmp/trap.json.tmp" ] && [ -f "$tmp/trap.json" ] && [ ! -L "$tmp/trap.json" ] &&
	[ "$rc3" = 0 ] && grep -q "^Đã nhận" "$tmp/dash.err" &&
	/usr/bin/python3 -c 'import json,sys; [json.load(open(a)) for a in sys.argv[1:]]' "$tmp/real.json" "$tmp/dash.json" "$tmp/trap.json"; then
	ok "safe-008-json-links-and-stdout"
else
	ko "safe-008-json-links-and-stdout" "exit $rc/$rc2/$rc3"
fi
# a file that cannot be read gets one line on stderr, naming it
"$T" merge --period 2023-Q3 -o "$tmp/c.xlsx" fixtures/demo > /dev/null 2> "$tmp/err"
[ "$(grep -c "11269-tucuong.xlsx" "$tmp/err")" = 1 ] &&
	ok "merge-008-unreadable-on-stderr" || ko "merge-008-unreadable-on-stderr" "$(head -c 300 "$tmp/err")"
# figures each finite whose sum is not: no total, never "inf" in the JSON or the workbook
mkdir "$tmp/big"
for u in 11242-thanhtung 11251-doantung; do
	"$T" read --json "fixtures/demo/$u.xlsx" > "$tmp/big/$u.json" 2>/dev/null
	/usr/bin/python3 - "fixtures/demo/$u.xlsx" "$tmp/big/$u.json" "$tmp/big/$u.xlsx" <<'PY'
import json, sys, openpyxl
v = json.load(open(sys.argv[2], encoding="utf-8"))["values"]["BM1"]["1"]
wb = openpyxl.load_workbook(sys.argv[1])
wb[v["sheet"]][v["cell"]] = 1.5e308
wb.save(sys.argv[3])
PY
done
"$T" merge --period 2023-Q3 -o "$tmp/big.xlsx" --json "$tmp/big.json" "$tmp/big"/*.xlsx > /dev/null 2>&1
rc=$?
if [ "$rc" -le 1 ] && ! grep -qi "inf" "$tmp/big.json" && /usr/bin/python3 - "$tmp/big.json" "$tmp/big.xlsx" <<'PY'
import json, re, sys, zipfile
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d["totals"]["BM1"]["1"] is None, d["totals"]["BM1"]["1"]
with zipfile.ZipFile(sys.argv[2]) as z:
    for n in z.namelist():
        if n.startswith("xl/worksheets/"):
            bad = re.findall(rb"<v>-?(?:inf|nan)", z.read(n), re.I)
            assert not bad, (n, bad)
PY
then ok "merge-009-overflowing-sum"; else ko "merge-009-overflowing-sum" "exit $rc"; fi
# a return that does not write its period: its data window decides; used with a warning
# when the window is the period's, another period's otherwise
mkdir "$tmp/noperiod"
/usr/bin/python3 - fixtures/demo/11242-thanhtung.xlsx "$tmp/noperiod/11242.xlsx" <<'PY'
import re, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
n = 0
for ws in wb:
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and re.search(r"quý III năm 2023", c.value):
                c.value = c.value.replace(" quý III năm 2023", "")
                n += 1
assert n == 1, n
wb.save(sys.argv[2])
PY
"$T" merge --period 2023-Q3 -o "$tmp/np3.xlsx" --json "$tmp/np3.json" "$tmp/noperiod" > /dev/null 2>&1
"$T" merge --period 2023-Q2 -o "$tmp/np2.xlsx" --json "$tmp/np2.json" "$tmp/noperiod" > /dev/null 2> "$tmp/np2.err"
rc=$?
# for Q2 the return is another period's: no return used, nothing written (exit 4), said why
if [ "$rc" = 4 ] && [ ! -e "$tmp/np2.json" ] && [ ! -e "$tmp/np2.xlsx" ] &&
	grep -q "11242.xlsx: sai kỳ báo cáo: không ghi kỳ báo cáo, và thời gian lấy số liệu 10/06/2023" "$tmp/np2.err" &&
	/usr/bin/python3 - "$tmp/np3.json" <<'PY'
import json, sys
q3 = json.load(open(sys.argv[1], encoding="utf-8"))
assert q3["files"][0]["status"] == "used", q3["files"]
assert any(f["rule"] == "merge.period-assumed" for f in q3["findings"]), q3["findings"]
PY
then ok "merge-010-no-period-written"; else ko "merge-010-no-period-written" "exit $rc, see $tmp/np*"; fi
# ... and a window off by a day (09/9 written 10/9) is still the period's
/usr/bin/python3 - "$tmp/noperiod/11242.xlsx" "$tmp/noperiod/11242.xlsx" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
n = 0
for ws in wb:
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and "09/9/2023" in c.value:
                c.value = c.value.replace("09/9/2023", "10/9/2023")
                n += 1
assert n == 1, n
wb.save(sys.argv[2])
PY
"$T" merge --period 2023-Q3 -o "$tmp/np3.xlsx" --json "$tmp/np3.json" "$tmp/noperiod" > /dev/null 2>&1
if /usr/bin/python3 - "$tmp/np3.json" <<'PY'
import json, sys
q3 = json.load(open(sys.argv[1], encoding="utf-8"))
assert q3["files"][0]["status"] == "used", q3["files"]
assert any(f["rule"] == "merge.period-assumed" for f in q3["findings"]), q3["findings"]
PY
then ok "merge-010b-window-typo"; else ko "merge-010b-window-typo" "see $tmp/np3.json"; fi
# ... but a window of six months is not a typo of the quarter's
/usr/bin/python3 - "$tmp/noperiod/11242.xlsx" "$tmp/noperiod/11242.xlsx" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
for ws in wb:
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and "10/9/2023" in c.value:
                c.value = c.value.replace("10/9/2023", "09/12/2023")
wb.save(sys.argv[2])
PY
"$T" merge --period 2023-Q3 -o "$tmp/np6.xlsx" "$tmp/noperiod" > /dev/null 2> "$tmp/np6.err"
rc=$?
if [ "$rc" = 4 ] && [ ! -e "$tmp/np6.xlsx" ] && grep -q "11242.xlsx: sai kỳ báo cáo" "$tmp/np6.err"; then
	ok "merge-010c-window-of-another-length"
else
	ko "merge-010c-window-of-another-length" "exit $rc $(head -c 300 "$tmp/np6.err")"
fi
# a workbook with none of the forms is no return: never counted as received
mkdir "$tmp/other"
/usr/bin/python3 - "$tmp/other/danh-sach.xlsx" <<'PY'
import sys, openpyxl
wb = openpyxl.Workbook()
wb.active["A1"] = "UBND xã Thanh Tùng"
wb.active["A2"] = "Danh sách cán bộ tham gia tập huấn"
wb.save(sys.argv[1])
PY
"$T" merge --period 2023-Q3 -o "$tmp/o.xlsx" --json "$tmp/o.json" "$tmp/other" > /dev/null 2> "$tmp/o.err"
rc=$?
"$T" check "$tmp/other/danh-sach.xlsx" > "$tmp/out" 2>&1
rc2=$?
if [ "$rc" = 4 ] && [ "$rc2" = 4 ] && grep -q "không tìm thấy biểu mẫu nào" "$tmp/out" &&
	[ ! -e "$tmp/o.json" ] && [ ! -e "$tmp/o.xlsx" ] &&
	grep -q "danh-sach.xlsx: không đọc được: không tìm thấy biểu mẫu nào" "$tmp/o.err" &&
	grep -q "không có báo cáo nào của quý III năm 2023 dùng được trong 1 tệp (1 không đọc được)" "$tmp/o.err"; then
	ok "merge-011-no-forms-not-received"
else
	ko "merge-011-no-forms-not-received" "exit $rc/$rc2 $(tail -n 1 "$tmp/o.err")"
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
