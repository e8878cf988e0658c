/*
 * The portal's store: one SQLite database (WAL) in the data folder holding the accounts,
 * sessions, login attempts, open periods, every return submitted with its findings and
 * figures, the office's reviews and the audit log. This module owns every SQL statement:
 * each is named in one table, prepared once per connection, and every value is bound,
 * never formatted into SQL. Returns, figures, findings, reviews and audit rows are
 * append-only (triggers refuse UPDATE and DELETE): a state is the latest review.
 * A th_store is one connection: use one per thread (the server keeps one per worker).
 * Ownership: arguments are borrowed; a th_return or list handed back belongs to the
 * caller (th_return_release, th_store_free_list). Failures are TH_E_STORE with SQLite's
 * message (for the log, never for a page).
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_STORE_H
#define TH_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "model/filing.h"
#include "model/finding.h"

typedef struct th_store th_store;

typedef enum th_role { TH_ROLE_UNIT, TH_ROLE_OFFICE, TH_ROLE_ADMIN } th_role;

#define TH_NAME_MAX 48      /* an account name, with its NUL */
#define TH_UNIT_MAX 16      /* a unit code */
#define TH_PWHASH_MAX 128   /* crypto_pwhash_STRBYTES */
#define TH_SHA_HEX 65       /* a SHA-256 in hex, with its NUL */

typedef struct th_user {
	int64_t id;
	char name[TH_NAME_MAX];
	th_role role;
	char unit[TH_UNIT_MAX];   /* TH_ROLE_UNIT: the unit's code; "" otherwise */
	char pw_hash[TH_PWHASH_MAX];
	bool must_change;         /* the one-time password is still in use */
	bool disabled;
	int64_t created_at;
} th_user;

/* Who does something, for the audit log (user_id 0: the command line). */
typedef struct th_actor {
	int64_t user_id;
	const char *name;
	const char *ip;           /* "" when none */
} th_actor;

typedef enum th_rstate { TH_RS_SUBMITTED, TH_RS_ACCEPTED, TH_RS_RETURNED } th_rstate;

typedef struct th_return {
	int64_t id;
	char unit[TH_UNIT_MAX];
	char period[16];
	int64_t user_id;
	char user_name[TH_NAME_MAX];
	char file_sha[TH_SHA_HEX], feedback_sha[TH_SHA_HEX]; /* feedback "" when none */
	char *file_name;          /* as the sender's browser named it: display only */
	int64_t size;
	int64_t submitted_at;     /* seconds since 1970 */
	char report_date[16];     /* ISO, "" when the return gives none */
	int64_t errors, warnings, infos;
	th_rstate state;          /* the latest review, TH_RS_SUBMITTED when none */
	char *reason;             /* the latest review's reason, "" when none */
	int64_t reviewed_at;      /* 0 when not reviewed */
	char reviewer[TH_NAME_MAX];
	int64_t versions;         /* th_store_latest only: the unit's returns of the period */
	int64_t first_at;         /* th_store_latest only: its first submission's time */
} th_return;

/* A new return: what the portal learned on receiving it. */
typedef struct th_newreturn {
	const char *unit, *period;
	const char *file_sha, *feedback_sha; /* feedback may be NULL */
	const char *file_name;
	int64_t size, submitted_at;
	const char *report_date;             /* "" or NULL when none */
	const th_filing *filing;             /* its figures are stored */
	const th_findings *findings;         /* as checked */
} th_newreturn;

/* One figure that differs between two returns (state "number", "blank", ...). */
typedef struct th_figdiff {
	char form[16], code[32];
	char *old_written, *new_written; /* "" when blank or missing */
	char old_state[16], new_state[16];
} th_figdiff;

typedef struct th_audit {
	int64_t id, at;
	char actor[TH_NAME_MAX];
	char *action, *target, *detail, *ip;
} th_audit;

typedef struct th_periodrow {
	char period[16];
	bool open;
	int64_t changed_at;
} th_periodrow;

/* ---- the connection ---- */

/*
 * Open (creating when absent) the database at path (":memory:" for tests): WAL, foreign
 * keys on, a busy timeout, the tables made or checked. Returns 0 or -1 with *e.
 */
int th_store_open(th_store **out, const char *path, th_err *e);
void th_store_close(th_store *st);

/*
 * Run fn inside BEGIN IMMEDIATE ... COMMIT, retried a bounded number of times while
 * another connection holds the write lock (SQLITE_BUSY); fn returning non-zero rolls
 * back. name names the transaction in a failure's message. Returns fn's result, or -1
 * with *e (TH_E_BUSY when the lock never came, TH_E_STORE otherwise).
 */
int th_store_txn(th_store *st, const char *name, int (*fn)(th_store *st, void *arg, th_err *e), void *arg,
		 th_err *e);

/* ---- accounts ---- */

/* "unit", "office", "admin"; the Vietnamese "xã", "văn phòng", "quản trị". Static. */
const char *th_role_name(th_role r);
const char *th_role_vi(th_role r);

/*
 * Add an account (unit: the unit's code for TH_ROLE_UNIT, else NULL), must_change set.
 * Fails with TH_E_CONFLICT when the name is taken. Audited. *id may be NULL.
 */
int th_store_user_add(th_store *st, const th_actor *who, const char *name, th_role role, const char *unit,
		      const char *pw_hash, int64_t now, int64_t *id, th_err *e);
/* Look an account up; 0 found, 1 none, -1 failure. */
int th_store_user_by_name(th_store *st, const char *name, th_user *u, th_err *e);
int th_store_user_by_id(th_store *st, int64_t id, th_user *u, th_err *e);
/* Every account, by name; *v belongs to the caller (free()). */
int th_store_users(th_store *st, th_user **v, size_t *n, th_err *e);
/* A new password hash; must_change as given; the account's sessions end and its failed logins
 * no longer count (recorded as a success). Audited. */
int th_store_user_password(th_store *st, const th_actor *who, int64_t id, const char *pw_hash, bool must_change,
			   int64_t now, th_err *e);
/* Disable or enable an account; disabling ends its sessions. Audited. */
int th_store_user_disable(th_store *st, const th_actor *who, int64_t id, bool disabled, int64_t now, th_err *e);

/* ---- sessions and login attempts ---- */

/* Record a session by the hash of its token (expired sessions are pruned on the way). */
int th_store_session_add(th_store *st, const uint8_t hash[32], int64_t user_id, int64_t now, int64_t expires,
			 th_err *e);
/* The enabled account of an unexpired session; 0 found, 1 none, -1 failure. */
int th_store_session_user(th_store *st, const uint8_t hash[32], int64_t now, th_user *u, th_err *e);
int th_store_session_delete(th_store *st, const uint8_t hash[32], th_err *e);

/* Every login attempt is recorded; failures since a time are counted (throttling). */
int th_store_login_record(th_store *st, const char *name, const char *ip, bool ok, int64_t now, th_err *e);
int th_store_login_failures(th_store *st, const char *name, int64_t since, int64_t *n, th_err *e);
/* An attempt recorded as failed before its password is checked, so that attempts at the same
 * moment count each other (the throttle cannot be raced); its id in *id. Once the password is
 * right, th_store_login_succeeded marks it a success. */
int th_store_login_begin(th_store *st, const char *name, const char *ip, int64_t now, int64_t *id, th_err *e);
int th_store_login_succeeded(th_store *st, int64_t id, th_err *e);

/* ---- periods ---- */

/* Open or close a period ("2023-Q3"). Audited. */
int th_store_period_set(th_store *st, const th_actor *who, const char *period, bool open, int64_t now, th_err *e);
/* Every period known, newest first; *v belongs to the caller (free()). */
int th_store_periods(th_store *st, th_periodrow **v, size_t *n, th_err *e);
/* Is period open? 0 with *open set, -1 failure. */
int th_store_period_open(th_store *st, const char *period, bool *open, th_err *e);

/* ---- returns ---- */

/* Record a return with its findings and figures and an audit row, in one transaction. */
int th_store_return_add(th_store *st, const th_actor *who, const th_newreturn *nr, int64_t *id, th_err *e);
/* One return; 0 found, 1 none, -1 failure. */
int th_store_return_get(th_store *st, int64_t id, th_return *r, th_err *e);
void th_return_release(th_return *r);
/*
 * The returns of a period (unit NULL: of every unit), by unit then submission order;
 * *v belongs to the caller (th_store_free_returns).
 */
int th_store_returns(th_store *st, const char *period, const char *unit, th_return **v, size_t *n, th_err *e);
/*
 * The latest return of each unit of a period, by unit, with versions and first_at set:
 * what a dashboard shows, without reading every version (a province's last day is
 * 13,000 returns).
 */
int th_store_latest(th_store *st, const char *period, th_return **v, size_t *n, th_err *e);
/* The returns of a unit in every period, newest first. */
int th_store_returns_of_unit(th_store *st, const char *unit, th_return **v, size_t *n, th_err *e);
void th_store_free_returns(th_return *v, size_t n);
/*
 * The findings of a return, as checked, into fs (appended, in the order found).
 */
int th_store_findings(th_store *st, int64_t id, th_findings *fs, th_err *e);
/* The figures that differ between returns a (older) and b, in schema order. */
int th_store_diff(th_store *st, int64_t a, int64_t b, th_figdiff **v, size_t *n, th_err *e);
void th_store_free_diff(th_figdiff *v, size_t n);
/*
 * A review: accepted, or returned with a reason. Fails with TH_E_CONFLICT when the return
 * is not the latest of its unit and period. Audited.
 */
int th_store_review(th_store *st, const th_actor *who, int64_t id, th_rstate decision, const char *reason,
		    int64_t now, th_err *e);
/* What changes a period's consolidated workbook: its latest return and review ids. */
int th_store_period_version(th_store *st, const char *period, int64_t *last_return, int64_t *last_review,
			    th_err *e);

/* ---- audit ---- */

/* Append an audit row outside any other change (a login, a download). */
int th_store_audit(th_store *st, const th_actor *who, const char *action, const char *target, const char *detail,
		   int64_t now, th_err *e);
/* Audit rows, newest first, at most limit from offset. */
int th_store_audit_list(th_store *st, int64_t limit, int64_t offset, th_audit **v, size_t *n, th_err *e);
void th_store_free_audit(th_audit *v, size_t n);

/* ---- backup ---- */

/*
 * Copy the whole database, as it is at one moment, into a new database file at path (the
 * SQLite backup API; the portal may go on writing meanwhile). -1 with *e.
 */
int th_store_backup(th_store *st, const char *path, th_err *e);
/* Call fn with every kept file's SHA-256 (the blobs rows); fn's -1 stops with it. */
int th_store_blobs(th_store *st, int (*fn)(void *arg, const char *sha, th_err *e), void *arg, th_err *e);

/* "submitted", "accepted", "returned"; Vietnamese "đã nộp", "đã tiếp nhận", "bị trả lại". Static. */
const char *th_rstate_name(th_rstate s);
const char *th_rstate_vi(th_rstate s);

#endif
