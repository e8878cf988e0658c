/*
 * The identification block of a return (filing_read.h): the unit (by its code when written,
 * by its name otherwise, matched against the roster), the period, the data window and the
 * report date, each found through the schema's PCRE2 patterns in any cell, in a cell
 * joined to the one above it, or in a whole row joined; every field not found or not
 * readable is a finding.
 * SPDX-License-Identifier: MIT
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/sbuf.h"
#include "model/filing_read.h"
#include "base/banned.h"

/* Run pattern p on s; on a match copy the named groups wanted into out[] (NULL when unset). */
static bool match(const void *p, const char *s, const char *const *names, char **out, size_t n)
{
	pcre2_match_data *md;
	pcre2_match_context *mc;
	bool ok = false;

	for (size_t i = 0; i < n; i++)
		out[i] = NULL;
	if (!p)
		return false;
	if (strlen(s) > 4096)
		return false; /* no header field is that long; keeps a slow pattern's cost bounded */
	/*
	 * Patterns come from a province's INI: a careless one ("(a+)+$") backtracks without
	 * end on a long cell. The limits make such a match fail (no field found, said as a
	 * finding) in milliseconds instead of hanging a merge.
	 */
	mc = pcre2_match_context_create(NULL);
	if (mc) {
		pcre2_set_match_limit(mc, 200000);
		pcre2_set_depth_limit(mc, 10000);
	}
	md = pcre2_match_data_create_from_pattern(p, NULL);
	if (md && pcre2_match(p, (PCRE2_SPTR)s, strlen(s), 0, 0, md, mc) > 0) {
		ok = true;
		for (size_t i = 0; i < n; i++) {
			PCRE2_UCHAR *buf;
			PCRE2_SIZE len;
			if (pcre2_substring_get_byname(md, (PCRE2_SPTR)names[i], &buf, &len) == 0) {
				out[i] = th_xstrndup((const char *)buf, len);
				pcre2_substring_free(buf);
			}
		}
	}
	pcre2_match_data_free(md);
	pcre2_match_context_free(mc);
	return ok;
}

/* One searchable text: a cell, or a whole row joined (for fields split over cells). */
struct line {
	int sheet;
	uint32_t row;
	uint16_t col;
	char *text;
};

static void add_line(struct line **v, size_t *n, size_t *cap, int sheet, uint32_t row, uint16_t col,
		     char *text)
{
	th_grow((void **)v, cap, *n + 1, sizeof(**v));
	(*v)[*n].sheet = sheet;
	(*v)[*n].row = row;
	(*v)[*n].col = col;
	(*v)[*n].text = text;
	(*n)++;
}

/* Cells (a field usually sits in one), each followed by itself joined to the cell above
 * it, and whole rows joined; in sheet and row order. */
static size_t header_lines(const th_grid *g, struct line **out)
{
	struct line *v = NULL;
	size_t n = 0, cap = 0;

	for (size_t s = 0; s < g->n_sheets; s++) {
		const th_gsheet *sh = &g->sheets[s];
		if (th_locate_feedback_sheet(sh->key))
			continue;
		for (size_t i = 0; i < sh->n_cells; i++) {
			const th_gcell *c = &sh->cells[i];
			th_sbuf row = TH_SBUF_INIT;
			size_t cells = 0;

			if (th_locate_data_row(sh, c->row))
				continue;

			if (c->type == TH_CELL_STRING) {
				const th_gcell *above = c->row ? th_grid_at(sh, c->row - 1, c->col) : NULL;
				add_line(&v, &n, &cap, (int)s, c->row, c->col, th_xstrdup(c->text));
				/*
				 * "ỦY BAN NHÂN DÂN" over "XÃ NGÔ QUYỀN" in two cells: one line as in one
				 * cell, placed after the lower cell's own line and at that cell, so that a
				 * field the lower cell holds alone is found there first
				 */
				if (above && above->type == TH_CELL_STRING && !th_locate_data_row(sh, above->row)) {
					th_sbuf two = TH_SBUF_INIT;
					th_sbuf_addf(&two, "%s\n%s", above->text, c->text);
					add_line(&v, &n, &cap, (int)s, c->row, c->col, th_sbuf_detach(&two, NULL));
				}
			}
			if (i + 1 < sh->n_cells && sh->cells[i + 1].row == c->row)
				continue;
			/* the last cell of a row: add the row joined, when it has several cells */
			for (size_t k = th_grid_row_start(sh, c->row); k <= i; k++, cells++) {
				if (cells)
					th_sbuf_addc(&row, ' ');
				th_grid_cell_text(g, &sh->cells[k], &row);
			}
			if (cells > 1)
				add_line(&v, &n, &cap, (int)s, c->row, sh->cells[th_grid_row_start(sh, c->row)].col,
					 th_sbuf_detach(&row, NULL));
			else
				th_sbuf_release(&row);
		}
	}
	*out = v;
	return n;
}

static void set_field(th_hfield *h, const struct line *l, const char *text)
{
	h->sheet = l->sheet;
	h->row = l->row;
	h->col = l->col;
	free(h->written);
	h->written = th_xstrdup(text);
}

/* A date from a pattern group: "12/9/2023", "12 tháng 9 năm 2023", "ngày 12 tháng 9 năm 2023". */
static int group_date(const char *s, th_date *d)
{
	th_sbuf sb = TH_SBUF_INIT;
	int rc;

	if (!s)
		return -1;
	if (th_vn_parse_date(s, strlen(s), d) == 0)
		return 0;
	th_sbuf_adds(&sb, "ngày ");
	th_sbuf_adds(&sb, s);
	rc = th_vn_parse_date(sb.buf, sb.len, d);
	th_sbuf_release(&sb);
	return rc;
}

/* The searchable texts of a workbook, in order. */
struct lines {
	struct line *v;
	size_t n;
};

/* The unit's code and name as written, each where first found; the roster's units they name. */
struct unit_found {
	char *name_written, *code_written;
	const th_unit *by_name, *by_code;
	bool by_letters; /* the name matched only without its diacritics */
};

/*
 * The roster unit a name read designates. A name may hold a dash: part of it ("Phường Văn
 * Miếu - Quốc Tử Giám"), or before what is no part of it ("Xã Hồng Quang - Thanh Miện"):
 * when the whole names no unit, it is cut at its last dash, in place, until a part does
 * (the name kept is the one that matched) or none is left.
 */
static const th_unit *match_dashed(const th_roster *r, char *name, bool *by_letters)
{
	const th_unit *u = th_roster_match_how(r, name, by_letters);
	size_t end = strlen(name);

	while (!u) {
		size_t d = end;
		char *part;
		for (size_t i = 0; i < end; i++)
			if (name[i] == '-' || strncmp(name + i, "\xe2\x80\x93", 3) == 0 ||
			    strncmp(name + i, "\xe2\x80\x94", 3) == 0)
				d = i;
		while (d < end && d > 0 && name[d - 1] == ' ')
			d--;
		if (d == end || d == 0)
			break;
		end = d;
		part = th_xstrndup(name, end);
		u = th_roster_match_how(r, part, by_letters);
		free(part);
	}
	if (u)
		name[end] = '\0';
	return u;
}

static void header_unit_find(struct locate *c, const struct lines *ls, struct unit_found *u)
{
	th_filing *f = c->f;
	const th_schema *s = c->schema;
	const struct line *lines = ls->v;
	size_t nl = ls->n;
	static const char *const g_name[] = { "name" }, *const g_code[] = { "code" };
	char *cap[1];

	/* the unit: by its code when written, by its name otherwise */
	for (size_t i = 0; i < nl && !u->code_written; i++)
		if (match(s->header[TH_HPAT_UNIT_CODE], lines[i].text, g_code, cap, 1) && cap[0]) {
			u->code_written = cap[0];
			set_field(&f->code_at, &lines[i], cap[0]);
			u->by_code = c->roster ? th_roster_by_code(c->roster, cap[0]) : NULL;
		} else {
			free(cap[0]);
		}
	for (size_t i = 0; i < nl && !u->name_written; i++)
		if (match(s->header[TH_HPAT_UNIT], lines[i].text, g_name, cap, 1) && cap[0]) {
			if (c->roster)
				u->by_name = match_dashed(c->roster, cap[0], &u->by_letters);
			u->name_written = cap[0];
			set_field(&f->unit_at, &lines[i], cap[0]);
		} else {
			free(cap[0]);
		}
}

/*
 * Is name one of unit u's names? In a national roster a name can designate several units
 * (Phường Hòa Bình is in more than one province): matching it alone gives none, yet with
 * the code of one of them it is no mismatch.
 */
static bool names_unit(const char *name, const th_unit *u)
{
	char *k = th_unit_key(name, 0);
	bool same = false;

	for (size_t i = 0; *k && i < u->n_keys && !same; i++)
		same = strcmp(k, u->keys[i]) == 0;
	free(k);
	return same;
}

/* Which unit sent the return, and every doubt about it as a finding. */
static void header_unit(struct locate *c, const struct lines *ls)
{
	th_filing *f = c->f;
	struct unit_found u = { 0 };
	th_where w;

	header_unit_find(c, ls, &u);
	f->unit = u.by_code ? u.by_code : u.by_name;
	if (c->roster) {
		if (u.code_written && !u.by_code) {
			w = where(c, "HEADER", NULL, f->code_at.sheet, f->code_at.row, f->code_at.col);
			th_findings_add(&f->findings, TH_SEV_WARNING, "read.unit-code-unknown", &w, u.code_written, NULL,
					"mã đơn vị '%s' không có trong danh sách đơn vị của %s", u.code_written,
					c->roster->name);
		}
		if (u.by_code && u.name_written && u.by_name && u.by_name != u.by_code) {
			/* two units of the roster: which one sent it cannot be told, so neither */
			w = where(c, "HEADER", NULL, f->unit_at.sheet, f->unit_at.row, f->unit_at.col);
			th_findings_add(&f->findings, TH_SEV_WARNING, "read.unit-mismatch", &w, u.name_written,
					u.by_code->name,
					"tên đơn vị '%s' (%s, mã %s) không khớp mã đơn vị %s (%s): chưa xác định "
					"được đơn vị báo cáo; hãy sửa tên hoặc mã cho đúng",
					u.name_written, u.by_name->name, u.by_name->code, u.by_code->code, u.by_code->name);
			f->unit = NULL;
		} else if (u.by_code && u.name_written && u.by_name != u.by_code &&
			   !names_unit(u.name_written, u.by_code)) {
			w = where(c, "HEADER", NULL, f->unit_at.sheet, f->unit_at.row, f->unit_at.col);
			th_findings_add(&f->findings, TH_SEV_WARNING, "read.unit-mismatch", &w, u.name_written,
					u.by_code->name, "tên đơn vị '%s' không khớp mã %s (%s)", u.name_written,
					u.by_code->code, u.by_code->name);
		}
		if (u.by_name && u.by_letters && f->unit == u.by_name) {
			w = where(c, "HEADER", NULL, f->unit_at.sheet, f->unit_at.row, f->unit_at.col);
			th_findings_add(&f->findings, TH_SEV_INFO, "read.unit-approx", &w, u.name_written,
					u.by_name->name, "tên đơn vị '%s' chỉ khớp '%s' khi bỏ dấu: hãy kiểm tra lại dấu",
					u.name_written, u.by_name->name);
		}
		if (u.name_written && !f->unit && !(u.by_code && u.by_name)) {
			w = where(c, "HEADER", NULL, f->unit_at.sheet, f->unit_at.row, f->unit_at.col);
			th_findings_add(&f->findings, TH_SEV_WARNING, "read.unit-unknown", &w, u.name_written, NULL,
					"đơn vị '%s' không có trong danh sách đơn vị của %s", u.name_written,
					c->roster->name);
		}
	}
	if (!u.name_written && !u.code_written) {
		w = where(c, "HEADER", NULL, -1, 0, 0);
		th_findings_add(&f->findings, TH_SEV_WARNING, "read.unit-missing", &w, NULL, NULL,
				"không tìm thấy tên đơn vị báo cáo (như 'UBND xã …' hoặc 'Đơn vị báo cáo: …')");
	}
	free(u.name_written);
	free(u.code_written);
}

/* The period: the schema's patterns in order, each over the whole workbook. */
static void header_period(struct locate *c, const struct lines *ls)
{
	th_filing *f = c->f;
	const th_schema *s = c->schema;
	const struct line *lines = ls->v;
	size_t nl = ls->n;
	static const char *const g_period[] = { "n", "year", "n2" };
	static const struct { enum th_hpat pat; th_pkind kind; int n; } periods[] = {
		{ TH_HPAT_PERIOD_QUARTER, TH_P_QUARTER, 0 }, { TH_HPAT_PERIOD_H1, TH_P_HALF, 1 },
		{ TH_HPAT_PERIOD_H2, TH_P_HALF, 2 }, { TH_HPAT_PERIOD_NINE, TH_P_NINE, 0 },
		{ TH_HPAT_PERIOD_MONTH, TH_P_MONTH, 0 }, { TH_HPAT_PERIOD_YEAR, TH_P_YEAR, 0 },
	};
	char *cap[3];
	th_where w;

	for (size_t p = 0; p < sizeof(periods) / sizeof(periods[0]) && f->period.kind == TH_P_NONE; p++)
		for (size_t i = 0; i < nl; i++) {
			long year = 0, n = periods[p].n, n2 = 0;
			if (!match(s->header[periods[p].pat], lines[i].text, g_period, cap, 3))
				continue;
			if (cap[1])
				year = strtol(cap[1], NULL, 10);
			if (cap[0] && !n)
				n = isdigit((unsigned char)cap[0][0]) ? strtol(cap[0], NULL, 10) :
								       th_roman(cap[0], strlen(cap[0]));
			/*
			 * "quý IV, phương hướng nhiệm vụ quý I năm 2024": the year written belongs
			 * to the later period (n2); when that one comes first in the year, ours is
			 * in the year before.
			 */
			if (cap[2])
				n2 = isdigit((unsigned char)cap[2][0]) ? strtol(cap[2], NULL, 10) :
									th_roman(cap[2], strlen(cap[2]));
			if (n2 > 0 && n2 < n)
				year--;
			free(cap[0]);
			free(cap[1]);
			free(cap[2]);
			if (year < 1990 || year > 2100)
				continue;
			if ((periods[p].kind == TH_P_QUARTER && (n < 1 || n > 4)) ||
			    (periods[p].kind == TH_P_MONTH && (n < 1 || n > 12)))
				continue;
			f->period.kind = periods[p].kind;
			f->period.year = (int)year;
			f->period.n = periods[p].kind == TH_P_NINE || periods[p].kind == TH_P_YEAR ? 0 : (int)n;
			set_field(&f->period_at, &lines[i], lines[i].text);
			break;
		}
	if (f->period.kind == TH_P_NONE) {
		w = where(c, "HEADER", NULL, -1, 0, 0);
		th_findings_add(&f->findings, TH_SEV_WARNING, "read.period-missing", &w, NULL, NULL,
				"không tìm thấy kỳ báo cáo (như 'quý III năm 2023')");
	}

}

/* The data window: the first line the pattern matches, read or said unreadable. */
static void header_window(struct locate *c, const struct lines *ls)
{
	th_filing *f = c->f;
	const th_schema *s = c->schema;
	const struct line *lines = ls->v;
	size_t nl = ls->n;
	static const char *const g_window[] = { "from", "to" };
	char *cap[2];
	th_where w;

	for (size_t i = 0; i < nl && !f->window_from.y; i++) {
		th_date a, b;
		if (!match(s->header[TH_HPAT_WINDOW], lines[i].text, g_window, cap, 2))
			continue;
		if (group_date(cap[0], &a) == 0 && group_date(cap[1], &b) == 0) {
			f->window_from = a;
			f->window_to = b;
			set_field(&f->window_at, &lines[i], lines[i].text);
		} else {
			w = where(c, "HEADER", NULL, lines[i].sheet, lines[i].row, lines[i].col);
			th_findings_add(&f->findings, TH_SEV_WARNING, "read.window-unreadable", &w, lines[i].text,
					NULL, "không đọc được thời gian lấy số liệu trong '%s'", lines[i].text);
			set_field(&f->window_at, &lines[i], lines[i].text);
			free(cap[0]);
			free(cap[1]);
			break;
		}
		free(cap[0]);
		free(cap[1]);
	}
	if (!f->window_at.written) {
		w = where(c, "HEADER", NULL, -1, 0, 0);
		th_findings_add(&f->findings, TH_SEV_WARNING, "read.window-missing", &w, NULL, NULL,
				"không tìm thấy thời gian lấy số liệu (như 'Số liệu tính từ ngày 10/6/2023 đến ngày 09/9/2023')");
	}

}

/* The report date: the first line that gives a whole date; else the first that matched. */
static void header_report_date(struct locate *c, const struct lines *ls)
{
	th_filing *f = c->f;
	const th_schema *s = c->schema;
	const struct line *lines = ls->v;
	size_t nl = ls->n;
	static const char *const g_date[] = { "date" };
	char *cap[1];
	th_where w;

	for (size_t i = 0; i < nl && !f->report_date.y; i++) {
		th_date d;
		if (!match(s->header[TH_HPAT_REPORT_DATE], lines[i].text, g_date, cap, 1))
			continue;
		if (group_date(cap[0], &d) == 0) {
			f->report_date = d;
			set_field(&f->report_at, &lines[i], lines[i].text);
		} else if (!f->report_at.written) {
			set_field(&f->report_at, &lines[i], lines[i].text);
		}
		free(cap[0]);
	}
	if (!f->report_date.y) {
		w = where(c, "HEADER", NULL, f->report_at.sheet, f->report_at.row, f->report_at.col);
		if (!f->report_at.written)
			w.sheet = NULL;
		th_findings_add(&f->findings, TH_SEV_WARNING, "read.report-date-missing", &w,
				f->report_at.written, NULL,
				f->report_at.written ? "không đọc được ngày báo cáo trong '%s': thiếu ngày, tháng "
				"hoặc năm, hoặc không có ngày như vậy" :
				"không tìm thấy ngày báo cáo%s",
				f->report_at.written ? f->report_at.written : "");
	}
}

void th_locate_header(struct locate *c)
{
	struct lines ls;

	ls.n = header_lines(c->g, &ls.v);
	header_unit(c, &ls);
	header_period(c, &ls);
	header_window(c, &ls);
	header_report_date(c, &ls);
	for (size_t i = 0; i < ls.n; i++)
		free(ls.v[i].text);
	free(ls.v);
}
