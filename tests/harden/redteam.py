"""
More attacks on the portal (tests/harden/run.py runs them in its "attack" group): the
password-change form as a password oracle, guesses raced in parallel, the lockout lifted by a
reset, text that is not UTF-8 and control characters in a review, two files in one upload, a
kept .xls or .ods downloaded under its own format, forms behind a TLS proxy (and other sites
still refused), a second server on the same data folder, a data folder whose database cannot
be used, and a backup cut short.
Each check is ok(cond, what, detail) of run.py.
SPDX-License-Identifier: MIT
"""
import json
import os
import re
import socket
import sqlite3
import subprocess
import threading
import time
import uuid

from portal import ROOT, Client, free_port, multipart, users_add, with_zip_comment

PERIOD = "2023-Q3"
FORMATS = os.path.join(ROOT, "fixtures", "formats")


def _bad(text):
    m = re.search(r'class="bad">([^<]*)<', text)
    return m.group(1) if m else text[:200]


def _returns(data):
    db = sqlite3.connect(os.path.join(data, "tonghop.db"))
    try:
        return db.execute("SELECT COUNT(*) FROM returns").fetchone()[0]
    finally:
        db.close()


def _pw_hash(data, name):
    db = sqlite3.connect(os.path.join(data, "tonghop.db"))
    try:
        return db.execute("SELECT pw_hash FROM users WHERE name = ?", (name,)).fetchone()[0]
    finally:
        db.close()


def password_oracle(ok, port, data, name, pw):
    """A session (a borrowed computer) cannot guess its account's password on /mat-khau."""
    c = Client(port)
    c.login(name, pw)
    before = _pw_hash(data, name)
    codes = []
    for i in range(5):
        r = c.post_form("/mat-khau", {"current": "doan-sai-%d-mat-khau" % i, "new": "Moi-hoan-toan-1",
                                      "again": "Moi-hoan-toan-1"})
        codes.append(r.status)
    ok(codes == [400] * 5, "five wrong current passwords on /mat-khau → 400 each", repr(codes))
    r = c.post_form("/mat-khau", {"current": pw, "new": "Moi-hoan-toan-1", "again": "Moi-hoan-toan-1"})
    ok(r.status == 429, "then the right one → 429: the password form is throttled as the login is (no oracle)",
       "%d %s" % (r.status, _bad(r.text())))
    ok("15 phút" in r.text(), "... said in Vietnamese", _bad(r.text()))
    ok(_pw_hash(data, name) == before, "the password was not changed")


def parallel_guesses(ok, port, name):
    """48 wrong passwords at once, from as many connections: no more than 5 are checked."""
    codes = []

    def guess(i):
        r = Client(port).post_form("/dang-nhap", {"name": name, "password": "song-song-%d-sai" % i}, csrf=False)
        codes.append(r.status)
    ts = [threading.Thread(target=guess, args=(i,)) for i in range(48)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    ok(codes.count(401) <= 5 and codes.count(429) == 48 - codes.count(401),
       "48 guesses at once: %d checked (401), the rest 429 — the throttle cannot be raced" % codes.count(401),
       repr(sorted(codes)))


def reset_lifts_lockout(ok, port, admin, name, uid):
    """The 429 says: wait 15 minutes or ask the administrator for a reset. The reset works at once."""
    for i in range(5):
        Client(port).post_form("/dang-nhap", {"name": name, "password": "sai-%d-sai-sai" % i}, csrf=False)
    r = Client(port).post_form("/dang-nhap", {"name": name, "password": "sai-nua-sai-sai"}, csrf=False)
    ok(r.status == 429 and "quản trị" in r.text(), "an account locked out (429, the reset named as the way out)",
       "%d" % r.status)
    r = admin.post_form("/quan-tri/tai-khoan/%d/dat-lai" % uid, {})
    otp = re.findall(r'class="otp">([^<]+)<', r.text())
    ok(r.status == 200 and len(otp) == 2, "the administrator resets it", "%d" % r.status)
    if len(otp) == 2:
        r = Client(port).post_form("/dang-nhap", {"name": name, "password": otp[1]}, csrf=False)
        ok(r.status == 303, "the new one-time password logs in at once (the reset lifted the lockout)",
           "%d %s" % (r.status, _bad(r.text())))


def review_text(ok, port, office, rid):
    """A reason that is not UTF-8, or holds control characters, is refused, never stored."""
    office.take_csrf("/van-phong")
    body = ("decision=return&reason=%FF%FEl%C3%BD+do%C0%AF&csrf=" + office.csrf).encode()
    r = office.request("POST", "/bao-cao/%d/xem-xet" % rid, body=body, ctype="application/x-www-form-urlencoded")
    ok(r.status == 400 and "UTF-8" in r.text(), "a review reason that is not UTF-8 → 400, said",
       "%d %s" % (r.status, _bad(r.text())))
    js = json.loads(office.get("/api/v1/returns/%d" % rid).body)
    ok(js.get("state") == "submitted", "... and nothing was reviewed", js.get("state"))
    r = office.request("POST", "/api/v1/returns/%d/review" % rid,
                       body=json.dumps({"decision": "return", "reason": "l\u00fd do\u001b[31m\u0007"}).encode(),
                       ctype="application/json", headers={"X-CSRF-Token": office.csrf})
    ok(r.status == 400 and "điều khiển" in r.text(), "an API reason with control characters → 400, as on the form",
       "%d %s" % (r.status, r.text()[:200]))
    r = office.get("/van-phong/nhat-ky.csv")
    try:
        r.body.decode("utf-8")
        good = True
    except UnicodeDecodeError:
        good = False
    ok(r.status == 200 and good, "the audit CSV is UTF-8 throughout")


def two_files(ok, port, data, c, a, b):
    """Two parts named "file" are never joined into one kept file (what is checked is what is kept)."""
    boundary = "----th" + uuid.uuid4().hex
    body = b""
    for name, content in (("a.xlsx", a), ("b.xlsx", b)):
        body += ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"%s\"\r\n"
                 "Content-Type: application/octet-stream\r\n\r\n" % (boundary, name)).encode() + content + b"\r\n"
    body += ("--%s--\r\n" % boundary).encode()
    n0 = _returns(data)
    r = c.request("POST", "/api/v1/returns?period=%s" % PERIOD, body=body,
                  ctype="multipart/form-data; boundary=" + boundary, headers={"X-CSRF-Token": c.csrf or ""})
    msg = json.loads(r.body).get("message", "") if r.body[:1] == b"{" else r.text()
    ok(r.status == 400 and "một tệp" in msg, "two files in one upload → 400, said", "%d %s" % (r.status, msg[:200]))
    ok(_returns(data) == n0, "... and nothing kept")
    r = c.upload(PERIOD, with_zip_comment(a, "one"), "a.xlsx")
    ok(r.status == 201, "one file is taken as before", "%d" % r.status)


def formats(ok, c):
    """A kept .xls or .ods is downloaded under its own extension and type, never as .xlsx."""
    want = {"xls": "application/vnd.ms-excel", "ods": "application/vnd.oasis.opendocument.spreadsheet",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    for f, ext in (("11239-thanhmien.xls", "xls"), ("11239-thanhmien.ods", "ods")):
        data = open(os.path.join(FORMATS, f), "rb").read()
        r = c.upload(PERIOD, data, f)
        if not ok(r.status == 201, "a %s return is taken" % ext, "%d %s" % (r.status, r.text()[:200])):
            continue
        rid = json.loads(r.body)["id"]
        r = c.get("/bao-cao/%d/tep" % rid)
        cd = r.header("Content-Disposition") or ""
        ok(r.status == 200 and r.body == data and cd.endswith('.%s"' % ext) and r.header("Content-Type") == want[ext],
           "the kept %s is sent as .%s (%s), the very bytes" % (ext, ext, want[ext]), "%s %s" % (cd, r.header("Content-Type")))
        r = c.get("/bao-cao/%d/phan-hoi" % rid)
        cd = r.header("Content-Disposition") or ""
        ok(r.status == 200 and r.body[:2] == b"PK" and cd.endswith('.xlsx"') and r.header("Content-Type") == want["xlsx"],
           "its feedback is an .xlsx", cd)


def behind_proxy(ok, port, name, pw):
    """--insecure-http is for a TLS proxy in front: its pages' Origin is https, its Host may be
    the proxy's upstream (nginx's default) with X-Forwarded-Host the name asked for. Logins
    and forms work there; another site's Origin is still refused."""
    def login(origin, extra=None):
        h = {"Origin": origin}
        h.update(extra or {})
        return Client(port).post_form("/dang-nhap", {"name": name, "password": pw}, csrf=False, origin=False,
                                      headers=h)
    r = login("https://127.0.0.1:%d" % port)
    ok(r.status == 303, "behind a TLS proxy (Origin https, Host kept): the login works", "%d" % r.status)
    r = login("https://cong.example.vn", {"X-Forwarded-Host": "cong.example.vn", "X-Forwarded-Proto": "https"})
    ok(r.status == 303, "behind a proxy that rewrites Host (X-Forwarded-Host): the login works", "%d" % r.status)
    c = Client(port)
    c.post_form("/dang-nhap", {"name": name, "password": pw}, csrf=False, origin=False,
                headers={"Origin": "https://127.0.0.1:%d" % port})
    c.take_csrf("/mat-khau")
    r = c.post_form("/dang-xuat", {}, origin=False, headers={"Origin": "https://127.0.0.1:%d" % port})
    ok(r.status == 303 and not c.cookie, "... and a form (logout) too", "%d" % r.status)
    for origin, extra in (("https://evil.example", None), ("http://evil.example", {"X-Forwarded-Host": "cong.example.vn"}),
                          ("https://127.0.0.1:%d.evil.example" % port, None), ("null", None)):
        r = login(origin, extra)
        ok(r.status == 403, "an Origin of another site (%s) is still refused" % origin, "%d" % r.status)


def second_server(ok, T, srv, data, c, content):
    """A second `tonghop serve` on the same data folder would clear the spools it finds at
    start: the first's uploads in progress. It is refused; the upload in progress is kept."""
    body, ct = multipart({}, "file", "cham.xlsx", content)
    s = socket.create_connection(("127.0.0.1", srv.port), timeout=60)
    s.sendall(("POST /api/v1/returns?period=%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nCookie: th_session=%s\r\n"
               "X-CSRF-Token: %s\r\nOrigin: http://127.0.0.1:%d\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n"
               % (PERIOD, srv.port, c.cookie, c.csrf, srv.port, ct, len(body))).encode() + body[:len(body) // 2])
    spool = []
    for _ in range(100):
        spool = [f for f in os.listdir(os.path.join(data, "tmp")) if f.startswith("up-")]
        if spool:
            break
        time.sleep(0.05)
    ok(bool(spool), "an upload in progress (its spool in tmp/)")
    p = subprocess.Popen([T, "serve", "--data", data, "--listen", "127.0.0.1:%d" % free_port()],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        out = p.communicate(timeout=20)[0]
    except subprocess.TimeoutExpired:
        p.terminate()
        out = p.communicate()[0]
    ok(p.returncode not in (0, None) and "đang được một 'tonghop serve' khác dùng" in out,
       "a second serve on the same data folder is refused, said in Vietnamese", "%s %s" % (p.returncode, out.strip()))
    s.sendall(body[len(body) // 2:])
    got = b""
    try:
        while b"\r\n\r\n" not in got or not got.rstrip().endswith(b"}"):
            b = s.recv(65536)
            if not b:
                break
            got += b
    except OSError:
        pass
    s.close()
    ok(got.startswith(b"HTTP/1.1 201"), "the upload in progress is kept (201)", got[:200].decode("utf-8", "replace"))


def attacks(ok, T, srv, data, pw, cl, demo, newpw):
    """On the running attack server, after throttle() locked 11242 out: accounts pw (11245 never
    logged in), logged-in clients cl, newpw(name) the password each chose."""
    port = srv.port
    O, AD = cl["vanphong"], cl["quantri"]
    password_oracle(ok, port, data, "11245", pw["11245"])
    parallel_guesses(ok, port, "quantri-khong-co")
    db = sqlite3.connect(os.path.join(data, "tonghop.db"))
    uid = db.execute("SELECT id FROM users WHERE name = '11242'").fetchone()[0]
    db.close()
    reset_lifts_lockout(ok, port, AD, "11242", uid)
    O.take_csrf("/van-phong")
    r = O.upload(PERIOD, with_zip_comment(demo("11245"), "reason"), "r.xlsx")
    if ok(r.status == 201, "the office submits a return to review", "%d" % r.status):
        review_text(ok, port, O, json.loads(r.body)["id"])
    two_files(ok, port, data, O, demo("11239"), demo("11242"))
    formats(ok, O)
    second_server(ok, T, srv, data, O, with_zip_comment(demo("11248"), "second server"))
    behind_proxy(ok, port, "vanphong", newpw("vanphong"))


def backup_cut_short(ok, T, live, mnt):
    """A backup onto a disk that fills up: said in Vietnamese, and no half copy is left that
    would serve as an empty portal; a backup onto a read-only disk is said as such."""
    for size in ("48k", "200k"):   # full while the database is copied, or while the files are
        r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", mnt], capture_output=True, text=True)
        if r.returncode != 0:
            print("SKIP backup onto a full disk: cannot mount a tmpfs here (%s)" % r.stderr.strip())
            return
        try:
            out = os.path.join(mnt, "sao-luu")
            p = subprocess.run([T, "backup", "--data", live, "--out", out], capture_output=True, text=True, timeout=120)
            ok(p.returncode == 5 and "đầy" in p.stderr and "disk is full" not in p.stderr,
               "backup onto a %s disk: exit 5, the full disk said in Vietnamese" % size, p.stderr.strip())
            ok(not os.path.exists(out), "... and no half copy left (it would serve as an empty portal)",
               repr(os.listdir(out)) if os.path.exists(out) else "")
        finally:
            subprocess.run(["umount", "-l", mnt])


def bad_store(ok, T, tmp):
    """A data folder whose database is no database, or cannot be written: said in Vietnamese."""
    data = os.path.join(tmp, "notadb")
    os.makedirs(data)
    with open(os.path.join(data, "tonghop.db"), "wb") as f:
        f.write(os.urandom(8192))
    for cmd in (["serve", "--data", data, "--listen", "127.0.0.1:0"], ["users", "--data", data, "list"]):
        p = subprocess.run([T] + cmd, capture_output=True, text=True, timeout=60)
        ok(p.returncode != 0 and "không phải cơ sở dữ liệu" in p.stderr and "file is not" not in p.stderr,
           "%s on a tonghop.db that is no database: refused in Vietnamese" % cmd[0], p.stderr.strip())
    mnt = os.path.join(tmp, "ro")
    os.makedirs(mnt)
    backup_cut_short(ok, T, os.path.join(tmp, "attack"), mnt)
    r = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mnt], capture_output=True, text=True)
    if r.returncode != 0:
        print("SKIP read-only data folder: cannot mount a tmpfs here (%s)" % r.stderr.strip())
        return
    try:
        ro = os.path.join(mnt, "data")
        users_add(T, ro, ["--office", "vanphong"])
        r = subprocess.run(["mount", "-o", "remount,ro", mnt], capture_output=True, text=True)
        if not ok(r.returncode == 0, "the data folder made read-only", r.stderr):
            return
        p = subprocess.run([T, "serve", "--data", ro, "--listen", "127.0.0.1:0"], capture_output=True, text=True,
                           timeout=60)
        ok(p.returncode != 0 and "chỉ cho đọc" in p.stderr and "readonly" not in p.stderr,
           "serve on a read-only data folder: refused in Vietnamese", p.stderr.strip())
    finally:
        subprocess.run(["umount", "-l", mnt])
