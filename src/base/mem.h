/*
 * Allocation that never returns NULL: on exhaustion it aborts, as there is nothing useful
 * a spreadsheet tool can do without memory. Size arithmetic on untrusted numbers goes
 * through th_size_add/th_size_mul, which abort on overflow instead of wrapping. The
 * library prints nothing: the program installs a hook (th_mem_on_fatal) that says why
 * before the abort.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_MEM_H
#define TH_MEM_H

#include <stddef.h>

void *th_xmalloc(size_t n);
void *th_xcalloc(size_t n, size_t size);
void *th_xrealloc(void *p, size_t n);
char *th_xstrdup(const char *s);
char *th_xstrndup(const char *s, size_t n);

/* a + b and a * b, aborting on overflow */
size_t th_size_add(size_t a, size_t b);
size_t th_size_mul(size_t a, size_t b);

/* Called with the reason ("hết bộ nhớ (out of memory)", "size overflow") just before an
 * abort; fn may print it. NULL (the default): abort silently. */
typedef void (*th_fatal_fn)(const char *what);
void th_mem_on_fatal(th_fatal_fn fn);

/* Out of memory where an allocator other than th_x* failed (libxlsxwriter's): the hook, then abort. */
_Noreturn void th_oom(void);

/* Grow *pp (an array of *cap elements of size elem) so that it holds at least need. */
void th_grow(void **pp, size_t *cap, size_t need, size_t elem);

#endif
