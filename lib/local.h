/* In-process connections (test:///default): the driver runs inside the
 * caller, as libvirt runs its test driver. */
#pragma once

#include "driver/driver.h"
#include "lib/vctl.h"

typedef struct conn_callback conn_callback;

/* Opens conn->uri's driver in this process (conn->driver, conn->drv). */
int local_open(vctl_conn *conn);
void local_close(vctl_conn *conn);
/* Registers cb for dom's (NULL: every domain's) lifecycle events; the
 * driver's events are queued for the dispatcher thread, so a callback never
 * runs in the thread (or under the locks) of the change. Returns the id or -1. */
int local_event_register(vctl_conn *conn, const drv_domain *dom, conn_callback *cb);
int local_event_deregister(vctl_conn *conn, int id);
