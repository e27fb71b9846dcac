/* Kernel modules: builtin, loaded, available or missing; loading with libkmod. */
#include "config.h"

#include "kmod/modules.h"
#include "lib/util/error.h"
#include "lib/util/file.h"
#include "lib/util/log.h"
#include "lib/util/i18n.h"

#include <errno.h>
#include <libkmod.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#define SYSFS_VALUE_MAX 4096
#define CPUINFO_MAX     (16 * 1024 * 1024)

const char *const kmod_modules_names[] = {
        "kvm",    "kvm_intel", "kvm_amd",      "kvm_pvm", "tun",
        "bridge", "vhost_net", "br_netfilter", NULL,
};

/* A builtin module without parameters has no /sys/module entry; what it
 * provides still shows. */
static const struct {
        const char *name;
        const char *marker;
} builtin_markers[] = {
        {"kvm", "/sys/class/misc/kvm"},
        {"tun", "/sys/class/misc/tun"},
        {"vhost_net", "/sys/class/misc/vhost-net"},
        {"br_netfilter", "/proc/sys/net/bridge"},
};

static char *under(const char *root, const char *path)
{
        return g_strconcat(root, path, NULL);
}

/* A small sysfs/procfs value, stripped; NULL when unreadable. */
static char *read_value(const char *path)
{
        g_autofree char *data = NULL;

        if (vctl_file_read_bounded(path, SYSFS_VALUE_MAX, &data, NULL) < 0) {
                vctl_error_clear();
                return NULL;
        }
        g_strstrip(data);
        return g_steal_pointer(&data);
}

static gboolean is_dir(const char *path)
{
        struct stat st;

        return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void kmod_log_to_debug(void *data, int priority, const char *file, int line, const char *fn,
                              const char *format, va_list args) G_GNUC_PRINTF(6, 0);

static void kmod_log_to_debug(void *data, int priority, const char *file, int line, const char *fn,
                              const char *format, va_list args)
{
        g_autofree char *msg = g_strdup_vprintf(format, args);

        g_strchomp(msg);
        log_debug("libkmod: %s", msg);
}

static void entry_free(gpointer p)
{
        kmod_modules_entry *e = p;

        g_free(e->name);
        g_free(e->path);
        g_free(e->nested);
        g_free(e->evidence);
        g_free(e);
}

/* The first .ko libkmod finds for name, or NULL. */
static char *lookup_path(struct kmod_ctx *ctx, const char *name)
{
        struct kmod_list *list = NULL, *l;
        char *path = NULL;

        if (!ctx || kmod_module_new_from_lookup(ctx, name, &list) < 0)
                return NULL;
        kmod_list_foreach(l, list)
        {
                struct kmod_module *mod = kmod_module_get_module(l);
                const char *p = kmod_module_get_path(mod);

                if (p && !path)
                        path = g_strdup(p);
                kmod_module_unref(mod);
        }
        kmod_module_unref_list(list);
        return path;
}

static gboolean kmod_says_builtin(struct kmod_ctx *ctx, const char *name)
{
        struct kmod_module *mod = NULL;
        gboolean builtin;

        if (!ctx || kmod_module_new_from_name(ctx, name, &mod) < 0)
                return FALSE;
        /* libkmod answers BUILTIN from the module directory's index alone */
        builtin = kmod_module_get_initstate(mod) == KMOD_MODULE_BUILTIN;
        kmod_module_unref(mod);
        return builtin;
}

static kmod_modules_entry *entry_query(const kmod_modules_report *report, const char *name)
{
        kmod_modules_entry *e = g_new0(kmod_modules_entry, 1);
        g_autofree char *sysmod = g_strdup_printf("%s/sys/module/%s", report->root, name);
        g_autofree char *initstate_path = g_strconcat(sysmod, "/initstate", NULL);
        g_autofree char *nested_path = g_strconcat(sysmod, "/parameters/nested", NULL);
        g_autofree char *initstate = read_value(initstate_path);

        e->name = g_strdup(name);
        e->nested = read_value(nested_path);
        e->path = lookup_path(report->ctx, name);
        if (initstate) {
                e->state = KMOD_MODULES_LOADED;
                e->evidence = g_strdup_printf(_("%s is '%s'"), initstate_path, initstate);
                return e;
        }
        if (is_dir(sysmod)) {
                /* only builtin modules have a /sys/module entry without initstate */
                e->state = KMOD_MODULES_BUILTIN;
                e->evidence = g_strdup_printf(_("%s exists without initstate"), sysmod);
                return e;
        }
        if (kmod_says_builtin(report->ctx, name)) {
                e->state = KMOD_MODULES_BUILTIN;
                e->evidence = g_strdup_printf(_("listed in %s/modules.builtin"), report->moddir);
                return e;
        }
        for (size_t i = 0; i < G_N_ELEMENTS(builtin_markers); i++) {
                g_autofree char *marker = NULL;

                if (strcmp(builtin_markers[i].name, name) != 0)
                        continue;
                marker = under(report->root, builtin_markers[i].marker);
                if (access(marker, F_OK) == 0) {
                        e->state = KMOD_MODULES_BUILTIN;
                        e->evidence =
                                g_strdup_printf("%s exists though no module is loaded", marker);
                        return e;
                }
        }
        if (e->path) {
                e->state = KMOD_MODULES_AVAILABLE;
                e->evidence = g_strdup_printf(_("%s is not loaded"), e->path);
                return e;
        }
        e->state = KMOD_MODULES_MISSING;
        e->evidence = g_strdup_printf(_("not in the kernel and not in %s"),
                                      *report->moddir ? report->moddir : _("any module directory"));
        return e;
}

kmod_modules_report *kmod_modules_query(const char *root, const char *moddir)
{
        kmod_modules_report *report = g_new0(kmod_modules_report, 1);
        g_autofree char *r = g_strdup(root ? root : "");

        /* "/tmp/x/" and "/tmp/x" are the same prefix, "/" is none */
        while (*r && g_str_has_suffix(r, "/"))
                r[strlen(r) - 1] = '\0';
        report->root = g_steal_pointer(&r);
        if (moddir) {
                report->moddir = g_strdup(moddir);
        } else {
                struct utsname u;

                report->moddir = uname(&u) == 0 ? g_strdup_printf("%s/lib/modules/%s", report->root,
                                                                  u.release)
                                                : g_strdup("");
        }
        if (*report->moddir) {
                report->ctx = kmod_new(report->moddir, NULL);
                if (report->ctx)
                        kmod_set_log_fn(report->ctx, kmod_log_to_debug, NULL);
                else
                        log_debug("libkmod cannot use '%s'", report->moddir);
        }
        report->entries = g_ptr_array_new_with_free_func(entry_free);
        for (size_t i = 0; kmod_modules_names[i]; i++)
                g_ptr_array_add(report->entries, entry_query(report, kmod_modules_names[i]));
        return report;
}

void kmod_modules_report_free(kmod_modules_report *report)
{
        if (!report)
                return;
        if (report->entries)
                g_ptr_array_unref(report->entries);
        if (report->ctx)
                kmod_unref(report->ctx);
        g_free(report->root);
        g_free(report->moddir);
        g_free(report);
}

const kmod_modules_entry *kmod_modules_find(const kmod_modules_report *report, const char *name)
{
        for (guint i = 0; report && i < report->entries->len; i++) {
                const kmod_modules_entry *e = g_ptr_array_index(report->entries, i);

                if (strcmp(e->name, name) == 0)
                        return e;
        }
        return NULL;
}

const char *kmod_modules_state_to_string(kmod_modules_state state)
{
        switch (state) {
        case KMOD_MODULES_BUILTIN:
                return "builtin";
        case KMOD_MODULES_LOADED:
                return "loaded";
        case KMOD_MODULES_AVAILABLE:
                return "available";
        case KMOD_MODULES_MISSING:
        default:
                return "missing";
        }
}

gboolean kmod_modules_present(const kmod_modules_report *report, const char *name)
{
        const kmod_modules_entry *e = kmod_modules_find(report, name);

        return e && (e->state == KMOD_MODULES_BUILTIN || e->state == KMOD_MODULES_LOADED);
}

/* Whether /proc/cpuinfo's flags name flag (vmx, svm). */
static gboolean cpu_has_flag(const char *root, const char *flag)
{
        g_autofree char *path = under(root, "/proc/cpuinfo");
        g_autofree char *data = NULL;
        g_auto(GStrv) lines = NULL;

        if (vctl_file_read_bounded(path, CPUINFO_MAX, &data, NULL) < 0) {
                vctl_error_clear();
                return FALSE;
        }
        lines = g_strsplit(data, "\n", -1);
        for (char **l = lines; *l; l++) {
                g_auto(GStrv) words = NULL;
                const char *colon;

                if (!g_str_has_prefix(*l, "flags") || !(colon = strchr(*l, ':')))
                        continue;
                words = g_strsplit_set(colon + 1, " \t", -1);
                for (char **w = words; *w; w++)
                        if (strcmp(*w, flag) == 0)
                                return TRUE;
                return FALSE;
        }
        return FALSE;
}

static gboolean worth_loading(const kmod_modules_report *report, const char *name)
{
        if (strcmp(name, "kvm_intel") == 0)
                return cpu_has_flag(report->root, "vmx");
        if (strcmp(name, "kvm_amd") == 0)
                return cpu_has_flag(report->root, "svm");
        /* kvm_pvm replaces hardware virtualisation on purpose; br_netfilter
         * changes how the host filters bridged traffic: both are the admin's call */
        return strcmp(name, "kvm_pvm") != 0 && strcmp(name, "br_netfilter") != 0;
}

static int load_one(struct kmod_ctx *ctx, const char *name)
{
        struct kmod_module *mod = NULL;
        int r;

        r = kmod_module_new_from_name(ctx, name, &mod);
        if (r < 0)
                return vctl_error_set_errno(-r, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_NONE,
                                            _("cannot look up kernel module '%s'"), name);
        r = kmod_module_probe_insert_module(mod, KMOD_PROBE_APPLY_BLACKLIST, NULL, NULL, NULL,
                                            NULL);
        kmod_module_unref(mod);
        if (r > 0) {
                vctl_error_set(VCTL_ERR_OPERATION_DENIED, VCTL_FROM_NONE,
                               _("kernel module '%s' is blacklisted (see /etc/modprobe.d, or load "
                                 "it anyway with 'modprobe %s')"),
                               name, name);
                return -EPERM;
        }
        if (r == -EPERM || r == -EACCES)
                return vctl_error_set_errno(-r, VCTL_ERR_OPERATION_DENIED, VCTL_FROM_NONE,
                                            _("cannot load kernel module '%s' (needs root with "
                                              "CAP_SYS_MODULE: run 'modprobe %s' as root)"),
                                            name, name);
        if (r < 0)
                return vctl_error_set_errno(-r, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_NONE,
                                            _("cannot load kernel module '%s' (try 'modprobe %s' "
                                              "and read dmesg)"),
                                            name, name);
        return 0;
}

int kmod_modules_load_missing(kmod_modules_report *report, kmod_modules_load_flags flags,
                              char ***ret_loaded)
{
        g_autoptr(GPtrArray) todo = g_ptr_array_new();
        g_autoptr(GPtrArray) done = g_ptr_array_new_with_free_func(g_free);
        g_autoptr(vctl_error) first_error_msg = NULL;
        int first_error = 0;

        for (guint i = 0; i < report->entries->len; i++) {
                kmod_modules_entry *e = g_ptr_array_index(report->entries, i);

                if (e->state == KMOD_MODULES_AVAILABLE && worth_loading(report, e->name))
                        g_ptr_array_add(todo, e);
        }

        if (todo->len > 0 && !(flags & KMOD_MODULES_LOAD_DRY_RUN) && geteuid() != 0) {
                g_autoptr(GString) names = g_string_new(NULL);

                for (guint i = 0; i < todo->len; i++)
                        g_string_append_printf(names, " %s",
                                               ((kmod_modules_entry *)todo->pdata[i])->name);
                vctl_error_set(VCTL_ERR_OPERATION_DENIED, VCTL_FROM_NONE,
                               _("loading kernel modules needs root: run 'modprobe -a%s' as root"),
                               names->str);
                return -EPERM;
        }

        for (guint i = 0; i < todo->len; i++) {
                kmod_modules_entry *e = g_ptr_array_index(todo, i);
                int r = 0;

                if (!(flags & KMOD_MODULES_LOAD_DRY_RUN)) {
                        if (report->ctx)
                                r = load_one(report->ctx, e->name);
                        else
                                r = vctl_error_set_errno(ENOENT, VCTL_ERR_SYSTEM_ERROR,
                                                         VCTL_FROM_NONE,
                                                         _("cannot load kernel module '%s': no "
                                                           "module directory"),
                                                         e->name);
                        if (r < 0) {
                                /* keep going, but report the first failure */
                                if (!first_error_msg) {
                                        first_error = r;
                                        first_error_msg = vctl_error_copy(vctl_error_last());
                                }
                                continue;
                        }
                        e->state = KMOD_MODULES_LOADED;
                        g_free(e->evidence);
                        e->evidence = g_strdup(_("loaded by vctl"));
                        log_info(_("loaded kernel module '%s'"), e->name);
                }
                g_ptr_array_add(done, g_strdup(e->name));
        }
        if (first_error < 0) {
                vctl_error_restore(first_error_msg);
                return first_error;
        }
        if (ret_loaded) {
                g_ptr_array_add(done, NULL);
                *ret_loaded = (char **)g_ptr_array_free(g_steal_pointer(&done), FALSE);
        }
        return (int)todo->len;
}
