#!/usr/bin/env bash
# make demo: run tonghop on the bundled data. Until `merge` exists this dumps the bundled
# reader fixture, a slice of Biểu mẫu 1 of the seed return, and its read statistics.
# SPDX-License-Identifier: MIT
set -eu
T=${1:?usage: tests/demo.sh TONGHOP}
cd "$(dirname "$0")/.."
echo "\$ tonghop dump fixtures/reader-demo.xlsx"
"$T" dump fixtures/reader-demo.xlsx
echo
echo "\$ tonghop dump --stats fixtures/reader-demo.xlsx"
"$T" dump --stats fixtures/reader-demo.xlsx
