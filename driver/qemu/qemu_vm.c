/* One QEMU process as vctld sees it: the qemu_vm object, its status file,
 * and what QEMU tells us while it runs (QMP events) and when it exits. */
#include "config.h"

#include "driver/driver_priv.h"
#include "driver/qemu/qemu_confine.h"
#include "driver/qemu/qemu_lifecycle_priv.h"
#include "driver/qemu/qemu_process.h"
#include "driver/qemu/qemu_status.h"
#include "lib/util/error.h"
#include "lib/util/log.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <glib-unix.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

/* how long an exit waits for the monitor to deliver QEMU's last events */
#define QEMU_DRAIN_MS 1000

qemu_vm *qemu_vm_ref(qemu_vm *vm)
{
        g_atomic_int_inc(&vm->refs);
        return vm;
}

void qemu_vm_unref(qemu_vm *vm)
{
        if (!vm || !g_atomic_int_dec_and_test(&vm->refs))
                return;
        qmp_close(vm->mon);
        if (vm->pidfd >= 0)
                close(vm->pidfd);
        g_mutex_clear(&vm->job);
        g_free(vm->name);
        g_free(vm->dir);
        g_free(vm->monitor_path);
        g_free(vm->status_path);
        g_free(vm->log_path);
        g_ptr_array_unref(vm->owners);
        g_free(vm);
}

qemu_vm *qemu_vm_new(qemu_state *st, const char *name, const unsigned char *uuid, int id)
{
        g_autofree char *status = g_strconcat(name, ".xml", NULL);
        g_autofree char *log = g_strconcat(name, ".log", NULL);
        qemu_vm *vm = g_new0(qemu_vm, 1);
        struct sockaddr_un sa;

        vm->refs = 1;
        vm->st = st;
        vm->name = g_strdup(name);
        memcpy(vm->uuid, uuid, VCTL_UUID_LEN);
        vm->id = id;
        g_mutex_init(&vm->job);
        vm->pidfd = -1;
        vm->stop_reason = -1;
        vm->owners = g_ptr_array_new_with_free_func((GDestroyNotify)qemu_owner_free);
        vm->dir = g_build_filename(st->run_dir, name, NULL);
        vm->monitor_path = g_build_filename(vm->dir, "monitor.sock", NULL);
        /* a long name must not make the socket path too long for sun_path */
        if (strlen(vm->monitor_path) >= sizeof(sa.sun_path)) {
                g_autofree char *short_dir = g_strdup_printf("domain-%d", id);

                g_free(vm->dir);
                g_free(vm->monitor_path);
                vm->dir = g_build_filename(st->run_dir, short_dir, NULL);
                vm->monitor_path = g_build_filename(vm->dir, "monitor.sock", NULL);
        }
        vm->status_path = g_build_filename(st->run_dir, status, NULL);
        vm->log_path = g_build_filename(st->log_dir, log, NULL);
        return vm;
}

/* The current vm of obj, if any (list lock held). */
qemu_vm *qemu_vm_of_locked(qemu_state *st, const domain_obj *obj)
{
        qemu_vm *vm = g_hash_table_lookup(st->vms, obj->name);

        if (vm && memcmp(vm->uuid, obj->uuid, VCTL_UUID_LEN) != 0)
                return NULL;
        return vm;
}

/* obj of vm when vm is still its running QEMU (list lock held). */
domain_obj *qemu_vm_obj_locked(qemu_vm *vm)
{
        domain_obj *obj = domain_list_find_uuid_locked(vm->st->domains, vm->uuid);

        if (!obj || vm->gone || g_hash_table_lookup(vm->st->vms, vm->name) != vm ||
            !domain_obj_is_active(obj) || obj->id != vm->id)
                return NULL;
        return obj;
}

/* Rewrites the status file after a state change (list lock held). */
void qemu_vm_save_status_locked(qemu_vm *vm, const domain_obj *obj)
{
        qemu_status s = {
                .state = obj->state,
                .reason = obj->reason,
                .pid = vm->pid,
                .start_time = vm->start_time,
                .monitor = vm->monitor_path,
                .id = vm->id,
                .live = obj->live,
                .owners = vm->owners,
        };

        if (!obj->live || qemu_status_save(vm->status_path, &s) < 0) {
                log_error(_("domain '%s': cannot save its status: %s"), vm->name,
                          vctl_error_message());
                vctl_error_clear();
        }
}

void qemu_vm_event_locked(domain_obj *obj, domain_event_queue *q, int event, int detail)
{
        g_autoptr(drv_domain) ev = domain_obj_to_drv(obj);

        domain_event_queue_push(q, ev, event, detail);
}

/* ---- QEMU's exit ---- */

/* The QEMU of vm has exited (or is about to be forgotten): the domain is
 * shut off with the reason its exit means. TRUE when this call did it. */
static gboolean qemu_vm_stopped_locked(qemu_vm *vm, domain_event_queue *q, int *ret_reason)
{
        qemu_state *st = vm->st;
        domain_obj *obj;
        int reason, detail;

        if (vm->gone)
                return FALSE;
        obj = qemu_vm_obj_locked(vm);
        vm->gone = TRUE;
        if (vm->stop_reason >= 0)
                reason = vm->stop_reason;
        else if (g_atomic_int_get(&vm->shutdown_seen))
                reason = VCTL_DOMAIN_SHUTOFF_SHUTDOWN;
        else
                reason = VCTL_DOMAIN_SHUTOFF_CRASHED;
        detail = reason == VCTL_DOMAIN_SHUTOFF_SHUTDOWN    ? VCTL_DOMAIN_EVENT_STOPPED_SHUTDOWN
                 : reason == VCTL_DOMAIN_SHUTOFF_DESTROYED ? VCTL_DOMAIN_EVENT_STOPPED_DESTROYED
                 : reason == VCTL_DOMAIN_SHUTOFF_FAILED    ? VCTL_DOMAIN_EVENT_STOPPED_FAILED
                                                           : VCTL_DOMAIN_EVENT_STOPPED_CRASHED;
        if (obj) {
                g_autoptr(drv_domain) ev = domain_obj_to_drv(obj);

                /* the SHUTDOWN event may not have been handled yet: say it first */
                if (reason == VCTL_DOMAIN_SHUTOFF_SHUTDOWN && obj->state != VCTL_DOMAIN_SHUTDOWN)
                        domain_event_queue_push(q, ev, VCTL_DOMAIN_EVENT_SHUTDOWN,
                                                VCTL_DOMAIN_EVENT_SHUTDOWN_FINISHED);
                ev->id = -1;
                drv_consoles_close_domain(st->consoles, obj->uuid);
                domain_obj_set_shutoff(st->domains, obj, reason);
                domain_event_queue_push(q, ev, VCTL_DOMAIN_EVENT_STOPPED, detail);
        }
        /* before the status file goes: it is what remembers the owners */
        qemu_confine_restore(vm->name, vm->owners);
        g_ptr_array_set_size(vm->owners, 0);
        if (unlink(vm->status_path) < 0 && errno != ENOENT)
                log_warning(_("domain '%s': cannot remove its status file '%s': %s"), vm->name,
                            vm->status_path, g_strerror(errno));
        if (g_hash_table_lookup(st->vms, vm->name) == vm)
                g_hash_table_remove(st->vms, vm->name);
        *ret_reason = reason;
        return TRUE;
}

/* Called once QEMU exited (pidfd readable), from any thread: updates the
 * domain unless somebody did already, then cleans up after QEMU. */
void qemu_vm_finish(qemu_vm *vm)
{
        g_autoptr(domain_event_queue) q = domain_event_queue_new();
        qemu_state *st = vm->st;
        GSource *src = NULL;
        gboolean handled, restart;
        gint64 deadline = g_get_monotonic_time() + QEMU_DRAIN_MS * 1000;
        int reason = -1;

        /* QEMU's last words (SHUTDOWN) come before the end of its monitor:
         * read them before deciding what the exit means */
        while (vm->mon && !qmp_is_closed(vm->mon) && g_get_monotonic_time() < deadline)
                g_usleep(10 * 1000);

        domain_list_lock(st->domains);
        handled = qemu_vm_stopped_locked(vm, q, &reason);
        if (handled)
                src = g_steal_pointer(&vm->exit_src);
        restart = handled && vm->restart && !g_atomic_int_get(&st->quitting);
        domain_list_unlock(st->domains);
        domain_event_queue_flush(q, st->events);
        if (!handled)
                return;
        if (src) {
                g_source_destroy(src);
                g_source_unref(src);
        }
        qemu_process_reap(vm->pid);
        qemu_process_remove_dir(vm->dir);
        if (reason == VCTL_DOMAIN_SHUTOFF_CRASHED) {
                g_autofree char *tail =
                        qemu_process_log_tail(vm->log_path, vm->log_offset, QEMU_PROCESS_LOG_LINES);

                if (tail)
                        log_warning(_("domain '%s': QEMU (pid %d) exited unexpectedly: %s"),
                                    vm->name, (int)vm->pid, tail);
                else
                        log_warning(_("domain '%s': QEMU (pid %d) exited unexpectedly (its log "
                                      "is empty)"),
                                    vm->name, (int)vm->pid);
        } else {
                log_info(_("domain '%s' stopped (QEMU pid %d)"), vm->name, (int)vm->pid);
        }
        if (restart)
                qemu_vm_restart_later(vm);
}

static gboolean qemu_vm_on_exit(gint fd, GIOCondition cond, gpointer data)
{
        qemu_vm_finish(data);
        return G_SOURCE_REMOVE;
}

/* Watches vm's pidfd on the event thread (list lock held). */
void qemu_vm_watch_exit_locked(qemu_vm *vm)
{
        GSource *src = g_unix_fd_source_new(vm->pidfd, G_IO_IN);

        g_source_set_callback(src, G_SOURCE_FUNC(qemu_vm_on_exit), qemu_vm_ref(vm),
                              (GDestroyNotify)qemu_vm_unref);
        g_source_attach(src, vm->st->ev_ctx);
        vm->exit_src = src;
}

/* ---- QMP events (on the event thread) ---- */

typedef struct qemu_vm_event {
        qemu_vm *vm;
        char *name;
        JsonObject *data;
} qemu_vm_event;

static void qemu_vm_event_free(gpointer p)
{
        qemu_vm_event *e = p;

        qemu_vm_unref(e->vm);
        g_free(e->name);
        json_object_unref(e->data);
        g_free(e);
}

static gpointer qemu_vm_kill_thread(gpointer data)
{
        g_autoptr(qemu_vm) vm = data;

        if (qemu_process_kill(vm->name, vm->pidfd, QEMU_PROCESS_TERM_MS, FALSE) < 0) {
                log_error("%s", vctl_error_message());
                vctl_error_clear();
                return NULL;
        }
        qemu_vm_finish(vm);
        return NULL;
}

/* on_crash=destroy|restart: kill it off the event thread */
static void qemu_vm_kill_later(qemu_vm *vm)
{
        g_thread_unref(g_thread_new("vctl-qemu-kill", qemu_vm_kill_thread, qemu_vm_ref(vm)));
}

static void qemu_vm_on_shutdown_locked(qemu_vm *vm, domain_obj *obj, JsonObject *data,
                                       domain_event_queue *q)
{
        const char *reason = json_object_get_string_member_with_default(data, "reason", "");
        gboolean guest = json_object_get_boolean_member_with_default(data, "guest", FALSE);
        const domain_def *def = obj->live;

        /* a guest powering off (or resetting under -no-reboot) with on_*=restart */
        if (def && guest && !g_str_equal(reason, "guest-reset") &&
            (def->on_poweroff == DOMAIN_LIFECYCLE_RESTART ||
             def->on_poweroff == DOMAIN_LIFECYCLE_RENAME_RESTART))
                vm->restart = TRUE;
        if (obj->state == VCTL_DOMAIN_SHUTDOWN)
                return;
        domain_obj_set_state(obj, VCTL_DOMAIN_SHUTDOWN, VCTL_DOMAIN_SHUTDOWN_USER);
        qemu_vm_event_locked(obj, q, VCTL_DOMAIN_EVENT_SHUTDOWN,
                             VCTL_DOMAIN_EVENT_SHUTDOWN_FINISHED);
        qemu_vm_save_status_locked(vm, obj);
}

static gboolean qemu_vm_event_dispatch(gpointer data)
{
        qemu_vm_event *e = data;
        qemu_vm *vm = e->vm;
        g_autoptr(domain_event_queue) q = domain_event_queue_new();
        gboolean kill = FALSE;
        domain_obj *obj;

        domain_list_lock(vm->st->domains);
        obj = qemu_vm_obj_locked(vm);
        if (!obj) {
                /* still starting (start sets the state itself) or gone */
        } else if (g_str_equal(e->name, "STOP")) {
                if (obj->state == VCTL_DOMAIN_RUNNING) {
                        domain_obj_set_state(obj, VCTL_DOMAIN_PAUSED, VCTL_DOMAIN_PAUSED_UNKNOWN);
                        qemu_vm_event_locked(obj, q, VCTL_DOMAIN_EVENT_SUSPENDED,
                                             VCTL_DOMAIN_EVENT_SUSPENDED_PAUSED);
                        qemu_vm_save_status_locked(vm, obj);
                }
        } else if (g_str_equal(e->name, "RESUME")) {
                if (obj->state == VCTL_DOMAIN_PAUSED) {
                        domain_obj_set_state(obj, VCTL_DOMAIN_RUNNING,
                                             VCTL_DOMAIN_RUNNING_UNPAUSED);
                        qemu_vm_event_locked(obj, q, VCTL_DOMAIN_EVENT_RESUMED,
                                             VCTL_DOMAIN_EVENT_RESUMED_UNPAUSED);
                        qemu_vm_save_status_locked(vm, obj);
                }
        } else if (g_str_equal(e->name, "SHUTDOWN")) {
                qemu_vm_on_shutdown_locked(vm, obj, e->data, q);
        } else if (g_str_equal(e->name, "GUEST_PANICKED")) {
                domain_lifecycle action =
                        obj->live ? obj->live->on_crash : DOMAIN_LIFECYCLE_DESTROY;

                if (obj->state != VCTL_DOMAIN_CRASHED) {
                        domain_obj_set_state(obj, VCTL_DOMAIN_CRASHED,
                                             VCTL_DOMAIN_CRASHED_PANICKED);
                        qemu_vm_event_locked(obj, q, VCTL_DOMAIN_EVENT_CRASHED,
                                             VCTL_DOMAIN_EVENT_CRASHED_PANICKED);
                        qemu_vm_save_status_locked(vm, obj);
                }
                if (action != DOMAIN_LIFECYCLE_PRESERVE) {
                        vm->stop_reason = VCTL_DOMAIN_SHUTOFF_CRASHED;
                        vm->restart = action == DOMAIN_LIFECYCLE_RESTART ||
                                      action == DOMAIN_LIFECYCLE_RENAME_RESTART ||
                                      action == DOMAIN_LIFECYCLE_COREDUMP_RESTART;
                        kill = TRUE;
                }
        } else if (g_str_equal(e->name, "RESET")) {
                log_debug("domain '%s' was reset", vm->name);
        }
        domain_list_unlock(vm->st->domains);
        domain_event_queue_flush(q, vm->st->events);
        if (kill)
                qemu_vm_kill_later(vm);
        return G_SOURCE_REMOVE;
}

/* On the monitor's thread: must not block, so hand the event over. */
void qemu_vm_on_qmp_event(qmp *mon, const char *event, JsonObject *data, gint64 timestamp_us,
                          void *opaque)
{
        qemu_vm *vm = opaque;
        qemu_vm_event *e;

        if (!g_str_equal(event, "STOP") && !g_str_equal(event, "RESUME") &&
            !g_str_equal(event, "SHUTDOWN") && !g_str_equal(event, "RESET") &&
            !g_str_equal(event, "GUEST_PANICKED"))
                return;
        /* now, not later: QEMU's exit may be handled before this event is */
        if (g_str_equal(event, "SHUTDOWN"))
                g_atomic_int_set(&vm->shutdown_seen, 1);
        e = g_new0(qemu_vm_event, 1);
        e->vm = qemu_vm_ref(vm);
        e->name = g_strdup(event);
        e->data = json_object_ref(data);
        g_main_context_invoke_full(vm->st->ev_ctx, G_PRIORITY_DEFAULT, qemu_vm_event_dispatch, e,
                                   qemu_vm_event_free);
}

void qemu_vm_on_qmp_eof(qmp *mon, const char *reason, void *opaque)
{
        log_debug("QEMU monitor of domain '%s' closed: %s", qmp_name(mon), reason);
}
