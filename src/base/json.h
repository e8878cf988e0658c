/*
 * A small streaming JSON writer for tonghop's --json outputs: objects and arrays nest on
 * a stack, commas are placed for the caller, strings are escaped (control characters as
 * \u00XX; UTF-8 passes through). Output is compact and deterministic.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_JSON_H
#define TH_JSON_H

#include <stdbool.h>
#include <stdio.h>

typedef struct th_json {
	FILE *out;
	int depth;
	bool first[64]; /* no member written yet at this depth */
	bool after_key;
} th_json;

void th_json_init(th_json *j, FILE *out);
void th_json_obj(th_json *j);   /* { */
void th_json_end_obj(th_json *j);
void th_json_arr(th_json *j);   /* [ */
void th_json_end_arr(th_json *j);
void th_json_key(th_json *j, const char *key);
void th_json_str(th_json *j, const char *s); /* NULL writes null */
void th_json_num(th_json *j, double v);      /* non-finite writes null */
void th_json_int(th_json *j, long long v);
void th_json_bool(th_json *j, bool v);
void th_json_null(th_json *j);
/* key + value shorthands */
void th_json_kstr(th_json *j, const char *key, const char *s);
void th_json_knum(th_json *j, const char *key, double v);
void th_json_kint(th_json *j, const char *key, long long v);

#endif
