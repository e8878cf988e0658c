/*
 * The INI loader against iniparser 4.1, the library whose files the schemas, rules,
 * rosters and calendars are: on generated lines (quotes of both kinds, closed or not,
 * ';' and '#' inside and outside them, blanks, Vietnamese text, empty values, mixed-case
 * names) every value th_ini_get gives must be the one iniparser gives. Also what the
 * loader adds: a byte-order mark, invalid UTF-8 said with its line and column, lines
 * longer than iniparser's 1,024 bytes, and 100,000 sections.
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
#include <iniparser.h>

#include "base/ini.h"

static char dir[] = "/tmp/th_ini_XXXXXX";

static const char *put(const char *name, const char *text, size_t n)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, n, f), n);
	fclose(f);
	return path;
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

/* A small deterministic generator (xorshift), so a failure can be replayed. */
static uint32_t rnd_state = 2463534242u;
static uint32_t rnd(uint32_t n)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state % n;
}

/* A value's text: pieces that exercise every branch of iniparser's value grammar. */
static void gen_value(char *out, size_t cap)
{
	static const char *const pieces[] = {
		"a", "Có = 1", "; Không = 0", "#7", " ", "  ", "\t", "\"", "'", "\"\"", "''", "Tỷ lệ %",
		"x;y", "6.7.2", "=", "[BM1:2]", "Hòa", "Thuỷ", "a # b", "\"q;u#o\"", "'s;q'", "ratio 2.2 / 2.1",
	};
	size_t n = 0, k = 1 + rnd(5);

	out[0] = '\0';
	for (size_t i = 0; i < k; i++) {
		const char *p = pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))];
		size_t len = strlen(p);
		if (n + len + 1 >= cap)
			break;
		memcpy(out + n, p, len + 1);
		n += len;
	}
}

static void same_values_seed(uint32_t seed)
{
	static char text[1 << 20];
	char value[200], key[64];
	size_t n = 0;
	const size_t n_sections = 40, n_keys = 25;
	th_ini *ini;
	th_err e = { 0 };
	dictionary *d;
	const char *path;
	size_t compared = 0;

	rnd_state = seed;
	for (size_t s = 0; s < n_sections; s++) {
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s[Sec%zu]\n", rnd(3) ? "" : "; note\n", s);
		for (size_t k = 0; k < n_keys; k++) {
			gen_value(value, sizeof(value));
			/* the line as iniparser sees it is trimmed: a value ending in blanks after a
			 * quote is a case of its own, kept */
			n += (size_t)snprintf(text + n, sizeof(text) - n, "%sKey%zu%s=%s%s\n", rnd(2) ? "" : "  ", k,
					      rnd(2) ? " " : "", rnd(2) ? " " : "", value);
		}
	}
	path = put("gen.ini", text, n);
	assert_int_equal(th_ini_load(&ini, path, &e), 0);
	d = iniparser_load(path);
	assert_non_null(d);
	for (size_t s = 0; s < n_sections; s++) {
		char sec[32];
		snprintf(sec, sizeof(sec), "Sec%zu", s);
		for (size_t k = 0; k < n_keys; k++) {
			char full[96];
			const char *want, *got;
			snprintf(key, sizeof(key), "Key%zu", k);
			snprintf(full, sizeof(full), "sec%zu:key%zu", s, k);
			want = iniparser_getstring(d, full, NULL);
			got = th_ini_get(ini, sec, key);
			assert_non_null(want);
			assert_non_null(got);
			if (strcmp(want, got) != 0)
				fail_msg("[%s] %s: iniparser gives '%s', th_ini '%s' (line %u)", sec, key, want, got,
					 (unsigned)th_ini_line(ini, sec, key));
			compared++;
		}
	}
	assert_int_equal(compared, n_sections * n_keys);
	iniparser_freedict(d);
	th_ini_free(ini);
}

static void same_values_as_iniparser(void **state)
{
	(void)state;
	for (uint32_t seed = 1; seed <= 30; seed++)
		same_values_seed(seed * 2654435761u);
}

static void bom_and_case(void **state)
{
	static const char text[] = "\xEF\xBB\xBF[Schema]\nId = x\n";
	th_ini *ini;
	th_err e = { 0 };

	(void)state;
	assert_int_equal(th_ini_load(&ini, put("bom.ini", text, sizeof(text) - 1), &e), 0);
	assert_string_equal(th_ini_get(ini, "schema", "ID"), "x");
	assert_int_equal(th_ini_line(ini, "SCHEMA", "id"), 2);
	th_ini_free(ini);
}

static void invalid_utf8_said_with_line_and_column(void **state)
{
	/* "Hòa" in Windows-1258 (ò = 0xF2): a file saved in the wrong encoding */
	static const char text[] = "[a]\nok = \"Hà\"\nname = \"H\xF2" "a\"\n";
	static const char overlong[] = "[a]\nk = \xC0\xAF\n";
	th_ini *ini;
	th_err e = { 0 };

	(void)state;
	assert_int_equal(th_ini_load(&ini, put("cp.ini", text, sizeof(text) - 1), &e), -1);
	assert_null(ini);
	assert_int_equal(e.code, TH_E_CONFIG);
	assert_non_null(strstr(e.msg, "cp.ini:3: không phải văn bản UTF-8 (byte 0xF2 ở cột 10)"));
	assert_int_equal(th_ini_load(&ini, put("ol.ini", overlong, sizeof(overlong) - 1), &e), -1);
	assert_non_null(strstr(e.msg, "ol.ini:2: không phải văn bản UTF-8 (byte 0xC0 ở cột 5)"));
}

static void long_lines_load(void **state)
{
	static char text[8000];
	th_ini *ini;
	th_err e = { 0 };
	int n = snprintf(text, sizeof(text), "[a]\nk = \"");

	(void)state;
	memset(text + n, 'x', 5000);
	memcpy(text + n + 5000, "\"\r\n", 4);
	assert_int_equal(th_ini_load(&ini, put("long.ini", text, strlen(text)), &e), 0);
	assert_int_equal(strlen(th_ini_get(ini, "a", "k")), 5000);
	th_ini_free(ini);
}

static void many_sections(void **state)
{
	const size_t n_sec = 100000;
	const size_t cap = n_sec * 40 + 64;
	char *text = malloc(cap);
	size_t n = 0;
	th_ini *ini;
	th_err e = { 0 };

	(void)state;
	assert_non_null(text);
	for (size_t i = 0; i < n_sec; i++)
		n += (size_t)snprintf(text + n, cap - n, "[%06zu]\nname = \"Xã %zu\"\n", i, i);
	assert_int_equal(th_ini_load(&ini, put("big.ini", text, n), &e), 0);
	assert_int_equal(th_ini_nsections(ini), n_sec);
	assert_string_equal(th_ini_get(ini, "099999", "name"), "Xã 99999");
	assert_string_equal(th_ini_get(ini, "000000", "NAME"), "Xã 0");
	assert_null(th_ini_get(ini, "100000", "name"));
	assert_int_equal(th_ini_line(ini, "050000", "name"), 100002);
	th_ini_free(ini);
	/* a duplicate among them is still found, at its own line */
	n += (size_t)snprintf(text + n, cap - n, "[050000]\n");
	assert_int_equal(th_ini_load(&ini, put("dup.ini", text, n), &e), -1);
	assert_non_null(strstr(e.msg, "dup.ini:200001: mục [050000] đã có ở dòng 100001"));
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(same_values_as_iniparser),
		cmocka_unit_test(bom_and_case),
		cmocka_unit_test(invalid_utf8_said_with_line_and_column),
		cmocka_unit_test(long_lines_load),
		cmocka_unit_test(many_sections),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
