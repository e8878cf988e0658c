/*
 * The configuration a run uses: the files named by the options, else by the environment
 * ($TONGHOP_SCHEMA, $TONGHOP_RULES, $TONGHOP_ROSTER, $TONGHOP_CALENDAR), else the shipped
 * schemas' folder beside the program, each chosen for the period (check/setup.h). And
 * `tonghop config [--period P] [FILE]`, which says which files a run uses and why.
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE /* realpath(NULL), getopt_long */
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/sbuf.h"
#include "cli/cli.h"
#include "model/validity.h"
#include "base/banned.h"

#define DEFAULT_SCHEMA "cchc-haiduong-2023.ini"

static const char *const config_usage =
	"cách dùng: tonghop config [--period KỲ] [--schema TỆP.ini] [--rules TỆP.ini]\n"
	"                          [--roster TỆP.ini] [--calendar TỆP.ini] [BÁO-CÁO.xlsx]\n"
	"\n"
	"Cho biết một lần chạy dùng biểu mẫu, bộ quy tắc, danh sách đơn vị và lịch báo cáo nào,\n"
	"và vì sao: tệp chỉ ra bằng tuỳ chọn; nếu không, tệp trong biến môi trường\n"
	"$TONGHOP_SCHEMA, $TONGHOP_RULES, $TONGHOP_ROSTER, $TONGHOP_CALENDAR; nếu không, biểu mẫu\n"
	"có hiệu lực cho kỳ trong thư mục schemas/ và danh sách, lịch đầu tiên biểu mẫu ghi có\n"
	"hiệu lực cho kỳ. Mỗi tệp ghi thời gian hiệu lực (valid_from, valid_to); một kỳ nằm\n"
	"ngoài thời gian đó là lỗi cấu hình (mã thoát 3).\n"
	"\n"
	"  --period KỲ       kỳ báo cáo: 2026-Q1, 2026-M07, 2026-H1, 2026-9M, 2026\n"
	"  BÁO-CÁO.xlsx      hoặc một báo cáo: kỳ ghi trong báo cáo quyết định\n"
	"  --schema TỆP.ini  biểu mẫu (mặc định: $TONGHOP_SCHEMA, hoặc biểu mẫu có hiệu lực cho kỳ\n"
	"                    trong schemas/)\n"
	"  --rules TỆP.ini   bộ quy tắc (mặc định: $TONGHOP_RULES, hoặc rules/ cùng tên biểu mẫu)\n"
	TH_CONFIG_HELP
	"  -h, --help        in hướng dẫn này\n"
	"\n"
	"Không có --period (và không có báo cáo): các tệp có hiệu lực đến xa nhất (hôm nay).\n"
	"Mã thoát: 0 cấu hình dùng được, 2 sai cú pháp lệnh, 3 cấu hình lỗi, 4 không đọc được\n"
	"báo cáo.\n";

bool th_config_option(th_config_opts *o, int ch, const char *arg)
{
	if (ch == TH_OPT_ROSTER)
		o->roster = arg;
	else if (ch == TH_OPT_CALENDAR)
		o->calendar = arg;
	else
		return false;
	return true;
}

/*
 * The shipped schemas' folder: schemas/ beside the program's folder (build/tonghop ->
 * schemas/, bin/tonghop and lib/tonghop/tonghop-portal -> share/tonghop/schemas/) when it
 * holds the default schema, else
 * ./schemas. A new string.
 */
static char *shipped_folder(void)
{
	char *exe = th_exe_dir();
	/* build/, bin/ installed, lib/tonghop/ installed (tonghop-portal) */
	static const char *const rel[] = { "/../schemas", "/../share/tonghop/schemas", "/../../share/tonghop/schemas" };

	for (size_t i = 0; exe && i < sizeof(rel) / sizeof(rel[0]); i++) {
		th_sbuf sb = TH_SBUF_INIT;
		char *dir, *real;
		th_sbuf_addf(&sb, "%s%s/" DEFAULT_SCHEMA, exe, rel[i]);
		if (access(sb.buf, R_OK) != 0) {
			th_sbuf_release(&sb);
			continue;
		}
		th_sbuf_release(&sb);
		th_sbuf_addf(&sb, "%s%s", exe, rel[i]);
		free(exe);
		dir = th_sbuf_detach(&sb, NULL);
		real = realpath(dir, NULL); /* show schemas/, not build/../schemas/ */
		if (real) {
			free(dir);
			return real;
		}
		return dir;
	}
	free(exe);
	return th_xstrdup("schemas");
}

static void follow(th_config *c)
{
	c->schema = c->pick.schema;
	c->rules = c->pick.rules;
	c->roster = c->pick.roster;
	c->calendar = c->pick.calendar;
}

int th_config_load(th_config *c, const th_config_opts *o, th_period p, bool rules)
{
	th_setup_opts so;
	th_err e = { 0 };
	th_date none = { 0, 0, 0 };
	char *folder = shipped_folder();
	static const char *const envs[4] = { "TONGHOP_SCHEMA", "TONGHOP_RULES", "TONGHOP_ROSTER",
					     "TONGHOP_CALENDAR" };
	static const char *const envs_how[4] = { "$TONGHOP_SCHEMA", "$TONGHOP_RULES", "$TONGHOP_ROSTER",
						 "$TONGHOP_CALENDAR" };
	const char *opt[4] = { o ? o->schema : NULL, o ? o->rules : NULL, o ? o->roster : NULL,
			       o ? o->calendar : NULL };
	static const char *const flags[4] = { "--schema", "--rules", "--roster", "--calendar" };
	const char *val[4], *how[4];

	memset(c, 0, sizeof(*c));
	for (int i = 0; i < 4; i++) {
		const char *v = getenv(envs[i]);
		how[i] = flags[i];
		val[i] = opt[i];
		if (!val[i] && v && *v) {
			val[i] = v;
			how[i] = envs_how[i];
		}
	}
	memset(&so, 0, sizeof(so));
	so.schema = val[0];
	so.rules = val[1];
	so.roster = val[2];
	so.calendar = val[3];
	so.schema_how = how[0];
	so.rules_how = how[1];
	so.roster_how = how[2];
	so.calendar_how = how[3];
	so.folder = folder;
	so.load_rules = rules;
	th_setup_new(&c->setup, &so);
	free(folder);
	if (th_setup_pick(c->setup, p, none, &c->pick, &e)) {
		th_report(NULL, &e);
		th_config_release(c);
		return TH_EXIT_CONFIG;
	}
	follow(c);
	return TH_EXIT_OK;
}

int th_config_read(th_config *c, const char *path, th_filing **out, th_err *e)
{
	int rc = th_setup_read(c->setup, &c->pick, path, out, e);

	follow(c);
	return rc ? rc : th_cli_return_only(out, e);
}

int th_cli_return_only(th_filing **f, th_err *e)
{
	if (!*f || !(*f)->consolidated)
		return 0;
	th_filing_free(*f);
	*f = NULL;
	return th_fail(e, TH_E_NOT_RETURN,
		       "tệp này là sổ tổng hợp do tonghop lập (mang số liệu của nhiều đơn vị), không phải "
		       "báo cáo của một đơn vị: lệnh này đọc báo cáo của một xã; sổ tổng hợp được dùng lại "
		       "bằng 'tonghop merge' (tổng hợp lên cấp trên)");
}

void th_config_release(th_config *c)
{
	th_pick_release(&c->pick);
	th_setup_free(c->setup);
	memset(c, 0, sizeof(*c));
}

/* ---- tonghop config ---- */

/* One file: its path, what it is (and a second line, may be NULL), why it is used. */
static void put_item(const char *title, const char *path, const char *what, const char *more, const char *why)
{
	th_put_padded(stdout, title, 11);
	th_put_clean(path ? path : "(không có)", stdout);
	putc('\n', stdout);
	for (int i = 0; i < 2; i++) {
		const char *t = i ? more : what;
		if (t && *t) {
			fputs("           ", stdout);
			th_put_clean(t, stdout);
			putc('\n', stdout);
		}
	}
	if (why) {
		fputs("           vì: ", stdout);
		th_put_clean(why, stdout);
		putc('\n', stdout);
	}
}

static void show(const th_config *c)
{
	const th_pick *p = &c->pick;
	char v[TH_VALIDITY_VI_MAX], w[TH_WHEN_VI_MAX];
	th_sbuf sb = TH_SBUF_INIT;

	if (p->period.kind != TH_P_NONE || p->day.y)
		printf("Cấu hình cho %s:\n\n", th_when_vi(p->period, p->day, w));
	else
		fputs("Cấu hình khi chưa biết kỳ (các tệp có hiệu lực đến xa nhất; --period KỲ cho một kỳ):\n\n",
		      stdout);
	th_sbuf_addf(&sb, "%s — %s; hiệu lực %s", p->schema->id, p->schema->title, th_validity_vi(&p->schema->valid, v));
	put_item("Biểu mẫu", p->schema->path, sb.buf, NULL, p->why[TH_PICK_SCHEMA]);
	th_sbuf_reset(&sb);
	if (p->rules)
		th_sbuf_addf(&sb, "%zu quy tắc", p->rules->n_rules);
	put_item("Quy tắc", p->rules_path, sb.buf, NULL, p->why[TH_PICK_RULES]);
	th_sbuf_reset(&sb);
	if (p->roster) {
		size_t n[5] = { 0 };
		const th_roster *r = p->roster;
		static const th_unit_type order[] = { TH_UNIT_XA, TH_UNIT_PHUONG, TH_UNIT_DAC_KHU, TH_UNIT_THI_TRAN,
						      TH_UNIT_OTHER };
		bool first = true;

		for (size_t i = 0; i < r->n_units; i++)
			n[r->units[i].type]++;
		th_sbuf_addf(&sb, "%s: %zu đơn vị (", r->name, r->n_units);
		for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
			if (n[order[i]]) {
				th_sbuf_addf(&sb, "%s%zu %s", first ? "" : ", ", n[order[i]],
					     order[i] == TH_UNIT_OTHER ? "không rõ loại" : th_unit_type_name(order[i]));
				first = false;
			}
		th_sbuf_adds(&sb, ")");
		if (r->n_provinces > 1)
			th_sbuf_addf(&sb, " ở %zu tỉnh, thành phố", r->n_provinces);
		th_sbuf_addf(&sb, "; hiệu lực %s", th_validity_vi(&r->valid, v));
		put_item("Danh sách", r->path, sb.buf, NULL, p->why[TH_PICK_ROSTER]);
	} else {
		put_item("Danh sách", NULL, "biểu mẫu không ghi danh sách đơn vị (roster = …): không tổng hợp được", NULL, NULL);
	}
	th_sbuf_reset(&sb);
	if (p->calendar) {
		th_sbuf more = TH_SBUF_INIT;
		th_sbuf_addf(&sb, "%s; hiệu lực %s", p->calendar->name, th_validity_vi(&p->calendar->valid, v));
		if (p->period.kind != TH_P_NONE) {
			th_date from, to, due;
			char a[TH_DATE_MAX], b[TH_DATE_MAX], d[TH_DATE_MAX], label[TH_PERIOD_LABEL_MAX];
			th_calendar_window(p->calendar, p->period, &from, &to, &due);
			th_date_vn(from, a);
			th_date_vn(to, b);
			th_date_vn(due, d);
			th_period_label_vi(p->period, label, sizeof(label));
			th_sbuf_addf(&more, "%s: số liệu từ ngày %s đến ngày %s, hạn nộp ngày %s", label, a, b, d);
		}
		put_item("Lịch", p->calendar->path, sb.buf, more.buf, p->why[TH_PICK_CALENDAR]);
		th_sbuf_release(&more);
	} else {
		put_item("Lịch", NULL, "biểu mẫu không ghi lịch báo cáo (calendar = …)", NULL, NULL);
	}
	th_sbuf_release(&sb);
}

int cmd_config(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "period", required_argument, NULL, 'p' },
		{ "schema", required_argument, NULL, 's' },
		{ "rules", required_argument, NULL, 'r' },
		TH_CONFIG_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	th_config_opts o = { NULL, NULL, NULL, NULL };
	th_period period = { TH_P_NONE, 0, 0 };
	th_config cfg;
	int ch, rc;

	optind = 0;
	while ((ch = th_getopt(argc, argv, "h", opts)) != -1) {
		if (th_config_option(&o, ch, optarg))
			continue;
		switch (ch) {
		case 'p':
			if (th_period_parse(optarg, &period)) {
				th_bad_period(optarg);
				return TH_EXIT_USAGE;
			}
			break;
		case 's': o.schema = optarg; break;
		case 'r': o.rules = optarg; break;
		case 'h': fputs(config_usage, stdout); return th_finish_stdout(TH_EXIT_OK);
		default:
			fputs("xem 'tonghop config --help'\n", stderr);
			return TH_EXIT_USAGE;
		}
	}
	if (argc - optind > 1 || (argc - optind == 1 && period.kind != TH_P_NONE)) {
		th_complain("config nhận --period KỲ hoặc một báo cáo, không cả hai");
		return TH_EXIT_USAGE;
	}
	rc = th_config_load(&cfg, &o, period, true);
	if (rc)
		return rc;
	if (optind < argc) {
		th_filing *f = NULL;
		th_err e = { 0 };
		if (th_config_read(&cfg, argv[optind], &f, &e)) {
			th_report(argv[optind], &e);
			th_config_release(&cfg);
			return th_exit_for(e.code);
		}
		if (!th_setup_day(f).y)
			printf("%s: báo cáo không ghi kỳ, thời gian lấy số liệu hay ngày báo cáo\n", argv[optind]);
		th_filing_free(f);
	}
	show(&cfg);
	th_config_release(&cfg);
	return th_finish_stdout(TH_EXIT_OK);
}
