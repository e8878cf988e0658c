/*
 * `tonghop merge --period P -o OUT.xlsx [--json OUT.json] PATH...`: the district office
 * consolidates a period. Every return is read and checked; a bad file never stops the
 * merge; the workbook (who sent what, a sheet per form with live totals, the error sheet)
 * and the JSON are written; a summary is printed in Vietnamese.
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE /* getopt_long */
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mem.h"
#include "check/rules.h"
#include "cli/cli.h"
#include "merge/merge.h"
#include "write/xlsx_writer.h"
#include "base/banned.h"

static const char *const merge_usage =
	"cách dùng: tonghop merge --period KỲ -o TỆP.xlsx [--json TỆP.json] [--rules TỆP.ini]\n"
	"                         [--schema TỆP.ini] [--roster TỆP.ini] [--calendar TỆP.ini]\n"
	"                         ĐƯỜNG-DẪN...\n"
	"\n"
	"Tổng hợp báo cáo của một kỳ: đọc và kiểm tra mọi tệp (hoặc mọi tệp trong các thư mục),\n"
	"ghi một sổ tổng hợp: trang 'Tổng hợp' (đơn vị nào đã gửi, ngày nào, đúng hạn không),\n"
	"một trang cho mỗi biểu (mỗi đơn vị một cột, cột Tổng là công thức), trang 'Lỗi'\n"
	"(mỗi lỗi một dòng, có liên kết tới ô). Một tệp hỏng không làm dừng việc tổng hợp.\n"
	"\n"
	"  --period KỲ       kỳ tổng hợp (bắt buộc): 2023-Q3, 2023-M07, 2023-H1, 2023-9M, 2023\n"
	"  -o, --output TỆP  sổ tổng hợp .xlsx (bắt buộc)\n"
	"  --json TỆP        ghi thêm toàn bộ kết quả dạng JSON\n"
	"  --rules TỆP.ini   bộ quy tắc kiểm tra (mặc định: $TONGHOP_RULES, hoặc theo biểu mẫu)\n"
	"  --schema TỆP.ini  biểu mẫu (mặc định: $TONGHOP_SCHEMA, hoặc biểu mẫu có hiệu lực cho kỳ\n"
	"                    trong schemas/)\n"
	TH_CONFIG_HELP
	"  -h, --help        in hướng dẫn này\n"
	"\n"
	"Mã thoát: 0 xong, không có lỗi; 1 có báo cáo có lỗi; 2 sai cú pháp lệnh; 3 cấu hình\n"
	"lỗi hoặc không có hiệu lực cho kỳ; 4 có tệp không đọc được (các tệp khác vẫn được tổng\n"
	"hợp); 5 không ghi được kết quả.\n"
	TH_CONFIG_HELP_WHY;

/* Does the JSON go to standard output: "-", or the very file standard output is (the summary
 * then goes to stderr, so that stdout holds the JSON alone)? */
static bool json_to_stdout(const char *path)
{
	struct stat st, so;

	return strcmp(path, "-") == 0 || (fstat(STDOUT_FILENO, &so) == 0 && stat(path, &st) == 0 &&
					   so.st_dev == st.st_dev && so.st_ino == st.st_ino);
}

static void print_summary(const th_merge *m, const char *out, FILE *o)
{
	char label[TH_PERIOD_LABEL_MAX], a[TH_DATE_MAX], b[TH_DATE_MAX], d[TH_DATE_MAX];
	size_t missing = m->n_units - m->received;

	th_period_label_vi(m->period, label, sizeof(label));
	fprintf(o, "Tổng hợp %s — %s\n", label, m->roster->name);
	if (m->deadline.y) {
		th_date_vn(m->from, a);
		th_date_vn(m->to, b);
		th_date_vn(m->deadline, d);
		fprintf(o, "Thời gian lấy số liệu %s – %s, hạn nộp %s\n", a, b, d);
	}
	fprintf(o, "Đã nhận: %zu/%zu đơn vị; đúng hạn: %zu/%zu\n", m->received, m->n_units, m->on_time, m->received);
	if (missing) {
		fprintf(o, "Chưa nhận (%zu):", missing);
		for (size_t u = 0, k = 0; u < m->n_units; u++)
			if (m->units[u].file < 0)
				fprintf(o, "%s %s", k++ ? "," : "", m->units[u].unit->name);
		putc('\n', o);
	}
	for (size_t u = 0; u < m->n_units; u++)
		if (m->units[u].on_time == 0) {
			th_date_vn(m->files[m->units[u].file].report_date, d);
			fprintf(o, "Trễ hạn: %s (ngày %s)\n", m->units[u].unit->name, d);
		}
	for (size_t i = 0; i < m->n_files; i++) {
		if (m->files[i].status == TH_F_USED)
			continue;
		fputs("Không dùng: ", o);
		th_put_clean(m->files[i].path, o);
		fprintf(o, " — %s: ", th_fstatus_vi(m->files[i].status));
		th_put_clean(m->files[i].message, o);
		putc('\n', o);
	}
	fprintf(o, "Lỗi: %zu, cảnh báo: %zu (xem trang 'Lỗi')\n", m->errors, m->warnings);
	for (size_t u = 0; u < m->n_units; u++)
		if (m->units[u].errors)
			fprintf(o, "  %s: %zu lỗi\n", m->units[u].unit->name, m->units[u].errors);
	if (out)
		fprintf(o, "Đã ghi: %s\n", out);
}

int cmd_merge(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "period", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "json", required_argument, NULL, 'j' },
		{ "rules", required_argument, NULL, 'r' },
		{ "schema", required_argument, NULL, 's' },
		TH_CONFIG_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *json = NULL, *pstr = NULL;
	const char *outputs[3] = { NULL, NULL, NULL };
	th_config_opts o = { NULL, NULL, NULL, NULL };
	th_period period;
	th_config cfg;
	th_merge *m = NULL;
	th_err e = { 0 };
	int ch, rc;

	optind = 0;
	while ((ch = th_getopt(argc, argv, "ho:", opts)) != -1) {
		if (th_config_option(&o, ch, optarg))
			continue;
		switch (ch) {
		case 'p': pstr = optarg; break;
		case 'o': out = optarg; break;
		case 'j': json = optarg; break;
		case 'r': o.rules = optarg; break;
		case 's': o.schema = optarg; break;
		case 'h': fputs(merge_usage, stdout); return th_finish_stdout(TH_EXIT_OK);
		default:
			fputs("xem 'tonghop merge --help'\n", stderr);
			return TH_EXIT_USAGE;
		}
	}
	if (!pstr || !out || optind >= argc) {
		th_complain("merge cần --period KỲ, -o TỆP.xlsx và ít nhất một tệp hoặc thư mục");
		fputs("xem 'tonghop merge --help'\n", stderr);
		return TH_EXIT_USAGE;
	}
	if (th_period_parse(pstr, &period)) {
		th_bad_period(pstr);
		return TH_EXIT_USAGE;
	}
	if (json && (strcmp(json, out) == 0 || th_same_file(json, out))) {
		th_complain("-o và --json phải là hai tệp khác nhau");
		return TH_EXIT_USAGE;
	}
	rc = th_config_load(&cfg, &o, period, true);
	if (rc)
		return rc;
	if (!cfg.roster) {
		th_complain("%s: biểu mẫu không chỉ ra danh sách đơn vị (roster = ...), không tổng hợp được",
			    cfg.schema->path);
		th_config_release(&cfg);
		return TH_EXIT_CONFIG;
	}
	outputs[0] = out;
	outputs[1] = json;
	if (th_merge_run(&m, cfg.schema, cfg.roster, cfg.calendar, cfg.rules, period, argv + optind,
			 (size_t)(argc - optind), outputs, &e)) {
		th_report(NULL, &e);
		rc = th_exit_for(e.code);
		goto out;
	}
	if (th_write_merge(m, out, &e)) {
		th_report(out, &e);
		rc = TH_EXIT_SYSTEM;
		goto out;
	}
	if (json && json_to_stdout(json)) {
		th_merge_json(m, stdout); /* a failure to write it is said by th_finish_stdout */
	} else if (json && th_merge_write_json(m, json, &e)) {
		th_report(json, &e);
		rc = TH_EXIT_SYSTEM;
		goto out;
	}
	for (size_t i = 0; i < m->n_files; i++)
		if (m->files[i].status == TH_F_UNREADABLE) /* one line each, as for any input */
			th_complain("%s: %s", m->files[i].path, m->files[i].message);
	print_summary(m, out, json && json_to_stdout(json) ? stderr : stdout);
	rc = TH_EXIT_OK;
	if (m->errors)
		rc = TH_EXIT_FINDINGS;
	for (size_t i = 0; i < m->n_files; i++)
		if (m->files[i].status == TH_F_UNREADABLE)
			rc = TH_EXIT_INPUT;
out:
	th_merge_free(m);
	th_config_release(&cfg);
	return th_finish_stdout(rc);
}
