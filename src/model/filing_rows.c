/*
 * Reading a form's rows (filing_read.h) from every part of it: each part's table (its own
 * header, or the one before when a continuation has none), rows by their code however
 * written, numbering rows and notes under the table left out. A row found more than once
 * (a page repeated, a copy further down, a hidden old copy) is read only when its copies
 * agree: different figures are said, and none is taken. A hidden row never wins over a
 * visible one, and says so when its figure differs. The figures of the value columns that
 * are not the period's are kept as what they are (th_other).
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/sbuf.h"
#include "base/text.h"
#include "model/filing_read.h"
#include "base/banned.h"

/* One place a row of the form was found. */
struct inst {
	size_t part;
	unsigned table;          /* of the part: the headers (STT rows) above it within the part */
	uint32_t row;
	const th_gcell *cc, *lc; /* its code cell, its label cell (NULL: none) */
	const char *label;       /* the label as written */
	bool hidden;             /* a hidden row */
};

struct insts {
	struct inst *v;
	size_t n, cap;
};

/* What reading one form shares. */
struct form_rd {
	struct locate *c;
	size_t fi;
	const th_formdef *fd;
	const struct region *r;
	struct cols *k;          /* one per part */
	struct insts *per;       /* one per schema row */
};

/* ---- small helpers ---- */

static const th_gsheet *sheet_of(const struct form_rd *x, size_t part)
{
	return &x->c->g->sheets[x->r->parts[part].sheet];
}

static const th_gcell *value_cell(const struct form_rd *x, const struct inst *in, int col)
{
	return col >= 0 ? th_grid_at(sheet_of(x, in->part), in->row, (uint16_t)col) : NULL;
}

static bool blank_cell(const th_gcell *c)
{
	return !c || (c->type == TH_CELL_STRING && !c->text[strspn(c->text, " \t\r\n")] && !c->fx);
}

/* Read a cell's value into v without saying anything (the findings of reading it are
 * dropped): to compare copies, or for another column's figure. */
static void read_quiet(struct form_rd *x, const th_rowdef *rd, int sheet, uint32_t row, int col, th_value *v)
{
	struct locate *c = x->c;
	th_findings keep = c->f->findings, none = TH_FINDINGS_INIT;
	bool said[3];
	const th_gcell *cell = col >= 0 ? th_grid_at(&c->g->sheets[sheet], row, (uint16_t)col) : NULL;

	memcpy(said, c->legacy_said, sizeof(said));
	memset(v, 0, sizeof(*v));
	v->written = th_xstrdup("");
	v->decimals = -1;
	v->sheet = sheet;
	v->row = row;
	v->col = (uint16_t)(col >= 0 ? col : 0);
	c->f->findings = none;
	th_locate_value(c, x->fd, rd, sheet, cell, v);
	th_findings_release(&c->f->findings);
	c->f->findings = keep;
	memcpy(c->legacy_said, said, sizeof(said));
}

/* Do two values read say the same figure? */
static bool same_figure(const th_value *a, const th_value *b)
{
	if (a->state != b->state)
		return false;
	if (a->state == TH_VAL_NUMBER)
		return fabs(a->num - b->num) <= 1e-9 * fmax(1, fmax(fabs(a->num), fabs(b->num)));
	if (a->state == TH_VAL_UNREADABLE)
		return strcmp(a->written, b->written) == 0;
	return true;
}

/* "D14" of a cell of sheet, and "'Sheet'!D14" when another sheet than base's. */
static void cell_name(const struct locate *c, int sheet, int base, uint32_t row, uint16_t col, th_sbuf *sb)
{
	char ref[TH_CELLREF_MAX];

	if (sheet != base)
		th_sbuf_addf(sb, "'%s'!", c->g->sheets[sheet].name);
	th_sbuf_adds(sb, th_cellref(row, col, ref));
}

/* ---- collecting the rows ---- */

/* Is every value cell of the row (every candidate column) empty? */
static bool values_blank(const struct form_rd *x, size_t part, uint32_t row)
{
	const struct cols *k = &x->k[part];
	const th_gsheet *sh = sheet_of(x, part);

	if (k->n_cand == 0)
		return blank_cell(k->value >= 0 ? th_grid_at(sh, row, (uint16_t)k->value) : NULL);
	for (size_t i = 0; i < k->n_cand; i++)
		if (!blank_cell(th_grid_at(sh, row, k->cand[i].col)))
			return false;
	return true;
}

/* The row at row of a part, when it is one of the form's: added to its copies. */
static void collect_row(struct form_rd *x, size_t part, unsigned table, uint32_t row)
{
	const struct cols *k = &x->k[part];
	const th_gsheet *sh = sheet_of(x, part);
	const th_gcell *cc = th_grid_at(sh, row, (uint16_t)k->code);
	const th_gcell *lc = k->label >= 0 ? th_grid_at(sh, row, (uint16_t)k->label) : NULL;
	char code[32], numbuf[32];
	const char *rest = cc ? th_locate_cell_code(cc, code, sizeof(code), numbuf, sizeof(numbuf)) : NULL;
	struct insts *is;
	th_where w;
	int ri;

	if (!rest && lc && lc->type == TH_CELL_STRING) {
		/* the code glued to its label in the label column: "1.4.3.Số TTHC cấp xã" */
		rest = th_locate_code(lc->text, code, sizeof(code));
		if (rest && !(*rest && !isdigit((unsigned char)*rest)))
			rest = NULL;
		if (rest)
			cc = lc;
	}
	if (!rest)
		return;
	ri = th_form_row(x->fd, code);
	/* a note under the table ("1. Số liệu tính đến ngày …"): a code and words, no label, no figure */
	if (*rest && cc != lc && (!lc || blank_cell(lc)) && values_blank(x, part, row) &&
	    (ri < 0 || !th_locate_label_like(rest, &x->fd->rows[ri])))
		return;
	if (ri < 0) {
		w = where(x->c, x->fd->id, code, x->r->parts[part].sheet, row, cc->col);
		th_findings_add(&x->c->f->findings, TH_SEV_WARNING, "read.row-unknown", &w, code, NULL,
				"%s: dòng mã %s ('%s') không có trong biểu mẫu", x->fd->title, code,
				*rest ? rest : lc && lc != cc ? lc->text : "");
		return;
	}
	is = &x->per[ri];
	th_grow((void **)&is->v, &is->cap, is->n + 1, sizeof(*is->v));
	is->v[is->n++] = (struct inst){ part, table, row, cc, lc, *rest ? rest : lc && lc != cc ? lc->text : "",
					th_grid_row_hidden(sh, row) };
}

/* The tables of every part: a part with no header of its own goes on with the one before,
 * or, first of all (its sheet before the form's own), with the first after it that has one. */
static void tables(struct form_rd *x)
{
	bool *own = th_xcalloc(x->r->n_parts + 1, sizeof(*own));
	size_t first = x->r->n_parts;

	for (size_t i = 0; i < x->r->n_parts; i++) {
		own[i] = th_locate_table(x->c, &x->r->parts[i], &x->k[i]);
		if (own[i] && first == x->r->n_parts)
			first = i;
	}
	for (size_t i = 0; i < x->r->n_parts; i++) {
		const struct part *p = &x->r->parts[i];
		if (own[i])
			continue;
		if (i > 0 || first < x->r->n_parts) {
			th_cols_release(&x->k[i]);
			th_cols_copy(&x->k[i], &x->k[i > 0 ? i - 1 : first], p->first);
		} else {
			th_where w = where(x->c, x->fd->id, NULL, p->sheet, x->r->title_row, 0);
			th_findings_add(&x->c->f->findings, TH_SEV_WARNING, "read.header-missing", &w, NULL, NULL,
					"%s: không thấy hàng tiêu đề bảng (STT, Chỉ tiêu, Đơn vị tính, Số lượng/Tỷ lệ); "
					"đọc theo cột A-E", x->fd->title);
		}
	}
	free(own);
}

/* ---- the columns, said ---- */

/* "D 'Quý II/2023', E 'Quý III/2023'" of the candidates of k (visible ones, or all). */
static void cands_named(const struct cols *k, bool tied_only, th_sbuf *sb)
{
	int best = -1000;
	bool first = true;

	for (size_t i = 0; i < k->n_cand; i++)
		if ((!k->cand[i].hidden || k->cand[i].contest) && k->cand[i].score > best)
			best = k->cand[i].score;
	for (size_t i = 0; i < k->n_cand; i++) {
		char ref[TH_CELLREF_MAX], *p;
		if (tied_only && ((k->cand[i].hidden && !k->cand[i].contest) || k->cand[i].score != best))
			continue;
		th_cellref(0, k->cand[i].col, ref);
		for (p = ref; *p && !isdigit((unsigned char)*p); p++)
			;
		*p = '\0';
		th_sbuf_addf(sb, "%s%s '%s'%s", first ? "" : ", ", ref, k->cand[i].header,
			     k->cand[i].hidden ? " (ẩn)" : "");
		first = false;
	}
}

/* Does a hidden column of k take part in its tie (the period's own, hidden)? */
static bool contested(const struct cols *k)
{
	for (size_t i = 0; i < k->n_cand; i++)
		if (k->cand[i].contest)
			return true;
	return false;
}

/* The column read in part i is headed as another period's or another figure ("Quý II/2023"
 * in a return of quarter III, "Kế hoạch"), for want of one of the period's: read, said. */
static void say_other_period(struct form_rd *x, size_t i)
{
	const struct cols *k = &x->k[i];
	const struct vcol *v = th_cols_cand(k, k->value);
	char label[TH_PERIOD_LABEL_MAX];
	th_where w = where(x->c, x->fd->id, NULL, x->r->parts[i].sheet, k->head_row, (uint16_t)k->value);

	th_period_label_vi(x->c->f->period, label, sizeof(label));
	th_findings_add(&x->c->f->findings, TH_SEV_WARNING, "read.column-other-period", &w, v->header, label,
			"%s: cột số liệu được đọc có tiêu đề '%s', không phải của kỳ báo cáo%s%s; đã đọc cột này "
			"vì không có cột nào của kỳ báo cáo: hãy kiểm tra tiêu đề cột và số liệu", x->fd->title,
			v->header, *label ? " " : "", label);
}

/* The column read in part i was read for want of one whose header names a value ("STT |
 * Chỉ tiêu | ĐVT | Tháng 9 | Ghi chú"): read, said, naming it. */
static void say_unnamed(struct form_rd *x, size_t i)
{
	const struct cols *k = &x->k[i];
	char ref[TH_CELLREF_MAX];
	th_where w = where(x->c, x->fd->id, NULL, x->r->parts[i].sheet, k->head_row, (uint16_t)k->value);

	th_cellref(0, (uint16_t)k->value, ref);
	ref[strcspn(ref, "0123456789")] = '\0';
	th_findings_add(&x->c->f->findings, TH_SEV_WARNING, "read.header-missing", &w, th_cols_cand(k, k->value)->header,
			NULL, "%s: không có cột nào có tiêu đề số liệu (Số lượng/Tỷ lệ, Kỳ báo cáo…); đã đọc cột %s "
			"('%s'): hãy kiểm tra tiêu đề cột và số liệu", x->fd->title, ref,
			th_cols_cand(k, k->value)->header);
}

/* Say how the value column of each part's table was chosen, when there was a choice. */
static void say_columns(struct form_rd *x)
{
	for (size_t i = 0; i < x->r->n_parts; i++) {
		const struct cols *k = &x->k[i];
		th_sbuf names = TH_SBUF_INIT;
		char label[TH_PERIOD_LABEL_MAX], ref[TH_CELLREF_MAX];
		th_where w;

		if (i > 0 && k->head_row == x->k[i - 1].head_row && x->r->parts[i].sheet == x->r->parts[i - 1].sheet)
			continue;
		if (k->value >= 0 && th_cols_cand(k, k->value) && th_cols_cand(k, k->value)->role)
			say_other_period(x, i);
		else if (k->value >= 0 && th_cols_cand(k, k->value) && k->unnamed)
			say_unnamed(x, i);
		if (k->n_cand < 2)
			continue;
		w = where(x->c, x->fd->id, NULL, x->r->parts[i].sheet, k->head_row,
			  (uint16_t)(k->value >= 0 ? k->value : k->cand[0].col));
		th_period_label_vi(x->c->f->period, label, sizeof(label));
		if (k->undecided && contested(k)) {
			cands_named(k, true, &names);
			th_findings_add(&x->c->f->findings, TH_SEV_WARNING, "read.columns-undecided", &w, names.buf, NULL,
					"%s: cột số liệu của kỳ báo cáo đang bị ẩn, cột đang hiện là của kỳ khác (%s); "
					"các dòng có số khác nhau giữa các cột không được đọc: hãy bỏ ẩn cột của kỳ "
					"báo cáo và xoá cột của kỳ khác", x->fd->title, names.buf);
		} else if (k->undecided) {
			cands_named(k, true, &names);
			th_findings_add(&x->c->f->findings, TH_SEV_WARNING, "read.columns-undecided", &w, names.buf, NULL,
					"%s: có nhiều cột số liệu (%s) mà tiêu đề không cho biết cột nào là số liệu "
					"của kỳ báo cáo%s%s; các dòng có số khác nhau giữa các cột không được đọc: "
					"hãy ghi rõ tiêu đề cột (như 'Kỳ báo cáo' hoặc '%s')", x->fd->title, names.buf,
					*label ? " " : "", label, *label ? label : "Quý III/2023");
		} else {
			cands_named(k, false, &names);
			th_cellref(0, (uint16_t)k->value, ref);
			ref[strcspn(ref, "0123456789")] = '\0';
			th_findings_add(&x->c->f->findings, TH_SEV_INFO, "read.column-chosen", &w, names.buf, ref,
					"%s: có nhiều cột số liệu (%s); đọc cột %s ('%s'), cột số liệu của kỳ báo cáo%s%s",
					x->fd->title, names.buf, ref, th_cols_cand(k, k->value)->header,
					*label ? " " : "", label);
		}
		th_sbuf_release(&names);
	}
}

/* ---- one row ---- */

/* Compare a written label or unit with the schema's; a difference is a warning. */
static void compare_text(struct locate *c, const th_formdef *fd, const th_rowdef *rd, int sheet,
			 const th_gcell *cell, const char *written, const char *expected, bool is_unit)
{
	char *a = th_text_key_alnum(written, strlen(written));
	const char *b = is_unit ? rd->unit_cmp : rd->label_cmp;
	th_where w = where(c, fd->id, rd->code, sheet, cell ? cell->row : 0, cell ? cell->col : 0);

	if (strcmp(a, b) != 0) {
		const char *open = strrchr(written, '(');
		char *bare = NULL;

		if (!cell)
			w.sheet = NULL;
		/* the template's label with a note in brackets added after it: say so, quietly */
		if (!is_unit && open && written[strlen(written) - 1] == ')') {
			char *head = th_xstrndup(written, (size_t)(open - written));
			bare = th_text_key_alnum(head, strlen(head));
			free(head);
		}
		if (bare && strcmp(bare, b) == 0)
			th_findings_add(&c->f->findings, TH_SEV_INFO, "read.label-annotated", &w, written, expected,
					"%s dòng %s: tên chỉ tiêu có thêm ghi chú trong ngoặc: '%s'", fd->title,
					rd->code, written + (open - written));
		else if (!*a && is_unit)
			th_findings_add(&c->f->findings, TH_SEV_INFO, "read.unit-missing", &w, "", expected,
					"%s dòng %s: không ghi đơn vị tính (mẫu: '%s')", fd->title, rd->code, expected);
		else
			th_findings_add(&c->f->findings, TH_SEV_WARNING,
					is_unit ? "read.unit-edited" : "read.label-edited", &w, written, expected,
					"%s dòng %s: %s khác biểu mẫu ('%s', mẫu ghi '%s'): biểu mẫu đã bị sửa hoặc đã cũ",
					fd->title, rd->code, is_unit ? "đơn vị tính" : "tên chỉ tiêu", written, expected);
		free(bare);
	}
	free(a);
}

/*
 * The value cell of a row covered by a merged cell whose figure stands in another row or
 * another value column ("68" merged down over 6.4.1 and 6.4.2): one figure written for
 * several places, which of them it answers cannot be told. Not read, said (error), naming
 * the merge and the cell holding the figure. False when the cell is not so covered, or the
 * merge is blank (its cells are blank: nothing written twice).
 */
static bool merged_value(struct form_rd *x, const th_rowdef *rd, const struct inst *in, int col, th_value *v)
{
	const th_gsheet *sh = sheet_of(x, in->part);
	const th_range *m = col >= 0 ? th_grid_merge_at(sh, in->row, (uint16_t)col) : NULL;
	const th_gcell *top;
	char a[TH_CELLREF_MAX], b[TH_CELLREF_MAX], t[TH_CELLREF_MAX];
	th_sbuf shown = TH_SBUF_INIT;
	th_where w;

	if (!m || (m->r1 == in->row && m->c1 == col) || (m->c1 != col && !th_cols_cand(&x->k[in->part], m->c1)))
		return false;
	top = th_grid_at(sh, m->r1, m->c1);
	if (blank_cell(top))
		return false; /* a blank merge: the cells it covers are blank */
	th_grid_cell_text(x->c->g, top, &shown);
	th_value_release(v);
	v->state = TH_VAL_UNREADABLE;
	v->written = th_sbuf_detach(&shown, NULL);
	v->how = NULL;
	v->note = NULL;
	w = where(x->c, x->fd->id, rd->code, x->r->parts[in->part].sheet, in->row, (uint16_t)col);
	th_findings_add(&x->c->f->findings, TH_SEV_ERROR, "read.merged-value", &w, v->written, NULL,
			"%s dòng %s: ô số liệu nằm trong vùng ô gộp %s:%s, số liệu '%s' ghi ở ô %s cho nhiều dòng "
			"hoặc nhiều cột; chưa đọc dòng này: hãy bỏ gộp ô và ghi số liệu của từng dòng",
			x->fd->title, rd->code, th_cellref(m->r1, m->c1, a), th_cellref(m->r2, m->c2, b), v->written,
			th_cellref(m->r1, m->c1, t));
	return true;
}

/*
 * The row whose label is written on a row of another code: its label exactly another row's
 * of the form and neither its own nor its own cut short or lengthened (two codes swapped,
 * or a template renumbered). Which of the
 * two the figure answers cannot be told: not read, said (error) at the value cell. False
 * when the label is the row's own or no other row's.
 */
static bool label_of_other(struct form_rd *x, const th_rowdef *rd, const struct inst *in, int col, th_value *v)
{
	char *a = th_text_key_alnum(in->label, strlen(in->label));
	size_t na = strlen(a), no = strlen(rd->label_cmp);
	const th_rowdef *other = NULL;
	th_where w;

	/* the row's own label cut short ("Số nhiệm vụ đã hoàn thành" for "… đúng hạn") or
	 * lengthened is its own, even when it is another row's too */
	if (strncmp(a, rd->label_cmp, na < no ? na : no) == 0)
		na = 0;
	for (size_t i = 0; i < x->fd->n_rows && na; i++)
		if (&x->fd->rows[i] != rd && strcmp(a, x->fd->rows[i].label_cmp) == 0)
			other = &x->fd->rows[i];
	free(a);
	if (!other)
		return false;
	w = where(x->c, x->fd->id, rd->code, x->r->parts[in->part].sheet, in->row, (uint16_t)(col >= 0 ? col : 0));
	th_value_release(v);
	v->state = TH_VAL_UNREADABLE;
	v->written = th_xstrdup("");
	th_findings_add(&x->c->f->findings, TH_SEV_ERROR, "read.code-label", &w, in->label, rd->label,
			"%s dòng %s: hàng ghi mã %s nhưng tên chỉ tiêu '%s' là của dòng %s; chưa đọc dòng này: hãy "
			"sửa lại mã hoặc tên chỉ tiêu cho khớp biểu mẫu", x->fd->title, rd->code, rd->code, in->label,
			other->code);
	return true;
}

/* Read row ri from copy in, its value from column col: label and unit compared, the
 * value, the note. */
static void read_row(struct form_rd *x, size_t ri, const struct inst *in, int col)
{
	struct locate *c = x->c;
	const th_rowdef *rd = &x->fd->rows[ri];
	const struct cols *k = &x->k[in->part];
	const th_gsheet *sh = sheet_of(x, in->part);
	int sheet = x->r->parts[in->part].sheet;
	th_value *v = &c->f->values[x->fi][ri];

	v->sheet = sheet;
	v->row = in->row;
	v->col = (uint16_t)col;
	th_locate_legacy(c, sheet, in->lc, x->fd->id, rd->code);
	if (label_of_other(x, rd, in, col, v))
		return;
	compare_text(c, x->fd, rd, sheet, in->lc ? in->lc : in->cc, in->label, rd->label, false);
	if (k->unit >= 0) {
		const th_gcell *uc = th_grid_at(sh, in->row, (uint16_t)k->unit);
		compare_text(c, x->fd, rd, sheet, uc, uc ? uc->text : "", rd->unit, true);
	}
	if (!merged_value(x, rd, in, col, v))
		th_locate_value(c, x->fd, rd, sheet, value_cell(x, in, col), v);
	if (k->note >= 0 && k->note != col) {
		const th_gcell *nc = th_grid_at(sh, in->row, (uint16_t)k->note);
		th_sbuf nb = TH_SBUF_INIT;
		if (nc)
			th_grid_cell_text(c->g, nc, &nb); /* as the sheet shows it: text, number or date */
		if (nb.buf[strspn(nb.buf, " \t\r\n")])
			v->note = th_sbuf_detach(&nb, NULL); /* kept for the feedback */
		th_sbuf_release(&nb);
	}
}

/* Row ri not read: its copies or columns (n values vs, read quietly) hold other figures.
 * One error naming every cell. */
static void conflict(struct form_rd *x, size_t ri, const char *rule, const th_value *vs, size_t n,
		     const char *what)
{
	struct locate *c = x->c;
	const th_rowdef *rd = &x->fd->rows[ri];
	th_value *v = &c->f->values[x->fi][ri];
	th_sbuf cells = TH_SBUF_INIT, written = TH_SBUF_INIT;
	th_where w;

	for (size_t i = 0; i < n; i++) {
		if (i)
			th_sbuf_adds(&cells, ", ");
		cell_name(c, vs[i].sheet, vs[0].sheet, vs[i].row, vs[i].col, &cells);
		th_sbuf_addf(&cells, " ghi '%s'", vs[i].written[0] ? vs[i].written : "(trống)");
		th_sbuf_addf(&written, "%s%s", i ? " | " : "", vs[i].written);
	}
	th_value_release(v);
	v->state = TH_VAL_UNREADABLE;
	v->written = th_sbuf_detach(&written, NULL);
	v->sheet = vs[0].sheet;
	v->row = vs[0].row;
	v->col = vs[0].col;
	w = where(c, x->fd->id, rd->code, vs[0].sheet, vs[0].row, vs[0].col);
	th_findings_add(&c->f->findings, TH_SEV_ERROR, rule, &w, v->written, NULL,
			"%s dòng %s: %s (%s); chưa đọc dòng này: hãy sửa cho chỉ còn một số liệu",
			x->fd->title, rd->code, what, cells.buf);
	th_sbuf_release(&cells);
}

/* Among n values read, are all that hold something the same (strict: blanks too)? *first:
 * the first of them. */
static bool agree(const th_value *vs, size_t n, bool strict, size_t *first)
{
	bool found = false;

	*first = 0;
	for (size_t i = 0; i < n; i++) {
		if (vs[i].state == TH_VAL_BLANK && !strict)
			continue;
		if (!found) {
			found = true;
			*first = i;
		} else if (!same_figure(&vs[*first], &vs[i])) {
			return false;
		}
	}
	return true;
}

/* A copy in a part whose columns tie: its figure when the tied columns agree, else none. */
static void read_undecided(struct form_rd *x, size_t ri, const struct inst *in)
{
	const struct cols *k = &x->k[in->part];
	th_value vs[TH_MAX_VCOLS];
	int cols[TH_MAX_VCOLS] = { 0 }, best = -1000;
	size_t n = 0, first;

	for (size_t i = 0; i < k->n_cand; i++)
		if ((!k->cand[i].hidden || k->cand[i].contest) && k->cand[i].score > best)
			best = k->cand[i].score;
	for (size_t i = 0; i < k->n_cand; i++)
		if ((!k->cand[i].hidden || k->cand[i].contest) && k->cand[i].score == best) {
			cols[n] = k->cand[i].col;
			read_quiet(x, &x->fd->rows[ri], x->r->parts[in->part].sheet, in->row, cols[n], &vs[n]);
			n++;
		}
	/* a column blank and another with a figure: which is the period's cannot be told either */
	if (agree(vs, n, true, &first))
		read_row(x, ri, in, cols[first]);
	else
		conflict(x, ri, "read.value-undecided", vs, n,
			 "các cột số liệu ghi khác nhau mà tiêu đề không cho biết cột nào của kỳ báo cáo");
	for (size_t i = 0; i < n; i++)
		th_value_release(&vs[i]);
}

/* ---- the other columns, hidden copies ---- */

/* Keep the figures of the other value columns of copy in's part for row ri; a hidden copy
 * of the period's column that differs is counted in *stale. */
static void keep_others(struct form_rd *x, size_t ri, const struct inst *in, int col, size_t *stale)
{
	struct locate *c = x->c;
	const struct cols *k = &x->k[in->part];
	const th_value *own = &c->f->values[x->fi][ri];

	for (size_t i = 0; i < k->n_cand; i++) {
		th_other *o;
		if ((int)k->cand[i].col == col)
			continue;
		th_grow((void **)&c->f->others, &c->others_cap, c->f->n_others + 1, sizeof(*c->f->others));
		o = &c->f->others[c->f->n_others++];
		o->form = x->fi;
		o->row = ri;
		o->role = k->cand[i].role ? k->cand[i].role : "other";
		o->header = th_xstrdup(k->cand[i].header);
		read_quiet(x, &x->fd->rows[ri], x->r->parts[in->part].sheet, in->row, k->cand[i].col, &o->v);
		if (strcmp(o->role, "stale") == 0 && o->v.state != TH_VAL_BLANK && !same_figure(&o->v, own))
			(*stale)++;
	}
}

/* Say a hidden row: read because no visible row has the code (read true), or left for a
 * visible one with another figure. */
static void say_hidden_row(struct form_rd *x, size_t ri, const struct inst *in, const th_value *hv, bool read)
{
	const th_rowdef *rd = &x->fd->rows[ri];
	th_where w = where(x->c, x->fd->id, rd->code, hv->sheet, hv->row, hv->col);

	(void)in;
	if (read)
		th_findings_add(&x->c->f->findings, TH_SEV_WARNING, "read.hidden-row", &w, hv->written, NULL,
				"%s dòng %s chỉ có ở hàng %lu, hàng đang bị ẩn; đã đọc số liệu ở đó: hãy bỏ ẩn "
				"hàng nếu đúng, hoặc xoá", x->fd->title, rd->code, (unsigned long)hv->row + 1);
	else
		th_findings_add(&x->c->f->findings, TH_SEV_WARNING, "read.hidden-row", &w, hv->written, NULL,
				"%s dòng %s: hàng %lu đang bị ẩn ghi '%s', khác số liệu ở hàng hiện; chỉ đọc hàng "
				"đang hiện: hãy xoá hàng ẩn nếu đó là số liệu cũ", x->fd->title, rd->code,
				(unsigned long)hv->row + 1, hv->written);
}

/* ---- deciding a row among its copies ---- */

/* The copies of row ri to read from: the visible ones, or the hidden ones when none is. */
static size_t pool_of(const struct insts *is, const struct inst **pool, bool *hidden)
{
	size_t n = 0;

	for (size_t i = 0; i < is->n; i++)
		if (!is->v[i].hidden)
			pool[n++] = &is->v[i];
	*hidden = n == 0;
	if (*hidden)
		for (size_t i = 0; i < is->n; i++)
			pool[n++] = &is->v[i];
	return n;
}

/* Read one copy of row ri (its part's column for the row's kind, or the tied ones). */
static void read_copy(struct form_rd *x, size_t ri, const struct inst *in, size_t *stale)
{
	int col = th_cols_for_kind(&x->k[in->part], x->fd->rows[ri].kind);

	if (col < 0 && x->k[in->part].undecided) {
		read_undecided(x, ri, in);
		return;
	}
	read_row(x, ri, in, col);
	keep_others(x, ri, in, col, stale);
}

/* Row ri from its copies: one, or several that agree; said when they do not. */
static void decide(struct form_rd *x, size_t ri, size_t *stale)
{
	const struct insts *is = &x->per[ri];
	const th_rowdef *rd = &x->fd->rows[ri];
	const struct inst **pool;
	th_value *vs;
	size_t n, first;
	bool hidden;

	if (!is->n)
		return;
	pool = th_xcalloc(is->n, sizeof(*pool));
	vs = th_xcalloc(is->n, sizeof(*vs));
	n = pool_of(is, pool, &hidden);
	for (size_t i = 0; i < is->n; i++) {
		const struct inst *in = &is->v[i];
		int col = th_cols_for_kind(&x->k[in->part], rd->kind);
		if (col < 0 && x->k[in->part].undecided)
			col = x->k[in->part].cand[0].col; /* compared on one of the tied columns */
		read_quiet(x, rd, x->r->parts[in->part].sheet, in->row, col, &vs[i]);
	}
	/* vs holds every copy's figure; pool (visible first) the ones that count */
	{
		th_value *pv = th_xcalloc(n, sizeof(*pv));
		bool copies = false;
		for (size_t i = 0; i < n; i++) {
			pv[i] = vs[pool[i] - is->v];
			copies = copies || pool[i]->part != pool[0]->part || pool[i]->table != pool[0]->table;
		}
		/* a copy left blank and one with the figure in one table (a row written again
		 * below): the figure (said when hidden); in another part or under another header
		 * (a copy of the form on another sheet, beside it or below it) the copy with the
		 * figure may be of another time: not read, said */
		if (n > 1 && !agree(pv, n, copies, &first)) {
			conflict(x, ri, "read.row-twice", pv, n, "được ghi nhiều lần với số liệu khác nhau");
		} else {
			read_copy(x, ri, pool[n > 1 ? first : 0], stale);
			if (hidden)
				say_hidden_row(x, ri, pool[0], &vs[pool[0] - is->v], true);
		}
		free(pv);
	}
	/* a hidden copy with another figure than the visible one read */
	for (size_t i = 0; i < is->n && !hidden; i++)
		if (is->v[i].hidden && vs[i].state != TH_VAL_BLANK &&
		    !same_figure(&vs[i], &x->c->f->values[x->fi][ri]))
			say_hidden_row(x, ri, &is->v[i], &vs[i], false);
	for (size_t i = 0; i < is->n; i++)
		th_value_release(&vs[i]);
	free(vs);
	free(pool);
}

/* ---- the form ---- */

/* Hidden columns that hold another copy of the period's figures, and differ: said once per part. */
static void say_stale(struct form_rd *x, const size_t *stale)
{
	for (size_t i = 0; i < x->r->n_parts; i++) {
		const struct cols *k = &x->k[i];
		th_sbuf names = TH_SBUF_INIT;
		th_where w;
		if (!stale[i])
			continue;
		for (size_t j = 0; j < k->n_cand; j++)
			if (k->cand[j].role && strcmp(k->cand[j].role, "stale") == 0) {
				char ref[TH_CELLREF_MAX];
				th_cellref(0, k->cand[j].col, ref);
				ref[strcspn(ref, "0123456789")] = '\0';
				th_sbuf_addf(&names, "%s%s", names.len ? ", " : "", ref);
			}
		w = where(x->c, x->fd->id, NULL, x->r->parts[i].sheet, k->head_row, (uint16_t)k->value);
		th_findings_add(&x->c->f->findings, TH_SEV_WARNING, "read.hidden-column", &w, names.buf, NULL,
				"%s: cột %s đang bị ẩn, cùng tiêu đề với cột số liệu, ghi số khác ở %zu dòng; chỉ "
				"đọc cột đang hiện: hãy xoá cột ẩn nếu đó là số liệu cũ", x->fd->title, names.buf,
				stale[i]);
		th_sbuf_release(&names);
	}
}

void th_locate_form(struct locate *c, size_t fi, const struct region *r)
{
	const th_formdef *fd = &c->schema->forms[fi];
	struct form_rd x = { c, fi, fd, r, NULL, NULL };
	size_t *stale;
	th_where w;

	if (r->sheet < 0) {
		w = where(c, fd->id, NULL, -1, 0, 0);
		th_findings_add(&c->f->findings, TH_SEV_WARNING, "read.form-missing", &w, NULL, fd->title,
				"không tìm thấy %s (%s) trong tệp: không có tiêu đề hay trang tính nào mang tên này",
				fd->title, fd->name);
		return;
	}
	x.k = th_xcalloc(r->n_parts + 1, sizeof(*x.k));
	x.per = th_xcalloc(fd->n_rows + 1, sizeof(*x.per));
	stale = th_xcalloc(r->n_parts + 1, sizeof(*stale));
	tables(&x);
	say_columns(&x);
	for (size_t i = 0; i < r->n_parts; i++) {
		unsigned table = 0;
		for (uint32_t row = x.k[i].data_first; row <= r->parts[i].last; row++) {
			const th_gcell *h = th_grid_at(sheet_of(&x, i), row, (uint16_t)x.k[i].code);
			if (h && h->type == TH_CELL_STRING && th_locate_stt_key(h->key))
				table++; /* a header again: a page repeated, or another table of the form */
			else if (!th_locate_marker_row(sheet_of(&x, i), row))
				collect_row(&x, i, table, row);
		}
	}
	for (size_t ri = 0; ri < fd->n_rows; ri++) {
		size_t part = x.per[ri].n ? x.per[ri].v[0].part : 0;
		decide(&x, ri, &stale[part]);
	}
	say_stale(&x, stale);
	for (size_t i = 0; i < fd->n_rows; i++) {
		if (x.per[i].n)
			continue;
		w = where(c, fd->id, fd->rows[i].code, -1, 0, 0);
		th_findings_add(&c->f->findings, fd->rows[i].kind == TH_ROW_GROUP ? TH_SEV_INFO : TH_SEV_WARNING,
				"read.row-missing", &w, NULL, fd->rows[i].code,
				"%s: thiếu dòng %s (%s)", fd->title, fd->rows[i].code, fd->rows[i].label);
	}
	for (size_t i = 0; i < r->n_parts; i++)
		th_cols_release(&x.k[i]);
	for (size_t i = 0; i < fd->n_rows; i++)
		free(x.per[i].v);
	free(x.per);
	free(x.k);
	free(stale);
}
