/*
 * HTML escaped by construction: every piece of markup goes through th_html(), whose %h
 * escapes text for an element or a quoted attribute and %u encodes a URL part; plain %s
 * is only for the portal's own literals. One page frame (doctype, lang="vi", the
 * navigation, the style sheet; no inline script, so the CSP forbids it) and one form
 * helper that always carries the CSRF token.
 * Ownership: everything is appended to the caller's th_sbuf.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_HTML_H
#define TH_HTML_H

#include <stdbool.h>
#include <stdint.h>

#include "base/sbuf.h"
#include "serve/store.h"

/*
 * Append to sb as printf would, with these conversions only:
 *   %h   a string escaped for HTML text and quoted attributes (& < > " '); invalid UTF-8
 *        becomes U+FFFD and control characters spaces; NULL is ""
 *   %u   a string percent-encoded for a URL path segment or query value
 *   %s   a string put as it is: only the portal's own literals and markup
 *   %d %ld %lld %zu %%
 * Example: th_html(sb, "<td title=\"%h\">%h</td>", f->message, f->written);
 */
void th_html(th_sbuf *sb, const char *fmt, ...);

/* Escape s into sb (the %h conversion). */
void th_html_escape(th_sbuf *sb, const char *s);

/* What the frame needs to know: the page's title, who is logged in (NULL: nobody), the
 * CSRF token for the logout form, and which navigation entry is current. */
typedef struct th_frame {
	const char *title;
	const th_user *user;
	const char *unit_name; /* the unit's name for a unit account, else NULL */
	const char *csrf;
	const char *nav;       /* "xa", "van-phong", "quan-tri", "" */
} th_frame;

void th_page_begin(th_sbuf *sb, const th_frame *f);
void th_page_end(th_sbuf *sb);

/* <form method="post" action="ACTION" [enctype=multipart]> with the CSRF token inside. */
void th_form_begin(th_sbuf *sb, const char *action, const char *csrf, bool multipart);

/* "12/09/2023 14:05" (local time) into out; "" for 0. */
#define TH_WHEN_MAX 32
void th_when(int64_t t, char out[TH_WHEN_MAX]);

/* The Content-Security-Policy every page is sent with. Static. */
const char *th_html_csp(void);

/* The style sheet and the small script, served under /static/. Static. */
const char *th_html_css(void);
const char *th_html_js(void);

#endif
