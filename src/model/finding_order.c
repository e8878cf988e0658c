/*
 * Findings in reading order; see finding_order.h.
 * SPDX-License-Identifier: MIT
 */
#include "model/finding_order.h"

#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/banned.h"

static int form_rank(const th_schema *s, const char *form)
{
	if (strcmp(form, "HEADER") == 0)
		return -1;
	for (size_t i = 0; i < s->n_forms; i++)
		if (strcmp(s->forms[i].id, form) == 0)
			return (int)i;
	return strcmp(form, "VB") == 0 ? (int)s->n_forms : (int)s->n_forms + 1;
}

struct ranked {
	int rank;
	size_t i;
};

static int ranked_cmp(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->rank != y->rank)
		return x->rank < y->rank ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

size_t *th_findings_order(const th_schema *s, const th_findings *fs, int **rank)
{
	struct ranked *r = th_xcalloc(fs->n + 1, sizeof(*r));
	size_t *order = th_xcalloc(fs->n + 1, sizeof(*order));

	/* O(n log n): a hostile return can hold many findings */
	for (size_t i = 0; i < fs->n; i++)
		r[i] = (struct ranked){ form_rank(s, fs->v[i].form), i };
	if (fs->n > 1)
		qsort(r, fs->n, sizeof(*r), ranked_cmp);
	if (rank)
		*rank = th_xcalloc(fs->n + 1, sizeof(**rank));
	for (size_t k = 0; k < fs->n; k++) {
		order[k] = r[k].i;
		if (rank)
			(*rank)[k] = r[k].rank;
	}
	free(r);
	return order;
}

const char *th_form_heading(const th_schema *s, const char *form)
{
	const th_formdef *fd;

	if (strcmp(form, "HEADER") == 0)
		return "Phần thông tin chung (đơn vị, kỳ, thời gian, ngày báo cáo)";
	if (strcmp(form, "VB") == 0)
		return "Danh mục văn bản";
	fd = th_schema_form(s, form);
	return fd ? fd->title : "Khác";
}
