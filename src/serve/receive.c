/*
 * Receiving a return (pages.h th_receive): the one path of the commune's page and the
 * API. The file is read and checked by th_check_file, exactly as `tonghop check` does;
 * when it is kept, the feedback workbook is written by th_write_feedback, both files are
 * kept content-addressed and the return, findings and figures go to the store in one
 * transaction with its audit row.
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "check/check_file.h"
#include "serve/pages.h"
#include "write/xlsx_writer.h"
#include "base/banned.h"

void th_received_release(th_received *r)
{
	th_findings_release(&r->findings);
	memset(r, 0, sizeof(*r));
}

/* The sender's file name as shown: its last part, at most 200 bytes, controls removed. */
static char *display_name(const char *name)
{
	const char *base = name ? name : "";
	char *s;
	size_t n;

	for (const char *p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	n = strlen(base);
	if (n > 200)
		n = 200;
	while (n && ((unsigned char)base[n] & 0xC0) == 0x80 && base[n] != '\0')
		n--; /* never cut a character in two */
	s = th_xstrndup(base, n);
	for (char *p = s; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return s[0] ? s : (free(s), th_xstrdup("(không tên)"));
}

/* Write the feedback workbook of f and keep it; sha set. */
static int keep_feedback(th_web *w, const th_filing *f, char sha[TH_SHA_HEX], th_err *e)
{
	const th_webconf *c = th_web_conf(w);
	char path[4200], tmpdir[4096], eb[TH_ERRNO_VI_MAX];
	th_spool sp = TH_SPOOL_INIT;
	int fd, rc;

	snprintf(tmpdir, sizeof(tmpdir), "%s/tmp", c->data_dir);
	snprintf(path, sizeof(path), "%s/fb-XXXXXX", tmpdir);
	fd = mkstemp(path); /* a name of our own; the writer replaces it whole */
	if (fd < 0)
		return th_fail(e, TH_E_WRITE, "không tạo được tệp tạm: %s", th_errno_vi(errno, eb));
	close(fd);
	rc = th_write_feedback(f, &f->findings, c->cal, path, e);
	if (!rc)
		rc = th_spool_from_file(&sp, tmpdir, path, UINT64_MAX / 2, e);
	unlink(path);
	if (!rc)
		rc = th_blob_keep(&sp, c->data_dir, e);
	if (!rc)
		snprintf(sha, TH_SHA_HEX, "%s", sp.sha);
	th_spool_discard(&sp);
	return rc;
}

int th_receive(th_web *w, th_req *rq, const char *period_text, bool keep, th_received *out, th_err *e)
{
	const th_webconf *c = th_web_conf(w);
	th_store *st = th_web_store(w, e);
	th_period want;
	th_filing *f = NULL;
	char got[TH_PERIOD_LABEL_MAX], wanted[TH_PERIOD_LABEL_MAX];
	int rc = -1;

	memset(out, 0, sizeof(*out));
	if (!st)
		return -1;
	if (!period_text || th_period_parse(period_text, &want))
		return th_fail(e, TH_E_BAD_REQUEST, "thiếu kỳ báo cáo hoặc kỳ không hợp lệ (viết như 2023-Q3)");
	th_period_format(want, out->period, sizeof(out->period));
	th_period_label_vi(want, wanted, sizeof(wanted));
	if (!rq->upload.path || rq->upload.size == 0)
		return th_fail(e, TH_E_BAD_REQUEST, "chưa chọn tệp báo cáo (trường 'file')");
	if (keep) {
		bool open;
		if (th_store_period_open(st, out->period, &open, e))
			return -1;
		if (!open)
			return th_fail(e, TH_E_PERIOD_CLOSED, "kỳ %s chưa mở hoặc đã đóng: không nộp được", wanted);
	}
	if (th_spool_sniff(&rq->upload) == TH_SNIFF_OTHER)
		return th_fail(e, TH_E_FORMAT_OTHER,
			       "tệp gửi lên không phải bảng tính Excel (.xlsx): hãy chọn đúng tệp báo cáo");
	if (th_check_file(&f, rq->upload.path, c->schema, c->roster, c->rules, c->cal, want, e))
		return -1;
	if (f->consolidated) {
		/* it would bring other units' figures into the office's consolidated workbook */
		th_fail(e, TH_E_WRONG_UNIT, "tệp này có trang dữ liệu của sổ tổng hợp do tonghop ghi (mang số liệu "
			"của nhiều đơn vị), không phải báo cáo của một đơn vị: hãy nộp báo cáo của xã");
		goto out;
	}
	if (!f->unit) {
		th_fail(e, TH_E_WRONG_UNIT,
			"không xác định được đơn vị trong tệp: hãy ghi tên xã (hoặc mã đơn vị) ở phần thông tin chung");
		goto out;
	}
	if (rq->user.role == TH_ROLE_UNIT && strcmp(f->unit->code, rq->user.unit) != 0) {
		th_fail(e, TH_E_WRONG_UNIT, "tệp này là báo cáo của %s (mã %s), không phải của đơn vị %s", f->unit->name,
			f->unit->code, th_unit_name(w, rq->user.unit));
		goto out;
	}
	if (f->period.kind != TH_P_NONE &&
	    (f->period.kind != want.kind || f->period.year != want.year || f->period.n != want.n)) {
		th_period_label_vi(f->period, got, sizeof(got));
		th_fail(e, TH_E_WRONG_PERIOD, "tệp này là báo cáo %s, không phải %s", got, wanted);
		goto out;
	}
	snprintf(out->unit, sizeof(out->unit), "%s", f->unit->code);
	out->errors = th_findings_count(&f->findings, TH_SEV_ERROR);
	out->warnings = th_findings_count(&f->findings, TH_SEV_WARNING);
	out->infos = th_findings_count(&f->findings, TH_SEV_INFO);
	if (keep) {
		char fb[TH_SHA_HEX], rd[TH_DATE_MAX];
		char *name = display_name(rq->upload_name);
		th_actor who = { rq->user.id, rq->user.name, rq->ip };
		th_newreturn nr = { 0 };
		int64_t size = (int64_t)rq->upload.size;

		/* the feedback is about the file's size; a margin for the store's rows: a disk that
		 * cannot take them refuses now, before anything is kept */
		if (th_disk_low(c->data_dir, rq->upload.size * 2 + 2u * 1024 * 1024)) {
			th_fail(e, TH_E_NO_SPACE, "ổ đĩa của thư mục dữ liệu gần đầy");
			free(name);
			goto out;
		}
		if (keep_feedback(w, f, fb, e) || th_blob_keep(&rq->upload, c->data_dir, e)) {
			if (e->code == TH_E_WRITE && th_disk_low(c->data_dir, rq->upload.size + 1024u * 1024))
				e->code = TH_E_NO_SPACE; /* the writer's failure was the full disk */
			free(name);
			goto out;
		}
		th_date_iso(f->report_date, rd);
		nr.unit = out->unit;
		nr.period = out->period;
		nr.file_sha = rq->upload.sha;
		nr.feedback_sha = fb;
		nr.file_name = name;
		nr.size = size;
		nr.submitted_at = th_web_now(w);
		nr.report_date = rd;
		nr.filing = f;
		nr.findings = &f->findings;
		rc = th_store_return_add(st, &who, &nr, &out->id, e);
		free(name);
		if (rc)
			goto out;
	}
	out->findings = f->findings;
	memset(&f->findings, 0, sizeof(f->findings));
	rc = 0;
out:
	th_filing_free(f);
	return rc;
}
