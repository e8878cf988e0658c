/*
 * A row's value read from its cell by the row's kind (filing_read.h): a number as stored
 * (a percent format's 0.8816 as 88.16, the precision the commune wrote), a dash kept apart
 * from 0, a coded answer written as its label, a number typed as text in the Vietnamese
 * ways, and what cannot be a value said as a finding, never guessed.
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

/* How a text number was read, in the words of the user guide. Static. */
static const char *numread_vi(th_numread how, th_rowkind kind)
{
	switch (how) {
	case TH_READ_PLAIN: return "số nguyên";
	case TH_READ_DECIMAL_COMMA: return "dấu phẩy thập phân";
	case TH_READ_DECIMAL_DOT: return "dấu chấm thập phân";
	case TH_READ_GROUPED_DOT: return "dấu chấm phân cách hàng nghìn";
	case TH_READ_GROUPED_COMMA: return "dấu phẩy phân cách hàng nghìn";
	case TH_READ_MIXED: return "có cả dấu chấm và dấu phẩy: dấu cuối là dấu thập phân";
	case TH_READ_AMBIGUOUS_THOUSANDS:
		return kind == TH_ROW_MONEY ?
			"dấu chấm hoặc phẩy trước 3 chữ số, đọc là phân cách hàng nghìn vì dòng ghi số tiền" :
			"dấu chấm hoặc phẩy trước 3 chữ số, đọc là phân cách hàng nghìn vì dòng ghi số đếm";
	case TH_READ_AMBIGUOUS_DECIMAL: return "dấu chấm hoặc phẩy trước 3 chữ số, đọc là dấu thập phân vì dòng ghi tỷ lệ";
	}
	return "";
}

static void set_written(th_value *v, const char *s)
{
	free(v->written);
	v->written = th_xstrdup(s);
}

/* What a row's findings say first: "Biểu mẫu 1 dòng 2.1". */
struct rowref {
	struct locate *c;
	const th_formdef *fd;
	const th_rowdef *rd;
	th_where w;
};

/* "=ROUND(…)" of a formula cell into sb, or "(công thức)" when the file keeps no text. */
static void formula_shown(const th_gcell *cell, th_sbuf *sb)
{
	const char *t = cell->fx ? cell->fx : cell->raw;

	if (*t)
		th_sbuf_addf(sb, "%s%s", *t == '=' ? "" : "=", t);
	else
		th_sbuf_adds(sb, "(công thức)");
}

/* A formula tonghop cannot compute (why: the reason), whose result the file does not keep
 * or that must be computed again: not read, said. */
static void value_uncomputed(const struct rowref *x, const th_gcell *cell, const char *why, th_value *v)
{
	th_sbuf sb = TH_SBUF_INIT;

	formula_shown(cell, &sb);
	set_written(v, sb.buf);
	v->state = TH_VAL_UNREADABLE;
	th_findings_add(&x->c->f->findings, TH_SEV_ERROR, "read.formula-not-computed", &x->w, v->written, NULL,
			"%s dòng %s: ô có công thức %s nhưng tệp không lưu kết quả đã tính%s%s%s; hãy mở "
			"tệp bằng Excel hoặc LibreOffice, lưu lại rồi gửi", x->fd->title, x->rd->code, v->written,
			why ? " và tonghop không tự tính được (" : "", why ? why : "", why ? ")" : "");
	th_sbuf_release(&sb);
}

/*
 * A date where a figure belongs: Excel turns "1.2" typed into a date cell into 1 February.
 * The number behind it is not what the commune meant, so it is not read; the warning shows
 * the date it stands for (d/m/yyyy, as header dates are shown), whatever the cell's own
 * format.
 */
static void value_date(const struct rowref *x, const th_gcell *cell, th_value *v)
{
	th_sbuf shown = TH_SBUF_INIT;

	th_grid_cell_text(x->c->g, cell, &shown);
	set_written(v, shown.buf);
	v->state = TH_VAL_UNREADABLE;
	th_findings_add(&x->c->f->findings, TH_SEV_ERROR, "read.date-cell", &x->w, shown.buf, NULL,
			"%s dòng %s: ô được định dạng ngày giờ và hiện '%s', không đọc được là số; "
			"hãy định dạng ô là Số (Number) rồi nhập lại số liệu",
			x->fd->title, x->rd->code, shown.buf);
	th_sbuf_release(&shown);
}

/* A number cell: as stored, a percent format's fraction as the percent it shows. */
static void value_number(const th_rowdef *rd, const th_gcell *cell, th_value *v)
{
	char buf[64];

	snprintf(buf, sizeof(buf), "%.15g", cell->num);
	set_written(v, buf);
	v->state = TH_VAL_NUMBER;
	v->num = cell->num;
	v->decimals = cell->decimals;
	if (rd->kind == TH_ROW_PERCENT && cell->kind == TH_NUM_PERCENT) {
		/* Excel keeps 88.16% as 0.8816 under a % format */
		v->num = cell->num * 100;
	}
	/*
	 * The precision the commune wrote: what it typed (the shortest form of the number:
	 * 0.671 is 67,1) but never more than the format shows (a formula's 98.1561… under
	 * "0.00" is 98,16 on screen).
	 */
	if (v->decimals >= 0) {
		char b[64], *dot;
		int typed;
		snprintf(b, sizeof(b), "%.15g", v->num);
		dot = strchr(b, '.');
		typed = strchr(b, 'e') ? v->decimals : dot ? (int)strlen(dot + 1) : 0;
		if (typed < v->decimals)
			v->decimals = typed;
	}
}

/* A coded row's answer written as the label of one of its options; false when it is none. */
static bool value_coded(const struct rowref *x, const th_gcell *cell, th_value *v)
{
	const th_rowdef *rd = x->rd;
	char *k = th_text_key(cell->text, strlen(cell->text));

	for (size_t i = 0; i < rd->n_options; i++)
		if (strcmp(k, rd->options[i].key) == 0) {
			v->state = TH_VAL_NUMBER;
			v->num = rd->options[i].code;
			v->decimals = 0;
			v->how = th_xstrdup("theo lựa chọn");
			th_findings_add(&x->c->f->findings, TH_SEV_INFO, "read.coded-text", &x->w, cell->text, NULL,
					"%s dòng %s: đọc lựa chọn '%s' là mã %d", x->fd->title, rd->code, cell->text,
					rd->options[i].code);
			free(k);
			return true;
		}
	free(k);
	return false;
}

/* The text of s after a leading apostrophe pasted with it (blanks before it skipped); s
 * when there is none. */
static const char *after_apostrophe(const char *s)
{
	const char *p = s + strspn(s, " "), *q = th_locate_past_mark(p);

	return q != p ? q : s;
}

/* A number typed as text, read the Vietnamese ways and said how; false when it is none. */
static bool value_text_number(const struct rowref *x, const th_gcell *cell, th_value *v)
{
	const th_rowdef *rd = x->rd;
	th_numhint hint = rd->kind == TH_ROW_PERCENT ? TH_HINT_DECIMAL : TH_HINT_WHOLE;
	const char *t = after_apostrophe(cell->text);
	th_num num;
	char val_vi[64];

	if (th_vn_parse_number(t, strlen(t), hint, &num) != 0)
		return false;
	v->state = TH_VAL_NUMBER;
	v->num = num.value;
	v->decimals = num.decimals;
	v->how = th_xstrdup(numread_vi(num.how, rd->kind));
	th_vn_format(num.value, num.decimals > 0 ? num.decimals : 0, true, val_vi, sizeof(val_vi));
	th_findings_add(&x->c->f->findings, TH_SEV_INFO,
			num.how == TH_READ_AMBIGUOUS_THOUSANDS || num.how == TH_READ_AMBIGUOUS_DECIMAL ?
			"read.ambiguous-number" : "read.text-number",
			&x->w, cell->text, val_vi,
			"%s dòng %s: số được gõ dạng văn bản '%s', đọc là %s (%s); nên nhập dạng số",
			x->fd->title, rd->code, cell->text, val_vi, numread_vi(num.how, rd->kind));
	return true;
}

/* ---- footnote marks and words for none ---- */

/* Is s[0..n) a superscript digit or bracket (⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾) ending at n? Its length, else 0. */
static size_t superscript_before(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;

	if (n >= 2 && u[n - 2] == 0xC2 && (u[n - 1] == 0xB9 || u[n - 1] == 0xB2 || u[n - 1] == 0xB3))
		return 2; /* ¹ ² ³ */
	if (n >= 3 && u[n - 3] == 0xE2 && u[n - 2] == 0x81 &&
	    (u[n - 1] == 0xB0 || (u[n - 1] >= 0xB4 && u[n - 1] <= 0xBE)))
		return 3; /* ⁰ ⁴-⁹ ⁺ ⁻ ⁼ ⁽ ⁾ */
	return 0;
}

/*
 * The length of s[0..n) without a footnote mark after the figure ("12 (*)", "24*", "51 ⁽¹⁾",
 * "640⁽²⁾", "3.400 (**)", "12 (1)", "7 [a]"), blanks before it dropped; n when there is none.
 */
static size_t footnote_cut(const char *s, size_t n)
{
	size_t m = n, k;

	while (m && s[m - 1] == ' ')
		m--;
	if (m && (s[m - 1] == ')' || s[m - 1] == ']')) {
		char open = s[m - 1] == ')' ? '(' : '[';
		size_t i = m - 1;
		while (i > 0 && s[i - 1] != open && (s[i - 1] == '*' || isalnum((unsigned char)s[i - 1])) && m - i < 5)
			i--;
		if (i > 0 && s[i - 1] == open && i < m - 1)
			m = i - 1;
	} else if (m && s[m - 1] == '*') {
		while (m && s[m - 1] == '*')
			m--;
	} else {
		while ((k = superscript_before(s, m)) != 0)
			m -= k;
	}
	while (m && s[m - 1] == ' ')
		m--;
	return m && m < n ? m : n;
}

/* A figure with a footnote mark after it: read without the mark, said (info). */
static bool value_footnote(const struct rowref *x, const th_gcell *cell, th_value *v)
{
	const th_rowdef *rd = x->rd;
	size_t n = strlen(cell->text), m = footnote_cut(cell->text, n);
	th_num num;
	char val_vi[64];

	if (m == n || th_vn_parse_number(cell->text, m, rd->kind == TH_ROW_PERCENT ? TH_HINT_DECIMAL :
					 TH_HINT_WHOLE, &num) != 0)
		return false;
	v->state = TH_VAL_NUMBER;
	v->num = num.value;
	v->decimals = num.decimals;
	v->how = th_xstrdup("bỏ dấu chú thích sau số");
	th_vn_format(num.value, num.decimals > 0 ? num.decimals : 0, true, val_vi, sizeof(val_vi));
	th_findings_add(&x->c->f->findings, TH_SEV_INFO, "read.footnote", &x->w, cell->text, val_vi,
			"%s dòng %s: ghi '%s', đọc là %s (bỏ dấu chú thích '%s' sau số)", x->fd->title, rd->code,
			cell->text, val_vi, cell->text + m + strspn(cell->text + m, " "));
	return true;
}

/* Words for none ("Không", "không có", "chưa có", "không phát sinh") in a count: 0, said
 * (info); in a percent row they could mean 0 % or "does not apply": not read, said. */
static bool value_none_word(const struct rowref *x, const th_gcell *cell, th_value *v)
{
	static const char *const words[] = { "khong", "khong co", "chua co", "khong phat sinh", "ko", "ko co" };
	char *k = th_text_key_ascii(cell->text, strlen(cell->text));
	bool none = false;

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		none = none || strcmp(k, words[i]) == 0;
	free(k);
	if (!none || x->rd->kind == TH_ROW_CODED)
		return false;
	if (x->rd->kind == TH_ROW_PERCENT) {
		v->state = TH_VAL_UNREADABLE;
		th_findings_add(&x->c->f->findings, TH_SEV_ERROR, "read.unreadable", &x->w, cell->text, NULL,
				"%s dòng %s: ghi '%s' ở dòng tỷ lệ: không rõ là 0%% hay không áp dụng; hãy ghi 0 "
				"hoặc '-'", x->fd->title, x->rd->code, cell->text);
		return true;
	}
	v->state = TH_VAL_NUMBER;
	v->num = 0;
	v->decimals = 0;
	v->how = th_xstrdup("chữ 'không' đọc là 0");
	th_findings_add(&x->c->f->findings, TH_SEV_INFO, "read.none-word", &x->w, cell->text, "0",
			"%s dòng %s: ghi '%s', đọc là 0; nên ghi số 0", x->fd->title, x->rd->code, cell->text);
	return true;
}

/* A text cell: blank, a dash, a coded answer, a number typed as text, or unreadable. */
static void value_text(const struct rowref *x, const th_gcell *cell, th_value *v)
{
	const th_rowdef *rd = x->rd;

	set_written(v, cell->text);
	if (!cell->text[strspn(cell->text, " \t\r\n")]) {
		v->state = TH_VAL_BLANK;
		return;
	}
	if (th_vn_is_dash(cell->text, strlen(cell->text))) {
		v->state = TH_VAL_DASH;
		return;
	}
	if (rd->kind == TH_ROW_CODED) {
		th_num num;
		if (value_coded(x, cell, v))
			return;
		if (th_vn_parse_number(cell->text, strlen(cell->text), TH_HINT_WHOLE, &num) == 0) {
			v->state = TH_VAL_NUMBER;
			v->num = num.value;
			v->decimals = num.decimals;
			return;
		}
	} else if (value_text_number(x, cell, v)) {
		return;
	}
	if (value_footnote(x, cell, v) || value_none_word(x, cell, v))
		return;
	v->state = TH_VAL_UNREADABLE;
	th_findings_add(&x->c->f->findings, TH_SEV_ERROR, "read.unreadable", &x->w, cell->text, NULL,
			rd->kind == TH_ROW_CODED ?
			"%s dòng %s: không đọc được '%s': hãy ghi một mã của chú giải (%s)" :
			"%s dòng %s: không đọc được '%s' thành số%.0s",
			x->fd->title, rd->code, cell->text, rd->unit);
}

static void value_cell(const struct rowref *x, const th_gcell *cell, th_value *v);

/*
 * A formula whose result tonghop computes (the file keeps none, or asks to be computed
 * again): read as if its result were written there, marked as computed and said (info),
 * or not read and said when it cannot be computed.
 */
static void value_formula(const struct rowref *x, int sheet, const th_gcell *cell, th_value *v)
{
	th_fx_result r = th_fx_eval(x->c->fx, sheet, cell);
	th_gcell tmp = *cell;
	th_sbuf shown = TH_SBUF_INIT;
	char val_vi[64];

	if (r.kind == TH_FX_UNSUPPORTED) {
		value_uncomputed(x, cell, r.text, v);
		return;
	}
	tmp.fx = NULL;
	tmp.type = r.kind == TH_FX_NUMBER ? TH_CELL_NUMBER : r.kind == TH_FX_BOOL ? TH_CELL_BOOL :
		   r.kind == TH_FX_TEXT ? TH_CELL_STRING : TH_CELL_ERROR;
	tmp.num = r.num;
	tmp.text = tmp.raw = (char *)(r.text ? r.text : "");
	tmp.enc = TH_ENC_UNICODE;
	value_cell(x, &tmp, v);
	if (v->state != TH_VAL_NUMBER && v->state != TH_VAL_BLANK && v->state != TH_VAL_DASH)
		return; /* an error or a text that is no figure: said as such */
	formula_shown(cell, &shown);
	free(v->how);
	v->how = th_xstrdup("tính lại từ công thức");
	if (v->state == TH_VAL_NUMBER)
		th_vn_format(v->num, v->decimals >= 0 ? v->decimals : -1, true, val_vi, sizeof(val_vi));
	else
		snprintf(val_vi, sizeof(val_vi), "%s", v->state == TH_VAL_BLANK ? "ô trống" : v->written);
	th_findings_add(&x->c->f->findings, TH_SEV_INFO, "read.formula-computed", &x->w, shown.buf, val_vi,
			"%s dòng %s: tệp không lưu kết quả đúng của công thức %s; tonghop tự tính: %s",
			x->fd->title, x->rd->code, shown.buf, val_vi);
	th_sbuf_release(&shown);
}

void th_locate_value(struct locate *c, const th_formdef *fd, const th_rowdef *rd, int sheet,
		     const th_gcell *cell, th_value *v)
{
	struct rowref x = { c, fd, rd, where(c, fd->id, rd->code, sheet, cell ? cell->row : 0, cell ? cell->col : 0) };

	if (!cell) {
		v->state = TH_VAL_BLANK;
		set_written(v, "");
		return;
	}
	v->row = cell->row;
	v->col = cell->col;
	th_locate_legacy(c, sheet, cell, fd->id, rd->code);
	if (c->fx && th_fx_needed(c->g, cell))
		value_formula(&x, sheet, cell, v);
	else
		value_cell(&x, cell, v);
}

/* A value from the cell as it holds it. */
static void value_cell(const struct rowref *x, const th_gcell *cell, th_value *v)
{
	struct locate *c = x->c;
	const th_formdef *fd = x->fd;
	const th_rowdef *rd = x->rd;

	if (cell->type == TH_CELL_EMPTY) {
		value_uncomputed(x, cell, NULL, v);
	} else if ((cell->type == TH_CELL_NUMBER && th_numkind_is_serial(cell->kind)) || cell->type == TH_CELL_DATE) {
		value_date(x, cell, v);
	} else if (cell->type == TH_CELL_NUMBER) {
		value_number(rd, cell, v);
	} else if (cell->type == TH_CELL_STRING) {
		value_text(x, cell, v);
	} else {
		/* an error literal (#DIV/0!) or a boolean */
		const char *t = cell->type == TH_CELL_BOOL ? (cell->num != 0 ? "TRUE" : "FALSE") : cell->text;
		set_written(v, t);
		v->state = TH_VAL_UNREADABLE;
		th_findings_add(&c->f->findings, TH_SEV_ERROR, "read.unreadable", &x->w, t, NULL,
				"%s dòng %s: ô chứa '%s', không phải một giá trị", fd->title, rd->code, t);
	}
}

/* ---- percents written as fractions ---- */

/* The decimals written of a figure read (its shortest form): 0.6829 → 4. */
static int written_decimals(double x)
{
	char b[64], *dot;

	snprintf(b, sizeof(b), "%.15g", x);
	dot = strchr(b, '.');
	return strchr(b, 'e') ? 15 : dot ? (int)strlen(dot + 1) : 0;
}

/* A percent row's figure that may be a fraction: a number in (0, 1] from a cell without a
 * % format and written without %. */
static bool fraction_like(const struct locate *c, const th_rowdef *rd, const th_value *v)
{
	const th_gcell *cell;

	if (rd->kind != TH_ROW_PERCENT || v->state != TH_VAL_NUMBER || v->sheet < 0 || !(v->num > 0 && v->num <= 1) ||
	    strchr(v->written, '%'))
		return false;
	cell = th_grid_at(&c->g->sheets[v->sheet], v->row, v->col);
	return cell && cell->kind != TH_NUM_PERCENT;
}

/* What a ratio row's own figures say of its fraction-like figure v: 1 a fraction (v x 100
 * is the ratio), -1 a percent (v is), 0 nothing (no figures, or neither fits). */
static int ratio_says(const struct locate *c, size_t fi, const th_rowdef *rd, const th_value *v)
{
	const th_value *a, *b;
	double r, tol;
	int d = written_decimals(v->num);

	if (rd->agg != TH_AGG_RATIO || rd->num < 0 || rd->den < 0)
		return 0;
	a = &c->f->values[fi][rd->num];
	b = &c->f->values[fi][rd->den];
	if (a->state != TH_VAL_NUMBER || b->state != TH_VAL_NUMBER || b->num <= 0)
		return 0;
	r = a->num / b->num * 100;
	tol = 0.5 * pow(10, 2 - d);
	if (fabs(v->num * 100 - r) <= (tol < 0.5 ? tol : 0.5) + 1e-9)
		return 1;
	if (fabs(v->num - r) <= 0.5 * pow(10, -d) + 1e-9)
		return -1;
	return 0;
}

/* v read as the percent of its fraction, said (info). */
static void as_percent(struct locate *c, const th_formdef *fd, const th_rowdef *rd, th_value *v, const char *why)
{
	char was[64], now[64];
	int d = written_decimals(v->num);
	th_where w = where(c, fd->id, rd->code, v->sheet, v->row, v->col);

	th_vn_format(v->num, d, true, was, sizeof(was));
	v->num *= 100;
	v->decimals = d > 2 ? d - 2 : 0;
	th_vn_format(v->num, v->decimals, true, now, sizeof(now));
	free(v->how);
	v->how = th_xstrdup("tỷ lệ ghi dạng phân số, nhân 100");
	th_findings_add(&c->f->findings, TH_SEV_INFO, "read.percent-fraction", &w, was, now,
			"%s dòng %s: tỷ lệ ghi %s, đọc là %s%% (%s)", fd->title, rd->code, was, now, why);
}

/* A fraction-like figure nothing decides: 0,85 % or 85 %? Not read, said. */
static void percent_unsure(struct locate *c, const th_formdef *fd, const th_rowdef *rd, th_value *v)
{
	char was[64], x100[64];
	th_where w = where(c, fd->id, rd->code, v->sheet, v->row, v->col);

	th_vn_format(v->num, written_decimals(v->num), true, was, sizeof(was));
	th_vn_format(v->num * 100, -1, true, x100, sizeof(x100));
	v->state = TH_VAL_UNREADABLE;
	th_findings_add(&c->f->findings, TH_SEV_ERROR, "read.percent-unsure", &w, was, NULL,
			"%s dòng %s: tỷ lệ ghi %s, ô không định dạng %%: là %s%% hay %s%%? Chưa đọc: hãy ghi rõ "
			"(như %s hoặc %s%%)", fd->title, rd->code, was, was, x100, x100, x100);
}

void th_locate_percents(struct locate *c)
{
	const th_schema *s = c->schema;
	size_t as_fraction = 0, as_percent_n = 0;

	/* what the book says: ratios whose own figures decide, percents over 1 (no fraction) */
	for (size_t fi = 0; fi < s->n_forms; fi++)
		for (size_t r = 0; r < s->forms[fi].n_rows; r++) {
			const th_rowdef *rd = &s->forms[fi].rows[r];
			const th_value *v = &c->f->values[fi][r];
			if (fraction_like(c, rd, v)) {
				int say = ratio_says(c, fi, rd, v);
				as_fraction += say > 0;
				as_percent_n += say < 0;
			} else if (rd->kind == TH_ROW_PERCENT && v->state == TH_VAL_NUMBER && v->num > 1) {
				as_percent_n++;
			}
		}
	for (size_t fi = 0; fi < s->n_forms; fi++)
		for (size_t r = 0; r < s->forms[fi].n_rows; r++) {
			const th_formdef *fd = &s->forms[fi];
			const th_rowdef *rd = &fd->rows[r];
			th_value *v = &c->f->values[fi][r];
			int say;
			if (!fraction_like(c, rd, v))
				continue;
			say = ratio_says(c, fi, rd, v);
			if (say > 0)
				as_percent(c, fd, rd, v, "tính lại từ các dòng của tỷ lệ thì đúng là phân số");
			else if (say == 0 && as_fraction && !as_percent_n)
				as_percent(c, fd, rd, v, "các tỷ lệ khác trong tệp đều ghi dạng phân số");
			else if (say == 0 && as_percent_n && !as_fraction)
				continue; /* the book writes percents as percents: 0,5 is 0,5 % */
			else if (say == 0)
				percent_unsure(c, fd, rd, v);
		}
}
