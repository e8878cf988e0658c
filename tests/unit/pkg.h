/*
 * What the unit tests that make .xlsx packages by hand share: the namespaces and the parts
 * every package has (the zip itself: zipmem.h).
 * SPDX-License-Identifier: MIT
 */
#ifndef TH_TEST_PKG_H
#define TH_TEST_PKG_H

#define NS_MAIN "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
#define NS_R "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
#define NS_PKG "http://schemas.openxmlformats.org/package/2006/relationships"
#define RT NS_R "/"

#define XML_DECL "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"

#define CONTENT_TYPES                                                                        \
	XML_DECL "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">" \
		 "<Default Extension=\"rels\" "                                                  \
		 "ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"   \
		 "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"                  \
		 "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/"            \
		 "vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/></Types>"

#define ROOT_RELS                                                                  \
	XML_DECL "<Relationships xmlns=\"" NS_PKG "\">"                             \
		 "<Relationship Id=\"rId1\" Type=\"" RT "officeDocument\" "          \
		 "Target=\"xl/workbook.xml\"/></Relationships>"

#endif
