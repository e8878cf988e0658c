#!/usr/bin/python3
# Open the portal's consolidated workbook with a second reader (openpyxl) and check it
# against the returns themselves, also read by openpyxl: every figure of each given unit's
# column is the value in its return's "Biểu mẫu N" sheet (column D of the row whose STT is
# the code), every SUM total's cached value is the sum of the unit columns, and no other
# unit has a figure.
# Usage: check-workbook.py OUT.xlsx UNIT=RETURN.xlsx... Prints one line per mismatch and
# "N checks, N mismatches"; exits 1 on any mismatch.
# SPDX-License-Identifier: MIT
import re
import sys

import openpyxl


def return_values(path):
    """(form, code) -> number, from a return's form sheets."""
    wb = openpyxl.load_workbook(path, data_only=True)
    out = {}
    for ws in wb.worksheets:
        m = re.match(r"Biểu mẫu (\d+)$", ws.title)
        if not m:
            continue
        form = "BM" + m.group(1)
        for row in ws.iter_rows(values_only=True):
            if not row or row[0] is None or len(row) < 4:
                continue
            code = str(row[0]).strip().rstrip(".")
            if re.fullmatch(r"\d+(\.\d+)*", code) and isinstance(row[3], (int, float)):
                out[(form, code)] = float(row[3])
    return out


def main():
    book = sys.argv[1]
    units = dict(a.split("=", 1) for a in sys.argv[2:])
    expected = {u: return_values(p) for u, p in units.items()}
    values = openpyxl.load_workbook(book, data_only=True)
    formulas = openpyxl.load_workbook(book)
    n, bad = 0, []
    for form in ["BM%d" % i for i in range(1, 8)]:
        ws, wf = values[form], formulas[form]
        rows = list(ws.iter_rows(values_only=True))
        head = next(i for i, r in enumerate(rows) if r and r[0] == "STT")
        codes = rows[head + 1]
        total_col = list(rows[head]).index("Tổng")
        cols = {str(c): j for j, c in enumerate(codes) if c is not None}
        for i in range(head + 2, len(rows)):
            r = rows[i]
            if r[0] is None:
                continue
            code = str(r[0])
            for unit, col in cols.items():
                got = r[col]
                want = expected.get(unit, {}).get((form, code))
                if unit in expected and want is not None:
                    n += 1
                    if not isinstance(got, (int, float)) or abs(got - want) > 1e-9:
                        bad.append("%s %s unit %s: workbook %r, return %r" % (form, code, unit, got, want))
                elif unit not in expected and got not in (None, ""):
                    n += 1
                    bad.append("%s %s unit %s: %r in the workbook, but the unit sent nothing accepted"
                               % (form, code, unit, got))
            formula = wf.cell(row=i + 1, column=total_col + 1).value
            if isinstance(formula, str) and formula.startswith("=SUM("):
                n += 1
                nums = [r[c] for c in cols.values() if isinstance(r[c], (int, float))]
                total = r[total_col]
                if nums and (not isinstance(total, (int, float)) or abs(total - sum(nums)) > 1e-9):
                    bad.append("%s %s: total %r, columns sum to %r" % (form, code, total, sum(nums)))
    for b in bad:
        print(b)
    print("%d checks, %d mismatches" % (n, len(bad)))
    sys.exit(1 if bad or n < 50 else 0)


if __name__ == "__main__":
    main()
