#!/usr/bin/env bash
# `make install` and the manual: the program installed under a PREFIX (in a DESTDIR) finds
# its schemas and rules from its own place, run from anywhere, and reads a return as the
# built one does; both manual pages render without a warning, name every command and
# every option the program's --help lists, and their examples run.
# Usage: tests/install.sh TONGHOP. Ends with "N passed, N failed".
# SPDX-License-Identifier: MIT
set -u
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-exitcode=134}
T=$(cd "$(dirname "${1:?usage: tests/install.sh TONGHOP}")" && pwd)/$(basename "$1")
cd "$(dirname "$0")/.." || exit 2
export LC_ALL=C.UTF-8 NO_COLOR=1
unset TONGHOP_SCHEMA TONGHOP_RULES
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1: $2"; }
here=$(pwd)
root=$tmp/root
inst=$root/opt/tonghop

# ---- make install
if make --no-print-directory -s install-files BIN="$T" PREFIX=/opt/tonghop DESTDIR="$root" > "$tmp/log" 2>&1; then
	missing=""
	for f in bin/tonghop lib/tonghop/tonghop-portal share/tonghop/schemas/cchc-haiduong-2023.ini share/tonghop/schemas/roster-thanhmien.ini \
		share/tonghop/schemas/calendar-haiduong.ini share/tonghop/rules/cchc-haiduong-2023.ini \
		share/man/man1/tonghop.1 share/man/en/man1/tonghop.1; do
		[ -f "$inst/$f" ] || missing="$missing $f"
	done
	[ -x "$inst/bin/tonghop" ] && [ -x "$inst/lib/tonghop/tonghop-portal" ] || missing="$missing (not executable)"
	[ -z "$missing" ] && ok "install-001-files" || ko "install-001-files" "missing:$missing"
else
	ko "install-001-files" "$(tail -n 5 "$tmp/log")"
fi

# ---- the installed program finds its data, run from elsewhere
(cd / && "$inst/bin/tonghop" rules) > "$tmp/rules" 2>&1
rc=$?
if [ "$rc" = 0 ] && head -n 1 "$tmp/rules" | grep -q "^$inst/share/tonghop/rules/cchc-haiduong-2023.ini: [0-9]* quy tắc$"; then
	ok "install-002-finds-its-rules"
else
	ko "install-002-finds-its-rules" "exit $rc: $(head -n 2 "$tmp/rules")"
fi
ret=$here/fixtures/returns/seed002-sheets.xlsx
(cd "$tmp" && "$inst/bin/tonghop" check "$ret") > "$tmp/installed" 2>&1
rc1=$?
"$T" check "$ret" > "$tmp/built" 2>&1
rc2=$?
if [ "$rc1" = "$rc2" ] && cmp -s "$tmp/installed" "$tmp/built" && grep -q "Thị trấn Thanh Miện" "$tmp/installed"; then
	ok "install-003-checks-as-built"
else
	ko "install-003-checks-as-built" "exit $rc1/$rc2: $(diff "$tmp/installed" "$tmp/built" | head -n 4)"
fi

# ---- the portal's commands run the installed tonghop-portal (lib/tonghop/), and only that
# program loads the web, database and crypto libraries: tonghop starts without them
(cd / && "$inst/bin/tonghop" users --data "$tmp/portal-data" list) > "$tmp/users" 2>&1
rc=$?
needed=$(readelf -d "$T" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
if [ "$rc" = 0 ] && grep -q "^0 tài khoản" "$tmp/users" && [ -f "$tmp/portal-data/tonghop.db" ] &&
	! printf '%s' "$needed" | grep -Eq "libmicrohttpd|libsqlite3|libsodium|libjansson|libgnutls"; then
	ok "install-004-portal-part"
else
	ko "install-004-portal-part" "exit $rc: $(head -n 2 "$tmp/users") (tonghop needs: $needed)"
fi
# without its portal part (a copied program), the portal's commands say what is missing
mkdir -p "$tmp/alone"
cp "$T" "$tmp/alone/tonghop"
"$tmp/alone/tonghop" serve --data "$tmp/alone/d" > "$tmp/alone.out" 2>&1
rc=$?
"$tmp/alone/tonghop" rules > /dev/null 2>&1
rc2=$?
[ "$rc" = 5 ] && [ "$rc2" = 0 ] && grep -q "không chạy được phần cổng web (tonghop-portal) của lệnh 'serve'" "$tmp/alone.out" &&
	ok "install-005-portal-part-missing" || ko "install-005-portal-part-missing" "exit $rc/$rc2: $(head -n 2 "$tmp/alone.out")"

# ---- the manual pages
for page in doc/tonghop.1 doc/tonghop.en.1; do
	n=$(basename "$page")
	if command -v groff > /dev/null; then
		warn=$(groff -k -man -Tutf8 -ww -z "$page" 2>&1)
		[ -z "$warn" ] && ok "man-001-renders $n" || ko "man-001-renders $n" "$(printf '%s' "$warn" | head -n 3)"
	fi
	# every command of `tonghop --help` has its section, every option of each command's
	# --help appears in the page
	missing=""
	for c in $("$T" --help | sed -n 's/^  \([a-z]\{3,\}\)  .*/\1/p'); do
		grep -q "^\.SS \"\?$c\b" "$page" || missing="$missing $c"
		for o in $("$T" "$c" --help | grep -o -- '--[a-z][a-z-]*' | sort -u); do
			grep -qF -- "$(printf '%s' "$o" | sed 's/-/\\-/g')" "$page" || missing="$missing $c:$o"
		done
	done
	[ -z "$missing" ] && ok "man-002-complete $n" || ko "man-002-complete $n" "not in the page:$missing"
done

# every example of the pages runs (from the project root, writing under out/) with a valid
# command line: no usage, configuration or output failure, no crash. The portal's examples
# run in a scratch data folder (for /srv/tonghop), on a free port of the loopback (for
# 0.0.0.0:8080), and the server is stopped as Ctrl+C would (SIGINT) after a few seconds.
mkdir -p out "$tmp/bin"
ln -s "$T" "$tmp/bin/tonghop"
n=0
while IFS= read -r line; do
	n=$((n + 1))
	run=${line//\/srv\/tonghop/$tmp/srv}
	run=${run//0.0.0.0:8080/127.0.0.1:0}
	case $run in
	"tonghop serve "*) run="timeout --preserve-status -s INT 3 $run" ;;
	esac
	(PATH="$tmp/bin:$PATH" bash -c "$run") > "$tmp/ex.out" 2>&1 < /dev/null
	rc=$?
	case $rc in
	0 | 1 | 4) ok "man-003-example $line" ;;
	*) ko "man-003-example $line" "exit $rc: $(head -n 3 "$tmp/ex.out")" ;;
	esac
done < <(cat doc/tonghop.1 doc/tonghop.en.1 | awk '/^\.EX/ { on = 1; next } /^\.EE/ { on = 0 } on' |
	sed 's/\\-/-/g' | sort -u)
[ "$n" -gt 0 ] || ko "man-003-example" "no example found"

# Ctrl+C in a terminal, `timeout` and systemd signal the whole process group: the server gets
# the signal more than once while it stops, and must still end cleanly (exit 0, no thread left
# to die of the default action). Five starts, each sent SIGINT, SIGINT, SIGTERM at once.
bad=""
for i in 1 2 3 4 5; do
	"$T" serve --data "$tmp/srv-stop" --listen 127.0.0.1:0 --period 2023-Q3 2> "$tmp/stop.err" &
	pid=$!
	for j in $(seq 1 100); do
		grep -q "đang phục vụ" "$tmp/stop.err" && break
		sleep 0.05
	done
	kill -INT $pid
	kill -INT $pid
	kill -TERM $pid
	wait $pid
	rc=$?
	[ $rc = 0 ] && grep -q "dừng (tín hiệu" "$tmp/stop.err" || bad="$bad start $i: exit $rc;"
done
[ -z "$bad" ] && ok "serve-stop-001 repeated stop signals end cleanly" || ko "serve-stop-001" "$bad $(tail -n 2 "$tmp/stop.err")"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
