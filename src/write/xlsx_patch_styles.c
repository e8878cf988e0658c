/*
 * styles.xml for the patch (xlsx_patch.h): the fills of the marks and a clone of each format
 * a marked cell had with one of them, the fonts, fills and formats of the added sheet, each
 * section's count kept true, a section added where the schema puts it when the file has
 * none, a whole stylesheet when it has no styles part. Private (xlsx_patch_int.h).
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

static const char *const sect_name[S_N] = { "numFmts", "fonts",      "fills", "borders",     "cellStyleXfs", "cellXfs",
					    "cellStyles", "dxfs", "tableStyles", "colors", "extLst" };

/* The fonts, fills and formats this module adds after the file's own. */
enum { F_REG, F_BOLD, F_LINK, F_N };
enum { L_ERR, L_WARN, L_HEAD, L_N };
#define X_N 6 /* one per th_pstyle */

static void st_start(struct xp *x, const char *qn, const char **atts, size_t off, size_t n)
{
	struct stx *st = x->ud;
	const char *name = th_px_local(qn);

	if (x->depth == 1) {
		free(st->pfx);
		st->pfx = th_px_prefix(qn);
		st->root_self = th_px_empty_tag(x->buf + off, n);
	} else if (x->depth == 2) {
		st->cur = -1;
		for (int k = 0; k < S_N; k++)
			if (strcmp(name, sect_name[k]) == 0 && !st->s[k].present) {
				struct sect *s = &st->s[k];
				st->cur = k;
				s->present = true;
				s->off = off;
				s->n = n;
				s->self = th_px_empty_tag(x->buf + off, n);
				s->has_count = th_px_attr(atts, "count") != NULL;
			}
	} else if (x->depth == 3 && st->cur >= 0) {
		st->s[st->cur].items++;
		if (st->cur == S_CELLXFS && strcmp(name, "xf") == 0) {
			th_grow((void **)&st->xf, &st->cap_xf, st->n_xf + 1, sizeof(*st->xf));
			st->xf[st->n_xf].off = off;
			st->xf[st->n_xf].n = n;
			st->xf[st->n_xf].end = off + n;
			st->n_xf++;
		} else if (st->cur == S_FONTS && st->s[S_FONTS].items == 1) {
			st->in_font0 = true;
		}
	} else if (x->depth == 4 && st->in_font0) {
		const char *v = th_px_attr(atts, "val");
		if (v && strcmp(name, "sz") == 0 && !st->font_sz)
			st->font_sz = th_xstrdup(v);
		else if (v && strcmp(name, "name") == 0 && !st->font_name)
			st->font_name = th_xstrdup(v);
	}
}

static void st_end(struct xp *x, const char *qn, size_t off, size_t n)
{
	struct stx *st = x->ud;

	if (x->depth == 2 && st->cur == S_CELLXFS && strcmp(th_px_local(qn), "xf") == 0 && n)
		st->xf[st->n_xf - 1].end = off + n;
	else if (x->depth == 2 && st->cur == S_FONTS)
		st->in_font0 = false;
	else if (x->depth == 1 && st->cur >= 0) {
		st->s[st->cur].end = off;
		st->cur = -1;
	} else if (x->depth == 0)
		st->root_end = off;
}

void th_px_styles_release(struct stx *st)
{
	free(st->pfx);
	free(st->xf);
	free(st->font_sz);
	free(st->font_name);
	free(st->cl);
	memset(st, 0, sizeof(*st));
}

/* Read the styles part (when there is one) and fix where the added formats start. */
int th_px_styles_read(th_patch *p, struct stx *st, th_err *e)
{
	struct xp x = { .start = st_start, .end = st_end, .ud = st };

	memset(st, 0, sizeof(*st));
	st->cur = -1;
	if (p->styles >= 0 && (th_px_part_load(p, p->styles, e) || th_px_xp_run(p, p->styles, &x, e)))
		return -1;
	if (st->root_self) /* an empty stylesheet: as if there were none */
		st->n_xf = 0;
	/* with no format at all, format 0 (the default every cell without s has) is added first */
	st->base = st->n_xf ? (uint32_t)st->n_xf : 1;
	return 0;
}

/* The format for cells of format xf marked with mark: a clone with the mark's fill. */
uint32_t th_px_styles_clone(struct stx *st, uint32_t xf, th_mark mark)
{
	for (size_t i = 0; i < st->n_cl; i++)
		if (st->cl[i].xf == xf && st->cl[i].mark == mark)
			return st->base + (uint32_t)i;
	th_grow((void **)&st->cl, &st->cap_cl, st->n_cl + 1, sizeof(*st->cl));
	st->cl[st->n_cl].xf = xf;
	st->cl[st->n_cl].mark = mark;
	return st->base + (uint32_t)st->n_cl++;
}

/* The format of the added sheet's cells of style ps. */
uint32_t th_px_styles_table(const struct stx *st, th_pstyle ps)
{
	return st->base + (uint32_t)st->n_cl + (uint32_t)ps;
}

/* How many items section k will have before the ones this module adds. */
static size_t sect_first(const struct stx *st, int k, bool fresh)
{
	size_t have = fresh ? 0 : st->s[k].items;

	switch (k) {
	case S_FONTS:
	case S_BORDERS:
		return have ? have : 1;
	case S_FILLS:
		return have ? have : 2;
	case S_CELLXFS:
		return st->base;
	default:
		return have;
	}
}

/* The fonts of the added sheet: plain, bold, link; in font 0's face and size, unless that face
 * is TCVN3 or VNI (it cannot show the Unicode text written), with font 0 first when the
 * file has none. Returns how many. */
static size_t font_items(const struct stx *st, size_t have, th_sbuf *sb)
{
	const char *x = st->pfx;
	const char *fname = st->font_name && *st->font_name ? st->font_name : "Calibri";
	const char *fsz = st->font_sz && *st->font_sz ? st->font_sz : "11";
	size_t n = 0;

	if (th_text_detect("a", 1, fname) != TH_ENC_UNICODE)
		fname = "Times New Roman";
	if (!have) {
		th_sbuf_addf(sb, "<%sfont><%ssz val=\"11\"/><%sname val=\"Calibri\"/></%sfont>", x, x, x, x);
		n++;
	}
	for (int f = 0; f < F_N; f++, n++) {
		th_sbuf_addf(sb, "<%sfont>", x);
		if (f == F_BOLD)
			th_sbuf_addf(sb, "<%sb/>", x);
		else if (f == F_LINK)
			th_sbuf_addf(sb, "<%su/>", x);
		th_sbuf_addf(sb, "<%ssz val=\"", x);
		th_px_xml_attr(sb, fsz);
		th_sbuf_adds(sb, "\"/>");
		if (f == F_LINK)
			th_sbuf_addf(sb, "<%scolor rgb=\"" RGB_LINK "\"/>", x);
		th_sbuf_addf(sb, "<%sname val=\"", x);
		th_px_xml_attr(sb, fname);
		th_sbuf_addf(sb, "\"/></%sfont>", x);
	}
	return n;
}

/* The fills: error, warning, header; the two a file must start with when it has none. */
static size_t fill_items(const struct stx *st, size_t have, th_sbuf *sb)
{
	static const char *const rgb[L_N] = { RGB_ERR, RGB_WARN, RGB_HEAD };
	const char *x = st->pfx;
	size_t n = 0;

	if (!have) {
		th_sbuf_addf(sb, "<%sfill><%spatternFill patternType=\"none\"/></%sfill>"
				 "<%sfill><%spatternFill patternType=\"gray125\"/></%sfill>", x, x, x, x, x, x);
		n += 2;
	}
	for (int f = 0; f < L_N; f++, n++)
		th_sbuf_addf(sb, "<%sfill><%spatternFill patternType=\"solid\"><%sfgColor rgb=\"%s\"/>"
				 "<%sbgColor indexed=\"64\"/></%spatternFill></%sfill>", x, x, x, rgb[f], x, x, x);
	return n;
}

/*
 * The cell formats: format 0 when the file has none, the clones of the marked cells'
 * formats with their fill (the original's attributes and children kept), then one per
 * th_pstyle for the added sheet. Returns how many.
 */
static size_t xf_items(const th_patch *p, const struct stx *st, bool fresh, th_sbuf *sb)
{
	static const struct {
		int font, fill; /* fill -1: none */
		const char *align;
		bool quote;
	} tx[X_N] = {
		[TH_PS_HEAD] = { F_BOLD, L_HEAD, "horizontal=\"center\" vertical=\"center\" wrapText=\"1\"", false },
		[TH_PS_TEXT] = { F_REG, -1, "vertical=\"top\" wrapText=\"1\"", true },
		[TH_PS_LINK] = { F_LINK, -1, "vertical=\"top\"", true },
		[TH_PS_ERR] = { F_REG, L_ERR, "vertical=\"top\"", true },
		[TH_PS_WARN] = { F_REG, L_WARN, "vertical=\"top\"", true },
		[TH_PS_BOLD] = { F_BOLD, -1, "vertical=\"top\"", true },
	};
	const char *x = st->pfx;
	const char *xfid = fresh || st->s[S_CELLSTYLEXFS].items > 0 ? " xfId=\"0\"" : "";
	size_t font0 = sect_first(st, S_FONTS, fresh), fill0 = sect_first(st, S_FILLS, fresh), n = 0;

	if (!st->n_xf) {
		th_sbuf_addf(sb, "<%sxf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"%s/>", x, xfid);
		n++;
	}
	for (size_t i = 0; i < st->n_cl; i++, n++) {
		const struct clone *c = &st->cl[i];
		char fill[24];
		snprintf(fill, sizeof(fill), "%zu", fill0 + (c->mark == TH_MARK_ERROR ? L_ERR : L_WARN));
		if (c->xf < st->n_xf && !fresh) {
			const char *d = p->parts[p->styles].data;
			struct aset set[] = { { "fillId", fill }, { "applyFill", "1" } };
			const struct xfpos *xp = &st->xf[c->xf];
			th_px_tag(sb, d + xp->off, xp->n, set, 2, false);
			th_sbuf_add(sb, d + xp->off + xp->n, xp->end - xp->off - xp->n);
		} else {
			th_sbuf_addf(sb, "<%sxf numFmtId=\"0\" fontId=\"0\" fillId=\"%s\" borderId=\"0\"%s "
					 "applyFill=\"1\"/>", x, fill, xfid);
		}
	}
	for (int t = 0; t < X_N; t++, n++) {
		th_sbuf_addf(sb, "<%sxf numFmtId=\"0\" fontId=\"%zu\" fillId=\"%zu\" borderId=\"0\"%s applyFont=\"1\"",
			     x, font0 + (size_t)tx[t].font, tx[t].fill < 0 ? 0 : fill0 + (size_t)tx[t].fill, xfid);
		if (tx[t].fill >= 0)
			th_sbuf_adds(sb, " applyFill=\"1\"");
		if (tx[t].quote)
			th_sbuf_adds(sb, " quotePrefix=\"1\"");
		th_sbuf_addf(sb, " applyAlignment=\"1\"><%salignment %s/></%sxf>", x, tx[t].align, x);
	}
	return n;
}

/*
 * The items to add to section k (with the defaults an empty or missing section must have
 * first), and how many they are. fresh: a stylesheet written whole (there was none).
 */
static size_t sect_items(const th_patch *p, const struct stx *st, int k, bool fresh, th_sbuf *sb)
{
	const char *x = st->pfx;
	size_t have = fresh ? 0 : st->s[k].items;

	switch (k) {
	case S_FONTS:
		return font_items(st, have, sb);
	case S_FILLS:
		return fill_items(st, have, sb);
	case S_BORDERS:
		if (have)
			return 0;
		th_sbuf_addf(sb, "<%sborder><%sleft/><%sright/><%stop/><%sbottom/><%sdiagonal/></%sborder>", x, x, x, x,
			     x, x, x);
		return 1;
	case S_CELLSTYLEXFS:
		if (!fresh)
			return 0;
		th_sbuf_addf(sb, "<%sxf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/>", x);
		return 1;
	case S_CELLSTYLES:
		if (!fresh)
			return 0;
		th_sbuf_addf(sb, "<%scellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/>", x);
		return 1;
	case S_CELLXFS:
		return xf_items(p, st, fresh, sb);
	default:
		return 0;
	}
}

/* Write the styles: the added fonts, fills and formats into each section, a section created
 * where it is missing, or a whole stylesheet when the workbook has none. */
int th_px_styles_finish(th_patch *p, struct stx *st, th_err *e)
{
	struct edits ed = { 0 };
	bool fresh = p->styles < 0 || st->root_self;
	th_sbuf whole = TH_SBUF_INIT;

	if (fresh) {
		free(st->pfx);
		st->pfx = th_xstrdup("");
		th_sbuf_adds(&whole, XML_DECL "<styleSheet xmlns=\"" NS_MAIN "\">");
	}
	for (int k = 0; k < S_N; k++) {
		struct sect *s = &st->s[k];
		th_sbuf items = TH_SBUF_INIT, sb = TH_SBUF_INIT;
		size_t n = sect_items(p, st, k, fresh, &items);
		char count[24];

		if (!n) {
			th_sbuf_release(&items);
			continue;
		}
		snprintf(count, sizeof(count), "%zu", (fresh ? 0 : s->items) + n);
		if (fresh || !s->present) {
			/* a new section, before the first later one there is */
			size_t at = st->root_end;
			for (int j = S_N - 1; j > k; j--)
				if (st->s[j].present)
					at = st->s[j].off;
			th_sbuf_addf(&sb, "<%s%s count=\"%s\">", st->pfx, sect_name[k], count);
			th_sbuf_add(&sb, items.buf, items.len);
			th_sbuf_addf(&sb, "</%s%s>", st->pfx, sect_name[k]);
			if (fresh)
				th_sbuf_add(&whole, sb.buf, sb.len);
			else
				th_px_edit(&ed, at, 0, &sb);
		} else {
			const char *d = p->parts[p->styles].data;
			struct aset set[] = { { "count", count } };
			th_px_tag(&sb, d + s->off, s->n, set, s->has_count ? 1 : 0, true);
			if (s->self) {
				th_sbuf_add(&sb, items.buf, items.len);
				th_sbuf_addf(&sb, "</%s%s>", st->pfx, sect_name[k]);
				th_px_edit(&ed, s->off, s->n, &sb);
			} else {
				th_px_edit(&ed, s->off, s->n, &sb);
				th_px_edit(&ed, s->end, 0, &items);
			}
		}
		th_sbuf_release(&items);
		th_sbuf_release(&sb);
	}
	if (!fresh)
		return th_px_edits_apply(p, p->styles, &ed, e);
	th_sbuf_adds(&whole, "</styleSheet>");
	if (p->styles < 0) {
		char id[32], *name = th_px_part_unused(p, p->wb_dir, "styles", ".xml", 0);
		p->styles = th_px_part_new(p, name);
		th_px_rels_add(&p->wbr, RT "styles", name, id);
		th_px_types_override(&p->types, name, CT_STYLES);
		free(name);
	}
	th_px_part_set(p, p->styles, &whole);
	return 0;
}

