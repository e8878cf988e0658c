/*
 * The command-line interface: exit codes, the commands' entry points and the few helpers
 * every command shares to report failures. Only main.c and cmd_*.c print or exit.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_CLI_H
#define TH_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include "check/setup.h"
#include "model/calendar.h"
#include "base/err.h"
#include "model/finding.h"
#include "base/json.h"
#include "model/finding_json.h"
#include "model/roster.h"
#include "model/schema.h"

/* Exit codes, listed in `tonghop --help`. */
enum th_exit {
	TH_EXIT_OK = 0,       /* done; no error finding */
	TH_EXIT_FINDINGS = 1, /* findings with severity error */
	TH_EXIT_USAGE = 2,    /* bad command line */
	TH_EXIT_CONFIG = 3,   /* schema, rules, roster or calendar invalid */
	TH_EXIT_INPUT = 4,    /* an input could not be read */
	TH_EXIT_SYSTEM = 5,   /* output or system failure */
};

int cmd_dump(int argc, char **argv);
int cmd_read(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_template(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_users(int argc, char **argv);

/* What a command line names (NULL: the environment's, else the defaults). */
typedef struct th_config_opts {
	const char *schema, *rules, *roster, *calendar;
} th_config_opts;

/* --roster and --calendar, in the option table of every command that loads a configuration;
 * th_config_option takes them. */
#define TH_OPT_ROSTER 0x100
#define TH_OPT_CALENDAR 0x101
#define TH_CONFIG_OPTIONS \
	{ "roster", required_argument, NULL, TH_OPT_ROSTER }, \
	{ "calendar", required_argument, NULL, TH_OPT_CALENDAR }
/* Take option ch (with its argument) into o when it is --roster or --calendar; true if taken. */
bool th_config_option(th_config_opts *o, int ch, const char *arg);

/* The lines every configuration-loading command's --help ends with. */
#define TH_CONFIG_HELP \
	"  --roster TỆP.ini  danh sách đơn vị (mặc định: $TONGHOP_ROSTER, hoặc danh sách biểu mẫu\n" \
	"                    ghi có hiệu lực cho kỳ)\n" \
	"  --calendar TỆP    lịch báo cáo .ini (mặc định: $TONGHOP_CALENDAR, hoặc lịch biểu mẫu\n" \
	"                    ghi có hiệu lực cho kỳ)\n"
#define TH_CONFIG_HELP_WHY \
	"Tệp cấu hình nào được dùng cho một kỳ, và vì sao: tonghop config --period KỲ\n"

/*
 * The configuration a command works with: the files chosen for a period (check/setup.h),
 * from the options, else $TONGHOP_SCHEMA, $TONGHOP_RULES, $TONGHOP_ROSTER, $TONGHOP_CALENDAR,
 * else the shipped schemas' folder. schema, rules, roster, calendar are those of pick.
 */
typedef struct th_config {
	th_setup *setup;
	th_pick pick;
	const th_schema *schema;
	const th_ruleset *rules;     /* NULL unless loaded with rules */
	const th_roster *roster;     /* NULL when the schema names none */
	const th_calendar *calendar; /* NULL when the schema names none */
} th_config;

/* Load the configuration for period p (TH_P_NONE: not known yet), with the rules when
 * rules is true. Prints the failure and returns TH_EXIT_CONFIG, or TH_EXIT_OK. */
int th_config_load(th_config *c, const th_config_opts *o, th_period p, bool rules);
/* Read the return at path with the configuration of its own period (th_setup_read); c
 * follows. Fails as th_setup_read (TH_E_CONFIG: no configuration for its period). */
int th_config_read(th_config *c, const char *path, th_filing **out, th_err *e);
void th_config_release(th_config *c);
int cmd_config(int argc, char **argv);

/* Print s left-aligned in width characters (UTF-8 aware: printf pads bytes). */
void th_put_padded(FILE *out, const char *s, int width);

/* True when paths a and b both exist and are the same file (device and inode), so that an
 * output never overwrites an input whatever the names. */
bool th_same_file(const char *a, const char *b);

/* The exit code that fits a failure code (config 3, input 4, output/system 5). */
int th_exit_for(th_code code);

/* Print "tonghop: FILE: message" for failure e on stderr (file may be NULL). */
void th_report(const char *file, const th_err *e);

/* Write s with control characters shown as '?' (file names and cell text are untrusted). */
void th_put_clean(const char *s, FILE *out);

/*
 * getopt_long with its complaints in Vietnamese: an unknown option or one missing its
 * value is said ("tonghop: tuỳ chọn '--x' không có") and gives '?'. shortopts as for
 * getopt_long (a leading '+' stops at the first non-option; without it options may come
 * after the file names).
 */
int th_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts);

/* Say that period text s is not a period, and how one is written. */
void th_bad_period(const char *s);

/* Print "tonghop: message" on stderr, control characters shown as '?'. */
void th_complain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Flush and close stdout; returns TH_EXIT_SYSTEM (and says so) if that failed, else rc. */
int th_finish_stdout(int rc);

#endif
