#!/usr/bin/env bash
# Outputs a clerk can print, trust and install (issue 13): a merge that would use no return
# writes nothing; fewer units than the output it replaces are said; eight merges writing
# one output at once each leave a whole workbook; the workbook and its JSON replace the old
# pair together or not at all (a full disk: a small tmpfs when mount works, else a file
# size limit); a run killed on the way leaves nothing the next run trips on; a unit whose
# file cannot be read is "Tệp lỗi"; returns kept one folder per commune; progress on a
# terminal only; the template's computed rows recalculated by LibreOffice and read back,
# and its print setup rendered to PDF.
# Usage: tests/outputs.sh TONGHOP GEN_RETURNS. Ends with "N passed, N failed".
# SPDX-License-Identifier: MIT
set -u
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-exitcode=134}
T=${1:?usage: tests/outputs.sh TONGHOP GEN_RETURNS}
G=${2:?usage: tests/outputs.sh TONGHOP GEN_RETURNS}
case $T in /*) ;; *) T=$PWD/$T ;; esac
case $G in /*) ;; *) G=$PWD/$G ;; esac
cd "$(dirname "$0")/.." || exit 2
export LC_ALL=C.UTF-8
tmp=$(mktemp -d)
mnt=""
cleanup() {
	[ -n "$mnt" ] && umount "$mnt" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1: $2"; }
PY=/usr/bin/python3
# temporary files of ours left in a folder (.NAME.XXXXXX)
leftovers() { find "$1" -maxdepth 1 -name '.*.??????' | wc -l; }

# ---- a good pair to keep
"$T" merge --period 2023-Q3 -o "$tmp/good.xlsx" --json "$tmp/good.json" fixtures/demo > /dev/null 2>&1
cp "$tmp/good.xlsx" "$tmp/keep.xlsx"
cp "$tmp/good.json" "$tmp/keep.json"
same_pair() { cmp -s "$tmp/good.xlsx" "$tmp/keep.xlsx" && cmp -s "$tmp/good.json" "$tmp/keep.json"; }

# ---- out-001: a wrong --period uses no return: nothing written, exit 4, why for each file
"$T" merge --period 2024-Q3 -o "$tmp/good.xlsx" --json "$tmp/good.json" fixtures/demo > "$tmp/out" 2> "$tmp/err"
rc=$?
if [ "$rc" = 4 ] && same_pair && [ "$(leftovers "$tmp")" = 0 ] && [ ! -s "$tmp/out" ] &&
	grep -q "11242-thanhtung.xlsx: sai kỳ báo cáo: báo cáo quý III năm 2023, không phải quý III năm 2024" "$tmp/err" &&
	grep -q "không có báo cáo nào của quý III năm 2024 dùng được trong 21 tệp (17 sai kỳ, 1 đơn vị ngoài danh sách, 1 không đọc được, 2 bỏ qua): không ghi $tmp/good.xlsx" "$tmp/err"; then
	ok "out-001-wrong-period-writes-nothing"
else
	ko "out-001-wrong-period-writes-nothing" "exit $rc $(tail -n 1 "$tmp/err")"
fi

# ---- out-002: a mistyped folder, and an empty one: the same
mkdir "$tmp/empty"
"$T" merge --period 2023-Q3 -o "$tmp/good.xlsx" --json "$tmp/good.json" fixtures/dmeo > /dev/null 2> "$tmp/err"
rc=$?
"$T" merge --period 2023-Q3 -o "$tmp/good.xlsx" "$tmp/empty" > /dev/null 2> "$tmp/err2"
rc2=$?
if [ "$rc" = 4 ] && [ "$rc2" = 4 ] && same_pair && grep -q "fixtures/dmeo: không đọc được: không tìm thấy tệp" "$tmp/err" &&
	grep -q "không có tệp nào trong các thư mục đã chọn" "$tmp/err2" &&
	grep -q "dùng được trong 0 tệp: không ghi" "$tmp/err2"; then
	ok "out-002-mistyped-or-empty-folder"
else
	ko "out-002-mistyped-or-empty-folder" "exit $rc/$rc2 $(tail -n 1 "$tmp/err") $(tail -n 1 "$tmp/err2")"
fi

# ---- out-003: fewer units than the output it replaces: said (the count read back from it)
mkdir "$tmp/half"
cp fixtures/demo/11239-thanhmien.xlsx fixtures/demo/11242-thanhtung.xlsx fixtures/demo/11245-phamkha.xlsx "$tmp/half/"
cp "$tmp/keep.xlsx" "$tmp/fewer.xlsx"
"$T" merge --period 2023-Q3 -o "$tmp/fewer.xlsx" "$tmp/half" > "$tmp/out" 2> "$tmp/err"
rc=$?
"$T" merge --period 2023-Q3 -o "$tmp/fewer.xlsx" "$tmp/half" > /dev/null 2> "$tmp/err2"
rc2=$?
if [ "$rc" = 1 ] && [ "$rc2" = 1 ] &&
	grep -q "chú ý: lần tổng hợp này chỉ dùng báo cáo của 3/17 đơn vị, ít hơn 15 đơn vị của tệp $tmp/fewer.xlsx" "$tmp/err" &&
	! grep -q "chú ý" "$tmp/err2" && grep -q "^Đã nhận: 3/17" "$tmp/out"; then
	ok "out-003-fewer-units-said"
else
	ko "out-003-fewer-units-said" "exit $rc/$rc2 $(head -c 300 "$tmp/err")"
fi

# ---- out-004: eight merges writing the same workbook and JSON at once: each leaves a whole
# pair, the very bytes a lone run writes; every run ends as a lone run does (4: the demo's
# broken file), and no temporary file is left
mkdir "$tmp/conc"
pids=()
for i in 1 2 3 4 5 6 7 8; do
	"$T" merge --period 2023-Q3 -o "$tmp/conc/tong-hop.xlsx" --json "$tmp/conc/tong-hop.json" fixtures/demo \
		> "$tmp/conc.out$i" 2> "$tmp/conc.err$i" &
	pids+=($!)
done
codes=""
for p in "${pids[@]}"; do
	wait "$p"
	codes="$codes$?"
done
if [ "$codes" = 44444444 ] && cmp -s "$tmp/conc/tong-hop.xlsx" "$tmp/keep.xlsx" &&
	cmp -s "$tmp/conc/tong-hop.json" "$tmp/keep.json" && [ "$(leftovers "$tmp/conc")" = 0 ] &&
	$PY - "$tmp/conc/tong-hop.xlsx" "$tmp/conc/tong-hop.json" <<'PY'
import json, sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
assert wb.sheetnames[0] == "Tổng hợp" and "Lỗi" in wb.sheetnames, wb.sheetnames
d = json.load(open(sys.argv[2], encoding="utf-8"))
assert sum(u["status"] == "received" for u in d["units"]) == 15
PY
then
	ok "out-004-eight-concurrent-merges"
else
	ko "out-004-eight-concurrent-merges" "exits $codes, left $(leftovers "$tmp/conc") $(cat "$tmp"/conc.err* | grep -v 11269 | head -c 300)"
fi

# ---- out-005: a full disk. The pair is replaced together or not at all: the workbook does
# not fit; the workbook fits and the JSON does not. A small tmpfs when it can be mounted
# (root), else a file size limit (the first case only).
mnt_try=$tmp/mnt
mkdir "$mnt_try"
if mount -t tmpfs -o size=1m tmpfs "$mnt_try" 2> /dev/null; then
	mnt=$mnt_try
	w=$(stat -c %s "$tmp/keep.xlsx")
	j=$(stat -c %s "$tmp/keep.json")
	pages() { echo $(( ($1 + 4095) / 4096 )); }
	# fill the file system leaving $1 pages free; the old pair is in place first
	fill_to() {
		rm -f "$mnt/filler"
		cp "$tmp/keep.xlsx" "$mnt/t.xlsx"
		cp "$tmp/keep.json" "$mnt/t.json"
		local free
		free=$(df -B4096 --output=avail "$mnt" | tail -n 1)
		dd if=/dev/zero of="$mnt/filler" bs=4096 count=$((free - $1)) status=none 2> /dev/null
	}
	for case in workbook json; do
		if [ "$case" = workbook ]; then fill_to $(( $(pages "$w") / 2 )); else fill_to $(( $(pages "$w") + $(pages "$j") / 2 )); fi
		"$T" merge --period 2023-Q3 -o "$mnt/t.xlsx" --json "$mnt/t.json" fixtures/demo > /dev/null 2> "$tmp/err"
		rc=$?
		if [ "$rc" = 5 ] && cmp -s "$mnt/t.xlsx" "$tmp/keep.xlsx" && cmp -s "$mnt/t.json" "$tmp/keep.json" &&
			[ "$(leftovers "$mnt")" = 0 ] && grep -q "không ghi được\|hết chỗ" "$tmp/err"; then
			ok "out-005-full-disk-$case-old-pair-kept"
		else
			ko "out-005-full-disk-$case-old-pair-kept" "exit $rc, left $(leftovers "$mnt") $(head -c 300 "$tmp/err")"
		fi
	done
	# and with room, the pair is replaced
	rm -f "$mnt/filler"
	"$T" merge --period 2023-Q3 -o "$mnt/t.xlsx" --json "$mnt/t.json" "$tmp/half" > /dev/null 2>&1
	rc=$?
	[ "$rc" = 1 ] && ! cmp -s "$mnt/t.xlsx" "$tmp/keep.xlsx" && grep -q '"received"' "$mnt/t.json" &&
		! cmp -s "$mnt/t.json" "$tmp/keep.json" && ok "out-005-room-pair-replaced" || ko "out-005-room-pair-replaced" "exit $rc"
	umount "$mnt" && mnt=""
else
	cp "$tmp/keep.xlsx" "$tmp/t.xlsx"
	cp "$tmp/keep.json" "$tmp/t.json"
	(trap '' XFSZ; ulimit -f 16; exec "$T" merge --period 2023-Q3 -o "$tmp/t.xlsx" --json "$tmp/t.json" fixtures/demo) > /dev/null 2> "$tmp/err"
	rc=$?
	[ "$rc" = 5 ] && cmp -s "$tmp/t.xlsx" "$tmp/keep.xlsx" && cmp -s "$tmp/t.json" "$tmp/keep.json" &&
		[ "$(leftovers "$tmp")" = 0 ] && ok "out-005-file-size-limit-old-pair-kept (no tmpfs here)" ||
		ko "out-005-file-size-limit-old-pair-kept" "exit $rc $(head -c 300 "$tmp/err")"
fi

# ---- out-006: kill -9 while the workbook is written: its temporary file stays; the next
# run succeeds beside it; once it is older than a minute and no live run holds it, the next
# run removes it; one a live process still holds is left alone
mkdir "$tmp/kill"
"$G" schemas/cchc-haiduong-2023.ini "$tmp/gen" 60 > /dev/null
"$T" merge --period 2023-Q3 --roster "$tmp/gen/roster.ini" -o "$tmp/lone.xlsx" "$tmp/gen/returns" > /dev/null 2>&1
rc0=$? # what a run that is not killed ends with
killed=""
for attempt in 1 2 3 4 5; do
	"$T" merge --period 2023-Q3 --roster "$tmp/gen/roster.ini" -o "$tmp/kill/out.xlsx" "$tmp/gen/returns" > /dev/null 2>&1 &
	pid=$!
	while kill -0 "$pid" 2> /dev/null; do
		killed=$(compgen -G "$tmp/kill/.out.xlsx.??????")
		[ -n "$killed" ] && kill -9 "$pid" 2> /dev/null && break
	done
	wait "$pid" 2> /dev/null
	[ -n "$killed" ] && [ -e "$killed" ] && [ ! -e "$tmp/kill/out.xlsx" ] && break
	killed=""
	rm -f "$tmp/kill/out.xlsx"
done
if [ -n "$killed" ]; then
	"$T" merge --period 2023-Q3 --roster "$tmp/gen/roster.ini" -o "$tmp/kill/out.xlsx" "$tmp/gen/returns" > /dev/null 2>&1
	rc=$?
	young_kept=no
	[ -e "$killed" ] && young_kept=yes
	# a stale one (old, unlocked) and an old one a live process holds
	touch -d '2 minutes ago' "$killed"
	held="$tmp/kill/.out.xlsx.HeLd42"
	: > "$held"
	touch -d '2 minutes ago' "$held"
	flock "$held" sleep 60 &
	holder=$!
	sleep 0.3
	"$T" merge --period 2023-Q3 --roster "$tmp/gen/roster.ini" -o "$tmp/kill/out.xlsx" "$tmp/gen/returns" > /dev/null 2>&1
	rc2=$?
	kill "$holder" 2> /dev/null
	wait "$holder" 2> /dev/null
	if [ "$rc" = "$rc0" ] && [ "$rc2" = "$rc0" ] && [ "$young_kept" = yes ] && [ ! -e "$killed" ] && [ -e "$held" ] &&
		$PY -c 'import openpyxl,sys; openpyxl.load_workbook(sys.argv[1])' "$tmp/kill/out.xlsx"; then
		ok "out-006-kill-9-then-next-run"
	else
		ko "out-006-kill-9-then-next-run" "exit $rc/$rc2 (lone $rc0) young kept $young_kept, stale left $([ -e "$killed" ] && echo yes), held $([ -e "$held" ] && echo kept)"
	fi
else
	ko "out-006-kill-9-then-next-run" "the run never showed its temporary file"
fi

# ---- out-007/008: returns kept one folder per commune (as mail attachments are saved); a
# broken file in a commune's folder makes the unit "Tệp lỗi" (file and reason), not
# "Chưa nhận"; lock files, links and folders too deep are skipped and said; the output
# written inside the folder is not read back
d=$tmp/mail
mkdir -p "$d/11239-thanhmien" "$d/11242-thanhtung" "$d/11245 Pham Kha/Q3" "$d/khac/a/b/c" "$d/11248-ngoquyen"
cp fixtures/demo/11239-thanhmien.xlsx "$d/11239-thanhmien/bao-cao.xlsx"
cp fixtures/demo/11239-thanhmien.xlsx "$d/11239-thanhmien/~\$bao-cao.xlsx"
cp fixtures/demo/11242-thanhtung.xlsx "$d/11242-thanhtung/BC CCHC quy 3.xlsx"
cp fixtures/demo/11245-phamkha.xlsx "$d/11245 Pham Kha/Q3/bao-cao.xlsx"
cp fixtures/demo/11251-doantung.xlsx "$d/khac/a/b/c/11251.xlsx"
head -c 4000 fixtures/demo/11248-ngoquyen.xlsx > "$d/11248-ngoquyen/bao-cao.xlsx"
ln -s "$PWD/fixtures/demo" "$d/lien-ket"
"$T" merge --period 2023-Q3 -o "$d/tong-hop.xlsx" --json "$tmp/mail.json" "$d" > "$tmp/out" 2> "$tmp/err"
rc=$?
"$T" merge --period 2023-Q3 -o "$d/tong-hop.xlsx" --json "$tmp/mail2.json" "$d" > /dev/null 2>&1
if [ "$rc" = 4 ] && $PY - "$tmp/mail.json" "$tmp/mail2.json" "$d/tong-hop.xlsx" "$d" <<'PY'
import json, sys, openpyxl
d = json.load(open(sys.argv[1], encoding="utf-8"))
root = sys.argv[4] + "/"
st = {f["path"][len(root):]: (f["status"], f["unit"], f["message"]) for f in d["files"]}
assert st["11239-thanhmien/bao-cao.xlsx"][0] == "used", st
assert st["11242-thanhtung/BC CCHC quy 3.xlsx"][0] == "used", st
assert st["11245 Pham Kha/Q3/bao-cao.xlsx"][0] == "used", st
assert st["11239-thanhmien/~$bao-cao.xlsx"][0] == "skipped", st
assert st["lien-ket"][0] == "skipped" and "liên kết" in st["lien-ket"][2], st
assert st["khac/a/b/c"][0] == "skipped" and "sâu quá 3 cấp" in st["khac/a/b/c"][2], st
assert st["11248-ngoquyen/bao-cao.xlsx"][:2] == ("unreadable", "11248"), st
assert not any("11251" in p for p in st), st
units = {u["code"]: u for u in d["units"]}
assert [c for c, u in units.items() if u["status"] == "received"] == ["11239", "11242", "11245"], units
ng = units["11248"]
assert ng["status"] == "unreadable" and ng["file"].endswith("11248-ngoquyen/bao-cao.xlsx") and ng["message"], ng
assert units["11251"]["status"] == "missing", units["11251"]
d2 = json.load(open(sys.argv[2], encoding="utf-8"))
own = [f for f in d2["files"] if f["path"].endswith("/tong-hop.xlsx")]
assert len(own) == 1 and own[0]["status"] == "skipped", own
ws = openpyxl.load_workbook(sys.argv[3])["Tổng hợp"]
rows = {}
for r in ws.iter_rows():
    if r[1].value in ("11248", "11251"):
        rows.setdefault(r[1].value, [c.value for c in r])  # the unit table comes before the file list
assert rows["11248"][3] == "Tệp lỗi" and "11248-ngoquyen/bao-cao.xlsx — " in rows["11248"][4], rows
assert rows["11251"][3] == "Chưa nhận", rows
PY
then ok "out-007-commune-folders-and-broken-file"; else ko "out-007-commune-folders-and-broken-file" "exit $rc, see $tmp/mail.json"; fi
grep -q "^Tệp lỗi: Xã Ngô Quyền — $d/11248-ngoquyen/bao-cao.xlsx: " "$tmp/out" && ! grep -q "Chưa nhận.*Ngô Quyền" "$tmp/out" &&
	ok "out-008-summary-says-broken" || ko "out-008-summary-says-broken" "$(grep -i "tệp lỗi\|chưa nhận" "$tmp/out")"

# ---- out-009: progress on a terminal only: shown when standard error is a terminal (a
# pty here), silenced by --quiet, never into a pipe, never in the JSON on standard output
$PY - "$T" "$tmp" <<'PY' > "$tmp/pty.txt" 2>&1
import os, pty, subprocess, sys
t, tmp = sys.argv[1], sys.argv[2]
def run(extra):
    m, s = pty.openpty()
    p = subprocess.Popen([t, "merge", "--period", "2023-Q3", "-o", tmp + "/p.xlsx", "--json", "-", *extra, "fixtures/demo"],
                         stdout=subprocess.PIPE, stderr=s, stdin=subprocess.DEVNULL)
    os.close(s)
    err = b""
    while True:
        try:
            b = os.read(m, 4096)
        except OSError:
            break
        if not b:
            break
        err += b
    out = p.stdout.read()
    p.wait()
    os.close(m)
    return out, err.decode("utf-8", "replace")
out, err = run([])
assert "Đã đọc 0/21 tệp, đang đọc: fixtures/demo/11131-chiminh.xlsx" in err, err[:400]
# the progress line is cleared before anything else is said
tail = err[err.rindex("Đã đọc"):]
assert "\r\x1b[K" in tail.split("\n")[0] and "Tổng hợp quý III năm 2023" in tail, tail[:300]
assert b"\xc4\x90ang" not in out and out.lstrip().startswith(b"{"), out[:100]
out, err = run(["--quiet"])
assert "đang đọc" not in err, err[:400]
print("pty ok")
PY
"$T" merge --period 2023-Q3 -o "$tmp/p.xlsx" fixtures/demo > /dev/null 2> "$tmp/err"
if grep -q "pty ok" "$tmp/pty.txt" && ! grep -q "đang đọc" "$tmp/err"; then
	ok "out-009-progress-on-terminal-only"
else
	ko "out-009-progress-on-terminal-only" "$(grep -a -A3 Error "$tmp/pty.txt" | head -c 600)"
fi

# ---- out-010: the template computes what can be computed. A blank template reads blank
# (cached ""); filled by another program and recalculated by LibreOffice, the computed rows
# read as computed (905/922 -> 98.16, never a typed 98.17), the checks pass; saved without
# recalculation, tonghop computes the cells itself and says so, never reads them as 0
"$T" template -o "$tmp/mau.xlsx" --unit 11248 --period 2023-Q3 > /dev/null 2>&1
$PY - "$tmp/mau.xlsx" "$tmp/filled.xlsx" <<'PY'
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
def row(sheet, code):
    for r in wb[sheet].iter_rows():
        if isinstance(r[0].value, str) and r[0].value.strip().rstrip(".") == code:
            return r
    raise KeyError(code)
for sheet, code, f in [("Biểu mẫu 7", "6.7", "ROUND(D30/D29*100,2)"), ("Biểu mẫu 6", "2.4", "SUM(D13,D14,D15)"),
                       ("Biểu mẫu 7", "6.6.1", "SUM(D19,D23)"), ("Biểu mẫu 1", "2", "ROUND(D8/D7*100,2)")]:
    c = row(sheet, code)[3]
    assert isinstance(c.value, str) and c.value.startswith("=") and f in c.value, (code, c.value)
    assert c.protection.locked, code
for sheet, code in [("Biểu mẫu 1", "4.1"), ("Biểu mẫu 3", "1.4"), ("Biểu mẫu 6", "2.1")]:
    c = row(sheet, code)[3]
    assert c.value is None and not c.protection.locked, (code, c.value)
for sheet, code, v in [("Biểu mẫu 7", "6.7.1", 922), ("Biểu mẫu 7", "6.7.2", 905), ("Biểu mẫu 6", "2.4.1", 1),
                       ("Biểu mẫu 6", "2.4.2", 2), ("Biểu mẫu 7", "6.4.2", 10), ("Biểu mẫu 7", "6.5.2", 5),
                       ("Biểu mẫu 1", "2.1", 8), ("Biểu mẫu 1", "2.2", 0)]:
    row(sheet, code)[3].value = v
wb.save(sys.argv[2])
PY
"$T" read --json "$tmp/mau.xlsx" > "$tmp/mau.json" 2> /dev/null
"$T" read --json "$tmp/filled.xlsx" > "$tmp/filled.json" 2> /dev/null
lo="-env:UserInstallation=file://$tmp/lo-profile"
(cd "$tmp" && timeout 120 soffice "$lo" --headless --convert-to xlsx --outdir "$tmp/lo" filled.xlsx > /dev/null 2>&1)
"$T" read --json "$tmp/lo/filled.xlsx" > "$tmp/lo.json" 2> /dev/null
"$T" check --json --period 2023-Q3 "$tmp/lo/filled.xlsx" > "$tmp/lo-check.json" 2> /dev/null
if $PY - "$tmp/mau.json" "$tmp/filled.json" "$tmp/lo.json" "$tmp/lo-check.json" <<'PY'
import json, sys
blank, raw, lo, chk = (json.load(open(p, encoding="utf-8")) for p in sys.argv[1:5])
assert {v["state"] for f in blank["values"].values() for v in f.values()} == {"blank"}
assert not [p for p in blank["problems"] if p["rule"] == "read.formula-not-computed"], blank["problems"]
# saved by openpyxl without results: tonghop computes them itself, and says so
nc = {(p["form"], p["code"]) for p in raw["problems"] if p["rule"] == "read.formula-computed"}
assert ("BM7", "6.7") in nc and ("BM6", "2.4") in nc, nc
r67 = raw["values"]["BM7"]["6.7"]
assert r67["state"] == "number" and abs(r67["value"] - 98.16) < 1e-9 and r67.get("how") == "tính lại từ công thức", r67
v = lo["values"]
want = {("BM7", "6.7"): 98.16, ("BM6", "2.4"): 3, ("BM7", "6.6.1"): 15, ("BM1", "2"): 0}
for (f, c), x in want.items():
    assert v[f][c]["state"] == "number" and abs(v[f][c]["value"] - x) < 1e-9, (f, c, v[f][c])
for f, c in [("BM7", "6.6"), ("BM7", "6.4"), ("BM1", "3.3"), ("BM6", "1")]:
    assert v[f][c]["state"] == "blank", (f, c, v[f][c])
assert not [p for p in lo["problems"] if p["rule"].startswith("read.formula")], lo["problems"]
# a template filled in part: its only errors are the required rows still blank (#11)
bad = [x for x in chk["findings"] if x["severity"] == "error" and x["rule"] != "fill.required"]
assert not bad, bad
unfilled = [(x["form"], x["code"]) for x in chk["findings"] if x["rule"] == "fill.required"]
assert unfilled and all(v[f][c]["state"] == "blank" for f, c in unfilled), unfilled
assert not {("BM7", "6.7.1"), ("BM7", "6.7.2"), ("BM1", "2.1"), ("BM1", "2.2")} & set(unfilled), unfilled
PY
then ok "out-010-template-computes-libreoffice-recalculates"; else ko "out-010-template-computes-libreoffice-recalculates" "see $tmp/*.json"; fi

# ---- out-011: the template prints legibly on A4: each form one page wide, landscape, its
# titles repeated, the unit, period and page number in the footer (rendered by LibreOffice)
(cd "$tmp" && timeout 120 soffice "$lo" --headless --convert-to pdf --outdir "$tmp/pdf" mau.xlsx > /dev/null 2>&1)
if $PY - "$tmp/mau.xlsx" <<'PY' && [ -s "$tmp/pdf/mau.pdf" ]
import sys, openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
for ws in wb.worksheets:
    ps = ws.page_setup
    assert str(ps.paperSize) == "9", (ws.title, ps.paperSize)
    assert "Trang &P/&N" in (ws.oddFooter.right.text or ""), (ws.title, ws.oddFooter.right.text)
    assert ws.oddFooter.left.text == "UBND xã Ngô Quyền", ws.oddFooter.left.text
    assert ws.oddFooter.center.text == "quý III năm 2023", ws.oddFooter.center.text
    assert ws.sheet_properties.pageSetUpPr.fitToPage and (ps.fitToWidth or 1) == 1 and ps.fitToHeight == 0, ws.title
    if ws.title.startswith("Biểu mẫu"):
        assert ps.orientation == "landscape", ws.title
        assert ws.print_title_rows == "$1:$4" and ws.print_title_cols == "$A:$B", (ws.print_title_rows, ws.print_title_cols)
PY
then
	pages=$(pdfinfo "$tmp/pdf/mau.pdf" | sed -n 's/^Pages: *//p')
	wide=0
	for i in $(seq 2 "$pages"); do
		pdfinfo -f "$i" -l "$i" "$tmp/pdf/mau.pdf" | grep -q "size: *841.89 x 595.3" && wide=$((wide + 1))
	done
	pdftotext -layout "$tmp/pdf/mau.pdf" "$tmp/pdf/mau.txt"
	# every form page carries the header row and the footer; the one form that needs two
	# pages (Biểu mẫu 7) repeats its title on the second
	if [ "$wide" = $((pages - 1)) ] && [ "$(grep -c "Trang [0-9]*/$pages" "$tmp/pdf/mau.txt")" = "$pages" ] &&
		[ "$(grep -c "UBND xã Ngô Quyền" "$tmp/pdf/mau.txt")" -ge "$pages" ] &&
		[ "$(grep -c "Biểu mẫu 7 *$" "$tmp/pdf/mau.txt")" -ge 2 ] &&
		[ "$(grep -c "STT *Chỉ tiêu thống kê" "$tmp/pdf/mau.txt")" -ge 8 ]; then
		ok "out-011-template-prints-on-a4 ($pages pages)"
	else
		ko "out-011-template-prints-on-a4" "pages $pages, landscape $wide, see $tmp/pdf/mau.txt"
	fi
else
	ko "out-011-template-prints-on-a4" "page setup or PDF missing"
fi

# ---- out-012: the consolidated workbook prints legibly on A4 (rendered by LibreOffice): each
# form sheet landscape, its titles, header, code/label and total columns on every page, no text
# shrunk below a readable size to fit the width (the unit columns run on following pages
# instead), every unit's column printed, the roster, period and "Trang x/N" in each footer;
# rows tall enough for their wrapped labels; "Tổng hợp" and "Lỗi" one page wide
"$T" merge --period 2023-Q3 -o "$tmp/in.xlsx" --json "$tmp/in.json" fixtures/demo > /dev/null 2>&1
(cd "$tmp" && timeout 180 soffice "$lo" --headless --convert-to pdf --outdir "$tmp/pdf" in.xlsx > /dev/null 2>&1)
if [ -s "$tmp/pdf/in.pdf" ] && pdftotext -bbox "$tmp/pdf/in.pdf" "$tmp/pdf/in.html" &&
	pdfinfo -f 1 -l 999 "$tmp/pdf/in.pdf" > "$tmp/pdf/in.info" &&
	out=$($PY - "$tmp/in.xlsx" "$tmp/in.json" "$tmp/pdf/in.html" "$tmp/pdf/in.info" <<'PY'
import json, re, sys, html
import openpyxl
wb = openpyxl.load_workbook(sys.argv[1])
res = json.load(open(sys.argv[2], encoding="utf-8"))
forms = [n for n in wb.sheetnames if n not in ("Tổng hợp", "Lỗi", "Tệp đã nhận", "tonghop")]
# the metadata for a merge one level up (merge/upward.h) is hidden: never printed
assert [ws.title for ws in wb.worksheets if ws.sheet_state != "visible"] == ["tonghop"]
for ws in wb.worksheets:
    if ws.sheet_state != "visible":
        continue
    ps = ws.page_setup
    assert str(ps.paperSize) == "9", (ws.title, ps.paperSize)
    assert ws.oddFooter.left.text == "Huyện Thanh Miện" and ws.oddFooter.center.text == "quý III năm 2023", ws.title
    assert "Trang &P/&N" in (ws.oddFooter.right.text or ""), ws.title
    if ws.title in forms:
        assert ps.orientation == "landscape", ws.title
        assert ws.print_title_rows == "$1:$6" and ws.print_title_cols == "$A:$D", (ws.title, ws.print_title_rows, ws.print_title_cols)
        # a label of more than a line has a row tall enough for its lines
        for r in range(7, ws.max_row + 1):
            label = ws.cell(r, 2).value or ""
            h = ws.row_dimensions[r].height
            if len(label) > 60:
                assert h and h >= 15 * (len(label) // 60 + 1), (ws.title, r, label, h)
    else:
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ps.fitToHeight == 0, ws.title
sizes = [re.search(r"size: *([\d.]+) x ([\d.]+)", l).groups() for l in open(sys.argv[4]) if re.match(r"Page +\d+ size", l)]
pages = re.findall(r"<page [^>]*>(.*?)</page>", open(sys.argv[3], encoding="utf-8").read(), re.S)
assert len(pages) == len(sizes), (len(pages), len(sizes))
n, codes, small, form_pages = len(pages), set(), [], 0
for i, (pg, (w, h)) in enumerate(zip(pages, sizes)):
    words = [(float(a), float(b), html.unescape(t)) for a, b, t in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', pg)]
    text = " ".join(t for _, _, t in words)
    assert "Trang %d/%d" % (i + 1, n) in text and "Huyện Thanh Miện" in text, ("footer", i + 1)
    if "Tổng hợp quý III năm 2023" in text:  # a form page: its titles repeated
        form_pages += 1
        assert float(w) > float(h), ("form page not landscape", i + 1, w, h)
        assert "Biểu mẫu" in text and "STT" in text and "Chỉ tiêu" in text, ("titles", i + 1)
        codes |= {t for _, _, t in words if re.fullmatch(r"\d{5}", t)}
        # the body's words (not the 8-point footer): none shrunk below ~8 points
        body = sorted(b - a for a, b, t in words if not t.startswith("Trang"))
        small.append(body[len(body) // 5])
want = {u["code"] for u in res["units"]}
assert want <= codes, ("unit columns not printed", sorted(want - codes))
assert form_pages >= len(forms) and min(small) >= 7.5, (form_pages, min(small))
print("%d pages, %d of forms, smallest text %.1f pt" % (n, form_pages, min(small)))
PY
); then
	ok "out-012-merge-prints-on-a4 ($out)"
else
	ko "out-012-merge-prints-on-a4" "${out:-no PDF}"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
