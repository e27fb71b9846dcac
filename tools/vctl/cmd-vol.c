/* Storage volumes: vol-list, vol-create, vol-create-as, vol-clone,
 * vol-delete, vol-wipe, vol-resize, vol-info, vol-dumpxml, vol-path.
 * A volume is named as virsh names it: NAME with --pool, or a key or path. */
#include "config.h"

#include "vctl.h"
#include "cmd-storage.h"
#include "lib/util/i18n.h"
#include "lib/util/num.h"

#include <stdio.h>
#include <string.h>

/* virsh's vshCommandOptVol: by name in --pool, else by key, else by path */
static vctl_storage_vol *vol_arg(vctl_conn *conn, const char *arg, const char *pool_name)
{
        vctl_storage_vol *vol = NULL;

        if (pool_name) {
                vctl_storage_pool *pool = vctl_pool_arg(conn, pool_name);

                if (!pool)
                        return NULL;
                vol = vctl_storage_vol_lookup_by_name(pool, arg);
                vctl_storage_pool_free(pool);
        } else {
                vol = vctl_storage_vol_lookup_by_key(conn, arg);
                if (!vol)
                        vol = vctl_storage_vol_lookup_by_path(conn, arg);
        }
        if (!vol)
                vctl_fail(_("failed to get vol '%s': %s"), arg, vctl_last_error_message());
        return vol;
}

static vctl_storage_vol *vol_from_args(const vctl_args *args)
{
        vctl_conn *conn = vctl_connect();

        return conn ? vol_arg(conn, vctl_arg_pos(args, 0), vctl_arg_value(args, "--pool")) : NULL;
}

/* ---- vol-list ---- */

/* {name, [pool,] path, type, capacity, allocation}: a volume in vol-list and
 * vol-info --json */
static void vol_json_add(JsonBuilder *b, vctl_storage_vol *vol, const vctl_storage_vol_info *info,
                         gboolean with_pool)
{
        g_autofree char *path = vctl_storage_vol_get_path(vol);

        json_builder_begin_object(b);
        json_builder_set_member_name(b, "name");
        json_builder_add_string_value(b, vctl_storage_vol_get_name(vol));
        if (with_pool) {
                json_builder_set_member_name(b, "pool");
                json_builder_add_string_value(b, vctl_storage_vol_get_pool_name(vol));
        }
        json_builder_set_member_name(b, "path");
        json_builder_add_string_value(b, path);
        json_builder_set_member_name(b, "type");
        json_builder_add_string_value(b, vctl_storage_vol_type_name(info->type));
        json_builder_set_member_name(b, "capacity");
        json_builder_add_int_value(b, (gint64)info->capacity);
        json_builder_set_member_name(b, "allocation");
        json_builder_add_int_value(b, (gint64)info->allocation);
        json_builder_end_object(b);
}

static int vol_list_run(int argc, char **argv)
{
        VCTL_PARSE_ARGS(vctl_cmd_vol_list, 0, 1);
        const char *pool_name =
                vctl_arg_pos(&args, 0) ? vctl_arg_pos(&args, 0) : vctl_arg_value(&args, "--pool");
        gboolean details = vctl_arg_flag(&args, "--details");
        vctl_storage_vol **vols = NULL;
        vctl_storage_pool *pool;
        vctl_conn *conn;
        int n;

        if (!pool_name)
                return vctl_fail(_("command 'vol-list' needs a pool (usage: vctl vol-list POOL)"));
        if (!(conn = vctl_connect()) || !(pool = vctl_pool_arg(conn, pool_name)))
                return 1;
        n = vctl_storage_pool_list_all_volumes(pool, &vols, 0);
        vctl_storage_pool_free(pool);
        if (n < 0)
                return vctl_fail_api(_("failed to list storage volumes"));
        if (vctl_arg_flag(&args, "--json")) {
                g_autoptr(JsonBuilder) b = json_builder_new();

                json_builder_begin_array(b);
                for (int i = 0; i < n; i++) {
                        vctl_storage_vol_info info = {0};

                        vctl_storage_vol_get_info(vols[i], &info);
                        vol_json_add(b, vols[i], &info, FALSE);
                }
                json_builder_end_array(b);
                vctl_print_json(b);
        } else {
                g_autoptr(vctl_table) t = details ? vctl_table_new("Name", "Path", "Type",
                                                                   "Capacity", "Allocation", NULL)
                                                  : vctl_table_new("Name", "Path", NULL);

                for (int i = 0; i < n; i++) {
                        g_autofree char *path = vctl_storage_vol_get_path(vols[i]);

                        if (details) {
                                vctl_storage_vol_info info = {0};
                                g_autofree char *cap = NULL, *alloc = NULL;

                                vctl_storage_vol_get_info(vols[i], &info);
                                cap = vctl_pretty_size(info.capacity);
                                alloc = vctl_pretty_size(info.allocation);
                                vctl_table_add_row(
                                        t, vctl_storage_vol_get_name(vols[i]), path ? path : "-",
                                        vctl_storage_vol_type_name(info.type), cap, alloc, NULL);
                        } else {
                                vctl_table_add_row(t, vctl_storage_vol_get_name(vols[i]),
                                                   path ? path : "-", NULL);
                        }
                }
                vctl_table_print(t);
        }
        vctl_storage_vol_list_free(vols);
        return 0;
}

/* ---- create ---- */

static int vol_create_run(int argc, char **argv)
{
        VCTL_PARSE_ARGS(vctl_cmd_vol_create, 2, 2);
        const char *file = vctl_arg_pos(&args, 1);
        g_autofree char *xml = NULL;
        vctl_storage_pool *pool;
        vctl_storage_vol *vol;
        vctl_conn *conn;

        if (!(xml = vctl_read_file(file)) || !(conn = vctl_connect()) ||
            !(pool = vctl_pool_arg(conn, vctl_arg_pos(&args, 0))))
                return 1;
        vol = vctl_storage_vol_create_xml(pool, xml, 0);
        vctl_storage_pool_free(pool);
        if (!vol)
                return vctl_fail_api(_("failed to create vol from %s"), file);
        printf(_("Vol %s created from %s\n\n"), vctl_storage_vol_get_name(vol), file);
        vctl_storage_vol_free(vol);
        return 0;
}

static int size_arg(const char *s, const char *what, unsigned long long *ret)
{
        if (vctl_parse_size(s, 1, G_MAXUINT64, ret) < 0)
                return vctl_fail(_("invalid %s '%s' (a size, as in 10G or 512MiB)"), what, s);
        return 0;
}

static int vol_create_as_run(int argc, char **argv)
{
        VCTL_PARSE_ARGS(vctl_cmd_vol_create_as, 3, 3);
        const char *name = vctl_arg_pos(&args, 1);
        const char *format = vctl_arg_value(&args, "--format");
        const char *backing = vctl_arg_value(&args, "--backing-vol");
        const char *bformat = vctl_arg_value(&args, "--backing-vol-format");
        unsigned long long cap = 0, alloc = 0;
        g_autoptr(GString) xml = g_string_new(NULL);
        g_autofree char *ename = g_markup_escape_text(name, -1);
        vctl_storage_pool *pool;
        vctl_storage_vol *vol;
        vctl_conn *conn;

        if (size_arg(vctl_arg_pos(&args, 2), "capacity", &cap) ||
            (vctl_arg_value(&args, "--allocation") &&
             size_arg(vctl_arg_value(&args, "--allocation"), "allocation", &alloc)))
                return 1;
        if (format && strcmp(format, "raw") != 0 && strcmp(format, "qcow2") != 0)
                return vctl_fail(_("volume format '%s' is not supported (use raw or qcow2)"),
                                 format);
        if (!(conn = vctl_connect()) || !(pool = vctl_pool_arg(conn, vctl_arg_pos(&args, 0))))
                return 1;
        g_string_append_printf(xml, "<volume>\n  <name>%s</name>\n", ename);
        g_string_append_printf(xml, "  <capacity>%llu</capacity>\n", cap);
        g_string_append_printf(xml, "  <allocation>%llu</allocation>\n", alloc);
        if (format)
                g_string_append_printf(xml, "  <target>\n    <format type='%s'/>\n  </target>\n",
                                       format);
        if (backing) {
                /* virsh: the backing volume by name in the pool, else by key or path */
                vctl_storage_vol *bv = vctl_storage_vol_lookup_by_name(pool, backing);
                g_autofree char *bpath = NULL;
                g_autofree char *epath = NULL;

                if (!bv)
                        bv = vctl_storage_vol_lookup_by_key(conn, backing);
                if (!bv)
                        bv = vctl_storage_vol_lookup_by_path(conn, backing);
                if (!bv) {
                        vctl_storage_pool_free(pool);
                        return vctl_fail(_("failed to get backing vol '%s': %s"), backing,
                                         vctl_last_error_message());
                }
                bpath = vctl_storage_vol_get_path(bv);
                vctl_storage_vol_free(bv);
                if (!bpath) {
                        vctl_storage_pool_free(pool);
                        return vctl_fail_api(_("failed to get the path of backing vol '%s'"),
                                             backing);
                }
                epath = g_markup_escape_text(bpath, -1);
                g_string_append_printf(xml, "  <backingStore>\n    <path>%s</path>\n", epath);
                if (bformat)
                        g_string_append_printf(xml, "    <format type='%s'/>\n", bformat);
                g_string_append(xml, "  </backingStore>\n");
        }
        g_string_append(xml, "</volume>\n");
        if (vctl_arg_flag(&args, "--print-xml")) {
                fputs(xml->str, stdout);
                vctl_storage_pool_free(pool);
                return 0;
        }
        vol = vctl_storage_vol_create_xml(pool, xml->str, 0);
        vctl_storage_pool_free(pool);
        if (!vol)
                return vctl_fail_api(_("failed to create vol %s"), name);
        printf(_("Vol %s created\n\n"), name);
        vctl_storage_vol_free(vol);
        return 0;
}

static int vol_clone_run(int argc, char **argv)
{
        VCTL_PARSE_ARGS(vctl_cmd_vol_clone, 2, 2);
        const char *newname = vctl_arg_pos(&args, 1);
        g_autofree char *ename = g_markup_escape_text(newname, -1);
        g_autofree char *srcxml = NULL;
        g_autofree char *xml = NULL;
        vctl_storage_vol *src, *vol;
        vctl_storage_pool *pool;
        const char *fmt = "raw";

        if (!(src = vol_from_args(&args)))
                return 1;
        pool = vctl_storage_pool_lookup_by_volume(src);
        srcxml = vctl_storage_vol_get_xml_desc(src, 0);
        if (!pool || !srcxml) {
                vctl_storage_pool_free(pool);
                vctl_storage_vol_free(src);
                return vctl_fail_api(_("failed to clone vol '%s'"), vctl_arg_pos(&args, 0));
        }
        {
                /* the target's format is the first <format> of vol-dumpxml */
                const char *f = strstr(srcxml, "<format type='");
                vctl_storage_vol_info info = {0};

                if (f && g_str_has_prefix(f + strlen("<format type='"), "qcow2'"))
                        fmt = "qcow2";
                vctl_storage_vol_get_info(src, &info);
                /* the copy keeps the source's format and size */
                xml = g_strdup_printf("<volume>\n  <name>%s</name>\n  <capacity>%llu</capacity>\n"
                                      "  <target>\n    <format type='%s'/>\n  </target>\n"
                                      "</volume>\n",
                                      ename, MAX(info.capacity, 1ull), fmt);
        }
        vol = vctl_storage_vol_create_xml_from(pool, xml, src, 0);
        vctl_storage_pool_free(pool);
        if (!vol) {
                vctl_storage_vol_free(src);
                return vctl_fail_api(_("failed to clone vol from %s"), vctl_arg_pos(&args, 0));
        }
        printf(_("Vol %s cloned from %s\n\n"), newname, vctl_storage_vol_get_name(src));
        vctl_storage_vol_free(vol);
        vctl_storage_vol_free(src);
        return 0;
}

/* ---- delete, wipe, resize ---- */

static int vol_delete_run(int argc, char **argv)
{
        VCTL_PARSE_ARGS(vctl_cmd_vol_delete, 1, 1);
        vctl_storage_vol *vol;
        g_autofree char *name = NULL;
        int r;

        if (!(vol = vol_from_args(&args)))
                return 1;
        name = g_strdup(vctl_storage_vol_get_name(vol));
        r = vctl_storage_vol_delete(
                vol, vctl_arg_flag(&args, "--wipe-storage") ? VCTL_STORAGE_VOL_DELETE_ZEROED : 0);
        vctl_storage_vol_free(vol);
        if (r < 0)
                return vctl_fail_api(_("failed to delete vol %s"), name);
        printf(_("Vol %s deleted\n\n"), name);
        return 0;
}

static int vol_wipe_run(int argc, char **argv)
{
        VCTL_PARSE_ARGS(vctl_cmd_vol_wipe, 1, 1);
        vctl_storage_vol *vol;
        g_autofree char *name = NULL;
        const char *alg = vctl_arg_value(&args, "--algorithm");
        int r;

        if (alg && strcmp(alg, "zero") != 0)
                return vctl_fail(_("wipe algorithm '%s' is not supported (vctl writes zeros)"),
                                 alg);
        if (!(vol = vol_from_args(&args)))
                return 1;
        name = g_strdup(vctl_storage_vol_get_name(vol));
        r = vctl_storage_vol_wipe(vol, 0);
        vctl_storage_vol_free(vol);
        if (r < 0)
                return vctl_fail_api(_("failed to wipe vol %s"), name);
        printf(_("Vol %s wiped\n"), name);
        return 0;
}

static int vol_resize_run(int argc, char **argv)
{
        VCTL_PARSE_ARGS(vctl_cmd_vol_resize, 2, 2);
        const char *cap_s = vctl_arg_pos(&args, 1);
        unsigned int flags = 0;
        unsigned long long cap;
        vctl_storage_vol *vol;
        g_autofree char *name = NULL;
        int r;

        if (cap_s[0] == '-') {
                /* virsh: a negative size shrinks by that much */
                flags |= VCTL_STORAGE_VOL_RESIZE_DELTA;
                cap_s++;
        }
        if (size_arg(cap_s, "capacity", &cap))
                return 1;
        if (vctl_arg_flag(&args, "--delta"))
                flags |= VCTL_STORAGE_VOL_RESIZE_DELTA;
        if (vctl_arg_flag(&args, "--allocate"))
                flags |= VCTL_STORAGE_VOL_RESIZE_ALLOCATE;
        if (vctl_arg_flag(&args, "--shrink"))
                flags |= VCTL_STORAGE_VOL_RESIZE_SHRINK;
        if (!(vol = vol_from_args(&args)))
                return 1;
        name = g_strdup(vctl_storage_vol_get_name(vol));
        r = vctl_storage_vol_resize(vol, cap, flags);
        vctl_storage_vol_free(vol);
        if (r < 0)
                return vctl_fail_api(_("failed to change size of volume '%s' to %s"), name,
                                     vctl_arg_pos(&args, 1));
        printf(_("Size of volume '%s' successfully changed to %s\n\n"), name,
               vctl_arg_pos(&args, 1));
        return 0;
}

/* ---- info, dumpxml, path ---- */

static int vol_info_run(int argc, char **argv)
{
        VCTL_PARSE_ARGS(vctl_cmd_vol_info, 1, 1);
        vctl_storage_vol_info info = {0};
        gboolean bytes = vctl_arg_flag(&args, "--bytes");
        g_autofree char *cap = NULL, *alloc = NULL;
        vctl_storage_vol *vol;

        if (!(vol = vol_from_args(&args)))
                return 1;
        if (vctl_storage_vol_get_info(vol, &info) < 0) {
                vctl_storage_vol_free(vol);
                return vctl_fail_api(_("failed to get volume information"));
        }
        if (vctl_arg_flag(&args, "--json")) {
                g_autoptr(JsonBuilder) b = json_builder_new();

                vol_json_add(b, vol, &info, TRUE);
                vctl_print_json(b);
                vctl_storage_vol_free(vol);
                return 0;
        }
        cap = bytes ? g_strdup_printf("%llu bytes", info.capacity)
                    : vctl_pretty_size(info.capacity);
        alloc = bytes ? g_strdup_printf("%llu bytes", info.allocation)
                      : vctl_pretty_size(info.allocation);
        vctl_print_field("Name:", "%s", vctl_storage_vol_get_name(vol));
        vctl_print_field("Type:", "%s", vctl_storage_vol_type_name(info.type));
        vctl_print_field("Capacity:", "%s", cap);
        vctl_print_field("Allocation:", "%s", alloc);
        putchar('\n');
        vctl_storage_vol_free(vol);
        return 0;
}

static int vol_dumpxml_run(int argc, char **argv)
{
        VCTL_PARSE_ARGS(vctl_cmd_vol_dumpxml, 1, 1);
        g_autofree char *xml = NULL;
        vctl_storage_vol *vol;

        if (!(vol = vol_from_args(&args)))
                return 1;
        xml = vctl_storage_vol_get_xml_desc(vol, 0);
        vctl_storage_vol_free(vol);
        if (!xml)
                return vctl_fail_api(_("failed to get the volume's XML"));
        fputs(xml, stdout);
        return 0;
}

static int vol_path_run(int argc, char **argv)
{
        VCTL_PARSE_ARGS(vctl_cmd_vol_path, 1, 1);
        g_autofree char *path = NULL;
        vctl_storage_vol *vol;

        if (!(vol = vol_from_args(&args)))
                return 1;
        path = vctl_storage_vol_get_path(vol);
        vctl_storage_vol_free(vol);
        if (!path)
                return vctl_fail_api(_("failed to get the volume's path"));
        printf("%s\n", path);
        return 0;
}

static const char *const list_opts[] = {"--pool=", "--details", "--json", NULL};
static const char *const no_opts[] = {NULL};
static const char *const create_as_opts[] = {
        "--allocation=",         "--format=",   "--backing-vol=",
        "--backing-vol-format=", "--print-xml", NULL};
static const char *const pool_opt[] = {"--pool=", NULL};
static const char *const delete_opts[] = {"--pool=", "--wipe-storage", NULL};
static const char *const wipe_opts[] = {"--pool=", "--algorithm=", NULL};
static const char *const resize_opts[] = {"--pool=", "--allocate", "--delta", "--shrink", NULL};
static const char *const info_opts[] = {"--pool=", "--bytes", "--json", NULL};

const vctl_cmd vctl_cmd_vol_list = {
        "vol-list", "POOL [--details] [--json]", "list the volumes of a pool", NULL, vol_list_run,
        list_opts};
const vctl_cmd vctl_cmd_vol_create = {
        "vol-create", "POOL FILE",    "create a volume from an XML file",
        NULL,         vol_create_run, no_opts};
const vctl_cmd vctl_cmd_vol_create_as = {
        "vol-create-as",
        "POOL NAME CAPACITY [--allocation SIZE] [--format raw|qcow2] [--backing-vol VOL] "
        "[--backing-vol-format raw|qcow2] [--print-xml]",
        "create a volume from arguments",
        "  CAPACITY    a size, as in 10G or 512MiB\n"
        "  --format    raw (sparse, the default) or qcow2\n"
        "  --backing-vol  a qcow2 overlay on this volume (by name in POOL, key or path)",
        vol_create_as_run,
        create_as_opts};
const vctl_cmd vctl_cmd_vol_clone = {
        "vol-clone", "VOL NEWNAME [--pool POOL]", "copy a volume in its pool", NULL, vol_clone_run,
        pool_opt};
const vctl_cmd vctl_cmd_vol_delete = {"vol-delete",      "VOL [--pool POOL] [--wipe-storage]",
                                      "delete a volume", NULL,
                                      vol_delete_run,    delete_opts};
const vctl_cmd vctl_cmd_vol_wipe = {"vol-wipe",
                                    "VOL [--pool POOL] [--algorithm zero]",
                                    "overwrite a volume's data with zeros",
                                    NULL,
                                    vol_wipe_run,
                                    wipe_opts};
const vctl_cmd vctl_cmd_vol_resize = {
        "vol-resize",
        "VOL CAPACITY [--pool POOL] [--allocate] [--delta] [--shrink]",
        "change a volume's capacity (shrinking needs --shrink)",
        NULL,
        vol_resize_run,
        resize_opts};
const vctl_cmd vctl_cmd_vol_info = {"vol-info",
                                    "VOL [--pool POOL] [--bytes] [--json]",
                                    "show a volume's type and sizes",
                                    NULL,
                                    vol_info_run,
                                    info_opts};
const vctl_cmd vctl_cmd_vol_dumpxml = {"vol-dumpxml", "VOL [--pool POOL]", "print a volume's XML",
                                       NULL,          vol_dumpxml_run,     pool_opt};
const vctl_cmd vctl_cmd_vol_path = {"vol-path", "VOL [--pool POOL]", "print a volume's path",
                                    NULL,       vol_path_run,        pool_opt};
