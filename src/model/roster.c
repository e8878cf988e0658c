/*
 * Loading the roster and matching unit names; see roster.h.
 * SPDX-License-Identifier: MIT
 */
#include "model/roster.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/ini.h"
#include "base/mem.h"
#include "base/text.h"
#include "base/banned.h"

/* Words that introduce a unit's name without being part of it, longest first (keys are case-folded). */
static const char *const prefixes[] = {
	"đơn vị báo cáo:", "đơn vị báo cáo", "đơn vị:", "ủy ban nhân dân", "uỷ ban nhân dân",
	"ubnd", "thị trấn", "phường", "đặc khu", "tt.", "tt", "xã", "p.", "x.",
};

char *th_unit_key(const char *name, int ascii)
{
	char *k = th_text_key(name, strlen(name)), *p = k, *out;
	bool again = true;

	while (again) {
		again = false;
		for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
			size_t n = strlen(prefixes[i]);
			if (strncmp(p, prefixes[i], n) == 0 && (p[n] == ' ' || p[n] == '\0' ||
								prefixes[i][n - 1] == '.' ||
								prefixes[i][n - 1] == ':')) {
				p += n;
				while (*p == ' ')
					p++;
				again = true;
				break;
			}
		}
	}
	out = ascii ? th_text_key_ascii(p, strlen(p)) : th_xstrdup(p);
	free(k);
	return out;
}

static void add_key(th_unit *u, const char *name, size_t *cap)
{
	th_grow((void **)&u->keys, cap, u->n_keys + 1, sizeof(*u->keys));
	u->akeys = th_xrealloc(u->akeys, *cap * sizeof(*u->akeys));
	u->keys[u->n_keys] = th_unit_key(name, 0);
	u->akeys[u->n_keys] = th_unit_key(name, 1);
	u->n_keys++;
}

struct keyref {
	const char *key;
	size_t unit;
};

static int keyref_cmp(const void *a, const void *b)
{
	const struct keyref *p = a, *q = b;
	int c = strcmp(p->key, q->key);

	return c ? c : p->unit < q->unit ? -1 : p->unit > q->unit;
}

int th_roster_load(th_roster **out, const char *path, th_err *e)
{
	th_ini *ini = NULL;
	th_roster *r;
	const char *v;
	int rc = -1;

	*out = NULL;
	if (th_ini_load(&ini, path, e))
		return -1;
	r = th_xcalloc(1, sizeof(*r));
	r->path = th_xstrdup(path);
	if (!th_ini_has_section(ini, "roster")) {
		th_ini_fail(ini, e, "roster", NULL, "thiếu mục [roster]");
		goto out;
	}
	r->name = th_xstrdup((v = th_ini_get(ini, "roster", "name")) ? v : "");
	r->parent = th_xstrdup((v = th_ini_get(ini, "roster", "parent")) ? v : "");
	r->units = th_xcalloc(th_ini_nsections(ini) + 1, sizeof(*r->units));
	for (size_t i = 0; i < th_ini_nsections(ini); i++) {
		const char *sec = th_ini_section(ini, i), *name, *aliases;
		th_unit *u;
		size_t cap = 0;

		if (strcasecmp(sec, "roster") == 0)
			continue;
		for (const char *p = sec; *p; p++)
			if (!isdigit((unsigned char)*p)) {
				th_ini_fail(ini, e, sec, NULL, "mã đơn vị '%s' phải là dãy số (mã ĐVHC 5 chữ số)", sec);
				goto out;
			}
		name = th_ini_get(ini, sec, "name");
		if (!name || !*name) {
			th_ini_fail(ini, e, sec, NULL, "đơn vị %s thiếu 'name'", sec);
			goto out;
		}
		u = &r->units[r->n_units++];
		u->code = th_xstrdup(sec);
		u->name = th_xstrdup(name);
		add_key(u, name, &cap);
		aliases = th_ini_get(ini, sec, "aliases");
		for (const char *p = aliases ? aliases : ""; *p;) {
			const char *bar = strchr(p, '|');
			size_t n = bar ? (size_t)(bar - p) : strlen(p);
			char *a = th_xstrndup(p, n);
			if (a[strspn(a, " \t")])
				add_key(u, a, &cap);
			free(a);
			p += n + (bar ? 1 : 0);
		}
	}
	if (!r->n_units) {
		th_ini_fail(ini, e, "roster", NULL, "danh sách không có đơn vị nào");
		goto out;
	}
	/* two units that one name designates make matching ambiguous: say so now (sorted, as
	 * a province's roster has thousands of units) */
	{
		struct keyref *all = NULL;
		size_t n = 0, cap = 0;
		bool clash = false;

		for (size_t i = 0; i < r->n_units; i++)
			for (size_t k = 0; k < r->units[i].n_keys; k++) {
				th_grow((void **)&all, &cap, n + 1, sizeof(*all));
				all[n].key = r->units[i].keys[k];
				all[n].unit = i;
				n++;
			}
		if (n > 1)
			qsort(all, n, sizeof(*all), keyref_cmp);
		for (size_t i = 1; i < n && !clash; i++)
			if (strcmp(all[i - 1].key, all[i].key) == 0 && all[i - 1].unit != all[i].unit) {
				const th_unit *a = &r->units[all[i - 1].unit], *b = &r->units[all[i].unit];
				th_ini_fail(ini, e, b->code, NULL, "tên '%s' dùng cho cả đơn vị %s và %s",
					    all[i].key, a->code, b->code);
				clash = true;
			}
		free(all);
		if (clash)
			goto out;
	}
	rc = 0;
out:
	th_ini_free(ini);
	if (rc) {
		th_roster_free(r);
		return -1;
	}
	*out = r;
	return 0;
}

void th_roster_free(th_roster *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_units; i++) {
		for (size_t k = 0; k < r->units[i].n_keys; k++) {
			free(r->units[i].keys[k]);
			free(r->units[i].akeys[k]);
		}
		free(r->units[i].keys);
		free(r->units[i].akeys);
		free(r->units[i].code);
		free(r->units[i].name);
	}
	free(r->units);
	free(r->name);
	free(r->parent);
	free(r->path);
	free(r);
}

const th_unit *th_roster_by_code(const th_roster *r, const char *code)
{
	for (size_t i = 0; i < r->n_units; i++)
		if (strcmp(r->units[i].code, code) == 0)
			return &r->units[i];
	return NULL;
}

/* The one unit whose keys (or ascii keys) hold key; NULL when none or several. */
static const th_unit *find(const th_roster *r, const char *key, int ascii)
{
	const th_unit *hit = NULL;

	for (size_t i = 0; i < r->n_units; i++)
		for (size_t k = 0; k < r->units[i].n_keys; k++)
			if (strcmp(ascii ? r->units[i].akeys[k] : r->units[i].keys[k], key) == 0) {
				if (hit && hit != &r->units[i])
					return NULL;
				hit = &r->units[i];
			}
	return hit;
}

const th_unit *th_roster_match_how(const th_roster *r, const char *name, bool *by_letters)
{
	char *k = th_unit_key(name, 0), *ak;
	const th_unit *u;

	if (by_letters)
		*by_letters = false;
	u = *k ? find(r, k, 0) : NULL;
	free(k);
	if (u)
		return u;
	ak = th_unit_key(name, 1);
	u = *ak ? find(r, ak, 1) : NULL;
	free(ak);
	if (u && by_letters)
		*by_letters = true;
	return u;
}

const th_unit *th_roster_match(const th_roster *r, const char *name)
{
	return th_roster_match_how(r, name, NULL);
}
