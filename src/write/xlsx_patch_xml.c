/*
 * The XML underneath the package patch (xlsx_patch.h): one pass of expat over a part that
 * tells where each tag is in the bytes, edits (byte ranges replaced by new text), a start
 * tag rewritten with attributes set or removed and nothing else touched, and text made fit
 * for XML. Private to the xlsx_patch*.c files (xlsx_patch_int.h).
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

/* ---- small helpers ---- */

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool th_px_ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* The first occurrence of needle (m bytes) in (s, n), or NULL. */
const char *th_px_find(const char *s, size_t n, const char *needle, size_t m)
{
	for (size_t i = 0; m && i + m <= n; i++)
		if (s[i] == needle[0] && memcmp(s + i, needle, m) == 0)
			return s + i;
	return NULL;
}

const char *th_px_local(const char *qn)
{
	const char *c = strrchr(qn, ':');
	return c ? c + 1 : qn;
}

/* The prefix of qualified name qn with its colon ("x:" for "x:row"), "" for none. New string. */
char *th_px_prefix(const char *qn)
{
	const char *c = strrchr(qn, ':');
	return c ? th_xstrndup(qn, (size_t)(c - qn + 1)) : th_xstrdup("");
}

const char *th_px_attr(const char **atts, const char *qname)
{
	for (; atts && atts[0]; atts += 2)
		if (strcmp(atts[0], qname) == 0)
			return atts[1];
	return NULL;
}

/* The value of the attribute whose local name is name and which has a prefix (r:id). */
const char *th_px_attr_prefixed(const char **atts, const char *name)
{
	for (; atts && atts[0]; atts += 2)
		if (strchr(atts[0], ':') && strncmp(atts[0], "xmlns", 5) != 0 && strcmp(th_px_local(atts[0]), name) == 0)
			return atts[1];
	return NULL;
}

char *th_px_norm(const char *s)
{
	char *n, *w;

	while (*s == '/' || *s == '\\')
		s++;
	n = w = th_xstrdup(s);
	for (; *w; w++)
		*w = *w == '\\' ? '/' : (char)tolower((unsigned char)*w);
	return n;
}

/* A whole decimal number in [0, max], nothing else; -1 when s is none. */
int th_px_num(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max)
			return -1;
	}
	if (*s)
		return -1;
	*out = v;
	return 0;
}

/* Is this attribute value an XML boolean true? */
bool th_px_true(const char *v)
{
	return v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
}

/* ---- XML text out ---- */

/*
 * Append s as XML: escaped for an attribute (attr) or for character data; control
 * characters other than tab and line feed become spaces (XML 1.0 cannot hold them), a byte
 * that is not UTF-8 becomes U+FFFD, and for an ST_Xstring (xstr) a literal "_xHHHH_"
 * keeps its meaning ("_x005F_" escapes the underscore), as Excel would read it otherwise.
 */
void th_px_xml(th_sbuf *sb, const char *s, size_t n, bool attr_value, bool xstr)
{
	char *fixed = th_text_valid_utf8(s, n) ? NULL : th_text_nfc(s, n, &n);
	const unsigned char *p = (const unsigned char *)(fixed ? fixed : s);

	for (size_t i = 0; i < n; i++) {
		unsigned char c = p[i];
		switch (c) {
		case '&': th_sbuf_adds(sb, "&amp;"); continue;
		case '<': th_sbuf_adds(sb, "&lt;"); continue;
		case '>': th_sbuf_adds(sb, "&gt;"); continue;
		case '"':
			th_sbuf_adds(sb, attr_value ? "&quot;" : "\"");
			continue;
		case '\n':
			th_sbuf_adds(sb, attr_value ? "&#10;" : "\n");
			continue;
		case '\t':
			th_sbuf_adds(sb, attr_value ? "&#9;" : "\t");
			continue;
		case '_':
			if (xstr && i + 6 < n && p[i + 1] == 'x' && isxdigit(p[i + 2]) && isxdigit(p[i + 3]) &&
			    isxdigit(p[i + 4]) && isxdigit(p[i + 5]) && p[i + 6] == '_') {
				th_sbuf_adds(sb, "_x005F_");
				continue;
			}
			break;
		case 0xEF: /* U+FFFE and U+FFFF are not XML characters */
			if (i + 2 < n && p[i + 1] == 0xBF && (p[i + 2] == 0xBE || p[i + 2] == 0xBF)) {
				th_sbuf_adds(sb, "\xEF\xBF\xBD");
				i += 2;
				continue;
			}
			break;
		default:
			if (c < 0x20 || c == 0x7F) {
				th_sbuf_addc(sb, ' ');
				continue;
			}
		}
		th_sbuf_addc(sb, (char)c);
	}
	free(fixed);
}

void th_px_xml_attr(th_sbuf *sb, const char *s)
{
	th_px_xml(sb, s, strlen(s), true, false);
}

/* ---- one pass of expat over a part, with the byte place of every tag ---- */

void th_px_xp_fail(struct xp *x, th_code code, const char *why)
{
	if (!x->failed) {
		th_fail(x->e, code, "phần '%s' của tệp gốc %s", x->part, why);
		x->failed = 1;
	}
	XML_StopParser(x->p, XML_FALSE);
}

static void XMLCALL xp_on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xp *x = ud;
	size_t off = (size_t)XML_GetCurrentByteIndex(x->p), n = (size_t)XML_GetCurrentByteCount(x->p);

	if (x->failed)
		return;
	if (++x->depth > x->max_depth) {
		th_px_xp_fail(x, TH_E_XML_DEPTH, "có XML lồng nhau quá sâu");
		return;
	}
	if (off > x->len || n > x->len - off || n < 2 || x->buf[off] != '<') {
		th_px_xp_fail(x, TH_E_PACKAGE, "có thẻ XML không định vị được");
		return;
	}
	if (x->start)
		x->start(x, name, atts, off, n);
}

static void XMLCALL xp_on_end(void *ud, const XML_Char *name)
{
	struct xp *x = ud;
	size_t off = (size_t)XML_GetCurrentByteIndex(x->p), n = (size_t)XML_GetCurrentByteCount(x->p);

	if (x->failed)
		return;
	x->depth--;
	if (off > x->len || n > x->len - off) {
		th_px_xp_fail(x, TH_E_PACKAGE, "có thẻ XML không định vị được");
		return;
	}
	if (x->end)
		x->end(x, name, off, n);
}

static void XMLCALL xp_on_text(void *ud, const XML_Char *s, int len)
{
	struct xp *x = ud;

	if (x->text && !x->failed)
		th_sbuf_add(x->text, s, (size_t)len);
}

static void XMLCALL xp_on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
				  int has_internal_subset)
{
	(void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
	th_px_xp_fail(ud, TH_E_XML_DTD, "có khai báo DTD/thực thể XML (nghi là tệp độc hại)");
}

static void XMLCALL xp_on_decl(void *ud, const XML_Char *version, const XML_Char *encoding, int standalone)
{
	(void)version, (void)standalone;
	/* our insertions are UTF-8: a part declared in another encoding is not edited */
	if (encoding && strcasecmp(encoding, "UTF-8") != 0 && strcasecmp(encoding, "UTF8") != 0)
		th_px_xp_fail(ud, TH_E_PACKAGE, "không viết bằng UTF-8, không sửa trực tiếp được");
}

/* Parse loaded part k with x's handlers. Returns 0, or -1 with *e. */
int th_px_xp_run(th_patch *p, int k, struct xp *x, th_err *e)
{
	struct part *pt = &p->parts[k];
	size_t done = 0;
	int rc = 0;

	x->p = XML_ParserCreate("UTF-8");
	if (!x->p)
		return th_fail(e, TH_E_NOMEM, "hết bộ nhớ");
	x->e = e;
	x->part = pt->name;
	x->buf = pt->data;
	x->len = pt->len;
	x->depth = 0;
	x->max_depth = p->lim.max_depth;
	x->failed = 0;
	XML_SetUserData(x->p, x);
	XML_SetElementHandler(x->p, xp_on_start, xp_on_end);
	XML_SetCharacterDataHandler(x->p, xp_on_text);
	XML_SetStartDoctypeDeclHandler(x->p, xp_on_doctype);
	XML_SetXmlDeclHandler(x->p, xp_on_decl);
	do {
		size_t n = pt->len - done > FEED_MAX ? FEED_MAX : pt->len - done;
		bool last = done + n == pt->len;

		if (XML_Parse(x->p, pt->data + done, (int)n, last) != XML_STATUS_OK) {
			if (!x->failed)
				th_fail(e, TH_E_XML, "XML của phần '%s' trong tệp gốc bị lỗi ở dòng %lu: %s", pt->name,
					(unsigned long)XML_GetCurrentLineNumber(x->p),
					XML_ErrorString(XML_GetErrorCode(x->p)));
			rc = -1;
			break;
		}
		done += n;
	} while (done < pt->len);
	if (!rc && x->failed)
		rc = -1;
	XML_ParserFree(x->p);
	x->p = NULL;
	return rc;
}

/* ---- edits: byte ranges of a part replaced by new text ---- */

/* Replace len bytes at off with sb's text (taken; sb is left empty). */
void th_px_edit(struct edits *ed, size_t off, size_t len, th_sbuf *sb)
{
	struct edit *d;

	th_grow((void **)&ed->v, &ed->cap, ed->n + 1, sizeof(*ed->v));
	d = &ed->v[ed->n];
	d->off = off;
	d->len = len;
	d->seq = ed->n++;
	d->text = th_sbuf_detach(sb, &d->n);
}

static int ed_cmp(const void *a, const void *b)
{
	const struct edit *p = a, *q = b;

	if (p->off != q->off)
		return p->off < q->off ? -1 : 1;
	return p->seq < q->seq ? -1 : p->seq > q->seq;
}

void th_px_edits_release(struct edits *ed)
{
	for (size_t i = 0; i < ed->n; i++)
		free(ed->v[i].text);
	free(ed->v);
	memset(ed, 0, sizeof(*ed));
}

/* Apply the edits to part k (when there are any), which then changes. Releases ed. */
int th_px_edits_apply(th_patch *p, int k, struct edits *ed, th_err *e)
{
	struct part *pt = &p->parts[k];
	th_sbuf sb = TH_SBUF_INIT;
	size_t at = 0;

	if (!ed->n)
		return 0;
	qsort(ed->v, ed->n, sizeof(*ed->v), ed_cmp);
	for (size_t i = 0; i < ed->n; i++) {
		const struct edit *d = &ed->v[i];
		if (d->off < at || d->off + d->len > pt->len) {
			th_px_edits_release(ed);
			th_sbuf_release(&sb);
			return th_fail(e, TH_E_PACKAGE, "sửa phần '%s' không được: hai chỗ sửa chồng lên nhau", pt->name);
		}
		th_sbuf_add(&sb, pt->data + at, d->off - at);
		th_sbuf_add(&sb, d->text, d->n);
		at = d->off + d->len;
	}
	th_sbuf_add(&sb, pt->data + at, pt->len - at);
	th_px_edits_release(ed);
	th_px_part_set(p, k, &sb);
	return 0;
}

/*
 * A start tag (n bytes at tag, as in the file) with attributes set or removed: set[i].value
 * NULL removes set[i].name, any other value replaces it or is added at the end. open: an
 * empty-element tag (<row/>) becomes a start tag (<row>). Everything else is kept as written.
 */

void th_px_tag(th_sbuf *sb, const char *tag, size_t n, const struct aset *set, size_t nset, bool open)
{
	bool done[ASET_MAX] = { false };
	size_t i = 1, end;

	while (i < n && !is_ws(tag[i]) && tag[i] != '/' && tag[i] != '>')
		i++;
	th_sbuf_add(sb, tag, i);
	for (;;) {
		size_t ws = i, ns, ne, vs;
		char q;
		int hit = -1;

		while (i < n && is_ws(tag[i]))
			i++;
		if (i >= n || tag[i] == '/' || tag[i] == '>') {
			i = ws;
			break;
		}
		ns = i;
		while (i < n && tag[i] != '=' && !is_ws(tag[i]))
			i++;
		ne = i;
		while (i < n && tag[i] != '\'' && tag[i] != '"')
			i++;
		q = i < n ? tag[i] : '"';
		vs = ++i;
		while (i < n && tag[i] != q)
			i++;
		i = i < n ? i + 1 : n;
		for (size_t k = 0; k < nset && k < ASET_MAX; k++)
			if (strlen(set[k].name) == ne - ns && memcmp(tag + ns, set[k].name, ne - ns) == 0)
				hit = (int)k;
		if (hit < 0) {
			th_sbuf_add(sb, tag + ws, i - ws);
			continue;
		}
		done[hit] = true;
		if (set[hit].value) {
			th_sbuf_add(sb, tag + ws, vs - ws - 1);
			th_sbuf_addc(sb, '"');
			th_px_xml_attr(sb, set[hit].value);
			th_sbuf_addc(sb, '"');
		}
	}
	for (size_t k = 0; k < nset && k < ASET_MAX; k++)
		if (!done[k] && set[k].value) {
			th_sbuf_addf(sb, " %s=\"", set[k].name);
			th_px_xml_attr(sb, set[k].value);
			th_sbuf_addc(sb, '"');
		}
	end = n;
	if (open && n >= 2 && tag[n - 2] == '/') {
		th_sbuf_add(sb, tag + i, n - 2 - i);
		th_sbuf_addc(sb, '>');
	} else {
		th_sbuf_add(sb, tag + i, end - i);
	}
}

bool th_px_empty_tag(const char *tag, size_t n)
{
	return n >= 2 && tag[n - 2] == '/';
}

