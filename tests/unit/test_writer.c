/*
 * Unit tests for the workbook writer: a merge built by hand (three returns of the shipped
 * roster, values and findings set in memory, totals computed here) is written and read
 * back with tonghop's own reader: sheet order, live total formulas and their cached values
 * (a ratio of sums, not a mean of percents), the error sheet, byte-identical output, and
 * failures that leave no temporary file and never replace a good file. The template and the feedback
 * are read back as returns (th_filing_read). Run from the project root.
 * SPDX-License-Identifier: MIT
 */
#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <math.h>
#include <zip.h>

#include "model/calendar.h"
#include "model/filing.h"
#include "merge/merge.h"
#include "model/roster.h"
#include "check/rules.h"
#include "model/schema.h"
#include "read/xlsx_reader.h"
#include "merge/upward.h"
#include "write/xlsx_writer.h"

static th_schema *schema;
static th_roster *roster;
static th_calendar *cal;
static th_ruleset *rules;
static char dir[] = "/tmp/th_writer_XXXXXX";
static const th_period Q3 = { TH_P_QUARTER, 2023, 3 };

static int setup(void **state)
{
	th_err e = { 0 };
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	if (th_schema_load(&schema, "schemas/cchc-haiduong-2023.ini", &e) ||
	    th_roster_load(&roster, schema->rosters[0], &e) ||
	    th_calendar_load(&cal, schema->calendars[0], &e) ||
	    th_rules_load(&rules, "rules/cchc-haiduong-2023.ini", schema, &e)) {
		fprintf(stderr, "setup: %s\n", e.msg);
		return -1;
	}
	unsetenv("SOURCE_DATE_EPOCH");
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;
	th_rules_free(rules);
	th_calendar_free(cal);
	th_roster_free(roster);
	th_schema_free(schema);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* dir/name, in one of 8 rotating buffers (enough for the paths one test holds at once). */
static const char *in_dir(const char *name)
{
	static char path[8][256];
	static int k;

	k = (k + 1) % 8;
	snprintf(path[k], sizeof(path[k]), "%s/%s", dir, name);
	return path[k];
}

/* ---- reading back ---- */

struct rcell {
	uint32_t row;
	uint16_t col;
	th_cell_type type;
	bool formula;
	double num;
	char *text, *fml;
};

struct rsheet {
	struct rcell *v;
	size_t n, cap;
};

static int collect(void *ud, const th_cell *c)
{
	struct rsheet *s = ud;

	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		assert_non_null(s->v);
	}
	s->v[s->n].row = c->row;
	s->v[s->n].col = c->col;
	s->v[s->n].type = c->type;
	s->v[s->n].formula = c->has_formula;
	s->v[s->n].num = c->num;
	s->v[s->n].text = strndup(c->text, c->len);
	s->v[s->n].fml = strdup(c->formula);
	s->n++;
	return 0;
}

/* The cells of sheet name of the workbook at path. */
static void load_sheet(const char *path, const char *name, struct rsheet *out)
{
	th_xlsx *x;
	th_err e = { 0 };
	size_t i;

	memset(out, 0, sizeof(*out));
	assert_int_equal(th_xlsx_open(&x, path, NULL, &e), 0);
	for (i = 0; i < th_xlsx_sheet_count(x); i++)
		if (strcmp(th_xlsx_sheet_name(x, i), name) == 0)
			break;
	assert_true(i < th_xlsx_sheet_count(x));
	assert_int_equal(th_xlsx_read_sheet(x, i, collect, out, &e), 0);
	th_xlsx_free(x);
}

static void free_sheet(struct rsheet *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].text);
		free(s->v[i].fml);
	}
	free(s->v);
}

static const struct rcell *at(const struct rsheet *s, uint32_t row, uint16_t col)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].row == row && s->v[i].col == col)
			return &s->v[i];
	return NULL;
}

/* The row whose column A holds text code. */
static uint32_t row_of(const struct rsheet *s, const char *code)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].col == 0 && s->v[i].type == TH_CELL_STRING && strcmp(s->v[i].text, code) == 0)
			return s->v[i].row;
	fail_msg("no row '%s'", code);
	return 0;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	buf[n] = '\0';
	*len = (size_t)n;
	return buf;
}

/* A part of the package at path, as a string. */
static char *part(const char *path, const char *name)
{
	int err = 0;
	zip_t *z = zip_open(path, ZIP_RDONLY, &err);
	zip_stat_t st;
	zip_file_t *zf;
	char *buf;

	assert_non_null(z);
	assert_int_equal(zip_stat(z, name, 0, &st), 0);
	buf = calloc(1, st.size + 1);
	zf = zip_fopen(z, name, 0);
	assert_non_null(zf);
	assert_int_equal(zip_fread(zf, buf, st.size), (zip_int64_t)st.size);
	zip_fclose(zf);
	zip_close(z);
	return buf;
}

static bool exists(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0;
}

/* Hidden files in the test folder: a temporary file left behind would be one. */
static size_t hidden_files(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		n += de->d_name[0] == '.' && strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* ---- a merge built by hand ---- */

static th_value *val(th_filing *f, const char *form, const char *code)
{
	return (th_value *)th_filing_value(f, form, code);
}

/* The returns of the merge built by hand, by file, until th_merge_keep takes their figures. */
static th_filing *hand[8];

static void add_file(th_merge *m, const char *path, th_fstatus st, int unit, const char *msg)
{
	th_mfile *mf;

	m->files = realloc(m->files, (m->n_files + 1) * sizeof(*m->files));
	assert_non_null(m->files);
	mf = &m->files[m->n_files++];
	memset(mf, 0, sizeof(*mf));
	mf->within = -1; /* a file given, not a return a consolidated workbook carried */
	mf->path = strdup(path);
	mf->status = st;
	mf->unit = unit >= 0 ? &roster->units[unit] : NULL;
	mf->message = strdup(msg);
	if (st == TH_F_USED) {
		hand[m->n_files - 1] = th_filing_new(path, schema);
		m->units[unit].file = (int)(m->n_files - 1);
		m->received++;
	}
}

/* A finding at cell of the commune's sheet "Biểu mẫu N" of form BMN (cell NULL: none). */
static void finding(th_merge *m, size_t file, th_severity sev, const char *rule, const char *form,
		    const char *code, const char *cell, const char *msg)
{
	char sheet[32];
	th_where w = { form, code, NULL, 0, 0 };

	snprintf(sheet, sizeof(sheet), "Biểu mẫu %s", form + 2);
	if (cell) {
		w.sheet = sheet;
		assert_int_equal(th_cellref_parse(cell, strlen(cell), &w.row, &w.col), 0);
	}
	th_findings_add(&m->files[file].findings, sev, rule, &w, "x", "y", "%s", msg);
}

/* Totals as th_merge_run makes them: sums, ratios of sums, tallies, the commonest value. */
static void totals(th_merge *m)
{
	m->totals = calloc(schema->n_forms, sizeof(*m->totals));
	for (size_t f = 0; f < schema->n_forms; f++) {
		const th_formdef *fd = &schema->forms[f];
		m->totals[f] = calloc(fd->n_rows, sizeof(**m->totals));
		for (size_t r = 0; r < fd->n_rows; r++) {
			const th_rowdef *rd = &fd->rows[r];
			th_total *t = &m->totals[f][r];
			double num = 0, den = 0, seen[64];
			size_t count[64], n_seen = 0;

			if (rd->agg == TH_AGG_TALLY)
				t->tally = calloc(rd->n_options + 1, sizeof(*t->tally));
			for (size_t u = 0; u < m->n_units; u++) {
				const th_mvalue *v = th_merge_value(m, u, f, r);
				bool ok = v && v->state == TH_VAL_NUMBER;
				size_t k;
				if (rd->agg == TH_AGG_RATIO) {
					const th_mvalue *a = th_merge_value(m, u, f, (size_t)rd->num);
					const th_mvalue *b = th_merge_value(m, u, f, (size_t)rd->den);
					if (a && a->state == TH_VAL_NUMBER && b && b->state == TH_VAL_NUMBER) {
						num += a->num;
						den += b->num;
					}
					continue;
				}
				if (!ok)
					continue;
				t->n_values++;
				t->value += rd->agg == TH_AGG_SUM ? v->num : 0;
				for (k = 0; rd->agg == TH_AGG_TALLY && k < rd->n_options; k++)
					t->tally[k] += v->num == rd->options[k].code;
				for (k = 0; k < n_seen && seen[k] != v->num; k++)
					;
				if (k == n_seen) {
					seen[n_seen] = v->num;
					count[n_seen++] = 0;
				}
				count[k]++;
			}
			if (rd->agg == TH_AGG_RATIO) {
				t->has_value = den != 0;
				t->value = den != 0 ? num / den * 100 : 0;
			} else if (rd->agg == TH_AGG_SUM) {
				t->has_value = t->n_values > 0;
			} else if (rd->agg == TH_AGG_TALLY || rd->agg == TH_AGG_CATALOGUE) {
				size_t best = 0;
				for (size_t k = 0; k < n_seen; k++)
					if (count[k] > best || (count[k] == best && best == 1 && seen[k] < t->value)) {
						best = count[k];
						t->value = seen[k];
					}
				t->has_value = n_seen > 0;
				for (size_t u = 0; rd->agg == TH_AGG_CATALOGUE && u < m->n_units; u++) {
					const th_mvalue *v = th_merge_value(m, u, f, r);
					t->n_differ += v && v->state == TH_VAL_NUMBER && v->num != t->value;
				}
			}
		}
	}
}

/*
 * Units 0-2 of the roster sent returns (unit 1 twice), the others none; a skipped and an
 * unreadable file. BM1 2 = 2.2 / 2.1: per unit 50 %, 100 %, 10 %, whose mean (53.33) is not
 * the district's ratio 105 / 200 = 52.5 %.
 */
static th_merge *build_merge(void)
{
	th_merge *m = calloc(1, sizeof(*m));
	static const double bm1_1[] = { 25, 10, 7 }, bm1_21[] = { 10, 90, 100 }, bm1_22[] = { 5, 90, 10 };
	static const double bm1_2[] = { 50, 100, 10 }, bm1_5[] = { 1, 1, 0 }, bm3_1[] = { 139, 139, 140 };
	static const size_t used[] = { 0, 2, 3 };

	assert_non_null(m);
	m->schema = schema;
	m->roster = roster;
	m->cal = cal;
	m->period = Q3;
	th_calendar_window(cal, Q3, &m->from, &m->to, &m->deadline);
	m->n_units = roster->n_units;
	m->units = calloc(m->n_units, sizeof(*m->units));
	for (size_t u = 0; u < m->n_units; u++) {
		m->units[u].unit = &roster->units[u];
		m->units[u].file = -1;
		m->units[u].failed = -1;
		m->units[u].on_time = -1;
	}
	add_file(m, "q3/thanhmien.xlsx", TH_F_USED, 0, "");
	add_file(m, "q3/thanhtung-cu.xlsx", TH_F_SUPERSEDED, 1, "có bản mới hơn: q3/thanhtung.xlsx");
	add_file(m, "q3/thanhtung.xlsx", TH_F_USED, 1, "");
	add_file(m, "q3/phamkha.xlsx", TH_F_USED, 2, "");
	add_file(m, "q3/ghi chu.docx", TH_F_SKIPPED, -1, "không phải bảng tính");
	add_file(m, "q3/hong.xlsx", TH_F_UNREADABLE, -1, "tệp bị hỏng: không phải tệp zip");
	for (size_t i = 0; i < 3; i++) {
		th_filing *f = hand[used[i]];
		m->files[used[i]].report_date = (th_date){ 2023, 9, (uint8_t)(11 + i) };
		m->units[i].on_time = i < 2;
		th_filing_set(f, "BM1", "1", TH_VAL_NUMBER, bm1_1[i], 0);
		th_filing_set(f, "BM1", "2", TH_VAL_NUMBER, bm1_2[i], 0);
		th_filing_set(f, "BM1", "2.1", TH_VAL_NUMBER, bm1_21[i], 0);
		th_filing_set(f, "BM1", "2.2", TH_VAL_NUMBER, bm1_22[i], 0);
		th_filing_set(f, "BM1", "5", TH_VAL_NUMBER, bm1_5[i], 0);
		th_filing_set(f, "BM3", "1", TH_VAL_NUMBER, bm3_1[i], 0);
	}
	th_filing_set(hand[0], "BM7", "6.7.1", TH_VAL_NUMBER, 922, 0);
	th_filing_set(hand[0], "BM7", "6.7.2", TH_VAL_NUMBER, 905, 0);
	th_filing_set(hand[0], "BM7", "6.7", TH_VAL_NUMBER, 98.17, 2);
	th_filing_set(hand[2], "BM7", "6.7.1", TH_VAL_DASH, 0, -1);
	th_filing_set(hand[3], "BM7", "6.7.2", TH_VAL_UNREADABLE, 0, -1);
	free(val(hand[3], "BM7", "6.7.2")->written);
	val(hand[3], "BM7", "6.7.2")->written = strdup("khoảng 900");
	for (size_t i = 0; i < m->n_files; i++)
		if (hand[i]) {
			th_merge_keep(m, i, hand[i]);
			th_filing_free(hand[i]);
			hand[i] = NULL;
		}

	finding(m, 0, TH_SEV_ERROR, "R21", "BM7", "6.7", "D31", "Tỷ lệ hồ sơ TTHC tiếp nhận trực tuyến sai");
	finding(m, 0, TH_SEV_WARNING, "read.label-edited", "BM1", "2.1", "B7", "tên chỉ tiêu khác biểu mẫu");
	finding(m, 0, TH_SEV_INFO, "read.text-number", "BM1", "1", "D5", "số được gõ dạng văn bản");
	finding(m, 0, TH_SEV_WARNING, "H2", "HEADER", "", NULL, "báo cáo gửi muộn");
	finding(m, 2, TH_SEV_WARNING, "R24", "BM1", "1", "D5", "số văn bản không khớp danh mục");
	finding(m, 3, TH_SEV_ERROR, "R8", "BM3", "1.4", "D12", "Tổng số TTHC nhỏ hơn số TTHC cấp xã");
	finding(m, 3, TH_SEV_ERROR, "D1", "BM1", "5", "D20", "giá trị ngoài chú giải");
	m->units[0].errors = 1, m->units[0].warnings = 2;
	m->units[1].warnings = 1;
	m->units[2].errors = 2;
	m->errors = 3;
	m->warnings = 3;
	m->on_time = 2;
	totals(m);
	return m;
}

static void write_merge_ok(const th_merge *m, const char *path)
{
	th_err e = { 0 };

	if (th_write_merge(m, path, &e) != 0)
		fail_msg("th_write_merge: %s", e.msg);
	assert_int_equal(hidden_files(), 0);
}

/* ---- the merged workbook ---- */

static void merge_sheets(void **state)
{
	th_merge *m = build_merge();
	const char *path = in_dir("merge.xlsx");
	static const char *const want[] = { "Tổng hợp", "BM1", "BM2", "BM3", "BM4", "BM5", "BM6", "BM7", "Lỗi",
					    "Tệp đã nhận", "tonghop" };
	th_xlsx *x;
	th_err e = { 0 };
	struct rsheet s;
	(void)state;

	write_merge_ok(m, path);
	assert_int_equal(th_xlsx_open(&x, path, NULL, &e), 0);
	assert_int_equal(th_xlsx_sheet_count(x), sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_string_equal(th_xlsx_sheet_name(x, i), want[i]);
	/* the metadata for a merge one level up (merge/upward.h): hidden, the rest visible */
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_int_equal(th_xlsx_sheet_state(x, i), i + 1 < sizeof(want) / sizeof(want[0]) ?
				 TH_SHEET_VISIBLE : TH_SHEET_HIDDEN);
	th_xlsx_free(x);

	load_sheet(path, "Tổng hợp", &s);
	assert_string_equal(at(&s, 0, 0)->text, "TỔNG HỢP BÁO CÁO CẢI CÁCH HÀNH CHÍNH");
	assert_string_equal(at(&s, 2, 0)->text, "Kỳ báo cáo: quý III năm 2023");
	assert_string_equal(at(&s, 3, 0)->text,
			    "Số liệu tính từ ngày 10/06/2023 đến ngày 09/09/2023; hạn gửi báo cáo: 12/09/2023");
	assert_string_equal(at(&s, 4, 0)->text, "Đã nhận 3/17 đơn vị");
	assert_string_equal(at(&s, 5, 0)->text, "Đúng hạn 2/3");
	/* the unit table: header on row 9, grouped by type (a heading row each), roster order within */
	assert_string_equal(at(&s, 9, 0)->text, "Thị trấn: 1 đơn vị, đã nhận 1");
	assert_string_equal(at(&s, 11, 0)->text, "Xã: 16 đơn vị, đã nhận 2");
	assert_string_equal(at(&s, 8, 2)->text, "Đơn vị");
	assert_string_equal(at(&s, 10, 2)->text, "Thị trấn Thanh Miện");
	assert_string_equal(at(&s, 10, 3)->text, "Đã nhận");
	assert_string_equal(at(&s, 10, 6)->text, "Đúng hạn");
	assert_string_equal(at(&s, 13, 6)->text, "Trễ hạn");
	assert_true(at(&s, 13, 7)->num == 2);
	assert_string_equal(at(&s, 14, 3)->text, "Chưa nhận");
	assert_string_equal(at(&s, 11 + 16, 2)->text, "Xã Hồng Phong");
	assert_null(at(&s, 11 + 16 + 2, 0)); /* the file list is on a sheet of its own */
	free_sheet(&s);
	load_sheet(path, "Tệp đã nhận", &s);
	assert_string_equal(at(&s, 0, 0)->text, "CÁC TỆP ĐÃ NHẬN");
	assert_string_equal(at(&s, 2, 0)->text, "Kỳ báo cáo: quý III năm 2023");
	assert_string_equal(at(&s, 4, 4)->text, "Tệp");
	assert_string_equal(at(&s, 5, 3)->text, "Đã dùng");
	assert_string_equal(at(&s, 6, 3)->text, "Bị thay bằng bản mới hơn");
	assert_string_equal(at(&s, 6, 5)->text, "có bản mới hơn: q3/thanhtung.xlsx");
	assert_string_equal(at(&s, 10, 4)->text, "q3/hong.xlsx");
	free_sheet(&s);
	th_merge_free(m);
}

/*
 * Upward: the workbook written is an input of another merge (merge/upward.h), which finds
 * every unit's figures as they were (dash and unread text included), its file, report
 * date and findings, and computes the totals from them: the ratio from the summed parts,
 * a unit whose part could not be read left out and said.
 */
static void merge_upward_roundtrip(void **state)
{
	th_merge *m = build_merge(), *up = NULL;
	const char *path = in_dir("province.xlsx");
	char *paths[1];
	th_err e = { 0 };
	int f1 = -1, f7 = -1;
	(void)state;

	write_merge_ok(m, path);
	paths[0] = (char *)path;
	if (th_merge_run(&up, schema, roster, cal, NULL, Q3, paths, 1, NULL, NULL, NULL, &e))
		fail_msg("th_merge_run: %s", e.msg);
	assert_int_equal(up->files[0].status, TH_F_USED);
	assert_non_null(up->files[0].book);
	assert_int_equal(up->received, m->received);
	for (size_t u = 0; u < m->n_units; u++) {
		const th_mfile *a = th_merge_file(m, u), *b = th_merge_file(up, u);
		assert_true((a == NULL) == (b == NULL));
		if (!a)
			continue;
		assert_string_equal(a->path, b->path);
		assert_int_equal(b->within, 0);
		assert_int_equal(th_date_cmp(a->report_date, b->report_date), 0);
		assert_int_equal(a->findings.n, b->findings.n);
		for (size_t k = 0; k < a->findings.n; k++) {
			assert_string_equal(a->findings.v[k].message, b->findings.v[k].message);
			assert_string_equal(a->findings.v[k].cell, b->findings.v[k].cell);
		}
		for (size_t f = 0; f < schema->n_forms; f++)
			for (size_t r = 0; r < schema->forms[f].n_rows; r++) {
				const th_mvalue *x = th_merge_value(m, u, f, r), *y = th_merge_value(up, u, f, r);
				assert_int_equal(x->state, y->state);
				assert_int_equal(x->unfilled, y->unfilled);
				if (x->state == TH_VAL_NUMBER)
					assert_true(x->num == y->num);
				if (x->state == TH_VAL_DASH || x->state == TH_VAL_UNREADABLE)
					assert_string_equal(x->written, y->written);
			}
	}
	for (size_t f = 0; f < schema->n_forms; f++) {
		if (strcmp(schema->forms[f].id, "BM1") == 0)
			f1 = (int)f;
		if (strcmp(schema->forms[f].id, "BM7") == 0)
			f7 = (int)f;
	}
	assert_true(f1 >= 0 && f7 >= 0);
	{
		const th_total *t = &up->totals[f1][th_form_row(&schema->forms[f1], "2")];
		const th_total *u67 = &up->totals[f7][th_form_row(&schema->forms[f7], "6.7")];
		assert_true(t->has_value && fabs(t->value - 105.0 / 200 * 100) < 1e-12);
		assert_true(u67->has_value && fabs(u67->value - 905.0 / 922 * 100) < 1e-12);
		assert_int_equal(u67->n_unread, 1);
	}
	th_merge_free(up);
	th_merge_free(m);
}

/* The joined texts of the metadata: tabs and backslashes survive, a bad escape is no
 * text, a long text is cut before an ASCII byte when one is near. */
static void upward_join_split(void **state)
{
	th_sbuf sb = TH_SBUF_INIT;
	char *v[4], bad[] = "a\\qb";
	char *big = malloc(70001);
	(void)state;

	th_upward_join(&sb, "u1\t2", true);
	th_upward_join(&sb, "", false);
	th_upward_join(&sb, "c:\\x", false);
	assert_string_equal(sb.buf, "u1\\t2\t\tc:\\\\x");
	assert_int_equal(th_upward_split(sb.buf, v, 4), 3);
	assert_string_equal(v[0], "u1\t2");
	assert_string_equal(v[1], "");
	assert_string_equal(v[2], "c:\\x");
	assert_int_equal(th_upward_split(bad, v, 4), -1);
	th_sbuf_release(&sb);
	assert_non_null(big);
	for (size_t i = 0; i + 2 <= 70000; i += 2)
		memcpy(big + i, "\xc3\xa9", 2); /* é: no ASCII at all */
	big[70000] = '\0';
	assert_int_equal(th_upward_cut(big, 70000) % 2, 0);
	assert_true(th_upward_cut(big, 70000) <= TH_UP_CELL_BYTES);
	big[29000] = 'x';
	assert_int_equal(th_upward_cut(big, 70000), 29000);
	assert_int_equal(th_upward_cut(big, 100), 100);
	free(big);
}

static void merge_totals(void **state)
{
	th_merge *m = build_merge();
	const char *path = in_dir("merge.xlsx");
	struct rsheet s;
	const struct rcell *c;
	uint32_t r;
	const uint16_t tot = 3; /* the total first, then the units from column E */
	char want[128];
	(void)state;

	write_merge_ok(m, path);
	load_sheet(path, "BM1", &s);
	assert_string_equal(at(&s, 4, 4)->text, "Thị trấn Thanh Miện");
	assert_string_equal(at(&s, 5, 4)->text, "11239");
	assert_string_equal(at(&s, 4, tot)->text, "Tổng");

	/* a sum: live formula, cached 25 + 10 + 7 */
	r = row_of(&s, "1");
	assert_int_equal(r, 6);
	assert_true(at(&s, r, 4)->num == 25);
	c = at(&s, r, tot);
	assert_non_null(c);
	assert_true(c->formula);
	assert_string_equal(c->fml, "SUM(E7:U7)");
	assert_int_equal(c->type, TH_CELL_NUMBER);
	assert_true(c->num == 42);

	/* a ratio: sum(2.2) / sum(2.1), not the mean of the units' percents */
	r = row_of(&s, "2");
	c = at(&s, r, tot);
	assert_true(c->formula);
	assert_string_equal(c->fml, "IF(SUMPRODUCT(--ISNUMBER(E10:U10),E9:U9)=0,\"\","
				    "SUMPRODUCT(--ISNUMBER(E9:U9),E10:U10)/SUMPRODUCT(--ISNUMBER(E10:U10),E9:U9)*100)");
	assert_true(fabs(c->num - 52.5) < 1e-9);
	assert_true(fabs(c->num - (50 + 100 + 10) / 3.0) > 0.5);

	/* a tally of coded answers */
	r = row_of(&s, "5");
	c = at(&s, r, tot);
	assert_true(c->formula);
	assert_int_equal(c->type, TH_CELL_STRING);
	assert_string_equal(c->text, "Có: 2; Không: 1");
	snprintf(want, sizeof(want), "\"Có: \"&COUNTIF(E%u:U%u,1)&\"; Không: \"&COUNTIF(E%u:U%u,0)", r + 1, r + 1,
		 r + 1, r + 1);
	assert_string_equal(c->fml, want);
	/* a heading: no total */
	c = at(&s, row_of(&s, "3"), tot);
	assert_true(!c || c->type == TH_CELL_EMPTY);
	free_sheet(&s);

	/* a catalogue row: the common value */
	load_sheet(path, "BM3", &s);
	c = at(&s, row_of(&s, "1"), tot);
	assert_true(c->formula);
	assert_true(c->num == 139);
	free_sheet(&s);

	/* a dash and an unreadable value keep their text; a missing unit is blank */
	load_sheet(path, "BM7", &s);
	r = row_of(&s, "6.7.1");
	assert_true(at(&s, r, 4)->num == 922);
	assert_string_equal(at(&s, r, 5)->text, "-");
	assert_string_equal(at(&s, row_of(&s, "6.7.2"), 6)->text, "khoảng 900");
	assert_true(!at(&s, r, 7) || at(&s, r, 7)->type == TH_CELL_EMPTY);
	c = at(&s, row_of(&s, "6.7"), tot);
	assert_true(fabs(c->num - 905.0 / 922 * 100) < 1e-9);
	free_sheet(&s);
	th_merge_free(m);
}

static void merge_errors(void **state)
{
	th_merge *m = build_merge();
	const char *path = in_dir("merge.xlsx");
	static const char *const order[] = { "H2", "read.label-edited", "R21", "R24", "D1", "R8" };
	struct rsheet s, bm7;
	char want[96], *sheet;
	size_t rows = 0;
	(void)state;

	write_merge_ok(m, path);
	load_sheet(path, "Lỗi", &s);
	assert_string_equal(at(&s, 0, 4)->text, "Ô");
	for (size_t i = 0; i < s.n; i++)
		if (s.v[i].col == 0 && s.v[i].row > 0)
			rows++;
	/* one row per error and warning of the used files (the info finding left out) */
	assert_int_equal(rows, sizeof(order) / sizeof(order[0]));
	for (size_t i = 0; i < rows; i++)
		assert_string_equal(at(&s, (uint32_t)(i + 1), 5)->text, order[i]);
	assert_string_equal(at(&s, 1, 0)->text, "Thị trấn Thanh Miện");
	assert_string_equal(at(&s, 1, 2)->text, "Thông tin chung");
	assert_string_equal(at(&s, 3, 2)->text, "BM7");
	assert_string_equal(at(&s, 3, 6)->text, "Lỗi");
	/* the cell shown is the commune's own; the link goes to the unit's cell in this
	 * workbook's form sheet */
	assert_string_equal(at(&s, 3, 4)->text, "Biểu mẫu 7!D31");
	assert_string_equal(at(&s, 4, 4)->text, "Biểu mẫu 1!D5");
	load_sheet(path, "BM7", &bm7);
	sheet = part(path, "xl/worksheets/sheet9.xml");
	snprintf(want, sizeof(want), "<hyperlink ref=\"E4\" location=\"'BM7'!E%u\"", (unsigned)row_of(&bm7, "6.7") + 1);
	if (!strstr(sheet, want))
		fail_msg("no %s", want);
	snprintf(want, sizeof(want), "<hyperlink ref=\"E5\" location=\"'BM1'!F%u\"", 6 + 1 + 0);
	if (!strstr(sheet, want))
		fail_msg("no %s", want);
	free(sheet);
	free_sheet(&bm7);
	free_sheet(&s);
	th_merge_free(m);
}

static void merge_deterministic(void **state)
{
	th_merge *m = build_merge();
	char *a, *b, *core;
	size_t na, nb;
	(void)state;

	write_merge_ok(m, in_dir("a.xlsx"));
	sleep(2); /* zip entries carry a 2-second time: a clock would show */
	write_merge_ok(m, in_dir("b.xlsx"));
	a = slurp(in_dir("a.xlsx"), &na);
	b = slurp(in_dir("b.xlsx"), &nb);
	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na);
	free(a);
	free(b);
	core = part(in_dir("a.xlsx"), "docProps/core.xml");
	assert_non_null(strstr(core, "<dcterms:created xsi:type=\"dcterms:W3CDTF\">2023-01-01T00:00:00Z<"));
	free(core);

	setenv("SOURCE_DATE_EPOCH", "1694476800", 1);
	write_merge_ok(m, in_dir("c.xlsx"));
	core = part(in_dir("c.xlsx"), "docProps/core.xml");
	assert_non_null(strstr(core, "2023-09-12T00:00:00Z"));
	free(core);
	/* not a number of seconds: the fixed time */
	setenv("SOURCE_DATE_EPOCH", "2023-09-12", 1);
	write_merge_ok(m, in_dir("d.xlsx"));
	unsetenv("SOURCE_DATE_EPOCH");
	core = part(in_dir("d.xlsx"), "docProps/core.xml");
	assert_non_null(strstr(core, "2023-01-01T00:00:00Z"));
	free(core);
	th_merge_free(m);
}

/* The template and the feedback are byte-identical from one run to the next too. */
static void same_bytes(const char *p, const char *q)
{
	size_t na, nb;
	char *a = slurp(p, &na), *b = slurp(q, &nb);

	assert_int_equal(na, nb);
	assert_memory_equal(a, b, na);
	free(a);
	free(b);
}

static void returns_deterministic(void **state)
{
	const th_unit *u = th_roster_by_code(roster, "11248");
	th_err e = { 0 };
	th_filing *f;
	(void)state;

	assert_int_equal(th_write_template(schema, NULL, u, Q3, cal, in_dir("t1.xlsx"), &e), 0);
	assert_int_equal(th_write_template(schema, NULL, u, Q3, cal, in_dir("t2.xlsx"), &e), 0);
	same_bytes(in_dir("t1.xlsx"), in_dir("t2.xlsx"));
	assert_int_equal(th_filing_read(&f, "fixtures/returns/seed002-sheets.xlsx", schema, roster, &e), 0);
	th_rules_check(rules, f, cal, Q3, &f->findings);
	assert_int_equal(th_write_feedback(f, &f->findings, cal, in_dir("f1.xlsx"), &e), 0);
	assert_int_equal(th_write_feedback(f, &f->findings, cal, in_dir("f2.xlsx"), &e), 0);
	same_bytes(in_dir("f1.xlsx"), in_dir("f2.xlsx"));
	th_filing_free(f);
}

static void write_failures(void **state)
{
	th_merge *m = build_merge();
	th_err e = { 0 };
	const char *keep = in_dir("keep.xlsx");
	char *before, *after;
	size_t nb, na;
	struct rlimit old, lim;
	(void)state;

	/* a missing directory */
	assert_int_equal(th_write_merge(m, in_dir("missing/x.xlsx"), &e), -1);
	assert_int_equal(e.code, TH_E_WRITE);
	assert_non_null(strstr(e.msg, "không có tệp hay thư mục này"));
	assert_false(exists(in_dir("missing")));

	/* the disk fills up while writing (a file size limit, the signal ignored): the good
	 * file stays as it was and no temporary file is left */
	write_merge_ok(m, keep);
	before = slurp(keep, &nb);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 4096;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	memset(&e, 0, sizeof(e));
	assert_int_equal(th_write_template(schema, NULL, NULL, Q3, cal, keep, &e), -1);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_int_equal(e.code, TH_E_WRITE);
	after = slurp(keep, &na);
	assert_int_equal(na, nb);
	assert_memory_equal(before, after, na);
	assert_int_equal(hidden_files(), 0);
	free(before);
	free(after);

	/* a folder is no file to replace */
	assert_int_equal(mkdir(in_dir("adir"), 0755), 0);
	memset(&e, 0, sizeof(e));
	assert_int_equal(th_write_merge(m, in_dir("adir"), &e), -1);
	assert_int_equal(e.code, TH_E_WRITE);
	assert_non_null(strstr(e.msg, "không phải tệp thông thường"));
	assert_int_equal(hidden_files(), 0);
	th_merge_free(m);
}

/* ---- the template ---- */

static size_t count_rule(const th_findings *fs, const char *rule)
{
	size_t n = 0;
	for (size_t i = 0; i < fs->n; i++)
		n += strcmp(fs->v[i].rule, rule) == 0;
	return n;
}

static void all_rows_blank(const th_filing *f)
{
	for (size_t fi = 0; fi < schema->n_forms; fi++)
		for (size_t r = 0; r < schema->forms[fi].n_rows; r++)
			if (f->values[fi][r].state != TH_VAL_BLANK)
				fail_msg("%s %s: state %d", schema->forms[fi].id, schema->forms[fi].rows[r].code,
					 (int)f->values[fi][r].state);
}

static void template_reads_back(void **state)
{
	const th_unit *u = th_roster_by_code(roster, "11248");
	const char *path = in_dir("mau.xlsx");
	th_err e = { 0 };
	th_filing *f;
	th_xlsx *x;
	(void)state;

	assert_non_null(u);
	assert_int_equal(th_write_template(schema, NULL, u, Q3, cal, path, &e), 0);
	assert_int_equal(th_xlsx_open(&x, path, NULL, &e), 0);
	assert_int_equal(th_xlsx_sheet_count(x), 9);
	assert_string_equal(th_xlsx_sheet_name(x, 0), "Thông tin");
	assert_string_equal(th_xlsx_sheet_name(x, 1), "Biểu mẫu 1");
	assert_string_equal(th_xlsx_sheet_name(x, 8), "Danh mục văn bản");
	th_xlsx_free(x);

	assert_int_equal(th_filing_read(&f, path, schema, roster, &e), 0);
	assert_ptr_equal(f->unit, u);
	assert_int_equal(f->period.kind, TH_P_QUARTER);
	assert_int_equal(f->period.year, 2023);
	assert_int_equal(f->period.n, 3);
	assert_int_equal(f->window_from.y, 2023);
	assert_int_equal(f->window_from.m, 6);
	assert_int_equal(f->window_from.d, 10);
	assert_int_equal(f->window_to.m, 9);
	assert_int_equal(f->window_to.d, 9);
	assert_int_equal(count_rule(&f->findings, "read.row-missing"), 0);
	assert_int_equal(count_rule(&f->findings, "read.form-missing"), 0);
	assert_int_equal(count_rule(&f->findings, "read.header-missing"), 0);
	assert_int_equal(count_rule(&f->findings, "read.label-edited"), 0);
	assert_int_equal(count_rule(&f->findings, "read.unit-edited"), 0);
	assert_int_equal(count_rule(&f->findings, "read.form-twice"), 0);
	/* the one thing left to fill in the identification block: the report's date */
	for (size_t i = 0; i < f->findings.n; i++)
		if (f->findings.v[i].severity >= TH_SEV_WARNING)
			assert_string_equal(f->findings.v[i].rule, "read.report-date-missing");
	all_rows_blank(f);
	assert_true(f->has_register);
	assert_int_equal(f->n_docs, 0);
	th_filing_free(f);
}

static void template_placeholders(void **state)
{
	const char *path = in_dir("mau-trong.xlsx");
	th_err e = { 0 };
	th_filing *f;
	struct rsheet s;
	(void)state;

	assert_int_equal(th_write_template(schema, NULL, NULL, (th_period){ TH_P_NONE, 0, 0 }, NULL, path, &e), 0);
	load_sheet(path, "Thông tin", &s);
	assert_string_equal(at(&s, 1, 0)->text, "UBND xã …………");
	assert_string_equal(at(&s, 2, 0)->text, "Mã đơn vị: …………");
	assert_string_equal(at(&s, 5, 0)->text, "(Số liệu tính từ ngày …/…/…… đến ngày …/…/……)");
	free_sheet(&s);
	assert_int_equal(th_filing_read(&f, path, schema, roster, &e), 0);
	assert_null(f->unit);
	assert_int_equal(f->window_from.y, 0);
	assert_int_equal(count_rule(&f->findings, "read.row-missing"), 0);
	assert_int_equal(count_rule(&f->findings, "read.form-missing"), 0);
	assert_int_equal(count_rule(&f->findings, "read.unit-unknown"), 0);
	all_rows_blank(f);
	th_filing_free(f);
}

/* Form titles that are not valid sheet names: replaced characters, cut to 31, numbered when taken. */
static void sheet_names_sanitised(void **state)
{
	const char *ini = in_dir("odd.ini"), *path = in_dir("odd.xlsx");
	static const char *const want[] = { "Thông tin", "Biểu mẫu_ _1__2__", "Một tiêu đề rất dài vượt quá ba",
					    "Biểu mẫu_ _1__2__ (2)", "_Trích_" };
	FILE *out = fopen(ini, "w");
	th_schema *s;
	th_xlsx *x;
	th_err e = { 0 };
	(void)state;

	assert_non_null(out);
	fputs("[schema]\nid = odd\nforms = A1 B2 C3 D4\n"
	      "[A1]\ntitle = \"Biểu mẫu: [1]/2*?\"\nname = a\n1 = \"count | sum | | x\"\n"
	      "[B2]\ntitle = \"Một tiêu đề rất dài vượt quá ba mươi mốt ký tự\"\nname = b\n1 = \"count | sum | | x\"\n"
	      "[C3]\ntitle = \"Biểu mẫu: [1]/2*?\"\nname = c\n1 = \"count | sum | | x\"\n"
	      "[D4]\ntitle = \"'Trích'\"\nname = d\n1 = \"count | sum | | x\"\n", out);
	fclose(out);
	if (th_schema_load(&s, ini, &e))
		fail_msg("%s", e.msg);
	assert_int_equal(th_write_template(s, NULL, NULL, Q3, NULL, path, &e), 0);
	assert_int_equal(th_xlsx_open(&x, path, NULL, &e), 0);
	/* no register in this schema: no register sheet */
	assert_int_equal(th_xlsx_sheet_count(x), sizeof(want) / sizeof(want[0]));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_string_equal(th_xlsx_sheet_name(x, i), want[i]);
	th_xlsx_free(x);
	th_schema_free(s);
}

/* ---- the feedback ---- */

/* Every cell of every sheet of the original is in the feedback, with the same value. */
static void same_as_original(const char *orig, const char *fb)
{
	th_xlsx *a, *b;
	th_err e = { 0 };

	assert_int_equal(th_xlsx_open(&a, orig, NULL, &e), 0);
	assert_int_equal(th_xlsx_open(&b, fb, NULL, &e), 0);
	assert_int_equal(th_xlsx_sheet_count(b), th_xlsx_sheet_count(a) + 1);
	for (size_t i = 0; i < th_xlsx_sheet_count(a); i++) {
		struct rsheet x, y;
		memset(&x, 0, sizeof(x));
		memset(&y, 0, sizeof(y));
		assert_string_equal(th_xlsx_sheet_name(b, i), th_xlsx_sheet_name(a, i));
		assert_int_equal(th_xlsx_read_sheet(a, i, collect, &x, &e), 0);
		assert_int_equal(th_xlsx_read_sheet(b, i, collect, &y, &e), 0);
		for (size_t k = 0; k < x.n; k++) {
			const struct rcell *c = &x.v[k], *d = at(&y, c->row, c->col);
			if (!d)
				fail_msg("sheet %zu cell %u,%u lost", i, c->row, c->col);
			assert_int_equal(d->type, c->type);
			assert_string_equal(d->text, c->text);
			assert_string_equal(d->fml, c->fml);
			assert_true(d->num == c->num || (c->num != c->num && d->num != d->num));
		}
		free_sheet(&x);
		free_sheet(&y);
	}
	th_xlsx_free(a);
	th_xlsx_free(b);
}

static void feedback_seed002(void **state)
{
	const char *path = in_dir("traloi.xlsx");
	const char *orig = "fixtures/returns/seed002-sheets.xlsx";
	th_err e = { 0 };
	th_filing *f, *g;
	th_feedback_info how;
	struct rsheet s;
	size_t listed = 0, errors = 0, want = 0;
	bool r8 = false, r21 = false;
	(void)state;

	assert_int_equal(th_filing_read(&f, orig, schema, roster, &e), 0);
	th_rules_check(rules, f, cal, Q3, &f->findings);
	for (size_t i = 0; i < f->findings.n; i++)
		want += f->findings.v[i].severity >= TH_SEV_WARNING;
	assert_int_equal(th_write_feedback_info(f, &f->findings, cal, path, &how, &e), 0);
	assert_false(how.rewritten);
	same_as_original(orig, path);

	/* Biểu | Mã dòng | Trang tính | Ô | Quy tắc | Mức | ... */
	load_sheet(path, "Lỗi", &s);
	for (size_t i = 0; i < s.n; i++) {
		const struct rcell *c = &s.v[i];
		if (c->row == 0 || c->col != 5)
			continue;
		listed++;
		if (strcmp(c->text, "Lỗi") == 0) {
			const char *rule = at(&s, c->row, 4)->text;
			errors++;
			r8 = r8 || strcmp(rule, "R8") == 0;
			r21 = r21 || strcmp(rule, "R21") == 0;
			/* the commune's own sheet and cell */
			assert_non_null(strstr(at(&s, c->row, 2)->text, "Biểu mẫu "));
			assert_string_equal(at(&s, c->row, 3)->text, strcmp(rule, "R8") == 0 ? "D10" : "D31");
		}
	}
	assert_int_equal(listed, want);
	assert_int_equal(errors, 2);
	assert_true(r8 && r21);
	free_sheet(&s);

	/* the feedback is the commune's return: the same values, and nothing new to warn about */
	assert_int_equal(th_filing_read(&g, path, schema, roster, &e), 0);
	assert_ptr_equal(g->unit, f->unit);
	assert_memory_equal(&g->period, &f->period, sizeof(th_period));
	assert_int_equal(th_date_cmp(g->window_from, f->window_from), 0);
	assert_int_equal(th_date_cmp(g->window_to, f->window_to), 0);
	assert_int_equal(th_date_cmp(g->report_date, f->report_date), 0);
	/* reading it finds what reading the original found, at the same places */
	{
		size_t reads = 0;
		for (size_t i = 0; i < f->findings.n; i++)
			reads += strncmp(f->findings.v[i].rule, "read.", 5) == 0;
		assert_int_equal(g->findings.n, reads);
		for (size_t i = 0; i < g->findings.n; i++) {
			bool same = false;
			for (size_t k = 0; k < f->findings.n && !same; k++)
				same = strcmp(f->findings.v[k].rule, g->findings.v[i].rule) == 0 &&
				       strcmp(f->findings.v[k].sheet, g->findings.v[i].sheet) == 0 &&
				       strcmp(f->findings.v[k].cell, g->findings.v[i].cell) == 0;
			if (!same)
				fail_msg("read back: %s %s!%s", g->findings.v[i].rule, g->findings.v[i].sheet, g->findings.v[i].cell);
		}
	}
	for (size_t fi = 0; fi < schema->n_forms; fi++)
		for (size_t r = 0; r < schema->forms[fi].n_rows; r++) {
			const th_value *a = &f->values[fi][r], *b = &g->values[fi][r];
			const char *id = schema->forms[fi].id, *code = schema->forms[fi].rows[r].code;
			if (a->state != b->state)
				fail_msg("%s %s: state %d, read back %d", id, code, (int)a->state, (int)b->state);
			if (a->state == TH_VAL_NUMBER && a->num != b->num)
				fail_msg("%s %s: %.17g, read back %.17g", id, code, a->num, b->num);
			if (strcmp(a->written, b->written) || a->row != b->row || a->col != b->col || a->sheet != b->sheet)
				fail_msg("%s %s: '%s' at %d!%u,%u, read back '%s' at %d!%u,%u", id, code, a->written,
					 a->sheet, a->row, a->col, b->written, b->sheet, b->row, b->col);
		}
	assert_int_equal(g->n_docs, f->n_docs);
	for (size_t i = 0; i < f->n_docs; i++) {
		assert_string_equal(g->docs[i].number, f->docs[i].number);
		assert_int_equal(th_date_cmp(g->docs[i].date, f->docs[i].date), 0);
	}
	th_filing_free(g);
	th_filing_free(f);
}

/* A return that is no .xlsx gets the return written anew, saying why on its Lỗi sheet. */
static void feedback_fallback(void **state)
{
	const char *src = in_dir("bao-cao.xls"), *path = in_dir("traloi2.xlsx");
	th_err e = { 0 };
	th_filing *f, *g;
	th_feedback_info how;
	struct rsheet s;
	FILE *out = fopen(src, "wb");
	(void)state;

	assert_non_null(out);
	fputs("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 not really an xls", out);
	fclose(out);
	f = th_filing_new(src, schema);
	assert_int_equal(th_filing_set(f, "BM7", "6.7.1", TH_VAL_NUMBER, 922, 0), 0);
	th_rules_check(rules, f, cal, Q3, &f->findings);
	assert_int_equal(th_write_feedback_info(f, &f->findings, cal, path, &how, &e), 0);
	assert_true(how.rewritten);
	assert_non_null(strstr(how.note, "được viết lại theo biểu mẫu vì tệp gốc không phải .xlsx"));
	load_sheet(path, "Lỗi", &s);
	assert_string_equal(at(&s, 0, 0)->text, how.note);
	assert_string_equal(at(&s, 1, 0)->text, "Biểu");
	free_sheet(&s);
	/* still a return, with the value given */
	assert_int_equal(th_filing_read(&g, path, schema, roster, &e), 0);
	assert_true(th_filing_value(g, "BM7", "6.7.1")->num == 922);
	th_filing_free(g);
	th_filing_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(merge_sheets),
		cmocka_unit_test(merge_totals),
		cmocka_unit_test(merge_upward_roundtrip),
		cmocka_unit_test(upward_join_split),
		cmocka_unit_test(merge_errors),
		cmocka_unit_test(merge_deterministic),
		cmocka_unit_test(returns_deterministic),
		cmocka_unit_test(write_failures),
		cmocka_unit_test(template_reads_back),
		cmocka_unit_test(template_placeholders),
		cmocka_unit_test(sheet_names_sanitised),
		cmocka_unit_test(feedback_seed002),
		cmocka_unit_test(feedback_fallback),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
