/* The network driver's pieces that need no root: the object store through
 * the test driver's networks (libvirt's seeded 'default', define/start/
 * destroy/undefine, transient rules, name/UUID/bridge clashes, picked bridge
 * names and MACs, autostart, events, listing flags), and the generated
 * nftables rules and dnsmasq configuration of the host's networks. */
#include "config.h"

#include "driver/network/net_services.h"
#include "driver/network/network_driver.h"
#include "lib/util/error.h"

#include <string.h>

static const vctl_network_driver *nd = &vctl_test_network_driver;

#define UUID_A "11111111-2222-3333-4444-555555555555"

static char *net_xml(const char *name, const char *uuid, const char *bridge, const char *sub)
{
        return g_strdup_printf("<network>\n"
                               "  <name>%s</name>\n"
                               "  %s%s%s\n"
                               "  <forward mode='nat'/>\n"
                               "  %s%s%s\n"
                               "  <ip address='%s.1' prefix='24'>\n"
                               "    <dhcp><range start='%s.10' end='%s.20'/></dhcp>\n"
                               "  </ip>\n"
                               "</network>\n",
                               name, uuid ? "<uuid>" : "", uuid ? uuid : "", uuid ? "</uuid>" : "",
                               bridge ? "<bridge name='" : "", bridge ? bridge : "",
                               bridge ? "'/>" : "", sub, sub, sub);
}

static void assert_error(int code, const char *needle)
{
        const vctl_error *err = vctl_error_last();

        g_assert_nonnull(err);
        if (err->code != code || !strstr(err->message, needle))
                g_error("error %d '%s', wanted %d with '%s'", err->code, err->message, code,
                        needle);
        vctl_error_clear();
}

static void test_default(void)
{
        g_autoptr(GPtrArray) all = NULL;
        g_autoptr(drv_network) net = nd->lookup_by_name(NULL, "default");
        g_autofree char *bridge = NULL, *xml = NULL;
        int autostart = -1;

        g_assert_nonnull(net);
        g_assert_cmpint(nd->is_active(NULL, net), ==, 1);
        g_assert_cmpint(nd->is_persistent(NULL, net), ==, 1);
        g_assert_cmpint(nd->get_autostart(NULL, net, &autostart), ==, 0);
        g_assert_cmpint(autostart, ==, 0);
        bridge = nd->get_bridge_name(NULL, net);
        g_assert_cmpstr(bridge, ==, "virbr0");
        xml = nd->get_xml_desc(NULL, net, 0);
        g_assert_nonnull(strstr(xml, "<uuid>dd8fe884-6c02-601e-7551-cca97df1c5df</uuid>"));
        g_assert_nonnull(strstr(xml, "<forward mode='nat'/>"));
        g_assert_cmpint(nd->list_all(NULL, DRV_LIST_NETWORKS_ACTIVE, &all), ==, 0);
        g_assert_cmpuint(all->len, >=, 1);
        g_assert_null(nd->lookup_by_name(NULL, "nosuch"));
        assert_error(VCTL_ERR_NO_NETWORK, "no network with matching name 'nosuch'");
}

typedef struct {
        GString *log;
} ev_sink;

static void on_event(const drv_network *net, int event, int detail, void *opaque)
{
        ev_sink *s = opaque;

        g_string_append_printf(s->log, "%s:%d;", net->name, event);
}

static void test_lifecycle(void)
{
        ev_sink sink = {g_string_new(NULL)};
        g_autofree char *xml = net_xml("n1", UUID_A, NULL, "192.0.2");
        g_autoptr(drv_network) net = NULL;
        g_autoptr(GPtrArray) inactive = NULL;
        g_autofree char *bridge = NULL, *dump = NULL;
        int id, autostart = 0;

        id = nd->event_register(NULL, NULL, on_event, &sink, NULL);
        g_assert_cmpint(id, >=, 0);
        net = nd->define_xml(NULL, xml, 0);
        g_assert_nonnull(net);
        g_assert_cmpstr(net->name, ==, "n1");
        /* virbr0 is the default network's: the next free one is picked */
        bridge = nd->get_bridge_name(NULL, net);
        g_assert_cmpstr(bridge, ==, "virbr1");
        dump = nd->get_xml_desc(NULL, net, 0);
        g_assert_nonnull(strstr(dump, "<mac address='52:54:00:"));
        g_assert_cmpint(nd->is_active(NULL, net), ==, 0);
        g_assert_cmpint(nd->list_all(NULL, DRV_LIST_NETWORKS_INACTIVE, &inactive), ==, 0);
        g_assert_cmpuint(inactive->len, ==, 1);
        g_assert_cmpstr(((drv_network *)inactive->pdata[0])->name, ==, "n1");
        g_assert_cmpint(nd->create(NULL, net), ==, 0);
        g_assert_cmpint(nd->is_active(NULL, net), ==, 1);
        g_assert_cmpint(nd->create(NULL, net), ==, -1);
        assert_error(VCTL_ERR_OPERATION_INVALID, "network 'n1' is already active");
        g_assert_cmpint(nd->set_autostart(NULL, net, 1), ==, 0);
        g_assert_cmpint(nd->get_autostart(NULL, net, &autostart), ==, 0);
        g_assert_cmpint(autostart, ==, 1);
        g_assert_cmpint(nd->destroy(NULL, net), ==, 0);
        g_assert_cmpint(nd->destroy(NULL, net), ==, -1);
        assert_error(VCTL_ERR_OPERATION_INVALID, "network 'n1' is not active");
        g_assert_cmpint(nd->undefine(NULL, net), ==, 0);
        g_assert_null(nd->lookup_by_name(NULL, "n1"));
        vctl_error_clear();
        g_assert_cmpint(nd->is_active(NULL, net), ==, -1);
        assert_error(VCTL_ERR_NO_NETWORK, "'n1'");
        g_assert_cmpint(nd->event_deregister(NULL, id), ==, 0);
        g_assert_cmpstr(sink.log->str, ==, "n1:0;n1:2;n1:3;n1:1;");
        g_string_free(sink.log, TRUE);
}

static void test_transient_and_clashes(void)
{
        g_autofree char *t = net_xml("t1", NULL, "vbr-t1", "198.51.100");
        g_autofree char *same_name = net_xml("default", UUID_A, NULL, "203.0.113");
        g_autofree char *same_uuid =
                net_xml("other", "dd8fe884-6c02-601e-7551-cca97df1c5df", NULL, "203.0.113");
        g_autofree char *same_bridge = net_xml("b1", NULL, "virbr0", "203.0.113");
        g_autoptr(drv_network) net = nd->create_xml(NULL, t, 0);
        g_autoptr(GPtrArray) transient = NULL;

        g_assert_nonnull(net);
        g_assert_cmpint(nd->is_persistent(NULL, net), ==, 0);
        g_assert_cmpint(nd->list_all(NULL, DRV_LIST_NETWORKS_TRANSIENT, &transient), ==, 0);
        g_assert_cmpuint(transient->len, ==, 1);
        g_assert_cmpint(nd->set_autostart(NULL, net, 1), ==, -1);
        assert_error(VCTL_ERR_OPERATION_INVALID, "transient network 't1'");
        g_assert_cmpint(nd->undefine(NULL, net), ==, -1);
        assert_error(VCTL_ERR_OPERATION_INVALID, "transient");
        g_assert_null(nd->create_xml(NULL, t, 0));
        assert_error(VCTL_ERR_OPERATION_INVALID, "network 't1' already exists");
        g_assert_cmpint(nd->destroy(NULL, net), ==, 0);
        g_assert_null(nd->lookup_by_name(NULL, "t1")); /* a stopped transient network is gone */
        vctl_error_clear();

        g_assert_null(nd->define_xml(NULL, same_name, 0));
        assert_error(VCTL_ERR_OPERATION_FAILED, "network 'default' already exists with UUID");
        g_assert_null(nd->define_xml(NULL, same_uuid, 0));
        assert_error(VCTL_ERR_OPERATION_FAILED, "network 'default' already has UUID");
        g_assert_null(nd->define_xml(NULL, same_bridge, 0));
        assert_error(VCTL_ERR_OPERATION_FAILED,
                     "bridge 'virbr0' is already used by network 'default'");
        g_assert_null(
                nd->define_xml(NULL, "<network><name>q</name><bridge name='a\";x'/></network>", 0));
        assert_error(VCTL_ERR_XML_ERROR,
                     "network 'q': bridge name 'a\";x' may contain only letters, digits");
        g_assert_null(nd->define_xml(NULL, "<network><name>x</name><nope/></network>", 0));
        assert_error(VCTL_ERR_XML_ERROR, "nope");
        g_assert_null(nd->define_xml(NULL, NULL, 0));
        assert_error(VCTL_ERR_INVALID_ARG, "no network XML given");
}

static network_def *parse(const char *xml)
{
        network_def *def = network_def_parse(xml, strlen(xml), NULL);

        g_assert_nonnull(def);
        return def;
}

static void test_nft_rules(void)
{
        g_autoptr(network_def) nat = parse("<network><name>n</name>"
                                           "<forward mode='nat'><nat><port start='1024' "
                                           "end='65535'/></nat></forward>"
                                           "<ip address='198.51.100.1' prefix='25'/></network>");
        g_autoptr(network_def) route = parse("<network><name>r</name><forward mode='route' "
                                             "dev='eth9'/><ip address='198.51.100.129' "
                                             "prefix='26'/></network>");
        g_autoptr(network_def) iso = parse("<network><name>i</name>"
                                           "<ip address='198.51.100.193' prefix='26'/></network>");
        g_autoptr(network_def) open = parse("<network><name>o</name><forward mode='open'/>"
                                            "<ip address='198.51.100.1' prefix='24'/></network>");
        g_autofree char *t = net_nft_table_name("br0");
        g_autofree char *r_nat = net_nft_rules(nat, "br0");
        g_autofree char *r_route = net_nft_rules(route, "br1");
        g_autofree char *r_iso = net_nft_rules(iso, "br2");

        g_assert_cmpstr(t, ==, "vctl-br0");
        g_assert_cmpstr(r_nat, ==,
                        "table ip vctl-br0 {\n"
                        "  chain postrouting {\n"
                        "    type nat hook postrouting priority srcnat; policy accept;\n"
                        "    ip saddr 198.51.100.0/25 ip daddr != 198.51.100.0/25 meta l4proto "
                        "{ tcp, udp } masquerade to :1024-65535\n"
                        "    ip saddr 198.51.100.0/25 ip daddr != { 198.51.100.0/25, "
                        "224.0.0.0/24, 255.255.255.255 } masquerade\n"
                        "  }\n"
                        "  chain forward {\n"
                        "    type filter hook forward priority filter; policy accept;\n"
                        "    iifname \"br0\" ip saddr 198.51.100.0/25 accept\n"
                        "    oifname \"br0\" ip daddr 198.51.100.0/25 ct state "
                        "related,established accept\n"
                        "    iifname \"br0\" oifname \"br0\" accept\n"
                        "    iifname \"br0\" reject\n"
                        "    oifname \"br0\" reject\n"
                        "  }\n"
                        "}\n");
        g_assert_null(strstr(r_route, "masquerade"));
        g_assert_nonnull(strstr(r_route, "iifname \"br1\" oifname \"eth9\" ip saddr "
                                         "198.51.100.128/26 accept\n"));
        g_assert_nonnull(strstr(r_route, "iifname \"eth9\" oifname \"br1\" ip daddr "
                                         "198.51.100.128/26 accept\n"));
        g_assert_null(strstr(r_iso, "masquerade"));
        g_assert_null(strstr(r_iso, "accept\n    iifname \"br2\" ip saddr"));
        g_assert_nonnull(strstr(r_iso, "    iifname \"br2\" reject\n    oifname \"br2\" reject\n"));
        g_assert_null(net_nft_rules(open, "br3"));
}

static void test_dnsmasq_config(void)
{
        g_autoptr(network_def) def =
                parse("<network><name>d</name><domain name='example.test' localOnly='yes'/>"
                      "<dns><host ip='198.51.100.7'><hostname>db</hostname><hostname>db2</hostname>"
                      "</host></dns>"
                      "<ip address='198.51.100.1' prefix='25'><dhcp>"
                      "<range start='198.51.100.10' end='198.51.100.19'/>"
                      "<host mac='52:54:00:00:00:01' name='g1' ip='198.51.100.5'/>"
                      "</dhcp></ip></network>");
        g_autofree char *conf =
                net_dnsmasq_config(def, "br0", "/r/d.pid", "/r/d.leases", "dnsmasq");

        g_assert_cmpstr(conf, ==,
                        "## generated by vctld for network 'd': do not edit\n"
                        "strict-order\n"
                        "pid-file=/r/d.pid\n"
                        "user=dnsmasq\n"
                        "except-interface=lo\n"
                        "bind-dynamic\n"
                        "interface=br0\n"
                        "dhcp-leasefile=/r/d.leases\n"
                        "no-hosts\n"
                        "domain=example.test\n"
                        "expand-hosts\n"
                        "local=/example.test/\n"
                        "host-record=db,db.example.test,db2,db2.example.test,198.51.100.7\n"
                        "dhcp-range=198.51.100.10,198.51.100.19,255.255.255.128\n"
                        "dhcp-host=52:54:00:00:00:01,198.51.100.5,g1\n"
                        "dhcp-no-override\n"
                        "dhcp-authoritative\n"
                        "dhcp-lease-max=11\n");
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/network/test-driver/default", test_default);
        g_test_add_func("/network/test-driver/lifecycle", test_lifecycle);
        g_test_add_func("/network/test-driver/transient-and-clashes", test_transient_and_clashes);
        g_test_add_func("/network/nft-rules", test_nft_rules);
        g_test_add_func("/network/dnsmasq-config", test_dnsmasq_config);
        return g_test_run();
}
