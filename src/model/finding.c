/*
 * The findings list; see finding.h.
 * SPDX-License-Identifier: MIT
 */
#include "model/finding.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/text.h"
#include "base/banned.h"

/*
 * A copy fit for every writer: valid UTF-8 (when a byte is not, each bad byte becomes
 * U+FFFD and the text is put in NFC) and no control characters (they become spaces), so a
 * finding can go into XML, JSON or a terminal as it is, whatever a cell held. Valid text,
 * nearly all of it, is only copied: a province's merge makes tens of thousands of findings.
 */
static char *clean_dup(const char *s)
{
	size_t n = strlen(s);
	char *r = th_text_valid_utf8(s, n) ? th_xstrdup(s) : th_text_nfc(s, n, NULL);

	if (!r)
		r = th_xstrdup("");
	for (unsigned char *p = (unsigned char *)r; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return r;
}

th_finding *th_findings_add(th_findings *fs, th_severity sev, const char *rule, const th_where *at,
			    const char *written, const char *expected, const char *fmt, ...)
{
	th_finding *f;
	va_list ap;
	int n;

	th_grow((void **)&fs->v, &fs->cap, fs->n + 1, sizeof(*fs->v));
	f = &fs->v[fs->n++];
	memset(f, 0, sizeof(*f));
	f->severity = sev;
	f->rule = th_xstrdup(rule ? rule : "");
	f->form = th_xstrdup(at && at->form ? at->form : "");
	f->code = th_xstrdup(at && at->code ? at->code : "");
	f->sheet = clean_dup(at && at->sheet ? at->sheet : "");
	if (at && at->sheet)
		th_cellref(at->row, at->col, f->cell);
	f->written = clean_dup(written ? written : "");
	f->expected = clean_dup(expected ? expected : "");
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	{
		char *raw = th_xmalloc(n > 0 ? (size_t)n + 1 : 1);
		raw[0] = '\0';
		if (n > 0) {
			va_start(ap, fmt);
			vsnprintf(raw, (size_t)n + 1, fmt, ap);
			va_end(ap);
		}
		f->message = clean_dup(raw);
		free(raw);
	}
	return f;
}

static void finding_free(th_finding *f)
{
	free(f->rule);
	free(f->form);
	free(f->code);
	free(f->sheet);
	free(f->written);
	free(f->expected);
	free(f->message);
}

void th_findings_release(th_findings *fs)
{
	for (size_t i = 0; i < fs->n; i++)
		finding_free(&fs->v[i]);
	free(fs->v);
	fs->v = NULL;
	fs->n = fs->cap = 0;
}


struct rule_count {
	const char *rule;
	size_t n;    /* findings of the rule kept so far */
	size_t left; /* findings of the rule left out */
	th_severity worst; /* the gravest of them */
};

static int rule_count_cmp(const void *a, const void *b)
{
	return strcmp(((const struct rule_count *)a)->rule, ((const struct rule_count *)b)->rule);
}

size_t th_findings_cap(th_findings *fs, size_t per_rule)
{
	struct rule_count *rc;
	size_t nr = 0, kept = 0, dropped = 0;

	if (fs->n <= per_rule)
		return 0;
	/* the rules, sorted by name for lookup; names copied, findings go as they are dropped */
	rc = th_xcalloc(fs->n + 1, sizeof(*rc));
	for (size_t i = 0; i < fs->n; i++)
		rc[i] = (struct rule_count){ fs->v[i].rule, 0, 0, TH_SEV_INFO };
	qsort(rc, fs->n, sizeof(*rc), rule_count_cmp);
	for (size_t i = 0; i < fs->n; i++)
		if (!nr || strcmp(rc[nr - 1].rule, rc[i].rule) != 0)
			rc[nr++] = (struct rule_count){ rc[i].rule, 0, 0, TH_SEV_INFO };
	for (size_t k = 0; k < nr; k++)
		rc[k].rule = th_xstrdup(rc[k].rule);
	for (size_t i = 0; i < fs->n; i++) {
		struct rule_count key = { fs->v[i].rule, 0, 0, TH_SEV_INFO };
		struct rule_count *r = bsearch(&key, rc, nr, sizeof(*rc), rule_count_cmp);
		if (fs->v[i].more) {
			/* an earlier cap's note: folded into the one written below */
			r->left += fs->v[i].more;
			if (fs->v[i].severity > r->worst)
				r->worst = fs->v[i].severity;
			finding_free(&fs->v[i]);
		} else if (r->n++ < per_rule) {
			fs->v[kept++] = fs->v[i];
		} else {
			r->left++;
			dropped++;
			if (fs->v[i].severity > r->worst)
				r->worst = fs->v[i].severity;
			finding_free(&fs->v[i]);
		}
	}
	fs->n = kept;
	for (size_t k = 0; k < nr; k++) {
		th_where w = { "", "", NULL, 0, 0 };
		if (!rc[k].left)
			continue;
		th_findings_add(fs, rc[k].worst, rc[k].rule, &w, NULL, NULL,
				"còn %zu vấn đề '%s' khác trong tệp, không liệt kê hết (chỉ nêu %zu vấn đề đầu)",
				rc[k].left, rc[k].rule, per_rule)->more = rc[k].left;
	}
	for (size_t k = 0; k < nr; k++)
		free((char *)rc[k].rule);
	free(rc);
	return dropped;
}

size_t th_findings_count(const th_findings *fs, th_severity sev)
{
	size_t n = 0;

	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i].severity == sev)
			n += fs->v[i].more ? fs->v[i].more : 1; /* a cap's note stands for what it left out */
	return n;
}

size_t th_findings_count_rule(const th_findings *fs, const char *rule)
{
	size_t n = 0;

	for (size_t i = 0; i < fs->n; i++)
		if (strcmp(fs->v[i].rule, rule) == 0)
			n += fs->v[i].more ? fs->v[i].more : 1;
	return n;
}

const char *th_severity_vi(th_severity s)
{
	return s == TH_SEV_ERROR ? "lỗi" : s == TH_SEV_WARNING ? "cảnh báo" : "thông tin";
}

const char *th_severity_name(th_severity s)
{
	return s == TH_SEV_ERROR ? "error" : s == TH_SEV_WARNING ? "warning" : "info";
}
