/*
 * Unit tests for writing an output (outfile.h): a whole file replaces the target only at
 * commit, through a link to its target; the temporary file is hidden beside the target
 * and never left behind; folders, devices, pipes and dangling links are refused; a write
 * that fails (a full disk, simulated by a file size limit) or a temporary file swapped
 * behind our back leaves the target as it was.
 * SPDX-License-Identifier: MIT
 */
#define _DEFAULT_SOURCE /* mkdtemp */
#include <dirent.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/outfile.h"

static char dir[] = "/tmp/th_outfile_XXXXXX";

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *in_dir(const char *name)
{
	static char path[4][256];
	static int k;

	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/%s", dir, name);
	return path[k];
}

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* The file's text (up to 255 bytes), "" when it cannot be read. */
static const char *file_text(const char *path)
{
	static char buf[256];
	FILE *f = fopen(path, "r");
	size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

	if (f)
		fclose(f);
	buf[n] = '\0';
	return buf;
}

static size_t hidden_files(void)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d)))
		n += de->d_name[0] == '.' && strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
	closedir(d);
	return n;
}

static void write_ok(const char *path, const char *text)
{
	th_outfile *o;
	th_err e = { 0 };

	if (th_outfile_open(&o, path, &e))
		fail_msg("open %s: %s", path, e.msg);
	fputs(text, th_outfile_stream(o));
	if (th_outfile_commit(o, &e))
		fail_msg("commit %s: %s", path, e.msg);
}

static void test_new_file_and_mode(void **state)
{
	struct stat st;
	mode_t old = umask(027);

	(void)state;
	write_ok(in_dir("new.json"), "{}\n");
	umask(old);
	assert_string_equal(file_text(in_dir("new.json")), "{}\n");
	assert_int_equal(stat(in_dir("new.json"), &st), 0);
	assert_int_equal(st.st_mode & 0777, 0640); /* 0666 less the umask, not mkstemp's 0600 */
	assert_int_equal(hidden_files(), 0);
}

static void test_temporary_beside_and_hidden(void **state)
{
	th_outfile *o;
	th_err e = { 0 };
	const char *tmp;
	size_t n = strlen(dir);

	(void)state;
	assert_int_equal(th_outfile_open(&o, in_dir("r.xlsx"), &e), 0);
	tmp = th_outfile_tmp_path(o);
	assert_memory_equal(tmp, dir, n);
	assert_int_equal(strncmp(tmp + n, "/.r.xlsx.", 9), 0);
	assert_int_equal(strlen(tmp + n), strlen("/.r.xlsx.XXXXXX"));
	assert_false(access(in_dir("r.xlsx"), F_OK) == 0); /* nothing at the target before commit */
	th_outfile_abort(o);
	assert_int_equal(hidden_files(), 0);
	assert_false(access(in_dir("r.xlsx"), F_OK) == 0);
}

static void test_replace_and_abort(void **state)
{
	th_outfile *o;
	th_err e = { 0 };
	struct stat before, after;

	(void)state;
	put_file(in_dir("keep.json"), "old");
	assert_int_equal(stat(in_dir("keep.json"), &before), 0);
	/* given up half-way: the old file stays */
	assert_int_equal(th_outfile_open(&o, in_dir("keep.json"), &e), 0);
	fputs("half", th_outfile_stream(o));
	th_outfile_abort(o);
	assert_string_equal(file_text(in_dir("keep.json")), "old");
	/* committed: a new file took its place (renamed, not written into) */
	write_ok(in_dir("keep.json"), "new");
	assert_string_equal(file_text(in_dir("keep.json")), "new");
	assert_int_equal(stat(in_dir("keep.json"), &after), 0);
	assert_true(before.st_ino != after.st_ino);
	assert_int_equal(hidden_files(), 0);
	th_outfile_abort(NULL);
}

static void test_through_a_link(void **state)
{
	struct stat st;

	(void)state;
	put_file(in_dir("real.json"), "old");
	assert_int_equal(symlink(in_dir("real.json"), in_dir("link.json")), 0);
	write_ok(in_dir("link.json"), "new");
	assert_int_equal(lstat(in_dir("link.json"), &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_string_equal(file_text(in_dir("real.json")), "new");
}

static void refused(const char *path)
{
	th_outfile *o = (th_outfile *)&o;
	th_err e = { 0 };

	assert_int_equal(th_outfile_open(&o, path, &e), -1);
	assert_null(o);
	assert_int_equal(e.code, TH_E_WRITE);
	assert_non_null(strstr(e.msg, "không phải tệp thông thường"));
}

static void test_refused_targets(void **state)
{
	th_outfile *o;
	th_err e = { 0 };

	(void)state;
	assert_int_equal(mkdir(in_dir("folder"), 0755), 0);
	refused(in_dir("folder"));
	refused("/dev/null");
	assert_int_equal(mkfifo(in_dir("pipe"), 0644), 0);
	refused(in_dir("pipe")); /* judged without opening it: no wait for a reader */
	assert_int_equal(symlink(in_dir("nowhere/x"), in_dir("dangling")), 0);
	refused(in_dir("dangling"));
	/* a folder that does not exist: the reason is the system's */
	assert_int_equal(th_outfile_open(&o, in_dir("no/such/x.json"), &e), -1);
	assert_non_null(strstr(e.msg, "không có tệp hay thư mục này"));
	assert_int_equal(hidden_files(), 0);
}

static void test_disk_full(void **state)
{
	th_outfile *o;
	th_err e = { 0 };
	struct rlimit old, lim;
	char block[1024];

	(void)state;
	put_file(in_dir("full.json"), "good");
	memset(block, 'x', sizeof(block));
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 8192;
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	assert_int_equal(th_outfile_open(&o, in_dir("full.json"), &e), 0);
	for (int i = 0; i < 64; i++)
		fwrite(block, 1, sizeof(block), th_outfile_stream(o));
	assert_int_equal(th_outfile_commit(o, &e), -1);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_int_equal(e.code, TH_E_WRITE);
	assert_non_null(strstr(e.msg, "tệp quá lớn"));
	assert_string_equal(file_text(in_dir("full.json")), "good");
	assert_int_equal(hidden_files(), 0);
}

/* The temporary file replaced by another under its name (as a library reopening it by name
 * could be led to): the commit refuses it, the target stays. */
static void test_swapped_temporary(void **state)
{
	th_outfile *o;
	th_err e = { 0 };
	char tmp[300];

	(void)state;
	put_file(in_dir("swap.json"), "good");
	assert_int_equal(th_outfile_open(&o, in_dir("swap.json"), &e), 0);
	snprintf(tmp, sizeof(tmp), "%s", th_outfile_tmp_path(o));
	assert_int_equal(unlink(tmp), 0);
	put_file(tmp, "planted");
	assert_int_equal(th_outfile_commit(o, &e), -1);
	assert_non_null(strstr(e.msg, "đã bị thay"));
	assert_string_equal(file_text(in_dir("swap.json")), "good");
	assert_int_equal(hidden_files(), 0);
}

/* A path without a folder is written in the current one. */
static void test_bare_name(void **state)
{
	char cwd[512];

	(void)state;
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	write_ok("bare.json", "x");
	assert_int_equal(chdir(cwd), 0);
	assert_string_equal(file_text(in_dir("bare.json")), "x");
	assert_int_equal(hidden_files(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_file_and_mode),
		cmocka_unit_test(test_temporary_beside_and_hidden),
		cmocka_unit_test(test_replace_and_abort),
		cmocka_unit_test(test_through_a_link),
		cmocka_unit_test(test_refused_targets),
		cmocka_unit_test(test_disk_full),
		cmocka_unit_test(test_swapped_temporary),
		cmocka_unit_test(test_bare_name),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
