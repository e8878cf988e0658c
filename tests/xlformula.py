# A small evaluator of spreadsheet formulas, written from Excel's documented semantics, for
# checking that the live totals tonghop writes compute what the merge says without needing
# Excel or LibreOffice. It knows the functions the totals use: SUM, SUMPRODUCT, ISNUMBER,
# COUNT, COUNTIF (numeric criterion), MIN, MODE, IF, IFERROR; the operators = <> < > <= >=
# & + - * / and unary minus; string and number literals; A1 cells and ranges on the same
# sheet. Anything else raises ValueError, so an unexpected formula fails the test loudly.
# SPDX-License-Identifier: MIT
import re

from openpyxl.utils.cell import coordinate_from_string, column_index_from_string


class XlError(Exception):
    """An Excel error value such as #N/A or #DIV/0!: IFERROR catches it."""


TOKEN = re.compile(r'\s*(?:(?P<str>"(?:[^"]|"")*")|(?P<range>\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)'
                   r'|(?P<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)|(?P<name>[A-Z][A-Z0-9.]*)(?=\()'
                   r'|(?P<op><>|<=|>=|[-+*/&=<>(),]))')


def tokens(text):
    pos, out = 0, []
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m or m.end() == pos:
            if text[pos:].strip() == "":
                break
            raise ValueError("cannot read formula at %r" % text[pos:])
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


class Evaluator:
    def __init__(self, cell):
        self.cell = cell  # cell(row, col) -> value (1-based), None for an empty cell

    def evaluate(self, formula):
        self.t = tokens(formula[1:] if formula.startswith("=") else formula)
        self.i = 0
        v = self.compare()
        if self.i != len(self.t):
            raise ValueError("trailing text in %r" % formula)
        return v

    def peek(self):
        return self.t[self.i] if self.i < len(self.t) else (None, None)

    def take(self, want=None):
        tok = self.peek()
        if want is not None and tok[1] != want:
            raise ValueError("expected %r, got %r" % (want, tok))
        self.i += 1
        return tok

    def compare(self):
        a = self.concat()
        while self.peek()[1] in ("=", "<>", "<", ">", "<=", ">="):
            op = self.take()[1]
            b = self.concat()
            a = {"=": a == b, "<>": a != b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
        return a

    def concat(self):
        a = self.additive()
        while self.peek()[1] == "&":
            self.take()
            b = self.additive()
            a = text_of(a) + text_of(b)
        return a

    def additive(self):
        a = self.term()
        while self.peek()[1] in ("+", "-"):
            op = self.take()[1]
            b = self.term()
            a = num_of(a) + num_of(b) if op == "+" else num_of(a) - num_of(b)
        return a

    def term(self):
        a = self.unary()
        while self.peek()[1] in ("*", "/"):
            op = self.take()[1]
            b = self.unary()
            if op == "*":
                a = num_of(a) * num_of(b)
            elif num_of(b) == 0:
                raise XlError("#DIV/0!")
            else:
                a = num_of(a) / num_of(b)
        return a

    def unary(self):
        if self.peek()[1] == "-":
            self.take()
            v = self.unary()
            return [-num_of(x) for x in v] if isinstance(v, list) else -num_of(v)
        return self.primary()

    def primary(self):
        kind, text = self.take()
        if kind == "num":
            return float(text)
        if kind == "str":
            return text[1:-1].replace('""', '"')
        if kind == "range":
            return self.range_values(text)
        if kind == "name":
            return self.call(text)
        if text == "(":
            v = self.compare()
            self.take(")")
            return v
        raise ValueError("unexpected %r" % text)

    def range_values(self, ref):
        parts = ref.replace("$", "").split(":")
        c1, r1 = coordinate_from_string(parts[0])
        c2, r2 = coordinate_from_string(parts[-1])
        cols = range(column_index_from_string(c1), column_index_from_string(c2) + 1)
        vals = [self.cell(r, c) for r in range(r1, r2 + 1) for c in cols]
        return vals if len(parts) == 2 else vals[0]

    def args(self):
        """The raw argument token spans of a call, so IF and IFERROR evaluate lazily."""
        self.take("(")
        spans, depth, start = [], 0, self.i
        while True:
            kind, text = self.take()
            if kind is None:
                raise ValueError("unclosed call")
            if kind == "op" and text == "(":
                depth += 1
            elif kind == "op" and text == ")" and depth:
                depth -= 1
            elif kind == "op" and text in (",", ")") and not depth:
                spans.append((start, self.i - 1))
                start = self.i
                if text == ")":
                    return spans

    def arg(self, span):
        saved_t, saved_i = self.t, self.i
        self.t, self.i = self.t[span[0]:span[1]], 0
        try:
            v = self.compare()
            if self.i != len(self.t):
                raise ValueError("trailing tokens in argument")
            return v
        finally:
            self.t, self.i = saved_t, saved_i

    def call(self, name):
        spans = self.args()
        a = lambda k: self.arg(spans[k])
        if name == "IF":
            return a(1) if truthy(a(0)) else (a(2) if len(spans) > 2 else False)
        if name == "IFERROR":
            try:
                return a(0)
            except XlError:
                return a(1)
        vals = [a(k) for k in range(len(spans))]
        flat = lambda v: v if isinstance(v, list) else [v]
        if name == "SUM":
            return sum(x for v in vals for x in flat(v) if is_num(x))
        if name == "COUNT":
            return sum(1 for v in vals for x in flat(v) if is_num(x))
        if name == "MIN":
            nums = [x for v in vals for x in flat(v) if is_num(x)]
            return min(nums) if nums else 0
        if name == "ISNUMBER":
            return [is_num(x) for x in vals[0]] if isinstance(vals[0], list) else is_num(vals[0])
        if name == "SUMPRODUCT":
            # non-numeric entries count as 0 (Excel's documented rule)
            arrays = [flat(v) for v in vals]
            if len({len(x) for x in arrays}) != 1:
                raise XlError("#VALUE!")
            total = 0
            for row in zip(*arrays):
                p = 1
                for x in row:
                    p *= (1 if x else 0) if isinstance(x, bool) else (x if is_num(x) else 0)
                total += p
            return total
        if name == "COUNTIF":
            crit = vals[1]
            if not is_num(crit):
                raise ValueError("COUNTIF: only a numeric criterion is known here")
            return sum(1 for x in flat(vals[0]) if is_num(x) and x == crit)
        if name == "MODE":
            nums = [x for v in vals for x in flat(v) if is_num(x)]
            best, best_n = None, 1
            for x in nums:  # the first value of the highest count (more than one)
                n = nums.count(x)
                if n > best_n:
                    best, best_n = x, n
            if best is None:
                raise XlError("#N/A")
            return best
        raise ValueError("function %s is not known to this evaluator" % name)


def truthy(v):
    if isinstance(v, str):
        raise XlError("#VALUE!")
    return bool(v)


def num_of(v):
    if isinstance(v, bool):
        return 1 if v else 0
    if v is None:
        return 0
    if is_num(v):
        return v
    raise XlError("#VALUE!")


def text_of(v):
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if is_num(v):
        return ("%d" % v) if float(v).is_integer() else repr(float(v))
    return "" if v is None else v
