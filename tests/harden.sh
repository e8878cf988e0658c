#!/usr/bin/env bash
# The portal under attack and faults (issue #14): tests/harden/run.py against a real
# `tonghop serve` (the build given; the sanitizer one under make test) on 127.0.0.1.
# Ends with "N passed, N failed". Usage: tests/harden.sh path/to/tonghop [attack|faults]...
# SPDX-License-Identifier: MIT
set -u
T=$(realpath "${1:?usage: tests/harden.sh TONGHOP [attack|faults]...}")
shift
cd "$(dirname "$0")/.." || exit 2
if ! /usr/bin/python3 -c 'import openpyxl' 2>/dev/null; then
	echo "FAIL python3-openpyxl missing: run 'make deps'"
	echo "0 passed, 1 failed"
	exit 1
fi
exec /usr/bin/python3 tests/harden/run.py "$T" "$@"
