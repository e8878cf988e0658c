#!/usr/bin/python3
# Returns laid out unlike our fixtures, each with the truth beside it (issue #11: reading
# returns as they really come, never a wrong figure in silence).
#
# Every case is one workbook NAME.xlsx (or .ods/.xls) and NAME.expect.tsv, both made here
# from the generator's own data: the truth is what this program meant to write, never what
# tonghop reads back. The forms and rows come from the schema (schemas/*.ini, read by this
# file's own small parser), the units from the roster. The expect format is the one of
# fixtures/returns (tests/check-return.py documents it), extended compatibly:
#   value FORM CODE WANT [SHEET CELL [SEVERITY]]   WANT may be 'unread' (no figure may be
#         given; a finding of SEVERITY must name the row and each CELL, comma-separated) and
#         alternatives joined by '|' ('0|dash': either is right)
#   other FORM CODE ROLE VALUE SHEET CELL          another column's figure and its role
#
# Writers: openpyxl (formulas without cached results), a libxlsxwriter program
# (tests/layouts/gen_lxw.c: inline strings, formulas cached as 0), and LibreOffice headless
# (converts openpyxl files to .xlsx/.ods/.xls, computing the formulas). LibreOffice is slow
# and not a build dependency, so its files are made with --lo and committed in
# tests/layouts/lo/; every run writes their expect files again to OUTDIR/lo-expect so the
# runner can tell when the committed ones have gone stale.
#
# Usage: gen.py OUTDIR [--lxw GEN_LXW] [--lo]
#   OUTDIR/cases/NAME.{xlsx,expect.tsv}   every case made by openpyxl and libxlsxwriter
#   OUTDIR/merge/*.xlsx + OUTDIR/merge-expected.tsv  ten returns of 2023-Q3 for a merge, and
#                                         what it must total (the format of demo-expected.tsv)
#   OUTDIR/lo-expect/NAME.expect.tsv      the expects of the committed LibreOffice cases
#   --lo: also make tests/layouts/lo/NAME.{xlsx,ods,xls} + expect with soffice
# Deterministic: the same files and truths on every run (fixed seeds, fixed times).
# SPDX-License-Identifier: MIT
import datetime
import io
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import zipfile

import openpyxl
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SCHEMA_PATH = os.path.join(ROOT, "schemas", "cchc-haiduong-2023.ini")
ROSTER_PATH = os.path.join(ROOT, "schemas", "roster-thanhmien.ini")
LO_DIR = os.path.join(HERE, "lo")
FIXED_TIME = datetime.datetime(2023, 9, 12, 8, 0, 0)

# ---------------------------------------------------------------------------------------
# The schema and the roster, read from the INI data (quoted values, ';' comments)
# ---------------------------------------------------------------------------------------


class Row:
    def __init__(self, form, code, spec):
        kind, agg, unit, label = [x.strip() for x in spec.split("|", 3)]
        # "count optional": the kind, then whether the row must be filled (#11); resolved
        # against the form's `fill` in load_schema
        words = kind.split()
        self.fill = words[1].lower() if len(words) > 1 else None
        kind = words[0]
        self.form, self.code, self.kind, self.unit, self.label = form, code, kind, unit, label
        self.agg = agg.split()[0]
        self.ratio = tuple(agg.split()[1::2]) if self.agg == "ratio" else None  # (num, den)
        self.options = [(t.strip(), int(n)) for t, n in re.findall(r"([^;=]+?)\s*=\s*(\d+)", unit)]


class Form:
    def __init__(self, fid):
        self.id, self.number, self.title, self.name, self.rows = fid, int(fid[2:]), "", "", []
        self.fill = "optional"

    def row(self, code):
        for r in self.rows:
            if r.code == code:
                return r
        raise KeyError("%s %s" % (self.id, code))


def ini_sections(path):
    sec = None
    for line in open(path, encoding="utf-8"):
        s = line.strip()
        if not s or s[0] in ";#":
            continue
        if s.startswith("["):
            sec = s[1:s.index("]")]
            continue
        if "=" not in s:
            continue
        k, v = s.split("=", 1)
        v = v.strip()
        v = v[1:v.rindex('"')] if v.startswith('"') else v.split(";")[0].strip()
        yield sec, k.strip(), v


def load_schema():
    forms = {}
    for sec, k, v in ini_sections(SCHEMA_PATH):
        if not re.fullmatch(r"BM\d+", sec or ""):
            continue
        f = forms.setdefault(sec, Form(sec))
        if k == "title":
            f.title = v
        elif k == "name":
            f.name = v
        elif k == "fill":
            f.fill = v.lower()
        elif re.fullmatch(r"\d+(\.\d+)*", k):
            f.rows.append(Row(sec, k, v))
    for f in forms.values():
        for r in f.rows:
            r.fill = r.fill or ("group" if r.kind == "group" else f.fill)
    return [forms[k] for k in sorted(forms, key=lambda x: int(x[2:]))]


def load_roster():
    units = {}
    for sec, k, v in ini_sections(ROSTER_PATH):
        if re.fullmatch(r"\d{5}", sec or "") and k == "name":
            units[sec] = v
    return units


FORMS = load_schema()
FORM = {f.id: f for f in FORMS}
ROSTER = load_roster()

# ---------------------------------------------------------------------------------------
# Periods and the Hải Dương calendar (window 10th of the month before -> 9th of the last)
# ---------------------------------------------------------------------------------------

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class Period:
    def __init__(self, pid):
        self.id = pid
        self.year = int(pid[:4])
        m = re.fullmatch(r"\d{4}-(Q([1-4])|9M|H1)", pid)
        self.kind = "Q" if m.group(2) else m.group(1)
        self.q = int(m.group(2)) if m.group(2) else 0
        if self.kind == "Q":
            first, last = 3 * self.q - 2, 3 * self.q
            fy, fm = (self.year, first - 1) if first > 1 else (self.year - 1, 12)
            self.start, self.end = datetime.date(fy, fm, 10), datetime.date(self.year, last, 9)
            self.text = "quý %s năm %d" % (ROMAN[self.q], self.year)
            self.short = "Quý %s/%d" % (ROMAN[self.q], self.year)
        else:
            last = 9 if self.kind == "9M" else 6
            self.start, self.end = datetime.date(self.year - 1, 12, 10), datetime.date(self.year, last, 9)
            self.text = ("9 tháng đầu năm %d" if self.kind == "9M" else "6 tháng đầu năm %d") % self.year
            self.short = ("9 tháng năm %d" if self.kind == "9M" else "6 tháng năm %d") % self.year


def vn_date(d):
    return "%d/%d/%d" % (d.day, d.month, d.year)


# ---------------------------------------------------------------------------------------
# A return's values: plausible figures for one commune, the relations of the forms true
# ---------------------------------------------------------------------------------------

# The province's lists, the same for every commune (catalogue rows).
CATALOGUE = {
    ("BM3", "1"): 139, ("BM3", "1.1"): 0, ("BM3", "1.2"): 0, ("BM3", "1.3"): 3, ("BM3", "1.4"): 157,
    ("BM3", "1.4.3"): 157, ("BM3", "2.1"): 2, ("BM3", "2.2"): 3, ("BM3", "2.3"): 28,
    ("BM7", "6.4.1"): 68, ("BM7", "6.4.2"): 68, ("BM7", "6.5.1"): 44, ("BM7", "6.5.2"): 44,
    ("BM7", "6.6.1"): 112, ("BM7", "6.6.2"): 112, ("BM7", "6.8.1"): 51, ("BM7", "6.8.2"): 51,
}
# District-level rows left in the commune form: blank in a commune's return.
ALWAYS_BLANK = {("BM1", "3.1"), ("BM1", "3.2"), ("BM2", "2.1"), ("BM2", "3.1")}


def pct2(num, den):
    """num/den x 100 rounded half up to 2 decimals (Excel's ROUND), as the double of its text."""
    n, d = int(num), int(den)
    return (n * 10000 + d // 2) // d / 100 if d > 0 else 0


def plausible(row, rng):
    """A figure a commune might write in row (not the relations between rows)."""
    if row.kind == "group":
        return None
    if row.kind == "coded":
        return rng.choice(row.options)[1]
    if row.kind == "percent":
        return rng.choice([100, round(rng.uniform(55, 99.9), 2)])
    if row.kind == "money":
        return rng.randint(15, 50) * 100
    ranges = {"Hồ sơ": (300, 990), "Phiếu": (200, 900), "Người": (0, 24), "Văn bản": (0, 40),
              "Nhiệm vụ": (10, 70), "PAKN": (0, 6)}
    lo, hi = ranges.get(row.unit, (0, 12))
    return rng.randint(lo, hi)


class Ret:
    """A commune's return: who, for which period, and a value (or None: blank) per row."""

    def __init__(self, unit, period="2023-Q3", report=None, seed=None, forms=None):
        self.unit = unit
        self.name = ROSTER[unit]                       # "Xã Thanh Tùng"
        self.place = re.sub(r"^(Xã|Thị trấn|Phường)\s+", "", self.name)
        self.period = Period(period)
        self.report = report or self.period.end + datetime.timedelta(days=3)
        self.forms = forms or [f.id for f in FORMS]
        self.v = {}
        rng = random.Random(seed if seed is not None else int(unit))
        for f in FORMS:
            for r in f.rows:
                key = (f.id, r.code)
                if key in CATALOGUE:
                    self.v[key] = CATALOGUE[key]
                elif key in ALWAYS_BLANK or (r.kind == "count" and rng.random() < 0.08):
                    self.v[key] = None
                else:
                    self.v[key] = plausible(r, rng)
        self.derive()

    def derive(self):
        v = self.v
        if v[("BM6", "1.1")] is not None and v[("BM6", "1.2")] is not None:
            v[("BM6", "1.2")] = v[("BM6", "1.1")] * random.Random(self.unit).randint(40, 95) // 100
        tasks = sum(v[("BM1", c)] or 0 for c in ("4.2", "4.3", "4.4"))
        if v[("BM1", "4.1")] is not None and v[("BM1", "4.1")] < tasks:
            v[("BM1", "4.1")] = tasks + int(self.unit) % 5                 # 4.1 >= 4.2 + 4.3 + 4.4
        parts = [v[("BM6", c)] for c in ("2.4.1", "2.4.2", "2.4.3")]
        if any(p is not None for p in parts):
            v[("BM6", "2.4")] = sum(p or 0 for p in parts)
        for f in FORMS:
            for r in f.rows:
                if r.ratio:
                    n, d = (f.id, r.ratio[0]), (f.id, r.ratio[1])
                    if v[n] is not None and v[d] is not None and v[n] > v[d]:
                        v[n] = v[d]
        for f in FORMS:
            for r in f.rows:
                if r.ratio:
                    n, d = v[(f.id, r.ratio[0])], v[(f.id, r.ratio[1])]
                    v[(f.id, r.code)] = None if d is None else pct2(n or 0, d)


# ---------------------------------------------------------------------------------------
# A workbook in memory, written by openpyxl, by libxlsxwriter (a spec for gen_lxw) or
# converted by LibreOffice
# ---------------------------------------------------------------------------------------


class Formula:
    def __init__(self, text):
        self.text = text


class Sheet:
    def __init__(self, name, hidden=False):
        self.name, self.hidden = name, hidden
        self.cells = {}          # (r, c) -> (value, style)
        self.merges = []         # (r1, c1, r2, c2)
        self.hidden_rows, self.hidden_cols, self.widths = set(), set(), {}

    def put(self, r, c, value, **style):
        self.cells[(r, c)] = (value, style)

    def merge(self, r1, c1, r2, c2, value, **style):
        self.put(r1, c1, value, **style)
        if (r1, c1) != (r2, c2):
            self.merges.append((r1, c1, r2, c2))


class Book:
    def __init__(self):
        self.sheets = []

    def sheet(self, name, hidden=False):
        s = Sheet(name, hidden)
        self.sheets.append(s)
        return s


def ref(r, c):
    return "%s%d" % (get_column_letter(c + 1), r + 1)


def save_openpyxl(book, path):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin")
    for sh in book.sheets:
        ws = wb.create_sheet(sh.name)
        if sh.hidden:
            ws.sheet_state = "hidden"
        for (r, c), (v, st) in sorted(sh.cells.items()):
            cell = ws.cell(row=r + 1, column=c + 1)
            cell.value = v.text if isinstance(v, Formula) else v
            if st.get("bold"):
                cell.font = Font(bold=True)
            if st.get("wrap") or st.get("center"):
                cell.alignment = Alignment(wrap_text=bool(st.get("wrap")),
                                           horizontal="center" if st.get("center") else None,
                                           vertical="center" if st.get("center") else None)
            if st.get("fmt"):
                cell.number_format = st["fmt"]
            if st.get("border"):
                cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        for r1, c1, r2, c2 in sh.merges:
            ws.merge_cells(start_row=r1 + 1, start_column=c1 + 1, end_row=r2 + 1, end_column=c2 + 1)
        for c, w in sh.widths.items():
            ws.column_dimensions[get_column_letter(c + 1)].width = w
        for c in sh.hidden_cols:
            ws.column_dimensions[get_column_letter(c + 1)].hidden = True
        for r in sh.hidden_rows:
            ws.row_dimensions[r + 1].hidden = True
    wb.properties.created = wb.properties.modified = FIXED_TIME
    wb.properties.creator = "tonghop tests/layouts"
    buf = io.BytesIO()
    wb.save(buf)
    # the same bytes on every run: openpyxl stamps the zip entries with the time of saving
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2023-09-12T08:00:00Z", data)
            zout.writestr(zipfile.ZipInfo(item.filename, date_time=(2023, 9, 12, 8, 0, 0)), data,
                          compress_type=zipfile.ZIP_DEFLATED)


def esc(s):
    return str(s).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")


def save_spec(book, path, constant_memory=False):
    """The book as instructions for gen_lxw (libxlsxwriter), one operation a line."""
    fmts, out = {}, ["book\t%d" % int(constant_memory)]

    def fmt_id(st):
        key = (st.get("fmt") or "", int(bool(st.get("bold"))), int(bool(st.get("wrap"))),
               int(bool(st.get("center"))), int(bool(st.get("border"))))
        if key == ("", 0, 0, 0, 0):
            return 0
        if key not in fmts:
            fmts[key] = len(fmts) + 1
            out.append("fmt\t%d\t%s\t%d\t%d\t%d\t%d" % ((fmts[key], esc(key[0])) + key[1:]))
        return fmts[key]

    for sh in book.sheets:
        out.append("sheet\t%s\t%d" % (esc(sh.name), int(sh.hidden)))
        for c in sorted(set(sh.widths) | sh.hidden_cols):
            out.append("col\t%d\t%g\t%d" % (c, sh.widths.get(c, 8.43), int(c in sh.hidden_cols)))
        merges = {(m[0], m[1]): m for m in sh.merges}
        rows = sorted({r for r, _ in sh.cells} | sh.hidden_rows)
        for r in rows:
            if r in sh.hidden_rows:
                out.append("row\t%d\t1" % r)
            for (rr, c), (v, st) in sorted(sh.cells.items()):
                if rr != r:
                    continue
                f = fmt_id(st)
                if (r, c) in merges:
                    m = merges[(r, c)]
                    out.append("m\t%d\t%d\t%d\t%d\t%d\t%s" % (m[0], m[1], m[2], m[3], f, esc(v if v is not None else "")))
                elif isinstance(v, Formula):
                    out.append("f\t%d\t%d\t%d\t%s" % (r, c, f, esc(v.text)))
                elif isinstance(v, str):
                    out.append("s\t%d\t%d\t%d\t%s" % (r, c, f, esc(v)))
                elif v is None:
                    out.append("b\t%d\t%d\t%d" % (r, c, f))
                else:
                    out.append("n\t%d\t%d\t%d\t%r" % (r, c, f, float(v)))
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("\n".join(out) + "\n")


# ---------------------------------------------------------------------------------------
# A case: a return, its workbook and what a reader must get from it
# ---------------------------------------------------------------------------------------


def num_text(x):
    return "%d" % x if float(x).is_integer() else "%.15g" % x


class Case:
    def __init__(self, name, unit, period="2023-Q3", report=None, seed=None, forms=None,
                 writer="openpyxl", what=""):
        self.name, self.writer, self.what = name, writer, what
        self.ret = Ret(unit, period, report, seed, forms)
        self.book = Book()
        self.want_lines = {}     # (form, code) -> (want, sheet, cell, severity)
        self.others = []
        self.said = []           # (form, severity, sheet, cell): a finding of the form there
        self.quiet = []          # rules that must say nothing of this return
        self.pos = {}            # (form, code) -> (sheet, r, c) of the period's value cell
        self.rng = random.Random(name)
        self.constant_memory = False

    # what a reader must get
    def want(self, form, code, want, sheet=None, cell=None, severity=None):
        self.want_lines[(form, code)] = (want, sheet, cell, severity)

    def want_unread(self, form, code, cells, severity="error"):
        """No figure may be given for the row; a finding of severity names every cell
        of cells [(sheet, r, c)] (the candidates)."""
        self.want(form, code, "unread", cells[0][0], ",".join(ref(r, c) for _, r, c in cells), severity)

    def other(self, form, code, role, value, sheet, r, c):
        self.others.append((form, code, role, value, sheet, ref(r, c)))

    def expect_text(self):
        ret = self.ret
        out = ["# %s: %s" % (self.name, self.what),
               "unit\t%s" % ret.unit, "period\t%s" % ret.period.id,
               "window\t%s\t%s" % (ret.period.start.isoformat(), ret.period.end.isoformat()),
               "report_date\t%s" % ret.report.isoformat()]
        for f in FORMS:
            for r in f.rows:
                w = self.want_lines.get((f.id, r.code))
                if w is None:
                    continue
                fields = ["value", f.id, r.code, w[0]]
                if w[1] is not None:
                    fields += [w[1], w[2]]
                    if w[3]:
                        fields.append(w[3])
                out.append("\t".join(fields))
        for f in self.said:
            out.append("said\t%s\t%s\t%s\t%s" % f)
        for rule in self.quiet:
            out.append("quiet\t%s" % rule)
        for o in self.others:
            out.append("other\t%s\t%s\t%s\t%s\t%s\t%s" % (o[0], o[1], o[2], "blank" if o[3] is None else num_text(o[3]), o[4], o[5]))
        return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------
# Layouts: how a form's table is written
# ---------------------------------------------------------------------------------------

HEAD_LABEL = "Chỉ tiêu thống kê (sử dụng cho kỳ báo cáo hàng quý, 6 tháng, năm)"


class Layout:
    def __init__(self, **kw):
        self.title = "numbered"     # numbered | caps-one-cell | roman | none
        self.head = "two"           # one | two | three
        self.stt = "STT"
        self.values = [("own", "Số lượng/ Tỷ lệ")]  # (role, header); role own = the period's
        self.group = "Kết quả thống kê"             # over the value columns (two/three rows)
        self.numbering = None       # None | "123" | "(1)" | "ABC": a row of column numbers
        self.code = "dot"           # dot "2.1." | plain "2.1" | space | numeric | mixed
        self.linebreaks = False     # labels, units and header cells broken over lines
        self.pct = "x100"           # x100 | fraction (0.9816 under 0.00%) | fraction-general
        self.hidden = set()         # roles whose columns are hidden
        self.repeat_head = ()       # codes before which the header repeats (a page break)
        self.repeat_title = False   # ... and the title, "(tiếp theo)"
        self.signature = False      # a signature block after the table
        self.note = True
        self.x0 = 0                 # the table's first column (forms side by side)
        self.seq = None             # header of a running-number column before the codes
        self.code_head = None       # the code column's header when seq holds "STT"
        self.unit_after = False     # the unit column after the value columns
        self.value_first = False    # the value columns before the label column
        self.glued = False          # code and label in one cell merged over both columns
        for k, v in kw.items():
            if not hasattr(self, k):
                raise AttributeError(k)
            setattr(self, k, v)

    def columns(self):
        cols = [("seq", None)] if self.seq else []
        vals = [("value", v) for v in self.values]
        if self.value_first:
            cols += [("code", None)] + vals + [("label", None), ("unit", None)]
        elif self.unit_after:
            cols += [("code", None), ("label", None)] + vals + [("unit", None)]
        else:
            cols += [("code", None), ("label", None), ("unit", None)] + vals
        if self.note:
            cols.append(("note", None))
        return cols

    def value_cols(self):
        return [i for i, (k, _) in enumerate(self.columns()) if k == "value"]


def brk(text, on):
    """Break a text over lines the way a narrow merged cell is typed (Alt+Enter)."""
    if not on or len(text) < 16:
        return text
    words = text.split(" ")
    mid = len(words) // 2
    return " ".join(words[:mid]) + "\n" + " ".join(words[mid:])


def write_title(case, sh, r, form, L, cont=False):
    f = FORM[form]
    x0 = L.x0
    ncol = len(L.columns()) + x0
    tail = " (tiếp theo)" if cont else ""
    if L.title == "numbered":
        sh.merge(r, x0, r, ncol - 1, "Biểu mẫu %d%s" % (f.number, tail), bold=True, center=True)
        sh.merge(r + 1, x0, r + 1, ncol - 1, f.name.upper(), bold=True, center=True)
        return r + 3
    if L.title == "caps-one-cell":
        sh.merge(r, x0, r, ncol - 1, "BIỂU MẪU %d%s: %s" % (f.number, tail, f.name.upper()), bold=True)
        return r + 2
    if L.title == "roman":
        sh.put(r, x0, "%s. %s%s" % (["I", "II", "III", "IV", "V", "VI", "VII"][f.number - 1], f.name.upper(), tail), bold=True)
        return r + 2
    return r


def write_head(case, sh, r, L):
    cols = L.columns()
    vcols = L.value_cols()
    lb = L.linebreaks
    text = {"code": L.code_head or L.stt, "label": brk(HEAD_LABEL, lb), "unit": "Đơn vị\ntính" if lb else "Đơn vị tính",
            "note": "Ghi\nchú" if lb else "Ghi chú", "seq": L.seq or ""}
    x0 = L.x0
    hs = dict(bold=True, wrap=True, center=True, border=True)
    if L.head == "one":
        for i, (k, v) in enumerate(cols):
            if k == "value":
                h = v[1]
                if len(vcols) == 1 and L.group:
                    h = "%s: %s" % (L.group, v[1]) if v[1] else L.group
                if h:
                    sh.put(r, x0 + i, h, **hs)
            else:
                sh.put(r, x0 + i, text[k], **hs)
        r += 1
    else:
        depth = 2 if L.head == "two" else 3
        for i, (k, v) in enumerate(cols):
            if k != "value":
                sh.merge(r, x0 + i, r + depth - 1, x0 + i, text[k], **hs)
        if L.group:
            sh.merge(r, x0 + vcols[0], r, x0 + vcols[-1], brk(L.group, lb), **hs)
        if depth == 3:
            sh.merge(r + 1, x0 + vcols[0], r + 1, x0 + vcols[-1], "Số lượng/ Tỷ lệ", **hs)
        for i in vcols:
            h = cols[i][1][1]
            if not L.group:
                sh.merge(r, x0 + i, r + depth - 1, x0 + i, h, **hs)
            elif h:
                sh.put(r + depth - 1, x0 + i, brk(h, lb), **hs)
        r += depth
    if L.numbering:
        letters, digits = iter("ABCDEFGH"), iter(range(1, 9))
        for i, (k, _) in enumerate(cols):
            if L.numbering == "123":
                sh.put(r, x0 + i, i + 1, center=True, border=True)
            elif L.numbering == "(1)":
                sh.put(r, x0 + i, "(%d)" % (i + 1), center=True, border=True)
            else:
                sh.put(r, x0 + i, str(next(digits)) if k == "value" else next(letters), center=True, border=True)
        r += 1
    return r


def code_cell(row, L, i):
    code = row.code
    style = L.code
    if style == "mixed":
        style = ["dot", "space", "numeric", "plain", "dot", "numeric"][i % 6]
    if style == "numeric" and code.count(".") <= 1:
        return float(code) if "." in code else int(code)
    if style == "plain" or style == "numeric":
        return code
    if style == "space":
        return code + " "
    if style == "comma":
        return code.replace(".", ",")
    if style == "apostrophe":
        return ["'" + code, "\u2018" + code + ".", code][i % 3]
    if style == "odd":
        return ["\u00a0" + code, code + "\u200b", "\u200b" + code + ".", code + "\u00a0", "\ufeff" + code,
                code + ". "][i % 6]
    return code + "."


def legend_lines(unit):
    """'Trực tuyến = 0; Phát phiếu = 1; Kết hợp = 2' one option a line, as forms print it."""
    return unit.replace("; ", "\n") if "=" in unit else unit


def pct_cell(L, truth):
    if L.pct == "x100":
        return truth, "0.00"
    return round(truth / 100, 6), ("0.00%" if L.pct == "fraction" else None)


def other_value(case, row, truth, role):
    """A figure for a column other than the period's: plausible, and never equal to truth."""
    rng = case.rng
    if row.kind == "group":
        return None
    if truth is None:
        return plausible(row, rng) if rng.random() < 0.5 else None
    if row.kind == "coded":
        return rng.choice([o[1] for o in row.options if o[1] != truth])
    if row.kind == "percent":
        x = round(rng.uniform(40, 99.9), 2)
        return x if x != truth else x - 1
    step = 100 if row.kind == "money" else 1
    if role in ("plan", "cumulative"):
        return truth + step * rng.randint(1, 40)
    x = plausible(row, rng)
    return x if x != truth else truth + step


def value_content(L, row, x):
    """(content, number format) of a figure x of row, as this layout writes figures."""
    if x is None:
        return None, None
    if row.kind == "percent":
        return pct_cell(L, x)
    return x, None


def pct_want(L, row, x):
    if x is None:
        return "blank"
    if row.kind == "percent" and L.pct == "fraction-general" and not row.ratio and x != 0:
        # 0.85 in a % row with no % format: 85 % or 0.85 %? Only the ratio's own figures
        # can tell; without them the reader must read 85 or say it cannot
        return "%s|unread" % num_text(x)
    return num_text(x)


def write_row(case, sh, r, form, row, L, i, value=None, others=None):
    """One row of a form at sheet row r. value: the period's figure (default: the return's);
    others: {role: figure} for the other value columns."""
    cols = L.columns()
    truth = case.ret.v[(form, row.code)] if value is None else value
    twins = [j + L.x0 for j, (k, v) in enumerate(cols) if k == "value" and v[0] == "twin"]
    twin_vals = []
    seq = case.seq_next = getattr(case, "seq_next", 0) + 1
    for j0, (k, v) in enumerate(cols):
        j = j0 + L.x0
        if k == "seq":
            sh.put(r, j, seq, border=True)
        elif k == "code" and L.glued:
            sh.merge(r, j, r, j + 1, "%s %s" % (code_cell(row, L, i), row.label), wrap=True, border=True)
        elif k == "code":
            sh.put(r, j, code_cell(row, L, i), border=True)
        elif k == "label" and L.glued:
            pass
        elif k == "label":
            sh.put(r, j, brk(row.label, L.linebreaks), wrap=True, border=True)
        elif k == "unit":
            u = legend_lines(row.unit)
            if L.linebreaks and "=" not in u:
                u = u.replace(", ", ",\n")
            if u:
                sh.put(r, j, u, wrap=True, border=True)
        elif k == "note":
            pass
        else:
            role = v[0]
            if role.endswith("-count") or role.endswith("-pct"):
                # a column for counts and one for percents: each row's figure in its own
                base, what = role.rsplit("-", 1)
                role = base if (row.kind == "percent") == (what == "pct") else "none"
            if role == "none":
                continue
            if role == "own":
                x = truth
            elif role == "twin":
                x = truth if not twin_vals else other_value(case, row, truth, role)
                twin_vals.append(x)
            elif others and role in others:
                x = others[role]
            else:
                x = other_value(case, row, truth, role)
            content, fmt = value_content(L, row, x)
            sh.put(r, j, content, border=True, **({"fmt": fmt} if fmt else {}))
            if role == "own":
                case.pos[(form, row.code)] = (sh.name, r, j)
                case.want(form, row.code, pct_want(L, row, x), sh.name, ref(r, j))
            elif role != "twin":
                case.other(form, row.code, role, x, sh.name, r, j)
    if twins:
        if all(x is None for x in twin_vals):
            case.want(form, row.code, "blank", sh.name, ref(r, twins[0]))
        else:
            case.want_unread(form, row.code, [(sh.name, r, j) for j in twins])
    return r + 1


def write_signature(case, sh, r, L):
    ret = case.ret
    ncol = len(L.columns())
    last = ncol - 1
    sh.put(r + 1, 0, "Ghi chú:")
    sh.put(r + 2, 0, "1. Số liệu tính đến ngày %s." % vn_date(ret.period.end))
    sh.put(r + 3, 0, "2. Đơn vị tính tiền: triệu đồng.")
    sh.put(r + 5, 1, "Người lập biểu", bold=True, center=True)
    sh.merge(r + 5, 3, r + 5, last, "%s, ngày %d tháng %d năm %d" % (ret.place, ret.report.day, ret.report.month, ret.report.year))
    sh.put(r + 6, 1, "(Ký, ghi rõ họ tên)", center=True)
    sh.merge(r + 6, 3, r + 6, last, "TM. ỦY BAN NHÂN DÂN", bold=True, center=True)
    sh.merge(r + 7, 3, r + 7, last, "CHỦ TỊCH", bold=True, center=True)
    sh.put(r + 10, 1, "Nguyễn Văn An", bold=True, center=True)
    sh.merge(r + 10, 3, r + 10, last, "Trần Thị Bình", bold=True, center=True)
    sh.put(r + 11, 1, "ĐT: 0220.3736.123")
    sh.put(r + 11, 2, 912345678)
    sh.put(r + 12, 1, "Ngày nhập:")
    sh.put(r + 12, 2, datetime.datetime(ret.report.year, ret.report.month, ret.report.day), fmt="dd/mm/yyyy")
    sh.put(r + 13, 0, "Nơi nhận:", bold=True)
    sh.put(r + 14, 0, "- Phòng Nội vụ huyện;")
    sh.put(r + 15, 0, "- Lưu: VT.")
    return r + 17


def write_form(case, sh, r, form, L, rows=None):
    """A form's table (title, header, rows) from row r; returns the next free row."""
    f = FORM[form]
    case.seq_next = 0
    r = write_title(case, sh, r, form, L)
    r = write_head(case, sh, r, L)
    for i, row in enumerate(rows if rows is not None else f.rows):
        if row.code in L.repeat_head:
            r += 1
            if L.repeat_title:
                r = write_title(case, sh, r, form, L, cont=True)
            r = write_head(case, sh, r, L)
        r = write_row(case, sh, r, form, row, L, i)
    if L.signature:
        r = write_signature(case, sh, r, L)
    return r + 1


def set_widths(sh, L):
    widths = {"seq": 5, "code": 8, "label": 60, "unit": 14, "value": 13, "note": 14}
    for i, (k, _) in enumerate(L.columns()):
        sh.widths[L.x0 + i] = widths[k]
    for i, (k, v) in enumerate(L.columns()):
        if k == "value" and v[0] in L.hidden:
            sh.hidden_cols.add(L.x0 + i)


def ident(case, sh, r=0, ncol=5, report_line=True):
    """The identification block of the appendix, as seed 002 writes it; returns the next row."""
    ret = case.ret
    sh.merge(r, 0, r, 1, "ỦY BAN NHÂN DÂN", bold=True, center=True)
    sh.merge(r, 2, r, ncol - 1, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, center=True)
    sh.merge(r + 1, 0, r + 1, 1, ret.name.upper(), bold=True, center=True)
    sh.merge(r + 1, 2, r + 1, ncol - 1, "Độc lập - Tự do - Hạnh phúc", bold=True, center=True)
    sh.merge(r + 3, 0, r + 3, ncol - 1, "PHỤ LỤC", bold=True, center=True)
    sh.merge(r + 4, 0, r + 4, ncol - 1, "Thống kê kết quả thực hiện công tác CCHC %s" % ret.period.text, center=True)
    sh.merge(r + 5, 0, r + 5, ncol - 1, "(Số liệu tính từ ngày %s đến ngày %s)"
             % (vn_date(ret.period.start), vn_date(ret.period.end)), center=True)
    if report_line:
        sh.merge(r + 6, 0, r + 6, ncol - 1, "(Kèm theo Báo cáo số %d/BC-UBND ngày %s)"
                 % (100 + int(ret.unit) % 97, vn_date(ret.report)), center=True)
    return r + 8


def per_sheet(case, L, name="Biểu mẫu %d"):
    """Each form on its own sheet, the identification on top of the first."""
    for k, fid in enumerate(case.ret.forms):
        sh = case.book.sheet(name % FORM[fid].number)
        set_widths(sh, L)
        write_form(case, sh, ident(case, sh, ncol=len(L.columns())) if k == 0 else 0, fid, L)


def stacked(case, L, sheet="Phụ lục"):
    """Every form one under the other on one sheet."""
    sh = case.book.sheet(sheet)
    set_widths(sh, L)
    r = ident(case, sh, ncol=len(L.columns()))
    for fid in case.ret.forms:
        r = write_form(case, sh, r, fid, L) + 1


CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def mk(name, unit, what, **kw):
    return Case(name, unit, what=what, **kw)


def simple(name, unit, what, where="sheets", forms=None, lxw_inline=False, **layout):
    """A case that is one layout written in one of the usual ways: where = sheets (a sheet
    per form, 'Biểu mẫu N'), bm (sheets 'BMn') or stacked (all on one sheet)."""
    def build():
        c = mk(name, unit, what, forms=forms, writer="lxw" if lxw_inline else "openpyxl")
        c.constant_memory = lxw_inline
        L = Layout(**layout)
        if where == "stacked":
            stacked(c, L)
        else:
            per_sheet(c, L, name="BM%d" if where == "bm" else "Biểu mẫu %d")
        return c
    build.__name__ = name
    CASES.append(build)


# ---------------------------------------------------------------------------------------
# The cases: each makes a Case; its `what` heads the expect file.
# ---------------------------------------------------------------------------------------

# Several value columns: the figure is the column of the return's own period.
Q2, Q3 = ("previous", "Quý II/2023"), ("own", "Quý III/2023")
simple("cols-quarters", "11242", "value columns 'Quý II/2023 | Quý III/2023' under 'Kết quả thống kê'",
       forms=["BM1", "BM3", "BM7"], values=[Q2, Q3])
simple("cols-quarters-reversed", "11245", "one-row header 'Quý III/2023 | Quý II/2023'",
       forms=["BM2", "BM4", "BM6"], head="one", group=None, values=[Q3, Q2])
simple("cols-ky-truoc", "11248", "'Kỳ trước | Kỳ báo cáo' under 'Kết quả thống kê: Số lượng/Tỷ lệ'",
       forms=["BM1", "BM5"], group="Kết quả thống kê: Số lượng/Tỷ lệ",
       values=[("previous", "Kỳ trước"), ("own", "Kỳ báo cáo")])
simple("cols-ky-nay-first", "11251", "'Kỳ này | Kỳ trước' under 'Số lượng/ Tỷ lệ', all forms on one sheet",
       where="stacked", forms=["BM3", "BM7"], group="Số lượng/ Tỷ lệ",
       values=[("own", "Kỳ này"), ("previous", "Kỳ trước")])
simple("cols-same-period-last-year", "11254", "'Cùng kỳ năm trước | Quý III/2023'", forms=["BM3", "BM7"],
       values=[("same_period_last_year", "Cùng kỳ năm trước"), Q3])
simple("cols-years", "11257", "'Quý III/2022 | Quý III/2023': the same quarter of two years",
       forms=["BM1", "BM6"], head="one", group=None, values=[("same_period_last_year", "Quý III/2022"), Q3])
simple("cols-plan-done", "11260", "'Kế hoạch | Thực hiện'", forms=["BM1", "BM6"],
       values=[("plan", "Kế hoạch"), ("own", "Thực hiện")])
simple("cols-cumulative-after", "11263", "'Quý III/2023 | Lũy kế từ đầu năm'", forms=["BM3", "BM7"],
       values=[Q3, ("cumulative", "Lũy kế từ đầu năm")])
simple("cols-cumulative-before", "11266", "'Lũy kế đến 09/9/2023 | Kỳ báo cáo', one-row header",
       forms=["BM5", "BM6"], head="one", group=None,
       values=[("cumulative", "Lũy kế đến 09/9/2023"), ("own", "Kỳ báo cáo")])
simple("cols-four", "11269", "'Kế hoạch năm 2023 | Quý II/2023 | Quý III/2023 | Lũy kế 9 tháng', one sheet",
       where="stacked", values=[("plan", "Kế hoạch năm 2023"), Q2, Q3, ("cumulative", "Lũy kế 9 tháng")])
simple("cols-quarter-vs-nine", "11275", "a Q3 return with 'Quý III/2023 | 9 tháng năm 2023'",
       forms=["BM1", "BM3"], values=[Q3, ("cumulative", "9 tháng năm 2023")])


@case
def cols_nine_month_return():
    c = mk("cols-nine-month-return", "11281", "a 9-month return with '9 tháng năm 2022 | 9 tháng năm 2023'",
           period="2023-9M", forms=["BM1", "BM3"])
    per_sheet(c, Layout(values=[("same_period_last_year", "9 tháng năm 2022"), ("own", "9 tháng năm 2023")]))
    return c


# Nothing decides: the figure is not read, an error names the candidate cells.
simple("cols-unlabeled", "11284", "two value columns under one merged 'Số lượng/ Tỷ lệ', no sub-header",
       forms=["BM1", "BM4"], group="Số lượng/ Tỷ lệ", values=[("twin", ""), ("twin", "")])
simple("cols-so-lieu-twice", "11287", "two columns both headed 'Số liệu'", forms=["BM2", "BM6"],
       head="one", group=None, values=[("twin", "Số liệu"), ("twin", "Số liệu")])

# Numbering rows under the header, signature blocks after the table.
simple("numbering-123", "11251", "a row of column numbers 1 2 3 4 5 (numbers) under each header",
       forms=["BM1", "BM2", "BM4"], numbering="123")
simple("numbering-paren", "11254", "'(1) (2) (3) (4) (5)' under each header, one sheet", where="stacked",
       forms=["BM1", "BM3", "BM5"], numbering="(1)")
simple("numbering-abc", "11257", "'A B C 1 D' under a one-row header", forms=["BM1", "BM6", "BM7"],
       head="one", numbering="ABC")
simple("signature-blocks", "11263", "a signature block with notes '1. …' '2. …', a phone number and a date "
       "after every table", forms=["BM2", "BM4", "BM6"], signature=True)
simple("page-break-repeat", "11245", "one sheet; at each page break the title '(tiếp theo)', the header "
       "and its '(1) … (5)' numbering row again", where="stacked", numbering="(1)",
       repeat_head=("2.2", "3.3", "6.4", "4.4", "6.5.1"), repeat_title=True)

# Sheets, hidden columns, headers, labels, codes.
simple("one-sheet-caps-titles", "11266", "every form on one sheet, titled 'BIỂU MẪU N: NAME' in one cell",
       where="stacked", title="caps-one-cell", head="one")
simple("one-sheet-roman", "11269", "every form on one sheet under 'I. CÔNG TÁC …' headings, no 'Biểu mẫu'",
       where="stacked", title="roman")
simple("hidden-col-stale-after", "11284", "a hidden column after the value column, same header, holding "
       "last quarter's figures", forms=["BM1", "BM3", "BM7"], head="one", group=None, hidden={"stale"},
       values=[("own", "Số lượng/ Tỷ lệ"), ("stale", "Số lượng/ Tỷ lệ")])
simple("hidden-col-stale-before", "11287", "a hidden column before the value column, same header, holding "
       "last quarter's figures", forms=["BM2", "BM6"], hidden={"stale"},
       values=[("stale", "Số lượng/ Tỷ lệ"), ("own", "Số lượng/ Tỷ lệ")])
simple("merged-head-3rows", "11293", "a header merged over three rows: 'Kết quả thống kê' / 'Số lượng/ Tỷ lệ' "
       "/ 'Quý III/2023'", forms=["BM1", "BM3", "BM5"], head="three", values=[Q3])
simple("linebreaks", "11242", "labels, units and header cells broken over lines (Alt+Enter)",
       forms=["BM1", "BM4", "BM5", "BM7"], linebreaks=True)
simple("codes-mixed", "11245", "codes written '6.7.2.', '6.7.2 ', '6.7.2', as numbers (2.1 as a float)",
       where="bm", code="mixed")
simple("codes-numeric", "11248", "every code of one or two levels as a number (6.7 a float), three levels "
       "as text; all forms on one sheet", where="stacked", code="numeric", head="one")

# Percent rows as fractions; another writer.
simple("values-pct-fraction", "11266", "% rows as fractions (0.9816) under a 0.00% format",
       forms=["BM1", "BM3", "BM7"], pct="fraction")
simple("values-pct-fraction-general", "11269", "% rows as fractions (0.9816) with no % format: a ratio's own "
       "figures tell it is 98.16 %; other % rows are read or said", forms=["BM1", "BM3", "BM4", "BM7"],
       pct="fraction-general")
simple("inline-strings", "11275", "libxlsxwriter in constant-memory mode: every text an inline string",
       lxw_inline=True, head="one")


# A form continued elsewhere; a row written twice.


def continued(c, L, forms, split, next_name, header=True):
    """Each form on its own sheet; a form split before code split[form] continues on a
    sheet of its own (next_name % number), with the header repeated or not."""
    first = True
    for fid in forms:
        f = FORM[fid]
        sh = c.book.sheet("Biểu mẫu %d" % f.number)
        set_widths(sh, L)
        r = ident(c, sh, ncol=len(L.columns())) if first else 0
        first = False
        rows = f.rows
        if fid in split:
            k = [x.code for x in rows].index(split[fid])
            write_form(c, sh, r, fid, L, rows=rows[:k])
            sh2 = c.book.sheet(next_name % f.number)
            set_widths(sh2, L)
            r2 = write_head(c, sh2, 0, L) if header else 0
            for i, row in enumerate(rows[k:]):
                r2 = write_row(c, sh2, r2, fid, row, L, k + i)
        else:
            write_form(c, sh, r, fid, L)


@case
def continued_next_sheet():
    c = mk("continued-next-sheet", "11293", "BM3 and BM7 continue on a sheet '… (tiếp)' with the header repeated",
           forms=["BM1", "BM3", "BM7"])
    continued(c, Layout(), ["BM1", "BM3", "BM7"], {"BM3": "3", "BM7": "6"}, "Biểu mẫu %d (tiếp)")
    return c


@case
def continued_no_header():
    c = mk("continued-no-header", "11242", "BM7's last rows on the next sheet, no title and no header",
           forms=["BM6", "BM7"])
    continued(c, Layout(head="one"), ["BM6", "BM7"], {"BM7": "6.5"}, "Sheet%d", header=False)
    return c


@case
def continued_sheet_first():
    c = mk("continued-sheet-first", "11245", "'Quý II/2023 | Quý III/2023'; BM3's last rows on a sheet 'Biểu mẫu 3 "
           "(tiếp)' without a header, placed before BM3's own sheet", forms=["BM1", "BM3"])
    L = Layout(values=[("previous", "Quý II/2023"), ("own", "Quý III/2023")])
    continued(c, L, ["BM1", "BM3"], {"BM3": "3"}, "Biểu mẫu %d (tiếp)", header=False)
    sheets = c.book.sheets
    sheets.insert(1, sheets.pop())     # Biểu mẫu 1, Biểu mẫu 3 (tiếp), Biểu mẫu 3
    return c


@case
def row_twice():
    c = mk("row-twice", "11248", "BM1 4.1 and BM7 6.7.2 written again further down with other figures "
           "(unread, said); BM6 1.1 again with the same figure (read)", forms=["BM1", "BM6", "BM7"])
    L = Layout()
    per_sheet(c, L)
    for form, code, same in (("BM1", "4.1", False), ("BM6", "1.1", True), ("BM7", "6.7.2", False)):
        row = FORM[form].row(code)
        sheet, r0, col = c.pos[(form, code)]
        sh = sheet_of(c, sheet)
        last = max(r for r, _ in sh.cells) + 1
        truth = c.ret.v[(form, code)]
        again = truth if same else truth + 7
        write_row(c, sh, last, form, row, L, 0, value=again)
        if same:
            c.want(form, code, num_text(truth), sheet, ref(r0, col))
        else:
            c.want_unread(form, code, [(sheet, r0, col), (sheet, last, col)], severity="warning")
    return c


# A title block.


@case
def title_block():
    c = mk("title-block", "11260", "a long title block with form numbers, document numbers and dates "
           "above the tables", forms=["BM1", "BM3"])
    L = Layout()
    ret = c.ret
    sh = c.book.sheet("Phụ lục")
    set_widths(sh, L)
    sh.merge(0, 0, 0, 1, "UBND HUYỆN THANH MIỆN", bold=True, center=True)
    sh.merge(0, 2, 0, 4, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, center=True)
    sh.merge(1, 0, 1, 1, "UBND %s" % ret.name.upper(), bold=True, center=True)
    sh.merge(1, 2, 1, 4, "Độc lập - Tự do - Hạnh phúc", bold=True, center=True)
    sh.merge(2, 0, 2, 1, "Số: %d/BC-UBND" % (100 + int(ret.unit) % 97), center=True)
    sh.merge(2, 2, 2, 4, "%s, ngày %d tháng %d năm %d" % (ret.place, ret.report.day, ret.report.month, ret.report.year),
             center=True)
    sh.put(4, 0, "Biểu số: 01/BC-CCHC")
    sh.put(5, 0, "Ban hành kèm theo Công văn số 508/UBND-VP ngày 01/3/2022 của UBND tỉnh Hải Dương")
    sh.merge(6, 0, 6, 4, "BÁO CÁO THỐNG KÊ KẾT QUẢ CÔNG TÁC CẢI CÁCH HÀNH CHÍNH", bold=True, center=True)
    sh.merge(7, 0, 7, 4, "Kỳ báo cáo: %s" % ret.period.text, center=True)
    sh.merge(8, 0, 8, 4, "(Số liệu tính từ ngày %s đến ngày %s)" % (vn_date(ret.period.start), vn_date(ret.period.end)),
             center=True)
    sh.put(9, 3, "Đơn vị nhận báo cáo: Phòng Nội vụ huyện Thanh Miện")
    sh.put(10, 3, "Đơn vị tính: theo từng chỉ tiêu")
    r = 12
    for fid in ret.forms:
        r = write_form(c, sh, r, fid, L) + 1
    return c


# Forms split over several sheets, hidden rows.


@case
def split_sheets():
    c = mk("split-sheets", "11275", "BM1+BM2 on Sheet1, BM3-BM5 on Sheet2, BM6+BM7 on Sheet3")
    L = Layout()
    groups = [["BM1", "BM2"], ["BM3", "BM4", "BM5"], ["BM6", "BM7"]]
    for k, g in enumerate(groups):
        sh = c.book.sheet("Sheet%d" % (k + 1))
        set_widths(sh, L)
        r = ident(c, sh) if k == 0 else 0
        for fid in g:
            r = write_form(c, sh, r, fid, L) + 1
    return c


def hide_row_before(c, L, form, code, stale, after=False):
    """A hidden row holding an old copy of a row, with a stale figure, just before the
    visible row (or after it). The visible figure is the return's."""
    sheet, r0, col = c.pos[(form, code)]
    sh = sheet_of(c, sheet)
    moved = {}
    for (r, cc), v in sh.cells.items():
        moved[(r + 1 if r >= r0 + (1 if after else 0) else r, cc)] = v
    sh.cells = moved
    sh.merges = [(a + (a >= r0 + after), b, d + (d >= r0 + after), e) for a, b, d, e in sh.merges]
    for key, (s, r, cc) in list(c.pos.items()):
        if s == sheet and r >= r0 + (1 if after else 0):
            c.pos[key] = (s, r + 1, cc)
            w = c.want_lines[key]
            c.want_lines[key] = (w[0], w[1], ref(r + 1, cc), w[3])
    hr = r0 + 1 if after else r0
    write_row(c, sh, hr, form, FORM[form].row(code), L, 0, value=stale)
    sh.hidden_rows.add(hr)
    s, r, cc = c.pos[(form, code)] = (sheet, r0 if after else r0 + 1, col)
    c.want(form, code, num_text(c.ret.v[(form, code)]), sheet, ref(r, cc))


@case
def hidden_rows_stale():
    c = mk("hidden-rows-stale", "11281", "hidden rows holding old copies of BM1 2.1, 4.1 and BM7 6.7.1 "
           "with stale figures next to the visible rows", forms=["BM1", "BM7"])
    L = Layout()
    per_sheet(c, L)
    hide_row_before(c, L, "BM1", "2.1", c.ret.v[("BM1", "2.1")] + 4)
    hide_row_before(c, L, "BM1", "4.1", c.ret.v[("BM1", "4.1")] + 9)
    hide_row_before(c, L, "BM7", "6.7.1", c.ret.v[("BM7", "6.7.1")] - 120, after=True)
    return c


# Formulas saved without their result (openpyxl), or with a result of 0 (libxlsxwriter).


def sheet_of(c, name):
    return [s for s in c.book.sheets if s.name == name][0]


def formula_at(c, form, code, template):
    """Put a formula in the value cell of a row. {CODE} is that row's value cell in the same
    form, {BMn:CODE} one in another form (on its sheet)."""
    sheet, r, col = c.pos[(form, code)]

    def sub(m):
        f2, k2 = m.group(1).split(":") if ":" in m.group(1) else (form, m.group(1))
        s2, r2, c2 = c.pos[(f2, k2)]
        return ref(r2, c2) if s2 == sheet else "'%s'!%s" % (s2, ref(r2, c2))

    sh = sheet_of(c, sheet)
    st = sh.cells[(r, col)][1]
    sh.cells[(r, col)] = (Formula("=" + re.sub(r"\{([^}]+)\}", sub, template)), st)
    return sheet, r, col


def helper_sheet(c, rows):
    """A sheet 'Số liệu' of working figures the formulas refer to: rows {r: (label, b, c)}."""
    sh = c.book.sheet("Số liệu")
    sh.put(0, 0, "Số liệu tổng hợp từ các bộ phận", bold=True)
    sh.put(1, 0, "Nội dung", bold=True)
    sh.put(1, 1, "Số liệu", bold=True)
    for r, (label, b, cc) in rows.items():
        sh.put(r, 0, label)
        if b is not None:
            sh.put(r, 1, b)
        if cc is not None:
            sh.put(r, 2, cc)
    return sh


def formula_values(c):
    """Figures that make every formula of formula_book defined (no blank operands)."""
    v = c.ret.v
    v.update({("BM1", "2.1"): 25, ("BM1", "2.2"): 22, ("BM1", "3.3.1"): 0, ("BM1", "3.3.2"): 0,
              ("BM1", "4.2"): 40, ("BM1", "4.3"): 2, ("BM1", "4.4"): 1, ("BM1", "5.1"): 612,
              ("BM3", "3.3.1"): 846, ("BM3", "3.3.2"): 839, ("BM3", "3.4.1"): 0, ("BM3", "3.4.2"): 0,
              ("BM4", "2.1"): 21, ("BM4", "2.2"): 19, ("BM6", "1.1"): 3400,
              ("BM6", "2.4.1"): 1, ("BM6", "2.4.2"): 0, ("BM6", "2.4.3"): 2,
              ("BM7", "6.7.1"): 861, ("BM7", "6.7.2"): 845})
    c.ret.derive()
    v[("BM1", "3.3")] = None                                      # IF(...=0, "", ...)
    v[("BM1", "4.1")] = 40 + 2 + 1 + 5                              # SUM(4.2:4.4) + 5 running
    v[("BM1", "5")] = 1                                           # IF(5.1 > 0, 1, 0)
    v[("BM1", "6")] = 0                                           # (BM3 3.4.1 > 0) * 1
    v[("BM2", "1.3")] = 0                                         # MAX(0, 3 - 5)
    v[("BM7", "5.2")] = pct2(97, 103)                             # ROUND(97/103*100, 2)


def formula_book(c):
    """Formulas of the kinds communes write, each giving the return's own figure: arithmetic,
    comparison, SUM, ROUND, IF, IFERROR, MIN, MAX, references and ranges on another sheet,
    a formula over another formula (libxlsxwriter saves each with the result 0)."""
    v = c.ret.v
    helper_sheet(c, {2: ("Nhiệm vụ trong kế hoạch", 25, None), 3: ("Nhiệm vụ chưa hoàn thành", 3, None),
                     4: ("Nhiệm vụ đang thực hiện", 5, None), 5: ("Văn bản QPPL dự thảo", 3, None),
                     6: ("Văn bản QPPL bị hủy", 5, None), 7: ("Biên chế có mặt", 19, None),
                     8: ("Hồ sơ qua bưu chính", 15, None), 9: ("Văn bản điện tử", 97, None),
                     10: ("Tổng văn bản đi", 103, None),
                     12: ("Hồ sơ theo lĩnh vực", None, None), 13: ("Tư pháp - hộ tịch", None, 301),
                     14: ("Đất đai", None, 212), 15: ("Lao động - TBXH", None, 190), 16: ("Khác", None, 143)})
    assert 301 + 212 + 190 + 143 == v[("BM3", "3.3.1")]
    table = [
        ("BM1", "2", "ROUND({2.2}/{2.1}*100,2)"),
        ("BM1", "2.2", "'Số liệu'!B3-'Số liệu'!B4"),
        ("BM1", "3.3", 'IF({3.3.1}=0,"",ROUND({3.3.2}/{3.3.1}*100,2))'),
        ("BM1", "4.1", "SUM({4.2}:{4.4})+'Số liệu'!B5"),
        ("BM1", "5", "IF({5.1}>0,1,0)"),
        ("BM1", "6", "({BM3:3.4.1}>0)*1"),
        ("BM2", "1.3", "MAX(0,'Số liệu'!B6-'Số liệu'!B7)"),
        ("BM3", "1.4", "{1.4.3}"),
        ("BM3", "3.3", "IFERROR(ROUND({3.3.2}/{3.3.1}*100,2),0)"),
        ("BM3", "3.3.1", "SUM('Số liệu'!C14:C17)"),
        ("BM3", "3.4", "IFERROR(ROUND({3.4.2}/{3.4.1}*100,2),0)"),
        ("BM4", "2.2", "MIN({2.1},'Số liệu'!B8)"),
        ("BM6", "1", "ROUND({1.2}/{1.1}*100,2)"),
        ("BM6", "2.4", "SUM({2.4.1}:{2.4.3})"),
        ("BM7", "5.2", "ROUND('Số liệu'!B10/'Số liệu'!B11*100,2)"),
        ("BM7", "6.4", "IF({6.4.1}>0,{6.4.2}/{6.4.1}*100,0)"),
        ("BM7", "6.6.1", "{6.4.2}+{6.5.2}"),
        ("BM7", "6.7", "ROUND({6.7.2}/{6.7.1}*100,2)"),
        ("BM7", "6.7.1", "{BM3:3.3.1}+'Số liệu'!B9"),
        ("BM7", "6.8", "{6.8.2}/{6.8.1}*100"),
    ]
    assert v[("BM7", "6.7.1")] == v[("BM3", "3.3.1")] + 15 and v[("BM1", "2.2")] == 25 - 3
    assert v[("BM4", "2.2")] == min(v[("BM4", "2.1")], 19)
    for form, code, text in table:
        if form not in c.ret.forms:
            continue
        formula_at(c, form, code, text)


@case
def formulas():
    c = mk("formulas", "11251", "formulas saved without their results (openpyxl): arithmetic, comparison, SUM, "
           "ROUND, IF, IFERROR, MIN, MAX, other sheets, a formula over a formula")
    formula_values(c)
    per_sheet(c, Layout())
    formula_book(c)
    return c


@case
def formulas_cached_zero():
    c = mk("formulas-cached-zero", "11254", "the same formulas written by libxlsxwriter: each saved with the "
           "result 0 and fullCalcOnLoad (Excel recomputes on opening)", writer="lxw")
    formula_values(c)
    per_sheet(c, Layout())
    formula_book(c)
    return c


@case
def formulas_unsupported():
    c = mk("formulas-unsupported", "11257", "VLOOKUP, INDIRECT and OFFSET (said, not guessed), and what "
           "depends on them; SUMIF (computed or said)", forms=["BM1", "BM3", "BM6", "BM7"])
    v = c.ret.v
    v.update({("BM1", "1"): 17, ("BM3", "3.3.1"): 700, ("BM3", "3.3.2"): 690, ("BM6", "1.1"): 4200,
              ("BM7", "6.7.1"): 730, ("BM7", "6.7.2"): 713})
    c.ret.derive()
    per_sheet(c, Layout())
    helper_sheet(c, {2: ("Văn bản chỉ đạo", 17, None), 3: ("Hồ sơ đã giải quyết", 700, None),
                     4: ("Vốn ngân sách tỉnh", 3000, None), 5: ("Vốn ngân sách huyện", 1200, None),
                     6: ("Hồ sơ khác", 3, None)})
    said = [("BM1", "1", 'VLOOKUP("Văn bản chỉ đạo",\'Số liệu\'!A2:B6,2,FALSE)'),
            ("BM3", "3.3.1", "INDIRECT(\"'Số liệu'!B3\")"),
            ("BM3", "3.3", "ROUND({3.3.2}/{3.3.1}*100,2)"),
            ("BM7", "6.7.2", "OFFSET({6.7.1},0,0)-17"),
            ("BM7", "6.7", "ROUND({6.7.2}/{6.7.1}*100,2)")]
    for form, code, text in said:
        s, r, col = formula_at(c, form, code, text)
        c.want_unread(form, code, [(s, r, col)], severity="warning")
    for form, code, text in [("BM6", "1.1", "SUMIF('Số liệu'!A2:A6,\"Vốn*\",'Số liệu'!B2:B6)"),
                             ("BM6", "1", "ROUND({1.2}/{1.1}*100,2)")]:
        s, r, col = formula_at(c, form, code, text)
        c.want(form, code, "%s|unread" % num_text(v[(form, code)]), s, ref(r, col), "warning")
    return c


# Values written the ways people write them.


def text_at(c, form, code, text):
    sheet, r, col = c.pos[(form, code)]
    sh = sheet_of(c, sheet)
    sh.cells[(r, col)] = (text, sh.cells[(r, col)][1])


@case
def values_footnotes():
    c = mk("values-footnotes", "11260", "footnote marks after figures: '12 (*)', '24*', '51 ⁽¹⁾', '640⁽²⁾', "
           "'98,16 (*)', '3.400 (**)'", forms=["BM1", "BM3", "BM6"])
    v = c.ret.v
    v.update({("BM1", "1"): 12, ("BM1", "2.1"): 24, ("BM1", "4.1"): 51, ("BM1", "4.2"): 40, ("BM1", "4.3"): 3,
              ("BM1", "4.4"): 0, ("BM1", "5.1"): 640,
              ("BM3", "3.3.1"): 922, ("BM3", "3.3.2"): 905, ("BM6", "1.1"): 3400})
    c.ret.derive()
    L = Layout(signature=True)
    per_sheet(c, L)
    pct = ("%.2f" % v[("BM3", "3.3")]).replace(".", ",")
    money = "{:,}".format(v[("BM6", "1.1")]).replace(",", ".")
    for (form, code), text in ((("BM1", "1"), "%d (*)"), (("BM1", "2.1"), "%d*"),
                               (("BM1", "4.1"), "%d \u207d\u00b9\u207e"), (("BM1", "5.1"), "%d\u207d\u00b2\u207e"),
                               (("BM3", "3.3"), pct + " (*)"), (("BM6", "1.1"), money + " (**)")):
        text_at(c, form, code, text % v[(form, code)] if "%d" in text else text)
    for s in c.book.sheets:
        r = max(rr for rr, _ in s.cells) + 2
        s.put(r, 0, "(*) Số liệu ước tính đến ngày 09/9/2023; (**) số liệu của Kho bạc; (1), (2): xem báo cáo.")
    return c


@case
def values_none_words():
    c = mk("values-none-words", "11263", "words for none in count rows ('Không', 'không có'); 'Không' in "
           "coded rows", forms=["BM1", "BM2", "BM5"])
    v = c.ret.v
    for key in (("BM1", "3.3.1"), ("BM1", "3.3.2"), ("BM2", "1.3"), ("BM5", "2.1"), ("BM5", "4.3")):
        v[key] = 0
    v[("BM1", "5")] = 0
    v[("BM1", "6")] = 0
    c.ret.derive()
    per_sheet(c, Layout())
    for (form, code), word in ((("BM1", "3.3.1"), "Không"), (("BM2", "1.3"), "không có"),
                               (("BM5", "2.1"), "Không có"), (("BM5", "4.3"), "không")):
        text_at(c, form, code, word)
        s, r, col = c.pos[(form, code)]
        c.want(form, code, "0|dash", s, ref(r, col))
    text_at(c, "BM1", "5", "Không")
    text_at(c, "BM1", "6", "không")
    return c


# Several at once.


@case
def combo_stacked_quarters():
    c = mk("combo-stacked-quarters", "11281", "one sheet, 'BIỂU MẪU N: …' titles, numbering 1 2 3 4 5 6, "
           "'Quý II/2023 | Quý III/2023', codes mixed, signature blocks")
    stacked(c, Layout(title="caps-one-cell", numbering="123", code="mixed", signature=True,
                      values=[("previous", "Quý II/2023"), ("own", "Quý III/2023")]))
    return c


@case
def combo_split_hidden():
    c = mk("combo-split-hidden", "11284", "forms split over three sheets, a three-row merged header, a hidden "
           "stale column after the value column, line breaks, footnote marks")
    L = Layout(head="three", linebreaks=True, values=[("own", "Quý III/2023"), ("stale", "Quý III/2023")],
               hidden={"stale"})
    groups = [["BM1", "BM2"], ["BM3", "BM4", "BM5"], ["BM6", "BM7"]]
    v = c.ret.v
    v[("BM1", "1")] = 9
    v[("BM7", "6.7.1")] = 733
    c.ret.derive()
    for k, g in enumerate(groups):
        sh = c.book.sheet("Trang %d" % (k + 1))
        set_widths(sh, L)
        r = ident(c, sh, ncol=len(L.columns())) if k == 0 else 0
        for fid in g:
            r = write_form(c, sh, r, fid, L) + 1
    text_at(c, "BM1", "1", "9 (*)")
    text_at(c, "BM7", "6.7.1", "733*")
    return c


@case
def combo_plan_formulas():
    c = mk("combo-plan-formulas", "11287", "'Kế hoạch | Thực hiện | Lũy kế' columns, formulas without results "
           "in the 'Thực hiện' column, % rows as fractions without a % format")
    formula_values(c)
    per_sheet(c, Layout(pct="fraction-general",
                        values=[("plan", "Kế hoạch"), ("own", "Thực hiện"), ("cumulative", "Lũy kế")]))
    # ratio formulas give a percent; in this book % rows hold fractions: the formulas do too
    # (ROUND(a/b*100,2) becomes ROUND(a/b,4)); what a reader must get stays the percent
    for key, (sheet, r, col) in c.pos.items():
        val = sheet_of(c, sheet).cells[(r, col)][0]
        if isinstance(val, Formula) and FORM[key[0]].row(key[1]).kind == "percent":
            val.text = val.text.replace("*100", "").replace(",2)", ",4)")
    return c


@case
def combo_lxw_quarters():
    c = mk("combo-lxw-quarters", "11293", "libxlsxwriter inline strings, 'Quý III/2023 | Quý II/2023', "
           "formulas saved with the result 0", writer="lxw")
    c.constant_memory = True
    formula_values(c)
    per_sheet(c, Layout(head="one", group=None, values=[("own", "Quý III/2023"), ("previous", "Quý II/2023")]))
    formula_book(c)
    return c


@case
def combo_continued():
    c = mk("combo-continued", "11242", "BM3 continues on another sheet after a '(1) … (5)' header, BM1 "
           "repeats its header at a page break, BM1 4.2 written twice with other figures",
           forms=["BM1", "BM3"])
    L = Layout(numbering="(1)", repeat_head=("4",))
    continued(c, L, ["BM1", "BM3"], {"BM3": "2.3"}, "Biểu mẫu %d (tiếp theo)")
    sheet, r0, col = c.pos[("BM1", "4.2")]
    sh = sheet_of(c, sheet)
    last = max(r for r, _ in sh.cells) + 1
    write_row(c, sh, last, "BM1", FORM["BM1"].row("4.2"), L, 0, value=c.ret.v[("BM1", "4.2")] + 2)
    c.want_unread("BM1", "4.2", [(sheet, r0, col), (sheet, last, col)], severity="warning")
    return c


# Completeness (#11): a blank template and a return with three required rows blank; run.sh
# checks each case with tests/layouts/check-fill.py, these make sure of the counts.


def unfilled_truth(c):
    """The required rows c leaves blank, not answered by a heading's 0 (its own data)."""
    v = c.ret.v

    def answered(form, code):
        while "." in code:
            code = code.rsplit(".", 1)[0]
            up = [r for r in FORM[form].rows if r.code == code]
            if up and up[0].fill == "group" and v.get((form, code)) == 0:
                return True
        return False
    return [(f, r.code) for f in c.ret.forms for r in FORM[f].rows
            if r.fill == "required" and v[(f, r.code)] is None and not answered(f, r.code)]


def all_blank(c):
    for k in c.ret.v:
        c.ret.v[k] = None


@case
def fill_blank_template():
    c = mk("fill-blank-template", "11245", "a blank template kept with last quarter's figures beside it: "
           "'Kỳ trước | Kỳ báo cáo', a '(1) … (5)' numbering row, a signature block, all forms on one sheet")
    all_blank(c)
    stacked(c, Layout(numbering="(1)", signature=True, values=[("previous", "Kỳ trước"), ("own", "Kỳ báo cáo")]))
    n = len(unfilled_truth(c))
    assert n == sum(r.fill == "required" for f in FORMS for r in f.rows) and n > 40, n
    return c


@case
def fill_blank_lxw():
    c = mk("fill-blank-lxw", "11248", "a blank return written by libxlsxwriter (inline strings), sheets 'BMn', "
           "one-row header, codes without dots", writer="lxw")
    c.constant_memory = True
    all_blank(c)
    per_sheet(c, Layout(head="one", group=None, code="plain"), name="BM%d")
    return c


@case
def fill_three_blank():
    c = mk("fill-three-blank", "11251", "every row filled but three required ones (BM1 1, BM5 3, BM7 3); "
           "BM6's heading 2 written 0 over its blank rows; a three-row header with line breaks",
           writer="lxw")
    v = c.ret.v
    for f in FORMS:
        for r in f.rows:
            if v[(f.id, r.code)] is None and r.kind != "group":
                v[(f.id, r.code)] = plausible(r, c.rng)
    for code in ("2.1", "2.2", "2.3", "2.4", "2.4.1", "2.4.2", "2.4.3", "2.5", "2.6"):
        v[("BM6", code)] = None
    v[("BM6", "2")] = 0
    c.ret.derive()
    for key in (("BM1", "1"), ("BM5", "3"), ("BM7", "3")):
        v[key] = None
    assert unfilled_truth(c) == [("BM1", "1"), ("BM5", "3"), ("BM7", "3")], unfilled_truth(c)
    per_sheet(c, Layout(head="three", linebreaks=True))
    return c


# ---------------------------------------------------------------------------------------
# Laid out the ways the reader did not foresee (a red-team hunt for misreads): forms side
# by side or touching, codes in another column or written oddly, value columns before the
# label or headed by dates, merged value cells, old copies elsewhere, words for none.
# ---------------------------------------------------------------------------------------


@case
def side_by_side():
    c = mk("side-by-side", "11242", "two forms side by side on one sheet (BM1 in A-E, BM2 in G-K; BM3 | BM4 "
           "under them), their titles on the same rows", forms=["BM1", "BM2", "BM3", "BM4"])
    sh = c.book.sheet("Phụ lục")
    left, right = Layout(), Layout(x0=6)
    set_widths(sh, left)
    set_widths(sh, right)
    r = ident(c, sh, ncol=11)
    for a, b in (("BM1", "BM2"), ("BM3", "BM4")):
        ra = write_form(c, sh, r, a, left)
        rb = write_form(c, sh, r, b, right)
        r = max(ra, rb) + 1
    return c


@case
def side_by_side_quarters():
    c = mk("side-by-side-quarters", "11251", "BM5 | BM6 side by side, each 'Quý II/2023 | Quý III/2023' over a "
           "'(1) … (6)' numbering row, BM7 under them across the sheet", forms=["BM5", "BM6", "BM7"])
    sh = c.book.sheet("Sheet1")
    vals = [("previous", "Quý II/2023"), ("own", "Quý III/2023")]
    left, right = Layout(values=vals, numbering="(1)"), Layout(values=vals, numbering="(1)", x0=7)
    set_widths(sh, left)
    set_widths(sh, right)
    r = ident(c, sh, ncol=13)
    r = max(write_form(c, sh, r, "BM5", left), write_form(c, sh, r, "BM6", right)) + 1
    write_form(c, sh, r, "BM7", Layout(values=vals))
    return c


@case
def side_by_side_offset():
    c = mk("side-by-side-offset", "11257", "BM3 | BM4 side by side, BM4's title one row lower than BM3's (its "
           "name on the title's row), so their headers are not on one row", forms=["BM3", "BM4"])
    sh = c.book.sheet("Phụ lục")
    left, right = Layout(), Layout(x0=6, title="caps-one-cell")
    set_widths(sh, left)
    set_widths(sh, right)
    r = ident(c, sh, ncol=11)
    write_form(c, sh, r, "BM3", left)
    write_form(c, sh, r + 1, "BM4", right)
    return c


@case
def side_by_side_same_form():
    c = mk("side-by-side-same-form", "11254", "BM1 twice side by side: 'Quý III/2023' on the left, last "
           "quarter's copy headed 'Quý II/2023' on the right, other figures in some rows, a figure where this "
           "quarter's is blank", forms=["BM1", "BM2"])
    sh = c.book.sheet("Biểu mẫu 1")
    left = Layout(head="one", group=None, values=[("own", "Quý III/2023")])
    right = Layout(head="one", group=None, values=[("own", "Quý II/2023")], x0=6)
    set_widths(sh, left)
    set_widths(sh, right)
    r = ident(c, sh, ncol=11)
    write_form(c, sh, r, "BM1", left)
    keep_w, keep_p = dict(c.want_lines), dict(c.pos)
    r2 = write_head(c, sh, write_title(c, sh, r, "BM1", right), right)
    for i, row in enumerate(FORM["BM1"].rows):
        x = c.ret.v[("BM1", row.code)]
        old = x + 1 if row.kind == "count" and x is not None and i % 2 else x
        if row.kind == "count" and x is None and ("BM1", row.code) not in ALWAYS_BLANK:
            old = 3                     # blank this quarter, a figure in last quarter's copy
        r2 = write_row(c, sh, r2, "BM1", row, right, i, value=old)
        at = c.pos[("BM1", row.code)]
        c.pos[("BM1", row.code)], c.want_lines[("BM1", row.code)] = keep_p[("BM1", row.code)], keep_w[("BM1", row.code)]
        if old != x:
            s0, a, b = keep_p[("BM1", row.code)]
            c.want("BM1", row.code, "%s|unread" % ("blank" if x is None else num_text(x)), s0,
                   ",".join([ref(a, b), ref(at[1], at[2])]), "warning")
    per_sheet_rest = c.book.sheet("Biểu mẫu 2")
    set_widths(per_sheet_rest, Layout())
    write_form(c, per_sheet_rest, 0, "BM2", Layout())
    return c


@case
def forms_touching():
    c = mk("forms-touching", "11245", "every form on one sheet, each title on the row right under the last row "
           "of the form before (no blank row), one-row header")
    sh = c.book.sheet("Sheet1")
    L = Layout(head="one", title="caps-one-cell")
    set_widths(sh, L)
    r = ident(c, sh)
    for fid in c.ret.forms:
        r = write_form(c, sh, r, fid, L) - 1
    return c


simple("stt-running-codes-apart", "11248", "an 'STT' column of running numbers 1, 2, 3 … and the row codes "
       "in a column 'Mã số' after it", forms=["BM1", "BM3", "BM7"], seq="STT", code_head="Mã số")
simple("codes-comma", "11251", "codes written with commas: '2,1', '6,7,2' (text)", forms=["BM1", "BM3", "BM7"],
       code="comma")
simple("codes-odd-chars", "11254", "codes with a no-break space, a zero-width space or a byte-order mark "
       "around them ('\\u00a02.1', '2.1\\u200b', '2.1. ')", forms=["BM1", "BM6", "BM7"], code="odd")
@case
def codes_apostrophe():
    c = mk("codes-apostrophe", "11281", "codes and figures pasted with a leading apostrophe as text (\"'2.1\", "
           "\"‘2.2.\", \"'15\")", forms=["BM1", "BM4"])
    per_sheet(c, Layout(code="apostrophe"))
    for form, code in (("BM1", "1"), ("BM1", "4.2"), ("BM4", "2.1")):
        x = c.ret.v[(form, code)]
        if x is not None:
            text_at(c, form, code, "'%d" % x)
            s, r, col = c.pos[(form, code)]
            c.want(form, code, "%d|unread" % x, s, ref(r, col))
    return c


simple("cols-qui-spelling", "11284", "value columns in the old spelling 'Quí II/2023 | Quí III/2023'",
       forms=["BM1", "BM7"], head="one", group=None, values=[("previous", "Quí II/2023"), ("own", "Quí III/2023")])
simple("code-label-merged", "11257", "code and label in one cell merged over the STT and Chỉ tiêu columns "
       "('2.1. Số văn bản …')", forms=["BM1", "BM5"], glued=True)
simple("value-before-label", "11260", "the value column between STT and Chỉ tiêu: 'STT | Số lượng/ Tỷ lệ | "
       "Chỉ tiêu | Đơn vị tính | Ghi chú'", forms=["BM1", "BM4"], value_first=True, head="one", group=None)
simple("unit-after-value", "11263", "'STT | Chỉ tiêu | Số liệu | ĐVT | Ghi chú', one-row header",
       forms=["BM2", "BM6"], unit_after=True, head="one", group=None, values=[("own", "Số liệu")])
simple("cols-q-short", "11266", "value columns headed 'Q2/2023 | Q3/2023'", forms=["BM1", "BM3"], head="one",
       group=None, values=[("previous", "Q2/2023"), ("own", "Q3/2023")])
simple("cols-quy-nay", "11269", "value columns headed 'Quý trước | Quý này'", forms=["BM1", "BM7"],
       values=[("previous", "Quý trước"), ("own", "Quý này")])
simple("cols-date-range", "11275", "value columns headed by their dates: 'Từ 10/3/2023 đến 09/6/2023 | "
       "Từ 10/6/2023 đến 09/9/2023'", forms=["BM1", "BM6"], head="one", group=None,
       values=[("previous", "Từ 10/3/2023 đến 09/6/2023"), ("own", "Từ 10/6/2023 đến 09/9/2023")])
simple("cols-no-value-words", "11287", "one value column headed 'Đạt được', a word for no figure",
       forms=["BM2", "BM5"], head="one", group=None, values=[("own", "Đạt được")])
simple("cols-two-rounds", "11293", "two value columns headed 'Đợt 1 | Đợt 2': nothing tells the period's",
       forms=["BM4"], head="one", group=None, values=[("twin", "Đợt 1"), ("twin", "Đợt 2")])
simple("cols-quarter-vs-to-date", "11242", "'Quý III/2023 | Số liệu tính đến 09/9/2023': the quarter's figures, "
       "not the stock at the window's end", forms=["BM3", "BM6"], head="one", group=None,
       values=[Q3, ("cumulative", "Số liệu tính đến 09/9/2023")])
simple("cols-count-pct-split", "11281", "a column 'Số lượng' for counts and one 'Tỷ lệ (%)' for percents, each "
       "row's figure in its own", forms=["BM1", "BM3", "BM7"],
       values=[("own-count", "Số lượng"), ("own-pct", "Tỷ lệ (%)")])


@case
def cols_two_periods_two_kinds():
    c = mk("cols-two-periods-two-kinds", "11260", "'Kỳ báo cáo' and 'Cùng kỳ năm trước' each over 'Số lượng | "
           "Tỷ lệ (%)': four value columns, each row's figure in the one of its kind", forms=["BM1", "BM3", "BM7"])
    L = Layout(values=[("own-count", "Số lượng"), ("own-pct", "Tỷ lệ (%)"),
                       ("same_period_last_year-count", "Số lượng"), ("same_period_last_year-pct", "Tỷ lệ (%)")],
               group=None)
    hs = dict(bold=True, wrap=True, center=True, border=True)
    for k, fid in enumerate(c.ret.forms):
        sh = c.book.sheet("Biểu mẫu %d" % FORM[fid].number)
        set_widths(sh, L)
        r = write_title(c, sh, ident(c, sh, ncol=8) if k == 0 else 0, fid, L)
        for i, t in enumerate((L.stt, "Chỉ tiêu", "Đơn vị tính")):
            sh.merge(r, i, r + 1, i, t, **hs)
        sh.merge(r, 3, r, 4, "Kỳ báo cáo", **hs)
        sh.merge(r, 5, r, 6, "Cùng kỳ năm trước", **hs)
        sh.merge(r, 7, r + 1, 7, "Ghi chú", **hs)
        for i, t in enumerate(("Số lượng", "Tỷ lệ (%)") * 2):
            sh.put(r + 1, 3 + i, t, **hs)
        r += 2
        c.seq_next = 0
        for i, row in enumerate(FORM[fid].rows):
            r = write_row(c, sh, r, fid, row, L, i)
    return c


@case
def codes_swapped():
    c = mk("codes-swapped", "11263", "the codes of two rows swapped, labels in place (BM1 2.1 / 2.2, BM7 6.7.1 / "
           "6.7.2): code and label name other rows", forms=["BM1", "BM7"])
    per_sheet(c, Layout())
    for form, a, b in (("BM1", "2.1", "2.2"), ("BM7", "6.7.1", "6.7.2")):
        sa, ra, ca = c.pos[(form, a)]
        sb, rb, cb = c.pos[(form, b)]
        sh = sheet_of(c, sa)
        code_a, code_b = sh.cells[(ra, 0)], sh.cells[(rb, 0)]
        sh.cells[(ra, 0)], sh.cells[(rb, 0)] = code_b, code_a
        # the row of code a is now at rb: its label and its code disagree (the same figure
        # in both rows may be read)
        xa = c.ret.v[(form, a)]
        same = xa == c.ret.v[(form, b)]
        for code, (s_, r_, c_) in ((a, (sb, rb, cb)), (b, (sa, ra, ca))):
            c.want(form, code, "%s|unread" % num_text(xa) if same else "unread", s_, ref(r_, c_), "error")
    return c


@case
def old_table_below():
    c = mk("old-table-below", "11266", "under each table, 'Số liệu quý II/2023 để so sánh' and the form's table "
           "again headed 'Quý II/2023' with last quarter's figures, some where this quarter's are blank",
           forms=["BM1", "BM5"])
    L = Layout()
    per_sheet(c, L)
    old_L = Layout(values=[("own", "Quý II/2023")])
    for fid in c.ret.forms:
        keep_w, keep_p = dict(c.want_lines), dict(c.pos)
        s = keep_p[(fid, FORM[fid].rows[0].code)][0]
        sh = sheet_of(c, s)
        r = max(rr for rr, _ in sh.cells) + 2
        sh.put(r, 0, "Số liệu quý II/2023 để so sánh:", bold=True)
        r = write_head(c, sh, r + 1, old_L)
        for i, row in enumerate(FORM[fid].rows):
            x = c.ret.v[(fid, row.code)]
            old = x
            if row.kind == "count":
                old = 2 if x is None else (x + 1 if i % 3 == 0 else x)
            r = write_row(c, sh, r, fid, row, old_L, i, value=old)
            at = c.pos[(fid, row.code)]
            c.pos[(fid, row.code)], c.want_lines[(fid, row.code)] = keep_p[(fid, row.code)], keep_w[(fid, row.code)]
            if old != x:
                s0, a, b = keep_p[(fid, row.code)]
                c.want(fid, row.code, "%s|unread" % ("blank" if x is None else num_text(x)), s0,
                       ",".join([ref(a, b), ref(at[1], at[2])]), "warning")
    return c


@case
def hidden_own_col():
    c = mk("hidden-own-col", "11269", "'Kỳ trước | Kỳ này' with the column 'Kỳ này' hidden: the only column in "
           "view is last period's", forms=["BM2", "BM6"])
    per_sheet(c, Layout(values=[("previous", "Kỳ trước"), ("own", "Kỳ này")], hidden={"own"}))
    for form, code, role, value, sheet, cell in c.others:
        w = c.want_lines[(form, code)]
        if value is None and w[0] == "blank":
            c.want(form, code, "blank", sheet, cell)    # both blank: the column in view is named
        elif value != c.ret.v[(form, code)]:
            c.want(form, code, "%s|unread" % w[0], sheet, "%s,%s" % (w[2], cell), "warning")
    return c


@case
def cols_one_other_period():
    c = mk("cols-one-other-period", "11275", "a Q3 return whose only value column is headed 'Quý II/2023' (a header "
           "not updated, or last quarter's figures): read, and said at the header", forms=["BM1", "BM3"])
    per_sheet(c, Layout(head="one", group=None, values=[("own", "Quý II/2023")]))
    for sh in c.book.sheets:
        for (r, col), (v, _) in sh.cells.items():
            if v == "Quý II/2023":
                c.said.append(("BM%s" % sh.name.split()[-1], "warning", sh.name, ref(r, col)))
    return c


@case
def value_cells_merged_across():
    c = mk("value-cells-merged-across", "11287", "the value column two columns wide: its header and every row's "
           "value cell merged over D:E", forms=["BM1", "BM6"])
    L = Layout(head="one", group=None)
    per_sheet(c, L)
    for sh in c.book.sheets:
        cells = dict(sh.cells)
        moved = {}
        for (r, col), v in cells.items():
            moved[(r, col + 1 if col >= 4 else col)] = v
        sh.cells = moved
        sh.merges = [(a, b + (b >= 4), d, e + (e >= 4)) for a, b, d, e in sh.merges]
        sh.merges = [(a, b, d, e + 1 if b <= 3 <= e else e) for a, b, d, e in sh.merges]
        for (r, col), (v, st) in cells.items():
            if col == 3 and st.get("border"):
                sh.merges.append((r, 3, r, 4))
        sh.widths = {0: 8, 1: 60, 2: 14, 3: 8, 4: 8, 5: 14}
    return c


@case
def merged_value_rows():
    c = mk("merged-value-rows", "11284", "value cells merged down over two rows holding one figure (BM3 1.4 / "
           "1.4.3, BM7 6.4.1 / 6.4.2, BM7 6.8.1 / 6.8.2)", forms=["BM3", "BM7"])
    per_sheet(c, Layout())
    for form, top, below in (("BM3", "1.4", "1.4.3"), ("BM7", "6.4.1", "6.4.2"), ("BM7", "6.8.1", "6.8.2")):
        s, r0, col = c.pos[(form, top)]
        s1, r1, col1 = c.pos[(form, below)]
        assert s == s1 and r1 == r0 + 1 and col == col1
        sh = sheet_of(c, s)
        sh.merges.append((r0, col, r1, col))
        del sh.cells[(r1, col)]
        x = c.ret.v[(form, top)]
        c.want(form, below, "%s|unread" % num_text(x) if x is not None else "blank", s, ref(r1, col))
    return c


@case
def merged_blank_rows():
    c = mk("merged-blank-rows", "11281", "blank value cells merged down over two rows (BM1 3.1 / 3.2, rows a "
           "commune leaves blank; BM7 6.4.1 / 6.4.2): blank, nothing said", forms=["BM1", "BM7"])
    pairs = (("BM1", "3.1", "3.2"), ("BM7", "6.4.1", "6.4.2"))
    for form, top, below in pairs:
        c.ret.v[(form, top)] = c.ret.v[(form, below)] = None
    c.ret.derive()
    per_sheet(c, Layout())
    for form, top, below in pairs:
        s, r0, col = c.pos[(form, top)]
        s1, r1, col1 = c.pos[(form, below)]
        assert s == s1 and r1 == r0 + 1 and col == col1
        sh = sheet_of(c, s)
        assert sh.cells.get((r0, col), (None,))[0] in (None, "")
        sh.merges.append((r0, col, r1, col))
        sh.cells.pop((r1, col), None)
    c.quiet.append("read.merged-value")
    return c


@case
def cols_unheaded_maso():
    c = mk("cols-unheaded-maso", "11284", "no header names a value: BM1 'STT | Chỉ tiêu | ĐVT | Mã số | UBND xã "
           "| Ghi chú' (the codes 01, 02 … in 'Mã số'), BM3 'STT | Chỉ tiêu | ĐVT | UBND xã | Ghi chú': the "
           "column 'UBND xã' read and said at its header, 'Mã số' never a value column", forms=["BM1", "BM3"])
    heads = {"BM1": [("none", "Mã số"), ("own", "UBND xã")], "BM3": [("own", "UBND xã")]}
    for k, fid in enumerate(c.ret.forms):
        sh = c.book.sheet("Biểu mẫu %d" % FORM[fid].number)
        L = Layout(head="one", group=None, values=heads[fid])
        set_widths(sh, L)
        write_form(c, sh, ident(c, sh, ncol=len(L.columns())) if k == 0 else 0, fid, L)
        for (r, col), (v, _) in list(sh.cells.items()):
            if v == "UBND xã":
                c.said.append((fid, "warning", sh.name, ref(r, col)))
        if fid == "BM1":
            for i, row in enumerate(FORM[fid].rows):
                _, r, col = c.pos[(fid, row.code)]
                sh.put(r, col - 1, "%02d" % (i + 1), border=True)
    return c


@case
def values_text_units():
    c = mk("values-text-units", "11287", "figures typed as text: '1.234', '1 200' (no-break space), '97,24%', "
           "'3.400' money, '12 văn bản', '157 TTHC'", forms=["BM1", "BM3", "BM6"])
    v = c.ret.v
    v.update({("BM3", "3.3.1"): 1234, ("BM3", "3.3.2"): 1200, ("BM6", "1.1"): 3400, ("BM1", "1"): 12})
    c.ret.derive()
    per_sheet(c, Layout())
    pct = ("%.2f" % v[("BM3", "3.3")]).replace(".", ",") + "%"
    for (form, code), text in ((("BM3", "3.3.1"), "1.234"), (("BM3", "3.3.2"), "1\u00a0200"),
                               (("BM3", "3.3"), pct), (("BM6", "1.1"), "3.400")):
        text_at(c, form, code, text)
    for (form, code), text in ((("BM1", "1"), "12 văn bản"), (("BM3", "1.4.3"), "%d TTHC" % v[("BM3", "1.4.3")])):
        text_at(c, form, code, text)
        s, r, col = c.pos[(form, code)]
        c.want(form, code, "%s|unread" % num_text(v[(form, code)]), s, ref(r, col))
    return c


@case
def values_empty_marks():
    c = mk("values-empty-marks", "11242", "marks for nothing in count rows: 'x', '…', 'KPS', 'N/A', '—', "
           "'không phát sinh'", forms=["BM1", "BM5"])
    per_sheet(c, Layout())
    marks = ((("BM1", "3.3.1"), "x", "dash|unread"), (("BM1", "4.3"), "…", "blank|dash|unread"),
             (("BM1", "4.4"), "KPS", "0|dash|unread"), (("BM5", "1.3"), "N/A", "dash|unread"),
             (("BM5", "2.1"), "—", "dash"), (("BM5", "4.3"), "không phát sinh", "0|dash"))
    for (form, code), text, want in marks:
        text_at(c, form, code, text)
        s, r, col = c.pos[(form, code)]
        c.want(form, code, want, s, ref(r, col))
    return c


@case
def second_copy_sheet():
    c = mk("second-copy-sheet", "11245", "BM2 written again on a later visible sheet 'Biểu mẫu 2 (cũ)' with "
           "last quarter's figures in some rows and a figure where this quarter's is blank",
           forms=["BM1", "BM2", "BM3"])
    L = Layout()
    per_sheet(c, L)
    keep_w, keep_p = dict(c.want_lines), dict(c.pos)
    sh = c.book.sheet("Biểu mẫu 2 (cũ)")
    set_widths(sh, L)
    r = write_head(c, sh, write_title(c, sh, 0, "BM2", L), L)
    differ = []
    for i, row in enumerate(FORM["BM2"].rows):
        x = c.ret.v[("BM2", row.code)]
        old = x
        if row.kind == "count" and (x is None or i % 3 == 0):
            old = (x or 0) + 2
            differ.append(row.code)
        r = write_row(c, sh, r, "BM2", row, L, i, value=old if old is not None else None)
        if x is None and old is None:
            pass
        new_pos = c.pos[("BM2", row.code)]
        c.pos[("BM2", row.code)] = keep_p[("BM2", row.code)]
        c.want_lines[("BM2", row.code)] = keep_w[("BM2", row.code)]
        if row.code in differ:
            s0, r0, c0 = keep_p[("BM2", row.code)]
            c.want_unread("BM2", row.code, [(s0, r0, c0), new_pos], severity="warning")
    assert differ
    return c


@case
def hidden_sheet_old():
    c = mk("hidden-sheet-old", "11248", "a hidden first sheet 'Quý II' holding last quarter's whole return "
           "(other figures), then this quarter's forms on their sheets", forms=["BM1", "BM3", "BM7"])
    L = Layout()
    old = mk("old", "11248", "", seed=99, forms=["BM1", "BM3", "BM7"])
    stacked(old, L, sheet="Quý II")
    old.book.sheets[0].hidden = True
    per_sheet(c, L)
    c.book.sheets.insert(0, old.book.sheets[0])
    return c


@case
def title_sheet_name_only():
    c = mk("title-sheet-name-only", "11251", "no title in the cells: each form's sheet is named 'Biểu 01', "
           "'BM 2', 'Bieu mau 3', 'Biểu mẫu số 04'", forms=["BM1", "BM2", "BM3", "BM4"])
    L = Layout(title="none")
    for k, (fid, name) in enumerate(zip(c.ret.forms, ("Biểu 01", "BM 2", "Bieu mau 3", "Biểu mẫu số 04"))):
        sh = c.book.sheet(name)
        set_widths(sh, L)
        write_form(c, sh, ident(c, sh) if k == 0 else 0, fid, L)
    return c


@case
def totals_and_notes():
    c = mk("totals-and-notes", "11254", "a 'Tổng cộng' row without a code under each table, a 'Tổng số' row "
           "over it, and figures in the 'Ghi chú' column ('Quý II: 12', 15)", forms=["BM1", "BM3", "BM6"])
    L = Layout()
    per_sheet(c, L)
    note = len(L.columns()) - 1
    for fid in c.ret.forms:
        rows = [c.pos[(fid, r.code)] for r in FORM[fid].rows if (fid, r.code) in c.pos]
        s, _, col = rows[0]
        sh = sheet_of(c, s)
        last = max(r for _, r, _ in rows)
        sh.put(last + 1, 1, "Tổng cộng", bold=True)
        sh.put(last + 1, col, sum(c.ret.v[(fid, r.code)] or 0 for r in FORM[fid].rows if r.kind == "count"))
        for k, (_, r, _) in enumerate(rows[:6]):
            sh.put(r, note, "Quý II: %d" % (k + 3) if k % 2 else k + 15)
    return c


# ---------------------------------------------------------------------------------------
# Written by LibreOffice (committed in tests/layouts/lo/, made again with --lo): the
# openpyxl book converted, formulas computed and saved with their results
# ---------------------------------------------------------------------------------------

LO_CASES = []


def lo_case(fn):
    LO_CASES.append(fn)
    return fn


@lo_case
def lo_formulas_xlsx():
    c = mk("lo-formulas", "11242", "the formulas case saved again by LibreOffice (.xlsx): results cached",
           writer="lo-xlsx", seed=1)
    formula_values(c)
    per_sheet(c, Layout())
    formula_book(c)
    return c


@lo_case
def lo_formulas_ods():
    c = mk("lo-formulas-ods", "11245", "the formulas case as an OpenDocument spreadsheet (.ods)",
           writer="lo-ods", seed=2)
    formula_values(c)
    per_sheet(c, Layout())
    formula_book(c)
    return c


@lo_case
def lo_plain_xls():
    c = mk("lo-plain-xls", "11248", "a plain return, forms stacked on one sheet, as Excel 97-2003 (.xls)",
           writer="lo-xls", seed=3)
    stacked(c, Layout(head="one"))
    return c


@lo_case
def lo_quarters_ods():
    c = mk("lo-quarters-ods", "11251", "'Quý II/2023 | Quý III/2023' columns as .ods", writer="lo-ods", seed=4,
           forms=["BM1", "BM3", "BM7"])
    per_sheet(c, Layout(values=[("previous", "Quý II/2023"), ("own", "Quý III/2023")]))
    return c


@lo_case
def lo_hidden_merged():
    c = mk("lo-hidden-merged", "11254", "LibreOffice .xlsx: three-row merged header, hidden stale column "
           "after the value column, hidden old rows", writer="lo-xlsx", seed=5, forms=["BM1", "BM3", "BM7"])
    L = Layout(head="three", values=[("own", "Quý III/2023"), ("stale", "Số lượng/ Tỷ lệ")], hidden={"stale"})
    per_sheet(c, L)
    hide_row_before(c, L, "BM1", "4.1", c.ret.v[("BM1", "4.1")] + 6)
    return c


@lo_case
def lo_combo_xlsx():
    c = mk("lo-combo", "11257", "LibreOffice .xlsx: 'Kế hoạch | Thực hiện' columns, numbering row 1 2 3 4 5 6, "
           "codes mixed, formulas with results", writer="lo-xlsx", seed=6)
    formula_values(c)
    per_sheet(c, Layout(numbering="123", code="mixed", values=[("plan", "Kế hoạch"), ("own", "Thực hiện")]))
    formula_book(c)
    return c


@lo_case
def lo_side_by_side_ods():
    c = mk("lo-side-by-side-ods", "11260", "forms side by side (BM1 | BM2), value columns 'Q2/2023 | Q3/2023', as "
           ".ods", writer="lo-ods", seed=7, forms=["BM1", "BM2"])
    sh = c.book.sheet("Phụ lục")
    vals = [("previous", "Q2/2023"), ("own", "Q3/2023")]
    left, right = Layout(values=vals), Layout(values=vals, x0=7)
    set_widths(sh, left)
    set_widths(sh, right)
    r = ident(c, sh, ncol=13)
    write_form(c, sh, r, "BM1", left)
    write_form(c, sh, r, "BM2", right)
    return c


@lo_case
def lo_merged_codes_xls():
    c = mk("lo-merged-codes-xls", "11263", "Excel 97-2003 (.xls): value cells merged over two rows, codes with "
           "commas and no-break spaces, running numbers in STT", writer="lo-xls", seed=8, forms=["BM3", "BM7"])
    L = Layout(code="odd", seq="STT", code_head="Mã số")
    per_sheet(c, L)
    for form, top, below in (("BM3", "1.4", "1.4.3"), ("BM7", "6.4.1", "6.4.2")):
        s, r0, col = c.pos[(form, top)]
        s1, r1, _ = c.pos[(form, below)]
        sh = sheet_of(c, s)
        sh.merges.append((r0, col, r1, col))
        del sh.cells[(r1, col)]
        c.want(form, below, "%s|unread" % num_text(c.ret.v[(form, top)]), s, ref(r1, col))
    return c


def move_titles(c, to_number, to_name=None, forms=None):
    """Every form's title unmerged: 'Biểu mẫu N' put in column to_number, its name on the
    row below in column to_name (typed where it looks centred, or the number in a corner;
    None: the name left merged across the table); forms: only those numbers' titles."""
    for sh in c.book.sheets:
        for (r, col), (v, st) in list(sh.cells.items()):
            if not isinstance(v, str):
                continue
            name = any(v == FORM[f].name.upper() for f in c.ret.forms)
            m = re.match(r"Biểu mẫu (\d+)$", v)
            if forms and not (m and int(m.group(1)) in forms):
                continue
            if m or (name and to_name is not None):
                sh.merges = [m for m in sh.merges if m[0] != r]
                del sh.cells[(r, col)]
                sh.cells[(r, to_number if v.startswith("Biểu mẫu") else to_name)] = (v, st)


@case
def name_centred_e():
    c = mk("name-centred-e", "11248", "forms one under the other, 'Quý II/2023 | Quý III/2023' in D and E, each "
           "form's name typed in column E of the row under 'Biểu mẫu N' (centred by hand, no merge)",
           forms=["BM1", "BM2"])
    stacked(c, Layout(head="one", group=None, values=[Q2, Q3]))
    move_titles(c, 0, 4)
    return c


@case
def title_right_corner():
    c = mk("title-right-corner", "11251", "forms one under the other, 'Biểu mẫu N' in the top-right corner "
           "(column E) of BM1 and BM2, the form's name on the row below merged across A:E; BM3's title in A", forms=["BM1", "BM2", "BM3"])
    stacked(c, Layout(head="one", group=None))
    move_titles(c, 4, forms=(1, 2))
    return c


@case
def cols_to_period_end():
    c = mk("cols-to-period-end", "11245", "value columns headed with a date after the data window within the period: "
           "'Quý III/2023 (đến 30/9/2023)' (BM1), 'Kết quả thống kê (số liệu tính đến 30/9/2023)' (BM3), "
           "'Quý II/2023 | Quý này (đến 30/9/2023)' (BM6): ordinary headers, nothing said of them",
           forms=["BM1", "BM3", "BM6"])
    heads = {"BM1": [("own", "Quý III/2023 (đến 30/9/2023)")],
             "BM3": [("own", "Kết quả thống kê (số liệu tính đến 30/9/2023)")],
             "BM6": [Q2, ("own", "Quý này (đến 30/9/2023)")]}
    for k, fid in enumerate(c.ret.forms):
        sh = c.book.sheet("Biểu mẫu %d" % FORM[fid].number)
        L = Layout(head="one", group=None, values=heads[fid])
        set_widths(sh, L)
        write_form(c, sh, ident(c, sh, ncol=len(L.columns())) if k == 0 else 0, fid, L)
    c.quiet.append("read.column-other-period")
    return c


@case
def side_by_side_title_offset():
    c = mk("side-by-side-title-offset", "11287", "BM1 in A-E and BM2 in G-K side by side, BM2's title and name typed in "
           "I (centred by hand, unmerged), not over its STT column", forms=["BM1", "BM2"])
    sh = c.book.sheet("Phụ lục")
    left, right = Layout(), Layout(x0=6)
    set_widths(sh, left)
    set_widths(sh, right)
    r = ident(c, sh, ncol=11)
    write_form(c, sh, r, "BM1", left)
    write_form(c, sh, r, "BM2", right)
    for (row, col), (v, st) in list(sh.cells.items()):
        if col == 6 and v in ("Biểu mẫu 2", FORM["BM2"].name.upper()):
            sh.merges = [m for m in sh.merges if (m[0], m[1]) != (row, col)]
            del sh.cells[(row, col)]
            sh.cells[(row, 8)] = (v, st)
    return c


@lo_case
def lo_hidden_stale_ods():
    c = mk("lo-hidden-stale-ods", "11266", ".ods: a hidden stale column before the value column and a hidden "
           "old row", writer="lo-ods", seed=9,
           forms=["BM1", "BM6"])
    L = Layout(values=[("stale", "Số lượng/ Tỷ lệ"), ("own", "Số lượng/ Tỷ lệ")], hidden={"stale"})
    per_sheet(c, L)
    hide_row_before(c, L, "BM1", "4.1", c.ret.v[("BM1", "4.1")] + 5)
    return c


@lo_case
def lo_hidden_own_xls():
    c = mk("lo-hidden-own-xls", "11269", ".xls: 'Kỳ trước | Kỳ này' with 'Kỳ này' hidden; forms side by side",
           writer="lo-xls", seed=10, forms=["BM2", "BM4"])
    sh = c.book.sheet("Sheet1")
    vals = [("previous", "Kỳ trước"), ("own", "Kỳ này")]
    left, right = Layout(values=vals, hidden={"own"}), Layout(values=vals, hidden={"own"}, x0=7)
    set_widths(sh, left)
    set_widths(sh, right)
    r = ident(c, sh, ncol=13)
    write_form(c, sh, r, "BM2", left)
    write_form(c, sh, r, "BM4", right)
    for form, code, role, value, sheet, cell in c.others:
        w = c.want_lines[(form, code)]
        if value is None and w[0] == "blank":
            c.want(form, code, "blank", sheet, cell)
        elif value != c.ret.v[(form, code)]:
            c.want(form, code, "%s|unread" % w[0], sheet, "%s,%s" % (w[2], cell), "warning")
    return c


# ---------------------------------------------------------------------------------------
# Ten returns of 2023-Q3 for one merge, in layouts whose figures are all determined, and
# what the merge must total (the format of fixtures/demo-expected.tsv)
# ---------------------------------------------------------------------------------------


def slug(name):
    import unicodedata
    s = unicodedata.normalize("NFD", re.sub(r"^(Xã|Thị trấn)\s+", "", name)).replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in s if not unicodedata.combining(ch)).replace(" ", "").lower()


MERGE_SET = [
    ("11242", lambda c: per_sheet(c, Layout())),
    ("11245", lambda c: per_sheet(c, Layout(values=[("previous", "Quý II/2023"), ("own", "Quý III/2023")]))),
    ("11248", lambda c: per_sheet(c, Layout(group="Kết quả thống kê: Số lượng/Tỷ lệ",
                                            values=[("previous", "Kỳ trước"), ("own", "Kỳ báo cáo")]))),
    ("11251", lambda c: stacked(c, Layout(numbering="123"))),
    ("11254", lambda c: per_sheet(c, Layout(head="one", group=None, hidden={"stale"},
                                            values=[("own", "Số lượng/ Tỷ lệ"), ("stale", "Số lượng/ Tỷ lệ")]))),
    ("11257", lambda c: stacked(c, Layout(signature=True, repeat_head=("3.3", "6.5"), repeat_title=True))),
    ("11260", lambda c: (formula_values(c), per_sheet(c, Layout()), formula_book(c))),
    ("11263", lambda c: per_sheet(c, Layout(head="one", group=None,
                                            values=[("cumulative", "Lũy kế đến 09/9/2023"), ("own", "Kỳ báo cáo")]))),
    ("11266", lambda c: continued(c, Layout(), [f.id for f in FORMS], {"BM3": "3", "BM7": "6"}, "Biểu mẫu %d (tiếp)")),
    ("11269", lambda c: stacked(c, Layout(title="caps-one-cell", code="mixed", pct="fraction"))),
]


def merge_cases():
    out = []
    for i, (unit, build) in enumerate(MERGE_SET):
        c = Case("merge-%s-%s" % (unit, slug(ROSTER[unit])), unit, what="a return of the merge set")
        # tally rows: the first option for six units of ten, so the most common is clear
        for f in FORMS:
            for r in f.rows:
                if r.agg == "tally":
                    c.ret.v[(f.id, r.code)] = r.options[0][1] if i < 6 else c.rng.choice(r.options)[1]
        build(c)
        out.append(c)
    return out


def merge_expected(cases):
    """What merging the folder for 2023-Q3 must give, from the returns' own data."""
    lines = []
    files = sorted("%s.xlsx" % c.name[len("merge-"):] for c in cases)
    lines += ["file\t%s\tused" % f for f in files]
    by_unit = {c.ret.unit: c for c in cases}
    for code in ROSTER:
        c = by_unit.get(code)
        if c:
            on_time = c.ret.report <= c.ret.period.end + datetime.timedelta(days=3)
            lines.append("unit\t%s\treceived\t%s.xlsx\ton_time:%d" % (code, c.name[len("merge-"):], on_time))
        else:
            lines.append("unit\t%s\tmissing\t-\ton_time:-" % code)
    rets = [by_unit[u].ret for u in ROSTER if u in by_unit]
    for f in FORMS:
        for r in f.rows:
            key = (f.id, r.code)
            total = None
            nums = [x.v[key] for x in rets if x.v[key] is not None]
            if r.agg == "sum" and nums:
                total = sum(nums)
            elif r.agg == "ratio":
                a = b = 0
                for x in rets:
                    n, d = x.v[(f.id, r.ratio[0])], x.v[(f.id, r.ratio[1])]
                    if n is not None and d is not None:
                        a, b = a + n, b + d
                total = a / b * 100 if b else None
            elif r.agg in ("tally", "catalogue") and nums:
                counts = {}
                for x in nums:
                    counts[x] = counts.get(x, 0) + 1
                best = max(counts.values())
                assert best > 1 and list(counts.values()).count(best) == 1, key
                total = [x for x in counts if counts[x] == best][0]
            lines.append("total\t%s\t%s\t%s" % (f.id, r.code, "blank" if total is None else "%.15g" % total))
    lines.append("count\treceived\t%d" % len(cases))
    lines.append("count\ton_time\t%d" % len(cases))
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------
# Writing it all
# ---------------------------------------------------------------------------------------


def write_case(c, path_noext, lxw):
    if c.writer == "openpyxl":
        save_openpyxl(c.book, path_noext + ".xlsx")
    elif c.writer == "lxw":
        if not lxw:
            sys.exit("gen.py: case %s needs the libxlsxwriter writer: --lxw PROGRAM" % c.name)
        spec = path_noext + ".spec"
        save_spec(c.book, spec, c.constant_memory)
        subprocess.run([lxw, spec, path_noext + ".xlsx"], check=True)
        os.remove(spec)
    else:
        raise ValueError(c.writer)
    with open(path_noext + ".expect.tsv", "w", encoding="utf-8") as fh:
        fh.write(c.expect_text())


def make_lo(cases, soffice="soffice"):
    """Convert the LibreOffice cases with one soffice run per format, into LO_DIR."""
    tmp = tempfile.mkdtemp(prefix="tonghop-lo-")
    try:
        profile = os.path.join(tmp, "profile")
        by_fmt = {}
        for c in cases:
            ext = c.writer.split("-")[1]
            src = os.path.join(tmp, "src-" + ext)
            os.makedirs(src, exist_ok=True)
            save_openpyxl(c.book, os.path.join(src, c.name + ".xlsx"))
            by_fmt.setdefault(ext, []).append(os.path.join(src, c.name + ".xlsx"))
        filters = {"xlsx": "xlsx:Calc MS Excel 2007 XML", "ods": "ods", "xls": "xls:MS Excel 97"}
        os.makedirs(LO_DIR, exist_ok=True)
        for ext, files in sorted(by_fmt.items()):
            subprocess.run([soffice, "-env:UserInstallation=file://" + profile, "--headless",
                            "--convert-to", filters[ext], "--outdir", LO_DIR] + files,
                           check=True, stdout=subprocess.DEVNULL, timeout=300)
        for c in cases:
            ext = c.writer.split("-")[1]
            if not os.path.exists(os.path.join(LO_DIR, c.name + "." + ext)):
                sys.exit("gen.py: LibreOffice did not write %s.%s" % (c.name, ext))
            with open(os.path.join(LO_DIR, c.name + ".expect.tsv"), "w", encoding="utf-8") as fh:
                fh.write(c.expect_text())
            if ext == "xlsx":
                lo_self_check(c, os.path.join(LO_DIR, c.name + ".xlsx"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def lo_self_check(c, path):
    """LibreOffice computed every formula: its results must be this generator's truths (a
    check of the formulas written here, by a second program)."""
    wb = openpyxl.load_workbook(path, data_only=True)
    bad = []
    for (form, code), (sheet, r, col) in c.pos.items():
        if not isinstance(sheet_of(c, sheet).cells[(r, col)][0], Formula):
            continue
        got = wb[sheet].cell(row=r + 1, column=col + 1).value
        want = c.ret.v[(form, code)]
        if FORM[form].row(code).kind == "percent" and got not in (None, ""):
            got = got * 100 if "%" in (wb[sheet].cell(row=r + 1, column=col + 1).number_format or "") else got
        if want is None:
            if got not in (None, ""):
                bad.append("%s %s: LibreOffice computed %r, the truth is blank" % (form, code, got))
        elif not isinstance(got, (int, float)) or abs(got - want) > 1e-9 * max(1, abs(want)):
            bad.append("%s %s: LibreOffice computed %r, the truth is %r" % (form, code, got, want))
    if bad:
        sys.exit("gen.py: %s:\n  %s" % (path, "\n  ".join(bad)))


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("-"):
        sys.exit("usage: gen.py OUTDIR [--lxw GEN_LXW] [--lo]")
    out, lxw, lo = args[0], None, False
    i = 1
    while i < len(args):
        if args[i] == "--lxw" and i + 1 < len(args):
            lxw, i = args[i + 1], i + 2
        elif args[i] == "--lo":
            lo, i = True, i + 1
        else:
            sys.exit("gen.py: unknown option %s" % args[i])
    for sub in ("cases", "merge", "merge-expect", "lo-expect"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    names = set()
    for fn in CASES:
        c = fn()
        assert c.name not in names, c.name
        names.add(c.name)
        write_case(c, os.path.join(out, "cases", c.name), lxw)
    mcases = merge_cases()
    for c in mcases:
        save_openpyxl(c.book, os.path.join(out, "merge", c.name[len("merge-"):] + ".xlsx"))
        with open(os.path.join(out, "merge-expect", c.name + ".expect.tsv"), "w", encoding="utf-8") as fh:
            fh.write(c.expect_text())
    with open(os.path.join(out, "merge-expected.tsv"), "w", encoding="utf-8") as fh:
        fh.write(merge_expected(mcases))
    lcases = [fn() for fn in LO_CASES]
    for c in lcases:
        with open(os.path.join(out, "lo-expect", c.name + ".expect.tsv"), "w", encoding="utf-8") as fh:
            fh.write(c.expect_text())
    if lo:
        make_lo(lcases)


if __name__ == "__main__":
    main()
