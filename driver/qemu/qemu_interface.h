/* Guest network interfaces of the QEMU driver: a tap device per
 * <interface type='network'|'bridge'>, on the network's bridge or the
 * named host bridge. Taps live as long as an fd to them is open, so they
 * go away with QEMU whatever way it ends; their names are kept in the live
 * definition (<target dev>), hence in the status file. */
#pragma once

#include "conf/domain_conf.h"

#include <glib.h>

/* Creates and attaches the taps of live (name: the domain's, for messages),
 * setting each interface's target_dev to its tap. *ret_fds gets the open
 * fds in interface order, numbered above 2 + their count (so they can be
 * handed on as 3, 4, ...). On failure nothing is left. */
int qemu_interface_connect(const char *name, domain_def *live, GArray **ret_fds);
/* Closes fds (NULL accepted) and deletes the taps live names that remain. */
void qemu_interface_release(GArray *fds, const domain_def *live);
