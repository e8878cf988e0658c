/*
 * Workbooks in the formats other than .xlsx (.xls, .ods) behind the one th_xlsx_* API. The
 * reader sniffs a file's bytes (xlsx_reader.c) and, for an OLE2 compound file or a bare
 * BIFF stream, or a zip holding an OpenDocument spreadsheet, hands it to a backend here.
 * A backend fills a th_book when it opens the file (sheets, styles, date system) and reads
 * one sheet at a time through read_sheet, handing th_cell events exactly as the .xlsx
 * parser does: a date is a number serial under a style whose kind is a date, a percent a
 * number under a percent style, so the rest of the pipeline cannot tell the formats apart.
 * Private to src/read. Ownership: everything in a th_book belongs to it.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_BOOK_H
#define TH_BOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/sbuf.h"
#include "read/numfmt.h"
#include "read/xlsx_reader.h"

typedef struct th_book th_book;

/* Hidden rows and columns of a sheet, in runs (th_xlsx_hidden). */
typedef struct th_hidden {
	th_span *rows, *cols;
	size_t n_rows, cap_rows, n_cols, cap_cols;
} th_hidden;

/* Add the run first..last (0-based) to the hidden rows (cols false) or columns of h. */
void th_hidden_add(th_hidden *h, bool cols, uint32_t first, uint32_t last);
void th_hidden_release(th_hidden *h);

typedef struct th_book_style {
	th_numkind kind;
	char *format; /* the number format code ("General" when none) */
	char *font;   /* the font name ("" when unknown) */
} th_book_style;

typedef struct th_book_sheet {
	char *name;
	th_sheet_state state;
	uint64_t pos; /* where the backend finds it (.xls: the BOF offset in the stream) */
} th_book_sheet;

struct th_book {
	const char *part;     /* what th_xlsx_sheet_part() says, e.g. "Workbook", "content.xml" */
	bool date1904;
	th_book_sheet *sheets;
	size_t n_sheets, cap_sheets;
	th_book_style *styles; /* a th_cell's style indexes this */
	size_t n_styles, cap_styles;
	th_range *merges;      /* of the sheet last read */
	size_t n_merges, cap_merges;
	th_hidden hidden;      /* of the sheet last read */
	/* Read sheet i (< n_sheets) as th_xlsx_read_sheet() does; merges and hidden runs are
	 * reset first. */
	int (*read_sheet)(th_book *b, size_t i, th_cell_fn fn, void *ud, th_err *e);
	void (*release)(th_book *b); /* frees impl (NULL: nothing to free) */
	void *impl;
};

th_book *th_book_new(const char *part);
/* Free the book, its backend state included. NULL is fine. */
void th_book_free(th_book *b);
void th_book_add_sheet(th_book *b, const char *name, th_sheet_state state, uint64_t pos);
/* The index of a style of this kind, format code and font (added unless one of the last few added is the same). */
uint32_t th_book_add_style(th_book *b, th_numkind kind, const char *format, const char *font);
void th_book_add_merge(th_book *b, uint32_t r1, uint16_t c1, uint32_t r2, uint16_t c2);

/* ---- the backends ---- */

/* The largest .xls read (the file is held in memory while it is read). */
#define TH_XLS_MAX_FILE ((size_t)256 << 20)

/*
 * Open an .xls (an OLE2 compound file holding a Workbook or Book stream, or a bare BIFF
 * stream) held in buf, which the book takes over (freed with it, or on failure). Reads
 * BIFF8 (Excel 97-2003) and BIFF5/7 (Excel 5.0/95); refuses older BIFF, an encrypted
 * workbook (TH_E_ENCRYPTED), another OLE2 document, and every damaged structure
 * (TH_E_XLS_DAMAGED) with a Vietnamese message.
 */
int th_xls_open(th_book **out, unsigned char *buf, size_t len, const th_xlsx_limits *lim, th_err *e);

/*
 * Open the OpenDocument spreadsheet in x's package (content.xml): sheet names, hidden
 * sheets, the null date and the cell styles. x must outlive the book.
 */
int th_ods_open(th_book **out, th_xlsx *x, th_err *e);

/* ---- what the .xlsx reader lends the backends ---- */

/*
 * Callbacks for th_xlsx_stream(). Element names come without their prefix; attributes as
 * written (prefix included). A callback returns 0 to go on, -1 to fail (having set the
 * th_err it was given) or > 0 to stop. While text is non-NULL, character data is appended
 * to it (capped by its max: past it the part fails with TH_E_CELL_TOO_BIG).
 */
typedef struct th_xmlcb th_xmlcb;
struct th_xmlcb {
	int (*start)(th_xmlcb *cb, const char *name, const char **atts);
	int (*end)(th_xmlcb *cb, const char *name);
	th_sbuf *text;
	void *ud;
};

/*
 * Parse part name of x's package through expat with every limit of the reader (inflated
 * size, ratio, depth, no DTD). Returns 0, -1 (*e set; TH_E_PACKAGE when the part is
 * missing) or the positive value a callback stopped with.
 */
int th_xlsx_stream(th_xlsx *x, const char *name, th_xmlcb *cb, th_err *e);
bool th_xlsx_has_part(const th_xlsx *x, const char *name);
const th_xlsx_limits *th_xlsx_limits_of(const th_xlsx *x);
/* The failure for a password-protected workbook, whatever its format. Returns -1. */
int th_fail_encrypted(th_err *e);

#endif
