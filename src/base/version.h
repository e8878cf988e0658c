/*
 * The version of tonghop, printed by --version and written into the consolidated workbook
 * (merge/upward.h) so that a workbook says which tonghop made it.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_VERSION_H
#define TH_VERSION_H

#define TH_VERSION "0.1.0"

#endif
