/* What qemu_lifecycle.c, qemu_vm.c and qemu_reconnect.c share: the qemu_vm
 * object (one QEMU process) and its timeouts. Private to the QEMU driver;
 * the locking rules are in qemu_lifecycle.h. */
#pragma once

#include "driver/qemu/qemu_lifecycle.h"
#include "driver/qemu/qmp.h"

#include <sys/types.h>

/* QEMU must answer on its monitor within this after it was spawned */
#define QEMU_CONNECT_TIMEOUT_MS 10000
/* every command of an operation */
#define QEMU_QMP_TIMEOUT_MS 10000
/* killing a QEMU that failed to start */
#define QEMU_START_KILL_MS 1000

typedef struct qemu_vm {
        gint refs;
        qemu_state *st; /* borrowed: the vm never outlives qemu_lifecycle_cleanup */
        char *name;
        unsigned char uuid[VCTL_UUID_LEN];
        int id;
        GMutex job;

        pid_t pid;
        guint64 start_time;
        int pidfd; /* -1 until spawned */
        char *dir; /* RUN_DIR/qemu/NAME: monitor and chardev sockets */
        char *monitor_path;
        char *status_path;  /* RUN_DIR/qemu/NAME.xml */
        char *log_path;     /* LOG_DIR/qemu/NAME.log */
        goffset log_offset; /* where this run's lines begin */
        qmp *mon;           /* closed only when the vm is freed */
        gint shutdown_seen; /* atomic: QEMU said SHUTDOWN, so its exit is a shutdown */
        GPtrArray *owners;  /* of qemu_owner: files handed to a confined QEMU */

        /* under the list lock */
        GSource *exit_src; /* watches pidfd in the event thread */
        gboolean gone;     /* the exit was handled */
        int stop_reason;   /* the VCTL_DOMAIN_SHUTOFF_* the exit means, or -1 */
        gboolean restart;  /* start it again once it exited */
} qemu_vm;

qemu_vm *qemu_vm_ref(qemu_vm *vm);
void qemu_vm_unref(qemu_vm *vm); /* accepts NULL */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemu_vm, qemu_vm_unref)

/* A vm for domain name/uuid with id; not yet spawned nor in st->vms. */
qemu_vm *qemu_vm_new(qemu_state *st, const char *name, const unsigned char *uuid, int id);
/* The current vm of obj, if any (list lock held). */
qemu_vm *qemu_vm_of_locked(qemu_state *st, const domain_obj *obj);
/* obj of vm when vm is still its running QEMU (list lock held). */
domain_obj *qemu_vm_obj_locked(qemu_vm *vm);
/* Rewrites the status file after a state change (list lock held). */
void qemu_vm_save_status_locked(qemu_vm *vm, const domain_obj *obj);
/* Queues event/detail for obj (list lock held). */
void qemu_vm_event_locked(domain_obj *obj, domain_event_queue *q, int event, int detail);

/* Called once QEMU exited (pidfd readable), from any thread: updates the
 * domain unless somebody did already, then cleans up after QEMU. */
void qemu_vm_finish(qemu_vm *vm);
/* Watches vm's pidfd on the event thread (list lock held). */
void qemu_vm_watch_exit_locked(qemu_vm *vm);
/* The QMP callbacks of a vm's monitor (opaque: the vm). */
void qemu_vm_on_qmp_event(qmp *mon, const char *event, JsonObject *data, gint64 timestamp_us,
                          void *opaque);
void qemu_vm_on_qmp_eof(qmp *mon, const char *reason, void *opaque);

/* on_poweroff/on_crash=restart: a new QEMU, off the event thread (qemu_lifecycle.c). */
void qemu_vm_restart_later(qemu_vm *vm);

/* Takes over the guests whose status files are in st->run_dir, in name
 * order, or marks them shut off when their QEMU is gone (qemu_reconnect.c). */
void qemu_reconnect_all(qemu_state *st);
