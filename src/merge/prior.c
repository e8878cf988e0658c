/*
 * What an earlier consolidated workbook says it holds: the "Đã nhận N/M đơn vị" line of
 * its "Tổng hợp" sheet, so that a merge about to replace it can say when it uses fewer
 * units than the file it replaces (a folder half copied, a wrong selection).
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "merge/merge.h"
#include "read/xlsx_reader.h"
#include "base/banned.h"

/* The summary line is among the first rows; a workbook of someone else is not read through. */
#define PRIOR_ROWS 40

struct prior {
	size_t received, expected;
	bool found;
};

static int prior_cell(void *ud, const th_cell *c)
{
	static const char lead[] = "Đã nhận ";
	struct prior *p = ud;
	unsigned long a, b;
	char end;

	if (c->row >= PRIOR_ROWS)
		return 1;
	if (c->type != TH_CELL_STRING || strncmp(c->text, lead, sizeof(lead) - 1) != 0)
		return 0;
	if (sscanf(c->text + sizeof(lead) - 1, "%lu/%lu%c", &a, &b, &end) == 3 && end == ' ' && a <= b) {
		p->received = a;
		p->expected = b;
		p->found = true;
		return 1;
	}
	return 0;
}

int th_merge_prior(const char *path, size_t *received, size_t *expected)
{
	struct prior p = { 0, 0, false };
	th_xlsx *x;
	th_err e = { 0 };

	if (th_xlsx_open(&x, path, NULL, &e))
		return -1;
	for (size_t i = 0; i < th_xlsx_sheet_count(x); i++)
		if (strcmp(th_xlsx_sheet_name(x, i), "Tổng hợp") == 0) {
			(void)th_xlsx_read_sheet(x, i, prior_cell, &p, &e);
			break;
		}
	th_xlsx_free(x);
	if (!p.found)
		return -1;
	*received = p.received;
	*expected = p.expected;
	return 0;
}
