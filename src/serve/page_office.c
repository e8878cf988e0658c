/*
 * The office's pages: the periods, a period's dashboard (every roster unit with its
 * state, last submission, timeliness, errors and warnings; filters; who has not sent),
 * the review of a return (accept, or return with a reason the commune then sees), the
 * consolidated workbook, and the audit log (page and CSV).
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "serve/pages.h"
#include "base/banned.h"

int th_h_office_home(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	th_store *st = th_web_store(w, e);
	th_periodrow *pv = NULL;
	size_t n = 0;
	th_frame fr;
	th_sbuf *sb = &rp->body;

	if (!st || th_store_periods(st, &pv, &n, e))
		return -1;
	th_reply_html(rp, 200);
	th_frame_for(w, rq, &fr, "Các kỳ báo cáo", "van-phong");
	th_page_begin(sb, &fr);
	th_html(sb, "<h1>Các kỳ báo cáo — %h</h1>\n", th_web_conf(w)->roster->name);
	if (!n)
		th_html(sb, "<p class=\"box\">Chưa có kỳ báo cáo nào. Quản trị mở kỳ ở trang Quản trị (hoặc "
			    "<code>tonghop serve --period 2023-Q3</code>).</p>\n");
	else
		th_html(sb, "<table><thead><tr><th>Kỳ</th><th>Trạng thái</th><th></th></tr></thead><tbody>\n");
	for (size_t i = 0; i < n; i++) {
		th_period p;
		char label[TH_PERIOD_LABEL_MAX];
		if (th_period_parse(pv[i].period, &p))
			continue;
		th_period_label_vi(p, label, sizeof(label));
		th_html(sb, "<tr><td><a href=\"/van-phong/ky/%u\">%h</a></td><td>%s</td>"
			    "<td><a href=\"/van-phong/ky/%u\">Xem các đơn vị</a></td></tr>\n",
			pv[i].period, label, pv[i].open ? "đang nhận báo cáo" : "đã đóng", pv[i].period);
	}
	if (n)
		th_html(sb, "</tbody></table>\n");
	th_page_end(sb);
	free(pv);
	return 0;
}

/* The filters of the dashboard: all, not sent, with errors, late, waiting for review. */
static const struct filter {
	const char *key, *label;
} filters[] = {
	{ "", "Tất cả" },
	{ "chua-nop", "Chưa nộp" },
	{ "co-loi", "Có lỗi" },
	{ "tre-han", "Trễ hạn" },
	{ "cho-xem-xet", "Chờ xem xét" },
	{ "bi-tra-lai", "Bị trả lại" },
	{ "da-tiep-nhan", "Đã tiếp nhận" },
};

static bool row_passes(const th_unitrow *r, const char *f)
{
	if (!f[0])
		return true;
	if (strcmp(f, "chua-nop") == 0)
		return !r->latest;
	if (!r->latest)
		return false;
	if (strcmp(f, "co-loi") == 0)
		return r->latest->errors > 0;
	if (strcmp(f, "tre-han") == 0)
		return r->on_time == 0;
	if (strcmp(f, "cho-xem-xet") == 0)
		return r->latest->state == TH_RS_SUBMITTED;
	if (strcmp(f, "bi-tra-lai") == 0)
		return r->latest->state == TH_RS_RETURNED;
	if (strcmp(f, "da-tiep-nhan") == 0)
		return r->latest->state == TH_RS_ACCEPTED;
	return true;
}

/* How fresh the cached workbooks are (never built here: the rebuilder does that). */
static void workbook_state(th_web *w, th_sbuf *sb, const char *period, const th_return *v, size_t n)
{
	int64_t newest = 0;

	for (size_t i = 0; i < n; i++)
		if (v[i].id > newest)
			newest = v[i].id;
	for (int latest = 1; latest >= 0; latest--) {
		int64_t upto, at;
		char when[TH_WHEN_MAX];
		if (!th_period_cached(w, period, latest, &upto, &at)) {
			if (latest && n)
				th_html(sb, "<p class=\"noprint\"><small>Sổ tổng hợp từ bản mới nhất: đang được dựng, "
					    "sẵn sàng sau ít phút.</small></p>\n");
			continue;
		}
		th_when(at, when);
		th_html(sb, "<p class=\"noprint\"><small>Sổ tổng hợp %s: dựng lúc %h, gồm các báo cáo đến #%lld%s.</small></p>\n",
			latest ? "từ bản mới nhất" : "từ các bản đã tiếp nhận", when, (long long)upto,
			latest && upto < newest ? " (đang cập nhật các báo cáo mới hơn)" : "");
	}
}

int th_h_office_period(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	th_store *st = th_web_store(w, e);
	th_board b;
	th_frame fr;
	th_period p;
	char label[TH_PERIOD_LABEL_MAX], title[80], due[TH_WHEN_MAX];
	const char *f = th_req_arg(rq, "loc");
	size_t accepted = 0, late = 0, shown = 0;
	th_sbuf *sb = &rp->body;
	bool known = false;

	if (!st || th_board_load(w, st, rq->period, &b, e))
		return -1;
	for (size_t i = 0; f && i < sizeof(filters) / sizeof(filters[0]); i++)
		known |= strcmp(f, filters[i].key) == 0;
	if (!known)
		f = "";
	th_period_parse(rq->period, &p);
	th_period_label_vi(p, label, sizeof(label));
	snprintf(title, sizeof(title), "Kỳ %s", label);
	for (size_t i = 0; i < b.n_rows; i++) {
		accepted += b.rows[i].latest && b.rows[i].latest->state == TH_RS_ACCEPTED;
		late += b.rows[i].on_time == 0;
	}
	th_reply_html(rp, 200);
	th_frame_for(w, rq, &fr, title, "van-phong");
	th_page_begin(sb, &fr);
	th_html(sb, "<h1>Báo cáo %h — %h</h1>\n<div class=\"box\">", label, th_web_conf(w)->roster->name);
	th_html(sb, "<p>Đã nhận <b>%zu/%zu</b> đơn vị; đã tiếp nhận %zu; trễ hạn %zu; chưa nộp <b>%zu</b>.",
		b.received, b.n_rows, accepted, late, b.n_rows - b.received);
	if (b.deadline_end) {
		th_when(b.deadline_end, due);
		due[10] = '\0'; /* the day alone */
		th_html(sb, " Hạn nộp: hết ngày %h.", due);
	}
	th_html(sb, "</p>\n<p class=\"noprint\">Sổ tổng hợp: <a href=\"/van-phong/ky/%u/tong-hop\">từ các bản đã tiếp "
		    "nhận</a> · <a href=\"/van-phong/ky/%u/tong-hop?co-so=moi-nhat\">từ bản mới nhất của mỗi đơn vị</a>"
		    "</p>\n",
		rq->period, rq->period);
	workbook_state(w, sb, rq->period, b.returns, b.n_returns);
	th_html(sb, "</div>\n");
	th_html(sb, "<p class=\"filters noprint\">Lọc: ");
	for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++)
		th_html(sb, "<a href=\"/van-phong/ky/%u%s%u\"%s>%h</a>", rq->period, filters[i].key[0] ? "?loc=" : "",
			filters[i].key, strcmp(f, filters[i].key) == 0 ? " class=\"on\"" : "", filters[i].label);
	th_html(sb, "</p>\n<table><thead><tr><th>Mã</th><th>Đơn vị</th><th>Trạng thái</th><th>Nộp lần cuối</th>"
		    "<th>Đúng hạn</th><th>Lỗi</th><th>Cảnh báo</th><th>Số lần nộp</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < b.n_rows; i++) {
		const th_unitrow *r = &b.rows[i];
		char when[TH_WHEN_MAX];
		if (!row_passes(r, f))
			continue;
		shown++;
		th_html(sb, "<tr><td>%h</td><td>%h</td>", r->unit->code, r->unit->name);
		if (!r->latest) {
			th_html(sb, "<td><span class=\"state st-missing\">chưa nộp</span></td><td></td><td></td><td></td>"
				    "<td></td><td></td></tr>\n");
			continue;
		}
		th_when(r->latest->submitted_at, when);
		th_html(sb, "<td><a href=\"/bao-cao/%lld\"><span class=\"state st-%s\">%h</span></a></td><td class=\"when\">%h</td>"
			    "<td>%s</td><td class=\"num%s\">%lld</td><td class=\"num\">%lld</td><td class=\"num\">%zu</td></tr>\n",
			(long long)r->latest->id, th_rstate_name(r->latest->state), th_rstate_vi(r->latest->state), when,
			r->on_time == 1 ? "đúng hạn" : r->on_time == 0 ? "<span class=\"warn\">trễ hạn</span>" : "",
			r->latest->errors ? " err" : "", (long long)r->latest->errors, (long long)r->latest->warnings,
			r->versions);
	}
	if (!shown)
		th_html(sb, "<tr><td colspan=\"8\">Không có đơn vị nào.</td></tr>\n");
	th_html(sb, "</tbody></table>\n");
	th_page_end(sb);
	th_board_release(&b);
	return 0;
}

int th_h_office_workbook(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	const char *basis = th_req_arg(rq, "co-so");
	return th_send_workbook(w, rq, rp, basis && strcmp(basis, "moi-nhat") == 0, e);
}

int th_h_review(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	th_store *st = th_web_store(w, e);
	const char *decision = th_req_field(rq, "decision"), *reason = th_req_field(rq, "reason");
	bool accept = strcmp(decision, "accept") == 0;
	th_actor who = { rq->user.id, rq->user.name, rq->ip };
	th_return r;
	char loc[48];

	if (!st || th_return_for(w, st, rq, rq->id, &r, e))
		return -1;
	th_return_release(&r);
	if (!accept && (!reason || !reason[0]))
		return th_fail(e, TH_E_BAD_REQUEST, "trả lại báo cáo cần ghi lý do để xã biết cần sửa gì");
	if (th_store_review(st, &who, rq->id, accept ? TH_RS_ACCEPTED : TH_RS_RETURNED, reason ? reason : "",
			    th_web_now(w), e))
		return -1;
	snprintf(loc, sizeof(loc), "/bao-cao/%lld", (long long)rq->id);
	th_reply_redirect(rp, loc);
	return 0;
}

/* What an audit action means, for people (the CSV keeps the codes). */
static const char *action_vi(const char *a)
{
	static const char *const t[][2] = {
		{ "login", "đăng nhập" },
		{ "user.add", "cấp tài khoản" },
		{ "user.reset", "đặt lại mật khẩu" },
		{ "user.password", "đổi mật khẩu" },
		{ "user.disable", "khoá tài khoản" },
		{ "user.enable", "mở khoá tài khoản" },
		{ "period.open", "mở kỳ báo cáo" },
		{ "period.close", "đóng kỳ báo cáo" },
		{ "return.submit", "nộp báo cáo" },
		{ "return.accept", "tiếp nhận báo cáo" },
		{ "return.return", "trả lại báo cáo" },
		{ "workbook.download", "tải sổ tổng hợp" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(a, t[i][0]) == 0)
			return t[i][1];
	return a;
}

int th_h_audit(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	th_store *st = th_web_store(w, e);
	th_audit *v = NULL;
	size_t n = 0;
	th_frame fr;
	th_sbuf *sb = &rp->body;
	const char *page = th_req_arg(rq, "trang");
	long long pg = 0;

	if (page) {
		char *end;
		pg = strtoll(page, &end, 10);
		if (*end || pg < 0 || pg > 1000000)
			pg = 0;
	}
	if (!st || th_store_audit_list(st, 200, pg * 200, &v, &n, e))
		return -1;
	th_reply_html(rp, 200);
	th_frame_for(w, rq, &fr, "Nhật ký", "nhat-ky");
	th_page_begin(sb, &fr);
	th_html(sb, "<h1>Nhật ký (ai làm gì, lúc nào)</h1>\n<p class=\"noprint\"><a href=\"/van-phong/nhat-ky.csv\">"
		    "Tải toàn bộ nhật ký (.csv)</a></p>\n<table><thead><tr><th>#</th><th>Lúc</th><th>Ai</th><th>Việc</th>"
		    "<th>Đối tượng</th><th>Chi tiết</th><th>Địa chỉ</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < n; i++) {
		char when[TH_WHEN_MAX];
		th_when(v[i].at, when);
		th_html(sb, "<tr><td>%lld</td><td class=\"when\">%h</td><td>%h</td><td>%h <small>(%h)</small></td><td>%h</td>"
			    "<td>%h</td><td>%h</td></tr>\n",
			(long long)v[i].id, when, v[i].actor, action_vi(v[i].action), v[i].action, v[i].target, v[i].detail,
			v[i].ip);
	}
	th_html(sb, "</tbody></table>\n");
	if (n == 200)
		th_html(sb, "<p class=\"noprint\"><a href=\"/van-phong/nhat-ky?trang=%lld\">Trang sau →</a></p>\n", pg + 1);
	th_page_end(sb);
	th_store_free_audit(v, n);
	return 0;
}

/* A CSV field, quoted; a leading = + - @ is defused so that a spreadsheet shows it as text. */
static void csv_field(th_sbuf *sb, const char *s)
{
	th_sbuf_addc(sb, '"');
	if (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@')
		th_sbuf_addc(sb, '\'');
	for (; *s; s++) {
		if (*s == '"')
			th_sbuf_addc(sb, '"');
		th_sbuf_addc(sb, (unsigned char)*s < 0x20 ? ' ' : *s);
	}
	th_sbuf_addc(sb, '"');
}

int th_h_audit_csv(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	th_store *st = th_web_store(w, e);
	th_sbuf *sb = &rp->body;

	(void)rq;
	if (!st)
		return -1;
	rp->status = 200;
	rp->ctype = "text/csv; charset=utf-8";
	rp->filename = th_xstrdup("nhat-ky.csv");
	th_sbuf_adds(sb, "\xEF\xBB\xBF" "id,thoi_gian_utc,ai,viec,doi_tuong,chi_tiet,dia_chi\r\n");
	for (int64_t off = 0;; off += 1000) {
		th_audit *v = NULL;
		size_t n = 0;
		if (th_store_audit_list(st, 1000, off, &v, &n, e))
			return -1;
		for (size_t i = 0; i < n; i++) {
			th_sbuf_addf(sb, "%lld,%lld,", (long long)v[i].id, (long long)v[i].at);
			csv_field(sb, v[i].actor);
			th_sbuf_addc(sb, ',');
			csv_field(sb, v[i].action);
			th_sbuf_addc(sb, ',');
			csv_field(sb, v[i].target);
			th_sbuf_addc(sb, ',');
			csv_field(sb, v[i].detail);
			th_sbuf_addc(sb, ',');
			csv_field(sb, v[i].ip);
			th_sbuf_adds(sb, "\r\n");
		}
		th_store_free_audit(v, n);
		if (n < 1000)
			break;
	}
	if (th_sbuf_err(sb))
		return th_fail(e, TH_E_NOMEM, "nhật ký quá lớn để tải một lần");
	return 0;
}
