#!/usr/bin/python3
# Completeness on returns laid out as they really come (issue #11): compare the rows
# `tonghop check` says are unfilled ("chưa điền", rule fill.required) with the rows the
# generator left blank that the schema says must be filled. The truth is the expect file's
# value lines (the generator's own data) and the schema's fill classes, read here by a
# parser of our own: a form's `fill`, a row's second KIND word, headings (kind group) never;
# a heading whose truth is 0 or "-" answers the required rows under it.
# Usage: check-fill.py CHECK.json CHECK.txt NAME.expect.tsv SCHEMA.ini
# Prints one line per mismatch and "N unfilled rows, N mismatches"; exits 1 if any.
# SPDX-License-Identifier: MIT
import json
import re
import sys


def fill_classes(path):
    sec, fill, rows = None, {}, {}
    for line in open(path, encoding="utf-8"):
        s = line.strip()
        if s.startswith("["):
            sec = s[1:s.index("]")]
            continue
        m = re.match(r'(fill|\d[\d.]*)\s*=\s*"?([^"|;]*)', s)
        if not m or not re.fullmatch(r"BM\d+", sec or ""):
            continue
        if m.group(1) == "fill":
            fill[sec] = m.group(2).strip()
            continue
        words = m.group(2).split()
        rows[(sec, m.group(1))] = words[1] if len(words) > 1 else "group" if words[0] == "group" else None
    return {k: v or fill.get(k[0], "optional") for k, v in rows.items()}


def main():
    chk_json, chk_txt, expect, schema = sys.argv[1:5]
    cls = fill_classes(schema)
    truth = {}
    for line in open(expect, encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if f[0] == "value":
            truth[(f[1], f[2])] = (f[3], f[4] if len(f) > 5 else None, f[5] if len(f) > 5 else None)

    def answered(form, code):
        while "." in code:
            code = code.rsplit(".", 1)[0]
            t = truth.get((form, code))
            if cls.get((form, code)) == "group" and t and set(t[0].split("|")) <= {"0", "dash"}:
                return True
        return False

    want = {(form, code, t[1], t[2]) for (form, code), t in truth.items()
            if t[0] == "blank" and t[1] and cls.get((form, code)) == "required" and not answered(form, code)}
    try:
        d = json.load(open(chk_json, encoding="utf-8"))
    except (OSError, ValueError):
        d = None
    if not d or not d.get("files") or d["files"][0].get("status") == "unreadable":
        print("0 unfilled rows, 0 mismatches (the file is refused: nothing to say)")
        return 0
    got = {(x["form"], x["code"], x["sheet"], x["cell"]) for x in d["findings"] if x["rule"] == "fill.required"}
    bad = 0
    for x in sorted(want - got):
        print("unfilled %s %s at %s!%s: not said" % x)
        bad += 1
    for x in sorted(got - want):
        print("unfilled %s %s at %s!%s: said, but the row is filled or not required" % x)
        bad += 1
    text = open(chk_txt, encoding="utf-8").read()
    said = re.findall(r"\((\d+) dòng bắt buộc chưa điền\)", text)
    if (said != [str(len(want))]) if want else said:
        print("verdict: %s, expected %d unfilled" % (said or "no count", len(want)))
        bad += 1
    print("%d unfilled rows, %d mismatches" % (len(want), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
