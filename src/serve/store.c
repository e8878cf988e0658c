/*
 * The portal's store over SQLite; see store.h. Every statement is in the table below,
 * prepared on first use and kept for the connection's life; values are always bound.
 * SPDX-License-Identifier: MIT
 */
#include "serve/store.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "base/mem.h"
#include "read/xlsx_reader.h"
#include "base/banned.h"

/* ---- the tables ---- */

static const char *const schema_sql =
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);\n"
	"CREATE TABLE IF NOT EXISTS users(\n"
	"  id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,\n"
	"  role TEXT NOT NULL CHECK(role IN ('unit','office','admin')), unit TEXT,\n"
	"  pw_hash TEXT NOT NULL, must_change INTEGER NOT NULL DEFAULT 1,\n"
	"  disabled INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL);\n"
	"CREATE TABLE IF NOT EXISTS sessions(\n"
	"  token_hash BLOB PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users(id),\n"
	"  created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);\n"
	"CREATE TABLE IF NOT EXISTS logins(\n"
	"  id INTEGER PRIMARY KEY, name TEXT NOT NULL, ip TEXT NOT NULL, ok INTEGER NOT NULL,\n"
	"  at INTEGER NOT NULL);\n"
	"CREATE INDEX IF NOT EXISTS logins_name_at ON logins(name, at);\n"
	"CREATE TABLE IF NOT EXISTS periods(\n"
	"  period TEXT PRIMARY KEY, open INTEGER NOT NULL, changed_at INTEGER NOT NULL);\n"
	"CREATE TABLE IF NOT EXISTS blobs(\n"
	"  sha256 TEXT PRIMARY KEY, size INTEGER NOT NULL, created_at INTEGER NOT NULL);\n"
	"CREATE TABLE IF NOT EXISTS returns(\n"
	"  id INTEGER PRIMARY KEY, unit TEXT NOT NULL, period TEXT NOT NULL,\n"
	"  user_id INTEGER NOT NULL REFERENCES users(id),\n"
	"  file_sha TEXT NOT NULL REFERENCES blobs(sha256), feedback_sha TEXT REFERENCES blobs(sha256),\n"
	"  file_name TEXT NOT NULL, size INTEGER NOT NULL, submitted_at INTEGER NOT NULL,\n"
	"  report_date TEXT NOT NULL, errors INTEGER NOT NULL, warnings INTEGER NOT NULL,\n"
	"  infos INTEGER NOT NULL);\n"
	"CREATE INDEX IF NOT EXISTS returns_period_unit ON returns(period, unit, id);\n"
	"CREATE INDEX IF NOT EXISTS returns_unit ON returns(unit, id);\n"
	"CREATE TABLE IF NOT EXISTS findings(\n"
	"  return_id INTEGER NOT NULL REFERENCES returns(id), seq INTEGER NOT NULL,\n"
	"  severity INTEGER NOT NULL, rule TEXT NOT NULL, form TEXT NOT NULL, code TEXT NOT NULL,\n"
	"  sheet TEXT NOT NULL, cell TEXT NOT NULL, written TEXT NOT NULL, expected TEXT NOT NULL,\n"
	"  message TEXT NOT NULL, more INTEGER NOT NULL, PRIMARY KEY(return_id, seq)) WITHOUT ROWID;\n"
	"CREATE TABLE IF NOT EXISTS figures(\n"
	"  return_id INTEGER NOT NULL REFERENCES returns(id), ord INTEGER NOT NULL,\n"
	"  form TEXT NOT NULL, code TEXT NOT NULL, state TEXT NOT NULL, num REAL,\n"
	"  written TEXT NOT NULL, PRIMARY KEY(return_id, ord)) WITHOUT ROWID;\n"
	"CREATE TABLE IF NOT EXISTS reviews(\n"
	"  id INTEGER PRIMARY KEY, return_id INTEGER NOT NULL REFERENCES returns(id),\n"
	"  decision TEXT NOT NULL CHECK(decision IN ('accepted','returned')), reason TEXT NOT NULL,\n"
	"  user_id INTEGER NOT NULL REFERENCES users(id), at INTEGER NOT NULL);\n"
	"CREATE INDEX IF NOT EXISTS reviews_return ON reviews(return_id, id);\n"
	"CREATE TABLE IF NOT EXISTS audit(\n"
	"  id INTEGER PRIMARY KEY, at INTEGER NOT NULL, user_id INTEGER, actor TEXT NOT NULL,\n"
	"  action TEXT NOT NULL, target TEXT NOT NULL, detail TEXT NOT NULL, ip TEXT NOT NULL);\n"
	/* nothing received or decided is ever changed or removed */
	"CREATE TRIGGER IF NOT EXISTS returns_keep_u BEFORE UPDATE ON returns\n"
	"  BEGIN SELECT RAISE(ABORT, 'returns are append-only'); END;\n"
	"CREATE TRIGGER IF NOT EXISTS returns_keep_d BEFORE DELETE ON returns\n"
	"  BEGIN SELECT RAISE(ABORT, 'returns are append-only'); END;\n"
	"CREATE TRIGGER IF NOT EXISTS findings_keep_u BEFORE UPDATE ON findings\n"
	"  BEGIN SELECT RAISE(ABORT, 'findings are append-only'); END;\n"
	"CREATE TRIGGER IF NOT EXISTS findings_keep_d BEFORE DELETE ON findings\n"
	"  BEGIN SELECT RAISE(ABORT, 'findings are append-only'); END;\n"
	"CREATE TRIGGER IF NOT EXISTS figures_keep_u BEFORE UPDATE ON figures\n"
	"  BEGIN SELECT RAISE(ABORT, 'figures are append-only'); END;\n"
	"CREATE TRIGGER IF NOT EXISTS figures_keep_d BEFORE DELETE ON figures\n"
	"  BEGIN SELECT RAISE(ABORT, 'figures are append-only'); END;\n"
	"CREATE TRIGGER IF NOT EXISTS reviews_keep_u BEFORE UPDATE ON reviews\n"
	"  BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;\n"
	"CREATE TRIGGER IF NOT EXISTS reviews_keep_d BEFORE DELETE ON reviews\n"
	"  BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;\n"
	"CREATE TRIGGER IF NOT EXISTS audit_keep_u BEFORE UPDATE ON audit\n"
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;\n"
	"CREATE TRIGGER IF NOT EXISTS audit_keep_d BEFORE DELETE ON audit\n"
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;\n"
	"INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', '1');\n";

/* ---- the statements ---- */

#define RETURN_COLS                                                                                      \
	"r.id, r.unit, r.period, r.user_id, COALESCE(u.name, ''), r.file_sha, COALESCE(r.feedback_sha, ''), " \
	"r.file_name, r.size, r.submitted_at, r.report_date, r.errors, r.warnings, r.infos, "                 \
	"COALESCE(v.decision, 'submitted'), COALESCE(v.reason, ''), COALESCE(v.at, 0), COALESCE(vu.name, '') "
#define RETURN_FROM                                                                                      \
	"FROM returns r LEFT JOIN users u ON u.id = r.user_id "                                             \
	"LEFT JOIN reviews v ON v.id = (SELECT MAX(id) FROM reviews WHERE return_id = r.id) "             \
	"LEFT JOIN users vu ON vu.id = v.user_id "
#define USER_COLS "id, name, role, COALESCE(unit, ''), pw_hash, must_change, disabled, created_at"

enum sid {
	S_USER_INSERT,
	S_USER_BY_NAME,
	S_USER_BY_ID,
	S_USERS,
	S_USER_PASSWORD,
	S_USER_DISABLE,
	S_SESSIONS_OF_USER_DELETE,
	S_SESSION_PRUNE,
	S_SESSION_INSERT,
	S_SESSION_USER,
	S_SESSION_DELETE,
	S_LOGIN_INSERT,
	S_LOGIN_FAILURES,
	S_LOGIN_OK,
	S_PERIOD_UPSERT,
	S_PERIODS,
	S_PERIOD_OPEN,
	S_BLOB_INSERT,
	S_RETURN_INSERT,
	S_FINDING_INSERT,
	S_FIGURE_INSERT,
	S_RETURN_GET,
	S_RETURNS_OF_PERIOD,
	S_RETURNS_OF_PERIOD_UNIT,
	S_RETURNS_OF_UNIT,
	S_LATEST_OF_PERIOD,
	S_FINDINGS,
	S_DIFF,
	S_RETURN_IS_LATEST,
	S_REVIEW_INSERT,
	S_PERIOD_VERSION,
	S_AUDIT_INSERT,
	S_AUDIT_LIST,
	S_BLOBS,
	S_BEGIN,
	S_COMMIT,
	S_ROLLBACK,
	S_COUNT
};

static const char *const sql[S_COUNT] = {
	[S_USER_INSERT] = "INSERT INTO users(name, role, unit, pw_hash, must_change, disabled, created_at) "
			  "VALUES (?1, ?2, ?3, ?4, 1, 0, ?5)",
	[S_USER_BY_NAME] = "SELECT " USER_COLS " FROM users WHERE name = ?1",
	[S_USER_BY_ID] = "SELECT " USER_COLS " FROM users WHERE id = ?1",
	[S_USERS] = "SELECT " USER_COLS " FROM users ORDER BY role, name",
	[S_USER_PASSWORD] = "UPDATE users SET pw_hash = ?2, must_change = ?3 WHERE id = ?1",
	[S_USER_DISABLE] = "UPDATE users SET disabled = ?2 WHERE id = ?1",
	[S_SESSIONS_OF_USER_DELETE] = "DELETE FROM sessions WHERE user_id = ?1",
	[S_SESSION_PRUNE] = "DELETE FROM sessions WHERE expires_at < ?1",
	[S_SESSION_INSERT] = "INSERT INTO sessions(token_hash, user_id, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
	[S_SESSION_USER] = "SELECT " USER_COLS " FROM users WHERE disabled = 0 AND id = "
			   "(SELECT user_id FROM sessions WHERE token_hash = ?1 AND expires_at > ?2)",
	[S_SESSION_DELETE] = "DELETE FROM sessions WHERE token_hash = ?1",
	[S_LOGIN_INSERT] = "INSERT INTO logins(name, ip, ok, at) VALUES (?1, ?2, ?3, ?4)",
	[S_LOGIN_OK] = "UPDATE logins SET ok = 1 WHERE id = ?1",
	[S_LOGIN_FAILURES] = "SELECT COUNT(*) FROM logins WHERE name = ?1 AND at >= ?2 AND ok = 0 AND id > "
			     "COALESCE((SELECT MAX(id) FROM logins WHERE name = ?1 AND ok = 1), 0)",
	[S_PERIOD_UPSERT] = "INSERT INTO periods(period, open, changed_at) VALUES (?1, ?2, ?3) "
			    "ON CONFLICT(period) DO UPDATE SET open = ?2, changed_at = ?3",
	[S_PERIODS] = "SELECT period, open, changed_at FROM periods ORDER BY period DESC",
	[S_PERIOD_OPEN] = "SELECT open FROM periods WHERE period = ?1",
	[S_BLOB_INSERT] = "INSERT OR IGNORE INTO blobs(sha256, size, created_at) VALUES (?1, ?2, ?3)",
	[S_RETURN_INSERT] = "INSERT INTO returns(unit, period, user_id, file_sha, feedback_sha, file_name, size, "
			    "submitted_at, report_date, errors, warnings, infos) "
			    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
	[S_FINDING_INSERT] = "INSERT INTO findings(return_id, seq, severity, rule, form, code, sheet, cell, written, "
			     "expected, message, more) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
	[S_FIGURE_INSERT] = "INSERT INTO figures(return_id, ord, form, code, state, num, written) "
			    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[S_RETURN_GET] = "SELECT " RETURN_COLS RETURN_FROM "WHERE r.id = ?1",
	[S_RETURNS_OF_PERIOD] = "SELECT " RETURN_COLS RETURN_FROM "WHERE r.period = ?1 ORDER BY r.unit, r.id",
	[S_RETURNS_OF_PERIOD_UNIT] = "SELECT " RETURN_COLS RETURN_FROM
				     "WHERE r.period = ?1 AND r.unit = ?2 ORDER BY r.id",
	[S_RETURNS_OF_UNIT] = "SELECT " RETURN_COLS RETURN_FROM "WHERE r.unit = ?1 ORDER BY r.id DESC",
	[S_LATEST_OF_PERIOD] = "SELECT " RETURN_COLS ", x.n, x.first " RETURN_FROM
			       "JOIN (SELECT MAX(id) AS last, COUNT(*) AS n, MIN(submitted_at) AS first FROM returns "
			       "WHERE period = ?1 GROUP BY unit) x ON x.last = r.id ORDER BY r.unit",
	[S_FINDINGS] = "SELECT severity, rule, form, code, sheet, cell, written, expected, message, more "
		       "FROM findings WHERE return_id = ?1 ORDER BY seq",
	[S_DIFF] = "SELECT b.form, b.code, COALESCE(a.written, ''), b.written, COALESCE(a.state, 'missing'), b.state "
		   "FROM figures b LEFT JOIN figures a ON a.return_id = ?1 AND a.form = b.form AND a.code = b.code "
		   "WHERE b.return_id = ?2 AND (a.state IS NOT b.state OR a.num IS NOT b.num "
		   "OR (b.state <> 'number' AND a.written IS NOT b.written)) ORDER BY b.ord",
	[S_RETURN_IS_LATEST] = "SELECT r.id = (SELECT MAX(id) FROM returns WHERE period = r.period AND unit = r.unit) "
			       "FROM returns r WHERE r.id = ?1",
	[S_REVIEW_INSERT] = "INSERT INTO reviews(return_id, decision, reason, user_id, at) VALUES (?1, ?2, ?3, ?4, ?5)",
	[S_PERIOD_VERSION] = "SELECT (SELECT COALESCE(MAX(id), 0) FROM returns WHERE period = ?1), "
			     "(SELECT COALESCE(MAX(v.id), 0) FROM reviews v JOIN returns r ON r.id = v.return_id "
			     "WHERE r.period = ?1)",
	[S_AUDIT_INSERT] = "INSERT INTO audit(at, user_id, actor, action, target, detail, ip) "
			   "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
	[S_AUDIT_LIST] = "SELECT id, at, actor, action, target, detail, ip FROM audit ORDER BY id DESC LIMIT ?1 OFFSET ?2",
	[S_BLOBS] = "SELECT sha256 FROM blobs ORDER BY sha256",
	[S_BEGIN] = "BEGIN IMMEDIATE",
	[S_COMMIT] = "COMMIT",
	[S_ROLLBACK] = "ROLLBACK",
};

struct th_store {
	sqlite3 *db;
	sqlite3_stmt *st[S_COUNT];
	int depth; /* inside th_store_txn */
};

/* What SQLite's result code rc means, in Vietnamese (its own text is English); NULL for the
 * codes only a programmer acts on. Static. */
static const char *code_why(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_READONLY: return "thư mục dữ liệu chỉ cho đọc, không ghi được (kiểm tra quyền ghi và ổ đĩa)";
	case SQLITE_CANTOPEN: return "không mở được tệp (thư mục không có hoặc không có quyền)";
	case SQLITE_PERM:
	case SQLITE_AUTH: return "không có quyền truy cập tệp";
	case SQLITE_NOTADB: return "tệp này không phải cơ sở dữ liệu của cổng (SQLite)";
	case SQLITE_CORRUPT: return "tệp cơ sở dữ liệu bị hỏng: hãy phục hồi từ bản sao lưu";
	case SQLITE_FULL: return "ổ đĩa đã đầy";
	case SQLITE_IOERR: return "lỗi đọc ghi ổ đĩa";
	case SQLITE_BUSY:
	case SQLITE_LOCKED: return "đang bị một chương trình khác khoá";
	case SQLITE_NOMEM: return "không đủ bộ nhớ";
	default: return NULL;
	}
}

/* Why db failed: in Vietnamese when people can act on it, else SQLite's text (for the log). */
static const char *db_why(sqlite3 *db)
{
	const char *why;

	if (!db)
		return "không mở được";
	why = code_why(sqlite3_errcode(db));
	return why ? why : sqlite3_errmsg(db);
}

static int db_fail(th_store *s, th_err *e, const char *what)
{
	if (s->db && sqlite3_errcode(s->db) == SQLITE_FULL)
		return th_fail(e, TH_E_NO_SPACE, "cơ sở dữ liệu: %s: %s", what, db_why(s->db));
	return th_fail(e, TH_E_STORE, "cơ sở dữ liệu: %s: %s", what, db_why(s->db));
}

/* The statement id, reset and unbound, prepared on first use; NULL with *e on failure. */
static sqlite3_stmt *stmt(th_store *s, enum sid id, th_err *e)
{
	sqlite3_stmt *p = s->st[id];

	if (!p) {
		if (sqlite3_prepare_v3(s->db, sql[id], -1, SQLITE_PREPARE_PERSISTENT, &s->st[id], NULL) != SQLITE_OK) {
			db_fail(s, e, "chuẩn bị câu lệnh");
			return NULL;
		}
		return s->st[id];
	}
	sqlite3_reset(p);
	sqlite3_clear_bindings(p);
	return p;
}

static void bind_text(sqlite3_stmt *p, int i, const char *v)
{
	if (v)
		sqlite3_bind_text(p, i, v, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(p, i);
}

/* Run a statement that returns no row; 0 or -1 with *e. */
static int step_done(th_store *s, sqlite3_stmt *p, th_err *e, const char *what)
{
	int rc = sqlite3_step(p);

	sqlite3_reset(p);
	if (rc == SQLITE_DONE)
		return 0;
	if (rc == SQLITE_CONSTRAINT && e)
		return th_fail(e, TH_E_CONFLICT, "cơ sở dữ liệu: %s: %s", what, sqlite3_errmsg(s->db));
	if (rc == SQLITE_BUSY)
		return th_fail(e, TH_E_BUSY, "cơ sở dữ liệu bận: %s", what);
	return db_fail(s, e, what);
}

static void col_copy(sqlite3_stmt *p, int i, char *out, size_t cap)
{
	const unsigned char *t = sqlite3_column_text(p, i);
	snprintf(out, cap, "%s", t ? (const char *)t : "");
}

static char *col_dup(sqlite3_stmt *p, int i)
{
	const unsigned char *t = sqlite3_column_text(p, i);
	return th_xstrdup(t ? (const char *)t : "");
}

/* ---- the connection ---- */

/* The store at path cannot be opened: why, in Vietnamese. A folder that cannot be written (a
 * read-only disk) is said as such: SQLite only says it cannot open the file. */
static int open_fail(th_store *s, const char *path, th_err *e)
{
	char dir[4096], eb[TH_ERRNO_VI_MAX];
	const char *slash = strrchr(path, '/');
	int code = s->db && (sqlite3_errcode(s->db) & 0xff) == SQLITE_FULL ? TH_E_NO_SPACE : TH_E_STORE;

	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	if (access(dir, W_OK) != 0 && errno != ENOENT)
		return th_fail(e, code, "cơ sở dữ liệu %s: không ghi được vào thư mục dữ liệu: %s", path,
			       th_errno_vi(errno, eb));
	return th_fail(e, code, "cơ sở dữ liệu %s: %s", path, db_why(s->db));
}

int th_store_open(th_store **out, const char *path, th_err *e)
{
	th_store *s = th_xcalloc(1, sizeof(*s));
	char *msg = NULL;

	*out = NULL;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		open_fail(s, path, e);
		th_store_close(s);
		return -1;
	}
	sqlite3_extended_result_codes(s->db, 0);
	sqlite3_busy_timeout(s->db, 5000);
	/* WAL: readers never wait for the writer; synchronous FULL: a commit survives power loss */
	if (sqlite3_exec(s->db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;",
			 NULL, NULL, &msg) != SQLITE_OK ||
	    sqlite3_exec(s->db, schema_sql, NULL, NULL, &msg) != SQLITE_OK) {
		open_fail(s, path, e);
		sqlite3_free(msg);
		th_store_close(s);
		return -1;
	}
	*out = s;
	return 0;
}

void th_store_close(th_store *s)
{
	if (!s)
		return;
	for (int i = 0; i < S_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	sqlite3_close(s->db);
	free(s);
}

int th_store_txn(th_store *s, const char *name, int (*fn)(th_store *st, void *arg, th_err *e), void *arg,
		 th_err *e)
{
	int rc = SQLITE_BUSY, ret;
	sqlite3_stmt *p;

	if (s->depth) /* already inside one: the outer transaction commits */
		return fn(s, arg, e);
	/* the busy timeout already waits 5 s inside each try; a few tries bound the wait */
	for (int attempt = 0; attempt < 6 && rc == SQLITE_BUSY; attempt++) {
		if (!(p = stmt(s, S_BEGIN, e)))
			return -1;
		rc = sqlite3_step(p);
		sqlite3_reset(p);
		if (rc == SQLITE_BUSY) {
			struct timespec ts = { 0, (long)(20 + attempt * 40) * 1000000L };
			nanosleep(&ts, NULL);
		}
	}
	if (rc == SQLITE_BUSY)
		return th_fail(e, TH_E_BUSY, "cơ sở dữ liệu bận (%s): hãy thử lại sau ít phút", name);
	if (rc != SQLITE_DONE)
		return db_fail(s, e, name);
	s->depth++;
	ret = fn(s, arg, e);
	s->depth--;
	if (ret == 0) {
		if (!(p = stmt(s, S_COMMIT, e)))
			ret = -1;
		else if (sqlite3_step(p) != SQLITE_DONE)
			ret = db_fail(s, e, name);
		if (p)
			sqlite3_reset(p);
		if (ret == 0)
			return 0;
	}
	if (sqlite3_get_autocommit(s->db) == 0 && (p = stmt(s, S_ROLLBACK, NULL))) {
		sqlite3_step(p);
		sqlite3_reset(p);
	}
	return ret ? ret : -1;
}

/* ---- audit ---- */

static int audit_row(th_store *s, const th_actor *who, const char *action, const char *target,
		     const char *detail, int64_t now, th_err *e)
{
	sqlite3_stmt *p = stmt(s, S_AUDIT_INSERT, e);

	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, now);
	if (who && who->user_id)
		sqlite3_bind_int64(p, 2, who->user_id);
	else
		sqlite3_bind_null(p, 2);
	bind_text(p, 3, who && who->name ? who->name : "(dòng lệnh)");
	bind_text(p, 4, action);
	bind_text(p, 5, target ? target : "");
	bind_text(p, 6, detail ? detail : "");
	bind_text(p, 7, who && who->ip ? who->ip : "");
	return step_done(s, p, e, "ghi nhật ký");
}

struct audit_args {
	const th_actor *who;
	const char *action, *target, *detail;
	int64_t now;
};

static int audit_fn(th_store *s, void *arg, th_err *e)
{
	struct audit_args *a = arg;
	return audit_row(s, a->who, a->action, a->target, a->detail, a->now, e);
}

int th_store_audit(th_store *s, const th_actor *who, const char *action, const char *target, const char *detail,
		   int64_t now, th_err *e)
{
	struct audit_args a = { who, action, target, detail, now };
	return th_store_txn(s, "audit", audit_fn, &a, e);
}

int th_store_audit_list(th_store *s, int64_t limit, int64_t offset, th_audit **v, size_t *n, th_err *e)
{
	sqlite3_stmt *p = stmt(s, S_AUDIT_LIST, e);
	size_t cap = 0;
	int rc;

	*v = NULL;
	*n = 0;
	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, limit);
	sqlite3_bind_int64(p, 2, offset);
	while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
		th_audit *a;
		th_grow((void **)v, &cap, *n + 1, sizeof(**v));
		a = &(*v)[(*n)++];
		a->id = sqlite3_column_int64(p, 0);
		a->at = sqlite3_column_int64(p, 1);
		col_copy(p, 2, a->actor, sizeof(a->actor));
		a->action = col_dup(p, 3);
		a->target = col_dup(p, 4);
		a->detail = col_dup(p, 5);
		a->ip = col_dup(p, 6);
	}
	sqlite3_reset(p);
	if (rc != SQLITE_DONE) {
		th_store_free_audit(*v, *n);
		*v = NULL;
		*n = 0;
		return db_fail(s, e, "đọc nhật ký");
	}
	return 0;
}

void th_store_free_audit(th_audit *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].action);
		free(v[i].target);
		free(v[i].detail);
		free(v[i].ip);
	}
	free(v);
}

/* ---- accounts ---- */

const char *th_role_name(th_role r)
{
	static const char *const n[] = { "unit", "office", "admin" };
	return (unsigned)r < 3 ? n[r] : "";
}

const char *th_role_vi(th_role r)
{
	static const char *const n[] = { "xã", "văn phòng", "quản trị" };
	return (unsigned)r < 3 ? n[r] : "";
}

static th_role role_parse(const char *s)
{
	return strcmp(s, "admin") == 0 ? TH_ROLE_ADMIN : strcmp(s, "office") == 0 ? TH_ROLE_OFFICE : TH_ROLE_UNIT;
}

static void user_row(sqlite3_stmt *p, th_user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = sqlite3_column_int64(p, 0);
	col_copy(p, 1, u->name, sizeof(u->name));
	u->role = role_parse((const char *)sqlite3_column_text(p, 2));
	col_copy(p, 3, u->unit, sizeof(u->unit));
	col_copy(p, 4, u->pw_hash, sizeof(u->pw_hash));
	u->must_change = sqlite3_column_int(p, 5) != 0;
	u->disabled = sqlite3_column_int(p, 6) != 0;
	u->created_at = sqlite3_column_int64(p, 7);
}

/* One user row from p (bound); 0 found, 1 none, -1 failure. */
static int user_one(th_store *s, sqlite3_stmt *p, th_user *u, th_err *e)
{
	int rc = sqlite3_step(p);

	if (rc == SQLITE_ROW)
		user_row(p, u);
	sqlite3_reset(p);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc == SQLITE_DONE)
		return 1;
	return db_fail(s, e, "đọc tài khoản");
}

int th_store_user_by_name(th_store *s, const char *name, th_user *u, th_err *e)
{
	sqlite3_stmt *p = stmt(s, S_USER_BY_NAME, e);

	if (!p)
		return -1;
	bind_text(p, 1, name);
	return user_one(s, p, u, e);
}

int th_store_user_by_id(th_store *s, int64_t id, th_user *u, th_err *e)
{
	sqlite3_stmt *p = stmt(s, S_USER_BY_ID, e);

	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, id);
	return user_one(s, p, u, e);
}

int th_store_users(th_store *s, th_user **v, size_t *n, th_err *e)
{
	sqlite3_stmt *p = stmt(s, S_USERS, e);
	size_t cap = 0;
	int rc;

	*v = NULL;
	*n = 0;
	if (!p)
		return -1;
	while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
		th_grow((void **)v, &cap, *n + 1, sizeof(**v));
		user_row(p, &(*v)[(*n)++]);
	}
	sqlite3_reset(p);
	if (rc != SQLITE_DONE) {
		free(*v);
		*v = NULL;
		*n = 0;
		return db_fail(s, e, "đọc danh sách tài khoản");
	}
	return 0;
}

struct user_add {
	const th_actor *who;
	const char *name, *unit, *pw_hash;
	th_role role;
	int64_t now, id;
};

static int user_add_fn(th_store *s, void *arg, th_err *e)
{
	struct user_add *a = arg;
	sqlite3_stmt *p = stmt(s, S_USER_INSERT, e);
	char detail[96];

	if (!p)
		return -1;
	bind_text(p, 1, a->name);
	bind_text(p, 2, th_role_name(a->role));
	bind_text(p, 3, a->role == TH_ROLE_UNIT ? a->unit : NULL);
	bind_text(p, 4, a->pw_hash);
	sqlite3_bind_int64(p, 5, a->now);
	if (step_done(s, p, e, "thêm tài khoản")) {
		if (e && e->code == TH_E_CONFLICT)
			th_fail(e, TH_E_CONFLICT, "tài khoản '%s' đã có", a->name);
		return -1;
	}
	a->id = sqlite3_last_insert_rowid(s->db);
	snprintf(detail, sizeof(detail), "%s%s%s", th_role_name(a->role), a->role == TH_ROLE_UNIT ? " " : "",
		 a->role == TH_ROLE_UNIT && a->unit ? a->unit : "");
	return audit_row(s, a->who, "user.add", a->name, detail, a->now, e);
}

int th_store_user_add(th_store *s, const th_actor *who, const char *name, th_role role, const char *unit,
		      const char *pw_hash, int64_t now, int64_t *id, th_err *e)
{
	struct user_add a = { who, name, unit, pw_hash, role, now, 0 };
	int rc = th_store_txn(s, "user.add", user_add_fn, &a, e);

	if (!rc && id)
		*id = a.id;
	return rc;
}

struct user_change {
	const th_actor *who;
	int64_t id;
	const char *pw_hash;
	bool flag;
	int64_t now;
};

static int end_sessions(th_store *s, int64_t user_id, th_err *e)
{
	sqlite3_stmt *p = stmt(s, S_SESSIONS_OF_USER_DELETE, e);

	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, user_id);
	return step_done(s, p, e, "kết thúc phiên");
}

/* The account's name for the audit row ("#id" when gone). */
static void user_label(th_store *s, int64_t id, char out[TH_NAME_MAX])
{
	th_user u;

	if (th_store_user_by_id(s, id, &u, NULL) == 0)
		snprintf(out, TH_NAME_MAX, "%s", u.name);
	else
		snprintf(out, TH_NAME_MAX, "#%lld", (long long)id);
}

static int user_password_fn(th_store *s, void *arg, th_err *e)
{
	struct user_change *a = arg;
	sqlite3_stmt *p = stmt(s, S_USER_PASSWORD, e);
	char name[TH_NAME_MAX];

	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, a->id);
	bind_text(p, 2, a->pw_hash);
	sqlite3_bind_int(p, 3, a->flag);
	if (step_done(s, p, e, "đổi mật khẩu"))
		return -1;
	if (sqlite3_changes(s->db) == 0)
		return th_fail(e, TH_E_NOT_FOUND, "không có tài khoản #%lld", (long long)a->id);
	if (end_sessions(s, a->id, e))
		return -1;
	user_label(s, a->id, name);
	/* a new password: the failed logins before it no longer lock the account out (the
	 * throttle counts failures after the last success, and this is one) */
	if (th_store_login_record(s, name, a->who && a->who->ip ? a->who->ip : "", true, a->now, e))
		return -1;
	return audit_row(s, a->who, a->flag ? "user.reset" : "user.password", name, "", a->now, e);
}

int th_store_user_password(th_store *s, const th_actor *who, int64_t id, const char *pw_hash, bool must_change,
			   int64_t now, th_err *e)
{
	struct user_change a = { who, id, pw_hash, must_change, now };
	return th_store_txn(s, "user.password", user_password_fn, &a, e);
}

static int user_disable_fn(th_store *s, void *arg, th_err *e)
{
	struct user_change *a = arg;
	sqlite3_stmt *p = stmt(s, S_USER_DISABLE, e);
	char name[TH_NAME_MAX];

	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, a->id);
	sqlite3_bind_int(p, 2, a->flag);
	if (step_done(s, p, e, "khoá tài khoản"))
		return -1;
	if (sqlite3_changes(s->db) == 0)
		return th_fail(e, TH_E_NOT_FOUND, "không có tài khoản #%lld", (long long)a->id);
	if (a->flag && end_sessions(s, a->id, e))
		return -1;
	user_label(s, a->id, name);
	return audit_row(s, a->who, a->flag ? "user.disable" : "user.enable", name, "", a->now, e);
}

int th_store_user_disable(th_store *s, const th_actor *who, int64_t id, bool disabled, int64_t now, th_err *e)
{
	struct user_change a = { who, id, NULL, disabled, now };
	return th_store_txn(s, "user.disable", user_disable_fn, &a, e);
}

/* ---- sessions and login attempts ---- */

int th_store_session_add(th_store *s, const uint8_t hash[32], int64_t user_id, int64_t now, int64_t expires,
			 th_err *e)
{
	sqlite3_stmt *p = stmt(s, S_SESSION_PRUNE, e);

	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, now);
	if (step_done(s, p, e, "dọn phiên cũ"))
		return -1;
	if (!(p = stmt(s, S_SESSION_INSERT, e)))
		return -1;
	sqlite3_bind_blob(p, 1, hash, 32, SQLITE_TRANSIENT);
	sqlite3_bind_int64(p, 2, user_id);
	sqlite3_bind_int64(p, 3, now);
	sqlite3_bind_int64(p, 4, expires);
	return step_done(s, p, e, "ghi phiên");
}

int th_store_session_user(th_store *s, const uint8_t hash[32], int64_t now, th_user *u, th_err *e)
{
	sqlite3_stmt *p = stmt(s, S_SESSION_USER, e);

	if (!p)
		return -1;
	sqlite3_bind_blob(p, 1, hash, 32, SQLITE_TRANSIENT);
	sqlite3_bind_int64(p, 2, now);
	return user_one(s, p, u, e);
}

int th_store_session_delete(th_store *s, const uint8_t hash[32], th_err *e)
{
	sqlite3_stmt *p = stmt(s, S_SESSION_DELETE, e);

	if (!p)
		return -1;
	sqlite3_bind_blob(p, 1, hash, 32, SQLITE_TRANSIENT);
	return step_done(s, p, e, "kết thúc phiên");
}

int th_store_login_record(th_store *s, const char *name, const char *ip, bool ok, int64_t now, th_err *e)
{
	sqlite3_stmt *p = stmt(s, S_LOGIN_INSERT, e);

	if (!p)
		return -1;
	bind_text(p, 1, name);
	bind_text(p, 2, ip ? ip : "");
	sqlite3_bind_int(p, 3, ok);
	sqlite3_bind_int64(p, 4, now);
	return step_done(s, p, e, "ghi lần đăng nhập");
}

int th_store_login_begin(th_store *s, const char *name, const char *ip, int64_t now, int64_t *id, th_err *e)
{
	if (th_store_login_record(s, name, ip, false, now, e))
		return -1;
	*id = sqlite3_last_insert_rowid(s->db);
	return 0;
}

int th_store_login_succeeded(th_store *s, int64_t id, th_err *e)
{
	sqlite3_stmt *p = stmt(s, S_LOGIN_OK, e);

	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, id);
	return step_done(s, p, e, "ghi lần đăng nhập");
}

int th_store_login_failures(th_store *s, const char *name, int64_t since, int64_t *n, th_err *e)
{
	sqlite3_stmt *p = stmt(s, S_LOGIN_FAILURES, e);
	int rc;

	*n = 0;
	if (!p)
		return -1;
	bind_text(p, 1, name);
	sqlite3_bind_int64(p, 2, since);
	rc = sqlite3_step(p);
	if (rc == SQLITE_ROW)
		*n = sqlite3_column_int64(p, 0);
	sqlite3_reset(p);
	return rc == SQLITE_ROW ? 0 : db_fail(s, e, "đếm lần đăng nhập");
}

/* ---- periods ---- */

struct period_set {
	const th_actor *who;
	const char *period;
	bool open;
	int64_t now;
};

static int period_set_fn(th_store *s, void *arg, th_err *e)
{
	struct period_set *a = arg;
	sqlite3_stmt *p = stmt(s, S_PERIOD_UPSERT, e);

	if (!p)
		return -1;
	bind_text(p, 1, a->period);
	sqlite3_bind_int(p, 2, a->open);
	sqlite3_bind_int64(p, 3, a->now);
	if (step_done(s, p, e, "mở kỳ báo cáo"))
		return -1;
	return audit_row(s, a->who, a->open ? "period.open" : "period.close", a->period, "", a->now, e);
}

int th_store_period_set(th_store *s, const th_actor *who, const char *period, bool open, int64_t now, th_err *e)
{
	struct period_set a = { who, period, open, now };
	return th_store_txn(s, "period", period_set_fn, &a, e);
}

int th_store_periods(th_store *s, th_periodrow **v, size_t *n, th_err *e)
{
	sqlite3_stmt *p = stmt(s, S_PERIODS, e);
	size_t cap = 0;
	int rc;

	*v = NULL;
	*n = 0;
	if (!p)
		return -1;
	while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
		th_periodrow *r;
		th_grow((void **)v, &cap, *n + 1, sizeof(**v));
		r = &(*v)[(*n)++];
		col_copy(p, 0, r->period, sizeof(r->period));
		r->open = sqlite3_column_int(p, 1) != 0;
		r->changed_at = sqlite3_column_int64(p, 2);
	}
	sqlite3_reset(p);
	if (rc != SQLITE_DONE) {
		free(*v);
		*v = NULL;
		*n = 0;
		return db_fail(s, e, "đọc kỳ báo cáo");
	}
	return 0;
}

int th_store_period_open(th_store *s, const char *period, bool *open, th_err *e)
{
	sqlite3_stmt *p = stmt(s, S_PERIOD_OPEN, e);
	int rc;

	*open = false;
	if (!p)
		return -1;
	bind_text(p, 1, period);
	rc = sqlite3_step(p);
	if (rc == SQLITE_ROW)
		*open = sqlite3_column_int(p, 0) != 0;
	sqlite3_reset(p);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_fail(s, e, "đọc kỳ báo cáo");
}

/* ---- returns ---- */

const char *th_rstate_name(th_rstate r)
{
	static const char *const n[] = { "submitted", "accepted", "returned" };
	return (unsigned)r < 3 ? n[r] : "";
}

const char *th_rstate_vi(th_rstate r)
{
	static const char *const n[] = { "đã nộp", "đã tiếp nhận", "bị trả lại" };
	return (unsigned)r < 3 ? n[r] : "";
}

static const char *vstate_name(th_vstate v)
{
	static const char *const n[] = { "missing", "blank", "number", "dash", "unreadable" };
	return (unsigned)v < 5 ? n[v] : "missing";
}

struct return_add {
	const th_actor *who;
	const th_newreturn *nr;
	int64_t id;
};

static int blob_add(th_store *s, const char *sha, int64_t size, int64_t now, th_err *e)
{
	sqlite3_stmt *p = stmt(s, S_BLOB_INSERT, e);

	if (!p)
		return -1;
	bind_text(p, 1, sha);
	sqlite3_bind_int64(p, 2, size);
	sqlite3_bind_int64(p, 3, now);
	return step_done(s, p, e, "ghi tệp");
}

static int return_add_fn(th_store *s, void *arg, th_err *e)
{
	struct return_add *a = arg;
	const th_newreturn *nr = a->nr;
	const th_filing *f = nr->filing;
	sqlite3_stmt *p;
	char detail[160];

	if (blob_add(s, nr->file_sha, nr->size, nr->submitted_at, e))
		return -1;
	if (nr->feedback_sha && blob_add(s, nr->feedback_sha, 0, nr->submitted_at, e))
		return -1;
	if (!(p = stmt(s, S_RETURN_INSERT, e)))
		return -1;
	bind_text(p, 1, nr->unit);
	bind_text(p, 2, nr->period);
	sqlite3_bind_int64(p, 3, a->who->user_id);
	bind_text(p, 4, nr->file_sha);
	bind_text(p, 5, nr->feedback_sha);
	bind_text(p, 6, nr->file_name ? nr->file_name : "");
	sqlite3_bind_int64(p, 7, nr->size);
	sqlite3_bind_int64(p, 8, nr->submitted_at);
	bind_text(p, 9, nr->report_date ? nr->report_date : "");
	sqlite3_bind_int64(p, 10, (int64_t)th_findings_count(nr->findings, TH_SEV_ERROR));
	sqlite3_bind_int64(p, 11, (int64_t)th_findings_count(nr->findings, TH_SEV_WARNING));
	sqlite3_bind_int64(p, 12, (int64_t)th_findings_count(nr->findings, TH_SEV_INFO));
	if (step_done(s, p, e, "ghi báo cáo"))
		return -1;
	a->id = sqlite3_last_insert_rowid(s->db);
	for (size_t i = 0; i < nr->findings->n; i++) {
		const th_finding *x = &nr->findings->v[i];
		if (!(p = stmt(s, S_FINDING_INSERT, e)))
			return -1;
		sqlite3_bind_int64(p, 1, a->id);
		sqlite3_bind_int64(p, 2, (int64_t)i);
		sqlite3_bind_int(p, 3, (int)x->severity);
		bind_text(p, 4, x->rule);
		bind_text(p, 5, x->form);
		bind_text(p, 6, x->code);
		bind_text(p, 7, x->sheet);
		bind_text(p, 8, x->cell);
		bind_text(p, 9, x->written);
		bind_text(p, 10, x->expected);
		bind_text(p, 11, x->message);
		sqlite3_bind_int64(p, 12, (int64_t)x->more);
		if (step_done(s, p, e, "ghi phát hiện"))
			return -1;
	}
	for (size_t fi = 0; f && fi < f->schema->n_forms; fi++) {
		const th_formdef *fd = &f->schema->forms[fi];
		for (size_t r = 0; r < fd->n_rows; r++) {
			const th_value *v = &f->values[fi][r];
			if (fd->rows[r].kind == TH_ROW_GROUP)
				continue;
			if (!(p = stmt(s, S_FIGURE_INSERT, e)))
				return -1;
			sqlite3_bind_int64(p, 1, a->id);
			sqlite3_bind_int64(p, 2, (int64_t)(fi * 100000 + r));
			bind_text(p, 3, fd->id);
			bind_text(p, 4, fd->rows[r].code);
			bind_text(p, 5, vstate_name(v->state));
			if (v->state == TH_VAL_NUMBER)
				sqlite3_bind_double(p, 6, v->num);
			else
				sqlite3_bind_null(p, 6);
			bind_text(p, 7, v->written ? v->written : "");
			if (step_done(s, p, e, "ghi số liệu"))
				return -1;
		}
	}
	snprintf(detail, sizeof(detail), "đơn vị %s, kỳ %s, %zu lỗi, %zu cảnh báo, tệp %.16s", nr->unit, nr->period,
		 th_findings_count(nr->findings, TH_SEV_ERROR), th_findings_count(nr->findings, TH_SEV_WARNING),
		 nr->file_sha);
	{
		char target[32];
		snprintf(target, sizeof(target), "báo cáo #%lld", (long long)a->id);
		return audit_row(s, a->who, "return.submit", target, detail, nr->submitted_at, e);
	}
}

int th_store_return_add(th_store *s, const th_actor *who, const th_newreturn *nr, int64_t *id, th_err *e)
{
	struct return_add a = { who, nr, 0 };
	int rc = th_store_txn(s, "return.submit", return_add_fn, &a, e);

	if (!rc && id)
		*id = a.id;
	return rc;
}

static th_rstate rstate_parse(const char *s)
{
	return s && strcmp(s, "accepted") == 0 ? TH_RS_ACCEPTED :
	       s && strcmp(s, "returned") == 0 ? TH_RS_RETURNED : TH_RS_SUBMITTED;
}

static void return_row(sqlite3_stmt *p, th_return *r)
{
	memset(r, 0, sizeof(*r));
	r->id = sqlite3_column_int64(p, 0);
	col_copy(p, 1, r->unit, sizeof(r->unit));
	col_copy(p, 2, r->period, sizeof(r->period));
	r->user_id = sqlite3_column_int64(p, 3);
	col_copy(p, 4, r->user_name, sizeof(r->user_name));
	col_copy(p, 5, r->file_sha, sizeof(r->file_sha));
	col_copy(p, 6, r->feedback_sha, sizeof(r->feedback_sha));
	r->file_name = col_dup(p, 7);
	r->size = sqlite3_column_int64(p, 8);
	r->submitted_at = sqlite3_column_int64(p, 9);
	col_copy(p, 10, r->report_date, sizeof(r->report_date));
	r->errors = sqlite3_column_int64(p, 11);
	r->warnings = sqlite3_column_int64(p, 12);
	r->infos = sqlite3_column_int64(p, 13);
	r->state = rstate_parse((const char *)sqlite3_column_text(p, 14));
	r->reason = col_dup(p, 15);
	r->reviewed_at = sqlite3_column_int64(p, 16);
	col_copy(p, 17, r->reviewer, sizeof(r->reviewer));
}

void th_return_release(th_return *r)
{
	if (!r)
		return;
	free(r->file_name);
	free(r->reason);
	r->file_name = r->reason = NULL;
}

int th_store_return_get(th_store *s, int64_t id, th_return *r, th_err *e)
{
	sqlite3_stmt *p = stmt(s, S_RETURN_GET, e);
	int rc;

	memset(r, 0, sizeof(*r));
	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, id);
	rc = sqlite3_step(p);
	if (rc == SQLITE_ROW)
		return_row(p, r);
	sqlite3_reset(p);
	if (rc == SQLITE_ROW)
		return 0;
	return rc == SQLITE_DONE ? 1 : db_fail(s, e, "đọc báo cáo");
}

static int return_list(th_store *s, sqlite3_stmt *p, th_return **v, size_t *n, th_err *e)
{
	size_t cap = 0;
	int rc;

	while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
		th_return *r;
		th_grow((void **)v, &cap, *n + 1, sizeof(**v));
		r = &(*v)[(*n)++];
		return_row(p, r);
		if (sqlite3_column_count(p) > 19) {
			r->versions = sqlite3_column_int64(p, 18);
			r->first_at = sqlite3_column_int64(p, 19);
		}
	}
	sqlite3_reset(p);
	if (rc != SQLITE_DONE) {
		th_store_free_returns(*v, *n);
		*v = NULL;
		*n = 0;
		return db_fail(s, e, "đọc danh sách báo cáo");
	}
	return 0;
}

int th_store_returns(th_store *s, const char *period, const char *unit, th_return **v, size_t *n, th_err *e)
{
	sqlite3_stmt *p = stmt(s, unit ? S_RETURNS_OF_PERIOD_UNIT : S_RETURNS_OF_PERIOD, e);

	*v = NULL;
	*n = 0;
	if (!p)
		return -1;
	bind_text(p, 1, period);
	if (unit)
		bind_text(p, 2, unit);
	return return_list(s, p, v, n, e);
}

int th_store_latest(th_store *s, const char *period, th_return **v, size_t *n, th_err *e)
{
	sqlite3_stmt *p = stmt(s, S_LATEST_OF_PERIOD, e);

	*v = NULL;
	*n = 0;
	if (!p)
		return -1;
	bind_text(p, 1, period);
	return return_list(s, p, v, n, e);
}

int th_store_returns_of_unit(th_store *s, const char *unit, th_return **v, size_t *n, th_err *e)
{
	sqlite3_stmt *p = stmt(s, S_RETURNS_OF_UNIT, e);

	*v = NULL;
	*n = 0;
	if (!p)
		return -1;
	bind_text(p, 1, unit);
	return return_list(s, p, v, n, e);
}

void th_store_free_returns(th_return *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		th_return_release(&v[i]);
	free(v);
}

int th_store_findings(th_store *s, int64_t id, th_findings *fs, th_err *e)
{
	sqlite3_stmt *p = stmt(s, S_FINDINGS, e);
	int rc;

	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, id);
	while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
		th_finding *x;
		int sev = sqlite3_column_int(p, 0);
		th_grow((void **)&fs->v, &fs->cap, fs->n + 1, sizeof(*fs->v));
		x = &fs->v[fs->n++];
		memset(x, 0, sizeof(*x));
		x->severity = sev == TH_SEV_ERROR ? TH_SEV_ERROR : sev == TH_SEV_WARNING ? TH_SEV_WARNING : TH_SEV_INFO;
		x->rule = col_dup(p, 1);
		x->form = col_dup(p, 2);
		x->code = col_dup(p, 3);
		x->sheet = col_dup(p, 4);
		col_copy(p, 5, x->cell, sizeof(x->cell));
		x->written = col_dup(p, 6);
		x->expected = col_dup(p, 7);
		x->message = col_dup(p, 8);
		x->more = (size_t)sqlite3_column_int64(p, 9);
	}
	sqlite3_reset(p);
	return rc == SQLITE_DONE ? 0 : db_fail(s, e, "đọc phát hiện");
}

int th_store_diff(th_store *s, int64_t a, int64_t b, th_figdiff **v, size_t *n, th_err *e)
{
	sqlite3_stmt *p = stmt(s, S_DIFF, e);
	size_t cap = 0;
	int rc;

	*v = NULL;
	*n = 0;
	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, a);
	sqlite3_bind_int64(p, 2, b);
	while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
		th_figdiff *d;
		th_grow((void **)v, &cap, *n + 1, sizeof(**v));
		d = &(*v)[(*n)++];
		col_copy(p, 0, d->form, sizeof(d->form));
		col_copy(p, 1, d->code, sizeof(d->code));
		d->old_written = col_dup(p, 2);
		d->new_written = col_dup(p, 3);
		col_copy(p, 4, d->old_state, sizeof(d->old_state));
		col_copy(p, 5, d->new_state, sizeof(d->new_state));
	}
	sqlite3_reset(p);
	if (rc != SQLITE_DONE) {
		th_store_free_diff(*v, *n);
		*v = NULL;
		*n = 0;
		return db_fail(s, e, "so sánh số liệu");
	}
	return 0;
}

void th_store_free_diff(th_figdiff *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].old_written);
		free(v[i].new_written);
	}
	free(v);
}

struct review {
	const th_actor *who;
	int64_t id;
	th_rstate decision;
	const char *reason;
	int64_t now;
};

static int review_fn(th_store *s, void *arg, th_err *e)
{
	struct review *a = arg;
	sqlite3_stmt *p = stmt(s, S_RETURN_IS_LATEST, e);
	char target[32];
	int rc, latest = 0;

	if (!p)
		return -1;
	sqlite3_bind_int64(p, 1, a->id);
	rc = sqlite3_step(p);
	if (rc == SQLITE_ROW)
		latest = sqlite3_column_int(p, 0);
	sqlite3_reset(p);
	if (rc == SQLITE_DONE)
		return th_fail(e, TH_E_NOT_FOUND, "không có báo cáo #%lld", (long long)a->id);
	if (rc != SQLITE_ROW)
		return db_fail(s, e, "đọc báo cáo");
	if (!latest)
		return th_fail(e, TH_E_CONFLICT, "đơn vị đã nộp bản mới hơn: hãy xem xét bản mới nhất");
	if (!(p = stmt(s, S_REVIEW_INSERT, e)))
		return -1;
	sqlite3_bind_int64(p, 1, a->id);
	bind_text(p, 2, th_rstate_name(a->decision));
	bind_text(p, 3, a->reason ? a->reason : "");
	sqlite3_bind_int64(p, 4, a->who->user_id);
	sqlite3_bind_int64(p, 5, a->now);
	if (step_done(s, p, e, "ghi ý kiến xem xét"))
		return -1;
	snprintf(target, sizeof(target), "báo cáo #%lld", (long long)a->id);
	return audit_row(s, a->who, a->decision == TH_RS_ACCEPTED ? "return.accept" : "return.return", target,
			 a->reason ? a->reason : "", a->now, e);
}

int th_store_review(th_store *s, const th_actor *who, int64_t id, th_rstate decision, const char *reason,
		    int64_t now, th_err *e)
{
	struct review a = { who, id, decision, reason, now };

	if (decision == TH_RS_SUBMITTED)
		return th_fail(e, TH_E_BAD_REQUEST, "quyết định phải là tiếp nhận hoặc trả lại");
	return th_store_txn(s, "return.review", review_fn, &a, e);
}

int th_store_period_version(th_store *s, const char *period, int64_t *last_return, int64_t *last_review,
			    th_err *e)
{
	sqlite3_stmt *p = stmt(s, S_PERIOD_VERSION, e);
	int rc;

	*last_return = *last_review = 0;
	if (!p)
		return -1;
	bind_text(p, 1, period);
	rc = sqlite3_step(p);
	if (rc == SQLITE_ROW) {
		*last_return = sqlite3_column_int64(p, 0);
		*last_review = sqlite3_column_int64(p, 1);
	}
	sqlite3_reset(p);
	return rc == SQLITE_ROW ? 0 : db_fail(s, e, "đọc phiên bản kỳ");
}

/* ---- backup ---- */

int th_store_backup(th_store *s, const char *path, th_err *e)
{
	sqlite3 *dest = NULL;
	sqlite3_backup *b;
	int rc;

	if (sqlite3_open_v2(path, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		th_fail(e, TH_E_WRITE, "không tạo được %s: %s", path, db_why(dest));
		sqlite3_close(dest);
		return -1;
	}
	/* one step: the whole copy inside one read transaction, a snapshot of one moment; WAL
	 * lets the portal's writers go on meanwhile */
	if (!(b = sqlite3_backup_init(dest, "main", s->db, "main"))) {
		th_fail(e, TH_E_STORE, "sao lưu: %s", db_why(dest));
		sqlite3_close(dest);
		return -1;
	}
	for (int attempt = 0; attempt < 100; attempt++) {
		rc = sqlite3_backup_step(b, -1);
		if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
			break;
		sqlite3_sleep(50);
	}
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		th_fail(e, rc == SQLITE_FULL ? TH_E_NO_SPACE : TH_E_STORE, "sao lưu: %s",
			code_why(rc) ? code_why(rc) : sqlite3_errstr(rc));
		sqlite3_close(dest);
		return -1;
	}
	if (sqlite3_close(dest) != SQLITE_OK)
		return th_fail(e, TH_E_WRITE, "không đóng được %s", path);
	return 0;
}

int th_store_blobs(th_store *s, int (*fn)(void *arg, const char *sha, th_err *e), void *arg, th_err *e)
{
	sqlite3_stmt *p = stmt(s, S_BLOBS, e);
	int rc;

	if (!p)
		return -1;
	while ((rc = sqlite3_step(p)) == SQLITE_ROW) {
		char sha[TH_SHA_HEX];
		col_copy(p, 0, sha, sizeof(sha));
		if (fn(arg, sha, e)) {
			sqlite3_reset(p);
			return -1;
		}
	}
	sqlite3_reset(p);
	return rc == SQLITE_DONE ? 0 : db_fail(s, e, "tệp đã lưu");
}
