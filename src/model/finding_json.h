/*
 * A finding as JSON, the one shape every JSON output shares (`check --json`, `merge
 * --json`, the portal's API): unit, file, form, code, sheet, cell, rule, severity,
 * written, expected, message. Kept beside the finding so that the commands and the
 * portal write it through the same function.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_FINDING_JSON_H
#define TH_FINDING_JSON_H

#include "base/json.h"
#include "model/finding.h"

/* Write finding p as a JSON object (unit and file may be NULL: left out). */
void th_json_finding(th_json *j, const th_finding *p, const char *unit, const char *file);

#endif
