/*
 * The rule language: the syntax tree of a rule's `check` and `when` expressions and the
 * recursive-descent parser that builds it (comparisons of arithmetic over row references
 * [BM7:6.7.2], the functions ratio, sum, abs, min, max, and the built-in domain, header
 * and register checks). Every reference is resolved against the schema while parsing.
 * Private to src/check/: loading (rules.c), linting (lint.c) and evaluating (check.c)
 * share it; nothing outside check/ sees a node.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_EXPR_H
#define TH_EXPR_H

#include <stdbool.h>

#include "check/rules.h"
#include "model/schema.h"

typedef enum th_nkind {
	TH_N_NUM,      /* num */
	TH_N_REF,      /* form, row */
	TH_N_CHILDREN, /* form, row: the row's children (only inside sum()) */
	TH_N_ADD, TH_N_SUB, TH_N_MUL, TH_N_DIV, TH_N_NEG,
	TH_N_RATIO, TH_N_SUM, TH_N_ABS, TH_N_MIN, TH_N_MAX,
} th_nkind;

struct th_node {
	th_nkind kind;
	double num;
	int form, row;          /* TH_N_REF, TH_N_CHILDREN: indexes into the schema */
	struct th_node *a, *b;  /* operands */
};

/* Free a tree. NULL is fine. */
void th_expr_free(th_node *n);

/* A parse of one expression text; err (static or errbuf) and err_at say the first fault. */
struct th_parser {
	const char *text; /* the whole expression */
	const char *p;    /* where we are */
	const th_schema *schema;
	const char *err;  /* the first error, static text */
	char errbuf[200];
	const char *err_at;
};

/*
 * Parse the whole text as LEFT OP RIGHT. Returns 0 with *l, *op, *r set, or -1 with
 * ps->err (the trees freed, *l and *r NULL).
 */
int th_expr_comparison(struct th_parser *ps, th_node **l, th_cmpop *op, th_node **r);

/*
 * Parse a built-in check into r (kind, form, right): domain(FORM) or domain(*),
 * header(window|deadline|period), register(in_window|unique|order), register(count,
 * [BM1:1]). Returns 1 when it was one, 0 when the text is no built-in (parse it as a
 * comparison), -1 with ps->err.
 */
int th_expr_builtin(struct th_parser *ps, th_rule *r);

#endif
