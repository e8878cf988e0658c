#!/usr/bin/python3
# Make returns unlike the bundled fixtures for the feedback tests (tests/feedback.sh), from
# a fixture return that has errors: openpyxl rewrites it with its own styles, number
# formats, fonts and fills, comments (one on a cell with an error), merged cells, data
# validation, a defined name, print settings and frozen panes; a second copy also has a
# sheet of its own named "Lỗi", its value cells written without styles and one value cell
# (Biểu mẫu 7 row 4, blank) not in the file at all.
# Usage: make-unlike.py RETURN.xlsx OUTDIR. Writes OUTDIR/styled.xlsx, OUTDIR/has-loi.xlsx.
# SPDX-License-Identifier: MIT
import sys

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation


def styled(src, out):
    wb = openpyxl.load_workbook(src)
    thin = Side(style="thin", color="FF3366FF")
    for ws in wb.worksheets:
        ws.sheet_properties.tabColor = "FF00AA00"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.print_options.gridLines = True
        for row in ws.iter_rows():
            for c in row:
                if c.column == 1 and c.value is not None:
                    c.font = Font(name="Arial", size=10, bold=True, color="FF1F4E79")
                if c.column == 4 and isinstance(c.value, (int, float)):
                    c.number_format = "#,##0.00"
                    c.fill = PatternFill("solid", fgColor="FFE2EFDA")
                    c.border = Border(left=thin, right=thin, top=thin, bottom=thin)
                    c.alignment = Alignment(horizontal="right", vertical="center")
        if ws.title.startswith("Biểu mẫu"):
            ws.freeze_panes = "C6"
            dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
            dv.error = "Ghi số không âm"
            ws.add_data_validation(dv)
            dv.add("D6:D60")
            ws.print_area = "A1:E60"
            if not any(str(m).startswith("A2:") for m in ws.merged_cells.ranges):
                ws.merge_cells("A2:E2")
            ws["F3"] = "ô ngoài bảng của xã"
            ws["F3"].comment = Comment("ghi chú của xã ở F3", "Xã")
    # a comment on a cell that has an error (Biểu mẫu 3 D10) and one beside it
    ws = wb["Biểu mẫu 3"]
    ws["D10"].comment = Comment("Xã: số này lấy theo Quyết định 12", "Cán bộ xã")
    ws["E10"].comment = Comment("để trống", "Cán bộ xã")
    wb.defined_names.append(DefinedName("SoLieu", attr_text="'Biểu mẫu 7'!$D$6:$D$40"))
    wb.active = 2
    wb.save(out)


def has_loi(src, out):
    wb = openpyxl.load_workbook(src)
    ws = wb.create_sheet("Lỗi")
    ws["A1"] = "Sổ theo dõi lỗi của xã"
    ws["A2"] = "=1+1"
    for s in wb.worksheets:
        if s.title.startswith("Biểu mẫu"):
            for row in s.iter_rows(min_col=4, max_col=4):
                for c in row:
                    c.style = "Normal"
    # the value of Biểu mẫu 7 row "4." not in the file at all (not even an empty cell)
    s = wb["Biểu mẫu 7"]
    row = next(r[0].row for r in s.iter_rows() if str(r[0].value).strip() == "4.")
    s._cells.pop((row, 4), None)
    wb.save(out)


def main():
    src, outdir = sys.argv[1], sys.argv[2]
    styled(src, outdir + "/styled.xlsx")
    has_loi(src, outdir + "/has-loi.xlsx")


main()
