/*
 * The rule language's parser (expr.h).
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "check/expr.h"
#include "base/banned.h"

/* ---- expressions ---- */

static void perr(struct th_parser *ps, const char *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void perr(struct th_parser *ps, const char *at, const char *fmt, ...)
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

static void skip_ws(struct th_parser *ps)
{
	while (isspace((unsigned char)*ps->p))
		ps->p++;
}

static bool eat(struct th_parser *ps, const char *tok)
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

void th_expr_free(th_node *n)
{
	if (!n)
		return;
	th_expr_free(n->a);
	th_expr_free(n->b);
	free(n);
}

/* [BM7:6.7.2] or [BM6:2.4.*] (the latter only where children are allowed). */
static th_node *parse_ref(struct th_parser *ps, bool children_ok)
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

static th_node *parse_expr(struct th_parser *ps);

static th_node *parse_call(struct th_parser *ps, const char *name, const char *at)
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
		th_expr_free(n);
		return NULL;
	}
	return n;
}

static th_node *parse_factor(struct th_parser *ps)
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
			th_expr_free(n);
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
			th_expr_free(n);
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

/* A left-associative chain of next() joined by the operators c1 (kind k1) and c2 (k2). */
static th_node *chain(struct th_parser *ps, th_node *(*next)(struct th_parser *), char c1, th_nkind k1, char c2,
		      th_nkind k2)
{
	th_node *l = next(ps);

	while (l && !ps->err) {
		th_nkind k;
		th_node *n;
		skip_ws(ps);
		if (*ps->p == c1)
			k = k1;
		else if (*ps->p == c2)
			k = k2;
		else
			break;
		ps->p++;
		n = node_new(k);
		n->a = l;
		n->b = next(ps);
		l = n;
		if (!n->b) {
			th_expr_free(l);
			return NULL;
		}
	}
	return l;
}

static th_node *parse_term(struct th_parser *ps)
{
	return chain(ps, parse_factor, '*', TH_N_MUL, '/', TH_N_DIV);
}

static th_node *parse_expr(struct th_parser *ps)
{
	return chain(ps, parse_term, '+', TH_N_ADD, '-', TH_N_SUB);
}

static bool parse_cmpop(struct th_parser *ps, th_cmpop *op)
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

int th_expr_comparison(struct th_parser *ps, th_node **l, th_cmpop *op, th_node **r)
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
		th_expr_free(*l);
		th_expr_free(*r);
		*l = *r = NULL;
		return -1;
	}
	return 0;
}

/* ---- built-in checks ---- */

int th_expr_builtin(struct th_parser *ps, th_rule *r)
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

const char *th_cmpop_text(th_cmpop op)
{
	static const char *const t[] = { "=", "≠", "<", "≤", ">", "≥" };
	return (unsigned)op < 6 ? t[op] : "?";
}
