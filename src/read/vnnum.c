/*
 * Vietnamese numbers, dates and periods written as text; see vnnum.h. Everything works on
 * (pointer, length) UTF-8 text with a forward cursor, allocates nothing and refuses
 * rather than guesses when a text allows two readings the hint does not settle.
 * SPDX-License-Identifier: MIT
 */
#include "read/vnnum.h"

#include <ctype.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read/numfmt.h"

#include "base/banned.h"

/* ---- blanks and trimming ---- */

/*
 * The length in bytes of the blank at p[0..e), 0 when p is not at a blank. Besides ASCII
 * whitespace this takes the spaces Word and web pages paste into cells: NBSP, the
 * U+2000 block (thin, hair, figure ... and the zero-width space), narrow NBSP, medium
 * mathematical space, ideographic space and a stray BOM.
 */
static size_t blank_len(const unsigned char *p, const unsigned char *e)
{
	size_t n = (size_t)(e - p);

	if (n == 0)
		return 0;
	if (p[0] == ' ' || p[0] == '\t' || p[0] == '\n' || p[0] == '\r' || p[0] == '\v' ||
	    p[0] == '\f')
		return 1;
	if (n >= 2 && p[0] == 0xC2 && p[1] == 0xA0)
		return 2;
	if (n < 3)
		return 0;
	if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] <= 0x8B || p[2] == 0xAF))
		return 3; /* U+2000..U+200B, U+202F */
	if (p[0] == 0xE2 && p[1] == 0x81 && p[2] == 0x9F)
		return 3; /* U+205F */
	if (p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80)
		return 3; /* U+3000 */
	if (p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		return 3; /* U+FEFF */
	return 0;
}

/* The length of the UTF-8 sequence starting with byte c (1 for stray or invalid bytes). */
static size_t utf8_len(unsigned char c)
{
	if (c >= 0xF0 && c <= 0xF4)
		return 4;
	if (c >= 0xE0)
		return c <= 0xEF ? 3 : 1;
	if (c >= 0xC2)
		return 2;
	return 1;
}

/*
 * Narrow [*b, *e) to drop blanks at both ends; true when anything was dropped. Scans
 * forward only, as blanks are multi-byte and UTF-8 is awkward to walk backwards.
 */
static bool trim(const unsigned char **b, const unsigned char **e)
{
	const unsigned char *p = *b, *last = NULL, *first = NULL;
	bool dropped = false;

	while (p < *e) {
		size_t k = blank_len(p, *e);

		if (k) {
			p += k;
			dropped = true;
			continue;
		}
		if (!first)
			first = p;
		k = utf8_len(*p);
		if (k > (size_t)(*e - p))
			k = (size_t)(*e - p);
		p += k;
		last = p;
	}
	if (!first) {
		*b = *e;
		return dropped;
	}
	*b = first;
	*e = last;
	return dropped;
}

/* True when [p, e) starts with the bytes of lit. */
static bool starts(const unsigned char *p, const unsigned char *e, const char *lit)
{
	size_t k = strlen(lit);

	return (size_t)(e - p) >= k && memcmp(p, lit, k) == 0;
}

/* ---- numbers ---- */

#define MAX_DIGITS 40
#define MAX_RUNS (MAX_DIGITS + 1)

/* A first group of 1-3 digits that does not start with '0' (a lone "0" is no group either). */
static bool group_leader(const char *dig, size_t len)
{
	return len >= 1 && len <= 3 && dig[0] != '0';
}

/* runs[0..k] are valid grouping: a leader, then groups of exactly 3 digits. */
static bool grouping(const char *dig, const size_t *runs, size_t k)
{
	if (!group_leader(dig, runs[0]))
		return false;
	for (size_t i = 1; i <= k; i++)
		if (runs[i] != 3)
			return false;
	return true;
}

/*
 * The value of the digits dig[0..ni) as an integer part and dig[ni..ni+nf) as a
 * fraction. strtod rounds correctly; its decimal mark follows LC_NUMERIC, so the text is
 * built with whatever mark the current locale uses.
 */
static double digits_value(const char *dig, size_t ni, size_t nf)
{
	char buf[MAX_DIGITS + 16];
	const char *dp = localeconv()->decimal_point;
	size_t dl = dp && *dp ? strlen(dp) : 0, len = 0;

	if (dl == 0 || dl > 8) {
		dp = ".";
		dl = 1;
	}
	if (ni == 0)
		buf[len++] = '0';
	memcpy(buf + len, dig, ni);
	len += ni;
	if (nf) {
		memcpy(buf + len, dp, dl);
		len += dl;
		memcpy(buf + len, dig + ni, nf);
		len += nf;
	}
	buf[len] = '\0';
	return strtod(buf, NULL);
}

/* Strip a leading sign (+, -, U+2212, U+2013) from *b; 1 for '+', -1 for a minus, 0 none. */
static int take_sign(const unsigned char **b, const unsigned char *e)
{
	if (*b < e && **b == '+') {
		(*b)++;
		return 1;
	}
	if (*b < e && **b == '-') {
		(*b)++;
		return -1;
	}
	if (starts(*b, e, "\xE2\x88\x92") || starts(*b, e, "\xE2\x80\x93")) {
		*b += 3;
		return -1;
	}
	return 0;
}

/* A number's body: its digits, and the runs of digits with the separators between them. */
struct body {
	char dig[MAX_DIGITS];
	size_t runs[MAX_RUNS]; /* digits per run, runs[0..k] */
	char seps[MAX_RUNS];   /* seps[i] between runs i and i+1: '.', ',' or ' ' (any blank run) */
	size_t nd, k;
};

/* Split b..e into digit runs and separators; *spaces set when a blank separates. -1 when it
 * is no number body ("1..2", "5.", "1. 2", a letter, too many digits). */
static int split_runs(const unsigned char *b, const unsigned char *e, struct body *bd, bool *spaces)
{
	bd->nd = bd->k = 0;
	bd->runs[0] = 0;
	for (const unsigned char *p = b; p < e;) {
		size_t bl;

		if (isdigit(*p)) {
			if (bd->nd == MAX_DIGITS)
				return -1;
			bd->dig[bd->nd++] = (char)*p++;
			bd->runs[bd->k]++;
			continue;
		}
		bl = blank_len(p, e);
		if (*p != '.' && *p != ',' && bl == 0)
			return -1;
		if (bd->k + 1 == MAX_RUNS)
			return -1;
		if (bl) {
			while ((bl = blank_len(p, e)) != 0)
				p += bl;
			bd->seps[bd->k] = ' ';
			*spaces = true;
		} else {
			bd->seps[bd->k] = (char)*p++;
		}
		bd->runs[++bd->k] = 0;
	}
	for (size_t i = 1; i <= bd->k; i++)
		if (bd->runs[i] == 0)
			return -1; /* "1..2", "5.", "1. 2" */
	if (bd->runs[0] == 0 && !(bd->k == 1 && bd->seps[0] != ' '))
		return -1;
	return 0;
}

/* One '.' or ','. Three digits after a valid leader is the ambiguous case, settled by the
 * hint (a percent sign counts as decimal). Sets r->how and *nf, the fraction's digits. */
static void one_separator(const struct body *bd, th_numhint hint, th_num *r, size_t *nf)
{
	bool dot = bd->seps[0] == '.';
	bool thousands = false;

	if (bd->runs[1] == 3 && group_leader(bd->dig, bd->runs[0])) {
		th_numhint h = hint;

		if (h == TH_HINT_NONE && r->percent_sign)
			h = TH_HINT_DECIMAL;
		thousands = h == TH_HINT_WHOLE || (h == TH_HINT_NONE && dot);
		r->how = thousands ? TH_READ_AMBIGUOUS_THOUSANDS : TH_READ_AMBIGUOUS_DECIMAL;
	} else {
		r->how = dot ? TH_READ_DECIMAL_DOT : TH_READ_DECIMAL_COMMA;
	}
	if (!thousands)
		*nf = bd->runs[1];
}

/* How the separators read: sets r->how and *nf, the digits after the decimal mark (0 for
 * none). -1 when they make no number (bad grouping, mixed group marks). */
static int judge_separators(const struct body *bd, th_numhint hint, th_num *r, size_t *nf)
{
	const size_t k = bd->k;
	bool same = true;

	*nf = 0;
	if (k == 0) {
		r->how = TH_READ_PLAIN;
		return 0;
	}
	for (size_t i = 1; i < k; i++)
		if (bd->seps[i] != bd->seps[0])
			same = false;
	if (same && bd->seps[k - 1] == ' ') {
		if (!grouping(bd->dig, bd->runs, k))
			return -1;
		r->how = TH_READ_PLAIN;
	} else if (same && k >= 2) {
		if (!grouping(bd->dig, bd->runs, k))
			return -1;
		r->how = bd->seps[0] == '.' ? TH_READ_GROUPED_DOT : TH_READ_GROUPED_COMMA;
	} else if (same) {
		one_separator(bd, hint, r, nf);
	} else {
		/* The last separator is the decimal mark; all before it group, one kind. */
		char dm = bd->seps[k - 1], g = bd->seps[0];

		if (dm == ' ')
			return -1;
		for (size_t i = 1; i + 1 < k; i++)
			if (bd->seps[i] != g)
				return -1;
		if (!grouping(bd->dig, bd->runs, k - 1))
			return -1;
		if (g == ' ')
			r->how = dm == '.' ? TH_READ_DECIMAL_DOT : TH_READ_DECIMAL_COMMA;
		else
			r->how = TH_READ_MIXED;
		*nf = bd->runs[k];
	}
	return 0;
}

int th_vn_parse_number(const char *s, size_t n, th_numhint hint, th_num *out)
{
	const unsigned char *b, *e;
	struct body bd;
	size_t nf;
	bool neg = false;
	th_num r = { 0 };
	int sign;

	*out = r;
	if (!s)
		return -1;
	b = (const unsigned char *)s;
	e = b + n;
	r.had_spaces = trim(&b, &e);
	if (b < e && e[-1] == '%') {
		e--;
		r.percent_sign = true;
		r.had_spaces |= trim(&b, &e);
	}
	sign = take_sign(&b, e);
	if (sign) {
		neg = sign < 0;
		r.had_spaces |= trim(&b, &e);
		if (b < e && (*b == '+' || *b == '-' || take_sign(&b, e)))
			return -1; /* two signs */
	}
	if (b == e || split_runs(b, e, &bd, &r.had_spaces) || judge_separators(&bd, hint, &r, &nf))
		return -1;
	r.decimals = (int)nf;
	r.value = digits_value(bd.dig, bd.nd - nf, nf);
	if (!(r.value <= TH_VN_NUM_MAX))
		return -1;
	if (neg && r.value != 0)
		r.value = -r.value;
	*out = r;
	return 0;
}

bool th_vn_is_dash(const char *s, size_t n)
{
	static const char *const dashes[] = {
		"-", "\xE2\x80\x93", "\xE2\x80\x94", "\xE2\x88\x92", "x", "X", "\xE2\x80\xA6", "...",
	};
	const unsigned char *b, *e;

	if (!s)
		return false;
	b = (const unsigned char *)s;
	e = b + n;
	trim(&b, &e);
	for (size_t i = 0; i < sizeof(dashes) / sizeof(dashes[0]); i++) {
		size_t k = strlen(dashes[i]);

		if ((size_t)(e - b) == k && memcmp(b, dashes[i], k) == 0)
			return true;
	}
	return false;
}

/* ---- dates ---- */

#define DAYS_MIN (-25567)  /* 1900-01-01 */
#define DAYS_MAX 2932896   /* 9999-12-31 */

static const th_date no_date = { 0, 0, 0 };

bool th_date_valid(int y, int m, int d)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int dim;

	if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1)
		return false;
	dim = mdays[m - 1];
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		dim = 29;
	return d <= dim;
}

int32_t th_date_days(th_date d)
{
	if (!th_date_valid(d.y, d.m, d.d))
		return INT32_MIN;
	return (int32_t)th_days_from_civil(d.y, d.m, d.d);
}

th_date th_date_from_days(int32_t days)
{
	int64_t y;
	unsigned m, d;
	th_date r;

	if (days < DAYS_MIN || days > DAYS_MAX)
		return no_date;
	th_civil_from_days(days, &y, &m, &d);
	r.y = (int32_t)y;
	r.m = (uint8_t)m;
	r.d = (uint8_t)d;
	return r;
}

th_date th_date_add_days(th_date d, int32_t n)
{
	int64_t z;

	if (!th_date_valid(d.y, d.m, d.d))
		return no_date;
	z = th_days_from_civil(d.y, d.m, d.d) + (int64_t)n;
	if (z < DAYS_MIN || z > DAYS_MAX)
		return no_date;
	return th_date_from_days((int32_t)z);
}

int th_date_cmp(th_date a, th_date b)
{
	int32_t x = a.y ? th_date_days(a) : INT32_MIN;
	int32_t y = b.y ? th_date_days(b) : INT32_MIN;

	return (x > y) - (x < y);
}

int th_date_from_serial(double serial, bool date1904, th_date *out)
{
	th_serial sr;

	*out = no_date;
	/* a time of day alone is no date, nor is the 1900 system's fictitious 1900-02-29 */
	if (th_serial_split(serial, date1904, &sr) != 0 || sr.day < 1 ||
	    !th_date_valid((int)sr.y, (int)sr.m, (int)sr.d))
		return -1;
	out->y = (int32_t)sr.y;
	out->m = (uint8_t)sr.m;
	out->d = (uint8_t)sr.d;
	return 0;
}

/* Write v (0 <= v < 10^w) as exactly w decimal digits at out. */
static void put_digits(char *out, unsigned v, int w)
{
	for (int i = w - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

void th_date_iso(th_date d, char out[TH_DATE_MAX])
{
	out[0] = '\0';
	if (!th_date_valid(d.y, d.m, d.d))
		return;
	put_digits(out, (unsigned)d.y, 4);
	out[4] = '-';
	put_digits(out + 5, d.m, 2);
	out[7] = '-';
	put_digits(out + 8, d.d, 2);
	out[10] = '\0';
}

void th_date_vn(th_date d, char out[TH_DATE_MAX])
{
	out[0] = '\0';
	if (!th_date_valid(d.y, d.m, d.d))
		return;
	put_digits(out, d.d, 2);
	out[2] = '/';
	put_digits(out + 3, d.m, 2);
	out[5] = '/';
	put_digits(out + 6, (unsigned)d.y, 4);
	out[10] = '\0';
}

/* A forward cursor over the date text. */
typedef struct cursor {
	const unsigned char *p, *e;
} cursor;

static bool skip_blanks(cursor *c)
{
	bool any = false;
	size_t k;

	while ((k = blank_len(c->p, c->e)) != 0) {
		c->p += k;
		any = true;
	}
	return any;
}

/* Read a run of digits as a number; the count of digits read (0: none), capped at 5. */
static size_t read_uint(cursor *c, int *val)
{
	size_t nd = 0;
	int v = 0;

	while (c->p < c->e && isdigit(*c->p)) {
		if (nd < 5)
			v = v * 10 + (*c->p - '0');
		nd++;
		c->p++;
	}
	*val = v;
	return nd > 5 ? 5 : nd;
}

/*
 * Fold one character at c into lower-case NFC for the few letters the date keywords
 * use: ASCII letters, à á ă in either case, and a + combining grave / acute / breve
 * (NFD). Writes up to 2 bytes into f and returns how many; advances c.
 */
static size_t fold_char(cursor *c, unsigned char f[2])
{
	const unsigned char *p = c->p;
	size_t left = (size_t)(c->e - p);

	if ((p[0] == 'a' || p[0] == 'A') && left >= 3 && p[1] == 0xCC &&
	    (p[2] == 0x80 || p[2] == 0x81 || p[2] == 0x86)) {
		f[0] = p[2] == 0x86 ? 0xC4 : 0xC3;
		f[1] = p[2] == 0x80 ? 0xA0 : p[2] == 0x81 ? 0xA1 : 0x83;
		c->p += 3;
		return 2;
	}
	if (p[0] == 0xC3 && left >= 2 && (p[1] == 0x80 || p[1] == 0x81 || p[1] == 0xA0 || p[1] == 0xA1)) {
		f[0] = 0xC3;
		f[1] = (unsigned char)(p[1] | 0x20);
		c->p += 2;
		return 2;
	}
	if (p[0] == 0xC4 && left >= 2 && (p[1] == 0x82 || p[1] == 0x83)) {
		f[0] = 0xC4;
		f[1] = 0x83;
		c->p += 2;
		return 2;
	}
	f[0] = p[0] < 0x80 ? (unsigned char)tolower(p[0]) : p[0];
	c->p++;
	return 1;
}

/*
 * Match one of the spellings in kw (lower-case NFC) at c as a whole word: the next
 * character must be a blank, a digit or the end. Advances c only on a match.
 */
static bool match_word(cursor *c, const char *const *kw, size_t nkw)
{
	for (size_t i = 0; i < nkw; i++) {
		cursor t = *c;
		const unsigned char *w = (const unsigned char *)kw[i];
		size_t wl = strlen(kw[i]), at = 0;
		bool ok = true;

		while (at < wl) {
			unsigned char f[2];
			size_t fl;

			if (t.p == t.e) {
				ok = false;
				break;
			}
			fl = fold_char(&t, f);
			if (at + fl > wl || memcmp(w + at, f, fl) != 0) {
				ok = false;
				break;
			}
			at += fl;
		}
		if (!ok)
			continue;
		if (t.p < t.e && !isdigit(*t.p) && blank_len(t.p, t.e) == 0)
			continue;
		*c = t;
		return true;
	}
	return false;
}

static const char *const kw_ngay[] = { "ng\xC3\xA0y", "ngay" };
static const char *const kw_thang[] = { "th\xC3\xA1ng", "thang" };
static const char *const kw_nam[] = { "n\xC4\x83m", "nam" };
#define NKW(a) (sizeof(a) / sizeof((a)[0]))

/* A date separator ('/', '-', '.') with optional blanks around it; the char, or 0. */
static char take_sep(cursor *c)
{
	char sep;

	skip_blanks(c);
	if (c->p == c->e || (*c->p != '/' && *c->p != '-' && *c->p != '.'))
		return 0;
	sep = (char)*c->p++;
	skip_blanks(c);
	return sep;
}

/* "d/m/y" or "y-m-d" at c, to the end of the text. */
static int numeric_date(cursor *c, int *y, int *m, int *d)
{
	int a, bb, cc;
	size_t na, nb, nc;
	char s1, s2;

	na = read_uint(c, &a);
	s1 = take_sep(c);
	nb = read_uint(c, &bb);
	s2 = take_sep(c);
	nc = read_uint(c, &cc);
	if (!s1 || s1 != s2 || c->p != c->e || nb < 1 || nb > 2)
		return -1;
	if (na == 4 && nc >= 1 && nc <= 2) {
		*y = a, *m = bb, *d = cc;
		return 0;
	}
	if (na >= 1 && na <= 2 && nc == 4) {
		*d = a, *m = bb, *y = cc;
		return 0;
	}
	return -1;
}

int th_vn_parse_date(const char *s, size_t n, th_date *out)
{
	const unsigned char *b, *e;
	cursor c;
	int y = 0, m = 0, d = 0;

	*out = no_date;
	if (!s)
		return -1;
	b = (const unsigned char *)s;
	e = b + n;
	trim(&b, &e);
	if (b < e && e[-1] == '.') {
		e--;
		trim(&b, &e);
	}
	if (b == e)
		return -1;
	c.p = b;
	c.e = e;
	if (match_word(&c, kw_ngay, NKW(kw_ngay))) {
		cursor day;
		size_t nd;

		skip_blanks(&c);
		day = c;
		nd = read_uint(&c, &d);
		if (nd < 1 || nd > 2)
			return -1; /* also the blank draft "ngày      tháng 7 năm 2023" */
		skip_blanks(&c);
		if (match_word(&c, kw_thang, NKW(kw_thang))) {
			skip_blanks(&c);
			nd = read_uint(&c, &m);
			if (nd < 1 || nd > 2)
				return -1;
			skip_blanks(&c);
			if (!match_word(&c, kw_nam, NKW(kw_nam)))
				return -1;
			skip_blanks(&c);
			if (read_uint(&c, &y) != 4 || c.p != c.e)
				return -1;
		} else {
			/* "ngày 12/9/2023": the day already read was 1-2 digits, so never y-m-d */
			c = day;
			if (numeric_date(&c, &y, &m, &d) < 0)
				return -1;
		}
	} else if (numeric_date(&c, &y, &m, &d) < 0) {
		return -1;
	}
	if (!th_date_valid(y, m, d))
		return -1;
	out->y = y;
	out->m = (uint8_t)m;
	out->d = (uint8_t)d;
	return 0;
}

/* ---- reporting periods ---- */

static bool period_ok(th_period p)
{
	if (p.year < 1900 || p.year > 9999)
		return false;
	switch (p.kind) {
	case TH_P_MONTH:
		return p.n >= 1 && p.n <= 12;
	case TH_P_QUARTER:
		return p.n >= 1 && p.n <= 4;
	case TH_P_HALF:
		return p.n >= 1 && p.n <= 2;
	case TH_P_NINE:
	case TH_P_YEAR:
		return p.n == 0;
	case TH_P_NONE:
		break;
	}
	return false;
}

/* The value of the 1-2 decimal digits at s (exactly len of them, all digits), or -1. */
static int small_num(const char *s, size_t len)
{
	int v = 0;

	if (len < 1 || len > 2)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int th_period_parse(const char *s, th_period *out)
{
	th_period r = { TH_P_NONE, 0, 0 };
	const char *t;
	size_t tl;
	int v;

	out->kind = TH_P_NONE;
	out->year = 0;
	out->n = 0;
	if (!s)
		return -1;
	for (int i = 0; i < 4; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		r.year = r.year * 10 + (s[i] - '0');
	}
	if (s[4] == '\0') {
		r.kind = TH_P_YEAR;
	} else {
		if (s[4] != '-')
			return -1;
		t = s + 5;
		tl = strlen(t);
		if (tl == 2 && t[0] == '9' && (t[1] == 'M' || t[1] == 'm')) {
			r.kind = TH_P_NINE;
		} else if (tl >= 2) {
			switch (toupper((unsigned char)t[0])) {
			case 'M':
				r.kind = TH_P_MONTH;
				break;
			case 'Q':
				r.kind = TH_P_QUARTER;
				break;
			case 'H':
				r.kind = TH_P_HALF;
				break;
			default:
				return -1;
			}
			/* "Q3", "H1": one digit; months take "M7" or "M07". */
			if (r.kind != TH_P_MONTH && tl != 2)
				return -1;
			v = small_num(t + 1, tl - 1);
			if (v < 0)
				return -1;
			r.n = v;
		} else {
			return -1;
		}
	}
	if (!period_ok(r))
		return -1;
	*out = r;
	return 0;
}

void th_period_format(th_period p, char *out, size_t cap)
{
	if (cap == 0)
		return;
	out[0] = '\0';
	if (!period_ok(p))
		return;
	switch (p.kind) {
	case TH_P_MONTH:
		snprintf(out, cap, "%04d-M%02d", p.year, p.n);
		break;
	case TH_P_QUARTER:
		snprintf(out, cap, "%04d-Q%d", p.year, p.n);
		break;
	case TH_P_HALF:
		snprintf(out, cap, "%04d-H%d", p.year, p.n);
		break;
	case TH_P_NINE:
		snprintf(out, cap, "%04d-9M", p.year);
		break;
	case TH_P_YEAR:
		snprintf(out, cap, "%04d", p.year);
		break;
	case TH_P_NONE:
		break;
	}
}

static const char *const roman[] = {
	"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
};

void th_period_label_vi(th_period p, char *out, size_t cap)
{
	char buf[TH_PERIOD_LABEL_MAX + 8];
	size_t len;

	if (cap == 0)
		return;
	out[0] = '\0';
	if (!period_ok(p))
		return;
	switch (p.kind) {
	case TH_P_MONTH:
		snprintf(buf, sizeof(buf), "tháng %d năm %d", p.n, p.year);
		break;
	case TH_P_QUARTER:
		snprintf(buf, sizeof(buf), "quý %s năm %d", roman[p.n - 1], p.year);
		break;
	case TH_P_HALF:
		snprintf(buf, sizeof(buf), "6 tháng %s năm %d", p.n == 1 ? "đầu" : "cuối", p.year);
		break;
	case TH_P_NINE:
		snprintf(buf, sizeof(buf), "9 tháng năm %d", p.year);
		break;
	case TH_P_YEAR:
		snprintf(buf, sizeof(buf), "năm %d", p.year);
		break;
	case TH_P_NONE:
		return;
	}
	len = strlen(buf);
	if (len >= cap) {
		/* Cut before a continuation byte never splits a character. */
		len = cap - 1;
		while (len > 0 && ((unsigned char)buf[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(out, buf, len);
	out[len] = '\0';
}

void th_period_months(th_period p, int *first, int *last)
{
	*first = *last = 0;
	if (!period_ok(p))
		return;
	switch (p.kind) {
	case TH_P_MONTH:
		*first = *last = p.n;
		break;
	case TH_P_QUARTER:
		*first = 3 * p.n - 2;
		*last = 3 * p.n;
		break;
	case TH_P_HALF:
		*first = p.n == 1 ? 1 : 7;
		*last = p.n == 1 ? 6 : 12;
		break;
	case TH_P_NINE:
		*first = 1;
		*last = 9;
		break;
	case TH_P_YEAR:
		*first = 1;
		*last = 12;
		break;
	case TH_P_NONE:
		break;
	}
}

int th_roman(const char *s, size_t n)
{
	const unsigned char *b, *e;
	size_t len;

	if (!s)
		return 0;
	b = (const unsigned char *)s;
	e = b + n;
	trim(&b, &e);
	len = (size_t)(e - b);
	for (size_t i = 0; i < sizeof(roman) / sizeof(roman[0]); i++) {
		size_t j;

		if (strlen(roman[i]) != len)
			continue;
		for (j = 0; j < len; j++)
			if (toupper(b[j]) != roman[i][j])
				break;
		if (j == len)
			return (int)i + 1;
	}
	return 0;
}

void th_vn_format(double v, int d, bool vi, char *out, size_t cap)
{
	if (d < 0) {
		snprintf(out, cap, "%.10g", v);
	} else {
		/* half away from zero, as reports round (printf would give 96 for 96.5) */
		double scale = pow(10, d > 15 ? 15 : d), r = floor(fabs(v) * scale + 0.5 + 1e-9) / scale;
		snprintf(out, cap, "%.*f", d, v < 0 ? -r : r);
	}
	if (strcmp(out, "-0") == 0 || (d >= 0 && v < 0 && strspn(out, "-0.,") == strlen(out)))
		memmove(out, out + 1, strlen(out)); /* no "-0.00" */
	if (vi)
		for (char *p = out; *p; p++)
			if (*p == '.')
				*p = ',';
}
