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

#include "cli/cli.h"
#include "base/mem.h"
#include "check/rules.h"
#include "serve/httpd.h"
#include "serve/web.h"
#include "base/banned.h"

static const char *const serve_usage =
	"cách dùng: tonghop serve --data THƯ-MỤC [--listen ĐỊA-CHỈ:CỔNG] [--period KỲ]...\n"
	"                         [--schema TỆP.ini] [--rules TỆP.ini] [--roster TỆP.ini] [--calendar TỆP.ini]\n"
	"                         [--threads N] [--max-upload MB] [--cert TỆP.pem --key TỆP.pem]\n"
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
	"  --cert, --key      chứng chỉ và khoá TLS (PEM): phục vụ qua https\n"
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

int cmd_serve(int argc, char **argv)
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
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *data = NULL, *listen = "127.0.0.1:8080", *schema = NULL, *rules = NULL, *roster = NULL,
		   *calendar = NULL, *cert = NULL, *key = NULL;
	char **periods = NULL;
	size_t n_periods = 0, cap = 0;
	long threads = 8, max_mb = 20;
	char host[64];
	uint16_t port;
	th_config cfg;
	th_web *w = NULL;
	th_httpd *h = NULL;
	th_err e = { 0 };
	th_webconf wc = { 0 };
	th_httpd_conf hc = { 0 };
	char *cert_pem = NULL, *key_pem = NULL;
	sigset_t set;
	int ch, sig, rc = TH_EXIT_OK;

	optind = 0;
	while ((ch = th_getopt(argc, argv, "h", opts)) != -1) {
		switch (ch) {
		case 'd': data = optarg; break;
		case 'l': listen = optarg; break;
		case 'p': {
			th_period p;
			char canon[TH_PERIOD_MAX];
			if (th_period_parse(optarg, &p)) {
				th_bad_period(optarg);
				free(periods);
				return TH_EXIT_USAGE;
			}
			th_period_format(p, canon, sizeof(canon));
			th_grow((void **)&periods, &cap, n_periods + 1, sizeof(*periods));
			periods[n_periods++] = th_xstrdup(canon);
			break;
		}
		case 's': schema = optarg; break;
		case 'r': rules = optarg; break;
		case 'R': roster = optarg; break;
		case 'C': calendar = optarg; break;
		case 't':
			if ((threads = parse_count(optarg, 1, 256)) < 0) {
				th_complain("--threads cần một số từ 1 đến 256");
				rc = TH_EXIT_USAGE;
				goto out;
			}
			break;
		case 'm':
			if ((max_mb = parse_count(optarg, 1, 1024)) < 0) {
				th_complain("--max-upload cần một số MB từ 1 đến 1024");
				rc = TH_EXIT_USAGE;
				goto out;
			}
			break;
		case 'c': cert = optarg; break;
		case 'k': key = optarg; break;
		case 'h':
			fputs(serve_usage, stdout);
			rc = th_finish_stdout(TH_EXIT_OK);
			goto out;
		default:
			fputs("xem 'tonghop serve --help'\n", stderr);
			rc = TH_EXIT_USAGE;
			goto out;
		}
	}
	if (optind < argc) {
		th_complain("serve không nhận tệp: '%s'", argv[optind]);
		rc = TH_EXIT_USAGE;
		goto out;
	}
	if (!data) {
		th_complain("serve cần --data THƯ-MỤC (nơi giữ cơ sở dữ liệu và các tệp đã nộp)");
		rc = TH_EXIT_USAGE;
		goto out;
	}
	if (parse_listen(listen, host, sizeof(host), &port)) {
		th_complain("--listen '%s' không hợp lệ: viết như 127.0.0.1:8080", listen);
		rc = TH_EXIT_USAGE;
		goto out;
	}
	if (!cert != !key) {
		th_complain("--cert và --key phải dùng cùng nhau");
		rc = TH_EXIT_USAGE;
		goto out;
	}
	if (cert && (!(cert_pem = slurp(cert)) || !(key_pem = slurp(key)))) {
		th_complain("không đọc được %s", cert_pem ? key : cert);
		rc = TH_EXIT_CONFIG;
		goto out;
	}
	{
		/* one configuration for the server: the one that holds for the last period opened
		 * here, else today's (a province's roster since 7/2025) */
		th_config_opts co = { schema, rules, roster, calendar };
		th_period p0 = { TH_P_NONE, 0, 0 };
		if (n_periods)
			th_period_parse(periods[n_periods - 1], &p0);
		if ((rc = th_config_load(&cfg, &co, p0, true)))
			goto out;
	}
	if (!cfg.roster) {
		th_complain("cổng cần danh sách đơn vị: biểu mẫu không chỉ tới danh sách nào, hãy dùng --roster");
		rc = TH_EXIT_CONFIG;
		goto out_cfg;
	}
	wc.data_dir = data;
	wc.schema = cfg.schema;
	wc.roster = cfg.roster;
	wc.cal = cfg.calendar;
	wc.rules = cfg.rules;
	wc.max_upload = (uint64_t)max_mb * 1024 * 1024;
	wc.max_uploads = (unsigned)(threads > 2 ? threads - 1 : 1);
	wc.tls = cert != NULL;
	wc.log = log_line;
	if (th_web_new(&w, &wc, &e)) {
		th_report(data, &e);
		rc = TH_EXIT_SYSTEM;
		goto out_cfg;
	}
	for (size_t i = 0; i < n_periods; i++) {
		th_actor who = { 0, "(dòng lệnh)", "" };
		bool open;
		th_store *st = th_web_store(w, &e);
		if (!st || th_store_period_open(st, periods[i], &open, &e) ||
		    (!open && th_store_period_set(st, &who, periods[i], true, (int64_t)time(NULL), &e))) {
			th_report(data, &e);
			rc = TH_EXIT_SYSTEM;
			goto out_web;
		}
	}
	/* SIGINT and SIGTERM are waited for here; the worker threads started below inherit the mask */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	tzset(); /* local times (localtime_r, libzip's entry times) on many threads: the zone loaded once */
	hc.host = host;
	hc.port = port;
	hc.threads = (unsigned)threads;
	hc.cert_pem = cert_pem;
	hc.key_pem = key_pem;
	if (th_httpd_start(&h, w, &hc, &e)) {
		th_report(NULL, &e);
		rc = e.code == TH_E_USAGE ? TH_EXIT_USAGE : TH_EXIT_SYSTEM;
		goto out_web;
	}
	fprintf(stderr, "tonghop serve: đang phục vụ tại %s://%s%s%s:%u (dữ liệu: %s)\n", cert ? "https" : "http",
		strchr(host, ':') ? "[" : "", host, strchr(host, ':') ? "]" : "", (unsigned)th_httpd_port(h), data);
	fflush(stderr);
	sigwait(&set, &sig);
	fprintf(stderr, "tonghop serve: dừng (tín hiệu %d)\n", sig);
	th_httpd_stop(h);
out_web:
	th_web_free(w);
out_cfg:
	th_config_release(&cfg);
out:
	for (size_t i = 0; i < n_periods; i++)
		free(periods[i]);
	free(periods);
	free(cert_pem);
	free(key_pem);
	return rc;
}
