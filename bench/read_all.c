/*
 * Benchmark of the reader on many returns: opens each workbook with tonghop's reader (the
 * package, shared strings, styles) and streams every cell of every sheet, as a merge reads
 * them before the grid and the model, printing "files N cells N". Compared in make bench
 * with `floor --all` over the same files (one full expat pass over every XML part).
 * Usage: read_all FILE...
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>

#include "read/xlsx_reader.h"

static int count(void *ud, const th_cell *c)
{
	unsigned long long *cells = ud;

	(void)c;
	(*cells)++;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long long cells = 0;

	for (int i = 1; i < argc; i++) {
		th_xlsx *x;
		th_err e = { 0 };

		if (th_xlsx_open(&x, argv[i], NULL, &e)) {
			fprintf(stderr, "read_all: %s: %s\n", argv[i], e.msg);
			return 1;
		}
		for (size_t s = 0; s < th_xlsx_sheet_count(x); s++)
			if (th_xlsx_read_sheet(x, s, count, &cells, &e)) {
				fprintf(stderr, "read_all: %s: %s\n", argv[i], e.msg);
				th_xlsx_free(x);
				return 1;
			}
		th_xlsx_free(x);
	}
	printf("files %d cells %llu\n", argc - 1, cells);
	return 0;
}
