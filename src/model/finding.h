/*
 * Findings: what a return's data broke or what reading it met (a text number, an edited
 * label, a unit not in the roster). A finding is data for the user and the error sheet,
 * not a C error: it never stops a run. Each names the form ("BM1"…, "HEADER" for the
 * identification block, "VB" for the document register), the row code, the sheet and cell,
 * the rule, the severity, the written and expected values, and a Vietnamese message.
 * Ownership: a th_findings owns its findings and their strings.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_FINDING_H
#define TH_FINDING_H

#include <stddef.h>
#include <stdint.h>

#include "read/xlsx_reader.h"

typedef enum th_severity { TH_SEV_INFO, TH_SEV_WARNING, TH_SEV_ERROR } th_severity;

typedef struct th_finding {
	th_severity severity;
	char *rule;     /* "read.label-edited", "R7", ... */
	char *form;     /* "BM7", "HEADER", "VB", or "" */
	char *code;     /* "6.7", or "" */
	char *sheet;    /* "" when it concerns no cell */
	char cell[TH_CELLREF_MAX]; /* "D42", or "" */
	char *written;  /* "" when not applicable */
	char *expected; /* "" when not applicable */
	char *message;  /* Vietnamese, one line */
	size_t more;    /* > 0: this one says that many findings of its rule were left out */
} th_finding;

typedef struct th_findings {
	th_finding *v;
	size_t n, cap;
} th_findings;

#define TH_FINDINGS_INIT { NULL, 0, 0 }

/* Where a finding points; sheet NULL = no cell. */
typedef struct th_where {
	const char *form, *code, *sheet;
	uint32_t row; /* 0-based */
	uint16_t col;
} th_where;

/*
 * Append a finding. written/expected may be NULL (= ""). The message is formatted from
 * fmt. Every string is stored as valid UTF-8 (a bad byte becomes U+FFFD) with control
 * characters replaced by spaces, so writers can put it out as it is. Returns the new
 * finding.
 */
th_finding *th_findings_add(th_findings *fs, th_severity sev, const char *rule, const th_where *at,
			    const char *written, const char *expected, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

void th_findings_release(th_findings *fs);

/*
 * Keep at most per_rule findings of each rule, in order; for a rule that had more, one
 * note after them (at the gravest severity of those left out, its `more` their number)
 * says how many more were left out; th_findings_count counts them through it. A hostile file repeating a row
 * code 600,000 times must not make 600,000 findings. Returns how many were dropped.
 */
size_t th_findings_cap(th_findings *fs, size_t per_rule);
#define TH_FINDINGS_PER_RULE 100

/* How many findings have severity sev (a cap's note counts as the findings it stands for). */
size_t th_findings_count(const th_findings *fs, th_severity sev);

/* How many findings have rule rule (a cap's note counts as the findings it stands for). */
size_t th_findings_count_rule(const th_findings *fs, const char *rule);

/* "lỗi", "cảnh báo", "thông tin"; and "error", "warning", "info" for JSON. Static. */
const char *th_severity_vi(th_severity s);
const char *th_severity_name(th_severity s);

#endif
