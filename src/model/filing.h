/*
 * A return as understood: which unit filed it, for which period and data window, on which
 * date, and for every row of every form of the schema the value read and the cell it came
 * from, plus the document register. This is where the locate and normalise stages hand
 * over to check and merge. th_filing_read() does both stages: it finds the forms, the
 * header fields and the rows by code in a workbook, reads each value the Vietnamese ways,
 * and records every problem met on the way as a finding (never as a failure).
 * Ownership: the th_filing owns everything it points to; it borrows the schema and roster.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_FILING_H
#define TH_FILING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "model/finding.h"
#include "model/roster.h"
#include "model/schema.h"
#include "read/grid.h"
#include "read/vnnum.h"

typedef enum th_vstate {
	TH_VAL_MISSING,    /* the row was not found in the workbook */
	TH_VAL_BLANK,      /* found, nothing written */
	TH_VAL_NUMBER,     /* num holds the value */
	TH_VAL_DASH,       /* "-", "x": written to say "nothing / not applicable", kept apart from 0 */
	TH_VAL_UNREADABLE, /* something is written that is not a value of the row's kind */
} th_vstate;

typedef struct th_value {
	th_vstate state;
	double num;
	int decimals;   /* decimals as written (text) or shown (number format); -1 = full precision */
	char *written;  /* the cell as written: its text, or the number as stored ("0.8816"); "" when blank */
	char *how;      /* how a text was read ("dấu phẩy thập phân"...), NULL for a plain number */
	char *note;     /* the row's "Ghi chú" as written, NULL when none */
	int sheet;      /* index into th_filing.sheets, -1 when missing */
	uint32_t row;   /* 0-based */
	uint16_t col;
} th_value;

typedef struct th_docentry {
	char *stt, *number, *date_written, *summary;
	th_date date;   /* y == 0 when not a readable date */
	int sheet;
	uint32_t row;
	uint16_t number_col, date_col; /* where "Số, ký hiệu" and "Ngày ban hành" are */
} th_docentry;

/*
 * A figure of a value column other than the period's own, kept for what it is (issue #11):
 * "Kỳ trước", "Kế hoạch", "Lũy kế", "Cùng kỳ năm trước", a hidden old copy. Later checks
 * may compare with it; nothing adds it up.
 */
typedef struct th_other {
	size_t form, row;  /* indexes into the schema's forms and that form's rows */
	const char *role;  /* static: "previous", "plan", "cumulative", "same_period_last_year",
			    * "comparison", "part" (a month of the quarter), "stale" (a hidden copy),
			    * "other" */
	char *header;      /* the column's header as written */
	th_value v;
} th_other;

/* Where a header field was found (sheet -1: not found). */
typedef struct th_hfield {
	int sheet;
	uint32_t row;
	uint16_t col;
	char *written;
} th_hfield;

typedef struct th_filing {
	char *path;
	char **sheets;          /* sheet names of the workbook */
	size_t n_sheets;
	const th_schema *schema;

	const th_unit *unit;    /* the roster unit, NULL when not identified */
	th_hfield unit_at, code_at, period_at, window_at, report_at;
	th_period period;       /* kind TH_P_NONE when not found */
	th_date window_from, window_to, report_date; /* y == 0 when not found */

	th_value **values;      /* values[f][r]: form f, row r of the schema */
	th_other *others;       /* the other value columns' figures, by form and row */
	size_t n_others;
	size_t n_forms_found;   /* forms of the schema found in the workbook (at least one) */

	bool has_register;
	th_docentry *docs;
	size_t n_docs;

	th_findings findings;   /* problems met while reading (info and warnings) */
	bool consolidated;      /* the workbook holds a consolidated workbook's metadata sheet
				 * (th_filing_consolidated_sheet): a return with it carries other
				 * units' figures for a merge, and no commune sends one */
} th_filing;

/*
 * Read the return at path. A workbook that cannot be read at all fails (-1, *e set, as
 * th_xlsx_open). Anything else — a form not found, a row missing, a value not readable,
 * a unit not in the roster — is a finding in (*out)->findings and the call succeeds. A
 * workbook with none of the forms is no return: it fails with TH_E_NOT_RETURN.
 * roster may be NULL (no unit matching).
 */
int th_filing_read(th_filing **out, const char *path, const th_schema *schema,
		   const th_roster *roster, th_err *e);
/* The same from a workbook already held in memory (borrowed, not freed): a merge looks at
 * a workbook once to tell a return from a consolidated workbook (merge/upward.h). */
/* The first cell of the metadata sheet of a consolidated workbook tonghop writes (merge/upward.h). */
#define TH_CONSOLIDATED_MAGIC "tonghop-consolidated"

/* The index of g's sheet whose A1 is TH_CONSOLIDATED_MAGIC, or -1 when none. */
int th_filing_consolidated_sheet(const th_grid *g);

int th_filing_read_grid(th_filing **out, const th_grid *g, const char *path, const th_schema *schema,
			const th_roster *roster, th_err *e);
void th_filing_free(th_filing *f);

/*
 * An empty return for schema (every row TH_VAL_MISSING, no unit, no period), for building
 * returns in memory (tests, a template's round trip).
 */
th_filing *th_filing_new(const char *path, const th_schema *schema);
/* Set a row's value (state TH_VAL_NUMBER) or its state alone; -1 when the schema has no such row. */
int th_filing_set(th_filing *f, const char *form, const char *code, th_vstate state, double num, int decimals);

/* Free what a value holds (not v itself). */
void th_value_release(th_value *v);

/* The value of row code in form id ("BM7", "6.7.2"), or NULL when the schema has no such row. */
const th_value *th_filing_value(const th_filing *f, const char *form, const char *code);

/* "Biểu mẫu 1" sheet name of a value (or ""). Static or owned by f. */
const char *th_filing_sheet(const th_filing *f, int sheet);

#endif
