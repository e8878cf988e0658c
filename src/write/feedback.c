/*
 * The feedback workbook (th_write_feedback, xlsx_writer.h): the commune's own file sent
 * back with its findings marked on their cells and listed on a "Lỗi" sheet, made by
 * xlsx_patch.h so that everything the commune wrote stays as it was. A file that cannot
 * be marked as it is (an .xls or .ods, an .xlsx the patch does not edit) gets the return
 * written anew from the schema instead (returns.c), saying so.
 * SPDX-License-Identifier: MIT
 */
#include "write/xlsx_writer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/outfile.h"
#include "base/sbuf.h"
#include "write/wb.h"
#include "write/xlsx_patch.h"
#include "base/banned.h"

/* The Lỗi sheet's columns. */
static const char *const head[] = { "Biểu", "Mã dòng", "Trang tính", "Ô", "Quy tắc", "Mức", "Đã ghi", "Đúng",
				    "Nội dung" };
static const double widths[] = { 12, 8, 14, 6, 14, 9, 12, 12, 60 };
enum { NCOL = sizeof(head) / sizeof(head[0]) };

/* Where a finding is in the commune's file, as the patch knows it: sheet -1 when nowhere. */
struct place {
	int sheet;
	uint32_t row;
	uint16_t col;
};

/* The places of the findings of it, indexed by their seq (their index in fs). */
static struct place *places_of(const th_patch *p, const th_findings *fs, const struct th_wb_items *it)
{
	struct place *at = th_xcalloc(fs ? fs->n + 1 : 1, sizeof(*at));

	for (size_t i = 0; i < it->n; i++) {
		const th_finding *fd = it->v[i].fd;
		struct place *w = &at[it->v[i].seq];

		w->sheet = fd->sheet[0] ? th_patch_sheet_find(p, fd->sheet) : -1;
		if (w->sheet >= 0 && th_cellref_parse(fd->cell, strlen(fd->cell), &w->row, &w->col))
			w->sheet = -1;
	}
	return at;
}

/* Mark each cell with findings: the graver fill, and a comment listing them (th_wb_comment_add). */
static int mark_cells(th_patch *p, const struct th_wb_items *it, const struct place *at, th_err *e)
{
	bool *done = th_xcalloc(it->n + 1, sizeof(*done));
	int rc = 0;

	for (size_t i = 0; i < it->n && !rc; i++) {
		const struct place *w = &at[it->v[i].seq];
		th_severity worst = TH_SEV_WARNING;
		th_sbuf comment = TH_SBUF_INIT;
		size_t left = 0;

		if (done[i] || w->sheet < 0)
			continue;
		/* every finding on this cell, in the sheet's order */
		for (size_t j = i; j < it->n; j++) {
			const struct place *v = &at[it->v[j].seq];
			if (v->sheet != w->sheet || v->row != w->row || v->col != w->col)
				continue;
			done[j] = true;
			if (it->v[j].fd->severity > worst)
				worst = it->v[j].fd->severity;
			th_wb_comment_add(&comment, it->v[j].fd, &left);
		}
		th_wb_comment_end(&comment, left);
		rc = th_patch_mark(p, (size_t)w->sheet, w->row, w->col,
				   worst == TH_SEV_ERROR ? TH_MARK_ERROR : TH_MARK_WARNING, comment.buf, e);
		th_sbuf_release(&comment);
	}
	free(done);
	return rc;
}

/* The Lỗi sheet: a header row, then a row per finding in form order, its cell linked. */
static void error_sheet(th_patch *p, const th_schema *s, const struct th_wb_items *it, const struct place *at)
{
	size_t rows = 1 + (it->n ? it->n : 1);
	th_pcell *cells = th_xcalloc(rows * NCOL, sizeof(*cells));

	for (size_t i = 0; i < rows * NCOL; i++) {
		cells[i].style = i < NCOL ? TH_PS_HEAD : TH_PS_TEXT;
		cells[i].link_sheet = -1;
	}
	for (size_t c = 0; c < NCOL; c++)
		cells[c].text = head[c];
	for (size_t i = 0; i < it->n; i++) {
		th_pcell *row = &cells[(i + 1) * NCOL];
		const th_finding *fd = it->v[i].fd;
		const struct place *w = &at[it->v[i].seq];

		row[0].text = it->v[i].form >= 0 ? fd->form : th_wb_place_label(s, fd);
		row[1].text = fd->code;
		row[2].text = fd->sheet;
		row[3].text = fd->cell;
		if (w->sheet >= 0) {
			row[3].link_sheet = w->sheet;
			row[3].link_row = w->row;
			row[3].link_col = w->col;
		}
		row[4].text = fd->rule;
		row[5].text = th_wb_sev_label(fd->severity);
		row[5].style = fd->severity == TH_SEV_ERROR ? TH_PS_ERR : TH_PS_WARN;
		row[6].text = fd->written;
		row[7].text = fd->expected;
		row[8].text = fd->message;
	}
	if (!it->n) {
		cells[NCOL].text = "Không có lỗi hay cảnh báo.";
		cells[NCOL].style = TH_PS_BOLD;
	}
	th_patch_table(p, "Lỗi", widths, NCOL, cells, rows);
	free(cells);
}

/* The commune's file marked: 0, or -1 with *pe saying why it could not be (nothing written). */
static int patched(const th_filing *f, const th_findings *fs, unsigned char **out, size_t *len, th_err *pe)
{
	th_patch *p = NULL;
	struct th_wb_items it = { 0 };
	struct place *at;
	int rc = -1;

	if (th_patch_open(&p, f->path, NULL, pe))
		return -1;
	th_wb_items_add(&it, f->schema, fs, 0);
	th_wb_items_sort(&it);
	at = places_of(p, fs, &it);
	if (mark_cells(p, &it, at, pe) == 0) {
		error_sheet(p, f->schema, &it, at);
		rc = th_patch_build(p, th_wb_epoch(), out, len, pe);
	}
	free(at);
	free(it.v);
	th_patch_free(p);
	return rc;
}

/* Write len bytes of buf as the file at path (base/outfile.h: a temporary file renamed). */
static int write_whole(const char *path, const unsigned char *buf, size_t len, th_err *e)
{
	th_outfile *o;

	if (th_outfile_open(&o, path, e))
		return -1;
	if (fwrite(buf, 1, len, th_outfile_stream(o)) != len) {
		th_outfile_abort(o);
		return th_fail(e, TH_E_WRITE, "không ghi được bản phản hồi (ổ đĩa đầy hoặc không ghi được)");
	}
	return th_outfile_commit(o, e);
}

int th_write_feedback_info(const th_filing *f, const th_findings *fs, const th_calendar *cal, const char *path,
			   th_feedback_info *info, th_err *e)
{
	th_feedback_info local;
	th_err pe = { 0 };
	unsigned char *buf = NULL;
	size_t len = 0;
	int rc;

	if (!info)
		info = &local;
	memset(info, 0, sizeof(*info));
	if (patched(f, fs, &buf, &len, &pe) == 0) {
		rc = write_whole(path, buf, len, e);
		free(buf);
		return rc;
	}
	info->rewritten = true;
	if (pe.code == TH_E_FORMAT_OTHER || pe.code == TH_E_FORMAT_XLS || pe.code == TH_E_FORMAT_ODS ||
	    pe.code == TH_E_NOT_ZIP)
		snprintf(info->note, sizeof(info->note),
			 "Bản phản hồi được viết lại theo biểu mẫu vì tệp gốc không phải .xlsx.");
	else
		snprintf(info->note, sizeof(info->note),
			 "Bản phản hồi được viết lại theo biểu mẫu vì không đánh dấu trực tiếp được trên tệp gốc: %.300s.",
			 pe.msg);
	return th_write_feedback_rewrite(f, fs, cal, info->note, path, e);
}

int th_write_feedback(const th_filing *f, const th_findings *fs, const th_calendar *cal, const char *path,
		      th_err *e)
{
	return th_write_feedback_info(f, fs, cal, path, NULL, e);
}
