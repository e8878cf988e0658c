/*
 * Number formats: what kind of value a cell's number format shows (a date, a time, a
 * percent, text, a plain number), and Excel date serials turned into ISO 8601 text. Used by
 * the reader to tell dates apart and later by normalisation (a percent row holding 0.8816
 * under a % format is 88.16).
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_NUMFMT_H
#define TH_NUMFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum th_numkind {
	TH_NUM_GENERAL = 0, /* General or a plain number format */
	TH_NUM_PERCENT,     /* the first section shows a % */
	TH_NUM_DATE,        /* a date or a date-time: day, month or year codes */
	TH_NUM_TIME,        /* a time of day or a duration: only h, m, s codes ("hh:mm", "[h]:mm") */
	TH_NUM_TEXT,        /* "@": text */
} th_numkind;

/* True for the kinds whose numbers are date serials (TH_NUM_DATE and TH_NUM_TIME). */
static inline bool th_numkind_is_serial(th_numkind k) { return k == TH_NUM_DATE || k == TH_NUM_TIME; }

/* The format code of a built-in number format id, or NULL when the id has none we know. Static. */
const char *th_numfmt_builtin(uint32_t id);

/*
 * The kind of number format id with format code code (NULL: the built-in one, if any).
 * Built-in ids 14-22, 27-36, 45-47, 50-58 and 71-81 are dates or times whatever code is
 * attached; any other id is judged by its code, as Excel and the reference reader do. A
 * date format without day, month-as-date or year codes is a time.
 */
th_numkind th_numfmt_kind(uint32_t id, const char *code);

/*
 * How many decimals a number format shows: "0.00%" 2, "#,##0" 0, "0.0_);(0.0)" 1; -1 for
 * General (and NULL), which shows as many as the number needs.
 */
int th_numfmt_decimals(const char *code);

/*
 * The one reading of an Excel date serial: after rounding to the millisecond, its day and
 * its time of day. day counts from the system's epoch (0 for a time of day alone); y, m, d
 * is that day's date in the 1900 system (base 1899-12-30, Excel's fictitious 1900-02-29
 * kept as serial 60, days before it from 1899-12-31) or the 1904 system (base 1904-01-01).
 * Returns 0, or -1 when serial is negative, not finite, or in year 10000 or later.
 */
typedef struct th_serial {
	int64_t day;
	int64_t y;
	unsigned m, d;
	uint32_t ms; /* milliseconds since midnight */
} th_serial;
int th_serial_split(double serial, bool date1904, th_serial *out);

/*
 * Write serial as ISO 8601 local date-time into out ("2023-09-12T00:00:00", with ".mmm"
 * only when the milliseconds are not zero; a serial in [0, 1) is a time only, "10:10:10"),
 * as th_serial_split reads it. Returns the length, or -1 when serial is not a
 * representable date; out is then "".
 */
#define TH_ISO_MAX sizeof("9999-12-31T23:59:59.999")
int th_serial_to_iso(double serial, bool date1904, char out[TH_ISO_MAX]);

/* Days since 1970-01-01 of a proleptic Gregorian date (negative before 1970). */
int64_t th_days_from_civil(int64_t y, unsigned m, unsigned d);
/* The inverse of th_days_from_civil. */
void th_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d);

#endif
