/*
 * A finding as JSON; see finding_json.h.
 * SPDX-License-Identifier: MIT
 */
#include "model/finding_json.h"
#include "base/banned.h"

void th_json_finding(th_json *j, const th_finding *p, const char *unit, const char *file)
{
	th_json_obj(j);
	if (unit)
		th_json_kstr(j, "unit", unit);
	if (file)
		th_json_kstr(j, "file", file);
	th_json_kstr(j, "form", p->form);
	th_json_kstr(j, "code", p->code);
	th_json_kstr(j, "sheet", p->sheet);
	th_json_kstr(j, "cell", p->cell);
	th_json_kstr(j, "rule", p->rule);
	th_json_kstr(j, "severity", th_severity_name(p->severity));
	th_json_kstr(j, "written", p->written);
	th_json_kstr(j, "expected", p->expected);
	th_json_kstr(j, "message", p->message);
	th_json_end_obj(j);
}
