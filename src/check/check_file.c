/*
 * Read-then-check (check_file.h): the filing's reading findings, then the rows left
 * blank, then the rules', capped.
 * SPDX-License-Identifier: MIT
 */
#include <stddef.h>

#include "check/check_file.h"
#include "base/banned.h"

void th_check_filing(th_filing *f, const th_ruleset *rules, const th_calendar *cal, th_period want)
{
	th_check_complete(f, &f->findings);
	if (rules)
		th_rules_check(rules, f, cal, want, &f->findings);
	th_findings_cap(&f->findings, TH_FINDINGS_PER_RULE);
}

int th_check_file(th_filing **out, const char *path, const th_schema *schema, const th_roster *roster,
		  const th_ruleset *rules, const th_calendar *cal, th_period want, th_err *e)
{
	*out = NULL;
	if (th_filing_read(out, path, schema, roster, e))
		return -1;
	th_check_filing(*out, rules, cal, want);
	return 0;
}
