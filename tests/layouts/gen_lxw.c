/*
 * Writes a workbook with libxlsxwriter from a spec that tests/layouts/gen.py wrote, so a
 * case laid out (and its truth written) once in Python can also come from this writer: its
 * formulas are saved with the result 0 and fullCalcOnLoad (Excel recomputes them on
 * opening), and in constant-memory mode every text is an inline string.
 * Usage: gen_lxw SPEC OUT.xlsx. One operation a line, fields separated by tabs; in texts
 * \n, \t and \\ stand for a line break, a tab and a backslash:
 *   book CONSTANT_MEMORY
 *   fmt ID NUMFMT BOLD WRAP CENTER BORDER        (ID from 1; 0 = no format)
 *   sheet NAME HIDDEN
 *   col C WIDTH HIDDEN      row R HIDDEN
 *   s R C FMT TEXT     n R C FMT NUMBER     f R C FMT FORMULA     b R C FMT
 *   m R1 C1 R2 C2 FMT TEXT                       (a merged range)
 * Rows and columns are 0-based; operations come in row order (constant memory needs it).
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#define MAX_FIELDS 8
#define MAX_FMTS 256

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "gen_lxw: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
	exit(1);
}

static void check(lxw_error err, const char *line)
{
	if (err != LXW_NO_ERROR) {
		fprintf(stderr, "gen_lxw: %s: %s\n", lxw_strerror(err), line);
		exit(1);
	}
}

/* Undo the spec's escapes in place. */
static char *unescape(char *s)
{
	char *w = s;

	for (const char *r = s; *r; r++) {
		if (*r == '\\' && r[1]) {
			r++;
			*w++ = *r == 'n' ? '\n' : *r == 't' ? '\t' : *r;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return s;
}

static size_t split(char *line, char **f)
{
	size_t n = 0;

	f[n++] = line;
	for (char *p = line; *p && n < MAX_FIELDS; p++)
		if (*p == '\t') {
			*p = '\0';
			f[n++] = p + 1;
		}
	return n;
}

static long num(const char *s, const char *line)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || *end)
		die("not a number in", line);
	return v;
}

int main(int argc, char **argv)
{
	static char title[] = "tonghop tests/layouts", author[] = "tonghop";
	lxw_doc_properties props = { .title = title, .author = author, .created = 1694505600 };
	lxw_workbook_options opt = { .constant_memory = LXW_FALSE };
	lxw_format *fmts[MAX_FMTS] = { NULL };
	lxw_workbook *wb = NULL;
	lxw_worksheet *ws = NULL;
	char line[65536], copy[65536], *f[MAX_FIELDS];
	FILE *in;

	if (argc != 3)
		die("usage: gen_lxw SPEC OUT.xlsx", NULL);
	in = fopen(argv[1], "r");
	if (!in)
		die("cannot open", argv[1]);
	while (fgets(line, sizeof(line), in)) {
		size_t n;

		line[strcspn(line, "\n")] = '\0';
		snprintf(copy, sizeof(copy), "%s", line);
		n = split(line, f);
		if (strcmp(f[0], "book") == 0 && n == 2) {
			opt.constant_memory = num(f[1], copy) ? LXW_TRUE : LXW_FALSE;
			wb = workbook_new_opt(argv[2], &opt);
			if (!wb)
				die("cannot create", argv[2]);
			check(workbook_set_properties(wb, &props), copy);
			continue;
		}
		if (!wb)
			die("the spec must begin with 'book'", copy);
		if (strcmp(f[0], "fmt") == 0 && n == 7) {
			long id = num(f[1], copy);
			lxw_format *x;

			if (id < 1 || id >= MAX_FMTS)
				die("format id out of range", copy);
			x = fmts[id] = workbook_add_format(wb);
			if (*unescape(f[2]))
				format_set_num_format(x, f[2]);
			if (num(f[3], copy))
				format_set_bold(x);
			if (num(f[4], copy))
				format_set_text_wrap(x);
			if (num(f[5], copy)) {
				format_set_align(x, LXW_ALIGN_CENTER);
				format_set_align(x, LXW_ALIGN_VERTICAL_CENTER);
			}
			if (num(f[6], copy))
				format_set_border(x, LXW_BORDER_THIN);
		} else if (strcmp(f[0], "sheet") == 0 && n == 3) {
			ws = workbook_add_worksheet(wb, unescape(f[1]));
			if (!ws)
				die("cannot add sheet", copy);
			if (num(f[2], copy))
				worksheet_hide(ws);
		} else if (!ws) {
			die("a cell before any sheet", copy);
		} else if (strcmp(f[0], "col") == 0 && n == 4) {
			lxw_row_col_options o = { .hidden = (uint8_t)num(f[3], copy) };
			lxw_col_t c = (lxw_col_t)num(f[1], copy);
			check(worksheet_set_column_opt(ws, c, c, atof(f[2]), NULL, &o), copy);
		} else if (strcmp(f[0], "row") == 0 && n == 3) {
			lxw_row_col_options o = { .hidden = (uint8_t)num(f[2], copy) };
			check(worksheet_set_row_opt(ws, (lxw_row_t)num(f[1], copy), LXW_DEF_ROW_HEIGHT, NULL, &o),
			      copy);
		} else if (strchr("snfb", f[0][0]) && !f[0][1] && n >= 4) {
			lxw_row_t r = (lxw_row_t)num(f[1], copy);
			lxw_col_t c = (lxw_col_t)num(f[2], copy);
			long id = num(f[3], copy);
			lxw_format *x = id > 0 && id < MAX_FMTS ? fmts[id] : NULL;

			if (f[0][0] == 'b')
				check(worksheet_write_blank(ws, r, c, x), copy);
			else if (n != 5)
				die("bad cell line", copy);
			else if (f[0][0] == 's')
				check(worksheet_write_string(ws, r, c, unescape(f[4]), x), copy);
			else if (f[0][0] == 'n')
				check(worksheet_write_number(ws, r, c, atof(f[4]), x), copy);
			else
				check(worksheet_write_formula(ws, r, c, unescape(f[4]), x), copy);
		} else if (strcmp(f[0], "m") == 0 && n == 7) {
			long id = num(f[5], copy);
			check(worksheet_merge_range(ws, (lxw_row_t)num(f[1], copy), (lxw_col_t)num(f[2], copy),
						    (lxw_row_t)num(f[3], copy), (lxw_col_t)num(f[4], copy),
						    unescape(f[6]), id > 0 && id < MAX_FMTS ? fmts[id] : NULL),
			      copy);
		} else {
			die("unknown operation", copy);
		}
	}
	fclose(in);
	if (!wb)
		die("empty spec", argv[1]);
	check(workbook_close(wb), argv[2]);
	return 0;
}
