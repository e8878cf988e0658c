/*
 * Upward consolidation; see upward.h. A consolidated workbook is read from its metadata
 * sheet into one filing per unit it received, each figure checked against the cell of the
 * form sheet the metadata says shows it, before a single figure is used.
 * SPDX-License-Identifier: MIT
 */
#include "merge/upward.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "base/version.h"
#include "base/banned.h"

/* ---- the format, shared with write/ ---- */

static void fnv(uint64_t *h, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		*h ^= *p;
		*h *= 1099511628211ULL;
	}
	*h ^= 0x1f; /* a separator, so that "1" "23" and "12" "3" differ */
	*h *= 1099511628211ULL;
}

void th_upward_schema_print(const th_schema *s, char out[17])
{
	uint64_t h = 14695981039346656037ULL;
	char buf[64];

	fnv(&h, s->id ? s->id : "");
	for (size_t f = 0; f < s->n_forms; f++) {
		const th_formdef *fd = &s->forms[f];
		fnv(&h, fd->id);
		for (size_t r = 0; r < fd->n_rows; r++) {
			const th_rowdef *rd = &fd->rows[r];
			snprintf(buf, sizeof(buf), "%d %d %d %d", (int)rd->kind, (int)rd->agg, rd->num, rd->den);
			fnv(&h, rd->code);
			fnv(&h, buf);
			for (size_t k = 0; k < rd->n_options; k++) {
				snprintf(buf, sizeof(buf), "%d", rd->options[k].code);
				fnv(&h, buf);
			}
		}
	}
	snprintf(out, 17, "%016" PRIx64, h);
}

void th_upward_value_text(const th_mvalue *v, th_sbuf *out)
{
	switch (v->state) {
	case TH_VAL_NUMBER: th_sbuf_addf(out, "n%.17g", v->num); break;
	case TH_VAL_BLANK: th_sbuf_addc(out, 'b'); break;
	case TH_VAL_DASH: th_sbuf_addf(out, "d%s", v->written ? v->written : ""); break;
	case TH_VAL_UNREADABLE: th_sbuf_addf(out, "u%s", v->written ? v->written : ""); break;
	case TH_VAL_MISSING: break;
	}
}

void th_upward_join(th_sbuf *out, const char *s, bool first)
{
	if (!first)
		th_sbuf_addc(out, '\t');
	for (; *s; s++) {
		if (*s == '\t')
			th_sbuf_adds(out, "\\t");
		else if (*s == '\\')
			th_sbuf_adds(out, "\\\\");
		else
			th_sbuf_addc(out, *s);
	}
}

int th_upward_split(char *s, char **fields, size_t max)
{
	size_t n = 0;
	char *w = s;

	if (!max)
		return -1;
	fields[n++] = s;
	for (const char *p = s; *p; p++) {
		if (*p == '\t') {
			*w++ = '\0';
			if (n == max)
				return -1;
			fields[n++] = w;
		} else if (*p == '\\') {
			p++;
			if (*p != 't' && *p != '\\')
				return -1;
			*w++ = *p == 't' ? '\t' : '\\';
		} else {
			*w++ = *p;
		}
	}
	*w = '\0';
	return (int)n;
}

size_t th_upward_cut(const char *s, size_t n)
{
	size_t at = TH_UP_CELL_BYTES;

	if (n <= at)
		return n;
	/* before an ASCII character: the reader cleans each cell's text (NFC), which must not
	 * join what was cut apart; else at least on a character's first byte */
	for (size_t i = at; i > at - 2000; i--)
		if ((unsigned char)s[i] < 0x80)
			return i;
	while (at > 0 && ((unsigned char)s[at] & 0xC0) == 0x80)
		at--;
	return at;
}

/* ---- the metadata sheet as lines ---- */

struct line {
	const th_gcell *c; /* the row's cells, by column */
	size_t n;
};

/* The text of column col of a line, "" when empty (everything there is written as text). */
static const char *cell_at(const struct line *l, uint16_t col)
{
	for (size_t i = 0; i < l->n && l->c[i].col <= col; i++)
		if (l->c[i].col == col)
			return l->c[i].type == TH_CELL_STRING ? l->c[i].text : "";
	return "";
}

/* The joined text of a line from column col on (a long one goes on in the next cells). A new string. */
static char *joined_at(const struct line *l, uint16_t col)
{
	th_sbuf sb = TH_SBUF_INIT;

	for (size_t i = 0; i < l->n; i++)
		if (l->c[i].col >= col && l->c[i].type == TH_CELL_STRING)
			th_sbuf_adds(&sb, l->c[i].text);
	return th_sbuf_detach(&sb, NULL);
}

int th_upward_sheet(const th_grid *g)
{
	return th_filing_consolidated_sheet(g);
}

/* ---- reading ---- */

struct bunit {
	const char *code, *name, *status, *file, *message;
	const th_unit *unit;   /* this merge's roster unit of the code, NULL when none */
	th_date report;
	bool by_name;
	long *pos;             /* per form: its column (or row), -1 when not shown */
	th_filing *filing;     /* received: its figures */
	th_findings findings;
	size_t n_values;       /* value lines met */
};

struct book {
	const th_merge *m;
	const th_grid *g;
	th_mfile *mf;
	struct line *lines;
	size_t n_lines;
	int *sheet;            /* per form: the grid sheet showing it, -1 when not said */
	bool *by_columns;      /* per form: units are columns */
	long **rowpos;         /* per form, per schema row: its sheet row (or column), -1 */
	struct bunit *units;
	size_t *by_code;       /* the units' indexes sorted by code (for value and finding lines) */
	size_t n_units, n_value_lines, n_findings;
	bool refused;
};

static void refuse(struct book *b, th_fstatus st, const char *rule, const char *sheet, const char *cell,
		   const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* The workbook cannot be used: its status, the message, and the finding that says why. */
static void refuse(struct book *b, th_fstatus st, const char *rule, const char *sheet, const char *cell,
		   const char *fmt, ...)
{
	th_mfile *mf = b->mf;
	char msg[2048];
	th_finding *fd;
	va_list ap;

	if (b->refused)
		return;
	b->refused = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	mf->status = st;
	free(mf->message);
	mf->message = th_xstrdup(msg);
	fd = th_findings_add(&mf->findings, TH_SEV_ERROR, rule, NULL, NULL, NULL, "%s", msg);
	if (sheet && cell) {
		free(fd->sheet);
		fd->sheet = th_xstrdup(sheet);
		snprintf(fd->cell, sizeof(fd->cell), "%s", cell);
	}
}

static void damaged(struct book *b, const char *what)
{
	refuse(b, TH_F_REFUSED, "merge.upward-damaged", NULL, NULL,
	       "dữ liệu kèm theo của sổ tổng hợp (trang ẩn '%s') bị hỏng hoặc đã bị sửa: %s; hãy tổng hợp "
	       "lại từ báo cáo của các xã", TH_UPWARD_SHEET, what);
}

/* A whole number written as text into *out; false when it is none. */
static bool num_of(const char *s, long *out)
{
	char *end;
	long v;

	if (!*s)
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < -1)
		return false;
	*out = v;
	return true;
}

/* A count (of units, lines, findings): a whole number from 0 to a bound no book reaches. */
static bool count_of(const char *s, long *out)
{
	return num_of(s, out) && *out >= 0 && *out <= 100000000L;
}

static bool iso_date(const char *s, th_date *out)
{
	long y, mo, d;
	char *end;

	*out = (th_date){ 0, 0, 0 };
	if (!*s)
		return true;
	y = strtol(s, &end, 10);
	if (*end != '-')
		return false;
	mo = strtol(end + 1, &end, 10);
	if (*end != '-')
		return false;
	d = strtol(end + 1, &end, 10);
	if (*end || y < 1 || y > 9999 || mo < 1 || mo > 12 || d < 1 || d > 31 || !th_date_valid((int)y, (int)mo, (int)d))
		return false;
	*out = (th_date){ (int32_t)y, (uint8_t)mo, (uint8_t)d };
	return true;
}

/* The lines of the metadata sheet: one per row holding a cell, in row order. */
static void load_lines(struct book *b, const th_gsheet *sh)
{
	size_t cap = 0;

	for (size_t i = 0; i < sh->n_cells;) {
		size_t j = i;
		while (j < sh->n_cells && sh->cells[j].row == sh->cells[i].row)
			j++;
		th_grow((void **)&b->lines, &cap, b->n_lines + 1, sizeof(*b->lines));
		b->lines[b->n_lines++] = (struct line){ &sh->cells[i], j - i };
		i = j;
	}
}

/* The first line tagged tag, or NULL. */
static const struct line *tagged(const struct book *b, const char *tag)
{
	for (size_t i = 0; i < b->n_lines; i++)
		if (strcmp(cell_at(&b->lines[i], 0), tag) == 0)
			return &b->lines[i];
	return NULL;
}

/* The header lines: format, schema, period; the book's own description. */
static void read_header(struct book *b)
{
	const th_merge *m = b->m;
	const struct line *first = &b->lines[0], *schema = tagged(b, "schema"), *period = tagged(b, "period");
	const struct line *level = tagged(b, "level"), *roster = tagged(b, "roster"), *rec = tagged(b, "received");
	char print[17], want[TH_PERIOD_LABEL_MAX], got[TH_PERIOD_LABEL_MAX];
	th_period p;
	long n = 0, of = 0;

	if (strcmp(cell_at(first, 1), TH_UPWARD_FORMAT) != 0) {
		refuse(b, TH_F_REFUSED, "merge.upward-format", NULL, NULL,
		       "sổ tổng hợp do tonghop %s ghi theo định dạng %s, phiên bản này (%s) chỉ đọc định "
		       "dạng %s: hãy dùng cùng một phiên bản tonghop", cell_at(first, 2), cell_at(first, 1),
		       TH_VERSION, TH_UPWARD_FORMAT);
		return;
	}
	if (!schema || !period || !level || !roster || !rec || th_period_parse(cell_at(period, 1), &p) ||
	    !count_of(cell_at(rec, 1), &n) || !count_of(cell_at(rec, 2), &of) || n > of) {
		damaged(b, "thiếu dòng mô tả sổ (schema, period, level, roster, received)");
		return;
	}
	b->mf->book = th_xcalloc(1, sizeof(*b->mf->book));
	b->mf->book->level = th_xstrdup(cell_at(level, 1));
	b->mf->book->roster = th_xstrdup(cell_at(roster, 1));
	b->mf->book->received = (size_t)n;
	b->mf->book->expected = (size_t)of;
	th_upward_schema_print(m->schema, print);
	if (strcmp(cell_at(schema, 1), m->schema->id) == 0 && strcmp(cell_at(schema, 2), print) != 0) {
		refuse(b, TH_F_REFUSED, "merge.upward-schema", NULL, NULL,
		       "sổ tổng hợp lập theo một bản khác của biểu mẫu '%s' (các biểu, các dòng hay cách cộng "
		       "khác: dấu %s, bản đang dùng có dấu %s): số liệu không cộng chung được; hãy dùng cùng "
		       "một tệp biểu mẫu với nơi lập sổ", m->schema->id, cell_at(schema, 2), print);
		return;
	}
	if (strcmp(cell_at(schema, 1), m->schema->id) != 0) {
		refuse(b, TH_F_REFUSED, "merge.upward-schema", NULL, NULL,
		       "sổ tổng hợp lập theo biểu mẫu '%s' (dấu %s), không phải biểu mẫu '%s' (dấu %s) đang "
		       "dùng: số liệu của hai bộ biểu mẫu khác nhau không cộng chung được", cell_at(schema, 1),
		       cell_at(schema, 2), m->schema->id, print);
		return;
	}
	if (p.kind != m->period.kind || p.year != m->period.year || p.n != m->period.n) {
		th_period_label_vi(p, got, sizeof(got));
		th_period_label_vi(m->period, want, sizeof(want));
		refuse(b, TH_F_WRONG_PERIOD, "merge.upward-period", NULL, NULL,
		       "sổ tổng hợp %s của %s, không phải %s", got, b->mf->book->roster, want);
	}
}

/* A form line: which sheet shows the form, which way, and where each of its rows is. */
static void read_form(struct book *b, const struct line *l)
{
	const th_schema *s = b->m->schema;
	const char *id = cell_at(l, 1), *sheet = cell_at(l, 2), *axis = cell_at(l, 3);
	int f = -1;

	for (size_t i = 0; i < s->n_forms; i++)
		if (strcmp(s->forms[i].id, id) == 0)
			f = (int)i;
	if (f < 0 || b->sheet[f] >= 0 || (strcmp(axis, "columns") != 0 && strcmp(axis, "rows") != 0)) {
		damaged(b, "dòng 'form' không hợp lệ");
		return;
	}
	for (size_t i = 0; i < b->g->n_sheets; i++)
		if (strcmp(b->g->sheets[i].name, sheet) == 0)
			b->sheet[f] = (int)i;
	if (b->sheet[f] < 0) {
		refuse(b, TH_F_REFUSED, "merge.upward-edited", NULL, NULL,
		       "sổ tổng hợp không còn trang '%s' (biểu %s): sổ đã bị sửa sau khi tonghop ghi; hãy "
		       "tổng hợp lại từ báo cáo của các xã", sheet, id);
		return;
	}
	b->by_columns[f] = strcmp(axis, "columns") == 0;
	for (size_t r = 0; r < s->forms[f].n_rows; r++) {
		const char *t = cell_at(l, (uint16_t)(TH_UP_FORM_POS + r));
		if (*t && !num_of(t, &b->rowpos[f][r]))
			damaged(b, "vị trí dòng không hợp lệ");
	}
}

static void read_unit(struct book *b, const struct line *l)
{
	const th_schema *s = b->m->schema;
	struct bunit *u = &b->units[b->n_units++];

	u->code = cell_at(l, TH_UP_U_CODE);
	u->name = cell_at(l, TH_UP_U_NAME);
	u->status = cell_at(l, TH_UP_U_STATUS);
	u->file = cell_at(l, TH_UP_U_FILE);
	u->message = cell_at(l, TH_UP_U_MESSAGE);
	u->by_name = strcmp(cell_at(l, TH_UP_U_BYNAME), "1") == 0;
	u->unit = th_roster_by_code(b->m->roster, u->code);
	u->pos = th_xcalloc(s->n_forms + 1, sizeof(*u->pos));
	if (!*u->code || (strcmp(u->status, "received") != 0 && strcmp(u->status, "unreadable") != 0 &&
			  strcmp(u->status, "missing") != 0) ||
	    !iso_date(cell_at(l, TH_UP_U_DATE), &u->report)) {
		damaged(b, "dòng 'unit' không hợp lệ");
		return;
	}
	for (size_t f = 0; f < s->n_forms; f++) {
		const char *t = cell_at(l, (uint16_t)(TH_UP_U_POS + f));
		u->pos[f] = -1;
		if (*t && !num_of(t, &u->pos[f]))
			damaged(b, "vị trí đơn vị không hợp lệ");
	}
	if (strcmp(u->status, "received") == 0) {
		u->filing = th_filing_new(*u->file ? u->file : b->mf->path, s);
		u->filing->unit = u->unit;
		u->filing->period = b->m->period;
		u->filing->report_date = u->report;
	}
}

/* qsort has no user data: the book being indexed, per thread (books are read on several) */
static _Thread_local const struct book *tl_book;

static int by_code_cmp(const void *a, const void *b)
{
	return strcmp(tl_book->units[*(const size_t *)a].code, tl_book->units[*(const size_t *)b].code);
}

/* The units sorted by code; false (the book damaged) when a code comes twice. */
static bool index_units(struct book *b)
{
	b->by_code = th_xcalloc(b->n_units + 1, sizeof(*b->by_code));
	for (size_t i = 0; i < b->n_units; i++)
		b->by_code[i] = i;
	tl_book = b;
	qsort(b->by_code, b->n_units, sizeof(*b->by_code), by_code_cmp);
	for (size_t i = 1; i < b->n_units; i++)
		if (strcmp(b->units[b->by_code[i - 1]].code, b->units[b->by_code[i]].code) == 0) {
			damaged(b, "một đơn vị có hai dòng 'unit'");
			return false;
		}
	return true;
}

static int code_key_cmp(const void *key, const void *elem)
{
	return strcmp(key, tl_book->units[*(const size_t *)elem].code);
}

/* The unit of code, by binary search in by_code (a book may hold tens of thousands of lines). */
static struct bunit *unit_of(struct book *b, const char *code)
{
	const size_t *i;

	tl_book = b;
	i = bsearch(code, b->by_code, b->n_units, sizeof(*b->by_code), code_key_cmp);
	return i ? &b->units[*i] : NULL;
}

/* A value cell decoded into v; false when it is no value text. */
static bool decode_value(const char *t, th_value *v)
{
	char *end;

	free(v->written);
	v->written = NULL;
	switch (t[0]) {
	case '\0': v->state = TH_VAL_MISSING; break;
	case 'b': v->state = t[1] ? TH_VAL_MISSING : TH_VAL_BLANK; break;
	case 'd': v->state = TH_VAL_DASH; v->written = th_xstrdup(t + 1); break;
	case 'u': v->state = TH_VAL_UNREADABLE; v->written = th_xstrdup(t + 1); break;
	case 'n':
		errno = 0;
		v->num = strtod(t + 1, &end);
		if (errno || end == t + 1 || *end || !isfinite(v->num))
			return false;
		v->state = TH_VAL_NUMBER;
		v->written = th_xstrdup(t + 1);
		break;
	default: return false;
	}
	if (!v->written)
		v->written = th_xstrdup("");
	return !(t[0] == 'b' && t[1]);
}

static void read_values(struct book *b, const struct line *l)
{
	const th_schema *s = b->m->schema;
	struct bunit *u = unit_of(b, cell_at(l, 1));
	int f = -1;

	for (size_t i = 0; i < s->n_forms; i++)
		if (strcmp(s->forms[i].id, cell_at(l, 2)) == 0)
			f = (int)i;
	b->n_value_lines++;
	if (!u || !u->filing || f < 0) {
		damaged(b, "dòng 'value' của một đơn vị hay biểu không có");
		return;
	}
	u->n_values++;
	{
		size_t nr = s->forms[f].n_rows;
		char *text = joined_at(l, TH_UP_VALUE_POS), **v = th_xcalloc(nr + 1, sizeof(*v));
		bool ok = th_upward_split(text, v, nr) == (int)nr;
		for (size_t r = 0; ok && r < nr; r++)
			ok = decode_value(v[r], &u->filing->values[f][r]);
		if (!ok)
			damaged(b, "giá trị không hợp lệ");
		free(v);
		free(text);
	}
}

static void read_finding(struct book *b, const struct line *l)
{
	struct bunit *u = unit_of(b, cell_at(l, 1));
	char *text = joined_at(l, TH_UP_FINDING_POS), *v[TH_UP_F_COUNT];
	const char *sev;
	th_severity sv;
	th_finding *fd;
	th_where w;
	long more = 0;

	b->n_findings++;
	if (!u || th_upward_split(text, v, TH_UP_F_COUNT) != TH_UP_F_COUNT ||
	    (strcmp(v[TH_UP_F_SEV], "error") && strcmp(v[TH_UP_F_SEV], "warning") && strcmp(v[TH_UP_F_SEV], "info")) ||
	    strlen(v[TH_UP_F_CELL]) >= TH_CELLREF_MAX || (*v[TH_UP_F_MORE] && !count_of(v[TH_UP_F_MORE], &more))) {
		damaged(b, "dòng 'finding' không hợp lệ");
		free(text);
		return;
	}
	sev = v[TH_UP_F_SEV];
	sv = strcmp(sev, "error") == 0 ? TH_SEV_ERROR : strcmp(sev, "warning") == 0 ? TH_SEV_WARNING : TH_SEV_INFO;
	w = (th_where){ v[TH_UP_F_FORM], v[TH_UP_F_ROW], NULL, 0, 0 };
	fd = th_findings_add(&u->findings, sv, v[TH_UP_F_RULE], &w, v[TH_UP_F_WRITTEN], v[TH_UP_F_EXPECTED], "%s",
			     v[TH_UP_F_MESSAGE]);
	free(fd->sheet);
	fd->sheet = th_xstrdup(v[TH_UP_F_SHEET]);
	snprintf(fd->cell, sizeof(fd->cell), "%s", v[TH_UP_F_CELL]);
	fd->more = (size_t)(more > 0 ? more : 0);
	free(text);
}

/* Every line after the header, then the counts of the end line. */
static void read_body(struct book *b)
{
	const th_schema *s = b->m->schema;
	const struct line *end = NULL;
	size_t n_unit_lines = 0, got = 0;
	long nu = 0, nv = 0, nf = 0;

	for (size_t i = 0; i < b->n_lines; i++)
		n_unit_lines += strcmp(cell_at(&b->lines[i], 0), "unit") == 0;
	b->units = th_xcalloc(n_unit_lines + 1, sizeof(*b->units));
	/* the forms and units first, then their values and findings (by code, indexed) */
	for (size_t i = 1; i < b->n_lines && !b->refused; i++) {
		const struct line *l = &b->lines[i];
		const char *tag = cell_at(l, 0);
		if (end) {
			damaged(b, "có dòng sau dòng 'end'");
		} else if (strcmp(tag, "form") == 0) {
			read_form(b, l);
		} else if (strcmp(tag, "unit") == 0) {
			read_unit(b, l);
		} else if (strcmp(tag, "end") == 0) {
			end = l;
		}
	}
	if (b->refused || !index_units(b))
		return;
	for (size_t i = 1; i < b->n_lines && !b->refused; i++) {
		const struct line *l = &b->lines[i];
		const char *tag = cell_at(l, 0);
		if (strcmp(tag, "value") == 0)
			read_values(b, l);
		else if (strcmp(tag, "finding") == 0)
			read_finding(b, l);
	}
	if (b->refused)
		return;
	if (!end || !count_of(cell_at(end, 1), &nu) || !count_of(cell_at(end, 2), &nv) || !count_of(cell_at(end, 3), &nf) ||
	    (size_t)nu != b->n_units || (size_t)nv != b->n_value_lines || (size_t)nf != b->n_findings) {
		damaged(b, "số dòng không khớp với dòng 'end' (trang bị cắt bớt hay thêm vào)");
		return;
	}
	for (size_t f = 0; f < s->n_forms; f++)
		if (b->sheet[f] < 0) {
			damaged(b, "thiếu dòng 'form' của một biểu");
			return;
		}
	for (size_t i = 0; i < b->n_units; i++)
		if (b->units[i].filing && b->units[i].n_values != s->n_forms) {
			damaged(b, "thiếu dòng 'value' của một đơn vị");
			return;
		}
	/* the header's counts are those of the unit lines (every unit of the roster, a line each) */
	for (size_t i = 0; i < b->n_units; i++)
		got += b->units[i].filing != NULL;
	if (got != b->mf->book->received || b->n_units != b->mf->book->expected)
		damaged(b, "số đơn vị ở dòng 'received' không khớp với các dòng 'unit'");
}

/* ---- every figure against its cell ---- */

static void add_num(th_sbuf *sb, double v)
{
	char buf[64];

	th_vn_format(v, -1, true, buf, sizeof(buf));
	th_sbuf_adds(sb, buf);
}

/* What a cell shows, for a message: "15", "98,17", "'-'", "(trống)". */
static void shown(th_sbuf *sb, const th_gcell *c)
{
	if (!c || (c->type == TH_CELL_STRING && !c->text[0]))
		th_sbuf_adds(sb, "(trống)");
	else if (c->type == TH_CELL_NUMBER)
		add_num(sb, c->num);
	else
		th_sbuf_addf(sb, "'%s'", c->text);
}

/*
 * Does cell c show v? A number to 15 significant digits (the writer keeps 16, a spreadsheet
 * that saves the book again may keep 15), a dash or an unread text as its text, a blank or a
 * missing row as nothing.
 */
static bool shows(const th_gcell *c, const th_value *v)
{
	switch (v ? v->state : TH_VAL_MISSING) {
	case TH_VAL_NUMBER:
		/* to 15 significant digits, as spreadsheets keep numbers: LibreOffice saves the
		 * 99.66000000000001 a ratio gives as 99.66 (rounding to 15 digits moves a number by
		 * at most 5e-15 of itself), and that is no edit */
		if (!c || c->type != TH_CELL_NUMBER)
			return false;
		return c->num == v->num || fabs(c->num - v->num) <= 1e-14 * fmax(fabs(c->num), fabs(v->num));
	case TH_VAL_DASH:
	case TH_VAL_UNREADABLE:
		/* a text past a cell's limit is shown cut (write/wb.h), kept whole here */
		return c && c->type == TH_CELL_STRING &&
		       (strcmp(c->text, v->written) == 0 ||
			(strlen(c->text) >= TH_UP_CELL_BYTES && strncmp(c->text, v->written, strlen(c->text)) == 0));
	case TH_VAL_BLANK:
	case TH_VAL_MISSING:
		return !c || (c->type == TH_CELL_STRING && !c->text[0]);
	}
	return false;
}

/* Unit u's figures on form f, each against the cell the metadata places it in. */
static void cross_form(struct book *b, const struct bunit *u, size_t f)
{
	const th_formdef *fd = &b->m->schema->forms[f];
	const th_gsheet *sh = &b->g->sheets[b->sheet[f]];

	for (size_t r = 0; r < fd->n_rows && !b->refused; r++) {
		const th_value *v = u->filing ? &u->filing->values[f][r] : NULL;
		long rp = b->rowpos[f][r], up = u->pos[f];
		uint32_t row = (uint32_t)(b->by_columns[f] ? rp : up);
		uint16_t col = (uint16_t)(b->by_columns[f] ? up : rp);
		const th_gcell *c;
		char ref[TH_CELLREF_MAX];
		th_sbuf a = TH_SBUF_INIT, want = TH_SBUF_INIT;

		if (rp < 0 || up < 0 || (b->by_columns[f] ? up : rp) >= (long)TH_MAX_COLS ||
		    (b->by_columns[f] ? rp : up) >= (long)TH_MAX_ROWS) {
			if (v && v->state != TH_VAL_MISSING)
				damaged(b, "một số liệu không có ô nào hiện nó");
			continue;
		}
		c = th_grid_at(sh, row, col);
		if (shows(c, v))
			continue;
		th_cellref(row, col, ref);
		shown(&a, c);
		if (v && v->state == TH_VAL_NUMBER)
			add_num(&want, v->num);
		else if (v && (v->state == TH_VAL_DASH || v->state == TH_VAL_UNREADABLE))
			th_sbuf_addf(&want, "'%s'", v->written);
		else
			th_sbuf_adds(&want, "(trống)");
		refuse(b, TH_F_REFUSED, "merge.upward-edited", sh->name, ref,
		       "sổ tổng hợp đã bị sửa sau khi tonghop ghi: ô %s!%s (%s, %s dòng %s) ghi %s, còn dữ liệu "
		       "kèm theo của sổ ghi %s; không dùng sổ này: hãy sửa báo cáo của xã rồi tổng hợp lại, "
		       "đừng sửa tay sổ tổng hợp", sh->name, ref, u->name, fd->id, fd->rows[r].code, a.buf, want.buf);
		th_sbuf_release(&a);
		th_sbuf_release(&want);
	}
}

/* ---- the parts ---- */

static void make_parts(struct book *b)
{
	th_mfile *mf = b->mf;
	size_t n = 0, known = 0;

	mf->parts = th_xcalloc(b->n_units + 1, sizeof(*mf->parts));
	for (size_t i = 0; i < b->n_units; i++) {
		struct bunit *u = &b->units[i];
		th_mfile *p;
		if (strcmp(u->status, "missing") == 0)
			continue;
		p = &mf->parts[n++];
		p->path = th_xstrdup(*u->file ? u->file : mf->path);
		p->within = -1;
		p->unit = u->unit;
		p->report_date = u->report;
		known += u->unit != NULL;
		if (!u->unit) {
			th_sbuf sb = TH_SBUF_INIT;
			th_sbuf_addf(&sb, "mã đơn vị %s (%s) của sổ tổng hợp %s không có trong danh sách %s",
				     u->code, u->name, mf->book->roster, b->m->roster->name);
			p->status = TH_F_UNKNOWN_UNIT;
			p->message = th_sbuf_detach(&sb, NULL);
		} else if (u->filing) {
			/* its figures kept as a return's are (th_mvalue), the filing let go with the book */
			p->status = TH_F_USED;
			p->message = th_xstrdup("");
			th_merge_keep_file(b->m, p, u->filing);
			p->findings = u->findings;
			memset(&u->findings, 0, sizeof(u->findings));
		} else {
			p->status = TH_F_UNREADABLE;
			p->unit_by_name = u->by_name;
			p->message = th_xstrdup(u->message);
		}
	}
	mf->n_parts = n;
	mf->status = n && !known ? TH_F_UNKNOWN_UNIT : TH_F_USED;
	free(mf->message);
	if (mf->status == TH_F_UNKNOWN_UNIT) {
		th_sbuf sb = TH_SBUF_INIT;
		th_sbuf_addf(&sb, "không đơn vị nào của sổ tổng hợp %s có trong danh sách %s", mf->book->roster,
			     b->m->roster->name);
		mf->message = th_sbuf_detach(&sb, NULL);
	} else {
		mf->message = th_xstrdup("");
	}
}

static void book_release(struct book *b)
{
	const th_schema *s = b->m->schema;

	for (size_t i = 0; i < b->n_units; i++) {
		free(b->units[i].pos);
		th_filing_free(b->units[i].filing);
		th_findings_release(&b->units[i].findings);
	}
	free(b->units);
	free(b->by_code);
	for (size_t f = 0; f < s->n_forms; f++)
		free(b->rowpos[f]);
	free(b->rowpos);
	free(b->sheet);
	free(b->by_columns);
	free(b->lines);
}

bool th_upward_own(const th_merge *m, const th_grid *g, int sheet)
{
	const th_gsheet *sh = &g->sheets[sheet];

	/* the roster line is among the first (upward.h) */
	for (uint32_t r = 0; r < 16; r++) {
		const th_gcell *t = th_grid_at(sh, r, 0), *name = th_grid_at(sh, r, 1), *code = th_grid_at(sh, r, 2);
		if (!t || t->type != TH_CELL_STRING || strcmp(t->text, "roster") != 0)
			continue;
		return name && name->type == TH_CELL_STRING && strcmp(name->text, m->roster->name ? m->roster->name : "") == 0 &&
		       strcmp(code && code->type == TH_CELL_STRING ? code->text : "", m->roster->code ? m->roster->code : "") == 0;
	}
	return false;
}

void th_upward_read(const th_merge *m, const th_grid *g, int sheet, th_mfile *mf)
{
	const th_schema *s = m->schema;
	struct book b = { .m = m, .g = g, .mf = mf };

	b.sheet = th_xcalloc(s->n_forms + 1, sizeof(*b.sheet));
	b.by_columns = th_xcalloc(s->n_forms + 1, sizeof(*b.by_columns));
	b.rowpos = th_xcalloc(s->n_forms + 1, sizeof(*b.rowpos));
	for (size_t f = 0; f < s->n_forms; f++) {
		b.sheet[f] = -1;
		b.rowpos[f] = th_xcalloc(s->forms[f].n_rows + 1, sizeof(**b.rowpos));
		for (size_t r = 0; r < s->forms[f].n_rows; r++)
			b.rowpos[f][r] = -1;
	}
	load_lines(&b, &g->sheets[sheet]);
	read_header(&b);
	if (!b.refused)
		read_body(&b);
	for (size_t i = 0; i < b.n_units && !b.refused; i++)
		for (size_t f = 0; f < s->n_forms && !b.refused; f++)
			cross_form(&b, &b.units[i], f);
	if (!b.refused)
		make_parts(&b);
	book_release(&b);
}
