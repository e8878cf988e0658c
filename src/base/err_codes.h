/*
 * The failure codes of tonghop, one X-macro list: included twice it builds both the
 * enum (err.h) and the name table (err.c). Numbers are explicit, only ever appended
 * and never reused; a retired code stays as TH_E_OBSOLETE_<n>. Ranges: 10-19
 * configuration, 20-49 input, 50-59 output and system, 60-79 the portal (a request
 * refused, the store failing).
 * SPDX-License-Identifier: MIT
 */

/*     name                 number  short English name (scripts match on the number) */
TH_ERR(TH_OK,               0,  "ok")
TH_ERR(TH_E_USAGE,          1,  "usage error")

/* 10-19: configuration (schemas, rules, roster, calendar) */
TH_ERR(TH_E_CONFIG,         10, "invalid configuration")

/* 20-49: an input that cannot be read */
TH_ERR(TH_E_OPEN,           20, "cannot open input")
TH_ERR(TH_E_EMPTY,          21, "empty file")
TH_ERR(TH_E_NOT_FILE,       22, "not a regular file")
TH_ERR(TH_E_LOCK_FILE,      23, "office lock file")
TH_ERR(TH_E_NOT_ZIP,        24, "not a zip package")
TH_ERR(TH_E_ZIP_DAMAGED,    25, "damaged zip package")
TH_ERR(TH_E_ENCRYPTED,      26, "encrypted workbook")
TH_ERR(TH_E_FORMAT_XLS,     27, "legacy .xls workbook")
TH_ERR(TH_E_FORMAT_ODS,     28, "OpenDocument spreadsheet")
TH_ERR(TH_E_FORMAT_OTHER,   29, "unsupported spreadsheet format")
TH_ERR(TH_E_PACKAGE,        30, "invalid workbook package")
TH_ERR(TH_E_XML,            31, "malformed XML")
TH_ERR(TH_E_XML_DTD,        32, "XML document type declaration")
TH_ERR(TH_E_XML_DEPTH,      33, "XML nested too deep")
TH_ERR(TH_E_TOO_BIG,        34, "inflated size over the limit")
TH_ERR(TH_E_ZIP_RATIO,      35, "compression ratio over the limit")
TH_ERR(TH_E_CELL_REF,       36, "cell reference out of range")
TH_ERR(TH_E_SST_INDEX,      37, "shared-string index out of range")
TH_ERR(TH_E_CELL_TOO_BIG,   38, "cell text over the limit")
TH_ERR(TH_E_NO_SHEET,       39, "no such sheet")
TH_ERR(TH_E_NOT_RETURN,     40, "no form of the schema in the workbook")
TH_ERR(TH_E_XLS_DAMAGED,    41, "damaged .xls workbook")

/* 50-59: output and system */
TH_ERR(TH_E_NOMEM,          50, "out of memory")
TH_ERR(TH_E_WRITE,          51, "cannot write output")
TH_ERR(TH_E_IO,             52, "input/output error")

/* 60-79: the portal (tonghop serve): a request refused, or the store failing */
TH_ERR(TH_E_BAD_REQUEST,    60, "bad request")
TH_ERR(TH_E_UNAUTHORIZED,   61, "not logged in")
TH_ERR(TH_E_FORBIDDEN,      62, "forbidden")
TH_ERR(TH_E_NOT_FOUND,      63, "not found")
TH_ERR(TH_E_METHOD,         64, "method not allowed")
TH_ERR(TH_E_TOO_LARGE,      65, "request body over the limit")
TH_ERR(TH_E_CSRF,           66, "cross-site request refused")
TH_ERR(TH_E_THROTTLED,      67, "too many attempts")
TH_ERR(TH_E_BUSY,           68, "server busy")
TH_ERR(TH_E_STORE,          69, "store failure")
TH_ERR(TH_E_URI_TOO_LONG,   70, "request URI too long")
TH_ERR(TH_E_WRONG_UNIT,     71, "return of another unit")
TH_ERR(TH_E_WRONG_PERIOD,   72, "return of another period")
TH_ERR(TH_E_PERIOD_CLOSED,  73, "period not open")
TH_ERR(TH_E_CONFLICT,       74, "conflict")
TH_ERR(TH_E_NO_SPACE,       75, "no space left for the data")
TH_ERR(TH_E_FILE_DAMAGED,   76, "kept file missing or damaged")
