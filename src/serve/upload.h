/*
 * Uploaded files: spooled while they stream in to a file of our own naming (mkstemp in
 * the data folder's tmp/, never the sender's file name), counted against a cap and hashed
 * (SHA-256) on the way; then kept content-addressed under files/ab/<sha256>, read-only,
 * never overwritten (the same content is the same file). The type is sniffed from the
 * first bytes, never taken from the name or the Content-Type. A disk found full is
 * TH_E_NO_SPACE; kept content is checked against its hash before it is sent again.
 * Ownership: a th_spool owns its file until th_blob_keep() takes it or th_spool_discard()
 * removes it.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_UPLOAD_H
#define TH_UPLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/err.h"
#include "serve/store.h"

typedef struct th_spool {
	int fd;                 /* -1 when closed */
	char *path;             /* NULL when none */
	uint64_t size, max;
	bool too_big;           /* more than max bytes came: the rest was dropped */
	unsigned char state[128]; /* crypto_hash_sha256_state, opaque here */
	unsigned char head[8];  /* the first bytes, for sniffing */
	char sha[TH_SHA_HEX];   /* set by th_spool_finish */
} th_spool;

#define TH_SPOOL_INIT { -1, NULL, 0, 0, false, { 0 }, { 0 }, { 0 } }

/* Start a spool file in dir (data/tmp); -1 with *e. */
int th_spool_open(th_spool *sp, const char *dir, uint64_t max, th_err *e);
/* Append n bytes; past max they are dropped and too_big set (returns -1 then, and on I/O failure). */
int th_spool_write(th_spool *sp, const void *data, size_t n, th_err *e);
/* Flush to disk and close; sp->sha is set. -1 with *e. */
int th_spool_finish(th_spool *sp, th_err *e);
/* Remove the spool file (if any) and release. Safe on an empty spool. */
void th_spool_discard(th_spool *sp);
/* A spool holding a copy of the file at path (tests, and files the server itself wrote). */
int th_spool_from_file(th_spool *sp, const char *dir, const char *path, uint64_t max, th_err *e);

typedef enum th_sniff { TH_SNIFF_OTHER, TH_SNIFF_ZIP, TH_SNIFF_OLE } th_sniff;
/* What the first bytes say: a zip package (xlsx, ods), an OLE2 file (xls), or other. */
th_sniff th_spool_sniff(const th_spool *sp);

/*
 * Keep the finished spool as data_dir/files/ab/<sha> (read-only); the spool file is gone
 * afterwards. Keeping content already kept is no change. -1 with *e.
 */
int th_blob_keep(th_spool *sp, const char *data_dir, th_err *e);
/* The format of the spreadsheet file at path, for its download: its extension ("xlsx", "xls",
 * "ods") and media type, from its first bytes (an OLE2 file is .xls, a zip whose first entry
 * "mimetype" names an OpenDocument spreadsheet is .ods, any other .xlsx). Static strings. */
void th_file_kind(const char *path, const char **ext, const char **ctype);
/* The path of kept content sha (64 lowercase hex digits) into out; -1 when sha is not one. */
int th_blob_path(const char *data_dir, const char *sha, char *out, size_t cap);

/*
 * Is kept content sha still what was kept (there, and hashing to sha)? 0, or -1 with *e
 * (TH_E_FILE_DAMAGED, a message for people): a missing or damaged file is said, never sent.
 */
int th_blob_verify(const char *data_dir, const char *sha, th_err *e);

/* Has the file system of data_dir less than need bytes free (false when not known)? */
bool th_disk_low(const char *data_dir, uint64_t need);

/* Make data_dir and its files/, tmp/ and cache/ folders (0700). -1 with *e. */
int th_data_dirs(const char *data_dir, th_err *e);

#endif
