/*
 * A return as understood (filing.h): reading one runs the stages of filing_read.h over a
 * workbook held in memory (read/grid.h); this file holds the run, the helpers the stages
 * share and the th_filing itself.
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "base/text.h"
#include "model/filing_read.h"
#include "base/banned.h"

/* ---- what the stages share ---- */

void th_locate_legacy(struct locate *c, int sheet, const th_gcell *cell, const char *form, const char *code)
{
	th_where w;

	if (!cell || cell->enc == TH_ENC_UNICODE || c->legacy_said[cell->enc])
		return;
	c->legacy_said[cell->enc] = true;
	w = where(c, form, code, sheet, cell->row, cell->col);
	th_findings_add(&c->f->findings, TH_SEV_INFO, "read.legacy-text", &w, cell->raw, cell->text,
			"văn bản gõ bằng mã %s (phông %s) đã được chuyển sang Unicode; nên gõ lại bằng Unicode",
			cell->enc == TH_ENC_TCVN3 ? "TCVN3 (ABC)" : "VNI",
			cell->enc == TH_ENC_TCVN3 ? ".VnTime" : "VNI-Times");
}

/* p past blanks: ASCII spaces, no-break spaces and the invisible characters a code copied
 * from elsewhere carries (zero-width space and joiners, word joiner, byte-order mark). */
static const char *skip_blanks(const char *p)
{
	for (;;) {
		const unsigned char *u = (const unsigned char *)p;
		if (isspace(u[0]))
			p++;
		else if (u[0] == 0xC2 && u[1] == 0xA0)
			p += 2; /* U+00A0 */
		else if (u[0] == 0xE2 && ((u[1] == 0x80 && u[2] >= 0x8B && u[2] <= 0x8D) || (u[1] == 0x81 && u[2] == 0xA0)))
			p += 3; /* U+200B-U+200D, U+2060 */
		else if (u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF)
			p += 3; /* U+FEFF */
		else
			return p;
	}
}

const char *th_locate_past_mark(const char *p)
{
	if (*p == '\'')
		return p + 1;
	if ((unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80 &&
	    ((unsigned char)p[2] == 0x98 || (unsigned char)p[2] == 0x99))
		return p + 3; /* U+2018, U+2019 */
	return p;
}

/*
 * Parse a row code at the start of s: "2.1.", "2.1", " 2.1 ", "1.4.3.Số TTHC…", "2,1" and
 * "6,7,2" (commas for dots: a code, not a decimal, in the code column), "'2.1". Writes the code
 * without its trailing dot into code (cap bytes), with dots, and returns a pointer to what
 * follows (the glued label, blanks skipped), or NULL when s does not start with a code.
 */
const char *th_locate_code(const char *s, char *code, size_t cap)
{
	size_t n = 0;
	const char *p = skip_blanks(s);
	char sep = 0;

	p = th_locate_past_mark(p);
	if (!isdigit((unsigned char)*p))
		return NULL;
	for (;;) {
		size_t digits = 0;
		while (isdigit((unsigned char)*p)) {
			if (n + 2 >= cap || ++digits > 3)
				return NULL;
			code[n++] = *p++;
		}
		/* one separator throughout: "6.7.2" or "6,7,2", never "6,7.2" */
		if ((*p == '.' || *p == ',') && (!sep || *p == sep) && isdigit((unsigned char)p[1])) {
			sep = *p++;
			code[n++] = '.';
			continue;
		}
		break;
	}
	code[n] = '\0';
	if (*p == '.' || *p == ')' || (sep == ',' && *p == ','))
		p++;
	return skip_blanks(p);
}

/* The code of a row as written in cell c ("2.1" typed as a number included); NULL if none. */
const char *th_locate_cell_code(const th_gcell *c, char *code, size_t cap, char *numbuf, size_t ncap)
{
	if (c->type == TH_CELL_NUMBER) {
		if (c->num < 1 || c->num >= 1000)
			return NULL;
		snprintf(numbuf, ncap, "%.10g", c->num);
		return th_locate_code(numbuf, code, cap);
	}
	if (c->type != TH_CELL_STRING)
		return NULL;
	return th_locate_code(c->text, code, cap);
}

/*
 * Is row a row of a form's table: a row code in column A or B, as "2.5", "2.5." or
 * "2.5.Tỷ lệ …" (a code alone, or followed by a label)?
 */
bool th_locate_data_row(const th_gsheet *sh, uint32_t row)
{
	for (uint16_t col = 0; col < 2; col++) {
		const th_gcell *c = th_grid_at(sh, row, col);
		char code[32], numbuf[32];
		const char *rest;
		if (!c)
			continue;
		rest = th_locate_cell_code(c, code, sizeof(code), numbuf, sizeof(numbuf));
		if (rest && (!*rest || isalpha((unsigned char)*rest) || (unsigned char)*rest >= 0x80))
			return true;
	}
	return false;
}

bool th_locate_label_like(const char *text, const th_rowdef *rd)
{
	char *a = th_text_key_alnum(text, strlen(text));
	size_t n = strlen(a) < 12 ? strlen(a) : 12;
	bool like = n >= 4 && strncmp(a, rd->label_cmp, n) == 0;

	free(a);
	return like;
}

/* ---- the whole return ---- */

int th_filing_read(th_filing **out, const char *path, const th_schema *schema,
		   const th_roster *roster, th_err *e)
{
	th_grid *g = NULL;
	int rc;

	*out = NULL;
	if (th_grid_load(&g, path, e))
		return -1;
	rc = th_filing_read_grid(out, g, path, schema, roster, e);
	th_grid_free(g);
	return rc;
}

int th_filing_consolidated_sheet(const th_grid *g)
{
	for (size_t i = 0; g && i < g->n_sheets; i++) {
		const th_gcell *a1 = th_grid_at(&g->sheets[i], 0, 0);
		if (a1 && a1->type == TH_CELL_STRING && strcmp(a1->text, TH_CONSOLIDATED_MAGIC) == 0)
			return (int)i;
	}
	return -1;
}

int th_filing_read_grid(th_filing **out, const th_grid *g, const char *path, const th_schema *schema,
			const th_roster *roster, th_err *e)
{
	th_filing *f;
	struct locate c = { 0 };
	struct region *reg;

	*out = NULL;
	f = th_filing_new(path, schema);
	f->n_sheets = g->n_sheets;
	f->consolidated = th_filing_consolidated_sheet(g) >= 0;
	f->sheets = th_xcalloc(g->n_sheets + 1, sizeof(*f->sheets));
	for (size_t i = 0; i < g->n_sheets; i++)
		f->sheets[i] = th_xstrdup(g->sheets[i].name);
	c.f = f;
	c.g = g;
	c.schema = schema;
	c.roster = roster;
	c.fx = th_fx_new(g);
	th_locate_header(&c);
	reg = th_xcalloc(schema->n_forms + 1, sizeof(*reg));
	th_locate_regions(&c, reg);
	for (size_t i = 0; i < schema->n_forms; i++)
		f->n_forms_found += reg[i].sheet >= 0;
	if (!f->n_forms_found && schema->n_forms) {
		/* a workbook, but not a return: the wrong file chosen, or every title deleted */
		th_fail(e, TH_E_NOT_RETURN,
			"không tìm thấy biểu mẫu nào (%s … %s) trong tệp: có thể đã chọn nhầm tệp, "
			"hoặc tiêu đề các biểu đã bị xoá",
			schema->forms[0].title, schema->forms[schema->n_forms - 1].title);
		th_locate_regions_release(reg, schema->n_forms);
		th_fx_free(c.fx);
		th_filing_free(f);
		return -1;
	}
	for (size_t i = 0; i < schema->n_forms; i++)
		th_locate_form(&c, i, &reg[i]);
	th_locate_regions_release(reg, schema->n_forms);
	th_locate_percents(&c);
	th_locate_register(&c);
	th_findings_cap(&f->findings, TH_FINDINGS_PER_RULE);
	th_fx_free(c.fx);
	*out = f;
	return 0;
}

th_filing *th_filing_new(const char *path, const th_schema *schema)
{
	th_filing *f = th_xcalloc(1, sizeof(*f));

	f->path = th_xstrdup(path);
	f->schema = schema;
	f->unit_at.sheet = f->code_at.sheet = f->period_at.sheet = -1;
	f->window_at.sheet = f->report_at.sheet = -1;
	f->values = th_xcalloc(schema->n_forms + 1, sizeof(*f->values));
	for (size_t i = 0; i < schema->n_forms; i++) {
		f->values[i] = th_xcalloc(schema->forms[i].n_rows + 1, sizeof(**f->values));
		for (size_t r = 0; r < schema->forms[i].n_rows; r++) {
			f->values[i][r].state = TH_VAL_MISSING;
			f->values[i][r].sheet = -1;
			f->values[i][r].decimals = -1;
			f->values[i][r].written = th_xstrdup("");
		}
	}
	return f;
}

int th_filing_set(th_filing *f, const char *form, const char *code, th_vstate state, double num, int decimals)
{
	th_value *v = (th_value *)th_filing_value(f, form, code);
	char buf[64];

	if (!v)
		return -1;
	v->state = state;
	v->num = state == TH_VAL_NUMBER ? num : 0;
	v->decimals = decimals;
	if (state == TH_VAL_NUMBER)
		snprintf(buf, sizeof(buf), "%.15g", num);
	else
		buf[0] = '\0';
	free(v->written);
	v->written = th_xstrdup(state == TH_VAL_DASH ? "-" : buf);
	return 0;
}

void th_value_release(th_value *v)
{
	free(v->written);
	free(v->how);
	free(v->note);
	v->written = v->how = v->note = NULL;
}

static void free_hfield(th_hfield *h)
{
	free(h->written);
}

void th_filing_free(th_filing *f)
{
	if (!f)
		return;
	for (size_t i = 0; f->values && i < f->schema->n_forms; i++) {
		for (size_t r = 0; r < f->schema->forms[i].n_rows; r++)
			th_value_release(&f->values[i][r]);
		free(f->values[i]);
	}
	free(f->values);
	for (size_t i = 0; i < f->n_others; i++) {
		free(f->others[i].header);
		th_value_release(&f->others[i].v);
	}
	free(f->others);
	for (size_t i = 0; i < f->n_docs; i++) {
		free(f->docs[i].stt);
		free(f->docs[i].number);
		free(f->docs[i].date_written);
		free(f->docs[i].summary);
	}
	free(f->docs);
	for (size_t i = 0; i < f->n_sheets; i++)
		free(f->sheets[i]);
	free(f->sheets);
	free_hfield(&f->unit_at);
	free_hfield(&f->code_at);
	free_hfield(&f->period_at);
	free_hfield(&f->window_at);
	free_hfield(&f->report_at);
	th_findings_release(&f->findings);
	free(f->path);
	free(f);
}

const th_value *th_filing_value(const th_filing *f, const char *form, const char *code)
{
	for (size_t i = 0; i < f->schema->n_forms; i++) {
		int r;
		if (strcasecmp(f->schema->forms[i].id, form) != 0)
			continue;
		r = th_form_row(&f->schema->forms[i], code);
		return r >= 0 ? &f->values[i][r] : NULL;
	}
	return NULL;
}

const char *th_filing_sheet(const th_filing *f, int sheet)
{
	return sheet >= 0 && (size_t)sheet < f->n_sheets ? f->sheets[sheet] : "";
}
