/*
 * Comments for the patch (xlsx_patch.h): the comments part of a sheet (ours added to it, or
 * a new one; a comment already on a marked cell keeps its text and ours follows it) and the
 * VML drawing that places each comment's box (edited as text: Excel's VML is not always
 * XML), with the relationships and content types they need. Private (xlsx_patch_int.h).
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

/* ---- comments ---- */

enum { CM_AUTHORS = 1, CM_LIST };

struct cmnote {
	uint32_t row;
	uint16_t col;
	bool has_text, text_self;
	size_t t_off, t_n; /* its <text> start tag */
	size_t at;         /* where a run added to it goes: after its last <t> or <r> */
};

struct cmx {
	char *pfx;
	int parent;
	bool have_authors, authors_self, have_list, list_self;
	size_t authors_off, authors_n, authors_end, list_off, list_n, list_end;
	size_t n_authors;
	int ours;          /* the index of our author, -1 none */
	th_sbuf text;      /* an author's name while read */
	struct cmnote *v;
	size_t n, cap;
};

static void cm_start(struct xp *x, const char *qn, const char **atts, size_t off, size_t n)
{
	struct cmx *c = x->ud;
	const char *name = th_px_local(qn);

	if (x->depth == 1) {
		free(c->pfx);
		c->pfx = th_px_prefix(qn);
	} else if (x->depth == 2) {
		c->parent = 0;
		if (strcmp(name, "authors") == 0 && !c->have_authors) {
			c->parent = CM_AUTHORS;
			c->have_authors = true;
			c->authors_off = off;
			c->authors_n = n;
			c->authors_self = th_px_empty_tag(x->buf + off, n);
		} else if (strcmp(name, "commentList") == 0 && !c->have_list) {
			c->parent = CM_LIST;
			c->have_list = true;
			c->list_off = off;
			c->list_n = n;
			c->list_self = th_px_empty_tag(x->buf + off, n);
		}
	} else if (x->depth == 3 && c->parent == CM_AUTHORS && strcmp(name, "author") == 0) {
		th_sbuf_reset(&c->text);
		x->text = &c->text;
	} else if (x->depth == 3 && c->parent == CM_LIST && strcmp(name, "comment") == 0) {
		const char *ref = th_px_attr(atts, "ref");
		struct cmnote *m;
		th_grow((void **)&c->v, &c->cap, c->n + 1, sizeof(*c->v));
		m = &c->v[c->n++];
		memset(m, 0, sizeof(*m));
		if (!ref || th_cellref_parse(ref, strlen(ref), &m->row, &m->col))
			m->row = UINT32_MAX; /* matches no cell */
	} else if (x->depth == 4 && c->parent == CM_LIST && c->n && strcmp(name, "text") == 0) {
		struct cmnote *m = &c->v[c->n - 1];
		m->has_text = true;
		m->t_off = off;
		m->t_n = n;
		m->text_self = th_px_empty_tag(x->buf + off, n);
		m->at = off + n;
	} else if (x->depth == 5 && c->parent == CM_LIST && c->n && (strcmp(name, "t") == 0 || strcmp(name, "r") == 0) &&
		   th_px_empty_tag(x->buf + off, n)) {
		c->v[c->n - 1].at = off + n;
	}
}

static void cm_end(struct xp *x, const char *qn, size_t off, size_t n)
{
	struct cmx *c = x->ud;
	const char *name = th_px_local(qn);

	if (x->depth == 2 && c->parent == CM_AUTHORS && strcmp(name, "author") == 0) {
		x->text = NULL;
		if (c->ours < 0 && strcmp(c->text.buf, AUTHOR) == 0)
			c->ours = (int)c->n_authors;
		c->n_authors++;
	} else if (x->depth == 4 && c->parent == CM_LIST && c->n && n && (strcmp(name, "t") == 0 || strcmp(name, "r") == 0)) {
		c->v[c->n - 1].at = off + n;
	} else if (x->depth == 1) {
		if (c->parent == CM_AUTHORS)
			c->authors_end = off;
		else if (c->parent == CM_LIST)
			c->list_end = off;
		c->parent = 0;
	}
}

static void cmx_release(struct cmx *c)
{
	free(c->pfx);
	free(c->v);
	th_sbuf_release(&c->text);
	memset(c, 0, sizeof(*c));
}

/* One run of comment text, as Excel writes a note's: Tahoma 8. */
static void put_run(th_sbuf *sb, const char *x, const char *text)
{
	th_sbuf_addf(sb, "<%sr><%srPr><%ssz val=\"8\"/><%scolor indexed=\"81\"/><%srFont val=\"Tahoma\"/>"
			 "<%sfamily val=\"2\"/></%srPr><%st xml:space=\"preserve\">", x, x, x, x, x, x, x, x);
	th_px_xml(sb, text, th_text_fit(text, TEXT_MAX), false, true);
	th_sbuf_addf(sb, "</%st></%sr>", x, x);
}

/* ---- VML: the drawing that places each comment's box ---- */

#define VML_NS_V "urn:schemas-microsoft-com:vml"
#define VML_NS_O "urn:schemas-microsoft-com:office:office"
#define VML_NS_X "urn:schemas-microsoft-com:office:excel"
/* The three prefixes declared on an element, for a drawing whose root does not declare them
 * (openpyxl declares them on each element, under other names). */
#define VML_XMLNS "xmlns:v=\"" VML_NS_V "\" xmlns:o=\"" VML_NS_O "\" xmlns:x=\"" VML_NS_X "\" "
#define VML_SHAPETYPE(ns)                                                                                     \
	"<v:shapetype " ns "id=\"_x0000_t202\" coordsize=\"21600,21600\" o:spt=\"202\" "                       \
	"path=\"m,l,21600r21600,l21600,xe\"><v:stroke joinstyle=\"miter\"/>"                                    \
	"<v:path gradientshapeok=\"t\" o:connecttype=\"rect\"/></v:shapetype>"

/* The box of the comment on (row, col): hidden, right of the cell, tall enough for its lines;
 * ns: the namespace declarations it needs ("" when the drawing's root has them). */
static void put_shape(th_sbuf *sb, const char *ns, uint32_t id, uint32_t row, uint16_t col, const char *text,
		      unsigned z)
{
	size_t lines = 1, chars = 0;
	uint32_t top = row ? row - 1 : 0, rows;

	for (const char *c = text; *c; c++) {
		if (*c == '\n') {
			lines += 1 + chars / 40;
			chars = 0;
		} else if (((unsigned char)*c & 0xC0) != 0x80) {
			chars++;
		}
	}
	lines += chars / 40;
	rows = (uint32_t)(lines < 4 ? 4 : lines > 30 ? 30 : lines);
	th_sbuf_addf(sb, "<v:shape %sid=\"_x0000_s%u\" type=\"#_x0000_t202\" style=\"position:absolute;"
			 "margin-left:80pt;margin-top:2pt;width:240pt;height:%upt;z-index:%u;visibility:hidden\" "
			 "fillcolor=\"#ffffe1\" o:insetmode=\"auto\"><v:fill color2=\"#ffffe1\"/>"
			 "<v:shadow on=\"t\" color=\"black\" obscured=\"t\"/><v:path o:connecttype=\"none\"/>"
			 "<v:textbox style=\"mso-direction-alt:auto\"><div style=\"text-align:left\"></div></v:textbox>"
			 "<x:ClientData ObjectType=\"Note\"><x:MoveWithCells/><x:SizeWithCells/>"
			 "<x:Anchor>%u, 15, %u, 10, %u, 15, %u, 4</x:Anchor><x:AutoFill>False</x:AutoFill>"
			 "<x:Row>%u</x:Row><x:Column>%u</x:Column></x:ClientData></v:shape>",
		     ns, id, (unsigned)(rows * 15), z, (unsigned)col + 1, top, (unsigned)col + 5, top + rows, row, (unsigned)col);
}

/* The largest number in "_x0000_sNNN" shape ids of (s, n). */
static uint32_t max_shape_id(const char *s, size_t n)
{
	static const char tag[] = "_x0000_s";
	uint32_t best = 0;
	const char *at = s, *end = s + n;

	while ((at = th_px_find(at, (size_t)(end - at), tag, sizeof(tag) - 1))) {
		uint64_t v = 0;
		at += sizeof(tag) - 1;
		while (at < end && isdigit((unsigned char)*at) && v < UINT32_MAX / 20)
			v = v * 10 + (uint64_t)(*at++ - '0');
		best = v > best ? (uint32_t)v : best;
	}
	return best;
}

/* Does (s, n) declare prefix (say "v") bound to uri, in either quote? */
static bool declares(const char *s, size_t n, const char *prefix, const char *uri)
{
	char a[128], b[128];

	snprintf(a, sizeof(a), "xmlns:%s=\"%s\"", prefix, uri);
	snprintf(b, sizeof(b), "xmlns:%s='%s'", prefix, uri);
	return th_px_find(s, n, a, strlen(a)) || th_px_find(s, n, b, strlen(b));
}

/* The start of the last "</xml>" in (s, n) (any case), or -1. Excel's VML is not always
 * well-formed XML, so the drawing is edited as text: the shapes go before its end. */
static long vml_end(const char *s, size_t n)
{
	for (size_t i = n; i >= 6; i--)
		if (strncasecmp(s + i - 6, "</xml>", 6) == 0)
			return (long)(i - 6);
	return -1;
}

/* The largest shape id of every VML drawing of the package. */
int th_px_shapes_max(th_patch *p, uint32_t *max, th_err *e)
{
	*max = 1024;
	for (size_t i = 0; i < p->n_parts; i++) {
		uint32_t m;
		if (p->parts[i].index < 0 || !th_px_ends_with(p->parts[i].norm, ".vml"))
			continue;
		if (th_px_part_load(p, (int)i, e))
			return -1;
		m = max_shape_id(p->parts[i].data, p->parts[i].len);
		*max = m > *max ? m : *max;
	}
	return 0;
}

/* ---- a sheet's comments ---- */

/* "xmlns:r=... r:" or the root's own prefix, for an r:id on an element this module adds. */
void th_px_rid(th_sbuf *sb, const char *r_pfx, const char *id)
{
	if (r_pfx)
		th_sbuf_addf(sb, "%sid=\"%s\"", r_pfx, id);
	else
		th_sbuf_addf(sb, "xmlns:r=\"" NS_R "\" r:id=\"%s\"", id);
}

/* Find the comment on (row, col) among those read, or NULL. */
static const struct cmnote *note_at(const struct cmx *c, uint32_t row, uint16_t col)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->v[i].row == row && c->v[i].col == col && c->v[i].has_text)
			return &c->v[i];
	return NULL;
}

/* Add the comments part's edits (or make it); the cells that get a new comment are listed in boxes. */
static int notes_comments(th_patch *p, const struct psheet *s, int cpart, struct rels *r, th_sbuf *boxes,
			  const char *ns, uint32_t *next_shape, th_err *e)
{
	struct cmx c = { .ours = -1, .text = TH_SBUF_INIT };
	struct xp x = { .start = cm_start, .end = cm_end, .ud = &c };
	struct edits ed = { 0 };
	th_sbuf list = TH_SBUF_INIT, sb = TH_SBUF_INIT;
	const char *pf;
	size_t author;
	unsigned z = 1;
	int rc = -1;

	if (cpart >= 0) {
		if (th_px_part_load(p, cpart, e) || th_px_xp_run(p, cpart, &x, e))
			goto out;
		if (!c.have_authors || !c.have_list) {
			th_px_unsupported(e, p->parts[cpart].name, "thiếu danh sách tác giả hoặc ghi chú");
			goto out;
		}
	}
	pf = c.pfx ? c.pfx : "";
	author = c.ours >= 0 ? (size_t)c.ours : c.n_authors;
	for (size_t i = 0; i < s->n_marks; i++) {
		const struct pmark *m = &s->marks[i];
		const struct cmnote *old;
		char ref[TH_CELLREF_MAX];

		if (!m->comment)
			continue;
		if ((old = note_at(&c, m->row, m->col))) {
			/* the commune's own note stays; ours follows it */
			th_sbuf text = TH_SBUF_INIT;
			th_sbuf_addf(&text, "\n\nKết quả kiểm tra:\n%s", m->comment);
			if (old->text_self) {
				th_px_tag(&sb, p->parts[cpart].data + old->t_off, old->t_n, NULL, 0, true);
				put_run(&sb, pf, text.buf);
				th_sbuf_addf(&sb, "</%stext>", pf);
				th_px_edit(&ed, old->t_off, old->t_n, &sb);
			} else {
				put_run(&sb, pf, text.buf);
				th_px_edit(&ed, old->at, 0, &sb);
			}
			th_sbuf_release(&text);
			continue;
		}
		th_cellref(m->row, m->col, ref);
		th_sbuf_addf(&list, "<%scomment ref=\"%s\" authorId=\"%zu\"><%stext>", pf, ref, author, pf);
		put_run(&list, pf, m->comment);
		th_sbuf_addf(&list, "</%stext></%scomment>", pf, pf);
		put_shape(boxes, ns, (*next_shape)++, m->row, m->col, m->comment, z++);
	}
	if (cpart < 0) {
		char id[32], *name = th_px_part_unused(p, p->wb_dir, "comments", ".xml", 1);
		int k = th_px_part_new(p, name);
		th_sbuf_adds(&sb, XML_DECL "<comments xmlns=\"" NS_MAIN "\"><authors><author>" AUTHOR
					   "</author></authors><commentList>");
		th_sbuf_add(&sb, list.buf, list.len);
		th_sbuf_adds(&sb, "</commentList></comments>");
		th_px_part_set(p, k, &sb);
		th_px_rels_add(r, RT "comments", name, id);
		th_px_types_override(&p->types, name, CT_COMMENTS);
		free(name);
		rc = 0;
		goto out;
	}
	if (c.ours < 0) {
		if (c.authors_self) {
			th_px_tag(&sb, p->parts[cpart].data + c.authors_off, c.authors_n, NULL, 0, true);
			th_sbuf_addf(&sb, "<%sauthor>" AUTHOR "</%sauthor></%sauthors>", pf, pf, pf);
			th_px_edit(&ed, c.authors_off, c.authors_n, &sb);
		} else {
			th_sbuf_addf(&sb, "<%sauthor>" AUTHOR "</%sauthor>", pf, pf);
			th_px_edit(&ed, c.authors_end, 0, &sb);
		}
	}
	if (list.len && c.list_self) {
		th_px_tag(&sb, p->parts[cpart].data + c.list_off, c.list_n, NULL, 0, true);
		th_sbuf_add(&sb, list.buf, list.len);
		th_sbuf_addf(&sb, "</%scommentList>", pf);
		th_px_edit(&ed, c.list_off, c.list_n, &sb);
	} else if (list.len) {
		th_px_edit(&ed, c.list_end, 0, &list);
	}
	rc = th_px_edits_apply(p, cpart, &ed, e);
out:
	th_px_edits_release(&ed);
	th_sbuf_release(&list);
	th_sbuf_release(&sb);
	cmx_release(&c);
	return rc;
}

/* Comments, and the boxes that show them, for the marks of sheet s that have text. */
int th_px_notes(th_patch *p, struct psheet *s, struct shx *sh, uint32_t *next_shape, th_err *e)
{
	struct rels r;
	const struct rel *cr, *vr;
	int cpart = -1, vpart = -1, rc = -1;
	uint32_t data = 0;
	bool any = false;
	th_sbuf boxes = TH_SBUF_INIT, sb = TH_SBUF_INIT;
	const char *sname = p->parts[s->part].name, *ns = "";

	for (size_t i = 0; i < s->n_marks; i++)
		any = any || s->marks[i].comment;
	if (!any)
		return 0;
	if (th_px_rels_read(p, sname, &r, e))
		goto out;
	if ((cr = th_px_rel_type(&r, "/comments")) && (cpart = th_px_part_find(p, cr->target)) < 0) {
		th_px_unsupported(e, sname, "trỏ tới phần ghi chú không có trong tệp");
		goto out;
	}
	if (sh->has_legacy) {
		struct part *v;
		vr = th_px_rel_id(&r, sh->legacy_rid);
		vpart = vr && vr->target ? th_px_part_find(p, vr->target) : -1;
		if (vpart < 0) {
			th_px_unsupported(e, sname, "trỏ tới bản vẽ VML không có trong tệp");
			goto out;
		}
		if (th_px_part_load(p, vpart, e))
			goto out;
		v = &p->parts[vpart];
		if (vml_end(v->data, v->len) < 0) {
			th_px_unsupported(e, v->name, "là bản vẽ VML không rõ cấu trúc");
			goto out;
		}
		if (!declares(v->data, v->len, "v", VML_NS_V) || !declares(v->data, v->len, "o", VML_NS_O) ||
		    !declares(v->data, v->len, "x", VML_NS_X))
			ns = VML_XMLNS;
	} else {
		/* a drawing of its own: a block of 1,024 shape ids no other drawing uses */
		data = *next_shape / 1024 + 1;
		*next_shape = data * 1024 + 1;
	}
	if (notes_comments(p, s, cpart, &r, &boxes, ns, next_shape, e))
		goto out;
	if (boxes.len && vpart >= 0) {
		struct part *v = &p->parts[vpart];
		struct edits ed = { 0 };
		if (!th_px_find(v->data, v->len, "_x0000_t202", 11)) {
			if (*ns)
				th_sbuf_adds(&sb, VML_SHAPETYPE(VML_XMLNS));
			else
				th_sbuf_adds(&sb, VML_SHAPETYPE(""));
		}
		th_sbuf_add(&sb, boxes.buf, boxes.len);
		th_px_edit(&ed, (size_t)vml_end(v->data, v->len), 0, &sb);
		if (th_px_edits_apply(p, vpart, &ed, e))
			goto out;
	} else if (boxes.len) {
		char id[32], *name = th_px_part_unused(p, p->wb_dir, "drawings/vmlDrawing", ".vml", 1);
		int k = th_px_part_new(p, name);
		th_sbuf_addf(&sb, "<xml " VML_XMLNS "><o:shapelayout v:ext=\"edit\"><o:idmap v:ext=\"edit\" "
				  "data=\"%u\"/></o:shapelayout>" VML_SHAPETYPE(""), data);
		th_sbuf_add(&sb, boxes.buf, boxes.len);
		th_sbuf_adds(&sb, "</xml>");
		th_px_part_set(p, k, &sb);
		th_px_rels_add(&r, RT "vmlDrawing", name, id);
		th_px_types_default(&p->types, "vml", CT_VML);
		free(name);
		th_sbuf_addf(&sb, "<%slegacyDrawing ", sh->pfx);
		th_px_rid(&sb, sh->r_pfx, id);
		th_sbuf_adds(&sb, "/>");
		th_px_edit(&sh->ed, sh->insert_found ? sh->insert_at : sh->root_end, 0, &sb);
	}
	rc = th_px_rels_finish(p, &r, e);
out:
	th_px_rels_release(&r);
	th_sbuf_release(&boxes);
	th_sbuf_release(&sb);
	return rc;
}

