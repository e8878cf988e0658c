/*
 * The shared strings and the styles of a workbook: every shared string kept once (the
 * sheets point into it), and for every cell style its number format's kind, code and font
 * (a date, a percent; ".VnTime" for TCVN3 text); an .xls or .ods answers from its book.
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/sbuf.h"
#include "read/numfmt.h"
#include "read/xlsx_part.h"
#include "base/banned.h"

/* ---- sharedStrings.xml ---- */

struct sst_ctx {
	th_sbuf si;
	int in_si;
	int rph;
};

static void sst_start(xp *c, const char *name, const char **atts)
{
	struct sst_ctx *s = c->ud;

	(void)atts;
	if (strcmp(name, "si") == 0) {
		th_sbuf_reset(&s->si);
		s->in_si = 1;
		s->rph = 0;
	} else if (strcmp(name, "rPh") == 0) {
		s->rph++;
	} else if (strcmp(name, "t") == 0 && s->in_si && !s->rph) {
		c->text = &s->si;
	}
}

static void sst_end(xp *c, const char *name)
{
	struct sst_ctx *s = c->ud;
	th_xlsx *x = c->x;

	if (strcmp(name, "t") == 0) {
		c->text = NULL;
	} else if (strcmp(name, "rPh") == 0) {
		if (s->rph)
			s->rph--;
	} else if (strcmp(name, "si") == 0 && s->in_si) {
		size_t len = th_xlsx_decode_xstring(s->si.buf, s->si.len);

		s->in_si = 0;
		th_grow((void **)&x->sst_off, &x->cap_sst, x->n_sst + 1, sizeof(*x->sst_off));
		x->sst_len = th_xrealloc(x->sst_len, x->cap_sst * sizeof(*x->sst_len));
		x->sst_off[x->n_sst] = x->sst_data.len;
		x->sst_len[x->n_sst] = (uint32_t)len;
		x->n_sst++;
		th_sbuf_add(&x->sst_data, s->si.buf, len);
		th_sbuf_addc(&x->sst_data, '\0');
	}
}


int th_xlsx_load_shared(th_xlsx *x, const char *part, th_err *e)
{
	struct sst_ctx s = { .si = TH_SBUF_INIT };
	xp c = { .start = sst_start, .end = sst_end, .ud = &s };
	bool found;
	int rc;

	s.si.max = x->lim.max_text;
	rc = th_xp_stream_named(x, part, &c, e, &found);
	th_sbuf_release(&s.si);
	return rc;
}

/* ---- styles.xml ---- */

enum { ST_NONE, ST_NUMFMTS, ST_FONTS, ST_CELLXFS };

struct styles_ctx {
	int section;
	bool in_font;
};

static uint32_t attr_u32(const char **atts, const char *name, uint32_t dflt)
{
	const char *v = attr(atts, name);
	uint64_t u;

	if (!v || th_xlsx_parse_uint(v, UINT32_MAX, &u))
		return dflt;
	return (uint32_t)u;
}

static void styles_start(xp *c, const char *name, const char **atts)
{
	struct styles_ctx *s = c->ud;
	th_xlsx *x = c->x;

	if (strcmp(name, "numFmts") == 0) {
		s->section = ST_NUMFMTS;
	} else if (strcmp(name, "fonts") == 0) {
		s->section = ST_FONTS;
	} else if (strcmp(name, "cellXfs") == 0) {
		s->section = ST_CELLXFS;
	} else if (s->section == ST_NUMFMTS && strcmp(name, "numFmt") == 0) {
		const char *id = attr(atts, "numFmtId"), *code = attr(atts, "formatCode");
		uint64_t u;

		if (!id || !code || th_xlsx_parse_uint(id, UINT32_MAX, &u))
			return;
		th_grow((void **)&x->numfmts, &x->cap_numfmts, x->n_numfmts + 1, sizeof(*x->numfmts));
		x->numfmts[x->n_numfmts].id = (uint32_t)u;
		x->numfmts[x->n_numfmts].seq = (uint32_t)x->n_numfmts;
		x->numfmts[x->n_numfmts].code = th_xstrdup(code);
		x->n_numfmts++;
	} else if (s->section == ST_FONTS && strcmp(name, "font") == 0) {
		th_grow((void **)&x->fonts, &x->cap_fonts, x->n_fonts + 1, sizeof(*x->fonts));
		x->fonts[x->n_fonts++] = NULL;
		s->in_font = true;
	} else if (s->section == ST_FONTS && s->in_font && strcmp(name, "name") == 0) {
		const char *v = attr(atts, "val");
		if (v && !x->fonts[x->n_fonts - 1])
			x->fonts[x->n_fonts - 1] = th_xstrdup(v);
	} else if (s->section == ST_CELLXFS && strcmp(name, "xf") == 0) {
		th_grow((void **)&x->xfs, &x->cap_xfs, x->n_xfs + 1, sizeof(*x->xfs));
		x->xfs[x->n_xfs].numfmt = attr_u32(atts, "numFmtId", 0);
		x->xfs[x->n_xfs].font = attr_u32(atts, "fontId", 0);
		x->xfs[x->n_xfs].kind = TH_NUM_GENERAL;
		/* an id that is not a number makes no date (as the reference reader) */
		if (attr(atts, "numFmtId") && attr_u32(atts, "numFmtId", UINT32_MAX) == UINT32_MAX)
			x->xfs[x->n_xfs].numfmt = UINT32_MAX;
		x->n_xfs++;
	}
}

static void styles_end(xp *c, const char *name)
{
	struct styles_ctx *s = c->ud;

	if (strcmp(name, "numFmts") == 0 || strcmp(name, "fonts") == 0 || strcmp(name, "cellXfs") == 0)
		s->section = ST_NONE;
	else if (strcmp(name, "font") == 0)
		s->in_font = false;
}

static int numfmt_cmp(const void *a, const void *b)
{
	const struct numfmt *p = a, *q = b;

	if (p->id != q->id)
		return p->id < q->id ? -1 : 1;
	return p->seq < q->seq ? -1 : p->seq > q->seq;
}

/*
 * Sort the custom formats by id, keeping only the last definition of each id, so that a
 * style's format is a binary search away: a hostile styles part with 200,000 formats and
 * 400,000 styles took 37 s with a linear scan per style (found by the fuzzing work, 2026-11).
 */
static void index_numfmts(th_xlsx *x)
{
	size_t w = 0;

	if (x->n_numfmts < 2)
		return;
	qsort(x->numfmts, x->n_numfmts, sizeof(*x->numfmts), numfmt_cmp);
	for (size_t i = 0; i < x->n_numfmts; i++) {
		if (i + 1 < x->n_numfmts && x->numfmts[i + 1].id == x->numfmts[i].id) {
			free(x->numfmts[i].code);
			continue;
		}
		x->numfmts[w++] = x->numfmts[i];
	}
	x->n_numfmts = w;
}

static const char *numfmt_code(const th_xlsx *x, uint32_t id)
{
	size_t lo = 0, hi = x->n_numfmts;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (x->numfmts[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < x->n_numfmts && x->numfmts[lo].id == id ? x->numfmts[lo].code : NULL;
}

static void classify_styles(th_xlsx *x)
{
	index_numfmts(x);
	for (size_t i = 0; i < x->n_xfs; i++) {
		uint32_t id = x->xfs[i].numfmt;
		x->xfs[i].kind = id == UINT32_MAX ? TH_NUM_GENERAL : th_numfmt_kind(id, numfmt_code(x, id));
	}
}

int th_xlsx_load_styles(th_xlsx *x, const char *part, th_err *e)
{
	struct styles_ctx s = { 0 };
	xp c = { .start = styles_start, .end = styles_end, .ud = &s };
	bool found;

	if (th_xp_stream_named(x, part, &c, e, &found))
		return -1;
	classify_styles(x);
	return 0;
}

/* ---- accessors ---- */

th_numkind th_xlsx_style_kind(const th_xlsx *x, uint32_t style)
{
	if (x->book)
		return style < x->book->n_styles ? x->book->styles[style].kind : TH_NUM_GENERAL;
	return style < x->n_xfs ? x->xfs[style].kind : TH_NUM_GENERAL;
}

const char *th_xlsx_style_format(const th_xlsx *x, uint32_t style)
{
	const char *code = NULL;

	if (x->book)
		return style < x->book->n_styles ? x->book->styles[style].format : "General";
	if (style < x->n_xfs && x->xfs[style].numfmt != UINT32_MAX) {
		code = numfmt_code(x, x->xfs[style].numfmt);
		if (!code)
			code = th_numfmt_builtin(x->xfs[style].numfmt);
	}
	return code ? code : "General";
}

const char *th_xlsx_style_font(const th_xlsx *x, uint32_t style)
{
	if (x->book)
		return style < x->book->n_styles ? x->book->styles[style].font : "";
	if (style < x->n_xfs && x->xfs[style].font < x->n_fonts && x->fonts[x->xfs[style].font])
		return x->fonts[x->xfs[style].font];
	return "";
}
