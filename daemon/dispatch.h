/* The dispatch table: what each REMOTE_PROGRAM procedure needs and does. */
#pragma once

#include "daemon/client.h"
#include "driver/driver.h"

/* An open driver connection, shared by the client and its calls in flight. */
struct dispatch_conn {
        gint refs;
        const vctl_driver *drv;
        drv_conn *dc;
        char *uri;
};

dispatch_conn *dispatch_conn_new(const vctl_driver *drv, drv_conn *dc, const char *uri);
dispatch_conn *dispatch_conn_ref(dispatch_conn *conn);
void dispatch_conn_unref(dispatch_conn *conn); /* accepts NULL */

/* Main thread: a REMOTE_PROGRAM message from cl (takes msg). Answers it inline
 * or queues it for a worker. Returns -1 when the client must be dropped. */
int dispatch_message(vctld_client *cl, vctl_rpc_msg *msg);

/* GThreadPool function: runs one queued call. */
void dispatch_job_run(gpointer job, gpointer user_data);

/* Whether proc is refused on the read-only socket (for tests and docs). */
gboolean dispatch_proc_is_mutating(int proc);

/* Calls fn for every procedure vctld serves, in number order, with whether
 * the read-only socket refuses it (vctld --list-procedures, for tests). */
void dispatch_proc_foreach(void (*fn)(int proc, const char *name, gboolean mutating, void *opaque),
                           void *opaque);

/* dispatch_auth.c: at accept, what the client must pass (auth_unix_rw/ro
 * and its credentials); then whether it did. */
void dispatch_auth_init(vctld_client *cl);
gboolean dispatch_auth_done(vctld_client *cl);
