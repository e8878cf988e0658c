/*
 * `tonghop check FILE...`: a commune (or the district) checks returns against the rules:
 * every finding in Vietnamese, grouped by form, with sheet, cell, the written and the
 * expected value, and a one-line verdict per file; or one JSON object with --json; with
 * --feedback, the return written back with its findings marked.
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE /* getopt_long */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/json.h"
#include "base/mem.h"
#include "check/check_file.h"
#include "check/rules.h"
#include "cli/cli.h"
#include "model/filing.h"
#include "model/finding_order.h"
#include "write/xlsx_writer.h"
#include "base/banned.h"

static const char *const check_usage =
	"cách dùng: tonghop check [--json] [--period KỲ] [--rules TỆP.ini] [--schema TỆP.ini]\n"
	"                         [--roster TỆP.ini] [--calendar TỆP.ini] FILE...\n"
	"\n"
	"Kiểm tra báo cáo: đọc từng tệp, đối chiếu số liệu theo các quy tắc, in mọi vấn đề bằng\n"
	"tiếng Việt theo từng biểu (trang, ô, giá trị đã ghi, giá trị đúng, việc cần làm) và\n"
	"một dòng kết luận cho mỗi tệp.\n"
	"\n"
	"  --json            in một đối tượng JSON (files, findings) thay cho bản tiếng Việt\n"
	"  --feedback TỆP    ghi bản phản hồi .xlsx cho xã: chính tệp của xã, giữ nguyên mọi thứ,\n"
	"                    ô lỗi được tô màu và ghi chú, thêm trang 'Lỗi' có liên kết tới từng ô\n"
	"                    (chỉ với một tệp; tệp không phải .xlsx thì báo cáo được viết lại\n"
	"                    theo biểu mẫu)\n"
	"  --period KỲ       kỳ đang kiểm tra, như 2023-Q3, 2023-M07, 2023-H1, 2023-9M, 2023;\n"
	"                    không có: kỳ ghi trong từng báo cáo chọn cấu hình cho báo cáo đó\n"
	"  --rules TỆP.ini   bộ quy tắc (mặc định: $TONGHOP_RULES, hoặc rules/ cùng tên biểu mẫu)\n"
	"  --schema TỆP.ini  biểu mẫu (mặc định: $TONGHOP_SCHEMA, hoặc biểu mẫu có hiệu lực cho kỳ\n"
	"                    trong schemas/)\n"
	TH_CONFIG_HELP
	"  -h, --help        in hướng dẫn này\n"
	"\n"
	"Mã thoát: 0 không có lỗi (có thể còn cảnh báo), 1 có lỗi, 2 sai cú pháp lệnh,\n"
	"3 cấu hình không hợp lệ hoặc không có hiệu lực cho kỳ, 4 có tệp không đọc được.\n"
	TH_CONFIG_HELP_WHY;

/* ---- the terminal report ---- */

struct colours {
	const char *err, *warn, *info, *bold, *dim, *off;
};

static void print_findings(const th_schema *s, const th_findings *fs, const struct colours *c, FILE *out)
{
	int *ranks, last = -100;
	size_t *order = th_findings_order(s, fs, &ranks); /* grouped by form, as the portal shows them */

	for (size_t k = 0; k < fs->n; k++) {
		const th_finding *f = &fs->v[order[k]];
		int rank = ranks[k];
		const char *col = f->severity == TH_SEV_ERROR ? c->err : f->severity == TH_SEV_WARNING ? c->warn : c->info;

		if (rank != last) {
			fprintf(out, "  %s%s%s\n", c->bold, f->form[0] ? th_form_heading(s, f->form) : "Chung", c->off);
			last = rank;
		}
		fprintf(out, "    %s", col);
		th_put_padded(out, th_severity_vi(f->severity), 9);
		fputs(c->off, out);
		if (f->code[0])
			fprintf(out, " dòng %s", f->code);
		if (f->sheet[0])
			fprintf(out, " %s'%s'!%s%s", c->dim, f->sheet, f->cell, c->off);
		fprintf(out, " %s[%s]%s %s\n", c->dim, f->rule, c->off, f->message);
		if (f->written[0] || f->expected[0])
			fprintf(out, "              ghi: %s%s%s\n", f->written[0] ? f->written : "(trống)",
				f->expected[0] ? " — đúng: " : "", f->expected);
	}
	free(order);
	free(ranks);
}

/* ---- JSON ---- */

struct result {
	char *path;
	const char *status; /* ok, errors, unreadable */
	char *unit, *period;
	th_findings findings;
};

static void print_json(const struct result *res, size_t n, FILE *out)
{
	th_json j;

	th_json_init(&j, out);
	th_json_obj(&j);
	th_json_key(&j, "files");
	th_json_arr(&j);
	for (size_t i = 0; i < n; i++) {
		th_json_obj(&j);
		th_json_kstr(&j, "path", res[i].path);
		th_json_kstr(&j, "unit", res[i].unit);
		th_json_kstr(&j, "period", res[i].period);
		th_json_kstr(&j, "status", res[i].status);
		th_json_end_obj(&j);
	}
	th_json_end_arr(&j);
	th_json_key(&j, "findings");
	th_json_arr(&j);
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < res[i].findings.n; k++)
			th_json_finding(&j, &res[i].findings.v[k], res[i].unit ? res[i].unit : "", res[i].path);
	th_json_end_arr(&j);
	th_json_end_obj(&j);
	putc('\n', out);
}

/* Move the findings of src to the end of dst. */
static void take_findings(th_findings *dst, th_findings *src)
{
	for (size_t i = 0; i < src->n; i++) {
		th_grow((void **)&dst->v, &dst->cap, dst->n + 1, sizeof(*dst->v));
		dst->v[dst->n++] = src->v[i];
	}
	free(src->v);
	src->v = NULL;
	src->n = src->cap = 0;
}

/* What the command line asked for. */
struct check_args {
	const char *feedback;
	th_config_opts o;
	bool json;
	th_period want;
	struct colours col;
};

/* Parse the options into *a. Returns -1 to go on, or the exit code to end with. */
static int check_args(int argc, char **argv, struct check_args *a)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "period", required_argument, NULL, 'p' },
		{ "rules", required_argument, NULL, 'r' },
		{ "schema", required_argument, NULL, 's' },
		{ "feedback", required_argument, NULL, 'f' },
		TH_CONFIG_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	optind = 0;
	while ((ch = th_getopt(argc, argv, "h", opts)) != -1) {
		if (th_config_option(&a->o, ch, optarg))
			continue;
		switch (ch) {
		case 'j': a->json = true; break;
		case 'p':
			if (th_period_parse(optarg, &a->want)) {
				th_bad_period(optarg);
				return TH_EXIT_USAGE;
			}
			break;
		case 'r': a->o.rules = optarg; break;
		case 's': a->o.schema = optarg; break;
		case 'f': a->feedback = optarg; break;
		case 'h': fputs(check_usage, stdout); return th_finish_stdout(TH_EXIT_OK);
		default:
			fputs("xem 'tonghop check --help'\n", stderr);
			return TH_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		th_complain("check cần ít nhất một tệp");
		fputs(check_usage, stderr);
		return TH_EXIT_USAGE;
	}
	if (a->feedback && argc - optind != 1) {
		th_complain("--feedback chỉ dùng với đúng một tệp");
		return TH_EXIT_USAGE;
	}
	if (a->feedback && (strcmp(a->feedback, argv[optind]) == 0 || th_same_file(a->feedback, argv[optind]))) {
		th_complain("%s: bản phản hồi không được ghi đè lên chính báo cáo: chọn tên khác", a->feedback);
		return TH_EXIT_USAGE;
	}
	return -1;
}

/* The verdict line of a return read, on the terminal. */
static void print_verdict(const char *path, const th_findings *fs, const struct colours *col)
{
	size_t nerr = th_findings_count(fs, TH_SEV_ERROR);
	size_t nwarn = th_findings_count(fs, TH_SEV_WARNING);
	size_t ninfo = th_findings_count(fs, TH_SEV_INFO);
	size_t nunfilled = th_findings_count_rule(fs, TH_RULE_UNFILLED);
	char unfilled[64] = "";

	/* a blank template or a return left half filled: say how much is missing (#11) */
	if (nunfilled)
		snprintf(unfilled, sizeof(unfilled), " (%zu dòng bắt buộc chưa điền)", nunfilled);
	if (nerr)
		printf("%s✗ %s: %zu lỗi%s, %zu cảnh báo, %zu thông tin — cần sửa các lỗi rồi gửi lại%s\n\n",
		       col->err, path, nerr, unfilled, nwarn, ninfo, col->off);
	else
		printf("%s✓ %s: không có lỗi (%zu cảnh báo, %zu thông tin)%s\n\n", nwarn ? col->warn : "",
		       path, nwarn, ninfo, nwarn ? col->off : "");
}

/*
 * Read and check one return into *res: with --period by the period's configuration, else
 * by the configuration of the period the return gives (cfg follows it). Print it unless
 * JSON, write its feedback; *worst takes the exit code it calls for.
 */
static void check_one(const struct check_args *a, th_config *cfg, const char *path, struct result *res,
		      int *worst)
{
	const struct colours *col = &a->col;
	th_filing *f = NULL;
	th_err e = { 0 };

	res->path = th_xstrdup(path);
	if (a->want.kind != TH_P_NONE ? th_check_file(&f, path, cfg->schema, cfg->roster, cfg->rules, cfg->calendar,
						      a->want, &e) || th_cli_return_only(&f, &e) :
					th_config_read(cfg, path, &f, &e)) {
		int code = th_exit_for(e.code);
		th_report(path, &e);
		res->status = "unreadable";
		if (code > *worst)
			*worst = code;
		if (!a->json) {
			printf("%s✗ ", col->err);
			th_put_clean(path, stdout);
			printf(": %s — %s%s\n\n", e.code == TH_E_CONFIG ? "không kiểm tra được" : "không đọc được",
			       e.msg, col->off);
		}
		return;
	}
	if (a->want.kind == TH_P_NONE)
		th_check_filing(f, cfg->rules, cfg->calendar, a->want);
	if (f->unit)
		res->unit = th_xstrdup(f->unit->code);
	if (f->period.kind != TH_P_NONE) {
		char p[TH_PERIOD_MAX];
		th_period_format(f->period, p, sizeof(p));
		res->period = th_xstrdup(p);
	}
	res->status = th_findings_count(&f->findings, TH_SEV_ERROR) ? "errors" : "ok";
	if (th_findings_count(&f->findings, TH_SEV_ERROR) && *worst == TH_EXIT_OK)
		*worst = TH_EXIT_FINDINGS;
	if (!a->json) {
		fputs(col->bold, stdout);
		th_put_clean(path, stdout);
		printf("%s — %s\n", col->off, f->unit ? f->unit->name : "đơn vị chưa xác định");
		print_findings(cfg->schema, &f->findings, col, stdout);
		print_verdict(path, &f->findings, col);
	}
	if (a->feedback) {
		th_err we = { 0 };
		th_feedback_info how;
		if (th_write_feedback_info(f, &f->findings, cfg->calendar, a->feedback, &how, &we)) {
			th_report(a->feedback, &we);
			*worst = TH_EXIT_SYSTEM;
		} else if (!a->json) {
			printf("Đã ghi bản phản hồi: ");
			th_put_clean(a->feedback, stdout);
			printf("\n");
			if (how.rewritten) {
				th_put_clean(how.note, stdout);
				printf("\n");
			}
			printf("\n");
		}
	}
	take_findings(&res->findings, &f->findings);
	th_filing_free(f);
}

int cmd_check(int argc, char **argv)
{
	struct check_args a = { .want = { TH_P_NONE, 0, 0 }, .col = { "", "", "", "", "", "" } };
	th_config cfg;
	struct result *res;
	int rc, worst = TH_EXIT_OK;
	size_t nfiles;

	rc = check_args(argc, argv, &a);
	if (rc >= 0)
		return rc;
	/* with --period the configuration is the period's; without, each return's own */
	rc = th_config_load(&cfg, &a.o, a.want, true);
	if (rc)
		return rc;
	if (!a.json && isatty(STDOUT_FILENO) && !getenv("NO_COLOR"))
		a.col = (struct colours){ "\033[31m", "\033[33m", "\033[36m", "\033[1m", "\033[2m", "\033[0m" };
	nfiles = (size_t)(argc - optind);
	res = th_xcalloc(nfiles + 1, sizeof(*res));
	for (size_t i = 0; i < nfiles; i++)
		check_one(&a, &cfg, argv[optind + (int)i], &res[i], &worst);
	if (a.json)
		print_json(res, nfiles, stdout);
	for (size_t i = 0; i < nfiles; i++) {
		free(res[i].path);
		free(res[i].unit);
		free(res[i].period);
		th_findings_release(&res[i].findings);
	}
	free(res);
	th_config_release(&cfg);
	return th_finish_stdout(worst);
}
