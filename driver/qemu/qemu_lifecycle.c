/* The QEMU driver's running guests: start, QMP-driven operations and stop
 * of the guests this vctld runs (qemu_vm.c follows each QEMU; qemu_reconnect.c
 * takes guests over after a restart). */
#include "config.h"

#include "driver/driver_priv.h"
#include "driver/qemu/qemu_storage.h"
#include "driver/qemu/qemu_driver.h"
#include "driver/qemu/qemu_confine.h"
#include "driver/qemu/qemu_interface.h"
#include "driver/qemu/qemu_lifecycle_priv.h"
#include "driver/qemu/qemu_process.h"
#include "driver/qemu/qemu_status.h"
#include "lib/util/error.h"
#include "lib/util/file.h"
#include "lib/util/log.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <unistd.h>

/* one connection attempt while QEMU starts (then we look whether it died) */
#define QEMU_CONNECT_TRY_MS 250

/* ---- start ---- */

/* Puts the pty paths QEMU chose into live's serials and consoles. */
static void qemu_vm_set_ptys(qemu_vm *vm, domain_def *live)
{
        g_autoptr(JsonNode) ret = NULL;
        g_autoptr(GHashTable) ptys = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        GPtrArray *serials = live->devices.serials, *consoles = live->devices.consoles;
        JsonArray *a;

        if (qmp_execute(vm->mon, "query-chardev", NULL, QEMU_QMP_TIMEOUT_MS, &ret) < 0) {
                log_warning(_("domain '%s': cannot learn its pty paths: %s"), vm->name,
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
                              _("domain '%s': QEMU exited while starting: %s"), vm->name,
                              tail ? tail : _("(its log is empty)"));
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
                                              _("domain '%s': QEMU did not answer on its monitor "
                                                "'%s' within %d s (%s); its log: %s"),
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
        qemu_launch launch = {
                .monitor_path = vm->monitor_path, .run_dir = vm->dir, .sandbox = st->confine};
        qemu_status status = {.state = VCTL_DOMAIN_PAUSED,
                              .reason = VCTL_DOMAIN_PAUSED_STARTING_UP,
                              .monitor = vm->monitor_path,
                              .id = vm->id,
                              .live = live,
                              .owners = vm->owners};
        qemu_confine_user user = {0};
        gboolean exited;
        int log_fd, r;

        g_autoptr(GArray) taps = NULL;
        g_autoptr(GArray) tap_nums = g_array_new(FALSE, FALSE, sizeof(int));

        caps = qemu_host_get_caps();
        if (!caps)
                return -1;
        /* taps first: their names go into the live definition */
        if (qemu_interface_connect(vm->name, live, &taps) < 0)
                return -1;
        if (st->confine) {
                /* qemu_confine_spawn keeps them at their own numbers */
                g_array_append_vals(tap_nums, taps->data, taps->len);
        } else {
                for (guint i = 0; i < taps->len; i++) {
                        int num = 3 + (int)i; /* where qemu_process_spawn_fds puts them */

                        g_array_append_val(tap_nums, num);
                }
        }
        launch.tap_fds = tap_nums;
        if (st->confine &&
            (qemu_confine_user_lookup(vm->name, &user) < 0 ||
             qemu_confine_plan(vm->name, live,
                               live->virt_type == DOMAIN_VIRT_KVM && caps->kvm_usable, &user,
                               vm->owners) < 0)) {
                g_ptr_array_set_size(vm->owners, 0);
                qemu_interface_release(taps, NULL);
                return -1;
        }
        argv = qemu_command_build(live, caps, &launch);
        if (!argv) {
                g_ptr_array_set_size(vm->owners, 0);
                qemu_interface_release(taps, NULL);
                return -1;
        }
        qemu_process_remove_dir(vm->dir); /* a stale one of a crashed vctld */
        if (vctl_mkdir_p(vm->dir, 0700) < 0 || vctl_mkdir_p(st->log_dir, 0700) < 0)
                goto fail_taps;
        if (st->confine && qemu_confine_own_dir(vm->name, vm->dir, &user) < 0)
                goto fail_taps;
        /* the owners are remembered before they change: a vctld killed from
         * here on still gives the files back (the pid 0 is no QEMU) */
        if (vm->owners->len > 0 && (qemu_status_save(vm->status_path, &status) < 0 ||
                                    qemu_confine_grant(vm->name, vm->owners) < 0))
                goto fail_taps;
        log_fd = qemu_process_log_open(vm->log_path, argv, &vm->log_offset);
        if (log_fd < 0)
                goto fail_taps;
        if (st->confine)
                r = qemu_confine_spawn(vm->name, argv, log_fd, &user, taps, &vm->pid);
        else
                r = qemu_process_spawn_fds(vm->name, argv, log_fd, taps, &vm->pid);
        close(log_fd);
        /* QEMU holds the taps now (or they go away with our fds) */
        qemu_interface_release(taps, NULL);
        if (r < 0)
                goto fail_dir;
        /* our unreaped child: the pidfd names it even if it already exited */
        vm->pidfd = pidfd_open(vm->pid, 0);
        if (vm->pidfd < 0) {
                vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_QEMU,
                                     _("domain '%s': cannot watch QEMU (pid %d)"), vm->name,
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
        log_info(_("domain '%s': QEMU started (pid %d)"), vm->name, (int)vm->pid);
        if (qemu_vm_connect_starting(vm) < 0)
                goto fail_kill;
        qemu_vm_set_ptys(vm, live);
        if (!(flags & VCTL_DOMAIN_START_PAUSED) && qmp_cont(vm->mon, QEMU_QMP_TIMEOUT_MS) < 0)
                goto fail_kill;
        return 0;

fail_kill : {
        /* keep the first error; the kill's own is only logged */
        g_autofree char *msg = g_strdup(vctl_error_message());
        /* the start of qemu_vm_exited_error's message, in the current language */
        g_autofree char *exit_msg =
                g_strdup_printf(_("domain '%s': QEMU exited while starting: %s"), vm->name, "");
        int code = vctl_error_last() ? vctl_error_last()->code : VCTL_ERR_OPERATION_FAILED;

        exited = qemu_process_wait_exit(vm->pidfd, 0);
        if (!exited && qemu_process_kill(vm->name, vm->pidfd, QEMU_START_KILL_MS, FALSE) < 0)
                log_error("%s", vctl_error_message());
        if (exited && !g_str_has_prefix(msg, exit_msg)) {
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

        qemu_confine_restore(vm->name, vm->owners);
        g_ptr_array_set_size(vm->owners, 0);
        unlink(vm->status_path);
        qemu_process_remove_dir(vm->dir);
        if (err) {
                vctl_error_set(err->code, err->domain, "%s", err->message);
                vctl_error_free(err);
        }
}
        return -1;

fail_taps:
        qemu_interface_release(taps, NULL);
        goto fail_dir;
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
                vctl_error_set(VCTL_ERR_NO_DOMAIN, VCTL_FROM_DOMAIN, _("no domain with UUID '%s'"),
                               vctl_uuid_format(uuid, buf));
                goto out_unlock;
        }
        if (domain_obj_check_inactive(obj) < 0)
                goto out_unlock;
        if (g_hash_table_contains(st->vms, obj->name)) {
                vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_DOMAIN,
                               _("domain '%s' is already being started or stopped"), obj->name);
                goto out_unlock;
        }
        live = drv_domain_def_copy(obj->live ? obj->live : obj->def);
        if (!live || qemu_storage_prepare_locked(st->domains, live) < 0)
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
                               _("domain '%s' was undefined while it started"), vm->name);
                qemu_process_kill(vm->name, vm->pidfd, QEMU_START_KILL_MS, FALSE);
                qemu_process_reap(vm->pid);
                qemu_confine_restore(vm->name, vm->owners);
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
                               _("domain '%s' is already being started or stopped"), obj->name);
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
                log_error(_("domain '%s': cannot start it again: %s"), name, vctl_error_message());
                vctl_error_clear();
        }
        qemu_state_unref(st);
        return NULL;
}

/* on_poweroff/on_crash=restart: a new QEMU, off the event thread */
void qemu_vm_restart_later(qemu_vm *vm)
{
        log_info(_("domain '%s': starting it again, as its configuration asks"), vm->name);
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
                               _("domain '%s' is not running"), vm->name);
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
                               _("domain '%s' is already paused"), vm->name);
        else if (obj && !pause && obj->state != VCTL_DOMAIN_PAUSED)
                vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_DOMAIN,
                               _("domain '%s' is not paused"), vm->name);
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
        st->run_dir = g_build_filename(paths->run_dir, "qemu", NULL);
        st->log_dir = g_build_filename(paths->log_dir, "qemu", NULL);
        st->vms = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                        (GDestroyNotify)qemu_vm_unref);
        /* root in system mode: QEMU runs as vctl-qemu, which must get through
         * RUN_DIR/qemu to its own directory (the status files stay 0600) */
        st->confine = paths->system && geteuid() == 0;
        if (vctl_mkdir_p(st->run_dir, st->confine ? 0711 : 0700) < 0 ||
            (st->confine && chmod(st->run_dir, 0711) < 0 &&
             vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_QEMU,
                                  _("cannot open '%s' to the QEMU user"), st->run_dir) < 0))
                return -1;
        st->ev_ctx = g_main_context_new();
        st->ev_thread = g_thread_new("vctl-qemu-events", qemu_event_thread, st);
        qemu_reconnect_all(st);
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
                        log_error(_("cannot start domain '%s' automatically: %s"), name,
                                  vctl_error_message());
                        vctl_error_clear();
                } else {
                        log_info(_("domain '%s' started automatically"), name);
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
