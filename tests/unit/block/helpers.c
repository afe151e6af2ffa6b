/* Temporary directories, patterns and file checks for the block suites. */
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests.h"

static char dir[64];
static char paths[4][128];

void tmp_setup(void)
{
	strcpy(dir, "/tmp/keel-blk-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st; (void)flag; (void)ftw;
	return remove(path);
}

void tmp_teardown(void)
{
	nftw(dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

const char *tmp_path(int slot, const char *name)
{
	snprintf(paths[slot], sizeof(paths[slot]), "%s/%s", dir, name);
	return paths[slot];
}

static uint8_t pattern_byte(uint64_t sector, unsigned i, unsigned seed)
{
	return seed ? (uint8_t)(sector * 131 + i * 7 + seed * 17 + 1) : 0;
}

void fill(void *buf, uint64_t sector, uint32_t count, unsigned seed)
{
	uint8_t *p = buf;

	for (uint32_t s = 0; s < count; s++)
		for (unsigned i = 0; i < BLK_SECTOR_SIZE; i++)
			*p++ = pattern_byte(sector + s, i, seed);
}

int holds(const void *buf, uint64_t sector, uint32_t count, unsigned seed)
{
	const uint8_t *p = buf;

	for (uint32_t s = 0; s < count; s++)
		for (unsigned i = 0; i < BLK_SECTOR_SIZE; i++)
			if (*p++ != pattern_byte(sector + s, i, seed))
				return 0;
	return 1;
}

void make_image(const char *path, uint64_t sectors, unsigned seed)
{
	uint8_t sec[BLK_SECTOR_SIZE];
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	for (uint64_t s = 0; s < sectors; s++) {
		fill(sec, s, 1, seed);
		ck_assert_uint_eq(fwrite(sec, 1, sizeof(sec), f), sizeof(sec));
	}
	ck_assert_int_eq(fclose(f), 0);
}

void make_file(const char *path, size_t bytes)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)bytes), 0);
	close(fd);
}

uint64_t file_sum(const char *path)
{
	uint64_t h = 0xcbf29ce484222325ull;
	FILE *f = fopen(path, "rb");
	int c;

	ck_assert_ptr_nonnull(f);
	while ((c = fgetc(f)) != EOF)
		h = (h ^ (uint8_t)c) * 0x100000001b3ull;
	fclose(f);
	return h;
}

uint64_t file_size(const char *path)
{
	struct stat st;

	ck_assert_int_eq(stat(path, &st), 0);
	return (uint64_t)st.st_size;
}
