#!/usr/bin/python3
"""Generate the seed corpus of the XLSX reader fuzzer (tests/fuzz/fuzz_reader.c).

Usage: make-seeds.py [DIR]      (DIR defaults to tests/fuzz/corpus next to this script)

Writes seed-*.xlsx (small valid and near-valid workbooks, one feature each) and
hostile-* (the cases of tests/hostile/make-hostile.py that are under 8 KiB, so
not the zip bomb) into DIR.  Stale seed-* and hostile-* files are removed;
crash-* and other files are left alone.  Output is deterministic: fixed zip
timestamps and attributes, no randomness.  Stdlib only.

Most seeds store their parts uncompressed: libFuzzer then mutates the XML
itself (libzip still reports the CRC mismatch, but only after the part's bytes
went through the parser).  A few are deflated to keep the inflate paths covered.
"""

import importlib.util
import io
import os
import re
import struct
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_SIZE = 8 * 1024

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
STRICT_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships"
NS_X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
NS_XM = "http://schemas.microsoft.com/office/excel/2006/main"
NS_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
CT_BASE = "application/vnd.openxmlformats-officedocument.spreadsheetml."
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

STORED, DEFLATED = zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED

# ---------------------------------------------------------------- zip helpers


def zinfo(name, compress):
    """ZipInfo with fixed metadata so archives are byte-for-byte reproducible."""
    zi = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    zi.compress_type = compress
    zi.create_system = 3  # Unix
    zi.external_attr = 0o644 << 16
    if compress == DEFLATED:
        zi._compresslevel = 9
    return zi


def zip_bytes(entries, compress=STORED):
    """entries: list of (name, str|bytes) -> zip archive bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in entries:
            if isinstance(data, str):
                data = data.encode()
            zf.writestr(zinfo(name, compress), data)
    return buf.getvalue()


# ------------------------------------------------------- package builders


def content_types(overrides=()):
    s = (DECL + '<Types xmlns="' + NS_CT + '">'
         '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
         '<Default Extension="xml" ContentType="application/xml"/>'
         '<Override PartName="/xl/workbook.xml" ContentType="' + CT_BASE + 'sheet.main+xml"/>')
    for part, ct in overrides:
        s += '<Override PartName="' + part + '" ContentType="' + CT_BASE + ct + '"/>'
    return s + "</Types>"


def rels(items, ns_rel=NS_REL):
    """items: (id, type suffix, target[, extra attributes])."""
    s = DECL + '<Relationships xmlns="' + NS_PKG_REL + '">'
    for rid, typ, target, *extra in items:
        s += ('<Relationship Id="%s" Type="%s/%s" Target="%s"%s/>'
              % (rid, ns_rel, typ, target, (" " + extra[0]) if extra else ""))
    return s + "</Relationships>"


def workbook(sheets, pr="", ext="", ns=NS_MAIN, ns_rel=NS_REL):
    """sheets: (name, rId or None[, state])."""
    s = DECL + '<workbook xmlns="' + ns + '" xmlns:r="' + ns_rel + '">'
    s += pr + "<sheets>"
    for i, (name, rid, *state) in enumerate(sheets):
        s += '<sheet name="%s" sheetId="%d"' % (name, i + 1)
        if state:
            s += ' state="%s"' % state[0]
        if rid:
            s += ' r:id="%s"' % rid
        s += "/>"
    return s + "</sheets>" + ext + "</workbook>"


def sst(items):
    """items: raw <si> contents."""
    return (DECL + '<sst xmlns="' + NS_MAIN + '" count="%d" uniqueCount="%d">' % (len(items), len(items))
            + "".join("<si>" + i + "</si>" for i in items) + "</sst>")


def worksheet(rows, after="", before="", ns=NS_MAIN):
    return (DECL + '<worksheet xmlns="' + ns + '" xmlns:r="' + NS_REL + '">' + before
            + "<sheetData>" + rows + "</sheetData>" + after + "</worksheet>")


def package(sheet_xmls, strings=None, styles=None, wb=None, compress=STORED, extra=()):
    """A workbook whose sheets are Sheet1..N (xl/worksheets/sheetK.xml)."""
    n = len(sheet_xmls)
    overrides = [("/xl/worksheets/sheet%d.xml" % (k + 1), "worksheet+xml") for k in range(n)]
    wbrels = [("rId%d" % (k + 1), "worksheet", "worksheets/sheet%d.xml" % (k + 1)) for k in range(n)]
    if strings is not None:
        overrides.append(("/xl/sharedStrings.xml", "sharedStrings+xml"))
        wbrels.append(("rId%d" % (n + 1), "sharedStrings", "sharedStrings.xml"))
    if styles is not None:
        overrides.append(("/xl/styles.xml", "styles+xml"))
        wbrels.append(("rId%d" % (n + 2), "styles", "styles.xml"))
    if wb is None:
        wb = workbook([("Sheet%d" % (k + 1), "rId%d" % (k + 1)) for k in range(n)])
    entries = [
        ("[Content_Types].xml", content_types(overrides)),
        ("_rels/.rels", rels([("rId1", "officeDocument", "xl/workbook.xml")])),
        ("xl/workbook.xml", wb),
        ("xl/_rels/workbook.xml.rels", rels(wbrels)),
    ]
    if strings is not None:
        entries.append(("xl/sharedStrings.xml", strings))
    if styles is not None:
        entries.append(("xl/styles.xml", styles))
    entries += list(extra)
    # the sheets last: a part whose CRC a mutation broke then fails only after parsing
    for k, x in enumerate(sheet_xmls):
        entries.append(("xl/worksheets/sheet%d.xml" % (k + 1), x))
    return zip_bytes(entries, compress)


def row(r, cells):
    return ('<row r="%d">' % r if r else "<row>") + cells + "</row>"


# ----------------------------------------------------------------- seeds

SEEDS = {}


def seed(name):
    def reg(fn):
        SEEDS[name] = fn
        return fn
    return reg


@seed("minimal-sst")
def s_minimal_sst():
    strings = sst(["<t>Xin chào</t>", "<t>Tổng cộng</t>", '<t xml:space="preserve"> lề </t>'])
    rows = (row(1, '<c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>')
            + row(2, '<c r="A2"><v>3.5</v></c><c r="B2"><v>42</v></c><c r="C2" t="s"><v>2</v></c>'))
    return package([worksheet(rows, before='<dimension ref="A1:C2"/>')], strings=strings)


@seed("minimal-deflated")
def s_minimal_deflated():
    strings = sst(["<t>Xin chào</t>", "<t>Tổng cộng</t>"])
    rows = (row(1, '<c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>')
            + row(2, '<c r="A2"><v>-12.5</v></c><c r="B2"><v>45181</v></c>'))
    return package([worksheet(rows)], strings=strings, compress=DEFLATED)


@seed("inline-strings")
def s_inline():
    rows = (row(1, '<c r="A1" t="inlineStr"><is><t>Hà Nội</t></is></c>'
                   '<c r="B1" t="inlineStr"><is><t xml:space="preserve">  cách  </t></is></c>'
                   '<c r="C1" t="inlineStr"><is/></c>'
                   '<c r="D1" t="inlineStr"><is><t></t></is></c>'
                   '<c r="E1" t="inlineStr"><v>ignored</v></c>')
            + row(2, '<c r="A2" t="inlineStr" s="0"><is><t>a</t><t>b</t></is></c>'
                     '<c r="B2" t="inlineStr"><is><t>x&amp;y&lt;z&gt;&#x1F600;&#233;</t></is></c>'))
    return package([worksheet(rows)])


@seed("rich-rph")
def s_rich():
    strings = sst([
        '<r><rPr><b/><sz val="11"/><color rgb="FFFF0000"/><rFont val="Calibri"/><family val="2"/></rPr>'
        '<t xml:space="preserve">Đậm </t></r><r><t>thường</t></r>',
        '<t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1" type="noConversion"/>',
        '<r><t>a</t></r><rPh sb="0" eb="1"><t>X</t><rPh><t>nested</t></rPh><t>Y</t></rPh><r><t>b</t></r>',
        "",
        "<t/>",
    ])
    rows = (row(1, "".join('<c r="%s1" t="s"><v>%d</v></c>' % (c, i) for i, c in enumerate("ABCDE")))
            + row(2, '<c r="A2" t="inlineStr"><is><r><rPr><i/></rPr><t>nghiêng</t></r>'
                     '<rPh sb="0" eb="1"><t>ignored</t></rPh><r><t> run</t></r></is></c>'))
    return package([worksheet(rows)], strings=strings)


@seed("xescape")
def s_xescape():
    strings = sst([
        "<t>dòng 1_x000D__x000A_dòng 2</t>",
        "<t>_x005F_x000D_ literal, _x00E9_, _xD83D__xDE00_ pair</t>",
        "<t>lone _xD800_ high, _xDC00_ low, _xD83D_</t>",
        "<t>_x0000_ nul _x001F_ _xFFFF_ _x12_ _xGGGG_ _x000d_ _X000D_ trailing _x00</t>",
    ])
    rows = (row(1, "".join('<c r="%s1" t="s"><v>%d</v></c>' % (c, i) for i, c in enumerate("ABCD")))
            + row(2, '<c r="A2" t="inlineStr"><is><t>tab_x0009_here_x000D_</t></is></c>'
                     '<c r="B2" t="str"><f>A1</f><v>_x0041__x0042_</v></c>'
                     '<c r="C2" t="e"><v>#N/A_x000D_</v></c>'
                     '<c r="D2" t="d"><v>2024_x002D_01-01</v></c>'
                     '<c r="E2" t="inlineStr"><is><t>___x____x0041_</t></is></c>'))
    return package([worksheet(rows)], strings=strings)


@seed("formulas")
def s_formulas():
    rows = (
        row(1, '<c r="A1"><f>1+1</f><v>2</v></c>'
               '<c r="B1" t="str"><f>"a"&amp;"b"</f><v>ab</v></c>'
               '<c r="C1" t="b"><f>TRUE()</f><v>1</v></c>'
               '<c r="D1" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
               '<c r="E1"><f>NOW()</f></c>'
               '<c r="F1" t="str"><f>""</f><v></v></c>'
               '<c r="G1" t="n"><f aca="false">PI()</f><v>3.141592653589793</v></c>')
        + row(2, '<c r="A2"><f t="shared" ref="A2:A4" si="0">B2*2</f><v>0</v></c>'
                 '<c r="B2" t="b"><v>false</v></c><c r="C2" t="b"><v>TRUE</v></c><c r="D2" t="b"><v>0</v></c>')
        + row(3, '<c r="A3"><f t="shared" si="0"/><v>4</v></c>'
                 '<c r="B3" t="e"><f>NA()</f><v>#N/A</v></c>'
                 '<c r="C3" t="e"><v>#REF!</v></c>')
        + row(4, '<c r="A4"><f t="shared" si="0"></f><v>6</v></c>'
                 '<c r="B4"><f t="array" ref="B4:B5">SUM(A1:A3*2)</f><v>8</v></c>'
                 '<c r="C4" t="str"><f t="dataTable" ref="C4:C5" dt2D="0" dtr="0" r1="A1"/><v>x</v></c>')
        + row(5, '<c r="A5"><v>1E+300</v></c><c r="B5"><v>-0</v></c><c r="C5"><v>1e400</v></c>'
                 '<c r="D5"><v> 12 </v></c><c r="E5"><v>0x1F</v></c><c r="F5"><v>nan</v></c>'
                 '<c r="G5"><v>3.14159265358979323846</v></c><c r="H5"><v>9007199254740993</v></c>'
                 '<c r="I5"><v>.5</v></c><c r="J5"><v>5.</v></c><c r="K5"><v>-</v></c>'
                 '<c r="L5"><v>1.7976931348623157e308</v></c><c r="M5"><v>4.9e-324</v></c>'
                 '<c r="N5" t="q"><v>unknown type</v></c><c r="O5" t=""><v>7</v></c>')
    )
    return package([worksheet(rows)])


@seed("date-cells")
def s_dates():
    rows = (row(1, '<c r="A1" t="d"><v>2023-09-12T00:00:00</v></c>'
                   '<c r="B1" t="d"><v>2024-02-29</v></c>'
                   '<c r="C1" t="d"><v>10:10:10.123</v></c>'
                   '<c r="D1" t="d"/>'
                   '<c r="E1" t="d"><v></v></c>'
                   '<c r="F1" t="d" s="1"><f>TODAY()</f><v>2025-01-01T12:00:00Z</v></c>')
            + row(2, '<c r="A2"><v>45181</v></c><c r="B2"><v>60</v></c><c r="C2"><v>0.4237268518</v></c>'
                     '<c r="D2"><v>2958465.9999999</v></c><c r="E2"><v>-1</v></c><c r="F2"><v>1</v></c>'))
    styles = (DECL + '<styleSheet xmlns="' + NS_MAIN + '"><cellXfs count="2"><xf numFmtId="0"/>'
              '<xf numFmtId="22" applyNumberFormat="1"/></cellXfs></styleSheet>')
    return package([worksheet(rows)], styles=styles)


@seed("no-r")
def s_no_r():
    rows = (row(0, "<c><v>1</v></c><c><v>2</v></c><c/>")
            + row(5, "<c><v>3</v></c><c r=\"D5\"><v>4</v></c><c><v>5</v></c>")
            + row(0, '<c r="B6" t="inlineStr"><is><t>x</t></is></c><c t="s"><v>0</v></c>')
            + row(0, '<c r="XFC7"/><c><v>7</v></c>')
            + '<row r="9" spans="1:3" ht="20" customHeight="1"><c><v>9</v></c></row>'
            + '<row r="1048576"><c><v>10</v></c><c r="$B$1048576"><v>11</v></c><c r="c1048576"/></row>')
    return package([worksheet(rows)], strings=sst(["<t>s</t>"]))


@seed("merges")
def s_merges():
    rows = row(1, '<c r="A1" t="inlineStr"><is><t>gộp</t></is></c>') + row(3, '<c r="C3"><v>1</v></c>')
    after = ('<mergeCells count="8"><mergeCell ref="A1:B2"/><mergeCell ref="D4:C3"/>'
             '<mergeCell ref="$E$5:$F$6"/><mergeCell ref="G7"/><mergeCell ref="bad"/>'
             '<mergeCell ref="A1:XFD1048576"/><mergeCell ref="H1:XFE1"/><mergeCell/>'
             '<mergeCell ref="Z9:A1"/><mergeCell ref="K1:"/><mergeCell ref=":K1"/></mergeCells>'
             '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>')
    return package([worksheet(rows, after=after)])


STYLES = (
    DECL + '<styleSheet xmlns="' + NS_MAIN + '" xmlns:mc="' + NS_MC + '" mc:Ignorable="x14ac" '
    'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">'
    '<numFmts count="9">'
    '<numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
    '<numFmt numFmtId="165" formatCode="0.0%"/>'
    '<numFmt numFmtId="166" formatCode="[h]:mm:ss"/>'
    '<numFmt numFmtId="167" formatCode="@"/>'
    '<numFmt numFmtId="168" formatCode="&quot;Ngày &quot;dd&quot; tháng &quot;mm"/>'
    '<numFmt numFmtId="169" formatCode="#,##0.00\\ [$₫-42A];[Red]\\-#,##0.00"/>'
    '<numFmt numFmtId="170" formatCode="[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy"/>'
    '<numFmt numFmtId="171" formatCode="0.00_);[Red]\\(0.00\\);&quot;-&quot;;@_)"/>'
    '<numFmt numFmtId="14" formatCode="General"/>'
    '<numFmt numFmtId="27" formatCode="[$-404]e/m/d"/>'
    '<numFmt numFmtId="31" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
    '<numFmt numFmtId="50" formatCode="General"/>'
    '<numFmt numFmtId="58" formatCode="h:mm"/>'
    '<numFmt numFmtId="72" formatCode="[h]"/>'
    '<numFmt numFmtId="172" formatCode="mm:ss.0"/>'
    '<numFmt numFmtId="173" formatCode="h AM/PM;a/p"/>'
    '<numFmt numFmtId="174" formatCode="hh &quot;h&quot; mm"/>'
    '<numFmt numFmtId="175" formatCode="General;@"/>'
    '<numFmt numFmtId="176" formatCode="[mm]:ss"/>'
    '<numFmt numFmtId="177" formatCode="mmm-yy"/>'
    '<numFmt numFmtId="178" formatCode="[Red][&lt;0]0.0%;0%"/>'
    '<numFmt numFmtId="179" formatCode="_(* #,##0_);_(* \\(#,##0\\);_(* &quot;-&quot;_);_(@_)"/>'
    '<numFmt numFmtId="180" formatCode="[hh]:mm m"/>'
    '<numFmt numFmtId="x" formatCode="yyyy"/><numFmt formatCode="mm"/>'
    '</numFmts>'
    '<fonts count="5" x14ac:knownFonts="1">'
    '<font><sz val="11"/><color theme="1"/><name val="Calibri"/><family val="2"/></font>'
    '<font><sz val="12"/><name val=".VnTime"/></font>'
    '<font><b/><sz val="12"/><name val="Times New Roman"/><name val="second"/></font>'
    '<font><sz val="10"/></font>'
    '<font/>'
    '</fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="164" fontId="1"/></cellStyleXfs>'
    '<cellXfs count="12">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="14" fontId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="164" fontId="1" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="2"/>'
    '<xf numFmtId="166" fontId="3"/>'
    '<xf numFmtId="167" fontId="4"/>'
    '<xf numFmtId="168"/>'
    '<xf numFmtId="169"/>'
    '<xf numFmtId="170" fontId="99"/>'
    '<xf numFmtId="10"/>'
    '<xf numFmtId="abc" fontId="-1"/>'
    '<xf numFmtId="4294967295" fontId="4294967296"><alignment horizontal="center"/></xf>'
    '<xf/>'
    '<xf numFmtId="27"/>'
    '<xf numFmtId="31"/>'
    '<xf numFmtId="50"/>'
    '<xf numFmtId="58"/>'
    '<xf numFmtId="72"/>'
    '<xf numFmtId="172"/>'
    '<xf numFmtId="173"/>'
    '<xf numFmtId="174"/>'
    '<xf numFmtId="175"/>'
    '<xf numFmtId="176"/>'
    '<xf numFmtId="177"/>'
    '<xf numFmtId="178"/>'
    '<xf numFmtId="179"/>'
    '<xf numFmtId="180"/>'
    '<xf numFmtId="45"/>'
    '<xf numFmtId="20"/>'
    '<xf numFmtId="49"/>'
    '<xf numFmtId="9"/>'
    '</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '<dxfs count="1"><dxf><numFmt numFmtId="200" formatCode="yyyy"/><font><name val="dxf"/></font></dxf></dxfs>'
    '<tableStyles count="0" defaultTableStyle="TableStyleMedium2"/>'
    '</styleSheet>'
)


COLS31 = [chr(65 + i) for i in range(26)] + ["A" + chr(65 + i) for i in range(5)]


@seed("styles")
def s_styles():
    cells = "".join('<c r="%s1" s="%d"><v>45181.5</v></c>' % (c, i) for i, c in enumerate(COLS31))
    rows = (row(1, cells)
            + row(2, '<c r="A2" s="abc"><v>0.88</v></c><c r="B2" s="99999"><v>1</v></c>'
                     '<c r="C2" s=" 3 "><v>0.5</v></c><c r="D2" s="2.0"><v>2</v></c>'
                     '<c r="E2" s="4294967296"><v>3</v></c><c r="F2" s="-1"/>'))
    return package([worksheet(rows)], styles=STYLES, compress=DEFLATED)


@seed("styles-stored")
def s_styles_stored():
    rows = row(1, "".join('<c r="%s1" s="%d"><v>0.25</v></c>' % (c, i) for i, c in enumerate(COLS31)))
    return package([worksheet(rows)], styles=STYLES)


@seed("date1904")
def s_date1904():
    wb = workbook([("Sheet1", "rId1")], pr='<workbookPr date1904="1" defaultThemeVersion="124226"/>')
    styles = (DECL + '<styleSheet xmlns="' + NS_MAIN + '"><cellXfs count="3"><xf numFmtId="0"/>'
              '<xf numFmtId="14"/><xf numFmtId="21"/></cellXfs></styleSheet>')
    rows = row(1, '<c r="A1" s="1"><v>0</v></c><c r="B1" s="1"><v>43719</v></c>'
                  '<c r="C1" s="2"><v>0.5</v></c><c r="D1" s="1"><v>2957003</v></c>')
    return package([worksheet(rows)], styles=styles, wb=wb)


@seed("date1904-true")
def s_date1904_true():
    wb = workbook([("Sheet1", "rId1")], pr='<workbookPr date1904="true"/><workbookPr/>')
    rows = row(1, '<c r="A1"><v>1</v></c>')
    return package([worksheet(rows)], wb=wb)


@seed("hidden-chartsheet")
def s_hidden():
    wb = workbook([("Hiện", "rId1"), ("Ẩn", "rId2", "hidden"), ("Rất ẩn", "rId3", "veryHidden"),
                   ("Biểu đồ", "rId4"), ("Thiếu", "rId5"), ("Không id", None), ("Ngoài", "rId6"),
                   ("Macro", "rId7"), ("Lạ", "rId8", "weird")])
    wbrels = rels([("rId1", "worksheet", "worksheets/sheet1.xml"),
                   ("rId2", "worksheet", "worksheets/sheet2.xml"),
                   ("rId3", "worksheet", "worksheets/sheet3.xml"),
                   ("rId4", "chartsheet", "chartsheets/sheet1.xml"),
                   ("rId5", "worksheet", "worksheets/sheet9.xml"),
                   ("rId6", "worksheet", "http://example.com/sheet.xml", 'TargetMode="External"'),
                   ("rId7", "xlMacrosheet", "macrosheets/sheet1.xml"),
                   ("rId8", "worksheet", "worksheets/sheet1.xml")])
    chart = (DECL + '<chartsheet xmlns="' + NS_MAIN + '" xmlns:r="' + NS_REL + '"><sheetPr/>'
             '<sheetViews><sheetView workbookViewId="0"/></sheetViews><drawing r:id="rId1"/></chartsheet>')
    macro = DECL + '<xm:macrosheet xmlns:xm="' + NS_XM + '"><sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData></xm:macrosheet>'
    entries = [
        ("[Content_Types].xml", content_types([("/xl/chartsheets/sheet1.xml", "chartsheet+xml")])),
        ("_rels/.rels", rels([("rId1", "officeDocument", "xl/workbook.xml")])),
        ("xl/workbook.xml", wb),
        ("xl/_rels/workbook.xml.rels", wbrels),
        ("xl/chartsheets/sheet1.xml", chart),
        ("xl/macrosheets/sheet1.xml", macro),
    ]
    for k in range(3):
        entries.append(("xl/worksheets/sheet%d.xml" % (k + 1),
                        worksheet(row(k + 1, '<c r="A%d"><v>%d</v></c>' % (k + 1, k)))))
    return zip_bytes(entries)


@seed("strict")
def s_strict():
    wb = (DECL + '<workbook xmlns="' + STRICT_MAIN + '" xmlns:r="' + STRICT_REL + '" conformance="strict">'
          '<workbookPr dateCompatibility="0" date1904="0"/><sheets><sheet name="Strict" sheetId="1" r:id="rId1"/>'
          '</sheets></workbook>')
    strings = (DECL + '<sst xmlns="' + STRICT_MAIN + '" count="1" uniqueCount="1"><si><t>nghiêm</t></si></sst>')
    rows = row(1, '<c r="A1" t="s"><v>0</v></c><c r="B1" t="d"><v>2023-09-12</v></c><c r="C1"><v>1.5</v></c>')
    entries = [
        ("[Content_Types].xml", content_types()),
        ("_rels/.rels", rels([("rId1", "officeDocument", "/xl/workbook.xml")], STRICT_REL)),
        ("xl/workbook.xml", wb),
        ("xl/_rels/workbook.xml.rels",
         rels([("rId1", "worksheet", "/xl/worksheets/sheet1.xml"),
               ("rId2", "sharedStrings", "../xl/sharedStrings.xml")], STRICT_REL)),
        ("xl/sharedStrings.xml", strings),
        ("xl/worksheets/sheet1.xml", worksheet(rows, ns=STRICT_MAIN)),
    ]
    return zip_bytes(entries)


@seed("prefixed")
def s_prefixed():
    x = 'xmlns:x="' + NS_MAIN + '" xmlns:r="' + NS_REL + '"'
    wb = (DECL + "<x:workbook " + x + "><x:workbookPr/><x:sheets>"
          '<x:sheet name="Tiền tố" sheetId="1" r:id="rId1"/></x:sheets></x:workbook>')
    strings = DECL + "<x:sst " + x + ' count="1"><x:si><x:r><x:t>có tiền tố</x:t></x:r></x:si></x:sst>'
    styles = (DECL + "<x:styleSheet " + x + '><x:numFmts><x:numFmt numFmtId="164" formatCode="0%"/>'
              '</x:numFmts><x:fonts><x:font><x:name val="Arial"/></x:font></x:fonts>'
              '<x:cellXfs><x:xf numFmtId="0"/><x:xf numFmtId="164" fontId="0"/></x:cellXfs></x:styleSheet>')
    sheet = (DECL + "<x:worksheet " + x + "><x:sheetData>"
             '<x:row r="1"><x:c r="A1" x:t="s"><x:v>0</x:v></x:c><x:c r="B1" s="1"><x:v>0.5</x:v></x:c>'
             '<x:c r="C1" t="inlineStr"><x:is><x:t>nội tuyến</x:t></x:is></x:c>'
             '<x:c r="D1"><x:f>B1*2</x:f><x:v>1</x:v></x:c></x:row>'
             "</x:sheetData><x:mergeCells><x:mergeCell ref=\"E1:F1\"/></x:mergeCells></x:worksheet>")
    pkg_rels = ('<pr:Relationships xmlns:pr="' + NS_PKG_REL + '"><pr:Relationship Id="rId1" '
                'Type="' + NS_REL + '/officeDocument" Target="./xl/workbook.xml"/></pr:Relationships>')
    entries = [
        ("[Content_Types].xml", content_types()),
        ("_rels/.rels", pkg_rels),
        ("xl/workbook.xml", wb),
        ("xl/_rels/workbook.xml.rels",
         rels([("rId1", "worksheet", "./worksheets/../worksheets/sheet1.xml"),
               ("rId2", "sharedStrings", "sharedStrings.xml"),
               ("rId3", "styles", "styles.xml")])),
        ("xl/sharedStrings.xml", strings),
        ("xl/styles.xml", styles),
        ("xl/worksheets/sheet1.xml", sheet),
    ]
    return zip_bytes(entries)


@seed("backslash")
def s_backslash():
    rows = row(1, '<c r="A1" t="s"><v>0</v></c><c r="B1"><v>2</v></c>')
    entries = [
        ("[Content_Types].xml", content_types()),
        ("_rels\\.rels", rels([("rId1", "officeDocument", "xl\\workbook.xml")])),
        ("xl\\workbook.xml", workbook([("Sheet1", "rId1")])),
        ("xl\\_rels\\workbook.xml.rels",
         rels([("rId1", "worksheet", "worksheets\\sheet1.xml"),
               ("rId2", "sharedStrings", "..\\xl\\SharedStrings.xml")])),
        ("XL\\sharedStrings.xml", sst(["<t>gạch ngược</t>"])),
        ("xl\\worksheets\\Sheet1.xml", worksheet(rows)),
    ]
    return zip_bytes(entries)


@seed("extlst")
def s_extlst():
    wb = workbook([("Sheet1", "rId1")],
                  ext='<extLst><ext uri="{140A7094-0E35-4892-8432-C4D2E57EDEB5}" xmlns:x15="http://'
                      'schemas.microsoft.com/office/spreadsheetml/2010/11/main"><x15:workbookPr '
                      'chartTrackingRefBase="1"/><x15:sheets><x15:sheet name="ext" r:id="rId1"/>'
                      "</x15:sheets></ext></extLst>")
    ext = ('<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}" xmlns:x14="' + NS_X14 + '">'
           '<x14:conditionalFormattings><x14:conditionalFormatting xmlns:xm="' + NS_XM + '">'
           '<x14:cfRule type="dataBar" id="{00000000-0000-0000-0000-000000000001}"><x14:dataBar '
           'minLength="0" maxLength="100"><x14:cfvo type="autoMin"/><x14:cfvo type="autoMax"/>'
           "</x14:dataBar></x14:cfRule><xm:sqref>A1:A3</xm:sqref></x14:conditionalFormatting>"
           "</x14:conditionalFormattings><x14:sheetData><x14:row r=\"9\"><x14:c r=\"A9\"><x14:v>9</x14:v>"
           '</x14:c></x14:row></x14:sheetData><x14:mergeCells><x14:mergeCell ref="A1:Z99"/>'
           "</x14:mergeCells><extLst><ext><x14:c/></ext></extLst></ext></extLst>")
    rows = (row(1, '<c r="A1"><v>1</v></c>')
            + row(2, '<c r="A2"><v>2</v><extLst><ext><x14:v xmlns:x14="' + NS_X14 + '">99</x14:v></ext></extLst></c>')
            + '<extLst><ext uri="{x}"><row r="5"><c r="A5"><v>5</v></c></row></ext></extLst>'
            + row(3, '<c r="A3"><v>3</v></c>'))
    styles = (DECL + '<styleSheet xmlns="' + NS_MAIN + '"><cellXfs count="1"><xf numFmtId="0"/></cellXfs>'
              '<extLst><ext uri="{EB79DEF2-80B8-43e5-95BD-54CBDDF9020C}" xmlns:x14="' + NS_X14 + '">'
              '<x14:slicerStyles defaultSlicerStyle="SlicerStyleLight1"/><x14:cellXfs><x14:xf numFmtId="14"/>'
              "</x14:cellXfs></ext></extLst></styleSheet>")
    return package([worksheet(rows, after=ext)], styles=styles, wb=wb)


@seed("no-root-rels")
def s_no_root_rels():
    # no _rels/.rels: the workbook is found through [Content_Types].xml
    ct = (DECL + '<Types xmlns="' + NS_CT + '"><Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/book.xml" ContentType="' + CT_BASE + 'sheet.main+xml"/></Types>')
    entries = [
        ("[Content_Types].xml", ct),
        ("xl/book.xml", workbook([("Sheet1", "rId1")])),
        ("xl/_rels/book.xml.rels", rels([("rId1", "worksheet", "worksheets/sheet1.xml")])),
        ("xl/worksheets/sheet1.xml", worksheet(row(1, '<c r="A1"><v>1</v></c>'))),
    ]
    return zip_bytes(entries)


@seed("broken-root-rels")
def s_broken_root_rels():
    # a _rels/.rels holding plain text (seen in the wild): the usual name still works
    entries = [
        ("[Content_Types].xml", "not xml either"),
        ("_rels/.rels", "this is not XML\n"),
        ("xl/workbook.xml", workbook([("Sheet1", "rId1")])),
        ("xl/_rels/workbook.xml.rels", rels([("rId1", "worksheet", "worksheets/sheet1.xml")])),
        ("xl/worksheets/sheet1.xml", worksheet(row(1, '<c r="A1"><v>1</v></c>'))),
    ]
    return zip_bytes(entries)


@seed("many-sheets")
def s_many_sheets():
    sheets = [worksheet(row(1, '<c r="A1"><v>%d</v></c>' % k)
                        + ("" if k % 2 else row(2, '<c r="B2" t="inlineStr"><is><t>s%d</t></is></c>' % k)),
                        after='<mergeCells><mergeCell ref="A%d:B%d"/></mergeCells>' % (k + 1, k + 2))
              for k in range(6)]
    return package(sheets)


@seed("xlsb-target")
def s_xlsb():
    entries = [
        ("[Content_Types].xml", content_types()),
        ("_rels/.rels", rels([("rId1", "officeDocument", "xl/workbook.bin")])),
        ("xl/workbook.bin", b"\x83\x01\x00"),
    ]
    return zip_bytes(entries)


# Limit paths (under the fuzzer's limits: 64 MiB inflated, ratio 200 past 1 MiB, 64 KiB
# text, 256 sheets). Deflated: libFuzzer cannot write such deflate streams itself.

@seed("limit-shared-part")
def s_limit_shared_part():
    # 70 sheets share one part of just under 1 MiB: the workbook inflates past 64 MiB
    n = 70
    body = worksheet("")
    pad = (1 << 20) - len(body) - 16
    sheet = worksheet(" " * pad)
    wb = workbook([("S%d" % k, "rId%d" % k) for k in range(1, n + 1)])
    wbrels = rels([("rId%d" % k, "worksheet", "worksheets/sheet1.xml") for k in range(1, n + 1)])
    entries = [
        ("[Content_Types].xml", content_types()),
        ("_rels/.rels", rels([("rId1", "officeDocument", "xl/workbook.xml")])),
        ("xl/workbook.xml", wb),
        ("xl/_rels/workbook.xml.rels", wbrels),
        ("xl/worksheets/sheet1.xml", sheet),
    ]
    return zip_bytes(entries, DEFLATED)


@seed("limit-ratio")
def s_limit_ratio():
    rows = row(1, '<c r="A1"><v>1</v></c>') + " " * (2 << 20) + row(2, '<c r="A2"><v>2</v></c>')
    return package([worksheet(rows)], compress=DEFLATED)


@seed("limit-sheets")
def s_limit_sheets():
    wb = workbook([("S%d" % k, "rId1") for k in range(257)])
    return package([worksheet(row(1, '<c r="A1"><v>1</v></c>'))], wb=wb, compress=DEFLATED)


@seed("limit-cell-text")
def s_limit_cell_text():
    rows = (row(1, '<c r="A1" t="inlineStr"><is><t>%s</t></is></c>' % ("x" * 65535))
            + row(2, '<c r="A2" t="str"><f>%s</f><v>%s</v></c>' % ("1" * 65536, "y" * 65536))
            + row(3, '<c r="A3" t="inlineStr"><is><t>%s</t></is></c>' % ("z" * 65537)))
    return package([worksheet(rows)], compress=DEFLATED)


@seed("limit-sst-text")
def s_limit_sst_text():
    return package([worksheet(row(1, '<c r="A1" t="s"><v>0</v></c>'))],
                   strings=sst(["<t>%s</t>" % ("s" * 65536), "<t>%s</t>" % ("t" * 65537)]),
                   compress=DEFLATED)


@seed("limit-depth")
def s_limit_depth():
    # 64 levels are allowed, 65 are not: the sheet is fine, styles.xml nests one too deep
    deep = "<a>" * 60 + "</a>" * 60
    ok = worksheet(row(1, '<c r="A1"><v>1</v></c>') + deep)
    styles = DECL + '<styleSheet xmlns="' + NS_MAIN + '">' + "<b>" * 64 + "</b>" * 64 + "</styleSheet>"
    return package([ok], styles=styles, compress=DEFLATED)


@seed("row-overflow")
def s_row_overflow():
    rows = row(1048575, '<c><v>1</v></c>') + row(0, "<c><v>2</v></c>") + row(0, "<c><v>3</v></c>")
    return package([worksheet(rows)])


@seed("col-overflow")
def s_col_overflow():
    rows = row(1, '<c r="XFC1"><v>1</v></c><c><v>2</v></c><c><v>3</v></c>')
    return package([worksheet(rows)])


# ------------------------------------------------------- .xls and .ods seeds


def make_hostile_module():
    path = os.path.join(HERE, "..", "hostile", "make-hostile.py")
    spec = importlib.util.spec_from_file_location("make_hostile", path)
    mh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mh)
    return mh


def xls_cells():
    """BIFF8 records of a sheet with every kind of cell the reader knows."""
    mh = make_hostile_module()
    b = mh.biff
    return [
        mh.xls_cell_sst(0, 0, 0), mh.xls_number(1, 0, 412.5),
        b(0x027E, struct.pack("<HHHI", 1, 1, 15, (9816 << 2) | 3)),
        b(0x00BD, struct.pack("<HHHIHIH", 2, 0, 15, (7 << 2) | 2, 15, (12 << 2) | 2, 1)),
        b(0x0204, struct.pack("<HHH", 3, 0, 15) + mh.ustr("Tổng")),
        b(0x0205, struct.pack("<HHHBB", 4, 0, 15, 1, 0)),
        b(0x0205, struct.pack("<HHHBB", 4, 1, 15, 7, 1)),
        b(0x0006, struct.pack("<HHHdHIH", 5, 0, 15, 98.25, 0, 0, 0)),
        b(0x0006, struct.pack("<HHH", 5, 1, 15) + b"\0\0\0\0\0\0\xff\xff" + struct.pack("<HIH", 0, 0, 0)),
        b(0x0207, mh.ustr("kết quả")),
        b(0x00E5, struct.pack("<HHHHH", 1, 7, 8, 0, 2)),
    ]


@seed("cells.xls")
def s_xls_cells():
    mh = make_hostile_module()
    return mh.cfb([("Workbook", mh.xls_book(xls_cells(), ["Biểu mẫu 1"]))])


@seed("bare-biff8.xls")
def s_xls_bare():
    mh = make_hostile_module()
    return mh.xls_book(xls_cells(), ["Biểu mẫu 1"])


ODS_ROWS = (
    '<table:table-row table:number-rows-repeated="2">'
    '<table:table-cell table:number-columns-repeated="2"/>'
    '<table:table-cell table:number-columns-repeated="3" office:value-type="float" office:value="7"/></table:table-row>'
    '<table:table-row><table:table-cell table:number-columns-spanned="2" office:value-type="string">'
    '<text:p>a<text:s text:c="3"/>b<text:tab/>c<text:line-break/>d</text:p><text:p>e</text:p></table:table-cell>'
    '<table:covered-table-cell/>'
    '<table:table-cell office:value-type="percentage" office:value="0.8816"/>'
    '<table:table-cell office:value-type="date" office:date-value="2023-09-12T06:00:00"/>'
    '<table:table-cell office:value-type="time" office:time-value="PT12H30M"/>'
    '<table:table-cell office:value-type="boolean" office:boolean-value="true"/>'
    '<table:table-cell table:formula="of:=1/0" office:value-type="float" office:value="0" calcext:value-type="error"><text:p>#DIV/0!</text:p></table:table-cell>'
    "</table:table-row>"
)


def ods_cells_content():
    return make_hostile_module().ods_content(ODS_ROWS).replace(
        b"<office:document-content ",
        b'<office:document-content xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" ')


@seed("cells.ods")
def s_ods_cells():
    return zip_bytes([
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
        ("content.xml", ods_cells_content()),
    ], STORED)


@seed("no-mimetype.ods")
def s_ods_no_mimetype():
    return zip_bytes([("content.xml", ods_cells_content())], STORED)


# ----------------------------------------------------------- hostile inputs


def hostile(tmp):
    """(name, bytes) of the hostile cases under MAX_SIZE, built by make-hostile.py."""
    path = os.path.join(HERE, "..", "hostile", "make-hostile.py")
    spec = importlib.util.spec_from_file_location("make_hostile", path)
    mh = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mh)
    out = []
    for name, _, build in mh.CASES:
        if build in (mh.case_zip_bomb, mh.case_ods_zip_bomb):
            continue  # ~300 KB on disk, 300 MB inflated: never in the corpus
        p = os.path.join(tmp, "case")
        build(p)
        if os.path.isfile(p):
            with open(p, "rb") as f:
                data = f.read()
            if len(data) < MAX_SIZE:
                out.append(("hostile-" + re.sub(r"[^A-Za-z0-9._-]+", "", name).lstrip("-."), data))
        if os.path.isdir(p):
            os.rmdir(p)
        elif os.path.exists(p):
            os.remove(p)
    return out


def main(argv):
    if len(argv) > 2:
        sys.stderr.write("usage: make-seeds.py [DIR]\n")
        return 2
    out = argv[1] if len(argv) == 2 else os.path.join(HERE, "corpus")
    os.makedirs(out, exist_ok=True)
    files = [("seed-%s" % (name if "." in name else name + ".xlsx"), fn()) for name, fn in SEEDS.items()]
    with tempfile.TemporaryDirectory() as tmp:
        files += hostile(tmp)
    names = {n for n, _ in files}
    for old in os.listdir(out):
        if (old.startswith("seed-") or old.startswith("hostile-")) and old not in names:
            os.remove(os.path.join(out, old))
    total = 0
    for name, data in files:
        if len(data) >= MAX_SIZE:
            sys.stderr.write("make-seeds.py: %s is %d bytes (limit %d)\n" % (name, len(data), MAX_SIZE))
            return 1
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        total += len(data)
    print("%d files, %d bytes in %s" % (len(files), total, out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
