/*
 * Failures: an input or a run that cannot go on (I/O error, corrupt zip, malformed XML,
 * bad INI). They travel back up the stack as a th_err, whose message is formatted into a
 * fixed buffer so that reporting a failure never allocates. A finding (data broke a rule)
 * is not a failure and never uses this type.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_ERR_H
#define TH_ERR_H

#include <stdint.h>

typedef enum th_code {
#define TH_ERR(name, num, text) name = num,
#include "base/err_codes.h"
#undef TH_ERR
} th_code;

typedef struct th_err {
	th_code code;
	char msg[512]; /* Vietnamese, one line, no file name (the CLI adds it) */
	char detail[256]; /* optional second line: the offending configuration line, a caret... */
	const char *src_file; /* where in tonghop's source th_fail was called (for a debugger) */
	int src_line;
} th_err;

/*
 * Record a failure in *e (e may be NULL) and return -1, so that callers can write
 *   return th_fail(e, TH_E_NOT_ZIP, "không phải tệp ...: %s", why);
 * The message is formatted with vsnprintf and cut to fit; control characters in it are
 * replaced by '?' (cell text and file names are untrusted).
 */
#define th_fail(e, code, ...) th_fail_at((e), (code), __FILE__, __LINE__, __VA_ARGS__)
int th_fail_at(th_err *e, th_code code, const char *src_file, int src_line, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

/* The short English name of a code ("malformed XML"), "unknown error" for an unknown one. Static. */
const char *th_code_name(th_code code);

/* What system error err (an errno value) means, in Vietnamese: "không có quyền truy cập",
 * "ổ đĩa đã đầy"...; an unusual one is "lỗi hệ thống số N". Written into buf, returned. */
#define TH_ERRNO_VI_MAX 96
const char *th_errno_vi(int err, char buf[TH_ERRNO_VI_MAX]);

/* Reset *e to "no error". */
void th_err_clear(th_err *e);

#endif
