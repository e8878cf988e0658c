/*
 * Checked allocation; see mem.h.
 * SPDX-License-Identifier: MIT
 */
#include "base/mem.h"

#include <stdlib.h>
#include <string.h>

#include "base/banned.h"

static th_fatal_fn fatal_hook;

void th_mem_on_fatal(th_fatal_fn fn)
{
	fatal_hook = fn;
}

static _Noreturn void fatal(const char *what)
{
	if (fatal_hook)
		fatal_hook(what);
	abort();
}

void th_oom(void)
{
	fatal("hết bộ nhớ (out of memory)");
}


void *th_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		th_oom();
	return p;
}

void *th_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		th_oom();
	return p;
}

void *th_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		th_oom();
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
	if (a > (size_t)-1 - b)
		fatal("size overflow");
	return a + b;
}

size_t th_size_mul(size_t a, size_t b)
{
	if (a && b > (size_t)-1 / a)
		fatal("size overflow");
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
