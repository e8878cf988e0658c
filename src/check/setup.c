/*
 * Choosing the configuration files by period; see setup.h.
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE /* realpath(NULL) */
#include "check/setup.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "base/mem.h"
#include "base/sbuf.h"
#include "model/validity.h"
#include "base/banned.h"

enum kind { K_SCHEMA, K_ROSTER, K_CALENDAR, K_N };

static const char *const kind_vi[K_N] = { "biểu mẫu", "danh sách đơn vị", "lịch báo cáo" };
static const char *const kind_key[K_N] = { "schema", "roster", "calendar" };

struct cached {
	enum kind kind;
	char *path;
	void *obj;
};

struct cached_rules {
	const th_schema *schema;
	char *path;
	th_ruleset *rs;
};

struct th_setup {
	char *named[K_N], *named_how[K_N];
	char *rules, *rules_how, *folder;
	bool load_rules;
	bool scanned;
	char **shipped; /* the schemas of the folder, by file name */
	size_t n_shipped;
	struct cached *files;
	size_t n_files, cap_files;
	struct cached_rules *rulesets;
	size_t n_rulesets, cap_rulesets;
};

static char *dup_or_null(const char *s)
{
	return s ? th_xstrdup(s) : NULL;
}

void th_setup_new(th_setup **out, const th_setup_opts *o)
{
	th_setup *s = th_xcalloc(1, sizeof(*s));
	const char *named[K_N] = { o->schema, o->roster, o->calendar };
	const char *how[K_N] = { o->schema_how, o->roster_how, o->calendar_how };
	static const char *const opt[K_N] = { "--schema", "--roster", "--calendar" };

	for (int k = 0; k < K_N; k++) {
		s->named[k] = dup_or_null(named[k]);
		s->named_how[k] = th_xstrdup(how[k] ? how[k] : opt[k]);
	}
	s->rules = dup_or_null(o->rules);
	s->rules_how = th_xstrdup(o->rules_how ? o->rules_how : "--rules");
	s->folder = th_xstrdup(o->folder ? o->folder : "schemas");
	s->load_rules = o->load_rules;
	*out = s;
}

static void free_obj(enum kind k, void *obj)
{
	if (k == K_SCHEMA)
		th_schema_free(obj);
	else if (k == K_ROSTER)
		th_roster_free(obj);
	else
		th_calendar_free(obj);
}

void th_setup_free(th_setup *s)
{
	if (!s)
		return;
	/* rules first: they borrow their schema */
	for (size_t i = 0; i < s->n_rulesets; i++) {
		th_rules_free(s->rulesets[i].rs);
		free(s->rulesets[i].path);
	}
	free(s->rulesets);
	for (size_t i = 0; i < s->n_files; i++) {
		free_obj(s->files[i].kind, s->files[i].obj);
		free(s->files[i].path);
	}
	free(s->files);
	for (size_t i = 0; i < s->n_shipped; i++)
		free(s->shipped[i]);
	free(s->shipped);
	for (int k = 0; k < K_N; k++) {
		free(s->named[k]);
		free(s->named_how[k]);
	}
	free(s->rules);
	free(s->rules_how);
	free(s->folder);
	free(s);
}

/* ---- loading, once per file ---- */

static void *get(th_setup *s, enum kind k, const char *path, th_err *e)
{
	void *obj = NULL;
	int rc;

	for (size_t i = 0; i < s->n_files; i++)
		if (s->files[i].kind == k && strcmp(s->files[i].path, path) == 0)
			return s->files[i].obj;
	if (k == K_SCHEMA)
		rc = th_schema_load((th_schema **)&obj, path, e);
	else if (k == K_ROSTER)
		rc = th_roster_load((th_roster **)&obj, path, e);
	else
		rc = th_calendar_load((th_calendar **)&obj, path, e);
	if (rc)
		return NULL;
	th_grow((void **)&s->files, &s->cap_files, s->n_files + 1, sizeof(*s->files));
	s->files[s->n_files].kind = k;
	s->files[s->n_files].path = th_xstrdup(path);
	s->files[s->n_files].obj = obj;
	s->n_files++;
	return obj;
}

static const th_validity *validity_of(enum kind k, const void *obj)
{
	if (k == K_SCHEMA)
		return &((const th_schema *)obj)->valid;
	if (k == K_ROSTER)
		return &((const th_roster *)obj)->valid;
	return &((const th_calendar *)obj)->valid;
}

/* True when the first section of the INI file at path is [schema] (a cheap look: the
 * folder also holds the 3,321-unit national roster). */
static bool is_schema_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char line[1100];
	bool yes = false;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		char *p = line;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '[') {
			char *end = strchr(p, ']');
			yes = end && end - p - 1 == 6 && strncasecmp(p + 1, "schema", 6) == 0;
			break;
		}
	}
	fclose(f);
	return yes;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The schemas of the folder: every *.ini whose first section is [schema], by name. */
static int scan_folder(th_setup *s, th_err *e)
{
	DIR *d;
	struct dirent *de;
	size_t cap = 0;
	char eb[TH_ERRNO_VI_MAX];

	if (s->scanned)
		return 0;
	d = opendir(s->folder);
	if (!d)
		return th_fail(e, TH_E_CONFIG, "%s: không mở được thư mục biểu mẫu (%s)", s->folder,
			       th_errno_vi(errno, eb));
	while ((de = readdir(d))) {
		size_t n = strlen(de->d_name);
		th_sbuf sb = TH_SBUF_INIT;
		struct stat st;
		char *p;

		if (n < 5 || strcmp(de->d_name + n - 4, ".ini") != 0 || de->d_name[0] == '.')
			continue;
		th_sbuf_addf(&sb, "%s/%s", s->folder, de->d_name);
		p = th_sbuf_detach(&sb, NULL);
		if (stat(p, &st) == 0 && S_ISREG(st.st_mode) && is_schema_file(p)) {
			th_grow((void **)&s->shipped, &cap, s->n_shipped + 1, sizeof(*s->shipped));
			s->shipped[s->n_shipped++] = p;
		} else {
			free(p);
		}
	}
	closedir(d);
	if (s->n_shipped > 1)
		qsort(s->shipped, s->n_shipped, sizeof(*s->shipped), name_cmp);
	s->scanned = true;
	if (!s->n_shipped)
		return th_fail(e, TH_E_CONFIG, "%s: không có biểu mẫu nào (tệp .ini có mục [schema]) trong thư mục",
			       s->folder);
	return 0;
}

/* ---- choosing ---- */

const char *th_when_vi(th_period p, th_date day, char out[TH_WHEN_VI_MAX])
{
	char label[TH_PERIOD_LABEL_MAX], d[TH_DATE_MAX];

	out[0] = '\0';
	if (p.kind != TH_P_NONE) {
		th_period_label_vi(p, label, sizeof(label));
		th_date_vn(th_period_last_day(p), d);
		snprintf(out, TH_WHEN_VI_MAX, "%s (kỳ kết thúc ngày %s)", label, d);
	} else if (day.y) {
		th_date_vn(day, d);
		snprintf(out, TH_WHEN_VI_MAX, "ngày %s", d);
	}
	return out;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* Whether a reaches further into the future than b: an open end first, then the later end,
 * then the later start. */
static bool further(const th_validity *a, const th_validity *b)
{
	if (!a->to.y != !b->to.y)
		return !a->to.y;
	if (a->to.y && th_date_cmp(a->to, b->to) != 0)
		return th_date_cmp(a->to, b->to) > 0;
	return th_date_cmp(a->from, b->from) > 0;
}

/* Append "PATH (từ … đến …)" for each of paths, loaded already. */
static void add_list(th_setup *s, enum kind k, th_sbuf *sb, char *const *paths, size_t n)
{
	char v[TH_VALIDITY_VI_MAX];

	for (size_t i = 0; i < n; i++) {
		const void *obj = get(s, k, paths[i], NULL);
		th_sbuf_addf(sb, "%s%s (%s)", i ? ", " : "", paths[i], obj ? th_validity_vi(validity_of(k, obj), v) : "?");
	}
}

/*
 * A file named explicitly: load it and require that it holds for day (when known).
 */
static void *named(th_setup *s, enum kind k, th_period p, th_date day, char **why, th_err *e)
{
	void *obj = get(s, k, s->named[k], e);
	char v[TH_VALIDITY_VI_MAX], w[TH_WHEN_VI_MAX];
	th_sbuf sb = TH_SBUF_INIT;

	if (!obj)
		return NULL;
	if (day.y && !th_validity_holds(validity_of(k, obj), day)) {
		th_fail(e, TH_E_CONFIG, "%s: %s này có hiệu lực %s, không dùng được cho %s — tệp được chỉ ra bằng %s",
			s->named[k], kind_vi[k], th_validity_vi(validity_of(k, obj), v), th_when_vi(p, day, w),
			s->named_how[k]);
		return NULL;
	}
	th_sbuf_addf(&sb, "chỉ ra bằng %s", s->named_how[k]);
	*why = th_sbuf_detach(&sb, NULL);
	return obj;
}

/*
 * The roster or calendar of schema sc for day: the first listed that holds (no day: the one
 * reaching furthest). NULL with *why NULL and no failure when the schema lists none.
 */
static void *listed(th_setup *s, enum kind k, const th_schema *sc, th_period p, th_date day, char **why,
		    th_err *e)
{
	char *const *paths = k == K_ROSTER ? sc->rosters : sc->calendars;
	size_t n = k == K_ROSTER ? sc->n_rosters : sc->n_calendars;
	char v[TH_VALIDITY_VI_MAX], w[TH_WHEN_VI_MAX];
	th_sbuf sb = TH_SBUF_INIT;
	void *best = NULL;
	size_t at = 0;

	*why = NULL;
	if (!n)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		void *obj = get(s, k, paths[i], e);
		if (!obj)
			return NULL;
		if (day.y ? th_validity_holds(validity_of(k, obj), day) && !best :
			    !best || further(validity_of(k, obj), validity_of(k, best))) {
			best = obj;
			at = i;
		}
	}
	if (!best) {
		th_sbuf_addf(&sb, "%s: không có %s nào biểu mẫu này ghi (%s = …) có hiệu lực cho %s: ", sc->path,
			     kind_vi[k], kind_key[k], th_when_vi(p, day, w));
		add_list(s, k, &sb, paths, n);
		th_sbuf_addf(&sb, "; chỉ ra một %s bằng %s", kind_vi[k], s->named_how[k]);
		th_fail(e, TH_E_CONFIG, "%s", sb.buf);
		th_sbuf_release(&sb);
		return NULL;
	}
	th_sbuf_addf(&sb, "biểu mẫu ghi %s =", kind_key[k]);
	for (size_t i = 0; i < n; i++)
		th_sbuf_addf(&sb, " %s", base_name(paths[i]));
	if (day.y)
		th_sbuf_addf(&sb, "; tệp đầu tiên có hiệu lực cho %s", th_when_vi(p, day, w));
	else
		th_sbuf_adds(&sb, "; chưa biết kỳ: tệp có hiệu lực đến xa nhất");
	for (size_t i = 0; i < n; i++)
		if (i != at) {
			const th_validity *vi = validity_of(k, get(s, k, paths[i], NULL));
			if (day.y && th_validity_holds(vi, day))
				th_sbuf_addf(&sb, "; không dùng %s (cũng có hiệu lực nhưng ghi sau)", base_name(paths[i]));
			else
				th_sbuf_addf(&sb, "; không dùng %s (hiệu lực %s)", base_name(paths[i]), th_validity_vi(vi, v));
		}
	*why = th_sbuf_detach(&sb, NULL);
	return best;
}

/* The schema of the shipped folder for day: the latest valid_from among those that hold. */
static th_schema *shipped(th_setup *s, th_period p, th_date day, char **why, th_err *e)
{
	th_schema *best = NULL, *tie = NULL;
	size_t holding = 0;
	char v[TH_VALIDITY_VI_MAX], w[TH_WHEN_VI_MAX], d[TH_DATE_MAX];
	th_sbuf sb = TH_SBUF_INIT;

	if (scan_folder(s, e))
		return NULL;
	for (size_t i = 0; i < s->n_shipped; i++) {
		th_schema *sc = get(s, K_SCHEMA, s->shipped[i], e);
		if (!sc)
			return NULL;
		if (!day.y) {
			if (!best || further(&sc->valid, &best->valid))
				best = sc;
			continue;
		}
		if (!th_validity_holds(&sc->valid, day))
			continue;
		holding++;
		if (!best || th_date_cmp(sc->valid.from, best->valid.from) > 0) {
			best = sc;
			tie = NULL;
		} else if (th_date_cmp(sc->valid.from, best->valid.from) == 0) {
			tie = sc;
		}
	}
	if (day.y && !best) {
		th_sbuf_addf(&sb, "%s: không có biểu mẫu nào có hiệu lực cho %s: ", s->folder, th_when_vi(p, day, w));
		add_list(s, K_SCHEMA, &sb, s->shipped, s->n_shipped);
		th_sbuf_addf(&sb, "; thêm một biểu mẫu có hiệu lực vào thư mục, hoặc chỉ ra một biểu mẫu bằng %s",
			     s->named_how[K_SCHEMA]);
		th_fail(e, TH_E_CONFIG, "%s", sb.buf);
		th_sbuf_release(&sb);
		return NULL;
	}
	if (tie) {
		th_date_vn(best->valid.from, d);
		th_fail(e, TH_E_CONFIG, "%s và %s cùng có hiệu lực cho %s, cùng từ ngày %s: sửa valid_from của "
			"một trong hai, hoặc chỉ ra biểu mẫu bằng %s", best->path, tie->path, th_when_vi(p, day, w),
			d[0] ? d : "(không ghi)", s->named_how[K_SCHEMA]);
		return NULL;
	}
	th_sbuf_addf(&sb, "%zu biểu mẫu trong %s; ", s->n_shipped, s->folder);
	if (day.y)
		th_sbuf_addf(&sb, "%s cho %s", holding > 1 ? "biểu mẫu mới nhất có hiệu lực" : "biểu mẫu có hiệu lực",
			     th_when_vi(p, day, w));
	else
		th_sbuf_adds(&sb, "chưa biết kỳ: biểu mẫu có hiệu lực đến xa nhất");
	for (size_t i = 0; i < s->n_shipped; i++) {
		const th_schema *sc = get(s, K_SCHEMA, s->shipped[i], NULL);
		if (sc != best)
			th_sbuf_addf(&sb, "; không dùng %s (hiệu lực %s)", base_name(sc->path),
				     th_validity_vi(&sc->valid, v));
	}
	*why = th_sbuf_detach(&sb, NULL);
	return best;
}

char *th_setup_rules_beside(const th_schema *s)
{
	const char *slash = strrchr(s->path, '/');
	th_sbuf sb = TH_SBUF_INIT;
	char *p, *real;

	if (slash)
		th_sbuf_add(&sb, s->path, (size_t)(slash - s->path + 1));
	th_sbuf_addf(&sb, "../rules/%s", base_name(s->path));
	p = th_sbuf_detach(&sb, NULL);
	real = realpath(p, NULL); /* show rules/x.ini, not schemas/../rules/x.ini */
	if (real) {
		free(p);
		return real;
	}
	return p;
}

static const th_ruleset *rules_for(th_setup *s, const th_schema *sc, const char *path, th_err *e)
{
	th_ruleset *rs;

	for (size_t i = 0; i < s->n_rulesets; i++)
		if (s->rulesets[i].schema == sc && strcmp(s->rulesets[i].path, path) == 0)
			return s->rulesets[i].rs;
	if (th_rules_load(&rs, path, sc, e))
		return NULL;
	th_grow((void **)&s->rulesets, &s->cap_rulesets, s->n_rulesets + 1, sizeof(*s->rulesets));
	s->rulesets[s->n_rulesets].schema = sc;
	s->rulesets[s->n_rulesets].path = th_xstrdup(path);
	s->rulesets[s->n_rulesets].rs = rs;
	s->n_rulesets++;
	return rs;
}

void th_pick_release(th_pick *p)
{
	for (int i = 0; i < TH_PICK_N; i++)
		free(p->why[i]);
	free((char *)p->rules_path);
	memset(p, 0, sizeof(*p));
}

int th_setup_pick(th_setup *s, th_period p, th_date day, th_pick *out, th_err *e)
{
	th_pick r;
	char *rp;

	th_pick_release(out);
	memset(&r, 0, sizeof(r));
	if (p.kind != TH_P_NONE)
		day = th_period_last_day(p);
	r.period = p;
	r.day = day;
	r.schema = s->named[K_SCHEMA] ? named(s, K_SCHEMA, p, day, &r.why[TH_PICK_SCHEMA], e) :
					 shipped(s, p, day, &r.why[TH_PICK_SCHEMA], e);
	if (!r.schema)
		goto fail;
	r.roster = s->named[K_ROSTER] ? named(s, K_ROSTER, p, day, &r.why[TH_PICK_ROSTER], e) :
					 listed(s, K_ROSTER, r.schema, p, day, &r.why[TH_PICK_ROSTER], e);
	if (!r.roster && (s->named[K_ROSTER] || r.schema->n_rosters))
		goto fail;
	r.calendar = s->named[K_CALENDAR] ? named(s, K_CALENDAR, p, day, &r.why[TH_PICK_CALENDAR], e) :
					     listed(s, K_CALENDAR, r.schema, p, day, &r.why[TH_PICK_CALENDAR], e);
	if (!r.calendar && (s->named[K_CALENDAR] || r.schema->n_calendars))
		goto fail;
	rp = s->rules ? th_xstrdup(s->rules) : th_setup_rules_beside(r.schema);
	r.rules_path = rp;
	{
		th_sbuf sb = TH_SBUF_INIT;
		if (s->rules)
			th_sbuf_addf(&sb, "chỉ ra bằng %s", s->rules_how);
		else
			th_sbuf_adds(&sb, "cùng tên với biểu mẫu, trong thư mục rules/ cạnh thư mục biểu mẫu");
		r.why[TH_PICK_RULES] = th_sbuf_detach(&sb, NULL);
	}
	if (s->load_rules && !(r.rules = rules_for(s, r.schema, rp, e)))
		goto fail;
	*out = r;
	return 0;
fail:
	th_pick_release(&r);
	return -1;
}

/* ---- a return's own period ---- */

th_date th_setup_day(const th_filing *f)
{
	if (f->period.kind != TH_P_NONE)
		return th_period_last_day(f->period);
	if (f->window_to.y)
		return f->window_to;
	return f->report_date;
}

int th_setup_read(th_setup *s, th_pick *cur, const char *path, th_filing **out, th_err *e)
{
	th_filing *f;
	th_pick next;
	th_date day;
	th_period none = { TH_P_NONE, 0, 0 };

	*out = NULL;
	if (th_filing_read(&f, path, cur->schema, cur->roster, e))
		return -1;
	day = th_setup_day(f);
	if (!day.y) {
		*out = f;
		return 0;
	}
	memset(&next, 0, sizeof(next));
	if (th_setup_pick(s, f->period.kind != TH_P_NONE ? f->period : none, day, &next, e)) {
		th_filing_free(f);
		return -1;
	}
	if (next.schema != cur->schema || next.roster != cur->roster) {
		/* read again with the files of its period; a schema of another period is expected
		 * to read the same period from the header (it is not chosen a second time) */
		th_filing_free(f);
		if (th_filing_read(&f, path, next.schema, next.roster, e)) {
			th_pick_release(&next);
			return -1;
		}
	}
	th_pick_release(cur);
	*cur = next;
	*out = f;
	return 0;
}
