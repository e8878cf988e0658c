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
#include "base/sbuf.h"
#include "base/text.h"
#include "base/banned.h"

/* Words that introduce a unit's name without being part of it, longest first (keys are case-folded). */
static const char *const prefixes[] = {
	"đơn vị báo cáo:", "đơn vị báo cáo", "đơn vị:", "ủy ban nhân dân", "uỷ ban nhân dân",
	"ubnd", "thị trấn", "phường", "đặc khu", "tt.", "tt", "xã", "p.", "x.",
};

/* The start of key k (th_text_key of a name) past the words that name a unit's kind. */
static const char *past_prefixes(const char *k)
{
	const char *p = k;
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
	return p;
}

/*
 * The key of a name past its kind's words, p: every dash (-, –, —) written " - ", spaces
 * collapsed, so that "Văn Miếu-Quốc Tử Giám", "Văn Miếu – Quốc Tử Giám" and "Văn Miếu -
 * Quốc Tử Giám" are one name; without its diacritics too when ascii. A new string.
 */
static char *name_key(const char *p, int ascii)
{
	th_sbuf sb = TH_SBUF_INIT;
	char *out;

	while (*p) {
		size_t n = *p == '-' ? 1 : (strncmp(p, "\xe2\x80\x93", 3) == 0 || strncmp(p, "\xe2\x80\x94", 3) == 0) ? 3 : 0;
		if (!n) {
			th_sbuf_addc(&sb, *p++);
			continue;
		}
		while (sb.len && sb.buf[sb.len - 1] == ' ')
			sb.len--;
		th_sbuf_adds(&sb, sb.len ? " - " : "- ");
		for (p += n; *p == ' '; p++)
			;
	}
	while (sb.len && sb.buf[sb.len - 1] == ' ')
		sb.len--;
	if (sb.cap)
		sb.buf[sb.len] = '\0';
	out = th_sbuf_detach(&sb, NULL);
	if (ascii) {
		char *k = out;
		out = th_text_key_ascii(k, strlen(k));
		free(k);
	}
	return out;
}

char *th_unit_key(const char *name, int ascii)
{
	char *k = th_text_key(name, strlen(name)), *out;

	out = name_key(past_prefixes(k), ascii);
	free(k);
	return out;
}

/* Add name's keys to u (with and without diacritics); k is th_text_key(name). */
static void add_key(th_unit *u, const char *k, size_t *cap)
{
	const char *p = past_prefixes(k);

	th_grow((void **)&u->keys, cap, u->n_keys + 1, sizeof(*u->keys));
	u->akeys = th_xrealloc(u->akeys, *cap * sizeof(*u->akeys));
	u->keys[u->n_keys] = name_key(p, 0);
	u->akeys[u->n_keys] = name_key(p, 1);
	u->n_keys++;
}

struct th_roster_key {
	const char *key;
	size_t unit;
};

static int keyref_cmp(const void *a, const void *b)
{
	const struct th_roster_key *p = a, *q = b;
	int c = strcmp(p->key, q->key);

	return c ? c : p->unit < q->unit ? -1 : p->unit > q->unit;
}

static const th_roster *sort_roster; /* qsort has no user data; loading is single-threaded */

static int code_cmp(const void *a, const void *b)
{
	return strcmp(sort_roster->units[*(const size_t *)a].code, sort_roster->units[*(const size_t *)b].code);
}

static const struct { const char *name; th_unit_type type; } types[] = {
	{ "xã", TH_UNIT_XA }, { "phường", TH_UNIT_PHUONG }, { "đặc khu", TH_UNIT_DAC_KHU },
	{ "thị trấn", TH_UNIT_THI_TRAN },
};

const char *th_unit_type_name(th_unit_type t)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (types[i].type == t)
			return types[i].name;
	return "";
}

/* The type a unit's name begins with ("Xã Ngô Quyền" → xã), TH_UNIT_OTHER when none; k is
 * th_text_key(name). */
static th_unit_type type_of_key(const char *k)
{
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		size_t n = strlen(types[i].name);
		if (strncmp(k, types[i].name, n) == 0 && k[n] == ' ')
			return types[i].type;
	}
	return TH_UNIT_OTHER;
}

/* The roster's copy of province p (one string per province), added when new. */
static const char *province_of(th_roster *r, const char *p, size_t *cap)
{
	for (size_t i = r->n_provinces; i-- > 0;)
		if (strcmp(r->provinces[i], p) == 0)
			return r->provinces[i];
	th_grow((void **)&r->provinces, cap, r->n_provinces + 1, sizeof(*r->provinces));
	r->provinces[r->n_provinces] = th_xstrdup(p);
	return r->provinces[r->n_provinces++];
}

/* The sorted index of every key (ascii: of the keys without diacritics). */
static struct th_roster_key *build_index(const th_roster *r, int ascii, size_t *n_out)
{
	struct th_roster_key *all = NULL;
	size_t n = 0, cap = 0;

	for (size_t i = 0; i < r->n_units; i++)
		for (size_t k = 0; k < r->units[i].n_keys; k++) {
			th_grow((void **)&all, &cap, n + 1, sizeof(*all));
			all[n].key = ascii ? r->units[i].akeys[k] : r->units[i].keys[k];
			all[n].unit = i;
			n++;
		}
	if (n > 1)
		qsort(all, n, sizeof(*all), keyref_cmp);
	*n_out = n;
	return all;
}

/* Two units of one province that one name designates make matching ambiguous: say so. */
static int check_clashes(const th_roster *r, const th_ini *ini, th_err *e)
{
	for (size_t i = 0; i < r->n_index;) {
		size_t j = i + 1;
		while (j < r->n_index && strcmp(r->index[j].key, r->index[i].key) == 0)
			j++;
		for (size_t b = i + 1; b < j; b++)
			for (size_t a = i; a < b; a++) {
				const th_unit *ua = &r->units[r->index[a].unit], *ub = &r->units[r->index[b].unit];
				if (ua != ub && strcmp(ua->province, ub->province) == 0)
					return th_ini_fail(ini, e, ub->code, NULL, "tên '%s' dùng cho cả đơn vị %s và %s",
							   r->index[b].key, ua->code, ub->code);
			}
		i = j;
	}
	return 0;
}

int th_roster_load(th_roster **out, const char *path, th_err *e)
{
	th_ini *ini = NULL;
	th_roster *r;
	const char *v, *dprov;
	size_t pcap = 0;
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
	r->code = th_xstrdup((v = th_ini_get(ini, "roster", "code")) ? v : "");
	dprov = (v = th_ini_get(ini, "roster", "province")) ? v : "";
	if (th_validity_load(&r->valid, ini, "roster", e))
		goto out;
	r->units = th_xcalloc(th_ini_nsections(ini) + 1, sizeof(*r->units));
	for (size_t i = 0; i < th_ini_nsections(ini); i++) {
		const char *sec = th_ini_section(ini, i), *name, *aliases, *type, *prov;
		char *nkey;
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
		nkey = th_text_key(name, strlen(name));
		u->type = type_of_key(nkey);
		add_key(u, nkey, &cap);
		free(nkey);
		if ((type = th_ini_get(ini, sec, "type")) && *type) {
			char *k = th_text_key(type, strlen(type));
			size_t t = 0;
			while (t < sizeof(types) / sizeof(types[0]) && strcmp(k, types[t].name) != 0)
				t++;
			free(k);
			if (t == sizeof(types) / sizeof(types[0])) {
				th_ini_fail(ini, e, sec, "type", "loại đơn vị '%s' không có: dùng xã, phường, đặc khu "
					    "hoặc thị trấn", type);
				goto out;
			}
			u->type = types[t].type;
		}
		r->n_of_type[u->type]++;
		prov = th_ini_get(ini, sec, "province");
		u->province = province_of(r, prov ? prov : dprov, &pcap);
		aliases = th_ini_get(ini, sec, "aliases");
		for (const char *p = aliases ? aliases : ""; *p;) {
			const char *bar = strchr(p, '|');
			size_t n = bar ? (size_t)(bar - p) : strlen(p);
			if (strspn(p, " \t") < n) { /* not blank */
				char *ak = th_text_key(p, n);
				add_key(u, ak, &cap);
				free(ak);
			}
			p += n + (bar ? 1 : 0);
		}
	}
	if (!r->n_units) {
		th_ini_fail(ini, e, "roster", NULL, "danh sách không có đơn vị nào");
		goto out;
	}
	r->index = build_index(r, 0, &r->n_index);
	r->aindex = build_index(r, 1, &r->n_index);
	if (check_clashes(r, ini, e))
		goto out;
	r->by_code = th_xcalloc(r->n_units, sizeof(*r->by_code));
	for (size_t i = 0; i < r->n_units; i++)
		r->by_code[i] = i;
	sort_roster = r;
	qsort(r->by_code, r->n_units, sizeof(*r->by_code), code_cmp);
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
	for (size_t i = 0; i < r->n_provinces; i++)
		free(r->provinces[i]);
	free(r->provinces);
	free(r->units);
	free(r->by_code);
	free(r->index);
	free(r->aindex);
	free(r->name);
	free(r->parent);
	free(r->code);
	free(r->path);
	free(r);
}

const th_unit *th_roster_by_code(const th_roster *r, const char *code)
{
	size_t lo = 0, hi = r->n_units;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(r->units[r->by_code[mid]].code, code);
		if (c == 0)
			return &r->units[r->by_code[mid]];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The one unit whose keys (or ascii keys) hold key; NULL when none or several. */
static const th_unit *find(const th_roster *r, const char *key, int ascii)
{
	const struct th_roster_key *ix = ascii ? r->aindex : r->index;
	size_t lo = 0, hi = r->n_index;
	const th_unit *hit = NULL;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(ix[mid].key, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < r->n_index && strcmp(ix[lo].key, key) == 0; lo++) {
		if (hit && hit != &r->units[ix[lo].unit])
			return NULL;
		hit = &r->units[ix[lo].unit];
	}
	return hit;
}

/* The type word a written name carries ("UBND thị trấn X" → thị trấn), TH_UNIT_OTHER when none. */
static th_unit_type written_type(const char *name)
{
	static const struct { const char *word; th_unit_type type; } words[] = {
		{ "thị trấn", TH_UNIT_THI_TRAN }, { "tt.", TH_UNIT_THI_TRAN }, { "tt", TH_UNIT_THI_TRAN },
		{ "phường", TH_UNIT_PHUONG }, { "p.", TH_UNIT_PHUONG }, { "đặc khu", TH_UNIT_DAC_KHU },
		{ "xã", TH_UNIT_XA }, { "x.", TH_UNIT_XA },
	};
	static const char *const bodies[] = { "đơn vị báo cáo:", "đơn vị báo cáo", "đơn vị:", "ủy ban nhân dân",
					      "uỷ ban nhân dân", "ubnd" };
	char *k = th_text_key(name, strlen(name)), *p = k;
	th_unit_type t = TH_UNIT_OTHER;

	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
		if (strncmp(p, bodies[i], strlen(bodies[i])) == 0) {
			p += strlen(bodies[i]);
			p += strspn(p, " ");
			i = (size_t)-1; /* "Đơn vị báo cáo: UBND xã …" */
		}
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		size_t n = strlen(words[i].word);
		if (strncmp(p, words[i].word, n) == 0 && (p[n] == ' ' || words[i].word[n - 1] == '.')) {
			t = words[i].type;
			break;
		}
	}
	free(k);
	return t;
}

const th_unit *th_roster_match_how(const th_roster *r, const char *name, bool *by_letters)
{
	char *k, *ak;
	const th_unit *u;
	th_unit_type t = written_type(name);

	if (by_letters)
		*by_letters = false;
	if (t != TH_UNIT_OTHER && !r->n_of_type[t])
		return NULL;
	k = th_unit_key(name, 0);
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
