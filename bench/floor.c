/*
 * Benchmark floor: inflates one entry of a zip (default xl/worksheets/sheet1.xml) in
 * 64 KiB chunks straight into expat and counts <c> elements, printing "cells N".
 * Nothing else is done, so this is the lower bound for a streaming XLSX reader.
 * With --all FILE...: every XML part (.xml, .rels) of every file, one full expat pass over
 * the packages a merge reads, printing "files N parts N cells N".
 * SPDX-License-Identifier: MIT
 */

#include <stdio.h>
#include <string.h>

#include <expat.h>
#include <zip.h>

#define CHUNK (64 * 1024)
#define DEFAULT_ENTRY "xl/worksheets/sheet1.xml"

/* Counts elements named "c" or "<prefix>:c" (no namespace processing). */
static void XMLCALL on_start(void *user, const XML_Char *name, const XML_Char **atts)
{
	unsigned long long *cells = user;
	size_t n;

	(void)atts;
	if (name[0] == 'c' && name[1] == '\0') {
		(*cells)++;
		return;
	}
	n = strlen(name);
	if (n >= 2 && name[n - 2] == ':' && name[n - 1] == 'c')
		(*cells)++;
}

/* Streams the open entry through the parser; returns 0 on success. */
static int parse_entry(zip_file_t *zf, const char *entry, unsigned long long *cells)
{
	XML_Parser p = XML_ParserCreate(NULL);
	int rc = -1;

	if (p == NULL) {
		fprintf(stderr, "floor: XML_ParserCreate failed\n");
		return -1;
	}
	XML_SetUserData(p, cells);
	XML_SetStartElementHandler(p, on_start);
	for (;;) {
		void *buf = XML_GetBuffer(p, CHUNK);
		zip_int64_t got;

		if (buf == NULL) {
			fprintf(stderr, "floor: XML_GetBuffer: %s\n",
				XML_ErrorString(XML_GetErrorCode(p)));
			goto out;
		}
		got = zip_fread(zf, buf, CHUNK);
		if (got < 0) {
			fprintf(stderr, "floor: reading %s: %s\n", entry, zip_file_strerror(zf));
			goto out;
		}
		if (XML_ParseBuffer(p, (int)got, got == 0) != XML_STATUS_OK) {
			fprintf(stderr, "floor: %s: line %lu: %s\n", entry,
				(unsigned long)XML_GetCurrentLineNumber(p),
				XML_ErrorString(XML_GetErrorCode(p)));
			goto out;
		}
		if (got == 0)
			break;
	}
	rc = 0;
out:
	XML_ParserFree(p);
	return rc;
}

/* Every XML part of the package at path through the parser; 0, or -1 (said on stderr). */
static int parse_package(const char *path, unsigned long long *parts, unsigned long long *cells)
{
	zip_t *za;
	zip_int64_t n;
	int zerr, rc = 0;

	za = zip_open(path, ZIP_RDONLY, &zerr);
	if (za == NULL) {
		fprintf(stderr, "floor: %s: cannot open (libzip error %d)\n", path, zerr);
		return -1;
	}
	n = zip_get_num_entries(za, 0);
	for (zip_int64_t i = 0; i < n && rc == 0; i++) {
		const char *name = zip_get_name(za, (zip_uint64_t)i, 0);
		size_t len = name ? strlen(name) : 0;
		zip_file_t *zf;

		if (len < 5 || (strcmp(name + len - 4, ".xml") != 0 && strcmp(name + len - 5, ".rels") != 0))
			continue;
		zf = zip_fopen_index(za, (zip_uint64_t)i, 0);
		if (zf == NULL) {
			fprintf(stderr, "floor: %s: %s: %s\n", path, name, zip_strerror(za));
			rc = -1;
			break;
		}
		rc = parse_entry(zf, name, cells);
		zip_fclose(zf);
		(*parts)++;
	}
	zip_discard(za);
	return rc;
}

static int floor_all(int argc, char **argv)
{
	unsigned long long parts = 0, cells = 0;

	for (int i = 2; i < argc; i++)
		if (parse_package(argv[i], &parts, &cells))
			return 1;
	if (printf("files %d parts %llu cells %llu\n", argc - 2, parts, cells) < 0 || fflush(stdout) != 0) {
		perror("floor: stdout");
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const char *entry = DEFAULT_ENTRY;
	unsigned long long cells = 0;
	zip_t *za;
	zip_file_t *zf;
	int zerr, rc;

	if (argc >= 2 && strcmp(argv[1], "--all") == 0)
		return floor_all(argc, argv);
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: floor FILE.xlsx [ENTRY]   (default %s)\n"
				"       floor --all FILE.xlsx...\n", DEFAULT_ENTRY);
		return 2;
	}
	if (argc == 3)
		entry = argv[2];

	za = zip_open(argv[1], ZIP_RDONLY, &zerr);
	if (za == NULL) {
		zip_error_t ze;

		zip_error_init_with_code(&ze, zerr);
		fprintf(stderr, "floor: %s: %s\n", argv[1], zip_error_strerror(&ze));
		zip_error_fini(&ze);
		return 1;
	}
	zf = zip_fopen(za, entry, 0);
	if (zf == NULL) {
		fprintf(stderr, "floor: %s: %s: %s\n", argv[1], entry, zip_strerror(za));
		zip_discard(za);
		return 1;
	}
	rc = parse_entry(zf, entry, &cells);
	if (zip_fclose(zf) != 0 && rc == 0) {
		fprintf(stderr, "floor: closing %s failed\n", entry);
		rc = -1;
	}
	zip_discard(za);	/* read-only: nothing to write back */
	if (rc != 0)
		return 1;

	if (printf("cells %llu\n", cells) < 0 || fflush(stdout) != 0) {
		perror("floor: stdout");
		return 1;
	}
	return 0;
}
