/*
 * What the commands say and how they end: the exit codes, failures and complaints on
 * stderr (one line each, "tonghop: FILE: message", control characters shown as '?'),
 * option parsing with its complaints in Vietnamese, and the last check that standard
 * output was written. Used by main.c and every cmd_*.c; it uses nothing of them.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_REPORT_H
#define TH_REPORT_H

#include <getopt.h>
#include <stdio.h>

#include "base/err.h"

/* Exit codes, listed in `tonghop --help` and the manual. */
enum th_exit {
	TH_EXIT_OK = 0,       /* done; no error finding */
	TH_EXIT_FINDINGS = 1, /* findings with severity error */
	TH_EXIT_USAGE = 2,    /* bad command line */
	TH_EXIT_CONFIG = 3,   /* schema, rules, roster or calendar invalid */
	TH_EXIT_INPUT = 4,    /* an input could not be read */
	TH_EXIT_SYSTEM = 5,   /* output or system failure */
};

/* The exit code that fits a failure code (usage 2, config 3, input 4, output/system 5). */
int th_exit_for(th_code code);

/* Print "tonghop: FILE: message" for failure e on stderr (file may be NULL), then its
 * detail lines indented. */
void th_report(const char *file, const th_err *e);

/* Print "tonghop: message" on stderr, control characters shown as '?'. */
void th_complain(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Say that period text s is not a period, and how one is written. */
void th_bad_period(const char *s);

/* Write s with control characters shown as '?' (file names and cell text are untrusted). */
void th_put_clean(const char *s, FILE *out);

/* Print s left-aligned in width characters (UTF-8 aware: printf pads bytes). */
void th_put_padded(FILE *out, const char *s, int width);

/*
 * getopt_long with its complaints in Vietnamese: an unknown option or one missing its
 * value is said ("tonghop: tuỳ chọn '--x' không có") and gives '?'. shortopts as for
 * getopt_long (a leading '+' stops at the first non-option; without it options may come
 * after the file names).
 */
int th_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts);

/* Flush standard output; returns TH_EXIT_SYSTEM (and says so) if writing it failed, else rc. */
int th_finish_stdout(int rc);

/* Install the words said before an abort for lack of memory (mem.h's hook). */
void th_report_fatal_errors(void);

#endif
