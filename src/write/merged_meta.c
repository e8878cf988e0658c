/*
 * The consolidated workbook's metadata sheet and properties; see merged_meta.h and the
 * format in merge/upward.h.
 * SPDX-License-Identifier: MIT
 */
#include "write/merged_meta.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/version.h"
#include "merge/upward.h"
#include "base/banned.h"

struct th_meta {
	const th_merge *m;
	char **sheet;       /* per form: the sheet's name, NULL when not shown */
	bool *by_columns;   /* per form */
	long **rowpos;      /* per form, per schema row; -1 when not shown */
	long **unitpos;     /* per form, per unit; -1 when not shown */
};

struct th_meta *th_meta_new(const th_merge *m)
{
	const th_schema *s = m->schema;
	struct th_meta *x = th_xcalloc(1, sizeof(*x));

	x->m = m;
	x->sheet = th_xcalloc(s->n_forms + 1, sizeof(*x->sheet));
	x->by_columns = th_xcalloc(s->n_forms + 1, sizeof(*x->by_columns));
	x->rowpos = th_xcalloc(s->n_forms + 1, sizeof(*x->rowpos));
	x->unitpos = th_xcalloc(s->n_forms + 1, sizeof(*x->unitpos));
	for (size_t f = 0; f < s->n_forms; f++) {
		x->rowpos[f] = th_xcalloc(s->forms[f].n_rows + 1, sizeof(**x->rowpos));
		x->unitpos[f] = th_xcalloc(m->n_units + 1, sizeof(**x->unitpos));
		for (size_t r = 0; r < s->forms[f].n_rows; r++)
			x->rowpos[f][r] = -1;
		for (size_t u = 0; u < m->n_units; u++)
			x->unitpos[f][u] = -1;
	}
	return x;
}

void th_meta_free(struct th_meta *x)
{
	if (!x)
		return;
	for (size_t f = 0; f < x->m->schema->n_forms; f++) {
		free(x->sheet[f]);
		free(x->rowpos[f]);
		free(x->unitpos[f]);
	}
	free(x->sheet);
	free(x->by_columns);
	free(x->rowpos);
	free(x->unitpos);
	free(x);
}

void th_meta_form(struct th_meta *x, size_t f, const char *sheet, bool units_in_columns)
{
	free(x->sheet[f]);
	x->sheet[f] = th_xstrdup(sheet);
	x->by_columns[f] = units_in_columns;
}

void th_meta_row(struct th_meta *x, size_t f, size_t r, uint32_t at)
{
	x->rowpos[f][r] = (long)at;
}

void th_meta_unit(struct th_meta *x, size_t f, size_t u, uint32_t at)
{
	x->unitpos[f][u] = (long)at;
}

/* ---- writing ---- */

struct out {
	struct th_wb *b;
	lxw_worksheet *ws;
	uint32_t row;
	th_sbuf sb;
};

static void put(struct out *o, uint16_t col, const char *s)
{
	th_wb_text(o->b, o->ws, o->row, col, s, NULL);
}

static void putn(struct out *o, uint16_t col, long long v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%lld", v);
	put(o, col, buf);
}

/* A joined text from column col on: a cell per TH_UP_CELL_BYTES (merge/upward.h). */
static void put_long(struct out *o, uint16_t col, const char *s)
{
	size_t n = strlen(s);

	do {
		size_t cut = th_upward_cut(s, n);
		char *part = th_xstrndup(s, cut);
		put(o, col++, part);
		free(part);
		s += cut;
		n -= cut;
	} while (n);
}

static void head(struct th_meta *x, struct out *o)
{
	const th_merge *m = x->m;
	char print[17], p[TH_PERIOD_MAX];

	put(o, 0, TH_UPWARD_MAGIC);
	put(o, 1, TH_UPWARD_FORMAT);
	put(o, 2, TH_VERSION);
	o->row++;
	th_upward_schema_print(m->schema, print);
	put(o, 0, "schema");
	put(o, 1, m->schema->id);
	put(o, 2, print);
	o->row++;
	th_period_format(m->period, p, sizeof(p));
	put(o, 0, "period");
	put(o, 1, p);
	o->row++;
	put(o, 0, "level");
	put(o, 1, th_level_name(m->level));
	o->row++;
	put(o, 0, "roster");
	put(o, 1, m->roster->name ? m->roster->name : "");
	put(o, 2, m->roster->code ? m->roster->code : "");
	o->row++;
	put(o, 0, "received");
	putn(o, 1, (long long)m->received);
	putn(o, 2, (long long)m->n_units);
	o->row++;
	for (size_t f = 0; f < m->schema->n_forms; f++) {
		if (!x->sheet[f])
			continue;
		put(o, 0, "form");
		put(o, 1, m->schema->forms[f].id);
		put(o, 2, x->sheet[f]);
		put(o, 3, x->by_columns[f] ? "columns" : "rows");
		for (size_t r = 0; r < m->schema->forms[f].n_rows; r++)
			if (x->rowpos[f][r] >= 0)
				putn(o, (uint16_t)(TH_UP_FORM_POS + r), x->rowpos[f][r]);
		o->row++;
	}
}

/* One unit line: who, its state, its return's file, date and time, where it is shown. */
static void unit_line(struct th_meta *x, struct out *o, size_t u)
{
	const th_merge *m = x->m;
	const th_munit *mu = &m->units[u];
	const th_mfile *mf = mu->file >= 0 ? &m->files[mu->file] : mu->failed >= 0 ? &m->files[mu->failed] : NULL;
	char d[TH_DATE_MAX];

	put(o, 0, "unit");
	put(o, TH_UP_U_CODE, mu->unit->code);
	put(o, TH_UP_U_NAME, mu->unit->name);
	put(o, TH_UP_U_STATUS, mu->file >= 0 ? "received" : mu->failed >= 0 ? "unreadable" : "missing");
	if (mf) {
		put(o, TH_UP_U_FILE, mf->path);
		if (mf->report_date.y) {
			th_date_iso(mf->report_date, d);
			put(o, TH_UP_U_DATE, d);
		}
		put(o, TH_UP_U_BYNAME, mf->unit_by_name ? "1" : "0");
		if (mu->file < 0)
			put(o, TH_UP_U_MESSAGE, mf->message);
	}
	for (size_t f = 0; f < m->schema->n_forms; f++)
		if (x->unitpos[f][u] >= 0)
			putn(o, (uint16_t)(TH_UP_U_POS + f), x->unitpos[f][u]);
	o->row++;
}

/* A received unit's figures, a line per form, and its findings, a line each. Returns the
 * findings written. */
static size_t unit_data(struct th_meta *x, struct out *o, size_t u)
{
	const th_merge *m = x->m;
	const th_mfile *mf = th_merge_file(m, u);
	const char *code = m->units[u].unit->code;

	th_sbuf one = TH_SBUF_INIT;
	char more[32];

	for (size_t f = 0; f < m->schema->n_forms; f++) {
		put(o, 0, "value");
		put(o, 1, code);
		put(o, 2, m->schema->forms[f].id);
		th_sbuf_reset(&o->sb);
		for (size_t r = 0; r < m->schema->forms[f].n_rows; r++) {
			const th_mvalue *v = th_merge_value(m, u, f, r);
			th_sbuf_reset(&one);
			if (v)
				th_upward_value_text(v, &one);
			th_upward_join(&o->sb, one.buf, r == 0);
		}
		put_long(o, TH_UP_VALUE_POS, o->sb.buf);
		o->row++;
	}
	th_sbuf_release(&one);
	for (size_t k = 0; k < mf->findings.n; k++) {
		const th_finding *fd = &mf->findings.v[k];
		const char *fields[TH_UP_F_COUNT] = { th_severity_name(fd->severity), fd->rule, fd->form, fd->code,
						      fd->sheet, fd->cell, fd->written, fd->expected, fd->message, more };
		more[0] = '\0';
		if (fd->more)
			snprintf(more, sizeof(more), "%zu", fd->more);
		th_sbuf_reset(&o->sb);
		for (size_t i = 0; i < TH_UP_F_COUNT; i++)
			th_upward_join(&o->sb, fields[i], i == 0);
		put(o, 0, "finding");
		put(o, 1, code);
		put_long(o, TH_UP_FINDING_POS, o->sb.buf);
		o->row++;
	}
	return mf->findings.n;
}

static void properties(const th_merge *m, struct th_wb *b)
{
	char p[TH_PERIOD_MAX];

	th_period_format(m->period, p, sizeof(p));
	th_wb_ck(b, workbook_set_custom_property_string(b->wb, "tonghop", TH_UPWARD_MAGIC " " TH_UPWARD_FORMAT));
	th_wb_ck(b, workbook_set_custom_property_string(b->wb, "tonghop.version", TH_VERSION));
	th_wb_ck(b, workbook_set_custom_property_string(b->wb, "tonghop.period", p));
	th_wb_ck(b, workbook_set_custom_property_string(b->wb, "tonghop.schema", m->schema->id));
	th_wb_ck(b, workbook_set_custom_property_string(b->wb, "tonghop.level", th_level_name(m->level)));
	th_wb_ck(b, workbook_set_custom_property_string(b->wb, "tonghop.metadata", TH_UPWARD_SHEET));
}

void th_meta_write(struct th_meta *x, struct th_wb *b)
{
	const th_merge *m = x->m;
	char name[TH_WB_NAME_MAX];
	struct out o = { b, NULL, 0, TH_SBUF_INIT };
	size_t values = 0, findings = 0;

	o.ws = th_wb_sheet(b, TH_UPWARD_SHEET, name);
	if (!o.ws)
		return;
	head(x, &o);
	for (size_t u = 0; u < m->n_units; u++)
		unit_line(x, &o, u);
	for (size_t u = 0; u < m->n_units; u++)
		if (m->units[u].file >= 0) {
			findings += unit_data(x, &o, u);
			values += m->schema->n_forms;
		}
	put(&o, 0, "end");
	putn(&o, 1, (long long)m->n_units);
	putn(&o, 2, (long long)values);
	putn(&o, 3, (long long)findings);
	th_sbuf_release(&o.sb);
	/* hidden and protected: not for people, and not to be typed over by accident */
	worksheet_hide(o.ws);
	worksheet_protect(o.ws, NULL, NULL);
	properties(m, b);
}
