/*
 * libFuzzer target, differential: the input is one XML part, read by the reader's scanner
 * (th_xp_stream_part) and by expat alone (th_xp_stream_expat); the two must agree on the
 * events (names, attribute values, text), the result and the failure's message, or it
 * aborts. A first byte below 32 makes the scanner read that many bytes at a time (tokens
 * across reads); from 32 to 63, a handler stops the parse at event (byte - 32).
 * Build and run: make fuzz, then
 *   build/fuzz/fuzz_xmlscan -max_total_time=300 -dict=tests/fuzz/xlsx.dict DIR
 * with DIR a folder of XML parts (unzip some .xlsx). Nothing of it runs under make test:
 * tests/unit/test_xmlscan.c holds the deterministic comparisons.
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "read/xlsx_part.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static int stop_at = -1, events;

static bool stop_here(xp *c)
{
	if (events++ != stop_at)
		return false;
	th_xp_halt(c, 7);
	return true;
}

static void rec_start(xp *c, const char *name, const char **atts)
{
	th_sbuf *log = c->ud;

	if (stop_here(c))
		return;
	th_sbuf_addc(log, '\1');
	th_sbuf_adds(log, name);
	for (; atts[0]; atts += 2) {
		th_sbuf_addc(log, '\2');
		th_sbuf_adds(log, atts[0]);
		th_sbuf_addc(log, '\3');
		th_sbuf_adds(log, atts[1]);
	}
	c->text = log;
}

static void rec_end(xp *c, const char *name)
{
	th_sbuf *log = c->ud;

	if (stop_here(c))
		return;
	th_sbuf_addc(log, '\4');
	th_sbuf_adds(log, name);
	c->text = log;
}

struct outcome {
	int rc;
	th_err e;
	th_sbuf log;
};

static void read_part(zip_t *za, bool expat_only, size_t chunk, struct outcome *o)
{
	th_xlsx *x = calloc(1, sizeof(*x));
	xp c = { .start = rec_start, .end = rec_end, .ud = &o->log };

	if (!x)
		abort();
	x->lim = th_xlsx_default_limits;
	x->zip = za;
	x->scan_chunk = chunk;
	memset(&o->e, 0, sizeof(o->e));
	th_sbuf_init(&o->log, 0);
	events = 0;
	o->rc = expat_only ? th_xp_stream_expat(x, 0, "p.xml", &c, &o->e) :
			     th_xp_stream_part(x, 0, "p.xml", &c, &o->e);
	free(x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za;
	struct outcome a, b;
	size_t chunk = 0;
	bool same;

	stop_at = -1;
	if (len && data[0] < 32)
		chunk = data[0];
	else if (len && data[0] < 64)
		stop_at = data[0] - 32;
	if (len && data[0] < 64) {
		data++;
		len--;
	}
	zip_error_init(&ze);
	src = zip_source_buffer_create(NULL, 0, 0, &ze);
	za = src ? zip_open_from_source(src, ZIP_TRUNCATE, &ze) : NULL;
	if (!za || zip_file_add(za, "p.xml", zip_source_buffer(za, data, len, 0), 0) != 0)
		abort();
	zip_source_keep(src);
	if (zip_close(za) != 0 || !(za = zip_open_from_source(src, ZIP_RDONLY, &ze)))
		abort();
	read_part(za, false, chunk, &a);
	read_part(za, true, 0, &b);
	same = a.rc == b.rc;
	if (same && a.rc == 0)
		same = a.log.len == b.log.len && memcmp(a.log.buf, b.log.buf, a.log.len) == 0;
	else if (same && a.rc < 0)
		same = a.e.code == b.e.code && strcmp(a.e.msg, b.e.msg) == 0;
	if (!same) {
		fprintf(stderr, "the scanner (%d, %s) and expat (%d, %s) disagree\n", a.rc, a.e.msg, b.rc, b.e.msg);
		abort();
	}
	th_sbuf_release(&a.log);
	th_sbuf_release(&b.log);
	zip_discard(za);
	zip_error_fini(&ze);
	return 0;
}
