/*
 * Replays fuzz inputs through LLVMFuzzerTestOneInput without libFuzzer (gcc builds, make
 * test): each argument is a file or a directory whose files (not recursive) are run in name
 * order. A crash kills the process; an unreadable path is counted as a failure.
 * SPDX-License-Identifier: MIT
 */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned long n_run, n_failed;
static const char *volatile current; /* the input being run, for the abort handler */

/*
 * Sanitizer reports end in abort() (abort_on_error=1) and CHECK() calls abort(): name the
 * input that did it, then die of the same signal. Only async-signal-safe calls here.
 */
static void on_abort(int sig)
{
	const char *p = current;

	if (p) {
		static const char head[] = "CRASH while replaying ";
		ssize_t ignored;

		ignored = write(STDERR_FILENO, head, sizeof(head) - 1);
		ignored = write(STDERR_FILENO, p, strlen(p));
		ignored = write(STDERR_FILENO, "\n", 1);
		(void)ignored;
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Read the whole of path into a new buffer; NULL (errno set) on failure. */
static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL, *nb;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 64 * 1024;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		free(buf);
		fclose(f);
		errno = EIO;
		return NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

static void fail(const char *path, const char *why)
{
	printf("FAIL %s: %s\n", path, why);
	n_failed++;
}

static void run_file(const char *path)
{
	size_t len = 0;
	uint8_t *buf = slurp(path, &len);

	if (!buf) {
		fail(path, strerror(errno));
		return;
	}
	current = path;
	LLVMFuzzerTestOneInput(buf, len);
	current = NULL;
	free(buf);
	printf("PASS %s (%zu bytes)\n", path, len);
	n_run++;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL, **nn;
	size_t n = 0, cap = 0;

	if (!d) {
		fail(dir, strerror(errno));
		return;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue; /* ".", ".." and hidden files such as .gitkeep */
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			nn = realloc(names, cap * sizeof(*names));
			if (!nn) {
				fail(dir, "out of memory");
				break;
			}
			names = nn;
		}
		names[n] = malloc(strlen(dir) + strlen(de->d_name) + 2);
		if (!names[n]) {
			fail(dir, "out of memory");
			break;
		}
		snprintf(names[n], strlen(dir) + strlen(de->d_name) + 2, "%s/%s", dir, de->d_name);
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < n; i++) {
		struct stat sb;

		if (stat(names[i], &sb) != 0)
			fail(names[i], strerror(errno));
		else if (S_ISREG(sb.st_mode))
			run_file(names[i]);
		/* subdirectories and special files are skipped: the walk is not recursive */
		free(names[i]);
	}
	free(names);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGABRT, on_abort);
	for (int i = 1; i < argc; i++) {
		struct stat sb;

		if (stat(argv[i], &sb) != 0)
			fail(argv[i], strerror(errno));
		else if (S_ISDIR(sb.st_mode))
			run_dir(argv[i]);
		else
			run_file(argv[i]);
	}
	printf("replayed %lu inputs\n", n_run);
	printf("%lu passed, %lu failed\n", n_run, n_failed);
	return n_failed ? 1 : 0;
}
