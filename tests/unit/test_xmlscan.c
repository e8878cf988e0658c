/*
 * Unit tests for the XML scanner (src/read/xlsx_scan.c) against expat: every part is read
 * both ways (th_xp_stream_part, the scanner first, and th_xp_stream_expat) and the two must
 * agree: the same events (names, attribute values, text), the same result, the same
 * failure and message. Hand-written parts cover each construct and each way XML breaks;
 * then thousands of mutations of real parts (seeded, the same on every run).
 * With FILE arguments (not under make test): every XML part of those packages, both ways,
 * one line per disagreement and a "N passed, N failed" line; with --mutations N SEED, N
 * mutations from another seed.
 * SPDX-License-Identifier: MIT
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zip.h>

#include "read/xlsx_part.h"

/* ---- one part read both ways ---- */

struct rec {
	th_sbuf log; /* the events: \1 start name, \2 attribute name, \3 its value, \4 end */
};

static void rec_start(xp *c, const char *name, const char **atts)
{
	th_sbuf *log = c->ud;

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

	th_sbuf_addc(log, '\4');
	th_sbuf_adds(log, name);
	c->text = log;
}

struct outcome {
	int rc;
	th_err e;
	th_sbuf log;
};

/* The scanner's read size: 0 (its own), or a few bytes, so that every token falls across reads. */
static size_t chunk;

static void read_part(zip_t *za, zip_uint64_t index, bool expat_only, struct outcome *o)
{
	th_xlsx *x = calloc(1, sizeof(*x));
	xp c = { .start = rec_start, .end = rec_end };

	assert_non_null(x);
	x->lim = th_xlsx_default_limits;
	x->zip = za;
	x->scan_chunk = chunk;
	memset(&o->e, 0, sizeof(o->e));
	th_sbuf_init(&o->log, 0);
	c.ud = &o->log;
	o->rc = expat_only ? th_xp_stream_expat(x, index, "p.xml", &c, &o->e) :
			     th_xp_stream_part(x, index, "p.xml", &c, &o->e);
	free(x);
}

/* The two readings of entry index agree; what differs is said in why (static). */
static bool agree(zip_t *za, zip_uint64_t index, const char **why)
{
	struct outcome a, b;
	bool same;

	read_part(za, index, false, &a);
	read_part(za, index, true, &b);
	same = a.rc == b.rc;
	*why = "result";
	if (same && a.rc == 0) {
		same = a.log.len == b.log.len && memcmp(a.log.buf, b.log.buf, a.log.len) == 0;
		*why = "events";
	} else if (same) {
		same = a.e.code == b.e.code && strcmp(a.e.msg, b.e.msg) == 0;
		*why = "failure";
		/* a broken part: never an event expat did not hand before it found the break (a
		 * caller that goes on with what it got must get no more than expat gave it) */
		if (same && (a.log.len > b.log.len || memcmp(a.log.buf, b.log.buf, a.log.len) != 0)) {
			same = false;
			*why = "events past the break";
		}
	}
	if (!same)
		fprintf(stderr, "scanner %d '%s' / expat %d '%s'\n", a.rc, a.e.msg, b.rc, b.e.msg);
	th_sbuf_release(&a.log);
	th_sbuf_release(&b.log);
	return same;
}

/* A zip in memory holding data as its one entry, and the two readings compared. */
static bool agree_on(const char *data, size_t len, const char **why)
{
	zip_error_t ze;
	zip_source_t *src, *fs;
	zip_t *za;
	bool ok;

	zip_error_init(&ze);
	src = zip_source_buffer_create(NULL, 0, 0, &ze);
	assert_non_null(src);
	za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	assert_non_null(za);
	fs = zip_source_buffer(za, data, len, 0);
	assert_non_null(fs);
	assert_true(zip_file_add(za, "p.xml", fs, 0) >= 0);
	zip_source_keep(src);
	assert_int_equal(zip_close(za), 0);
	za = zip_open_from_source(src, ZIP_RDONLY, &ze);
	assert_non_null(za);
	ok = agree(za, 0, why);
	zip_discard(za); /* frees src */
	zip_error_fini(&ze);
	return ok;
}

/* ---- hand-written parts ---- */

#define DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

static const char *const cases[] = {
	/* well-formed */
	DECL "<a/>",
	"<a/>",
	"\xEF\xBB\xBF<a/>",
	DECL "<x:a xmlns:x=\"u\" b='1' c = \"2\" ><x:b/>t<c>v</c></x:a>\n\n",
	DECL "<a b=\"&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x10FFFF;&#9;&#10;&#13;\"/>",
	DECL "<a b=\"x\ty\nz\r\nw\rv\"/>",
	DECL "<a>x\r\ny\rz\n&#13;&#x0D;\r</a>",
	DECL "<a>&lt;&gt;&amp;&quot;&apos;&#0065;&#x00042;</a>",
	DECL "<a>]] ] ]]&gt; ]x</a>",
	DECL "<a>Vi\xE1\xBB\x87t \xF0\x9F\x98\x80 \xC3\xA9\x7F</a>",
	DECL "<a><!-- a comment - with dashes --><b/></a><!-- after -->",
	DECL "<a><?pi some data?><b/></a><?pi after?>",
	DECL "<a><![CDATA[<b>&amp;]]] \r\n x]]></a>",
	DECL "<a \xC3\xA9=\"1\"/>",
	DECL "<\xC3\xA9/>",
	DECL "<a a1='1' a2='1' a3='1' a4='1' a5='1' a6='1' a7='1' a8='1' a9='1' a10='1' a11='1'"
	     " a12='1' a13='1' a14='1' a15='1' a16='1' a17='1' a18='1'/>",
	DECL "<a:b:c/>",
	DECL "<_a.b-c/>",
	"<?xml version='1.0' encoding='utf-8'?><a/>",
	"<?xml version=\"1.0\"?><a/>",
	"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a>\xE9</a>",
	"<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>",
	"<!DOCTYPE a [<!ENTITY e \"x\">]><a>&e;</a>",
	"<!-- first --><a/>",
	"<?pi?><a/>",
	"\n\n  <a/>",
	"\xFF\xFE<\0a\0/\0>\0",
	/* not well-formed */
	"",
	"   ",
	DECL,
	DECL "<a>",
	DECL "<a></b>",
	DECL "<a/><b/>",
	DECL "<a/>x",
	DECL "<a b=\"1\" b=\"2\"/>",
	DECL "<a b=\"1\"c=\"2\"/>",
	DECL "<a b=1/>",
	DECL "<a b=\"<\"/>",
	DECL "<a b=\"&\"/>",
	DECL "<a b=\"&foo;\"/>",
	DECL "<a>&foo;</a>",
	DECL "<a>&#0;</a>",
	DECL "<a>&#xD800;</a>",
	DECL "<a>&#x110000;</a>",
	DECL "<a>&#xFFFE;</a>",
	DECL "<a>&#X41;</a>",
	DECL "<a>&#;</a>",
	DECL "<a>&amp</a>",
	DECL "<a>]]></a>",
	DECL "<a>\x01</a>",
	DECL "<a>\xC0\x80</a>",
	DECL "<a>\xED\xA0\x80</a>",
	DECL "<a>\xEF\xBF\xBF</a>",
	DECL "<a>\xF4\x90\x80\x80</a>",
	DECL "<a>\xC3</a>",
	DECL "<a>\x80</a>",
	DECL "<a/ >",
	DECL "< a/>",
	DECL "<1a/>",
	DECL "<a></ a>",
	DECL "<a></a x>",
	DECL "<a><!-- a -- b --></a>",
	/* broken where the scanner is unsure: nothing handed past the break */
	DECL "<Types><?xml x?><Override PartName=\"/xl/wb2.xml\"/></Types>",
	DECL "<a><\xC2\xA0/><b/></a>",
	DECL "<a><?pi x?><b/><c>t</c></d>",
	DECL "<a><![CDATA[x]]><b/><c>t</c>&foo;</a>",
	DECL "<a \xC3\xA9=\"1\"><b/></a><c/>",
	DECL "<a><!-- a ---></a>",
	DECL "<a><!DOCTYPE b></a>",
	DECL "<a><![CDATA[x</a>",
	DECL "<a><?xml version=\"1.0\"?></a>",
	DECL "<a><\xC3\xA9/></a>",
	DECL "<a \xC3=\"1\"/>",
	DECL "<a><b></a></b>",
	DECL "<a>\0</a>",
	DECL "<a b=\"\x01\"/>",
	DECL "<a b='\"/>",
	DECL "<a/><![CDATA[x]]>",
	DECL "<a/><!DOCTYPE a>",
	DECL "<a/>&amp;",
	DECL "<a",
	DECL "<a b",
	DECL "<a b=",
	DECL "<a b=\"1",
	DECL "<a></a",
	DECL "<a>&#x41",
	DECL "<a>\r",
	DECL "<a>]",
	DECL "<a><!-",
	DECL "<a><![CD",
	DECL "<a><?pi",
};

static void test_cases(void **state)
{
	static const size_t chunks[] = { 0, 1, 2, 3, 5, 7 };

	(void)state;
	for (size_t k = 0; k < sizeof(chunks) / sizeof(chunks[0]); k++) {
		chunk = chunks[k];
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			const char *why;
			size_t len = strlen(cases[i]);

			if (cases[i][0] == '\xFF')
				len = 10; /* UTF-16 with its NULs */
			if (!agree_on(cases[i], len, &why))
				fail_msg("case %zu (%s), reads of %zu: the scanner and expat disagree on the %s", i,
					 cases[i], chunk, why);
		}
	}
	chunk = 0;
}

/* ---- mutations ---- */

static const char *const seeds[] = {
	DECL "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
	     "xmlns:r=\"r\"><dimension ref=\"A1:C3\"/><cols><col min=\"2\" max=\"3\" hidden=\"1\"/></cols>"
	     "<sheetData><row r=\"1\" spans=\"1:3\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" s=\"2\">"
	     "<v>12.5</v></c><c r=\"C1\" t=\"inlineStr\"><is><t xml:space=\"preserve\"> a&amp;b </t>"
	     "</is></c></row><row r=\"2\"><c r=\"A2\"><f t=\"shared\" ref=\"A2:A3\" si=\"0\">B1*2</f>"
	     "<v>25</v></c><c r=\"B2\" t=\"str\"><f>\"x\"&amp;\"y\"</f><v>xy</v></c></row>"
	     "<row r=\"3\" hidden=\"1\"><c r=\"A3\"><f t=\"shared\" si=\"0\"/><v>4</v></c></row>"
	     "</sheetData><mergeCells count=\"1\"><mergeCell ref=\"A1:B1\"/></mergeCells>"
	     "<extLst><ext uri=\"u\"><x14:c xmlns:x14=\"x\"/></ext></extLst></worksheet>",
	DECL "<sst xmlns=\"m\" count=\"3\" uniqueCount=\"3\"><si><t>Xã Tân Dân</t></si><si><r><rPr><b/>"
	     "<sz val=\"11\"/></rPr><t>Tổng </t></r><r><t xml:space=\"preserve\">số\n hồ sơ</t></r>"
	     "<rPh sb=\"0\" eb=\"1\"><t>x</t></rPh></si><si><t>_x000D_&#10;&lt;3</t></si></sst>",
	"<office:document-content xmlns:office=\"o\" xmlns:table=\"t\" xmlns:text=\"x\"><office:body>"
	"<table:table table:name=\"Trang 1\"><table:table-row table:number-rows-repeated=\"2\">"
	"<table:table-cell office:value-type=\"float\" office:value=\"3\"><text:p>3</text:p>"
	"</table:table-cell><table:table-cell><text:p>a<text:s text:c=\"2\"/>b</text:p>"
	"</table:table-cell></table:table-row></table:table></office:body></office:document-content>",
	"\xEF\xBB\xBF<?xml version='1.0' encoding='utf-8'?>\r\n<a x='&lt;&#x41;\t&quot;'><!-- c -->"
	"<b y=\"1\" z='2'>t&amp;&#10;\r\n]x<![CDATA[<&>]]]></b><?p d?><c/>\xC3\xA9</a><!--e-->\n",
};

/* What mutations insert: the bytes where XML is decided. */
static const char *const bits[] = {
	"<", ">", "/", "\"", "'", "=", "&", ";", "&amp;", "&#10;", "&#x;", "&lt", "\r", "\r\n", "\n",
	"\t", " ", "]]>", "]", "<!--", "-->", "--", "<![CDATA[", "<?", "?>", "<!DOCTYPE", "\xC3",
	"\xC3\xA9", "\xED\xA0\x80", "\xEF\xBF\xBE", "\x01", ":", "a=\"1\"", " b='2'", "<x>", "</x>",
	"<x/>", "&#0;", "&foo;", "\xF0\x9F\x98\x80", "\x7F",
};

static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint32_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng >> 11);
}

/* One to three random edits of seed into out (room for len + 64 bytes); its length. */
static size_t mutate(const char *seed, char *out)
{
	size_t n = strlen(seed);
	int edits = 1 + (int)(next() % 3);

	memcpy(out, seed, n);
	for (int k = 0; k < edits; k++) {
		size_t at = n ? next() % (n + 1) : 0, m;
		const char *bit = bits[next() % (sizeof(bits) / sizeof(bits[0]))];
		switch (next() % 4) {
		case 0: /* insert */
			m = strlen(bit);
			memmove(out + at + m, out + at, n - at);
			memcpy(out + at, bit, m);
			n += m;
			break;
		case 1: /* delete a few bytes */
			m = next() % 4 + 1;
			if (at + m > n)
				m = n - at;
			memmove(out + at, out + at + m, n - at - m);
			n -= m;
			break;
		case 2: /* overwrite one byte */
			if (at < n)
				out[at] = bit[0];
			break;
		default: /* cut the end */
			n = at;
			break;
		}
	}
	return n;
}

/* rounds mutations; the number that disagreed. */
static int mutations(long rounds)
{
	char *buf = malloc(8192);
	int bad = 0;

	assert_non_null(buf);
	for (long i = 0; i < rounds; i++) {
		const char *seed = seeds[i % (sizeof(seeds) / sizeof(seeds[0]))], *why;
		size_t n;

		assert_true(strlen(seed) + 3 * 64 < 8192);
		n = mutate(seed, buf);
		chunk = i % 3 ? 1 + next() % 24 : 0;
		if (!agree_on(buf, n, &why)) {
			fprintf(stderr, "mutation %ld disagrees on the %s: %.*s\n", i, why, (int)n, buf);
			bad++;
		}
	}
	free(buf);
	return bad;
}

static void test_mutations(void **state)
{
	(void)state;
	assert_int_equal(mutations(1500), 0);
}

/* ---- packages given on the command line ---- */

static int check_files(int argc, char **argv)
{
	int pass = 0, failed = 0;

	for (int i = 1; i < argc; i++) {
		int zerr;
		zip_t *za = zip_open(argv[i], ZIP_RDONLY, &zerr);
		zip_int64_t n = za ? zip_get_num_entries(za, 0) : 0;

		for (zip_int64_t k = 0; k < n; k++) {
			const char *name = zip_get_name(za, (zip_uint64_t)k, 0), *why;
			size_t len = name ? strlen(name) : 0;
			if (len < 5 || (strcmp(name + len - 4, ".xml") != 0 && strcmp(name + len - 5, ".rels") != 0))
				continue;
			if (agree(za, (zip_uint64_t)k, &why)) {
				pass++;
			} else {
				printf("FAIL %s %s: %s\n", argv[i], name, why);
				failed++;
			}
		}
		if (za)
			zip_discard(za);
	}
	printf("%d passed, %d failed\n", pass, failed);
	return failed != 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_mutations),
	};

	if (argc == 4 && strcmp(argv[1], "--mutations") == 0) {
		int bad;
		rng ^= strtoull(argv[3], NULL, 10) * 0x2545F4914F6CDD1Du;
		bad = mutations(atol(argv[2]));
		printf("%ld passed, %d failed\n", atol(argv[2]) - bad, bad);
		return bad != 0;
	}
	if (argc > 1)
		return check_files(argc, argv);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
