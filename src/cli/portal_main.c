/*
 * tonghop-portal's entry point: the portal's commands (serve, users, backup), which tonghop
 * runs through this program (cmd_portal in cli.h) so that its other commands start without
 * the web, database and crypto libraries.
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "base/banned.h"

static const struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
} cmds[] = {
	{ "serve", cmd_serve },
	{ "backup", cmd_backup },
	{ "users", cmd_users },
};

int main(int argc, char **argv)
{
	th_report_fatal_errors();
	for (size_t i = 0; argc > 1 && i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].fn(argc - 1, argv + 1);
	th_complain("tonghop-portal chỉ chạy các lệnh của cổng web (serve, users, backup) và được "
		    "tonghop gọi: hãy dùng 'tonghop %s'", argc > 1 ? argv[1] : "--help");
	return TH_EXIT_USAGE;
}
