/* The QEMU driver's running guests: one qemu_vm per QEMU process, from its
 * start (or its takeover after a vctld restart) to its exit. */
#include "config.h"

#include "driver/driver_priv.h"
#include "driver/qemu/qemu_driver.h"
#include "driver/qemu/qemu_lifecycle.h"
#include "driver/qemu/qemu_process.h"
#include "driver/qemu/qemu_status.h"
#include "driver/qemu/qmp.h"
#include "lib/util/error.h"
#include "lib/util/file.h"
#include "lib/util/log.h"

#include <errno.h>
#include <glib-unix.h>
#include <signal.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

/* QEMU must answer on its monitor within this after it was spawned */
#define QEMU_CONNECT_TIMEOUT_MS 10000
/* one connection attempt while QEMU starts (then we look whether it died) */
#define QEMU_CONNECT_TRY_MS 250
/* every command of an operation */
#define QEMU_QMP_TIMEOUT_MS 10000
/* how long an exit waits for the monitor to deliver QEMU's last events */
#define QEMU_DRAIN_MS 1000
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

        /* under the list lock */
        GSource *exit_src; /* watches pidfd in the event thread */
        gboolean gone;     /* the exit was handled */
        int stop_reason;   /* the VCTL_DOMAIN_SHUTOFF_* the exit means, or -1 */
        gboolean restart;  /* start it again once it exited */
} qemu_vm;

static qemu_vm *qemu_vm_ref(qemu_vm *vm)
{
        g_atomic_int_inc(&vm->refs);
        return vm;
}

static void qemu_vm_unref(qemu_vm *vm)
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
        g_free(vm);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(qemu_vm, qemu_vm_unref)

static qemu_vm *qemu_vm_new(qemu_state *st, const char *name, const unsigned char *uuid, int id)
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
static qemu_vm *qemu_vm_of_locked(qemu_state *st, const domain_obj *obj)
{
        qemu_vm *vm = g_hash_table_lookup(st->vms, obj->name);

        if (vm && memcmp(vm->uuid, obj->uuid, VCTL_UUID_LEN) != 0)
                return NULL;
        return vm;
}

/* obj of vm when vm is still its running QEMU (list lock held). */
static domain_obj *qemu_vm_obj_locked(qemu_vm *vm)
{
        domain_obj *obj = domain_list_find_uuid_locked(vm->st->domains, vm->uuid);

        if (!obj || vm->gone || g_hash_table_lookup(vm->st->vms, vm->name) != vm ||
            !domain_obj_is_active(obj) || obj->id != vm->id)
                return NULL;
        return obj;
}

/* Rewrites the status file after a state change (list lock held). */
static void qemu_vm_save_status_locked(qemu_vm *vm, const domain_obj *obj)
{
        qemu_status s = {
                .state = obj->state,
                .reason = obj->reason,
                .pid = vm->pid,
                .start_time = vm->start_time,
                .monitor = vm->monitor_path,
                .id = vm->id,
                .live = obj->live,
        };

        if (!obj->live || qemu_status_save(vm->status_path, &s) < 0) {
                log_error("domain '%s': cannot save its status: %s", vm->name,
                          vctl_error_message());
                vctl_error_clear();
        }
}

static void qemu_vm_event_locked(domain_obj *obj, domain_event_queue *q, int event, int detail)
{
        g_autoptr(drv_domain) ev = domain_obj_to_drv(obj);

        domain_event_queue_push(q, ev, event, detail);
}

/* ---- QEMU's exit ---- */

static void qemu_vm_restart_later(qemu_vm *vm);

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
        if (unlink(vm->status_path) < 0 && errno != ENOENT)
                log_warning("domain '%s': cannot remove its status file '%s': %s", vm->name,
                            vm->status_path, g_strerror(errno));
        if (g_hash_table_lookup(st->vms, vm->name) == vm)
                g_hash_table_remove(st->vms, vm->name);
        *ret_reason = reason;
        return TRUE;
}

/* Called once QEMU exited (pidfd readable), from any thread: updates the
 * domain unless somebody did already, then cleans up after QEMU. */
static void qemu_vm_finish(qemu_vm *vm)
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

                log_warning("domain '%s': QEMU (pid %d) exited unexpectedly%s%s", vm->name,
                            (int)vm->pid, tail ? ": " : " (its log is empty)", tail ? tail : "");
        } else {
                log_info("domain '%s' stopped (QEMU pid %d)", vm->name, (int)vm->pid);
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
static void qemu_vm_watch_exit_locked(qemu_vm *vm)
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
static void qemu_vm_on_qmp_event(qmp *mon, const char *event, JsonObject *data, gint64 timestamp_us,
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

static void qemu_vm_on_qmp_eof(qmp *mon, const char *reason, void *opaque)
{
        log_debug("QEMU monitor of domain '%s' closed: %s", qmp_name(mon), reason);
}

/* ---- start ---- */

/* Puts the pty paths QEMU chose into live's serials and consoles. */
static void qemu_vm_set_ptys(qemu_vm *vm, domain_def *live)
{
        g_autoptr(JsonNode) ret = NULL;
        g_autoptr(GHashTable) ptys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        GPtrArray *serials = live->devices.serials, *consoles = live->devices.consoles;
        JsonArray *a;

        if (qmp_execute(vm->mon, "query-chardev", NULL, QEMU_QMP_TIMEOUT_MS, &ret) < 0) {
                log_warning("domain '%s': cannot learn its pty paths: %s", vm->name,
                            vctl_error_message());
                vctl_error_clear();
                return;
        }
        if (!JSON_NODE_HOLDS_ARRAY(ret))
                return;
        a = json_node_get_array(ret);
        for (guint i = 0; i < json_array_get_length(a); i++) {
                JsonNode *n = json_array_get_element(a, i);
                JsonObject *o = JSON_NODE_HOLDS_OBJECT(n) ? json_node_get_object(n) : NULL;
                const char *label =
                        o ? json_object_get_string_member_with_default(o, "label", NULL) : NULL;
                const char *file =
                        o ? json_object_get_string_member_with_default(o, "filename", NULL) : NULL;

                if (label && file && g_str_has_prefix(file, "pty:"))
                        g_hash_table_insert(ptys, g_strdup(label), g_strdup(file + 4));
        }
        /* the ids are qemu_command_chardevs()'s */
        for (guint i = 0; i < serials->len; i++) {
                domain_chr *chr = g_ptr_array_index(serials, i);
                g_autofree char *id = g_strdup_printf(
                        "charserial%u", chr->target_port >= 0 ? (guint)chr->target_port : i);
                const char *pty = g_hash_table_lookup(ptys, id);

                if (chr->type == DOMAIN_CHR_PTY && pty) {
                        g_free(chr->path);
                        chr->path = g_strdup(pty);
                        chr->has_source = TRUE;
                }
        }
        for (guint i = 0; i < consoles->len; i++) {
                domain_chr *chr = g_ptr_array_index(consoles, i);
                g_autofree char *id = NULL;
                const char *pty;
                gboolean serial = chr->target_type == DOMAIN_CHR_TARGET_NONE ||
                                  chr->target_type == DOMAIN_CHR_TARGET_SERIAL;

                if (chr->type != DOMAIN_CHR_PTY)
                        continue;
                /* the first serial console is serial0 itself */
                id = serial ? g_strdup("charserial0") : g_strdup_printf("charconsole%u", i);
                pty = g_hash_table_lookup(ptys, id);
                if (pty) {
                        g_free(chr->path);
                        chr->path = g_strdup(pty);
                        chr->has_source = TRUE;
                }
        }
}

/* The error of a start that failed because QEMU exited. */
static int qemu_vm_exited_error(qemu_vm *vm)
{
        g_autofree char *tail =
                qemu_process_log_tail(vm->log_path, vm->log_offset, QEMU_PROCESS_LOG_LINES);

        return vctl_error_set(VCTL_ERR_OPERATION_FAILED, VCTL_FROM_QEMU,
                              "domain '%s': QEMU exited while starting: %s", vm->name,
                              tail ? tail : "(its log is empty)");
}

/* Connects to the monitor of a QEMU that is starting, giving up at once
 * when it exits. */
static int qemu_vm_connect_starting(qemu_vm *vm)
{
        gint64 deadline = g_get_monotonic_time() + QEMU_CONNECT_TIMEOUT_MS * 1000;

        for (;;) {
                if (qemu_process_wait_exit(vm->pidfd, 0))
                        return qemu_vm_exited_error(vm);
                if (qmp_connect(vm->monitor_path, vm->name, QEMU_CONNECT_TRY_MS,
                                qemu_vm_on_qmp_event, qemu_vm_on_qmp_eof, vm, &vm->mon) == 0)
                        return 0;
                if (qemu_process_wait_exit(vm->pidfd, 0))
                        return qemu_vm_exited_error(vm);
                if (g_get_monotonic_time() >= deadline) {
                        g_autofree char *tail = qemu_process_log_tail(vm->log_path, vm->log_offset,
                                                                      QEMU_PROCESS_LOG_LINES);

                        return vctl_error_set(VCTL_ERR_OPERATION_TIMEOUT, VCTL_FROM_QEMU,
                                              "domain '%s': QEMU did not answer on its monitor "
                                              "'%s' within %d s (%s); its log: %s",
                                              vm->name, vm->monitor_path,
                                              QEMU_CONNECT_TIMEOUT_MS / 1000, vctl_error_message(),
                                              tail ? tail : "(empty)");
                }
                vctl_error_clear();
        }
}

/* Everything of a start that needs no lock: QEMU runs (paused with
 * START_PAUSED) when it returns 0; on failure nothing is left behind. */
static int qemu_vm_launch(qemu_vm *vm, domain_def *live, unsigned int flags)
{
        qemu_state *st = vm->st;
        g_autoptr(qemu_caps) caps = NULL;
        g_auto(GStrv) argv = NULL;
        qemu_launch launch = {.monitor_path = vm->monitor_path, .run_dir = vm->dir};
        qemu_status status = {.state = VCTL_DOMAIN_PAUSED,
                              .reason = VCTL_DOMAIN_PAUSED_STARTING_UP,
                              .monitor = vm->monitor_path,
                              .id = vm->id,
                              .live = live};
        gboolean exited;
        int log_fd, r;

        caps = qemu_host_get_caps();
        if (!caps)
                return -1;
        argv = qemu_command_build(live, caps, &launch);
        if (!argv)
                return -1;
        qemu_process_remove_dir(vm->dir); /* a stale one of a crashed vctld */
        if (vctl_mkdir_p(vm->dir, 0700) < 0 || vctl_mkdir_p(st->log_dir, 0700) < 0)
                return -1;
        log_fd = qemu_process_log_open(vm->log_path, argv, &vm->log_offset);
        if (log_fd < 0)
                goto fail_dir;
        r = qemu_process_spawn(vm->name, argv, log_fd, &vm->pid);
        close(log_fd);
        if (r < 0)
                goto fail_dir;
        /* our unreaped child: the pidfd names it even if it already exited */
        vm->pidfd = pidfd_open(vm->pid, 0);
        if (vm->pidfd < 0) {
                vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_QEMU,
                                     "domain '%s': cannot watch QEMU (pid %d)", vm->name,
                                     (int)vm->pid);
                kill(vm->pid, SIGKILL);
                qemu_process_reap(vm->pid);
                goto fail_dir;
        }
        if (qemu_process_start_time(vm->pid, &vm->start_time) < 0) {
                qemu_vm_exited_error(vm);
                goto fail_kill;
        }
        /* from here a killed vctld finds this QEMU again (and stops it) */
        status.pid = vm->pid;
        status.start_time = vm->start_time;
        if (qemu_status_save(vm->status_path, &status) < 0)
                goto fail_kill;
        log_info("domain '%s': QEMU started (pid %d)", vm->name, (int)vm->pid);
        if (qemu_vm_connect_starting(vm) < 0)
                goto fail_kill;
        qemu_vm_set_ptys(vm, live);
        if (!(flags & VCTL_DOMAIN_START_PAUSED) && qmp_cont(vm->mon, QEMU_QMP_TIMEOUT_MS) < 0)
                goto fail_kill;
        return 0;

fail_kill : {
        /* keep the first error; the kill's own is only logged */
        g_autofree char *msg = g_strdup(vctl_error_message());
        int code = vctl_error_last() ? vctl_error_last()->code : VCTL_ERR_OPERATION_FAILED;

        exited = qemu_process_wait_exit(vm->pidfd, 0);
        if (!exited && qemu_process_kill(vm->name, vm->pidfd, QEMU_START_KILL_MS, FALSE) < 0)
                log_error("%s", vctl_error_message());
        if (exited && !strstr(msg, "exited while starting")) {
                qemu_vm_exited_error(vm);
        } else {
                vctl_error_set(code, VCTL_FROM_QEMU, "%s", msg);
        }
}
        g_clear_pointer(&vm->mon, qmp_close);
        qemu_process_reap(vm->pid);
        unlink(vm->status_path);
fail_dir : {
        /* removing the directory must not lose the error */
        vctl_error *err = vctl_error_copy(vctl_error_last());

        qemu_process_remove_dir(vm->dir);
        if (err) {
                vctl_error_set(err->code, err->domain, "%s", err->message);
                vctl_error_free(err);
        }
}
        return -1;
}

/* Starts the domain with uuid: its obj->live when set (create_xml), else a
 * copy of its definition. Returns 0 and (optionally) its handle, or -1. */
static int qemu_start(qemu_state *st, const unsigned char *uuid, unsigned int flags,
                      drv_domain **ret_dom)
{
        g_autoptr(domain_event_queue) q = domain_event_queue_new();
        g_autoptr(domain_def) live = NULL;
        g_autoptr(qemu_vm) vm = NULL;
        char buf[VCTL_UUID_STRING_LEN];
        domain_obj *obj;
        int r = -1;

        domain_list_lock(st->domains);
        obj = domain_list_find_uuid_locked(st->domains, uuid);
        if (!obj) {
                vctl_error_set(VCTL_ERR_NO_DOMAIN, VCTL_FROM_DOMAIN, "no domain with UUID '%s'",
                               vctl_uuid_format(uuid, buf));
                goto out_unlock;
        }
        if (domain_obj_check_inactive(obj) < 0)
                goto out_unlock;
        if (g_hash_table_contains(st->vms, obj->name)) {
                vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_DOMAIN,
                               "domain '%s' is already being started or stopped", obj->name);
                goto out_unlock;
        }
        live = drv_domain_def_copy(obj->live ? obj->live : obj->def);
        if (!live)
                goto out_unlock;
        vm = qemu_vm_new(st, obj->name, obj->uuid, domain_list_alloc_id_locked(st->domains));
        g_mutex_lock(&vm->job);
        g_hash_table_insert(st->vms, g_strdup(vm->name), qemu_vm_ref(vm));
        domain_list_unlock(st->domains);

        r = qemu_vm_launch(vm, live, flags);

        domain_list_lock(st->domains);
        obj = domain_list_find_uuid_locked(st->domains, uuid);
        if (r == 0 && !obj) {
                vctl_error_set(VCTL_ERR_OPERATION_FAILED, VCTL_FROM_DOMAIN,
                               "domain '%s' was undefined while it started", vm->name);
                qemu_process_kill(vm->name, vm->pidfd, QEMU_START_KILL_MS, FALSE);
                qemu_process_reap(vm->pid);
                unlink(vm->status_path);
                qemu_process_remove_dir(vm->dir);
                r = -1;
        }
        if (r < 0) {
                g_hash_table_remove(st->vms, vm->name);
                vm->gone = TRUE;
                if (obj && !domain_obj_is_active(obj)) {
                        g_clear_pointer(&obj->live, domain_def_free);
                        if (!obj->persistent)
                                domain_list_remove_locked(st->domains, obj);
                        else
                                obj->reason = VCTL_DOMAIN_SHUTOFF_FAILED;
                }
                g_mutex_unlock(&vm->job);
                goto out_unlock;
        }
        domain_def_free(obj->live);
        obj->live = g_steal_pointer(&live);
        domain_obj_set_running(obj, vm->id, VCTL_DOMAIN_RUNNING, VCTL_DOMAIN_RUNNING_BOOTED);
        qemu_vm_event_locked(obj, q, VCTL_DOMAIN_EVENT_STARTED, VCTL_DOMAIN_EVENT_STARTED_BOOTED);
        if (flags & VCTL_DOMAIN_START_PAUSED) {
                domain_obj_set_state(obj, VCTL_DOMAIN_PAUSED, VCTL_DOMAIN_PAUSED_USER);
                qemu_vm_event_locked(obj, q, VCTL_DOMAIN_EVENT_SUSPENDED,
                                     VCTL_DOMAIN_EVENT_SUSPENDED_PAUSED);
        }
        qemu_vm_save_status_locked(vm, obj);
        qemu_vm_watch_exit_locked(vm);
        if (ret_dom)
                *ret_dom = domain_obj_to_drv(obj);
        g_mutex_unlock(&vm->job);
out_unlock:
        domain_list_unlock(st->domains);
        domain_event_queue_flush(q, st->events);
        return r;
}

int qemu_lifecycle_create(qemu_state *st, drv_domain *dom, unsigned int flags)
{
        g_autoptr(drv_domain) started = NULL;

        if (qemu_start(st, dom->uuid, flags, &started) < 0)
                return -1;
        dom->id = started->id; /* the caller's handle learns the id */
        return 0;
}

drv_domain *qemu_lifecycle_create_xml(qemu_state *st, domain_def **def, unsigned int flags)
{
        g_autoptr(domain_def) owned = g_steal_pointer(def);
        unsigned char uuid[VCTL_UUID_LEN];
        drv_domain *dom = NULL;
        domain_obj *obj;

        memcpy(uuid, owned->uuid, VCTL_UUID_LEN);
        domain_list_lock(st->domains);
        obj = domain_list_find_uuid_locked(st->domains, uuid);
        if (obj && g_hash_table_contains(st->vms, obj->name)) {
                vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_DOMAIN,
                               "domain '%s' is already being started or stopped", obj->name);
                obj = NULL;
        } else {
                obj = domain_list_add_locked(st->domains, &owned, DOMAIN_LIST_ADD_LIVE, NULL);
        }
        domain_list_unlock(st->domains);
        if (!obj)
                return NULL;
        if (qemu_start(st, uuid, flags, &dom) < 0)
                return NULL;
        return dom;
}

/* ---- a domain after a restart ---- */

static gpointer qemu_vm_restart_thread(gpointer data)
{
        qemu_vm *vm = data;
        qemu_state *st = vm->st;
        unsigned char uuid[VCTL_UUID_LEN];
        g_autofree char *name = g_strdup(vm->name);

        memcpy(uuid, vm->uuid, VCTL_UUID_LEN);
        qemu_vm_unref(vm);
        if (!g_atomic_int_get(&st->quitting) && qemu_start(st, uuid, 0, NULL) < 0) {
                log_error("domain '%s': cannot start it again: %s", name, vctl_error_message());
                vctl_error_clear();
        }
        qemu_state_unref(st);
        return NULL;
}

/* on_poweroff/on_crash=restart: a new QEMU, off the event thread */
static void qemu_vm_restart_later(qemu_vm *vm)
{
        log_info("domain '%s': starting it again, as its configuration asks", vm->name);
        qemu_state_ref(vm->st);
        g_thread_unref(g_thread_new("vctl-qemu-restart", qemu_vm_restart_thread, qemu_vm_ref(vm)));
}

/* ---- operations on a running domain ---- */

/* The running vm of dom, referenced and with its job held; NULL with the
 * error set. */
static qemu_vm *qemu_vm_acquire(qemu_state *st, const drv_domain *dom)
{
        qemu_vm *vm = NULL;
        domain_obj *obj;

        domain_list_lock(st->domains);
        obj = domain_list_find_locked(st->domains, dom);
        if (obj && domain_obj_check_active(obj) == 0) {
                vm = qemu_vm_of_locked(st, obj);
                if (vm)
                        qemu_vm_ref(vm);
                else
                        domain_obj_check_inactive(obj);
        }
        domain_list_unlock(st->domains);
        if (!vm)
                return NULL;
        g_mutex_lock(&vm->job);
        domain_list_lock(st->domains);
        obj = qemu_vm_obj_locked(vm);
        domain_list_unlock(st->domains);
        if (!obj || !vm->mon) {
                vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_DOMAIN,
                               "domain '%s' is not running", vm->name);
                g_mutex_unlock(&vm->job);
                qemu_vm_unref(vm);
                return NULL;
        }
        return vm;
}

static void qemu_vm_release(qemu_vm *vm)
{
        g_mutex_unlock(&vm->job);
        qemu_vm_unref(vm);
}

int qemu_lifecycle_destroy(qemu_state *st, const drv_domain *dom, unsigned int flags)
{
        g_autoptr(qemu_vm) vm = NULL;
        domain_obj *obj;

        domain_list_lock(st->domains);
        obj = domain_list_find_locked(st->domains, dom);
        if (obj && domain_obj_check_active(obj) == 0) {
                vm = qemu_vm_of_locked(st, obj);
                if (vm && !vm->gone) {
                        qemu_vm_ref(vm);
                        vm->stop_reason = VCTL_DOMAIN_SHUTOFF_DESTROYED;
                        vm->restart = FALSE;
                } else {
                        vm = NULL;
                        domain_obj_check_inactive(obj);
                }
        }
        domain_list_unlock(st->domains);
        if (!vm)
                return -1;
        if (qemu_process_kill(vm->name, vm->pidfd, QEMU_PROCESS_TERM_MS,
                              (flags & VCTL_DOMAIN_DESTROY_GRACEFUL) != 0) < 0) {
                domain_list_lock(st->domains);
                if (!vm->gone)
                        vm->stop_reason = -1;
                domain_list_unlock(st->domains);
                return -1;
        }
        qemu_vm_finish(vm);
        return 0;
}

typedef int (*qemu_qmp_fn)(qmp *mon, int timeout_ms);

static int qemu_simple_op(qemu_state *st, const drv_domain *dom, qemu_qmp_fn fn)
{
        qemu_vm *vm = qemu_vm_acquire(st, dom);
        int r;

        if (!vm)
                return -1;
        r = fn(vm->mon, QEMU_QMP_TIMEOUT_MS);
        qemu_vm_release(vm);
        return r;
}

int qemu_lifecycle_shutdown(qemu_state *st, const drv_domain *dom)
{
        /* the guest decides; its SHUTDOWN and exit change the state */
        return qemu_simple_op(st, dom, qmp_system_powerdown);
}

int qemu_lifecycle_reboot(qemu_state *st, const drv_domain *dom)
{
        /* a hard reset: the test guest has no ACPI reboot to ask for; with
         * on_reboot=destroy (-no-reboot) QEMU turns it into a shutdown */
        return qemu_simple_op(st, dom, qmp_system_reset);
}

int qemu_lifecycle_reset(qemu_state *st, const drv_domain *dom)
{
        return qemu_simple_op(st, dom, qmp_system_reset);
}

/* suspend (pause) or resume, with the state change done here too so that
 * the state is right when the call returns; the STOP/RESUME events then find
 * nothing to change */
static int qemu_pause_op(qemu_state *st, const drv_domain *dom, gboolean pause)
{
        g_autoptr(domain_event_queue) q = domain_event_queue_new();
        qemu_vm *vm = qemu_vm_acquire(st, dom);
        domain_obj *obj;
        int r = -1;

        if (!vm)
                return -1;
        domain_list_lock(st->domains);
        obj = qemu_vm_obj_locked(vm);
        if (obj && pause && obj->state == VCTL_DOMAIN_PAUSED)
                vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_DOMAIN,
                               "domain '%s' is already paused", vm->name);
        else if (obj && !pause && obj->state != VCTL_DOMAIN_PAUSED)
                vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_DOMAIN,
                               "domain '%s' is not paused", vm->name);
        else if (obj)
                r = 0;
        domain_list_unlock(st->domains);
        if (r == 0)
                r = pause ? qmp_stop(vm->mon, QEMU_QMP_TIMEOUT_MS)
                          : qmp_cont(vm->mon, QEMU_QMP_TIMEOUT_MS);
        if (r == 0) {
                domain_list_lock(st->domains);
                obj = qemu_vm_obj_locked(vm);
                if (obj && pause && obj->state != VCTL_DOMAIN_PAUSED) {
                        domain_obj_set_state(obj, VCTL_DOMAIN_PAUSED, VCTL_DOMAIN_PAUSED_USER);
                        qemu_vm_event_locked(obj, q, VCTL_DOMAIN_EVENT_SUSPENDED,
                                             VCTL_DOMAIN_EVENT_SUSPENDED_PAUSED);
                } else if (obj && pause) {
                        obj->reason = VCTL_DOMAIN_PAUSED_USER; /* the STOP event came first */
                } else if (obj && obj->state == VCTL_DOMAIN_PAUSED) {
                        domain_obj_set_state(obj, VCTL_DOMAIN_RUNNING,
                                             VCTL_DOMAIN_RUNNING_UNPAUSED);
                        qemu_vm_event_locked(obj, q, VCTL_DOMAIN_EVENT_RESUMED,
                                             VCTL_DOMAIN_EVENT_RESUMED_UNPAUSED);
                }
                if (obj)
                        qemu_vm_save_status_locked(vm, obj);
                domain_list_unlock(st->domains);
        }
        qemu_vm_release(vm);
        domain_event_queue_flush(q, st->events);
        return r;
}

int qemu_lifecycle_suspend(qemu_state *st, const drv_domain *dom)
{
        return qemu_pause_op(st, dom, TRUE);
}

int qemu_lifecycle_resume(qemu_state *st, const drv_domain *dom)
{
        return qemu_pause_op(st, dom, FALSE);
}

/* ---- taking guests over after a restart ---- */

/* The state QEMU reports, with the status file's reason where it matches. */
static void qemu_reconnect_state(const char *status, const qemu_status *s, int *ret_state,
                                 int *ret_reason)
{
        if (g_str_equal(status, "running")) {
                *ret_state = VCTL_DOMAIN_RUNNING;
                *ret_reason =
                        s->state == VCTL_DOMAIN_RUNNING ? s->reason : VCTL_DOMAIN_RUNNING_UNPAUSED;
        } else if (g_str_equal(status, "shutdown")) {
                *ret_state = VCTL_DOMAIN_SHUTDOWN;
                *ret_reason = VCTL_DOMAIN_SHUTDOWN_USER;
        } else if (g_str_equal(status, "guest-panicked")) {
                *ret_state = VCTL_DOMAIN_CRASHED;
                *ret_reason = VCTL_DOMAIN_CRASHED_PANICKED;
        } else {
                *ret_state = VCTL_DOMAIN_PAUSED;
                *ret_reason =
                        s->state == VCTL_DOMAIN_PAUSED ? s->reason : VCTL_DOMAIN_PAUSED_UNKNOWN;
        }
}

/* Marks obj (may be NULL) shut off after its QEMU vanished while vctld was away. */
static void qemu_reconnect_lost_locked(qemu_state *st, domain_obj *obj, int reason)
{
        if (obj && !domain_obj_is_active(obj)) {
                obj->reason = reason;
                if (!obj->persistent)
                        domain_list_remove_locked(st->domains, obj);
        }
}

static void qemu_reconnect_one(qemu_state *st, const char *file)
{
        g_autofree char *path = g_build_filename(st->run_dir, file, NULL);
        g_autoptr(qemu_status) s = qemu_status_load(path);
        g_autoptr(qemu_vm) vm = NULL;
        g_autofree char *qstatus = NULL;
        domain_obj *obj = NULL;
        struct stat stbuf;
        bool running = false;
        int state, reason, r;

        if (!s) {
                /* a status file we cannot read names no QEMU we could control */
                log_error("ignoring the status file '%s': %s (remove it once its QEMU, if "
                          "any, is stopped)",
                          path, vctl_error_message());
                vctl_error_clear();
                return;
        }
        domain_list_lock(st->domains);
        obj = domain_list_find_uuid_locked(st->domains, s->live->uuid);
        if (obj && !g_str_equal(obj->name, s->live->name)) {
                log_error("ignoring the status file '%s': its domain '%s' has the UUID of "
                          "domain '%s'",
                          path, s->live->name, obj->name);
                domain_list_unlock(st->domains);
                return;
        }
        if (!obj) {
                /* a transient domain: the status file is all there is of it */
                g_autoptr(domain_def) copy = drv_domain_def_copy(s->live);

                obj = copy ? domain_list_add_locked(st->domains, &copy, DOMAIN_LIST_ADD_LIVE, NULL)
                           : NULL;
                if (!obj) {
                        log_error("ignoring the status file '%s': %s", path, vctl_error_message());
                        vctl_error_clear();
                        domain_list_unlock(st->domains);
                        return;
                }
        }
        vm = qemu_vm_new(st, s->live->name, s->live->uuid, s->id);
        vm->pid = s->pid;
        vm->start_time = s->start_time;
        g_free(vm->monitor_path);
        vm->monitor_path = g_strdup(s->monitor);
        g_free(vm->dir);
        vm->dir = g_path_get_dirname(s->monitor);
        vm->log_offset = stat(vm->log_path, &stbuf) == 0 ? stbuf.st_size : 0;
        domain_list_unlock(st->domains);

        r = qemu_process_open(s->pid, s->start_time, &vm->pidfd);
        if (r < 0) {
                log_warning("domain '%s': its QEMU (pid %d) is gone since vctld last ran; "
                            "marking it shut off (crashed)",
                            vm->name, (int)s->pid);
                goto lost;
        }
        if (s->state == VCTL_DOMAIN_PAUSED && s->reason == VCTL_DOMAIN_PAUSED_STARTING_UP) {
                log_warning("domain '%s': vctld stopped while its QEMU (pid %d) was starting; "
                            "stopping it",
                            vm->name, (int)s->pid);
                goto kill;
        }
        if (qmp_connect(vm->monitor_path, vm->name, QEMU_CONNECT_TIMEOUT_MS, qemu_vm_on_qmp_event,
                        qemu_vm_on_qmp_eof, vm, &vm->mon) < 0 ||
            qmp_query_status(vm->mon, QEMU_QMP_TIMEOUT_MS, &running, &qstatus) < 0) {
                log_error("domain '%s': cannot reconnect to its QEMU (pid %d): %s; stopping it",
                          vm->name, (int)s->pid, vctl_error_message());
                vctl_error_clear();
                goto kill;
        }
        qemu_reconnect_state(qstatus, s, &state, &reason);

        domain_list_lock(st->domains);
        obj = domain_list_find_uuid_locked(st->domains, s->live->uuid);
        if (!obj || domain_obj_is_active(obj) || g_hash_table_contains(st->vms, vm->name)) {
                domain_list_unlock(st->domains);
                log_error("domain '%s': its status file '%s' clashes with another; stopping "
                          "its QEMU",
                          vm->name, path);
                goto kill;
        }
        domain_def_free(obj->live);
        obj->live = g_steal_pointer(&s->live);
        domain_obj_set_running(obj, vm->id, state, reason);
        g_hash_table_insert(st->vms, g_strdup(vm->name), qemu_vm_ref(vm));
        qemu_vm_save_status_locked(vm, obj);
        qemu_vm_watch_exit_locked(vm);
        domain_list_unlock(st->domains);
        log_info("domain '%s': took over its QEMU (pid %d, %s)", vm->name, (int)vm->pid, qstatus);
        return;

kill:
        if (qemu_process_kill(vm->name, vm->pidfd, QEMU_START_KILL_MS, FALSE) < 0) {
                log_error("%s", vctl_error_message());
                vctl_error_clear();
        }
lost:
        g_clear_pointer(&vm->mon, qmp_close);
        unlink(path);
        qemu_process_remove_dir(vm->dir);
        domain_list_lock(st->domains);
        obj = domain_list_find_uuid_locked(st->domains, vm->uuid);
        qemu_reconnect_lost_locked(st, obj, VCTL_DOMAIN_SHUTOFF_CRASHED);
        domain_list_unlock(st->domains);
}

static gint qemu_str_cmp(gconstpointer a, gconstpointer b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static gpointer qemu_event_thread(gpointer data)
{
        qemu_state *st = data;

        /* a flag, not g_main_loop_quit(): a quit before the loop ran would be lost */
        g_main_context_push_thread_default(st->ev_ctx);
        while (!g_atomic_int_get(&st->quitting))
                g_main_context_iteration(st->ev_ctx, TRUE);
        g_main_context_pop_thread_default(st->ev_ctx);
        return NULL;
}

int qemu_lifecycle_init(qemu_state *st, const vctl_paths *paths)
{
        g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(GDir) dir = NULL;
        const char *f;

        st->run_dir = g_build_filename(paths->run_dir, "qemu", NULL);
        st->log_dir = g_build_filename(paths->log_dir, "qemu", NULL);
        st->vms = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify)qemu_vm_unref);
        if (vctl_mkdir_p(st->run_dir, 0700) < 0)
                return -1;
        st->ev_ctx = g_main_context_new();
        st->ev_thread = g_thread_new("vctl-qemu-events", qemu_event_thread, st);

        dir = g_dir_open(st->run_dir, 0, NULL);
        while (dir && (f = g_dir_read_name(dir)))
                if (g_str_has_suffix(f, ".xml") && strlen(f) > strlen(".xml"))
                        g_ptr_array_add(files, g_strdup(f));
        g_ptr_array_sort(files, qemu_str_cmp);
        for (guint i = 0; i < files->len; i++)
                qemu_reconnect_one(st, g_ptr_array_index(files, i));
        return 0;
}

void qemu_lifecycle_autostart(qemu_state *st)
{
        g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(GPtrArray) uuids = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(GPtrArray) objs = NULL;

        domain_list_lock(st->domains);
        objs = domain_list_objects_locked(st->domains);
        for (guint i = 0; i < objs->len; i++) {
                const domain_obj *obj = g_ptr_array_index(objs, i);

                if (obj->autostart && !domain_obj_is_active(obj)) {
                        g_ptr_array_add(names, g_strdup(obj->name));
                        g_ptr_array_add(uuids, g_memdup2(obj->uuid, VCTL_UUID_LEN));
                }
        }
        domain_list_unlock(st->domains);
        for (guint i = 0; i < names->len; i++) {
                const char *name = g_ptr_array_index(names, i);

                if (qemu_start(st, g_ptr_array_index(uuids, i), 0, NULL) < 0) {
                        log_error("cannot start domain '%s' automatically: %s", name,
                                  vctl_error_message());
                        vctl_error_clear();
                } else {
                        log_info("domain '%s' started automatically", name);
                }
        }
}

void qemu_lifecycle_cleanup(qemu_state *st)
{
        g_autoptr(GPtrArray) vms = g_ptr_array_new_with_free_func((GDestroyNotify)qemu_vm_unref);
        GHashTableIter it;
        gpointer value;

        g_atomic_int_set(&st->quitting, 1);
        if (!st->vms)
                return;
        domain_list_lock(st->domains);
        g_hash_table_iter_init(&it, st->vms);
        while (g_hash_table_iter_next(&it, NULL, &value)) {
                qemu_vm *vm = value;

                g_ptr_array_add(vms, qemu_vm_ref(vm));
                if (vm->exit_src) {
                        g_source_destroy(vm->exit_src);
                        g_clear_pointer(&vm->exit_src, g_source_unref);
                }
        }
        g_hash_table_remove_all(st->vms);
        domain_list_unlock(st->domains);
        /* the guests keep running; their status files stay for the next vctld */
        for (guint i = 0; i < vms->len; i++) {
                qemu_vm *vm = g_ptr_array_index(vms, i);

                g_clear_pointer(&vm->mon, qmp_close);
        }
        if (st->ev_thread) {
                g_main_context_wakeup(st->ev_ctx);
                g_thread_join(g_steal_pointer(&st->ev_thread));
        }
}
