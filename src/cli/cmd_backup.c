/*
 * `tonghop backup --data DIR --out NEW-DIR`: an online backup of the portal's data folder
 * while `tonghop serve` runs (serve/backup.h): the database at one moment and every file
 * it refers to, checked. The backup is a data folder: `tonghop serve --data NEW-DIR`
 * serves it (that is the restore).
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE /* getopt_long */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "serve/backup.h"
#include "base/banned.h"

static const char *const backup_usage =
	"cách dùng: tonghop backup --data THƯ-MỤC --out THƯ-MỤC-MỚI\n"
	"\n"
	"Sao lưu dữ liệu của cổng nhận báo cáo trong khi cổng vẫn chạy: cơ sở dữ liệu tại một thời\n"
	"điểm và mọi tệp đã nộp mà nó nhắc tới (mỗi tệp được kiểm tra theo mã SHA-256). THƯ-MỤC-MỚI\n"
	"phải chưa có hoặc trống. Bản sao lưu là một thư mục dữ liệu đầy đủ: để khôi phục, dừng cổng\n"
	"rồi chạy 'tonghop serve --data THƯ-MỤC-MỚI' (hoặc chép nó về chỗ cũ).\n"
	"\n"
	"Mã thoát: 0 xong, 2 sai cú pháp lệnh hoặc THƯ-MỤC-MỚI không trống, 4 thư mục dữ liệu\n"
	"không đọc được hoặc có tệp đã nộp bị mất/hỏng, 5 không ghi được bản sao lưu.\n";

int cmd_backup(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *data = NULL, *out = NULL;
	th_backup_stats st;
	th_err e = { 0 };
	int ch;

	optind = 0;
	while ((ch = th_getopt(argc, argv, "ho:", opts)) != -1) {
		switch (ch) {
		case 'd': data = optarg; break;
		case 'o': out = optarg; break;
		case 'h': fputs(backup_usage, stdout); return th_finish_stdout(TH_EXIT_OK);
		default: fputs("xem 'tonghop backup --help'\n", stderr); return TH_EXIT_USAGE;
		}
	}
	if (optind < argc || !data || !out) {
		th_complain(optind < argc ? "backup không nhận thêm tham số" : "backup cần --data và --out");
		fputs("xem 'tonghop backup --help'\n", stderr);
		return TH_EXIT_USAGE;
	}
	if (th_backup(data, out, &st, &e)) {
		th_report(NULL, &e);
		if (e.code == TH_E_USAGE)
			return TH_EXIT_USAGE;
		return e.code == TH_E_OPEN || e.code == TH_E_FILE_DAMAGED ? TH_EXIT_INPUT : TH_EXIT_SYSTEM;
	}
	printf("đã sao lưu %s vào %s: cơ sở dữ liệu %.1f MB, %llu tệp đã nộp (%.1f MB)\n", data, out,
	       (double)st.db_bytes / (1024 * 1024), (unsigned long long)st.files, (double)st.bytes / (1024 * 1024));
	return th_finish_stdout(TH_EXIT_OK);
}
