/*
 * Unit tests for Vietnamese text (text.h): every letter of vn-legacy-encodings.tsv in TCVN3
 * and VNI (the vectors are embedded, generated from the TSV), the typical words of domain
 * brief §5.5, capitals fonts and the all-capitals heuristic, detection, NFC and the stray
 * mark repair, matching keys, invalid UTF-8, empty and long inputs.
 * SPDX-License-Identifier: MIT
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pthread.h>
#include <utf8proc.h>

#include "base/text.h"

/* ---- helpers ---- */

/* Check a returned string against want (NUL-terminated, so no embedded NULs) and free it. */
static void check_str(char *got, size_t len, const char *want)
{
	assert_non_null(got);
	assert_string_equal(got, want);
	assert_int_equal(len, strlen(want));
	assert_int_equal(got[len], '\0');
	free(got);
}

static void nfc_is(const char *in, const char *want)
{
	size_t len = (size_t)-1;
	char *r;

	r = th_text_nfc(in, strlen(in), &len);
	check_str(r, len, want);
}

static void decode_is(const char *in, th_legacy enc, bool upper, const char *want)
{
	size_t len = (size_t)-1;
	char *r;

	r = th_text_decode(in, strlen(in), enc, upper, &len);
	check_str(r, len, want);
}

static void clean_is(const char *in, const char *font, th_legacy want_enc, const char *want)
{
	size_t len = (size_t)-1;
	char *r;
	th_legacy enc = (th_legacy)-1;

	r = th_text_clean(in, strlen(in), font, &enc, &len);
	check_str(r, len, want);
	assert_int_equal(enc, want_enc);
}

static void key_is(const char *in, const char *want)
{
	char *k = th_text_key(in, strlen(in));

	assert_non_null(k);
	assert_string_equal(k, want);
	free(k);
}

static void key_ascii_is(const char *in, const char *want)
{
	char *k = th_text_key_ascii(in, strlen(in));

	assert_non_null(k);
	assert_string_equal(k, want);
	free(k);
}

static void same_key(const char *a, const char *b)
{
	char *ka = th_text_key(a, strlen(a)), *kb = th_text_key(b, strlen(b));

	assert_non_null(ka);
	assert_non_null(kb);
	assert_string_equal(ka, kb);
	free(ka);
	free(kb);
}

static th_legacy detect(const char *s, const char *font)
{
	return th_text_detect(s, strlen(s), font);
}

/* ---- every letter of vn-legacy-encodings.tsv ---- */

struct leg_row {
	const char *letter;      /* NFC */
	const char *tcvn3;       /* the TCVN3 byte as its Latin-1 code point */
	const char *tcvn3_plain; /* what that byte decodes to without a capitals font */
	const char *vni;         /* the VNI bytes as Latin-1 code points */
	bool capital;            /* the letter is a capital */
};

/* Generated from shared/domain/vn-legacy-encodings.tsv (146 rows, in its order). */
static const struct leg_row leg_rows[] = {
	{ "a", "a", "a", "a", false },
	{ "á", "¸", "á", "aù", false },
	{ "à", "µ", "à", "aø", false },
	{ "ả", "¶", "ả", "aû", false },
	{ "ã", "·", "ã", "aõ", false },
	{ "ạ", "¹", "ạ", "aï", false },
	{ "A", "A", "A", "A", true },
	{ "Á", "¸", "á", "AÙ", true },
	{ "À", "µ", "à", "AØ", true },
	{ "Ả", "¶", "ả", "AÛ", true },
	{ "Ã", "·", "ã", "AÕ", true },
	{ "Ạ", "¹", "ạ", "AÏ", true },
	{ "ă", "¨", "ă", "aê", false },
	{ "ắ", "¾", "ắ", "aé", false },
	{ "ằ", "»", "ằ", "aè", false },
	{ "ẳ", "¼", "ẳ", "aú", false },
	{ "ẵ", "½", "ẵ", "aü", false },
	{ "ặ", "Æ", "ặ", "aë", false },
	{ "Ă", "¡", "Ă", "AÊ", true },
	{ "Ắ", "¾", "ắ", "AÉ", true },
	{ "Ằ", "»", "ằ", "AÈ", true },
	{ "Ẳ", "¼", "ẳ", "AÚ", true },
	{ "Ẵ", "½", "ẵ", "AÜ", true },
	{ "Ặ", "Æ", "ặ", "AË", true },
	{ "â", "©", "â", "aâ", false },
	{ "ấ", "Ê", "ấ", "aá", false },
	{ "ầ", "Ç", "ầ", "aà", false },
	{ "ẩ", "È", "ẩ", "aå", false },
	{ "ẫ", "É", "ẫ", "aã", false },
	{ "ậ", "Ë", "ậ", "aä", false },
	{ "Â", "¢", "Â", "AÂ", true },
	{ "Ấ", "Ê", "ấ", "AÁ", true },
	{ "Ầ", "Ç", "ầ", "AÀ", true },
	{ "Ẩ", "È", "ẩ", "AÅ", true },
	{ "Ẫ", "É", "ẫ", "AÃ", true },
	{ "Ậ", "Ë", "ậ", "AÄ", true },
	{ "e", "e", "e", "e", false },
	{ "é", "Ð", "é", "eù", false },
	{ "è", "Ì", "è", "eø", false },
	{ "ẻ", "Î", "ẻ", "eû", false },
	{ "ẽ", "Ï", "ẽ", "eõ", false },
	{ "ẹ", "Ñ", "ẹ", "eï", false },
	{ "E", "E", "E", "E", true },
	{ "É", "Ð", "é", "EÙ", true },
	{ "È", "Ì", "è", "EØ", true },
	{ "Ẻ", "Î", "ẻ", "EÛ", true },
	{ "Ẽ", "Ï", "ẽ", "EÕ", true },
	{ "Ẹ", "Ñ", "ẹ", "EÏ", true },
	{ "ê", "ª", "ê", "eâ", false },
	{ "ế", "Õ", "ế", "eá", false },
	{ "ề", "Ò", "ề", "eà", false },
	{ "ể", "Ó", "ể", "eå", false },
	{ "ễ", "Ô", "ễ", "eã", false },
	{ "ệ", "Ö", "ệ", "eä", false },
	{ "Ê", "£", "Ê", "EÂ", true },
	{ "Ế", "Õ", "ế", "EÁ", true },
	{ "Ề", "Ò", "ề", "EÀ", true },
	{ "Ể", "Ó", "ể", "EÅ", true },
	{ "Ễ", "Ô", "ễ", "EÃ", true },
	{ "Ệ", "Ö", "ệ", "EÄ", true },
	{ "i", "i", "i", "i", false },
	{ "í", "Ý", "í", "í", false },
	{ "ì", "×", "ì", "ì", false },
	{ "ỉ", "Ø", "ỉ", "æ", false },
	{ "ĩ", "Ü", "ĩ", "ó", false },
	{ "ị", "Þ", "ị", "ò", false },
	{ "I", "I", "I", "I", true },
	{ "Í", "Ý", "í", "Í", true },
	{ "Ì", "×", "ì", "Ì", true },
	{ "Ỉ", "Ø", "ỉ", "Æ", true },
	{ "Ĩ", "Ü", "ĩ", "Ó", true },
	{ "Ị", "Þ", "ị", "Ò", true },
	{ "o", "o", "o", "o", false },
	{ "ó", "ã", "ó", "où", false },
	{ "ò", "ß", "ò", "oø", false },
	{ "ỏ", "á", "ỏ", "oû", false },
	{ "õ", "â", "õ", "oõ", false },
	{ "ọ", "ä", "ọ", "oï", false },
	{ "O", "O", "O", "O", true },
	{ "Ó", "ã", "ó", "OÙ", true },
	{ "Ò", "ß", "ò", "OØ", true },
	{ "Ỏ", "á", "ỏ", "OÛ", true },
	{ "Õ", "â", "õ", "OÕ", true },
	{ "Ọ", "ä", "ọ", "OÏ", true },
	{ "ô", "«", "ô", "oâ", false },
	{ "ố", "è", "ố", "oá", false },
	{ "ồ", "å", "ồ", "oà", false },
	{ "ổ", "æ", "ổ", "oå", false },
	{ "ỗ", "ç", "ỗ", "oã", false },
	{ "ộ", "é", "ộ", "oä", false },
	{ "Ô", "¤", "Ô", "OÂ", true },
	{ "Ố", "è", "ố", "OÁ", true },
	{ "Ồ", "å", "ồ", "OÀ", true },
	{ "Ổ", "æ", "ổ", "OÅ", true },
	{ "Ỗ", "ç", "ỗ", "OÃ", true },
	{ "Ộ", "é", "ộ", "OÄ", true },
	{ "ơ", "¬", "ơ", "ô", false },
	{ "ớ", "í", "ớ", "ôù", false },
	{ "ờ", "ê", "ờ", "ôø", false },
	{ "ở", "ë", "ở", "ôû", false },
	{ "ỡ", "ì", "ỡ", "ôõ", false },
	{ "ợ", "î", "ợ", "ôï", false },
	{ "Ơ", "¥", "Ơ", "Ô", true },
	{ "Ớ", "í", "ớ", "ÔÙ", true },
	{ "Ờ", "ê", "ờ", "ÔØ", true },
	{ "Ở", "ë", "ở", "ÔÛ", true },
	{ "Ỡ", "ì", "ỡ", "ÔÕ", true },
	{ "Ợ", "î", "ợ", "ÔÏ", true },
	{ "u", "u", "u", "u", false },
	{ "ú", "ó", "ú", "uù", false },
	{ "ù", "ï", "ù", "uø", false },
	{ "ủ", "ñ", "ủ", "uû", false },
	{ "ũ", "ò", "ũ", "uõ", false },
	{ "ụ", "ô", "ụ", "uï", false },
	{ "U", "U", "U", "U", true },
	{ "Ú", "ó", "ú", "UÙ", true },
	{ "Ù", "ï", "ù", "UØ", true },
	{ "Ủ", "ñ", "ủ", "UÛ", true },
	{ "Ũ", "ò", "ũ", "UÕ", true },
	{ "Ụ", "ô", "ụ", "UÏ", true },
	{ "ư", "\u00AD", "ư", "ö", false },
	{ "ứ", "ø", "ứ", "öù", false },
	{ "ừ", "õ", "ừ", "öø", false },
	{ "ử", "ö", "ử", "öû", false },
	{ "ữ", "÷", "ữ", "öõ", false },
	{ "ự", "ù", "ự", "öï", false },
	{ "Ư", "¦", "Ư", "Ö", true },
	{ "Ứ", "ø", "ứ", "ÖÙ", true },
	{ "Ừ", "õ", "ừ", "ÖØ", true },
	{ "Ử", "ö", "ử", "ÖÛ", true },
	{ "Ữ", "÷", "ữ", "ÖÕ", true },
	{ "Ự", "ù", "ự", "ÖÏ", true },
	{ "y", "y", "y", "y", false },
	{ "ý", "ý", "ý", "yù", false },
	{ "ỳ", "ú", "ỳ", "yø", false },
	{ "ỷ", "û", "ỷ", "yû", false },
	{ "ỹ", "ü", "ỹ", "yõ", false },
	{ "ỵ", "þ", "ỵ", "î", false },
	{ "Y", "Y", "Y", "Y", true },
	{ "Ý", "ý", "ý", "YÙ", true },
	{ "Ỳ", "ú", "ỳ", "YØ", true },
	{ "Ỷ", "û", "ỷ", "YÛ", true },
	{ "Ỹ", "ü", "ỹ", "YÕ", true },
	{ "Ỵ", "þ", "ỵ", "Î", true },
	{ "đ", "®", "đ", "ñ", false },
	{ "Đ", "§", "Đ", "Ñ", true },
};

static void test_tsv_rows_tcvn3(void **state)
{
	(void)state;
	assert_int_equal(sizeof(leg_rows) / sizeof(leg_rows[0]), 146);
	for (size_t i = 0; i < sizeof(leg_rows) / sizeof(leg_rows[0]); i++) {
		const struct leg_row *r = &leg_rows[i];

		decode_is(r->tcvn3, TH_ENC_TCVN3, false, r->tcvn3_plain);
		/* a capital with a tone shares the small letter's byte: a capitals font makes it one */
		if (r->capital)
			decode_is(r->tcvn3, TH_ENC_TCVN3, true, r->letter);
	}
}

static void test_tsv_rows_vni(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(leg_rows) / sizeof(leg_rows[0]); i++)
		decode_is(leg_rows[i].vni, TH_ENC_VNI, false, leg_rows[i].letter);
}

/* Each TSV letter inside a word of each encoding decodes in context, too. */
static void test_tsv_rows_in_words(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(leg_rows) / sizeof(leg_rows[0]); i++) {
		const struct leg_row *r = &leg_rows[i];
		char in[32], want[32];
		size_t len;
		char *got;

		/* "n" + letter + "m" ("năm", "nấm"...): a small-letter word, no capitals heuristic */
		snprintf(in, sizeof(in), "n%sm", r->tcvn3);
		snprintf(want, sizeof(want), "n%sm", r->tcvn3_plain);
		got = th_text_decode(in, strlen(in), TH_ENC_TCVN3, false, &len);
		check_str(got, len, want);
		snprintf(in, sizeof(in), "n%sm", r->vni);
		snprintf(want, sizeof(want), "n%sm", r->letter);
		got = th_text_decode(in, strlen(in), TH_ENC_VNI, false, &len);
		check_str(got, len, want);
	}
}

/* ---- typical words (brief §5.5) ---- */

static const struct {
	const char *unicode, *tcvn3, *vni;
} words[] = {
	{ "được", "®\u00AD\u00EEc", "ñöôïc" },
	{ "của", "cña", "cuûa" },
	{ "và", "vµ", "vaø" },
	{ "Thủ tục", "Thñ tôc", "Thuû tuïc" },
	{ "Hồ sơ", "Hå s¬", "Hoà sô" },
	{ "Người", "Ng\u00ADêi", "Ngöôøi" },
	{ "Triệu đồng", "TriÖu ®ång", "Trieäu ñoàng" },
	{ "Văn bản", "V¨n b¶n", "Vaên baûn" },
	{ "xã Hùng Sơn", "x· Hïng S¬n", "xaõ Huøng Sôn" },
};

static void test_typical_words_decode(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		decode_is(words[i].tcvn3, TH_ENC_TCVN3, false, words[i].unicode);
		decode_is(words[i].vni, TH_ENC_VNI, false, words[i].unicode);
	}
	/* the brief's spellings, byte for byte */
	decode_is("®\xC2\xAD\xC3\xAE" "c", TH_ENC_TCVN3, false, "được");
	decode_is("x\xC2\xB7 H\xC3\xAFng S\xC2\xACn", TH_ENC_TCVN3, false, "xã Hùng Sơn");
	decode_is("Trieäu ñoàng", TH_ENC_VNI, false, "Triệu đồng");
}

static void test_typical_words_detected(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		clean_is(words[i].tcvn3, NULL, TH_ENC_TCVN3, words[i].unicode);
		clean_is(words[i].unicode, NULL, TH_ENC_UNICODE, words[i].unicode);
		if (strcmp(words[i].vni, "Hoà sô") != 0)
			clean_is(words[i].vni, NULL, TH_ENC_VNI, words[i].unicode);
	}
	/* "Hoà sô" is also plausible Unicode (old-style "hoà"): without a font it stays */
	clean_is("Hoà sô", NULL, TH_ENC_UNICODE, "Hoà sô");
	clean_is("Hoà sô", "VNI-Times", TH_ENC_VNI, "Hồ sơ");
	/* the common words the brief lists as priors */
	clean_is("n¨m", NULL, TH_ENC_TCVN3, "năm");
	clean_is("naêm", NULL, TH_ENC_VNI, "năm");
	clean_is("ngµy", NULL, TH_ENC_TCVN3, "ngày");
	clean_is("ngaøy", NULL, TH_ENC_VNI, "ngày");
	clean_is("th¸ng", NULL, TH_ENC_TCVN3, "tháng");
	clean_is("thaùng", NULL, TH_ENC_VNI, "tháng");
}

/* Cleaning clean text changes nothing. */
static void test_clean_idempotent(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		const char *in[] = { words[i].tcvn3, words[i].vni };

		for (size_t j = 0; j < 2; j++) {
			size_t l1, l2;
			th_legacy enc;
			char *once = th_text_clean(in[j], strlen(in[j]), NULL, NULL, &l1);
			char *twice = th_text_clean(once, l1, NULL, &enc, &l2);

			assert_string_equal(once, twice);
			assert_int_equal(enc, TH_ENC_UNICODE);
			free(once);
			free(twice);
		}
	}
	clean_is("BÁO CÁO", NULL, TH_ENC_UNICODE, "BÁO CÁO");
	clean_is("Hoà", NULL, TH_ENC_UNICODE, "Hoà");
}

/* ---- case in TCVN3 ---- */

static void test_capitals_font(void **state)
{
	(void)state;
	decode_is("Thanh MiÖn", TH_ENC_TCVN3, true, "THANH MIỆN");
	clean_is("Thanh MiÖn", ".VnTimeH", TH_ENC_TCVN3, "THANH MIỆN");
	clean_is("Thanh MiÖn", ".VnArialH", TH_ENC_TCVN3, "THANH MIỆN");
	clean_is("Thanh MiÖn", ".VnTime", TH_ENC_TCVN3, "Thanh Miện");
	clean_is("ph¹m thµnh mü", ".VnTimeH", TH_ENC_TCVN3, "PHẠM THÀNH MỸ");
	/* plain ASCII in a capitals font is drawn in capitals too */
	clean_is("Thanh Mien", ".VnTimeH", TH_ENC_TCVN3, "THANH MIEN");
	assert_true(th_text_font_is_caps(".VnTimeH"));
	assert_true(th_text_font_is_caps(".VnArialH"));
	assert_true(th_text_font_is_caps(".VNTIMEH "));
	assert_false(th_text_font_is_caps(".VnTime"));
	assert_false(th_text_font_is_caps("VNI-TimesH"));
	assert_false(th_text_font_is_caps("Times New Roman"));
	assert_false(th_text_font_is_caps(""));
	assert_false(th_text_font_is_caps(NULL));
	/* VNI carries case: upper is still honoured */
	decode_is("Vieät Nam", TH_ENC_VNI, true, "VIỆT NAM");
	decode_is("VIEÄT NAM", TH_ENC_VNI, false, "VIỆT NAM");
}

static void test_all_caps_heuristic(void **state)
{
	(void)state;
	decode_is("B¸O C¸O", TH_ENC_TCVN3, false, "BÁO CÁO");
	decode_is("B¸o c¸o", TH_ENC_TCVN3, false, "Báo cáo");
	decode_is("B¸O C¸O Tæ CHøC", TH_ENC_TCVN3, false, "BÁO CÁO TỔ CHỨC");
	decode_is("Tæ CHøC", TH_ENC_TCVN3, false, "TỔ CHỨC");
	decode_is("Tæ chøc", TH_ENC_TCVN3, false, "Tổ chức");
	decode_is("Hå s¬", TH_ENC_TCVN3, false, "Hồ sơ");
	decode_is("Hå", TH_ENC_TCVN3, false, "Hồ");
	decode_is("§åNG", TH_ENC_TCVN3, false, "ĐỒNG");
	decode_is("§µo", TH_ENC_TCVN3, false, "Đào");
	decode_is("UBND X· NG¤ QUYÒN", TH_ENC_TCVN3, false, "UBND XÃ NGÔ QUYỀN");
	decode_is("Sè 12/B¸O C¸O-UBND", TH_ENC_TCVN3, false, "SỐ 12/BÁO CÁO-UBND");
	/* an ASCII-only word in capitals is an acronym: it does not make its neighbours capitals */
	decode_is("Sè: 12/BC-UBND", TH_ENC_TCVN3, false, "Số: 12/BC-UBND");
	decode_is("UBND x· Ng« QuyÒn", TH_ENC_TCVN3, false, "UBND xã Ngô Quyền");
	decode_is("Chñ tÞch UBND", TH_ENC_TCVN3, false, "Chủ tịch UBND");
	/* neither is an acronym with Đ (§ is a capital in TCVN3, so it decides nothing) */
	decode_is("Sè §VSN tù b¶o ®¶m", TH_ENC_TCVN3, false, "Số ĐVSN tự bảo đảm");
	decode_is("Sè l\u00adîng §VSN §· chuyÓn", TH_ENC_TCVN3, false, "Số lượng ĐVSN Đã chuyển");
	clean_is("B¸O C¸O", NULL, TH_ENC_TCVN3, "BÁO CÁO");
}

/* ---- decoding details ---- */

static void test_vni_greedy(void **state)
{
	(void)state;
	decode_is("oâ", TH_ENC_VNI, false, "ô");
	decode_is("ô", TH_ENC_VNI, false, "ơ");
	decode_is("ôù", TH_ENC_VNI, false, "ớ");
	decode_is("ö", TH_ENC_VNI, false, "ư");
	decode_is("ñ", TH_ENC_VNI, false, "đ");
	decode_is("Ñ", TH_ENC_VNI, false, "Đ");
	decode_is("hoaø", TH_ENC_VNI, false, "hoà");
	decode_is("ÑOÀNG", TH_ENC_VNI, false, "ĐỒNG");
	decode_is("Quyeàn", TH_ENC_VNI, false, "Quyền");
	decode_is("NGUYEÃN", TH_ENC_VNI, false, "NGUYỄN");
	decode_is("tæ", TH_ENC_VNI, false, "tỉ");
	decode_is("kyø", TH_ENC_VNI, false, "kỳ");
	/* a mark of the other case is read with the base letter's case */
	decode_is("Aù", TH_ENC_VNI, false, "Á");
	decode_is("aÙ", TH_ENC_VNI, false, "á");
	/* a mark with nothing to combine with stays what it is */
	decode_is("ù", TH_ENC_VNI, false, "ù");
	decode_is("bù", TH_ENC_VNI, false, "bù");
}

static void test_legacy_pass_through(void **state)
{
	(void)state;
	/* cp1252 symbols as Excel stores them, and anything above U+00FF */
	decode_is("n¨m 2019 \u2013 2020 \u20AC \u2026", TH_ENC_TCVN3, false,
		  "năm 2019 \u2013 2020 \u20AC \u2026");
	decode_is("naêm \u2013 Việt", TH_ENC_VNI, false, "năm \u2013 Việt");
	decode_is("V¨n Việt", TH_ENC_TCVN3, false, "Văn Việt");
	/* Latin-1 positions the encodings leave unused */
	decode_is("\u00C0\u00E0\u00F0\u00FF\u00B0", TH_ENC_TCVN3, false,
		  "\u00C0\u00E0\u00F0\u00FF\u00B0");
	decode_is("\u00FD\u00E7\u00DF", TH_ENC_VNI, false, "\u00FD\u00E7\u00DF");
	decode_is("25 + 17 = 42; A-B (c)", TH_ENC_TCVN3, false, "25 + 17 = 42; A-B (c)");
	decode_is("25 + 17 = 42; A-B (c)", TH_ENC_VNI, false, "25 + 17 = 42; A-B (c)");
	/* TH_ENC_UNICODE only normalises */
	decode_is("ViÖt", TH_ENC_UNICODE, true, "ViÖt");
	decode_is("Vie\u0323\u0302t", TH_ENC_UNICODE, false, "Việt");
}

static void test_legacy_name(void **state)
{
	(void)state;
	assert_string_equal(th_legacy_name(TH_ENC_UNICODE), "unicode");
	assert_string_equal(th_legacy_name(TH_ENC_TCVN3), "tcvn3");
	assert_string_equal(th_legacy_name(TH_ENC_VNI), "vni");
	assert_string_equal(th_legacy_name((th_legacy)42), "?");
}

/* ---- detection ---- */

static void test_detect_unicode(void **state)
{
	(void)state;
	assert_int_equal(detect("Cà Mau", NULL), TH_ENC_UNICODE);
	assert_int_equal(detect("Thanh Miện", NULL), TH_ENC_UNICODE);
	assert_int_equal(detect("hello", NULL), TH_ENC_UNICODE);
	assert_int_equal(detect("hello", ""), TH_ENC_UNICODE);
	assert_int_equal(detect("", NULL), TH_ENC_UNICODE);
	assert_int_equal(th_text_detect(NULL, 0, NULL), TH_ENC_UNICODE);
	assert_int_equal(detect("12.345,6", NULL), TH_ENC_UNICODE);
	/* NFD and composite typing are Unicode */
	assert_int_equal(detect("Vie\u0323\u0302t", NULL), TH_ENC_UNICODE);
	assert_int_equal(detect("\u00E2\u0301", NULL), TH_ENC_UNICODE);
	/* Vietnamese Unicode that uses Latin-1 letters only */
	assert_int_equal(detect("Hoàng Anh", NULL), TH_ENC_UNICODE);
	assert_int_equal(detect("HOÀNG ANH", NULL), TH_ENC_UNICODE);
	assert_int_equal(detect("Thanh Hoá", NULL), TH_ENC_UNICODE);
	assert_int_equal(detect("trì hoãn", NULL), TH_ENC_UNICODE);
	assert_int_equal(detect("Thuý", NULL), TH_ENC_UNICODE);
	assert_int_equal(detect("Hoè", NULL), TH_ENC_UNICODE);
	assert_int_equal(detect("Hòa", NULL), TH_ENC_UNICODE);
	assert_int_equal(detect("mùa xuân", NULL), TH_ENC_UNICODE);
	assert_int_equal(detect("tiên", NULL), TH_ENC_UNICODE);
	assert_int_equal(detect("Võ", NULL), TH_ENC_UNICODE);
	assert_int_equal(detect("Có", NULL), TH_ENC_UNICODE);
	assert_int_equal(detect("LÊ", NULL), TH_ENC_UNICODE);
	assert_int_equal(detect("BÁO CÁO", NULL), TH_ENC_UNICODE);
	assert_int_equal(detect("Ðoàn", NULL), TH_ENC_UNICODE); /* U+00D0 typed for Đ */
	/* symbols that are TCVN3 letters, used as symbols */
	assert_int_equal(detect("\u00ABCà Mau\u00BB", NULL), TH_ENC_UNICODE);
	assert_int_equal(detect("\u00ABHello\u00BB", NULL), TH_ENC_UNICODE);
	assert_int_equal(detect("ABC\u00AE", NULL), TH_ENC_UNICODE);
	assert_int_equal(detect("\u00A9 2020", NULL), TH_ENC_UNICODE);
	assert_int_equal(detect("25\u00B0C", NULL), TH_ENC_UNICODE);
	assert_int_equal(detect("score/max\u00D7100", NULL), TH_ENC_UNICODE);
	/* foreign names: letters Vietnamese lacks, in words that are not Vietnamese syllables */
	assert_int_equal(detect("Köln", NULL), TH_ENC_UNICODE);
	assert_int_equal(detect("Müller", NULL), TH_ENC_UNICODE);
	assert_int_equal(detect("José", NULL), TH_ENC_UNICODE);
}

static void test_detect_legacy(void **state)
{
	(void)state;
	assert_int_equal(detect("ViÖt Nam", NULL), TH_ENC_TCVN3);
	assert_int_equal(detect("Vieät Nam", NULL), TH_ENC_VNI);
	assert_int_equal(detect("Thanh MiÖn", NULL), TH_ENC_TCVN3);
	assert_int_equal(detect("Thanh Mieän", NULL), TH_ENC_VNI);
	assert_int_equal(detect("B¸O C¸O", NULL), TH_ENC_TCVN3);
	assert_int_equal(detect("BAÙO CAÙO", NULL), TH_ENC_VNI);
	assert_int_equal(detect("Ñoaøn Tuøng", NULL), TH_ENC_VNI);
	assert_int_equal(detect("§oµn Tïng", NULL), TH_ENC_TCVN3);
	/* a font that tells nothing leaves the text to decide */
	assert_int_equal(detect("ViÖt Nam", "Times New Roman"), TH_ENC_TCVN3);
	assert_int_equal(detect("Vieät Nam", "Arial"), TH_ENC_VNI);
	/* U+FFFD (a damaged byte) does not veto a legacy reading */
	assert_int_equal(th_text_detect("ViÖt \xFF", strlen("ViÖt \xFF"), NULL), TH_ENC_TCVN3);
	/* cp1252 symbols neither */
	assert_int_equal(detect("n¨m 2019 \u2013 2020", NULL), TH_ENC_TCVN3);
}

static void test_detect_font(void **state)
{
	(void)state;
	assert_int_equal(detect("Vieät Nam", ".VnTime"), TH_ENC_TCVN3);
	assert_int_equal(detect("hello", ".VnTime"), TH_ENC_TCVN3);
	assert_int_equal(detect("Cà Mau", ".VNTIME"), TH_ENC_TCVN3);
	assert_int_equal(detect("ViÖt Nam", "VNI-Times"), TH_ENC_VNI);
	assert_int_equal(detect("ViÖt Nam", "Vni-Aptima"), TH_ENC_VNI);
	assert_int_equal(detect("hello", "VNI-Helve"), TH_ENC_VNI);
	/* text a legacy font cannot have produced is Unicode whatever the font says */
	assert_int_equal(detect("Việt Nam", ".VnTime"), TH_ENC_UNICODE);
	assert_int_equal(detect("Đoàn", "VNI-Times"), TH_ENC_UNICODE);
	clean_is("Việt Nam", ".VnTimeH", TH_ENC_UNICODE, "Việt Nam");
	clean_is("Vieät Nam", "VNI-Times", TH_ENC_VNI, "Việt Nam");
	clean_is("ViÖt Nam", ".VnTime", TH_ENC_TCVN3, "Việt Nam");
}

/* ---- NFC and the stray mark repair ---- */

static void test_nfc(void **state)
{
	(void)state;
	nfc_is("Vi\u1EC7t", "Vi\u1EC7t");
	nfc_is("Vie\u0323\u0302t", "Vi\u1EC7t");     /* NFD */
	nfc_is("Vie\u0302\u0323t", "Vi\u1EC7t");     /* marks in the other order */
	nfc_is("Vi\u00EA\u0323t", "Vi\u1EC7t");      /* ê + dot below */
	nfc_is("Vi\u1EB9\u0302t", "Vi\u1EC7t");      /* ẹ + circumflex */
	nfc_is("\u00E2\u0301", "\u1EA5");            /* UniKey composite: â + sắc = ấ */
	nfc_is("\u01A1\u0300", "\u1EDD");            /* ơ + huyền = ờ */
	nfc_is("u\u031B\u0309", "\u1EED");           /* u + horn + hỏi = ử */
	nfc_is("Ca\u0300 Mau", "Cà Mau");
	nfc_is("plain ASCII, 1/2/3.", "plain ASCII, 1/2/3.");
	/* NFC is not NFKC: compatibility characters stay */
	nfc_is("\uFB01 \u00BD \u2460", "\uFB01 \u00BD \u2460");
	/* no legacy decoding here */
	nfc_is("ViÖt Nam", "ViÖt Nam");
}

static void test_stray_mark(void **state)
{
	(void)state;
	nfc_is("thiết bi \u0323tại", "thiết bị tại"); /* seed 002, line 307 */
	nfc_is("bi \u0323 tại", "bị tại");
	nfc_is("bi \u0323", "bị");                    /* at the end: nothing to separate */
	nfc_is("bi\u00A0\u0323t", "bị\u00A0t");       /* NBSP is whitespace too */
	nfc_is("bi  \u0323t", "bị  t");               /* the whitespace stays as it was */
	nfc_is("e \u0302\u0301m", "ế m");             /* several marks move together */
	nfc_is("\u1EBD \u0301x", "\u1EBD\u0301 x");   /* a second tone stays a separate mark */
	/* left alone: at the start, after a digit, punctuation or a line break */
	nfc_is("\u0301abc", "\u0301abc");
	nfc_is(" \u0301abc", " \u0301abc");
	nfc_is("5 \u0301x", "5 \u0301x");
	nfc_is("a, \u0301x", "a, \u0301x");
	nfc_is("a\n\u0301x", "a\n\u0301x");
	/* a mark that is not a diacritic of U+0300-U+036F is not moved */
	nfc_is("a \u20DDx", "a \u20DDx");
}

/* ---- keys ---- */

static void test_key_case(void **state)
{
	(void)state;
	same_key("ỦY BAN NHÂN DÂN XÃ NGÔ QUYỀN", "Ủy ban nhân dân xã Ngô Quyền");
	key_is("ỦY BAN NHÂN DÂN XÃ NGÔ QUYỀN", "ủy ban nhân dân xã ngô quyền");
	key_is("ĐOÀN TÙNG", "đoàn tùng");
	/* normalisation forms and legacy text reach the same key */
	same_key("Vie\u0323\u0302t Nam", "Việt Nam");
	same_key("ViÖt Nam", "Việt Nam");
	same_key("Vieät Nam", "Việt Nam");
	same_key("bi \u0323 tại", "bị tại");
	same_key("THANH MIEÄN", "Thanh Miện");
}

static void test_key_tone_placement(void **state)
{
	(void)state;
	same_key("Hoà", "Hòa");
	key_is("Hoà", "hòa");
	same_key("Thuỷ", "Thủy");
	key_is("Thuỷ Nguyên", "thủy nguyên");
	same_key("Ứng Hoè", "Ứng Hòe");
	same_key("uỷ ban", "ủy ban");
	same_key("UỶ BAN", "ủy ban");
	same_key("khoẻ", "khỏe");
	same_key("hoạ", "họa");
	same_key("Thanh Hoá", "Thanh Hóa");
	same_key("luỹ", "lũy");
	/* left alone: a final consonant, "qu" as the onset, three vowels */
	key_is("Hoàng", "hoàng");
	key_is("toán", "toán");
	key_is("quý", "quý");
	key_is("Quỳnh", "quỳnh");
	key_is("quỷ", "quỷ");
	key_is("ngoài", "ngoài");
	key_is("khuya", "khuya");
	key_is("khuỷu", "khuỷu");
	key_is("thuyết", "thuyết");
}

static void test_key_spaces(void **state)
{
	(void)state;
	key_is("  Thanh\u00A0\u00A0Miện \t\r\n", "thanh miện");
	key_is("Thanh\u2003Miện\u3000\u202FHải\u2028Dương", "thanh miện hải dương");
	key_is("Thanh\u200BMiện", "thanhmiện");
	key_is("\uFEFFThanh Mi\u00ADện", "thanh miện");
	key_is(" \t ", "");
	key_is("", "");
	same_key("Xã  Hùng   Sơn", "xã hùng sơn");
	key_is("Ðoàn Tùng", "đoàn tùng"); /* U+00D0 typed for Đ */
}

static void test_key_ascii(void **state)
{
	(void)state;
	key_ascii_is("Biểu mẫu 01", "bieu mau 01");
	key_ascii_is("Đoàn Tùng", "doan tung");
	key_ascii_is("ĐOÀN  TÙNG ", "doan tung");
	key_ascii_is("Ðoàn Tùng", "doan tung");
	key_ascii_is("Ủy ban nhân dân xã Ngô Quyền", "uy ban nhan dan xa ngo quyen");
	key_ascii_is("Vie\u0323\u0302t", "viet");
	key_ascii_is("x· Hïng S¬n", "xa hung son");
	key_ascii_is("Bình Lăng", "binh lang");
	key_ascii_is("Bình Lãng", "binh lang");
	key_ascii_is("", "");
}

/* ---- bad, empty and big input ---- */

static void test_invalid_utf8(void **state)
{
	size_t len;
	char *r;

	(void)state;
	nfc_is("a\xFF" "b", "a\uFFFDb");
	nfc_is("\x80", "\uFFFD");
	nfc_is("x\xE1\xBB", "x\uFFFD\uFFFD");              /* truncated ệ */
	nfc_is("\xC0\xAF", "\uFFFD\uFFFD");                /* overlong '/' */
	nfc_is("\xE0\x80\xAF", "\uFFFD\uFFFD\uFFFD");      /* overlong, 3 bytes */
	nfc_is("\xED\xA0\x80", "\uFFFD\uFFFD\uFFFD");      /* a surrogate */
	nfc_is("\xF4\x90\x80\x80", "\uFFFD\uFFFD\uFFFD\uFFFD"); /* above U+10FFFF */
	nfc_is("\xF8\x88\x80\x80\x80", "\uFFFD\uFFFD\uFFFD\uFFFD\uFFFD");
	nfc_is("Vi\xE1\xBB\x87t \xE1\xBB", "Vi\u1EC7t \uFFFD\uFFFD");
	/* the other entry points too */
	decode_is("ViÖt\xFE", TH_ENC_TCVN3, false, "Việt\uFFFD");
	key_is("Thanh\xFFMiện", "thanh\uFFFDmiện");
	key_ascii_is("Mi\xC3", "mi\uFFFD");
	/* U+FFFD itself passes */
	nfc_is("\uFFFD", "\uFFFD");
	/* an embedded NUL is kept: the length tells */
	r = th_text_nfc("a\0b", 3, &len);
	assert_non_null(r);
	assert_int_equal(len, 3);
	assert_memory_equal(r, "a\0b", 4);
	free(r);
}

static void test_empty(void **state)
{
	size_t len = 99;
	th_legacy enc = TH_ENC_VNI;
	char *r;

	(void)state;
	r = th_text_nfc("", 0, &len);
	check_str(r, len, "");
	r = th_text_nfc(NULL, 0, &len);
	check_str(r, len, "");
	r = th_text_decode(NULL, 0, TH_ENC_TCVN3, false, &len);
	check_str(r, len, "");
	r = th_text_decode("", 0, TH_ENC_VNI, true, &len);
	check_str(r, len, "");
	r = th_text_clean(NULL, 0, ".VnTimeH", &enc, &len);
	check_str(r, len, "");
	assert_int_equal(enc, TH_ENC_TCVN3);
	r = th_text_clean("", 0, NULL, &enc, &len);
	check_str(r, len, "");
	assert_int_equal(enc, TH_ENC_UNICODE);
	/* out_len and found may be NULL */
	r = th_text_clean("x· ", 4, NULL, NULL, NULL);
	assert_string_equal(r, "xã ");
	free(r);
	r = th_text_nfc("abc", 3, NULL);
	assert_string_equal(r, "abc");
	free(r);
	r = th_text_key(NULL, 0);
	assert_string_equal(r, "");
	free(r);
	r = th_text_key_ascii(NULL, 0);
	assert_string_equal(r, "");
	free(r);
	/* only n bytes are read */
	r = th_text_nfc("abcdef", 3, &len);
	assert_string_equal(r, "abc");
	free(r);
}

/* Build a string of about want bytes by repeating unit, plus a tail. */
static char *repeat(const char *unit, size_t want, const char *tail, size_t *len)
{
	size_t ul = strlen(unit), tl = strlen(tail), times = want / ul;
	char *s = malloc(times * ul + tl + 1);

	assert_non_null(s);
	for (size_t i = 0; i < times; i++)
		memcpy(s + i * ul, unit, ul);
	memcpy(s + times * ul, tail, tl + 1);
	*len = times * ul + tl;
	return s;
}

static void test_long_input(void **state)
{
	size_t n, len, wn;
	char *s, *want, *r;
	th_legacy enc;

	(void)state;
	/* 100 KB of NFD with stray marks and a bad byte at the end */
	s = repeat("Vie\u0323\u0302t bi \u0323 tại ", 100 * 1024, "\xFF", &n);
	r = th_text_nfc(s, n, &len);
	assert_non_null(r);
	assert_true(len < n);
	assert_int_equal(len, strlen(r));
	assert_memory_equal(r, "Việt bị tại Việt", strlen("Việt bị tại Việt"));
	assert_string_equal(r + len - 3, "\uFFFD");
	free(r);
	r = th_text_key(s, n);
	assert_non_null(r);
	assert_memory_equal(r, "việt bị tại việt", strlen("việt bị tại việt"));
	free(r);
	r = th_text_key_ascii(s, n);
	assert_non_null(r);
	assert_memory_equal(r, "viet bi tai viet", strlen("viet bi tai viet"));
	free(r);
	free(s);

	/* 100 KB of TCVN3 and of VNI: detected, decoded, the same text */
	s = repeat("x· Hïng S¬n, B¸O C¸O ", 100 * 1024, "", &n);
	r = th_text_clean(s, n, NULL, &enc, &len);
	assert_int_equal(enc, TH_ENC_TCVN3);
	want = repeat("xã Hùng Sơn, BÁO CÁO ", len, "", &wn);
	assert_int_equal(len, wn);
	assert_string_equal(r, want);
	free(r);
	free(s);
	free(want);
	s = repeat("xaõ Huøng Sôn, BAÙO CAÙO ", 100 * 1024, "", &n);
	r = th_text_clean(s, n, NULL, &enc, &len);
	assert_int_equal(enc, TH_ENC_VNI);
	want = repeat("xã Hùng Sơn, BÁO CÁO ", len, "", &wn);
	assert_int_equal(len, wn);
	assert_string_equal(r, want);
	free(r);
	free(s);
	free(want);
}

/* Validity as th_text_nfc sees it: what it keeps is valid, what it replaces is not. */
static void test_valid_utf8(void **state)
{
	static const struct {
		const char *s;
		size_t n;
		bool valid;
	} cases[] = {
		{ "", 0, true },
		{ "abc 123", 7, true },
		{ "Biểu mẫu 7 dòng 6.7", sizeof("Biểu mẫu 7 dòng 6.7") - 1, true },
		{ "\xf0\x9f\x98\x80", 4, true },          /* U+1F600 */
		{ "a\x80" "b", 3, false },                   /* stray continuation byte */
		{ "\xc0\x80", 2, false },                 /* overlong NUL */
		{ "\xed\xa0\x80", 3, false },             /* a surrogate */
		{ "\xe1\xba", 2, false },                 /* truncated */
		{ "\xf5\x80\x80\x80", 4, false },         /* above U+10FFFF */
		{ "x\xff", 2, false },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len;
		char *nfc = th_text_nfc(cases[i].s, cases[i].n, &len);
		if (th_text_valid_utf8(cases[i].s, cases[i].n) != cases[i].valid)
			fail_msg("case %zu: valid should be %d", i, cases[i].valid);
		/* th_text_nfc keeps valid text as it is here (all of it is NFC) */
		assert_int_equal(cases[i].valid, len == cases[i].n && memcmp(nfc, cases[i].s, len) == 0);
		free(nfc);
	}
}

/* th_text_fit never cuts a character: "Lỗi" is 'L' + 3 bytes (ỗ) + 'i' */
static void test_fit(void **state)
{
	(void)state;
	assert_int_equal(th_text_fit("Lỗi", 10), 5);
	assert_int_equal(th_text_fit("Lỗi", 5), 5);
	assert_int_equal(th_text_fit("Lỗi", 4), 4);
	assert_int_equal(th_text_fit("Lỗi", 3), 1);
	assert_int_equal(th_text_fit("Lỗi", 2), 1);
	assert_int_equal(th_text_fit("Lỗi", 1), 1);
	assert_int_equal(th_text_fit("ỗ", 2), 0);
	assert_int_equal(th_text_fit("", 0), 0);
}

/* ---- the fast path and the memo (issue #15) ---- */

/* UTF-8 of code points v[0..n) into out (room for 4 n + 1); returns the length. */
static size_t enc_cps(const int32_t *v, size_t n, char *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++)
		k += (size_t)utf8proc_encode_char(v[i], (utf8proc_uint8_t *)out + k);
	out[k] = '\0';
	return k;
}

/* th_text_nfc and th_text_clean on s agree with the slow path that th_text_decode takes
 * (no fast path, no memo): decode(detect(s, font)). */
static void same_as_slow_path(const char *s, size_t n)
{
	static const char *const fonts[] = { NULL, ".VnTime", ".VnTimeH", "VNI-Times", "Arial" };
	size_t la, lb;
	char *a = th_text_nfc(s, n, &la), *b = th_text_decode(s, n, TH_ENC_UNICODE, false, &lb);

	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la + 1);
	free(a);
	free(b);
	for (size_t f = 0; f < sizeof(fonts) / sizeof(fonts[0]); f++) {
		th_legacy enc = th_text_detect(s, n, fonts[f]), got = (th_legacy)-1;
		a = th_text_clean(s, n, fonts[f], &got, &la);
		b = th_text_decode(s, n, enc, enc == TH_ENC_TCVN3 && th_text_font_is_caps(fonts[f]), &lb);
		assert_int_equal(got, enc);
		assert_int_equal(la, lb);
		assert_memory_equal(a, b, la + 1);
		free(a);
		free(b);
	}
}

/* Text already normalised is copied, not normalised again: the copy is what the slow path
 * makes of every code point around the fast path's ranges, alone and in company. */
static void test_fast_path_matches(void **state)
{
	static const int32_t ranges[][2] = { { 0x80, 0x3FF }, { 0x1DC0, 0x20CF } };
	char buf[64];

	(void)state;
	for (size_t r = 0; r < sizeof(ranges) / sizeof(ranges[0]); r++)
		for (int32_t c = ranges[r][0]; c <= ranges[r][1]; c++) {
			const int32_t forms[][3] = { { c, 0, 0 }, { 'a', c, 0 }, { c, 'b', 0 }, { c, 0x301, 0 },
						     { ' ', c, 0 }, { 0x1EC7, c, 0 }, { c, 0x1EC7, 0 } };
			for (size_t k = 0; k < sizeof(forms) / sizeof(forms[0]); k++) {
				size_t m = forms[k][1] ? (forms[k][2] ? 3 : 2) : 1;
				size_t len = enc_cps(forms[k], m, buf);
				same_as_slow_path(buf, len);
			}
		}
}

/* The code points the fast path copies: each a starter that NFC keeps and that composes
 * with no letter before it (the ranges are those of nfc_inert in text.c). */
static void test_fast_path_ranges(void **state)
{
	static const int32_t inert[][2] = { { 0x80, 0x2FF }, { 0x1E00, 0x1EFF }, { 0x2010, 0x2027 },
					    { 0x2030, 0x205E }, { 0x20AC, 0x20AC } };
	utf8proc_uint8_t s[16];

	(void)state;
	for (size_t r = 0; r < sizeof(inert) / sizeof(inert[0]); r++)
		for (int32_t c = inert[r][0]; c <= inert[r][1]; c++) {
			assert_int_equal(utf8proc_get_property(c)->combining_class, 0);
			for (int32_t b = 'A'; b <= 0x24F; b++) {
				int32_t v[2] = { b, c };
				enc_cps(v, 2, (char *)s);
				utf8proc_uint8_t *nfc = utf8proc_NFC(s);
				assert_non_null(nfc);
				if (strcmp((char *)nfc, (char *)s) != 0)
					fail_msg("U+%04X after U+%04X changes under NFC", (unsigned)c, (unsigned)b);
				free(nfc);
			}
		}
}

/* What the memo gives back is what was computed: a hit equals the miss, fonts of other
 * classes are kept apart, and answers stay right once the memo has been emptied. */
static void test_memo(void **state)
{
	char buf[64];
	char *first, *again;
	size_t l1, l2;
	th_legacy e1, e2;

	(void)state;
	first = th_text_clean("ViÖt Nam", strlen("ViÖt Nam"), ".VnTime", &e1, &l1);
	again = th_text_clean("ViÖt Nam", strlen("ViÖt Nam"), ".VnTime", &e2, &l2);
	assert_string_equal(first, "Việt Nam");
	assert_string_equal(again, first);
	assert_int_equal(e1, e2);
	assert_int_equal(l1, l2);
	assert_ptr_not_equal(first, again);
	free(first);
	free(again);
	clean_is("ViÖt Nam", ".VnTimeH", TH_ENC_TCVN3, "VIỆT NAM");
	clean_is("Hoà sô", NULL, TH_ENC_UNICODE, "Hoà sô");
	clean_is("Hoà sô", "VNI-Times", TH_ENC_VNI, "Hồ sơ");
	clean_is("Hoà sô", NULL, TH_ENC_UNICODE, "Hoà sô");
	/* far more distinct texts than the memo keeps, then the first ones again */
	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 20000; i++) {
			snprintf(buf, sizeof(buf), "Xã Thử Nghiệm %d", i);
			first = th_text_key_ascii(buf, strlen(buf));
			snprintf(buf, sizeof(buf), "xa thu nghiem %d", i);
			assert_string_equal(first, buf);
			free(first);
		}
}

struct memo_job {
	int id;
	int bad;
};

static void *memo_worker(void *arg)
{
	struct memo_job *j = arg;
	char in[64], want[64];

	for (int i = 0; i < 30000; i++) {
		int k = (i * 7 + j->id) % 3000;
		char *r;
		snprintf(in, sizeof(in), "Ủy Ban Nhân Dân Xã Hòa %d", k);
		snprintf(want, sizeof(want), "ủy ban nhân dân xã hòa %d", k);
		r = th_text_key(in, strlen(in));
		j->bad += strcmp(r, want) != 0;
		free(r);
	}
	return NULL;
}

/* One memo per thread: threads that clean at once never see each other's answers. */
static void test_memo_threads(void **state)
{
	pthread_t t[4];
	struct memo_job j[4];

	(void)state;
	for (int i = 0; i < 4; i++) {
		j[i] = (struct memo_job){ i, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, memo_worker, &j[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(j[i].bad, 0);
	}
}

/* ---- keys by table (#15) ---- */

/* th_text_key and th_text_key_ascii of s equal the reference (utf8proc alone). */
static void key_as_reference(const char *s, size_t n)
{
	for (int ascii = 0; ascii < 2; ascii++) {
		char *a = ascii ? th_text_key_ascii(s, n) : th_text_key(s, n);
		char *b = th_text_key_reference(s, n, ascii);

		assert_non_null(a);
		assert_non_null(b);
		if (strcmp(a, b) != 0)
			fail_msg("key of \"%.*s\" (ascii %d): \"%s\", reference \"%s\"", (int)n, s, ascii, a, b);
		free(a);
		free(b);
	}
}

/* Every code point the table may hold, alone and beside the letters that move tones (o, u,
 * qu), a blank, an invisible, a combining mark and a capital. */
static void test_key_table_each(void **state)
{
	static const char *const before[] = { "", "o", "O", "u", "qu", "Qu", " ", "a\u00AD", "x" };
	static const char *const after[] = { "", " ", "n", "\u0300", "\u00A0b", "\u200B", "y" };
	(void)state;
	for (int32_t c = 1; c < 0x1F00; c++) {
		char u[8], s[64];
		size_t n;

		if (c == 0x250)
			c = 0x1E00;
		n = (size_t)utf8proc_encode_char(c, (utf8proc_uint8_t *)u);
		u[n] = '\0';
		for (size_t b = 0; b < sizeof(before) / sizeof(before[0]); b++)
			for (size_t a = 0; a < sizeof(after) / sizeof(after[0]); a++) {
				int len = snprintf(s, sizeof(s), "%s%s%s", before[b], u, after[a]);
				key_as_reference(s, (size_t)len);
			}
	}
}

/* Random texts of Vietnamese letters (both cases, old- and new-style tones), blanks of
 * every kind, invisibles, stray marks and the letters case folding expands. */
static void test_key_table_random(void **state)
{
	static const char *const parts[] = {
		"o", "O", "u", "U", "q", "a", "e", "y", "à", "á", "ả", "ã", "ạ", "è", "é", "ẻ", "ẽ",
		"ẹ", "ỳ", "ý", "ỷ", "ỹ", "ỵ", "ặ", "ấ", "Ệ", "ư", "Ư", "ơ", "đ", "Đ", "ð", "Ð", "ô",
		"Ỗ", "ê", "ă", "Â", "ö", "ß", "ẞ", "İ", "ı", "ŉ", "ǰ", "ﬁ", "Ω", "x", "Q", " ", "  ",
		"\t", "\n", "\u00A0", "\u2003", "\u00AD", "\u200B", "\uFEFF", "\u0300", "\u0301",
		"\u0323", "\u0309", "-", "(", "1", "2.3", "\u00B2", "\u00BD", "Ǆ", "ǅ", "ǆ", "ŀ",
		"ĳ", "ẚ", "ẛ", "ẜ", "ẞ", "Ɵ", "ɵ", "\u01C0",
	};
	unsigned seed = 15;
	(void)state;
	for (int t = 0; t < 20000; t++) {
		char s[256];
		size_t n = 0;
		int parts_n = 1 + (int)(seed % 9);

		for (int i = 0; i < parts_n; i++) {
			const char *p;
			seed = seed * 1103515245u + 12345u;
			p = parts[(seed >> 8) % (sizeof(parts) / sizeof(parts[0]))];
			memcpy(s + n, p, strlen(p));
			n += strlen(p);
		}
		seed = seed * 1103515245u + 12345u;
		s[n] = '\0';
		key_as_reference(s, n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_utf8),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_tsv_rows_tcvn3),
		cmocka_unit_test(test_tsv_rows_vni),
		cmocka_unit_test(test_tsv_rows_in_words),
		cmocka_unit_test(test_typical_words_decode),
		cmocka_unit_test(test_typical_words_detected),
		cmocka_unit_test(test_clean_idempotent),
		cmocka_unit_test(test_capitals_font),
		cmocka_unit_test(test_all_caps_heuristic),
		cmocka_unit_test(test_vni_greedy),
		cmocka_unit_test(test_legacy_pass_through),
		cmocka_unit_test(test_legacy_name),
		cmocka_unit_test(test_detect_unicode),
		cmocka_unit_test(test_detect_legacy),
		cmocka_unit_test(test_detect_font),
		cmocka_unit_test(test_nfc),
		cmocka_unit_test(test_stray_mark),
		cmocka_unit_test(test_key_case),
		cmocka_unit_test(test_key_tone_placement),
		cmocka_unit_test(test_key_spaces),
		cmocka_unit_test(test_key_ascii),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_long_input),
		cmocka_unit_test(test_fast_path_matches),
		cmocka_unit_test(test_fast_path_ranges),
		cmocka_unit_test(test_memo),
		cmocka_unit_test(test_memo_threads),
		cmocka_unit_test(test_key_table_each),
		cmocka_unit_test(test_key_table_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
