#!/usr/bin/env bash
# The province era (issue #16, configuration): rosters, calendars and schemas chosen by period
# and refused outside their validity; the shipped files are what schemas/gen/generate.py makes.
#   - a Hải Phòng period (2026-Q1) of 114 generated returns (codes and names from the roster)
#     merges 114/114 with the shipped roster and the national calendar;
#   - the same returns against the 2023 Thanh Miện roster are a configuration error (exit 3)
#     naming the file and its dates, by option or by environment;
#   - a 2023-Q3 merge of fixtures/demo gives byte for byte what it gave before the reform
#     (tests/golden/merge-demo-2023-Q3, made by the tool before this work);
#   - a code names one unit in 2023 and another in 2026, in one check run;
#   - a province adds its roster or a newer schema without touching the shipped ones;
#   - a unit's name with a dash (Phường Văn Miếu - Quốc Tử Giám) is read whole, a dashed tail
#     that is no part of the name left out.
# Usage: tests/units.sh TONGHOP GEN_RETURNS. Ends with "N passed, N failed".
# SPDX-License-Identifier: MIT
set -u
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-exitcode=134}
T=$(cd "$(dirname "${1:?usage: tests/units.sh TONGHOP GEN_RETURNS}")" && pwd)/$(basename "$1")
G=${2:?usage: tests/units.sh TONGHOP GEN_RETURNS}
cd "$(dirname "$0")/.." || exit 2
export LC_ALL=C.UTF-8 NO_COLOR=1
unset TONGHOP_SCHEMA TONGHOP_RULES TONGHOP_ROSTER TONGHOP_CALENDAR
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1: $2"; }

# ---- the shipped rosters and calendars are generated, never typed
if out=$(/usr/bin/python3 schemas/gen/generate.py --check 2>&1); then
	ok "units-001-generated-files-up-to-date"
else
	ko "units-001-generated-files-up-to-date" "$out"
fi
shared=../shared/domain/units-2025
if [ -d "$shared" ]; then
	bad=""
	for f in schemas/gen/units-2025/*.csv schemas/gen/units-2025/LICENSE-dvhcvn; do
		cmp -s "$f" "$shared/$(basename "$f")" || bad="$bad $(basename "$f")"
	done
	[ -z "$bad" ] && ok "units-002-csv-copies-match-shared-data" ||
		ko "units-002-csv-copies-match-shared-data" "differ:$bad"
fi
# the script really writes what is committed (not only compares): into a scratch folder
/usr/bin/python3 schemas/gen/generate.py --out "$tmp" 2>&1 &&
	for f in roster-thanhmien roster-haiphong roster-national calendar-national calendar-haiduong; do
		cmp -s "$tmp/$f.ini" "schemas/$f.ini" || { ko "units-003-regenerated" "$f.ini differs"; break; }
	done && ok "units-003-regenerated"
rm -f "$tmp"/*.ini

# ---- Hải Phòng, 2026-Q1: 114 returns made from the shipped roster
mkdir -p "$tmp/hp"
if "$G" --roster schemas/roster-haiphong.ini --period 2026-Q1 --calendar schemas/calendar-national.ini \
	schemas/cchc-haiduong-2023.ini "$tmp/hp" 0 > "$tmp/gen.out" 2>&1; then
	n=$(ls "$tmp/hp/returns" | wc -l)
	[ "$n" = 114 ] && ok "units-010-generated-114" || ko "units-010-generated-114" "$n returns"
else
	ko "units-010-generated-114" "$(head -c 300 "$tmp/gen.out")"
fi
"$T" merge --period 2026-Q1 -o "$tmp/hp.xlsx" --json "$tmp/hp.json" "$tmp/hp/returns" > "$tmp/out" 2> "$tmp/err"
rc=$?
if [ "$rc" -le 1 ] && grep -q "^Tổng hợp quý I năm 2026 — Thành phố Hải Phòng$" "$tmp/out" &&
	grep -q "^Đã nhận: 114/114 đơn vị" "$tmp/out" && /usr/bin/python3 - "$tmp/hp.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d["period"] == "2026-Q1", d["period"]
assert d["window"] == {"from": "2025-12-15", "to": "2026-03-14"}, d["window"]
assert d["deadline"] == "2026-03-20", d["deadline"]
assert len(d["units"]) == 114 and all(u["status"] == "received" for u in d["units"]), \
    [u for u in d["units"] if u["status"] != "received"][:3]
assert all(f["status"] == "used" for f in d["files"]), [f for f in d["files"] if f["status"] != "used"][:3]
names = {u["code"]: u["name"] for u in d["units"]}
assert names["11242"] == "Xã Nguyễn Lương Bằng" and names["11560"] == "Phường Thủy Nguyên", names
assert names["11533"] == "Phường Hòa Bình" and "Đặc khu Cát Hải" in names.values(), names
assert not [f for f in d["findings"] if f["rule"].startswith("read.unit")], "unit findings"
PY
then
	ok "units-011-haiphong-2026-Q1-merges-114-of-114"
else
	ko "units-011-haiphong-2026-Q1-merges-114-of-114" "exit $rc $(head -c 300 "$tmp/err") $(head -n 3 "$tmp/out")"
fi
# the same returns against the 2023 district's roster: refused before anything is read
for how in option env; do
	rm -f "$tmp/tm.xlsx"
	if [ "$how" = option ]; then
		"$T" merge --period 2026-Q1 --roster schemas/roster-thanhmien.ini -o "$tmp/tm.xlsx" "$tmp/hp/returns" \
			> "$tmp/out" 2> "$tmp/err"
		rc=$? via="--roster"
	else
		TONGHOP_ROSTER=schemas/roster-thanhmien.ini "$T" merge --period 2026-Q1 -o "$tmp/tm.xlsx" "$tmp/hp/returns" \
			> "$tmp/out" 2> "$tmp/err"
		rc=$? via="\$TONGHOP_ROSTER"
	fi
	want="tonghop: schemas/roster-thanhmien.ini: danh sách đơn vị này có hiệu lực từ 01/12/2019 đến 30/06/2025, không dùng được cho quý I năm 2026 (kỳ kết thúc ngày 31/03/2026) — tệp được chỉ ra bằng $via"
	if [ "$rc" = 3 ] && [ "$(cat "$tmp/err")" = "$want" ] && [ ! -e "$tmp/tm.xlsx" ] && [ ! -s "$tmp/out" ]; then
		ok "units-012-thanhmien-roster-refused-for-2026 ($how)"
	else
		ko "units-012-thanhmien-roster-refused-for-2026 ($how)" "exit $rc: $(head -c 400 "$tmp/err")"
	fi
done
# ... and so is a calendar, a schema, or a period no shipped schema covers
"$T" merge --period 2026-Q1 --calendar schemas/calendar-haiduong.ini -o "$tmp/x.xlsx" "$tmp/hp/returns" > /dev/null 2> "$tmp/err"
rc=$?
[ "$rc" = 3 ] && grep -q "calendar-haiduong.ini: lịch báo cáo này có hiệu lực từ 01/01/2023 đến 30/06/2025" "$tmp/err" &&
	ok "units-013-calendar-refused" || ko "units-013-calendar-refused" "exit $rc $(head -c 300 "$tmp/err")"
"$T" merge --period 2019-Q3 -o "$tmp/x.xlsx" fixtures/demo > /dev/null 2> "$tmp/err"
rc=$?
[ "$rc" = 3 ] && grep -q "không có biểu mẫu nào có hiệu lực cho quý III năm 2019" "$tmp/err" &&
	grep -q "cchc-haiduong-2023.ini (từ 01/01/2023)" "$tmp/err" &&
	ok "units-014-no-schema-for-2019" || ko "units-014-no-schema-for-2019" "exit $rc $(head -c 300 "$tmp/err")"

# ---- 2023 stays as it was: the demo merge, byte for byte
g=tests/golden/merge-demo-2023-Q3
"$T" merge --period 2023-Q3 -o "$tmp/demo.xlsx" --json "$tmp/demo.json" fixtures/demo > "$tmp/out" 2> "$tmp/err"
rc=$?
sed -i "s#$tmp/demo.xlsx#OUT.xlsx#" "$tmp/out"
why=""
[ "$rc" = 4 ] || why="exit $rc"
for p in xlsx json; do cmp -s "$tmp/demo.$p" "$g/expected.$p" || why="$why; $p differs"; done
cmp -s "$tmp/out" "$g/expected.stdout" || why="$why; stdout differs: $(diff "$g/expected.stdout" "$tmp/out" | head -n 4 | tr '\n' ' ')"
cmp -s "$tmp/err" "$g/expected.stderr" || why="$why; stderr differs"
[ -z "$why" ] && ok "units-020-demo-2023-Q3-byte-identical" || ko "units-020-demo-2023-Q3-byte-identical" "$why"

# ---- one code, two territories: a check run resolves each return within its period's roster
cp fixtures/demo/11242-thanhtung.xlsx "$tmp/a-2023.xlsx"
cp "$tmp/hp/returns/11242.xlsx" "$tmp/b-2026.xlsx"
cp fixtures/demo/11245-phamkha.xlsx "$tmp/c-2023.xlsx"
"$T" check --json "$tmp/b-2026.xlsx" "$tmp/a-2023.xlsx" "$tmp/c-2023.xlsx" > "$tmp/two.json" 2> "$tmp/err"
rc=$?
"$T" check "$tmp/b-2026.xlsx" "$tmp/a-2023.xlsx" > "$tmp/two.txt" 2>> "$tmp/err"
if [ "$rc" -le 1 ] && grep -q "b-2026.xlsx — Xã Nguyễn Lương Bằng$" "$tmp/two.txt" &&
	grep -q "a-2023.xlsx — Xã Thanh Tùng$" "$tmp/two.txt" && /usr/bin/python3 - "$tmp/two.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
got = [(f["unit"], f["period"]) for f in d["files"]]
assert got == [("11242", "2026-Q1"), ("11242", "2023-Q3"), ("11245", "2023-Q3")], got
unit = [f for f in d["findings"] if f["rule"].startswith("read.unit")]
assert not unit, unit
# the 2026 return is judged on the national calendar (window 15/12 - 14/3), the 2023 ones on Hải Dương's
hdr = [f for f in d["findings"] if f["form"] == "HEADER" and f["severity"] == "error"]
assert not [f for f in hdr if f["file"].endswith("b-2026.xlsx")], hdr
PY
then ok "units-021-one-code-two-territories"; else ko "units-021-one-code-two-territories" "exit $rc $(head -c 300 "$tmp/err")"; fi
# --period fixes the configuration for every file: a 2023 return checked as 2026-Q1 is told so
"$T" check --json --period 2026-Q1 "$tmp/a-2023.xlsx" > "$tmp/p.json" 2> "$tmp/err"
rc=$?
if [ "$rc" = 1 ] && /usr/bin/python3 - "$tmp/p.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d["files"][0]["unit"] == "11242", d["files"]   # the code, in today's roster
assert any(f["rule"] == "read.unit-mismatch" for f in d["findings"]), "Thanh Tùng is not Nguyễn Lương Bằng"
assert any(f["expected"] == "quý I năm 2026" for f in d["findings"]), "the period is said"
PY
then ok "units-022-check-period-fixes-config"; else ko "units-022-check-period-fixes-config" "exit $rc"; fi

# ---- tonghop config says what a run uses and why
"$T" config --period 2026-Q1 > "$tmp/c1" 2>&1; rc1=$?
"$T" config --period 2023-Q3 > "$tmp/c2" 2>&1; rc2=$?
"$T" config "$tmp/a-2023.xlsx" > "$tmp/c3" 2>&1; rc3=$?
if [ "$rc1$rc2$rc3" = 000 ] &&
	grep -Eq "^Danh sách  (.*/)?schemas/roster-haiphong.ini$" "$tmp/c1" &&
	grep -q "Thành phố Hải Phòng: 114 đơn vị (67 xã, 45 phường, 2 đặc khu); hiệu lực từ 01/07/2025" "$tmp/c1" &&
	grep -q "quý I năm 2026: số liệu từ ngày 15/12/2025 đến ngày 14/03/2026, hạn nộp ngày 20/03/2026" "$tmp/c1" &&
	grep -q "không dùng roster-thanhmien.ini (hiệu lực từ 01/12/2019 đến 30/06/2025)" "$tmp/c1" &&
	grep -Eq "^Danh sách  (.*/)?schemas/roster-thanhmien.ini$" "$tmp/c2" &&
	grep -Eq "^Lịch       (.*/)?schemas/calendar-haiduong.ini$" "$tmp/c2" &&
	grep -Eq "^Quy tắc    (.*/)?rules/cchc-haiduong-2023.ini$" "$tmp/c2" &&
	grep -q "^Cấu hình cho quý III năm 2023" "$tmp/c3" && grep -q "roster-thanhmien.ini$" "$tmp/c3"; then
	ok "units-030-config-says-why"
else
	ko "units-030-config-says-why" "exit $rc1/$rc2/$rc3 $(head -n 12 "$tmp/c1" | tr '\n' '|')"
fi
TONGHOP_ROSTER=schemas/roster-national.ini "$T" config --period 2026-Q1 > "$tmp/c4" 2>&1; rc=$?
[ "$rc" = 0 ] && grep -q "Cả nước: 3321 đơn vị (2621 xã, 687 phường, 13 đặc khu) ở 34 tỉnh, thành phố" "$tmp/c4" &&
	grep -q "vì: chỉ ra bằng \$TONGHOP_ROSTER" "$tmp/c4" &&
	ok "units-031-national-roster" || ko "units-031-national-roster" "exit $rc $(head -c 300 "$tmp/c4")"
"$T" merge --help > "$tmp/h" 2>&1
grep -q -- "--roster TỆP.ini" "$tmp/h" && grep -q "TONGHOP_CALENDAR" "$tmp/h" && grep -q "tonghop config --period KỲ" "$tmp/h" &&
	ok "units-032-help-names-config" || ko "units-032-help-names-config" "$(head -c 200 "$tmp/h")"

# ---- a template for today: the unit and window of 2026
"$T" template --period 2026-Q1 --unit 11242 -o "$tmp/mau.xlsx" > /dev/null 2> "$tmp/err"
rc=$?
if [ "$rc" = 0 ] && "$T" read --json "$tmp/mau.xlsx" > "$tmp/mau.json" 2>> "$tmp/err" && /usr/bin/python3 - "$tmp/mau.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
assert d["unit"]["code"] == "11242" and d["unit"]["name"] == "Xã Nguyễn Lương Bằng", d["unit"]
assert d["period"] == "2026-Q1" and d["window"] == {"from": "2025-12-15", "to": "2026-03-14"}, d
PY
then ok "units-040-template-2026"; else ko "units-040-template-2026" "exit $rc $(head -c 300 "$tmp/err")"; fi
"$T" template --period 2023-Q3 --unit 11566 -o "$tmp/mau2.xlsx" > /dev/null 2> "$tmp/err"
rc=$?
[ "$rc" = 2 ] && grep -q "không có đơn vị mã '11566' trong danh sách đơn vị .*roster-thanhmien.ini" "$tmp/err" &&
	ok "units-041-template-unit-of-another-period" || ko "units-041-template-unit-of-another-period" "exit $rc $(head -c 300 "$tmp/err")"

# ---- a province sets itself up without touching the shipped files
/usr/bin/python3 schemas/gen/generate.py --province "Ninh Bình" -o "$tmp/roster-ninhbinh.ini" 2> "$tmp/err"
TONGHOP_ROSTER="$tmp/roster-ninhbinh.ini" "$T" config --period 2026-Q1 > "$tmp/c5" 2>> "$tmp/err"; rc=$?
TONGHOP_ROSTER="$tmp/roster-ninhbinh.ini" "$T" merge --period 2023-Q3 -o "$tmp/nb.xlsx" fixtures/demo > /dev/null 2>> "$tmp/err"; rc2=$?
[ "$rc" = 0 ] && [ "$rc2" = 3 ] && grep -q "Tỉnh Ninh Bình: 129 đơn vị (97 xã, 32 phường)" "$tmp/c5" &&
	grep -q "roster-ninhbinh.ini: danh sách đơn vị này có hiệu lực từ 01/07/2025, không dùng được cho quý III năm 2023" "$tmp/err" &&
	ok "units-050-province-roster" || ko "units-050-province-roster" "exit $rc/$rc2 $(head -c 300 "$tmp/err")"
# a newer schema added beside the shipped one (an installation: bin/, schemas/, rules/)
mkdir -p "$tmp/inst/bin" "$tmp/inst/rules"
cp -r schemas "$tmp/inst/"
cp "$T" "$tmp/inst/bin/tonghop"
cp rules/cchc-haiduong-2023.ini "$tmp/inst/rules/"
sed 's/^valid_from = 2023-01-01$/valid_from = 2026-01-01/; s/^id *= *cchc-haiduong-2023$/id = cchc-2026/' \
	schemas/cchc-haiduong-2023.ini > "$tmp/inst/schemas/cchc-2026.ini"
cp rules/cchc-haiduong-2023.ini "$tmp/inst/rules/cchc-2026.ini"
"$tmp/inst/bin/tonghop" config --period 2026-Q1 > "$tmp/c6" 2>&1; rc=$?
"$tmp/inst/bin/tonghop" config --period 2025-Q4 > "$tmp/c7" 2>&1; rc2=$?
[ "$rc$rc2" = 00 ] && grep -q "^Biểu mẫu   $tmp/inst/schemas/cchc-2026.ini$" "$tmp/c6" &&
	grep -q "^Quy tắc    $tmp/inst/rules/cchc-2026.ini$" "$tmp/c6" &&
	grep -q "^Biểu mẫu   $tmp/inst/schemas/cchc-haiduong-2023.ini$" "$tmp/c7" &&
	ok "units-051-newer-schema-wins-for-its-periods" ||
	ko "units-051-newer-schema-wins-for-its-periods" "exit $rc/$rc2 $(head -n 4 "$tmp/c6" | tr '\n' '|')"

# ---- names with a dash (#16): "Phường Văn Miếu - Quốc Tử Giám" is read whole and is its unit,
# with or without its code, whatever the dash and its spaces; a dashed tail that is no part
# of the name ("Xã … - Hải Phòng") is left out
/usr/bin/python3 - schemas/roster-national.ini > "$tmp/dash.ini" <<'PY'
import re, sys
parts = re.split(r"(?m)^(?=\[)", open(sys.argv[1], encoding="utf-8").read())
head = next(p for p in parts if p.startswith("[roster]"))
sys.stdout.write(head + "".join(p for p in parts if re.match(r"\[\d{5}\]", p) and re.search(r'name *= *"[^"]* - ', p)))
PY
"$G" --roster "$tmp/dash.ini" --period 2026-Q1 --calendar schemas/calendar-national.ini \
	schemas/cchc-haiduong-2023.ini "$tmp/dash" 0 > /dev/null 2>&1
mkdir -p "$tmp/dash2"
# without their codes: an en dash in capitals, a hyphen without spaces; a Hải Phòng return
# whose name has a tail
first=$(ls "$tmp/hp/returns" | head -n 1)
/usr/bin/python3 - "$tmp" "$first" <<'PY'
import re, sys, zipfile
tmp, first = sys.argv[1], sys.argv[2]
def edit(src, dst, name):
    z = zipfile.ZipFile(src)
    out = zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED)
    for i in z.infolist():
        d = z.read(i.filename)
        if i.filename == "xl/sharedStrings.xml":
            s = d.decode()
            s = re.sub(r"<t>UBND [^<]*</t>", "<t>%s</t>" % name, s, count=1)
            s = re.sub(r"<t>Mã đơn vị: \d{5}</t>", "<t>Mã đơn vị:</t>", s, count=1)
            d = s.encode()
        out.writestr(i, d)
    out.close()
edit(tmp + "/dash/returns/00226.xlsx", tmp + "/dash2/a.xlsx", "UBND PHƯỜNG VĂN MIẾU – QUỐC TỬ GIÁM")
edit(tmp + "/dash/returns/20137.xlsx", tmp + "/dash2/b.xlsx", "UBND Xã Chân Mây-Lăng Cô")
names = {}
code = None
for line in open("schemas/roster-haiphong.ini", encoding="utf-8"):
    m = re.match(r"\[(\d{5})\]", line)
    code = m.group(1) if m else code
    m = re.match(r'name *= *"([^"]*)"', line)
    if m and code:
        names.setdefault(code, m.group(1))
edit(tmp + "/hp/returns/" + first, tmp + "/dash2/c.xlsx", "UBND " + names[first[:5]] + " - Hải Phòng")
PY
"$T" merge --period 2026-Q1 --roster schemas/roster-national.ini -o "$tmp/dash.xlsx" --json "$tmp/dash.json" \
	"$tmp/dash/returns" "$tmp/dash2/a.xlsx" "$tmp/dash2/b.xlsx" > /dev/null 2> "$tmp/err"
rc=$?
"$T" check --json --roster schemas/roster-haiphong.ini "$tmp/dash2/c.xlsx" > "$tmp/dash-c.json" 2>> "$tmp/err"
if [ "$rc" -le 1 ] && /usr/bin/python3 - "$tmp/dash.json" "$tmp/dash-c.json" "${first:0:5}" <<'PY'
import json, sys
d, c = json.load(open(sys.argv[1], encoding="utf-8")), json.load(open(sys.argv[2], encoding="utf-8"))
f = {x["path"].rsplit("/", 1)[1]: x for x in d["files"]}
assert len(f) == 9 and all(x["unit"] for x in f.values()), [(k, x["status"], x["message"]) for k, x in f.items()]
assert f["a.xlsx"]["unit"] == "00226" and f["b.xlsx"]["unit"] == "20137", (f["a.xlsx"], f["b.xlsx"])
got = {u["code"] for u in d["units"] if u["status"] == "received"}
assert len(got) == 7 and "00226" in got and "24787" in got, got
bad = [x for x in d["findings"] if x["rule"].startswith("read.unit")]
assert not bad, bad[:3]
assert c["files"][0]["unit"] == sys.argv[3], c["files"]
assert not [x for x in c["findings"] if x["rule"] in ("read.unit-unknown", "read.unit-mismatch")], c["findings"][:3]
PY
then ok "units-060-names-with-a-dash"; else ko "units-060-names-with-a-dash" "exit $rc $(head -c 300 "$tmp/err")"; fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
