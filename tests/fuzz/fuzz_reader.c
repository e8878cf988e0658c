/*
 * libFuzzer target for the streaming XLSX reader: opens the input as a workbook from memory
 * under tight limits, reads every sheet touching every field of every cell, checks the
 * reader's documented invariants (a broken one aborts), then reads the merges and frees.
 * A custom mutator edits the parts inside the zip and re-packs them (so the XML can grow
 * and shrink with valid CRCs). Builds with clang -fsanitize=fuzzer and, with
 * tests/fuzz/replay.c as main, with gcc (the mutator is then never called).
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "base/err.h"
#include "read/numfmt.h"
#include "read/xlsx_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
				 size_t size2, uint8_t *out, size_t max_out_size, unsigned int seed);
/* Provided by libFuzzer; weak so that the gcc replay build links without it. */
size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size) __attribute__((weak));

/* A contract check: a broken invariant is a bug, so crash where the fuzzer can see it. */
#define CHECK(cond)                                                                          \
	do {                                                                                 \
		if (!(cond)) {                                                               \
			fprintf(stderr, "fuzz_reader: invariant broken at %s:%d: %s\n", __FILE__, \
				__LINE__, #cond);                                            \
			abort();                                                             \
		}                                                                            \
	} while (0)

static const th_xlsx_limits fuzz_limits = {
	.max_inflated = (uint64_t)64 << 20,
	.ratio_floor = (uint64_t)1 << 20,
	.max_ratio = 200,
	.max_depth = 64,
	.max_text = 64u << 10,
	.max_sheets = 256,
};

struct visit {
	const th_xlsx *x;
	bool date1904;
	uint64_t cells;
	uint64_t sum; /* folds in every byte so that no read can be optimised away */
	int stop_after; /* > 0: return 42 once this many cells were seen */
};

static uint64_t fold(uint64_t h, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211u;
	return h;
}

static void check_err(const th_err *e)
{
	size_t n = strnlen(e->msg, sizeof(e->msg));

	CHECK(e->code != TH_OK);
	CHECK(n < sizeof(e->msg));
	for (size_t i = 0; i < n; i++)
		CHECK((unsigned char)e->msg[i] >= 0x20 && e->msg[i] != 0x7f);
	CHECK(th_code_name(e->code) != NULL);
}

static int on_cell(void *ud, const th_cell *c)
{
	struct visit *v = ud;
	char ref[TH_CELLREF_MAX], iso[TH_ISO_MAX];
	uint32_t row;
	uint16_t col;
	const char *fmt, *font;
	size_t flen;

	v->cells++;
	CHECK(c->row < TH_MAX_ROWS);
	CHECK(c->col < TH_MAX_COLS);
	th_cellref(c->row, c->col, ref);
	CHECK(strlen(ref) < TH_CELLREF_MAX);
	CHECK(th_cellref_parse(ref, strlen(ref), &row, &col) == 0);
	CHECK(row == c->row && col == c->col);

	CHECK(c->text != NULL);
	CHECK(c->formula != NULL);
	v->sum = fold(v->sum, c->text, c->len);
	flen = strlen(c->formula);
	v->sum = fold(v->sum, c->formula, flen);
	CHECK(!flen || c->has_formula);

	switch (c->type) {
	case TH_CELL_EMPTY:
		CHECK(c->len == 0);
		break;
	case TH_CELL_NUMBER: {
		int n = th_serial_to_iso(c->num, v->date1904, iso);
		CHECK(isfinite(c->num));
		CHECK(c->len == 0);
		if (n < 0)
			CHECK(iso[0] == '\0');
		else
			CHECK((size_t)n == strlen(iso) && (size_t)n < TH_ISO_MAX);
		v->sum = fold(v->sum, iso, strlen(iso));
		break;
	}
	case TH_CELL_BOOL:
		CHECK(c->num == 0 || c->num == 1);
		CHECK(c->len == 0);
		break;
	case TH_CELL_STRING:
	case TH_CELL_ERROR:
	case TH_CELL_DATE:
		break;
	default:
		CHECK(!"unknown cell type");
	}

	(void)th_numkind_is_serial(th_xlsx_style_kind(v->x, c->style));
	fmt = th_xlsx_style_format(v->x, c->style);
	font = th_xlsx_style_font(v->x, c->style);
	CHECK(fmt != NULL && font != NULL);
	v->sum = fold(v->sum, fmt, strlen(fmt));
	v->sum = fold(v->sum, font, strlen(font));

	if (v->stop_after > 0 && v->cells >= (uint64_t)v->stop_after)
		return 42;
	return 0;
}

static void check_merges(const th_xlsx *x)
{
	size_t n;
	const th_range *m = th_xlsx_merges(x, &n);
	char a[TH_CELLREF_MAX], b[TH_CELLREF_MAX];

	CHECK(n == 0 || m != NULL);
	for (size_t i = 0; i < n; i++) {
		CHECK(m[i].r1 <= m[i].r2 && m[i].c1 <= m[i].c2);
		CHECK(m[i].r2 < TH_MAX_ROWS && m[i].c2 < TH_MAX_COLS);
		th_cellref(m[i].r1, m[i].c1, a);
		th_cellref(m[i].r2, m[i].c2, b);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	th_xlsx *x = NULL;
	th_err e;
	struct visit v;
	size_t n;
	int rc;

	th_err_clear(&e);
	if (th_xlsx_open_mem(&x, data, size, "fuzz.xlsx", &fuzz_limits, &e) != 0) {
		CHECK(x == NULL);
		check_err(&e);
		return 0;
	}
	CHECK(x != NULL);

	memset(&v, 0, sizeof(v));
	v.x = x;
	v.date1904 = th_xlsx_date1904(x);
	(void)th_xlsx_shared_count(x);
	/* styles beyond the table must fall back, never read out of bounds */
	CHECK(th_xlsx_style_format(x, UINT32_MAX) != NULL);
	CHECK(th_xlsx_style_font(x, UINT32_MAX) != NULL);
	(void)th_xlsx_style_kind(x, UINT32_MAX);

	n = th_xlsx_sheet_count(x);
	CHECK(n <= fuzz_limits.max_sheets);
	for (size_t i = 0; i < n; i++) {
		const char *name = th_xlsx_sheet_name(x, i), *part = th_xlsx_sheet_part(x, i);
		th_sheet_state st = th_xlsx_sheet_state(x, i);

		CHECK(name != NULL && part != NULL);
		CHECK(st == TH_SHEET_VISIBLE || st == TH_SHEET_HIDDEN || st == TH_SHEET_VERYHIDDEN);
		v.sum = fold(v.sum, name, strlen(name));
		v.sum = fold(v.sum, part, strlen(part));

		th_err_clear(&e);
		rc = th_xlsx_read_sheet(x, i, on_cell, &v, &e);
		CHECK(rc == 0 || rc == -1);
		if (rc)
			check_err(&e);
		check_merges(x);
	}

	/* Read the first sheet again, stopping at its first cell: the stop path and a re-read. */
	if (n > 0) {
		v.cells = 0;
		v.stop_after = 1;
		th_err_clear(&e);
		rc = th_xlsx_read_sheet(x, 0, on_cell, &v, &e);
		CHECK(rc == 0 || rc == -1 || rc == 42);
		if (rc == -1)
			check_err(&e);
		if (rc == 0)
			CHECK(v.cells == 0);
		check_merges(x);
	}

	th_err_clear(&e);
	CHECK(th_xlsx_read_sheet(x, n, on_cell, &v, &e) == -1);
	CHECK(e.code == TH_E_NO_SHEET);

	th_xlsx_free(x);
	/* keep v.sum observable */
	if (v.sum == 1)
		fputc('\0', stderr);
	return 0;
}

/*
 * ---- the structure-aware mutator ----
 * Most byte-level mutations of a zip break it (sizes, offsets, CRCs), so the XML inside is
 * barely explored. Here a mutation unpacks the input with libzip, mutates one part (its
 * bytes through LLVMFuzzerMutate, or its name, or drops or duplicates it) and writes the
 * parts back as a stored zip with correct CRCs. Some mutations stay raw byte mutations of
 * the whole input, so the zip layer itself is still fuzzed.
 */

#define MUT_MAX_PARTS 64
#define MUT_NAME_MAX 256

struct part {
	char name[MUT_NAME_MAX];
	size_t name_len;
	uint8_t *data;
	size_t len;
};

struct parts {
	struct part v[MUT_MAX_PARTS];
	size_t n;
};

static uint32_t mut_rand(uint32_t *s)
{
	/* xorshift32; never seeded with 0 */
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static uint32_t crc32_of(const uint8_t *p, size_t n)
{
	static uint32_t table[256];
	uint32_t c = 0xFFFFFFFFu;

	if (!table[1])
		for (uint32_t i = 0; i < 256; i++) {
			uint32_t k = i;
			for (int j = 0; j < 8; j++)
				k = k & 1 ? 0xEDB88320u ^ (k >> 1) : k >> 1;
			table[i] = k;
		}
	for (size_t i = 0; i < n; i++)
		c = table[(c ^ p[i]) & 0xFF] ^ (c >> 8);
	return c ^ 0xFFFFFFFFu;
}

static void parts_free(struct parts *ps)
{
	for (size_t i = 0; i < ps->n; i++)
		free(ps->v[i].data);
	ps->n = 0;
}

/* Unpack data into ps (at most cap bytes of content in all). Returns 0, or -1 when it is no zip. */
static int parts_read(const uint8_t *data, size_t size, size_t cap, struct parts *ps)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *z;
	zip_int64_t n;
	size_t total = 0;

	ps->n = 0;
	if (size == 0)
		return -1;
	zip_error_init(&ze);
	src = zip_source_buffer_create(data, size, 0, &ze);
	if (!src) {
		zip_error_fini(&ze);
		return -1;
	}
	z = zip_open_from_source(src, ZIP_RDONLY, &ze);
	zip_error_fini(&ze);
	if (!z) {
		zip_source_free(src);
		return -1;
	}
	n = zip_get_num_entries(z, 0);
	for (zip_int64_t i = 0; i < n && ps->n < MUT_MAX_PARTS; i++) {
		const char *name = zip_get_name(z, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
		struct part *p = &ps->v[ps->n];
		zip_file_t *zf;
		zip_int64_t got;

		if (!name)
			continue;
		p->name_len = strnlen(name, MUT_NAME_MAX - 1);
		memcpy(p->name, name, p->name_len);
		p->name[p->name_len] = '\0';
		p->len = 0;
		p->data = malloc(cap - total + 1);
		if (!p->data)
			break;
		zf = zip_fopen_index(z, (zip_uint64_t)i, 0);
		/* a part that cannot be read (damaged, encrypted ...) is kept, empty */
		while (zf && total + p->len < cap &&
		       (got = zip_fread(zf, p->data + p->len, cap - total - p->len)) > 0)
			p->len += (size_t)got;
		if (zf)
			zip_fclose(zf);
		total += p->len;
		ps->n++;
	}
	zip_discard(z);
	return ps->n ? 0 : -1;
}

static void put16(uint8_t *p, unsigned v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v & 0xFFFF);
	put16(p + 2, v >> 16);
}

/* Write ps as a stored zip into out. Returns its size, or 0 when it does not fit in cap. */
static size_t parts_write(const struct parts *ps, uint8_t *out, size_t cap)
{
	size_t need = 22, pos = 0, cd;
	uint32_t offs[MUT_MAX_PARTS];

	for (size_t i = 0; i < ps->n; i++)
		need += 30 + 46 + 2 * ps->v[i].name_len + ps->v[i].len;
	if (need > cap || need > UINT32_MAX)
		return 0;
	for (size_t i = 0; i < ps->n; i++) {
		const struct part *p = &ps->v[i];
		uint8_t *h = out + pos;

		offs[i] = (uint32_t)pos;
		put32(h, 0x04034b50);
		put16(h + 4, 20);        /* version needed */
		put16(h + 6, 0);         /* flags */
		put16(h + 8, 0);         /* stored */
		put16(h + 10, 0);        /* time */
		put16(h + 12, 0x21);     /* date: 1980-01-01 */
		put32(h + 14, crc32_of(p->data, p->len));
		put32(h + 18, (uint32_t)p->len);
		put32(h + 22, (uint32_t)p->len);
		put16(h + 26, (unsigned)p->name_len);
		put16(h + 28, 0);
		memcpy(h + 30, p->name, p->name_len);
		if (p->len)
			memcpy(h + 30 + p->name_len, p->data, p->len);
		pos += 30 + p->name_len + p->len;
	}
	cd = pos;
	for (size_t i = 0; i < ps->n; i++) {
		const struct part *p = &ps->v[i];
		uint8_t *h = out + pos;

		memset(h, 0, 46);
		put32(h, 0x02014b50);
		put16(h + 4, 0x0314);    /* made by: Unix, 2.0 */
		put16(h + 6, 20);
		put16(h + 12, 0);
		put16(h + 14, 0x21);
		put32(h + 16, crc32_of(p->data, p->len));
		put32(h + 20, (uint32_t)p->len);
		put32(h + 24, (uint32_t)p->len);
		put16(h + 28, (unsigned)p->name_len);
		put32(h + 42, offs[i]);
		memcpy(h + 46, p->name, p->name_len);
		pos += 46 + p->name_len;
	}
	put32(out + pos, 0x06054b50);
	put16(out + pos + 4, 0);
	put16(out + pos + 6, 0);
	put16(out + pos + 8, (unsigned)ps->n);
	put16(out + pos + 10, (unsigned)ps->n);
	put32(out + pos + 12, (uint32_t)(pos - cd));
	put32(out + pos + 16, (uint32_t)cd);
	put16(out + pos + 20, 0);
	return pos + 22;
}

/* Bytes of ps other than part k's content, as parts_write lays them out. */
static size_t parts_overhead(const struct parts *ps, size_t k)
{
	size_t n = 22;

	for (size_t i = 0; i < ps->n; i++)
		n += 76 + 2 * ps->v[i].name_len + (i == k ? 0 : ps->v[i].len);
	return n;
}

/* Pick a part, the XML ones (worksheets above all) more often. */
static size_t pick_part(const struct parts *ps, uint32_t *rs)
{
	for (int tries = 0; tries < 4; tries++) {
		size_t k = mut_rand(rs) % ps->n;
		if (strstr(ps->v[k].name, "sheet") || (tries >= 2 && strstr(ps->v[k].name, "xml")))
			return k;
	}
	return mut_rand(rs) % ps->n;
}

static int mutate_parts(struct parts *ps, size_t max_size, uint32_t *rs)
{
	size_t k = pick_part(ps, rs), over = parts_overhead(ps, k);
	struct part *p = &ps->v[k];
	uint32_t op = mut_rand(rs) % 100;

	if (op < 80) {
		size_t room = max_size > over ? max_size - over : 0;
		uint8_t *b;

		if (room < 2)
			return -1;
		b = malloc(room);
		if (!b)
			return -1;
		if (p->len > room)
			p->len = room;
		if (p->len)
			memcpy(b, p->data, p->len);
		else
			b[p->len++] = '<';
		p->len = LLVMFuzzerMutate(b, p->len, room);
		free(p->data);
		p->data = b;
	} else if (op < 88) {
		uint8_t nb[MUT_NAME_MAX];
		size_t n = p->name_len ? p->name_len : 1;

		memcpy(nb, p->name_len ? p->name : "x", n);
		n = LLVMFuzzerMutate(nb, n, MUT_NAME_MAX - 1);
		memcpy(p->name, nb, n);
		p->name[n] = '\0';
		p->name_len = strlen(p->name); /* a NUL cuts the name, as libzip would */
	} else if (op < 94) {
		if (ps->n < 2)
			return -1;
		free(p->data);
		*p = ps->v[--ps->n];
	} else {
		struct part *q;

		if (ps->n >= MUT_MAX_PARTS)
			return -1;
		q = &ps->v[ps->n];
		*q = *p;
		q->data = malloc(p->len + 1);
		if (!q->data)
			return -1;
		memcpy(q->data, p->data, p->len);
		ps->n++;
	}
	return 0;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size, unsigned int seed)
{
	static struct parts ps;
	uint32_t rs = seed ? seed : 0x9E3779B9u;
	size_t out;

	if (!LLVMFuzzerMutate)
		return size;
	if (mut_rand(&rs) % 100 < 15 || parts_read(data, size, max_size, &ps) != 0)
		return LLVMFuzzerMutate(data, size, max_size);
	out = 0;
	if (mutate_parts(&ps, max_size, &rs) == 0)
		out = parts_write(&ps, data, max_size);
	parts_free(&ps);
	return out ? out : LLVMFuzzerMutate(data, size, max_size);
}

/* Graft a part of data2 into data1: keeps data1's names, so styles meet other sheets. */
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1, const uint8_t *data2,
				 size_t size2, uint8_t *out, size_t max_out_size, unsigned int seed)
{
	static struct parts a, b;
	uint32_t rs = seed ? seed : 0x9E3779B9u;
	size_t n = 0;

	if (parts_read(data1, size1, max_out_size, &a) == 0 &&
	    parts_read(data2, size2, max_out_size, &b) == 0) {
		struct part *pa = &a.v[pick_part(&a, &rs)], *pb = &b.v[pick_part(&b, &rs)];
		uint8_t *d = malloc(pb->len + 1);

		if (d) {
			memcpy(d, pb->data, pb->len);
			free(pa->data);
			pa->data = d;
			pa->len = pb->len;
			n = parts_write(&a, out, max_out_size);
		}
	}
	parts_free(&a);
	parts_free(&b);
	return n;
}
