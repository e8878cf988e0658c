/*
 * Formulas computed by tonghop (filing_read.h), for the files that carry a formula without
 * its result (openpyxl, web exports) or with a result not to be trusted (libxlsxwriter's 0
 * under fullCalcOnLoad). Only what returns actually use: numbers, text and booleans, the
 * arithmetic, comparison and '&' operators, references and ranges on any sheet of the
 * workbook (a shared formula's relative references shifted to the cell), SUM, MIN, MAX,
 * AVERAGE, ROUND, ROUNDUP, ROUNDDOWN, ABS, IF, IFERROR, AND, OR, NOT. Anything else (another
 * function, a defined name, a whole column, another workbook, a cycle, nesting too deep) is
 * "not supported" with the reason, never a guess. One recursive-descent parser evaluates as
 * it reads; the branch an IF does not take is parsed without being evaluated.
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "base/sbuf.h"
#include "base/text.h"
#include "model/filing_read.h"
#include "base/banned.h"

/* Formulas computed inside one another (a cell naming a formula cell …), and parentheses
 * and calls inside one formula: both recurse, so both are bounded, well past what returns
 * use, well within a thread's stack. */
#define FX_MAX_CELLS 32
#define FX_MAX_DEPTH 16
#define FX_MAX_ARGS 255   /* Excel's own limit */
#define FX_MAX_TEXT 32767 /* the longest text a cell holds */

enum vt { V_NUM, V_STR, V_BOOL, V_BLANK, V_ERR, V_REF };

struct val {
	enum vt t;
	double n;          /* V_NUM, V_BOOL */
	char *s;           /* V_STR: owned */
	const char *e;     /* V_ERR: the literal ("#DIV/0!"), static */
	int sheet;         /* V_REF: sheet, rows and columns, inclusive */
	uint32_t r1, r2;
	uint16_t c1, c2;
};

/* A cell computed once: its state and result. */
struct memo {
	unsigned char state; /* 0 not yet, 1 being computed, 2 done */
	th_fx_result res;
	char *owned;         /* the text res points to, when it is ours */
};

struct th_fx {
	const th_grid *g;
	struct memo **memo;  /* per sheet, per cell index; allocated when first needed */
	int depth;           /* cells being computed inside one another */
};

/* The parser's state over one formula. */
struct px {
	th_fx *x;
	const char *p;
	int sheet;            /* the formula's sheet */
	int64_t drow, dcol;   /* the shift of its relative references (a shared formula's child) */
	int depth;            /* parentheses and calls */
	int skip;             /* > 0: parse only (a branch not taken) */
	const char *why;      /* non-NULL: not supported, and why (static or x-owned) */
	char whybuf[160];
};

static const struct val BLANK = { .t = V_BLANK };

static struct val num(double n)
{
	struct val v = { .t = isfinite(n) ? V_NUM : V_ERR, .n = n, .e = "#NUM!" };
	return v;
}

static struct val err(const char *e)
{
	struct val v = { .t = V_ERR, .e = e };
	return v;
}

static struct val boolean(bool b)
{
	struct val v = { .t = V_BOOL, .n = b };
	return v;
}

static struct val str_own(char *s)
{
	struct val v = { .t = V_STR, .s = s };
	return v;
}

static void val_free(struct val *v)
{
	if (v->t == V_STR)
		free(v->s);
	v->t = V_BLANK;
	v->s = NULL;
}

/* Not supported: remember the first reason; the value is a blank nobody uses. */
static struct val unsupported(struct px *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static struct val unsupported(struct px *p, const char *fmt, ...)
{
	va_list ap;

	if (!p->why) {
		va_start(ap, fmt);
		vsnprintf(p->whybuf, sizeof(p->whybuf), fmt, ap);
		va_end(ap);
		p->why = p->whybuf;
	}
	return BLANK;
}

static void blanks(struct px *p)
{
	while (*p->p == ' ' || *p->p == '\n' || *p->p == '\r' || *p->p == '\t')
		p->p++;
}

static bool eat(struct px *p, char c)
{
	blanks(p);
	if (*p->p != c)
		return false;
	p->p++;
	return true;
}

/* ---- coercions, as Excel does them ---- */

/* A number from text typed as one ("12", " 3.5 "); false when it is none. */
static bool text_number(const char *s, double *out)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	if (!*s)
		return false;
	*out = strtod(s, &end);
	while (isspace((unsigned char)*end))
		end++;
	return !*end && end != s && isfinite(*out);
}

/* v as a number, or an error value (v is consumed). */
static struct val to_num(struct val v)
{
	double n;

	switch (v.t) {
	case V_NUM: return v;
	case V_BOOL: return num(v.n);
	case V_BLANK: return num(0);
	case V_STR:
		if (text_number(v.s, &n)) {
			val_free(&v);
			return num(n);
		}
		val_free(&v);
		return err("#VALUE!");
	default: return v.t == V_ERR ? v : err("#VALUE!");
	}
}

/* v as a boolean, or an error value. */
static struct val to_bool(struct val v)
{
	switch (v.t) {
	case V_NUM: return boolean(v.n != 0);
	case V_BOOL: return v;
	case V_BLANK: return boolean(false);
	case V_STR: {
		bool t = strcasecmp(v.s, "TRUE") == 0, f = strcasecmp(v.s, "FALSE") == 0;
		val_free(&v);
		return t || f ? boolean(t) : err("#VALUE!");
	}
	default: return v.t == V_ERR ? v : err("#VALUE!");
	}
}

/* v as text, appended to sb; false for an error. */
static bool to_text(const struct val *v, th_sbuf *sb)
{
	char buf[64];

	switch (v->t) {
	case V_NUM:
		snprintf(buf, sizeof(buf), "%.15g", v->n);
		th_sbuf_adds(sb, buf);
		return true;
	case V_BOOL: th_sbuf_adds(sb, v->n ? "TRUE" : "FALSE"); return true;
	case V_STR: th_sbuf_adds(sb, v->s); return true;
	case V_BLANK: return true;
	default: return false;
	}
}

/*
 * x rounded to d decimals, half away from zero, on the decimal digits Excel works with (15
 * significant): 2.675 is 2.68 as Excel gives it, where x * 100 in binary is 267.4999….
 */
static double round_dec(double x, int d, int how /* 0 round, 1 up, -1 down */)
{
	char buf[64], digits[20];
	int e, keep, nd = 0;
	bool up = false;

	if (!isfinite(x) || x == 0)
		return x;
	snprintf(buf, sizeof(buf), "%.14e", fabs(x));
	for (const char *q = buf; *q && *q != 'e'; q++)
		if (isdigit((unsigned char)*q))
			digits[nd++] = *q;
	e = (int)strtol(strchr(buf, 'e') + 1, NULL, 10); /* the value is 0.d1d2… x 10^(e+1) */
	keep = e + 1 + d;               /* digits kept */
	if (keep >= nd)
		return x;
	if (keep < 0)
		return how > 0 ? copysign(pow(10, -d), x) : 0.0 * x;
	if (how == 0)
		up = digits[keep] >= '5';
	else if (how > 0)
		for (int i = keep; i < nd; i++)
			up = up || digits[i] != '0';
	{
		double m = 0;
		for (int i = 0; i < keep; i++)
			m = m * 10 + (digits[i] - '0');
		if (up)
			m += 1;
		/* m x 10^(e+1-keep), written and read back so that it is the nearest double */
		snprintf(buf, sizeof(buf), "%.0fe%d", m, e + 1 - keep);
		return copysign(strtod(buf, NULL), x);
	}
}

/* ---- the cells of the workbook ---- */

static struct val cell_value(struct px *p, int sheet, uint32_t row, uint16_t col);

/* The sheet named name (NFC, ASCII case ignored), or -1. */
static int sheet_named(const th_grid *g, const char *name, size_t n)
{
	char *want = th_text_nfc(name, n, NULL);
	int found = -1;

	for (size_t i = 0; i < g->n_sheets && found < 0; i++)
		if (strcasecmp(g->sheets[i].name, want) == 0)
			found = (int)i;
	free(want);
	return found;
}

/* A result kept in the memo as a value. */
static struct val from_result(const th_fx_result *r)
{
	switch (r->kind) {
	case TH_FX_NUMBER: return num(r->num);
	case TH_FX_TEXT: return str_own(th_xstrdup(r->text));
	case TH_FX_BOOL: return boolean(r->num != 0);
	default: return err(r->text);
	}
}

static const char *const ERRORS[] = { "#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!" };

/* The static literal of an error written text (an unknown one is #VALUE!). */
static const char *error_of(const char *text)
{
	for (size_t i = 0; i < sizeof(ERRORS) / sizeof(ERRORS[0]); i++)
		if (strcasecmp(text, ERRORS[i]) == 0)
			return ERRORS[i];
	return "#VALUE!";
}

/* The value a cell holds as stored (not computed again). */
static struct val stored(struct px *p, const th_gcell *c)
{
	switch (c->type) {
	case TH_CELL_NUMBER: return num(c->num);
	case TH_CELL_STRING: return str_own(th_xstrdup(c->text));
	case TH_CELL_BOOL: return boolean(c->num != 0);
	case TH_CELL_ERROR: return err(error_of(c->text));
	case TH_CELL_DATE: return str_own(th_xstrdup(c->text));
	default: return unsupported(p, "ô được tham chiếu có công thức nhưng không có kết quả");
	}
}

static struct val cell_value(struct px *p, int sheet, uint32_t row, uint16_t col)
{
	const th_gsheet *sh = &p->x->g->sheets[sheet];
	const th_gcell *c = th_grid_at(sh, row, col);
	th_fx_result r;

	if (!c)
		return BLANK;
	if (!th_fx_needed(p->x->g, c))
		return stored(p, c);
	r = th_fx_eval(p->x, sheet, c);
	if (r.kind == TH_FX_UNSUPPORTED) {
		char ref[TH_CELLREF_MAX];
		snprintf(p->whybuf, sizeof(p->whybuf), "ô '%s'!%s: %s", sh->name, th_cellref(row, col, ref), r.text);
		p->why = p->whybuf;
		return BLANK;
	}
	return from_result(&r);
}

/* ---- references ---- */

/* A column's letters and a row's digits, each maybe after '$': "A1", "$B$7". */
static bool parse_cellref(struct px *p, uint32_t *row, uint16_t *col)
{
	const char *q = p->p;
	bool abs_c = false, abs_r = false;
	int64_t c = 0, r = 0;
	int letters = 0, digits = 0;

	if (*q == '$')
		abs_c = true, q++;
	for (; isalpha((unsigned char)*q) && letters < 4; q++, letters++)
		c = c * 26 + (toupper((unsigned char)*q) - 'A' + 1);
	if (!letters || letters > 3)
		return false;
	if (*q == '$')
		abs_r = true, q++;
	for (; isdigit((unsigned char)*q) && digits < 8; q++, digits++)
		r = r * 10 + (*q - '0');
	if (!digits || isalnum((unsigned char)*q) || *q == '_' || *q == '(' || *q == '.')
		return false;
	if (!abs_r)
		r += p->drow;
	if (!abs_c)
		c += p->dcol;
	if (r < 1 || r > TH_MAX_ROWS || c < 1 || c > TH_MAX_COLS)
		return false;
	*row = (uint32_t)(r - 1);
	*col = (uint16_t)(c - 1);
	p->p = q;
	return true;
}

/* "Sheet!" or "'Sheet name'!" at the cursor: its index (the cursor after the '!'), -1 when
 * there is none (cursor unchanged), -2 when it names no sheet of the workbook. */
static int parse_sheet(struct px *p)
{
	const char *q = p->p;
	th_sbuf name = TH_SBUF_INIT;
	int s;

	if (*q == '\'') {
		for (q++; *q; q++) {
			if (*q == '\'' && q[1] == '\'')
				th_sbuf_addc(&name, *q++);
			else if (*q == '\'')
				break;
			else
				th_sbuf_addc(&name, *q);
		}
		if (*q != '\'' || q[1] != '!') {
			th_sbuf_release(&name);
			return -1;
		}
		q += 2;
	} else {
		const char *b = q;
		while (isalnum((unsigned char)*q) || *q == '_' || *q == '.' || (unsigned char)*q >= 0x80)
			q++;
		if (*q != '!' || q == b)
			return -1;
		th_sbuf_add(&name, b, (size_t)(q - b));
		q++;
	}
	s = name.buf[0] == '[' ? -2 : sheet_named(p->x->g, name.buf, name.len);
	th_sbuf_release(&name);
	p->p = q;
	return s < 0 ? -2 : s;
}

/* A reference or a range at the cursor (after any sheet prefix); false when there is none. */
static bool parse_ref(struct px *p, struct val *out)
{
	const char *start = p->p;
	int sheet = parse_sheet(p);
	uint32_t r1, r2;
	uint16_t c1, c2;

	if (sheet == -2) {
		*out = unsupported(p, "tham chiếu tới trang tính không có trong tệp hoặc tệp khác (%s)", "");
		return true;
	}
	if (!parse_cellref(p, &r1, &c1)) {
		if (sheet >= 0)
			*out = unsupported(p, "tham chiếu không hỗ trợ (cả cột, cả hàng, tên)");
		p->p = sheet >= 0 ? p->p : start;
		return sheet >= 0;
	}
	r2 = r1;
	c2 = c1;
	if (*p->p == ':') {
		p->p++;
		if (!parse_cellref(p, &r2, &c2)) {
			*out = unsupported(p, "vùng tham chiếu không hỗ trợ");
			return true;
		}
	}
	out->t = V_REF;
	out->sheet = sheet >= 0 ? sheet : p->sheet;
	out->r1 = r1 < r2 ? r1 : r2;
	out->r2 = r1 < r2 ? r2 : r1;
	out->c1 = c1 < c2 ? c1 : c2;
	out->c2 = c1 < c2 ? c2 : c1;
	return true;
}

/* A value that may be a reference, made one value: a single cell's, or an error. */
static struct val scalar(struct px *p, struct val v)
{
	if (v.t != V_REF)
		return v;
	if (p->skip || p->why)
		return BLANK;
	if (v.r1 != v.r2 || v.c1 != v.c2)
		return unsupported(p, "một vùng nhiều ô dùng như một giá trị");
	return cell_value(p, v.sheet, v.r1, v.c1);
}

/* Call fn for each value in v: every cell of a range that holds one, or v itself. The
 * callback says whether the value came from a range (Excel skips text there). */
typedef void (*each_fn)(struct px *p, struct val *v, bool in_range, void *acc);

static void each(struct px *p, struct val *v, each_fn fn, void *acc)
{
	const th_gsheet *sh;

	if (v->t != V_REF) {
		fn(p, v, false, acc);
		return;
	}
	if (p->skip)
		return;
	sh = &p->x->g->sheets[v->sheet];
	for (size_t i = th_grid_row_start(sh, v->r1); i < sh->n_cells && sh->cells[i].row <= v->r2 && !p->why; i++) {
		struct val cv;
		if (sh->cells[i].col < v->c1 || sh->cells[i].col > v->c2)
			continue;
		cv = cell_value(p, v->sheet, sh->cells[i].row, sh->cells[i].col);
		fn(p, &cv, true, acc);
		val_free(&cv);
	}
}

/* ---- the grammar: comparison < & < + - < * / < ^ < unary - < % < operand ---- */

static struct val expr(struct px *p);

static struct val string_lit(struct px *p)
{
	th_sbuf sb = TH_SBUF_INIT;

	for (p->p++; *p->p; p->p++) {
		if (*p->p == '"' && p->p[1] == '"')
			th_sbuf_addc(&sb, *p->p++);
		else if (*p->p == '"')
			break;
		else
			th_sbuf_addc(&sb, *p->p);
	}
	if (*p->p != '"') {
		th_sbuf_release(&sb);
		return unsupported(p, "chuỗi không đóng ngoặc kép");
	}
	p->p++;
	return str_own(th_sbuf_detach(&sb, NULL));
}

static struct val error_lit(struct px *p)
{
	for (size_t i = 0; i < sizeof(ERRORS) / sizeof(ERRORS[0]); i++)
		if (strncasecmp(p->p, ERRORS[i], strlen(ERRORS[i])) == 0) {
			p->p += strlen(ERRORS[i]);
			return err(ERRORS[i]);
		}
	return unsupported(p, "không hiểu '%.20s'", p->p);
}

static struct val call(struct px *p, const char *name, size_t n);

/* A name at the cursor: a function call, TRUE/FALSE, a reference; else not supported. */
static struct val name_or_ref(struct px *p)
{
	const char *b = p->p, *q = p->p;
	struct val v;

	while (isalnum((unsigned char)*q) || *q == '_' || *q == '.')
		q++;
	if (*q == '(') {
		p->p = q + 1;
		return call(p, b, (size_t)(q - b));
	}
	if (parse_ref(p, &v))
		return v;
	if ((q - b == 4 && strncasecmp(b, "TRUE", 4) == 0) || (q - b == 5 && strncasecmp(b, "FALSE", 5) == 0)) {
		p->p = q;
		return boolean(q - b == 4);
	}
	return unsupported(p, "tên '%.40s' không hỗ trợ", b);
}

static struct val operand(struct px *p)
{
	const char *q;
	char *end;
	double n;

	blanks(p);
	q = p->p;
	if (*q == '(') {
		struct val v;
		if (++p->depth > FX_MAX_DEPTH)
			return unsupported(p, "công thức lồng nhau quá sâu");
		p->p++;
		v = expr(p);
		p->depth--;
		if (!eat(p, ')')) {
			val_free(&v);
			return unsupported(p, "thiếu dấu đóng ngoặc");
		}
		return v;
	}
	if (*q == '"')
		return string_lit(p);
	if (*q == '#')
		return error_lit(p);
	if (isdigit((unsigned char)*q) || (*q == '.' && isdigit((unsigned char)q[1]))) {
		n = strtod(q, &end);
		/* "1:3" (whole rows) is no number */
		if (*end == ':')
			return unsupported(p, "tham chiếu cả hàng không hỗ trợ");
		p->p = end;
		return num(n);
	}
	if (isalpha((unsigned char)*q) || *q == '$' || *q == '\'' || *q == '_' || (unsigned char)*q >= 0x80)
		return name_or_ref(p);
	return unsupported(p, "không hiểu '%.20s'", q);
}

static struct val postfix(struct px *p)
{
	struct val v = operand(p);

	while (eat(p, '%')) {
		v = to_num(scalar(p, v));
		if (v.t == V_NUM)
			v.n /= 100;
	}
	return v;
}

static struct val unary(struct px *p)
{
	blanks(p);
	if (*p->p == '-' || *p->p == '+') {
		bool neg = *p->p == '-';
		struct val v;
		if (++p->depth > FX_MAX_DEPTH)
			return unsupported(p, "công thức lồng nhau quá sâu");
		p->p++;
		v = to_num(scalar(p, unary(p)));
		p->depth--;
		if (v.t == V_NUM && neg)
			v.n = -v.n;
		return v;
	}
	return postfix(p);
}

/* One arithmetic operation on two values already made numbers (errors pass through). */
static struct val arith(char op, struct val a, struct val b)
{
	if (a.t == V_ERR)
		return a;
	if (b.t == V_ERR)
		return b;
	switch (op) {
	case '+': return num(a.n + b.n);
	case '-': return num(a.n - b.n);
	case '*': return num(a.n * b.n);
	case '/': return b.n == 0 ? err("#DIV/0!") : num(a.n / b.n);
	default:
		if (a.n == 0 && b.n <= 0)
			return err(b.n == 0 ? "#NUM!" : "#DIV/0!");
		return num(pow(a.n, b.n));
	}
}

/* A left-associative level of binary operators ops over next. */
static struct val level(struct px *p, const char *ops, struct val (*next)(struct px *))
{
	struct val a = next(p);

	for (;;) {
		char op;
		struct val b;
		blanks(p);
		op = *p->p;
		if (!op || !strchr(ops, op) || p->why)
			return a;
		p->p++;
		b = to_num(scalar(p, next(p)));
		a = arith(op, to_num(scalar(p, a)), b);
	}
}

static struct val power(struct px *p) { return level(p, "^", unary); }
static struct val product(struct px *p) { return level(p, "*/", power); }
static struct val sum(struct px *p) { return level(p, "+-", product); }

static struct val concat(struct px *p)
{
	struct val a = sum(p);

	while (!p->why && eat(p, '&')) {
		struct val b = scalar(p, sum(p));
		th_sbuf sb = TH_SBUF_INIT;
		a = scalar(p, a);
		if (a.t == V_ERR || b.t == V_ERR) {
			struct val e = a.t == V_ERR ? a : b;
			val_free(&a);
			val_free(&b);
			a = e;
			continue;
		}
		to_text(&a, &sb);
		to_text(&b, &sb);
		val_free(&a);
		val_free(&b);
		if (sb.len > FX_MAX_TEXT) {
			th_sbuf_release(&sb);
			a = err("#VALUE!");
		} else {
			a = str_own(th_sbuf_detach(&sb, NULL));
		}
	}
	return a;
}

/* Excel's order: numbers < text < booleans; a blank is 0, "" or FALSE to what it meets. */
static int compare(const struct val *a, const struct val *b)
{
	static const int rank[] = { [V_NUM] = 0, [V_STR] = 1, [V_BOOL] = 2 };
	enum vt ta = a->t == V_BLANK ? (b->t == V_BLANK ? V_NUM : b->t) : a->t;
	enum vt tb = b->t == V_BLANK ? ta : b->t;
	const char *sa = a->t == V_STR ? a->s : "", *sb = b->t == V_STR ? b->s : "";
	double na = a->t == V_BLANK ? 0 : a->n, nb = b->t == V_BLANK ? 0 : b->n;

	if (ta != tb)
		return rank[ta] < rank[tb] ? -1 : 1;
	if (ta == V_STR)
		return strcasecmp(sa, sb);
	return na < nb ? -1 : na > nb;
}

static struct val expr(struct px *p)
{
	struct val a = concat(p);

	for (;;) {
		const char *q;
		int op = 0, c;
		struct val b, r;
		blanks(p);
		q = p->p;
		if (q[0] == '<' && q[1] == '>')
			op = 'n', p->p += 2;
		else if ((q[0] == '<' || q[0] == '>') && q[1] == '=')
			op = q[0] == '<' ? 'l' : 'g', p->p += 2;
		else if (q[0] == '<' || q[0] == '>' || q[0] == '=')
			op = q[0], p->p += 1;
		if (!op || p->why)
			return a;
		b = scalar(p, concat(p));
		a = scalar(p, a);
		if (a.t == V_ERR || b.t == V_ERR) {
			r = a.t == V_ERR ? a : b;
		} else {
			c = compare(&a, &b);
			r = boolean(op == '=' ? c == 0 : op == 'n' ? c != 0 : op == '<' ? c < 0 : op == '>' ? c > 0 :
				    op == 'l' ? c <= 0 : c >= 0);
		}
		val_free(&a); /* r is a boolean, or an error (which owns nothing) */
		val_free(&b);
		a = r;
	}
}

/* ---- functions ---- */

enum fn { F_SUM, F_MIN, F_MAX, F_AVERAGE, F_ROUND, F_ROUNDUP, F_ROUNDDOWN, F_ABS, F_AND, F_OR, F_NOT, F_IF,
	  F_IFERROR, F_COUNT };

static const struct {
	const char *name;
	enum fn fn;
	int min, max; /* arguments */
} FUNCS[] = {
	{ "SUM", F_SUM, 1, FX_MAX_ARGS }, { "MIN", F_MIN, 1, FX_MAX_ARGS }, { "MAX", F_MAX, 1, FX_MAX_ARGS },
	{ "AVERAGE", F_AVERAGE, 1, FX_MAX_ARGS }, { "ROUND", F_ROUND, 2, 2 }, { "ROUNDUP", F_ROUNDUP, 2, 2 },
	{ "ROUNDDOWN", F_ROUNDDOWN, 2, 2 }, { "ABS", F_ABS, 1, 1 }, { "AND", F_AND, 1, FX_MAX_ARGS },
	{ "OR", F_OR, 1, FX_MAX_ARGS }, { "NOT", F_NOT, 1, 1 }, { "IF", F_IF, 2, 3 }, { "IFERROR", F_IFERROR, 2, 2 },
	{ "COUNT", F_COUNT, 1, FX_MAX_ARGS },
};

/* What SUM, MIN, MAX, AVERAGE, AND and OR gather. */
struct agg {
	double sum, min, max;
	size_t n;
	bool any_true, all_true;
	const char *err;
	bool logical; /* AND, OR: booleans and numbers as truth values */
};

static void agg_add(struct px *p, struct val *v, bool in_range, void *acc)
{
	struct agg *a = acc;
	double n;

	(void)p;
	if (a->err)
		return;
	if (v->t == V_ERR) {
		a->err = v->e;
		return;
	}
	if (in_range && v->t != V_NUM && !(a->logical && v->t == V_BOOL))
		return; /* text, booleans and blanks in a range are left out */
	if (v->t == V_STR && a->logical) {
		bool t = strcasecmp(v->s, "TRUE") == 0;
		if (!t && strcasecmp(v->s, "FALSE") != 0) {
			a->err = "#VALUE!";
			return;
		}
		n = t;
	} else if (v->t == V_STR) {
		if (!text_number(v->s, &n)) {
			a->err = "#VALUE!";
			return;
		}
	} else {
		n = v->t == V_BLANK ? 0 : v->n;
	}
	a->sum += n;
	a->min = a->n && a->min < n ? a->min : n;
	a->max = a->n && a->max > n ? a->max : n;
	a->any_true = a->any_true || n != 0;
	a->all_true = a->all_true && n != 0;
	a->n++;
}

/* What COUNT counts, as Excel does: numbers; typed as an argument (not in a range) also a
 * boolean or a text that is a number. Errors and everything else are not counted, never
 * passed on (our template's ratio rows write IF(COUNT(A,B)<2,"",...)). */
static void count_add(struct px *p, struct val *v, bool in_range, void *acc)
{
	size_t *n = acc;
	double d;

	(void)p;
	if (v->t == V_NUM || (!in_range && (v->t == V_BOOL || (v->t == V_STR && text_number(v->s, &d)))))
		(*n)++;
}

/* An argument: an expression (a reference kept as one), or nothing before ',' or ')'. */
static struct val arg(struct px *p)
{
	blanks(p);
	if (*p->p == ',' || *p->p == ')')
		return BLANK;
	return expr(p);
}

/* The end of an argument list: true at ')' (eaten); false at ',' (eaten); else not supported. */
static bool args_end(struct px *p)
{
	if (eat(p, ')'))
		return true;
	if (eat(p, ','))
		return false;
	unsupported(p, "thiếu dấu đóng ngoặc hoặc dấu phẩy");
	return true;
}

/* The next argument, evaluated or (take false) only parsed; the end of the list noted. */
static struct val branch(struct px *p, bool take, bool *last)
{
	struct val v;

	p->skip += !take;
	v = scalar(p, arg(p));
	p->skip -= !take;
	*last = args_end(p);
	if (!take)
		val_free(&v);
	return v;
}

/* IF(c, a, b) and IFERROR(a, b): only the branch taken is evaluated. */
static struct val call_branch(struct px *p, enum fn fn)
{
	struct val first = scalar(p, arg(p)), a = BLANK, b = boolean(false);
	bool is_err, take_a, last = args_end(p);

	if (fn == F_IF)
		first = to_bool(first);
	is_err = first.t == V_ERR;
	take_a = fn == F_IF ? (!is_err && first.n != 0) : !is_err;
	if (last || p->why) {
		val_free(&first);
		return unsupported(p, "%s cần ít nhất hai đối số", fn == F_IF ? "IF" : "IFERROR");
	}
	if (fn == F_IFERROR) {
		b = branch(p, !take_a, &last);
		if (!last)
			unsupported(p, "IFERROR có quá nhiều đối số");
		if (p->why || !take_a) {
			val_free(&first);
			return b;
		}
		return first;
	}
	a = branch(p, take_a, &last);
	if (!last) {
		b = branch(p, !take_a && !is_err, &last);
		if (!last)
			unsupported(p, "IF có quá nhiều đối số");
	}
	if (is_err || p->why) {
		val_free(&a);
		val_free(&b);
		return first;
	}
	if (take_a) {
		val_free(&b);
		return a;
	}
	val_free(&a);
	return b;
}

/* A function of plain arguments, applied to them (each a value or a reference). */
static struct val apply(struct px *p, enum fn fn, struct val *v, size_t n)
{
	struct agg a = { .all_true = true, .logical = fn == F_AND || fn == F_OR };
	struct val x, d;

	switch (fn) {
	case F_ROUND:
	case F_ROUNDUP:
	case F_ROUNDDOWN:
		x = to_num(scalar(p, v[0]));
		d = to_num(scalar(p, v[1]));
		v[0] = v[1] = BLANK;
		if (x.t == V_ERR || d.t == V_ERR)
			return x.t == V_ERR ? x : d;
		return num(round_dec(x.n, (int)fmax(-15, fmin(15, trunc(d.n))),
				     fn == F_ROUND ? 0 : fn == F_ROUNDUP ? 1 : -1));
	case F_ABS:
		x = to_num(scalar(p, v[0]));
		v[0] = BLANK;
		return x.t == V_NUM ? num(fabs(x.n)) : x;
	case F_NOT:
		x = to_bool(scalar(p, v[0]));
		v[0] = BLANK;
		return x.t == V_BOOL ? boolean(x.n == 0) : x;
	case F_COUNT: {
		size_t k = 0;
		for (size_t i = 0; i < n && !p->why; i++)
			each(p, &v[i], count_add, &k);
		return num((double)k);
	}
	default:
		break;
	}
	for (size_t i = 0; i < n && !p->why; i++)
		each(p, &v[i], agg_add, &a);
	if (a.err)
		return err(a.err);
	switch (fn) {
	case F_SUM: return num(a.sum);
	case F_MIN: return num(a.n ? a.min : 0);
	case F_MAX: return num(a.n ? a.max : 0);
	case F_AVERAGE: return a.n ? num(a.sum / (double)a.n) : err("#DIV/0!");
	case F_AND: return a.n ? boolean(a.all_true) : err("#VALUE!");
	default: return a.n ? boolean(a.any_true) : err("#VALUE!");
	}
}

static struct val call(struct px *p, const char *name, size_t n)
{
	struct val *v = NULL, r;
	size_t na = 0, cap = 0;
	int f = -1;

	if (n > 6 && (strncasecmp(name, "_xlfn.", 6) == 0 || strncasecmp(name, "_xlws.", 6) == 0))
		name += 6, n -= 6;
	for (size_t i = 0; i < sizeof(FUNCS) / sizeof(FUNCS[0]) && f < 0; i++)
		if (strlen(FUNCS[i].name) == n && strncasecmp(FUNCS[i].name, name, n) == 0)
			f = (int)i;
	if (++p->depth > FX_MAX_DEPTH)
		return unsupported(p, "công thức lồng nhau quá sâu");
	if (f < 0 && p->skip) {
		/* in a branch not taken its value is not needed: read over it */
		if (!eat(p, ')'))
			do {
				struct val a = arg(p);
				val_free(&a);
			} while (!p->why && !args_end(p));
		p->depth--;
		return BLANK;
	}
	if (f < 0) {
		char fname[40];
		snprintf(fname, sizeof(fname), "%.*s", (int)(n < 32 ? n : 32), name);
		return unsupported(p, "hàm %s chưa được hỗ trợ", fname);
	}
	if (FUNCS[f].fn == F_IF || FUNCS[f].fn == F_IFERROR) {
		r = call_branch(p, FUNCS[f].fn);
		p->depth--;
		return r;
	}
	if (!eat(p, ')'))
		do {
			if (na == FX_MAX_ARGS) {
				unsupported(p, "quá nhiều đối số");
				break;
			}
			th_grow((void **)&v, &cap, na + 1, sizeof(*v));
			v[na++] = arg(p);
		} while (!p->why && !args_end(p));
	p->depth--;
	if ((int)na < FUNCS[f].min || (int)na > FUNCS[f].max)
		r = unsupported(p, "hàm %s với số đối số không đúng", FUNCS[f].name);
	else
		r = p->why ? BLANK : apply(p, FUNCS[f].fn, v, na);
	for (size_t i = 0; i < na; i++)
		val_free(&v[i]);
	free(v);
	return r;
}

/* ---- the evaluator ---- */

th_fx *th_fx_new(const th_grid *g)
{
	th_fx *x = th_xcalloc(1, sizeof(*x));

	x->g = g;
	x->memo = th_xcalloc(g->n_sheets + 1, sizeof(*x->memo));
	return x;
}

void th_fx_free(th_fx *x)
{
	if (!x)
		return;
	for (size_t s = 0; s < x->g->n_sheets; s++) {
		for (size_t i = 0; x->memo[s] && i < x->g->sheets[s].n_cells; i++)
			free(x->memo[s][i].owned);
		free(x->memo[s]);
	}
	free(x->memo);
	free(x);
}

bool th_fx_needed(const th_grid *g, const th_gcell *c)
{
	return c->fx && (c->type == TH_CELL_EMPTY || g->full_calc);
}

/* Parse and compute a formula's text for cell of sheet into *res (text owned by *owned). */
static void compute(th_fx *x, int sheet, const th_gcell *cell, th_fx_result *res, char **owned)
{
	struct px p = { .x = x, .p = cell->fx, .sheet = sheet, .drow = (int64_t)cell->row - cell->frow,
			.dcol = (int64_t)cell->col - cell->fcol };
	struct val v = BLANK;

	if (!*cell->fx) {
		p.why = "tệp chỉ lưu kết quả, không lưu công thức";
	} else if (strncmp(cell->fx, "of:", 3) == 0) {
		p.why = "công thức OpenDocument chưa có kết quả";
	} else {
		if (*p.p == '=')
			p.p++;
		v = scalar(&p, expr(&p));
		blanks(&p);
		if (!p.why && *p.p)
			unsupported(&p, "không hiểu phần '%.40s'", p.p);
	}
	memset(res, 0, sizeof(*res));
	if (p.why) {
		val_free(&v);
		res->kind = TH_FX_UNSUPPORTED;
		*owned = th_xstrdup(p.why);
		res->text = *owned;
		return;
	}
	switch (v.t) {
	case V_NUM: res->kind = TH_FX_NUMBER; res->num = v.n; break;
	case V_BLANK: res->kind = TH_FX_NUMBER; res->num = 0; break; /* "=A1" of a blank shows 0 */
	case V_BOOL: res->kind = TH_FX_BOOL; res->num = v.n; break;
	case V_STR: res->kind = TH_FX_TEXT; *owned = v.s; res->text = v.s; break;
	default: res->kind = TH_FX_ERROR; res->text = v.e; break;
	}
}

th_fx_result th_fx_eval(th_fx *x, int sheet, const th_gcell *cell)
{
	const th_gsheet *sh = &x->g->sheets[sheet];
	size_t idx = (size_t)(cell - sh->cells);
	struct memo *m;
	th_fx_result cyc = { TH_FX_UNSUPPORTED, 0, "công thức tham chiếu vòng tròn (dẫn về chính nó)" };
	th_fx_result deep = { TH_FX_UNSUPPORTED, 0, "các công thức lồng nhau quá sâu" };

	if (!x->memo[sheet])
		x->memo[sheet] = th_xcalloc(sh->n_cells + 1, sizeof(**x->memo));
	m = &x->memo[sheet][idx];
	if (m->state == 2)
		return m->res;
	if (m->state == 1)
		return cyc;
	if (x->depth >= FX_MAX_CELLS)
		return deep;
	m->state = 1;
	x->depth++;
	compute(x, sheet, cell, &m->res, &m->owned);
	x->depth--;
	m->state = 2;
	return m->res;
}
