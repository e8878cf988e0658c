/*
 * The returns tonghop writes (xlsx_writer.h): the blank template communes fill in and a
 * return sent back with its findings marked, both laid out so that tonghop's own reader
 * (model/filing.h) reads them back.
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/text.h"
#include "check/rules.h"
#include "write/wb.h"
#include "write/xlsx_writer.h"
#include "base/banned.h"

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

/* A data validation's messages: Excel allows 255 characters (titles 32). */
#define DV_MSG_MAX 250

#define PLACEHOLDER "…………"

enum { T_NONE = -1, T_INFO = -2, T_REG = -3 }; /* a target sheet that is not a form */

struct target {
	int sheet;      /* form index, or T_* */
	uint32_t row;
	uint16_t col;
};

struct rctx {
	struct th_wb *b;
	const th_schema *s;
	const th_filing *f;         /* NULL: a blank template */
	const th_findings *fs;      /* NULL: none */
	const char *note;           /* NULL, or a line above the error sheet's table */
	th_computed *comp;          /* a blank template's computed rows (th_rules_computed) */
	size_t n_comp;
	lxw_format *computed, *computed_ratio; /* their cells: locked, tinted */
	struct target *at;          /* per finding of fs: the cell it marks */
	char info[TH_WB_NAME_MAX], reg[TH_WB_NAME_MAX], errors[TH_WB_NAME_MAX];
	char (*names)[TH_WB_NAME_MAX];
	lxw_format **form_id;       /* per form: a number shown as the form's id (see ret_errors) */

	/* the identification block's lines; *_given false: a placeholder to fill */
	char *unit_line, *code_line, *title_line, *window_line, *report_line;
	bool unit_given, code_given, title_given, window_given;
	char period_label[TH_PERIOD_LABEL_MAX]; /* "quý III năm 2023"; "" when unknown */
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
		th_wb_comment_add(comment, fd, &left);
	}
	th_wb_comment_end(comment, left);
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
		th_wb_finding_pos(c->s, fd, &form, &row);
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

/* ---- computed rows and printing ---- */

/* The definition that computes row r of form fi in this blank template, or NULL. */
static const th_computed *computed_def(const struct rctx *c, size_t fi, size_t r)
{
	for (size_t i = 0; i < c->n_comp; i++)
		if (c->comp[i].form == (int)fi && c->comp[i].row == (int)r)
			return &c->comp[i];
	return NULL;
}

/*
 * Row r of form fi as a formula of its parts, when it is computed: a ratio rounded as the
 * forms print it (two decimals), a sum; blank ("") until its parts are given (every part,
 * or one for a sum of children), never 0, so that a blank return reads blank. The cached
 * result is that blank: a reader that does not recalculate sees what the template shows.
 */
static bool ret_formula(struct rctx *c, lxw_worksheet *ws, size_t fi, size_t r)
{
	const th_computed *d = computed_def(c, fi, r);
	th_sbuf f = TH_SBUF_INIT, list = TH_SBUF_INIT;
	char a[TH_CELLREF_MAX], b[TH_CELLREF_MAX];

	if (!d)
		return false;
	for (size_t k = 0; k < d->n_parts; k++) {
		th_cellref((uint32_t)(R_DATA_ROW + d->parts[k]), R_VALUE_COL, a);
		th_sbuf_addf(&list, "%s%s", k ? "," : "", a);
	}
	if (d->how == TH_AGG_RATIO) {
		th_cellref((uint32_t)(R_DATA_ROW + d->parts[0]), R_VALUE_COL, a);
		th_cellref((uint32_t)(R_DATA_ROW + d->parts[1]), R_VALUE_COL, b);
		th_sbuf_addf(&f, "=IF(COUNT(%s,%s)<2,\"\",IF(%s=0,\"\",ROUND(%s/%s*100,2)))", a, b, b, a, b);
	} else if (d->all_parts) {
		th_sbuf_addf(&f, "=IF(COUNT(%s)<%zu,\"\",SUM(%s))", list.buf, d->n_parts, list.buf);
	} else {
		th_sbuf_addf(&f, "=IF(COUNT(%s)=0,\"\",SUM(%s))", list.buf, list.buf);
	}
	th_wb_ck(c->b, worksheet_write_formula_str(ws, (lxw_row_t)(R_DATA_ROW + r), R_VALUE_COL, f.buf,
						   d->how == TH_AGG_RATIO ? c->computed_ratio : c->computed, ""));
	th_sbuf_release(&f);
	th_sbuf_release(&list);
	return true;
}

/*
 * A sheet printed on A4 (wb_print.c): landscape (the forms' labels are long) or not, one
 * page wide, the rows down to head_row (none when negative) repeated on every page with the
 * code and label columns, and a footer with the unit, the period and "Trang x/y".
 */
static void ret_print(struct rctx *c, lxw_worksheet *ws, int head_row, bool landscape)
{
	struct th_wb_print p = { .landscape = landscape, .rows_last = head_row, .cols_last = head_row >= 0 ? 1 : -1,
				 .left = c->unit_line, .center = c->period_label };

	th_wb_print(c->b, ws, &p);
}

/* One line of the identification block: plain when given, yellow to fill when a placeholder,
 * red or amber (and unlocked, to be corrected) with a comment when a finding points at it. */
static void info_line(struct rctx *c, lxw_worksheet *ws, uint32_t row, const char *text, bool given,
		      lxw_format *plain)
{
	struct th_wb *b = c->b;
	th_sbuf comment = TH_SBUF_INIT;
	int worst = ret_marks(c, T_INFO, row, 0, &comment);

	th_wb_text(b, ws, row, 0, text,
		   worst == TH_SEV_ERROR ? b->F.line_err : worst == TH_SEV_WARNING ? b->F.line_warn :
		   given ? plain : b->F.input_line);
	if (worst >= 0)
		th_wb_comment(b, ws, row, 0, comment.buf);
	th_sbuf_release(&comment);
}

static void ret_info(struct rctx *c, lxw_worksheet *ws)
{
	struct th_wb *b = c->b;
	const struct th_wb_fmts *F = &b->F;
	static const char *const help_template[] = {
		"1. Chỉ điền vào các ô nền vàng; các ô khác đã được khóa.",
		"2. Ghi số liệu dạng số (ví dụ 98,17 hoặc 3000), không gõ kèm chữ, dấu % hay đơn vị tính.",
		"3. Không sửa mã dòng (STT), tên chỉ tiêu, đơn vị tính và tên các trang tính.",
		"4. Dòng có chú giải (như Có = 1; Không = 0): chọn mã trong danh sách thả xuống.",
		"5. Ô nền xanh (các tỷ lệ, các dòng tổng) tự tính từ các dòng thành phần: không cần nhập.",
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

	th_wb_ck(b, worksheet_set_column(ws, 0, 0, 100, NULL));
	th_wb_text(b, ws, 0, 0, "ỦY BAN NHÂN DÂN", F->bold);
	info_line(c, ws, I_UNIT_ROW, c->unit_line, c->unit_given, F->bold);
	info_line(c, ws, I_CODE_ROW, c->code_line, c->code_given, NULL);
	info_line(c, ws, I_TITLE_ROW, c->title_line, c->title_given, F->subtitle);
	info_line(c, ws, I_WINDOW_ROW, c->window_line, c->window_given, F->italic);
	info_line(c, ws, I_REPORT_ROW, c->report_line, false, NULL);
	th_wb_text(b, ws, I_HELP_ROW, 0, "Hướng dẫn:", F->bold);
	row = I_HELP_ROW;
	for (size_t i = 0; i < n_help; i++)
		th_wb_text(b, ws, ++row, 0, help[i], NULL);
	if (!c->f && c->deadline.y) {
		char d[TH_DATE_MAX], line[64];
		th_date_vn(c->deadline, d);
		snprintf(line, sizeof(line), "Hạn gửi báo cáo: %s.", d);
		th_wb_text(b, ws, ++row, 0, line, F->bold);
	}
	ret_print(c, ws, -1, false);
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
		legend.buf[th_text_fit(legend.buf, DV_MSG_MAX)] = '\0';
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
	th_wb_ck(c->b, worksheet_data_validation_cell(ws, row, R_VALUE_COL, &dv));
	free(list);
	free(codes);
	th_sbuf_release(&legend);
}

/*
 * The height of a form row whose label and unit wrap: libxlsxwriter does not fit rows to
 * their text and a printed page would show the lines over each other.
 */
static void ret_row_height(struct rctx *c, lxw_worksheet *ws, uint32_t row, const th_rowdef *rd)
{
	struct th_wb_rowfit rf = { 0 };

	th_wb_rowfit_add(&rf, rd->label, 60, rd->kind == TH_ROW_GROUP);
	th_wb_rowfit_add(&rf, rd->unit, 16, false);
	th_wb_rowfit_set(c->b, ws, row, &rf);
}

static void ret_form(struct rctx *c, size_t fi, lxw_worksheet *ws)
{
	struct th_wb *b = c->b;
	const struct th_wb_fmts *F = &b->F;
	const th_formdef *fd = &c->s->forms[fi];
	static const char *const head[] = { "STT", "Chỉ tiêu thống kê", "Đơn vị tính", "Số lượng/Tỷ lệ", "Ghi chú" };
	static const double widths[] = { 8, 60, 16, 16, 28 };
	lxw_protection prot;
	th_sbuf sb = TH_SBUF_INIT;

	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++) {
		th_wb_ck(b, worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], NULL));
		th_wb_text(b, ws, R_HEAD_ROW, (uint16_t)i, head[i], F->head);
	}
	th_wb_text(b, ws, 0, 0, fd->title, F->title);
	th_wb_text(b, ws, 1, 0, fd->name, F->subtitle);
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
		th_wb_text(b, ws, row, 0, sb.buf, group ? F->group : F->cell);
		th_sbuf_reset(&sb);
		th_wb_text(b, ws, row, 1, rd->label, group ? F->group_wrap : F->wrap);
		th_wb_text(b, ws, row, 2, rd->unit, F->wrap);
		ret_row_height(c, ws, row, rd);
		if (worst == TH_SEV_ERROR)
			fmt = F->input_err;
		else if (worst == TH_SEV_WARNING)
			fmt = F->input_warn;
		else if (group)
			/* a heading has no value cell; a value the commune wrote there is kept, and can be cleared */
			fmt = has ? F->grey_input : F->grey;
		else
			fmt = F->input;
		if (!c->f && ret_formula(c, ws, fi, r))
			; /* computed from its parts: no input, no validation */
		else if (v && v->state == TH_VAL_NUMBER)
			th_wb_num(b, ws, row, R_VALUE_COL, v->num, fmt);
		else if (has)
			th_wb_text(b, ws, row, R_VALUE_COL, v->written, fmt);
		else
			th_wb_text(b, ws, row, R_VALUE_COL, "", fmt);
		if (worst >= 0)
			th_wb_comment(b, ws, row, R_VALUE_COL, comment.buf);
		th_sbuf_release(&comment);
		th_wb_text(b, ws, row, R_NOTE_COL, v && v->note ? v->note : "", F->note);
		if (c->f || !computed_def(c, fi, r))
			ret_validation(c, ws, rd, row);
	}
	th_sbuf_release(&sb);
	ret_print(c, ws, R_HEAD_ROW, true);
	memset(&prot, 0, sizeof(prot));
	prot.format_columns = prot.format_rows = 1;
	worksheet_protect(ws, NULL, &prot);
}

static void ret_register(struct rctx *c, lxw_worksheet *ws)
{
	struct th_wb *b = c->b;
	const struct th_wb_fmts *F = &b->F;
	const th_filing *f = c->f;
	static const double widths[] = { 6, 24, 15, 70 };
	size_t n_docs = f ? f->n_docs : 0, n_rows = n_docs + REG_BLANK;
	lxw_protection prot;

	if (n_rows < REG_ROWS)
		n_rows = REG_ROWS;
	th_wb_text(b, ws, 0, 0, "DANH MỤC VĂN BẢN ĐÃ BAN HÀNH TRONG KỲ BÁO CÁO", F->subtitle);
	for (size_t i = 0; i < 4; i++) {
		th_wb_ck(b, worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, widths[i], NULL));
		th_wb_text(b, ws, REG_HEAD_ROW, (uint16_t)i, c->s->register_columns[i], F->head);
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
			th_wb_text(b, ws, row, 0, "", F->note);
			th_wb_text(b, ws, row, 1, "", F->input_text);
			th_wb_text(b, ws, row, 2, "", F->input_date);
			th_wb_text(b, ws, row, 3, "", F->input_wrap);
			continue;
		}
		stt = strtol(d->stt, &end, 10);
		if (d->stt[0] && !*end && isdigit((unsigned char)d->stt[0]) && stt < 100000)
			th_wb_num(b, ws, row, 0, (double)stt, F->note);
		else
			th_wb_text(b, ws, row, 0, d->stt, F->note);
		th_wb_text(b, ws, row, 1, d->number, fnum);
		if (d->date.y)
			th_wb_date(b, ws, row, 2, d->date, F->input_date);
		else
			th_wb_text(b, ws, row, 2, d->date_written, F->input_date);
		th_wb_text(b, ws, row, 3, d->summary, F->input_wrap);
		if (worst >= 0)
			th_wb_comment(b, ws, row, 1, comment.buf);
		th_sbuf_release(&comment);
	}
	ret_print(c, ws, REG_HEAD_ROW, true);
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
	struct th_wb *b = c->b;
	const struct th_wb_fmts *F = &b->F;
	static const char *const cols[] = { "Biểu", "Mã dòng", "Ô", "Quy tắc", "Mức", "Đã ghi", "Đúng", "Nội dung" };
	static const double widths[] = { 14, 9, 18, 20, 10, 14, 14, 90 };
	struct th_wb_items it = { 0 };
	struct th_wb_links lk = { 0 };
	uint32_t row = 0, head = 0;

	if (c->note) {
		th_wb_text(b, ws, 0, 0, c->note, F->bold);
		row = head = 1;
	}
	th_wb_errors_header(b, ws, head, cols, widths, sizeof(cols) / sizeof(cols[0]));
	th_wb_items_add(&it, c->s, c->fs, 0);
	th_wb_items_sort(&it);
	for (size_t i = 0; i < it.n && row + 2 < LXW_ROW_MAX; i++) {
		const th_finding *fd = it.v[i].fd;
		const struct target *t = &c->at[it.v[i].seq];
		const char *sheet = t->sheet >= 0 ? c->names[t->sheet] : t->sheet == T_INFO ? c->info :
				    t->sheet == T_REG ? c->reg : NULL;

		row++;
		if (it.v[i].form >= 0)
			th_wb_num(b, ws, row, 0, (double)c->s->forms[it.v[i].form].number, c->form_id[it.v[i].form]);
		else
			th_wb_text(b, ws, row, 0, th_wb_place_label(c->s, fd), F->cell);
		th_wb_text(b, ws, row, 1, fd->code, F->cell);
		th_wb_finding_tail(b, ws, &lk, row, 2, fd, sheet, t->row, t->col, false);
	}
	if (!it.n)
		th_wb_text(b, ws, ++row, 0, "Không có lỗi hay cảnh báo.", NULL);
	th_wb_ck(b, worksheet_autofilter(ws, head, 0, row, (lxw_col_t)(sizeof(cols) / sizeof(cols[0]) - 1)));
	if (it.n || c->note)
		worksheet_activate(ws);
	free(it.v);
}

/* A number format that shows the text id whatever the number: every character escaped. */
static lxw_format *id_format(struct th_wb *b, const char *id)
{
	lxw_format *f = th_wb_format(b, 1);
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
	struct th_wb b;
	const th_schema *s = c->s;
	lxw_worksheet *info, *reg = NULL, *errors = NULL, **forms;
	bool ok;
	int ret;

	if (th_wb_open(&b, path, doc_title, e))
		return -1;
	c->b = &b;
	if (!c->f) {
		c->computed = th_wb_format(&b, 1);
		format_set_bg_color(c->computed, COL_COMPUTED);
		c->computed_ratio = th_wb_format(&b, 1);
		format_set_bg_color(c->computed_ratio, COL_COMPUTED);
		format_set_num_format(c->computed_ratio, "0.00");
	}
	c->names = th_xcalloc(s->n_forms + 1, sizeof(*c->names));
	c->form_id = th_xcalloc(s->n_forms + 1, sizeof(*c->form_id));
	forms = th_xcalloc(s->n_forms + 1, sizeof(*forms));
	ret_targets(c);
	info = th_wb_sheet(&b, "Thông tin", c->info);
	ok = info != NULL;
	for (size_t f = 0; f < s->n_forms; f++) {
		forms[f] = th_wb_sheet(&b, s->forms[f].title, c->names[f]);
		ok = ok && forms[f];
		if (c->f)
			c->form_id[f] = id_format(&b, s->forms[f].id);
	}
	if (s->register_sheet) {
		reg = th_wb_sheet(&b, s->register_sheet, c->reg);
		ok = ok && reg;
	}
	if (c->f) {
		errors = th_wb_sheet(&b, "Lỗi", c->errors);
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
	ret = th_wb_close(&b, e);
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
		th_wb_add_uncapitalised(&sb, name);
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
	snprintf(c->period_label, sizeof(c->period_label), "%s", label);
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

int th_write_template(const th_schema *s, const th_ruleset *rules, const th_unit *unit, th_period p,
		      const th_calendar *cal, const char *path, th_err *e)
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
	c.n_comp = th_rules_computed(s, rules, &c.comp);
	ret = write_return(&c, path, title, e);
	th_computed_free(c.comp, c.n_comp);
	ret_release(&c);
	return ret;
}

int th_write_feedback_rewrite(const th_filing *f, const th_findings *fs, const th_calendar *cal, const char *note,
			      const char *path, th_err *e)
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
	c.note = note;
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
