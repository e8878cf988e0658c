/*
 * The workbook the .xls and .ods backends fill (book.h): sheets, styles and merged ranges
 * kept in plain arrays that th_xlsx_* hands out.
 * SPDX-License-Identifier: MIT
 */
#include "read/book.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/banned.h"

th_book *th_book_new(const char *part)
{
	th_book *b = th_xcalloc(1, sizeof(*b));

	b->part = part;
	return b;
}

void th_book_free(th_book *b)
{
	if (!b)
		return;
	if (b->release)
		b->release(b);
	for (size_t i = 0; i < b->n_sheets; i++)
		free(b->sheets[i].name);
	free(b->sheets);
	for (size_t i = 0; i < b->n_styles; i++) {
		free(b->styles[i].format);
		free(b->styles[i].font);
	}
	free(b->styles);
	free(b->merges);
	th_hidden_release(&b->hidden);
	free(b);
}

void th_book_add_sheet(th_book *b, const char *name, th_sheet_state state, uint64_t pos)
{
	th_book_sheet *s;

	th_grow((void **)&b->sheets, &b->cap_sheets, b->n_sheets + 1, sizeof(*b->sheets));
	s = &b->sheets[b->n_sheets++];
	s->name = th_xstrdup(name);
	s->state = state;
	s->pos = pos;
}

uint32_t th_book_add_style(th_book *b, th_numkind kind, const char *format, const char *font)
{
	th_book_style *s;

	/* reuse one of the last few (a cache: a duplicate costs only memory, and a hostile
	 * file with a million styles must not make this quadratic) */
	for (size_t i = b->n_styles, k = 0; i-- > 0 && k < 16; k++)
		if (b->styles[i].kind == kind && strcmp(b->styles[i].format, format) == 0 &&
		    strcmp(b->styles[i].font, font) == 0)
			return (uint32_t)i;
	th_grow((void **)&b->styles, &b->cap_styles, b->n_styles + 1, sizeof(*b->styles));
	s = &b->styles[b->n_styles];
	s->kind = kind;
	s->format = th_xstrdup(format);
	s->font = th_xstrdup(font);
	return (uint32_t)b->n_styles++;
}

void th_book_add_merge(th_book *b, uint32_t r1, uint16_t c1, uint32_t r2, uint16_t c2)
{
	th_range *r;

	th_grow((void **)&b->merges, &b->cap_merges, b->n_merges + 1, sizeof(*b->merges));
	r = &b->merges[b->n_merges++];
	r->r1 = r1 < r2 ? r1 : r2;
	r->r2 = r1 < r2 ? r2 : r1;
	r->c1 = c1 < c2 ? c1 : c2;
	r->c2 = c1 < c2 ? c2 : c1;
}

void th_hidden_add(th_hidden *h, bool cols, uint32_t first, uint32_t last)
{
	th_span **v = cols ? &h->cols : &h->rows;
	size_t *n = cols ? &h->n_cols : &h->n_rows, *cap = cols ? &h->cap_cols : &h->cap_rows;

	/* a run that continues the last one (rows hidden one by one) extends it */
	if (*n && (*v)[*n - 1].last + 1 == first && first > 0) {
		(*v)[*n - 1].last = last;
		return;
	}
	th_grow((void **)v, cap, *n + 1, sizeof(**v));
	(*v)[*n].first = first < last ? first : last;
	(*v)[*n].last = first < last ? last : first;
	(*n)++;
}

void th_hidden_release(th_hidden *h)
{
	free(h->rows);
	free(h->cols);
	memset(h, 0, sizeof(*h));
}
