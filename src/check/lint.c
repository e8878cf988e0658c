/*
 * Linting a rule file (rules.h, th_rules_lint): what loads but cannot be right.
 * SPDX-License-Identifier: MIT
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "check/expr.h"
#include "base/banned.h"

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
