/*
 * Checked allocation; see mem.h.
 * SPDX-License-Identifier: MIT
 */
#include "base/mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

static void oom(void)
{
	fputs("tonghop: hết bộ nhớ (out of memory)\n", stderr);
	abort();
}

void *th_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom();
	return p;
}

void *th_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		oom();
	return p;
}

void *th_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom();
	return q;
}

char *th_xstrndup(const char *s, size_t n)
{
	char *p = th_xmalloc(th_size_add(n, 1));
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *th_xstrdup(const char *s)
{
	return th_xstrndup(s, strlen(s));
}

size_t th_size_add(size_t a, size_t b)
{
	if (a > (size_t)-1 - b) {
		fputs("tonghop: size overflow\n", stderr);
		abort();
	}
	return a + b;
}

size_t th_size_mul(size_t a, size_t b)
{
	if (a && b > (size_t)-1 / a) {
		fputs("tonghop: size overflow\n", stderr);
		abort();
	}
	return a * b;
}

void th_grow(void **pp, size_t *cap, size_t need, size_t elem)
{
	size_t n;

	if (need <= *cap)
		return;
	n = *cap ? *cap : 8;
	while (n < need)
		n = th_size_mul(n, 2);
	*pp = th_xrealloc(*pp, th_size_mul(n, elem));
	*cap = n;
}
