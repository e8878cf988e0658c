/*
 * Pages every account uses: the front door (log in, log out, change the password), the
 * style sheet and script, a return's page with its findings (its unit or the office) and
 * its two downloads; and the helpers the other pages share (frame, findings grouped by
 * form, the access check on a return).
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "model/finding_order.h"
#include "serve/pages.h"
#include "base/banned.h"

#define XLSX_TYPE "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

/* ---- shared helpers ---- */

const char *th_unit_name(th_web *w, const char *code)
{
	const th_unit *u = th_roster_by_code(th_web_conf(w)->roster, code);
	return u ? u->name : "";
}

void th_frame_for(th_web *w, const th_req *rq, th_frame *f, const char *title, const char *nav)
{
	memset(f, 0, sizeof(*f));
	f->title = title;
	f->nav = nav;
	if (rq->authed && !rq->by_basic) {
		f->user = &rq->user;
		f->csrf = rq->csrf;
		if (rq->user.role == TH_ROLE_UNIT)
			f->unit_name = th_unit_name(w, rq->user.unit);
	}
}

int th_return_for(th_web *w, th_store *st, const th_req *rq, int64_t id, th_return *r, th_err *e)
{
	int rc = th_store_return_get(st, id, r, e);

	(void)w;
	if (rc < 0)
		return -1;
	/* another unit's return is said to be forbidden, the same for one that exists or not,
	 * so that ids cannot be probed */
	if (rq->user.role == TH_ROLE_UNIT && (rc == 1 || strcmp(r->unit, rq->user.unit) != 0)) {
		th_return_release(r);
		return th_fail(e, TH_E_FORBIDDEN, "báo cáo này không phải của đơn vị bạn");
	}
	if (rc == 1)
		return th_fail(e, TH_E_NOT_FOUND, "không có báo cáo #%lld", (long long)id);
	return 0;
}

void th_findings_html(th_web *w, th_sbuf *sb, const th_findings *fs)
{
	const th_schema *s = th_web_conf(w)->schema;
	size_t *order;
	int *rank, last = -100;

	if (!fs->n) {
		th_html(sb, "<p class=\"msg\">Không có phát hiện nào: báo cáo đúng theo mọi quy tắc.</p>\n");
		return;
	}
	order = th_findings_order(s, fs, &rank);
	for (size_t k = 0; k < fs->n; k++) {
		const th_finding *f = &fs->v[order[k]];
		const char *sev = th_severity_name(f->severity);
		if (rank[k] != last) {
			const th_formdef *fd = th_schema_form(s, f->form);
			if (last != -100)
				th_html(sb, "</tbody></table>\n");
			if (fd)
				th_html(sb, "<h2>%h — %h</h2>\n", fd->title, fd->name);
			else
				th_html(sb, "<h2>%h</h2>\n", f->form[0] ? th_form_heading(s, f->form) : "Chung");
			th_html(sb, "<table class=\"findings\"><thead><tr><th>Mức</th><th>Dòng</th><th>Trang, ô</th>"
				    "<th>Đã ghi</th><th>Đúng là</th><th>Việc cần làm</th></tr></thead><tbody>\n");
			last = rank[k];
		}
		th_html(sb, "<tr class=\"sev-%s\"><td class=\"%s\">%h</td><td>%h</td>", sev,
			f->severity == TH_SEV_ERROR ? "err" : f->severity == TH_SEV_WARNING ? "warn" : "info",
			th_severity_vi(f->severity), f->code);
		if (f->sheet[0])
			th_html(sb, "<td class=\"cell\">%h, ô %h</td>", f->sheet, f->cell);
		else
			th_html(sb, "<td></td>");
		th_html(sb, "<td>%h</td><td>%h</td><td>%h <small>[%h]</small></td></tr>\n",
			f->written[0] || !f->expected[0] ? f->written : "(trống)", f->expected, f->message, f->rule);
	}
	th_html(sb, "</tbody></table>\n");
	free(order);
	free(rank);
}

static void state_badge(th_sbuf *sb, th_rstate s)
{
	th_html(sb, "<span class=\"state st-%s\">%h</span>", th_rstate_name(s), th_rstate_vi(s));
}

/* ---- the front door ---- */

int th_h_home(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	(void)w;
	(void)e;
	if (!rq->authed)
		th_reply_redirect(rp, "/dang-nhap");
	else if (rq->user.must_change && !rq->by_basic)
		th_reply_redirect(rp, "/mat-khau");
	else
		th_reply_redirect(rp, rq->user.role == TH_ROLE_UNIT ? "/xa" : "/van-phong");
	return 0;
}

static void login_page(th_web *w, th_req *rq, th_reply *rp, int status, const char *problem)
{
	th_frame fr;

	th_reply_html(rp, status);
	th_frame_for(w, rq, &fr, "Đăng nhập", "");
	fr.user = NULL;
	th_page_begin(&rp->body, &fr);
	th_html(&rp->body, "<h1>Đăng nhập</h1>\n");
	if (problem)
		th_html(&rp->body, "<p class=\"bad\">%h</p>\n", problem);
	th_form_begin(&rp->body, "/dang-nhap", NULL, false);
	th_html(&rp->body,
		"<label for=\"name\">Tên đăng nhập</label><input type=\"text\" id=\"name\" name=\"name\" "
		"autocomplete=\"username\" required autofocus>\n"
		"<label for=\"password\">Mật khẩu</label><input type=\"password\" id=\"password\" name=\"password\" "
		"autocomplete=\"current-password\" required>\n"
		"<div><button type=\"submit\" class=\"primary\">Đăng nhập</button></div></form>\n"
		"<p class=\"box\">Tài khoản do văn phòng cấp. Lần đăng nhập đầu tiên, trang sẽ yêu cầu đổi mật "
		"khẩu dùng một lần.</p>\n");
	th_page_end(&rp->body);
}

int th_h_login_form(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	(void)e;
	if (rq->authed)
		return th_h_home(w, rq, rp, e);
	login_page(w, rq, rp, 200, NULL);
	return 0;
}

int th_h_login(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	th_store *st = th_web_store(w, e);
	th_user u;
	th_err le = { 0 };
	char tok[TH_TOKEN_HEX];
	uint8_t h[32];
	int64_t now = th_web_now(w);
	th_actor who;

	if (!st)
		return -1;
	if (th_auth_login(st, th_req_field(rq, "name"), th_req_field(rq, "password"), rq->ip, now, &u, &le)) {
		if (le.code == TH_E_UNAUTHORIZED || le.code == TH_E_THROTTLED) {
			login_page(w, rq, rp, th_web_status(le.code), le.msg);
			return 0;
		}
		*e = le;
		return -1;
	}
	th_token_new(tok);
	if (th_token_hash(tok, h) || th_store_session_add(st, h, u.id, now, now + TH_SESSION_SECONDS, e))
		return -1;
	who = (th_actor){ u.id, u.name, rq->ip };
	th_store_audit(st, &who, "login", u.name, "", now, NULL);
	rp->cookie = th_xmalloc(200);
	snprintf(rp->cookie, 200, "th_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", tok,
		 TH_SESSION_SECONDS, th_web_conf(w)->tls ? "; Secure" : "");
	th_reply_redirect(rp, u.must_change ? "/mat-khau" : u.role == TH_ROLE_UNIT ? "/xa" : "/van-phong");
	return 0;
}

int th_h_logout(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	th_store *st = th_web_store(w, e);
	uint8_t h[32];

	if (!st)
		return -1;
	if (rq->token[0] && th_token_hash(rq->token, h) == 0 && th_store_session_delete(st, h, e))
		return -1;
	rp->cookie = th_xstrdup("th_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
	th_reply_redirect(rp, "/dang-nhap");
	return 0;
}

static void password_page(th_web *w, th_req *rq, th_reply *rp, int status, const char *problem)
{
	th_frame fr;

	th_reply_html(rp, status);
	th_frame_for(w, rq, &fr, "Đổi mật khẩu", "");
	th_page_begin(&rp->body, &fr);
	th_html(&rp->body, "<h1>Đổi mật khẩu</h1>\n");
	if (rq->user.must_change)
		th_html(&rp->body, "<p class=\"box\">Đây là lần đăng nhập đầu tiên với mật khẩu dùng một lần: hãy "
				   "đặt mật khẩu của riêng bạn (ít nhất 10 ký tự).</p>\n");
	if (problem)
		th_html(&rp->body, "<p class=\"bad\">%h</p>\n", problem);
	th_form_begin(&rp->body, "/mat-khau", rq->csrf, false);
	th_html(&rp->body,
		"<input type=\"text\" name=\"username\" value=\"%h\" autocomplete=\"username\" hidden>\n"
		"<label for=\"current\">Mật khẩu hiện tại</label><input type=\"password\" id=\"current\" "
		"name=\"current\" autocomplete=\"current-password\" required>\n"
		"<label for=\"new\">Mật khẩu mới</label><input type=\"password\" id=\"new\" name=\"new\" "
		"autocomplete=\"new-password\" required minlength=\"10\">\n"
		"<label for=\"again\">Nhắc lại mật khẩu mới</label><input type=\"password\" id=\"again\" "
		"name=\"again\" autocomplete=\"new-password\" required minlength=\"10\">\n"
		"<div><button type=\"submit\" class=\"primary\">Đổi mật khẩu</button></div></form>\n",
		rq->user.name);
	th_page_end(&rp->body);
}

int th_h_password_form(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	(void)e;
	password_page(w, rq, rp, 200, NULL);
	return 0;
}

int th_h_password(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	th_store *st = th_web_store(w, e);
	const char *cur = th_req_field(rq, "current"), *nw = th_req_field(rq, "new"), *again = th_req_field(rq, "again");
	const char *weak;
	th_err le = { 0 };
	char hash[TH_PWHASH_MAX], tok[TH_TOKEN_HEX];
	uint8_t h[32];
	int64_t now = th_web_now(w);
	th_actor who = { rq->user.id, rq->user.name, rq->ip };

	if (!st)
		return -1;
	if (th_auth_recheck(st, &rq->user, cur, rq->ip, now, &le)) {
		if (le.code != TH_E_UNAUTHORIZED && le.code != TH_E_THROTTLED) {
			*e = le;
			return -1;
		}
		password_page(w, rq, rp, le.code == TH_E_THROTTLED ? 429 : 400, le.msg);
		return 0;
	}
	if (strcmp(nw, again) != 0) {
		password_page(w, rq, rp, 400, "hai lần nhập mật khẩu mới không giống nhau");
		return 0;
	}
	if (strcmp(nw, cur) == 0) {
		password_page(w, rq, rp, 400, "mật khẩu mới phải khác mật khẩu hiện tại");
		return 0;
	}
	if ((weak = th_password_weak(nw, rq->user.name))) {
		password_page(w, rq, rp, 400, weak);
		return 0;
	}
	if (th_password_hash(nw, hash, e) || th_store_user_password(st, &who, rq->user.id, hash, false, now, e))
		return -1;
	/* every session ended with the old password: this one starts anew */
	th_token_new(tok);
	if (th_token_hash(tok, h) || th_store_session_add(st, h, rq->user.id, now, now + TH_SESSION_SECONDS, e))
		return -1;
	rp->cookie = th_xmalloc(200);
	snprintf(rp->cookie, 200, "th_session=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d%s", tok,
		 TH_SESSION_SECONDS, th_web_conf(w)->tls ? "; Secure" : "");
	th_reply_redirect(rp, rq->user.role == TH_ROLE_UNIT ? "/xa" : "/van-phong");
	return 0;
}

int th_h_style(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	(void)w;
	(void)rq;
	(void)e;
	rp->status = 200;
	rp->ctype = "text/css; charset=utf-8";
	th_sbuf_adds(&rp->body, th_html_css());
	return 0;
}

int th_h_favicon(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	(void)w;
	(void)rq;
	(void)e;
	rp->status = 204; /* no icon, and no 404 in every browser's console */
	rp->ctype = "image/x-icon";
	return 0;
}

int th_h_script(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	(void)w;
	(void)rq;
	(void)e;
	rp->status = 200;
	rp->ctype = "text/javascript; charset=utf-8";
	th_sbuf_adds(&rp->body, th_html_js());
	return 0;
}

/* ---- a return ---- */

static void review_form(th_sbuf *sb, const th_req *rq, const th_return *r)
{
	char action[64];

	snprintf(action, sizeof(action), "/bao-cao/%lld/xem-xet", (long long)r->id);
	th_html(sb, "<h2>Xem xét</h2>\n<div class=\"box noprint\">");
	th_form_begin(sb, action, rq->csrf, false);
	th_html(sb, "<label for=\"reason\">Lý do (bắt buộc khi trả lại; xã sẽ thấy)</label>"
		    "<textarea id=\"reason\" name=\"reason\" maxlength=\"2000\"></textarea>\n"
		    "<button type=\"submit\" name=\"decision\" value=\"accept\" class=\"primary\">Tiếp nhận</button>"
		    "<button type=\"submit\" name=\"decision\" value=\"return\">Trả lại cho xã</button></form></div>\n");
}

static void versions_html(th_web *w, th_store *st, th_sbuf *sb, const th_return *r)
{
	th_return *v = NULL;
	size_t n = 0;
	const th_return *prev = NULL;
	th_err e = { 0 };

	if (th_store_returns(st, r->period, r->unit, &v, &n, &e)) {
		th_web_log(w, "versions: %s", e.msg);
		return;
	}
	th_html(sb, "<h2>Các lần nộp của đơn vị trong kỳ</h2>\n<table><thead><tr><th>Bản</th><th>Nộp lúc</th>"
		    "<th>Tệp</th><th>Lỗi</th><th>Cảnh báo</th><th>Trạng thái</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < n; i++) {
		char when[TH_WHEN_MAX];
		th_when(v[i].submitted_at, when);
		if (v[i].id == r->id && i > 0)
			prev = &v[i - 1];
		th_html(sb, "<tr><td><a href=\"/bao-cao/%lld\">#%lld</a>%s</td><td class=\"when\">%h</td><td>%h</td>"
			    "<td class=\"num\">%lld</td><td class=\"num\">%lld</td><td>",
			(long long)v[i].id, (long long)v[i].id, v[i].id == r->id ? " (đang xem)" : "", when,
			v[i].file_name, (long long)v[i].errors, (long long)v[i].warnings);
		state_badge(sb, v[i].state);
		th_html(sb, "</td></tr>\n");
	}
	th_html(sb, "</tbody></table>\n");
	if (prev) {
		th_figdiff *d = NULL;
		size_t nd = 0;
		if (th_store_diff(st, prev->id, r->id, &d, &nd, &e) == 0) {
			th_html(sb, "<h2>Số liệu thay đổi so với bản #%lld</h2>\n", (long long)prev->id);
			if (!nd)
				th_html(sb, "<p>Không có số liệu nào thay đổi.</p>\n");
			else
				th_html(sb, "<table><thead><tr><th>Biểu</th><th>Dòng</th><th>Chỉ tiêu</th><th>Bản #%lld</th>"
					    "<th>Bản #%lld</th></tr></thead><tbody>\n",
					(long long)prev->id, (long long)r->id);
			for (size_t i = 0; i < nd; i++) {
				const th_formdef *fd = th_schema_form(th_web_conf(w)->schema, d[i].form);
				int row = fd ? th_form_row(fd, d[i].code) : -1;
				th_html(sb, "<tr><td>%h</td><td>%h</td><td>%h</td><td class=\"num\">%h</td><td class=\"num\">%h</td>"
					    "</tr>\n",
					fd ? fd->title : d[i].form, d[i].code, row >= 0 ? fd->rows[row].label : "",
					d[i].old_written[0] ? d[i].old_written : "(trống)",
					d[i].new_written[0] ? d[i].new_written : "(trống)");
			}
			if (nd)
				th_html(sb, "</tbody></table>\n");
			th_store_free_diff(d, nd);
		} else {
			th_web_log(w, "diff: %s", e.msg);
		}
	}
	th_store_free_returns(v, n);
}

int th_h_return(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	th_store *st = th_web_store(w, e);
	th_return r;
	th_findings fs = TH_FINDINGS_INIT;
	th_frame fr;
	th_period p;
	char title[160], label[TH_PERIOD_LABEL_MAX], when[TH_WHEN_MAX], rwhen[TH_WHEN_MAX];
	bool office = rq->user.role != TH_ROLE_UNIT;
	th_sbuf *sb = &rp->body;

	if (!st || th_return_for(w, st, rq, rq->id, &r, e))
		return -1;
	if (th_store_findings(st, r.id, &fs, e)) {
		th_return_release(&r);
		return -1;
	}
	th_period_parse(r.period, &p);
	th_period_label_vi(p, label, sizeof(label));
	th_when(r.submitted_at, when);
	th_when(r.reviewed_at, rwhen);
	snprintf(title, sizeof(title), "Báo cáo #%lld", (long long)r.id);
	th_reply_html(rp, 200);
	th_frame_for(w, rq, &fr, title, office ? "van-phong" : "xa");
	th_page_begin(sb, &fr);
	if (th_req_arg(rq, "moi"))
		th_html(sb, "<p class=\"msg\">Đã nộp báo cáo. Văn phòng sẽ xem xét và tiếp nhận hoặc trả lại.</p>\n");
	th_html(sb, "<h1>Báo cáo #%lld — %h — %h</h1>\n<div class=\"box\"><p>Trạng thái: ", (long long)r.id,
		th_unit_name(w, r.unit), label);
	state_badge(sb, r.state);
	if (r.reviewed_at)
		th_html(sb, " (%h, %h)", r.reviewer, rwhen);
	th_html(sb, "</p>\n");
	if (r.state == TH_RS_RETURNED)
		th_html(sb, "<p class=\"bad\">Lý do trả lại: %h</p>\n", r.reason);
	else if (r.reason[0])
		th_html(sb, "<p>Ghi chú của văn phòng: %h</p>\n", r.reason);
	{
		th_date d = { 0, 0, 0 };
		char rd[TH_DATE_MAX] = "";
		if (th_vn_parse_date(r.report_date, strlen(r.report_date), &d) == 0)
			th_date_vn(d, rd);
		th_html(sb, "<p>Nộp lúc %h bởi %h; tệp <b>%h</b> (%lld byte)%s%h</p>\n", when, r.user_name, r.file_name,
			(long long)r.size, rd[0] ? "; ngày báo cáo ghi trong tệp: " : "", rd);
	}
	th_html(sb, "<p><b class=\"%s\">%lld lỗi</b>, <b class=\"%s\">%lld cảnh báo</b>, %lld thông tin.</p>\n",
		r.errors ? "err" : "", (long long)r.errors, r.warnings ? "warn" : "", (long long)r.warnings,
		(long long)r.infos);
	th_html(sb, "<p class=\"noprint\">");
	if (r.feedback_sha[0])
		th_html(sb, "<a href=\"/bao-cao/%lld/phan-hoi\">Tải bản phản hồi (.xlsx, ô lỗi được tô màu)</a> · ",
			(long long)r.id);
	th_html(sb, "<a href=\"/bao-cao/%lld/tep\">Tải tệp đã nộp</a></p></div>\n", (long long)r.id);
	if (office) {
		th_return *latest = NULL;
		size_t n = 0;
		if (th_store_returns(st, r.period, r.unit, &latest, &n, e) == 0) {
			if (n && latest[n - 1].id == r.id)
				review_form(sb, rq, &r);
			else
				th_html(sb, "<p class=\"box\">Đơn vị đã nộp bản mới hơn: hãy xem xét bản mới nhất.</p>\n");
			th_store_free_returns(latest, n);
		}
		versions_html(w, st, sb, &r);
	}
	th_html(sb, "<h2>Kết quả kiểm tra</h2>\n");
	th_findings_html(w, sb, &fs);
	th_page_end(sb);
	th_findings_release(&fs);
	th_return_release(&r);
	return 0;
}

/* Send kept content sha as stem + its extension: the feedback is always ours (.xlsx); the file
 * as sent is named by its content (.xlsx, .xls or .ods), never by the sender's name. */
static int send_blob(th_web *w, th_reply *rp, const char *sha, const char *stem, bool ours, th_err *e)
{
	char path[4096], name[100];
	const char *ext = "xlsx", *ctype = XLSX_TYPE;

	if (!sha[0] || th_blob_path(th_web_conf(w)->data_dir, sha, path, sizeof(path)))
		return th_fail(e, TH_E_NOT_FOUND, "không có tệp này");
	if (th_blob_verify(th_web_conf(w)->data_dir, sha, e))
		return -1; /* missing or damaged: said, never sent */
	if (!ours)
		th_file_kind(path, &ext, &ctype);
	snprintf(name, sizeof(name), "%s.%s", stem, ext);
	th_reply_file(rp, path, name, ctype);
	return 0;
}

/* Send return rq->id's feedback workbook, or the file as sent (named by us, never by the sender). */
static int send_return_file(th_web *w, th_req *rq, th_reply *rp, bool feedback, th_err *e)
{
	th_store *st = th_web_store(w, e);
	th_return r;
	char stem[80];
	int rc;

	if (!st || th_return_for(w, st, rq, rq->id, &r, e))
		return -1;
	snprintf(stem, sizeof(stem), "%s-%s-%s-ban-%lld", feedback ? "phan-hoi" : "bao-cao", r.unit, r.period,
		 (long long)r.id);
	rc = send_blob(w, rp, feedback ? r.feedback_sha : r.file_sha, stem, feedback, e);
	th_return_release(&r);
	return rc;
}

int th_h_return_feedback(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	return send_return_file(w, rq, rp, true, e);
}

int th_h_return_file(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	return send_return_file(w, rq, rp, false, e);
}
