/*
 * A growable string buffer. buf is never NULL (TH_SBUF_INIT points at a static ""), errors
 * are sticky: once the hard limit max is passed every append is a no-op and err is set, so
 * a caller checks th_sbuf_err() once at the end instead of after every append.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_SBUF_H
#define TH_SBUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct th_sbuf {
	char *buf;  /* NUL-terminated; owned unless it is the static "" */
	size_t len; /* bytes used, without the NUL */
	size_t cap; /* bytes allocated, 0 while buf is the static "" */
	size_t max; /* hard limit on len, 0 = none */
	int err;    /* set when an append would have passed max */
} th_sbuf;

extern char th_sbuf_empty[1];
#define TH_SBUF_INIT { th_sbuf_empty, 0, 0, 0, 0 }

void th_sbuf_init(th_sbuf *sb, size_t max);
void th_sbuf_release(th_sbuf *sb);
void th_sbuf_reset(th_sbuf *sb); /* empty it, keep the memory, clear err */
void th_sbuf_add(th_sbuf *sb, const void *data, size_t n);
void th_sbuf_addc(th_sbuf *sb, char c);
void th_sbuf_adds(th_sbuf *sb, const char *s);
void th_sbuf_addf(th_sbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline int th_sbuf_err(const th_sbuf *sb) { return sb->err; }
/* Hand the heap string to the caller (always a heap string, even when empty); sb is reset. */
char *th_sbuf_detach(th_sbuf *sb, size_t *len);

#endif
