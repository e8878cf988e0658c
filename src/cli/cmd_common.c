/*
 * What several commands share besides the configuration (cmd_config.c) and the
 * reporting (report.c): the same-file check that keeps an output off an input.
 * SPDX-License-Identifier: MIT
 */
#include <stdbool.h>
#include <sys/stat.h>

#include "cli/cli.h"
#include "base/banned.h"

bool th_same_file(const char *a, const char *b)
{
	struct stat x, y;

	return a && b && stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}
