/*
 * Passwords, tokens and the login; see auth.h.
 * SPDX-License-Identifier: MIT
 */
#include "serve/auth.h"

#include <ctype.h>
#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/banned.h"

/*
 * argon2id at 19 MiB and 2 passes (the OWASP minimum): a login costs tens of milliseconds;
 * at most TH_HASHING at once, so a burst of logins cannot take the server's memory.
 */
#define PW_OPS 2
#define PW_MEM (19u * 1024 * 1024)
#define TH_HASHING 4

static sem_t hashing;
static unsigned char csrf_key[crypto_generichash_KEYBYTES];
static pthread_once_t once = PTHREAD_ONCE_INIT;
static int init_rc = -1;
static char dummy_hash[TH_PWHASH_MAX]; /* what an unknown name is checked against */

static void init_once(void)
{
	char dummy[24];

	if (sodium_init() < 0)
		return;
	if (sem_init(&hashing, 0, TH_HASHING) != 0)
		return;
	randombytes_buf(csrf_key, sizeof(csrf_key));
	randombytes_buf(dummy, sizeof(dummy) - 1);
	for (size_t i = 0; i + 1 < sizeof(dummy); i++)
		dummy[i] = (char)('a' + (unsigned char)dummy[i] % 26);
	dummy[sizeof(dummy) - 1] = '\0';
	if (crypto_pwhash_str_alg(dummy_hash, dummy, strlen(dummy), PW_OPS, PW_MEM, crypto_pwhash_ALG_ARGON2ID13))
		return;
	init_rc = 0;
}

int th_auth_init(th_err *e)
{
	pthread_once(&once, init_once);
	return init_rc ? th_fail(e, TH_E_IO, "không khởi động được thư viện mật mã (libsodium)") : 0;
}

int th_password_hash(const char *pw, char out[TH_PWHASH_MAX], th_err *e)
{
	int rc;

	if (th_auth_init(e))
		return -1;
	sem_wait(&hashing);
	rc = crypto_pwhash_str_alg(out, pw, strlen(pw), PW_OPS, PW_MEM, crypto_pwhash_ALG_ARGON2ID13);
	sem_post(&hashing);
	return rc ? th_fail(e, TH_E_NOMEM, "không đủ bộ nhớ để mã hoá mật khẩu") : 0;
}

bool th_password_verify(const char *hash, const char *pw)
{
	int rc;

	if (th_auth_init(NULL) || !hash || !hash[0])
		return false;
	sem_wait(&hashing);
	rc = crypto_pwhash_str_verify(hash, pw, strlen(pw));
	sem_post(&hashing);
	return rc == 0;
}

void th_password_new(char out[TH_OTP_MAX])
{
	/* no 0/o, 1/l/i: read over the phone without mistakes */
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
	size_t k = 0;

	th_auth_init(NULL);
	for (int i = 0; i < 12; i++) {
		if (i && i % 4 == 0)
			out[k++] = '-';
		out[k++] = alphabet[randombytes_uniform(sizeof(alphabet) - 1)];
	}
	out[k] = '\0';
}

const char *th_password_weak(const char *pw, const char *name)
{
	size_t n = strlen(pw);

	if (n < TH_PASSWORD_MIN)
		return "mật khẩu cần ít nhất 10 ký tự";
	if (n >= TH_PASSWORD_MAX)
		return "mật khẩu quá dài (tối đa 127 ký tự)";
	if (name && name[0] && strstr(pw, name))
		return "mật khẩu không được chứa tên tài khoản";
	for (size_t i = 1; i < n; i++)
		if (pw[i] != pw[0])
			return NULL;
	return "mật khẩu không được chỉ gồm một ký tự lặp lại";
}

bool th_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n < 2 || n > 40 || !isalnum((unsigned char)name[0]))
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)name[i];
		if (!(islower(c) || isdigit(c) || c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

void th_token_new(char out[TH_TOKEN_HEX])
{
	unsigned char raw[32];

	th_auth_init(NULL);
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(out, TH_TOKEN_HEX, raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
}

int th_token_hash(const char *token, uint8_t out[32])
{
	if (strlen(token) != TH_TOKEN_HEX - 1)
		return -1;
	for (const char *p = token; *p; p++)
		if (!isxdigit((unsigned char)*p) || isupper((unsigned char)*p))
			return -1;
	crypto_hash_sha256(out, (const unsigned char *)token, TH_TOKEN_HEX - 1);
	return 0;
}

void th_csrf_token(const char *token, char out[TH_CSRF_HEX])
{
	unsigned char h[16];

	th_auth_init(NULL);
	crypto_generichash(h, sizeof(h), (const unsigned char *)token, strlen(token), csrf_key, sizeof(csrf_key));
	sodium_bin2hex(out, TH_CSRF_HEX, h, sizeof(h));
}

bool th_secret_eq(const char *a, const char *b)
{
	size_t n = strlen(a);

	return n == strlen(b) && sodium_memcmp(a, b, n) == 0;
}

int th_basic_parse(const char *header, char *name, size_t name_cap, char *pw, size_t pw_cap)
{
	unsigned char raw[512];
	size_t n = 0;
	const char *b64, *colon;

	if (!header || strncasecmp(header, "Basic ", 6) != 0)
		return -1;
	b64 = header + 6;
	while (*b64 == ' ')
		b64++;
	if (th_auth_init(NULL) ||
	    sodium_base642bin(raw, sizeof(raw) - 1, b64, strlen(b64), NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL))
		return -1;
	raw[n] = '\0';
	if (memchr(raw, '\0', n) || !(colon = strchr((const char *)raw, ':')))
		return -1;
	if ((size_t)(colon - (const char *)raw) >= name_cap || strlen(colon + 1) >= pw_cap)
		return -1;
	snprintf(name, name_cap, "%.*s", (int)(colon - (const char *)raw), (const char *)raw);
	snprintf(pw, pw_cap, "%s", colon + 1);
	sodium_memzero(raw, sizeof(raw));
	return 0;
}

/*
 * Start an attempt on name: recorded as failed before the password is checked, then the
 * failures counted with it, so that attempts at the same moment count each other. 0 (go on,
 * *id the attempt), or -1 with *e (TH_E_THROTTLED past TH_LOGIN_FAILS, or a store failure).
 */
static int attempt(th_store *st, const char *name, const char *ip, int64_t now, int64_t *id, th_err *e)
{
	int64_t fails = 0;

	if (th_store_login_begin(st, name, ip, now, id, e) ||
	    th_store_login_failures(st, name, now - TH_LOGIN_WINDOW, &fails, e))
		return -1;
	if (fails <= TH_LOGIN_FAILS)
		return 0;
	return th_fail(e, TH_E_THROTTLED,
		       "tài khoản này đã nhập sai mật khẩu %d lần: hãy thử lại sau 15 phút hoặc nhờ quản trị "
		       "đặt lại mật khẩu", TH_LOGIN_FAILS);
}

int th_auth_login(th_store *st, const char *name, const char *pw, const char *ip, int64_t now, th_user *u,
		  th_err *e)
{
	int64_t id;
	int found;
	bool ok;

	if (attempt(st, name, ip, now, &id, e))
		return -1;
	found = th_store_user_by_name(st, name, u, e);
	if (found < 0)
		return -1;
	/* an unknown name costs the same time as a wrong password */
	ok = th_password_verify(found == 0 ? u->pw_hash : dummy_hash, pw) && found == 0 && !u->disabled;
	if (!ok) {
		memset(u, 0, sizeof(*u));
		return th_fail(e, TH_E_UNAUTHORIZED, "tên đăng nhập hoặc mật khẩu không đúng");
	}
	return th_store_login_succeeded(st, id, e);
}

int th_auth_recheck(th_store *st, const th_user *u, const char *pw, const char *ip, int64_t now, th_err *e)
{
	int64_t id;

	if (attempt(st, u->name, ip, now, &id, e))
		return -1;
	if (!th_password_verify(u->pw_hash, pw))
		return th_fail(e, TH_E_UNAUTHORIZED, "mật khẩu hiện tại không đúng");
	return th_store_login_succeeded(st, id, e);
}

int th_account_add(th_store *st, const th_actor *who, th_role role, const char *name, const char *unit,
		   int64_t now, char otp[TH_OTP_MAX], int64_t *id, th_err *e)
{
	char hash[TH_PWHASH_MAX];

	if (role == TH_ROLE_UNIT) {
		if (!unit || !unit[0])
			return th_fail(e, TH_E_BAD_REQUEST, "tài khoản của xã cần mã đơn vị");
		name = unit;
	}
	if (!name || !th_name_valid(name))
		return th_fail(e, TH_E_BAD_REQUEST,
			       "tên tài khoản '%s' không hợp lệ: 2-40 chữ thường không dấu, số, '.', '_' hoặc '-'",
			       name ? name : "");
	th_password_new(otp);
	if (th_password_hash(otp, hash, e))
		return -1;
	return th_store_user_add(st, who, name, role, role == TH_ROLE_UNIT ? unit : NULL, hash, now, id, e);
}

int th_account_reset(th_store *st, const th_actor *who, int64_t id, int64_t now, char otp[TH_OTP_MAX], th_err *e)
{
	char hash[TH_PWHASH_MAX];

	th_password_new(otp);
	if (th_password_hash(otp, hash, e))
		return -1;
	return th_store_user_password(st, who, id, hash, true, now, e);
}
