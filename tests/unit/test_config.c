/*
 * Unit tests for the configuration layer: INI loading with line numbers and the errors
 * iniparser lets pass, the form schema (rows, legends, ratios, patterns) and its
 * mistakes, roster name matching, types and provinces, calendar windows and deadlines, the
 * validity of each file, and the shipped rosters and calendars.
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
#include "base/ini.h"
#include "model/roster.h"
#include "model/schema.h"
#include "model/validity.h"

static char dir[] = "/tmp/th_config_XXXXXX";

/* Write text to DIR/name and return the path (static buffer, one at a time is enough). */
static const char *put(const char *name, const char *text)
{
	static char path[4][256];
	static int k;
	FILE *f;

	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/%s", dir, name);
	f = fopen(path[k], "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	return path[k];
}

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

/* ---- ini ---- */

static void ini_values_lines_and_order(void **state)
{
	th_ini *ini;
	th_err e = { 0 };
	const char *p = put("a.ini", "; comment\n[Schema]\nId = x\n\nLegend = \"Có = 1; Không = 0\"\n"
				     "cut = a ; b\n[BM1]\n2.1 = \"count | sum | | nhãn\"\n1 = y\n");

	(void)state;
	assert_int_equal(th_ini_load(&ini, p, &e), 0);
	assert_string_equal(th_ini_get(ini, "schema", "id"), "x");
	assert_string_equal(th_ini_get(ini, "SCHEMA", "legend"), "Có = 1; Không = 0");
	assert_string_equal(th_ini_get(ini, "schema", "cut"), "a"); /* iniparser's rule: unquoted ; cuts */
	assert_null(th_ini_get(ini, "schema", "nope"));
	assert_int_equal(th_ini_line(ini, "schema", NULL), 2);
	assert_int_equal(th_ini_line(ini, "schema", "legend"), 5);
	assert_int_equal(th_ini_line(ini, "bm1", "1"), 9);
	assert_int_equal(th_ini_nkeys(ini, "BM1"), 2);
	assert_string_equal(th_ini_key(ini, "BM1", 0), "2.1");
	assert_string_equal(th_ini_key(ini, "BM1", 1), "1");
	assert_string_equal(th_ini_section(ini, 0), "Schema");
	th_ini_free(ini);
}

static void ini_duplicate_key(void **state)
{
	th_ini *ini;
	th_err e = { 0 };
	const char *p = put("dup.ini", "[a]\nk = 1\nk = 2\n");

	(void)state;
	assert_int_equal(th_ini_load(&ini, p, &e), -1);
	assert_null(ini);
	assert_int_equal(e.code, TH_E_CONFIG);
	assert_non_null(strstr(e.msg, "dup.ini:3: khoá 'k' đã có ở dòng 2"));
	assert_string_equal(e.detail, ">>> k = 2");
}

static void ini_duplicate_section_and_syntax(void **state)
{
	th_ini *ini;
	th_err e = { 0 };

	(void)state;
	assert_int_equal(th_ini_load(&ini, put("s.ini", "[a]\n[b]\n[A]\n"), &e), -1);
	assert_non_null(strstr(e.msg, "s.ini:3: mục [A] đã có ở dòng 1"));
	assert_int_equal(th_ini_load(&ini, put("t.ini", "[a]\nno equals here\n"), &e), -1);
	assert_non_null(strstr(e.msg, "t.ini:2: dòng không hợp lệ"));
	assert_int_equal(th_ini_load(&ini, put("u.ini", "k = v\n"), &e), -1);
	assert_non_null(strstr(e.msg, "u.ini:1: khoá 'k' nằm ngoài mọi mục"));
	assert_int_equal(th_ini_load(&ini, put("v.ini", "[a\n"), &e), -1);
	assert_non_null(strstr(e.msg, "v.ini:1: thiếu dấu ']'"));
	assert_int_equal(th_ini_load(&ini, "/nonexistent/x.ini", &e), -1);
	assert_int_equal(e.code, TH_E_CONFIG);
	assert_non_null(strstr(e.msg, "không có tệp hay thư mục này"));
	/* CRLF line ends load as LF ones */
	assert_int_equal(th_ini_load(&ini, put("w.ini", "[a]\r\nk = v\r\n"), &e), 0);
	assert_string_equal(th_ini_get(ini, "a", "k"), "v");
	th_ini_free(ini);
}

/* ---- schema ---- */

#define HEAD "[schema]\nid = t\nforms = BM1\n"

static void schema_rows(void **state)
{
	th_schema *s;
	th_err e = { 0 };
	const th_formdef *f;
	int r;
	const char *p = put("ok.ini", HEAD
		"[header]\nunit = \"(?:UBND|Ủy ban nhân dân)\\s+(?<name>xã\\s+.+)$\"\n"
		"[BM1]\ntitle = \"Biểu mẫu 1\"\nname = \"Công tác chỉ đạo\"\n"
		"2 = \"percent | ratio 2.2 / 2.1 | % | Tỷ lệ hoàn thành\"\n"
		"2.1 = \"count | sum | Nhiệm vụ | Số nhiệm vụ đề ra\"\n"
		"2.2 = \"count | sum | Nhiệm vụ | Số nhiệm vụ đã hoàn thành\"\n"
		"5.2 = \"coded | tally | Trực tuyến = 0 Phát phiếu = 1 Kết hợp = 2 | Hình thức khảo sát\"\n"
		"6 = \"coded | tally | Có = 1; Không = 0 | Đối thoại\"\n"
		"3 = \"group | none | | Kiểm tra CCHC\"\n");

	(void)state;
	assert_int_equal(th_schema_load(&s, p, &e), 0);
	assert_int_equal(s->n_forms, 1);
	f = th_schema_form(s, "bm1");
	assert_non_null(f);
	assert_int_equal(f->number, 1);
	assert_string_equal(f->title, "Biểu mẫu 1");
	assert_int_equal(f->n_rows, 6);
	r = th_form_row(f, "2");
	assert_int_equal(f->rows[r].kind, TH_ROW_PERCENT);
	assert_int_equal(f->rows[r].agg, TH_AGG_RATIO);
	assert_string_equal(f->rows[f->rows[r].num].code, "2.2");
	assert_string_equal(f->rows[f->rows[r].den].code, "2.1");
	r = th_form_row(f, "5.2");
	assert_int_equal(f->rows[r].n_options, 3);
	assert_string_equal(f->rows[r].options[1].text, "Phát phiếu");
	assert_int_equal(f->rows[r].options[2].code, 2);
	r = th_form_row(f, "6");
	assert_int_equal(f->rows[r].n_options, 2);
	assert_string_equal(f->rows[r].options[1].text, "Không");
	assert_int_equal(f->rows[r].options[1].code, 0);
	assert_int_equal(f->rows[th_form_row(f, "3")].kind, TH_ROW_GROUP);
	assert_int_equal(th_form_row(f, "9.9"), -1);
	assert_non_null(s->header[TH_HPAT_UNIT]);
	assert_null(s->header[TH_HPAT_WINDOW]);
	th_schema_free(s);
}

/* Load text as a schema and expect a configuration failure whose message holds want. */
static void schema_fails(const char *text, const char *want)
{
	th_schema *s;
	th_err e = { 0 };

	assert_int_equal(th_schema_load(&s, put("bad.ini", text), &e), -1);
	assert_null(s);
	assert_int_equal(e.code, TH_E_CONFIG);
	if (!strstr(e.msg, want))
		fail_msg("message '%s' lacks '%s'", e.msg, want);
}

static void schema_mistakes(void **state)
{
	(void)state;
	schema_fails(HEAD "[BM1]\ntitle = T\n1 = \"counts | sum | | x\"\n", "bad.ini:6: loại 'counts' không có");
	schema_fails(HEAD "[BM1]\ntitle = T\n1 = \"count | add | | x\"\n", "bad.ini:6: cách tổng hợp 'add'");
	schema_fails(HEAD "[BM1]\ntitle = T\n1 = \"percent | ratio 1.2 / 1.1 | % | x\"\n1.1 = \"count | sum | | y\"\n",
		     "bad.ini:6: tỷ lệ của dòng 1 dùng dòng 1.2");
	schema_fails(HEAD "[BM1]\ntitle = T\n1 = \"percent | ratio 1 / 1.1 | % | x\"\n1.1 = \"count | sum | | y\"\n",
		     "bad.ini:6: tỷ lệ của dòng 1 tham chiếu chính nó (1 → 1)");
	schema_fails(HEAD "[BM1]\ntitle = T\n1 = \"percent | ratio 1.1 / 2 | % | x\"\n1.1 = \"count | sum | | y\"\n"
		     "2 = \"percent | ratio 3 / 1.1 | % | z\"\n3 = \"percent | ratio 1 / 1.1 | % | w\"\n",
		     "bad.ini:6: tỷ lệ của dòng 1 tham chiếu chính nó (1 → 2 → 3 → 1)");
	schema_fails(HEAD "[BM1]\ntitle = T\n1 = \"coded | tally | Có | x\"\n", "bad.ini:6: dòng loại coded cần chú giải");
	schema_fails(HEAD "[BM1]\ntitle = T\n2.a = \"count | sum | | x\"\n", "bad.ini:6: mã dòng '2.a'");
	schema_fails(HEAD "[BM1]\ntitle = T\n1 = \"percent | sum | % | x\"\n", "bad.ini:6: không cộng dồn");
	schema_fails(HEAD "[BM1]\ntitle = T\n1 = \"count | sum\"\n", "bad.ini:6: dòng 1 của BM1 cần dạng");
	schema_fails("[schema]\nid = t\nforms = BM1 BM2\n[BM1]\ntitle = T\n1 = \"count | sum | | x\"\n",
		     "bad.ini:3: biểu 'BM2' được liệt kê nhưng không có mục [BM2]");
	schema_fails(HEAD "[BM1]\n1 = \"count | sum | | x\"\n", "bad.ini:4: biểu BM1 thiếu 'title'");
	schema_fails("[schema]\nid = t\nforms = BM1 BM1A\n[BM1]\ntitle = T\n1 = \"count | sum | | x\"\n"
		     "[BM1A]\ntitle = T\n1 = \"count | sum | | x\"\n", "biểu [BM1] và [BM1A] cùng số 1");
	schema_fails("[schema]\nid = t\nforms = BMX\n[BMX]\ntitle = T\n1 = \"count | sum | | x\"\n",
		     "tên biểu [BMX] phải có số");
	schema_fails("[x]\n", "thiếu mục [schema]");
}

/* Which rows must be filled (#11): the form's default, a row's own word, headings. */
static void schema_fill(void **state)
{
	th_schema *s;
	th_err e = { 0 };
	const th_formdef *f;
	const char *p = put("fill.ini", "[schema]\nid = t\nforms = BM1 BM2\n"
		"[BM1]\ntitle = T\nfill = required\n"
		"1 = \"group | none | | Heading\"\n"
		"1.1 = \"count | sum | | a\"\n"
		"1.2 = \"count optional | sum | | b\"\n"
		"2 = \"percent   OPTIONAL | ratio 1.2 / 1.1 | % | c\"\n"
		"3 = \"count group | sum | | d\"\n"
		"4 = \"group required | none | | e\"\n"
		"[BM2]\ntitle = U\n1 = \"count | sum | | a\"\n1.1 = \"count required | sum | | b\"\n"
		"2 = \"group | none | | c\"\n");

	(void)state;
	assert_int_equal(th_schema_load(&s, p, &e), 0);
	f = th_schema_form(s, "BM1");
	assert_int_equal(f->n_rows, 6); /* fill is no row */
	assert_int_equal(f->rows[th_form_row(f, "1")].fill, TH_FILL_GROUP);
	assert_int_equal(f->rows[th_form_row(f, "1.1")].fill, TH_FILL_REQUIRED);
	assert_int_equal(f->rows[th_form_row(f, "1.2")].fill, TH_FILL_OPTIONAL);
	assert_int_equal(f->rows[th_form_row(f, "2")].fill, TH_FILL_OPTIONAL);
	assert_int_equal(f->rows[th_form_row(f, "2")].kind, TH_ROW_PERCENT);
	assert_int_equal(f->rows[th_form_row(f, "3")].fill, TH_FILL_GROUP);
	assert_int_equal(f->rows[th_form_row(f, "3")].kind, TH_ROW_COUNT);
	assert_int_equal(f->rows[th_form_row(f, "4")].fill, TH_FILL_REQUIRED);
	/* without fill a form's rows are optional, as before #11 */
	f = th_schema_form(s, "BM2");
	assert_int_equal(f->rows[th_form_row(f, "1")].fill, TH_FILL_OPTIONAL);
	assert_int_equal(f->rows[th_form_row(f, "1.1")].fill, TH_FILL_REQUIRED);
	assert_int_equal(f->rows[th_form_row(f, "2")].fill, TH_FILL_GROUP);
	assert_string_equal(th_fill_name(TH_FILL_REQUIRED), "required");
	assert_string_equal(th_fill_name(TH_FILL_GROUP), "group");
	th_schema_free(s);
	schema_fails(HEAD "[BM1]\ntitle = T\n1 = \"count must | sum | | x\"\n",
		     "bad.ini:6: sau loại 'count' chỉ ghi được required, optional hoặc group, không phải 'must'");
	schema_fails(HEAD "[BM1]\ntitle = T\n1 = \"count optional group | sum | | x\"\n",
		     "không phải 'optional group'");
	schema_fails(HEAD "[BM1]\ntitle = T\nfill = yes\n1 = \"count | sum | | x\"\n",
		     "bad.ini:6: fill = 'yes' không có: dùng required hoặc optional");
	schema_fails(HEAD "[BM1]\ntitle = T\nfill = group\n1 = \"count | sum | | x\"\n", "fill = 'group' không có");
}

/* The shipped schema (#11): a blank return misses these rows; seed 002's blanks are all optional
 * or answered by a heading's 0 (tests/e2e.sh checks the outcome on the returns themselves). */
static void shipped_schema_fill(void **state)
{
	th_schema *s;
	th_err e = { 0 };
	static const struct { const char *form, *code; th_fill want; } rows[] = {
		{ "BM1", "1", TH_FILL_REQUIRED }, { "BM1", "2", TH_FILL_OPTIONAL }, /* computed ratio */
		{ "BM1", "2.1", TH_FILL_REQUIRED }, { "BM1", "3", TH_FILL_GROUP },
		{ "BM1", "3.1", TH_FILL_OPTIONAL }, /* district-level row */
		{ "BM1", "5", TH_FILL_REQUIRED }, { "BM3", "1.4.3", TH_FILL_REQUIRED },
		{ "BM6", "1.1", TH_FILL_REQUIRED }, { "BM7", "4", TH_FILL_OPTIONAL }, /* the province's LGSP */
		{ "BM7", "5.1", TH_FILL_GROUP }, { "BM7", "6.7.2", TH_FILL_REQUIRED }, { "BM7", "6.7", TH_FILL_OPTIONAL },
	};

	(void)state;
	assert_int_equal(th_schema_load(&s, "schemas/cchc-haiduong-2023.ini", &e), 0);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const th_formdef *f = th_schema_form(s, rows[i].form);
		int r = th_form_row(f, rows[i].code);
		assert_true(r >= 0);
		if (f->rows[r].fill != rows[i].want)
			fail_msg("%s %s: %s, expected %s", rows[i].form, rows[i].code, th_fill_name(f->rows[r].fill),
				 th_fill_name(rows[i].want));
	}
	/* every ratio row is computed from its parts, so none is required */
	for (size_t fi = 0; fi < s->n_forms; fi++)
		for (size_t r = 0; r < s->forms[fi].n_rows; r++)
			if (s->forms[fi].rows[r].agg == TH_AGG_RATIO)
				assert_int_equal(s->forms[fi].rows[r].fill, TH_FILL_OPTIONAL);
	th_schema_free(s);
}

static void schema_bad_pattern_caret(void **state)
{
	th_schema *s;
	th_err e = { 0 };
	const char *p = put("re.ini", HEAD "[header]\nwindow = \"từ (?<from>\\d+\"\n[BM1]\ntitle = T\n1 = \"count | sum | | x\"\n");

	(void)state;
	assert_int_equal(th_schema_load(&s, p, &e), -1);
	assert_non_null(strstr(e.msg, "re.ini:5: mẫu 'window' lỗi"));
	assert_non_null(strstr(e.detail, ">>> từ (?<from>\\d+ <-- ở đây"));
}

/* ---- roster ---- */

static const char roster_text[] =
	"[roster]\nname = \"Huyện Thanh Miện\"\n"
	"[11239]\nname = \"Thị trấn Thanh Miện\"\naliases = \"TT. Thanh Miện\"\n"
	"[11248]\nname = \"Xã Ngô Quyền\"\n"
	"[11254]\nname = \"Xã Hồng Quang\"\n"
	"[11281]\nname = \"Xã Chi Lăng Bắc\"\n";

static void roster_matching(void **state)
{
	th_roster *r;
	th_err e = { 0 };

	(void)state;
	assert_int_equal(th_roster_load(&r, put("r.ini", roster_text), &e), 0);
	assert_int_equal(r->n_units, 4);
	assert_string_equal(r->units[0].code, "11239");
	assert_string_equal(th_roster_match(r, "UBND xã Ngô Quyền")->code, "11248");
	assert_string_equal(th_roster_match(r, "ỦY BAN NHÂN DÂN XÃ NGÔ QUYỀN")->code, "11248");
	assert_string_equal(th_roster_match(r, "Ngô Quyền")->code, "11248");
	assert_string_equal(th_roster_match(r, "TT Thanh Miện")->code, "11239");
	assert_string_equal(th_roster_match(r, "thị trấn  Thanh Miện")->code, "11239");
	assert_string_equal(th_roster_match(r, "Đơn vị báo cáo: UBND xã Chi Lăng Bắc")->code, "11281");
	/* tone placement and decomposed Unicode fold away */
	assert_string_equal(th_roster_match(r, "xã Hồng Quang")->code, "11254");
	assert_string_equal(th_roster_match(r, "xa\xcc\x83 Ho\xcc\x82\xcc\x80ng Quang")->code, "11254");
	/* a spelling variant in the diacritics only still finds the one unit */
	assert_string_equal(th_roster_match(r, "Xã Chi Lãng Bắc")->code, "11281");
	{
		bool letters = true;
		assert_string_equal(th_roster_match_how(r, "xã Hồng Quang", &letters)->code, "11254");
		assert_false(letters);
		assert_string_equal(th_roster_match_how(r, "Xã Chi Lãng Bắc", &letters)->code, "11281");
		assert_true(letters); /* only without the marks */
	}
	assert_null(th_roster_match(r, "xã Lam Sơn"));
	assert_null(th_roster_match(r, "UBND huyện"));
	assert_null(th_roster_match(r, ""));
	assert_string_equal(th_roster_by_code(r, "11254")->name, "Xã Hồng Quang");
	assert_null(th_roster_by_code(r, "99999"));
	th_roster_free(r);
}

static void roster_mistakes(void **state)
{
	th_roster *r;
	th_err e = { 0 };

	(void)state;
	assert_int_equal(th_roster_load(&r, put("r2.ini", "[roster]\n[11239]\nname = A\n[11242]\nname = \"xã A\"\n"), &e), -1);
	assert_non_null(strstr(e.msg, "r2.ini:4: tên 'a' dùng cho cả đơn vị 11239 và 11242"));
	assert_int_equal(th_roster_load(&r, put("r3.ini", "[roster]\n[11x39]\nname = A\n"), &e), -1);
	assert_non_null(strstr(e.msg, "r3.ini:2: mã đơn vị '11x39'"));
	assert_int_equal(th_roster_load(&r, put("r4.ini", "[roster]\n[11239]\naliases = B\n"), &e), -1);
	assert_non_null(strstr(e.msg, "r4.ini:2: đơn vị 11239 thiếu 'name'"));
	/* section names are case-insensitive, as iniparser reads them: [Roster] is the roster */
	assert_int_equal(th_roster_load(&r, put("r5.ini", "[Roster]\nname = H\n[11239]\nname = A\n"), &e), 0);
	assert_int_equal(r->n_units, 1);
	assert_string_equal(r->name, "H");
	th_roster_free(r);
}

/* One unit in two provinces of a national roster; a name unique only within its province. */
static void roster_provinces_and_types(void **state)
{
	th_roster *r;
	th_err e = { 0 };

	(void)state;
	assert_int_equal(th_roster_load(&r, put("n.ini", "[roster]\nname = \"Cả nước\"\n"
		"[04321]\nname = \"Xã Tân Lập\"\nprovince = \"Tỉnh A\"\n"
		"[09999]\nname = \"Xã Tân Lập\"\nprovince = \"Tỉnh B\"\n"
		"[09998]\nname = \"Phường Hoà Bình\"\nprovince = \"Tỉnh B\"\n"
		"[09997]\nname = \"Cát Hải\"\ntype = Đặc khu\nprovince = \"Tỉnh B\"\n"), &e), 0);
	assert_int_equal(r->n_units, 4);
	assert_int_equal(r->n_provinces, 2);
	assert_string_equal(r->units[1].province, "Tỉnh B");
	assert_ptr_equal(r->units[1].province, r->units[2].province); /* one string per province */
	assert_int_equal(r->units[0].type, TH_UNIT_XA);
	assert_int_equal(r->units[2].type, TH_UNIT_PHUONG);   /* from the name */
	assert_int_equal(r->units[3].type, TH_UNIT_DAC_KHU);  /* from the key, any case */
	assert_string_equal(th_unit_type_name(r->units[3].type), "đặc khu");
	assert_null(th_roster_match(r, "UBND xã Tân Lập")); /* two provinces: the code decides */
	assert_string_equal(th_roster_by_code(r, "09999")->province, "Tỉnh B");
	assert_string_equal(th_roster_match(r, "UBND phường Hòa Bình")->code, "09998");
	th_roster_free(r);
	/* within one province a name designates one unit only */
	assert_int_equal(th_roster_load(&r, put("n2.ini", "[roster]\nprovince = \"Tỉnh A\"\n"
		"[04321]\nname = \"Xã Tân Lập\"\n[09999]\nname = \"Phường Tân Lập\"\n"), &e), -1);
	assert_non_null(strstr(e.msg, "n2.ini:5: tên 'tân lập' dùng cho cả đơn vị 04321 và 09999"));
	assert_int_equal(th_roster_load(&r, put("n3.ini", "[roster]\n[04321]\nname = A\ntype = huyện\n"), &e), -1);
	assert_non_null(strstr(e.msg, "n3.ini:4: loại đơn vị 'huyện' không có"));
	assert_int_equal(th_roster_load(&r, put("n4.ini", "[roster]\nvalid_from = 2025-07-01\nvalid_to = 2025-06-30\n"
		"[04321]\nname = A\n"), &e), -1);
	assert_non_null(strstr(e.msg, "n4.ini:3: valid_to (30/06/2025) trước valid_from (01/07/2025)"));
	assert_int_equal(th_roster_load(&r, put("n5.ini", "[roster]\nvalid_from = 1/7\n[04321]\nname = A\n"), &e), -1);
	assert_non_null(strstr(e.msg, "n5.ini:2: 'valid_from' phải là một ngày"));
}

/* ---- validity ---- */

static th_date day(int y, int m, int d)
{
	th_date t = { y, (uint8_t)m, (uint8_t)d };
	return t;
}

static void validity_days(void **state)
{
	static const struct { const char *p; const char *last; } cases[] = {
		{ "2026-Q1", "2026-03-31" }, { "2024-M02", "2024-02-29" }, { "2025-M02", "2025-02-28" },
		{ "2025-H1", "2025-06-30" }, { "2025-9M", "2025-09-30" }, { "2025", "2025-12-31" },
		{ "2023-Q4", "2023-12-31" }, { "2023-M12", "2023-12-31" },
	};
	th_validity v = { { 2019, 12, 1 }, { 2025, 6, 30 } }, open = { { 2025, 7, 1 }, { 0, 0, 0 } };
	char s[TH_DATE_MAX], t[TH_VALIDITY_VI_MAX];
	th_period p = { TH_P_NONE, 0, 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(th_period_parse(cases[i].p, &p), 0);
		th_date_iso(th_period_last_day(p), s);
		assert_string_equal(s, cases[i].last);
	}
	p.kind = TH_P_NONE;
	assert_int_equal(th_period_last_day(p).y, 0);
	assert_true(th_validity_holds(&v, day(2025, 6, 30)));
	assert_true(th_validity_holds(&v, day(2019, 12, 1)));
	assert_false(th_validity_holds(&v, day(2025, 7, 1)));
	assert_false(th_validity_holds(&v, day(2019, 11, 30)));
	assert_true(th_validity_holds(&open, day(9999, 12, 31)));
	assert_false(th_validity_holds(&open, day(2025, 6, 30)));
	assert_string_equal(th_validity_vi(&v, t), "từ 01/12/2019 đến 30/06/2025");
	assert_string_equal(th_validity_vi(&open, t), "từ 01/07/2025");
	open.from.y = 0;
	assert_string_equal(th_validity_vi(&open, t), "không giới hạn");
}

/* ---- the shipped files (schemas/, made by schemas/gen/generate.py) ---- */

static void shipped_rosters(void **state)
{
	th_roster *hp, *tm, *nat;
	th_err e = { 0 };
	size_t n[5] = { 0 };
	char s[TH_DATE_MAX];

	(void)state;
	assert_int_equal(th_roster_load(&hp, "schemas/roster-haiphong.ini", &e), 0);
	assert_int_equal(th_roster_load(&tm, "schemas/roster-thanhmien.ini", &e), 0);
	assert_int_equal(th_roster_load(&nat, "schemas/roster-national.ini", &e), 0);
	assert_int_equal(hp->n_units, 114);
	for (size_t i = 0; i < hp->n_units; i++)
		n[hp->units[i].type]++;
	assert_int_equal(n[TH_UNIT_XA], 67);
	assert_int_equal(n[TH_UNIT_PHUONG], 45);
	assert_int_equal(n[TH_UNIT_DAC_KHU], 2);
	assert_string_equal(hp->name, "Thành phố Hải Phòng");
	th_date_iso(hp->valid.from, s);
	assert_string_equal(s, "2025-07-01");
	assert_int_equal(hp->valid.to.y, 0);
	assert_int_equal(tm->n_units, 17);
	th_date_iso(tm->valid.to, s);
	assert_string_equal(s, "2025-06-30");
	assert_int_equal(nat->n_units, 3321);
	assert_int_equal(nat->n_provinces, 34);
	/* the same code, another territory before and after 1/7/2025 */
	assert_string_equal(th_roster_by_code(tm, "11242")->name, "Xã Thanh Tùng");
	assert_string_equal(th_roster_by_code(hp, "11242")->name, "Xã Nguyễn Lương Bằng");
	assert_string_equal(th_roster_by_code(nat, "11242")->province, "Thành phố Hải Phòng");
	assert_string_equal(th_roster_by_code(nat, "00070")->name, "Phường Hoàn Kiếm");
	/* both tone-mark styles (the roster writes Thủy, Hòa) */
	assert_string_equal(th_roster_match(hp, "UBND phường Thuỷ Nguyên")->code, "11560");
	assert_string_equal(th_roster_match(hp, "UBND PHƯỜNG THỦY NGUYÊN")->code, "11560");
	assert_string_equal(th_roster_match(hp, "Phường Hoà Bình")->code, "11533");
	assert_string_equal(th_roster_match(hp, "Xã Kiến Thuỵ")->code, th_roster_match(hp, "Xã Kiến Thụy")->code);
	assert_string_equal(th_roster_match(hp, "UBND đặc khu Cát Hải")->name, "Đặc khu Cát Hải");
	/* no thị trấn since 1/7/2025: "thị trấn Thanh Miện" is not the new Xã Thanh Miện */
	assert_string_equal(th_roster_match(hp, "UBND xã Thanh Miện")->code, "11239");
	assert_null(th_roster_match(hp, "UBND thị trấn Thanh Miện"));
	assert_null(th_roster_match(hp, "Đơn vị báo cáo: UBND TT. Thanh Miện"));
	assert_string_equal(th_roster_match(tm, "UBND thị trấn Thanh Miện")->code, "11239");
	assert_string_equal(th_roster_match(tm, "TT Thanh Miện")->code, "11239");
	/* every Hải Phòng unit is in the national roster under its code and name */
	for (size_t i = 0; i < hp->n_units; i++) {
		const th_unit *u = th_roster_by_code(nat, hp->units[i].code);
		assert_non_null(u);
		assert_string_equal(u->name, hp->units[i].name);
		assert_int_equal(u->type, hp->units[i].type);
	}
	th_roster_free(hp);
	th_roster_free(tm);
	th_roster_free(nat);
}

/* ---- calendar ---- */

static void check_window(const th_calendar *c, const char *period, const char *from, const char *to,
			 const char *due)
{
	th_period p;
	th_date a, b, d;
	char s[TH_DATE_MAX];

	assert_int_equal(th_period_parse(period, &p), 0);
	th_calendar_window(c, p, &a, &b, &d);
	th_date_iso(a, s);
	assert_string_equal(s, from);
	th_date_iso(b, s);
	assert_string_equal(s, to);
	th_date_iso(d, s);
	assert_string_equal(s, due);
}

static void calendar_windows(void **state)
{
	th_calendar *hd, *nat;
	th_err e = { 0 };

	(void)state;
	assert_int_equal(th_calendar_load(&hd, put("hd.ini", "[calendar]\nid = haiduong\nstart_day = 10\nend_day = 9\ndeadline = 3\n"), &e), 0);
	assert_int_equal(th_calendar_load(&nat, put("nat.ini", "[calendar]\nid = national\nstart_day = 15\nend_day = 14\ndeadline = 1\n"), &e), 0);
	check_window(hd, "2023-Q3", "2023-06-10", "2023-09-09", "2023-09-12");
	check_window(hd, "2023-Q1", "2022-12-10", "2023-03-09", "2023-03-12");
	check_window(hd, "2023-H1", "2022-12-10", "2023-06-09", "2023-06-12");
	check_window(hd, "2023-H2", "2023-06-10", "2023-12-09", "2023-12-12");
	check_window(hd, "2023-9M", "2022-12-10", "2023-09-09", "2023-09-12");
	check_window(hd, "2023", "2022-12-10", "2023-12-09", "2023-12-12");
	check_window(hd, "2023-M07", "2023-06-10", "2023-07-09", "2023-07-12");
	check_window(hd, "2024-M01", "2023-12-10", "2024-01-09", "2024-01-12");
	check_window(hd, "2024-M02", "2024-01-10", "2024-02-09", "2024-02-12");
	check_window(nat, "2023-Q3", "2023-06-15", "2023-09-14", "2023-09-15");
	check_window(nat, "2023", "2022-12-15", "2023-12-14", "2023-12-15");
	th_calendar_free(hd);
	th_calendar_free(nat);
	/* the shipped national calendar: due the 20th of the period's last month */
	assert_int_equal(th_calendar_load(&nat, "schemas/calendar-national.ini", &e), 0);
	check_window(nat, "2026-Q1", "2025-12-15", "2026-03-14", "2026-03-20");
	check_window(nat, "2025-Q3", "2025-06-15", "2025-09-14", "2025-09-20");
	check_window(nat, "2026-H1", "2025-12-15", "2026-06-14", "2026-06-20");
	check_window(nat, "2026-H2", "2026-06-15", "2026-12-14", "2026-12-20");
	check_window(nat, "2026-9M", "2025-12-15", "2026-09-14", "2026-09-20");
	check_window(nat, "2026", "2025-12-15", "2026-12-14", "2026-12-20");
	check_window(nat, "2026-M01", "2025-12-15", "2026-01-14", "2026-01-20");
	assert_int_equal(nat->valid.to.y, 0);
	th_calendar_free(nat);
	assert_int_equal(th_calendar_load(&hd, "schemas/calendar-haiduong.ini", &e), 0);
	check_window(hd, "2023-Q3", "2023-06-10", "2023-09-09", "2023-09-12");
	assert_int_equal(hd->valid.to.y, 2025);
	th_calendar_free(hd);
}

static void calendar_mistakes(void **state)
{
	th_calendar *c;
	th_err e = { 0 };

	(void)state;
	assert_int_equal(th_calendar_load(&c, put("c1.ini", "[calendar]\nstart_day = 31\nend_day = 9\ndeadline = 3\n"), &e), -1);
	assert_non_null(strstr(e.msg, "c1.ini:2: 'start_day' phải là số nguyên từ 1 đến 28"));
	assert_int_equal(th_calendar_load(&c, put("c2.ini", "[calendar]\nstart_day = 10\ndeadline = 3\n"), &e), -1);
	assert_non_null(strstr(e.msg, "thiếu 'end_day'"));
	assert_int_equal(th_calendar_load(&c, put("c3.ini", "[calendar]\nstart_day = 1x\nend_day = 9\ndeadline = 3\n"), &e), -1);
	assert_non_null(strstr(e.msg, "c3.ini:2:"));
	assert_int_equal(th_calendar_load(&c, put("c4.ini", "[calendar]\nstart_day = 15\nend_day = 14\ndeadline = 1\n"
						       "deadline_day = 20\n"), &e), -1);
	assert_non_null(strstr(e.msg, "c4.ini:5: chỉ ghi một trong hai"));
	assert_int_equal(th_calendar_load(&c, put("c5.ini", "[calendar]\nstart_day = 15\nend_day = 14\ndeadline_day = 10\n"), &e), -1);
	assert_non_null(strstr(e.msg, "c5.ini:4: 'deadline_day' phải là số nguyên từ 14 đến 28"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ini_values_lines_and_order),
		cmocka_unit_test(ini_duplicate_key),
		cmocka_unit_test(ini_duplicate_section_and_syntax),
		cmocka_unit_test(schema_rows),
		cmocka_unit_test(schema_mistakes),
		cmocka_unit_test(schema_bad_pattern_caret),
		cmocka_unit_test(schema_fill),
		cmocka_unit_test(shipped_schema_fill),
		cmocka_unit_test(roster_matching),
		cmocka_unit_test(roster_mistakes),
		cmocka_unit_test(roster_provinces_and_types),
		cmocka_unit_test(validity_days),
		cmocka_unit_test(shipped_rosters),
		cmocka_unit_test(calendar_windows),
		cmocka_unit_test(calendar_mistakes),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
