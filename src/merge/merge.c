/*
 * Consolidating a period; see merge.h. Files are read one at a time; a used return keeps
 * its typed values (the consolidated figures) and findings, everything else only its
 * status and the reason, so memory grows with the units' figures, not with the files.
 * SPDX-License-Identifier: MIT
 */
#include "merge/merge.h"

#include <dirent.h>
#include <pthread.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/sbuf.h"
#include "check/check_file.h"
#include "merge/upward.h"
#include "read/grid.h"
#include "base/banned.h"

const char *th_fstatus_name(th_fstatus s)
{
	static const char *const n[] = { "used", "superseded", "wrong_period", "unknown_unit",
					 "unreadable", "skipped", "refused" };
	return (unsigned)s < sizeof(n) / sizeof(n[0]) ? n[s] : "";
}

const char *th_fstatus_vi(th_fstatus s)
{
	static const char *const n[] = { "đã dùng", "bị thay bằng bản mới hơn", "sai kỳ báo cáo",
					 "đơn vị không có trong danh sách hoặc không xác định được", "không đọc được",
					 "bỏ qua", "không dùng được (sổ tổng hợp)" };
	return (unsigned)s < sizeof(n) / sizeof(n[0]) ? n[s] : "";
}

/* ---- the file list ---- */

/* Folders are gone into this deep below the one given (DIR/11242-thanhtung/bao-cao.xlsx is
 * one level down): returns kept one folder per commune, perhaps one per period inside. */
#define FOLDER_DEPTH 3

struct list {
	char **path;
	bool *from_folder;
	char **why;       /* decided while listing (a link, a folder too deep): why it is skipped */
	size_t n, cap;
};

static void list_add(struct list *l, const char *path, bool from_folder, const char *why)
{
	size_t cap = l->cap;

	th_grow((void **)&l->path, &l->cap, l->n + 1, sizeof(*l->path));
	if (l->cap != cap) {
		l->from_folder = th_xrealloc(l->from_folder, l->cap * sizeof(*l->from_folder));
		l->why = th_xrealloc(l->why, l->cap * sizeof(*l->why));
	}
	l->path[l->n] = th_xstrdup(path);
	l->from_folder[l->n] = from_folder;
	l->why[l->n] = why ? th_xstrdup(why) : NULL;
	l->n++;
}

static void list_release(struct list *l)
{
	free(l->path);
	free(l->from_folder);
	free(l->why);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * A folder's entries, sorted by name, hidden files left out; its subfolders gone into
 * depth levels more. A link met in a folder is not followed (it may lead anywhere, or round
 * in a circle): it is listed, skipped, and said.
 */
static void add_folder(struct list *l, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (!d) {
		list_add(l, dir, depth > 0, NULL); /* reported as unreadable when read */
		return;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		th_grow((void **)&names, &cap, n + 1, sizeof(*names));
		names[n++] = th_xstrdup(de->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n; i++) {
		th_sbuf sb = TH_SBUF_INIT;
		struct stat st;
		char why[96];
		th_sbuf_addf(&sb, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", names[i]);
		if (lstat(sb.buf, &st) != 0)
			st.st_mode = 0; /* gone meanwhile: said when read */
		if (S_ISLNK(st.st_mode)) {
			list_add(l, sb.buf, true, "liên kết (symlink) trong thư mục: không đi theo");
		} else if (S_ISDIR(st.st_mode) && depth < FOLDER_DEPTH) {
			add_folder(l, sb.buf, depth + 1);
		} else if (S_ISDIR(st.st_mode)) {
			snprintf(why, sizeof(why), "thư mục nằm sâu quá %d cấp trong thư mục đã chọn: không đọc",
				 FOLDER_DEPTH);
			list_add(l, sb.buf, true, why);
		} else {
			list_add(l, sb.buf, true, NULL);
		}
		th_sbuf_release(&sb);
		free(names[i]);
	}
	free(names);
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static bool spreadsheet_name(const char *p)
{
	static const char *const ext[] = { ".xlsx", ".xlsm", ".xls", ".xlsb", ".ods", ".xltx" };
	const char *dot = strrchr(base_name(p), '.');

	for (size_t i = 0; dot && i < sizeof(ext) / sizeof(ext[0]); i++)
		if (strcasecmp(dot, ext[i]) == 0)
			return true;
	return false;
}

static char *msgf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *msgf(const char *fmt, ...)
{
	va_list ap;
	int n;
	char *s;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	s = th_xmalloc(n > 0 ? (size_t)n + 1 : 1);
	s[0] = '\0';
	if (n > 0) {
		va_start(ap, fmt);
		vsnprintf(s, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	return s;
}

static void form_offsets(th_merge *m);

/* ---- reading one file ---- */

/*
 * The roster unit whose code the file's name or its folder's name holds ("11242-thanhtung/
 * bao-cao.xlsx", "BC Q3 11242.xlsx"): five digits standing alone, the file's name first.
 * Only for a file that could not be read, to say whose file failed; never for figures.
 * NULL when neither name holds a code of the roster.
 */
static const th_unit *unit_by_name(const th_roster *r, const char *path)
{
	const char *end = path + strlen(path), *start;

	for (int part = 0; part < 2 && end > path; part++) {
		start = end;
		while (start > path && start[-1] != '/')
			start--;
		for (const char *p = start; p + 5 <= end; p++) {
			char code[6];
			const th_unit *u;
			if ((p > start && p[-1] >= '0' && p[-1] <= '9') || strspn(p, "0123456789") != 5 ||
			    (p + 5 < end && p[5] >= '0' && p[5] <= '9'))
				continue;
			memcpy(code, p, 5);
			code[5] = '\0';
			u = th_roster_by_code(r, code);
			if (u)
				return u;
		}
		end = start > path ? start - 1 : path;
	}
	return NULL;
}

static void unreadable(const th_merge *m, th_mfile *mf, const th_err *e)
{
	mf->status = TH_F_UNREADABLE;
	mf->message = th_xstrdup(e->msg);
	mf->unit = unit_by_name(m->roster, mf->path);
	mf->unit_by_name = mf->unit != NULL;
}

static void use_filing(th_merge *m, th_mfile *mf, th_filing *f, const th_ruleset *rules);

/*
 * Read one file: a return, or a consolidated workbook a merge wrote (upward.h), told apart
 * by the workbook itself, which is read once.
 */
static void read_one(th_merge *m, th_mfile *mf, bool from_folder, const th_ruleset *rules)
{
	struct stat st;
	th_err e = { 0 };
	th_filing *f = NULL;
	th_grid *g = NULL;
	int book, rc;

	if (mf->message)
		return; /* decided before reading: a file given twice, or this run's output */
	if (stat(mf->path, &st) == 0)
		mf->mtime = (int64_t)st.st_mtime;
	if (strncmp(base_name(mf->path), "~$", 2) == 0) {
		mf->status = TH_F_SKIPPED;
		mf->message = th_xstrdup("tệp khoá tạm của Excel (~$…), không phải báo cáo");
		return;
	}
	if (from_folder && !spreadsheet_name(mf->path)) {
		mf->status = TH_F_SKIPPED;
		mf->message = th_xstrdup("không phải tệp bảng tính");
		return;
	}
	if (th_grid_load(&g, mf->path, &e)) {
		unreadable(m, mf, &e);
		return;
	}
	book = th_upward_sheet(g);
	if (book >= 0 && from_folder && th_upward_own(m, g, book)) {
		/* an earlier merge's output left among the returns: carrying it on would bring back
		 * returns taken away since; named on the command line, it is used */
		mf->status = TH_F_SKIPPED;
		mf->message = th_xstrdup("sổ tổng hợp của chính danh sách đơn vị này (kết quả một lần tổng hợp trước), "
					 "không phải báo cáo của một đơn vị");
		th_grid_free(g);
		return;
	}
	if (book >= 0) {
		th_upward_read(m, g, book, mf);
		th_grid_free(g);
		return;
	}
	rc = th_filing_read_grid(&f, g, mf->path, m->schema, m->roster, &e);
	th_grid_free(g);
	if (rc) {
		unreadable(m, mf, &e);
		return;
	}
	use_filing(m, mf, f, rules);
}

/* A return read: its unit and period decide whether it is used; if so it is checked. */
static void use_filing(th_merge *m, th_mfile *mf, th_filing *f, const th_ruleset *rules)
{
	char want[TH_PERIOD_LABEL_MAX], got[TH_PERIOD_LABEL_MAX];

	mf->unit = f->unit;
	mf->report_date = f->report_date;
	if (!f->unit) {
		const char *mismatch = NULL;
		for (size_t i = 0; i < f->findings.n; i++)
			if (strcmp(f->findings.v[i].rule, "read.unit-mismatch") == 0)
				mismatch = f->findings.v[i].message;
		mf->status = TH_F_UNKNOWN_UNIT;
		mf->message = mismatch ? th_xstrdup(mismatch) : f->unit_at.written ?
			msgf("đơn vị '%s' không có trong danh sách %s", f->unit_at.written, m->roster->name) :
			f->code_at.written ?
			msgf("mã đơn vị '%s' không có trong danh sách %s", f->code_at.written, m->roster->name) :
			th_xstrdup("không xác định được đơn vị báo cáo");
		th_filing_free(f);
		return;
	}
	if (f->period.kind != TH_P_NONE &&
	    (f->period.kind != m->period.kind || f->period.year != m->period.year || f->period.n != m->period.n)) {
		th_period_label_vi(f->period, got, sizeof(got));
		th_period_label_vi(m->period, want, sizeof(want));
		mf->status = TH_F_WRONG_PERIOD;
		mf->message = msgf("báo cáo %s, không phải %s", got, want);
		th_filing_free(f);
		return;
	}
	if (f->period.kind == TH_P_NONE) {
		/* no period written: its data window, when it has one, says which it is */
		char a[TH_DATE_MAX], b[TH_DATE_MAX];
		th_where w = { "HEADER", "", NULL, 0, 0 };
		th_period_label_vi(m->period, want, sizeof(want));
		/* a window off by a few days at either end is a typo, not another period */
		int32_t d_from = f->window_from.y ? th_date_days(f->window_from) - th_date_days(m->from) : 0;
		int32_t d_to = f->window_to.y ? th_date_days(f->window_to) - th_date_days(m->to) : 0;
		if (m->from.y && f->window_from.y && (d_from < -5 || d_from > 5 || d_to < -5 || d_to > 5)) {
			th_date_vn(f->window_from, a);
			th_date_vn(f->window_to, b);
			mf->status = TH_F_WRONG_PERIOD;
			mf->message = msgf("không ghi kỳ báo cáo, và thời gian lấy số liệu %s – %s không phải của %s",
					   a, b, want);
			th_filing_free(f);
			return;
		}
		th_findings_add(&f->findings, TH_SEV_WARNING, "merge.period-assumed", &w, NULL, want,
				"không ghi kỳ báo cáo: được tính vào %s, kỳ đang tổng hợp; hãy kiểm tra lại", want);
	}
	th_check_filing(f, rules, m->cal, m->period);
	mf->status = TH_F_USED;
	mf->message = th_xstrdup("");
	mf->findings = f->findings;
	memset(&f->findings, 0, sizeof(f->findings));
	th_merge_keep(m, (size_t)(mf - m->files), f);
	th_filing_free(f);
}

/*
 * Is a a newer return than b? The later report date. On the same date, the return a
 * consolidated workbook carries beats a file given: the province chose it among the
 * versions it had by their file times, which the workbook does not keep, and a stray
 * older copy given beside the workbook must not undo that choice (a correction sent since
 * bears a later date). Then the later file time, then the later name.
 */
static bool newer(const th_mfile *a, const th_mfile *b)
{
	int c = th_date_cmp(a->report_date, b->report_date);

	if (c)
		return c > 0;
	if ((a->within < 0) != (b->within < 0))
		return a->within >= 0;
	if (a->mtime != b->mtime)
		return a->mtime > b->mtime;
	return strcmp(a->path, b->path) > 0;
}

/* ---- totals ---- */

static double value_num(const th_merge *m, size_t u, size_t f, size_t r, bool *ok)
{
	const th_mvalue *v = th_merge_value(m, u, f, r);

	*ok = v && v->state == TH_VAL_NUMBER;
	return *ok ? v->num : 0;
}

struct seen {
	double v;
	size_t u; /* the unit's column order */
};

static int seen_cmp(const void *a, const void *b)
{
	const struct seen *x = a, *y = b;
	if (x->v != y->v)
		return x->v < y->v ? -1 : 1;
	return x->u < y->u ? -1 : x->u > y->u;
}

/*
 * The most common value among the units; false when none. Ties go as the workbook's
 * formula IFERROR(MODE(range), MIN(range)) goes, so the cached total is what a spreadsheet
 * recalculates: among values given equally often (more than once), the one whose first
 * unit comes first; when no value repeats, the smallest. Sorting keeps this O(n log n): a
 * province merges thousands of returns.
 */
static bool common_value(const th_merge *m, size_t f, size_t r, double *out, size_t *n_values)
{
	struct seen *v = th_xmalloc((m->n_units + 1) * sizeof(*v));
	size_t n = 0, best = 0, best_first = 0;

	for (size_t u = 0; u < m->n_units; u++) {
		bool ok;
		double x = value_num(m, u, f, r, &ok);
		if (ok)
			v[n++] = (struct seen){ x, u };
	}
	*n_values = n;
	if (n > 1)
		qsort(v, n, sizeof(*v), seen_cmp);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && v[j].v == v[i].v)
			j++;
		/* v[i].u is the group's first unit; groups come smallest value first */
		if (j - i > best || (j - i == best && best > 1 && v[i].u < best_first)) {
			best = j - i;
			best_first = v[i].u;
			*out = v[i].v;
		}
		i = j;
	}
	free(v);
	return n > 0;
}

static void compute_totals(th_merge *m)
{
	const th_schema *s = m->schema;

	m->totals = th_xcalloc(s->n_forms + 1, sizeof(*m->totals));
	for (size_t f = 0; f < s->n_forms; f++) {
		const th_formdef *fd = &s->forms[f];
		m->totals[f] = th_xcalloc(fd->n_rows + 1, sizeof(**m->totals));
		for (size_t r = 0; r < fd->n_rows; r++) {
			const th_rowdef *rd = &fd->rows[r];
			th_total *t = &m->totals[f][r];
			double num = 0, den = 0;
			bool ok;

			switch (rd->agg) {
			case TH_AGG_SUM:
				for (size_t u = 0; u < m->n_units; u++) {
					double v = value_num(m, u, f, r, &ok);
					if (ok) {
						t->value += v;
						t->n_values++;
					}
				}
				t->has_value = t->n_values > 0;
				break;
			case TH_AGG_RATIO:
				/* the ratio of the summed rows, never an average of the communes' percents;
				 * a unit counts only when it gave both figures, so a blank numerator is
				 * not read as 0 */
				for (size_t u = 0; u < m->n_units; u++) {
					bool ok2;
					double a = value_num(m, u, f, (size_t)rd->num, &ok);
					double b = value_num(m, u, f, (size_t)rd->den, &ok2);
					if (!ok || !ok2)
						continue;
					num += a;
					den += b;
					t->n_values++;
				}
				t->has_value = den != 0;
				t->value = den != 0 ? num / den * 100 : 0;
				break;
			case TH_AGG_TALLY:
				t->tally = th_xcalloc(rd->n_options + 1, sizeof(*t->tally));
				for (size_t u = 0; u < m->n_units; u++) {
					double v = value_num(m, u, f, r, &ok);
					if (!ok)
						continue;
					t->n_values++;
					for (size_t k = 0; k < rd->n_options; k++)
						if (fabs(v - rd->options[k].code) < 1e-9)
							t->tally[k]++;
				}
				t->has_value = common_value(m, f, r, &t->value, &t->n_values);
				break;
			case TH_AGG_CATALOGUE:
				t->has_value = common_value(m, f, r, &t->value, &t->n_values);
				for (size_t u = 0; t->has_value && u < m->n_units; u++) {
					double v = value_num(m, u, f, r, &ok);
					t->n_differ += ok && v != t->value;
				}
				break;
			case TH_AGG_NONE:
				break;
			}
			for (size_t u = 0; rd->agg != TH_AGG_NONE && u < m->n_units; u++) {
				t->n_unread += th_merge_unread(m, u, f, r);
				t->n_blank += th_merge_blank(m, u, f, r);
			}
			if (t->has_value && !isfinite(t->value)) {
				/* finite figures whose sum overflows: no total rather than "inf" */
				t->has_value = false;
				t->value = 0;
			}
		}
	}
}

/* ---- reading in parallel ---- */

/*
 * Files are read on as many threads as the machine has cores (at most 8): reading and
 * checking a return touches nothing shared but read-only configuration, and each result
 * goes to its own th_mfile. A province merges thousands of returns.
 */
struct pool {
	th_merge *m;
	const bool *from_folder;
	const th_ruleset *rules;
	size_t next, done;
	th_merge_progress_fn progress;
	void *arg;
	pthread_mutex_t lock;
};

static void *worker(void *arg)
{
	struct pool *p = arg;
	bool finished = false;

	for (;;) {
		size_t i;
		pthread_mutex_lock(&p->lock);
		p->done += finished;
		i = p->next++;
		if (p->progress && i < p->m->n_files)
			p->progress(p->arg, p->done, p->m->n_files, p->m->files[i].path);
		pthread_mutex_unlock(&p->lock);
		if (i >= p->m->n_files)
			return NULL;
		read_one(p->m, &p->m->files[i], p->from_folder[i], p->rules);
		finished = true;
	}
}

static void read_all(th_merge *m, const bool *from_folder, const th_ruleset *rules,
		     th_merge_progress_fn progress, void *arg)
{
	struct pool p = { m, from_folder, rules, 0, 0, progress, arg, PTHREAD_MUTEX_INITIALIZER };
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = cores < 1 ? 1 : cores > 8 ? 8 : (size_t)cores;
	pthread_t tid[8];
	size_t started = 0;

	if (n > m->n_files)
		n = m->n_files;
	tzset(); /* libzip converts zip entry times with localtime: load the zone once, here */
	for (size_t i = 1; i < n; i++)
		if (pthread_create(&tid[started], NULL, worker, &p) == 0)
			started++;
	worker(&p); /* this thread works too; with no thread started it reads everything */
	for (size_t i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	pthread_mutex_destroy(&p.lock);
	if (progress)
		progress(arg, m->n_files, m->n_files, NULL);
}

/* ---- consolidated workbooks ---- */

/* The returns consolidated workbooks brought, appended to the files, each knowing its
 * workbook: from here on they are returns like the others. */
static void add_parts(th_merge *m)
{
	size_t n = m->n_files, k = m->n_files;

	for (size_t i = 0; i < m->n_files; i++)
		n += m->files[i].n_parts;
	if (n == m->n_files)
		return;
	m->files = th_xrealloc(m->files, (n + 1) * sizeof(*m->files));
	for (size_t i = 0; i < m->n_files; i++) {
		for (size_t j = 0; j < m->files[i].n_parts; j++) {
			m->files[k] = m->files[i].parts[j];
			m->files[k++].within = (int)i;
		}
		free(m->files[i].parts);
		m->files[i].parts = NULL;
		m->files[i].n_parts = 0;
	}
	m->n_files = n;
}

/* What each consolidated workbook used gave this merge, once returns have been chosen:
 * "sổ tổng hợp Thành phố Hải Phòng (cấp tỉnh): đã nhận 110/114 đơn vị; dùng 109, 1 bị thay
 * bằng bản mới hơn". */
static void book_messages(th_merge *m)
{
	for (size_t i = 0; i < m->n_files; i++) {
		th_mfile *mf = &m->files[i];
		size_t n[TH_F_REFUSED + 1] = { 0 };
		th_sbuf sb = TH_SBUF_INIT;
		const char *lv = mf->book ? mf->book->level : "";

		if (!mf->book || mf->status != TH_F_USED)
			continue;
		for (size_t j = i + 1; j < m->n_files; j++)
			if (m->files[j].within == (int)i)
				n[m->files[j].status]++;
		mf->book->used = n[TH_F_USED];
		th_sbuf_addf(&sb, "sổ tổng hợp %s (%s): đã nhận %zu/%zu đơn vị; dùng %zu", mf->book->roster,
			     strcmp(lv, "national") == 0 ? th_level_vi(TH_LEVEL_NATIONAL) :
			     strcmp(lv, "district") == 0 ? th_level_vi(TH_LEVEL_DISTRICT) : th_level_vi(TH_LEVEL_PROVINCE),
			     mf->book->received, mf->book->expected, n[TH_F_USED]);
		if (n[TH_F_SUPERSEDED])
			th_sbuf_addf(&sb, ", %zu bị thay bằng báo cáo mới hơn", n[TH_F_SUPERSEDED]);
		if (n[TH_F_UNKNOWN_UNIT])
			th_sbuf_addf(&sb, ", %zu không có trong danh sách %s", n[TH_F_UNKNOWN_UNIT], m->roster->name);
		if (n[TH_F_UNREADABLE])
			th_sbuf_addf(&sb, ", %zu tệp lỗi", n[TH_F_UNREADABLE]);
		free(mf->message);
		mf->message = th_sbuf_detach(&sb, NULL);
	}
}

th_level th_merge_level(const th_roster *r)
{
	const char *prov = r->n_provinces ? r->provinces[0] : "";

	if (r->n_provinces > 1)
		return TH_LEVEL_NATIONAL;
	if ((r->parent && r->parent[0]) || (prov[0] && r->name && strcmp(prov, r->name) != 0))
		return TH_LEVEL_DISTRICT;
	return TH_LEVEL_PROVINCE;
}

const char *th_level_name(th_level l)
{
	static const char *const n[] = { "district", "province", "national" };
	return (unsigned)l < 3 ? n[l] : "";
}

const char *th_level_vi(th_level l)
{
	static const char *const n[] = { "cấp huyện", "cấp tỉnh", "toàn quốc" };
	return (unsigned)l < 3 ? n[l] : "";
}

/* ---- the run ---- */

struct fid {
	dev_t dev;
	ino_t ino;
	size_t i; /* the file's place in the list */
};

static int fid_cmp(const void *a, const void *b)
{
	const struct fid *x = a, *y = b;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	if (x->ino != y->ino)
		return x->ino < y->ino ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Is path a consolidated workbook tonghop wrote (its "Tổng hợp" and "Lỗi" sheets)? */
static bool merge_workbook(const char *path)
{
	th_xlsx *x;
	bool summary = false, errors = false;

	if (th_xlsx_open(&x, path, NULL, NULL))
		return false;
	for (size_t i = 0; i < th_xlsx_sheet_count(x); i++) {
		summary |= strcmp(th_xlsx_sheet_name(x, i), "Tổng hợp") == 0;
		errors |= strcmp(th_xlsx_sheet_name(x, i), "Lỗi") == 0;
	}
	th_xlsx_free(x);
	return summary && errors;
}

/*
 * Files not to read, decided by identity (device and inode) rather than by name: the same
 * file reached twice (given twice, or as itself and through its folder, or through a
 * link) is read once; a file this run is about to write (outputs) is not read. When that
 * file was given by name, or is a spreadsheet in a folder, and is no consolidated workbook
 * of an earlier run — a return, most likely — the run fails (TH_E_USAGE) rather than
 * overwrite it.
 */
static int mark_not_to_read(th_merge *m, const bool *from_folder, const char *const *outputs, th_err *e)
{
	struct fid *v = th_xcalloc(m->n_files + 1, sizeof(*v));
	size_t n = 0;
	int rc = 0;

	for (size_t i = 0; i < m->n_files; i++) {
		struct stat st;
		/* a link met in a folder is already skipped: it must not stand for its target */
		if (!m->files[i].message && stat(m->files[i].path, &st) == 0 && S_ISREG(st.st_mode))
			v[n++] = (struct fid){ st.st_dev, st.st_ino, i };
	}
	if (n > 1)
		qsort(v, n, sizeof(*v), fid_cmp);
	for (size_t i = 0, j; i < n; i = j) {
		/* a group of places of one file, in list order: the first is read */
		for (j = i + 1; j < n && v[j].dev == v[i].dev && v[j].ino == v[i].ino; j++) {
			th_mfile *mf = &m->files[v[j].i];
			mf->status = TH_F_SKIPPED;
			mf->message = msgf("cùng một tệp với %s, chỉ đọc một lần", m->files[v[i].i].path);
		}
	}
	for (size_t o = 0; outputs && outputs[o] && !rc; o++) {
		struct stat st;
		if (stat(outputs[o], &st) != 0)
			continue;
		for (size_t k = 0; k < n && !rc; k++)
			if (v[k].dev == st.st_dev && v[k].ino == st.st_ino) {
				th_mfile *mf = &m->files[v[k].i];
				/* given by name, or a spreadsheet in a folder: refused unless an earlier
				 * consolidated workbook; a non-spreadsheet met in a folder (the last
				 * run's JSON) is no input and is skipped */
				if ((!from_folder[v[k].i] || spreadsheet_name(mf->path)) && !merge_workbook(mf->path)) {
					rc = th_fail(e, TH_E_USAGE,
						     "%s: tệp kết quả trùng với một tệp đầu vào không phải sổ tổng "
						     "hợp do tonghop ghi, sẽ ghi đè lên nó: chọn tên khác",
						     outputs[o]);
					break;
				}
				free(mf->message);
				mf->status = TH_F_SKIPPED;
				mf->message = th_xstrdup("tệp kết quả của lần tổng hợp này, không đọc");
			}
	}
	free(v);
	return rc;
}

/* The roster place of a file's unit (its unit points into the roster's units), -1 when none. */
static long place_of(const th_merge *m, const th_mfile *mf)
{
	if (!mf->unit || mf->unit < m->roster->units || mf->unit >= m->roster->units + m->roster->n_units)
		return -1;
	return (long)(mf->unit - m->roster->units);
}

/*
 * One return per unit: the newest; the others are superseded. Each file finds its unit by
 * its place in the roster, so this is linear in files and units (a national roster has
 * 3,321 units).
 */
static void choose_returns(th_merge *m)
{
	m->n_units = m->roster->n_units;
	m->units = th_xcalloc(m->n_units + 1, sizeof(*m->units));
	for (size_t u = 0; u < m->n_units; u++) {
		m->units[u].unit = &m->roster->units[u];
		m->units[u].file = m->units[u].failed = m->units[u].on_time = -1;
	}
	for (size_t i = 0; i < m->n_files; i++) {
		long u = place_of(m, &m->files[i]);
		th_munit *mu = u >= 0 ? &m->units[u] : NULL;
		if (mu && m->files[i].status == TH_F_USED && (mu->file < 0 || newer(&m->files[i], &m->files[mu->file])))
			mu->file = (int)i;
	}
	for (size_t i = 0; i < m->n_files; i++) {
		th_mfile *mf = &m->files[i];
		long u = place_of(m, mf);
		const th_munit *mu = u >= 0 ? &m->units[u] : NULL;
		const th_mfile *best;
		char d[TH_DATE_MAX];

		if (!mu || mf->status != TH_F_USED || mu->file == (int)i)
			continue;
		best = &m->files[mu->file];
		mf->status = TH_F_SUPERSEDED;
		free(mf->message);
		if (best->report_date.y)
			th_date_vn(best->report_date, d);
		else
			snprintf(d, sizeof(d), "?");
		mf->message = msgf("đã có bản mới hơn: %s (ngày %s)", base_name(best->path), d);
		free(mf->values);
		free(mf->texts);
		mf->values = NULL;
		mf->texts = NULL;
		th_findings_release(&mf->findings);
	}
	for (size_t i = 0; i < m->n_files; i++) {
		long u = place_of(m, &m->files[i]);
		if (u >= 0 && m->files[i].status == TH_F_UNREADABLE && m->units[u].file < 0 && m->units[u].failed < 0)
			m->units[u].failed = (int)i;
	}
	for (size_t u = 0; u < m->n_units; u++) {
		th_munit *mu = &m->units[u];
		const th_mfile *mf = mu->file >= 0 ? &m->files[mu->file] : NULL;
		if (!mf)
			continue;
		m->received++;
		if (m->deadline.y && mf->report_date.y)
			mu->on_time = th_date_cmp(mf->report_date, m->deadline) <= 0;
		m->on_time += mu->on_time == 1;
		mu->errors = th_findings_count(&mf->findings, TH_SEV_ERROR);
		mu->warnings = th_findings_count(&mf->findings, TH_SEV_WARNING);
		m->errors += mu->errors;
		m->warnings += mu->warnings;
	}
}

int th_merge_run(th_merge **out, const th_schema *schema, const th_roster *roster,
		 const th_calendar *cal, const th_ruleset *rules, th_period period,
		 char *const *paths, size_t n_paths, const char *const *outputs,
		 th_merge_progress_fn progress, void *arg, th_err *e)
{
	struct list l = { 0 };
	th_merge *m;

	*out = NULL;
	if (!n_paths)
		return th_fail(e, TH_E_USAGE, "không có tệp hay thư mục nào để tổng hợp");
	for (size_t i = 0; i < n_paths; i++) {
		struct stat st;
		if (stat(paths[i], &st) == 0 && S_ISDIR(st.st_mode))
			add_folder(&l, paths[i], 0);
		else
			list_add(&l, paths[i], false, NULL);
	}
	m = th_xcalloc(1, sizeof(*m));
	m->schema = schema;
	m->roster = roster;
	m->cal = cal;
	m->period = period;
	if (cal)
		th_calendar_window(cal, period, &m->from, &m->to, &m->deadline);
	m->files = th_xcalloc(l.n + 1, sizeof(*m->files));
	m->n_files = l.n;
	for (size_t i = 0; i < l.n; i++) {
		m->files[i].path = l.path[i];
		m->files[i].within = -1;
		if (l.why[i]) {
			m->files[i].status = TH_F_SKIPPED;
			m->files[i].message = l.why[i];
		}
	}
	if (mark_not_to_read(m, l.from_folder, outputs, e)) {
		list_release(&l);
		th_merge_free(m);
		return -1;
	}
	form_offsets(m); /* before the threads: th_merge_keep only reads it there */
	read_all(m, l.from_folder, rules, progress, arg);
	list_release(&l);
	add_parts(m);
	m->level = th_merge_level(roster);

	choose_returns(m);
	book_messages(m);
	compute_totals(m);
	*out = m;
	return 0;
}

void th_merge_free(th_merge *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n_files; i++) {
		th_mfile *mf = &m->files[i];
		free(mf->path);
		free(mf->message);
		free(mf->values);
		free(mf->texts);
		th_findings_release(&mf->findings);
		if (mf->book) {
			free(mf->book->level);
			free(mf->book->roster);
			free(mf->book);
		}
		for (size_t j = 0; j < mf->n_parts; j++) {
			free(mf->parts[j].path);
			free(mf->parts[j].message);
			free(mf->parts[j].values);
			free(mf->parts[j].texts);
			th_findings_release(&mf->parts[j].findings);
		}
		free(mf->parts);
	}
	free(m->files);
	for (size_t f = 0; m->totals && f < m->schema->n_forms; f++) {
		for (size_t r = 0; r < m->schema->forms[f].n_rows; r++)
			free(m->totals[f][r].tally);
		free(m->totals[f]);
	}
	free(m->totals);
	free(m->units);
	free(m->form_at);
	free(m);
}

bool th_merge_unread(const th_merge *m, size_t u, size_t f, size_t r)
{
	const th_rowdef *rd = &m->schema->forms[f].rows[r];
	const th_mvalue *a, *b;

	if (rd->agg == TH_AGG_RATIO && rd->num >= 0 && rd->den >= 0) {
		a = th_merge_value(m, u, f, (size_t)rd->num);
		b = th_merge_value(m, u, f, (size_t)rd->den);
		return (a && a->state == TH_VAL_UNREADABLE) || (b && b->state == TH_VAL_UNREADABLE);
	}
	a = th_merge_value(m, u, f, r);
	return a && a->state == TH_VAL_UNREADABLE;
}

bool th_merge_blank(const th_merge *m, size_t u, size_t f, size_t r)
{
	const th_rowdef *rd = &m->schema->forms[f].rows[r];
	const th_mfile *mf;

	if (u >= m->n_units || m->units[u].file < 0 || th_merge_unread(m, u, f, r))
		return false;
	mf = &m->files[m->units[u].file];
	if (!mf->values || !m->form_at)
		return false;
	if (rd->agg == TH_AGG_RATIO && rd->num >= 0 && rd->den >= 0)
		return mf->values[m->form_at[f] + (size_t)rd->num].unfilled ||
		       mf->values[m->form_at[f] + (size_t)rd->den].unfilled;
	return mf->values[m->form_at[f] + r].unfilled;
}

/* Where each form's rows start in a file's values (made once; every row counts). */
static void form_offsets(th_merge *m)
{
	size_t at = 0;

	if (m->form_at)
		return;
	m->form_at = th_xcalloc(m->schema->n_forms + 1, sizeof(*m->form_at));
	for (size_t f = 0; f < m->schema->n_forms; f++) {
		m->form_at[f] = at;
		at += m->schema->forms[f].n_rows;
	}
	m->form_at[m->schema->n_forms] = at;
}

void th_merge_keep(th_merge *m, size_t file, const th_filing *f)
{
	form_offsets(m);
	th_merge_keep_file(m, &m->files[file], f);
}

void th_merge_keep_file(const th_merge *m, th_mfile *mf, const th_filing *f)
{
	const th_schema *s = m->schema;
	size_t len = 1, at = 0;

	free(mf->values);
	free(mf->texts);
	mf->values = th_xcalloc(m->form_at[s->n_forms] + 1, sizeof(*mf->values));
	for (size_t k = 0; k < s->n_forms; k++)
		for (size_t r = 0; r < s->forms[k].n_rows; r++) {
			const th_value *v = &f->values[k][r];
			if ((v->state == TH_VAL_DASH || v->state == TH_VAL_UNREADABLE) && v->written)
				len += strlen(v->written) + 1;
		}
	mf->texts = th_xmalloc(len);
	mf->texts[at++] = '\0'; /* the "" of a dash or unread text written as nothing */
	for (size_t k = 0; k < s->n_forms; k++)
		for (size_t r = 0; r < s->forms[k].n_rows; r++) {
			const th_value *v = &f->values[k][r];
			th_mvalue *mv = &mf->values[m->form_at[k] + r];
			mv->state = v->state;
			mv->unfilled = th_row_unfilled(f, k, r);
			if (v->state != TH_VAL_DASH && v->state != TH_VAL_UNREADABLE) {
				mv->num = v->state == TH_VAL_NUMBER ? v->num : 0;
			} else if (v->written) {
				size_t n = strlen(v->written) + 1;
				memcpy(mf->texts + at, v->written, n);
				mv->written = mf->texts + at;
				at += n;
			} else {
				mv->written = mf->texts; /* "" */
			}
		}
}

const th_mfile *th_merge_file(const th_merge *m, size_t u)
{
	if (u >= m->n_units || m->units[u].file < 0)
		return NULL;
	return &m->files[m->units[u].file];
}

const th_mvalue *th_merge_value(const th_merge *m, size_t u, size_t f, size_t r)
{
	const th_mfile *mf = th_merge_file(m, u);

	return mf && mf->values ? &mf->values[m->form_at[f] + r] : NULL;
}
