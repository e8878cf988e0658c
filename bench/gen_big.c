/*
 * Benchmark input generator: writes a minimal but valid .xlsx with one sheet of N rows
 * x 10 columns (numbers, shared strings, dates) using libzip only, streaming the sheet
 * XML through a temporary file so memory stays small. Output is deterministic.
 * SPDX-License-Identifier: MIT
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zip.h>

#define DEFAULT_ROWS 1000000UL
#define MAX_ROWS 1048576UL	/* Excel's sheet limit */
#define NSTRINGS 1000U
#define BUF_SIZE (1U << 20)
#define BUF_SLACK 1024U		/* more than one row of XML */
#ifndef DEFLATE_LEVEL
#define DEFLATE_LEVEL 1	/* fast to generate; readers inflate any level alike */
#endif
#define FIXED_MTIME ((time_t)1704067200)	/* 2024-01-01T00:00:00Z */

#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_REL "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG_REL "http://schemas.openxmlformats.org/package/2006/relationships"
#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

static const char content_types_xml[] =
	XML_DECL
	"<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
	"<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
	"<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
	"<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
	"<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
	"<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
	"<Override PartName=\"/xl/sharedStrings.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml\"/>"
	"</Types>";

static const char root_rels_xml[] =
	XML_DECL
	"<Relationships xmlns=\"" NS_PKG_REL "\">"
	"<Relationship Id=\"rId1\" Type=\"" NS_REL "/officeDocument\" Target=\"xl/workbook.xml\"/>"
	"</Relationships>";

static const char workbook_xml[] =
	XML_DECL
	"<workbook xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\">"
	"<sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets>"
	"</workbook>";

static const char workbook_rels_xml[] =
	XML_DECL
	"<Relationships xmlns=\"" NS_PKG_REL "\">"
	"<Relationship Id=\"rId1\" Type=\"" NS_REL "/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
	"<Relationship Id=\"rId2\" Type=\"" NS_REL "/styles\" Target=\"styles.xml\"/>"
	"<Relationship Id=\"rId3\" Type=\"" NS_REL "/sharedStrings\" Target=\"sharedStrings.xml\"/>"
	"</Relationships>";

/* cellXfs: index 0 General, index 1 numFmtId 14 (built-in short date). */
static const char styles_xml[] =
	XML_DECL
	"<styleSheet xmlns=\"" NS_MAIN "\">"
	"<fonts count=\"1\"><font><sz val=\"11\"/><name val=\"Calibri\"/></font></fonts>"
	"<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill>"
	"<fill><patternFill patternType=\"gray125\"/></fill></fills>"
	"<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
	"<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
	"<cellXfs count=\"2\">"
	"<xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
	"<xf numFmtId=\"14\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
	"</cellXfs>"
	"<cellStyles count=\"1\"><cellStyle name=\"Normal\" xfId=\"0\" builtinId=\"0\"/></cellStyles>"
	"</styleSheet>";

/* 4 x 25 x 10 = NSTRINGS distinct strings such as "Xã Ngô Quyền 7". */
static const char *const str_prefix[] = { "Xã", "Phường", "Thị trấn", "Thôn" };
static const char *const str_name[] = {
	"Ngô Quyền", "Lê Lợi", "Trần Hưng Đạo", "Nguyễn Trãi", "Hai Bà Trưng",
	"Lý Thường Kiệt", "Phan Bội Châu", "Quang Trung", "Điện Biên Phủ", "Hoàng Diệu",
	"Bạch Đằng", "Chu Văn An", "Tô Hiến Thành", "Đinh Tiên Hoàng", "Lê Thánh Tông",
	"Võ Thị Sáu", "Nguyễn Du", "Hàm Nghi", "Trưng Nhị", "Yên Thế",
	"Tân Phú", "Hòa Bình", "Thạnh Mỹ", "Phước Long", "Đông Hưng",
};

/* Output buffer in front of a FILE, flushed when nearly full. */
struct out {
	FILE *fp;
	char *buf;
	size_t len;
	int failed;
};

static uint64_t lcg_state = 0x2545F4914F6CDD1DULL;

/* Fixed-seed 64-bit LCG (Knuth MMIX constants); returns the high 32 bits. */
static uint32_t lcg_next(void)
{
	lcg_state = lcg_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(lcg_state >> 32);
}

static void out_flush(struct out *o)
{
	if (o->len > 0 && !o->failed && fwrite(o->buf, 1, o->len, o->fp) != o->len)
		o->failed = 1;
	o->len = 0;
}

/* Called once per row: guarantees BUF_SLACK bytes of room. */
static void out_reserve(struct out *o)
{
	if (o->len + BUF_SLACK > BUF_SIZE)
		out_flush(o);
}

static void out_str(struct out *o, const char *s)
{
	size_t n = strlen(s);

	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void out_uint(struct out *o, unsigned long v)
{
	char tmp[24];
	size_t n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	while (n > 0)
		o->buf[o->len++] = tmp[--n];
}

/* Writes the fraction digits of hundredths (1..99) without trailing zeros. */
static void out_cents(struct out *o, unsigned cents)
{
	o->buf[o->len++] = '.';
	o->buf[o->len++] = (char)('0' + cents / 10);
	if (cents % 10 != 0)
		o->buf[o->len++] = (char)('0' + cents % 10);
}

/* <c r="X123"[ attrs]><v> */
static void out_cell_open(struct out *o, char col, unsigned long row, const char *attrs)
{
	o->buf[o->len++] = '<';
	o->buf[o->len++] = 'c';
	o->buf[o->len++] = ' ';
	o->buf[o->len++] = 'r';
	o->buf[o->len++] = '=';
	o->buf[o->len++] = '"';
	o->buf[o->len++] = col;
	out_uint(o, row);
	o->buf[o->len++] = '"';
	out_str(o, attrs);
	out_str(o, "><v>");
}

static void out_cell_close(struct out *o)
{
	out_str(o, "</v></c>");
}

/* A mix of integers and decimals such as 1234.5, some negative. */
static void out_number(struct out *o)
{
	uint32_t r = lcg_next();
	unsigned kind = r & 7;
	unsigned long mag = (r >> 8) % 100000;
	unsigned cents = (unsigned)((r >> 3) % 99) + 1;

	if (kind == 7)
		o->buf[o->len++] = '-';
	switch (kind) {
	case 0:
	case 1:
		out_uint(o, mag);
		break;
	case 2:
		out_uint(o, mag % 100);
		break;
	case 3:
		out_uint(o, mag * 100 + cents);
		break;
	default:
		out_uint(o, mag);
		out_cents(o, cents);
		break;
	}
}

static void write_row(struct out *o, unsigned long row)
{
	char col;
	unsigned long date;

	out_reserve(o);
	out_str(o, "<row r=\"");
	out_uint(o, row);
	out_str(o, "\" spans=\"1:10\">");
	for (col = 'A'; col <= 'D'; col++) {
		out_cell_open(o, col, row, "");
		out_number(o);
		out_cell_close(o);
	}
	out_cell_open(o, 'E', row, " t=\"s\"");
	out_uint(o, lcg_next() % NSTRINGS);
	out_cell_close(o);
	out_cell_open(o, 'F', row, " t=\"s\"");
	out_uint(o, lcg_next() % 100);
	out_cell_close(o);
	out_cell_open(o, 'G', row, " t=\"s\"");
	out_uint(o, row % NSTRINGS);
	out_cell_close(o);
	/* 44927 = 2023-01-01; two years of dates, the second up to 60 days later */
	date = 44927 + lcg_next() % 730;
	out_cell_open(o, 'H', row, " s=\"1\"");
	out_uint(o, date);
	out_cell_close(o);
	out_cell_open(o, 'I', row, " s=\"1\"");
	out_uint(o, date + lcg_next() % 61);
	out_cell_close(o);
	out_cell_open(o, 'J', row, "");
	out_uint(o, lcg_next() % 10000000);
	out_cents(o, (unsigned)(lcg_next() % 99) + 1);
	out_cell_close(o);
	out_str(o, "</row>");
}

/* Writes the whole worksheet XML to a new temporary file, returned rewound. */
static FILE *write_sheet(unsigned long rows)
{
	struct out o = { NULL, NULL, 0, 0 };
	unsigned long row;

	o.fp = tmpfile();
	if (o.fp == NULL) {
		fprintf(stderr, "gen_big: tmpfile: %s\n", strerror(errno));
		return NULL;
	}
	o.buf = malloc(BUF_SIZE);
	if (o.buf == NULL) {
		fprintf(stderr, "gen_big: out of memory\n");
		fclose(o.fp);
		return NULL;
	}
	out_str(&o, XML_DECL "<worksheet xmlns=\"" NS_MAIN "\" xmlns:r=\"" NS_REL "\">"
		"<dimension ref=\"A1:J");
	out_uint(&o, rows);
	out_str(&o, "\"/><sheetData>");
	for (row = 1; row <= rows; row++)
		write_row(&o, row);
	out_reserve(&o);
	out_str(&o, "</sheetData></worksheet>");
	out_flush(&o);
	free(o.buf);
	if (o.failed || fflush(o.fp) != 0 || fseek(o.fp, 0, SEEK_SET) != 0) {
		fprintf(stderr, "gen_big: writing temporary file: %s\n", strerror(errno));
		fclose(o.fp);
		return NULL;
	}
	return o.fp;
}

/* Builds sharedStrings.xml in a malloc'd buffer; *len receives its length. */
static char *make_shared_strings(unsigned long rows, size_t *len)
{
	size_t cap = 64 * 1024, n;
	char *buf = malloc(cap);
	unsigned i;
	int w;

	if (buf == NULL)
		return NULL;
	/* count is the number of t="s" cells: three per row */
	w = snprintf(buf, cap, XML_DECL "<sst xmlns=\"" NS_MAIN "\" count=\"%lu\" uniqueCount=\"%u\">",
		     rows * 3, NSTRINGS);
	if (w < 0 || (size_t)w >= cap)
		goto fail;
	n = (size_t)w;
	for (i = 0; i < NSTRINGS; i++) {
		w = snprintf(buf + n, cap - n, "<si><t>%s %s %u</t></si>", str_prefix[i % 4],
			     str_name[(i / 4) % 25], i / 100 + 1);
		if (w < 0 || (size_t)w >= cap - n)
			goto fail;
		n += (size_t)w;
	}
	w = snprintf(buf + n, cap - n, "</sst>");
	if (w < 0 || (size_t)w >= cap - n)
		goto fail;
	*len = n + (size_t)w;
	return buf;
fail:
	free(buf);
	return NULL;
}

/* Adds a source as a deflated entry with a fixed mtime; frees src on failure. */
static int add_entry(zip_t *za, const char *name, zip_source_t *src)
{
	zip_int64_t idx;

	if (src == NULL) {
		fprintf(stderr, "gen_big: %s: %s\n", name, zip_strerror(za));
		return -1;
	}
	idx = zip_file_add(za, name, src, ZIP_FL_ENC_UTF_8);
	if (idx < 0) {
		fprintf(stderr, "gen_big: adding %s: %s\n", name, zip_strerror(za));
		zip_source_free(src);
		return -1;
	}
	if (zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_DEFLATE, DEFLATE_LEVEL) != 0
	    || zip_file_set_mtime(za, (zip_uint64_t)idx, FIXED_MTIME, 0) != 0) {
		fprintf(stderr, "gen_big: %s: %s\n", name, zip_strerror(za));
		return -1;
	}
	return 0;
}

static int add_static(zip_t *za, const char *name, const char *text, size_t len)
{
	return add_entry(za, name, zip_source_buffer(za, text, len, 0));
}

static int parse_rows(const char *s, unsigned long *rows)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-' || v == 0 || v > MAX_ROWS)
		return -1;
	*rows = v;
	return 0;
}

int main(int argc, char **argv)
{
	unsigned long rows = DEFAULT_ROWS;
	zip_t *za;
	zip_source_t *src;
	int zerr;
	FILE *sheet;
	char *sst;
	size_t sst_len;

	if (argc < 2 || argc > 3 || (argc == 3 && parse_rows(argv[2], &rows) != 0)) {
		fprintf(stderr, "usage: gen_big OUT.xlsx [ROWS]   (1 <= ROWS <= %lu, default %lu)\n",
			MAX_ROWS, DEFAULT_ROWS);
		return 2;
	}

	sheet = write_sheet(rows);
	if (sheet == NULL)
		return 1;
	sst = make_shared_strings(rows, &sst_len);
	if (sst == NULL) {
		fprintf(stderr, "gen_big: building shared strings failed\n");
		fclose(sheet);
		return 1;
	}

	za = zip_open(argv[1], ZIP_CREATE | ZIP_TRUNCATE, &zerr);
	if (za == NULL) {
		zip_error_t ze;

		zip_error_init_with_code(&ze, zerr);
		fprintf(stderr, "gen_big: %s: %s\n", argv[1], zip_error_strerror(&ze));
		zip_error_fini(&ze);
		free(sst);
		fclose(sheet);
		return 1;
	}

	if (add_static(za, "[Content_Types].xml", content_types_xml, sizeof content_types_xml - 1)
	    || add_static(za, "_rels/.rels", root_rels_xml, sizeof root_rels_xml - 1)
	    || add_static(za, "xl/workbook.xml", workbook_xml, sizeof workbook_xml - 1)
	    || add_static(za, "xl/_rels/workbook.xml.rels", workbook_rels_xml,
			  sizeof workbook_rels_xml - 1)
	    || add_static(za, "xl/styles.xml", styles_xml, sizeof styles_xml - 1))
		goto fail;

	/* the buffer source takes ownership of sst (freep = 1) */
	src = zip_source_buffer(za, sst, sst_len, 1);
	if (src != NULL)
		sst = NULL;
	if (add_entry(za, "xl/sharedStrings.xml", src) != 0)
		goto fail;
	/* the file source takes ownership of sheet and closes it */
	src = zip_source_filep(za, sheet, 0, -1);
	if (src != NULL)
		sheet = NULL;
	if (add_entry(za, "xl/worksheets/sheet1.xml", src) != 0)
		goto fail;

	if (zip_close(za) != 0) {
		fprintf(stderr, "gen_big: writing %s: %s\n", argv[1], zip_strerror(za));
		zip_discard(za);
		return 1;
	}
	return 0;

fail:
	free(sst);
	if (sheet != NULL)
		fclose(sheet);
	zip_discard(za);
	return 1;
}
