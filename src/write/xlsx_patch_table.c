/*
 * The sheet the patch adds (xlsx_patch.h): a table of inline strings, the first row frozen,
 * rows as tall as their wrapped text, links to cells of the workbook, printed landscape on
 * A4 one page wide. Private to the xlsx_patch*.c files (xlsx_patch_int.h).
 * SPDX-License-Identifier: MIT
 */
#include "write/xlsx_patch.h"

#include <ctype.h>
#include <errno.h>
#include <expat.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zip.h>

#include "base/mem.h"
#include "base/sbuf.h"
#include "base/text.h"
#include "write/xlsx_patch_int.h"
#include "base/banned.h"

/* ---- the added sheet ---- */

/*
 * The height (points) row r of the added sheet needs for its wrapped text: neither Excel
 * nor LibreOffice makes a row taller for wrapped text on its own when printing a file it
 * did not lay out. size is the font's size in points.
 */
static double row_height(const th_patch *p, size_t r, double size)
{
	size_t most = 1;

	for (size_t c = 0; c < p->t_cols; c++) {
		const struct tcell *t = &p->t_cells[r * p->t_cols + c];
		size_t per = (size_t)(p->t_widths[c] * 11.0 / size), lines = 1, chars = 0;

		if (!t->text || (t->style != TH_PS_TEXT && t->style != TH_PS_HEAD))
			continue;
		per = per ? per : 1;
		for (const char *s = t->text;; s++) {
			if (!*s || *s == '\n') {
				lines += chars ? (chars - 1) / per : 0;
				if (!*s)
					break;
				lines++;
				chars = 0;
			} else if (((unsigned char)*s & 0xC0) != 0x80) {
				chars++;
			}
		}
		most = lines > most ? lines : most;
	}
	most = most > 27 ? 27 : most; /* Excel's tallest row is 409 points */
	return (double)most * size * 1.36 + 2;
}

void th_px_table_xml(const th_patch *p, const struct stx *st, th_sbuf *sb)
{
	double size = st->font_sz ? strtod(st->font_sz, NULL) : 11;
	char ref[TH_CELLREF_MAX];
	size_t links = 0;

	if (!(size >= 6 && size <= 72))
		size = 11;
	th_sbuf_adds(sb, XML_DECL "<worksheet xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_R "\">"
				  "<sheetPr><tabColor rgb=\"FFC00000\"/><pageSetUpPr fitToPage=\"1\"/></sheetPr>");
	if (p->t_rows && p->t_cols)
		th_sbuf_addf(sb, "<dimension ref=\"A1:%s\"/>",
			     th_cellref((uint32_t)p->t_rows - 1, (uint16_t)(p->t_cols - 1), ref));
	th_sbuf_adds(sb, "<sheetViews><sheetView tabSelected=\"1\" workbookViewId=\"0\">");
	if (p->t_rows > 1)
		th_sbuf_adds(sb, "<pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/>"
				 "<selection pane=\"bottomLeft\" activeCell=\"A2\" sqref=\"A2\"/>");
	th_sbuf_adds(sb, "</sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>");
	if (p->t_cols) {
		th_sbuf_adds(sb, "<cols>");
		for (size_t c = 0; c < p->t_cols; c++)
			th_sbuf_addf(sb, "<col min=\"%zu\" max=\"%zu\" width=\"%.2f\" customWidth=\"1\"/>", c + 1, c + 1,
				     p->t_widths[c] > 0 && p->t_widths[c] < 255 ? p->t_widths[c] : 10.0);
		th_sbuf_adds(sb, "</cols>");
	}
	th_sbuf_adds(sb, "<sheetData>");
	for (size_t r = 0; r < p->t_rows && r < TH_MAX_ROWS; r++) {
		th_sbuf_addf(sb, "<row r=\"%zu\" ht=\"%.2f\" customHeight=\"1\">", r + 1, row_height(p, r, size));
		for (size_t c = 0; c < p->t_cols && c < TH_MAX_COLS; c++) {
			const struct tcell *t = &p->t_cells[r * p->t_cols + c];
			th_cellref((uint32_t)r, (uint16_t)c, ref);
			if (!t->text) {
				if (t->style == TH_PS_HEAD || t->style == TH_PS_ERR || t->style == TH_PS_WARN)
					th_sbuf_addf(sb, "<c r=\"%s\" s=\"%u\"/>", ref, th_px_styles_table(st, t->style));
				continue;
			}
			th_sbuf_addf(sb, "<c r=\"%s\" s=\"%u\" t=\"inlineStr\"><is><t xml:space=\"preserve\">", ref,
				     th_px_styles_table(st, t->link_sheet >= 0 ? TH_PS_LINK : t->style));
			th_px_xml(sb, t->text, th_text_fit(t->text, TEXT_MAX), false, true);
			th_sbuf_adds(sb, "</t></is></c>");
		}
		th_sbuf_adds(sb, "</row>");
	}
	th_sbuf_adds(sb, "</sheetData>");
	for (size_t i = 0; i < p->t_rows * p->t_cols && links < LINKS_MAX; i++) {
		const struct tcell *t = &p->t_cells[i];
		th_sbuf loc = TH_SBUF_INIT;
		char target[TH_CELLREF_MAX];

		if (t->link_sheet < 0 || !t->text)
			continue;
		if (!links++)
			th_sbuf_adds(sb, "<hyperlinks>");
		th_sbuf_addc(&loc, '\'');
		for (const char *c = p->sheets[t->link_sheet].name; *c; c++) {
			if (*c == '\'')
				th_sbuf_addc(&loc, '\'');
			th_sbuf_addc(&loc, *c);
		}
		th_sbuf_addf(&loc, "'!%s", th_cellref(t->link_row, t->link_col, target));
		th_sbuf_addf(sb, "<hyperlink ref=\"%s\" location=\"",
			     th_cellref((uint32_t)(i / p->t_cols), (uint16_t)(i % p->t_cols), ref));
		th_px_xml_attr(sb, loc.buf);
		th_sbuf_adds(sb, "\" display=\"");
		th_px_xml(sb, t->text, th_text_fit(t->text, 255), true, false);
		th_sbuf_adds(sb, "\"/>");
		th_sbuf_release(&loc);
	}
	if (links)
		th_sbuf_adds(sb, "</hyperlinks>");
	th_sbuf_adds(sb, "<pageMargins left=\"0.5\" right=\"0.5\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" "
			 "footer=\"0.3\"/><pageSetup paperSize=\"9\" orientation=\"landscape\" fitToHeight=\"0\"/>"
			 "</worksheet>");
}

