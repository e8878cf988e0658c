#!/usr/bin/python3
"""
The portal under attack and faults (issue #14), against a real `tonghop serve` on
127.0.0.1 (the sanitizer build under make test): each check prints PASS or FAIL and the
run ends with "N passed, N failed".
  attack: another unit's return, feedback and versions by id, office routes as a commune;
          script and formula payloads in cell text, sheet names, file names, unit names and
          reasons, on every page and in every downloaded workbook and CSV; writes without
          the CSRF token or from another origin; session fixation; sessions ended by logout,
          password change and a disabled account; password guessing throttled per account;
          oversized and endless bodies, slowloris headers, zip and entity bombs; TLS, and
          plain HTTP refused beyond loopback.
  faults: kill -9 at random moments during 100 uploads; a full disk during upload; kept
          files damaged or missing; online backup while uploads go on, and restore.
Usage: tests/harden/run.py TONGHOP [attack|faults]...
SPDX-License-Identifier: MIT
"""
import hashlib
import io
import json
import os
import random
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from portal import ROOT, Client, Server, free_port, users_add, with_zip_comment  # noqa: E402
import redteam  # noqa: E402

PASS = 0
FAIL = 0
DEMO = os.path.join(ROOT, "fixtures", "demo")
PERIOD = "2023-Q3"


def newpw(name):
    """A chosen password (never the name inside: the portal refuses that)."""
    return "Quy-ba-%s-2025" % hashlib.sha256(name.encode()).hexdigest()[:8]


def ok(cond, what, detail=""):
    global PASS, FAIL
    if cond:
        PASS += 1
        print("PASS " + what)
    else:
        FAIL += 1
        print("FAIL " + what + (": " + detail if detail else ""))
    sys.stdout.flush()
    return cond


def demo(unit):
    for f in sorted(os.listdir(DEMO)):
        if f.startswith(unit + "-"):
            with open(os.path.join(DEMO, f), "rb") as fh:
                return fh.read()
    raise SystemExit("no demo return for " + unit)


# ---- payloads ----

SHEET = "<img src=x onerror='alert(7)'>"          # a sheet name (31 characters at most)
CELL = '<script>alert("cell")</script>'
FORMULA_TEXT = '=HYPERLINK("http://evil.example/","x")'   # text that looks like a formula
AT_TEXT = "@SUM(1+1)*cmd|' /C calc'!A0"
FILE_NAME = "<img src=x onerror=alert('f')>=cmd|' calc'!A0.xlsx"
UNIT_NAME = "Xã <script>alert('u')</script> Đoàn Kết"
REASON = "<script>alert('r')</script> =HYPERLINK(\"http://evil.example/\",\"r\")"
RAW = ["<script>alert(", "<img src=x"]
MARKERS = ["evil.example", "cmd|", "alert(", "@SUM"]


def xss_return(path):
    """The demo return of 11263 with payloads in a form's sheet name and in cells (as text)."""
    import openpyxl
    wb = openpyxl.load_workbook(os.path.join(DEMO, "11263-doanket-v2.xlsx"))
    ws = wb["Biểu mẫu 1"]
    ws.title = SHEET
    ws["D6"] = CELL
    for ref, text in (("D8", FORMULA_TEXT), ("D9", AT_TEXT)):
        ws[ref] = "x"
        ws[ref].value = text
        ws[ref].data_type = "s"   # text, as a commune types it after an apostrophe
    wb.save(path)


def xss_roster(tmp):
    src = os.path.join(ROOT, "schemas", "roster-thanhmien.ini")
    out = os.path.join(tmp, "roster-xss.ini")
    text = open(src, encoding="utf-8").read()
    text = text.replace('name   = "Xã Đoàn Kết"', 'name   = "%s"' % UNIT_NAME, 1)
    open(out, "w", encoding="utf-8").write(text)
    return out


def page_safe(body, what):
    raw = [p for p in RAW if p in body]
    return ok(not raw, "%s: no payload as markup" % what, "raw %r" % raw)


def workbook_safe(data, what, expect_text=()):
    """Every XML part well-formed; no payload inside a formula; the payloads there as text."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        return ok(False, what + ": a workbook", data[:200].decode("utf-8", "replace"))
    bad, formulas, texts = [], [], []
    for n in z.namelist():
        if not (n.endswith(".xml") or n.endswith(".rels")):
            continue
        try:
            root = ET.fromstring(z.read(n))
        except ET.ParseError as ex:
            bad.append("%s: %s" % (n, ex))
            continue
        for el in root.iter():
            tag = el.tag.rsplit("}", 1)[-1]
            if tag == "f" and el.text:
                formulas.append(el.text)
            elif tag == "t" and el.text:
                texts.append(el.text)
    ok(not bad, what + ": every part well-formed XML", "; ".join(bad))
    inj = [f for f in formulas if any(m in f for m in MARKERS)]
    ok(not inj, what + ": no payload inside a formula", repr(inj[:3]))
    alltext = "\n".join(texts)
    for t in expect_text:
        ok(t in alltext, what + ": %r kept as text" % t[:30])


# ---- attack ----

def carrier_return(path):
    """The demo return of 11239 with a hidden sheet that says it is a consolidated workbook's
    metadata (merge/upward.h): a merge would take other units' figures from such a sheet."""
    import openpyxl
    wb = openpyxl.load_workbook(os.path.join(DEMO, "11239-thanhmien.xlsx"))
    ws = wb.create_sheet("meta")
    ws["A1"] = "tonghop-consolidated"
    ws.sheet_state = "hidden"
    wb.save(path)


def attack(T, tmp):
    data = os.path.join(tmp, "attack")
    ro = xss_roster(tmp)
    pw = {
        "11263": users_add(T, data, ["--unit", "11263"], ro),
        "11239": users_add(T, data, ["--unit", "11239"], ro),
        "vanphong": users_add(T, data, ["--office", "vanphong"]),
        "quantri": users_add(T, data, ["--admin", "quantri"]),
        "11242": users_add(T, data, ["--unit", "11242"], ro),
        "11245": users_add(T, data, ["--unit", "11245"], ro),
    }
    srv = Server(T, data, ["--roster", ro, "--period", PERIOD, "--max-upload", "2"])
    if not ok(srv.start(), "serve starts", srv.text()):
        return
    port = srv.port
    cl = {}
    for name in ("11263", "11239", "vanphong", "quantri"):
        c = Client(port)
        r = c.login(name, pw[name], newpw(name))
        ok(r.status == 303 and c.cookie and c.csrf, "%s logs in (one-time password replaced)" % name,
           "%s" % r.status)
        cl[name] = c
    A, B, O, AD = cl["11263"], cl["11239"], cl["vanphong"], cl["quantri"]

    # the payload return, sent by A with a payload file name
    xp = os.path.join(tmp, "xss.xlsx")
    xss_return(xp)
    r = A.upload(PERIOD, open(xp, "rb").read(), FILE_NAME)
    ok(r.status == 201, "A submits the payload return", "%d %s" % (r.status, r.text()[:300]))
    a_id = json.loads(r.body)["id"] if r.status == 201 else 0
    r = B.upload(PERIOD, demo("11239"))
    b_id = json.loads(r.body)["id"] if r.status == 201 else 0
    ok(r.status == 201, "B submits its return")
    r = O.post_form("/bao-cao/%d/xem-xet" % a_id, {"decision": "return", "reason": REASON})
    ok(r.status == 303, "the office returns A's return with a payload reason", "%d" % r.status)
    r = A.upload(PERIOD, with_zip_comment(open(xp, "rb").read(), "v2"), FILE_NAME)
    a2 = json.loads(r.body)["id"] if r.status == 201 else 0

    # IDOR: B asks for A's return, its feedback, its file, its versions; by page and API
    for path in ("/bao-cao/%d", "/bao-cao/%d/phan-hoi", "/bao-cao/%d/tep", "/api/v1/returns/%d",
                 "/api/v1/returns/%d/feedback"):
        for rid in (a_id, a2):
            r = B.get(path % rid)
            ok(r.status == 403, "another unit's %s → 403" % (path % rid), "%d" % r.status)
            ok(CELL not in r.text() and "11263" not in r.text().replace("%d" % rid, ""),
               "the 403 for %s says nothing of the return" % (path % rid))
    r = A.get("/bao-cao/%d" % a_id)
    ok(r.status == 200, "A sees its own return (the same route allows its owner)")
    r = B.get("/bao-cao/999999")
    ok(r.status == 403, "to a commune, a return that does not exist is 403 too (ids cannot be probed)",
       "%d" % r.status)
    r = O.get("/bao-cao/999999")
    ok(r.status == 404, "to the office, a return that does not exist → 404", "%d" % r.status)
    r = B.upload(PERIOD, demo("11263"))
    ok(r.status == 422, "B cannot submit A's return as its own (422)", "%d" % r.status)
    cp = os.path.join(tmp, "carrier.xlsx")
    carrier_return(cp)
    r = B.upload(PERIOD, open(cp, "rb").read(), "carrier.xlsx")
    said = json.dumps(json.loads(r.body), ensure_ascii=False) if r.status == 422 else r.text()
    ok(r.status == 422 and "trang dữ liệu của sổ tổng hợp" in said,
       "B's own return carrying a consolidated workbook's metadata (other units' figures) → 422",
       "%d %s" % (r.status, said[:300]))
    r = B.post_form("/bao-cao/%d/xem-xet" % b_id, {"decision": "accept", "reason": ""})
    ok(r.status == 403, "a commune cannot review, not even its own return (403)", "%d" % r.status)
    for path in ("/van-phong", "/van-phong/ky/%s" % PERIOD, "/van-phong/ky/%s/tong-hop" % PERIOD,
                 "/van-phong/nhat-ky", "/van-phong/nhat-ky.csv", "/quan-tri", "/api/v1/periods/%s" % PERIOD,
                 "/api/v1/periods/%s/workbook" % PERIOD):
        r = B.get(path)
        ok(r.status == 403, "office route %s as a commune → 403" % path, "%d" % r.status)
    r = B.post_form("/quan-tri/ky", {"period": "2024-Q1", "open": "1"})
    ok(r.status == 403, "admin write as a commune → 403")
    r = O.get("/quan-tri")
    ok(r.status == 403, "admin page as the office → 403")

    # XSS: every page that shows the payloads shows them as text
    pages = [(A, "/xa"), (A, "/bao-cao/%d" % a_id), (A, "/bao-cao/%d" % a2), (O, "/bao-cao/%d" % a_id),
             (O, "/bao-cao/%d" % a2), (O, "/van-phong/ky/%s" % PERIOD), (O, "/van-phong/ky/%s?loc=bi-tra-lai" % PERIOD),
             (O, "/van-phong/nhat-ky"), (O, "/van-phong"), (AD, "/quan-tri"), (A, "/mat-khau")]
    seen = ""
    for c, path in pages:
        r = c.get(path)
        ok(r.status == 200 and "text/html" in (r.header("Content-Type") or ""), "page %s served" % path,
           "%d" % r.status)
        page_safe(r.text(), "page %s" % path)
        seen += r.text()
        csp = r.header("Content-Security-Policy") or ""
        ok("script-src" in csp and "unsafe-inline" not in csp, "page %s: CSP without inline script" % path, csp)
    for what, esc in (("the sheet name", "&lt;img src=x onerror=&#39;alert(7)&#39;&gt;"),
                      ("the cell text", "&lt;script&gt;alert(&quot;cell&quot;)&lt;/script&gt;"),
                      ("the file name", "&lt;img src=x onerror=alert(&#39;f&#39;)&gt;"),
                      ("the unit name", "&lt;script&gt;alert(&#39;u&#39;)&lt;/script&gt;"),
                      ("the reason", "&lt;script&gt;alert(&#39;r&#39;)&lt;/script&gt;")):
        ok(esc in seen, "%s is shown, escaped" % what, esc)
    r = O.get("/api/v1/returns/%d" % a_id)
    ok(r.status == 200 and "application/json" in r.header("Content-Type")
       and r.header("X-Content-Type-Options") == "nosniff", "the API's JSON is JSON, nosniff")
    js = json.loads(r.body)
    ok(js.get("reason", "").startswith("<script>"), "the API gives the reason as data (the client escapes)")

    # the downloaded workbooks and the CSV
    r = A.get("/bao-cao/%d/phan-hoi" % a_id)
    ok(r.status == 200, "A downloads its feedback")
    workbook_safe(r.body, "feedback workbook", [CELL, FORMULA_TEXT, AT_TEXT])
    r = O.get("/van-phong/ky/%s/tong-hop?co-so=moi-nhat" % PERIOD)
    ok(r.status == 200, "the office downloads the consolidated workbook (latest)", "%d %s" % (r.status, r.text()[:200]))
    workbook_safe(r.body, "consolidated workbook", [FILE_NAME, UNIT_NAME])
    r = O.get("/van-phong/nhat-ky.csv")
    rows = r.text().splitlines()
    bad = [ln for ln in rows if re.search(r'(^|,)"[=+\-@]', ln)]
    ok(r.status == 200 and not bad, "audit CSV: no field starts with = + - @", repr(bad[:2]))

    csrf_and_sessions(T, srv, pw, cl, a_id, b_id)
    throttle(port, pw)
    redteam.attacks(ok, T, srv, data, pw, cl, demo, newpw)
    bodies(srv, A, O)
    bombs(srv, O, tmp)
    rc = srv.stop()
    ok(rc == 0, "the server stops cleanly after the attacks (no sanitizer report)", "exit %s" % rc)
    ok("runtime error" not in srv.all_text() and "AddressSanitizer" not in srv.all_text(),
       "no sanitizer report in the log")
    slowloris(T, tmp)
    tls(T, tmp)
    redteam.bad_store(ok, T, tmp)


def csrf_and_sessions(T, srv, pw, cl, a_id, b_id):
    port = srv.port
    A, O, AD = cl["11263"], cl["vanphong"], cl["quantri"]
    r = O.post_form("/bao-cao/%d/xem-xet" % b_id, {"decision": "accept"}, csrf=False)
    ok(r.status == 403, "review POST without the CSRF token → 403", "%d" % r.status)
    r = O.post_form("/bao-cao/%d/xem-xet" % b_id, {"decision": "accept", "csrf": "0" * 32}, csrf=False)
    ok(r.status == 403, "review POST with a wrong CSRF token → 403")
    r = O.post_form("/bao-cao/%d/xem-xet" % b_id, {"decision": "accept"},
                    headers={"Origin": "http://evil.example"}, origin=False)
    ok(r.status == 403, "review POST from another origin (token right) → 403")
    r = O.get("/api/v1/returns/%d" % b_id)
    ok(json.loads(r.body)["state"] == "submitted", "nothing was reviewed by the refused POSTs")
    saved = A.csrf
    A.csrf = None
    r = A.upload(PERIOD, demo("11263"), api=True)
    ok(r.status == 403, "API upload by session without X-CSRF-Token → 403", "%d" % r.status)
    r = A.upload(PERIOD, demo("11263"), api=False)
    ok(r.status == 403, "page upload without the token → 403", "%d" % r.status)
    A.csrf = saved

    # session fixation: a token the attacker chose is never adopted
    planted = "ab" * 32
    c = Client(port)
    c.cookie = planted
    r = c.post_form("/dang-nhap", {"name": "11239", "password": newpw("11239")}, csrf=False)
    ok(r.status == 303 and c.cookie and c.cookie != planted, "login with a planted cookie gets a new token",
       "%s %s" % (r.status, c.cookie))
    x = Client(port)
    x.cookie = planted
    r = x.get("/xa")
    ok(r.status == 303 and "/dang-nhap" in (r.header("Location") or ""), "the planted token opens nothing")
    # the session cookie's attributes
    r2 = Client(port)
    rr = r2.post_form("/dang-nhap", {"name": "11239", "password": newpw("11239")}, csrf=False)
    sc = "; ".join(rr.cookies())
    ok("HttpOnly" in sc and "SameSite=Strict" in sc and "Max-Age=" in sc,
       "session cookie HttpOnly, SameSite=Strict, with expiry", sc)

    # a stolen session revoked by logout
    thief = Client(port)
    thief.cookie = c.cookie
    ok(thief.get("/xa").status == 200, "a copied session works before logout")
    c.take_csrf("/xa")
    r = c.post_form("/dang-xuat", {})
    ok(r.status == 303, "logout")
    r = thief.get("/xa")
    ok(r.status == 303, "the copied session is dead after logout", "%d" % r.status)
    r = thief.get("/api/v1/returns/%d" % b_id)
    ok(r.status == 401, "... on the API too (401)", "%d" % r.status)

    # revoked by a password change
    c1, c2 = Client(port), Client(port)
    c1.login("11239", newpw("11239"))
    c2.login("11239", newpw("11239"))
    r = c1.post_form("/mat-khau", {"current": newpw("11239"), "new": "Mat-khau-thu-ba-99", "again": "Mat-khau-thu-ba-99"})
    ok(c2.get("/xa").status == 303, "a password change ends the account's other sessions")
    # revoked by disabling the account
    c3 = Client(port)
    c3.login("11239", "Mat-khau-thu-ba-99")
    ok(c3.get("/xa").status == 200, "B logged in again")
    users = AD.get("/quan-tri").text()
    m = re.search(r'action="/quan-tri/tai-khoan/(\d+)/khoa"[^<]*<input[^>]*>(?:<input[^>]*>)*', users)
    ids = re.findall(r"/quan-tri/tai-khoan/(\d+)/khoa", users)
    uid = None
    for i in ids:
        row = users[users.find("/quan-tri/tai-khoan/%s/khoa" % i) - 600:users.find("/quan-tri/tai-khoan/%s/khoa" % i)]
        if "11239" in row:
            uid = i
    r = AD.post_form("/quan-tri/tai-khoan/%s/khoa" % uid, {"disabled": "1"}) if uid else None
    ok(r is not None and r.status == 303, "the administrator disables B", "%s" % (r.status if r else m))
    ok(c3.get("/xa").status == 303, "a disabled account's session is dead")
    r = Client(port).post_form("/dang-nhap", {"name": "11239", "password": "Mat-khau-thu-ba-99"}, csrf=False)
    ok(r.status == 401, "a disabled account cannot log in", "%d" % r.status)


def throttle(port, pw):
    # the account of 11242 guessed at from one address, then from another: still refused
    g1, g2 = Client(port), Client(port, source="127.0.0.2")
    codes = [g1.post_form("/dang-nhap", {"name": "11242", "password": "sai-%d" % i}, csrf=False).status
             for i in range(5)]
    ok(codes == [401] * 5, "five wrong passwords → 401 each", repr(codes))
    r = g2.post_form("/dang-nhap", {"name": "11242", "password": pw["11242"]}, csrf=False)
    ok(r.status == 429, "then the right password from another address → 429 (per account)", "%d" % r.status)
    ok("thử lại" in r.text() or "quá nhiều" in r.text(), "the refusal says so in Vietnamese", r.text()[:300])
    r = Client(port, source="127.0.0.3").request(
        "GET", "/api/v1/returns/1", headers={"Authorization": "Basic " + _b64("11242:" + pw["11242"])})
    ok(r.status == 429, "... by HTTP Basic on the API too", "%d" % r.status)
    # the same address is not blocked for another account (communes share gateways)
    c = Client(port)
    r = c.post_form("/dang-nhap", {"name": "11263", "password": newpw("11263")}, csrf=False)
    ok(r.status == 303, "another account logs in from the guesser's address", "%d" % r.status)


def _b64(s):
    import base64
    return base64.b64encode(s.encode()).decode()


def bodies(srv, A, O):
    """Oversized bodies: refused by their Content-Length before reading, or as they stream."""
    s = socket.create_connection(("127.0.0.1", srv.port))
    t0 = time.time()
    head = ("POST /api/v1/returns?period=%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nCookie: th_session=%s\r\n"
            "Origin: http://127.0.0.1:%d\r\nX-CSRF-Token: %s\r\nContent-Type: multipart/form-data; boundary=x\r\n"
            "Content-Length: %d\r\n\r\n" % (PERIOD, srv.port, A.cookie, srv.port, A.csrf, 3 * 1024 * 1024 * 1024))
    s.sendall(head.encode())
    s.settimeout(10)
    got = s.recv(4096).decode("utf-8", "replace")
    ok(got.startswith("HTTP/1.1 413"), "a declared 3 GB upload → 413 before any body is sent", got[:80])
    s.close()
    # chunked: no length declared; the count stops it
    s = socket.create_connection(("127.0.0.1", srv.port))
    head = ("POST /api/v1/returns?period=%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nCookie: th_session=%s\r\n"
            "Origin: http://127.0.0.1:%d\r\nX-CSRF-Token: %s\r\nContent-Type: multipart/form-data; boundary=x\r\n"
            "Transfer-Encoding: chunked\r\n\r\n" % (PERIOD, srv.port, A.cookie, srv.port, A.csrf))
    s.sendall(head.encode())
    part = b"--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.xlsx\"\r\n\r\n"
    s.sendall(b"%x\r\n" % len(part) + part + b"\r\n")
    chunk = b"PK\x03\x04" + b"\0" * 65532
    sent, got = 0, ""
    s.settimeout(0.01)
    while sent < 12 * 1024 * 1024:
        try:
            s.sendall(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
            sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            break
        try:
            got += s.recv(4096).decode("utf-8", "replace")
            if got:
                break
        except (socket.timeout, BlockingIOError):
            pass
    s.settimeout(10)
    try:
        s.sendall(b"0\r\n\r\n")
        got += s.recv(4096).decode("utf-8", "replace")
    except OSError:
        pass
    s.close()
    ok(got.startswith("HTTP/1.1 413"), "a chunked upload past the 2 MB cap → 413 (%d MB sent)" % (sent >> 20), got[:80])
    ok(not spools(srv.data), "nothing left in tmp/ after the refused bodies", repr(spools(srv.data)))
    r = O.get("/van-phong")
    ok(r.status == 200, "the server goes on (%.0f s for the oversized bodies)" % (time.time() - t0))
    # a huge header: libmicrohttpd's memory limit answers it
    r = O.get("/van-phong", headers={"X-Big": "a" * 300000})
    ok(r.status in (413, 431, 400), "a 300 KB header → refused (%d)" % r.status)
    O.close()


def zip_bomb():
    """An xlsx whose one sheet inflates to 1 GiB (zeros compress ~1000:1)."""
    base = zipfile.ZipFile(io.BytesIO(demo("11263")))
    out = io.BytesIO()
    z = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED)
    for n in base.namelist():
        if n == "xl/worksheets/sheet2.xml":
            zi = zipfile.ZipInfo(n)
            zi.compress_type = zipfile.ZIP_DEFLATED
            with z.open(zi, "w", force_zip64=True) as f:
                head = b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                f.write(head)
                block = b" " * (1 << 20)
                for _ in range(1024):
                    f.write(block)
                f.write(b"</sheetData></worksheet>")
        else:
            z.writestr(base.getinfo(n), base.read(n))
    z.close()
    return out.getvalue()


def entity_bomb():
    """An xlsx whose shared strings are a billion laughs."""
    base = zipfile.ZipFile(io.BytesIO(demo("11263")))
    lol = '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
        '<!ENTITY lol%d "%s">' % (i, ("&lol%d;" % (i - 1) if i else "&lol;") * 10) for i in range(10)) + \
        ']>\n<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>'
    out = io.BytesIO()
    z = zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED)
    for n in base.namelist():
        z.writestr(base.getinfo(n), lol if n == "xl/sharedStrings.xml" else base.read(n))
    if "xl/sharedStrings.xml" not in base.namelist():
        z.writestr("xl/sharedStrings.xml", lol)
    z.close()
    return out.getvalue()


def bombs(srv, O, tmp):
    for name, data in (("zip bomb (1 GiB inflated)", zip_bomb()), ("entity bomb (10^10 laughs)", entity_bomb())):
        before = srv.rss_peak_kb()
        r = O.upload(PERIOD, data, "bom.xlsx")
        after = srv.rss_peak_kb()
        msg = json.loads(r.body).get("message", "") if r.body[:1] == b"{" else r.text()[:200]
        ok(r.status == 422, "%s (%d KB) → 422 in %.1f s" % (name, len(data) >> 10, r.ms / 1000),
           "%d %s" % (r.status, msg))
        ok(re.search(r"[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđ]", msg) is not None,
           "%s: the refusal is Vietnamese (%s)" % (name, msg[:80]))
        ok(after - before < 300 * 1024, "%s: the server's peak memory grew %d MB (bound 300)" % (name, (after - before) >> 10))
        ok(O.get("/van-phong").status == 200, "%s: the server goes on" % name)


def slowloris(T, tmp):
    data = os.path.join(tmp, "slow")
    users_add(T, data, ["--office", "vanphong"])
    srv = Server(T, data, ["--period", PERIOD, "--timeout", "3"])
    if not ok(srv.start(), "serve --timeout 3 starts"):
        return
    socks = []
    for _ in range(40):   # from 127.0.0.2: the per-address limit would else shut the checker out too
        s = socket.socket()
        s.bind(("127.0.0.2", 0))
        s.connect(("127.0.0.1", srv.port))
        s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
        socks.append(s)
    t0 = time.time()
    closed_at = {}
    lat = []
    while time.time() - t0 < 9 and len(closed_at) < len(socks):
        for i, s in enumerate(socks):
            if i in closed_at:
                continue
            try:
                s.sendall(b"X-a: b\r\n")   # a header line a second: never idle, never done
            except OSError:
                closed_at[i] = time.time() - t0
        c = Client(srv.port)
        r = c.get("/dang-nhap")
        lat.append(r.ms)
        c.close()
        time.sleep(0.5)
    ok(len(closed_at) == len(socks), "40 slowloris connections all closed (%d)" % len(closed_at))
    ok(closed_at and max(closed_at.values()) < 7, "... within the 3 s header deadline (+ watch period), last at %.1f s"
       % (max(closed_at.values()) if closed_at else -1))
    ok(lat and max(lat) < 2000, "pages served meanwhile (slowest %.0f ms)" % (max(lat) if lat else -1))
    # beyond the per-address limit: refused at once
    many = []
    refused = 0
    for _ in range(80):
        s = socket.socket()
        s.bind(("127.0.0.4", 0))
        s.settimeout(2)
        try:
            s.connect(("127.0.0.1", srv.port))
            many.append(s)
        except OSError:
            refused += 1
    time.sleep(0.5)
    dead = 0
    for s in many:
        try:
            s.settimeout(0.2)
            if s.recv(1) == b"":
                dead += 1
        except socket.timeout:
            pass
        except OSError:
            dead += 1
    ok(refused + dead >= 80 - 64, "80 connections from one address: %d beyond the limit of 64 closed at once"
       % (refused + dead))
    for s in many + socks:
        s.close()
    ok(Client(srv.port).get("/dang-nhap").status == 200, "the server goes on after the slow clients")
    ok(srv.stop() == 0, "stops cleanly")


def tls(T, tmp):
    d = os.path.join(tmp, "tls")
    os.makedirs(d, exist_ok=True)
    cert, key = os.path.join(d, "cert.pem"), os.path.join(d, "key.pem")
    r = subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                       capture_output=True)
    if not ok(r.returncode == 0, "openssl makes a throwaway certificate", r.stderr.decode()[-300:]):
        return
    data = os.path.join(d, "data")
    pw = users_add(T, data, ["--office", "vanphong"])
    srv = Server(T, data, ["--period", PERIOD, "--cert", cert, "--key", key])
    if not ok(srv.start() and "https://127.0.0.1" in srv.text(), "serve --cert --key starts on https", srv.text()):
        return
    c = Client(srv.port, tls_ca=cert)
    r = c.post_form("/dang-nhap", {"name": "vanphong", "password": pw}, csrf=False)
    sc = "; ".join(r.cookies())
    ok(r.status == 303 and "Secure" in sc, "login over TLS; the cookie is Secure", sc)
    r = c.get("/mat-khau")
    ok(r.status == 200 and "max-age" in (r.header("Strict-Transport-Security") or ""), "HSTS over TLS")
    s = socket.create_connection(("127.0.0.1", srv.port))
    s.settimeout(5)
    s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
    try:
        got = s.recv(100)
    except OSError:
        got = b""
    s.close()
    ok(not got.startswith(b"HTTP/1.1 200"), "plain HTTP to the TLS port gets no page", repr(got[:40]))
    bad = Client(srv.port, tls_ca=None)
    try:
        import ssl
        ctx = ssl.create_default_context()
        import http.client
        h = http.client.HTTPSConnection("127.0.0.1", srv.port, context=ctx, timeout=5)
        h.request("GET", "/")
        h.getresponse()
        ok(False, "an unknown certificate is not trusted by a checking client")
    except ssl.SSLError:
        ok(True, "a client that checks certificates refuses the throwaway one (it is real TLS)")
    except OSError as ex:
        ok("CERTIFICATE" in str(ex).upper(), "certificate refused", str(ex))
    bad.close()
    ok(srv.stop() == 0, "the TLS server stops cleanly")
    # plain HTTP beyond loopback: refused unless told
    p = subprocess.run([T, "serve", "--data", data, "--listen", "0.0.0.0:%d" % free_port()], capture_output=True,
                       text=True, timeout=60)
    ok(p.returncode == 2 and "--insecure-http" in p.stderr and "https" in p.stderr,
       "plain HTTP on 0.0.0.0 refused (exit 2, says --cert/--key or --insecure-http)", p.stderr[-300:])
    srv2 = Server(T, data, ["--insecure-http"], host="0.0.0.0")
    ok(srv2.start(), "... and served with --insecure-http", srv2.text())
    ok(Client(srv2.port).get("/dang-nhap").status == 200, "plain HTTP page with --insecure-http")
    ok(srv2.stop() == 0, "stops cleanly")
    srv3 = Server(T, data, ["--cert", cert, "--key", key], host="0.0.0.0")
    ok(srv3.start(), "https on 0.0.0.0 needs no flag", srv3.text())
    srv3.stop()


# ---- faults ----

def faults(T, tmp):
    kill9(T, tmp)
    full_disk(T, tmp)
    damaged(T, tmp)
    backup(T, tmp)


def spools(data, wait=5.0):
    """Spool files left in data/tmp, once the requests' completion (just after the reply) ran."""
    t0 = time.time()
    while True:
        left = [f for f in os.listdir(os.path.join(data, "tmp")) if f.startswith(("up-", "fb-"))]
        if not left or time.time() - t0 > wait:
            return left
        time.sleep(0.1)


def db_check(data):
    db = sqlite3.connect(os.path.join(data, "tonghop.db"))
    ic = db.execute("PRAGMA integrity_check").fetchall()
    fk = db.execute("PRAGMA foreign_key_check").fetchall()
    return db, ic, fk


def blob_ok(data, sha):
    p = os.path.join(data, "files", sha[:2], sha)
    try:
        return hashlib.sha256(open(p, "rb").read()).hexdigest() == sha
    except OSError:
        return False


def whole(db, data):
    """Returns that are not whole: a file or feedback missing, findings or figures missing."""
    bad = []
    for rid, fsha, fbsha, e, w, i in db.execute(
            "SELECT id, file_sha, feedback_sha, errors, warnings, infos FROM returns"):
        nf = db.execute("SELECT COUNT(*) FROM findings WHERE return_id=?", (rid,)).fetchone()[0]
        ng = db.execute("SELECT COUNT(*) FROM figures WHERE return_id=?", (rid,)).fetchone()[0]
        na = db.execute("SELECT COUNT(*) FROM audit WHERE action='return.submit' AND target=?", ("báo cáo #%d" % rid,)).fetchone()[0]
        if not blob_ok(data, fsha) or not blob_ok(data, fbsha) or nf < e + w or ng == 0 or na != 1:
            bad.append((rid, nf, e + w + i, ng, na))
    return bad


def kill9(T, tmp):
    data = os.path.join(tmp, "kill")
    pw = users_add(T, data, ["--office", "vanphong"])
    srv = Server(T, data, ["--period", PERIOD])
    if not ok(srv.start(), "serve starts (kill -9 case)"):
        return
    files = [demo(u) for u in ("11239", "11242", "11263", "11245", "11248", "11251")]
    got = {}        # id -> sha256 of the bytes sent, for every 201
    lock = threading.Lock()
    done = [0]
    stop = [False]
    rnd = random.Random(int(os.environ.get("SEED", "14")))

    def login():
        c = Client(srv.port, timeout=60)
        c.login("vanphong", newpw("vanphong"))
        return c

    def sender(k):
        c = None
        while not stop[0]:
            with lock:
                if done[0] >= 100:
                    return
                n = done[0]
                done[0] += 1
            body = with_zip_comment(files[n % len(files)], "upload %d" % n)
            for attempt in range(60):
                try:
                    if c is None:
                        c = login()
                    r = c.upload(PERIOD, body, "bao-cao-%d.xlsx" % n)
                    if r.status == 201:
                        with lock:
                            got[json.loads(r.body)["id"]] = hashlib.sha256(body).hexdigest()
                        break
                    if r.status in (401, 303, 403):
                        c = None
                        continue
                    break
                except OSError:
                    c = None
                    time.sleep(0.2)

    Client(srv.port).login("vanphong", pw, newpw("vanphong"))
    th = [threading.Thread(target=sender, args=(k,)) for k in range(2)]
    for t in th:
        t.start()
    # kills at random moments: after a random number of uploads were started, plus a random
    # delay (so within a request's receiving, checking or storing, or between requests)
    kills = 0
    marks = sorted(rnd.sample(range(5, 95), 5))
    while any(t.is_alive() for t in th) and kills < len(marks):
        if done[0] < marks[kills]:
            time.sleep(0.005)
            continue
        time.sleep(rnd.uniform(0, 0.3))
        srv.kill9()
        kills += 1
        if not srv.start():
            ok(False, "restart after kill -9", srv.text())
            stop[0] = True
            break
    for t in th:
        t.join()
    rc = srv.stop()
    ok(kills >= 3, "the server was killed (-9) %d times during the uploads" % kills)
    ok(len(got) >= 90, "%d of 100 uploads answered 201 (a request cut by a kill is sent again)" % len(got))
    ok(rc == 0, "the last server stops cleanly")
    db, ic, fk = db_check(data)
    ok(ic == [("ok",)], "PRAGMA integrity_check: ok", repr(ic[:3]))
    ok(not fk, "PRAGMA foreign_key_check: nothing", repr(fk[:3]))
    rows = dict(db.execute("SELECT id, file_sha FROM returns").fetchall())
    missing = [i for i in got if i not in rows]
    wrong = [i for i in got if i in rows and rows[i] != got[i]]
    ok(not missing and not wrong, "every 201 is there with the file sent (%d checked)" % len(got),
       "missing %r, other file %r" % (missing[:5], wrong[:5]))
    bad = whole(db, data)
    ok(not bad, "no half submission among %d returns (files, feedback, findings, figures, audit row; %d more "
       "than the 201s: kept, then killed before the reply)" % (len(rows), len(rows) - len(got)), repr(bad[:5]))
    ok(not [f for f in os.listdir(os.path.join(data, "tmp")) if f.startswith(("up-", "fb-"))],
       "no spool left in tmp/ after the restarts")


def full_disk(T, tmp):
    mnt = os.path.join(tmp, "small")
    os.makedirs(mnt, exist_ok=True)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mnt], capture_output=True, text=True)
    if r.returncode != 0:
        print("SKIP full disk: cannot mount a small tmpfs here (%s)" % r.stderr.strip())
        return
    try:
        full_disk_on(T, mnt)
    finally:
        subprocess.run(["umount", "-l", mnt])


def fill(path, leave):
    st = os.statvfs(os.path.dirname(path))
    free = st.f_bavail * st.f_frsize
    with open(path, "ab") as f:
        n = max(0, free - leave)
        while n > 0:
            k = min(n, 1 << 20)
            try:
                f.write(b"\0" * k)
                f.flush()
            except OSError:
                break
            n -= k


def full_disk_on(T, mnt):
    data = os.path.join(mnt, "data")
    pw = users_add(T, data, ["--office", "vanphong"])
    srv = Server(T, data, ["--period", PERIOD])
    srv.log = os.path.join(os.path.dirname(mnt), "full-serve")
    if not ok(srv.start(), "serve on a 16 MB tmpfs starts"):
        return
    c = Client(srv.port)
    c.login("vanphong", pw, newpw("vanphong"))
    big = with_zip_comment(demo("11263"), "x" * 60000)   # ~77 KB
    r = c.upload(PERIOD, big, "a.xlsx")
    ok(r.status == 201, "an upload with room")
    db = sqlite3.connect(os.path.join(data, "tonghop.db"))
    n0 = db.execute("SELECT COUNT(*) FROM returns").fetchone()[0]
    filler = os.path.join(data, "filler")
    for leave, what in ((20 * 1024, "the spool hits the full disk"), (400 * 1024, "no room for the feedback and rows")):
        if os.path.exists(filler):
            os.unlink(filler)
        fill(filler, leave)
        r = c.upload(PERIOD, with_zip_comment(big, what), "b.xlsx")
        msg = json.loads(r.body).get("message", "") if r.body[:1] == b"{" else ""
        ok(r.status == 507 and "hết chỗ lưu trữ" in msg, "%s → 507, said in Vietnamese" % what,
           "%d %s" % (r.status, msg))
        n = db.execute("SELECT COUNT(*) FROM returns").fetchone()[0]
        ok(n == n0, "%s: no return row added" % what, "%d → %d" % (n0, n))
        left = spools(data)
        ok(not left, "%s: nothing half-stored in tmp/" % what, repr(left))
        ok(c.get("/van-phong").status == 200, "%s: the server goes on" % what)
    r = c.upload(PERIOD, with_zip_comment(big, "c"), "c.xlsx", dry_run=True)
    ok(r.status == 200, "a check (nothing kept) still works on the full disk", "%d" % r.status)
    os.unlink(filler)
    r = c.upload(PERIOD, with_zip_comment(big, "after"), "d.xlsx")
    ok(r.status == 201, "room made: the next upload is taken", "%d %s" % (r.status, r.text()[:200]))
    ok(srv.stop() == 0, "stops cleanly")
    db2, ic, fk = db_check(data)
    ok(ic == [("ok",)] and not whole(db2, data), "after the full disk: integrity ok, every return whole")
    ok("error POST /api/v1/returns" in srv.all_text(), "the full disk is in the server's log")


def damaged(T, tmp):
    data = os.path.join(tmp, "damaged")
    pw = users_add(T, data, ["--office", "vanphong"])
    srv = Server(T, data, ["--period", PERIOD])
    if not ok(srv.start(), "serve starts (damaged files)"):
        return
    c = Client(srv.port)
    c.login("vanphong", pw, newpw("vanphong"))
    ids = []
    for u in ("11239", "11242"):
        r = c.upload(PERIOD, demo(u), u + ".xlsx")
        ids.append(json.loads(r.body)["id"])
    for i in ids:
        c.post_form("/bao-cao/%d/xem-xet" % i, {"decision": "accept"})
    r = c.get("/van-phong/ky/%s/tong-hop" % PERIOD)
    ok(r.status == 200 and r.body[:2] == b"PK", "the workbook before any damage")
    db = sqlite3.connect(os.path.join(data, "tonghop.db"))
    fsha, fbsha = db.execute("SELECT file_sha, feedback_sha FROM returns WHERE id=?", (ids[0],)).fetchone()
    p = os.path.join(data, "files", fsha[:2], fsha)
    os.chmod(p, 0o600)
    with open(p, "r+b") as f:
        f.seek(100)
        f.write(b"damaged!")
    os.unlink(os.path.join(data, "files", fbsha[:2], fbsha))
    r = c.get("/bao-cao/%d/tep" % ids[0])
    ok(r.status == 500 and r.body[:2] != b"PK" and "bị hỏng" in r.text(), "a damaged file is said, not sent",
       "%d %s" % (r.status, r.text()[:200]))
    r = c.get("/api/v1/returns/%d/feedback" % ids[0])
    msg = json.loads(r.body).get("message", "") if r.body[:1] == b"{" else ""
    ok(r.status == 500 and "không còn" in msg, "a missing feedback is said (API, code 76), not sent",
       "%d %s" % (r.status, msg))
    ok(json.loads(r.body).get("code") == 76, "... with code 76")
    r = c.get("/bao-cao/%d/tep" % ids[1])
    ok(r.status == 200 and r.body[:2] == b"PK", "an intact file is still sent")
    c2 = Client(srv.port)   # a new review changes the workbook's version: it is built again
    c2.login("vanphong", newpw("vanphong"))
    r = c.upload(PERIOD, with_zip_comment(demo("11245"), "z"), "z.xlsx")
    c.post_form("/bao-cao/%d/xem-xet" % json.loads(r.body)["id"], {"decision": "accept"})
    r = c.get("/van-phong/ky/%s/tong-hop" % PERIOD)
    ok(r.status == 500 and "#%d" % ids[0] in r.text() and "11239" in r.text(),
       "the consolidated workbook is not built without the damaged return: its id and unit said",
       "%d %s" % (r.status, r.text()[:300]))
    ok("kept file missing or damaged" in srv.text() or "bị hỏng" in srv.text() or "không còn" in srv.text(),
       "the damage is in the server's log")
    ok(srv.stop() == 0, "stops cleanly")


def backup(T, tmp):
    data = os.path.join(tmp, "live")
    pw = users_add(T, data, ["--office", "vanphong"])
    srv = Server(T, data, ["--period", PERIOD])
    if not ok(srv.start(), "serve starts (backup)"):
        return
    c = Client(srv.port)
    c.login("vanphong", pw, newpw("vanphong"))
    for i, u in enumerate(("11239", "11242", "11263")):
        c.upload(PERIOD, with_zip_comment(demo(u), "b%d" % i), u + ".xlsx")
    stop = [False]
    sent = [0]

    def busy():
        k = Client(srv.port)
        k.login("vanphong", newpw("vanphong"))
        while not stop[0]:
            r = k.upload(PERIOD, with_zip_comment(demo("11248"), "busy %d" % sent[0]), "busy.xlsx")
            sent[0] += r.status == 201

    t = threading.Thread(target=busy)
    t.start()
    time.sleep(0.5)
    dest = os.path.join(tmp, "backup")
    p = subprocess.run([T, "backup", "--data", data, "--out", dest], capture_output=True, text=True, timeout=300)
    stop[0] = True
    t.join()
    ok(p.returncode == 0, "tonghop backup while uploads go on (%d uploads during the run)" % sent[0], p.stderr)
    ok(sent[0] >= 1, "uploads were taken during the backup")
    p2 = subprocess.run([T, "backup", "--data", data, "--out", dest], capture_output=True, text=True)
    ok(p2.returncode != 0 and dest in p2.stderr, "backup refuses a folder that is not empty", p2.stderr)
    ok(srv.stop() == 0, "the live server stops cleanly")
    if p.returncode != 0:
        return
    db, ic, fk = db_check(dest)
    ok(ic == [("ok",)], "the backup's integrity_check: ok")
    nb = db.execute("SELECT COUNT(*) FROM returns").fetchone()[0]
    ok(nb >= 3 and not whole(db, dest), "the backup holds %d whole returns with their files" % nb, repr(whole(db, dest)[:3]))
    live = sqlite3.connect(os.path.join(data, "tonghop.db"))
    nl = live.execute("SELECT COUNT(*) FROM returns").fetchone()[0]
    ok(nb <= nl, "the backup is a moment of the live store (%d ≤ %d)" % (nb, nl))
    # restore: serve the backup (a copy of it) as the data folder
    restored = os.path.join(tmp, "restored")
    shutil.copytree(dest, restored, symlinks=True)
    srv2 = Server(T, restored, ["--period", PERIOD])
    ok(srv2.start(), "serve starts on the restored folder", srv2.text())
    c = Client(srv2.port)
    r = c.login("vanphong", newpw("vanphong"))
    ok(r.status == 303, "the accounts came back (login)")
    ids = [row[0] for row in db.execute("SELECT id FROM returns ORDER BY id")]
    okf = all(c.get("/bao-cao/%d/tep" % i).body[:2] == b"PK" for i in ids)
    ok(okf, "every restored return's file is served (%d)" % len(ids))
    r = c.upload(PERIOD, with_zip_comment(demo("11251"), "after restore"), "x.xlsx")
    ok(r.status == 201 and json.loads(r.body)["id"] > max(ids), "the restored portal takes new returns")
    ok(srv2.stop() == 0, "stops cleanly")


def main():
    T = os.path.abspath(sys.argv[1])
    groups = sys.argv[2:] or ["attack", "faults"]
    tmp = tempfile.mkdtemp(prefix="th-harden-")
    try:
        for g in groups:
            print("== %s" % g)
            {"attack": attack, "faults": faults}[g](T, tmp)
    finally:
        subprocess.run(["umount", "-l", os.path.join(tmp, "small")], capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (PASS, FAIL))
    return 1 if FAIL else 0


if __name__ == "__main__":
    sys.exit(main())
