/* Storage pools: pool-list, pool-define(-as), pool-create, pool-build,
 * pool-start, pool-destroy, pool-undefine, pool-delete, pool-info,
 * pool-dumpxml, pool-autostart, pool-refresh. Layouts and messages are
 * virsh's; listings and pool-info take --json. */
#include "config.h"

#include "vctl.h"
#include "cmd-storage.h"
#include "lib/util/i18n.h"

#include <stdio.h>
#include <string.h>

char *vctl_pretty_size(unsigned long long bytes)
{
        static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = (double)bytes;
        size_t u = 0;

        while (v >= 1024 && u + 1 < G_N_ELEMENTS(units)) {
                v /= 1024;
                u++;
        }
        return g_strdup_printf("%.2f %s", v, units[u]);
}

vctl_storage_pool *vctl_pool_arg(vctl_conn *conn, const char *arg)
{
        vctl_storage_pool *pool = vctl_storage_pool_lookup_by_name(conn, arg);

        if (!pool && strlen(arg) == 36)
                pool = vctl_storage_pool_lookup_by_uuid_string(conn, arg);
        if (!pool)
                vctl_fail(_("failed to get pool '%s': %s"), arg, vctl_last_error_message());
        return pool;
}

/* ---- pool-list ---- */

static void pool_json_add(JsonBuilder *b, vctl_storage_pool *pool)
{
        char uuid[VCTL_UUID_STRING_BUFLEN];
        vctl_storage_pool_info info = {0};
        int autostart = 0;

        vctl_storage_pool_get_uuid_string(pool, uuid);
        vctl_storage_pool_get_info(pool, &info);
        vctl_storage_pool_get_autostart(pool, &autostart);
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "name");
        json_builder_add_string_value(b, vctl_storage_pool_get_name(pool));
        json_builder_set_member_name(b, "uuid");
        json_builder_add_string_value(b, uuid);
        json_builder_set_member_name(b, "state");
        json_builder_add_string_value(b, vctl_storage_pool_state_name(info.state));
        json_builder_set_member_name(b, "persistent");
        json_builder_add_boolean_value(b, vctl_storage_pool_is_persistent(pool) == 1);
        json_builder_set_member_name(b, "autostart");
        json_builder_add_boolean_value(b, autostart == 1);
        json_builder_set_member_name(b, "capacity");
        json_builder_add_int_value(b, (gint64)info.capacity);
        json_builder_set_member_name(b, "allocation");
        json_builder_add_int_value(b, (gint64)info.allocation);
        json_builder_set_member_name(b, "available");
        json_builder_add_int_value(b, (gint64)info.available);
        json_builder_end_object(b);
}

static int pool_list_run(int argc, char **argv)
{
        VCTL_PARSE_ARGS(vctl_cmd_pool_list, 0, 0);
        gboolean details = vctl_arg_flag(&args, "--details");
        unsigned int flags = VCTL_LIST_STORAGE_POOLS_ACTIVE;
        vctl_storage_pool **pools = NULL;
        vctl_conn *conn;
        int n;

        if (vctl_arg_flag(&args, "--all"))
                flags = 0;
        else if (vctl_arg_flag(&args, "--inactive"))
                flags = VCTL_LIST_STORAGE_POOLS_INACTIVE;
        if (!(conn = vctl_connect()))
                return 1;
        n = vctl_conn_list_all_storage_pools(conn, &pools, flags);
        if (n < 0)
                return vctl_fail_api(_("failed to list pools"));
        if (vctl_arg_flag(&args, "--json")) {
                g_autoptr(JsonBuilder) b = json_builder_new();

                json_builder_begin_array(b);
                for (int i = 0; i < n; i++)
                        pool_json_add(b, pools[i]);
                json_builder_end_array(b);
                vctl_print_json(b);
        } else if (vctl_arg_flag(&args, "--name") || vctl_arg_flag(&args, "--uuid")) {
                for (int i = 0; i < n; i++) {
                        char uuid[VCTL_UUID_STRING_BUFLEN];

                        vctl_storage_pool_get_uuid_string(pools[i], uuid);
                        printf("%s\n", vctl_arg_flag(&args, "--name")
                                               ? vctl_storage_pool_get_name(pools[i])
                                               : uuid);
                }
                putchar('\n');
        } else {
                g_autoptr(vctl_table) t =
                        details ? vctl_table_new("Name", "State", "Autostart", "Persistent",
                                                 "Capacity", "Allocation", "Available", NULL)
                                : vctl_table_new("Name", "State", "Autostart", NULL);

                for (int i = 0; i < n; i++) {
                        vctl_storage_pool_info info = {0};
                        int autostart = 0;
                        const char *state;

                        vctl_storage_pool_get_info(pools[i], &info);
                        vctl_storage_pool_get_autostart(pools[i], &autostart);
                        /* as virsh: active/inactive, the state's name with --details */
                        if (details)
                                state = vctl_storage_pool_state_name(info.state);
                        else
                                state = info.state == VCTL_STORAGE_POOL_INACTIVE ? "inactive"
                                                                                 : "active";
                        if (details) {
                                gboolean act = info.state == VCTL_STORAGE_POOL_RUNNING;
                                g_autofree char *cap =
                                        act ? vctl_pretty_size(info.capacity) : g_strdup("-");
                                g_autofree char *alloc =
                                        act ? vctl_pretty_size(info.allocation) : g_strdup("-");
                                g_autofree char *avail =
                                        act ? vctl_pretty_size(info.available) : g_strdup("-");

                                vctl_table_add_row(t, vctl_storage_pool_get_name(pools[i]), state,
                                                   autostart ? "yes" : "no",
                                                   vctl_storage_pool_is_persistent(pools[i]) == 1
                                                           ? "yes"
                                                           : "no",
                                                   cap, alloc, avail, NULL);
                        } else {
                                vctl_table_add_row(t, vctl_storage_pool_get_name(pools[i]), state,
                                                   autostart ? "yes" : "no", NULL);
                        }
                }
                vctl_table_print(t);
        }
        vctl_storage_pool_list_free(pools);
        return 0;
}

/* ---- define, create ---- */

static int pool_from_file(const vctl_cmd *cmd, gboolean create, int argc, char **argv)
{
        VCTL_PARSE_ARGS(*cmd, 1, 1);
        g_autofree char *xml = NULL;
        const char *file = vctl_arg_pos(&args, 0);
        vctl_storage_pool *pool;
        vctl_conn *conn;
        unsigned int flags = 0;

        if (vctl_arg_flag(&args, "--build"))
                flags |= VCTL_STORAGE_POOL_CREATE_WITH_BUILD;
        if (vctl_arg_flag(&args, "--overwrite"))
                flags |= VCTL_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE;
        if (vctl_arg_flag(&args, "--no-overwrite"))
                flags |= VCTL_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE;
        if (!(xml = vctl_read_file(file)) || !(conn = vctl_connect()))
                return 1;
        pool = create ? vctl_storage_pool_create_xml(conn, xml, flags)
                      : vctl_storage_pool_define_xml(conn, xml, 0);
        if (!pool)
                return vctl_fail_api(_("failed to %s pool from %s"), create ? "create" : "define",
                                     file);
        printf(_("Pool %s %s from %s\n\n"), vctl_storage_pool_get_name(pool),
               create ? "created" : "defined", file);
        vctl_storage_pool_free(pool);
        return 0;
}

static int pool_define_as_run(int argc, char **argv)
{
        /* virsh: name type [source-host] [source-path] [source-dev] [source-name] [target] */
        VCTL_PARSE_ARGS(vctl_cmd_pool_define_as, 2, 7);
        const char *name = vctl_arg_pos(&args, 0), *type = vctl_arg_pos(&args, 1);
        const char *target = vctl_arg_value(&args, "--target");
        g_autoptr(GString) xml = g_string_new(NULL);
        g_autofree char *ename = NULL, *etarget = NULL;
        vctl_storage_pool *pool;
        vctl_conn *conn;

        if (!target && args.pos->len >= 7)
                target = vctl_arg_pos(&args, 6);
        for (guint i = 2; i < MIN(args.pos->len, 6u); i++)
                if (strcmp(vctl_arg_pos(&args, i), "-") != 0)
                        return vctl_fail(_("pool type '%s' takes no source (use '-')"), type);
        if (strcmp(type, "dir") != 0)
                return vctl_fail(_("pool type '%s' is not supported (vctl supports 'dir')"), type);
        if (!target)
                return vctl_fail(_("pool '%s': a directory pool needs --target PATH"), name);
        ename = g_markup_escape_text(name, -1);
        etarget = g_markup_escape_text(target, -1);
        g_string_append_printf(xml, "<pool type='dir'>\n  <name>%s</name>\n  <target>\n", ename);
        g_string_append_printf(xml, "    <path>%s</path>\n", etarget);
        if (vctl_arg_value(&args, "--mode") || vctl_arg_value(&args, "--owner") ||
            vctl_arg_value(&args, "--group")) {
                g_string_append(xml, "    <permissions>\n");
                if (vctl_arg_value(&args, "--mode"))
                        g_string_append_printf(xml, "      <mode>%s</mode>\n",
                                               vctl_arg_value(&args, "--mode"));
                if (vctl_arg_value(&args, "--owner"))
                        g_string_append_printf(xml, "      <owner>%s</owner>\n",
                                               vctl_arg_value(&args, "--owner"));
                if (vctl_arg_value(&args, "--group"))
                        g_string_append_printf(xml, "      <group>%s</group>\n",
                                               vctl_arg_value(&args, "--group"));
                g_string_append(xml, "    </permissions>\n");
        }
        g_string_append(xml, "  </target>\n</pool>\n");
        if (vctl_arg_flag(&args, "--print-xml")) {
                fputs(xml->str, stdout);
                return 0;
        }
        if (!(conn = vctl_connect()))
                return 1;
        pool = vctl_storage_pool_define_xml(conn, xml->str, 0);
        if (!pool)
                return vctl_fail_api(_("failed to define pool %s"), name);
        printf(_("Pool %s defined\n\n"), name);
        vctl_storage_pool_free(pool);
        return 0;
}

/* ---- one action on one pool ---- */

typedef enum { P_BUILD, P_START, P_DESTROY, P_UNDEFINE, P_DELETE, P_REFRESH } pool_action;

static int pool_action_run(const vctl_cmd *cmd, pool_action act, int argc, char **argv)
{
        static const char *const verbs[] = {"build",    "start",  "destroy",
                                            "undefine", "delete", "refresh"};
        static const char *const done[] = {"built",   "started",  "destroyed", "has been undefined",
                                           "deleted", "refreshed"};
        VCTL_PARSE_ARGS(*cmd, 1, 1);
        vctl_storage_pool *pool;
        vctl_conn *conn;
        unsigned int flags = 0;
        g_autofree char *name = NULL;
        int r = -1;

        if (!(conn = vctl_connect()) || !(pool = vctl_pool_arg(conn, vctl_arg_pos(&args, 0))))
                return 1;
        name = g_strdup(vctl_storage_pool_get_name(pool));
        switch (act) {
        case P_BUILD:
                if (vctl_arg_flag(&args, "--overwrite"))
                        flags |= VCTL_STORAGE_POOL_BUILD_OVERWRITE;
                if (vctl_arg_flag(&args, "--no-overwrite"))
                        flags |= VCTL_STORAGE_POOL_BUILD_NO_OVERWRITE;
                r = vctl_storage_pool_build(pool, flags);
                break;
        case P_START:
                if (vctl_arg_flag(&args, "--build"))
                        flags |= VCTL_STORAGE_POOL_CREATE_WITH_BUILD;
                r = vctl_storage_pool_create(pool, flags);
                break;
        case P_DESTROY:
                r = vctl_storage_pool_destroy(pool);
                break;
        case P_UNDEFINE:
                r = vctl_storage_pool_undefine(pool);
                break;
        case P_DELETE:
                r = vctl_storage_pool_delete(pool, 0);
                break;
        case P_REFRESH:
                r = vctl_storage_pool_refresh(pool, 0);
                break;
        }
        vctl_storage_pool_free(pool);
        if (r < 0)
                return vctl_fail_api(_("failed to %s pool %s"), verbs[act], name);
        printf(_("Pool %s %s\n\n"), name, done[act]);
        return 0;
}

/* ---- info, dumpxml, autostart ---- */

static int pool_info_run(int argc, char **argv)
{
        VCTL_PARSE_ARGS(vctl_cmd_pool_info, 1, 1);
        char uuid[VCTL_UUID_STRING_BUFLEN];
        vctl_storage_pool_info info = {0};
        vctl_storage_pool *pool;
        vctl_conn *conn;
        int autostart = 0;

        if (!(conn = vctl_connect()) || !(pool = vctl_pool_arg(conn, vctl_arg_pos(&args, 0))))
                return 1;
        if (vctl_storage_pool_get_info(pool, &info) < 0 ||
            vctl_storage_pool_get_autostart(pool, &autostart) < 0) {
                vctl_storage_pool_free(pool);
                return vctl_fail_api(_("failed to get pool information"));
        }
        if (vctl_arg_flag(&args, "--json")) {
                g_autoptr(JsonBuilder) b = json_builder_new();

                pool_json_add(b, pool);
                vctl_print_json(b);
                vctl_storage_pool_free(pool);
                return 0;
        }
        vctl_storage_pool_get_uuid_string(pool, uuid);
        vctl_print_field("Name:", "%s", vctl_storage_pool_get_name(pool));
        vctl_print_field("UUID:", "%s", uuid);
        vctl_print_field("State:", "%s", vctl_storage_pool_state_name(info.state));
        vctl_print_field("Persistent:", "%s",
                         vctl_storage_pool_is_persistent(pool) == 1 ? "yes" : "no");
        vctl_print_field("Autostart:", "%s", autostart ? "yes" : "no");
        if (info.state == VCTL_STORAGE_POOL_RUNNING) {
                gboolean bytes = vctl_arg_flag(&args, "--bytes");
                g_autofree char *c = bytes ? g_strdup_printf("%llu", info.capacity)
                                           : vctl_pretty_size(info.capacity);
                g_autofree char *a = bytes ? g_strdup_printf("%llu", info.allocation)
                                           : vctl_pretty_size(info.allocation);
                g_autofree char *v = bytes ? g_strdup_printf("%llu", info.available)
                                           : vctl_pretty_size(info.available);

                vctl_print_field("Capacity:", "%s", c);
                vctl_print_field("Allocation:", "%s", a);
                vctl_print_field("Available:", "%s", v);
        }
        putchar('\n');
        vctl_storage_pool_free(pool);
        return 0;
}

static int pool_dumpxml_run(int argc, char **argv)
{
        VCTL_PARSE_ARGS(vctl_cmd_pool_dumpxml, 1, 1);
        g_autofree char *xml = NULL;
        vctl_storage_pool *pool;
        vctl_conn *conn;

        if (!(conn = vctl_connect()) || !(pool = vctl_pool_arg(conn, vctl_arg_pos(&args, 0))))
                return 1;
        xml = vctl_storage_pool_get_xml_desc(
                pool, vctl_arg_flag(&args, "--inactive") ? VCTL_STORAGE_XML_INACTIVE : 0);
        vctl_storage_pool_free(pool);
        if (!xml)
                return vctl_fail_api(_("failed to get the pool's XML"));
        fputs(xml, stdout);
        return 0;
}

static int pool_autostart_run(int argc, char **argv)
{
        VCTL_PARSE_ARGS(vctl_cmd_pool_autostart, 1, 1);
        gboolean disable = vctl_arg_flag(&args, "--disable");
        g_autofree char *name = NULL;
        vctl_storage_pool *pool;
        vctl_conn *conn;
        int r;

        if (!(conn = vctl_connect()) || !(pool = vctl_pool_arg(conn, vctl_arg_pos(&args, 0))))
                return 1;
        name = g_strdup(vctl_storage_pool_get_name(pool));
        r = vctl_storage_pool_set_autostart(pool, !disable);
        vctl_storage_pool_free(pool);
        if (r < 0)
                return vctl_fail_api(_("failed to %smark pool %s as autostarted"),
                                     disable ? "un" : "", name);
        printf(_("Pool %s %s as autostarted\n\n"), name, disable ? "unmarked" : "marked");
        return 0;
}

static const char *const list_opts[] = {"--all",  "--inactive", "--details", "--name",
                                        "--uuid", "--json",     NULL};
static const char *const create_opts[] = {"--build", "--overwrite", "--no-overwrite", NULL};
static const char *const define_as_opts[] = {
        "--target=", "--mode=", "--owner=", "--group=", "--print-xml", NULL};
static const char *const build_opts[] = {"--overwrite", "--no-overwrite", NULL};
static const char *const start_opts[] = {"--build", NULL};
static const char *const info_opts[] = {"--bytes", "--json", NULL};
static const char *const dumpxml_opts[] = {"--inactive", NULL};
static const char *const autostart_opts[] = {"--disable", NULL};
static const char *const no_opts[] = {NULL};

const vctl_cmd vctl_cmd_pool_list = {
        "pool-list",
        "[--all | --inactive] [--details] [--json]",
        "list the active storage pools (--all: every pool)",
        "  --details  capacity, allocation and free space of each pool\n"
        "  --json     a JSON array of {name, uuid, state, persistent, autostart,\n"
        "             capacity, allocation, available}",
        pool_list_run,
        list_opts};
VCTL_CMD_CALLING(pool_define, pool_from_file, FALSE, .name = "pool-define", .synopsis = "FILE",
                 .summary = "define a storage pool from an XML file", .options = no_opts);
const vctl_cmd vctl_cmd_pool_define_as = {
        "pool-define-as",
        "NAME dir [- - - -] [TARGET] [--target PATH] [--mode M] [--owner U] "
        "[--group G] [--print-xml]",
        "define a directory pool from arguments",
        NULL,
        pool_define_as_run,
        define_as_opts};
VCTL_CMD_CALLING(pool_create, pool_from_file, TRUE, .name = "pool-create",
                 .synopsis = "FILE [--build] [--overwrite | --no-overwrite]",
                 .summary = "create and start a transient pool from an XML file",
                 .options = create_opts);
VCTL_CMD_CALLING(pool_build, pool_action_run, P_BUILD, .name = "pool-build",
                 .synopsis = "POOL [--overwrite | --no-overwrite]",
                 .summary = "create the pool's directory (owner and mode from its XML)",
                 .options = build_opts);
VCTL_CMD_CALLING(pool_start, pool_action_run, P_START, .name = "pool-start",
                 .synopsis = "POOL [--build]", .summary = "start an inactive pool",
                 .options = start_opts);
VCTL_CMD_CALLING(pool_destroy, pool_action_run, P_DESTROY, .name = "pool-destroy",
                 .synopsis = "POOL", .summary = "stop a pool (its files stay)", .options = no_opts);
VCTL_CMD_CALLING(pool_undefine, pool_action_run, P_UNDEFINE, .name = "pool-undefine",
                 .synopsis = "POOL", .summary = "undefine a pool", .options = no_opts);
VCTL_CMD_CALLING(pool_delete, pool_action_run, P_DELETE, .name = "pool-delete", .synopsis = "POOL",
                 .summary = "remove an inactive pool's (empty) directory", .options = no_opts);
const vctl_cmd vctl_cmd_pool_info = {"pool-info",
                                     "POOL [--bytes] [--json]",
                                     "show a pool's state and sizes",
                                     NULL,
                                     pool_info_run,
                                     info_opts};
const vctl_cmd vctl_cmd_pool_dumpxml = {"pool-dumpxml", "POOL [--inactive]", "print a pool's XML",
                                        NULL,           pool_dumpxml_run,    dumpxml_opts};
const vctl_cmd vctl_cmd_pool_autostart = {
        "pool-autostart",   "POOL [--disable]", "start the pool with vctld (or not)", NULL,
        pool_autostart_run, autostart_opts};
VCTL_CMD_CALLING(pool_refresh, pool_action_run, P_REFRESH, .name = "pool-refresh",
                 .synopsis = "POOL", .summary = "read the pool's directory again",
                 .options = no_opts);
