/*
 * The layer over libxlsxwriter; see wb.h.
 * SPDX-License-Identifier: MIT
 */
#include "write/wb.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/mem.h"
#include "base/text.h"
#include "write/xlsx_writer.h"
#include "base/banned.h"

/* ---- the workbook: its file, properties, formats ---- */

void th_wb_ck(struct th_wb *b, lxw_error rc)
{
	if (rc != LXW_NO_ERROR && b->err == LXW_NO_ERROR)
		b->err = rc;
}

time_t th_wb_epoch(void)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long v;

	if (!s || !isdigit((unsigned char)*s))
		return TH_WRITER_EPOCH;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < 1 || v > 253402300799LL)
		return TH_WRITER_EPOCH;
	return (time_t)v;
}

lxw_format *th_wb_format(struct th_wb *b, int border)
{
	lxw_format *f = workbook_add_format(b->wb);

	if (!f)
		th_oom();
	if (border)
		format_set_border(f, LXW_BORDER_THIN);
	format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
	return f;
}

static lxw_format *fmt_fill(struct th_wb *b, lxw_color_t fill, lxw_color_t font, int border)
{
	lxw_format *f = th_wb_format(b, border);

	format_set_bg_color(f, fill);
	if (font)
		format_set_font_color(f, font);
	return f;
}

static void make_formats(struct th_wb *b)
{
	struct th_wb_fmts *F = &b->F;

	F->title = th_wb_format(b, 0);
	format_set_bold(F->title);
	format_set_font_size(F->title, 14);
	F->subtitle = th_wb_format(b, 0);
	format_set_bold(F->subtitle);
	format_set_font_size(F->subtitle, 12);
	F->bold = th_wb_format(b, 0);
	format_set_bold(F->bold);
	F->italic = th_wb_format(b, 0);
	format_set_italic(F->italic);

	F->head = fmt_fill(b, COL_HEAD, 0, 1);
	format_set_bold(F->head);
	format_set_text_wrap(F->head);
	format_set_align(F->head, LXW_ALIGN_CENTER);
	format_set_align(F->head, LXW_ALIGN_VERTICAL_CENTER);
	F->cell = th_wb_format(b, 1);
	F->wrap = th_wb_format(b, 1);
	format_set_text_wrap(F->wrap);
	F->date = th_wb_format(b, 1);
	format_set_num_format(F->date, "dd/mm/yyyy");
	F->group = th_wb_format(b, 1);
	format_set_bold(F->group);
	F->group_wrap = th_wb_format(b, 1);
	format_set_bold(F->group_wrap);
	format_set_text_wrap(F->group_wrap);
	F->err = fmt_fill(b, COL_ERR_FILL, COL_ERR_FONT, 1);
	F->warn = fmt_fill(b, COL_AMBER, 0, 1);
	F->amber = fmt_fill(b, COL_AMBER, 0, 1);
	F->amber_wrap = fmt_fill(b, COL_AMBER, 0, 1);
	format_set_text_wrap(F->amber_wrap);
	F->amber_date = fmt_fill(b, COL_AMBER, 0, 1);
	format_set_num_format(F->amber_date, "dd/mm/yyyy");
	F->total = th_wb_format(b, 1);
	format_set_bold(F->total);
	F->total_ratio = th_wb_format(b, 1);
	format_set_bold(F->total_ratio);
	format_set_num_format(F->total_ratio, "0.00");
	F->total_text = th_wb_format(b, 1);
	format_set_bold(F->total_text);
	format_set_text_wrap(F->total_text);
	F->total_warn = fmt_fill(b, COL_AMBER, 0, 1);
	format_set_bold(F->total_warn);
	F->link = th_wb_format(b, 1);
	format_set_font_color(F->link, LXW_COLOR_BLUE);
	format_set_underline(F->link, LXW_UNDERLINE_SINGLE);

	F->input = fmt_fill(b, COL_INPUT, 0, 1);
	format_set_unlocked(F->input);
	F->input_text = fmt_fill(b, COL_INPUT, 0, 1);
	format_set_unlocked(F->input_text);
	format_set_num_format(F->input_text, "@");
	F->input_date = fmt_fill(b, COL_INPUT, 0, 1);
	format_set_unlocked(F->input_date);
	format_set_num_format(F->input_date, "dd/mm/yyyy");
	F->input_wrap = fmt_fill(b, COL_INPUT, 0, 1);
	format_set_unlocked(F->input_wrap);
	format_set_text_wrap(F->input_wrap);
	F->input_err = fmt_fill(b, COL_ERR_FILL, COL_ERR_FONT, 1);
	format_set_unlocked(F->input_err);
	F->input_warn = fmt_fill(b, COL_AMBER, 0, 1);
	format_set_unlocked(F->input_warn);
	F->input_line = fmt_fill(b, COL_INPUT, 0, 0);
	format_set_unlocked(F->input_line);
	F->note = th_wb_format(b, 1);
	format_set_unlocked(F->note);
	format_set_text_wrap(F->note);
	F->grey = fmt_fill(b, COL_GROUP, 0, 1);
	F->grey_input = fmt_fill(b, COL_GROUP, 0, 1);
	format_set_unlocked(F->grey_input);
	F->line_err = fmt_fill(b, COL_ERR_FILL, COL_ERR_FONT, 0);
	format_set_unlocked(F->line_err);
	F->line_warn = fmt_fill(b, COL_AMBER, 0, 0);
	format_set_unlocked(F->line_warn);
}

/* libxlsxwriter's failures in Vietnamese (its own text is English). */
static const char *lxw_vi(lxw_error err)
{
	switch (err) {
	case LXW_ERROR_MEMORY_MALLOC_FAILED: return "hết bộ nhớ";
	case LXW_ERROR_CREATING_XLSX_FILE: return "không tạo được tệp (thường do không có quyền ghi)";
	case LXW_ERROR_CREATING_TMPFILE:
	case LXW_ERROR_READING_TMPFILE: return "không dùng được tệp tạm của hệ thống (ổ đĩa đầy?)";
	case LXW_ERROR_ZIP_FILE_OPERATION:
	case LXW_ERROR_ZIP_FILE_ADD:
	case LXW_ERROR_ZIP_CLOSE: return "lỗi khi ghi gói nén (ổ đĩa đầy hoặc không ghi được)";
	case LXW_ERROR_MAX_STRING_LENGTH_EXCEEDED: return "một chuỗi dài quá giới hạn của Excel";
	case LXW_ERROR_SHEETNAME_ALREADY_USED:
	case LXW_ERROR_SHEETNAME_LENGTH_EXCEEDED:
	case LXW_ERROR_INVALID_SHEETNAME_CHARACTER:
	case LXW_ERROR_SHEETNAME_START_END_APOSTROPHE: return "tên trang tính không hợp lệ";
	default: return "lỗi của thư viện ghi bảng tính";
	}
}

/* Start the workbook: its temporary file (outfile.h), its properties and formats. */
int th_wb_open(struct th_wb *b, const char *path, const char *title, th_err *e)
{
	return th_wb_open_mem(b, path, title, false, e);
}

int th_wb_open_mem(struct th_wb *b, const char *path, const char *title, bool constant_memory, th_err *e)
{
	static char author[] = "tonghop";
	lxw_workbook_options opt = { .constant_memory = constant_memory ? LXW_TRUE : LXW_FALSE, .tmpdir = NULL,
				     .use_zip64 = LXW_FALSE };
	lxw_doc_properties props = { 0 };
	char *title_copy;

	memset(b, 0, sizeof(*b));
	if (th_outfile_open(&b->out, path, e))
		return -1;
	b->wb = workbook_new_opt(th_outfile_tmp_path(b->out), &opt);
	if (!b->wb) {
		th_outfile_abort(b->out);
		b->out = NULL;
		return th_fail(e, TH_E_WRITE, "không khởi tạo được bảng tính: %s",
			       lxw_vi(LXW_ERROR_MEMORY_MALLOC_FAILED));
	}
	title_copy = th_xstrdup(title);
	props.title = title_copy;
	props.author = author;
	props.created = th_wb_epoch();
	th_wb_ck(b, workbook_set_properties(b->wb, &props));
	free(title_copy);
	make_formats(b);
	return 0;
}

/* Close the workbook (which frees it, even on failure) and put the file in place. */
int th_wb_close(struct th_wb *b, th_err *e)
{
	lxw_error rc = workbook_close(b->wb);
	int ret;

	b->wb = NULL;
	if (b->err == LXW_NO_ERROR)
		b->err = rc;
	if (b->err != LXW_NO_ERROR) {
		th_outfile_abort(b->out);
		ret = th_fail(e, TH_E_WRITE, "không ghi được bảng tính: %s (mã %d)", lxw_vi(b->err), (int)b->err);
	} else if (b->keep) {
		ret = th_outfile_finish(b->out, e);
		*b->keep = ret ? NULL : b->out;
	} else {
		ret = th_outfile_commit(b->out, e);
	}
	if (ret && b->keep)
		*b->keep = NULL;
	b->out = NULL;
	return ret;
}

/* ---- small helpers ---- */

/* s with its first letter upper-cased (ASCII and đ only: the words this module writes). */
void th_wb_add_capitalised(th_sbuf *sb, const char *s)
{
	if ((unsigned char)s[0] == 0xC4 && (unsigned char)s[1] == 0x91) {
		th_sbuf_adds(sb, "Đ");
		s += 2;
	} else if (islower((unsigned char)s[0])) {
		th_sbuf_addc(sb, (char)toupper((unsigned char)s[0]));
		s++;
	}
	th_sbuf_adds(sb, s);
}

/* s with its first letter lower-cased ("Xã Ngô Quyền" -> "xã Ngô Quyền", "Đặc khu" -> "đặc khu"). */
void th_wb_add_uncapitalised(th_sbuf *sb, const char *s)
{
	if ((unsigned char)s[0] == 0xC4 && (unsigned char)s[1] == 0x90) {
		th_sbuf_adds(sb, "đ");
		s += 2;
	} else if (isupper((unsigned char)s[0])) {
		th_sbuf_addc(sb, (char)tolower((unsigned char)s[0]));
		s++;
	}
	th_sbuf_adds(sb, s);
}

const char *th_wb_sev_label(th_severity s)
{
	return s == TH_SEV_ERROR ? "Lỗi" : s == TH_SEV_WARNING ? "Cảnh báo" : "Thông tin";
}

/*
 * s fit for the XML of a workbook, or NULL when it already is: a file name need not be
 * UTF-8 (each bad byte becomes U+FFFD) and control characters other than tab and line
 * feed become spaces. A new string.
 */
static char *xml_safe(const char *s)
{
	size_t n = strlen(s);
	char *r = th_text_valid_utf8(s, n) ? NULL : th_text_nfc(s, n, NULL);
	bool ctl = false;

	for (const unsigned char *p = (const unsigned char *)(r ? r : s); *p && !ctl; p++)
		ctl = (*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7f;
	if (!ctl)
		return r;
	if (!r)
		r = th_xstrdup(s);
	for (unsigned char *p = (unsigned char *)r; *p; p++)
		if ((*p < 0x20 && *p != '\t' && *p != '\n') || *p == 0x7f)
			*p = ' ';
	return r;
}

void th_wb_text(struct th_wb *b, lxw_worksheet *ws, uint32_t row, uint16_t col, const char *s,
		lxw_format *fmt)
{
	char *safe = s ? xml_safe(s) : NULL;
	size_t n;

	if (safe)
		s = safe;
	n = th_text_fit(s ? s : "", TH_WB_TEXT_MAX);

	if (!s || !*s) {
		if (fmt)
			th_wb_ck(b, worksheet_write_blank(ws, row, col, fmt));
	} else if (s[n]) {
		char *cut = th_xstrndup(s, n);
		th_wb_ck(b, worksheet_write_string(ws, row, col, cut, fmt));
		free(cut);
	} else {
		th_wb_ck(b, worksheet_write_string(ws, row, col, s, fmt));
	}
	free(safe);
}

void th_wb_num(struct th_wb *b, lxw_worksheet *ws, uint32_t row, uint16_t col, double v, lxw_format *fmt)
{
	if (isfinite(v))
		th_wb_ck(b, worksheet_write_number(ws, row, col, v, fmt));
	else
		th_wb_ck(b, worksheet_write_blank(ws, row, col, fmt));
}

void th_wb_date(struct th_wb *b, lxw_worksheet *ws, uint32_t row, uint16_t col, th_date d, lxw_format *fmt)
{
	lxw_datetime dt = { d.y, d.m, d.d, 0, 0, 0 };

	if (d.y)
		th_wb_ck(b, worksheet_write_datetime(ws, row, col, &dt, fmt));
	else
		th_wb_ck(b, worksheet_write_blank(ws, row, col, fmt));
}

/* A hidden comment sized to its text. */
void th_wb_comment(struct th_wb *b, lxw_worksheet *ws, uint32_t row, uint16_t col, const char *text)
{
	static char author[] = "tonghop";
	lxw_comment_options o;
	size_t lines = 1, chars = 0;

	for (const char *p = text; *p; p++) {
		if (*p == '\n') {
			lines += 1 + chars / 48;
			chars = 0;
		} else if (((unsigned char)*p & 0xC0) != 0x80) {
			chars++;
		}
	}
	lines += chars / 48;
	memset(&o, 0, sizeof(o));
	o.author = author;
	o.width = 360;
	o.height = (uint16_t)(lines > 24 ? 400 : 16 + 16 * lines);
	{
		char *safe = xml_safe(text);
		th_wb_ck(b, worksheet_write_comment_opt(ws, row, col, safe ? safe : text, &o));
		free(safe);
	}
}

/* Add one finding's line to a cell comment, within TH_WB_COMMENT_MAX; *left counts those left out. */
void th_wb_comment_add(th_sbuf *sb, const th_finding *fd, size_t *left)
{
	th_sbuf line = TH_SBUF_INIT;

	th_sbuf_addf(&line, "%s %s: %s", th_wb_sev_label(fd->severity), fd->rule, fd->message);
	if (sb->len && sb->len + 1 + line.len > TH_WB_COMMENT_MAX) {
		(*left)++;
	} else {
		if (sb->len)
			th_sbuf_addc(sb, '\n');
		if (line.len > TH_WB_COMMENT_MAX) {
			th_sbuf_add(sb, line.buf, th_text_fit(line.buf, TH_WB_COMMENT_MAX));
			th_sbuf_adds(sb, "…");
		} else {
			th_sbuf_add(sb, line.buf, line.len);
		}
	}
	th_sbuf_release(&line);
}

void th_wb_comment_end(th_sbuf *sb, size_t left)
{
	if (left)
		th_sbuf_addf(sb, "\n… và %zu nội dung khác (xem trang Lỗi)", left);
}

/* ---- sheet names and links ---- */

/* The UTF-16 length of the UTF-8 character starting with byte c (Excel counts those). */
static size_t utf16_units(unsigned char c)
{
	return c >= 0xF0 ? 2 : 1;
}

/* The byte length of the longest prefix of s within max UTF-16 units. */
static size_t name_fit(const char *s, size_t max)
{
	size_t n = 0, units = 0;

	while (s[n]) {
		size_t len = 1, u = utf16_units((unsigned char)s[n]);
		while (((unsigned char)s[n + len] & 0xC0) == 0x80)
			len++;
		if (units + u > max)
			break;
		units += u;
		n += len;
	}
	return n;
}

/*
 * A valid, unused worksheet name from want: the characters Excel refuses ([ ] : * ? / \ and
 * control characters) become '_', it is cut to 31 characters, an apostrophe may not start or
 * end it, and a name already taken gets " (2)", " (3)"...
 */
static void sheet_name(lxw_workbook *wb, const char *want, char out[TH_WB_NAME_MAX])
{
	char base[TH_WB_NAME_MAX];
	size_t n = 0, cut;

	for (const unsigned char *p = (const unsigned char *)want; *p && n + 5 < sizeof(base); p++)
		base[n++] = *p < 0x20 || *p == 0x7f || strchr("[]:*?/\\", *p) ? '_' : (char)*p;
	base[n] = '\0';
	n = name_fit(base, LXW_SHEETNAME_MAX);
	base[n] = '\0';
	if (!n)
		snprintf(base, sizeof(base), "Trang");
	n = strlen(base);
	if (base[0] == '\'')
		base[0] = '_';
	if (base[n - 1] == '\'')
		base[n - 1] = '_';
	snprintf(out, TH_WB_NAME_MAX, "%s", base);
	for (int k = 2; k < 1000 && workbook_validate_sheet_name(wb, out) != LXW_NO_ERROR; k++) {
		char suffix[16];
		snprintf(suffix, sizeof(suffix), " (%d)", k);
		cut = name_fit(base, LXW_SHEETNAME_MAX - strlen(suffix));
		snprintf(out, TH_WB_NAME_MAX, "%.*s%s", (int)cut, base, suffix);
	}
}

lxw_worksheet *th_wb_sheet(struct th_wb *b, const char *want, char name[TH_WB_NAME_MAX])
{
	lxw_worksheet *ws;

	sheet_name(b->wb, want, name);
	ws = workbook_add_worksheet(b->wb, name);
	if (!ws)
		th_wb_ck(b, LXW_ERROR_INVALID_SHEETNAME_CHARACTER);
	return ws;
}

/* A link to a cell of this workbook; shown is the visible text. */
void th_wb_link(struct th_wb *b, lxw_worksheet *ws, struct th_wb_links *lk, uint32_t row, uint16_t col,
		const char *sheet, uint32_t trow, uint16_t tcol, const char *shown)
{
	char cell[LXW_MAX_CELL_NAME_LENGTH];
	th_sbuf url = TH_SBUF_INIT;

	if (lk->n >= LXW_MAX_NUMBER_URLS) {
		th_wb_text(b, ws, row, col, shown, b->F.cell);
		return;
	}
	lxw_rowcol_to_cell(cell, trow, tcol);
	th_sbuf_adds(&url, "internal:'");
	for (const char *p = sheet; *p; p++) {
		if (*p == '\'')
			th_sbuf_addc(&url, '\'');
		th_sbuf_addc(&url, *p);
	}
	th_sbuf_addf(&url, "'!%s", cell);
	th_wb_ck(b, worksheet_write_url_opt(ws, row, col, url.buf, b->F.link, shown, NULL));
	lk->n++;
	th_sbuf_release(&url);
}

static void shown_ref(char *out, size_t cap, const char *sheet, uint32_t row, uint16_t col)
{
	char cell[LXW_MAX_CELL_NAME_LENGTH];

	lxw_rowcol_to_cell(cell, row, col);
	snprintf(out, cap, "%s!%s", sheet, cell);
}

void th_wb_finding_tail(struct th_wb *b, lxw_worksheet *ws, struct th_wb_links *lk, uint32_t row, uint16_t c0,
			const th_finding *fd, const char *sheet, uint32_t trow, uint16_t tcol, bool own)
{
	const struct th_wb_fmts *F = &b->F;
	char shown[TH_WB_NAME_MAX + LXW_MAX_CELL_NAME_LENGTH + 4];

	if (sheet) {
		if (own && fd->sheet[0] && fd->cell[0])
			snprintf(shown, sizeof(shown), "%s!%s", fd->sheet, fd->cell);
		else
			shown_ref(shown, sizeof(shown), sheet, trow, tcol);
		th_wb_link(b, ws, lk, row, c0, sheet, trow, tcol, shown);
	} else {
		snprintf(shown, sizeof(shown), "%s%s%s", fd->sheet, fd->sheet[0] && fd->cell[0] ? "!" : "",
			 fd->cell);
		th_wb_text(b, ws, row, c0, shown, F->cell);
	}
	th_wb_text(b, ws, row, (uint16_t)(c0 + 1), fd->rule, F->cell);
	th_wb_text(b, ws, row, (uint16_t)(c0 + 2), th_wb_sev_label(fd->severity),
		   fd->severity == TH_SEV_ERROR ? F->err : F->warn);
	th_wb_text(b, ws, row, (uint16_t)(c0 + 3), fd->written, F->wrap);
	th_wb_text(b, ws, row, (uint16_t)(c0 + 4), fd->expected, F->wrap);
	th_wb_text(b, ws, row, (uint16_t)(c0 + 5), fd->message, F->wrap);
}

/* ---- findings ---- */

/*
 * Where a finding sits in the schema: *form and *row are indexes, -1 when it names no form
 * (HEADER, VB, "") or no row. Returns its place in form order: the identification block
 * first, the forms in schema order, the register, then anything else.
 */
int th_wb_finding_pos(const th_schema *s, const th_finding *fd, int *form, int *row)
{
	const th_formdef *def = th_schema_form(s, fd->form);

	*form = def ? (int)(def - s->forms) : -1;
	*row = def && fd->code[0] ? th_form_row(def, fd->code) : -1;
	if (def)
		return 1 + *form;
	if (strcmp(fd->form, "HEADER") == 0)
		return 0;
	if (strcmp(fd->form, "VB") == 0)
		return (int)s->n_forms + 1;
	return (int)s->n_forms + 2;
}

/* What the "Biểu" column says for a finding that names no form. Static or owned by s. */
const char *th_wb_place_label(const th_schema *s, const th_finding *fd)
{
	if (strcmp(fd->form, "HEADER") == 0)
		return "Thông tin chung";
	if (strcmp(fd->form, "VB") == 0)
		return s->register_sheet ? s->register_sheet : "Danh mục văn bản";
	return fd->form;
}

static int item_cmp(const void *a, const void *b)
{
	const struct th_wb_item *p = a, *q = b;

	if (p->unit != q->unit)
		return p->unit < q->unit ? -1 : 1;
	if (p->key != q->key)
		return p->key < q->key ? -1 : 1;
	if (p->row != q->row)
		return p->row < q->row ? -1 : 1;
	return p->seq < q->seq ? -1 : p->seq > q->seq;
}

void th_wb_items_add(struct th_wb_items *it, const th_schema *s, const th_findings *fs, size_t unit)
{
	for (size_t i = 0; fs && i < fs->n; i++) {
		struct th_wb_item *t;
		int form, row;

		if (fs->v[i].severity < TH_SEV_WARNING)
			continue;
		th_grow((void **)&it->v, &it->cap, it->n + 1, sizeof(*it->v));
		t = &it->v[it->n++];
		t->fd = &fs->v[i];
		t->unit = unit;
		t->seq = i;
		t->key = th_wb_finding_pos(s, &fs->v[i], &form, &row);
		t->form = form;
		t->row = row;
	}
}

void th_wb_items_sort(struct th_wb_items *it)
{
	if (it->n > 1)
		qsort(it->v, it->n, sizeof(*it->v), item_cmp);
}

void th_wb_errors_header(struct th_wb *b, lxw_worksheet *ws, uint32_t row, const char *const *cols,
			 const double *widths, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		th_wb_text(b, ws, row, (uint16_t)i, cols[i], b->F.head);
		th_wb_ck(b, worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], NULL));
	}
	worksheet_freeze_panes(ws, row + 1, 0);
}
