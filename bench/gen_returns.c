/*
 * Benchmark and test data: N commune returns for Q3/2023 and a roster of N units, as a
 * province receives them since 7/2025 (3,321 communes); or, with --roster, one return for
 * each unit of a real roster (its codes and names) for --period, windowed by --calendar.
 * Each return is one sheet with the identification block and the seven forms stacked, rows
 * taken from the schema through tonghop's own loader, values deterministic and consistent
 * (ratios from their rows).
 * Usage: gen_returns SCHEMA.ini OUTDIR N   (writes OUTDIR/roster.ini and OUTDIR/returns/)
 *        gen_returns --roster R.ini --period P --calendar C.ini SCHEMA.ini OUTDIR N
 *                                          (OUTDIR/returns/ only; N = 0: every unit)
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE /* getopt_long */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xlsxwriter.h>

#include "model/calendar.h"
#include "model/roster.h"
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

/* The identification block of a return. */
struct header {
	char unit[256], code[64], title[256], window[128], report[128];
};

static void write_return(const th_schema *s, const char *path, const struct header *h)
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
	worksheet_write_string(ws, row++, 0, h->unit, NULL);
	worksheet_write_string(ws, row++, 0, h->code, NULL);
	worksheet_write_string(ws, row++, 0, h->title, NULL);
	worksheet_write_string(ws, row++, 0, h->window, NULL);
	worksheet_write_string(ws, row++, 0, h->report, NULL);
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

/* The Q3/2023 header of test unit code. */
static void bench_header(struct header *h, long code)
{
	snprintf(h->unit, sizeof(h->unit), "UBND xã Thử Nghiệm %ld", code);
	snprintf(h->code, sizeof(h->code), "Mã đơn vị: %ld", code);
	snprintf(h->title, sizeof(h->title), "Thống kê kết quả thực hiện công tác CCHC quý III năm 2023");
	snprintf(h->window, sizeof(h->window), "(Số liệu tính từ ngày 10/6/2023 đến ngày 09/9/2023)");
	snprintf(h->report, sizeof(h->report), "(Kèm theo Báo cáo số 12/BC-UBND ngày 11/9/2023)");
}

/* The header of roster unit u for period p: the window from the calendar, the report dated
 * the day after the window closes. */
static void unit_header(struct header *h, const th_unit *u, th_period p, const th_calendar *cal)
{
	char label[TH_PERIOD_LABEL_MAX], a[TH_DATE_MAX], b[TH_DATE_MAX], d[TH_DATE_MAX];
	th_date from, to;

	snprintf(h->unit, sizeof(h->unit), "UBND %s", u->name);
	snprintf(h->code, sizeof(h->code), "Mã đơn vị: %s", u->code);
	th_period_label_vi(p, label, sizeof(label));
	snprintf(h->title, sizeof(h->title), "Thống kê kết quả thực hiện công tác CCHC %s", label);
	th_calendar_window(cal, p, &from, &to, NULL);
	th_date_vn(from, a);
	th_date_vn(to, b);
	th_date_vn(th_date_add_days(to, 1), d);
	snprintf(h->window, sizeof(h->window), "(Số liệu tính từ ngày %s đến ngày %s)", a, b);
	snprintf(h->report, sizeof(h->report), "(Kèm theo Báo cáo số 12/BC-UBND ngày %s)", d);
}

static int usage(void)
{
	fprintf(stderr, "usage: gen_returns SCHEMA.ini OUTDIR N\n"
			"       gen_returns --roster R.ini --period P --calendar C.ini SCHEMA.ini OUTDIR N\n");
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "roster", required_argument, NULL, 'r' },
		{ "period", required_argument, NULL, 'p' },
		{ "calendar", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	const char *rpath = NULL, *cpath = NULL, *pstr = NULL;
	th_schema *s;
	th_roster *r = NULL;
	th_calendar *cal = NULL;
	th_period p = { TH_P_NONE, 0, 0 };
	th_err e = { 0 };
	char path[4096];
	struct header h;
	FILE *f;
	long n;
	int ch;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'r': rpath = optarg; break;
		case 'p': pstr = optarg; break;
		case 'c': cpath = optarg; break;
		default: return usage();
		}
	}
	argc -= optind - 1;
	argv += optind - 1;
	if (argc != 4 || (n = strtol(argv[3], NULL, 10)) < (rpath ? 0 : 1) || n > 100000)
		return usage();
	if (rpath && (!pstr || !cpath || th_period_parse(pstr, &p)))
		return usage();
	if (th_schema_load(&s, argv[1], &e) || (rpath && th_roster_load(&r, rpath, &e)) ||
	    (cpath && th_calendar_load(&cal, cpath, &e))) {
		fprintf(stderr, "gen_returns: %s\n", e.msg);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/returns", argv[2]);
	mkdir(argv[2], 0777);
	mkdir(path, 0777);
	if (r) {
		size_t m = n && (size_t)n < r->n_units ? (size_t)n : r->n_units;
		for (size_t i = 0; i < m; i++) {
			snprintf(path, sizeof(path), "%s/returns/%s.xlsx", argv[2], r->units[i].code);
			unit_header(&h, &r->units[i], p, cal);
			write_return(s, path, &h);
		}
		th_roster_free(r);
		th_calendar_free(cal);
		th_schema_free(s);
		return 0;
	}
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
		bench_header(&h, 20000 + i);
		write_return(s, path, &h);
	}
	th_schema_free(s);
	return 0;
}
