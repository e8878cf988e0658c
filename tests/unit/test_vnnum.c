/*
 * Unit tests for Vietnamese numbers, dates and periods (vnnum.h): every reading rule and
 * the ambiguous "3.000" / "2,014" under each hint, the seed's real values, dates as text
 * and as Excel serials (1900 and 1904 systems), day arithmetic, and period forms/labels.
 * SPDX-License-Identifier: MIT
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <math.h>
#include <string.h>

#include <cmocka.h>

#include "read/numfmt.h"
#include "read/vnnum.h"

/* ---- helpers ---- */

/* Parse s and check every field; fails the test with the text on a mismatch. */
static void num_ok(const char *s, th_numhint hint, double value, int decimals, th_numread how,
		   bool pct, bool spaces)
{
	th_num v;

	if (th_vn_parse_number(s, strlen(s), hint, &v) != 0)
		fail_msg("'%s' (hint %d): refused", s, (int)hint);
	if (v.value != value)
		fail_msg("'%s' (hint %d): value %.17g, want %.17g", s, (int)hint, v.value, value);
	if (v.decimals != decimals)
		fail_msg("'%s' (hint %d): decimals %d, want %d", s, (int)hint, v.decimals, decimals);
	if (v.how != how)
		fail_msg("'%s' (hint %d): how %d, want %d", s, (int)hint, (int)v.how, (int)how);
	if (v.percent_sign != pct)
		fail_msg("'%s': percent_sign %d, want %d", s, v.percent_sign, pct);
	if (v.had_spaces != spaces)
		fail_msg("'%s': had_spaces %d, want %d", s, v.had_spaces, spaces);
}

/* s is refused under every hint, and *out is left zeroed. */
static void num_bad(const char *s)
{
	static const th_numhint hints[] = { TH_HINT_NONE, TH_HINT_WHOLE, TH_HINT_DECIMAL };

	for (size_t i = 0; i < 3; i++) {
		th_num v;

		v.value = 42;
		v.percent_sign = true;
		if (th_vn_parse_number(s, strlen(s), hints[i], &v) != -1)
			fail_msg("'%s' (hint %d): accepted as %.17g (how %d)", s, (int)hints[i], v.value,
				 (int)v.how);
		if (v.value != 0 || v.percent_sign || v.had_spaces || v.decimals != 0)
			fail_msg("'%s': out not zeroed on failure", s);
	}
}

static void date_ok(const char *s, int y, int m, int d)
{
	th_date t;

	if (th_vn_parse_date(s, strlen(s), &t) != 0)
		fail_msg("'%s': refused", s);
	if (t.y != y || t.m != m || t.d != d)
		fail_msg("'%s': got %d-%d-%d, want %d-%d-%d", s, (int)t.y, t.m, t.d, y, m, d);
}

static void date_bad(const char *s)
{
	th_date t = { 2000, 1, 1 };

	if (th_vn_parse_date(s, strlen(s), &t) != -1)
		fail_msg("'%s': accepted as %d-%d-%d", s, (int)t.y, t.m, t.d);
	if (t.y != 0)
		fail_msg("'%s': out->y not reset", s);
}

static th_date mkdate(int y, int m, int d)
{
	th_date t = { y, (uint8_t)m, (uint8_t)d };

	return t;
}

static void serial_is(double serial, bool d1904, const char *iso)
{
	th_date t;
	char buf[TH_DATE_MAX];

	if (th_date_from_serial(serial, d1904, &t) != 0)
		fail_msg("serial %.17g (1904 %d): refused", serial, d1904);
	th_date_iso(t, buf);
	if (strcmp(buf, iso) != 0)
		fail_msg("serial %.17g (1904 %d): %s, want %s", serial, d1904, buf, iso);
}

static void period_ok(const char *s, th_pkind kind, int year, int n, const char *canon)
{
	th_period p;
	char buf[TH_PERIOD_MAX];

	if (th_period_parse(s, &p) != 0)
		fail_msg("'%s': refused", s);
	if (p.kind != kind || p.year != year || p.n != n)
		fail_msg("'%s': got %d/%d/%d", s, (int)p.kind, p.year, p.n);
	th_period_format(p, buf, sizeof(buf));
	if (strcmp(buf, canon) != 0)
		fail_msg("'%s': formats as '%s', want '%s'", s, buf, canon);
}

static void period_bad(const char *s)
{
	th_period p = { TH_P_YEAR, 2023, 0 };

	if (th_period_parse(s, &p) != -1)
		fail_msg("'%s': accepted", s);
	if (p.kind != TH_P_NONE || p.year != 0 || p.n != 0)
		fail_msg("'%s': out not reset", s);
}

static void label_is(th_pkind kind, int year, int n, const char *want)
{
	th_period p = { kind, year, n };
	char buf[TH_PERIOD_LABEL_MAX];

	th_period_label_vi(p, buf, sizeof(buf));
	if (strcmp(buf, want) != 0)
		fail_msg("label %d/%d/%d: '%s', want '%s'", (int)kind, year, n, buf, want);
}

/* ---- numbers ---- */

static void test_num_plain(void **state)
{
	(void)state;
	num_ok("25", TH_HINT_NONE, 25, 0, TH_READ_PLAIN, false, false);
	num_ok("0", TH_HINT_WHOLE, 0, 0, TH_READ_PLAIN, false, false);
	num_ok("-3", TH_HINT_WHOLE, -3, 0, TH_READ_PLAIN, false, false);
	num_ok("09", TH_HINT_WHOLE, 9, 0, TH_READ_PLAIN, false, false);
	num_ok("+7", TH_HINT_NONE, 7, 0, TH_READ_PLAIN, false, false);
	num_ok("139", TH_HINT_WHOLE, 139, 0, TH_READ_PLAIN, false, false);
	num_ok("1234567", TH_HINT_WHOLE, 1234567, 0, TH_READ_PLAIN, false, false);
	num_ok("\xE2\x88\x92" "5", TH_HINT_NONE, -5, 0, TH_READ_PLAIN, false, false); /* U+2212 */
	num_ok("\xE2\x80\x93" "5", TH_HINT_NONE, -5, 0, TH_READ_PLAIN, false, false); /* en dash */
	num_ok("- 3", TH_HINT_WHOLE, -3, 0, TH_READ_PLAIN, false, true);
	num_ok("\t12\r\n", TH_HINT_WHOLE, 12, 0, TH_READ_PLAIN, false, true);
}

static void test_num_decimal_comma(void **state)
{
	(void)state;
	num_ok("67,1", TH_HINT_DECIMAL, 67.1, 1, TH_READ_DECIMAL_COMMA, false, false);
	num_ok("67,1", TH_HINT_NONE, 67.1, 1, TH_READ_DECIMAL_COMMA, false, false);
	num_ok("67,1", TH_HINT_WHOLE, 67.1, 1, TH_READ_DECIMAL_COMMA, false, false);
	num_ok("0,5", TH_HINT_DECIMAL, 0.5, 1, TH_READ_DECIMAL_COMMA, false, false);
	num_ok("18,5", TH_HINT_DECIMAL, 18.5, 1, TH_READ_DECIMAL_COMMA, false, false);
	num_ok("100,00", TH_HINT_DECIMAL, 100, 2, TH_READ_DECIMAL_COMMA, false, false);
	num_ok(",5", TH_HINT_DECIMAL, 0.5, 1, TH_READ_DECIMAL_COMMA, false, false);
	num_ok("-0,25", TH_HINT_DECIMAL, -0.25, 2, TH_READ_DECIMAL_COMMA, false, false);
	/* a leader of 4+ digits or starting with 0 cannot group: always a decimal */
	num_ok("1234,567", TH_HINT_WHOLE, 1234.567, 3, TH_READ_DECIMAL_COMMA, false, false);
	num_ok("0,500", TH_HINT_WHOLE, 0.5, 3, TH_READ_DECIMAL_COMMA, false, false);
	num_ok("3,1416", TH_HINT_WHOLE, 3.1416, 4, TH_READ_DECIMAL_COMMA, false, false);
}

static void test_num_decimal_dot(void **state)
{
	(void)state;
	num_ok("98.17", TH_HINT_DECIMAL, 98.17, 2, TH_READ_DECIMAL_DOT, false, false);
	num_ok("98.17", TH_HINT_NONE, 98.17, 2, TH_READ_DECIMAL_DOT, false, false);
	num_ok("98.17", TH_HINT_WHOLE, 98.17, 2, TH_READ_DECIMAL_DOT, false, false);
	num_ok("0.5", TH_HINT_DECIMAL, 0.5, 1, TH_READ_DECIMAL_DOT, false, false);
	num_ok(".5", TH_HINT_DECIMAL, 0.5, 1, TH_READ_DECIMAL_DOT, false, false);
	num_ok("13.676", TH_HINT_NONE, 13676, 0, TH_READ_AMBIGUOUS_THOUSANDS, false, false);
	num_ok("13.676", TH_HINT_DECIMAL, 13.676, 3, TH_READ_AMBIGUOUS_DECIMAL, false, false);
	num_ok("23.53%", TH_HINT_DECIMAL, 23.53, 2, TH_READ_DECIMAL_DOT, true, false);
	num_ok("0.1%", TH_HINT_DECIMAL, 0.1, 1, TH_READ_DECIMAL_DOT, true, false);
	num_ok("0.125", TH_HINT_WHOLE, 0.125, 3, TH_READ_DECIMAL_DOT, false, false);
	num_ok("1234.567", TH_HINT_WHOLE, 1234.567, 3, TH_READ_DECIMAL_DOT, false, false);
	num_ok("3.1416", TH_HINT_WHOLE, 3.1416, 4, TH_READ_DECIMAL_DOT, false, false);
	num_ok("-1.5", TH_HINT_NONE, -1.5, 1, TH_READ_DECIMAL_DOT, false, false);
}

static void test_num_grouped(void **state)
{
	(void)state;
	num_ok("8.024.907.482", TH_HINT_WHOLE, 8024907482.0, 0, TH_READ_GROUPED_DOT, false, false);
	num_ok("8.024.907.482", TH_HINT_NONE, 8024907482.0, 0, TH_READ_GROUPED_DOT, false, false);
	num_ok("8.024.907.482", TH_HINT_DECIMAL, 8024907482.0, 0, TH_READ_GROUPED_DOT, false, false);
	num_ok("1.234.567", TH_HINT_WHOLE, 1234567, 0, TH_READ_GROUPED_DOT, false, false);
	num_ok("-12.000.000", TH_HINT_WHOLE, -12000000, 0, TH_READ_GROUPED_DOT, false, false);
	num_ok("1,234,567", TH_HINT_WHOLE, 1234567, 0, TH_READ_GROUPED_COMMA, false, false);
	num_ok("1,234,567", TH_HINT_DECIMAL, 1234567, 0, TH_READ_GROUPED_COMMA, false, false);
	/* blanks as grouping */
	num_ok("1 234", TH_HINT_WHOLE, 1234, 0, TH_READ_PLAIN, false, true);
	num_ok("1\xC2\xA0" "234\xC2\xA0" "567", TH_HINT_NONE, 1234567, 0, TH_READ_PLAIN, false, true);
	num_ok("12\xE2\x80\xAF" "345", TH_HINT_WHOLE, 12345, 0, TH_READ_PLAIN, false, true);
	num_ok("999\xE2\x80\x89" "000", TH_HINT_WHOLE, 999000, 0, TH_READ_PLAIN, false, true);
	num_ok("1  234", TH_HINT_WHOLE, 1234, 0, TH_READ_PLAIN, false, true);
}

static void test_num_mixed(void **state)
{
	(void)state;
	num_ok("1.234,5", TH_HINT_NONE, 1234.5, 1, TH_READ_MIXED, false, false);
	num_ok("1.234,5", TH_HINT_WHOLE, 1234.5, 1, TH_READ_MIXED, false, false);
	num_ok("1,234.5", TH_HINT_NONE, 1234.5, 1, TH_READ_MIXED, false, false);
	num_ok("1,234,567.89", TH_HINT_DECIMAL, 1234567.89, 2, TH_READ_MIXED, false, false);
	num_ok("1.234.567,891", TH_HINT_WHOLE, 1234567.891, 3, TH_READ_MIXED, false, false);
	num_ok("12.500,75%", TH_HINT_DECIMAL, 12500.75, 2, TH_READ_MIXED, true, false);
	/* blank grouping with a decimal mark is reported by the mark */
	num_ok("1 234,5", TH_HINT_NONE, 1234.5, 1, TH_READ_DECIMAL_COMMA, false, true);
	num_ok("1 234.56", TH_HINT_NONE, 1234.56, 2, TH_READ_DECIMAL_DOT, false, true);
	num_ok("1 234 567,125", TH_HINT_WHOLE, 1234567.125, 3, TH_READ_DECIMAL_COMMA, false, true);
}

static void test_num_ambiguous(void **state)
{
	(void)state;
	/* single dot + 3 digits */
	num_ok("3.000", TH_HINT_WHOLE, 3000, 0, TH_READ_AMBIGUOUS_THOUSANDS, false, false);
	num_ok("3.000", TH_HINT_NONE, 3000, 0, TH_READ_AMBIGUOUS_THOUSANDS, false, false);
	num_ok("3.000", TH_HINT_DECIMAL, 3, 3, TH_READ_AMBIGUOUS_DECIMAL, false, false);
	num_ok("2.014", TH_HINT_WHOLE, 2014, 0, TH_READ_AMBIGUOUS_THOUSANDS, false, false);
	num_ok("2.014", TH_HINT_DECIMAL, 2.014, 3, TH_READ_AMBIGUOUS_DECIMAL, false, false);
	num_ok("999.999", TH_HINT_WHOLE, 999999, 0, TH_READ_AMBIGUOUS_THOUSANDS, false, false);
	/* a written % makes NONE read a decimal */
	num_ok("3.000%", TH_HINT_NONE, 3, 3, TH_READ_AMBIGUOUS_DECIMAL, true, false);
	num_ok("3.000%", TH_HINT_WHOLE, 3000, 0, TH_READ_AMBIGUOUS_THOUSANDS, true, false);
	/* single comma + 3 digits: the vi decimal comma unless the row is whole */
	num_ok("2,014", TH_HINT_WHOLE, 2014, 0, TH_READ_AMBIGUOUS_THOUSANDS, false, false);
	num_ok("2,014", TH_HINT_NONE, 2.014, 3, TH_READ_AMBIGUOUS_DECIMAL, false, false);
	num_ok("2,014", TH_HINT_DECIMAL, 2.014, 3, TH_READ_AMBIGUOUS_DECIMAL, false, false);
	num_ok("-5,000", TH_HINT_WHOLE, -5000, 0, TH_READ_AMBIGUOUS_THOUSANDS, false, false);
}

static void test_num_percent_and_blanks(void **state)
{
	(void)state;
	num_ok("88%", TH_HINT_DECIMAL, 88, 0, TH_READ_PLAIN, true, false);
	num_ok("98,16 %", TH_HINT_DECIMAL, 98.16, 2, TH_READ_DECIMAL_COMMA, true, true);
	num_ok("71,25%", TH_HINT_DECIMAL, 71.25, 2, TH_READ_DECIMAL_COMMA, true, false);
	num_ok("57,12 %", TH_HINT_NONE, 57.12, 2, TH_READ_DECIMAL_COMMA, true, true);
	num_ok("100\xC2\xA0%", TH_HINT_DECIMAL, 100, 0, TH_READ_PLAIN, true, true);
	num_ok("\xC2\xA0 25 \xC2\xA0", TH_HINT_WHOLE, 25, 0, TH_READ_PLAIN, false, true);
	num_ok(" 25", TH_HINT_WHOLE, 25, 0, TH_READ_PLAIN, false, true);
	num_ok("\xE2\x80\x8B" "25", TH_HINT_WHOLE, 25, 0, TH_READ_PLAIN, false, true);
	num_ok("\xEF\xBB\xBF" "7", TH_HINT_WHOLE, 7, 0, TH_READ_PLAIN, false, true);
	num_ok("-2%", TH_HINT_DECIMAL, -2, 0, TH_READ_PLAIN, true, false);
	num_ok(" 0,5 % ", TH_HINT_DECIMAL, 0.5, 1, TH_READ_DECIMAL_COMMA, true, true);
}

static void test_num_invalid(void **state)
{
	static const char *const bad[] = {
		"", " ", "\xC2\xA0", "-", "+", "%", "-%", "x", "X", "abc", "12a", "a12", "1,2,3",
		"1..2", "1.23.4", "1.2.3", "1,,2", "5.", "5,", "1.", ".", ",", "1.234.56", "12.34.567",
		"1,23,456", "1.234,567.8", "1,2.5", "1.23,4", "1.234 5", "12 34", "1234 567", "0 123",
		"01.234.567", "0.123.456", "--3", "+-3", "-+3", "3-", "3 -", "1e5", "0x10", "12%%",
		"%12", "(3)", "12 a", "1/2", "NaN", "inf", "3\xC2", "12\xE2\x80", "\xFF", "2.5 %x",
		"1 .5", "1. 5", "1 ,5", " . 5",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		num_bad(bad[i]);
}

static void test_num_limits(void **state)
{
	th_num v;
	char digits[48];

	(void)state;
	num_ok("999.999.999.999.999", TH_HINT_WHOLE, 999999999999999.0, 0, TH_READ_GROUPED_DOT,
	       false, false);
	num_ok("1.000.000.000.000.000", TH_HINT_WHOLE, 1e15, 0, TH_READ_GROUPED_DOT, false, false);
	num_ok("-1000000000000000", TH_HINT_WHOLE, -1e15, 0, TH_READ_PLAIN, false, false);
	num_bad("1.000.000.000.000.001");
	num_bad("1000000000000001");
	num_bad("-99999999999999999999");
	/* 40 digits are read (leading zeros), 41 are refused */
	memset(digits, '0', 39);
	digits[39] = '7';
	digits[40] = '\0';
	num_ok(digits, TH_HINT_WHOLE, 7, 0, TH_READ_PLAIN, false, false);
	memset(digits, '0', 40);
	digits[40] = '7';
	digits[41] = '\0';
	num_bad(digits);
	/* many decimals */
	num_ok("0.33333333333333331", TH_HINT_DECIMAL, 0.33333333333333331, 17, TH_READ_DECIMAL_DOT,
	       false, false);
	/* -0 is +0 */
	assert_int_equal(th_vn_parse_number("-0", 2, TH_HINT_WHOLE, &v), 0);
	assert_true(v.value == 0 && !signbit(v.value));
	assert_int_equal(th_vn_parse_number("-0,00", 5, TH_HINT_DECIMAL, &v), 0);
	assert_true(v.value == 0 && !signbit(v.value) && v.decimals == 2);
}

static void test_num_length_bounds(void **state)
{
	th_num v;

	(void)state;
	/* only s[0..n) is read: no NUL needed, trailing bytes ignored */
	assert_int_equal(th_vn_parse_number("25xyz", 2, TH_HINT_WHOLE, &v), 0);
	assert_true(v.value == 25);
	assert_int_equal(th_vn_parse_number("67,1 văn bản", 4, TH_HINT_DECIMAL, &v), 0);
	assert_true(v.value == 67.1);
	/* an embedded NUL is not a number */
	assert_int_equal(th_vn_parse_number("2\0" "5", 3, TH_HINT_WHOLE, &v), -1);
	assert_int_equal(th_vn_parse_number(NULL, 0, TH_HINT_WHOLE, &v), -1);
	assert_int_equal(th_vn_parse_number("x", 0, TH_HINT_WHOLE, &v), -1);
}

static void test_is_dash(void **state)
{
	static const char *const yes[] = {
		"-", " x ", "X", "x", "\xE2\x80\x93", "\xE2\x80\x94", "\xE2\x88\x92", "\xE2\x80\xA6",
		"...", "\xC2\xA0-\xC2\xA0", "\t\xE2\x80\x93\n",
	};
	static const char *const no[] = {
		"", " ", "0", "-3", "--", "xx", "x1", "..", "....", "n/a", "\xE2\x80\xA6\xE2\x80\xA6",
		"- -", "y",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!th_vn_is_dash(yes[i], strlen(yes[i])))
			fail_msg("'%s' is not a dash", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (th_vn_is_dash(no[i], strlen(no[i])))
			fail_msg("'%s' is a dash", no[i]);
	assert_false(th_vn_is_dash(NULL, 0));
	assert_true(th_vn_is_dash("-5", 1));
}

/* ---- dates ---- */

static void test_date_valid(void **state)
{
	(void)state;
	assert_true(th_date_valid(2023, 9, 12));
	assert_true(th_date_valid(2024, 2, 29));
	assert_true(th_date_valid(2000, 2, 29));
	assert_false(th_date_valid(1900, 2, 29));
	assert_false(th_date_valid(2023, 2, 29));
	assert_false(th_date_valid(2023, 2, 31));
	assert_false(th_date_valid(2023, 4, 31));
	assert_true(th_date_valid(2023, 12, 31));
	assert_false(th_date_valid(2023, 13, 1));
	assert_false(th_date_valid(2023, 0, 1));
	assert_false(th_date_valid(2023, 1, 0));
	assert_true(th_date_valid(1900, 1, 1));
	assert_false(th_date_valid(1899, 12, 31));
	assert_true(th_date_valid(9999, 12, 31));
	assert_false(th_date_valid(10000, 1, 1));
	assert_false(th_date_valid(0, 1, 1));
}

static void test_date_days(void **state)
{
	th_date t;

	(void)state;
	assert_int_equal(th_date_days(mkdate(1970, 1, 1)), 0);
	assert_int_equal(th_date_days(mkdate(1900, 1, 1)), -25567);
	assert_int_equal(th_date_days(mkdate(9999, 12, 31)), 2932896);
	assert_int_equal(th_date_days(mkdate(2023, 9, 12)), 19612);
	assert_int_equal(th_date_days(mkdate(0, 0, 0)), INT32_MIN);
	assert_int_equal(th_date_days(mkdate(2023, 2, 30)), INT32_MIN);
	t = th_date_from_days(19612);
	assert_true(t.y == 2023 && t.m == 9 && t.d == 12);
	t = th_date_from_days(-25567);
	assert_true(t.y == 1900 && t.m == 1 && t.d == 1);
	assert_int_equal(th_date_from_days(-25568).y, 0);
	assert_int_equal(th_date_from_days(2932897).y, 0);
	assert_int_equal(th_date_from_days(INT32_MIN).y, 0);
	assert_int_equal(th_date_from_days(INT32_MAX).y, 0);
	/* round trip over every day 1900..2100 */
	for (int32_t z = -25567; z < th_date_days(mkdate(2100, 12, 31)); z++) {
		t = th_date_from_days(z);
		if (!th_date_valid(t.y, t.m, t.d) || th_date_days(t) != z)
			fail_msg("day %d", (int)z);
	}
}

static void test_date_add_days(void **state)
{
	static const struct {
		int y, m, d, n, wy, wm, wd;
	} cases[] = {
		{ 2024, 2, 28, 2, 2024, 3, 1 },   { 2023, 2, 28, 1, 2023, 3, 1 },
		{ 2024, 2, 28, 1, 2024, 2, 29 },  { 2000, 2, 28, 1, 2000, 2, 29 },
		{ 2100, 2, 28, 1, 2100, 3, 1 },   { 2023, 12, 31, 1, 2024, 1, 1 },
		{ 2024, 1, 1, -1, 2023, 12, 31 }, { 2023, 9, 9, -91, 2023, 6, 10 },
		{ 2023, 6, 10, 91, 2023, 9, 9 },  { 2023, 1, 31, 30, 2023, 3, 2 },
		{ 2024, 3, 1, -1, 2024, 2, 29 },  { 2023, 9, 12, 0, 2023, 9, 12 },
		{ 2023, 1, 1, 365, 2024, 1, 1 },  { 2024, 1, 1, 366, 2025, 1, 1 },
		{ 1900, 1, 1, 0, 1900, 1, 1 },    { 9999, 12, 30, 1, 9999, 12, 31 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		th_date t = th_date_add_days(mkdate(cases[i].y, cases[i].m, cases[i].d), cases[i].n);

		if (t.y != cases[i].wy || t.m != cases[i].wm || t.d != cases[i].wd)
			fail_msg("case %zu: got %d-%d-%d", i, (int)t.y, t.m, t.d);
	}
	assert_int_equal(th_date_add_days(mkdate(1900, 1, 1), -1).y, 0);
	assert_int_equal(th_date_add_days(mkdate(9999, 12, 31), 1).y, 0);
	assert_int_equal(th_date_add_days(mkdate(2023, 1, 1), INT32_MAX).y, 0);
	assert_int_equal(th_date_add_days(mkdate(2023, 1, 1), INT32_MIN).y, 0);
	assert_int_equal(th_date_add_days(mkdate(0, 0, 0), 5).y, 0);
	assert_int_equal(th_date_add_days(mkdate(2023, 2, 29), 1).y, 0);
}

static void test_date_cmp(void **state)
{
	(void)state;
	assert_int_equal(th_date_cmp(mkdate(2023, 9, 9), mkdate(2023, 9, 12)), -1);
	assert_int_equal(th_date_cmp(mkdate(2023, 9, 12), mkdate(2023, 9, 9)), 1);
	assert_int_equal(th_date_cmp(mkdate(2023, 9, 12), mkdate(2023, 9, 12)), 0);
	assert_int_equal(th_date_cmp(mkdate(2022, 12, 31), mkdate(2023, 1, 1)), -1);
	assert_int_equal(th_date_cmp(mkdate(2023, 1, 31), mkdate(2023, 2, 1)), -1);
	assert_int_equal(th_date_cmp(mkdate(0, 0, 0), mkdate(1900, 1, 1)), -1);
	assert_int_equal(th_date_cmp(mkdate(1900, 1, 1), mkdate(0, 0, 0)), 1);
	assert_int_equal(th_date_cmp(mkdate(0, 0, 0), mkdate(0, 0, 0)), 0);
}

static void test_date_from_serial(void **state)
{
	th_date t;

	(void)state;
	serial_is(45087, false, "2023-06-10");
	serial_is(45178, false, "2023-09-09");
	serial_is(45087.75, false, "2023-06-10");         /* time of day dropped */
	serial_is(45087.9999999999, false, "2023-06-11"); /* rounds to the next millisecond day */
	serial_is(1, false, "1900-01-01");
	serial_is(59, false, "1900-02-28");
	serial_is(61, false, "1900-03-01");
	serial_is(2958465, false, "9999-12-31");
	/* 1904 system: serial + 1462 is the 1900-system serial of the same day */
	serial_is(43625, true, "2023-06-10");
	serial_is(45087 - 1462 + 91, true, "2023-09-09");
	serial_is(43639, true, "2023-06-24");
	serial_is(1, true, "1904-01-02");
	/* not dates */
	assert_int_equal(th_date_from_serial(60, false, &t), -1); /* the fictitious 1900-02-29 */
	assert_int_equal(t.y, 0);
	assert_int_equal(th_date_from_serial(0, false, &t), -1);
	assert_int_equal(th_date_from_serial(0.5, false, &t), -1);
	assert_int_equal(th_date_from_serial(0, true, &t), -1);
	assert_int_equal(th_date_from_serial(-1, false, &t), -1);
	assert_int_equal(th_date_from_serial(NAN, false, &t), -1);
	assert_int_equal(th_date_from_serial(INFINITY, false, &t), -1);
	assert_int_equal(th_date_from_serial(2958466, false, &t), -1);
	assert_int_equal(th_date_from_serial(2958465 - 1462 + 1, true, &t), -1);
	assert_int_equal(t.y, 0);
}

/* The next day of a calendar walked one day at a time (not the library's arithmetic). */
static void next_day(int *y, int *m, int *d)
{
	static const int len[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int n = len[*m - 1] + (*m == 2 && ((*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0));

	if (++*d > n) {
		*d = 1;
		if (++*m > 12) {
			*m = 1;
			++*y;
		}
	}
}

/* serial is the day y-m-d for th_date_from_serial, and for th_serial_to_iso when iso is set. */
static void serial_day(double serial, bool sys, int y, int m, int d, bool iso)
{
	char want[TH_DATE_MAX], text[TH_ISO_MAX];
	th_date t;

	if (th_date_from_serial(serial, sys, &t) != 0 || t.y != y || t.m != m || t.d != d)
		fail_msg("serial %.17g (1904 %d): %d-%d-%d, want %d-%d-%d", serial, sys, (int)t.y, t.m, t.d, y, m, d);
	if (!iso)
		return;
	snprintf(want, sizeof(want), "%04d-%02d-%02d", y, m, d);
	if (th_serial_to_iso(serial, sys, text) < 0 || strncmp(text, want, 10) != 0 || text[10] != 'T')
		fail_msg("serial %.17g (1904 %d): iso %s, want %s", serial, sys, text, want);
}

/*
 * Every day of both date systems against a calendar walked day by day from each epoch:
 * serial 1 is 1900-01-01 (1904-01-02 in the 1904 system), serial 60 the fictitious
 * 1900-02-29 (no date, shown as such by th_serial_to_iso), and the last day 9999-12-31;
 * a time of day and a millisecond's rounding never move the day (checked on every 61st
 * day and the first and last years, with th_serial_to_iso's text).
 */
static void test_date_serial_walk(void **state)
{
	(void)state;
	for (int sys = 0; sys < 2; sys++) {
		int y = sys ? 1904 : 1900, m = 1, d = sys ? 2 : 1;
		double s = 1;
		th_date t;
		char iso[TH_ISO_MAX];

		for (;; s++) {
			if (!sys && s == 60) {
				assert_int_equal(th_date_from_serial(60, false, &t), -1);
				assert_int_equal(th_serial_to_iso(60.5, false, iso), 19);
				assert_string_equal(iso, "1900-02-29T12:00:00");
				continue;
			}
			/* every day; a time of day, a millisecond's rounding and the text on a sample */
			bool sample = (long)s % 61 == 0 || y < 1901 || y > 9998;
			serial_day(s, sys, y, m, d, sample);
			if (sample) {
				serial_day(s + 0.37, sys, y, m, d, true);
				serial_day(s + 0.9999, sys, y, m, d, true);
				serial_day(s - 1e-9, sys, y, m, d, true); /* rounds to this day's midnight */
			}
			if (y == 9999 && m == 12 && d == 31)
				break;
			next_day(&y, &m, &d);
		}
		assert_true(s == (sys ? 2957003 : 2958465));
		assert_int_equal(th_date_from_serial(s + 1, sys, &t), -1);
		assert_int_equal(th_serial_to_iso(s + 1, sys, iso), -1);
	}
}

static void test_date_format(void **state)
{
	char buf[TH_DATE_MAX];

	(void)state;
	th_date_iso(mkdate(2023, 9, 12), buf);
	assert_string_equal(buf, "2023-09-12");
	th_date_vn(mkdate(2023, 9, 12), buf);
	assert_string_equal(buf, "12/09/2023");
	th_date_vn(mkdate(2023, 2, 5), buf);
	assert_string_equal(buf, "05/02/2023");
	th_date_iso(mkdate(1900, 1, 1), buf);
	assert_string_equal(buf, "1900-01-01");
	th_date_iso(mkdate(9999, 12, 31), buf);
	assert_string_equal(buf, "9999-12-31");
	th_date_iso(mkdate(0, 0, 0), buf);
	assert_string_equal(buf, "");
	th_date_vn(mkdate(0, 0, 0), buf);
	assert_string_equal(buf, "");
	th_date_iso(mkdate(2023, 2, 30), buf);
	assert_string_equal(buf, "");
}

static void test_parse_date_numeric(void **state)
{
	(void)state;
	date_ok("09/9/2023", 2023, 9, 9);
	date_ok("12/6/2023", 2023, 6, 12);
	date_ok("12/9/2023", 2023, 9, 12);
	date_ok("09/03/2023", 2023, 3, 9);
	date_ok("20/2/2023", 2023, 2, 20);
	date_ok("1/1/2024", 2024, 1, 1);
	date_ok("12-09-2023", 2023, 9, 12);
	date_ok("12.09.2023", 2023, 9, 12);
	date_ok("12.09.2023.", 2023, 9, 12);
	date_ok(" 12/09/2023 ", 2023, 9, 12);
	date_ok("\xC2\xA0" "12 / 09 / 2023\xC2\xA0", 2023, 9, 12);
	date_ok("29/02/2024", 2024, 2, 29);
	/* day first even when both fields are <= 12 */
	date_ok("05/02/2023", 2023, 2, 5);
	date_ok("2023-09-12", 2023, 9, 12);
	date_ok("2023/9/12", 2023, 9, 12);
	date_ok("2023-9-1", 2023, 9, 1);
}

static void test_parse_date_words(void **state)
{
	(void)state;
	date_ok("ngày 12 tháng 9 năm 2023", 2023, 9, 12);
	date_ok("Ngày 01 tháng 3 năm 2022", 2022, 3, 1);
	date_ok("Ngày 12 tháng 09 năm 2023", 2023, 9, 12);
	date_ok("ngày 17 tháng 4 năm 2023", 2023, 4, 17);
	date_ok("NGÀY 17 THÁNG 4 NĂM 2023", 2023, 4, 17);
	date_ok("ngày 17 tháng 4 năm 2023.", 2023, 4, 17);
	date_ok("  ngày\xC2\xA0 17  tháng\t4 năm   2023  ", 2023, 4, 17);
	/* NFD: a + combining grave / acute / breve */
	date_ok("nga\xCC\x80y 5 tha\xCC\x81ng 10 na\xCC\x86m 2025", 2025, 10, 5);
	/* no diacritics */
	date_ok("ngay 5 thang 10 nam 2025", 2025, 10, 5);
	date_ok("ngày 12/9/2023", 2023, 9, 12);
	date_ok("Ngày 08/10/2025", 2025, 10, 8);
	date_ok("ngày12 tháng9 năm2023", 2023, 9, 12);
}

static void test_parse_date_invalid(void **state)
{
	static const char *const bad[] = {
		"", " ", ".", "31/2/2023", "29/02/2023", "12/13/2023", "0/1/2023", "1/0/2023",
		"ngày      tháng 7 năm 2023", "ngày  tháng  năm 2023", "ngày 12 tháng 9 năm", "12/9/23",
		"12/9/02023", "12-09/2023", "12/09", "2023", "123/9/2023", "12/009/2023", "2023-13-01",
		"2023-02-30", "2023-09", "23-09-12", "12/9/2023 abc", "Sáng ngày 08/10/2025",
		"ngày 12 tháng 9 năm 2023 abc", "ngày 12 tháng 9/2023", "ngàyy 12 tháng 9 năm 2023",
		"ngày 12 thang9x năm 2023", "ngày 2023-09-12", "12/9/1899", "12/9/10000", "abc",
		"quý III năm 2023", "12/9/2023..", "x", "12 9 2023", "12//9/2023",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		date_bad(bad[i]);
	{
		th_date t = { 2000, 1, 1 };

		assert_int_equal(th_vn_parse_date(NULL, 0, &t), -1);
		assert_int_equal(t.y, 0);
		/* only s[0..n) is read */
		assert_int_equal(th_vn_parse_date("12/9/2023xyz", 9, &t), 0);
		assert_true(t.y == 2023 && t.m == 9 && t.d == 12);
	}
}

/* ---- periods ---- */

static void test_period_parse(void **state)
{
	(void)state;
	period_ok("2023-M07", TH_P_MONTH, 2023, 7, "2023-M07");
	period_ok("2023-M7", TH_P_MONTH, 2023, 7, "2023-M07");
	period_ok("2023-M12", TH_P_MONTH, 2023, 12, "2023-M12");
	period_ok("2023-m01", TH_P_MONTH, 2023, 1, "2023-M01");
	period_ok("2023-Q1", TH_P_QUARTER, 2023, 1, "2023-Q1");
	period_ok("2023-Q3", TH_P_QUARTER, 2023, 3, "2023-Q3");
	period_ok("2023-Q4", TH_P_QUARTER, 2023, 4, "2023-Q4");
	period_ok("2023-q2", TH_P_QUARTER, 2023, 2, "2023-Q2");
	period_ok("2023-H1", TH_P_HALF, 2023, 1, "2023-H1");
	period_ok("2023-H2", TH_P_HALF, 2023, 2, "2023-H2");
	period_ok("2023-9M", TH_P_NINE, 2023, 0, "2023-9M");
	period_ok("2023-9m", TH_P_NINE, 2023, 0, "2023-9M");
	period_ok("2023", TH_P_YEAR, 2023, 0, "2023");
	period_ok("1900", TH_P_YEAR, 1900, 0, "1900");
	period_ok("9999-M12", TH_P_MONTH, 9999, 12, "9999-M12");
}

static void test_period_parse_invalid(void **state)
{
	static const char *const bad[] = {
		"", "2023-Q5", "2023-Q0", "2023-M13", "2023-M00", "2023-M0", "2023-M007", "23-Q3",
		"2023-Q", "2023-H3", "2023-H0", "2023-", "2023-9", "2023-8M", "2023-9MM", "2023-Q3 ",
		" 2023", "2023Q3", "2023-Q03", "2023-X1", "202", "20234", "1899", "0000-Q1", "abcd",
		"2023-M-7", "2023-Q+3", "2023-M 7", "2023-H1x",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		period_bad(bad[i]);
	period_bad(NULL);
}

static void test_period_format(void **state)
{
	th_period p = { TH_P_QUARTER, 2023, 3 };
	char buf[TH_PERIOD_MAX], small[5];

	(void)state;
	th_period_format(p, small, sizeof(small));
	assert_string_equal(small, "2023");
	th_period_format(p, small, 0); /* nothing written */
	p.kind = TH_P_NONE;
	th_period_format(p, buf, sizeof(buf));
	assert_string_equal(buf, "");
	p.kind = TH_P_QUARTER;
	p.n = 5;
	th_period_format(p, buf, sizeof(buf));
	assert_string_equal(buf, "");
	p.kind = TH_P_YEAR;
	p.n = 0;
	p.year = 123;
	th_period_format(p, buf, sizeof(buf));
	assert_string_equal(buf, "");
	/* every valid period round-trips */
	for (int k = TH_P_MONTH; k <= TH_P_YEAR; k++) {
		for (int n = 0; n <= 12; n++) {
			th_period q = { (th_pkind)k, 2024, n }, r;

			th_period_format(q, buf, sizeof(buf));
			if (buf[0] == '\0')
				continue;
			if (th_period_parse(buf, &r) != 0 || r.kind != q.kind || r.year != q.year ||
			    r.n != q.n)
				fail_msg("'%s' does not round-trip", buf);
		}
	}
}

static void test_period_label(void **state)
{
	th_period p = { TH_P_HALF, 2023, 2 };
	char buf[TH_PERIOD_LABEL_MAX], small[10];

	(void)state;
	label_is(TH_P_QUARTER, 2023, 3, "quý III năm 2023");
	label_is(TH_P_QUARTER, 2023, 1, "quý I năm 2023");
	label_is(TH_P_QUARTER, 2023, 4, "quý IV năm 2023");
	label_is(TH_P_MONTH, 2023, 7, "tháng 7 năm 2023");
	label_is(TH_P_MONTH, 2023, 12, "tháng 12 năm 2023");
	label_is(TH_P_HALF, 2023, 1, "6 tháng đầu năm 2023");
	label_is(TH_P_HALF, 2023, 2, "6 tháng cuối năm 2023");
	label_is(TH_P_NINE, 2023, 0, "9 tháng năm 2023");
	label_is(TH_P_YEAR, 2023, 0, "năm 2023");
	label_is(TH_P_NONE, 2023, 0, "");
	label_is(TH_P_MONTH, 2023, 13, "");
	/* the longest label fits the constant exactly */
	p.year = 9999;
	th_period_label_vi(p, buf, sizeof(buf));
	assert_string_equal(buf, "6 tháng cuối năm 9999");
	assert_int_equal(strlen(buf) + 1, TH_PERIOD_LABEL_MAX);
	/* truncation never splits a character: "6 tháng" is 8 bytes, "á" is bytes 4-5 */
	th_period_label_vi(p, small, 5);
	assert_string_equal(small, "6 th");
	th_period_label_vi(p, small, 6);
	assert_string_equal(small, "6 th");
	th_period_label_vi(p, small, 7);
	assert_string_equal(small, "6 thá");
}

static void test_period_months(void **state)
{
	static const struct {
		th_pkind k;
		int n, first, last;
	} cases[] = {
		{ TH_P_MONTH, 7, 7, 7 },    { TH_P_MONTH, 12, 12, 12 }, { TH_P_QUARTER, 1, 1, 3 },
		{ TH_P_QUARTER, 3, 7, 9 },  { TH_P_QUARTER, 4, 10, 12 }, { TH_P_HALF, 1, 1, 6 },
		{ TH_P_HALF, 2, 7, 12 },    { TH_P_NINE, 0, 1, 9 },     { TH_P_YEAR, 0, 1, 12 },
		{ TH_P_NONE, 0, 0, 0 },     { TH_P_QUARTER, 5, 0, 0 },  { TH_P_MONTH, 0, 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		th_period p = { cases[i].k, 2023, cases[i].n };
		int first = -1, last = -1;

		th_period_months(p, &first, &last);
		if (first != cases[i].first || last != cases[i].last)
			fail_msg("case %zu: %d..%d", i, first, last);
	}
}

static void test_roman(void **state)
{
	static const char *const up[] = {
		"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
	};
	static const char *const bad[] = {
		"", "IIII", "VV", "XIII", "IL", "IC", "0", "3", "IIV", "VX", "I I", "XIIII", "III.",
	};

	(void)state;
	assert_int_equal(th_roman("III", 3), 3);
	assert_int_equal(th_roman("IV", 2), 4);
	assert_int_equal(th_roman("iv", 2), 4);
	assert_int_equal(th_roman("Xii", 3), 12);
	assert_int_equal(th_roman(" II ", 4), 2);
	assert_int_equal(th_roman("IIII", 4), 0);
	assert_int_equal(th_roman("III/2023", 3), 3);
	assert_int_equal(th_roman(NULL, 0), 0);
	for (size_t i = 0; i < 12; i++)
		assert_int_equal(th_roman(up[i], strlen(up[i])), (int)i + 1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (th_roman(bad[i], strlen(bad[i])) != 0)
			fail_msg("'%s' read as a numeral", bad[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_num_plain),
		cmocka_unit_test(test_num_decimal_comma),
		cmocka_unit_test(test_num_decimal_dot),
		cmocka_unit_test(test_num_grouped),
		cmocka_unit_test(test_num_mixed),
		cmocka_unit_test(test_num_ambiguous),
		cmocka_unit_test(test_num_percent_and_blanks),
		cmocka_unit_test(test_num_invalid),
		cmocka_unit_test(test_num_limits),
		cmocka_unit_test(test_num_length_bounds),
		cmocka_unit_test(test_is_dash),
		cmocka_unit_test(test_date_valid),
		cmocka_unit_test(test_date_days),
		cmocka_unit_test(test_date_add_days),
		cmocka_unit_test(test_date_cmp),
		cmocka_unit_test(test_date_from_serial),
		cmocka_unit_test(test_date_serial_walk),
		cmocka_unit_test(test_date_format),
		cmocka_unit_test(test_parse_date_numeric),
		cmocka_unit_test(test_parse_date_words),
		cmocka_unit_test(test_parse_date_invalid),
		cmocka_unit_test(test_period_parse),
		cmocka_unit_test(test_period_parse_invalid),
		cmocka_unit_test(test_period_format),
		cmocka_unit_test(test_period_label),
		cmocka_unit_test(test_period_months),
		cmocka_unit_test(test_roman),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
