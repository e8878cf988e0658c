/*
 * What the files of the package patch (xlsx_patch.h) share: the package and its parts, the
 * edits, one expat pass with the byte place of every tag, the relationships, content types,
 * styles and worksheet passes. Private to src/write/xlsx_patch*.c.
 * Ownership: a th_patch owns its parts and everything hung on it; an edits list owns its
 * texts until applied.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_XLSX_PATCH_INT_H
#define TH_XLSX_PATCH_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <expat.h>
#include <zip.h>

#include "base/err.h"
#include "base/sbuf.h"
#include "write/xlsx_patch.h"

#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_STRICT "http://purl.oclc.org/ooxml/spreadsheetml/main"
#define NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG "http://schemas.openxmlformats.org/package/2006/relationships"
#define NS_CT "http://schemas.openxmlformats.org/package/2006/content-types"
#define RT NS_R "/"
#define CT_OOXML "application/vnd.openxmlformats-officedocument."
#define CT_SHEET CT_OOXML "spreadsheetml.worksheet+xml"
#define CT_COMMENTS CT_OOXML "spreadsheetml.comments+xml"
#define CT_STYLES CT_OOXML "spreadsheetml.styles+xml"
#define CT_VML CT_OOXML "vmlDrawing"
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

#define CHUNK (64 * 1024)
/* expat takes an int length: larger parts are fed in pieces */
#define FEED_MAX (1u << 30)
/* Cell text is cut to this many bytes (Excel's limit is 32,767 characters). */
#define TEXT_MAX 32000
/* Excel keeps at most this many hyperlinks on a sheet. */
#define LINKS_MAX 65530
/* The author of the comments this module adds. */
#define AUTHOR "tonghop"

/* Fills: Excel's "Bad" red, amber, and the grey of table headers (ARGB). */
#define RGB_ERR "FFFFC7CE"
#define RGB_WARN "FFFFD966"
#define RGB_HEAD "FFD9D9D9"
#define RGB_LINK "FF0563C1"

struct part {
	char *name;        /* as stored in the zip */
	char *norm;        /* '/' separators, no leading '/', ASCII lower case */
	zip_int64_t index; /* in the zip; -1 for a part this patch adds */
	time_t mtime;
	char *data;        /* the content, once loaded */
	size_t len;
	bool loaded;
	char *out;         /* the new content of a changed or added part */
	size_t out_len;
	bool changed;
};

struct pmark {
	uint32_t row;
	uint16_t col;
	th_mark mark;
	char *comment; /* NULL: none */
};

struct psheet {
	char *name;  /* as in workbook.xml */
	char *nfc;   /* name in NFC, for th_patch_sheet_find */
	int part;    /* index into parts */
	struct pmark *marks;
	size_t n_marks, cap_marks;
};

struct rel {
	char *id, *type, *target; /* target resolved to a part name; NULL when external */
};

struct rels {
	int part;          /* -1: the rels part does not exist yet */
	char *name;        /* its part name */
	char *source;      /* the part they belong to */
	char *pfx;         /* the root's prefix */
	struct rel *v;
	size_t n, cap;
	size_t root_off, root_n, end_off;
	bool root_self;
	th_sbuf add;       /* <Relationship> elements to add */
};

struct ctypes {
	char *pfx;
	char **over;   /* normalised part names with an Override */
	size_t n_over, cap_over;
	char **ext;    /* extensions with a Default, lower case */
	size_t n_ext, cap_ext;
	char *main;    /* the part named by the workbook's main content type, or NULL */
	size_t root_off, root_n, end_off;
	bool root_self;
	th_sbuf add;
};

/* What workbook.xml holds that the patch needs: offsets of the tags it edits. */
struct wbx {
	char *pfx;    /* the prefix of the main namespace's elements ("" or "x:") */
	char *ns;     /* the root's namespace */
	char *r_pfx;  /* a prefix the root binds to the relationships namespace ("r:"), or NULL */
	int parent;   /* the depth-2 element being read: WB_BOOKVIEWS, WB_SHEETS or 0 */
	bool have_bookviews, bookviews_self, have_view, have_sheets, sheets_self;
	size_t bv_off, bv_n, bv_end, view_off, view_n, sheets_off, sheets_n, sheets_end;
	uint32_t max_id; /* the largest sheetId */
	struct wsheet {
		char *name, *rid;
	} *v;
	size_t n, cap;
};

struct th_patch {
	th_xlsx_limits lim;
	uint64_t inflated;
	zip_source_t *src;
	zip_t *za;

	struct part *parts;
	size_t n_parts, cap_parts;

	int ct, wb, styles;  /* parts; -1 when absent (ct and wb never) */
	char *wb_dir;        /* "xl/": the workbook part's folder, with its '/' */
	struct ctypes types;
	struct rels wbr;     /* the workbook's relationships */
	struct wbx wbx;
	char **names;                 /* every <sheet> name of workbook.xml, chart sheets too */
	size_t n_names;
	struct psheet *sheets;        /* the worksheets */
	size_t n_sheets;
	int *charts;                  /* the chart sheets' parts (a selected one is unselected) */
	size_t n_charts;

	/* the sheet to add */
	char *t_name;
	double *t_widths;
	size_t t_cols, t_rows;
	struct tcell {
		char *text;
		th_pstyle style;
		int link_sheet;
		uint32_t link_row;
		uint16_t link_col;
	} *t_cells;
};

struct xp;
typedef void (*xp_start_fn)(struct xp *x, const char *qn, const char **atts, size_t off, size_t n);
typedef void (*xp_end_fn)(struct xp *x, const char *qn, size_t off, size_t n);

struct xp {
	XML_Parser p;
	th_err *e;
	const char *part;
	const char *buf;
	size_t len;
	uint32_t depth, max_depth;
	int failed;
	xp_start_fn start;
	xp_end_fn end;   /* n is 0 at the end of an empty-element tag (<c/>) */
	th_sbuf *text;   /* character data goes here while non-NULL */
	void *ud;
};

struct edit {
	size_t off, len, seq;
	char *text;
	size_t n;
};

struct edits {
	struct edit *v;
	size_t n, cap;
};

struct aset {
	const char *name, *value;
};

#define ASET_MAX 4

/* The children of <styleSheet>, in the order the schema requires them. */
enum {
	S_NUMFMTS, S_FONTS, S_FILLS, S_BORDERS, S_CELLSTYLEXFS, S_CELLXFS, S_CELLSTYLES, S_DXFS,
	S_TABLESTYLES, S_COLORS, S_EXTLST, S_N
};

struct sect {
	bool present, self, has_count;
	size_t off, n, end; /* start tag; offset of the end tag */
	size_t items;       /* its children */
};

struct clone {
	uint32_t xf;
	th_mark mark;
};

struct stx {
	char *pfx;
	bool root_self;
	size_t root_end;
	struct sect s[S_N];
	int cur;              /* the section being read, -1 none */
	struct xfpos {
		size_t off, n, end; /* start tag, its length, end of the element */
	} *xf;              /* the cellXfs' <xf> */
	size_t n_xf, cap_xf;
	char *font_sz, *font_name; /* of font 0 */
	bool in_font0;
	struct clone *cl;     /* clones asked for, in order */
	size_t n_cl, cap_cl;
	uint32_t base;        /* the index the first added format gets */
};

struct colstyle {
	uint32_t min, max, style; /* 1-based columns */
};

struct shx {
	th_patch *p;
	struct stx *st;
	struct edits ed;
	char *pfx;          /* the prefix of the worksheet's elements */
	char *r_pfx;        /* a prefix the root binds to the relationships namespace, or NULL */
	const struct pmark *m; /* the marks, sorted by row and column */
	size_t n, next;     /* next: the first mark not written yet */
	size_t row_end;     /* the current row's marks are [next, row_end) */
	int parent;         /* the depth-2 element being read */
	bool unselect;      /* take tabSelected off the sheet's views */
	uint32_t row, col;  /* the current row and last cell, 1-based; 0: none yet */
	bool row_custom;    /* the row has a format of its own (customFormat) */
	uint32_t row_style;
	bool force_r;       /* the next row (or cell) must say where it is: something was inserted before it */
	struct colstyle *cols;
	size_t n_cols, cap_cols;
	bool has_legacy, insert_found;
	char *legacy_rid;
	size_t insert_at, root_end;
	bool bad;
};

/* ---- xlsx_patch_xml.c ---- */

bool th_px_ends_with(const char *s, const char *suffix);

/* The first occurrence of needle (m bytes) in (s, n), or NULL. */
const char *th_px_find(const char *s, size_t n, const char *needle, size_t m);

const char *th_px_local(const char *qn);

/* The prefix of qualified name qn with its colon ("x:" for "x:row"), "" for none. New string. */
char *th_px_prefix(const char *qn);

const char *th_px_attr(const char **atts, const char *qname);

/* The value of the attribute whose local name is name and which has a prefix (r:id). */
const char *th_px_attr_prefixed(const char **atts, const char *name);

char *th_px_norm(const char *s);

/* A whole decimal number in [0, max], nothing else; -1 when s is none. */
int th_px_num(const char *s, uint64_t max, uint64_t *out);

/* Is this attribute value an XML boolean true? */
bool th_px_true(const char *v);

/*
 * Append s as XML: escaped for an attribute (attr) or for character data; control
 * characters other than tab and line feed become spaces (XML 1.0 cannot hold them), a byte
 * that is not UTF-8 becomes U+FFFD, and for an ST_Xstring (xstr) a literal "_xHHHH_"
 * keeps its meaning ("_x005F_" escapes the underscore), as Excel would read it otherwise.
 */
void th_px_xml(th_sbuf *sb, const char *s, size_t n, bool attr_value, bool xstr);

void th_px_xml_attr(th_sbuf *sb, const char *s);


void th_px_xp_fail(struct xp *x, th_code code, const char *why);

/* Parse loaded part k with x's handlers. Returns 0, or -1 with *e. */
int th_px_xp_run(th_patch *p, int k, struct xp *x, th_err *e);

/* Replace len bytes at off with sb's text (taken; sb is left empty). */
void th_px_edit(struct edits *ed, size_t off, size_t len, th_sbuf *sb);

void th_px_edits_release(struct edits *ed);

/* Apply the edits to part k (when there are any), which then changes. Releases ed. */
int th_px_edits_apply(th_patch *p, int k, struct edits *ed, th_err *e);

void th_px_tag(th_sbuf *sb, const char *tag, size_t n, const struct aset *set, size_t nset, bool open);

bool th_px_empty_tag(const char *tag, size_t n);

/* ---- xlsx_patch_rels.c ---- */

void th_px_rels_release(struct rels *r);

/* Read the relationships of part source; a missing rels part gives none. */
int th_px_rels_read(th_patch *p, const char *source, struct rels *r, th_err *e);

const struct rel *th_px_rel_type(const struct rels *r, const char *suffix);

const struct rel *th_px_rel_id(const struct rels *r, const char *id);

/* Add a relationship to part name (absolute target); writes its new, unused Id to id. */
void th_px_rels_add(struct rels *r, const char *type, const char *part, char id[32]);

/* Write the added relationships: into the rels part, or as a new one. */
int th_px_rels_finish(th_patch *p, struct rels *r, th_err *e);

/* Read [Content_Types].xml, part k. Returns 0, or -1 with *e. */
int th_px_types_read(th_patch *p, int k, struct ctypes *c, th_err *e);
void th_px_types_release(struct ctypes *c);

void th_px_types_override(struct ctypes *c, const char *part, const char *type);

void th_px_types_default(struct ctypes *c, const char *ext, const char *type);

int th_px_types_finish(th_patch *p, struct ctypes *c, th_err *e);

/* ---- xlsx_patch_styles.c ---- */

void th_px_styles_release(struct stx *st);

/* Read the styles part (when there is one) and fix where the added formats start. */
int th_px_styles_read(th_patch *p, struct stx *st, th_err *e);

/* The format for cells of format xf marked with mark: a clone with the mark's fill. */
uint32_t th_px_styles_clone(struct stx *st, uint32_t xf, th_mark mark);

/* The format of the added sheet's cells of style ps. */
uint32_t th_px_styles_table(const struct stx *st, th_pstyle ps);

/* Write the styles: the added fonts, fills and formats into each section, a section created
 * where it is missing, or a whole stylesheet when the workbook has none. */
int th_px_styles_finish(th_patch *p, struct stx *st, th_err *e);

/* ---- xlsx_patch_sheet.c ---- */

void th_px_sheet_release(struct shx *sh);

/* Read worksheet s, marking its cells and taking tabSelected off. Its edits stay in sh. */
int th_px_sheet_read(th_patch *p, struct psheet *s, struct stx *st, struct shx *sh, th_err *e);

/* ---- xlsx_patch_notes.c ---- */

/* The largest shape id of every VML drawing of the package. */
int th_px_shapes_max(th_patch *p, uint32_t *max, th_err *e);

/* "xmlns:r=... r:" or the root's own prefix, for an r:id on an element this module adds. */
void th_px_rid(th_sbuf *sb, const char *r_pfx, const char *id);

/* Comments, and the boxes that show them, for the marks of sheet s that have text. */
int th_px_notes(th_patch *p, struct psheet *s, struct shx *sh, uint32_t *next_shape, th_err *e);

/* ---- xlsx_patch_table.c ---- */

void th_px_table_xml(const th_patch *p, const struct stx *st, th_sbuf *sb);

/* ---- xlsx_patch.c ---- */

int th_px_unsupported(th_err *e, const char *part, const char *why);

int th_px_part_find(const th_patch *p, const char *name);

/* A new part named name (its content set later). Returns its index. */
int th_px_part_new(th_patch *p, const char *name);

/* An unused part name: dir + base + a number from first on + ext ("xl/comments1.xml"); the
 * number 0 is left out ("xl/styles.xml"). New string. */
char *th_px_part_unused(const th_patch *p, const char *dir, const char *base, const char *ext, int first);

/* Set the new content of part k (taking sb's buffer). */
void th_px_part_set(th_patch *p, int k, th_sbuf *sb);

/*
 * Inflate part k into memory under the limits: the declared size, the bytes inflated by
 * the whole patch, and the compression ratio past the floor. A part in UTF-16 (a BOM) is
 * not edited: its byte offsets would not be UTF-8's.
 */
int th_px_part_load(th_patch *p, int k, th_err *e);

#endif
