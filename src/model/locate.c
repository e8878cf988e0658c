/*
 * The locate and normalise stages: from a workbook held in memory to a th_filing. Forms
 * are found by their title ("Biểu mẫu 3", "BM3", "Bieu mau 03", or the form's name) in
 * the cells or in the sheet name, whatever the layout (a sheet per form, all stacked in
 * one sheet, the header block apart); a form's table by its header row (STT, Chỉ tiêu,
 * Đơn vị tính, Số lượng/Tỷ lệ, Ghi chú, over one or two rows); rows by their code however
 * written. Values are read by the row's kind; the identification block through the
 * schema's PCRE2 patterns. See filing.h.
 * SPDX-License-Identifier: MIT
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "model/filing.h"

#include <ctype.h>
#include <math.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "read/grid.h"
#include "base/mem.h"
#include "base/sbuf.h"
#include "base/text.h"
#include "base/banned.h"

/* ---- small text helpers ---- */

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * Parse a row code at the start of s: "2.1.", "2.1", " 2.1 ", "1.4.3.Số TTHC…". Writes the
 * code without its trailing dot into code (cap bytes) and returns a pointer to what follows
 * (the glued label, blanks skipped), or NULL when s does not start with a code.
 */
static const char *parse_code(const char *s, char *code, size_t cap)
{
	size_t n = 0;
	const char *p = s;

	while (isspace((unsigned char)*p))
		p++;
	if (!isdigit((unsigned char)*p))
		return NULL;
	for (;;) {
		size_t digits = 0;
		while (isdigit((unsigned char)*p)) {
			if (n + 2 >= cap || ++digits > 3)
				return NULL;
			code[n++] = *p++;
		}
		if (*p == '.' && isdigit((unsigned char)p[1])) {
			code[n++] = *p++;
			continue;
		}
		break;
	}
	code[n] = '\0';
	if (*p == '.' || *p == ')')
		p++;
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

/*
 * Is key (ascii key of a cell or a sheet name) a form title "bieu mau 3", "bm3",
 * "bieu mau so 03", "bieu 3"? Returns the form number, 0 when not.
 */
static int title_number(const char *key)
{
	static const char *const prefixes[] = { "bieu mau", "bieumau", "bm", "bieu" };
	const char *p = NULL;
	long n;
	char *end;

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]) && !p; i++)
		if (starts(key, prefixes[i]))
			p = key + strlen(prefixes[i]);
	if (!p)
		return 0;
	while (*p == ' ' || *p == '.' || *p == '_' || *p == '-')
		p++;
	if (starts(p, "so "))
		p += 3;
	if (!isdigit((unsigned char)*p))
		return 0;
	n = strtol(p, &end, 10);
	if (n < 1 || n > 99 || isdigit((unsigned char)*end))
		return 0;
	/* a title is short: "Biểu mẫu 1", "BIỂU MẪU 1 - CÔNG TÁC CHỈ ĐẠO …"; a sentence that
	 * begins with it ("Biểu mẫu 1 dòng 2.1: số được gõ …", a message) is not one */
	if (strlen(end) > 80)
		return 0;
	/* "bm1", "bieu mau 1 - ...", "bieu mau 1: ..." but not "bm12a3" */
	if (*end && *end != ' ' && *end != '.' && *end != ':' && *end != '-' && *end != '(' && *end != ',')
		return 0;
	return (int)n;
}

/* The text a cell shows, for header lines: its text, or its number (a date as d/m/yyyy). */
static void cell_display(const th_grid *g, const th_gcell *c, th_sbuf *out)
{
	if (c->type == TH_CELL_NUMBER && th_numkind_is_serial(c->kind)) {
		th_date d;
		if (th_date_from_serial(c->num, g->date1904, &d) == 0) {
			th_sbuf_addf(out, "%d/%d/%d", d.d, d.m, (int)d.y);
			return;
		}
	}
	if (c->type == TH_CELL_NUMBER) {
		th_sbuf_addf(out, "%.15g", c->num);
		return;
	}
	th_sbuf_adds(out, c->text);
}

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

/* ---- the reading context ---- */

struct region {
	int sheet;          /* -1: form not found */
	uint32_t first, last; /* rows, inclusive */
	uint32_t title_row;
};

struct ctx {
	th_filing *f;
	const th_grid *g;
	const th_schema *schema;
	const th_roster *roster;
	bool legacy_said[3];
};

static th_where where(const struct ctx *c, const char *form, const char *code, int sheet,
		      uint32_t row, uint16_t col)
{
	th_where w = { form, code, sheet >= 0 ? c->g->sheets[sheet].name : NULL, row, col };
	return w;
}

/* Tell once per workbook and encoding that legacy text was converted. */
static void note_legacy(struct ctx *c, int sheet, const th_gcell *cell, const char *form, const char *code)
{
	th_where w;

	if (!cell || cell->enc == TH_ENC_UNICODE || c->legacy_said[cell->enc])
		return;
	c->legacy_said[cell->enc] = true;
	w = where(c, form, code, sheet, cell->row, cell->col);
	th_findings_add(&c->f->findings, TH_SEV_INFO, "read.legacy-text", &w, cell->raw, cell->text,
			"văn bản gõ bằng mã %s (phông %s) đã được chuyển sang Unicode; nên gõ lại bằng Unicode",
			cell->enc == TH_ENC_TCVN3 ? "TCVN3 (ABC)" : "VNI",
			cell->enc == TH_ENC_TCVN3 ? ".VnTime" : "VNI-Times");
}

/* ---- finding the forms ---- */

struct title {
	int number, sheet;
	uint32_t row;
	bool hidden; /* on a hidden sheet */
};

/* Visible sheets first (a hidden sheet is most often an old copy kept aside), then sheet
 * order, then row: the first title of a form in this order is the one read. */
static int title_cmp(const void *a, const void *b)
{
	const struct title *p = a, *q = b;

	if (p->hidden != q->hidden)
		return p->hidden ? 1 : -1;
	if (p->sheet != q->sheet)
		return p->sheet < q->sheet ? -1 : 1;
	return p->row < q->row ? -1 : p->row > q->row;
}

static void find_regions(struct ctx *c, struct region *reg)
{
	const th_grid *g = c->g;
	struct title *t = NULL;
	size_t nt = 0, cap = 0;

	char **names = th_xcalloc(c->schema->n_forms + 1, sizeof(*names));

	for (size_t i = 0; i < c->schema->n_forms; i++) {
		reg[i].sheet = -1;
		names[i] = th_text_key_ascii(c->schema->forms[i].name, strlen(c->schema->forms[i].name));
	}
	/* titles in cells: "Biểu mẫu N" or the form's name alone in a cell */
	for (size_t s = 0; s < g->n_sheets; s++) {
		const th_gsheet *sh = &g->sheets[s];
		if (strcmp(sh->key, "loi") == 0)
			continue; /* the "Lỗi" sheet of a feedback names forms in its messages */
		for (size_t k = 0; k < sh->n_cells; k++) {
			const th_gcell *cell = &sh->cells[k];
			int n = cell->type == TH_CELL_STRING ? title_number(cell->key) : 0;

			if (!n && cell->type == TH_CELL_STRING) {
				for (size_t f = 0; f < c->schema->n_forms; f++)
					if (*names[f] && strcmp(names[f], cell->key) == 0)
						n = c->schema->forms[f].number;
				/* a name alone counts only where no numbered title is just above it */
				if (n && nt && t[nt - 1].sheet == (int)s && t[nt - 1].number == n &&
				    cell->row - t[nt - 1].row <= 3)
					n = 0;
			}
			if (!n)
				continue;
			th_grow((void **)&t, &cap, nt + 1, sizeof(*t));
			t[nt].number = n;
			t[nt].sheet = (int)s;
			t[nt].row = cell->row;
			t[nt].hidden = g->sheets[s].state != TH_SHEET_VISIBLE;
			nt++;
		}
	}
	for (size_t i = 0; i < c->schema->n_forms; i++)
		free(names[i]);
	free(names);
	if (nt > 1)
		qsort(t, nt, sizeof(*t), title_cmp);
	/* visible sheets first: their titles, then a visible sheet named after a form; only
	 * then the hidden ones, the same way */
	for (int hidden = 0; hidden < 2; hidden++) {
		for (size_t i = 0; i < nt; i++) {
			struct region *r = NULL;
			uint32_t end = c->g->sheets[t[i].sheet].n_rows ? c->g->sheets[t[i].sheet].n_rows - 1 : 0;

			if (t[i].hidden != hidden)
				continue;
			for (size_t f = 0; f < c->schema->n_forms; f++)
				if (c->schema->forms[f].number == t[i].number)
					r = &reg[f];
			if (!r)
				continue;
			/* the region runs to the next title of another form in the same sheet */
			for (size_t j = i + 1; j < nt && t[j].sheet == t[i].sheet; j++)
				if (t[j].number != t[i].number) {
					end = t[j].row ? t[j].row - 1 : 0;
					break;
				}
			if (r->sheet >= 0) {
				if (r->sheet != t[i].sheet || end > r->last) {
					const th_formdef *fd = &c->schema->forms[r - reg];
					th_where w = where(c, fd->id, NULL, t[i].sheet, t[i].row, 0);
					if (!(r->sheet == t[i].sheet && t[i].row <= r->last))
						th_findings_add(&c->f->findings, TH_SEV_WARNING, "read.form-twice", &w, NULL, NULL,
								"%s xuất hiện hơn một lần trong tệp; chỉ đọc lần đầu (trang '%s' hàng %lu)",
								fd->title, g->sheets[r->sheet].name,
								(unsigned long)r->title_row + 1);
				}
				continue;
			}
			r->sheet = t[i].sheet;
			r->first = t[i].row;
			r->title_row = t[i].row;
			r->last = end;
		}
		/* a sheet named after a form, with no title inside: the whole sheet */
		for (size_t s = 0; s < g->n_sheets; s++) {
			int n = (g->sheets[s].state != TH_SHEET_VISIBLE) == hidden ? title_number(g->sheets[s].key) : 0;
			for (size_t f = 0; n && f < c->schema->n_forms; f++)
				if (c->schema->forms[f].number == n && reg[f].sheet < 0 && g->sheets[s].n_rows) {
					reg[f].sheet = (int)s;
					reg[f].first = reg[f].title_row = 0;
					reg[f].last = g->sheets[s].n_rows - 1;
				}
		}
	}
	free(t);
}

/* ---- the table of one form ---- */

struct cols {
	int code, label, unit, value, note; /* -1 when not found */
	uint32_t data_first;                /* first row after the header */
};

/* Look for the header row (STT ...) in the first rows of the region. */
static bool find_header(const th_gsheet *sh, const struct region *r, struct cols *k)
{
	k->code = k->label = k->unit = k->value = k->note = -1;
	for (uint32_t row = r->first; row <= r->last && row <= r->first + 20; row++) {
		int stt = -1, value_weak = -1;
		uint32_t last_header_row = row;

		for (size_t i = th_grid_row_start(sh, row); i < sh->n_cells && sh->cells[i].row == row; i++) {
			const char *key = sh->cells[i].key;
			/* "STT", "TT", "Số TT", "Số thứ tự", or "STT. Chỉ tiêu …" in one cell */
			if (strcmp(key, "tt") == 0 || strcmp(key, "so tt") == 0 || starts(key, "so thu tu") ||
			    (starts(key, "stt") && !isalnum((unsigned char)key[3])))
				stt = sh->cells[i].col;
		}
		if (stt < 0)
			continue;
		k->code = stt;
		/*
		 * The header may span this row and the next (merged "Kết quả thống kê" over "Số
		 * lượng/Tỷ lệ"). The next row is a header row only if its STT cell is empty (merged
		 * from above): otherwise it is the first data row, whose label may well say "Tỷ lệ".
		 */
		for (uint32_t hr = row; hr <= row + 1 && hr <= r->last; hr++) {
			if (hr > row && th_grid_at(sh, hr, (uint16_t)stt))
				break;
			for (size_t i = th_grid_row_start(sh, hr); i < sh->n_cells && sh->cells[i].row == hr; i++) {
				const char *key = sh->cells[i].key;
				int col = sh->cells[i].col;
				bool hit = true;

				if (strstr(key, "chi tieu"))
					k->label = k->label < 0 ? col : k->label;
				else if (starts(key, "don vi tinh") || strcmp(key, "dvt") == 0 || starts(key, "dvt "))
					k->unit = col;
				else if (strstr(key, "so luong") || strstr(key, "ty le"))
					k->value = col;
				else if (strstr(key, "ket qua"))
					value_weak = value_weak < 0 ? col : value_weak;
				else if (starts(key, "ghi chu"))
					k->note = col;
				else
					hit = false;
				if (hit)
					last_header_row = hr > last_header_row ? hr : last_header_row;
			}
		}
		if (k->value < 0)
			k->value = value_weak;
		if (k->label < 0 || k->value < 0)
			continue;
		k->data_first = last_header_row + 1;
		return true;
	}
	return false;
}

/* The code of a row as written in cell c ("2.1" typed as a number included); NULL if none. */
static const char *cell_code(const th_gcell *c, char *code, size_t cap, char *numbuf, size_t ncap)
{
	if (c->type == TH_CELL_NUMBER) {
		if (c->num < 1 || c->num >= 1000)
			return NULL;
		snprintf(numbuf, ncap, "%.10g", c->num);
		return parse_code(numbuf, code, cap);
	}
	if (c->type != TH_CELL_STRING)
		return NULL;
	return parse_code(c->text, code, cap);
}

static void set_written(th_value *v, const char *s)
{
	free(v->written);
	v->written = th_xstrdup(s);
}

/* Read the value cell of a row by the row's kind. */
static void read_value(struct ctx *c, const th_formdef *fd, const th_rowdef *rd, int sheet,
		       const th_gcell *cell, th_value *v)
{
	th_where w = where(c, fd->id, rd->code, sheet, cell ? cell->row : 0, cell ? cell->col : 0);
	char buf[64];

	if (!cell) {
		v->state = TH_VAL_BLANK;
		set_written(v, "");
		return;
	}
	v->row = cell->row;
	v->col = cell->col;
	note_legacy(c, sheet, cell, fd->id, rd->code);
	if (cell->type == TH_CELL_EMPTY) {
		/* a formula a program wrote without computing it (openpyxl, some web tools) */
		th_sbuf sb = TH_SBUF_INIT;
		th_sbuf_addf(&sb, "=%s", cell->raw);
		set_written(v, cell->raw[0] ? sb.buf : "(công thức)");
		v->state = TH_VAL_UNREADABLE;
		th_findings_add(&c->f->findings, TH_SEV_WARNING, "read.formula-not-computed", &w, v->written, NULL,
				"%s dòng %s: ô có công thức %s nhưng tệp không lưu kết quả đã tính; hãy mở tệp "
				"bằng Excel hoặc LibreOffice, lưu lại rồi gửi", fd->title, rd->code, v->written);
		th_sbuf_release(&sb);
		return;
	}
	if ((cell->type == TH_CELL_NUMBER && th_numkind_is_serial(cell->kind)) || cell->type == TH_CELL_DATE) {
		/*
		 * A date where a figure belongs: Excel turns "1.2" typed into a date cell into
		 * 1 February. The number behind it is not what the commune meant, so it is not
		 * read; the warning shows the date it stands for (d/m/yyyy, as header dates are
		 * shown), whatever the cell's own format.
		 */
		th_sbuf shown = TH_SBUF_INIT;
		cell_display(c->g, cell, &shown);
		set_written(v, shown.buf);
		v->state = TH_VAL_UNREADABLE;
		th_findings_add(&c->f->findings, TH_SEV_WARNING, "read.date-cell", &w, shown.buf, NULL,
				"%s dòng %s: ô được định dạng ngày giờ và hiện '%s', không đọc được là số; "
				"hãy định dạng ô là Số (Number) rồi nhập lại số liệu",
				fd->title, rd->code, shown.buf);
		th_sbuf_release(&shown);
		return;
	}
	switch (cell->type) {
	case TH_CELL_NUMBER:
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
		 * The precision the commune wrote: what it typed (the shortest form of the
		 * number: 0.671 is 67,1) but never more than the format shows (a formula's
		 * 98.1561… under "0.00" is 98,16 on screen).
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
		return;
	case TH_CELL_STRING:
		break;
	default: {
		/* an error literal (#DIV/0!) or a boolean */
		const char *t = cell->type == TH_CELL_BOOL ? (cell->num != 0 ? "TRUE" : "FALSE") : cell->text;
		set_written(v, t);
		v->state = TH_VAL_UNREADABLE;
		th_findings_add(&c->f->findings, TH_SEV_WARNING, "read.unreadable", &w, t, NULL,
				"%s dòng %s: ô chứa '%s', không phải một giá trị", fd->title, rd->code, t);
		return;
	}
	}
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
		char *k = th_text_key(cell->text, strlen(cell->text));
		th_num num;
		for (size_t i = 0; i < rd->n_options; i++)
			if (strcmp(k, rd->options[i].key) == 0) {
				v->state = TH_VAL_NUMBER;
				v->num = rd->options[i].code;
				v->decimals = 0;
				v->how = th_xstrdup("theo lựa chọn");
				th_findings_add(&c->f->findings, TH_SEV_INFO, "read.coded-text", &w, cell->text, NULL,
						"%s dòng %s: đọc lựa chọn '%s' là mã %d", fd->title, rd->code,
						cell->text, rd->options[i].code);
				free(k);
				return;
			}
		free(k);
		if (th_vn_parse_number(cell->text, strlen(cell->text), TH_HINT_WHOLE, &num) == 0) {
			v->state = TH_VAL_NUMBER;
			v->num = num.value;
			v->decimals = num.decimals;
			return;
		}
	} else {
		th_numhint hint = rd->kind == TH_ROW_PERCENT ? TH_HINT_DECIMAL : TH_HINT_WHOLE;
		th_num num;
		if (th_vn_parse_number(cell->text, strlen(cell->text), hint, &num) == 0) {
			char val_vi[64];
			v->state = TH_VAL_NUMBER;
			v->num = num.value;
			v->decimals = num.decimals;
			v->how = th_xstrdup(numread_vi(num.how, rd->kind));
			th_vn_format(num.value, num.decimals > 0 ? num.decimals : 0, true, val_vi, sizeof(val_vi));
			th_findings_add(&c->f->findings, TH_SEV_INFO,
					num.how == TH_READ_AMBIGUOUS_THOUSANDS || num.how == TH_READ_AMBIGUOUS_DECIMAL ?
					"read.ambiguous-number" : "read.text-number",
					&w, cell->text, val_vi,
					"%s dòng %s: số được gõ dạng văn bản '%s', đọc là %s (%s); nên nhập dạng số",
					fd->title, rd->code, cell->text, val_vi, numread_vi(num.how, rd->kind));
			return;
		}
	}
	v->state = TH_VAL_UNREADABLE;
	th_findings_add(&c->f->findings, TH_SEV_WARNING, "read.unreadable", &w, cell->text, NULL,
			rd->kind == TH_ROW_CODED ?
			"%s dòng %s: không đọc được '%s': hãy ghi một mã của chú giải (%s)" :
			"%s dòng %s: không đọc được '%s' thành số%.0s",
			fd->title, rd->code, cell->text, rd->unit);
}

/* Compare a written label or unit with the schema's; a difference is a warning. */
static void compare_text(struct ctx *c, const th_formdef *fd, const th_rowdef *rd, int sheet,
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

static void read_form(struct ctx *c, size_t fi, const struct region *r)
{
	const th_formdef *fd = &c->schema->forms[fi];
	th_value *vals = c->f->values[fi];
	const th_gsheet *sh;
	struct cols k;
	th_where w;
	bool *seen;

	if (r->sheet < 0) {
		w = where(c, fd->id, NULL, -1, 0, 0);
		th_findings_add(&c->f->findings, TH_SEV_WARNING, "read.form-missing", &w, NULL, fd->title,
				"không tìm thấy %s (%s) trong tệp: không có tiêu đề hay trang tính nào mang tên này",
				fd->title, fd->name);
		return;
	}
	sh = &c->g->sheets[r->sheet];
	if (!find_header(sh, r, &k)) {
		w = where(c, fd->id, NULL, r->sheet, r->title_row, 0);
		th_findings_add(&c->f->findings, TH_SEV_WARNING, "read.header-missing", &w, NULL, NULL,
				"%s: không thấy hàng tiêu đề bảng (STT, Chỉ tiêu, Đơn vị tính, Số lượng/Tỷ lệ); "
				"đọc theo cột A-E", fd->title);
		k.code = 0, k.label = 1, k.unit = 2, k.value = 3, k.note = 4;
		k.data_first = r->first;
	}
	seen = th_xcalloc(fd->n_rows + 1, sizeof(*seen));
	for (uint32_t row = k.data_first; row <= r->last; row++) {
		const th_gcell *cc = th_grid_at(sh, row, (uint16_t)k.code);
		const th_gcell *lc = k.label >= 0 ? th_grid_at(sh, row, (uint16_t)k.label) : NULL;
		const th_gcell *uc = k.unit >= 0 ? th_grid_at(sh, row, (uint16_t)k.unit) : NULL;
		const th_gcell *vc = th_grid_at(sh, row, (uint16_t)k.value);
		char code[32], numbuf[32];
		const char *rest = cc ? cell_code(cc, code, sizeof(code), numbuf, sizeof(numbuf)) : NULL;
		const char *label;
		int ri;

		if (!rest && lc && lc->type == TH_CELL_STRING) {
			/* the code glued to its label in the label column: "1.4.3.Số TTHC cấp xã" */
			rest = parse_code(lc->text, code, sizeof(code));
			if (rest && !(*rest && !isdigit((unsigned char)*rest)))
				rest = NULL;
			if (rest)
				cc = lc;
		}
		if (!rest)
			continue;
		label = *rest ? rest : lc && lc != cc ? lc->text : "";
		ri = th_form_row(fd, code);
		w = where(c, fd->id, code, r->sheet, row, cc->col);
		if (ri < 0) {
			th_findings_add(&c->f->findings, TH_SEV_WARNING, "read.row-unknown", &w, code, NULL,
					"%s: dòng mã %s ('%s') không có trong biểu mẫu", fd->title, code, label);
			continue;
		}
		if (seen[ri]) {
			th_findings_add(&c->f->findings, TH_SEV_WARNING, "read.row-twice", &w, code, NULL,
					"%s: mã dòng %s xuất hiện hai lần; chỉ đọc lần đầu (hàng %lu)", fd->title,
					code, (unsigned long)vals[ri].row + 1);
			continue;
		}
		seen[ri] = true;
		vals[ri].sheet = r->sheet;
		vals[ri].row = row;
		vals[ri].col = (uint16_t)k.value;
		note_legacy(c, r->sheet, lc, fd->id, code);
		compare_text(c, fd, &fd->rows[ri], r->sheet, lc ? lc : cc, label, fd->rows[ri].label, false);
		if (k.unit >= 0)
			compare_text(c, fd, &fd->rows[ri], r->sheet, uc, uc ? uc->text : "", fd->rows[ri].unit, true);
		read_value(c, fd, &fd->rows[ri], r->sheet, vc, &vals[ri]);
		if (k.note >= 0 && k.note != k.value) {
			const th_gcell *nc = th_grid_at(sh, row, (uint16_t)k.note);
			th_sbuf nb = TH_SBUF_INIT;
			if (nc)
				cell_display(c->g, nc, &nb); /* as the sheet shows it: text, number or date */
			if (nb.buf[strspn(nb.buf, " \t\r\n")])
				vals[ri].note = th_sbuf_detach(&nb, NULL); /* kept for the feedback */
			th_sbuf_release(&nb);
		}
	}
	for (size_t i = 0; i < fd->n_rows; i++) {
		if (seen[i])
			continue;
		w = where(c, fd->id, fd->rows[i].code, -1, 0, 0);
		th_findings_add(&c->f->findings, fd->rows[i].kind == TH_ROW_GROUP ? TH_SEV_INFO : TH_SEV_WARNING,
				"read.row-missing", &w, NULL, fd->rows[i].code,
				"%s: thiếu dòng %s (%s)", fd->title, fd->rows[i].code, fd->rows[i].label);
	}
	free(seen);
}

/* ---- the identification block ---- */

/* Run pattern p on s; on a match copy the named groups wanted into out[] (NULL when unset). */
static bool match(const void *p, const char *s, const char *const *names, char **out, size_t n)
{
	pcre2_match_data *md;
	pcre2_match_context *mc;
	bool ok = false;

	for (size_t i = 0; i < n; i++)
		out[i] = NULL;
	if (!p)
		return false;
	if (strlen(s) > 4096)
		return false; /* no header field is that long; keeps a slow pattern's cost bounded */
	/*
	 * Patterns come from a province's INI: a careless one ("(a+)+$") backtracks without
	 * end on a long cell. The limits make such a match fail (no field found, said as a
	 * finding) in milliseconds instead of hanging a merge.
	 */
	mc = pcre2_match_context_create(NULL);
	if (mc) {
		pcre2_set_match_limit(mc, 200000);
		pcre2_set_depth_limit(mc, 10000);
	}
	md = pcre2_match_data_create_from_pattern(p, NULL);
	if (md && pcre2_match(p, (PCRE2_SPTR)s, strlen(s), 0, 0, md, mc) > 0) {
		ok = true;
		for (size_t i = 0; i < n; i++) {
			PCRE2_UCHAR *buf;
			PCRE2_SIZE len;
			if (pcre2_substring_get_byname(md, (PCRE2_SPTR)names[i], &buf, &len) == 0) {
				out[i] = th_xstrndup((const char *)buf, len);
				pcre2_substring_free(buf);
			}
		}
	}
	pcre2_match_data_free(md);
	pcre2_match_context_free(mc);
	return ok;
}

/* One searchable text: a cell, or a whole row joined (for fields split over cells). */
struct line {
	int sheet;
	uint32_t row;
	uint16_t col;
	char *text;
};

static void add_line(struct line **v, size_t *n, size_t *cap, int sheet, uint32_t row, uint16_t col,
		     char *text)
{
	th_grow((void **)v, cap, *n + 1, sizeof(**v));
	(*v)[*n].sheet = sheet;
	(*v)[*n].row = row;
	(*v)[*n].col = col;
	(*v)[*n].text = text;
	(*n)++;
}

/*
 * Is row a row of a form's table (a row code in column A or B, as "2.5", "2.5." or
 * "2.5.Tỷ lệ …")? Its label is no header field: "… so với năm 2015" is not the period.
 */
static bool data_row(const th_gsheet *sh, uint32_t row)
{
	for (uint16_t col = 0; col < 2; col++) {
		const th_gcell *c = th_grid_at(sh, row, col);
		char code[32], numbuf[32];
		const char *rest;
		if (!c)
			continue;
		rest = cell_code(c, code, sizeof(code), numbuf, sizeof(numbuf));
		if (rest && (!*rest || isalpha((unsigned char)*rest) || (unsigned char)*rest >= 0x80))
			return true;
	}
	return false;
}

/* Cells (a field usually sits in one), each followed by itself joined to the cell above
 * it, and whole rows joined; in sheet and row order. */
static size_t header_lines(const th_grid *g, struct line **out)
{
	struct line *v = NULL;
	size_t n = 0, cap = 0;

	for (size_t s = 0; s < g->n_sheets; s++) {
		const th_gsheet *sh = &g->sheets[s];
		if (strcmp(sh->key, "loi") == 0)
			continue;
		for (size_t i = 0; i < sh->n_cells; i++) {
			const th_gcell *c = &sh->cells[i];
			th_sbuf row = TH_SBUF_INIT;
			size_t cells = 0;

			if (data_row(sh, c->row))
				continue;

			if (c->type == TH_CELL_STRING) {
				const th_gcell *above = c->row ? th_grid_at(sh, c->row - 1, c->col) : NULL;
				add_line(&v, &n, &cap, (int)s, c->row, c->col, th_xstrdup(c->text));
				/*
				 * "ỦY BAN NHÂN DÂN" over "XÃ NGÔ QUYỀN" in two cells: one line as in one
				 * cell, placed after the lower cell's own line and at that cell, so that a
				 * field the lower cell holds alone is found there first
				 */
				if (above && above->type == TH_CELL_STRING && !data_row(sh, above->row)) {
					th_sbuf two = TH_SBUF_INIT;
					th_sbuf_addf(&two, "%s\n%s", above->text, c->text);
					add_line(&v, &n, &cap, (int)s, c->row, c->col, th_sbuf_detach(&two, NULL));
				}
			}
			if (i + 1 < sh->n_cells && sh->cells[i + 1].row == c->row)
				continue;
			/* the last cell of a row: add the row joined, when it has several cells */
			for (size_t k = th_grid_row_start(sh, c->row); k <= i; k++, cells++) {
				if (cells)
					th_sbuf_addc(&row, ' ');
				cell_display(g, &sh->cells[k], &row);
			}
			if (cells > 1)
				add_line(&v, &n, &cap, (int)s, c->row, sh->cells[th_grid_row_start(sh, c->row)].col,
					 th_sbuf_detach(&row, NULL));
			else
				th_sbuf_release(&row);
		}
	}
	*out = v;
	return n;
}

static void set_field(th_hfield *h, const struct line *l, const char *text)
{
	h->sheet = l->sheet;
	h->row = l->row;
	h->col = l->col;
	free(h->written);
	h->written = th_xstrdup(text);
}

/* A date from a pattern group: "12/9/2023", "12 tháng 9 năm 2023", "ngày 12 tháng 9 năm 2023". */
static int group_date(const char *s, th_date *d)
{
	th_sbuf sb = TH_SBUF_INIT;
	int rc;

	if (!s)
		return -1;
	if (th_vn_parse_date(s, strlen(s), d) == 0)
		return 0;
	th_sbuf_adds(&sb, "ngày ");
	th_sbuf_adds(&sb, s);
	rc = th_vn_parse_date(sb.buf, sb.len, d);
	th_sbuf_release(&sb);
	return rc;
}

static void read_header(struct ctx *c)
{
	th_filing *f = c->f;
	const th_schema *s = c->schema;
	struct line *lines;
	size_t nl = header_lines(c->g, &lines);
	static const char *const g_name[] = { "name" }, *const g_code[] = { "code" };
	static const char *const g_period[] = { "n", "year", "n2" }, *const g_window[] = { "from", "to" };
	static const char *const g_date[] = { "date" };
	static const struct { enum th_hpat pat; th_pkind kind; int n; } periods[] = {
		{ TH_HPAT_PERIOD_QUARTER, TH_P_QUARTER, 0 }, { TH_HPAT_PERIOD_H1, TH_P_HALF, 1 },
		{ TH_HPAT_PERIOD_H2, TH_P_HALF, 2 }, { TH_HPAT_PERIOD_NINE, TH_P_NINE, 0 },
		{ TH_HPAT_PERIOD_MONTH, TH_P_MONTH, 0 }, { TH_HPAT_PERIOD_YEAR, TH_P_YEAR, 0 },
	};
	char *cap[3];
	const th_unit *by_name = NULL, *by_code = NULL;
	char *name_written = NULL, *code_written = NULL;
	bool by_letters = false;
	th_where w;

	/* the unit: by its code when written, by its name otherwise */
	for (size_t i = 0; i < nl && !code_written; i++)
		if (match(s->header[TH_HPAT_UNIT_CODE], lines[i].text, g_code, cap, 1) && cap[0]) {
			code_written = cap[0];
			set_field(&f->code_at, &lines[i], cap[0]);
			by_code = c->roster ? th_roster_by_code(c->roster, cap[0]) : NULL;
		} else {
			free(cap[0]);
		}
	for (size_t i = 0; i < nl && !name_written; i++)
		if (match(s->header[TH_HPAT_UNIT], lines[i].text, g_name, cap, 1) && cap[0]) {
			name_written = cap[0];
			set_field(&f->unit_at, &lines[i], cap[0]);
			by_name = c->roster ? th_roster_match_how(c->roster, cap[0], &by_letters) : NULL;
		} else {
			free(cap[0]);
		}
	f->unit = by_code ? by_code : by_name;
	if (c->roster) {
		if (code_written && !by_code) {
			w = where(c, "HEADER", NULL, f->code_at.sheet, f->code_at.row, f->code_at.col);
			th_findings_add(&f->findings, TH_SEV_WARNING, "read.unit-code-unknown", &w, code_written, NULL,
					"mã đơn vị '%s' không có trong danh sách đơn vị của %s", code_written,
					c->roster->name);
		}
		if (by_code && name_written && by_name && by_name != by_code) {
			/* two units of the roster: which one sent it cannot be told, so neither */
			w = where(c, "HEADER", NULL, f->unit_at.sheet, f->unit_at.row, f->unit_at.col);
			th_findings_add(&f->findings, TH_SEV_WARNING, "read.unit-mismatch", &w, name_written,
					by_code->name,
					"tên đơn vị '%s' (%s, mã %s) không khớp mã đơn vị %s (%s): chưa xác định "
					"được đơn vị báo cáo; hãy sửa tên hoặc mã cho đúng",
					name_written, by_name->name, by_name->code, by_code->code, by_code->name);
			f->unit = NULL;
		} else if (by_code && name_written && by_name != by_code) {
			w = where(c, "HEADER", NULL, f->unit_at.sheet, f->unit_at.row, f->unit_at.col);
			th_findings_add(&f->findings, TH_SEV_WARNING, "read.unit-mismatch", &w, name_written,
					by_code->name, "tên đơn vị '%s' không khớp mã %s (%s)", name_written,
					by_code->code, by_code->name);
		}
		if (by_name && by_letters && f->unit == by_name) {
			w = where(c, "HEADER", NULL, f->unit_at.sheet, f->unit_at.row, f->unit_at.col);
			th_findings_add(&f->findings, TH_SEV_INFO, "read.unit-approx", &w, name_written,
					by_name->name, "tên đơn vị '%s' chỉ khớp '%s' khi bỏ dấu: hãy kiểm tra lại dấu",
					name_written, by_name->name);
		}
		if (name_written && !f->unit && !(by_code && by_name)) {
			w = where(c, "HEADER", NULL, f->unit_at.sheet, f->unit_at.row, f->unit_at.col);
			th_findings_add(&f->findings, TH_SEV_WARNING, "read.unit-unknown", &w, name_written, NULL,
					"đơn vị '%s' không có trong danh sách đơn vị của %s", name_written,
					c->roster->name);
		}
	}
	if (!name_written && !code_written) {
		w = where(c, "HEADER", NULL, -1, 0, 0);
		th_findings_add(&f->findings, TH_SEV_WARNING, "read.unit-missing", &w, NULL, NULL,
				"không tìm thấy tên đơn vị báo cáo (như 'UBND xã …' hoặc 'Đơn vị báo cáo: …')");
	}
	free(name_written);
	free(code_written);

	/* the period: patterns in order, each over the whole workbook */
	for (size_t p = 0; p < sizeof(periods) / sizeof(periods[0]) && f->period.kind == TH_P_NONE; p++)
		for (size_t i = 0; i < nl; i++) {
			long year = 0, n = periods[p].n, n2 = 0;
			if (!match(s->header[periods[p].pat], lines[i].text, g_period, cap, 3))
				continue;
			if (cap[1])
				year = strtol(cap[1], NULL, 10);
			if (cap[0] && !n)
				n = isdigit((unsigned char)cap[0][0]) ? strtol(cap[0], NULL, 10) :
								       th_roman(cap[0], strlen(cap[0]));
			/*
			 * "quý IV, phương hướng nhiệm vụ quý I năm 2024": the year written belongs
			 * to the later period (n2); when that one comes first in the year, ours is
			 * in the year before.
			 */
			if (cap[2])
				n2 = isdigit((unsigned char)cap[2][0]) ? strtol(cap[2], NULL, 10) :
									th_roman(cap[2], strlen(cap[2]));
			if (n2 > 0 && n2 < n)
				year--;
			free(cap[0]);
			free(cap[1]);
			free(cap[2]);
			if (year < 1990 || year > 2100)
				continue;
			if ((periods[p].kind == TH_P_QUARTER && (n < 1 || n > 4)) ||
			    (periods[p].kind == TH_P_MONTH && (n < 1 || n > 12)))
				continue;
			f->period.kind = periods[p].kind;
			f->period.year = (int)year;
			f->period.n = periods[p].kind == TH_P_NINE || periods[p].kind == TH_P_YEAR ? 0 : (int)n;
			set_field(&f->period_at, &lines[i], lines[i].text);
			break;
		}
	if (f->period.kind == TH_P_NONE) {
		w = where(c, "HEADER", NULL, -1, 0, 0);
		th_findings_add(&f->findings, TH_SEV_WARNING, "read.period-missing", &w, NULL, NULL,
				"không tìm thấy kỳ báo cáo (như 'quý III năm 2023')");
	}

	/* the data window */
	for (size_t i = 0; i < nl && !f->window_from.y; i++) {
		th_date a, b;
		if (!match(s->header[TH_HPAT_WINDOW], lines[i].text, g_window, cap, 2))
			continue;
		if (group_date(cap[0], &a) == 0 && group_date(cap[1], &b) == 0) {
			f->window_from = a;
			f->window_to = b;
			set_field(&f->window_at, &lines[i], lines[i].text);
		} else {
			w = where(c, "HEADER", NULL, lines[i].sheet, lines[i].row, lines[i].col);
			th_findings_add(&f->findings, TH_SEV_WARNING, "read.window-unreadable", &w, lines[i].text,
					NULL, "không đọc được thời gian lấy số liệu trong '%s'", lines[i].text);
			set_field(&f->window_at, &lines[i], lines[i].text);
			free(cap[0]);
			free(cap[1]);
			break;
		}
		free(cap[0]);
		free(cap[1]);
	}
	if (!f->window_at.written) {
		w = where(c, "HEADER", NULL, -1, 0, 0);
		th_findings_add(&f->findings, TH_SEV_WARNING, "read.window-missing", &w, NULL, NULL,
				"không tìm thấy thời gian lấy số liệu (như 'Số liệu tính từ ngày 10/6/2023 đến ngày 09/9/2023')");
	}

	/* the report date */
	for (size_t i = 0; i < nl && !f->report_date.y; i++) {
		th_date d;
		if (!match(s->header[TH_HPAT_REPORT_DATE], lines[i].text, g_date, cap, 1))
			continue;
		if (group_date(cap[0], &d) == 0) {
			f->report_date = d;
			set_field(&f->report_at, &lines[i], lines[i].text);
		} else if (!f->report_at.written) {
			set_field(&f->report_at, &lines[i], lines[i].text);
		}
		free(cap[0]);
	}
	if (!f->report_date.y) {
		w = where(c, "HEADER", NULL, f->report_at.sheet, f->report_at.row, f->report_at.col);
		if (!f->report_at.written)
			w.sheet = NULL;
		th_findings_add(&f->findings, TH_SEV_WARNING, "read.report-date-missing", &w,
				f->report_at.written, NULL,
				f->report_at.written ? "không đọc được ngày báo cáo trong '%s': thiếu ngày, tháng "
						       "hoặc năm, hoặc không có ngày như vậy" :
						       "không tìm thấy ngày báo cáo%s",
				f->report_at.written ? f->report_at.written : "");
	}
	for (size_t i = 0; i < nl; i++)
		free(lines[i].text);
	free(lines);
}

/* ---- the document register ---- */

static void read_register(struct ctx *c)
{
	const th_schema *s = c->schema;
	const th_grid *g = c->g;
	char *want;
	int sheet = -1;
	uint32_t hrow = 0;
	int col[4] = { -1, -1, -1, -1 };
	size_t cap = 0;

	if (!s->register_sheet)
		return;
	want = th_text_key_ascii(s->register_sheet, strlen(s->register_sheet));
	for (size_t i = 0; i < g->n_sheets && sheet < 0; i++)
		if (strcmp(g->sheets[i].key, want) == 0)
			sheet = (int)i;
	free(want);
	/* the header row: the four column titles, in that sheet or any other */
	for (size_t i = 0; i < g->n_sheets; i++) {
		const th_gsheet *sh = &g->sheets[i];
		if (sheet >= 0 && (int)i != sheet)
			continue;
		for (size_t k = 0; k < sh->n_cells; k++) {
			const th_gcell *cell = &sh->cells[k];
			char *ck;
			int found = 0;
			if (cell->type != TH_CELL_STRING)
				continue;
			ck = th_text_key_ascii(s->register_columns[1], strlen(s->register_columns[1]));
			if (strcmp(cell->key, ck) == 0) {
				/* the row of "Số, ký hiệu": find the other three in it */
				for (int j = 0; j < 4; j++) {
					char *want_j = th_text_key_ascii(s->register_columns[j],
									strlen(s->register_columns[j]));
					for (size_t m = th_grid_row_start(sh, cell->row);
					     m < sh->n_cells && sh->cells[m].row == cell->row; m++)
						if (strcmp(sh->cells[m].key, want_j) == 0) {
							col[j] = sh->cells[m].col;
							found++;
							break;
						}
					free(want_j);
				}
			}
			free(ck);
			if (found >= 3 && col[1] >= 0 && col[2] >= 0) {
				sheet = (int)i;
				hrow = cell->row;
				goto found;
			}
		}
	}
	return;
found:
	c->f->has_register = true;
	{
		const th_gsheet *sh = &g->sheets[sheet];
		for (uint32_t row = hrow + 1; row < sh->n_rows; row++) {
			const th_gcell *num = th_grid_at(sh, row, (uint16_t)col[1]);
			const th_gcell *date = th_grid_at(sh, row, (uint16_t)col[2]);
			const th_gcell *stt = col[0] >= 0 ? th_grid_at(sh, row, (uint16_t)col[0]) : NULL;
			const th_gcell *sum = col[3] >= 0 ? th_grid_at(sh, row, (uint16_t)col[3]) : NULL;
			th_docentry *d;
			th_sbuf sb = TH_SBUF_INIT;

			/* a numbered row with a summary but no number or date is a document all the
			 * same: kept, so that the checks say what it lacks (a signature or a total
			 * under the table has no STT) */
			if (!num && !date && !(stt && sum && sum->type == TH_CELL_STRING && sum->text[0]))
				continue;
			th_grow((void **)&c->f->docs, &cap, c->f->n_docs + 1, sizeof(*c->f->docs));
			d = &c->f->docs[c->f->n_docs++];
			memset(d, 0, sizeof(*d));
			d->sheet = sheet;
			d->row = row;
			d->number_col = (uint16_t)col[1];
			d->date_col = (uint16_t)col[2];
			if (stt)
				cell_display(g, stt, &sb);
			d->stt = th_sbuf_detach(&sb, NULL);
			if (num)
				cell_display(g, num, &sb);
			d->number = th_sbuf_detach(&sb, NULL);
			if (sum)
				cell_display(g, sum, &sb);
			d->summary = th_sbuf_detach(&sb, NULL);
			if (date)
				cell_display(g, date, &sb);
			d->date_written = th_sbuf_detach(&sb, NULL);
			if (date && date->type == TH_CELL_NUMBER)
				th_date_from_serial(date->num, g->date1904, &d->date);
			else if (date)
				th_vn_parse_date(date->text, strlen(date->text), &d->date);
		}
	}
}

/* ---- the whole return ---- */

int th_filing_read(th_filing **out, const char *path, const th_schema *schema,
		   const th_roster *roster, th_err *e)
{
	th_grid *g = NULL;
	th_filing *f;
	struct ctx c = { 0 };
	struct region *reg;

	*out = NULL;
	if (th_grid_load(&g, path, e))
		return -1;
	f = th_filing_new(path, schema);
	f->n_sheets = g->n_sheets;
	f->sheets = th_xcalloc(g->n_sheets + 1, sizeof(*f->sheets));
	for (size_t i = 0; i < g->n_sheets; i++)
		f->sheets[i] = th_xstrdup(g->sheets[i].name);
	c.f = f;
	c.g = g;
	c.schema = schema;
	c.roster = roster;
	read_header(&c);
	reg = th_xcalloc(schema->n_forms + 1, sizeof(*reg));
	find_regions(&c, reg);
	for (size_t i = 0; i < schema->n_forms; i++)
		f->n_forms_found += reg[i].sheet >= 0;
	if (!f->n_forms_found && schema->n_forms) {
		/* a workbook, but not a return: the wrong file chosen, or every title deleted */
		th_fail(e, TH_E_NOT_RETURN,
			"không tìm thấy biểu mẫu nào (%s … %s) trong tệp: có thể đã chọn nhầm tệp, "
			"hoặc tiêu đề các biểu đã bị xoá",
			schema->forms[0].title, schema->forms[schema->n_forms - 1].title);
		free(reg);
		th_grid_free(g);
		th_filing_free(f);
		return -1;
	}
	for (size_t i = 0; i < schema->n_forms; i++)
		read_form(&c, i, &reg[i]);
	free(reg);
	read_register(&c);
	th_findings_cap(&f->findings, TH_FINDINGS_PER_RULE);
	th_grid_free(g);
	*out = f;
	return 0;
}

th_filing *th_filing_new(const char *path, const th_schema *schema)
{
	th_filing *f = th_xcalloc(1, sizeof(*f));

	f->path = th_xstrdup(path);
	f->schema = schema;
	f->unit_at.sheet = f->code_at.sheet = f->period_at.sheet = -1;
	f->window_at.sheet = f->report_at.sheet = -1;
	f->values = th_xcalloc(schema->n_forms + 1, sizeof(*f->values));
	for (size_t i = 0; i < schema->n_forms; i++) {
		f->values[i] = th_xcalloc(schema->forms[i].n_rows + 1, sizeof(**f->values));
		for (size_t r = 0; r < schema->forms[i].n_rows; r++) {
			f->values[i][r].state = TH_VAL_MISSING;
			f->values[i][r].sheet = -1;
			f->values[i][r].decimals = -1;
			f->values[i][r].written = th_xstrdup("");
		}
	}
	return f;
}

int th_filing_set(th_filing *f, const char *form, const char *code, th_vstate state, double num, int decimals)
{
	th_value *v = (th_value *)th_filing_value(f, form, code);
	char buf[64];

	if (!v)
		return -1;
	v->state = state;
	v->num = state == TH_VAL_NUMBER ? num : 0;
	v->decimals = decimals;
	if (state == TH_VAL_NUMBER)
		snprintf(buf, sizeof(buf), "%.15g", num);
	else
		buf[0] = '\0';
	free(v->written);
	v->written = th_xstrdup(state == TH_VAL_DASH ? "-" : buf);
	return 0;
}

static void free_hfield(th_hfield *h)
{
	free(h->written);
}

void th_filing_free(th_filing *f)
{
	if (!f)
		return;
	for (size_t i = 0; f->values && i < f->schema->n_forms; i++) {
		for (size_t r = 0; r < f->schema->forms[i].n_rows; r++) {
			free(f->values[i][r].written);
			free(f->values[i][r].how);
			free(f->values[i][r].note);
		}
		free(f->values[i]);
	}
	free(f->values);
	for (size_t i = 0; i < f->n_docs; i++) {
		free(f->docs[i].stt);
		free(f->docs[i].number);
		free(f->docs[i].date_written);
		free(f->docs[i].summary);
	}
	free(f->docs);
	for (size_t i = 0; i < f->n_sheets; i++)
		free(f->sheets[i]);
	free(f->sheets);
	free_hfield(&f->unit_at);
	free_hfield(&f->code_at);
	free_hfield(&f->period_at);
	free_hfield(&f->window_at);
	free_hfield(&f->report_at);
	th_findings_release(&f->findings);
	free(f->path);
	free(f);
}

const th_value *th_filing_value(const th_filing *f, const char *form, const char *code)
{
	for (size_t i = 0; i < f->schema->n_forms; i++) {
		int r;
		if (strcasecmp(f->schema->forms[i].id, form) != 0)
			continue;
		r = th_form_row(&f->schema->forms[i], code);
		return r >= 0 ? &f->values[i][r] : NULL;
	}
	return NULL;
}

const char *th_filing_sheet(const th_filing *f, int sheet)
{
	return sheet >= 0 && (size_t)sheet < f->n_sheets ? f->sheets[sheet] : "";
}
