/*
 * The JSON writer; see json.h.
 * SPDX-License-Identifier: MIT
 */
#include "base/json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "base/text.h"
#include "base/banned.h"

void th_json_init(th_json *j, FILE *out)
{
	j->out = out;
	j->depth = 0;
	j->first[0] = true;
	j->after_key = false;
}

/* Before a value: a comma unless it is the first of its container or follows a key. */
static void sep(th_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (!j->first[j->depth])
		putc(',', j->out);
	j->first[j->depth] = false;
}

static void json_open(th_json *j, char c)
{
	sep(j);
	putc(c, j->out);
	if (j->depth < 63)
		j->depth++;
	j->first[j->depth] = true;
}

static void json_close(th_json *j, char c)
{
	if (j->depth > 0)
		j->depth--;
	putc(c, j->out);
}

void th_json_obj(th_json *j) { json_open(j, '{'); }
void th_json_end_obj(th_json *j) { json_close(j, '}'); }
void th_json_arr(th_json *j) { json_open(j, '['); }
void th_json_end_arr(th_json *j) { json_close(j, ']'); }

static void put_string(FILE *out, const char *s)
{
	char *fixed = NULL;

	/* a file name need not be UTF-8; JSON must be: each bad byte becomes U+FFFD */
	if (!th_text_valid_utf8(s, strlen(s)))
		s = fixed = th_text_nfc(s, strlen(s), NULL);
	putc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (c < 0x20 || c == 0x7f)
				fprintf(out, "\\u%04x", c);
			else
				putc(c, out);
		}
	}
	putc('"', out);
	free(fixed);
}

void th_json_key(th_json *j, const char *key)
{
	sep(j);
	put_string(j->out, key);
	putc(':', j->out);
	j->after_key = true;
}

void th_json_str(th_json *j, const char *s)
{
	sep(j);
	if (s)
		put_string(j->out, s);
	else
		fputs("null", j->out);
}

void th_json_num(th_json *j, double v)
{
	sep(j);
	if (!isfinite(v))
		fputs("null", j->out);
	else if (v == floor(v) && fabs(v) < 1e15)
		fprintf(j->out, "%.0f", v);
	else
		fprintf(j->out, "%.15g", v);
}

void th_json_int(th_json *j, long long v)
{
	sep(j);
	fprintf(j->out, "%lld", v);
}

void th_json_bool(th_json *j, bool v)
{
	sep(j);
	fputs(v ? "true" : "false", j->out);
}

void th_json_null(th_json *j)
{
	sep(j);
	fputs("null", j->out);
}

void th_json_kstr(th_json *j, const char *key, const char *s)
{
	th_json_key(j, key);
	th_json_str(j, s);
}

void th_json_knum(th_json *j, const char *key, double v)
{
	th_json_key(j, key);
	th_json_num(j, v);
}

void th_json_kint(th_json *j, const char *key, long long v)
{
	th_json_key(j, key);
	th_json_int(j, v);
}
