/*
 * Upward consolidation (issue #16): the consolidated workbook a merge writes carries, in a
 * hidden sheet, everything a merge one level up needs to use it in place of the returns it
 * was made from — the schema and period it was made for, every unit with its figures exactly
 * as read (not as the sheet rounds them), its return's file, date and findings, and where on
 * the form sheets each unit's figures are shown. The ministry merges 34 province workbooks
 * and gets the totals one merge of all the communes' returns gives: each unit's figures are
 * added up again, ratios from their summed parts, tallies and catalogue rows from the units.
 * Reading relies on this sheet, never on the sheets' layout; every figure it gives is
 * compared with the cell it says shows it, and a workbook whose cells say otherwise (edited
 * by hand) is refused, as is one of another period, schema or format.
 *
 * The sheet ("tonghop", hidden and protected), one line per row, its tag in column A, every
 * cell text:
 *   tonghop-consolidated | FORMAT | TOOL-VERSION      first row: what the sheet is
 *   schema   | ID | PRINT                              th_upward_schema_print
 *   period   | 2026-Q1
 *   level    | province | district | national
 *   roster   | NAME | CODE
 *   received | N | M
 *   form     | FORM-ID | SHEET | columns|rows | POS…   the sheet showing the form; columns:
 *              each unit a column, each schema row at the sheet row POS (0-based, one cell
 *              per schema row, "" when not shown); rows: the other way round
 *   unit     | CODE | NAME | received|unreadable|missing | FILE | REPORT-DATE (ISO) | BY-NAME
 *              (0/1) | MESSAGE | POS… (the unit's column, or row, on each form's sheet); no file
 *              time, so that the same returns give the same workbook byte for byte
 *   value    | CODE | FORM-ID | VALUES   the values of the form's rows (th_upward_value_text)
 *              as one text, fields joined (th_upward_join)
 *   finding  | CODE | FIELDS   SEVERITY, RULE, FORM, ROW-CODE, SHEET, CELL, WRITTEN, EXPECTED,
 *              MESSAGE, MORE as one joined text
 * A joined text is its fields separated by tabs, a tab in a field written \t and a backslash
 * \\; past 30,000 bytes it goes on in the next cells of the line (cut before an ASCII
 * character), read back as one. Packed so, the metadata holds a line's figures in one cell:
 * a national merge writes tens of thousands of cells for it, not close to a million.
 *   end      | UNITS | VALUE-LINES | FINDINGS          counts, so that a cut sheet is seen
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_UPWARD_H
#define TH_UPWARD_H

#include <stdbool.h>
#include <stddef.h>

#include "base/sbuf.h"
#include "merge/merge.h"
#include "model/filing.h"
#include "model/schema.h"
#include "read/grid.h"

#define TH_UPWARD_SHEET "tonghop"
#define TH_UPWARD_MAGIC TH_CONSOLIDATED_MAGIC /* model/filing.h */
#define TH_UPWARD_FORMAT "1"

/* The columns of a unit line, and of a finding line. */
enum { TH_UP_U_CODE = 1, TH_UP_U_NAME, TH_UP_U_STATUS, TH_UP_U_FILE, TH_UP_U_DATE, TH_UP_U_BYNAME,
       TH_UP_U_MESSAGE, TH_UP_U_POS };
/* The fields of a finding line's joined text. */
enum { TH_UP_F_SEV, TH_UP_F_RULE, TH_UP_F_FORM, TH_UP_F_ROW, TH_UP_F_SHEET, TH_UP_F_CELL,
       TH_UP_F_WRITTEN, TH_UP_F_EXPECTED, TH_UP_F_MESSAGE, TH_UP_F_MORE, TH_UP_F_COUNT };
#define TH_UP_FORM_POS 4  /* first position of a form line */
#define TH_UP_VALUE_POS 3 /* the joined values of a value line */
#define TH_UP_FINDING_POS 2 /* the joined fields of a finding line */
#define TH_UP_CELL_BYTES 30000 /* a joined text's bytes per cell, at most */

/* Append field s to out for a joined text: a tab before it unless first, then s with its
 * tabs and backslashes escaped. */
void th_upward_join(th_sbuf *out, const char *s, bool first);

/*
 * Split joined text s in place into at most max fields (each pointing into s, unescaped).
 * Returns the number of fields, or -1 when s has more than max or a backslash that is no
 * escape.
 */
int th_upward_split(char *s, char **fields, size_t max);

/* Where to cut a joined text of n bytes so that the first part fits a cell: n when it fits,
 * else a place at most TH_UP_CELL_BYTES in, before an ASCII byte when one is near. */
size_t th_upward_cut(const char *s, size_t n);

/* The schema's fingerprint into out: 16 hex digits over its forms, rows (code, kind,
 * aggregation, ratio parts) and legends. Two schemas with the same id that would add up
 * differently have different prints. */
void th_upward_schema_print(const th_schema *s, char out[17]);

/*
 * A value as its cell in a value line, appended to out: "n" and the number in full
 * precision (%.17g), "b" blank, "d" and the text for a dash, "u" and the text for what
 * could not be read; nothing for a row not found.
 */
void th_upward_value_text(const th_mvalue *v, th_sbuf *out);

/* The metadata sheet of g (its index), or -1 when g is not a consolidated workbook of tonghop. */
int th_upward_sheet(const th_grid *g);

/* Is g (its metadata sheet) a consolidated workbook of m's own roster: the output of an earlier
 * merge at this level, not a lower level's? */
bool th_upward_own(const th_merge *m, const th_grid *g, int sheet);

/*
 * Use the consolidated workbook g (read from mf->path; sheet from th_upward_sheet) in merge
 * m, which gives the schema, roster and period. Sets mf->status and mf->message and, when
 * the workbook's header could be read, mf->book. Used (TH_F_USED): mf->parts holds one
 * entry per unit it received (status TH_F_USED, with a filing of its figures and its
 * findings) or could not read (TH_F_UNREADABLE, its message), each unit being m's roster
 * unit of that code (TH_F_UNKNOWN_UNIT when m's roster has none). Not used: another period
 * (TH_F_WRONG_PERIOD); another schema or format, metadata damaged, or a figure on a form
 * sheet that is not what the metadata says (TH_F_REFUSED): mf->findings then holds the
 * finding that says why, at the cell for an edited figure. Never fails.
 */
void th_upward_read(const th_merge *m, const th_grid *g, int sheet, th_mfile *mf);

#endif
