/*
 * Writing an output through a temporary file in the target's folder; see outfile.h.
 * SPDX-License-Identifier: MIT
 */
#define _DEFAULT_SOURCE /* realpath, fchmod, flock */
#include "base/outfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
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
	int lock;     /* a descriptor of tmp holding its flock (-1: none could be taken) */
	bool finished; /* written, synced and closed: only the rename is left */
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
	if (o->lock >= 0)
		close(o->lock);
	free(o->tmp);
	free(o->target);
	free(o);
}

/* ---- temporary files a killed run left ---- */

/* Is name ".BASE.XXXXXX", a temporary file of target base as tmp_template makes them? */
static bool our_tmp_name(const char *name, const char *base)
{
	size_t n = strlen(base);

	if (name[0] != '.' || strncmp(name + 1, base, n) != 0 || name[n + 1] != '.')
		return false;
	name += n + 2;
	for (size_t i = 0; i < 6; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') || (name[i] >= 'A' && name[i] <= 'Z') ||
		      (name[i] >= '0' && name[i] <= '9')))
			return false;
	return name[6] == '\0';
}

/*
 * Remove the temporary file at path if it is stale: a regular file of ours, older than
 * TH_OUTFILE_STALE_S, whose lock can be taken (its writer is gone: a live writer holds it
 * from the moment mkstemp made it). Best effort: anything unsure leaves it alone.
 */
static void remove_if_stale(const char *path, time_t now)
{
	struct stat st, fst;
	int fd;

	if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
	    st.st_mtime > now - TH_OUTFILE_STALE_S)
		return;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &fst) == 0 && fst.st_dev == st.st_dev &&
	    fst.st_ino == st.st_ino && lstat(path, &st) == 0 && st.st_dev == fst.st_dev && st.st_ino == fst.st_ino)
		unlink(path);
	close(fd);
}

/* Remove the stale temporary files of target from its folder (see remove_if_stale). */
static void clean_stale(const char *target)
{
	const char *slash = strrchr(target, '/');
	const char *base = slash ? slash + 1 : target;
	char *dir = slash ? th_xstrndup(target, slash == target ? 1 : (size_t)(slash - target)) : th_xstrdup(".");
	DIR *d = opendir(dir);
	struct dirent *de;
	time_t now = time(NULL);

	while (d && (de = readdir(d))) {
		if (!our_tmp_name(de->d_name, base))
			continue;
		th_sbuf sb = TH_SBUF_INIT;
		th_sbuf_addf(&sb, "%s/%s", dir, de->d_name);
		remove_if_stale(sb.buf, now);
		th_sbuf_release(&sb);
	}
	if (d)
		closedir(d);
	free(dir);
}

/* ---- writing ---- */

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
	clean_stale(target);
	o = th_xcalloc(1, sizeof(*o));
	o->lock = -1;
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
	/* locked at once, for as long as the file lives: a folder that cannot lock (some
	 * network shares) only means its stale files are never removed */
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		o->lock = fcntl(fd, F_DUPFD_CLOEXEC, 0);
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

int th_outfile_finish(th_outfile *o, th_err *e)
{
	char eb[TH_ERRNO_VI_MAX];
	struct stat st;
	int err = 0;

	if (o->finished)
		return 0;
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
	if (err) {
		th_fail(e, TH_E_WRITE, "không ghi được tệp: %s", th_errno_vi(err, eb));
		th_outfile_abort(o);
		return -1;
	}
	o->finished = true;
	return 0;
}

int th_outfile_commit(th_outfile *o, th_err *e)
{
	return th_outfile_commit_all(&o, 1, e);
}

/*
 * A hard link to the file now at target, under a fresh hidden name beside it, so that it
 * can be put back; NULL when target is no regular file or the folder takes no links.
 * The file is locked through *lock (-1 when it could not be opened) so that no other run
 * takes it for a stale temporary file.
 */
static char *backup_link(const char *target, int *lock)
{
	struct stat st;
	char *name;
	int fd;

	*lock = -1;
	if (lstat(target, &st) != 0 || !S_ISREG(st.st_mode))
		return NULL;
	name = tmp_template(target);
	fd = mkstemp(name);
	if (fd < 0) {
		free(name);
		return NULL;
	}
	close(fd);
	/* link() will not replace a file: the reserved empty one goes first. Should another
	 * run's mkstemp take the name in between, link() fails and that file is left alone. */
	if (unlink(name) != 0 || link(target, name) != 0) {
		free(name);
		return NULL;
	}
	*lock = open(name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (*lock >= 0)
		(void)flock(*lock, LOCK_EX | LOCK_NB);
	return name;
}

int th_outfile_commit_all(th_outfile *const *v, size_t n, th_err *e)
{
	char eb[TH_ERRNO_VI_MAX];
	char **bak;
	int *lock;
	bool *had;
	size_t done = 0;
	int err = 0, rc = 0;

	for (size_t i = 0; i < n; i++)
		if (th_outfile_finish(v[i], e)) {
			/* v[i] is freed; the others are given up, none renamed */
			for (size_t k = 0; k < n; k++)
				if (k != i)
					th_outfile_abort(v[k]);
			return -1;
		}
	bak = th_xcalloc(n + 1, sizeof(*bak));
	lock = th_xcalloc(n + 1, sizeof(*lock));
	had = th_xcalloc(n + 1, sizeof(*had));
	for (size_t i = 0; i < n; i++) {
		struct stat st;
		had[i] = lstat(v[i]->target, &st) == 0;
		lock[i] = -1;
		if (n > 1)
			bak[i] = backup_link(v[i]->target, &lock[i]);
	}
	for (; done < n; done++)
		if (rename(v[done]->tmp, v[done]->target) != 0) {
			err = errno;
			break;
		}
	if (err) {
		/* put back what was replaced: the old file, or nothing when there was none */
		for (size_t k = 0; k < done; k++) {
			if (bak[k] && rename(bak[k], v[k]->target) == 0) {
				free(bak[k]);
				bak[k] = NULL;
			} else if (!bak[k] && !had[k]) {
				unlink(v[k]->target);
			}
		}
		rc = th_fail(e, TH_E_WRITE, "không ghi được tệp: %s", th_errno_vi(err, eb));
	}
	for (size_t i = 0; i < n; i++) {
		if (bak[i])
			unlink(bak[i]);
		if (lock[i] >= 0)
			close(lock[i]);
		free(bak[i]);
		if (i < done || !err)
			sync_folder(v[i]->target);
		if (i < done)
			v[i]->tmp[0] = '\0'; /* renamed: nothing to remove */
		th_outfile_abort(v[i]);
	}
	free(bak);
	free(lock);
	free(had);
	return rc;
}

void th_outfile_abort(th_outfile *o)
{
	if (!o)
		return;
	if (o->tmp[0])
		unlink(o->tmp);
	outfile_free(o);
}
