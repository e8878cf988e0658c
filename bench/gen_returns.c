/*
 * Benchmark data for `make bench`: N commune returns for Q3/2023 and a roster of N units,
 * as a province receives them since 7/2025 (3,321 communes). Each return is one sheet with
 * the identification block and the seven forms stacked, rows taken from the schema through
 * tonghop's own loader, values deterministic and consistent (ratios from their rows).
 * Usage: gen_returns SCHEMA.ini OUTDIR N   (writes OUTDIR/roster.ini and OUTDIR/returns/)
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xlsxwriter.h>

#include "model/schema.h"

static unsigned long lcg = 12345;

static unsigned rnd(unsigned n)
{
	lcg = lcg * 6364136223846793005UL + 1442695040888963407UL;
	return (unsigned)((lcg >> 33) % n);
}

static void die(const char *what, const char *path)
{
	fprintf(stderr, "gen_returns: %s: %s\n", what, path);
	exit(1);
}

/* A value for row r of form f: counts 10-500, money, coded 0/1, ratios from their rows. */
static double value_for(const th_formdef *f, size_t r, const double *vals)
{
	const th_rowdef *rd = &f->rows[r];

	switch (rd->kind) {
	case TH_ROW_COUNT: return 10 + rnd(490);
	case TH_ROW_MONEY: return 1000 + rnd(4000);
	case TH_ROW_CODED: return rd->options[rnd((unsigned)rd->n_options)].code;
	case TH_ROW_GROUP: return -1;
	case TH_ROW_PERCENT:
		if (rd->agg == TH_AGG_RATIO && vals[rd->den] > 0)
			return vals[rd->num] / vals[rd->den] * 100;
		return 100;
	}
	return 0;
}

static void write_return(const th_schema *s, const char *path, int code)
{
	static char title[] = "bench", author[] = "tonghop";
	lxw_doc_properties props = { .title = title, .author = author, .created = 1694476800 };
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws;
	char buf[256];
	lxw_row_t row = 0;

	if (!wb)
		die("cannot create", path);
	workbook_set_properties(wb, &props);
	ws = workbook_add_worksheet(wb, "Sheet1");
	snprintf(buf, sizeof(buf), "UBND xã Thử Nghiệm %d", code);
	worksheet_write_string(ws, row++, 0, buf, NULL);
	snprintf(buf, sizeof(buf), "Mã đơn vị: %d", code);
	worksheet_write_string(ws, row++, 0, buf, NULL);
	worksheet_write_string(ws, row++, 0, "Thống kê kết quả thực hiện công tác CCHC quý III năm 2023", NULL);
	worksheet_write_string(ws, row++, 0, "(Số liệu tính từ ngày 10/6/2023 đến ngày 09/9/2023)", NULL);
	worksheet_write_string(ws, row++, 0, "(Kèm theo Báo cáo số 12/BC-UBND ngày 11/9/2023)", NULL);
	for (size_t fi = 0; fi < s->n_forms; fi++) {
		const th_formdef *f = &s->forms[fi];
		double *vals = calloc(f->n_rows + 1, sizeof(*vals));

		/* children before their ratio: values of count rows first */
		for (size_t r = 0; r < f->n_rows; r++)
			if (f->rows[r].kind != TH_ROW_PERCENT)
				vals[r] = value_for(f, r, vals);
		for (size_t r = 0; r < f->n_rows; r++) {
			const th_rowdef *rd = &f->rows[r];
			/* a part is never more than its whole */
			if (rd->agg == TH_AGG_RATIO && vals[rd->num] > vals[rd->den])
				vals[rd->num] = vals[rd->den] - rnd(5 < vals[rd->den] ? 5 : 1);
			if (rd->kind == TH_ROW_PERCENT)
				vals[r] = value_for(f, r, vals);
		}
		row++;
		worksheet_write_string(ws, row++, 0, f->title, NULL);
		worksheet_write_string(ws, row++, 0, f->name, NULL);
		worksheet_write_string(ws, row, 0, "STT", NULL);
		worksheet_write_string(ws, row, 1, "Chỉ tiêu thống kê", NULL);
		worksheet_write_string(ws, row, 2, "Đơn vị tính", NULL);
		worksheet_write_string(ws, row, 3, "Số lượng/Tỷ lệ", NULL);
		worksheet_write_string(ws, row++, 4, "Ghi chú", NULL);
		for (size_t r = 0; r < f->n_rows; r++, row++) {
			snprintf(buf, sizeof(buf), "%s.", f->rows[r].code);
			worksheet_write_string(ws, row, 0, buf, NULL);
			worksheet_write_string(ws, row, 1, f->rows[r].label, NULL);
			if (f->rows[r].unit[0])
				worksheet_write_string(ws, row, 2, f->rows[r].unit, NULL);
			if (vals[r] >= 0)
				worksheet_write_number(ws, row, 3, vals[r], NULL);
		}
		free(vals);
	}
	if (workbook_close(wb) != LXW_NO_ERROR)
		die("cannot write", path);
}

int main(int argc, char **argv)
{
	th_schema *s;
	th_err e = { 0 };
	char path[4096];
	FILE *f;
	long n;

	if (argc != 4 || (n = strtol(argv[3], NULL, 10)) < 1 || n > 100000) {
		fprintf(stderr, "usage: gen_returns SCHEMA.ini OUTDIR N\n");
		return 2;
	}
	if (th_schema_load(&s, argv[1], &e)) {
		fprintf(stderr, "gen_returns: %s\n", e.msg);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/returns", argv[2]);
	mkdir(argv[2], 0777);
	mkdir(path, 0777);
	snprintf(path, sizeof(path), "%s/roster.ini", argv[2]);
	f = fopen(path, "w");
	if (!f)
		die("cannot create", path);
	fprintf(f, "[roster]\nname = \"Tỉnh Thử Nghiệm\"\n");
	for (long i = 0; i < n; i++)
		fprintf(f, "[%ld]\nname = \"Xã Thử Nghiệm %ld\"\n", 20000 + i, 20000 + i);
	fclose(f);
	for (long i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/returns/%ld.xlsx", argv[2], 20000 + i);
		write_return(s, path, (int)(20000 + i));
	}
	th_schema_free(s);
	return 0;
}
