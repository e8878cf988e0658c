/*
 * The package's index for the patch (xlsx_patch.h): relationships (read, an unused Id, added
 * ones written into the part or a new one) and [Content_Types].xml (an Override or a
 * Default added). Private to the xlsx_patch*.c files (xlsx_patch_int.h).
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

/* ---- relationships ---- */

static void rels_start(struct xp *x, const char *qn, const char **atts, size_t off, size_t n)
{
	struct rels *r = x->ud;
	const char *id, *type, *target, *mode;
	struct rel *rel;

	if (x->depth == 1) {
		free(r->pfx);
		r->pfx = th_px_prefix(qn);
		r->root_off = off;
		r->root_n = n;
		r->root_self = th_px_empty_tag(x->buf + off, n);
		return;
	}
	if (x->depth != 2 || strcmp(th_px_local(qn), "Relationship") != 0)
		return;
	id = th_px_attr(atts, "Id");
	type = th_px_attr(atts, "Type");
	target = th_px_attr(atts, "Target");
	mode = th_px_attr(atts, "TargetMode");
	if (!id || !type || !target)
		return;
	th_grow((void **)&r->v, &r->cap, r->n + 1, sizeof(*r->v));
	rel = &r->v[r->n++];
	rel->id = th_xstrdup(id);
	rel->type = th_xstrdup(type);
	rel->target = mode && strcmp(mode, "External") == 0 ? NULL : th_xlsx_resolve_target(r->source, target);
}

static void rels_end(struct xp *x, const char *qn, size_t off, size_t n)
{
	struct rels *r = x->ud;

	(void)qn, (void)n;
	if (x->depth == 0)
		r->end_off = off;
}

void th_px_rels_release(struct rels *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].id);
		free(r->v[i].type);
		free(r->v[i].target);
	}
	free(r->v);
	free(r->name);
	free(r->source);
	free(r->pfx);
	th_sbuf_release(&r->add);
	memset(r, 0, sizeof(*r));
	r->part = -1;
}

/* Read the relationships of part source; a missing rels part gives none. */
int th_px_rels_read(th_patch *p, const char *source, struct rels *r, th_err *e)
{
	struct xp x = { .start = rels_start, .end = rels_end, .ud = r };

	memset(r, 0, sizeof(*r));
	r->add = (th_sbuf)TH_SBUF_INIT;
	r->source = th_xstrdup(source);
	r->name = th_xlsx_rels_part(source);
	r->pfx = th_xstrdup("");
	r->part = th_px_part_find(p, r->name);
	if (r->part < 0)
		return 0;
	if (th_px_part_load(p, r->part, e) || th_px_xp_run(p, r->part, &x, e))
		return -1;
	return 0;
}

const struct rel *th_px_rel_type(const struct rels *r, const char *suffix)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].target && th_px_ends_with(r->v[i].type, suffix))
			return &r->v[i];
	return NULL;
}

const struct rel *th_px_rel_id(const struct rels *r, const char *id)
{
	for (size_t i = 0; id && i < r->n; i++)
		if (strcmp(r->v[i].id, id) == 0)
			return &r->v[i];
	return NULL;
}

/* Add a relationship to part name (absolute target); writes its new, unused Id to id. */
void th_px_rels_add(struct rels *r, const char *type, const char *part, char id[32])
{
	for (unsigned k = (unsigned)r->n + 1;; k++) {
		snprintf(id, 32, "rId%u", k);
		if (!th_px_rel_id(r, id))
			break;
	}
	th_grow((void **)&r->v, &r->cap, r->n + 1, sizeof(*r->v));
	r->v[r->n].id = th_xstrdup(id);
	r->v[r->n].type = th_xstrdup(type);
	r->v[r->n].target = th_xstrdup(part);
	r->n++;
	th_sbuf_addf(&r->add, "<%sRelationship Id=\"%s\" Type=\"%s\" Target=\"/", r->pfx, id, type);
	th_px_xml_attr(&r->add, part);
	th_sbuf_adds(&r->add, "\"/>");
}

/* Write the added relationships: into the rels part, or as a new one. */
int th_px_rels_finish(th_patch *p, struct rels *r, th_err *e)
{
	struct edits ed = { 0 };
	th_sbuf sb = TH_SBUF_INIT;

	if (!r->add.len)
		return 0;
	if (r->part < 0) {
		th_sbuf_adds(&sb, XML_DECL "<Relationships xmlns=\"" NS_PKG "\">");
		th_sbuf_add(&sb, r->add.buf, r->add.len);
		th_sbuf_adds(&sb, "</Relationships>");
		r->part = th_px_part_new(p, r->name);
		th_px_part_set(p, r->part, &sb);
		return 0;
	}
	if (r->root_self) {
		th_px_tag(&sb, p->parts[r->part].data + r->root_off, r->root_n, NULL, 0, true);
		th_sbuf_add(&sb, r->add.buf, r->add.len);
		th_sbuf_addf(&sb, "</%sRelationships>", r->pfx);
		th_px_edit(&ed, r->root_off, r->root_n, &sb);
	} else {
		th_sbuf_add(&sb, r->add.buf, r->add.len);
		th_px_edit(&ed, r->end_off, 0, &sb);
	}
	return th_px_edits_apply(p, r->part, &ed, e);
}

/* ---- [Content_Types].xml ---- */

static void ct_start(struct xp *x, const char *qn, const char **atts, size_t off, size_t n)
{
	struct ctypes *c = x->ud;
	const char *name = th_px_local(qn);

	if (x->depth == 1) {
		free(c->pfx);
		c->pfx = th_px_prefix(qn);
		c->root_off = off;
		c->root_n = n;
		c->root_self = th_px_empty_tag(x->buf + off, n);
	} else if (x->depth == 2 && strcmp(name, "Override") == 0) {
		const char *pn = th_px_attr(atts, "PartName"), *type = th_px_attr(atts, "ContentType");
		if (!pn)
			return;
		th_grow((void **)&c->over, &c->cap_over, c->n_over + 1, sizeof(*c->over));
		c->over[c->n_over++] = th_px_norm(pn);
		if (!c->main && type && strstr(type, "spreadsheetml") && th_px_ends_with(type, ".main+xml"))
			c->main = th_px_norm(pn);
	} else if (x->depth == 2 && strcmp(name, "Default") == 0) {
		const char *ext = th_px_attr(atts, "Extension");
		if (!ext)
			return;
		th_grow((void **)&c->ext, &c->cap_ext, c->n_ext + 1, sizeof(*c->ext));
		c->ext[c->n_ext++] = th_px_norm(ext);
	}
}

static void ct_end(struct xp *x, const char *qn, size_t off, size_t n)
{
	struct ctypes *c = x->ud;

	(void)qn, (void)n;
	if (x->depth == 0)
		c->end_off = off;
}

/* Read [Content_Types].xml, part k. Returns 0, or -1 with *e. */
int th_px_types_read(th_patch *p, int k, struct ctypes *c, th_err *e)
{
	struct xp x = { .start = ct_start, .end = ct_end, .ud = c };

	return th_px_part_load(p, k, e) || th_px_xp_run(p, k, &x, e) ? -1 : 0;
}

void th_px_types_release(struct ctypes *c)
{
	for (size_t i = 0; i < c->n_over; i++)
		free(c->over[i]);
	for (size_t i = 0; i < c->n_ext; i++)
		free(c->ext[i]);
	free(c->over);
	free(c->ext);
	free(c->pfx);
	free(c->main);
	th_sbuf_release(&c->add);
	memset(c, 0, sizeof(*c));
}

static bool ct_has_default(const struct ctypes *c, const char *ext)
{
	for (size_t i = 0; i < c->n_ext; i++)
		if (strcmp(c->ext[i], ext) == 0)
			return true;
	return false;
}

void th_px_types_override(struct ctypes *c, const char *part, const char *type)
{
	th_sbuf_addf(&c->add, "<%sOverride PartName=\"/", c->pfx);
	th_px_xml_attr(&c->add, part);
	th_sbuf_addf(&c->add, "\" ContentType=\"%s\"/>", type);
}

void th_px_types_default(struct ctypes *c, const char *ext, const char *type)
{
	if (ct_has_default(c, ext))
		return;
	th_grow((void **)&c->ext, &c->cap_ext, c->n_ext + 1, sizeof(*c->ext));
	c->ext[c->n_ext++] = th_xstrdup(ext);
	th_sbuf_addf(&c->add, "<%sDefault Extension=\"%s\" ContentType=\"%s\"/>", c->pfx, ext, type);
}

int th_px_types_finish(th_patch *p, struct ctypes *c, th_err *e)
{
	struct edits ed = { 0 };
	th_sbuf sb = TH_SBUF_INIT;

	if (!c->add.len)
		return 0;
	if (c->root_self) {
		th_px_tag(&sb, p->parts[p->ct].data + c->root_off, c->root_n, NULL, 0, true);
		th_sbuf_add(&sb, c->add.buf, c->add.len);
		th_sbuf_addf(&sb, "</%sTypes>", c->pfx);
		th_px_edit(&ed, c->root_off, c->root_n, &sb);
	} else {
		th_sbuf_add(&sb, c->add.buf, c->add.len);
		th_px_edit(&ed, c->end_off, 0, &sb);
	}
	return th_px_edits_apply(p, p->ct, &ed, e);
}

