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

/* What the command line asked for. */
struct users_args {
	const char *data, *schema, *roster, *unit, *office, *admin;
	const char *verb, *name; /* name: the account of disable, enable, reset */
};

/* Parse the options and the verb into *a. Returns -1 to go on, or the exit code. */
static int users_options(int argc, char **argv, struct users_args *a)
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
	int ch;

	optind = 0;
	while ((ch = th_getopt(argc, argv, "h", opts)) != -1) {
		switch (ch) {
		case 'd': a->data = optarg; break;
		case 's': a->schema = optarg; break;
		case 'R': a->roster = optarg; break;
		case 'u': a->unit = optarg; break;
		case 'o': a->office = optarg; break;
		case 'a': a->admin = optarg; break;
		case 'h': fputs(users_usage, stdout); return th_finish_stdout(TH_EXIT_OK);
		default:
			fputs("xem 'tonghop users --help'\n", stderr);
			return TH_EXIT_USAGE;
		}
	}
	if (!a->data)
		return usage_error("users cần --data THƯ-MỤC");
	if (optind >= argc)
		return usage_error("users cần một việc: add, list, disable, enable hoặc reset");
	a->verb = argv[optind];
	if (strcmp(a->verb, "add") == 0) {
		if (optind + 1 != argc || (!!a->unit + !!a->office + !!a->admin) != 1)
			return usage_error("add cần đúng một trong --unit MÃ, --office TÊN, --admin TÊN");
	} else if (strcmp(a->verb, "list") == 0) {
		if (optind + 1 != argc || a->unit || a->office || a->admin)
			return usage_error("list không nhận thêm gì");
	} else if (strcmp(a->verb, "disable") == 0 || strcmp(a->verb, "enable") == 0 || strcmp(a->verb, "reset") == 0) {
		if (optind + 2 != argc || a->unit || a->office || a->admin)
			return usage_error("disable, enable và reset cần đúng một tên tài khoản");
		a->name = argv[optind + 1];
	} else {
		th_complain("users không có việc '%s'", a->verb);
		return TH_EXIT_USAGE;
	}
	return -1;
}

static int users_add(const struct users_args *a, th_store *st, const th_actor *who, int64_t now)
{
	th_role role = a->unit ? TH_ROLE_UNIT : a->office ? TH_ROLE_OFFICE : TH_ROLE_ADMIN;
	const char *name = a->unit ? a->unit : a->office ? a->office : a->admin;
	char otp[TH_OTP_MAX];
	th_err e = { 0 };

	if (th_account_add(st, who, role, a->unit ? NULL : name, a->unit, now, otp, NULL, &e)) {
		th_report(NULL, &e);
		return e.code == TH_E_CONFLICT || e.code == TH_E_BAD_REQUEST ? TH_EXIT_USAGE : TH_EXIT_SYSTEM;
	}
	return print_account(name, otp);
}

static int users_list(th_store *st, const th_roster *roster)
{
	th_user *v = NULL;
	size_t n = 0;
	th_err e = { 0 };

	if (th_store_users(st, &v, &n, &e)) {
		th_report(NULL, &e);
		free(v);
		return TH_EXIT_SYSTEM;
	}
	for (size_t i = 0; i < n; i++) {
		const th_unit *u = v[i].unit[0] && roster ? th_roster_by_code(roster, v[i].unit) : NULL;
		printf("%-20s ", v[i].name);
		th_put_padded(stdout, th_role_vi(v[i].role), 10);
		putchar(' ');
		th_put_padded(stdout, v[i].disabled ? "đã khoá" : v[i].must_change ? "chưa đổi mật khẩu" : "đang dùng", 18);
		printf(" %s\n", u ? u->name : "");
	}
	printf("%zu tài khoản\n", n);
	free(v);
	return th_finish_stdout(TH_EXIT_OK);
}

/* disable, enable or reset the account a->name. */
static int users_change(const struct users_args *a, th_store *st, const th_actor *who, int64_t now)
{
	char otp[TH_OTP_MAX];
	th_err e = { 0 };
	th_user u;
	int found = th_store_user_by_name(st, a->name, &u, &e);

	if (found < 0) {
		th_report(NULL, &e);
		return TH_EXIT_SYSTEM;
	}
	if (found == 1) {
		th_complain("không có tài khoản '%s'", a->name);
		return TH_EXIT_USAGE;
	}
	if (strcmp(a->verb, "reset") == 0) {
		if (th_account_reset(st, who, u.id, now, otp, &e)) {
			th_report(NULL, &e);
			return TH_EXIT_SYSTEM;
		}
		return print_account(u.name, otp);
	}
	if (th_store_user_disable(st, who, u.id, strcmp(a->verb, "disable") == 0, now, &e)) {
		th_report(NULL, &e);
		return TH_EXIT_SYSTEM;
	}
	printf("%s: %s\n", u.name, strcmp(a->verb, "disable") == 0 ? "đã khoá" : "đã mở khoá");
	return th_finish_stdout(TH_EXIT_OK);
}

int cmd_users(int argc, char **argv)
{
	struct users_args a = { 0 };
	th_store *st = NULL;
	th_config cfg;
	th_err e = { 0 };
	th_actor who = { 0, "(dòng lệnh)", "" };
	char path[4096];
	int64_t now = (int64_t)time(NULL);
	int rc = users_options(argc, argv, &a);

	if (rc >= 0)
		return rc;
	{
		th_config_opts co = { a.schema, NULL, a.roster, NULL };
		th_period none = { TH_P_NONE, 0, 0 };
		if ((rc = th_config_load(&cfg, &co, none, false)))
			return rc;
	}
	if (a.unit && (!cfg.roster || !th_roster_by_code(cfg.roster, a.unit))) {
		th_complain("mã đơn vị '%s' không có trong danh sách %s", a.unit, cfg.roster ? cfg.roster->name : "");
		th_config_release(&cfg);
		return TH_EXIT_USAGE;
	}
	snprintf(path, sizeof(path), "%s/tonghop.db", a.data);
	if (th_auth_init(&e) || th_data_dirs(a.data, &e) || th_store_open(&st, path, &e)) {
		th_report(a.data, &e);
		th_config_release(&cfg);
		return TH_EXIT_SYSTEM;
	}
	if (strcmp(a.verb, "add") == 0)
		rc = users_add(&a, st, &who, now);
	else if (strcmp(a.verb, "list") == 0)
		rc = users_list(st, cfg.roster);
	else
		rc = users_change(&a, st, &who, now);
	th_store_close(st);
	th_config_release(&cfg);
	return rc;
}
