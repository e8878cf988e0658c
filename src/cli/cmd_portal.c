/*
 * The portal's commands seen from tonghop: run tonghop-portal in place of this process.
 * See cmd_portal in cli.h.
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/sbuf.h"
#include "cli/cli.h"
#include "base/banned.h"

#define PORTAL_NAME "tonghop-portal"

int cmd_portal(int argc, char **argv)
{
	static const char *const rel[] = { "/" PORTAL_NAME, "/../lib/tonghop/" PORTAL_NAME };
	char *dir = th_exe_dir();
	char **args = th_xcalloc((size_t)argc + 2, sizeof(*args));
	int err = ENOENT;

	fflush(NULL);
	/* the portal program sees "tonghop-portal COMMAND ARGS...": the same words after it */
	for (int i = 0; i < argc; i++)
		args[i + 1] = argv[i];
	for (size_t i = 0; dir && i < sizeof(rel) / sizeof(rel[0]); i++) {
		th_sbuf sb = TH_SBUF_INIT;
		th_sbuf_addf(&sb, "%s%s", dir, rel[i]);
		args[0] = sb.buf;
		execv(sb.buf, args);
		if (errno != ENOENT)
			err = errno;
		th_sbuf_release(&sb);
	}
	th_complain("không chạy được phần cổng web (%s) của lệnh '%s': %s; nó phải nằm cạnh tonghop hoặc "
		    "trong lib/tonghop/ — hãy cài lại tonghop",
		    PORTAL_NAME, argv[0], err == ENOENT ? "không tìm thấy tệp" :
		    err == EACCES ? "không có quyền chạy tệp" :
		    err == ENOEXEC ? "tệp không phải chương trình chạy được trên máy này" : "lỗi hệ thống");
	free(args);
	free(dir);
	return TH_EXIT_SYSTEM;
}
