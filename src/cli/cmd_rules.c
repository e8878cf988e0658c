/*
 * `tonghop rules [--lint]`: the rules in force for a period, one line each with its
 * severity, title and check; or, with --lint, a check of a rule file beyond what loading
 * it checks.
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE /* getopt_long */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "check/rules.h"
#include "cli/cli.h"
#include "base/banned.h"

static const char *const rules_usage =
	"cách dùng: tonghop rules [--lint] [--rules TỆP.ini] [--schema TỆP.ini] [--period KỲ]\n"
	"\n"
	"Liệt kê các quy tắc kiểm tra đang dùng; với --lint, kiểm tra tệp quy tắc: cú pháp\n"
	"(TỆP:DÒNG và dấu ^ dưới chỗ sai), biểu hay dòng không có, điều kiện không bao giờ\n"
	"đúng, giới hạn trái nhau.\n"
	"\n"
	"Mã thoát: 0 tốt, 1 --lint thấy vấn đề, 2 sai cú pháp lệnh, 3 tệp quy tắc lỗi.\n"
	TH_CONFIG_HELP_WHY;

int cmd_rules(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "lint", no_argument, NULL, 'l' },
		{ "rules", required_argument, NULL, 'r' },
		{ "schema", required_argument, NULL, 's' },
		{ "period", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	th_config_opts o = { NULL, NULL, NULL, NULL };
	th_period period = { TH_P_NONE, 0, 0 };
	bool lint = false;
	th_config cfg;
	int ch, rc;

	optind = 0;
	while ((ch = th_getopt(argc, argv, "h", opts)) != -1) {
		switch (ch) {
		case 'l': lint = true; break;
		case 'r': o.rules = optarg; break;
		case 's': o.schema = optarg; break;
		case 'p':
			if (th_period_parse(optarg, &period)) {
				th_bad_period(optarg);
				return TH_EXIT_USAGE;
			}
			break;
		case 'h': fputs(rules_usage, stdout); return th_finish_stdout(TH_EXIT_OK);
		default:
			fputs("xem 'tonghop rules --help'\n", stderr);
			return TH_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		th_complain("rules không nhận tệp; dùng --rules TỆP.ini");
		return TH_EXIT_USAGE;
	}
	rc = th_config_load(&cfg, &o, period, !lint);
	if (rc)
		return rc;
	if (lint) {
		th_findings fs = TH_FINDINGS_INIT;
		th_err e = { 0 };
		const char *p = cfg.pick.rules_path;
		if (th_rules_lint(p, cfg.schema, &fs, &e)) {
			th_report(NULL, &e);
			rc = TH_EXIT_CONFIG;
		} else {
			for (size_t i = 0; i < fs.n; i++)
				printf("%s\n", fs.v[i].message);
			printf("%s: %zu quy tắc có vấn đề\n", p, fs.n);
			rc = fs.n ? TH_EXIT_FINDINGS : TH_EXIT_OK;
		}
		th_findings_release(&fs);
	} else {
		const th_ruleset *rs = cfg.rules;
		printf("%s: %zu quy tắc\n", rs->path, rs->n_rules);
		for (size_t i = 0; i < rs->n_rules; i++) {
			const th_rule *r = &rs->rules[i];
			printf("  %-6s ", r->id);
			th_put_padded(stdout, th_severity_vi(r->severity), 9);
			printf(" %s\n         %s\n", r->title[0] ? r->title : "", r->check_text);
		}
	}
	th_config_release(&cfg);
	return th_finish_stdout(rc);
}
