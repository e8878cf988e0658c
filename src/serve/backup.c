/*
 * The online backup; see backup.h.
 * SPDX-License-Identifier: MIT
 */
#define _XOPEN_SOURCE 700 /* nftw */
#include "serve/backup.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "serve/store.h"
#include "serve/upload.h"
#include "base/banned.h"

struct copy {
	const char *from, *to;
	th_backup_stats *stats;
};

/* Copy kept content sha from one data folder to the other, checked on the way. */
static int copy_blob(void *arg, const char *sha, th_err *e)
{
	struct copy *c = arg;
	char src[4096], tmp[4096];
	th_spool sp = TH_SPOOL_INIT;

	if (th_blob_path(c->from, sha, src, sizeof(src)) || access(src, R_OK) != 0)
		return th_fail(e, TH_E_FILE_DAMAGED, "tệp đã lưu %s không còn trong %s: bản sao lưu sẽ thiếu nó", sha,
			       c->from);
	snprintf(tmp, sizeof(tmp), "%s/tmp", c->to);
	if (th_spool_from_file(&sp, tmp, src, UINT64_MAX / 2, e))
		return -1;
	if (strcmp(sp.sha, sha) != 0) {
		th_spool_discard(&sp);
		return th_fail(e, TH_E_FILE_DAMAGED, "tệp đã lưu %s trong %s bị hỏng (nội dung không còn như khi nộp)",
			       sha, c->from);
	}
	c->stats->files++;
	c->stats->bytes += sp.size;
	if (th_blob_keep(&sp, c->to, e)) {
		th_spool_discard(&sp);
		return -1;
	}
	return 0;
}

static int empty_or_absent(const char *dir, th_err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (!d)
		return errno == ENOENT ? 0 : th_fail(e, TH_E_USAGE, "%s không phải thư mục dùng được", dir);
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n ? th_fail(e, TH_E_USAGE, "%s không trống: sao lưu cần một thư mục mới (hoặc trống)", dir) : 0;
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	if (ftw->level == 0)
		return 0; /* the folder itself: the caller decides */
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

/* A backup cut short leaves nothing behind: out_dir was absent or empty before it, so all in it
 * is the backup's (a half copy is no data folder: served, it would be an empty portal). */
static void undo(const char *out_dir, bool made)
{
	nftw(out_dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
	if (made)
		rmdir(out_dir);
}

int th_backup(const char *data_dir, const char *out_dir, th_backup_stats *stats, th_err *e)
{
	char src_db[4096], tmp_db[4096], dest_db[4096];
	th_store *src = NULL, *copy = NULL;
	struct copy c = { data_dir, out_dir, stats };
	struct stat st;
	bool made;
	int rc = -1;

	memset(stats, 0, sizeof(*stats));
	snprintf(src_db, sizeof(src_db), "%s/tonghop.db", data_dir);
	snprintf(tmp_db, sizeof(tmp_db), "%s/tmp/tonghop.db.sao-luu", out_dir);
	snprintf(dest_db, sizeof(dest_db), "%s/tonghop.db", out_dir);
	if (access(src_db, R_OK) != 0)
		return th_fail(e, TH_E_OPEN, "%s không có cơ sở dữ liệu của cổng (tonghop.db)", data_dir);
	if (empty_or_absent(out_dir, e))
		return -1;
	made = access(out_dir, F_OK) != 0;
	if (th_data_dirs(out_dir, e)) {
		undo(out_dir, made);
		return -1;
	}
	if (th_store_open(&src, src_db, e) || th_store_backup(src, tmp_db, e))
		goto out;
	/* the files the copy refers to: kept before their rows were written, so all there */
	if (th_store_open(&copy, tmp_db, e) || th_store_blobs(copy, copy_blob, &c, e))
		goto out;
	th_store_close(copy);
	copy = NULL;
	if (rename(tmp_db, dest_db) != 0) {
		char eb[TH_ERRNO_VI_MAX];
		th_fail(e, TH_E_WRITE, "không đặt được tên %s: %s", dest_db, th_errno_vi(errno, eb));
		goto out;
	}
	if (stat(dest_db, &st) == 0)
		stats->db_bytes = (uint64_t)st.st_size;
	rc = 0;
out:
	th_store_close(copy);
	th_store_close(src);
	if (rc) {
		size_t n = strlen(e->msg);
		undo(out_dir, made);
		snprintf(e->msg + n, sizeof(e->msg) - n, " (bản sao lưu chưa xong: phần đã chép ở %s đã được xoá)", out_dir);
	}
	return rc;
}
