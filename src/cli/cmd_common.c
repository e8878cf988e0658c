/*
 * What several commands share: finding and loading the configuration (schema, roster,
 * calendar), reporting a configuration failure, a finding as JSON, the period and
 * same-file checks of the command lines.
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE /* realpath(NULL), getopt_long */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "base/mem.h"
#include "base/banned.h"

#define DEFAULT_SCHEMA "cchc-haiduong-2023.ini"

/*
 * The schema used when --schema is not given: $TONGHOP_SCHEMA, else schemas/ beside the
 * program's folder (build/tonghop -> schemas/, bin/tonghop -> share/tonghop/schemas/),
 * else ./schemas/.
 */
char *th_default_schema(void)
{
	const char *env = getenv("TONGHOP_SCHEMA");
	char exe[PATH_MAX];
	ssize_t n;
	static const char *const rel[] = { "/../schemas/", "/../share/tonghop/schemas/" };

	if (env && *env)
		return th_xstrdup(env);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			size_t len = strlen(exe) + strlen(rel[i]) + sizeof(DEFAULT_SCHEMA);
			char *p = th_xmalloc(len);
			snprintf(p, len, "%s%s%s", exe, rel[i], DEFAULT_SCHEMA);
			if (access(p, R_OK) == 0) {
				char *real = realpath(p, NULL); /* show schemas/x.ini, not build/../schemas/x.ini */
				if (real) {
					free(p);
					return real;
				}
				return p;
			}
			free(p);
		}
	}
	return th_xstrdup("schemas/" DEFAULT_SCHEMA);
}

int th_config_load(th_config *c, const char *schema_path)
{
	th_err e = { 0 };
	char *path = schema_path ? th_xstrdup(schema_path) : th_default_schema();

	memset(c, 0, sizeof(*c));
	if (th_schema_load(&c->schema, path, &e))
		goto fail;
	if (c->schema->roster_path && th_roster_load(&c->roster, c->schema->roster_path, &e))
		goto fail;
	if (c->schema->calendar_path && th_calendar_load(&c->calendar, c->schema->calendar_path, &e))
		goto fail;
	free(path);
	return TH_EXIT_OK;
fail:
	th_report(NULL, &e);
	free(path);
	th_config_release(c);
	return TH_EXIT_CONFIG;
}

void th_config_release(th_config *c)
{
	th_schema_free(c->schema);
	th_roster_free(c->roster);
	th_calendar_free(c->calendar);
	memset(c, 0, sizeof(*c));
}

void th_put_padded(FILE *out, const char *s, int width)
{
	int chars = 0;

	for (const char *p = s; *p; p++)
		chars += ((unsigned char)*p & 0xC0) != 0x80;
	fputs(s, out);
	for (; chars < width; chars++)
		putc(' ', out);
}

void th_json_finding(th_json *j, const th_finding *p, const char *unit, const char *file)
{
	th_json_obj(j);
	if (unit)
		th_json_kstr(j, "unit", unit);
	if (file)
		th_json_kstr(j, "file", file);
	th_json_kstr(j, "form", p->form);
	th_json_kstr(j, "code", p->code);
	th_json_kstr(j, "sheet", p->sheet);
	th_json_kstr(j, "cell", p->cell);
	th_json_kstr(j, "rule", p->rule);
	th_json_kstr(j, "severity", th_severity_name(p->severity));
	th_json_kstr(j, "written", p->written);
	th_json_kstr(j, "expected", p->expected);
	th_json_kstr(j, "message", p->message);
	th_json_end_obj(j);
}

int th_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts)
{
	char spec[64];
	int ch;
	bool stop = shortopts[0] == '+';

	/* ':' first (after '+') makes a missing value ':' rather than '?' */
	snprintf(spec, sizeof(spec), "%s:%s", stop ? "+" : "", shortopts + stop);
	opterr = 0;
	ch = getopt_long(argc, argv, spec, longopts, NULL);
	if (ch == ':') {
		th_complain("tuỳ chọn '%s' cần một giá trị", argv[optind - 1]);
		return '?';
	}
	if (ch == '?') {
		/* a long option is named by its argument; a short one, even inside a cluster
		 * ("-xj", where optind has not moved on), by optopt */
		const char *arg = optind > 0 ? argv[optind - 1] : "";
		const char *cur = optind < argc ? argv[optind] : "";
		bool in_cluster = optopt > 0 && cur[0] == '-' && cur[1] && cur[1] != '-' && strchr(cur + 1, optopt);
		bool is_long = !in_cluster && strncmp(arg, "--", 2) == 0 && (!optopt || strchr(arg, '='));
		if (optopt && !is_long)
			th_complain("tuỳ chọn '-%c' không có", optopt);
		else
			th_complain("tuỳ chọn '%s' không có hoặc không nhận giá trị", arg);
	}
	return ch;
}

void th_bad_period(const char *s)
{
	th_complain("kỳ '%s' không hợp lệ: dùng dạng 2023-Q3, 2023-M07, 2023-H1, 2023-9M hoặc 2023", s);
}

bool th_same_file(const char *a, const char *b)
{
	struct stat x, y;

	return a && b && stat(a, &x) == 0 && stat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

char *th_default_rules(const th_schema *s)
{
	const char *env = getenv("TONGHOP_RULES"), *slash = strrchr(s->path, '/');
	const char *base = slash ? slash + 1 : s->path;
	size_t n;
	char *p, *real;

	if (env && *env)
		return th_xstrdup(env);
	n = (size_t)(slash ? slash - s->path + 1 : 0) + sizeof("../rules/") + strlen(base);
	p = th_xmalloc(n);
	snprintf(p, n, "%.*s../rules/%s", slash ? (int)(slash - s->path + 1) : 0, s->path, base);
	real = realpath(p, NULL); /* show rules/x.ini, not schemas/../rules/x.ini */
	if (real) {
		free(p);
		return real;
	}
	return p;
}
