/*
 * The XLSX reader: libzip + expat, streaming. A workbook is opened from a path or a memory
 * buffer; its package structure (workbook, relationships, shared strings, styles) is read
 * up front, and each worksheet is then parsed by expat as libzip inflates it, handing every
 * cell to a callback. Memory does not grow with the number of rows beyond the shared
 * strings. Anything that is not a readable .xlsx (an .xls, an .ods, an encrypted package, a
 * zip bomb, an XML entity bomb ...) fails with a th_err whose message says so in Vietnamese.
 *
 * Ownership: arguments are borrowed; strings returned by th_xlsx_* accessors are owned by
 * the th_xlsx and live until th_xlsx_free(); a th_cell's pointers live until its callback
 * returns.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_XLSX_READER_H
#define TH_XLSX_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "read/numfmt.h"

#define TH_MAX_ROWS 1048576u
#define TH_MAX_COLS 16384u
#define TH_CELLREF_MAX sizeof("XFD1048576")

typedef struct th_xlsx th_xlsx;

/* Caps that keep hostile packages from using unbounded time or memory. */
typedef struct th_xlsx_limits {
	uint64_t max_inflated;  /* bytes inflated over the whole workbook */
	uint64_t ratio_floor;   /* the ratio cap applies once a part has inflated this much */
	uint32_t max_ratio;     /* inflated / compressed size of one part */
	uint32_t max_depth;     /* XML element nesting */
	uint32_t max_text;      /* bytes of one cell's text, one shared string or one formula */
	uint32_t max_sheets;    /* worksheets in one workbook */
} th_xlsx_limits;

/* The defaults: 2 GiB inflated, ratio 500 past 16 MiB, depth 256, 1 MiB text, 10,000 sheets. */
extern const th_xlsx_limits th_xlsx_default_limits;

typedef enum th_sheet_state { TH_SHEET_VISIBLE, TH_SHEET_HIDDEN, TH_SHEET_VERYHIDDEN } th_sheet_state;

typedef enum th_cell_type {
	TH_CELL_EMPTY,  /* no value (a styled blank, or a formula with no cached result) */
	TH_CELL_NUMBER, /* num; a date serial when th_numkind_is_serial(th_xlsx_style_kind(style)) */
	TH_CELL_STRING, /* text (shared, inline or a t="str" formula result), escapes decoded */
	TH_CELL_BOOL,   /* num is 0 or 1 */
	TH_CELL_ERROR,  /* text is the error literal, e.g. "#DIV/0!" */
	TH_CELL_DATE,   /* t="d": text is the ISO 8601 value as stored */
} th_cell_type;

typedef struct th_cell {
	uint32_t row; /* 0-based */
	uint16_t col; /* 0-based */
	th_cell_type type;
	bool has_formula;    /* the cell has an <f> (shared-formula children included) */
	double num;          /* TH_CELL_NUMBER, TH_CELL_BOOL */
	const char *text;    /* TH_CELL_STRING, TH_CELL_ERROR, TH_CELL_DATE; "" otherwise */
	size_t len;          /* bytes of text */
	const char *formula; /* the formula text, "" when none; a shared formula's child gets
			      * the text of its first cell (frow, fcol) */
	uint32_t frow;       /* where formula is written: this cell, or the first cell of the */
	uint16_t fcol;       /* shared formula (its relative references are relative to it) */
	uint32_t style;      /* index into cellXfs (0 when the cell has none) */
} th_cell;

/* A merged range, 0-based, inclusive. */
typedef struct th_range {
	uint32_t r1, r2;
	uint16_t c1, c2;
} th_range;

/*
 * Open the workbook at path (display name: path) and read its package structure.
 * limits may be NULL for the defaults. On failure returns -1 with *e set and *out NULL.
 * Error codes: TH_E_OPEN, TH_E_EMPTY, TH_E_NOT_FILE, TH_E_LOCK_FILE, TH_E_NOT_ZIP,
 * TH_E_ZIP_DAMAGED, TH_E_ENCRYPTED, TH_E_FORMAT_XLS, TH_E_FORMAT_ODS, TH_E_FORMAT_OTHER,
 * TH_E_PACKAGE, TH_E_XML*, TH_E_TOO_BIG, TH_E_ZIP_RATIO, TH_E_CELL_TOO_BIG.
 */
int th_xlsx_open(th_xlsx **out, const char *path, const th_xlsx_limits *limits, th_err *e);

/* The same from a memory buffer (not copied: it must outlive the th_xlsx). name is for messages. */
int th_xlsx_open_mem(th_xlsx **out, const void *buf, size_t len, const char *name,
		     const th_xlsx_limits *limits, th_err *e);

/* Close the workbook and free everything it owns. NULL is fine. */
void th_xlsx_free(th_xlsx *x);

/* Worksheets in workbook order (chart, dialog and macro sheets and sheets whose part is missing are left out). */
size_t th_xlsx_sheet_count(const th_xlsx *x);
const char *th_xlsx_sheet_name(const th_xlsx *x, size_t i);
th_sheet_state th_xlsx_sheet_state(const th_xlsx *x, size_t i);
/* The part name of sheet i inside the package, e.g. "xl/worksheets/sheet1.xml". */
const char *th_xlsx_sheet_part(const th_xlsx *x, size_t i);

bool th_xlsx_date1904(const th_xlsx *x);
size_t th_xlsx_shared_count(const th_xlsx *x);

/* What the number format of cell style index style shows; TH_NUM_GENERAL for an unknown index. */
th_numkind th_xlsx_style_kind(const th_xlsx *x, uint32_t style);
/* The number format code of a style ("General" when it has none we know). */
const char *th_xlsx_style_format(const th_xlsx *x, uint32_t style);
/* The font name of a style ("" when unknown), e.g. ".VnTime" for TCVN3 text. */
const char *th_xlsx_style_font(const th_xlsx *x, uint32_t style);

/*
 * Called once per <c> of the sheet, in file order (which is not always row order). Return
 * 0 to go on, non-zero to stop reading: th_xlsx_read_sheet then returns that value when it
 * is positive, and 1 for a negative one (so that a stop never looks like a failure, -1).
 */
typedef int (*th_cell_fn)(void *ud, const th_cell *c);

/*
 * Parse worksheet i, calling fn for each cell. Returns 0 when the whole sheet was read,
 * -1 on failure (*e set: TH_E_XML*, TH_E_CELL_REF, TH_E_SST_INDEX, TH_E_TOO_BIG, ...), or
 * the positive value fn asked to stop with (1 for a negative one). Afterwards th_xlsx_merges() gives the sheet's merged
 * ranges (they follow the cells in the file).
 */
int th_xlsx_read_sheet(th_xlsx *x, size_t i, th_cell_fn fn, void *ud, th_err *e);

/* The merged ranges of the sheet last read; *n is set to their number. */
const th_range *th_xlsx_merges(const th_xlsx *x, size_t *n);

/*
 * Package part names. th_xlsx_resolve_target: a relationship's Target resolved against the
 * folder of the part that holds it ("worksheets/sheet1.xml" from "xl/workbook.xml" is
 * "xl/worksheets/sheet1.xml"; "/xl/a.xml" and "\xl\a.xml" are from the root; "." and ".."
 * resolved, never above the root). th_xlsx_rels_part: where the relationships of a part are
 * ("xl/workbook.xml" -> "xl/_rels/workbook.xml.rels"; "" -> "_rels/.rels"). New strings.
 */
char *th_xlsx_resolve_target(const char *source_part, const char *target);
char *th_xlsx_rels_part(const char *part);

/* A run of rows or columns, 0-based, inclusive. */
typedef struct th_span {
	uint32_t first, last;
} th_span;

/* The hidden rows (cols false) or columns (cols true) of the sheet last read, in runs as
 * the file lists them (not sorted nor merged); *n is set to their number. */
const th_span *th_xlsx_hidden(const th_xlsx *x, bool cols, size_t *n);

/*
 * Whether the workbook asks to be computed again when opened (<calcPr fullCalcOnLoad="1">,
 * as libxlsxwriter writes it): then the results it stores for formulas (libxlsxwriter: 0)
 * are not to be trusted. Always false for an .xls or .ods.
 */
bool th_xlsx_full_calc(const th_xlsx *x);

/* "B7" for 0-based row 6, col 1; returns out. */
char *th_cellref(uint32_t row, uint16_t col, char out[TH_CELLREF_MAX]);

/* Parse "B7" / "$B$7" / "b7" into 0-based row and col. Returns 0, or -1 when it is not a
 * reference inside A1:XFD1048576. */
int th_cellref_parse(const char *s, size_t n, uint32_t *row, uint16_t *col);

#endif
