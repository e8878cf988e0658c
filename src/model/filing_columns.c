/*
 * A form's table (filing_read.h): its header (STT, Chỉ tiêu, Đơn vị tính, the value
 * columns, Ghi chú, over one to four rows, merged cells spread over their span) and which
 * value column holds the return's own figures. Returns carry several ("Quý II/2023 | Quý
 * III/2023", "Kế hoạch | Thực hiện", "Kỳ trước | Kỳ báo cáo", "Lũy kế"): each column's header
 * is scored against the return's period, read from the identification block first, and
 * the words for the period's own figures ("kỳ báo cáo", "kỳ này", "thực hiện") against
 * those for others ("kỳ trước", "cùng kỳ", "kế hoạch", "lũy kế", another period). Never
 * position alone: a hidden column never wins over a visible one, and when nothing
 * decides, no column is chosen (the rows say so). Also the numbering rows under a header
 * ("1 2 3 4 5", "(1) … (5)", "A B C 1 D"), which are never data.
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/sbuf.h"
#include "model/filing_read.h"
#include "base/banned.h"

/* ---- words ---- */

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Does key hold the words w (whole words: not inside another word)? */
static bool has_words(const char *key, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = strstr(key, w); p; p = strstr(p + 1, w))
		if ((p == key || !isalnum((unsigned char)p[-1])) && !isalnum((unsigned char)p[n]))
			return true;
	return false;
}

/* ---- periods written in a header ---- */

/* A period named in a header: kind, n (quarter, month, half), year (0: not written). */
struct hperiod {
	th_pkind kind;
	int n, year;
};

/* A year after p, as "/2023", "-2023", " năm 2023", " 2023": its value (0 if none), *p moved past it. */
static int year_after(const char **p)
{
	const char *q = *p;

	while (*q == ' ' || *q == '/' || *q == '-' || *q == ',')
		q++;
	if (starts(q, "nam "))
		q += 4;
	if ((starts(q, "19") || starts(q, "20")) && isdigit((unsigned char)q[2]) && isdigit((unsigned char)q[3]) &&
	    !isdigit((unsigned char)q[4])) {
		*p = q + 4;
		return (int)strtol(q, NULL, 10);
	}
	return 0;
}

/* The quarter after "quy ": I–IV or 1–4; 0 when none. */
static int quarter_no(const char **p)
{
	static const char *const roman[] = { "iv", "iii", "ii", "i" };
	static const int val[] = { 4, 3, 2, 1 };
	const char *q = *p;

	while (*q == ' ')
		q++;
	for (int i = 0; i < 4; i++)
		if (starts(q, roman[i]) && !isalnum((unsigned char)q[strlen(roman[i])])) {
			*p = q + strlen(roman[i]);
			return val[i];
		}
	if (*q >= '1' && *q <= '4' && !isdigit((unsigned char)q[1])) {
		*p = q + 1;
		return *q - '0';
	}
	return 0;
}

/* At a word start p: a period ("quý III/2023", "9 tháng năm 2023", "6 tháng đầu năm",
 * "tháng 7/2023", "năm 2023"); *p moved past it. A date ("ngày 9 tháng 9 năm 2023") is none. */
static bool period_at(const char **p, struct hperiod *hp)
{
	const char *q = *p;
	char *end;
	long n;

	memset(hp, 0, sizeof(*hp));
	if (starts(q, "ngay ")) { /* a date: "ngày 9 tháng 9 năm 2023" */
		q += 5;
		while (*q && (isdigit((unsigned char)*q) || *q == ' ' || starts(q, "thang") || starts(q, "nam")))
			q += isdigit((unsigned char)*q) || *q == ' ' ? 1 : starts(q, "thang") ? 5 : 3;
		*p = q;
		return false;
	}
	if (starts(q, "quy") || starts(q, "qui") || (*q == 'q' && (isdigit((unsigned char)q[1]) || q[1] == 'i'))) {
		q += starts(q, "quy") || starts(q, "qui") ? 3 : 1; /* "quý III", "quí III" (old spelling), "Q3" */
		if ((hp->n = quarter_no(&q)) == 0)
			return false;
		hp->kind = TH_P_QUARTER;
	} else if (isdigit((unsigned char)*q)) {
		n = strtol(q, &end, 10);
		if (!starts(end, " thang") || (n != 6 && n != 9 && n != 12))
			return false;
		q = end + 6;
		hp->kind = n == 9 ? TH_P_NINE : n == 12 ? TH_P_YEAR : TH_P_HALF;
		hp->n = n == 6 ? 1 : 0;
		if (starts(q, " dau"))
			q += 4;
		else if (starts(q, " cuoi")) {
			q += 5;
			hp->n = n == 6 ? 2 : 0;
		}
	} else if (starts(q, "thang ") && isdigit((unsigned char)q[6])) {
		n = strtol(q + 6, &end, 10);
		if (n < 1 || n > 12)
			return false;
		hp->kind = TH_P_MONTH;
		hp->n = (int)n;
		q = end;
	} else if (starts(q, "nam ") && isdigit((unsigned char)q[4])) {
		q += 3;
		if ((hp->year = year_after(&q)) == 0)
			return false;
		hp->kind = TH_P_YEAR;
		*p = q;
		return true;
	} else {
		return false;
	}
	hp->year = year_after(&q);
	*p = q;
	return true;
}

/* The periods key names, at most max, in order. */
static size_t periods_of(const char *key, struct hperiod *out, size_t max)
{
	size_t n = 0;

	for (const char *p = key; *p && n < max;) {
		const char *q = p;
		if ((p == key || !isalnum((unsigned char)p[-1])) && isalnum((unsigned char)*p)) {
			if (period_at(&q, &out[n])) {
				n++;
				p = q;
				continue;
			}
			if (q != p) { /* a date read over */
				p = q;
				continue;
			}
		}
		p++;
	}
	return n;
}

/* How period hp relates to the return's own period own: NULL when it is own, else the role
 * a column of that period plays. */
static const char *period_role(const struct hperiod *hp, th_period own)
{
	th_period x = { hp->kind, hp->year ? hp->year : own.year, hp->n };
	int a1, a2, b1, b2;

	if (own.kind == TH_P_NONE)
		return "other";
	if (x.kind == own.kind && x.n == own.n && x.year == own.year)
		return NULL;
	if (x.kind == own.kind && x.n == own.n)
		return x.year < own.year ? "same_period_last_year" : "other";
	th_period_months(x, &a1, &a2);
	th_period_months(own, &b1, &b2);
	if (x.year == own.year && a1 <= b1 && a2 >= b2)
		return "cumulative"; /* a longer period holding the return's: 9 months, the year */
	if (x.year == own.year && a1 >= b1 && a2 <= b2)
		return "part";       /* a month of the quarter */
	if (x.year < own.year || (x.year == own.year && a2 < b1))
		return "previous";
	return "other";
}

/* ---- scoring a value column's header ---- */

static const struct {
	const char *words;
	int score;
	const char *role; /* NULL: words for the period's own figures */
} CUES[] = {
	{ "ky bao cao", 2, NULL }, { "ky nay", 2, NULL }, { "quy nay", 2, NULL }, { "thang nay", 2, NULL },
	{ "thuc hien", 2, NULL },
	{ "so lieu", 1, NULL }, { "ket qua", 1, NULL }, { "so luong", 1, NULL }, { "ty le", 1, NULL },
	{ "gia tri", 1, NULL },
	{ "ky truoc", -3, "previous" }, { "quy truoc", -3, "previous" }, { "thang truoc", -3, "previous" },
	{ "ky bao cao truoc", -5, "previous" }, { "cung ky", -3, "same_period_last_year" },
	{ "nam truoc", -3, "same_period_last_year" }, { "ke hoach", -3, "plan" }, { "luy ke", -3, "cumulative" },
	{ "so sanh", -3, "comparison" }, { "tang giam", -3, "comparison" }, { "chenh lech", -3, "comparison" },
};

/* The next date d/m/yyyy (or d-m-yyyy, d.m.yyyy) in key from *p: true and *p past it. */
static bool next_date(const char **p, th_date *d)
{
	for (const char *q = *p; *q; q++) {
		size_t n = 0;
		if (!isdigit((unsigned char)*q) || (q > *p && isalnum((unsigned char)q[-1])))
			continue;
		while (q[n] && (isdigit((unsigned char)q[n]) || q[n] == '/' || q[n] == '-' || q[n] == '.') && n < 12)
			n++;
		if (n >= 8 && th_vn_parse_date(q, n, d) == 0) {
			*p = q + n;
			return true;
		}
		q += n ? n - 1 : 0;
	}
	return false;
}

/* How the dates written in a header ("Từ 10/6/2023 đến 09/9/2023", "tính đến 09/9/2023")
 * stand to the return's data window (or, without one, its period's months): +1 for each
 * within it (less than a period named: "Số liệu tính đến 09/9/2023" beside "Quý III/2023"
 * is a stock at the window's end, not the quarter's figures), 0 for one after it in its year
 * (the period's end, the report's date), -3 for one before it or of a later year; *role the
 * role of such a date ("previous" before it).
 * The number of dates found. */
static int score_dates(const char *key, const struct locate *c, int *sc, const char **role)
{
	th_date from = c->f->window_from, to = c->f->window_to, d;
	th_period own = c->f->period;
	const char *p = key;
	int n = 0, m1, m2;

	if (!from.y && own.kind != TH_P_NONE) {
		th_period_months(own, &m1, &m2);
		from = (th_date){ own.year, (uint8_t)m1, 1 };
		to = (th_date){ own.year, (uint8_t)m2, 31 };
	}
	if (!from.y)
		return 0;
	while (next_date(&p, &d)) {
		bool before = th_date_cmp(d, from) < 0, later_year = d.y > to.y;
		n++;
		/* a date after the window within its year ("đến 30/9/2023": the period's end, the
		 * report's date) says nothing against the column */
		if (!before && !later_year)
			*sc += th_date_cmp(d, to) <= 0 ? 1 : 0;
		else
			*sc -= 3;
		if ((before || later_year) && !*role)
			*role = before ? "previous" : "other";
	}
	return n;
}

/* Score a value column's header key against the return's period; role: NULL for its own. */
static void score(const char *key, const struct locate *c, int *sc, const char **role)
{
	struct hperiod hp[8];
	size_t n = periods_of(key, hp, 8);
	th_period own = c->f->period;
	int worst = 0;

	*sc = 0;
	*role = NULL;
	for (size_t i = 0; i < sizeof(CUES) / sizeof(CUES[0]); i++)
		if (has_words(key, CUES[i].words)) {
			*sc += CUES[i].score;
			if (CUES[i].role && CUES[i].score < worst) {
				worst = CUES[i].score;
				*role = CUES[i].role;
			}
		}
	for (size_t i = 0; i < n; i++) {
		const char *r = period_role(&hp[i], own);
		*sc += r ? -3 : 3;
		if (r && !*role)
			*role = r;
	}
	score_dates(key, c, sc, role);
	if (*role == NULL && *sc < 0)
		*role = "other";
}

/* Words that make a header cell a value column's ("Số lượng/ Tỷ lệ", "Quý III", "Kế hoạch" …). */
static bool value_words(const char *key)
{
	static const char *const w[] = { "so luong", "ty le", "ket qua", "so lieu", "ky", "quy", "thang", "nam",
					 "thuc hien", "ke hoach", "luy ke", "cung ky", "gia tri", "tong so", "uoc",
					 "so sanh" };

	struct hperiod hp[1];
	const char *p = key;
	th_date d;

	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		if (has_words(key, w[i]))
			return true;
	/* a period ("Q3/2023") or a date ("Từ 10/6/2023 đến 09/9/2023") heads a column of figures */
	return periods_of(key, hp, 1) > 0 || next_date(&p, &d);
}

/* ---- the header ---- */

/* A cell's text joined to sb (a key or as written) for column col over header rows h1..h2:
 * each header cell that covers the column, a merged one over its whole span. */
static void column_text(const th_gsheet *sh, uint32_t h1, uint32_t h2, uint16_t col, bool as_key, th_sbuf *sb)
{
	for (uint32_t r = h1; r <= h2; r++) {
		const th_gcell *cell = th_grid_at(sh, r, col);
		const th_range *m = cell ? NULL : th_grid_merge_at(sh, r, col);
		const char *t;

		if (!cell && m && m->r1 == r && m->r1 >= h1)
			cell = th_grid_at(sh, m->r1, m->c1);
		if (!cell || cell->type != TH_CELL_STRING)
			continue;
		t = as_key ? cell->key : cell->text;
		if (!*t)
			continue;
		if (sb->len)
			th_sbuf_adds(sb, as_key ? " | " : " / ");
		th_sbuf_adds(sb, t);
	}
}

bool th_locate_stt_key(const char *key)
{
	return strcmp(key, "tt") == 0 || strcmp(key, "so tt") == 0 || starts(key, "so thu tu") ||
	       (starts(key, "stt") && !isalnum((unsigned char)key[3]));
}

/* The row of STT in the first rows of p, or -1. */
static int64_t stt_row(const th_gsheet *sh, const struct part *p, int *col)
{
	for (uint32_t row = p->first; row <= p->last && row <= p->first + 20; row++)
		for (size_t i = th_grid_row_start(sh, row); i < sh->n_cells && sh->cells[i].row == row; i++)
			if (sh->cells[i].col >= p->c1 && sh->cells[i].col <= p->c2 && sh->cells[i].type == TH_CELL_STRING &&
			    th_locate_stt_key(sh->cells[i].key)) {
				*col = sh->cells[i].col;
				return row;
			}
	return -1;
}

/*
 * The last header row from row (STT's): the rows under it whose STT cell is empty or merged
 * from above, and that hold text (a sub-header: "Số lượng/ Tỷ lệ" over "Quý III/2023"), up
 * to four in all. A numbering row or the first data row ends it.
 */
static uint32_t header_end(const th_gsheet *sh, const struct part *p, uint32_t row, int stt)
{
	uint32_t end = row;

	for (uint32_t r = row + 1; r <= p->last && r <= row + 3; r++) {
		const th_gcell *s = th_grid_at(sh, r, (uint16_t)stt);
		const th_range *m = th_grid_merge_at(sh, r, (uint16_t)stt);
		bool text = false;

		if (s || (th_locate_marker_row(sh, r)))
			break;
		if (m && m->r1 < r && m->r1 >= row) {
			end = r; /* STT merged down over this row: the header goes on */
			continue;
		}
		for (size_t i = th_grid_row_start(sh, r); i < sh->n_cells && sh->cells[i].row == r; i++)
			text = text || (sh->cells[i].col >= p->c1 && sh->cells[i].col <= p->c2 &&
					sh->cells[i].type == TH_CELL_STRING && sh->cells[i].key[0]);
		if (!text)
			break;
		end = r;
	}
	return end;
}

/* The widest column the header rows reach (cells and merges) within the part's columns. */
static uint16_t header_width(const th_gsheet *sh, const struct part *p, uint32_t h1, uint32_t h2)
{
	uint16_t w = 0;

	for (uint32_t r = h1; r <= h2; r++)
		for (size_t i = th_grid_row_start(sh, r); i < sh->n_cells && sh->cells[i].row == r; i++)
			if (sh->cells[i].col <= p->c2)
				w = sh->cells[i].col > w ? sh->cells[i].col : w;
	for (size_t i = 0; i < sh->n_merges; i++)
		if (sh->merges[i].r1 >= h1 && sh->merges[i].r1 <= h2 && sh->merges[i].c2 > w && sh->merges[i].c2 <= p->c2)
			w = sh->merges[i].c2;
	return w < p->c1 + 64 ? w : (uint16_t)(p->c1 + 64);
}

/* Label, unit and note columns by their header words. */
static void named_columns(const th_gsheet *sh, uint16_t c1, uint32_t h1, uint32_t h2, uint16_t width,
			  struct cols *k)
{
	for (uint16_t col = c1; col <= width; col++) {
		th_sbuf sb = TH_SBUF_INIT;
		column_text(sh, h1, h2, col, true, &sb);
		if ((int)col == k->code && !strstr(sb.buf, "chi tieu")) {
			/* the STT column; "STT. Chỉ tiêu" in one cell is both */
		} else if ((strstr(sb.buf, "chi tieu") || has_words(sb.buf, "noi dung")) && k->label < 0) {
			k->label = col;
		} else if (strstr(sb.buf, "don vi tinh") || has_words(sb.buf, "dvt")) {
			k->unit = k->unit < 0 ? col : k->unit;
		} else if (starts(sb.buf, "ghi chu") || strstr(sb.buf, "| ghi chu")) {
			k->note = k->note < 0 ? col : k->note;
		}
		th_sbuf_release(&sb);
	}
}

/* The value columns: after the code (before the label too: "STT | Số lượng | Chỉ tiêu"),
 * neither label, unit nor note, their header naming a value; any: every such column with a
 * header (when none names a value, each is one, and nothing but the period decides). */
static void candidates(struct locate *c, int sheet, uint32_t h1, uint32_t h2, uint16_t width, struct cols *k,
		       bool any)
{
	const th_gsheet *sh = &c->g->sheets[sheet];

	for (uint16_t col = (uint16_t)(k->code + 1); col <= width; col++) {
		th_sbuf key = TH_SBUF_INIT, text = TH_SBUF_INIT;
		struct vcol *v;

		if ((int)col == k->label || (int)col == k->unit || (int)col == k->note || k->n_cand == TH_MAX_VCOLS)
			continue;
		column_text(sh, h1, h2, col, true, &key);
		/* "Mã số" heads the row codes, never figures */
		if (any ? !key.buf[0] || strcmp(key.buf, "ma") == 0 || has_words(key.buf, "ma so")
			: !value_words(key.buf)) {
			th_sbuf_release(&key);
			continue;
		}
		column_text(sh, h1, h2, col, false, &text);
		v = &k->cand[k->n_cand++];
		v->col = col;
		v->hidden = th_grid_col_hidden(sh, col);
		v->key = th_sbuf_detach(&key, NULL);
		v->header = th_sbuf_detach(&text, NULL);
		score(v->key, c, &v->score, &v->role);
	}
}

/* Choose among the candidates: the visible ones first (a hidden column never wins over a
 * visible one); the one best scored; none when the best are tied. */
static void choose(struct cols *k)
{
	int best = -1000, n_best = 0, any_visible = 0;

	for (size_t i = 0; i < k->n_cand; i++)
		any_visible |= !k->cand[i].hidden;
	for (size_t i = 0; i < k->n_cand; i++) {
		if (k->cand[i].hidden && any_visible)
			continue;
		if (k->cand[i].score > best) {
			best = k->cand[i].score;
			n_best = 0;
		}
		if (k->cand[i].score == best) {
			n_best++;
			k->value = k->cand[i].col;
		}
	}
	/* the period's own column hidden and the visible ones another period's: the one in view
	 * is not read blindly; the hidden one is tied with it (where they differ, said) */
	for (size_t i = 0; i < k->n_cand && any_visible && best < 0; i++)
		if (k->cand[i].hidden && k->cand[i].score > 0) {
			k->cand[i].contest = true;
			k->cand[i].score = best;
			n_best++;
		}
	if (n_best > 1) {
		k->value = -1;
		k->undecided = true;
	}
	/* a hidden column with the same header as the one read holds an old copy */
	for (size_t i = 0; i < k->n_cand; i++)
		if (k->cand[i].hidden && k->value >= 0 && (int)k->cand[i].col != k->value && !k->cand[i].role)
			k->cand[i].role = "stale";
}

/* Is column col the right half of column left, merged with it row by row (a value column
 * two columns wide): no figure of its own in rows first..last (at most 200), and merged
 * from left in one of them at least? */
static bool merged_half(const th_gsheet *sh, uint32_t first, uint32_t last, uint16_t left, uint16_t col)
{
	size_t merged = 0;

	for (uint32_t r = first; r <= last && r < first + 200; r++) {
		const th_gcell *cell = th_grid_at(sh, r, col);
		const th_range *m = th_grid_merge_at(sh, r, col);
		if (cell && !(cell->type == TH_CELL_STRING && !cell->key[0]))
			return false;
		merged += m && m->c1 == left && m->r1 == r && m->r2 == r;
	}
	return merged > 0;
}

/* Candidates that are the right half of the one before them, under one header: dropped. */
static void drop_halves(const th_gsheet *sh, uint32_t first, uint32_t last, struct cols *k)
{
	for (size_t i = 1; i < k->n_cand;) {
		struct vcol *a = &k->cand[i - 1], *b = &k->cand[i];
		if (strcmp(a->key, b->key) != 0 || !merged_half(sh, first, last, a->col, b->col)) {
			i++;
			continue;
		}
		free(b->header);
		free(b->key);
		memmove(b, b + 1, (k->n_cand - i - 1) * sizeof(*b));
		k->n_cand--;
	}
}

/* Cells of column col, in rows first..last (at most 200), that hold a row code of two
 * levels or more ("2.1", "6.7.2"): what running numbers 1, 2, 3 never are. */
static size_t dotted_codes(const th_gsheet *sh, uint32_t first, uint32_t last, uint16_t col)
{
	size_t n = 0;

	for (uint32_t r = first; r <= last && r < first + 200; r++) {
		const th_gcell *cell = th_grid_at(sh, r, col);
		char code[32], numbuf[32];
		if (cell && th_locate_cell_code(cell, code, sizeof(code), numbuf, sizeof(numbuf)) && strchr(code, '.'))
			n++;
	}
	return n;
}

/* The code column: STT's, unless another column before the label holds the row codes and
 * STT's running numbers ("STT | Mã số | Chỉ tiêu"). */
static void code_column(const th_gsheet *sh, const struct part *p, uint32_t end, struct cols *k)
{
	size_t best = dotted_codes(sh, end + 1, p->last, (uint16_t)k->code);

	for (int col = p->c1; col < k->label && col < p->c1 + 8; col++) {
		size_t n = col == k->code ? 0 : dotted_codes(sh, end + 1, p->last, (uint16_t)col);
		if (n > best) {
			best = n;
			k->code = col;
		}
	}
}

bool th_locate_table(struct locate *c, const struct part *p0, struct cols *k)
{
	const th_gsheet *sh = &c->g->sheets[p0->sheet];
	struct part q = *p0, *p = &q;
	int stt = -1;
	int64_t row = stt_row(sh, p, &stt);
	uint32_t end;
	uint16_t width;

	/* a form beside another whose title is not over its table's first column (typed in I,
	 * centred by hand, over a table in G..K): its STT up to three columns left of it */
	if (row < 0 && q.c1 > 0) {
		q.c1 = q.c1 > 3 ? (uint16_t)(q.c1 - 3) : 0;
		row = stt_row(sh, p, &stt);
		q.c1 = row < 0 ? p0->c1 : (uint16_t)stt;
	}

	memset(k, 0, sizeof(*k));
	k->code = 0, k->label = 1, k->unit = 2, k->value = 3, k->note = 4;
	k->data_first = p->first;
	if (row < 0)
		return false;
	end = header_end(sh, p, (uint32_t)row, stt);
	width = header_width(sh, p, (uint32_t)row, end);
	k->code = stt;
	k->label = k->unit = k->note = k->value = -1;
	named_columns(sh, p->c1, (uint32_t)row, end, width, k);
	if (k->label < 0)
		k->label = k->code; /* "STT. Chỉ tiêu" */
	code_column(sh, p, end, k);
	candidates(c, p->sheet, (uint32_t)row, end, width, k, false);
	if (!k->n_cand && k->label > k->code) {
		candidates(c, p->sheet, (uint32_t)row, end, width, k, true);
		k->unnamed = true;
	}
	drop_halves(sh, end + 1, p->last, k);
	if (!k->n_cand) {
		th_cols_release(k);
		k->code = 0, k->label = 1, k->unit = 2, k->value = 3, k->note = 4;
		k->data_first = p->first;
		return false;
	}
	choose(k);
	k->head_row = (uint32_t)row;
	k->data_first = end + 1;
	return true;
}

void th_cols_copy(struct cols *dst, const struct cols *src, uint32_t first)
{
	*dst = *src;
	for (size_t i = 0; i < src->n_cand; i++) {
		dst->cand[i].header = th_xstrdup(src->cand[i].header);
		dst->cand[i].key = th_xstrdup(src->cand[i].key);
	}
	dst->data_first = first;
}

void th_cols_release(struct cols *k)
{
	for (size_t i = 0; i < k->n_cand; i++) {
		free(k->cand[i].header);
		free(k->cand[i].key);
	}
	k->n_cand = 0;
}

const struct vcol *th_cols_cand(const struct cols *k, int col)
{
	for (size_t i = 0; i < k->n_cand; i++)
		if ((int)k->cand[i].col == col)
			return &k->cand[i];
	return NULL;
}

int th_cols_for_kind(const struct cols *k, th_rowkind kind)
{
	int found = -1, best = -1000, n_best = 0;

	if (!k->undecided)
		return k->value;
	/* tied columns: one headed for the row's kind ("Tỷ lệ" for a % row) takes it */
	for (size_t i = 0; i < k->n_cand; i++) {
		const struct vcol *v = &k->cand[i];
		bool pct = has_words(v->key, "ty le") || strchr(v->key, '%');
		bool cnt = has_words(v->key, "so luong") || has_words(v->key, "so tien");
		int s = v->score + (kind == TH_ROW_PERCENT ? pct - cnt : cnt - pct);
		if (v->hidden && !v->contest)
			continue;
		if (s > best) {
			best = s;
			n_best = 0;
		}
		if (s == best) {
			n_best++;
			found = v->col;
		}
	}
	return n_best == 1 ? found : -1;
}

/* ---- numbering rows ---- */

/* A column number: 1–30 as a number or text, "(3)", a letter "C" or "(C)". */
static bool marker(const th_gcell *c)
{
	const char *t = c->text;
	size_t n;

	if (c->type == TH_CELL_NUMBER)
		return c->num >= 1 && c->num <= 30 && c->num == (double)(int)c->num;
	if (c->type != TH_CELL_STRING)
		return false;
	while (*t == ' ')
		t++;
	n = strlen(t);
	while (n && t[n - 1] == ' ')
		n--;
	if (n >= 2 && t[0] == '(' && t[n - 1] == ')')
		t++, n -= 2;
	if (n == 1 && isalpha((unsigned char)*t))
		return true;
	if (n == 0 || n > 2)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)t[i]))
			return false;
	return strtol(t, NULL, 10) >= 1 && strtol(t, NULL, 10) <= 30;
}

bool th_locate_marker_row(const th_gsheet *sh, uint32_t row)
{
	size_t n = 0;

	for (size_t i = th_grid_row_start(sh, row); i < sh->n_cells && sh->cells[i].row == row; i++) {
		const th_gcell *c = &sh->cells[i];
		if (c->type == TH_CELL_STRING && !c->key[0])
			continue;
		if (!marker(c))
			return false;
		n++;
	}
	return n >= 3;
}
