/* Early console: bytes straight into the hypervisor's log (console.h). */
#include "hypercall.h"
#include "kernel.h"

void early_console_write(const char *s, size_t len)
{
	while (len) {
		size_t n = len > KEEL_CONSOLEIO_MAX ? KEEL_CONSOLEIO_MAX : len;

		if (hc_console_write(s, n) < 0)
			return;         /* rate-limited or refused: drop */
		s += n;
		len -= n;
	}
}
