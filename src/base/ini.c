/*
 * INI loading with line numbers; see ini.h. iniparser holds the values; the line index
 * is built by a scan of our own that follows iniparser 4.1's grammar for sections, keys,
 * comments and blank lines.
 * SPDX-License-Identifier: MIT
 */
#include "base/ini.h"

#include <ctype.h>
#include <errno.h>
#include <iniparser.h>
#include <stdarg.h>
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
	uint32_t line;
};

struct ini_section {
	char *name;
	uint32_t line;
	struct ini_key *keys;
	size_t n_keys, cap_keys;
};

struct th_ini {
	char *path;
	dictionary *dict;
	struct ini_section *secs;
	size_t n_secs, cap_secs;
	size_t *by_name; /* section indexes sorted by name (case-insensitive): a roster has thousands */
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

static const th_ini *sort_ini; /* qsort has no user data; loading is single-threaded */

static int by_name_cmp(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	int c = strcasecmp(sort_ini->secs[i].name, sort_ini->secs[j].name);

	return c ? c : i < j ? -1 : i > j;
}

static struct ini_section *find_section(const th_ini *ini, const char *name)
{
	size_t lo = 0, hi = ini->n_secs;

	if (!ini->by_name) { /* while scanning */
		for (size_t i = 0; i < ini->n_secs; i++)
			if (strcasecmp(ini->secs[i].name, name) == 0)
				return &ini->secs[i];
		return NULL;
	}
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcasecmp(ini->secs[ini->by_name[mid]].name, name) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < ini->n_secs && strcasecmp(ini->secs[ini->by_name[lo]].name, name) == 0)
		return &ini->secs[ini->by_name[lo]];
	return NULL;
}

/* Sort the section index; a section named twice is an error at its second line. */
static int index_sections(th_ini *ini, th_err *e)
{
	ini->by_name = th_xcalloc(ini->n_secs + 1, sizeof(*ini->by_name));
	for (size_t i = 0; i < ini->n_secs; i++)
		ini->by_name[i] = i;
	sort_ini = ini;
	if (ini->n_secs > 1)
		qsort(ini->by_name, ini->n_secs, sizeof(*ini->by_name), by_name_cmp);
	for (size_t i = 1; i < ini->n_secs; i++) {
		const struct ini_section *a = &ini->secs[ini->by_name[i - 1]], *b = &ini->secs[ini->by_name[i]];
		if (strcasecmp(a->name, b->name) == 0)
			return fail_line(ini, e, b->line, "mục [%s] đã có ở dòng %lu", b->name, (unsigned long)a->line);
	}
	return 0;
}

static struct ini_key *find_key(const struct ini_section *s, const char *name)
{
	for (size_t i = 0; s && i < s->n_keys; i++)
		if (strcasecmp(s->keys[i].name, name) == 0)
			return &s->keys[i];
	return NULL;
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

#define INI_LINE_MAX 1021 /* bytes without the line end (1022 with LF only; CRLF takes one) */

static int scan(th_ini *ini, th_err *e)
{
	struct ini_section *cur = NULL;

	for (size_t i = 0; i < ini->n_lines; i++) {
		uint32_t line = (uint32_t)i + 1;
		char *copy = th_xstrdup(ini->lines[i]), *s = trim(copy);
		int rc = 0;

		if (strlen(ini->lines[i]) > INI_LINE_MAX) {
			/* iniparser 4.1 reads a line into 1024 bytes and refuses a longer one */
			rc = fail_line(ini, e, line, "dòng dài %zu byte, quá %d byte mà iniparser đọc được: "
				       "hãy viết ngắn lại", strlen(ini->lines[i]), INI_LINE_MAX);
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
				} else {
					th_grow((void **)&ini->secs, &ini->cap_secs, ini->n_secs + 1,
						sizeof(*ini->secs));
					cur = &ini->secs[ini->n_secs++];
					memset(cur, 0, sizeof(*cur));
					cur->name = th_xstrdup(name);
					cur->line = line;
				}
			}
		} else {
			char *eq = strchr(s, '='), *key;
			if (!eq) {
				rc = fail_line(ini, e, line, "dòng không hợp lệ: cần 'khoá = giá trị' hoặc '[mục]'");
			} else {
				*eq = '\0';
				key = trim(s);
				if (!*key) {
					rc = fail_line(ini, e, line, "thiếu tên khoá trước dấu '='");
				} else if (!cur) {
					rc = fail_line(ini, e, line, "khoá '%s' nằm ngoài mọi mục [..]", key);
				} else if (find_key(cur, key)) {
					rc = fail_line(ini, e, line, "khoá '%s' đã có ở dòng %lu của mục [%s]", key,
						       (unsigned long)find_key(cur, key)->line, cur->name);
				} else {
					struct ini_key *k;
					th_grow((void **)&cur->keys, &cur->cap_keys, cur->n_keys + 1,
						sizeof(*cur->keys));
					k = &cur->keys[cur->n_keys++];
					k->name = th_xstrdup(key);
					k->line = line;
				}
			}
		}
		free(copy);
		if (rc)
			return -1;
	}
	return 0;
}

/* iniparser reports through a global printf-like callback; keep its first message. */
static char iniparser_msg[256];

static int collect_error(const char *fmt, ...)
{
	va_list ap;

	if (iniparser_msg[0])
		return 0;
	va_start(ap, fmt);
	vsnprintf(iniparser_msg, sizeof(iniparser_msg), fmt, ap);
	va_end(ap);
	for (char *p = iniparser_msg; *p; p++)
		if (*p == '\n')
			*p = ' ';
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
	if (scan(ini, e) || index_sections(ini, e))
		goto fail;
	iniparser_msg[0] = '\0';
	iniparser_set_error_callback(collect_error);
	ini->dict = iniparser_load(path);
	if (!ini->dict || iniparser_msg[0]) {
		fail_line(ini, e, 0, "iniparser không đọc được tệp: %s",
			  iniparser_msg[0] ? iniparser_msg : "lỗi không rõ");
		goto fail;
	}
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
	if (ini->dict)
		iniparser_freedict(ini->dict);
	for (size_t i = 0; i < ini->n_secs; i++) {
		for (size_t k = 0; k < ini->secs[i].n_keys; k++)
			free(ini->secs[i].keys[k].name);
		free(ini->secs[i].keys);
		free(ini->secs[i].name);
	}
	free(ini->secs);
	free(ini->by_name);
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
	char full[512];

	if (!find_key(find_section(ini, section), key))
		return NULL;
	snprintf(full, sizeof(full), "%s:%s", section, key);
	for (char *p = full; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return iniparser_getstring(ini->dict, full, NULL);
}

uint32_t th_ini_line(const th_ini *ini, const char *section, const char *key)
{
	const struct ini_section *s = find_section(ini, section);
	const struct ini_key *k;

	if (!s)
		return 0;
	if (!key)
		return s->line;
	k = find_key(s, key);
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
