/*
 * The merge as JSON (README "JSON"): the period, its window and deadline, every roster
 * unit, every file given, the findings of the used returns, the totals, and the totals that
 * lack a unit's figure: unreadable (incomplete) or left blank (unfilled). Written by the library, so the command
 * line and the portal give the same document.
 * SPDX-License-Identifier: MIT
 */
#include <stdbool.h>
#include <stdio.h>

#include "base/json.h"
#include "base/outfile.h"
#include "merge/merge.h"
#include "model/finding_json.h"
#include "base/banned.h"

static void json_date(th_json *j, const char *key, th_date d)
{
	char s[TH_DATE_MAX];

	if (d.y) {
		th_date_iso(d, s);
		th_json_kstr(j, key, s);
	} else {
		th_json_kstr(j, key, NULL);
	}
}

static void json_units(th_json *j, const th_merge *m)
{
	th_json_key(j, "units");
	th_json_arr(j);
	for (size_t u = 0; u < m->n_units; u++) {
		const th_munit *mu = &m->units[u];
		const th_mfile *mf = mu->file >= 0 ? &m->files[mu->file] : NULL;
		const th_mfile *bad = mu->failed >= 0 ? &m->files[mu->failed] : NULL;
		th_json_obj(j);
		th_json_kstr(j, "code", mu->unit->code);
		th_json_kstr(j, "name", mu->unit->name);
		const th_mfile *via = mf && mf->within >= 0 ? &m->files[mf->within] :
			bad && bad->within >= 0 ? &m->files[bad->within] : NULL;
		th_json_kstr(j, "status", mf ? "received" : bad ? "unreadable" : "missing");
		th_json_kstr(j, "file", mf ? mf->path : bad ? bad->path : NULL);
		/* the consolidated workbook that carried the return, null for a return given */
		th_json_kstr(j, "via", via ? via->path : NULL);
		if (bad)
			th_json_kstr(j, "message", bad->message);
		json_date(j, "report_date", mf ? mf->report_date : (th_date){ 0, 0, 0 });
		th_json_key(j, "on_time");
		if (mu->on_time < 0)
			th_json_null(j);
		else
			th_json_bool(j, mu->on_time == 1);
		th_json_kint(j, "errors", (long long)mu->errors);
		th_json_kint(j, "warnings", (long long)mu->warnings);
		th_json_end_obj(j);
	}
	th_json_end_arr(j);
}

/* Received of expected per province, in the roster's order; one line, the roster's, for
 * a merge below the national level (a province, a district). */
static void json_provinces(th_json *j, const th_merge *m)
{
	const th_roster *r = m->roster;
	bool per = m->level == TH_LEVEL_NATIONAL && r->n_provinces > 1;
	size_t np = per ? r->n_provinces : 1;

	th_json_key(j, "provinces");
	th_json_arr(j);
	for (size_t k = 0; k < np; k++) {
		const char *name = per && r->provinces[k][0] ? r->provinces[k] : r->name;
		size_t got = 0, of = 0;
		for (size_t u = 0; u < m->n_units; u++) {
			if (per && m->units[u].unit->province != r->provinces[k])
				continue;
			of++;
			got += m->units[u].file >= 0;
		}
		th_json_obj(j);
		th_json_kstr(j, "name", name);
		th_json_kint(j, "received", (long long)got);
		th_json_kint(j, "expected", (long long)of);
		th_json_end_obj(j);
	}
	th_json_end_arr(j);
}

static void json_files(th_json *j, const th_merge *m)
{
	th_json_key(j, "files");
	th_json_arr(j);
	for (size_t i = 0; i < m->n_files; i++) {
		const th_mfile *mf = &m->files[i];
		if (mf->within >= 0)
			continue; /* a return a consolidated workbook carried: under units */
		th_json_obj(j);
		th_json_kstr(j, "path", mf->path);
		th_json_kstr(j, "status", th_fstatus_name(mf->status));
		th_json_kstr(j, "unit", mf->unit ? mf->unit->code : NULL);
		th_json_kstr(j, "message", mf->message);
		if (mf->book) {
			/* a consolidated workbook: what it says of itself, and what this merge used */
			th_json_key(j, "book");
			th_json_obj(j);
			th_json_kstr(j, "level", mf->book->level);
			th_json_kstr(j, "roster", mf->book->roster);
			th_json_kint(j, "received", (long long)mf->book->received);
			th_json_kint(j, "expected", (long long)mf->book->expected);
			th_json_kint(j, "used", (long long)mf->book->used);
			th_json_end_obj(j);
		}
		th_json_end_obj(j);
	}
	th_json_end_arr(j);
	th_json_key(j, "findings");
	th_json_arr(j);
	for (size_t u = 0; u < m->n_units; u++) {
		const th_mfile *mf = th_merge_file(m, u);
		for (size_t k = 0; mf && k < mf->findings.n; k++)
			th_json_finding(j, &mf->findings.v[k], m->units[u].unit->code, mf->path);
	}
	/* why a consolidated workbook given was not used: the file's own, of no unit */
	for (size_t i = 0; i < m->n_files; i++) {
		const th_mfile *mf = &m->files[i];
		for (size_t k = 0; mf->within < 0 && mf->status != TH_F_USED && k < mf->findings.n; k++)
			th_json_finding(j, &mf->findings.v[k], NULL, mf->path);
	}
	th_json_end_arr(j);
}

/* key: {form: {code: [the codes of the units lack() says the row's total leaves out]}},
 * only the rows that leave one out. */
static void json_lacking(th_json *j, const th_merge *m, const char *key,
			 bool (*lack)(const th_merge *, size_t, size_t, size_t))
{
	th_json_key(j, key);
	th_json_obj(j);
	for (size_t f = 0; f < m->schema->n_forms; f++) {
		const th_formdef *fd = &m->schema->forms[f];
		bool any = false;
		for (size_t r = 0; r < fd->n_rows; r++) {
			bool row = false;
			if (fd->rows[r].agg == TH_AGG_NONE)
				continue;
			for (size_t u = 0; u < m->n_units; u++) {
				if (!lack(m, u, f, r))
					continue;
				if (!any) {
					th_json_key(j, fd->id);
					th_json_obj(j);
					any = true;
				}
				if (!row) {
					th_json_key(j, fd->rows[r].code);
					th_json_arr(j);
					row = true;
				}
				th_json_str(j, m->units[u].unit->code);
			}
			if (row)
				th_json_end_arr(j);
		}
		if (any)
			th_json_end_obj(j);
	}
	th_json_end_obj(j);
}

static void json_totals(th_json *j, const th_merge *m)
{
	th_json_key(j, "totals");
	th_json_obj(j);
	for (size_t f = 0; f < m->schema->n_forms; f++) {
		const th_formdef *fd = &m->schema->forms[f];
		th_json_key(j, fd->id);
		th_json_obj(j);
		for (size_t r = 0; r < fd->n_rows; r++) {
			th_json_key(j, fd->rows[r].code);
			if (m->totals[f][r].has_value)
				th_json_num(j, m->totals[f][r].value);
			else
				th_json_null(j);
		}
		th_json_end_obj(j);
	}
	th_json_end_obj(j);
	/* the totals that leave out a received unit: its figure could not be read, or it left
	 * a row it had to fill blank (#11) */
	json_lacking(j, m, "incomplete", th_merge_unread);
	json_lacking(j, m, "unfilled", th_merge_blank);
}

void th_merge_json(const th_merge *m, FILE *out)
{
	th_json j;
	char p[TH_PERIOD_MAX];

	th_json_init(&j, out);
	th_json_obj(&j);
	th_period_format(m->period, p, sizeof(p));
	th_json_kstr(&j, "period", p);
	th_json_key(&j, "window");
	th_json_obj(&j);
	json_date(&j, "from", m->from);
	json_date(&j, "to", m->to);
	th_json_end_obj(&j);
	json_date(&j, "deadline", m->deadline);
	th_json_kstr(&j, "level", th_level_name(m->level));
	th_json_key(&j, "roster");
	th_json_obj(&j);
	th_json_kstr(&j, "name", m->roster->name);
	th_json_kstr(&j, "code", m->roster->code && m->roster->code[0] ? m->roster->code : NULL);
	th_json_end_obj(&j);
	json_provinces(&j, m);
	json_units(&j, m);
	json_files(&j, m);
	json_totals(&j, m);
	th_json_end_obj(&j);
	putc('\n', out);
}

int th_merge_write_json(const th_merge *m, const char *path, th_err *e)
{
	th_outfile *o;

	if (th_outfile_open(&o, path, e))
		return -1;
	th_merge_json(m, th_outfile_stream(o));
	return th_outfile_commit(o, e);
}
