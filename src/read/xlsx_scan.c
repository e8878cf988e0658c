/*
 * The fast way a part is read: a strict scanner of the XML that parts are made of (UTF-8
 * elements, attributes, text, references; comments, CDATA and processing instructions),
 * handing the same events expat hands (th_xp_event_*), in the same order, with the same
 * names, attribute values and text. It costs less than an expat pass: the bytes are looked
 * at once, nothing is hashed, pooled or copied (names and values are cut in place).
 *
 * What it does not read itself it leaves to expat before handing any event: an XML
 * declaration other than version 1.0 in UTF-8, a DTD, another encoding, anything but
 * blanks before the root element. What it meets without judging it exactly as expat does
 * (a comment, a processing instruction, CDATA, a name outside ASCII, many attributes)
 * makes it ask expat's verdict over the part once it is read. A part it finds not
 * well-formed is failed in expat's words (its line and column), expat reading it again.
 * Every limit of th_xp_read applies; a single tag longer than twice the text limit is refused.
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/mem.h"
#include "read/xlsx_part.h"
#include "base/banned.h"

#define SCAN_CHUNK (256 * 1024)
#define SCAN_PAIRWISE 16 /* attributes checked for duplicates one against another */

enum { OK = 0, MORE = 1, BAD = 2, HALT = 3 }; /* how a token went */
enum { PROLOG, CONTENT, EPILOG };

struct aspan {
	size_t nb, ne, vb, ve; /* the name and the value of an attribute in buf */
	bool norm;             /* the value has references or blanks to normalise */
};

struct scan {
	th_xlsx *x;
	xp *c;
	th_err *e;
	const char *part;
	zip_file_t *zf;
	uint64_t here, comp;
	unsigned char *buf;
	size_t cap, len, pos, max_token;
	uint64_t base; /* offset in the part of buf[0] */
	zip_uint64_t index;
	bool eof, unsure;
	bool judged;     /* expat's verdict asked (when the scanner became unsure) */
	uint64_t bad_at; /* where expat finds the part broken; UINT64_MAX: well-formed */
	th_err verr;     /* and what it says */
	int state;
	char *names; /* the open elements' names, each NUL-terminated */
	size_t names_len, names_cap;
	struct open {
		size_t at, local; /* where its name is in names; where the name after its prefix */
	} *open;
	size_t n_open, cap_open;
	const char **atts;
	size_t cap_atts;
	struct aspan *sp;
	size_t cap_sp;
};

/* ---- characters ---- */

static inline bool is_blank(unsigned ch)
{
	return ch == ' ' || ch == '\n' || ch == '\t' || ch == '\r';
}

/* A byte that may start a name (as expat reads names without namespaces); bytes outside
 * ASCII are let through here and judged by expat (the scanner is then unsure). */
static inline bool is_nmstart(unsigned ch)
{
	return ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') || ch == '_' || ch == ':' || ch >= 0x80;
}

static inline bool is_nmchar(unsigned ch)
{
	return is_nmstart(ch) || (ch >= '0' && ch <= '9') || ch == '.' || ch == '-';
}

/* The length of the UTF-8 character at p that XML allows (no overlong form, surrogate,
 * U+FFFE or U+FFFF); 0 for none; -1 when avail bytes are too few to say. */
static int utf8_char(const unsigned char *p, size_t avail)
{
	unsigned a = p[0];
	int n;

	if (a < 0xC2 || a > 0xF4)
		return 0;
	n = a < 0xE0 ? 2 : a < 0xF0 ? 3 : 4;
	if (avail < (size_t)n)
		return -1;
	for (int i = 1; i < n; i++)
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	if (n == 3 && ((a == 0xE0 && p[1] < 0xA0) || (a == 0xED && p[1] > 0x9F) ||
		       (a == 0xEF && p[1] == 0xBF && p[2] > 0xBD)))
		return 0;
	if (n == 4 && ((a == 0xF0 && p[1] < 0x90) || (a == 0xF4 && p[1] > 0x8F)))
		return 0;
	return n;
}

static bool xml_char(unsigned long v)
{
	return v == 0x9 || v == 0xA || v == 0xD || (v >= 0x20 && v <= 0xD7FF) || (v >= 0xE000 && v <= 0xFFFD) ||
	       (v >= 0x10000 && v <= 0x10FFFF);
}

static size_t put_utf8(unsigned char *p, unsigned long cp)
{
	if (cp < 0x80) {
		p[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		p[0] = (unsigned char)(0xC0 | cp >> 6);
		p[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		p[0] = (unsigned char)(0xE0 | cp >> 12);
		p[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		p[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	p[0] = (unsigned char)(0xF0 | cp >> 18);
	p[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
	p[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
	p[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/*
 * The reference at p ('&'): OK with *used its length and *cp the character it stands for;
 * MORE when the bytes end before its ';'; BAD for no reference XML allows without a DTD.
 */
static int reference(const unsigned char *p, size_t avail, size_t *used, unsigned long *cp)
{
	static const struct { const char *name; char ch; } pre[] = {
		{ "lt;", '<' }, { "gt;", '>' }, { "amp;", '&' }, { "quot;", '"' }, { "apos;", '\'' },
	};
	size_t i = 1;

	if (i >= avail)
		return MORE;
	if (p[i] == '#') {
		bool hex = ++i < avail && p[i] == 'x';
		unsigned long v = 0;
		size_t d0;

		i += hex;
		for (d0 = i; i < avail && p[i] != ';'; i++) {
			unsigned ch = p[i], dv;
			if (ch >= '0' && ch <= '9')
				dv = ch - '0';
			else if (hex && (ch | 0x20) >= 'a' && (ch | 0x20) <= 'f')
				dv = (ch | 0x20) - 'a' + 10;
			else
				return BAD;
			v = v * (hex ? 16 : 10) + dv;
			if (v > 0x10FFFF)
				v = 0x110000; /* stays out of range */
		}
		if (i >= avail)
			return MORE;
		if (i == d0 || !xml_char(v))
			return BAD;
		*used = i + 1;
		*cp = v;
		return OK;
	}
	for (size_t k = 0; k < sizeof(pre) / sizeof(pre[0]); k++) {
		size_t m = strlen(pre[k].name);
		size_t have = avail - 1 < m ? avail - 1 : m;
		if (memcmp(p + 1, pre[k].name, have) != 0)
			continue;
		if (have < m)
			return MORE;
		*used = m + 1;
		*cp = (unsigned char)pre[k].ch;
		return OK;
	}
	/* another name: MORE while it may still be one of those above, else BAD */
	return BAD;
}

/* Whether the bytes [a, b) are characters XML allows (no '<' is looked for). */
static bool chars_ok(const unsigned char *p, size_t a, size_t b)
{
	while (a < b) {
		unsigned ch = p[a];
		if (ch < 0x80) {
			if (ch < 0x20 && !is_blank(ch))
				return false;
			a++;
			continue;
		}
		int k = utf8_char(p + a, b - a);
		if (k <= 0)
			return false;
		a += (size_t)k;
	}
	return true;
}

/* ---- text ---- */

/* Character data from s->pos to the next '<' (or as far as the bytes go): checked,
 * references decoded, line ends made '\n' in place, handed over. */
/*
 * May the event of the token ending at buf[end] be handed? Once the scanner is unsure (it
 * met what expat judges), expat's verdict on the whole part is asked before any further
 * event, so that no event is handed from where expat finds the part broken on: a caller
 * that goes on with what it got (the content types, a manifest, the prior workbook's lead
 * cell) gets what expat would have given it, never what follows the break.
 */
static bool may_hand(struct scan *s, size_t end)
{
	if (!s->unsure)
		return true;
	if (!s->judged) {
		s->judged = true;
		if (th_xp_verdict(s->x, s->index, s->part, UINT64_MAX, &s->bad_at, &s->verr) == 0)
			s->bad_at = UINT64_MAX;
		else if (s->bad_at == UINT64_MAX)
			s->bad_at = 0; /* not read at all: nothing more is handed */
	}
	return s->base + end <= s->bad_at;
}

static int scan_text(struct scan *s)
{
	unsigned char *b = s->buf;
	size_t r = s->pos, w = s->pos, n = s->len, used;
	int rc = OK;

	while (r < n) {
		unsigned ch = b[r];
		if (ch >= 0x20 && ch < 0x80 && ch != '<' && ch != '&' && ch != ']') {
			b[w++] = (unsigned char)ch;
			r++;
		} else if (ch == '<') {
			break;
		} else if (ch == '\n' || ch == '\t') {
			b[w++] = (unsigned char)ch;
			r++;
		} else if (ch == '\r') {
			if (r + 1 >= n) {
				rc = MORE;
				break;
			}
			b[w++] = '\n';
			r += b[r + 1] == '\n' ? 2 : 1;
		} else if (ch == ']') {
			if (r + 1 < n && b[r + 1] != ']') {
				b[w++] = ']';
				r++;
			} else if (r + 2 >= n) {
				rc = MORE;
				break;
			} else if (b[r + 2] == '>') {
				rc = BAD; /* "]]>" outside CDATA */
				break;
			} else {
				b[w++] = ']';
				r++;
			}
		} else if (ch == '&') {
			unsigned long cp;
			rc = reference(b + r, n - r, &used, &cp);
			if (rc != OK)
				break;
			w += put_utf8(b + w, cp);
			r += used;
		} else if (ch >= 0x80) {
			int k = utf8_char(b + r, n - r);
			if (k <= 0) {
				rc = k < 0 ? MORE : BAD;
				break;
			}
			memmove(b + w, b + r, (size_t)k);
			w += (size_t)k;
			r += (size_t)k;
		} else {
			rc = BAD;
			break;
		}
	}
	if (rc == BAD)
		return BAD;
	if (w > s->pos && !may_hand(s, r))
		return BAD;
	if (w > s->pos)
		th_xp_event_text(s->c, (const char *)b + s->pos, w - s->pos);
	s->pos = r;
	return s->c->stop ? HALT : rc;
}

/* Blanks outside the root element; anything else there is not well-formed. */
static int scan_blanks(struct scan *s)
{
	while (s->pos < s->len && s->buf[s->pos] != '<') {
		if (!is_blank(s->buf[s->pos]))
			return BAD;
		s->pos++;
	}
	return OK;
}

/* ---- tags ---- */

/* A name at p[*i]: *i moved past it, *local where it goes on after its last ':' (as
 * local_name); MORE or BAD. Bytes outside ASCII make s unsure. */
static inline int scan_name(struct scan *s, size_t *i, size_t *local)
{
	const unsigned char *b = s->buf;
	size_t k = *i;

	if (k >= s->len)
		return MORE;
	if (!is_nmstart(b[k]))
		return BAD;
	*local = k;
	for (; k < s->len && is_nmchar(b[k]); k++) {
		if (b[k] == ':')
			*local = k + 1;
		else if (b[k] >= 0x80)
			s->unsure = true;
	}
	if (k >= s->len)
		return MORE;
	*i = k;
	return OK;
}

static inline void skip_blanks(const struct scan *s, size_t *i)
{
	while (*i < s->len && is_blank(s->buf[*i]))
		(*i)++;
}

/* An attribute value from *i (after its quote) to the closing quote: checked, *norm when
 * it has references or blanks to normalise; *i at the closing quote. */
static int scan_value(struct scan *s, size_t *i, unsigned quote, bool *norm)
{
	const unsigned char *b = s->buf;
	size_t k = *i, n = s->len, used;
	unsigned long cp;

	while (k < n && b[k] != quote) {
		unsigned ch = b[k];
		if (ch >= 0x20 && ch < 0x80 && ch != '<' && ch != '&') {
			k++;
		} else if (ch == '<') {
			return BAD;
		} else if (ch == '&') {
			int rc = reference(b + k, n - k, &used, &cp);
			if (rc != OK)
				return rc;
			*norm = true;
			k += used;
		} else if (is_blank(ch)) {
			*norm = true;
			k++;
		} else if (ch >= 0x80) {
			int len = utf8_char(b + k, n - k);
			if (len <= 0)
				return len < 0 ? MORE : BAD;
			k += (size_t)len;
		} else {
			return BAD;
		}
	}
	if (k >= n)
		return MORE;
	*i = k;
	return OK;
}

/* The value [vb, ve) normalised in place as expat does for an attribute of no declared
 * type: references decoded, each blank (a CR LF pair as one) a space; NUL-terminated. */
static void normalise(unsigned char *b, size_t vb, size_t ve)
{
	size_t r = vb, w = vb, used;
	unsigned long cp;

	while (r < ve) {
		if (b[r] == '&') {
			reference(b + r, ve - r, &used, &cp); /* checked by scan_value */
			w += put_utf8(b + w, cp);
			r += used;
		} else if (b[r] == '\r' || b[r] == '\n' || b[r] == '\t') {
			r += b[r] == '\r' && r + 1 < ve && b[r + 1] == '\n' ? 2 : 1;
			b[w++] = ' ';
		} else {
			b[w++] = b[r++];
		}
	}
	b[w] = '\0';
}

/* The attributes of a start tag from *i: recorded in s->sp; *i at its '>' or "/>". */
static int scan_attributes(struct scan *s, size_t *i, size_t *nat)
{
	const unsigned char *b = s->buf;
	size_t k = *i;
	int rc;

	*nat = 0;
	for (;;) {
		size_t at = k, local;
		struct aspan a = { 0 };
		unsigned quote;

		skip_blanks(s, &k);
		if (k >= s->len)
			return MORE;
		if (b[k] == '>' || b[k] == '/')
			break;
		if (k == at)
			return BAD; /* no blank before an attribute */
		a.nb = k;
		if ((rc = scan_name(s, &k, &local)) != OK)
			return rc;
		a.ne = k;
		skip_blanks(s, &k);
		if (k >= s->len)
			return MORE;
		if (b[k++] != '=')
			return BAD;
		skip_blanks(s, &k);
		if (k >= s->len)
			return MORE;
		quote = b[k++];
		if (quote != '"' && quote != '\'')
			return BAD;
		a.vb = k;
		if ((rc = scan_value(s, &k, quote, &a.norm)) != OK)
			return rc;
		a.ve = k++;
		if (*nat >= s->cap_sp)
			th_grow((void **)&s->sp, &s->cap_sp, *nat + 1, sizeof(*s->sp));
		s->sp[(*nat)++] = a;
	}
	*i = k;
	return OK;
}

/* Cut the names and values of the start tag in place and gather them as expat does; false
 * for an attribute written twice. */
static bool gather(struct scan *s, size_t nat)
{
	unsigned char *b = s->buf;

	if (2 * nat + 1 > s->cap_atts)
		th_grow((void **)&s->atts, &s->cap_atts, 2 * nat + 1, sizeof(*s->atts));
	for (size_t k = 0; k < nat; k++) {
		const struct aspan *a = &s->sp[k];
		b[a->ne] = '\0';
		if (a->norm)
			normalise(b, a->vb, a->ve);
		else
			b[a->ve] = '\0';
		s->atts[2 * k] = (const char *)b + a->nb;
		s->atts[2 * k + 1] = (const char *)b + a->vb;
	}
	s->atts[2 * nat] = NULL;
	if (nat > SCAN_PAIRWISE) {
		s->unsure = true; /* expat judges duplicates among many */
		return true;
	}
	for (size_t k = 1; k < nat; k++)
		for (size_t j = 0; j < k; j++)
			if (s->sp[k].ne - s->sp[k].nb == s->sp[j].ne - s->sp[j].nb &&
			    memcmp(b + s->sp[k].nb, b + s->sp[j].nb, s->sp[k].ne - s->sp[k].nb) == 0)
				return false;
	return true;
}

/* Open an element: its name (len bytes, the local part from byte local) kept. */
static void push_name(struct scan *s, const char *name, size_t len, size_t local)
{
	if (s->n_open >= s->cap_open)
		th_grow((void **)&s->open, &s->cap_open, s->n_open + 1, sizeof(*s->open));
	s->open[s->n_open].at = s->names_len;
	s->open[s->n_open++].local = s->names_len + local;
	if (s->names_len + len + 1 > s->names_cap)
		th_grow((void **)&s->names, &s->names_cap, s->names_len + len + 1, 1);
	memcpy(s->names + s->names_len, name, len);
	s->names_len += len;
	s->names[s->names_len++] = '\0';
}

/* Close the innermost element: its end event; after the root, the epilogue. */
static int pop_name(struct scan *s)
{
	const struct open *o = &s->open[--s->n_open];

	th_xp_event_end_local(s->c, s->names + o->local);
	s->names_len = o->at;
	if (!s->n_open)
		s->state = EPILOG;
	return s->c->stop ? HALT : OK;
}

/* A start tag (or an empty element) at s->pos. */
static int scan_start(struct scan *s)
{
	size_t i = s->pos + 1, ne, nat, local;
	int rc;
	bool empty;

	if (s->state == EPILOG)
		return BAD; /* a second root element */
	if ((rc = scan_name(s, &i, &local)) != OK)
		return rc;
	ne = i;
	if ((rc = scan_attributes(s, &i, &nat)) != OK)
		return rc;
	empty = s->buf[i] == '/';
	if (empty && i + 1 >= s->len)
		return MORE;
	if (empty && s->buf[i + 1] != '>')
		return BAD;
	s->buf[ne] = '\0';
	if (!gather(s, nat) || !may_hand(s, i + 1 + empty))
		return BAD;
	push_name(s, (const char *)s->buf + s->pos + 1, ne - s->pos - 1, local - s->pos - 1);
	s->state = CONTENT;
	s->pos = i + 1 + empty;
	th_xp_event_start_local(s->c, s->names + s->open[s->n_open - 1].local, s->atts);
	if (s->c->stop)
		return HALT;
	return empty ? pop_name(s) : OK;
}

/* An end tag at s->pos: it must close the innermost element. */
static int scan_end(struct scan *s)
{
	size_t i = s->pos + 2, nb = i, len, local;
	int rc;

	if ((rc = scan_name(s, &i, &local)) != OK)
		return rc;
	len = i - nb;
	skip_blanks(s, &i);
	if (i >= s->len)
		return MORE;
	if (s->buf[i] != '>' || !s->n_open)
		return BAD;
	{
		const char *top = s->names + s->open[s->n_open - 1].at;
		if (s->names_len - s->open[s->n_open - 1].at - 1 != len || memcmp(top, s->buf + nb, len) != 0)
			return BAD;
	}
	if (!may_hand(s, i + 1))
		return BAD;
	s->pos = i + 1;
	return pop_name(s);
}

/* The offset of needle (of m bytes) in [from, s->len), or SIZE_MAX. */
static size_t find(const struct scan *s, size_t from, const char *needle, size_t m)
{
	while (from + m <= s->len) {
		const unsigned char *hit = memchr(s->buf + from, needle[0], s->len - from - m + 1);
		if (!hit)
			break;
		from = (size_t)(hit - s->buf);
		if (memcmp(hit, needle, m) == 0)
			return from;
		from++;
	}
	return SIZE_MAX;
}

/* A comment or a processing instruction: skipped whole, judged by expat in the end. */
static int scan_aside(struct scan *s, bool comment)
{
	size_t from = s->pos + (comment ? 4 : 2);
	size_t end = find(s, from, comment ? "-->" : "?>", comment ? 3 : 2);

	if (end == SIZE_MAX)
		return MORE;
	if (!chars_ok(s->buf, from, end))
		return BAD;
	if (comment) {
		size_t dd = find(s, from, "--", 2);
		if (dd != end)
			return BAD;
	}
	s->unsure = true;
	s->pos = end + (comment ? 3 : 2);
	return OK;
}

/* A CDATA section: its text handed over as it is (line ends made '\n'). */
static int scan_cdata(struct scan *s)
{
	size_t from = s->pos + 9, end = find(s, from, "]]>", 3), w = from;
	unsigned char *b = s->buf;

	if (s->state != CONTENT)
		return BAD;
	if (end == SIZE_MAX)
		return MORE;
	if (!chars_ok(b, from, end))
		return BAD;
	for (size_t r = from; r < end; r++) {
		if (b[r] == '\r') {
			b[w++] = '\n';
			if (r + 1 < end && b[r + 1] == '\n')
				r++;
		} else {
			b[w++] = b[r];
		}
	}
	s->unsure = true;
	if (!may_hand(s, end + 3))
		return BAD;
	s->pos = end + 3;
	if (w > from)
		th_xp_event_text(s->c, (const char *)b + from, w - from);
	return s->c->stop ? HALT : OK;
}

/* The markup at s->pos ('<'). */
static int scan_markup(struct scan *s)
{
	const unsigned char *b = s->buf + s->pos;
	size_t avail = s->len - s->pos;

	if (avail < 2)
		return MORE;
	if (b[1] == '/')
		return scan_end(s);
	if (b[1] == '?')
		return scan_aside(s, false);
	if (b[1] != '!')
		return scan_start(s);
	if (avail < 4 && memcmp(b, "<!--", avail) == 0)
		return MORE;
	if (memcmp(b, "<!--", 4) == 0)
		return scan_aside(s, true);
	if (avail < 9 && memcmp(b, "<![CDATA[", avail) == 0)
		return MORE;
	if (avail >= 9 && memcmp(b, "<![CDATA[", 9) == 0)
		return scan_cdata(s);
	return BAD;
}

/* Every whole token in the buffer. */
static int scan_tokens(struct scan *s)
{
	while (s->pos < s->len) {
		int rc;
		if (s->buf[s->pos] == '<')
			rc = scan_markup(s);
		else if (s->state == CONTENT)
			rc = scan_text(s);
		else
			rc = scan_blanks(s);
		if (rc != OK)
			return rc;
	}
	return OK;
}

/* ---- the prologue ---- */

static bool skip_lit(const unsigned char *b, size_t n, size_t *i, const char *lit)
{
	size_t m = strlen(lit);

	if (*i + m > n || memcmp(b + *i, lit, m) != 0)
		return false;
	*i += m;
	return true;
}

/* A pseudo-attribute of the XML declaration: blanks, name="value" (either quote) with a
 * value among the choices (NUL-separated, compared without case when nocase). */
static bool decl_attr(const unsigned char *b, size_t n, size_t *i, const char *name, const char *const *choices,
		      bool nocase)
{
	size_t k = *i, vb;
	unsigned q;

	if (k >= n || !is_blank(b[k]))
		return false;
	while (k < n && is_blank(b[k]))
		k++;
	if (!skip_lit(b, n, &k, name) || !skip_lit(b, n, &k, "=") || k >= n)
		return false;
	q = b[k++];
	if (q != '"' && q != '\'')
		return false;
	for (vb = k; k < n && b[k] != q; k++)
		;
	if (k >= n)
		return false;
	for (; *choices; choices++) {
		size_t m = strlen(*choices);
		if (m == k - vb && (nocase ? strncasecmp((const char *)b + vb, *choices, m) :
					     memcmp(b + vb, *choices, m)) == 0) {
			*i = k + 1;
			return true;
		}
	}
	return false;
}

/*
 * The part's start up to its root element's '<': a UTF-8 byte order mark, an XML
 * declaration of version 1.0 in UTF-8, blanks. false when it is anything else (expat's).
 */
static bool prologue(struct scan *s)
{
	static const char *const v10[] = { "1.0", NULL }, *const utf8[] = { "UTF-8", NULL },
			 *const yn[] = { "yes", "no", NULL };
	const unsigned char *b = s->buf;
	size_t n = s->len, i = 0;

	if (n >= 3 && memcmp(b, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	if (n - i >= 6 && memcmp(b + i, "<?xml", 5) == 0 && is_blank(b[i + 5])) {
		i += 5;
		if (!decl_attr(b, n, &i, "version", v10, false))
			return false;
		{
			size_t k = i;
			if (decl_attr(b, n, &k, "encoding", utf8, true))
				i = k;
			k = i;
			if (decl_attr(b, n, &k, "standalone", yn, false))
				i = k;
		}
		while (i < n && is_blank(b[i]))
			i++;
		if (!skip_lit(b, n, &i, "?>"))
			return false;
	}
	while (i < n && is_blank(b[i]))
		i++;
	if (i + 1 >= n || b[i] != '<' || !is_nmstart(b[i + 1]) || b[i + 1] >= 0x80)
		return false;
	s->pos = i;
	return true;
}

/* ---- reading ---- */

/* More bytes of the part after those not yet used; a token longer than the limit fails. */
static int fill(struct scan *s)
{
	zip_int64_t got;
	size_t want;

	if (s->pos) {
		memmove(s->buf, s->buf + s->pos, s->len - s->pos);
		s->len -= s->pos;
		s->base += s->pos;
		s->pos = 0;
	}
	if (s->len == s->cap) {
		if (s->cap >= s->max_token)
			return th_fail(s->e, TH_E_CELL_TOO_BIG,
				       "phần '%s': một thẻ hoặc nội dung XML dài quá %zu byte", s->part,
				       s->max_token);
		s->cap = s->cap * 2 < s->max_token ? s->cap * 2 : s->max_token;
		s->buf = th_xrealloc(s->buf, s->cap + 1);
	}
	want = s->cap - s->len;
	if (s->x->scan_chunk && want > s->x->scan_chunk)
		want = s->x->scan_chunk;
	got = th_xp_read(s->x, s->zf, s->buf + s->len, want, &s->here, s->comp, s->part, s->e);
	if (got < 0)
		return -1;
	s->len += (size_t)got;
	s->eof = got == 0;
	return 0;
}

/* The part read through: 0, -1 with *e, HALT for a handler's stop, BAD for no XML. */
static int scan_run(struct scan *s)
{
	for (;;) {
		int rc = scan_tokens(s);
		if (rc == BAD || rc == HALT)
			return rc;
		if (s->eof) /* more is needed and there is none, or the end */
			return rc == MORE || s->state != EPILOG ? BAD : 0;
		if (fill(s))
			return -1;
	}
}

/* A fast start: the first bytes, enough to judge the prologue. */
static int first_fill(struct scan *s)
{
	while (!s->eof && s->len < 4096)
		if (fill(s))
			return -1;
	return 0;
}

static void scan_free(struct scan *s)
{
	if (s->zf)
		zip_fclose(s->zf);
	free(s->buf);
	free(s->names);
	free(s->open);
	free(s->atts);
	free(s->sp);
}

/* The outcome once the scan stopped with rc at offset at, judged with expat when unsure. */
static int outcome(struct scan *s, zip_uint64_t index, int rc)
{
	uint64_t at = s->base + s->pos, bad_at;
	th_err ve = { 0 };

	if (rc == BAD && s->judged && s->bad_at != UINT64_MAX) {
		*s->e = s->verr; /* expat's words, asked already */
		return -1;
	}
	if (rc == BAD) {
		if (th_xp_verdict(s->x, index, s->part, s->base + s->len + SCAN_CHUNK, &bad_at, s->e) == 0)
			th_fail(s->e, TH_E_XML, "XML của phần '%s' bị lỗi: tệp bị hỏng", s->part);
		return -1;
	}
	if (!s->unsure || (s->judged && s->bad_at == UINT64_MAX))
		return rc == HALT ? (s->c->stop > 0 ? s->c->stop : -1) : rc;
	if (s->judged) { /* broken past where the scan stopped (a handler stopped it) */
		if (rc == 0 || s->bad_at < at) {
			*s->e = s->verr;
			return -1;
		}
		return rc == HALT ? (s->c->stop > 0 ? s->c->stop : -1) : rc;
	}
	if (th_xp_verdict(s->x, index, s->part, rc == 0 ? UINT64_MAX : at, &bad_at, &ve) != 0 &&
	    (rc == 0 || bad_at < at)) {
		*s->e = ve;
		return -1;
	}
	return rc == HALT ? (s->c->stop > 0 ? s->c->stop : -1) : rc;
}

int th_xs_stream(th_xlsx *x, zip_uint64_t index, const char *part, xp *c, th_err *e, bool *fallback)
{
	struct scan s = { .x = x, .c = c, .e = e, .part = part, .index = index, .cap = SCAN_CHUNK, .state = PROLOG };
	int rc;

	*fallback = false;
	s.max_token = 2 * (size_t)x->lim.max_text + 65536;
	if (s.max_token < SCAN_CHUNK)
		s.max_token = SCAN_CHUNK;
	if (x->scan_chunk)
		s.cap = x->scan_chunk;
	s.zf = th_xp_open(x, index, part, &s.comp, e);
	if (!s.zf)
		return -1;
	s.buf = th_xmalloc(s.cap + 1);
	if (first_fill(&s)) {
		scan_free(&s);
		return -1;
	}
	if (!prologue(&s)) {
		x->inflated -= s.here; /* expat reads it again, counted again */
		scan_free(&s);
		*fallback = true;
		return 0;
	}
	rc = scan_run(&s);
	if (rc != -1)
		rc = outcome(&s, index, rc);
	scan_free(&s);
	return rc;
}
