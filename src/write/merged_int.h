/*
 * What the sheets of the consolidated workbook share (merged.c, merged_rows.c): the
 * merge being written, its sheet names, where each finding sits, and the units in the
 * order the sheets show them (grouped by province in a roster of several, else by type).
 * Private to src/write/.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_MERGED_INT_H
#define TH_MERGED_INT_H

#include "write/merged_meta.h"
#include "write/wb.h"
#include "write/xlsx_writer.h"

struct mctx {
	struct th_wb *b;
	const th_merge *m;
	const th_schema *s;
	int **fform, **frow;          /* per file, per finding: schema indexes */
	char (*names)[TH_WB_NAME_MAX];      /* the form sheets */
	char summary[TH_WB_NAME_MAX], errors[TH_WB_NAME_MAX], files[TH_WB_NAME_MAX];
	char label[TH_PERIOD_LABEL_MAX];
	/* the units grouped: order[k] is the k-th unit shown; group i holds order[gfirst[i]]
	 * up to order[gfirst[i + 1]] and is named gname[i] (a province, or a type: "xã") */
	bool by_province;
	size_t *order, *gfirst, n_groups;
	const char **gname;
	bool wide;                    /* form sheets a row per unit (merged_rows.c) */
	uint32_t *urow;               /* wide: the sheet row of each unit (roster index) */
	lxw_format *group_ratio;      /* wide: a subtotal's ratio (bold, grey-free, two decimals) */
	struct th_meta *meta;         /* where each figure is shown, for merge/upward.h: both
				       * layouts say it (merged_meta.h) */
};

/* The footer of every sheet (the roster's name, the period) and the rest of p. */
void th_merged_print(struct mctx *c, lxw_worksheet *ws, struct th_wb_print *p);

/* The findings of unit u's return on form f, row r: the worst severity (-1: none), their
 * lines added to comment. */
int th_merged_findings(const struct mctx *c, size_t u, size_t f, int r, th_sbuf *comment);

/* A unit's figure for form f row r at row, col: number, or text as written; fmt by its
 * findings (red, amber) or plain, commented with them. */
void th_merged_cell(struct mctx *c, lxw_worksheet *ws, size_t u, size_t f, size_t r, uint32_t row,
		    uint16_t col, lxw_format *plain);

/* "…" around a formula string literal, with its quotes doubled. */
void th_merged_literal(th_sbuf *sb, const char *s);

/*
 * The note of a total that lacks figures (#11), appended to note: the units whose figure
 * for form f row r could not be read, then those that left it blank (for a ratio, a part),
 * among units[0..n) (indexes into the merge's units; NULL: the first n, in roster order).
 */
void th_merged_lacking(const struct mctx *c, size_t f, size_t r, const size_t *units, size_t n, th_sbuf *note);

/* The form sheets with a row per unit and a column per indicator (past TH_WRITE_WIDE_UNITS). */
void th_merged_rows_form(struct mctx *c, size_t f, lxw_worksheet *ws);

/* Where each unit's row is in a wide form sheet (c->urow): a subtotal row before each group
 * (when there are several), then its units. Returns the row after the last. */
uint32_t th_merged_rows_layout(struct mctx *c);

/* The Lỗi link target of a finding on form f row r of unit u in a wide form sheet. */
void th_merged_rows_pos(const struct mctx *c, size_t u, size_t f, int r, uint32_t *row, uint16_t *col);

#endif
