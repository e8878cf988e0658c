#!/usr/bin/env bash
# The Debian package (make deb): its control data (Depends covers every shared library the
# program needs, by the package that ships it here), apt accepts it as installable with
# what the archive has, and installed in a temporary root (dpkg-deb -x, and dpkg --root
# with its own database: installed, listed, removed) the program runs the demo with its
# installed data, as the built one does.
# Usage: tests/deb.sh PACKAGE.deb BUILT-TONGHOP. Ends with "N passed, N failed".
# SPDX-License-Identifier: MIT
set -u
DEB=${1:?usage: tests/deb.sh PACKAGE.deb TONGHOP}
T=${2:?usage: tests/deb.sh PACKAGE.deb TONGHOP}
case $DEB in /*) ;; *) DEB=$PWD/$DEB ;; esac
case $T in /*) ;; *) T=$PWD/$T ;; esac
cd "$(dirname "$0")/.." || exit 2
export LC_ALL=C.UTF-8 NO_COLOR=1
unset TONGHOP_SCHEMA TONGHOP_RULES TONGHOP_ROSTER TONGHOP_CALENDAR
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "PASS $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1: $2"; }

# ---- deb-001: control data
ctl=$(dpkg-deb -f "$DEB" Package Version Architecture Depends 2>&1)
depends=$(dpkg-deb -f "$DEB" Depends)
if printf '%s\n' "$ctl" | grep -q "^Package: tonghop$" &&
	printf '%s\n' "$ctl" | grep -q "^Version: $("$T" --version | sed 's/^tonghop //')$" &&
	printf '%s\n' "$ctl" | grep -q "^Architecture: $(dpkg --print-architecture)$"; then
	ok "deb-001-control"
else
	ko "deb-001-control" "$ctl"
fi

# ---- deb-002: every library the installed program needs is provided by a package it
# depends on (the package that ships that library on this Debian)
dpkg-deb -x "$DEB" "$tmp/x"
bin=$tmp/x/usr/bin/tonghop
missing=""
seen=""
paths=()
for lib in $(readelf -d "$bin" "$tmp/x/usr/lib/tonghop/tonghop-portal" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort -u); do
	path=$(ldconfig -p | awk -v l="$lib" '$1 == l { print $NF; exit }')
	paths+=("$lib=$path" "$lib=$(readlink -f "$path")")
done
# one dpkg -S for all of them (each call reads the whole database); a library is known to
# dpkg by its path as shipped (/lib/…) or as resolved (/usr/lib/…, merged /usr)
dpkg -S "${paths[@]#*=}" > "$tmp/owners" 2> /dev/null
for p in "${paths[@]}"; do
	owner=$(grep -F ": ${p#*=}" "$tmp/owners" | head -n 1 | cut -d: -f1)
	[ -n "$owner" ] || continue
	seen="$seen ${p%%=*}"
	case ", $depends" in
	*", $owner "* | *", $owner,"* | *", $owner") ;;
	*) missing="$missing ${p%%=*}(${owner:-no package})" ;;
	esac
done
for p in "${paths[@]}"; do
	case "$seen " in *" ${p%%=*} "*) ;; *) missing="$missing ${p%%=*}(no package)" ;; esac
done
[ "${#paths[@]}" -ge 18 ] || missing="$missing (only $((${#paths[@]} / 2)) libraries needed?)"
[ -z "$missing" ] && printf '%s' "$depends" | grep -q "libxlsxwriter" && printf '%s' "$depends" | grep -q "libzip4" &&
	ok "deb-002-depends-cover-needed-libraries" || ko "deb-002-depends-cover-needed-libraries" "not covered:$missing ($depends)"

# ---- deb-003: apt would install it with what the archive and this system have
if apt-get install -s -q "$DEB" > "$tmp/apt" 2>&1 && grep -q "^Inst tonghop" "$tmp/apt"; then
	ok "deb-003-apt-installable"
else
	ko "deb-003-apt-installable" "$(tail -n 5 "$tmp/apt")"
fi

# ---- deb-004: unpacked in a temporary root, the program finds its installed data and
# runs the demo shipped with it as the built program runs the bundled one
demo=$tmp/x/usr/share/doc/tonghop/examples/demo
(cd / && "$bin" config --period 2023-Q3) > "$tmp/config" 2>&1
(cd "$tmp" && "$bin" merge --period 2023-Q3 -o "$tmp/a.xlsx" --json "$tmp/a.json" "$demo") > "$tmp/a.out" 2>&1
rc=$?
"$T" merge --period 2023-Q3 -o "$tmp/b.xlsx" --json "$tmp/b.json" fixtures/demo > "$tmp/b.out" 2>&1
rc2=$?
sed -i "s#$demo#DEMO#g; s#$tmp/a.xlsx#OUT#" "$tmp/a.out"
sed -i "s#fixtures/demo#DEMO#g; s#$tmp/b.xlsx#OUT#" "$tmp/b.out"
if [ "$rc" = 4 ] && [ "$rc2" = 4 ] && grep -q "$tmp/x/usr/share/tonghop/schemas/cchc-haiduong-2023.ini" "$tmp/config" &&
	grep -q "$tmp/x/usr/share/tonghop/rules/cchc-haiduong-2023.ini" "$tmp/config" &&
	cmp -s "$tmp/a.out" "$tmp/b.out" && grep -q "^Đã nhận: 15/17" "$tmp/a.out" &&
	/usr/bin/python3 -c 'import openpyxl,sys; openpyxl.load_workbook(sys.argv[1])' "$tmp/a.xlsx"; then
	ok "deb-004-installed-runs-the-demo"
else
	ko "deb-004-installed-runs-the-demo" "exit $rc/$rc2 $(diff "$tmp/a.out" "$tmp/b.out" | head -n 4) $(head -n 3 "$tmp/config")"
fi
# the portal's commands run the packaged /usr/lib/tonghop/tonghop-portal
(cd / && "$bin" users --data "$tmp/portal" list) > "$tmp/users" 2>&1
rc=$?
[ "$rc" = 0 ] && grep -q "^0 tài khoản" "$tmp/users" && ok "deb-007-portal-part" ||
	ko "deb-007-portal-part" "exit $rc: $(head -n 2 "$tmp/users")"
# the manual and the completion are where man and bash look
[ -f "$tmp/x/usr/share/man/man1/tonghop.1.gz" ] && [ -f "$tmp/x/usr/share/man/en/man1/tonghop.1.gz" ] &&
	[ -f "$tmp/x/usr/share/bash-completion/completions/tonghop" ] && [ -f "$tmp/x/usr/share/doc/tonghop/copyright" ] &&
	zcat "$tmp/x/usr/share/man/man1/tonghop.1.gz" | grep -q "^.TH" &&
	ok "deb-005-manual-completion-copyright" || ko "deb-005-manual-completion-copyright" "$(dpkg-deb -c "$DEB" | grep -c usr/share)"

# ---- deb-006: dpkg itself installs it into a root of its own (its own database), lists
# its files, and removes it leaving no file behind
r=$tmp/root
mkdir -p "$r/var/lib/dpkg/info" "$r/var/lib/dpkg/updates" "$r/var/lib/dpkg/triggers"
: > "$r/var/lib/dpkg/status"
: > "$r/var/lib/dpkg/available"
if dpkg --root="$r" --force-depends --force-not-root -i "$DEB" > "$tmp/dpkg" 2>&1 &&
	dpkg --root="$r" -s tonghop 2> /dev/null | grep -q "^Status: install ok installed" &&
	dpkg --root="$r" -L tonghop | grep -q "^/usr/share/tonghop/rules/cchc-haiduong-2023.ini$" &&
	"$r/usr/bin/tonghop" rules > "$tmp/rules" 2>&1 && grep -q "^$r/usr/share/tonghop/rules/" "$tmp/rules" &&
	dpkg --root="$r" -r tonghop >> "$tmp/dpkg" 2>&1 && [ -z "$(find "$r/usr" -type f 2> /dev/null)" ]; then
	ok "deb-006-dpkg-root-install-remove"
else
	ko "deb-006-dpkg-root-install-remove" "$(tail -n 5 "$tmp/dpkg")"
fi

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
