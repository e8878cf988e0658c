"""
What the hardening suite (tests/harden/run.py) and the load bench (bench/serve_load.py)
share: a `tonghop serve` started and stopped (or killed) on a data folder, accounts
handed out by `tonghop users`, and a small HTTP client (cookies, the CSRF token,
multipart uploads) on the standard library alone. 127.0.0.1 only.
SPDX-License-Identifier: MIT
"""
import http.client
import os
import re
import signal
import socket
import ssl
import subprocess
import time
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def users_add(tonghop, data, args, roster=None):
    """`tonghop users add ...`: the one-time password printed."""
    cmd = [tonghop, "users", "--data", data]
    if roster:
        cmd += ["--roster", roster]
    out = subprocess.run(cmd + ["add"] + args, capture_output=True, text=True, check=True).stdout
    m = re.search(r"mật khẩu dùng một lần: (\S+)", out)
    return m.group(1)


class Server:
    """A `tonghop serve` on data; start() waits until it listens."""

    def __init__(self, tonghop, data, args=(), port=None, host="127.0.0.1", tls=False):
        self.tonghop, self.data, self.args = tonghop, data, list(args)
        self.port = port or free_port()
        self.host, self.tls = host, tls
        self.proc = None
        self.log = os.path.join(data, "serve-%d.log" % os.getpid())
        self.logs = []

    def start(self, timeout=60):
        os.makedirs(self.data, exist_ok=True)
        log = "%s.%d" % (self.log, len(self.logs))
        self.logs.append(log)
        f = open(log, "w")
        self.proc = subprocess.Popen([self.tonghop, "serve", "--data", self.data, "--listen",
                                      "%s:%d" % (self.host, self.port)] + self.args,
                                     stdout=f, stderr=subprocess.STDOUT)
        f.close()
        t0 = time.time()
        while time.time() - t0 < timeout:
            if "đang phục vụ tại" in self.text():
                return True
            if self.proc.poll() is not None:
                return False
            time.sleep(0.05)
        return False

    def text(self):
        try:
            with open(self.logs[-1], encoding="utf-8", errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def all_text(self):
        out = ""
        for p in self.logs:
            with open(p, encoding="utf-8", errors="replace") as f:
                out += f.read()
        return out

    def pid(self):
        return self.proc.pid

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def rss_peak_kb(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
        return 0

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self, timeout=60):
        """SIGTERM; the exit status (0 is a clean stop, no sanitizer report)."""
        if not self.alive():
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()


def multipart(fields, file_field=None, file_name=None, content=b""):
    boundary = "----th" + uuid.uuid4().hex
    parts = []
    for k, v in fields.items():
        parts.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"\r\n\r\n%s\r\n"
                      % (boundary, k, v)).encode())
    if file_field:
        fn = file_name.replace('"', "%22")
        parts.append(("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\n"
                      "Content-Type: application/octet-stream\r\n\r\n" % (boundary, file_field, fn)).encode()
                     + content + b"\r\n")
    parts.append(("--%s--\r\n" % boundary).encode())
    return b"".join(parts), "multipart/form-data; boundary=" + boundary


class Reply:
    def __init__(self, status, headers, body, ms):
        self.status, self.headers, self.body, self.ms = status, headers, body, ms

    def header(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def cookies(self):
        return [v for k, v in self.headers if k.lower() == "set-cookie"]

    def text(self):
        return self.body.decode("utf-8", "replace")


class Client:
    """One browser-like client: a session cookie, its CSRF token, same-origin headers."""

    def __init__(self, port, host="127.0.0.1", tls_ca=None, source=None, timeout=120):
        self.port, self.host, self.tls_ca, self.source, self.timeout = port, host, tls_ca, source, timeout
        self.cookie = None
        self.csrf = None
        self.conn = None

    def origin(self):
        return "%s://%s:%d" % ("https" if self.tls_ca else "http", self.host, self.port)

    def _conn(self):
        if self.conn is None:
            src = (self.source, 0) if self.source else None
            if self.tls_ca:
                ctx = ssl.create_default_context(cafile=self.tls_ca)
                self.conn = http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout,
                                                        context=ctx, source_address=src)
            else:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout,
                                                       source_address=src)
        return self.conn

    def request(self, method, path, body=None, headers=None, ctype=None, origin=True, retry=True):
        h = {"Host": "%s:%d" % (self.host, self.port)}
        if self.cookie:
            h["Cookie"] = "th_session=" + self.cookie
        if method == "POST" and origin:
            h["Origin"] = self.origin()
        if ctype:
            h["Content-Type"] = ctype
        if headers:
            h.update(headers)
        t0 = time.time()
        for attempt in (0, 1):
            try:
                c = self._conn()
                c.request(method, path, body=body, headers=h)
                r = c.getresponse()
                data = r.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as ex:
                self.close()
                if attempt or not retry:
                    raise ex
        rep = Reply(r.status, r.getheaders(), data, (time.time() - t0) * 1000)
        if r.getheader("Connection", "").lower() == "close":
            self.close()
        for v in rep.cookies():
            m = re.match(r"th_session=([^;]*)", v)
            if m:
                self.cookie = m.group(1) or None
        return rep

    def close(self):
        if self.conn:
            self.conn.close()
        self.conn = None

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post_form(self, path, fields, csrf=True, **kw):
        f = dict(fields)
        if csrf and self.csrf:
            f["csrf"] = self.csrf
        body = "&".join("%s=%s" % (k, _q(v)) for k, v in f.items()).encode()
        return self.request("POST", path, body=body, ctype="application/x-www-form-urlencoded", **kw)

    def take_csrf(self, page="/"):
        r = self.get(page)
        m = re.search(r'name="csrf" value="([0-9a-f]+)"', r.text())
        self.csrf = m.group(1) if m else None
        return self.csrf

    def login(self, name, pw, new_pw=None):
        """Log in on the pages; with new_pw, replace a one-time password and log in again."""
        self.cookie = None
        r = self.post_form("/dang-nhap", {"name": name, "password": pw}, csrf=False)
        if r.status != 303:
            return r
        if new_pw:
            self.take_csrf("/mat-khau")
            r = self.post_form("/mat-khau", {"current": pw, "new": new_pw, "again": new_pw})
            self.cookie = None
            r = self.post_form("/dang-nhap", {"name": name, "password": new_pw}, csrf=False)
        self.take_csrf("/mat-khau")
        return r

    def upload(self, period, content, file_name="bao-cao.xlsx", dry_run=False, api=True, action="submit"):
        if api:
            body, ct = multipart({}, "file", file_name, content)
            q = "/api/v1/returns?period=%s%s" % (period, "&dry_run=1" if dry_run else "")
            return self.request("POST", q, body=body, ctype=ct,
                                headers={"X-CSRF-Token": self.csrf or ""})
        body, ct = multipart({"period": period, "action": action, "csrf": self.csrf or ""}, "file", file_name,
                             content)
        return self.request("POST", "/xa/nop", body=body, ctype=ct)


def _q(v):
    from urllib.parse import quote
    return quote(str(v), safe="")


def with_zip_comment(data, comment):
    """The same xlsx with another zip comment: other bytes (another SHA-256), the same content."""
    i = data.rfind(b"PK\x05\x06")
    eocd = bytearray(data[i:i + 22])
    c = comment.encode()
    eocd[20:22] = len(c).to_bytes(2, "little")
    return data[:i] + bytes(eocd) + c
