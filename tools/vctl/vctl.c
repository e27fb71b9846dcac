/* vctl [-c URI] [-r] COMMAND [ARGS...]: the command table, argument parsing
 * and the one connection of a run. Without a command: the interactive shell. */
#include "config.h"

#include "vctl.h"
#include "cmd-storage.h"
#include "conf/xml.h"
#include "lib/util/error.h"
#include "lib/util/file.h"
#include "lib/util/log.h"
#include "lib/util/num.h"
#include "lib/util/uuid.h"
#include "lib/util/i18n.h"

#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int help_run(int argc, char **argv);

static const vctl_cmd vctl_cmd_help = {
        .name = "help",
        .synopsis = "[COMMAND]",
        .summary = N_("list the commands, or show the help of one"),
        .run = help_run,
};

static const vctl_cmd *const commands[] = {
        &vctl_cmd_list,    &vctl_cmd_define,    &vctl_cmd_undefine, &vctl_cmd_start,
        &vctl_cmd_create,  &vctl_cmd_destroy,   &vctl_cmd_shutdown, &vctl_cmd_reboot,
        &vctl_cmd_reset,   &vctl_cmd_suspend,   &vctl_cmd_resume,   &vctl_cmd_console,
        &vctl_cmd_dumpxml,
        &vctl_cmd_dominfo, &vctl_cmd_domstate,  &vctl_cmd_domid,    &vctl_cmd_domuuid,
        &vctl_cmd_domname, &vctl_cmd_autostart, &vctl_cmd_event,    &vctl_cmd_uri,
        &vctl_cmd_version, &vctl_cmd_hostname,  &vctl_cmd_capabilities, &vctl_cmd_domcapabilities,
        &vctl_cmd_validate, &vctl_cmd_host_check, &vctl_cmd_help,
        /* storage pools and volumes (cmd-pool.c, cmd-vol.c) */
        &vctl_cmd_pool_list, &vctl_cmd_pool_define, &vctl_cmd_pool_define_as,
        &vctl_cmd_pool_create, &vctl_cmd_pool_build, &vctl_cmd_pool_start,
        &vctl_cmd_pool_destroy, &vctl_cmd_pool_undefine, &vctl_cmd_pool_delete,
        &vctl_cmd_pool_info, &vctl_cmd_pool_dumpxml, &vctl_cmd_pool_autostart,
        &vctl_cmd_pool_refresh, &vctl_cmd_vol_list, &vctl_cmd_vol_create,
        &vctl_cmd_vol_create_as, &vctl_cmd_vol_clone, &vctl_cmd_vol_delete, &vctl_cmd_vol_wipe,
        &vctl_cmd_vol_resize, &vctl_cmd_vol_info, &vctl_cmd_vol_dumpxml, &vctl_cmd_vol_path,
        /* virtual networks (cmd-network.c) */
        &vctl_cmd_net_list, &vctl_cmd_net_define, &vctl_cmd_net_create, &vctl_cmd_net_start,
        &vctl_cmd_net_destroy, &vctl_cmd_net_undefine, &vctl_cmd_net_dumpxml, &vctl_cmd_net_info,
        &vctl_cmd_net_autostart, &vctl_cmd_net_dhcp_leases, &vctl_cmd_domiflist,
        &vctl_cmd_domifaddr,
};

static char *opt_uri;
static unsigned int opt_flags;
static vctl_conn *the_conn;

int vctl_fail(const char *fmt, ...)
{
        va_list ap;
        g_autofree char *msg = NULL;

        va_start(ap, fmt);
        msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        fflush(stdout);
        fprintf(stderr, _("error: %s\n"), msg);
        return 1;
}

int vctl_fail_api(const char *fmt, ...)
{
        va_list ap;
        g_autofree char *msg = NULL;

        va_start(ap, fmt);
        msg = g_strdup_vprintf(fmt, ap);
        va_end(ap);
        return vctl_fail("%s: %s", msg, vctl_last_error_message());
}

void vctl_cmd_usage(const vctl_cmd *cmd)
{
        printf(_("usage: vctl %s %s\n\n  %s\n"), cmd->name, cmd->synopsis, _(cmd->summary));
        if (cmd->help)
                printf("\n%s\n", _(cmd->help));
}

const vctl_cmd *const *vctl_commands(size_t *ret_count)
{
        *ret_count = G_N_ELEMENTS(commands);
        return commands;
}

const vctl_cmd *vctl_cmd_find(const char *name)
{
        for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
                if (strcmp(commands[i]->name, name) == 0)
                        return commands[i];
        return NULL;
}

static void help_all(void)
{
        printf(_("usage: vctl [-c URI] [-r] COMMAND [ARGS...]\n"
                 "       vctl [-c URI] [-r]              (interactive shell)\n\n"
                 "Options:\n"
                 "  -c, --connect URI   connect to URI (default: $VCTL_DEFAULT_URI, else\n"
                 "                      qemu:///system as root, qemu:///session otherwise)\n"
                 "  -r, --readonly      connect read-only\n\n"
                 "Commands:\n"));
        for (size_t i = 0; i < G_N_ELEMENTS(commands); i++)
                printf("  %-14s %s\n", commands[i]->name, _(commands[i]->summary));
        printf(_("\n'vctl help COMMAND' shows a command's arguments.\n"));
}

static int help_run(int argc, char **argv)
{
        const vctl_cmd *cmd;

        if (argc > 2)
                return vctl_fail(_("command 'help' takes at most one argument (usage: vctl help "
                                   "[COMMAND])"));
        if (argc < 2) {
                help_all();
                return 0;
        }
        cmd = strcmp(argv[1], "--help") == 0 ? &vctl_cmd_help : vctl_cmd_find(argv[1]);
        if (!cmd)
                return vctl_fail(_("unknown command '%s' (see 'vctl help')"), argv[1]);
        vctl_cmd_usage(cmd);
        return 0;
}

int vctl_cmd_run(int argc, char **argv)
{
        const vctl_cmd *cmd = vctl_cmd_find(argv[0]);

        if (!cmd)
                return vctl_fail(_("unknown command '%s' (see 'vctl help')"), argv[0]);
        return cmd->run(argc, argv);
}

/* ---- arguments ---- */

/* The option spec matching "--name" (without any "=value"), or NULL. */
static const char *args_spec(const vctl_cmd *cmd, const char *name, size_t len)
{
        for (const char *const *o = cmd->options; o && *o; o++)
                if (strncmp(*o, name, len) == 0 && ((*o)[len] == '\0' || (*o)[len] == '='))
                        return *o;
        return NULL;
}

int vctl_args_parse(const vctl_cmd *cmd, int argc, char **argv, guint min_pos, guint max_pos,
                    vctl_args *args)
{
        gboolean only_pos = FALSE;

        args->opts = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        args->pos = g_ptr_array_new();
        for (int i = 1; i < argc; i++) {
                const char *a = argv[i];
                const char *eq, *spec;
                size_t len;

                if (only_pos || !g_str_has_prefix(a, "--") || strcmp(a, "--") == 0) {
                        if (!only_pos && strcmp(a, "--") == 0) {
                                only_pos = TRUE;
                                continue;
                        }
                        g_ptr_array_add(args->pos, (gpointer)a);
                        continue;
                }
                if (strcmp(a, "--help") == 0) {
                        vctl_cmd_usage(cmd);
                        vctl_args_clear(args);
                        return 2;
                }
                eq = strchr(a, '=');
                len = eq ? (size_t)(eq - a) : strlen(a);
                spec = args_spec(cmd, a, len);
                if (!spec) {
                        vctl_fail(_("command '%s' has no option '%.*s' (see 'vctl help %s')"),
                                  cmd->name, (int)len, a, cmd->name);
                        vctl_args_clear(args);
                        return 1;
                }
                if (spec[len] == '=') {
                        const char *value = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);

                        if (!value) {
                                vctl_fail(_("option '%s' of command '%s' needs a value"), a,
                                          cmd->name);
                                vctl_args_clear(args);
                                return 1;
                        }
                        g_hash_table_replace(args->opts, g_strndup(a, len), g_strdup(value));
                } else if (eq) {
                        vctl_fail(_("option '%.*s' of command '%s' takes no value"), (int)len, a,
                                  cmd->name);
                        vctl_args_clear(args);
                        return 1;
                } else {
                        g_hash_table_replace(args->opts, g_strdup(a), g_strdup(""));
                }
        }
        if (args->pos->len < min_pos || args->pos->len > max_pos) {
                if (args->pos->len < min_pos)
                        vctl_fail(_("command '%s' needs more arguments (usage: vctl %s %s)"),
                                  cmd->name, cmd->name, cmd->synopsis);
                else
                        vctl_fail(_("command '%s' got too many arguments (usage: vctl %s %s)"),
                                  cmd->name, cmd->name, cmd->synopsis);
                vctl_args_clear(args);
                return 1;
        }
        return 0;
}

void vctl_args_clear(vctl_args *args)
{
        g_clear_pointer(&args->opts, g_hash_table_unref);
        g_clear_pointer(&args->pos, g_ptr_array_unref);
}

gboolean vctl_arg_flag(const vctl_args *args, const char *name)
{
        return g_hash_table_contains(args->opts, name);
}

const char *vctl_arg_value(const vctl_args *args, const char *name)
{
        return g_hash_table_lookup(args->opts, name);
}

const char *vctl_arg_pos(const vctl_args *args, guint i)
{
        return i < args->pos->len ? g_ptr_array_index(args->pos, i) : NULL;
}

/* ---- the connection ---- */

vctl_conn *vctl_connect(void)
{
        if (the_conn)
                return the_conn;
        the_conn = vctl_conn_open(opt_uri, opt_flags);
        if (!the_conn)
                vctl_fail("%s", vctl_last_error_message());
        return the_conn;
}

vctl_conn *vctl_connect_quiet(void)
{
        if (!the_conn)
                the_conn = vctl_conn_open(opt_uri, opt_flags);
        return the_conn;
}

void vctl_disconnect(void)
{
        vctl_conn_close(the_conn);
        the_conn = NULL;
}

vctl_domain *vctl_domain_arg(vctl_conn *conn, const char *arg)
{
        unsigned long long id;
        unsigned char uuid[VCTL_UUID_LEN];
        vctl_domain *dom;

        /* virsh's order: an id, then a UUID, then a name */
        if (vctl_parse_ull(arg, INT_MAX, &id) == 0) {
                dom = vctl_domain_lookup_by_id(conn, (int)id);
                if (dom)
                        return dom;
        }
        if (vctl_uuid_parse(arg, uuid) == 0) {
                dom = vctl_domain_lookup_by_uuid_string(conn, arg);
                if (dom)
                        return dom;
        }
        dom = vctl_domain_lookup_by_name(conn, arg);
        if (!dom)
                vctl_fail("%s", vctl_last_error_message());
        return dom;
}

char *vctl_read_file(const char *path)
{
        g_autofree char *data = NULL;
        size_t len = 0;
        int r;

        if (strcmp(path, "-") == 0)
                r = vctl_fd_read_bounded(STDIN_FILENO, _("standard input"), CONF_XML_MAX_SIZE,
                                         &data, &len);
        else
                r = vctl_file_read_bounded(path, CONF_XML_MAX_SIZE, &data, &len);
        if (r < 0) {
                vctl_fail("%s", vctl_error_message());
                return NULL;
        }
        return g_steal_pointer(&data);
}

/* ---- main ---- */

int main(int argc, char **argv)
{
        int i, status;

        setlocale(LC_ALL, "");
        vctl_i18n_init();
        vctl_log_init("vctl", VCTL_LOG_WARNING, VCTL_LOG_TARGET_STDERR);

        for (i = 1; i < argc && argv[i][0] == '-'; i++) {
                const char *a = argv[i];

                if (strcmp(a, "-c") == 0 || strcmp(a, "--connect") == 0) {
                        if (i + 1 >= argc)
                                return vctl_fail(_("option '%s' needs a URI"), a);
                        g_free(opt_uri);
                        opt_uri = g_strdup(argv[++i]);
                } else if (g_str_has_prefix(a, "--connect=")) {
                        g_free(opt_uri);
                        opt_uri = g_strdup(a + strlen("--connect="));
                } else if (strcmp(a, "-r") == 0 || strcmp(a, "--readonly") == 0) {
                        opt_flags |= VCTL_CONNECT_RO;
                } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
                        help_all();
                        return 0;
                } else if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
                        printf("vctl %s\n", PACKAGE_VERSION);
                        return 0;
                } else {
                        g_free(opt_uri);
                        return vctl_fail(_("unknown option '%s' (see 'vctl help')"), a);
                }
        }
        if (i >= argc)
                status = shell_run();
        else
                status = vctl_cmd_run(argc - i, argv + i);
        vctl_disconnect();
        g_free(opt_uri);
        return status;
}
