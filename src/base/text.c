/*
 * Vietnamese cell text; see text.h. Legacy TCVN3 and VNI text is decoded with the tables
 * below, taken from the UniKey and glibc conversion tables;
 * normalisation and case folding are utf8proc's, with two Vietnamese-specific passes on
 * top: stray combining marks and old-style tone placement.
 * SPDX-License-Identifier: MIT
 */
#include "base/text.h"

#include <stdatomic.h>
#include <stdint.h>
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "base/mem.h"
#include "base/banned.h"

/*
 * ---- tables ----
 * The 146 legacy letters of the UniKey / glibc reference, pinned by tests/unit/test_text.c,
 * which checks every one of them in both encodings.
 */

/*
 * TCVN3: the letter drawn at bytes 0xA0-0xFF (index byte - 0xA0), 0 = not a TCVN3 letter.
 * Capitals with a tone share the small letter's byte, so only the small letters and
 * Ă Â Ê Ô Ơ Ư Đ (0xA1-0xA7) are here.
 */
static const uint16_t tcvn3_map[96] = {
	/* A0 */ 0, 0x0102, 0x00C2, 0x00CA, 0x00D4, 0x01A0, 0x01AF, 0x0110,
	/* A8 */ 0x0103, 0x00E2, 0x00EA, 0x00F4, 0x01A1, 0x01B0, 0x0111, 0,
	/* B0 */ 0, 0, 0, 0, 0, 0x00E0, 0x1EA3, 0x00E3,
	/* B8 */ 0x00E1, 0x1EA1, 0, 0x1EB1, 0x1EB3, 0x1EB5, 0x1EAF, 0,
	/* C0 */ 0, 0, 0, 0, 0, 0, 0x1EB7, 0x1EA7,
	/* C8 */ 0x1EA9, 0x1EAB, 0x1EA5, 0x1EAD, 0x00E8, 0, 0x1EBB, 0x1EBD,
	/* D0 */ 0x00E9, 0x1EB9, 0x1EC1, 0x1EC3, 0x1EC5, 0x1EBF, 0x1EC7, 0x00EC,
	/* D8 */ 0x1EC9, 0, 0, 0, 0x0129, 0x00ED, 0x1ECB, 0x00F2,
	/* E0 */ 0, 0x1ECF, 0x00F5, 0x00F3, 0x1ECD, 0x1ED3, 0x1ED5, 0x1ED7,
	/* E8 */ 0x1ED1, 0x1ED9, 0x1EDD, 0x1EDF, 0x1EE1, 0x1EDB, 0x1EE3, 0x00F9,
	/* F0 */ 0, 0x1EE7, 0x0169, 0x00FA, 0x1EE5, 0x1EEB, 0x1EED, 0x1EEF,
	/* F8 */ 0x1EE9, 0x1EF1, 0x1EF3, 0x1EF7, 0x1EF9, 0x00FD, 0x1EF5, 0,
};

/* VNI: a base letter followed by a mark byte, sorted by (base, mark). */
struct vni_pair {
	uint8_t base, mark;
	uint16_t cp;
};
/* VNI: the letters that are one byte on their own (i with a tone, ỵ, ơ, ư, đ), sorted. */
struct vni_single {
	uint8_t byte;
	uint16_t cp;
};
static const struct vni_pair vni_pairs[] = {
	{ 0x41, 0xC0, 0x1EA6 }, { 0x41, 0xC1, 0x1EA4 }, { 0x41, 0xC2, 0x00C2 },
	{ 0x41, 0xC3, 0x1EAA }, { 0x41, 0xC4, 0x1EAC }, { 0x41, 0xC5, 0x1EA8 },
	{ 0x41, 0xC8, 0x1EB0 }, { 0x41, 0xC9, 0x1EAE }, { 0x41, 0xCA, 0x0102 },
	{ 0x41, 0xCB, 0x1EB6 }, { 0x41, 0xCF, 0x1EA0 }, { 0x41, 0xD5, 0x00C3 },
	{ 0x41, 0xD8, 0x00C0 }, { 0x41, 0xD9, 0x00C1 }, { 0x41, 0xDA, 0x1EB2 },
	{ 0x41, 0xDB, 0x1EA2 }, { 0x41, 0xDC, 0x1EB4 }, { 0x45, 0xC0, 0x1EC0 },
	{ 0x45, 0xC1, 0x1EBE }, { 0x45, 0xC2, 0x00CA }, { 0x45, 0xC3, 0x1EC4 },
	{ 0x45, 0xC4, 0x1EC6 }, { 0x45, 0xC5, 0x1EC2 }, { 0x45, 0xCF, 0x1EB8 },
	{ 0x45, 0xD5, 0x1EBC }, { 0x45, 0xD8, 0x00C8 }, { 0x45, 0xD9, 0x00C9 },
	{ 0x45, 0xDB, 0x1EBA }, { 0x4F, 0xC0, 0x1ED2 }, { 0x4F, 0xC1, 0x1ED0 },
	{ 0x4F, 0xC2, 0x00D4 }, { 0x4F, 0xC3, 0x1ED6 }, { 0x4F, 0xC4, 0x1ED8 },
	{ 0x4F, 0xC5, 0x1ED4 }, { 0x4F, 0xCF, 0x1ECC }, { 0x4F, 0xD5, 0x00D5 },
	{ 0x4F, 0xD8, 0x00D2 }, { 0x4F, 0xD9, 0x00D3 }, { 0x4F, 0xDB, 0x1ECE },
	{ 0x55, 0xCF, 0x1EE4 }, { 0x55, 0xD5, 0x0168 }, { 0x55, 0xD8, 0x00D9 },
	{ 0x55, 0xD9, 0x00DA }, { 0x55, 0xDB, 0x1EE6 }, { 0x59, 0xD5, 0x1EF8 },
	{ 0x59, 0xD8, 0x1EF2 }, { 0x59, 0xD9, 0x00DD }, { 0x59, 0xDB, 0x1EF6 },
	{ 0x61, 0xE0, 0x1EA7 }, { 0x61, 0xE1, 0x1EA5 }, { 0x61, 0xE2, 0x00E2 },
	{ 0x61, 0xE3, 0x1EAB }, { 0x61, 0xE4, 0x1EAD }, { 0x61, 0xE5, 0x1EA9 },
	{ 0x61, 0xE8, 0x1EB1 }, { 0x61, 0xE9, 0x1EAF }, { 0x61, 0xEA, 0x0103 },
	{ 0x61, 0xEB, 0x1EB7 }, { 0x61, 0xEF, 0x1EA1 }, { 0x61, 0xF5, 0x00E3 },
	{ 0x61, 0xF8, 0x00E0 }, { 0x61, 0xF9, 0x00E1 }, { 0x61, 0xFA, 0x1EB3 },
	{ 0x61, 0xFB, 0x1EA3 }, { 0x61, 0xFC, 0x1EB5 }, { 0x65, 0xE0, 0x1EC1 },
	{ 0x65, 0xE1, 0x1EBF }, { 0x65, 0xE2, 0x00EA }, { 0x65, 0xE3, 0x1EC5 },
	{ 0x65, 0xE4, 0x1EC7 }, { 0x65, 0xE5, 0x1EC3 }, { 0x65, 0xEF, 0x1EB9 },
	{ 0x65, 0xF5, 0x1EBD }, { 0x65, 0xF8, 0x00E8 }, { 0x65, 0xF9, 0x00E9 },
	{ 0x65, 0xFB, 0x1EBB }, { 0x6F, 0xE0, 0x1ED3 }, { 0x6F, 0xE1, 0x1ED1 },
	{ 0x6F, 0xE2, 0x00F4 }, { 0x6F, 0xE3, 0x1ED7 }, { 0x6F, 0xE4, 0x1ED9 },
	{ 0x6F, 0xE5, 0x1ED5 }, { 0x6F, 0xEF, 0x1ECD }, { 0x6F, 0xF5, 0x00F5 },
	{ 0x6F, 0xF8, 0x00F2 }, { 0x6F, 0xF9, 0x00F3 }, { 0x6F, 0xFB, 0x1ECF },
	{ 0x75, 0xEF, 0x1EE5 }, { 0x75, 0xF5, 0x0169 }, { 0x75, 0xF8, 0x00F9 },
	{ 0x75, 0xF9, 0x00FA }, { 0x75, 0xFB, 0x1EE7 }, { 0x79, 0xF5, 0x1EF9 },
	{ 0x79, 0xF8, 0x1EF3 }, { 0x79, 0xF9, 0x00FD }, { 0x79, 0xFB, 0x1EF7 },
	{ 0xD4, 0xCF, 0x1EE2 }, { 0xD4, 0xD5, 0x1EE0 }, { 0xD4, 0xD8, 0x1EDC },
	{ 0xD4, 0xD9, 0x1EDA }, { 0xD4, 0xDB, 0x1EDE }, { 0xD6, 0xCF, 0x1EF0 },
	{ 0xD6, 0xD5, 0x1EEE }, { 0xD6, 0xD8, 0x1EEA }, { 0xD6, 0xD9, 0x1EE8 },
	{ 0xD6, 0xDB, 0x1EEC }, { 0xF4, 0xEF, 0x1EE3 }, { 0xF4, 0xF5, 0x1EE1 },
	{ 0xF4, 0xF8, 0x1EDD }, { 0xF4, 0xF9, 0x1EDB }, { 0xF4, 0xFB, 0x1EDF },
	{ 0xF6, 0xEF, 0x1EF1 }, { 0xF6, 0xF5, 0x1EEF }, { 0xF6, 0xF8, 0x1EEB },
	{ 0xF6, 0xF9, 0x1EE9 }, { 0xF6, 0xFB, 0x1EED },
};
static const struct vni_single vni_singles[] = {
	{ 0xC6, 0x1EC8 }, { 0xCC, 0x00CC }, { 0xCD, 0x00CD }, { 0xCE, 0x1EF4 },
	{ 0xD1, 0x0110 }, { 0xD2, 0x1ECA }, { 0xD3, 0x0128 }, { 0xD4, 0x01A0 },
	{ 0xD6, 0x01AF }, { 0xE6, 0x1EC9 }, { 0xEC, 0x00EC }, { 0xED, 0x00ED },
	{ 0xEE, 0x1EF5 }, { 0xF1, 0x0111 }, { 0xF2, 0x1ECB }, { 0xF3, 0x0129 },
	{ 0xF4, 0x01A1 }, { 0xF6, 0x01B0 },
};

#define TH_NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* cp1252 symbols at 0x80-0x9F, as Excel stores them: legacy text can hold these. */
static const uint16_t cp1252_high[] = {
	0x0152, 0x0153, 0x0160, 0x0161, 0x0178, 0x017D, 0x017E, 0x0192, 0x02C6,
	0x02DC, 0x2013, 0x2014, 0x2018, 0x2019, 0x201A, 0x201C, 0x201D, 0x201E,
	0x2020, 0x2021, 0x2022, 0x2026, 0x2030, 0x2039, 0x203A, 0x20AC, 0x2122,
};

/* ---- code points ---- */

static bool is_ascii_alpha(int32_t c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_ascii_vowel(int32_t c)
{
	switch (c | 0x20) {
	case 'a': case 'e': case 'i': case 'o': case 'u': case 'y':
		return c < 0x80;
	default:
		return false;
	}
}

static bool is_ascii_lower(int32_t c)
{
	return c >= 'a' && c <= 'z';
}

static bool is_letter(int32_t c)
{
	utf8proc_category_t cat = utf8proc_category(c);

	return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

static bool is_mark(int32_t c)
{
	utf8proc_category_t cat = utf8proc_category(c);

	return cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME;
}

/* The combining marks whose stranding the repair undoes (the Combining Diacritical Marks). */
static bool is_diacritic(int32_t c)
{
	return c >= 0x300 && c <= 0x36F;
}

/* Whitespace within a line: space, tab, NBSP and the other space separators (Zs). */
static bool is_hspace(int32_t c)
{
	if (c == ' ' || c == '\t')
		return true;
	return c >= 0x80 && utf8proc_category(c) == UTF8PROC_CATEGORY_ZS;
}

/* Any whitespace, line breaks included: what a key turns into ' '. */
static bool is_anyspace(int32_t c)
{
	utf8proc_category_t cat;

	if (c == ' ' || (c >= '\t' && c <= '\r') || c == 0x85)
		return true;
	if (c < 0x80)
		return false;
	cat = utf8proc_category(c);
	return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL ||
	       cat == UTF8PROC_CATEGORY_ZP;
}

/* Invisible characters a key drops: soft hyphen, zero-width space/joiners, word joiner, BOM. */
static bool is_invisible(int32_t c)
{
	return c == 0xAD || (c >= 0x200B && c <= 0x200D) || c == 0x2060 || c == 0xFEFF;
}

/* A character a legacy font can have produced: Latin-1, a cp1252 symbol, or U+FFFD. */
static bool is_legacy_char(int32_t c)
{
	if (c <= 0xFF || c == 0xFFFD)
		return true;
	for (size_t i = 0; i < TH_NELEM(cp1252_high); i++)
		if (c == cp1252_high[i])
			return true;
	return false;
}

/*
 * The UTF-8 sequence at s (n > 0 bytes left): its length, with its code point in *cp; 0
 * when the byte at s does not start a valid sequence (stray continuation byte, truncated
 * or overlong sequence, surrogate, code point above U+10FFFF).
 */
static size_t utf8_one(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned c = s[0];
	size_t len;
	uint32_t min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xC2 && c <= 0xDF)
		len = 2, *cp = c & 0x1F, min = 0x80;
	else if (c >= 0xE0 && c <= 0xEF)
		len = 3, *cp = c & 0x0F, min = 0x800;
	else if (c >= 0xF0 && c <= 0xF4)
		len = 4, *cp = c & 0x07, min = 0x10000;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t j = 1; j < len; j++) {
		if ((s[j] & 0xC0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[j] & 0x3F);
	}
	if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
		return 0;
	return len;
}

/*
 * Decode n bytes of UTF-8 into out (room for n code points); returns the count. Each byte
 * that does not belong to a valid sequence becomes one U+FFFD.
 */
static size_t utf8_decode(const unsigned char *s, size_t n, int32_t *out)
{
	size_t i = 0, k = 0;

	while (i < n) {
		uint32_t cp;
		size_t len = utf8_one(s + i, n - i, &cp);
		out[k++] = len ? (int32_t)cp : 0xFFFD;
		i += len ? len : 1;
	}
	return k;
}

size_t th_text_fit(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return n;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

static bool nfc_inert(uint32_t c);

/*
 * Is (s, n) valid UTF-8 throughout, and with inert_only, of code points nfc_inert() only?
 * *legacy_only (may be NULL) says whether every code point is one a legacy font can have
 * produced.
 */
static bool utf8_scan(const char *s, size_t n, bool inert_only, bool *legacy_only)
{
	const unsigned char *u = (const unsigned char *)s;
	bool legacy = true;

	for (size_t i = 0; i < n;) {
		uint32_t cp;
		size_t len;
		if (u[i] < 0x80) {
			i++;
			continue;
		}
		if (!(len = utf8_one(u + i, n - i, &cp)) || (inert_only && !nfc_inert(cp)))
			return false;
		if (legacy && !is_legacy_char((int32_t)cp))
			legacy = false;
		i += len;
	}
	if (legacy_only)
		*legacy_only = legacy;
	return true;
}

bool th_text_valid_utf8(const char *s, size_t n)
{
	return utf8_scan(s, n, false, NULL);
}

/* s as code points in a new array (room for n + 1); *count gets their number. */
static int32_t *decode_new(const char *s, size_t n, size_t *count)
{
	int32_t *v = th_xmalloc(th_size_mul(th_size_add(n, 1), sizeof(*v)));

	*count = n ? utf8_decode((const unsigned char *)s, n, v) : 0;
	return v;
}

/* Encode code points (all valid scalar values) as UTF-8 into a new NUL-terminated string. */
static char *utf8_encode_new(const int32_t *v, size_t n, size_t *len)
{
	uint8_t *out = th_xmalloc(th_size_add(th_size_mul(n, 4), 1));
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += (size_t)utf8proc_encode_char(v[i], out + k);
	out[k] = '\0';
	*len = k;
	return (char *)out;
}

/* ---- normalisation through utf8proc ---- */

#define NFC_OPTS (UTF8PROC_STABLE | UTF8PROC_COMPOSE)

/*
 * Valid UTF-8 (s, n) decomposed by utf8proc with opts (which must include COMPOSE or
 * DECOMPOSE), canonically ordered, into a new array with room for utf8proc_reencode.
 * NULL when utf8proc refuses the length.
 */
static int32_t *u8_decompose(const char *s, size_t n, utf8proc_option_t opts, size_t *count)
{
	utf8proc_ssize_t need, got;
	int32_t *v;

	if (n > (size_t)PTRDIFF_MAX / 16)
		return NULL;
	/* one pass when the guess holds (a code point per byte, and some): Vietnamese letters
	 * take as many code points decomposed as bytes in UTF-8; utf8proc says how many it
	 * needs when they are more, and a second pass has room for them */
	need = (utf8proc_ssize_t)n + 16;
	for (int pass = 0; pass < 2; pass++) {
		v = th_xmalloc(th_size_mul(th_size_add((size_t)need, 1), sizeof(*v)));
		got = utf8proc_decompose((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n, v, need, opts);
		if (got >= 0 && got <= need) {
			*count = (size_t)got;
			return v;
		}
		free(v);
		if (got < 0)
			return NULL;
		need = got;
	}
	return NULL;
}

/*
 * Compose the decomposed, ordered array v (from u8_decompose, count code points) in place
 * and turn it into the UTF-8 string that is returned (v itself, now owned by the caller).
 */
static char *u8_reencode(int32_t *v, size_t count, size_t *out_len)
{
	utf8proc_ssize_t len = utf8proc_reencode(v, (utf8proc_ssize_t)count, NFC_OPTS);

	if (len < 0) {
		free(v);
		return NULL;
	}
	if (out_len)
		*out_len = (size_t)len;
	return (char *)v;
}

/*
 * Move combining diacritics stranded after whitespace back onto the letter before that
 * whitespace. Extraction from PDF/Word and composite typing leave "bi \u0323tại" (seed 002,
 * line 307): NFC cannot compose across the space. When whitespace or the end of the text
 * follows the marks, the whitespace before them is dropped, so "bi \u0323 tại" gives one
 * space too. Works from in (n code points) into out (room for n); returns the new count.
 */
static size_t repair_marks(const int32_t *in, size_t n, int32_t *out)
{
	size_t i = 0, k = 0;

	while (i < n) {
		size_t j, m, b;

		if (!is_hspace(in[i])) {
			out[k++] = in[i++];
			continue;
		}
		for (j = i; j < n && is_hspace(in[j]); j++)
			;
		for (m = j; m < n && is_diacritic(in[m]); m++)
			;
		/* the base the marks would join: the last non-mark written */
		b = k;
		if (m > j)
			while (b > 0 && is_mark(out[b - 1]))
				b--;
		if (m == j || b == 0 || !is_letter(out[b - 1])) {
			while (i < j)
				out[k++] = in[i++];
			continue;
		}
		for (size_t t = j; t < m; t++)
			out[k++] = in[t];
		/* keep the whitespace only where it still separates two words */
		if (m < n && !is_hspace(in[m]))
			for (size_t t = i; t < j; t++)
				out[k++] = in[t];
		i = m;
	}
	return k;
}

/* Repair and NFC of v (count code points; v is freed) into a new string. */
static char *finish_nfc(int32_t *v, size_t count, size_t *out_len)
{
	int32_t *r = th_xmalloc(th_size_mul(th_size_add(count, 1), sizeof(*r)));
	size_t rn = repair_marks(v, count, r), blen, dn;
	char *bytes;
	int32_t *d;

	free(v);
	bytes = utf8_encode_new(r, rn, &blen);
	free(r);
	d = u8_decompose(bytes, blen, NFC_OPTS, &dn);
	free(bytes);
	if (!d)
		return NULL;
	return u8_reencode(d, dn, out_len);
}

/*
 * Is code point c inert under th_text_nfc: NFC keeps it as it is, it composes with nothing
 * before or after it (a starter that is no second of a composition), and it is no mark the
 * repair of stranded marks moves? Latin-1, Latin Extended-A/B, IPA and spacing modifiers,
 * Latin Extended Additional (every Vietnamese letter) and the common punctuation: what
 * clean Vietnamese text is made of. tests/unit/test_text.c checks each against utf8proc.
 */
static bool nfc_inert(uint32_t c)
{
	return c < 0x300 || (c >= 0x1E00 && c <= 0x1EFF) || (c >= 0x2010 && c <= 0x2027) ||
	       (c >= 0x2030 && c <= 0x205E) || c == 0x20AC;
}

/* Is (s, n) already what th_text_nfc makes of it: valid UTF-8 of inert code points only? */
static bool nfc_already(const char *s, size_t n, bool *legacy_only)
{
	return utf8_scan(s, n, true, legacy_only);
}

static char *nfc_compute(const char *s, size_t n, size_t *out_len)
{
	size_t count;
	int32_t *v;

	/* the fast path: text already clean (what the merge meets again and again) is copied */
	if (nfc_already(s, n, NULL)) {
		if (out_len)
			*out_len = n;
		return th_xstrndup(n ? s : "", n);
	}
	v = decode_new(s, n, &count);
	return finish_nfc(v, count, out_len);
}

const char *th_legacy_name(th_legacy enc)
{
	switch (enc) {
	case TH_ENC_UNICODE:
		return "unicode";
	case TH_ENC_TCVN3:
		return "tcvn3";
	case TH_ENC_VNI:
		return "vni";
	}
	return "?";
}

/* ---- legacy character classes ---- */

static int32_t tcvn3_letter(int32_t c)
{
	return c >= 0xA0 && c <= 0xFF ? tcvn3_map[c - 0xA0] : 0;
}

/* A Latin-1 letter (U+00C0-U+00FF without × and ÷). */
static bool is_latin1_letter(int32_t c)
{
	return c >= 0xC0 && c <= 0xFF && c != 0xD7 && c != 0xF7;
}

/* A Latin-1 capital (U+00C0-U+00DE without ×). */
static bool is_latin1_upper(int32_t c)
{
	return c >= 0xC0 && c <= 0xDE && c != 0xD7;
}

/* Part of a word in either legacy reading: an ASCII letter, a Latin-1 letter, a TCVN3 letter. */
static bool is_legacy_wordchar(int32_t c)
{
	return is_ascii_alpha(c) || is_latin1_letter(c) || tcvn3_letter(c);
}

/*
 * The TCVN3 signature characters: TCVN3 letters that are not Vietnamese letters in Unicode
 * and that VNI never produces.
 */
static bool is_tcvn3_sig(int32_t c)
{
	return (c >= 0xA1 && c <= 0xAE) || (c >= 0xB5 && c <= 0xB9) || (c >= 0xBB && c <= 0xBE) ||
	       c == 0xC7 || c == 0xD0 || c == 0xD7 || c == 0xDE || c == 0xDF || c == 0xE7 ||
	       c == 0xF7 || c == 0xFE;
}

/* TCVN3 ă, â (any tone), Ă, Â: a Vietnamese syllable never ends in them. */
static bool is_tcvn3_needs_final(int32_t c)
{
	return c == 0xA1 || c == 0xA2 || c == 0xA8 || c == 0xA9 || (c >= 0xBB && c <= 0xBE) ||
	       (c >= 0xC6 && c <= 0xCB);
}

/* Latin-1 letters that Vietnamese Unicode text never contains (ä å æ ç ë î ï ñ ö ø û ü ...). */
static bool is_non_vietnamese_latin1(int32_t c)
{
	switch (c) {
	case 0xC4: case 0xC5: case 0xC6: case 0xC7: case 0xCB: case 0xCE: case 0xCF: case 0xD0:
	case 0xD1: case 0xD6: case 0xD8: case 0xDB: case 0xDC: case 0xDE: case 0xDF: case 0xE4:
	case 0xE5: case 0xE6: case 0xE7: case 0xEB: case 0xEE: case 0xEF: case 0xF0: case 0xF1:
	case 0xF6: case 0xF8: case 0xFB: case 0xFC: case 0xFE: case 0xFF:
		return true;
	default:
		return false;
	}
}

/* A VNI mark byte (tone, circumflex or breve after a vowel), small or capital. */
static bool is_vni_mark(int32_t c)
{
	int32_t l;

	if (c < 0xC0 || c > 0xFF)
		return false;
	l = c < 0xE0 ? c + 0x20 : c; /* capital marks are the small ones - 0x20 */
	return (l >= 0xE0 && l <= 0xE5) || (l >= 0xE8 && l <= 0xEB) || l == 0xEF || l == 0xF5 ||
	       (l >= 0xF8 && l <= 0xFC);
}

/* The letter of VNI base b + mark m, 0 when they do not pair. */
static int32_t vni_pair_find(int32_t b, int32_t m)
{
	size_t lo = 0, hi = TH_NELEM(vni_pairs);

	if (b < 0 || b > 0xFF || m < 0 || m > 0xFF)
		return 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct vni_pair *p = &vni_pairs[mid];

		if (p->base == b && p->mark == m)
			return p->cp;
		if (p->base < b || (p->base == b && p->mark < m))
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static int32_t vni_single_find(int32_t c)
{
	for (size_t i = 0; i < TH_NELEM(vni_singles); i++)
		if (vni_singles[i].byte == c)
			return vni_singles[i].cp;
	return 0;
}

/* Latin-1 letters VNI never produces: Ç Ð Ý Þ ß ç ð ý þ ÿ. */
static bool is_vni_unused(int32_t c)
{
	return is_latin1_letter(c) && !is_vni_mark(c) && !vni_single_find(c);
}

/* ---- detection ---- */

/* Whether s starts with the lower-case ASCII prefix p, ignoring ASCII case. */
static bool has_prefix_ci(const char *s, const char *p)
{
	for (; *p; s++, p++)
		if (*s != *p && !(*s >= 'A' && *s <= 'Z' && *s + 32 == *p))
			return false;
	return true;
}

static th_legacy font_encoding(const char *font)
{
	if (!font)
		return TH_ENC_UNICODE;
	if (has_prefix_ci(font, ".vn"))
		return TH_ENC_TCVN3;
	if (has_prefix_ci(font, "vni"))
		return TH_ENC_VNI;
	return TH_ENC_UNICODE;
}

bool th_text_font_is_caps(const char *font)
{
	size_t len;

	if (font_encoding(font) != TH_ENC_TCVN3)
		return false;
	len = strlen(font);
	while (len > 0 && font[len - 1] == ' ')
		len--;
	return len > 3 && font[len - 1] == 'H';
}

/*
 * Whether the ASCII letters after v[i] (up to the first other character) can end a
 * Vietnamese syllable: up to two vowels, then nothing or a final consonant (c ch m n ng nh p
 * t). "cña" and "Thñ" pass, "Köln" and "Müller" do not.
 */
static bool vietnamese_tail(const int32_t *v, size_t n, size_t i)
{
	static const char *const finals[] = { "", "c", "ch", "m", "n", "ng", "nh", "p", "t" };
	char tail[4];
	size_t j = i + 1, k = 0, vowels = 0;

	while (j < n && vowels < 2 && is_ascii_vowel(v[j])) {
		j++;
		vowels++;
	}
	for (; j < n && is_ascii_alpha(v[j]); j++) {
		if (k == sizeof(tail) - 1)
			return false;
		tail[k++] = (char)(v[j] | 0x20);
	}
	tail[k] = '\0';
	for (size_t f = 0; f < TH_NELEM(finals); f++)
		if (strcmp(tail, finals[f]) == 0)
			return true;
	return false;
}

struct evidence {
	unsigned tcvn3, vni;         /* weight of the evidence for each */
	unsigned tcvn3_bad, vni_bad; /* characters the encoding cannot have produced */
};

/* Weigh v[i] in its context. */
static void weigh(const int32_t *v, size_t n, size_t i, struct evidence *ev)
{
	int32_t c = v[i];
	bool before = i > 0 && is_legacy_wordchar(v[i - 1]);
	bool after = i + 1 < n && is_legacy_wordchar(v[i + 1]);
	/* "a/b×100": next to a digit a signature character is the Latin-1 symbol */
	bool sig = is_tcvn3_sig(c) && (before || after) &&
		   !(i > 0 && v[i - 1] >= '0' && v[i - 1] <= '9') &&
		   !(i + 1 < n && v[i + 1] >= '0' && v[i + 1] <= '9');
	/* a letter Vietnamese Unicode lacks, in a word that could be Vietnamese */
	bool weak = is_non_vietnamese_latin1(c) && (before || after) && vietnamese_tail(v, n, i);

	/* a capital right after a small letter: TCVN3 bytes are caseless, VNI's are not */
	if (is_latin1_upper(c) && i > 0 && is_ascii_lower(v[i - 1])) {
		ev->tcvn3 += 3;
		ev->vni_bad++;
	}

	/* TCVN3 */
	if (is_latin1_letter(c) && !tcvn3_letter(c)) {
		ev->tcvn3_bad++;
	} else if (c == 0xA7 || c == 0xAE) {
		/* đ / Đ only ever start a word */
		if (before)
			ev->tcvn3_bad++;
		else if (after)
			ev->tcvn3 += 3;
	} else if (is_tcvn3_needs_final(c) && before && !after) {
		ev->tcvn3_bad++;
	} else if (sig) {
		ev->tcvn3 += 3;
	} else if (weak) {
		ev->tcvn3 += 1;
	}

	/* VNI */
	if (sig) {
		ev->vni_bad++;
	} else if (is_vni_mark(c)) {
		int32_t b = i > 0 ? v[i - 1] : 0;

		if (!vni_pair_find(b, c))
			ev->vni_bad++;
		else if (!((b == 'o' || b == 'O') && ((c | 0x20) == 0xE0 || (c | 0x20) == 0xE1 ||
						       (c | 0x20) == 0xE3)))
			ev->vni += 3; /* "oà", "oá", "oã" are also Unicode "Hoàng", "hoá", "hoãn" */
	} else if (c == 0xD1 || c == 0xF1) {
		/* đ / Đ only ever start a word */
		if (before)
			ev->vni_bad++;
		else if (after)
			ev->vni += 3;
	} else if (is_vni_unused(c)) {
		ev->vni_bad++;
	} else if (weak) {
		ev->vni += 1;
	}
}

/* Detection from the text alone (the font told nothing). */
static th_legacy detect_cps(const int32_t *v, size_t n)
{
	struct evidence ev = { 0, 0, 0, 0 };
	bool tcvn3, vni;

	for (size_t i = 0; i < n; i++)
		weigh(v, n, i, &ev);
	tcvn3 = ev.tcvn3 > 0 && ev.tcvn3_bad == 0;
	vni = ev.vni > 0 && ev.vni_bad == 0;
	if (tcvn3 && vni)
		return ev.tcvn3 >= ev.vni ? TH_ENC_TCVN3 : TH_ENC_VNI;
	if (tcvn3)
		return TH_ENC_TCVN3;
	if (vni)
		return TH_ENC_VNI;
	return TH_ENC_UNICODE;
}

static th_legacy detect(const int32_t *v, size_t n, const char *font)
{
	th_legacy by_font = font_encoding(font);

	for (size_t i = 0; i < n; i++)
		if (!is_legacy_char(v[i]))
			return TH_ENC_UNICODE;
	if (by_font != TH_ENC_UNICODE)
		return by_font;
	return detect_cps(v, n);
}

th_legacy th_text_detect(const char *s, size_t n, const char *font)
{
	size_t count;
	int32_t *v = decode_new(s, n, &count);
	th_legacy enc = detect(v, count, font);

	free(v);
	return enc;
}

/* ---- decoding ---- */

enum word_case { WORD_UNDECIDED, WORD_LOWER, WORD_CAPS };

struct word {
	size_t start, end;
	enum word_case own; /* from the word's own letters */
	bool caps;          /* the verdict */
};

static bool is_tcvn3_wordchar(int32_t c)
{
	return is_ascii_alpha(c) || tcvn3_letter(c) || is_latin1_letter(c);
}

/*
 * The all-capitals heuristic for TCVN3 typed without a capitals font: raw holds the bytes,
 * v the decoded letters (same positions). A word with a TCVN3 small-letter byte, at least two capitals
 * (ASCII or the TCVN3 capitals 0xA1-0xA7) and no ASCII small letter is upper-cased; a word
 * with fewer capitals and no small letter ("Tæ", "Hå"), or an acronym ("UBND", "§VSN"),
 * follows the nearest word that decides, the one before first ("B¸O C¸O Tæ" is all
 * capitals, "Hå s¬" is not, "Sè: 12/BC-UBND" is not).
 */
static void tcvn3_caps_words(const int32_t *raw, int32_t *v, size_t n)
{
	struct word *w = NULL;
	size_t nw = 0, cap = 0;

	for (size_t i = 0; i < n;) {
		size_t up = 0, low = 0, j;
		bool legacy = false;

		if (!is_tcvn3_wordchar(raw[i])) {
			i++;
			continue;
		}
		for (j = i; j < n && is_tcvn3_wordchar(raw[j]); j++) {
			if ((raw[j] >= 'A' && raw[j] <= 'Z') || (raw[j] >= 0xA1 && raw[j] <= 0xA7))
				up++;
			else if (is_ascii_lower(raw[j]))
				low++;
			/* only a lowercase byte says anything: capitals 0xA1-0xA7 (Ă Â Ê Ô Ơ Ư Đ)
			 * are capitals in any case, and "§VSN" (ĐVSN) is an acronym */
			if (raw[j] >= 0x80 && !(raw[j] >= 0xA1 && raw[j] <= 0xA7))
				legacy = true;
		}
		th_grow((void **)&w, &cap, nw + 1, sizeof(*w));
		w[nw].start = i;
		w[nw].end = j;
		/* an ASCII-only word in capitals ("UBND", "BC") is an acronym, not caps typing */
		w[nw].own = low ? WORD_LOWER : up >= 2 && legacy ? WORD_CAPS : WORD_UNDECIDED;
		nw++;
		i = j;
	}
	for (size_t k = 0; k < nw; k++) {
		enum word_case wc = w[k].own;

		for (size_t p = k; p > 0 && wc == WORD_UNDECIDED; p--)
			wc = w[p - 1].own;
		for (size_t q = k + 1; q < nw && wc == WORD_UNDECIDED; q++)
			wc = w[q].own;
		w[k].caps = wc == WORD_CAPS;
	}
	for (size_t k = 0; k < nw; k++)
		if (w[k].caps)
			for (size_t i = w[k].start; i < w[k].end; i++)
				v[i] = utf8proc_toupper(v[i]);
	free(w);
}

static size_t decode_tcvn3(const int32_t *in, size_t n, bool upper, int32_t *out)
{
	for (size_t i = 0; i < n; i++) {
		int32_t l = tcvn3_letter(in[i]);

		out[i] = l ? l : in[i];
	}
	if (!upper)
		tcvn3_caps_words(in, out, n);
	return n;
}

static size_t decode_vni(const int32_t *in, size_t n, int32_t *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n;) {
		int32_t c = in[i], cp = 0;

		if (i + 1 < n) {
			int32_t m = in[i + 1];

			cp = vni_pair_find(c, m);
			/* a mark of the other case: read it with the base letter's case */
			if (!cp && m >= 0xC0 && m <= 0xFF)
				cp = vni_pair_find(c, m < 0xE0 ? m + 0x20 : m - 0x20);
		}
		if (cp) {
			out[k++] = cp;
			i += 2;
			continue;
		}
		cp = vni_single_find(c);
		out[k++] = cp ? cp : c;
		i++;
	}
	return k;
}

/* Decode v (count code points, freed) from enc and normalise it into a new string. */
static char *decode_cps(int32_t *v, size_t count, th_legacy enc, bool upper, size_t *out_len)
{
	int32_t *d;
	size_t k;

	if (enc != TH_ENC_TCVN3 && enc != TH_ENC_VNI)
		return finish_nfc(v, count, out_len);
	d = th_xmalloc(th_size_mul(th_size_add(count, 1), sizeof(*d)));
	if (enc == TH_ENC_TCVN3)
		k = decode_tcvn3(v, count, upper, d);
	else
		k = decode_vni(v, count, d);
	free(v);
	if (upper)
		for (size_t i = 0; i < k; i++)
			d[i] = utf8proc_toupper(d[i]);
	return finish_nfc(d, k, out_len);
}

char *th_text_decode(const char *s, size_t n, th_legacy enc, bool upper, size_t *out_len)
{
	size_t count;
	int32_t *v = decode_new(s, n, &count);

	return decode_cps(v, count, enc, upper, out_len);
}

/* Plain ASCII (no byte >= 0x80): already NFC, in no legacy encoding, folded by tolower. */
static bool all_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

static char *clean_compute(const char *s, size_t n, const char *font, th_legacy *found, size_t *out_len)
{
	size_t count;
	int32_t *v;
	th_legacy enc;
	bool legacy_only = true;

	/* the fast paths: codes, numbers and English are most cells (a capitals font
	 * upper-cases); clean Unicode with a letter no legacy font has (ệ, đ, ư ...) is
	 * Unicode whatever the font, and already normalised */
	if ((all_ascii(s, n) && !(font && th_text_font_is_caps(font))) ||
	    (nfc_already(s, n, &legacy_only) && !legacy_only)) {
		if (found)
			*found = TH_ENC_UNICODE;
		if (out_len)
			*out_len = n;
		return th_xstrndup(n ? s : "", n);
	}
	v = decode_new(s, n, &count);
	enc = detect(v, count, font);

	if (found)
		*found = enc;
	return decode_cps(v, count, enc, enc == TH_ENC_TCVN3 && th_text_font_is_caps(font),
			  out_len);
}

/* ---- keys ---- */

static bool is_tone(int32_t c)
{
	return c == 0x300 || c == 0x301 || c == 0x303 || c == 0x309 || c == 0x323;
}

/*
 * Old-style tone placement to new style in v (case-folded NFD): o a TONE, o e TONE, u y TONE
 * at the end of a word become o TONE a ... ("hoà" -> "hòa", "thuỷ" -> "thủy"). With a final
 * consonant both styles agree ("hoàng"), and after q the u belongs to the onset ("quý").
 */
static void new_style_tones(int32_t *v, size_t n)
{
	for (size_t i = 0; i + 2 < n; i++) {
		int32_t a = v[i], b = v[i + 1], t = v[i + 2];

		if (!(a == 'o' && (b == 'a' || b == 'e')) && !(a == 'u' && b == 'y'))
			continue;
		if (!is_tone(t))
			continue;
		if (i + 3 < n && (is_letter(v[i + 3]) || is_mark(v[i + 3])))
			continue;
		if (a == 'u' && i > 0 && v[i - 1] == 'q')
			continue;
		v[i + 1] = t;
		v[i + 2] = b;
	}
}

static char *key_slow(const char *clean, size_t clen, bool ascii, size_t *out_len);
static char *key_fast(const char *clean, size_t clen, bool ascii, size_t *out_len);

static char *make_key(const char *s, size_t n, bool ascii, size_t *out_len)
{
	size_t clen, k = 0;
	char *clean, *r;
	bool space = false;

	if (all_ascii(s, n)) {
		/* the same key as below for ASCII: lower case, blanks collapsed and trimmed */
		char *out = th_xmalloc(n + 1);
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c == ' ' || (c >= 0x09 && c <= 0x0D)) {
				space = k > 0;
				continue;
			}
			if (space)
				out[k++] = ' ';
			space = false;
			out[k++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
		}
		out[k] = '\0';
		*out_len = k;
		return out;
	}
	clean = clean_compute(s, n, NULL, NULL, &clen);
	if (!clean)
		return NULL;
	r = key_fast(clean, clen, ascii, out_len);
	if (!r)
		r = key_slow(clean, clen, ascii, out_len);
	free(clean);
	return r;
}

/* The key of clean (cleaned text, clen bytes) through utf8proc: case-folded, decomposed,
 * tones placed new-style, invisibles dropped (and marks, for ascii), blanks collapsed. */
static char *key_slow(const char *clean, size_t clen, bool ascii, size_t *out_len)
{
	size_t count, k = 0;
	int32_t *v;
	bool space = false;

	v = u8_decompose(clean, clen, NFC_OPTS | UTF8PROC_CASEFOLD, &count);
	if (!v)
		return NULL;
	new_style_tones(v, count);
	for (size_t i = 0; i < count; i++) {
		int32_t c = v[i];

		if (is_invisible(c))
			continue;
		if (c == 0xF0)
			c = 0x111; /* ð, eth, stands in for đ in careless typing */
		if (ascii && utf8proc_category(c) == UTF8PROC_CATEGORY_MN)
			continue;
		if (ascii && c == 0x111)
			c = 'd';
		if (is_anyspace(c)) {
			space = k > 0;
			continue;
		}
		if (space)
			v[k++] = ' ';
		space = false;
		v[k++] = c;
	}
	return u8_reencode(v, k, out_len);
}

/*
 * ---- keys by table ----
 * A key through utf8proc (decomposition, case folding, composition) was most of what a
 * check spent reading its schema and roster (#15). Text made only of letters that are
 * already composed keys letter by letter: each letter's key, found once by key_slow and
 * kept in a table, is the key of it wherever it stands. The table holds the code points
 * the key of which is one inert code point (see nfc_inert: it composes with nothing), a
 * blank or nothing (an invisible); a text with any other, or a letter with a tone after a
 * plain o or u (an old-style tone placement, which moves the tone), takes key_slow.
 * tests/unit/test_text.c compares the two on every code point of the table and on random
 * texts.
 */

/* The code points kept: Latin (Basic to Extended-B) and Latin Extended Additional. */
#define KT_LO 0x250u
#define KT_HI_FROM 0x1E00u
#define KT_HI_TO 0x1F00u

enum { KT_UNKNOWN, KT_SLOW, KT_CHAR, KT_SPACE, KT_DROP };

/* An entry: kind (3 bits), the key's code point (21 bits from bit 3), the ASCII key's (21
 * bits from bit 24), and bit 45: a vowel a, e or y with a mark (old-style tones move it). */
static _Atomic uint64_t keytab[KT_LO + (KT_HI_TO - KT_HI_FROM)];

static _Atomic uint64_t *keytab_slot(uint32_t c)
{
	if (c < KT_LO)
		return &keytab[c];
	if (c >= KT_HI_FROM && c < KT_HI_TO)
		return &keytab[KT_LO + (c - KT_HI_FROM)];
	return NULL;
}

/* The one code point of (s, n), or -1 when it is not exactly one inert code point. */
static int32_t one_inert(const char *s, size_t n)
{
	uint32_t cp;
	size_t len = n ? utf8_one((const unsigned char *)s, n, &cp) : 0;

	return len && len == n && nfc_inert(cp) ? (int32_t)cp : -1;
}

/* Code point c's entry, from key_slow on c alone. */
static uint64_t keytab_compute(uint32_t c)
{
	utf8proc_uint8_t u[4];
	utf8proc_int32_t d[8];
	utf8proc_ssize_t dn;
	size_t n = (size_t)utf8proc_encode_char((utf8proc_int32_t)c, u), lf = 0, la = 0;
	char *f, *a;
	int32_t fc, ac;
	int bound = 0;
	uint64_t e;

	if (is_invisible((int32_t)c))
		return KT_DROP;
	if (is_anyspace((int32_t)c))
		return KT_SPACE;
	if (!nfc_inert(c))
		return KT_SLOW;
	f = key_slow((const char *)u, n, false, &lf);
	a = key_slow((const char *)u, n, true, &la);
	fc = f ? one_inert(f, lf) : -1;
	ac = a ? one_inert(a, la) : -1;
	free(f);
	free(a);
	if (fc < 0 || ac < 0)
		return KT_SLOW;
	e = KT_CHAR | (uint64_t)fc << 3 | (uint64_t)ac << 24;
	/* a vowel that old-style placement can give its tone away from: decomposed, a, e or y
	 * and a mark (key_slow knows which; any such letter after o or u takes it) */
	dn = utf8proc_decompose_char(fc, d, 8, UTF8PROC_DECOMPOSE, &bound);
	if (dn < 0 || dn > 8)
		return KT_SLOW;
	if (dn >= 2 && (d[0] == 'a' || d[0] == 'e' || d[0] == 'y'))
		e |= (uint64_t)1 << 45;
	return e;
}

/* The key of clean by table, or NULL when some code point of it needs key_slow. */
static char *key_fast(const char *clean, size_t clen, bool ascii, size_t *out_len)
{
	const unsigned char *u = (const unsigned char *)clean;
	char *out = th_xmalloc(th_size_add(th_size_mul(clen, 3), 1));
	uint32_t prev = 0;
	size_t k = 0;
	bool space = false;

	for (size_t i = 0; i < clen;) {
		uint32_t c, key;
		size_t len = utf8_one(u + i, clen - i, &c);
		_Atomic uint64_t *slot = len ? keytab_slot(c) : NULL;
		uint64_t e;

		if (!slot)
			goto slow;
		i += len;
		e = atomic_load_explicit(slot, memory_order_relaxed);
		if (e == KT_UNKNOWN) {
			e = keytab_compute(c);
			atomic_store_explicit(slot, e, memory_order_relaxed);
		}
		switch (e & 7) {
		case KT_DROP:
			prev = 0;
			continue;
		case KT_SPACE:
			space = k > 0;
			prev = 0;
			continue;
		case KT_CHAR:
			break;
		default:
			goto slow;
		}
		if (!ascii && e >> 45 & 1 && (prev == 'o' || prev == 'u'))
			goto slow;
		key = (uint32_t)(ascii ? e >> 24 : e >> 3) & 0x1FFFFF;
		prev = (uint32_t)(e >> 3) & 0x1FFFFF;
		if (space)
			out[k++] = ' ';
		space = false;
		k += (size_t)utf8proc_encode_char((utf8proc_int32_t)key, (utf8proc_uint8_t *)out + k);
	}
	out[k] = '\0';
	*out_len = k;
	return out;
slow:
	free(out);
	return NULL;
}

static char *alnum_compute(const char *s, size_t n, size_t *out_len)
{
	size_t len;
	char *k = make_key(s, n, false, &len), *w = k;
	bool space = false;

	for (const char *r = k; *r; r++) {
		unsigned char c = (unsigned char)*r;
		if (c >= 0x80 || isalnum(c)) {
			if (space && w != k)
				*w++ = ' ';
			space = false;
			*w++ = (char)c;
		} else {
			space = true;
		}
	}
	*w = '\0';
	*out_len = (size_t)(w - k);
	return k;
}

/*
 * ---- the memo ----
 * A merge meets the same labels, units and headings in every return (3,321 of them for the
 * ministry), and each was cleaned and keyed anew: 60 % of a national merge went into
 * normalisation (issue #15). Each thread keeps the results it computed, keyed by the
 * operation, the font's class (all th_text_clean takes from a font) and the input bytes; a
 * hit returns a copy, so the contract of every function is unchanged. One table per thread:
 * no lock, and the merge's readers never wait for each other. Bounded: the table is emptied
 * when full, so memory does not grow with the inputs; long texts are computed, not kept.
 */

enum memo_op { MEMO_NFC = 1, MEMO_CLEAN, MEMO_KEY, MEMO_KEY_ASCII, MEMO_KEY_ALNUM };

#define MEMO_SLOTS 8192u          /* at most; a power of two; emptied at three quarters */
#define MEMO_SLOTS_FIRST 256u     /* at first: doubled at three quarters up to MEMO_SLOTS (a
				   * check makes a few hundred keys, and each page of a table
				   * touched for the first time costs a fault) */
#define MEMO_MAX_BYTES (2u << 20) /* of kept text per thread */
#define MEMO_MAX_IN 1024u         /* longer inputs are not kept */

struct memo_ent {
	uint64_t hash;
	char *data;       /* the input bytes, the result's, a NUL; NULL: a free slot */
	uint32_t in_len, out_len;
	uint8_t tag;      /* the operation, and for MEMO_CLEAN the font's class << 4 */
	uint8_t enc;      /* MEMO_CLEAN: the encoding found */
};

struct memo {
	struct memo_ent *slot; /* cap of them */
	size_t cap, n, bytes;
};

static pthread_key_t memo_key;
static pthread_once_t memo_once = PTHREAD_ONCE_INIT;
static bool memo_ready;

static void memo_empty(struct memo *m)
{
	for (size_t i = 0; i < m->cap; i++) {
		free(m->slot[i].data);
		m->slot[i].data = NULL;
	}
	m->n = m->bytes = 0;
}

static void memo_free(void *p)
{
	struct memo *m = p;

	if (m) {
		memo_empty(m);
		free(m->slot);
	}
	free(m);
}

static void memo_init(void)
{
	memo_ready = pthread_key_create(&memo_key, memo_free) == 0;
}

/* This thread's table, or NULL (no key: every call computes). */
static struct memo *memo_get(void)
{
	struct memo *m;

	pthread_once(&memo_once, memo_init);
	if (!memo_ready)
		return NULL;
	m = pthread_getspecific(memo_key);
	if (!m) {
		m = calloc(1, sizeof(*m));
		if (m) {
			m->slot = calloc(MEMO_SLOTS_FIRST, sizeof(*m->slot));
			m->cap = MEMO_SLOTS_FIRST;
		}
		if (m && (!m->slot || pthread_setspecific(memo_key, m) != 0)) {
			free(m->slot);
			free(m);
			m = NULL;
		}
	}
	return m;
}

/* The free slot where an entry of hash h goes in m. */
static struct memo_ent *memo_free_slot(struct memo *m, uint64_t h)
{
	size_t i = h & (m->cap - 1);

	while (m->slot[i].data)
		i = (i + 1) & (m->cap - 1);
	return &m->slot[i];
}

/* m with twice the slots, its entries moved; false (m unchanged) when memory is short. */
static bool memo_grow(struct memo *m)
{
	struct memo old = *m;

	m->slot = calloc(old.cap * 2, sizeof(*m->slot));
	if (!m->slot) {
		*m = old;
		return false;
	}
	m->cap = old.cap * 2;
	for (size_t i = 0; i < old.cap; i++)
		if (old.slot[i].data)
			*memo_free_slot(m, old.slot[i].hash) = old.slot[i];
	free(old.slot);
	return true;
}

/* 64-bit FNV-1a over the tag and the bytes, eight at a time. */
static uint64_t memo_hash(unsigned tag, const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325u ^ tag;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, s + i, 8);
		h = (h ^ w) * 0x100000001b3u;
		h ^= h >> 29;
	}
	for (; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 0x100000001b3u;
	return h ^ (h >> 32);
}

/* The class of a font as th_text_clean sees it: its encoding, and a capitals font. */
static unsigned font_class(const char *font)
{
	return (unsigned)font_encoding(font) | (th_text_font_is_caps(font) ? 4u : 0u);
}

static char *memo_compute(unsigned tag, const char *s, size_t n, const char *font, th_legacy *enc,
			  size_t *len)
{
	*enc = TH_ENC_UNICODE;
	switch (tag & 0x0F) {
	case MEMO_NFC: return nfc_compute(s, n, len);
	case MEMO_CLEAN: return clean_compute(s, n, font, enc, len);
	case MEMO_KEY: return make_key(s, n, false, len);
	case MEMO_KEY_ASCII: return make_key(s, n, true, len);
	default: return alnum_compute(s, n, len);
	}
}

/* The result of operation tag on (s, n) (font for MEMO_CLEAN), from the memo when there. */
static char *memo_run(unsigned tag, const char *s, size_t n, const char *font, th_legacy *found,
		      size_t *out_len)
{
	/* plain ASCII is cheaper to compute than to look up (but for a capitals font) */
	bool keep = n && n <= MEMO_MAX_IN && ((tag & 0x0F) == MEMO_CLEAN || !all_ascii(s, n));
	struct memo *m = keep ? memo_get() : NULL;
	struct memo_ent *e = NULL;
	uint64_t h = 0;
	th_legacy enc;
	size_t len = 0;
	char *r;

	if (m) {
		h = memo_hash(tag, s, n);
		for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
			e = &m->slot[i];
			if (!e->data)
				break;
			if (e->hash == h && e->tag == tag && e->in_len == n && memcmp(e->data, s, n) == 0) {
				if (found)
					*found = (th_legacy)e->enc;
				if (out_len)
					*out_len = e->out_len;
				return th_xstrndup(e->data + n, e->out_len);
			}
		}
	}
	r = memo_compute(tag, s, n, font, &enc, &len);
	if (found)
		*found = enc;
	if (out_len)
		*out_len = len;
	if (!m || !r || len > UINT32_MAX)
		return r;
	if (m->n + 1 > m->cap / 4 * 3 && m->cap < MEMO_SLOTS && memo_grow(m))
		e = memo_free_slot(m, h);
	if (m->n + 1 > m->cap / 4 * 3 || m->bytes + n + len > MEMO_MAX_BYTES) {
		memo_empty(m);
		e = &m->slot[h & (m->cap - 1)];
	}
	e->data = th_xmalloc(th_size_add(th_size_add(n, len), 1));
	memcpy(e->data, s, n);
	memcpy(e->data + n, r, len + 1);
	e->hash = h;
	e->tag = (uint8_t)tag;
	e->enc = (uint8_t)enc;
	e->in_len = (uint32_t)n;
	e->out_len = (uint32_t)len;
	m->n++;
	m->bytes += n + len;
	return r;
}

char *th_text_nfc(const char *s, size_t n, size_t *out_len)
{
	return memo_run(MEMO_NFC, s, n, NULL, NULL, out_len);
}

char *th_text_clean(const char *s, size_t n, const char *font, th_legacy *found, size_t *out_len)
{
	/* plain ASCII is cheaper to copy than to look up */
	if (all_ascii(s, n) && !(font && th_text_font_is_caps(font)))
		return clean_compute(s, n, font, found, out_len);
	return memo_run(MEMO_CLEAN | font_class(font) << 4, s, n, font, found, out_len);
}

char *th_text_key(const char *s, size_t n)
{
	return memo_run(MEMO_KEY, s, n, NULL, NULL, NULL);
}

char *th_text_key_ascii(const char *s, size_t n)
{
	return memo_run(MEMO_KEY_ASCII, s, n, NULL, NULL, NULL);
}

char *th_text_key_alnum(const char *s, size_t n)
{
	return memo_run(MEMO_KEY_ALNUM, s, n, NULL, NULL, NULL);
}

char *th_text_key_reference(const char *s, size_t n, bool ascii)
{
	size_t clen, len;
	char *clean = clean_compute(s, n, NULL, NULL, &clen), *r;

	if (!clean)
		return NULL;
	r = key_slow(clean, clen, ascii, &len);
	free(clean);
	return r;
}
