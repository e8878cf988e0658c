/*
 * Unit tests for locating a return in a workbook: what reading reports about rows (an
 * unknown code, a code twice, a missing row, a value that is no number, "-" and "x", a
 * coded answer in words), about the unit (name against code), and about forms not found.
 * The workbooks are made here with libxlsxwriter; run from the project root.
 * SPDX-License-Identifier: MIT
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <xlsxwriter.h>

#include "model/filing.h"
#include "model/roster.h"
#include "model/schema.h"

static th_schema *schema;
static th_roster *roster;
static char dir[] = "/tmp/th_locate_XXXXXX";

static int setup(void **state)
{
	th_err e = { 0 };
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	if (th_schema_load(&schema, "schemas/cchc-haiduong-2023.ini", &e))
		return -1;
	return th_roster_load(&roster, "schemas/roster-thanhmien.ini", &e);
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;
	th_schema_free(schema);
	th_roster_free(roster);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Rows of one form: code, label, unit, value (NULL: none; a leading '#' writes a number, '@' a
 * number under a date format, '?' a boolean: "?1" TRUE). */
struct r {
	const char *code, *label, *unit, *value;
};

static const char *book(const char *name, const char *const *head, const struct r *rows, size_t n)
{
	static char path[256];
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *date;
	lxw_row_t row = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	wb = workbook_new(path);
	assert_non_null(wb);
	ws = workbook_add_worksheet(wb, "BM1");
	date = workbook_add_format(wb);
	format_set_num_format(date, "dd/mm/yyyy");
	for (; *head; head++)
		worksheet_write_string(ws, row++, 0, *head, NULL);
	worksheet_write_string(ws, ++row, 0, "Biểu mẫu 1", NULL);
	row += 2;
	worksheet_write_string(ws, row, 0, "STT", NULL);
	worksheet_write_string(ws, row, 1, "Chỉ tiêu thống kê", NULL);
	worksheet_write_string(ws, row, 2, "Đơn vị tính", NULL);
	worksheet_write_string(ws, row, 3, "Số lượng/Tỷ lệ", NULL);
	worksheet_write_string(ws, row++, 4, "Ghi chú", NULL);
	for (size_t i = 0; i < n; i++, row++) {
		worksheet_write_string(ws, row, 0, rows[i].code, NULL);
		worksheet_write_string(ws, row, 1, rows[i].label, NULL);
		if (rows[i].unit)
			worksheet_write_string(ws, row, 2, rows[i].unit, NULL);
		if (rows[i].value && rows[i].value[0] == '#')
			worksheet_write_number(ws, row, 3, strtod(rows[i].value + 1, NULL), NULL);
		else if (rows[i].value && rows[i].value[0] == '@')
			worksheet_write_number(ws, row, 3, strtod(rows[i].value + 1, NULL), date);
		else if (rows[i].value && rows[i].value[0] == '?')
			worksheet_write_boolean(ws, row, 3, rows[i].value[1] == '1', NULL);
		else if (rows[i].value)
			worksheet_write_string(ws, row, 3, rows[i].value, NULL);
	}
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	return path;
}

static const th_finding *find(const th_filing *f, const char *rule, const char *code)
{
	for (size_t i = 0; i < f->findings.n; i++)
		if (strcmp(f->findings.v[i].rule, rule) == 0 && (!code || strcmp(f->findings.v[i].code, code) == 0))
			return &f->findings.v[i];
	return NULL;
}

static void rows_reported(void **state)
{
	static const char *const head[] = { "UBND xã Lam Sơn", "Mã đơn vị: 11260", "quý III năm 2023", NULL };
	static const struct r rows[] = {
		{ "1.", "Số văn bản chỉ đạo CCHC đã ban hành (Kết luận, chỉ thị, công văn chỉ đạo, quán triệt)", "Văn bản", "#5" },
		{ "1", "Số văn bản chỉ đạo CCHC đã ban hành", "Văn bản", "#7" },
		{ "9.9.", "Một dòng không có trong biểu", "Văn bản", "#3" },
		{ "2.1.", "Số nhiệm vụ đề ra trong kế hoạch", "Nhiệm vụ", "hai mươi" },
		{ "2.2.", "Số nhiệm vụ đã hoàn thành", "Nhiệm vụ", "-" },
		{ "4.1.", "Tổng số nhiệm vụ được giao", "Nhiệm vụ", " x " },
		{ "5.2.", "Hình thức khảo sát", "Trực tuyến = 0; Phát phiếu = 1; Kết hợp = 2", "Kết hợp" },
		{ "5.1.", "Số lượng phiếu khảo sát", "Phiếu", "1.234" },
		{ "6.", "Tổ chức đối thoại của lãnh đạo với người dân", "Không = 0; Có = 1", "#1" },
		{ "4.2.", "Số nhiệm vụ đã hoàn thành", "Nhiệm vụ", "@44958" },
		{ "4.3.", "Số nhiệm vụ chưa hoàn thành", "Nhiệm vụ", "?1" },
	};
	th_filing *f;
	th_err e = { 0 };
	const th_value *v;
	const th_finding *x;

	(void)state;
	assert_int_equal(th_filing_read(&f, book("rows.xlsx", head, rows, sizeof(rows) / sizeof(rows[0])),
					schema, roster, &e), 0);
	assert_non_null(f->unit);
	assert_string_equal(f->unit->code, "11260");
	/* a code twice with other figures (5, 7): neither is taken, the error names both cells */
	v = th_filing_value(f, "BM1", "1");
	assert_int_equal(v->state, TH_VAL_UNREADABLE);
	assert_string_equal(v->written, "5 | 7");
	x = find(f, "read.row-twice", "1");
	assert_non_null(x);
	assert_int_equal(x->severity, TH_SEV_ERROR);
	assert_string_equal(x->form, "BM1");
	if (!strstr(x->message, "D8 ghi '5', D9 ghi '7'"))
		fail_msg("%s", x->message);
	/* a code the form does not have */
	x = find(f, "read.row-unknown", "9.9");
	assert_non_null(x);
	assert_int_equal(x->severity, TH_SEV_WARNING);
	/* a value that is no number: said, never guessed */
	v = th_filing_value(f, "BM1", "2.1");
	assert_int_equal(v->state, TH_VAL_UNREADABLE);
	assert_string_equal(v->written, "hai mươi");
	assert_non_null(find(f, "read.unreadable", "2.1"));
	/* a figure Excel turned into a date (1.2 typed -> 1 February) is shown as the date, not read */
	v = th_filing_value(f, "BM1", "4.2");
	assert_int_equal(v->state, TH_VAL_UNREADABLE);
	assert_string_equal(v->written, "1/2/2023");
	x = find(f, "read.date-cell", "4.2");
	assert_non_null(x);
	assert_int_equal(x->severity, TH_SEV_ERROR);
	assert_non_null(strstr(x->message, "'1/2/2023'"));
	/* a boolean is no figure either, and says what it holds */
	v = th_filing_value(f, "BM1", "4.3");
	assert_int_equal(v->state, TH_VAL_UNREADABLE);
	assert_string_equal(v->written, "TRUE");
	assert_non_null(strstr(find(f, "read.unreadable", "4.3")->message, "'TRUE'"));
	/* "-" and "x" are neither blank nor 0 */
	assert_int_equal(th_filing_value(f, "BM1", "2.2")->state, TH_VAL_DASH);
	assert_int_equal(th_filing_value(f, "BM1", "4.1")->state, TH_VAL_DASH);
	/* a coded answer in words, and a text number on a count row (the reading is info) */
	v = th_filing_value(f, "BM1", "5.2");
	assert_int_equal(v->state, TH_VAL_NUMBER);
	assert_true(v->num == 2);
	v = th_filing_value(f, "BM1", "5.1");
	assert_true(v->num == 1234);
	x = find(f, "read.ambiguous-number", "5.1");
	assert_non_null(x);
	assert_int_equal(x->severity, TH_SEV_INFO);
	/* the labels of a row not read are not compared */
	assert_null(find(f, "read.label-edited", "1"));
	/* a row of the form not in the workbook, and the forms not there at all */
	assert_non_null(find(f, "read.row-missing", "3.1"));
	assert_int_equal(th_filing_value(f, "BM1", "3.1")->state, TH_VAL_MISSING);
	assert_non_null(find(f, "read.form-missing", NULL));
	/* a figure not read is an error (the commune must fix it before sending, issue #11);
	 * every other reading finding is info or warning */
	for (size_t i = 0; i < f->findings.n; i++) {
		const th_finding *p = &f->findings.v[i];
		const th_value *pv = p->code[0] && strcmp(p->form, "BM1") == 0 ? th_filing_value(f, "BM1", p->code) : NULL;
		if (p->severity == TH_SEV_ERROR && !(pv && pv->state == TH_VAL_UNREADABLE))
			fail_msg("%s on %s: an error, and the row is read", p->rule, p->code);
	}
	for (size_t r = 0; r < schema->forms[0].n_rows; r++) {
		bool said = false;
		if (f->values[0][r].state != TH_VAL_UNREADABLE)
			continue;
		for (size_t i = 0; i < f->findings.n; i++)
			said = said || (f->findings.v[i].severity == TH_SEV_ERROR &&
					strcmp(f->findings.v[i].code, schema->forms[0].rows[r].code) == 0);
		if (!said)
			fail_msg("row %s is not read, and no error says so", schema->forms[0].rows[r].code);
	}
	th_filing_free(f);
}

static void unit_name_against_code(void **state)
{
	static const char *const head[] = { "UBND xã Lam Sơn", "Mã đơn vị: 11254", NULL };
	static const char *const head2[] = { "UBND xã Hoà Bình", NULL };
	static const char *const head3[] = { "UBND xã Hoà Bình", "Mã đơn vị: 11254", NULL };
	static const struct r rows[] = { { "1.", "Số văn bản chỉ đạo CCHC đã ban hành", "Văn bản", "#5" } };
	th_filing *f;
	th_err e = { 0 };

	(void)state;
	/* a name and a code of two different units: neither is guessed */
	assert_int_equal(th_filing_read(&f, book("mismatch.xlsx", head, rows, 1), schema, roster, &e), 0);
	assert_null(f->unit);
	assert_non_null(find(f, "read.unit-mismatch", NULL));
	assert_non_null(strstr(find(f, "read.unit-mismatch", NULL)->message, "chưa xác định được đơn vị"));
	assert_null(find(f, "read.unit-unknown", NULL));
	th_filing_free(f);
	/* a name the roster does not know beside a code it knows: the code is the unit */
	assert_int_equal(th_filing_read(&f, book("codewins.xlsx", head3, rows, 1), schema, roster, &e), 0);
	assert_non_null(f->unit);
	assert_string_equal(f->unit->code, "11254");
	assert_non_null(find(f, "read.unit-mismatch", NULL));
	th_filing_free(f);
	/* a unit outside the roster is said, with the name as written */
	assert_int_equal(th_filing_read(&f, book("outside.xlsx", head2, rows, 1), schema, roster, &e), 0);
	assert_null(f->unit);
	assert_non_null(find(f, "read.unit-unknown", NULL));
	assert_string_equal(f->unit_at.written, "xã Hoà Bình");
	assert_non_null(find(f, "read.period-missing", NULL));
	th_filing_free(f);
}

/* A hidden sheet holding an old copy of a form comes first: the visible one is read. */
static void hidden_copy(void **state)
{
	char path[300];
	lxw_workbook *wb;
	lxw_worksheet *old, *cur;
	th_filing *f;
	th_err e = { 0 };

	(void)state;
	/* variant 0: both sheets titled; variant 1: the visible one only named "BM1" */
	for (int variant = 0; variant < 2; variant++) {
		snprintf(path, sizeof(path), "%s/hidden%d.xlsx", dir, variant);
		wb = workbook_new(path);
		old = workbook_add_worksheet(wb, "Biểu mẫu 1 (quý II)");
		cur = workbook_add_worksheet(wb, variant ? "BM1" : "Biểu mẫu 1");
		for (int k = 0; k < 2; k++) {
			lxw_worksheet *ws = k ? cur : old;
			worksheet_write_string(ws, 0, 0, "UBND xã Lam Sơn", NULL);
			if (!(variant && k))
				worksheet_write_string(ws, 2, 0, "Biểu mẫu 1", NULL);
			worksheet_write_string(ws, 4, 0, "STT", NULL);
			worksheet_write_string(ws, 4, 1, "Chỉ tiêu thống kê", NULL);
			worksheet_write_string(ws, 4, 2, "Đơn vị tính", NULL);
			worksheet_write_string(ws, 4, 3, "Số lượng/Tỷ lệ", NULL);
			worksheet_write_string(ws, 5, 0, "1.", NULL);
			worksheet_write_string(ws, 5, 1, "Số văn bản chỉ đạo CCHC đã ban hành", NULL);
			worksheet_write_string(ws, 5, 2, "Văn bản", NULL);
			worksheet_write_number(ws, 5, 3, k ? 25 : 11, NULL);
		}
		worksheet_activate(cur);
		worksheet_hide(old);
		assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
		assert_int_equal(th_filing_read(&f, path, schema, roster, &e), 0);
		assert_true(th_filing_value(f, "BM1", "1")->num == 25);
		assert_string_equal(th_filing_sheet(f, th_filing_value(f, "BM1", "1")->sheet),
				    variant ? "BM1" : "Biểu mẫu 1");
		if (!variant)
			assert_non_null(find(f, "read.form-twice", ""));
		th_filing_free(f);
	}
}

/* A register row with a summary but no number or date is kept; a row with only its STT is not. */
static void register_rows(void **state)
{
	char path[300];
	lxw_workbook *wb;
	lxw_worksheet *bm, *vb;
	th_filing *f;
	th_err e = { 0 };

	(void)state;
	snprintf(path, sizeof(path), "%s/register.xlsx", dir);
	wb = workbook_new(path);
	bm = workbook_add_worksheet(wb, "Biểu mẫu 1");
	vb = workbook_add_worksheet(wb, "Danh mục văn bản");
	worksheet_write_string(bm, 0, 0, "UBND xã Lam Sơn", NULL);
	worksheet_write_string(bm, 2, 0, "Biểu mẫu 1", NULL);
	worksheet_write_string(bm, 4, 0, "STT", NULL);
	worksheet_write_string(bm, 4, 1, "Chỉ tiêu thống kê", NULL);
	worksheet_write_string(bm, 4, 3, "Số lượng/Tỷ lệ", NULL);
	worksheet_write_string(bm, 4, 4, "Ghi chú", NULL);
	worksheet_write_string(bm, 5, 0, "1.", NULL);
	worksheet_write_number(bm, 5, 3, 2, NULL);
	worksheet_write_string(vb, 0, 0, "STT", NULL);
	worksheet_write_string(vb, 0, 1, "Số, ký hiệu", NULL);
	worksheet_write_string(vb, 0, 2, "Ngày ban hành", NULL);
	worksheet_write_string(vb, 0, 3, "Trích yếu", NULL);
	worksheet_write_number(vb, 1, 0, 1, NULL);
	worksheet_write_string(vb, 1, 1, "59/QĐ-UBND", NULL);
	worksheet_write_string(vb, 1, 2, "03/08/2023", NULL);
	worksheet_write_string(vb, 1, 3, "Kế hoạch CCHC", NULL);
	worksheet_write_number(vb, 2, 0, 2, NULL);
	worksheet_write_string(vb, 2, 3, "Công văn gửi Sở Nội vụ", NULL);
	worksheet_write_number(vb, 3, 0, 3, NULL);
	worksheet_write_string(vb, 5, 3, "NGƯỜI LẬP BIỂU", NULL); /* a signature: no STT */
	worksheet_write_string(vb, 6, 3, "Nguyễn Văn A", NULL);
	worksheet_write_number(bm, 5, 4, 12, NULL); /* a note that is a number */
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	assert_int_equal(th_filing_read(&f, path, schema, roster, &e), 0);
	assert_true(f->has_register);
	assert_int_equal(f->n_docs, 2);
	assert_string_equal(f->docs[1].summary, "Công văn gửi Sở Nội vụ");
	assert_int_equal(f->docs[1].date.y, 0);
	assert_string_equal(th_filing_value(f, "BM1", "1")->note, "12");
	th_filing_free(f);
}

static void not_a_return(void **state)
{
	th_filing *f;
	th_err e = { 0 };
	char path[300];
	lxw_workbook *wb;
	lxw_worksheet *ws;

	(void)state;
	/* a workbook with none of the forms is no return: it fails, saying so */
	snprintf(path, sizeof(path), "%s/other.xlsx", dir);
	wb = workbook_new(path);
	ws = workbook_add_worksheet(wb, "Sheet1");
	worksheet_write_string(ws, 0, 0, "UBND xã Lam Sơn", NULL);
	worksheet_write_string(ws, 1, 0, "Danh sách cán bộ tham gia tập huấn", NULL);
	worksheet_write_number(ws, 2, 1, 12, NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	assert_int_equal(th_filing_read(&f, path, schema, roster, &e), -1);
	assert_null(f);
	assert_int_equal(e.code, TH_E_NOT_RETURN);
	assert_non_null(strstr(e.msg, "không tìm thấy biểu mẫu nào (Biểu mẫu 1 … Biểu mẫu 7)"));
	/* one form found: the others are each said missing */
	assert_int_equal(th_filing_read(&f, "fixtures/reader-demo.xlsx", schema, roster, &e), 0);
	assert_int_equal(f->n_forms_found, 1);
	assert_non_null(find(f, "read.form-missing", ""));
	th_filing_free(f);
	/* a file that is no workbook fails, as the reader says */
	assert_int_equal(th_filing_read(&f, "fixtures/demo/ghi-chu.txt", schema, roster, &e), -1);
	assert_null(f);
	assert_int_equal(e.code, TH_E_NOT_ZIP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rows_reported),
		cmocka_unit_test(unit_name_against_code),
		cmocka_unit_test(hidden_copy),
		cmocka_unit_test(register_rows),
		cmocka_unit_test(not_a_return),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
