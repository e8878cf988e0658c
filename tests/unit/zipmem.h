/*
 * Test helper: a zip archive built in memory with libzip, for the reader tests
 * (test_reader.c, test_ods.c) and the patch's (test_patch.c). Include after <cmocka.h>
 * and <zip.h>.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_TEST_ZIPMEM_H
#define TH_TEST_ZIPMEM_H

/*
 * A zip archive in memory: names_and_contents holds n (name, content) pairs, 2n strings,
 * every entry dated 2017-07-14 (the same bytes on every run). Returns a malloc'd buffer
 * of *len bytes.
 */
static unsigned char *make_zip(const char *const *names_and_contents, size_t n, size_t *len)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za;
	zip_stat_t st;
	unsigned char *buf;

	zip_error_init(&ze);
	src = zip_source_buffer_create(NULL, 0, 0, &ze);
	assert_non_null(src);
	za = zip_open_from_source(src, ZIP_TRUNCATE, &ze);
	assert_non_null(za);
	for (size_t i = 0; i < n; i++) {
		const char *data = names_and_contents[2 * i + 1];
		zip_source_t *fs = zip_source_buffer(za, data, strlen(data), 0);

		zip_int64_t k;

		assert_non_null(fs);
		if ((k = zip_file_add(za, names_and_contents[2 * i], fs, ZIP_FL_ENC_UTF_8)) < 0) {
			zip_source_free(fs);
			fail_msg("zip_file_add %s: %s", names_and_contents[2 * i], zip_strerror(za));
		}
		zip_file_set_mtime(za, (zip_uint64_t)k, 1500000000, 0);
	}
	zip_source_keep(src);
	if (zip_close(za) != 0)
		fail_msg("zip_close: %s", zip_strerror(za));
	assert_int_equal(zip_source_open(src), 0);
	zip_stat_init(&st);
	assert_int_equal(zip_source_stat(src, &st), 0);
	assert_true(st.valid & ZIP_STAT_SIZE);
	buf = malloc(st.size ? st.size : 1);
	assert_non_null(buf);
	assert_int_equal(zip_source_read(src, buf, st.size), (zip_int64_t)st.size);
	zip_source_close(src);
	zip_source_free(src);
	zip_error_fini(&ze);
	*len = (size_t)st.size;
	return buf;
}

#endif
