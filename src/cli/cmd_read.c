/*
 * `tonghop read FILE`: the return as tonghop understands it — unit, period, data window,
 * report date, every row's value and source cell, and every problem met while reading —
 * in Vietnamese on the terminal, or as one JSON object with --json.
 * SPDX-License-Identifier: MIT
 */
#define _GNU_SOURCE /* getopt_long */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "cli/cli.h"
#include "model/filing.h"
#include "base/banned.h"

static const char *const read_usage =
	"cách dùng: tonghop read [--json] [--schema TỆP.ini] [--roster TỆP.ini] FILE\n"
	"\n"
	"Đọc một báo cáo (.xlsx, .xls hoặc .ods) và in những gì đọc được: đơn vị, kỳ báo cáo,\n"
	"thời gian lấy số liệu, ngày báo cáo, giá trị từng dòng của từng biểu kèm ô chứa nó, và\n"
	"mọi vấn đề gặp khi đọc (giá trị không đọc được, đơn vị lạ, thiếu dòng, chỉ tiêu bị sửa).\n"
	"\n"
	"  --json            in một đối tượng JSON thay cho bản tiếng Việt\n"
	"  --schema TỆP.ini  biểu mẫu dùng để đọc (mặc định: $TONGHOP_SCHEMA, hoặc biểu mẫu có\n"
	"                    hiệu lực cho kỳ ghi trong báo cáo, trong schemas/)\n"
	TH_CONFIG_HELP
	"  -h, --help        in hướng dẫn này\n"
	"\n"
	"Mã thoát: 0 đọc được, 2 sai cú pháp lệnh, 3 cấu hình lỗi hoặc không có hiệu lực cho kỳ\n"
	"của báo cáo, 4 không đọc được tệp.\n"
	TH_CONFIG_HELP_WHY;

static const char *kind_name(th_rowkind k)
{
	static const char *const names[] = { "count", "percent", "money", "coded", "group" };
	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "";
}

static const char *kind_vi(th_rowkind k)
{
	static const char *const names[] = { "số lượng", "tỷ lệ %", "tiền", "mã lựa chọn", "nhóm" };
	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "";
}

static const char *state_name(th_vstate s)
{
	static const char *const names[] = { "missing", "blank", "number", "dash", "unreadable" };
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "";
}

/* A value as Vietnamese readers write it: decimal comma, no grouping. */
static void date_or_dash(th_date d, char out[TH_DATE_MAX], bool iso)
{
	if (!d.y)
		snprintf(out, TH_DATE_MAX, "%s", iso ? "" : "—");
	else if (iso)
		th_date_iso(d, out);
	else
		th_date_vn(d, out);
}

/* "?? 'text'" for a value that could not be read, cut on a character boundary to fit. */
static void shown(const char *w, char *out, size_t cap)
{
	size_t n = strlen(w), max = cap - sizeof("?? ''…");

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)w[n] & 0xC0) == 0x80)
			n--; /* w[n] starts a character: cut before it */
	}
	snprintf(out, cap, "?? '%.*s'%s", (int)n, w, n < strlen(w) ? "…" : "");
}

static void print_text(const th_filing *f, FILE *out)
{
	const th_schema *s = f->schema;
	char a[TH_DATE_MAX], b[TH_DATE_MAX], label[TH_PERIOD_LABEL_MAX], code[TH_PERIOD_MAX];

	fputs("Tệp: ", out);
	th_put_clean(f->path, out);
	putc('\n', out);
	if (f->unit) {
		fprintf(out, "Đơn vị: %s %s\n", f->unit->code, f->unit->name);
	} else {
		fputs("Đơn vị: chưa xác định", out);
		if (f->unit_at.written) {
			fputs(" — ghi: ", out);
			th_put_clean(f->unit_at.written, out);
		}
		putc('\n', out);
	}
	if (f->period.kind != TH_P_NONE) {
		th_period_label_vi(f->period, label, sizeof(label));
		th_period_format(f->period, code, sizeof(code));
		fprintf(out, "Kỳ báo cáo: %s (%s)\n", label, code);
	} else {
		fputs("Kỳ báo cáo: chưa xác định\n", out);
	}
	date_or_dash(f->window_from, a, false);
	date_or_dash(f->window_to, b, false);
	fprintf(out, "Thời gian lấy số liệu: %s – %s\n", a, b);
	date_or_dash(f->report_date, a, false);
	fprintf(out, "Ngày báo cáo: %s\n", a);
	for (size_t i = 0; i < s->n_forms; i++) {
		const th_formdef *fd = &s->forms[i];
		fprintf(out, "\n%s — %s\n", fd->title, fd->name);
		for (size_t r = 0; r < fd->n_rows; r++) {
			const th_value *v = &f->values[i][r];
			char val[64], ref[TH_CELLREF_MAX];

			switch (v->state) {
			case TH_VAL_NUMBER: th_vn_format(v->num, v->decimals, true, val, sizeof(val)); break;
			case TH_VAL_BLANK: snprintf(val, sizeof(val), "(trống)"); break;
			case TH_VAL_DASH: snprintf(val, sizeof(val), "'%s'", v->written); break;
			case TH_VAL_UNREADABLE: shown(v->written, val, sizeof(val)); break;
			default: snprintf(val, sizeof(val), "(không có dòng)"); break;
			}
			fputs("  ", out);
			th_put_padded(out, fd->rows[r].code, 9);
			for (char *p = val; *p; p++)
				if ((unsigned char)*p < 0x20 || *p == 0x7f)
					*p = '?';
			th_put_padded(out, val, 17);
			th_put_padded(out, kind_vi(fd->rows[r].kind), 12);
			if (v->sheet >= 0)
				fprintf(out, " '%s'!%s", th_filing_sheet(f, v->sheet), th_cellref(v->row, v->col, ref));
			putc('\n', out);
		}
	}
	if (f->has_register)
		fprintf(out, "\nDanh mục văn bản: %zu văn bản\n", f->n_docs);
	fprintf(out, "\nVấn đề khi đọc: %zu\n", f->findings.n);
	for (size_t i = 0; i < f->findings.n; i++) {
		const th_finding *p = &f->findings.v[i];
		fprintf(out, "  [%s] ", th_severity_vi(p->severity));
		if (p->sheet[0])
			fprintf(out, "'%s'!%s: ", p->sheet, p->cell);
		fprintf(out, "%s\n", p->message);
	}
}

/* The figures of the row's other value columns (Kỳ trước, Kế hoạch, Lũy kế …), if any. */
static void json_others(th_json *j, const th_filing *f, size_t form, size_t row)
{
	bool any = false;

	for (size_t i = 0; i < f->n_others; i++) {
		const th_other *o = &f->others[i];
		char ref[TH_CELLREF_MAX];
		if (o->form != form || o->row != row)
			continue;
		if (!any) {
			th_json_key(j, "others");
			th_json_arr(j);
			any = true;
		}
		th_json_obj(j);
		th_json_kstr(j, "role", o->role);
		th_json_kstr(j, "header", o->header);
		th_json_key(j, "value");
		if (o->v.state == TH_VAL_NUMBER)
			th_json_num(j, o->v.num);
		else
			th_json_null(j);
		th_json_kstr(j, "state", state_name(o->v.state));
		th_json_kstr(j, "written", o->v.written);
		th_json_kstr(j, "sheet", th_filing_sheet(f, o->v.sheet));
		th_json_kstr(j, "cell", th_cellref(o->v.row, o->v.col, ref));
		th_json_end_obj(j);
	}
	if (any)
		th_json_end_arr(j);
}

static void print_json(const th_filing *f, FILE *out)
{
	const th_schema *s = f->schema;
	th_json j;
	char a[TH_DATE_MAX], code[TH_PERIOD_MAX];

	th_json_init(&j, out);
	th_json_obj(&j);
	th_json_kstr(&j, "file", f->path);
	th_json_key(&j, "unit");
	th_json_obj(&j);
	th_json_kstr(&j, "code", f->unit ? f->unit->code : NULL);
	th_json_kstr(&j, "name", f->unit ? f->unit->name : NULL);
	th_json_kstr(&j, "written", f->unit_at.written);
	th_json_end_obj(&j);
	if (f->period.kind != TH_P_NONE) {
		th_period_format(f->period, code, sizeof(code));
		th_json_kstr(&j, "period", code);
	} else {
		th_json_kstr(&j, "period", NULL);
	}
	th_json_key(&j, "window");
	th_json_obj(&j);
	date_or_dash(f->window_from, a, true);
	th_json_kstr(&j, "from", f->window_from.y ? a : NULL);
	date_or_dash(f->window_to, a, true);
	th_json_kstr(&j, "to", f->window_to.y ? a : NULL);
	th_json_end_obj(&j);
	date_or_dash(f->report_date, a, true);
	th_json_kstr(&j, "report_date", f->report_date.y ? a : NULL);
	th_json_key(&j, "values");
	th_json_obj(&j);
	for (size_t i = 0; i < s->n_forms; i++) {
		const th_formdef *fd = &s->forms[i];
		th_json_key(&j, fd->id);
		th_json_obj(&j);
		for (size_t r = 0; r < fd->n_rows; r++) {
			const th_value *v = &f->values[i][r];
			char ref[TH_CELLREF_MAX];

			th_json_key(&j, fd->rows[r].code);
			th_json_obj(&j);
			th_json_key(&j, "value");
			if (v->state == TH_VAL_NUMBER)
				th_json_num(&j, v->num);
			else
				th_json_null(&j);
			th_json_kstr(&j, "kind", kind_name(fd->rows[r].kind));
			th_json_kstr(&j, "state", state_name(v->state));
			th_json_kstr(&j, "written", v->written);
			th_json_kstr(&j, "sheet", v->sheet >= 0 ? th_filing_sheet(f, v->sheet) : NULL);
			th_json_kstr(&j, "cell", v->sheet >= 0 ? th_cellref(v->row, v->col, ref) : NULL);
			if (v->how)
				th_json_kstr(&j, "how", v->how);
			if (v->note)
				th_json_kstr(&j, "note", v->note);
			json_others(&j, f, i, r);
			th_json_end_obj(&j);
		}
		th_json_end_obj(&j);
	}
	th_json_end_obj(&j);
	th_json_key(&j, "problems");
	th_json_arr(&j);
	for (size_t i = 0; i < f->findings.n; i++)
		th_json_finding(&j, &f->findings.v[i], NULL, NULL);
	th_json_end_arr(&j);
	th_json_end_obj(&j);
	putc('\n', out);
}

int cmd_read(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "schema", required_argument, NULL, 's' },
		TH_CONFIG_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	th_config_opts o = { NULL, NULL, NULL, NULL };
	th_period none = { TH_P_NONE, 0, 0 };
	bool json = false;
	th_config cfg;
	th_filing *f = NULL;
	th_err e = { 0 };
	int ch, rc;

	optind = 0;
	while ((ch = th_getopt(argc, argv, "h", opts)) != -1) {
		if (th_config_option(&o, ch, optarg))
			continue;
		switch (ch) {
		case 'j': json = true; break;
		case 's': o.schema = optarg; break;
		case 'h': fputs(read_usage, stdout); return th_finish_stdout(TH_EXIT_OK);
		default:
			fputs("xem 'tonghop read --help'\n", stderr);
			return TH_EXIT_USAGE;
		}
	}
	if (argc - optind != 1) {
		th_complain("read cần đúng một tệp");
		fputs(read_usage, stderr);
		return TH_EXIT_USAGE;
	}
	rc = th_config_load(&cfg, &o, none, false);
	if (rc)
		return rc;
	if (th_config_read(&cfg, argv[optind], &f, &e)) {
		th_report(argv[optind], &e);
		th_config_release(&cfg);
		return th_exit_for(e.code);
	}
	if (json)
		print_json(f, stdout);
	else
		print_text(f, stdout);
	th_filing_free(f);
	th_config_release(&cfg);
	return th_finish_stdout(TH_EXIT_OK);
}
