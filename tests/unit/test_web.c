/*
 * Handler tests of the portal without a socket: each case builds a th_req as the HTTP
 * glue would (headers, form fields, a spooled upload) and runs th_web_handle on a store in
 * a temporary data folder. Covered: the routing table (404, 405, 414), who may do what
 * (401, 403 on another unit's return and on the office's routes), the origin and CSRF
 * checks of every write, the first-login password change, checking and submitting the
 * demo returns (findings on their cells, a file of another unit refused), escaping of what
 * a commune wrote, the review and its reason, the API's JSON, and the workbook.
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

#include "check/rules.h"
#include "write/xlsx_writer.h"
#include "model/calendar.h"
#include "model/roster.h"
#include "model/schema.h"
#include "serve/auth.h"
#include "serve/web.h"

#define HOST "portal.test"
#define PW "Mật khẩu đủ dài 2023"
#define DEMO "fixtures/demo/"

static th_schema *schema;
static th_roster *roster;
static th_calendar *cal;
static th_ruleset *rules;
static char pw_hash[TH_PWHASH_MAX];

struct fx {
	char dir[64];
	th_web *w;
	int64_t unit_id, office_id;
	char unit_cookie[100], office_cookie[100], unit_csrf[TH_CSRF_HEX], office_csrf[TH_CSRF_HEX];
};

/* 2023-09-11 10:00 UTC: before the Q3 deadline (12/09/2023); moved on by the session tests */
static int64_t clock_shift;

static int64_t fixed_clock(void)
{
	return 1694426400 + clock_shift;
}

static int group_setup(void **state)
{
	th_err e = { 0 };

	(void)state;
	if (th_schema_load(&schema, "schemas/cchc-haiduong-2023.ini", &e) ||
	    th_roster_load(&roster, "schemas/roster-thanhmien.ini", &e) || th_calendar_load(&cal, "schemas/calendar-haiduong.ini", &e) ||
	    th_rules_load(&rules, "rules/cchc-haiduong-2023.ini", schema, &e) || th_password_hash(PW, pw_hash, &e)) {
		fprintf(stderr, "setup: %s\n", e.msg);
		return -1;
	}
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	th_rules_free(rules);
	th_calendar_free(cal);
	th_roster_free(roster);
	th_schema_free(schema);
	return 0;
}

/* ---- requests ---- */

typedef struct resp {
	th_req rq;
	th_reply rp;
} resp;

static resp *req(const char *method, const char *path)
{
	resp *r = calloc(1, sizeof(*r));
	th_req_init(&r->rq, method, path);
	th_reply_init(&r->rp);
	th_req_header(&r->rq, "Host", HOST);
	snprintf(r->rq.ip, sizeof(r->rq.ip), "127.0.0.1");
	return r;
}

/* A write from our own page. */
static resp *post(const char *path, const char *cookie, const char *csrf)
{
	resp *r = req("POST", path);
	th_req_header(&r->rq, "Origin", "http://" HOST);
	if (cookie)
		th_req_header(&r->rq, "Cookie", cookie);
	if (csrf)
		th_req_form(&r->rq, "csrf", csrf);
	return r;
}

static void attach(struct fx *f, resp *r, const char *file, const char *name)
{
	char tmp[128];
	th_err e = { 0 };

	snprintf(tmp, sizeof(tmp), "%s/tmp", f->dir);
	assert_int_equal(th_spool_from_file(&r->rq.upload, tmp, file, 20u << 20, &e), 0);
	r->rq.upload_name = strdup(name);
}

static void run(struct fx *f, resp *r)
{
	th_web_handle(f->w, &r->rq, &r->rp);
}

static const char *body(resp *r)
{
	return r->rp.body.buf;
}

static void done(resp *r)
{
	th_req_release(&r->rq);
	th_reply_release(&r->rp);
	free(r);
}

static void log_quiet(void *cls, const char *line)
{
	(void)cls;
	(void)line;
}

/* Log name in through the page; cookie and CSRF token out. */
static void login(struct fx *f, const char *name, const char *pw, char *cookie, size_t cap, char csrf[TH_CSRF_HEX])
{
	resp *r = post("/dang-nhap", NULL, NULL);
	char *semi;

	th_req_form(&r->rq, "name", name);
	th_req_form(&r->rq, "password", pw);
	run(f, r);
	assert_int_equal(r->rp.status, 303);
	assert_non_null(r->rp.cookie);
	assert_non_null(strstr(r->rp.cookie, "HttpOnly"));
	assert_non_null(strstr(r->rp.cookie, "SameSite=Strict"));
	snprintf(cookie, cap, "%s", r->rp.cookie);
	semi = strchr(cookie, ';');
	*semi = '\0';
	th_csrf_token(cookie + strlen("th_session="), csrf);
	done(r);
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	th_webconf c = { 0 };
	th_err e = { 0 };
	th_actor cli = { 0, "test", "" };
	th_store *st;

	snprintf(f->dir, sizeof(f->dir), "/tmp/th-web-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	c.data_dir = f->dir;
	c.schema = schema;
	c.roster = roster;
	c.cal = cal;
	c.rules = rules;
	c.max_upload = 20u << 20;
	c.clock = fixed_clock;
	c.log = log_quiet;
	if (th_web_new(&f->w, &c, &e))
		return -1;
	st = th_web_store(f->w, &e);
	/* a commune of Đoàn Kết and the office, passwords already chosen */
	if (th_store_user_add(st, &cli, "11263", TH_ROLE_UNIT, "11263", pw_hash, 1, &f->unit_id, &e) ||
	    th_store_user_password(st, &cli, f->unit_id, pw_hash, false, 1, &e) ||
	    th_store_user_add(st, &cli, "vanphong", TH_ROLE_OFFICE, NULL, pw_hash, 1, &f->office_id, &e) ||
	    th_store_user_password(st, &cli, f->office_id, pw_hash, false, 1, &e) ||
	    th_store_period_set(st, &cli, "2023-Q3", true, 1, &e))
		return -1;
	login(f, "11263", PW, f->unit_cookie, sizeof(f->unit_cookie), f->unit_csrf);
	login(f, "vanphong", PW, f->office_cookie, sizeof(f->office_cookie), f->office_csrf);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[128];

	th_web_free(f->w);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static resp *get(const char *path, const char *cookie)
{
	resp *r = req("GET", path);
	if (cookie)
		th_req_header(&r->rq, "Cookie", cookie);
	return r;
}

/* Submit file as the commune; the new return's id. */
static int64_t submit(struct fx *f, const char *file, const char *name)
{
	resp *r = post("/xa/nop", f->unit_cookie, f->unit_csrf);
	long long id = 0;

	th_req_form(&r->rq, "period", "2023-Q3");
	th_req_form(&r->rq, "action", "submit");
	attach(f, r, file, name);
	run(f, r);
	assert_int_equal(r->rp.status, 303);
	assert_int_equal(sscanf(r->rp.location, "/bao-cao/%lld?moi=1", &id), 1);
	done(r);
	return id;
}

/* ---- routing ---- */

static void test_routing(void **state)
{
	struct fx *f = *state;
	resp *r;
	char *longpath = malloc(TH_PATH_MAX + 10);

	r = get("/khong-co", NULL);
	run(f, r);
	assert_int_equal(r->rp.status, 404);
	assert_non_null(strstr(body(r), "không có trang này"));
	done(r);
	r = req("DELETE", "/xa");
	run(f, r);
	assert_int_equal(r->rp.status, 405);
	assert_string_equal(r->rp.allow, "GET");
	done(r);
	r = get("/bao-cao/abc", f->unit_cookie);
	run(f, r);
	assert_int_equal(r->rp.status, 404);
	done(r);
	r = get("/van-phong/ky/2023-Q5", f->office_cookie);
	run(f, r);
	assert_int_equal(r->rp.status, 404);
	done(r);
	memset(longpath, 'a', TH_PATH_MAX + 5);
	longpath[0] = '/';
	longpath[TH_PATH_MAX + 5] = '\0';
	r = get(longpath, NULL);
	run(f, r);
	assert_int_equal(r->rp.status, 414);
	done(r);
	free(longpath);
	r = get("/api/v1/nothing", NULL);
	run(f, r);
	assert_int_equal(r->rp.status, 404);
	assert_string_equal(r->rp.ctype, "application/json");
	assert_string_equal(body(r), "{\"code\":63,\"message\":\"không có trang này\"}\n");
	done(r);
}

/* ---- who may do what ---- */

static void test_login_required(void **state)
{
	struct fx *f = *state;
	resp *r;

	r = get("/xa", NULL);
	run(f, r);
	assert_int_equal(r->rp.status, 303);
	assert_string_equal(r->rp.location, "/dang-nhap");
	done(r);
	r = get("/api/v1/periods/2023-Q3", NULL);
	run(f, r);
	assert_int_equal(r->rp.status, 401);
	assert_true(r->rp.www_auth);
	assert_non_null(strstr(body(r), "\"code\":61"));
	done(r);
	/* a forged or expired cookie is nobody */
	r = get("/xa", "th_session=0000000000000000000000000000000000000000000000000000000000000000");
	run(f, r);
	assert_int_equal(r->rp.status, 303);
	done(r);
}

/* A session ends when its time is up: the pages send to the login, the API says 401. */
static void test_session_expires(void **state)
{
	struct fx *f = *state;
	resp *r;

	r = get("/xa", f->unit_cookie);
	run(f, r);
	assert_int_equal(r->rp.status, 200);
	done(r);
	clock_shift = TH_SESSION_SECONDS - 1;
	r = get("/xa", f->unit_cookie);
	run(f, r);
	assert_int_equal(r->rp.status, 200);
	done(r);
	clock_shift = TH_SESSION_SECONDS + 1;
	r = get("/xa", f->unit_cookie);
	run(f, r);
	assert_int_equal(r->rp.status, 303);
	assert_string_equal(r->rp.location, "/dang-nhap");
	done(r);
	r = get("/api/v1/returns/1", f->unit_cookie);
	run(f, r);
	assert_int_equal(r->rp.status, 401);
	done(r);
	clock_shift = 0;
}

/* Guessing is throttled per account, whatever the address: five failures from five
 * addresses, then the right password from a sixth is refused; another account is not. */
static void test_throttle_per_account(void **state)
{
	struct fx *f = *state;
	resp *r;

	for (int i = 0; i < TH_LOGIN_FAILS; i++) {
		r = post("/dang-nhap", NULL, NULL);
		snprintf(r->rq.ip, sizeof(r->rq.ip), "10.0.0.%d", i + 1);
		th_req_form(&r->rq, "name", "11263");
		th_req_form(&r->rq, "password", "sai mật khẩu rồi");
		run(f, r);
		assert_int_equal(r->rp.status, 401);
		done(r);
	}
	r = post("/dang-nhap", NULL, NULL);
	snprintf(r->rq.ip, sizeof(r->rq.ip), "10.9.9.9");
	th_req_form(&r->rq, "name", "11263");
	th_req_form(&r->rq, "password", PW);
	run(f, r);
	assert_int_equal(r->rp.status, 429);
	assert_null(r->rp.cookie);
	done(r);
	r = post("/dang-nhap", NULL, NULL);
	snprintf(r->rq.ip, sizeof(r->rq.ip), "10.0.0.1");
	th_req_form(&r->rq, "name", "vanphong");
	th_req_form(&r->rq, "password", PW);
	run(f, r);
	assert_int_equal(r->rp.status, 303);
	done(r);
	/* the window passes: the account's owner gets in again */
	clock_shift = TH_LOGIN_WINDOW + 1;
	r = post("/dang-nhap", NULL, NULL);
	th_req_form(&r->rq, "name", "11263");
	th_req_form(&r->rq, "password", PW);
	run(f, r);
	assert_int_equal(r->rp.status, 303);
	done(r);
	clock_shift = 0;
}

static void test_login_wrong_password_and_origin(void **state)
{
	struct fx *f = *state;
	resp *r;

	r = post("/dang-nhap", NULL, NULL);
	th_req_form(&r->rq, "name", "11263");
	th_req_form(&r->rq, "password", "sai");
	run(f, r);
	assert_int_equal(r->rp.status, 401);
	assert_null(r->rp.cookie);
	assert_non_null(strstr(body(r), "tên đăng nhập hoặc mật khẩu không đúng"));
	done(r);
	/* a login posted from another site is refused before the password is looked at */
	r = req("POST", "/dang-nhap");
	th_req_header(&r->rq, "Origin", "http://evil.example");
	th_req_form(&r->rq, "name", "11263");
	th_req_form(&r->rq, "password", PW);
	run(f, r);
	assert_int_equal(r->rp.status, 403);
	assert_null(r->rp.cookie);
	done(r);
}

static void test_unit_cannot_reach_office(void **state)
{
	struct fx *f = *state;
	static const char *const paths[] = { "/van-phong", "/van-phong/ky/2023-Q3", "/van-phong/ky/2023-Q3/tong-hop",
					     "/van-phong/nhat-ky", "/quan-tri", "/api/v1/periods/2023-Q3",
					     "/api/v1/periods/2023-Q3/workbook" };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		resp *r = get(paths[i], f->unit_cookie);
		run(f, r);
		assert_int_equal(r->rp.status, 403);
		done(r);
	}
	/* and the office is not a commune */
	{
		resp *r = get("/xa", f->office_cookie);
		run(f, r);
		assert_int_equal(r->rp.status, 403);
		done(r);
	}
}

static void test_csrf_and_origin_on_writes(void **state)
{
	struct fx *f = *state;
	resp *r;

	/* no token */
	r = post("/xa/nop", f->unit_cookie, NULL);
	th_req_form(&r->rq, "period", "2023-Q3");
	th_req_form(&r->rq, "action", "check");
	attach(f, r, DEMO "11263-doanket-v2.xlsx", "v2.xlsx");
	run(f, r);
	assert_int_equal(r->rp.status, 403);
	assert_non_null(strstr(body(r), "phiên làm việc của trang đã cũ"));
	done(r);
	/* another session's token */
	r = post("/xa/nop", f->unit_cookie, f->office_csrf);
	th_req_form(&r->rq, "period", "2023-Q3");
	th_req_form(&r->rq, "action", "check");
	run(f, r);
	assert_int_equal(r->rp.status, 403);
	done(r);
	/* the right token from another origin, or with no origin at all */
	r = post("/bao-cao/1/xem-xet", f->office_cookie, f->office_csrf);
	free(r->rq.origin);
	r->rq.origin = strdup("http://" HOST ".evil.example");
	run(f, r);
	assert_int_equal(r->rp.status, 403);
	done(r);
	r = post("/bao-cao/1/xem-xet", f->office_cookie, f->office_csrf);
	free(r->rq.origin);
	r->rq.origin = NULL;
	run(f, r);
	assert_int_equal(r->rp.status, 403);
	done(r);
	/* a Referer from our pages will do when there is no Origin */
	r = post("/dang-xuat", f->unit_cookie, f->unit_csrf);
	free(r->rq.origin);
	r->rq.origin = NULL;
	th_req_header(&r->rq, "Referer", "http://" HOST "/xa");
	run(f, r);
	assert_int_equal(r->rp.status, 303);
	assert_string_equal(r->rp.location, "/dang-nhap");
	done(r);
	/* and that session is over */
	r = get("/xa", f->unit_cookie);
	run(f, r);
	assert_int_equal(r->rp.status, 303);
	done(r);
}

static void test_first_login_asks_new_password(void **state)
{
	struct fx *f = *state;
	th_err e = { 0 };
	th_actor cli = { 0, "test", "" };
	char otp[TH_OTP_MAX], cookie[100], csrf[TH_CSRF_HEX], cookie2[100];
	resp *r;

	assert_int_equal(th_account_add(th_web_store(f->w, &e), &cli, TH_ROLE_UNIT, NULL, "11242", 1, otp, NULL, &e), 0);
	login(f, "11242", otp, cookie, sizeof(cookie), csrf);
	r = get("/xa", cookie);
	run(f, r);
	assert_int_equal(r->rp.status, 303);
	assert_string_equal(r->rp.location, "/mat-khau");
	done(r);
	r = post("/mat-khau", cookie, csrf);
	th_req_form(&r->rq, "current", otp);
	th_req_form(&r->rq, "new", "ngắn");
	th_req_form(&r->rq, "again", "ngắn");
	run(f, r);
	assert_int_equal(r->rp.status, 400);
	assert_non_null(strstr(body(r), "ít nhất 10 ký tự"));
	done(r);
	r = post("/mat-khau", cookie, csrf);
	th_req_form(&r->rq, "current", otp);
	th_req_form(&r->rq, "new", PW);
	th_req_form(&r->rq, "again", PW);
	run(f, r);
	assert_int_equal(r->rp.status, 303);
	assert_string_equal(r->rp.location, "/xa");
	snprintf(cookie2, sizeof(cookie2), "%s", r->rp.cookie);
	*strchr(cookie2, ';') = '\0';
	done(r);
	r = get("/xa", cookie);
	run(f, r); /* the old session ended with the old password */
	assert_int_equal(r->rp.status, 303);
	done(r);
	r = get("/xa", cookie2);
	run(f, r);
	assert_int_equal(r->rp.status, 200);
	assert_non_null(strstr(body(r), "Xã Thanh Tùng"));
	done(r);
}

/* ---- the commune ---- */

static void test_check_shows_findings_keeps_nothing(void **state)
{
	struct fx *f = *state;
	resp *r = post("/xa/nop", f->unit_cookie, f->unit_csrf);

	th_req_form(&r->rq, "period", "2023-Q3");
	th_req_form(&r->rq, "action", "check");
	attach(f, r, DEMO "11263-doanket-v1.xlsx", "<script>alert(1)</script>.xlsx");
	run(f, r);
	assert_int_equal(r->rp.status, 200);
	assert_non_null(strstr(body(r), "Biểu mẫu 3, ô D17"));
	assert_non_null(strstr(body(r), "99,85"));
	assert_non_null(strstr(body(r), "9,98"));
	assert_non_null(strstr(body(r), "1 lỗi"));
	/* the file name the commune gave is shown, escaped */
	assert_null(strstr(body(r), "<script>alert"));
	assert_non_null(strstr(body(r), "&lt;script&gt;alert(1)&lt;/script&gt;.xlsx"));
	done(r);
	r = get("/xa", f->unit_cookie);
	run(f, r);
	assert_int_equal(r->rp.status, 200);
	assert_non_null(strstr(body(r), "Chưa nộp báo cáo nào."));
	done(r);
}

/* A blank template checked on the portal (#11): every required row is an error "chưa
 * điền" at its cell, and the result says how many. */
static void test_check_blank_template_unfilled(void **state)
{
	struct fx *f = *state;
	resp *r = post("/xa/nop", f->unit_cookie, f->unit_csrf);
	char path[200], want[80];
	th_err e = { 0 };
	th_period p;
	size_t n = 0;

	for (size_t i = 0; i < schema->n_forms; i++)
		for (size_t k = 0; k < schema->forms[i].n_rows; k++)
			n += schema->forms[i].rows[k].fill == TH_FILL_REQUIRED;
	assert_true(n > 40);
	assert_int_equal(th_period_parse("2023-Q3", &p), 0);
	snprintf(path, sizeof(path), "%s/mau.xlsx", f->dir);
	assert_int_equal(th_write_template(schema, rules, th_roster_by_code(roster, "11263"), p, cal, path, &e), 0);
	th_req_form(&r->rq, "period", "2023-Q3");
	th_req_form(&r->rq, "action", "check");
	attach(f, r, path, "mau.xlsx");
	run(f, r);
	assert_int_equal(r->rp.status, 200);
	snprintf(want, sizeof(want), "%zu lỗi (%zu dòng bắt buộc chưa điền)", n, n);
	if (!strstr(body(r), want))
		fail_msg("no '%s' on the page", want);
	assert_non_null(strstr(body(r), "Biểu mẫu 1 dòng 2.1: chưa điền"));
	done(r);
	/* a return without blanks says no such count */
	r = post("/xa/nop", f->unit_cookie, f->unit_csrf);
	th_req_form(&r->rq, "period", "2023-Q3");
	th_req_form(&r->rq, "action", "check");
	attach(f, r, DEMO "11263-doanket-v1.xlsx", "v1.xlsx");
	run(f, r);
	assert_non_null(strstr(body(r), "1 lỗi</b>"));
	assert_null(strstr(body(r), "chưa điền"));
	done(r);
}

static void test_refused_files(void **state)
{
	struct fx *f = *state;
	static const struct {
		const char *file;
		const char *period;
		int status;
		const char *says;
	} cases[] = {
		{ DEMO "11239-thanhmien.xlsx", "2023-Q3", 422, "là báo cáo của Thị trấn Thanh Miện (mã 11239)" },
		{ DEMO "ghi-chu.txt", "2023-Q3", 422, "không phải bảng tính Excel" },
		{ DEMO "11269-tucuong.xlsx", "2023-Q3", 422, "bị hỏng hoặc không trọn vẹn" },
		{ DEMO "11263-doanket-v2.xlsx", "2023-Q2", 409, "chưa mở hoặc đã đóng" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		resp *r = post("/xa/nop", f->unit_cookie, f->unit_csrf);
		th_req_form(&r->rq, "period", cases[i].period);
		th_req_form(&r->rq, "action", "submit");
		attach(f, r, cases[i].file, "x.xlsx");
		run(f, r);
		assert_int_equal(r->rp.status, cases[i].status);
		if (!strstr(body(r), cases[i].says))
			fail_msg("case %zu: '%s' not in the page", i, cases[i].says);
		done(r);
	}
	/* no file at all; a field that is not a period */
	{
		resp *r = post("/xa/nop", f->unit_cookie, f->unit_csrf);
		th_req_form(&r->rq, "period", "2023-Q3");
		th_req_form(&r->rq, "action", "submit");
		run(f, r);
		assert_int_equal(r->rp.status, 400);
		done(r);
		r = post("/xa/nop", f->unit_cookie, f->unit_csrf);
		th_req_form(&r->rq, "period", "quý 3");
		th_req_form(&r->rq, "action", "submit");
		run(f, r);
		assert_int_equal(r->rp.status, 400);
		assert_non_null(strstr(body(r), "kỳ báo cáo: không phải kỳ báo cáo"));
		done(r);
	}
}

static void test_submit_review_resubmit(void **state)
{
	struct fx *f = *state;
	int64_t v1 = submit(f, DEMO "11263-doanket-v1.xlsx", "doan-ket <v1>.xlsx"), v2;
	char path[64];
	resp *r;
	struct stat st;

	snprintf(path, sizeof(path), "/bao-cao/%lld", (long long)v1);
	r = get(path, f->unit_cookie);
	run(f, r);
	assert_int_equal(r->rp.status, 200);
	assert_non_null(strstr(body(r), "Biểu mẫu 3, ô D17"));
	assert_non_null(strstr(body(r), "đã nộp"));
	assert_non_null(strstr(body(r), "doan-ket &lt;v1&gt;.xlsx"));
	assert_null(strstr(body(r), "Xem xét")); /* no review form for the commune */
	done(r);
	/* its feedback and its file are there to download, under our names */
	snprintf(path, sizeof(path), "/bao-cao/%lld/phan-hoi", (long long)v1);
	r = get(path, f->unit_cookie);
	run(f, r);
	assert_int_equal(r->rp.status, 200);
	assert_non_null(r->rp.file);
	assert_int_equal(stat(r->rp.file, &st), 0);
	assert_true(st.st_size > 1000);
	assert_string_equal(r->rp.filename, "phan-hoi-11263-2023-Q3-ban-1.xlsx");
	done(r);
	/* the office returns it with a reason the commune then sees */
	snprintf(path, sizeof(path), "/bao-cao/%lld/xem-xet", (long long)v1);
	r = post(path, f->office_cookie, f->office_csrf);
	th_req_form(&r->rq, "decision", "return");
	run(f, r);
	assert_int_equal(r->rp.status, 400); /* a return needs a reason */
	done(r);
	r = post(path, f->office_cookie, f->office_csrf);
	th_req_form(&r->rq, "decision", "return");
	th_req_form(&r->rq, "reason", "Dòng 3.3 sai <tỷ lệ>");
	run(f, r);
	assert_int_equal(r->rp.status, 303);
	done(r);
	r = get("/xa", f->unit_cookie);
	run(f, r);
	assert_non_null(strstr(body(r), "bị trả lại"));
	assert_non_null(strstr(body(r), "Dòng 3.3 sai &lt;tỷ lệ&gt;"));
	done(r);
	v2 = submit(f, DEMO "11263-doanket-v2.xlsx", "doan-ket-v2.xlsx");
	assert_true(v2 > v1);
	/* the older one can no longer be reviewed; the newer shows what changed */
	r = post(path, f->office_cookie, f->office_csrf);
	th_req_form(&r->rq, "decision", "accept");
	run(f, r);
	assert_int_equal(r->rp.status, 409);
	done(r);
	snprintf(path, sizeof(path), "/bao-cao/%lld", (long long)v2);
	r = get(path, f->office_cookie);
	run(f, r);
	assert_int_equal(r->rp.status, 200);
	assert_non_null(strstr(body(r), "Số liệu thay đổi so với bản #1"));
	assert_non_null(strstr(body(r), "<tr><td>Biểu mẫu 3</td><td>3.3.1</td><td>Tổng số hồ sơ TTHC đã giải quyết xong</td>"
					"<td class=\"num\">6530</td><td class=\"num\">653</td></tr>"));
	assert_non_null(strstr(body(r), "Không có phát hiện nào"));
	assert_non_null(strstr(body(r), "Tiếp nhận"));
	done(r);
	snprintf(path, sizeof(path), "/bao-cao/%lld/xem-xet", (long long)v2);
	r = post(path, f->office_cookie, f->office_csrf);
	th_req_form(&r->rq, "decision", "accept");
	run(f, r);
	assert_int_equal(r->rp.status, 303);
	done(r);
	/* the dashboard and the workbook */
	r = get("/van-phong/ky/2023-Q3", f->office_cookie);
	run(f, r);
	assert_int_equal(r->rp.status, 200);
	assert_non_null(strstr(body(r), "Đã nhận <b>1/17</b>"));
	assert_non_null(strstr(body(r), "đã tiếp nhận"));
	assert_non_null(strstr(body(r), "đúng hạn"));
	done(r);
	r = get("/van-phong/ky/2023-Q3/tong-hop", f->office_cookie);
	run(f, r);
	assert_int_equal(r->rp.status, 200);
	assert_int_equal(stat(r->rp.file, &st), 0);
	assert_string_equal(r->rp.filename, "tong-hop-2023-Q3.xlsx");
	done(r);
	/* the audit log holds every step */
	r = get("/van-phong/nhat-ky.csv", f->office_cookie);
	run(f, r);
	assert_int_equal(r->rp.status, 200);
	assert_non_null(strstr(body(r), "\"return.return\""));
	assert_non_null(strstr(body(r), "\"return.accept\""));
	assert_non_null(strstr(body(r), "\"workbook.download\""));
	done(r);
}

static void test_other_unit_forbidden(void **state)
{
	struct fx *f = *state;
	int64_t id = submit(f, DEMO "11263-doanket-v2.xlsx", "v2.xlsx");
	th_err e = { 0 };
	th_actor cli = { 0, "test", "" };
	char cookie[100], csrf[TH_CSRF_HEX], path[64];
	int64_t uid;
	static const char *const tails[] = { "", "/phan-hoi", "/tep" };

	assert_int_equal(th_store_user_add(th_web_store(f->w, &e), &cli, "11242", TH_ROLE_UNIT, "11242", pw_hash, 1,
					   &uid, &e), 0);
	assert_int_equal(th_store_user_password(th_web_store(f->w, &e), &cli, uid, pw_hash, false, 1, &e), 0);
	login(f, "11242", PW, cookie, sizeof(cookie), csrf);
	for (size_t i = 0; i < 3; i++) {
		resp *r;
		snprintf(path, sizeof(path), "/bao-cao/%lld%s", (long long)id, tails[i]);
		r = get(path, cookie);
		run(f, r);
		assert_int_equal(r->rp.status, 403);
		assert_null(r->rp.file);
		done(r);
	}
	/* an id that does not exist says the same to a unit (no probing) */
	{
		resp *r = get("/bao-cao/999", cookie);
		run(f, r);
		assert_int_equal(r->rp.status, 403);
		done(r);
		r = get("/api/v1/returns/1", cookie);
		run(f, r);
		assert_int_equal(r->rp.status, 403);
		done(r);
	}
}

/* ---- the API ---- */

static void basic(resp *r, const char *user)
{
	/* base64 of "11263:Mật khẩu đủ dài 2023" and "vanphong:..." */
	if (strcmp(user, "11263") == 0)
		th_req_header(&r->rq, "Authorization", "Basic MTEyNjM6TeG6rXQga2jhuql1IMSR4bunIGTDoGkgMjAyMw==");
	else
		th_req_header(&r->rq, "Authorization", "Basic dmFucGhvbmc6TeG6rXQga2jhuql1IMSR4bunIGTDoGkgMjAyMw==");
}

static void test_api(void **state)
{
	struct fx *f = *state;
	resp *r;

	r = req("POST", "/api/v1/returns");
	basic(r, "11263");
	th_req_query(&r->rq, "period", "2023-Q3");
	th_req_query(&r->rq, "dry_run", "1");
	attach(f, r, DEMO "11263-doanket-v1.xlsx", "v1.xlsx");
	run(f, r);
	assert_int_equal(r->rp.status, 200);
	assert_non_null(strstr(body(r), "{\"id\":null,\"unit\":\"11263\",\"period\":\"2023-Q3\",\"state\":\"checked\""));
	assert_non_null(strstr(body(r), "\"form\":\"BM3\",\"code\":\"3.3\",\"sheet\":\"Biểu mẫu 3\",\"cell\":\"D17\","
					"\"rule\":\"R10\",\"severity\":\"error\",\"written\":\"99,85\",\"expected\":\"9,98\""));
	done(r);
	r = req("POST", "/api/v1/returns");
	basic(r, "11263");
	th_req_query(&r->rq, "period", "2023-Q3");
	attach(f, r, DEMO "11263-doanket-v2.xlsx", "v2.xlsx");
	run(f, r);
	assert_int_equal(r->rp.status, 201);
	assert_non_null(strstr(body(r), "{\"id\":1,\"unit\":\"11263\",\"period\":\"2023-Q3\",\"state\":\"submitted\""));
	done(r);
	/* a script from another site may not use a Basic login the browser holds */
	r = req("POST", "/api/v1/returns/1/review");
	basic(r, "vanphong");
	th_req_header(&r->rq, "Origin", "http://evil.example");
	r->rq.body = strdup("{\"decision\":\"accept\"}");
	r->rq.body_len = strlen(r->rq.body);
	run(f, r);
	assert_int_equal(r->rp.status, 403);
	done(r);
	r = req("POST", "/api/v1/returns/1/review");
	basic(r, "vanphong");
	r->rq.body = strdup("{\"decision\":\"maybe\"}");
	r->rq.body_len = strlen(r->rq.body);
	run(f, r);
	assert_int_equal(r->rp.status, 400);
	done(r);
	r = req("POST", "/api/v1/returns/1/review");
	basic(r, "vanphong");
	r->rq.body = strdup("{\"decision\":\"return\",\"reason\":\"thiếu số liệu BM7\"}");
	r->rq.body_len = strlen(r->rq.body);
	run(f, r);
	assert_int_equal(r->rp.status, 200);
	assert_string_equal(body(r), "{\"id\":1,\"state\":\"returned\",\"reason\":\"thiếu số liệu BM7\"}\n");
	done(r);
	r = req("POST", "/api/v1/returns/1/review");
	basic(r, "11263");
	r->rq.body = strdup("{\"decision\":\"accept\"}");
	r->rq.body_len = strlen(r->rq.body);
	run(f, r);
	assert_int_equal(r->rp.status, 403);
	done(r);
	r = req("GET", "/api/v1/periods/2023-Q3");
	basic(r, "vanphong");
	run(f, r);
	assert_int_equal(r->rp.status, 200);
	assert_non_null(strstr(body(r), "{\"code\":\"11263\",\"name\":\"Xã Đoàn Kết\",\"state\":\"returned\","
					"\"submitted_at\":\"2023-09-11T10:00:00Z\",\"on_time\":true,\"errors\":0"));
	assert_non_null(strstr(body(r), "\"received\":1,\"expected\":17}"));
	done(r);
	r = req("GET", "/api/v1/periods/2023-Q3/workbook");
	basic(r, "vanphong");
	run(f, r);
	assert_int_equal(r->rp.status, 404); /* nothing accepted yet */
	assert_non_null(strstr(body(r), "chưa có báo cáo nào được tiếp nhận"));
	done(r);
	r = req("GET", "/api/v1/periods/2023-Q3/workbook");
	basic(r, "vanphong");
	th_req_query(&r->rq, "basis", "latest");
	run(f, r);
	assert_int_equal(r->rp.status, 200);
	assert_non_null(r->rp.file);
	done(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_routing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_required, setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_wrong_password_and_origin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_session_expires, setup, teardown),
		cmocka_unit_test_setup_teardown(test_throttle_per_account, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unit_cannot_reach_office, setup, teardown),
		cmocka_unit_test_setup_teardown(test_csrf_and_origin_on_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_login_asks_new_password, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_shows_findings_keeps_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_check_blank_template_unfilled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_submit_review_resubmit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_other_unit_forbidden, setup, teardown),
		cmocka_unit_test_setup_teardown(test_api, setup, teardown),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
