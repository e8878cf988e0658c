/*
 * The XLSX reader: sniffing what a file really is, the package structure (relationships,
 * workbook, shared strings, styles), and the streaming worksheet parser. Every part is read
 * through one function, stream_part(), which inflates with libzip into expat's buffer and
 * enforces the size, ratio, depth and DTD limits, so no part can escape them.
 * SPDX-License-Identifier: MIT
 */
#include "read/xlsx_reader.h"

#include <ctype.h>
#include <errno.h>
#include <expat.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <zip.h>

#include "base/mem.h"
#include "base/sbuf.h"
#include "read/book.h"
#include "base/banned.h"

const th_xlsx_limits th_xlsx_default_limits = {
	.max_inflated = (uint64_t)2 << 30,
	.ratio_floor = (uint64_t)16 << 20,
	.max_ratio = 500,
	.max_depth = 256,
	.max_text = 1u << 20,
	.max_sheets = 10000,
};

#define CHUNK (64 * 1024)

struct entry {
	char *norm;        /* part name: '/' separators, no leading '/', ASCII lower case */
	zip_uint64_t index;
};

struct sheet {
	char *name;
	char *part; /* as found in the package */
	zip_uint64_t index;
	th_sheet_state state;
};

struct xf {
	uint32_t numfmt;
	uint32_t font;
	th_numkind kind;
};

struct numfmt {
	uint32_t id;
	uint32_t seq; /* position in styles.xml: of two equal ids the later one wins */
	char *code;
};

struct th_xlsx {
	char *name;
	th_xlsx_limits lim;
	zip_t *zip;
	uint64_t inflated;

	struct entry *entries;
	size_t n_entries;

	struct sheet *sheets;
	size_t n_sheets, cap_sheets;
	bool date1904;

	th_sbuf sst_data;  /* all shared strings, each NUL-terminated */
	size_t *sst_off;
	uint32_t *sst_len;
	size_t n_sst, cap_sst;

	struct xf *xfs;
	size_t n_xfs, cap_xfs;
	char **fonts;
	size_t n_fonts, cap_fonts;
	struct numfmt *numfmts;
	size_t n_numfmts, cap_numfmts;

	th_range *merges;
	size_t n_merges, cap_merges;

	th_book *book; /* an .xls or .ods: the accessors and read_sheet go to it (book.h) */
};

/* ---- small helpers ---- */

static const char *local_name(const char *n)
{
	const char *c = strrchr(n, ':');
	return c ? c + 1 : n;
}

static const char *attr(const char **atts, const char *name)
{
	for (; atts && atts[0]; atts += 2)
		if (strcmp(local_name(atts[0]), name) == 0)
			return atts[1];
	return NULL;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && strcmp(s + a - b, suffix) == 0;
}

/*
 * Parse a plain decimal ("-12.5", "45181") exactly as strtod would, fast: when the digits
 * fit in 2^53 and there are at most 22 after the point, both the mantissa and the power
 * of ten are exact doubles and one IEEE division rounds correctly (Clinger's fast path).
 * Returns false for anything else (exponents, long mantissas, blanks), left to strtod.
 */
static bool fast_decimal(const char *s, double *out)
{
	static const double pow10[] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
					1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
	const char *p = s;
	uint64_t m = 0;
	int frac = 0, ndig = 0;
	bool neg = false;

	if (*p == '-') {
		neg = true;
		p++;
	}
	if (!isdigit((unsigned char)*p))
		return false;
	for (; isdigit((unsigned char)*p); p++, ndig++)
		m = m * 10 + (uint64_t)(*p - '0');
	if (*p == '.') {
		p++;
		if (!isdigit((unsigned char)*p))
			return false;
		for (; isdigit((unsigned char)*p); p++, ndig++, frac++)
			m = m * 10 + (uint64_t)(*p - '0');
	}
	if (*p || ndig > 15 || frac > 22 || m > ((uint64_t)1 << 53))
		return false;
	*out = (double)m / pow10[frac];
	if (neg)
		*out = -*out;
	return true;
}

/* Parse a whole non-negative decimal number: digits, blanks around, and "2.0" (a zero fraction). */
static int parse_uint(const char *s, uint64_t max, uint64_t *out)
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

char *th_cellref(uint32_t row, uint16_t col, char out[TH_CELLREF_MAX])
{
	char letters[4];
	int n = 0;
	unsigned c = (unsigned)col + 1;

	while (c && n < 3) {
		letters[n++] = (char)('A' + (c - 1) % 26);
		c = (c - 1) / 26;
	}
	for (int i = 0; i < n; i++)
		out[i] = letters[n - 1 - i];
	{
		char digits[12];
		int k = 0;
		uint64_t r = (uint64_t)row + 1;

		if (r > TH_MAX_ROWS)
			r = TH_MAX_ROWS; /* callers pass rows inside the grid; never overflow out */
		do {
			digits[k++] = (char)('0' + r % 10);
			r /= 10;
		} while (r);
		while (k)
			out[n++] = digits[--k];
		out[n] = '\0';
	}
	return out;
}

int th_cellref_parse(const char *s, size_t n, uint32_t *row, uint16_t *col)
{
	size_t i = 0;
	uint64_t c = 0, r = 0;

	while (i < n && isspace((unsigned char)s[i]))
		i++;
	if (i < n && s[i] == '$')
		i++;
	if (i >= n || !isalpha((unsigned char)s[i]))
		return -1;
	for (; i < n && isalpha((unsigned char)s[i]); i++) {
		c = c * 26 + (uint64_t)(toupper((unsigned char)s[i]) - 'A' + 1);
		if (c > TH_MAX_COLS)
			return -1;
	}
	if (i < n && s[i] == '$')
		i++;
	if (i >= n || !isdigit((unsigned char)s[i]))
		return -1;
	for (; i < n && isdigit((unsigned char)s[i]); i++) {
		r = r * 10 + (uint64_t)(s[i] - '0');
		if (r > TH_MAX_ROWS)
			return -1;
	}
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	if (i != n || r == 0)
		return -1;
	*row = (uint32_t)(r - 1);
	*col = (uint16_t)(c - 1);
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
static size_t decode_xstring(char *s, size_t n)
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

static const struct entry *find_entry(const th_xlsx *x, const char *name)
{
	struct entry key, *hit;

	key.norm = norm_name(name);
	hit = bsearch(&key, x->entries, x->n_entries, sizeof(*x->entries), entry_cmp);
	free(key.norm);
	return hit;
}

/* Resolve a relationship target against the folder of the part that holds it. */
static char *resolve_target(const char *source_part, const char *target)
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

/* "xl/workbook.xml" -> "xl/_rels/workbook.xml.rels"; "" -> "_rels/.rels" */
static char *rels_part_of(const char *part)
{
	th_sbuf sb = TH_SBUF_INIT;
	const char *slash = strrchr(part, '/');

	if (slash)
		th_sbuf_add(&sb, part, (size_t)(slash - part + 1));
	th_sbuf_addf(&sb, "_rels/%s.rels", slash ? slash + 1 : part);
	return th_sbuf_detach(&sb, NULL);
}

/* ---- streaming one part through expat ---- */

typedef struct xp xp;
struct xp {
	th_xlsx *x;
	XML_Parser p;
	th_err *e;
	const char *part;
	int stop;       /* -1: failed (*e set); > 0: a callback asked to stop */
	uint32_t depth;
	uint32_t ext_depth; /* inside an <extLst> (future extensions): its depth, else 0 */
	th_sbuf *text;  /* character data goes here while non-NULL */
	void (*start)(xp *c, const char *name, const char **atts);
	void (*end)(xp *c, const char *name);
	void *ud;
};

static void xp_halt(xp *c, int why)
{
	if (!c->stop)
		c->stop = why;
	XML_StopParser(c->p, XML_FALSE);
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	xp *c = ud;

	if (c->stop)
		return;
	if (++c->depth > c->x->lim.max_depth) {
		th_fail(c->e, TH_E_XML_DEPTH,
			"XML của phần '%s' lồng nhau quá sâu (hơn %u cấp): tệp bị hỏng hoặc độc hại",
			c->part, c->x->lim.max_depth);
		xp_halt(c, -1);
		return;
	}
	name = local_name(name);
	/*
	 * Extension lists repeat element names of the main schema under other namespaces
	 * (x14:workbookPr ...); as names are matched without their prefix, skip them whole.
	 */
	if (c->ext_depth)
		return;
	if (strcmp(name, "extLst") == 0) {
		c->ext_depth = c->depth;
		return;
	}
	if (c->start)
		c->start(c, name, atts);
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
	xp *c = ud;

	if (c->stop)
		return;
	if (c->ext_depth) {
		if (c->depth-- == c->ext_depth)
			c->ext_depth = 0;
		return;
	}
	c->depth--;
	if (c->end)
		c->end(c, local_name(name));
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
	xp *c = ud;

	if (!c->text || c->stop)
		return;
	th_sbuf_add(c->text, s, (size_t)len);
	if (th_sbuf_err(c->text)) {
		th_fail(c->e, TH_E_CELL_TOO_BIG, "phần '%s': một nội dung văn bản dài quá %u byte",
			c->part, c->x->lim.max_text);
		xp_halt(c, -1);
	}
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
			       const XML_Char *pubid, int has_internal_subset)
{
	xp *c = ud;

	(void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
	th_fail(c->e, TH_E_XML_DTD,
		"phần '%s' có khai báo DTD/thực thể XML, điều tệp .xlsx thật không bao giờ có "
		"(nghi là tệp độc hại, ví dụ bom thực thể)", c->part);
	xp_halt(c, -1);
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
static const char *zip_reason(int code)
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

static int zip_fail(th_xlsx *x, th_err *e, zip_error_t *ze, const char *part)
{
	int code = zip_error_code_zip(ze);

	if (code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD || code == ZIP_ER_ENCRNOTSUPP)
		return th_fail_encrypted(e);
	(void)x;
	return th_fail(e, TH_E_ZIP_DAMAGED,
		       "tệp .xlsx bị hỏng hoặc không trọn vẹn (có thể chép hoặc tải về chưa xong): "
		       "phần '%s': %s", part, zip_reason(code));
}

/* Inflate entry index (named part) into an expat parser driven by c's handlers. */
static int stream_part(th_xlsx *x, zip_uint64_t index, const char *part, xp *c, th_err *e)
{
	zip_stat_t st;
	zip_file_t *zf = NULL;
	XML_Parser p = NULL;
	uint64_t here = 0, comp = 0;
	int rc = -1;

	c->x = x;
	c->e = e;
	c->part = part;
	c->stop = 0;
	c->depth = 0;
	c->ext_depth = 0;
	c->text = NULL;
	if (zip_stat_index(x->zip, index, 0, &st) != 0)
		return zip_fail(x, e, zip_get_error(x->zip), part);
	if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE)
		return th_fail_encrypted(e);
	if ((st.valid & ZIP_STAT_SIZE) && st.size > x->lim.max_inflated - x->inflated)
		return th_fail(e, TH_E_TOO_BIG,
			       "phần '%s' khai báo kích thước giải nén %llu byte, vượt giới hạn %llu byte "
			       "(tệp hỏng hoặc bom nén)", part, (unsigned long long)st.size,
			       (unsigned long long)x->lim.max_inflated);
	if (st.valid & ZIP_STAT_COMP_SIZE)
		comp = st.comp_size;
	zf = zip_fopen_index(x->zip, index, 0);
	if (!zf)
		return zip_fail(x, e, zip_get_error(x->zip), part);
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
		n = zip_fread(zf, buf, CHUNK);
		if (n < 0) {
			zip_fail(x, e, zip_file_get_error(zf), part);
			goto out;
		}
		here += (uint64_t)n;
		x->inflated += (uint64_t)n;
		if (x->inflated > x->lim.max_inflated) {
			th_fail(e, TH_E_TOO_BIG,
				"tệp giải nén ra hơn %llu byte, vượt giới hạn (tệp quá lớn hoặc bom nén)",
				(unsigned long long)x->lim.max_inflated);
			goto out;
		}
		if (here > x->lim.ratio_floor && here / (comp ? comp : 1) > x->lim.max_ratio) {
			th_fail(e, TH_E_ZIP_RATIO,
				"phần '%s' có tỉ lệ nén bất thường (hơn %u:1), nghi là bom nén (zip bomb)",
				part, x->lim.max_ratio);
			goto out;
		}
		if (XML_ParseBuffer(p, (int)n, n == 0) != XML_STATUS_OK) {
			if (c->stop > 0) {
				rc = c->stop;
				goto out;
			}
			if (c->stop < 0)
				goto out;
			th_fail(e, TH_E_XML, "XML của phần '%s' bị lỗi ở dòng %lu cột %lu (%s): tệp bị hỏng",
				part, (unsigned long)XML_GetCurrentLineNumber(p),
				(unsigned long)XML_GetCurrentColumnNumber(p) + 1, xml_error_vi(XML_GetErrorCode(p)));
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
	zip_fclose(zf);
	return rc;
}

static int stream_named(th_xlsx *x, const char *part, xp *c, th_err *e, bool *found)
{
	const struct entry *en = find_entry(x, part);

	*found = en != NULL;
	if (!en)
		return 0;
	return stream_part(x, en->index, part, c, e);
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
	rel->target = (mode && strcmp(mode, "External") == 0) ? NULL : resolve_target(r->source, target);
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
	char *rp = rels_part_of(source);
	xp c = { .start = rels_start, .ud = r };
	bool found;
	int rc;

	memset(r, 0, sizeof(*r));
	r->source = source;
	rc = stream_named(x, rp, &c, e, &found);
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
		*found = resolve_target("", part);
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

/* ---- sharedStrings.xml ---- */

struct sst_ctx {
	th_sbuf si;
	int in_si;
	int rph;
};

static void sst_start(xp *c, const char *name, const char **atts)
{
	struct sst_ctx *s = c->ud;

	(void)atts;
	if (strcmp(name, "si") == 0) {
		th_sbuf_reset(&s->si);
		s->in_si = 1;
		s->rph = 0;
	} else if (strcmp(name, "rPh") == 0) {
		s->rph++;
	} else if (strcmp(name, "t") == 0 && s->in_si && !s->rph) {
		c->text = &s->si;
	}
}

static void sst_end(xp *c, const char *name)
{
	struct sst_ctx *s = c->ud;
	th_xlsx *x = c->x;

	if (strcmp(name, "t") == 0) {
		c->text = NULL;
	} else if (strcmp(name, "rPh") == 0) {
		if (s->rph)
			s->rph--;
	} else if (strcmp(name, "si") == 0 && s->in_si) {
		size_t len = decode_xstring(s->si.buf, s->si.len);

		s->in_si = 0;
		th_grow((void **)&x->sst_off, &x->cap_sst, x->n_sst + 1, sizeof(*x->sst_off));
		x->sst_len = th_xrealloc(x->sst_len, x->cap_sst * sizeof(*x->sst_len));
		x->sst_off[x->n_sst] = x->sst_data.len;
		x->sst_len[x->n_sst] = (uint32_t)len;
		x->n_sst++;
		th_sbuf_add(&x->sst_data, s->si.buf, len);
		th_sbuf_addc(&x->sst_data, '\0');
	}
}

/* ---- styles.xml ---- */

enum { ST_NONE, ST_NUMFMTS, ST_FONTS, ST_CELLXFS };

struct styles_ctx {
	int section;
	bool in_font;
};

static uint32_t attr_u32(const char **atts, const char *name, uint32_t dflt)
{
	const char *v = attr(atts, name);
	uint64_t u;

	if (!v || parse_uint(v, UINT32_MAX, &u))
		return dflt;
	return (uint32_t)u;
}

static void styles_start(xp *c, const char *name, const char **atts)
{
	struct styles_ctx *s = c->ud;
	th_xlsx *x = c->x;

	if (strcmp(name, "numFmts") == 0) {
		s->section = ST_NUMFMTS;
	} else if (strcmp(name, "fonts") == 0) {
		s->section = ST_FONTS;
	} else if (strcmp(name, "cellXfs") == 0) {
		s->section = ST_CELLXFS;
	} else if (s->section == ST_NUMFMTS && strcmp(name, "numFmt") == 0) {
		const char *id = attr(atts, "numFmtId"), *code = attr(atts, "formatCode");
		uint64_t u;

		if (!id || !code || parse_uint(id, UINT32_MAX, &u))
			return;
		th_grow((void **)&x->numfmts, &x->cap_numfmts, x->n_numfmts + 1, sizeof(*x->numfmts));
		x->numfmts[x->n_numfmts].id = (uint32_t)u;
		x->numfmts[x->n_numfmts].seq = (uint32_t)x->n_numfmts;
		x->numfmts[x->n_numfmts].code = th_xstrdup(code);
		x->n_numfmts++;
	} else if (s->section == ST_FONTS && strcmp(name, "font") == 0) {
		th_grow((void **)&x->fonts, &x->cap_fonts, x->n_fonts + 1, sizeof(*x->fonts));
		x->fonts[x->n_fonts++] = NULL;
		s->in_font = true;
	} else if (s->section == ST_FONTS && s->in_font && strcmp(name, "name") == 0) {
		const char *v = attr(atts, "val");
		if (v && !x->fonts[x->n_fonts - 1])
			x->fonts[x->n_fonts - 1] = th_xstrdup(v);
	} else if (s->section == ST_CELLXFS && strcmp(name, "xf") == 0) {
		th_grow((void **)&x->xfs, &x->cap_xfs, x->n_xfs + 1, sizeof(*x->xfs));
		x->xfs[x->n_xfs].numfmt = attr_u32(atts, "numFmtId", 0);
		x->xfs[x->n_xfs].font = attr_u32(atts, "fontId", 0);
		x->xfs[x->n_xfs].kind = TH_NUM_GENERAL;
		/* an id that is not a number makes no date (as the reference reader) */
		if (attr(atts, "numFmtId") && attr_u32(atts, "numFmtId", UINT32_MAX) == UINT32_MAX)
			x->xfs[x->n_xfs].numfmt = UINT32_MAX;
		x->n_xfs++;
	}
}

static void styles_end(xp *c, const char *name)
{
	struct styles_ctx *s = c->ud;

	if (strcmp(name, "numFmts") == 0 || strcmp(name, "fonts") == 0 || strcmp(name, "cellXfs") == 0)
		s->section = ST_NONE;
	else if (strcmp(name, "font") == 0)
		s->in_font = false;
}

static int numfmt_cmp(const void *a, const void *b)
{
	const struct numfmt *p = a, *q = b;

	if (p->id != q->id)
		return p->id < q->id ? -1 : 1;
	return p->seq < q->seq ? -1 : p->seq > q->seq;
}

/*
 * Sort the custom formats by id, keeping only the last definition of each id, so that a
 * style's format is a binary search away: a hostile styles part with 200,000 formats and
 * 400,000 styles took 37 s with a linear scan per style (found by the fuzzing work, 2026-11).
 */
static void index_numfmts(th_xlsx *x)
{
	size_t w = 0;

	if (x->n_numfmts < 2)
		return;
	qsort(x->numfmts, x->n_numfmts, sizeof(*x->numfmts), numfmt_cmp);
	for (size_t i = 0; i < x->n_numfmts; i++) {
		if (i + 1 < x->n_numfmts && x->numfmts[i + 1].id == x->numfmts[i].id) {
			free(x->numfmts[i].code);
			continue;
		}
		x->numfmts[w++] = x->numfmts[i];
	}
	x->n_numfmts = w;
}

static const char *numfmt_code(const th_xlsx *x, uint32_t id)
{
	size_t lo = 0, hi = x->n_numfmts;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (x->numfmts[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < x->n_numfmts && x->numfmts[lo].id == id ? x->numfmts[lo].code : NULL;
}

static void classify_styles(th_xlsx *x)
{
	index_numfmts(x);
	for (size_t i = 0; i < x->n_xfs; i++) {
		uint32_t id = x->xfs[i].numfmt;
		x->xfs[i].kind = id == UINT32_MAX ? TH_NUM_GENERAL : th_numfmt_kind(id, numfmt_code(x, id));
	}
}

/* ---- sniffing: what the bytes really are ---- */

static bool has_prefix(const unsigned char *b, size_t n, const char *magic, size_t m)
{
	return n >= m && memcmp(b, magic, m) == 0;
}

/*
 * An OLE2 compound file (an .xls, or an encrypted .xlsx, or another Office document) or a
 * bare BIFF stream (Excel 2.x-5.0 written without a container, which starts with a BOF
 * record: 09 00 / 09 02 / 09 04 / 09 08): xls_reader.c judges it.
 */
static bool is_ole_or_biff(const unsigned char *b, size_t n)
{
	return has_prefix(b, n, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) ||
	       (n >= 4 && b[0] == 0x09 && (b[1] == 0x00 || b[1] == 0x02 || b[1] == 0x04 || b[1] == 0x08) &&
		b[3] == 0x00);
}

static bool contains_ci(const unsigned char *b, size_t n, const char *needle)
{
	size_t m = strlen(needle);

	for (size_t i = 0; i + m <= n; i++)
		if (strncasecmp((const char *)b + i, needle, m) == 0)
			return true;
	return false;
}

/* Judge the first bytes (up to 4 KiB) of a file that is neither a zip nor an .xls. */
static int sniff_not_zip(const unsigned char *b, size_t n, th_err *e)
{
	size_t i = 0;

	if (has_prefix(b, n, "\xEF\xBB\xBF", 3))
		i = 3;
	while (i < n && isspace(b[i]))
		i++;
	if (i < n && b[i] == '<') {
		if (contains_ci(b, n, "opendocument"))
			return th_fail(e, TH_E_FORMAT_ODS,
				       "đây là tệp OpenDocument dạng XML phẳng (.fods), tonghop không đọc "
				       "dạng này: hãy lưu lại dưới dạng .ods hoặc .xlsx");
		if (contains_ci(b, n, "urn:schemas-microsoft-com:office:spreadsheet"))
			return th_fail(e, TH_E_FORMAT_OTHER,
				       "đây là tệp Bảng tính XML 2003 của Excel, tonghop không đọc dạng này: "
				       "hãy mở bằng Excel và lưu lại dưới dạng .xlsx");
		if (contains_ci(b, n, "<html") || contains_ci(b, n, "<table"))
			return th_fail(e, TH_E_FORMAT_OTHER,
				       "đây là trang HTML được đặt đuôi bảng tính, không phải bảng tính thật: hãy "
				       "mở bằng Excel và lưu lại dưới dạng Sổ làm việc Excel (.xlsx)");
	}
	return th_fail(e, TH_E_NOT_ZIP,
		       "không phải tệp bảng tính .xlsx, .xls hay .ods (nội dung không phải dạng "
		       "bảng tính nào tonghop đọc được)");
}

static bool is_zip_magic(const unsigned char *b, size_t n)
{
	return has_prefix(b, n, "PK\x03\x04", 4) || has_prefix(b, n, "PK\x05\x06", 4) ||
	       has_prefix(b, n, "PK\x07\x08", 4);
}

static bool is_lock_name(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	return base[0] == '~' && base[1] == '$';
}

static int lock_fail(th_err *e)
{
	return th_fail(e, TH_E_LOCK_FILE,
		       "đây là tệp khoá tạm do Excel tạo khi đang mở một bảng tính (tên bắt đầu bằng "
		       "~$), không phải báo cáo: hãy bỏ qua tệp này");
}

/* ---- opening ---- */

/*
 * Is the package an OpenDocument spreadsheet? Its mimetype entry says so; without one (as
 * Google Sheets and some libraries write them), a content.xml and no workbook part do.
 * Another OpenDocument (a text, a presentation) is refused here.
 */
static int sniff_odf(th_xlsx *x, bool *ods, th_err *e)
{
	const struct entry *mt = find_entry(x, "mimetype");

	*ods = false;
	if (mt) {
		zip_file_t *zf = zip_fopen_index(x->zip, mt->index, 0);
		char buf[128] = "";
		zip_int64_t n = zf ? zip_fread(zf, buf, sizeof(buf) - 1) : -1;

		if (zf)
			zip_fclose(zf); /* zip_fclose does not take NULL */
		if (n > 0) {
			static const char odf[] = "application/vnd.oasis.opendocument.";
			buf[n] = '\0';
			if (strncmp(buf, odf, sizeof(odf) - 1) == 0) {
				if (strncmp(buf + sizeof(odf) - 1, "spreadsheet", 11) == 0) {
					*ods = true;
					return 0;
				}
				return th_fail(e, TH_E_FORMAT_OTHER,
					       "đây là tài liệu OpenDocument nhưng không phải bảng tính (%.40s)",
					       buf + sizeof(odf) - 1);
			}
		}
	}
	if (find_entry(x, "content.xml")) {
		for (size_t i = 0; i < x->n_entries; i++)
			if (ends_with(x->entries[i].norm, "workbook.xml") ||
			    ends_with(x->entries[i].norm, "workbook.bin"))
				return 0;
		*ods = true;
	}
	return 0;
}

/* Judge a zip that has no workbook part: another kind of package, or a broken one. */
static int not_a_workbook(th_xlsx *x, const char *wanted, th_err *e)
{
	if (find_entry(x, "xl/workbook.bin"))
		return th_fail(e, TH_E_FORMAT_OTHER,
			       "đây là tệp Excel nhị phân (.xlsb), tonghop không đọc dạng này: hãy mở "
			       "bằng Excel và lưu lại dưới dạng Sổ làm việc Excel (.xlsx)");
	if (find_entry(x, "Index/Document.iwa") || find_entry(x, "Index.zip"))
		return th_fail(e, TH_E_FORMAT_OTHER,
			       "đây là tệp Apple Numbers; hãy xuất ra dạng Excel (.xlsx) rồi gửi lại");
	return th_fail(e, TH_E_PACKAGE,
		       "gói .xlsx thiếu phần '%s' (tệp không phải bảng tính Excel hợp lệ)", wanted);
}

static int load_entries(th_xlsx *x, th_err *e)
{
	zip_int64_t n = zip_get_num_entries(x->zip, 0);

	if (n < 0)
		return zip_fail(x, e, zip_get_error(x->zip), "");
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

static int load_package(th_xlsx *x, th_err *e)
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
		if (sniff_odf(x, &ods, e))
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
		stream_named(x, "[Content_Types].xml", &c, e, &found);
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
	if (!find_entry(x, wbpart)) {
		not_a_workbook(x, wbpart, e);
		goto out;
	}
	if (read_rels(x, wbpart, &wbrels, e))
		goto out;
	{
		xp c = { .start = wb_start, .ud = &w };
		if (stream_named(x, wbpart, &c, e, &found))
			goto out;
	}
	if (w.too_many) {
		th_fail(e, TH_E_TOO_BIG, "bảng tính có hơn %u trang tính", x->lim.max_sheets);
		goto out;
	}
	if ((r = rel_by_type(&wbrels, "/sharedStrings"))) {
		struct sst_ctx s = { .si = TH_SBUF_INIT };
		xp c = { .start = sst_start, .end = sst_end, .ud = &s };

		s.si.max = x->lim.max_text;
		rc = stream_named(x, r->target, &c, e, &found);
		th_sbuf_release(&s.si);
		if (rc)
			goto out;
		rc = -1;
	}
	if ((r = rel_by_type(&wbrels, "/styles"))) {
		struct styles_ctx s = { 0 };
		xp c = { .start = styles_start, .end = styles_end, .ud = &s };
		if (stream_named(x, r->target, &c, e, &found))
			goto out;
		classify_styles(x);
	}
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
			en = find_entry(x, sr->target);
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

static th_xlsx *xlsx_new(const char *name, const th_xlsx_limits *limits)
{
	th_xlsx *x = th_xcalloc(1, sizeof(*x));

	x->name = th_xstrdup(name);
	x->lim = limits ? *limits : th_xlsx_default_limits;
	th_sbuf_init(&x->sst_data, 0);
	return x;
}

static int finish_open(th_xlsx *x, zip_source_t *src, th_xlsx **out, th_err *e)
{
	zip_error_t ze;

	zip_error_init(&ze);
	x->zip = zip_open_from_source(src, ZIP_RDONLY, &ze);
	if (!x->zip) {
		zip_source_free(src);
		th_fail(e, TH_E_ZIP_DAMAGED,
			"tệp .xlsx bị hỏng hoặc không trọn vẹn (có thể chép hoặc tải về chưa xong): %s",
			zip_reason(zip_error_code_zip(&ze)));
		zip_error_fini(&ze);
		th_xlsx_free(x);
		return -1;
	}
	zip_error_fini(&ze);
	if (load_package(x, e)) {
		th_xlsx_free(x);
		return -1;
	}
	*out = x;
	return 0;
}

/* Open an .xls held in buf (taken over) as a th_xlsx whose book is the .xls. */
static int open_xls(th_xlsx **out, const char *name, const th_xlsx_limits *limits, unsigned char *buf,
		    size_t len, th_err *e)
{
	th_xlsx *x = xlsx_new(name, limits);

	if (th_xls_open(&x->book, buf, len, &x->lim, e)) {
		th_xlsx_free(x);
		return -1;
	}
	*out = x;
	return 0;
}

int th_xlsx_open_mem(th_xlsx **out, const void *buf, size_t len, const char *name,
		     const th_xlsx_limits *limits, th_err *e)
{
	zip_error_t ze;
	zip_source_t *src;
	th_xlsx *x;

	*out = NULL;
	if (len == 0)
		return th_fail(e, TH_E_EMPTY, "tệp rỗng (0 byte), không có dữ liệu");
	if (!is_zip_magic(buf, len)) {
		if (is_lock_name(name))
			return lock_fail(e);
		if (is_ole_or_biff(buf, len)) {
			unsigned char *copy = th_xmalloc(len);
			memcpy(copy, buf, len);
			return open_xls(out, name, limits, copy, len, e);
		}
		return sniff_not_zip(buf, len < 4096 ? len : 4096, e);
	}
	zip_error_init(&ze);
	src = zip_source_buffer_create(buf, len, 0, &ze);
	if (!src) {
		zip_error_fini(&ze);
		return th_fail(e, TH_E_NOMEM, "hết bộ nhớ khi mở tệp");
	}
	zip_error_fini(&ze);
	x = xlsx_new(name, limits);
	return finish_open(x, src, out, e);
}

/* Read at most cap bytes of f from its start into a new buffer. */
static unsigned char *read_head(FILE *f, size_t cap, size_t *n)
{
	unsigned char *b = th_xmalloc(cap);

	*n = fread(b, 1, cap, f);
	return b;
}

int th_xlsx_open(th_xlsx **out, const char *path, const th_xlsx_limits *limits, th_err *e)
{
	char eb[TH_ERRNO_VI_MAX];
	struct stat sb;
	FILE *f;
	unsigned char *head;
	size_t n;
	zip_error_t ze;
	zip_source_t *src;
	th_xlsx *x;

	*out = NULL;
	if (stat(path, &sb) != 0) {
		if (errno == ENOENT)
			return th_fail(e, TH_E_OPEN, "không tìm thấy tệp");
		if (errno == EACCES)
			return th_fail(e, TH_E_OPEN, "không có quyền đọc tệp");
		return th_fail(e, TH_E_OPEN, "không mở được tệp (%s)", th_errno_vi(errno, eb));
	}
	if (S_ISDIR(sb.st_mode))
		return th_fail(e, TH_E_NOT_FILE, "đây là một thư mục, không phải tệp bảng tính");
	if (!S_ISREG(sb.st_mode))
		return th_fail(e, TH_E_NOT_FILE, "không phải tệp thông thường (thiết bị, ống dẫn...)");
	if (sb.st_size == 0)
		return th_fail(e, TH_E_EMPTY, "tệp rỗng (0 byte), không có dữ liệu");
	f = fopen(path, "rb");
	if (!f) {
		if (errno == EACCES)
			return th_fail(e, TH_E_OPEN, "không có quyền đọc tệp");
		return th_fail(e, TH_E_OPEN, "không mở được tệp (%s)", th_errno_vi(errno, eb));
	}
	head = read_head(f, 4096, &n);
	if (!is_zip_magic(head, n)) {
		int rc;
		if (is_lock_name(path)) {
			rc = lock_fail(e);
		} else if (is_ole_or_biff(head, n)) {
			/* the .xls reader works on the whole file in memory */
			size_t whole;
			free(head);
			head = NULL;
			if ((uint64_t)sb.st_size > TH_XLS_MAX_FILE) {
				rc = th_fail(e, TH_E_TOO_BIG, "tệp .xls lớn hơn %u MiB, quá lớn để là một báo cáo",
					     (unsigned)(TH_XLS_MAX_FILE >> 20));
			} else {
				rewind(f);
				head = read_head(f, (size_t)sb.st_size, &whole);
				if (ferror(f) || whole != (size_t)sb.st_size) {
					rc = th_fail(e, TH_E_OPEN, "không đọc hết được tệp (%s)",
						     th_errno_vi(errno ? errno : EIO, eb));
				} else {
					fclose(f);
					return open_xls(out, path, limits, head, whole, e);
				}
			}
		} else {
			rc = sniff_not_zip(head, n, e);
		}
		free(head);
		fclose(f);
		return rc;
	}
	free(head);
	fclose(f);
	zip_error_init(&ze);
	src = zip_source_file_create(path, 0, -1, &ze);
	if (!src) {
		int sys = zip_error_code_system(&ze);
		th_fail(e, TH_E_OPEN, "không mở được tệp (%s)",
			zip_error_system_type(&ze) == ZIP_ET_SYS && sys ? th_errno_vi(sys, eb) :
			zip_reason(zip_error_code_zip(&ze)));
		zip_error_fini(&ze);
		return -1;
	}
	zip_error_fini(&ze);
	x = xlsx_new(path, limits);
	return finish_open(x, src, out, e);
}

void th_xlsx_free(th_xlsx *x)
{
	if (!x)
		return;
	th_book_free(x->book);
	if (x->zip)
		zip_discard(x->zip);
	for (size_t i = 0; i < x->n_entries; i++)
		free(x->entries[i].norm);
	free(x->entries);
	for (size_t i = 0; i < x->n_sheets; i++) {
		free(x->sheets[i].name);
		free(x->sheets[i].part);
	}
	free(x->sheets);
	th_sbuf_release(&x->sst_data);
	free(x->sst_off);
	free(x->sst_len);
	free(x->xfs);
	for (size_t i = 0; i < x->n_fonts; i++)
		free(x->fonts[i]);
	free(x->fonts);
	for (size_t i = 0; i < x->n_numfmts; i++)
		free(x->numfmts[i].code);
	free(x->numfmts);
	free(x->merges);
	free(x->name);
	free(x);
}

/* ---- accessors (an .xls or .ods answers from its book) ---- */

size_t th_xlsx_sheet_count(const th_xlsx *x) { return x->book ? x->book->n_sheets : x->n_sheets; }
const char *th_xlsx_sheet_name(const th_xlsx *x, size_t i)
{
	return x->book ? x->book->sheets[i].name : x->sheets[i].name;
}
th_sheet_state th_xlsx_sheet_state(const th_xlsx *x, size_t i)
{
	return x->book ? x->book->sheets[i].state : x->sheets[i].state;
}
const char *th_xlsx_sheet_part(const th_xlsx *x, size_t i)
{
	return x->book ? x->book->part : x->sheets[i].part;
}
bool th_xlsx_date1904(const th_xlsx *x) { return x->book ? x->book->date1904 : x->date1904; }
size_t th_xlsx_shared_count(const th_xlsx *x) { return x->n_sst; }

th_numkind th_xlsx_style_kind(const th_xlsx *x, uint32_t style)
{
	if (x->book)
		return style < x->book->n_styles ? x->book->styles[style].kind : TH_NUM_GENERAL;
	return style < x->n_xfs ? x->xfs[style].kind : TH_NUM_GENERAL;
}

const char *th_xlsx_style_format(const th_xlsx *x, uint32_t style)
{
	const char *code = NULL;

	if (x->book)
		return style < x->book->n_styles ? x->book->styles[style].format : "General";
	if (style < x->n_xfs && x->xfs[style].numfmt != UINT32_MAX) {
		code = numfmt_code(x, x->xfs[style].numfmt);
		if (!code)
			code = th_numfmt_builtin(x->xfs[style].numfmt);
	}
	return code ? code : "General";
}

const char *th_xlsx_style_font(const th_xlsx *x, uint32_t style)
{
	if (x->book)
		return style < x->book->n_styles ? x->book->styles[style].font : "";
	if (style < x->n_xfs && x->xfs[style].font < x->n_fonts && x->fonts[x->xfs[style].font])
		return x->fonts[x->xfs[style].font];
	return "";
}

const th_range *th_xlsx_merges(const th_xlsx *x, size_t *n)
{
	*n = x->book ? x->book->n_merges : x->n_merges;
	return x->book ? x->book->merges : x->merges;
}

/* ---- what the .xls and .ods backends borrow (book.h) ---- */

static void cb_sync(xp *c, th_xmlcb *cb, int rv)
{
	c->text = cb->text;
	if (rv)
		xp_halt(c, rv);
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
	int rc = stream_named(x, name, &c, e, &found);

	if (!rc && !found)
		return th_fail(e, TH_E_PACKAGE, "gói bảng tính thiếu phần '%s'", name);
	return rc;
}

bool th_xlsx_has_part(const th_xlsx *x, const char *name) { return find_entry(x, name) != NULL; }
const th_xlsx_limits *th_xlsx_limits_of(const th_xlsx *x) { return &x->lim; }

/* ---- the worksheet parser ---- */

enum { CT_N, CT_S, CT_STR, CT_INLINE, CT_B, CT_E, CT_D, CT_OTHER };

struct sheet_ctx {
	const char *sheet;
	th_cell_fn fn;
	void *ud;
	uint32_t row;     /* 1-based current row, 0 before the first */
	uint32_t col;     /* 1-based column of the last cell in this row */
	bool in_data, in_cell, in_is;
	int rph;
	/* the cell being read */
	uint32_t c_row, c_col, c_style;
	int c_type;
	bool has_v, has_f, has_is;
	th_sbuf v, f, is;
};

static int cell_type_code(const char *t)
{
	if (!t || strcmp(t, "n") == 0)
		return CT_N;
	if (strcmp(t, "s") == 0)
		return CT_S;
	if (strcmp(t, "str") == 0)
		return CT_STR;
	if (strcmp(t, "inlineStr") == 0)
		return CT_INLINE;
	if (strcmp(t, "b") == 0)
		return CT_B;
	if (strcmp(t, "e") == 0)
		return CT_E;
	if (strcmp(t, "d") == 0)
		return CT_D;
	return CT_OTHER;
}

static void ref_fail(xp *c, const char *ref)
{
	struct sheet_ctx *s = c->ud;

	th_fail(c->e, TH_E_CELL_REF,
		"trang '%s': tham chiếu ô '%.40s' nằm ngoài bảng tính (vượt quá XFD1048576) hoặc "
		"không hợp lệ", s->sheet, ref);
	xp_halt(c, -1);
}

static void sheet_start(xp *c, const char *name, const char **atts)
{
	struct sheet_ctx *s = c->ud;

	if (!s->in_data) {
		if (strcmp(name, "sheetData") == 0) {
			s->in_data = true;
		} else if (strcmp(name, "mergeCell") == 0) {
			const char *ref = attr(atts, "ref"), *colon;
			th_range rg;
			uint32_t r2;
			uint16_t c2;
			th_xlsx *x = c->x;

			if (!ref)
				return;
			colon = strchr(ref, ':');
			if (th_cellref_parse(ref, colon ? (size_t)(colon - ref) : strlen(ref), &rg.r1, &rg.c1))
				return;
			if (!colon || th_cellref_parse(colon + 1, strlen(colon + 1), &r2, &c2)) {
				r2 = rg.r1;
				c2 = rg.c1;
			}
			rg.r2 = r2 > rg.r1 ? r2 : rg.r1;
			rg.c2 = c2 > rg.c1 ? c2 : rg.c1;
			if (r2 < rg.r1)
				rg.r1 = r2;
			if (c2 < rg.c1)
				rg.c1 = c2;
			th_grow((void **)&x->merges, &x->cap_merges, x->n_merges + 1, sizeof(*x->merges));
			x->merges[x->n_merges++] = rg;
		}
		return;
	}
	if (s->in_cell) {
		switch (name[0]) {
		case 'v':
			if (!name[1] && !s->in_is) {
				s->has_v = true;
				th_sbuf_reset(&s->v);
				c->text = &s->v;
			}
			return;
		case 'f':
			if (!name[1] && !s->in_is) {
				s->has_f = true;
				th_sbuf_reset(&s->f);
				c->text = &s->f;
			}
			return;
		case 'i':
			if (strcmp(name, "is") == 0) {
				s->in_is = true;
				s->has_is = true;
				s->rph = 0;
			}
			return;
		case 'r':
			if (strcmp(name, "rPh") == 0 && s->in_is)
				s->rph++;
			return;
		case 't':
			if (!name[1] && s->in_is && !s->rph)
				c->text = &s->is;
			return;
		}
		return;
	}
	if (name[0] == 'c' && !name[1]) {
		const char *r = NULL, *t = NULL, *st = NULL;

		for (const char **a = atts; a[0]; a += 2) {
			const char *an = local_name(a[0]);
			if (an[0] == 'r' && !an[1])
				r = a[1];
			else if (an[0] == 't' && !an[1])
				t = a[1];
			else if (an[0] == 's' && !an[1])
				st = a[1];
		}
		if (r) {
			uint32_t row;
			uint16_t col;
			if (th_cellref_parse(r, strlen(r), &row, &col)) {
				ref_fail(c, r);
				return;
			}
			s->c_row = row + 1;
			s->c_col = (uint32_t)col + 1;
		} else {
			s->c_row = s->row;
			s->c_col = s->col + 1;
			if (s->c_row == 0 || s->c_col > TH_MAX_COLS) {
				char ref[TH_CELLREF_MAX + 16];
				snprintf(ref, sizeof(ref), "R%luC%lu", (unsigned long)s->c_row,
					 (unsigned long)s->c_col);
				ref_fail(c, ref);
				return;
			}
		}
		s->col = s->c_col;
		s->c_type = cell_type_code(t);
		s->c_style = 0;
		if (st) {
			uint64_t u;
			if (!parse_uint(st, UINT32_MAX, &u))
				s->c_style = (uint32_t)u;
		}
		s->in_cell = true;
		s->in_is = false;
		s->has_v = s->has_f = s->has_is = false;
		th_sbuf_reset(&s->v);
		th_sbuf_reset(&s->f);
		th_sbuf_reset(&s->is);
	} else if (strcmp(name, "row") == 0) {
		const char *r = attr(atts, "r");
		uint64_t u;

		if (r) {
			if (parse_uint(r, TH_MAX_ROWS, &u) || u == 0) {
				ref_fail(c, r);
				return;
			}
			s->row = (uint32_t)u;
		} else {
			if (s->row >= TH_MAX_ROWS) {
				ref_fail(c, "(hàng thứ 1048577)");
				return;
			}
			s->row++;
		}
		s->col = 0;
	}
}

/* Build the th_cell for the <c> just closed and hand it over. */
static void emit_cell(xp *c, struct sheet_ctx *s)
{
	th_cell cell = { 0 };
	char *end;

	cell.row = s->c_row - 1;
	cell.col = (uint16_t)(s->c_col - 1);
	cell.has_formula = s->has_f;
	cell.formula = s->f.buf;
	cell.style = s->c_style;
	cell.type = TH_CELL_EMPTY;
	cell.text = "";
	switch (s->c_type) {
	case CT_S:
		if (s->has_v && s->v.len) {
			uint64_t idx;
			char ref[TH_CELLREF_MAX];
			if (parse_uint(s->v.buf, UINT32_MAX, &idx) || idx >= c->x->n_sst) {
				th_fail(c->e, TH_E_SST_INDEX,
					"trang '%s' ô %s: trỏ tới chuỗi dùng chung số '%.20s' nhưng tệp chỉ "
					"có %zu chuỗi (tệp bị hỏng)", s->sheet,
					th_cellref(cell.row, cell.col, ref), s->v.buf, c->x->n_sst);
				xp_halt(c, -1);
				return;
			}
			cell.type = TH_CELL_STRING;
			cell.text = c->x->sst_data.buf + c->x->sst_off[idx];
			cell.len = c->x->sst_len[idx];
		}
		break;
	case CT_INLINE:
		if (s->has_is) {
			cell.type = TH_CELL_STRING;
			cell.len = decode_xstring(s->is.buf, s->is.len);
			cell.text = s->is.buf;
		}
		break;
	case CT_N:
		if (s->has_v && s->v.len && fast_decimal(s->v.buf, &cell.num)) {
			cell.type = TH_CELL_NUMBER;
		} else if (s->has_v && s->v.len) {
			errno = 0;
			cell.num = strtod(s->v.buf, &end);
			while (isspace((unsigned char)*end))
				end++;
			if (end != s->v.buf && !*end && isfinite(cell.num)) {
				cell.type = TH_CELL_NUMBER;
			} else {
				/* not a number although typed as one: keep what is written */
				cell.type = TH_CELL_STRING;
				cell.text = s->v.buf;
				cell.len = s->v.len;
				cell.num = 0;
			}
		}
		break;
	case CT_B:
		if (s->has_v && s->v.len) {
			const char *v = s->v.buf;
			cell.type = TH_CELL_BOOL;
			cell.num = (strcmp(v, "0") == 0 || strcasecmp(v, "false") == 0) ? 0 : 1;
		}
		break;
	case CT_E:
	case CT_D:
	case CT_STR:
	case CT_OTHER:
		if (s->has_v && s->v.len) {
			cell.type = s->c_type == CT_E ? TH_CELL_ERROR :
				    s->c_type == CT_D ? TH_CELL_DATE : TH_CELL_STRING;
			cell.len = decode_xstring(s->v.buf, s->v.len);
			cell.text = s->v.buf;
		}
		break;
	}
	{
		int rv = s->fn(s->ud, &cell);
		if (rv)
			xp_halt(c, rv > 0 ? rv : 1);
	}
}

static void sheet_end(xp *c, const char *name)
{
	struct sheet_ctx *s = c->ud;

	if (!s->in_data)
		return;
	if (s->in_cell) {
		switch (name[0]) {
		case 'v':
		case 'f':
			if (!name[1])
				c->text = NULL;
			return;
		case 't':
			if (!name[1] && s->in_is)
				c->text = NULL;
			return;
		case 'r':
			if (strcmp(name, "rPh") == 0 && s->rph)
				s->rph--;
			return;
		case 'i':
			if (strcmp(name, "is") == 0) {
				s->in_is = false;
				c->text = NULL;
			}
			return;
		case 'c':
			if (!name[1]) {
				s->in_cell = false;
				c->text = NULL;
				emit_cell(c, s);
			}
			return;
		}
		return;
	}
	if (strcmp(name, "sheetData") == 0)
		s->in_data = false;
}

int th_xlsx_read_sheet(th_xlsx *x, size_t i, th_cell_fn fn, void *ud, th_err *e)
{
	struct sheet_ctx s = { 0 };
	xp c = { .start = sheet_start, .end = sheet_end, .ud = &s };
	int rc;

	if (i >= th_xlsx_sheet_count(x))
		return th_fail(e, TH_E_NO_SHEET, "không có trang tính thứ %zu", i + 1);
	if (x->book) {
		x->book->n_merges = 0;
		return x->book->read_sheet(x->book, i, fn, ud, e);
	}
	x->n_merges = 0;
	s.sheet = x->sheets[i].name;
	s.fn = fn;
	s.ud = ud;
	th_sbuf_init(&s.v, x->lim.max_text);
	th_sbuf_init(&s.f, x->lim.max_text);
	th_sbuf_init(&s.is, x->lim.max_text);
	rc = stream_part(x, x->sheets[i].index, x->sheets[i].part, &c, e);
	th_sbuf_release(&s.v);
	th_sbuf_release(&s.f);
	th_sbuf_release(&s.is);
	return rc;
}
