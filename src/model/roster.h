/*
 * The roster: the reporting units a receiving office expects returns from (their 5-digit
 * codes, the names they go by), in the order reports list them, loaded from INI. A name
 * written in a return is matched whatever its case, Unicode form, tone placement, legacy
 * encoding (decoded before) and type word ("xã", "thị trấn", "TT", "UBND ...").
 * Ownership: everything is owned by the th_roster.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_ROSTER_H
#define TH_ROSTER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"

typedef struct th_unit {
	char *code;  /* "11248" */
	char *name;  /* "Xã Ngô Quyền" */
	char **keys; /* match keys of the name and aliases, type word removed */
	char **akeys; /* the same without diacritics, a fallback for spelling variants */
	size_t n_keys;
} th_unit;

typedef struct th_roster {
	char *path;
	char *name;   /* "Huyện Thanh Miện" */
	char *parent; /* "Tỉnh Hải Dương" */
	th_unit *units;
	size_t n_units;
} th_roster;

/* Load the roster at path; mistakes are TH_E_CONFIG "PATH:LINE: ...". */
int th_roster_load(th_roster **out, const char *path, th_err *e);
void th_roster_free(th_roster *r);

/* The unit with this code, or NULL. */
const th_unit *th_roster_by_code(const th_roster *r, const char *code);
/*
 * The unit a written name designates ("UBND xã Ngô Quyền", "ỦY BAN NHÂN DÂN XÃ NGÔ QUYỀN",
 * "TT Thanh Miện"), or NULL when none or more than one could be meant.
 */
const th_unit *th_roster_match(const th_roster *r, const char *name);
/* The same; *by_letters is set when only the letters matched, the diacritics did not
 * ("XÃ PHẠM KHÁ" for Phạm Kha). */
const th_unit *th_roster_match_how(const th_roster *r, const char *name, bool *by_letters);

/* The match key of a unit name: th_text_key without "UBND", "ủy ban nhân dân" and the
 * type word ("xã", "phường", "thị trấn", "TT", "đặc khu"); ascii: diacritics removed too. */
char *th_unit_key(const char *name, int ascii);

#endif
