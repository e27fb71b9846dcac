/* The serial console of a running QEMU guest: the pty QEMU made for a
 * <serial type='pty'> or <console type='pty'>, whose path the live
 * definition carries (from QMP query-chardev). */
#pragma once

#include "conf/domain_conf.h"
#include "driver/console.h"

/* Opens the pty of console dev_name ("serialN", "consoleN"; NULL: the first
 * console, else serial0) of live in raw mode: read-write, non-blocking,
 * close-on-exec, not the controlling terminal. 0, or -1 with the last error
 * set (no such console, not a pty, no path yet, open failed). */
int qemu_console_open(const domain_def *live, const char *dev_name, int *ret_fd);

/* The open_console of the driver table for a running domain name/uuid
 * (caller holds the domain's lock and checked it runs): opens the pty and
 * serves it as a console session of cs, one client at a time (flags:
 * VCTL_DOMAIN_CONSOLE_*). 0, or -1 with the last error set. */
int qemu_console_attach(drv_consoles *cs, const char *name, const unsigned char uuid[VCTL_UUID_LEN],
                        const domain_def *live, const char *dev_name, unsigned int flags,
                        int *ret_fd);
