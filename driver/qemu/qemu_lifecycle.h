/* The QEMU driver's running guests: start, QMP-driven state changes, stop,
 * and taking guests over again after vctld restarts.
 *
 * Threads and locks. The domain list's lock guards every domain_obj, the
 * table of running QEMUs (vms) and each vm's state flags. A vm's job mutex
 * serializes the operations that talk to its QEMU (start, suspend, resume,
 * shutdown, reboot, reset); it is taken before, never while holding, the list
 * lock, and nobody waits for QMP with the list lock held. QMP events and
 * QEMU's exit (a pidfd) are handled on the driver's own event thread, which
 * takes only the list lock. destroy needs no job: it kills, then waits. */
#pragma once

#include "driver/domain_event.h"
#include "driver/console.h"
#include "driver/domain_list.h"
#include "driver/qemu/qemu_store.h"

typedef struct qemu_state {
        gint refs; /* the daemon's and one per connection */
        gboolean system;
        gboolean confine; /* system mode as root: QEMU runs as vctl-qemu (qemu_confine.h) */
        qemu_store *store;
        domain_list *domains;
        domain_event_registry *events;
        drv_consoles *consoles; /* one client per guest console */

        char *run_dir;        /* RUN_DIR/qemu: status files and per-domain directories */
        char *log_dir;        /* LOG_DIR/qemu */
        GHashTable *vms;      /* name -> qemu_vm (a reference); under the list lock */
        gint quitting;        /* atomic: state_cleanup began; no restarts, the event thread ends */
        GMainContext *ev_ctx; /* of the event thread */
        GThread *ev_thread;
} qemu_state;

void qemu_state_ref(qemu_state *st);
void qemu_state_unref(qemu_state *st);

/* Starts the event thread, takes over the guests whose status files are in
 * RUN_DIR/qemu (or marks them shut off when their QEMU is gone). The list
 * must hold the persistent definitions already. 0 or -1. */
int qemu_lifecycle_init(qemu_state *st, const vctl_paths *paths);
/* Starts every autostart domain that is not running; failures are logged. */
void qemu_lifecycle_autostart(qemu_state *st);
/* Lets go of every guest without stopping it and stops the event thread. */
void qemu_lifecycle_cleanup(qemu_state *st);

int qemu_lifecycle_create(qemu_state *st, drv_domain *dom, unsigned int flags);
/* *def is taken on success and on failure. */
drv_domain *qemu_lifecycle_create_xml(qemu_state *st, domain_def **def, unsigned int flags);
int qemu_lifecycle_destroy(qemu_state *st, const drv_domain *dom, unsigned int flags);
int qemu_lifecycle_shutdown(qemu_state *st, const drv_domain *dom);
int qemu_lifecycle_reboot(qemu_state *st, const drv_domain *dom);
int qemu_lifecycle_reset(qemu_state *st, const drv_domain *dom);
int qemu_lifecycle_suspend(qemu_state *st, const drv_domain *dom);
int qemu_lifecycle_resume(qemu_state *st, const drv_domain *dom);
