/*
 * The workbooks tonghop writes (see xlsx_writer.h), built with libxlsxwriter: the merged
 * workbook a district reads, the template its communes fill in and the return it sends
 * back. libxlsxwriter copies every string it is given, so nothing here outlives a call.
 * A failed libxlsxwriter call is remembered (the first one) and fails the whole write:
 * a workbook with a cell silently missing is worse than no workbook.
 * SPDX-License-Identifier: MIT
 */
#include "write/xlsx_writer.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "base/mem.h"
#include "base/outfile.h"
#include "base/sbuf.h"
#include "base/text.h"
#include "read/xlsx_reader.h"
#include "base/banned.h"

/* ---- layout ---- */

/* Colours: Excel's "Bad" red for errors, amber for warnings and missing units, light yellow
 * for the cells a commune fills in, grey for headers. */
#define COL_ERR_FILL 0xFFC7CE
#define COL_ERR_FONT 0x9C0006
#define COL_AMBER 0xFFD966
#define COL_INPUT 0xFFFFCC
#define COL_HEAD 0xD9D9D9
#define COL_GROUP 0xEDEDED

/* The merged workbook's form sheets: title rows, two header rows, then one row per schema row. */
#define M_HEAD_ROW 4
#define M_CODE_ROW 5
#define M_DATA_ROW 6
#define M_UNIT_COL 3

/* A return's "Thông tin" sheet, one line per row in column A. */
#define I_UNIT_ROW 1
#define I_CODE_ROW 2
#define I_TITLE_ROW 4
#define I_WINDOW_ROW 5
#define I_REPORT_ROW 6
#define I_HELP_ROW 8

/* A return's form sheets: title, name, header row, then the rows (value in D, note in E). */
#define R_HEAD_ROW 3
#define R_DATA_ROW 4
#define R_VALUE_COL 3
#define R_NOTE_COL 4

/* The register sheet: title, header, then entries and at least REG_BLANK empty rows. */
#define REG_HEAD_ROW 2
#define REG_DATA_ROW 3
#define REG_ROWS 30
#define REG_BLANK 10

/* Cell text is cut to this many bytes (Excel's limit is 32,767 characters). */
#define TEXT_MAX 32000
/* A comment holds at most this many bytes of messages; the rest is counted, not shown. */
#define COMMENT_MAX 1200
/* A data validation's messages: Excel allows 255 characters (titles 32). */
#define DV_MSG_MAX 250

/* A sheet name as libxlsxwriter takes it: 31 characters of up to 4 bytes, plus " (NN)". */
#define NAME_BUF (LXW_SHEETNAME_MAX * 4 + 16)

#define PLACEHOLDER "…………"

/* ---- the workbook: its file, properties, formats ---- */

struct fmts {
	lxw_format *title, *subtitle, *bold, *italic;
	lxw_format *head;                  /* table headers: bold, wrapped, centred, grey */
	lxw_format *cell, *wrap, *date;    /* bordered */
	lxw_format *group, *group_wrap;    /* bordered, bold */
	lxw_format *err, *warn;            /* bordered, red / amber */
	lxw_format *amber, *amber_wrap, *amber_date;
	lxw_format *total, *total_ratio, *total_text, *total_warn;
	lxw_format *link;
	/* returns */
	lxw_format *input, *input_text, *input_date, *input_wrap;
	lxw_format *input_err, *input_warn, *input_line;
	lxw_format *note, *grey, *grey_input;
	lxw_format *line_err, *line_warn;  /* an identification line with a finding */
};

struct book {
	lxw_workbook *wb;
	th_outfile *out; /* where libxlsxwriter writes, put in place on success */
	lxw_error err;   /* the first libxlsxwriter error met */
	struct fmts F;
};

static void ck(struct book *b, lxw_error rc)
{
	if (rc != LXW_NO_ERROR && b->err == LXW_NO_ERROR)
		b->err = rc;
}

/* $SOURCE_DATE_EPOCH when it is a plain number of seconds, else TH_WRITER_EPOCH. */
static time_t created_time(void)
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

static lxw_format *fmt_new(struct book *b, int border)
{
	lxw_format *f = workbook_add_format(b->wb);

	if (!f)
		th_oom();
	if (border)
		format_set_border(f, LXW_BORDER_THIN);
	format_set_align(f, LXW_ALIGN_VERTICAL_TOP);
	return f;
}

static lxw_format *fmt_fill(struct book *b, lxw_color_t fill, lxw_color_t font, int border)
{
	lxw_format *f = fmt_new(b, border);

	format_set_bg_color(f, fill);
	if (font)
		format_set_font_color(f, font);
	return f;
}

static void make_formats(struct book *b)
{
	struct fmts *F = &b->F;

	F->title = fmt_new(b, 0);
	format_set_bold(F->title);
	format_set_font_size(F->title, 14);
	F->subtitle = fmt_new(b, 0);
	format_set_bold(F->subtitle);
	format_set_font_size(F->subtitle, 12);
	F->bold = fmt_new(b, 0);
	format_set_bold(F->bold);
	F->italic = fmt_new(b, 0);
	format_set_italic(F->italic);

	F->head = fmt_fill(b, COL_HEAD, 0, 1);
	format_set_bold(F->head);
	format_set_text_wrap(F->head);
	format_set_align(F->head, LXW_ALIGN_CENTER);
	format_set_align(F->head, LXW_ALIGN_VERTICAL_CENTER);
	F->cell = fmt_new(b, 1);
	F->wrap = fmt_new(b, 1);
	format_set_text_wrap(F->wrap);
	F->date = fmt_new(b, 1);
	format_set_num_format(F->date, "dd/mm/yyyy");
	F->group = fmt_new(b, 1);
	format_set_bold(F->group);
	F->group_wrap = fmt_new(b, 1);
	format_set_bold(F->group_wrap);
	format_set_text_wrap(F->group_wrap);
	F->err = fmt_fill(b, COL_ERR_FILL, COL_ERR_FONT, 1);
	F->warn = fmt_fill(b, COL_AMBER, 0, 1);
	F->amber = fmt_fill(b, COL_AMBER, 0, 1);
	F->amber_wrap = fmt_fill(b, COL_AMBER, 0, 1);
	format_set_text_wrap(F->amber_wrap);
	F->amber_date = fmt_fill(b, COL_AMBER, 0, 1);
	format_set_num_format(F->amber_date, "dd/mm/yyyy");
	F->total = fmt_new(b, 1);
	format_set_bold(F->total);
	F->total_ratio = fmt_new(b, 1);
	format_set_bold(F->total_ratio);
	format_set_num_format(F->total_ratio, "0.00");
	F->total_text = fmt_new(b, 1);
	format_set_bold(F->total_text);
	format_set_text_wrap(F->total_text);
	F->total_warn = fmt_fill(b, COL_AMBER, 0, 1);
	format_set_bold(F->total_warn);
	F->link = fmt_new(b, 1);
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
	F->note = fmt_new(b, 1);
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
static int book_open(struct book *b, const char *path, const char *title, th_err *e)
{
	static char author[] = "tonghop";
	lxw_workbook_options opt = { .constant_memory = LXW_FALSE, .tmpdir = NULL, .use_zip64 = LXW_FALSE };
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
	props.created = created_time();
	ck(b, workbook_set_properties(b->wb, &props));
	free(title_copy);
	make_formats(b);
	return 0;
}

/* Close the workbook (which frees it, even on failure) and put the file in place. */
static int book_close(struct book *b, th_err *e)
{
	lxw_error rc = workbook_close(b->wb);
	int ret;

	b->wb = NULL;
	if (b->err == LXW_NO_ERROR)
		b->err = rc;
	if (b->err != LXW_NO_ERROR) {
		th_outfile_abort(b->out);
		ret = th_fail(e, TH_E_WRITE, "không ghi được bảng tính: %s (mã %d)", lxw_vi(b->err), (int)b->err);
	} else {
		ret = th_outfile_commit(b->out, e);
	}
	b->out = NULL;
	return ret;
}

/* ---- small helpers ---- */

/* The length of the longest prefix of s within max bytes that does not cut a UTF-8 character. */
static size_t utf8_fit(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return n;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/* s with its first letter upper-cased (ASCII and đ only: the words this module writes). */
static void add_capitalised(th_sbuf *sb, const char *s)
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
static void add_uncapitalised(th_sbuf *sb, const char *s)
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

static const char *sev_label(th_severity s)
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

static void put_text(struct book *b, lxw_worksheet *ws, uint32_t row, uint16_t col, const char *s,
		     lxw_format *fmt)
{
	char *safe = s ? xml_safe(s) : NULL;
	size_t n;

	if (safe)
		s = safe;
	n = utf8_fit(s ? s : "", TEXT_MAX);

	if (!s || !*s) {
		if (fmt)
			ck(b, worksheet_write_blank(ws, row, col, fmt));
	} else if (s[n]) {
		char *cut = th_xstrndup(s, n);
		ck(b, worksheet_write_string(ws, row, col, cut, fmt));
		free(cut);
	} else {
		ck(b, worksheet_write_string(ws, row, col, s, fmt));
	}
	free(safe);
}

static void put_num(struct book *b, lxw_worksheet *ws, uint32_t row, uint16_t col, double v, lxw_format *fmt)
{
	if (isfinite(v))
		ck(b, worksheet_write_number(ws, row, col, v, fmt));
	else
		ck(b, worksheet_write_blank(ws, row, col, fmt));
}

static void put_date(struct book *b, lxw_worksheet *ws, uint32_t row, uint16_t col, th_date d, lxw_format *fmt)
{
	lxw_datetime dt = { d.y, d.m, d.d, 0, 0, 0 };

	if (d.y)
		ck(b, worksheet_write_datetime(ws, row, col, &dt, fmt));
	else
		ck(b, worksheet_write_blank(ws, row, col, fmt));
}

/* A hidden comment sized to its text. */
static void put_comment(struct book *b, lxw_worksheet *ws, uint32_t row, uint16_t col, const char *text)
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
		ck(b, worksheet_write_comment_opt(ws, row, col, safe ? safe : text, &o));
		free(safe);
	}
}

/* Add one finding's line to a cell comment, within COMMENT_MAX; *left counts those left out. */
static void comment_add(th_sbuf *sb, const th_finding *fd, size_t *left)
{
	th_sbuf line = TH_SBUF_INIT;

	th_sbuf_addf(&line, "%s %s: %s", sev_label(fd->severity), fd->rule, fd->message);
	if (sb->len && sb->len + 1 + line.len > COMMENT_MAX) {
		(*left)++;
	} else {
		if (sb->len)
			th_sbuf_addc(sb, '\n');
		if (line.len > COMMENT_MAX) {
			th_sbuf_add(sb, line.buf, utf8_fit(line.buf, COMMENT_MAX));
			th_sbuf_adds(sb, "…");
		} else {
			th_sbuf_add(sb, line.buf, line.len);
		}
	}
	th_sbuf_release(&line);
}

static void comment_end(th_sbuf *sb, size_t left)
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
static void sheet_name(lxw_workbook *wb, const char *want, char out[NAME_BUF])
{
	char base[NAME_BUF];
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
	snprintf(out, NAME_BUF, "%s", base);
	for (int k = 2; k < 1000 && workbook_validate_sheet_name(wb, out) != LXW_NO_ERROR; k++) {
		char suffix[16];
		snprintf(suffix, sizeof(suffix), " (%d)", k);
		cut = name_fit(base, LXW_SHEETNAME_MAX - strlen(suffix));
		snprintf(out, NAME_BUF, "%.*s%s", (int)cut, base, suffix);
	}
}

static lxw_worksheet *add_sheet(struct book *b, const char *want, char name[NAME_BUF])
{
	lxw_worksheet *ws;

	sheet_name(b->wb, want, name);
	ws = workbook_add_worksheet(b->wb, name);
	if (!ws)
		ck(b, LXW_ERROR_INVALID_SHEETNAME_CHARACTER);
	return ws;
}

struct links {
	size_t n; /* hyperlinks written on the current sheet (Excel takes 65,530) */
};

/* A link to a cell of this workbook; shown is the visible text. */
static void put_link(struct book *b, lxw_worksheet *ws, struct links *lk, uint32_t row, uint16_t col,
		     const char *sheet, uint32_t trow, uint16_t tcol, const char *shown)
{
	char cell[LXW_MAX_CELL_NAME_LENGTH];
	th_sbuf url = TH_SBUF_INIT;

	if (lk->n >= LXW_MAX_NUMBER_URLS) {
		put_text(b, ws, row, col, shown, b->F.cell);
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
	ck(b, worksheet_write_url_opt(ws, row, col, url.buf, b->F.link, shown, NULL));
	lk->n++;
	th_sbuf_release(&url);
}

static void shown_ref(char *out, size_t cap, const char *sheet, uint32_t row, uint16_t col)
{
	char cell[LXW_MAX_CELL_NAME_LENGTH];

	lxw_rowcol_to_cell(cell, row, col);
	snprintf(out, cap, "%s!%s", sheet, cell);
}

/*
 * The columns every error sheet ends with, from column c0: the cell (a link to sheet!row,col
 * of this workbook, or, when sheet is NULL, where the finding is in the commune's file, as
 * text), the rule, the severity, the written and the expected value, the message.
 */
static void put_finding_tail(struct book *b, lxw_worksheet *ws, struct links *lk, uint32_t row, uint16_t c0,
			     const th_finding *fd, const char *sheet, uint32_t trow, uint16_t tcol)
{
	const struct fmts *F = &b->F;
	char shown[NAME_BUF + LXW_MAX_CELL_NAME_LENGTH + 4];

	if (sheet) {
		shown_ref(shown, sizeof(shown), sheet, trow, tcol);
		put_link(b, ws, lk, row, c0, sheet, trow, tcol, shown);
	} else {
		snprintf(shown, sizeof(shown), "%s%s%s", fd->sheet, fd->sheet[0] && fd->cell[0] ? "!" : "",
			 fd->cell);
		put_text(b, ws, row, c0, shown, F->cell);
	}
	put_text(b, ws, row, (uint16_t)(c0 + 1), fd->rule, F->cell);
	put_text(b, ws, row, (uint16_t)(c0 + 2), sev_label(fd->severity),
		 fd->severity == TH_SEV_ERROR ? F->err : F->warn);
	put_text(b, ws, row, (uint16_t)(c0 + 3), fd->written, F->wrap);
	put_text(b, ws, row, (uint16_t)(c0 + 4), fd->expected, F->wrap);
	put_text(b, ws, row, (uint16_t)(c0 + 5), fd->message, F->wrap);
}

/* ---- findings ---- */

/*
 * Where a finding sits in the schema: *form and *row are indexes, -1 when it names no form
 * (HEADER, VB, "") or no row. Returns its place in form order: the identification block
 * first, the forms in schema order, the register, then anything else.
 */
static int finding_pos(const th_schema *s, const th_finding *fd, int *form, int *row)
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
static const char *place_label(const th_schema *s, const th_finding *fd)
{
	if (strcmp(fd->form, "HEADER") == 0)
		return "Thông tin chung";
	if (strcmp(fd->form, "VB") == 0)
		return s->register_sheet ? s->register_sheet : "Danh mục văn bản";
	return fd->form;
}

/* One row of an error sheet, for sorting: unit (roster order), form order, row, then as found. */
struct item {
	const th_finding *fd;
	size_t unit, seq;
	int key, form, row;
};

static int item_cmp(const void *a, const void *b)
{
	const struct item *p = a, *q = b;

	if (p->unit != q->unit)
		return p->unit < q->unit ? -1 : 1;
	if (p->key != q->key)
		return p->key < q->key ? -1 : 1;
	if (p->row != q->row)
		return p->row < q->row ? -1 : 1;
	return p->seq < q->seq ? -1 : p->seq > q->seq;
}

static void errors_header(struct book *b, lxw_worksheet *ws, const char *const *cols, const double *widths,
			  size_t n)
{
	for (size_t i = 0; i < n; i++) {
		put_text(b, ws, 0, (uint16_t)i, cols[i], b->F.head);
		ck(b, worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], NULL));
	}
	worksheet_freeze_panes(ws, 1, 0);
}

/* ==== the merged workbook ==== */

struct mctx {
	struct book *b;
	const th_merge *m;
	const th_schema *s;
	int **fform, **frow;          /* per file, per finding: schema indexes */
	char (*names)[NAME_BUF];      /* the form sheets */
	char summary[NAME_BUF], errors[NAME_BUF];
	char label[TH_PERIOD_LABEL_MAX];
};

static const th_total *total_of(const th_merge *m, size_t f, size_t r)
{
	return m->totals && m->totals[f] ? &m->totals[f][r] : NULL;
}

/* ---- "Tổng hợp" ---- */

static void merge_summary(struct mctx *c, lxw_worksheet *ws)
{
	struct book *b = c->b;
	const struct fmts *F = &b->F;
	const th_merge *m = c->m;
	static const char *const head[] = { "STT", "Mã", "Đơn vị", "Tình trạng", "Tệp", "Ngày báo cáo",
					    "Đúng hạn", "Số lỗi", "Số cảnh báo" };
	static const char *const fhead[] = { "STT", "Mã", "Đơn vị", "Tình trạng", "Tệp", "Ghi chú" };
	static const double widths[] = { 6, 9, 26, 13, 36, 13, 11, 8, 11 };
	char d1[TH_DATE_MAX], d2[TH_DATE_MAX], d3[TH_DATE_MAX];
	th_sbuf sb = TH_SBUF_INIT;
	uint32_t row;

	for (size_t i = 0; i < sizeof(widths) / sizeof(widths[0]); i++)
		ck(b, worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], NULL));
	put_text(b, ws, 0, 0, "TỔNG HỢP BÁO CÁO CẢI CÁCH HÀNH CHÍNH", F->title);
	if (m->roster) {
		th_sbuf_adds(&sb, m->roster->name ? m->roster->name : "");
		if (m->roster->parent && m->roster->parent[0])
			th_sbuf_addf(&sb, " – %s", m->roster->parent);
		put_text(b, ws, 1, 0, sb.buf, F->subtitle);
		th_sbuf_reset(&sb);
	}
	th_sbuf_addf(&sb, "Kỳ báo cáo: %s", c->label[0] ? c->label : "không xác định");
	put_text(b, ws, 2, 0, sb.buf, F->bold);
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
	put_text(b, ws, 3, 0, sb.buf, F->italic);
	th_sbuf_reset(&sb);
	th_sbuf_addf(&sb, "Đã nhận %zu/%zu đơn vị", m->received, m->n_units);
	put_text(b, ws, 4, 0, sb.buf, F->bold);
	th_sbuf_reset(&sb);
	th_sbuf_addf(&sb, "Đúng hạn %zu/%zu", m->on_time, m->received);
	put_text(b, ws, 5, 0, sb.buf, F->bold);
	th_sbuf_reset(&sb);
	th_sbuf_addf(&sb, "Các báo cáo đã nhận có %zu lỗi và %zu cảnh báo (xem trang %s)", m->errors,
		     m->warnings, c->errors);
	put_text(b, ws, 6, 0, sb.buf, NULL);
	th_sbuf_reset(&sb);

	/* one row per roster unit */
	row = 8;
	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		put_text(b, ws, row, (uint16_t)i, head[i], F->head);
	for (size_t u = 0; u < m->n_units; u++) {
		const th_munit *mu = &m->units[u];
		const th_mfile *mf = mu->file >= 0 ? &m->files[mu->file] : NULL;
		lxw_format *fc = mf ? F->cell : F->amber, *fw = mf ? F->wrap : F->amber_wrap;

		row++;
		put_num(b, ws, row, 0, (double)(u + 1), fc);
		put_text(b, ws, row, 1, mu->unit ? mu->unit->code : "", fc);
		put_text(b, ws, row, 2, mu->unit ? mu->unit->name : "", fw);
		put_text(b, ws, row, 3, mf ? "Đã nhận" : "Chưa nhận", fc);
		put_text(b, ws, row, 4, mf ? mf->path : "", fw);
		put_date(b, ws, row, 5, mf ? mf->report_date : (th_date){ 0, 0, 0 }, mf ? F->date : F->amber_date);
		put_text(b, ws, row, 6,
			 !mf ? "" : mu->on_time > 0 ? "Đúng hạn" : mu->on_time == 0 ? "Trễ hạn" : "Không rõ", fc);
		if (mf) {
			put_num(b, ws, row, 7, (double)mu->errors, mu->errors ? F->err : fc);
			put_num(b, ws, row, 8, (double)mu->warnings, mu->warnings ? F->warn : fc);
		} else {
			put_text(b, ws, row, 7, "", fc);
			put_text(b, ws, row, 8, "", fc);
		}
	}

	/* every file given, with its status */
	row += 2;
	put_text(b, ws, row, 0, "Các tệp đã nhận", F->subtitle);
	row++;
	for (size_t i = 0; i < sizeof(fhead) / sizeof(fhead[0]); i++)
		put_text(b, ws, row, (uint16_t)i, fhead[i], F->head);
	for (size_t i = 0; i < m->n_files; i++) {
		const th_mfile *mf = &m->files[i];
		bool attention = mf->status == TH_F_UNREADABLE || mf->status == TH_F_WRONG_PERIOD ||
				 mf->status == TH_F_UNKNOWN_UNIT;
		lxw_format *fc = attention ? F->amber : F->cell, *fw = attention ? F->amber_wrap : F->wrap;

		row++;
		put_num(b, ws, row, 0, (double)(i + 1), fc);
		put_text(b, ws, row, 1, mf->unit ? mf->unit->code : "", fc);
		put_text(b, ws, row, 2, mf->unit ? mf->unit->name : "", fw);
		add_capitalised(&sb, th_fstatus_vi(mf->status));
		put_text(b, ws, row, 3, sb.buf, fw);
		th_sbuf_reset(&sb);
		put_text(b, ws, row, 4, mf->path, fw);
		/* unwrapped and unbordered, so that a long note runs over the empty cells on its right */
		put_text(b, ws, row, 5, mf->message ? mf->message : "", NULL);
	}
	th_sbuf_release(&sb);
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
		comment_add(comment, &fs->v[i], &left);
	}
	comment_end(comment, left);
	return worst;
}

static void merge_cell(struct mctx *c, lxw_worksheet *ws, size_t u, size_t f, size_t r, uint32_t row,
		       bool group)
{
	struct book *b = c->b;
	const th_value *v = th_merge_value(c->m, u, f, r);
	th_sbuf comment = TH_SBUF_INIT;
	int worst = cell_findings(c, u, f, (int)r, &comment);
	lxw_format *fmt = worst == TH_SEV_ERROR ? b->F.err : worst == TH_SEV_WARNING ? b->F.warn :
		group ? b->F.group : b->F.cell;
	uint16_t col = (uint16_t)(M_UNIT_COL + u);

	if (v && v->state == TH_VAL_NUMBER)
		put_num(b, ws, row, col, v->num, fmt);
	else if (v && (v->state == TH_VAL_DASH || v->state == TH_VAL_UNREADABLE))
		put_text(b, ws, row, col, v->written, fmt);
	else
		put_text(b, ws, row, col, "", fmt);
	if (worst >= 0)
		put_comment(b, ws, row, col, comment.buf);
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

/*
 * The total of a row: a live formula over the unit columns, cached with the merge's total
 * so that a reader that does not recalculate (or a viewer) shows the right figure.
 */
static void merge_total(struct mctx *c, lxw_worksheet *ws, size_t f, size_t r, uint32_t row)
{
	struct book *b = c->b;
	const struct fmts *F = &b->F;
	const th_merge *m = c->m;
	const th_rowdef *rd = &c->s->forms[f].rows[r];
	const th_total *t = total_of(m, f, r);
	const lxw_col_t first = M_UNIT_COL, last = (lxw_col_t)(M_UNIT_COL + m->n_units - 1);
	const uint16_t col = (uint16_t)(M_UNIT_COL + m->n_units);
	char rng[LXW_MAX_CELL_RANGE_LENGTH], num[LXW_MAX_CELL_RANGE_LENGTH], den[LXW_MAX_CELL_RANGE_LENGTH];
	char formula[320];
	th_sbuf sb = TH_SBUF_INIT, cached = TH_SBUF_INIT, note = TH_SBUF_INIT;
	bool has = t && t->has_value;

	if (!m->n_units || rd->agg == TH_AGG_NONE || (rd->agg == TH_AGG_RATIO && (rd->num < 0 || rd->den < 0))) {
		put_text(b, ws, row, col, "", F->total);
		return;
	}
	lxw_rowcol_to_range(rng, row, first, row, last);
	switch (rd->agg) {
	case TH_AGG_SUM:
		snprintf(formula, sizeof(formula), "=SUM(%s)", rng);
		ck(b, worksheet_write_formula_num(ws, row, col, formula, F->total, has ? t->value : 0));
		break;
	case TH_AGG_RATIO:
		/*
		 * The ratio of the summed rows, never an average of the units' percents, over
		 * the units that gave both figures (as the merge computes it). SUMPRODUCT takes
		 * text in a range as 0 and needs no array entry: each sum is gated on the other
		 * row being a number.
		 */
		lxw_rowcol_to_range(num, (lxw_row_t)(M_DATA_ROW + rd->num), first, (lxw_row_t)(M_DATA_ROW + rd->num), last);
		lxw_rowcol_to_range(den, (lxw_row_t)(M_DATA_ROW + rd->den), first, (lxw_row_t)(M_DATA_ROW + rd->den), last);
		snprintf(formula, sizeof(formula),
			 "=IF(SUMPRODUCT(--ISNUMBER(%s),%s)=0,\"\","
			 "SUMPRODUCT(--ISNUMBER(%s),%s)/SUMPRODUCT(--ISNUMBER(%s),%s)*100)",
			 num, den, den, num, num, den);
		if (has)
			ck(b, worksheet_write_formula_num(ws, row, col, formula, F->total_ratio, t->value));
		else
			ck(b, worksheet_write_formula_str(ws, row, col, formula, F->total_ratio, ""));
		break;
	case TH_AGG_TALLY:
		th_sbuf_addc(&sb, '=');
		for (size_t k = 0; k < rd->n_options; k++) {
			size_t n = t && t->tally ? t->tally[k] : 0;
			char text[256];

			snprintf(text, sizeof(text), "%s%s: ", k ? "; " : "", rd->options[k].text);
			if (k)
				th_sbuf_addc(&sb, '&');
			add_literal(&sb, text);
			th_sbuf_addf(&sb, "&COUNTIF(%s,%d)", rng, rd->options[k].code);
			th_sbuf_addf(&cached, "%s%zu", text, n);
		}
		if (rd->n_options)
			ck(b, worksheet_write_formula_str(ws, row, col, sb.buf, F->total_text, cached.buf));
		else
			put_text(b, ws, row, col, "", F->total);
		break;
	case TH_AGG_CATALOGUE: {
		/* MODE alone is #N/A when no value repeats (one unit, or all differ): the smallest
		 * value then; the merge's common value follows the same rule */
		lxw_format *fmt = t && t->n_differ ? F->total_warn : F->total;
		snprintf(formula, sizeof(formula), "=IF(COUNT(%s)=0,\"\",IFERROR(MODE(%s),MIN(%s)))", rng, rng, rng);
		if (has)
			ck(b, worksheet_write_formula_num(ws, row, col, formula, fmt, t->value));
		else
			ck(b, worksheet_write_formula_str(ws, row, col, formula, fmt, ""));
		if (has && t->n_differ) {
			size_t left = 0;
			th_sbuf_addf(&sb, "Giá trị chung: %.15g. %zu đơn vị ghi khác:", t->value, t->n_differ);
			for (size_t u = 0; u < m->n_units; u++) {
				const th_value *v = th_merge_value(m, u, f, r);
				if (!v || v->state != TH_VAL_NUMBER || v->num == t->value)
					continue;
				if (sb.len > COMMENT_MAX)
					left++;
				else
					th_sbuf_addf(&sb, "\n%s: %.15g", m->units[u].unit ? m->units[u].unit->name : "?",
						     v->num);
			}
			if (left)
				th_sbuf_addf(&sb, "\n… và %zu đơn vị khác", left);
			th_sbuf_adds(&note, sb.buf);
		}
		break;
	}
	case TH_AGG_NONE:
		break;
	}
	if (t && t->n_unread) {
		/* a total that leaves out figures it could not read says whose */
		size_t shown = 0;
		th_sbuf_addf(&note, "%sChưa tính %zu đơn vị có số liệu không đọc được:", note.len ? "\n\n" : "",
			     t->n_unread);
		for (size_t u = 0; u < m->n_units; u++) {
			if (!th_merge_unread(m, u, f, r))
				continue;
			if (note.len > COMMENT_MAX) {
				th_sbuf_addf(&note, "\n… và %zu đơn vị khác", t->n_unread - shown);
				break;
			}
			th_sbuf_addf(&note, "\n%s", m->units[u].unit->name);
			shown++;
		}
	}
	if (note.len)
		put_comment(b, ws, row, col, note.buf);
	th_sbuf_release(&sb);
	th_sbuf_release(&cached);
	th_sbuf_release(&note);
}

static void merge_form(struct mctx *c, size_t f, lxw_worksheet *ws)
{
	struct book *b = c->b;
	const struct fmts *F = &b->F;
	const th_merge *m = c->m;
	const th_formdef *fd = &c->s->forms[f];
	const uint16_t tot = (uint16_t)(M_UNIT_COL + m->n_units);
	th_sbuf sb = TH_SBUF_INIT;

	ck(b, worksheet_set_column(ws, 0, 0, 7, NULL));
	ck(b, worksheet_set_column(ws, 1, 1, 50, NULL));
	ck(b, worksheet_set_column(ws, 2, 2, 13, NULL));
	if (m->n_units)
		ck(b, worksheet_set_column(ws, M_UNIT_COL, (lxw_col_t)(tot - 1), 12, NULL));
	ck(b, worksheet_set_column(ws, tot, tot, 22, NULL));
	put_text(b, ws, 0, 0, fd->title, F->title);
	put_text(b, ws, 1, 0, fd->name, F->subtitle);
	th_sbuf_addf(&sb, "Tổng hợp %s", c->label[0] ? c->label : "");
	if (m->roster && m->roster->name)
		th_sbuf_addf(&sb, " – %s", m->roster->name);
	put_text(b, ws, 2, 0, sb.buf, F->italic);
	th_sbuf_release(&sb);

	/* two header rows: unit names, then their codes */
	ck(b, worksheet_merge_range(ws, M_HEAD_ROW, 0, M_CODE_ROW, 0, "STT", F->head));
	ck(b, worksheet_merge_range(ws, M_HEAD_ROW, 1, M_CODE_ROW, 1, "Chỉ tiêu", F->head));
	ck(b, worksheet_merge_range(ws, M_HEAD_ROW, 2, M_CODE_ROW, 2, "Đơn vị tính", F->head));
	for (size_t u = 0; u < m->n_units; u++) {
		const th_unit *un = m->units[u].unit;
		put_text(b, ws, M_HEAD_ROW, (uint16_t)(M_UNIT_COL + u), un ? un->name : "", F->head);
		put_text(b, ws, M_CODE_ROW, (uint16_t)(M_UNIT_COL + u), un ? un->code : "", F->head);
	}
	ck(b, worksheet_merge_range(ws, M_HEAD_ROW, tot, M_CODE_ROW, tot, "Tổng", F->head));
	ck(b, worksheet_set_row(ws, M_HEAD_ROW, 45, NULL));
	worksheet_freeze_panes(ws, M_DATA_ROW, M_UNIT_COL);
	ck(b, worksheet_repeat_rows(ws, M_HEAD_ROW, M_CODE_ROW));
	worksheet_set_landscape(ws);
	worksheet_fit_to_pages(ws, 1, 0);

	for (size_t r = 0; r < fd->n_rows; r++) {
		const th_rowdef *rd = &fd->rows[r];
		const uint32_t row = (uint32_t)(M_DATA_ROW + r);
		const bool group = rd->kind == TH_ROW_GROUP;

		put_text(b, ws, row, 0, rd->code, group ? F->group : F->cell);
		put_text(b, ws, row, 1, rd->label, group ? F->group_wrap : F->wrap);
		put_text(b, ws, row, 2, rd->unit, F->wrap);
		for (size_t u = 0; u < m->n_units; u++)
			merge_cell(c, ws, u, f, r, row, group);
		merge_total(c, ws, f, r, row);
	}
}

/* ---- "Lỗi" ---- */

static void merge_errors(struct mctx *c, lxw_worksheet *ws)
{
	struct book *b = c->b;
	const struct fmts *F = &b->F;
	const th_merge *m = c->m;
	static const char *const cols[] = { "Đơn vị", "Tệp", "Biểu", "Mã dòng", "Ô", "Quy tắc", "Mức",
					    "Đã ghi", "Đúng", "Nội dung" };
	static const double widths[] = { 22, 30, 14, 9, 13, 20, 10, 14, 14, 90 };
	struct item *it = NULL;
	size_t n = 0, cap = 0;
	struct links lk = { 0 };
	uint32_t row = 0;

	errors_header(b, ws, cols, widths, sizeof(cols) / sizeof(cols[0]));
	for (size_t u = 0; u < m->n_units; u++) {
		int k = m->units[u].file;
		const th_findings *fs = k >= 0 ? &m->files[k].findings : NULL;

		for (size_t i = 0; fs && i < fs->n; i++) {
			int form, rw;
			if (fs->v[i].severity < TH_SEV_WARNING)
				continue;
			th_grow((void **)&it, &cap, n + 1, sizeof(*it));
			it[n].fd = &fs->v[i];
			it[n].unit = u;
			it[n].seq = i;
			it[n].key = finding_pos(c->s, &fs->v[i], &form, &rw);
			it[n].form = form;
			it[n].row = rw;
			n++;
		}
	}
	if (n > 1)
		qsort(it, n, sizeof(*it), item_cmp);
	for (size_t i = 0; i < n && row + 2 < LXW_ROW_MAX; i++) {
		const th_finding *fd = it[i].fd;
		const th_munit *mu = &m->units[it[i].unit];

		row++;
		put_text(b, ws, row, 0, mu->unit ? mu->unit->name : "", F->wrap);
		put_text(b, ws, row, 1, m->files[mu->file].path, F->wrap);
		put_text(b, ws, row, 2, it[i].form >= 0 ? c->s->forms[it[i].form].id : place_label(c->s, fd), F->cell);
		put_text(b, ws, row, 3, fd->code, F->cell);
		/* the unit's cell in the form sheet (its header cell when the finding names no row);
		 * no cell of this workbook for the header block and the register */
		put_finding_tail(b, ws, &lk, row, 4, fd, it[i].form >= 0 ? c->names[it[i].form] : NULL,
				 it[i].row >= 0 ? (uint32_t)(M_DATA_ROW + it[i].row) : M_HEAD_ROW,
				 (uint16_t)(M_UNIT_COL + it[i].unit));
	}
	ck(b, worksheet_autofilter(ws, 0, 0, row, (lxw_col_t)(sizeof(cols) / sizeof(cols[0]) - 1)));
	free(it);
}

int th_write_merge(const th_merge *m, const char *path, th_err *e)
{
	struct book b;
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
	if (book_open(&b, path, title.buf, e)) {
		th_sbuf_release(&title);
		return -1;
	}
	th_sbuf_release(&title);
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
			finding_pos(s, &fs->v[i], &c.fform[k][i], &c.frow[k][i]);
	}

	/* every sheet first, so that links can name them */
	forms = th_xcalloc(s->n_forms + 1, sizeof(*forms));
	summary = add_sheet(&b, "Tổng hợp", c.summary);
	ok = summary != NULL;
	for (size_t f = 0; f < s->n_forms; f++) {
		forms[f] = add_sheet(&b, s->forms[f].id, c.names[f]);
		ok = ok && forms[f];
	}
	errors = add_sheet(&b, "Lỗi", c.errors);
	ok = ok && errors;
	if (ok) {
		merge_summary(&c, summary);
		for (size_t f = 0; f < s->n_forms; f++)
			merge_form(&c, f, forms[f]);
		merge_errors(&c, errors);
	}
	ret = book_close(&b, e);

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

/* ==== returns: the template and the feedback ==== */

enum { T_NONE = -1, T_INFO = -2, T_REG = -3 }; /* a target sheet that is not a form */

struct target {
	int sheet;      /* form index, or T_* */
	uint32_t row;
	uint16_t col;
};

struct rctx {
	struct book *b;
	const th_schema *s;
	const th_filing *f;         /* NULL: a blank template */
	const th_findings *fs;      /* NULL: none */
	struct target *at;          /* per finding of fs: the cell it marks */
	char info[NAME_BUF], reg[NAME_BUF], errors[NAME_BUF];
	char (*names)[NAME_BUF];
	lxw_format **form_id;       /* per form: a number shown as the form's id (see ret_errors) */

	/* the identification block's lines; *_given false: a placeholder to fill */
	char *unit_line, *code_line, *title_line, *window_line, *report_line;
	bool unit_given, code_given, title_given, window_given;
	th_date deadline;
};

/* The worst finding on a cell of this workbook (-1: none), and the comment listing them. */
static int ret_marks(const struct rctx *c, int sheet, uint32_t row, uint16_t col, th_sbuf *comment)
{
	int worst = -1;
	size_t left = 0;

	for (size_t i = 0; c->fs && i < c->fs->n; i++) {
		const th_finding *fd = &c->fs->v[i];
		if (fd->severity < TH_SEV_WARNING || c->at[i].sheet != sheet || c->at[i].row != row ||
		    c->at[i].col != col)
			continue;
		if ((int)fd->severity > worst)
			worst = (int)fd->severity;
		comment_add(comment, fd, &left);
	}
	comment_end(comment, left);
	return worst;
}

/* Does finding fd point at the cell where header field h was found? */
static bool at_field(const th_filing *f, const th_finding *fd, const th_hfield *h)
{
	char cell[TH_CELLREF_MAX];

	if (h->sheet < 0 || !fd->sheet[0])
		return false;
	th_cellref(h->row, h->col, cell);
	return strcmp(fd->sheet, th_filing_sheet(f, h->sheet)) == 0 && strcmp(fd->cell, cell) == 0;
}

/* The cell of this workbook each finding marks: a form row's value, a header line, a register entry. */
static void ret_targets(struct rctx *c)
{
	const th_filing *f = c->f;

	c->at = th_xcalloc(c->fs ? c->fs->n + 1 : 1, sizeof(*c->at));
	for (size_t i = 0; c->fs && i < c->fs->n; i++) {
		const th_finding *fd = &c->fs->v[i];
		struct target *t = &c->at[i];
		int form, row;

		t->sheet = T_NONE;
		finding_pos(c->s, fd, &form, &row);
		if (form >= 0) {
			t->sheet = form;
			t->row = row >= 0 ? (uint32_t)(R_DATA_ROW + row) : 0;
			t->col = row >= 0 ? R_VALUE_COL : 0;
		} else if (f && strcmp(fd->form, "HEADER") == 0) {
			/* the line of this workbook that holds the field the finding points at */
			const struct { const th_hfield *h; uint32_t row; } fields[] = {
				{ &f->unit_at, I_UNIT_ROW },     { &f->code_at, I_CODE_ROW },
				{ &f->period_at, I_TITLE_ROW },  { &f->window_at, I_WINDOW_ROW },
				{ &f->report_at, I_REPORT_ROW },
			};
			for (size_t k = 0; k < sizeof(fields) / sizeof(fields[0]); k++)
				if (at_field(f, fd, fields[k].h)) {
					t->sheet = T_INFO;
					t->row = fields[k].row;
					t->col = 0;
					break;
				}
		} else if (f && strcmp(fd->form, "VB") == 0 && fd->sheet[0]) {
			uint32_t r;
			uint16_t col;
			if (th_cellref_parse(fd->cell, strlen(fd->cell), &r, &col) != 0)
				continue;
			for (size_t d = 0; d < f->n_docs; d++)
				if (f->docs[d].row == r && strcmp(th_filing_sheet(f, f->docs[d].sheet), fd->sheet) == 0) {
					t->sheet = T_REG;
					t->row = (uint32_t)(REG_DATA_ROW + d);
					t->col = 1;
					break;
				}
		}
	}
}

/* One line of the identification block: plain when given, yellow to fill when a placeholder,
 * red or amber (and unlocked, to be corrected) with a comment when a finding points at it. */
static void info_line(struct rctx *c, lxw_worksheet *ws, uint32_t row, const char *text, bool given,
		      lxw_format *plain)
{
	struct book *b = c->b;
	th_sbuf comment = TH_SBUF_INIT;
	int worst = ret_marks(c, T_INFO, row, 0, &comment);

	put_text(b, ws, row, 0, text,
		 worst == TH_SEV_ERROR ? b->F.line_err : worst == TH_SEV_WARNING ? b->F.line_warn :
		 given ? plain : b->F.input_line);
	if (worst >= 0)
		put_comment(b, ws, row, 0, comment.buf);
	th_sbuf_release(&comment);
}

static void ret_info(struct rctx *c, lxw_worksheet *ws)
{
	struct book *b = c->b;
	const struct fmts *F = &b->F;
	static const char *const help_template[] = {
		"1. Chỉ điền vào các ô nền vàng; các ô khác đã được khóa.",
		"2. Ghi số liệu dạng số (ví dụ 98,17 hoặc 3000), không gõ kèm chữ, dấu % hay đơn vị tính.",
		"3. Không sửa mã dòng (STT), tên chỉ tiêu, đơn vị tính và tên các trang tính.",
		"4. Dòng có chú giải (như Có = 1; Không = 0): chọn mã trong danh sách thả xuống.",
	};
	static const char *const help_feedback[] = {
		"1. Ô nền đỏ có lỗi, ô nền vàng cam có cảnh báo: rê chuột vào ô để xem nội dung; danh sách đầy đủ ở trang Lỗi.",
		"2. Sửa số liệu ngay trong tệp này rồi gửi lại; không sửa mã dòng, tên chỉ tiêu và tên các trang tính.",
		"3. Ghi số liệu dạng số, không gõ kèm chữ, dấu % hay đơn vị tính.",
	};
	const char *const *help = c->f ? help_feedback : help_template;
	size_t n_help = c->f ? sizeof(help_feedback) / sizeof(help_feedback[0]) :
			       sizeof(help_template) / sizeof(help_template[0]);
	lxw_protection prot;
	uint32_t row;

	ck(b, worksheet_set_column(ws, 0, 0, 100, NULL));
	put_text(b, ws, 0, 0, "ỦY BAN NHÂN DÂN", F->bold);
	info_line(c, ws, I_UNIT_ROW, c->unit_line, c->unit_given, F->bold);
	info_line(c, ws, I_CODE_ROW, c->code_line, c->code_given, NULL);
	info_line(c, ws, I_TITLE_ROW, c->title_line, c->title_given, F->subtitle);
	info_line(c, ws, I_WINDOW_ROW, c->window_line, c->window_given, F->italic);
	info_line(c, ws, I_REPORT_ROW, c->report_line, false, NULL);
	put_text(b, ws, I_HELP_ROW, 0, "Hướng dẫn:", F->bold);
	row = I_HELP_ROW;
	for (size_t i = 0; i < n_help; i++)
		put_text(b, ws, ++row, 0, help[i], NULL);
	if (!c->f && c->deadline.y) {
		char d[TH_DATE_MAX], line[64];
		th_date_vn(c->deadline, d);
		snprintf(line, sizeof(line), "Hạn gửi báo cáo: %s.", d);
		put_text(b, ws, ++row, 0, line, F->bold);
	}
	memset(&prot, 0, sizeof(prot));
	prot.format_columns = prot.format_rows = 1;
	worksheet_protect(ws, NULL, &prot);
}

/* The data validation of a value cell, by the row's kind. */
static void ret_validation(struct rctx *c, lxw_worksheet *ws, const th_rowdef *rd, uint32_t row)
{
	static char e_title[] = "Giá trị không hợp lệ", i_title[] = "Chọn một mã";
	static char e_count[] = "Dòng này ghi một số nguyên không âm (0, 1, 2, ...).";
	static char e_money[] = "Dòng này ghi một số không âm.";
	static char e_pct[] = "Dòng này ghi một tỷ lệ từ 0 đến 100, không kèm dấu %.";
	static char e_code[] = "Hãy chọn một mã trong danh sách.";
	lxw_data_validation dv;
	th_sbuf legend = TH_SBUF_INIT;
	char **list = NULL, *codes = NULL;

	memset(&dv, 0, sizeof(dv));
	dv.error_type = LXW_VALIDATION_ERROR_TYPE_WARNING; /* "-" and "x" stay possible */
	dv.error_title = e_title;
	switch (rd->kind) {
	case TH_ROW_COUNT:
		dv.validate = LXW_VALIDATION_TYPE_INTEGER;
		dv.criteria = LXW_VALIDATION_CRITERIA_GREATER_THAN_OR_EQUAL_TO;
		dv.value_number = 0;
		dv.error_message = e_count;
		break;
	case TH_ROW_MONEY:
		dv.validate = LXW_VALIDATION_TYPE_DECIMAL;
		dv.criteria = LXW_VALIDATION_CRITERIA_GREATER_THAN_OR_EQUAL_TO;
		dv.value_number = 0;
		dv.error_message = e_money;
		break;
	case TH_ROW_PERCENT:
		dv.validate = LXW_VALIDATION_TYPE_DECIMAL;
		dv.criteria = LXW_VALIDATION_CRITERIA_BETWEEN;
		dv.minimum_number = 0;
		dv.maximum_number = 100;
		dv.error_message = e_pct;
		break;
	case TH_ROW_CODED: {
		size_t n = rd->n_options, len = 0;
		if (!n)
			return;
		list = th_xcalloc(n + 1, sizeof(*list));
		codes = th_xcalloc(n, 16);
		for (size_t k = 0; k < n; k++) {
			list[k] = codes + 16 * k;
			snprintf(list[k], 16, "%d", rd->options[k].code);
			len += strlen(list[k]) + 1;
			th_sbuf_addf(&legend, "%s%s = %d", k ? "; " : "", rd->options[k].text, rd->options[k].code);
		}
		if (len > 255) { /* Excel's limit on a list; no legend is ever that long */
			free(list);
			free(codes);
			th_sbuf_release(&legend);
			return;
		}
		legend.buf[utf8_fit(legend.buf, DV_MSG_MAX)] = '\0';
		dv.validate = LXW_VALIDATION_TYPE_LIST;
		dv.value_list = list;
		dv.input_title = i_title;
		dv.input_message = legend.buf;
		dv.error_message = e_code;
		break;
	}
	case TH_ROW_GROUP:
		return;
	}
	ck(c->b, worksheet_data_validation_cell(ws, row, R_VALUE_COL, &dv));
	free(list);
	free(codes);
	th_sbuf_release(&legend);
}

static void ret_form(struct rctx *c, size_t fi, lxw_worksheet *ws)
{
	struct book *b = c->b;
	const struct fmts *F = &b->F;
	const th_formdef *fd = &c->s->forms[fi];
	static const char *const head[] = { "STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số lượng/Tỷ lệ", "Ghi chú" };
	static const double widths[] = { 8, 60, 16, 16, 28 };
	lxw_protection prot;
	th_sbuf sb = TH_SBUF_INIT;

	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++) {
		ck(b, worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], NULL));
		put_text(b, ws, R_HEAD_ROW, (uint16_t)i, head[i], F->head);
	}
	put_text(b, ws, 0, 0, fd->title, F->title);
	put_text(b, ws, 1, 0, fd->name, F->subtitle);
	worksheet_freeze_panes(ws, R_DATA_ROW, 0);
	for (size_t r = 0; r < fd->n_rows; r++) {
		const th_rowdef *rd = &fd->rows[r];
		const uint32_t row = (uint32_t)(R_DATA_ROW + r);
		const bool group = rd->kind == TH_ROW_GROUP;
		const th_value *v = c->f ? &c->f->values[fi][r] : NULL;
		bool has = v && (v->state == TH_VAL_NUMBER || v->state == TH_VAL_DASH || v->state == TH_VAL_UNREADABLE);
		th_sbuf comment = TH_SBUF_INIT;
		int worst = ret_marks(c, (int)fi, row, R_VALUE_COL, &comment);
		lxw_format *fmt;

		/* the code as communes write it, with a trailing dot */
		th_sbuf_addf(&sb, "%s.", rd->code);
		put_text(b, ws, row, 0, sb.buf, group ? F->group : F->cell);
		th_sbuf_reset(&sb);
		put_text(b, ws, row, 1, rd->label, group ? F->group_wrap : F->wrap);
		put_text(b, ws, row, 2, rd->unit, F->wrap);
		if (worst == TH_SEV_ERROR)
			fmt = F->input_err;
		else if (worst == TH_SEV_WARNING)
			fmt = F->input_warn;
		else if (group)
			/* a heading has no value cell; a value the commune wrote there is kept, and can be cleared */
			fmt = has ? F->grey_input : F->grey;
		else
			fmt = F->input;
		if (v && v->state == TH_VAL_NUMBER)
			put_num(b, ws, row, R_VALUE_COL, v->num, fmt);
		else if (has)
			put_text(b, ws, row, R_VALUE_COL, v->written, fmt);
		else
			put_text(b, ws, row, R_VALUE_COL, "", fmt);
		if (worst >= 0)
			put_comment(b, ws, row, R_VALUE_COL, comment.buf);
		th_sbuf_release(&comment);
		put_text(b, ws, row, R_NOTE_COL, v && v->note ? v->note : "", F->note);
		ret_validation(c, ws, rd, row);
	}
	th_sbuf_release(&sb);
	memset(&prot, 0, sizeof(prot));
	prot.format_columns = prot.format_rows = 1;
	worksheet_protect(ws, NULL, &prot);
}

static void ret_register(struct rctx *c, lxw_worksheet *ws)
{
	struct book *b = c->b;
	const struct fmts *F = &b->F;
	const th_filing *f = c->f;
	static const double widths[] = { 6, 24, 15, 70 };
	size_t n_docs = f ? f->n_docs : 0, n_rows = n_docs + REG_BLANK;
	lxw_protection prot;

	if (n_rows < REG_ROWS)
		n_rows = REG_ROWS;
	put_text(b, ws, 0, 0, "DANH MỤC VĂN BẢN ĐÃ BAN HÀNH TRONG KỲ BÁO CÁO", F->subtitle);
	for (size_t i = 0; i < 4; i++) {
		ck(b, worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], NULL));
		put_text(b, ws, REG_HEAD_ROW, (uint16_t)i, c->s->register_columns[i], F->head);
	}
	worksheet_freeze_panes(ws, REG_DATA_ROW, 0);
	for (size_t i = 0; i < n_rows && REG_DATA_ROW + i < LXW_ROW_MAX; i++) {
		const uint32_t row = (uint32_t)(REG_DATA_ROW + i);
		const th_docentry *d = i < n_docs ? &f->docs[i] : NULL;
		th_sbuf comment = TH_SBUF_INIT;
		int worst = ret_marks(c, T_REG, row, 1, &comment);
		lxw_format *fnum = worst == TH_SEV_ERROR ? F->input_err : worst == TH_SEV_WARNING ? F->input_warn :
				   F->input_text;
		char *end;
		long stt;

		if (!d) {
			put_text(b, ws, row, 0, "", F->note);
			put_text(b, ws, row, 1, "", F->input_text);
			put_text(b, ws, row, 2, "", F->input_date);
			put_text(b, ws, row, 3, "", F->input_wrap);
			continue;
		}
		stt = strtol(d->stt, &end, 10);
		if (d->stt[0] && !*end && isdigit((unsigned char)d->stt[0]) && stt < 100000)
			put_num(b, ws, row, 0, (double)stt, F->note);
		else
			put_text(b, ws, row, 0, d->stt, F->note);
		put_text(b, ws, row, 1, d->number, fnum);
		if (d->date.y)
			put_date(b, ws, row, 2, d->date, F->input_date);
		else
			put_text(b, ws, row, 2, d->date_written, F->input_date);
		put_text(b, ws, row, 3, d->summary, F->input_wrap);
		if (worst >= 0)
			put_comment(b, ws, row, 1, comment.buf);
		th_sbuf_release(&comment);
	}
	memset(&prot, 0, sizeof(prot));
	prot.format_columns = prot.format_rows = 1;
	worksheet_protect(ws, NULL, &prot);
}

/*
 * The feedback's error sheet. The form column holds the form's number shown as its id
 * ("BM7") by the cell's number format: a text "BM7" or a message starting "Biểu mẫu 7"
 * would read as a form title to filing.h's reader when the commune sends this file back.
 */
static void ret_errors(struct rctx *c, lxw_worksheet *ws)
{
	struct book *b = c->b;
	const struct fmts *F = &b->F;
	static const char *const cols[] = { "Biểu", "Mã dòng", "Ô", "Quy tắc", "Mức", "Đã ghi", "Đúng", "Nội dung" };
	static const double widths[] = { 14, 9, 18, 20, 10, 14, 14, 90 };
	struct item *it = NULL;
	size_t n = 0, cap = 0;
	struct links lk = { 0 };
	uint32_t row = 0;

	errors_header(b, ws, cols, widths, sizeof(cols) / sizeof(cols[0]));
	for (size_t i = 0; c->fs && i < c->fs->n; i++) {
		int form, rw;
		if (c->fs->v[i].severity < TH_SEV_WARNING)
			continue;
		th_grow((void **)&it, &cap, n + 1, sizeof(*it));
		it[n].fd = &c->fs->v[i];
		it[n].unit = 0;
		it[n].seq = i;
		it[n].key = finding_pos(c->s, &c->fs->v[i], &form, &rw);
		it[n].form = form;
		it[n].row = rw;
		n++;
	}
	if (n > 1)
		qsort(it, n, sizeof(*it), item_cmp);
	for (size_t i = 0; i < n && row + 2 < LXW_ROW_MAX; i++) {
		const th_finding *fd = it[i].fd;
		const struct target *t = &c->at[it[i].seq];
		const char *sheet = t->sheet >= 0 ? c->names[t->sheet] : t->sheet == T_INFO ? c->info :
				    t->sheet == T_REG ? c->reg : NULL;

		row++;
		if (it[i].form >= 0)
			put_num(b, ws, row, 0, (double)c->s->forms[it[i].form].number, c->form_id[it[i].form]);
		else
			put_text(b, ws, row, 0, place_label(c->s, fd), F->cell);
		put_text(b, ws, row, 1, fd->code, F->cell);
		put_finding_tail(b, ws, &lk, row, 2, fd, sheet, t->row, t->col);
	}
	if (!n)
		put_text(b, ws, ++row, 0, "Không có lỗi hay cảnh báo.", NULL);
	ck(b, worksheet_autofilter(ws, 0, 0, row, (lxw_col_t)(sizeof(cols) / sizeof(cols[0]) - 1)));
	if (n)
		worksheet_activate(ws);
	free(it);
}

/* A number format that shows the text id whatever the number: every character escaped. */
static lxw_format *id_format(struct book *b, const char *id)
{
	lxw_format *f = fmt_new(b, 1);
	th_sbuf sb = TH_SBUF_INIT;

	for (const char *p = id; *p; p++) {
		if (((unsigned char)*p & 0xC0) != 0x80)
			th_sbuf_addc(&sb, '\\');
		th_sbuf_addc(&sb, *p);
	}
	format_set_num_format(f, sb.len ? sb.buf : "General");
	th_sbuf_release(&sb);
	return f;
}

static int write_return(struct rctx *c, const char *path, const char *doc_title, th_err *e)
{
	struct book b;
	const th_schema *s = c->s;
	lxw_worksheet *info, *reg = NULL, *errors = NULL, **forms;
	bool ok;
	int ret;

	if (book_open(&b, path, doc_title, e))
		return -1;
	c->b = &b;
	c->names = th_xcalloc(s->n_forms + 1, sizeof(*c->names));
	c->form_id = th_xcalloc(s->n_forms + 1, sizeof(*c->form_id));
	forms = th_xcalloc(s->n_forms + 1, sizeof(*forms));
	ret_targets(c);
	info = add_sheet(&b, "Thông tin", c->info);
	ok = info != NULL;
	for (size_t f = 0; f < s->n_forms; f++) {
		forms[f] = add_sheet(&b, s->forms[f].title, c->names[f]);
		ok = ok && forms[f];
		if (c->f)
			c->form_id[f] = id_format(&b, s->forms[f].id);
	}
	if (s->register_sheet) {
		reg = add_sheet(&b, s->register_sheet, c->reg);
		ok = ok && reg;
	}
	if (c->f) {
		errors = add_sheet(&b, "Lỗi", c->errors);
		ok = ok && errors;
	}
	if (ok) {
		ret_info(c, info);
		for (size_t f = 0; f < s->n_forms; f++)
			ret_form(c, f, forms[f]);
		if (reg)
			ret_register(c, reg);
		if (errors)
			ret_errors(c, errors);
	}
	ret = book_close(&b, e);
	free(forms);
	free(c->names);
	free(c->form_id);
	free(c->at);
	return ret;
}

static char *detach(th_sbuf *sb)
{
	return th_sbuf_detach(sb, NULL);
}

/* "UBND xã Ngô Quyền" from a roster name ("Xã Ngô Quyền": its type word lower-cased) or from a
 * name as written ("THỊ TRẤN THANH MIỆN": kept); NULL when none. */
static char *unit_line(const char *name, bool roster)
{
	th_sbuf sb = TH_SBUF_INIT;

	if (!name || !*name)
		return NULL;
	th_sbuf_adds(&sb, "UBND ");
	if (roster)
		add_uncapitalised(&sb, name);
	else
		th_sbuf_adds(&sb, name);
	return detach(&sb);
}

static char *window_line(th_date from, th_date to)
{
	char d1[TH_DATE_MAX], d2[TH_DATE_MAX];
	th_sbuf sb = TH_SBUF_INIT;

	th_date_vn(from, d1);
	th_date_vn(to, d2);
	th_sbuf_addf(&sb, "(Số liệu tính từ ngày %s đến ngày %s)", d1, d2);
	return detach(&sb);
}

/*
 * "(Kèm theo Báo cáo số 125/BC-UBND ngày 12/09/2023)" for a return dated d, keeping the report's
 * number when the line it was read from shows one ("số 125/BC-UBND"); NULL without a date.
 */
static char *report_line(const char *written, th_date d)
{
	char dv[TH_DATE_MAX];
	const char *num = written ? strstr(written, "số ") : NULL;
	size_t n = 0;
	th_sbuf sb = TH_SBUF_INIT;

	if (!d.y)
		return NULL;
	if (num) {
		num += strlen("số ");
		while (num[n] && !isspace((unsigned char)num[n]) && num[n] != ')' && num[n] != ',' && n < 40)
			n++;
		if (!memchr(num, '/', n) || !isdigit((unsigned char)num[0]))
			n = 0;
	}
	th_date_vn(d, dv);
	th_sbuf_addf(&sb, "(Kèm theo Báo cáo số %.*s%s ngày %s)", (int)n, n ? num : "", n ? "" : "…/BC-UBND", dv);
	return detach(&sb);
}

/* Fill the identification lines of c; NULL fields become placeholders. */
static void ret_lines(struct rctx *c, const char *unit_name, bool roster, const char *code, th_period p,
		      th_date from, th_date to, const char *report)
{
	char label[TH_PERIOD_LABEL_MAX];
	th_sbuf sb = TH_SBUF_INIT;

	c->unit_line = unit_line(unit_name, roster);
	c->unit_given = c->unit_line != NULL;
	if (!c->unit_line)
		c->unit_line = th_xstrdup("UBND xã " PLACEHOLDER);
	c->code_given = code && *code;
	th_sbuf_addf(&sb, "Mã đơn vị: %s", c->code_given ? code : PLACEHOLDER);
	c->code_line = detach(&sb);
	th_period_label_vi(p, label, sizeof(label));
	c->title_given = label[0] != '\0';
	th_sbuf_addf(&sb, "BÁO CÁO THỐNG KÊ CẢI CÁCH HÀNH CHÍNH %s", c->title_given ? label : "kỳ " PLACEHOLDER);
	c->title_line = detach(&sb);
	c->window_given = from.y && to.y;
	c->window_line = c->window_given ? window_line(from, to) :
					    th_xstrdup("(Số liệu tính từ ngày …/…/…… đến ngày …/…/……)");
	c->report_line = report ? th_xstrdup(report) : th_xstrdup("(Kèm theo Báo cáo số …/BC-UBND ngày …/…/……)");
}

static void ret_release(struct rctx *c)
{
	free(c->unit_line);
	free(c->code_line);
	free(c->title_line);
	free(c->window_line);
	free(c->report_line);
}

int th_write_template(const th_schema *s, const th_unit *unit, th_period p, const th_calendar *cal,
		      const char *path, th_err *e)
{
	struct rctx c;
	th_date from = { 0, 0, 0 }, to = { 0, 0, 0 };
	char title[128 + TH_PERIOD_LABEL_MAX], label[TH_PERIOD_LABEL_MAX];
	int ret;

	memset(&c, 0, sizeof(c));
	c.s = s;
	if (cal && p.kind != TH_P_NONE)
		th_calendar_window(cal, p, &from, &to, &c.deadline);
	ret_lines(&c, unit ? unit->name : NULL, true, unit ? unit->code : NULL, p, from, to, NULL);
	th_period_label_vi(p, label, sizeof(label));
	snprintf(title, sizeof(title), "Mẫu báo cáo thống kê cải cách hành chính %s", label);
	ret = write_return(&c, path, title, e);
	ret_release(&c);
	return ret;
}

int th_write_feedback(const th_filing *f, const th_findings *fs, const th_calendar *cal, const char *path,
		      th_err *e)
{
	struct rctx c;
	th_date from = f->window_from, to = f->window_to;
	char title[128 + TH_PERIOD_LABEL_MAX], label[TH_PERIOD_LABEL_MAX];
	const char *name = f->unit ? f->unit->name : f->unit_at.written;
	const char *code = f->unit ? f->unit->code : f->code_at.written;
	char *report;
	int ret;

	memset(&c, 0, sizeof(c));
	c.s = f->schema;
	c.f = f;
	c.fs = fs;
	/* the window as the commune wrote it; the calendar's when it gave none */
	if (!(from.y && to.y) && cal && f->period.kind != TH_P_NONE)
		th_calendar_window(cal, f->period, &from, &to, NULL);
	report = report_line(f->report_at.written, f->report_date);
	ret_lines(&c, name, f->unit != NULL, code, f->period, from, to, report);
	free(report);
	th_period_label_vi(f->period, label, sizeof(label));
	snprintf(title, sizeof(title), "Kết quả kiểm tra báo cáo cải cách hành chính %s", label);
	ret = write_return(&c, path, title, e);
	ret_release(&c);
	return ret;
}
