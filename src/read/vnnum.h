/*
 * Vietnamese numbers, dates and reporting periods written as text. Commune returns hold
 * "67,1", "98.17", "8.024.907.482", "98,16 %", "09/9/2023" and "ngày 12 tháng 9 năm 2023"
 * side by side; this module reads them without guessing, reports which rule fired so the
 * district can send format warnings back, and names the period a return covers.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_VNNUM_H
#define TH_VNNUM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Ownership: every argument is borrowed and nothing here allocates. Text arguments are
 * (pointer, length) pairs and need not be NUL-terminated; results go into the caller's
 * structs and buffers. No function prints.
 */

/* ---- numbers ---- */

/* What the row holds; the caller always knows it from the row's unit (count, %, money). */
typedef enum th_numhint {
	TH_HINT_NONE,    /* unknown: follow the vi locale, '.' groups and ',' is the decimal mark */
	TH_HINT_WHOLE,   /* count, money: "3.000" = 3000, "2,014" = 2014 */
	TH_HINT_DECIMAL, /* percent, score: "98.17" = 98.17, "3.000" = 3 */
} th_numhint;

/* Which rule fired, so the district can send format warnings back. */
typedef enum th_numread {
	TH_READ_PLAIN,         /* "25", "-3", "0", "09"; also space-grouped "1 234" (had_spaces) */
	TH_READ_DECIMAL_COMMA, /* "67,1", "0,5", "1 234,5" */
	TH_READ_DECIMAL_DOT,   /* "98.17", "0.5", ".5": a dot followed by 1-2 or 4+ digits, or
				* by 3 digits where the dot cannot be grouping ("0.125", "1234.567") */
	TH_READ_GROUPED_DOT,   /* "1.234.567", "8.024.907.482": two or more dot groups */
	TH_READ_GROUPED_COMMA, /* "1,234,567": English grouping, two or more comma groups */
	TH_READ_MIXED,         /* both '.' and ',': the last one, written once, is the decimal
				* mark ("1.234,5", "1,234.5", "1,234,567.89") */
	TH_READ_AMBIGUOUS_THOUSANDS, /* a single '.' or ',' then exactly 3 digits read as
				      * grouping: "3.000" = 3000 (WHOLE or NONE), "2,014" = 2014
				      * (WHOLE only) */
	TH_READ_AMBIGUOUS_DECIMAL,   /* the same shapes read as a decimal: "3.000" = 3 (DECIMAL,
				      * or NONE with a % written), "2,014" = 2.014 (DECIMAL, NONE) */
} th_numread;

typedef struct th_num {
	double value;
	int decimals;      /* decimal places as written ("98.17" → 2, "67,1" → 1, "3.000" read as
			    * a decimal → 3, "25" → 0): the precision a later check compares at */
	th_numread how;
	bool percent_sign; /* a % was written ("88%", "98,16 %") */
	bool had_spaces;   /* a blank (space, tab, NBSP, thin space ...) was removed anywhere,
			    * including the one in "98,16 %" and the groups of "1 234" */
} th_num;

/* Numbers larger than this in magnitude are refused: not a plausible return value. */
#define TH_VN_NUM_MAX 1e15

/*
 * Parse s[0..n) (UTF-8) as a number written the Vietnamese ways. Removes blanks around the
 * number (ASCII whitespace, U+00A0, U+2000-U+200B, U+202F, U+205F, U+3000, U+FEFF), one
 * trailing '%' with or without blanks before it, a leading '+', '-', U+2212 minus or U+2013
 * en dash (blanks may follow the sign), and blanks used as digit grouping ("1 234",
 * "1 234,5": first group 1-3 digits, then groups of exactly 3).
 *
 * Grouping, wherever it appears, means a first group of 1-3 digits not starting with '0'
 * followed by groups of exactly 3 digits; anything else is refused ("1.23.4", "1,2,3",
 * "12 34"). A single '.' or ',' followed by exactly 3 digits after a valid first group is
 * ambiguous and decided by hint:
 *
 *	text	WHOLE			NONE			DECIMAL
 *	"3.000"	3000 AMBIG_THOUSANDS	3000 AMBIG_THOUSANDS	3 AMBIG_DECIMAL
 *	"2,014"	2014 AMBIG_THOUSANDS	2.014 AMBIG_DECIMAL	2.014 AMBIG_DECIMAL
 *
 * NONE follows the vi locale (CLDR: '.' groups, ',' is the decimal mark), except that a
 * written % turns NONE into DECIMAL ("3.000%" = 3). When the first group starts with '0'
 * the separator can only be a decimal mark ("0.125", "0,500"), whatever the hint.
 *
 * Returns 0 and fills *out, or -1 with *out zeroed when the text is not a number: empty,
 * blanks only, words, "12a", "-", "x", "1..2", "1.2.3", a trailing separator ("5."), two
 * signs, more than 40 digits, or a magnitude above TH_VN_NUM_MAX. "-0" gives +0.
 *
 * Example: th_vn_parse_number("98,16 %", 8, TH_HINT_DECIMAL, &v) → 0, v.value 98.16,
 * v.decimals 2, v.how TH_READ_DECIMAL_COMMA, v.percent_sign, v.had_spaces.
 */
int th_vn_parse_number(const char *s, size_t n, th_numhint hint, th_num *out);

/*
 * Write v with d decimals, rounded half away from zero as reports round (96.5 -> 97,
 * where printf gives 96), never "-0"; d < 0: as many as it needs (%.10g). vi: a decimal
 * comma, as Vietnamese text writes it ("98,17"); else a dot (JSON, the machine fields).
 */
void th_vn_format(double v, int d, bool vi, char *out, size_t cap);

/*
 * True when s[0..n), blanks removed, is one of "-", "–" (U+2013), "—" (U+2014), "−"
 * (U+2212), "x", "X", "…" (U+2026) or "...": written to say "not applicable / nothing",
 * to be kept apart from a blank cell and from 0. Blank text is not a dash.
 */
bool th_vn_is_dash(const char *s, size_t n);

/* ---- dates ---- */

typedef struct th_date {
	int32_t y; /* 1900..9999; 0: no date */
	uint8_t m, d;
} th_date;

#define TH_DATE_MAX sizeof("2023-09-12") /* th_date_iso and th_date_vn buffers */

/* Days since 1970-01-01; INT32_MIN when d is no date or not a valid date. */
int32_t th_date_days(th_date d);
/* The date days after 1970-01-01; no date (y == 0) outside 1900-01-01..9999-12-31. */
th_date th_date_from_days(int32_t days);
/* d moved by n days (n may be negative); no date when d is none or the result is out of range. */
th_date th_date_add_days(th_date d, int32_t n);
/* -1, 0 or 1 as a is before, equal to or after b; no date sorts before every date. */
int th_date_cmp(th_date a, th_date b);
/* A real calendar date (Gregorian, leap years included) with 1900 <= y <= 9999. */
bool th_date_valid(int y, int m, int d);

/*
 * The date of an Excel serial, as th_serial_split (numfmt.h) reads it, the time of day
 * dropped. Returns 0, or -1 with out->y = 0 when serial is not a date: not finite, below 1
 * (a time of day only, in both systems), serial 60 in the 1900 system (Excel's fictitious
 * 1900-02-29), or after 9999-12-31.
 */
int th_date_from_serial(double serial, bool date1904, th_date *out);

/* "2023-09-12" into out; "" for no date. */
void th_date_iso(th_date d, char out[TH_DATE_MAX]);
/* "12/09/2023" (Vietnamese display, leading zeros as NĐ 30/2020 asks) into out; "" for no date. */
void th_date_vn(th_date d, char out[TH_DATE_MAX]);

/*
 * Parse a date written as text. The whole of s[0..n) must be the date; blanks around it
 * and one trailing '.' are allowed, the caller extracts dates from longer text itself.
 * Forms, day always first (never m/d/y):
 *	"12/9/2023", "09/9/2023", "12-09-2023", "12.09.2023"   (d, m: 1-2 digits; y: 4 digits;
 *							         the same separator twice)
 *	"2023-09-12", "2023/9/12"                              (a 4-digit first field: y-m-d)
 *	"ngày 12 tháng 9 năm 2023", "Ngày 01 tháng 03 năm 2022"
 *	"ngày 12/9/2023"                                       (a leading "ngày" before the
 *								 numeric forms)
 * Keywords match in any case, NFC or NFD, and without diacritics ("ngay", "thang", "nam");
 * any run of blanks (NBSP included) separates words, and blanks may surround separators.
 * Returns 0, or -1 with out->y = 0 when it is not a valid date: 31/2/2023, 12/13/2023, the
 * blank draft "ngày      tháng 7 năm 2023", two-digit years, other text.
 */
int th_vn_parse_date(const char *s, size_t n, th_date *out);

/* ---- reporting periods ---- */

typedef enum th_pkind { TH_P_NONE, TH_P_MONTH, TH_P_QUARTER, TH_P_HALF, TH_P_NINE, TH_P_YEAR } th_pkind;

typedef struct th_period {
	th_pkind kind;
	int year; /* 1900..9999 */
	int n;    /* month 1-12, quarter 1-4, half 1-2; 0 otherwise */
} th_period;

#define TH_PERIOD_MAX sizeof("9999-M12")                         /* th_period_format */
#define TH_PERIOD_LABEL_MAX sizeof("6 tháng cuối năm 9999")      /* th_period_label_vi */

/*
 * Parse the command-line form of s (NUL-terminated): "2023-M07" (also "2023-M7"),
 * "2023-Q3", "2023-H1", "2023-H2", "2023-9M", "2023". Letters in any case; the year has
 * exactly 4 digits in 1900..9999; no blanks. Returns 0, or -1 with *out = {TH_P_NONE, 0, 0}
 * ("2023-Q5", "2023-M13", "2023-M00", "23-Q3", "2023-Q", "2023-H3", "", NULL).
 */
int th_period_parse(const char *s, th_period *out);

/*
 * The canonical form of p ("2023-Q3", "2023-M07") into out[0..cap); "" when p is
 * TH_P_NONE or invalid. Truncated to fit; TH_PERIOD_MAX is always enough.
 */
void th_period_format(th_period p, char *out, size_t cap);

/*
 * A Vietnamese label (UTF-8) into out[0..cap): "quý III năm 2023", "tháng 7 năm 2023",
 * "6 tháng đầu năm 2023", "6 tháng cuối năm 2023", "9 tháng năm 2023", "năm 2023"; ""
 * when p is TH_P_NONE or invalid. Truncated at a character boundary to fit;
 * TH_PERIOD_LABEL_MAX is always enough.
 */
void th_period_label_vi(th_period p, char *out, size_t cap);

/*
 * The first and last month (1..12) p covers: M07 → 7..7, Q3 → 7..9, H1 → 1..6,
 * H2 → 7..12, 9M → 1..9, year → 1..12; 0..0 when p is TH_P_NONE or invalid.
 */
void th_period_months(th_period p, int *first, int *last);

/*
 * The Roman numeral s[0..n) in I..XII as an int ("III" → 3, "iv" → 4), blanks around it
 * allowed; 0 when it is not one of the twelve canonical numerals ("IIII", "VV", "XIII", "").
 */
int th_roman(const char *s, size_t n);

#endif
