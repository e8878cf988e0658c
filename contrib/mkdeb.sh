#!/usr/bin/env bash
# make deb: a Debian package of tonghop built with Debian's own tools. The files come from
# `make install-files PREFIX=/usr DESTDIR=…` (the program and its portal part
# /usr/lib/tonghop/tonghop-portal, its schemas and rules, the
# manual), with the bash completion, the licence as debian/copyright, the guides and the
# bundled demo returns (usr/share/doc/tonghop/examples/demo) beside them. Depends is what
# dpkg-shlibdeps reads from the libraries the program is linked with; dpkg-deb builds the
# package with root as owner. Timestamps are those of the last commit, so that the same tree
# gives the same package.
# Usage: contrib/mkdeb.sh PROGRAM OUTDIR   (writes OUTDIR/tonghop_VERSION_ARCH.deb, prints its path)
# SPDX-License-Identifier: MIT
set -eu
BIN=${1:?usage: contrib/mkdeb.sh PROGRAM OUTDIR}
OUT=${2:?usage: contrib/mkdeb.sh PROGRAM OUTDIR}
cd "$(dirname "$0")/.."
for tool in dpkg-deb dpkg-shlibdeps dpkg-architecture strip; do
	command -v "$tool" > /dev/null || { echo "mkdeb: $tool missing (make deb installs dpkg-dev, binutils)" >&2; exit 1; }
done
version=$("$BIN" --version | sed -n 's/^tonghop //p')
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
[ -n "$version" ] || { echo "mkdeb: $BIN --version says no version" >&2; exit 1; }
epoch=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2> /dev/null || date +%s)}

work=$OUT/deb
pkg=$work/debian/tonghop
rm -rf "$work"
mkdir -p "$pkg/DEBIAN" "$work/debian"
make --no-print-directory -s install-files BIN="$BIN" PREFIX=/usr DESTDIR="$pkg" > /dev/null
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$pkg/usr/bin/tonghop" \
	"$pkg/usr/lib/tonghop/tonghop-portal"
find "$pkg/usr/share/man" -type f -name '*.1' -exec gzip -9n {} +
install -D -m 644 contrib/tonghop.bash-completion "$pkg/usr/share/bash-completion/completions/tonghop"

doc=$pkg/usr/share/doc/tonghop
install -d "$doc/examples/demo"
install -m 644 README.md HUONG-DAN.md "$doc/"
install -m 644 rules/README.md "$doc/README.rules.md"
install -m 644 schemas/README.md "$doc/README.schemas.md"
find fixtures/demo -maxdepth 1 -type f -exec install -m 644 {} "$doc/examples/demo/" \;
{
	echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
	echo "Upstream-Name: tonghop"
	echo
	echo "Files: *"
	echo "Copyright: 2023-2026 the tonghop authors"
	echo "License: Expat"
	sed 's/^$/./; s/^/ /' LICENSE
} > "$doc/copyright"
{
	echo "tonghop ($version) unstable; urgency=medium"
	echo
	echo "  * Built from the tonghop tree by make deb."
	echo
	echo " -- tonghop authors <tonghop@localhost>  $(LC_ALL=C date -u -R -d "@$epoch")"
} | gzip -9n > "$doc/changelog.Debian.gz"

# Depends: from the shared libraries the two programs need, as Debian's shlibs/symbols say
printf 'Source: tonghop\n\nPackage: tonghop\nArchitecture: any\n' > "$work/debian/control"
depends=$(cd "$work" && dpkg-shlibdeps -O -e debian/tonghop/usr/bin/tonghop \
	-e debian/tonghop/usr/lib/tonghop/tonghop-portal 2> shlibdeps.log |
	sed -n 's/^shlibs:Depends=//p')
[ -n "$depends" ] || { cat "$work/shlibdeps.log" >&2; echo "mkdeb: dpkg-shlibdeps found no dependency" >&2; exit 1; }
size=$(du -sk --apparent-size "$pkg/usr" | cut -f1)
cat > "$pkg/DEBIAN/control" << EOF
Package: tonghop
Version: $version
Architecture: $arch
Maintainer: tonghop authors <tonghop@localhost>
Installed-Size: $size
Depends: $depends
Section: utils
Priority: optional
Homepage: https://localhost/tonghop
Description: consolidate Vietnamese administrative-reform (CCHC) returns
 tonghop ("tổng hợp") reads the quarterly returns that communes file (a workbook
 of seven statistical forms, .xlsx, .xls or .ods), checks each against the
 forms and the cross-check rules, and merges a period into one consolidated
 workbook with live totals, a summary of who sent what and when, and an error
 sheet; it also writes the blank return and each commune's feedback, and runs a
 small web portal where communes submit their returns.
 .
 The forms, rules, rosters and calendars are INI files under
 /usr/share/tonghop; the bundled demo returns are in
 /usr/share/doc/tonghop/examples/demo.
EOF
(cd "$pkg" && find usr -type f -print0 | sort -z | xargs -0 md5sum) > "$pkg/DEBIAN/md5sums"
find "$pkg" -exec touch -h -d "@$epoch" {} +
chmod -R u+rwX,go+rX,go-w "$pkg"
deb=$OUT/tonghop_${version}_${arch}.deb
SOURCE_DATE_EPOCH=$epoch dpkg-deb --root-owner-group -Zxz --build "$pkg" "$deb" > /dev/null
echo "$deb"
