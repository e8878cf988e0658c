/*
 * INI loading with line numbers; see ini.h. One scan follows iniparser 4.1's grammar for
 * sections, keys, values, comments and blank lines, so the files stay iniparser files; it
 * does not call iniparser, whose dictionary looks every key up by a linear search (a
 * 200,000-line roster took 8 s inside it). Loading is linear in the file's size.
 * SPDX-License-Identifier: MIT
 */
#include "base/ini.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <strings.h>

#include "base/mem.h"
#include "base/sbuf.h"
#include "base/banned.h"

struct ini_key {
	char *name;
	char *value;
	uint32_t line;
};

struct ini_section {
	char *name;
	uint32_t line;
	struct ini_key *keys;
	size_t n_keys, cap_keys;
};

/* One open-addressing table over sections (key -1) and keys: a roster has thousands of
 * sections and a list may have thousands of keys, and lookups must stay O(1). */
struct ini_slot {
	uint32_t sec;  /* section index + 1; 0 = empty slot */
	int32_t key;   /* key index in the section, -1 for the section itself */
	uint64_t hash;
};

struct th_ini {
	char *path;
	struct ini_section *secs;
	size_t n_secs, cap_secs;
	struct ini_slot *slots;
	size_t n_slots, n_used; /* n_slots a power of two */
	char **lines; /* the file's lines, for echoing */
	size_t n_lines;
};

static char *trim(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

static int fail_line(const th_ini *ini, th_err *e, uint32_t line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* ---- the index: FNV-1a over the lower-cased names ---- */

static uint64_t name_hash(const char *sec, const char *key)
{
	uint64_t h = 1469598103934665603u;

	for (const char *p = sec; *p; p++)
		h = (h ^ (unsigned char)tolower((unsigned char)*p)) * 1099511628211u;
	if (key) {
		h = (h ^ ':') * 1099511628211u;
		for (const char *p = key; *p; p++)
			h = (h ^ (unsigned char)tolower((unsigned char)*p)) * 1099511628211u;
	}
	return h;
}

static bool slot_is(const th_ini *ini, const struct ini_slot *sl, const char *sec, const char *key)
{
	const struct ini_section *s = &ini->secs[sl->sec - 1];

	if (strcasecmp(s->name, sec) != 0)
		return false;
	if (!key)
		return sl->key < 0;
	return sl->key >= 0 && strcasecmp(s->keys[sl->key].name, key) == 0;
}

/* The slot of sec (key NULL) or sec/key: the one holding it, or the empty one where it goes. */
static struct ini_slot *slot_find(const th_ini *ini, const char *sec, const char *key)
{
	uint64_t h = name_hash(sec, key);
	size_t mask = ini->n_slots - 1;

	for (size_t i = (size_t)h & mask;; i = (i + 1) & mask) {
		struct ini_slot *sl = &ini->slots[i];
		if (!sl->sec || (sl->hash == h && slot_is(ini, sl, sec, key)))
			return sl;
	}
}

static void slot_put(th_ini *ini, size_t sec, int32_t key)
{
	const char *sname = ini->secs[sec].name, *kname = key >= 0 ? ini->secs[sec].keys[key].name : NULL;
	struct ini_slot *sl;

	if (2 * (ini->n_used + 1) > ini->n_slots) {
		struct ini_slot *old = ini->slots;
		size_t n_old = ini->n_slots;

		ini->n_slots = n_old ? 2 * n_old : 64;
		ini->slots = th_xcalloc(ini->n_slots, sizeof(*ini->slots));
		for (size_t i = 0; i < n_old; i++) {
			size_t j = (size_t)old[i].hash & (ini->n_slots - 1);
			if (!old[i].sec)
				continue;
			while (ini->slots[j].sec)
				j = (j + 1) & (ini->n_slots - 1);
			ini->slots[j] = old[i];
		}
		free(old);
	}
	sl = slot_find(ini, sname, kname);
	sl->sec = (uint32_t)sec + 1;
	sl->key = key;
	sl->hash = name_hash(sname, kname);
	ini->n_used++;
}

static struct ini_section *find_section(const th_ini *ini, const char *name)
{
	const struct ini_slot *sl;

	if (!ini->n_slots)
		return NULL;
	sl = slot_find(ini, name, NULL);
	return sl->sec ? &ini->secs[sl->sec - 1] : NULL;
}

static struct ini_key *find_key(const th_ini *ini, const char *section, const char *name)
{
	const struct ini_slot *sl;

	if (!ini->n_slots)
		return NULL;
	sl = slot_find(ini, section, name);
	return sl->sec ? &ini->secs[sl->sec - 1].keys[sl->key] : NULL;
}

static int fail_line(const th_ini *ini, th_err *e, uint32_t line, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line)
		th_fail(e, TH_E_CONFIG, "%s:%lu: %s", ini->path, (unsigned long)line, msg);
	else
		th_fail(e, TH_E_CONFIG, "%s: %s", ini->path, msg);
	if (e && line && line <= ini->n_lines) {
		snprintf(e->detail, sizeof(e->detail), ">>> %s", ini->lines[line - 1]);
		for (char *p = e->detail; *p; p++)
			if ((unsigned char)*p < 0x20)
				*p = ' ';
	}
	return -1;
}

/* Split text into lines (CR LF or LF), kept for echoing. */
static void split_lines(th_ini *ini, char *text)
{
	size_t cap = 0;

	for (char *p = text; *p;) {
		char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		if (len && p[len - 1] == '\r')
			len--;
		th_grow((void **)&ini->lines, &cap, ini->n_lines + 1, sizeof(*ini->lines));
		ini->lines[ini->n_lines++] = th_xstrndup(p, len);
		if (!nl)
			break;
		p = nl + 1;
	}
}

/*
 * The value of a key line, as iniparser 4.1 reads it (the files are written for it, and
 * its rules are documented in schemas/README.md): after the '=' and blanks, a value that
 * opens with a double or single quote runs to the next same quote (blanks inside kept; an
 * unclosed quote runs to the end of the line); "" and '' are empty; any other value ends
 * at the first ';' or '#' and is trimmed. tests/unit/test_ini.c compares this with
 * iniparser itself on generated lines.
 */
static char *parse_value(const char *v)
{
	size_t n;

	while (isspace((unsigned char)*v))
		v++;
	if ((*v == '"' || *v == '\'') && v[1] && v[1] != *v) {
		const char *close = strchr(v + 1, *v);
		/* the line is trimmed already: an unclosed quote runs to its last non-blank */
		n = close ? (size_t)(close - v - 1) : strlen(v + 1);
		return th_xstrndup(v + 1, n);
	}
	n = strcspn(v, ";#");
	while (n && isspace((unsigned char)v[n - 1]))
		n--;
	if ((n == 2 && v[0] == '"' && v[1] == '"') || (n == 2 && v[0] == '\'' && v[1] == '\''))
		n = 0;
	return th_xstrndup(v, n);
}

/* The offset of the first byte of s[0..n) that is not part of valid UTF-8, or n. */
static size_t bad_utf8_at(const unsigned char *s, size_t n)
{
	size_t i = 0;

	while (i < n) {
		unsigned c = s[i], len = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 :
			c >= 0xF0 && c <= 0xF4 ? 4 : 0;
		unsigned lo = 0x80, hi = 0xBF; /* the range of the second byte */

		if (!len || i + len > n)
			return i;
		if (c == 0xE0)
			lo = 0xA0; /* overlong */
		else if (c == 0xED)
			hi = 0x9F; /* surrogates */
		else if (c == 0xF0)
			lo = 0x90; /* overlong */
		else if (c == 0xF4)
			hi = 0x8F; /* past U+10FFFF */
		for (unsigned k = 1; k < len; k++)
			if (s[i + k] < (k == 1 ? lo : 0x80) || s[i + k] > (k == 1 ? hi : 0xBF))
				return i;
		i += len;
	}
	return n;
}

static int scan(th_ini *ini, th_err *e)
{
	struct ini_section *cur = NULL;

	for (size_t i = 0; i < ini->n_lines; i++) {
		uint32_t line = (uint32_t)i + 1;
		char *copy = th_xstrdup(ini->lines[i]), *s = trim(copy);
		int rc = 0;

		size_t len = strlen(ini->lines[i]), bad = bad_utf8_at((const unsigned char *)ini->lines[i], len);

		if (bad < len) {
			rc = fail_line(ini, e, line, "không phải văn bản UTF-8 (byte 0x%02X ở cột %zu): hãy lưu "
				       "tệp với bảng mã UTF-8", (unsigned char)ini->lines[i][bad], bad + 1);
			free(copy);
			return -1;
		}
		if (i == 0 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
		    (unsigned char)s[2] == 0xBF)
			s = trim(s + 3); /* a UTF-8 byte-order mark */
		if (!*s || *s == ';' || *s == '#') {
			/* blank or comment */
		} else if (*s == '[') {
			char *end = strchr(s, ']'), *name;
			if (!end) {
				rc = fail_line(ini, e, line, "thiếu dấu ']' đóng tên mục");
			} else if (end[1 + strspn(end + 1, " \t")]) {
				/* iniparser 4.1 refuses anything after ']', a comment included */
				rc = fail_line(ini, e, line, "sau tên mục không được ghi gì thêm (kể cả ghi chú ';')");
			} else {
				*end = '\0';
				name = trim(s + 1);
				if (!*name) {
					rc = fail_line(ini, e, line, "tên mục trống");
				} else if (find_section(ini, name)) {
					rc = fail_line(ini, e, line, "mục [%s] đã có ở dòng %lu", name,
						       (unsigned long)find_section(ini, name)->line);
				} else {
					th_grow((void **)&ini->secs, &ini->cap_secs, ini->n_secs + 1,
						sizeof(*ini->secs));
					cur = &ini->secs[ini->n_secs++];
					memset(cur, 0, sizeof(*cur));
					cur->name = th_xstrdup(name);
					cur->line = line;
					slot_put(ini, ini->n_secs - 1, -1);
				}
			}
		} else {
			char *eq = strchr(s, '='), *key, *value;
			if (!eq) {
				rc = fail_line(ini, e, line, "dòng không hợp lệ: cần 'khoá = giá trị' hoặc '[mục]'");
			} else {
				*eq = '\0';
				value = eq + 1;
				key = trim(s);
				if (!*key) {
					rc = fail_line(ini, e, line, "thiếu tên khoá trước dấu '='");
				} else if (!cur) {
					rc = fail_line(ini, e, line, "khoá '%s' nằm ngoài mọi mục [..]", key);
				} else if (find_key(ini, cur->name, key)) {
					rc = fail_line(ini, e, line, "khoá '%s' đã có ở dòng %lu của mục [%s]", key,
						       (unsigned long)find_key(ini, cur->name, key)->line, cur->name);
				} else {
					struct ini_key *k;
					th_grow((void **)&cur->keys, &cur->cap_keys, cur->n_keys + 1,
						sizeof(*cur->keys));
					k = &cur->keys[cur->n_keys++];
					k->name = th_xstrdup(key);
					k->value = parse_value(value);
					k->line = line;
					slot_put(ini, (size_t)(cur - ini->secs), (int32_t)(cur->n_keys - 1));
				}
			}
		}
		free(copy);
		if (rc)
			return -1;
	}
	return 0;
}

int th_ini_load(th_ini **out, const char *path, th_err *e)
{
	th_ini *ini;
	FILE *f;
	th_sbuf sb = TH_SBUF_INIT;
	char buf[4096], eb[TH_ERRNO_VI_MAX];
	size_t n;
	char *text;

	*out = NULL;
	{
		struct stat st;
		if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
			return th_fail(e, TH_E_CONFIG, "%s: không phải tệp cấu hình (là thư mục hoặc thiết bị)", path);
	}
	f = fopen(path, "rb");
	if (!f)
		return th_fail(e, TH_E_CONFIG, "%s: không mở được tệp cấu hình (%s)", path, th_errno_vi(errno, eb));
	th_sbuf_init(&sb, 16u << 20);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		th_sbuf_add(&sb, buf, n);
	fclose(f);
	if (th_sbuf_err(&sb)) {
		th_sbuf_release(&sb);
		return th_fail(e, TH_E_CONFIG, "%s: tệp cấu hình lớn quá 16 MiB", path);
	}
	if (memchr(sb.buf, '\0', sb.len)) {
		th_sbuf_release(&sb);
		return th_fail(e, TH_E_CONFIG, "%s: không phải tệp văn bản (có byte NUL)", path);
	}
	text = th_sbuf_detach(&sb, NULL);
	ini = th_xcalloc(1, sizeof(*ini));
	ini->path = th_xstrdup(path);
	split_lines(ini, text);
	free(text);
	if (scan(ini, e))
		goto fail;
	*out = ini;
	return 0;
fail:
	th_ini_free(ini);
	return -1;
}

void th_ini_free(th_ini *ini)
{
	if (!ini)
		return;
	for (size_t i = 0; i < ini->n_secs; i++) {
		for (size_t k = 0; k < ini->secs[i].n_keys; k++) {
			free(ini->secs[i].keys[k].name);
			free(ini->secs[i].keys[k].value);
		}
		free(ini->secs[i].keys);
		free(ini->secs[i].name);
	}
	free(ini->secs);
	free(ini->slots);
	for (size_t i = 0; i < ini->n_lines; i++)
		free(ini->lines[i]);
	free(ini->lines);
	free(ini->path);
	free(ini);
}

size_t th_ini_nsections(const th_ini *ini) { return ini->n_secs; }
const char *th_ini_section(const th_ini *ini, size_t i) { return ini->secs[i].name; }
int th_ini_has_section(const th_ini *ini, const char *section) { return find_section(ini, section) != NULL; }

size_t th_ini_nkeys(const th_ini *ini, const char *section)
{
	const struct ini_section *s = find_section(ini, section);
	return s ? s->n_keys : 0;
}

const char *th_ini_key(const th_ini *ini, const char *section, size_t i)
{
	const struct ini_section *s = find_section(ini, section);
	return s && i < s->n_keys ? s->keys[i].name : NULL;
}

const char *th_ini_get(const th_ini *ini, const char *section, const char *key)
{
	const struct ini_key *k = find_key(ini, section, key);

	return k ? k->value : NULL;
}

uint32_t th_ini_line(const th_ini *ini, const char *section, const char *key)
{
	const struct ini_section *s = find_section(ini, section);
	const struct ini_key *k;

	if (!s)
		return 0;
	if (!key)
		return s->line;
	k = find_key(ini, section, key);
	return k ? k->line : 0;
}

int th_ini_fail(const th_ini *ini, th_err *e, const char *section, const char *key,
		const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return fail_line(ini, e, th_ini_line(ini, section, key), "%s", msg);
}
