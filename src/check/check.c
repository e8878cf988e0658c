/*
 * Evaluating rules on a return: each comparison, domain, header and register check of a
 * th_ruleset against a th_filing, giving findings. Equality is judged at the precision
 * the commune wrote (98.17 against 905/922 = 98.156 fails; 67,1 against 2014/3000 =
 * 67.13 passes); a ratio over a zero denominator written as blank, 0 or "-" is only
 * noted. See rules.h and rules/README.md.
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "check/expr.h"
#include "base/sbuf.h"
#include "base/banned.h"

enum vstate { V_OK, V_ABSENT, V_DIV0 };

struct val {
	enum vstate st;
	double v;
	const th_node *absent; /* the first reference that had no value */
};

struct ctx {
	const th_ruleset *rs;
	const th_rule *r;
	const th_filing *f;
	const th_calendar *cal;
	th_period want;
	th_findings *out;
};

static const th_value *value_of(const th_filing *f, int form, int row)
{
	return &f->values[form][row];
}

static struct val eval(const struct ctx *c, const th_node *n)
{
	struct val a, b, r = { V_OK, 0, NULL };

	switch (n->kind) {
	case TH_N_NUM:
		r.v = n->num;
		return r;
	case TH_N_REF: {
		const th_value *v = value_of(c->f, n->form, n->row);
		if (v->state == TH_VAL_NUMBER) {
			r.v = v->num;
		} else if (c->r->missing == TH_MISSING_ZERO && v->state != TH_VAL_UNREADABLE) {
			r.v = 0;
		} else {
			r.st = V_ABSENT;
			r.absent = n;
		}
		return r;
	}
	case TH_N_CHILDREN:
	case TH_N_SUM: {
		const th_node *ref = n->kind == TH_N_SUM ? n->a : n;
		const th_formdef *fd;
		bool any = false;

		if (ref->kind != TH_N_CHILDREN)
			return eval(c, ref);
		fd = &c->rs->schema->forms[ref->form];
		for (size_t i = 0; i < fd->n_rows; i++) {
			const th_value *v = value_of(c->f, ref->form, (int)i);
			if (!th_code_is_child(fd->rows[ref->row].code, fd->rows[i].code))
				continue;
			if (v->state == TH_VAL_NUMBER) {
				r.v += v->num;
				any = true;
			}
		}
		if (!any) {
			r.st = V_ABSENT;
			r.absent = ref;
		}
		return r;
	}
	default:
		break;
	}
	a = eval(c, n->a);
	b = n->b ? eval(c, n->b) : a;
	if (a.st == V_ABSENT || b.st == V_ABSENT) {
		r.st = V_ABSENT;
		r.absent = a.st == V_ABSENT ? a.absent : b.absent;
		return r;
	}
	if (a.st == V_DIV0 || b.st == V_DIV0) {
		r.st = V_DIV0;
		return r;
	}
	switch (n->kind) {
	case TH_N_ADD: r.v = a.v + b.v; break;
	case TH_N_SUB: r.v = a.v - b.v; break;
	case TH_N_MUL: r.v = a.v * b.v; break;
	case TH_N_NEG: r.v = -a.v; break;
	case TH_N_ABS: r.v = fabs(a.v); break;
	case TH_N_MIN: r.v = fmin(a.v, b.v); break;
	case TH_N_MAX: r.v = fmax(a.v, b.v); break;
	case TH_N_DIV:
	case TH_N_RATIO:
		if (b.v == 0) {
			r.st = V_DIV0;
			break;
		}
		r.v = a.v / b.v * (n->kind == TH_N_RATIO ? 100 : 1);
		break;
	default:
		break;
	}
	return r;
}

static bool compare(double l, th_cmpop op, double r, double tol)
{
	const double eps = 1e-9 * fmax(1, fmax(fabs(l), fabs(r)));

	switch (op) {
	case TH_EQ: return fabs(l - r) <= tol + eps;
	case TH_NE: return fabs(l - r) > tol + eps;
	case TH_LT: return l < r - eps;
	case TH_LE: return l <= r + eps;
	case TH_GT: return l > r + eps;
	case TH_GE: return l >= r - eps;
	}
	return false;
}

/* The first row reference in a tree (where a finding points), or NULL. */
static const th_node *first_ref(const th_node *n)
{
	const th_node *r;

	if (!n)
		return NULL;
	if (n->kind == TH_N_REF || n->kind == TH_N_CHILDREN)
		return n;
	r = first_ref(n->a);
	return r ? r : first_ref(n->b);
}

/* Decimals a value was written with: as written or shown, else those of its shortest form. */
static int decimals_of(const th_value *v)
{
	char buf[64], *dot;

	if (v->decimals >= 0)
		return v->decimals;
	snprintf(buf, sizeof(buf), "%.15g", v->num);
	if (strchr(buf, 'e'))
		return 6;
	dot = strchr(buf, '.');
	return dot ? (int)strlen(dot + 1) : 0;
}


struct msgvals {
	const char *written, *expected, *left, *right, *diff;
	const char *form, *code, *label;
};

/* Expand the rule's message placeholders. */
static char *expand(const struct ctx *c, const struct msgvals *m)
{
	th_sbuf sb = TH_SBUF_INIT;
	const char *s = c->r->message;

	while (*s) {
		const char *close;
		if (*s != '{' || !(close = strchr(s, '}'))) {
			th_sbuf_addc(&sb, *s++);
			continue;
		}
		{
			size_t n = (size_t)(close - s - 1);
			char name[64];
			const char *rep = NULL;
			char num[64];

			if (n >= sizeof(name)) {
				th_sbuf_addc(&sb, *s++);
				continue;
			}
			memcpy(name, s + 1, n);
			name[n] = '\0';
			if (strcmp(name, "written") == 0)
				rep = m->written;
			else if (strcmp(name, "expected") == 0)
				rep = m->expected;
			else if (strcmp(name, "left") == 0)
				rep = m->left;
			else if (strcmp(name, "right") == 0)
				rep = m->right;
			else if (strcmp(name, "diff") == 0)
				rep = m->diff;
			else if (strcmp(name, "form") == 0)
				rep = m->form;
			else if (strcmp(name, "code") == 0)
				rep = m->code;
			else if (strcmp(name, "label") == 0)
				rep = m->label;
			else if (strchr(name, ':')) {
				char *colon = strchr(name, ':');
				const th_formdef *fd;
				*colon = '\0';
				fd = th_schema_form(c->rs->schema, name);
				if (fd) {
					int row = th_form_row(fd, colon + 1);
					if (row >= 0) {
						const th_value *v = value_of(c->f, (int)(fd - c->rs->schema->forms), row);
						if (v->state == TH_VAL_NUMBER)
							th_vn_format(v->num, decimals_of(v), true, num, sizeof(num));
						else
							snprintf(num, sizeof(num), "(trống)");
						rep = num;
					}
				}
			}
			if (rep) {
				th_sbuf_adds(&sb, rep);
				s = close + 1;
			} else {
				th_sbuf_addc(&sb, *s++);
			}
		}
	}
	return th_sbuf_detach(&sb, NULL);
}

static th_where where_of(const struct ctx *c, const th_node *ref)
{
	th_where w = { "", "", NULL, 0, 0 };

	if (ref) {
		const th_formdef *fd = &c->rs->schema->forms[ref->form];
		const th_value *v = value_of(c->f, ref->form, ref->row);
		w.form = fd->id;
		w.code = fd->rows[ref->row].code;
		if (v->sheet >= 0) {
			w.sheet = th_filing_sheet(c->f, v->sheet);
			w.row = v->row;
			w.col = v->col;
		}
	}
	return w;
}

static void emit(const struct ctx *c, th_severity sev, const th_where *w, const char *written,
		 const char *expected, const struct msgvals *m)
{
	char *msg = expand(c, m);
	th_findings_add(c->out, sev, c->r->id, w, written, expected, "%s", msg);
	free(msg);
}

/* ---- comparisons ---- */

static void check_compare(const struct ctx *c)
{
	const th_rule *r = c->r;
	struct val l, rv;
	const th_node *at = first_ref(r->left) ? first_ref(r->left) : first_ref(r->right);
	th_where w = where_of(c, at);
	const th_value *lv = r->left->kind == TH_N_REF ? value_of(c->f, r->left->form, r->left->row) : NULL;
	int d = lv && lv->state == TH_VAL_NUMBER ? decimals_of(lv) : -1;
	double tol;
	char wr_vi[64], ex_vi[80], left[64], right[64], diff[64];
	struct msgvals m = { 0 };

	if (at) {
		m.form = w.form;
		m.code = w.code;
		m.label = c->rs->schema->forms[at->form].rows[at->row].label;
	}
	l = eval(c, r->left);
	rv = eval(c, r->right);
	if (rv.st == V_DIV0 && l.st != V_DIV0) {
		/* a ratio over a zero denominator: blank, 0 or "-" is what communes write (I4) */
		if (l.st == V_ABSENT || fabs(l.v) < 1e-9) {
			m.written = lv ? lv->written : "";
			m.expected = "";
			th_findings_add(c->out, TH_SEV_INFO, r->id, &w, m.written, "",
					"%s dòng %s: mẫu số bằng 0, tỷ lệ không xác định; %s được chấp nhận",
					at ? c->rs->schema->forms[at->form].title : "", m.code ? m.code : "",
					m.written[0] ? m.written : "để trống");
			return;
		}
		th_vn_format(l.v, d, true, wr_vi, sizeof(wr_vi));
		m.written = wr_vi;
		m.expected = "không xác định (mẫu số bằng 0)";
		m.left = wr_vi;
		m.right = m.expected;
		m.diff = "";
		emit(c, r->severity, &w, wr_vi, m.expected, &m);
		return;
	}
	if (l.st != V_OK || rv.st != V_OK) {
		const th_node *miss = l.st == V_ABSENT ? l.absent : rv.absent;
		if (r->missing == TH_MISSING_REQUIRED && miss) {
			th_where mw = where_of(c, miss);
			const th_formdef *fd = &c->rs->schema->forms[miss->form];
			th_findings_add(c->out, r->severity, r->id, &mw, "", "một giá trị",
					"%s dòng %s chưa ghi giá trị (cần cho quy tắc %s: %s)", fd->title,
					fd->rows[miss->row].code, r->id, r->title[0] ? r->title : r->check_text);
		}
		return;
	}
	if (r->tolerance >= 0)
		tol = r->tolerance;
	else if (d >= 0)
		tol = 0.5 * pow(10, -d);
	else
		tol = 0;
	if (compare(l.v, r->op, rv.v, tol))
		return;
	th_vn_format(l.v, d, true, wr_vi, sizeof(wr_vi));
	th_vn_format(l.v, d, true, left, sizeof(left));
	th_vn_format(rv.v, r->op == TH_EQ ? d : -1, true, right, sizeof(right));
	th_vn_format(l.v - rv.v, d, true, diff, sizeof(diff));
	if (r->op == TH_EQ) {
		th_vn_format(rv.v, d, true, ex_vi, sizeof(ex_vi));
	} else {
		char n[48];
		th_vn_format(rv.v, -1, true, n, sizeof(n));
		snprintf(ex_vi, sizeof(ex_vi), "%s %s", th_cmpop_text(r->op), n);
	}
	m.written = wr_vi;
	m.expected = ex_vi;
	m.left = left;
	m.right = right;
	m.diff = diff;
	/* written and expected as Vietnamese write numbers (98,16), like the message */
	emit(c, r->severity, &w, wr_vi, ex_vi, &m);
}

/* ---- domains ---- */

static void check_domain(const struct ctx *c)
{
	const th_schema *s = c->rs->schema;

	for (size_t fi = 0; fi < s->n_forms; fi++) {
		const th_formdef *fd = &s->forms[fi];
		if (c->r->form >= 0 && (size_t)c->r->form != fi)
			continue;
		for (size_t ri = 0; ri < fd->n_rows; ri++) {
			const th_rowdef *rd = &fd->rows[ri];
			const th_value *v = value_of(c->f, (int)fi, (int)ri);
			th_node ref = { .kind = TH_N_REF, .form = (int)fi, .row = (int)ri };
			th_where w;
			char wr_vi[64];
			const char *ex = "";
			th_sbuf exb = TH_SBUF_INIT;
			bool ok = true;
			struct msgvals m = { 0 };

			if (v->state != TH_VAL_NUMBER)
				continue;
			switch (rd->kind) {
			case TH_ROW_PERCENT:
				ok = v->num >= -1e-9 && v->num <= 100 + 1e-9;
				ex = "0–100";
				break;
			case TH_ROW_COUNT:
				ok = v->num >= 0 && fabs(v->num - floor(v->num + 0.5)) < 1e-9;
				ex = "số nguyên không âm";
				break;
			case TH_ROW_MONEY:
				ok = v->num >= 0;
				ex = "số không âm";
				break;
			case TH_ROW_CODED:
				ok = false;
				for (size_t k = 0; k < rd->n_options; k++)
					ok |= fabs(v->num - rd->options[k].code) < 1e-9;
				if (ok)
					break;
				th_sbuf_adds(&exb, "một trong");
				for (size_t k = 0; k < rd->n_options; k++)
					th_sbuf_addf(&exb, "%s %d (%s)", k ? "," : ":", rd->options[k].code,
						     rd->options[k].text);
				ex = exb.buf;
				break;
			case TH_ROW_GROUP:
				break;
			}
			if (ok)
				continue;
			w = where_of(c, &ref);
			th_vn_format(v->num, decimals_of(v), true, wr_vi, sizeof(wr_vi));
			m.written = m.left = wr_vi;
			m.expected = m.right = ex;
			m.diff = "";
			m.form = fd->id;
			m.code = rd->code;
			m.label = rd->label;
			emit(c, c->r->severity, &w, wr_vi, ex, &m);
			th_sbuf_release(&exb);
		}
	}
}

/* ---- the identification block ---- */

static th_where header_where(const th_hfield *h, const th_filing *f)
{
	th_where w = { "HEADER", "", NULL, 0, 0 };

	if (h->sheet >= 0) {
		w.sheet = th_filing_sheet(f, h->sheet);
		w.row = h->row;
		w.col = h->col;
	}
	return w;
}

static void check_header(const struct ctx *c)
{
	const th_filing *f = c->f;
	th_date from, to, due;
	char a[TH_DATE_MAX], b[TH_DATE_MAX], x[TH_DATE_MAX], y[TH_DATE_MAX], wr[64], ex[64];
	struct msgvals m = { 0 };
	th_where w;

	m.form = "HEADER";
	m.code = "";
	m.label = "";
	m.diff = "";
	if (c->r->kind == TH_CK_HEADER_PERIOD) {
		char p1[TH_PERIOD_LABEL_MAX], p2[TH_PERIOD_LABEL_MAX];
		if (c->want.kind == TH_P_NONE || f->period.kind == TH_P_NONE)
			return;
		if (f->period.kind == c->want.kind && f->period.year == c->want.year && f->period.n == c->want.n)
			return;
		th_period_label_vi(f->period, p1, sizeof(p1));
		th_period_label_vi(c->want, p2, sizeof(p2));
		w = header_where(&f->period_at, f);
		m.written = m.left = p1;
		m.expected = m.right = p2;
		emit(c, c->r->severity, &w, p1, p2, &m);
		return;
	}
	if (!c->cal || f->period.kind == TH_P_NONE)
		return;
	th_calendar_window(c->cal, f->period, &from, &to, &due);
	if (c->r->kind == TH_CK_HEADER_WINDOW) {
		if (!f->window_from.y || (!th_date_cmp(f->window_from, from) && !th_date_cmp(f->window_to, to)))
			return;
		th_date_vn(f->window_from, a);
		th_date_vn(f->window_to, b);
		th_date_vn(from, x);
		th_date_vn(to, y);
		snprintf(wr, sizeof(wr), "%s – %s", a, b);
		snprintf(ex, sizeof(ex), "%s – %s", x, y);
		w = header_where(&f->window_at, f);
	} else {
		if (!f->report_date.y || th_date_cmp(f->report_date, due) <= 0)
			return;
		th_date_vn(f->report_date, wr);
		th_date_vn(due, x);
		snprintf(ex, sizeof(ex), "≤ %s", x);
		w = header_where(&f->report_at, f);
	}
	m.written = m.left = wr;
	m.expected = m.right = ex;
	emit(c, c->r->severity, &w, wr, ex, &m);
}

/* ---- the document register ---- */

/* Document type codes of NĐ 30/2020/NĐ-CP; a number whose symbol has none is a công văn. */
static const char *const doc_types[] = {
	"NQ", "QĐ", "CT", "QC", "QyĐ", "TB", "HD", "CTr", "KH", "PA", "ĐA", "DA", "BC", "BB",
	"TTr", "HĐ", "CĐ", "GUQ", "GM", "GGT", "GNP", "PG", "PC", "PB", "TC", "GXN", "TL", "BGN",
};

struct docref {
	long number;
	char type[16];
	const th_docentry *d;
	int group;
};

/* "59/QĐ-UBND" -> 59, "QĐ"; "376/UBND-VP" -> 376, "CV". */
static bool parse_docnum(const char *s, struct docref *out)
{
	char *end;
	const char *t;
	size_t n;

	while (*s && !isdigit((unsigned char)*s))
		s++;
	if (!*s)
		return false;
	out->number = strtol(s, &end, 10);
	t = strchr(end, '/');
	snprintf(out->type, sizeof(out->type), "CV");
	if (!t)
		return true;
	t++;
	if (isdigit((unsigned char)*t)) { /* "09/2019/NĐ-CP": skip the year */
		t = strchr(t, '/');
		if (!t)
			return true;
		t++;
	}
	n = strcspn(t, "-/ ");
	for (size_t i = 0; i < sizeof(doc_types) / sizeof(doc_types[0]); i++)
		if (strlen(doc_types[i]) == n && strncmp(t, doc_types[i], n) == 0)
			snprintf(out->type, sizeof(out->type), "%s", doc_types[i]);
	return true;
}

/* The group a type belongs to: the index of the rule's group naming it, else its own. */
static int group_of(const th_rule *r, const char *type)
{
	for (size_t g = 0; g < r->n_groups; g++) {
		const char *p = r->groups[g];
		size_t n = strlen(type);
		while ((p = strstr(p, type))) {
			if ((p == r->groups[g] || isspace((unsigned char)p[-1])) &&
			    (!p[n] || isspace((unsigned char)p[n])))
				return (int)g;
			p += n;
		}
	}
	return -1;
}

static int docref_cmp(const void *a, const void *b)
{
	const struct docref *p = a, *q = b;
	int c;

	if (p->group != q->group)
		return p->group < q->group ? -1 : 1;
	if (p->group < 0 && (c = strcmp(p->type, q->type)) != 0)
		return c;
	if (p->d->date.y != q->d->date.y)
		return p->d->date.y < q->d->date.y ? -1 : 1;
	if (p->number != q->number)
		return p->number < q->number ? -1 : 1;
	return p->d->row < q->d->row ? -1 : p->d->row > q->d->row;
}

static bool same_register(const struct docref *a, const struct docref *b)
{
	return a->group == b->group && (a->group >= 0 || strcmp(a->type, b->type) == 0) &&
	       a->d->date.y == b->d->date.y;
}

/* The cell a register finding is about: the date for the window and the order, the
 * number for a number used twice. */
static th_where doc_where(const th_filing *f, const th_docentry *d, bool date)
{
	th_where w = { "VB", "", th_filing_sheet(f, d->sheet), d->row, date ? d->date_col : d->number_col };
	return w;
}

static void check_register(const struct ctx *c)
{
	const th_filing *f = c->f;
	struct msgvals m = { 0 };
	char wr[64], ex[64];
	th_sbuf wb = TH_SBUF_INIT, eb = TH_SBUF_INIT;

	m.form = "VB";
	m.code = "";
	m.label = "";
	m.diff = "";
	if (!f->has_register)
		return;
	if (c->r->kind == TH_CK_REG_COUNT) {
		const th_value *v = value_of(f, c->r->right->form, c->r->right->row);
		th_where w = where_of(c, c->r->right);
		if (v->state != TH_VAL_NUMBER || fabs(v->num - (double)f->n_docs) < 1e-9)
			return;
		snprintf(wr, sizeof(wr), "%.10g", v->num);
		snprintf(ex, sizeof(ex), "%zu", f->n_docs);
		m.written = m.left = wr;
		m.expected = m.right = ex;
		emit(c, c->r->severity, &w, wr, ex, &m);
		return;
	}
	if (c->r->kind == TH_CK_REG_IN_WINDOW) {
		th_date from = f->window_from, to = f->window_to;
		if (!from.y && c->cal && f->period.kind != TH_P_NONE)
			th_calendar_window(c->cal, f->period, &from, &to, NULL);
		for (size_t i = 0; i < f->n_docs && from.y; i++) {
			const th_docentry *d = &f->docs[i];
			th_where w = doc_where(f, d, true);
			char a[TH_DATE_MAX], b[TH_DATE_MAX];
			if (d->date.y && th_date_cmp(d->date, from) >= 0 && th_date_cmp(d->date, to) <= 0)
				continue;
			th_date_vn(from, a);
			th_date_vn(to, b);
			th_sbuf_reset(&wb);
			th_sbuf_addf(&wb, "%s (%s)", d->number, d->date_written[0] ? d->date_written : "không có ngày");
			snprintf(ex, sizeof(ex), "%s – %s", a, b);
			m.written = m.left = wb.buf;
			m.expected = m.right = ex;
			emit(c, c->r->severity, &w, wb.buf, ex, &m);
		}
		th_sbuf_release(&wb);
		return;
	}
	{
		struct docref *v = th_xcalloc(f->n_docs + 1, sizeof(*v));
		size_t n = 0;

		for (size_t i = 0; i < f->n_docs; i++) {
			if (!f->docs[i].date.y || !parse_docnum(f->docs[i].number, &v[n]))
				continue;
			v[n].d = &f->docs[i];
			v[n].group = group_of(c->r, v[n].type);
			n++;
		}
		if (n > 1)
			qsort(v, n, sizeof(*v), docref_cmp);
		for (size_t i = 1; i < n; i++) {
			const struct docref *p = &v[i - 1], *q = &v[i];
			char dp[TH_DATE_MAX], dq[TH_DATE_MAX];
			th_where w = doc_where(f, q->d, c->r->kind != TH_CK_REG_UNIQUE);
			bool bad;

			if (!same_register(p, q))
				continue;
			if (c->r->kind == TH_CK_REG_UNIQUE)
				bad = p->number == q->number;
			else
				bad = p->number < q->number && th_date_cmp(p->d->date, q->d->date) > 0;
			if (!bad)
				continue;
			th_date_vn(p->d->date, dp);
			th_date_vn(q->d->date, dq);
			th_sbuf_reset(&wb);
			th_sbuf_reset(&eb);
			th_sbuf_addf(&wb, "%s ngày %s", q->d->number, dq);
			if (c->r->kind == TH_CK_REG_UNIQUE)
				th_sbuf_addf(&eb, "số khác %s (đã dùng ngày %s)", p->d->number, dp);
			else
				th_sbuf_addf(&eb, "ngày từ %s trở đi (sau %s)", dp, p->d->number);
			m.written = m.left = wb.buf;
			m.expected = m.right = eb.buf;
			emit(c, c->r->severity, &w, wb.buf, eb.buf, &m);
		}
		free(v);
		th_sbuf_release(&wb);
		th_sbuf_release(&eb);
	}
}

void th_rules_check(const th_ruleset *rs, const th_filing *f, const th_calendar *cal,
		    th_period want, th_findings *out)
{
	struct ctx c = { rs, NULL, f, cal, want, out };

	for (size_t i = 0; i < rs->n_rules; i++) {
		c.r = &rs->rules[i];
		if (c.r->when_left) {
			/* a rule whose condition cannot be decided (a value missing) is not applied */
			struct val a = eval(&c, c.r->when_left), b = eval(&c, c.r->when_right);
			if (a.st != V_OK || b.st != V_OK || !compare(a.v, c.r->when_op, b.v, 0))
				continue;
		}
		switch (c.r->kind) {
		case TH_CK_COMPARE:
			check_compare(&c);
			break;
		case TH_CK_DOMAIN:
			check_domain(&c);
			break;
		case TH_CK_HEADER_WINDOW:
		case TH_CK_HEADER_DEADLINE:
		case TH_CK_HEADER_PERIOD:
			check_header(&c);
			break;
		default:
			check_register(&c);
			break;
		}
	}
}
