/*
 * Unit tests for the portal's store (serve/store.h) and the account helpers of auth.h:
 * accounts, sessions, throttled logins, periods, returns with findings and figures, the
 * review that only the latest return can get, what changes a period's workbook, the audit
 * log, and the append-only guarantee checked from outside the store with SQLite itself.
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
#include <sqlite3.h>

#include "model/filing.h"
#include "model/schema.h"
#include "serve/auth.h"
#include "serve/store.h"

static th_schema *schema;
static const th_actor cli = { 0, "(dòng lệnh)", "" };

static int setup(void **state)
{
	th_err e = { 0 };
	th_store *st;

	if (!schema && th_schema_load(&schema, "schemas/cchc-haiduong-2023.ini", &e))
		return -1;
	if (th_store_open(&st, ":memory:", &e))
		return -1;
	*state = st;
	return 0;
}

static int teardown(void **state)
{
	th_store_close(*state);
	return 0;
}

static int64_t add_user(th_store *st, const char *name, th_role role, const char *unit)
{
	th_err e = { 0 };
	int64_t id = 0;

	/* a fixed hash: these tests are about the store, not argon2 */
	assert_int_equal(th_store_user_add(st, &cli, name, role, unit, "$argon2id$fake", 1000, &id, &e), 0);
	return id;
}

/* ---- accounts ---- */

static void test_user_add_and_lookup(void **state)
{
	th_store *st = *state;
	th_user u;
	th_err e = { 0 };
	int64_t id = add_user(st, "11242", TH_ROLE_UNIT, "11242");

	assert_true(id > 0);
	assert_int_equal(th_store_user_by_name(st, "11242", &u, &e), 0);
	assert_int_equal(u.id, id);
	assert_int_equal(u.role, TH_ROLE_UNIT);
	assert_string_equal(u.unit, "11242");
	assert_true(u.must_change);
	assert_false(u.disabled);
	assert_int_equal(th_store_user_by_name(st, "nobody", &u, &e), 1);
	assert_int_equal(th_store_user_by_id(st, id, &u, &e), 0);
	assert_string_equal(u.name, "11242");
}

static void test_user_name_taken_is_conflict(void **state)
{
	th_store *st = *state;
	th_err e = { 0 };

	add_user(st, "vanphong", TH_ROLE_OFFICE, NULL);
	assert_int_equal(th_store_user_add(st, &cli, "vanphong", TH_ROLE_ADMIN, NULL, "x", 1, NULL, &e), -1);
	assert_int_equal(e.code, TH_E_CONFLICT);
	assert_string_equal(e.msg, "tài khoản 'vanphong' đã có");
}

static void test_password_change_ends_sessions(void **state)
{
	th_store *st = *state;
	th_err e = { 0 };
	uint8_t h[32] = { 1, 2, 3 };
	th_user u;
	int64_t id = add_user(st, "vanphong", TH_ROLE_OFFICE, NULL);

	assert_int_equal(th_store_session_add(st, h, id, 100, 200, &e), 0);
	assert_int_equal(th_store_session_user(st, h, 150, &u, &e), 0);
	assert_int_equal(u.id, id);
	assert_int_equal(th_store_user_password(st, &cli, id, "$argon2id$new", false, 160, &e), 0);
	assert_int_equal(th_store_session_user(st, h, 170, &u, &e), 1);
	assert_int_equal(th_store_user_by_id(st, id, &u, &e), 0);
	assert_false(u.must_change);
	assert_string_equal(u.pw_hash, "$argon2id$new");
	assert_int_equal(th_store_user_password(st, &cli, 999, "x", false, 1, &e), -1);
	assert_int_equal(e.code, TH_E_NOT_FOUND);
}

static void test_session_expiry_disable_and_logout(void **state)
{
	th_store *st = *state;
	th_err e = { 0 };
	uint8_t a[32] = { 9 }, b[32] = { 8 };
	th_user u;
	int64_t id = add_user(st, "11245", TH_ROLE_UNIT, "11245");

	assert_int_equal(th_store_session_add(st, a, id, 100, 200, &e), 0);
	assert_int_equal(th_store_session_user(st, a, 199, &u, &e), 0);
	assert_int_equal(th_store_session_user(st, a, 200, &u, &e), 1); /* expired */
	assert_int_equal(th_store_session_add(st, b, id, 300, 400, &e), 0);
	assert_int_equal(th_store_session_delete(st, b, &e), 0);
	assert_int_equal(th_store_session_user(st, b, 301, &u, &e), 1);
	assert_int_equal(th_store_session_add(st, b, id, 300, 400, &e), 0);
	assert_int_equal(th_store_user_disable(st, &cli, id, true, 310, &e), 0);
	assert_int_equal(th_store_session_user(st, b, 311, &u, &e), 1);
}

static void test_login_failures_count_since_last_success(void **state)
{
	th_store *st = *state;
	th_err e = { 0 };
	int64_t n = -1;

	for (int i = 0; i < 3; i++)
		assert_int_equal(th_store_login_record(st, "11242", "10.0.0.1", false, 100 + i, &e), 0);
	th_store_login_record(st, "11245", "10.0.0.1", false, 101, &e);
	assert_int_equal(th_store_login_failures(st, "11242", 0, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_int_equal(th_store_login_failures(st, "11242", 101, &n, &e), 0);
	assert_int_equal(n, 2); /* only those within the window */
	th_store_login_record(st, "11242", "10.0.0.1", true, 110, &e);
	th_store_login_record(st, "11242", "10.0.0.1", false, 111, &e);
	assert_int_equal(th_store_login_failures(st, "11242", 0, &n, &e), 0);
	assert_int_equal(n, 1); /* a success starts the count anew */
}

static void test_auth_login_throttles(void **state)
{
	th_store *st = *state;
	th_err e = { 0 };
	th_user u;
	char otp[TH_OTP_MAX];
	int64_t id;

	assert_int_equal(th_account_add(st, &cli, TH_ROLE_UNIT, NULL, "11248", 1000, otp, &id, &e), 0);
	assert_int_equal(strlen(otp), 14);
	assert_int_equal(th_auth_login(st, "11248", otp, "127.0.0.1", 1001, &u, &e), 0);
	assert_int_equal(u.id, id);
	for (int i = 0; i < TH_LOGIN_FAILS; i++) {
		assert_int_equal(th_auth_login(st, "11248", "sai-mat-khau", "127.0.0.1", 1002 + i, &u, &e), -1);
		assert_int_equal(e.code, TH_E_UNAUTHORIZED);
	}
	/* the right password is not even looked at now */
	assert_int_equal(th_auth_login(st, "11248", otp, "127.0.0.1", 1010, &u, &e), -1);
	assert_int_equal(e.code, TH_E_THROTTLED);
	/* past the window it works again */
	assert_int_equal(th_auth_login(st, "11248", otp, "127.0.0.1", 1010 + TH_LOGIN_WINDOW, &u, &e), 0);
	/* an unknown name and a wrong password say the same */
	assert_int_equal(th_auth_login(st, "khongco", "x", "127.0.0.1", 5000, &u, &e), -1);
	assert_string_equal(e.msg, "tên đăng nhập hoặc mật khẩu không đúng");
}

/* ---- periods ---- */

static void test_periods(void **state)
{
	th_store *st = *state;
	th_err e = { 0 };
	th_periodrow *v;
	size_t n;
	bool open = true;

	assert_int_equal(th_store_period_open(st, "2023-Q3", &open, &e), 0);
	assert_false(open);
	assert_int_equal(th_store_period_set(st, &cli, "2023-Q3", true, 10, &e), 0);
	assert_int_equal(th_store_period_set(st, &cli, "2023-Q4", true, 11, &e), 0);
	assert_int_equal(th_store_period_set(st, &cli, "2023-Q3", false, 12, &e), 0);
	assert_int_equal(th_store_periods(st, &v, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].period, "2023-Q4");
	assert_true(v[0].open);
	assert_string_equal(v[1].period, "2023-Q3");
	assert_false(v[1].open);
	free(v);
}

/* ---- returns ---- */

static int64_t add_return(th_store *st, const th_actor *who, const char *unit, const char *sha, double bm1_1,
			  int64_t at)
{
	th_filing *f = th_filing_new("x.xlsx", schema);
	th_findings fs = TH_FINDINGS_INIT;
	th_where w = { "BM1", "1", "Biểu mẫu 1", 9, 3 };
	th_newreturn nr = { 0 };
	th_err e = { 0 };
	int64_t id = 0;

	assert_int_equal(th_filing_set(f, "BM1", "1", TH_VAL_NUMBER, bm1_1, 0), 0);
	assert_int_equal(th_filing_set(f, "BM1", "2", TH_VAL_DASH, 0, 0), 0);
	th_findings_add(&fs, TH_SEV_ERROR, "R1", &w, "5", "6", "tổng <sai> & \"lệch\"");
	th_findings_add(&fs, TH_SEV_WARNING, "read.text-number", &w, "3.000", NULL, "số ghi dạng chữ");
	nr.unit = unit;
	nr.period = "2023-Q3";
	nr.file_sha = sha;
	nr.feedback_sha = NULL;
	nr.file_name = "bao cao <xa>.xlsx";
	nr.size = 1234;
	nr.submitted_at = at;
	nr.report_date = "2023-09-11";
	nr.filing = f;
	nr.findings = &fs;
	assert_int_equal(th_store_return_add(st, who, &nr, &id, &e), 0);
	th_findings_release(&fs);
	th_filing_free(f);
	return id;
}

#define SHA_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define SHA_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

static void test_return_roundtrip(void **state)
{
	th_store *st = *state;
	int64_t uid = add_user(st, "11242", TH_ROLE_UNIT, "11242");
	th_actor who = { uid, "11242", "127.0.0.1" };
	int64_t id = add_return(st, &who, "11242", SHA_A, 5, 2000);
	th_return r;
	th_findings fs = TH_FINDINGS_INIT;
	th_err e = { 0 };

	assert_int_equal(th_store_return_get(st, id, &r, &e), 0);
	assert_string_equal(r.unit, "11242");
	assert_string_equal(r.period, "2023-Q3");
	assert_string_equal(r.user_name, "11242");
	assert_string_equal(r.file_sha, SHA_A);
	assert_string_equal(r.feedback_sha, "");
	assert_string_equal(r.file_name, "bao cao <xa>.xlsx");
	assert_int_equal(r.errors, 1);
	assert_int_equal(r.warnings, 1);
	assert_int_equal(r.state, TH_RS_SUBMITTED);
	assert_string_equal(r.reason, "");
	th_return_release(&r);
	assert_int_equal(th_store_findings(st, id, &fs, &e), 0);
	assert_int_equal(fs.n, 2);
	assert_string_equal(fs.v[0].rule, "R1");
	assert_string_equal(fs.v[0].cell, "D10");
	assert_string_equal(fs.v[0].sheet, "Biểu mẫu 1");
	assert_string_equal(fs.v[0].message, "tổng <sai> & \"lệch\"");
	assert_int_equal(fs.v[0].severity, TH_SEV_ERROR);
	assert_string_equal(fs.v[1].written, "3.000");
	th_findings_release(&fs);
	assert_int_equal(th_store_return_get(st, id + 1, &r, &e), 1);
}

static void test_diff_and_review_of_latest_only(void **state)
{
	th_store *st = *state;
	int64_t uid = add_user(st, "11242", TH_ROLE_UNIT, "11242");
	int64_t oid = add_user(st, "vanphong", TH_ROLE_OFFICE, NULL);
	th_actor unit = { uid, "11242", "" }, office = { oid, "vanphong", "" };
	int64_t a = add_return(st, &unit, "11242", SHA_A, 5, 2000);
	int64_t b = add_return(st, &unit, "11242", SHA_B, 7, 3000);
	int64_t ret0, rev0, ret1, rev1;
	th_figdiff *d;
	size_t n;
	th_return r;
	th_err e = { 0 };

	assert_int_equal(th_store_diff(st, a, b, &d, &n, &e), 0);
	assert_int_equal(n, 1); /* BM1 row 1: 5 -> 7; the dash row is the same */
	assert_string_equal(d[0].form, "BM1");
	assert_string_equal(d[0].code, "1");
	assert_string_equal(d[0].old_written, "5");
	assert_string_equal(d[0].new_written, "7");
	th_store_free_diff(d, n);

	assert_int_equal(th_store_period_version(st, "2023-Q3", &ret0, &rev0, &e), 0);
	assert_int_equal(ret0, b);
	assert_int_equal(rev0, 0);
	assert_int_equal(th_store_review(st, &office, a, TH_RS_ACCEPTED, "", 3100, &e), -1);
	assert_int_equal(e.code, TH_E_CONFLICT);
	assert_int_equal(th_store_review(st, &office, b, TH_RS_RETURNED, "sai BM1", 3200, &e), 0);
	assert_int_equal(th_store_return_get(st, b, &r, &e), 0);
	assert_int_equal(r.state, TH_RS_RETURNED);
	assert_string_equal(r.reason, "sai BM1");
	assert_string_equal(r.reviewer, "vanphong");
	assert_int_equal(r.reviewed_at, 3200);
	th_return_release(&r);
	assert_int_equal(th_store_review(st, &office, b, TH_RS_ACCEPTED, "", 3300, &e), 0);
	assert_int_equal(th_store_return_get(st, b, &r, &e), 0);
	assert_int_equal(r.state, TH_RS_ACCEPTED);
	th_return_release(&r);
	assert_int_equal(th_store_period_version(st, "2023-Q3", &ret1, &rev1, &e), 0);
	assert_int_equal(ret1, ret0);
	assert_true(rev1 > rev0);
	assert_int_equal(th_store_review(st, &office, 999, TH_RS_ACCEPTED, "", 1, &e), -1);
	assert_int_equal(e.code, TH_E_NOT_FOUND);
}

static void test_returns_lists_and_audit(void **state)
{
	th_store *st = *state;
	int64_t u1 = add_user(st, "11242", TH_ROLE_UNIT, "11242"), u2 = add_user(st, "11245", TH_ROLE_UNIT, "11245");
	th_actor a1 = { u1, "11242", "1.2.3.4" }, a2 = { u2, "11245", "" };
	th_return *v;
	th_audit *au;
	size_t n;
	th_err e = { 0 };

	add_return(st, &a2, "11245", SHA_A, 1, 10);
	add_return(st, &a1, "11242", SHA_A, 1, 20);
	add_return(st, &a1, "11242", SHA_B, 2, 30);
	assert_int_equal(th_store_returns(st, "2023-Q3", NULL, &v, &n, &e), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[0].unit, "11242"); /* by unit, then id */
	assert_true(v[0].id < v[1].id);
	assert_string_equal(v[2].unit, "11245");
	th_store_free_returns(v, n);
	assert_int_equal(th_store_returns(st, "2023-Q3", "11245", &v, &n, &e), 0);
	assert_int_equal(n, 1);
	th_store_free_returns(v, n);
	assert_int_equal(th_store_returns_of_unit(st, "11242", &v, &n, &e), 0);
	assert_int_equal(n, 2);
	assert_true(v[0].id > v[1].id); /* newest first */
	th_store_free_returns(v, n);
	assert_int_equal(th_store_audit_list(st, 100, 0, &au, &n, &e), 0);
	assert_int_equal(n, 5); /* two accounts, three returns */
	assert_string_equal(au[0].action, "return.submit");
	assert_string_equal(au[0].actor, "11242");
	assert_string_equal(au[0].ip, "1.2.3.4");
	assert_string_equal(au[4].action, "user.add");
	th_store_free_audit(au, n);
}

static int fail_after_write(th_store *st, void *arg, th_err *e)
{
	(void)arg;
	th_store_period_set(st, &cli, "2024-Q1", true, 1, e); /* inside: joins this transaction */
	return th_fail(e, TH_E_BAD_REQUEST, "thôi");
}

static void test_txn_rolls_back(void **state)
{
	th_store *st = *state;
	th_err e = { 0 };
	bool open = true;

	assert_int_equal(th_store_txn(st, "test", fail_after_write, NULL, &e), -1);
	assert_string_equal(e.msg, "thôi");
	assert_int_equal(th_store_period_open(st, "2024-Q1", &open, &e), 0);
	assert_false(open);
}

/* Nothing kept can be changed or removed, whoever asks: checked with SQLite itself on the file. */
static void test_append_only_on_disk(void **state)
{
	char dir[] = "/tmp/th-store-XXXXXX", path[128];
	th_store *st;
	th_err e = { 0 };
	sqlite3 *db;
	int64_t uid;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/tonghop.db", dir);
	assert_int_equal(th_store_open(&st, path, &e), 0);
	uid = add_user(st, "11242", TH_ROLE_UNIT, "11242");
	{
		th_actor a = { uid, "11242", "" };
		add_return(st, &a, "11242", SHA_A, 5, 10);
	}
	th_store_close(st);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE returns SET unit = '11245'", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM returns", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM findings", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "UPDATE figures SET num = 1", NULL, NULL, NULL), SQLITE_OK);
	assert_int_not_equal(sqlite3_exec(db, "DELETE FROM audit", NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db, "PRAGMA journal_mode", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	/* reopening an existing store keeps what it holds */
	assert_int_equal(th_store_open(&st, path, &e), 0);
	{
		th_return r;
		assert_int_equal(th_store_return_get(st, 1, &r, &e), 0);
		assert_string_equal(r.unit, "11242");
		th_return_release(&r);
	}
	th_store_close(st);
	unlink(path);
	snprintf(path, sizeof(path), "%s/tonghop.db-wal", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/tonghop.db-shm", dir);
	unlink(path);
	rmdir(dir);
}

/* ---- auth helpers ---- */

static void test_tokens_and_basic(void **state)
{
	char tok[TH_TOKEN_HEX], c1[TH_CSRF_HEX], c2[TH_CSRF_HEX], name[TH_NAME_MAX], pw[64];
	uint8_t h[32];

	(void)state;
	th_token_new(tok);
	assert_int_equal(strlen(tok), 64);
	assert_int_equal(th_token_hash(tok, h), 0);
	assert_int_equal(th_token_hash("abc", h), -1);
	assert_int_equal(th_token_hash("ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ", h), -1);
	th_csrf_token(tok, c1);
	th_csrf_token(tok, c2);
	assert_string_equal(c1, c2);
	assert_true(th_secret_eq(c1, c2));
	assert_false(th_secret_eq(c1, "x"));
	/* "11242:mật khẩu" */
	assert_int_equal(th_basic_parse("Basic MTEyNDI6beG6rXQga2jhuql1", name, sizeof(name), pw, sizeof(pw)), 0);
	assert_string_equal(name, "11242");
	assert_string_equal(pw, "mật khẩu");
	assert_int_equal(th_basic_parse("Bearer abc", name, sizeof(name), pw, sizeof(pw)), -1);
	assert_int_equal(th_basic_parse("Basic !!!", name, sizeof(name), pw, sizeof(pw)), -1);
	assert_int_equal(th_basic_parse("Basic bm9jb2xvbg==", name, sizeof(name), pw, sizeof(pw)), -1);
	assert_true(th_name_valid("van-phong.1"));
	assert_false(th_name_valid("Van"));
	assert_false(th_name_valid("a"));
	assert_false(th_name_valid("../x"));
	assert_non_null(th_password_weak("ngắn", "x"));
	assert_non_null(th_password_weak("aaaaaaaaaaaa", "x"));
	assert_non_null(th_password_weak("vanphong2023!", "vanphong"));
	assert_null(th_password_weak("Mùa thu năm 2023", "vanphong"));
}

static void test_password_hash_verify(void **state)
{
	char h[TH_PWHASH_MAX];
	th_err e = { 0 };

	(void)state;
	assert_int_equal(th_password_hash("Mùa thu năm 2023", h, &e), 0);
	assert_non_null(strstr(h, "$argon2id$"));
	assert_true(th_password_verify(h, "Mùa thu năm 2023"));
	assert_false(th_password_verify(h, "mùa thu năm 2023"));
	assert_false(th_password_verify("", "x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_user_add_and_lookup, setup, teardown),
		cmocka_unit_test_setup_teardown(test_user_name_taken_is_conflict, setup, teardown),
		cmocka_unit_test_setup_teardown(test_password_change_ends_sessions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_expiry_disable_and_logout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_failures_count_since_last_success, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auth_login_throttles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_periods, setup, teardown),
		cmocka_unit_test_setup_teardown(test_return_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_diff_and_review_of_latest_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_returns_lists_and_audit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_txn_rolls_back, setup, teardown),
		cmocka_unit_test(test_append_only_on_disk),
		cmocka_unit_test(test_tokens_and_basic),
		cmocka_unit_test(test_password_hash_verify),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	th_schema_free(schema);
	return rc;
}
