/*
 * Editing a workbook package in place (see xlsx_patch.h). Each part that changes is read
 * whole under the reader's limits, parsed once by expat, and every change is an edit: a
 * byte range of the original replaced by new text (a zero-length range is an insertion).
 * Elements are located with XML_GetCurrentByteIndex/ByteCount, so nothing between the
 * edits is touched: attributes, namespaces, whitespace and unknown extensions stay as the
 * producer wrote them. Elements this module adds take the prefix of their neighbours.
 * This file: the package's parts (read under the limits), workbook.xml, opening, and the
 * build that runs the passes of the other xlsx_patch_*.c files (xml: expat and edits;
 * rels: relationships and content types; styles; sheet: the cells; notes: comments; table:
 * the added sheet) and writes the new archive.
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
#include <sys/stat.h>
#include <zip.h>

#include "base/mem.h"
#include "base/sbuf.h"
#include "base/text.h"
#include "write/xlsx_patch_int.h"
#include "base/banned.h"

/* ---- failures ---- */

int th_px_unsupported(th_err *e, const char *part, const char *why)
{
	return th_fail(e, TH_E_PACKAGE, "phần '%s' của tệp gốc %s", part, why);
}

static int zip_damaged(th_err *e, const char *part, zip_error_t *ze)
{
	int code = zip_error_code_zip(ze);

	if (code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD || code == ZIP_ER_ENCRNOTSUPP)
		return th_fail(e, TH_E_ENCRYPTED, "tệp gốc được đặt mật khẩu (mã hoá)");
	return th_fail(e, TH_E_ZIP_DAMAGED, "tệp gốc bị hỏng: phần '%s' không giải nén được (%s)", part,
		       zip_error_strerror(ze));
}

/* ---- parts ---- */

int th_px_part_find(const th_patch *p, const char *name)
{
	char *n = th_px_norm(name);
	int hit = -1;

	for (size_t i = 0; i < p->n_parts && hit < 0; i++)
		if (strcmp(p->parts[i].norm, n) == 0)
			hit = (int)i;
	free(n);
	return hit;
}

/* A new part named name (its content set later). Returns its index. */
int th_px_part_new(th_patch *p, const char *name)
{
	struct part *pt;

	th_grow((void **)&p->parts, &p->cap_parts, p->n_parts + 1, sizeof(*p->parts));
	pt = &p->parts[p->n_parts];
	memset(pt, 0, sizeof(*pt));
	pt->name = th_xstrdup(name);
	pt->norm = th_px_norm(name);
	pt->index = -1;
	pt->loaded = true;
	pt->data = th_xstrdup("");
	return (int)p->n_parts++;
}

/* An unused part name: dir + base + a number from first on + ext ("xl/comments1.xml"); the
 * number 0 is left out ("xl/styles.xml"). New string. */
char *th_px_part_unused(const th_patch *p, const char *dir, const char *base, const char *ext, int first)
{
	for (int k = first;; k++) {
		th_sbuf sb = TH_SBUF_INIT;
		th_sbuf_adds(&sb, dir);
		th_sbuf_adds(&sb, base);
		if (k)
			th_sbuf_addf(&sb, "%d", k);
		th_sbuf_adds(&sb, ext);
		if (th_px_part_find(p, sb.buf) < 0)
			return th_sbuf_detach(&sb, NULL);
		th_sbuf_release(&sb);
	}
}

/* Set the new content of part k (taking sb's buffer). */
void th_px_part_set(th_patch *p, int k, th_sbuf *sb)
{
	struct part *pt = &p->parts[k];

	free(pt->out);
	pt->out = th_sbuf_detach(sb, &pt->out_len);
	pt->changed = true;
}

/*
 * Inflate part k into memory under the limits: the declared size, the bytes inflated by
 * the whole patch, and the compression ratio past the floor. A part in UTF-16 (a BOM) is
 * not edited: its byte offsets would not be UTF-8's.
 */
int th_px_part_load(th_patch *p, int k, th_err *e)
{
	struct part *pt = &p->parts[k];
	zip_stat_t st;
	zip_file_t *zf;
	th_sbuf sb = TH_SBUF_INIT;
	uint64_t here = 0, comp = 0;

	if (pt->loaded)
		return 0;
	zip_stat_init(&st);
	if (zip_stat_index(p->za, (zip_uint64_t)pt->index, 0, &st) != 0)
		return zip_damaged(e, pt->name, zip_get_error(p->za));
	if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
		return th_fail(e, TH_E_ENCRYPTED, "tệp gốc được đặt mật khẩu (mã hoá)");
	if ((st.valid & ZIP_STAT_SIZE) && st.size > p->lim.max_inflated - p->inflated)
		return th_fail(e, TH_E_TOO_BIG, "phần '%s' của tệp gốc khai báo %llu byte, vượt giới hạn", pt->name,
			       (unsigned long long)st.size);
	if (st.valid & ZIP_STAT_COMP_SIZE)
		comp = st.comp_size;
	zf = zip_fopen_index(p->za, (zip_uint64_t)pt->index, 0);
	if (!zf)
		return zip_damaged(e, pt->name, zip_get_error(p->za));
	for (;;) {
		char buf[CHUNK];
		zip_int64_t n = zip_fread(zf, buf, sizeof(buf));

		if (n < 0) {
			zip_damaged(e, pt->name, zip_file_get_error(zf));
			goto fail;
		}
		if (n == 0)
			break;
		here += (uint64_t)n;
		p->inflated += (uint64_t)n;
		if (p->inflated > p->lim.max_inflated) {
			th_fail(e, TH_E_TOO_BIG, "tệp gốc giải nén ra hơn %llu byte, vượt giới hạn",
				(unsigned long long)p->lim.max_inflated);
			goto fail;
		}
		if (here > p->lim.ratio_floor && here / (comp ? comp : 1) > p->lim.max_ratio) {
			th_fail(e, TH_E_ZIP_RATIO, "phần '%s' của tệp gốc có tỉ lệ nén bất thường (hơn %u:1)",
				pt->name, p->lim.max_ratio);
			goto fail;
		}
		th_sbuf_add(&sb, buf, (size_t)n);
	}
	zip_fclose(zf);
	if (sb.len >= 2 && (((unsigned char)sb.buf[0] == 0xFE && (unsigned char)sb.buf[1] == 0xFF) ||
			    ((unsigned char)sb.buf[0] == 0xFF && (unsigned char)sb.buf[1] == 0xFE))) {
		th_sbuf_release(&sb);
		return th_px_unsupported(e, pt->name, "viết bằng UTF-16, không sửa trực tiếp được");
	}
	pt->data = th_sbuf_detach(&sb, &pt->len);
	pt->loaded = true;
	return 0;
fail:
	zip_fclose(zf);
	th_sbuf_release(&sb);
	return -1;
}

/* ---- workbook.xml ---- */

enum { WB_BOOKVIEWS = 1, WB_SHEETS };

static void wb_start(struct xp *x, const char *qn, const char **atts, size_t off, size_t n)
{
	struct wbx *w = x->ud;
	const char *name = th_px_local(qn);

	if (x->depth == 1) {
		size_t pl;
		free(w->pfx);
		w->pfx = th_px_prefix(qn);
		pl = strlen(w->pfx);
		for (const char **a = atts; a[0]; a += 2) {
			if (strcmp(a[0], "xmlns") == 0 && !pl)
				w->ns = th_xstrdup(a[1]);
			if (strncmp(a[0], "xmlns:", 6) != 0)
				continue;
			if (pl && strlen(a[0] + 6) == pl - 1 && strncmp(a[0] + 6, w->pfx, pl - 1) == 0)
				w->ns = th_xstrdup(a[1]);
			if (!w->r_pfx && strcmp(a[1], NS_R) == 0) {
				th_sbuf sb = TH_SBUF_INIT;
				th_sbuf_addf(&sb, "%s:", a[0] + 6);
				w->r_pfx = th_sbuf_detach(&sb, NULL);
			}
		}
	} else if (x->depth == 2) {
		w->parent = 0;
		if (strcmp(name, "bookViews") == 0 && !w->have_bookviews) {
			w->have_bookviews = true;
			w->bv_off = off;
			w->bv_n = n;
			w->bookviews_self = th_px_empty_tag(x->buf + off, n);
			w->parent = WB_BOOKVIEWS;
		} else if (strcmp(name, "sheets") == 0 && !w->have_sheets) {
			w->have_sheets = true;
			w->sheets_off = off;
			w->sheets_n = n;
			w->sheets_self = th_px_empty_tag(x->buf + off, n);
			w->parent = WB_SHEETS;
		}
	} else if (x->depth == 3 && w->parent == WB_BOOKVIEWS && strcmp(name, "workbookView") == 0 &&
		   !w->have_view) {
		w->have_view = true;
		w->view_off = off;
		w->view_n = n;
	} else if (x->depth == 3 && w->parent == WB_SHEETS && strcmp(name, "sheet") == 0) {
		const char *nm = th_px_attr(atts, "name"), *rid = th_px_attr_prefixed(atts, "id");
		uint64_t id;

		th_grow((void **)&w->v, &w->cap, w->n + 1, sizeof(*w->v));
		w->v[w->n].name = th_xstrdup(nm ? nm : "");
		w->v[w->n].rid = rid ? th_xstrdup(rid) : NULL;
		w->n++;
		if (th_px_num(th_px_attr(atts, "sheetId"), UINT32_MAX - 1, &id) == 0 && id > w->max_id)
			w->max_id = (uint32_t)id;
	}
}

static void wb_end(struct xp *x, const char *qn, size_t off, size_t n)
{
	struct wbx *w = x->ud;

	(void)qn, (void)n;
	if (x->depth != 1)
		return;
	if (w->parent == WB_BOOKVIEWS)
		w->bv_end = off;
	else if (w->parent == WB_SHEETS)
		w->sheets_end = off;
	w->parent = 0;
}

static void wbx_release(struct wbx *w)
{
	for (size_t i = 0; i < w->n; i++) {
		free(w->v[i].name);
		free(w->v[i].rid);
	}
	free(w->v);
	free(w->pfx);
	free(w->ns);
	free(w->r_pfx);
	memset(w, 0, sizeof(*w));
}

/* ---- opening ---- */

static int not_xlsx(th_err *e)
{
	return th_fail(e, TH_E_FORMAT_OTHER, "tệp gốc không phải .xlsx");
}

static int load_entries(th_patch *p, th_err *e)
{
	zip_int64_t n = zip_get_num_entries(p->za, 0);

	if (n < 0)
		return not_xlsx(e);
	p->parts = th_xcalloc((size_t)n + 1, sizeof(*p->parts));
	p->cap_parts = (size_t)n + 1;
	for (zip_int64_t i = 0; i < n; i++) {
		const char *name = zip_get_name(p->za, (zip_uint64_t)i, ZIP_FL_ENC_RAW);
		struct part *pt;
		zip_stat_t st;

		if (!name)
			continue;
		pt = &p->parts[p->n_parts++];
		pt->name = th_xstrdup(name);
		pt->norm = th_px_norm(name);
		pt->index = i;
		zip_stat_init(&st);
		pt->mtime = zip_stat_index(p->za, (zip_uint64_t)i, 0, &st) == 0 && (st.valid & ZIP_STAT_MTIME) ?
				    st.mtime : 0;
	}
	(void)e;
	return 0;
}

/* Where the workbook part is: the package relationships, else the content types, else the usual name. */
static char *workbook_part(th_patch *p, th_err *e)
{
	struct rels root;
	const struct rel *r;
	char *name = NULL;

	if (th_px_rels_read(p, "", &root, e) == 0 && (r = th_px_rel_type(&root, "/officeDocument")))
		name = th_xstrdup(r->target);
	th_px_rels_release(&root);
	th_err_clear(e);
	if (!name && p->types.main)
		name = th_xstrdup(p->types.main);
	return name ? name : th_xstrdup("xl/workbook.xml");
}

static int patch_load(th_patch *p, th_err *e)
{
	struct xp x = { .start = wb_start, .end = wb_end, .ud = &p->wbx };
	char *wbname = NULL;
	const struct rel *r;
	int rc = -1;

	if (load_entries(p, e))
		return -1;
	p->ct = th_px_part_find(p, "[Content_Types].xml");
	if (p->ct < 0)
		return not_xlsx(e);
	if (th_px_types_read(p, p->ct, &p->types, e))
		return -1;
	wbname = workbook_part(p, e);
	p->wb = th_px_part_find(p, wbname);
	if (p->wb < 0 || th_px_ends_with(wbname, ".bin")) {
		free(wbname);
		return not_xlsx(e);
	}
	free(wbname);
	{
		const char *name = p->parts[p->wb].name, *slash = strrchr(name, '/');
		p->wb_dir = th_xstrndup(name, slash ? (size_t)(slash - name + 1) : 0);
	}
	if (th_px_part_load(p, p->wb, e) || th_px_xp_run(p, p->wb, &x, e))
		return -1;
	if (p->wbx.ns && strcmp(p->wbx.ns, NS_STRICT) == 0)
		return th_px_unsupported(e, p->parts[p->wb].name, "theo chuẩn Strict Open XML, không sửa trực tiếp được");
	if (!p->wbx.ns || strcmp(p->wbx.ns, NS_MAIN) != 0)
		return not_xlsx(e);
	if (!p->wbx.have_sheets || p->wbx.sheets_self || !p->wbx.n)
		return th_px_unsupported(e, p->parts[p->wb].name, "không có trang tính nào");
	if (th_px_rels_read(p, p->parts[p->wb].name, &p->wbr, e))
		return -1;
	p->sheets = th_xcalloc(p->wbx.n + 1, sizeof(*p->sheets));
	p->names = th_xcalloc(p->wbx.n + 1, sizeof(*p->names));
	p->charts = th_xcalloc(p->wbx.n + 1, sizeof(*p->charts));
	for (size_t i = 0; i < p->wbx.n; i++) {
		const struct rel *sr = th_px_rel_id(&p->wbr, p->wbx.v[i].rid);
		int k = sr && sr->target ? th_px_part_find(p, sr->target) : -1;
		struct psheet *s;

		p->names[p->n_names++] = th_xstrdup(p->wbx.v[i].name);
		if (k >= 0 && th_px_ends_with(sr->type, "/chartsheet"))
			p->charts[p->n_charts++] = k;
		if (k < 0 || !th_px_ends_with(sr->type, "/worksheet"))
			continue; /* a chart, dialog or macro sheet, or a part that is missing */
		s = &p->sheets[p->n_sheets++];
		s->name = th_xstrdup(p->wbx.v[i].name);
		s->nfc = th_text_nfc(s->name, strlen(s->name), NULL);
		s->part = k;
	}
	if (!p->n_sheets)
		return th_px_unsupported(e, p->parts[p->wb].name, "không có trang tính nào");
	r = th_px_rel_type(&p->wbr, "/styles");
	p->styles = r ? th_px_part_find(p, r->target) : -1;
	rc = 0;
	return rc;
}

static th_patch *patch_new(const th_xlsx_limits *limits)
{
	th_patch *p = th_xcalloc(1, sizeof(*p));

	p->lim = limits ? *limits : th_xlsx_default_limits;
	p->ct = p->wb = p->styles = -1;
	p->wbr.part = -1;
	return p;
}

static bool zip_magic(const unsigned char *b, size_t n)
{
	return n >= 4 && b[0] == 'P' && b[1] == 'K' &&
	       ((b[2] == 3 && b[3] == 4) || (b[2] == 5 && b[3] == 6) || (b[2] == 7 && b[3] == 8));
}

/*
 * Open the package in buf (len bytes, malloc'd), which libzip takes: it writes the new
 * package over the same source, and a buffer it did not own could be freed twice (libzip
 * 1.7 hands the unchanged start of an archive from the old buffer to the new one).
 */
static int patch_from(th_patch **out, unsigned char *buf, size_t len, const th_xlsx_limits *limits, th_err *e)
{
	th_patch *p;
	zip_error_t ze;

	*out = NULL;
	if (!zip_magic(buf, len)) {
		free(buf);
		return not_xlsx(e);
	}
	p = patch_new(limits);
	zip_error_init(&ze);
	/* the archive owns its source once open: keep a reference for reading the result */
	p->src = zip_source_buffer_create(buf, len, 1, &ze);
	if (!p->src)
		free(buf);
	else if ((p->za = zip_open_from_source(p->src, 0, &ze)))
		zip_source_keep(p->src);
	else
		zip_source_free(p->src);
	if (!p->za) {
		p->src = NULL;
		th_fail(e, TH_E_ZIP_DAMAGED, "tệp gốc bị hỏng (%s)", zip_error_strerror(&ze));
		zip_error_fini(&ze);
		th_patch_free(p);
		return -1;
	}
	zip_error_fini(&ze);
	if (patch_load(p, e)) {
		th_patch_free(p);
		return -1;
	}
	*out = p;
	return 0;
}

int th_patch_open_mem(th_patch **out, const void *buf, size_t len, const th_xlsx_limits *limits, th_err *e)
{
	unsigned char *copy = th_xmalloc(len + 1);

	memcpy(copy, buf, len);
	return patch_from(out, copy, len, limits, e);
}

int th_patch_open(th_patch **out, const char *path, const th_xlsx_limits *limits, th_err *e)
{
	char eb[TH_ERRNO_VI_MAX];
	const th_xlsx_limits *lim = limits ? limits : &th_xlsx_default_limits;
	struct stat st;
	FILE *f;
	unsigned char *buf;
	size_t n;

	*out = NULL;
	f = fopen(path, "rb");
	if (!f)
		return th_fail(e, TH_E_OPEN, "không mở được tệp gốc: %s", th_errno_vi(errno, eb));
	if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
		fclose(f);
		return th_fail(e, TH_E_OPEN, "tệp gốc không phải tệp thông thường");
	}
	if ((uint64_t)st.st_size > lim->max_inflated) {
		fclose(f);
		return th_fail(e, TH_E_TOO_BIG, "tệp gốc lớn quá giới hạn");
	}
	buf = th_xmalloc((size_t)st.st_size + 1);
	n = fread(buf, 1, (size_t)st.st_size, f);
	if (n != (size_t)st.st_size || ferror(f)) {
		int err = errno;
		fclose(f);
		free(buf);
		return th_fail(e, TH_E_OPEN, "không đọc được tệp gốc: %s", th_errno_vi(err, eb));
	}
	fclose(f);
	return patch_from(out, buf, n, limits, e);
}

void th_patch_free(th_patch *p)
{
	if (!p)
		return;
	if (p->za)
		zip_discard(p->za);
	if (p->src)
		zip_source_free(p->src);
	for (size_t i = 0; i < p->n_parts; i++) {
		free(p->parts[i].name);
		free(p->parts[i].norm);
		free(p->parts[i].data);
		free(p->parts[i].out);
	}
	free(p->parts);
	for (size_t i = 0; i < p->n_sheets; i++) {
		for (size_t k = 0; k < p->sheets[i].n_marks; k++)
			free(p->sheets[i].marks[k].comment);
		free(p->sheets[i].marks);
		free(p->sheets[i].name);
		free(p->sheets[i].nfc);
	}
	free(p->sheets);
	free(p->charts);
	for (size_t i = 0; i < p->n_names; i++)
		free(p->names[i]);
	free(p->names);
	free(p->wb_dir);
	th_px_types_release(&p->types);
	th_px_rels_release(&p->wbr);
	wbx_release(&p->wbx);
	for (size_t i = 0; i < p->t_cols * p->t_rows; i++)
		free(p->t_cells[i].text);
	free(p->t_cells);
	free(p->t_widths);
	free(p->t_name);
	free(p);
}

/* ---- what the caller asks for ---- */

size_t th_patch_sheet_count(const th_patch *p)
{
	return p->n_sheets;
}

const char *th_patch_sheet_name(const th_patch *p, size_t i)
{
	return p->sheets[i].name;
}

int th_patch_sheet_find(const th_patch *p, const char *name)
{
	char *nfc;
	int hit = -1;

	for (size_t i = 0; i < p->n_sheets; i++)
		if (strcmp(p->sheets[i].name, name) == 0)
			return (int)i;
	nfc = th_text_nfc(name, strlen(name), NULL);
	for (size_t i = 0; i < p->n_sheets && hit < 0; i++)
		if (strcmp(p->sheets[i].nfc, nfc) == 0)
			hit = (int)i;
	free(nfc);
	return hit;
}

int th_patch_mark(th_patch *p, size_t sheet, uint32_t row, uint16_t col, th_mark mark, const char *comment,
		  th_err *e)
{
	struct psheet *s;
	struct pmark *m;

	if (sheet >= p->n_sheets || row >= TH_MAX_ROWS || col >= TH_MAX_COLS)
		return th_fail(e, TH_E_USAGE, "không có ô này trong tệp gốc");
	s = &p->sheets[sheet];
	for (size_t i = 0; i < s->n_marks; i++) {
		m = &s->marks[i];
		if (m->row != row || m->col != col)
			continue;
		if (mark > m->mark)
			m->mark = mark;
		if (comment && *comment) {
			th_sbuf sb = TH_SBUF_INIT;
			if (m->comment) {
				th_sbuf_adds(&sb, m->comment);
				th_sbuf_addc(&sb, '\n');
			}
			th_sbuf_adds(&sb, comment);
			free(m->comment);
			m->comment = th_sbuf_detach(&sb, NULL);
		}
		return 0;
	}
	th_grow((void **)&s->marks, &s->cap_marks, s->n_marks + 1, sizeof(*s->marks));
	m = &s->marks[s->n_marks++];
	m->row = row;
	m->col = col;
	m->mark = mark;
	m->comment = comment && *comment ? th_xstrdup(comment) : NULL;
	return 0;
}

/* Is name used by a sheet of the workbook (compared as Excel does: in any case)? */
static bool name_taken(const th_patch *p, const char *name)
{
	char *key = th_text_key(name, strlen(name));
	bool taken = false;

	for (size_t i = 0; i < p->n_names && !taken; i++) {
		char *k = th_text_key(p->names[i], strlen(p->names[i]));
		taken = strcmp(k, key) == 0;
		free(k);
	}
	free(key);
	return taken;
}

const char *th_patch_table(th_patch *p, const char *want, const double *widths, size_t ncols,
			   const th_pcell *cells, size_t nrows)
{
	for (size_t i = 0; i < p->t_cols * p->t_rows; i++)
		free(p->t_cells[i].text);
	free(p->t_cells);
	free(p->t_widths);
	free(p->t_name);
	p->t_name = th_xstrdup(want);
	for (int k = 2; name_taken(p, p->t_name) && k < 10000; k++) {
		th_sbuf sb = TH_SBUF_INIT;
		free(p->t_name);
		th_sbuf_addf(&sb, "%s (%d)", want, k);
		p->t_name = th_sbuf_detach(&sb, NULL);
	}
	p->t_cols = ncols;
	p->t_rows = nrows;
	p->t_widths = th_xcalloc(ncols + 1, sizeof(*p->t_widths));
	if (ncols)
		memcpy(p->t_widths, widths, ncols * sizeof(*widths));
	p->t_cells = th_xcalloc(th_size_mul(ncols, nrows) + 1, sizeof(*p->t_cells));
	for (size_t i = 0; i < ncols * nrows; i++) {
		struct tcell *t = &p->t_cells[i];
		t->text = cells[i].text && *cells[i].text ? th_xstrdup(cells[i].text) : NULL;
		t->style = cells[i].style;
		t->link_sheet = cells[i].link_sheet >= 0 && (size_t)cells[i].link_sheet < p->n_sheets ?
					cells[i].link_sheet : -1;
		t->link_row = cells[i].link_row;
		t->link_col = cells[i].link_col;
	}
	return p->t_name;
}

/* workbook.xml: the sheet added last and made the active tab. */
static int wb_finish(th_patch *p, const char *rid, th_err *e)
{
	const struct wbx *w = &p->wbx;
	const char *d = p->parts[p->wb].data, *x = w->pfx;
	struct edits ed = { 0 };
	th_sbuf sb = TH_SBUF_INIT;
	char tab[24];

	snprintf(tab, sizeof(tab), "%zu", p->n_names);
	if (w->have_view) {
		struct aset set[] = { { "activeTab", tab } };
		th_px_tag(&sb, d + w->view_off, w->view_n, set, 1, false);
		th_px_edit(&ed, w->view_off, w->view_n, &sb);
	} else if (w->have_bookviews) {
		if (w->bookviews_self)
			th_px_tag(&sb, d + w->bv_off, w->bv_n, NULL, 0, true);
		th_sbuf_addf(&sb, "<%sworkbookView activeTab=\"%s\"/>", x, tab);
		if (w->bookviews_self) {
			th_sbuf_addf(&sb, "</%sbookViews>", x);
			th_px_edit(&ed, w->bv_off, w->bv_n, &sb);
		} else {
			th_px_edit(&ed, w->bv_end, 0, &sb);
		}
	} else {
		th_sbuf_addf(&sb, "<%sbookViews><%sworkbookView activeTab=\"%s\"/></%sbookViews>", x, x, tab, x);
		th_px_edit(&ed, w->sheets_off, 0, &sb);
	}
	th_sbuf_addf(&sb, "<%ssheet name=\"", x);
	th_px_xml_attr(&sb, p->t_name);
	th_sbuf_addf(&sb, "\" sheetId=\"%u\" ", w->max_id + 1);
	th_px_rid(&sb, w->r_pfx, rid);
	th_sbuf_adds(&sb, "/>");
	th_px_edit(&ed, w->sheets_end, 0, &sb);
	return th_px_edits_apply(p, p->wb, &ed, e);
}

/* ---- building ---- */

/* Write the changed and added parts into the archive and take the new package out of it. */
static int zip_out(th_patch *p, time_t mtime, unsigned char **out, size_t *len, th_err *e)
{
	zip_stat_t st;
	unsigned char *buf;
	zip_int64_t got;

	for (size_t i = 0; i < p->n_parts; i++) {
		struct part *pt = &p->parts[i];
		zip_source_t *s;
		zip_int64_t idx = pt->index;

		if (!pt->changed)
			continue;
		s = zip_source_buffer(p->za, pt->out, pt->out_len, 1);
		if (!s)
			goto fail;
		pt->out = NULL; /* libzip frees it now */
		if (idx >= 0 ? zip_file_replace(p->za, (zip_uint64_t)idx, s, 0) :
			       (idx = zip_file_add(p->za, pt->name, s, ZIP_FL_ENC_UTF_8)) < 0) {
			zip_source_free(s);
			goto fail;
		}
		if (zip_file_set_mtime(p->za, (zip_uint64_t)idx, pt->index >= 0 && pt->mtime ? pt->mtime : mtime, 0))
			goto fail;
	}
	if (zip_close(p->za) != 0)
		goto fail;
	p->za = NULL;
	zip_stat_init(&st);
	if (zip_source_open(p->src) != 0)
		return th_fail(e, TH_E_NOMEM, "không lấy được gói đã sửa");
	if (zip_source_stat(p->src, &st) != 0 || !(st.valid & ZIP_STAT_SIZE) || st.size > SIZE_MAX - 1) {
		zip_source_close(p->src);
		return th_fail(e, TH_E_NOMEM, "không lấy được gói đã sửa");
	}
	buf = th_xmalloc((size_t)st.size + 1);
	got = zip_source_read(p->src, buf, st.size);
	zip_source_close(p->src);
	if (got < 0 || (zip_uint64_t)got != st.size) {
		free(buf);
		return th_fail(e, TH_E_NOMEM, "không lấy được gói đã sửa");
	}
	*out = buf;
	*len = (size_t)st.size;
	return 0;
fail:
	th_fail(e, TH_E_PACKAGE, "không ghi lại được gói: %s", zip_strerror(p->za));
	zip_discard(p->za);
	p->za = NULL;
	return -1;
}

int th_patch_build(th_patch *p, time_t mtime, unsigned char **out, size_t *len, th_err *e)
{
	struct stx st;
	uint32_t next_shape;
	char id[32], *name = NULL;
	th_sbuf sb = TH_SBUF_INIT;
	int rc = -1;

	*out = NULL;
	*len = 0;
	if (!p->za)
		return th_fail(e, TH_E_USAGE, "gói đã được dựng một lần");
	if (!p->t_name)
		th_patch_table(p, "Lỗi", NULL, 0, NULL, 0);
	if (th_px_styles_read(p, &st, e) || th_px_shapes_max(p, &next_shape, e))
		goto out;
	next_shape++;
	for (size_t i = 0; i < p->n_sheets; i++) {
		struct psheet *s = &p->sheets[i];
		struct shx sh;
		struct part *pt = &p->parts[s->part];

		if (th_px_part_load(p, s->part, e))
			goto out;
		if (!s->n_marks && !th_px_find(pt->data, pt->len, "tabSelected", 11))
			continue;
		if (th_px_sheet_read(p, s, &st, &sh, e) || th_px_notes(p, s, &sh, &next_shape, e) ||
		    th_px_edits_apply(p, s->part, &sh.ed, e)) {
			th_px_sheet_release(&sh);
			goto out;
		}
		th_px_sheet_release(&sh);
	}
	for (size_t i = 0; i < p->n_charts; i++) {
		struct psheet none = { .part = p->charts[i] };
		struct shx sh;

		if (th_px_part_load(p, none.part, e))
			goto out;
		if (!th_px_find(p->parts[none.part].data, p->parts[none.part].len, "tabSelected", 11))
			continue;
		if (th_px_sheet_read(p, &none, &st, &sh, e) || th_px_edits_apply(p, none.part, &sh.ed, e)) {
			th_px_sheet_release(&sh);
			goto out;
		}
		th_px_sheet_release(&sh);
	}
	if (th_px_styles_finish(p, &st, e))
		goto out;
	name = th_px_part_unused(p, p->wb_dir, "worksheets/sheet", ".xml", (int)p->n_names + 1);
	th_px_table_xml(p, &st, &sb);
	th_px_part_set(p, th_px_part_new(p, name), &sb);
	th_px_rels_add(&p->wbr, RT "worksheet", name, id);
	th_px_types_override(&p->types, name, CT_SHEET);
	if (wb_finish(p, id, e) || th_px_rels_finish(p, &p->wbr, e) || th_px_types_finish(p, &p->types, e))
		goto out;
	rc = zip_out(p, mtime, out, len, e);
out:
	free(name);
	th_sbuf_release(&sb);
	th_px_styles_release(&st);
	return rc;
}

