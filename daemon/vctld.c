/* vctld: the vctl daemon. Options, the pid-file lock, driver start-up, then
 * the server's main loop. */
#include <config.h>

#include "daemon/config.h"
#include "daemon/dbus.h"
#include "daemon/dispatch.h"
#include "daemon/pidfile.h"
#include "daemon/sd.h"
#include "daemon/server.h"
#include "driver/driver.h"
#include "driver/storage/storage_driver.h"
#include "lib/util/error.h"
#include "lib/util/file.h"
#include "lib/util/log.h"
#include "lib/util/paths.h"
#include "lib/util/i18n.h"

#include <locale.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static const vctl_driver *const vctld_drivers[] = {&vctl_qemu_driver, &vctl_test_driver};

typedef struct vctld_options {
        gboolean system, session, verbose, version, list_procedures;
        char *root, *config;
        int timeout;
} vctld_options;

static int vctld_parse_options(int argc, char **argv, vctld_options *o)
{
        const GOptionEntry entries[] = {
                {"system", 0, 0, G_OPTION_ARG_NONE, &o->system,
                 N_("Serve qemu:///system (the default as root)"), NULL},
                {"session", 0, 0, G_OPTION_ARG_NONE, &o->session,
                 N_("Serve qemu:///session for this user (the default otherwise)"), NULL},
                {"root", 0, 0, G_OPTION_ARG_FILENAME, &o->root,
                 N_("Prefix every path with DIR (the socket is DIR/run/vctl/vctld-sock)"),
                 N_("DIR")},
                {"config", 0, 0, G_OPTION_ARG_FILENAME, &o->config,
                 N_("Read the configuration from FILE instead of vctld.conf"), N_("FILE")},
                {"timeout", 0, 0, G_OPTION_ARG_INT, &o->timeout,
                 N_("Exit after SECS without clients or running guests"), N_("SECS")},
                {"verbose", 'v', 0, G_OPTION_ARG_NONE, &o->verbose, N_("Log debug messages"), NULL},
                {"version", 'V', 0, G_OPTION_ARG_NONE, &o->version, N_("Print the version"), NULL},
                {"list-procedures", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_NONE, &o->list_procedures,
                 N_("Print the procedures served: number, name, 'mutating' or 'read-only'"), NULL},
                {NULL},
        };
        g_autoptr(GOptionContext) octx = g_option_context_new(N_("- the vctl daemon"));
        g_autoptr(GError) err = NULL;

        g_option_context_set_summary(octx, N_("Serves libvirt's remote protocol on a Unix socket "
                                              "for virsh, vctl and the libvirt bindings."));
        g_option_context_add_main_entries(octx, entries, VCTL_TEXTDOMAIN);
        g_option_context_set_translation_domain(octx, VCTL_TEXTDOMAIN);
        if (!g_option_context_parse(octx, &argc, &argv, &err)) {
                g_printerr(_("vctld: %s (see 'vctld --help')\n"), err->message);
                return -1;
        }
        if (argc > 1) {
                g_printerr(_("vctld: unexpected argument '%s' (see 'vctld --help')\n"), argv[1]);
                return -1;
        }
        if (o->system && o->session) {
                g_printerr(_("vctld: --system and --session exclude each other\n"));
                return -1;
        }
        if (o->timeout < 0) {
                g_printerr(_("vctld: --timeout needs a number of seconds >= 0\n"));
                return -1;
        }
        return 0;
}

static void vctld_drivers_cleanup(int count)
{
        for (int i = count - 1; i >= 0; i--) {
                if (vctld_drivers[i]->state_cleanup)
                        vctld_drivers[i]->state_cleanup();
                /* storage: after the guests' driver, which may still use volumes */
                if (vctld_drivers[i]->storage && vctld_drivers[i]->storage->state_cleanup)
                        vctld_drivers[i]->storage->state_cleanup();
        }
}

static int vctld_drivers_init(const vctl_paths *paths)
{
        for (int i = 0; i < (int)G_N_ELEMENTS(vctld_drivers); i++) {
                const vctl_storage_driver *storage = vctld_drivers[i]->storage;

                /* storage first: autostarted guests resolve their volumes */
                if (storage && storage->state_init && storage->state_init(paths) < 0) {
                        g_printerr(_("vctld: cannot start the storage driver: %s\n"),
                                   vctl_error_message());
                        vctld_drivers_cleanup(i);
                        return -1;
                }
                if (vctld_drivers[i]->state_init && vctld_drivers[i]->state_init(paths) < 0) {
                        if (storage && storage->state_cleanup)
                                storage->state_cleanup();
                        g_printerr(_("vctld: cannot start the %s driver: %s\n"),
                                   vctld_drivers[i]->type, vctl_error_message());
                        vctld_drivers_cleanup(i);
                        return -1;
                }
        }
        return 0;
}

static int vctld_run(vctld_options *o)
{
        gboolean system = o->system || (!o->session && geteuid() == 0);
        g_autoptr(vctl_paths) paths = vctl_paths_new(system, o->root);
        g_autofree char *pid_path = NULL;
        vctld_server *srv;
        dbus_service *dbus;
        vctld_config cfg;
        int pid_fd;

        if (config_load(o->config ? o->config : paths->config_file, o->config != NULL, &cfg) < 0) {
                g_printerr(_("vctld: %s\n"), vctl_error_message());
                return 1;
        }
        vctl_log_init("vctld", o->verbose ? VCTL_LOG_DEBUG : cfg.log_level, VCTL_LOG_TARGET_AUTO);
        /* system: users reach the read-only socket; session: nobody else may */
        if (vctl_mkdir_p(paths->run_dir, system ? 0755 : 0700) < 0) {
                g_printerr(_("vctld: %s\n"), vctl_error_message());
                return 1;
        }
        pid_path = g_build_filename(paths->run_dir, "vctld.pid", NULL);
        pid_fd = pidfile_acquire(pid_path, paths->run_dir);
        if (pid_fd < 0) {
                g_printerr(_("vctld: %s\n"), vctl_error_message());
                return 1;
        }
        if (vctld_drivers_init(paths) < 0) {
                pidfile_release(pid_path, pid_fd);
                return 1;
        }
        srv = server_new(g_steal_pointer(&paths), &cfg);
        srv->config_path = g_strdup(o->config ? o->config : srv->paths->config_file);
        srv->config_required = o->config != NULL;
        srv->verbose = o->verbose;
        srv->idle_timeout = (guint)o->timeout;
        if (server_listen(srv) < 0) {
                g_printerr(_("vctld: %s\n"), vctl_error_message());
                server_free(srv);
                vctld_drivers_cleanup(G_N_ELEMENTS(vctld_drivers));
                pidfile_release(pid_path, pid_fd);
                return 1;
        }
        log_info(_("vctld %s ready (%s mode, %s)"), PACKAGE_VERSION, system ? "system" : "session",
                 srv->paths->run_dir);
        /* after the sockets: D-Bus is an extra, never a reason not to start */
        dbus = dbus_service_start(&cfg, system, o->root != NULL, server_default_uri(srv));
        srv->reload_hook = dbus_service_reload;
        srv->reload_data = dbus;
        srv->busy_hook = dbus_service_busy;
        srv->busy_data = dbus;
        sd_notify_state("READY=1");
        server_run(srv);
        dbus_service_stop(dbus);
        server_free(srv);
        /* guests keep running: the drivers only let go of their state */
        vctld_drivers_cleanup(G_N_ELEMENTS(vctld_drivers));
        pidfile_release(pid_path, pid_fd);
        log_info(_("vctld stopped"));
        return 0;
}

static void vctld_print_procedure(int proc, const char *name, gboolean mutating, void *opaque)
{
        (void)opaque;
        printf("%d %s %s\n", proc, name, mutating ? "mutating" : "read-only");
}

int main(int argc, char **argv)
{
        vctld_options o = {0};
        int r;

        /* a client closing its socket must not kill us; writes get EPIPE */
        signal(SIGPIPE, SIG_IGN);
        setlocale(LC_ALL, "");
        vctl_i18n_init();
        if (vctld_parse_options(argc, argv, &o) < 0)
                return 1;
        if (o.version) {
                printf("vctld %s\n", PACKAGE_VERSION);
                return 0;
        }
        if (o.list_procedures) {
                dispatch_proc_foreach(vctld_print_procedure, NULL);
                return 0;
        }
        r = vctld_run(&o);
        g_free(o.root);
        g_free(o.config);
        return r;
}
