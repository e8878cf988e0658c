/*
 * The Excel 97-2003 (.xls) backend (book.h): an OLE2 compound file (CFB) holding a BIFF8
 * "Workbook" stream, or a BIFF5/7 "Book" stream (Excel 5.0/95). Both layers are read here
 * from the file held in memory, every offset, size and sector chain checked against it, so
 * a damaged or hostile file fails cleanly in time and memory linear in its size: nothing
 * is allocated from a declared size (DIMENSION, SST counts, stream sizes beyond the file).
 *
 * FreeXL (Debian's libfreexl) was the first choice, but version 1.0.6 drops every FORMULA
 * record (the totals of a return are formulas), reads booleans and errors as integers and
 * knows neither hidden sheets nor merged cells; it is used by the tests as a second reader
 * of constant cells instead (tests/unit/test_xls.c).
 *
 * A cell's style is its XF index: the book's styles are the XF records, each with the kind
 * of its number format (th_numfmt_kind, the rule the .xlsx reader uses) and its font name
 * (TCVN3 text is recognised by it later). The formula text is not decompiled: a formula
 * cell hands its cached value and an empty formula.
 * SPDX-License-Identifier: MIT
 */
#include "read/book.h"

#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "base/sbuf.h"
#include "base/banned.h"

/* ---- little-endian reads (callers check the bounds) ---- */

static uint16_t u16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }
static uint32_t u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static double f64(const unsigned char *p)
{
	uint64_t v = (uint64_t)u32(p) | (uint64_t)u32(p + 4) << 32;
	double d;

	memcpy(&d, &v, sizeof(d));
	return d;
}

static int damaged(th_err *e, const char *what)
{
	return th_fail(e, TH_E_XLS_DAMAGED,
		       "tệp .xls bị hỏng (%s): hãy mở bằng Excel, lưu lại rồi gửi lại", what);
}

/* ---- the compound file (CFB, [MS-CFB]) ---- */

#define ENDOFCHAIN 0xFFFFFFFEu
#define FREESECT 0xFFFFFFFFu

struct cfb {
	const unsigned char *buf;
	size_t len;
	uint32_t ssz;       /* sector size: 512 or 4096 */
	uint32_t nsec;      /* sectors in the file */
	uint32_t *fat;
	size_t nfat;
	uint32_t *minifat;
	size_t nminifat;
	unsigned char *ministream;
	size_t ministream_len;
	uint32_t cutoff;
	bool v3;
};

/* Sector s, when its first n bytes are inside the file (the last sector may be cut short). */
static const unsigned char *sector(const struct cfb *c, uint32_t s, size_t n)
{
	size_t at = (size_t)(s + 1) * c->ssz;

	return s < c->nsec && at + n <= c->len ? c->buf + at : NULL;
}

/*
 * Follow a chain of unit-byte sectors through next[] from start, copying want bytes into a
 * new buffer: sector s is at data + (s + skip) * unit (skip 1 in the file, whose first
 * sector is the header; 0 in the mini stream). A sector met twice (a loop), one outside
 * next[] or outside data, or a chain too short fails.
 */
static int follow(const unsigned char *data, size_t len, size_t unit, unsigned skip, const uint32_t *next,
		  size_t n_next, uint32_t start, size_t want, unsigned char **out, th_err *e)
{
	unsigned char *b, *seen;
	size_t got = 0;
	uint32_t s = start;

	*out = NULL;
	if (want > len)
		return damaged(e, "một luồng dữ liệu khai báo dài hơn cả phần chứa nó");
	b = th_xmalloc(want ? want : 1);
	seen = th_xcalloc(n_next / 8 + 1, 1);
	while (got < want) {
		size_t n = want - got < unit ? want - got : unit;

		if (s >= n_next || ((size_t)s + skip) * unit + n > len || (seen[s / 8] & (1u << (s % 8)))) {
			free(b);
			free(seen);
			return damaged(e, "chuỗi sector của một luồng dữ liệu hỏng hoặc lặp vòng");
		}
		seen[s / 8] |= (unsigned char)(1u << (s % 8));
		memcpy(b + got, data + ((size_t)s + skip) * unit, n);
		got += n;
		s = next[s];
	}
	free(seen);
	*out = b;
	return 0;
}

static int read_chain(const struct cfb *c, uint32_t start, size_t want, unsigned char **out, th_err *e)
{
	return follow(c->buf, c->len, c->ssz, 1, c->fat, c->nfat, start, want, out, e);
}

/* The same in the mini stream (64-byte sectors, chained by the mini FAT). */
static int read_mini_chain(const struct cfb *c, uint32_t start, size_t want, unsigned char **out, th_err *e)
{
	return follow(c->ministream, c->ministream_len, 64, 0, c->minifat, c->nminifat, start, want, out, e);
}

/* The number of sectors in the chain from start (-1 when it leaves the file or loops). */
static long chain_len(const struct cfb *c, uint32_t start)
{
	uint32_t s = start;
	long n = 0;

	while (s != ENDOFCHAIN) {
		if (!sector(c, s, c->ssz) || s >= c->nfat || (uint64_t)n >= c->nsec)
			return -1;
		n++;
		s = c->fat[s];
	}
	return n;
}

static void cfb_release(struct cfb *c)
{
	free(c->fat);
	free(c->minifat);
	free(c->ministream);
}

/* Is directory entry de named name (ASCII, any case)? */
static bool de_named(const unsigned char *de, const char *name)
{
	size_t len = strlen(name), nl = u16(de + 64);

	if (nl != 2 * (len + 1))
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned ch = u16(de + 2 * i);
		if (ch > 127 || tolower((int)ch) != tolower((unsigned char)name[i]))
			return false;
	}
	return true;
}

/* The FAT: its sectors (109 in the header, then the DIFAT chain), read into c->fat. */
static int cfb_fat(struct cfb *c, th_err *e)
{
	const unsigned char *buf = c->buf;
	size_t nfatsec = 0, cap = (size_t)c->nsec + 109;
	uint32_t *fatsecs = th_xmalloc(cap * sizeof(*fatsecs));
	uint32_t ds = u32(buf + 68), nd = u32(buf + 72);
	int rc = -1;

	for (size_t i = 0; i < 109; i++) {
		uint32_t s = u32(buf + 76 + 4 * i);
		if (s == FREESECT || s == ENDOFCHAIN)
			break;
		fatsecs[nfatsec++] = s;
	}
	for (uint32_t k = 0; k < nd && ds != ENDOFCHAIN && ds != FREESECT; k++) {
		const unsigned char *p = sector(c, ds, c->ssz);
		if (!p || k > c->nsec) {
			damaged(e, "bảng DIFAT hỏng");
			goto out;
		}
		for (size_t i = 0; i + 1 < c->ssz / 4; i++) {
			uint32_t s = u32(p + 4 * i);
			if (s == FREESECT || s == ENDOFCHAIN)
				continue;
			if (nfatsec >= cap) {
				damaged(e, "bảng DIFAT dài hơn cả tệp");
				goto out;
			}
			fatsecs[nfatsec++] = s;
		}
		ds = u32(p + c->ssz - 4);
	}
	if (!nfatsec) {
		damaged(e, "không có bảng FAT");
		goto out;
	}
	c->nfat = nfatsec * (c->ssz / 4);
	c->fat = th_xmalloc(c->nfat * sizeof(*c->fat));
	for (size_t i = 0; i < nfatsec; i++) {
		const unsigned char *p = sector(c, fatsecs[i], c->ssz);
		if (!p) {
			damaged(e, "một sector của bảng FAT nằm ngoài tệp");
			goto out;
		}
		for (size_t k = 0; k < c->ssz / 4; k++)
			c->fat[i * (c->ssz / 4) + k] = u32(p + 4 * k);
	}
	rc = 0;
out:
	free(fatsecs);
	return rc;
}

/* The directory (*dir, *ndir bytes; its chain has no declared length: followed to its end),
 * and in it the Workbook (or Book) stream's entry and the root entry. An encrypted package
 * or an OLE2 file with no workbook fails. */
static int cfb_entries(const struct cfb *c, unsigned char **dir, size_t *ndir, const unsigned char **wb,
		       const unsigned char **root, th_err *e)
{
	long n = chain_len(c, u32(c->buf + 48));

	*wb = *root = NULL;
	if (n < 0)
		return damaged(e, "chuỗi sector của thư mục hỏng");
	*ndir = (size_t)n * c->ssz;
	if (read_chain(c, u32(c->buf + 48), *ndir, dir, e))
		return -1;
	for (size_t off = 0; off + 128 <= *ndir; off += 128) {
		const unsigned char *de = *dir + off;
		unsigned type = de[66];

		if (type == 5 && !*root)
			*root = de;
		if (type != 2)
			continue;
		if (de_named(de, "EncryptionInfo") || de_named(de, "EncryptedPackage"))
			return th_fail_encrypted(e);
		if (de_named(de, "Workbook") || (!*wb && de_named(de, "Book")))
			*wb = de;
	}
	if (!*wb)
		return th_fail(e, TH_E_FORMAT_OTHER,
			       "đây là tệp Office dạng cũ (OLE2) nhưng không chứa bảng tính Excel (có thể là "
			       "tệp .doc hay .ppt được đặt đuôi bảng tính)");
	return 0;
}

/* A stream under the cutoff lives in the mini stream (the root entry's chain), chained by
 * the mini FAT: read them into c, then the stream from start into *stream. */
static int cfb_mini_stream(struct cfb *c, const unsigned char *root, uint32_t start, uint64_t size,
			   unsigned char **stream, th_err *e)
{
	/* the mini FAT: its chain, whatever the header counts (seen wrong in real files) */
	uint32_t mf = u32(c->buf + 60);
	long nmf = chain_len(c, mf);
	unsigned char *mfb = NULL;
	uint64_t rsize;

	if (!root)
		return damaged(e, "thiếu mục gốc của thư mục");
	rsize = c->v3 ? u32(root + 120) : (uint64_t)u32(root + 120) | (uint64_t)u32(root + 124) << 32;
	if (rsize > c->len || nmf < 0)
		return damaged(e, "luồng nhỏ hoặc bảng mini FAT hỏng");
	if (read_chain(c, u32(root + 116), (size_t)rsize, &c->ministream, e) ||
	    read_chain(c, mf, (size_t)nmf * c->ssz, &mfb, e))
		return -1;
	c->ministream_len = (size_t)rsize;
	c->nminifat = (size_t)nmf * c->ssz / 4;
	c->minifat = th_xmalloc((c->nminifat ? c->nminifat : 1) * sizeof(*c->minifat));
	for (size_t k = 0; k < c->nminifat; k++)
		c->minifat[k] = u32(mfb + 4 * k);
	free(mfb);
	return read_mini_chain(c, start, (size_t)size, stream, e);
}

/* Open the compound file and read its Workbook (or Book) stream into *stream. */
static int cfb_workbook(const unsigned char *buf, size_t len, unsigned char **stream, size_t *slen, th_err *e)
{
	struct cfb c = { .buf = buf, .len = len };
	unsigned char *dir = NULL;
	size_t ndir_bytes;
	const unsigned char *wb = NULL, *root = NULL;
	int rc = -1;

	*stream = NULL;
	if (len < 512)
		return damaged(e, "tệp ngắn hơn phần đầu của tệp OLE2");
	if (u16(buf + 28) != 0xFFFE)
		return damaged(e, "phần đầu của tệp OLE2 sai thứ tự byte");
	c.v3 = u16(buf + 26) != 4;
	c.ssz = u16(buf + 30) == 12 ? 4096 : 512;
	if (u16(buf + 30) != 9 && u16(buf + 30) != 12)
		return damaged(e, "kích thước sector không hợp lệ");
	/* the header takes the first sector; a last one cut short counts (reads are checked) */
	c.nsec = (uint32_t)((len + c.ssz - 1) / c.ssz - 1);
	c.cutoff = u32(buf + 56);
	if (cfb_fat(&c, e) || cfb_entries(&c, &dir, &ndir_bytes, &wb, &root, e))
		goto out;
	{
		uint64_t size = c.v3 ? u32(wb + 120) : (uint64_t)u32(wb + 120) | (uint64_t)u32(wb + 124) << 32;
		uint32_t start = u32(wb + 116);

		if (size > len) {
			damaged(e, "luồng Workbook khai báo dài hơn cả tệp");
			goto out;
		}
		if (size < c.cutoff ? cfb_mini_stream(&c, root, start, size, stream, e) :
				      read_chain(&c, start, (size_t)size, stream, e))
			goto out;
		*slen = (size_t)size;
	}
	rc = 0;
out:
	free(dir);
	cfb_release(&c);
	return rc;
}

/* ---- BIFF records ---- */

enum {
	R_FORMULA = 0x0006, R_EOF = 0x000A, R_DATEMODE = 0x0022, R_FILEPASS = 0x002F,
	R_FONT = 0x0031, R_CONTINUE = 0x003C, R_CODEPAGE = 0x0042, R_BOUNDSHEET = 0x0085,
	R_MULRK = 0x00BD, R_RSTRING = 0x00D6, R_XF = 0x00E0, R_MERGEDCELLS = 0x00E5,
	R_SST = 0x00FC, R_LABELSST = 0x00FD, R_NUMBER = 0x0203, R_LABEL = 0x0204,
	R_BOOLERR = 0x0205, R_STRING = 0x0207, R_RK = 0x027E, R_FORMAT = 0x041E,
	R_BOF = 0x0809, R_SHRFMLA = 0x04BC, R_ARRAY = 0x0221, R_TABLEOP = 0x0236,
	R_ROW = 0x0208, R_COLINFO = 0x007D,
};

struct xls {
	unsigned char *file;   /* the whole file (owned) */
	unsigned char *stream; /* the Workbook stream (owned; may be file for a bare BIFF stream) */
	size_t slen;
	int biff;              /* 8 or 5 */
	unsigned codepage;     /* BIFF5 strings */
	iconv_t cd;            /* codepage -> UTF-8, (iconv_t)-1 until needed */
	th_xlsx_limits lim;
	/* shared strings, each NUL-terminated in one buffer */
	th_sbuf sst;
	size_t *sst_off;
	uint32_t *sst_len;
	size_t n_sst, cap_sst;
};

/* A record: its type and data, in the stream. */
struct rec {
	uint16_t type;
	const unsigned char *p;
	size_t n;
	size_t next; /* offset of the record after it */
};

static bool rec_at(const struct xls *x, size_t off, struct rec *r)
{
	if (off + 4 > x->slen)
		return false;
	r->type = u16(x->stream + off);
	r->n = u16(x->stream + off + 2);
	if (off + 4 + r->n > x->slen)
		return false;
	r->p = x->stream + off + 4;
	r->next = off + 4 + r->n;
	return true;
}

/*
 * A reader over one record and the CONTINUE records after it, for strings that go on in
 * them: at a record boundary inside a string's characters, the next record starts with a
 * byte saying whether the rest is compressed (1 byte a character) or UTF-16.
 */
struct cur {
	const struct xls *x;
	struct rec r;   /* the current part */
	size_t pos;     /* in r */
	bool bad;
};

static bool cur_next_part(struct cur *c)
{
	struct rec n;

	if (!rec_at(c->x, c->r.next, &n) || n.type != R_CONTINUE)
		return false;
	c->r = n;
	c->pos = 0;
	return true;
}

static bool cur_bytes(struct cur *c, unsigned char *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		while (c->pos >= c->r.n)
			if (!cur_next_part(c)) {
				c->bad = true;
				return false;
			}
		out[i] = c->r.p[c->pos++];
	}
	return true;
}

static void cur_skip(struct cur *c, uint64_t n)
{
	while (n && !c->bad) {
		size_t here = c->r.n - c->pos;
		if (!here) {
			if (!cur_next_part(c))
				c->bad = true;
			continue;
		}
		if (here > n)
			here = (size_t)n;
		c->pos += here;
		n -= here;
	}
}

static void put_utf8(th_sbuf *sb, uint32_t cp)
{
	char b[4];
	size_t n;

	if (cp < 0x80) {
		b[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		b[0] = (char)(0xC0 | cp >> 6);
		b[1] = (char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		b[0] = (char)(0xE0 | cp >> 12);
		b[1] = (char)(0x80 | (cp >> 6 & 0x3F));
		b[2] = (char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		b[0] = (char)(0xF0 | cp >> 18);
		b[1] = (char)(0x80 | (cp >> 12 & 0x3F));
		b[2] = (char)(0x80 | (cp >> 6 & 0x3F));
		b[3] = (char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	th_sbuf_add(sb, b, n);
}

/*
 * A BIFF8 Unicode string of cch characters whose option byte comes next (XLUnicodeString
 * after its count), appended to sb as UTF-8. Rich-text runs and phonetic data are skipped.
 */
static void cur_ustring(struct cur *c, uint32_t cch, th_sbuf *sb)
{
	unsigned char fl, b[4];
	uint32_t runs = 0, ext = 0, hi_sur = 0;
	bool high;

	if (!cur_bytes(c, &fl, 1))
		return;
	high = fl & 1;
	if (fl & 8) {
		if (!cur_bytes(c, b, 2))
			return;
		runs = u16(b);
	}
	if (fl & 4) {
		if (!cur_bytes(c, b, 4))
			return;
		ext = u32(b);
	}
	for (uint32_t i = 0; i < cch && !c->bad && !th_sbuf_err(sb); i++) {
		uint32_t ch;

		while (c->pos >= c->r.n) {
			/* the characters go on in a CONTINUE, which restates the option byte (a
			 * CONTINUE may hold only that byte: then the next one goes on) */
			if (!cur_next_part(c)) {
				c->bad = true;
				return;
			}
			if (c->r.n)
				high = c->r.p[c->pos++] & 1;
		}
		if (high) {
			if (!cur_bytes(c, b, 2))
				return;
			ch = u16(b);
		} else {
			ch = c->r.p[c->pos++];
		}
		if (ch >= 0xD800 && ch <= 0xDBFF) {
			if (hi_sur)
				put_utf8(sb, 0xFFFD);
			hi_sur = ch;
			continue;
		}
		if (ch >= 0xDC00 && ch <= 0xDFFF) {
			ch = hi_sur ? 0x10000 + ((hi_sur - 0xD800) << 10) + (ch - 0xDC00) : 0xFFFD;
			hi_sur = 0;
		} else if (hi_sur) {
			put_utf8(sb, 0xFFFD);
			hi_sur = 0;
		}
		put_utf8(sb, ch);
	}
	if (hi_sur)
		put_utf8(sb, 0xFFFD);
	cur_skip(c, (uint64_t)runs * 4 + ext);
}

/* n bytes of BIFF5 codepage text, as UTF-8. */
static void codepage_text(struct xls *x, const unsigned char *p, size_t n, th_sbuf *sb)
{
	if (x->cd == (iconv_t)-1) {
		char name[32];
		unsigned cp = x->codepage;

		if (cp == 0 || cp == 1200 || cp == 32769)
			cp = 1252;
		if (cp == 367)
			snprintf(name, sizeof(name), "ASCII");
		else if (cp == 10000 || cp == 32768)
			snprintf(name, sizeof(name), "MACINTOSH");
		else
			snprintf(name, sizeof(name), "CP%u", cp);
		x->cd = iconv_open("UTF-8", name);
		if (x->cd == (iconv_t)-1)
			x->cd = iconv_open("UTF-8", "CP1252");
	}
	{
		char out[256], *ip = (char *)(uintptr_t)p, *op;
		size_t il = n, ol;

		if (x->cd == (iconv_t)-1) { /* no converter at all: Latin-1 */
			for (size_t i = 0; i < n; i++)
				put_utf8(sb, p[i]);
			return;
		}
		while (il > 0 && !th_sbuf_err(sb)) {
			size_t r;
			op = out;
			ol = sizeof(out);
			r = iconv(x->cd, &ip, &il, &op, &ol);
			th_sbuf_add(sb, out, (size_t)(op - out));
			if (r == (size_t)-1 && errno != E2BIG) {
				put_utf8(sb, 0xFFFD); /* a byte the code page does not have */
				ip++;
				il--;
			}
		}
		/* CP1258 holds a letter back, waiting for a combining tone mark: flush it */
		op = out;
		ol = sizeof(out);
		iconv(x->cd, NULL, NULL, &op, &ol);
		th_sbuf_add(sb, out, (size_t)(op - out));
	}
}

/*
 * The string at the cursor: BIFF8 count (16 or 8 bits, per wide) then XLUnicodeString;
 * BIFF5 count then code-page bytes. Into sb (reset first). Returns false when cut short.
 */
static bool cur_string(struct xls *x, struct cur *c, bool wide, th_sbuf *sb)
{
	unsigned char b[2];
	uint32_t cch;

	th_sbuf_reset(sb);
	if (!cur_bytes(c, b, wide ? 2 : 1))
		return false;
	cch = wide ? u16(b) : b[0];
	if (cch == 0) {
		/* an empty string: some writers leave out its option byte */
		if (x->biff == 8 && c->pos < c->r.n)
			c->pos++;
		return true;
	}
	if (x->biff == 8) {
		cur_ustring(c, cch, sb);
	} else {
		if (c->pos + cch > c->r.n) {
			c->bad = true;
			return false;
		}
		codepage_text(x, c->r.p + c->pos, cch, sb);
		c->pos += cch;
	}
	return !c->bad;
}

/* ---- the workbook globals ---- */

struct xfrec {
	uint16_t font, fmt;
};

struct fmtrec {
	uint16_t id;
	char *code;
};

struct globals {
	struct xfrec *xfs;
	size_t n_xfs, cap_xfs;
	char **fonts;
	size_t n_fonts, cap_fonts;
	struct fmtrec *fmts;
	size_t n_fmts, cap_fmts;
};

static const char *fmt_code(const struct globals *g, uint16_t id)
{
	for (size_t i = g->n_fmts; i-- > 0;)
		if (g->fmts[i].id == id)
			return g->fmts[i].code;
	return NULL;
}

static void globals_release(struct globals *g)
{
	for (size_t i = 0; i < g->n_fonts; i++)
		free(g->fonts[i]);
	free(g->fonts);
	for (size_t i = 0; i < g->n_fmts; i++)
		free(g->fmts[i].code);
	free(g->fmts);
	free(g->xfs);
}

static int read_sst(struct xls *x, const struct rec *r, th_err *e)
{
	struct cur c = { .x = x, .r = *r, .pos = 8 };
	th_sbuf s = TH_SBUF_INIT;
	uint32_t unique;

	if (r->n < 8)
		return damaged(e, "bảng chuỗi dùng chung quá ngắn");
	unique = u32(r->p + 4);
	th_sbuf_init(&s, x->lim.max_text);
	/* the declared count only bounds the loop; memory grows with what is really there */
	for (uint32_t i = 0; i < unique; i++) {
		if (c.pos >= c.r.n && !cur_next_part(&c))
			break; /* fewer strings than declared (seen in real files): the rest are missing */
		if (!cur_string(x, &c, true, &s))
			break;
		if (th_sbuf_err(&s)) {
			th_sbuf_release(&s);
			return th_fail(e, TH_E_CELL_TOO_BIG, "một chuỗi dùng chung dài quá %u byte", x->lim.max_text);
		}
		th_grow((void **)&x->sst_off, &x->cap_sst, x->n_sst + 1, sizeof(*x->sst_off));
		x->sst_len = th_xrealloc(x->sst_len, x->cap_sst * sizeof(*x->sst_len));
		x->sst_off[x->n_sst] = x->sst.len;
		x->sst_len[x->n_sst] = (uint32_t)s.len;
		x->n_sst++;
		th_sbuf_add(&x->sst, s.buf, s.len);
		th_sbuf_addc(&x->sst, '\0');
	}
	th_sbuf_release(&s);
	return 0;
}

/* The globals' first record: a BOF naming BIFF8 or BIFF5/7 (sets x->biff). */
static int globals_bof(struct xls *x, const struct rec *r, th_err *e)
{
	uint16_t vers = r->n >= 2 ? u16(r->p) : 0;

	if (r->type != R_BOF) {
		if ((r->type & 0xFF) == 0x09)
			return th_fail(e, TH_E_FORMAT_XLS,
				       "đây là tệp Excel 2.x-4.0 (.xls rất cũ), tonghop không đọc dạng "
				       "này: hãy mở bằng Excel và lưu lại dưới dạng .xlsx");
		return damaged(e, "luồng Workbook không bắt đầu bằng bản ghi BOF");
	}
	if (vers == 0x0600)
		x->biff = 8;
	else if (vers == 0x0500)
		x->biff = 5;
	else
		return damaged(e, "phiên bản BIFF không rõ");
	return 0;
}

/* A FONT record: its name (font index 4 does not exist: the fifth FONT record is font 5). */
static void globals_font(struct xls *x, struct globals *g, struct cur *c, th_sbuf *s)
{
	char *name;

	th_sbuf_reset(s);
	c->pos = 14;
	if (c->r.n < 15 || !cur_string(x, c, false, s))
		th_sbuf_reset(s);
	name = th_xstrdup(s->buf);
	if (g->n_fonts == 4) {
		th_grow((void **)&g->fonts, &g->cap_fonts, g->n_fonts + 1, sizeof(*g->fonts));
		g->fonts[g->n_fonts++] = th_xstrdup("");
	}
	th_grow((void **)&g->fonts, &g->cap_fonts, g->n_fonts + 1, sizeof(*g->fonts));
	g->fonts[g->n_fonts++] = name;
}

/* One record of the globals after the BOF; *eof set at their end. Returns 0 or -1. */
static int globals_record(struct xls *x, th_book *b, struct globals *g, const struct rec *r, th_sbuf *s,
			  bool *eof, th_err *e)
{
	struct cur c = { .x = x, .r = *r };

	switch (r->type) {
	case R_EOF:
		*eof = true;
		break;
	case R_FILEPASS:
		return th_fail_encrypted(e);
	case R_CODEPAGE:
		if (r->n >= 2)
			x->codepage = u16(r->p);
		break;
	case R_DATEMODE:
		if (r->n >= 2)
			b->date1904 = u16(r->p) == 1;
		break;
	case R_FONT:
		globals_font(x, g, &c, s);
		break;
	case R_FORMAT: {
		struct fmtrec *f;
		if (r->n < 3)
			break;
		c.pos = 2;
		if (!cur_string(x, &c, x->biff == 8, s))
			break;
		th_grow((void **)&g->fmts, &g->cap_fmts, g->n_fmts + 1, sizeof(*g->fmts));
		f = &g->fmts[g->n_fmts++];
		f->id = u16(r->p);
		f->code = th_xstrdup(s->buf);
		break;
	}
	case R_XF:
		if (r->n >= 4) {
			th_grow((void **)&g->xfs, &g->cap_xfs, g->n_xfs + 1, sizeof(*g->xfs));
			g->xfs[g->n_xfs].font = u16(r->p);
			g->xfs[g->n_xfs].fmt = u16(r->p + 2);
			g->n_xfs++;
		}
		break;
	case R_BOUNDSHEET:
		if (r->n < 7)
			break;
		c.pos = 6;
		if (!cur_string(x, &c, false, s))
			break;
		if (r->p[5] != 0)
			break; /* a chart, macro sheet or VB module: not a worksheet */
		if (b->n_sheets >= x->lim.max_sheets)
			return th_fail(e, TH_E_TOO_BIG, "bảng tính có hơn %u trang tính", x->lim.max_sheets);
		th_book_add_sheet(b, s->buf, (r->p[4] & 3) == 1 ? TH_SHEET_HIDDEN :
				  (r->p[4] & 3) == 2 ? TH_SHEET_VERYHIDDEN : TH_SHEET_VISIBLE, u32(r->p));
		break;
	case R_SST:
		return read_sst(x, r, e);
	default:
		break;
	}
	return 0;
}

/* The styles: one per XF, in order, so that a cell's XF index is its style. */
static void globals_styles(const struct globals *g, th_book *b)
{
	for (size_t i = 0; i < g->n_xfs; i++) {
		const struct xfrec *xf = &g->xfs[i];
		const char *code = fmt_code(g, xf->fmt);
		th_numkind kind = th_numfmt_kind(xf->fmt, code);
		const char *shown = code ? code : th_numfmt_builtin(xf->fmt);

		/* no sharing (th_book_add_style): style i must be XF i */
		th_grow((void **)&b->styles, &b->cap_styles, i + 1, sizeof(*b->styles));
		b->styles[i].kind = kind;
		b->styles[i].format = th_xstrdup(shown ? shown : "General");
		b->styles[i].font = th_xstrdup(xf->font < g->n_fonts ? g->fonts[xf->font] : "");
		b->n_styles = i + 1;
	}
}

/* Read the globals substream at the start of the stream: fonts, formats, XFs, sheets, SST. */
static int read_globals(struct xls *x, th_book *b, th_err *e)
{
	struct globals g = { 0 };
	struct rec r;
	th_sbuf s = TH_SBUF_INIT;
	size_t off = 0;
	int rc = -1;
	bool first = true, eof = false;

	th_sbuf_init(&s, x->lim.max_text);
	while (!eof && rec_at(x, off, &r)) {
		off = r.next;
		if (first) {
			first = false;
			if (globals_bof(x, &r, e))
				goto out;
			continue;
		}
		if (globals_record(x, b, &g, &r, &s, &eof, e))
			goto out;
		if (th_sbuf_err(&s)) {
			th_fail(e, TH_E_CELL_TOO_BIG, "một tên hoặc định dạng dài quá %u byte", x->lim.max_text);
			goto out;
		}
	}
	if (first) {
		damaged(e, "luồng Workbook rỗng");
		goto out;
	}
	globals_styles(&g, b);
	rc = 0;
out:
	th_sbuf_release(&s);
	globals_release(&g);
	return rc;
}

/* ---- a worksheet substream ---- */

static double rk_value(uint32_t rk)
{
	double d;

	if (rk & 2) {
		d = (double)((int32_t)rk >> 2);
	} else {
		uint64_t v = (uint64_t)(rk & 0xFFFFFFFCu) << 32;
		memcpy(&d, &v, sizeof(d));
	}
	return rk & 1 ? d / 100 : d;
}

static const char *error_text(unsigned code)
{
	switch (code) {
	case 0x00: return "#NULL!";
	case 0x07: return "#DIV/0!";
	case 0x0F: return "#VALUE!";
	case 0x17: return "#REF!";
	case 0x1D: return "#NAME?";
	case 0x24: return "#NUM!";
	case 0x2A: return "#N/A";
	case 0x2B: return "#GETTING_DATA";
	default: return NULL;
	}
}

struct sheet_rd {
	struct xls *x;
	th_book *b;
	const char *name;
	th_cell_fn fn;
	void *ud;
	th_err *e;
	int stop;
	th_sbuf text;
	char errbuf[16];
	/* a FORMULA whose string result is in the STRING record that follows */
	bool pending;
	th_cell pend;
};

static int emit(struct sheet_rd *s, th_cell *c)
{
	int rv;

	if (c->col >= TH_MAX_COLS || c->row >= TH_MAX_ROWS)
		return 0; /* cannot be: BIFF rows and columns are 16 bits, columns checked below */
	if (!c->formula)
		c->formula = "";
	if (!c->text)
		c->text = "";
	rv = s->fn(s->ud, c);
	if (rv)
		s->stop = rv > 0 ? rv : 1;
	return rv;
}

static int flush_pending(struct sheet_rd *s)
{
	if (!s->pending)
		return 0;
	s->pending = false;
	return emit(s, &s->pend); /* a string result whose STRING record never came: no value */
}

static int col_fail(struct sheet_rd *s, unsigned col)
{
	return th_fail(s->e, TH_E_CELL_REF,
		       "trang '%s': một ô ở cột thứ %u, vượt quá XFD1048576 (tệp hỏng)", s->name, col + 1);
}

/* An error literal's text ("#DIV/0!", else "#ERRn" in s->errbuf). */
static const char *error_shown(struct sheet_rd *s, unsigned code)
{
	const char *t = error_text(code);

	if (!t) {
		snprintf(s->errbuf, sizeof(s->errbuf), "#ERR%u", code);
		t = s->errbuf;
	}
	return t;
}

/* A FORMULA record's cached result: a number, a boolean, an error, an empty string, or a
 * string that the STRING record after it holds (kept pending until then). */
static void formula_cell(struct sheet_rd *s, const struct rec *r, th_cell *c)
{
	const char *t;

	c->has_formula = true;
	if (u16(r->p + 12) != 0xFFFF) {
		c->type = TH_CELL_NUMBER;
		c->num = f64(r->p + 6);
		if (!isfinite(c->num))
			c->type = TH_CELL_EMPTY;
		emit(s, c);
		return;
	}
	switch (r->p[6]) {
	case 0: /* a string: in the STRING record that follows */
		c->type = TH_CELL_EMPTY;
		s->pend = *c;
		s->pending = true;
		return;
	case 1:
		c->type = TH_CELL_BOOL;
		c->num = r->p[8] != 0;
		break;
	case 2:
		t = error_shown(s, r->p[8]);
		c->type = TH_CELL_ERROR;
		c->text = t;
		c->len = strlen(t);
		break;
	case 3: /* an empty string */
		c->type = TH_CELL_STRING;
		break;
	default:
		break;
	}
	emit(s, c);
}

/* A MULRK record: numbers in a run of columns. -1 when a column is past XFD. */
static int mulrk_cells(struct sheet_rd *s, const struct rec *r, th_cell *c)
{
	c->type = TH_CELL_NUMBER;
	for (size_t k = 4; k + 6 <= r->n - 2 && !s->stop; k += 6) {
		unsigned col = u16(r->p + 2) + (unsigned)((k - 4) / 6);
		if (col >= TH_MAX_COLS)
			return col_fail(s, col);
		c->col = (uint16_t)col;
		c->style = u16(r->p + k);
		c->num = rk_value(u32(r->p + k + 2));
		if (isfinite(c->num))
			emit(s, c);
	}
	return 0;
}

static void merged_cells(struct sheet_rd *s, const struct rec *r)
{
	for (size_t k = 0; k < u16(r->p) && 2 + 8 * k + 8 <= r->n; k++) {
		const unsigned char *q = r->p + 2 + 8 * k;
		unsigned c1 = u16(q + 4), c2 = u16(q + 6);
		if (c1 >= TH_MAX_COLS || c2 >= TH_MAX_COLS)
			continue;
		th_book_add_merge(s->b, u16(q), (uint16_t)c1, u16(q + 2), (uint16_t)c2);
	}
}

/* A LABEL, RSTRING or STRING record's text into s->text: 0, -1 (damaged) or 1 (too long). */
static int record_text(struct sheet_rd *s, const struct rec *r, size_t pos, const char *damage)
{
	struct cur cu = { .x = s->x, .r = *r, .pos = pos };

	if (!cur_string(s->x, &cu, true, &s->text))
		return damaged(s->e, damage);
	return th_sbuf_err(&s->text) ? 1 : 0;
}

/* One record of a sheet's substream, its cell (row, column, style) read into c. Returns 0,
 * -1 with s->e set, or 1 for a text over the limit. */
static int sheet_record(struct sheet_rd *s, const struct rec *r, th_cell *c)
{
	int rc;

	switch (r->type) {
	case R_NUMBER:
		if (r->n < 14)
			break;
		c->type = TH_CELL_NUMBER;
		c->num = f64(r->p + 6);
		if (isfinite(c->num))
			emit(s, c);
		break;
	case R_RK:
		if (r->n < 10)
			break;
		c->type = TH_CELL_NUMBER;
		c->num = rk_value(u32(r->p + 6));
		if (isfinite(c->num)) /* the top 30 bits of a double can make an infinity */
			emit(s, c);
		break;
	case R_MULRK:
		if (r->n >= 6)
			return mulrk_cells(s, r, c);
		break;
	case R_LABELSST: {
		uint32_t k;
		char ref[TH_CELLREF_MAX];
		if (r->n < 10)
			break;
		k = u32(r->p + 6);
		if (k >= s->x->n_sst)
			return th_fail(s->e, TH_E_SST_INDEX,
				       "trang '%s' ô %s: trỏ tới chuỗi dùng chung số %u nhưng tệp chỉ có %zu "
				       "chuỗi (tệp bị hỏng)", s->name, th_cellref(c->row, c->col, ref), k, s->x->n_sst);
		c->type = TH_CELL_STRING;
		c->text = s->x->sst.buf + s->x->sst_off[k];
		c->len = s->x->sst_len[k];
		emit(s, c);
		break;
	}
	case R_LABEL:
	case R_RSTRING:
		if (r->n < 8)
			break;
		if ((rc = record_text(s, r, 6, "một ô chữ bị cắt cụt")))
			return rc;
		c->type = TH_CELL_STRING;
		c->text = s->text.buf;
		c->len = s->text.len;
		emit(s, c);
		break;
	case R_BOOLERR:
		if (r->n < 8)
			break;
		if (r->p[7]) {
			const char *t = error_shown(s, r->p[6]);
			c->type = TH_CELL_ERROR;
			c->text = t;
			c->len = strlen(t);
		} else {
			c->type = TH_CELL_BOOL;
			c->num = r->p[6] != 0;
		}
		emit(s, c);
		break;
	case R_FORMULA:
		if (r->n >= 14)
			formula_cell(s, r, c);
		break;
	case R_STRING:
		if (!s->pending)
			break;
		if ((rc = record_text(s, r, 0, "kết quả chữ của một công thức bị cắt cụt")))
			return rc;
		s->pending = false;
		s->pend.type = TH_CELL_STRING;
		s->pend.text = s->text.buf;
		s->pend.len = s->text.len;
		emit(s, &s->pend);
		break;
	case R_MERGEDCELLS:
		if (r->n >= 2)
			merged_cells(s, r);
		break;
	case R_ROW: /* rw, colMic, colMac, miyRw, 4 reserved bytes, grbit: fDyZero (0x20) hides it */
		if (r->n >= 14 && (u16(r->p + 12) & 0x20))
			th_hidden_add(&s->b->hidden, false, u16(r->p), u16(r->p));
		break;
	case R_COLINFO: /* colFirst, colLast, coldx, ixfe, grbit: fHidden (0x01) */
		if (r->n >= 10 && (u16(r->p + 8) & 0x01) && u16(r->p) < TH_MAX_COLS)
			th_hidden_add(&s->b->hidden, true, u16(r->p),
				      u16(r->p + 2) < TH_MAX_COLS ? u16(r->p + 2) : TH_MAX_COLS - 1);
		break;
	default:
		break;
	}
	return 0;
}

static int xls_read_sheet(th_book *b, size_t i, th_cell_fn fn, void *ud, th_err *e)
{
	struct xls *x = b->impl;
	struct sheet_rd s = { .x = x, .b = b, .name = b->sheets[i].name, .fn = fn, .ud = ud, .e = e };
	size_t off = (size_t)b->sheets[i].pos;
	struct rec r;
	int depth = 0, rc = -1, rr;

	th_sbuf_init(&s.text, x->lim.max_text);
	if (b->sheets[i].pos >= x->slen || !rec_at(x, off, &r) || r.type != R_BOF) {
		damaged(e, "vị trí của một trang tính không trỏ tới bản ghi BOF");
		goto out;
	}
	while (rec_at(x, off, &r)) {
		th_cell c = { 0 };

		off = r.next;
		if (r.type == R_BOF) {
			depth++; /* an embedded chart's substream nests inside a sheet: skip it */
			continue;
		}
		if (r.type == R_EOF) {
			if (--depth == 0)
				break;
			continue;
		}
		if (depth > 1)
			continue;
		if (s.pending && r.type != R_STRING && r.type != R_SHRFMLA && r.type != R_ARRAY &&
		    r.type != R_TABLEOP && r.type != R_CONTINUE && flush_pending(&s))
			break;
		if ((r.type == R_NUMBER || r.type == R_RK || r.type == R_LABELSST || r.type == R_LABEL ||
		     r.type == R_RSTRING || r.type == R_BOOLERR || r.type == R_FORMULA || r.type == R_MULRK) &&
		    r.n >= 6) {
			c.row = u16(r.p);
			c.col = (uint16_t)(u16(r.p + 2) < TH_MAX_COLS ? u16(r.p + 2) : 0);
			if (u16(r.p + 2) >= TH_MAX_COLS) {
				col_fail(&s, u16(r.p + 2));
				goto out;
			}
			c.style = u16(r.p + 4);
			c.frow = c.row;
			c.fcol = c.col;
		}
		rr = sheet_record(&s, &r, &c);
		if (rr < 0)
			goto out;
		if (rr > 0) {
			th_fail(e, TH_E_CELL_TOO_BIG, "trang '%s': một ô có nội dung văn bản dài quá %u byte", s.name,
				x->lim.max_text);
			goto out;
		}
		if (s.stop)
			break;
	}
	if (!s.stop)
		flush_pending(&s);
	rc = s.stop;
out:
	th_sbuf_release(&s.text);
	return rc;
}

/* ---- opening ---- */

static void xls_release(th_book *b)
{
	struct xls *x = b->impl;

	if (!x)
		return;
	if (x->stream != x->file)
		free(x->stream);
	free(x->file);
	if (x->cd != (iconv_t)-1)
		iconv_close(x->cd);
	th_sbuf_release(&x->sst);
	free(x->sst_off);
	free(x->sst_len);
	free(x);
}

int th_xls_open(th_book **out, unsigned char *buf, size_t len, const th_xlsx_limits *lim, th_err *e)
{
	th_book *b = th_book_new("Workbook");
	struct xls *x = th_xcalloc(1, sizeof(*x));

	*out = NULL;
	x->file = buf;
	x->cd = (iconv_t)-1;
	x->lim = *lim;
	th_sbuf_init(&x->sst, 0);
	b->impl = x;
	b->release = xls_release;
	b->read_sheet = xls_read_sheet;
	if (len > TH_XLS_MAX_FILE) {
		th_fail(e, TH_E_TOO_BIG, "tệp .xls lớn hơn %u MiB, quá lớn để là một báo cáo",
			(unsigned)(TH_XLS_MAX_FILE >> 20));
		goto fail;
	}
	if (len >= 8 && memcmp(buf, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0) {
		if (cfb_workbook(buf, len, &x->stream, &x->slen, e))
			goto fail;
	} else {
		x->stream = buf; /* a bare BIFF stream, written without a container */
		x->slen = len;
	}
	if (read_globals(x, b, e))
		goto fail;
	*out = b;
	return 0;
fail:
	th_book_free(b);
	return -1;
}
