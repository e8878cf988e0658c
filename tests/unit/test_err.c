/*
 * Unit tests for the failure records (err.h, err_codes.h), the string buffer (sbuf.h) and
 * the checked size arithmetic (mem.h). The code numbers are pinned because scripts match
 * on them.
 * SPDX-License-Identifier: MIT
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/err.h"
#include "base/mem.h"
#include "base/sbuf.h"

/* ---- th_fail / th_err ---- */

static void test_fail_returns_minus_one_and_formats(void **state)
{
	th_err e;

	(void)state;
	th_err_clear(&e);
	assert_int_equal(th_fail(&e, TH_E_XML, "phần '%s' dòng %d", "xl/workbook.xml", 42), -1);
	assert_int_equal(e.code, TH_E_XML);
	assert_string_equal(e.msg, "phần 'xl/workbook.xml' dòng 42");
}

static void test_fail_records_source_location(void **state)
{
	th_err e;
	int line;

	(void)state;
	th_err_clear(&e);
	line = __LINE__ + 1;
	th_fail(&e, TH_E_IO, "x");
	assert_non_null(e.src_file);
	assert_non_null(strstr(e.src_file, "test_err.c"));
	assert_int_equal(e.src_line, line);
}

static void test_fail_with_null_err(void **state)
{
	(void)state;
	assert_int_equal(th_fail(NULL, TH_E_NOT_ZIP, "nothing to record %d", 1), -1);
}

static void test_fail_replaces_control_chars(void **state)
{
	th_err e;

	(void)state;
	th_err_clear(&e);
	th_fail(&e, TH_E_CELL_REF, "a\tb\nc\rd%ce\x7f" "f\x1b[31m", 1);
	assert_string_equal(e.msg, "a?b?c?d?e?f?[31m");
	assert_int_equal(e.code, TH_E_CELL_REF);
}

static void test_fail_control_chars_from_arguments(void **state)
{
	th_err e;

	(void)state;
	th_err_clear(&e);
	/* untrusted cell text arrives as an argument, not in the format */
	th_fail(&e, TH_E_SST_INDEX, "ô '%s'", "x\ny\001z");
	assert_string_equal(e.msg, "ô 'x?y?z'");
}

static void test_fail_keeps_utf8(void **state)
{
	th_err e;

	(void)state;
	th_err_clear(&e);
	th_fail(&e, TH_E_EMPTY, "tệp rỗng: %s", "Đồng Nai");
	assert_string_equal(e.msg, "tệp rỗng: Đồng Nai");
}

static void test_fail_truncates_long_message(void **state)
{
	th_err e;
	char big[2000];

	(void)state;
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	th_err_clear(&e);
	assert_int_equal(th_fail(&e, TH_E_XML, "%s", big), -1);
	assert_int_equal(strlen(e.msg), sizeof(e.msg) - 1);
	assert_int_equal(e.msg[0], 'a');
}

static void test_err_clear(void **state)
{
	th_err e;

	(void)state;
	th_fail(&e, TH_E_ZIP_RATIO, "boom");
	th_err_clear(&e);
	assert_int_equal(e.code, TH_OK);
	assert_string_equal(e.msg, "");
	th_err_clear(NULL); /* must not crash */
}

static void test_fail_overwrites_previous(void **state)
{
	th_err e;

	(void)state;
	th_err_clear(&e);
	th_fail(&e, TH_E_XML, "first message that is rather long");
	th_fail(&e, TH_E_EMPTY, "second");
	assert_int_equal(e.code, TH_E_EMPTY);
	assert_string_equal(e.msg, "second");
}

/* ---- code names and numbers ---- */

static void test_code_names(void **state)
{
	(void)state;
	assert_string_equal(th_code_name(TH_OK), "ok");
	assert_string_equal(th_code_name(TH_E_NOT_ZIP), "not a zip package");
	assert_string_equal(th_code_name(TH_E_ENCRYPTED), "encrypted workbook");
	assert_string_equal(th_code_name(TH_E_XML_DTD), "XML document type declaration");
	assert_string_equal(th_code_name(TH_E_XML), "malformed XML");
	assert_string_equal(th_code_name(TH_E_LOCK_FILE), "office lock file");
	assert_string_equal(th_code_name(TH_E_FORMAT_ODS), "OpenDocument spreadsheet");
	assert_string_equal(th_code_name(TH_E_CELL_REF), "cell reference out of range");
	assert_string_equal(th_code_name(TH_E_NOMEM), "out of memory");
	assert_string_equal(th_code_name(TH_E_IO), "input/output error");
}

static void test_code_name_unknown(void **state)
{
	(void)state;
	assert_string_equal(th_code_name((th_code)999), "unknown error");
	assert_string_equal(th_code_name((th_code)2), "unknown error");
	assert_string_equal(th_code_name((th_code)19), "unknown error");
	assert_string_equal(th_code_name((th_code)-1), "unknown error");
}

static void test_code_numbers_pinned(void **state)
{
	(void)state;
	assert_int_equal(TH_OK, 0);
	assert_int_equal(TH_E_USAGE, 1);
	assert_int_equal(TH_E_CONFIG, 10);
	assert_int_equal(TH_E_OPEN, 20);
	assert_int_equal(TH_E_EMPTY, 21);
	assert_int_equal(TH_E_NOT_FILE, 22);
	assert_int_equal(TH_E_LOCK_FILE, 23);
	assert_int_equal(TH_E_NOT_ZIP, 24);
	assert_int_equal(TH_E_ZIP_DAMAGED, 25);
	assert_int_equal(TH_E_ENCRYPTED, 26);
	assert_int_equal(TH_E_FORMAT_XLS, 27);
	assert_int_equal(TH_E_FORMAT_ODS, 28);
	assert_int_equal(TH_E_FORMAT_OTHER, 29);
	assert_int_equal(TH_E_PACKAGE, 30);
	assert_int_equal(TH_E_XML, 31);
	assert_int_equal(TH_E_XML_DTD, 32);
	assert_int_equal(TH_E_XML_DEPTH, 33);
	assert_int_equal(TH_E_TOO_BIG, 34);
	assert_int_equal(TH_E_ZIP_RATIO, 35);
	assert_int_equal(TH_E_CELL_REF, 36);
	assert_int_equal(TH_E_SST_INDEX, 37);
	assert_int_equal(TH_E_CELL_TOO_BIG, 38);
	assert_int_equal(TH_E_NO_SHEET, 39);
	assert_int_equal(TH_E_NOMEM, 50);
	assert_int_equal(TH_E_WRITE, 51);
	assert_int_equal(TH_E_IO, 52);
}

/* ---- th_sbuf ---- */

static void test_sbuf_init_is_empty_string(void **state)
{
	th_sbuf sb = TH_SBUF_INIT;

	(void)state;
	assert_non_null(sb.buf);
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.len, 0);
	assert_int_equal(th_sbuf_err(&sb), 0);
	th_sbuf_release(&sb);
}

static void test_sbuf_appends(void **state)
{
	th_sbuf sb;

	(void)state;
	th_sbuf_init(&sb, 0);
	th_sbuf_adds(&sb, "Hà ");
	th_sbuf_addc(&sb, 'N');
	th_sbuf_add(&sb, "ội!!", 5); /* "ội" is 4 bytes, then one '!' */
	assert_string_equal(sb.buf, "Hà Nội!");
	assert_int_equal(sb.len, strlen("Hà Nội!"));
	th_sbuf_add(&sb, "", 0);
	assert_int_equal(sb.len, strlen("Hà Nội!"));
	assert_int_equal(th_sbuf_err(&sb), 0);
	th_sbuf_release(&sb);
	assert_string_equal(sb.buf, "");
	assert_int_equal(sb.len, 0);
}

static void test_sbuf_embedded_nul(void **state)
{
	th_sbuf sb;

	(void)state;
	th_sbuf_init(&sb, 0);
	th_sbuf_add(&sb, "a\0b", 3);
	assert_int_equal(sb.len, 3);
	assert_memory_equal(sb.buf, "a\0b", 4); /* NUL-terminated after the data */
	th_sbuf_release(&sb);
}

static void test_sbuf_grows(void **state)
{
	th_sbuf sb;
	char expect[10001];

	(void)state;
	th_sbuf_init(&sb, 0);
	for (int i = 0; i < 10000; i++) {
		th_sbuf_addc(&sb, (char)('a' + i % 26));
		expect[i] = (char)('a' + i % 26);
	}
	expect[10000] = '\0';
	assert_int_equal(sb.len, 10000);
	assert_true(sb.cap > sb.len);
	assert_string_equal(sb.buf, expect);
	th_sbuf_release(&sb);
}

static void test_sbuf_addf(void **state)
{
	th_sbuf sb;

	(void)state;
	th_sbuf_init(&sb, 0);
	th_sbuf_addf(&sb, "%s=%d", "row", 7);
	th_sbuf_addf(&sb, ";%05.1f", 3.25);
	assert_string_equal(sb.buf, "row=7;003.2");
	th_sbuf_addf(&sb, "%0300d", 1); /* past the first allocation */
	assert_int_equal(sb.len, strlen("row=7;003.2") + 300);
	assert_int_equal(sb.buf[sb.len - 1], '1');
	assert_int_equal(sb.buf[sb.len], '\0');
	assert_int_equal(sb.buf[strlen("row=7;003.2")], '0');
	th_sbuf_release(&sb);
}

static void test_sbuf_max_exact_fits(void **state)
{
	th_sbuf sb;

	(void)state;
	th_sbuf_init(&sb, 5);
	th_sbuf_adds(&sb, "12345");
	assert_int_equal(th_sbuf_err(&sb), 0);
	assert_string_equal(sb.buf, "12345");
	th_sbuf_addc(&sb, '6');
	assert_int_not_equal(th_sbuf_err(&sb), 0);
	assert_string_equal(sb.buf, "12345");
	th_sbuf_release(&sb);
}

static void test_sbuf_sticky_error(void **state)
{
	th_sbuf sb;

	(void)state;
	th_sbuf_init(&sb, 8);
	th_sbuf_adds(&sb, "12345");
	th_sbuf_adds(&sb, "6789"); /* 9 > 8: refused whole */
	assert_int_not_equal(th_sbuf_err(&sb), 0);
	assert_int_equal(sb.len, 5);
	assert_string_equal(sb.buf, "12345");
	/* these would fit on their own, but the error is sticky */
	th_sbuf_addc(&sb, 'x');
	th_sbuf_adds(&sb, "y");
	th_sbuf_add(&sb, "z", 1);
	th_sbuf_addf(&sb, "%d", 1);
	assert_int_not_equal(th_sbuf_err(&sb), 0);
	assert_int_equal(sb.len, 5);
	assert_string_equal(sb.buf, "12345");
	/* reset empties and clears the error, keeping the limit */
	th_sbuf_reset(&sb);
	assert_int_equal(th_sbuf_err(&sb), 0);
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	th_sbuf_adds(&sb, "abcdefgh");
	assert_int_equal(th_sbuf_err(&sb), 0);
	th_sbuf_addc(&sb, 'i');
	assert_int_not_equal(th_sbuf_err(&sb), 0);
	assert_string_equal(sb.buf, "abcdefgh");
	th_sbuf_release(&sb);
}

static void test_sbuf_addf_over_max(void **state)
{
	th_sbuf sb;

	(void)state;
	th_sbuf_init(&sb, 4);
	th_sbuf_addf(&sb, "%d", 12345);
	assert_int_not_equal(th_sbuf_err(&sb), 0);
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	th_sbuf_release(&sb);
}

static void test_sbuf_detach(void **state)
{
	th_sbuf sb;
	size_t len = 99;
	char *s;

	(void)state;
	th_sbuf_init(&sb, 100);
	th_sbuf_adds(&sb, "cầu");
	s = th_sbuf_detach(&sb, &len);
	assert_string_equal(s, "cầu");
	assert_int_equal(len, strlen("cầu"));
	/* sb is reset and usable again; s is ours */
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	assert_ptr_not_equal(sb.buf, s);
	th_sbuf_adds(&sb, "x");
	assert_string_equal(sb.buf, "x");
	assert_string_equal(s, "cầu");
	free(s);
	th_sbuf_release(&sb);
}

static void test_sbuf_detach_empty_is_heap(void **state)
{
	th_sbuf sb = TH_SBUF_INIT;
	size_t len = 99;
	char *s;

	(void)state;
	s = th_sbuf_detach(&sb, &len);
	assert_non_null(s);
	assert_ptr_not_equal(s, th_sbuf_empty);
	assert_string_equal(s, "");
	assert_int_equal(len, 0);
	free(s); /* ASan reports it if s were not a heap string */
	s = th_sbuf_detach(&sb, NULL);
	assert_string_equal(s, "");
	free(s);
}

static void test_sbuf_detach_after_error(void **state)
{
	th_sbuf sb;
	char *s;

	(void)state;
	th_sbuf_init(&sb, 3);
	th_sbuf_adds(&sb, "ab");
	th_sbuf_adds(&sb, "cd");
	assert_int_not_equal(th_sbuf_err(&sb), 0);
	s = th_sbuf_detach(&sb, NULL);
	assert_string_equal(s, "ab");
	free(s);
	/* detach resets: the error is gone */
	assert_int_equal(th_sbuf_err(&sb), 0);
	th_sbuf_adds(&sb, "xyz");
	assert_string_equal(sb.buf, "xyz");
	th_sbuf_release(&sb);
}

/* ---- mem.h ---- */

static void test_size_arith(void **state)
{
	(void)state;
	assert_int_equal(th_size_add(0, 0), 0);
	assert_int_equal(th_size_add(2, 3), 5);
	assert_true(th_size_add(SIZE_MAX - 1, 1) == SIZE_MAX);
	assert_true(th_size_add(0, SIZE_MAX) == SIZE_MAX);
	assert_int_equal(th_size_mul(0, SIZE_MAX), 0);
	assert_int_equal(th_size_mul(SIZE_MAX, 0), 0);
	assert_int_equal(th_size_mul(6, 7), 42);
	assert_true(th_size_mul(SIZE_MAX / 3, 3) == SIZE_MAX / 3 * 3);
	assert_true(th_size_mul((size_t)1 << 31, 2) == (size_t)1 << 32);
}

static void test_strdup_and_grow(void **state)
{
	char *s = th_xstrndup("abcdef", 3);
	char *t = th_xstrdup("Huế");
	int *v = NULL;
	size_t cap = 0;

	(void)state;
	assert_string_equal(s, "abc");
	assert_string_equal(t, "Huế");
	th_grow((void **)&v, &cap, 100, sizeof(*v));
	assert_true(cap >= 100);
	for (int i = 0; i < 100; i++)
		v[i] = i;
	th_grow((void **)&v, &cap, 50, sizeof(*v)); /* no shrink, contents kept */
	assert_true(cap >= 100);
	assert_int_equal(v[99], 99);
	free(v);
	free(s);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fail_returns_minus_one_and_formats),
		cmocka_unit_test(test_fail_records_source_location),
		cmocka_unit_test(test_fail_with_null_err),
		cmocka_unit_test(test_fail_replaces_control_chars),
		cmocka_unit_test(test_fail_control_chars_from_arguments),
		cmocka_unit_test(test_fail_keeps_utf8),
		cmocka_unit_test(test_fail_truncates_long_message),
		cmocka_unit_test(test_err_clear),
		cmocka_unit_test(test_fail_overwrites_previous),
		cmocka_unit_test(test_code_names),
		cmocka_unit_test(test_code_name_unknown),
		cmocka_unit_test(test_code_numbers_pinned),
		cmocka_unit_test(test_sbuf_init_is_empty_string),
		cmocka_unit_test(test_sbuf_appends),
		cmocka_unit_test(test_sbuf_embedded_nul),
		cmocka_unit_test(test_sbuf_grows),
		cmocka_unit_test(test_sbuf_addf),
		cmocka_unit_test(test_sbuf_max_exact_fits),
		cmocka_unit_test(test_sbuf_sticky_error),
		cmocka_unit_test(test_sbuf_addf_over_max),
		cmocka_unit_test(test_sbuf_detach),
		cmocka_unit_test(test_sbuf_detach_empty_is_heap),
		cmocka_unit_test(test_sbuf_detach_after_error),
		cmocka_unit_test(test_size_arith),
		cmocka_unit_test(test_strdup_and_grow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
