/*
 * Replays tests/config/header-examples.tsv against the identification-block patterns of
 * the shipped schema, loaded as tonghop loads it (th_schema_load: iniparser, then PCRE2
 * with UTF, UCP and CASELESS). Each example names a key (or "period": the period keys in
 * the order the reader tries them), a cell's text, and the groups expected ("-": none).
 * Run from the project root.
 * SPDX-License-Identifier: MIT
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pcre2.h>

#include "model/schema.h"

static const char *const groups[] = { "name", "code", "n", "n2", "year", "from", "to", "date" };
static const enum th_hpat period_order[] = {
	TH_HPAT_PERIOD_QUARTER, TH_HPAT_PERIOD_H1, TH_HPAT_PERIOD_H2,
	TH_HPAT_PERIOD_NINE, TH_HPAT_PERIOD_MONTH, TH_HPAT_PERIOD_YEAR,
};

/* Describe the match of pattern p on text as "g=v | g=v" in the order of groups[], or "-". */
static void describe(const void *p, const char *text, char *out, size_t cap)
{
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(p, NULL);
	size_t n = 0;

	out[0] = '\0';
	if (pcre2_match(p, (PCRE2_SPTR)text, strlen(text), 0, 0, md, NULL) <= 0) {
		snprintf(out, cap, "-");
		pcre2_match_data_free(md);
		return;
	}
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		PCRE2_UCHAR *buf;
		PCRE2_SIZE len;
		if (pcre2_substring_get_byname(md, (PCRE2_SPTR)groups[i], &buf, &len) == 0) {
			n += (size_t)snprintf(out + n, cap > n ? cap - n : 0, "%s%s=%.*s", n ? " | " : "",
					      groups[i], (int)len, (const char *)buf);
			pcre2_substring_free(buf);
		}
	}
	pcre2_match_data_free(md);
}

/* The expected string with its pairs put in the order of groups[] (the file may order them otherwise). */
static void canonical(const char *want, char *out, size_t cap)
{
	size_t n = 0;

	out[0] = '\0';
	if (strcmp(want, "-") == 0) {
		snprintf(out, cap, "-");
		return;
	}
	for (size_t i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		char key[16];
		const char *p;
		size_t klen = (size_t)snprintf(key, sizeof(key), "%s=", groups[i]);
		for (p = want; (p = strstr(p, key)); p++)
			if (p == want || (p >= want + 3 && strncmp(p - 3, " | ", 3) == 0))
				break;
		if (p) {
			const char *end = strstr(p, " | ");
			size_t vlen = end ? (size_t)(end - p - klen) : strlen(p + klen);
			n += (size_t)snprintf(out + n, cap > n ? cap - n : 0, "%s%s=%.*s", n ? " | " : "",
					      groups[i], (int)vlen, p + klen);
		}
	}
}

static void unescape(char *s)
{
	char *w = s;
	for (char *r = s; *r; r++) {
		if (r[0] == '\\' && r[1] == 'n') {
			*w++ = '\n';
			r++;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
}

static void replay(void **state)
{
	th_schema *s;
	th_err e = { 0 };
	FILE *f = fopen("tests/config/header-examples.tsv", "r");
	char line[2048];
	int n = 0, bad = 0;

	(void)state;
	assert_non_null(f);
	assert_int_equal(th_schema_load(&s, "schemas/cchc-haiduong-2023.ini", &e), 0);
	while (fgets(line, sizeof(line), f)) {
		char *key = line, *text, *want, got[512] = "-", exp[512];
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[0] || line[0] == '#')
			continue;
		text = strchr(key, '\t');
		assert_non_null(text);
		*text++ = '\0';
		want = strchr(text, '\t');
		assert_non_null(want);
		*want++ = '\0';
		unescape(text);
		n++;
		if (strcmp(key, "period") == 0) {
			for (size_t i = 0; i < sizeof(period_order) / sizeof(period_order[0]); i++) {
				char d[480];
				describe(s->header[period_order[i]], text, d, sizeof(d));
				if (strcmp(d, "-") != 0) {
					snprintf(got, sizeof(got), "key=%s | %s", th_hpat_key(period_order[i]), d);
					break;
				}
			}
			if (strncmp(want, "key=", 4) == 0) {
				const char *bar = strstr(want, " | ");
				char rest[480];
				canonical(bar ? bar + 3 : "", rest, sizeof(rest));
				snprintf(exp, sizeof(exp), "%.*s | %s", bar ? (int)(bar - want) : (int)strlen(want),
					 want, rest);
			} else {
				canonical(want, exp, sizeof(exp));
			}
		} else {
			int k = -1;
			for (int i = 0; i < TH_HPAT_COUNT; i++)
				if (strcmp(th_hpat_key((enum th_hpat)i), key) == 0)
					k = i;
			if (k < 0) {
				print_error("unknown key '%s'\n", key);
				bad++;
				continue;
			}
			describe(s->header[k], text, got, sizeof(got));
			canonical(want, exp, sizeof(exp));
		}
		if (strcmp(got, exp) != 0) {
			print_error("%s: '%s'\n   got: %s\n  want: %s\n", key, text, got, exp);
			bad++;
		}
	}
	fclose(f);
	th_schema_free(s);
	print_message("%d header examples replayed\n", n);
	assert_true(n > 100);
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = { cmocka_unit_test(replay) };
	return cmocka_run_group_tests(tests, NULL, NULL);
}
