#!/usr/bin/python3
# Check a consolidated workbook in the wide layout (past TH_WRITE_WIDE_UNITS units: a row
# per unit, a column per indicator, units grouped by province under a subtotal row, the
# national total on top) with a second reader (openpyxl, read-only):
#  - each form sheet lists every roster unit once, under the subtotal row of its own
#    province (the roster file says which), the provinces in roster order;
#  - every national and subtotal formula evaluates (tests/xlformula.py, on the sheet's own
#    cells) to its cached value; each SUM total equals the sum of its units' cells, and the
#    national one the merge's JSON total;
#  - the units' cells hold what their returns say, read here from the returns themselves
#    (column A code, column D value under each "Biểu mẫu N" title), for every return given
#    (all, or a sample), so the national SUM totals equal sums computed from the returns when
#    all are given;
#  - "Lỗi" begins with the province, has an autofilter over all its rows, one row per error
#    or warning finding.
# Usage: check-wide.py OUT.xlsx RESULT.json ROSTER.ini FORMS|all RETURN.xlsx...
# Prints "N checks, N mismatches" (mismatches first); exits 1 on any mismatch.
# SPDX-License-Identifier: MIT
import json
import os
import re
import sys

import openpyxl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from xlformula import Evaluator, XlError  # noqa: E402


def close(a, b):
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def roster(path):
    prov, order, code = {}, [], None
    for line in open(path, encoding="utf-8"):
        m = re.match(r"\[(\d{5})\]", line)
        if m:
            code = m.group(1)
            continue
        m = re.match(r'\s*province\s*=\s*"([^"]*)"', line)
        if m and code:
            prov[code] = m.group(1)
            if m.group(1) not in order:
                order.append(m.group(1))
    return prov, order


def read_return(path):
    """{(form, code): number} as the return's own cells say."""
    ws = openpyxl.load_workbook(path, read_only=True).active
    unit, form, out = None, None, {}
    for r in ws.iter_rows(values_only=True, max_col=4):
        a = r[0] if r else None
        if isinstance(a, str) and a.startswith("Mã đơn vị:"):
            unit = a.split(":", 1)[1].strip()
        elif isinstance(a, str) and re.fullmatch(r"Biểu mẫu \d+", a.strip()):
            form = "BM" + a.split()[-1]
        elif form and a is not None and len(r) > 3 and is_num(r[3]):
            out[(form, str(a).strip().rstrip("."))] = r[3]
    return unit, out


def grid(path, sheet):
    wb = openpyxl.load_workbook(path, read_only=True, data_only=sheet[1])
    rows = [list(r) for r in wb[sheet[0]].iter_rows(values_only=True)]
    wb.close()
    return rows


def main():
    xlsx, res = sys.argv[1], json.load(open(sys.argv[2], encoding="utf-8"))
    prov, porder = roster(sys.argv[3])
    forms = None if sys.argv[4] == "all" else sys.argv[4].split(",")
    bad, n = [], 0
    units = {u["code"]: u for u in res["units"]}
    # the returns the merge used (which it uses is tested elsewhere)
    returns = {u: v for u, v in map(read_return, sys.argv[5:]) if units.get(u, {}).get("status") == "received"}
    for form, totals in res["totals"].items():
        if forms and form not in forms:
            continue
        fv, ff = grid(xlsx, (form, True)), grid(xlsx, (form, False))
        head = next(i for i, r in enumerate(fv) if r and r[0] == "STT")
        codes = {j: str(c).split(". ", 1)[0] for j, c in enumerate(fv[head]) if j >= 3 and c}
        nat = head + 2
        ev = Evaluator(lambda r, c: fv[r - 1][c - 1] if r - 1 < len(fv) and c - 1 < len(fv[r - 1]) else None)
        # the groups: a subtotal row (no STT, the province's name), then its units
        groups, seen, cur = [], [], None
        for i in range(nat + 1, len(fv)):
            r = fv[i]
            if r[0] is None and r[2]:
                cur = [i, r[2], []]
                groups.append(cur)
            elif is_num(r[0]):
                seen.append(r[1])
                cur[2].append(i)
                n += 1
                if prov.get(r[1]) != cur[1]:
                    bad.append("%s row %d: unit %s (%s) under %r" % (form, i + 1, r[1], prov.get(r[1]), cur[1]))
        n += 2
        if sorted(seen) != sorted(units):
            bad.append("%s: %d units listed, roster has %d" % (form, len(seen), len(units)))
        if [g[1] for g in groups] != porder:
            bad.append("%s: provinces %r, roster order %r" % (form, [g[1] for g in groups][:5], porder[:5]))
        for j, code in codes.items():
            for row, members in [(nat, None)] + [(g[0], g[2]) for g in groups]:
                f, v = ff[row][j], fv[row][j]
                if not (isinstance(f, str) and f.startswith("=")):
                    continue
                n += 1
                try:
                    got = ev.evaluate(f)
                except (XlError, ValueError) as e:
                    got = "error %s" % e
                cached = "" if v is None else v
                same = close(float(got), float(cached)) if is_num(got) and is_num(cached) else got == cached
                if not same:
                    bad.append("%s row %d col %d: %s gives %r, cached %r" % (form, row + 1, j + 1, f[:60], got, cached))
                if f.startswith("=SUM"):
                    rows = members if members is not None else [i for g in groups for i in g[2]]
                    want = sum(fv[i][j] for i in rows if is_num(fv[i][j]))
                    n += 1
                    if not is_num(cached) or not close(cached, want):
                        bad.append("%s %s row %d: total %r, its units' cells sum to %r" % (form, code, row + 1, cached, want))
                    if members is None:
                        n += 1
                        t = totals.get(code)
                        if not close(want, t if is_num(t) else 0):
                            bad.append("%s %s: national %r, JSON %r" % (form, code, want, t))
                        if len(returns) == sum(u["status"] == "received" for u in res["units"]):
                            n += 1
                            fromret = sum(x.get((form, code), 0) for x in returns.values())
                            if not close(fromret, want):
                                bad.append("%s %s: returns sum to %r, workbook %r" % (form, code, fromret, want))
        # every unit cell = its return's figure, for the returns given
        for g in groups:
            for i in g[2]:
                got = returns.get(fv[i][1])
                if got is None:
                    continue
                for j, code in codes.items():
                    if (form, code) in got:
                        n += 1
                        if not (is_num(fv[i][j]) and close(fv[i][j], got[(form, code)])):
                            bad.append("%s %s unit %s: workbook %r, return %r" % (form, code, fv[i][1], fv[i][j], got[(form, code)]))
    wb = openpyxl.load_workbook(xlsx, read_only=True)
    lo = [r for r in wb["Lỗi"].iter_rows(values_only=True)]
    errors = [f for f in res["findings"] if f["severity"] in ("error", "warning")]
    n += 3
    if lo[0][0] != "Tỉnh, thành phố":
        bad.append("Lỗi: first column %r" % (lo[0][0],))
    if len(lo) - 1 != len(errors):
        bad.append("Lỗi: %d rows, %d findings" % (len(lo) - 1, len(errors)))
    if any(r[0] not in porder for r in lo[1:]):
        bad.append("Lỗi: a row's province is none of the roster's")
    wb.close()
    zf = __import__("zipfile").ZipFile(xlsx)
    sheets = re.findall(r'<sheet name="([^"]*)" sheetId="\d+" r:id="rId(\d+)"', zf.read("xl/workbook.xml").decode())
    k = next(i for name, i in sheets if name == "Lỗi")
    n += 1
    m = re.search(r'<autoFilter ref="A1:([A-Z]+)(\d+)"', zf.read("xl/worksheets/sheet%s.xml" % k).decode())
    if not m or int(m.group(2)) != len(lo):
        bad.append("Lỗi: autofilter %r over %d rows" % (m and m.group(0), len(lo)))
    for b in bad[:40]:
        print(b)
    print("%d checks, %d mismatches" % (n, len(bad)))
    sys.exit(1 if bad else 0)


main()
