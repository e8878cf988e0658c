/*
 * The portal's request, reply and dispatcher. A request is plain data (method, path,
 * query, form fields, the spooled upload, a few headers), so handlers and their tests
 * never see a socket: th_web_handle() runs one request to its reply. The dispatcher holds
 * the one routing table {method, path} -> {handler, capability, writes?, body limit,
 * fields}; before any body is read it finds the route (404, 405, 414), who is asking
 * (session cookie or HTTP Basic) and whether the route's capability allows them (401,
 * 403); for a write it checks the origin and, after the body, the CSRF token; then the
 * declared fields, then the handler. Errors are one HTML page or one JSON object
 * {"code","message"} with a code of err_codes.h; SQL and paths go to the log only.
 * Ownership: a th_req and a th_reply own their strings (th_req_release,
 * th_reply_release); the th_web borrows its configuration.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_WEB_H
#define TH_WEB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "base/sbuf.h"
#include "check/rules.h"
#include "model/calendar.h"
#include "model/roster.h"
#include "model/schema.h"
#include "serve/auth.h"
#include "serve/store.h"
#include "serve/upload.h"

typedef struct th_web th_web;

typedef struct th_webconf {
	const char *data_dir;     /* the data folder: tonghop.db, files/, tmp/, cache/ */
	const th_schema *schema;
	const th_roster *roster;
	const th_calendar *cal;   /* may be NULL */
	const th_ruleset *rules;  /* may be NULL */
	uint64_t max_upload;      /* bytes of one uploaded file */
	bool tls;                 /* cookies Secure, origins https */
	/* one line per request and each server-side failure; may be NULL */
	void (*log)(void *cls, const char *line);
	void *log_cls;
	int64_t (*clock)(void);   /* the time (tests); NULL: time() */
	bool exclusive;           /* the one server of data_dir: locked (tonghop.lock) while it runs */
} th_webconf;

/* Make the data folder, open the store once (tables made), keep the configuration. With
 * conf->exclusive, -1 with *e (TH_E_CONFLICT) when another server has the folder: each clears
 * the spools it finds at start, which would be the other's uploads in progress. */
int th_web_new(th_web **out, const th_webconf *conf, th_err *e);
void th_web_free(th_web *w);
/* This thread's store connection, opened on first use and closed when the thread ends. */
th_store *th_web_store(th_web *w, th_err *e);
const th_webconf *th_web_conf(const th_web *w);
int64_t th_web_now(const th_web *w);
/* Write a line to the log (control characters shown as '?'). */
void th_web_log(th_web *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

typedef struct th_kv {
	char *key, *val;
} th_kv;

typedef struct th_route th_route;

#define TH_PATH_MAX 2048       /* longer request paths get 414 */
#define TH_FIELD_MAX 65536     /* bytes of one form field */
#define TH_FIELDS_MAX 64       /* form fields of one request */

typedef struct th_req {
	char method[8];
	char *path;                /* decoded, without the query */
	th_kv *query, *form;
	size_t n_query, n_form;
	th_spool upload;           /* the field "file": spooled (path NULL when none) */
	char *upload_name;         /* its file name as the browser sent it: display only */
	char *body;                /* a JSON body (NUL-terminated), NULL when none */
	size_t body_len;
	bool body_too_big;
	char *cookie, *origin, *referer, *authorization, *host, *content_type;
	char *fwd_host;            /* X-Forwarded-Host: the name a proxy in front was asked for */
	int64_t content_length;    /* -1 when not given */
	char ip[64];

	/* set by the dispatcher */
	const th_route *route;
	bool authed, by_basic;
	th_user user;
	char token[TH_TOKEN_HEX];  /* the session's, "" when by Basic or none */
	char csrf[TH_CSRF_HEX];    /* the session's CSRF token, "" when none */
	int64_t id;                /* a {id} in the path */
	char period[16];           /* a {period} in the path, canonical */
	int64_t started;           /* for the access log (ms) */
} th_req;

void th_req_init(th_req *rq, const char *method, const char *path);
void th_req_release(th_req *rq);
/* Headers the dispatcher looks at (others are ignored): cookie, origin, referer,
 * authorization, host, x-forwarded-host, content-type, content-length. */
void th_req_header(th_req *rq, const char *name, const char *value);
void th_req_query(th_req *rq, const char *key, const char *val);
/* Add a form field; -1 when the request already has TH_FIELDS_MAX or val is too long. */
int th_req_form(th_req *rq, const char *key, const char *val);
/* A query or form value, NULL when absent. Static (owned by rq). */
const char *th_req_arg(const th_req *rq, const char *key);
const char *th_req_field(const th_req *rq, const char *key);

typedef struct th_reply {
	int status;                /* 0 until decided */
	const char *ctype;         /* static */
	th_sbuf body;
	char *file;                /* send this file instead of body (a path of ours) */
	char *filename;            /* Content-Disposition: attachment; filename=... (ours, ASCII) */
	char *location;            /* a redirect */
	char *cookie;              /* a Set-Cookie value */
	bool www_auth;             /* add WWW-Authenticate: Basic */
	char *allow;               /* 405: the methods allowed */
} th_reply;

void th_reply_init(th_reply *rp);
void th_reply_release(th_reply *rp);
/* A 303 redirect to location (a path of ours). */
void th_reply_redirect(th_reply *rp, const char *location);
/* Start an HTML (or JSON) reply: status and type set, body emptied. */
void th_reply_html(th_reply *rp, int status);
void th_reply_json(th_reply *rp, int status);
/* Send the file at path as an attachment named name (ASCII, ours). */
void th_reply_file(th_reply *rp, const char *path, const char *name, const char *ctype);
/* The error reply for e (an HTML page, or JSON on an API route): status from its code;
 * a server-side failure is logged and said in general words. */
void th_reply_error(th_web *w, const th_req *rq, th_reply *rp, const th_err *e);
/* The HTTP status that fits a failure code. */
int th_web_status(th_code code);

/* What body a route takes. */
typedef enum th_body { TH_BODY_NONE, TH_BODY_FORM, TH_BODY_UPLOAD, TH_BODY_JSON } th_body;

/*
 * Before the body: route, authenticate, check the capability, the origin of a write and
 * the declared Content-Length. Returns 0 to go on (read the body), or -1 with rp set.
 */
int th_web_begin(th_web *w, th_req *rq, th_reply *rp);
/* What body the route takes and its byte limit (after th_web_begin succeeded). */
th_body th_web_body(const th_web *w, const th_req *rq, uint64_t *max);
/* After the body: the CSRF token, the fields, the handler. rp is always set. */
void th_web_finish(th_web *w, th_req *rq, th_reply *rp);
/* Both, for a request whose body is already in rq (tests; no socket). */
void th_web_handle(th_web *w, th_req *rq, th_reply *rp);
/* The access-log line of a finished request. */
void th_web_access_log(th_web *w, const th_req *rq, const th_reply *rp, uint64_t bytes);

#endif
