#!/usr/bin/python3 -S
"""The house rules of src/, checked (tests/arch.sh runs this).

  layers    a file in src/LAYER/ includes only headers of its own layer or of the
            layers below it: base < read < model < check < merge < write < serve < cli
  private   a header whose opening comment says "Private to src/DIR/" is included only
            by the files of src/DIR/
  cycles    no cycle among the headers' includes
  prints    library code (every layer but cli, and serve's files listed in COMMANDS)
            neither prints (printf, puts, putchar, perror, stdout, stderr) nor exits
            (exit, _exit, _Exit, quick_exit, abort outside base/mem.c)
  length    no function longer than MAX_LINES lines, unless the comment just above it
            says why ("long because ...")
  readme    the module table of README.md ("How it is built") names every file of src/
            and no other (checked when README.md sits beside SRC_DIR)

Usage: tests/arch.py SRC_DIR; prints one line per problem ("KIND FILE:LINE: what") and
exits 1 when there is any.
SPDX-License-Identifier: MIT
"""
import os
import re
import sys

LAYERS = ["base", "read", "model", "check", "merge", "write", "serve", "cli"]
# Files outside src/cli that are command code and may print and exit (none yet; the
# portal's command-line entry points live in src/cli).
COMMANDS = set()
# The one place that may abort: the allocator, after its hook said why.
ABORTS = {"base/mem.c"}
MAX_LINES = 100

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
PRIVATE = re.compile(r"Private to src/([a-z_]+)\b")
PRINTS = re.compile(r"\b(?:(printf|vprintf|puts|putchar|perror|exit|_exit|_Exit|quick_exit)\s*\(|(stdout|stderr)\b)")


TOKENS = re.compile(r"/\*.*?\*/|//[^\n]*|\"(?:\\.|[^\"\\\n])*\"|'(?:\\.|[^'\\\n])*'", re.S)
NOT_NEWLINE = re.compile(r"[^\n]")


def strip_code(text):
    """The text with comments and string/char literals blanked (newlines kept)."""
    def blank(m):
        s = m.group(0)
        if s[0] in "\"'":
            return s[0] + NOT_NEWLINE.sub(" ", s[1:-1]) + s[0]
        return NOT_NEWLINE.sub(" ", s)
    return TOKENS.sub(blank, text)


def sources(root):
    for layer in sorted(os.listdir(root)):
        d = os.path.join(root, layer)
        if not os.path.isdir(d):
            continue
        for dirpath, _, files in os.walk(d):
            for f in sorted(files):
                if f.endswith((".c", ".h")):
                    path = os.path.join(dirpath, f)
                    yield os.path.relpath(path, root)


def line_of(text, pos):
    return text.count("\n", 0, pos) + 1


def check(root):
    problems = []
    files = {rel: open(os.path.join(root, rel), encoding="utf-8").read() for rel in sources(root)}
    includes = {}
    private = {}
    for rel, text in files.items():
        includes[rel] = [(m.group(1), line_of(text, m.start())) for m in INCLUDE.finditer(text)]
        head = text[:1200]
        m = PRIVATE.search(head)
        if rel.endswith(".h") and m:
            private[rel] = m.group(1)

    # layers and private headers
    for rel, incs in includes.items():
        layer = rel.split("/")[0]
        if layer not in LAYERS:
            problems.append(f"layers {rel}:1: folder '{layer}' is no layer (add it to LAYERS in tests/arch.py)")
            continue
        for inc, line in incs:
            top = inc.split("/")[0]
            if "/" not in inc or top not in LAYERS:
                problems.append(f"layers {rel}:{line}: '{inc}' does not name its layer (\"layer/file.h\")")
                continue
            if inc not in files:
                problems.append(f"layers {rel}:{line}: '{inc}' is not in src/")
                continue
            if LAYERS.index(top) > LAYERS.index(layer):
                problems.append(f"layers {rel}:{line}: {layer}/ includes '{inc}' of the higher layer {top}/")
            owner = private.get(inc)
            if owner and owner != layer:
                problems.append(f"private {rel}:{line}: '{inc}' is private to src/{owner}/")

    # cycles among headers
    graph = {rel: [inc for inc, _ in incs if inc in files and inc.endswith(".h")]
             for rel, incs in includes.items() if rel.endswith(".h")}
    state = {}

    def visit(node, stack):
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                cyc = stack[stack.index(nxt):] + [nxt]
                problems.append(f"cycles {node}:1: include cycle {' -> '.join(cyc)}")
            elif nxt not in state:
                visit(nxt, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])

    # printing and exiting in library code
    for rel, text in files.items():
        if rel.startswith("cli/") or rel in COMMANDS:
            continue
        code = strip_code(text)
        for m in PRINTS.finditer(code):
            problems.append(f"prints {rel}:{line_of(code, m.start())}: library code uses '{m.group(1) or m.group(2)}' "
                            "(return a th_err; only src/cli prints or exits)")
        if rel not in ABORTS:
            for m in re.finditer(r"\babort\s*\(", code):
                problems.append(f"prints {rel}:{line_of(code, m.start())}: library code calls abort() "
                                "(th_oom for a failed allocation)")

    # function length
    for rel, text in files.items():
        if not rel.endswith(".c"):
            continue
        lines = text.split("\n")
        for i, l in enumerate(lines):
            if l != "{" or i == 0:
                continue
            j = i - 1
            while j > 0 and not re.match(r"[A-Za-z_]", lines[j]):
                j -= 1
            k = i + 1
            while k < len(lines) and lines[k] != "}":
                k += 1
            n = k - j + 1
            if n <= MAX_LINES:
                continue
            above = "\n".join(lines[max(0, j - 12):j])
            if "long because" in above:
                continue
            name = re.sub(r"\(.*", "", lines[j]).split()[-1].lstrip("*")
            problems.append(f"length {rel}:{j + 1}: {name}() is {n} lines (at most {MAX_LINES}, "
                            "or say why in its comment: 'long because ...')")
    return problems


def readme_files(path):
    """The files the module table of README.md names, as LAYER/FILE."""
    text = open(path, encoding="utf-8").read()
    start = text.find("## How it is built")
    block = text[text.find("```", start) + 3:]
    block = block[:block.find("```")]
    names, folder = set(), None
    for line in block.split("\n"):
        m = re.match(r"src/([a-z_]+)/", line)
        if m:
            folder = m.group(1)
            continue
        if not line.startswith("  ") or not folder:
            if line and not line.startswith(" "):
                folder = None
            continue
        head = re.split(r"\s{2,}", line.strip())[0]
        for tok in head.split():
            if tok.endswith(".[ch]"):
                names.update({f"{folder}/{tok[:-5]}.c", f"{folder}/{tok[:-5]}.h"})
            elif tok.endswith((".c", ".h")):
                names.add(f"{folder}/{tok}")
    return names


def check_readme(root, files):
    path = os.path.join(root, "..", "README.md")
    if not os.path.exists(path):
        return []
    named = readme_files(path)
    problems = [f"readme {f}:1: not in the module table of README.md" for f in sorted(set(files) - named)]
    problems += [f"readme README.md:1: the module table names {f}, which is not in src/"
                 for f in sorted(named - set(files))]
    return problems


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: tests/arch.py SRC_DIR")
    problems = check(sys.argv[1])
    problems += check_readme(sys.argv[1], list(sources(sys.argv[1])))
    for p in problems:
        print(p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
