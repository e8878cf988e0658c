#!/usr/bin/python3
# Check a merge of fixtures/demo against fixtures/demo-expected.tsv, which the fixture
# generator wrote from its own data (never from tonghop's output), and open the workbook
# with a second reader (openpyxl) to check the live totals and the error sheet. Every total
# formula is evaluated on the workbook's own unit cells (tests/xlformula.py) and must give
# its cached value and the expected total.
# Usage: check-merge.py RESULT.json OUT.xlsx EXPECTED.tsv. Prints one line per mismatch
# and "N checks, N mismatches"; exits 1 on any mismatch.
# SPDX-License-Identifier: MIT
import json
import os
import sys

import openpyxl

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from xlformula import Evaluator, XlError  # noqa: E402


def close(a, b):
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def main():
    res = json.load(open(sys.argv[1], encoding="utf-8"))
    xlsx = sys.argv[2]
    bad, n = [], 0
    files = {os.path.basename(f["path"]): f for f in res["files"]}
    units = {u["code"]: u for u in res["units"]}
    totals = res["totals"]
    want_totals = {}
    for line in open(sys.argv[3], encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if not f or not f[0] or f[0].startswith("#"):
            continue
        n += 1
        if f[0] == "file":
            got = files.get(f[1], {}).get("status")
            if got != f[2]:
                bad.append("file %s: got %s, expected %s" % (f[1], got, f[2]))
        elif f[0] == "unit":
            u = units.get(f[1])
            if not u or u["status"] != f[2]:
                bad.append("unit %s: got %s, expected %s" % (f[1], u and u["status"], f[2]))
            elif f[3] != "-" and os.path.basename(u["file"] or "") != f[3]:
                bad.append("unit %s: file %s, expected %s" % (f[1], u["file"], f[3]))
            elif f[4] != "on_time:-" and str(u["on_time"]).lower() != {"on_time:1": "true", "on_time:0": "false"}[f[4]]:
                bad.append("unit %s: on_time %s, expected %s" % (f[1], u["on_time"], f[4]))
        elif f[0] == "total":
            form, code, want = f[1], f[2], f[3]
            got = totals.get(form, {}).get(code, "absent")
            want_totals[(form, code)] = want
            if want == "blank":
                if got is not None:
                    bad.append("total %s %s: got %r, expected blank" % (form, code, got))
            elif got is None or got == "absent" or not close(got, float(want)):
                bad.append("total %s %s: got %r, expected %s" % (form, code, got, want))
        elif f[0] == "count":
            got = {"received": sum(u["status"] == "received" for u in res["units"]),
                   "on_time": sum(u["on_time"] is True for u in res["units"])}[f[1]]
            if got != int(f[2]):
                bad.append("count %s: got %d, expected %s" % (f[1], got, f[2]))

    # the workbook, read by openpyxl: formulas in the total column, cached values = totals
    wb_f = openpyxl.load_workbook(xlsx)
    wb_v = openpyxl.load_workbook(xlsx, data_only=True)
    for name in ["Tổng hợp", "Lỗi"]:
        n += 1
        if name not in wb_f.sheetnames:
            bad.append("sheet %r missing (have %r)" % (name, wb_f.sheetnames))
    for form in totals:
        n += 1
        if form not in wb_f.sheetnames:
            bad.append("sheet %r missing" % form)
            continue
        wsf, wsv = wb_f[form], wb_v[form]
        # the total column is the one headed "Tổng"; rows are found by the code in column A
        last = next(c.column for r in wsf.iter_rows(max_row=10) for c in r if c.value == "Tổng")
        checked = 0
        ev = Evaluator(lambda r, c: wsv.cell(r, c).value)
        for row in range(1, wsf.max_row + 1):
            code = wsf.cell(row, 1).value
            if code is None:
                continue
            code = str(code).strip().rstrip(".")
            if (form, code) not in want_totals:
                continue
            want = want_totals[(form, code)]
            f_cell, v_cell = wsf.cell(row, last), wsv.cell(row, last)
            v = v_cell.value
            if isinstance(f_cell.value, str) and f_cell.value.startswith("="):
                # what a spreadsheet recalculates: the cached value, and the expected total
                n += 1
                try:
                    got = ev.evaluate(f_cell.value)
                except (XlError, ValueError) as e:
                    got = "error %s" % e
                cached = "" if v is None else v
                if isinstance(got, (int, float)) and isinstance(cached, (int, float)):
                    same = close(float(got), float(cached))
                else:
                    same = got == cached
                if not same:
                    bad.append("%s!%s: %s evaluates to %r, cached %r" % (form, f_cell.coordinate, f_cell.value, got, cached))
                if want == "blank" and got not in ("", 0):
                    bad.append("%s!%s: evaluates to %r, expected blank" % (form, f_cell.coordinate, got))
                elif want != "blank" and isinstance(got, (int, float)) and not close(float(got), float(want)):
                    bad.append("%s!%s: evaluates to %r, expected %s" % (form, f_cell.coordinate, got, want))
            if want == "blank":
                continue
            checked += 1
            if not (isinstance(f_cell.value, str) and f_cell.value.startswith("=")):
                bad.append("%s!%s: total is not a formula: %r" % (form, f_cell.coordinate, f_cell.value))
            if isinstance(v, (int, float)) and not close(float(v), float(want)):
                bad.append("%s!%s: cached %r, expected %s" % (form, v_cell.coordinate, v, want))
        n += checked
        if not checked:
            bad.append("%s: no total row found to check" % form)
    errors = [f for f in res["findings"] if f["severity"] in ("error", "warning")]
    ws = wb_v["Lỗi"] if "Lỗi" in wb_v.sheetnames else None
    if ws is not None:
        n += 1
        rows = sum(1 for r in ws.iter_rows(min_row=2) if any(c.value is not None for c in r))
        if rows != len(errors):
            bad.append("Lỗi sheet: %d rows, %d error/warning findings" % (rows, len(errors)))
        # the cell shown is the commune's own; its link goes to the unit's cell in this workbook
        n += 1
        own = {"%s!%s" % (f["sheet"], f["cell"]) for f in errors if f["sheet"] and f["cell"]}
        col = [c.value for c in ws[1]].index("Ô")
        for r in ws.iter_rows(min_row=2):
            c = r[col]
            if c.hyperlink is None:
                continue
            target = c.hyperlink.location.split("!")[0].strip("'")
            if c.value not in own:
                bad.append("Lỗi %s: %r is no commune's cell of a finding" % (c.coordinate, c.value))
            if target not in wb_f.sheetnames:
                bad.append("Lỗi %s: links to %r, no sheet of the workbook" % (c.coordinate, c.hyperlink.location))
    for b in bad:
        print(b)
    print("%d checks, %d mismatches" % (n, len(bad)))
    sys.exit(1 if bad else 0)


main()
