/*
 * The dispatcher, the routing table and the replies; see web.h.
 * SPDX-License-Identifier: MIT
 */
#include "serve/web.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/json.h"
#include "base/text.h"
#include "read/vnnum.h"
#include "serve/pages.h"
#include "base/banned.h"

struct th_web {
	th_webconf conf;
	char *data_dir;
	char *db_path;
	pthread_key_t store_key;
	int lock_fd;              /* data_dir/tonghop.lock, held while serving; -1 */
};

/* ---- the routing table ---- */

enum {
	CAP_PUBLIC = 0,
	CAP_USER = 1,   /* any account */
	CAP_UNIT = 2,   /* a commune's account */
	CAP_OFFICE = 4, /* the office's (and the administrator's) */
	CAP_ADMIN = 8,
};

enum {
	R_WRITE = 1,    /* POST, same origin, CSRF token */
	R_API = 2,      /* JSON replies */
	R_FIRST = 4,    /* reachable before the one-time password is changed */
};

typedef enum fkind { F_TEXT, F_LINE, F_NAME, F_SECRET, F_PERIOD, F_UNIT, F_CHOICE } fkind;

typedef struct th_field {
	const char *name;
	fkind kind;
	size_t max;           /* bytes */
	bool required;
	const char *choices;  /* F_CHOICE: "a|b|c" */
	const char *label;    /* for the message */
} th_field;

struct th_route {
	const char *method, *pattern;
	th_handler *fn;
	unsigned cap, flags;
	th_body body;
	uint64_t max_body;    /* bytes; 0 = the upload cap */
	th_field fields[6];
};

#define KB 1024u
static const th_route routes[] = {
	{ "GET", "/", th_h_home, CAP_PUBLIC, R_FIRST, TH_BODY_NONE, 0, { { 0 } } },
	{ "GET", "/static/style.css", th_h_style, CAP_PUBLIC, R_FIRST, TH_BODY_NONE, 0, { { 0 } } },
	{ "GET", "/static/app.js", th_h_script, CAP_PUBLIC, R_FIRST, TH_BODY_NONE, 0, { { 0 } } },
	{ "GET", "/favicon.ico", th_h_favicon, CAP_PUBLIC, R_FIRST, TH_BODY_NONE, 0, { { 0 } } },
	{ "GET", "/dang-nhap", th_h_login_form, CAP_PUBLIC, R_FIRST, TH_BODY_NONE, 0, { { 0 } } },
	{ "POST", "/dang-nhap", th_h_login, CAP_PUBLIC, R_WRITE | R_FIRST, TH_BODY_FORM, 8 * KB,
	  { { "name", F_LINE, 64, true, NULL, "tên đăng nhập" },
	    { "password", F_SECRET, TH_PASSWORD_MAX, true, NULL, "mật khẩu" } } },
	{ "POST", "/dang-xuat", th_h_logout, CAP_USER, R_WRITE | R_FIRST, TH_BODY_FORM, 4 * KB, { { 0 } } },
	{ "GET", "/mat-khau", th_h_password_form, CAP_USER, R_FIRST, TH_BODY_NONE, 0, { { 0 } } },
	{ "POST", "/mat-khau", th_h_password, CAP_USER, R_WRITE | R_FIRST, TH_BODY_FORM, 8 * KB,
	  { { "current", F_SECRET, TH_PASSWORD_MAX, true, NULL, "mật khẩu hiện tại" },
	    { "new", F_SECRET, TH_PASSWORD_MAX, true, NULL, "mật khẩu mới" },
	    { "again", F_SECRET, TH_PASSWORD_MAX, true, NULL, "nhắc lại mật khẩu mới" } } },

	/* the commune */
	{ "GET", "/xa", th_h_unit_home, CAP_UNIT, 0, TH_BODY_NONE, 0, { { 0 } } },
	{ "POST", "/xa/nop", th_h_unit_upload, CAP_UNIT, R_WRITE, TH_BODY_UPLOAD, 0,
	  { { "period", F_PERIOD, 16, true, NULL, "kỳ báo cáo" },
	    { "action", F_CHOICE, 16, true, "check|submit", "việc cần làm" } } },

	/* a return: its unit or the office (checked in the handler) */
	{ "GET", "/bao-cao/{id}", th_h_return, CAP_USER, 0, TH_BODY_NONE, 0, { { 0 } } },
	{ "GET", "/bao-cao/{id}/phan-hoi", th_h_return_feedback, CAP_USER, 0, TH_BODY_NONE, 0, { { 0 } } },
	{ "GET", "/bao-cao/{id}/tep", th_h_return_file, CAP_USER, 0, TH_BODY_NONE, 0, { { 0 } } },
	{ "POST", "/bao-cao/{id}/xem-xet", th_h_review, CAP_OFFICE, R_WRITE, TH_BODY_FORM, 16 * KB,
	  { { "decision", F_CHOICE, 16, true, "accept|return", "quyết định" },
	    { "reason", F_TEXT, 2000, false, NULL, "lý do" } } },

	/* the office */
	{ "GET", "/van-phong", th_h_office_home, CAP_OFFICE, 0, TH_BODY_NONE, 0, { { 0 } } },
	{ "GET", "/van-phong/ky/{period}", th_h_office_period, CAP_OFFICE, 0, TH_BODY_NONE, 0, { { 0 } } },
	{ "GET", "/van-phong/ky/{period}/tong-hop", th_h_office_workbook, CAP_OFFICE, 0, TH_BODY_NONE, 0, { { 0 } } },
	{ "GET", "/van-phong/nhat-ky", th_h_audit, CAP_OFFICE, 0, TH_BODY_NONE, 0, { { 0 } } },
	{ "GET", "/van-phong/nhat-ky.csv", th_h_audit_csv, CAP_OFFICE, 0, TH_BODY_NONE, 0, { { 0 } } },

	/* the administrator */
	{ "GET", "/quan-tri", th_h_admin, CAP_ADMIN, 0, TH_BODY_NONE, 0, { { 0 } } },
	{ "POST", "/quan-tri/tai-khoan", th_h_admin_user_add, CAP_ADMIN, R_WRITE, TH_BODY_FORM, 8 * KB,
	  { { "role", F_CHOICE, 16, true, "unit|office|admin", "loại tài khoản" },
	    { "unit", F_UNIT, TH_UNIT_MAX, false, NULL, "đơn vị" },
	    { "name", F_NAME, 40, false, NULL, "tên đăng nhập" } } },
	{ "POST", "/quan-tri/tai-khoan/{id}/khoa", th_h_admin_user_disable, CAP_ADMIN, R_WRITE, TH_BODY_FORM, 4 * KB,
	  { { "disabled", F_CHOICE, 2, true, "0|1", "trạng thái" } } },
	{ "POST", "/quan-tri/tai-khoan/{id}/dat-lai", th_h_admin_user_reset, CAP_ADMIN, R_WRITE, TH_BODY_FORM, 4 * KB,
	  { { 0 } } },
	{ "POST", "/quan-tri/ky", th_h_admin_period, CAP_ADMIN, R_WRITE, TH_BODY_FORM, 4 * KB,
	  { { "period", F_PERIOD, 16, true, NULL, "kỳ báo cáo" },
	    { "open", F_CHOICE, 2, true, "0|1", "mở hay đóng" } } },

	/* the API */
	{ "POST", "/api/v1/returns", th_api_return_post, CAP_UNIT | CAP_OFFICE, R_WRITE | R_API, TH_BODY_UPLOAD, 0,
	  { { 0 } } },
	{ "GET", "/api/v1/returns/{id}", th_api_return_get, CAP_USER, R_API, TH_BODY_NONE, 0, { { 0 } } },
	{ "GET", "/api/v1/returns/{id}/feedback", th_api_feedback, CAP_USER, R_API, TH_BODY_NONE, 0, { { 0 } } },
	{ "POST", "/api/v1/returns/{id}/review", th_api_review, CAP_OFFICE, R_WRITE | R_API, TH_BODY_JSON, 16 * KB,
	  { { 0 } } },
	{ "GET", "/api/v1/periods/{period}", th_api_period, CAP_OFFICE, R_API, TH_BODY_NONE, 0, { { 0 } } },
	{ "GET", "/api/v1/periods/{period}/workbook", th_api_workbook, CAP_OFFICE, R_API, TH_BODY_NONE, 0, { { 0 } } },
};

/* Does path match pattern? {id} and {period} segments are checked and kept in rq. */
static bool route_match(const char *pattern, const char *path, th_req *rq)
{
	const char *p = pattern, *s = path;

	while (*p && *s) {
		const char *pe = strchr(p, '/'), *se = strchr(s, '/');
		size_t pn = pe ? (size_t)(pe - p) : strlen(p), sn = se ? (size_t)(se - s) : strlen(s);

		if (pn == 4 && strncmp(p, "{id}", 4) == 0) {
			int64_t v = 0;
			if (sn == 0 || sn > 15)
				return false;
			for (size_t i = 0; i < sn; i++) {
				if (!isdigit((unsigned char)s[i]))
					return false;
				v = v * 10 + (s[i] - '0');
			}
			if (v <= 0)
				return false;
			rq->id = v;
		} else if (pn == 8 && strncmp(p, "{period}", 8) == 0) {
			char buf[16];
			th_period per;
			if (sn == 0 || sn >= sizeof(buf))
				return false;
			memcpy(buf, s, sn);
			buf[sn] = '\0';
			if (th_period_parse(buf, &per))
				return false;
			th_period_format(per, rq->period, sizeof(rq->period));
		} else if (pn != sn || strncmp(p, s, pn) != 0) {
			return false;
		}
		p += pn;
		s += sn;
		if (*p != *s)
			return false;
		if (*p == '/') {
			p++;
			s++;
		}
	}
	return *p == '\0' && *s == '\0';
}

/* ---- the web ---- */

static void store_destroy(void *p)
{
	th_store_close(p);
}

/* Spool files a killed server left in tmp/ (up-*, fb-*: names of our own) are removed at start. */
static void clear_spools(const char *data_dir)
{
	char dir[4096];
	DIR *d;
	struct dirent *de;

	snprintf(dir, sizeof(dir), "%s/tmp", data_dir);
	if (!(d = opendir(dir)))
		return;
	while ((de = readdir(d))) {
		char p[4400];
		if (strncmp(de->d_name, "up-", 3) != 0 && strncmp(de->d_name, "fb-", 3) != 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		unlink(p);
	}
	closedir(d);
}

/* Lock data_dir for this server alone: the fd (kept open while serving), or -1 with *e. */
static int lock_data(const char *data_dir, th_err *e)
{
	char path[4096], eb[TH_ERRNO_VI_MAX];
	struct flock fl = { 0 };
	int fd;

	snprintf(path, sizeof(path), "%s/tonghop.lock", data_dir);
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0)
		return th_fail(e, TH_E_WRITE, "không tạo được %s: %s", path, th_errno_vi(errno, eb));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	if (fcntl(fd, F_SETLK, &fl) == 0)
		return fd;
	close(fd);
	if (errno == EACCES || errno == EAGAIN)
		return th_fail(e, TH_E_CONFLICT,
			       "thư mục dữ liệu %s đang được một 'tonghop serve' khác dùng: mỗi thư mục dữ liệu chỉ "
			       "một cổng chạy (hai cổng cùng lúc sẽ làm hỏng tệp đang nhận của nhau)", data_dir);
	return th_fail(e, TH_E_WRITE, "không khoá được %s: %s", path, th_errno_vi(errno, eb));
}

int th_web_new(th_web **out, const th_webconf *conf, th_err *e)
{
	th_web *w;
	th_store *st;
	size_t n;
	int lock_fd = -1;

	*out = NULL;
	if (th_auth_init(e) || th_data_dirs(conf->data_dir, e))
		return -1;
	if (conf->exclusive && (lock_fd = lock_data(conf->data_dir, e)) < 0)
		return -1;
	w = th_xcalloc(1, sizeof(*w));
	w->lock_fd = lock_fd;
	w->conf = *conf;
	w->data_dir = th_xstrdup(conf->data_dir);
	w->conf.data_dir = w->data_dir;
	if (!w->conf.max_upload)
		w->conf.max_upload = 20u * 1024 * 1024;
	n = strlen(conf->data_dir) + sizeof("/tonghop.db");
	w->db_path = th_xmalloc(n);
	snprintf(w->db_path, n, "%s/tonghop.db", conf->data_dir);
	if (pthread_key_create(&w->store_key, store_destroy) != 0) {
		th_fail(e, TH_E_NOMEM, "không tạo được khoá luồng");
		if (w->lock_fd >= 0)
			close(w->lock_fd);
		free(w->db_path);
		free(w->data_dir);
		free(w);
		return -1;
	}
	/* open once here: the tables are made before any worker runs */
	if (!(st = th_web_store(w, e))) {
		th_web_free(w);
		return -1;
	}
	clear_spools(w->data_dir);
	*out = w;
	return 0;
}

void th_web_free(th_web *w)
{
	if (!w)
		return;
	th_store_close(pthread_getspecific(w->store_key));
	pthread_setspecific(w->store_key, NULL);
	pthread_key_delete(w->store_key);
	if (w->lock_fd >= 0)
		close(w->lock_fd); /* the lock goes with it */
	free(w->db_path);
	free(w->data_dir);
	free(w);
}

th_store *th_web_store(th_web *w, th_err *e)
{
	th_store *st = pthread_getspecific(w->store_key);

	if (st)
		return st;
	if (th_store_open(&st, w->db_path, e))
		return NULL;
	pthread_setspecific(w->store_key, st);
	return st;
}

const th_webconf *th_web_conf(const th_web *w)
{
	return &w->conf;
}

int64_t th_web_now(const th_web *w)
{
	return w->conf.clock ? w->conf.clock() : (int64_t)time(NULL);
}

void th_web_log(th_web *w, const char *fmt, ...)
{
	char line[2048];
	va_list ap;

	if (!w->conf.log)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	for (char *p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	w->conf.log(w->conf.log_cls, line);
}

/* ---- requests ---- */

void th_req_init(th_req *rq, const char *method, const char *path)
{
	struct timespec ts;

	memset(rq, 0, sizeof(*rq));
	snprintf(rq->method, sizeof(rq->method), "%s", method);
	rq->path = th_xstrdup(path);
	rq->upload = (th_spool)TH_SPOOL_INIT;
	rq->content_length = -1;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	rq->started = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void kv_free(th_kv *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].val);
	}
	free(v);
}

void th_req_release(th_req *rq)
{
	free(rq->path);
	kv_free(rq->query, rq->n_query);
	kv_free(rq->form, rq->n_form);
	th_spool_discard(&rq->upload);
	free(rq->upload_name);
	free(rq->body);
	free(rq->cookie);
	free(rq->origin);
	free(rq->referer);
	free(rq->authorization);
	free(rq->host);
	free(rq->content_type);
	free(rq->fwd_host);
	memset(rq->token, 0, sizeof(rq->token));
	memset(rq, 0, sizeof(*rq));
	rq->upload.fd = -1;
}

void th_req_header(th_req *rq, const char *name, const char *value)
{
	char **slot = NULL;

	if (strcasecmp(name, "cookie") == 0)
		slot = &rq->cookie;
	else if (strcasecmp(name, "origin") == 0)
		slot = &rq->origin;
	else if (strcasecmp(name, "referer") == 0)
		slot = &rq->referer;
	else if (strcasecmp(name, "authorization") == 0)
		slot = &rq->authorization;
	else if (strcasecmp(name, "host") == 0)
		slot = &rq->host;
	else if (strcasecmp(name, "content-type") == 0)
		slot = &rq->content_type;
	else if (strcasecmp(name, "x-forwarded-host") == 0)
		slot = &rq->fwd_host;
	else if (strcasecmp(name, "x-csrf-token") == 0)
		th_req_form(rq, "csrf", value);
	else if (strcasecmp(name, "content-length") == 0) {
		char *end;
		long long v = strtoll(value, &end, 10);
		rq->content_length = end != value && *end == '\0' && v >= 0 ? v : -1;
	}
	if (slot) {
		free(*slot);
		*slot = th_xstrdup(value);
	}
}

static void kv_add(th_kv **v, size_t *n, const char *key, const char *val)
{
	size_t cap = *n;

	th_grow((void **)v, &cap, *n + 1, sizeof(**v));
	(*v)[*n].key = th_xstrdup(key);
	(*v)[*n].val = th_xstrdup(val);
	(*n)++;
}

void th_req_query(th_req *rq, const char *key, const char *val)
{
	if (rq->n_query < TH_FIELDS_MAX && strlen(val) < TH_FIELD_MAX)
		kv_add(&rq->query, &rq->n_query, key, val ? val : "");
}

int th_req_form(th_req *rq, const char *key, const char *val)
{
	if (rq->n_form >= TH_FIELDS_MAX || strlen(val) >= TH_FIELD_MAX)
		return -1;
	kv_add(&rq->form, &rq->n_form, key, val);
	return 0;
}

static const char *kv_get(const th_kv *v, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].key, key) == 0)
			return v[i].val;
	return NULL;
}

const char *th_req_arg(const th_req *rq, const char *key)
{
	return kv_get(rq->query, rq->n_query, key);
}

const char *th_req_field(const th_req *rq, const char *key)
{
	return kv_get(rq->form, rq->n_form, key);
}

/* ---- replies ---- */

void th_reply_init(th_reply *rp)
{
	memset(rp, 0, sizeof(*rp));
	th_sbuf_init(&rp->body, 64u * 1024 * 1024);
}

void th_reply_release(th_reply *rp)
{
	th_sbuf_release(&rp->body);
	free(rp->file);
	free(rp->filename);
	free(rp->location);
	free(rp->cookie);
	free(rp->allow);
	memset(rp, 0, sizeof(*rp));
}

void th_reply_redirect(th_reply *rp, const char *location)
{
	rp->status = 303;
	rp->ctype = "text/plain; charset=utf-8";
	th_sbuf_reset(&rp->body);
	free(rp->location);
	rp->location = th_xstrdup(location);
}

void th_reply_html(th_reply *rp, int status)
{
	rp->status = status;
	rp->ctype = "text/html; charset=utf-8";
	th_sbuf_reset(&rp->body);
}

void th_reply_json(th_reply *rp, int status)
{
	rp->status = status;
	rp->ctype = "application/json";
	th_sbuf_reset(&rp->body);
}

void th_reply_file(th_reply *rp, const char *path, const char *name, const char *ctype)
{
	rp->status = 200;
	rp->ctype = ctype;
	th_sbuf_reset(&rp->body);
	free(rp->file);
	free(rp->filename);
	rp->file = th_xstrdup(path);
	rp->filename = th_xstrdup(name);
}

int th_web_status(th_code c)
{
	switch (c) {
	case TH_E_USAGE:
	case TH_E_BAD_REQUEST: return 400;
	case TH_E_UNAUTHORIZED: return 401;
	case TH_E_FORBIDDEN:
	case TH_E_CSRF: return 403;
	case TH_E_NOT_FOUND: return 404;
	case TH_E_METHOD: return 405;
	case TH_E_CONFLICT:
	case TH_E_PERIOD_CLOSED: return 409;
	case TH_E_TOO_LARGE: return 413;
	case TH_E_URI_TOO_LONG: return 414;
	case TH_E_WRONG_UNIT:
	case TH_E_WRONG_PERIOD: return 422;
	case TH_E_THROTTLED: return 429;
	case TH_E_BUSY: return 503;
	case TH_E_NO_SPACE: return 507;
	case TH_E_FILE_DAMAGED: return 500;
	default: break;
	}
	if (c >= 20 && c < 50)
		return 422; /* the file sent is no readable return */
	return 500;
}

static bool is_api(const th_req *rq)
{
	return rq->route ? (rq->route->flags & R_API) != 0 : strncmp(rq->path, "/api/", 5) == 0;
}

static void json_error(th_reply *rp, int status, th_code code, const char *msg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	th_json j;

	th_reply_json(rp, status);
	if (!f) {
		th_sbuf_adds(&rp->body, "{\"code\":69,\"message\":\"\"}");
		return;
	}
	th_json_init(&j, f);
	th_json_obj(&j);
	th_json_kint(&j, "code", (long long)code);
	th_json_kstr(&j, "message", msg);
	th_json_end_obj(&j);
	fputc('\n', f);
	fclose(f);
	th_sbuf_add(&rp->body, buf, len);
	free(buf);
}

void th_reply_error(th_web *w, const th_req *rq, th_reply *rp, const th_err *e)
{
	int status = th_web_status(e->code);
	const char *msg = e->msg;
	th_frame fr;

	if (status >= 500 && status != 503) {
		/* ours: the details (SQL, paths) go to the log, the page says it in general,
		 * unless the failure is one people can act on (a full disk, a damaged file) */
		th_web_log(w, "error %s %s: %s (%s:%d)", rq->method, rq->path, e->msg, e->src_file ? e->src_file : "?",
			   e->src_line);
		if (e->code == TH_E_NO_SPACE)
			msg = "máy chủ đã hết chỗ lưu trữ: yêu cầu chưa được thực hiện và không có gì được lưu dở. "
			      "Hãy báo văn phòng (cần giải phóng ổ đĩa của máy chủ) rồi gửi lại sau";
		else if (e->code != TH_E_FILE_DAMAGED)
			msg = "máy chủ gặp lỗi khi xử lý yêu cầu này; hãy thử lại sau, nếu vẫn lỗi hãy báo văn phòng";
	}
	if (is_api(rq)) {
		json_error(rp, status, e->code, msg);
	} else {
		th_reply_html(rp, status);
		th_frame_for(w, rq, &fr, "Không thực hiện được", "");
		th_page_begin(&rp->body, &fr);
		th_html(&rp->body, "<h1>Không thực hiện được</h1>\n<p class=\"bad\">%h</p>\n", msg);
		if (status == 401)
			th_html(&rp->body, "<p><a href=\"/dang-nhap\">Đăng nhập</a></p>\n");
		else
			th_html(&rp->body, "<p><a href=\"/\">Về trang chính</a></p>\n");
		th_page_end(&rp->body);
	}
	if (status == 401 && is_api(rq))
		rp->www_auth = true;
}

static void fail_reply(th_web *w, th_req *rq, th_reply *rp, th_code code, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void fail_reply(th_web *w, th_req *rq, th_reply *rp, th_code code, const char *fmt, ...)
{
	th_err e = { 0 };
	va_list ap;

	e.code = code;
	va_start(ap, fmt);
	vsnprintf(e.msg, sizeof(e.msg), fmt, ap);
	va_end(ap);
	th_reply_error(w, rq, rp, &e);
}

/* ---- who is asking ---- */

/* The session token in the Cookie header, "" when none. */
static void cookie_token(const char *cookie, char out[TH_TOKEN_HEX])
{
	const char *p = cookie;

	out[0] = '\0';
	while (p && *p) {
		while (*p == ' ' || *p == ';')
			p++;
		if (strncmp(p, "th_session=", 11) == 0) {
			const char *v = p + 11;
			size_t n = strcspn(v, ";");
			if (n == TH_TOKEN_HEX - 1) {
				memcpy(out, v, n);
				out[n] = '\0';
			}
			return;
		}
		p = strchr(p, ';');
	}
}

/* Authenticate rq: 0 (maybe nobody), or -1 with rp set (bad Basic credentials, store failure). */
static int authenticate(th_web *w, th_req *rq, th_reply *rp)
{
	th_err e = { 0 };
	th_store *st = th_web_store(w, &e);
	char tok[TH_TOKEN_HEX];
	uint8_t h[32];

	if (!st) {
		th_reply_error(w, rq, rp, &e);
		return -1;
	}
	if (rq->authorization) {
		char name[TH_NAME_MAX], pw[TH_PASSWORD_MAX];
		if (th_basic_parse(rq->authorization, name, sizeof(name), pw, sizeof(pw))) {
			fail_reply(w, rq, rp, TH_E_UNAUTHORIZED, "thông tin đăng nhập (HTTP Basic) không đúng dạng");
			return -1;
		}
		if (th_auth_login(st, name, pw, rq->ip, th_web_now(w), &rq->user, &e)) {
			memset(pw, 0, sizeof(pw));
			th_reply_error(w, rq, rp, &e);
			return -1;
		}
		memset(pw, 0, sizeof(pw));
		rq->authed = rq->by_basic = true;
		return 0;
	}
	cookie_token(rq->cookie, tok);
	if (tok[0] && th_token_hash(tok, h) == 0) {
		int rc = th_store_session_user(st, h, th_web_now(w), &rq->user, &e);
		if (rc < 0) {
			th_reply_error(w, rq, rp, &e);
			return -1;
		}
		if (rc == 0) {
			rq->authed = true;
			snprintf(rq->token, sizeof(rq->token), "%s", tok);
			th_csrf_token(tok, rq->csrf);
		}
	}
	return 0;
}

static bool allowed(unsigned cap, const th_user *u)
{
	if (cap == CAP_PUBLIC || cap == CAP_USER)
		return true;
	switch (u->role) {
	case TH_ROLE_UNIT: return (cap & CAP_UNIT) != 0;
	case TH_ROLE_OFFICE: return (cap & CAP_OFFICE) != 0;
	case TH_ROLE_ADMIN: return (cap & (CAP_OFFICE | CAP_ADMIN)) != 0;
	}
	return false;
}

/* Is origin (an Origin header, or the start of a Referer: then followed by '/' or nothing)
 * scheme://host? */
static bool origin_is(const char *origin, bool referer, const char *scheme, const char *host, size_t host_len)
{
	size_t n = strlen(scheme);

	if (strncasecmp(origin, scheme, n) != 0 || strncmp(origin + n, "://", 3) != 0)
		return false;
	origin += n + 3;
	if (strncasecmp(origin, host, host_len) != 0)
		return false;
	origin += host_len;
	return *origin == '\0' || (referer && *origin == '/');
}

/*
 * Does the request come from our own pages (Origin, else Referer, names this server)? This
 * server is the Host asked for, or the X-Forwarded-Host a proxy in front was asked for; over
 * plain HTTP, https too: a proxy in front may end TLS (--insecure-http). A browser sends
 * neither header on its own from another site, so this trusts nothing an attacker's page sets.
 */
static bool same_origin(const th_web *w, const th_req *rq)
{
	const char *said = rq->origin ? rq->origin : rq->referer;
	const char *hosts[2] = { rq->host, rq->fwd_host };

	if (!said)
		return false;
	for (int i = 0; i < 2; i++) {
		const char *h = hosts[i];
		size_t n;
		if (!h)
			continue;
		while (*h == ' ')
			h++;
		n = strcspn(h, ", "); /* a list from proxies one behind another: the first asked */
		if (!n || n > 255)
			continue;
		if (origin_is(said, !rq->origin, "https", h, n) ||
		    (!w->conf.tls && origin_is(said, !rq->origin, "http", h, n)))
			return true;
	}
	return false;
}

int th_web_begin(th_web *w, th_req *rq, th_reply *rp)
{
	const th_route *r = NULL;
	bool path_known = false;
	char allow[32] = "";

	if (strlen(rq->path) > TH_PATH_MAX) {
		fail_reply(w, rq, rp, TH_E_URI_TOO_LONG, "địa chỉ quá dài");
		return -1;
	}
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (!route_match(routes[i].pattern, rq->path, rq))
			continue;
		path_known = true;
		if (strlen(allow) + strlen(routes[i].method) + 2 < sizeof(allow))
			snprintf(allow + strlen(allow), sizeof(allow) - strlen(allow), "%s%s", allow[0] ? ", " : "",
				 routes[i].method);
		if (strcmp(routes[i].method, rq->method) == 0 ||
		    (strcmp(rq->method, "HEAD") == 0 && strcmp(routes[i].method, "GET") == 0)) {
			r = &routes[i];
			break;
		}
	}
	if (!r) {
		if (path_known) {
			fail_reply(w, rq, rp, TH_E_METHOD, "phương thức %s không dùng được ở địa chỉ này", rq->method);
			rp->allow = th_xstrdup(allow);
		} else {
			fail_reply(w, rq, rp, TH_E_NOT_FOUND, "không có trang này");
		}
		return -1;
	}
	rq->route = r;
	if (authenticate(w, rq, rp))
		return -1;
	if (r->cap != CAP_PUBLIC && !rq->authed) {
		if (!(r->flags & R_API) && strcmp(rq->method, "GET") == 0) {
			th_reply_redirect(rp, "/dang-nhap");
			return -1;
		}
		fail_reply(w, rq, rp, TH_E_UNAUTHORIZED, "cần đăng nhập");
		return -1;
	}
	if (rq->authed && rq->user.must_change && !rq->by_basic && !(r->flags & R_FIRST)) {
		/* the one-time password must be replaced before anything else */
		if (strcmp(rq->method, "GET") == 0) {
			th_reply_redirect(rp, "/mat-khau");
			return -1;
		}
		fail_reply(w, rq, rp, TH_E_FORBIDDEN, "hãy đổi mật khẩu dùng một lần trước");
		return -1;
	}
	if (rq->authed && !allowed(r->cap, &rq->user)) {
		fail_reply(w, rq, rp, TH_E_FORBIDDEN, "tài khoản này không được dùng chức năng này");
		return -1;
	}
	if (r->flags & R_WRITE) {
		/* a browser always says where a POST comes from; a script with Basic need not */
		bool cookie_auth = rq->authed && !rq->by_basic;
		if ((rq->origin || rq->referer || cookie_auth || r->cap == CAP_PUBLIC) && !same_origin(w, rq)) {
			fail_reply(w, rq, rp, TH_E_CSRF, "yêu cầu không đến từ trang của cổng này: hãy tải lại trang rồi làm lại");
			return -1;
		}
	}
	{
		uint64_t max;
		th_body b = th_web_body(w, rq, &max);
		if (b == TH_BODY_NONE && rq->content_length > 0) {
			fail_reply(w, rq, rp, TH_E_TOO_LARGE, "yêu cầu này không nhận nội dung");
			return -1;
		}
		if (rq->content_length > 0 && (uint64_t)rq->content_length > max) {
			fail_reply(w, rq, rp, TH_E_TOO_LARGE, "tệp hoặc nội dung gửi lên lớn quá giới hạn %llu MB",
				   (unsigned long long)(max / (1024 * 1024) ? max / (1024 * 1024) : 1));
			return -1;
		}
	}
	return 0;
}

th_body th_web_body(const th_web *w, const th_req *rq, uint64_t *max)
{
	*max = 0;
	if (!rq->route)
		return TH_BODY_NONE;
	/* an upload: the file and the multipart around it */
	*max = rq->route->max_body ? rq->route->max_body : w->conf.max_upload + 64 * 1024;
	return rq->route->body;
}

/* Is s acceptable for field f? NULL, or why not. */
static const char *field_bad(th_web *w, const th_field *f, const char *s)
{
	size_t n = strlen(s);

	if (n > f->max)
		return "quá dài";
	/* text that is shown, stored or exported (a password is only hashed) */
	if (f->kind != F_SECRET && !th_text_valid_utf8(s, n))
		return "không phải văn bản UTF-8 hợp lệ (hãy gõ lại bằng bàn phím tiếng Việt Unicode)";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if ((*p < 0x20 && !(f->kind == F_TEXT && (*p == '\n' || *p == '\r' || *p == '\t'))) || *p == 0x7f)
			return "có ký tự điều khiển";
	switch (f->kind) {
	case F_TEXT:
	case F_LINE:
	case F_SECRET:
		return NULL;
	case F_NAME:
		return !n || th_name_valid(s) ? NULL : "chỉ gồm chữ thường không dấu, số, dấu chấm, gạch dưới, gạch ngang";
	case F_PERIOD: {
		th_period p;
		return th_period_parse(s, &p) ? "không phải kỳ báo cáo (như 2023-Q3)" : NULL;
	}
	case F_UNIT:
		return !n || th_roster_by_code(w->conf.roster, s) ? NULL : "không có trong danh sách đơn vị";
	case F_CHOICE: {
		const char *c = f->choices;
		while (c && *c) {
			size_t k = strcspn(c, "|");
			if (k == n && strncmp(c, s, n) == 0)
				return NULL;
			c += k + (c[k] == '|');
		}
		return "không phải một lựa chọn có sẵn";
	}
	}
	return "không hợp lệ";
}

void th_web_finish(th_web *w, th_req *rq, th_reply *rp)
{
	const th_route *r = rq->route;
	th_err e = { 0 };

	if (!r) {
		fail_reply(w, rq, rp, TH_E_NOT_FOUND, "không có trang này");
		return;
	}
	if (rq->body_too_big || rq->upload.too_big) {
		fail_reply(w, rq, rp, TH_E_TOO_LARGE, "tệp hoặc nội dung gửi lên lớn quá giới hạn cho phép");
		return;
	}
	if ((r->flags & R_WRITE) && rq->authed && !rq->by_basic) {
		const char *t = th_req_field(rq, "csrf");
		if (!t || !rq->csrf[0] || !th_secret_eq(t, rq->csrf)) {
			fail_reply(w, rq, rp, TH_E_CSRF, "phiên làm việc của trang đã cũ: hãy tải lại trang rồi làm lại");
			return;
		}
	}
	for (size_t i = 0; i < sizeof(r->fields) / sizeof(r->fields[0]) && r->fields[i].name; i++) {
		const th_field *f = &r->fields[i];
		const char *v = th_req_field(rq, f->name), *why;
		if (!v || !v[0]) {
			if (f->required) {
				fail_reply(w, rq, rp, TH_E_BAD_REQUEST, "thiếu %s", f->label);
				return;
			}
			continue;
		}
		if ((why = field_bad(w, f, v))) {
			fail_reply(w, rq, rp, TH_E_BAD_REQUEST, "%s: %s", f->label, why);
			return;
		}
	}
	if (r->fn(w, rq, rp, &e))
		th_reply_error(w, rq, rp, &e);
	else if (!rp->status)
		fail_reply(w, rq, rp, TH_E_STORE, "handler gave no reply");
}

void th_web_handle(th_web *w, th_req *rq, th_reply *rp)
{
	if (th_web_begin(w, rq, rp) == 0)
		th_web_finish(w, rq, rp);
}

void th_web_access_log(th_web *w, const th_req *rq, const th_reply *rp, uint64_t bytes)
{
	struct timespec ts;
	int64_t ms;
	char when[32];
	time_t now = (time_t)th_web_now(w);
	struct tm tm;
	th_sbuf sb = TH_SBUF_INIT;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 - rq->started;
	gmtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* the path is the client's: quotes and controls escaped, cut to keep lines short */
	for (const char *p = rq->path ? rq->path : ""; *p && sb.len < 300; p++) {
		if ((unsigned char)*p < 0x20 || *p == '"' || *p == '\\' || *p == 0x7f)
			th_sbuf_addf(&sb, "\\x%02x", (unsigned char)*p);
		else
			th_sbuf_addc(&sb, *p);
	}
	th_web_log(w, "%s %s %s \"%s %s\" %d %llu %lldms", when, rq->ip[0] ? rq->ip : "-",
		   rq->authed ? rq->user.name : "-", rq->method, sb.buf, rp->status, (unsigned long long)bytes,
		   (long long)ms);
	th_sbuf_release(&sb);
}
