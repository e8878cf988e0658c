/*
 * tonghop's entry point: the global options and the command table.
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE /* getopt_long */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "base/version.h"
#include "cli/cli.h"
#include "base/banned.h"

static const struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} cmds[] = {
	{ "merge", cmd_merge, "tổng hợp báo cáo của một kỳ thành một sổ .xlsx (và JSON)" },
	{ "template", cmd_template, "ghi mẫu báo cáo trống để xã điền" },
	{ "check", cmd_check, "kiểm tra báo cáo theo các quy tắc và in mọi lỗi bằng tiếng Việt" },
	{ "rules", cmd_rules, "liệt kê các quy tắc kiểm tra; --lint kiểm tra tệp quy tắc" },
	{ "read", cmd_read, "đọc một báo cáo và in những gì đọc được (đơn vị, kỳ, giá trị từng dòng)" },
	{ "dump", cmd_dump, "in mọi ô của một bảng tính .xlsx (kiểm tra bộ đọc)" },
	{ "config", cmd_config, "cho biết biểu mẫu, quy tắc, danh sách đơn vị, lịch nào được dùng và vì sao" },
	/* the portal's commands run tonghop-portal (cmd_portal) */
	{ "serve", cmd_portal, "chạy cổng web nhận báo cáo của các xã và cho văn phòng xem xét" },
	{ "backup", cmd_portal, "sao lưu dữ liệu của cổng web trong khi cổng vẫn chạy" },
	{ "users", cmd_portal, "cấp và quản lý tài khoản của cổng web (tonghop serve)" },
};

static void usage(FILE *out)
{
	fputs("cách dùng: tonghop [--version] [--help] LỆNH [TUỲ CHỌN] [TỆP...]\n"
	      "\n"
	      "tonghop tổng hợp và kiểm tra báo cáo thống kê cải cách hành chính của các xã.\n"
	      "\n"
	      "Các lệnh:\n", out);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(out, "  %-10s %s\n", cmds[i].name, cmds[i].summary);
	fputs("\n"
	      "'tonghop LỆNH --help' giải thích từng lệnh.\n"
	      "\n"
	      "Mã thoát:\n"
	      "  0  xong, không có lỗi\n"
	      "  1  có phát hiện mức lỗi trong số liệu\n"
	      "  2  sai cú pháp lệnh\n"
	      "  3  cấu hình (biểu mẫu, quy tắc, danh sách đơn vị, lịch báo cáo) không hợp lệ\n"
	      "  4  có tệp đầu vào không đọc được\n"
	      "  5  lỗi ghi kết quả hoặc lỗi hệ thống\n", out);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	th_report_fatal_errors();
	while ((ch = th_getopt(argc, argv, "+hV", opts)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout);
			return th_finish_stdout(TH_EXIT_OK);
		case 'V':
			puts("tonghop " TH_VERSION);
			return th_finish_stdout(TH_EXIT_OK);
		default:
			fputs("xem 'tonghop --help'\n", stderr);
			return TH_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return TH_EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(argv[optind], cmds[i].name) == 0)
			return cmds[i].fn(argc - optind, argv + optind);
	th_complain("không có lệnh '%s'; xem 'tonghop --help'", argv[optind]);
	return TH_EXIT_USAGE;
}
