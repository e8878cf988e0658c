/*
 * The consolidated workbook of a merge (xlsx_writer.h): "Tổng hợp", a sheet per form with a
 * column per unit and live totals cached with the merge's figures, and "Lỗi".
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "write/merged_int.h"
#include "write/merged_meta.h"
#include "write/wb.h"
#include "write/xlsx_writer.h"
#include "base/banned.h"

/* The form sheets: title rows, two header rows, then one row per schema row; the total
 * first (#16: it stays in view and prints on every page), then a column per unit. */
#define M_HEAD_ROW 4
#define M_CODE_ROW 5
#define M_DATA_ROW 6
#define M_TOTAL_COL 3
#define M_UNIT_COL 4
/* Their column widths (Excel's characters): STT, Chỉ tiêu, Đơn vị tính, a unit, Tổng. */
#define M_W_CODE 7
#define M_W_LABEL 50
#define M_W_MEASURE 13
#define M_W_UNIT 12
#define M_W_TOTAL 22

static const th_total *total_of(const th_merge *m, size_t f, size_t r)
{
	return m->totals && m->totals[f] ? &m->totals[f][r] : NULL;
}

/* The footer of every sheet: the consolidating unit (the roster's name) and the period. */
void th_merged_print(struct mctx *c, lxw_worksheet *ws, struct th_wb_print *p)
{
	p->left = c->m->roster && c->m->roster->name ? c->m->roster->name : "";
	p->center = c->label;
	th_wb_print(c->b, ws, p);
}

/* ---- groups of units ---- */

/* The group of unit u: its province in a roster of several, else its type. */
static const char *group_key(const struct mctx *c, const th_unit *un)
{
	if (!un)
		return "";
	return c->by_province ? un->province : th_unit_type_name(un->type);
}

/* The units in the order the sheets show them: by group (provinces, or types, in the
 * order they first come in the roster), roster order within a group. One group: none. */
static void make_groups(struct mctx *c)
{
	const th_merge *m = c->m;
	size_t n = m->n_units, k = 0;

	c->by_province = m->roster && m->roster->n_provinces > 1;
	c->order = th_xcalloc(n + 1, sizeof(*c->order));
	c->urow = th_xcalloc(n + 1, sizeof(*c->urow));
	c->gname = th_xcalloc(n + 1, sizeof(*c->gname));
	c->gfirst = th_xcalloc(n + 2, sizeof(*c->gfirst));
	for (size_t u = 0; u < n; u++) {
		const char *g = group_key(c, m->units[u].unit);
		size_t i = 0;
		while (i < c->n_groups && strcmp(c->gname[i], g) != 0)
			i++;
		if (i == c->n_groups)
			c->gname[c->n_groups++] = g;
	}
	for (size_t i = 0; i < c->n_groups; i++) {
		c->gfirst[i] = k;
		for (size_t u = 0; u < n; u++)
			if (strcmp(group_key(c, m->units[u].unit), c->gname[i]) == 0)
				c->order[k++] = u;
	}
	c->gfirst[c->n_groups] = k;
}

static void free_groups(struct mctx *c)
{
	free(c->order);
	free(c->urow);
	free(c->gname);
	free(c->gfirst);
}

/* ---- "Tổng hợp" ---- */

/* The title lines of "Tổng hợp": roster, period, window and deadline, counts. */
static void summary_head(struct mctx *c, lxw_worksheet *ws)
{
	struct th_wb *b = c->b;
	const struct th_wb_fmts *F = &b->F;
	const th_merge *m = c->m;
	char d1[TH_DATE_MAX], d2[TH_DATE_MAX], d3[TH_DATE_MAX];
	th_sbuf sb = TH_SBUF_INIT;

	th_wb_text(b, ws, 0, 0, "TỔNG HỢP BÁO CÁO CẢI CÁCH HÀNH CHÍNH", F->title);
	if (m->roster) {
		th_sbuf_adds(&sb, m->roster->name ? m->roster->name : "");
		if (m->roster->parent && m->roster->parent[0])
			th_sbuf_addf(&sb, " – %s", m->roster->parent);
		th_wb_text(b, ws, 1, 0, sb.buf, F->subtitle);
		th_sbuf_reset(&sb);
	}
	th_sbuf_addf(&sb, "Kỳ báo cáo: %s", c->label[0] ? c->label : "không xác định");
	th_wb_text(b, ws, 2, 0, sb.buf, F->bold);
	th_sbuf_reset(&sb);
	th_date_vn(m->from, d1);
	th_date_vn(m->to, d2);
	th_date_vn(m->deadline, d3);
	if (m->from.y && m->to.y) {
		th_sbuf_addf(&sb, "Số liệu tính từ ngày %s đến ngày %s", d1, d2);
		if (m->deadline.y)
			th_sbuf_addf(&sb, "; hạn gửi báo cáo: %s", d3);
	} else {
		th_sbuf_adds(&sb, "Không có lịch báo cáo: chưa xác định thời gian lấy số liệu và hạn gửi báo cáo");
	}
	th_wb_text(b, ws, 3, 0, sb.buf, F->italic);
	th_sbuf_reset(&sb);
	th_sbuf_addf(&sb, "Đã nhận %zu/%zu đơn vị", m->received, m->n_units);
	th_wb_text(b, ws, 4, 0, sb.buf, F->bold);
	th_sbuf_reset(&sb);
	th_sbuf_addf(&sb, "Đúng hạn %zu/%zu", m->on_time, m->received);
	th_wb_text(b, ws, 5, 0, sb.buf, F->bold);
	th_sbuf_reset(&sb);
	th_sbuf_addf(&sb, "Các báo cáo đã nhận có %zu lỗi và %zu cảnh báo (xem trang %s); mọi tệp đã nhận "
		     "và cách dùng từng tệp: xem trang %s", m->errors, m->warnings, c->errors, c->files);
	th_wb_text(b, ws, 6, 0, sb.buf, NULL);
	th_sbuf_release(&sb);
}

/* The columns of "Tổng hợp" and "Tệp đã nhận", widened to their content below. */
enum { S_STT, S_CODE, S_NAME, S_STATE, S_FILE, S_DATE, S_ONTIME, S_ERR, S_WARN, S_NCOL };
/* The rows of their tables' headers. */
#define SUMMARY_HEAD_ROW 8u
#define FILES_HEAD_ROW 4u

/* Widths from content: names, codes, states and paths as long as their longest (within
 * bounds, wrapped past them); the file list's note spans the columns right of the path. */
static void summary_widths(struct mctx *c, double w[S_NCOL])
{
	static const double least[S_NCOL] = { 5, 7, 12, 10, 10, 12, 10, 7, 9 };
	const th_merge *m = c->m;
	th_sbuf sb = TH_SBUF_INIT;

	memcpy(w, least, sizeof(least));
	for (size_t u = 0; u < m->n_units; u++) {
		const th_munit *mu = &m->units[u];
		th_wb_width_fit(&w[S_CODE], mu->unit ? mu->unit->code : "", 12);
		th_wb_width_fit(&w[S_NAME], mu->unit ? mu->unit->name : "", 28);
		if (mu->file >= 0)
			th_wb_width_fit(&w[S_FILE], m->files[mu->file].path, 40);
	}
	for (size_t i = 0; i < m->n_files; i++) {
		if (m->files[i].within >= 0)
			continue; /* a return a consolidated workbook carried: not in the file list */
		th_sbuf_reset(&sb);
		th_wb_add_capitalised(&sb, th_fstatus_vi(m->files[i].status));
		th_wb_width_fit(&w[S_STATE], sb.buf, 22);
		th_wb_width_fit(&w[S_FILE], m->files[i].path, 40);
	}
	th_sbuf_release(&sb);
}

/* The width the file list's note has: the columns right of the path, merged. */
static double note_width(const double w[S_NCOL])
{
	return w[S_DATE] + w[S_ONTIME] + w[S_ERR] + w[S_WARN];
}

/* A header row of the summary's tables. */
static void summary_header(struct mctx *c, lxw_worksheet *ws, uint32_t row, const char *const *head, size_t n,
			   const double w[S_NCOL])
{
	struct th_wb_rowfit fit = { 1 };

	for (size_t i = 0; i < n; i++) {
		th_wb_text(c->b, ws, row, (uint16_t)i, head[i], c->b->F.head);
		th_wb_rowfit_add(&fit, head[i], i + 1 == n && n < S_NCOL ? note_width(w) : w[i], true);
	}
	if (n < S_NCOL)
		th_wb_ck(c->b, worksheet_merge_range(ws, row, (lxw_col_t)(n - 1), row, S_NCOL - 1, head[n - 1], c->b->F.head));
	th_wb_rowfit_set(c->b, ws, row, &fit);
}

/* Before the k-th unit shown, when it begins a group of several: the group's heading row
 * ("Phường: 45 đơn vị, đã nhận 44"). Returns the last row written. */
static uint32_t group_heading(struct mctx *c, lxw_worksheet *ws, uint32_t row, size_t k)
{
	th_sbuf sb = TH_SBUF_INIT;
	size_t i = 0, got = 0;

	if (c->n_groups < 2)
		return row;
	while (i < c->n_groups && c->gfirst[i] != k)
		i++;
	if (i == c->n_groups)
		return row;
	for (size_t j = c->gfirst[i]; j < c->gfirst[i + 1]; j++)
		got += c->m->units[c->order[j]].file >= 0;
	th_wb_add_capitalised(&sb, c->gname[i][0] ? c->gname[i] : "khác");
	th_sbuf_addf(&sb, ": %zu đơn vị, đã nhận %zu", c->gfirst[i + 1] - c->gfirst[i], got);
	row++;
	th_wb_ck(c->b, worksheet_merge_range(ws, row, 0, row, S_NCOL - 1, "", c->b->F.group));
	th_wb_text(c->b, ws, row, 0, sb.buf, c->b->F.group);
	th_sbuf_release(&sb);
	return row;
}

/* One row per roster unit, its header at row: received or missing (amber), its file, date,
 * counts. */
static void summary_units(struct mctx *c, lxw_worksheet *ws, uint32_t row, const double w[S_NCOL])
{
	struct th_wb *b = c->b;
	const struct th_wb_fmts *F = &b->F;
	const th_merge *m = c->m;
	static const char *const head[] = { "STT", "Mã", "Đơn vị", "Tình trạng", "Tệp", "Ngày báo cáo",
					    "Đúng hạn", "Số lỗi", "Số cảnh báo" };

	summary_header(c, ws, row, head, S_NCOL, w);
	for (size_t k = 0; k < m->n_units; k++) {
		const size_t u = c->order[k];
		const th_munit *mu = &m->units[u];
		const th_mfile *mf = mu->file >= 0 ? &m->files[mu->file] : NULL;
		const th_mfile *bad = mu->failed >= 0 ? &m->files[mu->failed] : NULL;
		lxw_format *fc = mf ? F->cell : F->amber, *fw = mf ? F->wrap : F->amber_wrap;
		th_sbuf why = TH_SBUF_INIT;
		struct th_wb_rowfit fit = { 1 };

		row = group_heading(c, ws, row, k);
		row++;
		th_wb_num(b, ws, row, S_STT, (double)(k + 1), fc);
		th_wb_text(b, ws, row, S_CODE, mu->unit ? mu->unit->code : "", fc);
		th_wb_text(b, ws, row, S_NAME, mu->unit ? mu->unit->name : "", fw);
		th_wb_rowfit_add(&fit, mu->unit ? mu->unit->name : "", w[S_NAME], false);
		/* a file of the unit that could not be read is not "not received": its file and why */
		th_wb_text(b, ws, row, S_STATE, mf ? "Đã nhận" : bad ? "Tệp lỗi" : "Chưa nhận", fc);
		if (bad)
			th_sbuf_addf(&why, "%s — %s", bad->path, bad->message);
		th_wb_text(b, ws, row, S_FILE, mf ? mf->path : why.buf, fw);
		th_wb_rowfit_add(&fit, mf ? mf->path : why.buf, w[S_FILE], false);
		th_sbuf_release(&why);
		th_wb_date(b, ws, row, S_DATE, mf ? mf->report_date : (th_date){ 0, 0, 0 }, mf ? F->date : F->amber_date);
		th_wb_text(b, ws, row, S_ONTIME,
			   !mf ? "" : mu->on_time > 0 ? "Đúng hạn" : mu->on_time == 0 ? "Trễ hạn" : "Không rõ", fc);
		if (mf) {
			th_wb_num(b, ws, row, S_ERR, (double)mu->errors, mu->errors ? F->err : fc);
			th_wb_num(b, ws, row, S_WARN, (double)mu->warnings, mu->warnings ? F->warn : fc);
		} else {
			th_wb_text(b, ws, row, S_ERR, "", fc);
			th_wb_text(b, ws, row, S_WARN, "", fc);
		}
		th_wb_rowfit_set(b, ws, row, &fit);
	}
}

/* Every file given, with its status, its header at row. */
static void summary_files(struct mctx *c, lxw_worksheet *ws, uint32_t row, const double w[S_NCOL])
{
	struct th_wb *b = c->b;
	const struct th_wb_fmts *F = &b->F;
	const th_merge *m = c->m;
	static const char *const fhead[] = { "STT", "Mã", "Đơn vị", "Tình trạng", "Tệp", "Ghi chú" };
	th_sbuf sb = TH_SBUF_INIT;

	summary_header(c, ws, row, fhead, sizeof(fhead) / sizeof(fhead[0]), w);
	for (size_t i = 0; i < m->n_files; i++) {
		const th_mfile *mf = &m->files[i];
		bool attention = mf->status == TH_F_UNREADABLE || mf->status == TH_F_WRONG_PERIOD ||
				 mf->status == TH_F_UNKNOWN_UNIT || mf->status == TH_F_REFUSED;
		lxw_format *fc = attention ? F->amber : F->cell, *fw = attention ? F->amber_wrap : F->wrap;
		struct th_wb_rowfit fit = { 1 };

		if (mf->within >= 0)
			continue; /* a return a consolidated workbook carried: in the units above */
		row++;
		th_wb_num(b, ws, row, S_STT, (double)(i + 1), fc);
		th_wb_text(b, ws, row, S_CODE, mf->unit ? mf->unit->code : "", fc);
		th_wb_text(b, ws, row, S_NAME, mf->unit ? mf->unit->name : "", fw);
		th_wb_rowfit_add(&fit, mf->unit ? mf->unit->name : "", w[S_NAME], false);
		th_wb_add_capitalised(&sb, th_fstatus_vi(mf->status));
		th_wb_text(b, ws, row, S_STATE, sb.buf, fw);
		th_wb_rowfit_add(&fit, sb.buf, w[S_STATE], false);
		th_sbuf_reset(&sb);
		th_wb_text(b, ws, row, S_FILE, mf->path, fw);
		th_wb_rowfit_add(&fit, mf->path, w[S_FILE], false);
		/* the note spans the columns on the right of the path, wrapped */
		th_wb_ck(b, worksheet_merge_range(ws, row, S_DATE, row, S_NCOL - 1, "", fw));
		th_wb_text(b, ws, row, S_DATE, mf->message ? mf->message : "", fw);
		th_wb_rowfit_add(&fit, mf->message, note_width(w), false);
		th_wb_rowfit_set(b, ws, row, &fit);
	}
	th_sbuf_release(&sb);
}

/* "Tổng hợp" and "Tệp đã nhận" on A4: portrait when their columns fit the page's width,
 * else landscape; one page wide while readable; the table's header (row head) on every page. */
static void summary_print(struct mctx *c, lxw_worksheet *ws, const double w[S_NCOL], uint32_t head)
{
	struct th_wb_print p = { .rows_first = (int)head, .rows_last = (int)head, .cols_last = -1 };

	p.landscape = th_wb_print_scale(w, S_NCOL, false) != 0;
	p.scale = th_wb_print_scale(w, S_NCOL, p.landscape);
	th_merged_print(c, ws, &p);
}

static void merge_summary(struct mctx *c, lxw_worksheet *ws)
{
	double w[S_NCOL];

	summary_widths(c, w);
	for (size_t i = 0; i < S_NCOL; i++)
		th_wb_ck(c->b, worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, w[i], NULL));
	summary_head(c, ws);
	summary_units(c, ws, SUMMARY_HEAD_ROW, w);
	summary_print(c, ws, w, SUMMARY_HEAD_ROW);
}

/* "Tệp đã nhận": every file given and what became of it (on a sheet of its own, so that
 * each of the two tables prints with its own header on every page). */
static void merge_files(struct mctx *c, lxw_worksheet *ws)
{
	struct th_wb *b = c->b;
	double w[S_NCOL];
	th_sbuf sb = TH_SBUF_INIT;

	summary_widths(c, w);
	for (size_t i = 0; i < S_NCOL; i++)
		th_wb_ck(b, worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, w[i], NULL));
	th_wb_text(b, ws, 0, 0, "CÁC TỆP ĐÃ NHẬN", b->F.title);
	if (c->m->roster && c->m->roster->name)
		th_wb_text(b, ws, 1, 0, c->m->roster->name, b->F.subtitle);
	th_sbuf_addf(&sb, "Kỳ báo cáo: %s", c->label[0] ? c->label : "không xác định");
	th_wb_text(b, ws, 2, 0, sb.buf, b->F.bold);
	th_sbuf_release(&sb);
	summary_files(c, ws, FILES_HEAD_ROW, w);
	summary_print(c, ws, w, FILES_HEAD_ROW);
}

/* ---- the form sheets ---- */

/* The findings of unit u's return on form f, row r: the worst severity (-1: none) and the comment. */
static int cell_findings(const struct mctx *c, size_t u, size_t f, int r, th_sbuf *comment)
{
	int k = c->m->units[u].file, worst = -1;
	const th_findings *fs;
	size_t left = 0;

	if (k < 0)
		return -1;
	fs = &c->m->files[k].findings;
	for (size_t i = 0; i < fs->n; i++) {
		if (fs->v[i].severity < TH_SEV_WARNING || c->fform[k][i] != (int)f || c->frow[k][i] != r)
			continue;
		if ((int)fs->v[i].severity > worst)
			worst = (int)fs->v[i].severity;
		th_wb_comment_add(comment, &fs->v[i], &left);
	}
	th_wb_comment_end(comment, left);
	return worst;
}

int th_merged_findings(const struct mctx *c, size_t u, size_t f, int r, th_sbuf *comment)
{
	return cell_findings(c, u, f, r, comment);
}

void th_merged_cell(struct mctx *c, lxw_worksheet *ws, size_t u, size_t f, size_t r, uint32_t row,
		    uint16_t col, lxw_format *plain)
{
	struct th_wb *b = c->b;
	const th_mvalue *v = th_merge_value(c->m, u, f, r);
	th_sbuf comment = TH_SBUF_INIT;
	int worst = cell_findings(c, u, f, (int)r, &comment);
	lxw_format *fmt = worst == TH_SEV_ERROR ? b->F.err : worst == TH_SEV_WARNING ? b->F.warn : plain;

	if (v && v->state == TH_VAL_NUMBER)
		th_wb_num(b, ws, row, col, v->num, fmt);
	else if (v && (v->state == TH_VAL_DASH || v->state == TH_VAL_UNREADABLE))
		th_wb_text(b, ws, row, col, v->written, fmt);
	else
		th_wb_text(b, ws, row, col, "", fmt);
	if (worst >= 0)
		th_wb_comment(b, ws, row, col, comment.buf);
	th_sbuf_release(&comment);
}

static void merge_cell(struct mctx *c, lxw_worksheet *ws, size_t u, size_t f, size_t r, uint32_t row,
		       bool group)
{
	th_merged_cell(c, ws, u, f, r, row, (uint16_t)(M_UNIT_COL + u), group ? c->b->F.group : c->b->F.cell);
}

/* "…" around a formula string literal, with its quotes doubled. */
static void add_literal(th_sbuf *sb, const char *s)
{
	th_sbuf_addc(sb, '"');
	for (; *s; s++) {
		if (*s == '"')
			th_sbuf_addc(sb, '"');
		th_sbuf_addc(sb, *s);
	}
	th_sbuf_addc(sb, '"');
}

void th_merged_literal(th_sbuf *sb, const char *s)
{
	add_literal(sb, s);
}

/* Where a row's total goes and what it is computed over. */
struct tot {
	struct mctx *c;
	lxw_worksheet *ws;
	size_t f, r;
	uint32_t row;
	uint16_t col;                         /* the Tổng column */
	char rng[LXW_MAX_CELL_RANGE_LENGTH];  /* the row's unit cells */
	const th_rowdef *rd;
	const th_total *t;                    /* NULL when the merge has none */
	bool has;                             /* t has a value */
	struct th_wb_rowfit *fit;             /* the row's height, for a wrapped total */
};

/*
 * A ratio row: the ratio of the summed rows, never an average of the units' percents, over
 * the units that gave both figures (as the merge computes it). SUMPRODUCT takes text in a
 * range as 0 and needs no array entry: each sum is gated on the other row being a number.
 */
static void total_ratio(const struct tot *x)
{
	struct th_wb *b = x->c->b;
	const lxw_col_t first = M_UNIT_COL, last = (lxw_col_t)(M_UNIT_COL + x->c->m->n_units - 1);
	const lxw_row_t nrow = (lxw_row_t)(M_DATA_ROW + x->rd->num), drow = (lxw_row_t)(M_DATA_ROW + x->rd->den);
	char num[LXW_MAX_CELL_RANGE_LENGTH], den[LXW_MAX_CELL_RANGE_LENGTH], formula[320];

	lxw_rowcol_to_range(num, nrow, first, nrow, last);
	lxw_rowcol_to_range(den, drow, first, drow, last);
	snprintf(formula, sizeof(formula),
		 "=IF(SUMPRODUCT(--ISNUMBER(%s),%s)=0,\"\","
		 "SUMPRODUCT(--ISNUMBER(%s),%s)/SUMPRODUCT(--ISNUMBER(%s),%s)*100)",
		 num, den, den, num, num, den);
	if (x->has)
		th_wb_ck(b, worksheet_write_formula_num(x->ws, x->row, x->col, formula, b->F.total_ratio, x->t->value));
	else
		th_wb_ck(b, worksheet_write_formula_str(x->ws, x->row, x->col, formula, b->F.total_ratio, ""));
}

/* A coded row: "Có: 12; Không: 5", each count a COUNTIF of the option's code. */
static void total_tally(const struct tot *x)
{
	struct th_wb *b = x->c->b;
	const th_rowdef *rd = x->rd;
	th_sbuf sb = TH_SBUF_INIT, cached = TH_SBUF_INIT;

	th_sbuf_addc(&sb, '=');
	for (size_t k = 0; k < rd->n_options; k++) {
		size_t n = x->t && x->t->tally ? x->t->tally[k] : 0;
		char text[256];

		snprintf(text, sizeof(text), "%s%s: ", k ? "; " : "", rd->options[k].text);
		if (k)
			th_sbuf_addc(&sb, '&');
		add_literal(&sb, text);
		th_sbuf_addf(&sb, "&COUNTIF(%s,%d)", x->rng, rd->options[k].code);
		th_sbuf_addf(&cached, "%s%zu", text, n);
	}
	if (rd->n_options) {
		th_wb_ck(b, worksheet_write_formula_str(x->ws, x->row, x->col, sb.buf, b->F.total_text, cached.buf));
		th_wb_rowfit_add(x->fit, cached.buf, M_W_TOTAL, true);
	}
	else
		th_wb_text(b, x->ws, x->row, x->col, "", b->F.total);
	th_sbuf_release(&sb);
	th_sbuf_release(&cached);
}

/* A catalogue row: the common value, and in note the units that wrote another one. MODE
 * alone is #N/A when no value repeats (one unit, or all differ): the smallest value then;
 * the merge's common value follows the same rule. */
static void total_catalogue(const struct tot *x, th_sbuf *note)
{
	struct th_wb *b = x->c->b;
	const th_merge *m = x->c->m;
	const th_total *t = x->t;
	lxw_format *fmt = t && t->n_differ ? b->F.total_warn : b->F.total;
	char formula[320];
	size_t left = 0;

	snprintf(formula, sizeof(formula), "=IF(COUNT(%s)=0,\"\",IFERROR(MODE(%s),MIN(%s)))", x->rng, x->rng,
		 x->rng);
	if (x->has)
		th_wb_ck(b, worksheet_write_formula_num(x->ws, x->row, x->col, formula, fmt, t->value));
	else
		th_wb_ck(b, worksheet_write_formula_str(x->ws, x->row, x->col, formula, fmt, ""));
	if (!x->has || !t->n_differ)
		return;
	th_sbuf_addf(note, "Giá trị chung: %.15g. %zu đơn vị ghi khác:", t->value, t->n_differ);
	for (size_t u = 0; u < m->n_units; u++) {
		const th_mvalue *v = th_merge_value(m, u, x->f, x->r);
		if (!v || v->state != TH_VAL_NUMBER || v->num == t->value)
			continue;
		if (note->len > TH_WB_COMMENT_MAX)
			left++;
		else
			th_sbuf_addf(note, "\n%s: %.15g", m->units[u].unit ? m->units[u].unit->name : "?", v->num);
	}
	if (left)
		th_sbuf_addf(note, "\n… và %zu đơn vị khác", left);
}

/* The units among units[0..n) (NULL: the merge's first n) that lack() says the total of
 * form f row r leaves out, after what in note (#11); nothing when none. */
static void note_units(const th_merge *m, size_t f, size_t r, const size_t *units, size_t n, th_sbuf *note,
		       const char *what, bool (*lack)(const th_merge *, size_t, size_t, size_t))
{
	size_t shown = 0, count = 0;

	for (size_t k = 0; k < n; k++)
		count += lack(m, units ? units[k] : k, f, r);
	if (!count)
		return;
	th_sbuf_addf(note, "%sChưa tính %zu đơn vị %s:", note->len ? "\n\n" : "", count, what);
	for (size_t k = 0; k < n; k++) {
		size_t u = units ? units[k] : k;
		if (!lack(m, u, f, r))
			continue;
		if (note->len > TH_WB_COMMENT_MAX) {
			th_sbuf_addf(note, "\n… và %zu đơn vị khác", count - shown);
			break;
		}
		th_sbuf_addf(note, "\n%s", m->units[u].unit->name);
		shown++;
	}
}

void th_merged_lacking(const struct mctx *c, size_t f, size_t r, const size_t *units, size_t n, th_sbuf *note)
{
	const th_rowdef *rd = &c->s->forms[f].rows[r];

	note_units(c->m, f, r, units, n, note, "có số liệu không đọc được", th_merge_unread);
	note_units(c->m, f, r, units, n, note,
		   rd->agg == TH_AGG_RATIO ? "chưa điền tử số hoặc mẫu số" : "chưa điền dòng này", th_merge_blank);
}

/*
 * The total of a row: a live formula over the unit columns, cached with the merge's total
 * so that a reader that does not recalculate (or a viewer) shows the right figure.
 */
static void merge_total(struct mctx *c, lxw_worksheet *ws, size_t f, size_t r, uint32_t row,
			struct th_wb_rowfit *fit)
{
	struct th_wb *b = c->b;
	const th_merge *m = c->m;
	struct tot x = { .c = c, .ws = ws, .f = f, .r = r, .row = row, .rd = &c->s->forms[f].rows[r], .fit = fit };
	th_sbuf note = TH_SBUF_INIT;
	char formula[320];

	x.col = M_TOTAL_COL;
	x.t = total_of(m, f, r);
	x.has = x.t && x.t->has_value;
	if (!m->n_units || x.rd->agg == TH_AGG_NONE ||
	    (x.rd->agg == TH_AGG_RATIO && (x.rd->num < 0 || x.rd->den < 0))) {
		th_wb_text(b, ws, row, x.col, "", b->F.total);
		return;
	}
	lxw_rowcol_to_range(x.rng, row, M_UNIT_COL, row, (lxw_col_t)(M_UNIT_COL + m->n_units - 1));
	switch (x.rd->agg) {
	case TH_AGG_SUM:
		snprintf(formula, sizeof(formula), "=SUM(%s)", x.rng);
		th_wb_ck(b, worksheet_write_formula_num(ws, row, x.col, formula, b->F.total, x.has ? x.t->value : 0));
		break;
	case TH_AGG_RATIO: total_ratio(&x); break;
	case TH_AGG_TALLY: total_tally(&x); break;
	case TH_AGG_CATALOGUE: total_catalogue(&x, &note); break;
	case TH_AGG_NONE: break;
	}
	/* a total that lacks figures says whose: unreadable, or a required row left blank */
	if (x.t && (x.t->n_unread || x.t->n_blank))
		th_merged_lacking(c, f, r, NULL, m->n_units, &note);
	if (note.len)
		th_wb_comment(b, ws, row, x.col, note.buf);
	th_sbuf_release(&note);
}

/*
 * A form sheet on A4 landscape: the titles, the header rows and the STT, label and unit
 * columns on every page; one page wide while that keeps the text readable (a few units),
 * else at TH_WB_MIN_SCALE with the unit columns running on following pages.
 */
static void form_print(struct mctx *c, lxw_worksheet *ws)
{
	const size_t n = c->m->n_units;
	double *w = th_xcalloc(M_UNIT_COL + n, sizeof(*w));
	struct th_wb_print p = { .landscape = true, .rows_last = M_CODE_ROW, .cols_last = M_TOTAL_COL };

	w[0] = M_W_CODE;
	w[1] = M_W_LABEL;
	w[2] = M_W_MEASURE;
	for (size_t u = 0; u < n; u++)
		w[M_UNIT_COL + u] = M_W_UNIT;
	w[M_TOTAL_COL] = M_W_TOTAL;
	p.scale = th_wb_print_scale(w, M_UNIT_COL + n, true);
	th_merged_print(c, ws, &p);
	free(w);
}

/* The titles and the two header rows of a form sheet: unit names, then their codes. */
static void form_head(struct mctx *c, size_t f, lxw_worksheet *ws)
{
	struct th_wb *b = c->b;
	const struct th_wb_fmts *F = &b->F;
	const th_merge *m = c->m;
	const th_formdef *fd = &c->s->forms[f];
	const uint16_t tot = M_TOTAL_COL;
	static const char *const head[M_TOTAL_COL + 1] = { "STT", "Chỉ tiêu", "Đơn vị tính", "Tổng" };
	struct th_wb_rowfit fit = { 2 };
	th_sbuf sb = TH_SBUF_INIT;

	th_wb_ck(b, worksheet_set_column(ws, 0, 0, M_W_CODE, NULL));
	th_wb_ck(b, worksheet_set_column(ws, 1, 1, M_W_LABEL, NULL));
	th_wb_ck(b, worksheet_set_column(ws, 2, 2, M_W_MEASURE, NULL));
	th_wb_ck(b, worksheet_set_column(ws, tot, tot, M_W_TOTAL, NULL));
	if (m->n_units)
		th_wb_ck(b, worksheet_set_column(ws, M_UNIT_COL, (lxw_col_t)(M_UNIT_COL + m->n_units - 1), M_W_UNIT, NULL));
	th_wb_text(b, ws, 0, 0, fd->title, F->title);
	th_wb_text(b, ws, 1, 0, fd->name, F->subtitle);
	th_sbuf_addf(&sb, "Tổng hợp %s", c->label[0] ? c->label : "");
	if (m->roster && m->roster->name)
		th_sbuf_addf(&sb, " – %s", m->roster->name);
	th_wb_text(b, ws, 2, 0, sb.buf, F->italic);
	th_sbuf_release(&sb);

	for (size_t u = 0; u < m->n_units; u++)
		th_wb_rowfit_add(&fit, m->units[u].unit ? m->units[u].unit->name : "", M_W_UNIT, true);
	/* row by row, no merge across rows: the workbook is written in constant-memory mode */
	th_wb_rowfit_set(b, ws, M_HEAD_ROW, &fit);
	for (size_t i = 0; i <= M_TOTAL_COL; i++)
		th_wb_text(b, ws, M_HEAD_ROW, (uint16_t)i, head[i], F->head);
	th_meta_form(c->meta, f, c->names[f], true);
	for (size_t u = 0; u < m->n_units; u++) {
		const th_unit *un = m->units[u].unit;
		th_meta_unit(c->meta, f, u, (uint32_t)(M_UNIT_COL + u));
		th_wb_text(b, ws, M_HEAD_ROW, (uint16_t)(M_UNIT_COL + u), un ? un->name : "", F->head);
	}
	for (size_t i = 0; i <= M_TOTAL_COL; i++)
		th_wb_text(b, ws, M_CODE_ROW, (uint16_t)i, "", F->head);
	for (size_t u = 0; u < m->n_units; u++) {
		const th_unit *un = m->units[u].unit;
		th_wb_text(b, ws, M_CODE_ROW, (uint16_t)(M_UNIT_COL + u), un ? un->code : "", F->head);
	}
	worksheet_freeze_panes(ws, M_DATA_ROW, M_UNIT_COL);
	form_print(c, ws);
}

static void merge_form(struct mctx *c, size_t f, lxw_worksheet *ws)
{
	struct th_wb *b = c->b;
	const struct th_wb_fmts *F = &b->F;
	const th_formdef *fd = &c->s->forms[f];

	if (c->wide) {
		th_merged_rows_form(c, f, ws);
		return;
	}
	form_head(c, f, ws);
	for (size_t r = 0; r < fd->n_rows; r++) {
		const th_rowdef *rd = &fd->rows[r];
		const uint32_t row = (uint32_t)(M_DATA_ROW + r);
		const bool group = rd->kind == TH_ROW_GROUP;
		struct th_wb_rowfit fit = { 1 };

		th_wb_rowfit_add(&fit, rd->label, M_W_LABEL, group);
		th_wb_rowfit_add(&fit, rd->unit, M_W_MEASURE, false);
		th_wb_text(b, ws, row, 0, rd->code, group ? F->group : F->cell);
		th_wb_text(b, ws, row, 1, rd->label, group ? F->group_wrap : F->wrap);
		th_wb_text(b, ws, row, 2, rd->unit, F->wrap);
		th_meta_row(c->meta, f, r, row);
		for (size_t u = 0; u < c->m->n_units; u++)
			merge_cell(c, ws, u, f, r, row, group);
		merge_total(c, ws, f, r, row, &fit);
		th_wb_rowfit_set(b, ws, row, &fit);
	}
}

/* ---- "Lỗi" ---- */

/* The columns of "Lỗi"; the province only in a roster of several (for the filter). */
enum { E_PROV, E_UNIT, E_FILE, E_FORM, E_CODE, E_CELL, E_RULE, E_SEV, E_WRITTEN, E_EXPECTED, E_MSG, E_NCOL };

/* The sheet column of E_*: without provinces, all one to the left. */
static uint16_t ecol(const struct mctx *c, int k)
{
	return (uint16_t)(c->by_province ? k : k - 1);
}

/* What column E_FORM says for an item. Static or owned by the schema. */
static const char *item_form(const struct mctx *c, const struct th_wb_item *it)
{
	return it->form >= 0 ? c->s->forms[it->form].id : th_wb_place_label(c->s, it->fd);
}

/* The widths of "Lỗi" from its content, each within bounds (wrapped past them). */
static void errors_widths(const struct mctx *c, const struct th_wb_items *it, double w[E_NCOL])
{
	static const double least[E_NCOL] = { 10, 12, 10, 7, 7, 8, 10, 9, 8, 8, 30 };
	static const double most[E_NCOL] = { 22, 24, 28, 16, 10, 22, 24, 9, 14, 14, 50 };
	const th_merge *m = c->m;

	memcpy(w, least, sizeof(least));
	for (size_t i = 0; i < it->n; i++) {
		const th_finding *fd = it->v[i].fd;
		const th_munit *mu = &m->units[it->v[i].unit];
		char cell[TH_WB_NAME_MAX + LXW_MAX_CELL_NAME_LENGTH + 4];

		snprintf(cell, sizeof(cell), "%s!%s", fd->sheet, fd->cell);
		th_wb_width_fit(&w[E_PROV], mu->unit ? mu->unit->province : "", most[E_PROV]);
		th_wb_width_fit(&w[E_UNIT], mu->unit ? mu->unit->name : "", most[E_UNIT]);
		th_wb_width_fit(&w[E_FILE], m->files[mu->file].path, most[E_FILE]);
		th_wb_width_fit(&w[E_FORM], item_form(c, &it->v[i]), most[E_FORM]);
		th_wb_width_fit(&w[E_CODE], fd->code, most[E_CODE]);
		th_wb_width_fit(&w[E_CELL], cell, most[E_CELL]);
		th_wb_width_fit(&w[E_RULE], fd->rule, most[E_RULE]);
		th_wb_width_fit(&w[E_WRITTEN], fd->written, most[E_WRITTEN]);
		th_wb_width_fit(&w[E_EXPECTED], fd->expected, most[E_EXPECTED]);
		th_wb_width_fit(&w[E_MSG], fd->message, most[E_MSG]);
	}
}

/* The height of an error row: its wrapped cells. */
static void errors_height(struct mctx *c, lxw_worksheet *ws, uint32_t row, const struct th_wb_item *it,
			  const double w[E_NCOL])
{
	const th_munit *mu = &c->m->units[it->unit];
	struct th_wb_rowfit fit = { 1 };

	if (c->by_province)
		th_wb_rowfit_add(&fit, mu->unit ? mu->unit->province : "", w[E_PROV], false);
	th_wb_rowfit_add(&fit, mu->unit ? mu->unit->name : "", w[E_UNIT], false);
	th_wb_rowfit_add(&fit, c->m->files[mu->file].path, w[E_FILE], false);
	th_wb_rowfit_add(&fit, it->fd->written, w[E_WRITTEN], false);
	th_wb_rowfit_add(&fit, it->fd->expected, w[E_EXPECTED], false);
	th_wb_rowfit_add(&fit, it->fd->message, w[E_MSG], false);
	th_wb_rowfit_set(c->b, ws, row, &fit);
}

/* One finding's row: the unit, its file, the form and row code, then th_wb_finding_tail
 * from the cell on, linked to the unit's cell in the form sheet (its header cell, or its
 * name in a wide sheet, when the finding names no row; no cell of this workbook for the
 * header block and the register). */
static void errors_row(struct mctx *c, lxw_worksheet *ws, struct th_wb_links *lk, uint32_t row,
		       const struct th_wb_item *it)
{
	struct th_wb *b = c->b;
	const struct th_wb_fmts *F = &b->F;
	const th_munit *mu = &c->m->units[it->unit];
	uint32_t trow = it->row >= 0 ? (uint32_t)(M_DATA_ROW + it->row) : M_HEAD_ROW;
	uint16_t tcol = (uint16_t)(M_UNIT_COL + it->unit);

	if (c->wide && it->form >= 0)
		th_merged_rows_pos(c, it->unit, (size_t)it->form, it->row, &trow, &tcol);
	if (c->by_province)
		th_wb_text(b, ws, row, ecol(c, E_PROV), mu->unit ? mu->unit->province : "", F->wrap);
	th_wb_text(b, ws, row, ecol(c, E_UNIT), mu->unit ? mu->unit->name : "", F->wrap);
	th_wb_text(b, ws, row, ecol(c, E_FILE), c->m->files[mu->file].path, F->wrap);
	th_wb_text(b, ws, row, ecol(c, E_FORM), item_form(c, it), F->cell);
	th_wb_text(b, ws, row, ecol(c, E_CODE), it->fd->code, F->cell);
	th_wb_finding_tail(b, ws, lk, row, ecol(c, E_CELL), it->fd, it->form >= 0 ? c->names[it->form] : NULL,
			   trow, tcol, true);
}

static void merge_errors(struct mctx *c, lxw_worksheet *ws)
{
	struct th_wb *b = c->b;
	const th_merge *m = c->m;
	static const char *const cols[E_NCOL] = { "Tỉnh, thành phố", "Đơn vị", "Tệp", "Biểu", "Mã dòng", "Ô",
						  "Quy tắc", "Mức", "Đã ghi", "Đúng", "Nội dung" };
	const size_t skip = c->by_province ? 0 : 1, n = E_NCOL - skip;
	struct th_wb_items it = { 0 };
	struct th_wb_links lk = { 0 };
	struct th_wb_print p = { .landscape = true, .rows_last = 0, .cols_last = ecol(c, E_UNIT) };
	struct th_wb_rowfit head = { 1 };
	double w[E_NCOL];
	uint32_t row = 0;

	for (size_t u = 0; u < m->n_units; u++) {
		int k = m->units[u].file;
		th_wb_items_add(&it, c->s, k >= 0 ? &m->files[k].findings : NULL, u);
	}
	th_wb_items_sort(&it);
	errors_widths(c, &it, w);
	th_wb_errors_header(b, ws, 0, cols + skip, w + skip, n);
	for (size_t i = skip; i < E_NCOL; i++)
		th_wb_rowfit_add(&head, cols[i], w[i], true);
	th_wb_rowfit_set(b, ws, 0, &head);
	for (size_t i = 0; i < it.n && row + 2 < LXW_ROW_MAX; i++) {
		row++;
		errors_height(c, ws, row, &it.v[i], w);
		errors_row(c, ws, &lk, row, &it.v[i]);
	}
	th_wb_ck(b, worksheet_autofilter(ws, 0, 0, row, (lxw_col_t)(n - 1)));
	p.scale = th_wb_print_scale(w + skip, n, true);
	th_merged_print(c, ws, &p);
	free(it.v);
}

int th_write_merge(const th_merge *m, const char *path, th_err *e)
{
	return th_write_merge_held(m, path, NULL, e);
}

int th_write_merge_held(const th_merge *m, const char *path, th_outfile **held, th_err *e)
{
	struct th_wb b;
	struct mctx c;
	const th_schema *s = m->schema;
	lxw_worksheet *summary, *errors, *files, **forms;
	th_sbuf title = TH_SBUF_INIT;
	bool ok = true;
	int ret;

	if (m->n_units <= TH_WRITE_WIDE_UNITS && M_UNIT_COL + m->n_units + 1 > LXW_COL_MAX)
		return th_fail(e, TH_E_WRITE, "quá nhiều đơn vị (%zu) cho một trang tính (tối đa %d)", m->n_units,
			       LXW_COL_MAX - M_UNIT_COL - 1);
	memset(&c, 0, sizeof(c));
	th_period_label_vi(m->period, c.label, sizeof(c.label));
	th_sbuf_addf(&title, "Tổng hợp báo cáo cải cách hành chính %s", c.label);
	/* constant-memory mode (#15): every sheet is written row by row, top to bottom */
	if (th_wb_open_mem(&b, path, title.buf, true, e)) {
		th_sbuf_release(&title);
		return -1;
	}
	th_sbuf_release(&title);
	b.keep = held;
	c.b = &b;
	c.m = m;
	c.s = s;
	c.names = th_xcalloc(s->n_forms + 1, sizeof(*c.names));
	c.wide = m->n_units > TH_WRITE_WIDE_UNITS;
	make_groups(&c);
	if (c.wide)
		th_merged_rows_layout(&c);
	c.meta = th_meta_new(m);
	c.fform = th_xcalloc(m->n_files + 1, sizeof(*c.fform));
	c.frow = th_xcalloc(m->n_files + 1, sizeof(*c.frow));
	for (size_t k = 0; k < m->n_files; k++) {
		const th_findings *fs = &m->files[k].findings;
		c.fform[k] = th_xcalloc(fs->n + 1, sizeof(**c.fform));
		c.frow[k] = th_xcalloc(fs->n + 1, sizeof(**c.frow));
		for (size_t i = 0; i < fs->n; i++)
			th_wb_finding_pos(s, &fs->v[i], &c.fform[k][i], &c.frow[k][i]);
	}

	/* every sheet first, so that links can name them */
	forms = th_xcalloc(s->n_forms + 1, sizeof(*forms));
	summary = th_wb_sheet(&b, "Tổng hợp", c.summary);
	ok = summary != NULL;
	for (size_t f = 0; f < s->n_forms; f++) {
		forms[f] = th_wb_sheet(&b, s->forms[f].id, c.names[f]);
		ok = ok && forms[f];
	}
	errors = th_wb_sheet(&b, "Lỗi", c.errors);
	files = th_wb_sheet(&b, "Tệp đã nhận", c.files);
	ok = ok && errors && files;
	if (ok) {
		merge_summary(&c, summary);
		for (size_t f = 0; f < s->n_forms; f++)
			merge_form(&c, f, forms[f]);
		merge_errors(&c, errors);
		merge_files(&c, files);
		th_meta_write(c.meta, &b);
	}
	ret = th_wb_close(&b, e);
	th_meta_free(c.meta);

	for (size_t k = 0; k < m->n_files; k++) {
		free(c.fform[k]);
		free(c.frow[k]);
	}
	free(c.fform);
	free(c.frow);
	free(c.names);
	free_groups(&c);
	free(forms);
	return ret;
}
