/*
 * The administrator's page: accounts (hand out one for a commune or the office, disable,
 * reset to a new one-time password, shown once) and the periods open for returns. The
 * same as `tonghop users` and `tonghop serve --period` on the server's command line.
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/pages.h"
#include "base/banned.h"

int th_h_admin(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	const th_roster *ro = th_web_conf(w)->roster;
	th_store *st = th_web_store(w, e);
	th_user *u = NULL;
	th_periodrow *pv = NULL;
	size_t n = 0, np = 0;
	th_frame fr;
	th_sbuf *sb = &rp->body;

	if (!st || th_store_users(st, &u, &n, e))
		return -1;
	if (th_store_periods(st, &pv, &np, e)) {
		free(u);
		return -1;
	}
	th_reply_html(rp, 200);
	th_frame_for(w, rq, &fr, "Quản trị", "quan-tri");
	th_page_begin(sb, &fr);
	th_html(sb, "<h1>Quản trị</h1>\n<h2>Kỳ báo cáo</h2>\n<table><thead><tr><th>Kỳ</th><th>Trạng thái</th><th></th>"
		    "</tr></thead><tbody>\n");
	for (size_t i = 0; i < np; i++) {
		th_html(sb, "<tr><td>%h</td><td>%s</td><td>", pv[i].period, pv[i].open ? "đang mở" : "đã đóng");
		th_form_begin(sb, "/quan-tri/ky", rq->csrf, false);
		th_html(sb, "<input type=\"hidden\" name=\"period\" value=\"%h\"><input type=\"hidden\" name=\"open\" "
			    "value=\"%s\"><button type=\"submit\">%s</button></form></td></tr>\n",
			pv[i].period, pv[i].open ? "0" : "1", pv[i].open ? "Đóng kỳ" : "Mở lại");
	}
	th_html(sb, "</tbody></table>\n<div class=\"box noprint\">");
	th_form_begin(sb, "/quan-tri/ky", rq->csrf, false);
	th_html(sb, "<label for=\"period\">Mở kỳ mới (như 2023-Q3, 2024-M07, 2024-H1, 2024)</label>"
		    "<input type=\"text\" id=\"period\" name=\"period\" maxlength=\"16\" required>"
		    "<input type=\"hidden\" name=\"open\" value=\"1\"> <button type=\"submit\">Mở kỳ</button></form></div>\n");

	th_html(sb, "<h2>Tài khoản</h2>\n<div class=\"box noprint\">");
	th_form_begin(sb, "/quan-tri/tai-khoan", rq->csrf, false);
	th_html(sb, "<label for=\"role\">Loại tài khoản</label><select id=\"role\" name=\"role\">"
		    "<option value=\"unit\">xã (một tài khoản cho mỗi đơn vị)</option>"
		    "<option value=\"office\">văn phòng</option><option value=\"admin\">quản trị</option></select>\n"
		    "<label for=\"unit\">Đơn vị (với tài khoản xã)</label><select id=\"unit\" name=\"unit\">"
		    "<option value=\"\"></option>");
	for (size_t i = 0; i < ro->n_units; i++)
		th_html(sb, "<option value=\"%h\">%h — %h</option>", ro->units[i].code, ro->units[i].code, ro->units[i].name);
	th_html(sb, "</select>\n<label for=\"name\">Tên đăng nhập (với văn phòng, quản trị)</label>"
		    "<input type=\"text\" id=\"name\" name=\"name\" maxlength=\"40\">\n"
		    "<div><button type=\"submit\" class=\"primary\">Cấp tài khoản</button></div></form></div>\n");
	th_html(sb, "<table><thead><tr><th>Tên đăng nhập</th><th>Loại</th><th>Đơn vị</th><th>Trạng thái</th><th></th>"
		    "</tr></thead><tbody>\n");
	for (size_t i = 0; i < n; i++) {
		char action[64];
		th_html(sb, "<tr><td>%h</td><td>%h</td><td>%h</td><td>%s</td><td>", u[i].name, th_role_vi(u[i].role),
			u[i].unit[0] ? th_unit_name(w, u[i].unit) : "",
			u[i].disabled ? "đã khoá" : u[i].must_change ? "chưa đổi mật khẩu dùng một lần" : "đang dùng");
		snprintf(action, sizeof(action), "/quan-tri/tai-khoan/%lld/dat-lai", (long long)u[i].id);
		th_form_begin(sb, action, rq->csrf, false);
		th_html(sb, "<button type=\"submit\">Đặt lại mật khẩu</button></form> ");
		snprintf(action, sizeof(action), "/quan-tri/tai-khoan/%lld/khoa", (long long)u[i].id);
		th_form_begin(sb, action, rq->csrf, false);
		th_html(sb, "<input type=\"hidden\" name=\"disabled\" value=\"%s\"><button type=\"submit\">%s</button>"
			    "</form></td></tr>\n",
			u[i].disabled ? "0" : "1", u[i].disabled ? "Mở khoá" : "Khoá");
	}
	th_html(sb, "</tbody></table>\n");
	th_page_end(sb);
	free(u);
	free(pv);
	return 0;
}

/* The page that shows a one-time password, once. */
static void otp_page(th_web *w, th_req *rq, th_reply *rp, const char *name, const char *otp)
{
	th_frame fr;
	th_sbuf *sb = &rp->body;

	th_reply_html(rp, 200);
	th_frame_for(w, rq, &fr, "Mật khẩu dùng một lần", "quan-tri");
	th_page_begin(sb, &fr);
	th_html(sb, "<h1>Mật khẩu dùng một lần</h1>\n<div class=\"box\"><p>Tên đăng nhập: <b class=\"otp\">%h</b></p>"
		    "<p>Mật khẩu dùng một lần: <b class=\"otp\">%h</b></p><p>Trang này chỉ hiện mật khẩu một lần: hãy "
		    "chuyển cho người dùng. Lần đăng nhập đầu, họ sẽ phải đặt mật khẩu riêng.</p></div>\n"
		    "<p><a href=\"/quan-tri\">← Quay lại trang quản trị</a></p>\n",
		name, otp);
	th_page_end(sb);
}

int th_h_admin_user_add(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	th_store *st = th_web_store(w, e);
	const char *role = th_req_field(rq, "role"), *unit = th_req_field(rq, "unit"), *name = th_req_field(rq, "name");
	th_role r = strcmp(role, "admin") == 0 ? TH_ROLE_ADMIN : strcmp(role, "office") == 0 ? TH_ROLE_OFFICE : TH_ROLE_UNIT;
	th_actor who = { rq->user.id, rq->user.name, rq->ip };
	char otp[TH_OTP_MAX];

	if (!st || th_account_add(st, &who, r, name, unit, th_web_now(w), otp, NULL, e))
		return -1;
	otp_page(w, rq, rp, r == TH_ROLE_UNIT ? unit : name, otp);
	return 0;
}

int th_h_admin_user_disable(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	th_store *st = th_web_store(w, e);
	th_actor who = { rq->user.id, rq->user.name, rq->ip };
	bool off = strcmp(th_req_field(rq, "disabled"), "1") == 0;

	if (!st)
		return -1;
	if (off && rq->id == rq->user.id)
		return th_fail(e, TH_E_CONFLICT, "không tự khoá tài khoản đang dùng");
	if (th_store_user_disable(st, &who, rq->id, off, th_web_now(w), e))
		return -1;
	th_reply_redirect(rp, "/quan-tri");
	return 0;
}

int th_h_admin_user_reset(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	th_store *st = th_web_store(w, e);
	th_actor who = { rq->user.id, rq->user.name, rq->ip };
	char otp[TH_OTP_MAX];
	th_user u;
	int rc;

	if (!st)
		return -1;
	rc = th_store_user_by_id(st, rq->id, &u, e);
	if (rc < 0)
		return -1;
	if (rc == 1)
		return th_fail(e, TH_E_NOT_FOUND, "không có tài khoản này");
	if (th_account_reset(st, &who, rq->id, th_web_now(w), otp, e))
		return -1;
	otp_page(w, rq, rp, u.name, otp);
	return 0;
}

int th_h_admin_period(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	th_store *st = th_web_store(w, e);
	th_actor who = { rq->user.id, rq->user.name, rq->ip };
	th_period p;
	char canon[16];

	if (!st)
		return -1;
	th_period_parse(th_req_field(rq, "period"), &p);
	th_period_format(p, canon, sizeof(canon));
	if (th_store_period_set(st, &who, canon, strcmp(th_req_field(rq, "open"), "1") == 0, th_web_now(w), e))
		return -1;
	th_reply_redirect(rp, "/quan-tri");
	return 0;
}
