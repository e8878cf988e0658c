/*
 * Unit tests for the .xls reader behind th_xlsx_* (xls_reader.c). Workbooks are built
 * here record by record (BIFF8) inside a version-3 compound file, then read back with
 * th_xlsx_open_mem: every cell record (NUMBER, RK, MULRK, LABELSST, LABEL, BOOLERR,
 * FORMULA with each kind of cached result and its STRING), shared strings split over
 * CONTINUE records, XF number formats and fonts, sheet states, merged ranges, an embedded
 * chart substream, and each damaged or hostile structure refused with its code. FreeXL
 * (a second, independent .xls reader) then reads the corpus's .xls files: every constant
 * cell it finds must be the one tonghop finds. (FreeXL 1.0.6 hands back a NULL handle with
 * FREEXL_OK for the workbook built here, so it is not compared on it.)
 * SPDX-License-Identifier: MIT
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <freexl.h>

#include "read/numfmt.h"
#include "read/xlsx_reader.h"

/* ---- building BIFF8 ---- */

struct bb {
	unsigned char *p;
	size_t n, cap;
};

static void put(struct bb *b, const void *d, size_t n)
{
	if (b->n + n > b->cap) {
		b->cap = (b->n + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	memcpy(b->p + b->n, d, n);
	b->n += n;
}

static void put8(struct bb *b, unsigned v) { unsigned char c = (unsigned char)v; put(b, &c, 1); }
static void put16(struct bb *b, unsigned v) { put8(b, v & 0xFF); put8(b, v >> 8 & 0xFF); }
static void put32(struct bb *b, uint32_t v) { put16(b, v & 0xFFFF); put16(b, v >> 16); }
static void putf(struct bb *b, double d)
{
	uint64_t v;
	memcpy(&v, &d, sizeof(v));
	put32(b, (uint32_t)v);
	put32(b, (uint32_t)(v >> 32));
}

/* A record whose body is built in body (then freed). */
static void rec(struct bb *out, unsigned type, struct bb *body)
{
	put16(out, type);
	put16(out, (unsigned)body->n);
	if (body->n)
		put(out, body->p, body->n);
	free(body->p);
	memset(body, 0, sizeof(*body));
}

/* UTF-16 option byte and characters of ASCII-or-UTF-8 text (BMP only). */
static void put_chars16(struct bb *b, const char *s)
{
	put8(b, 1);
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		unsigned cp = *p++;
		if (cp >= 0xE0) {
			cp = (cp & 0x0F) << 12 | (p[0] & 0x3Fu) << 6 | (p[1] & 0x3Fu);
			p += 2;
		} else if (cp >= 0xC0) {
			cp = (cp & 0x1F) << 6 | (p[0] & 0x3Fu);
			p++;
		}
		put16(b, cp);
	}
}

static size_t u16len(const char *s)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		n += (*p & 0xC0) != 0x80;
	return n;
}

static void bof(struct bb *out, unsigned dt)
{
	struct bb b = { 0 };
	put16(&b, 0x0600);
	put16(&b, dt);
	put16(&b, 0x0DBB);
	put16(&b, 0x07CC);
	put32(&b, 0x41);
	put32(&b, 6);
	rec(out, 0x0809, &b);
}

static void eof(struct bb *out)
{
	struct bb b = { 0 };
	rec(out, 0x000A, &b);
}

static void cellhead(struct bb *b, unsigned row, unsigned col, unsigned xf)
{
	put16(b, row);
	put16(b, col);
	put16(b, xf);
}

static void number(struct bb *out, unsigned row, unsigned col, unsigned xf, double v)
{
	struct bb b = { 0 };
	cellhead(&b, row, col, xf);
	putf(&b, v);
	rec(out, 0x0203, &b);
}

static void labelsst(struct bb *out, unsigned row, unsigned col, unsigned xf, uint32_t k)
{
	struct bb b = { 0 };
	cellhead(&b, row, col, xf);
	put32(&b, k);
	rec(out, 0x00FD, &b);
}

/* FORMULA with an 8-byte result: a number, or (kind, value) with 0xFFFF in the top bytes. */
static void formula(struct bb *out, unsigned row, unsigned col, double num, int kind, unsigned val)
{
	struct bb b = { 0 };
	cellhead(&b, row, col, 15);
	if (kind < 0) {
		putf(&b, num);
	} else {
		put8(&b, (unsigned)kind);
		put8(&b, 0);
		put8(&b, val);
		put8(&b, 0);
		put16(&b, 0);
		put16(&b, 0xFFFF);
	}
	put16(&b, 0);          /* flags */
	put32(&b, 0);          /* chain */
	put16(&b, 3);          /* rgce: =1+? (opaque here) */
	put8(&b, 0x1E);
	put16(&b, 1);
	rec(out, 0x0006, &b);
}

/* Options of the built workbook, for the hostile variants. */
struct opts {
	bool filepass;
	bool sst_index_out;
	bool col_beyond;
	bool date1904;
};

/* Patch a u32 at off in b. */
static void patch32(struct bb *b, size_t off, uint32_t v)
{
	b->p[off] = (unsigned char)v;
	b->p[off + 1] = (unsigned char)(v >> 8);
	b->p[off + 2] = (unsigned char)(v >> 16);
	b->p[off + 3] = (unsigned char)(v >> 24);
}

static const char LONG_START[] = "Tổng số thủ tục hành chính ";

/* The BIFF8 Workbook stream. */
static struct bb workbook(const struct opts *o)
{
	struct bb w = { 0 }, b = { 0 };
	static const char *const fonts[] = { "Arial", "Arial", "Arial", "Arial", ".VnTime" };
	static const struct { const char *name; unsigned state, dt; } sheets[] = {
		{ "Biểu 1", 0, 0 }, { "Ẩn", 1, 0 }, { "Đồ thị", 0, 2 }, { "Rất ẩn", 2, 0 },
	};
	size_t pos_at[4];

	bof(&w, 5);
	if (o->filepass) {
		put16(&b, 1);
		put16(&b, 4);
		put16(&b, 2);
		for (int i = 0; i < 48; i++)
			put8(&b, (unsigned)i);
		rec(&w, 0x002F, &b);
	}
	put16(&b, 1200);
	rec(&w, 0x0042, &b);
	put16(&b, o->date1904);
	rec(&w, 0x0022, &b);
	for (size_t i = 0; i < 5; i++) {
		for (int k = 0; k < 14; k++)
			put8(&b, 0);
		put8(&b, (unsigned)strlen(fonts[i]));
		put8(&b, 0); /* compressed */
		put(&b, fonts[i], strlen(fonts[i]));
		rec(&w, 0x0031, &b);
	}
	put16(&b, 164);
	put16(&b, 5);
	put_chars16(&b, "0.00%");
	rec(&w, 0x041E, &b);
	put16(&b, 165);
	put16(&b, 10);
	put_chars16(&b, "dd/mm/yyyy");
	rec(&w, 0x041E, &b);
	/* XF 0-15 plain; 16: 0.00%; 17: dd/mm/yyyy; 18: built-in 14 (a date); 19: font 5 (.VnTime) */
	for (unsigned i = 0; i < 20; i++) {
		unsigned fmt = i == 16 ? 164 : i == 17 ? 165 : i == 18 ? 14 : 0;
		put16(&b, i == 19 ? 5 : 0);
		put16(&b, fmt);
		for (int k = 0; k < 16; k++)
			put8(&b, 0);
		rec(&w, 0x00E0, &b);
	}
	for (size_t i = 0; i < 4; i++) {
		pos_at[i] = w.n + 4;
		put32(&b, 0);
		put8(&b, sheets[i].state);
		put8(&b, sheets[i].dt);
		put8(&b, (unsigned)u16len(sheets[i].name));
		put_chars16(&b, sheets[i].name);
		rec(&w, 0x0085, &b);
	}
	/*
	 * SST: "Biểu mẫu 1", then a long string whose characters go on in a CONTINUE that
	 * switches from UTF-16 to compressed, then one split between two strings, then "".
	 */
	{
		struct bb c = { 0 };
		const char *tail = "ABCDEFGHIJ";
		put32(&b, 5);
		put32(&b, 4); /* declares 4 unique strings: a fifth is never read */
		put16(&b, (unsigned)u16len("Biểu mẫu 1"));
		put_chars16(&b, "Biểu mẫu 1");
		put16(&b, (unsigned)(u16len(LONG_START) + strlen(tail)));
		put_chars16(&b, LONG_START);
		rec(&w, 0x00FC, &b);
		put8(&c, 0); /* the rest is compressed */
		put(&c, tail, strlen(tail));
		put16(&c, 2);
		put8(&c, 0);
		put(&c, "xy", 2);
		put16(&c, 0);
		put8(&c, 0);
		rec(&w, 0x003C, &c);
	}
	eof(&w);
	/* sheet 1 */
	patch32(&w, pos_at[0], (uint32_t)w.n);
	bof(&w, 0x10);
	put32(&b, 0);
	put32(&b, 65536); /* DIMENSION claims the whole grid: nothing is allocated by it */
	put16(&b, 0);
	put16(&b, 256);
	put16(&b, 0);
	rec(&w, 0x0200, &b);
	/* COLINFO: columns D:E hidden, F not; ROW: row 3 (0-based 2) hidden, row 2 not */
	for (unsigned c = 3; c <= 5; c += 2) {
		put16(&b, c);
		put16(&b, c == 3 ? 4 : 5);
		put16(&b, 2000);
		put16(&b, 15);
		put16(&b, c == 3 ? 0x01 : 0x00);
		put16(&b, 0);
		rec(&w, 0x007D, &b);
	}
	for (unsigned r = 1; r <= 2; r++) {
		put16(&b, r);
		put16(&b, 0);
		put16(&b, 5);
		put16(&b, 255);
		put32(&b, 0);
		put16(&b, r == 2 ? 0x0120 : 0x0100);
		put16(&b, 15);
		rec(&w, 0x0208, &b);
	}
	labelsst(&w, 0, 0, 15, o->sst_index_out ? 9 : 0);
	number(&w, 1, 0, 15, 412.5);
	number(&w, 1, 1, 16, 0.8816);
	number(&w, 1, 2, 17, 45181);
	number(&w, 1, 3, 18, 45181.5);
	number(&w, 1, o->col_beyond ? 20000 : 4, 15, NAN); /* not finite: no value */
	cellhead(&b, 2, 0, 15); /* RK: integer 88 */
	put32(&b, (uint32_t)88 << 2 | 2);
	rec(&w, 0x027E, &b);
	cellhead(&b, 2, 1, 15); /* RK: integer 9816 / 100 */
	put32(&b, (uint32_t)9816 << 2 | 3);
	rec(&w, 0x027E, &b);
	{
		/* MULRK C3:E3: 1.5 (float RK), -7 (integer), 1234 (integer /100) */
		double d = 1.5;
		uint64_t v;
		memcpy(&v, &d, sizeof(v));
		put16(&b, 2);
		put16(&b, 2);
		put16(&b, 15);
		put32(&b, (uint32_t)(v >> 32) & 0xFFFFFFFCu);
		put16(&b, 15);
		put32(&b, (uint32_t)-7 << 2 | 2);
		put16(&b, 15);
		put32(&b, (uint32_t)1234 << 2 | 3);
		put16(&b, 4);
		rec(&w, 0x00BD, &b);
	}
	cellhead(&b, 3, 0, 19); /* LABEL in .VnTime */
	put16(&b, 5);
	put8(&b, 0);
	put(&b, "T\xb8ng", 4);
	put8(&b, 'x');
	rec(&w, 0x0204, &b);
	labelsst(&w, 3, 1, 15, 1);
	labelsst(&w, 3, 2, 15, 2);
	labelsst(&w, 3, 3, 15, 3);
	cellhead(&b, 4, 0, 15); /* BOOLERR: TRUE, #DIV/0! */
	put8(&b, 1);
	put8(&b, 0);
	rec(&w, 0x0205, &b);
	cellhead(&b, 4, 1, 15);
	put8(&b, 0x07);
	put8(&b, 1);
	rec(&w, 0x0205, &b);
	formula(&w, 5, 0, 98.1561, -1, 0);
	formula(&w, 5, 1, 0, 0, 0); /* a string: in the STRING below, after a SHRFMLA */
	put16(&b, 0);
	rec(&w, 0x04BC, &b);
	put16(&b, (unsigned)u16len("kết quả"));
	put_chars16(&b, "kết quả");
	rec(&w, 0x0207, &b);
	formula(&w, 5, 2, 0, 1, 1);
	formula(&w, 5, 3, 0, 2, 0x2A);
	formula(&w, 5, 4, 0, 3, 0);
	formula(&w, 5, 5, 0, 0, 0); /* a string result whose STRING never comes */
	put16(&b, 1); /* MERGEDCELLS: A8:C9 */
	put16(&b, 7);
	put16(&b, 8);
	put16(&b, 0);
	put16(&b, 2);
	rec(&w, 0x00E5, &b);
	bof(&w, 0x20); /* an embedded chart: its records are not cells of the sheet */
	number(&w, 9, 9, 15, 666);
	eof(&w);
	number(&w, 9, 0, 15, 1);
	eof(&w);
	/* sheet 2 (hidden), 3 (the chart), 4 (very hidden) */
	patch32(&w, pos_at[1], (uint32_t)w.n);
	bof(&w, 0x10);
	labelsst(&w, 0, 0, 15, 0);
	eof(&w);
	patch32(&w, pos_at[2], (uint32_t)w.n);
	bof(&w, 0x20);
	eof(&w);
	patch32(&w, pos_at[3], (uint32_t)w.n);
	bof(&w, 0x10);
	eof(&w);
	/* past the mini-stream cutoff: the stream goes in regular sectors (what follows the
	 * last EOF is never read) */
	while (w.n < 4200)
		put8(&w, 0);
	return w;
}

#define SECT 512
#define ENDOFCHAIN 0xFFFFFFFEu
#define FREESECT 0xFFFFFFFFu

/* A version-3 compound file: header, one FAT sector, one directory sector, the stream. */
static struct bb compound(const struct bb *stream, const char *name)
{
	struct bb f = { 0 };
	size_t nsec = (stream->n + SECT - 1) / SECT;
	unsigned char zero[SECT] = { 0 };

	assert_true(nsec + 2 <= SECT / 4);
	put(&f, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8);
	put(&f, zero, 16);
	put16(&f, 0x3E);
	put16(&f, 3);
	put16(&f, 0xFFFE);
	put16(&f, 9);
	put16(&f, 6);
	put(&f, zero, 6);
	put32(&f, 0);          /* directory sectors (v3: 0) */
	put32(&f, 1);          /* FAT sectors */
	put32(&f, 1);          /* first directory sector */
	put32(&f, 0);
	put32(&f, 4096);       /* mini stream cutoff */
	put32(&f, ENDOFCHAIN); /* mini FAT */
	put32(&f, 0);
	put32(&f, ENDOFCHAIN); /* DIFAT */
	put32(&f, 0);
	put32(&f, 0);          /* DIFAT[0]: the FAT is sector 0 */
	for (int i = 1; i < 109; i++)
		put32(&f, FREESECT);
	/* FAT: 0 the FAT, 1 the directory, 2.. the stream */
	put32(&f, 0xFFFFFFFDu);
	put32(&f, ENDOFCHAIN);
	for (size_t i = 0; i < nsec; i++)
		put32(&f, i + 1 < nsec ? (uint32_t)(i + 3) : ENDOFCHAIN);
	for (size_t i = nsec + 2; i < SECT / 4; i++)
		put32(&f, FREESECT);
	/* directory: the root, then the stream */
	for (int e = 0; e < 4; e++) {
		const char *n = e == 0 ? "Root Entry" : e == 1 ? name : "";
		size_t len = strlen(n);
		for (size_t i = 0; i < 32; i++)
			put16(&f, i < len ? (unsigned char)n[i] : 0);
		put16(&f, len ? (unsigned)(2 * (len + 1)) : 0);
		put8(&f, e == 0 ? 5 : e == 1 ? 2 : 0);
		put8(&f, 1);
		put32(&f, FREESECT);
		put32(&f, FREESECT);
		put32(&f, e == 0 ? 1 : FREESECT);
		put(&f, zero, 16 + 4 + 16);
		put32(&f, e == 1 ? 2 : ENDOFCHAIN);
		put32(&f, e == 1 ? (uint32_t)stream->n : 0);
		put32(&f, 0);
	}
	put(&f, stream->p, stream->n);
	while (f.n % SECT)
		put8(&f, 0);
	return f;
}

static struct bb build(const struct opts *o)
{
	struct bb w = workbook(o), f = compound(&w, "Workbook");
	free(w.p);
	return f;
}

/* ---- reading ---- */

struct gcell {
	uint32_t row;
	uint16_t col;
	th_cell_type type;
	bool formula;
	double num;
	char *text;
	th_numkind kind;
	char *font;
};

struct got {
	th_xlsx *x;
	struct gcell *v;
	size_t n;
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
	assert_non_null(c->formula);
	assert_int_equal(strlen(c->text), c->len);
	k->text = strdup(c->text);
	k->kind = th_xlsx_style_kind(g->x, c->style);
	k->font = strdup(th_xlsx_style_font(g->x, c->style));
	return 0;
}

static void got_free(struct got *g)
{
	for (size_t i = 0; i < g->n; i++) {
		free(g->v[i].text);
		free(g->v[i].font);
	}
	free(g->v);
	g->v = NULL;
	g->n = 0;
}

static const struct gcell *at(const struct got *g, uint32_t row, uint16_t col)
{
	const struct gcell *hit = NULL;
	for (size_t i = 0; i < g->n; i++)
		if (g->v[i].row == row && g->v[i].col == col)
			hit = &g->v[i];
	return hit;
}

static void open_fails(const struct bb *f, th_code code)
{
	th_xlsx *x = NULL;
	th_err e;

	th_err_clear(&e);
	assert_int_equal(th_xlsx_open_mem(&x, f->p, f->n, "t.xls", NULL, &e), -1);
	assert_null(x);
	if (e.code != code)
		fail_msg("got %s (%d), want %s: %s", th_code_name(e.code), (int)e.code, th_code_name(code), e.msg);
}

static void read_fails(const struct bb *f, th_code code)
{
	struct got g = { 0 };
	th_err e;

	assert_int_equal(th_xlsx_open_mem(&g.x, f->p, f->n, "t.xls", NULL, &e), 0);
	assert_int_equal(th_xlsx_read_sheet(g.x, 0, keep, &g, &e), -1);
	if (e.code != code)
		fail_msg("got %s (%d), want %s: %s", th_code_name(e.code), (int)e.code, th_code_name(code), e.msg);
	got_free(&g);
	th_xlsx_free(g.x);
}

/* ---- tests ---- */

static void test_cells(void **state)
{
	struct opts o = { 0 };
	struct bb f = build(&o);
	struct got g = { 0 };
	const struct gcell *k;
	th_err e;

	(void)state;
	assert_int_equal(th_xlsx_open_mem(&g.x, f.p, f.n, "t.xls", NULL, &e), 0);
	assert_int_equal(th_xlsx_read_sheet(g.x, 0, keep, &g, &e), 0);
	assert_string_equal(at(&g, 0, 0)->text, "Biểu mẫu 1");
	assert_true(at(&g, 1, 0)->num == 412.5);
	assert_null(at(&g, 1, 4)); /* a NaN is no value */
	assert_true(at(&g, 2, 0)->num == 88);
	assert_true(at(&g, 2, 1)->num == 98.16);
	assert_true(at(&g, 2, 2)->num == 1.5);
	assert_true(at(&g, 2, 3)->num == -7);
	assert_true(at(&g, 2, 4)->num == 12.34);
	k = at(&g, 3, 0);
	assert_string_equal(k->text, "T\xc2\xb8ngx"); /* compressed: Latin-1, left for the TCVN3 decoder */
	assert_string_equal(k->font, ".VnTime");
	assert_string_equal(at(&g, 3, 1)->text, "Tổng số thủ tục hành chính ABCDEFGHIJ");
	assert_string_equal(at(&g, 3, 2)->text, "xy");
	assert_string_equal(at(&g, 3, 3)->text, ""); /* an empty shared string */
	k = at(&g, 4, 0);
	assert_int_equal(k->type, TH_CELL_BOOL);
	assert_true(k->num == 1);
	k = at(&g, 4, 1);
	assert_int_equal(k->type, TH_CELL_ERROR);
	assert_string_equal(k->text, "#DIV/0!");
	k = at(&g, 5, 0);
	assert_int_equal(k->type, TH_CELL_NUMBER);
	assert_true(k->formula);
	assert_true(k->num == 98.1561);
	k = at(&g, 5, 1);
	assert_int_equal(k->type, TH_CELL_STRING);
	assert_true(k->formula);
	assert_string_equal(k->text, "kết quả");
	assert_int_equal(at(&g, 5, 2)->type, TH_CELL_BOOL);
	assert_true(at(&g, 5, 2)->formula);
	assert_string_equal(at(&g, 5, 3)->text, "#N/A");
	assert_int_equal(at(&g, 5, 4)->type, TH_CELL_STRING);
	assert_string_equal(at(&g, 5, 4)->text, "");
	k = at(&g, 5, 5);
	assert_int_equal(k->type, TH_CELL_EMPTY);
	assert_true(k->formula);
	assert_null(at(&g, 9, 9)); /* inside the embedded chart */
	assert_true(at(&g, 9, 0)->num == 1);
	{
		size_t nm;
		const th_range *m = th_xlsx_merges(g.x, &nm);
		assert_int_equal(nm, 1);
		assert_int_equal(m[0].r1, 7);
		assert_int_equal(m[0].r2, 8);
		assert_int_equal(m[0].c1, 0);
		assert_int_equal(m[0].c2, 2);
	}
	{
		size_t nh;
		const th_span *h = th_xlsx_hidden(g.x, true, &nh);
		assert_int_equal(nh, 1);
		assert_true(h[0].first == 3 && h[0].last == 4);
		h = th_xlsx_hidden(g.x, false, &nh);
		assert_int_equal(nh, 1);
		assert_true(h[0].first == 2 && h[0].last == 2);
		assert_false(th_xlsx_full_calc(g.x));
	}
	got_free(&g);
	th_xlsx_free(g.x);
	free(f.p);
}

static void test_styles_and_sheets(void **state)
{
	struct opts o = { .date1904 = true };
	struct bb f = build(&o);
	struct got g = { 0 };
	th_err e;

	(void)state;
	assert_int_equal(th_xlsx_open_mem(&g.x, f.p, f.n, "t.xls", NULL, &e), 0);
	assert_true(th_xlsx_date1904(g.x));
	assert_int_equal(th_xlsx_sheet_count(g.x), 3); /* the chart sheet is not listed */
	assert_string_equal(th_xlsx_sheet_name(g.x, 0), "Biểu 1");
	assert_int_equal(th_xlsx_sheet_state(g.x, 0), TH_SHEET_VISIBLE);
	assert_string_equal(th_xlsx_sheet_name(g.x, 1), "Ẩn");
	assert_int_equal(th_xlsx_sheet_state(g.x, 1), TH_SHEET_HIDDEN);
	assert_string_equal(th_xlsx_sheet_name(g.x, 2), "Rất ẩn");
	assert_int_equal(th_xlsx_sheet_state(g.x, 2), TH_SHEET_VERYHIDDEN);
	assert_int_equal(th_xlsx_read_sheet(g.x, 0, keep, &g, &e), 0);
	assert_int_equal(at(&g, 1, 0)->kind, TH_NUM_GENERAL);
	assert_int_equal(at(&g, 1, 1)->kind, TH_NUM_PERCENT);
	assert_string_equal(th_xlsx_style_format(g.x, 16), "0.00%");
	assert_int_equal(at(&g, 1, 2)->kind, TH_NUM_DATE);
	assert_int_equal(at(&g, 1, 3)->kind, TH_NUM_DATE); /* built-in 14 */
	assert_int_equal(th_xlsx_style_kind(g.x, 5000), TH_NUM_GENERAL); /* no such XF */
	got_free(&g);
	assert_int_equal(th_xlsx_read_sheet(g.x, 1, keep, &g, &e), 0);
	assert_int_equal(g.n, 1);
	got_free(&g);
	assert_int_equal(th_xlsx_read_sheet(g.x, 2, keep, &g, &e), 0);
	assert_int_equal(g.n, 0);
	th_xlsx_free(g.x);
	free(f.p);
}

static void test_hostile(void **state)
{
	struct opts o = { 0 };
	struct bb f;

	(void)state;
	o.filepass = true;
	f = build(&o);
	open_fails(&f, TH_E_ENCRYPTED);
	free(f.p);
	o = (struct opts){ .sst_index_out = true };
	f = build(&o);
	read_fails(&f, TH_E_SST_INDEX);
	free(f.p);
	o = (struct opts){ .col_beyond = true };
	f = build(&o);
	read_fails(&f, TH_E_CELL_REF);
	free(f.p);
	o = (struct opts){ 0 };
	f = build(&o);
	{
		size_t n = f.n;
		/* truncated: the stream's sectors are past the end */
		f.n = n * 6 / 10;
		open_fails(&f, TH_E_XLS_DAMAGED);
		f.n = n;
		/* the stream's first sector chained to itself */
		patch32(&f, SECT + 4 * 2, 2);
		open_fails(&f, TH_E_XLS_DAMAGED);
		patch32(&f, SECT + 4 * 2, 3);
		/* a stream size beyond the file */
		patch32(&f, 2 * SECT + 128 + 120, 0xFFFFFFF0u);
		open_fails(&f, TH_E_XLS_DAMAGED);
		patch32(&f, 2 * SECT + 128 + 120, 4200);
		/* the byte-order mark */
		f.p[28] = 0;
		open_fails(&f, TH_E_XLS_DAMAGED);
		f.p[28] = 0xFE;
		/* the FAT's sector number beyond the file */
		patch32(&f, 76, 999999);
		open_fails(&f, TH_E_XLS_DAMAGED);
		patch32(&f, 76, 0);
	}
	free(f.p);
	{
		/* an OLE2 file without a workbook stream (a Word document) */
		struct bb w = { 0 }, d;
		while (w.n < 4200)
			put8(&w, 0x55);
		d = compound(&w, "WordDocument");
		open_fails(&d, TH_E_FORMAT_OTHER);
		free(d.p);
		d = compound(&w, "EncryptionInfo");
		open_fails(&d, TH_E_ENCRYPTED);
		free(d.p);
		free(w.p);
	}
}

/* ---- FreeXL, a second reader: its constant cells must be ours ---- */

struct pos_cell {
	uint32_t row;
	uint16_t col;
};

static int compare_with_freexl(const char *path)
{
	const void *h = NULL;
	unsigned nsheets = 0, compared = 0;
	th_xlsx *x = NULL;
	th_err e;

	if (freexl_open(path, &h) != FREEXL_OK || freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &nsheets) != FREEXL_OK) {
		freexl_close(h);
		return -1; /* FreeXL cannot read it: nothing to compare */
	}
	if (th_xlsx_open(&x, path, NULL, &e) != 0) {
		freexl_close(h);
		if (e.code == TH_E_FORMAT_XLS)
			return -1; /* Excel 2.x-4.0, which tonghop refuses on purpose */
		fail_msg("%s: FreeXL reads it, tonghop does not: %s", path, e.msg);
	}
	for (unsigned s = 0, ours = 0; s < nsheets; s++) {
		const char *name;
		unsigned rows = 0;
		unsigned short cols = 0;
		struct got g = { .x = x };
		size_t i;

		assert_int_equal(freexl_get_worksheet_name(h, (unsigned short)s, &name), FREEXL_OK);
		/* FreeXL lists every BOUNDSHEET; tonghop only the worksheets */
		for (i = ours; i < th_xlsx_sheet_count(x); i++)
			if (strcmp(th_xlsx_sheet_name(x, i), name) == 0)
				break;
		if (i == th_xlsx_sheet_count(x))
			continue;
		ours = (unsigned)i + 1;
		assert_int_equal(th_xlsx_read_sheet(x, i, keep, &g, &e), 0);
		assert_int_equal(freexl_select_active_worksheet(h, (unsigned short)s), FREEXL_OK);
		assert_int_equal(freexl_worksheet_dimensions(h, &rows, &cols), FREEXL_OK);
		for (unsigned r = 0; r < rows && r < 2000; r++)
			for (unsigned c = 0; c < cols; c++) {
				FreeXL_CellValue v;
				const struct gcell *k;
				char iso[TH_ISO_MAX];

				if (freexl_get_cell_value(h, r, (unsigned short)c, &v) != FREEXL_OK ||
				    v.type == FREEXL_CELL_NULL)
					continue;
				k = at(&g, r, (uint16_t)c);
				if (!k)
					fail_msg("%s '%s' R%uC%u: FreeXL has a value, tonghop none", path, name, r + 1, c + 1);
				compared++;
				switch (v.type) {
				case FREEXL_CELL_INT:
					/* FreeXL reads booleans and errors as integers too */
					if (k->type == TH_CELL_NUMBER || k->type == TH_CELL_BOOL)
						assert_true(k->num == v.value.int_value);
					break;
				case FREEXL_CELL_DOUBLE:
					assert_int_equal(k->type, TH_CELL_NUMBER);
					assert_true(k->num == v.value.double_value);
					break;
				case FREEXL_CELL_TEXT:
				case FREEXL_CELL_SST_TEXT:
					assert_int_equal(k->type, TH_CELL_STRING);
					assert_string_equal(k->text, v.value.text_value);
					break;
				case FREEXL_CELL_DATE:
				case FREEXL_CELL_DATETIME:
					/* FreeXL's own idea of a date format; the value is what matters */
					assert_int_equal(k->type, TH_CELL_NUMBER);
					assert_true(th_serial_to_iso(k->num, th_xlsx_date1904(x), iso) > 0);
					if (strncmp(iso, v.value.text_value, 10) != 0)
						fail_msg("%s '%s' R%uC%u: date %s, FreeXL %s", path, name, r + 1, c + 1,
							 iso, v.value.text_value);
					break;
				default:
					break;
				}
			}
		got_free(&g);
	}
	th_xlsx_free(x);
	freexl_close(h);
	return (int)compared;
}

static void test_freexl_agrees(void **state)
{
	const char *dir = getenv("TONGHOP_CORPUS_FILES");
	char path[4096];
	DIR *d;
	struct dirent *de;
	int files = 0, cells = 0, n;

	(void)state;
	if (!dir)
		dir = "../shared/corpus/files";
	d = opendir(dir);
	if (!d)
		skip();
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".xls") != 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		n = compare_with_freexl(path);
		if (n >= 0) {
			files++;
			cells += n;
		}
	}
	closedir(d);
	print_message("FreeXL and tonghop agree on %d constant cells of %d corpus .xls files\n", cells, files);
	assert_true(files >= 10);
	assert_true(cells >= 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cells),
		cmocka_unit_test(test_styles_and_sheets),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_freexl_agrees),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
