/*
 * Unit tests for number formats (numfmt.h): which formats show dates, percents or text,
 * Excel date serials turned into ISO 8601 text (1900 and 1904 systems, the fictitious
 * 1900-02-29, millisecond rounding, the limits) and the civil-date helpers.
 * SPDX-License-Identifier: MIT
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <string.h>

#include <cmocka.h>

#include "read/numfmt.h"

/* ---- th_numfmt_builtin / th_numfmt_kind ---- */

static void test_builtin_codes(void **state)
{
	(void)state;
	assert_string_equal(th_numfmt_builtin(0), "General");
	assert_string_equal(th_numfmt_builtin(9), "0%");
	assert_string_equal(th_numfmt_builtin(14), "mm-dd-yy");
	assert_string_equal(th_numfmt_builtin(22), "m/d/yy h:mm");
	assert_string_equal(th_numfmt_builtin(49), "@");
	assert_null(th_numfmt_builtin(5)); /* currency ids depend on the locale */
	assert_null(th_numfmt_builtin(164));
	assert_null(th_numfmt_builtin(UINT32_MAX));
}

static void test_kind_builtin_ids(void **state)
{
	static const uint32_t dates[] = { 14, 15, 16, 17, 22, 27, 36, 50, 58, 71, 81 };
	static const uint32_t times[] = { 18, 19, 20, 21, 45, 46, 47 };
	static const uint32_t plain[] = { 0, 1, 2, 3, 4, 11, 12, 13, 37, 40, 48 };

	(void)state;
	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++)
		assert_int_equal(th_numfmt_kind(dates[i], NULL), TH_NUM_DATE);
	for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++)
		assert_int_equal(th_numfmt_kind(times[i], NULL), TH_NUM_TIME);
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		assert_int_equal(th_numfmt_kind(plain[i], NULL), TH_NUM_GENERAL);
	assert_int_equal(th_numfmt_kind(9, NULL), TH_NUM_PERCENT);
	assert_int_equal(th_numfmt_kind(10, NULL), TH_NUM_PERCENT);
	assert_int_equal(th_numfmt_kind(49, NULL), TH_NUM_TEXT);
	/* ids outside the built-in date ranges */
	assert_int_equal(th_numfmt_kind(23, NULL), TH_NUM_GENERAL);
	assert_int_equal(th_numfmt_kind(44, NULL), TH_NUM_GENERAL);
	assert_int_equal(th_numfmt_kind(59, NULL), TH_NUM_GENERAL);
	assert_int_equal(th_numfmt_kind(82, NULL), TH_NUM_GENERAL);
	/* a custom id with no code */
	assert_int_equal(th_numfmt_kind(164, NULL), TH_NUM_GENERAL);
}

static void test_numkind_is_serial(void **state)
{
	(void)state;
	assert_true(th_numkind_is_serial(TH_NUM_DATE));
	assert_true(th_numkind_is_serial(TH_NUM_TIME));
	assert_false(th_numkind_is_serial(TH_NUM_GENERAL));
	assert_false(th_numkind_is_serial(TH_NUM_PERCENT));
	assert_false(th_numkind_is_serial(TH_NUM_TEXT));
	/* every built-in date or time id is a serial, whatever code is attached */
	for (uint32_t id = 0; id < 200; id++) {
		bool want = (id >= 14 && id <= 22) || (id >= 27 && id <= 36) ||
			    (id >= 45 && id <= 47) || (id >= 50 && id <= 58) || (id >= 71 && id <= 81);
		if (!want)
			continue;
		if (!th_numkind_is_serial(th_numfmt_kind(id, NULL)))
			fail_msg("id %u with no code is not a serial", id);
		if (!th_numkind_is_serial(th_numfmt_kind(id, "General")))
			fail_msg("id %u with code General is not a serial", id);
		if (!th_numkind_is_serial(th_numfmt_kind(id, "0.00")))
			fail_msg("id %u with code 0.00 is not a serial", id);
	}
}

static void test_kind_builtin_date_id_wins(void **state)
{
	(void)state;
	/* built-in date ids are dates whatever code a producer attached to them */
	assert_int_equal(th_numfmt_kind(14, "General"), TH_NUM_DATE);
	assert_int_equal(th_numfmt_kind(22, "0.00"), TH_NUM_DATE);
	assert_int_equal(th_numfmt_kind(45, "0.00"), TH_NUM_TIME);
	/* ids 27-36 etc. are locale dates: their attached code says date or time */
	assert_int_equal(th_numfmt_kind(27, "dd/mm/yyyy"), TH_NUM_DATE);
	assert_int_equal(th_numfmt_kind(32, "h:mm:ss"), TH_NUM_TIME);
	/* any other id is judged by its code, the built-in one overridden */
	assert_int_equal(th_numfmt_kind(0, "dd/mm/yyyy"), TH_NUM_DATE);
	assert_int_equal(th_numfmt_kind(9, "0.00"), TH_NUM_GENERAL);
}

static void test_kind_custom_dates(void **state)
{
	(void)state;
	assert_int_equal(th_numfmt_kind(164, "dd/mm/yyyy"), TH_NUM_DATE);
	assert_int_equal(th_numfmt_kind(164, "d/m/yyyy;@"), TH_NUM_DATE);
	assert_int_equal(th_numfmt_kind(164, "[$-42A]dd/mm/yyyy"), TH_NUM_DATE);
	assert_int_equal(th_numfmt_kind(164, "yyyy-mm-dd hh:mm:ss"), TH_NUM_DATE);
	assert_int_equal(th_numfmt_kind(164, "hh:mm dd/mm/yyyy"), TH_NUM_DATE);
	assert_int_equal(th_numfmt_kind(164, "m/d/yy h:mm"), TH_NUM_DATE);
	assert_int_equal(th_numfmt_kind(164, "mmm-yy"), TH_NUM_DATE);
	assert_int_equal(th_numfmt_kind(164, "mm"), TH_NUM_DATE); /* alone, m is the month */
	assert_int_equal(th_numfmt_kind(164, "mmmm"), TH_NUM_DATE);
	assert_int_equal(th_numfmt_kind(164, "DD/MM/YYYY"), TH_NUM_DATE);
	assert_int_equal(th_numfmt_kind(164, "\"Ngày\" dd \"tháng\" mm \"năm\" yyyy"), TH_NUM_DATE);
	assert_int_equal(th_numfmt_kind(164, "[$-F800]dddd\\,\\ mmmm\\ dd\\,\\ yyyy"), TH_NUM_DATE);
}

static void test_kind_custom_times(void **state)
{
	(void)state;
	assert_int_equal(th_numfmt_kind(164, "[h]:mm"), TH_NUM_TIME);
	assert_int_equal(th_numfmt_kind(164, "[mm]:ss"), TH_NUM_TIME);
	assert_int_equal(th_numfmt_kind(164, "[h]:mm:ss;@"), TH_NUM_TIME);
	assert_int_equal(th_numfmt_kind(164, "hh:mm"), TH_NUM_TIME);
	assert_int_equal(th_numfmt_kind(164, "h:mm:ss AM/PM"), TH_NUM_TIME); /* the M of AM is no month */
	assert_int_equal(th_numfmt_kind(164, "h:mm a/p"), TH_NUM_TIME);
	assert_int_equal(th_numfmt_kind(164, "mm:ss.0"), TH_NUM_TIME);
	assert_int_equal(th_numfmt_kind(164, "[$-42A]h:mm:ss AM/PM"), TH_NUM_TIME);
	assert_int_equal(th_numfmt_kind(164, "hh\"h\"mm"), TH_NUM_TIME); /* 8h30 */
	assert_int_equal(th_numfmt_kind(164, "h \"giờ\" m \"phút\""), TH_NUM_TIME);
}

/*
 * Three or more m are always a month name, even next to an h or an s ("mmmm hh:mm" shows
 * "September 18:00"): the format has a month code, so by the contract it is a date.
 */
static void test_kind_month_name_next_to_hour(void **state)
{
	(void)state;
	assert_int_equal(th_numfmt_kind(164, "mmm h:mm"), TH_NUM_DATE);
	assert_int_equal(th_numfmt_kind(164, "mmmm hh:mm"), TH_NUM_DATE);
}

static void test_kind_custom_not_dates(void **state)
{
	(void)state;
	assert_int_equal(th_numfmt_kind(164, "General"), TH_NUM_GENERAL);
	assert_int_equal(th_numfmt_kind(164, "general"), TH_NUM_GENERAL);
	assert_int_equal(th_numfmt_kind(164, "#,##0.00\" đ\""), TH_NUM_GENERAL);
	assert_int_equal(th_numfmt_kind(164, "\"Ngày\" 0"), TH_NUM_GENERAL);
	assert_int_equal(th_numfmt_kind(164, "0.0_);(0.0)"), TH_NUM_GENERAL);
	assert_int_equal(th_numfmt_kind(164, "[Red]0.00"), TH_NUM_GENERAL);
	assert_int_equal(th_numfmt_kind(164, "[Magenta]0"), TH_NUM_GENERAL);
	assert_int_equal(th_numfmt_kind(164, "\\d0"), TH_NUM_GENERAL);
	assert_int_equal(th_numfmt_kind(164, "#,##0 [$₫-42A]"), TH_NUM_GENERAL);
	assert_int_equal(th_numfmt_kind(164, "_(* #,##0_);_(* \\(#,##0\\);_(* \"-\"_);_(@_)"),
			 TH_NUM_GENERAL);
	assert_int_equal(th_numfmt_kind(164, "0.00E+00"), TH_NUM_GENERAL);
	/* a date code in a later section does not count */
	assert_int_equal(th_numfmt_kind(164, "0;-0;\"d\";dd"), TH_NUM_GENERAL);
}

static void test_kind_percent_and_text(void **state)
{
	(void)state;
	assert_int_equal(th_numfmt_kind(164, "0.00%"), TH_NUM_PERCENT);
	assert_int_equal(th_numfmt_kind(164, "0%;[Red]-0%"), TH_NUM_PERCENT);
	assert_int_equal(th_numfmt_kind(164, "[Blue]0.0%"), TH_NUM_PERCENT);
	/* a % only in a later section or only inside quotes is not a percent format */
	assert_int_equal(th_numfmt_kind(164, "0;0%"), TH_NUM_GENERAL);
	assert_int_equal(th_numfmt_kind(164, "0\"%\""), TH_NUM_GENERAL);
	assert_int_equal(th_numfmt_kind(164, "@"), TH_NUM_TEXT);
	assert_int_equal(th_numfmt_kind(164, "\"@\"0"), TH_NUM_GENERAL);
}

/* ---- th_serial_to_iso ---- */

static void iso_is(double serial, bool d1904, const char *want)
{
	char out[TH_ISO_MAX];
	int n = th_serial_to_iso(serial, d1904, out);

	assert_string_equal(out, want);
	assert_int_equal(n, (int)strlen(want));
}

static void iso_fails(double serial, bool d1904)
{
	char out[TH_ISO_MAX];

	memcpy(out, "garbage", 8);
	assert_int_equal(th_serial_to_iso(serial, d1904, out), -1);
	assert_string_equal(out, "");
}

static void test_iso_dates_1900(void **state)
{
	(void)state;
	iso_is(45181, false, "2023-09-12T00:00:00");
	iso_is(1, false, "1900-01-01T00:00:00");
	iso_is(59, false, "1900-02-28T00:00:00");
	iso_is(60, false, "1900-02-29T00:00:00"); /* Excel's fictitious day */
	iso_is(61, false, "1900-03-01T00:00:00");
	iso_is(25569, false, "1970-01-01T00:00:00");
	iso_is(36585, false, "2000-02-29T00:00:00");
	iso_is(44197, false, "2021-01-01T00:00:00");
	iso_is(2958465, false, "9999-12-31T00:00:00");
}

static void test_iso_times(void **state)
{
	(void)state;
	iso_is(0.5, false, "12:00:00");
	iso_is(0, false, "00:00:00");
	iso_is(0.75, true, "18:00:00");
	iso_is(1.0 / 86400, false, "00:00:01");
	iso_is(45181.75, false, "2023-09-12T18:00:00");
	iso_is(45181.5, true, "2027-09-13T12:00:00");
}

static void test_iso_1904(void **state)
{
	(void)state;
	iso_is(0 + 1, true, "1904-01-02T00:00:00");
	iso_is(60, true, "1904-03-01T00:00:00"); /* no fictitious day in the 1904 system */
	iso_is(43719, true, "2023-09-12T00:00:00"); /* 45181 - 1462 */
	/* the 1904 system runs out of years sooner: 2958465 + 1462 days is past 9999 */
	iso_fails(2958465, true);
}

static void test_iso_ms_rounding(void **state)
{
	(void)state;
	/* 10:10:10 stored with the usual binary error */
	iso_is(44197.423726851855, false, "2021-01-01T10:10:10");
	iso_is(44197.42372685185, false, "2021-01-01T10:10:10");
	/* 2^-11 day is exactly 42187.5 ms: half a millisecond rounds up */
	iso_is(45181.0 + 1.0 / 2048, false, "2023-09-12T00:00:42.188");
	/* 2^-12 day is 21093.75 ms */
	iso_is(45181.0 + 1.0 / 4096, false, "2023-09-12T00:00:21.094");
	/* 2^-13 day is 10546.875 ms */
	iso_is(1.0 / 8192, false, "00:00:10.547");
	/* a time that rounds into the next day carries into the date */
	iso_is(45181.999999999, false, "2023-09-13T00:00:00");
	iso_is(0.99999999999, false, "1900-01-01T00:00:00");
	iso_is(59.999999999999, false, "1900-02-29T00:00:00");
}

static void test_iso_limits(void **state)
{
	char out[TH_ISO_MAX];

	(void)state;
	iso_fails(-1, false);
	iso_fails(-0.0001, false);
	iso_fails(2958466, false);
	iso_fails(1e300, false);
	iso_fails(NAN, false);
	iso_fails(INFINITY, false);
	iso_fails(-INFINITY, true);
	iso_is(2958465.99, false, "9999-12-31T23:45:36");
	/* the longest result fits TH_ISO_MAX */
	assert_int_equal(th_serial_to_iso(2958465.9999999884, false, out), (int)TH_ISO_MAX - 1);
	assert_string_equal(out, "9999-12-31T23:59:59.999");
}

/* ---- civil dates ---- */

static void test_days_from_civil_pinned(void **state)
{
	(void)state;
	assert_int_equal(th_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(th_days_from_civil(1970, 1, 2), 1);
	assert_int_equal(th_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(th_days_from_civil(1899, 12, 30), -25569);
	assert_int_equal(th_days_from_civil(1900, 2, 28), -25509);
	assert_int_equal(th_days_from_civil(1900, 3, 1), -25508); /* 1900 is no leap year */
	assert_int_equal(th_days_from_civil(1904, 1, 1), -24107);
	assert_int_equal(th_days_from_civil(2000, 2, 29), 11016);
	assert_int_equal(th_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(th_days_from_civil(2023, 9, 12), 19612);
	assert_int_equal(th_days_from_civil(9999, 12, 31), 2932896);
	assert_int_equal(th_days_from_civil(1, 1, 1), -719162);
}

static bool leap(int64_t y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static unsigned month_days(int64_t y, unsigned m)
{
	static const unsigned len[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && leap(y) ? 29 : len[m - 1];
}

/* Walk day by day from 0001-01-01 to 9999-12-31, checking both directions each day. */
static void test_civil_round_trip(void **state)
{
	int64_t y = 1, gy;
	unsigned m = 1, d = 1, gm, gd;
	int64_t z = th_days_from_civil(1, 1, 1);

	(void)state;
	for (;;) {
		th_civil_from_days(z, &gy, &gm, &gd);
		if (gy != y || gm != m || gd != d)
			fail_msg("day %lld: got %lld-%u-%u, want %lld-%u-%u", (long long)z,
				 (long long)gy, gm, gd, (long long)y, m, d);
		if (th_days_from_civil(y, m, d) != z)
			fail_msg("%lld-%u-%u: got %lld, want %lld", (long long)y, m, d,
				 (long long)th_days_from_civil(y, m, d), (long long)z);
		if (y == 9999 && m == 12 && d == 31)
			break;
		z++;
		if (++d > month_days(y, m)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
	assert_int_equal(z, 2932896);
}

static void test_civil_specific(void **state)
{
	int64_t y;
	unsigned m, d;

	(void)state;
	th_civil_from_days(0, &y, &m, &d);
	assert_true(y == 1970 && m == 1 && d == 1);
	th_civil_from_days(-25509, &y, &m, &d);
	assert_true(y == 1900 && m == 2 && d == 28);
	th_civil_from_days(-25508, &y, &m, &d);
	assert_true(y == 1900 && m == 3 && d == 1);
	th_civil_from_days(11016, &y, &m, &d);
	assert_true(y == 2000 && m == 2 && d == 29);
	th_civil_from_days(-1, &y, &m, &d);
	assert_true(y == 1969 && m == 12 && d == 31);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_builtin_codes),
		cmocka_unit_test(test_kind_builtin_ids),
		cmocka_unit_test(test_numkind_is_serial),
		cmocka_unit_test(test_kind_builtin_date_id_wins),
		cmocka_unit_test(test_kind_custom_dates),
		cmocka_unit_test(test_kind_custom_times),
		cmocka_unit_test(test_kind_month_name_next_to_hour),
		cmocka_unit_test(test_kind_custom_not_dates),
		cmocka_unit_test(test_kind_percent_and_text),
		cmocka_unit_test(test_iso_dates_1900),
		cmocka_unit_test(test_iso_times),
		cmocka_unit_test(test_iso_1904),
		cmocka_unit_test(test_iso_ms_rounding),
		cmocka_unit_test(test_iso_limits),
		cmocka_unit_test(test_days_from_civil_pinned),
		cmocka_unit_test(test_civil_round_trip),
		cmocka_unit_test(test_civil_specific),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
