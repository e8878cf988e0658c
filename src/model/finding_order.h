/*
 * Findings as people read them: grouped by form in the schema's order (the
 * identification block first, the document register after the forms), in the order
 * found within a form, each group under its heading. `check` and the portal's findings
 * page show them so.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_FINDING_ORDER_H
#define TH_FINDING_ORDER_H

#include <stddef.h>

#include "model/finding.h"
#include "model/schema.h"

/*
 * The indexes of fs's findings in reading order (a new array of fs->n + 1 entries, the
 * caller frees it); *rank (may be NULL) gets each one's group rank in the same order, so
 * that a change of rank starts a new group (another new array).
 */
size_t *th_findings_order(const th_schema *s, const th_findings *fs, int **rank);

/* The heading of form's group: "Phần thông tin chung (…)", "Danh mục văn bản", the form's
 * title ("Biểu mẫu 1"), or "Khác". Static or owned by s. */
const char *th_form_heading(const th_schema *s, const char *form);

#endif
