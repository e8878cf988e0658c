/*
 * Who is asking: passwords (argon2id through libsodium, a bounded number hashed at once,
 * since each takes memory), one-time passwords, session tokens (32 random bytes, only
 * their hash stored), the CSRF token derived from a session, HTTP Basic credentials, and
 * the login itself with every attempt recorded and failures throttled per account.
 * Ownership: arguments are borrowed; results go into the caller's buffers.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_AUTH_H
#define TH_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "serve/store.h"

#define TH_TOKEN_HEX 65      /* a session token as sent in the cookie: 64 hex digits */
#define TH_CSRF_HEX 33       /* a CSRF token: 32 hex digits */
#define TH_OTP_MAX 16        /* a one-time password "xxxx-xxxx-xxxx" */
#define TH_PASSWORD_MIN 10   /* characters (bytes) of a chosen password */
#define TH_PASSWORD_MAX 128
#define TH_SESSION_SECONDS (8 * 3600)
#define TH_LOGIN_FAILS 5     /* failures allowed ... */
#define TH_LOGIN_WINDOW 900  /* ... within this many seconds (since the last success) */

/* libsodium's start; -1 with *e when it cannot start. Call once before threads. */
int th_auth_init(th_err *e);

/* Hash pw (argon2id) into out; -1 with *e (out of memory for the hash). */
int th_password_hash(const char *pw, char out[TH_PWHASH_MAX], th_err *e);
/* Does pw match hash? Constant time in the password. */
bool th_password_verify(const char *hash, const char *pw);
/* A new one-time password, 12 letters and digits easy to read aloud in groups of 4. */
void th_password_new(char out[TH_OTP_MAX]);
/* Is pw acceptable as a chosen password? NULL, or why not (Vietnamese, static). */
const char *th_password_weak(const char *pw, const char *name);

/* Is name an acceptable account name (2-40 of a-z 0-9 . _ -, starting with a letter or digit)? */
bool th_name_valid(const char *name);

/* A new session token (hex) and the hash under which the store keeps it. */
void th_token_new(char out[TH_TOKEN_HEX]);
/* The stored hash of a token as sent; -1 when token is not 64 hex digits. */
int th_token_hash(const char *token, uint8_t out[32]);
/* The CSRF token of a session token: a keyed hash of it, so it is not stored anywhere. */
void th_csrf_token(const char *token, char out[TH_CSRF_HEX]);
/* Are a and b equal (constant time for equal lengths)? */
bool th_secret_eq(const char *a, const char *b);

/*
 * The user name and password of an "Authorization: Basic ..." header; -1 when the header
 * is not one or a part does not fit.
 */
int th_basic_parse(const char *header, char *name, size_t name_cap, char *pw, size_t pw_cap);

/*
 * Log name in with pw from ip at now: refused (TH_E_THROTTLED) after TH_LOGIN_FAILS failures
 * within TH_LOGIN_WINDOW seconds, without looking at the password; a wrong name or password,
 * or a disabled account, is TH_E_UNAUTHORIZED with one message for all three. Every attempt
 * is recorded, before its password is checked: attempts at the same moment count each other,
 * so running them in parallel gets no more than TH_LOGIN_FAILS. On success *u is the account.
 */
int th_auth_login(th_store *st, const char *name, const char *pw, const char *ip, int64_t now, th_user *u,
		  th_err *e);

/*
 * Check the password of an account already logged in (changing it): the same throttle as a
 * login, so that a session cannot be used to guess its password; a wrong one counts as a
 * failed login. 0, or -1 with *e (TH_E_THROTTLED, TH_E_UNAUTHORIZED).
 */
int th_auth_recheck(th_store *st, const th_user *u, const char *pw, const char *ip, int64_t now, th_err *e);

/*
 * Hand out an account: a new one (a unit's is named by its code: name NULL) or a reset of
 * an existing one, with a new one-time password in otp that must be changed at the first
 * login on the pages. Audited. -1 with *e (TH_E_CONFLICT: the name is taken).
 */
int th_account_add(th_store *st, const th_actor *who, th_role role, const char *name, const char *unit,
		   int64_t now, char otp[TH_OTP_MAX], int64_t *id, th_err *e);
int th_account_reset(th_store *st, const th_actor *who, int64_t id, int64_t now, char otp[TH_OTP_MAX], th_err *e);

#endif
