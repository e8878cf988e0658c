/*
 * Failure records: formatting th_err messages and naming codes.
 * SPDX-License-Identifier: MIT
 */
#include "base/err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int th_fail_at(th_err *e, th_code code, const char *src_file, int src_line, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -1;
	e->code = code;
	e->detail[0] = '\0';
	e->src_file = src_file;
	e->src_line = src_line;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	for (char *p = e->msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	/* a message cut to fit must not end in half a UTF-8 character */
	{
		size_t n = strlen(e->msg), k = n;
		while (k > 0 && ((unsigned char)e->msg[k - 1] & 0xC0) == 0x80)
			k--;
		if (k > 0 && (unsigned char)e->msg[k - 1] >= 0xC0) {
			unsigned char lead = (unsigned char)e->msg[k - 1];
			size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
			if (n - (k - 1) < want)
				e->msg[k - 1] = '\0';
		}
	}
	return -1;
}

const char *th_code_name(th_code code)
{
	switch (code) {
#define TH_ERR(name, num, text) \
	case name: return text;
#include "base/err_codes.h"
#undef TH_ERR
	}
	return "unknown error";
}

void th_err_clear(th_err *e)
{
	if (!e)
		return;
	memset(e, 0, sizeof(*e));
}

const char *th_errno_vi(int err, char buf[TH_ERRNO_VI_MAX])
{
	static const struct {
		int err;
		const char *text;
	} known[] = {
		{ ENOENT, "không có tệp hay thư mục này" },
		{ EACCES, "không có quyền truy cập" },
		{ EPERM, "không được phép" },
		{ EISDIR, "đây là một thư mục" },
		{ ENOTDIR, "một phần của đường dẫn không phải thư mục" },
		{ ENOSPC, "ổ đĩa đã đầy" },
		{ EDQUOT, "đã hết hạn mức dung lượng" },
		{ EROFS, "ổ đĩa chỉ cho đọc" },
		{ EEXIST, "tệp đã có" },
		{ ENAMETOOLONG, "tên tệp quá dài" },
		{ ELOOP, "đường dẫn là một liên kết không được phép theo, hoặc liên kết vòng" },
		{ EMFILE, "mở quá nhiều tệp cùng lúc" },
		{ ENFILE, "mở quá nhiều tệp cùng lúc" },
		{ ENOMEM, "hết bộ nhớ" },
		{ EIO, "lỗi đọc ghi trên thiết bị" },
		{ EBUSY, "tệp hay thiết bị đang bận" },
		{ ETXTBSY, "tệp đang được dùng" },
		{ EXDEV, "không chuyển được tệp sang ổ đĩa khác" },
		{ EPIPE, "nơi nhận đã đóng" },
		{ EFBIG, "tệp quá lớn" },
		{ EINVAL, "tham số không hợp lệ" },
	};

	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (known[i].err == err) {
			snprintf(buf, TH_ERRNO_VI_MAX, "%s", known[i].text);
			return buf;
		}
	snprintf(buf, TH_ERRNO_VI_MAX, "lỗi hệ thống số %d", err);
	return buf;
}
