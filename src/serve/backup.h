/*
 * An online backup of the portal's data folder, taken while `tonghop serve` runs: the
 * database copied at one moment by SQLite's backup API, then every file that copy refers
 * to copied and checked against its SHA-256. The result is itself a data folder: to
 * restore, stop the portal and start it on the backup (or on a copy of it).
 * Ownership: arguments are borrowed.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_BACKUP_H
#define TH_BACKUP_H

#include <stdint.h>

#include "base/err.h"

typedef struct th_backup_stats {
	uint64_t files, bytes;   /* kept files copied */
	uint64_t db_bytes;       /* the database copied */
} th_backup_stats;

/*
 * Back data_dir up into out_dir, which must not exist or be empty. The database is
 * written last under its name (tonghop.db), and a backup cut short (a full disk) removes what
 * it copied, so no half copy is ever taken for a data folder. -1 with *e
 * (TH_E_USAGE: out_dir not empty; TH_E_FILE_DAMAGED: a kept file missing or damaged in
 * data_dir, named; TH_E_NO_SPACE, TH_E_WRITE).
 */
int th_backup(const char *data_dir, const char *out_dir, th_backup_stats *stats, th_err *e);

#endif
