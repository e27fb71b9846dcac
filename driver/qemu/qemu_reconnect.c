/* Taking guests over after a vctld restart: every status file in RUN_DIR/qemu
 * names a QEMU the last vctld ran; reconnect to it, or mark its domain shut
 * off (crashed) when that QEMU is gone. */
#include "config.h"

#include "driver/driver_priv.h"
#include "driver/qemu/qemu_confine.h"
#include "driver/qemu/qemu_lifecycle_priv.h"
#include "driver/qemu/qemu_process.h"
#include "driver/qemu/qemu_status.h"
#include "lib/util/error.h"
#include "lib/util/log.h"
#include "lib/util/i18n.h"

#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
                log_error(_("ignoring the status file '%s': %s (remove it once its QEMU, if "
                            "any, is stopped)"),
                          path, vctl_error_message());
                vctl_error_clear();
                return;
        }
        domain_list_lock(st->domains);
        obj = domain_list_find_uuid_locked(st->domains, s->live->uuid);
        if (obj && !g_str_equal(obj->name, s->live->name)) {
                log_error(_("ignoring the status file '%s': its domain '%s' has the UUID of "
                            "domain '%s'"),
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
                        log_error(_("ignoring the status file '%s': %s"), path,
                                  vctl_error_message());
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
        if (s->owners) {
                g_ptr_array_unref(vm->owners);
                vm->owners = g_steal_pointer(&s->owners);
        }
        domain_list_unlock(st->domains);

        r = qemu_process_open(s->pid, s->start_time, &vm->pidfd);
        if (r < 0) {
                log_warning(_("domain '%s': its QEMU (pid %d) is gone since vctld last ran; "
                              "marking it shut off (crashed)"),
                            vm->name, (int)s->pid);
                goto lost;
        }
        if (s->state == VCTL_DOMAIN_PAUSED && s->reason == VCTL_DOMAIN_PAUSED_STARTING_UP) {
                log_warning(_("domain '%s': vctld stopped while its QEMU (pid %d) was starting; "
                              "stopping it"),
                            vm->name, (int)s->pid);
                goto kill;
        }
        if (qmp_connect(vm->monitor_path, vm->name, QEMU_CONNECT_TIMEOUT_MS, qemu_vm_on_qmp_event,
                        qemu_vm_on_qmp_eof, vm, &vm->mon) < 0 ||
            qmp_query_status(vm->mon, QEMU_QMP_TIMEOUT_MS, &running, &qstatus) < 0) {
                log_error(_("domain '%s': cannot reconnect to its QEMU (pid %d): %s; stopping it"),
                          vm->name, (int)s->pid, vctl_error_message());
                vctl_error_clear();
                goto kill;
        }
        qemu_reconnect_state(qstatus, s, &state, &reason);

        domain_list_lock(st->domains);
        obj = domain_list_find_uuid_locked(st->domains, s->live->uuid);
        if (!obj || domain_obj_is_active(obj) || g_hash_table_contains(st->vms, vm->name)) {
                domain_list_unlock(st->domains);
                log_error(_("domain '%s': its status file '%s' clashes with another; stopping "
                            "its QEMU"),
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
        log_info(_("domain '%s': took over its QEMU (pid %d, %s)"), vm->name, (int)vm->pid,
                 qstatus);
        return;

kill:
        if (qemu_process_kill(vm->name, vm->pidfd, QEMU_START_KILL_MS, FALSE) < 0) {
                log_error("%s", vctl_error_message());
                vctl_error_clear();
        }
lost:
        g_clear_pointer(&vm->mon, qmp_close);
        qemu_confine_restore(vm->name, vm->owners);
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

void qemu_reconnect_all(qemu_state *st)
{
        g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(GDir) dir = NULL;
        const char *f;

        dir = g_dir_open(st->run_dir, 0, NULL);
        while (dir && (f = g_dir_read_name(dir)))
                if (g_str_has_suffix(f, ".xml") && strlen(f) > strlen(".xml"))
                        g_ptr_array_add(files, g_strdup(f));
        g_ptr_array_sort(files, qemu_str_cmp);
        for (guint i = 0; i < files->len; i++)
                qemu_reconnect_one(st, g_ptr_array_index(files, i));
}
