/*
 * From when to when a configuration file holds. A roster, a calendar and a schema each
 * say it with `valid_from` / `valid_to` (ISO dates, either may be left out: open). Since
 * 1/7/2025 the same unit code means another territory (11242 was Xã Thanh Tùng, is Xã
 * Nguyễn Lương Bằng), so a period is only ever read against files that hold for it.
 * A file holds for a period when the period's last day lies within its validity: the
 * units that exist when a period closes are the ones that report for it (the year 2025 is
 * reported by the units formed on 1/7/2025).
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_VALIDITY_H
#define TH_VALIDITY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "base/ini.h"
#include "read/vnnum.h"

typedef struct th_validity {
	th_date from, to; /* y == 0: open at that end */
} th_validity;

/* The largest text th_validity_vi writes. */
#define TH_VALIDITY_VI_MAX 64

/*
 * Read valid_from and valid_to of section (both optional). A value that is not a date
 * (2025-07-01, or 01/07/2025) or a valid_to before valid_from is TH_E_CONFIG
 * "PATH:LINE: ..." with the line echoed. Returns 0 or -1.
 */
int th_validity_load(th_validity *v, const th_ini *ini, const char *section, th_err *e);

/* True when day lies within v (an open end holds for any day on that side). */
bool th_validity_holds(const th_validity *v, th_date day);

/* The last day of period p (2026-Q1 → 2026-03-31); no date (y == 0) for TH_P_NONE. */
th_date th_period_last_day(th_period p);

/*
 * v in Vietnamese into out: "từ 01/12/2019 đến 30/06/2025", "từ 01/07/2025" (no end),
 * "đến 30/06/2025", "không giới hạn" (neither). Returns out.
 */
const char *th_validity_vi(const th_validity *v, char out[TH_VALIDITY_VI_MAX]);

#endif
