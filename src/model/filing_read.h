/*
 * Reading a return into a th_filing (filing.h), in stages that share one context: the
 * identification block (filing_header.c), the forms and their rows (filing_forms.c), each
 * row's value (filing_value.c) and the document register (filing_register.c); filing.c
 * runs them in order. Every problem met is a finding in the filing, never a failure.
 * Private to src/model/.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_FILING_READ_H
#define TH_FILING_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/filing.h"
#include "read/grid.h"

/* What the stages share: the filing being filled, the workbook, the configuration. */
struct locate {
	th_filing *f;
	const th_grid *g;
	const th_schema *schema;
	const th_roster *roster;  /* NULL: no unit matching */
	struct th_fx *fx;         /* formulas computed (filing_formula.c) */
	size_t others_cap;        /* of f->others */
	bool legacy_said[3];      /* per legacy encoding: already said once */
};

/* Where a finding points: form, row code, and a cell of sheet (-1: no cell). */
static inline th_where where(const struct locate *c, const char *form, const char *code, int sheet,
			     uint32_t row, uint16_t col)
{
	th_where w = { form, code, sheet >= 0 ? c->g->sheets[sheet].name : NULL, row, col };
	return w;
}

/* Is key (a sheet name's ascii key) the "Lỗi" sheet of a feedback: "loi", or "loi (2)"... when
 * the commune's file had one? It lists forms, codes and messages: never part of a return. */
bool th_locate_feedback_sheet(const char *key);

/* Say once per workbook and encoding that legacy (TCVN3, VNI) text of cell was converted. */
void th_locate_legacy(struct locate *c, int sheet, const th_gcell *cell, const char *form, const char *code);

/*
 * Parse a row code at the start of s: "2.1.", "2.1", " 2.1 ", "1.4.3.Số TTHC…", "6,7,2" (no-break
 * and zero-width spaces around it skipped). Writes the
 * code without its trailing dot into code (cap bytes) and returns a pointer to what follows
 * (the glued label, blanks skipped), or NULL when s does not start with a code.
 */
const char *th_locate_code(const char *s, char *code, size_t cap);
/* p past a leading apostrophe pasted with a cell's text ("'2.1", "‘15": Excel's text mark
 * typed as a character, or its curly form); p when there is none. */
const char *th_locate_past_mark(const char *p);

/* The code of a row as written in cell c ("2.1" typed as a number included), as
 * th_locate_code; numbuf (ncap bytes) holds a number's text. NULL if none. */
const char *th_locate_cell_code(const th_gcell *c, char *code, size_t cap, char *numbuf, size_t ncap);

/* Is row a row of a form's table (a row code in column A or B, alone or before a label)? */
bool th_locate_data_row(const th_gsheet *sh, uint32_t row);

/* Does text (a label as written) begin as the schema's label of rd (its first letters)? */
bool th_locate_label_like(const char *text, const th_rowdef *rd);

/* The identification block: unit, period, data window, report date. */
void th_locate_header(struct locate *c);

/* A run of rows of one sheet that holds (part of) a form. */
struct part {
	int sheet;
	uint32_t first, last; /* rows, inclusive */
	uint16_t c1, c2;      /* columns, inclusive: a form beside another on the same rows */
};

/*
 * Where a form was found: its parts in reading order. A form continued on another sheet
 * ("Biểu mẫu 3 (tiếp)", or a sheet of its rows alone) or written again has several.
 */
struct region {
	int sheet;            /* the first part's sheet; -1: form not found */
	uint32_t title_row;
	struct part *parts;
	size_t n_parts, cap_parts;
	int hidden_said;      /* a hidden copy of the form was said */
};

/* Find every form of the schema (reg: one per form, zeroed), by title or sheet name, and
 * the rows that continue one elsewhere. Free with th_locate_regions_release. */
void th_locate_regions(struct locate *c, struct region *reg);
void th_locate_regions_release(struct region *reg, size_t n);

/* Read form fi's rows from its region: codes, labels, units, values, notes. */
void th_locate_form(struct locate *c, size_t fi, const struct region *r);

/* ---- a form's table (filing_columns.c) ---- */

#define TH_MAX_VCOLS 12

/* A value column of a form's table: where, its header, how it scores for the period. */
struct vcol {
	uint16_t col;
	bool hidden;
	bool contest;     /* hidden but the period's own, every visible column another's: tied */
	int score;        /* the return's own period and words for it (+), another's (-) */
	const char *role; /* NULL: the period's; else "previous", "plan", "cumulative", ... */
	char *header;     /* the column's header text as written (all header rows, " / ") */
	char *key;        /* th_text_key_ascii of it */
};

/* The columns of a form's table. */
struct cols {
	int code, label, unit, note; /* -1 when not found */
	int value;                   /* the value column chosen; -1 when none is (undecided) */
	struct vcol cand[TH_MAX_VCOLS]; /* the value columns, the chosen one among them */
	size_t n_cand;
	bool undecided;              /* several columns and nothing in their headers decides */
	bool unnamed;                /* no header names a value: the columns are every headed one */
	uint32_t head_row;           /* the header's first row (STT) */
	uint32_t data_first;         /* first row after the header */
};

/* Find the table's header in the first rows of part p: its columns and where data begins.
 * False when there is none (k is then A–E, data from p->first). */
bool th_locate_table(struct locate *c, const struct part *p, struct cols *k);
/* A copy of k (its strings too), data from row first. */
void th_cols_copy(struct cols *dst, const struct cols *src, uint32_t first);
void th_cols_release(struct cols *k);
/* The candidate of k at column col, or NULL. */
const struct vcol *th_cols_cand(const struct cols *k, int col);
/* The value column for a row of kind (its header's words for it break a tie), or -1. */
int th_cols_for_kind(const struct cols *k, th_rowkind kind);
/* Is key the header of the code column: "STT", "TT", "Số TT", "Số thứ tự", "STT. Chỉ tiêu"? */
bool th_locate_stt_key(const char *key);
/* A row of column numbers under a header ("1 2 3 4 5", "(1) … (5)", "A B C 1 D"). */
bool th_locate_marker_row(const th_gsheet *sh, uint32_t row);

/* Read a row's value from its cell (NULL: blank) into v by the row's kind. */
void th_locate_value(struct locate *c, const th_formdef *fd, const th_rowdef *rd, int sheet,
		     const th_gcell *cell, th_value *v);

/* Percent rows written as fractions (0,6829 for 68,29 %) without a % format, decided once
 * every form is read: by the ratio's own rows, else by how the book writes its percents;
 * when nothing decides, not read and said. */
void th_locate_percents(struct locate *c);

/* ---- formulas (filing_formula.c) ---- */

/* Formulas computed from the workbook's cells, each cell once. */
typedef struct th_fx th_fx;

typedef enum th_fx_kind {
	TH_FX_NUMBER, TH_FX_TEXT, TH_FX_BOOL,
	TH_FX_ERROR,       /* text: the error literal ("#DIV/0!") */
	TH_FX_UNSUPPORTED, /* text: why it cannot be computed (Vietnamese) */
} th_fx_kind;

typedef struct th_fx_result {
	th_fx_kind kind;
	double num;       /* NUMBER; BOOL 0 or 1 */
	const char *text; /* TEXT, ERROR, UNSUPPORTED; owned by the th_fx */
} th_fx_result;

th_fx *th_fx_new(const th_grid *g);
void th_fx_free(th_fx *x);
/* Whether the value of cell must come from its formula: the file stores no result for it,
 * or asks to be computed again when opened (th_grid.full_calc). */
bool th_fx_needed(const th_grid *g, const th_gcell *cell);
/* The value of cell (of sheet, a formula cell) computed from its formula and the workbook. */
th_fx_result th_fx_eval(th_fx *x, int sheet, const th_gcell *cell);

/* The document register, when the schema has one. */
void th_locate_register(struct locate *c);

#endif
