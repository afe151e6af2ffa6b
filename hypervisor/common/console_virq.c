/*
 * VIRQ_CONSOLE: dom0 hears that the hypervisor log has new bytes.  The log
 * itself only sets a flag (printk runs under every kind of lock); the
 * event is raised from places that hold none: dom0's exits on pCPU0 and
 * each guest pCPU's scheduling loop.  Sends while the port is still
 * pending make no new upcall, so a chatty log costs dom0 one interrupt.
 */
#include <keel/console.h>
#include <keel/domain.h>
#include <keel/evtchn.h>

void console_notify_dom0(void)
{
	if (console_take_new_data())
		evtchn_send_virq(&dom0.vcpu0, KEEL_VIRQ_CONSOLE);
}
