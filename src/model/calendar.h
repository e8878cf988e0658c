/*
 * The reporting calendar: how a period's data window and deadline are computed, from INI
 * (schemas/README.md). Hải Dương 2023 opens the window on the 10th of the month before the
 * period and closes it on the 9th of its last month, returns due 3 days later; the national
 * rule of NĐ 09/2019/NĐ-CP is the 15th to the 14th. Half years, nine months and years open
 * in the December before. A calendar says from when to when it holds (valid_from, valid_to).
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_CALENDAR_H
#define TH_CALENDAR_H

#include "base/err.h"
#include "model/validity.h"
#include "read/vnnum.h"

typedef struct th_calendar {
	char *path;
	char *id;
	char *name;
	th_validity valid;
	int start_day;    /* 1-28 */
	int end_day;      /* 1-28 */
	int deadline;     /* days after the window closes, >= 0 (when deadline_day is 0) */
	int deadline_day; /* 1-28: due on this day of the period's last month (national: the
			   * 20th); 0: `deadline` days after the window closes */
} th_calendar;

/*
 * Load a calendar; mistakes are TH_E_CONFIG "PATH:LINE: ...". It gives `deadline` (days
 * after the window closes) or `deadline_day` (a day of the period's last month, not before
 * end_day), not both.
 */
int th_calendar_load(th_calendar **out, const char *path, th_err *e);
void th_calendar_free(th_calendar *c);

/* The data window [*from, *to] of period p and its deadline (any of the outputs may be NULL). */
void th_calendar_window(const th_calendar *c, th_period p, th_date *from, th_date *to,
			th_date *deadline);

#endif
