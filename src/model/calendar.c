/*
 * Reporting windows and deadlines; see calendar.h.
 * SPDX-License-Identifier: MIT
 */
#include "model/calendar.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/ini.h"
#include "base/mem.h"
#include "base/banned.h"

static int get_int(const th_ini *ini, const char *key, int lo, int hi, int *out, th_err *e)
{
	const char *v = th_ini_get(ini, "calendar", key);
	char *end;
	long n;

	if (!v || !*v)
		return th_ini_fail(ini, e, "calendar", NULL, "mục [calendar] thiếu '%s'", key);
	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < lo || n > hi)
		return th_ini_fail(ini, e, "calendar", key, "'%s' phải là số nguyên từ %d đến %d, không phải '%s'",
				   key, lo, hi, v);
	*out = (int)n;
	return 0;
}

int th_calendar_load(th_calendar **out, const char *path, th_err *e)
{
	th_ini *ini = NULL;
	th_calendar *c;
	const char *v;
	int rc = -1;

	*out = NULL;
	if (th_ini_load(&ini, path, e))
		return -1;
	c = th_xcalloc(1, sizeof(*c));
	c->path = th_xstrdup(path);
	if (!th_ini_has_section(ini, "calendar")) {
		th_ini_fail(ini, e, "calendar", NULL, "thiếu mục [calendar]");
		goto out;
	}
	c->id = th_xstrdup((v = th_ini_get(ini, "calendar", "id")) ? v : "");
	c->name = th_xstrdup((v = th_ini_get(ini, "calendar", "name")) ? v : "");
	if (th_validity_load(&c->valid, ini, "calendar", e))
		goto out;
	/* days up to 28 exist in every month, so a window never needs clamping */
	if (get_int(ini, "start_day", 1, 28, &c->start_day, e) ||
	    get_int(ini, "end_day", 1, 28, &c->end_day, e))
		goto out;
	if (th_ini_get(ini, "calendar", "deadline_day")) {
		if (th_ini_get(ini, "calendar", "deadline")) {
			th_ini_fail(ini, e, "calendar", "deadline_day",
				    "chỉ ghi một trong hai: 'deadline' (số ngày sau khi chốt số liệu) hoặc "
				    "'deadline_day' (ngày trong tháng cuối kỳ)");
			goto out;
		}
		if (get_int(ini, "deadline_day", c->end_day, 28, &c->deadline_day, e))
			goto out;
	} else if (get_int(ini, "deadline", 0, 366, &c->deadline, e)) {
		goto out;
	}
	rc = 0;
out:
	th_ini_free(ini);
	if (rc) {
		th_calendar_free(c);
		return -1;
	}
	*out = c;
	return 0;
}

void th_calendar_free(th_calendar *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->id);
	free(c->name);
	free(c);
}

void th_calendar_window(const th_calendar *c, th_period p, th_date *from, th_date *to,
			th_date *deadline)
{
	int first, last, y = p.year, m;
	th_date f, t;

	th_period_months(p, &first, &last);
	/* the window opens in the month before the first month (December of the year before for January) */
	m = first - 1;
	if (m == 0) {
		m = 12;
		y--;
	}
	f.y = y;
	f.m = (uint8_t)m;
	f.d = (uint8_t)c->start_day;
	t.y = p.year;
	t.m = (uint8_t)last;
	t.d = (uint8_t)c->end_day;
	if (from)
		*from = f;
	if (to)
		*to = t;
	if (deadline) {
		if (c->deadline_day) {
			*deadline = t;
			deadline->d = (uint8_t)c->deadline_day;
		} else {
			*deadline = th_date_add_days(t, c->deadline);
		}
	}
}
