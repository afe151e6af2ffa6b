/* The disk program's data pattern and command line (pattern.h). */
#include <public/errno.h>

#include "lib.h"
#include "pattern.h"
#include "str.h"

uint64_t disk_pattern_word(uint64_t seed, uint64_t sector, unsigned int word)
{
	return ((sector << 6) | word) ^ (seed * DISK_PATTERN_MUL);
}

void disk_pattern_fill(void *buf, uint64_t seed, uint64_t sector, uint64_t count)
{
	uint64_t *w = buf;
	uint64_t mix = seed * DISK_PATTERN_MUL;

	for (uint64_t s = sector; s < sector + count; s++)
		for (unsigned int i = 0; i < DISK_WORDS_PER_SECTOR; i++)
			*w++ = ((s << 6) | i) ^ mix;
}

long disk_pattern_check(const void *buf, uint64_t seed, uint64_t sector,
			uint64_t count)
{
	const uint64_t *w = buf;
	uint64_t mix = seed * DISK_PATTERN_MUL;

	for (uint64_t n = 0; n < count; n++)
		for (unsigned int i = 0; i < DISK_WORDS_PER_SECTOR; i++)
			if (*w++ != ((((sector + n) << 6) | i) ^ mix))
				return (long)n;
	return -1;
}

#define DISK_MAX_WORDS 8
#define DISK_WORD_LEN  24

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Split into at most DISK_MAX_WORDS words; extra words make it -1. */
static int split(const char *s, char words[DISK_MAX_WORDS][DISK_WORD_LEN])
{
	int n = 0;

	for (;;) {
		size_t len = 0;

		while (is_space(*s))
			s++;
		if (!*s)
			return n;
		if (n == DISK_MAX_WORDS)
			return -1;
		while (*s && !is_space(*s)) {
			if (len + 1 < DISK_WORD_LEN)
				words[n][len] = *s;
			len++;
			s++;
		}
		if (len >= DISK_WORD_LEN)
			return -1;
		words[n][len] = '\0';
		n++;
	}
}

static int word_is(const char *w, const char *verb)
{
	return !strcmp(w, verb);
}

/* Parse the words after the verb: nr_req required, nr_opt optional. */
static int numbers(char words[][DISK_WORD_LEN], int n, int nr_req, int nr_opt,
		   uint64_t *out[])
{
	if (n < nr_req || n > nr_req + nr_opt)
		return -KEEL_EINVAL;
	for (int i = 0; i < n; i++) {
		if (gk_parse_u64(words[i], strlen(words[i]), out[i]) < 0)
			return -KEEL_EINVAL;
	}
	return 0;
}

int disk_parse_cmd(const char *cmdline, struct disk_cmd *out)
{
	char words[DISK_MAX_WORDS][DISK_WORD_LEN];
	uint64_t *args[5] = { &out->start, &out->count, &out->seed,
			      &out->passes, &out->chunk };
	uint64_t *mib[1] = { &out->mib };
	int n = split(cmdline ? cmdline : "", words);
	int rc;

	*out = (struct disk_cmd){ .passes = DISK_LOOP_PASSES,
				  .chunk = DISK_LOOP_CHUNK, .mib = DISK_BENCH_MIB };
	if (n < 0)
		return -KEEL_EINVAL;
	for (int i = 0; i < n; i++) {
		char (*rest)[DISK_WORD_LEN] = &words[i + 1];
		int nr = n - i - 1;

		if (word_is(words[i], "write"))
			out->verb = DISK_WRITE;
		else if (word_is(words[i], "verify"))
			out->verb = DISK_VERIFY;
		else if (word_is(words[i], "loop"))
			out->verb = DISK_LOOP;
		else if (word_is(words[i], "bench"))
			out->verb = DISK_BENCH;
		else if (word_is(words[i], "discard"))
			out->verb = DISK_DISCARD;
		else if (!strncmp(words[i], "wait=", 5)) {
			size_t len = strlen(words[i] + 5);

			if (gk_parse_u64(words[i] + 5, len, &out->wait_s) < 0)
				return -KEEL_EINVAL;
			continue;
		} else
			continue;
		if (out->verb == DISK_BENCH)
			rc = numbers(rest, nr, 0, 1, mib);
		else if (out->verb == DISK_DISCARD)
			rc = numbers(rest, nr, 2, 0, args);
		else
			rc = numbers(rest, nr, 3, out->verb == DISK_LOOP ? 2 : 0, args);
		if (rc == 0 && (out->mib == 0 || out->passes == 0 || out->chunk == 0))
			rc = -KEEL_EINVAL;
		if (rc == 0 && out->verb != DISK_BENCH &&
		    (out->count == 0 || out->start + out->count < out->start))
			rc = -KEEL_EINVAL;
		return rc;
	}
	return 0;
}
