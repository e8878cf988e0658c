/*
 * The JSON API (/api/v1), for the same accounts by HTTP Basic or the page session: send
 * a return (or only check it), a period's state unit by unit, the consolidated workbook,
 * a return and its feedback, the office's review. Findings are written by
 * th_json_finding, the shape of `check --json`; request bodies are parsed by jansson.
 * SPDX-License-Identifier: MIT
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/json.h"
#include "model/finding_json.h"
#include "serve/pages.h"
#include "base/banned.h"

/* JSON into the reply through a memory stream. */
struct jout {
	FILE *f;
	char *buf;
	size_t len;
	th_json j;
};

static int jopen(struct jout *o, th_err *e)
{
	o->buf = NULL;
	o->len = 0;
	o->f = open_memstream(&o->buf, &o->len);
	if (!o->f)
		return th_fail(e, TH_E_NOMEM, "không đủ bộ nhớ");
	th_json_init(&o->j, o->f);
	return 0;
}

static void jclose(struct jout *o, th_reply *rp, int status)
{
	fputc('\n', o->f);
	fclose(o->f);
	th_reply_json(rp, status);
	th_sbuf_add(&rp->body, o->buf, o->len);
	free(o->buf);
}

static void json_time(th_json *j, const char *key, int64_t t)
{
	char s[32];
	time_t tt = (time_t)t;
	struct tm tm;

	if (!t || !gmtime_r(&tt, &tm)) {
		th_json_kstr(j, key, NULL);
		return;
	}
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%SZ", &tm);
	th_json_kstr(j, key, s);
}

static bool dry_run(const th_req *rq)
{
	const char *d = th_req_arg(rq, "dry_run");
	return d && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
}

int th_api_return_post(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	bool keep = !dry_run(rq);
	th_received r;
	struct jout o;

	if (th_receive(w, rq, th_req_arg(rq, "period"), keep, &r, e))
		return -1;
	if (jopen(&o, e)) {
		th_received_release(&r);
		return -1;
	}
	th_json_obj(&o.j);
	th_json_key(&o.j, "id");
	if (r.id)
		th_json_int(&o.j, r.id);
	else
		th_json_null(&o.j);
	th_json_kstr(&o.j, "unit", r.unit);
	th_json_kstr(&o.j, "period", r.period);
	th_json_kstr(&o.j, "state", keep ? th_rstate_name(TH_RS_SUBMITTED) : "checked");
	th_json_kint(&o.j, "errors", (long long)r.errors);
	th_json_kint(&o.j, "warnings", (long long)r.warnings);
	th_json_key(&o.j, "findings");
	th_json_arr(&o.j);
	for (size_t i = 0; i < r.findings.n; i++)
		th_json_finding(&o.j, &r.findings.v[i], r.unit, rq->upload_name ? rq->upload_name : "");
	th_json_end_arr(&o.j);
	th_json_end_obj(&o.j);
	jclose(&o, rp, keep ? 201 : 200);
	th_received_release(&r);
	return 0;
}

int th_api_return_get(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	th_store *st = th_web_store(w, e);
	th_return r;
	th_findings fs = TH_FINDINGS_INIT;
	struct jout o;

	if (!st || th_return_for(w, st, rq, rq->id, &r, e))
		return -1;
	if (th_store_findings(st, r.id, &fs, e) || jopen(&o, e)) {
		th_findings_release(&fs);
		th_return_release(&r);
		return -1;
	}
	th_json_obj(&o.j);
	th_json_kint(&o.j, "id", r.id);
	th_json_kstr(&o.j, "unit", r.unit);
	th_json_kstr(&o.j, "period", r.period);
	th_json_kstr(&o.j, "state", th_rstate_name(r.state));
	th_json_kstr(&o.j, "reason", r.reason);
	json_time(&o.j, "submitted_at", r.submitted_at);
	th_json_kstr(&o.j, "file_name", r.file_name);
	th_json_kint(&o.j, "errors", r.errors);
	th_json_kint(&o.j, "warnings", r.warnings);
	th_json_key(&o.j, "findings");
	th_json_arr(&o.j);
	for (size_t i = 0; i < fs.n; i++)
		th_json_finding(&o.j, &fs.v[i], r.unit, r.file_name);
	th_json_end_arr(&o.j);
	th_json_end_obj(&o.j);
	jclose(&o, rp, 200);
	th_findings_release(&fs);
	th_return_release(&r);
	return 0;
}

int th_api_period(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	th_store *st = th_web_store(w, e);
	th_board b;
	struct jout o;

	if (!st || th_board_load(w, st, rq->period, &b, e))
		return -1;
	if (jopen(&o, e)) {
		th_board_release(&b);
		return -1;
	}
	th_json_obj(&o.j);
	th_json_kstr(&o.j, "period", b.period);
	th_json_key(&o.j, "units");
	th_json_arr(&o.j);
	for (size_t i = 0; i < b.n_rows; i++) {
		const th_unitrow *u = &b.rows[i];
		th_json_obj(&o.j);
		th_json_kstr(&o.j, "code", u->unit->code);
		th_json_kstr(&o.j, "name", u->unit->name);
		th_json_kstr(&o.j, "state", u->latest ? th_rstate_name(u->latest->state) : "missing");
		json_time(&o.j, "submitted_at", u->latest ? u->latest->submitted_at : 0);
		th_json_key(&o.j, "on_time");
		if (u->on_time < 0)
			th_json_null(&o.j);
		else
			th_json_bool(&o.j, u->on_time == 1);
		th_json_key(&o.j, "errors");
		if (u->latest)
			th_json_int(&o.j, u->latest->errors);
		else
			th_json_null(&o.j);
		th_json_key(&o.j, "warnings");
		if (u->latest)
			th_json_int(&o.j, u->latest->warnings);
		else
			th_json_null(&o.j);
		th_json_key(&o.j, "return");
		if (u->latest)
			th_json_int(&o.j, u->latest->id);
		else
			th_json_null(&o.j);
		th_json_end_obj(&o.j);
	}
	th_json_end_arr(&o.j);
	th_json_kint(&o.j, "received", (long long)b.received);
	th_json_kint(&o.j, "expected", (long long)b.n_rows);
	th_json_end_obj(&o.j);
	jclose(&o, rp, 200);
	th_board_release(&b);
	return 0;
}

int th_api_workbook(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	const char *basis = th_req_arg(rq, "basis");
	bool latest = basis && strcmp(basis, "latest") == 0;

	if (basis && !latest && strcmp(basis, "accepted") != 0)
		return th_fail(e, TH_E_BAD_REQUEST, "basis phải là accepted hoặc latest");
	return th_send_workbook(w, rq, rp, latest, e);
}

int th_api_feedback(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	return th_h_return_feedback(w, rq, rp, e);
}

int th_api_review(th_web *w, th_req *rq, th_reply *rp, th_err *e)
{
	th_store *st = th_web_store(w, e);
	json_error_t je;
	json_t *root, *d, *rs;
	const char *decision, *reason = "";
	th_actor who = { rq->user.id, rq->user.name, rq->ip };
	th_return r;
	struct jout o;
	bool accept;
	int rc = -1;

	if (!st)
		return -1;
	if (!rq->body)
		return th_fail(e, TH_E_BAD_REQUEST, "thiếu nội dung JSON {\"decision\", \"reason\"}");
	root = json_loadb(rq->body, rq->body_len, JSON_REJECT_DUPLICATES, &je);
	if (!root || !json_is_object(root)) {
		json_decref(root);
		return th_fail(e, TH_E_BAD_REQUEST, "nội dung không phải một đối tượng JSON (dòng %d): %s", je.line, je.text);
	}
	d = json_object_get(root, "decision");
	rs = json_object_get(root, "reason");
	decision = json_is_string(d) ? json_string_value(d) : "";
	if (rs && !json_is_string(rs) && !json_is_null(rs)) {
		th_fail(e, TH_E_BAD_REQUEST, "reason phải là một chuỗi");
		goto out;
	}
	if (json_is_string(rs))
		reason = json_string_value(rs);
	if (strcmp(decision, "accept") != 0 && strcmp(decision, "return") != 0) {
		th_fail(e, TH_E_BAD_REQUEST, "decision phải là \"accept\" hoặc \"return\"");
		goto out;
	}
	accept = strcmp(decision, "accept") == 0;
	if (json_is_string(rs) && (json_string_length(rs) != strlen(reason) || strlen(reason) > 2000)) {
		th_fail(e, TH_E_BAD_REQUEST, "reason quá dài (tối đa 2000 byte) hoặc chứa ký tự NUL");
		goto out;
	}
	for (const unsigned char *c = (const unsigned char *)reason; *c; c++) {
		/* as the review form takes it: lines and tabs, no other control character */
		if ((*c < 0x20 && *c != '\n' && *c != '\r' && *c != '\t') || *c == 0x7f) {
			th_fail(e, TH_E_BAD_REQUEST, "reason có ký tự điều khiển");
			goto out;
		}
	}
	if (!accept && !reason[0]) {
		th_fail(e, TH_E_BAD_REQUEST, "trả lại báo cáo cần ghi lý do (reason)");
		goto out;
	}
	if (th_return_for(w, st, rq, rq->id, &r, e))
		goto out;
	th_return_release(&r);
	if (th_store_review(st, &who, rq->id, accept ? TH_RS_ACCEPTED : TH_RS_RETURNED, reason, th_web_now(w), e))
		goto out;
	if (jopen(&o, e))
		goto out;
	th_json_obj(&o.j);
	th_json_kint(&o.j, "id", rq->id);
	th_json_kstr(&o.j, "state", th_rstate_name(accept ? TH_RS_ACCEPTED : TH_RS_RETURNED));
	th_json_kstr(&o.j, "reason", reason);
	th_json_end_obj(&o.j);
	jclose(&o, rp, 200);
	rc = 0;
out:
	json_decref(root);
	return rc;
}
