/* What a domain is and how it is: list, dumpxml, dominfo, domstate, domid,
 * domuuid, domname, autostart. Layouts are virsh's; listings take --json. */
#include "config.h"

#include "vctl.h"
#include "lib/util/i18n.h"

#include <stdio.h>
#include <string.h>

/* The domain named by the first argument, on the connection; NULL after an error. */
static vctl_domain *info_domain(const vctl_args *args)
{
        vctl_conn *conn = vctl_connect();

        return conn ? vctl_domain_arg(conn, vctl_arg_pos(args, 0)) : NULL;
}

/* ---- list ---- */

/* virsh's order: running domains by id, then the others by name */
static gint list_compare(gconstpointer a, gconstpointer b)
{
        const vctl_domain *da = *(vctl_domain *const *)a, *db = *(vctl_domain *const *)b;
        int ia = vctl_domain_get_id(da), ib = vctl_domain_get_id(db);

        if (ia >= 0 && ib >= 0)
                return ia < ib ? -1 : ia > ib;
        if (ia >= 0 || ib >= 0)
                return ia >= 0 ? -1 : 1;
        return strcmp(vctl_domain_get_name(da), vctl_domain_get_name(db));
}

static void list_json_add(JsonBuilder *b, vctl_domain *dom)
{
        char uuid[VCTL_UUID_STRING_BUFLEN];
        int state = 0, reason = 0, autostart = 0, id = vctl_domain_get_id(dom);

        vctl_domain_get_uuid_string(dom, uuid);
        vctl_domain_get_state(dom, &state, &reason);
        vctl_domain_get_autostart(dom, &autostart);
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "id");
        if (id >= 0)
                json_builder_add_int_value(b, id);
        else
                json_builder_add_null_value(b);
        json_builder_set_member_name(b, "name");
        json_builder_add_string_value(b, vctl_domain_get_name(dom));
        json_builder_set_member_name(b, "uuid");
        json_builder_add_string_value(b, uuid);
        json_builder_set_member_name(b, "state");
        json_builder_add_string_value(b, vctl_domain_state_name(state));
        json_builder_set_member_name(b, "reason");
        json_builder_add_string_value(b, vctl_domain_state_reason_name(state, reason));
        json_builder_set_member_name(b, "persistent");
        json_builder_add_boolean_value(b, vctl_domain_is_persistent(dom) == 1);
        json_builder_set_member_name(b, "autostart");
        json_builder_add_boolean_value(b, autostart == 1);
        json_builder_end_object(b);
}

static int list_run(int argc, char **argv)
{
        VCTL_PARSE_ARGS(vctl_cmd_list, 0, 0);
        vctl_domain **doms = NULL;
        unsigned int flags = VCTL_LIST_DOMAINS_ACTIVE;
        gboolean names = vctl_arg_flag(&args, "--name"), uuids = vctl_arg_flag(&args, "--uuid");
        vctl_conn *conn;
        int n;

        if (vctl_arg_flag(&args, "--all"))
                flags = 0;
        else if (vctl_arg_flag(&args, "--inactive"))
                flags = VCTL_LIST_DOMAINS_INACTIVE;
        if (!(conn = vctl_connect()))
                return 1;
        n = vctl_conn_list_all_domains(conn, &doms, flags);
        if (n < 0)
                return vctl_fail_api(_("cannot list the domains"));
        qsort(doms, (size_t)n, sizeof(*doms), list_compare);

        if (vctl_arg_flag(&args, "--json")) {
                g_autoptr(JsonBuilder) b = json_builder_new();

                json_builder_begin_array(b);
                for (int i = 0; i < n; i++)
                        list_json_add(b, doms[i]);
                json_builder_end_array(b);
                vctl_print_json(b);
        } else if (names || uuids) {
                for (int i = 0; i < n; i++) {
                        char uuid[VCTL_UUID_STRING_BUFLEN];

                        vctl_domain_get_uuid_string(doms[i], uuid);
                        if (names && uuids)
                                printf("%s %s\n", uuid, vctl_domain_get_name(doms[i]));
                        else
                                printf("%s\n", names ? vctl_domain_get_name(doms[i]) : uuid);
                }
                putchar('\n');
        } else {
                g_autoptr(vctl_table) t = vctl_table_new(_("Id"), _("Name"), _("State"), NULL);

                for (int i = 0; i < n; i++) {
                        g_autofree char *id = NULL;
                        int state = 0, reason = 0;

                        if (vctl_domain_get_id(doms[i]) >= 0)
                                id = g_strdup_printf("%d", vctl_domain_get_id(doms[i]));
                        if (vctl_domain_get_state(doms[i], &state, &reason) < 0)
                                state = VCTL_DOMAIN_NOSTATE; /* gone meanwhile */
                        vctl_table_add_row(t, id ? id : "-", vctl_domain_get_name(doms[i]),
                                           _(vctl_domain_state_name(state)), NULL);
                }
                vctl_table_print(t);
        }
        vctl_domain_list_free(doms);
        return 0;
}

/* ---- dumpxml ---- */

static int dumpxml_run(int argc, char **argv)
{
        VCTL_PARSE_ARGS(vctl_cmd_dumpxml, 1, 1);
        g_autofree char *xml = NULL;
        unsigned int flags = 0;
        vctl_domain *dom;

        if (vctl_arg_flag(&args, "--inactive"))
                flags |= VCTL_DOMAIN_XML_INACTIVE;
        if (vctl_arg_flag(&args, "--security-info"))
                flags |= VCTL_DOMAIN_XML_SECURE;
        if (!(dom = info_domain(&args)))
                return 1;
        xml = vctl_domain_get_xml_desc(dom, flags);
        if (!xml) {
                int r = vctl_fail_api(_("cannot get the XML of domain '%s'"),
                                      vctl_domain_get_name(dom));

                vctl_domain_free(dom);
                return r;
        }
        vctl_domain_free(dom);
        fputs(xml, stdout);
        if (!g_str_has_suffix(xml, "\n"))
                putchar('\n');
        return 0;
}

/* ---- dominfo ---- */

/* The <os><type> of a definition ("hvm"), or NULL. */
static char *dominfo_os_type(const char *xml)
{
        g_autoptr(GRegex) re = g_regex_new("<os\\b.*?<type\\b[^>]*>\\s*([^<\\s]+)\\s*</type>",
                                           G_REGEX_DOTALL, 0, NULL);
        g_autoptr(GMatchInfo) m = NULL;

        if (re && g_regex_match(re, xml, 0, &m))
                return g_match_info_fetch(m, 1);
        return NULL;
}

static void dominfo_json(vctl_domain *dom, const char *uuid, const char *os,
                         const vctl_domain_info *info, int persistent, int autostart)
{
        g_autoptr(JsonBuilder) b = json_builder_new();
        int id = vctl_domain_get_id(dom);

        json_builder_begin_object(b);
        json_builder_set_member_name(b, "id");
        if (id >= 0)
                json_builder_add_int_value(b, id);
        else
                json_builder_add_null_value(b);
        json_builder_set_member_name(b, "name");
        json_builder_add_string_value(b, vctl_domain_get_name(dom));
        json_builder_set_member_name(b, "uuid");
        json_builder_add_string_value(b, uuid);
        json_builder_set_member_name(b, "os_type");
        json_builder_add_string_value(b, os);
        json_builder_set_member_name(b, "state");
        json_builder_add_string_value(b, vctl_domain_state_name((int)info->state));
        json_builder_set_member_name(b, "vcpus");
        json_builder_add_int_value(b, info->nr_vcpus);
        json_builder_set_member_name(b, "cpu_time_ns");
        json_builder_add_int_value(b, (gint64)info->cpu_time_ns);
        json_builder_set_member_name(b, "max_memory_kib");
        json_builder_add_int_value(b, (gint64)info->max_mem_kib);
        json_builder_set_member_name(b, "used_memory_kib");
        json_builder_add_int_value(b, (gint64)info->memory_kib);
        json_builder_set_member_name(b, "persistent");
        json_builder_add_boolean_value(b, persistent == 1);
        json_builder_set_member_name(b, "autostart");
        json_builder_add_boolean_value(b, autostart == 1);
        json_builder_end_object(b);
        vctl_print_json(b);
}

static int dominfo_run(int argc, char **argv)
{
        VCTL_PARSE_ARGS(vctl_cmd_dominfo, 1, 1);
        char uuid[VCTL_UUID_STRING_BUFLEN];
        g_autofree char *xml = NULL, *os = NULL;
        vctl_domain_info info;
        int persistent, autostart = 0, id, r = 1;
        vctl_domain *dom;

        if (!(dom = info_domain(&args)))
                return 1;
        if (vctl_domain_get_info(dom, &info) < 0 || !(xml = vctl_domain_get_xml_desc(dom, 0)) ||
            (persistent = vctl_domain_is_persistent(dom)) < 0 ||
            vctl_domain_get_autostart(dom, &autostart) < 0) {
                r = vctl_fail_api(_("cannot get the information of domain '%s'"),
                                  vctl_domain_get_name(dom));
                goto out;
        }
        os = dominfo_os_type(xml);
        vctl_domain_get_uuid_string(dom, uuid);
        id = vctl_domain_get_id(dom);
        r = 0;
        if (vctl_arg_flag(&args, "--json")) {
                dominfo_json(dom, uuid, os ? os : "unknown", &info, persistent, autostart);
                goto out;
        }
        if (id >= 0)
                vctl_print_field(_("Id:"), "%d", id);
        else
                vctl_print_field(_("Id:"), "-");
        vctl_print_field(_("Name:"), "%s", vctl_domain_get_name(dom));
        vctl_print_field(_("UUID:"), "%s", uuid);
        vctl_print_field(_("OS Type:"), "%s", os ? os : "unknown");
        vctl_print_field(_("State:"), "%s", _(vctl_domain_state_name((int)info.state)));
        vctl_print_field(_("CPU(s):"), "%u", info.nr_vcpus);
        if (id >= 0 && info.cpu_time_ns)
                vctl_print_field(_("CPU time:"), "%.1lfs", (double)info.cpu_time_ns / 1e9);
        vctl_print_field(_("Max memory:"), _("%llu KiB"), info.max_mem_kib);
        vctl_print_field(_("Used memory:"), _("%llu KiB"), info.memory_kib);
        vctl_print_field(_("Persistent:"), "%s", persistent ? _("yes") : _("no"));
        vctl_print_field(_("Autostart:"), "%s", autostart ? _("enable") : _("disable"));
        putchar('\n');
out:
        vctl_domain_free(dom);
        return r;
}

/* ---- domstate, domid, domuuid, domname ---- */

static int domstate_run(int argc, char **argv)
{
        VCTL_PARSE_ARGS(vctl_cmd_domstate, 1, 1);
        int state, reason, r = 0;
        vctl_domain *dom;

        if (!(dom = info_domain(&args)))
                return 1;
        if (vctl_domain_get_state(dom, &state, &reason) < 0)
                r = vctl_fail_api(_("cannot get the state of domain '%s'"),
                                  vctl_domain_get_name(dom));
        else if (vctl_arg_flag(&args, "--reason"))
                printf("%s (%s)\n\n", _(vctl_domain_state_name(state)),
                       _(vctl_domain_state_reason_name(state, reason)));
        else
                printf("%s\n\n", _(vctl_domain_state_name(state)));
        vctl_domain_free(dom);
        return r;
}

typedef enum { SHOW_ID, SHOW_UUID, SHOW_NAME } show_what;

static int show_one(const vctl_cmd *cmd, show_what what, int argc, char **argv)
{
        VCTL_PARSE_ARGS(*cmd, 1, 1);
        char uuid[VCTL_UUID_STRING_BUFLEN];
        vctl_domain *dom;

        if (!(dom = info_domain(&args)))
                return 1;
        if (what == SHOW_ID && vctl_domain_get_id(dom) >= 0)
                printf("%d\n\n", vctl_domain_get_id(dom));
        else if (what == SHOW_ID)
                printf("-\n\n");
        else if (what == SHOW_UUID && vctl_domain_get_uuid_string(dom, uuid) == 0)
                printf("%s\n\n", uuid);
        else
                printf("%s\n\n", vctl_domain_get_name(dom));
        vctl_domain_free(dom);
        return 0;
}

/* ---- autostart ---- */

static int autostart_run(int argc, char **argv)
{
        VCTL_PARSE_ARGS(vctl_cmd_autostart, 1, 1);
        gboolean off = vctl_arg_flag(&args, "--disable");
        vctl_domain *dom;
        int r = 0;

        if (!(dom = info_domain(&args)))
                return 1;
        if (vctl_domain_set_autostart(dom, off ? 0 : 1) < 0)
                r = vctl_fail_api(off ? _("cannot disable autostart of domain '%s'")
                                      : _("cannot enable autostart of domain '%s'"),
                                  vctl_domain_get_name(dom));
        else
                printf(off ? _("Domain '%s' unmarked as autostarted\n\n")
                           : _("Domain '%s' marked as autostarted\n\n"),
                       vctl_domain_get_name(dom));
        vctl_domain_free(dom);
        return r;
}

/* ---- the table ---- */

static const char *const list_options[] = {"--all",  "--inactive", "--name",
                                           "--uuid", "--json",     NULL};
static const char *const dumpxml_options[] = {"--inactive", "--security-info", NULL};
static const char *const dominfo_options[] = {"--json", NULL};
static const char *const domstate_options[] = {"--reason", NULL};
static const char *const autostart_options[] = {"--disable", NULL};
static const char *const no_options[] = {NULL};

const vctl_cmd vctl_cmd_list = {
        .name = "list",
        .synopsis = "[--all | --inactive] [--name | --uuid | --json]",
        .summary = N_("list the running domains (--all: every domain)"),
        .help = N_("  --all       running and defined domains\n"
                   "  --inactive  only the domains that are not running\n"
                   "  --name      one name per line;  --uuid: one UUID per line\n"
                   "  --json      a JSON array of {id, name, uuid, state, reason, persistent,\n"
                   "              autostart}"),
        .run = list_run,
        .options = list_options,
};

const vctl_cmd vctl_cmd_dumpxml = {
        .name = "dumpxml",
        .synopsis = "DOMAIN [--inactive] [--security-info]",
        .summary = N_("print a domain's XML definition"),
        .help = N_("  --inactive  the definition the next start uses, not the running one"),
        .run = dumpxml_run,
        .options = dumpxml_options,
};

const vctl_cmd vctl_cmd_dominfo = {
        .name = "dominfo",
        .synopsis = "DOMAIN [--json]",
        .summary = N_("show a domain's id, UUID, state, CPUs and memory"),
        .run = dominfo_run,
        .options = dominfo_options,
};

const vctl_cmd vctl_cmd_domstate = {
        .name = "domstate",
        .synopsis = "DOMAIN [--reason]",
        .summary = N_("show a domain's state (and why it is in it)"),
        .run = domstate_run,
        .options = domstate_options,
};

VCTL_CMD_CALLING(domid, show_one, SHOW_ID, .name = "domid", .synopsis = "DOMAIN",
                 .summary = N_("show a domain's id ('-' when not running)"), .options = no_options);

VCTL_CMD_CALLING(domuuid, show_one, SHOW_UUID, .name = "domuuid", .synopsis = "DOMAIN",
                 .summary = N_("show a domain's UUID"), .options = no_options);

VCTL_CMD_CALLING(domname, show_one, SHOW_NAME, .name = "domname", .synopsis = "DOMAIN",
                 .summary = N_("show a domain's name (from its id or UUID)"),
                 .options = no_options);

const vctl_cmd vctl_cmd_autostart = {
        .name = "autostart",
        .synopsis = "DOMAIN [--disable]",
        .summary = N_("start a domain when the host boots (--disable: do not)"),
        .run = autostart_run,
        .options = autostart_options,
};
