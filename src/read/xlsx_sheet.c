/*
 * The worksheet stream: each <c> of a sheet, parsed by expat as libzip inflates it, handed
 * to the caller as a th_cell (shared strings resolved, inline strings and escapes decoded,
 * numbers parsed exactly), then the sheet's merged ranges; and cell references ("B7").
 * Memory does not grow with the rows. An .xls or .ods sheet is read by its book.
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "base/sbuf.h"
#include "read/xlsx_part.h"
#include "base/banned.h"

/* ---- cell references ---- */

char *th_cellref(uint32_t row, uint16_t col, char out[TH_CELLREF_MAX])
{
	char letters[4];
	int n = 0;
	unsigned c = (unsigned)col + 1;

	while (c && n < 3) {
		letters[n++] = (char)('A' + (c - 1) % 26);
		c = (c - 1) / 26;
	}
	for (int i = 0; i < n; i++)
		out[i] = letters[n - 1 - i];
	{
		char digits[12];
		int k = 0;
		uint64_t r = (uint64_t)row + 1;

		if (r > TH_MAX_ROWS)
			r = TH_MAX_ROWS; /* callers pass rows inside the grid; never overflow out */
		do {
			digits[k++] = (char)('0' + r % 10);
			r /= 10;
		} while (r);
		while (k)
			out[n++] = digits[--k];
		out[n] = '\0';
	}
	return out;
}

/* ASCII classes, whatever the locale (a reference is ASCII) */
static inline bool ref_space(unsigned ch) { return ch == ' ' || (ch >= '\t' && ch <= '\r'); }
static inline bool ref_alpha(unsigned ch) { return (ch | 0x20) >= 'a' && (ch | 0x20) <= 'z'; }
static inline bool ref_digit(unsigned ch) { return ch >= '0' && ch <= '9'; }

int th_cellref_parse(const char *s, size_t n, uint32_t *row, uint16_t *col)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0;
	uint64_t c = 0, r = 0;

	while (i < n && ref_space(u[i]))
		i++;
	if (i < n && u[i] == '$')
		i++;
	if (i >= n || !ref_alpha(u[i]))
		return -1;
	for (; i < n && ref_alpha(u[i]); i++) {
		c = c * 26 + (uint64_t)((u[i] & ~0x20u) - 'A' + 1);
		if (c > TH_MAX_COLS)
			return -1;
	}
	if (i < n && u[i] == '$')
		i++;
	if (i >= n || !ref_digit(u[i]))
		return -1;
	for (; i < n && ref_digit(u[i]); i++) {
		r = r * 10 + (uint64_t)(u[i] - '0');
		if (r > TH_MAX_ROWS)
			return -1;
	}
	while (i < n && ref_space(u[i]))
		i++;
	if (i != n || r == 0)
		return -1;
	*row = (uint32_t)(r - 1);
	*col = (uint16_t)(c - 1);
	return 0;
}

/* ---- numbers ---- */

/*
 * Parse a plain decimal ("-12.5", "45181") exactly as strtod would, fast: when the digits
 * fit in 2^53 and there are at most 22 after the point, both the mantissa and the power
 * of ten are exact doubles and one IEEE division rounds correctly (Clinger's fast path).
 * Returns false for anything else (exponents, long mantissas, blanks), left to strtod.
 */
static bool fast_decimal(const char *s, double *out)
{
	static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
					1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
	const char *p = s;
	uint64_t m = 0;
	int frac = 0, ndig = 0;
	bool neg = false;

	if (*p == '-') {
		neg = true;
		p++;
	}
	if (!isdigit((unsigned char)*p))
		return false;
	for (; isdigit((unsigned char)*p); p++, ndig++)
		m = m * 10 + (uint64_t)(*p - '0');
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return false;
		for (; isdigit((unsigned char)*p); p++, ndig++, frac++)
			m = m * 10 + (uint64_t)(*p - '0');
	}
	if (*p || ndig > 15 || frac > 22 || m > ((uint64_t)1 << 53))
		return false;
	*out = (double)m / pow10[frac];
	if (neg)
		*out = -*out;
	return true;
}

/* ---- the worksheet parser ---- */

enum { CT_N, CT_S, CT_STR, CT_INLINE, CT_B, CT_E, CT_D, CT_OTHER };

struct sheet_ctx {
	const char *sheet;
	th_cell_fn fn;
	void *ud;
	uint32_t row;     /* 1-based current row, 0 before the first */
	uint32_t col;     /* 1-based column of the last cell in this row */
	bool in_data, in_cell, in_is;
	int rph;
	/* the cell being read */
	uint32_t c_row, c_col, c_style;
	int c_type;
	bool has_v, has_f, has_is;
	bool f_shared;    /* <f t="shared">: a master (with text) or a child */
	uint32_t f_si;
	th_sbuf v, f, is;
	/* the shared formulas met so far: the text of each master and where it is */
	struct shared_f {
		uint32_t si, row;
		uint16_t col;
		char *text;
	} *shf;
	size_t n_shf, cap_shf;
};

static int cell_type_code(const char *t)
{
	if (!t || strcmp(t, "n") == 0)
		return CT_N;
	if (strcmp(t, "s") == 0)
		return CT_S;
	if (strcmp(t, "str") == 0)
		return CT_STR;
	if (strcmp(t, "inlineStr") == 0)
		return CT_INLINE;
	if (strcmp(t, "b") == 0)
		return CT_B;
	if (strcmp(t, "e") == 0)
		return CT_E;
	if (strcmp(t, "d") == 0)
		return CT_D;
	return CT_OTHER;
}

static void ref_fail(xp *c, const char *ref)
{
	struct sheet_ctx *s = c->ud;

	th_fail(c->e, TH_E_CELL_REF,
		"trang '%s': tham chiếu ô '%.40s' nằm ngoài bảng tính (vượt quá XFD1048576) hoặc "
		"không hợp lệ", s->sheet, ref);
	th_xp_halt(c, -1);
}

/* A merged range, kept for th_xlsx_merges(); a malformed one is left out. */
static void sheet_merge(xp *c, const char **atts)
{
	const char *ref = attr(atts, "ref"), *colon;
	th_range rg;
	uint32_t r2;
	uint16_t c2;
	th_xlsx *x = c->x;

	if (!ref)
		return;
	colon = strchr(ref, ':');
	if (th_cellref_parse(ref, colon ? (size_t)(colon - ref) : strlen(ref), &rg.r1, &rg.c1))
		return;
	if (!colon || th_cellref_parse(colon + 1, strlen(colon + 1), &r2, &c2)) {
		r2 = rg.r1;
		c2 = rg.c1;
	}
	rg.r2 = r2 > rg.r1 ? r2 : rg.r1;
	rg.c2 = c2 > rg.c1 ? c2 : rg.c1;
	if (r2 < rg.r1)
		rg.r1 = r2;
	if (c2 < rg.c1)
		rg.c1 = c2;
	th_grow((void **)&x->merges, &x->cap_merges, x->n_merges + 1, sizeof(*x->merges));
	x->merges[x->n_merges++] = rg;
}

/* A <col> of <cols>: a run of hidden columns is kept (min and max are 1-based). */
static void sheet_col(xp *c, const char **atts)
{
	const char *h = attr(atts, "hidden"), *mn = attr(atts, "min"), *mx = attr(atts, "max");
	uint64_t a, b;

	if (!h || !(strcmp(h, "1") == 0 || strcmp(h, "true") == 0) || !mn || !mx)
		return;
	if (th_xlsx_parse_uint(mn, TH_MAX_COLS, &a) || th_xlsx_parse_uint(mx, TH_MAX_COLS, &b) || !a || !b)
		return;
	th_hidden_add(&c->x->hidden, true, (uint32_t)(a - 1), (uint32_t)(b - 1));
}

/* The text of shared formula si's master, where it is; NULL when none was met. */
static const struct shared_f *shared_find(const struct sheet_ctx *s, uint32_t si)
{
	for (size_t i = s->n_shf; i-- > 0;)
		if (s->shf[i].si == si)
			return &s->shf[i];
	return NULL;
}

/* An element inside a <c>: its value, formula, inline string and its text runs. */
static void cell_child_start(xp *c, struct sheet_ctx *s, const char *name, const char **atts)
{
	switch (name[0]) {
	case 'v':
		if (!name[1] && !s->in_is) {
			s->has_v = true;
			th_sbuf_reset(&s->v);
			c->text = &s->v;
		}
		return;
	case 'f':
		if (!name[1] && !s->in_is) {
			const char *t = attr(atts, "t"), *si = attr(atts, "si");
			uint64_t u;
			s->has_f = true;
			s->f_shared = t && strcmp(t, "shared") == 0 && si && !th_xlsx_parse_uint(si, UINT32_MAX, &u);
			s->f_si = s->f_shared ? (uint32_t)u : 0;
			th_sbuf_reset(&s->f);
			c->text = &s->f;
		}
		return;
	case 'i':
		if (strcmp(name, "is") == 0) {
			s->in_is = true;
			s->has_is = true;
			s->rph = 0;
		}
		return;
	case 'r':
		if (strcmp(name, "rPh") == 0 && s->in_is)
			s->rph++;
		return;
	case 't':
		if (!name[1] && s->in_is && !s->rph)
			c->text = &s->is;
		return;
	}
}

/* A <c>: its reference (or the next column when it has none), type and style. */
static void cell_start(xp *c, struct sheet_ctx *s, const char **atts)
{
	const char *r = NULL, *t = NULL, *st = NULL;

	for (const char **a = atts; a[0]; a += 2) {
		const char *an = a[0][0] && a[0][1] ? local_name(a[0]) : a[0]; /* "r", "t", "s" quickly */
		if (an[0] == 'r' && !an[1])
			r = a[1];
		else if (an[0] == 't' && !an[1])
			t = a[1];
		else if (an[0] == 's' && !an[1])
			st = a[1];
	}
	if (r) {
		uint32_t row;
		uint16_t col;
		if (th_cellref_parse(r, strlen(r), &row, &col)) {
			ref_fail(c, r);
			return;
		}
		s->c_row = row + 1;
		s->c_col = (uint32_t)col + 1;
	} else {
		s->c_row = s->row;
		s->c_col = s->col + 1;
		if (s->c_row == 0 || s->c_col > TH_MAX_COLS) {
			char ref[TH_CELLREF_MAX + 16];
			snprintf(ref, sizeof(ref), "R%luC%lu", (unsigned long)s->c_row, (unsigned long)s->c_col);
			ref_fail(c, ref);
			return;
		}
	}
	s->col = s->c_col;
	s->c_type = cell_type_code(t);
	s->c_style = 0;
	if (st) {
		uint64_t u;
		if (!th_xlsx_parse_uint(st, UINT32_MAX, &u))
			s->c_style = (uint32_t)u;
	}
	s->in_cell = true;
	s->in_is = false;
	s->has_v = s->has_f = s->has_is = s->f_shared = false;
	th_sbuf_reset(&s->v);
	th_sbuf_reset(&s->f);
	th_sbuf_reset(&s->is);
}

/* A <row>: its number (or the next one when it has none). */
static void row_start(xp *c, struct sheet_ctx *s, const char **atts)
{
	const char *r = attr(atts, "r");
	uint64_t u;

	if (r) {
		if (th_xlsx_parse_uint(r, TH_MAX_ROWS, &u) || u == 0) {
			ref_fail(c, r);
			return;
		}
		s->row = (uint32_t)u;
	} else {
		if (s->row >= TH_MAX_ROWS) {
			ref_fail(c, "(hàng thứ 1048577)");
			return;
		}
		s->row++;
	}
	s->col = 0;
	{
		const char *h = attr(atts, "hidden");
		if (h && (strcmp(h, "1") == 0 || strcmp(h, "true") == 0))
			th_hidden_add(&c->x->hidden, false, s->row - 1, s->row - 1);
	}
}

static void sheet_start(xp *c, const char *name, const char **atts)
{
	struct sheet_ctx *s = c->ud;

	if (!s->in_data) {
		if (strcmp(name, "sheetData") == 0)
			s->in_data = true;
		else if (strcmp(name, "mergeCell") == 0)
			sheet_merge(c, atts);
		else if (strcmp(name, "col") == 0)
			sheet_col(c, atts);
	} else if (s->in_cell) {
		cell_child_start(c, s, name, atts);
	} else if (name[0] == 'c' && !name[1]) {
		cell_start(c, s, atts);
	} else if (strcmp(name, "row") == 0) {
		row_start(c, s, atts);
	}
}

/* The formula of the cell: its own, or the text of its shared formula's first cell, and
 * where that is; a shared formula's first cell is kept for the cells after it. */
static void cell_formula(struct sheet_ctx *s, th_cell *cell)
{
	cell->frow = cell->row;
	cell->fcol = cell->col;
	if (s->f_shared && s->f.len) {
		/* a shared formula's master: its children name it by si and have no text */
		struct shared_f *m;
		th_grow((void **)&s->shf, &s->cap_shf, s->n_shf + 1, sizeof(*s->shf));
		m = &s->shf[s->n_shf++];
		m->si = s->f_si;
		m->row = cell->row;
		m->col = cell->col;
		m->text = th_xstrndup(s->f.buf, s->f.len);
	} else if (s->f_shared) {
		const struct shared_f *m = shared_find(s, s->f_si);
		if (m) {
			cell->formula = m->text;
			cell->frow = m->row;
			cell->fcol = m->col;
		}
	}
}

/* Build the th_cell for the <c> just closed and hand it over. */
static void emit_cell(xp *c, struct sheet_ctx *s)
{
	th_cell cell = { 0 };
	char *end;

	cell.row = s->c_row - 1;
	cell.col = (uint16_t)(s->c_col - 1);
	cell.has_formula = s->has_f;
	cell.formula = s->f.buf;
	cell_formula(s, &cell);
	cell.style = s->c_style;
	cell.type = TH_CELL_EMPTY;
	cell.text = "";
	switch (s->c_type) {
	case CT_S:
		if (s->has_v && s->v.len) {
			uint64_t idx;
			char ref[TH_CELLREF_MAX];
			if (th_xlsx_parse_uint(s->v.buf, UINT32_MAX, &idx) || idx >= c->x->n_sst) {
				th_fail(c->e, TH_E_SST_INDEX,
					"trang '%s' ô %s: trỏ tới chuỗi dùng chung số '%.20s' nhưng tệp chỉ "
					"có %zu chuỗi (tệp bị hỏng)", s->sheet,
					th_cellref(cell.row, cell.col, ref), s->v.buf, c->x->n_sst);
				th_xp_halt(c, -1);
				return;
			}
			cell.type = TH_CELL_STRING;
			cell.text = c->x->sst_data.buf + c->x->sst_off[idx];
			cell.len = c->x->sst_len[idx];
		}
		break;
	case CT_INLINE:
		if (s->has_is) {
			cell.type = TH_CELL_STRING;
			cell.len = th_xlsx_decode_xstring(s->is.buf, s->is.len);
			cell.text = s->is.buf;
		}
		break;
	case CT_N:
		if (s->has_v && s->v.len && fast_decimal(s->v.buf, &cell.num)) {
			cell.type = TH_CELL_NUMBER;
		} else if (s->has_v && s->v.len) {
			errno = 0;
			cell.num = strtod(s->v.buf, &end);
			while (isspace((unsigned char)*end))
				end++;
			if (end != s->v.buf && !*end && isfinite(cell.num)) {
				cell.type = TH_CELL_NUMBER;
			} else {
				/* not a number although typed as one: keep what is written */
				cell.type = TH_CELL_STRING;
				cell.text = s->v.buf;
				cell.len = s->v.len;
				cell.num = 0;
			}
		}
		break;
	case CT_B:
		if (s->has_v && s->v.len) {
			const char *v = s->v.buf;
			cell.type = TH_CELL_BOOL;
			cell.num = (strcmp(v, "0") == 0 || strcasecmp(v, "false") == 0) ? 0 : 1;
		}
		break;
	case CT_E:
	case CT_D:
	case CT_STR:
	case CT_OTHER:
		/* a text result may be empty: Excel and LibreOffice write IF(…;"";…)'s "" as
		 * t="str" with <v></v>, a computed blank, not a formula left uncomputed */
		if (s->has_v && (s->v.len || s->c_type == CT_STR)) {
			cell.type = s->c_type == CT_E ? TH_CELL_ERROR :
				    s->c_type == CT_D ? TH_CELL_DATE : TH_CELL_STRING;
			cell.len = th_xlsx_decode_xstring(s->v.buf, s->v.len);
			cell.text = s->v.buf;
		}
		break;
	}
	{
		int rv = s->fn(s->ud, &cell);
		if (rv)
			th_xp_halt(c, rv > 0 ? rv : 1);
	}
}

static void sheet_end(xp *c, const char *name)
{
	struct sheet_ctx *s = c->ud;

	if (!s->in_data)
		return;
	if (s->in_cell) {
		switch (name[0]) {
		case 'v':
		case 'f':
			if (!name[1])
				c->text = NULL;
			return;
		case 't':
			if (!name[1] && s->in_is)
				c->text = NULL;
			return;
		case 'r':
			if (strcmp(name, "rPh") == 0 && s->rph)
				s->rph--;
			return;
		case 'i':
			if (strcmp(name, "is") == 0) {
				s->in_is = false;
				c->text = NULL;
			}
			return;
		case 'c':
			if (!name[1]) {
				s->in_cell = false;
				c->text = NULL;
				emit_cell(c, s);
			}
			return;
		}
		return;
	}
	if (strcmp(name, "sheetData") == 0)
		s->in_data = false;
}

int th_xlsx_read_sheet(th_xlsx *x, size_t i, th_cell_fn fn, void *ud, th_err *e)
{
	struct sheet_ctx s = { 0 };
	xp c = { .start = sheet_start, .end = sheet_end, .ud = &s };
	int rc;

	if (i >= th_xlsx_sheet_count(x))
		return th_fail(e, TH_E_NO_SHEET, "không có trang tính thứ %zu", i + 1);
	if (x->book) {
		x->book->n_merges = 0;
		x->book->hidden.n_rows = x->book->hidden.n_cols = 0;
		return x->book->read_sheet(x->book, i, fn, ud, e);
	}
	x->n_merges = 0;
	x->hidden.n_rows = x->hidden.n_cols = 0;
	s.sheet = x->sheets[i].name;
	s.fn = fn;
	s.ud = ud;
	th_sbuf_init(&s.v, x->lim.max_text);
	th_sbuf_init(&s.f, x->lim.max_text);
	th_sbuf_init(&s.is, x->lim.max_text);
	rc = th_xp_stream_part(x, x->sheets[i].index, x->sheets[i].part, &c, e);
	th_sbuf_release(&s.v);
	th_sbuf_release(&s.f);
	th_sbuf_release(&s.is);
	for (size_t k = 0; k < s.n_shf; k++)
		free(s.shf[k].text);
	free(s.shf);
	return rc;
}


const th_range *th_xlsx_merges(const th_xlsx *x, size_t *n)
{
	*n = x->book ? x->book->n_merges : x->n_merges;
	return x->book ? x->book->merges : x->merges;
}

const th_span *th_xlsx_hidden(const th_xlsx *x, bool cols, size_t *n)
{
	const th_hidden *h = x->book ? &x->book->hidden : &x->hidden;

	*n = cols ? h->n_cols : h->n_rows;
	return cols ? h->cols : h->rows;
}
