/*
 * Validity of configuration files; see validity.h.
 * SPDX-License-Identifier: MIT
 */
#include "model/validity.h"

#include <stdio.h>
#include <string.h>

#include "base/banned.h"

static int get_date(const th_ini *ini, const char *section, const char *key, th_date *out, th_err *e)
{
	const char *v = th_ini_get(ini, section, key);

	out->y = 0;
	out->m = out->d = 0;
	if (!v || !*v)
		return 0;
	if (th_vn_parse_date(v, strlen(v), out))
		return th_ini_fail(ini, e, section, key, "'%s' phải là một ngày, như 2025-07-01, không phải '%s'",
				   key, v);
	return 0;
}

int th_validity_load(th_validity *v, const th_ini *ini, const char *section, th_err *e)
{
	char a[TH_DATE_MAX], b[TH_DATE_MAX];

	if (get_date(ini, section, "valid_from", &v->from, e) || get_date(ini, section, "valid_to", &v->to, e))
		return -1;
	if (v->from.y && v->to.y && th_date_cmp(v->to, v->from) < 0) {
		th_date_vn(v->from, a);
		th_date_vn(v->to, b);
		return th_ini_fail(ini, e, section, "valid_to", "valid_to (%s) trước valid_from (%s)", b, a);
	}
	return 0;
}

bool th_validity_holds(const th_validity *v, th_date day)
{
	if (v->from.y && th_date_cmp(day, v->from) < 0)
		return false;
	if (v->to.y && th_date_cmp(day, v->to) > 0)
		return false;
	return true;
}

th_date th_period_last_day(th_period p)
{
	int first, last;
	th_date d = { 0, 0, 0 };

	th_period_months(p, &first, &last);
	if (!last)
		return d;
	d.y = p.year;
	d.m = 12;
	d.d = 31;
	if (last == 12)
		return d;
	/* the day before the first of the next month */
	d.m = (uint8_t)(last + 1);
	d.d = 1;
	return th_date_add_days(d, -1);
}

const char *th_validity_vi(const th_validity *v, char out[TH_VALIDITY_VI_MAX])
{
	char a[TH_DATE_MAX], b[TH_DATE_MAX];

	th_date_vn(v->from, a);
	th_date_vn(v->to, b);
	if (v->from.y && v->to.y)
		snprintf(out, TH_VALIDITY_VI_MAX, "từ %s đến %s", a, b);
	else if (v->from.y)
		snprintf(out, TH_VALIDITY_VI_MAX, "từ %s", a);
	else if (v->to.y)
		snprintf(out, TH_VALIDITY_VI_MAX, "đến %s", b);
	else
		snprintf(out, TH_VALIDITY_VI_MAX, "không giới hạn");
	return out;
}
