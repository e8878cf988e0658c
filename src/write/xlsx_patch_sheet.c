/*
 * A worksheet for the patch (xlsx_patch.h): each marked cell gets the clone of its format
 * (th_px_styles_clone); a marked cell that is not in the XML is inserted in column order, in
 * its row, the row inserted in row order when missing; rows and cells out of order are not
 * edited; the sheet's views lose tabSelected; where a <legacyDrawing> goes is noted.
 * Private to the xlsx_patch*.c files (xlsx_patch_int.h).
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

/* ---- a worksheet: the marked cells and the selected tab ---- */

/* The worksheet's children that come after <legacyDrawing>, in the schema's order. */
static const char *const after_legacy[] = { "legacyDrawingHF", "drawingHF", "picture", "oleObjects",
					    "controls", "webPublishItems", "tableParts", "extLst" };

enum { SH_VIEWS = 1, SH_COLS, SH_DATA };

/* The prefix the root element binds to the relationships namespace ("r:"), or NULL. */
static char *r_prefix(const char **atts)
{
	for (const char **a = atts; a[0]; a += 2)
		if (strncmp(a[0], "xmlns:", 6) == 0 && strcmp(a[1], NS_R) == 0) {
			th_sbuf sb = TH_SBUF_INIT;
			th_sbuf_addf(&sb, "%s:", a[0] + 6);
			return th_sbuf_detach(&sb, NULL);
		}
	return NULL;
}

/* The format an empty cell at col shows: its row's when the row has one, else its column's. */
static uint32_t empty_style(const struct shx *sh, uint32_t row, uint32_t col)
{
	if (row == sh->row && sh->row_custom)
		return sh->row_style;
	for (size_t i = 0; i < sh->n_cols; i++)
		if (col >= sh->cols[i].min && col <= sh->cols[i].max)
			return sh->cols[i].style;
	return 0;
}

static void put_new_cell(struct shx *sh, th_sbuf *sb, const struct pmark *m)
{
	char ref[TH_CELLREF_MAX];

	th_cellref(m->row, m->col, ref);
	th_sbuf_addf(sb, "<%sc r=\"%s\" s=\"%u\"/>", sh->pfx, ref,
		     th_px_styles_clone(sh->st, empty_style(sh, m->row + 1, (uint32_t)m->col + 1), m->mark));
}

/* Write the cells of the current row's marks left of column col (1-based) that are not in the file. */
static void put_cells_before(struct shx *sh, th_sbuf *sb, uint32_t col)
{
	while (sh->next < sh->row_end && (uint32_t)sh->m[sh->next].col + 1 < col)
		put_new_cell(sh, sb, &sh->m[sh->next++]);
}

/* Write the rows of the marks above row (1-based) that are not in the file. */
static void put_rows_before(struct shx *sh, th_sbuf *sb, uint32_t row)
{
	while (sh->next < sh->n && sh->m[sh->next].row + 1 < row) {
		uint32_t r = sh->m[sh->next].row;
		th_sbuf_addf(sb, "<%srow r=\"%u\">", sh->pfx, r + 1);
		while (sh->next < sh->n && sh->m[sh->next].row == r)
			put_new_cell(sh, sb, &sh->m[sh->next++]);
		th_sbuf_addf(sb, "</%srow>", sh->pfx);
	}
}

static void sh_fail(struct xp *x, struct shx *sh, const char *why)
{
	sh->bad = true;
	th_px_xp_fail(x, TH_E_PACKAGE, why);
}

/* A row's spans ("1:5", "1:3 7:9") widened to the marked columns, or NULL when they hold them. */
static char *wider_spans(const struct shx *sh, const char *spans)
{
	unsigned long lo = ULONG_MAX, hi = 0;
	char *end;
	th_sbuf sb = TH_SBUF_INIT;

	for (const char *s = spans; *s;) {
		unsigned long a, b;
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		a = strtoul(s, &end, 10);
		if (end == s || *end != ':')
			return NULL;
		s = end + 1;
		b = strtoul(s, &end, 10);
		if (end == s)
			return NULL;
		s = end;
		lo = a < lo ? a : lo;
		hi = b > hi ? b : hi;
	}
	if (hi == 0)
		return NULL;
	{
		unsigned long nlo = lo, nhi = hi;
		for (size_t i = sh->next; i < sh->row_end; i++) {
			unsigned long c = (unsigned long)sh->m[i].col + 1;
			nlo = c < nlo ? c : nlo;
			nhi = c > nhi ? c : nhi;
		}
		if (nlo == lo && nhi == hi)
			return NULL;
		th_sbuf_addf(&sb, "%lu:%lu", nlo, nhi);
	}
	return th_sbuf_detach(&sb, NULL);
}

static void sh_row(struct xp *x, struct shx *sh, const char **atts, size_t off, size_t n)
{
	const char *rs = th_px_attr(atts, "r"), *spans = th_px_attr(atts, "spans");
	uint64_t r = sh->row + 1;
	th_sbuf sb = TH_SBUF_INIT;
	struct aset set[2];
	size_t nset = 0;
	char rbuf[16], *wide = NULL;
	uint64_t style;
	bool self = th_px_empty_tag(x->buf + off, n);

	if (rs && (th_px_num(rs, TH_MAX_ROWS, &r) || r == 0)) {
		sh_fail(x, sh, "có số hàng không hợp lệ");
		return;
	}
	if (r <= sh->row || r > TH_MAX_ROWS) {
		sh_fail(x, sh, "có các hàng không theo thứ tự");
		return;
	}
	put_rows_before(sh, &sb, (uint32_t)r);
	if (sb.len) {
		th_px_edit(&sh->ed, off, 0, &sb);
		sh->force_r = true;
	}
	sh->row = (uint32_t)r;
	sh->col = 0;
	sh->row_custom = th_px_true(th_px_attr(atts, "customFormat"));
	sh->row_style = th_px_num(th_px_attr(atts, "s"), UINT32_MAX, &style) == 0 ? (uint32_t)style : 0;
	sh->row_end = sh->next;
	while (sh->row_end < sh->n && sh->m[sh->row_end].row + 1 == r)
		sh->row_end++;
	if (sh->force_r && !rs) {
		snprintf(rbuf, sizeof(rbuf), "%u", (unsigned)r);
		set[nset++] = (struct aset){ "r", rbuf };
	}
	sh->force_r = false;
	if (spans && sh->row_end > sh->next && (wide = wider_spans(sh, spans)))
		set[nset++] = (struct aset){ "spans", wide };
	if (self && sh->row_end > sh->next) {
		th_px_tag(&sb, x->buf + off, n, set, nset, true);
		put_cells_before(sh, &sb, TH_MAX_COLS + 1);
		th_sbuf_addf(&sb, "</%srow>", sh->pfx);
		th_px_edit(&sh->ed, off, n, &sb);
	} else if (nset) {
		th_px_tag(&sb, x->buf + off, n, set, nset, false);
		th_px_edit(&sh->ed, off, n, &sb);
	}
	free(wide);
}

static void sh_cell(struct xp *x, struct shx *sh, const char **atts, size_t off, size_t n)
{
	const char *rs = th_px_attr(atts, "r");
	uint32_t col = sh->col + 1;
	th_sbuf sb = TH_SBUF_INIT;
	struct aset set[2];
	size_t nset = 0;
	char rbuf[TH_CELLREF_MAX], sbuf[16];

	if (rs) {
		uint32_t rr;
		uint16_t cc;
		if (th_cellref_parse(rs, strlen(rs), &rr, &cc) || rr + 1 != sh->row) {
			sh_fail(x, sh, "có ô nằm ngoài hàng của nó");
			return;
		}
		col = (uint32_t)cc + 1;
	}
	if (!sh->row || col <= sh->col || col > TH_MAX_COLS) {
		sh_fail(x, sh, "có các ô không theo thứ tự");
		return;
	}
	put_cells_before(sh, &sb, col);
	if (sb.len) {
		th_px_edit(&sh->ed, off, 0, &sb);
		if (!rs) {
			th_cellref(sh->row - 1, (uint16_t)(col - 1), rbuf);
			set[nset++] = (struct aset){ "r", rbuf };
		}
	}
	if (sh->next < sh->row_end && (uint32_t)sh->m[sh->next].col + 1 == col) {
		uint64_t s = 0;
		if (th_px_num(th_px_attr(atts, "s"), UINT32_MAX, &s))
			s = 0;
		snprintf(sbuf, sizeof(sbuf), "%u", th_px_styles_clone(sh->st, (uint32_t)s, sh->m[sh->next].mark));
		set[nset++] = (struct aset){ "s", sbuf };
		sh->next++;
	}
	if (nset) {
		th_px_tag(&sb, x->buf + off, n, set, nset, false);
		th_px_edit(&sh->ed, off, n, &sb);
	}
	sh->col = col;
}

static void sh_start(struct xp *x, const char *qn, const char **atts, size_t off, size_t n)
{
	struct shx *sh = x->ud;
	const char *name = th_px_local(qn);

	if (x->depth == 1) {
		free(sh->pfx);
		sh->pfx = th_px_prefix(qn);
		sh->r_pfx = r_prefix(atts);
		return;
	}
	if (x->depth == 2) {
		sh->parent = strcmp(name, "sheetViews") == 0 ? SH_VIEWS : strcmp(name, "cols") == 0 ? SH_COLS :
			     strcmp(name, "sheetData") == 0 ? SH_DATA : 0;
		if (strcmp(name, "legacyDrawing") == 0) {
			const char *id = th_px_attr_prefixed(atts, "id");
			sh->has_legacy = true;
			free(sh->legacy_rid);
			sh->legacy_rid = id ? th_xstrdup(id) : NULL;
		}
		for (size_t i = 0; i < sizeof(after_legacy) / sizeof(after_legacy[0]) && !sh->insert_found; i++)
			if (strcmp(name, after_legacy[i]) == 0) {
				sh->insert_found = true;
				sh->insert_at = off;
			}
		if (sh->parent == SH_DATA && th_px_empty_tag(x->buf + off, n)) {
			th_sbuf sb = TH_SBUF_INIT;
			th_px_tag(&sb, x->buf + off, n, NULL, 0, true);
			put_rows_before(sh, &sb, TH_MAX_ROWS + 1);
			th_sbuf_addf(&sb, "</%ssheetData>", sh->pfx);
			th_px_edit(&sh->ed, off, n, &sb);
		}
		return;
	}
	if (x->depth == 3 && sh->parent == SH_VIEWS && strcmp(name, "sheetView") == 0 && sh->unselect &&
	    th_px_attr(atts, "tabSelected")) {
		struct aset set[] = { { "tabSelected", NULL } };
		th_sbuf sb = TH_SBUF_INIT;
		th_px_tag(&sb, x->buf + off, n, set, 1, false);
		th_px_edit(&sh->ed, off, n, &sb);
	} else if (x->depth == 3 && sh->parent == SH_COLS && strcmp(name, "col") == 0) {
		uint64_t lo, hi, style;
		if (th_px_num(th_px_attr(atts, "min"), TH_MAX_COLS, &lo) || th_px_num(th_px_attr(atts, "max"), TH_MAX_COLS, &hi) ||
		    th_px_num(th_px_attr(atts, "style"), UINT32_MAX, &style))
			return;
		th_grow((void **)&sh->cols, &sh->cap_cols, sh->n_cols + 1, sizeof(*sh->cols));
		sh->cols[sh->n_cols++] = (struct colstyle){ (uint32_t)lo, (uint32_t)hi, (uint32_t)style };
	} else if (x->depth == 3 && sh->parent == SH_DATA && strcmp(name, "row") == 0) {
		sh_row(x, sh, atts, off, n);
	} else if (x->depth == 4 && sh->parent == SH_DATA && strcmp(name, "c") == 0) {
		sh_cell(x, sh, atts, off, n);
	}
}

static void sh_end(struct xp *x, const char *qn, size_t off, size_t n)
{
	struct shx *sh = x->ud;
	const char *name = th_px_local(qn);
	th_sbuf sb = TH_SBUF_INIT;

	if (x->depth == 2 && sh->parent == SH_DATA && strcmp(name, "row") == 0) {
		/* the rest of the row's marks, before </row> (an empty <row/> had them at its start) */
		if (n) {
			put_cells_before(sh, &sb, TH_MAX_COLS + 1);
			if (sb.len)
				th_px_edit(&sh->ed, off, 0, &sb);
		}
		sh->row_end = sh->next;
	} else if (x->depth == 1 && sh->parent == SH_DATA) {
		if (n) {
			put_rows_before(sh, &sb, TH_MAX_ROWS + 1);
			if (sb.len)
				th_px_edit(&sh->ed, off, 0, &sb);
		}
		sh->parent = 0;
	} else if (x->depth == 1) {
		sh->parent = 0;
	} else if (x->depth == 0) {
		sh->root_end = off;
	}
	th_sbuf_release(&sb);
}

static int mark_cmp(const void *a, const void *b)
{
	const struct pmark *p = a, *q = b;

	if (p->row != q->row)
		return p->row < q->row ? -1 : 1;
	return p->col < q->col ? -1 : p->col > q->col;
}

void th_px_sheet_release(struct shx *sh)
{
	th_px_edits_release(&sh->ed);
	free(sh->pfx);
	free(sh->r_pfx);
	free(sh->cols);
	free(sh->legacy_rid);
	memset(sh, 0, sizeof(*sh));
}

/* Read worksheet s, marking its cells and taking tabSelected off. Its edits stay in sh. */
int th_px_sheet_read(th_patch *p, struct psheet *s, struct stx *st, struct shx *sh, th_err *e)
{
	struct xp x = { .start = sh_start, .end = sh_end, .ud = sh };

	memset(sh, 0, sizeof(*sh));
	sh->p = p;
	sh->st = st;
	sh->unselect = true;
	if (s->n_marks > 1)
		qsort(s->marks, s->n_marks, sizeof(*s->marks), mark_cmp);
	sh->m = s->marks;
	sh->n = s->n_marks;
	if (th_px_xp_run(p, s->part, &x, e))
		return -1;
	if (sh->next < sh->n)
		return th_px_unsupported(e, p->parts[s->part].name, "không có phần dữ liệu (sheetData)");
	return 0;
}

