/*
 * The HTML writer and the page frame; see html.h.
 * SPDX-License-Identifier: MIT
 */
#include "serve/html.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "base/banned.h"

/* The length of the UTF-8 sequence at s (1-4), 0 when it is not a valid one. */
static size_t utf8_len(const unsigned char *s)
{
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xC2 && s[0] <= 0xDF)
		return (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (s[0] >= 0xE0 && s[0] <= 0xEF) {
		if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80)
			return 0;
		if ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0))
			return 0;
		return 3;
	}
	if (s[0] >= 0xF0 && s[0] <= 0xF4) {
		if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
			return 0;
		if ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90))
			return 0;
		return 4;
	}
	return 0;
}

void th_html_escape(th_sbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	while (*p) {
		size_t n;
		switch (*p) {
		case '&': th_sbuf_adds(sb, "&amp;"); p++; continue;
		case '<': th_sbuf_adds(sb, "&lt;"); p++; continue;
		case '>': th_sbuf_adds(sb, "&gt;"); p++; continue;
		case '"': th_sbuf_adds(sb, "&quot;"); p++; continue;
		case '\'': th_sbuf_adds(sb, "&#39;"); p++; continue;
		default: break;
		}
		if (*p < 0x20 || *p == 0x7f) {
			th_sbuf_addc(sb, ' ');
			p++;
			continue;
		}
		n = utf8_len(p);
		if (!n) {
			th_sbuf_adds(sb, "\xEF\xBF\xBD");
			p++;
			continue;
		}
		th_sbuf_add(sb, p, n);
		p += n;
	}
}

static void url_encode(th_sbuf *sb, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '-' ||
		    *p == '_' || *p == '.' || *p == '~') {
			th_sbuf_addc(sb, (char)*p);
		} else {
			th_sbuf_addc(sb, '%');
			th_sbuf_addc(sb, hex[*p >> 4]);
			th_sbuf_addc(sb, hex[*p & 15]);
		}
	}
}

void th_html(th_sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	const char *p = fmt;

	va_start(ap, fmt);
	while (*p) {
		const char *pct = strchr(p, '%');
		int lng = 0;
		bool size = false;
		char num[32];

		if (!pct) {
			th_sbuf_adds(sb, p);
			break;
		}
		th_sbuf_add(sb, p, (size_t)(pct - p));
		p = pct + 1;
		while (*p == 'l') {
			lng++;
			p++;
		}
		if (*p == 'z') {
			size = true;
			p++;
		}
		if (size) {
			/* %zu: the only size conversion */
			if (*p == 'u') {
				snprintf(num, sizeof(num), "%zu", va_arg(ap, size_t));
				th_sbuf_adds(sb, num);
			} else {
				th_sbuf_adds(sb, "%?");
			}
			if (*p)
				p++;
			continue;
		}
		switch (*p) {
		case 'h': th_html_escape(sb, va_arg(ap, const char *)); break;
		case 'u': url_encode(sb, va_arg(ap, const char *)); break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			th_sbuf_adds(sb, s ? s : "");
			break;
		}
		case 'd':
			if (lng >= 2)
				snprintf(num, sizeof(num), "%lld", va_arg(ap, long long));
			else if (lng == 1)
				snprintf(num, sizeof(num), "%ld", va_arg(ap, long));
			else
				snprintf(num, sizeof(num), "%d", va_arg(ap, int));
			th_sbuf_adds(sb, num);
			break;
		case '%': th_sbuf_addc(sb, '%'); break;
		default:
			/* an unknown conversion is a bug in our own literal: show it, never guess */
			th_sbuf_adds(sb, "%?");
			break;
		}
		if (*p)
			p++;
	}
	va_end(ap);
}

void th_when(int64_t t, char out[TH_WHEN_MAX])
{
	struct tm tm;
	time_t tt = (time_t)t;

	if (!t || !localtime_r(&tt, &tm)) {
		out[0] = '\0';
		return;
	}
	strftime(out, TH_WHEN_MAX, "%d/%m/%Y %H:%M", &tm);
}

const char *th_html_csp(void)
{
	return "default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; form-action 'self'; "
	       "frame-ancestors 'none'; base-uri 'none'";
}

void th_page_begin(th_sbuf *sb, const th_frame *f)
{
	th_html(sb,
		"<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		"<title>%h — Báo cáo CCHC</title>\n"
		"<link rel=\"stylesheet\" href=\"/static/style.css\">\n"
		"<script src=\"/static/app.js\" defer></script>\n</head>\n<body>\n<header class=\"top\">\n"
		"<a class=\"brand\" href=\"/\">Báo cáo cải cách hành chính</a>\n",
		f->title);
	if (f->user) {
		th_html(sb, "<nav>");
		if (f->user->role == TH_ROLE_UNIT)
			th_html(sb, "<a href=\"/xa\"%s>Báo cáo của xã</a>", strcmp(f->nav, "xa") == 0 ? " class=\"on\"" : "");
		if (f->user->role != TH_ROLE_UNIT) {
			th_html(sb, "<a href=\"/van-phong\"%s>Các kỳ báo cáo</a>",
				strcmp(f->nav, "van-phong") == 0 ? " class=\"on\"" : "");
			th_html(sb, "<a href=\"/van-phong/nhat-ky\"%s>Nhật ký</a>",
				strcmp(f->nav, "nhat-ky") == 0 ? " class=\"on\"" : "");
		}
		if (f->user->role == TH_ROLE_ADMIN)
			th_html(sb, "<a href=\"/quan-tri\"%s>Quản trị</a>",
				strcmp(f->nav, "quan-tri") == 0 ? " class=\"on\"" : "");
		th_html(sb, "</nav>\n<div class=\"who\"><span>%h%s%h</span> ", f->user->name, f->unit_name ? " — " : "",
			f->unit_name ? f->unit_name : "");
		th_html(sb, "<a href=\"/mat-khau\">Đổi mật khẩu</a> ");
		th_form_begin(sb, "/dang-xuat", f->csrf, false);
		th_html(sb, "<button type=\"submit\" class=\"link\">Đăng xuất</button></form></div>\n");
	}
	th_html(sb, "</header>\n<main>\n");
}

void th_page_end(th_sbuf *sb)
{
	th_html(sb, "</main>\n<footer>tonghop — cổng nhận báo cáo</footer>\n</body>\n</html>\n");
}

void th_form_begin(th_sbuf *sb, const char *action, const char *csrf, bool multipart)
{
	th_html(sb, "<form method=\"post\" action=\"%h\"%s>", action,
		multipart ? " enctype=\"multipart/form-data\"" : "");
	if (csrf && csrf[0])
		th_html(sb, "<input type=\"hidden\" name=\"csrf\" value=\"%h\">", csrf);
}

const char *th_html_css(void)
{
	return "body{font-family:Arial,'Segoe UI',sans-serif;font-size:15px;margin:0;color:#222;background:#fff}\n"
	       "header.top{background:#8b1a1a;color:#fff;padding:8px 16px;display:flex;flex-wrap:wrap;"
	       "align-items:center;gap:16px}\n"
	       "header.top a{color:#fff}\n.brand{font-weight:bold;font-size:17px;text-decoration:none}\n"
	       "nav a{margin-right:12px}\nnav a.on{font-weight:bold;text-decoration:none;border-bottom:2px solid #fff}\n"
	       ".who{margin-left:auto}\n.who form{display:inline}\n"
	       "button.link{background:none;border:none;color:#fff;text-decoration:underline;cursor:pointer;font:inherit;"
	       "padding:0}\n"
	       "main{padding:12px 16px;max-width:1200px}\nh1{font-size:22px;margin:8px 0 12px}\n"
	       "h2{font-size:18px;margin:20px 0 8px;border-bottom:1px solid #ccc}\n"
	       "table{border-collapse:collapse;margin:8px 0;width:100%}\n"
	       "th,td{border:1px solid #bbb;padding:4px 6px;text-align:left;vertical-align:top}\n"
	       "th{background:#f0ebe0;white-space:nowrap}\ntd.num,td.when,td.cell{white-space:nowrap}\ntd.num{text-align:right}\n"
	       ".err{color:#a00000;font-weight:bold}\n.warn{color:#8a5a00;font-weight:bold}\n.info{color:#225}\n"
	       "tr.sev-error td{background:#fde8e8}\ntr.sev-warning td{background:#fff4dc}\n"
	       ".state{display:inline-block;padding:1px 6px;border-radius:3px;font-size:13px;white-space:nowrap}\n"
	       ".st-submitted{background:#e3ecfa}\n.st-accepted{background:#d9f2d9}\n.st-returned{background:#fbd9d9}\n"
	       ".st-missing{background:#eee;color:#555}\n"
	       ".box{border:1px solid #ccc;background:#fafafa;padding:10px 12px;margin:10px 0}\n"
	       ".msg{border-left:4px solid #2a6;background:#eef9f0;padding:8px 12px;margin:10px 0}\n"
	       ".bad{border-left:4px solid #a00;background:#fdeeee;padding:8px 12px;margin:10px 0}\n"
	       "label{display:block;margin:6px 0 2px}\n"
	       "input[type=text],input[type=password],select,textarea{font:inherit;padding:3px;max-width:100%}\n"
	       "textarea{width:100%;min-height:60px}\n"
	       "button{font:inherit;padding:4px 12px;margin:6px 6px 0 0;cursor:pointer}\n"
	       "button.primary{background:#8b1a1a;color:#fff;border:1px solid #6a1010}\n"
	       ".filters a{margin-right:10px}\n.filters a.on{font-weight:bold}\n"
	       "code{background:#f3f3f3;padding:0 3px}\n.otp{font-size:20px;font-family:monospace}\n"
	       "footer{color:#777;font-size:12px;padding:16px}\n"
	       "@media print{header.top,footer,form,.noprint{display:none}main{max-width:none}}\n";
}

const char *th_html_js(void)
{
	/* the one script: ask before a review or a submission is sent, and keep a button from
	 * being pressed twice while a file uploads; pages work without it */
	return "document.addEventListener('submit', function (ev) {\n"
	       "  var f = ev.target, q = f.getAttribute('data-confirm');\n"
	       "  if (q && !window.confirm(q)) { ev.preventDefault(); return; }\n"
	       "  setTimeout(function () {\n"
	       "    var b = f.querySelectorAll('button');\n"
	       "    for (var i = 0; i < b.length; i++) b[i].disabled = true;\n"
	       "  }, 0);\n"
	       "});\n";
}
