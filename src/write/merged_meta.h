/*
 * The machine-readable part of the consolidated workbook (merge/upward.h): while the form
 * sheets are written, the writer says where it puts each form, each schema row and each
 * unit; then th_meta_write adds the hidden sheet "tonghop" with the merge's period, schema,
 * level, every unit's figures in full precision, its return's file and findings, and those
 * places, and custom document properties naming the period, schema and level. A merge one
 * level up reads the workbook through this sheet only, so the visible layout may change
 * freely as long as it says where it put things. Private to src/write/.
 * Ownership: a th_meta borrows the merge; th_meta_free releases what it holds.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_MERGED_META_H
#define TH_MERGED_META_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "merge/merge.h"
#include "write/wb.h"

struct th_meta;

struct th_meta *th_meta_new(const th_merge *m);
void th_meta_free(struct th_meta *x);

/* Form f is shown on the sheet named sheet (as written); units_in_columns: each unit a
 * column and each schema row a sheet row, else the other way round. */
void th_meta_form(struct th_meta *x, size_t f, const char *sheet, bool units_in_columns);
/* Schema row r of form f is at sheet row (or column) at, 0-based. */
void th_meta_row(struct th_meta *x, size_t f, size_t r, uint32_t at);
/* Unit u's figures of form f are in sheet column (or row) at, 0-based. */
void th_meta_unit(struct th_meta *x, size_t f, size_t u, uint32_t at);

/* Add the hidden, protected sheet and the document properties to the workbook being
 * written (call before th_wb_close; failures are remembered by b, as for any cell). */
void th_meta_write(struct th_meta *x, struct th_wb *b);

#endif
