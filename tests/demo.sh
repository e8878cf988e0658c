#!/usr/bin/env bash
# make demo: merge the bundled returns of huyện Thanh Miện for Q3/2023 (fixtures/demo/:
# 17 units, with a missing one, a late one, two versions of one, a broken file, a planted
# wrong figure...) into out/tong-hop.xlsx and out/tong-hop.json, and print the summary.
# SPDX-License-Identifier: MIT
set -u
T=${1:?usage: tests/demo.sh TONGHOP}
cd "$(dirname "$0")/.." || exit 2
mkdir -p out
echo "\$ tonghop merge --period 2023-Q3 -o out/tong-hop.xlsx --json out/tong-hop.json fixtures/demo"
"$T" merge --period 2023-Q3 -o out/tong-hop.xlsx --json out/tong-hop.json fixtures/demo
rc=$?
# 1 (returns with errors) and 4 (a file could not be read) are the demo's expected answers:
# the bundled data plants both on purpose; anything else is a failure.
case "$rc" in
0 | 1 | 4) echo; echo "Mở out/tong-hop.xlsx để xem sổ tổng hợp (mã thoát $rc)." ;;
*) echo "tonghop merge failed (exit $rc)" >&2; exit "$rc" ;;
esac
