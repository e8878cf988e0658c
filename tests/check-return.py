#!/usr/bin/python3
# Compare `tonghop read --json` of a fixture return with the .expect.tsv its generator
# wrote from its own data (fixtures/make_fixtures.c), never from tonghop's output.
# Usage: check-return.py READ.json NAME.expect.tsv. Prints one line per mismatch and
# exits 1 if there is any. Numbers compare within 1e-9 (relative).
# SPDX-License-Identifier: MIT
import json
import sys


def same_num(a, b):
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def main():
    got = json.load(open(sys.argv[1], encoding="utf-8"))
    bad = []
    n = 0
    for line in open(sys.argv[2], encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if not f or not f[0] or f[0].startswith("#"):
            continue
        n += 1
        if f[0] == "unit":
            code = (got.get("unit") or {}).get("code")
            if code != f[1]:
                bad.append("unit: got %r, expected %r" % (code, f[1]))
        elif f[0] == "period":
            if got.get("period") != f[1]:
                bad.append("period: got %r, expected %r" % (got.get("period"), f[1]))
        elif f[0] == "window":
            w = got.get("window") or {}
            if [w.get("from"), w.get("to")] != f[1:3]:
                bad.append("window: got %r, expected %r" % ([w.get("from"), w.get("to")], f[1:3]))
        elif f[0] == "report_date":
            if got.get("report_date") != f[1]:
                bad.append("report_date: got %r, expected %r" % (got.get("report_date"), f[1]))
        elif f[0] == "value":
            form, code, want = f[1], f[2], f[3]
            v = got.get("values", {}).get(form, {}).get(code)
            if v is None:
                bad.append("%s %s: not in the output" % (form, code))
                continue
            if want in ("blank", "dash", "missing", "unreadable"):
                if v.get("state") != want:
                    bad.append("%s %s: got %s %r, expected %s" % (form, code, v.get("state"), v.get("value"), want))
            else:
                if v.get("state") != "number" or not same_num(v.get("value"), float(want)):
                    bad.append("%s %s: got %s %r (written %r), expected %s"
                               % (form, code, v.get("state"), v.get("value"), v.get("written"), want))
        else:
            bad.append("unknown expectation line: %s" % line.strip())
    for b in bad:
        print(b)
    print("%d expectations, %d mismatches" % (n, len(bad)))
    sys.exit(1 if bad or n == 0 else 0)


main()
