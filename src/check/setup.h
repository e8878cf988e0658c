/*
 * Which schema, rules, roster and calendar a run uses, and why. Each file says from when to
 * when it holds (validity.h); a period is only ever read against files that hold for it, so
 * a 2026 merge is never done against a roster that ended in 2025, and a 2023 return is still
 * read against the 2023 district's roster. A file named explicitly (an option or an
 * environment variable) is used as it is and refused (TH_E_CONFIG, naming it and its dates)
 * when it does not hold; otherwise:
 *   - the schema is the one of the shipped folder (every *.ini there whose first section is
 *     [schema]) that holds for the period, the latest valid_from winning; so a province adds
 *     a newer schema beside the shipped one without touching it;
 *   - the roster and the calendar are the first the schema lists (`roster = a.ini b.ini`)
 *     that holds for the period;
 *   - the rules are rules/<the schema's file name>, beside the schema's folder.
 * Without a period, the files that hold the furthest into the future are used (today's).
 * Files are loaded once and kept (a national roster has 3,321 units).
 * Ownership: a th_setup owns everything it loaded; a th_pick borrows from its th_setup and
 * owns its explanations (th_pick_release).
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_SETUP_H
#define TH_SETUP_H

#include <stdbool.h>

#include "base/err.h"
#include "check/rules.h"
#include "model/calendar.h"
#include "model/filing.h"
#include "model/roster.h"
#include "model/schema.h"

typedef struct th_setup th_setup;

/* What the user named (NULL: nothing) and how, for the explanations ("--roster",
 * "$TONGHOP_ROSTER"). Strings are copied. */
typedef struct th_setup_opts {
	const char *schema, *rules, *roster, *calendar;
	const char *schema_how, *rules_how, *roster_how, *calendar_how;
	const char *folder; /* the shipped schemas' folder, searched when schema is NULL */
	bool load_rules;    /* load the rules too (check, merge) */
} th_setup_opts;

enum th_pick_item { TH_PICK_SCHEMA, TH_PICK_RULES, TH_PICK_ROSTER, TH_PICK_CALENDAR, TH_PICK_N };

typedef struct th_pick {
	const th_schema *schema;
	const th_ruleset *rules;     /* NULL unless load_rules */
	const th_roster *roster;     /* NULL when the schema names none */
	const th_calendar *calendar; /* NULL when the schema names none */
	const char *rules_path;      /* the rules' path, loaded or not */
	th_period period;            /* what it was chosen for: a period, */
	th_date day;                 /* or only a day (both none: no period known) */
	char *why[TH_PICK_N];        /* in Vietnamese, why each file; NULL for no file */
} th_pick;

void th_setup_new(th_setup **out, const th_setup_opts *o);
void th_setup_free(th_setup *s);

/*
 * Choose the files for period p (kind TH_P_NONE: for the day day; day.y == 0 too: no period
 * known). Loads what it needs. Fails with TH_E_CONFIG: a file that does not load
 * ("PATH:LINE: ..."), a file named explicitly that does not hold for the period, no file
 * of a kind that holds, two schemas holding from the same day. *out is released first, and
 * left empty on failure.
 */
int th_setup_pick(th_setup *s, th_period p, th_date day, th_pick *out, th_err *e);

/* Free the explanations of p and empty it (the files stay with the setup). */
void th_pick_release(th_pick *p);

/* The day a return read is judged on: its period's last day, else the end of the data
 * window it writes, else its report date; no date when it writes none. */
th_date th_setup_day(const th_filing *f);

/*
 * Read the return at path with the files its own period calls for: read with *cur (chosen
 * beforehand, e.g. with no period); when the return's day (th_setup_day) calls for another
 * schema or roster, read it again with those. *cur becomes the pick for the return. Fails
 * as th_filing_read does, or with TH_E_CONFIG when no configuration holds for the return's
 * period (*cur then unchanged).
 */
int th_setup_read(th_setup *s, th_pick *cur, const char *path, th_filing **out, th_err *e);

/* "quý I năm 2026 (kỳ kết thúc ngày 31/03/2026)", "ngày 14/09/2023", "" into out. */
#define TH_WHEN_VI_MAX 80
const char *th_when_vi(th_period p, th_date day, char out[TH_WHEN_VI_MAX]);

/* The default rules of schema s: rules/<its file name> beside its folder (a new string). */
char *th_setup_rules_beside(const th_schema *s);

#endif
