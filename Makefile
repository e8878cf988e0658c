# tonghop: one plain GNU Makefile.
#   make            build build/tonghop (optimised)
#   make deps       install the Debian packages the build and tests need (apt-get)
#   make demo       deps + build + run tonghop on the bundled data
#   make test       build with ASan/UBSan and run every test; ends with "N passed, N failed"
#   make quicktest  every suite but the two corpora, on the optimised build (under a minute)
#   make install    PREFIX=/usr/local DESTDIR=: the program, its schemas and rules under
#                   share/tonghop, the manual (Vietnamese; English under man/en)
#   make deb        build/tonghop_VERSION_ARCH.deb (dpkg-deb; Depends by dpkg-shlibdeps)
#   make deb-test   the package installed in temporary roots and run (also in make test)
#   make bench      speed figures (generated data, not committed)
#   make bench-serve the portal under a burst of uploads (3,321 units x 4) and slow clients,
#                   on 127.0.0.1: uploads/s, latencies, peak memory (figures, not a test)
#   make snapshot   every output on the bundled data and its SHA-256 (build/snapshot/snapshot.sha)
#   make fuzz       libFuzzer targets (clang)
#   make layouts    the returns-as-they-come suite alone (tests/layouts), on the optimised build
#   make layouts-lo make the LibreOffice-written cases of tests/layouts/lo again (LibreOffice)
# CC, CFLAGS, CPPFLAGS and LDFLAGS are taken from the environment or the command line.
# Warnings are errors in the test builds and with DEVELOPER=1, never in a packager's
# plain `make`: a newer compiler's new warning must not break a release build.
# SPDX-License-Identifier: MIT

ifeq ($(origin CC),default)
CC = gcc
endif
PKG_CONFIG ?= pkg-config
Q = @
ifeq ($(V),1)
Q =
endif

# the libraries of every command, and those of the portal's alone (tonghop-portal)
CORE_PKGS = libzip expat libpcre2-8 libutf8proc xlsxwriter
PORTAL_PKGS = libmicrohttpd sqlite3 libsodium jansson
PKGS = $(CORE_PKGS) $(PORTAL_PKGS)
INIPARSER_CFLAGS := $(shell $(PKG_CONFIG) --cflags iniparser 2>/dev/null || echo -I/usr/include/iniparser)
INIPARSER_LIBS := $(shell $(PKG_CONFIG) --libs iniparser 2>/dev/null || echo -liniparser)
DEB_PACKAGES = gcc make pkg-config libzip-dev libexpat1-dev libxlsxwriter-dev libpcre2-dev \
	libiniparser-dev libutf8proc-dev libcmocka-dev libfreexl-dev zip unzip python3 python3-openpyxl time \
	libmicrohttpd-dev libsqlite3-dev libsodium-dev libjansson-dev chromium curl \
	libreoffice-calc-nogui poppler-utils
# node and npm for the browser test (tests/browser): Debian's, unless a node with npm is there
NODE_PACKAGES = nodejs npm
FUZZ_PACKAGES = clang libclang-rt-14-dev
LO_PACKAGES = libreoffice-calc-nogui
# what make deb builds the package with (dpkg-deb, dpkg-shlibdeps; strip)
DEB_TOOLS = dpkg-dev binutils

WARN = -Wall -Wextra -Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition -Wshadow \
	-Wformat=2 -Wvla -Wwrite-strings -fno-common
WERROR = -Werror
ifeq ($(DEVELOPER),1)
DEV_WERROR = $(WERROR)
endif
STD = -std=c11 -D_POSIX_C_SOURCE=200809L -pthread
DEP_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null) $(INIPARSER_CFLAGS)
DEP_LIBS := $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null) -lm -pthread
CORE_LIBS := $(shell $(PKG_CONFIG) --libs $(CORE_PKGS) 2>/dev/null) -lm -pthread
# iniparser is the oracle the INI loader is tested against (tests/unit/test_ini.c); the
# program reads INI files itself, in linear time (src/base/ini.c says why)
CFLAGS ?= -O2 -g
ALL_CFLAGS = $(STD) $(WARN) $(DEV_WERROR) $(DEP_CFLAGS) $(CPPFLAGS) $(CFLAGS) -MMD -MP
SAN = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

# The library, one folder per layer (each may use the ones before it), and the commands.
LAYERS = base read model check merge write serve
LIB_SRC = $(foreach l,$(LAYERS),$(sort $(wildcard src/$(l)/*.c)))
# tonghop: every layer but serve, and the commands but the portal's; tonghop-portal: the
# whole library, the portal's commands and what the commands share (cli.h says why two)
CORE_SRC = $(filter-out src/serve/%,$(LIB_SRC))
PORTAL_CLI = src/cli/cmd_serve.c src/cli/cmd_users.c src/cli/cmd_backup.c src/cli/portal_main.c
CLI_SRC = $(filter-out $(PORTAL_CLI),$(sort $(wildcard src/cli/*.c)))
PORTAL_SRC = $(LIB_SRC) $(PORTAL_CLI) $(filter-out src/cli/main.c src/cli/cmd_portal.c,$(CLI_SRC))
UNIT_TESTS = $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))

B = build
A = build/asan

LIB_OBJ = $(LIB_SRC:src/%.c=$(B)/obj/%.o)
CLI_OBJ = $(CLI_SRC:src/%.c=$(B)/obj/%.o)
CORE_OBJ = $(CORE_SRC:src/%.c=$(B)/obj/%.o)
PORTAL_OBJ = $(PORTAL_SRC:src/%.c=$(B)/obj/%.o)
ALIB_OBJ = $(LIB_SRC:src/%.c=$(A)/obj/%.o)
ACLI_OBJ = $(CLI_SRC:src/%.c=$(A)/obj/%.o)
ACORE_OBJ = $(CORE_SRC:src/%.c=$(A)/obj/%.o)
APORTAL_OBJ = $(PORTAL_SRC:src/%.c=$(A)/obj/%.o)

PREFIX ?= /usr/local
BINDIR = $(PREFIX)/bin
PORTALDIR = $(PREFIX)/lib/tonghop
DATADIR = $(PREFIX)/share/tonghop
MANDIR = $(PREFIX)/share/man

.PHONY: all deps install-packages check-deps demo test quicktest unit bench fuzz clean fixtures layouts \
	layouts-lo snapshot install install-files deb deb-test bench-serve
all: check-deps $(B)/tonghop $(B)/tonghop-portal

check-deps:
	@test -f /usr/include/iniparser/iniparser.h || { echo "missing dependency: iniparser (run 'make deps')"; exit 1; }
	@for p in $(PKGS); do $(PKG_CONFIG) --exists $$p || { \
		echo "missing dependency: $$p (run 'make deps')"; exit 1; }; done
	@test -f /usr/include/cmocka.h || echo "note: cmocka missing, 'make test' needs it (make deps)"
	@$(PKG_CONFIG) --exists freexl || echo "note: FreeXL missing, 'make test' needs it (make deps)"

deps:
	$(Q)$(MAKE) --no-print-directory install-packages PACKAGES="$(DEB_PACKAGES)"
	$(Q)command -v npm >/dev/null || $(MAKE) --no-print-directory install-packages PACKAGES="$(NODE_PACKAGES)"
	$(Q)cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error

# install-packages PACKAGES="...": apt-get install those not installed yet
install-packages:
	@missing=""; for p in $(PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else echo "all Debian packages present"; fi

$(B)/obj/%.o: src/%.c
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(ALL_CFLAGS) -Isrc -c $< -o $@

$(A)/obj/%.o: src/%.c
	@echo "  CC      $@"
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(STD) $(WARN) $(WERROR) $(DEP_CFLAGS) $(SAN) -Isrc -MMD -MP -c $< -o $@

$(B)/tonghop: $(CORE_OBJ) $(CLI_OBJ)
	@echo "  LINK    $@"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(CORE_LIBS)

$(B)/tonghop-portal: $(PORTAL_OBJ)
	@echo "  LINK    $@"
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(DEP_LIBS)

$(A)/tonghop: $(ACORE_OBJ) $(ACLI_OBJ)
	@echo "  LINK    $@"
	$(Q)$(CC) $(SAN) $(LDFLAGS) -o $@ $^ $(CORE_LIBS)

$(A)/tonghop-portal: $(APORTAL_OBJ)
	@echo "  LINK    $@"
	$(Q)$(CC) $(SAN) $(LDFLAGS) -o $@ $^ $(DEP_LIBS)

$(A)/test_%: tests/unit/test_%.c $(ALIB_OBJ) | $(A)/obj
	@echo "  CC      $@"
	$(Q)$(CC) $(STD) $(WARN) $(WERROR) $(DEP_CFLAGS) $(SAN) -Isrc -o $@ $< $(ALIB_OBJ) $(DEP_LIBS) $(INIPARSER_LIBS) -lcmocka

# FreeXL is the second .xls reader of test_xls (tests only: tonghop reads .xls itself)
$(A)/test_xls: tests/unit/test_xls.c $(ALIB_OBJ) | $(A)/obj
	@echo "  CC      $@"
	$(Q)$(CC) $(STD) $(WARN) $(WERROR) $(DEP_CFLAGS) $(SAN) -Isrc -o $@ $< $(ALIB_OBJ) $(DEP_LIBS) -lcmocka \
		$(shell $(PKG_CONFIG) --cflags --libs freexl)

$(B)/test_%: tests/unit/test_%.c $(LIB_OBJ) | $(B)/obj
	@echo "  CC      $@"
	$(Q)$(CC) $(STD) $(WARN) $(WERROR) $(DEP_CFLAGS) $(CFLAGS) -Isrc $(LDFLAGS) -o $@ $< $(LIB_OBJ) $(DEP_LIBS) \
		$(INIPARSER_LIBS) -lcmocka

$(B)/test_xls: tests/unit/test_xls.c $(LIB_OBJ) | $(B)/obj
	@echo "  CC      $@"
	$(Q)$(CC) $(STD) $(WARN) $(WERROR) $(DEP_CFLAGS) $(CFLAGS) -Isrc $(LDFLAGS) -o $@ $< $(LIB_OBJ) $(DEP_LIBS) \
		-lcmocka $(shell $(PKG_CONFIG) --cflags --libs freexl)

$(B)/fuzz_replay: tests/fuzz/fuzz_reader.c tests/fuzz/replay.c $(LIB_OBJ) | $(B)/obj
	@echo "  CC      $@"
	$(Q)$(CC) $(STD) $(WARN) $(WERROR) $(DEP_CFLAGS) $(CFLAGS) -Isrc $(LDFLAGS) -o $@ tests/fuzz/fuzz_reader.c \
		tests/fuzz/replay.c $(LIB_OBJ) $(DEP_LIBS)

$(A)/fuzz_replay: tests/fuzz/fuzz_reader.c tests/fuzz/replay.c $(ALIB_OBJ) | $(A)/obj
	@echo "  CC      $@"
	$(Q)$(CC) $(STD) $(WARN) $(WERROR) $(DEP_CFLAGS) $(SAN) -Isrc -o $@ tests/fuzz/fuzz_reader.c tests/fuzz/replay.c $(ALIB_OBJ) $(DEP_LIBS)

$(B)/obj $(A)/obj:
	$(Q)mkdir -p $@

demo: deps
	$(Q)$(MAKE) --no-print-directory all
	$(Q)tests/demo.sh $(B)/tonghop

TEST_BINS = $(A)/tonghop $(A)/tonghop-portal $(UNIT_TESTS:%=$(A)/%) $(A)/fuzz_replay $(B)/make_fixtures $(B)/gen_big $(B)/gen_lxw \
	$(B)/gen_returns $(B)/tonghop $(B)/tonghop-portal

test: check-deps $(TEST_BINS) deb
	$(Q)TONGHOP_DEB=$(DEB_FILE) tests/run-all.sh $(A)

# Under a minute: everything but the two corpora (shared, tests/layouts), on the optimised
# build (warnings as errors, no sanitizers: make test has them), without the browser suite.
QUICK_BINS = $(B)/tonghop $(B)/tonghop-portal $(UNIT_TESTS:%=$(B)/%) $(B)/fuzz_replay $(B)/make_fixtures $(B)/gen_returns $(B)/gen_big

quicktest: check-deps
	$(Q)$(MAKE) --no-print-directory DEVELOPER=1 $(QUICK_BINS)
	$(Q)tests/run-all.sh --quick $(B)

# Install the program and its data; the program finds them from its own place
# (bin/tonghop -> share/tonghop/schemas), wherever it is run from.
install: all
	$(Q)$(MAKE) --no-print-directory install-files BIN=$(B)/tonghop

# install-files BIN=PROGRAM: the files alone (the tests install the program they test); the
# portal's program is the tonghop-portal beside BIN, installed in lib/tonghop/.
install-files:
	@test -n "$(BIN)" || { echo "install-files needs BIN=PROGRAM"; exit 1; }
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(PORTALDIR) $(DESTDIR)$(DATADIR)/schemas $(DESTDIR)$(DATADIR)/rules
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/tonghop
	install -m 755 $(dir $(BIN))tonghop-portal $(DESTDIR)$(PORTALDIR)/tonghop-portal
	$(Q)for d in schemas rules; do (cd $$d && find . -type f -name '*.ini') | while read -r f; do \
		install -D -m 644 "$$d/$$f" "$(DESTDIR)$(DATADIR)/$$d/$$f" || exit 1; done || exit 1; done
	install -D -m 644 doc/tonghop.1 $(DESTDIR)$(MANDIR)/man1/tonghop.1
	install -D -m 644 doc/tonghop.en.1 $(DESTDIR)$(MANDIR)/en/man1/tonghop.1

# The Debian package, from the optimised build and `make install-files` (contrib/mkdeb.sh).
VERSION := $(shell sed -n 's/^\#define TH_VERSION "\(.*\)"/\1/p' src/base/version.h)
DEB_ARCH := $(shell dpkg --print-architecture 2>/dev/null)
DEB_FILE = $(B)/tonghop_$(VERSION)_$(DEB_ARCH).deb

deb: all
	$(Q)$(MAKE) --no-print-directory install-packages PACKAGES="$(DEB_TOOLS)"
	$(Q)contrib/mkdeb.sh $(B)/tonghop $(B)

deb-test: deb
	$(Q)tests/deb.sh $(DEB_FILE) $(B)/tonghop

layouts: all $(B)/gen_lxw
	$(Q)tests/layouts/run.sh $(B)/tonghop $(B)/gen_lxw

# The committed LibreOffice-written cases: LibreOffice is needed only here, not by make test.
layouts-lo: $(B)/gen_lxw
	$(Q)$(MAKE) --no-print-directory install-packages PACKAGES="$(LO_PACKAGES)"
	$(Q)rm -rf $(B)/layouts-lo && /usr/bin/python3 tests/layouts/gen.py $(B)/layouts-lo --lxw $(B)/gen_lxw --lo

# Byte-identity check for changes meant to keep behaviour (see tests/snapshot.sh).
snapshot: all
	$(Q)tests/snapshot.sh $(B)/tonghop $(B)/snapshot

bench: all $(B)/gen_big $(B)/floor $(B)/gen_returns $(B)/read_all
	$(Q)bench/run.sh $(B)

# The national roster's returns for 2026-Q1 (gen_returns, mostly clean), made once.
SERVE_RETURNS = $(B)/bench/serve/returns
bench-serve: all $(B)/gen_returns
	$(Q)if [ ! -d $(SERVE_RETURNS) ] || [ bench/gen_returns.c -nt $(SERVE_RETURNS) ]; then \
		rm -rf $(B)/bench/serve && mkdir -p $(B)/bench && \
		$(B)/gen_returns --clean rules/cchc-haiduong-2023.ini --roster schemas/roster-national.ini \
			--period 2026-Q1 --calendar schemas/calendar-national.ini schemas/cchc-haiduong-2023.ini \
			$(B)/bench/serve 0 >/dev/null || exit 1; fi
	$(Q)/usr/bin/python3 bench/serve_load.py $(B)/tonghop $(SERVE_RETURNS)

$(B)/make_fixtures: fixtures/make_fixtures.c | $(B)/obj
	$(Q)$(CC) -O2 $(STD) $(WARN) $(WERROR) -o $@ $< $(shell $(PKG_CONFIG) --cflags --libs xlsxwriter)

# Regenerate the committed fixtures (a test checks they are up to date).
fixtures: $(B)/make_fixtures
	$(Q)$(B)/make_fixtures fixtures

# tests/layouts: writes a case's workbook with libxlsxwriter from the spec gen.py makes
$(B)/gen_lxw: tests/layouts/gen_lxw.c | $(B)/obj
	$(Q)$(CC) -O2 $(STD) $(WARN) $(WERROR) -o $@ $< $(shell $(PKG_CONFIG) --cflags --libs xlsxwriter)

$(B)/gen_big: bench/gen_big.c | $(B)/obj
	$(Q)$(CC) -O2 $(STD) $(WARN) $(WERROR) -o $@ $< $(shell $(PKG_CONFIG) --cflags --libs libzip)

$(B)/gen_returns: bench/gen_returns.c $(LIB_OBJ) | $(B)/obj
	$(Q)$(CC) $(ALL_CFLAGS) -Isrc $(LDFLAGS) -o $@ $< $(LIB_OBJ) $(DEP_LIBS)

$(B)/read_all: bench/read_all.c $(LIB_OBJ) | $(B)/obj
	$(Q)$(CC) $(ALL_CFLAGS) -Isrc $(LDFLAGS) -o $@ $< $(LIB_OBJ) $(DEP_LIBS)

$(B)/floor: bench/floor.c | $(B)/obj
	$(Q)$(CC) -O2 $(STD) $(WARN) $(WERROR) -o $@ $< $(shell $(PKG_CONFIG) --cflags --libs libzip expat)

FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined $(STD) $(DEP_CFLAGS) -Isrc
fuzz: check-deps
	$(Q)$(MAKE) --no-print-directory install-packages PACKAGES="$(FUZZ_PACKAGES)"
	$(Q)mkdir -p $(B)/fuzz
	$(Q)clang $(FUZZ_FLAGS) -o $(B)/fuzz/fuzz_reader tests/fuzz/fuzz_reader.c $(LIB_SRC) $(DEP_LIBS)
	$(Q)clang $(FUZZ_FLAGS) -o $(B)/fuzz/fuzz_xmlscan tests/fuzz/fuzz_xmlscan.c $(LIB_SRC) $(DEP_LIBS)
	@echo "run: $(B)/fuzz/fuzz_reader -max_total_time=60 tests/fuzz/corpus  (new crashers go to tests/fuzz/corpus/)"
	@echo "and: $(B)/fuzz/fuzz_xmlscan -max_total_time=300 DIR  (DIR: XML parts; the scanner against expat)"

clean:
	rm -rf $(B)

-include $(PORTAL_OBJ:.o=.d) $(CLI_OBJ:.o=.d) $(APORTAL_OBJ:.o=.d) $(ACLI_OBJ:.o=.d)
