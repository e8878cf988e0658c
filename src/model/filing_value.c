/*
 * A row's value read from its cell by the row's kind (filing_read.h): a number as stored
 * (a percent format's 0.8816 as 88.16, the precision the commune wrote), a dash kept apart
 * from 0, a coded answer written as its label, a number typed as text in the Vietnamese
 * ways, and what cannot be a value said as a finding, never guessed.
 * SPDX-License-Identifier: MIT
 */
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

/* A number typed as text, read the Vietnamese ways and said how; false when it is none. */
static bool value_text_number(const struct rowref *x, const th_gcell *cell, th_value *v)
{
	const th_rowdef *rd = x->rd;
	th_numhint hint = rd->kind == TH_ROW_PERCENT ? TH_HINT_DECIMAL : TH_HINT_WHOLE;
	th_num num;
	char val_vi[64];

	if (th_vn_parse_number(cell->text, strlen(cell->text), hint, &num) != 0)
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
