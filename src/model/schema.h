/*
 * The form schema: which forms a return holds, every row of each form (code, label,
 * unit, value kind, aggregation class, the legend of coded rows), the identification
 * block's patterns and the document register's layout, all loaded from an INI file
 * (schemas/README.md) so that a new province, year or form version is data, not code.
 * Ownership: everything hangs off the th_schema and is freed by th_schema_free().
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_SCHEMA_H
#define TH_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "model/validity.h"

typedef enum th_rowkind {
	TH_ROW_COUNT,   /* a whole number >= 0 */
	TH_ROW_PERCENT, /* 0-100 */
	TH_ROW_MONEY,   /* >= 0, in the row's unit */
	TH_ROW_CODED,   /* one of the legend's options */
	TH_ROW_GROUP,   /* a heading */
} th_rowkind;

typedef enum th_agg {
	TH_AGG_NONE,
	TH_AGG_SUM,
	TH_AGG_RATIO,     /* sum(num) / sum(den) * 100 */
	TH_AGG_TALLY,     /* coded answers counted */
	TH_AGG_CATALOGUE, /* the common value, units that differ flagged */
} th_agg;

/*
 * Whether a row must be filled (issue #11, "the commune that checks before it sends"):
 * `check` says each required row left blank ("chưa điền", an error). A row's class is
 * the second word of its KIND ("count optional"), else its form's `fill` for value rows
 * (optional when the form has none), else group for a heading (kind group).
 */
typedef enum th_fill {
	TH_FILL_OPTIONAL, /* may be left blank (not applicable, computed, district-level...) */
	TH_FILL_REQUIRED, /* blank = not filled in: an error in check */
	TH_FILL_GROUP,    /* a heading: never unfilled; a 0 or "-" written in it answers the
			   * required rows under it ("nothing in this group") */
} th_fill;

typedef struct th_option {
	char *text; /* "Kết hợp" */
	char *key;  /* th_text_key(text), for matching what a commune wrote */
	int code;   /* 2 */
} th_option;

typedef struct th_rowdef {
	char *code;      /* "6.7.2": no trailing dot */
	char *label, *unit;
	char *label_key, *unit_key; /* th_text_key of label and unit, for comparisons */
	char *label_cmp, *unit_cmp; /* th_text_key_alnum of them: what a written label is compared with */
	th_rowkind kind;
	th_agg agg;
	th_fill fill;    /* must it be filled; see th_fill */
	int num, den;    /* TH_AGG_RATIO: row indexes in the same form; -1 otherwise */
	th_option *options; /* TH_ROW_CODED: the legend */
	size_t n_options;
	uint32_t line;   /* where it is defined */
} th_rowdef;

typedef struct th_formdef {
	char *id;        /* "BM1" */
	int number;      /* 1 */
	char *title;     /* "Biểu mẫu 1" */
	char *name;      /* "Công tác chỉ đạo điều hành CCHC" */
	th_rowdef *rows;
	size_t n_rows;
} th_formdef;

/* The identification block's patterns (compiled PCRE2 codes, opaque here). */
enum th_hpat {
	TH_HPAT_UNIT, TH_HPAT_UNIT_CODE,
	TH_HPAT_PERIOD_QUARTER, TH_HPAT_PERIOD_H1, TH_HPAT_PERIOD_H2, TH_HPAT_PERIOD_NINE,
	TH_HPAT_PERIOD_MONTH, TH_HPAT_PERIOD_YEAR,
	TH_HPAT_WINDOW, TH_HPAT_REPORT_DATE,
	TH_HPAT_COUNT
};

typedef struct th_schema {
	char *path;
	char *id, *title;
	th_formdef *forms;
	size_t n_forms;
	void *header[TH_HPAT_COUNT]; /* pcre2_code *, NULL when the key is absent */
	char *register_sheet;        /* "Danh mục văn bản", NULL when there is no register */
	char *register_columns[4];   /* STT | Số, ký hiệu | Ngày ban hành | Trích yếu */
	th_validity valid;           /* from when to when these forms are in force */
	/* The rosters and calendars the schema names (`roster = a.ini b.ini`), resolved against
	 * the schema's folder, in the order written: the first that holds for a period is used. */
	char **rosters, **calendars;
	size_t n_rosters, n_calendars;
} th_schema;

/* "required", "optional", "group". Static. */
const char *th_fill_name(th_fill f);

/* The INI key of each header pattern ("unit", "period_quarter", ...). Static. */
const char *th_hpat_key(enum th_hpat p);

/*
 * Load the schema at path. Every mistake is TH_E_CONFIG "PATH:LINE: ..." with the line
 * echoed: an unknown kind or aggregation, a ratio naming a row the form lacks, a coded row
 * without options, a code that is not numbers and dots, a pattern that does not compile
 * (with a caret under the fault), a form listed but not defined.
 */
int th_schema_load(th_schema **out, const char *path, th_err *e);
void th_schema_free(th_schema *s);

/* The form with id ("BM3", case-insensitive), or NULL. */
const th_formdef *th_schema_form(const th_schema *s, const char *id);
/* Whether row code child is a direct child of parent ("6.7.2" of "6.7", not "6.7.2.1"). */
bool th_code_is_child(const char *parent, const char *child);

/* The index of code in form f ("6.7.2"), or -1. */
int th_form_row(const th_formdef *f, const char *code);

#endif
