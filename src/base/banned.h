/*
 * Functions that must not be used in tonghop: each is replaced by a safer or clearer one
 * (snprintf for sprintf, strtol with an end pointer for atoi, ...). Including this header
 * last turns a use into a compile error.
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_BANNED_H
#define TH_BANNED_H

#define TH_BANNED(func) sorry_##func##_is_banned_in_tonghop

#undef strcpy
#define strcpy(x, y) TH_BANNED(strcpy)
#undef strcat
#define strcat(x, y) TH_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) TH_BANNED(strncpy)
#undef sprintf
#define sprintf(...) TH_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) TH_BANNED(vsprintf)
#undef strtok
#define strtok(x, y) TH_BANNED(strtok)
#undef localtime
#define localtime(t) TH_BANNED(localtime)
#undef mktemp
#define mktemp(x) TH_BANNED(mktemp)
#undef atoi
#define atoi(x) TH_BANNED(atoi)
#undef atol
#define atol(x) TH_BANNED(atol)

#endif
