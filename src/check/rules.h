/*
 * Cross-check rules: an INI file of rules (rules/README.md) compiled against a schema
 * (rules.c, the language in expr.h), linted (lint.c), and evaluated on a return (check.c). A rule that breaks
 * gives a finding, never a failure; a rule file with a mistake fails to load with
 * FILE:LINE and a caret under the fault.
 * Ownership: a th_ruleset owns its rules; it borrows the schema it was compiled against.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_RULES_H
#define TH_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/calendar.h"
#include "base/err.h"
#include "model/filing.h"
#include "model/finding.h"
#include "model/schema.h"

/* The syntax tree of a rule's expression: private to check/ (expr.h). */
typedef struct th_node th_node;

typedef enum th_cmpop { TH_EQ, TH_NE, TH_LT, TH_LE, TH_GT, TH_GE } th_cmpop;

typedef enum th_checkkind {
	TH_CK_COMPARE,         /* left op right */
	TH_CK_DOMAIN,          /* domain(FORM) or domain(*): form = -1 */
	TH_CK_HEADER_WINDOW,
	TH_CK_HEADER_DEADLINE,
	TH_CK_HEADER_PERIOD,
	TH_CK_REG_IN_WINDOW,
	TH_CK_REG_UNIQUE,
	TH_CK_REG_ORDER,
	TH_CK_REG_COUNT,       /* right: the row the count must equal */
} th_checkkind;

typedef enum th_missing { TH_MISSING_SKIP, TH_MISSING_ZERO, TH_MISSING_REQUIRED } th_missing;

typedef struct th_rule {
	char *id, *title, *check_text, *when_text, *message;
	th_severity severity;
	th_missing missing;
	double tolerance;       /* < 0: from the precision written */
	uint32_t line;          /* of the [section] */
	th_checkkind kind;
	th_cmpop op;
	th_node *left, *right;  /* TH_CK_COMPARE; right also for TH_CK_REG_COUNT */
	th_cmpop when_op;
	th_node *when_left, *when_right; /* NULL when the rule always applies */
	int form;               /* TH_CK_DOMAIN */
	char **groups;          /* register types that share one numbering: "CV KH TB BC" */
	size_t n_groups;
} th_rule;

typedef struct th_ruleset {
	char *path;
	const th_schema *schema;
	th_rule *rules;
	size_t n_rules;
} th_ruleset;

/*
 * Load and compile the rules at path against schema. Any mistake — a syntax error (with a
 * caret under it in e->detail), a form or row the schema lacks, an unknown key or
 * severity, a missing check or message — fails with TH_E_CONFIG "PATH:LINE: ...".
 */
int th_rules_load(th_ruleset **out, const char *path, const th_schema *schema, th_err *e);
void th_rules_free(th_ruleset *rs);

/*
 * Lint: load as th_rules_load does, then report (as findings in out, severity warning)
 * what loads but cannot be right: a rule whose `when` can never hold, a comparison
 * between constants, contradictory bounds on one row across rules (x <= 5 and x >= 10).
 * Returns -1 with *e set when the file does not load at all.
 */
int th_rules_lint(const char *path, const th_schema *schema, th_findings *out, th_err *e);

/*
 * Evaluate every rule on return f, appending findings to out. cal (may be NULL) gives the
 * period's window and deadline; want (kind TH_P_NONE: none) is the period being checked.
 */
void th_rules_check(const th_ruleset *rs, const th_filing *f, const th_calendar *cal,
		    th_period want, th_findings *out);

/*
 * A row a blank return computes from other rows of its form (computed.c): a ratio row of
 * the schema (`ratio A / B`: A / B x 100), or a row that an error rule which always applies,
 * with the tolerance of what is written and blanks skipped, defines as a sum:
 * `[F:X] = sum([F:X.*])` (its children) or `[F:X] = [F:A] + [F:B] + ...`.
 */
typedef struct th_computed {
	int form, row;  /* the row computed: schema indexes */
	th_agg how;     /* TH_AGG_RATIO (parts: numerator, denominator) or TH_AGG_SUM */
	int *parts;     /* rows of the same form */
	size_t n_parts;
	bool all_parts; /* no value unless every part is given; else unless one is (sum of children) */
	const char *rule; /* the defining rule's id (owned by rs); NULL for a ratio of the schema */
} th_computed;

/*
 * The rows of schema s computed from others, in schema order then rule order; rs may be
 * NULL (ratios only). A row defined twice keeps its first definition; definitions on a
 * circle (a = b + c, b = a + c) or leading into one are left out. *out (free with th_computed_free) gets them;
 * returns their number.
 */
size_t th_rules_computed(const th_schema *s, const th_ruleset *rs, th_computed **out);
void th_computed_free(th_computed *v, size_t n);

/* "=", "≤", ... Static. */
const char *th_cmpop_text(th_cmpop op);

#endif
