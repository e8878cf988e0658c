/*
 * Loading rules: one INI section per rule, its keys checked, its `check` and `when` parsed
 * by the rule language (expr.h). Every reference is resolved against the schema at load
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
#include "base/text.h"
#include "check/expr.h"
#include "base/banned.h"

/* ---- rules ---- */

/* Record a parse error as a configuration failure with a caret under the fault. */
static int parse_fail(const th_ini *ini, const char *sec, const char *key, struct th_parser *ps, th_err *e)
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

static void rule_release(th_rule *r)
{
	free(r->id);
	free(r->title);
	free(r->check_text);
	free(r->when_text);
	free(r->message);
	th_expr_free(r->left);
	th_expr_free(r->right);
	th_expr_free(r->when_left);
	th_expr_free(r->when_right);
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
	struct th_parser ps = { 0 };
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
	b = th_expr_builtin(&ps, r);
	if (b < 0)
		return parse_fail(ini, sec, "check", &ps, e);
	if (b == 0) {
		r->kind = TH_CK_COMPARE;
		if (th_expr_comparison(&ps, &r->left, &r->op, &r->right))
			return parse_fail(ini, sec, "check", &ps, e);
	}
	if ((v = th_ini_get(ini, sec, "when")) && *v) {
		struct th_parser pw = { .text = v, .p = v, .schema = schema };
		r->when_text = th_xstrdup(v);
		if (th_expr_comparison(&pw, &r->when_left, &r->when_op, &r->when_right))
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

