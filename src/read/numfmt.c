/*
 * Number-format classification and date serials; see numfmt.h.
 * SPDX-License-Identifier: MIT
 */
#include "read/numfmt.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base/banned.h"

/* ECMA-376 Part 1, 18.8.30: the built-in formats of the en-US locale. */
static const char *const builtin[] = {
	[0] = "General", [1] = "0", [2] = "0.00", [3] = "#,##0", [4] = "#,##0.00",
	[9] = "0%", [10] = "0.00%", [11] = "0.00E+00", [12] = "# ?/?", [13] = "# ?\?/??",
	[14] = "mm-dd-yy", [15] = "d-mmm-yy", [16] = "d-mmm", [17] = "mmm-yy",
	[18] = "h:mm AM/PM", [19] = "h:mm:ss AM/PM", [20] = "h:mm", [21] = "h:mm:ss",
	[22] = "m/d/yy h:mm", [37] = "#,##0 ;(#,##0)", [38] = "#,##0 ;[Red](#,##0)",
	[39] = "#,##0.00;(#,##0.00)", [40] = "#,##0.00;[Red](#,##0.00)",
	[45] = "mm:ss", [46] = "[h]:mm:ss", [47] = "mmss.0", [48] = "##0.0E+0", [49] = "@",
};

const char *th_numfmt_builtin(uint32_t id)
{
	if (id < sizeof(builtin) / sizeof(builtin[0]))
		return builtin[id];
	return NULL;
}

static bool builtin_date_id(uint32_t id)
{
	return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
	       (id >= 50 && id <= 58) || (id >= 71 && id <= 81);
}

/*
 * Copy the first ;-section of code into out (a ; inside quotes or brackets does not
 * count), then remove quoted text, backslash-escaped characters and _x / *x pairs, in
 * that order, as the corpus's reference rule does.
 */
static void first_section(const char *code, char *out, size_t cap)
{
	char tmp[512];
	size_t n = 0;
	bool q = false, br = false;

	for (const char *p = code; *p && n + 2 < sizeof(tmp); p++) {
		if (*p == '\\' && !q) {
			tmp[n++] = *p;
			if (p[1])
				tmp[n++] = *++p;
			continue;
		}
		if (*p == '"')
			q = !q;
		else if (*p == '[' && !q)
			br = true;
		else if (*p == ']' && !q)
			br = false;
		else if (*p == ';' && !q && !br)
			break;
		tmp[n++] = *p;
	}
	tmp[n] = '\0';

	/* quoted literals, then escapes, then fill and padding pairs */
	n = 0;
	for (const char *p = tmp; *p && n + 1 < cap; p++) {
		if (*p == '"') {
			const char *end = strchr(p + 1, '"');
			p = end ? end : p + strlen(p) - 1;
			continue;
		}
		out[n++] = *p;
	}
	out[n] = '\0';
	n = 0;
	for (char *p = out; *p; p++) {
		if (*p == '\\') {
			if (p[1])
				p++;
			continue;
		}
		out[n++] = *p;
	}
	out[n] = '\0';
	n = 0;
	for (char *p = out; *p; p++) {
		if (*p == '_' || *p == '*') {
			if (p[1])
				p++;
			continue;
		}
		out[n++] = *p;
	}
	out[n] = '\0';
}

/* Remove every [...] group from s in place; return true if one was elapsed time: [h] [mm] [sss]. */
static bool strip_brackets(char *s)
{
	bool elapsed = false;
	char *w = s;

	for (char *r = s; *r;) {
		if (*r == '[') {
			char *end = strchr(r, ']');
			if (!end) {
				*w++ = *r++;
				continue;
			}
			if (end > r + 1) {
				char a = (char)tolower((unsigned char)r[1]);
				bool same = a == 'h' || a == 'm' || a == 's';
				for (const char *c = r + 1; same && c < end; c++)
					same = tolower((unsigned char)*c) == a;
				if (same)
					elapsed = true;
			}
			r = end + 1;
			continue;
		}
		*w++ = *r++;
	}
	*w = '\0';
	return elapsed;
}

static void strip_general(char *s)
{
	char *w = s;

	for (char *r = s; *r;) {
		if (strncasecmp(r, "general", 7) == 0) {
			r += 7;
			continue;
		}
		*w++ = *r++;
	}
	*w = '\0';
}

/*
 * Date or time? A format with d or y is a date. An m is a month unless it stands next to
 * an h or an s (skipping separators), as in "h:mm" or "mm:ss", where it means minutes.
 */
static th_numkind date_or_time(const char *sec)
{
	for (const char *p = sec; *p; p++) {
		int c = tolower((unsigned char)*p);
		if (strncasecmp(p, "am/pm", 5) == 0 || strncasecmp(p, "a/p", 3) == 0) {
			p += c == 'a' && tolower((unsigned char)p[1]) == 'm' ? 4 : 2;
			continue;
		}
		if (c == 'd' || c == 'y')
			return TH_NUM_DATE;
		if (c == 'm') {
			const char *a = p, *b = p;
			while (tolower((unsigned char)b[1]) == 'm')
				b++;
			if (b - p >= 2)
				return TH_NUM_DATE; /* mmm, mmmm, mmmmm: a month name, never minutes */
			while (a > sec && strchr(" :.,0", a[-1]))
				a--;
			while (b[1] && strchr(" :.,0", b[1]))
				b++;
			if (!(a > sec && strchr("hHsS", a[-1])) && !(b[1] && strchr("hHsS", b[1])))
				return TH_NUM_DATE;
			p = b;
		}
	}
	return TH_NUM_TIME;
}

static th_numkind date_or_time_code(const char *code)
{
	char sec[512];

	first_section(code, sec, sizeof(sec));
	if (strip_brackets(sec))
		return TH_NUM_TIME;
	strip_general(sec);
	return date_or_time(sec);
}

th_numkind th_numfmt_kind(uint32_t id, const char *code)
{
	char sec[512];

	if ((id >= 18 && id <= 21) || (id >= 45 && id <= 47))
		return TH_NUM_TIME;
	if ((id >= 14 && id <= 17) || id == 22)
		return TH_NUM_DATE;
	if (!code)
		code = th_numfmt_builtin(id);
	if (builtin_date_id(id))
		return code ? date_or_time_code(code) : TH_NUM_DATE;
	if (!code)
		return TH_NUM_GENERAL;
	first_section(code, sec, sizeof(sec));
	if (strip_brackets(sec))
		return TH_NUM_TIME; /* elapsed time: [h]:mm */
	strip_general(sec);
	if (strchr(sec, '@'))
		return TH_NUM_TEXT;
	for (const char *p = sec; *p; p++) {
		int c = tolower((unsigned char)*p);
		if (c == 'd' || c == 'm' || c == 'y' || c == 'h' || c == 's')
			return date_or_time(sec);
	}
	if (strchr(sec, '%'))
		return TH_NUM_PERCENT;
	return TH_NUM_GENERAL;
}

int th_numfmt_decimals(const char *code)
{
	char sec[512];
	const char *dot;
	int n = 0;

	if (!code || strcasecmp(code, "General") == 0)
		return -1;
	first_section(code, sec, sizeof(sec));
	strip_brackets(sec);
	if (!strchr(sec, '0') && !strchr(sec, '#') && !strchr(sec, '?'))
		return -1;
	dot = strchr(sec, '.');
	if (!dot)
		return 0;
	for (const char *p = dot + 1; *p == '0' || *p == '#' || *p == '?'; p++)
		n++;
	return n;
}

/* ---- civil dates (H. Hinnant's days_from_civil / civil_from_days) ---- */

int64_t th_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void th_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t era;
	unsigned doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = (unsigned)(z - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

int th_serial_split(double serial, bool date1904, th_serial *out)
{
	int64_t ms;

	memset(out, 0, sizeof(*out));
	if (!isfinite(serial) || serial < 0 || serial >= 2958466.0)
		return -1;
	ms = (int64_t)floor(serial * 86400000.0 + 0.5);
	out->day = ms / 86400000;
	out->ms = (uint32_t)(ms % 86400000);
	if (date1904) {
		th_civil_from_days(th_days_from_civil(1904, 1, 1) + out->day, &out->y, &out->m, &out->d);
	} else if (out->day == 60) {
		out->y = 1900, out->m = 2, out->d = 29;
	} else {
		int64_t base = out->day < 60 ? th_days_from_civil(1899, 12, 31) : th_days_from_civil(1899, 12, 30);
		th_civil_from_days(base + out->day, &out->y, &out->m, &out->d);
	}
	return out->y > 9999 ? -1 : 0;
}

int th_serial_to_iso(double serial, bool date1904, char out[TH_ISO_MAX])
{
	th_serial sr;
	unsigned hh, mi, ss, mmm;
	char tbuf[48];

	out[0] = '\0';
	if (th_serial_split(serial, date1904, &sr) != 0)
		return -1;
	hh = sr.ms / 3600000;
	mi = sr.ms / 60000 % 60;
	ss = sr.ms / 1000 % 60;
	mmm = sr.ms % 1000;
	if (mmm)
		snprintf(tbuf, sizeof(tbuf), "%02u:%02u:%02u.%03u", hh, mi, ss, mmm);
	else
		snprintf(tbuf, sizeof(tbuf), "%02u:%02u:%02u", hh, mi, ss);
	if (sr.day == 0)
		return snprintf(out, TH_ISO_MAX, "%s", tbuf);
	return snprintf(out, TH_ISO_MAX, "%04d-%02u-%02uT%s", (int)sr.y, sr.m, sr.d, tbuf);
}
