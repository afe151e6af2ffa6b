/* Release version; the build date comes from the Makefile. */
#ifndef KEEL_VERSION_H
#define KEEL_VERSION_H

#define KEEL_VERSION_MAJOR 0
#define KEEL_VERSION_MINOR 1
#define KEEL_VERSION_EXTRA "-dev"
#ifndef KEEL_BUILD_DATE
#define KEEL_BUILD_DATE "unknown"
#endif

/* The linker's GNU build id as lowercase hex ("unknown" if absent). */
const char *build_id_hex(void);

#endif
