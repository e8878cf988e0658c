/*
 * The small layer over libxlsxwriter that the workbooks of write/ are built on: a workbook
 * written through base/outfile.h with its fixed properties and shared formats, the first
 * libxlsxwriter failure remembered (a workbook with a cell silently missing is worse than
 * none), text made fit for the XML and cut to Excel's limits, comments sized to their
 * text, valid unique sheet names, links inside the workbook, and the columns and order of
 * an error sheet, and printing on A4 (wb_print.c). Private to src/write/.
 * Ownership: libxlsxwriter copies every string it is given; nothing here outlives a call.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_WB_H
#define TH_WB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <xlsxwriter.h>

#include "base/err.h"
#include "base/outfile.h"
#include "base/sbuf.h"
#include "model/finding.h"
#include "model/schema.h"
#include "read/vnnum.h"

/* Colours: Excel's "Bad" red for errors, amber for warnings and missing units, light yellow
 * for the cells a commune fills in, grey for headers, light blue for computed cells. */
#define COL_ERR_FILL 0xFFC7CE
#define COL_ERR_FONT 0x9C0006
#define COL_AMBER 0xFFD966
#define COL_INPUT 0xFFFFCC
#define COL_HEAD 0xD9D9D9
#define COL_GROUP 0xEDEDED
#define COL_COMPUTED 0xDDEBF7 /* a template's cells computed from others: locked */

/* Cell text is cut to this many bytes (Excel's limit is 32,767 characters). */
#define TH_WB_TEXT_MAX 32000
/* A comment holds at most this many bytes of messages; the rest is counted, not shown. */
#define TH_WB_COMMENT_MAX 1200
/* A sheet name as libxlsxwriter takes it: 31 characters of up to 4 bytes, plus " (NN)". */
#define TH_WB_NAME_MAX (LXW_SHEETNAME_MAX * 4 + 16)

/* The formats every workbook of tonghop shares, made once per workbook in a fixed order
 * (the order is part of the file: byte-identical output depends on it). */
struct th_wb_fmts {
	lxw_format *title, *subtitle, *bold, *italic;
	lxw_format *head;                  /* table headers: bold, wrapped, centred, grey */
	lxw_format *cell, *wrap, *date;    /* bordered */
	lxw_format *group, *group_wrap;    /* bordered, bold */
	lxw_format *err, *warn;            /* bordered, red / amber */
	lxw_format *amber, *amber_wrap, *amber_date;
	lxw_format *total, *total_ratio, *total_text, *total_warn;
	lxw_format *link;
	/* returns */
	lxw_format *input, *input_text, *input_date, *input_wrap;
	lxw_format *input_err, *input_warn, *input_line;
	lxw_format *note, *grey, *grey_input;
	lxw_format *line_err, *line_warn;  /* an identification line with a finding */
};

struct th_wb {
	lxw_workbook *wb;
	th_outfile *out; /* where libxlsxwriter writes, put in place on success */
	th_outfile **keep; /* set: on success the finished file is handed here, not renamed */
	lxw_error err;   /* the first libxlsxwriter error met */
	struct th_wb_fmts F;
};

/* ---- the workbook ---- */

/*
 * Start a workbook for path titled title: its output file, its properties (author
 * tonghop, created $SOURCE_DATE_EPOCH or TH_WRITER_EPOCH) and its formats. Returns 0, or
 * -1 with *e (TH_E_WRITE).
 */
int th_wb_open(struct th_wb *b, const char *path, const char *title, th_err *e);
/* The same; with constant_memory, libxlsxwriter's constant-memory mode: each row goes to a
 * temporary file when a later one is begun, so every sheet must be written row by row, top
 * to bottom (a cell of an earlier row is an error, remembered), merges within a row, and
 * strings are inline. */
int th_wb_open_mem(struct th_wb *b, const char *path, const char *title, bool constant_memory, th_err *e);

/* Close the workbook (which frees it, even on failure) and put the file in place, unless a
 * libxlsxwriter call failed on the way; with b->keep set, the file is finished
 * (th_outfile_finish) and handed to *b->keep for the caller to commit with others.
 * Returns 0, or -1 with *e (TH_E_WRITE; *b->keep NULL). */
int th_wb_close(struct th_wb *b, th_err *e);

/* The time the files of write/ carry (a workbook's created time, the feedback's zip
 * entries): $SOURCE_DATE_EPOCH when it is a plain number of seconds (1..253402300799),
 * else TH_WRITER_EPOCH, so that the same inputs give the same bytes. */
time_t th_wb_epoch(void);

/* Remember rc when it is the first libxlsxwriter failure of the workbook. */
void th_wb_ck(struct th_wb *b, lxw_error rc);

/* A new format of the workbook, top-aligned, with a thin border when border is set. */
lxw_format *th_wb_format(struct th_wb *b, int border);

/*
 * Add a worksheet named after want, made valid and unused (Excel's forbidden characters
 * as '_', cut to 31 characters, " (2)"... when taken); name receives the name used.
 * NULL (and the failure remembered) when libxlsxwriter refuses it.
 */
lxw_worksheet *th_wb_sheet(struct th_wb *b, const char *want, char name[TH_WB_NAME_MAX]);

/* ---- cells ---- */

/* Text s (NULL or "": a blank cell, only when fmt is given), made fit for XML and cut to
 * TH_WB_TEXT_MAX bytes on a character boundary. */
void th_wb_text(struct th_wb *b, lxw_worksheet *ws, uint32_t row, uint16_t col, const char *s,
		lxw_format *fmt);
/* A number; a blank cell for a value that is not finite. */
void th_wb_num(struct th_wb *b, lxw_worksheet *ws, uint32_t row, uint16_t col, double v, lxw_format *fmt);
/* A date; a blank cell for no date. */
void th_wb_date(struct th_wb *b, lxw_worksheet *ws, uint32_t row, uint16_t col, th_date d, lxw_format *fmt);
/* A hidden comment sized to its text. */
void th_wb_comment(struct th_wb *b, lxw_worksheet *ws, uint32_t row, uint16_t col, const char *text);

/* Add one finding's line ("Lỗi R7: …") to a cell comment in sb, within TH_WB_COMMENT_MAX;
 * *left counts those left out. th_wb_comment_end then says how many were. */
void th_wb_comment_add(th_sbuf *sb, const th_finding *fd, size_t *left);
void th_wb_comment_end(th_sbuf *sb, size_t left);

/* Hyperlinks written on one sheet (Excel takes 65,530; past that, plain text). */
struct th_wb_links {
	size_t n;
};

/* A link at row, col to cell trow, tcol of sheet (a sheet of this workbook); shown is the
 * visible text. */
void th_wb_link(struct th_wb *b, lxw_worksheet *ws, struct th_wb_links *lk, uint32_t row, uint16_t col,
		const char *sheet, uint32_t trow, uint16_t tcol, const char *shown);

/* ---- words ---- */

/* s with its first letter upper-cased (ASCII and đ only: the words write/ writes). */
void th_wb_add_capitalised(th_sbuf *sb, const char *s);
/* s with its first letter lower-cased ("Xã Ngô Quyền" -> "xã Ngô Quyền", "Đặc khu" -> "đặc khu"). */
void th_wb_add_uncapitalised(th_sbuf *sb, const char *s);
/* "Lỗi", "Cảnh báo", "Thông tin". Static. */
const char *th_wb_sev_label(th_severity s);

/* ---- error sheets ---- */

/*
 * Where a finding sits in the schema: *form and *row are indexes, -1 when it names no form
 * (HEADER, VB, "") or no row. Returns its place in form order: the identification block
 * first, the forms in schema order, the register, then anything else.
 */
int th_wb_finding_pos(const th_schema *s, const th_finding *fd, int *form, int *row);

/* What the "Biểu" column says for a finding that names no form. Static or owned by s. */
const char *th_wb_place_label(const th_schema *s, const th_finding *fd);

/* One row of an error sheet: a finding, the unit it belongs to and its place. */
struct th_wb_item {
	const th_finding *fd;
	size_t unit, seq;   /* unit: roster index (0 for a single return); seq: index in its list */
	int key, form, row; /* th_wb_finding_pos */
};

/* The rows of an error sheet. */
struct th_wb_items {
	struct th_wb_item *v;
	size_t n, cap;
};

/* Add the errors and warnings of fs (info findings are left out) as unit's. */
void th_wb_items_add(struct th_wb_items *it, const th_schema *s, const th_findings *fs, size_t unit);

/* Sort the rows: unit, form order, row, then as found. */
void th_wb_items_sort(struct th_wb_items *it);

/* The header row of an error sheet at row (cols, widths: n each), frozen with what is above it. */
void th_wb_errors_header(struct th_wb *b, lxw_worksheet *ws, uint32_t row, const char *const *cols,
			 const double *widths, size_t n);

/*
 * The columns every error sheet ends with, from column c0: the cell (a link to sheet!trow,tcol
 * of this workbook, showing that cell's address or, with own, the finding's cell in the
 * commune's file; when sheet is NULL, the commune's cell as text), the rule, the severity,
 * the written and the expected value, the message.
 */
void th_wb_finding_tail(struct th_wb *b, lxw_worksheet *ws, struct th_wb_links *lk, uint32_t row,
			uint16_t c0, const th_finding *fd, const char *sheet, uint32_t trow, uint16_t tcol, bool own);

/* ---- printing (wb_print.c) ---- */

/* The smallest print scale (percent) a sheet is fitted to one page wide at; a sheet wider
 * than that prints at this scale, its columns running on following pages. */
#define TH_WB_MIN_SCALE 75

/* How a sheet prints: A4, margins of half an inch, the footer "left | center | Trang x/y". */
struct th_wb_print {
	bool landscape;
	int rows_first, rows_last; /* rows repeated on every page; rows_last < 0: none */
	int cols_last;             /* columns 0..cols_last repeated on every page; < 0: none */
	int scale;                 /* 0: one page wide; else this percent (th_wb_print_scale) */
	const char *left, *center; /* the footer's texts (NULL: none), '&' written as is */
};

void th_wb_print(struct th_wb *b, lxw_worksheet *ws, const struct th_wb_print *p);

/* The scale for struct th_wb_print of a sheet whose printed columns have these widths
 * (Excel's characters): 0 (one page wide) when that keeps TH_WB_MIN_SCALE, else TH_WB_MIN_SCALE. */
int th_wb_print_scale(const double *widths, size_t n, bool landscape);

/* Characters (not bytes) of UTF-8 text s; 0 for NULL. */
size_t th_wb_chars(const char *s);

/* The lines text s takes wrapped by words in a column of width (Excel's characters), at
 * least 1; bold for a bold font. Conservative: measured for a wide font. */
size_t th_wb_lines(const char *s, double width, bool bold);

/* The height a row needs for its wrapped cells: add each, then set it (a row of one line
 * keeps the default height). */
struct th_wb_rowfit {
	size_t lines;
};
void th_wb_rowfit_add(struct th_wb_rowfit *rf, const char *s, double width, bool bold);
void th_wb_rowfit_set(struct th_wb *b, lxw_worksheet *ws, uint32_t row, const struct th_wb_rowfit *rf);

/* Widen *w to the longest line of s, at most max (Excel's characters). */
void th_wb_width_fit(double *w, const char *s, double max);

#endif
