/*
 * `tonghop template -o mau.xlsx [--unit CODE] [--period P]`: the blank return communes
 * fill in, its identification block filled in as far as the unit and period are given.
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE /* getopt_long */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "write/xlsx_writer.h"
#include "base/banned.h"

static const char *const template_usage =
	"cách dùng: tonghop template -o TỆP.xlsx [--unit MÃ] [--period KỲ] [--schema TỆP.ini]\n"
	"                            [--rules TỆP.ini] [--roster TỆP.ini] [--calendar TỆP.ini]\n"
	"\n"
	"Ghi mẫu báo cáo trống để xã điền: phần thông tin chung, 7 biểu và danh mục văn bản;\n"
	"ô số liệu có kiểm tra dữ liệu (số nguyên không âm, tỷ lệ 0–100, danh sách chọn cho\n"
	"dòng mã hoá), nhãn bị khoá. Các dòng tỷ lệ (theo biểu mẫu) và các dòng tổng (theo quy\n"
	"tắc lỗi 'X = tổng các dòng con') là công thức của các dòng thành phần, bị khoá. In vừa\n"
	"khổ A4 ngang, lặp tiêu đề, chân trang ghi đơn vị, kỳ và số trang.\n"
	"\n"
	"  -o, --output TỆP  tệp .xlsx cần ghi (bắt buộc)\n"
	"  --unit MÃ         điền sẵn đơn vị (mã 5 chữ số trong danh sách đơn vị)\n"
	"  --period KỲ       điền sẵn kỳ báo cáo và thời gian lấy số liệu\n"
	"  --schema TỆP.ini  biểu mẫu (mặc định: $TONGHOP_SCHEMA, hoặc biểu mẫu có hiệu lực cho kỳ\n"
	"                    trong schemas/)\n"
	"  --rules TỆP.ini   bộ quy tắc cho biết dòng nào là tổng (mặc định: $TONGHOP_RULES, hoặc\n"
	"                    theo biểu mẫu)\n"
	TH_CONFIG_HELP
	"\n"
	"Mã thoát: 0 xong, 2 sai cú pháp lệnh, 3 cấu hình lỗi, 5 không ghi được tệp.\n"
	TH_CONFIG_HELP_WHY;

int cmd_template(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "unit", required_argument, NULL, 'u' },
		{ "period", required_argument, NULL, 'p' },
		{ "schema", required_argument, NULL, 's' },
		{ "rules", required_argument, NULL, 'r' },
		TH_CONFIG_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *ucode = NULL;
	th_config_opts o = { NULL, NULL, NULL, NULL };
	th_period period = { TH_P_NONE, 0, 0 };
	const th_unit *unit = NULL;
	th_config cfg;
	th_err e = { 0 };
	int ch, rc;

	optind = 0;
	while ((ch = th_getopt(argc, argv, "ho:", opts)) != -1) {
		if (th_config_option(&o, ch, optarg))
			continue;
		switch (ch) {
		case 'o': out = optarg; break;
		case 'u': ucode = optarg; break;
		case 'p':
			if (th_period_parse(optarg, &period)) {
				th_bad_period(optarg);
				return TH_EXIT_USAGE;
			}
			break;
		case 's': o.schema = optarg; break;
		case 'r': o.rules = optarg; break;
		case 'h': fputs(template_usage, stdout); return th_finish_stdout(TH_EXIT_OK);
		default:
			fputs("xem 'tonghop template --help'\n", stderr);
			return TH_EXIT_USAGE;
		}
	}
	if (!out || optind < argc) {
		th_complain("template cần -o TỆP.xlsx (và không nhận tệp nào khác)");
		return TH_EXIT_USAGE;
	}
	rc = th_config_load(&cfg, &o, period, true);
	if (rc)
		return rc;
	if (ucode) {
		unit = cfg.roster ? th_roster_by_code(cfg.roster, ucode) : NULL;
		if (!unit) {
			th_complain("không có đơn vị mã '%s' trong danh sách đơn vị %s", ucode,
				    cfg.roster ? cfg.roster->path : "(biểu mẫu không ghi danh sách)");
			th_config_release(&cfg);
			return TH_EXIT_USAGE;
		}
	}
	if (th_write_template(cfg.schema, cfg.rules, unit, period, cfg.calendar, out, &e)) {
		th_report(out, &e);
		rc = TH_EXIT_SYSTEM;
	} else {
		printf("Đã ghi mẫu báo cáo: %s\n", out);
	}
	th_config_release(&cfg);
	return th_finish_stdout(rc);
}
