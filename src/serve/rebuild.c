/*
 * The background rebuilder; see rebuild.h.
 * SPDX-License-Identifier: MIT
 */
#include "serve/rebuild.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "base/mem.h"
#include "serve/pages.h"
#include "base/banned.h"

struct th_rebuild {
	th_web *w;
	unsigned gap;
	pthread_t th;
	pthread_mutex_t lock;
	pthread_cond_t cv;
	bool stopping;
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One look at every open period; the last build's time per basis is kept in last[]. */
static void sweep(th_rebuild *r, th_store *st, int64_t last[2])
{
	th_periodrow *pv = NULL;
	size_t n = 0;
	th_err e = { 0 };

	if (th_store_periods(st, &pv, &n, &e)) {
		th_web_log(r->w, "rebuild: %s", e.msg);
		return;
	}
	for (size_t i = 0; i < n && !r->stopping; i++) {
		if (!pv[i].open)
			continue;
		for (int latest = 1; latest >= 0; latest--) {
			int64_t t0 = mono_ms();
			bool built = false;
			if (t0 - last[latest] < (int64_t)r->gap * 1000)
				continue;
			memset(&e, 0, sizeof(e));
			if (th_period_refresh(r->w, st, pv[i].period, latest, &built, &e)) {
				if (e.code != TH_E_NOT_FOUND)
					th_web_log(r->w, "rebuild %s: %s", pv[i].period, e.msg);
				last[latest] = mono_ms(); /* a failure is not retried at once */
			} else if (built) {
				last[latest] = mono_ms();
				th_web_log(r->w, "workbook rebuilt: %s %s in %lld ms", pv[i].period,
					   latest ? "latest" : "accepted", (long long)(last[latest] - t0));
			}
		}
	}
	free(pv);
}

static void *rebuild_main(void *arg)
{
	th_rebuild *r = arg;
	int64_t last[2] = { -1000000000, -1000000000 };
	th_err e = { 0 };
	th_store *st;

	setpriority(PRIO_PROCESS, 0, 10); /* Linux: this thread only; pages and uploads first */
	st = th_web_store(r->w, &e);
	pthread_mutex_lock(&r->lock);
	while (!r->stopping) {
		struct timespec until;
		pthread_mutex_unlock(&r->lock);
		if (st)
			sweep(r, st, last);
		pthread_mutex_lock(&r->lock);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += 1;
		if (!r->stopping)
			pthread_cond_timedwait(&r->cv, &r->lock, &until);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

int th_rebuild_start(th_rebuild **out, th_web *w, unsigned gap, th_err *e)
{
	th_rebuild *r = th_xcalloc(1, sizeof(*r));

	r->w = w;
	r->gap = gap;
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cv, NULL);
	if (pthread_create(&r->th, NULL, rebuild_main, r) != 0) {
		pthread_mutex_destroy(&r->lock);
		pthread_cond_destroy(&r->cv);
		free(r);
		*out = NULL;
		return th_fail(e, TH_E_IO, "không khởi động được luồng dựng sổ tổng hợp");
	}
	*out = r;
	return 0;
}

void th_rebuild_stop(th_rebuild *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	r->stopping = true;
	pthread_cond_signal(&r->cv);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->th, NULL);
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->cv);
	free(r);
}
