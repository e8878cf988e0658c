/*
 * Unit tests for the OpenDocument (.ods) reader behind th_xlsx_* (ods_reader.c). Every
 * package is built in memory (zipmem.h) from hand-written content.xml and read back with
 * th_xlsx_open_mem: repeated rows and columns, covered cells and spans, text:s / tab /
 * line-break / paragraphs / annotations, each office:value-type, dates as Excel serials
 * under a date style, percentages under a percent style, hidden sheets, the styles a cell
 * gets from its column, and each hostile repeat refused with its code.
 * SPDX-License-Identifier: MIT
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zip.h>

#include "read/numfmt.h"
#include "read/xlsx_reader.h"
#include "zipmem.h"

#define DECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define NS                                                                                  \
	"xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" "                \
	"xmlns:style=\"urn:oasis:names:tc:opendocument:xmlns:style:1.0\" "                  \
	"xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" "                    \
	"xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" "                  \
	"xmlns:number=\"urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0\" "             \
	"xmlns:fo=\"urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0\" "         \
	"xmlns:svg=\"urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0\" "           \
	"xmlns:calcext=\"urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0\" " \
	"xmlns:of=\"urn:oasis:names:tc:opendocument:xmlns:of:1.2\""

/* content.xml with automatic styles and the tables of a spreadsheet body */
#define CONTENT(styles, tables)                                                              \
	DECL "<office:document-content " NS " office:version=\"1.2\">"                       \
	     "<office:automatic-styles>" styles "</office:automatic-styles>"                 \
	     "<office:body><office:spreadsheet>" tables "</office:spreadsheet></office:body>" \
	     "</office:document-content>"
#define TABLE(name, rows) "<table:table table:name=\"" name "\">" rows "</table:table>"
#define ROW(cells) "<table:table-row>" cells "</table:table-row>"
#define FLOAT(v) "<table:table-cell office:value-type=\"float\" office:value=\"" v "\"/>"
#define TEXT(t) "<table:table-cell office:value-type=\"string\"><text:p>" t "</text:p></table:table-cell>"

/* ---- reading ---- */

struct gcell {
	uint32_t row;
	uint16_t col;
	th_cell_type type;
	bool formula;
	double num;
	char *text;
	th_numkind kind;
	char *format;
	char *font;
};

struct got {
	th_xlsx *x;
	struct gcell *v;
	size_t n;
	int stop_after;
};

static int keep(void *ud, const th_cell *c)
{
	struct got *g = ud;
	struct gcell *k;

	g->v = realloc(g->v, (g->n + 1) * sizeof(*g->v));
	assert_non_null(g->v);
	k = &g->v[g->n++];
	k->row = c->row;
	k->col = c->col;
	k->type = c->type;
	k->formula = c->has_formula;
	k->num = c->num;
	assert_int_equal(strlen(c->text), c->len);
	k->text = strdup(c->text);
	k->kind = th_xlsx_style_kind(g->x, c->style);
	k->format = strdup(th_xlsx_style_format(g->x, c->style));
	k->font = strdup(th_xlsx_style_font(g->x, c->style));
	return g->stop_after && (int)g->n >= g->stop_after ? 7 : 0;
}

static void got_free(struct got *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->v[i].text);
		free(g->v[i].format);
		free(g->v[i].font);
	}
	free(g->v);
	g->v = NULL;
	g->n = 0;
}

static unsigned char *make_ods(const char *content, bool mimetype, size_t *len)
{
	const char *parts[] = {
		"mimetype", "application/vnd.oasis.opendocument.spreadsheet",
		"content.xml", content,
	};
	return mimetype ? make_zip(parts, 2, len) : make_zip(parts + 2, 1, len);
}

/* Open content as an .ods; read sheet `sheet` into g (g->x stays open). Returns the read's rc. */
static int read_sheet(const char *content, size_t sheet, struct got *g, th_err *e, unsigned char **buf)
{
	size_t len;

	*buf = make_ods(content, true, &len);
	th_err_clear(e);
	if (th_xlsx_open_mem(&g->x, *buf, len, "t.ods", NULL, e) != 0)
		fail_msg("open: %s (%d): %s", th_code_name(e->code), (int)e->code, e->msg);
	return th_xlsx_read_sheet(g->x, sheet, keep, g, e);
}

static void done(struct got *g, unsigned char *buf)
{
	got_free(g);
	th_xlsx_free(g->x);
	g->x = NULL;
	free(buf);
}

static const struct gcell *at(const struct got *g, uint32_t row, uint16_t col)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->v[i].row == row && g->v[i].col == col)
			return &g->v[i];
	return NULL;
}

static void read_fails(const char *content, th_code code)
{
	struct got g = { 0 };
	unsigned char *buf;
	th_err e;

	assert_int_equal(read_sheet(content, 0, &g, &e, &buf), -1);
	if (e.code != code)
		fail_msg("got %s (%d), want %s: %s", th_code_name(e.code), (int)e.code, th_code_name(code), e.msg);
	assert_true(e.msg[0] != '\0');
	done(&g, buf);
}

/* ---- tests ---- */

static void test_repeats(void **state)
{
	static const char content[] = CONTENT("",
		TABLE("S", "<table:table-row table:number-rows-repeated=\"2\">"
			   "<table:table-cell table:number-columns-repeated=\"2\"/>"
			   "<table:table-cell table:number-columns-repeated=\"3\" office:value-type=\"float\" office:value=\"7\"/>"
			   "</table:table-row>"
			   "<table:table-row table:number-rows-repeated=\"1048572\"><table:table-cell table:number-columns-repeated=\"16384\"/></table:table-row>"
			   "<table:table-row><table:table-cell table:number-columns-repeated=\"16383\"/>" TEXT("last") "</table:table-row>"
			   "<table:table-row table:number-rows-repeated=\"1048576\"><table:table-cell table:number-columns-repeated=\"16384\"/></table:table-row>"));
	struct got g = { 0 };
	unsigned char *buf;
	th_err e;

	(void)state;
	assert_int_equal(read_sheet(content, 0, &g, &e, &buf), 0);
	assert_int_equal(g.n, 7);
	for (uint32_t r = 0; r < 2; r++)
		for (uint16_t c = 2; c < 5; c++) {
			const struct gcell *k = at(&g, r, c);
			assert_non_null(k);
			assert_int_equal(k->type, TH_CELL_NUMBER);
			assert_true(k->num == 7);
		}
	assert_null(at(&g, 0, 1));
	/* after 1048572 empty rows, the cell at XFD1048575 */
	assert_non_null(at(&g, 1048574, 16383));
	assert_string_equal(at(&g, 1048574, 16383)->text, "last");
	done(&g, buf);
}

static void test_repeats_hostile(void **state)
{
	(void)state;
	/* a value repeated past column XFD */
	read_fails(CONTENT("", TABLE("S", ROW("<table:table-cell table:number-columns-repeated=\"16380\"/>"
					      "<table:table-cell table:number-columns-repeated=\"5\" office:value-type=\"float\" office:value=\"1\"/>"))),
		   TH_E_CELL_REF);
	/* a row with a value repeated past row 1048576 */
	read_fails(CONTENT("", TABLE("S", "<table:table-row table:number-rows-repeated=\"1048570\"><table:table-cell/></table:table-row>"
				     "<table:table-row table:number-rows-repeated=\"7\">" FLOAT("1") "</table:table-row>")),
		   TH_E_CELL_REF);
	/* a count past 2^64 saturates rather than wraps */
	read_fails(CONTENT("", TABLE("S", ROW("<table:table-cell table:number-columns-repeated=\"99999999999999999999999\" office:value-type=\"float\" office:value=\"1\"/>"))),
		   TH_E_CELL_REF);
	/* 16384 values in each of 1000 rows: sixteen million copies from a few bytes */
	read_fails(CONTENT("", TABLE("S", "<table:table-row table:number-rows-repeated=\"1000\">"
				     "<table:table-cell table:number-columns-repeated=\"16384\" office:value-type=\"float\" office:value=\"1\"/>"
				     "</table:table-row>")),
		   TH_E_TOO_BIG);
}

static void test_covered_and_spans(void **state)
{
	static const char content[] = CONTENT("",
		TABLE("S", ROW("<table:table-cell table:number-columns-spanned=\"2\" table:number-rows-spanned=\"2\" office:value-type=\"string\"><text:p>gộp</text:p></table:table-cell>"
			       "<table:covered-table-cell office:value-type=\"float\" office:value=\"99\"/>" FLOAT("3"))
			   ROW("<table:covered-table-cell table:number-columns-repeated=\"2\"/>" FLOAT("4"))));
	struct got g = { 0 };
	unsigned char *buf;
	const th_range *m;
	size_t nm;
	th_err e;

	(void)state;
	assert_int_equal(read_sheet(content, 0, &g, &e, &buf), 0);
	assert_int_equal(g.n, 3);
	assert_string_equal(at(&g, 0, 0)->text, "gộp");
	assert_null(at(&g, 0, 1)); /* the covered cell's 99 is not handed out */
	assert_true(at(&g, 0, 2)->num == 3);
	assert_true(at(&g, 1, 2)->num == 4);
	m = th_xlsx_merges(g.x, &nm);
	assert_int_equal(nm, 1);
	assert_int_equal(m[0].r1, 0);
	assert_int_equal(m[0].c1, 0);
	assert_int_equal(m[0].r2, 1);
	assert_int_equal(m[0].c2, 1);
	done(&g, buf);
}

static void test_text(void **state)
{
	static const char content[] = CONTENT("",
		TABLE("S", ROW("<table:table-cell office:value-type=\"string\">"
			       "<text:p>  a<text:s/>b<text:s text:c=\"3\"/>c<text:tab/>d<text:line-break/>e </text:p>"
			       "<text:p><text:span text:style-name=\"T1\">Tổng</text:span> cộng"
			       "<office:annotation><text:p>ghi chú</text:p></office:annotation></text:p>"
			       "<office:annotation><dc:creator xmlns:dc=\"http://purl.org/dc/elements/1.1/\">x</dc:creator><text:p>note</text:p></office:annotation>"
			       "</table:table-cell>"
			       "<table:table-cell office:value-type=\"string\" office:string-value=\"từ thuộc tính\"><text:p>hiển thị</text:p></table:table-cell>"
			       "<table:table-cell><text:p>không kiểu</text:p></table:table-cell>"
			       "<table:table-cell office:value-type=\"string\"><text:p/></table:table-cell>"
			       "<table:table-cell office:value-type=\"void\"><text:p>void</text:p></table:table-cell>")));
	struct got g = { 0 };
	unsigned char *buf;
	th_err e;

	(void)state;
	assert_int_equal(read_sheet(content, 0, &g, &e, &buf), 0);
	assert_int_equal(g.n, 3);
	assert_string_equal(at(&g, 0, 0)->text, "  a b   c\td\ne \nTổng cộng");
	assert_string_equal(at(&g, 0, 1)->text, "từ thuộc tính");
	assert_string_equal(at(&g, 0, 2)->text, "không kiểu");
	assert_int_equal(at(&g, 0, 2)->type, TH_CELL_STRING);
	done(&g, buf);
	/* text:s asking for more than the text cap fails instead of allocating */
	read_fails(CONTENT("", TABLE("S", ROW("<table:table-cell><text:p>a<text:s text:c=\"4000000000\"/></text:p></table:table-cell>"))),
		   TH_E_CELL_TOO_BIG);
}

static void test_value_types(void **state)
{
	static const char content[] = CONTENT(
		"<number:percentage-style style:name=\"N11\"><number:number number:decimal-places=\"2\" number:min-integer-digits=\"1\"/><number:text>%</number:text></number:percentage-style>"
		"<number:number-style style:name=\"N3\"><number:number number:decimal-places=\"1\" number:grouping=\"true\"/></number:number-style>"
		"<style:style style:name=\"ce1\" style:family=\"table-cell\" style:data-style-name=\"N11\"/>"
		"<style:style style:name=\"ce2\" style:family=\"table-cell\" style:data-style-name=\"N3\"/>",
		TABLE("S", ROW("<table:table-cell table:style-name=\"ce2\" office:value-type=\"float\" office:value=\"1234.5\"><text:p>1.234,5</text:p></table:table-cell>"
			       "<table:table-cell table:style-name=\"ce1\" office:value-type=\"percentage\" office:value=\"0.8816\"><text:p>88,16%</text:p></table:table-cell>"
			       "<table:table-cell office:value-type=\"percentage\" office:value=\"0.5\"/>"
			       "<table:table-cell office:value-type=\"currency\" office:currency=\"VND\" office:value=\"-12.25\"/>"
			       "<table:table-cell office:value-type=\"boolean\" office:boolean-value=\"true\"/>"
			       "<table:table-cell office:value-type=\"boolean\" office:boolean-value=\"false\"/>"
			       "<table:table-cell office:value-type=\"float\" office:value=\"abc\"/>")
			   ROW("<table:table-cell table:formula=\"of:=1/0\" office:value-type=\"float\" office:value=\"0\" calcext:value-type=\"error\"><text:p>#DIV/0!</text:p></table:table-cell>"
			       "<table:table-cell table:formula=\"of:=[.Z9]\" office:value-type=\"float\" office:value=\"0\"><text:p>Err:502</text:p></table:table-cell>"
			       "<table:table-cell table:formula=\"of:=SUM([.A1:.B1])\" office:value-type=\"float\" office:value=\"1235.3816\"><text:p>1235</text:p></table:table-cell>"
			       "<table:table-cell table:formula=\"of:=A1\"/>"
			       "<table:table-cell table:formula=\"of:=IF(1;&quot;&quot;;1)\"><text:p/></table:table-cell>")));
	struct got g = { 0 };
	unsigned char *buf;
	const struct gcell *k;
	th_err e;

	(void)state;
	assert_int_equal(read_sheet(content, 0, &g, &e, &buf), 0);
	k = at(&g, 0, 0);
	assert_int_equal(k->type, TH_CELL_NUMBER);
	assert_true(k->num == 1234.5);
	assert_int_equal(k->kind, TH_NUM_GENERAL);
	assert_string_equal(k->format, "#,##0.0");
	k = at(&g, 0, 1);
	assert_true(k->num == 0.8816); /* as Excel keeps 88.16% */
	assert_int_equal(k->kind, TH_NUM_PERCENT);
	assert_string_equal(k->format, "0.00%");
	assert_int_equal(th_numfmt_decimals(k->format), 2);
	assert_int_equal(at(&g, 0, 2)->kind, TH_NUM_PERCENT); /* a percentage without a style */
	assert_true(at(&g, 0, 3)->num == -12.25);
	assert_int_equal(at(&g, 0, 4)->type, TH_CELL_BOOL);
	assert_true(at(&g, 0, 4)->num == 1);
	assert_true(at(&g, 0, 5)->num == 0);
	assert_null(at(&g, 0, 6)); /* a float that is not a number: no value */
	k = at(&g, 1, 0);
	assert_int_equal(k->type, TH_CELL_ERROR);
	assert_string_equal(k->text, "#DIV/0!");
	assert_true(k->formula);
	assert_int_equal(at(&g, 1, 1)->type, TH_CELL_ERROR);
	assert_string_equal(at(&g, 1, 1)->text, "Err:502");
	k = at(&g, 1, 2);
	assert_int_equal(k->type, TH_CELL_NUMBER);
	assert_true(k->formula);
	assert_true(k->num == 1235.3816);
	k = at(&g, 1, 3); /* a formula with no cached value: kept, its value unknown */
	assert_non_null(k);
	assert_int_equal(k->type, TH_CELL_EMPTY);
	assert_true(k->formula);
	k = at(&g, 1, 4); /* shown as an empty paragraph: computed, the empty text */
	assert_int_equal(k->type, TH_CELL_STRING);
	assert_string_equal(k->text, "");
	assert_true(k->formula);
	done(&g, buf);
}

static void test_dates(void **state)
{
	static const char content[] = CONTENT(
		"<number:date-style style:name=\"N37\"><number:day/><number:text>/</number:text><number:month/><number:text>/</number:text><number:year/></number:date-style>"
		"<style:style style:name=\"ce3\" style:family=\"table-cell\" style:data-style-name=\"N37\"/>",
		"<table:calculation-settings><table:null-date table:date-value=\"1904-01-01\"/></table:calculation-settings>"
		TABLE("S", ROW("<table:table-cell table:style-name=\"ce3\" office:value-type=\"date\" office:date-value=\"2023-09-12\"/>"
			       "<table:table-cell office:value-type=\"date\" office:date-value=\"2023-09-12T06:00:00.5\"/>"
			       "<table:table-cell office:value-type=\"date\" office:date-value=\"1900-01-01\"/>"
			       "<table:table-cell office:value-type=\"date\" office:date-value=\"1900-02-28\"/>"
			       "<table:table-cell office:value-type=\"date\" office:date-value=\"1900-03-01\"/>"
			       "<table:table-cell office:value-type=\"date\" office:date-value=\"1899-12-31T12:00:00\"/>"
			       "<table:table-cell office:value-type=\"date\" office:date-value=\"2023-02-30\"/>"
			       "<table:table-cell office:value-type=\"time\" office:time-value=\"PT12H30M00S\"/>"
			       "<table:table-cell office:value-type=\"time\" office:time-value=\"PT36H\"/>"
			       "<table:table-cell office:value-type=\"time\" office:time-value=\"P1Y\"/>")));
	struct got g = { 0 };
	unsigned char *buf;
	const struct gcell *k;
	char iso[TH_ISO_MAX];
	th_err e;

	(void)state;
	assert_int_equal(read_sheet(content, 0, &g, &e, &buf), 0);
	assert_false(th_xlsx_date1904(g.x)); /* serials are of the 1900 system whatever the null date */
	k = at(&g, 0, 0);
	assert_int_equal(k->type, TH_CELL_NUMBER);
	assert_true(k->num == 45181);
	assert_int_equal(k->kind, TH_NUM_DATE);
	k = at(&g, 0, 1);
	assert_int_equal(k->kind, TH_NUM_DATE);
	assert_true(th_serial_to_iso(k->num, false, iso) > 0);
	assert_string_equal(iso, "2023-09-12T06:00:00.500");
	assert_true(at(&g, 0, 2)->num == 1);
	assert_true(at(&g, 0, 3)->num == 59);
	assert_true(at(&g, 0, 4)->num == 61);
	k = at(&g, 0, 5); /* before 1900: no serial, the ISO text */
	assert_int_equal(k->type, TH_CELL_DATE);
	assert_string_equal(k->text, "1899-12-31T12:00:00");
	assert_null(at(&g, 0, 6)); /* no such day */
	k = at(&g, 0, 7);
	assert_int_equal(k->type, TH_CELL_NUMBER);
	assert_int_equal(k->kind, TH_NUM_TIME);
	assert_true(fabs(k->num - 12.5 / 24) < 1e-12);
	assert_true(at(&g, 0, 8)->num == 1.5);
	assert_null(at(&g, 0, 9)); /* a year is no duration of a time */
	done(&g, buf);
}

static void test_sheets_hidden_and_column_styles(void **state)
{
	static const char content[] = CONTENT(
		"<style:style style:name=\"ta1\" style:family=\"table\"><style:table-properties table:display=\"true\"/></style:style>"
		"<style:style style:name=\"ta2\" style:family=\"table\"><style:table-properties table:display=\"false\"/></style:style>"
		"<number:percentage-style style:name=\"N10\"><number:number number:decimal-places=\"0\"/><number:text>%</number:text></number:percentage-style>"
		"<style:style style:name=\"ce9\" style:family=\"table-cell\" style:data-style-name=\"N10\"><style:text-properties style:font-name=\".VnTime\"/></style:style>",
		"<table:table table:name=\"Hiện\" table:style-name=\"ta1\"><table:table-column table:number-columns-repeated=\"2\"/>"
		"<table:table-column table:default-cell-style-name=\"ce9\"/>" ROW(FLOAT("1") FLOAT("2") FLOAT("0.25")) "</table:table>"
		"<table:table table:name=\"Ẩn\" table:style-name=\"ta2\">" ROW(TEXT("x")) "</table:table>"
		"<table:table table:name=\"Ba\">" ROW(TEXT("y")) "</table:table>");
	struct got g = { 0 };
	unsigned char *buf;
	th_err e;

	(void)state;
	assert_int_equal(read_sheet(content, 0, &g, &e, &buf), 0);
	assert_int_equal(th_xlsx_sheet_count(g.x), 3);
	assert_string_equal(th_xlsx_sheet_name(g.x, 0), "Hiện");
	assert_int_equal(th_xlsx_sheet_state(g.x, 0), TH_SHEET_VISIBLE);
	assert_string_equal(th_xlsx_sheet_name(g.x, 1), "Ẩn");
	assert_int_equal(th_xlsx_sheet_state(g.x, 1), TH_SHEET_HIDDEN);
	assert_int_equal(th_xlsx_sheet_state(g.x, 2), TH_SHEET_VISIBLE);
	assert_int_equal(at(&g, 0, 0)->kind, TH_NUM_GENERAL);
	assert_int_equal(at(&g, 0, 2)->kind, TH_NUM_PERCENT); /* from its column */
	assert_string_equal(at(&g, 0, 2)->font, ".VnTime");
	got_free(&g);
	/* each sheet is read alone, in any order */
	assert_int_equal(th_xlsx_read_sheet(g.x, 2, keep, &g, &e), 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.v[0].text, "y");
	got_free(&g);
	assert_int_equal(th_xlsx_read_sheet(g.x, 1, keep, &g, &e), 0);
	assert_int_equal(g.n, 1);
	assert_string_equal(g.v[0].text, "x");
	got_free(&g);
	/* a callback's stop value comes back */
	g.stop_after = 2;
	assert_int_equal(th_xlsx_read_sheet(g.x, 0, keep, &g, &e), 7);
	assert_int_equal(g.n, 2);
	done(&g, buf);
}

static void test_hidden_rows_and_columns(void **state)
{
	static const char content[] = CONTENT("",
		TABLE("S", "<table:table-column/><table:table-column table:number-columns-repeated=\"2\" "
			   "table:visibility=\"collapse\"/><table:table-column/>"
			   ROW(FLOAT("1") FLOAT("2") FLOAT("3") FLOAT("4"))
			   "<table:table-row table:number-rows-repeated=\"2\" table:visibility=\"collapse\">"
			   FLOAT("5") "</table:table-row>"
			   "<table:table-row table:visibility=\"filter\">" FLOAT("6") "</table:table-row>"
			   "<table:table-row table:visibility=\"visible\">" FLOAT("7") "</table:table-row>"));
	struct got g = { 0 };
	unsigned char *buf;
	size_t n;
	const th_span *h;
	th_err e;

	(void)state;
	assert_int_equal(read_sheet(content, 0, &g, &e, &buf), 0);
	assert_true(at(&g, 2, 0)->num == 5); /* a hidden row's cells are read all the same */
	h = th_xlsx_hidden(g.x, true, &n);
	assert_int_equal(n, 1);
	assert_true(h[0].first == 1 && h[0].last == 2);
	/* rows 2-3 collapsed, row 4 filtered out: one run; row 5 visible */
	h = th_xlsx_hidden(g.x, false, &n);
	assert_int_equal(n, 1);
	assert_true(h[0].first == 1 && h[0].last == 3);
	done(&g, buf);
}

static void test_sniff(void **state)
{
	static const char content[] = CONTENT("", TABLE("S", ROW(TEXT("a"))));
	unsigned char *buf;
	size_t len;
	th_xlsx *x;
	th_err e;

	(void)state;
	/* no mimetype (Google Sheets): content.xml and no workbook part make an .ods */
	buf = make_ods(content, false, &len);
	assert_int_equal(th_xlsx_open_mem(&x, buf, len, "t.xlsx", NULL, &e), 0);
	assert_int_equal(th_xlsx_sheet_count(x), 1);
	assert_string_equal(th_xlsx_sheet_part(x, 0), "content.xml");
	th_xlsx_free(x);
	free(buf);
}

static void test_hostile_xml(void **state)
{
	static const char dtd[] = DECL "<!DOCTYPE x [<!ENTITY a \"aaaa\">]><office:document-content " NS
				  "><office:body><office:spreadsheet>" TABLE("S", ROW(TEXT("&a;")))
				  "</office:spreadsheet></office:body></office:document-content>";
	static const char none[] = DECL "<office:document-content " NS "><office:body><office:text/></office:body></office:document-content>";
	unsigned char *buf;
	size_t len;
	th_xlsx *x;
	th_err e;

	(void)state;
	buf = make_ods(dtd, true, &len);
	assert_int_equal(th_xlsx_open_mem(&x, buf, len, "t.ods", NULL, &e), -1);
	assert_int_equal(e.code, TH_E_XML_DTD);
	free(buf);
	buf = make_ods(none, true, &len);
	assert_int_equal(th_xlsx_open_mem(&x, buf, len, "t.ods", NULL, &e), -1);
	assert_int_equal(e.code, TH_E_FORMAT_OTHER);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_repeats),
		cmocka_unit_test(test_repeats_hostile),
		cmocka_unit_test(test_covered_and_spans),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_value_types),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_sheets_hidden_and_column_styles),
		cmocka_unit_test(test_hidden_rows_and_columns),
		cmocka_unit_test(test_sniff),
		cmocka_unit_test(test_hostile_xml),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
