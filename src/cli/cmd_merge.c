/*
 * `tonghop merge --period P -o OUT.xlsx [--json OUT.json] PATH...`: the district office
 * consolidates a period. Every return is read and checked; a bad file never stops the
 * merge; the workbook (who sent what, a sheet per form with live totals, the error sheet)
 * and the JSON are written; a summary is printed in Vietnamese.
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE /* getopt_long */
#include <getopt.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/outfile.h"
#include "check/rules.h"
#include "cli/cli.h"
#include "merge/merge.h"
#include "write/xlsx_writer.h"
#include "base/banned.h"

static const char *const merge_usage =
	"cách dùng: tonghop merge --period KỲ -o TỆP.xlsx [--json TỆP.json] [--quiet] [--rules TỆP.ini]\n"
	"                         [--schema TỆP.ini] [--roster TỆP.ini] [--calendar TỆP.ini]\n"
	"                         ĐƯỜNG-DẪN...\n"
	"\n"
	"Tổng hợp báo cáo của một kỳ: đọc và kiểm tra mọi tệp (hoặc mọi tệp trong các thư mục,\n"
	"kể cả thư mục con của từng xã, sâu tới 3 cấp), ghi một sổ tổng hợp: trang 'Tổng hợp'\n"
	"(đơn vị nào đã gửi, ngày nào, đúng hạn không, tệp nào bị lỗi), một trang cho mỗi biểu\n"
	"(mỗi đơn vị một cột, cột Tổng là công thức), trang 'Lỗi' (mỗi lỗi một dòng, có liên kết\n"
	"tới ô), trang 'Tệp đã nhận' (mọi tệp và tình trạng từng tệp). Một tệp hỏng không làm\n"
	"dừng việc tổng hợp. Khi không có báo cáo nào dùng được (gõ nhầm thư mục, sai kỳ),\n"
	"không ghi gì và giữ nguyên tệp kết quả cũ (mã thoát 4).\n"
	"Tổng hợp lên cấp trên: ĐƯỜNG-DẪN có thể là sổ tổng hợp do tonghop ghi (của các tỉnh);\n"
	"số liệu từng xã trong sổ được dùng như báo cáo; sổ của biểu mẫu khác hoặc đã bị sửa tay\n"
	"bị từ chối (mã thoát 4), sổ của kỳ khác không được dùng.\n"
	"\n"
	"  --period KỲ       kỳ tổng hợp (bắt buộc): 2023-Q3, 2023-M07, 2023-H1, 2023-9M, 2023\n"
	"  -o, --output TỆP  sổ tổng hợp .xlsx (bắt buộc)\n"
	"  --json TỆP        ghi thêm toàn bộ kết quả dạng JSON (sổ và JSON được thay cùng lúc)\n"
	"  -q, --quiet       không hiện tiến độ đọc tệp (chỉ hiện khi chạy trên màn hình)\n"
	"  --rules TỆP.ini   bộ quy tắc kiểm tra (mặc định: $TONGHOP_RULES, hoặc theo biểu mẫu)\n"
	"  --schema TỆP.ini  biểu mẫu (mặc định: $TONGHOP_SCHEMA, hoặc biểu mẫu có hiệu lực cho kỳ\n"
	"                    trong schemas/)\n"
	TH_CONFIG_HELP
	"  -h, --help        in hướng dẫn này\n"
	"\n"
	"Mã thoát: 0 xong, không có lỗi; 1 có báo cáo có lỗi; 2 sai cú pháp lệnh; 3 cấu hình\n"
	"lỗi hoặc không có hiệu lực cho kỳ; 4 có tệp không đọc được hay sổ tổng hợp bị từ chối\n"
	"(các tệp khác vẫn được tổng hợp); 5 không ghi được kết quả.\n"
	TH_CONFIG_HELP_WHY;

/* Does the JSON go to standard output: "-", or the very file standard output is (the summary
 * then goes to stderr, so that stdout holds the JSON alone)? */
static bool json_to_stdout(const char *path)
{
	struct stat st, so;

	return strcmp(path, "-") == 0 || (fstat(STDOUT_FILENO, &so) == 0 && stat(path, &st) == 0 &&
					   so.st_dev == st.st_dev && so.st_ino == st.st_ino);
}

/* Whose figures the totals lack (#11): per unit, how many totals leave it out (a figure
 * unreadable, or a row it had to fill left blank); the workbook's total cells say which. */
static void print_lacking(const th_merge *m, FILE *o)
{
	size_t k = 0;

	for (size_t u = 0; u < m->n_units; u++) {
		size_t n = 0;
		for (size_t f = 0; f < m->schema->n_forms; f++)
			for (size_t r = 0; r < m->schema->forms[f].n_rows; r++)
				n += m->schema->forms[f].rows[r].agg != TH_AGG_NONE &&
				     (th_merge_unread(m, u, f, r) || th_merge_blank(m, u, f, r));
		if (n)
			fprintf(o, "%s %s (%zu dòng)", k++ ? "," : "Tổng chưa đủ số liệu của:", m->units[u].unit->name, n);
	}
	if (k)
		fputs(" — xem ghi chú ở ô tổng\n", o);
}

/* Received of expected per province, for the ministry. */
static void print_provinces(const th_merge *m, FILE *o)
{
	const th_roster *r = m->roster;

	fputs("Theo tỉnh, thành phố:\n", o);
	for (size_t k = 0; k < r->n_provinces; k++) {
		size_t got = 0, of = 0;
		for (size_t u = 0; u < m->n_units; u++)
			if (m->units[u].unit->province == r->provinces[k]) {
				of++;
				got += m->units[u].file >= 0;
			}
		fprintf(o, "  %s: %zu/%zu\n", r->provinces[k][0] ? r->provinces[k] : "(không ghi tỉnh)", got, of);
	}
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
	for (size_t u = 0; u < m->n_units; u++)
		missing -= m->units[u].failed >= 0;
	if (m->level == TH_LEVEL_NATIONAL && m->roster->n_provinces > 1) {
		/* thousands of names say nothing: each province's count does */
		print_provinces(m, o);
		if (missing)
			fprintf(o, "Chưa nhận: %zu đơn vị (xem trang 'Tổng hợp')\n", missing);
	} else if (missing) {
		fprintf(o, "Chưa nhận (%zu):", missing);
		for (size_t u = 0, k = 0; u < m->n_units; u++)
			if (m->units[u].file < 0 && m->units[u].failed < 0)
				fprintf(o, "%s %s", k++ ? "," : "", m->units[u].unit->name);
		putc('\n', o);
	}
	for (size_t u = 0; u < m->n_units; u++)
		if (m->units[u].failed >= 0) {
			const th_mfile *mf = &m->files[m->units[u].failed];
			fprintf(o, "Tệp lỗi: %s — ", m->units[u].unit->name);
			th_put_clean(mf->path, o);
			fputs(": ", o);
			th_put_clean(mf->message, o);
			putc('\n', o);
		}
	for (size_t u = 0; u < m->n_units; u++)
		if (m->units[u].on_time == 0) {
			th_date_vn(m->files[m->units[u].file].report_date, d);
			fprintf(o, "Trễ hạn: %s (ngày %s)\n", m->units[u].unit->name, d);
		}
	for (size_t i = 0; i < m->n_files; i++)
		if (m->files[i].status == TH_F_USED && m->files[i].book) {
			fputs("Dùng sổ tổng hợp: ", o);
			th_put_clean(m->files[i].path, o);
			fputs(" — ", o);
			th_put_clean(m->files[i].message, o);
			putc('\n', o);
		}
	for (size_t i = 0; i < m->n_files; i++) {
		if (m->files[i].status == TH_F_USED || m->files[i].within >= 0)
			continue; /* a workbook's returns not used: its line says how many */
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
	print_lacking(m, o);
	if (out)
		fprintf(o, "Đã ghi: %s\n", out);
}

/* ---- progress on a terminal ---- */

/* "Đã đọc 12/114 tệp, đang đọc: …/11242-thanhtung/bao-cao.xlsx" on one line of stderr,
 * redrawn; cleared at the end. */
static void show_progress(void *arg, size_t done, size_t total, const char *path)
{
	size_t n;

	(void)arg;
	fputs("\r\033[K", stderr);
	if (path) {
		n = strlen(path);
		fprintf(stderr, "Đã đọc %zu/%zu tệp, đang đọc: %s", done, total, n > 50 ? "…" : "");
		th_put_clean(n > 50 ? path + n - 50 : path, stderr);
	}
	fflush(stderr);
}

/* ---- writing ---- */

/*
 * The merge used no return: say why, file by file and in one line, and write nothing,
 * so that a mistyped folder or a wrong --period never replaces a good workbook.
 */
static int no_return(const th_merge *m, const char *out)
{
	static const char *const what[] = { "", "", "sai kỳ", "đơn vị ngoài danh sách", "không đọc được", "bỏ qua",
					    "sổ tổng hợp không dùng được" };
	char label[TH_PERIOD_LABEL_MAX];
	size_t n[TH_F_REFUSED + 1] = { 0 };
	char why[256] = "";
	size_t len = 0;

	th_period_label_vi(m->period, label, sizeof(label));
	for (size_t i = 0; i < m->n_files; i++) {
		if (m->files[i].within >= 0)
			continue;
		n[m->files[i].status]++;
		th_complain("%s: %s: %s", m->files[i].path, th_fstatus_vi(m->files[i].status), m->files[i].message);
	}
	for (int s = TH_F_WRONG_PERIOD; s <= TH_F_REFUSED; s++)
		if (n[s] && len < sizeof(why))
			len += (size_t)snprintf(why + len, sizeof(why) - len, "%s%zu %s", len ? ", " : " (", n[s], what[s]);
	if (len && len < sizeof(why))
		snprintf(why + len, sizeof(why) - len, ")");
	if (!m->n_files)
		th_complain("không có tệp nào trong các thư mục đã chọn");
	th_complain("không có báo cáo nào của %s dùng được trong %zu tệp%s: không ghi %s, tệp cũ (nếu có) "
		    "được giữ nguyên; hãy kiểm tra thư mục và --period", label, m->n_files, why, out);
	return TH_EXIT_INPUT;
}

/* Say so when this merge received fewer units than the workbook it is about to replace. */
static void compare_prior(const th_merge *m, const char *out)
{
	size_t had, of;

	if (th_merge_prior(out, &had, &of) == 0 && m->received < had)
		th_complain("chú ý: lần tổng hợp này chỉ dùng báo cáo của %zu/%zu đơn vị, ít hơn %zu đơn vị "
			    "của tệp %s đang được thay; hãy kiểm tra đã chọn đủ thư mục, đủ tệp chưa",
			    m->received, m->n_units, had, out);
}

/* The JSON, written and synced on a thread of its own while the workbook is written: both
 * only read the merge. */
struct json_job {
	const th_merge *m;
	const char *path;
	th_outfile *o;    /* finished, for the commit; NULL on failure */
	bool opened;      /* the failure, if any, came after the file was made */
	th_err e;
};

static void *json_write(void *arg)
{
	struct json_job *j = arg;
	th_outfile *o;

	if (th_outfile_open(&o, j->path, &j->e))
		return NULL;
	j->opened = true;
	th_merge_json(j->m, th_outfile_stream(o));
	if (th_outfile_finish(o, &j->e) == 0)
		j->o = o;
	return NULL;
}

/*
 * The workbook and its JSON, committed together: both are written and synced first (the
 * JSON on a thread of its own), and only then put in place, so that a failure of either (a
 * full disk) leaves the old pair. Returns 0, or TH_EXIT_SYSTEM having said why.
 */
static int write_outputs(const th_merge *m, const char *out, const char *json)
{
	th_outfile *v[2] = { NULL, NULL };
	th_err e = { 0 };
	bool to_stdout = json && json_to_stdout(json);
	struct json_job job = { m, json, NULL, false, { 0 } };
	pthread_t tid;
	bool threaded = false;
	int wrc;

	if (json && !to_stdout) {
		threaded = pthread_create(&tid, NULL, json_write, &job) == 0;
		if (!threaded)
			json_write(&job); /* no thread to be had: one after the other */
	}
	wrc = th_write_merge_held(m, out, &v[0], &e);
	if (threaded)
		pthread_join(tid, NULL);
	if (wrc) {
		th_outfile_abort(job.o);
		th_report(out, &e);
		return TH_EXIT_SYSTEM;
	}
	if (json && !to_stdout) {
		if (!job.o) {
			th_outfile_abort(v[0]);
			th_report(json, &job.e);
			if (job.opened)
				th_complain("%s và %s được giữ nguyên như trước", out, json);
			return TH_EXIT_SYSTEM;
		}
		v[1] = job.o;
	}
	if (th_outfile_commit_all(v, v[1] ? 2 : 1, &e)) {
		th_report(v[1] ? NULL : out, &e);
		return TH_EXIT_SYSTEM;
	}
	if (to_stdout)
		th_merge_json(m, stdout); /* a failure to write it is said by th_finish_stdout */
	return TH_EXIT_OK;
}

/* ---- the command ---- */

/* A file given that could not be used as it should (exit 4): unreadable, or a consolidated
 * workbook refused. A return a workbook carried is no file given here: its unreadable
 * file was the province's, said in the workbook. */
static bool input_failed(const th_mfile *mf)
{
	return mf->within < 0 && (mf->status == TH_F_UNREADABLE || mf->status == TH_F_REFUSED);
}

struct merge_args {
	const char *out, *json, *pstr;
	bool quiet;
	th_config_opts o;
};

/* Parse the options into a; returns -1 to go on, else the exit code. */
static int merge_options(int argc, char **argv, struct merge_args *a)
{
	static const struct option opts[] = {
		{ "period", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "json", required_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "rules", required_argument, NULL, 'r' },
		{ "schema", required_argument, NULL, 's' },
		TH_CONFIG_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	optind = 0;
	while ((ch = th_getopt(argc, argv, "hqo:", opts)) != -1) {
		if (th_config_option(&a->o, ch, optarg))
			continue;
		switch (ch) {
		case 'p': a->pstr = optarg; break;
		case 'o': a->out = optarg; break;
		case 'j': a->json = optarg; break;
		case 'q': a->quiet = true; break;
		case 'r': a->o.rules = optarg; break;
		case 's': a->o.schema = optarg; break;
		case 'h': fputs(merge_usage, stdout); return th_finish_stdout(TH_EXIT_OK);
		default:
			fputs("xem 'tonghop merge --help'\n", stderr);
			return TH_EXIT_USAGE;
		}
	}
	if (!a->pstr || !a->out || optind >= argc) {
		th_complain("merge cần --period KỲ, -o TỆP.xlsx và ít nhất một tệp hoặc thư mục");
		fputs("xem 'tonghop merge --help'\n", stderr);
		return TH_EXIT_USAGE;
	}
	if (a->json && (strcmp(a->json, a->out) == 0 || th_same_file(a->json, a->out))) {
		th_complain("-o và --json phải là hai tệp khác nhau");
		return TH_EXIT_USAGE;
	}
	return -1;
}

int cmd_merge(int argc, char **argv)
{
	struct merge_args a = { NULL, NULL, NULL, false, { NULL, NULL, NULL, NULL } };
	const char *outputs[3] = { NULL, NULL, NULL };
	th_period period;
	th_config cfg;
	th_merge *m = NULL;
	th_err e = { 0 };
	bool progress;
	int rc;

	rc = merge_options(argc, argv, &a);
	if (rc >= 0)
		return rc;
	if (th_period_parse(a.pstr, &period)) {
		th_bad_period(a.pstr);
		return TH_EXIT_USAGE;
	}
	rc = th_config_load(&cfg, &a.o, period, true);
	if (rc)
		return rc;
	if (!cfg.roster) {
		th_complain("%s: biểu mẫu không chỉ ra danh sách đơn vị (roster = ...), không tổng hợp được",
			    cfg.schema->path);
		th_config_release(&cfg);
		return TH_EXIT_CONFIG;
	}
	outputs[0] = a.out;
	outputs[1] = a.json;
	/* progress only for a person watching: never into a pipe or a log */
	progress = !a.quiet && isatty(STDERR_FILENO);
	if (th_merge_run(&m, cfg.schema, cfg.roster, cfg.calendar, cfg.rules, period, argv + optind,
			 (size_t)(argc - optind), outputs, progress ? show_progress : NULL, NULL, &e)) {
		th_report(NULL, &e);
		rc = th_exit_for(e.code);
		goto out;
	}
	if (!m->received) {
		rc = no_return(m, a.out);
		goto out;
	}
	compare_prior(m, a.out);
	rc = write_outputs(m, a.out, a.json);
	if (rc)
		goto out;
	for (size_t i = 0; i < m->n_files; i++)
		if (input_failed(&m->files[i])) /* one line each, as for any input */
			th_complain("%s: %s", m->files[i].path, m->files[i].message);
	print_summary(m, a.out, a.json && json_to_stdout(a.json) ? stderr : stdout);
	if (m->errors)
		rc = TH_EXIT_FINDINGS;
	for (size_t i = 0; i < m->n_files; i++)
		if (input_failed(&m->files[i]))
			rc = TH_EXIT_INPUT;
out:
	th_merge_free(m);
	th_config_release(&cfg);
	return th_finish_stdout(rc);
}
