/*
 * Finding the forms of a return (filing_read.h): by their title ("Biểu mẫu 3", "BM3",
 * "Bieu mau 03", "BIỂU MẪU 3: …", or the form's name alone, "III. CẢI CÁCH THỦ TỤC HÀNH
 * CHÍNH" included) in the cells or in the sheet name, whatever the layout (a sheet per
 * form, all stacked in one sheet, split over sheets, the header block apart). A form goes
 * on past a page break, on a sheet named after it ("Biểu mẫu 3 (tiếp)") and on a sheet
 * that holds its next rows alone: each is a part of it. A hidden sheet is read only for a
 * form no visible sheet holds.
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/sbuf.h"
#include "base/text.h"
#include "model/filing_read.h"
#include "base/banned.h"

/* ---- small text helpers ---- */

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * Is key (ascii key of a cell or a sheet name) a form title "bieu mau 3", "bm3",
 * "bieu mau so 03", "bieu 3"? Returns the form number, 0 when not.
 */
static int title_number(const char *key)
{
	static const char *const prefixes[] = { "bieu mau", "bieumau", "bm", "bieu" };
	const char *p = NULL;
	long n;
	char *end;

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]) && !p; i++)
		if (starts(key, prefixes[i]))
			p = key + strlen(prefixes[i]);
	if (!p)
		return 0;
	while (*p == ' ' || *p == '.' || *p == '_' || *p == '-')
		p++;
	if (starts(p, "so "))
		p += 3;
	if (!isdigit((unsigned char)*p))
		return 0;
	n = strtol(p, &end, 10);
	if (n < 1 || n > 99 || isdigit((unsigned char)*end))
		return 0;
	/* a title is short: "Biểu mẫu 1", "BIỂU MẪU 1 - CÔNG TÁC CHỈ ĐẠO …"; a sentence that
	 * begins with it ("Biểu mẫu 1 dòng 2.1: số được gõ …", a message) is not one */
	if (strlen(end) > 80)
		return 0;
	/* "bm1", "bieu mau 1 - ...", "bieu mau 1: ..." but not "bm12a3" */
	if (*end && *end != ' ' && *end != '.' && *end != ':' && *end != '-' && *end != '(' && *end != ',')
		return 0;
	return (int)n;
}

bool th_locate_feedback_sheet(const char *key)
{
	const char *p = key + 3;

	if (!starts(key, "loi"))
		return false;
	if (!*p)
		return true;
	if (!starts(p, " (") || !isdigit((unsigned char)p[2]))
		return false;
	for (p += 2; isdigit((unsigned char)*p); p++)
		;
	return p[0] == ')' && !p[1];
}

/* ---- titles ---- */

struct title {
	int number, sheet;
	uint32_t row;
	uint16_t col;
	bool hidden; /* on a hidden sheet */
	bool numbered; /* "Biểu mẫu N", not the form's name alone */
};

/* Visible sheets first (a hidden sheet is most often an old copy kept aside), then sheet
 * order, then row. */
static int title_cmp(const void *a, const void *b)
{
	const struct title *p = a, *q = b;

	if (p->hidden != q->hidden)
		return p->hidden ? 1 : -1;
	if (p->sheet != q->sheet)
		return p->sheet < q->sheet ? -1 : 1;
	if (p->row != q->row)
		return p->row < q->row ? -1 : 1;
	return p->col < q->col ? -1 : p->col > q->col;
}

/* Is the title of form n in sheet s at row a name under its numbered title, found among the
 * titles t[0..nt) (the name "CÔNG TÁC …" under "Biểu mẫu 1": on its row or the row below
 * whatever the column, a name centred by hand or the number in the top-right corner; up to
 * three rows below in the same columns, when forms stand side by side)? */
static bool under_own_title(const struct title *t, size_t nt, int s, int n, uint32_t row, uint16_t col)
{
	for (size_t i = nt; i-- > 0 && t[i].sheet == s && row - t[i].row <= 3;)
		if (t[i].number == n && (row - t[i].row <= 1 || (col + 3 >= t[i].col && col <= t[i].col + 3)))
			return true;
	return false;
}

/* key without a leading heading number ("iii. ", "3. ", "phan i - ") and a trailing
 * "(tiep)" / "(tiep theo)": what is left to compare with a form's name. Owned by the caller. */
static char *bare_heading(const char *key)
{
	const char *p = key, *q;
	size_t n;

	if (starts(p, "phan ") || starts(p, "muc "))
		p = strchr(p, ' ') + 1;
	q = p;
	while (*q && (isdigit((unsigned char)*q) || strchr("ivx", *q)))
		q++;
	if (q > p && q - p <= 5 && (*q == '.' || *q == ')' || *q == '-' || *q == ':' || *q == ' ')) {
		while (*q == '.' || *q == ')' || *q == '-' || *q == ':' || *q == ' ')
			q++;
		p = q;
	}
	n = strlen(p);
	for (const char *tail = strstr(p, "(tiep"); tail; tail = NULL)
		n = (size_t)(tail - p);
	while (n && p[n - 1] == ' ')
		n--;
	return th_xstrndup(p, n);
}

/* The form number a cell titles: "Biểu mẫu N…", or a form's name as a heading; 0 when none. */
static int cell_title(const struct locate *c, char *const *names, const th_gcell *cell)
{
	int n = cell->type == TH_CELL_STRING ? title_number(cell->key) : 0;
	char *bare;

	if (n || cell->type != TH_CELL_STRING || strlen(cell->key) > 160)
		return n;
	bare = bare_heading(cell->key);
	for (size_t f = 0; f < c->schema->n_forms; f++)
		if (*names[f] && strcmp(names[f], bare) == 0)
			n = c->schema->forms[f].number;
	free(bare);
	return n;
}

/* Every title in the cells, sorted (title_cmp). */
static struct title *find_titles(const struct locate *c, size_t *nt)
{
	const th_grid *g = c->g;
	struct title *t = NULL;
	size_t cap = 0;
	char **names = th_xcalloc(c->schema->n_forms + 1, sizeof(*names));

	*nt = 0;
	for (size_t i = 0; i < c->schema->n_forms; i++)
		names[i] = th_text_key_ascii(c->schema->forms[i].name, strlen(c->schema->forms[i].name));
	for (size_t s = 0; s < g->n_sheets; s++) {
		const th_gsheet *sh = &g->sheets[s];
		if (th_locate_feedback_sheet(sh->key))
			continue; /* the "Lỗi" sheet of a feedback names forms in its messages */
		for (size_t k = 0; k < sh->n_cells; k++) {
			int n = cell_title(c, names, &sh->cells[k]);
			bool numbered = n && title_number(sh->cells[k].key);
			/* a name under its numbered title ("Biểu mẫu 1" / "CÔNG TÁC …") is the same
			 * title; "Biểu mẫu 1" again is a copy */
			if (!n || (!numbered && under_own_title(t, *nt, (int)s, n, sh->cells[k].row, sh->cells[k].col)))
				continue;
			th_grow((void **)&t, &cap, *nt + 1, sizeof(*t));
			t[*nt] = (struct title){ n, (int)s, sh->cells[k].row, sh->cells[k].col,
						 sh->state != TH_SHEET_VISIBLE, numbered };
			(*nt)++;
		}
	}
	for (size_t i = 0; i < c->schema->n_forms; i++)
		free(names[i]);
	free(names);
	if (*nt > 1)
		qsort(t, *nt, sizeof(*t), title_cmp);
	return t;
}

/* ---- parts ---- */

static int form_index(const struct locate *c, int number)
{
	for (size_t f = 0; f < c->schema->n_forms; f++)
		if (c->schema->forms[f].number == number)
			return (int)f;
	return -1;
}

static void add_part(struct region *r, int sheet, uint32_t first, uint32_t last, uint32_t title_row, uint16_t c1,
		     uint16_t c2)
{
	if (!r->n_parts) {
		r->sheet = sheet;
		r->title_row = title_row;
	}
	th_grow((void **)&r->parts, &r->cap_parts, r->n_parts + 1, sizeof(*r->parts));
	r->parts[r->n_parts++] = (struct part){ sheet, first, last, c1, c2 };
}

/* Do titles a and b stand beside each other: on one sheet, within two rows (a title of two
 * lines beside one of three), columns apart, of different forms or two numbered copies of
 * one ("Biểu mẫu 1" twice)? A form's name beside its own number is its title, not a copy. */
static bool beside(const struct title *a, const struct title *b)
{
	uint32_t dr = a->row > b->row ? a->row - b->row : b->row - a->row;

	if (a->number == b->number && !(a->numbered && b->numbered))
		return false;
	return a != b && a->sheet == b->sheet && dr <= 2 && (a->col >= b->col + 3 || b->col >= a->col + 3);
}

/* The titles that may stand beside t[i]: t[*lo..*hi), those of its sheet within two rows
 * (the titles are sorted by sheet and row). */
static void near_titles(const struct title *t, size_t nt, size_t i, size_t *lo, size_t *hi)
{
	size_t a = i, b = i + 1;

	while (a > 0 && t[a - 1].sheet == t[i].sheet && t[a - 1].hidden == t[i].hidden && t[i].row - t[a - 1].row <= 2)
		a--;
	while (b < nt && t[b].sheet == t[i].sheet && t[b].hidden == t[i].hidden && t[b].row - t[i].row <= 2)
		b++;
	*lo = a;
	*hi = b;
}

/* The columns of title t[i]'s form: from its title to before the nearest title beside it to
 * its right (forms side by side, or two copies of one), else to the sheet's end. */
static uint16_t right_edge(const struct title *t, size_t nt, size_t i)
{
	uint16_t edge = UINT16_MAX;
	size_t lo, hi;

	near_titles(t, nt, i, &lo, &hi);
	for (size_t j = lo; j < hi; j++)
		if (beside(&t[i], &t[j]) && t[j].col > t[i].col && t[j].col - 1 < edge)
			edge = (uint16_t)(t[j].col - 1);
	return edge;
}

/* Does a title beside t[i] stand to its left? */
static bool left_neighbour(const struct title *t, size_t nt, size_t i)
{
	size_t lo, hi;

	near_titles(t, nt, i, &lo, &hi);
	for (size_t j = lo; j < hi; j++)
		if (beside(&t[i], &t[j]) && t[j].col < t[i].col)
			return true;
	return false;
}

/* The row where the part of title t[i] (its columns c1..c2) ends: before the next title of
 * another form below it whose column falls within them. */
static uint32_t part_end(const th_gsheet *sh, const struct title *t, size_t nt, size_t i, uint16_t c1, uint16_t c2)
{
	for (size_t j = i + 1; j < nt && t[j].sheet == t[i].sheet; j++)
		if (t[j].number != t[i].number && t[j].row > t[i].row && t[j].col >= c1 && t[j].col <= c2)
			return t[j].row - 1;
	return sh->n_rows ? sh->n_rows - 1 : 0;
}

/* Is the row's code (column A, or B) a row of form fi, and its label (after the code, or
 * in the next column) the schema's? */
static bool row_of_form(const struct locate *c, const th_gsheet *sh, uint32_t row, size_t fi)
{
	for (uint16_t col = 0; col < 2; col++) {
		const th_gcell *cc = th_grid_at(sh, row, col), *lc = th_grid_at(sh, row, (uint16_t)(col + 1));
		char code[32], numbuf[32];
		const char *rest = cc ? th_locate_cell_code(cc, code, sizeof(code), numbuf, sizeof(numbuf)) : NULL;
		int ri;
		if (!rest)
			continue;
		ri = th_form_row(&c->schema->forms[fi], code);
		if (ri < 0)
			return false;
		if (!*rest && lc && lc->type == TH_CELL_STRING)
			rest = lc->text;
		return th_locate_label_like(rest, &c->schema->forms[fi].rows[ri]);
	}
	return false;
}

/* Do rows first..last of sheet hold rows of form fi, labelled as its rows (at least one,
 * and as many as rows of no form)? A table of another kind (a register numbered 1, 2, 3)
 * does not. */
static bool rows_fit(const struct locate *c, int sheet, uint32_t first, uint32_t last, size_t fi)
{
	const th_gsheet *sh = &c->g->sheets[sheet];
	size_t in = 0, out = 0;

	for (uint32_t row = first; row <= last && row < sh->n_rows; row++) {
		if (!th_locate_data_row(sh, row))
			continue;
		if (row_of_form(c, sh, row, fi))
			in++;
		else
			out++;
	}
	return in > 0 && in >= out;
}

/* The hidden copy of a form read nowhere: said once per form. */
static void hidden_copy(struct locate *c, const struct region *r, size_t fi, const struct title *t)
{
	const th_formdef *fd = &c->schema->forms[fi];
	th_where w = where(c, fd->id, NULL, t->sheet, t->row, 0);

	th_findings_add(&c->f->findings, TH_SEV_WARNING, "read.form-twice", &w, NULL, NULL,
			"%s có thêm một bản ở trang tính ẩn '%s'; chỉ đọc bản đang hiện (trang '%s' hàng %lu)",
			fd->title, c->g->sheets[t->sheet].name, c->g->sheets[r->sheet].name,
			(unsigned long)r->title_row + 1);
}

/* Is title t[i] (its part c1..c2) the same form's title again inside a part begun above
 * it ("Biểu mẫu 1 (tiếp theo)" after a page break): an earlier title of its form, on a row
 * above, with no title of another form in c1..c2 on a row between them? */
static bool repeated(const struct title *t, size_t i, uint16_t c1, uint16_t c2)
{
	bool blocked = false;
	uint32_t block = 0;

	for (size_t j = i; j-- > 0 && t[j].sheet == t[i].sheet && t[j].hidden == t[i].hidden;) {
		if (t[j].number != t[i].number) {
			if (!blocked && t[j].col >= c1 && t[j].col <= c2) {
				blocked = true; /* the nearest above: the highest row of those between */
				block = t[j].row;
			}
			continue;
		}
		if (t[j].row < t[i].row)
			return !blocked || block <= t[j].row;
	}
	return false;
}

/* The parts of one sheet: rows before its first title continuing the form read last (or
 * the form the sheet is named after), then each title to the next of another form. *last
 * is the form read last (-1: none), updated. */
static void sheet_parts(struct locate *c, struct region *reg, int s, const struct title *t, size_t nt, int *last,
			int hidden)
{
	const th_gsheet *sh = &c->g->sheets[s];
	size_t i = 0;
	uint32_t top;
	int named = form_index(c, title_number(sh->key));

	while (i < nt && t[i].sheet != s)
		i++;
	top = i < nt ? t[i].row : sh->n_rows;
	/* a sheet named after a form with no title of it inside: the rows above the first title */
	for (size_t j = i; named >= 0 && j < nt && t[j].sheet == s; j++)
		if (form_index(c, t[j].number) == named)
			named = -1;
	if (named >= 0 && top > 0 && !(hidden && reg[named].n_parts)) {
		add_part(&reg[named], s, 0, top - 1, 0, 0, UINT16_MAX);
		*last = named;
	} else if (!hidden && top > 0 && *last >= 0 && rows_fit(c, s, 0, top - 1, (size_t)*last)) {
		add_part(&reg[*last], s, 0, top - 1, 0, 0, UINT16_MAX); /* the next rows of the form before, alone */
	}
	for (; i < nt && t[i].sheet == s; i++) {
		int fi = form_index(c, t[i].number);
		/* forms side by side: a title with another form's on its row to its right (or
		 * left) holds the columns up to it (from its own); else the whole width */
		uint16_t c1 = left_neighbour(t, nt, i) ? t[i].col : 0, c2 = right_edge(t, nt, i);
		uint32_t end;
		/* the part runs to the next title of another form in its columns: the same form's
		 * title again ("Biểu mẫu 1 (tiếp theo)" after a page break) is inside it */
		if (fi < 0 || repeated(t, i, c1, c2))
			continue; /* a repeated title within the part before */
		end = part_end(sh, t, nt, i, c1, c2);
		if (hidden && reg[fi].n_parts) {
			if (!reg[fi].hidden_said++)
				hidden_copy(c, &reg[fi], (size_t)fi, &t[i]);
		} else {
			add_part(&reg[fi], s, t[i].row, end, t[i].row, c1, c2);
			*last = fi;
		}
	}
}

void th_locate_regions(struct locate *c, struct region *reg)
{
	const th_grid *g = c->g;
	size_t nt;
	struct title *t = find_titles(c, &nt);
	int last = -1;

	for (size_t i = 0; i < c->schema->n_forms; i++)
		reg[i].sheet = -1;
	/* visible sheets first; a hidden one only for a form no visible sheet holds */
	for (int hidden = 0; hidden < 2; hidden++) {
		last = -1;
		for (size_t s = 0; s < g->n_sheets; s++)
			if ((g->sheets[s].state != TH_SHEET_VISIBLE) == hidden && strcmp(g->sheets[s].key, "loi") != 0)
				sheet_parts(c, reg, (int)s, t, nt, &last, hidden);
	}
	free(t);
}

void th_locate_regions_release(struct region *reg, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(reg[i].parts);
	free(reg);
}
