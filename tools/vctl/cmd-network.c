/* Virtual networks: net-list, net-define, net-create, net-start,
 * net-destroy, net-undefine, net-dumpxml, net-info, net-autostart,
 * net-dhcp-leases; and a domain's interfaces: domiflist, domifaddr.
 * Names, messages and columns are virsh's; --json where virsh has a table. */
#include "config.h"

#include "vctl.h"
#include "conf/domain_conf.h"
#include "lib/util/i18n.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static void net_freep(vctl_network **p)
{
        vctl_network_free(*p);
}
#define g_autonet __attribute__((cleanup(net_freep)))

/* A network by UUID or name (virsh's order); NULL after printing the error. */
static vctl_network *net_arg(const char *arg)
{
        vctl_conn *conn = vctl_connect();
        vctl_network *net = NULL;

        if (!conn)
                return NULL;
        if (strlen(arg) == 36)
                net = vctl_network_lookup_by_uuid_string(conn, arg);
        if (!net)
                net = vctl_network_lookup_by_name(conn, arg);
        if (!net)
                vctl_fail(_("failed to get network '%s': %s"), arg, vctl_last_error_message());
        return net;
}

static const char *yes_no(int v)
{
        return v > 0 ? "yes" : "no";
}

/* ---- net-list ---- */

static gint net_compare(gconstpointer a, gconstpointer b)
{
        return strcmp(vctl_network_get_name(*(vctl_network *const *)a),
                      vctl_network_get_name(*(vctl_network *const *)b));
}

static int net_list_run(int argc, char **argv);
static const char *const net_list_options[] = {"--all",  "--inactive", "--name",
                                               "--uuid", "--json",     NULL};
const vctl_cmd vctl_cmd_net_list = {
        .name = "net-list",
        .synopsis = "[--all | --inactive] [--name | --uuid | --json]",
        .summary = "list the active (or all) virtual networks",
        .run = net_list_run,
        .options = net_list_options,
};

static int net_list_run(int argc, char **argv)
{
        VCTL_PARSE_ARGS(vctl_cmd_net_list, 0, 0);
        unsigned int flags = VCTL_LIST_NETWORKS_ACTIVE;
        vctl_network **nets = NULL;
        vctl_conn *conn;
        int n;

        if (vctl_arg_flag(&args, "--all"))
                flags = 0;
        else if (vctl_arg_flag(&args, "--inactive"))
                flags = VCTL_LIST_NETWORKS_INACTIVE;
        if (!(conn = vctl_connect()))
                return 1;
        n = vctl_conn_list_all_networks(conn, &nets, flags);
        if (n < 0)
                return vctl_fail_api(_("failed to list networks"));
        qsort(nets, (size_t)n, sizeof(*nets), net_compare);
        if (vctl_arg_flag(&args, "--json")) {
                g_autoptr(JsonBuilder) b = json_builder_new();

                json_builder_begin_array(b);
                for (int i = 0; i < n; i++) {
                        char uuid[VCTL_UUID_STRING_BUFLEN];
                        int autostart = 0;
                        g_autofree char *bridge = vctl_network_get_bridge_name(nets[i]);

                        vctl_network_get_uuid_string(nets[i], uuid);
                        vctl_network_get_autostart(nets[i], &autostart);
                        json_builder_begin_object(b);
                        json_builder_set_member_name(b, "name");
                        json_builder_add_string_value(b, vctl_network_get_name(nets[i]));
                        json_builder_set_member_name(b, "uuid");
                        json_builder_add_string_value(b, uuid);
                        json_builder_set_member_name(b, "active");
                        json_builder_add_boolean_value(b, vctl_network_is_active(nets[i]) == 1);
                        json_builder_set_member_name(b, "autostart");
                        json_builder_add_boolean_value(b, autostart == 1);
                        json_builder_set_member_name(b, "persistent");
                        json_builder_add_boolean_value(b, vctl_network_is_persistent(nets[i]) == 1);
                        json_builder_set_member_name(b, "bridge");
                        if (bridge)
                                json_builder_add_string_value(b, bridge);
                        else
                                json_builder_add_null_value(b);
                        json_builder_end_object(b);
                }
                json_builder_end_array(b);
                vctl_print_json(b);
        } else if (vctl_arg_flag(&args, "--name") || vctl_arg_flag(&args, "--uuid")) {
                for (int i = 0; i < n; i++) {
                        char uuid[VCTL_UUID_STRING_BUFLEN];

                        vctl_network_get_uuid_string(nets[i], uuid);
                        printf("%s\n", vctl_arg_flag(&args, "--name")
                                               ? vctl_network_get_name(nets[i])
                                               : uuid);
                }
                putchar('\n');
        } else {
                g_autoptr(vctl_table) t =
                        vctl_table_new("Name", "State", "Autostart", "Persistent", NULL);

                for (int i = 0; i < n; i++) {
                        int autostart = 0;
                        int active = vctl_network_is_active(nets[i]);

                        vctl_network_get_autostart(nets[i], &autostart);
                        vctl_table_add_row(t, vctl_network_get_name(nets[i]),
                                           active == 1 ? "active" : "inactive", yes_no(autostart),
                                           yes_no(vctl_network_is_persistent(nets[i])), NULL);
                }
                vctl_table_print(t);
        }
        vctl_network_list_free(nets);
        return 0;
}

/* ---- net-define / net-create ---- */

static int net_from_file(const vctl_cmd *cmd, gboolean create, int argc, char **argv)
{
        VCTL_PARSE_ARGS(*cmd, 1, 1);
        g_autofree char *xml = NULL;
        g_autonet vctl_network *net = NULL;
        const char *file = vctl_arg_pos(&args, 0);
        vctl_conn *conn;

        if (!(xml = vctl_read_file(file)) || !(conn = vctl_connect()))
                return 1;
        net = create ? vctl_network_create_xml(conn, xml, 0)
                     : vctl_network_define_xml(conn, xml, 0);
        if (!net)
                return vctl_fail_api(create ? _("Failed to create network from %s")
                                            : _("Failed to define network from %s"),
                                     file);
        printf(create ? _("Network %s created from %s\n\n") : _("Network %s defined from %s\n\n"),
               vctl_network_get_name(net), file);
        return 0;
}

static const char *const no_options[] = {NULL};
VCTL_CMD_CALLING(net_define, net_from_file, FALSE, .name = "net-define", .synopsis = "FILE",
                 .summary = "define (but do not start) a network from an XML file",
                 .options = no_options);
VCTL_CMD_CALLING(net_create, net_from_file, TRUE, .name = "net-create", .synopsis = "FILE",
                 .summary = "create and start a transient network from an XML file",
                 .options = no_options);

/* ---- one action on one network ---- */

typedef enum { NET_START, NET_DESTROY, NET_UNDEFINE } net_action;

static int net_action_run(const vctl_cmd *cmd, net_action act, int argc, char **argv)
{
        VCTL_PARSE_ARGS(*cmd, 1, 1);
        g_autonet vctl_network *net = net_arg(vctl_arg_pos(&args, 0));
        int r;

        if (!net)
                return 1;
        switch (act) {
        case NET_START:
                r = vctl_network_create(net);
                if (r < 0)
                        return vctl_fail_api(_("failed to start network %s"),
                                             vctl_network_get_name(net));
                printf(_("Network %s started\n\n"), vctl_network_get_name(net));
                break;
        case NET_DESTROY:
                r = vctl_network_destroy(net);
                if (r < 0)
                        return vctl_fail_api(_("failed to destroy network %s"),
                                             vctl_network_get_name(net));
                printf(_("Network %s destroyed\n\n"), vctl_network_get_name(net));
                break;
        case NET_UNDEFINE:
                r = vctl_network_undefine(net);
                if (r < 0)
                        return vctl_fail_api(_("failed to undefine network %s"),
                                             vctl_network_get_name(net));
                printf(_("Network %s has been undefined\n\n"), vctl_network_get_name(net));
                break;
        }
        return 0;
}

VCTL_CMD_CALLING(net_start, net_action_run, NET_START, .name = "net-start", .synopsis = "NETWORK",
                 .summary = "start a defined network (bridge, firewall, DHCP/DNS)",
                 .options = no_options);
VCTL_CMD_CALLING(net_destroy, net_action_run, NET_DESTROY, .name = "net-destroy",
                 .synopsis = "NETWORK",
                 .summary = "stop a network, removing what starting it created",
                 .options = no_options);
VCTL_CMD_CALLING(net_undefine, net_action_run, NET_UNDEFINE, .name = "net-undefine",
                 .synopsis = "NETWORK", .summary = "remove a network's definition",
                 .options = no_options);

/* ---- net-dumpxml, net-info, net-autostart ---- */

static int net_dumpxml_run(int argc, char **argv);
static const char *const net_dumpxml_options[] = {"--inactive", NULL};
const vctl_cmd vctl_cmd_net_dumpxml = {
        .name = "net-dumpxml",
        .synopsis = "NETWORK [--inactive]",
        .summary = "print a network's XML definition",
        .help = "  --inactive  the definition the next start uses, not the running one",
        .run = net_dumpxml_run,
        .options = net_dumpxml_options,
};

static int net_dumpxml_run(int argc, char **argv)
{
        VCTL_PARSE_ARGS(vctl_cmd_net_dumpxml, 1, 1);
        g_autonet vctl_network *net = net_arg(vctl_arg_pos(&args, 0));
        g_autofree char *xml = NULL;

        if (!net)
                return 1;
        xml = vctl_network_get_xml_desc(
                net, vctl_arg_flag(&args, "--inactive") ? VCTL_NETWORK_XML_INACTIVE : 0);
        if (!xml)
                return vctl_fail_api(_("failed to get the XML of network %s"),
                                     vctl_network_get_name(net));
        fputs(xml, stdout);
        return 0;
}

static int net_info_run(int argc, char **argv);
static const char *const json_options[] = {"--json", NULL};
const vctl_cmd vctl_cmd_net_info = {
        .name = "net-info",
        .synopsis = "NETWORK [--json]",
        .summary = "show a network's UUID, state, autostart and bridge",
        .run = net_info_run,
        .options = json_options,
};

static int net_info_run(int argc, char **argv)
{
        VCTL_PARSE_ARGS(vctl_cmd_net_info, 1, 1);
        g_autonet vctl_network *net = net_arg(vctl_arg_pos(&args, 0));
        g_autofree char *bridge = NULL;
        char uuid[VCTL_UUID_STRING_BUFLEN];
        int active, persistent, autostart = 0;

        if (!net)
                return 1;
        vctl_network_get_uuid_string(net, uuid);
        active = vctl_network_is_active(net);
        persistent = vctl_network_is_persistent(net);
        if (active < 0 || persistent < 0 || vctl_network_get_autostart(net, &autostart) < 0)
                return vctl_fail_api(_("failed to get information on network %s"),
                                     vctl_network_get_name(net));
        bridge = vctl_network_get_bridge_name(net);
        if (vctl_arg_flag(&args, "--json")) {
                g_autoptr(JsonBuilder) b = json_builder_new();

                json_builder_begin_object(b);
                json_builder_set_member_name(b, "name");
                json_builder_add_string_value(b, vctl_network_get_name(net));
                json_builder_set_member_name(b, "uuid");
                json_builder_add_string_value(b, uuid);
                json_builder_set_member_name(b, "active");
                json_builder_add_boolean_value(b, active == 1);
                json_builder_set_member_name(b, "persistent");
                json_builder_add_boolean_value(b, persistent == 1);
                json_builder_set_member_name(b, "autostart");
                json_builder_add_boolean_value(b, autostart == 1);
                json_builder_set_member_name(b, "bridge");
                if (bridge)
                        json_builder_add_string_value(b, bridge);
                else
                        json_builder_add_null_value(b);
                json_builder_end_object(b);
                vctl_print_json(b);
                return 0;
        }
        vctl_print_field("Name:", "%s", vctl_network_get_name(net));
        vctl_print_field("UUID:", "%s", uuid);
        vctl_print_field("Active:", "%s", yes_no(active));
        vctl_print_field("Persistent:", "%s", yes_no(persistent));
        vctl_print_field("Autostart:", "%s", yes_no(autostart));
        if (bridge)
                vctl_print_field("Bridge:", "%s", bridge);
        putchar('\n');
        return 0;
}

static int net_autostart_run(int argc, char **argv);
static const char *const net_autostart_options[] = {"--disable", NULL};
const vctl_cmd vctl_cmd_net_autostart = {
        .name = "net-autostart",
        .synopsis = "NETWORK [--disable]",
        .summary = "start a network (or not) when vctld starts",
        .run = net_autostart_run,
        .options = net_autostart_options,
};

static int net_autostart_run(int argc, char **argv)
{
        VCTL_PARSE_ARGS(vctl_cmd_net_autostart, 1, 1);
        g_autonet vctl_network *net = net_arg(vctl_arg_pos(&args, 0));
        gboolean off = vctl_arg_flag(&args, "--disable");

        if (!net)
                return 1;
        if (vctl_network_set_autostart(net, off ? 0 : 1) < 0)
                return vctl_fail_api(off ? _("failed to unmark network %s as autostarted")
                                         : _("failed to mark network %s as autostarted"),
                                     vctl_network_get_name(net));
        printf(off ? _("Network %s unmarked as autostarted\n\n")
                   : _("Network %s marked as autostarted\n\n"),
               vctl_network_get_name(net));
        return 0;
}

/* ---- net-dhcp-leases ---- */

static int net_leases_run(int argc, char **argv);
static const char *const net_leases_options[] = {"--mac=", "--json", NULL};
const vctl_cmd vctl_cmd_net_dhcp_leases = {
        .name = "net-dhcp-leases",
        .synopsis = "NETWORK [--mac MAC] [--json]",
        .summary = "show the DHCP leases dnsmasq handed out on a network",
        .run = net_leases_run,
        .options = net_leases_options,
};

static int net_leases_run(int argc, char **argv)
{
        VCTL_PARSE_ARGS(vctl_cmd_net_dhcp_leases, 1, 1);
        g_autonet vctl_network *net = net_arg(vctl_arg_pos(&args, 0));
        vctl_network_lease **leases = NULL;
        int n;

        if (!net)
                return 1;
        n = vctl_network_get_dhcp_leases(net, vctl_arg_value(&args, "--mac"), &leases, 0);
        if (n < 0)
                return vctl_fail_api(_("failed to get leases for network %s"),
                                     vctl_network_get_name(net));
        if (vctl_arg_flag(&args, "--json")) {
                g_autoptr(JsonBuilder) b = json_builder_new();

                json_builder_begin_array(b);
                for (int i = 0; i < n; i++) {
                        const vctl_network_lease *l = leases[i];

                        json_builder_begin_object(b);
                        json_builder_set_member_name(b, "expiry_time");
                        json_builder_add_int_value(b, l->expiry_time);
                        json_builder_set_member_name(b, "mac");
                        json_builder_add_string_value(b, l->mac ? l->mac : "");
                        json_builder_set_member_name(b, "protocol");
                        json_builder_add_string_value(b, l->type ? "ipv6" : "ipv4");
                        json_builder_set_member_name(b, "ip");
                        json_builder_add_string_value(b, l->ipaddr);
                        json_builder_set_member_name(b, "prefix");
                        json_builder_add_int_value(b, l->prefix);
                        json_builder_set_member_name(b, "hostname");
                        if (l->hostname)
                                json_builder_add_string_value(b, l->hostname);
                        else
                                json_builder_add_null_value(b);
                        json_builder_set_member_name(b, "clientid");
                        if (l->clientid)
                                json_builder_add_string_value(b, l->clientid);
                        else
                                json_builder_add_null_value(b);
                        json_builder_end_object(b);
                }
                json_builder_end_array(b);
                vctl_print_json(b);
        } else {
                g_autoptr(vctl_table) t =
                        vctl_table_new("Expiry Time", "MAC address", "Protocol", "IP address",
                                       "Hostname", "Client ID or DUID", NULL);

                for (int i = 0; i < n; i++) {
                        const vctl_network_lease *l = leases[i];
                        g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local(l->expiry_time);
                        g_autofree char *when =
                                dt ? g_date_time_format(dt, "%Y-%m-%d %H:%M:%S") : g_strdup("-");
                        g_autofree char *ip = g_strdup_printf("%s/%u", l->ipaddr, l->prefix);

                        vctl_table_add_row(t, when, l->mac ? l->mac : "-",
                                           l->type ? "ipv6" : "ipv4", ip,
                                           l->hostname ? l->hostname : "-",
                                           l->clientid ? l->clientid : "-", NULL);
                }
                vctl_table_print(t);
        }
        vctl_network_lease_list_free(leases);
        return 0;
}

/* ---- domiflist, domifaddr ---- */

/* The domain's definition (live when running), parsed; NULL after an error. */
static domain_def *dom_def(vctl_domain *dom)
{
        g_autofree char *xml = vctl_domain_get_xml_desc(dom, 0);
        g_autoptr(GRegex) re = NULL;
        g_autofree char *plain = NULL;
        domain_def *def;

        if (!xml) {
                vctl_fail_api(_("failed to get the XML of domain '%s'"), vctl_domain_get_name(dom));
                return NULL;
        }
        /* a running domain's XML says id='N', which a definition may not */
        re = g_regex_new("^(<domain[^>]*?) id='[0-9]+'", 0, 0, NULL);
        plain = g_regex_replace(re, xml, -1, 0, "\\1", G_REGEX_MATCH_DEFAULT, NULL);
        def = plain ? domain_def_parse(plain, strlen(plain), NULL) : NULL;
        if (!def)
                vctl_fail(_("cannot read the XML of domain '%s': %s"), vctl_domain_get_name(dom),
                          vctl_last_error_message());
        return def;
}

static int domiflist_run(int argc, char **argv);
const vctl_cmd vctl_cmd_domiflist = {
        .name = "domiflist",
        .synopsis = "DOMAIN [--json]",
        .summary = "list a domain's network interfaces",
        .run = domiflist_run,
        .options = json_options,
};

static int domiflist_run(int argc, char **argv)
{
        VCTL_PARSE_ARGS(vctl_cmd_domiflist, 1, 1);
        g_autoptr(domain_def) def = NULL;
        g_autoptr(vctl_table) t = NULL;
        g_autoptr(JsonBuilder) b = NULL;
        gboolean json = vctl_arg_flag(&args, "--json");
        vctl_domain *dom;
        vctl_conn *conn;

        if (!(conn = vctl_connect()) || !(dom = vctl_domain_arg(conn, vctl_arg_pos(&args, 0))))
                return 1;
        def = dom_def(dom);
        vctl_domain_free(dom);
        if (!def)
                return 1;
        if (json) {
                b = json_builder_new();
                json_builder_begin_array(b);
        } else {
                t = vctl_table_new("Interface", "Type", "Source", "Model", "MAC", NULL);
        }
        for (guint i = 0; i < def->devices.nets->len; i++) {
                const domain_net *n = g_ptr_array_index(def->devices.nets, i);
                const char *source = n->type == DOMAIN_NET_NETWORK  ? n->network
                                     : n->type == DOMAIN_NET_BRIDGE ? n->bridge
                                     : n->type == DOMAIN_NET_DIRECT ? n->dev
                                                                    : NULL;
                const char *model =
                        n->model != DOMAIN_NET_MODEL_NONE ? domain_net_model_names[n->model] : NULL;
                char mac[18];

                g_snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", n->mac[0], n->mac[1],
                           n->mac[2], n->mac[3], n->mac[4], n->mac[5]);
                if (json) {
                        json_builder_begin_object(b);
                        json_builder_set_member_name(b, "interface");
                        json_builder_add_string_value(b, n->target_dev ? n->target_dev : "-");
                        json_builder_set_member_name(b, "type");
                        json_builder_add_string_value(b, domain_net_type_names[n->type]);
                        json_builder_set_member_name(b, "source");
                        json_builder_add_string_value(b, source ? source : "-");
                        json_builder_set_member_name(b, "model");
                        json_builder_add_string_value(b, model ? model : "-");
                        json_builder_set_member_name(b, "mac");
                        json_builder_add_string_value(b, mac);
                        json_builder_end_object(b);
                } else {
                        vctl_table_add_row(t, n->target_dev ? n->target_dev : "-",
                                           domain_net_type_names[n->type], source ? source : "-",
                                           model ? model : "-", mac, NULL);
                }
        }
        if (json) {
                json_builder_end_array(b);
                vctl_print_json(b);
        } else {
                vctl_table_print(t);
        }
        return 0;
}

static int domifaddr_run(int argc, char **argv);
static const char *const domifaddr_options[] = {"--source=", "--json", NULL};
const vctl_cmd vctl_cmd_domifaddr = {
        .name = "domifaddr",
        .synopsis = "DOMAIN [--source lease] [--json]",
        .summary = "show the addresses of a running domain's interfaces (from DHCP leases)",
        .run = domifaddr_run,
        .options = domifaddr_options,
};

static int domifaddr_run(int argc, char **argv)
{
        VCTL_PARSE_ARGS(vctl_cmd_domifaddr, 1, 1);
        const char *source = vctl_arg_value(&args, "--source");
        vctl_domain_iface **ifaces = NULL;
        vctl_domain *dom;
        vctl_conn *conn;
        int n;

        if (source && !g_str_equal(source, "lease"))
                return vctl_fail(_("--source '%s' is not supported: vctl knows addresses from "
                                   "DHCP leases only (--source lease)"),
                                 source);
        if (!(conn = vctl_connect()) || !(dom = vctl_domain_arg(conn, vctl_arg_pos(&args, 0))))
                return 1;
        n = vctl_domain_interface_addresses(dom, &ifaces, VCTL_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE,
                                            0);
        if (n < 0) {
                int r = vctl_fail_api(_("failed to query for interfaces addresses of domain '%s'"),
                                      vctl_domain_get_name(dom));

                vctl_domain_free(dom);
                return r;
        }
        vctl_domain_free(dom);
        if (vctl_arg_flag(&args, "--json")) {
                g_autoptr(JsonBuilder) b = json_builder_new();

                json_builder_begin_array(b);
                for (int i = 0; i < n; i++) {
                        json_builder_begin_object(b);
                        json_builder_set_member_name(b, "name");
                        json_builder_add_string_value(b, ifaces[i]->name);
                        json_builder_set_member_name(b, "mac");
                        json_builder_add_string_value(b,
                                                      ifaces[i]->hwaddr ? ifaces[i]->hwaddr : "");
                        json_builder_set_member_name(b, "addresses");
                        json_builder_begin_array(b);
                        for (unsigned int a = 0; a < ifaces[i]->naddrs; a++) {
                                json_builder_begin_object(b);
                                json_builder_set_member_name(b, "protocol");
                                json_builder_add_string_value(b, ifaces[i]->addrs[a].type ? "ipv6"
                                                                                          : "ipv4");
                                json_builder_set_member_name(b, "address");
                                json_builder_add_string_value(b, ifaces[i]->addrs[a].addr);
                                json_builder_set_member_name(b, "prefix");
                                json_builder_add_int_value(b, ifaces[i]->addrs[a].prefix);
                                json_builder_end_object(b);
                        }
                        json_builder_end_array(b);
                        json_builder_end_object(b);
                }
                json_builder_end_array(b);
                vctl_print_json(b);
        } else {
                g_autoptr(vctl_table) t =
                        vctl_table_new("Name", "MAC address", "Protocol", "Address", NULL);

                for (int i = 0; i < n; i++)
                        for (unsigned int a = 0; a < ifaces[i]->naddrs; a++) {
                                g_autofree char *addr =
                                        g_strdup_printf("%s/%u", ifaces[i]->addrs[a].addr,
                                                        ifaces[i]->addrs[a].prefix);

                                /* virsh names an interface on its first line only */
                                vctl_table_add_row(
                                        t, a ? "-" : ifaces[i]->name,
                                        a ? "-" : (ifaces[i]->hwaddr ? ifaces[i]->hwaddr : "-"),
                                        ifaces[i]->addrs[a].type ? "ipv6" : "ipv4", addr, NULL);
                        }
                vctl_table_print(t);
        }
        vctl_domain_iface_list_free(ifaces);
        return 0;
}
