/*
 * Reporting for the commands; see report.h.
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE /* getopt_long */
#include "cli/report.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/banned.h"

int th_exit_for(th_code code)
{
	if (code == TH_E_USAGE)
		return TH_EXIT_USAGE;
	if (code >= 10 && code < 20)
		return TH_EXIT_CONFIG;
	if (code >= 20 && code < 50)
		return TH_EXIT_INPUT;
	return TH_EXIT_SYSTEM;
}

void th_put_clean(const char *s, FILE *out)
{
	for (; *s; s++)
		putc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, out);
}

void th_report(const char *file, const th_err *e)
{
	fputs("tonghop: ", stderr);
	if (file) {
		th_put_clean(file, stderr);
		fputs(": ", stderr);
	}
	th_put_clean(e->msg, stderr);
	putc('\n', stderr);
	/* the detail may hold several lines (the offending line, a caret under it) */
	for (const char *d = e->detail; *d;) {
		const char *nl = strchr(d, '\n');
		size_t n = nl ? (size_t)(nl - d) : strlen(d);
		char line[sizeof(e->detail)];
		memcpy(line, d, n);
		line[n] = '\0';
		fputs("    ", stderr);
		th_put_clean(line, stderr);
		putc('\n', stderr);
		d += n + (nl ? 1 : 0);
	}
}

void th_complain(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n > 0) {
		s = th_xmalloc((size_t)n + 1);
		va_start(ap, fmt);
		vsnprintf(s, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	fputs("tonghop: ", stderr);
	th_put_clean(s ? s : "", stderr); /* file names and cell text are untrusted */
	putc('\n', stderr);
	free(s);
}

int th_finish_stdout(int rc)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		int err = errno;
		char eb[TH_ERRNO_VI_MAX];
		th_complain("không ghi được kết quả ra đầu ra chuẩn: %s", th_errno_vi(err, eb));
		return TH_EXIT_SYSTEM;
	}
	return rc;
}

void th_put_padded(FILE *out, const char *s, int width)
{
	int chars = 0;

	for (const char *p = s; *p; p++)
		chars += ((unsigned char)*p & 0xC0) != 0x80;
	fputs(s, out);
	for (; chars < width; chars++)
		putc(' ', out);
}

int th_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts)
{
	char spec[64];
	int ch;
	bool stop = shortopts[0] == '+';

	/* ':' first (after '+') makes a missing value ':' rather than '?' */
	snprintf(spec, sizeof(spec), "%s:%s", stop ? "+" : "", shortopts + stop);
	opterr = 0;
	ch = getopt_long(argc, argv, spec, longopts, NULL);
	if (ch == ':') {
		th_complain("tuỳ chọn '%s' cần một giá trị", argv[optind - 1]);
		return '?';
	}
	if (ch == '?') {
		/* a long option is named by its argument; a short one, even inside a cluster
		 * ("-xj", where optind has not moved on), by optopt */
		const char *arg = optind > 0 ? argv[optind - 1] : "";
		const char *cur = optind < argc ? argv[optind] : "";
		bool in_cluster = optopt > 0 && cur[0] == '-' && cur[1] && cur[1] != '-' && strchr(cur + 1, optopt);
		bool is_long = !in_cluster && strncmp(arg, "--", 2) == 0 && (!optopt || strchr(arg, '='));
		if (optopt && !is_long)
			th_complain("tuỳ chọn '-%c' không có", optopt);
		else
			th_complain("tuỳ chọn '%s' không có hoặc không nhận giá trị", arg);
	}
	return ch;
}

void th_bad_period(const char *s)
{
	th_complain("kỳ '%s' không hợp lệ: dùng dạng 2023-Q3, 2023-M07, 2023-H1, 2023-9M hoặc 2023", s);
}

static void say_fatal(const char *what)
{
	fputs("tonghop: ", stderr);
	fputs(what, stderr);
	putc('\n', stderr);
}

void th_report_fatal_errors(void)
{
	th_mem_on_fatal(say_fatal);
}
