/*
 * Vietnamese cell text: Unicode normalisation (NFC plus the repair of combining marks stranded
 * after a space), detection and decoding of the legacy 8-bit encodings TCVN3 (ABC) and VNI
 * that old templates still carry, and matching keys for names and labels (case, tone
 * placement and spacing folded). Communes fill returns in whatever their machine produces;
 * everything downstream compares clean NFC text.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_TEXT_H
#define TH_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Ownership, for every function here: the input (s, n) is borrowed and need not be
 * NUL-terminated; it is read as UTF-8, and each byte that is not part of a valid UTF-8
 * sequence (stray continuation bytes, truncated or overlong sequences, surrogates, code
 * points above U+10FFFF) becomes one U+FFFD. s may be NULL when n is 0.
 * A returned string is NUL-terminated UTF-8 in NFC, allocated with malloc, and belongs to the
 * caller (free() it). Embedded NULs in the input are kept, so use *out_len rather than
 * strlen() when that matters; out_len may be NULL.
 * Allocation failure aborts (th_xmalloc). The only NULL return is for an input too long for
 * utf8proc (more than PTRDIFF_MAX / 16 bytes), which a cell can never be.
 */

typedef enum th_legacy {
	TH_ENC_UNICODE = 0, /* Unicode (or plain ASCII): nothing to decode */
	TH_ENC_TCVN3,       /* TCVN3 / ABC, one byte per letter (.VnTime, .VnArial, .VnTimeH...) */
	TH_ENC_VNI,         /* VNI-Windows, base letter + mark byte (VNI-Times, VNI-Helve...) */
} th_legacy;

/* True when (s, n) is valid UTF-8 throughout (the bytes th_text_nfc would keep). */
bool th_text_valid_utf8(const char *s, size_t n);

/* The length of the longest prefix of the string s within max bytes that does not cut a
 * UTF-8 character: strlen(s) when it fits. */
size_t th_text_fit(const char *s, size_t max);

/* The name of an encoding ("unicode", "tcvn3", "vni"). Static; "?" for an unknown value. */
const char *th_legacy_name(th_legacy enc);

/*
 * NFC, plus the repair of combining marks (U+0300-U+036F) stranded after horizontal
 * whitespace that follows a letter: the marks move back onto the letter, and the whitespace
 * stays once if a word follows. "bi \u0323t" (b i SPACE U+0323 t) gives "bị t", and so does
 * "bi \u0323 t"; "bi \u0323" at the end gives "bị".
 * A mark at the very start, after a digit or punctuation, or after a line break is left alone
 * (NFC keeps it as a lone combining character).
 * Composite typing (UniKey "Unicode tổ hợp": U+00E2 U+0301) and NFD both become NFC (U+1EA5).
 * Returns a new string; no decoding of legacy encodings (see th_text_clean).
 */
char *th_text_nfc(const char *s, size_t n, size_t *out_len);

/*
 * Which encoding the text of one cell is in.
 * font: the cell's font name from xl/styles.xml (borrowed; NULL or "" = unknown). A name
 *   starting with ".Vn" (any case) means TCVN3, one starting with "VNI" / "Vni" (any case)
 *   means VNI, whatever the text looks like, with one exception: text holding a character
 *   a legacy font cannot have produced (anything above U+00FF other than the cp1252 symbols
 *   such as U+2013 and U+20AC, U+FFFD apart) is Unicode typed into an old-style cell and
 *   gives TH_ENC_UNICODE.
 * Without a telling font the text is weighed (so that Vietnamese Unicode written with
 * Latin-1 letters only is not mistaken for legacy text):
 *   - a character outside Latin-1 + cp1252 (ệ, đ, a combining mark...): TH_ENC_UNICODE;
 *   - for TCVN3: a signature character (¡-®, µ-¹, »-¾, Ç Ð × Þ ß ç ÷ þ) touching a letter
 *     and not a digit; a Latin-1 capital right after an ASCII small letter ("ViÖt"); weakly,
 *     a Latin-1 letter Vietnamese Unicode lacks (ñ ö ï ...) in a word whose ASCII rest can
 *     end a Vietnamese syllable ("cña", but not "Köln");
 *   - against TCVN3: Latin-1 letters it never produces (À Á Â Ã Ä Å Í Ù Ú Û à ð ÿ), "®"/"§"
 *     (đ/Đ) after a letter, a TCVN3 ă/â (¨ © » Ê ...) ending a word ("LÊ");
 *   - for VNI: a vowel followed by a mark byte valid for it ("eä", "uû", "ôø"), a
 *     word-initial "ñ"/"Ñ", weakly æ/î/ö as above; "oà", "oá", "oã" count for nothing,
 *     since Unicode "Hoàng", "hoá", "hoãn" have them too;
 *   - against VNI: a mark byte after something it cannot combine with ("Cà", "quân"), ñ
 *     after a letter, letters VNI never produces (Ç Ð Ý Þ ß ç ð ý þ ÿ), a signature
 *     character touching a letter, a Latin-1 capital right after an ASCII small letter.
 *   An encoding wins when it has evidence and nothing against it (both: the heavier
 *   evidence, TCVN3 on a tie); otherwise TH_ENC_UNICODE. Plain ASCII, "Cà Mau", "Thanh
 *   Miện", "Hoàng" give TH_ENC_UNICODE; "ViÖt Nam" TH_ENC_TCVN3; "Vieät Nam" TH_ENC_VNI.
 * A short cell can be ambiguous ("Hoà sô" is Unicode "Hoà sô" or VNI "Hồ sơ"; it is judged
 * Unicode). A caller that can should decide per column or sheet and pass its verdict to
 * th_text_decode.
 */
th_legacy th_text_detect(const char *s, size_t n, const char *font);

/*
 * True when font names a TCVN3 capitals font (".VnTimeH", ".VnArialH": a ".Vn" name whose
 * last letter, trailing spaces aside, is an upper-case 'H'). NULL gives false.
 */
bool th_text_font_is_caps(const char *font);

/*
 * Decode TCVN3 or VNI text, stored as the Latin-1 look-alike code points ("ViÖt Nam",
 * "Vieät Nam"), to NFC Unicode.
 * TCVN3: each code point U+00A1-U+00FE that is a TCVN3 letter becomes that letter (U+00AD,
 *   the soft hyphen, is ư). The bytes carry no case except Ă Â Ê Ô Ơ Ư Đ (U+00A1-U+00A7):
 *   upper true (a capitals font, see th_text_font_is_caps) upper-cases the whole result.
 *   With upper false, a word holding a TCVN3 letter, at least two capitals (ASCII or
 *   U+00A1-U+00A7) and no ASCII small letter is upper-cased ("B¸O C¸O" -> "BÁO CÁO"); a
 *   word with one capital and no small letter ("Tæ", "Hå") follows the nearest word that
 *   decides, the one before first, else as typed ("B¸O C¸O Tæ" -> "... TỔ", "Hå s¬" ->
 *   "Hồ sơ"); ASCII acronyms ("UBND", "BC") decide nothing ("Sè: 12/BC" -> "Số: 12/BC").
 * VNI: greedy, a base letter + mark byte before a single byte ("oâ" = ô, "ôù" = ớ, "ô" = ơ,
 *   "ö" = ư, "ñ" = đ). Case is in the bytes (capital marks are the small ones - 0x20); a
 *   mark whose case differs from its base letter's is read with the base's case. upper true
 *   upper-cases the result.
 * Code points that are not part of the encoding (above U+00FF, cp1252 symbols, Latin-1
 * characters the encoding leaves unused) pass through unchanged. The result then goes
 * through th_text_nfc. TH_ENC_UNICODE: same as th_text_nfc (upper is ignored).
 */
char *th_text_decode(const char *s, size_t n, th_legacy enc, bool upper, size_t *out_len);

/*
 * Cell text plus its font (borrowed, may be NULL) to clean NFC Unicode: th_text_detect,
 * th_text_decode when legacy (upper from th_text_font_is_caps), th_text_nfc otherwise.
 * found (may be NULL) receives the detected encoding. Clean text stays clean: cleaning the
 * result again changes nothing for the Vietnamese this tool meets.
 */
char *th_text_clean(const char *s, size_t n, const char *font, th_legacy *found, size_t *out_len);

/*
 * A key for matching names and labels: th_text_clean (no font), case-folded (utf8proc
 * casefold), tone placement made canonical in oa/oe/uy without a final consonant (old
 * "hoà, hoè, thuỷ, uỷ" -> new "hòa, hòe, thủy, ủy"; "qu" + y is left alone: "quý"), "ð"
 * (U+00F0, often typed for đ) -> "đ", invisible characters (soft hyphen, zero-width space and
 * joiners, word joiner, BOM) removed, NBSP and every other Unicode space, tab and line break
 * -> ' ', runs of spaces collapsed to one, leading and trailing spaces trimmed; NFC.
 * "ỦY BAN NHÂN DÂN" and "Ủy ban nhân dân" both give "ủy ban nhân dân".
 * No type prefixes ("xã", "TT.") are stripped; that is the caller's business.
 */
char *th_text_key(const char *s, size_t n);

/*
 * th_text_key with the diacritics (non-spacing marks) removed too and đ -> d:
 * "Biểu mẫu 01" -> "bieu mau 01", "Đoàn Tùng" -> "doan tung". A secondary key: it
 * confuses names that differ only by tone ("Bình Lăng" / "Bình Lãng").
 */
char *th_text_key_ascii(const char *s, size_t n);

/*
 * th_text_key with everything but letters and digits dropped (runs of the rest become one
 * space): for comparing a label or unit with the template, so that "(Lũy kế …)" and
 * "Lũy kế …", or "Có = 1; Không = 0" and "Có = 1 Không = 0", are the same. A new string.
 */
char *th_text_key_alnum(const char *s, size_t n);

/*
 * th_text_key (ascii false) or th_text_key_ascii (true) computed through utf8proc alone:
 * no table of letters, no memo. What the tests hold the faster paths to.
 */
char *th_text_key_reference(const char *s, size_t n, bool ascii);

#endif
