#!/usr/bin/env bash
# The browser suite: hand out a commune's and the office's accounts with `tonghop users`,
# start `tonghop serve` (the build given, the sanitizer one under make test) on a free
# 127.0.0.1 port with a fresh data folder, walk through the portal in Debian's headless
# Chromium (portal.mjs), check the downloaded workbook with openpyxl (check-workbook.py),
# and stop the server, which must exit cleanly (no sanitizer report). Screenshots go to
# build/browser/. Ends with "N passed, N failed".
# Usage: tests/browser/run.sh path/to/tonghop
# SPDX-License-Identifier: MIT
set -u
T=$(realpath "${1:?usage: tests/browser/run.sh TONGHOP}")
cd "$(dirname "$0")/../.." || exit 2
root=$(pwd)
shots="$root/build/browser"
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "PASS $*"; }
ko() { fail=$((fail + 1)); echo "FAIL $*"; }

if [ ! -d tests/browser/node_modules/playwright-core ] || [ ! -x /usr/bin/chromium ]; then
	ko "playwright-core or /usr/bin/chromium missing: run 'make deps'"
	echo "$pass passed, $fail failed"
	exit 1
fi
data=$(mktemp -d)
pid=
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -rf "$data"
}
trap cleanup EXIT
rm -rf "$shots"
mkdir -p "$shots"

otp() { sed -n 's/^mật khẩu dùng một lần: //p'; }
unit_pw=$("$T" users --data "$data" --roster schemas/roster-thanhmien.ini add --unit 11263 | otp)
office_pw=$("$T" users --data "$data" add --office vanphong | otp)
[ -n "$unit_pw" ] && [ -n "$office_pw" ] && ok "users add prints one-time passwords" || ko "users add"

# a unit not in the roster, a name taken: refused with a usage error
"$T" users --data "$data" --roster schemas/roster-thanhmien.ini add --unit 99999 2>/dev/null
[ $? = 2 ] && ok "users add refuses a unit outside the roster" || ko "users add --unit 99999"
"$T" users --data "$data" add --office vanphong >/dev/null 2>&1
[ $? = 2 ] && ok "users add refuses a name taken" || ko "users add taken name"

"$T" serve --data "$data" --listen 127.0.0.1:0 --period 2023-Q3 2>"$data/serve.log" &
pid=$!
port=
for _ in $(seq 1 100); do
	port=$(sed -n 's|^tonghop serve: đang phục vụ tại http://127.0.0.1:\([0-9]*\) .*|\1|p' "$data/serve.log")
	[ -n "$port" ] && break
	kill -0 "$pid" 2>/dev/null || break
	sleep 0.2
done
if [ -z "$port" ]; then
	ko "tonghop serve did not start"
	cat "$data/serve.log"
	echo "$pass passed, $fail failed"
	exit 1
fi
ok "tonghop serve listens on 127.0.0.1:$port"

out=$(cd tests/browser && URL="http://127.0.0.1:$port" UNIT_PW="$unit_pw" OFFICE_PW="$office_pw" SHOTS="$shots" \
	DEMO="$root/fixtures/demo" PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 timeout 300 node portal.mjs 2>&1)
printf '%s\n' "$out" | grep -v '^[0-9]* passed, '
line=$(printf '%s\n' "$out" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n 1)
if [ -n "$line" ]; then
	pass=$((pass + ${line%% passed*}))
	f=${line#*, }
	fail=$((fail + ${f%% failed*}))
else
	ko "portal.mjs gave no result line"
fi

if [ -f "$shots/tong-hop.xlsx" ]; then
	if res=$(/usr/bin/python3 tests/browser/check-workbook.py "$shots/tong-hop.xlsx" \
		11263=fixtures/demo/11263-doanket-v2.xlsx 2>&1); then
		ok "openpyxl confirms the workbook's figures and totals ($(printf '%s' "$res" | tail -n 1))"
	else
		ko "openpyxl: workbook check"
		printf '%s\n' "$res" | tail -n 20
	fi
	# the workbook holds the accepted version, not the first one
	if /usr/bin/python3 tests/browser/check-workbook.py "$shots/tong-hop.xlsx" \
		11263=fixtures/demo/11263-doanket-v1.xlsx >/dev/null 2>&1; then
		ko "the workbook matched the returned version too"
	else
		ok "the workbook is built from the accepted version, not the returned one"
	fi
else
	ko "no workbook downloaded"
fi

# the HTTP glue's limits, seen from outside (curl): an upload declared over the cap is
# refused before its body is read; one streamed without a length is cut off at the cap
auth="11263:Mùa thu Thanh Miện 2023"
api="http://127.0.0.1:$port/api/v1/returns?period=2023-Q3&dry_run=1"
head -c 21000000 /dev/zero > "$data/big.xlsx"
code=$(curl -s -o "$data/r1" -w '%{http_code}' -u "$auth" -F "file=@$data/big.xlsx" "$api")
grep -q '"code":65' "$data/r1" && [ "$code" = 413 ] && ok "an upload over the cap is refused (413)" ||
	ko "upload over the cap: $code $(cat "$data/r1")"
code=$(curl -s -o "$data/r2" -w '%{http_code}' -u "$auth" -H 'Transfer-Encoding: chunked' \
	-F "file=@$data/big.xlsx" "$api")
[ "$code" = 413 ] && ok "a chunked upload over the cap is cut off (413)" || ko "chunked upload over the cap: $code"
printf 'not a spreadsheet' > "$data/text.xlsx"
code=$(curl -s -o "$data/r3" -w '%{http_code}' -u "$auth" -F "file=@$data/text.xlsx" "$api")
[ "$code" = 422 ] && grep -q 'không phải bảng tính Excel' "$data/r3" && ok "a file sniffed as no spreadsheet is refused (422)" ||
	ko "text upload: $code $(cat "$data/r3")"
code=$(curl -s -o "$data/r4" -w '%{http_code}' -u "$auth" -F "file=@fixtures/demo/11263-doanket-v1.xlsx" "$api")
[ "$code" = 200 ] && grep -q '"cell":"D17"' "$data/r4" && ok "the API checks a return sent by curl (dry run)" ||
	ko "API dry run: $code $(head -c 300 "$data/r4")"
for _ in 1 2 3 4 5 6 7 8 9 10; do # a request's files go when it completes, just after its answer
	left=$(find "$data/tmp" -type f | wc -l)
	[ "$left" = 0 ] && break
	sleep 0.2
done
[ "$left" = 0 ] && ok "no spool file left in tmp/" || ko "$left spool files left in tmp/"

kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
[ "$rc" = 0 ] && ok "tonghop serve stops cleanly on SIGTERM" || ko "tonghop serve exit $rc"
if grep -qE 'AddressSanitizer|runtime error|LeakSanitizer' "$data/serve.log"; then
	ko "sanitizer report in the server's log"
	grep -E -A20 'AddressSanitizer|runtime error|LeakSanitizer' "$data/serve.log" | head -40
else
	ok "no sanitizer report in the server's log"
fi
n=$(grep -c '" [0-9][0-9][0-9] ' "$data/serve.log")
[ "$n" -gt 20 ] && ok "one access-log line per request ($n)" || ko "access log has $n lines"
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
