/*
 * The portal's handlers, one group per area (page_commune.c, page_office.c,
 * page_admin.c, page_common.c, api.c), and what they share: receiving a return, a
 * period's dashboard and consolidated workbook, the findings as a page. Only web.c's
 * routing table calls the handlers; each gets a request the dispatcher has already
 * authenticated, authorised and checked, and returns 0 with the reply set or -1 with *e
 * (the dispatcher then replies with the error).
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_PAGES_H
#define TH_PAGES_H

#include "base/sbuf.h"
#include "model/finding.h"
#include "serve/html.h"
#include "serve/store.h"
#include "serve/web.h"

typedef int th_handler(th_web *w, th_req *rq, th_reply *rp, th_err *e);

/* page_common.c */
th_handler th_h_home, th_h_login_form, th_h_login, th_h_logout, th_h_password_form, th_h_password,
	th_h_style, th_h_script, th_h_favicon, th_h_return, th_h_return_feedback, th_h_return_file;
/* page_commune.c */
th_handler th_h_unit_home, th_h_unit_upload;
/* page_office.c */
th_handler th_h_office_home, th_h_office_period, th_h_office_workbook, th_h_review, th_h_audit,
	th_h_audit_csv;
/* page_admin.c */
th_handler th_h_admin, th_h_admin_user_add, th_h_admin_user_disable, th_h_admin_user_reset,
	th_h_admin_period;
/* api.c */
th_handler th_api_return_post, th_api_return_get, th_api_period, th_api_workbook, th_api_feedback,
	th_api_review;

/* ---- shared by the handlers (receive.c, period.c, page_common.c) ---- */

/* The frame of a page for rq's user. */
void th_frame_for(th_web *w, const th_req *rq, th_frame *f, const char *title, const char *nav);

/* The roster name of a unit code ("" when not in the roster). Static. */
const char *th_unit_name(th_web *w, const char *code);

/* What receiving a file found. */
typedef struct th_received {
	int64_t id;               /* 0 when not kept (a check only) */
	char unit[TH_UNIT_MAX];
	char period[16];
	th_findings findings;
	size_t errors, warnings, infos;
} th_received;

/*
 * Read and check the upload of rq for period (its canonical text) as rq's user sends it:
 * a file that is no spreadsheet, no return, of another unit (for a unit account) or of
 * another period fails with a Vietnamese message (TH_E_* 20-49, TH_E_WRONG_UNIT,
 * TH_E_WRONG_PERIOD); a closed period fails (TH_E_PERIOD_CLOSED). keep: store the file,
 * the feedback workbook, the findings and figures (the upload's spool is taken).
 * Findings are those of th_check_file, as `check` gives them.
 */
int th_receive(th_web *w, th_req *rq, const char *period, bool keep, th_received *out, th_err *e);
void th_received_release(th_received *r);

/* The findings grouped by form for people, as `check` prints them (an HTML section). */
void th_findings_html(th_web *w, th_sbuf *sb, const th_findings *fs);

/* A period's state, unit by unit, in roster order. */
typedef struct th_unitrow {
	const th_unit *unit;
	const th_return *latest;  /* NULL: nothing received */
	size_t versions;
	int on_time;              /* 1, 0, -1 unknown (no calendar) */
} th_unitrow;

typedef struct th_board {
	char period[16];
	th_return *returns;       /* the latest return of each unit of the period */
	size_t n_returns;
	th_unitrow *rows;
	size_t n_rows, received;
	int64_t deadline_end;     /* the deadline's last second, 0 without a calendar */
} th_board;

int th_board_load(th_web *w, th_store *st, const char *period, th_board *b, th_err *e);
void th_board_release(th_board *b);

/*
 * The consolidated workbook of period from each unit's accepted return (latest: the
 * latest return whatever its state), built through th_merge_run and th_write_merge into
 * the cache and rebuilt when a return or review of the period is added; *path (a new
 * string) is where it is. -1 with *e when no return qualifies or writing fails.
 */
int th_period_workbook(th_web *w, th_store *st, const char *period, bool latest, char **path, th_err *e);

/*
 * Build the period's workbook for its current version unless it is cached already (then
 * *built stays false); older cached versions of it are removed. Nothing to build (no
 * return, or none accepted) is no failure. -1 with *e.
 */
int th_period_refresh(th_web *w, th_store *st, const char *period, bool latest, bool *built, th_err *e);
/*
 * The newest cached workbook of period and basis, without building anything: 1 with the
 * id of the last return it includes and when it was written, 0 when none is cached.
 */
int th_period_cached(th_web *w, const char *period, bool latest, int64_t *last_return, int64_t *at);

/* Reply with the period's workbook (th_period_workbook) as a download; audited. */
int th_send_workbook(th_web *w, th_req *rq, th_reply *rp, bool latest, th_err *e);

/* The return id, with the access check: a unit account sees only its own unit's (else
 * TH_E_FORBIDDEN), nobody sees what does not exist (TH_E_NOT_FOUND). */
int th_return_for(th_web *w, th_store *st, const th_req *rq, int64_t id, th_return *r, th_err *e);

/* JSON into a buffer (open_memstream) for the API; helpers in api.c. */
void th_reply_json_findings(th_reply *rp, const th_received *r, const char *state);

#endif
