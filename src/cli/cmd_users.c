/*
 * `tonghop users --data DIR add|list|disable|enable|reset`: the office hands out the
 * portal's accounts from the server's command line, the same store the portal uses. A new
 * or reset account gets a one-time password, printed once, that the pages ask to change
 * at the first login.
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE /* getopt_long */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "serve/auth.h"
#include "serve/store.h"
#include "serve/upload.h"
#include "base/banned.h"

static const char *const users_usage =
	"cách dùng: tonghop users --data THƯ-MỤC add (--unit MÃ | --office TÊN | --admin TÊN)\n"
	"           tonghop users --data THƯ-MỤC list\n"
	"           tonghop users --data THƯ-MỤC (disable | enable | reset) TÊN\n"
	"\n"
	"Cấp và quản lý tài khoản của cổng nhận báo cáo (tonghop serve). Tài khoản của xã mang tên là\n"
	"mã đơn vị; văn phòng và quản trị đặt tên (chữ thường không dấu, số, '.', '_', '-').\n"
	"'add' và 'reset' in tên đăng nhập và một mật khẩu dùng một lần: trang web yêu cầu đổi\n"
	"mật khẩu ở lần đăng nhập đầu; API nhận mật khẩu hiện tại.\n"
	"\n"
	"  --data THƯ-MỤC     thư mục dữ liệu của cổng\n"
	"  --schema TỆP.ini   biểu mẫu (chỉ tới danh sách đơn vị dùng để kiểm tra mã)\n"
	"  --roster TỆP.ini   danh sách đơn vị (mặc định: danh sách đang có hiệu lực)\n"
	"\n"
	"Mã thoát: 0 xong, 2 sai cú pháp lệnh, 3 cấu hình lỗi, 5 lỗi cơ sở dữ liệu.\n";

static int usage_error(const char *msg)
{
	th_complain("%s", msg);
	fputs("xem 'tonghop users --help'\n", stderr);
	return TH_EXIT_USAGE;
}

static int print_account(const char *name, const char *otp)
{
	printf("tên đăng nhập: %s\nmật khẩu dùng một lần: %s\n", name, otp);
	return th_finish_stdout(TH_EXIT_OK);
}

int cmd_users(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "schema", required_argument, NULL, 's' },
		{ "roster", required_argument, NULL, 'R' },
		{ "unit", required_argument, NULL, 'u' },
		{ "office", required_argument, NULL, 'o' },
		{ "admin", required_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *data = NULL, *schema = NULL, *roster = NULL, *unit = NULL, *office = NULL, *admin = NULL, *verb;
	th_store *st = NULL;
	th_config cfg;
	th_err e = { 0 };
	th_actor who = { 0, "(dòng lệnh)", "" };
	char path[4096], otp[TH_OTP_MAX];
	int64_t now = (int64_t)time(NULL);
	int ch, rc = TH_EXIT_OK;

	optind = 0;
	while ((ch = th_getopt(argc, argv, "h", opts)) != -1) {
		switch (ch) {
		case 'd': data = optarg; break;
		case 's': schema = optarg; break;
		case 'R': roster = optarg; break;
		case 'u': unit = optarg; break;
		case 'o': office = optarg; break;
		case 'a': admin = optarg; break;
		case 'h': fputs(users_usage, stdout); return th_finish_stdout(TH_EXIT_OK);
		default:
			fputs("xem 'tonghop users --help'\n", stderr);
			return TH_EXIT_USAGE;
		}
	}
	if (!data)
		return usage_error("users cần --data THƯ-MỤC");
	if (optind >= argc)
		return usage_error("users cần một việc: add, list, disable, enable hoặc reset");
	verb = argv[optind];
	if (strcmp(verb, "add") == 0) {
		if (optind + 1 != argc || (!!unit + !!office + !!admin) != 1)
			return usage_error("add cần đúng một trong --unit MÃ, --office TÊN, --admin TÊN");
	} else if (strcmp(verb, "list") == 0) {
		if (optind + 1 != argc || unit || office || admin)
			return usage_error("list không nhận thêm gì");
	} else if (strcmp(verb, "disable") == 0 || strcmp(verb, "enable") == 0 || strcmp(verb, "reset") == 0) {
		if (optind + 2 != argc || unit || office || admin)
			return usage_error("disable, enable và reset cần đúng một tên tài khoản");
	} else {
		th_complain("users không có việc '%s'", verb);
		return TH_EXIT_USAGE;
	}
	{
		th_config_opts co = { schema, NULL, roster, NULL };
		th_period none = { TH_P_NONE, 0, 0 };
		if ((rc = th_config_load(&cfg, &co, none, false)))
			return rc;
	}
	if (unit && (!cfg.roster || !th_roster_by_code(cfg.roster, unit))) {
		th_complain("mã đơn vị '%s' không có trong danh sách %s", unit, cfg.roster ? cfg.roster->name : "");
		th_config_release(&cfg);
		return TH_EXIT_USAGE;
	}
	snprintf(path, sizeof(path), "%s/tonghop.db", data);
	if (th_auth_init(&e) || th_data_dirs(data, &e) || th_store_open(&st, path, &e)) {
		th_report(data, &e);
		th_config_release(&cfg);
		return TH_EXIT_SYSTEM;
	}
	if (strcmp(verb, "add") == 0) {
		th_role role = unit ? TH_ROLE_UNIT : office ? TH_ROLE_OFFICE : TH_ROLE_ADMIN;
		const char *name = unit ? unit : office ? office : admin;
		if (th_account_add(st, &who, role, unit ? NULL : name, unit, now, otp, NULL, &e)) {
			th_report(NULL, &e);
			rc = e.code == TH_E_CONFLICT || e.code == TH_E_BAD_REQUEST ? TH_EXIT_USAGE : TH_EXIT_SYSTEM;
		} else {
			rc = print_account(name, otp);
		}
	} else if (strcmp(verb, "list") == 0) {
		th_user *v = NULL;
		size_t n = 0;
		if (th_store_users(st, &v, &n, &e)) {
			th_report(NULL, &e);
			rc = TH_EXIT_SYSTEM;
		} else {
			for (size_t i = 0; i < n; i++) {
				const th_unit *u = v[i].unit[0] && cfg.roster ? th_roster_by_code(cfg.roster, v[i].unit) : NULL;
				printf("%-20s ", v[i].name);
				th_put_padded(stdout, th_role_vi(v[i].role), 10);
				putchar(' ');
				th_put_padded(stdout, v[i].disabled ? "đã khoá" : v[i].must_change ? "chưa đổi mật khẩu" : "đang dùng",
					      18);
				printf(" %s\n", u ? u->name : "");
			}
			printf("%zu tài khoản\n", n);
			rc = th_finish_stdout(TH_EXIT_OK);
		}
		free(v);
	} else {
		th_user u;
		int found = th_store_user_by_name(st, argv[optind + 1], &u, &e);
		if (found < 0) {
			th_report(NULL, &e);
			rc = TH_EXIT_SYSTEM;
		} else if (found == 1) {
			th_complain("không có tài khoản '%s'", argv[optind + 1]);
			rc = TH_EXIT_USAGE;
		} else if (strcmp(verb, "reset") == 0) {
			if (th_account_reset(st, &who, u.id, now, otp, &e)) {
				th_report(NULL, &e);
				rc = TH_EXIT_SYSTEM;
			} else {
				rc = print_account(u.name, otp);
			}
		} else if (th_store_user_disable(st, &who, u.id, strcmp(verb, "disable") == 0, now, &e)) {
			th_report(NULL, &e);
			rc = TH_EXIT_SYSTEM;
		} else {
			printf("%s: %s\n", u.name, strcmp(verb, "disable") == 0 ? "đã khoá" : "đã mở khoá");
			rc = th_finish_stdout(TH_EXIT_OK);
		}
	}
	th_store_close(st);
	th_config_release(&cfg);
	return rc;
}
