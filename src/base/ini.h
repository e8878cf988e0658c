/*
 * INI files as tonghop reads them: iniparser gives the values; a scan of our own gives
 * what iniparser cannot, the line of every section and key (so a mistake is reported as
 * FILE:LINE with the line echoed), the keys in file order with their case, and the errors
 * iniparser lets pass (a duplicate section or key, a line that is neither).
 * Ownership: strings returned are owned by the th_ini and live until th_ini_free().
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_INI_H
#define TH_INI_H

#include <stddef.h>
#include <stdint.h>

#include "base/err.h"

typedef struct th_ini th_ini;

/*
 * Load path. On a syntax error, a duplicate section or a duplicate key in one section,
 * returns -1 with e set to TH_E_CONFIG: "PATH:LINE: what is wrong", detail ">>> the line".
 * A file that cannot be opened is TH_E_CONFIG too (it is configuration, not an input).
 */
int th_ini_load(th_ini **out, const char *path, th_err *e);
void th_ini_free(th_ini *ini);

/* Sections in file order, with their case as written. */
size_t th_ini_nsections(const th_ini *ini);
const char *th_ini_section(const th_ini *ini, size_t i);
/* Whether section exists (case-insensitive). */
int th_ini_has_section(const th_ini *ini, const char *section);

/* Keys of section in file order, as written (case kept); 0 when the section is absent. */
size_t th_ini_nkeys(const th_ini *ini, const char *section);
const char *th_ini_key(const th_ini *ini, const char *section, size_t i);

/* The value of section/key (names case-insensitive; quotes removed), or NULL when absent. */
const char *th_ini_get(const th_ini *ini, const char *section, const char *key);

/* The 1-based line of section/key (key NULL: of the [section] line), 0 when unknown. */
uint32_t th_ini_line(const th_ini *ini, const char *section, const char *key);

/*
 * Record a configuration failure about section/key (key may be NULL) in e: the message is
 * "PATH:LINE: " + fmt, the detail ">>> " + the line as written. Returns -1.
 */
int th_ini_fail(const th_ini *ini, th_err *e, const char *section, const char *key,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
