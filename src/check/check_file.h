/*
 * Read-then-check, written once: read a return and check it against the rules, the one
 * path that `check`, `merge` and the portal take. The filing that comes back holds every
 * finding of reading and of the rules, capped per rule.
 * Ownership: *out belongs to the caller (th_filing_free).
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_CHECK_FILE_H
#define TH_CHECK_FILE_H

#include "base/err.h"
#include "check/rules.h"
#include "model/calendar.h"
#include "model/filing.h"
#include "model/roster.h"
#include "model/schema.h"

/*
 * Read the return at path and check it. rules may be NULL (reading findings only); cal may
 * be NULL; want (kind TH_P_NONE: none) is the period being checked. Returns 0 with *out set,
 * or -1 with e set when the file is not a readable return (nothing to check).
 */
int th_check_file(th_filing **out, const char *path, const th_schema *schema, const th_roster *roster,
		  const th_ruleset *rules, const th_calendar *cal, th_period want, th_err *e);

/*
 * Completeness (issue #11): one error finding, rule TH_RULE_UNFILLED, at the row's own
 * cell, for each row the schema says is required (TH_FILL_REQUIRED) that was found blank,
 * unless a heading above it (TH_FILL_GROUP) holds 0 or "-". Returns how many.
 */
#define TH_RULE_UNFILLED "fill.required"
/* Does filing f lack a figure for form fi row ri that the commune had to give: a required
 * row blank or not found, not answered by a heading's 0 or "-" above it? (merge: whose
 * figure a total lacks) */
bool th_row_unfilled(const th_filing *f, size_t fi, size_t ri);
size_t th_check_complete(const th_filing *f, th_findings *out);

/* Completeness, the rule findings and the cap, on a filing already read (merge adds its
 * own findings first). */
void th_check_filing(th_filing *f, const th_ruleset *rules, const th_calendar *cal, th_period want);

#endif
