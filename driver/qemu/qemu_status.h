/* The status file of a running guest, RUN_DIR/qemu/NAME.xml: what a
 * restarted vctld needs to take the guest over again.
 *
 *   <domstatus state='running' reason='1' pid='4242' starttime='123456'
 *              monitor='/run/vctl/qemu/web1/monitor.sock' id='3'>
 *     <domain type='qemu'>...the live definition...</domain>
 *   </domstatus>
 *
 * state is libvirt's status-file name of the state ("running", "paused",
 * "shutdown", ...), reason the number of the state's reason; starttime is
 * field 22 of /proc/PID/stat, so a reused pid is never mistaken for QEMU.
 * After <domain>, one <owner path='/img/a.qcow2' uid='0' gid='0'
 * mode='0600' as-uid='998' as-gid='998'/> per file handed to a confined
 * QEMU (qemu_confine.h): what to give back when it stops.
 * Written atomically (a vctld killed at any moment leaves the old or the new
 * file), mode 0600. */
#pragma once

#include "conf/domain_conf.h"

#include <sys/types.h>

/* A file handed to the confined QEMU's user, and what it was before. */
typedef struct qemu_owner {
        char *path;
        uid_t uid; /* the original owner, group and mode */
        gid_t gid;
        mode_t mode;
        uid_t as_uid; /* whom it was given to */
        gid_t as_gid;
        mode_t as_mode;
        gboolean create; /* not on disk yet: created empty (a chardev's file) at grant */
} qemu_owner;

void qemu_owner_free(qemu_owner *owner); /* accepts NULL */

typedef struct qemu_status {
        int state;  /* VCTL_DOMAIN_* */
        int reason; /* VCTL_DOMAIN_<state>_* */
        pid_t pid;
        guint64 start_time;
        char *monitor;
        int id;
        domain_def *live;
        GPtrArray *owners; /* of qemu_owner; NULL or empty: none */
} qemu_status;

void qemu_status_free(qemu_status *status); /* accepts NULL */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemu_status, qemu_status_free)

/* "running" for VCTL_DOMAIN_RUNNING; NULL for an unknown state. */
const char *qemu_status_state_name(int state);

/* The document for status (NULL with the last error set when the live
 * definition cannot be formatted). */
char *qemu_status_format(const qemu_status *status);
/* Parses a document written by qemu_status_format; NULL with the last error
 * set (naming what) on anything else. */
qemu_status *qemu_status_parse(const char *xml, size_t len, const char *what);

/* Atomic write to path / bounded read of path. */
int qemu_status_save(const char *path, const qemu_status *status);
qemu_status *qemu_status_load(const char *path);
