/*
 * The consolidated workbooks rebuilt in the background. A province's merge (3,321 returns)
 * is seconds of work: no page waits for it. A thread of its own, at a low priority, looks
 * every second at each open period and, when a return or review was added since its
 * workbook was built and at least the gap has passed since the last build, builds it again
 * (accepted and latest) into the cache; a download then finds it ready. The dashboard says
 * how fresh the cached workbook is (th_period_cached), never merging itself.
 * Ownership: the rebuilder borrows the th_web, which must outlive it.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_REBUILD_H
#define TH_REBUILD_H

#include "base/err.h"
#include "serve/web.h"

typedef struct th_rebuild th_rebuild;

/* Start the rebuilding thread; gap: the least seconds between two builds of a workbook. */
int th_rebuild_start(th_rebuild **out, th_web *w, unsigned gap, th_err *e);
/* Stop it (a build in progress finishes first). Safe on NULL. */
void th_rebuild_stop(th_rebuild *r);

#endif
