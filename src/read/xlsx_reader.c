/*
 * The reader's door: sniffing what a file really is (an .xlsx, an .xls or an .ods, which
 * go to their readers; a lock file, an HTML page or another format under a spreadsheet's
 * name, which are refused), opening from a path or from memory, and the workbook's
 * accessors. An .xlsx's package is read in xlsx_package.c, its shared strings and styles
 * in xlsx_styles.c, its worksheets in xlsx_sheet.c (xlsx_part.h between them).
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
#include "read/xlsx_part.h"
#include "base/banned.h"

const th_xlsx_limits th_xlsx_default_limits = {
	.max_inflated = (uint64_t)2 << 30,
	.ratio_floor = (uint64_t)16 << 20,
	.max_ratio = 500,
	.max_depth = 256,
	.max_text = 1u << 20,
	.max_sheets = 10000,
};

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

/* ---- packages that are no .xlsx ---- */

int th_xlsx_sniff_odf(th_xlsx *x, bool *ods, th_err *e)
{
	const struct entry *mt = th_xlsx_find_entry(x, "mimetype");

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
	if (th_xlsx_find_entry(x, "content.xml")) {
		for (size_t i = 0; i < x->n_entries; i++)
			if (ends_with(x->entries[i].norm, "workbook.xml") ||
			    ends_with(x->entries[i].norm, "workbook.bin"))
				return 0;
		*ods = true;
	}
	return 0;
}

int th_xlsx_not_a_workbook(th_xlsx *x, const char *wanted, th_err *e)
{
	if (th_xlsx_find_entry(x, "xl/workbook.bin"))
		return th_fail(e, TH_E_FORMAT_OTHER,
			       "đây là tệp Excel nhị phân (.xlsb), tonghop không đọc dạng này: hãy mở "
			       "bằng Excel và lưu lại dưới dạng Sổ làm việc Excel (.xlsx)");
	if (th_xlsx_find_entry(x, "Index/Document.iwa") || th_xlsx_find_entry(x, "Index.zip"))
		return th_fail(e, TH_E_FORMAT_OTHER,
			       "đây là tệp Apple Numbers; hãy xuất ra dạng Excel (.xlsx) rồi gửi lại");
	return th_fail(e, TH_E_PACKAGE,
		       "gói .xlsx thiếu phần '%s' (tệp không phải bảng tính Excel hợp lệ)", wanted);
}

/* ---- opening ---- */

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
			th_xlsx_zip_reason(zip_error_code_zip(&ze)));
		zip_error_fini(&ze);
		th_xlsx_free(x);
		return -1;
	}
	zip_error_fini(&ze);
	if (th_xlsx_load_package(x, e)) {
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
	unsigned char *b = th_xmalloc(cap ? cap : 1);

	*n = fread(b, 1, cap, f);
	return b;
}

/*
 * A file up to this size is read whole with one read and its zip opened from memory: a
 * return is some kilobytes, and reading it through a file source costs a seek and a read
 * per part. A larger file is read by libzip from the file, as it goes.
 */
#define TH_XLSX_WHOLE ((size_t)4 << 20)

/* The zip of head (n bytes, the whole file when whole): from memory, or from the file. */
static int open_zip(th_xlsx **out, const char *path, const th_xlsx_limits *limits, unsigned char *head, size_t n,
		    bool whole, th_err *e)
{
	char eb[TH_ERRNO_VI_MAX];
	zip_error_t ze;
	zip_source_t *src;

	zip_error_init(&ze);
	if (whole) {
		src = zip_source_buffer_create(head, n, 1, &ze);
		if (!src) {
			free(head);
			zip_error_fini(&ze);
			return th_fail(e, TH_E_NOMEM, "hết bộ nhớ khi mở tệp");
		}
	} else {
		free(head);
		src = zip_source_file_create(path, 0, -1, &ze);
		if (!src) {
			int sys = zip_error_code_system(&ze);
			th_fail(e, TH_E_OPEN, "không mở được tệp (%s)",
				zip_error_system_type(&ze) == ZIP_ET_SYS && sys ? th_errno_vi(sys, eb) :
				th_xlsx_zip_reason(zip_error_code_zip(&ze)));
			zip_error_fini(&ze);
			return -1;
		}
	}
	zip_error_fini(&ze);
	return finish_open(xlsx_new(path, limits), src, out, e);
}

/* A file that is no zip, its first n bytes in head (all of it when whole): an .xls, or refused. */
static int open_not_zip(th_xlsx **out, const char *path, const th_xlsx_limits *limits, FILE *f, uint64_t size,
			unsigned char *head, size_t n, bool whole, th_err *e)
{
	char eb[TH_ERRNO_VI_MAX];
	int rc;

	if (is_lock_name(path)) {
		rc = lock_fail(e);
	} else if (is_ole_or_biff(head, n)) {
		/* the .xls reader works on the whole file in memory */
		if (whole && n == size)
			return open_xls(out, path, limits, head, n, e);
		free(head);
		head = NULL;
		if (size > TH_XLS_MAX_FILE) {
			rc = th_fail(e, TH_E_TOO_BIG, "tệp .xls lớn hơn %u MiB, quá lớn để là một báo cáo",
				     (unsigned)(TH_XLS_MAX_FILE >> 20));
		} else {
			rewind(f);
			head = read_head(f, (size_t)size, &n);
			if (ferror(f) || n != (size_t)size)
				rc = th_fail(e, TH_E_OPEN, "không đọc hết được tệp (%s)",
					     th_errno_vi(errno ? errno : EIO, eb));
			else
				return open_xls(out, path, limits, head, n, e);
		}
	} else {
		rc = sniff_not_zip(head, n < 4096 ? n : 4096, e);
	}
	free(head);
	return rc;
}

int th_xlsx_open(th_xlsx **out, const char *path, const th_xlsx_limits *limits, th_err *e)
{
	char eb[TH_ERRNO_VI_MAX];
	struct stat sb;
	FILE *f;
	unsigned char *head;
	size_t n;
	bool whole;
	int rc;

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
	whole = (uint64_t)sb.st_size <= TH_XLSX_WHOLE;
	head = read_head(f, whole ? (size_t)sb.st_size : 4096, &n);
	if (whole && (ferror(f) || n != (size_t)sb.st_size)) {
		free(head);
		fclose(f);
		return th_fail(e, TH_E_OPEN, "không đọc hết được tệp (%s)", th_errno_vi(errno ? errno : EIO, eb));
	}
	if (!is_zip_magic(head, n)) {
		rc = open_not_zip(out, path, limits, f, (uint64_t)sb.st_size, head, n, whole, e);
		fclose(f);
		return rc;
	}
	fclose(f);
	return open_zip(out, path, limits, head, n, whole, e);
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
	th_hidden_release(&x->hidden);
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

bool th_xlsx_full_calc(const th_xlsx *x) { return x->book ? false : x->full_calc; }
