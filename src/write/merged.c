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
#include "write/wb.h"
#include "write/xlsx_writer.h"
#include "base/banned.h"

/* The form sheets: title rows, two header rows, then one row per schema row. */
#define M_HEAD_ROW 4
#define M_CODE_ROW 5
#define M_DATA_ROW 6
#define M_UNIT_COL 3

struct mctx {
	struct th_wb *b;
	const th_merge *m;
	const th_schema *s;
	int **fform, **frow;          /* per file, per finding: schema indexes */
	char (*names)[TH_WB_NAME_MAX];      /* the form sheets */
	char summary[TH_WB_NAME_MAX], errors[TH_WB_NAME_MAX];
	char label[TH_PERIOD_LABEL_MAX];
};

static const th_total *total_of(const th_merge *m, size_t f, size_t r)
{
	return m->totals && m->totals[f] ? &m->totals[f][r] : NULL;
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
	th_sbuf_addf(&sb, "Các báo cáo đã nhận có %zu lỗi và %zu cảnh báo (xem trang %s)", m->errors,
		     m->warnings, c->errors);
	th_wb_text(b, ws, 6, 0, sb.buf, NULL);
	th_sbuf_release(&sb);
}

/* One row per roster unit, from row: received or missing (amber), its file, date, counts.
 * Returns the last row written. */
static uint32_t summary_units(struct mctx *c, lxw_worksheet *ws, uint32_t row)
{
	struct th_wb *b = c->b;
	const struct th_wb_fmts *F = &b->F;
	const th_merge *m = c->m;
	static const char *const head[] = { "STT", "Mã", "Đơn vị", "Tình trạng", "Tệp", "Ngày báo cáo",
					    "Đúng hạn", "Số lỗi", "Số cảnh báo" };

	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		th_wb_text(b, ws, row, (uint16_t)i, head[i], F->head);
	for (size_t u = 0; u < m->n_units; u++) {
		const th_munit *mu = &m->units[u];
		const th_mfile *mf = mu->file >= 0 ? &m->files[mu->file] : NULL;
		const th_mfile *bad = mu->failed >= 0 ? &m->files[mu->failed] : NULL;
		lxw_format *fc = mf ? F->cell : F->amber, *fw = mf ? F->wrap : F->amber_wrap;
		th_sbuf why = TH_SBUF_INIT;

		row++;
		th_wb_num(b, ws, row, 0, (double)(u + 1), fc);
		th_wb_text(b, ws, row, 1, mu->unit ? mu->unit->code : "", fc);
		th_wb_text(b, ws, row, 2, mu->unit ? mu->unit->name : "", fw);
		/* a file of the unit that could not be read is not "not received": its file and why */
		th_wb_text(b, ws, row, 3, mf ? "Đã nhận" : bad ? "Tệp lỗi" : "Chưa nhận", fc);
		if (bad)
			th_sbuf_addf(&why, "%s — %s", bad->path, bad->message);
		th_wb_text(b, ws, row, 4, mf ? mf->path : why.buf, fw);
		th_sbuf_release(&why);
		th_wb_date(b, ws, row, 5, mf ? mf->report_date : (th_date){ 0, 0, 0 }, mf ? F->date : F->amber_date);
		th_wb_text(b, ws, row, 6,
			   !mf ? "" : mu->on_time > 0 ? "Đúng hạn" : mu->on_time == 0 ? "Trễ hạn" : "Không rõ", fc);
		if (mf) {
			th_wb_num(b, ws, row, 7, (double)mu->errors, mu->errors ? F->err : fc);
			th_wb_num(b, ws, row, 8, (double)mu->warnings, mu->warnings ? F->warn : fc);
		} else {
			th_wb_text(b, ws, row, 7, "", fc);
			th_wb_text(b, ws, row, 8, "", fc);
		}
	}
	return row;
}

/* Every file given, with its status, under a subtitle at row. */
static void summary_files(struct mctx *c, lxw_worksheet *ws, uint32_t row)
{
	struct th_wb *b = c->b;
	const struct th_wb_fmts *F = &b->F;
	const th_merge *m = c->m;
	static const char *const fhead[] = { "STT", "Mã", "Đơn vị", "Tình trạng", "Tệp", "Ghi chú" };
	th_sbuf sb = TH_SBUF_INIT;

	th_wb_text(b, ws, row, 0, "Các tệp đã nhận", F->subtitle);
	row++;
	for (size_t i = 0; i < sizeof(fhead) / sizeof(fhead[0]); i++)
		th_wb_text(b, ws, row, (uint16_t)i, fhead[i], F->head);
	for (size_t i = 0; i < m->n_files; i++) {
		const th_mfile *mf = &m->files[i];
		bool attention = mf->status == TH_F_UNREADABLE || mf->status == TH_F_WRONG_PERIOD ||
				 mf->status == TH_F_UNKNOWN_UNIT;
		lxw_format *fc = attention ? F->amber : F->cell, *fw = attention ? F->amber_wrap : F->wrap;

		row++;
		th_wb_num(b, ws, row, 0, (double)(i + 1), fc);
		th_wb_text(b, ws, row, 1, mf->unit ? mf->unit->code : "", fc);
		th_wb_text(b, ws, row, 2, mf->unit ? mf->unit->name : "", fw);
		th_wb_add_capitalised(&sb, th_fstatus_vi(mf->status));
		th_wb_text(b, ws, row, 3, sb.buf, fw);
		th_sbuf_reset(&sb);
		th_wb_text(b, ws, row, 4, mf->path, fw);
		/* unwrapped and unbordered, so that a long note runs over the empty cells on its right */
		th_wb_text(b, ws, row, 5, mf->message ? mf->message : "", NULL);
	}
	th_sbuf_release(&sb);
}

static void merge_summary(struct mctx *c, lxw_worksheet *ws)
{
	static const double widths[] = { 6, 9, 26, 13, 36, 13, 11, 8, 11 };
	uint32_t row;

	for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++)
		th_wb_ck(c->b, worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], NULL));
	summary_head(c, ws);
	row = summary_units(c, ws, 8);
	summary_files(c, ws, row + 2);
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

static void merge_cell(struct mctx *c, lxw_worksheet *ws, size_t u, size_t f, size_t r, uint32_t row,
		       bool group)
{
	struct th_wb *b = c->b;
	const th_mvalue *v = th_merge_value(c->m, u, f, r);
	th_sbuf comment = TH_SBUF_INIT;
	int worst = cell_findings(c, u, f, (int)r, &comment);
	lxw_format *fmt = worst == TH_SEV_ERROR ? b->F.err : worst == TH_SEV_WARNING ? b->F.warn :
		group ? b->F.group : b->F.cell;
	uint16_t col = (uint16_t)(M_UNIT_COL + u);

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
	if (rd->n_options)
		th_wb_ck(b, worksheet_write_formula_str(x->ws, x->row, x->col, sb.buf, b->F.total_text, cached.buf));
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

/* The units lack() says the total leaves out, after what in note (#11). */
static void note_units(const struct tot *x, th_sbuf *note, const char *what, size_t n,
		       bool (*lack)(const th_merge *, size_t, size_t, size_t))
{
	const th_merge *m = x->c->m;
	size_t shown = 0;

	th_sbuf_addf(note, "%sChưa tính %zu đơn vị %s:", note->len ? "\n\n" : "", n, what);
	for (size_t u = 0; u < m->n_units; u++) {
		if (!lack(m, u, x->f, x->r))
			continue;
		if (note->len > TH_WB_COMMENT_MAX) {
			th_sbuf_addf(note, "\n… và %zu đơn vị khác", n - shown);
			break;
		}
		th_sbuf_addf(note, "\n%s", m->units[u].unit->name);
		shown++;
	}
}

/*
 * The total of a row: a live formula over the unit columns, cached with the merge's total
 * so that a reader that does not recalculate (or a viewer) shows the right figure.
 */
static void merge_total(struct mctx *c, lxw_worksheet *ws, size_t f, size_t r, uint32_t row)
{
	struct th_wb *b = c->b;
	const th_merge *m = c->m;
	struct tot x = { .c = c, .ws = ws, .f = f, .r = r, .row = row, .rd = &c->s->forms[f].rows[r] };
	th_sbuf note = TH_SBUF_INIT;
	char formula[320];

	x.col = (uint16_t)(M_UNIT_COL + m->n_units);
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
	if (x.t && x.t->n_unread)
		note_units(&x, &note, "có số liệu không đọc được", x.t->n_unread, th_merge_unread);
	if (x.t && x.t->n_blank)
		note_units(&x, &note, x.rd->agg == TH_AGG_RATIO ? "chưa điền tử số hoặc mẫu số" : "chưa điền dòng này",
			   x.t->n_blank, th_merge_blank);
	if (note.len)
		th_wb_comment(b, ws, row, x.col, note.buf);
	th_sbuf_release(&note);
}

static void merge_form(struct mctx *c, size_t f, lxw_worksheet *ws)
{
	struct th_wb *b = c->b;
	const struct th_wb_fmts *F = &b->F;
	const th_merge *m = c->m;
	const th_formdef *fd = &c->s->forms[f];
	const uint16_t tot = (uint16_t)(M_UNIT_COL + m->n_units);
	th_sbuf sb = TH_SBUF_INIT;

	th_wb_ck(b, worksheet_set_column(ws, 0, 0, 7, NULL));
	th_wb_ck(b, worksheet_set_column(ws, 1, 1, 50, NULL));
	th_wb_ck(b, worksheet_set_column(ws, 2, 2, 13, NULL));
	if (m->n_units)
		th_wb_ck(b, worksheet_set_column(ws, M_UNIT_COL, (lxw_col_t)(tot - 1), 12, NULL));
	th_wb_ck(b, worksheet_set_column(ws, tot, tot, 22, NULL));
	th_wb_text(b, ws, 0, 0, fd->title, F->title);
	th_wb_text(b, ws, 1, 0, fd->name, F->subtitle);
	th_sbuf_addf(&sb, "Tổng hợp %s", c->label[0] ? c->label : "");
	if (m->roster && m->roster->name)
		th_sbuf_addf(&sb, " – %s", m->roster->name);
	th_wb_text(b, ws, 2, 0, sb.buf, F->italic);
	th_sbuf_release(&sb);

	/* two header rows: unit names, then their codes */
	th_wb_ck(b, worksheet_merge_range(ws, M_HEAD_ROW, 0, M_CODE_ROW, 0, "STT", F->head));
	th_wb_ck(b, worksheet_merge_range(ws, M_HEAD_ROW, 1, M_CODE_ROW, 1, "Chỉ tiêu", F->head));
	th_wb_ck(b, worksheet_merge_range(ws, M_HEAD_ROW, 2, M_CODE_ROW, 2, "Đơn vị tính", F->head));
	for (size_t u = 0; u < m->n_units; u++) {
		const th_unit *un = m->units[u].unit;
		th_wb_text(b, ws, M_HEAD_ROW, (uint16_t)(M_UNIT_COL + u), un ? un->name : "", F->head);
		th_wb_text(b, ws, M_CODE_ROW, (uint16_t)(M_UNIT_COL + u), un ? un->code : "", F->head);
	}
	th_wb_ck(b, worksheet_merge_range(ws, M_HEAD_ROW, tot, M_CODE_ROW, tot, "Tổng", F->head));
	th_wb_ck(b, worksheet_set_row(ws, M_HEAD_ROW, 45, NULL));
	worksheet_freeze_panes(ws, M_DATA_ROW, M_UNIT_COL);
	th_wb_ck(b, worksheet_repeat_rows(ws, M_HEAD_ROW, M_CODE_ROW));
	worksheet_set_landscape(ws);
	worksheet_fit_to_pages(ws, 1, 0);

	for (size_t r = 0; r < fd->n_rows; r++) {
		const th_rowdef *rd = &fd->rows[r];
		const uint32_t row = (uint32_t)(M_DATA_ROW + r);
		const bool group = rd->kind == TH_ROW_GROUP;

		th_wb_text(b, ws, row, 0, rd->code, group ? F->group : F->cell);
		th_wb_text(b, ws, row, 1, rd->label, group ? F->group_wrap : F->wrap);
		th_wb_text(b, ws, row, 2, rd->unit, F->wrap);
		for (size_t u = 0; u < m->n_units; u++)
			merge_cell(c, ws, u, f, r, row, group);
		merge_total(c, ws, f, r, row);
	}
}

/* ---- "Lỗi" ---- */

static void merge_errors(struct mctx *c, lxw_worksheet *ws)
{
	struct th_wb *b = c->b;
	const struct th_wb_fmts *F = &b->F;
	const th_merge *m = c->m;
	static const char *const cols[] = { "Đơn vị", "Tệp", "Biểu", "Mã dòng", "Ô", "Quy tắc", "Mức",
					    "Đã ghi", "Đúng", "Nội dung" };
	static const double widths[] = { 22, 30, 14, 9, 13, 20, 10, 14, 14, 90 };
	struct th_wb_items it = { 0 };
	struct th_wb_links lk = { 0 };
	uint32_t row = 0;

	th_wb_errors_header(b, ws, 0, cols, widths, sizeof(cols) / sizeof(cols[0]));
	for (size_t u = 0; u < m->n_units; u++) {
		int k = m->units[u].file;
		th_wb_items_add(&it, c->s, k >= 0 ? &m->files[k].findings : NULL, u);
	}
	th_wb_items_sort(&it);
	for (size_t i = 0; i < it.n && row + 2 < LXW_ROW_MAX; i++) {
		const th_finding *fd = it.v[i].fd;
		const th_munit *mu = &m->units[it.v[i].unit];

		row++;
		th_wb_text(b, ws, row, 0, mu->unit ? mu->unit->name : "", F->wrap);
		th_wb_text(b, ws, row, 1, m->files[mu->file].path, F->wrap);
		th_wb_text(b, ws, row, 2, it.v[i].form >= 0 ? c->s->forms[it.v[i].form].id : th_wb_place_label(c->s, fd), F->cell);
		th_wb_text(b, ws, row, 3, fd->code, F->cell);
		/* the unit's cell in the form sheet (its header cell when the finding names no row);
		 * no cell of this workbook for the header block and the register */
		th_wb_finding_tail(b, ws, &lk, row, 4, fd, it.v[i].form >= 0 ? c->names[it.v[i].form] : NULL,
				   it.v[i].row >= 0 ? (uint32_t)(M_DATA_ROW + it.v[i].row) : M_HEAD_ROW,
				   (uint16_t)(M_UNIT_COL + it.v[i].unit), true);
	}
	th_wb_ck(b, worksheet_autofilter(ws, 0, 0, row, (lxw_col_t)(sizeof(cols) / sizeof(cols[0]) - 1)));
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
	lxw_worksheet *summary, *errors, **forms;
	th_sbuf title = TH_SBUF_INIT;
	bool ok = true;
	int ret;

	if (M_UNIT_COL + m->n_units + 1 > LXW_COL_MAX)
		return th_fail(e, TH_E_WRITE, "quá nhiều đơn vị (%zu) cho một trang tính (tối đa %d)", m->n_units,
			       LXW_COL_MAX - M_UNIT_COL - 1);
	memset(&c, 0, sizeof(c));
	th_period_label_vi(m->period, c.label, sizeof(c.label));
	th_sbuf_addf(&title, "Tổng hợp báo cáo cải cách hành chính %s", c.label);
	if (th_wb_open(&b, path, title.buf, e)) {
		th_sbuf_release(&title);
		return -1;
	}
	th_sbuf_release(&title);
	b.keep = held;
	c.b = &b;
	c.m = m;
	c.s = s;
	c.names = th_xcalloc(s->n_forms + 1, sizeof(*c.names));
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
	ok = ok && errors;
	if (ok) {
		merge_summary(&c, summary);
		for (size_t f = 0; f < s->n_forms; f++)
			merge_form(&c, f, forms[f]);
		merge_errors(&c, errors);
	}
	ret = th_wb_close(&b, e);

	for (size_t k = 0; k < m->n_files; k++) {
		free(c.fform[k]);
		free(c.frow[k]);
	}
	free(c.fform);
	free(c.frow);
	free(c.names);
	free(forms);
	return ret;
}
