/*
 * Benchmark and test data: N commune returns for Q3/2023 and a roster of N units, as a
 * province receives them since 7/2025 (3,321 communes); or, with --roster, one return for
 * each unit of a real roster (its codes and names) for --period, windowed by --calendar.
 * Each return is one sheet with the identification block and the seven forms stacked, rows
 * taken from the schema through tonghop's own loader, values deterministic and consistent
 * (ratios from their rows). Drawn at random, the figures break the rules in every return
 * (an error-heavy set); with --clean RULES.ini they are mended until the rules find
 * nothing, and one return in seven then gets one fault of the kinds communes make (a
 * mostly clean set, as a province receives).
 * Usage: gen_returns [--clean RULES.ini] SCHEMA.ini OUTDIR N
 *                                          (writes OUTDIR/roster.ini and OUTDIR/returns/)
 *        gen_returns [--clean RULES.ini] --roster R.ini --period P --calendar C.ini SCHEMA.ini OUTDIR N
 *                                          (OUTDIR/returns/ only; N = 0: every unit)
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE /* getopt_long */
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <xlsxwriter.h>

#include "check/check_file.h"
#include "check/rules.h"
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

/* The values of a return: vals[f][r] (-1 for a group row), as drawn. */
static double **draw_values(const th_schema *s)
{
	double **vals = calloc(s->n_forms + 1, sizeof(*vals));

	for (size_t fi = 0; fi < s->n_forms; fi++) {
		const th_formdef *f = &s->forms[fi];
		double *v = vals[fi] = calloc(f->n_rows + 1, sizeof(*v));

		/* children before their ratio: values of count rows first */
		for (size_t r = 0; r < f->n_rows; r++)
			if (f->rows[r].kind != TH_ROW_PERCENT)
				v[r] = value_for(f, r, v);
		for (size_t r = 0; r < f->n_rows; r++) {
			const th_rowdef *rd = &f->rows[r];
			/* a part is never more than its whole */
			if (rd->agg == TH_AGG_RATIO && v[rd->num] > v[rd->den])
				v[rd->num] = v[rd->den] - rnd(5 < v[rd->den] ? 5 : 1);
			if (rd->kind == TH_ROW_PERCENT)
				v[r] = value_for(f, r, v);
		}
	}
	return vals;
}

static void free_values(const th_schema *s, double **vals)
{
	for (size_t fi = 0; fi < s->n_forms; fi++)
		free(vals[fi]);
	free(vals);
}

/* The findings of the rules on vals (a return built in memory: no header, no cells). */
static th_filing *check_values(const th_schema *s, const th_ruleset *rules, double **vals)
{
	th_filing *fl = th_filing_new("gen", s);
	th_period none = { TH_P_NONE, 0, 0 };

	for (size_t fi = 0; fi < s->n_forms; fi++)
		for (size_t r = 0; r < s->forms[fi].n_rows; r++)
			if (vals[fi][r] >= 0)
				th_filing_set(fl, s->forms[fi].id, s->forms[fi].rows[r].code, TH_VAL_NUMBER,
					      vals[fi][r], -1);
	th_check_filing(fl, rules, NULL, none);
	return fl;
}

/* The value a finding on a figure asks for ("509", "≤ 21", "≥ 875"), or -1. */
static double asked(const th_finding *fd)
{
	const char *p = fd->expected;
	char *end;
	double v;

	while (*p && !(*p >= '0' && *p <= '9'))
		p++;
	v = strtod(p, &end);
	return end != p ? v : -1;
}

/*
 * Mend vals until the rules find nothing on a figure: each figure a rule finds wrong takes
 * the value the rule asks for, round after round (ratios, sums, bounds, across forms). The
 * rules are data: nothing here knows them. A draw whose rules pull one figure two ways
 * (a sum bounded by another form's count) is drawn again. Returns the rounds, -1 when none
 * converged.
 */
static int mend_values(const th_schema *s, const th_ruleset *rules, double ***vals)
{
	for (int draw = 0; draw < 50; draw++) {
		for (int round = 0; round < 20; round++) {
			th_filing *fl = check_values(s, rules, *vals);
			size_t fixed = 0;
			for (size_t i = 0; i < fl->findings.n; i++) {
				const th_finding *fd = &fl->findings.v[i];
				const th_formdef *f = th_schema_form(s, fd->form);
				int r = f ? th_form_row(f, fd->code) : -1;
				double want = asked(fd);
				if (r < 0 || want < 0 || f->rows[r].kind == TH_ROW_GROUP)
					continue;
				(*vals)[f - s->forms][r] = want;
				fixed++;
			}
			th_filing_free(fl);
			if (!fixed)
				return round;
		}
		free_values(s, *vals);
		*vals = draw_values(s);
	}
	return -1;
}

/* What goes wrong in a return of the mostly clean set (about one in seven): a figure with
 * a digit too many, a percent written as a fraction, a figure left blank, a count written
 * as text with a thousands separator, a label edited. */
enum fault { F_NONE, F_TYPO, F_FRACTION, F_BLANK, F_TEXT, F_LABEL, F_KINDS };

static void write_return(const th_schema *s, const char *path, const struct header *h, double **vals,
			 enum fault fault)
{
	static char title[] = "bench", author[] = "tonghop";
	lxw_doc_properties props = { .title = title, .author = author, .created = 1694476800 };
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws;
	char buf[256];
	lxw_row_t row = 0;
	/* the figure the fault falls on: a count row (a percent row for F_FRACTION) */
	size_t target = fault ? rnd(1000) : 0, seen = 0;

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

		row++;
		worksheet_write_string(ws, row++, 0, f->title, NULL);
		worksheet_write_string(ws, row++, 0, f->name, NULL);
		worksheet_write_string(ws, row, 0, "STT", NULL);
		worksheet_write_string(ws, row, 1, "Chỉ tiêu thống kê", NULL);
		worksheet_write_string(ws, row, 2, "Đơn vị tính", NULL);
		worksheet_write_string(ws, row, 3, "Số lượng/Tỷ lệ", NULL);
		worksheet_write_string(ws, row++, 4, "Ghi chú", NULL);
		for (size_t r = 0; r < f->n_rows; r++, row++) {
			const th_rowdef *rd = &f->rows[r];
			double v = vals[fi][r];
			bool hit = false;

			if (fault && v >= 0 && (rd->kind == TH_ROW_PERCENT) == (fault == F_FRACTION) &&
			    rd->kind != TH_ROW_CODED)
				hit = seen++ % 97 == target % 97 && (target = (size_t)-1, true);
			snprintf(buf, sizeof(buf), "%s.", rd->code);
			worksheet_write_string(ws, row, 0, buf, NULL);
			if (hit && fault == F_LABEL) {
				snprintf(buf, sizeof(buf), "%s (ước tính)", rd->label);
				worksheet_write_string(ws, row, 1, buf, NULL);
			} else {
				worksheet_write_string(ws, row, 1, rd->label, NULL);
			}
			if (rd->unit[0])
				worksheet_write_string(ws, row, 2, rd->unit, NULL);
			if (v < 0 || (hit && fault == F_BLANK))
				continue;
			if (hit && fault == F_TYPO)
				v = v * 10 + rnd(10);
			else if (hit && fault == F_FRACTION)
				v = v / 100;
			if (hit && fault == F_TEXT) {
				snprintf(buf, sizeof(buf), "%.0f.%03.0f", floor(v / 1000), fmod(v, 1000));
				worksheet_write_string(ws, row, 3, v >= 1000 ? buf : "khoảng 20", NULL);
			} else {
				worksheet_write_number(ws, row, 3, v, NULL);
			}
		}
	}
	if (workbook_close(wb) != LXW_NO_ERROR)
		die("cannot write", path);
}

/* One return: drawn, mended when rules is given (then one in seven has a fault), written. */
static void make_return(const th_schema *s, const th_ruleset *rules, const char *path, const struct header *h)
{
	double **vals = draw_values(s);
	enum fault fault = F_NONE;

	if (rules) {
		if (mend_values(s, rules, &vals) < 0)
			die("no draw satisfies the rules", path);
		if (rnd(7) == 0)
			fault = (enum fault)(1 + rnd(F_KINDS - 1));
	}
	write_return(s, path, h, vals, fault);
	free_values(s, vals);
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
	fprintf(stderr, "usage: gen_returns [--clean RULES.ini] SCHEMA.ini OUTDIR N\n"
			"       gen_returns [--clean RULES.ini] --roster R.ini --period P --calendar C.ini "
			"SCHEMA.ini OUTDIR N\n");
	return 2;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "roster", required_argument, NULL, 'r' },
		{ "period", required_argument, NULL, 'p' },
		{ "calendar", required_argument, NULL, 'c' },
		{ "clean", required_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 },
	};
	const char *rpath = NULL, *cpath = NULL, *pstr = NULL, *kpath = NULL;
	th_ruleset *rules = NULL;
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
		case 'k': kpath = optarg; break;
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
	    (cpath && th_calendar_load(&cal, cpath, &e)) || (kpath && th_rules_load(&rules, kpath, s, &e))) {
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
			make_return(s, rules, path, &h);
		}
		th_rules_free(rules);
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
		make_return(s, rules, path, &h);
	}
	th_rules_free(rules);
	th_schema_free(s);
	return 0;
}
