/*
 * Failure records: formatting th_err messages and naming codes.
 * SPDX-License-Identifier: MIT
 */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int th_fail_at(th_err *e, th_code code, const char *src_file, int src_line, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -1;
	e->code = code;
	e->detail[0] = '\0';
	e->src_file = src_file;
	e->src_line = src_line;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	for (char *p = e->msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	/* a message cut to fit must not end in half a UTF-8 character */
	{
		size_t n = strlen(e->msg), k = n;
		while (k > 0 && ((unsigned char)e->msg[k - 1] & 0xC0) == 0x80)
			k--;
		if (k > 0 && (unsigned char)e->msg[k - 1] >= 0xC0) {
			unsigned char lead = (unsigned char)e->msg[k - 1];
			size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
			if (n - (k - 1) < want)
				e->msg[k - 1] = '\0';
		}
	}
	return -1;
}

const char *th_code_name(th_code code)
{
	switch (code) {
#define TH_ERR(name, num, text) \
	case name: return text;
#include "err_codes.h"
#undef TH_ERR
	}
	return "unknown error";
}

void th_err_clear(th_err *e)
{
	if (!e)
		return;
	memset(e, 0, sizeof(*e));
}
