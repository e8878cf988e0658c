#!/usr/bin/python3
# A second reader for the feedback workbook (tonghop check --feedback): openpyxl compares
# the feedback with the commune's original and with the findings of `check --json`.
#   - the sheets are the original's, in order, plus a last one named "Lỗi" (or "Lỗi (2)"
#     ... when the original has one), which is the active tab;
#   - every cell of the original keeps its value, number format, font, border, alignment
#     and protection, and its fill unless it has a finding; merged ranges, data
#     validations, conditional formats, frozen panes, column widths, row heights, print
#     settings, sheet states and defined names are the original's; a comment the original
#     has is still there, its text first;
#   - every cell with an error or warning is filled red or amber and commented with its
#     findings; no other cell is added;
#   - the Lỗi sheet lists every error and warning (sheet, cell, rule, severity) with a link
#     to the commune's own cell, and holds no formula;
#   - the addresses are the commune's own: a finding on a form row points at a cell of the
#     row whose code it names.
# Usage: check-feedback.py ORIGINAL.xlsx FEEDBACK.xlsx CHECK.json. Prints one line per
# problem and exits 1 if there is any; else prints what it compared.
# SPDX-License-Identifier: MIT
import json
import re
import sys

import openpyxl

FILLS = {"FFFFC7CE": "error", "FFFFD966": "warning"}
SEV = {"error": "Lỗi", "warning": "Cảnh báo"}


def font_key(f):
    return (f.name, f.sz, f.b, f.i, f.u, f.strike, f.color.rgb if f.color is not None else None)


def style_key(c):
    b = c.border
    sides = tuple((s.style, s.color.rgb if s.color is not None else None)
                  for s in (b.left, b.right, b.top, b.bottom))
    a = c.alignment
    return (c.number_format, font_key(c.font), sides,
            (a.horizontal, a.vertical, a.wrap_text, a.indent, a.text_rotation),
            (c.protection.locked, c.protection.hidden))


def fill_key(c):
    f = c.fill
    return (f.fill_type, f.fgColor.rgb if f.fgColor is not None else None)


def dv_key(ws):
    return sorted((str(d.sqref), d.type, d.operator, d.formula1, d.formula2)
                  for d in ws.data_validations.dataValidation)


def page_key(ws):
    p = ws.page_setup
    return (p.orientation, p.paperSize, p.fitToWidth, p.fitToHeight, ws.print_area,
            ws.print_title_rows, ws.print_title_cols, ws.print_options.gridLines,
            ws.page_margins.left, ws.page_margins.top)


def main():
    orig_path, fb_path, json_path = sys.argv[1:4]
    a = openpyxl.load_workbook(orig_path)
    b = openpyxl.load_workbook(fb_path)
    found = json.load(open(json_path, encoding="utf-8"))["findings"]
    bad = []
    cells = 0

    def say(msg):
        if len(bad) < 40:
            bad.append(msg)

    # the sheets
    names = a.sheetnames
    if b.sheetnames[:-1] != names:
        say("sheets: %r, original %r" % (b.sheetnames, names))
    loi = b.sheetnames[-1]
    taken = {n.casefold() for n in names}
    want = "Lỗi"
    k = 2
    while want.casefold() in taken:
        want = "Lỗi (%d)" % k
        k += 1
    if loi != want:
        say("added sheet %r, expected %r" % (loi, want))
    if b.active.title != loi:
        say("active sheet %r, expected %r" % (b.active.title, loi))
    if {(n.name, n.attr_text, n.localSheetId) for n in b.defined_names.definedName} != \
            {(n.name, n.attr_text, n.localSheetId) for n in a.defined_names.definedName}:
        say("defined names changed")

    # the cells with findings
    marked = {}
    for f in found:
        if f["severity"] in ("error", "warning") and f["sheet"] and f["cell"]:
            marked.setdefault((f["sheet"], f["cell"]), []).append(f)

    for name in names:
        wa, wb_ = a[name], b[name]
        if wa.sheet_state != wb_.sheet_state:
            say("%s: state %s, original %s" % (name, wb_.sheet_state, wa.sheet_state))
        if sorted(map(str, wa.merged_cells.ranges)) != sorted(map(str, wb_.merged_cells.ranges)):
            say("%s: merged ranges changed" % name)
        if dv_key(wa) != dv_key(wb_):
            say("%s: data validation changed" % name)
        if sorted(map(str, wa.conditional_formatting)) != sorted(map(str, wb_.conditional_formatting)):
            say("%s: conditional formats changed" % name)
        if wa.freeze_panes != wb_.freeze_panes:
            say("%s: frozen panes %r, original %r" % (name, wb_.freeze_panes, wa.freeze_panes))
        if page_key(wa) != page_key(wb_):
            say("%s: print settings %r, original %r" % (name, page_key(wb_), page_key(wa)))
        if {k: v.width for k, v in wa.column_dimensions.items()} != \
                {k: v.width for k, v in wb_.column_dimensions.items()}:
            say("%s: column widths changed" % name)
        if {k: v.height for k, v in wa.row_dimensions.items() if v.height} != \
                {k: v.height for k, v in wb_.row_dimensions.items() if v.height}:
            say("%s: row heights changed" % name)
        for coord, ca in ((c.coordinate, c) for row in wa.iter_rows() for c in row):
            cb = wb_[coord]
            cells += 1
            if ca.value != cb.value or ca.data_type != cb.data_type:
                say("%s!%s: %r, original %r" % (name, coord, cb.value, ca.value))
            if style_key(ca) != style_key(cb):
                say("%s!%s: format %r, original %r" % (name, coord, style_key(cb), style_key(ca)))
            if (name, coord) not in marked and fill_key(ca) != fill_key(cb):
                say("%s!%s: fill %r, original %r" % (name, coord, fill_key(cb), fill_key(ca)))
            if ca.comment is not None:
                if cb.comment is None or not cb.comment.text.startswith(ca.comment.text):
                    say("%s!%s: the commune's comment %r lost" % (name, coord, ca.comment.text))
            elif cb.comment is not None and (name, coord) not in marked:
                say("%s!%s: a comment where there was none" % (name, coord))
        # no cell added but the marked ones
        for row in wb_.iter_rows():
            for c in row:
                if c.value is not None and wa[c.coordinate].value is None:
                    say("%s!%s: a value added: %r" % (name, c.coordinate, c.value))

    for (name, coord), fs in marked.items():
        if name not in names:
            say("finding on sheet %r, which the original has not" % name)
            continue
        c = b[name][coord]
        worst = "error" if any(f["severity"] == "error" for f in fs) else "warning"
        if c.fill.fill_type != "solid" or FILLS.get(c.fill.fgColor.rgb) != worst:
            say("%s!%s: fill %r, expected the %s fill" % (name, coord, fill_key(c), worst))
        text = c.comment.text if c.comment is not None else ""
        for f in fs:
            if "%s %s:" % (SEV[f["severity"]], f["rule"]) not in text and "nội dung khác" not in text:
                say("%s!%s: comment %r does not say %s" % (name, coord, text[:80], f["rule"]))
            # the commune's own address: a form finding's cell is in the row of its code
            if f["form"].startswith("BM") and f["code"]:
                row = [str(x.value).strip() for x in a[name][c.row] if x.value is not None]
                if not any(v.rstrip(".") == f["code"] or v.startswith(f["code"] + ".") for v in row):
                    say("%s!%s: row %d does not hold code %s" % (name, coord, c.row, f["code"]))

    # the Lỗi sheet
    ws = b[loi]
    head = [c.value for c in ws[1]]
    col = {h: i for i, h in enumerate(head)}
    listed = []
    for row in ws.iter_rows(min_row=2):
        for c in row:
            if c.data_type == "f":
                say("%s!%s: a formula %r" % (loi, c.coordinate, c.value))
        if row[col["Quy tắc"]].value is None:
            continue
        v = [c.value if c.value is not None else "" for c in row]
        link = row[col["Ô"]].hyperlink
        listed.append((v[col["Trang tính"]], v[col["Ô"]], v[col["Quy tắc"]], v[col["Mức"]],
                       link.location if link is not None else None))
    want = sorted((f["sheet"], f["cell"], f["rule"], SEV[f["severity"]],
                   "'%s'!%s" % (f["sheet"].replace("'", "''"), f["cell"]) if f["sheet"] and f["cell"] else None)
                  for f in found if f["severity"] in ("error", "warning"))
    if sorted(listed) != want:
        say("Lỗi lists %r, expected %r" % (sorted(listed)[:3], want[:3]))
    if not want and "Không có lỗi" not in str(ws["A2"].value):
        say("Lỗi: no finding, and it does not say so")

    for m in bad:
        print(m)
    if bad:
        sys.exit(1)
    print("%d cells of %d sheets as the original, %d marked, %d listed" % (cells, len(names), len(marked), len(listed)))


main()
