/*
 * Writing an output file, the one way tonghop writes one (the merged workbook, a template,
 * a feedback, the merge's JSON): the data goes to a new temporary file in the target's
 * folder, made by mkstemp, and only a whole, synced file is renamed over the target. A
 * failed write never leaves half a file and never replaces a good one; a file or link
 * planted beside the target is never followed; a folder, a device or a pipe is refused.
 * Outputs that belong together (a workbook and its JSON) are committed together: none is
 * renamed until all are written and synced. A temporary file is locked (flock) while its
 * writer lives, so that the temporary files a killed run left are told from those of a run
 * still writing, and removed by the next run that writes the same target.
 * Ownership: a th_outfile owns its paths, descriptors and stream until commit or abort.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_OUTFILE_H
#define TH_OUTFILE_H

#include <stddef.h>
#include <stdio.h>

#include "base/err.h"

/* A temporary file left by a killed run is removed once it is this old (seconds). */
#define TH_OUTFILE_STALE_S 60

typedef struct th_outfile th_outfile;

/*
 * Start writing the file at path. A link at path is followed: the file it points to is
 * what gets replaced, the link stays. A target that exists and is not a regular file (a
 * folder, a device, a pipe, a socket), or a link that points nowhere, is refused. The
 * temporary file is ".NAME.XXXXXX" in the target's folder (hidden, so a merge of that
 * folder never takes it for a return), created by mkstemp with the mode a new file gets
 * (0666 less the umask).
 * Returns 0 with *out set, or -1 with *e (TH_E_WRITE, the message naming the cause).
 */
int th_outfile_open(th_outfile **out, const char *path, th_err *e);

/* The temporary file's path, for a library that opens its output by name (libxlsxwriter). Owned by o. */
const char *th_outfile_tmp_path(const th_outfile *o);

/* A stdio stream on the temporary file. Owned by o: closed by commit or abort. */
FILE *th_outfile_stream(th_outfile *o);

/*
 * Finish: flush the stream, check that the temporary file is still the one made (a library
 * that reopened it by name was not led elsewhere), sync it to disk, rename it over the
 * target and sync the folder. On failure the temporary file is removed and the target
 * left as it was: -1 with *e (TH_E_WRITE). o is freed in every case.
 */
int th_outfile_commit(th_outfile *o, th_err *e);

/*
 * Finish without renaming: flush, check and sync the temporary file, which stays locked,
 * for th_outfile_commit_all. On failure the temporary file is removed and o freed: -1 with
 * *e (TH_E_WRITE). A finished o is committed or aborted like any other.
 */
int th_outfile_finish(th_outfile *o, th_err *e);

/*
 * Commit the n outputs of v together: each is finished first, and only when every one is
 * written and synced are they renamed over their targets, in order. If a rename fails
 * after others succeeded, the targets already replaced get their old file back (kept as a
 * hard link while the renames run; on a file system without hard links, a target that had
 * no old file is removed). On failure no target is left replaced where it could be
 * restored: -1 with *e (TH_E_WRITE). Every v[i] is freed in every case.
 */
int th_outfile_commit_all(th_outfile *const *v, size_t n, th_err *e);

/* Give up: remove the temporary file and free o. NULL is fine. */
void th_outfile_abort(th_outfile *o);

#endif
