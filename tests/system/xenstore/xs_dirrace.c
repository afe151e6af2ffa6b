/*
 * A directory reader on Debian's libxenstore (the stock C client, as a
 * program written for Xen uses it):
 *
 *   xs-dirrace PATH SECONDS
 *
 * Calls xs_directory(PATH) in a loop for SECONDS while another process
 * shrinks and grows PATH (xs-stress shrink).  A directory over 4096 bytes
 * is read in DIRECTORY_PART pieces; when it shrinks between two pieces
 * the store must answer so that libxenstore starts again (Xen's rule), not
 * fail.  Prints "calls N failures F parts-restarts?"; exit 0 if F == 0.
 * The store is found through $XENSTORED_PATH, as by every stock client.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* libxenstore's API (xenstore.h in libxen-dev), declared here so the test
 * needs only the runtime library. */
struct xs_handle;
typedef uint32_t xs_transaction_t;
struct xs_handle *xs_open(unsigned long flags);
void xs_close(struct xs_handle *xsh);
char **xs_directory(struct xs_handle *h, xs_transaction_t t,
		    const char *path, unsigned int *num);

int main(int argc, char **argv)
{
	struct xs_handle *h;
	unsigned long calls = 0, failures = 0, big = 0;
	unsigned int num;
	time_t end;
	char **names;

	if (argc != 3) {
		fprintf(stderr, "usage: xs-dirrace PATH SECONDS\n");
		return 2;
	}
	h = xs_open(0);
	if (!h) {
		perror("xs_open");
		return 1;
	}
	end = time(NULL) + atol(argv[2]);
	while (time(NULL) < end) {
		names = xs_directory(h, 0, argv[1], &num);
		calls++;
		if (!names) {
			if (failures++ < 5)
				fprintf(stderr, "xs_directory: %s\n",
					strerror(errno));
			continue;
		}
		if (num > 100)
			big++;
		free(names);
	}
	xs_close(h);
	printf("calls %lu (large %lu) failures %lu\n", calls, big, failures);
	return failures || !big ? 1 : 0;
}
