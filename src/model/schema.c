/*
 * Loading the form schema; see schema.h and schemas/README.md.
 * SPDX-License-Identifier: MIT
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "model/schema.h"

#include <ctype.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/ini.h"
#include "base/mem.h"
#include "base/sbuf.h"
#include "base/text.h"
#include "base/banned.h"

static const char *const hpat_keys[TH_HPAT_COUNT] = {
	[TH_HPAT_UNIT] = "unit",
	[TH_HPAT_UNIT_CODE] = "unit_code",
	[TH_HPAT_PERIOD_QUARTER] = "period_quarter",
	[TH_HPAT_PERIOD_H1] = "period_h1",
	[TH_HPAT_PERIOD_H2] = "period_h2",
	[TH_HPAT_PERIOD_NINE] = "period_nine",
	[TH_HPAT_PERIOD_MONTH] = "period_month",
	[TH_HPAT_PERIOD_YEAR] = "period_year",
	[TH_HPAT_WINDOW] = "window",
	[TH_HPAT_REPORT_DATE] = "report_date",
};

const char *th_hpat_key(enum th_hpat p)
{
	return (unsigned)p < TH_HPAT_COUNT ? hpat_keys[p] : "";
}

static char *dup_trim(const char *s, size_t n)
{
	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	return th_xstrndup(s, n);
}

static char *key_of(const char *s)
{
	return th_text_key(s, strlen(s));
}

/* A row code is numbers separated by dots: "1", "6.7.2". */
static bool valid_code(const char *c)
{
	if (!isdigit((unsigned char)*c))
		return false;
	for (; *c; c++) {
		if (*c == '.' && !isdigit((unsigned char)c[1]))
			return false;
		if (*c != '.' && !isdigit((unsigned char)*c))
			return false;
	}
	return true;
}

/* Resolve a path named in the schema against the schema file's folder. */
static char *beside(const char *schema_path, const char *name)
{
	th_sbuf sb = TH_SBUF_INIT;
	const char *slash = strrchr(schema_path, '/');

	if (name[0] != '/' && slash)
		th_sbuf_add(&sb, schema_path, (size_t)(slash - schema_path + 1));
	th_sbuf_adds(&sb, name);
	return th_sbuf_detach(&sb, NULL);
}

/* The files of a blank-separated list, each resolved beside the schema; their count. */
static size_t path_list(const char *schema_path, const char *list, char ***out)
{
	size_t n = 0, cap = 0;

	*out = NULL;
	for (const char *p = list ? list : ""; *p;) {
		size_t len;
		char *name;

		p += strspn(p, " \t");
		len = strcspn(p, " \t");
		if (!len)
			break;
		name = th_xstrndup(p, len);
		th_grow((void **)out, &cap, n + 1, sizeof(**out));
		(*out)[n++] = beside(schema_path, name);
		free(name);
		p += len;
	}
	return n;
}

/*
 * Parse a legend: "Có = 1; Không = 0", or the options on one line without separators,
 * "Trực tuyến = 0 Phát phiếu = 1 Kết hợp = 2". Each option is the text before an '='
 * (after the previous option's number and any ';' or ',') and the number after it.
 */
static size_t parse_legend(const char *s, th_option **out)
{
	th_option *v = NULL;
	size_t n = 0, cap = 0;
	const char *start = s;

	for (const char *eq = strchr(s, '='); eq; eq = strchr(start, '=')) {
		const char *p = eq + 1, *t = start;
		long code;
		char *end;

		while (*t == ';' || *t == ',' || isspace((unsigned char)*t))
			t++;
		while (isspace((unsigned char)*p))
			p++;
		code = strtol(p, &end, 10);
		if (end == p || code < 0 || code > 1000)
			break;
		th_grow((void **)&v, &cap, n + 1, sizeof(*v));
		v[n].text = dup_trim(t, (size_t)(eq - t));
		v[n].key = key_of(v[n].text);
		v[n].code = (int)code;
		n++;
		start = end;
	}
	*out = v;
	return n;
}

static int parse_kind(const char *s, th_rowkind *k)
{
	static const struct { const char *name; th_rowkind kind; } kinds[] = {
		{ "count", TH_ROW_COUNT }, { "percent", TH_ROW_PERCENT }, { "money", TH_ROW_MONEY },
		{ "coded", TH_ROW_CODED }, { "group", TH_ROW_GROUP },
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcasecmp(s, kinds[i].name) == 0) {
			*k = kinds[i].kind;
			return 0;
		}
	return -1;
}

static const char *const fill_names[] = {
	[TH_FILL_OPTIONAL] = "optional", [TH_FILL_REQUIRED] = "required", [TH_FILL_GROUP] = "group",
};

const char *th_fill_name(th_fill f)
{
	return (unsigned)f < sizeof(fill_names) / sizeof(fill_names[0]) ? fill_names[f] : "";
}

static int parse_fill(const char *s, th_fill *f)
{
	for (size_t i = 0; i < sizeof(fill_names) / sizeof(fill_names[0]); i++)
		if (strcasecmp(s, fill_names[i]) == 0) {
			*f = (th_fill)i;
			return 0;
		}
	return -1;
}

/*
 * The KIND field, "count" or "count optional": the kind, then whether the row must be
 * filled (else the form's default dflt for a value row, group for a heading).
 */
static int kind_fill(const th_ini *ini, const char *sec, const char *code, const char *field, th_fill dflt,
		     th_rowdef *r, th_err *e)
{
	size_t n = strcspn(field, " \t");
	const char *rest = field + n + strspn(field + n, " \t");
	char *kind = th_xstrndup(field, n);
	int bad = parse_kind(kind, &r->kind);

	free(kind);
	if (bad)
		return th_ini_fail(ini, e, sec, code,
				   "loại '%.*s' không có: dùng count, percent, money, coded hoặc group", (int)n, field);
	r->fill = r->kind == TH_ROW_GROUP ? TH_FILL_GROUP : dflt;
	if (*rest && (strpbrk(rest, " \t") || parse_fill(rest, &r->fill)))
		return th_ini_fail(ini, e, sec, code,
				   "sau loại '%.*s' chỉ ghi được required, optional hoặc group, không phải '%s'", (int)n,
				   field, rest);
	return 0;
}

/* Split "KIND | AGG | UNIT | LABEL" (the label may itself hold '|'). */
static int split_row(const char *v, char *field[4])
{
	const char *p = v;

	for (int i = 0; i < 3; i++) {
		const char *bar = strchr(p, '|');
		if (!bar)
			return -1;
		field[i] = dup_trim(p, (size_t)(bar - p));
		p = bar + 1;
	}
	field[3] = dup_trim(p, strlen(p));
	return 0;
}

static int load_row(const th_ini *ini, const char *sec, const char *code, th_fill dflt, th_rowdef *r,
		    th_err *e, char **ratio_num, char **ratio_den)
{
	const char *v = th_ini_get(ini, sec, code);
	char *f[4] = { 0 };
	int rc = -1;

	memset(r, 0, sizeof(*r));
	r->num = r->den = -1;
	r->line = th_ini_line(ini, sec, code);
	r->code = th_xstrdup(code);
	if (!valid_code(code)) {
		th_ini_fail(ini, e, sec, code, "mã dòng '%s' không hợp lệ: chỉ gồm số và dấu chấm, như 6.7.2",
			    code);
		goto out;
	}
	if (!v || split_row(v, f)) {
		th_ini_fail(ini, e, sec, code,
			    "dòng %s của %s cần dạng \"LOẠI | CÁCH TỔNG HỢP | ĐƠN VỊ TÍNH | CHỈ TIÊU\"",
			    code, sec);
		goto out;
	}
	if (kind_fill(ini, sec, code, f[0], dflt, r, e))
		goto out;
	if (strcasecmp(f[1], "sum") == 0) {
		r->agg = TH_AGG_SUM;
	} else if (strcasecmp(f[1], "none") == 0) {
		r->agg = TH_AGG_NONE;
	} else if (strcasecmp(f[1], "tally") == 0) {
		r->agg = TH_AGG_TALLY;
	} else if (strcasecmp(f[1], "catalogue") == 0) {
		r->agg = TH_AGG_CATALOGUE;
	} else if (strncasecmp(f[1], "ratio", 5) == 0 && isspace((unsigned char)f[1][5])) {
		const char *slash = strchr(f[1], '/');
		r->agg = TH_AGG_RATIO;
		if (slash) {
			*ratio_num = dup_trim(f[1] + 6, (size_t)(slash - f[1] - 6));
			*ratio_den = dup_trim(slash + 1, strlen(slash + 1));
		}
		if (!slash || !valid_code(*ratio_num) || !valid_code(*ratio_den)) {
			th_ini_fail(ini, e, sec, code, "cách tổng hợp '%s' cần dạng 'ratio TỬ / MẪU', như ratio 6.7.2 / 6.7.1",
				    f[1]);
			goto out;
		}
	} else {
		th_ini_fail(ini, e, sec, code,
			    "cách tổng hợp '%s' không có: dùng sum, ratio A / B, tally, catalogue hoặc none", f[1]);
		goto out;
	}
	if (r->agg == TH_AGG_TALLY && r->kind != TH_ROW_CODED) {
		th_ini_fail(ini, e, sec, code, "chỉ dòng loại coded mới tổng hợp bằng tally");
		goto out;
	}
	if (r->agg == TH_AGG_SUM && (r->kind == TH_ROW_PERCENT || r->kind == TH_ROW_CODED)) {
		th_ini_fail(ini, e, sec, code,
			    "không cộng dồn được dòng loại %s: dùng ratio A / B, tally hoặc none", f[0]);
		goto out;
	}
	r->unit = f[2];
	r->label = f[3];
	f[2] = f[3] = NULL;
	r->unit_key = key_of(r->unit);
	r->label_key = key_of(r->label);
	r->unit_cmp = th_text_key_alnum(r->unit, strlen(r->unit));
	r->label_cmp = th_text_key_alnum(r->label, strlen(r->label));
	if (r->kind == TH_ROW_CODED) {
		r->n_options = parse_legend(r->unit, &r->options);
		if (r->n_options < 2) {
			th_ini_fail(ini, e, sec, code,
				    "dòng loại coded cần chú giải có ít nhất hai lựa chọn ở cột đơn vị, "
				    "như \"Có = 1; Không = 0\"");
			goto out;
		}
	}
	rc = 0;
out:
	for (int i = 0; i < 4; i++)
		free(f[i]);
	return rc;
}

static void free_form(th_formdef *f)
{
	for (size_t i = 0; i < f->n_rows; i++) {
		th_rowdef *r = &f->rows[i];
		free(r->code);
		free(r->label);
		free(r->unit);
		free(r->label_key);
		free(r->unit_key);
		free(r->label_cmp);
		free(r->unit_cmp);
		for (size_t k = 0; k < r->n_options; k++) {
			free(r->options[k].text);
			free(r->options[k].key);
		}
		free(r->options);
	}
	free(f->rows);
	free(f->id);
	free(f->title);
	free(f->name);
}

/*
 * A ratio that refers to itself, directly (2 = ratio 2 / 2.1) or through other ratios
 * (2 = ratio 2.2 / 2.1, 2.2 = ratio 2 / 2.3), can be neither computed nor written as a
 * formula. Depth-first search over the ratio edges, colouring rows (0 new, 1 on the path,
 * 2 done); the path is said from the row where the cycle closes.
 */
static int cycle_from(const th_formdef *f, int r, unsigned char *colour, int *path, size_t depth)
{
	const th_rowdef *d = &f->rows[r];
	int next[2] = { d->num, d->den };

	colour[r] = 1;
	path[depth] = r;
	for (int k = 0; k < 2 && d->agg == TH_AGG_RATIO; k++) {
		int c;
		if (next[k] < 0 || colour[next[k]] == 2)
			continue;
		if (colour[next[k]] == 1) {
			path[depth + 1] = next[k];
			return (int)depth + 2;
		}
		if ((c = cycle_from(f, next[k], colour, path, depth + 1)) > 0)
			return c;
	}
	colour[r] = 2;
	return 0;
}

static int ratio_cycle(const th_ini *ini, const th_formdef *f, th_err *e)
{
	unsigned char *colour = th_xcalloc(f->n_rows + 1, 1);
	int *path = th_xcalloc(f->n_rows + 2, sizeof(*path));
	int rc = 0;

	for (size_t i = 0; i < f->n_rows && !rc; i++) {
		int n;
		if (colour[i] || (n = cycle_from(f, (int)i, colour, path, 0)) == 0)
			continue;
		{
			th_sbuf sb = TH_SBUF_INIT;
			int start = 0;
			while (path[start] != path[n - 1])
				start++; /* the cycle is path[start..n-1], closing on its first row */
			for (int k = start; k < n; k++)
				th_sbuf_addf(&sb, "%s%s", k > start ? " → " : "", f->rows[path[k]].code);
			rc = th_ini_fail(ini, e, f->id, f->rows[path[start]].code,
					 "tỷ lệ của dòng %s tham chiếu chính nó (%s): không tính được",
					 f->rows[path[start]].code, sb.buf);
			th_sbuf_release(&sb);
		}
	}
	free(colour);
	free(path);
	return rc;
}

static int load_form(const th_ini *ini, const char *id, th_formdef *f, th_err *e)
{
	const char *title = th_ini_get(ini, id, "title"), *name = th_ini_get(ini, id, "name");
	const char *fill = th_ini_get(ini, id, "fill");
	th_fill dflt = TH_FILL_OPTIONAL;
	size_t nk = th_ini_nkeys(ini, id);
	char **num = NULL, **den = NULL;
	int rc = -1;
	const char *digits = id;

	memset(f, 0, sizeof(*f));
	f->id = th_xstrdup(id);
	for (char *p = f->id; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	while (*digits && !isdigit((unsigned char)*digits))
		digits++;
	f->number = (int)strtol(digits, NULL, 10);
	if (!title || !*title)
		return th_ini_fail(ini, e, id, NULL, "biểu %s thiếu 'title' (như \"Biểu mẫu 1\")", id);
	if (fill && (parse_fill(fill, &dflt) || dflt == TH_FILL_GROUP))
		return th_ini_fail(ini, e, id, "fill", "fill = '%s' không có: dùng required hoặc optional", fill);
	f->title = th_xstrdup(title);
	f->name = th_xstrdup(name ? name : "");
	f->rows = th_xcalloc(nk ? nk : 1, sizeof(*f->rows));
	num = th_xcalloc(nk ? nk : 1, sizeof(*num));
	den = th_xcalloc(nk ? nk : 1, sizeof(*den));
	for (size_t i = 0; i < nk; i++) {
		const char *key = th_ini_key(ini, id, i);
		if (strcasecmp(key, "title") == 0 || strcasecmp(key, "name") == 0 || strcasecmp(key, "fill") == 0)
			continue;
		if (load_row(ini, id, key, dflt, &f->rows[f->n_rows], e, &num[f->n_rows], &den[f->n_rows])) {
			f->n_rows++; /* freed with the form */
			goto out;
		}
		f->n_rows++;
	}
	if (!f->n_rows) {
		th_ini_fail(ini, e, id, NULL, "biểu %s không có dòng chỉ tiêu nào", id);
		goto out;
	}
	for (size_t i = 0; i < f->n_rows; i++) {
		th_rowdef *r = &f->rows[i];
		if (r->agg != TH_AGG_RATIO)
			continue;
		r->num = th_form_row(f, num[i]);
		r->den = th_form_row(f, den[i]);
		if (r->num < 0 || r->den < 0) {
			th_ini_fail(ini, e, id, r->code, "tỷ lệ của dòng %s dùng dòng %s, biểu %s không có dòng này",
				    r->code, r->num < 0 ? num[i] : den[i], f->id);
			goto out;
		}
	}
	if (ratio_cycle(ini, f, e))
		goto out;
	rc = 0;
out:
	for (size_t i = 0; i < nk; i++) {
		free(num[i]);
		free(den[i]);
	}
	free(num);
	free(den);
	return rc;
}

static int load_header(th_schema *s, const th_ini *ini, th_err *e)
{
	for (int i = 0; i < TH_HPAT_COUNT; i++) {
		const char *pat = th_ini_get(ini, "header", hpat_keys[i]);
		int errcode;
		PCRE2_SIZE off;
		pcre2_code *re;

		if (!pat || !*pat)
			continue;
		re = pcre2_compile((PCRE2_SPTR)pat, PCRE2_ZERO_TERMINATED,
				   PCRE2_UTF | PCRE2_UCP | PCRE2_CASELESS, &errcode, &off, NULL);
		if (!re) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(errcode, msg, sizeof(msg));
			th_ini_fail(ini, e, "header", hpat_keys[i], "mẫu '%s' lỗi ở ký tự thứ %lu: %s",
				    hpat_keys[i], (unsigned long)off + 1, (const char *)msg);
			if (e) {
				int w = snprintf(e->detail, sizeof(e->detail), ">>> %.*s", (int)off, pat);
				if (w > 0 && (size_t)w < sizeof(e->detail) - 40)
					snprintf(e->detail + w, sizeof(e->detail) - (size_t)w,
						 " <-- ở đây: %.30s", pat + off);
			}
			return -1;
		}
		s->header[i] = re;
	}
	return 0;
}

int th_schema_load(th_schema **out, const char *path, th_err *e)
{
	th_ini *ini = NULL;
	th_schema *s;
	const char *forms, *v;
	char *list = NULL;
	int rc = -1;

	*out = NULL;
	if (th_ini_load(&ini, path, e))
		return -1;
	s = th_xcalloc(1, sizeof(*s));
	s->path = th_xstrdup(path);
	if (!th_ini_has_section(ini, "schema")) {
		th_ini_fail(ini, e, "schema", NULL, "thiếu mục [schema]");
		goto out;
	}
	s->id = th_xstrdup((v = th_ini_get(ini, "schema", "id")) ? v : "");
	s->title = th_xstrdup((v = th_ini_get(ini, "schema", "title")) ? v : "");
	s->n_rosters = path_list(path, th_ini_get(ini, "schema", "roster"), &s->rosters);
	s->n_calendars = path_list(path, th_ini_get(ini, "schema", "calendar"), &s->calendars);
	if (th_validity_load(&s->valid, ini, "schema", e))
		goto out;
	forms = th_ini_get(ini, "schema", "forms");
	if (!forms || !*forms) {
		th_ini_fail(ini, e, "schema", NULL, "mục [schema] thiếu 'forms' (danh sách biểu, như BM1 BM2)");
		goto out;
	}
	list = th_xstrdup(forms);
	for (char *p = list, *tok; *p;) {
		while (*p && (isspace((unsigned char)*p) || *p == ','))
			p++;
		if (!*p)
			break;
		tok = p;
		while (*p && !isspace((unsigned char)*p) && *p != ',')
			p++;
		if (*p)
			*p++ = '\0';
		if (!th_ini_has_section(ini, tok)) {
			th_ini_fail(ini, e, "schema", "forms", "biểu '%s' được liệt kê nhưng không có mục [%s]", tok, tok);
			goto out;
		}
		if (th_schema_form(s, tok)) {
			th_ini_fail(ini, e, "schema", "forms", "biểu '%s' được liệt kê hai lần", tok);
			goto out;
		}
		s->forms = th_xrealloc(s->forms, (s->n_forms + 1) * sizeof(*s->forms));
		if (load_form(ini, tok, &s->forms[s->n_forms], e)) {
			s->n_forms++;
			goto out;
		}
		s->n_forms++;
		{
			/* a form is found in a workbook by its number ("Biểu mẫu 3"): one each */
			const th_formdef *f = &s->forms[s->n_forms - 1];
			if (f->number <= 0) {
				th_ini_fail(ini, e, tok, NULL, "tên biểu [%s] phải có số của biểu (như BM3)", tok);
				goto out;
			}
			for (size_t i = 0; i + 1 < s->n_forms; i++)
				if (s->forms[i].number == f->number) {
					th_ini_fail(ini, e, tok, NULL, "biểu [%s] và [%s] cùng số %d: mỗi biểu một số",
						    s->forms[i].id, tok, f->number);
					goto out;
				}
		}
	}
	if (load_header(s, ini, e))
		goto out;
	if ((v = th_ini_get(ini, "VB", "sheet")) && *v) {
		const char *cols = th_ini_get(ini, "VB", "columns");
		size_t k = 0;
		s->register_sheet = th_xstrdup(v);
		for (const char *p = cols ? cols : ""; k < 4;) {
			const char *bar = strchr(p, '|');
			s->register_columns[k++] = dup_trim(p, bar ? (size_t)(bar - p) : strlen(p));
			if (!bar)
				break;
			p = bar + 1;
		}
		if (k != 4 || !*s->register_columns[3]) {
			th_ini_fail(ini, e, "VB", "columns",
				    "sổ văn bản cần đúng 4 cột: \"STT | Số, ký hiệu | Ngày ban hành | Trích yếu\"");
			goto out;
		}
	}
	rc = 0;
out:
	free(list);
	th_ini_free(ini);
	if (rc) {
		th_schema_free(s);
		return -1;
	}
	*out = s;
	return 0;
}

void th_schema_free(th_schema *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_forms; i++)
		free_form(&s->forms[i]);
	free(s->forms);
	for (int i = 0; i < TH_HPAT_COUNT; i++)
		pcre2_code_free(s->header[i]);
	for (int i = 0; i < 4; i++)
		free(s->register_columns[i]);
	free(s->register_sheet);
	for (size_t i = 0; i < s->n_rosters; i++)
		free(s->rosters[i]);
	for (size_t i = 0; i < s->n_calendars; i++)
		free(s->calendars[i]);
	free(s->rosters);
	free(s->calendars);
	free(s->id);
	free(s->title);
	free(s->path);
	free(s);
}

const th_formdef *th_schema_form(const th_schema *s, const char *id)
{
	for (size_t i = 0; i < s->n_forms; i++)
		if (strcasecmp(s->forms[i].id, id) == 0)
			return &s->forms[i];
	return NULL;
}

bool th_code_is_child(const char *parent, const char *child)
{
	size_t n = strlen(parent);

	if (strncmp(parent, child, n) != 0 || child[n] != '.')
		return false;
	return strchr(child + n + 1, '.') == NULL;
}

int th_form_row(const th_formdef *f, const char *code)
{
	for (size_t i = 0; i < f->n_rows; i++)
		if (f->rows[i].code && strcmp(f->rows[i].code, code) == 0)
			return (int)i;
	return -1;
}
