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
	e->src_file = src_file;
	e->src_line = src_line;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	for (char *p = e->msg; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
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
