/*
 * Growable string buffer; see sbuf.h.
 * SPDX-License-Identifier: MIT
 */
#include "base/sbuf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/banned.h"

char th_sbuf_empty[1];

void th_sbuf_init(th_sbuf *sb, size_t max)
{
	sb->buf = th_sbuf_empty;
	sb->len = sb->cap = 0;
	sb->max = max;
	sb->err = 0;
}

void th_sbuf_release(th_sbuf *sb)
{
	if (sb->cap)
		free(sb->buf);
	th_sbuf_init(sb, sb->max);
}

void th_sbuf_reset(th_sbuf *sb)
{
	sb->len = 0;
	sb->err = 0;
	if (sb->cap)
		sb->buf[0] = '\0';
}

static int reserve(th_sbuf *sb, size_t n)
{
	size_t need;

	if (sb->err)
		return -1;
	need = th_size_add(sb->len, n);
	if (sb->max && need > sb->max) {
		sb->err = 1;
		return -1;
	}
	need = th_size_add(need, 1);
	if (need > sb->cap) {
		size_t cap = sb->cap ? sb->cap : 64;
		while (cap < need)
			cap = th_size_mul(cap, 2);
		sb->buf = th_xrealloc(sb->cap ? sb->buf : NULL, cap);
		if (!sb->cap)
			sb->buf[0] = '\0';
		sb->cap = cap;
	}
	return 0;
}

void th_sbuf_add(th_sbuf *sb, const void *data, size_t n)
{
	if (reserve(sb, n))
		return;
	memcpy(sb->buf + sb->len, data, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void th_sbuf_addc(th_sbuf *sb, char c)
{
	th_sbuf_add(sb, &c, 1);
}

void th_sbuf_adds(th_sbuf *sb, const char *s)
{
	th_sbuf_add(sb, s, strlen(s));
}

void th_sbuf_addf(th_sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || reserve(sb, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

char *th_sbuf_detach(th_sbuf *sb, size_t *len)
{
	char *s;

	if (len)
		*len = sb->len;
	s = sb->cap ? sb->buf : th_xstrdup("");
	th_sbuf_init(sb, sb->max);
	return s;
}
