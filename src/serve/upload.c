/*
 * Spooling and keeping uploaded files; see upload.h.
 * SPDX-License-Identifier: MIT
 */
#include "serve/upload.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "base/mem.h"
#include "base/banned.h"

_Static_assert(sizeof(crypto_hash_sha256_state) <= sizeof(((th_spool *)0)->state), "spool hash state too small");

int th_data_dirs(const char *data_dir, th_err *e)
{
	static const char *const sub[] = { "", "/files", "/tmp", "/cache" };
	char eb[TH_ERRNO_VI_MAX];

	for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		char p[4096];
		struct stat st;
		snprintf(p, sizeof(p), "%s%s", data_dir, sub[i]);
		if (mkdir(p, 0700) != 0 && errno != EEXIST)
			return th_fail(e, TH_E_WRITE, "không tạo được thư mục dữ liệu %s: %s", p, th_errno_vi(errno, eb));
		if (stat(p, &st) != 0 || !S_ISDIR(st.st_mode))
			return th_fail(e, TH_E_WRITE, "%s không phải thư mục", p);
	}
	return 0;
}

int th_spool_open(th_spool *sp, const char *dir, uint64_t max, th_err *e)
{
	char eb[TH_ERRNO_VI_MAX];
	size_t n = strlen(dir) + sizeof("/up-XXXXXX");

	*sp = (th_spool)TH_SPOOL_INIT;
	sp->max = max;
	sp->path = th_xmalloc(n);
	snprintf(sp->path, n, "%s/up-XXXXXX", dir);
	sp->fd = mkstemp(sp->path);
	if (sp->fd < 0) {
		int err = errno;
		free(sp->path);
		sp->path = NULL;
		return th_fail(e, err == ENOSPC ? TH_E_NO_SPACE : TH_E_WRITE, "không tạo được tệp tạm: %s",
			       th_errno_vi(err, eb));
	}
	crypto_hash_sha256_init((crypto_hash_sha256_state *)sp->state);
	return 0;
}

int th_spool_write(th_spool *sp, const void *data, size_t n, th_err *e)
{
	const unsigned char *p = data;
	char eb[TH_ERRNO_VI_MAX];

	if (sp->too_big || sp->fd < 0)
		return -1;
	if (n > sp->max - sp->size) {
		sp->too_big = true;
		return th_fail(e, TH_E_TOO_LARGE, "tệp lớn quá giới hạn %llu MB",
			       (unsigned long long)(sp->max / (1024 * 1024)));
	}
	for (size_t i = 0; i < n && sp->size + i < sizeof(sp->head); i++)
		sp->head[sp->size + i] = p[i];
	crypto_hash_sha256_update((crypto_hash_sha256_state *)sp->state, p, n);
	sp->size += n;
	while (n) {
		ssize_t w = write(sp->fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == ENOSPC)
			return th_fail(e, TH_E_NO_SPACE, "không ghi được tệp tạm: %s", th_errno_vi(ENOSPC, eb));
		if (w <= 0)
			return th_fail(e, TH_E_WRITE, "không ghi được tệp tạm: %s", th_errno_vi(w < 0 ? errno : EIO, eb));
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int th_spool_finish(th_spool *sp, th_err *e)
{
	unsigned char h[crypto_hash_sha256_BYTES];
	char eb[TH_ERRNO_VI_MAX];
	int rc = 0;

	if (sp->fd < 0)
		return th_fail(e, TH_E_IO, "không có tệp tạm");
	if (fsync(sp->fd) != 0)
		rc = th_fail(e, errno == ENOSPC ? TH_E_NO_SPACE : TH_E_WRITE, "không ghi được tệp tạm: %s", th_errno_vi(errno, eb));
	if (close(sp->fd) != 0 && !rc)
		rc = th_fail(e, TH_E_WRITE, "không ghi được tệp tạm: %s", th_errno_vi(errno, eb));
	sp->fd = -1;
	crypto_hash_sha256_final((crypto_hash_sha256_state *)sp->state, h);
	sodium_bin2hex(sp->sha, sizeof(sp->sha), h, sizeof(h));
	return rc;
}

void th_spool_discard(th_spool *sp)
{
	if (sp->fd >= 0)
		close(sp->fd);
	if (sp->path)
		unlink(sp->path);
	free(sp->path);
	sp->path = NULL;
	sp->fd = -1;
}

int th_spool_from_file(th_spool *sp, const char *dir, const char *path, uint64_t max, th_err *e)
{
	char buf[65536], eb[TH_ERRNO_VI_MAX];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return th_fail(e, TH_E_OPEN, "không mở được %s: %s", path, th_errno_vi(errno, eb));
	if (th_spool_open(sp, dir, max, e)) {
		close(fd);
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		if (th_spool_write(sp, buf, (size_t)n, e)) {
			close(fd);
			th_spool_discard(sp);
			return -1;
		}
	close(fd);
	if (n < 0) {
		th_spool_discard(sp);
		return th_fail(e, TH_E_IO, "không đọc được %s", path);
	}
	if (th_spool_finish(sp, e)) {
		th_spool_discard(sp);
		return -1;
	}
	return 0;
}

th_sniff th_spool_sniff(const th_spool *sp)
{
	static const unsigned char zip[4] = { 'P', 'K', 3, 4 };
	static const unsigned char ole[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };

	if (sp->size >= 8 && memcmp(sp->head, ole, 8) == 0)
		return TH_SNIFF_OLE;
	if (sp->size >= 4 && memcmp(sp->head, zip, 4) == 0)
		return TH_SNIFF_ZIP;
	return TH_SNIFF_OTHER;
}

void th_file_kind(const char *path, const char **ext, const char **ctype)
{
	static const unsigned char ole[8] = { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 };
	static const char ods[] = "application/vnd.oasis.opendocument.spreadsheet";
	unsigned char b[160];
	ssize_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		n = read(fd, b, sizeof(b));
		close(fd);
	}
	*ext = "xlsx";
	*ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
	if (n >= 8 && memcmp(b, ole, 8) == 0) {
		*ext = "xls";
		*ctype = "application/vnd.ms-excel";
	} else if (n >= 38 && memcmp(b, "PK\3\4", 4) == 0 && b[26] == 8 && b[27] == 0 &&
		   memcmp(b + 30, "mimetype", 8) == 0) {
		/* the local header: name at 30, its length at 26, the extra field's at 28 */
		size_t at = 38 + (size_t)(b[28] | b[29] << 8);
		if (at + sizeof(ods) - 1 <= (size_t)n && memcmp(b + at, ods, sizeof(ods) - 1) == 0) {
			*ext = "ods";
			*ctype = ods;
		}
	}
}

int th_blob_path(const char *data_dir, const char *sha, char *out, size_t cap)
{
	size_t n = strlen(sha);

	if (n != TH_SHA_HEX - 1)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!((sha[i] >= '0' && sha[i] <= '9') || (sha[i] >= 'a' && sha[i] <= 'f')))
			return -1;
	if ((size_t)snprintf(out, cap, "%s/files/%.2s/%s", data_dir, sha, sha) >= cap)
		return -1;
	return 0;
}

int th_blob_keep(th_spool *sp, const char *data_dir, th_err *e)
{
	char dest[4096], dir[4096], eb[TH_ERRNO_VI_MAX];
	int dfd;

	if (!sp->path || sp->fd >= 0 || th_blob_path(data_dir, sp->sha, dest, sizeof(dest)))
		return th_fail(e, TH_E_IO, "tệp tạm chưa sẵn sàng");
	snprintf(dir, sizeof(dir), "%s/files/%.2s", data_dir, sp->sha);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return th_fail(e, errno == ENOSPC ? TH_E_NO_SPACE : TH_E_WRITE, "không tạo được thư mục lưu tệp: %s",
			       th_errno_vi(errno, eb));
	chmod(sp->path, 0400);
	/* link() never replaces: the same content already kept stays as it was */
	if (link(sp->path, dest) != 0 && errno != EEXIST)
		return th_fail(e, errno == ENOSPC ? TH_E_NO_SPACE : TH_E_WRITE, "không lưu được tệp: %s", th_errno_vi(errno, eb));
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	unlink(sp->path);
	free(sp->path);
	sp->path = NULL;
	return 0;
}

bool th_disk_low(const char *data_dir, uint64_t need)
{
	struct statvfs sv;

	if (statvfs(data_dir, &sv) != 0)
		return false; /* not known: the writes themselves will say */
	return (uint64_t)sv.f_bavail * sv.f_frsize < need;
}

int th_blob_verify(const char *data_dir, const char *sha, th_err *e)
{
	char path[4096], got[TH_SHA_HEX];
	unsigned char buf[65536], h[crypto_hash_sha256_BYTES];
	crypto_hash_sha256_state hs;
	int fd;
	ssize_t n;

	if (th_blob_path(data_dir, sha, path, sizeof(path)))
		return th_fail(e, TH_E_FILE_DAMAGED, "tệp đã lưu không có mã nội dung hợp lệ");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return th_fail(e, TH_E_FILE_DAMAGED,
			       "tệp đã lưu (mã %.12s…) không còn trên máy chủ: không gửi được; hãy báo văn phòng "
			       "(khôi phục từ bản sao lưu)",
			       sha);
	crypto_hash_sha256_init(&hs);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		crypto_hash_sha256_update(&hs, buf, (unsigned long long)n);
	close(fd);
	crypto_hash_sha256_final(&hs, h);
	sodium_bin2hex(got, sizeof(got), h, sizeof(h));
	if (n < 0 || strcmp(got, sha) != 0)
		return th_fail(e, TH_E_FILE_DAMAGED,
			       "tệp đã lưu (mã %.12s…) bị hỏng trên máy chủ (nội dung không còn như khi nộp): không "
			       "gửi bản hỏng; hãy báo văn phòng (khôi phục từ bản sao lưu)",
			       sha);
	return 0;
}
