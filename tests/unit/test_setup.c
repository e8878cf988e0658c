/*
 * Unit tests for choosing the configuration by period (check/setup.h): the shipped roster
 * and calendar for 2023 and for 2026, the boundary of 1/7/2025, a file named explicitly that
 * does not hold, a newer schema added beside the shipped one, two schemas from the same day,
 * and a return read with the files of its own period.
 * SPDX-License-Identifier: MIT
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "check/setup.h"
#include "model/validity.h"
#include "write/xlsx_writer.h"

static char dir[] = "/tmp/th_setup_XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static bool ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);
	return a >= b && strcmp(s + a - b, tail) == 0;
}

static th_period period(const char *s)
{
	th_period p;
	assert_int_equal(th_period_parse(s, &p), 0);
	return p;
}

static const th_period none = { TH_P_NONE, 0, 0 };
static const th_date noday = { 0, 0, 0 };

static th_setup *shipped(const char *folder, bool rules)
{
	th_setup *s;
	th_setup_opts o;

	memset(&o, 0, sizeof(o));
	o.folder = folder;
	o.load_rules = rules;
	th_setup_new(&s, &o);
	return s;
}

/* The roster and calendar the shipped schema lists, for each side of 1/7/2025. */
static void pick_by_period(void **state)
{
	static const struct { const char *p, *roster, *calendar; } cases[] = {
		{ "2023-Q3", "roster-thanhmien.ini", "calendar-haiduong.ini" },
		{ "2025-Q2", "roster-thanhmien.ini", "calendar-haiduong.ini" },
		{ "2025-H1", "roster-thanhmien.ini", "calendar-haiduong.ini" },
		{ "2025-M06", "roster-thanhmien.ini", "calendar-haiduong.ini" },
		{ "2025-M07", "roster-haiphong.ini", "calendar-national.ini" },
		{ "2025-Q3", "roster-haiphong.ini", "calendar-national.ini" },
		{ "2025", "roster-haiphong.ini", "calendar-national.ini" }, /* reported by the new units */
		{ "2026-Q1", "roster-haiphong.ini", "calendar-national.ini" },
	};
	th_setup *s = shipped("schemas", true);
	th_pick p, q;
	th_err e = { 0 };

	(void)state;
	memset(&p, 0, sizeof(p));
	memset(&q, 0, sizeof(q));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(th_setup_pick(s, period(cases[i].p), noday, &p, &e), 0);
		assert_true(ends_with(p.schema->path, "schemas/cchc-haiduong-2023.ini"));
		assert_true(ends_with(p.roster->path, cases[i].roster));
		assert_true(ends_with(p.calendar->path, cases[i].calendar));
		assert_true(ends_with(p.rules_path, "rules/cchc-haiduong-2023.ini"));
		assert_non_null(p.rules);
		assert_non_null(strstr(p.why[TH_PICK_ROSTER], "tệp đầu tiên có hiệu lực cho"));
	}
	/* loaded once: the same objects for another period of the same side */
	assert_int_equal(th_setup_pick(s, period("2026-Q2"), noday, &q, &e), 0);
	assert_ptr_equal(p.roster, q.roster);
	assert_ptr_equal(p.rules, q.rules);
	/* no period: the files that hold furthest, today's */
	assert_int_equal(th_setup_pick(s, none, noday, &q, &e), 0);
	assert_ptr_equal(p.roster, q.roster);
	assert_ptr_equal(p.calendar, q.calendar);
	assert_non_null(strstr(q.why[TH_PICK_ROSTER], "chưa biết kỳ"));
	/* a day alone (a return that writes only its window) */
	assert_int_equal(th_setup_pick(s, none, (th_date){ 2023, 9, 9 }, &q, &e), 0);
	assert_true(ends_with(q.roster->path, "roster-thanhmien.ini"));
	/* no schema holds in 2019 */
	assert_int_equal(th_setup_pick(s, period("2019-Q3"), noday, &q, &e), -1);
	assert_int_equal(e.code, TH_E_CONFIG);
	assert_non_null(strstr(e.msg, "không có biểu mẫu nào có hiệu lực cho quý III năm 2019 (kỳ kết thúc ngày "
				      "30/09/2019)"));
	assert_non_null(strstr(e.msg, "cchc-haiduong-2023.ini (từ 01/01/2023)"));
	assert_null(q.schema);
	th_pick_release(&p);
	th_pick_release(&q);
	th_setup_free(s);
}

/* A file named explicitly is used as it is, and refused for a period it does not cover. */
static void named_files(void **state)
{
	th_setup *s;
	th_setup_opts o;
	th_pick p;
	th_err e = { 0 };

	(void)state;
	memset(&o, 0, sizeof(o));
	memset(&p, 0, sizeof(p));
	o.folder = "schemas";
	o.roster = "schemas/roster-thanhmien.ini";
	o.roster_how = "$TONGHOP_ROSTER";
	o.calendar = "schemas/calendar-national.ini";
	th_setup_new(&s, &o);
	assert_int_equal(th_setup_pick(s, period("2026-Q1"), noday, &p, &e), -1);
	assert_string_equal(e.msg, "schemas/roster-thanhmien.ini: danh sách đơn vị này có hiệu lực từ 01/12/2019 "
				   "đến 30/06/2025, không dùng được cho quý I năm 2026 (kỳ kết thúc ngày 31/03/2026) — "
				   "tệp được chỉ ra bằng $TONGHOP_ROSTER");
	assert_int_equal(th_setup_pick(s, period("2023-Q3"), noday, &p, &e), 0);
	assert_string_equal(p.why[TH_PICK_ROSTER], "chỉ ra bằng $TONGHOP_ROSTER");
	assert_string_equal(p.why[TH_PICK_CALENDAR], "chỉ ra bằng --calendar");
	assert_true(ends_with(p.calendar->path, "calendar-national.ini")); /* not the schema's first */
	assert_null(p.rules); /* not asked for */
	th_pick_release(&p);
	th_setup_free(s);

	memset(&o, 0, sizeof(o));
	o.folder = "schemas";
	o.calendar = "schemas/calendar-haiduong.ini";
	th_setup_new(&s, &o);
	assert_int_equal(th_setup_pick(s, period("2025-Q3"), noday, &p, &e), -1);
	assert_non_null(strstr(e.msg, "calendar-haiduong.ini: lịch báo cáo này có hiệu lực từ 01/01/2023 đến 30/06/2025"));
	th_setup_free(s);
}

/* Copy src to dst with the line starting with from replaced by to (NULL: as it is). */
static void copy_with(const char *src, const char *dst, const char *from, const char *to)
{
	FILE *in = fopen(src, "r"), *out = fopen(dst, "w");
	char line[2048];
	bool done = !from;

	assert_non_null(in);
	assert_non_null(out);
	while (fgets(line, sizeof(line), in)) {
		if (from && strncmp(line, from, strlen(from)) == 0) {
			fputs(to, out);
			done = true;
		} else {
			fputs(line, out);
		}
	}
	fclose(in);
	fclose(out);
	assert_true(done);
}

/* A province adds a newer schema beside the shipped one: the newer wins for its periods. */
static void newer_schema_added(void **state)
{
	static const char *const files[] = { "roster-thanhmien.ini", "roster-haiphong.ini", "roster-national.ini",
					     "calendar-haiduong.ini", "calendar-national.ini" };
	char folder[300], a[400], b[400];
	th_setup *s;
	th_pick p;
	th_err e = { 0 };

	(void)state;
	memset(&p, 0, sizeof(p));
	snprintf(folder, sizeof(folder), "%s/schemas", dir);
	assert_int_equal(mkdir(folder, 0777), 0);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(a, sizeof(a), "schemas/%s", files[i]);
		snprintf(b, sizeof(b), "%s/%s", folder, files[i]);
		copy_with(a, b, NULL, NULL);
	}
	snprintf(b, sizeof(b), "%s/cchc-haiduong-2023.ini", folder);
	copy_with("schemas/cchc-haiduong-2023.ini", b, NULL, NULL);
	snprintf(b, sizeof(b), "%s/cchc-2026.ini", folder);
	copy_with("schemas/cchc-haiduong-2023.ini", b, "valid_from", "valid_from = 2026-01-01\n");
	s = shipped(folder, false);
	assert_int_equal(th_setup_pick(s, period("2026-Q1"), noday, &p, &e), 0);
	assert_true(ends_with(p.schema->path, "/cchc-2026.ini"));
	assert_non_null(strstr(p.why[TH_PICK_SCHEMA], "2 biểu mẫu trong"));
	assert_non_null(strstr(p.why[TH_PICK_SCHEMA], "biểu mẫu mới nhất có hiệu lực cho quý I năm 2026"));
	assert_non_null(strstr(p.why[TH_PICK_SCHEMA], "không dùng cchc-haiduong-2023.ini (hiệu lực từ 01/01/2023)"));
	/* its rosters are its own (beside it) */
	assert_true(ends_with(p.roster->path, "schemas/roster-haiphong.ini"));
	assert_non_null(strstr(p.roster->path, dir));
	assert_int_equal(th_setup_pick(s, period("2025-Q4"), noday, &p, &e), 0);
	assert_true(ends_with(p.schema->path, "/cchc-haiduong-2023.ini"));
	assert_int_equal(th_setup_pick(s, none, noday, &p, &e), 0);
	assert_true(ends_with(p.schema->path, "/cchc-2026.ini"));
	th_pick_release(&p);
	th_setup_free(s);
	/* two schemas from the same day: which one is meant cannot be told */
	snprintf(b, sizeof(b), "%s/cchc-2026-ban-sao.ini", folder);
	copy_with("schemas/cchc-haiduong-2023.ini", b, "valid_from", "valid_from = 2026-01-01\n");
	s = shipped(folder, false);
	assert_int_equal(th_setup_pick(s, period("2026-Q1"), noday, &p, &e), -1);
	assert_non_null(strstr(e.msg, "cùng có hiệu lực cho quý I năm 2026"));
	assert_non_null(strstr(e.msg, "cchc-2026-ban-sao.ini"));
	assert_non_null(strstr(e.msg, "cchc-2026.ini"));
	assert_non_null(strstr(e.msg, "cùng từ ngày 01/01/2026"));
	th_setup_free(s);
}

/* A return is read with the roster of its own period, whatever was guessed first. */
static void read_with_own_period(void **state)
{
	th_setup *s = shipped("schemas", false);
	th_pick cur, tmp;
	th_filing *f;
	th_err e = { 0 };
	char path[400];
	const th_unit *u;

	(void)state;
	memset(&cur, 0, sizeof(cur));
	memset(&tmp, 0, sizeof(tmp));
	/* a 2023 return, read first with today's roster (Hải Phòng) */
	assert_int_equal(th_setup_pick(s, none, noday, &cur, &e), 0);
	assert_true(ends_with(cur.roster->path, "roster-haiphong.ini"));
	assert_int_equal(th_setup_read(s, &cur, "fixtures/demo/11242-thanhtung.xlsx", &f, &e), 0);
	assert_true(ends_with(cur.roster->path, "roster-thanhmien.ini"));
	assert_non_null(f->unit);
	assert_string_equal(f->unit->name, "Xã Thanh Tùng");
	th_filing_free(f);
	/* a 2026 return of the same code, read after it */
	assert_int_equal(th_setup_pick(s, period("2026-Q1"), noday, &tmp, &e), 0);
	u = th_roster_by_code(tmp.roster, "11242");
	assert_non_null(u);
	snprintf(path, sizeof(path), "%s/11242-2026.xlsx", dir);
	assert_int_equal(th_write_template(tmp.schema, NULL, u, period("2026-Q1"), tmp.calendar, path, &e), 0);
	assert_int_equal(th_setup_read(s, &cur, path, &f, &e), 0);
	assert_true(ends_with(cur.roster->path, "roster-haiphong.ini"));
	assert_true(ends_with(cur.calendar->path, "calendar-national.ini"));
	assert_non_null(f->unit);
	assert_string_equal(f->unit->name, "Xã Nguyễn Lương Bằng");
	assert_int_equal(th_setup_day(f).y, 2026);
	th_filing_free(f);
	/* a return of a period no schema covers: a configuration failure, cur unchanged */
	snprintf(path, sizeof(path), "%s/2019.xlsx", dir);
	assert_int_equal(th_write_template(tmp.schema, NULL, NULL, period("2019-Q3"), tmp.calendar, path, &e), 0);
	assert_int_equal(th_setup_read(s, &cur, path, &f, &e), -1);
	assert_int_equal(e.code, TH_E_CONFIG);
	assert_null(f);
	assert_true(ends_with(cur.roster->path, "roster-haiphong.ini"));
	th_pick_release(&tmp);
	th_pick_release(&cur);
	th_setup_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pick_by_period),
		cmocka_unit_test(named_files),
		cmocka_unit_test(newer_schema_added),
		cmocka_unit_test(read_with_own_period),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
