/*
 * Unit tests for the package patcher (write/xlsx_patch.h) on small packages made here with
 * libzip: a marked cell that exists, one missing from its row, a row missing, cells and
 * rows that rely on their position, a sheet that already has comments (and a comment on
 * the marked cell), a sheet already named "Lỗi", styles with and without fills and no
 * styles at all, prefixed XML, text that looks like a formula, and the inputs that must
 * be refused. Each result is read back with tonghop's own reader and its parts compared
 * with the original's.
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
#include <zip.h>

#include "read/xlsx_reader.h"
#include "write/xlsx_patch.h"

#include "zipmem.h"

#include "pkg.h"

#define WB_RELS(extra)                                                                              \
	XML_DECL "<Relationships xmlns=\"" NS_PKG "\">"                                              \
		 "<Relationship Id=\"rId1\" Type=\"" RT "worksheet\" Target=\"worksheets/sheet1.xml\"/>" \
		 "<Relationship Id=\"rId2\" Type=\"" RT "worksheet\" Target=\"worksheets/sheet2.xml\"/>" \
		 extra "</Relationships>"
#define STYLES_REL "<Relationship Id=\"rId3\" Type=\"" RT "styles\" Target=\"styles.xml\"/>"

#define WORKBOOK(names)                                                                   \
	XML_DECL "<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_R "\"><bookViews>"       \
		 "<workbookView xWindow=\"1\" activeTab=\"0\"/></bookViews><sheets>" names \
		 "</sheets><definedNames><definedName name=\"Vung\">Bieu!$A$1:$C$3"         \
		 "</definedName></definedNames></workbook>"
#define TWO_SHEETS                                                    \
	"<sheet name=\"Bieu\" sheetId=\"1\" r:id=\"rId1\"/>"          \
	"<sheet name=\"Khac\" sheetId=\"7\" r:id=\"rId2\"/>"

#define SHEET(data) XML_DECL "<worksheet xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_R "\">" data "</worksheet>"
#define VIEW_SELECTED "<sheetViews><sheetView tabSelected=\"1\" workbookViewId=\"0\"/></sheetViews>"

#define STYLES_FULL                                                                                     \
	XML_DECL "<styleSheet xmlns=\"" NS_MAIN "\"><numFmts count=\"1\"><numFmt numFmtId=\"164\" "         \
		 "formatCode=\"0.00\"/></numFmts><fonts count=\"1\"><font><sz val=\"13\"/>"                  \
		 "<name val=\"Times New Roman\"/></font></fonts><fills count=\"2\"><fill><patternFill "      \
		 "patternType=\"none\"/></fill><fill><patternFill patternType=\"gray125\"/></fill></fills>" \
		 "<borders count=\"1\"><border/></borders><cellStyleXfs count=\"1\"><xf numFmtId=\"0\" "   \
		 "fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs><cellXfs count=\"2\">"            \
		 "<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"                  \
		 "<xf numFmtId=\"164\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" "                \
		 "applyNumberFormat=\"1\"><alignment horizontal=\"right\"/></xf></cellXfs>"                  \
		 "<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/>"          \
		 "</cellStyles></styleSheet>"

/* ---- packages in memory ---- */

struct pkg {
	const char *names[24];
	const char *data[24];
	size_t n;
};

static void add(struct pkg *p, const char *name, const char *data)
{
	p->names[p->n] = name;
	p->data[p->n] = data;
	p->n++;
}

/* The usual two-sheet package: sheet1 and sheet2 given, styles (may be NULL). */
static void base_pkg(struct pkg *p, const char *workbook, const char *sheet1, const char *sheet2, const char *styles)
{
	memset(p, 0, sizeof(*p));
	add(p, "[Content_Types].xml", CONTENT_TYPES);
	add(p, "_rels/.rels", ROOT_RELS);
	add(p, "xl/workbook.xml", workbook ? workbook : WORKBOOK(TWO_SHEETS));
	add(p, "xl/_rels/workbook.xml.rels", styles ? WB_RELS(STYLES_REL) : WB_RELS(""));
	add(p, "xl/worksheets/sheet1.xml", sheet1);
	add(p, "xl/worksheets/sheet2.xml", sheet2);
	if (styles)
		add(p, "xl/styles.xml", styles);
}

static unsigned char *zip_of(const struct pkg *p, size_t *len)
{
	const char *nc[2 * 24];

	for (size_t i = 0; i < p->n; i++) {
		nc[2 * i] = p->names[i];
		nc[2 * i + 1] = p->data[i];
	}
	return make_zip(nc, p->n, len);
}

/* A part of a package in memory, as a string; NULL when it has none. */
static char *part_of(const unsigned char *buf, size_t len, const char *name)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za;
	zip_stat_t st;
	zip_file_t *zf;
	char *out = NULL;

	zip_error_init(&ze);
	src = zip_source_buffer_create(buf, len, 0, &ze);
	za = zip_open_from_source(src, ZIP_RDONLY, &ze);
	assert_non_null(za);
	if (zip_stat(za, name, 0, &st) == 0) {
		out = calloc(1, st.size + 1);
		zf = zip_fopen(za, name, 0);
		assert_non_null(zf);
		assert_int_equal(zip_fread(zf, out, st.size), (zip_int64_t)st.size);
		zip_fclose(zf);
	}
	zip_discard(za);
	zip_error_fini(&ze);
	return out;
}

struct result {
	unsigned char *in, *out;
	size_t in_len, out_len;
};

static void result_free(struct result *r)
{
	free(r->in);
	free(r->out);
}

/* A mark: sheet, cell, severity, comment. */
struct mk {
	int sheet;
	const char *cell;
	th_mark mark;
	const char *comment;
};

/* Patch package p with marks and a two-column table; the result must build. */
static void patch(const struct pkg *p, const struct mk *marks, size_t n, const th_pcell *cells, size_t rows,
		  struct result *r)
{
	static const double widths[] = { 10, 40 };
	th_patch *pt;
	th_err e = { 0 };

	r->in = zip_of(p, &r->in_len);
	if (th_patch_open_mem(&pt, r->in, r->in_len, NULL, &e))
		fail_msg("open: %s", e.msg);
	for (size_t i = 0; i < n; i++) {
		uint32_t row;
		uint16_t col;
		assert_int_equal(th_cellref_parse(marks[i].cell, strlen(marks[i].cell), &row, &col), 0);
		assert_int_equal(th_patch_mark(pt, (size_t)marks[i].sheet, row, col, marks[i].mark, marks[i].comment, &e), 0);
	}
	if (cells)
		th_patch_table(pt, "Lỗi", widths, 2, cells, rows);
	if (th_patch_build(pt, 1600000000, &r->out, &r->out_len, &e))
		fail_msg("build: %s", e.msg);
	th_patch_free(pt);
}

/* The expected failure code of patching p. */
static th_code patch_fails(const struct pkg *p, const char *cell)
{
	unsigned char *in;
	size_t len;
	th_patch *pt = NULL;
	th_err e = { 0 };
	unsigned char *out = NULL;
	size_t out_len;

	in = zip_of(p, &len);
	if (th_patch_open_mem(&pt, in, len, NULL, &e) == 0) {
		uint32_t row;
		uint16_t col;
		assert_int_equal(th_cellref_parse(cell, strlen(cell), &row, &col), 0);
		assert_int_equal(th_patch_mark(pt, 0, row, col, TH_MARK_ERROR, "x", &e), 0);
		assert_int_not_equal(th_patch_build(pt, 1600000000, &out, &out_len, &e), 0);
		assert_null(out);
	}
	th_patch_free(pt);
	free(in);
	return e.code;
}

/* ---- reading back ---- */

struct rcell {
	uint32_t row;
	uint16_t col;
	th_cell_type type;
	double num;
	char *text;
	uint32_t style;
};

struct rsheet {
	struct rcell v[64];
	size_t n;
};

static int collect(void *ud, const th_cell *c)
{
	struct rsheet *s = ud;

	assert_true(s->n < 64);
	s->v[s->n].row = c->row;
	s->v[s->n].col = c->col;
	s->v[s->n].type = c->type;
	s->v[s->n].num = c->num;
	s->v[s->n].text = strndup(c->text, c->len);
	s->v[s->n].style = c->style;
	s->n++;
	return 0;
}

/* Sheet i of a package in memory, by tonghop's reader; also its name. */
static void read_sheet(const unsigned char *buf, size_t len, size_t i, struct rsheet *s, const char **name)
{
	th_xlsx *x;
	th_err e = { 0 };
	static char nm[64];

	memset(s, 0, sizeof(*s));
	if (th_xlsx_open_mem(&x, buf, len, "t.xlsx", NULL, &e))
		fail_msg("read back: %s", e.msg);
	assert_true(i < th_xlsx_sheet_count(x));
	snprintf(nm, sizeof(nm), "%s", th_xlsx_sheet_name(x, i));
	if (name)
		*name = nm;
	if (th_xlsx_read_sheet(x, i, collect, s, &e))
		fail_msg("read back: %s", e.msg);
	th_xlsx_free(x);
}

static size_t sheet_count(const unsigned char *buf, size_t len)
{
	th_xlsx *x;
	th_err e = { 0 };
	size_t n;

	assert_int_equal(th_xlsx_open_mem(&x, buf, len, "t.xlsx", NULL, &e), 0);
	n = th_xlsx_sheet_count(x);
	th_xlsx_free(x);
	return n;
}

static void rsheet_free(struct rsheet *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].text);
}

static const struct rcell *cell_at(const struct rsheet *s, const char *ref)
{
	uint32_t row;
	uint16_t col;

	assert_int_equal(th_cellref_parse(ref, strlen(ref), &row, &col), 0);
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].row == row && s->v[i].col == col)
			return &s->v[i];
	return NULL;
}

/* Sheet i holds the same cells, values and types in both packages; returns the styles of out's. */
static void same_cells(const struct result *r, size_t i, struct rsheet *after)
{
	struct rsheet before;

	read_sheet(r->in, r->in_len, i, &before, NULL);
	read_sheet(r->out, r->out_len, i, after, NULL);
	for (size_t k = 0; k < before.n; k++) {
		const struct rcell *a = &before.v[k];
		bool found = false;
		for (size_t j = 0; j < after->n; j++) {
			const struct rcell *b = &after->v[j];
			if (b->row != a->row || b->col != a->col)
				continue;
			found = true;
			assert_int_equal(b->type, a->type);
			assert_string_equal(b->text, a->text);
			assert_true(b->num == a->num);
		}
		if (!found)
			fail_msg("cell %u,%u lost", a->row, a->col);
	}
	rsheet_free(&before);
}

/* The number of times needle is in s. */
static size_t count(const char *s, const char *needle)
{
	size_t n = 0;

	for (const char *p = s; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

/* The text of cellXfs' format index k in a styles part (its <xf> element, unprefixed). */
static char *xf_text(const char *styles, unsigned k)
{
	const char *p = strstr(styles, "<cellXfs"), *gt, *end;

	assert_non_null(p);
	for (unsigned i = 0; i <= k; i++) {
		p = strstr(p + 1, "<xf");
		assert_non_null(p);
	}
	gt = strchr(p, '>');
	end = gt[-1] == '/' ? gt + 1 : strstr(p, "</xf>") + 5;
	return strndup(p, (size_t)(end - p));
}

/* ---- the cells ---- */

#define ROWS3                                                                                           \
	"<sheetData><row r=\"1\" spans=\"1:3\"><c r=\"A1\" t=\"inlineStr\"><is><t>STT</t></is></c>"     \
	"<c r=\"C1\" s=\"1\"><v>10</v></c></row>"                                                          \
	"<row r=\"3\" spans=\"1:3\"><c r=\"A3\"><v>3</v></c><c r=\"C3\" s=\"1\"><f>A3*2</f><v>6</v></c>" \
	"</row></sheetData>"

/* a cell that exists gets a clone of its own format with the fill; the others keep theirs */
static void cell_exists(void **state)
{
	struct pkg p;
	struct result r;
	struct rsheet s;
	const struct mk marks[] = { { 0, "C1", TH_MARK_ERROR, "Lỗi R1: sai" } };
	char *styles, *sheet, *xf;
	(void)state;

	base_pkg(&p, NULL, SHEET(VIEW_SELECTED ROWS3), SHEET("<sheetData/>"), STYLES_FULL);
	patch(&p, marks, 1, NULL, 0, &r);
	same_cells(&r, 0, &s);
	assert_int_equal(cell_at(&s, "C1")->style, 2);  /* the first added format */
	assert_int_equal(cell_at(&s, "C3")->style, 1);  /* untouched */
	assert_int_equal(cell_at(&s, "A1")->style, 0);
	rsheet_free(&s);
	styles = part_of(r.out, r.out_len, "xl/styles.xml");
	/* the clone keeps the number format, border and alignment, with the red fill */
	xf = xf_text(styles, 2);
	assert_non_null(strstr(xf, "numFmtId=\"164\""));
	assert_non_null(strstr(xf, "fillId=\"2\""));
	assert_non_null(strstr(xf, "applyFill=\"1\""));
	assert_non_null(strstr(xf, "<alignment horizontal=\"right\"/>"));
	free(xf);
	assert_non_null(strstr(styles, "<fills count=\"5\">"));
	assert_non_null(strstr(styles, "rgb=\"FFFFC7CE\""));
	assert_non_null(strstr(styles, "<numFmts count=\"1\"><numFmt numFmtId=\"164\" formatCode=\"0.00\"/></numFmts>"));
	/* the Lỗi sheet's fonts are the workbook's own face and size */
	assert_non_null(strstr(styles, "<font><b/><sz val=\"13\"/><name val=\"Times New Roman\"/></font>"));
	free(styles);
	/* the sheet: only the s of C1, tabSelected, and the comment's drawing changed */
	sheet = part_of(r.out, r.out_len, "xl/worksheets/sheet1.xml");
	assert_non_null(strstr(sheet, "<c r=\"C1\" s=\"2\"><v>10</v></c>"));
	assert_non_null(strstr(sheet, "<c r=\"C3\" s=\"1\"><f>A3*2</f><v>6</v></c>"));
	assert_non_null(strstr(sheet, "<sheetView workbookViewId=\"0\"/>"));
	assert_non_null(strstr(sheet, "<legacyDrawing r:id=\"rId2\"/></worksheet>"));
	free(sheet);
	result_free(&r);
}

/* a cell missing from its row goes in column order, spans widened; a row missing in row order */
static void cell_and_row_missing(void **state)
{
	struct pkg p;
	struct result r;
	struct rsheet s;
	const struct mk marks[] = {
		{ 0, "B1", TH_MARK_WARNING, "giữa A1 và C1" },  { 0, "E3", TH_MARK_ERROR, "cuối hàng 3" },
		{ 0, "B2", TH_MARK_ERROR, "hàng 2 không có" },   { 0, "D9", TH_MARK_WARNING, "sau hàng cuối" },
		{ 0, "B2", TH_MARK_WARNING, "cùng ô, nhẹ hơn" },
	};
	char *sheet, *comments;
	(void)state;

	base_pkg(&p, NULL, SHEET(ROWS3), SHEET("<sheetData/>"), STYLES_FULL);
	patch(&p, marks, sizeof(marks) / sizeof(marks[0]), NULL, 0, &r);
	same_cells(&r, 0, &s);
	assert_int_equal(cell_at(&s, "B1")->type, TH_CELL_EMPTY);
	assert_int_equal(cell_at(&s, "B2")->type, TH_CELL_EMPTY);
	assert_int_equal(cell_at(&s, "E3")->type, TH_CELL_EMPTY);
	assert_int_equal(cell_at(&s, "D9")->type, TH_CELL_EMPTY);
	/* B2 keeps the graver mark: error, like E3 (the same clone of format 0) */
	assert_int_equal(cell_at(&s, "B2")->style, cell_at(&s, "E3")->style);
	assert_int_not_equal(cell_at(&s, "B1")->style, cell_at(&s, "B2")->style);
	rsheet_free(&s);
	sheet = part_of(r.out, r.out_len, "xl/worksheets/sheet1.xml");
	assert_non_null(strstr(sheet, "<row r=\"1\" spans=\"1:3\"><c r=\"A1\" t=\"inlineStr\"><is><t>STT</t></is></c>"
				      "<c r=\"B1\" s=\"2\"/><c r=\"C1\" s=\"1\">"));
	assert_non_null(strstr(sheet, "</row><row r=\"2\"><c r=\"B2\" s=\"3\"/></row><row r=\"3\" spans=\"1:5\">"));
	assert_non_null(strstr(sheet, "<v>6</v></c><c r=\"E3\" s=\"3\"/></row><row r=\"9\"><c r=\"D9\" s=\"2\"/></row>"
				      "</sheetData>"));
	free(sheet);
	comments = part_of(r.out, r.out_len, "xl/comments1.xml");
	assert_non_null(comments);
	assert_int_equal(count(comments, "<comment "), 4);
	assert_non_null(strstr(comments, "hàng 2 không có\ncùng ô, nhẹ hơn"));
	free(comments);
	result_free(&r);
}

/* cells and rows written without r: what follows an inserted one says where it is */
static void implicit_positions(void **state)
{
	struct pkg p;
	struct result r;
	struct rsheet s;
	const struct mk marks[] = { { 0, "B1", TH_MARK_ERROR, NULL }, { 0, "A1", TH_MARK_ERROR, NULL } };
	char *sheet;
	(void)state;

	/* row 1: A1 (implicit), C1 (implicit B1 would be wrong: written as "c" with no r after A1
	 * gives B1); the second row has no r: it is row 2 */
	base_pkg(&p, NULL,
		 SHEET("<sheetData><row><c><v>1</v></c><c><v>2</v></c><c><v>3</v></c></row>"
		       "<row><c><v>4</v></c></row></sheetData>"),
		 SHEET("<sheetData/>"), NULL);
	patch(&p, marks, 2, NULL, 0, &r);
	same_cells(&r, 0, &s);
	assert_true(cell_at(&s, "B1")->num == 2);
	assert_true(cell_at(&s, "C1")->num == 3);
	assert_true(cell_at(&s, "A2")->num == 4);
	rsheet_free(&s);
	sheet = part_of(r.out, r.out_len, "xl/worksheets/sheet1.xml");
	assert_non_null(strstr(sheet, "<row><c s=\"1\"><v>1</v></c><c s=\"1\"><v>2</v></c><c><v>3</v></c></row>"));
	free(sheet);
	result_free(&r);

	/* a mark before an implicit cell and an implicit row */
	{
		const struct mk m2[] = { { 0, "A1", TH_MARK_ERROR, NULL }, { 0, "A2", TH_MARK_ERROR, NULL } };
		base_pkg(&p, NULL, SHEET("<sheetData><row r=\"1\"><c r=\"B1\"><v>1</v></c><c><v>2</v></c></row>"
					  "<row r=\"2\" spans=\"2:2\"><c r=\"B2\"><v>3</v></c></row><row><c r=\"B3\"><v>9</v></c></row></sheetData>"),
			 SHEET("<sheetData/>"), NULL);
		patch(&p, m2, 2, NULL, 0, &r);
		same_cells(&r, 0, &s);
		assert_true(cell_at(&s, "C1")->num == 2);
		assert_true(cell_at(&s, "B3")->num == 9);
		rsheet_free(&s);
		sheet = part_of(r.out, r.out_len, "xl/worksheets/sheet1.xml");
		assert_non_null(strstr(sheet, "<row r=\"2\" spans=\"1:2\"><c r=\"A2\" s=\"1\"/><c r=\"B2\">"));
		free(sheet);
		result_free(&r);
	}
	/* a row missing before a row written without r */
	{
		const struct mk m3[] = { { 0, "A2", TH_MARK_ERROR, NULL } };
		base_pkg(&p, NULL, SHEET("<sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row>"
					  "<row r=\"3\"><c r=\"A3\"><v>3</v></c></row><row><c><v>4</v></c></row></sheetData>"),
			 SHEET("<sheetData/>"), NULL);
		patch(&p, m3, 1, NULL, 0, &r);
		same_cells(&r, 0, &s);
		assert_true(cell_at(&s, "A4")->num == 4);
		rsheet_free(&s);
		result_free(&r);
	}
	{
		/* an empty row element and an empty sheetData take the marks too */
		const struct mk m4[] = { { 0, "C2", TH_MARK_WARNING, NULL }, { 1, "B5", TH_MARK_ERROR, "x" } };
		base_pkg(&p, NULL, SHEET("<sheetData><row r=\"2\" ht=\"20\"/></sheetData>"), SHEET("<sheetData/>"), NULL);
		patch(&p, m4, 2, NULL, 0, &r);
		sheet = part_of(r.out, r.out_len, "xl/worksheets/sheet1.xml");
		assert_non_null(strstr(sheet, "<row r=\"2\" ht=\"20\"><c r=\"C2\" s=\"1\"/></row>"));
		free(sheet);
		sheet = part_of(r.out, r.out_len, "xl/worksheets/sheet2.xml");
		assert_non_null(strstr(sheet, "<sheetData><row r=\"5\"><c r=\"B5\" s=\"2\"/></row></sheetData>"));
		free(sheet);
		result_free(&r);
	}
}

/* ---- comments ---- */

#define COMMENTS_OLD                                                                                      \
	XML_DECL "<comments xmlns=\"" NS_MAIN "\"><authors><author>Xã</author></authors><commentList>"    \
		 "<comment ref=\"A3\" authorId=\"0\"><text><r><t>ghi chú của xã</t></r></text></comment>" \
		 "<comment ref=\"A1\" authorId=\"0\"><text><t>tiêu đề</t></text></comment>"                 \
		 "</commentList></comments>"
#define VML_OLD                                                                                                      \
	"<xml xmlns:v=\"urn:schemas-microsoft-com:vml\" xmlns:o=\"urn:schemas-microsoft-com:office:office\" "       \
	"xmlns:x=\"urn:schemas-microsoft-com:office:excel\"><o:shapelayout v:ext=\"edit\"><o:idmap v:ext=\"edit\" " \
	"data=\"1\"/></o:shapelayout><v:shapetype id=\"_x0000_t202\" coordsize=\"21600,21600\" o:spt=\"202\">"     \
	"</v:shapetype><v:shape id=\"_x0000_s1025\" type=\"#_x0000_t202\"><br></v:shape>"                          \
	"<v:shape id=\"_x0000_s1026\" type=\"#_x0000_t202\"></v:shape></xml>"

/* a sheet with comments gets ours added: the commune's stay, one on the marked cell keeps its text */
static void sheet_has_comments(void **state)
{
	struct pkg p;
	struct result r;
	const struct mk marks[] = { { 0, "A3", TH_MARK_ERROR, "Lỗi R2: số & chữ <3>" }, { 0, "C1", TH_MARK_WARNING, "mới" } };
	char *comments, *vml, *rels, *ct, *sheet, *old;
	(void)state;

	base_pkg(&p, NULL, SHEET(ROWS3 "<legacyDrawing r:id=\"rId9\"/>"), SHEET("<sheetData/>"), STYLES_FULL);
	add(&p, "xl/worksheets/_rels/sheet1.xml.rels",
	    XML_DECL "<Relationships xmlns=\"" NS_PKG "\"><Relationship Id=\"rId9\" Type=\"" RT "vmlDrawing\" "
		     "Target=\"../drawings/vmlDrawing1.vml\"/><Relationship Id=\"rId8\" Type=\"" RT "comments\" "
		     "Target=\"../comments1.xml\"/></Relationships>");
	add(&p, "xl/comments1.xml", COMMENTS_OLD);
	add(&p, "xl/drawings/vmlDrawing1.vml", VML_OLD);
	patch(&p, marks, 2, NULL, 0, &r);
	comments = part_of(r.out, r.out_len, "xl/comments1.xml");
	/* our author after the commune's; their note first, ours after it; C1's is new */
	assert_non_null(strstr(comments, "<authors><author>Xã</author><author>tonghop</author></authors>"));
	assert_non_null(strstr(comments, "<comment ref=\"A3\" authorId=\"0\"><text><r><t>ghi chú của xã</t></r><r><rPr>"));
	assert_non_null(strstr(comments, "Kết quả kiểm tra:\nLỗi R2: số &amp; chữ &lt;3&gt;</t></r></text></comment>"));
	assert_non_null(strstr(comments, "<comment ref=\"A1\" authorId=\"0\"><text><t>tiêu đề</t></text></comment>"));
	assert_non_null(strstr(comments, "<comment ref=\"C1\" authorId=\"1\">"));
	free(comments);
	/* one new box, for C1 only, with a new id; the drawing's own content kept (not XML: <br>) */
	vml = part_of(r.out, r.out_len, "xl/drawings/vmlDrawing1.vml");
	old = strndup(VML_OLD, strlen(VML_OLD) - strlen("</xml>"));
	assert_memory_equal(vml, old, strlen(old));
	assert_int_equal(count(vml, "<v:shape "), 3);
	assert_int_equal(count(vml, "<v:shapetype "), 1);
	assert_non_null(strstr(vml, "id=\"_x0000_s1027\""));
	assert_non_null(strstr(vml, "<x:Row>0</x:Row><x:Column>2</x:Column>"));
	free(old);
	free(vml);
	/* no new part, no new relationship: the sheet already had both */
	assert_null(part_of(r.out, r.out_len, "xl/comments2.xml"));
	rels = part_of(r.out, r.out_len, "xl/worksheets/_rels/sheet1.xml.rels");
	assert_int_equal(count(rels, "<Relationship "), 2);
	free(rels);
	sheet = part_of(r.out, r.out_len, "xl/worksheets/sheet1.xml");
	assert_int_equal(count(sheet, "<legacyDrawing"), 1);
	free(sheet);
	ct = part_of(r.out, r.out_len, "[Content_Types].xml");
	assert_null(strstr(ct, "comments"));
	free(ct);
	result_free(&r);
}

/* a new drawing goes before the elements that follow <legacyDrawing>; rels and types are added */
static void new_comments_parts(void **state)
{
	struct pkg p;
	struct result r;
	const struct mk marks[] = { { 1, "A1", TH_MARK_ERROR, "một" } };
	char *sheet, *rels, *ct, *vml;
	(void)state;

	base_pkg(&p, NULL, SHEET(ROWS3),
		 SHEET("<sheetData/><pageMargins left=\"1\" right=\"1\" top=\"1\" bottom=\"1\" header=\"0\" footer=\"0\"/>"
		       "<drawing r:id=\"rId1\"/><tableParts count=\"0\"/>"),
		 NULL);
	add(&p, "xl/worksheets/_rels/sheet2.xml.rels",
	    XML_DECL "<Relationships xmlns=\"" NS_PKG "\"><Relationship Id=\"rId1\" Type=\"" RT "drawing\" "
		     "Target=\"../drawings/drawing1.xml\"/></Relationships>");
	add(&p, "xl/drawings/vmlDrawing1.vml", VML_OLD); /* another sheet's: its shape ids are taken */
	patch(&p, marks, 1, NULL, 0, &r);
	sheet = part_of(r.out, r.out_len, "xl/worksheets/sheet2.xml");
	assert_non_null(strstr(sheet, "<drawing r:id=\"rId1\"/><legacyDrawing r:id=\"rId3\"/><tableParts count=\"0\"/>"));
	free(sheet);
	rels = part_of(r.out, r.out_len, "xl/worksheets/_rels/sheet2.xml.rels");
	assert_non_null(strstr(rels, "Target=\"../drawings/drawing1.xml\"/><Relationship Id=\"rId2\" Type=\"" RT
				     "comments\" Target=\"/xl/comments1.xml\"/><Relationship Id=\"rId3\" Type=\"" RT
				     "vmlDrawing\" Target=\"/xl/drawings/vmlDrawing2.vml\"/></Relationships>"));
	free(rels);
	vml = part_of(r.out, r.out_len, "xl/drawings/vmlDrawing2.vml");
	assert_non_null(strstr(vml, "<o:idmap v:ext=\"edit\" data=\"2\"/>"));
	assert_non_null(strstr(vml, "id=\"_x0000_s2049\""));
	free(vml);
	ct = part_of(r.out, r.out_len, "[Content_Types].xml");
	assert_non_null(strstr(ct, "<Override PartName=\"/xl/comments1.xml\" ContentType=\"application/"
				   "vnd.openxmlformats-officedocument.spreadsheetml.comments+xml\"/>"));
	assert_non_null(strstr(ct, "<Default Extension=\"vml\" "));
	assert_non_null(strstr(ct, "<Override PartName=\"/xl/styles.xml\""));
	assert_non_null(strstr(ct, "<Override PartName=\"/xl/worksheets/sheet3.xml\""));
	free(ct);
	result_free(&r);
}

/* ---- the added sheet ---- */

/* "Lỗi" is taken (in another case): "Lỗi (2)"; it is last, active, alone selected */
static void sheet_named_loi(void **state)
{
	struct pkg p;
	struct result r;
	const th_pcell cells[] = {
		{ "Ô", TH_PS_HEAD, -1, 0, 0 },        { "Nội dung", TH_PS_HEAD, -1, 0, 0 },
		{ "C1", TH_PS_TEXT, 0, 0, 2 },         { "=SUM(A1:A9)", TH_PS_ERR, -1, 0, 0 },
		{ "'B", TH_PS_TEXT, 1, 4, 1 },        { "+84 _x0041_ -1 @x & <b>", TH_PS_WARN, -1, 0, 0 },
	};
	struct rsheet s;
	const char *name;
	char *wb, *sheet, *rels;
	(void)state;

	base_pkg(&p,
		 WORKBOOK("<sheet name=\"Bieu\" sheetId=\"1\" r:id=\"rId1\"/><sheet name=\"LỖI\" sheetId=\"3\" "
			  "r:id=\"rId2\" state=\"hidden\"/>"),
		 SHEET(VIEW_SELECTED ROWS3), SHEET(VIEW_SELECTED "<sheetData/>"), STYLES_FULL);
	patch(&p, NULL, 0, cells, 3, &r);
	assert_int_equal(sheet_count(r.out, r.out_len), 3);
	read_sheet(r.out, r.out_len, 2, &s, &name);
	assert_string_equal(name, "Lỗi (2)");
	assert_string_equal(cell_at(&s, "A1")->text, "Ô");
	assert_string_equal(cell_at(&s, "B2")->text, "=SUM(A1:A9)");
	assert_int_equal(cell_at(&s, "B2")->type, TH_CELL_STRING);
	assert_string_equal(cell_at(&s, "B3")->text, "+84 _x0041_ -1 @x & <b>");
	rsheet_free(&s);
	wb = part_of(r.out, r.out_len, "xl/workbook.xml");
	assert_non_null(strstr(wb, "<workbookView xWindow=\"1\" activeTab=\"2\"/>"));
	assert_non_null(strstr(wb, "<sheet name=\"Lỗi (2)\" sheetId=\"4\" r:id=\"rId4\"/></sheets>"));
	assert_non_null(strstr(wb, "<definedNames><definedName name=\"Vung\">Bieu!$A$1:$C$3</definedName>"));
	free(wb);
	sheet = part_of(r.out, r.out_len, "xl/worksheets/sheet3.xml");
	/* text as inline strings, never a formula, quote-prefixed; links to the commune's cells */
	assert_null(strstr(sheet, "<f>"));
	assert_non_null(strstr(sheet, "t=\"inlineStr\"><is><t xml:space=\"preserve\">=SUM(A1:A9)</t></is>"));
	assert_non_null(strstr(sheet, "+84 _x005F_x0041_ -1 @x &amp; &lt;b&gt;"));
	assert_non_null(strstr(sheet, "<hyperlink ref=\"A2\" location=\"'Bieu'!C1\" display=\"C1\"/>"));
	assert_non_null(strstr(sheet, "<hyperlink ref=\"A3\" location=\"'LỖI'!B5\" display=\"'B\"/>"));
	assert_non_null(strstr(sheet, "<sheetView tabSelected=\"1\" workbookViewId=\"0\">"));
	free(sheet);
	/* both old sheets lose tabSelected */
	sheet = part_of(r.out, r.out_len, "xl/worksheets/sheet2.xml");
	assert_null(strstr(sheet, "tabSelected"));
	free(sheet);
	rels = part_of(r.out, r.out_len, "xl/_rels/workbook.xml.rels");
	assert_non_null(strstr(rels, "<Relationship Id=\"rId3\" Type=\"" RT "styles\" Target=\"styles.xml\"/>"
				     "<Relationship Id=\"rId4\" Type=\"" RT "worksheet\" "
				     "Target=\"/xl/worksheets/sheet3.xml\"/>"));
	free(rels);
	{
		/* the quote-prefixed formats: the error cell's has the red fill */
		char *styles = part_of(r.out, r.out_len, "xl/styles.xml"), *xf;
		uint32_t k;
		read_sheet(r.out, r.out_len, 2, &s, NULL);
		k = cell_at(&s, "B2")->style;
		rsheet_free(&s);
		xf = xf_text(styles, k);
		assert_non_null(strstr(xf, "quotePrefix=\"1\""));
		assert_non_null(strstr(xf, "fillId=\"2\""));
		free(xf);
		free(styles);
	}
	result_free(&r);
}

/* a chart sheet that was the selected tab is unselected too (else two tabs are grouped) */
static void chart_sheet_unselected(void **state)
{
	struct pkg p;
	struct result r;
	char *chart, *wb;
	(void)state;

	base_pkg(&p,
		 WORKBOOK(TWO_SHEETS "<sheet name=\"Biểu đồ\" sheetId=\"9\" r:id=\"rId4\"/>"),
		 SHEET(ROWS3), SHEET("<sheetData/>"), NULL);
	p.data[3] = WB_RELS("<Relationship Id=\"rId4\" Type=\"" RT "chartsheet\" Target=\"chartsheets/sheet1.xml\"/>");
	add(&p, "xl/chartsheets/sheet1.xml",
	    XML_DECL "<chartsheet xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_R "\"><sheetViews><sheetView "
		     "tabSelected=\"1\" zoomToFit=\"1\" workbookViewId=\"0\"/></sheetViews><drawing r:id=\"rId1\"/>"
		     "</chartsheet>");
	patch(&p, NULL, 0, NULL, 0, &r);
	chart = part_of(r.out, r.out_len, "xl/chartsheets/sheet1.xml");
	assert_non_null(strstr(chart, "<sheetView zoomToFit=\"1\" workbookViewId=\"0\"/>"));
	free(chart);
	wb = part_of(r.out, r.out_len, "xl/workbook.xml");
	assert_non_null(strstr(wb, "activeTab=\"3\""));
	free(wb);
	result_free(&r);
}

/* ---- styles ---- */

/* styles without fills: the two defaults first, ours after, the section where the schema wants it */
static void styles_without_fills(void **state)
{
	struct pkg p;
	struct result r;
	const struct mk marks[] = { { 0, "A3", TH_MARK_ERROR, NULL } };
	char *styles;
	(void)state;

	base_pkg(&p, NULL, SHEET(ROWS3), SHEET("<sheetData/>"),
		 XML_DECL "<x:styleSheet xmlns:x=\"" NS_MAIN "\"><x:fonts><x:font><x:name val=\".VnTime\"/></x:font>"
			  "</x:fonts><x:borders count=\"1\"><x:border/></x:borders><x:cellXfs count=\"2\"><x:xf/>"
			  "<x:xf fontId=\"0\"/></x:cellXfs></x:styleSheet>");
	patch(&p, marks, 1, NULL, 0, &r);
	styles = part_of(r.out, r.out_len, "xl/styles.xml");
	/* prefixed like the file's; a count only where the file had one; no TCVN3 face for our text */
	assert_non_null(strstr(styles, "</x:fonts><x:fills count=\"5\"><x:fill><x:patternFill patternType=\"none\"/>"
				       "</x:fill><x:fill><x:patternFill patternType=\"gray125\"/></x:fill><x:fill>"
				       "<x:patternFill patternType=\"solid\"><x:fgColor rgb=\"FFFFC7CE\"/>"));
	assert_non_null(strstr(styles, "</x:fills><x:borders count=\"1\">"));
	assert_non_null(strstr(styles, "<x:fonts><x:font><x:name val=\".VnTime\"/></x:font><x:font><x:sz val=\"11\"/>"
				       "<x:name val=\"Times New Roman\"/></x:font>"));
	assert_non_null(strstr(styles, "<x:cellXfs count=\"9\"><x:xf/><x:xf fontId=\"0\"/><x:xf fillId=\"2\" "
				       "applyFill=\"1\"/>"));
	free(styles);
	result_free(&r);

	/* no styles part at all: one is made, with format 0 for the cells that had none */
	base_pkg(&p, NULL, SHEET(ROWS3), SHEET("<sheetData/>"), NULL);
	patch(&p, marks, 1, NULL, 0, &r);
	styles = part_of(r.out, r.out_len, "xl/styles.xml");
	assert_non_null(styles);
	assert_non_null(strstr(styles, "<cellXfs count=\"8\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" "
				       "xfId=\"0\"/><xf numFmtId=\"0\" fontId=\"0\" fillId=\"2\""));
	free(styles);
	{
		struct rsheet s;
		read_sheet(r.out, r.out_len, 0, &s, NULL);
		assert_int_equal(cell_at(&s, "A3")->style, 1);
		rsheet_free(&s);
	}
	result_free(&r);
}

/* ---- everything else stays ---- */

/* parts not edited are the same bytes; edited ones keep everything between the edits */
static void untouched_parts(void **state)
{
	struct pkg p;
	struct result r;
	const struct mk marks[] = { { 0, "C1", TH_MARK_ERROR, "x" } };
	static const char *const same[] = { "_rels/.rels", "xl/worksheets/sheet2.xml", "xl/theme/theme1.xml",
					    "xl/media/image1.png", "xl/vbaProject.bin", "docProps/app.xml" };
	(void)state;

	base_pkg(&p, NULL, SHEET(VIEW_SELECTED ROWS3), SHEET("<sheetData><row r=\"1\"><c r=\"A1\"><v>1</v></c></row></sheetData>"),
		 STYLES_FULL);
	add(&p, "xl/theme/theme1.xml", XML_DECL "<a:theme xmlns:a=\"http://schemas.openxmlformats.org/drawingml/2006/main\"/>");
	add(&p, "xl/media/image1.png", "\x89PNG not really");
	add(&p, "xl/vbaProject.bin", "macros");
	add(&p, "docProps/app.xml", XML_DECL "<Properties/>");
	patch(&p, marks, 1, NULL, 0, &r);
	for (size_t i = 0; i < sizeof(same) / sizeof(same[0]); i++) {
		char *a = part_of(r.in, r.in_len, same[i]), *b = part_of(r.out, r.out_len, same[i]);
		assert_non_null(b);
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
	{
		/* the whole sheet but for the two tags edited and the drawing added */
		char *b = part_of(r.out, r.out_len, "xl/worksheets/sheet1.xml");
		char want[2048];
		snprintf(want, sizeof(want), "%s", SHEET("<sheetViews><sheetView workbookViewId=\"0\"/></sheetViews>" ROWS3
							 "<legacyDrawing r:id=\"rId2\"/>"));
		{
			char *at = strstr(want, "<c r=\"C1\" s=\"1\">");
			assert_non_null(at);
			at[13] = '2';
		}
		assert_string_equal(b, want);
		free(b);
	}
	result_free(&r);
}

/* the same input gives the same bytes */
static void deterministic(void **state)
{
	struct pkg p;
	struct result a, b;
	const struct mk marks[] = { { 0, "C1", TH_MARK_ERROR, "x" }, { 1, "A1", TH_MARK_WARNING, "y" } };
	(void)state;

	base_pkg(&p, NULL, SHEET(ROWS3), SHEET("<sheetData/>"), STYLES_FULL);
	patch(&p, marks, 2, NULL, 0, &a);
	patch(&p, marks, 2, NULL, 0, &b);
	assert_int_equal(a.out_len, b.out_len);
	assert_memory_equal(a.out, b.out, a.out_len);
	result_free(&a);
	result_free(&b);
}

/* Parts that stay first in the archive (openpyxl writes docProps and the theme first): the
 * new archive starts with the old one's bytes, and nothing is freed twice (libzip 1.7 once
 * freed the original buffer when handing that start over). From a file, as the CLI opens it. */
static void unchanged_start(void **state)
{
	struct pkg p;
	char *theme = malloc(40000), *path = strdup("/tmp/th_patch_XXXXXX");
	unsigned char *in, *out;
	size_t len, out_len;
	th_patch *pt;
	th_err e = { 0 };
	int fd;
	(void)state;

	/* text that does not compress: the unchanged start is most of the archive */
	for (unsigned i = 0, r = 12345; i < 39999; i++) {
		r = r * 1103515245u + 12345u;
		theme[i] = (char)('a' + (r >> 16) % 26);
	}
	theme[39999] = '\0';
	memset(&p, 0, sizeof(p));
	add(&p, "docProps/app.xml", XML_DECL "<Properties/>");
	add(&p, "xl/theme/theme1.xml", theme);
	add(&p, "xl/worksheets/sheet2.xml", SHEET("<sheetData/>"));
	add(&p, "[Content_Types].xml", CONTENT_TYPES);
	add(&p, "_rels/.rels", ROOT_RELS);
	add(&p, "xl/workbook.xml", WORKBOOK(TWO_SHEETS));
	add(&p, "xl/_rels/workbook.xml.rels", WB_RELS(""));
	add(&p, "xl/worksheets/sheet1.xml", SHEET(ROWS3));
	in = zip_of(&p, &len);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, in, len), (ssize_t)len);
	close(fd);
	assert_int_equal(th_patch_open(&pt, path, NULL, &e), 0);
	assert_int_equal(th_patch_mark(pt, 0, 0, 2, TH_MARK_ERROR, "x", &e), 0);
	assert_int_equal(th_patch_build(pt, 1600000000, &out, &out_len, &e), 0);
	th_patch_free(pt);
	{
		char *a = part_of(in, len, "xl/theme/theme1.xml"), *b = part_of(out, out_len, "xl/theme/theme1.xml");
		assert_string_equal(a, b);
		free(a);
		free(b);
	}
	unlink(path);
	free(path);
	free(theme);
	free(in);
	free(out);
}

/* ---- refused ---- */

static void refused(void **state)
{
	struct pkg p;
	th_patch *pt = NULL;
	th_err e = { 0 };
	char deep[4096];
	size_t n = 0;
	(void)state;

	/* not a zip, an .ods */
	static const char xls[] = "\xD0\xCF\x11\xE0 an xls";

	assert_int_equal(th_patch_open_mem(&pt, xls, sizeof(xls) - 1, NULL, &e), -1);
	assert_int_equal(e.code, TH_E_FORMAT_OTHER);
	memset(&p, 0, sizeof(p));
	add(&p, "mimetype", "application/vnd.oasis.opendocument.spreadsheet");
	add(&p, "content.xml", "<office:document-content/>");
	{
		size_t len;
		unsigned char *in = zip_of(&p, &len);
		assert_int_equal(th_patch_open_mem(&pt, in, len, NULL, &e), -1);
		assert_int_equal(e.code, TH_E_FORMAT_OTHER);
		free(in);
	}
	/* rows or cells out of order, a cell outside its row */
	base_pkg(&p, NULL, SHEET("<sheetData><row r=\"3\"/><row r=\"2\"/></sheetData>"), SHEET("<sheetData/>"), NULL);
	assert_int_equal(patch_fails(&p, "A1"), TH_E_PACKAGE);
	base_pkg(&p, NULL, SHEET("<sheetData><row r=\"3\"><c r=\"B3\"/><c r=\"A3\"/></row></sheetData>"),
		 SHEET("<sheetData/>"), NULL);
	assert_int_equal(patch_fails(&p, "A1"), TH_E_PACKAGE);
	base_pkg(&p, NULL, SHEET("<sheetData><row r=\"3\"><c r=\"B4\"/></row></sheetData>"), SHEET("<sheetData/>"), NULL);
	assert_int_equal(patch_fails(&p, "A1"), TH_E_PACKAGE);
	/* a DTD, nesting past the limit, a part in UTF-16 or another encoding, Strict OOXML */
	base_pkg(&p, NULL, "<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"b\">]><worksheet/>", SHEET("<sheetData/>"), NULL);
	assert_int_equal(patch_fails(&p, "A1"), TH_E_XML_DTD);
	n += (size_t)snprintf(deep + n, sizeof(deep) - n, "<worksheet xmlns=\"" NS_MAIN "\"><sheetData>");
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "<a>");
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "</a>");
	snprintf(deep + n, sizeof(deep) - n, "</sheetData></worksheet>");
	base_pkg(&p, NULL, deep, SHEET("<sheetData/>"), NULL);
	assert_int_equal(patch_fails(&p, "A1"), TH_E_XML_DEPTH);
	base_pkg(&p, NULL, "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><worksheet><sheetData/></worksheet>",
		 SHEET("<sheetData/>"), NULL);
	assert_int_equal(patch_fails(&p, "A1"), TH_E_PACKAGE);
	base_pkg(&p, NULL, "\xFF\xFE<\0w\0/\0>\0", SHEET("<sheetData/>"), NULL);
	assert_int_equal(patch_fails(&p, "A1"), TH_E_PACKAGE);
	base_pkg(&p,
		 XML_DECL "<workbook xmlns=\"http://purl.oclc.org/ooxml/spreadsheetml/main\" xmlns:r=\"" NS_R "\">"
			  "<sheets><sheet name=\"A\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
		 SHEET("<sheetData/>"), SHEET("<sheetData/>"), NULL);
	assert_int_equal(patch_fails(&p, "A1"), TH_E_PACKAGE);
	/* a sheet with no sheetData */
	base_pkg(&p, NULL, SHEET(""), SHEET("<sheetData/>"), NULL);
	assert_int_equal(patch_fails(&p, "A1"), TH_E_PACKAGE);
}

/* a sheet is found by its name as written or in NFC */
static void sheet_names(void **state)
{
	struct pkg p;
	th_patch *pt;
	th_err e = { 0 };
	unsigned char *in;
	size_t len;
	(void)state;

	/* "Biểu" written decomposed (e + U+0302 + U+0309) */
	base_pkg(&p,
		 WORKBOOK("<sheet name=\"Bie\xCC\x82\xCC\x89u\" sheetId=\"1\" r:id=\"rId1\"/>"
			  "<sheet name=\"Khac\" sheetId=\"2\" r:id=\"rId2\"/><sheet name=\"Do thi\" sheetId=\"3\" r:id=\"rId7\"/>"),
		 SHEET("<sheetData/>"), SHEET("<sheetData/>"), NULL);
	in = zip_of(&p, &len);
	assert_int_equal(th_patch_open_mem(&pt, in, len, NULL, &e), 0);
	assert_int_equal(th_patch_sheet_count(pt), 2); /* the chart sheet is no worksheet */
	assert_int_equal(th_patch_sheet_find(pt, "Biểu"), 0);
	assert_int_equal(th_patch_sheet_find(pt, "Khac"), 1);
	assert_int_equal(th_patch_sheet_find(pt, "khac"), -1);
	assert_int_equal(th_patch_mark(pt, 5, 0, 0, TH_MARK_ERROR, NULL, &e), -1);
	th_patch_free(pt);
	free(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cell_exists),
		cmocka_unit_test(cell_and_row_missing),
		cmocka_unit_test(implicit_positions),
		cmocka_unit_test(sheet_has_comments),
		cmocka_unit_test(new_comments_parts),
		cmocka_unit_test(sheet_named_loi),
		cmocka_unit_test(chart_sheet_unselected),
		cmocka_unit_test(styles_without_fills),
		cmocka_unit_test(untouched_parts),
		cmocka_unit_test(deterministic),
		cmocka_unit_test(unchanged_start),
		cmocka_unit_test(refused),
		cmocka_unit_test(sheet_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
