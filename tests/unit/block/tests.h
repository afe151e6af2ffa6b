/* Block image unit suites and their shared helpers (helpers.c). */
#ifndef BLOCK_TESTS_H
#define BLOCK_TESTS_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>

#include "image.h"

Suite *suite_raw(void);
Suite *suite_cow(void);
Suite *suite_open(void);

/* A fresh directory for each test (a checked fixture), removed after. */
void tmp_setup(void);
void tmp_teardown(void);
/* tmp_path("x") is "<the test's directory>/x", in a static buffer per
 * call slot: slot 0..3. */
const char *tmp_path(int slot, const char *name);

/* Fills count sectors with a pattern of (sector, seed). */
void fill(void *buf, uint64_t sector, uint32_t count, unsigned seed);
/* 1 if buf holds fill()'s pattern of (sector, count, seed). */
int holds(const void *buf, uint64_t sector, uint32_t count, unsigned seed);
/* Makes a file of sectors filled with seed's pattern (seed 0: zeros). */
void make_image(const char *path, uint64_t sectors, unsigned seed);
/* Makes a file of exactly bytes zero bytes. */
void make_file(const char *path, size_t bytes);
/* FNV-1a of a whole file's bytes. */
uint64_t file_sum(const char *path);
/* The size of a file in bytes. */
uint64_t file_size(const char *path);

#endif
