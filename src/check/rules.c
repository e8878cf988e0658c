/*
 * Loading rules: the INI sections, and a recursive-descent parser for `check` and `when`
 * (comparisons of arithmetic over row references, functions, and the built-in domain,
 * header and register checks). Every reference is resolved against the schema at load
 * time, so a rule naming a row the form lacks never loads. See rules.h.
 * SPDX-License-Identifier: MIT
 */
#include "check/rules.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/ini.h"
#include "base/mem.h"
#include "base/sbuf.h"
#include "base/text.h"
#include "base/banned.h"

/* ---- the parser ---- */

struct parser {
	const char *text; /* the whole expression */
	const char *p;    /* where we are */
	const th_schema *schema;
	const char *err;  /* the first error, static text */
	char errbuf[200];
	const char *err_at;
};

static void perr(struct parser *ps, const char *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void perr(struct parser *ps, const char *at, const char *fmt, ...)
{
	va_list ap;

	if (ps->err)
		return;
	va_start(ap, fmt);
	vsnprintf(ps->errbuf, sizeof(ps->errbuf), fmt, ap);
	va_end(ap);
	ps->err = ps->errbuf;
	ps->err_at = at;
}

static void skip_ws(struct parser *ps)
{
	while (isspace((unsigned char)*ps->p))
		ps->p++;
}

static bool eat(struct parser *ps, const char *tok)
{
	size_t n = strlen(tok);

	skip_ws(ps);
	if (strncmp(ps->p, tok, n) != 0)
		return false;
	ps->p += n;
	return true;
}

static th_node *node_new(th_nkind k)
{
	th_node *n = th_xcalloc(1, sizeof(*n));
	n->kind = k;
	n->form = n->row = -1;
	return n;
}

static void node_free(th_node *n)
{
	if (!n)
		return;
	node_free(n->a);
	node_free(n->b);
	free(n);
}

/* [BM7:6.7.2] or [BM6:2.4.*] (the latter only where children are allowed). */
static th_node *parse_ref(struct parser *ps, bool children_ok)
{
	const char *start = ps->p, *close, *colon;
	char form[16], code[40];
	size_t fl, cl;
	const th_formdef *fd;
	th_node *n;
	bool star = false;

	ps->p++; /* '[' */
	close = strchr(ps->p, ']');
	colon = strchr(ps->p, ':');
	if (!close || !colon || colon > close) {
		perr(ps, start, "tham chiếu cần dạng [BIỂU:MÃ], như [BM7:6.7.2]");
		return NULL;
	}
	fl = (size_t)(colon - ps->p);
	cl = (size_t)(close - colon - 1);
	if (fl == 0 || fl >= sizeof(form) || cl == 0 || cl >= sizeof(code)) {
		perr(ps, start, "tham chiếu cần dạng [BIỂU:MÃ], như [BM7:6.7.2]");
		return NULL;
	}
	memcpy(form, ps->p, fl);
	form[fl] = '\0';
	memcpy(code, colon + 1, cl);
	code[cl] = '\0';
	ps->p = close + 1;
	if (cl > 2 && strcmp(code + cl - 2, ".*") == 0) {
		star = true;
		code[cl - 2] = '\0';
	}
	fd = th_schema_form(ps->schema, form);
	if (!fd) {
		perr(ps, start + 1, "không có biểu '%s' trong biểu mẫu", form);
		return NULL;
	}
	if (star && !children_ok) {
		perr(ps, start, "'%s.*' (các dòng con) chỉ dùng trong sum(...)", code);
		return NULL;
	}
	n = node_new(star ? TH_N_CHILDREN : TH_N_REF);
	n->form = (int)(fd - ps->schema->forms);
	n->row = th_form_row(fd, code);
	if (n->row < 0) {
		perr(ps, colon + 1, "%s không có dòng mã %s", fd->id, code);
		free(n);
		return NULL;
	}
	return n;
}

static th_node *parse_expr(struct parser *ps);

static th_node *parse_call(struct parser *ps, const char *name, const char *at)
{
	static const struct { const char *name; th_nkind kind; int nargs; } funcs[] = {
		{ "ratio", TH_N_RATIO, 2 }, { "sum", TH_N_SUM, 1 }, { "abs", TH_N_ABS, 1 },
		{ "min", TH_N_MIN, 2 }, { "max", TH_N_MAX, 2 },
	};
	th_node *n = NULL;
	int nargs = 0;

	for (size_t i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++)
		if (strcmp(name, funcs[i].name) == 0) {
			n = node_new(funcs[i].kind);
			nargs = funcs[i].nargs;
		}
	if (!n) {
		perr(ps, at, "không có hàm '%s': dùng ratio, sum, abs, min, max", name);
		return NULL;
	}
	if (n->kind == TH_N_SUM) {
		skip_ws(ps);
		if (*ps->p == '[')
			n->a = parse_ref(ps, true);
		else
			n->a = parse_expr(ps);
	} else {
		n->a = parse_expr(ps);
		if (nargs == 2) {
			if (!eat(ps, ","))
				perr(ps, ps->p, "hàm %s cần hai đối số, cách nhau bằng dấu phẩy", name);
			else
				n->b = parse_expr(ps);
		}
	}
	if (!ps->err && !eat(ps, ")"))
		perr(ps, ps->p, "thiếu dấu ')'");
	if (ps->err) {
		node_free(n);
		return NULL;
	}
	return n;
}

static th_node *parse_factor(struct parser *ps)
{
	const char *at;

	skip_ws(ps);
	at = ps->p;
	if (*ps->p == '[')
		return parse_ref(ps, false);
	if (*ps->p == '(') {
		th_node *n;
		ps->p++;
		n = parse_expr(ps);
		if (!ps->err && !eat(ps, ")")) {
			perr(ps, ps->p, "thiếu dấu ')'");
			node_free(n);
			return NULL;
		}
		return n;
	}
	if (*ps->p == '-') {
		th_node *n = node_new(TH_N_NEG);
		ps->p++;
		n->a = parse_factor(ps);
		if (!n->a) {
			free(n);
			return NULL;
		}
		return n;
	}
	if (isdigit((unsigned char)*ps->p) || (*ps->p == '.' && isdigit((unsigned char)ps->p[1]))) {
		char *end;
		const char *num_at = ps->p;
		th_node *n = node_new(TH_N_NUM);
		errno = 0;
		n->num = strtod(ps->p, &end);
		ps->p = end;
		if (!isfinite(n->num) || n->num > 1e15) {
			perr(ps, num_at, "số quá lớn");
			node_free(n);
			return NULL;
		}
		return n;
	}
	if (isalpha((unsigned char)*ps->p)) {
		char name[16];
		size_t k = 0;
		while (isalnum((unsigned char)*ps->p) || *ps->p == '_') {
			if (k + 1 < sizeof(name))
				name[k++] = (char)tolower((unsigned char)*ps->p);
			ps->p++;
		}
		name[k] = '\0';
		if (!eat(ps, "(")) {
			perr(ps, at, "'%s' không phải là một hàm hay tham chiếu", name);
			return NULL;
		}
		return parse_call(ps, name, at);
	}
	perr(ps, at, *ps->p ? "cần một số, một tham chiếu [BIỂU:MÃ] hoặc một hàm" :
			      "biểu thức chưa hết");
	return NULL;
}

static th_node *parse_term(struct parser *ps)
{
	th_node *l = parse_factor(ps);

	while (l && !ps->err) {
		th_nkind k;
		th_node *n;
		skip_ws(ps);
		if (*ps->p == '*')
			k = TH_N_MUL;
		else if (*ps->p == '/')
			k = TH_N_DIV;
		else
			break;
		ps->p++;
		n = node_new(k);
		n->a = l;
		n->b = parse_factor(ps);
		l = n;
		if (!n->b) {
			node_free(l);
			return NULL;
		}
	}
	return l;
}

static th_node *parse_expr(struct parser *ps)
{
	th_node *l = parse_term(ps);

	while (l && !ps->err) {
		th_nkind k;
		th_node *n;
		skip_ws(ps);
		if (*ps->p == '+')
			k = TH_N_ADD;
		else if (*ps->p == '-')
			k = TH_N_SUB;
		else
			break;
		ps->p++;
		n = node_new(k);
		n->a = l;
		n->b = parse_term(ps);
		l = n;
		if (!n->b) {
			node_free(l);
			return NULL;
		}
	}
	return l;
}

static bool parse_cmpop(struct parser *ps, th_cmpop *op)
{
	static const struct { const char *tok; th_cmpop op; } ops[] = {
		{ "<=", TH_LE }, { ">=", TH_GE }, { "!=", TH_NE }, { "<>", TH_NE }, { "==", TH_EQ },
		{ "≤", TH_LE }, { "≥", TH_GE }, { "≠", TH_NE }, { "<", TH_LT }, { ">", TH_GT },
		{ "=", TH_EQ },
	};
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (eat(ps, ops[i].tok)) {
			*op = ops[i].op;
			return true;
		}
	return false;
}

/* LEFT OP RIGHT, the whole text. */
static int parse_comparison(struct parser *ps, th_node **l, th_cmpop *op, th_node **r)
{
	*l = parse_expr(ps);
	if (!ps->err && !parse_cmpop(ps, op))
		perr(ps, ps->p, "cần một phép so sánh: =, ≠, <, ≤, >, ≥");
	if (!ps->err)
		*r = parse_expr(ps);
	skip_ws(ps);
	if (!ps->err && *ps->p)
		perr(ps, ps->p, "thừa ký tự sau biểu thức");
	if (ps->err) {
		node_free(*l);
		node_free(*r);
		*l = *r = NULL;
		return -1;
	}
	return 0;
}

const char *th_cmpop_text(th_cmpop op)
{
	static const char *const t[] = { "=", "≠", "<", "≤", ">", "≥" };
	return (unsigned)op < 6 ? t[op] : "?";
}

/* ---- rules ---- */

/* Record a parse error as a configuration failure with a caret under the fault. */
static int parse_fail(const th_ini *ini, const char *sec, const char *key, struct parser *ps, th_err *e)
{
	size_t chars = 0;

	th_ini_fail(ini, e, sec, key, "quy tắc [%s], '%s': %s", sec, key, ps->err);
	if (e) {
		for (const char *p = ps->text; p < ps->err_at && *p; p++)
			chars += ((unsigned char)*p & 0xC0) != 0x80;
		snprintf(e->detail, sizeof(e->detail), ">>> %s\n    %*s^", ps->text, (int)chars, "");
	}
	return -1;
}

/* The built-in checks: domain(FORM), header(window), register(order), register(count, [BM1:1]). */
static int parse_builtin(struct parser *ps, th_rule *r)
{
	static const struct { const char *name; th_checkkind kind; } header[] = {
		{ "window", TH_CK_HEADER_WINDOW }, { "deadline", TH_CK_HEADER_DEADLINE },
		{ "period", TH_CK_HEADER_PERIOD },
	}, reg[] = {
		{ "in_window", TH_CK_REG_IN_WINDOW }, { "unique", TH_CK_REG_UNIQUE },
		{ "order", TH_CK_REG_ORDER }, { "count", TH_CK_REG_COUNT },
	};
	const char *at;
	char word[24];
	size_t k = 0;
	int which;

	if (eat(ps, "domain(") || eat(ps, "domain (")) {
		r->kind = TH_CK_DOMAIN;
		r->form = -1;
		skip_ws(ps);
		if (!eat(ps, "*")) {
			char form[16];
			const th_formdef *fd;
			at = ps->p;
			while ((isalnum((unsigned char)*ps->p)) && k + 1 < sizeof(form))
				form[k++] = *ps->p++;
			form[k] = '\0';
			fd = th_schema_form(ps->schema, form);
			if (!fd) {
				perr(ps, at, "không có biểu '%s' trong biểu mẫu", form);
				return -1;
			}
			r->form = (int)(fd - ps->schema->forms);
		}
		if (!eat(ps, ")"))
			perr(ps, ps->p, "thiếu dấu ')'");
		skip_ws(ps);
		if (!ps->err && *ps->p)
			perr(ps, ps->p, "thừa ký tự sau biểu thức");
		return ps->err ? -1 : 1;
	}
	if (eat(ps, "header("))
		which = 0;
	else if (eat(ps, "register("))
		which = 1;
	else
		return 0;
	skip_ws(ps);
	at = ps->p;
	while ((isalpha((unsigned char)*ps->p) || *ps->p == '_') && k + 1 < sizeof(word))
		word[k++] = *ps->p++;
	word[k] = '\0';
	r->kind = (th_checkkind)-1;
	for (size_t i = 0; which == 0 && i < sizeof(header) / sizeof(header[0]); i++)
		if (strcmp(word, header[i].name) == 0)
			r->kind = header[i].kind;
	for (size_t i = 0; which == 1 && i < sizeof(reg) / sizeof(reg[0]); i++)
		if (strcmp(word, reg[i].name) == 0)
			r->kind = reg[i].kind;
	if ((int)r->kind < 0) {
		perr(ps, at, which == 0 ? "header(...) nhận window, deadline hoặc period" :
					  "register(...) nhận in_window, unique, order hoặc count");
		return -1;
	}
	if (r->kind == TH_CK_REG_COUNT) {
		if (!eat(ps, ",")) {
			perr(ps, ps->p, "register(count, [BIỂU:MÃ]) cần dòng ghi số văn bản");
			return -1;
		}
		skip_ws(ps);
		if (*ps->p != '[') {
			perr(ps, ps->p, "cần một tham chiếu [BIỂU:MÃ]");
			return -1;
		}
		r->right = parse_ref(ps, false);
		if (!r->right)
			return -1;
	}
	if (!eat(ps, ")"))
		perr(ps, ps->p, "thiếu dấu ')'");
	skip_ws(ps);
	if (!ps->err && *ps->p)
		perr(ps, ps->p, "thừa ký tự sau biểu thức");
	return ps->err ? -1 : 1;
}

static void rule_release(th_rule *r)
{
	free(r->id);
	free(r->title);
	free(r->check_text);
	free(r->when_text);
	free(r->message);
	node_free(r->left);
	node_free(r->right);
	node_free(r->when_left);
	node_free(r->when_right);
	for (size_t i = 0; i < r->n_groups; i++)
		free(r->groups[i]);
	free(r->groups);
}

/* A severity in English or Vietnamese, any case or Unicode form ("Lỗi", "cảnh báo",
 * "thông tin"); absent is error. Returns -1 for anything else. */
static int parse_severity(const char *v, th_severity *out)
{
	static const struct { const char *name; th_severity sev; } names[] = {
		{ "error", TH_SEV_ERROR }, { "lỗi", TH_SEV_ERROR },
		{ "warning", TH_SEV_WARNING }, { "cảnh báo", TH_SEV_WARNING },
		{ "info", TH_SEV_INFO }, { "thông tin", TH_SEV_INFO },
	};
	char *key;
	int rc = -1;

	if (!v) {
		*out = TH_SEV_ERROR;
		return 0;
	}
	key = th_text_key(v, strlen(v));
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && rc; i++)
		if (strcmp(key, names[i].name) == 0) {
			*out = names[i].sev;
			rc = 0;
		}
	free(key);
	return rc;
}

static int load_rule(const th_ini *ini, const char *sec, const th_schema *schema, th_rule *r, th_err *e)
{
	static const char *const known[] = { "check", "severity", "message", "when", "missing",
					     "tolerance", "title", "groups" };
	const char *check = th_ini_get(ini, sec, "check"), *v;
	struct parser ps = { 0 };
	int b;

	memset(r, 0, sizeof(*r));
	r->id = th_xstrdup(sec);
	r->line = th_ini_line(ini, sec, NULL);
	r->tolerance = -1;
	r->form = -1;
	for (size_t i = 0; i < th_ini_nkeys(ini, sec); i++) {
		const char *k = th_ini_key(ini, sec, i);
		bool ok = false;
		for (size_t j = 0; j < sizeof(known) / sizeof(known[0]); j++)
			ok |= strcasecmp(k, known[j]) == 0;
		if (!ok)
			return th_ini_fail(ini, e, sec, k,
					   "khoá '%s' không có: dùng check, severity, message, when, missing, "
					   "tolerance, title, groups", k);
	}
	if (!check || !*check)
		return th_ini_fail(ini, e, sec, NULL, "quy tắc [%s] thiếu 'check'", sec);
	v = th_ini_get(ini, sec, "message");
	if (!v || !*v)
		return th_ini_fail(ini, e, sec, NULL, "quy tắc [%s] thiếu 'message' (lời nhắn tiếng Việt)", sec);
	r->message = th_xstrdup(v);
	r->check_text = th_xstrdup(check);
	r->title = th_xstrdup((v = th_ini_get(ini, sec, "title")) ? v : "");
	v = th_ini_get(ini, sec, "severity");
	if (parse_severity(v, &r->severity))
		return th_ini_fail(ini, e, sec, "severity", "mức '%s' không có: dùng lỗi, cảnh báo hoặc thông tin "
				   "(error, warning, info)", v);
	v = th_ini_get(ini, sec, "missing");
	if (!v || strcasecmp(v, "skip") == 0)
		r->missing = TH_MISSING_SKIP;
	else if (strcasecmp(v, "zero") == 0)
		r->missing = TH_MISSING_ZERO;
	else if (strcasecmp(v, "required") == 0)
		r->missing = TH_MISSING_REQUIRED;
	else
		return th_ini_fail(ini, e, sec, "missing", "'missing = %s' không có: dùng skip, zero hoặc required", v);
	if ((v = th_ini_get(ini, sec, "tolerance"))) {
		char *end;
		errno = 0;
		r->tolerance = strtod(v, &end);
		if (errno || end == v || *end || r->tolerance < 0 || !isfinite(r->tolerance))
			return th_ini_fail(ini, e, sec, "tolerance", "'tolerance' phải là một số không âm, như 0.5");
	}
	if ((v = th_ini_get(ini, sec, "groups")) && *v) {
		size_t cap = 0;
		for (const char *p = v; *p;) {
			const char *bar = strchr(p, '|');
			size_t n = bar ? (size_t)(bar - p) : strlen(p);
			th_grow((void **)&r->groups, &cap, r->n_groups + 1, sizeof(*r->groups));
			r->groups[r->n_groups] = th_xstrndup(p, n);
			r->n_groups++;
			p += n + (bar ? 1 : 0);
		}
	}
	ps.text = check;
	ps.p = check;
	ps.schema = schema;
	b = parse_builtin(&ps, r);
	if (b < 0)
		return parse_fail(ini, sec, "check", &ps, e);
	if (b == 0) {
		r->kind = TH_CK_COMPARE;
		if (parse_comparison(&ps, &r->left, &r->op, &r->right))
			return parse_fail(ini, sec, "check", &ps, e);
	}
	if ((v = th_ini_get(ini, sec, "when")) && *v) {
		struct parser pw = { .text = v, .p = v, .schema = schema };
		r->when_text = th_xstrdup(v);
		if (parse_comparison(&pw, &r->when_left, &r->when_op, &r->when_right))
			return parse_fail(ini, sec, "when", &pw, e);
	}
	return 0;
}

int th_rules_load(th_ruleset **out, const char *path, const th_schema *schema, th_err *e)
{
	th_ini *ini = NULL;
	th_ruleset *rs;
	int rc = -1;

	*out = NULL;
	if (th_ini_load(&ini, path, e))
		return -1;
	rs = th_xcalloc(1, sizeof(*rs));
	rs->path = th_xstrdup(path);
	rs->schema = schema;
	rs->rules = th_xcalloc(th_ini_nsections(ini) + 1, sizeof(*rs->rules));
	for (size_t i = 0; i < th_ini_nsections(ini); i++) {
		if (load_rule(ini, th_ini_section(ini, i), schema, &rs->rules[rs->n_rules], e)) {
			rule_release(&rs->rules[rs->n_rules]);
			goto out;
		}
		rs->n_rules++;
	}
	if (!rs->n_rules) {
		/* an empty file checks nothing and would pass every return: surely a mistake */
		th_fail(e, TH_E_CONFIG, "%s: không có quy tắc nào (mỗi quy tắc là một mục [mã] có 'check')", path);
		goto out;
	}
	rc = 0;
out:
	th_ini_free(ini);
	if (rc) {
		th_rules_free(rs);
		return -1;
	}
	*out = rs;
	return 0;
}

void th_rules_free(th_ruleset *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->n_rules; i++)
		rule_release(&rs->rules[i]);
	free(rs->rules);
	free(rs->path);
	free(rs);
}

/* ---- lint ---- */

static bool has_ref(const th_node *n)
{
	if (!n)
		return false;
	if (n->kind == TH_N_REF || n->kind == TH_N_CHILDREN)
		return true;
	return has_ref(n->a) || has_ref(n->b);
}

/* x OP constant on a single row: the bound it sets, for contradiction checks. */
static bool row_bound(const th_node *l, th_cmpop op, const th_node *r, int *form, int *row, double *lo,
		      double *hi)
{
	if (!l || !r || l->kind != TH_N_REF || r->kind != TH_N_NUM)
		return false;
	*form = l->form;
	*row = l->row;
	*lo = -INFINITY;
	*hi = INFINITY;
	switch (op) {
	case TH_LE: case TH_LT: *hi = r->num; return true;
	case TH_GE: case TH_GT: *lo = r->num; return true;
	case TH_EQ: *lo = *hi = r->num; return true;
	default: return false;
	}
}

/* A placeholder of a message: a known name, or a row [FORM:CODE] of the schema. */
static bool placeholder_known(const th_schema *schema, const char *name, size_t n)
{
	static const char *const names[] = { "written", "expected", "left", "right", "diff", "form", "code", "label" };
	char buf[64], *colon;
	const th_formdef *fd;

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, name, n);
	buf[n] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(buf, names[i]) == 0)
			return true;
	if (!(colon = strchr(buf, ':')))
		return false;
	*colon = '\0';
	fd = th_schema_form(schema, buf);
	return fd && th_form_row(fd, colon + 1) >= 0;
}

/*
 * Rules that define a row (x = expression of other rows) and come back to it, directly
 * ([BM1:4] = sum([BM1:4], [BM1:5])) or through others (4 = sum(4.*), 4.1 = 4 - 4.2), can
 * never be satisfied as meant. Rows are nodes (a global index: form base + row), each
 * defining rule gives edges from its row to the rows its expression reads; a depth-first
 * search finds the first cycle, said once per rule that closes one.
 */
struct defgraph {
	const th_ruleset *rs;
	size_t *base;         /* first node of each form */
	size_t n;
	unsigned char *colour; /* 0 new, 1 on the path, 2 done */
	const th_rule **via;   /* the rule by which the search left a node */
};

static bool is_definition(const th_rule *r)
{
	return r->kind == TH_CK_COMPARE && r->op == TH_EQ && r->left && r->left->kind == TH_N_REF &&
	       r->right && r->right->kind != TH_N_REF && has_ref(r->right);
}

static size_t node_of(const struct defgraph *g, int form, int row) { return g->base[form] + (size_t)row; }

static const th_rule *visit(struct defgraph *g, int form, int row, int *cf, int *cr);

/* Visit every row expression n reads; returns the rule closing a cycle, or NULL. */
static const th_rule *visit_expr(struct defgraph *g, const th_node *n, int *cf, int *cr)
{
	const th_rule *c;

	if (!n)
		return NULL;
	if (n->kind == TH_N_REF)
		return visit(g, n->form, n->row, cf, cr);
	if (n->kind == TH_N_CHILDREN) {
		const th_formdef *fd = &g->rs->schema->forms[n->form];
		for (size_t i = 0; i < fd->n_rows; i++)
			if (th_code_is_child(fd->rows[n->row].code, fd->rows[i].code) &&
			    (c = visit(g, n->form, (int)i, cf, cr)))
				return c;
		return NULL;
	}
	if ((c = visit_expr(g, n->a, cf, cr)))
		return c;
	return visit_expr(g, n->b, cf, cr);
}

static const th_rule *visit(struct defgraph *g, int form, int row, int *cf, int *cr)
{
	size_t v = node_of(g, form, row);

	if (g->colour[v] == 1) {
		*cf = form;
		*cr = row;
		return g->via[v]; /* set: a node is on the path only while one of its rules is followed */
	}
	if (g->colour[v] == 2)
		return NULL;
	g->colour[v] = 1;
	for (size_t i = 0; i < g->rs->n_rules; i++) {
		const th_rule *r = &g->rs->rules[i], *c;
		if (!is_definition(r) || r->left->form != form || r->left->row != row)
			continue;
		g->via[v] = r;
		if ((c = visit_expr(g, r->right, cf, cr)))
			return c;
	}
	g->via[v] = NULL;
	g->colour[v] = 2;
	return NULL;
}

static void lint_cycles(const th_ruleset *rs, const char *path, th_findings *out)
{
	const th_schema *s = rs->schema;
	struct defgraph g = { rs, NULL, 0, NULL, NULL };

	g.base = th_xcalloc(s->n_forms + 1, sizeof(*g.base));
	for (size_t f = 0; f < s->n_forms; f++) {
		g.base[f] = g.n;
		g.n += s->forms[f].n_rows;
	}
	g.colour = th_xcalloc(g.n + 1, 1);
	g.via = th_xcalloc(g.n + 1, sizeof(*g.via));
	for (size_t i = 0; i < rs->n_rules; i++) {
		const th_rule *r = &rs->rules[i];
		int cf, cr;
		th_where w = { "", "", NULL, 0, 0 };
		if (!is_definition(r) || g.colour[node_of(&g, r->left->form, r->left->row)])
			continue;
		if (!visit(&g, r->left->form, r->left->row, &cf, &cr))
			continue;
		/* the rule that left the row where the cycle closes */
		r = g.via[node_of(&g, cf, cr)];
		w.form = s->forms[cf].id;
		w.code = s->forms[cf].rows[cr].code;
		th_findings_add(out, TH_SEV_ERROR, r->id, &w, r->check_text, NULL,
				"%s:%lu: quy tắc [%s] tính dòng %s %s từ chính nó (trực tiếp hoặc qua quy tắc khác): "
				"không bao giờ kiểm tra được", path, (unsigned long)r->line, r->id,
				s->forms[cf].id, s->forms[cf].rows[cr].code);
		/* the rows of that path stay 'on the path'; mark everything done and go on */
		for (size_t k = 0; k < g.n; k++)
			if (g.colour[k] == 1)
				g.colour[k] = 2;
	}
	free(g.base);
	free(g.colour);
	free(g.via);
}

int th_rules_lint(const char *path, const th_schema *schema, th_findings *out, th_err *e)
{
	th_ruleset *rs;

	if (th_rules_load(&rs, path, schema, e))
		return -1;
	for (size_t i = 0; i < rs->n_rules; i++) {
		const th_rule *r = &rs->rules[i];
		th_where w = { "", "", NULL, 0, 0 };
		int f1, r1;
		double lo1, hi1;

		for (const char *p = r->message; (p = strchr(p, '{')); p++) {
			const char *close = strchr(p, '}');
			if (!close)
				break;
			if (!placeholder_known(schema, p + 1, (size_t)(close - p - 1)))
				th_findings_add(out, TH_SEV_WARNING, r->id, &w, r->message, NULL,
						"%s:%lu: lời nhắn của [%s] có chỗ trống {%.*s} không có: dùng {written}, "
						"{expected}, {left}, {right}, {diff}, {form}, {code}, {label} hoặc {BIỂU:MÃ}",
						path, (unsigned long)r->line, r->id, (int)(close - p - 1), p + 1);
		}

		if (r->kind == TH_CK_COMPARE && !has_ref(r->left) && !has_ref(r->right))
			th_findings_add(out, TH_SEV_WARNING, r->id, &w, r->check_text, NULL,
					"%s:%lu: quy tắc [%s] so sánh hai hằng số, không phụ thuộc số liệu nào",
					path, (unsigned long)r->line, r->id);
		if (r->when_left && !has_ref(r->when_left) && !has_ref(r->when_right))
			th_findings_add(out, TH_SEV_WARNING, r->id, &w, r->when_text, NULL,
					"%s:%lu: điều kiện 'when' của [%s] không phụ thuộc số liệu nào: "
					"quy tắc luôn hoặc không bao giờ áp dụng",
					path, (unsigned long)r->line, r->id);
		if (!row_bound(r->left, r->op, r->right, &f1, &r1, &lo1, &hi1))
			continue;
		for (size_t j = i + 1; j < rs->n_rules; j++) {
			const th_rule *q = &rs->rules[j];
			int f2, r2;
			double lo2, hi2;
			if (!row_bound(q->left, q->op, q->right, &f2, &r2, &lo2, &hi2) || f1 != f2 || r1 != r2)
				continue;
			if (fmax(lo1, lo2) > fmin(hi1, hi2))
				th_findings_add(out, TH_SEV_WARNING, q->id, &w, q->check_text, r->check_text,
						"%s:%lu: quy tắc [%s] và [%s] đặt giới hạn trái nhau cho dòng %s %s: "
						"không giá trị nào thoả cả hai",
						path, (unsigned long)q->line, r->id, q->id,
						schema->forms[f1].id, schema->forms[f1].rows[r1].code);
		}
	}
	lint_cycles(rs, path, out);
	th_rules_free(rs);
	return 0;
}
