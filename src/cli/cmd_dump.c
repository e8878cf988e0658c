/*
 * `tonghop dump FILE`: every non-empty cell of a workbook in the test corpus's dump format
 * ("@sheet NAME STATE", then SHEET, CELL, TYPE and VALUE per line, tab-separated), so the
 * reader can be compared with a reference reader (tests/golden.sh, tests/corpus.sh).
 * The dump streams: a first pass over a sheet reads its merged ranges (they follow the
 * cells in the file) and whether its cells come in row order; a second prints each cell as
 * it is read, so memory does not grow with the sheet. Only a sheet whose cells are out of
 * order (hand-made XML) is kept whole and sorted. `--stats` reads every cell once and
 * prints only counts, for benchmarks.
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE /* getopt_long */
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "base/sbuf.h"
#include "cli/cli.h"
#include "read/numfmt.h"
#include "read/xlsx_reader.h"
#include "base/banned.h"

static const char *const dump_usage =
	"cách dùng: tonghop dump [--stats] FILE\n"
	"\n"
	"In mọi ô có giá trị của bảng tính FILE (.xlsx, .xls hoặc .ods) theo định dạng dump\n"
	"của bộ thử (mỗi dòng: TRANG<TAB>Ô<TAB>KIỂU<TAB>GIÁ TRỊ), trang theo thứ tự trong sổ\n"
	"làm việc.\n"
	"\n"
	"  --stats     chỉ in số trang, số ô, số chuỗi và tổng các ô số (để đo tốc độ)\n"
	"  -h, --help  in hướng dẫn này\n"
	"\n"
	"Mã thoát: 0 đọc được, 2 sai cú pháp lệnh, 4 không đọc được tệp, 5 lỗi ghi.\n";

/* One cell kept until its sheet is printed, for a sheet whose cells are out of order. */
struct dcell {
	uint32_t row;
	uint16_t col;
	uint8_t type;    /* th_celltype, or DATE_NUMBER */
	bool formula;
	double num;
	size_t off, len; /* text in the sheet's text buffer */
	size_t seq;      /* file order, so the last of two cells with one reference wins */
};

#define DATE_NUMBER 0xFF /* a number shown as a date */

/* The merged ranges of a sheet, swept in row order: which of them contain the current row. */
struct sweep {
	th_range *sorted; /* by first row */
	const th_range **act;
	size_t n, next, nact;
};

struct dump {
	th_xlsx *x;
	FILE *out;
	const char *sheet;
	/* the first pass: are the cells in strict row, column order? */
	bool any, in_order;
	uint32_t last_row;
	uint16_t last_col;
	/* the second pass */
	struct sweep sw;
	struct dcell *v; /* out-of-order sheets only */
	size_t n, cap;
	th_sbuf text;
	/* --stats */
	bool stats;
	uint64_t cells, strings;
	double sum;
};

/* Cells the dump leaves out: empty ones, and empty strings. */
static bool skipped(const th_cell *c)
{
	return c->type == TH_CELL_EMPTY || ((c->type == TH_CELL_STRING || c->type == TH_CELL_ERROR) && c->len == 0);
}

static uint8_t dump_type(const struct dump *d, const th_cell *c)
{
	if (c->type == TH_CELL_NUMBER && th_numkind_is_serial(th_xlsx_style_kind(d->x, c->style)))
		return DATE_NUMBER;
	return (uint8_t)c->type;
}

static int range_cmp(const void *a, const void *b)
{
	const th_range *p = a, *q = b;
	return p->r1 < q->r1 ? -1 : p->r1 > q->r1;
}

/* Take a copy of the merges of the sheet just read (the next read replaces them). */
static void sweep_init(struct sweep *sw, const th_xlsx *x)
{
	const th_range *m = th_xlsx_merges(x, &sw->n);

	sw->next = sw->nact = 0;
	sw->sorted = NULL;
	sw->act = NULL;
	if (!sw->n)
		return;
	sw->sorted = th_xmalloc(th_size_mul(sw->n, sizeof(*sw->sorted)));
	memcpy(sw->sorted, m, sw->n * sizeof(*sw->sorted));
	qsort(sw->sorted, sw->n, sizeof(*sw->sorted), range_cmp);
	sw->act = th_xmalloc(th_size_mul(sw->n, sizeof(*sw->act)));
}

static void sweep_release(struct sweep *sw)
{
	free(sw->sorted);
	free(sw->act);
	memset(sw, 0, sizeof(*sw));
}

/* Whether (row, col) is hidden under a merge (not its top-left cell). Rows never decrease
 * from one call to the next. */
static bool sweep_covered(struct sweep *sw, uint32_t row, uint16_t col)
{
	bool covered = false;

	while (sw->next < sw->n && sw->sorted[sw->next].r1 <= row)
		sw->act[sw->nact++] = &sw->sorted[sw->next++];
	for (size_t j = 0; j < sw->nact;) {
		const th_range *r = sw->act[j];
		if (r->r2 < row) {
			sw->act[j] = sw->act[--sw->nact];
			continue;
		}
		if (col >= r->c1 && col <= r->c2 && !(row == r->r1 && col == r->c1))
			covered = true;
		j++;
	}
	return covered;
}

static void put_escaped(FILE *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		switch (ch) {
		case '\\': fputs("\\\\", out); break;
		case '\t': fputs("\\t", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		default:
			if (ch < 0x20 || ch == 0x7f)
				fprintf(out, "\\x%02x", ch);
			else
				putc(ch, out);
		}
	}
}

/* "2021-01-01" -> "2021-01-01T00:00:00"; times and date-times keep their fields. */
static void put_iso(FILE *out, const char *s)
{
	int y, mo, d, h = 0, mi = 0, n = 0;
	double sec = 0;
	const char *t = s;

	if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) == 3 && n == 10) {
		t = s + 10;
		if (*t == 'T' || *t == ' ')
			t++;
		else if (*t)
			goto raw;
		fprintf(out, "%04d-%02d-%02dT", y, mo, d);
		if (!*t) {
			fputs("00:00:00", out);
			return;
		}
	}
	if (sscanf(t, "%2d:%2d:%lf", &h, &mi, &sec) >= 2) {
		long ms = (long)(sec * 1000 + 0.5);
		fprintf(out, "%02d:%02d:%02ld", h, mi, ms / 1000);
		if (ms % 1000)
			fprintf(out, ".%03ld", ms % 1000);
		return;
	}
raw:
	put_escaped(out, s, strlen(s));
}

static void print_cell(const struct dump *d, const struct dcell *k, const char *text)
{
	char ref[TH_CELLREF_MAX], iso[TH_ISO_MAX];
	const char *f = k->formula ? "f" : "";
	const char *sheet = d->sheet;
	FILE *out = d->out;

	put_escaped(out, sheet, strlen(sheet));
	fprintf(out, "\t%s\t", th_cellref(k->row, k->col, ref));
	switch (k->type) {
	case DATE_NUMBER:
		if (th_serial_to_iso(k->num, th_xlsx_date1904(d->x), iso) >= 0) {
			fprintf(out, "%sd\t%s\t%.17g\n", f, iso, k->num);
			return;
		}
		/* not a representable date: printed as the number it is */
		/* fall through */
	case TH_CELL_NUMBER:
		fprintf(out, "%sn\t%.17g\n", f, k->num);
		return;
	case TH_CELL_BOOL:
		fprintf(out, "%sb\t%s\n", f, k->num != 0 ? "TRUE" : "FALSE");
		return;
	case TH_CELL_ERROR:
		fprintf(out, "%se\t", f);
		break;
	case TH_CELL_DATE:
		fprintf(out, "%sd\t", f);
		put_iso(out, text);
		putc('\n', out);
		return;
	default:
		fprintf(out, "%ss\t", f);
		break;
	}
	put_escaped(out, text, k->len);
	putc('\n', out);
}

/* ---- the passes ---- */

static int stats_cell(void *ud, const th_cell *c)
{
	struct dump *d = ud;

	if (skipped(c))
		return 0;
	d->cells++;
	if (c->type == TH_CELL_STRING)
		d->strings++;
	else if (c->type == TH_CELL_NUMBER)
		d->sum += c->num;
	return 0;
}

/* First pass: only the order (the reader keeps the merges). Equal references count as out
 * of order: the later cell replaces the earlier, which the sort settles. */
static int order_cell(void *ud, const th_cell *c)
{
	struct dump *d = ud;

	if (skipped(c))
		return 0;
	if (d->any && (c->row < d->last_row || (c->row == d->last_row && c->col <= d->last_col)))
		d->in_order = false;
	d->any = true;
	d->last_row = c->row;
	d->last_col = c->col;
	return 0;
}

/* Second pass of a sheet in order: print as read. */
static int stream_cell(void *ud, const th_cell *c)
{
	struct dump *d = ud;
	struct dcell k = { c->row, c->col, 0, c->has_formula, c->num, 0, c->len, 0 };

	if (skipped(c) || sweep_covered(&d->sw, c->row, c->col))
		return 0;
	k.type = dump_type(d, c);
	print_cell(d, &k, c->text);
	return 0;
}

/* Second pass of a sheet out of order: keep every cell, sorted and printed at the end. */
static int keep_cell(void *ud, const th_cell *c)
{
	struct dump *d = ud;
	struct dcell *k;

	if (skipped(c))
		return 0;
	th_grow((void **)&d->v, &d->cap, d->n + 1, sizeof(*d->v));
	k = &d->v[d->n];
	*k = (struct dcell){ c->row, c->col, dump_type(d, c), c->has_formula, c->num, d->text.len, c->len, d->n };
	d->n++;
	th_sbuf_add(&d->text, c->text, c->len);
	th_sbuf_addc(&d->text, '\0');
	return 0;
}

static int cell_cmp(const void *a, const void *b)
{
	const struct dcell *p = a, *q = b;

	if (p->row != q->row)
		return p->row < q->row ? -1 : 1;
	if (p->col != q->col)
		return p->col < q->col ? -1 : 1;
	return p->seq < q->seq ? -1 : p->seq > q->seq;
}

static void print_kept(struct dump *d)
{
	if (d->n > 1)
		qsort(d->v, d->n, sizeof(*d->v), cell_cmp);
	for (size_t i = 0; i < d->n; i++) {
		const struct dcell *k = &d->v[i];
		if (i + 1 < d->n && d->v[i + 1].row == k->row && d->v[i + 1].col == k->col)
			continue; /* a later cell with the same reference replaces this one */
		if (!sweep_covered(&d->sw, k->row, k->col))
			print_cell(d, k, d->text.buf + k->off);
	}
}

/* Dump sheet i: two passes (see the top of the file). */
static int dump_sheet(struct dump *d, size_t i, th_err *e)
{
	int rc;

	d->any = false;
	d->in_order = true;
	if (th_xlsx_read_sheet(d->x, i, order_cell, d, e))
		return -1;
	sweep_init(&d->sw, d->x);
	if (d->in_order) {
		rc = th_xlsx_read_sheet(d->x, i, stream_cell, d, e);
	} else {
		d->n = 0;
		th_sbuf_reset(&d->text);
		rc = th_xlsx_read_sheet(d->x, i, keep_cell, d, e);
		if (!rc)
			print_kept(d);
	}
	sweep_release(&d->sw);
	return rc ? -1 : 0;
}

int cmd_dump(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "stats", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct dump d = { .text = TH_SBUF_INIT, .out = stdout };
	const char *path;
	th_err e = { 0 };
	int ch, rc = TH_EXIT_OK;
	static char obuf[1 << 16];

	optind = 0;
	while ((ch = th_getopt(argc, argv, "h", opts)) != -1) {
		switch (ch) {
		case 's': d.stats = true; break;
		case 'h': fputs(dump_usage, stdout); return th_finish_stdout(TH_EXIT_OK);
		default:
			fputs("xem 'tonghop dump --help'\n", stderr);
			return TH_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		th_complain("dump cần đúng một tệp");
		fputs(dump_usage, stderr);
		return TH_EXIT_USAGE;
	}
	path = argv[optind];
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	if (th_xlsx_open(&d.x, path, NULL, &e)) {
		th_report(path, &e);
		return th_exit_for(e.code);
	}
	for (size_t i = 0; i < th_xlsx_sheet_count(d.x); i++) {
		static const char *const states[] = { "visible", "hidden", "veryhidden" };
		const char *name = th_xlsx_sheet_name(d.x, i);

		if (d.stats) {
			if (th_xlsx_read_sheet(d.x, i, stats_cell, &d, &e)) {
				th_report(path, &e);
				rc = th_exit_for(e.code);
				break;
			}
			continue;
		}
		fputs("@sheet\t", stdout);
		put_escaped(stdout, name, strlen(name));
		printf("\t%s\n", states[th_xlsx_sheet_state(d.x, i)]);
		d.sheet = name;
		if (dump_sheet(&d, i, &e)) {
			th_report(path, &e);
			rc = th_exit_for(e.code);
			break;
		}
	}
	if (rc == TH_EXIT_OK && d.stats)
		printf("sheets %zu\ncells %llu\nstrings %llu\nshared %zu\nsum %.17g\n",
		       th_xlsx_sheet_count(d.x), (unsigned long long)d.cells,
		       (unsigned long long)d.strings, th_xlsx_shared_count(d.x), d.sum);
	th_xlsx_free(d.x);
	free(d.v);
	th_sbuf_release(&d.text);
	if (rc != TH_EXIT_OK) {
		/* what was printed is incomplete: drop it rather than pass it off as the dump */
		fflush(stdout);
		return rc;
	}
	return th_finish_stdout(rc);
}
