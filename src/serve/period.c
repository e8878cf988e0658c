/*
 * A period as the office sees it (pages.h): every roster unit with its latest return,
 * versions and timeliness; and the consolidated workbook, built by th_merge_run and
 * th_write_merge from each unit's accepted (or latest) return, kept in the cache under a
 * name that changes whenever a return or a review of the period is added.
 * SPDX-License-Identifier: MIT
 */
#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/mem.h"
#include "merge/merge.h"
#include "serve/pages.h"
#include "write/xlsx_writer.h"
#include "base/banned.h"

/* The last second of day d, local time. */
static int64_t day_end(th_date d)
{
	struct tm tm = { 0 };

	tm.tm_year = d.y - 1900;
	tm.tm_mon = d.m - 1;
	tm.tm_mday = d.d + 1;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm) - 1;
}

int th_board_load(th_web *w, th_store *st, const char *period, th_board *b, th_err *e)
{
	const th_webconf *c = th_web_conf(w);
	const th_roster *ro = c->roster;
	th_period p;

	memset(b, 0, sizeof(*b));
	snprintf(b->period, sizeof(b->period), "%s", period);
	if (th_period_parse(period, &p))
		return th_fail(e, TH_E_BAD_REQUEST, "kỳ không hợp lệ");
	if (c->cal) {
		th_date due;
		th_calendar_window(c->cal, p, NULL, NULL, &due);
		if (due.y)
			b->deadline_end = day_end(due);
	}
	if (th_store_latest(st, period, &b->returns, &b->n_returns, e))
		return -1;
	b->n_rows = ro->n_units;
	b->rows = th_xcalloc(b->n_rows + 1, sizeof(*b->rows));
	for (size_t u = 0; u < ro->n_units; u++) {
		b->rows[u].unit = &ro->units[u];
		b->rows[u].on_time = -1;
	}
	for (size_t i = 0; i < b->n_returns; i++) {
		const th_unit *un = th_roster_by_code(ro, b->returns[i].unit);
		if (un) {
			th_unitrow *r = &b->rows[un - ro->units];
			r->latest = &b->returns[i];
			r->versions = (size_t)b->returns[i].versions;
			/* timeliness is the first submission's: a return sent back and corrected
			 * later was still sent on time */
			if (b->deadline_end)
				r->on_time = b->returns[i].first_at <= b->deadline_end;
			b->received++;
		}
	}
	return 0;
}

void th_board_release(th_board *b)
{
	th_store_free_returns(b->returns, b->n_returns);
	free(b->rows);
	memset(b, 0, sizeof(*b));
}

/* One build at a time: a province's merge is seconds of work and memory. */
static pthread_mutex_t build_lock = PTHREAD_MUTEX_INITIALIZER;

static int build(th_web *w, th_store *st, const char *period, bool latest, const char *path, th_err *e)
{
	const th_webconf *c = th_web_conf(w);
	th_return *v = NULL;
	size_t n = 0, k = 0;
	const th_return **chosen = NULL;
	char **paths = NULL;
	th_merge *m = NULL;
	th_period p;
	int rc = -1;

	if (th_period_parse(period, &p))
		return th_fail(e, TH_E_BAD_REQUEST, "kỳ không hợp lệ");
	if (th_store_returns(st, period, NULL, &v, &n, e))
		return -1;
	chosen = th_xcalloc(n + 1, sizeof(*chosen));
	paths = th_xcalloc(n + 1, sizeof(*paths));
	for (size_t i = 0; i < n;) {
		size_t j = i;
		const th_return *pick = NULL;
		while (j < n && strcmp(v[j].unit, v[i].unit) == 0) {
			if (latest || v[j].state == TH_RS_ACCEPTED)
				pick = &v[j]; /* by id: the last one qualifying */
			j++;
		}
		if (pick) {
			char bp[4096];
			th_err ve = { 0 };
			if (th_blob_verify(c->data_dir, pick->file_sha, &ve)) {
				/* a workbook silently without a unit would be wrong: say which */
				th_fail(e, TH_E_FILE_DAMAGED, "không dựng được sổ tổng hợp: tệp báo cáo #%lld của đơn vị %s "
					"(%s) bị mất hoặc hỏng trên máy chủ; hãy khôi phục từ bản sao lưu",
					(long long)pick->id, pick->unit, th_unit_name(w, pick->unit));
				goto out;
			}
			if (th_blob_path(c->data_dir, pick->file_sha, bp, sizeof(bp)) == 0) {
				chosen[k] = pick;
				paths[k++] = th_xstrdup(bp);
			}
		}
		i = j;
	}
	if (!k) {
		th_fail(e, TH_E_NOT_FOUND, "kỳ này chưa có báo cáo nào %s", latest ? "được nộp" : "được tiếp nhận");
		goto out;
	}
	if (th_merge_run(&m, c->schema, c->roster, c->cal, c->rules, p, paths, k, NULL, NULL, NULL, e))
		goto out;
	/* a return stored is one unit's: one holding a consolidated workbook's metadata (refused
	 * at upload since upward consolidation) would bring other units' figures */
	for (size_t i = 0; i < k; i++)
		if (m->files[i].book || m->files[i].status == TH_F_REFUSED) {
			rc = th_fail(e, TH_E_FILE_DAMAGED, "không dựng được sổ tổng hợp: tệp báo cáo #%lld của đơn vị %s "
				     "(%s) là một sổ tổng hợp, không phải báo cáo; hãy trả lại báo cáo đó",
				     (long long)chosen[i]->id, chosen[i]->unit, th_unit_name(w, chosen[i]->unit));
			goto out;
		}
	/* the workbook names each return as people know it, not by its place in our store */
	for (size_t i = 0; i < m->n_files && i < k; i++) {
		th_sbuf sb = TH_SBUF_INIT;
		th_sbuf_addf(&sb, "%s (bản #%lld)", chosen[i]->file_name, (long long)chosen[i]->id);
		free(m->files[i].path);
		m->files[i].path = th_sbuf_detach(&sb, NULL);
	}
	rc = th_write_merge(m, path, e);
out:
	th_merge_free(m);
	for (size_t i = 0; i < k; i++)
		free(paths[i]);
	free(paths);
	free(chosen);
	th_store_free_returns(v, n);
	return rc;
}

int th_period_workbook(th_web *w, th_store *st, const char *period, bool latest, char **path, th_err *e)
{
	const th_webconf *c = th_web_conf(w);
	int64_t ret, rev;
	th_sbuf sb = TH_SBUF_INIT;
	int rc = 0;

	*path = NULL;
	if (th_store_period_version(st, period, &ret, &rev, e))
		return -1;
	/* period is canonical ("2023-Q3"): the name holds nothing a user typed */
	th_sbuf_addf(&sb, "%s/cache/tong-hop-%s-%s-%lld-%lld.xlsx", c->data_dir, period, latest ? "moi-nhat" : "tiep-nhan",
		     (long long)ret, (long long)rev);
	if (access(sb.buf, R_OK) != 0) {
		pthread_mutex_lock(&build_lock);
		if (access(sb.buf, R_OK) != 0)
			rc = build(w, st, period, latest, sb.buf, e);
		pthread_mutex_unlock(&build_lock);
	}
	if (rc) {
		th_sbuf_release(&sb);
		return -1;
	}
	*path = th_sbuf_detach(&sb, NULL);
	return 0;
}

/* The cache name's prefix of period and basis ("tong-hop-2023-Q3-moi-nhat-"). */
static void cache_prefix(const char *period, bool latest, char *out, size_t cap)
{
	snprintf(out, cap, "tong-hop-%s-%s-", period, latest ? "moi-nhat" : "tiep-nhan");
}

/* Is name a finished cached workbook under prefix pre ("...-RET-REV.xlsx", no temporary)? */
static bool cache_name(const char *name, const char *pre, long long *ret, long long *rev)
{
	size_t n = strlen(pre);
	int end = 0;

	if (strncmp(name, pre, n) != 0 || sscanf(name + n, "%lld-%lld.xlsx%n", ret, rev, &end) != 2)
		return false;
	return end > 0 && name[n + (size_t)end] == '\0';
}

int th_period_cached(th_web *w, const char *period, bool latest, int64_t *last_return, int64_t *at)
{
	char dir[4096], pre[64];
	DIR *d;
	struct dirent *de;
	int found = 0;

	*last_return = 0;
	*at = 0;
	snprintf(dir, sizeof(dir), "%s/cache", th_web_conf(w)->data_dir);
	cache_prefix(period, latest, pre, sizeof(pre));
	if (!(d = opendir(dir)))
		return 0;
	while ((de = readdir(d))) {
		long long ret, rev;
		char p[4400];
		struct stat st;
		if (!cache_name(de->d_name, pre, &ret, &rev))
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (stat(p, &st) != 0 || (found && (int64_t)st.st_mtime < *at))
			continue;
		found = 1;
		*last_return = ret;
		*at = (int64_t)st.st_mtime;
	}
	closedir(d);
	return found;
}

/* Remove the cached workbooks of period and basis other than keep (a path). */
static void cache_prune(th_web *w, const char *period, bool latest, const char *keep)
{
	char dir[4096], pre[64];
	DIR *d;
	struct dirent *de;
	const char *base = strrchr(keep, '/');

	base = base ? base + 1 : keep;
	snprintf(dir, sizeof(dir), "%s/cache", th_web_conf(w)->data_dir);
	cache_prefix(period, latest, pre, sizeof(pre));
	if (!(d = opendir(dir)))
		return;
	while ((de = readdir(d))) {
		char p[4400];
		long long ret, rev;
		if (!cache_name(de->d_name, pre, &ret, &rev) || strcmp(de->d_name, base) == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		unlink(p);
	}
	closedir(d);
}

int th_period_refresh(th_web *w, th_store *st, const char *period, bool latest, bool *built, th_err *e)
{
	char *path = NULL;
	int64_t ret, rev;
	int rc;

	*built = false;
	if (th_store_period_version(st, period, &ret, &rev, e))
		return -1;
	if (!ret || (!latest && !rev))
		return 0; /* nothing to consolidate yet */
	{
		char p[4400];
		snprintf(p, sizeof(p), "%s/cache/tong-hop-%s-%s-%lld-%lld.xlsx", th_web_conf(w)->data_dir, period,
			 latest ? "moi-nhat" : "tiep-nhan", (long long)ret, (long long)rev);
		if (access(p, R_OK) == 0)
			return 0;
	}
	rc = th_period_workbook(w, st, period, latest, &path, e);
	if (rc == 0) {
		*built = true;
		cache_prune(w, period, latest, path);
	}
	free(path);
	return rc;
}

int th_send_workbook(th_web *w, th_req *rq, th_reply *rp, bool latest, th_err *e)
{
	th_store *st = th_web_store(w, e);
	char *path = NULL, name[80];
	th_actor who = { rq->user.id, rq->user.name, rq->ip };

	if (!st || th_period_workbook(w, st, rq->period, latest, &path, e))
		return -1;
	snprintf(name, sizeof(name), "tong-hop-%s%s.xlsx", rq->period, latest ? "-moi-nhat" : "");
	th_reply_file(rp, path, name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
	th_store_audit(st, &who, "workbook.download", rq->period, latest ? "latest" : "accepted", th_web_now(w), NULL);
	free(path);
	return 0;
}
