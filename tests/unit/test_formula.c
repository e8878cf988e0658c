/*
 * Unit tests for the formulas tonghop computes when a file keeps no result for them, or a
 * result not to be trusted (libxlsxwriter's 0 under fullCalcOnLoad): each row of a Biểu mẫu
 * 5 holds one formula whose value is known here, worked out by hand; what cannot be
 * computed (another function, a cycle, an error) is not read and said with the cell. A
 * shared formula (Excel's fill-down) is computed at each cell it covers. The workbooks are
 * made here, with libxlsxwriter and as raw XML; run from the project root.
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
#include <zip.h>

#include "zipmem.h"
#include "model/filing.h"
#include "model/schema.h"

static th_schema *schema;
static char dir[] = "/tmp/th_formula_XXXXXX";

static int setup(void **state)
{
	th_err e = { 0 };
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	return th_schema_load(&schema, "schemas/cchc-haiduong-2023.ini", &e);
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;
	th_schema_free(schema);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* One row: its code, its formula (NULL: the number num), and what it must read. */
struct fr {
	const char *code, *formula;
	double num;
	const char *want; /* a number as text, or "unread:WORD" (a finding on the row says WORD) */
};

/* Rows of BM5 from sheet row 4 (Excel row 5) on, value in column D; the helper sheet
 * "Số liệu": A1 10, A2 20, A3 "x", A5 TRUE, B1 "12" (a number typed as text). */
static const struct fr ROWS[] = {
	{ "1", "ROUND(2.675,2)*100", 0, "268" },          /* 2.675 is 2.68, as Excel rounds it */
	{ "1.1", "-2^2", 0, "4" },                         /* negation before ^, as in Excel */
	{ "1.2", "SUM('Số liệu'!A1:A5)", 0, "30" },        /* text and TRUE in a range left out */
	{ "1.3", "IF('Số liệu'!A3=\"X\",1,2)", 0, "1" },   /* text compared without case */
	{ "2", "IFERROR(1/0,7)", 0, "7" },
	/* COUNT as Excel: in the range only A1, A2 (numbers); typed: "7" and TRUE; 1/0 not counted */
	{ "2.1", "MAX(0,'Số liệu'!A1-'Số liệu'!A2)+COUNT('Số liệu'!A1:A5,\"7\",TRUE,1/0)", 0, "4" },
	{ "2.2", "MIN('Số liệu'!A1:A2,5)", 0, "5" },
	{ "2.3", "'Số liệu'!B1+1", 0, "13" },             /* a number typed as text counts */
	{ "2.4", "ROUNDDOWN(7.99,0)+ROUNDUP(0.01,1)*10", 0, "8" },
	{ "2.5", "AVERAGE(2,4)*AND(TRUE,1)", 0, "3" },
	{ "3", "IF(1<2,50%*4+ABS(-1),VLOOKUP(1,A1:B2,2))", 0, "3" }, /* the branch not taken: not computed */
	{ "4", "IF(\"a\"&\"b\"=\"AB\",D7+D8,0)", 0, "31" }, /* & before =; rows 1.2 and 1.3 */
	{ "4.1", "VLOOKUP(1,'Số liệu'!A1:B2,2,FALSE)", 0, "unread:VLOOKUP" },
	{ "4.2", "D19+1", 0, "unread:vòng" },             /* 4.2 and 4.3 name each other */
	{ "4.3", "D18+1", 0, "unread:vòng" },
	{ "4.4", "1/0", 0, "unread:#DIV/0!" },
	{ "4.5", "IF(1>2,VLOOKUP(1,A1:B2,2),SUM(D21:D21,2))", 0, "unread:vòng" }, /* itself */
};

static const char *write_book(const char *name)
{
	static char path[256];
	lxw_workbook *wb;
	lxw_worksheet *ws, *aux;
	uint32_t row = 4;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	wb = workbook_new(path);
	assert_non_null(wb);
	ws = workbook_add_worksheet(wb, "BM5");
	aux = workbook_add_worksheet(wb, "Số liệu");
	worksheet_write_string(ws, 0, 0, "Biểu mẫu 5", NULL);
	worksheet_write_string(ws, 2, 0, "STT", NULL);
	worksheet_write_string(ws, 2, 1, "Chỉ tiêu thống kê", NULL);
	worksheet_write_string(ws, 2, 2, "Đơn vị tính", NULL);
	worksheet_write_string(ws, 2, 3, "Số lượng/Tỷ lệ", NULL);
	for (size_t i = 0; i < sizeof(ROWS) / sizeof(ROWS[0]); i++, row++) {
		char f[256];
		worksheet_write_string(ws, (lxw_row_t)row, 0, ROWS[i].code, NULL);
		worksheet_write_string(ws, (lxw_row_t)row, 1, "chỉ tiêu", NULL);
		snprintf(f, sizeof(f), "=%s", ROWS[i].formula);
		worksheet_write_formula(ws, (lxw_row_t)row, 3, f, NULL);
	}
	worksheet_write_number(aux, 0, 0, 10, NULL);
	worksheet_write_number(aux, 1, 0, 20, NULL);
	worksheet_write_string(aux, 2, 0, "x", NULL);
	worksheet_write_boolean(aux, 4, 0, 1, NULL);
	worksheet_write_string(aux, 0, 1, "12", NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);
	return path;
}

static const th_finding *finding_on(const th_filing *f, const char *form, const char *code)
{
	for (size_t i = 0; i < f->findings.n; i++)
		if (strcmp(f->findings.v[i].form, form) == 0 && strcmp(f->findings.v[i].code, code) == 0 &&
		    f->findings.v[i].severity == TH_SEV_ERROR)
			return &f->findings.v[i];
	return NULL;
}

/* libxlsxwriter saves every formula with the result 0 and fullCalcOnLoad: each is computed. */
static void computed_under_full_calc(void **state)
{
	th_filing *f;
	th_err e = { 0 };

	(void)state;
	assert_int_equal(th_filing_read(&f, write_book("lxw.xlsx"), schema, NULL, &e), 0);
	for (size_t i = 0; i < sizeof(ROWS) / sizeof(ROWS[0]); i++) {
		const th_value *v = th_filing_value(f, "BM5", ROWS[i].code);
		const th_finding *x = finding_on(f, "BM5", ROWS[i].code);
		if (strncmp(ROWS[i].want, "unread:", 7) == 0) {
			if (v->state == TH_VAL_NUMBER)
				fail_msg("row %s: read %g, must not be read", ROWS[i].code, v->num);
			if (!x || !strstr(x->message, ROWS[i].want + 7))
				fail_msg("row %s: no error saying '%s'%s%s", ROWS[i].code, ROWS[i].want + 7,
					 x ? ": " : "", x ? x->message : "");
			assert_string_equal(x->sheet, "BM5");
			continue;
		}
		if (v->state != TH_VAL_NUMBER || v->num != strtod(ROWS[i].want, NULL))
			fail_msg("row %s: =%s read as state %d %g, want %s", ROWS[i].code, ROWS[i].formula,
				 (int)v->state, v->num, ROWS[i].want);
		assert_non_null(v->how);
		assert_string_equal(v->how, "tính lại từ công thức");
		assert_null(x);
	}
	th_filing_free(f);
}

/* A raw package: a shared formula over D5:D7 (=C5*2, filled down), a formula whose result
 * the file keeps (not computed again), one it does not keep, and an empty text result. */
static const char *shared_book(const char *name, bool full_calc)
{
	static char path[256];
	char wbxml[1024];
	const char *parts[] = {
		"[Content_Types].xml",
		"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
		"<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
		"<Default Extension=\"xml\" ContentType=\"application/xml\"/></Types>",
		"_rels/.rels",
		"<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" "
		"Target=\"xl/workbook.xml\"/></Relationships>",
		"xl/workbook.xml", wbxml,
		"xl/_rels/workbook.xml.rels",
		"<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" "
		"Target=\"worksheets/sheet1.xml\"/></Relationships>",
		"xl/worksheets/sheet1.xml",
		"<?xml version=\"1.0\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>"
		"<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Biểu mẫu 4</t></is></c></row>"
		"<row r=\"3\"><c r=\"A3\" t=\"inlineStr\"><is><t>STT</t></is></c><c r=\"B3\" t=\"inlineStr\"><is><t>Chỉ tiêu</t></is></c>"
		"<c r=\"D3\" t=\"inlineStr\"><is><t>Số lượng</t></is></c></row>"
		"<row r=\"5\"><c r=\"A5\" t=\"inlineStr\"><is><t>2.1</t></is></c><c r=\"C5\"><v>4</v></c>"
		"<c r=\"D5\"><f t=\"shared\" ref=\"D5:D7\" si=\"0\">C5*2+$C$5</f><v>0</v></c></row>"
		"<row r=\"6\"><c r=\"A6\" t=\"inlineStr\"><is><t>2.2</t></is></c><c r=\"C6\"><v>5</v></c>"
		"<c r=\"D6\"><f t=\"shared\" si=\"0\"/><v>0</v></c></row>"
		"<row r=\"7\"><c r=\"A7\" t=\"inlineStr\"><is><t>2.3</t></is></c><c r=\"C7\"><v>6</v></c>"
		"<c r=\"D7\"><f t=\"shared\" si=\"0\"/><v>0</v></c></row>"
		"<row r=\"8\"><c r=\"A8\" t=\"inlineStr\"><is><t>2.4</t></is></c><c r=\"D8\"><f>C5+C6</f><v>99</v></c></row>"
		"<row r=\"9\"><c r=\"A9\" t=\"inlineStr\"><is><t>2.5</t></is></c><c r=\"D9\" t=\"str\"><f>IF(C5=4,\"\",1)</f><v></v></c></row>"
		"</sheetData></worksheet>",
	};
	unsigned char *buf;
	size_t len;
	FILE *fp;

	snprintf(wbxml, sizeof(wbxml),
		 "<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
		 "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets>"
		 "<sheet name=\"BM4\" sheetId=\"1\" r:id=\"rId1\"/></sheets>%s</workbook>",
		 full_calc ? "<calcPr fullCalcOnLoad=\"1\"/>" : "");
	buf = make_zip(parts, sizeof(parts) / sizeof(parts[0]) / 2, &len);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	assert_int_equal(fwrite(buf, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	free(buf);
	return path;
}

static double num_of(const th_filing *f, const char *code)
{
	const th_value *v = th_filing_value(f, "BM4", code);
	if (v->state != TH_VAL_NUMBER)
		fail_msg("BM4 %s: state %d, want a number", code, (int)v->state);
	return v->num;
}

static void shared_formulas(void **state)
{
	th_filing *f;
	th_err e = { 0 };

	(void)state;
	/* fullCalcOnLoad: every formula again; the children shifted from D5, $C$5 not */
	assert_int_equal(th_filing_read(&f, shared_book("shared.xlsx", true), schema, NULL, &e), 0);
	assert_true(num_of(f, "2.1") == 12);
	assert_true(num_of(f, "2.2") == 14);
	assert_true(num_of(f, "2.3") == 16);
	assert_true(num_of(f, "2.4") == 9);
	assert_int_equal(th_filing_value(f, "BM4", "2.5")->state, TH_VAL_BLANK);
	th_filing_free(f);
	/* without it the stored results stand, even a wrong one (99): the file's own word */
	assert_int_equal(th_filing_read(&f, shared_book("kept.xlsx", false), schema, NULL, &e), 0);
	assert_true(num_of(f, "2.1") == 0);
	assert_true(num_of(f, "2.4") == 99);
	assert_null(th_filing_value(f, "BM4", "2.4")->how);
	assert_int_equal(th_filing_value(f, "BM4", "2.5")->state, TH_VAL_BLANK);
	th_filing_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(computed_under_full_calc),
		cmocka_unit_test(shared_formulas),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
