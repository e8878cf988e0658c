#!/usr/bin/python3
# Compare `tonghop read --json` of a return with the .expect.tsv its generator wrote from
# its own data (fixtures/make_fixtures.c, tests/layouts/gen.py), never from tonghop's output.
# Usage: check-return.py READ.json NAME.expect.tsv [--exit RC] [--stats OUT.json]
# Prints one line per mismatch and "N expectations, N mismatches"; exits 1 if there is any.
# Numbers compare within 1e-9 (relative).
#
# The expect format, one line each, tab-separated ('#' lines are comments):
#   unit         CODE
#   period       2023-Q3
#   window       FROM  TO                  ISO dates
#   report_date  DATE
#   value FORM CODE WANT [SHEET CELL [SEVERITY]]
#       WANT is a number, blank, dash, missing or unreadable (the row's state), or unread:
#       no figure may be given (any state but number, blank, dash) and a finding of at least
#       SEVERITY (default warning) on the row (form and code) must name every CELL, which
#       is then a comma-separated list of the candidate cells (in the finding's cell,
#       written, expected or message). Alternatives are joined by '|' ("0|dash": either is
#       right). With SHEET CELL, a number, blank or dash must come from that cell.
#   said FORM SEVERITY SHEET CELL
#       a finding on the form at that cell of at least SEVERITY (a table's column said)
#   quiet RULE
#       no finding of RULE at all (an ordinary header that must not be said)
#   other FORM CODE ROLE VALUE SHEET CELL
#       another column's figure for the row (ROLE previous, plan, cumulative,
#       same_period_last_year, stale): recorded for a reader that keeps them, not checked.
#
# --exit RC: tonghop's exit status; with RC 4 (the file could not be read, and said so) an
# empty or absent READ.json is a file read as nothing. --stats OUT.json writes how each
# figure (value line) was read: right; wrong (a number other than the truth) said or
# silent, said = a warning or error finding on the cell read or on the true cell; the right
# figure from another cell; lost (no figure where there is one, or a figure not read
# without a finding naming its cells) said or silent, said = a warning or error on the row
# or its form, or the file refused; another state (blank read as missing).
# SPDX-License-Identifier: MIT
import json
import re
import sys

SEV = {"info": 0, "warning": 1, "error": 2}
STATES = ("blank", "dash", "missing", "unreadable")


def same_num(a, b):
    return abs(a - b) <= 1e-9 * max(1.0, abs(a), abs(b))


def is_num(s):
    try:
        float(s)
        return True
    except ValueError:
        return False


class Figure:
    def __init__(self, f):
        self.form, self.code, self.want = f[1], f[2], f[3]
        self.sheet = f[4] if len(f) > 5 else None
        self.cells = f[5].split(",") if len(f) > 5 else []
        self.severity = f[6] if len(f) > 6 else "warning"
        self.alts = self.want.split("|")
        self.numbers = [float(a) for a in self.alts if is_num(a)]
        for a in self.alts:
            if not is_num(a) and a not in STATES and a != "unread":
                raise ValueError("unknown expectation %r" % a)


class Reading:
    def __init__(self, got, refused):
        self.got, self.refused = got, refused
        self.problems = got.get("problems") or []

    def value(self, form, code):
        return (self.got.get("values") or {}).get(form, {}).get(code)

    def said_on_cell(self, sheet, cell):
        return any(p.get("sheet") == sheet and p.get("cell") == cell and SEV.get(p.get("severity"), 0) >= 1
                   for p in self.problems)

    def said_on_row(self, form, code):
        return self.refused or any(p.get("form") == form and p.get("code") in (code, None, "")
                                   and SEV.get(p.get("severity"), 0) >= 1 for p in self.problems)

    def names_cells(self, fig):
        """A finding of fig.severity or graver on the row naming every candidate cell."""
        for p in self.problems:
            if p.get("form") != fig.form or p.get("code") != fig.code:
                continue
            if SEV.get(p.get("severity"), 0) < SEV[fig.severity]:
                continue
            text = " ".join(str(p.get(k) or "") for k in ("cell", "written", "expected", "message"))
            if all(re.search(r"(?<![A-Z0-9])%s(?![0-9])" % c, text) for c in fig.cells):
                return True
        return False


def judge(fig, rd):
    """(class, message): class right; wrong_said or wrong_silent (a number other than the
    truth); wrong_place (the true number or state, from another cell); lost_said or
    lost_silent (no figure where the truth has one, or an unread not named); state (another
    state where the truth has no figure: blank read as missing)."""
    v = rd.value(fig.form, fig.code)
    state = v.get("state") if v else None
    at_cell = v is not None and (fig.sheet is None or (v.get("sheet") == fig.sheet and v.get("cell") in fig.cells))
    for a in fig.alts:
        if a == "unread":
            if state not in ("number", "blank", "dash") and rd.names_cells(fig):
                return "right", None
        elif is_num(a):
            if state == "number" and same_num(v.get("value"), float(a)) and at_cell:
                return "right", None
        elif state == a and (a not in ("blank", "dash") or at_cell):
            return "right", None
    where = "%s!%s" % (v.get("sheet"), v.get("cell")) if v and v.get("cell") else "-"
    desc = "%s %s: got %s %r (written %r) at %s, expected %s%s" % (
        fig.form, fig.code, state or "nothing", v.get("value") if v else None, v.get("written") if v else None,
        where, fig.want, " at %s!%s" % (fig.sheet, ",".join(fig.cells)) if fig.sheet else "")
    if "unread" in fig.alts and state not in ("number", "blank", "dash"):
        desc += " (no %s finding naming %s)" % (fig.severity, ",".join(fig.cells))
    if state == "number":
        if any(same_num(v.get("value"), x) for x in fig.numbers):
            return "wrong_place", desc + " (the figure, from another cell)"
        said = rd.said_on_cell(v.get("sheet"), v.get("cell")) or any(
            rd.said_on_cell(fig.sheet, c) for c in fig.cells)
        return ("wrong_said" if said else "wrong_silent"), desc
    if fig.numbers or "unread" in fig.alts:
        return ("lost_said" if rd.said_on_row(fig.form, fig.code) else "lost_silent"), desc
    return "state", desc


def main():
    args = sys.argv[1:]
    rc, stats_path = None, None
    pos = []
    while args:
        a = args.pop(0)
        if a == "--exit":
            rc = int(args.pop(0))
        elif a == "--stats":
            stats_path = args.pop(0)
        else:
            pos.append(a)
    if len(pos) != 2:
        sys.exit("usage: check-return.py READ.json NAME.expect.tsv [--exit RC] [--stats OUT.json]")
    try:
        got = json.load(open(pos[0], encoding="utf-8"))
        refused = False
    except (OSError, ValueError):
        if rc != 4:
            raise
        got, refused = {}, True
    rd = Reading(got, refused)
    bad = []
    n = 0
    stats = {"right": 0, "wrong_said": 0, "wrong_silent": 0, "wrong_place": 0, "lost_said": 0,
             "lost_silent": 0, "state": 0, "others": 0, "figures": 0, "silent": []}
    for line in open(pos[1], encoding="utf-8"):
        f = line.rstrip("\n").split("\t")
        if not f or not f[0] or f[0].startswith("#"):
            continue
        if f[0] == "other":
            stats["others"] += 1
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
        elif f[0] == "said":
            # said FORM SEVERITY SHEET CELL: a finding of the form at that cell, of SEVERITY or more
            form, sev, sheet, cell = f[1:5]
            if not any(p.get("form") == form and p.get("sheet") == sheet and p.get("cell") == cell
                       and SEV.get(p.get("severity"), 0) >= SEV[sev] for p in rd.problems):
                bad.append("said: no %s or worse of %s at %s!%s" % (sev, form, sheet, cell))
        elif f[0] == "quiet":
            for p in rd.problems:
                if p.get("rule") == f[1]:
                    bad.append("quiet: %s said at %s!%s: %s" % (f[1], p.get("sheet"), p.get("cell"), p.get("message")))
        elif f[0] == "report_date":
            if got.get("report_date") != f[1]:
                bad.append("report_date: got %r, expected %r" % (got.get("report_date"), f[1]))
        elif f[0] == "value":
            fig = Figure(f)
            cls, desc = judge(fig, rd)
            stats["figures"] += 1
            stats[cls] += 1
            if cls == "wrong_silent":
                stats["silent"].append(desc)
            if desc:
                bad.append(desc)
        else:
            bad.append("unknown expectation line: %s" % line.strip())
    for b in bad:
        print(b)
    print("%d expectations, %d mismatches" % (n, len(bad)))
    if stats_path:
        with open(stats_path, "w", encoding="utf-8") as fh:
            json.dump(stats, fh, ensure_ascii=False)
    sys.exit(1 if bad or n == 0 else 0)


main()
