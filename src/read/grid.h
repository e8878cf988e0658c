/*
 * A workbook held in memory as sheets of cells, for the stages that look around a return
 * (find a form's title, its header row, a row by its code). Returns are small; a workbook
 * over the cell cap is refused rather than held. Text is cleaned on the way in: legacy
 * TCVN3/VNI decoded (by the cell's font first), NFC, stray combining marks repaired.
 * Ownership: everything belongs to the th_grid (strings may be shared: a raw text equal to
 * its clean text is that same string; the "" of numbers is one string).
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_GRID_H
#define TH_GRID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/sbuf.h"
#include "read/numfmt.h"
#include "base/text.h"
#include "read/xlsx_reader.h"

typedef struct th_gcell {
	uint32_t row;       /* 0-based */
	uint16_t col;
	th_cell_type type;  /* TH_CELL_EMPTY only for a formula with no cached result */
	bool formula;
	double num;         /* TH_CELL_NUMBER, TH_CELL_BOOL */
	th_numkind kind;    /* the cell's number-format kind */
	int decimals;       /* decimals its number format shows, -1 for General */
	char *text;         /* clean NFC text; "" for numbers and booleans */
	char *raw;          /* the text as stored (before decoding); "" for numbers; the
			     * formula of a TH_CELL_EMPTY cell ("" for a shared-formula child) */
	char *key;          /* th_text_key_ascii(text): lower case, no diacritics, for keyword search */
	char *fx;           /* a formula's text as written (without '='), NULL for no formula;
			     * "" when the file gives none (.xls; a shared formula's lost master) */
	uint32_t frow;      /* where fx is written (a shared formula's first cell): its */
	uint16_t fcol;      /* relative references are relative to that cell */
	th_legacy enc;      /* the legacy encoding the text was found in */
	uint32_t seq;       /* file order (internal: the later of two cells at one position wins) */
} th_gcell;

typedef struct th_gsheet {
	char *name;         /* clean NFC */
	char *key;          /* th_text_key_ascii(name) */
	th_sheet_state state;
	th_gcell *cells;    /* sorted by row, then column; one per position */
	size_t n_cells;
	th_range *merges;
	size_t n_merges;
	uint32_t n_rows;    /* 1 + the last row holding a cell */
	th_span *hidden_rows, *hidden_cols; /* sorted, disjoint runs */
	size_t n_hidden_rows, n_hidden_cols;
} th_gsheet;

typedef struct th_grid {
	bool date1904;
	bool full_calc;     /* formulas' stored results are not to be trusted (th_xlsx_full_calc) */
	th_gsheet *sheets;
	size_t n_sheets;
} th_grid;

#define TH_GRID_MAX_CELLS 1000000u

/* Read the workbook at path into memory. Failures as th_xlsx_open / th_xlsx_read_sheet, or
 * TH_E_TOO_BIG past TH_GRID_MAX_CELLS cells. */
int th_grid_load(th_grid **out, const char *path, th_err *e);
void th_grid_free(th_grid *g);

/*
 * Append the text cell c shows to out: its text; a number as %.15g; a number under a date
 * format as the date d/m/yyyy (its number when that is no date). For header lines, notes
 * and register entries, read as a person reads the sheet.
 */
void th_grid_cell_text(const th_grid *g, const th_gcell *c, th_sbuf *out);

/* Whether row (or column col) of s is hidden. */
bool th_grid_row_hidden(const th_gsheet *s, uint32_t row);
bool th_grid_col_hidden(const th_gsheet *s, uint16_t col);

/* The merged range of s that covers (row, col), or NULL. */
const th_range *th_grid_merge_at(const th_gsheet *s, uint32_t row, uint16_t col);

/* The cell at (row, col), or NULL. */
const th_gcell *th_grid_at(const th_gsheet *s, uint32_t row, uint16_t col);
/* The index of the first cell of row, or s->n_cells when none is at or after it. */
size_t th_grid_row_start(const th_gsheet *s, uint32_t row);

#endif
