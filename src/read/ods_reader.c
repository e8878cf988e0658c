/*
 * The OpenDocument spreadsheet (.ods) backend (book.h). content.xml holds every sheet; it
 * is streamed through the .xlsx reader's expat machinery (th_xlsx_stream: the same caps on
 * inflated size, ratio, depth, text, and no DTD), once at open for the styles, the null date
 * and the sheet list, then once per sheet read, stopping at the end of that sheet.
 *
 * Values are mapped as the .xlsx reader gives them: float, currency and percentage are
 * numbers (a percentage under a percent style), a date is the Excel serial of its calendar
 * date under a date style (a date before 1900 cannot be one and is handed as ISO text, as
 * a t="d" cell), a time (an ISO duration) is a number of days under a time style, boolean a
 * boolean, and text is the paragraphs joined with LF, character data kept verbatim,
 * <text:s text:c="N"/> N spaces, <text:tab/> TAB, <text:line-break/> LF, annotations left
 * out. Repeated rows and columns are expanded only for cells with a value, and only so far:
 * a value past column XFD or row 1048576, or more than TH_ODS_MAX_COPIES copies in a
 * sheet, refuses the file. Covered cells are skipped, spans become merged ranges.
 * Attributes are matched with their usual prefixes (office:, table:, style:, number:, ...),
 * as every producer writes them.
 * SPDX-License-Identifier: MIT
 */
#include "read/book.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/sbuf.h"
#include "base/banned.h"

/* Copies of repeated cells (past the first) handed out for one sheet, at most. */
#define TH_ODS_MAX_COPIES 2000000u

/* ---- small helpers ---- */

static const char *att(const char **atts, const char *qname)
{
	for (; atts && atts[0]; atts += 2)
		if (strcmp(atts[0], qname) == 0)
			return atts[1];
	return NULL;
}

/* A repeat or span count: a positive whole number (1 when absent or not one), saturated. */
static uint64_t att_count(const char **atts, const char *qname)
{
	const char *v = att(atts, qname);
	uint64_t n = 0;

	if (!v)
		return 1;
	while (isspace((unsigned char)*v))
		v++;
	if (!isdigit((unsigned char)*v))
		return 1;
	for (; isdigit((unsigned char)*v); v++) {
		n = n * 10 + (uint64_t)(*v - '0');
		if (n > ((uint64_t)1 << 40))
			n = (uint64_t)1 << 40; /* far past any sheet: saturate, never wrap */
	}
	return n ? n : 1;
}

/* strtod on the whole (trimmed) text, finite; strtod is locale-bound but tonghop never sets a locale. */
static bool parse_double(const char *s, double *out)
{
	char *end;

	if (!s)
		return false;
	errno = 0;
	*out = strtod(s, &end);
	if (end == s)
		return false;
	while (isspace((unsigned char)*end))
		end++;
	return !*end && isfinite(*out);
}

/*
 * An ISO date or date-time ("2023-09-12", "2023-09-12T10:30:00.5", a zone suffix dropped):
 * the day number (days since 1970-01-01) and the milliseconds of the day.
 */
static bool parse_iso(const char *s, int64_t *days, int64_t *ms)
{
	long long y;
	int mo, d, h = 0, mi = 0, sec = 0, n = 0;
	double frac = 0;

	if (!s)
		return false;
	while (isspace((unsigned char)*s))
		s++;
	if (sscanf(s, "%lld-%2d-%2d%n", &y, &mo, &d, &n) != 3 || y < -9999 || y > 9999 || mo < 1 ||
	    mo > 12 || d < 1 || d > 31)
		return false;
	s += n;
	if (*s == 'T') {
		n = 0;
		if (sscanf(s, "T%2d:%2d%n", &h, &mi, &n) != 2 || h > 23 || mi > 59 || h < 0 || mi < 0)
			return false;
		s += n;
		if (*s == ':') {
			n = 0;
			if (sscanf(s, ":%2d%n", &sec, &n) != 1 || sec < 0 || sec > 60)
				return false;
			s += n;
			if (*s == '.' || *s == ',') {
				char buf[16] = "0.";
				size_t k = 2;
				for (s++; isdigit((unsigned char)*s); s++)
					if (k < sizeof(buf) - 1)
						buf[k++] = *s;
				buf[k] = '\0';
				frac = strtod(buf, NULL);
			}
		}
	}
	*days = th_days_from_civil(y, (unsigned)mo, (unsigned)d);
	{
		/* a day that does not exist (2023-02-30) is not a date */
		int64_t yy;
		unsigned mm, dd;
		th_civil_from_days(*days, &yy, &mm, &dd);
		if (yy != y || (int)mm != mo || (int)dd != d)
			return false;
	}
	*ms = ((int64_t)h * 3600 + mi * 60 + sec) * 1000 + (int64_t)floor(frac * 1000 + 0.5);
	return true;
}

/* An ISO 8601 duration as LibreOffice writes a time ("PT12H13M14S", "-P1DT2H"): days. */
static bool parse_duration(const char *s, double *days)
{
	bool neg = false, in_time = false, any = false;
	double total = 0;

	if (!s)
		return false;
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '-') {
		neg = true;
		s++;
	}
	if (*s++ != 'P')
		return false;
	while (*s && !isspace((unsigned char)*s)) {
		char *end;
		double v;

		if (*s == 'T') {
			in_time = true;
			s++;
			continue;
		}
		if (!isdigit((unsigned char)*s))
			return false;
		v = strtod(s, &end);
		s = end;
		switch (*s) {
		case 'D': total += v; break;
		case 'H': if (!in_time) return false; total += v / 24; break;
		case 'M': if (!in_time) return false; total += v / 1440; break;
		case 'S': if (!in_time) return false; total += v / 86400; break;
		default: return false;
		}
		any = true;
		s++;
	}
	if (!any || !isfinite(total))
		return false;
	*days = neg ? -total : total;
	return true;
}

/* Is text an error literal as LibreOffice or Excel's ODS export shows a formula's error? */
static bool is_error_text(const char *t)
{
	static const char *const lit[] = { "#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A" };

	for (size_t i = 0; i < sizeof(lit) / sizeof(lit[0]); i++)
		if (strcmp(t, lit[i]) == 0)
			return true;
	return strncmp(t, "Err:", 4) == 0 && isdigit((unsigned char)t[4]) && isdigit((unsigned char)t[5]) &&
	       isdigit((unsigned char)t[6]) && !t[7];
}

/* ---- styles: cell style name -> (data style, font), data style name -> kind and code ---- */

struct named {
	char *name;
	char *a;  /* cell style: data style name; data style: format code; font face: family */
	char *b;  /* cell style: font face name; parent style name in c */
	char *c;
	th_numkind kind; /* data style */
	bool hidden;     /* table style: table:display="false" */
	uint32_t idx;    /* cell style: its book style, once resolved */
	bool resolved, resolving;
};

struct names {
	struct named *v;
	size_t n, cap;
	bool sorted;
};

static struct named *names_add(struct names *t, const char *name)
{
	struct named *d;

	th_grow((void **)&t->v, &t->cap, t->n + 1, sizeof(*t->v));
	d = &t->v[t->n++];
	memset(d, 0, sizeof(*d));
	d->name = th_xstrdup(name);
	t->sorted = false;
	return d;
}

static int named_cmp(const void *a, const void *b)
{
	const struct named *p = a, *q = b;
	int c = strcmp(p->name, q->name);
	/* of two definitions of one name the later wins: keep file order among equals */
	return c ? c : p < q ? -1 : p > q;
}

static struct named *names_find(struct names *t, const char *name)
{
	size_t lo = 0, hi;

	if (!name || !t->n)
		return NULL;
	if (!t->sorted) {
		qsort(t->v, t->n, sizeof(*t->v), named_cmp);
		t->sorted = true;
	}
	hi = t->n;
	while (lo < hi) { /* the last of equal names */
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(t->v[mid].name, name) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo && strcmp(t->v[lo - 1].name, name) == 0 ? &t->v[lo - 1] : NULL;
}

static void names_release(struct names *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].name);
		free(t->v[i].a);
		free(t->v[i].b);
		free(t->v[i].c);
	}
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* A column's default cell style, for a run of columns. */
struct colrun {
	uint32_t c1, c2; /* 0-based, inclusive */
	uint32_t style;
};

struct ods {
	th_xlsx *x;
	struct names cells, datas, fonts, tables;
	int64_t null_days; /* table:null-date, days since 1970-01-01 */
	uint32_t st_general, st_percent, st_date, st_datetime, st_time, st_default;
};

/* ---- the open pass: styles, null date, sheets ---- */

enum { DS_NONE, DS_NUMBER, DS_PERCENT, DS_CURRENCY, DS_DATE, DS_TIME, DS_BOOL, DS_TEXT };

struct scan {
	struct ods *o;
	th_book *b;
	th_err *e;
	uint32_t depth, body_depth, ss_depth; /* depth of office:body, office:spreadsheet (0: outside) */
	struct named *style;  /* the style:style being read */
	struct named *data;   /* the number:*-style being read */
	int data_kind;
	int decimals;         /* of the data style being read, -1 when none said */
	bool grouping;
	bool data_time;       /* a date style with hours, minutes or seconds */
	uint32_t skip;        /* inside a table (its cells are not this pass's business): its depth */
	bool spreadsheet;
};

static int data_kind_of(const char *name)
{
	static const struct { const char *n; int k; } m[] = {
		{ "number-style", DS_NUMBER }, { "percentage-style", DS_PERCENT },
		{ "currency-style", DS_CURRENCY }, { "date-style", DS_DATE },
		{ "time-style", DS_TIME }, { "boolean-style", DS_BOOL }, { "text-style", DS_TEXT },
	};
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (strcmp(name, m[i].n) == 0)
			return m[i].k;
	return DS_NONE;
}

static int scan_start(th_xmlcb *cb, const char *name, const char **atts)
{
	struct scan *s = cb->ud;

	s->depth++;
	if (s->skip)
		return 0;
	if (strcmp(name, "body") == 0 && !s->body_depth) {
		s->body_depth = s->depth;
	} else if (strcmp(name, "spreadsheet") == 0 && s->body_depth && s->depth == s->body_depth + 1) {
		s->ss_depth = s->depth;
		s->spreadsheet = true;
	} else if (strcmp(name, "table") == 0 && s->ss_depth && s->depth == s->ss_depth + 1) {
		const char *tn = att(atts, "table:name"), *st = att(atts, "table:style-name");
		const struct named *ts = names_find(&s->o->tables, st);

		if (s->b->n_sheets >= th_xlsx_limits_of(s->o->x)->max_sheets)
			return th_fail(s->e, TH_E_TOO_BIG, "bảng tính có hơn %u trang tính",
				       th_xlsx_limits_of(s->o->x)->max_sheets);
		th_book_add_sheet(s->b, tn ? tn : "", ts && ts->hidden ? TH_SHEET_HIDDEN : TH_SHEET_VISIBLE, 0);
		s->skip = s->depth;
	} else if (strcmp(name, "null-date") == 0) {
		int64_t d, ms;
		if (parse_iso(att(atts, "table:date-value"), &d, &ms))
			s->o->null_days = d;
	} else if (strcmp(name, "style") == 0 && !s->body_depth) {
		const char *fam = att(atts, "style:family"), *sn = att(atts, "style:name");

		s->style = NULL;
		if (!fam || !sn)
			return 0;
		if (strcmp(fam, "table") == 0) {
			s->style = names_add(&s->o->tables, sn);
		} else if (strcmp(fam, "table-cell") == 0) {
			const char *ds = att(atts, "style:data-style-name"), *par = att(atts, "style:parent-style-name");
			s->style = names_add(&s->o->cells, sn);
			s->style->a = ds ? th_xstrdup(ds) : NULL;
			s->style->c = par ? th_xstrdup(par) : NULL;
		}
	} else if (strcmp(name, "table-properties") == 0 && s->style) {
		const char *d = att(atts, "table:display");
		s->style->hidden = d && strcmp(d, "false") == 0;
	} else if (strcmp(name, "text-properties") == 0 && s->style && !s->style->b) {
		const char *fn = att(atts, "style:font-name");
		if (fn)
			s->style->b = th_xstrdup(fn);
	} else if (strcmp(name, "font-face") == 0) {
		const char *fn = att(atts, "style:name"), *fam = att(atts, "svg:font-family");
		if (fn) {
			struct named *f = names_add(&s->o->fonts, fn);
			char *v = th_xstrdup(fam ? fam : fn);
			size_t n = strlen(v);
			if (n >= 2 && (v[0] == '\'' || v[0] == '"') && v[n - 1] == v[0]) {
				memmove(v, v + 1, n - 2);
				v[n - 2] = '\0';
			}
			f->a = v;
		}
	} else if (s->data) {
		if (strcmp(name, "number") == 0 || strcmp(name, "scientific-number") == 0 ||
		    strcmp(name, "fraction") == 0) {
			const char *dp = att(atts, "number:decimal-places"), *g = att(atts, "number:grouping");
			if (s->decimals < 0) {
				long v = dp ? strtol(dp, NULL, 10) : 0;
				s->decimals = v < 0 ? 0 : v > 30 ? 30 : (int)v;
			}
			s->grouping = g && strcmp(g, "true") == 0;
		} else if (strcmp(name, "hours") == 0 || strcmp(name, "minutes") == 0 ||
			   strcmp(name, "seconds") == 0) {
			s->data_time = true;
		}
	} else if (!s->body_depth && data_kind_of(name) != DS_NONE) {
		const char *sn = att(atts, "style:name");
		if (sn) {
			s->data = names_add(&s->o->datas, sn);
			s->data_kind = data_kind_of(name);
			s->decimals = -1;
			s->grouping = false;
			s->data_time = false;
		}
	}
	return 0;
}

/* The format code of the data style just read, and its kind. */
static void finish_data(struct scan *s)
{
	th_sbuf code = TH_SBUF_INIT;
	int dec = s->decimals < 0 ? -1 : s->decimals;
	th_numkind kind = TH_NUM_GENERAL;

	switch (s->data_kind) {
	case DS_PERCENT:
		kind = TH_NUM_PERCENT;
		/* falls through */
	case DS_NUMBER:
	case DS_CURRENCY:
		if (dec < 0) {
			th_sbuf_adds(&code, "General");
		} else {
			th_sbuf_adds(&code, s->grouping ? "#,##0" : "0");
			if (dec > 0) {
				th_sbuf_addc(&code, '.');
				for (int i = 0; i < dec; i++)
					th_sbuf_addc(&code, '0');
			}
		}
		if (s->data_kind == DS_PERCENT)
			th_sbuf_addc(&code, '%');
		break;
	case DS_DATE:
		kind = TH_NUM_DATE;
		th_sbuf_adds(&code, s->data_time ? "yyyy-mm-dd hh:mm:ss" : "yyyy-mm-dd");
		break;
	case DS_TIME:
		kind = TH_NUM_TIME;
		th_sbuf_adds(&code, "[h]:mm:ss");
		break;
	case DS_TEXT:
		kind = TH_NUM_TEXT;
		th_sbuf_adds(&code, "@");
		break;
	default:
		th_sbuf_adds(&code, "General");
		break;
	}
	s->data->kind = kind;
	s->data->a = th_sbuf_detach(&code, NULL);
	s->data = NULL;
}

static int scan_end(th_xmlcb *cb, const char *name)
{
	struct scan *s = cb->ud;

	if (s->skip) {
		if (s->depth-- == s->skip)
			s->skip = 0;
		return 0;
	}
	if (s->depth == s->ss_depth)
		s->ss_depth = 0;
	if (s->depth == s->body_depth)
		s->body_depth = 0;
	s->depth--;
	if (strcmp(name, "style") == 0)
		s->style = NULL;
	else if (s->data && data_kind_of(name) == s->data_kind)
		finish_data(s);
	return 0;
}

/* The book style of cell style name (following parents), or dflt when it has no data style. */
static uint32_t cell_style(struct ods *o, th_book *b, const char *name, uint32_t dflt)
{
	struct named *cs = names_find(&o->cells, name);
	const struct named *ds = NULL, *font = NULL;
	const char *fontname = NULL;

	if (!cs)
		return dflt;
	if (cs->resolved)
		return cs->idx;
	cs->resolving = true;
	/* walk the parents for the first data style and the first font (a cycle ends the walk) */
	{
		struct named *p = cs;
		for (int hop = 0; p && hop < 16; hop++) {
			if (!ds && p->a)
				ds = names_find(&o->datas, p->a);
			if (!fontname && p->b)
				fontname = p->b;
			if (ds && fontname)
				break;
			p = names_find(&o->cells, p->c);
			if (p == cs)
				break;
		}
	}
	if (fontname)
		font = names_find(&o->fonts, fontname);
	cs->idx = th_book_add_style(b, ds ? ds->kind : TH_NUM_GENERAL, ds && ds->a ? ds->a : "General",
				    font && font->a ? font->a : fontname ? fontname : "");
	cs->resolved = true;
	cs->resolving = false;
	return cs->idx;
}

/* ---- reading one sheet ---- */

/* One cell of the row being read (before row and column repeats are applied). */
struct rcell {
	uint32_t col, rep;
	th_cell_type type;
	bool formula;
	double num;
	uint32_t style;
	size_t off, len; /* text in the row's text buffer */
	size_t foff;     /* formula text, NUL-terminated, in the row's text buffer */
};

struct rd {
	struct ods *o;
	th_book *b;
	th_err *e;
	th_cell_fn fn;
	void *ud;
	size_t want;          /* the index of the sheet to read */
	size_t seen;          /* tables met so far */
	uint32_t depth, body_depth, ss_depth, table_depth;
	bool in_table, done;
	uint64_t row;         /* 0-based index of the row being read */
	uint64_t row_rep;
	uint32_t row_style;   /* table:default-cell-style-name of the row (UINT32_MAX: none) */
	uint64_t col;         /* next column */
	uint64_t copies;      /* repeated copies handed out in this sheet */
	struct colrun *cols;
	size_t n_cols, cap_cols;
	uint64_t next_col_def; /* columns defined so far (table:table-column) */
	/* the cell being read */
	bool in_cell;
	uint32_t cell_depth;
	uint64_t cell_rep;
	char *vt, *cvt, *value, *date, *time, *boolean, *strval, *formula;
	bool has_strval;
	uint32_t cstyle;
	uint32_t para_depth;  /* depth of the text:p being read, 0 outside */
	uint32_t skip_depth;  /* inside an annotation or note: its depth */
	int paras;
	th_sbuf ptext;        /* the cell's paragraphs */
	/* the row being read */
	struct rcell *cells;
	size_t n_cells, cap_cells;
	th_sbuf rtext;
};

static char *dup_or_null(const char *s) { return s ? th_xstrdup(s) : NULL; }

static void cell_reset(struct rd *r)
{
	free(r->vt);
	free(r->cvt);
	free(r->value);
	free(r->date);
	free(r->time);
	free(r->boolean);
	free(r->strval);
	free(r->formula);
	r->vt = r->cvt = r->value = r->date = r->time = r->boolean = r->strval = r->formula = NULL;
}

static uint32_t col_style(const struct rd *r, uint64_t col)
{
	size_t lo = 0, hi = r->n_cols;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (r->cols[mid].c2 < col)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->n_cols && r->cols[lo].c1 <= col ? r->cols[lo].style : UINT32_MAX;
}

static int too_far(struct rd *r, bool cols)
{
	const char *sheet = r->b->sheets[r->want].name;

	if (cols)
		return th_fail(r->e, TH_E_CELL_REF,
			       "trang '%s': một ô có giá trị được lặp lại tới quá cột XFD (vượt quá "
			       "XFD1048576): tệp hỏng hoặc độc hại", sheet);
	return th_fail(r->e, TH_E_CELL_REF,
		       "trang '%s': một hàng có giá trị được lặp lại tới quá hàng 1048576 (vượt quá "
		       "XFD1048576): tệp hỏng hoặc độc hại", sheet);
}

/* The value of the cell just closed, kept in the row buffer when it has one. */
static int keep_cell(struct rd *r)
{
	struct ods *o = r->o;
	struct rcell c = { 0 };
	const char *vt = r->vt, *text = r->has_strval ? r->strval : r->ptext.buf;
	bool has_text = r->has_strval || r->paras > 0;
	uint32_t st = r->cstyle;
	th_numkind kind = st < r->b->n_styles ? r->b->styles[st].kind : TH_NUM_GENERAL;

	c.col = (uint32_t)r->col;
	c.rep = (uint32_t)(r->cell_rep > TH_MAX_COLS ? TH_MAX_COLS : r->cell_rep);
	c.formula = r->formula != NULL;
	c.type = TH_CELL_EMPTY;
	c.style = st;
	if (r->cvt && strcmp(r->cvt, "error") == 0) {
		c.type = TH_CELL_ERROR;
		text = r->paras ? r->ptext.buf : "#VALUE!";
	} else if (c.formula && r->paras && is_error_text(r->ptext.buf) &&
		   (!vt || strcmp(vt, "float") == 0 || strcmp(vt, "string") == 0)) {
		/* Excel's ODS export stores an error result as 0 and the error's text */
		c.type = TH_CELL_ERROR;
		text = r->ptext.buf;
	} else if (vt && (strcmp(vt, "float") == 0 || strcmp(vt, "percentage") == 0 ||
			  strcmp(vt, "currency") == 0)) {
		if (parse_double(r->value, &c.num)) {
			c.type = TH_CELL_NUMBER;
			if (strcmp(vt, "percentage") == 0 && kind != TH_NUM_PERCENT)
				c.style = o->st_percent;
			else if (strcmp(vt, "percentage") != 0 && th_numkind_is_serial(kind))
				c.style = o->st_general; /* a float under a date style is a number */
		}
	} else if (vt && strcmp(vt, "boolean") == 0) {
		const char *v = r->boolean ? r->boolean : "";
		c.type = TH_CELL_BOOL;
		c.num = strcmp(v, "true") == 0 || strcmp(v, "1") == 0;
	} else if (vt && strcmp(vt, "date") == 0) {
		int64_t days, ms;
		if (parse_iso(r->date, &days, &ms)) {
			/* the Excel serial of the calendar date: Excel counts 1900-02-29, which never was */
			int64_t serial = days - th_days_from_civil(1899, 12, 30);
			if (days < th_days_from_civil(1900, 3, 1))
				serial--;
			if (serial >= 1 && days <= th_days_from_civil(9999, 12, 31)) {
				c.type = TH_CELL_NUMBER;
				c.num = (double)serial + (double)ms / 86400000.0;
				if (kind != TH_NUM_DATE)
					c.style = ms ? o->st_datetime : o->st_date;
			} else {
				/* before 1900: no serial stands for it; the date as ISO text */
				int64_t y;
				unsigned m, d;
				char iso[48];
				th_civil_from_days(days, &y, &m, &d);
				snprintf(iso, sizeof(iso), "%04lld-%02u-%02uT%02d:%02d:%02d", (long long)y, m, d,
					 (int)(ms / 3600000), (int)(ms / 60000 % 60), (int)(ms / 1000 % 60));
				if (ms % 1000)
					snprintf(iso + strlen(iso), sizeof(iso) - strlen(iso), ".%03d", (int)(ms % 1000));
				c.type = TH_CELL_DATE;
				c.off = r->rtext.len;
				c.len = strlen(iso);
				th_sbuf_add(&r->rtext, iso, c.len + 1);
				goto formula;
			}
		}
	} else if (vt && strcmp(vt, "time") == 0) {
		if (parse_duration(r->time, &c.num)) {
			c.type = TH_CELL_NUMBER;
			if (kind != TH_NUM_TIME)
				c.style = o->st_time;
		}
	} else if (!vt || strcmp(vt, "string") == 0 || (strcmp(vt, "void") != 0 && r->paras)) {
		if (has_text && *text)
			c.type = TH_CELL_STRING;
		else if (c.formula && (vt || r->paras))
			/* a formula shown as an empty paragraph (LibreOffice writes IF(…;"";…) so,
			 * without a value type): computed, its result the empty text */
			c.type = TH_CELL_STRING;
	}
	if (c.type == TH_CELL_STRING || c.type == TH_CELL_ERROR) {
		c.off = r->rtext.len;
		c.len = strlen(text);
		th_sbuf_add(&r->rtext, text, c.len + 1);
	}
formula:
	if (c.type == TH_CELL_EMPTY && !c.formula)
		return 0; /* no value: nothing to hand out, whatever its repeat */
	c.foff = r->rtext.len;
	th_sbuf_adds(&r->rtext, r->formula ? r->formula : "");
	th_sbuf_addc(&r->rtext, '\0');
	if (th_sbuf_err(&r->rtext))
		return th_fail(r->e, TH_E_CELL_TOO_BIG, "trang '%s': nội dung một hàng dài quá giới hạn",
			       r->b->sheets[r->want].name);
	if (r->col + r->cell_rep > TH_MAX_COLS)
		return too_far(r, true);
	th_grow((void **)&r->cells, &r->cap_cells, r->n_cells + 1, sizeof(*r->cells));
	r->cells[r->n_cells++] = c;
	return 0;
}

/* Hand out the row just closed, its repeats included. */
static int flush_row(struct rd *r)
{
	uint64_t per_row = 0;

	if (!r->n_cells)
		return 0;
	for (size_t i = 0; i < r->n_cells; i++)
		per_row += r->cells[i].rep;
	if (r->row + r->row_rep > TH_MAX_ROWS)
		return too_far(r, false);
	if (per_row * r->row_rep - r->n_cells > TH_ODS_MAX_COPIES - r->copies)
		return th_fail(r->e, TH_E_TOO_BIG,
			       "trang '%s': các ô lặp lại (number-rows-repeated, number-columns-repeated) "
			       "sinh ra hơn %u ô, quá lớn để là một báo cáo (tệp hỏng hoặc độc hại)",
			       r->b->sheets[r->want].name, TH_ODS_MAX_COPIES);
	r->copies += per_row * r->row_rep - r->n_cells;
	for (uint64_t k = 0; k < r->row_rep; k++) {
		for (size_t i = 0; i < r->n_cells; i++) {
			const struct rcell *c = &r->cells[i];
			th_cell cell = { 0 };

			cell.row = (uint32_t)(r->row + k);
			cell.type = c->type;
			cell.has_formula = c->formula;
			cell.num = c->num;
			cell.text = c->type == TH_CELL_STRING || c->type == TH_CELL_ERROR || c->type == TH_CELL_DATE ?
				    r->rtext.buf + c->off : "";
			cell.len = c->type == TH_CELL_STRING || c->type == TH_CELL_ERROR || c->type == TH_CELL_DATE ?
				   c->len : 0;
			cell.formula = r->rtext.buf + c->foff;
			cell.style = c->style;
			for (uint32_t j = 0; j < c->rep; j++) {
				int rv;
				cell.col = (uint16_t)(c->col + j);
				cell.frow = cell.row;
				cell.fcol = cell.col;
				rv = r->fn(r->ud, &cell);
				if (rv)
					return rv > 0 ? rv : 1;
			}
		}
	}
	return 0;
}

static void add_text(struct rd *r, char ch, uint64_t n)
{
	size_t room = r->ptext.max > r->ptext.len ? r->ptext.max - r->ptext.len + 1 : 1;

	if (n > room)
		n = room; /* one past the cap is enough to make the text fail */
	for (uint64_t i = 0; i < n; i++)
		th_sbuf_addc(&r->ptext, ch);
}

static int text_failed(struct rd *r)
{
	return th_fail(r->e, TH_E_CELL_TOO_BIG, "trang '%s': một ô có nội dung văn bản dài quá %u byte",
		       r->b->sheets[r->want].name, th_xlsx_limits_of(r->o->x)->max_text);
}

/* Before the sheet's table: find office:body, office:spreadsheet and the wanted table:table. */
static void rd_outside(struct rd *r, const char *name)
{
	if (strcmp(name, "body") == 0 && !r->body_depth)
		r->body_depth = r->depth;
	else if (strcmp(name, "spreadsheet") == 0 && r->body_depth && r->depth == r->body_depth + 1)
		r->ss_depth = r->depth;
	else if (strcmp(name, "table") == 0 && r->ss_depth && r->depth == r->ss_depth + 1) {
		if (r->seen++ == r->want) {
			r->in_table = true;
			r->table_depth = r->depth;
		} else {
			r->skip_depth = r->depth;
		}
	}
}

/* Inside a cell: its paragraphs and what they hold (spaces, tabs, line breaks); notes skipped. */
static int rd_in_cell(th_xmlcb *cb, struct rd *r, const char *name, const char **atts)
{
	if (r->depth == r->cell_depth + 1) {
		if (strcmp(name, "p") == 0 || strcmp(name, "h") == 0) {
			if (r->paras++)
				th_sbuf_addc(&r->ptext, '\n');
			r->para_depth = r->depth;
			cb->text = &r->ptext;
		} else {
			r->skip_depth = r->depth; /* an annotation, a drawing, ... */
			cb->text = NULL;
		}
		return 0;
	}
	if (!r->para_depth)
		return 0;
	if (strcmp(name, "s") == 0) {
		add_text(r, ' ', att_count(atts, "text:c"));
	} else if (strcmp(name, "tab") == 0) {
		add_text(r, '\t', 1);
	} else if (strcmp(name, "line-break") == 0) {
		add_text(r, '\n', 1);
	} else if (strcmp(name, "annotation") == 0 || strcmp(name, "annotation-end") == 0 ||
		   strcmp(name, "note") == 0 || strcmp(name, "ruby-text") == 0) {
		r->skip_depth = r->depth;
		cb->text = NULL;
	}
	if (th_sbuf_err(&r->ptext))
		return text_failed(r);
	return 0;
}

/* A table:table-cell (or a covered one, hidden under a merge): its span, value and style. */
static void rd_cell(struct rd *r, const char *name, const char **atts)
{
	const char *sn = att(atts, "table:style-name");
	uint64_t cs = att_count(atts, "table:number-columns-spanned");
	uint64_t rs = att_count(atts, "table:number-rows-spanned");

	r->cell_rep = att_count(atts, "table:number-columns-repeated");
	if (name[0] == 'c') { /* covered by a merge: its value is hidden, as Excel shows it */
		r->skip_depth = r->depth;
		r->col += r->cell_rep;
		return;
	}
	if ((cs > 1 || rs > 1) && r->col < TH_MAX_COLS && r->row < TH_MAX_ROWS) {
		uint64_t c2 = r->col + cs - 1, r2 = r->row + rs - 1;
		th_book_add_merge(r->b, (uint32_t)r->row, (uint16_t)r->col,
				  (uint32_t)(r2 < TH_MAX_ROWS ? r2 : TH_MAX_ROWS - 1),
				  (uint16_t)(c2 < TH_MAX_COLS ? c2 : TH_MAX_COLS - 1));
	}
	r->in_cell = true;
	r->cell_depth = r->depth;
	r->paras = 0;
	r->para_depth = 0;
	th_sbuf_reset(&r->ptext);
	cell_reset(r);
	r->vt = dup_or_null(att(atts, "office:value-type"));
	r->cvt = dup_or_null(att(atts, "calcext:value-type"));
	r->value = dup_or_null(att(atts, "office:value"));
	r->date = dup_or_null(att(atts, "office:date-value"));
	r->time = dup_or_null(att(atts, "office:time-value"));
	r->boolean = dup_or_null(att(atts, "office:boolean-value"));
	r->strval = dup_or_null(att(atts, "office:string-value"));
	r->has_strval = r->strval != NULL;
	r->formula = dup_or_null(att(atts, "table:formula"));
	if (sn)
		r->cstyle = cell_style(r->o, r->b, sn, r->o->st_default);
	else if (r->row_style != UINT32_MAX)
		r->cstyle = r->row_style;
	else if ((r->cstyle = col_style(r, r->col)) == UINT32_MAX)
		r->cstyle = r->o->st_default;
}

/* A row or column run hidden (table:visibility collapse, or filtered out)? */
static bool hidden_att(const char **atts)
{
	const char *v = att(atts, "table:visibility");

	return v && (strcmp(v, "collapse") == 0 || strcmp(v, "filter") == 0);
}

/* A table:table-column: the default style of a run of columns, and whether they are hidden. */
static void rd_column(struct rd *r, const char **atts)
{
	const char *ds = att(atts, "table:default-cell-style-name");
	uint64_t n = att_count(atts, "table:number-columns-repeated");
	uint64_t c1 = r->next_col_def;

	r->next_col_def += n;
	if (hidden_att(atts) && c1 < TH_MAX_COLS)
		th_hidden_add(&r->b->hidden, true, (uint32_t)c1,
			      (uint32_t)(c1 + n - 1 < TH_MAX_COLS ? c1 + n - 1 : TH_MAX_COLS - 1));
	if (ds && c1 < TH_MAX_COLS) {
		struct colrun *cr;
		th_grow((void **)&r->cols, &r->cap_cols, r->n_cols + 1, sizeof(*r->cols));
		cr = &r->cols[r->n_cols++];
		cr->c1 = (uint32_t)c1;
		cr->c2 = (uint32_t)(c1 + n - 1 < TH_MAX_COLS ? c1 + n - 1 : TH_MAX_COLS - 1);
		cr->style = cell_style(r->o, r->b, ds, r->o->st_default);
	}
}

static int rd_start(th_xmlcb *cb, const char *name, const char **atts)
{
	struct rd *r = cb->ud;

	r->depth++;
	if (r->skip_depth)
		return 0;
	if (!r->in_table) {
		rd_outside(r, name);
	} else if (r->in_cell) {
		return rd_in_cell(cb, r, name, atts);
	} else if (strcmp(name, "table-cell") == 0 || strcmp(name, "covered-table-cell") == 0) {
		rd_cell(r, name, atts);
	} else if (strcmp(name, "table-row") == 0) {
		const char *ds = att(atts, "table:default-cell-style-name");
		r->row_rep = att_count(atts, "table:number-rows-repeated");
		r->row_style = ds ? cell_style(r->o, r->b, ds, r->o->st_default) : UINT32_MAX;
		if (hidden_att(atts) && r->row < TH_MAX_ROWS)
			th_hidden_add(&r->b->hidden, false, (uint32_t)r->row,
				      (uint32_t)(r->row + r->row_rep - 1 < TH_MAX_ROWS ? r->row + r->row_rep - 1 :
										     TH_MAX_ROWS - 1));
		r->col = 0;
		r->n_cells = 0;
		th_sbuf_reset(&r->rtext);
	} else if (strcmp(name, "table-column") == 0) {
		rd_column(r, atts);
	} else if (strcmp(name, "table") == 0 || strcmp(name, "shapes") == 0 ||
		   strcmp(name, "named-expressions") == 0) {
		r->skip_depth = r->depth; /* a table inside a table, drawings, names: no cells of this sheet */
	}
	return 0;
}

static int rd_end(th_xmlcb *cb, const char *name)
{
	struct rd *r = cb->ud;
	uint32_t d = r->depth--;
	int rc = 0;

	if (r->skip_depth) {
		if (d == r->skip_depth) {
			r->skip_depth = 0;
			if (r->para_depth)
				cb->text = &r->ptext; /* back in the paragraph */
		}
		return 0;
	}
	if (!r->in_table) {
		if (d == r->ss_depth)
			r->ss_depth = 0;
		else if (d == r->body_depth)
			r->body_depth = 0;
		return 0;
	}
	if (r->in_cell) {
		if (d == r->para_depth) {
			r->para_depth = 0;
			cb->text = NULL;
			if (th_sbuf_err(&r->ptext))
				return text_failed(r);
		} else if (d == r->cell_depth) {
			r->in_cell = false;
			rc = keep_cell(r);
			r->col += r->cell_rep;
			cell_reset(r);
		}
		return rc;
	}
	if (strcmp(name, "table-row") == 0) {
		rc = flush_row(r);
		r->row += r->row_rep;
		if (r->row > ((uint64_t)1 << 40))
			r->row = (uint64_t)1 << 40;
		r->n_cells = 0;
		return rc;
	}
	if (d == r->table_depth) {
		r->done = true;
		return 1; /* the sheet is read: stop */
	}
	return 0;
}

static int ods_read_sheet(th_book *b, size_t i, th_cell_fn fn, void *ud, th_err *e)
{
	struct ods *o = b->impl;
	const th_xlsx_limits *lim = th_xlsx_limits_of(o->x);
	struct rd r = { .o = o, .b = b, .e = e, .fn = fn, .ud = ud, .want = i, .row_style = UINT32_MAX };
	th_xmlcb cb = { .start = rd_start, .end = rd_end, .ud = &r };
	int rc;

	th_sbuf_init(&r.ptext, lim->max_text);
	th_sbuf_init(&r.rtext, (size_t)lim->max_text * 4);
	rc = th_xlsx_stream(o->x, "content.xml", &cb, e);
	if (r.done)
		rc = 0; /* stopped at the end of the sheet */
	cell_reset(&r);
	free(r.cells);
	free(r.cols);
	th_sbuf_release(&r.ptext);
	th_sbuf_release(&r.rtext);
	return rc;
}

/* ---- opening ---- */

static void ods_release(th_book *b)
{
	struct ods *o = b->impl;

	if (!o)
		return;
	names_release(&o->cells);
	names_release(&o->datas);
	names_release(&o->fonts);
	names_release(&o->tables);
	free(o);
}

static int manifest_start(th_xmlcb *cb, const char *name, const char **atts)
{
	bool *enc = cb->ud;

	(void)atts;
	if (strcmp(name, "encryption-data") == 0) {
		*enc = true;
		return 1;
	}
	return 0;
}

int th_ods_open(th_book **out, th_xlsx *x, th_err *e)
{
	th_book *b = th_book_new("content.xml");
	struct ods *o = th_xcalloc(1, sizeof(*o));
	struct scan s = { .o = o, .b = b, .e = e };
	th_xmlcb cb = { .start = scan_start, .end = scan_end, .ud = &s };

	*out = NULL;
	b->impl = o;
	b->release = ods_release;
	b->read_sheet = ods_read_sheet;
	o->x = x;
	o->null_days = th_days_from_civil(1899, 12, 30);
	if (th_xlsx_has_part(x, "META-INF/manifest.xml")) {
		bool enc = false;
		th_xmlcb mc = { .start = manifest_start, .ud = &enc };
		(void)th_xlsx_stream(x, "META-INF/manifest.xml", &mc, e);
		if (enc) {
			th_fail_encrypted(e);
			goto fail;
		}
		th_err_clear(e); /* a damaged manifest does not matter: content.xml does */
	}
	if (!th_xlsx_has_part(x, "content.xml")) {
		th_fail(e, TH_E_PACKAGE, "tệp OpenDocument (.ods) thiếu phần 'content.xml' (tệp hỏng)");
		goto fail;
	}
	/* named styles (styles.xml) first: the cells' automatic styles may name them as parents */
	if (th_xlsx_has_part(x, "styles.xml")) {
		struct scan ss = { .o = o, .b = b, .e = e };
		th_xmlcb sc = { .start = scan_start, .end = scan_end, .ud = &ss };
		if (th_xlsx_stream(x, "styles.xml", &sc, e) < 0)
			goto fail;
	}
	if (th_xlsx_stream(x, "content.xml", &cb, e) < 0)
		goto fail;
	if (!s.spreadsheet) {
		th_fail(e, TH_E_FORMAT_OTHER,
			"tệp OpenDocument này không chứa bảng tính (không có office:spreadsheet)");
		goto fail;
	}
	o->st_general = th_book_add_style(b, TH_NUM_GENERAL, "General", "");
	o->st_default = cell_style(o, b, "Default", o->st_general);
	o->st_percent = th_book_add_style(b, TH_NUM_PERCENT, "General", "");
	o->st_date = th_book_add_style(b, TH_NUM_DATE, "yyyy-mm-dd", "");
	o->st_datetime = th_book_add_style(b, TH_NUM_DATE, "yyyy-mm-dd hh:mm:ss", "");
	o->st_time = th_book_add_style(b, TH_NUM_TIME, "[h]:mm:ss", "");
	*out = b;
	return 0;
fail:
	th_book_free(b);
	return -1;
}
