/*
 * Completeness, for the commune that checks before it sends (issue #11): a required row
 * (schema data, th_fill) of a form found in the return that holds nothing is "chưa điền",
 * an error at the commune's own cell. A heading (class group) that holds 0 or "-" answers
 * the rows under it: the commune said there was nothing in that group (domain brief §2.2).
 * A row not found at all is read.row-missing, a form not found read.form-missing: said
 * once by reading, not again here.
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "check/check_file.h"
#include "base/mem.h"
#include "base/banned.h"

/* Does a heading above row code in form fi hold 0 or "-" (nothing in this group)? */
static bool answered_above(const th_filing *f, size_t fi, const char *code)
{
	const th_formdef *fd = &f->schema->forms[fi];
	char *up = th_xstrdup(code);
	bool yes = false;

	for (char *dot = strrchr(up, '.'); dot && !yes; dot = strrchr(up, '.')) {
		int r;
		*dot = '\0';
		r = th_form_row(fd, up);
		if (r >= 0 && fd->rows[r].fill == TH_FILL_GROUP) {
			const th_value *v = &f->values[fi][r];
			yes = v->state == TH_VAL_DASH || (v->state == TH_VAL_NUMBER && v->num == 0);
		}
	}
	free(up);
	return yes;
}

static void say_unfilled(const th_filing *f, const th_formdef *fd, const th_rowdef *rd, const th_value *v,
			 th_findings *out)
{
	th_where w = { fd->id, rd->code, th_filing_sheet(f, v->sheet), v->row, v->col };
	const char *how = rd->kind == TH_ROW_CODED ? "ghi một mã của chú giải" :
			  rd->kind == TH_ROW_PERCENT ? "ghi tỷ lệ, hoặc '-' nếu không áp dụng" :
						       "không có thì ghi 0";

	th_findings_add(out, TH_SEV_ERROR, TH_RULE_UNFILLED, &w, "", rd->kind == TH_ROW_CODED ? rd->unit : "một số",
			"%s dòng %s: chưa điền (%s): dòng bắt buộc, %s", fd->title, rd->code, rd->label, how);
}

bool th_row_unfilled(const th_filing *f, size_t fi, size_t ri)
{
	const th_rowdef *rd = &f->schema->forms[fi].rows[ri];
	th_vstate st = f->values[fi][ri].state;

	return rd->fill == TH_FILL_REQUIRED && (st == TH_VAL_BLANK || st == TH_VAL_MISSING) &&
	       !answered_above(f, fi, rd->code);
}

size_t th_check_complete(const th_filing *f, th_findings *out)
{
	size_t n = 0;

	for (size_t fi = 0; fi < f->schema->n_forms; fi++) {
		const th_formdef *fd = &f->schema->forms[fi];
		for (size_t ri = 0; ri < fd->n_rows; ri++) {
			const th_rowdef *rd = &fd->rows[ri];
			const th_value *v = &f->values[fi][ri];
			/* a row not found is read.row-missing already: said once */
			if (v->state != TH_VAL_BLANK || v->sheet < 0 || !th_row_unfilled(f, fi, ri))
				continue;
			say_unfilled(f, fd, rd, v, out);
			n++;
		}
	}
	return n;
}
