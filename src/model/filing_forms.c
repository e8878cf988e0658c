/*
 * Finding the forms of a return and reading their rows (filing_read.h). Forms are found by
 * their title ("Biểu mẫu 3", "BM3", "Bieu mau 03", or the form's name) in the cells or in
 * the sheet name, whatever the layout (a sheet per form, all stacked in one sheet, the
 * header block apart); a form's table by its header row (STT, Chỉ tiêu, Đơn vị tính, Số
 * lượng/Tỷ lệ, Ghi chú, over one or two rows); rows by their code however written.
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/sbuf.h"
#include "base/text.h"
#include "model/filing_read.h"
#include "base/banned.h"

/* ---- small text helpers ---- */

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
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

bool th_locate_feedback_sheet(const char *key)
{
	const char *p = key + 3;

	if (!starts(key, "loi"))
		return false;
	if (!*p)
		return true;
	if (!starts(p, " (") || !isdigit((unsigned char)p[2]))
		return false;
	for (p += 2; isdigit((unsigned char)*p); p++)
		;
	return p[0] == ')' && !p[1];
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

void th_locate_regions(struct locate *c, struct region *reg)
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
		if (th_locate_feedback_sheet(sh->key))
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

void th_locate_form(struct locate *c, size_t fi, const struct region *r)
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
		const char *rest = cc ? th_locate_cell_code(cc, code, sizeof(code), numbuf, sizeof(numbuf)) : NULL;
		const char *label;
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
		th_locate_legacy(c, r->sheet, lc, fd->id, code);
		compare_text(c, fd, &fd->rows[ri], r->sheet, lc ? lc : cc, label, fd->rows[ri].label, false);
		if (k.unit >= 0)
			compare_text(c, fd, &fd->rows[ri], r->sheet, uc, uc ? uc->text : "", fd->rows[ri].unit, true);
		th_locate_value(c, fd, &fd->rows[ri], r->sheet, vc, &vals[ri]);
		if (k.note >= 0 && k.note != k.value) {
			const th_gcell *nc = th_grid_at(sh, row, (uint16_t)k.note);
			th_sbuf nb = TH_SBUF_INIT;
			if (nc)
				th_grid_cell_text(c->g, nc, &nb); /* as the sheet shows it: text, number or date */
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
