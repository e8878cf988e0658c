/*
 * The command line: the commands' entry points (one cmd_*.c each, listed in main.c; the
 * portal's in portal_main.c, a program of their own) and
 * what several of them share: the configuration they load for a period (cmd_config.c)
 * and the same-file check (cmd_common.c). Reporting and exit codes are in report.h; only
 * the cli folder prints or exits.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_CLI_H
#define TH_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "check/setup.h"
#include "cli/report.h"
#include "model/calendar.h"
#include "model/filing.h"
#include "model/finding_json.h"
#include "model/roster.h"
#include "model/schema.h"

int cmd_dump(int argc, char **argv);
int cmd_read(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_rules(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_template(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_users(int argc, char **argv);
int cmd_backup(int argc, char **argv);

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
/* When *f (read, not NULL) is a consolidated workbook tonghop wrote, not one unit's return:
 * frees it, sets *f to NULL and fails with TH_E_NOT_RETURN, saying what to do with it
 * (check and read take a unit's return; merge takes a consolidated workbook). Else 0. */
int th_cli_return_only(th_filing **f, th_err *e);
void th_config_release(th_config *c);
int cmd_config(int argc, char **argv);

/* True when paths a and b both exist and are the same file (device and inode), so that an
 * output never overwrites an input whatever the names. */
bool th_same_file(const char *a, const char *b);

/* The folder of the running program (from /proc/self/exe, links resolved), a new string;
 * NULL when it cannot be known. */
char *th_exe_dir(void);

/*
 * The portal's commands (serve, users, backup) live in a second program, tonghop-portal,
 * so that the other commands do not load the web, database and crypto libraries at every
 * start. cmd_portal runs it in place of this process (exec) with the same arguments: found
 * beside the program (build/) or in lib/tonghop/ beside its bin/ (installed). Returns only
 * on failure, with the exit code (the failure printed).
 */
int cmd_portal(int argc, char **argv);

#endif
