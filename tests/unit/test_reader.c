/*
 * Unit tests for the XLSX reader (xlsx_reader.h). Every package is built in memory with
 * libzip (make_zip) and read back with th_xlsx_open_mem: package structure, shared
 * strings, cell types, styles, Strict and prefixed XML, cell references, and each way a
 * hostile or broken input must fail, with its exact code.
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

#include "pkg.h"

#define S_MAIN "http://purl.oclc.org/ooxml/spreadsheetml/main"
#define S_R "http://purl.oclc.org/ooxml/officeDocument/relationships"
#define S_RT S_R "/"

#define WORKBOOK_ONE                                                                  \
	XML_DECL "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_R "\"><sheets>"      \
		 "<sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"

/* A worksheet whose <sheetData> holds rows. */
#define SHEET(rows) XML_DECL "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>" rows "</sheetData></worksheet>"
#define SST(items) XML_DECL "<sst xmlns=\"" NS_MAIN "\">" items "</sst>"

/* ---- building packages ---- */

/* The usual one-sheet package: parts that are NULL are left out (and out of the rels). */
struct book {
	const char *sheet;    /* xl/worksheets/sheet1.xml */
	const char *sst;      /* xl/sharedStrings.xml */
	const char *styles;   /* xl/styles.xml */
	const char *workbook; /* xl/workbook.xml; NULL: WORKBOOK_ONE */
};

static unsigned char *make_book(const struct book *b, size_t *len)
{
	char rels[2048];
	const char *parts[16];
	size_t n = 0;
	int k;

	k = snprintf(rels, sizeof(rels),
		     XML_DECL "<Relationships xmlns=\"" NS_PKG "\">"
			      "<Relationship Id=\"rId1\" Type=\"" RT "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
			      "%s%s</Relationships>",
		     b->sst ? "<Relationship Id=\"rId2\" Type=\"" RT "sharedStrings\" "
			      "Target=\"sharedStrings.xml\"/>" : "",
		     b->styles ? "<Relationship Id=\"rId3\" Type=\"" RT "styles\" Target=\"styles.xml\"/>" : "");
	assert_true(k > 0 && (size_t)k < sizeof(rels));
	parts[n++] = "[Content_Types].xml";
	parts[n++] = CONTENT_TYPES;
	parts[n++] = "_rels/.rels";
	parts[n++] = ROOT_RELS;
	parts[n++] = "xl/workbook.xml";
	parts[n++] = b->workbook ? b->workbook : WORKBOOK_ONE;
	parts[n++] = "xl/_rels/workbook.xml.rels";
	parts[n++] = rels;
	if (b->sheet) {
		parts[n++] = "xl/worksheets/sheet1.xml";
		parts[n++] = b->sheet;
	}
	if (b->sst) {
		parts[n++] = "xl/sharedStrings.xml";
		parts[n++] = b->sst;
	}
	if (b->styles) {
		parts[n++] = "xl/styles.xml";
		parts[n++] = b->styles;
	}
	return make_zip(parts, n / 2, len);
}

/* A malloc'd string: head, then rep repeated count times, then tail. */
static char *repeat(const char *head, const char *rep, size_t count, const char *tail)
{
	size_t h = strlen(head), r = strlen(rep), t = strlen(tail);
	char *s = malloc(h + r * count + t + 1), *p = s;

	assert_non_null(s);
	memcpy(p, head, h);
	p += h;
	for (size_t i = 0; i < count; i++, p += r)
		memcpy(p, rep, r);
	memcpy(p, tail, t + 1);
	return s;
}

/* ---- collecting cells ---- */

struct got_cell {
	uint32_t row;
	uint16_t col;
	th_cell_type type;
	bool has_formula;
	double num;
	char *text;
	size_t len;
	char *formula;
	uint32_t frow;
	uint16_t fcol;
	uint32_t style;
};

struct got {
	struct got_cell *v;
	size_t n, cap;
	size_t stop_at; /* return stop_rv at this cell (1-based); 0 = never */
	int stop_rv;
	bool keep;      /* keep copies of the cells (false: count only) */
};

static int collect(void *ud, const th_cell *c)
{
	struct got *g = ud;

	assert_non_null(c->text);
	assert_non_null(c->formula);
	if (g->keep) {
		struct got_cell *k;

		if (g->n == g->cap) {
			g->cap = g->cap ? 2 * g->cap : 16;
			g->v = realloc(g->v, g->cap * sizeof(*g->v));
			assert_non_null(g->v);
		}
		k = &g->v[g->n];
		k->row = c->row;
		k->col = c->col;
		k->type = c->type;
		k->has_formula = c->has_formula;
		k->num = c->num;
		k->len = c->len;
		k->text = malloc(c->len + 1);
		assert_non_null(k->text);
		memcpy(k->text, c->text, c->len);
		k->text[c->len] = '\0';
		k->formula = strdup(c->formula);
		k->frow = c->frow;
		k->fcol = c->fcol;
		k->style = c->style;
	}
	g->n++;
	if (g->stop_at && g->n == g->stop_at)
		return g->stop_rv;
	return 0;
}

static void got_free(struct got *g)
{
	for (size_t i = 0; g->keep && i < g->n; i++) {
		free(g->v[i].text);
		free(g->v[i].formula);
	}
	free(g->v);
	memset(g, 0, sizeof(*g));
}

static void cell_at(const struct got *g, size_t i, uint32_t row, uint16_t col, th_cell_type type)
{
	if (i >= g->n)
		fail_msg("cell %zu: only %zu cells", i, g->n);
	if (g->v[i].row != row || g->v[i].col != col || g->v[i].type != type)
		fail_msg("cell %zu: got (%u,%u) type %d, want (%u,%u) type %d", i, g->v[i].row,
			 g->v[i].col, (int)g->v[i].type, row, col, (int)type);
}

static void text_at(const struct got *g, size_t i, uint32_t row, uint16_t col, th_cell_type type,
		    const char *text)
{
	cell_at(g, i, row, col, type);
	assert_string_equal(g->v[i].text, text);
	assert_int_equal(g->v[i].len, strlen(text));
}

static void num_at(const struct got *g, size_t i, uint32_t row, uint16_t col, double num)
{
	cell_at(g, i, row, col, TH_CELL_NUMBER);
	if (!(g->v[i].num == num))
		fail_msg("cell %zu: got %.17g, want %.17g", i, g->v[i].num, num);
	assert_string_equal(g->v[i].text, "");
}

/* Open buf (must succeed) as name with limits. */
static th_xlsx *open_ok(const unsigned char *buf, size_t len, const th_xlsx_limits *lim)
{
	th_xlsx *x = NULL;
	th_err e;

	th_err_clear(&e);
	if (th_xlsx_open_mem(&x, buf, len, "test.xlsx", lim, &e) != 0)
		fail_msg("open failed: %s (%d) %s", th_code_name(e.code), (int)e.code, e.msg);
	assert_non_null(x);
	return x;
}

/* Open and read sheet 0 into g (which keeps cells); returns what read_sheet returned. */
static int read_first(const unsigned char *buf, size_t len, const th_xlsx_limits *lim, struct got *g,
		      th_err *e)
{
	th_xlsx *x = open_ok(buf, len, lim);
	int rc;

	g->keep = true;
	th_err_clear(e);
	rc = th_xlsx_read_sheet(x, 0, collect, g, e);
	th_xlsx_free(x);
	return rc;
}

/* Open must fail with code; returns nothing, checks *out stays NULL. */
static void open_fails(const void *buf, size_t len, const char *name, const th_xlsx_limits *lim,
		       th_code code, th_err *e)
{
	th_xlsx *x = (th_xlsx *)(uintptr_t)1;

	th_err_clear(e);
	assert_int_equal(th_xlsx_open_mem(&x, buf, len, name, lim, e), -1);
	assert_null(x);
	if (e->code != code)
		fail_msg("got %s (%d), want %s (%d): %s", th_code_name(e->code), (int)e->code,
			 th_code_name(code), (int)code, e->msg);
	assert_true(e->msg[0] != '\0');
}

/* A one-sheet book whose reading must fail with code. */
static void read_fails(const struct book *b, const th_xlsx_limits *lim, th_code code, th_err *e)
{
	struct got g = { 0 };
	unsigned char *buf;
	size_t len;
	int rc;

	buf = make_book(b, &len);
	rc = read_first(buf, len, lim, &g, e);
	got_free(&g);
	free(buf);
	assert_int_equal(rc, -1);
	if (e->code != code)
		fail_msg("got %s (%d), want %s (%d): %s", th_code_name(e->code), (int)e->code,
			 th_code_name(code), (int)code, e->msg);
	assert_true(e->msg[0] != '\0');
}

/* ---- cell references ---- */

static void test_cellref(void **state)
{
	char out[TH_CELLREF_MAX];

	(void)state;
	assert_string_equal(th_cellref(0, 0, out), "A1");
	assert_string_equal(th_cellref(6, 1, out), "B7");
	assert_string_equal(th_cellref(0, 25, out), "Z1");
	assert_string_equal(th_cellref(0, 26, out), "AA1");
	assert_string_equal(th_cellref(9, 701, out), "ZZ10");
	assert_string_equal(th_cellref(0, 702, out), "AAA1");
	assert_string_equal(th_cellref(1048575, 16383, out), "XFD1048576");
	assert_ptr_equal(th_cellref(0, 0, out), out);
}

static void parse_ok(const char *s, uint32_t row, uint16_t col)
{
	uint32_t r = 77;
	uint16_t c = 77;

	if (th_cellref_parse(s, strlen(s), &r, &c) != 0)
		fail_msg("'%s' rejected", s);
	if (r != row || c != col)
		fail_msg("'%s': got row %u col %u, want row %u col %u", s, r, c, row, col);
}

static void parse_bad(const char *s)
{
	uint32_t r = 77;
	uint16_t c = 77;

	if (th_cellref_parse(s, strlen(s), &r, &c) != -1)
		fail_msg("'%s' accepted as row %u col %u", s, r, c);
}

static void test_cellref_parse(void **state)
{
	uint32_t r;
	uint16_t c;
	char out[TH_CELLREF_MAX];

	(void)state;
	parse_ok("A1", 0, 0);
	parse_ok("B7", 6, 1);
	parse_ok("b7", 6, 1);
	parse_ok("$B$7", 6, 1);
	parse_ok("$B7", 6, 1);
	parse_ok("B$7", 6, 1);
	parse_ok("AA10", 9, 26);
	parse_ok("XFD1048576", 1048575, 16383);
	parse_ok("A1048576", 1048575, 0);
	parse_bad("XFE1");
	parse_bad("AAAA1");
	parse_bad("A0");
	parse_bad("A1048577");
	parse_bad("A99999999999999999999");
	parse_bad("");
	parse_bad("1A");
	parse_bad("A");
	parse_bad("7");
	parse_bad("A1B");
	parse_bad("A1:B2");
	parse_bad("$$A1");
	parse_bad("Ä1");
	/* only n bytes are read */
	assert_int_equal(th_cellref_parse("A12", 2, &r, &c), 0);
	assert_int_equal(r, 0);
	assert_int_equal(th_cellref_parse("A1", 0, &r, &c), -1);
	/* every column survives a round trip */
	for (uint32_t col = 0; col < TH_MAX_COLS; col++) {
		th_cellref(123, (uint16_t)col, out);
		if (th_cellref_parse(out, strlen(out), &r, &c) != 0 || r != 123 || c != col)
			fail_msg("column %u: '%s' reads back as %u/%u", col, out, r, c);
	}
}

/* ---- package structure ---- */

static void test_sheets_nondefault_parts(void **state)
{
	static const char *const parts[] = {
		"[Content_Types].xml", CONTENT_TYPES,
		"_rels/.rels", ROOT_RELS,
		"xl/workbook.xml",
		XML_DECL "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_R "\"><sheets>"
		"<sheet name=\"Tổng hợp\" sheetId=\"1\" r:id=\"rId3\"/>"
		"<sheet name=\"Biểu đồ\" sheetId=\"2\" r:id=\"rId4\"/>"
		"<sheet name=\"Ẩn\" sheetId=\"3\" state=\"hidden\" r:id=\"rId1\"/>"
		"<sheet name=\"Mất\" sheetId=\"4\" r:id=\"rId5\"/>"
		"<sheet name=\"Rất ẩn\" sheetId=\"5\" state=\"veryHidden\" r:id=\"rId2\"/>"
		"<sheet name=\"Không quan hệ\" sheetId=\"6\" r:id=\"rId99\"/>"
		"</sheets></workbook>",
		"xl/_rels/workbook.xml.rels",
		XML_DECL "<Relationships xmlns=\"" NS_PKG "\">"
		"<Relationship Id=\"rId3\" Type=\"" RT "worksheet\" Target=\"ws/data.xml\"/>"
		"<Relationship Id=\"rId1\" Type=\"" RT "worksheet\" Target=\"/xl/worksheets/hidden.xml\"/>"
		"<Relationship Id=\"rId2\" Type=\"" RT "worksheet\" Target=\"../xl/ws/./vh.xml\"/>"
		"<Relationship Id=\"rId4\" Type=\"" RT "chartsheet\" Target=\"chartsheets/sheet1.xml\"/>"
		"<Relationship Id=\"rId5\" Type=\"" RT "worksheet\" Target=\"ws/missing.xml\"/>"
		"<Relationship Id=\"rId6\" Type=\"" RT "styles\" Target=\"s.xml\"/>"
		"</Relationships>",
		"xl/ws/data.xml",
		SHEET("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>1</v></c></row>"),
		"xl/worksheets/hidden.xml", SHEET("<row r=\"2\"><c r=\"B2\"><v>2</v></c></row>"),
		"xl/ws/vh.xml", SHEET("<row r=\"3\"><c r=\"C3\"><v>3</v></c></row>"),
		"xl/chartsheets/sheet1.xml",
		XML_DECL "<chartsheet xmlns=\"" NS_MAIN "\"><sheetViews/></chartsheet>",
		"xl/s.xml",
		XML_DECL "<styleSheet xmlns=\"" NS_MAIN "\">"
		"<fonts count=\"2\"><font><name val=\"Arial\"/></font><font><name val=\".VnTime\"/></font></fonts>"
		"<cellXfs count=\"2\"><xf numFmtId=\"0\" fontId=\"0\"/><xf numFmtId=\"14\" fontId=\"1\"/></cellXfs>"
		"</styleSheet>",
	};
	unsigned char *buf;
	size_t len;
	th_xlsx *x;
	th_err e;
	struct got g = { .keep = true };

	(void)state;
	buf = make_zip(parts, sizeof(parts) / sizeof(parts[0]) / 2, &len);
	x = open_ok(buf, len, NULL);
	assert_int_equal(th_xlsx_sheet_count(x), 3);
	assert_string_equal(th_xlsx_sheet_name(x, 0), "Tổng hợp");
	assert_string_equal(th_xlsx_sheet_part(x, 0), "xl/ws/data.xml");
	assert_int_equal(th_xlsx_sheet_state(x, 0), TH_SHEET_VISIBLE);
	assert_string_equal(th_xlsx_sheet_name(x, 1), "Ẩn");
	assert_string_equal(th_xlsx_sheet_part(x, 1), "xl/worksheets/hidden.xml");
	assert_int_equal(th_xlsx_sheet_state(x, 1), TH_SHEET_HIDDEN);
	assert_string_equal(th_xlsx_sheet_name(x, 2), "Rất ẩn");
	assert_string_equal(th_xlsx_sheet_part(x, 2), "xl/ws/vh.xml");
	assert_int_equal(th_xlsx_sheet_state(x, 2), TH_SHEET_VERYHIDDEN);
	/* styles come from xl/s.xml */
	assert_int_equal(th_xlsx_style_kind(x, 1), TH_NUM_DATE);
	assert_string_equal(th_xlsx_style_font(x, 1), ".VnTime");
	assert_string_equal(th_xlsx_style_font(x, 0), "Arial");
	assert_false(th_xlsx_date1904(x));
	assert_int_equal(th_xlsx_shared_count(x), 0);

	/* each sheet reads its own part */
	th_err_clear(&e);
	assert_int_equal(th_xlsx_read_sheet(x, 2, collect, &g, &e), 0);
	assert_int_equal(g.n, 1);
	num_at(&g, 0, 2, 2, 3);
	got_free(&g);
	g.keep = true;
	assert_int_equal(th_xlsx_read_sheet(x, 0, collect, &g, &e), 0);
	assert_int_equal(g.n, 1);
	num_at(&g, 0, 0, 0, 1);
	assert_int_equal(g.v[0].style, 1);
	got_free(&g);
	g.keep = true;
	assert_int_equal(th_xlsx_read_sheet(x, 1, collect, &g, &e), 0);
	num_at(&g, 0, 1, 1, 2);
	got_free(&g);

	/* past the last sheet */
	th_err_clear(&e);
	assert_int_equal(th_xlsx_read_sheet(x, 3, collect, &g, &e), -1);
	assert_int_equal(e.code, TH_E_NO_SHEET);
	assert_int_equal(g.n, 0);
	th_xlsx_free(x);
	free(buf);
}

static void test_workbook_elsewhere(void **state)
{
	/* the workbook itself at a non-default name, found through _rels/.rels */
	static const char *const parts[] = {
		"_rels/.rels",
		XML_DECL "<Relationships xmlns=\"" NS_PKG "\"><Relationship Id=\"r\" Type=\"" RT
		"officeDocument\" Target=\"/book/main.xml\"/></Relationships>",
		"book/main.xml",
		XML_DECL "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_R "\"><sheets>"
		"<sheet name=\"Một\" sheetId=\"1\" r:id=\"a\"/></sheets></workbook>",
		"book/_rels/main.xml.rels",
		XML_DECL "<Relationships xmlns=\"" NS_PKG "\">"
		"<Relationship Id=\"a\" Type=\"" RT "worksheet\" Target=\"sheets/one.xml\"/>"
		"</Relationships>",
		"book/sheets/one.xml", SHEET("<row r=\"1\"><c r=\"A1\"><v>5</v></c></row>"),
	};
	unsigned char *buf;
	size_t len;
	th_xlsx *x;

	(void)state;
	buf = make_zip(parts, sizeof(parts) / sizeof(parts[0]) / 2, &len);
	x = open_ok(buf, len, NULL);
	assert_int_equal(th_xlsx_sheet_count(x), 1);
	assert_string_equal(th_xlsx_sheet_name(x, 0), "Một");
	assert_string_equal(th_xlsx_sheet_part(x, 0), "book/sheets/one.xml");
	th_xlsx_free(x);
	free(buf);
}

static void test_max_sheets(void **state)
{
	struct book b = {
		.sheet = SHEET(""),
		.workbook = XML_DECL "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_R "\"><sheets>"
			    "<sheet name=\"A\" sheetId=\"1\" r:id=\"rId1\"/>"
			    "<sheet name=\"B\" sheetId=\"2\" r:id=\"rId1\"/>"
			    "<sheet name=\"C\" sheetId=\"3\" r:id=\"rId1\"/></sheets></workbook>",
	};
	th_xlsx_limits lim = th_xlsx_default_limits;
	unsigned char *buf;
	size_t len;
	th_xlsx *x;
	th_err e;

	(void)state;
	buf = make_book(&b, &len);
	x = open_ok(buf, len, NULL);
	assert_int_equal(th_xlsx_sheet_count(x), 3);
	assert_string_equal(th_xlsx_sheet_name(x, 2), "C");
	th_xlsx_free(x);
	lim.max_sheets = 2;
	open_fails(buf, len, "test.xlsx", &lim, TH_E_TOO_BIG, &e);
	free(buf);
}

/* ---- shared strings ---- */

static void test_shared_strings(void **state)
{
	struct book b = {
		.sst = SST("<si><t>plain</t></si>"
			   "<si><r><t xml:space=\"preserve\">Xin </t></r>"
			   "<r><rPr><b/><rFont val=\"Arial\"/></rPr><t>chào</t></r></si>"
			   "<si><t>漢字</t><rPh sb=\"0\" eb=\"2\"><t>かんじ</t></rPh><phoneticPr fontId=\"1\"/></si>"
			   "<si><r><t>a</t></r><rPh sb=\"0\" eb=\"1\"><t>X</t></rPh><r><t>b</t></r></si>"
			   "<si><t>a_x000D_b_x005F_x000D_c_x005f_</t></si>"
			   "<si><t>_xD83D__xDE00_ _xD800_!</t></si>"
			   "<si><t/></si>"
			   "<si><t>&lt;&amp;&gt;</t></si>"),
		.sheet = SHEET("<row r=\"1\">"
			       "<c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c>"
			       "<c r=\"C1\" t=\"s\"><v>2</v></c><c r=\"D1\" t=\"s\"><v>3</v></c>"
			       "<c r=\"E1\" t=\"s\"><v>4</v></c><c r=\"F1\" t=\"s\"><v>5</v></c>"
			       "<c r=\"G1\" t=\"s\"><v>6</v></c><c r=\"H1\" t=\"s\"><v>7</v></c>"
			       "<c r=\"I1\" t=\"s\"><v>1</v></c><c r=\"J1\" t=\"s\"/></row>"),
	};
	unsigned char *buf;
	size_t len;
	th_xlsx *x;
	th_err e;
	struct got g = { .keep = true };

	(void)state;
	buf = make_book(&b, &len);
	x = open_ok(buf, len, NULL);
	assert_int_equal(th_xlsx_shared_count(x), 8);
	th_err_clear(&e);
	assert_int_equal(th_xlsx_read_sheet(x, 0, collect, &g, &e), 0);
	assert_int_equal(g.n, 10);
	text_at(&g, 0, 0, 0, TH_CELL_STRING, "plain");
	text_at(&g, 1, 0, 1, TH_CELL_STRING, "Xin chào");     /* runs joined */
	text_at(&g, 2, 0, 2, TH_CELL_STRING, "漢字");         /* rPh left out */
	text_at(&g, 3, 0, 3, TH_CELL_STRING, "ab");
	text_at(&g, 4, 0, 4, TH_CELL_STRING, "a\rb_x000D_c_"); /* _x005F_ escapes the underscore */
	text_at(&g, 5, 0, 5, TH_CELL_STRING, "\xF0\x9F\x98\x80 \xEF\xBF\xBD!");
	text_at(&g, 6, 0, 6, TH_CELL_STRING, "");
	text_at(&g, 7, 0, 7, TH_CELL_STRING, "<&>");
	text_at(&g, 8, 0, 8, TH_CELL_STRING, "Xin chào");     /* the same string twice */
	text_at(&g, 9, 0, 9, TH_CELL_EMPTY, "");              /* no <v> */
	assert_false(g.v[0].has_formula);
	got_free(&g);
	th_xlsx_free(x);
	free(buf);
}

/* ---- cell types ---- */

static void test_cell_types(void **state)
{
	struct book b = {
		.sheet = SHEET(
			"<row r=\"1\">"
			"<c r=\"A1\" t=\"inlineStr\"><is><t>inline _x000D_ x</t></is></c>"
			"<c r=\"B1\" t=\"inlineStr\"><is><r><t>x</t></r><r><rPr><i/></rPr><t>y</t></r>"
			"<rPh><t>Z</t></rPh></is></c>"
			"<c r=\"C1\" t=\"str\"><f>\"a\"&amp;\"b\"</f><v>ab_x005F_x</v></c>"
			"<c r=\"D1\" t=\"b\"><v>1</v></c>"
			"<c r=\"E1\" t=\"b\"><v>0</v></c>"
			"<c r=\"F1\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c>"
			"<c r=\"G1\" t=\"d\"><v>2023-09-12T00:00:00</v></c>"
			"<c r=\"H1\" s=\"3\"/>"
			"<c r=\"I1\"><f>NOW()</f></c>"
			"<c r=\"J1\" t=\"inlineStr\"><is><t></t></is></c>"
			"</row>"),
	};
	unsigned char *buf;
	size_t len;
	th_err e;
	struct got g = { 0 };

	(void)state;
	buf = make_book(&b, &len);
	assert_int_equal(read_first(buf, len, NULL, &g, &e), 0);
	assert_int_equal(g.n, 10);
	text_at(&g, 0, 0, 0, TH_CELL_STRING, "inline \r x");
	text_at(&g, 1, 0, 1, TH_CELL_STRING, "xy");
	text_at(&g, 2, 0, 2, TH_CELL_STRING, "ab_x");
	assert_true(g.v[2].has_formula);
	assert_string_equal(g.v[2].formula, "\"a\"&\"b\"");
	cell_at(&g, 3, 0, 3, TH_CELL_BOOL);
	assert_true(g.v[3].num == 1);
	cell_at(&g, 4, 0, 4, TH_CELL_BOOL);
	assert_true(g.v[4].num == 0);
	text_at(&g, 5, 0, 5, TH_CELL_ERROR, "#DIV/0!");
	assert_string_equal(g.v[5].formula, "1/0");
	text_at(&g, 6, 0, 6, TH_CELL_DATE, "2023-09-12T00:00:00");
	text_at(&g, 7, 0, 7, TH_CELL_EMPTY, "");
	assert_int_equal(g.v[7].style, 3);
	assert_false(g.v[7].has_formula);
	assert_string_equal(g.v[7].formula, "");
	/* a formula with no cached value */
	text_at(&g, 8, 0, 8, TH_CELL_EMPTY, "");
	assert_true(g.v[8].has_formula);
	assert_string_equal(g.v[8].formula, "NOW()");
	text_at(&g, 9, 0, 9, TH_CELL_STRING, "");
	got_free(&g);
	free(buf);
}

static void test_numbers(void **state)
{
	struct book b = {
		.sheet = SHEET(
			"<row r=\"1\">"
			"<c r=\"A1\"><v>45181</v></c>"
			"<c r=\"B1\" t=\"n\"><v>-12.5</v></c>"
			"<c r=\"C1\"><v>0.1</v></c>"
			"<c r=\"D1\"><v>1234567890.12345</v></c>"
			"<c r=\"E1\"><v>0.30000000000000004</v></c>"
			"<c r=\"F1\"><v>9007199254740993</v></c>"
			"<c r=\"G1\"><v>1.5E-3</v></c>"
			"<c r=\"H1\"><v>-0</v></c>"
			"<c r=\"I1\"><v> 7 </v></c>"
			"<c r=\"J1\"><v>123456789012345</v></c>"
			"<c r=\"K1\"><v>0.000123</v></c>"
			"<c r=\"L1\"><v>12abc</v></c>"
			"<c r=\"M1\"><v>1e400</v></c>"
			"<c r=\"N1\"><v>-</v></c>"
			"<c r=\"O1\"><v>2.</v></c>"
			"<c r=\"P1\"><v>.5</v></c>"
			"<c r=\"Q1\"><v>44197.423726851855</v></c>"
			"<c r=\"R1\"><v>1E+300</v></c>"
			"<c r=\"S1\"><v></v></c>"
			"</row>"),
	};
	unsigned char *buf;
	size_t len;
	th_err e;
	struct got g = { 0 };

	(void)state;
	buf = make_book(&b, &len);
	assert_int_equal(read_first(buf, len, NULL, &g, &e), 0);
	assert_int_equal(g.n, 19);
	num_at(&g, 0, 0, 0, 45181);
	num_at(&g, 1, 0, 1, -12.5);
	num_at(&g, 2, 0, 2, 0.1);
	num_at(&g, 3, 0, 3, 1234567890.12345);
	num_at(&g, 4, 0, 4, 0.30000000000000004);
	num_at(&g, 5, 0, 5, 9007199254740992.0); /* ties to even, as strtod */
	num_at(&g, 6, 0, 6, 0.0015);
	num_at(&g, 7, 0, 7, 0);
	num_at(&g, 8, 0, 8, 7);
	num_at(&g, 9, 0, 9, 123456789012345.0);
	num_at(&g, 10, 0, 10, 0.000123);
	text_at(&g, 11, 0, 11, TH_CELL_STRING, "12abc"); /* kept as written */
	text_at(&g, 12, 0, 12, TH_CELL_STRING, "1e400");
	text_at(&g, 13, 0, 13, TH_CELL_STRING, "-");
	num_at(&g, 14, 0, 14, 2);
	num_at(&g, 15, 0, 15, 0.5);
	num_at(&g, 16, 0, 16, 44197.423726851855);
	num_at(&g, 17, 0, 17, 1e300);
	text_at(&g, 18, 0, 18, TH_CELL_EMPTY, "");
	got_free(&g);
	free(buf);
}

/* Decimals that the fast path must round exactly as a correctly rounded strtod. */
static void test_numbers_exact_rounding(void **state)
{
	static const char *const vals[] = {
		"0.1", "0.2", "0.3", "1.1", "2.675", "1.005", "0.07", "100.01", "45181.5",
		"-3.3", "8.000000000000001", "0.000000000000001", "999999999999999",
		"99999999999999.9", "1.23456789012345", "-0.000001", "4.35", "1234.5678",
	};
	char rows[4096], sheet[5000];
	size_t n = sizeof(vals) / sizeof(vals[0]), off = 0;
	struct book b = { .sheet = sheet };
	unsigned char *buf;
	size_t len;
	th_err e;
	struct got g = { 0 };

	(void)state;
	for (size_t i = 0; i < n; i++)
		off += (size_t)snprintf(rows + off, sizeof(rows) - off, "<row><c><v>%s</v></c></row>", vals[i]);
	snprintf(sheet, sizeof(sheet), SHEET("%s"), rows);
	buf = make_book(&b, &len);
	assert_int_equal(read_first(buf, len, NULL, &g, &e), 0);
	assert_int_equal(g.n, n);
	for (size_t i = 0; i < n; i++) {
		double want = strtod(vals[i], NULL); /* glibc's strtod rounds correctly */
		cell_at(&g, i, (uint32_t)i, 0, TH_CELL_NUMBER);
		if (memcmp(&g.v[i].num, &want, sizeof(want)) != 0)
			fail_msg("'%s': got %.17g, want %.17g", vals[i], g.v[i].num, want);
	}
	got_free(&g);
	free(buf);
}

static void test_formulas(void **state)
{
	struct book b = {
		.sheet = SHEET(
			"<row r=\"1\"><c r=\"A1\"><v>3</v></c>"
			"<c r=\"B1\"><f>SUM(A1:A3)</f><v>6</v></c></row>"
			"<row r=\"2\"><c r=\"B2\"><f t=\"shared\" ref=\"B2:B3\" si=\"0\">A2*2</f><v>4</v></c></row>"
			"<row r=\"3\"><c r=\"B3\"><f t=\"shared\" si=\"0\"/><v>8</v></c>"
			"<c r=\"C3\"><v>1</v></c>"
			"<c r=\"D3\" t=\"str\"><f>IF(C3=1,\"\",C3)</f><v></v></c>"
			"<c r=\"E3\"><f t=\"shared\" si=\"7\"/><v>2</v></c></row>"),
	};
	unsigned char *buf;
	size_t len;
	th_err e;
	struct got g = { 0 };

	(void)state;
	buf = make_book(&b, &len);
	assert_int_equal(read_first(buf, len, NULL, &g, &e), 0);
	assert_int_equal(g.n, 7);
	num_at(&g, 0, 0, 0, 3);
	assert_false(g.v[0].has_formula);
	assert_string_equal(g.v[0].formula, "");
	num_at(&g, 1, 0, 1, 6);
	assert_true(g.v[1].has_formula);
	assert_string_equal(g.v[1].formula, "SUM(A1:A3)");
	num_at(&g, 2, 1, 1, 4);
	assert_true(g.v[2].has_formula);
	assert_string_equal(g.v[2].formula, "A2*2");
	assert_true(g.v[2].frow == 1 && g.v[2].fcol == 1);
	/* a shared-formula child: its master's text, and where that is (B2), to shift from */
	num_at(&g, 3, 2, 1, 8);
	assert_true(g.v[3].has_formula);
	assert_string_equal(g.v[3].formula, "A2*2");
	assert_true(g.v[3].frow == 1 && g.v[3].fcol == 1);
	/* the next cell does not inherit the formula */
	num_at(&g, 4, 2, 2, 1);
	assert_false(g.v[4].has_formula);
	assert_string_equal(g.v[4].formula, "");
	/* a formula whose result is the empty text (LibreOffice) has a result: "" */
	text_at(&g, 5, 2, 3, TH_CELL_STRING, "");
	assert_true(g.v[5].has_formula);
	/* a child whose master never came: a formula without text, its stored result kept */
	num_at(&g, 6, 2, 4, 2);
	assert_true(g.v[6].has_formula);
	assert_string_equal(g.v[6].formula, "");
	got_free(&g);
	free(buf);
}

static void test_positions_without_r(void **state)
{
	struct book b = {
		.sheet = SHEET("<row><c><v>1</v></c><c><v>2</v></c></row>"
			       "<row><c t=\"inlineStr\"><is><t>x</t></is></c></row>"
			       "<row r=\"5\"><c r=\"C5\"><v>3</v></c><c><v>4</v></c></row>"
			       "<row><c><v>5</v></c><c r=\"Z6\"><v>6</v></c><c><v>7</v></c></row>"
			       "<row r=\"10\" spans=\"1:2\"><c><v>8</v></c></row>"),
	};
	unsigned char *buf;
	size_t len;
	th_err e;
	struct got g = { 0 };

	(void)state;
	buf = make_book(&b, &len);
	assert_int_equal(read_first(buf, len, NULL, &g, &e), 0);
	assert_int_equal(g.n, 9);
	num_at(&g, 0, 0, 0, 1);
	num_at(&g, 1, 0, 1, 2);
	text_at(&g, 2, 1, 0, TH_CELL_STRING, "x");
	num_at(&g, 3, 4, 2, 3);
	num_at(&g, 4, 4, 3, 4);
	num_at(&g, 5, 5, 0, 5);
	num_at(&g, 6, 5, 25, 6);
	num_at(&g, 7, 5, 26, 7);
	num_at(&g, 8, 9, 0, 8);
	got_free(&g);
	free(buf);
}

/* ---- styles ---- */

static void test_styles(void **state)
{
	struct book b = {
		.styles = XML_DECL "<styleSheet xmlns=\"" NS_MAIN "\">"
			  "<numFmts count=\"3\"><numFmt numFmtId=\"164\" formatCode=\"dd/mm/yyyy\"/>"
			  "<numFmt numFmtId=\"165\" formatCode=\"0.0%\"/>"
			  "<numFmt numFmtId=\"166\" formatCode=\"[h]:mm\"/></numFmts>"
			  "<fonts count=\"2\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font>"
			  "<font><b/><sz val=\"12\"/><name val=\".VnTime\"/><family val=\"2\"/></font></fonts>"
			  "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\" fontId=\"1\"/></cellStyleXfs>"
			  "<cellXfs count=\"7\">"
			  "<xf numFmtId=\"0\" fontId=\"0\" xfId=\"0\"/>"
			  "<xf numFmtId=\"164\" fontId=\"1\" applyNumberFormat=\"1\"/>"
			  "<xf numFmtId=\"10\" fontId=\"0\"/>"
			  "<xf numFmtId=\"165\"/>"
			  "<xf numFmtId=\"14\" fontId=\"7\"/>"
			  "<xf numFmtId=\"166\" fontId=\"1\"/>"
			  "<xf numFmtId=\"49\" fontId=\"0\"/>"
			  "</cellXfs>"
			  "<dxfs count=\"1\"><dxf><font><name val=\"Wingdings\"/></font>"
			  "<numFmt numFmtId=\"164\" formatCode=\"0.00\"/></dxf></dxfs>"
			  "</styleSheet>",
		.sheet = SHEET("<row r=\"1\"><c r=\"A1\" s=\"1\"><v>45181</v></c>"
			       "<c r=\"B1\" s=\"2\"><v>0.8816</v></c></row>"),
	};
	unsigned char *buf;
	size_t len;
	th_xlsx *x;
	th_err e;
	struct got g = { .keep = true };
	char iso[TH_ISO_MAX];

	(void)state;
	buf = make_book(&b, &len);
	x = open_ok(buf, len, NULL);
	/* style 0 is the first cellXfs xf, not the cellStyleXfs one */
	assert_int_equal(th_xlsx_style_kind(x, 0), TH_NUM_GENERAL);
	assert_string_equal(th_xlsx_style_format(x, 0), "General");
	assert_string_equal(th_xlsx_style_font(x, 0), "Calibri");
	assert_int_equal(th_xlsx_style_kind(x, 1), TH_NUM_DATE);
	assert_string_equal(th_xlsx_style_format(x, 1), "dd/mm/yyyy"); /* not the dxf's code */
	assert_string_equal(th_xlsx_style_font(x, 1), ".VnTime");
	assert_int_equal(th_xlsx_style_kind(x, 2), TH_NUM_PERCENT);
	assert_string_equal(th_xlsx_style_format(x, 2), "0.00%");
	assert_int_equal(th_xlsx_style_kind(x, 3), TH_NUM_PERCENT);
	assert_string_equal(th_xlsx_style_format(x, 3), "0.0%");
	assert_string_equal(th_xlsx_style_font(x, 3), "Calibri"); /* fontId defaults to 0 */
	assert_int_equal(th_xlsx_style_kind(x, 4), TH_NUM_DATE);
	assert_string_equal(th_xlsx_style_format(x, 4), "mm-dd-yy");
	assert_string_equal(th_xlsx_style_font(x, 4), ""); /* font 7 does not exist */
	assert_int_equal(th_xlsx_style_kind(x, 5), TH_NUM_TIME);
	assert_true(th_numkind_is_serial(th_xlsx_style_kind(x, 5)));
	assert_int_equal(th_xlsx_style_kind(x, 6), TH_NUM_TEXT);
	/* an unknown style index */
	assert_int_equal(th_xlsx_style_kind(x, 7), TH_NUM_GENERAL);
	assert_string_equal(th_xlsx_style_format(x, 7), "General");
	assert_string_equal(th_xlsx_style_font(x, 7), "");
	assert_int_equal(th_xlsx_style_kind(x, UINT32_MAX), TH_NUM_GENERAL);

	th_err_clear(&e);
	assert_int_equal(th_xlsx_read_sheet(x, 0, collect, &g, &e), 0);
	assert_int_equal(g.n, 2);
	num_at(&g, 0, 0, 0, 45181);
	assert_int_equal(g.v[0].style, 1);
	assert_int_equal(th_xlsx_style_kind(x, g.v[0].style), TH_NUM_DATE);
	assert_int_equal(th_serial_to_iso(g.v[0].num, th_xlsx_date1904(x), iso), 19);
	assert_string_equal(iso, "2023-09-12T00:00:00");
	num_at(&g, 1, 0, 1, 0.8816);
	assert_int_equal(th_xlsx_style_kind(x, g.v[1].style), TH_NUM_PERCENT);
	got_free(&g);
	th_xlsx_free(x);
	free(buf);
}

/* ---- date1904 ---- */

static bool date1904_of(const char *workbook)
{
	struct book b = { .sheet = SHEET(""), .workbook = workbook };
	unsigned char *buf;
	size_t len;
	th_xlsx *x;
	bool d;

	buf = make_book(&b, &len);
	x = open_ok(buf, len, NULL);
	assert_int_equal(th_xlsx_sheet_count(x), 1);
	d = th_xlsx_date1904(x);
	th_xlsx_free(x);
	free(buf);
	return d;
}

#define WB_HEAD XML_DECL "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_R "\" " \
			 "xmlns:x14=\"http://schemas.microsoft.com/office/spreadsheetml/2009/9/main\">"
#define WB_SHEETS "<sheets><sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets>"

static void test_date1904(void **state)
{
	(void)state;
	assert_false(date1904_of(WB_HEAD WB_SHEETS "</workbook>"));
	assert_false(date1904_of(WB_HEAD "<workbookPr defaultThemeVersion=\"124226\"/>" WB_SHEETS
				 "</workbook>"));
	assert_true(date1904_of(WB_HEAD "<workbookPr date1904=\"1\"/>" WB_SHEETS "</workbook>"));
	assert_true(date1904_of(WB_HEAD "<workbookPr date1904=\"true\"/>" WB_SHEETS "</workbook>"));
	assert_false(date1904_of(WB_HEAD "<workbookPr date1904=\"0\"/>" WB_SHEETS "</workbook>"));
	/* an x14:workbookPr in an extension list does not reset it */
	assert_true(date1904_of(WB_HEAD "<workbookPr date1904=\"1\"/>" WB_SHEETS
				"<extLst><ext uri=\"{79F54976-1DA5-4618-B147-4CDE4B953A38}\">"
				"<x14:workbookPr defaultImageDpi=\"220\"/></ext></extLst></workbook>"));
	/* nor sets it */
	assert_false(date1904_of(WB_HEAD "<workbookPr/>" WB_SHEETS
				 "<extLst><ext uri=\"{X}\"><x14:workbookPr date1904=\"1\"/></ext></extLst>"
				 "</workbook>"));
}

static void test_date1904_serials(void **state)
{
	char iso[TH_ISO_MAX];
	bool d = date1904_of(WB_HEAD "<workbookPr date1904=\"1\"/>" WB_SHEETS "</workbook>");

	(void)state;
	assert_true(d);
	th_serial_to_iso(43719, d, iso);
	assert_string_equal(iso, "2023-09-12T00:00:00");
}

/* ---- merged ranges ---- */

static void test_merges(void **state)
{
	struct book b = {
		.sheet = XML_DECL "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>"
			 "<row r=\"1\"><c r=\"A1\"><v>1</v></c></row></sheetData>"
			 "<mergeCells count=\"4\"><mergeCell ref=\"A1:C1\"/><mergeCell ref=\"B3:A2\"/>"
			 "<mergeCell ref=\"D4\"/><mergeCell ref=\"XFE1:XFE2\"/>"
			 "<mergeCell ref=\"$E$5:$F$10\"/></mergeCells></worksheet>",
	};
	unsigned char *buf;
	size_t len, n = 99;
	th_xlsx *x;
	th_err e;
	struct got g = { 0 };
	const th_range *m;

	(void)state;
	buf = make_book(&b, &len);
	x = open_ok(buf, len, NULL);
	m = th_xlsx_merges(x, &n);
	assert_int_equal(n, 0); /* no sheet read yet */
	th_err_clear(&e);
	assert_int_equal(th_xlsx_read_sheet(x, 0, collect, &g, &e), 0);
	m = th_xlsx_merges(x, &n);
	assert_int_equal(n, 4);
	assert_true(m[0].r1 == 0 && m[0].r2 == 0 && m[0].c1 == 0 && m[0].c2 == 2);
	assert_true(m[1].r1 == 1 && m[1].r2 == 2 && m[1].c1 == 0 && m[1].c2 == 1);
	assert_true(m[2].r1 == 3 && m[2].r2 == 3 && m[2].c1 == 3 && m[2].c2 == 3);
	assert_true(m[3].r1 == 4 && m[3].r2 == 9 && m[3].c1 == 4 && m[3].c2 == 5);
	/* reading again does not pile them up */
	g.n = 0;
	assert_int_equal(th_xlsx_read_sheet(x, 0, collect, &g, &e), 0);
	th_xlsx_merges(x, &n);
	assert_int_equal(n, 4);
	th_xlsx_free(x);
	free(buf);
}

/* ---- hidden rows and columns, fullCalcOnLoad ---- */

static void test_hidden(void **state)
{
	struct book b = {
		.sheet = XML_DECL "<worksheet xmlns=\"" NS_MAIN "\"><cols>"
			 "<col min=\"2\" max=\"2\" width=\"9\" hidden=\"1\"/><col min=\"3\" max=\"3\" width=\"9\"/>"
			 "<col min=\"5\" max=\"7\" hidden=\"true\"/><col min=\"0\" max=\"2\" hidden=\"1\"/></cols>"
			 "<sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"
			 "<row r=\"3\" hidden=\"1\"><c r=\"A3\"><v>1</v></c></row>"
			 "<row r=\"4\" hidden=\"0\"/><row hidden=\"true\"/></sheetData></worksheet>",
		.workbook = XML_DECL "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_R "\"><sheets>"
			    "<sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets>"
			    "<calcPr calcId=\"124519\" fullCalcOnLoad=\"1\"/></workbook>",
	};
	unsigned char *buf;
	size_t len, n = 99;
	th_xlsx *x;
	th_err e;
	struct got g = { 0 };
	const th_span *h;

	(void)state;
	buf = make_book(&b, &len);
	x = open_ok(buf, len, NULL);
	assert_true(th_xlsx_full_calc(x));
	th_xlsx_hidden(x, false, &n);
	assert_int_equal(n, 0); /* no sheet read yet */
	th_err_clear(&e);
	assert_int_equal(th_xlsx_read_sheet(x, 0, collect, &g, &e), 0);
	/* columns B and E:G (0-based 1 and 4-6); a <col> with min 0 is no column */
	h = th_xlsx_hidden(x, true, &n);
	assert_int_equal(n, 2);
	assert_true(h[0].first == 1 && h[0].last == 1 && h[1].first == 4 && h[1].last == 6);
	/* rows 3 and 5 (0-based 2 and 4), not row 4 */
	h = th_xlsx_hidden(x, false, &n);
	assert_int_equal(n, 2);
	assert_true(h[0].first == 2 && h[0].last == 2 && h[1].first == 4 && h[1].last == 4);
	/* reading again does not pile them up */
	assert_int_equal(th_xlsx_read_sheet(x, 0, collect, &g, &e), 0);
	th_xlsx_hidden(x, false, &n);
	assert_int_equal(n, 2);
	th_xlsx_free(x);
	got_free(&g);
	free(buf);
	/* without calcPr, or with fullCalcOnLoad="0", the stored results stand */
	b.workbook = NULL;
	buf = make_book(&b, &len);
	x = open_ok(buf, len, NULL);
	assert_false(th_xlsx_full_calc(x));
	th_xlsx_free(x);
	free(buf);
}

/* ---- Strict OOXML and prefixed elements ---- */

static void test_strict(void **state)
{
	static const char *const parts[] = {
		"[Content_Types].xml", CONTENT_TYPES,
		"_rels/.rels",
		XML_DECL "<Relationships xmlns=\"" NS_PKG "\"><Relationship Id=\"rId1\" Type=\"" S_RT
		"officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>",
		"xl/workbook.xml",
		XML_DECL "<workbook xmlns=\"" S_MAIN "\" xmlns:r=\"" S_R "\">"
		"<workbookPr date1904=\"1\" dateCompatibility=\"0\"/><sheets>"
		"<sheet name=\"Nghiêm\" sheetId=\"1\" r:id=\"rId1\"/>"
		"<sheet name=\"Hai\" sheetId=\"2\" state=\"hidden\" r:id=\"rId4\"/></sheets></workbook>",
		"xl/_rels/workbook.xml.rels",
		XML_DECL "<Relationships xmlns=\"" NS_PKG "\">"
		"<Relationship Id=\"rId1\" Type=\"" S_RT "worksheet\" Target=\"worksheets/sheet1.xml\"/>"
		"<Relationship Id=\"rId4\" Type=\"" S_RT "worksheet\" Target=\"worksheets/sheet2.xml\"/>"
		"<Relationship Id=\"rId2\" Type=\"" S_RT "sharedStrings\" Target=\"sharedStrings.xml\"/>"
		"<Relationship Id=\"rId3\" Type=\"" S_RT "styles\" Target=\"styles.xml\"/>"
		"</Relationships>",
		"xl/worksheets/sheet1.xml",
		XML_DECL "<worksheet xmlns=\"" S_MAIN "\" xmlns:r=\"" S_R "\"><sheetData>"
		"<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" s=\"1\"><v>100</v></c></row>"
		"</sheetData><mergeCells count=\"1\"><mergeCell ref=\"A1:B1\"/></mergeCells></worksheet>",
		"xl/worksheets/sheet2.xml", XML_DECL "<worksheet xmlns=\"" S_MAIN "\"><sheetData/></worksheet>",
		"xl/sharedStrings.xml",
		XML_DECL "<sst xmlns=\"" S_MAIN "\" count=\"1\" uniqueCount=\"1\"><si><t>chuẩn</t></si></sst>",
		"xl/styles.xml",
		XML_DECL "<styleSheet xmlns=\"" S_MAIN "\"><fonts><font><name val=\"Times New Roman\"/></font></fonts>"
		"<cellXfs><xf numFmtId=\"0\"/><xf numFmtId=\"14\" fontId=\"0\"/></cellXfs></styleSheet>",
	};
	unsigned char *buf;
	size_t len, n;
	th_xlsx *x;
	th_err e;
	struct got g = { .keep = true };

	(void)state;
	buf = make_zip(parts, sizeof(parts) / sizeof(parts[0]) / 2, &len);
	x = open_ok(buf, len, NULL);
	assert_int_equal(th_xlsx_sheet_count(x), 2);
	assert_string_equal(th_xlsx_sheet_name(x, 0), "Nghiêm");
	assert_string_equal(th_xlsx_sheet_name(x, 1), "Hai");
	assert_int_equal(th_xlsx_sheet_state(x, 1), TH_SHEET_HIDDEN);
	assert_true(th_xlsx_date1904(x));
	assert_int_equal(th_xlsx_shared_count(x), 1);
	assert_int_equal(th_xlsx_style_kind(x, 1), TH_NUM_DATE);
	assert_string_equal(th_xlsx_style_font(x, 1), "Times New Roman");
	th_err_clear(&e);
	assert_int_equal(th_xlsx_read_sheet(x, 0, collect, &g, &e), 0);
	assert_int_equal(g.n, 2);
	text_at(&g, 0, 0, 0, TH_CELL_STRING, "chuẩn");
	num_at(&g, 1, 0, 1, 100);
	assert_int_equal(g.v[1].style, 1);
	th_xlsx_merges(x, &n);
	assert_int_equal(n, 1);
	got_free(&g);
	th_xlsx_free(x);
	free(buf);
}

static void test_prefixed_elements(void **state)
{
	struct book b = {
		.workbook = XML_DECL "<x:workbook xmlns:x=\"" NS_MAIN "\" xmlns:r=\"" NS_R "\">"
			    "<x:workbookPr date1904=\"1\"/><x:sheets>"
			    "<x:sheet name=\"Tiền tố\" sheetId=\"1\" r:id=\"rId1\"/></x:sheets></x:workbook>",
		.sst = XML_DECL "<x:sst xmlns:x=\"" NS_MAIN "\"><x:si><x:t>dùng chung</x:t></x:si>"
		       "<x:si><x:r><x:t>a</x:t></x:r><x:r><x:t>b</x:t></x:r>"
		       "<x:rPh><x:t>c</x:t></x:rPh></x:si></x:sst>",
		.styles = XML_DECL "<x:styleSheet xmlns:x=\"" NS_MAIN "\">"
			  "<x:numFmts><x:numFmt numFmtId=\"170\" formatCode=\"0.00%\"/></x:numFmts>"
			  "<x:fonts><x:font><x:name val=\"VNI-Times\"/></x:font></x:fonts>"
			  "<x:cellXfs><x:xf numFmtId=\"0\"/><x:xf numFmtId=\"170\" fontId=\"0\"/></x:cellXfs>"
			  "</x:styleSheet>",
		.sheet = XML_DECL "<x:worksheet xmlns:x=\"" NS_MAIN "\"><x:sheetData>"
			 "<x:row r=\"1\"><x:c r=\"A1\" t=\"s\"><x:v>0</x:v></x:c>"
			 "<x:c r=\"B1\" t=\"inlineStr\"><x:is><x:t>hi</x:t></x:is></x:c>"
			 "<x:c r=\"C1\" x:s=\"1\"><x:f>1+1</x:f><x:v>2</x:v></x:c>"
			 "<x:c t=\"s\"><x:v>1</x:v></x:c></x:row>"
			 "<x:row><x:c><x:v>3</x:v></x:c></x:row>"
			 "</x:sheetData><x:mergeCells><x:mergeCell ref=\"A1:B1\"/></x:mergeCells>"
			 "</x:worksheet>",
	};
	unsigned char *buf;
	size_t len, n;
	th_xlsx *x;
	th_err e;
	struct got g = { .keep = true };

	(void)state;
	buf = make_book(&b, &len);
	x = open_ok(buf, len, NULL);
	assert_int_equal(th_xlsx_sheet_count(x), 1);
	assert_string_equal(th_xlsx_sheet_name(x, 0), "Tiền tố");
	assert_true(th_xlsx_date1904(x));
	assert_int_equal(th_xlsx_shared_count(x), 2);
	assert_int_equal(th_xlsx_style_kind(x, 1), TH_NUM_PERCENT);
	assert_string_equal(th_xlsx_style_font(x, 1), "VNI-Times");
	th_err_clear(&e);
	assert_int_equal(th_xlsx_read_sheet(x, 0, collect, &g, &e), 0);
	assert_int_equal(g.n, 5);
	text_at(&g, 0, 0, 0, TH_CELL_STRING, "dùng chung");
	text_at(&g, 1, 0, 1, TH_CELL_STRING, "hi");
	num_at(&g, 2, 0, 2, 2);
	assert_true(g.v[2].has_formula);
	assert_string_equal(g.v[2].formula, "1+1");
	assert_int_equal(g.v[2].style, 1);
	text_at(&g, 3, 0, 3, TH_CELL_STRING, "ab");
	num_at(&g, 4, 1, 0, 3);
	th_xlsx_merges(x, &n);
	assert_int_equal(n, 1);
	got_free(&g);
	th_xlsx_free(x);
	free(buf);
}

/* ---- the callback stops the reading ---- */

static void test_callback_stop(void **state)
{
	struct book b = {
		.sheet = SHEET("<row r=\"1\"><c r=\"A1\"><v>1</v></c><c r=\"B1\"><v>2</v></c>"
			       "<c r=\"C1\"><v>3</v></c></row><row r=\"2\"><c r=\"A2\"><v>4</v></c></row>"),
	};
	unsigned char *buf;
	size_t len;
	th_err e;
	struct got g = { .stop_at = 2, .stop_rv = 7 };

	(void)state;
	buf = make_book(&b, &len);
	assert_int_equal(read_first(buf, len, NULL, &g, &e), 7);
	assert_int_equal(g.n, 2);
	num_at(&g, 1, 0, 1, 2);
	got_free(&g);
	/* the last cell */
	g.stop_at = 4;
	g.stop_rv = 42;
	assert_int_equal(read_first(buf, len, NULL, &g, &e), 42);
	assert_int_equal(g.n, 4);
	got_free(&g);
	/* a negative value stops too (it cannot be -1, which means failure) */
	g.stop_at = 1;
	g.stop_rv = -5;
	{
		int rc = read_first(buf, len, NULL, &g, &e);
		assert_int_not_equal(rc, 0);
		assert_int_not_equal(rc, -1);
	}
	assert_int_equal(g.n, 1);
	got_free(&g);
	free(buf);
}

static void test_callback_stop_big_sheet(void **state)
{
	char *sheet = repeat(XML_DECL "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>",
			     "<row><c><v>1</v></c><c t=\"inlineStr\"><is><t>abc</t></is></c></row>", 20000,
			     "</sheetData></worksheet>");
	struct book b = { .sheet = sheet };
	unsigned char *buf;
	size_t len;
	th_err e;
	struct got g = { 0 };
	th_xlsx *x;

	(void)state;
	buf = make_book(&b, &len);
	x = open_ok(buf, len, NULL);
	/* the whole sheet */
	assert_int_equal(th_xlsx_read_sheet(x, 0, collect, &g, &e), 0);
	assert_int_equal(g.n, 40000);
	/* stopped in the middle of a later chunk: not one cell more */
	g.n = 0;
	g.stop_at = 23457;
	g.stop_rv = 3;
	assert_int_equal(th_xlsx_read_sheet(x, 0, collect, &g, &e), 3);
	assert_int_equal(g.n, 23457);
	th_xlsx_free(x);
	free(buf);
	free(sheet);
}

/* ---- failures: what the bytes are ---- */

static void test_fail_empty(void **state)
{
	th_err e;

	(void)state;
	open_fails("", 0, "a.xlsx", NULL, TH_E_EMPTY, &e);
}

static void test_fail_not_zip(void **state)
{
	static const char text[] = "Họ và tên,Điểm\nNguyễn Văn A,9\n";
	th_err e;

	(void)state;
	open_fails(text, sizeof(text) - 1, "a.xlsx", NULL, TH_E_NOT_ZIP, &e);
	open_fails("x", 1, "a.xlsx", NULL, TH_E_NOT_ZIP, &e);
}

static void test_fail_lock_file(void **state)
{
	static const char owner[] = "\x0bNguyen Van A                                                  ";
	th_err e;

	(void)state;
	open_fails(owner, sizeof(owner) - 1, "~$x.xlsx", NULL, TH_E_LOCK_FILE, &e);
	open_fails(owner, sizeof(owner) - 1, "/tmp/reports/~$báo cáo.xlsx", NULL, TH_E_LOCK_FILE, &e);
	/* the same bytes under an ordinary name are just not a zip */
	open_fails(owner, sizeof(owner) - 1, "x.xlsx", NULL, TH_E_NOT_ZIP, &e);
}

static void test_fail_damaged_zip(void **state)
{
	static const char junk[] = "PK\x03\x04 this is not really a zip archive at all .........";
	th_err e;

	(void)state;
	open_fails(junk, sizeof(junk) - 1, "a.xlsx", NULL, TH_E_ZIP_DAMAGED, &e);
}

/* A minimal CFB (OLE2) file with one directory entry named name at offset 512. */
static void cfb_with(unsigned char *b, size_t n, const char *name)
{
	size_t len = strlen(name);

	memset(b, 0, n);
	memcpy(b, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
	for (size_t i = 0; i < len; i++)
		b[512 + 2 * i] = (unsigned char)name[i];
	b[512 + 64] = (unsigned char)(2 * (len + 1));
}

/* An OLE2 file goes to the .xls reader (test_xls.c), which judges its container: this one
 * has no byte-order mark, so it is a damaged .xls whatever its directory holds. */
static void test_fail_cfb(void **state)
{
	unsigned char b[1024];
	th_err e;

	(void)state;
	cfb_with(b, sizeof(b), "EncryptionInfo");
	open_fails(b, sizeof(b), "a.xlsx", NULL, TH_E_XLS_DAMAGED, &e);
	cfb_with(b, sizeof(b), "Workbook");
	open_fails(b, sizeof(b), "a.xlsx", NULL, TH_E_XLS_DAMAGED, &e);
	assert_non_null(strstr(e.msg, ".xls"));
}

/* A zip whose mimetype says OpenDocument spreadsheet goes to the .ods reader (test_ods.c),
 * which needs content.xml. */
static void test_fail_ods(void **state)
{
	static const char *const parts[] = {
		"mimetype", "application/vnd.oasis.opendocument.spreadsheet",
	};
	static const char *const text[] = {
		"mimetype", "application/vnd.oasis.opendocument.text",
		"content.xml", "<x/>",
	};
	unsigned char *buf;
	size_t len;
	th_err e;

	(void)state;
	buf = make_zip(parts, 1, &len);
	open_fails(buf, len, "a.xlsx", NULL, TH_E_PACKAGE, &e);
	assert_non_null(strstr(e.msg, "content.xml"));
	free(buf);
	buf = make_zip(text, 2, &len);
	open_fails(buf, len, "a.ods", NULL, TH_E_FORMAT_OTHER, &e);
	assert_non_null(strstr(e.msg, "không phải bảng tính"));
	free(buf);
}

static void test_fail_no_workbook(void **state)
{
	static const char *const parts[] = {
		"docProps/app.xml", XML_DECL "<Properties/>",
		"_rels/.rels", ROOT_RELS,
	};
	unsigned char *buf;
	size_t len;
	th_err e;

	(void)state;
	buf = make_zip(parts, 2, &len);
	open_fails(buf, len, "a.xlsx", NULL, TH_E_PACKAGE, &e);
	assert_non_null(strstr(e.msg, "xl/workbook.xml"));
	free(buf);
}

/* ---- failures: hostile XML ---- */

static void test_fail_dtd(void **state)
{
	struct book b = {
		.sheet = XML_DECL "<!DOCTYPE worksheet [<!ENTITY a \"aaaaaaaaaa\">"
			 "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
			 "<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\">"
			 "<is><t>&b;</t></is></c></row></sheetData></worksheet>",
	};
	struct book b2 = {
		.sheet = SHEET(""),
		.sst = XML_DECL "<!DOCTYPE sst SYSTEM \"http://example.com/x.dtd\"><sst><si><t>x</t></si></sst>",
	};
	unsigned char *buf;
	size_t len;
	th_err e;

	(void)state;
	read_fails(&b, NULL, TH_E_XML_DTD, &e);
	/* in a part read at open time */
	buf = make_book(&b2, &len);
	open_fails(buf, len, "a.xlsx", NULL, TH_E_XML_DTD, &e);
	free(buf);
}

static void test_fail_depth(void **state)
{
	char *deep = repeat(XML_DECL "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>", "<x>", 300, "");
	char *sheet, *p;
	size_t n = strlen(deep);
	struct book b;
	th_xlsx_limits lim = th_xlsx_default_limits;
	th_err e;

	(void)state;
	sheet = malloc(n + 300 * 4 + 64);
	assert_non_null(sheet);
	memcpy(sheet, deep, n);
	p = sheet + n;
	for (int i = 0; i < 300; i++, p += 4)
		memcpy(p, "</x>", 4);
	strcpy(p, "</sheetData></worksheet>");
	b = (struct book){ .sheet = sheet };
	read_fails(&b, NULL, TH_E_XML_DEPTH, &e);
	free(sheet);
	free(deep);

	/* the limit is the one passed: depth 7 (worksheet/sheetData/row/c/is/r/t) over 6 */
	b = (struct book){ .sheet = SHEET("<row><c t=\"inlineStr\"><is><r><t>x</t></r></is></c></row>") };
	lim.max_depth = 6;
	read_fails(&b, &lim, TH_E_XML_DEPTH, &e);
	lim.max_depth = 7;
	{
		struct got g = { 0 };
		unsigned char *buf;
		size_t len;

		buf = make_book(&b, &len);
		assert_int_equal(read_first(buf, len, &lim, &g, &e), 0);
		text_at(&g, 0, 0, 0, TH_CELL_STRING, "x");
		got_free(&g);
		free(buf);
	}
}

static void test_fail_malformed_xml(void **state)
{
	struct book b = {
		.sheet = SHEET("<row r=\"1\"><c r=\"A1\"><v>1</v></row>"),
	};
	struct book b2 = {
		.sheet = SHEET(""),
		.workbook = XML_DECL "<workbook><sheets><sheet name=\"a\" r:id=\"rId1\"></sheets>",
	};
	unsigned char *buf;
	size_t len;
	th_err e;

	(void)state;
	read_fails(&b, NULL, TH_E_XML, &e);
	assert_non_null(strstr(e.msg, "xl/worksheets/sheet1.xml"));
	buf = make_book(&b2, &len);
	open_fails(buf, len, "a.xlsx", NULL, TH_E_XML, &e);
	assert_non_null(strstr(e.msg, "xl/workbook.xml"));
	free(buf);
}

/* ---- failures: cell content ---- */

static void test_fail_sst_index(void **state)
{
	struct book b = {
		.sst = SST("<si><t>only</t></si>"),
		.sheet = SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c></row>"),
	};
	th_err e;

	(void)state;
	read_fails(&b, NULL, TH_E_SST_INDEX, &e);
	b.sheet = SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>-1</v></c></row>");
	read_fails(&b, NULL, TH_E_SST_INDEX, &e);
	b.sheet = SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>abc</v></c></row>");
	read_fails(&b, NULL, TH_E_SST_INDEX, &e);
	b.sheet = SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>4294967296</v></c></row>");
	read_fails(&b, NULL, TH_E_SST_INDEX, &e);
	/* no shared strings part at all */
	b.sst = NULL;
	b.sheet = SHEET("<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c></row>");
	read_fails(&b, NULL, TH_E_SST_INDEX, &e);
}

static void test_fail_cell_ref(void **state)
{
	struct book b = { .sheet = SHEET("<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>") };
	char *wide;
	th_err e;

	(void)state;
	read_fails(&b, NULL, TH_E_CELL_REF, &e);
	assert_non_null(strstr(e.msg, "XFE1"));
	b.sheet = SHEET("<row r=\"1\"><c r=\"A1048577\"><v>1</v></c></row>");
	read_fails(&b, NULL, TH_E_CELL_REF, &e);
	b.sheet = SHEET("<row r=\"1\"><c r=\"A0\"><v>1</v></c></row>");
	read_fails(&b, NULL, TH_E_CELL_REF, &e);
	b.sheet = SHEET("<row r=\"1048577\"><c><v>1</v></c></row>");
	read_fails(&b, NULL, TH_E_CELL_REF, &e);
	b.sheet = SHEET("<row r=\"0\"><c><v>1</v></c></row>");
	read_fails(&b, NULL, TH_E_CELL_REF, &e);
	/* a cell with no r outside any row */
	b.sheet = SHEET("<c><v>1</v></c>");
	read_fails(&b, NULL, TH_E_CELL_REF, &e);
	/* 16385 cells without r in one row: the last is past column XFD */
	wide = repeat(XML_DECL "<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row>", "<c/>", 16385,
		      "</row></sheetData></worksheet>");
	b.sheet = wide;
	read_fails(&b, NULL, TH_E_CELL_REF, &e);
	free(wide);
	/* 16384 are fine */
	wide = repeat(XML_DECL "<worksheet xmlns=\"" NS_MAIN "\"><sheetData><row>", "<c/>", 16384,
		      "</row></sheetData></worksheet>");
	b.sheet = wide;
	{
		struct got g = { 0 };
		unsigned char *buf;
		size_t len;

		buf = make_book(&b, &len);
		assert_int_equal(read_first(buf, len, NULL, &g, &e), 0);
		assert_int_equal(g.n, 16384);
		cell_at(&g, 16383, 0, 16383, TH_CELL_EMPTY);
		got_free(&g);
		free(buf);
	}
	free(wide);
}

static void test_fail_cell_too_big(void **state)
{
	th_xlsx_limits lim = th_xlsx_default_limits;
	char *s1000 = repeat("", "x", 1000, ""), *s1001 = repeat("", "x", 1001, "");
	char sheet[4096], sst[4096];
	struct book b = { .sheet = sheet };
	struct got g = { 0 };
	unsigned char *buf;
	size_t len;
	th_err e;

	(void)state;
	lim.max_text = 1000;
	/* exactly the limit is fine */
	snprintf(sheet, sizeof(sheet),
		 SHEET("<row><c t=\"inlineStr\"><is><t>%s</t></is></c><c><f>%s</f></c></row>"), s1000, s1000);
	buf = make_book(&b, &len);
	assert_int_equal(read_first(buf, len, &lim, &g, &e), 0);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.v[0].len, 1000);
	assert_int_equal(strlen(g.v[1].formula), 1000);
	got_free(&g);
	free(buf);
	/* one byte more */
	snprintf(sheet, sizeof(sheet), SHEET("<row><c t=\"inlineStr\"><is><t>%s</t></is></c></row>"), s1001);
	read_fails(&b, &lim, TH_E_CELL_TOO_BIG, &e);
	/* runs count together */
	snprintf(sheet, sizeof(sheet),
		 SHEET("<row><c t=\"inlineStr\"><is><r><t>%s</t></r><r><t>y</t></r></is></c></row>"), s1000);
	read_fails(&b, &lim, TH_E_CELL_TOO_BIG, &e);
	/* a formula */
	snprintf(sheet, sizeof(sheet), SHEET("<row><c><f>%s</f><v>1</v></c></row>"), s1001);
	read_fails(&b, &lim, TH_E_CELL_TOO_BIG, &e);
	/* a shared string, at open time */
	snprintf(sst, sizeof(sst), SST("<si><t>%s</t></si>"), s1001);
	b = (struct book){ .sheet = SHEET(""), .sst = sst };
	buf = make_book(&b, &len);
	open_fails(buf, len, "a.xlsx", &lim, TH_E_CELL_TOO_BIG, &e);
	free(buf);
	free(s1000);
	free(s1001);
}

/* ---- failures: size and ratio limits ---- */

static void test_fail_too_big(void **state)
{
	/* about 2 MiB of rows */
	char *sheet = repeat(XML_DECL "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>",
			     "<row><c><v>123456</v></c></row>", (2u << 20) / 30,
			     "</sheetData></worksheet>");
	struct book b = { .sheet = sheet };
	th_xlsx_limits lim = th_xlsx_default_limits;
	struct got g = { 0 };
	unsigned char *buf;
	size_t len;
	th_err e;

	(void)state;
	assert_true(strlen(sheet) > (2u << 20) - 4096);
	lim.max_inflated = 1u << 20;
	read_fails(&b, &lim, TH_E_TOO_BIG, &e);
	/* the same sheet under the default limits */
	buf = make_book(&b, &len);
	assert_int_equal(read_first(buf, len, NULL, &g, &e), 0);
	assert_int_equal(g.n, (2u << 20) / 30);
	got_free(&g);
	free(buf);
	free(sheet);
}

static void test_fail_zip_ratio(void **state)
{
	/* 4 MiB that deflate squeezes to a few KiB */
	char *sheet = repeat(XML_DECL "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>",
			     "<row><c><v>1</v></c></row>", (4u << 20) / 25,
			     "</sheetData></worksheet>");
	struct book b = { .sheet = sheet };
	th_xlsx_limits lim = th_xlsx_default_limits;
	struct got g = { 0 };
	unsigned char *buf;
	size_t len;
	th_err e;

	(void)state;
	lim.ratio_floor = 64u << 10;
	lim.max_ratio = 10;
	read_fails(&b, &lim, TH_E_ZIP_RATIO, &e);
	assert_non_null(strstr(e.msg, "xl/worksheets/sheet1.xml"));
	/* under the default limits (ratio counted past 16 MiB only) it reads */
	buf = make_book(&b, &len);
	assert_true(len < (4u << 20) / 10);
	assert_int_equal(read_first(buf, len, NULL, &g, &e), 0);
	assert_int_equal(g.n, (4u << 20) / 25);
	got_free(&g);
	free(buf);
	free(sheet);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cellref),
		cmocka_unit_test(test_cellref_parse),
		cmocka_unit_test(test_sheets_nondefault_parts),
		cmocka_unit_test(test_workbook_elsewhere),
		cmocka_unit_test(test_max_sheets),
		cmocka_unit_test(test_shared_strings),
		cmocka_unit_test(test_cell_types),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_numbers_exact_rounding),
		cmocka_unit_test(test_formulas),
		cmocka_unit_test(test_positions_without_r),
		cmocka_unit_test(test_styles),
		cmocka_unit_test(test_date1904),
		cmocka_unit_test(test_date1904_serials),
		cmocka_unit_test(test_merges),
		cmocka_unit_test(test_hidden),
		cmocka_unit_test(test_strict),
		cmocka_unit_test(test_prefixed_elements),
		cmocka_unit_test(test_callback_stop),
		cmocka_unit_test(test_callback_stop_big_sheet),
		cmocka_unit_test(test_fail_empty),
		cmocka_unit_test(test_fail_not_zip),
		cmocka_unit_test(test_fail_lock_file),
		cmocka_unit_test(test_fail_damaged_zip),
		cmocka_unit_test(test_fail_cfb),
		cmocka_unit_test(test_fail_ods),
		cmocka_unit_test(test_fail_no_workbook),
		cmocka_unit_test(test_fail_dtd),
		cmocka_unit_test(test_fail_depth),
		cmocka_unit_test(test_fail_malformed_xml),
		cmocka_unit_test(test_fail_sst_index),
		cmocka_unit_test(test_fail_cell_ref),
		cmocka_unit_test(test_fail_cell_too_big),
		cmocka_unit_test(test_fail_too_big),
		cmocka_unit_test(test_fail_zip_ratio),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
