/*
 * Consolidating a period: every return given (files or folders) is read and checked; each
 * file is used, superseded by a newer return of the same unit, for another period, from a
 * unit outside the roster, unreadable, or skipped (lock files, non-spreadsheets); each
 * roster unit is received or missing, on time or late; and every row of every form gets
 * its district total by its aggregation class (sum; ratio of the summed rows, never an
 * average of percents; a tally of coded answers; the common value of a catalogue row).
 * The workbook (xlsx_writer.h) and the JSON (th_merge_json) are written from the th_merge.
 * Ownership: a th_merge owns its files, filings and totals; it borrows the configuration.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_MERGE_H
#define TH_MERGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "model/calendar.h"
#include "base/err.h"
#include "model/filing.h"
#include "model/finding.h"
#include "model/roster.h"
#include "check/rules.h"
#include "model/schema.h"

typedef enum th_fstatus {
	TH_F_USED,
	TH_F_SUPERSEDED,   /* the same unit sent a newer return */
	TH_F_WRONG_PERIOD, /* a return for another period */
	TH_F_UNKNOWN_UNIT, /* the unit is not in the roster, or could not be identified */
	TH_F_UNREADABLE,   /* not a readable workbook: message says why */
	TH_F_SKIPPED,      /* an Excel lock file ~$..., not a spreadsheet, a file given twice,
			    * or this run's own output */
	TH_F_REFUSED,      /* a consolidated workbook that cannot be used: another schema, a
			    * format this version does not read, its figures edited by hand */
} th_fstatus;

/*
 * A unit's figure as the merge keeps it: what the totals, the workbook and the JSON use
 * of a th_value (a used return keeps only these, not its whole th_filing, so that memory
 * grows by a few bytes per figure, not by the returns read).
 */
typedef struct th_mvalue {
	union {                      /* one or the other, by state (16 bytes a figure, not 24) */
		double num;          /* state TH_VAL_NUMBER */
		const char *written; /* TH_VAL_DASH and TH_VAL_UNREADABLE: as written; owned by the merge */
	};
	th_vstate state;
	bool unfilled;       /* a required row left blank (check_file.h th_row_unfilled) */
} th_mvalue;

/* Who a merge consolidates for: a district (before 1/7/2025), a province, the nation. */
typedef enum th_level { TH_LEVEL_DISTRICT, TH_LEVEL_PROVINCE, TH_LEVEL_NATIONAL } th_level;

/* What a consolidated workbook given as input says of itself (merge/upward.h). */
typedef struct th_mbook {
	char *level;              /* "province", "national", "district" as it says */
	char *roster;             /* its roster's name: "Thành phố Hải Phòng" */
	size_t received, expected; /* its units received, of how many */
	size_t used;              /* of those, how many this merge uses (the rest superseded
				   * by a newer return, or outside this merge's roster) */
} th_mbook;

typedef struct th_mfile {
	char *path;
	th_fstatus status;
	const th_unit *unit;  /* NULL when not identified */
	bool unit_by_name;    /* an unreadable file's unit, known only from its file or folder name */
	char *message;        /* why it was not used (Vietnamese); "" when used */
	th_date report_date;  /* y == 0 when unknown */
	int64_t mtime;        /* the file's modification time (seconds), a tie-breaker */
	th_mvalue *values;    /* used files: every row's figure, form after form; NULL otherwise */
	char *texts;          /* the values' written texts, in one block */
	th_findings findings; /* reading and rule findings (used files only); for a refused
			       * consolidated workbook, the finding that says why */
	/* Upward consolidation: a consolidated workbook given (book set, its status that of
	 * the workbook) stands for the returns it holds, one entry each appended to the merge's
	 * files (within its index, path the return's file as the workbook names it, its
	 * figures and findings as the workbook carries them); within is -1 for a file given. */
	th_mbook *book;
	int within;
	struct th_mfile *parts; /* while reading: the entries a workbook brings, moved to files */
	size_t n_parts;
} th_mfile;

typedef struct th_munit {
	const th_unit *unit;
	int file;             /* index of its used return in files, -1 = missing */
	int failed;           /* no return used, but a file of the unit could not be read: its
			       * index in files (the unit shows as "Tệp lỗi"); -1 otherwise */
	int on_time;          /* 1 on time, 0 late, -1 unknown (no report date) */
	size_t errors, warnings;
} th_munit;

typedef struct th_total {
	bool has_value;       /* false: no unit gave a value (or a ratio over 0) */
	double value;         /* sum, ratio, the common (catalogue) value, or the tally's commonest code */
	size_t n_values;      /* units that gave a value */
	size_t *tally;        /* TH_AGG_TALLY: units per option, in legend order */
	size_t n_differ;      /* TH_AGG_CATALOGUE: units whose value differs from the common one */
	size_t n_unread;      /* received units left out because their figure could not be read */
	size_t n_blank;       /* received units left out because they left the row (a required
			       * one) blank or without its row: "chưa điền" (#11) */
} th_total;

typedef struct th_merge {
	const th_schema *schema;
	const th_roster *roster;
	const th_calendar *cal;   /* may be NULL */
	th_period period;
	th_date from, to, deadline; /* y == 0 without a calendar */
	th_mfile *files;          /* in the order given (folders expanded, sorted by name) */
	size_t n_files;
	th_munit *units;          /* in roster order */
	size_t n_units;
	th_total **totals;        /* totals[form][row] */
	size_t received, on_time; /* units received, and of them on time */
	size_t errors, warnings;  /* over the used returns */
	size_t *form_at;          /* where form f's rows start in a file's values */
	th_level level;           /* th_merge_level(roster) */
} th_merge;

/*
 * The level a roster consolidates at: national when its units are of several provinces;
 * district when it names a parent or a province other than itself (huyện Thanh Miện, tỉnh
 * Hải Dương); province otherwise (Thành phố Hải Phòng, a province's own roster).
 */
th_level th_merge_level(const th_roster *r);
/* "district", "province", "national" (JSON); "cấp huyện", "cấp tỉnh", "toàn quốc". Static. */
const char *th_level_name(th_level l);
const char *th_level_vi(th_level l);

/*
 * Called as the files are read: done of total read, path the one being read now (NULL at
 * the end). Calls come one at a time, from whichever thread reads.
 */
typedef void (*th_merge_progress_fn)(void *arg, size_t done, size_t total, const char *path);

/*
 * Read, check and consolidate the returns at paths (files, or folders: their files and
 * the files of their subfolders up to three levels down, in name order; hidden entries
 * left out, links met in a folder not followed but listed as skipped). Bad files never
 * stop the run: they get a status (a path that does not exist or a folder that cannot be
 * listed is unreadable; an unreadable file whose name or folder name holds a roster code
 * is that unit's, which then shows as "Tệp lỗi" unless another of its files was used). A file
 * reached twice is read once; a file that is one of outputs (NULL-terminated, may be
 * NULL: what this run will write) is skipped when it is a consolidated workbook of an
 * earlier run or no spreadsheet. Fails (-1, *e, TH_E_USAGE) when no path was given, or
 * when an output is a spreadsheet among the inputs that is no such workbook (a return
 * would be overwritten). progress (may be NULL) is told of the reading with arg.
 */
int th_merge_run(th_merge **out, const th_schema *schema, const th_roster *roster,
		 const th_calendar *cal, const th_ruleset *rules, th_period period,
		 char *const *paths, size_t n_paths, const char *const *outputs,
		 th_merge_progress_fn progress, void *arg, th_err *e);
void th_merge_free(th_merge *m);

/* The file whose figures unit u's column shows (a return, or a return a consolidated
 * workbook carried: within >= 0), or NULL when the unit was not received. */
const th_mfile *th_merge_file(const th_merge *m, size_t u);

/* The value unit u gave for form f row r, or NULL when missing (no return, or no value). */
const th_mvalue *th_merge_value(const th_merge *m, size_t u, size_t f, size_t r);

/* Keep the figures of return f (read with m's schema) as those of m->files[file], replacing
 * any kept before; f is not kept. */
void th_merge_keep(th_merge *m, size_t file, const th_filing *f);
/* The same into mf, a file not (yet) among m's (a return a consolidated workbook carries,
 * merge/upward.h); m's form offsets must be made (th_merge_run makes them before reading). */
void th_merge_keep_file(const th_merge *m, th_mfile *mf, const th_filing *f);

/*
 * Did unit u send a return whose figure for form f row r could not be read (for a ratio
 * row: its numerator or denominator)? Such a unit is left out of the row's total, which is
 * then incomplete and says so.
 */
bool th_merge_unread(const th_merge *m, size_t u, size_t f, size_t r);

/*
 * Did unit u send a return that lacks a figure it had to give for form f row r (for a
 * ratio row: its numerator or denominator) — a required row left blank or not there
 * (check_file.h th_row_unfilled) — and none of them unreadable? Such a unit is left out
 * of the row's total too, which says so (#11).
 */
bool th_merge_blank(const th_merge *m, size_t u, size_t f, size_t r);

/*
 * The merge as one JSON object and a newline, written to out (README "JSON"): period,
 * window, deadline, level, provinces (completeness per province), units, files, findings,
 * totals, incomplete. The caller checks out for
 * write errors.
 */
void th_merge_json(const th_merge *m, FILE *out);

/* The same written to the file at path through a temporary file (outfile.h), renamed into
 * place only when whole. Returns 0, or -1 with *e (TH_E_WRITE). */
int th_merge_write_json(const th_merge *m, const char *path, th_err *e);

/*
 * The units an earlier consolidated workbook at path says it received, of how many
 * (its "Tổng hợp" sheet: "Đã nhận N/M đơn vị"). Returns 0, or -1 when path is no such
 * workbook (missing, unreadable, another file).
 */
int th_merge_prior(const char *path, size_t *received, size_t *expected);

/* "used", "superseded", ... (JSON); "đã dùng", "bị thay thế", ... (people). Static. */
const char *th_fstatus_name(th_fstatus s);
const char *th_fstatus_vi(th_fstatus s);

#endif
