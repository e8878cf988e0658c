/*
 * The rows a blank return computes from others instead of asking for them (rules.h
 * th_rules_computed): what is computed is decided by the data, the schema's ratio rows
 * and the rules that define a row as a sum, never by code that names a row. A row whose
 * parts do not add up to it by definition (4.1 >= 4.2 + 4.3 + 4.4, or a rule that is only
 * a warning, or holds only sometimes) is not computed: the commune writes it.
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "check/expr.h"
#include "check/rules.h"
#include "base/banned.h"

struct defs {
	th_computed *v;
	size_t n, cap;
};

/* Is row (of form) already the target of a definition in d? */
static th_computed *defined(struct defs *d, int form, int row)
{
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].form == form && d->v[i].row == row)
			return &d->v[i];
	return NULL;
}

static th_computed *add(struct defs *d, int form, int row, th_agg how, const char *rule)
{
	th_computed *c;

	th_grow((void **)&d->v, &d->cap, d->n + 1, sizeof(*d->v));
	c = &d->v[d->n++];
	memset(c, 0, sizeof(*c));
	c->form = form;
	c->row = row;
	c->how = how;
	c->rule = rule;
	return c;
}

static void add_part(th_computed *c, int row)
{
	size_t cap = c->n_parts;

	th_grow((void **)&c->parts, &cap, c->n_parts + 1, sizeof(*c->parts));
	c->parts[c->n_parts++] = row;
}

/* Collect the row references of a chain of '+' over one form into c; false when the tree is
 * anything else (a number, another operator, a function, another form). */
static bool plus_chain(const th_node *n, int form, th_computed *c)
{
	if (n->kind == TH_N_ADD)
		return plus_chain(n->a, form, c) && plus_chain(n->b, form, c);
	if (n->kind != TH_N_REF || n->form != form)
		return false;
	add_part(c, n->row);
	return true;
}

/* The definition a rule gives, when it is one: an error, always applying, '=' with the
 * tolerance of what is written, a row on the left and on the right the sum of its children
 * (sum([F:X.*])) or a '+' of rows of the same form, none of them the row itself. */
static void from_rule(struct defs *d, const th_schema *s, const th_rule *r)
{
	const th_node *l = r->left, *x = r->right;
	th_computed probe = { 0 };
	th_computed *c;
	bool ok;

	if (r->kind != TH_CK_COMPARE || r->op != TH_EQ || r->severity != TH_SEV_ERROR || r->when_left ||
	    r->tolerance >= 0 || r->missing != TH_MISSING_SKIP || !l || !x || l->kind != TH_N_REF)
		return;
	{
		const th_rowdef *rd = &s->forms[l->form].rows[l->row];
		if (rd->kind == TH_ROW_GROUP || rd->kind == TH_ROW_CODED || defined(d, l->form, l->row))
			return;
	}
	if (x->kind == TH_N_SUM && x->a && x->a->kind == TH_N_CHILDREN && x->a->form == l->form) {
		const th_formdef *fd = &s->forms[l->form];
		probe.all_parts = false;
		for (size_t i = 0; i < fd->n_rows; i++)
			if (th_code_is_child(fd->rows[x->a->row].code, fd->rows[i].code))
				add_part(&probe, (int)i);
		ok = probe.n_parts > 0;
	} else {
		probe.all_parts = true;
		ok = plus_chain(x, l->form, &probe) && probe.n_parts > 1;
	}
	for (size_t i = 0; ok && i < probe.n_parts; i++)
		ok = probe.parts[i] != l->row;
	if (ok) {
		c = add(d, l->form, l->row, TH_AGG_SUM, r->id);
		c->parts = probe.parts;
		c->n_parts = probe.n_parts;
		c->all_parts = probe.all_parts;
	} else {
		free(probe.parts);
	}
}

/* Does following the parts of definition i lead back to it? (depth-first; state: 0 new,
 * 1 on the path, 2 done and clear) */
static bool cycles(const struct defs *d, size_t i, char *state)
{
	if (state[i] == 1)
		return true;
	if (state[i] == 2)
		return false;
	state[i] = 1;
	for (size_t k = 0; k < d->v[i].n_parts; k++)
		for (size_t j = 0; j < d->n; j++)
			if (d->v[j].form == d->v[i].form && d->v[j].row == d->v[i].parts[k] && cycles(d, j, state))
				return true;
	state[i] = 2;
	return false;
}

size_t th_rules_computed(const th_schema *s, const th_ruleset *rs, th_computed **out)
{
	struct defs d = { 0 };
	size_t kept = 0;

	for (size_t f = 0; f < s->n_forms; f++)
		for (size_t r = 0; r < s->forms[f].n_rows; r++) {
			const th_rowdef *rd = &s->forms[f].rows[r];
			th_computed *c;
			if (rd->agg != TH_AGG_RATIO || rd->num < 0 || rd->den < 0)
				continue;
			c = add(&d, (int)f, (int)r, TH_AGG_RATIO, NULL);
			add_part(c, rd->num);
			add_part(c, rd->den);
			c->all_parts = true;
		}
	for (size_t i = 0; rs && i < rs->n_rules; i++)
		from_rule(&d, s, &rs->rules[i]);
	/* a definition that leads back to itself (through others) is no formula a sheet can
	 * hold: every definition on a circle is left out, decided before any is removed */
	{
		bool *drop = th_xcalloc(d.n + 1, sizeof(*drop));
		for (size_t i = 0; i < d.n; i++) {
			char *state = th_xcalloc(d.n + 1, 1);
			drop[i] = cycles(&d, i, state);
			free(state);
		}
		for (size_t i = 0; i < d.n; i++) {
			if (drop[i])
				free(d.v[i].parts);
			else
				d.v[kept++] = d.v[i];
		}
		free(drop);
	}
	if (!kept) {
		free(d.v);
		d.v = NULL;
	}
	*out = d.v;
	return kept;
}

void th_computed_free(th_computed *v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i].parts);
	free(v);
}
