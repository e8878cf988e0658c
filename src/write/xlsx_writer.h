/*
 * The workbooks tonghop writes, through libxlsxwriter: the consolidated workbook of a merge
 * (a summary, one sheet per form with a column per unit and live total formulas, the
 * findings marked on the cells, and an error sheet linking to them); the blank return the
 * communes fill in; and a commune's return sent back with its findings marked. The returns
 * are laid out so that tonghop's own reader (filing.h) reads them back.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_XLSX_WRITER_H
#define TH_XLSX_WRITER_H

#include <stdbool.h>

#include "check/rules.h"
#include "model/calendar.h"
#include "base/err.h"
#include "base/outfile.h"
#include "model/filing.h"
#include "model/finding.h"
#include "merge/merge.h"
#include "model/roster.h"
#include "model/schema.h"
#include "read/vnnum.h"

/*
 * Ownership: every argument is borrowed and nothing is kept after a call returns.
 *
 * Output: through base/outfile.h, a temporary file beside path renamed over it only when
 * the whole workbook was written; on failure a file already at path is left untouched. A
 * failure is TH_E_WRITE, its message naming the cause (the system's or libxlsxwriter's, in
 * Vietnamese); nothing is printed by this module (libxlsxwriter itself may still print on
 * a failure it meets while zipping, e.g. a full disk).
 *
 * Determinism: the same inputs give byte-identical files. The document's created time is
 * $SOURCE_DATE_EPOCH when it is set to a plain number of seconds (1..253402300799), else
 * TH_WRITER_EPOCH; no other time or random source is used.
 */

/* The created time when SOURCE_DATE_EPOCH is unset or not a number: 2023-01-01 00:00:00 UTC. */
#define TH_WRITER_EPOCH 1672531200

/*
 * The consolidated workbook of a merge. Sheets, in order:
 *   "Tổng hợp"  title, roster, period, window and deadline, completeness and timeliness,
 *               one row per roster unit (missing units filled amber), then every file
 *               given with its status;
 *   one sheet per form, named by its id ("BM1"…): STT | Chỉ tiêu | Đơn vị tính | Tổng | a
 *               column per roster unit (name, code below), where Tổng is a live formula
 *               (SUM; the ratio of the summed rows; a COUNTIF tally of the coded answers;
 *               for a catalogue row MODE, or MIN when no value repeats, commented with the
 *               units that differ) cached with m->totals; a unit's cell with findings is
 *               filled red (error) or amber (warning) and commented with the messages;
 *   "Lỗi"       every error and warning of the used returns, by roster order then form
 *               order, each at its cell in the commune's file ("Biểu mẫu 7!D31"), linked
 *               to the unit's cell in the form sheet (a finding on no form row, e.g. the
 *               identification block, gives its place in the commune's file as plain text).
 * Printing: every sheet on A4 with the roster's name, the period and "Trang x/y" in the
 * footer; form sheets landscape with their titles, header rows and STT/label/unit columns
 * repeated on every page, one page wide while that keeps TH_WB_MIN_SCALE (wb.h), else at
 * that scale with the unit columns running on following pages; "Tổng hợp" and "Lỗi" with
 * column widths from their content, portrait or landscape as they fit, one page wide.
 * Rows are as tall as their wrapped text needs (libxlsxwriter does not fit them).
 * Returns 0, or -1 with *e (TH_E_WRITE).
 */
int th_write_merge(const th_merge *m, const char *path, th_err *e);

/*
 * Past this many roster units a column per unit no longer reads (nor fits Excel's 16,384
 * columns past 16,379): the form sheets of th_write_merge turn to a row per unit and a
 * column per indicator (the row's code and label above, its unit of measure below), the
 * units grouped by province (in a roster of several; else by type) under a subtotal row
 * each, the national total on top, all live formulas cached with their figures (the
 * national total skips the subtotal rows: SUMPRODUCT over the STT column's numbers; a
 * group's tally and common value are text, so COUNTIF and MODE over the column see the
 * units alone). "Lỗi" then begins with the unit's province, for its filter.
 */
#define TH_WRITE_WIDE_UNITS 200

/*
 * The same, written and synced but not put in place: *held receives the finished output
 * (base/outfile.h) for the caller to commit together with others (th_outfile_commit_all)
 * or abort. held NULL: committed, as th_write_merge. Returns 0, or -1 with *e (TH_E_WRITE).
 */
int th_write_merge_held(const th_merge *m, const char *path, th_outfile **held, th_err *e);

/*
 * The blank return communes fill in: a "Thông tin" sheet with the identification block
 * (unit, code, period, data window and deadline, report line, instructions), one protected
 * sheet per form ("Biểu mẫu 1"…) where only the value cells (yellow, validated by the
 * row's kind: whole number, decimal, 0-100, or a drop-down of the legend's codes) and the
 * notes are unlocked, and the document register. The rows th_rules_computed gives for s
 * and rules (rules may be NULL: the schema's ratios only) are formulas of their parts,
 * locked and tinted, blank until their parts are filled (cached blank). Every sheet prints
 * on A4, one page wide (the forms and the register landscape), titles, code and label
 * repeated on each page, the unit, period and "Trang x/y" in the footer. unit and cal may
 * be NULL and p.kind TH_P_NONE: the fields are then left as "…" placeholders in yellow
 * cells to fill. Returns 0, or -1 with *e (TH_E_WRITE).
 */
int th_write_template(const th_schema *s, const th_ruleset *rules, const th_unit *unit, th_period p,
		      const th_calendar *cal, const char *path, th_err *e);

/*
 * What the district sends back: the commune's own workbook (f->path) with its findings
 * marked, see write/xlsx_patch.h: every sheet, cell, format, note and name as the commune
 * wrote them; each cell with a finding filled red (error) or amber (warning) and commented
 * with the findings (a comment already on the cell keeps its text, ours follows it); and
 * a "Lỗi" sheet ("Lỗi (2)" when the commune has one), the active tab, listing each finding
 * (form, row code, sheet, cell linked to the commune's own cell, rule, severity, written,
 * expected, message). Addresses are the commune's own, as the reader gives them. fs (may be
 * NULL) holds the findings to send back, typically &f->findings after th_rules_check();
 * errors and warnings are marked and listed, info findings left out.
 * When the original cannot be marked as it is (not an .xlsx: an .xls or .ods; or an
 * .xlsx this module does not edit), the return is written anew from the schema instead
 * (th_write_feedback_rewrite) and the first row of its "Lỗi" sheet says why; info (may
 * be NULL) tells the caller which was made. cal (may be NULL) is for the rewrite.
 * Written through a temporary file renamed over path. Returns 0, or -1 with *e (TH_E_WRITE).
 */
typedef struct th_feedback_info {
	bool rewritten;  /* written anew from the schema, not the commune's file marked */
	char note[512];  /* when rewritten: why, one Vietnamese sentence (as on the Lỗi sheet) */
} th_feedback_info;

int th_write_feedback(const th_filing *f, const th_findings *fs, const th_calendar *cal,
		      const char *path, th_err *e);
int th_write_feedback_info(const th_filing *f, const th_findings *fs, const th_calendar *cal,
			   const char *path, th_feedback_info *info, th_err *e);

/*
 * A commune's return written anew from the schema with its values (numbers as numbers,
 * dashes and unreadable text as written; a row the return lacked becomes an empty cell to
 * fill), its identification block (unit, period, window — from cal when the return gave
 * none — and "Kèm theo Báo cáo số …" line with its date) and its register; the cells with
 * findings filled red or amber, unlocked and commented; and a "Lỗi" sheet (active when it
 * lists anything or has a note) with links to those cells. note (may be NULL) is written
 * in the first row of the "Lỗi" sheet, above its table. The file is itself a readable
 * return. The fallback of th_write_feedback. Returns 0, or -1 with *e (TH_E_WRITE).
 */
int th_write_feedback_rewrite(const th_filing *f, const th_findings *fs, const th_calendar *cal,
			      const char *note, const char *path, th_err *e);

#endif
