/*
 * Loading a workbook into memory; see grid.h.
 * SPDX-License-Identifier: MIT
 */
#include "read/grid.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "read/vnnum.h"
#include "base/banned.h"

/* The "" of every number's raw, text and key: one string, never freed (free_cell) */
static char grid_empty[1];

struct load {
	th_xlsx *x;
	th_gsheet *s;
	size_t cap;
	size_t total;
	th_err *e;
};

static int keep(void *ud, const th_cell *c)
{
	struct load *l = ud;
	th_gcell *g;
	uint32_t style = c->style;

	if (c->type == TH_CELL_EMPTY && !c->has_formula)
		return 0; /* a formula with no cached result is kept: its value is unknown, not blank */
	/* an empty text is no cell, unless it is a formula's result (which may be recomputed) */
	if ((c->type == TH_CELL_STRING || c->type == TH_CELL_ERROR || c->type == TH_CELL_DATE) && c->len == 0 &&
	    !c->has_formula)
		return 0;
	if (++l->total > TH_GRID_MAX_CELLS) {
		th_fail(l->e, TH_E_TOO_BIG, "bảng tính có hơn %u ô, quá lớn để là một báo cáo",
			TH_GRID_MAX_CELLS);
		return -1;
	}
	th_grow((void **)&l->s->cells, &l->cap, l->s->n_cells + 1, sizeof(*l->s->cells));
	g = &l->s->cells[l->s->n_cells++];
	memset(g, 0, sizeof(*g));
	g->seq = (uint32_t)l->total;
	g->row = c->row;
	g->col = c->col;
	g->type = c->type;
	g->formula = c->has_formula;
	g->num = c->num;
	g->kind = th_xlsx_style_kind(l->x, style);
	g->decimals = th_numfmt_decimals(th_xlsx_style_format(l->x, style));
	g->fx = c->has_formula ? th_xstrdup(c->formula) : NULL;
	g->frow = c->frow;
	g->fcol = c->fcol;
	if (c->type == TH_CELL_STRING || c->type == TH_CELL_ERROR || c->type == TH_CELL_DATE) {
		size_t n;
		g->text = th_text_clean(c->text, c->len, th_xlsx_style_font(l->x, style), &g->enc, &n);
		/* the text as stored is most often the clean text: then one string is both */
		g->raw = n == c->len && memcmp(g->text, c->text, n) == 0 ? g->text : th_xstrndup(c->text, c->len);
		g->key = th_text_key_ascii(g->text, n);
	} else {
		g->raw = c->type == TH_CELL_EMPTY && c->formula && c->formula[0] ? th_xstrdup(c->formula) : grid_empty;
		g->text = grid_empty;
		g->key = grid_empty;
	}
	return 0;
}

static int cell_cmp(const void *a, const void *b)
{
	const th_gcell *p = a, *q = b;

	if (p->row != q->row)
		return p->row < q->row ? -1 : 1;
	if (p->col != q->col)
		return p->col < q->col ? -1 : 1;
	return p->seq < q->seq ? -1 : p->seq > q->seq;
}

static void free_cell(th_gcell *g)
{
	free(g->fx);
	if (g->raw != g->text && g->raw != grid_empty)
		free(g->raw);
	if (g->text != grid_empty)
		free(g->text);
	if (g->key != grid_empty)
		free(g->key);
}

/* Sort the cells; when a position was written twice, the later one wins (as Excel reads it). */
static void settle(th_gsheet *s)
{
	size_t w = 0;

	if (s->n_cells > 1)
		qsort(s->cells, s->n_cells, sizeof(*s->cells), cell_cmp);
	for (size_t i = 0; i < s->n_cells; i++) {
		if (i + 1 < s->n_cells && s->cells[i].row == s->cells[i + 1].row &&
		    s->cells[i].col == s->cells[i + 1].col) {
			free_cell(&s->cells[i]);
			continue;
		}
		s->cells[w++] = s->cells[i];
	}
	s->n_cells = w;
	s->n_rows = w ? s->cells[w - 1].row + 1 : 0;
}

static int span_cmp(const void *a, const void *b)
{
	const th_span *p = a, *q = b;

	return p->first < q->first ? -1 : p->first > q->first;
}

/* The hidden runs of the sheet just read, sorted and merged into disjoint runs. */
static th_span *spans_copy(const th_xlsx *x, bool cols, size_t *n)
{
	size_t k, w = 0;
	const th_span *v = th_xlsx_hidden(x, cols, &k);
	th_span *out;

	*n = 0;
	if (!k)
		return NULL;
	out = th_xmalloc(th_size_mul(k, sizeof(*out)));
	memcpy(out, v, k * sizeof(*out));
	qsort(out, k, sizeof(*out), span_cmp);
	for (size_t i = 0; i < k; i++) {
		if (w && out[i].first <= out[w - 1].last + 1) {
			if (out[i].last > out[w - 1].last)
				out[w - 1].last = out[i].last;
			continue;
		}
		out[w++] = out[i];
	}
	*n = w;
	return out;
}

static bool in_spans(const th_span *v, size_t n, uint32_t at)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (v[mid].last < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo].first <= at;
}

bool th_grid_row_hidden(const th_gsheet *s, uint32_t row)
{
	return in_spans(s->hidden_rows, s->n_hidden_rows, row);
}

bool th_grid_col_hidden(const th_gsheet *s, uint16_t col)
{
	return in_spans(s->hidden_cols, s->n_hidden_cols, col);
}

const th_range *th_grid_merge_at(const th_gsheet *s, uint32_t row, uint16_t col)
{
	for (size_t i = 0; i < s->n_merges; i++) {
		const th_range *m = &s->merges[i];
		if (m->r1 <= row && row <= m->r2 && m->c1 <= col && col <= m->c2)
			return m;
	}
	return NULL;
}

int th_grid_load(th_grid **out, const char *path, th_err *e)
{
	th_xlsx *x = NULL;
	th_grid *g;
	struct load l = { .e = e };

	*out = NULL;
	if (th_xlsx_open(&x, path, NULL, e))
		return -1;
	g = th_xcalloc(1, sizeof(*g));
	g->date1904 = th_xlsx_date1904(x);
	g->full_calc = th_xlsx_full_calc(x);
	g->sheets = th_xcalloc(th_xlsx_sheet_count(x) + 1, sizeof(*g->sheets));
	l.x = x;
	for (size_t i = 0; i < th_xlsx_sheet_count(x); i++) {
		th_gsheet *s = &g->sheets[g->n_sheets++];
		const char *name = th_xlsx_sheet_name(x, i);
		const th_range *m;
		size_t nm;

		s->name = th_text_nfc(name, strlen(name), NULL);
		s->key = th_text_key_ascii(s->name, strlen(s->name));
		s->state = th_xlsx_sheet_state(x, i);
		l.s = s;
		l.cap = 0;
		if (th_xlsx_read_sheet(x, i, keep, &l, e)) {
			th_grid_free(g);
			th_xlsx_free(x);
			return -1;
		}
		m = th_xlsx_merges(x, &nm);
		if (nm) {
			s->merges = th_xmalloc(th_size_mul(nm, sizeof(*m)));
			memcpy(s->merges, m, nm * sizeof(*m));
			s->n_merges = nm;
		}
		s->hidden_rows = spans_copy(x, false, &s->n_hidden_rows);
		s->hidden_cols = spans_copy(x, true, &s->n_hidden_cols);
		settle(s);
	}
	th_xlsx_free(x);
	*out = g;
	return 0;
}

void th_grid_free(th_grid *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n_sheets; i++) {
		th_gsheet *s = &g->sheets[i];
		for (size_t k = 0; k < s->n_cells; k++)
			free_cell(&s->cells[k]);
		free(s->cells);
		free(s->merges);
		free(s->hidden_rows);
		free(s->hidden_cols);
		free(s->name);
		free(s->key);
	}
	free(g->sheets);
	free(g);
}

size_t th_grid_row_start(const th_gsheet *s, uint32_t row)
{
	size_t lo = 0, hi = s->n_cells;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (s->cells[mid].row < row)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

const th_gcell *th_grid_at(const th_gsheet *s, uint32_t row, uint16_t col)
{
	for (size_t i = th_grid_row_start(s, row); i < s->n_cells && s->cells[i].row == row; i++)
		if (s->cells[i].col == col)
			return &s->cells[i];
	return NULL;
}

void th_grid_cell_text(const th_grid *g, const th_gcell *c, th_sbuf *out)
{
	if (c->type == TH_CELL_NUMBER && th_numkind_is_serial(c->kind)) {
		th_date d;
		if (th_date_from_serial(c->num, g->date1904, &d) == 0) {
			th_sbuf_addf(out, "%d/%d/%d", d.d, d.m, (int)d.y);
			return;
		}
	}
	if (c->type == TH_CELL_NUMBER) {
		th_sbuf_addf(out, "%.15g", c->num);
		return;
	}
	th_sbuf_adds(out, c->text);
}
