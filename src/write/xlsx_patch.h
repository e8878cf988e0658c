/*
 * Marking up a workbook someone else made, without rewriting it: the commune's own .xlsx
 * package is copied part by part (libzip copies every part it is not told to change
 * without even inflating it), and the few parts that change are edited as bytes where
 * expat says the elements are, so that every sheet, cell, format, note, drawing, name,
 * validation and print setting not edited stays byte for byte as it was. The edits:
 * flagged cells get a clone of their own cell format with a fill (a cell that is not in
 * the XML, such as a required blank value, is inserted in row and column order); each
 * flagged cell gets a comment (added to the sheet's comments when it has some, appended
 * to a comment already on the cell); and a new sheet, the active tab, holds a table whose
 * cells may link to cells of the workbook. Text is added as inline strings, never to the
 * shared strings, and never as a formula.
 * Every part read goes through the reader's limits (size, ratio, nesting, no DTD).
 * Ownership: arguments are borrowed and copied when kept; a th_patch owns what it holds.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_XLSX_PATCH_H
#define TH_XLSX_PATCH_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "base/err.h"
#include "read/xlsx_reader.h"

typedef struct th_patch th_patch;

/* The fill of a marked cell: Excel's "Bad" red or amber. */
typedef enum th_mark { TH_MARK_WARNING, TH_MARK_ERROR } th_mark;

/* The formats of the added sheet's cells. */
typedef enum th_pstyle {
	TH_PS_HEAD, /* bold, grey, wrapped, centred: a table header */
	TH_PS_TEXT, /* wrapped, top-aligned */
	TH_PS_LINK, /* blue underlined: a link */
	TH_PS_ERR,  /* red fill */
	TH_PS_WARN, /* amber fill */
	TH_PS_BOLD, /* bold, not wrapped: a line across the table */
} th_pstyle;

/* One cell of the added sheet. */
typedef struct th_pcell {
	const char *text; /* NULL or "": no cell */
	th_pstyle style;
	int link_sheet;   /* -1: none; else the index of a worksheet of the package to link to */
	uint32_t link_row;
	uint16_t link_col;
} th_pcell;

/*
 * Open the package at path, or from a buffer of len bytes (copied), and read its structure: content types, relationships, the workbook's sheets.
 * limits NULL: the reader's defaults. On failure -1 with *e and *out NULL:
 *   TH_E_FORMAT_OTHER   not an .xlsx at all (not a zip, an .xls, an .ods, an .xlsb ...);
 *   TH_E_OPEN           the file cannot be read;
 *   TH_E_PACKAGE        an .xlsx this module does not edit (Strict OOXML, a part not in
 *                       UTF-8, a workbook without sheets ...);
 *   TH_E_XML*, TH_E_TOO_BIG, TH_E_ZIP_RATIO, TH_E_ZIP_DAMAGED, TH_E_ENCRYPTED as the reader.
 */
int th_patch_open(th_patch **out, const char *path, const th_xlsx_limits *limits, th_err *e);
int th_patch_open_mem(th_patch **out, const void *buf, size_t len, const th_xlsx_limits *limits, th_err *e);

/* Free everything. NULL is fine. */
void th_patch_free(th_patch *p);

/* The worksheets in workbook order (chart sheets left out), by their names as written. */
size_t th_patch_sheet_count(const th_patch *p);
const char *th_patch_sheet_name(const th_patch *p, size_t i);

/* The worksheet named name, compared as written and then in NFC (the reader's names are
 * NFC); -1 when there is none. */
int th_patch_sheet_find(const th_patch *p, const char *name);

/*
 * Mark cell (row, col) (0-based) of worksheet sheet: fill it and comment it with comment
 * (UTF-8, lines separated by '\n'; NULL: no comment). A cell marked twice keeps the graver
 * fill and both comments. Returns 0, or -1 with *e (TH_E_USAGE) for a sheet or cell that
 * does not exist.
 */
int th_patch_mark(th_patch *p, size_t sheet, uint32_t row, uint16_t col, th_mark mark, const char *comment,
		  th_err *e);

/*
 * The sheet to add, as the last tab and the active one: named want, or "want (2)", "want
 * (3)" ... when the workbook has a sheet of that name (in any case); nrows rows of ncols
 * cells (row-major), the first row frozen; widths: ncols column widths (characters).
 * Replaces a table given before. Returns the name it will have (owned by p).
 */
const char *th_patch_table(th_patch *p, const char *want, const double *widths, size_t ncols,
			   const th_pcell *cells, size_t nrows);

/*
 * Make the new package: *out (malloc'd, the caller frees it) of *len bytes. The patch can
 * be built once. Parts that are not edited keep their bytes and compressed data; edited
 * parts keep their zip time; added parts get mtime. Returns 0, or -1 with *e when the
 * package cannot be edited as it is (TH_E_PACKAGE: rows or cells out of order, a sheet
 * without sheetData ...; or as th_patch_open).
 */
int th_patch_build(th_patch *p, time_t mtime, unsigned char **out, size_t *len, th_err *e);

#endif
