/*
 * The document register of a return (filing_read.h): the schema's register sheet, or the
 * table whose header row holds its column titles in any sheet; one entry per document,
 * each cell kept as written and the date read.
 * SPDX-License-Identifier: MIT
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/mem.h"
#include "base/sbuf.h"
#include "base/text.h"
#include "model/filing_read.h"
#include "base/banned.h"

/*
 * The register's header row: the four column titles, in the schema's register sheet when
 * the workbook has one, else in any sheet. Sets *sheet, *hrow and col[] (-1: a column not
 * found; the number and date columns always are). False when there is none.
 */
static bool register_table(const struct locate *c, int *sheet, uint32_t *hrow, int col[4])
{
	const th_schema *s = c->schema;
	const th_grid *g = c->g;
	char *want = th_text_key_ascii(s->register_sheet, strlen(s->register_sheet));

	*sheet = -1;
	for (size_t i = 0; i < g->n_sheets && *sheet < 0; i++)
		if (strcmp(g->sheets[i].key, want) == 0)
			*sheet = (int)i;
	free(want);
	for (size_t i = 0; i < g->n_sheets; i++) {
		const th_gsheet *sh = &g->sheets[i];
		if (*sheet >= 0 && (int)i != *sheet)
			continue;
		for (size_t k = 0; k < sh->n_cells; k++) {
			const th_gcell *cell = &sh->cells[k];
			char *ck;
			int found = 0;
			if (cell->type != TH_CELL_STRING)
				continue;
			ck = th_text_key_ascii(s->register_columns[1], strlen(s->register_columns[1]));
			if (strcmp(cell->key, ck) == 0) {
				/* the row of "Số, ký hiệu": find the other three in it */
				for (int j = 0; j < 4; j++) {
					char *want_j = th_text_key_ascii(s->register_columns[j],
									strlen(s->register_columns[j]));
					for (size_t m = th_grid_row_start(sh, cell->row);
					     m < sh->n_cells && sh->cells[m].row == cell->row; m++)
						if (strcmp(sh->cells[m].key, want_j) == 0) {
							col[j] = sh->cells[m].col;
							found++;
							break;
						}
					free(want_j);
				}
			}
			free(ck);
			if (found >= 3 && col[1] >= 0 && col[2] >= 0) {
				*sheet = (int)i;
				*hrow = cell->row;
				return true;
			}
		}
	}
	return false;
}

/* One entry per document under the header row: each cell as the sheet shows it, the date read. */
static void register_entries(struct locate *c, int sheet, uint32_t hrow, const int col[4])
{
	const th_grid *g = c->g;
	const th_gsheet *sh = &g->sheets[sheet];
	size_t cap = 0;

	for (uint32_t row = hrow + 1; row < sh->n_rows; row++) {
		const th_gcell *num = th_grid_at(sh, row, (uint16_t)col[1]);
		const th_gcell *date = th_grid_at(sh, row, (uint16_t)col[2]);
		const th_gcell *stt = col[0] >= 0 ? th_grid_at(sh, row, (uint16_t)col[0]) : NULL;
		const th_gcell *sum = col[3] >= 0 ? th_grid_at(sh, row, (uint16_t)col[3]) : NULL;
		th_docentry *d;
		th_sbuf sb = TH_SBUF_INIT;

		/* a numbered row with a summary but no number or date is a document all the
		 * same: kept, so that the checks say what it lacks (a signature or a total
		 * under the table has no STT) */
		if (!num && !date && !(stt && sum && sum->type == TH_CELL_STRING && sum->text[0]))
			continue;
		th_grow((void **)&c->f->docs, &cap, c->f->n_docs + 1, sizeof(*c->f->docs));
		d = &c->f->docs[c->f->n_docs++];
		memset(d, 0, sizeof(*d));
		d->sheet = sheet;
		d->row = row;
		d->number_col = (uint16_t)col[1];
		d->date_col = (uint16_t)col[2];
		if (stt)
			th_grid_cell_text(g, stt, &sb);
		d->stt = th_sbuf_detach(&sb, NULL);
		if (num)
			th_grid_cell_text(g, num, &sb);
		d->number = th_sbuf_detach(&sb, NULL);
		if (sum)
			th_grid_cell_text(g, sum, &sb);
		d->summary = th_sbuf_detach(&sb, NULL);
		if (date)
			th_grid_cell_text(g, date, &sb);
		d->date_written = th_sbuf_detach(&sb, NULL);
		if (date && date->type == TH_CELL_NUMBER)
			th_date_from_serial(date->num, g->date1904, &d->date);
		else if (date)
			th_vn_parse_date(date->text, strlen(date->text), &d->date);
	}
}

void th_locate_register(struct locate *c)
{
	int sheet, col[4] = { -1, -1, -1, -1 };
	uint32_t hrow = 0;

	if (!c->schema->register_sheet || !register_table(c, &sheet, &hrow, col))
		return;
	c->f->has_register = true;
	register_entries(c, sheet, hrow, col);
}
