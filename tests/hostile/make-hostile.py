#!/usr/bin/python3
"""Generate hostile .xlsx inputs for `tonghop dump` into DIR.

Usage: make-hostile.py DIR

One file (or directory) per case; cases.tsv next to this script lists the
case names and the phrase the error line must contain, and must match the
CASES table below exactly (checked at start-up).  Output is deterministic:
fixed zip timestamps/attributes and no randomness.  Stdlib only.
"""

import hashlib
import io
import os
import struct
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_BASE = "application/vnd.openxmlformats-officedocument.spreadsheetml."
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# ---------------------------------------------------------------- zip helpers

ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def zinfo(name, compress=zipfile.ZIP_DEFLATED):
    """ZipInfo with fixed metadata so archives are byte-for-byte reproducible."""
    zi = zipfile.ZipInfo(name, date_time=ZIP_TIME)
    zi.compress_type = compress
    zi.create_system = 3  # Unix
    zi.external_attr = 0o644 << 16
    if compress == zipfile.ZIP_DEFLATED:
        zi._compresslevel = 9  # also a settable alias on Python >= 3.13
    return zi


def zip_bytes(entries):
    """entries: list of (name, bytes[, compress_type]) -> zip archive bytes."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data, *ct in entries:
            zf.writestr(zinfo(name, *ct), data)
    return buf.getvalue()


# ------------------------------------------------------- valid base package

CONTENT_TYPES = (
    XML_DECL
    + '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="' + CT_BASE + 'sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="' + CT_BASE + 'worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="' + CT_BASE + 'sharedStrings+xml"/>'
    "</Types>"
).encode()

ROOT_RELS = (
    XML_DECL + '<Relationships xmlns="' + NS_PKG_REL + '">'
    '<Relationship Id="rId1" Type="' + NS_REL + '/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
).encode()

WORKBOOK = (
    XML_DECL + '<workbook xmlns="' + NS_MAIN + '" xmlns:r="' + NS_REL + '">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets>'
    "</workbook>"
).encode()

WORKBOOK_RELS = (
    XML_DECL + '<Relationships xmlns="' + NS_PKG_REL + '">'
    '<Relationship Id="rId1" Type="' + NS_REL + '/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="' + NS_REL + '/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
).encode()

SHARED_STRINGS = (
    XML_DECL + '<sst xmlns="' + NS_MAIN + '" count="2" uniqueCount="2">'
    "<si><t>Xin chào</t></si><si><t>Tổng cộng</t></si>"
    "</sst>"
).encode()

SHEET_OPEN = '<worksheet xmlns="' + NS_MAIN + '"><sheetData>'
SHEET_CLOSE = "</sheetData></worksheet>"

# Rows of the valid base sheet: two shared strings, two numbers.
BASE_ROWS = (
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    '<row r="2"><c r="A2"><v>3.5</v></c><c r="B2"><v>42</v></c></row>'
)


def sheet_xml(rows=BASE_ROWS, prolog=XML_DECL):
    return (prolog + SHEET_OPEN + rows + SHEET_CLOSE).encode()


SHEET_NAME = "xl/worksheets/sheet1.xml"


def package_entries(sheet):
    """Entries of the minimal valid workbook with the given sheet1.xml bytes."""
    return [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", ROOT_RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        (SHEET_NAME, sheet),
        ("xl/sharedStrings.xml", SHARED_STRINGS),
    ]


def package(sheet=None):
    return zip_bytes(package_entries(sheet_xml() if sheet is None else sheet))


# ------------------------------------------------------------- CFB (OLE2)

SECTOR = 512
MINI = 64
MINI_CUTOFF = 4096
FREESECT, ENDOFCHAIN, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _sectors(n, size=SECTOR):
    return (n + size - 1) // size


def _dir_entry(name, typ, color, left, right, child, start, size):
    raw = name.encode("utf-16-le") + b"\0\0" if name else b""
    assert len(raw) <= 64
    return struct.pack(
        "<64sHBBIII16sIQQIQ",
        raw, len(raw), typ, color, left, right, child,
        b"\0" * 16, 0, 0, 0, start, size,
    )


def cfb(streams):
    """Version-3 compound file: a root storage holding the given streams.

    streams: list of (name, bytes).  Streams under 4096 bytes go to the mini
    stream (as CFB requires), larger ones to regular sectors.  Siblings form
    a valid red-black tree ordered by (name length, upper-cased name).
    """
    n = len(streams)
    # Sibling tree: balanced BST; nodes on the deepest level red, rest black.
    order = sorted(range(n), key=lambda i: (len(streams[i][0]), streams[i][0].upper()))
    links = {}  # stream index -> [left, right, depth]

    def build(lo, hi, depth):
        if lo >= hi:
            return NOSTREAM
        mid = (lo + hi) // 2
        i = order[mid]
        links[i] = [build(lo, mid, depth + 1), build(mid + 1, hi, depth + 1), depth]
        return i + 1  # directory id (0 is the root entry)

    top = build(0, n, 0)
    maxdepth = max((v[2] for v in links.values()), default=0)

    # Mini stream and regular-sector streams.
    mini_data, mini_start, big = b"", {}, []
    for i, (_, data) in enumerate(streams):
        if len(data) < MINI_CUTOFF:
            mini_start[i] = len(mini_data) // MINI
            mini_data += data + b"\0" * (-len(data) % MINI)
        else:
            big.append(i)
    n_mini = len(mini_data) // MINI

    dir_secs = _sectors((n + 1) * 128)
    minifat_secs = _sectors(n_mini * 4)
    ministream_secs = _sectors(len(mini_data))
    big_secs = [_sectors(len(streams[i][1])) for i in big]
    body = dir_secs + minifat_secs + ministream_secs + sum(big_secs)
    fat_secs = 1
    while fat_secs * (SECTOR // 4) < fat_secs + body:
        fat_secs += 1
    assert fat_secs <= 109

    fat = [FATSECT] * fat_secs
    regions = []  # (first sector, count) in file order

    def alloc(count):
        first = len(fat)
        for k in range(count):
            fat.append(first + k + 1 if k < count - 1 else ENDOFCHAIN)
        regions.append(count)
        return first if count else ENDOFCHAIN

    dir_first = alloc(dir_secs)
    minifat_first = alloc(minifat_secs)
    ministream_first = alloc(ministream_secs)
    big_first = {i: alloc(c) for i, c in zip(big, big_secs)}
    fat += [FREESECT] * (fat_secs * (SECTOR // 4) - len(fat))

    # Mini FAT: one chain per small stream.
    minifat = []
    for i, (_, data) in enumerate(streams):
        if i in mini_start:
            c = _sectors(len(data), MINI)
            first = mini_start[i]
            minifat += [first + k + 1 if k < c - 1 else ENDOFCHAIN for k in range(c)]
    minifat += [FREESECT] * (minifat_secs * (SECTOR // 4) - len(minifat))

    # Directory: root (id 0), then streams in the order given.
    d = _dir_entry("Root Entry", 5, 1, NOSTREAM, NOSTREAM, top,
                   ministream_first if n_mini else ENDOFCHAIN, len(mini_data))
    for i, (name, data) in enumerate(streams):
        left, right, depth = links[i]
        color = 0 if depth == maxdepth and maxdepth > 0 else 1
        start = mini_start[i] if i in mini_start else big_first[i]
        d += _dir_entry(name, 2, color, left, right, NOSTREAM, start, len(data))
    while len(d) < dir_secs * SECTOR:  # unused entries
        d += _dir_entry("", 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, 0, 0)

    difat = list(range(fat_secs)) + [FREESECT] * (109 - fat_secs)
    header = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII109I",
        bytes.fromhex("D0CF11E0A1B11AE1"), b"\0" * 16,
        0x003E, 0x0003, 0xFFFE, 9, 6, b"\0" * 6,
        0, fat_secs, dir_first, 0, MINI_CUTOFF,
        minifat_first if n_mini else ENDOFCHAIN, minifat_secs,
        ENDOFCHAIN, 0, *difat,
    )
    assert len(header) == SECTOR

    def pad(b):
        return b + b"\0" * (-len(b) % SECTOR)

    out = header + struct.pack("<%dI" % len(fat), *fat) + d
    out += pad(struct.pack("<%dI" % len(minifat), *minifat)) if minifat else b""
    out += pad(mini_data)
    for i in big:
        out += pad(streams[i][1])
    assert len(out) == SECTOR * (1 + len(fat) // (SECTOR // 4) + body)
    return out


def prng(seed, n):
    """Deterministic pseudo-random bytes (SHA-256 in counter mode)."""
    out, k = b"", 0
    while len(out) < n:
        out += hashlib.sha256(b"%s:%d" % (seed, k)).digest()
        k += 1
    return out[:n]


def b64(seed, n):
    import base64
    return base64.b64encode(prng(seed, n)).decode()


# ----------------------------------------------------------------- cases


def case_not_a_zip(path):
    write(path, b"hello, this is not a workbook\n")


def case_truncated(path):
    data = package()
    write(path, data[: len(data) * 6 // 10])


def case_encrypted(path):
    # Agile-encryption EncryptionInfo: version 4.4, flags 0x40, then XML.
    kd = ('saltSize="16" blockSize="16" keyBits="256" hashSize="64" '
          'cipherAlgorithm="AES" cipherChaining="ChainingModeCBC" hashAlgorithm="SHA512"')
    xml = (
        XML_DECL.replace("\n", "\r\n")
        + '<encryption xmlns="http://schemas.microsoft.com/office/2006/encryption" '
        'xmlns:p="http://schemas.microsoft.com/office/2006/keyEncryptor/password">'
        '<keyData ' + kd + ' saltValue="' + b64(b"kd", 16) + '"/>'
        '<dataIntegrity encryptedHmacKey="' + b64(b"hk", 64) + '" '
        'encryptedHmacValue="' + b64(b"hv", 64) + '"/>'
        '<keyEncryptors><keyEncryptor uri="http://schemas.microsoft.com/office/2006/keyEncryptor/password">'
        '<p:encryptedKey spinCount="100000" ' + kd + ' saltValue="' + b64(b"ks", 16) + '" '
        'encryptedVerifierHashInput="' + b64(b"vi", 16) + '" '
        'encryptedVerifierHashValue="' + b64(b"vv", 64) + '" '
        'encryptedKeyValue="' + b64(b"kv", 32) + '"/>'
        "</keyEncryptor></keyEncryptors></encryption>"
    ).encode()
    info = struct.pack("<HHI", 4, 4, 0x40) + xml
    # EncryptedPackage: u64 plaintext size, then AES blocks (opaque here).
    pkg = struct.pack("<Q", 3000) + prng(b"pkg", 4096)
    write(path, cfb([("EncryptionInfo", info), ("EncryptedPackage", pkg)]))


def biff(rtype, payload=b""):
    return struct.pack("<HH", rtype, len(payload)) + payload


# ------------------------------------------------------------ .xls (BIFF8)


def ustr(text, count_bytes=2):
    """BIFF8 XLUnicodeString: character count, option byte, UTF-16LE characters."""
    return struct.pack("<H" if count_bytes == 2 else "<B", len(text)) + b"\x01" + text.encode("utf-16-le")


def xls_book(sheet_records, strings=(), globals_extra=b"", name="Sheet1"):
    """A BIFF8 workbook stream: globals (with an SST of strings) and one worksheet."""
    bof_g = biff(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0x41, 0x06))
    bof_s = biff(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0x41, 0x06))
    sst = biff(0x00FC, struct.pack("<II", len(strings), len(strings)) + b"".join(ustr(t) for t in strings))
    head = bof_g + biff(0x0042, struct.pack("<H", 1200)) + globals_extra
    sheet_name = struct.pack("<B", len(name)) + b"\x00" + name.encode("latin-1")
    tail = sst + biff(0x000A)
    boundsheet_len = len(biff(0x0085, b"\0" * (6 + len(sheet_name))))
    pos = len(head) + boundsheet_len + len(tail)
    bs = biff(0x0085, struct.pack("<IBB", pos, 0, 0) + sheet_name)
    return head + bs + tail + bof_s + b"".join(sheet_records) + biff(0x000A)


def xls_cell_sst(row, col, k):
    return biff(0x00FD, struct.pack("<HHHI", row, col, 15, k))


def xls_number(row, col, v):
    return biff(0x0203, struct.pack("<HHHd", row, col, 15, v))


def xls_base():
    """A valid .xls whose Workbook stream is past the mini-stream cutoff (regular sectors)."""
    rows = [xls_cell_sst(0, 0, 0), xls_cell_sst(0, 1, 1)]
    rows += [xls_number(r, c, r * 10 + c) for r in range(1, 120) for c in range(4)]
    return cfb([("Workbook", xls_book(rows, ["Xin chào", "Tổng cộng"]))])


def case_xls_truncated(path):
    data = xls_base()
    write(path, data[: len(data) * 6 // 10])


def case_xls_huge_declared(path):
    # The Workbook stream's directory entry claims 4 GiB.
    data = bytearray(xls_base())
    at = data.find("Workbook".encode("utf-16-le"))
    assert at > 0
    data[at + 120:at + 124] = struct.pack("<I", 0xFFFFFFF0)
    write(path, bytes(data))


def case_xls_fat_loop(path):
    # The Workbook stream's sector chain points back at itself.
    data = bytearray(xls_base())
    at = data.find("Workbook".encode("utf-16-le"))
    (start,) = struct.unpack_from("<I", data, at + 116)
    struct.pack_into("<I", data, SECTOR + 4 * start, start)  # FAT sector 0 starts at 512
    write(path, bytes(data))


def case_xls_encrypted(path):
    # FILEPASS (RC4 CryptoAPI header, opaque here) in the globals.
    fp = biff(0x002F, struct.pack("<HHH", 1, 4, 2) + prng(b"fp", 48))
    write(path, cfb([("Workbook", xls_book([xls_number(0, 0, 1)], globals_extra=fp))]))


def case_xls_sst_index(path):
    write(path, cfb([("Workbook", xls_book([xls_cell_sst(0, 0, 7)], ["một"]))]))


def case_xls_col_beyond(path):
    write(path, cfb([("Workbook", xls_book([xls_number(0, 20000, 1.5)]))]))


def case_xls_not_workbook(path):
    write(path, cfb([("WordDocument", prng(b"doc", 600))]))


def case_xls_biff4(path):
    # A bare BIFF4 worksheet stream (Excel 4.0): BOF 0x0409.
    write(path, biff(0x0409, struct.pack("<HHH", 0, 0x0010, 0)) + biff(0x0003, struct.pack("<HHBBBd", 0, 0, 0, 0, 0, 1.0)) + biff(0x000A))


# --------------------------------------------------------------- .ods

ODS_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"')


def ods_content(rows, prolog=XML_DECL):
    return (prolog + "<office:document-content " + ODS_NS + ' office:version="1.2">'
            "<office:body><office:spreadsheet>"
            '<table:table table:name="Sheet1">' + rows + "</table:table>"
            "</office:spreadsheet></office:body></office:document-content>").encode()


def ods(content, manifest_extra=""):
    manifest = (
        XML_DECL + '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml">' + manifest_extra +
        "</manifest:file-entry></manifest:manifest>"
    ).encode()
    return zip_bytes([
        ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED),
        ("content.xml", content),
        ("META-INF/manifest.xml", manifest),
    ])


def case_ods_zip_bomb(path):
    # ~300 MB of spaces inside a cell's paragraph, deflated to ~300 KB.
    head = ods_content("<table:table-row><table:table-cell><text:p>X").split(b"<text:p>X")[0] + b"<text:p>"
    tail = b"</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"
    zi = zinfo("content.xml")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr(zinfo("mimetype", zipfile.ZIP_STORED), b"application/vnd.oasis.opendocument.spreadsheet")
        with zf.open(zi, "w") as w:
            w.write(head)
            chunk = b" " * (1 << 20)
            for _ in range(BOMB_SPACES // len(chunk)):
                w.write(chunk)
            w.write(tail)
    write(path, buf.getvalue())


def case_ods_entity_bomb(path):
    prolog = (XML_DECL + '<!DOCTYPE office:document-content [<!ENTITY a "aaaaaaaaaa">'
              '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>\n')
    write(path, ods(ods_content("<table:table-row><table:table-cell><text:p>&c;</text:p>"
                                "</table:table-cell></table:table-row>", prolog)))


def case_ods_repeat_rows(path):
    # A row of four values repeated 1048576 times: 4 million cells from a few bytes.
    cell = '<table:table-cell office:value-type="float" office:value="1"/>'
    write(path, ods(ods_content('<table:table-row table:number-rows-repeated="1048576">'
                                + cell * 4 + "</table:table-row>")))


def case_ods_repeat_beyond(path):
    cell = '<table:table-cell table:number-columns-repeated="1000000000" office:value-type="string"><text:p>x</text:p></table:table-cell>'
    write(path, ods(ods_content("<table:table-row>" + cell + "</table:table-row>")))


def case_ods_deep(path):
    deep = "<text:span>" * 300 + "x" + "</text:span>" * 300
    write(path, ods(ods_content("<table:table-row><table:table-cell><text:p>" + deep +
                                "</text:p></table:table-cell></table:table-row>")))


def case_ods_spaces(path):
    # <text:s text:c="2000000000"/>: two billion spaces asked for in one cell.
    write(path, ods(ods_content('<table:table-row><table:table-cell><text:p>a<text:s text:c="2000000000"/>b'
                                "</text:p></table:table-cell></table:table-row>")))


def case_ods_encrypted(path):
    enc = ('<manifest:encryption-data manifest:checksum-type="SHA1/1K" manifest:checksum="AAAA">'
           '<manifest:algorithm manifest:algorithm-name="Blowfish CFB" manifest:initialisation-vector="AAAA"/>'
           '<manifest:key-derivation manifest:key-derivation-name="PBKDF2" manifest:iteration-count="1024" manifest:salt="AAAA"/>'
           "</manifest:encryption-data>")
    write(path, ods(prng(b"enc", 700), enc))


def case_lock(path):
    # Excel owner file: len byte, name padded to 53 with spaces, then the
    # name again as u16 length + UTF-16LE, zero-padded to 165 bytes.
    name = "Nguyen Van An"
    data = bytes([len(name)]) + name.encode().ljust(53, b" ")
    data += struct.pack("<H", len(name)) + name.encode("utf-16-le")
    write(path, data.ljust(165, b"\0"))


BOMB_SPACES = 300 * 1024 * 1024


def case_zip_bomb(path):
    # ~300 MB of spaces deflated to ~300 KB, streamed so memory stays small.
    # Not zip64: 300 MB fits the classic format, so only the ratio is odd.
    chunk = b" " * (1 << 20)
    with open(path, "wb") as f, zipfile.ZipFile(f, "w") as zf:
        for name, data in package_entries(None):
            if name != SHEET_NAME:
                zf.writestr(zinfo(name), data)
                continue
            with zf.open(zinfo(name), "w") as w:
                w.write((XML_DECL + SHEET_OPEN).encode())
                for _ in range(BOMB_SPACES // len(chunk)):
                    w.write(chunk)
                w.write(SHEET_CLOSE.encode())


def case_entity_bomb(path):
    ents = ['<!ENTITY lol "lol">']
    prev = "lol"
    for k in range(1, 10):
        ents.append('<!ENTITY lol%d "%s">' % (k, ("&%s;" % prev) * 10))
        prev = "lol%d" % k
    prolog = XML_DECL + "<!DOCTYPE worksheet [\n " + "\n ".join(ents) + "\n]>\n"
    rows = '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    write(path, package(sheet_xml(rows, prolog)))


def case_deep(path):
    write(path, package(sheet_xml("<x>" * 100000 + "</x>" * 100000)))


def case_sst_index(path):
    rows = BASE_ROWS + '<row r="7"><c r="B7" t="s"><v>5</v></c></row>'
    write(path, package(sheet_xml(rows)))


def case_cellref_col(path):
    # One past the last column (XFD) on an otherwise valid row 1.
    rows = BASE_ROWS.replace("</row>", '<c r="XFE1"><v>1</v></c></row>', 1)
    write(path, package(sheet_xml(rows)))


def case_cellref_row(path):
    # One past the last row; the row's r attribute says the same as Excel would.
    rows = BASE_ROWS + '<row r="1048577"><c r="A1048577"><v>1</v></c></row>'
    write(path, package(sheet_xml(rows)))


def case_empty(path):
    write(path, b"")


def case_directory(path):
    os.makedirs(path, exist_ok=True)


def case_no_workbook(path):
    write(path, zip_bytes([
        ("[Content_Types].xml", CONTENT_TYPES),
        ("hello.txt", b"hello\n"),
    ]))


def case_bad_xml(path):
    full = sheet_xml().decode()
    cut = full.index('<c r="B2"') + len('<c r="')  # inside the start tag
    write(path, package(full[:cut].encode()))


def case_huge_declared(path):
    # Patch the sheet's uncompressed size in local header and central dir.
    data = bytearray(package())
    huge = struct.pack("<I", 0xFFFFFFF0)
    eocd = data.rindex(b"PK\x05\x06")
    count, _, cd = struct.unpack_from("<HII", data, eocd + 10)
    patched = 0
    for _ in range(count):
        assert data[cd:cd + 4] == b"PK\x01\x02"
        nlen, xlen, clen = struct.unpack_from("<HHH", data, cd + 28)
        (lho,) = struct.unpack_from("<I", data, cd + 42)
        name = bytes(data[cd + 46:cd + 46 + nlen]).decode()
        if name == SHEET_NAME:
            assert data[lho:lho + 4] == b"PK\x03\x04"
            assert struct.unpack_from("<H", data, lho + 8)[0] == 8  # deflated
            data[cd + 24:cd + 28] = huge
            data[lho + 22:lho + 26] = huge
            patched += 1
        cd += 46 + nlen + xlen + clen
    assert patched == 1
    write(path, bytes(data))


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


# name -> (phrase, builder); must match cases.tsv line for line.
CASES = [
    ("not-a-zip.xlsx", "không phải tệp bảng tính .xlsx", case_not_a_zip),
    ("truncated.xlsx", "bị hỏng", case_truncated),
    ("encrypted.xlsx", "mật khẩu", case_encrypted),
    ("~$lock.xlsx", "tệp khoá tạm", case_lock),
    ("zip-bomb-ratio.xlsx", "nén", case_zip_bomb),
    ("xml-entity-bomb.xlsx", "DTD", case_entity_bomb),
    ("deep-nesting.xlsx", "lồng nhau quá sâu", case_deep),
    ("sst-index.xlsx", "chuỗi dùng chung", case_sst_index),
    ("cellref-col.xlsx", "XFD1048576", case_cellref_col),
    ("cellref-row.xlsx", "XFD1048576", case_cellref_row),
    ("empty.xlsx", "tệp rỗng", case_empty),
    ("a-directory.xlsx", "thư mục", case_directory),
    ("no-workbook.xlsx", "thiếu phần", case_no_workbook),
    ("bad-xml.xlsx", "XML", case_bad_xml),
    ("huge-declared-size.xlsx", "tonghop:", case_huge_declared),
    ("xls-truncated.xls", "bị hỏng", case_xls_truncated),
    ("xls-huge-declared.xls", "bị hỏng", case_xls_huge_declared),
    ("xls-fat-loop.xls", "bị hỏng", case_xls_fat_loop),
    ("xls-encrypted.xls", "mật khẩu", case_xls_encrypted),
    ("xls-sst-index.xls", "chuỗi dùng chung", case_xls_sst_index),
    ("xls-col-beyond.xls", "XFD1048576", case_xls_col_beyond),
    ("xls-not-workbook.xls", "không chứa bảng tính", case_xls_not_workbook),
    ("xls-biff4.xls", ".xls", case_xls_biff4),
    ("ods-zip-bomb.ods", "nén", case_ods_zip_bomb),
    ("ods-entity-bomb.ods", "DTD", case_ods_entity_bomb),
    ("ods-repeat-rows.ods", "quá lớn", case_ods_repeat_rows),
    ("ods-repeat-beyond.ods", "XFD1048576", case_ods_repeat_beyond),
    ("ods-deep.ods", "lồng nhau quá sâu", case_ods_deep),
    ("ods-spaces.ods", "dài quá", case_ods_spaces),
    ("ods-encrypted.ods", "mật khẩu", case_ods_encrypted),
]


def read_tsv():
    rows = []
    with open(os.path.join(HERE, "cases.tsv"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                name, phrase = line.split("\t")
                rows.append((name, phrase))
    return rows


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: make-hostile.py DIR\n")
        return 2
    want = [(n, p) for n, p, _ in CASES]
    have = read_tsv()
    if have != want:
        sys.stderr.write("make-hostile.py: cases.tsv and CASES disagree:\n"
                         "  tsv only: %r\n  CASES only: %r\n"
                         % (sorted(set(have) - set(want)), sorted(set(want) - set(have))))
        return 1
    out = argv[1]
    os.makedirs(out, exist_ok=True)
    for name, _, build in CASES:
        build(os.path.join(out, name))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
