/*
 * `tonghop serve --data DIR [--listen ADDR:PORT]`: the portal where communes submit their
 * returns and the office reviews them, one program and one data folder. This file reads
 * the options and the configuration, starts the server (serve/httpd.h) and waits for
 * SIGINT or SIGTERM; the log (one line per request) goes to standard error.
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE /* getopt_long */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "base/mem.h"
#include "check/rules.h"
#include "serve/httpd.h"
#include "serve/rebuild.h"
#include "serve/web.h"
#include "base/banned.h"

static const char *const serve_usage =
	"cách dùng: tonghop serve --data THƯ-MỤC [--listen ĐỊA-CHỈ:CỔNG] [--period KỲ]...\n"
	"                         [--schema TỆP.ini] [--rules TỆP.ini] [--roster TỆP.ini] [--calendar TỆP.ini]\n"
	"                         [--threads N] [--max-upload MB] [--timeout GIÂY]\n"
	"                         [--cert TỆP.pem --key TỆP.pem | --insecure-http]\n"
	"\n"
	"Chạy cổng nhận báo cáo: các xã đăng nhập, kiểm tra và nộp báo cáo; văn phòng theo dõi kỳ\n"
	"báo cáo, tiếp nhận hoặc trả lại từng báo cáo, tải sổ tổng hợp. Mọi dữ liệu (cơ sở dữ liệu,\n"
	"tệp đã nộp) nằm trong THƯ-MỤC; không cần máy chủ nào khác. Tài khoản cấp bằng 'tonghop users'.\n"
	"\n"
	"  --data THƯ-MỤC     thư mục dữ liệu (tạo mới nếu chưa có)\n"
	"  --listen Đ:C       địa chỉ và cổng nghe (mặc định 127.0.0.1:8080; 0.0.0.0:8080 cho cả mạng\n"
	"                     nội bộ; cổng 0: một cổng trống bất kỳ)\n"
	"  --period KỲ        mở kỳ báo cáo này để các xã nộp (như 2023-Q3; dùng nhiều lần được)\n"
	"  --schema, --rules, --roster, --calendar  cấu hình như các lệnh khác\n"
	"  --threads N        số luồng xử lý (mặc định 8)\n"
	"  --max-upload MB    cỡ tối đa của một tệp nộp (mặc định 20)\n"
	"  --timeout GIÂY     một kết nối được im lặng, và được gửi phần đầu của một yêu cầu, trong\n"
	"                     chừng ấy giây (mặc định 30); quá thì bị đóng\n"
	"  --cert, --key      chứng chỉ và khoá TLS (PEM): phục vụ qua https\n"
	"  --insecure-http    cho phép http thường trên địa chỉ không phải 127.0.0.1 (mặc định bị từ chối:\n"
	"                     mật khẩu sẽ đi qua mạng không mã hoá)\n"
	"\n"
	"Dừng bằng Ctrl+C (hoặc SIGTERM). Mã thoát: 0 dừng bình thường, 2 sai cú pháp lệnh,\n"
	"3 cấu hình lỗi, 5 không mở được thư mục dữ liệu hoặc cổng.\n";

static pthread_mutex_t log_lock = PTHREAD_MUTEX_INITIALIZER;

static void log_line(void *cls, const char *line)
{
	(void)cls;
	pthread_mutex_lock(&log_lock);
	fputs(line, stderr);
	fputc('\n', stderr);
	pthread_mutex_unlock(&log_lock);
}

/* The whole of a small file (a PEM) as a string, or NULL. */
static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t n = 0, cap = 0;
	int ch;

	if (!f)
		return NULL;
	while ((ch = getc(f)) != EOF && n < 1024 * 1024) {
		th_grow((void **)&buf, &cap, n + 2, 1);
		buf[n++] = (char)ch;
	}
	fclose(f);
	if (!buf)
		return th_xstrdup("");
	buf[n] = '\0';
	return buf;
}

static int parse_listen(const char *s, char *host, size_t cap, uint16_t *port)
{
	const char *colon = strrchr(s, ':');
	char *end;
	long p;

	if (!colon || colon == s || (size_t)(colon - s) >= cap)
		return -1;
	if (s[0] == '[' && colon[-1] == ']')
		snprintf(host, cap, "%.*s", (int)(colon - s - 2), s + 1);
	else
		snprintf(host, cap, "%.*s", (int)(colon - s), s);
	errno = 0;
	p = strtol(colon + 1, &end, 10);
	if (errno || end == colon + 1 || *end || p < 0 || p > 65535)
		return -1;
	*port = (uint16_t)p;
	return 0;
}

static long parse_count(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		return -1;
	return v;
}

/* What the command line asked for. */
struct serve_args {
	const char *data, *listen, *cert, *key;
	th_config_opts co;
	char **periods; /* canonical ("2023-Q3"), to open */
	size_t n_periods, cap;
	long threads, max_mb, timeout;
	bool insecure_http;
	char host[64];
	uint16_t port;
};

static void serve_args_release(struct serve_args *a)
{
	for (size_t i = 0; i < a->n_periods; i++)
		free(a->periods[i]);
	free(a->periods);
}

/* Parse the options into *a. Returns -1 to go on, or the exit code to end with. */
static int serve_options(int argc, char **argv, struct serve_args *a)
{
	static const struct option opts[] = {
		{ "data", required_argument, NULL, 'd' },
		{ "listen", required_argument, NULL, 'l' },
		{ "period", required_argument, NULL, 'p' },
		{ "schema", required_argument, NULL, 's' },
		{ "rules", required_argument, NULL, 'r' },
		{ "roster", required_argument, NULL, 'R' },
		{ "calendar", required_argument, NULL, 'C' },
		{ "threads", required_argument, NULL, 't' },
		{ "max-upload", required_argument, NULL, 'm' },
		{ "cert", required_argument, NULL, 'c' },
		{ "key", required_argument, NULL, 'k' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "insecure-http", no_argument, NULL, 'I' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	optind = 0;
	while ((ch = th_getopt(argc, argv, "h", opts)) != -1) {
		switch (ch) {
		case 'd': a->data = optarg; break;
		case 'l': a->listen = optarg; break;
		case 'p': {
			th_period p;
			char canon[TH_PERIOD_MAX];
			if (th_period_parse(optarg, &p)) {
				th_bad_period(optarg);
				return TH_EXIT_USAGE;
			}
			th_period_format(p, canon, sizeof(canon));
			th_grow((void **)&a->periods, &a->cap, a->n_periods + 1, sizeof(*a->periods));
			a->periods[a->n_periods++] = th_xstrdup(canon);
			break;
		}
		case 's': a->co.schema = optarg; break;
		case 'r': a->co.rules = optarg; break;
		case 'R': a->co.roster = optarg; break;
		case 'C': a->co.calendar = optarg; break;
		case 't':
			if ((a->threads = parse_count(optarg, 1, 256)) < 0) {
				th_complain("--threads cần một số từ 1 đến 256");
				return TH_EXIT_USAGE;
			}
			break;
		case 'm':
			if ((a->max_mb = parse_count(optarg, 1, 1024)) < 0) {
				th_complain("--max-upload cần một số MB từ 1 đến 1024");
				return TH_EXIT_USAGE;
			}
			break;
		case 'c': a->cert = optarg; break;
		case 'k': a->key = optarg; break;
		case 'T':
			if ((a->timeout = parse_count(optarg, 1, 3600)) < 0) {
				th_complain("--timeout cần một số giây từ 1 đến 3600");
				return TH_EXIT_USAGE;
			}
			break;
		case 'I': a->insecure_http = true; break;
		case 'h':
			fputs(serve_usage, stdout);
			return th_finish_stdout(TH_EXIT_OK);
		default:
			fputs("xem 'tonghop serve --help'\n", stderr);
			return TH_EXIT_USAGE;
		}
	}
	return -1;
}

/* The options that must go together or be there. Returns -1 to go on, or the exit code. */
static int serve_check_args(int argc, char **argv, struct serve_args *a)
{
	if (optind < argc) {
		th_complain("serve không nhận tệp: '%s'", argv[optind]);
		return TH_EXIT_USAGE;
	}
	if (!a->data) {
		th_complain("serve cần --data THƯ-MỤC (nơi giữ cơ sở dữ liệu và các tệp đã nộp)");
		return TH_EXIT_USAGE;
	}
	if (parse_listen(a->listen, a->host, sizeof(a->host), &a->port)) {
		th_complain("--listen '%s' không hợp lệ: viết như 127.0.0.1:8080", a->listen);
		return TH_EXIT_USAGE;
	}
	if (!a->cert != !a->key) {
		th_complain("--cert và --key phải dùng cùng nhau");
		return TH_EXIT_USAGE;
	}
	if (a->cert && a->insecure_http) {
		th_complain("--insecure-http không dùng cùng --cert/--key");
		return TH_EXIT_USAGE;
	}
	return -1;
}

/* Open the periods the command line names, in the store of w. */
static int open_periods(const struct serve_args *a, th_web *w)
{
	th_err e = { 0 };

	for (size_t i = 0; i < a->n_periods; i++) {
		th_actor who = { 0, "(dòng lệnh)", "" };
		bool open;
		th_store *st = th_web_store(w, &e);
		if (!st || th_store_period_open(st, a->periods[i], &open, &e) ||
		    (!open && th_store_period_set(st, &who, a->periods[i], true, (int64_t)time(NULL), &e))) {
			th_report(a->data, &e);
			return TH_EXIT_SYSTEM;
		}
	}
	return TH_EXIT_OK;
}

/* The signals that stop the server, in *set, blocked in this thread. Called before any thread
 * starts (the rebuilder, the HTTP workers), so that every thread inherits the mask and the
 * signals reach only sigwait: `timeout` and a terminal send SIGINT to the whole process group
 * too, and a thread that did not block it would let the default action kill the process while
 * it stops. */
static void stop_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, set, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Start the server for w and wait for the signals of set (blocked by stop_signals). */
static int serve_until_stopped(const struct serve_args *a, th_web *w, const sigset_t *set, const char *cert_pem,
			       const char *key_pem)
{
	th_httpd *h = NULL;
	th_httpd_conf hc = { 0 };
	th_err e = { 0 };
	int sig;

	tzset(); /* local times (localtime_r, libzip's entry times) on many threads: the zone loaded once */
	hc.host = a->host;
	hc.port = a->port;
	hc.threads = (unsigned)a->threads;
	hc.timeout = (unsigned)a->timeout;
	/* an upload is ~10 ms of CPU and several waits for the disk (fsync of the file, the
	 * feedback, the commit): three workers a core keep the cores busy (make bench-serve) */
	{
		long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
		hc.workers = (unsigned)(ncpu < 2 ? 6 : ncpu > 8 ? 24 : 3 * ncpu);
	}
	hc.insecure_http = a->insecure_http;
	hc.cert_pem = cert_pem;
	hc.key_pem = key_pem;
	if (th_httpd_start(&h, w, &hc, &e)) {
		th_report(NULL, &e);
		return e.code == TH_E_USAGE ? TH_EXIT_USAGE : TH_EXIT_SYSTEM;
	}
	fprintf(stderr, "tonghop serve: đang phục vụ tại %s://%s%s%s:%u (dữ liệu: %s)\n", a->cert ? "https" : "http",
		strchr(a->host, ':') ? "[" : "", a->host, strchr(a->host, ':') ? "]" : "", (unsigned)th_httpd_port(h),
		a->data);
	fflush(stderr);
	sigwait(set, &sig);
	fprintf(stderr, "tonghop serve: dừng (tín hiệu %d)\n", sig);
	th_httpd_stop(h);
	return TH_EXIT_OK;
}

/* Load the configuration, make the portal over it, open the periods and serve. */
static int serve(const struct serve_args *a, const char *cert_pem, const char *key_pem)
{
	/* one configuration for the server: the one that holds for the last period opened
	 * here, else today's (a province's roster since 7/2025) */
	th_period p0 = { TH_P_NONE, 0, 0 };
	th_config cfg;
	th_webconf wc = { 0 };
	th_web *w = NULL;
	th_err e = { 0 };
	sigset_t set;
	int rc;

	stop_signals(&set); /* before th_rebuild_start's thread */
	if (a->n_periods)
		th_period_parse(a->periods[a->n_periods - 1], &p0);
	if ((rc = th_config_load(&cfg, &a->co, p0, true)))
		return rc;
	if (!cfg.roster) {
		th_complain("cổng cần danh sách đơn vị: biểu mẫu không chỉ tới danh sách nào, hãy dùng --roster");
		th_config_release(&cfg);
		return TH_EXIT_CONFIG;
	}
	wc.data_dir = a->data;
	wc.schema = cfg.schema;
	wc.roster = cfg.roster;
	wc.cal = cfg.calendar;
	wc.rules = cfg.rules;
	wc.max_upload = (uint64_t)a->max_mb * 1024 * 1024;
	wc.tls = a->cert != NULL;
	wc.log = log_line;
	wc.exclusive = true;
	if (th_web_new(&w, &wc, &e)) {
		th_report(a->data, &e);
		rc = TH_EXIT_SYSTEM;
	} else if ((rc = open_periods(a, w)) == TH_EXIT_OK) {
		th_rebuild *rb = NULL;
		/* the consolidated workbooks kept fresh in the background, at most every 30 s */
		if (th_rebuild_start(&rb, w, 30, &e))
			th_report(NULL, &e); /* downloads then build them themselves */
		rc = serve_until_stopped(a, w, &set, cert_pem, key_pem);
		th_rebuild_stop(rb);
	}
	th_web_free(w);
	th_config_release(&cfg);
	return rc;
}

int cmd_serve(int argc, char **argv)
{
	struct serve_args a = { .listen = "127.0.0.1:8080", .threads = 8, .max_mb = 20, .timeout = 30 };
	char *cert_pem = NULL, *key_pem = NULL;
	int rc = serve_options(argc, argv, &a);

	if (rc < 0)
		rc = serve_check_args(argc, argv, &a);
	if (rc < 0 && a.cert && (!(cert_pem = slurp(a.cert)) || !(key_pem = slurp(a.key)))) {
		th_complain("không đọc được %s", cert_pem ? a.key : a.cert);
		rc = TH_EXIT_CONFIG;
	}
	if (rc < 0)
		rc = serve(&a, cert_pem, key_pem);
	serve_args_release(&a);
	free(cert_pem);
	free(key_pem);
	return rc;
}
