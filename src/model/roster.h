/*
 * The roster: the reporting units a receiving office expects returns from (their 5-digit
 * codes, the names they go by), in the order reports list them, loaded from INI. A name
 * written in a return is matched whatever its case, Unicode form, tone placement, legacy
 * encoding (decoded before) and type word ("xã", "thị trấn", "TT", "UBND ...").
 * A roster says from when to when it holds (valid_from / valid_to): since 1/7/2025 a code
 * names other territory than before. Each unit has a type (xã, phường, đặc khu, thị trấn)
 * and, in a roster of several provinces (the ministry's 3,321 units), its province; a name
 * only has to be unique within its province.
 * Ownership: everything is owned by the th_roster.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_ROSTER_H
#define TH_ROSTER_H

#include <stdbool.h>
#include <stddef.h>

#include "base/err.h"
#include "model/validity.h"

/* The kind of a commune-level unit. */
typedef enum th_unit_type {
	TH_UNIT_OTHER,    /* not said, and the name does not tell */
	TH_UNIT_XA,       /* xã */
	TH_UNIT_PHUONG,   /* phường */
	TH_UNIT_DAC_KHU,  /* đặc khu (since 1/7/2025: island units, e.g. Cát Hải, Bạch Long Vĩ) */
	TH_UNIT_THI_TRAN, /* thị trấn (until 30/6/2025) */
} th_unit_type;

typedef struct th_unit {
	char *code;  /* "11248" */
	char *name;  /* "Xã Ngô Quyền" */
	th_unit_type type;
	const char *province; /* "Thành phố Hải Phòng"; "" when not said. Owned by the roster
			       * (one string per province, in r->provinces) */
	char **keys; /* match keys of the name and aliases, type word removed */
	char **akeys; /* the same without diacritics, a fallback for spelling variants */
	size_t n_keys;
} th_unit;

struct th_roster_key; /* the sorted name index, private to roster.c */

typedef struct th_roster {
	char *path;
	char *name;   /* "Thành phố Hải Phòng", "Huyện Thanh Miện" */
	char *parent; /* "Tỉnh Hải Dương"; "" when not said */
	char *code;   /* the roster's own code ("31", "300"); "" when not said */
	th_validity valid;
	th_unit *units;
	size_t n_units;
	char **provinces; /* the provinces of the units, in order of first appearance */
	size_t n_provinces;
	size_t n_of_type[TH_UNIT_THI_TRAN + 1]; /* how many units of each type */
	/* private: indexes for lookups by code and by name */
	size_t *by_code;
	struct th_roster_key *index, *aindex;
	size_t n_index;
} th_roster;

/*
 * Load the roster at path; mistakes are TH_E_CONFIG "PATH:LINE: ...": a section that is not
 * a numeric code, a unit without a name, a type that is none of xã, phường, đặc khu,
 * thị trấn, a date that is not one, two units of one province that one name designates.
 * A unit's province is its own `province` key, else the [roster] section's.
 */
int th_roster_load(th_roster **out, const char *path, th_err *e);
void th_roster_free(th_roster *r);

/* The name of a type: "xã", "phường", "đặc khu", "thị trấn"; "" for TH_UNIT_OTHER. Static. */
const char *th_unit_type_name(th_unit_type t);

/* The unit with this code, or NULL (a binary search: a national roster has 3,321 units). */
const th_unit *th_roster_by_code(const th_roster *r, const char *code);
/*
 * The unit a written name designates ("UBND xã Ngô Quyền", "ỦY BAN NHÂN DÂN XÃ NGÔ QUYỀN",
 * "TT Thanh Miện", "Phường Thuỷ Nguyên" for Phường Thủy Nguyên), or NULL when none or more
 * than one could be meant (a name several provinces use, in a national roster). A name
 * written with a type the roster has no unit of designates none: since 1/7/2025 there is no
 * thị trấn, and "thị trấn Thanh Miện" is not Xã Thanh Miện (which took only part of it).
 */
const th_unit *th_roster_match(const th_roster *r, const char *name);
/* The same; *by_letters is set when only the letters matched, the diacritics did not
 * ("XÃ PHẠM KHÁ" for Phạm Kha). */
const th_unit *th_roster_match_how(const th_roster *r, const char *name, bool *by_letters);

/* The match key of a unit name: th_text_key without "UBND", "ủy ban nhân dân" and the
 * type word ("xã", "phường", "thị trấn", "TT", "đặc khu"); ascii: diacritics removed too. */
char *th_unit_key(const char *name, int ascii);

#endif
