/*
 * The commune's pages: its unit and the open periods, the upload form ("Kiểm tra" checks
 * and keeps nothing, "Nộp báo cáo" submits), the findings of a check, and its returns
 * with their state and the office's reason. A unit account sees only its own unit.
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check_file.h"
#include "serve/pages.h"
#include "base/banned.h"

static void upload_form(th_sbuf *sb, const th_req *rq, const th_periodrow *pv, size_t n)
{
	size_t open = 0;

	for (size_t i = 0; i < n; i++)
		open += pv[i].open;
	th_html(sb, "<h2>Gửi báo cáo</h2>\n");
	if (!open) {
		th_html(sb, "<p class=\"box\">Chưa có kỳ báo cáo nào đang mở. Văn phòng sẽ mở kỳ khi đến hạn.</p>\n");
		return;
	}
	th_html(sb, "<div class=\"box noprint\">");
	th_form_begin(sb, "/xa/nop", rq->csrf, true);
	th_html(sb, "<label for=\"period\">Kỳ báo cáo</label><select id=\"period\" name=\"period\">");
	for (size_t i = 0; i < n; i++) {
		th_period p;
		char label[TH_PERIOD_LABEL_MAX];
		if (!pv[i].open || th_period_parse(pv[i].period, &p))
			continue;
		th_period_label_vi(p, label, sizeof(label));
		th_html(sb, "<option value=\"%h\">%h</option>", pv[i].period, label);
	}
	th_html(sb, "</select>\n<label for=\"file\">Tệp báo cáo (.xlsx)</label>"
		    "<input type=\"file\" id=\"file\" name=\"file\" required "
		    "accept=\".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\">\n"
		    "<div><button type=\"submit\" name=\"action\" value=\"check\">Kiểm tra</button>"
		    "<button type=\"submit\" name=\"action\" value=\"submit\" class=\"primary\">Nộp báo cáo</button></div>\n"
		    "<p><small>“Kiểm tra” chỉ xem báo cáo có lỗi không, không lưu gì. “Nộp báo cáo” gửi báo cáo "
		    "cho văn phòng.</small></p></form></div>\n");
}

int th_h_unit_home(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	th_store *st = th_web_store(w, e);
	th_periodrow *pv = NULL;
	th_return *v = NULL;
	size_t np = 0, n = 0;
	th_frame fr;
	th_sbuf *sb = &rp->body;

	if (!st || th_store_periods(st, &pv, &np, e))
		return -1;
	if (th_store_returns_of_unit(st, rq->user.unit, &v, &n, e)) {
		free(pv);
		return -1;
	}
	th_reply_html(rp, 200);
	th_frame_for(w, rq, &fr, "Báo cáo của xã", "xa");
	th_page_begin(sb, &fr);
	th_html(sb, "<h1>%h <small>(mã %h)</small></h1>\n", th_unit_name(w, rq->user.unit), rq->user.unit);
	upload_form(sb, rq, pv, np);
	th_html(sb, "<h2>Các báo cáo đã nộp</h2>\n");
	if (!n) {
		th_html(sb, "<p>Chưa nộp báo cáo nào.</p>\n");
	} else {
		th_html(sb, "<table><thead><tr><th>Bản</th><th>Kỳ</th><th>Nộp lúc</th><th>Tệp</th><th>Lỗi</th>"
			    "<th>Cảnh báo</th><th>Trạng thái</th><th>Ý kiến của văn phòng</th></tr></thead><tbody>\n");
		for (size_t i = 0; i < n; i++) {
			char when[TH_WHEN_MAX], label[TH_PERIOD_LABEL_MAX];
			th_period p;
			th_period_parse(v[i].period, &p);
			th_period_label_vi(p, label, sizeof(label));
			th_when(v[i].submitted_at, when);
			th_html(sb, "<tr><td><a href=\"/bao-cao/%lld\">#%lld</a></td><td>%h</td><td class=\"when\">%h</td><td>%h</td>"
				    "<td class=\"num\">%lld</td><td class=\"num\">%lld</td>"
				    "<td><span class=\"state st-%s\">%h</span></td><td>%h</td></tr>\n",
				(long long)v[i].id, (long long)v[i].id, label, when, v[i].file_name, (long long)v[i].errors,
				(long long)v[i].warnings, th_rstate_name(v[i].state), th_rstate_vi(v[i].state), v[i].reason);
		}
		th_html(sb, "</tbody></table>\n");
	}
	th_page_end(sb);
	free(pv);
	th_store_free_returns(v, n);
	return 0;
}

int th_h_unit_upload(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	const char *action = th_req_field(rq, "action");
	bool keep = strcmp(action, "submit") == 0;
	th_received r;
	th_frame fr;
	th_sbuf *sb = &rp->body;
	size_t unfilled;
	char nu[64] = "";

	if (th_receive(w, rq, th_req_field(rq, "period"), keep, &r, e))
		return -1;
	if (keep) {
		char loc[64];
		snprintf(loc, sizeof(loc), "/bao-cao/%lld?moi=1", (long long)r.id);
		th_received_release(&r);
		th_reply_redirect(rp, loc);
		return 0;
	}
	th_reply_html(rp, 200);
	th_frame_for(w, rq, &fr, "Kết quả kiểm tra", "xa");
	th_page_begin(sb, &fr);
	th_html(sb, "<h1>Kết quả kiểm tra — %h</h1>\n", th_unit_name(w, r.unit));
	unfilled = th_findings_count_rule(&r.findings, TH_RULE_UNFILLED);
	if (unfilled) /* a blank template or a half-filled return: say how much is missing (#11) */
		snprintf(nu, sizeof(nu), " (%zu dòng bắt buộc chưa điền)", unfilled);
	th_html(sb, "<p class=\"box\">Tệp <b>%h</b>: <b class=\"%s\">%zu lỗi%h</b>, <b class=\"%s\">%zu cảnh báo</b>, "
		    "%zu thông tin. Báo cáo <b>chưa được nộp</b>: sửa các lỗi rồi chọn “Nộp báo cáo”.</p>\n",
		rq->upload_name ? rq->upload_name : "", r.errors ? "err" : "", r.errors, nu, r.warnings ? "warn" : "",
		r.warnings, r.infos);
	th_html(sb, "<p class=\"noprint\"><a href=\"/xa\">← Quay lại trang của xã</a></p>\n");
	th_findings_html(w, sb, &r.findings);
	th_page_end(sb);
	th_received_release(&r);
	return 0;
}
