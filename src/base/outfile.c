/*
 * Writing an output through a temporary file in the target's folder; see outfile.h.
 * SPDX-License-Identifier: MIT
 */
#define _DEFAULT_SOURCE /* realpath, fchmod */
#include "base/outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/sbuf.h"
#include "base/banned.h"

struct th_outfile {
	char *target; /* the file replaced: the path given, or where its link points */
	char *tmp;    /* the temporary file beside it */
	FILE *stream; /* on tmp, from its mkstemp descriptor */
	dev_t dev;    /* what mkstemp made, to check it is still there at commit */
	ino_t ino;
};

/* The mode a new file gets: 0666 less the umask, read without changing it where the
 * kernel says it (a umask()/umask() pair would race with other threads' files). */
static mode_t new_file_mode(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[128];
	unsigned int mask = 0;
	bool found = false;

	while (f && !found && fgets(line, sizeof(line), f))
		found = sscanf(line, "Umask: %o", &mask) == 1;
	if (f)
		fclose(f);
	if (!found) {
		mode_t m = umask(022);
		umask(m);
		mask = (unsigned int)m;
	}
	return (mode_t)(0666 & ~mask);
}

/* "DIR/.NAME.XXXXXX" for target "DIR/NAME" (".NAME.XXXXXX" without a folder). */
static char *tmp_template(const char *target)
{
	const char *slash = strrchr(target, '/');
	th_sbuf sb = TH_SBUF_INIT;

	if (slash)
		th_sbuf_add(&sb, target, (size_t)(slash - target + 1));
	th_sbuf_addf(&sb, ".%s.XXXXXX", slash ? slash + 1 : target);
	return th_sbuf_detach(&sb, NULL);
}

static void outfile_free(th_outfile *o)
{
	if (o->stream)
		fclose(o->stream);
	free(o->tmp);
	free(o->target);
	free(o);
}

int th_outfile_open(th_outfile **out, const char *path, th_err *e)
{
	char eb[TH_ERRNO_VI_MAX];
	struct stat st;
	th_outfile *o;
	char *target;
	int fd;

	*out = NULL;
	target = lstat(path, &st) == 0 && S_ISLNK(st.st_mode) ? realpath(path, NULL) : th_xstrdup(path);
	if (!target || (stat(target, &st) == 0 && !S_ISREG(st.st_mode))) {
		free(target);
		return th_fail(e, TH_E_WRITE, "không phải tệp thông thường (thư mục, thiết bị, ống dẫn, "
			       "liên kết hỏng...), không ghi kết quả vào đó được");
	}
	o = th_xcalloc(1, sizeof(*o));
	o->target = target;
	o->tmp = tmp_template(target);
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		int err = errno;
		const char *slash = strrchr(target, '/');
		th_fail(e, TH_E_WRITE, "không tạo được tệp tạm trong thư mục '%.*s': %s",
			slash ? (int)(slash - target) : 1, slash ? target : ".", th_errno_vi(err, eb));
		o->tmp[0] = '\0';
		outfile_free(o);
		return -1;
	}
	/* the mode is a courtesy (a FAT or SMB folder may refuse it): its failure is no failure */
	(void)fchmod(fd, new_file_mode());
	o->stream = fdopen(fd, "w");
	if (!o->stream || fstat(fd, &st) != 0) {
		int err = errno;
		if (!o->stream)
			close(fd);
		th_fail(e, TH_E_WRITE, "không chuẩn bị được tệp tạm '%s': %s", o->tmp, th_errno_vi(err, eb));
		th_outfile_abort(o);
		return -1;
	}
	o->dev = st.st_dev;
	o->ino = st.st_ino;
	*out = o;
	return 0;
}

const char *th_outfile_tmp_path(const th_outfile *o)
{
	return o->tmp;
}

FILE *th_outfile_stream(th_outfile *o)
{
	return o->stream;
}

/* Sync the folder that holds path, so that the rename survives a power cut. Best effort:
 * some file systems cannot sync a folder, and the file itself is already on disk. */
static void sync_folder(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? th_xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : th_xstrdup(".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY);

	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

int th_outfile_commit(th_outfile *o, th_err *e)
{
	char eb[TH_ERRNO_VI_MAX];
	struct stat st;
	int err = 0;

	errno = 0;
	if (fflush(o->stream) != 0 || ferror(o->stream))
		err = errno ? errno : EIO;
	if (!err && (lstat(o->tmp, &st) != 0 || !S_ISREG(st.st_mode) || st.st_dev != o->dev ||
		     st.st_ino != o->ino)) {
		th_fail(e, TH_E_WRITE, "tệp tạm '%s' đã bị thay bằng tệp khác trong khi ghi: không dùng nó",
			o->tmp);
		th_outfile_abort(o);
		return -1;
	}
	if (!err && fsync(fileno(o->stream)) != 0)
		err = errno;
	if (!err) {
		int rc = fclose(o->stream);
		o->stream = NULL;
		if (rc != 0)
			err = errno ? errno : EIO;
	}
	if (!err && rename(o->tmp, o->target) != 0)
		err = errno;
	if (err) {
		th_fail(e, TH_E_WRITE, "không ghi được tệp: %s", th_errno_vi(err, eb));
		th_outfile_abort(o);
		return -1;
	}
	sync_folder(o->target);
	outfile_free(o);
	return 0;
}

void th_outfile_abort(th_outfile *o)
{
	if (!o)
		return;
	if (o->tmp[0])
		unlink(o->tmp);
	outfile_free(o);
}
