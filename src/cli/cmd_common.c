/*
 * What several commands share: a finding as JSON, the period and same-file checks of the
 * command lines (the configuration is cmd_config.c's).
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE /* realpath(NULL), getopt_long */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "base/mem.h"
#include "base/banned.h"

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

bool th_same_file(const char *a, const char *b)
{
	struct stat x, y;

	return a && b && stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}
