/*
 * Printing the workbooks of write/ on A4 (wb.h): the page setup every sheet shares, whether
 * a sheet fits one page wide at a readable scale, and the sizes libxlsxwriter leaves to the
 * caller: it neither fits rows to their wrapped text nor columns to their content, so a
 * printed page would show lines over each other or cut. The counts are conservative: they
 * measure against a wide font (DejaVu Sans, what LibreOffice falls back to without Calibri).
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "base/text.h"
#include "write/wb.h"
#include "base/banned.h"

/* A4, in inches, and the margins every sheet is printed with. */
#define A4_LONG 11.69
#define A4_SHORT 8.27
#define MARGIN_SIDE 0.5
/* Pixels of a character of an 11-point cell at 96 dpi, on average, with some room: regular
 * and bold. Excel's column width w is (w * 7 + 5) pixels, 3 of them padding each side. */
#define PX_CHAR 7.0
#define PX_CHAR_BOLD 7.7
#define PT_LINE 15.0
#define PT_ROW_MAX 409.0

/* Add text to a header or footer section, its '&' doubled (a lone '&' starts a code there). */
static void hf_text(th_sbuf *sb, const char *text)
{
	for (const char *p = text; p && *p; p++) {
		if (*p == '&')
			th_sbuf_addc(sb, '&');
		th_sbuf_addc(sb, *p);
	}
}

void th_wb_print(struct th_wb *b, lxw_worksheet *ws, const struct th_wb_print *p)
{
	th_sbuf foot = TH_SBUF_INIT;

	worksheet_set_paper(ws, 9); /* A4 */
	if (p->landscape)
		worksheet_set_landscape(ws);
	if (p->scale)
		worksheet_set_print_scale(ws, (uint16_t)p->scale);
	else
		worksheet_fit_to_pages(ws, 1, 0);
	worksheet_set_margins(ws, MARGIN_SIDE, MARGIN_SIDE, 0.6, 0.7);
	if (p->rows_last >= 0)
		th_wb_ck(b, worksheet_repeat_rows(ws, (lxw_row_t)p->rows_first, (lxw_row_t)p->rows_last));
	if (p->cols_last >= 0)
		th_wb_ck(b, worksheet_repeat_columns(ws, 0, (lxw_col_t)p->cols_last));
	th_sbuf_adds(&foot, "&L&8");
	hf_text(&foot, p->left);
	th_sbuf_adds(&foot, "&C&8");
	hf_text(&foot, p->center);
	th_sbuf_adds(&foot, "&R&8Trang &P/&N");
	foot.buf[th_text_fit(foot.buf, 250)] = '\0'; /* Excel's limit is 255 characters */
	th_wb_ck(b, worksheet_set_footer(ws, foot.buf));
	th_sbuf_release(&foot);
}

/* ---- widths and heights ---- */

/* The printed width of a column of width w (Excel's characters), in inches. */
static double col_inches(double w)
{
	return (w * 7.0 + 5.0) / 96.0;
}

int th_wb_print_scale(const double *widths, size_t n, bool landscape)
{
	double total = 0, page = (landscape ? A4_LONG : A4_SHORT) - 2 * MARGIN_SIDE;

	for (size_t i = 0; i < n; i++)
		total += col_inches(widths[i]);
	return total <= 0 || page / total * 100.0 >= TH_WB_MIN_SCALE ? 0 : TH_WB_MIN_SCALE;
}

size_t th_wb_chars(const char *s)
{
	size_t n = 0;

	for (; s && *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* Characters of one line in a column of width w. */
static size_t per_line(double w, bool bold)
{
	double n = (w * 7.0 + 5.0 - 6.0) / (bold ? PX_CHAR_BOLD : PX_CHAR);

	return n < 1 ? 1 : (size_t)n;
}

size_t th_wb_lines(const char *s, double width, bool bold)
{
	const size_t max = per_line(width, bold);
	size_t lines = 1, at = 0; /* characters on the current line */

	if (!s || !*s)
		return 1;
	while (*s) {
		size_t word = 0, gap = 0;

		if (*s == '\n') {
			lines++;
			at = 0;
			s++;
			continue;
		}
		for (; *s == ' '; s++)
			gap++;
		for (; *s && *s != ' ' && *s != '\n'; s++)
			word += ((unsigned char)*s & 0xC0) != 0x80;
		if (!word)
			continue;
		if (at && at + gap + word <= max) {
			at += gap + word;
			continue;
		}
		if (at)
			lines++;
		/* a word longer than a line is broken where the line ends */
		lines += (word - 1) / max;
		at = (word - 1) % max + 1;
	}
	return lines;
}

void th_wb_rowfit_add(struct th_wb_rowfit *rf, const char *s, double width, bool bold)
{
	size_t n = th_wb_lines(s, width, bold);

	if (n > rf->lines)
		rf->lines = n;
}

void th_wb_rowfit_set(struct th_wb *b, lxw_worksheet *ws, uint32_t row, const struct th_wb_rowfit *rf)
{
	double pt = PT_LINE * (double)rf->lines;

	if (rf->lines > 1)
		th_wb_ck(b, worksheet_set_row(ws, row, pt > PT_ROW_MAX ? PT_ROW_MAX : pt, NULL));
}

void th_wb_width_fit(double *w, const char *s, double max)
{
	double need = 0;
	size_t line = 0;

	/* the longest line of s, at a character of the wide font, and a little room */
	for (; s && *s; s++) {
		if (*s == '\n')
			line = 0;
		else if (((unsigned char)*s & 0xC0) != 0x80)
			line++;
		if ((double)line * PX_CHAR / 7.0 + 1.0 > need)
			need = (double)line * PX_CHAR / 7.0 + 1.0;
	}
	if (need > max)
		need = max;
	if (need > *w)
		*w = need;
}
