/*
 * Unit tests for the rule language and its evaluation: parse errors with their line and
 * caret, comparisons at the written precision, ratios over zero, missing values, domains,
 * header and register checks, lint; and the shipped ruleset replayed over
 * tests/rules/cases.tsv (for each rule a return that breaks it and one that does not),
 * the returns built in memory from the seed 002 values of its fixture's expectation file.
 * Run from the project root.
 * SPDX-License-Identifier: MIT
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "model/calendar.h"
#include "model/filing.h"
#include "check/check_file.h"
#include "check/rules.h"
#include "model/schema.h"

static th_schema *schema;
static char dir[] = "/tmp/th_rules_XXXXXX";

static int setup(void **state)
{
	th_err e = { 0 };
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	return th_schema_load(&schema, "schemas/cchc-haiduong-2023.ini", &e);
}

static int teardown(void **state)
{
	char cmd[300];
	(void)state;
	th_schema_free(schema);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *put(const char *text)
{
	static char path[256];
	static int k;
	FILE *f;

	snprintf(path, sizeof(path), "%s/r%d.ini", dir, k++);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path;
}

/* A return holding seed 002's appendix values, from the generator's expectation file. */
static th_filing *seed_filing(void)
{
	th_filing *f = th_filing_new("seed", schema);
	FILE *in = fopen("fixtures/returns/seed002-sheets.expect.tsv", "r");
	char line[512];

	assert_non_null(in);
	while (fgets(line, sizeof(line), in)) {
		char form[16], code[32], val[64];
		if (sscanf(line, "value\t%15s\t%31s\t%63s", form, code, val) != 3)
			continue;
		if (strcmp(val, "blank") == 0) {
			th_filing_set(f, form, code, TH_VAL_BLANK, 0, -1);
		} else {
			const char *dot = strchr(val, '.');
			th_filing_set(f, form, code, TH_VAL_NUMBER, strtod(val, NULL), dot ? (int)strlen(dot + 1) : 0);
		}
	}
	fclose(in);
	/* as written in the seed: 67,1 with one decimal */
	th_filing_set(f, "BM6", "1", TH_VAL_NUMBER, 67.1, 1);
	return f;
}

static size_t count_rule(const th_findings *fs, const char *rule, th_severity at_least)
{
	size_t n = 0;
	for (size_t i = 0; i < fs->n; i++)
		n += strcmp(fs->v[i].rule, rule) == 0 && fs->v[i].severity >= at_least;
	return n;
}

static const th_finding *find_rule(const th_findings *fs, const char *rule)
{
	for (size_t i = 0; i < fs->n; i++)
		if (strcmp(fs->v[i].rule, rule) == 0)
			return &fs->v[i];
	return NULL;
}

/* ---- loading ---- */

static void load_fails(const char *text, const char *want_msg, const char *want_detail)
{
	th_ruleset *rs;
	th_err e = { 0 };

	assert_int_equal(th_rules_load(&rs, put(text), schema, &e), -1);
	assert_null(rs);
	assert_int_equal(e.code, TH_E_CONFIG);
	if (!strstr(e.msg, want_msg))
		fail_msg("message '%s' lacks '%s'", e.msg, want_msg);
	if (want_detail && strcmp(e.detail, want_detail) != 0)
		fail_msg("detail '%s' is not '%s'", e.detail, want_detail);
}

static void parse_errors(void **state)
{
	(void)state;
	load_fails("[A]\ncheck = [BM7:6.7] = ratio([BM7:6.7.2], [BM7:9.9])\nmessage = x\n",
		   ":2: quy tắc [A], 'check': BM7 không có dòng mã 9.9",
		   ">>> [BM7:6.7] = ratio([BM7:6.7.2], [BM7:9.9])\n                                        ^");
	load_fails("[A]\ncheck = [BM9:1] = 1\nmessage = x\n", "không có biểu 'BM9'", ">>> [BM9:1] = 1\n     ^");
	load_fails("[A]\ncheck = [BM1:1] 1\nmessage = x\n", "cần một phép so sánh", NULL);
	load_fails("[A]\ncheck = [BM1:1] = foo(1)\nmessage = x\n", "không có hàm 'foo'", NULL);
	load_fails("[A]\ncheck = [BM1:1] = [BM6:2.4.*]\nmessage = x\n", "chỉ dùng trong sum", NULL);
	load_fails("[A]\ncheck = [BM1:1] = (1 + 2\nmessage = x\n", "thiếu dấu ')'", NULL);
	load_fails("[A]\ncheck = [BM1:1] = 1 1\nmessage = x\n", "thừa ký tự", NULL);
	load_fails("[A]\ncheck = [BM1:1] = 1\n", "thiếu 'message'", NULL);
	load_fails("[A]\nmessage = x\n", ":1: quy tắc [A] thiếu 'check'", NULL);
	load_fails("[A]\ncheck = [BM1:1] = 1\nmessage = x\nseverity = fatal\n", ":4: mức 'fatal'", NULL);
	load_fails("[A]\ncheck = [BM1:1] = 1\nmessage = x\nsevrity = error\n", ":4: khoá 'sevrity' không có", NULL);
	load_fails("[A]\ncheck = [BM1:1] = 1\nmessage = x\nmissing = maybe\n", "'missing = maybe'", NULL);
	load_fails("[A]\ncheck = header(windows)\nmessage = x\n", "header(...) nhận", NULL);
	load_fails("[A]\ncheck = register(count)\nmessage = x\n", "register(count, [BIỂU:MÃ])", NULL);
	load_fails("[A]\ncheck = [BM1:1] = 1\nwhen = [BM1:2.1] >\nmessage = x\n", ":3: quy tắc [A], 'when'", NULL);
	load_fails("[A]\ncheck = domain(BM7) > 0\nmessage = x\n", ":2: quy tắc [A], 'check'", NULL);
	load_fails("; chỉ có ghi chú\n", "không có quy tắc nào", NULL);
	{
		th_ruleset *rs;
		th_err e = { 0 };
		assert_int_equal(th_rules_load(&rs, "/tmp", schema, &e), -1);
		assert_int_equal(e.code, TH_E_CONFIG);
		assert_non_null(strstr(e.msg, "không phải tệp cấu hình"));
	}
	load_fails("[A]\ncheck = domain(*) x\nmessage = x\n", ":2: quy tắc [A], 'check'", NULL);
}

/* ---- comparisons ---- */

static th_findings run(const char *rules, th_filing *f, const th_calendar *cal, th_period want)
{
	th_ruleset *rs;
	th_err e = { 0 };
	th_findings out = TH_FINDINGS_INIT;

	if (th_rules_load(&rs, put(rules), schema, &e))
		fail_msg("rules do not load: %s", e.msg);
	th_rules_check(rs, f, cal, want, &out);
	th_rules_free(rs);
	return out;
}

static const th_period no_period = { TH_P_NONE, 0, 0 };

static void precision_as_written(void **state)
{
	th_filing *f = seed_filing();
	th_findings out;
	const th_finding *x;

	(void)state;
	out = run("[E1]\ncheck = [BM7:6.7] = ratio([BM7:6.7.2], [BM7:6.7.1])\nmessage = \"ghi {written}, đúng {expected}, lệch {diff}\"\n"
		  "[R13]\ncheck = [BM6:1] = ratio([BM6:1.2], [BM6:1.1])\nmessage = x\n",
		  f, NULL, no_period);
	/* 98.17 against 905/922 = 98.156: fails at 2 decimals */
	x = find_rule(&out, "E1");
	assert_non_null(x);
	assert_string_equal(x->written, "98,17");
	assert_string_equal(x->expected, "98,16");
	assert_string_equal(x->message, "ghi 98,17, đúng 98,16, lệch 0,01");
	assert_string_equal(x->form, "BM7");
	assert_string_equal(x->code, "6.7");
	assert_int_equal(x->severity, TH_SEV_ERROR);
	/* 67,1 against 2014/3000 = 67.13: passes at 1 decimal */
	assert_null(find_rule(&out, "R13"));
	th_findings_release(&out);
	/* written with 2 decimals, 67.10 no longer passes */
	th_filing_set(f, "BM6", "1", TH_VAL_NUMBER, 67.1, 2);
	out = run("[R13]\ncheck = [BM6:1] = ratio([BM6:1.2], [BM6:1.1])\nmessage = x\n", f, NULL, no_period);
	assert_int_equal(count_rule(&out, "R13", TH_SEV_ERROR), 1);
	th_findings_release(&out);
	/* an explicit tolerance wins */
	out = run("[R13]\ncheck = [BM6:1] = ratio([BM6:1.2], [BM6:1.1])\ntolerance = 0.05\nmessage = x\n", f, NULL, no_period);
	assert_null(find_rule(&out, "R13"));
	th_findings_release(&out);
	th_filing_free(f);
}

static void inequalities_and_sums(void **state)
{
	th_filing *f = seed_filing();
	th_findings out;
	const th_finding *x;

	(void)state;
	out = run("[E4]\ncheck = [BM3:1.4] >= [BM3:1.4.3]\nseverity = error\nmessage = \"{written} < {right}\"\n"
		  "[R12]\ncheck = [BM4:2.2] <= [BM4:2.1]\nmessage = x\n"
		  "[S]\ncheck = [BM6:2.4] = sum([BM6:2.4.*])\nmessage = x\n",
		  f, NULL, no_period);
	x = find_rule(&out, "E4");
	assert_non_null(x);
	assert_string_equal(x->written, "139");
	assert_string_equal(x->expected, "≥ 157");
	assert_string_equal(x->message, "139 < 157");
	assert_null(find_rule(&out, "R12"));
	assert_null(find_rule(&out, "S")); /* all children blank: the rule does not apply */
	th_findings_release(&out);
	th_filing_set(f, "BM6", "2.4", TH_VAL_NUMBER, 5, 0);
	th_filing_set(f, "BM6", "2.4.1", TH_VAL_NUMBER, 2, 0);
	th_filing_set(f, "BM6", "2.4.3", TH_VAL_NUMBER, 2, 0);
	out = run("[S]\ncheck = [BM6:2.4] = sum([BM6:2.4.*])\nmessage = x\n", f, NULL, no_period);
	x = find_rule(&out, "S");
	assert_non_null(x); /* 5 != 2 + (blank = 0) + 2 */
	assert_string_equal(x->expected, "4");
	th_findings_release(&out);
	th_filing_set(f, "BM6", "2.4.2", TH_VAL_NUMBER, 1, 0);
	out = run("[S]\ncheck = [BM6:2.4] = sum([BM6:2.4.*])\nmessage = x\n", f, NULL, no_period);
	assert_null(find_rule(&out, "S"));
	th_findings_release(&out);
	th_filing_free(f);
}

static void zero_denominator_and_missing(void **state)
{
	th_filing *f = seed_filing();
	th_findings out;

	(void)state;
	/* BM3 3.4 = 0 over 3.4.1 = 0: noted, not an error */
	out = run("[R11]\ncheck = [BM3:3.4] = ratio([BM3:3.4.2], [BM3:3.4.1])\nmessage = x\n", f, NULL, no_period);
	assert_int_equal(count_rule(&out, "R11", TH_SEV_WARNING), 0);
	assert_int_equal(count_rule(&out, "R11", TH_SEV_INFO), 1);
	th_findings_release(&out);
	/* a ratio written over a zero denominator is an error */
	th_filing_set(f, "BM3", "3.4", TH_VAL_NUMBER, 50, 0);
	out = run("[R11]\ncheck = [BM3:3.4] = ratio([BM3:3.4.2], [BM3:3.4.1])\nmessage = x\n", f, NULL, no_period);
	assert_int_equal(count_rule(&out, "R11", TH_SEV_ERROR), 1);
	th_findings_release(&out);
	/* missing = skip (default): blanks make the rule not apply; zero: they count as 0; required: said */
	out = run("[A]\ncheck = [BM1:4.1] >= [BM1:4.2] + [BM1:4.3] + [BM1:4.4]\nmessage = x\n"
		  "[B]\ncheck = [BM1:4.1] >= [BM1:4.2] + [BM1:4.3] + [BM1:4.4]\nmissing = zero\nmessage = x\n"
		  "[C]\ncheck = [BM1:4.1] >= [BM1:4.2] + [BM1:4.3] + [BM1:4.4]\nmissing = required\nseverity = warning\nmessage = x\n",
		  f, NULL, no_period);
	assert_null(find_rule(&out, "A"));
	assert_null(find_rule(&out, "B")); /* 62 >= 62 + 0 + 0 */
	assert_int_equal(count_rule(&out, "C", TH_SEV_WARNING), 1);
	assert_string_equal(find_rule(&out, "C")->code, "4.3");
	th_findings_release(&out);
	th_filing_set(f, "BM1", "4.3", TH_VAL_NUMBER, 1, 0);
	out = run("[B]\ncheck = [BM1:4.1] >= [BM1:4.2] + [BM1:4.3] + [BM1:4.4]\nmissing = zero\nmessage = x\n", f, NULL, no_period);
	assert_int_equal(count_rule(&out, "B", TH_SEV_ERROR), 1);
	th_findings_release(&out);
	/* when: the rule applies only where the condition holds */
	out = run("[W]\ncheck = [BM1:4.1] < 0\nwhen = [BM1:4.1] > 100\nmessage = x\n", f, NULL, no_period);
	assert_null(find_rule(&out, "W"));
	th_findings_release(&out);
	th_filing_free(f);
}

/* Findings of one rule past a cap are counted, not kept; other rules and order stay. */
static void findings_cap(void **state)
{
	th_findings fs = TH_FINDINGS_INIT;
	th_where w = { "BM1", "1", NULL, 0, 0 };

	(void)state;
	for (int i = 0; i < 250; i++) {
		th_findings_add(&fs, TH_SEV_WARNING, "A", &w, NULL, NULL, "a%d", i);
		if (i % 100 == 0)
			th_findings_add(&fs, TH_SEV_INFO, "B", &w, NULL, NULL, "b%d", i);
	}
	assert_int_equal(th_findings_cap(&fs, 100), 150);
	assert_int_equal(fs.n, 100 + 3 + 1);
	assert_string_equal(fs.v[0].message, "a0");
	assert_string_equal(fs.v[1].message, "b0");
	assert_string_equal(fs.v[100].message, "a99");
	assert_string_equal(fs.v[102].message, "b200"); /* B kept whole, in its place */
	assert_string_equal(fs.v[103].rule, "A");
	assert_non_null(strstr(fs.v[103].message, "còn 150 vấn đề 'A'"));
	assert_int_equal(fs.v[103].severity, TH_SEV_WARNING); /* as grave as what it left out */
	assert_int_equal(th_findings_count(&fs, TH_SEV_WARNING), 250); /* and counted in full */
	/* capping again (reading, then the rules) keeps one note with the same count */
	assert_int_equal(th_findings_cap(&fs, 100), 0);
	assert_int_equal(fs.n, 104);
	assert_int_equal(fs.v[103].more, 150);
	assert_non_null(strstr(fs.v[103].message, "còn 150 vấn đề 'A'"));
	th_findings_release(&fs);
}

static void domains(void **state)
{
	th_filing *f = seed_filing();
	th_findings out;

	(void)state;
	out = run("[D1]\ncheck = domain(*)\nmessage = \"{code}: {written} ngoài {expected}\"\n", f, NULL, no_period);
	assert_int_equal(out.n, 0); /* the seed is inside every domain */
	th_findings_release(&out);
	th_filing_set(f, "BM7", "6.8", TH_VAL_NUMBER, 120, 0);
	th_filing_set(f, "BM3", "1.2", TH_VAL_NUMBER, 2.5, 1);
	th_filing_set(f, "BM1", "5.2", TH_VAL_NUMBER, 7, 0);
	th_filing_set(f, "BM6", "1.1", TH_VAL_NUMBER, -1, 0);
	out = run("[D1]\ncheck = domain(*)\nmessage = \"{code}: {written} ngoài {expected}\"\n"
		  "[D2]\ncheck = domain(BM7)\nmessage = x\n", f, NULL, no_period);
	assert_int_equal(count_rule(&out, "D1", TH_SEV_ERROR), 4);
	assert_int_equal(count_rule(&out, "D2", TH_SEV_ERROR), 1);
	assert_non_null(strstr(find_rule(&out, "D1")->message, "ngoài một trong: 0 (Trực tuyến), 1 (Phát phiếu), 2 (Kết hợp)"));
	th_findings_release(&out);
	/* `when` holds for every kind of rule, not only comparisons */
	out = run("[D3]\ncheck = domain(BM7)\nwhen = [BM1:1] > 1000\nmessage = x\n"
		  "[D4]\ncheck = domain(BM7)\nwhen = [BM1:1] >= 0\nmessage = x\n", f, NULL, no_period);
	assert_int_equal(count_rule(&out, "D3", TH_SEV_INFO), 0);
	assert_int_equal(count_rule(&out, "D4", TH_SEV_ERROR), 1);
	th_findings_release(&out);
	th_filing_free(f);
}

static void header_and_register(void **state)
{
	th_filing *f = seed_filing();
	th_calendar *cal;
	th_err e = { 0 };
	th_findings out;
	th_period q3 = { TH_P_QUARTER, 2023, 3 }, q2 = { TH_P_QUARTER, 2023, 2 };
	static const struct { const char *num; int y, m, d; } docs[] = {
		{ "241/UBND-VP", 2023, 6, 12 }, { "59/QĐ-UBND", 2023, 8, 3 }, { "332/UBND-VP", 2023, 7, 21 },
		{ "376/UBND-VP", 2023, 7, 19 }, { "59/QĐ-UBND", 2023, 8, 28 }, { "409/KH-UBND", 2023, 8, 25 },
		{ "401/UBND-VP", 0, 0, 0 }, { "430/TB-UBND", 2023, 9, 15 },
	};
	const char *rules =
		"[H1]\ncheck = header(window)\nmessage = x\n[H2]\ncheck = header(deadline)\nseverity = warning\nmessage = x\n"
		"[H3]\ncheck = header(period)\nmessage = x\n"
		"[V1]\ncheck = register(in_window)\nseverity = warning\nmessage = x\n"
		"[V2]\ncheck = register(unique)\ngroups = \"QĐ | CV KH TB BC\"\nmessage = x\n"
		"[V3]\ncheck = register(order)\ngroups = \"QĐ | CV KH TB BC\"\nseverity = warning\nmessage = x\n"
		"[V4]\ncheck = register(count, [BM1:1])\nseverity = warning\nmessage = x\n";

	(void)state;
	assert_int_equal(th_calendar_load(&cal, "schemas/calendar-haiduong.ini", &e), 0);
	f->period = q3;
	f->window_from = (th_date){ 2023, 6, 10 };
	f->window_to = (th_date){ 2023, 9, 9 };
	f->report_date = (th_date){ 2023, 9, 12 };
	out = run(rules, f, cal, q3);
	assert_int_equal(out.n, 0); /* no register: nothing to say */
	th_findings_release(&out);
	f->window_to = (th_date){ 2023, 9, 14 };
	f->report_date = (th_date){ 2023, 9, 13 };
	f->has_register = true;
	f->n_docs = sizeof(docs) / sizeof(docs[0]);
	f->docs = calloc(f->n_docs, sizeof(*f->docs));
	for (size_t i = 0; i < f->n_docs; i++) {
		f->docs[i].number = strdup(docs[i].num);
		f->docs[i].date = (th_date){ docs[i].y, (uint8_t)docs[i].m, (uint8_t)docs[i].d };
		f->docs[i].date_written = strdup("");
		f->docs[i].stt = strdup("");
		f->docs[i].summary = strdup("");
		f->docs[i].row = (uint32_t)i + 1;
		f->docs[i].number_col = 1;
		f->docs[i].date_col = 2;
	}
	out = run(rules, f, cal, q2);
	assert_string_equal(find_rule(&out, "H1")->expected, "10/06/2023 – 09/09/2023");
	assert_string_equal(find_rule(&out, "H2")->written, "13/09/2023");
	assert_string_equal(find_rule(&out, "H2")->expected, "≤ 12/09/2023");
	assert_string_equal(find_rule(&out, "H3")->written, "quý III năm 2023");
	/* the window written (to 14/9) is used: 15/9 is outside, and so is the undated 401 */
	assert_int_equal(count_rule(&out, "V1", TH_SEV_WARNING), 2);
	assert_int_equal(count_rule(&out, "V2", TH_SEV_ERROR), 1);
	assert_non_null(strstr(find_rule(&out, "V2")->written, "59/QĐ-UBND ngày 28/08/2023"));
	assert_int_equal(count_rule(&out, "V3", TH_SEV_WARNING), 1);
	assert_non_null(strstr(find_rule(&out, "V3")->written, "376/UBND-VP ngày 19/07/2023"));
	/* each points at the cell to fix: the number used twice, the date out of order */
	assert_string_equal(find_rule(&out, "V2")->cell, "B6");
	assert_string_equal(find_rule(&out, "V3")->cell, "C5");
	assert_int_equal(count_rule(&out, "V4", TH_SEV_WARNING), 1); /* 25 written, 8 listed */
	assert_string_equal(find_rule(&out, "V4")->expected, "8");
	th_findings_release(&out);
	/* `when` on a register rule: [BM1:1] is 25 in the seed */
	out = run("[V5]\ncheck = register(in_window)\nwhen = [BM1:1] > 100\nmessage = x\n", f, cal, q3);
	assert_int_equal(out.n, 0);
	th_findings_release(&out);
	/* a document number as long and as broken as a cell can hold is kept whole, as valid UTF-8 */
	{
		char *big = malloc(4001);
		memset(big, 'A', 4000);
		big[0] = '\xff'; /* not UTF-8 */
		big[1] = '\x01'; /* a control character */
		memcpy(big + 3990, "/QĐ-UB", 8);
		free(f->docs[7].number);
		f->docs[7].number = big;
		out = run("[V1]\ncheck = register(in_window)\nmessage = \"{written}\"\n", f, cal, q3);
		assert_int_equal(count_rule(&out, "V1", TH_SEV_ERROR), 2);
		for (size_t i = 0; i < out.n; i++)
			if (strstr(out.v[i].written, "/QĐ-UB")) {
				assert_true(strlen(out.v[i].written) > 3990);
				assert_memory_equal(out.v[i].written, "\xef\xbf\xbd AA", 6); /* U+FFFD, space */
				assert_null(strchr(out.v[i].message, '\x01'));
				assert_non_null(strstr(out.v[i].message, "/QĐ-UB"));
			}
		th_findings_release(&out);
	}
	th_calendar_free(cal);
	th_filing_free(f);
}

/* The shipped header and register rules: each fires on a return that breaks it, none on the seed. */
static void shipped_header_register(void **state)
{
	th_ruleset *rs;
	th_calendar *cal;
	th_err e = { 0 };
	th_findings out = TH_FINDINGS_INIT;
	th_filing *f = seed_filing();
	th_period q3 = { TH_P_QUARTER, 2023, 3 }, q4 = { TH_P_QUARTER, 2023, 4 };
	static const char *const nums[] = { "59/QĐ-UBND", "59/QĐ-UBND", "332/UBND-VP", "376/UBND-VP" };
	static const th_date dates[] = { { 2023, 8, 3 }, { 2023, 8, 28 }, { 2023, 7, 21 }, { 2023, 7, 19 } };
	static const char *const ids[] = { "H1", "H2", "H3", "V1", "V2", "V3", "V4" };

	(void)state;
	assert_int_equal(th_rules_load(&rs, "rules/cchc-haiduong-2023.ini", schema, &e), 0);
	assert_int_equal(th_calendar_load(&cal, "schemas/calendar-haiduong.ini", &e), 0);
	f->period = q3;
	f->window_from = (th_date){ 2023, 6, 10 };
	f->window_to = (th_date){ 2023, 9, 9 };
	f->report_date = (th_date){ 2023, 9, 12 };
	f->has_register = true;
	f->n_docs = 4;
	f->docs = calloc(4, sizeof(*f->docs));
	for (size_t i = 0; i < 4; i++) {
		f->docs[i].number = strdup(i == 1 ? "60/QĐ-UBND" : nums[i]);
		f->docs[i].date = dates[i];
		f->docs[i].date_written = strdup("");
		f->docs[i].stt = strdup("");
		f->docs[i].summary = strdup("");
	}
	th_filing_set(f, "BM1", "1", TH_VAL_NUMBER, 4, 0);
	f->docs[3].number[1] = '4'; /* 346 after 332, dated 19/7 < 21/7: still out of order */
	f->docs[3].date = (th_date){ 2023, 7, 25 }; /* now in order */
	th_rules_check(rs, f, cal, q3, &out);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (count_rule(&out, ids[i], TH_SEV_WARNING))
			fail_msg("%s fired on a return that keeps it: %s", ids[i], find_rule(&out, ids[i])->message);
	th_findings_release(&out);
	/* now break each one */
	f->window_from = (th_date){ 2023, 6, 15 };
	f->report_date = (th_date){ 2023, 9, 20 };
	free(f->docs[1].number);
	f->docs[1].number = strdup("59/QĐ-UBND");
	f->docs[3].date = (th_date){ 2023, 7, 19 };
	f->docs[0].date = (th_date){ 2023, 9, 30 };
	th_filing_set(f, "BM1", "1", TH_VAL_NUMBER, 25, 0);
	th_rules_check(rs, f, cal, q4, &out);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (!count_rule(&out, ids[i], TH_SEV_WARNING))
			fail_msg("%s did not fire on a return that breaks it", ids[i]);
	th_findings_release(&out);
	th_rules_free(rs);
	th_calendar_free(cal);
	th_filing_free(f);
}

static void lint(void **state)
{
	th_findings out = TH_FINDINGS_INIT;
	th_err e = { 0 };

	(void)state;
	assert_int_equal(th_rules_lint(put("[A]\ncheck = 1 = 2\nmessage = x\n"
					   "[B]\ncheck = [BM1:1] <= 5\nmessage = x\n"
					   "[C]\ncheck = [BM1:1] >= 10\nmessage = x\n"
					   "[D]\ncheck = [BM1:1] >= 0\nwhen = 1 > 2\nmessage = x\n"),
				       schema, &out, &e), 0);
	assert_int_equal(out.n, 3);
	assert_non_null(strstr(out.v[0].message, "so sánh hai hằng số"));
	assert_non_null(strstr(out.v[1].message, "[B] và [C] đặt giới hạn trái nhau cho dòng BM1 1"));
	assert_non_null(strstr(out.v[2].message, "điều kiện 'when' của [D]"));
	th_findings_release(&out);
	assert_int_equal(th_rules_lint(put("[A]\ncheck = [BM1:1] >= 0\nmessage = x\n"), schema, &out, &e), 0);
	assert_int_equal(out.n, 0);
	assert_int_equal(th_rules_lint(put("[A]\ncheck = [BM1:1] >=\nmessage = x\n"), schema, &out, &e), -1);
	/* a number no figure can reach, placeholders the message cannot fill */
	assert_int_equal(th_rules_lint(put("[A]\ncheck = [BM1:1] = 1e400\nmessage = x\n"), schema, &out, &e), -1);
	assert_non_null(strstr(e.msg, "số quá lớn"));
	assert_int_equal(th_rules_lint(put("[A]\ncheck = [BM1:1] >= 0\n"
					   "message = \"{nope} {BM9:1} {BM1:1} {written} {BM7:6.7.2}\"\n"),
				       schema, &out, &e), 0);
	assert_int_equal(out.n, 2);
	assert_non_null(strstr(out.v[0].message, "{nope} không có"));
	assert_non_null(strstr(out.v[1].message, "{BM9:1} không có"));
	th_findings_release(&out);
}

/* Severities may be written in Vietnamese, in any case and either tone style. */
static void severity_in_vietnamese(void **state)
{
	th_ruleset *rs;
	th_err e = { 0 };

	(void)state;
	assert_int_equal(th_rules_load(&rs, put("[A]\ncheck = [BM1:1] >= 0\nseverity = Lỗi\nmessage = x\n"
						"[B]\ncheck = [BM1:1] >= 0\nseverity = CẢNH BÁO\nmessage = x\n"
						"[C]\ncheck = [BM1:1] >= 0\nseverity = thông tin\nmessage = x\n"
						"[D]\ncheck = [BM1:1] >= 0\nseverity = warning\nmessage = x\n"),
					 schema, &e), 0);
	assert_int_equal(rs->rules[0].severity, TH_SEV_ERROR);
	assert_int_equal(rs->rules[1].severity, TH_SEV_WARNING);
	assert_int_equal(rs->rules[2].severity, TH_SEV_INFO);
	assert_int_equal(rs->rules[3].severity, TH_SEV_WARNING);
	th_rules_free(rs);
	assert_int_equal(th_rules_load(&rs, put("[A]\ncheck = [BM1:1] >= 0\nseverity = nặng\nmessage = x\n"),
					 schema, &e), -1);
	assert_non_null(strstr(e.msg, "mức 'nặng' không có: dùng lỗi, cảnh báo hoặc thông tin"));
}

/* A row defined from itself, directly or through other rules, is a lint error; a chain
 * that does not come back is not. */
static void lint_self_reference(void **state)
{
	th_findings out = TH_FINDINGS_INIT;
	th_err e = { 0 };

	(void)state;
	assert_int_equal(th_rules_lint(put("[A]\ncheck = [BM1:1] = [BM1:1] + [BM1:2.1]\nmessage = x\n"),
				       schema, &out, &e), 0);
	assert_int_equal(out.n, 1);
	assert_int_equal(out.v[0].severity, TH_SEV_ERROR);
	assert_non_null(strstr(out.v[0].message, "quy tắc [A] tính dòng BM1 1 từ chính nó"));
	th_findings_release(&out);
	/* through another rule and a sum of children: 4.1 = 4.2 + ...; 4.2 = 4.1 - 4.3 */
	assert_int_equal(th_rules_lint(put("[P]\ncheck = [BM1:4.1] = [BM1:4.2] + [BM1:4.3]\nmessage = x\n"
					   "[Q]\ncheck = [BM1:4.2] = [BM1:4.1] - [BM1:4.3]\nmessage = x\n"),
				       schema, &out, &e), 0);
	assert_int_equal(out.n, 1);
	assert_non_null(strstr(out.v[0].message, "từ chính nó"));
	th_findings_release(&out);
	assert_int_equal(th_rules_lint(put("[S]\ncheck = [BM1:4] = sum([BM1:4.*])\nmessage = x\n"
					   "[T]\ncheck = [BM1:4.1] = [BM1:2.1] + 1\nmessage = x\n"),
				       schema, &out, &e), 0);
	assert_int_equal(out.n, 0); /* 4 from its children, 4.1 from elsewhere: no cycle */
	/* a child summed into itself: 4.2 = sum(4.*) reads 4.2 */
	assert_int_equal(th_rules_lint(put("[S]\ncheck = [BM1:4.2] = sum([BM1:4.*])\nmessage = x\n"),
				       schema, &out, &e), 0);
	assert_int_equal(out.n, 1);
	th_findings_release(&out);
	assert_int_equal(th_rules_lint(put("[S]\ncheck = [BM1:4] = sum([BM1:4.*])\nmessage = x\n"
					   "[T]\ncheck = [BM1:4.2] = [BM1:4] - [BM1:4.1]\nmessage = x\n"),
				       schema, &out, &e), 0);
	assert_int_equal(out.n, 1);
	th_findings_release(&out);
	/* a chain that ends: 2 = ratio(2.2, 2.1), 2.2 = 2.1 - 1 */
	assert_int_equal(th_rules_lint(put("[R]\ncheck = [BM1:2] = ratio([BM1:2.2], [BM1:2.1])\nmessage = x\n"
					   "[U]\ncheck = [BM1:2.2] = [BM1:2.1] - 1\nmessage = x\n"),
				       schema, &out, &e), 0);
	assert_int_equal(out.n, 0);
}

/* ---- the shipped ruleset over tests/rules/cases.tsv ---- */

static void shipped_ruleset_cases(void **state)
{
	th_ruleset *rs;
	th_err e = { 0 };
	FILE *in;
	char line[1024];
	int n = 0, bad = 0;
	char seen_breaks[256][16], seen_holds[256][16];
	size_t nb = 0, nh = 0;

	(void)state;
	if (th_rules_load(&rs, "rules/cchc-haiduong-2023.ini", schema, &e))
		fail_msg("the shipped ruleset does not load: %s | %s", e.msg, e.detail);
	in = fopen("tests/rules/cases.tsv", "r");
	assert_non_null(in);
	while (fgets(line, sizeof(line), in)) {
		char *rule = line, *kase = NULL, *over = NULL, *expect = NULL, *tok, *save;
		th_filing *f;
		th_findings out = TH_FINDINGS_INIT;
		const th_rule *r = NULL;
		size_t fired;

		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		if (!(kase = strchr(rule, '\t')) || !(over = strchr(kase + 1, '\t')) || !(expect = strchr(over + 1, '\t')))
			fail_msg("bad line in cases.tsv: %s", line);
		*kase++ = '\0';
		*over++ = '\0';
		*expect++ = '\0';
		/* a typo must not turn a case into one that passes whatever happens */
		if ((strcmp(kase, "breaks") != 0 && strcmp(kase, "holds") != 0) ||
		    (strcmp(expect, "fires") != 0 && strcmp(expect, "silent") != 0)) {
			print_error("cases.tsv, rule %s: case '%s' / expect '%s' (breaks|holds, fires|silent)\n",
				    rule, kase, expect);
			bad++;
			continue;
		}
		for (size_t i = 0; i < rs->n_rules; i++)
			if (strcmp(rs->rules[i].id, rule) == 0)
				r = &rs->rules[i];
		if (!r) {
			print_error("cases.tsv names rule %s, which the ruleset lacks\n", rule);
			bad++;
			continue;
		}
		f = seed_filing();
		for (tok = strtok_r(over, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			char form[16], code[32], val[64];
			if (strcmp(tok, "(none)") == 0)
				continue;
			if (sscanf(tok, "%15[^:]:%31[^=]=%63s", form, code, val) != 3)
				fail_msg("bad override '%s'", tok);
			if (strcmp(val, "blank") == 0) {
				assert_int_equal(th_filing_set(f, form, code, TH_VAL_BLANK, 0, -1), 0);
			} else {
				const char *dot = strchr(val, '.');
				assert_int_equal(th_filing_set(f, form, code, TH_VAL_NUMBER, strtod(val, NULL),
							       dot ? (int)strlen(dot + 1) : 0), 0);
			}
		}
		th_rules_check(rs, f, NULL, no_period, &out);
		fired = count_rule(&out, rule, r->severity);
		n++;
		if (strcmp(kase, "breaks") == 0 && nb < 256)
			snprintf(seen_breaks[nb++], 16, "%.15s", rule);
		else if (strcmp(kase, "holds") == 0 && nh < 256)
			snprintf(seen_holds[nh++], 16, "%.15s", rule);
		if ((strcmp(expect, "fires") == 0) != (fired > 0)) {
			print_error("%s %s: expected it to be %s, it %s\n", rule, kase, expect,
				    fired ? "fired" : "was silent");
			bad++;
		}
		th_findings_release(&out);
		th_filing_free(f);
	}
	fclose(in);
	/* every rule on the forms has a return that breaks it and one that does not */
	for (size_t i = 0; i < rs->n_rules; i++) {
		bool b = false, h = false;
		if (rs->rules[i].kind != TH_CK_COMPARE && rs->rules[i].kind != TH_CK_DOMAIN)
			continue;
		for (size_t k = 0; k < nb; k++)
			b |= strcmp(seen_breaks[k], rs->rules[i].id) == 0;
		for (size_t k = 0; k < nh; k++)
			h |= strcmp(seen_holds[k], rs->rules[i].id) == 0;
		if (!b || !h) {
			print_error("rule %s has no '%s' case in cases.tsv\n", rs->rules[i].id, b ? "holds" : "breaks");
			bad++;
		}
	}
	th_rules_free(rs);
	print_message("%d rule cases replayed\n", n);
	assert_true(n >= 20);
	assert_int_equal(bad, 0);
}

/* The code and its computed definition's parts, as "6.7=6.7.2,6.7.1" lines. */
static void computed_text(const th_computed *v, size_t n, char *out, size_t cap)
{
	size_t len = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const th_formdef *fd = &schema->forms[v[i].form];
		len += (size_t)snprintf(out + len, cap - len, "%s:%s%s", fd->id, fd->rows[v[i].row].code,
					v[i].how == TH_AGG_RATIO ? "=ratio(" : v[i].all_parts ? "=all(" : "=any(");
		for (size_t k = 0; k < v[i].n_parts; k++)
			len += (size_t)snprintf(out + len, cap - len, "%s%s", k ? "," : "", fd->rows[v[i].parts[k]].code);
		len += (size_t)snprintf(out + len, cap - len, ") ");
	}
}

/* What a blank return computes comes from the data: the schema's ratios and the rules that
 * define a row as a sum; a rule that is no definition (an inequality, a warning, one that
 * holds only sometimes, one with its own tolerance) and a circle make no formula. */
static void computed_rows(void **state)
{
	th_ruleset *rs = NULL;
	th_computed *v = NULL;
	th_err e = { 0 };
	char text[4096];
	size_t n;

	(void)state;
	n = th_rules_computed(schema, NULL, &v);
	computed_text(v, n, text, sizeof(text));
	assert_string_equal(text, "BM1:2=ratio(2.2,2.1) BM1:3.3=ratio(3.3.2,3.3.1) BM2:2.2=ratio(2.2.2,2.2.1) "
			    "BM2:3.2=ratio(3.2.2,3.2.1) BM3:3.3=ratio(3.3.2,3.3.1) BM3:3.4=ratio(3.4.2,3.4.1) "
			    "BM6:1=ratio(1.2,1.1) BM7:6.4=ratio(6.4.2,6.4.1) BM7:6.5=ratio(6.5.2,6.5.1) "
			    "BM7:6.6=ratio(6.6.2,6.6.1) BM7:6.7=ratio(6.7.2,6.7.1) BM7:6.8=ratio(6.8.2,6.8.1) ");
	th_computed_free(v, n);

	assert_int_equal(th_rules_load(&rs, "rules/cchc-haiduong-2023.ini", schema, &e), 0);
	n = th_rules_computed(schema, rs, &v);
	computed_text(v, n, text, sizeof(text));
	/* R14 (2.4 = sum of its children) and R18 (6.6.1 = 6.4.2 + 6.5.2); not R3 (>=) nor R8 */
	assert_non_null(strstr(text, "BM6:2.4=any(2.4.1,2.4.2,2.4.3) "));
	assert_non_null(strstr(text, "BM7:6.6.1=all(6.4.2,6.5.2) "));
	assert_null(strstr(text, "BM1:4.1="));
	assert_int_equal(n, 14);
	assert_string_equal(v[12].rule, "R14");
	th_computed_free(v, n);
	th_rules_free(rs);

	/* no definitions: a warning, a condition, a tolerance, a constant, another form, a
	 * heading; a circle (a = b + c, b = a + c) gives neither */
	assert_int_equal(th_rules_load(&rs, put(
		"[W]\ncheck = [BM6:2.4] = sum([BM6:2.4.*])\nseverity = warning\nmessage = x\n"
		"[C]\ncheck = [BM6:2.1] = [BM6:2.2] + [BM6:2.3]\nwhen = [BM6:2.2] > 0\nseverity = error\nmessage = x\n"
		"[T]\ncheck = [BM6:2.5] = [BM6:2.2] + [BM6:2.3]\ntolerance = 1\nseverity = error\nmessage = x\n"
		"[K]\ncheck = [BM6:2.6] = [BM6:2.2] + 1\nseverity = error\nmessage = x\n"
		"[F]\ncheck = [BM5:3] = [BM5:2.1] + [BM6:2.2]\nseverity = error\nmessage = x\n"
		"[G]\ncheck = [BM5:4] = sum([BM5:4.*])\nseverity = error\nmessage = x\n"
		"[A]\ncheck = [BM5:4.1] = [BM5:4.2] + [BM5:4.3]\nseverity = error\nmessage = x\n"
		"[B]\ncheck = [BM5:4.2] = [BM5:4.1] + [BM5:4.3]\nseverity = error\nmessage = x\n"
		"[S]\ncheck = [BM5:2.1] = [BM5:2.2] + [BM5:2.3]\nseverity = error\nmessage = x\n"), schema, &e), 0);
	n = th_rules_computed(schema, rs, &v);
	computed_text(v, n, text, sizeof(text));
	assert_int_equal(n, 13);
	assert_string_equal(v[12].rule, "S");
	assert_non_null(strstr(text, "BM5:2.1=all(2.2,2.3) "));
	th_computed_free(v, n);
	th_rules_free(rs);
}

/* Completeness (#11): which rows a return lacks, by the shipped schema's fill classes. */
static void unfilled_rows(void **state)
{
	th_filing *f = th_filing_new("x.xlsx", schema);
	th_findings fs = TH_FINDINGS_INIT;
	size_t bm1 = 0, bm6 = 5;
	const th_formdef *d1 = &schema->forms[bm1], *d6 = &schema->forms[bm6];

	(void)state;
	assert_string_equal(d6->id, "BM6");
	/* a row not found lacks its figure (merge), but check leaves it to read.row-missing */
	assert_true(th_row_unfilled(f, bm1, (size_t)th_form_row(d1, "2.1")));
	assert_int_equal(th_check_complete(f, &fs), 0);
	assert_int_equal(th_filing_set(f, "BM1", "2.1", TH_VAL_BLANK, 0, 0), 0);
	assert_true(th_row_unfilled(f, bm1, (size_t)th_form_row(d1, "2.1")));
	assert_int_equal(th_filing_set(f, "BM1", "2.1", TH_VAL_NUMBER, 0, 0), 0);
	assert_false(th_row_unfilled(f, bm1, (size_t)th_form_row(d1, "2.1")));
	assert_int_equal(th_filing_set(f, "BM1", "2.1", TH_VAL_DASH, 0, 0), 0);
	assert_false(th_row_unfilled(f, bm1, (size_t)th_form_row(d1, "2.1")));
	/* optional (a computed ratio, a district row) and headings never lack */
	assert_false(th_row_unfilled(f, bm1, (size_t)th_form_row(d1, "2")));
	assert_false(th_row_unfilled(f, bm1, (size_t)th_form_row(d1, "3.1")));
	assert_false(th_row_unfilled(f, bm1, (size_t)th_form_row(d1, "3")));
	/* a heading's 0 or "-" answers the rows under it, another figure does not */
	assert_int_equal(th_filing_set(f, "BM6", "2.4", TH_VAL_BLANK, 0, 0), 0);
	assert_true(th_row_unfilled(f, bm6, (size_t)th_form_row(d6, "2.4")));
	assert_int_equal(th_filing_set(f, "BM6", "2", TH_VAL_NUMBER, 0, 0), 0);
	assert_false(th_row_unfilled(f, bm6, (size_t)th_form_row(d6, "2.4")));
	assert_int_equal(th_filing_set(f, "BM6", "2", TH_VAL_DASH, 0, 0), 0);
	assert_false(th_row_unfilled(f, bm6, (size_t)th_form_row(d6, "2.4")));
	assert_int_equal(th_filing_set(f, "BM6", "2", TH_VAL_NUMBER, 3, 0), 0);
	assert_true(th_row_unfilled(f, bm6, (size_t)th_form_row(d6, "2.4")));
	assert_false(th_row_unfilled(f, bm6, (size_t)th_form_row(d6, "2.4.1"))); /* optional */
	/* a blank at a cell is said: one error at that cell, counted under its rule */
	f->values[bm1][th_form_row(d1, "2.2")].state = TH_VAL_BLANK;
	f->values[bm1][th_form_row(d1, "2.2")].sheet = -1;
	assert_int_equal(th_check_complete(f, &fs), 0); /* no cell: not said */
	f->values[bm1][th_form_row(d1, "2.2")].sheet = 0;
	f->values[bm1][th_form_row(d1, "2.2")].row = 8;
	f->values[bm1][th_form_row(d1, "2.2")].col = 3;
	assert_int_equal(th_check_complete(f, &fs), 1);
	assert_int_equal(fs.n, 1);
	assert_string_equal(fs.v[0].rule, TH_RULE_UNFILLED);
	assert_string_equal(fs.v[0].code, "2.2");
	assert_string_equal(fs.v[0].cell, "D9");
	assert_int_equal(fs.v[0].severity, TH_SEV_ERROR);
	assert_non_null(strstr(fs.v[0].message, "Biểu mẫu 1 dòng 2.2: chưa điền (Số nhiệm vụ đã hoàn thành)"));
	assert_int_equal(th_findings_count_rule(&fs, TH_RULE_UNFILLED), 1);
	assert_int_equal(th_findings_count_rule(&fs, "R1"), 0);
	th_filing_free(f);
	th_findings_release(&fs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_errors),
		cmocka_unit_test(precision_as_written),
		cmocka_unit_test(inequalities_and_sums),
		cmocka_unit_test(zero_denominator_and_missing),
		cmocka_unit_test(findings_cap),
		cmocka_unit_test(domains),
		cmocka_unit_test(header_and_register),
		cmocka_unit_test(shipped_header_register),
		cmocka_unit_test(lint),
		cmocka_unit_test(lint_self_reference),
		cmocka_unit_test(severity_in_vietnamese),
		cmocka_unit_test(shipped_ruleset_cases),
		cmocka_unit_test(computed_rows),
		cmocka_unit_test(unfilled_rows),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
