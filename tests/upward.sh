#!/usr/bin/env bash
# Upward consolidation (issue #16): the ministry merges the provinces' consolidated workbooks.
#   - two provinces (Thành phố Hải Phòng with the shipped roster, tỉnh Ninh Bình with a roster
#     schemas/gen/generate.py writes) get generated returns for 2026-Q1 (one Hải Phòng return
#     edited by hand: a dash, a figure written as text, a blank; one file that is no
#     workbook), each province merges its own, then the two province workbooks are merged
#     with the national roster: every total, the totals left incomplete, every unit, every
#     finding and the completeness per province equal one merge of all the returns, and so
#     do the form sheets and the error sheet of the two workbooks, cached totals included;
#   - a province workbook of another period, or of another schema (another id, or the same
#     id with a row added up differently), is refused with a Vietnamese message and a
#     finding, and the other inputs are still merged;
#   - a province workbook next to loose returns; the same return given loose and carried
#     by the workbook is used once, the loose one;
#   - a workbook whose cell was edited by hand (the metadata says one thing, the cell
#     another), and one whose metadata was cut, are refused, the edited one at its cell.
# Usage: tests/upward.sh TONGHOP GEN_RETURNS. Ends with "N passed, N failed".
# SPDX-License-Identifier: MIT
set -u
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-exitcode=134}
T=$(cd "$(dirname "${1:?usage: tests/upward.sh TONGHOP GEN_RETURNS}")" && pwd)/$(basename "$1")
G=$(cd "$(dirname "${2:?usage: tests/upward.sh TONGHOP GEN_RETURNS}")" && pwd)/$(basename "$2")
cd "$(dirname "$0")/.." || exit 2
SRC=$(pwd)
export LC_ALL=C.UTF-8 NO_COLOR=1
unset TONGHOP_SCHEMA TONGHOP_RULES TONGHOP_ROSTER TONGHOP_CALENDAR
# the runs happen outside the tree: the shipped schema is named (its rules, rosters and
# calendars are found beside it, as without a name)
export TONGHOP_SCHEMA=$SRC/schemas/cchc-haiduong-2023.ini
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1: $2"; }
# same_sheets NAME A B: the form sheets and the error sheet of A.xlsx and B.xlsx (cached
# totals included) are the same, cell for cell
same_sheets() {
	for f in "$2" "$3"; do
		"$T" dump "$f.xlsx" | grep -E '^(BM[0-9]|Lỗi)	' > "$f.dump"
	done
	if [ -s "$2.dump" ] && cmp -s "$2.dump" "$3.dump"; then
		ok "$1"
	else
		ko "$1" "$(diff "$2.dump" "$3.dump" | head -n 4 | tr '\n' ' ')"
	fi
}
PY=/usr/bin/python3
NAT=$SRC/schemas/roster-national.ini
SCHEMA=$SRC/schemas/cchc-haiduong-2023.ini
CAL=$SRC/schemas/calendar-national.ini
# everything runs in $tmp with relative paths: a province records its returns' paths as
# given, and the direct merge gives the same ones
cd "$tmp" || exit 2

# ---- the returns of two provinces
$PY "$SRC/schemas/gen/generate.py" --province "Ninh Bình" -o nb.ini > /dev/null 2>&1 ||
	ko "upward-000-setup" "generate.py --province failed"
"$G" --roster "$SRC/schemas/roster-haiphong.ini" --period 2026-Q1 --calendar "$CAL" "$SCHEMA" hp 6 > gen.out 2>&1 &&
	"$G" --clean "$SRC/rules/cchc-haiduong-2023.ini" --roster nb.ini --period 2026-Q1 --calendar "$CAL" \
		"$SCHEMA" nb 5 >> gen.out 2>&1 || ko "upward-000-setup" "$(head -c 300 gen.out)"
mkdir -p q2 && "$G" --roster nb.ini --period 2026-Q2 --calendar "$CAL" "$SCHEMA" q2 1 >> gen.out 2>&1
# by hand in one Hải Phòng return: the first three figures become a text that is no number
# (the total of its row then leaves the unit out, and says so), a dash and a blank
$PY - hp/returns/"$(ls hp/returns | head -n 1)" <<'PY'
import re, sys, zipfile
p = sys.argv[1]
z = zipfile.ZipFile(p)
items = [(i, z.read(i.filename)) for i in z.infolist()]
z.close()
out = zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED)
for i, d in items:
    if i.filename == "xl/worksheets/sheet1.xml":
        s = d.decode()
        cells = re.findall(r'<c r="(D\d+)"( s="\d+")?><v>[^<]*</v></c>', s)
        subst = ['<c r="%s" t="inlineStr"><is><t>không rõ</t></is></c>',
                 '<c r="%s" t="inlineStr"><is><t>-</t></is></c>', '']
        for (ref, _), new in zip(cells[:3], subst):
            s = re.sub(r'<c r="%s"( s="\d+")?><v>[^<]*</v></c>' % ref, (new % ref) if new else "", s, count=1)
        d = s.encode()
    out.writestr(i, d)
out.close()
PY
# a file of the seventh Hải Phòng unit that is no workbook: the province shows it "Tệp lỗi"
code7=$(grep -E '^\[[0-9]{5}\]' "$SRC/schemas/roster-haiphong.ini" | sed -n 7p | tr -d '[]')
echo "không phải bảng tính" > "hp/returns/$code7.xlsx"

# ---- each province merges its own; the ministry merges both workbooks, and all returns
"$T" merge --period 2026-Q1 -o hp.xlsx --json hp.json hp/returns > hp.out 2> hp.err
rc_hp=$?
"$T" merge --period 2026-Q1 --roster nb.ini -o nb.xlsx --json nb.json nb/returns > nb.out 2> nb.err
rc_nb=$?
"$T" merge --period 2026-Q1 --roster "$NAT" -o all.xlsx --json all.json hp/returns nb/returns > all.out 2> all.err
"$T" merge --period 2026-Q1 --roster "$NAT" -o up.xlsx --json up.json hp.xlsx nb.xlsx > up.out 2> up.err
rc_up=$?
if [ "$rc_hp" = 4 ] && [ "$rc_nb" -le 1 ] && $PY - <<'PY'
import json
hp, nb = json.load(open("hp.json")), json.load(open("nb.json"))
assert hp["level"] == "province" and nb["level"] == "province", (hp["level"], nb["level"])
assert hp["provinces"] == [{"name": "Thành phố Hải Phòng", "received": 6, "expected": 114}], hp["provinces"]
assert nb["provinces"][0]["name"] == "Tỉnh Ninh Bình" and nb["provinces"][0]["received"] == 5, nb["provinces"]
assert hp["incomplete"], "the text figure should leave a total incomplete"
assert [u for u in hp["units"] if u["status"] == "unreadable"], "no Tệp lỗi unit"
PY
then
	ok "upward-001-province-merges"
else
	ko "upward-001-province-merges" "exit $rc_hp/$rc_nb $(head -c 300 hp.err)"
fi
# the returns a workbook carries are no files of this merge: exit 1 (findings), not 4 for
# the province's unreadable file
if [ "$rc_up" = 1 ] && $PY - <<'PY'
import json
a, b = json.load(open("all.json")), json.load(open("up.json"))
assert a["level"] == b["level"] == "national", (a["level"], b["level"])
assert a["totals"] == b["totals"], [(f, c, a["totals"][f][c], b["totals"][f][c]) for f in a["totals"]
                                    for c in a["totals"][f] if a["totals"][f][c] != b["totals"][f][c]][:5]
assert a["incomplete"] == b["incomplete"] and b["incomplete"], (a["incomplete"], b["incomplete"])
strip = lambda us: [{k: v for k, v in u.items() if k != "via"} for u in us]
for x, y in zip(strip(a["units"]), strip(b["units"])):
    assert x == y, (x, y)
assert len(a["units"]) == len(b["units"]) == 3321
assert a["findings"] == b["findings"] and len(b["findings"]) > 10, len(b["findings"])
assert a["provinces"] == b["provinces"]
prov = {p["name"]: (p["received"], p["expected"]) for p in b["provinces"]}
assert prov["Thành phố Hải Phòng"] == (6, 114) and prov["Tỉnh Ninh Bình"][0] == 5, prov
assert sum(p["received"] for p in b["provinces"]) == 11 and len(b["provinces"]) == 34
via = {u["via"] for u in b["units"] if u["status"] != "missing"}
assert via == {"hp.xlsx", "nb.xlsx"}, via
assert all(u["via"] is None for u in a["units"])
files = {f["path"]: f for f in b["files"]}
assert set(files) == {"hp.xlsx", "nb.xlsx"}, files
assert files["hp.xlsx"]["book"] == {"level": "province", "roster": "Thành phố Hải Phòng", "received": 6,
                                    "expected": 114, "used": 6}, files["hp.xlsx"]
assert files["hp.xlsx"]["message"].startswith("sổ tổng hợp Thành phố Hải Phòng (cấp tỉnh): đã nhận 6/114"), files
PY
then
	ok "upward-002-national-from-two-provinces-equals-all-returns"
else
	ko "upward-002-national-from-two-provinces-equals-all-returns" "exit $rc_up $(head -c 300 up.err)"
fi
# the form sheets and the error sheet, cached totals included, cell for cell
same_sheets upward-003-form-sheets-identical all up
grep -q "^Đã nhận: 11/3321 đơn vị" up.out && grep -q "^Tệp lỗi: " up.out &&
	ok "upward-004-summary" || ko "upward-004-summary" "$(head -n 4 up.out | tr '\n' ' ')"
# a province workbook merged again at the province level gives the province's totals
"$T" merge --period 2026-Q1 -o hp2.xlsx --json hp2.json hp.xlsx > /dev/null 2>&1
$PY -c '
import json
a, b = json.load(open("hp.json")), json.load(open("hp2.json"))
assert a["totals"] == b["totals"] and a["incomplete"] == b["incomplete"] and a["provinces"] == b["provinces"]
' 2> err.txt && ok "upward-005-province-workbook-again" || ko "upward-005-province-workbook-again" "$(tail -n 2 err.txt)"

# ---- refused: another period, another schema; the other inputs still merge
"$T" merge --period 2026-Q2 --roster "$NAT" -o q2.xlsx --json q2.json hp.xlsx q2/returns > q2.out 2> q2.err
rc=$?
if [ "$rc" -le 1 ] && $PY - <<'PY'
import json
d = json.load(open("q2.json"))
f = [x for x in d["files"] if x["path"] == "hp.xlsx"][0]
assert f["status"] == "wrong_period", f
assert f["message"] == "sổ tổng hợp quý I năm 2026 của Thành phố Hải Phòng, không phải quý II năm 2026", f
fd = [x for x in d["findings"] if x.get("file") == "hp.xlsx"]
assert len(fd) == 1 and fd[0]["rule"] == "merge.upward-period" and "unit" not in fd[0], fd
assert sum(p["received"] for p in d["provinces"]) == 1, d["provinces"]
PY
then
	ok "upward-010-other-period-refused"
else
	ko "upward-010-other-period-refused" "exit $rc $(head -c 300 q2.err)"
fi
mkdir -p other && sed 's/^id *= *cchc-haiduong-2023/id = cchc-rieng/' "$SCHEMA" > other/cchc-rieng.ini
cp "$SRC/rules/cchc-haiduong-2023.ini" other/rules.ini
"$T" merge --period 2026-Q1 --schema other/cchc-rieng.ini --rules other/rules.ini --roster "$SRC/schemas/roster-haiphong.ini" \
	--calendar "$CAL" -o other.xlsx hp/returns > /dev/null 2>&1
"$T" merge --period 2026-Q1 --roster "$NAT" -o x.xlsx --json x.json other.xlsx nb.xlsx > x.out 2> x.err
rc=$?
if [ "$rc" = 4 ] && grep -q "^tonghop: other.xlsx: sổ tổng hợp lập theo biểu mẫu 'cchc-rieng' (dấu [0-9a-f]*), không phải biểu mẫu 'cchc-haiduong-2023'" x.err &&
	$PY -c '
import json
d = json.load(open("x.json"))
f = {x["path"]: x for x in d["files"]}
assert f["other.xlsx"]["status"] == "refused" and f["nb.xlsx"]["status"] == "used", f
assert sum(p["received"] for p in d["provinces"]) == 5
assert [x["rule"] for x in d["findings"] if x.get("file") == "other.xlsx"] == ["merge.upward-schema"]
'; then
	ok "upward-011-other-schema-refused"
else
	ko "upward-011-other-schema-refused" "exit $rc $(head -c 300 x.err)"
fi
# the same id, but a row that adds up differently: its fingerprint tells
sed 's/^id *= *cchc-haiduong-2023/id = cchc-haiduong-2023/; 0,/| sum |/s/| sum |/| none |/' "$SCHEMA" > other/same-id.ini
if cmp -s other/same-id.ini "$SCHEMA"; then
	ko "upward-012-same-id-other-rows-refused" "the schema was not changed"
else
	"$T" merge --period 2026-Q1 --schema other/same-id.ini --rules other/rules.ini --roster "$SRC/schemas/roster-haiphong.ini" \
		--calendar "$CAL" -o same.xlsx hp/returns > /dev/null 2>&1
	"$T" merge --period 2026-Q1 --roster "$NAT" -o x.xlsx same.xlsx nb.xlsx > x.out 2> x.err
	rc=$?
	[ "$rc" = 4 ] && grep -q "^tonghop: same.xlsx: sổ tổng hợp lập theo một bản khác của biểu mẫu 'cchc-haiduong-2023'" x.err &&
		ok "upward-012-same-id-other-rows-refused" || ko "upward-012-same-id-other-rows-refused" "exit $rc $(head -c 300 x.err)"
fi

# ---- a province workbook next to loose returns
"$T" merge --period 2026-Q1 --roster "$NAT" -o mix.xlsx --json mix.json hp.xlsx nb/returns > /dev/null 2> mix.err
rc=$?
first=$(ls hp/returns | head -n 1)
"$T" merge --period 2026-Q1 --roster "$NAT" -o mix2.xlsx --json mix2.json hp.xlsx "hp/returns/$first" nb.xlsx > /dev/null 2> mix2.err
rc2=$?
if [ "$rc" = 1 ] && [ "$rc2" = 1 ] && $PY - "hp/returns/$first" <<'PY'
import json, sys
a, m, m2 = json.load(open("all.json")), json.load(open("mix.json")), json.load(open("mix2.json"))
for d in (m, m2):
    assert d["totals"] == a["totals"] and d["incomplete"] == a["incomplete"], "totals differ"
    assert d["findings"] == a["findings"], "findings differ"
via = {u["code"]: u["via"] for u in m["units"] if u["status"] == "received"}
assert sorted(set(via.values()), key=str) == [None, "hp.xlsx"] and list(via.values()).count(None) == 5, via
u = [x for x in m2["units"] if x["file"] == sys.argv[1]][0]
assert u["via"] == "hp.xlsx", u   # on the same date, the workbook's copy (the province's choice) beats a file given
f = {x["path"]: x for x in m2["files"]}
assert f["hp.xlsx"]["book"]["used"] == 6, f["hp.xlsx"]
assert f[sys.argv[1]]["status"] == "superseded", f[sys.argv[1]]
PY
then
	ok "upward-020-workbook-and-loose-returns"
else
	ko "upward-020-workbook-and-loose-returns" "exit $rc/$rc2 $(head -c 300 mix.err) $(head -c 300 mix2.err)"
fi

# ---- edited by hand: a figure on a form sheet; the metadata cut
$PY - <<'PY'
import re, zipfile
def edit(src, dst, fn):
    z = zipfile.ZipFile(src)
    out = zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED)
    names = dict(re.findall(r'<sheet name="([^"]*)" sheetId="\d+"(?: state="hidden")? r:id="(rId\d+)"',
                            z.read("xl/workbook.xml").decode()))
    rels = dict((b, a) for a, b in re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]*)"',
                                             z.read("xl/_rels/workbook.xml.rels").decode()))
    for i in z.infolist():
        d = z.read(i.filename)
        for sheet, rid in names.items():
            if i.filename == "xl/" + [t for t, r in rels.items() if r == rid][0]:
                d = fn(sheet, d.decode()).encode()
        out.writestr(i, d)
    out.close()
def figure(sheet, s):
    if sheet != "BM2":
        return s
    m = re.search(r'<c r="(E\d+)"( s="\d+")?><v>([^<]*)</v></c>', s)
    return s.replace(m.group(0), '<c r="%s"%s><v>%s</v></c>' % (m.group(1), m.group(2) or "", float(m.group(3)) + 1), 1)
def cut(sheet, s):
    if sheet != "tonghop":
        return s
    return re.sub(r'<row r="\d+"[^>]*>(?:(?!</row>).)*</row></sheetData>', "</sheetData>", s, flags=re.S)
def received(sheet, s):
    if sheet != "tonghop":
        return s
    # the header says one unit fewer received than its unit lines show
    m = re.search(r'(<c r="A(\d+)"[^>]*t="inlineStr"[^>]*><is><t>received</t></is></c><c r="B\2"[^>]*><is><t>)(\d+)(</t>)', s)
    return s.replace(m.group(0), m.group(1) + str(int(m.group(3)) - 1) + m.group(4), 1)
edit("hp.xlsx", "edited.xlsx", figure)
edit("hp.xlsx", "cut.xlsx", cut)
edit("hp.xlsx", "count.xlsx", received)
PY
"$T" merge --period 2026-Q1 --roster "$NAT" -o x.xlsx --json x.json edited.xlsx nb.xlsx > x.out 2> x.err
rc=$?
if [ "$rc" = 4 ] && grep -q "^tonghop: edited.xlsx: sổ tổng hợp đã bị sửa sau khi tonghop ghi: ô BM2!E[0-9]* (" x.err &&
	$PY -c '
import json
d = json.load(open("x.json"))
f = {x["path"]: x for x in d["files"]}
assert f["edited.xlsx"]["status"] == "refused" and f["nb.xlsx"]["status"] == "used", f
fd = [x for x in d["findings"] if x.get("file") == "edited.xlsx"]
assert len(fd) == 1 and fd[0]["rule"] == "merge.upward-edited" and fd[0]["sheet"] == "BM2" and fd[0]["cell"].startswith("E"), fd
assert sum(p["received"] for p in d["provinces"]) == 5
'; then
	ok "upward-030-edited-figure-refused"
else
	ko "upward-030-edited-figure-refused" "exit $rc $(head -c 400 x.err)"
fi
"$T" merge --period 2026-Q1 --roster "$NAT" -o x.xlsx cut.xlsx nb.xlsx > x.out 2> x.err
rc=$?
[ "$rc" = 4 ] && grep -q "^tonghop: cut.xlsx: dữ liệu kèm theo của sổ tổng hợp (trang ẩn 'tonghop') bị hỏng hoặc đã bị sửa" x.err &&
	ok "upward-031-cut-metadata-refused" || ko "upward-031-cut-metadata-refused" "exit $rc $(head -c 300 x.err)"
"$T" merge --period 2026-Q1 --roster "$NAT" -o x.xlsx count.xlsx nb.xlsx > x.out 2> x.err
rc=$?
[ "$rc" = 4 ] && grep -q "^tonghop: count.xlsx: .*số đơn vị ở dòng 'received' không khớp với các dòng 'unit'" x.err &&
	ok "upward-033-counts-checked" || ko "upward-033-counts-checked" "exit $rc $(head -c 300 x.err)"
# an earlier merge's own output left in the returns' folder is no input (it would bring back
# returns taken away since); named, it is used (upward-005)
mkdir -p again && cp hp/returns/*.xlsx again/ && "$T" merge --period 2026-Q1 -o again/tong-hop-1.xlsx again > /dev/null 2>&1
gone=$(ls again | grep -v tong-hop | head -n 1)
rm "again/$gone"
"$T" merge --period 2026-Q1 -o again/tong-hop-2.xlsx --json again.json again > again.out 2>&1
$PY - "${gone%.xlsx}" <<'PY' 2> err.txt && grep -q "tong-hop-1.xlsx — bỏ qua: sổ tổng hợp của chính danh sách" again.out &&
import json, sys
d = json.load(open("again.json"))
u = [x for x in d["units"] if x["code"] == sys.argv[1]][0]
assert u["status"] == "missing" and not u.get("via"), u
PY
	ok "upward-034-own-output-in-folder-skipped" || ko "upward-034-own-output-in-folder-skipped" "$(tail -n 2 err.txt) $(grep tong-hop-1 again.out)"
# a workbook opened and saved again by LibreOffice (numbers kept to 15 digits) is still used
if command -v soffice > /dev/null; then
	mkdir -p lo && HOME=$PWD/lo-home timeout 180 soffice --headless --convert-to xlsx --outdir lo hp.xlsx > /dev/null 2>&1
	"$T" merge --period 2026-Q1 --roster "$NAT" -o lo.xlsx --json lo.json lo/hp.xlsx nb.xlsx > lo.out 2> lo.err
	rc=$?
	$PY -c '
import json
a, b = json.load(open("up.json")), json.load(open("lo.json"))
assert a["totals"] == b["totals"] and a["incomplete"] == b["incomplete"], "totals differ"
' 2> err.txt && [ "$rc" -le 1 ] && ok "upward-035-saved-again-by-libreoffice" ||
		ko "upward-035-saved-again-by-libreoffice" "exit $rc $(head -c 300 lo.err) $(tail -n 1 err.txt)"
fi
# the sheet is hidden and the document says what it is
$PY -c '
import re, zipfile
z = zipfile.ZipFile("hp.xlsx")
assert re.search(r"<sheet name=\"tonghop\" sheetId=\"\d+\" state=\"hidden\"", z.read("xl/workbook.xml").decode())
c = z.read("docProps/custom.xml").decode()
assert "tonghop-consolidated 1" in c and "2026-Q1" in c and "cchc-haiduong-2023" in c and ">province<" in c, c
' 2> err.txt && ok "upward-032-metadata-hidden-and-properties" || ko "upward-032-metadata-hidden-and-properties" "$(tail -n 1 err.txt)"

# ---- the row layout (past TH_WRITE_WIDE_UNITS units a form sheet is a row per unit): a
# workbook of the first three provinces (306 units) read back beside Hải Phòng's (a column
# per unit) gives the national totals, units and findings one merge of their returns gives;
# a figure edited in its rows is refused at its cell
$PY - "$NAT" > wide.ini <<'PY'
import re, sys
src = open(sys.argv[1], encoding="utf-8").read()
parts = re.split(r"(?m)^(?=\[)", src)
head = next(p for p in parts if p.startswith("[roster]")).replace('"Cả nước"', '"Ba tỉnh thử"')
units, provs = [], []
for p in parts:
    if re.match(r"\[\d{5}\]", p):
        prov = re.search(r'province *= *"([^"]*)"', p).group(1)
        if prov not in provs:
            if len(units) > 200:
                break
            provs.append(prov)
        units.append(p)
sys.stdout.write(head + "".join(units))
PY
"$G" --roster wide.ini --period 2026-Q1 --calendar "$CAL" "$SCHEMA" wide 0 >> gen.out 2>&1
mkdir -p wide/some && ls wide/returns | awk 'NR % 9 == 1' | while read -r f; do cp "wide/returns/$f" wide/some/; done
# one of them with a text that is no number and a dash, as in Hải Phòng's
$PY - wide/some/"$(ls wide/some | sed -n 2p)" <<'PY'
import re, sys, zipfile
p = sys.argv[1]
z = zipfile.ZipFile(p)
items = [(i, z.read(i.filename)) for i in z.infolist()]
z.close()
out = zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED)
for i, d in items:
    if i.filename == "xl/worksheets/sheet1.xml":
        s = d.decode()
        cells = re.findall(r'<c r="(D\d+)"( s="\d+")?><v>[^<]*</v></c>', s)
        for (ref, _), new in zip(cells[:2], ["chưa rõ", "-"]):
            s = re.sub(r'<c r="%s"( s="\d+")?><v>[^<]*</v></c>' % ref,
                       '<c r="%s" t="inlineStr"><is><t>%s</t></is></c>' % (ref, new), s, count=1)
        d = s.encode()
    out.writestr(i, d)
out.close()
PY
"$T" merge --period 2026-Q1 --roster wide.ini -o wide.xlsx --json wide.json wide/some > /dev/null 2> wide.err
rc_w=$?
"$T" merge --period 2026-Q1 --roster "$NAT" -o wall.xlsx --json wall.json wide/some hp/returns > /dev/null 2> wall.err
"$T" merge --period 2026-Q1 --roster "$NAT" -o wup.xlsx --json wup.json wide.xlsx hp.xlsx > /dev/null 2> wup.err
rc_u=$?
if [ "$rc_w" -le 1 ] && [ "$rc_u" = 1 ] && $PY - <<'PY'
import json, openpyxl
w = openpyxl.load_workbook("wide.xlsx", read_only=True)
meta = [r for r in w["tonghop"].iter_rows(values_only=True)]
forms = [r for r in meta if r[0] == "form"]
assert forms and all(r[3] == "rows" for r in forms), [r[:4] for r in forms]
assert w["BM1"]["A5"].value == "STT" and w["BM1"]["C5"].value == "Đơn vị", "not the row layout"
wj = json.load(open("wide.json"))
assert len(wj["units"]) > 200 and wj["level"] == "national", len(wj["units"])
a, b = json.load(open("wall.json")), json.load(open("wup.json"))
assert a["totals"] == b["totals"], [(f, c, a["totals"][f][c], b["totals"][f][c]) for f in a["totals"]
                                    for c in a["totals"][f] if a["totals"][f][c] != b["totals"][f][c]][:5]
assert a["incomplete"] == b["incomplete"] and b["incomplete"], (a["incomplete"], b["incomplete"])
strip = lambda us: [{k: v for k, v in u.items() if k != "via"} for u in us]
assert strip(a["units"]) == strip(b["units"])
assert a["findings"] == b["findings"] and len(b["findings"]) > 10, len(b["findings"])
assert a["provinces"] == b["provinces"]
got = sum(u["status"] == "received" for u in wj["units"])
assert {u["via"] for u in b["units"] if u["status"] == "received"} == {"wide.xlsx", "hp.xlsx"}
f = {x["path"]: x for x in b["files"]}
assert f["wide.xlsx"]["book"] == {"level": "national", "roster": "Ba tỉnh thử", "received": got,
                                  "expected": len(wj["units"]), "used": got}, f["wide.xlsx"]
PY
then
	ok "upward-040-row-layout-read-back"
else
	ko "upward-040-row-layout-read-back" "exit $rc_w/$rc_u $(head -c 300 wup.err)"
fi
same_sheets upward-041-row-layout-form-sheets-identical wall wup
# in the row layout too, a total that lacks a unit's unreadable figure says whose: the
# national total on top and its province's subtotal carry the note at that indicator
$PY - wide/some/"$(ls wide/some | sed -n 2p)" <<'PY' 2> err.txt && ok "upward-043-row-layout-totals-say-whose" || ko "upward-043-row-layout-totals-say-whose" "$(tail -n 2 err.txt)"
import json, sys, openpyxl
d = json.load(open("wide.json"))
name = [u["name"] for u in d["units"] if u.get("file") == sys.argv[1]][0]
w = openpyxl.load_workbook("wide.xlsx")
found = {}
for ws in w.worksheets:
    if ws.sheet_state != "visible" or ws["A5"].value != "STT":
        continue
    for row in ws.iter_rows(min_row=7):
        for c in row:
            t = c.comment.text if c.comment else ""
            if "Chưa tính 1 đơn vị có số liệu không đọc được:\n" + name in t:
                found.setdefault(ws.title, set()).add(c.row)
assert found, "no total says it lacks %s" % name
rows = next(iter(found.values()))
assert 7 in rows and len(rows) >= 2, found   # the national total (row 7) and a subtotal
PY
# a unit's figure in the rows of BM2 edited: refused at that cell
$PY - <<'PY'
import re, zipfile
z = zipfile.ZipFile("wide.xlsx")
names = dict(re.findall(r'<sheet name="([^"]*)" sheetId="\d+"(?: state="hidden")? r:id="(rId\d+)"',
                        z.read("xl/workbook.xml").decode()))
rels = dict(re.findall(r'Id="(rId\d+)"[^>]*Target="([^"]*)"', z.read("xl/_rels/workbook.xml.rels").decode()))
target = "xl/" + rels[names["BM2"]]
out = zipfile.ZipFile("wedit.xlsx", "w", zipfile.ZIP_DEFLATED)
for i in z.infolist():
    d = z.read(i.filename)
    if i.filename == target:
        s = d.decode()
        m = re.search(r'<c r="(E\d+)"( s="\d+")?><v>([^<]*)</v></c>', s)
        s = s.replace(m.group(0), '<c r="%s"%s><v>%s</v></c>' % (m.group(1), m.group(2) or "", float(m.group(3)) + 1), 1)
        d = s.encode()
    out.writestr(i, d)
out.close()
PY
"$T" merge --period 2026-Q1 --roster "$NAT" -o x.xlsx wedit.xlsx hp.xlsx > x.out 2> x.err
rc=$?
[ "$rc" = 4 ] && grep -q "^tonghop: wedit.xlsx: sổ tổng hợp đã bị sửa sau khi tonghop ghi: ô BM2!E[0-9]* (" x.err &&
	ok "upward-042-row-layout-edited-figure-refused" || ko "upward-042-row-layout-edited-figure-refused" "exit $rc $(head -c 300 x.err)"

# ---- check and read take one unit's return: a consolidated workbook is said to be one (exit 4),
# not read as a return with every unit's column in doubt
for cmd in "check --period 2026-Q1" "check" "read" "read --json"; do
	name="upward-044-$(echo "$cmd" | tr -d -- '-' | tr ' ' '-')-consolidated-said"
	# shellcheck disable=SC2086
	"$T" $cmd hp.xlsx > cr.out 2> cr.err
	rc=$?
	[ "$rc" = 4 ] && grep -q "^tonghop: hp.xlsx: tệp này là sổ tổng hợp do tonghop lập" cr.err &&
		grep -q "tonghop merge" cr.err && ! grep -q "read.value-undecided" cr.out &&
		ok "$name" || ko "$name" "exit $rc $(head -c 300 cr.err)"
done

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
