/*
 * The parts of an XLSX package as the xlsx_*.c files share them: the workbook handle, its
 * entries, sheets, shared strings and styles, and the one way every part is read (an
 * expat parser fed by libzip's inflate, under the size, ratio, depth and DTD limits).
 * An .xls or an .ods is a th_xlsx too, its book (book.h) answering for it.
 * Private to src/read/.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_XLSX_PART_H
#define TH_XLSX_PART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <expat.h>
#include <zip.h>

#include "base/err.h"
#include "base/sbuf.h"
#include "read/book.h"
#include "read/xlsx_reader.h"

struct entry {
	char *norm;        /* part name: '/' separators, no leading '/', ASCII lower case */
	zip_uint64_t index;
};

struct sheet {
	char *name;
	char *part; /* as found in the package */
	zip_uint64_t index;
	th_sheet_state state;
};

struct xf {
	uint32_t numfmt;
	uint32_t font;
	th_numkind kind;
};

struct numfmt {
	uint32_t id;
	uint32_t seq; /* position in styles.xml: of two equal ids the later one wins */
	char *code;
};

struct th_xlsx {
	char *name;
	th_xlsx_limits lim;
	zip_t *zip;
	uint64_t inflated;

	struct entry *entries;
	size_t n_entries;

	struct sheet *sheets;
	size_t n_sheets, cap_sheets;
	bool date1904;

	th_sbuf sst_data;  /* all shared strings, each NUL-terminated */
	size_t *sst_off;
	uint32_t *sst_len;
	size_t n_sst, cap_sst;

	struct xf *xfs;
	size_t n_xfs, cap_xfs;
	char **fonts;
	size_t n_fonts, cap_fonts;
	struct numfmt *numfmts;
	size_t n_numfmts, cap_numfmts;

	th_range *merges;
	size_t n_merges, cap_merges;
	th_hidden hidden;  /* of the sheet last read */
	bool full_calc;    /* <calcPr fullCalcOnLoad="1"> */

	th_book *book; /* an .xls or .ods: the accessors and read_sheet go to it (book.h) */
	size_t scan_chunk; /* tests only: the scanner's buffer starts this small and reads this
			    * much at a time, so that tokens fall across reads; 0 = its own sizes */
};

/* ---- XML names and values ---- */

/* The name without its namespace prefix ("x:sheet" -> "sheet"). */
static inline const char *local_name(const char *n)
{
	const char *c = strrchr(n, ':');
	return c ? c + 1 : n;
}

/* The value of attribute name (prefix ignored), or NULL. */
static inline const char *attr(const char **atts, const char *name)
{
	for (; atts && atts[0]; atts += 2)
		if (strcmp(local_name(atts[0]), name) == 0)
			return atts[1];
	return NULL;
}

static inline bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* Parse a whole non-negative decimal number no greater than max: digits, blanks around,
 * and "2.0" (a zero fraction). Returns 0, or -1 when it is none. */
int th_xlsx_parse_uint(const char *s, uint64_t max, uint64_t *out);

/*
 * Decode ECMA-376 ST_Xstring escapes (_xHHHH_) in place, as Excel does on load; a UTF-16
 * surrogate pair written as two escapes becomes one character, a lone surrogate U+FFFD.
 * The result is never longer than the input. Returns the new length.
 */
size_t th_xlsx_decode_xstring(char *s, size_t n);

/* ---- the package ---- */

/* The entry of part name (matched as a normalised name: '/', no leading '/', any case), or NULL. */
const struct entry *th_xlsx_find_entry(const th_xlsx *x, const char *name);

/* Read the package structure: relationships, workbook, shared strings, styles, sheets;
 * or, for an OpenDocument spreadsheet, open its book. */
int th_xlsx_load_package(th_xlsx *x, th_err *e);

/* Is the package an OpenDocument spreadsheet (*ods)? Another OpenDocument fails. */
int th_xlsx_sniff_odf(th_xlsx *x, bool *ods, th_err *e);

/* Judge a zip that has no workbook part (wanted): another kind of package (.xlsb, Numbers)
 * or a broken one. Always -1 with *e. */
int th_xlsx_not_a_workbook(th_xlsx *x, const char *wanted, th_err *e);

/* Shared strings and styles (xlsx_styles.c), from their parts. */
int th_xlsx_load_shared(th_xlsx *x, const char *part, th_err *e);
int th_xlsx_load_styles(th_xlsx *x, const char *part, th_err *e);

/* A damaged zip part (TH_E_ZIP_DAMAGED, or TH_E_ENCRYPTED for a password). */
int th_xlsx_zip_fail(th_xlsx *x, th_err *e, zip_error_t *ze, const char *part);
/* What went wrong inside the zip, in Vietnamese (libzip's own text is English). Static. */
const char *th_xlsx_zip_reason(int code);

/* ---- reading a part ---- */

typedef struct xp xp;
struct xp {
	th_xlsx *x;
	XML_Parser p;
	th_err *e;
	const char *part;
	int stop;       /* -1: failed (*e set); > 0: a callback asked to stop */
	uint32_t depth;
	uint32_t ext_depth; /* inside an <extLst> (future extensions): its depth, else 0 */
	th_sbuf *text;  /* character data goes here while non-NULL */
	void (*start)(xp *c, const char *name, const char **atts);
	void (*end)(xp *c, const char *name);
	void *ud;
};

/* Stop the parse: why -1 for a failure (*c->e set), > 0 for a callback's stop. */
void th_xp_halt(xp *c, int why);

/*
 * Inflate entry index (named part) into an expat parser driven by c's handlers, within
 * the workbook's limits. Returns 0, -1 with *e, or the positive value a handler stopped with.
 */
int th_xp_stream_part(th_xlsx *x, zip_uint64_t index, const char *part, xp *c, th_err *e);

/* The events of a part, whoever reads it (expat or the scanner): an element's start and
 * end (name with its prefix; atts as expat gives them), and character data. */
void th_xp_event_start(xp *c, const char *name, const char **atts);
void th_xp_event_end(xp *c, const char *name);
void th_xp_event_text(xp *c, const char *s, size_t len);
/* The same given the name without its prefix (local_name), for a reader that knows it. */
void th_xp_event_start_local(xp *c, const char *local, const char **atts);
void th_xp_event_end_local(xp *c, const char *local);

/* Open entry index for reading after checking what its header declares (encryption, size);
 * *comp its compressed size (0 when unknown). NULL with *e. */
zip_file_t *th_xp_open(th_xlsx *x, zip_uint64_t index, const char *part, uint64_t *comp, th_err *e);

/* Inflate up to want bytes of the part into buf, counted in *here and in the workbook's
 * total against the size and ratio limits. The count (0 at its end), or -1 with *e. */
zip_int64_t th_xp_read(th_xlsx *x, zip_file_t *zf, void *buf, size_t want, uint64_t *here, uint64_t comp,
		       const char *part, th_err *e);

/*
 * expat's verdict on the part, read from its start up to about byte upto (UINT64_MAX: all):
 * 0 when it is well-formed that far; -1 with *e (expat's error, its line and column) and *at
 * the offset of the error; or -1 with *e for a damaged zip (*at UINT64_MAX).
 */
int th_xp_verdict(th_xlsx *x, zip_uint64_t index, const char *part, uint64_t upto, uint64_t *at, th_err *e);

/*
 * The scanner (xlsx_scan.c): reads the part as expat would, handing c the same events,
 * faster. *fallback true (and nothing handed, nothing counted) when the part is one it
 * leaves to expat (another encoding, a DTD, anything unusual before the root element).
 */
int th_xs_stream(th_xlsx *x, zip_uint64_t index, const char *part, xp *c, th_err *e, bool *fallback);

/* th_xp_stream_part by expat alone, never the scanner: what the scanner is tested against. */
int th_xp_stream_expat(th_xlsx *x, zip_uint64_t index, const char *part, xp *c, th_err *e);

/* The same for a part by name; *found false (and 0) when the package has no such part. */
int th_xp_stream_named(th_xlsx *x, const char *part, xp *c, th_err *e, bool *found);

#endif
