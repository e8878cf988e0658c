/*
 * The form sheets of a consolidation too wide for a column per unit (past
 * TH_WRITE_WIDE_UNITS, the ministry's 3,321 communes): a row per unit and a column per
 * indicator, the units grouped by province under a subtotal row each, the national total
 * on top. Every total is a live formula cached with its figure. The rows are written in
 * order, top to bottom (the workbook may be written in constant-memory mode).
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "write/merged_int.h"
#include "base/banned.h"

/* Title rows, the indicators' header (code and label, then the unit of measure), the
 * national total; then the groups, each a subtotal row and its units. */
#define W_HEAD_ROW 4
#define W_MEAS_ROW 5
#define W_TOTAL_ROW 6
#define W_FIRST_ROW 7
#define W_NAME_COL 2
#define W_IND_COL 3
/* Widths (Excel's characters): STT, Mã, Đơn vị, an indicator. */
#define W_W_STT 6
#define W_W_CODE 7
#define W_W_NAME 24
#define W_W_IND 15

/* A total being written: a row's cell over the sheet rows first..last of the units. */
struct wtot {
	struct mctx *c;
	lxw_worksheet *ws;
	size_t f, r;
	uint32_t row, first, last;
	bool national;  /* the national total: over every unit, skipping the subtotal rows */
	size_t g;       /* else the group */
};

static uint16_t ind_col(size_t r)
{
	return (uint16_t)(W_IND_COL + r);
}

/* The range of column col over the rows the total covers ("$D$8:$D$3400"). */
static void col_range(const struct wtot *x, uint16_t col, char out[LXW_MAX_CELL_RANGE_LENGTH])
{
	lxw_rowcol_to_range_abs(out, x->first, col, x->last, col);
}

/* The figures of the units the total covers, for its cached value. */
static bool unit_num(const struct wtot *x, size_t k, size_t r, double *v)
{
	const th_mvalue *val = th_merge_value(x->c->m, x->c->order[k], x->f, r);

	if (!val || val->state != TH_VAL_NUMBER)
		return false;
	*v = val->num;
	return true;
}

static size_t from_k(const struct wtot *x)
{
	return x->national ? 0 : x->c->gfirst[x->g];
}

static size_t to_k(const struct wtot *x)
{
	return x->national ? x->c->m->n_units : x->c->gfirst[x->g + 1];
}

/* "--ISNUMBER($A$8:$A$3400)," before each product of the national total, for the STT
 * column holds a number on a unit's row and nothing on a subtotal's; "" for a group. */
static void add_mask(const struct wtot *x, th_sbuf *sb)
{
	char a[LXW_MAX_CELL_RANGE_LENGTH];

	if (!x->national)
		return;
	col_range(x, 0, a);
	th_sbuf_addf(sb, "--ISNUMBER(%s),", a);
}

static void total_sum(const struct wtot *x, lxw_format *fmt)
{
	struct th_wb *b = x->c->b;
	const th_total *t = x->c->m->totals ? &x->c->m->totals[x->f][x->r] : NULL;
	char rng[LXW_MAX_CELL_RANGE_LENGTH];
	th_sbuf sb = TH_SBUF_INIT;
	double sum = 0, v;

	col_range(x, ind_col(x->r), rng);
	if (x->national) {
		th_sbuf_adds(&sb, "=SUMPRODUCT(");
		add_mask(x, &sb);
		th_sbuf_addf(&sb, "%s)", rng);
		sum = t && t->has_value ? t->value : 0;
	} else {
		th_sbuf_addf(&sb, "=SUM(%s)", rng);
		for (size_t k = from_k(x); k < to_k(x); k++)
			sum += unit_num(x, k, x->r, &v) ? v : 0;
	}
	th_wb_ck(b, worksheet_write_formula_num(x->ws, x->row, ind_col(x->r), sb.buf, fmt, isfinite(sum) ? sum : 0));
	th_sbuf_release(&sb);
}

/* The ratio of the summed rows over the units that gave both figures. */
static void total_ratio(const struct wtot *x, lxw_format *fmt)
{
	struct th_wb *b = x->c->b;
	const th_rowdef *rd = &x->c->s->forms[x->f].rows[x->r];
	const th_total *t = x->c->m->totals ? &x->c->m->totals[x->f][x->r] : NULL;
	char num[LXW_MAX_CELL_RANGE_LENGTH], den[LXW_MAX_CELL_RANGE_LENGTH];
	th_sbuf sb = TH_SBUF_INIT, m = TH_SBUF_INIT;
	double a = 0, d = 0, va, vd;

	col_range(x, ind_col((size_t)rd->num), num);
	col_range(x, ind_col((size_t)rd->den), den);
	add_mask(x, &m);
	th_sbuf_addf(&sb, "=IF(SUMPRODUCT(%s--ISNUMBER(%s),%s)=0,\"\",SUMPRODUCT(%s--ISNUMBER(%s),%s)/"
			  "SUMPRODUCT(%s--ISNUMBER(%s),%s)*100)", m.buf, num, den, m.buf, den, num, m.buf, num, den);
	for (size_t k = from_k(x); !x->national && k < to_k(x); k++)
		if (unit_num(x, k, (size_t)rd->num, &va) && unit_num(x, k, (size_t)rd->den, &vd)) {
			a += va;
			d += vd;
		}
	if (x->national ? t && t->has_value : d != 0 && isfinite(a / d))
		th_wb_ck(b, worksheet_write_formula_num(x->ws, x->row, ind_col(x->r), sb.buf, fmt,
							x->national ? t->value : a / d * 100));
	else
		th_wb_ck(b, worksheet_write_formula_str(x->ws, x->row, ind_col(x->r), sb.buf, fmt, ""));
	th_sbuf_release(&sb);
	th_sbuf_release(&m);
}

/* A coded row: "Có: 12; Không: 5". The subtotals are text, so COUNTIF over the whole
 * column counts the units alone. */
static void total_tally(const struct wtot *x, lxw_format *fmt)
{
	struct th_wb *b = x->c->b;
	const th_rowdef *rd = &x->c->s->forms[x->f].rows[x->r];
	const th_total *t = x->c->m->totals ? &x->c->m->totals[x->f][x->r] : NULL;
	char rng[LXW_MAX_CELL_RANGE_LENGTH];
	th_sbuf sb = TH_SBUF_INIT, cached = TH_SBUF_INIT;
	double v;

	col_range(x, ind_col(x->r), rng);
	th_sbuf_addc(&sb, '=');
	for (size_t o = 0; o < rd->n_options; o++) {
		size_t n = 0;
		char text[256];

		if (x->national)
			n = t && t->tally ? t->tally[o] : 0;
		for (size_t k = from_k(x); !x->national && k < to_k(x); k++)
			n += unit_num(x, k, x->r, &v) && fabs(v - rd->options[o].code) < 1e-9;
		snprintf(text, sizeof(text), "%s%s: ", o ? "; " : "", rd->options[o].text);
		if (o)
			th_sbuf_addc(&sb, '&');
		th_merged_literal(&sb, text);
		th_sbuf_addf(&sb, "&COUNTIF(%s,%d)", rng, rd->options[o].code);
		th_sbuf_addf(&cached, "%s%zu", text, n);
	}
	if (rd->n_options)
		th_wb_ck(b, worksheet_write_formula_str(x->ws, x->row, ind_col(x->r), sb.buf, fmt, cached.buf));
	else
		th_wb_text(b, x->ws, x->row, ind_col(x->r), "", fmt);
	th_sbuf_release(&sb);
	th_sbuf_release(&cached);
}

/* The group's common value as MODE gives it: the first unit's among equally common values
 * (more than once), else the smallest. */
static bool group_common(const struct wtot *x, double *out)
{
	size_t best = 0;
	bool any = false;
	double v, w;

	for (size_t k = from_k(x); k < to_k(x); k++) {
		size_t n = 0;
		if (!unit_num(x, k, x->r, &v))
			continue;
		for (size_t j = k; j < to_k(x); j++)
			n += unit_num(x, j, x->r, &w) && w == v;
		if (n > best && n > 1) {
			best = n;
			*out = v;
		} else if (best < 2 && (!any || v < *out)) {
			*out = v;
		}
		any = true;
	}
	return any;
}

/* A catalogue row: the common value. A group's is written as text, so that the national
 * MODE, COUNT and MIN over the whole column see the units alone. */
static void total_catalogue(const struct wtot *x, lxw_format *fmt)
{
	struct th_wb *b = x->c->b;
	const th_total *t = x->c->m->totals ? &x->c->m->totals[x->f][x->r] : NULL;
	char rng[LXW_MAX_CELL_RANGE_LENGTH], formula[320], text[64];
	double v = 0;

	col_range(x, ind_col(x->r), rng);
	if (x->national) {
		snprintf(formula, sizeof(formula), "=IF(COUNT(%s)=0,\"\",IFERROR(MODE(%s),MIN(%s)))", rng, rng, rng);
		if (t && t->has_value)
			th_wb_ck(b, worksheet_write_formula_num(x->ws, x->row, ind_col(x->r), formula, fmt, t->value));
		else
			th_wb_ck(b, worksheet_write_formula_str(x->ws, x->row, ind_col(x->r), formula, fmt, ""));
		return;
	}
	snprintf(formula, sizeof(formula), "=IF(COUNT(%s)=0,\"\",\"\"&IFERROR(MODE(%s),MIN(%s)))", rng, rng, rng);
	text[0] = '\0';
	if (group_common(x, &v))
		snprintf(text, sizeof(text), "%.15g", v);
	th_wb_ck(b, worksheet_write_formula_str(x->ws, x->row, ind_col(x->r), formula, fmt, text));
}

/* The totals row at x->row: national or a group's, every indicator. */
static void totals_row(struct wtot *x, const char *name)
{
	struct th_wb *b = x->c->b;
	const th_formdef *fd = &x->c->s->forms[x->f];
	lxw_format *fmt = x->national ? b->F.total : b->F.group;
	th_sbuf sb = TH_SBUF_INIT;

	th_wb_add_capitalised(&sb, name);
	th_wb_text(b, x->ws, x->row, 0, "", fmt);
	th_wb_text(b, x->ws, x->row, 1, "", fmt);
	th_wb_text(b, x->ws, x->row, W_NAME_COL, sb.buf, x->national ? b->F.total : b->F.group_wrap);
	for (x->r = 0; x->r < fd->n_rows; x->r++) {
		const th_rowdef *rd = &fd->rows[x->r];
		if (x->last < x->first || rd->agg == TH_AGG_NONE ||
		    (rd->agg == TH_AGG_RATIO && (rd->num < 0 || rd->den < 0))) {
			th_wb_text(b, x->ws, x->row, ind_col(x->r), "", fmt);
			continue;
		}
		switch (rd->agg) {
		case TH_AGG_SUM: total_sum(x, fmt); break;
		case TH_AGG_RATIO: total_ratio(x, x->national ? b->F.total_ratio : x->c->group_ratio); break;
		case TH_AGG_TALLY: total_tally(x, b->F.total_text); break;
		case TH_AGG_CATALOGUE: total_catalogue(x, fmt); break;
		case TH_AGG_NONE: break;
		}
		/* a total that lacks figures says whose, as in the column layout */
		th_sbuf_reset(&sb);
		th_merged_lacking(x->c, x->f, x->r, x->c->order + from_k(x), to_k(x) - from_k(x), &sb);
		if (sb.len)
			th_wb_comment(b, x->ws, x->row, ind_col(x->r), sb.buf);
	}
	th_sbuf_release(&sb);
}

/* ---- the sheet ---- */

/* The lines a totals row needs: its tallies' text at their most (four-digit counts). */
static size_t tally_lines(const struct mctx *c, size_t f)
{
	const th_formdef *fd = &c->s->forms[f];
	size_t most = 1;

	for (size_t r = 0; r < fd->n_rows; r++) {
		th_sbuf sb = TH_SBUF_INIT;
		if (fd->rows[r].agg != TH_AGG_TALLY)
			continue;
		for (size_t o = 0; o < fd->rows[r].n_options; o++)
			th_sbuf_addf(&sb, "%s%s: 9999", o ? "; " : "", fd->rows[r].options[o].text);
		if (th_wb_lines(sb.buf, W_W_IND, true) > most)
			most = th_wb_lines(sb.buf, W_W_IND, true);
		th_sbuf_release(&sb);
	}
	return most;
}

/* Titles and the indicators' header; the layout of the rows (c->urow). */
static void rows_head(struct mctx *c, size_t f, lxw_worksheet *ws)
{
	struct th_wb *b = c->b;
	const struct th_wb_fmts *F = &b->F;
	const th_formdef *fd = &c->s->forms[f];
	struct th_wb_rowfit fit = { 2 }, meas = { 1 };
	th_sbuf sb = TH_SBUF_INIT;
	static const char *const head[] = { "STT", "Mã", "Đơn vị" };

	th_wb_ck(b, worksheet_set_column(ws, 0, 0, W_W_STT, NULL));
	th_wb_ck(b, worksheet_set_column(ws, 1, 1, W_W_CODE, NULL));
	th_wb_ck(b, worksheet_set_column(ws, 2, 2, W_W_NAME, NULL));
	if (fd->n_rows)
		th_wb_ck(b, worksheet_set_column(ws, W_IND_COL, ind_col(fd->n_rows - 1), W_W_IND, NULL));
	th_wb_text(b, ws, 0, 0, fd->title, F->title);
	th_wb_text(b, ws, 1, 0, fd->name, F->subtitle);
	th_sbuf_addf(&sb, "Tổng hợp %s", c->label[0] ? c->label : "");
	if (c->m->roster && c->m->roster->name)
		th_sbuf_addf(&sb, " – %s", c->m->roster->name);
	th_sbuf_addf(&sb, " (mỗi đơn vị một dòng, mỗi chỉ tiêu một cột)");
	th_wb_text(b, ws, 2, 0, sb.buf, F->italic);
	for (size_t r = 0; r < fd->n_rows; r++) {
		th_sbuf_reset(&sb);
		th_sbuf_addf(&sb, "%s. %s", fd->rows[r].code, fd->rows[r].label);
		th_wb_rowfit_add(&fit, sb.buf, W_W_IND, true);
		th_wb_rowfit_add(&meas, fd->rows[r].unit, W_W_IND, true);
	}
	th_wb_rowfit_set(b, ws, W_HEAD_ROW, &fit);
	for (size_t i = 0; i < 3; i++)
		th_wb_text(b, ws, W_HEAD_ROW, (uint16_t)i, head[i], F->head);
	for (size_t r = 0; r < fd->n_rows; r++) {
		th_sbuf_reset(&sb);
		th_sbuf_addf(&sb, "%s. %s", fd->rows[r].code, fd->rows[r].label);
		th_wb_text(b, ws, W_HEAD_ROW, ind_col(r), sb.buf, F->head);
	}
	th_wb_rowfit_set(b, ws, W_MEAS_ROW, &meas);
	for (size_t i = 0; i < 3; i++)
		th_wb_text(b, ws, W_MEAS_ROW, (uint16_t)i, i == W_NAME_COL ? "Đơn vị tính" : "", F->head);
	for (size_t r = 0; r < fd->n_rows; r++)
		th_wb_text(b, ws, W_MEAS_ROW, ind_col(r), fd->rows[r].unit, F->head);
	th_sbuf_release(&sb);
	worksheet_freeze_panes(ws, W_FIRST_ROW, W_IND_COL);
}

/* A4 landscape: titles, header and the national total, and STT, Mã, Đơn vị, on every page. */
static void rows_print(struct mctx *c, size_t f, lxw_worksheet *ws)
{
	const size_t n = c->s->forms[f].n_rows;
	double *w = th_xcalloc(W_IND_COL + n, sizeof(*w));
	struct th_wb_print p = { .landscape = true, .rows_last = W_TOTAL_ROW, .cols_last = W_NAME_COL };

	w[0] = W_W_STT;
	w[1] = W_W_CODE;
	w[2] = W_W_NAME;
	for (size_t r = 0; r < n; r++)
		w[W_IND_COL + r] = W_W_IND;
	p.scale = th_wb_print_scale(w, W_IND_COL + n, true);
	th_merged_print(c, ws, &p);
	free(w);
}

uint32_t th_merged_rows_layout(struct mctx *c)
{
	uint32_t row = W_FIRST_ROW;

	for (size_t g = 0; g < c->n_groups; g++) {
		if (c->n_groups > 1)
			row++;
		for (size_t k = c->gfirst[g]; k < c->gfirst[g + 1]; k++)
			c->urow[c->order[k]] = row++;
	}
	return row;
}

void th_merged_rows_form(struct mctx *c, size_t f, lxw_worksheet *ws)
{
	struct th_wb *b = c->b;
	const th_formdef *fd = &c->s->forms[f];
	const uint32_t end = th_merged_rows_layout(c);
	struct th_wb_rowfit sub = { tally_lines(c, f) };
	struct wtot x = { .c = c, .ws = ws, .f = f, .row = W_TOTAL_ROW, .first = W_FIRST_ROW, .last = end - 1,
			  .national = true };
	uint32_t row = W_FIRST_ROW;

	if (!c->group_ratio) {
		c->group_ratio = th_wb_format(b, 1);
		format_set_bold(c->group_ratio);
		format_set_num_format(c->group_ratio, "0.00");
	}
	rows_head(c, f, ws);
	/* where the figures are, for a merge one level up: each unit a row, each row a column */
	th_meta_form(c->meta, f, c->names[f], false);
	for (size_t r = 0; r < fd->n_rows; r++)
		th_meta_row(c->meta, f, r, ind_col(r));
	th_wb_rowfit_set(b, ws, W_TOTAL_ROW, &sub);
	/* the whole roster: "Cả nước" for the ministry's */
	totals_row(&x, c->m->roster && c->m->roster->name && c->by_province ? c->m->roster->name : "Tổng cộng");
	for (size_t g = 0; g < c->n_groups; g++) {
		if (c->n_groups > 1) {
			struct wtot y = { .c = c, .ws = ws, .f = f, .row = row, .first = row + 1,
					  .last = row + (uint32_t)(c->gfirst[g + 1] - c->gfirst[g]), .g = g };
			th_wb_rowfit_set(b, ws, row, &sub);
			totals_row(&y, c->gname[g][0] ? c->gname[g] : "Khác");
			row++;
		}
		for (size_t k = c->gfirst[g]; k < c->gfirst[g + 1]; k++, row++) {
			const size_t u = c->order[k];
			const th_unit *un = c->m->units[u].unit;
			struct th_wb_rowfit fit = { 1 };

			th_meta_unit(c->meta, f, u, row);

			th_wb_rowfit_add(&fit, un ? un->name : "", W_W_NAME, false);
			th_wb_rowfit_set(b, ws, row, &fit);
			/* a unit that sent nothing usable: amber, as in "Tổng hợp" */
			const bool got = c->m->units[u].file >= 0;

			th_wb_num(b, ws, row, 0, (double)(k + 1), got ? b->F.cell : b->F.amber);
			th_wb_text(b, ws, row, 1, un ? un->code : "", got ? b->F.cell : b->F.amber);
			th_wb_text(b, ws, row, W_NAME_COL, un ? un->name : "", got ? b->F.wrap : b->F.amber_wrap);
			for (size_t r = 0; r < fd->n_rows; r++)
				th_merged_cell(c, ws, u, f, r, row, ind_col(r), b->F.cell);
		}
	}
	rows_print(c, f, ws);
}

void th_merged_rows_pos(const struct mctx *c, size_t u, size_t f, int r, uint32_t *row, uint16_t *col)
{
	(void)f;
	*row = c->urow[u];
	*col = r >= 0 ? ind_col((size_t)r) : W_NAME_COL;
}
