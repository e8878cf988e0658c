/*
 * The package of an XLSX workbook: its entries, relationships, content types and
 * workbook part, read through one function, th_xp_stream_part(), which inflates with
 * libzip into expat's buffer and enforces the size, ratio, depth and DTD limits, so no
 * part can escape them; the .ods reader parses its parts through the same function.
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/sbuf.h"
#include "read/xlsx_part.h"
#include "base/banned.h"

#define CHUNK (64 * 1024)

/* ---- XML text ---- */

/* Parse a whole non-negative decimal number: digits, blanks around, and "2.0" (a zero fraction). */
int th_xlsx_parse_uint(const char *s, uint64_t max, uint64_t *out)
{
	uint64_t u = 0;
	const char *p = s;

	while (isspace((unsigned char)*p))
		p++;
	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		u = u * 10 + (uint64_t)(*p - '0');
		if (u > max)
			return -1;
	}
	if (*p == '.') {
		p++;
		while (*p == '0')
			p++;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p)
		return -1;
	*out = u;
	return 0;
}

/* Append code point cp to p as UTF-8; returns the bytes written. */
static size_t put_utf8(char *p, uint32_t cp)
{
	if (cp < 0x80) {
		p[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		p[0] = (char)(0xC0 | cp >> 6);
		p[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		p[0] = (char)(0xE0 | cp >> 12);
		p[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		p[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	p[0] = (char)(0xF0 | cp >> 18);
	p[1] = (char)(0x80 | (cp >> 12 & 0x3F));
	p[2] = (char)(0x80 | (cp >> 6 & 0x3F));
	p[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

/* If s[0..6] is "_xHHHH_", return HHHH, else -1. */
static long xescape_at(const char *s, size_t left)
{
	long v = 0;

	if (left < 7 || s[0] != '_' || s[1] != 'x' || s[6] != '_')
		return -1;
	for (int i = 2; i < 6; i++) {
		int c = (unsigned char)s[i];
		if (!isxdigit(c))
			return -1;
		v = v * 16 + (isdigit(c) ? c - '0' : tolower(c) - 'a' + 10);
	}
	return v;
}

/*
 * Decode ECMA-376 ST_Xstring escapes (_xHHHH_) in place, as Excel does on load; a UTF-16
 * surrogate pair written as two escapes becomes one character, a lone surrogate U+FFFD.
 * The result is never longer than the input. Returns the new length.
 */
size_t th_xlsx_decode_xstring(char *s, size_t n)
{
	size_t r = 0, w = 0;

	if (!memchr(s, '_', n))
		return n;
	while (r < n) {
		long v = xescape_at(s + r, n - r);
		if (v < 0) {
			s[w++] = s[r++];
			continue;
		}
		r += 7;
		if (v >= 0xD800 && v <= 0xDBFF) {
			long lo = xescape_at(s + r, n - r);
			if (lo >= 0xDC00 && lo <= 0xDFFF) {
				r += 7;
				v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
			} else {
				v = 0xFFFD;
			}
		} else if (v >= 0xDC00 && v <= 0xDFFF) {
			v = 0xFFFD;
		}
		w += put_utf8(s + w, (uint32_t)v);
	}
	s[w] = '\0';
	return w;
}

/* ---- the package: entries by normalised name ---- */

static char *norm_name(const char *s)
{
	char *n, *w;

	while (*s == '/' || *s == '\\')
		s++;
	n = w = th_xstrdup(s);
	for (; *w; w++) {
		if (*w == '\\')
			*w = '/';
		else
			*w = (char)tolower((unsigned char)*w);
	}
	return n;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->norm, ((const struct entry *)b)->norm);
}

const struct entry *th_xlsx_find_entry(const th_xlsx *x, const char *name)
{
	struct entry key, *hit;

	key.norm = norm_name(name);
	hit = bsearch(&key, x->entries, x->n_entries, sizeof(*x->entries), entry_cmp);
	free(key.norm);
	return hit;
}

char *th_xlsx_resolve_target(const char *source_part, const char *target)
{
	th_sbuf sb = TH_SBUF_INIT;
	const char *slash;
	char *joined, **segs, *out;
	size_t nseg = 0;

	if (target[0] == '/' || target[0] == '\\') { /* "\xl\sharedStrings.xml" too */
		th_sbuf_adds(&sb, target + 1);
	} else {
		slash = strrchr(source_part, '/');
		if (slash)
			th_sbuf_add(&sb, source_part, (size_t)(slash - source_part + 1));
		th_sbuf_adds(&sb, target);
	}
	joined = th_sbuf_detach(&sb, NULL);
	for (char *p = joined; *p; p++)
		if (*p == '\\')
			*p = '/';
	segs = th_xcalloc(strlen(joined) + 1, sizeof(*segs));
	for (char *p = joined, *seg; p;) {
		seg = p;
		p = strchr(p, '/');
		if (p)
			*p++ = '\0';
		if (!*seg || strcmp(seg, ".") == 0)
			continue;
		if (strcmp(seg, "..") == 0) {
			if (nseg)
				nseg--;
			continue;
		}
		segs[nseg++] = seg;
	}
	for (size_t i = 0; i < nseg; i++) {
		if (i)
			th_sbuf_addc(&sb, '/');
		th_sbuf_adds(&sb, segs[i]);
	}
	out = th_sbuf_detach(&sb, NULL);
	free(segs);
	free(joined);
	return out;
}

char *th_xlsx_rels_part(const char *part)
{
	th_sbuf sb = TH_SBUF_INIT;
	const char *slash = strrchr(part, '/');

	if (slash)
		th_sbuf_add(&sb, part, (size_t)(slash - part + 1));
	th_sbuf_addf(&sb, "_rels/%s.rels", slash ? slash + 1 : part);
	return th_sbuf_detach(&sb, NULL);
}

/* ---- streaming one part through expat ---- */

void th_xp_halt(xp *c, int why)
{
	if (!c->stop)
		c->stop = why;
	if (c->p)
		XML_StopParser(c->p, XML_FALSE);
}

void th_xp_event_start(xp *c, const char *name, const char **atts)
{
	th_xp_event_start_local(c, local_name(name), atts);
}

void th_xp_event_start_local(xp *c, const char *name, const char **atts)
{
	if (c->stop)
		return;
	if (++c->depth > c->x->lim.max_depth) {
		th_fail(c->e, TH_E_XML_DEPTH,
			"XML của phần '%s' lồng nhau quá sâu (hơn %u cấp): tệp bị hỏng hoặc độc hại",
			c->part, c->x->lim.max_depth);
		th_xp_halt(c, -1);
		return;
	}
	/*
	 * Extension lists repeat element names of the main schema under other namespaces
	 * (x14:workbookPr ...); as names are matched without their prefix, skip them whole.
	 */
	if (c->ext_depth)
		return;
	if (name[0] == 'e' && strcmp(name, "extLst") == 0) {
		c->ext_depth = c->depth;
		return;
	}
	if (c->start)
		c->start(c, name, atts);
}

void th_xp_event_end(xp *c, const char *name)
{
	th_xp_event_end_local(c, local_name(name));
}

void th_xp_event_end_local(xp *c, const char *name)
{
	if (c->stop)
		return;
	if (c->ext_depth) {
		if (c->depth-- == c->ext_depth)
			c->ext_depth = 0;
		return;
	}
	c->depth--;
	if (c->end)
		c->end(c, name);
}

void th_xp_event_text(xp *c, const char *s, size_t len)
{
	if (!c->text || c->stop)
		return;
	th_sbuf_add(c->text, s, len);
	if (th_sbuf_err(c->text)) {
		th_fail(c->e, TH_E_CELL_TOO_BIG, "phần '%s': một nội dung văn bản dài quá %u byte",
			c->part, c->x->lim.max_text);
		th_xp_halt(c, -1);
	}
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	th_xp_event_start(ud, name, atts);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	th_xp_event_end(ud, name);
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	th_xp_event_text(ud, s, (size_t)len);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
			       const XML_Char *pubid, int has_internal_subset)
{
	xp *c = ud;

	(void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
	th_fail(c->e, TH_E_XML_DTD,
		"phần '%s' có khai báo DTD/thực thể XML, điều tệp .xlsx thật không bao giờ có "
		"(nghi là tệp độc hại, ví dụ bom thực thể)", c->part);
	th_xp_halt(c, -1);
}

int th_fail_encrypted(th_err *e)
{
	return th_fail(e, TH_E_ENCRYPTED,
		       "bảng tính được đặt mật khẩu (mã hoá), không đọc được; hãy gỡ mật khẩu trong Excel "
		       "(Tệp > Thông tin > Bảo vệ Sổ làm việc) rồi lưu và gửi lại");
}

/* What expat found wrong, in Vietnamese (expat's own text is English). Static. */
static const char *xml_error_vi(enum XML_Error code)
{
	switch (code) {
	case XML_ERROR_NO_MEMORY: return "hết bộ nhớ";
	case XML_ERROR_SYNTAX: return "sai cú pháp";
	case XML_ERROR_NO_ELEMENTS: return "không có phần tử nào";
	case XML_ERROR_INVALID_TOKEN: return "ký tự hoặc thẻ không hợp lệ";
	case XML_ERROR_UNCLOSED_TOKEN: return "thẻ chưa đóng";
	case XML_ERROR_PARTIAL_CHAR: return "ký tự bị cắt dở";
	case XML_ERROR_TAG_MISMATCH: return "thẻ đóng không khớp thẻ mở";
	case XML_ERROR_DUPLICATE_ATTRIBUTE: return "thuộc tính lặp lại";
	case XML_ERROR_JUNK_AFTER_DOC_ELEMENT: return "còn dữ liệu sau phần tử gốc";
	case XML_ERROR_UNDEFINED_ENTITY: return "thực thể không được định nghĩa";
	case XML_ERROR_RECURSIVE_ENTITY_REF: return "thực thể tham chiếu vòng";
	case XML_ERROR_UNCLOSED_CDATA_SECTION: return "đoạn CDATA chưa đóng";
	case XML_ERROR_INCORRECT_ENCODING: return "bảng mã khai báo không đúng";
	case XML_ERROR_UNKNOWN_ENCODING: return "bảng mã không hỗ trợ";
	case XML_ERROR_MISPLACED_XML_PI: return "khai báo XML sai chỗ";
	case XML_ERROR_UNBOUND_PREFIX: return "tiền tố không gắn với không gian tên nào";
	default: return "lỗi cú pháp XML";
	}
}

/* What went wrong inside the zip, in Vietnamese (libzip's own text is English). Static. */
const char *th_xlsx_zip_reason(int code)
{
	switch (code) {
	case ZIP_ER_NOZIP: return "không thấy mục lục ở cuối tệp zip";
	case ZIP_ER_INCONS: return "cấu trúc zip không nhất quán";
	case ZIP_ER_CRC: return "sai mã kiểm tra CRC của dữ liệu nén";
	case ZIP_ER_READ: return "lỗi đọc tệp";
	case ZIP_ER_SEEK: return "không nhảy được tới vị trí cần đọc";
	case ZIP_ER_EOF: return "tệp kết thúc sớm";
	case ZIP_ER_COMPNOTSUPP: return "phương pháp nén không được hỗ trợ";
	case ZIP_ER_ZLIB: return "dữ liệu nén bị hỏng";
	case ZIP_ER_MEMORY: return "hết bộ nhớ";
	case ZIP_ER_MULTIDISK: return "tệp zip chia nhiều phần";
	default: return "tệp zip hỏng";
	}
}

int th_xlsx_zip_fail(th_xlsx *x, th_err *e, zip_error_t *ze, const char *part)
{
	int code = zip_error_code_zip(ze);

	if (code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD || code == ZIP_ER_ENCRNOTSUPP)
		return th_fail_encrypted(e);
	(void)x;
	return th_fail(e, TH_E_ZIP_DAMAGED,
		       "tệp .xlsx bị hỏng hoặc không trọn vẹn (có thể chép hoặc tải về chưa xong): "
		       "phần '%s': %s", part, th_xlsx_zip_reason(code));
}

zip_file_t *th_xp_open(th_xlsx *x, zip_uint64_t index, const char *part, uint64_t *comp, th_err *e)
{
	zip_stat_t st;
	zip_file_t *zf;

	*comp = 0;
	if (zip_stat_index(x->zip, index, 0, &st) != 0) {
		th_xlsx_zip_fail(x, e, zip_get_error(x->zip), part);
		return NULL;
	}
	if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
		th_fail_encrypted(e);
		return NULL;
	}
	if ((st.valid & ZIP_STAT_SIZE) && st.size > x->lim.max_inflated - x->inflated) {
		th_fail(e, TH_E_TOO_BIG,
			"phần '%s' khai báo kích thước giải nén %llu byte, vượt giới hạn %llu byte "
			"(tệp hỏng hoặc bom nén)", part, (unsigned long long)st.size,
			(unsigned long long)x->lim.max_inflated);
		return NULL;
	}
	if (st.valid & ZIP_STAT_COMP_SIZE)
		*comp = st.comp_size;
	zf = zip_fopen_index(x->zip, index, 0);
	if (!zf)
		th_xlsx_zip_fail(x, e, zip_get_error(x->zip), part);
	return zf;
}

zip_int64_t th_xp_read(th_xlsx *x, zip_file_t *zf, void *buf, size_t want, uint64_t *here, uint64_t comp,
		       const char *part, th_err *e)
{
	zip_int64_t n = zip_fread(zf, buf, want);

	if (n < 0) {
		th_xlsx_zip_fail(x, e, zip_file_get_error(zf), part);
		return -1;
	}
	*here += (uint64_t)n;
	x->inflated += (uint64_t)n;
	if (x->inflated > x->lim.max_inflated) {
		th_fail(e, TH_E_TOO_BIG,
			"tệp giải nén ra hơn %llu byte, vượt giới hạn (tệp quá lớn hoặc bom nén)",
			(unsigned long long)x->lim.max_inflated);
		return -1;
	}
	if (*here > x->lim.ratio_floor && *here / (comp ? comp : 1) > x->lim.max_ratio) {
		th_fail(e, TH_E_ZIP_RATIO,
			"phần '%s' có tỉ lệ nén bất thường (hơn %u:1), nghi là bom nén (zip bomb)",
			part, x->lim.max_ratio);
		return -1;
	}
	return n;
}

/* expat's failure at p, in Vietnamese with its line and column. */
static int xml_fail(XML_Parser p, const char *part, th_err *e)
{
	return th_fail(e, TH_E_XML, "XML của phần '%s' bị lỗi ở dòng %lu cột %lu (%s): tệp bị hỏng",
		       part, (unsigned long)XML_GetCurrentLineNumber(p),
		       (unsigned long)XML_GetCurrentColumnNumber(p) + 1, xml_error_vi(XML_GetErrorCode(p)));
}

/* Inflate entry index (named part) into an expat parser driven by c's handlers. */
static int expat_stream(th_xlsx *x, zip_uint64_t index, const char *part, xp *c, th_err *e)
{
	zip_file_t *zf;
	XML_Parser p = NULL;
	uint64_t here = 0, comp;
	int rc = -1;

	zf = th_xp_open(x, index, part, &comp, e);
	if (!zf)
		return -1;
	p = XML_ParserCreate(NULL);
	if (!p) {
		th_fail(e, TH_E_NOMEM, "hết bộ nhớ khi đọc phần '%s'", part);
		goto out;
	}
	c->p = p;
	XML_SetUserData(p, c);
	XML_SetElementHandler(p, on_start, on_end);
	XML_SetCharacterDataHandler(p, on_text);
	XML_SetStartDoctypeDeclHandler(p, on_doctype);
	for (;;) {
		void *buf = XML_GetBuffer(p, CHUNK);
		zip_int64_t n;

		if (!buf) {
			th_fail(e, TH_E_NOMEM, "hết bộ nhớ khi đọc phần '%s'", part);
			goto out;
		}
		n = th_xp_read(x, zf, buf, CHUNK, &here, comp, part, e);
		if (n < 0)
			goto out;
		if (XML_ParseBuffer(p, (int)n, n == 0) != XML_STATUS_OK) {
			if (c->stop > 0) {
				rc = c->stop;
				goto out;
			}
			if (c->stop < 0)
				goto out;
			xml_fail(p, part, e);
			goto out;
		}
		if (c->stop) {
			rc = c->stop > 0 ? c->stop : -1;
			goto out;
		}
		if (n == 0)
			break;
	}
	rc = 0;
out:
	if (p)
		XML_ParserFree(p);
	c->p = NULL;
	zip_fclose(zf);
	return rc;
}

int th_xp_verdict(th_xlsx *x, zip_uint64_t index, const char *part, uint64_t upto, uint64_t *at, th_err *e)
{
	zip_file_t *zf;
	XML_Parser p;
	uint64_t here = 0;
	int rc = 0;

	*at = UINT64_MAX;
	/* the part's header was judged when it was first read (th_xp_open), its bytes counted */
	zf = zip_fopen_index(x->zip, index, 0);
	if (!zf)
		return th_xlsx_zip_fail(x, e, zip_get_error(x->zip), part);
	p = XML_ParserCreate(NULL);
	if (!p) {
		zip_fclose(zf);
		return th_fail(e, TH_E_NOMEM, "hết bộ nhớ khi đọc phần '%s'", part);
	}
	for (;;) {
		void *buf = XML_GetBuffer(p, CHUNK);
		zip_int64_t n = buf ? zip_fread(zf, buf, CHUNK) : -1;

		if (n < 0) {
			rc = buf ? th_xlsx_zip_fail(x, e, zip_file_get_error(zf), part) :
				   th_fail(e, TH_E_NOMEM, "hết bộ nhớ khi đọc phần '%s'", part);
			break;
		}
		here += (uint64_t)n;
		if (XML_ParseBuffer(p, (int)n, n == 0) != XML_STATUS_OK) {
			XML_Index i = XML_GetCurrentByteIndex(p);
			*at = i < 0 ? 0 : (uint64_t)i;
			rc = xml_fail(p, part, e);
			break;
		}
		if (n == 0 || here > upto)
			break;
	}
	XML_ParserFree(p);
	zip_fclose(zf);
	return rc;
}

static void xp_init(th_xlsx *x, const char *part, xp *c, th_err *e)
{
	c->x = x;
	c->e = e;
	c->part = part;
	c->p = NULL;
	c->stop = 0;
	c->depth = 0;
	c->ext_depth = 0;
	c->text = NULL;
}

int th_xp_stream_part(th_xlsx *x, zip_uint64_t index, const char *part, xp *c, th_err *e)
{
	bool fallback = false;
	int rc;

	xp_init(x, part, c, e);
	rc = th_xs_stream(x, index, part, c, e, &fallback);
	if (!fallback)
		return rc;
	return expat_stream(x, index, part, c, e);
}

int th_xp_stream_expat(th_xlsx *x, zip_uint64_t index, const char *part, xp *c, th_err *e)
{
	xp_init(x, part, c, e);
	return expat_stream(x, index, part, c, e);
}

int th_xp_stream_named(th_xlsx *x, const char *part, xp *c, th_err *e, bool *found)
{
	const struct entry *en = th_xlsx_find_entry(x, part);

	*found = en != NULL;
	if (!en)
		return 0;
	return th_xp_stream_part(x, en->index, part, c, e);
}

/* ---- relationships ---- */

struct rel {
	char *id, *type, *target; /* target resolved to a part name; NULL when external */
	size_t seq;               /* position in the file */
};

struct rels {
	const char *source; /* the part the relationships belong to */
	struct rel *v;
	size_t n, cap;
};

static void rels_start(xp *c, const char *name, const char **atts)
{
	struct rels *r = c->ud;
	const char *id, *type, *target, *mode;
	struct rel *rel;

	if (strcmp(name, "Relationship") != 0)
		return;
	id = attr(atts, "Id");
	type = attr(atts, "Type");
	target = attr(atts, "Target");
	mode = attr(atts, "TargetMode");
	if (!id || !type || !target)
		return;
	th_grow((void **)&r->v, &r->cap, r->n + 1, sizeof(*r->v));
	rel = &r->v[r->n];
	rel->seq = r->n++;
	rel->id = th_xstrdup(id);
	rel->type = th_xstrdup(type);
	rel->target = (mode && strcmp(mode, "External") == 0) ? NULL : th_xlsx_resolve_target(r->source, target);
}

static void rels_release(struct rels *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].id);
		free(r->v[i].type);
		free(r->v[i].target);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

/* Read the relationships of part source ("" for the package). A missing rels part is no error. */
static int read_rels(th_xlsx *x, const char *source, struct rels *r, th_err *e)
{
	char *rp = th_xlsx_rels_part(source);
	xp c = { .start = rels_start, .ud = r };
	bool found;
	int rc;

	memset(r, 0, sizeof(*r));
	r->source = source;
	rc = th_xp_stream_named(x, rp, &c, e, &found);
	free(rp);
	return rc;
}

/* Relationships sorted by Id, then file position (a duplicated Id is invalid; keep it stable). */
static int rel_sort_cmp(const void *a, const void *b)
{
	const struct rel *p = a, *q = b;
	int c = strcmp(p->id, q->id);

	return c ? c : p->seq < q->seq ? -1 : p->seq > q->seq;
}

static int rel_id_cmp(const void *a, const void *b)
{
	return strcmp(((const struct rel *)a)->id, ((const struct rel *)b)->id);
}

static const struct rel *rel_by_type(const struct rels *r, const char *suffix)
{
	for (size_t i = 0; i < r->n; i++)
		if (r->v[i].target && ends_with(r->v[i].type, suffix))
			return &r->v[i];
	return NULL;
}

/* ---- [Content_Types].xml: where the workbook is when _rels/.rels cannot say ---- */

static void ct_start(xp *c, const char *name, const char **atts)
{
	char **found = c->ud;
	const char *type, *part;

	if (*found || strcmp(name, "Override") != 0)
		return;
	type = attr(atts, "ContentType");
	part = attr(atts, "PartName");
	if (type && part && strstr(type, "spreadsheetml") && ends_with(type, ".main+xml"))
		*found = th_xlsx_resolve_target("", part);
}

/* ---- workbook.xml ---- */

struct wb_sheet {
	char *name, *rid;
	th_sheet_state state;
};

struct wb_ctx {
	struct wb_sheet *v;
	size_t n, cap;
	bool too_many;
	uint32_t max;
};

static void wb_start(xp *c, const char *name, const char **atts)
{
	struct wb_ctx *w = c->ud;

	if (strcmp(name, "workbookPr") == 0) {
		const char *d = attr(atts, "date1904");
		c->x->date1904 = d && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
	} else if (strcmp(name, "calcPr") == 0) {
		const char *f = attr(atts, "fullCalcOnLoad");
		c->x->full_calc = f && (strcmp(f, "1") == 0 || strcmp(f, "true") == 0);
	} else if (strcmp(name, "sheet") == 0) {
		const char *n = attr(atts, "name"), *id = attr(atts, "id"), *st = attr(atts, "state");
		struct wb_sheet *s;

		if (w->n >= w->max) {
			w->too_many = true;
			return;
		}
		th_grow((void **)&w->v, &w->cap, w->n + 1, sizeof(*w->v));
		s = &w->v[w->n++];
		s->name = th_xstrdup(n ? n : "");
		s->rid = id ? th_xstrdup(id) : NULL;
		s->state = TH_SHEET_VISIBLE;
		if (st && strcmp(st, "hidden") == 0)
			s->state = TH_SHEET_HIDDEN;
		else if (st && strcmp(st, "veryHidden") == 0)
			s->state = TH_SHEET_VERYHIDDEN;
	}
}

/* ---- loading the package ---- */

static int load_entries(th_xlsx *x, th_err *e)
{
	zip_int64_t n = zip_get_num_entries(x->zip, 0);

	if (n < 0)
		return th_xlsx_zip_fail(x, e, zip_get_error(x->zip), "");
	x->entries = th_xcalloc((size_t)n + 1, sizeof(*x->entries));
	for (zip_int64_t i = 0; i < n; i++) {
		const char *name = zip_get_name(x->zip, (zip_uint64_t)i, ZIP_FL_ENC_GUESS);
		if (!name)
			continue;
		x->entries[x->n_entries].norm = norm_name(name);
		x->entries[x->n_entries].index = (zip_uint64_t)i;
		x->n_entries++;
	}
	qsort(x->entries, x->n_entries, sizeof(*x->entries), entry_cmp);
	return 0;
}

int th_xlsx_load_package(th_xlsx *x, th_err *e)
{
	struct rels root = { 0 }, wbrels = { 0 };
	struct wb_ctx w = { .max = x->lim.max_sheets };
	const struct rel *r;
	char *wbpart = NULL;
	bool found;
	int rc = -1;

	if (load_entries(x, e))
		return -1;
	{
		bool ods;
		if (th_xlsx_sniff_odf(x, &ods, e))
			return -1;
		if (ods)
			return th_ods_open(&x->book, x, e);
	}
	/*
	 * The package relationships say where the workbook is. Some producers damage them
	 * (seen: a _rels/.rels holding plain text); the content types or the usual name
	 * still find it, so a broken _rels/.rels is not fatal.
	 */
	if (read_rels(x, "", &root, e) == 0 && (r = rel_by_type(&root, "/officeDocument")))
		wbpart = th_xstrdup(r->target);
	if (!wbpart) {
		xp c = { .start = ct_start, .ud = &wbpart };
		th_xp_stream_named(x, "[Content_Types].xml", &c, e, &found);
		if (!wbpart)
			wbpart = th_xstrdup("xl/workbook.xml");
	}
	th_err_clear(e);
	if (ends_with(wbpart, ".bin")) {
		th_fail(e, TH_E_FORMAT_OTHER,
			"đây là tệp Excel nhị phân (.xlsb), tonghop không đọc dạng này: hãy mở "
			       "bằng Excel và lưu lại dưới dạng Sổ làm việc Excel (.xlsx)");
		goto out;
	}
	if (!th_xlsx_find_entry(x, wbpart)) {
		th_xlsx_not_a_workbook(x, wbpart, e);
		goto out;
	}
	if (read_rels(x, wbpart, &wbrels, e))
		goto out;
	{
		xp c = { .start = wb_start, .ud = &w };
		if (th_xp_stream_named(x, wbpart, &c, e, &found))
			goto out;
	}
	if (w.too_many) {
		th_fail(e, TH_E_TOO_BIG, "bảng tính có hơn %u trang tính", x->lim.max_sheets);
		goto out;
	}
	if ((r = rel_by_type(&wbrels, "/sharedStrings")) && th_xlsx_load_shared(x, r->target, e))
		goto out;
	if ((r = rel_by_type(&wbrels, "/styles")) && th_xlsx_load_styles(x, r->target, e))
		goto out;
	/* relationships by Id, so that thousands of sheets do not each scan them all */
	if (wbrels.n > 1)
		qsort(wbrels.v, wbrels.n, sizeof(*wbrels.v), rel_sort_cmp);
	for (size_t i = 0; i < w.n; i++) {
		const struct entry *en = NULL;
		struct sheet *s;
		struct rel key = { .id = w.v[i].rid };
		const struct rel *sr = w.v[i].rid && wbrels.n ?
			bsearch(&key, wbrels.v, wbrels.n, sizeof(*wbrels.v), rel_id_cmp) : NULL;

		if (sr && sr->target && ends_with(sr->type, "/worksheet"))
			en = th_xlsx_find_entry(x, sr->target);
		if (!en)
			continue; /* a chart, dialog or macro sheet, or a part that is missing */
		th_grow((void **)&x->sheets, &x->cap_sheets, x->n_sheets + 1, sizeof(*x->sheets));
		s = &x->sheets[x->n_sheets++];
		s->name = w.v[i].name;
		w.v[i].name = NULL;
		s->part = th_xstrdup(zip_get_name(x->zip, en->index, ZIP_FL_ENC_GUESS));
		s->index = en->index;
		s->state = w.v[i].state;
	}
	rc = 0;
out:
	for (size_t i = 0; i < w.n; i++) {
		free(w.v[i].name);
		free(w.v[i].rid);
	}
	free(w.v);
	rels_release(&root);
	rels_release(&wbrels);
	free(wbpart);
	return rc;
}

/* ---- what the .xls and .ods backends borrow (book.h) ---- */

static void cb_sync(xp *c, th_xmlcb *cb, int rv)
{
	c->text = cb->text;
	if (rv)
		th_xp_halt(c, rv);
}

static void cb_start(xp *c, const char *name, const char **atts)
{
	th_xmlcb *cb = c->ud;
	cb_sync(c, cb, cb->start ? cb->start(cb, name, atts) : 0);
}

static void cb_end(xp *c, const char *name)
{
	th_xmlcb *cb = c->ud;
	cb_sync(c, cb, cb->end ? cb->end(cb, name) : 0);
}

int th_xlsx_stream(th_xlsx *x, const char *name, th_xmlcb *cb, th_err *e)
{
	xp c = { .start = cb_start, .end = cb_end, .ud = cb };
	bool found;
	int rc = th_xp_stream_named(x, name, &c, e, &found);

	if (!rc && !found)
		return th_fail(e, TH_E_PACKAGE, "gói bảng tính thiếu phần '%s'", name);
	return rc;
}

bool th_xlsx_has_part(const th_xlsx *x, const char *name) { return th_xlsx_find_entry(x, name) != NULL; }
const th_xlsx_limits *th_xlsx_limits_of(const th_xlsx *x) { return &x->lim; }

