/* Domain definitions: what golden files cannot show (generated UUIDs and MAC
 * addresses differ on every parse). */
#include "config.h"

#include "conf/domain_conf.h"
#include "conf/network_conf.h"
#include "conf/storage_conf.h"
#include "conf/xml.h"
#include "lib/util/error.h"

#include <string.h>

static const char *const minimal =
        "<domain type='qemu'><name>gen</name><memory unit='MiB'>64</memory>"
        "<os><type arch='x86_64' machine='q35'>hvm</type></os>"
        "<devices><interface type='user'><model type='virtio'/></interface>"
        "<interface type='network'><source network='default'/></interface></devices></domain>";

static domain_def *parse(const char *xml)
{
        domain_def *def = domain_def_parse(xml, strlen(xml), NULL);

        if (!def)
                g_error("refused: %s", vctl_error_message());
        return def;
}

static void test_uuid_generated(void)
{
        g_autoptr(domain_def) a = parse(minimal);
        g_autoptr(domain_def) b = parse(minimal);
        g_autofree char *xml = domain_def_format(a);
        g_autoptr(domain_def) again = parse(xml);
        char s[VCTL_UUID_STRING_LEN];

        g_assert_false(vctl_uuid_is_null(a->uuid));
        g_assert_true(memcmp(a->uuid, b->uuid, VCTL_UUID_LEN) != 0);
        /* the generated UUID is written out, so it stays the domain's */
        g_assert_nonnull(strstr(xml, vctl_uuid_format(a->uuid, s)));
        g_assert_cmpmem(a->uuid, VCTL_UUID_LEN, again->uuid, VCTL_UUID_LEN);
}

static void test_mac_generated(void)
{
        g_autoptr(domain_def) a = parse(minimal);
        g_autoptr(domain_def) b = parse(minimal);
        g_autofree char *xml = domain_def_format(a);
        g_autoptr(domain_def) again = parse(xml);
        domain_net *n0, *n1, *b0;

        g_assert_cmpuint(a->devices.nets->len, ==, 2);
        n0 = g_ptr_array_index(a->devices.nets, 0);
        n1 = g_ptr_array_index(a->devices.nets, 1);
        b0 = g_ptr_array_index(b->devices.nets, 0);
        /* QEMU's locally administered prefix, then random */
        g_assert_cmpint(n0->mac[0], ==, 0x52);
        g_assert_cmpint(n0->mac[1], ==, 0x54);
        g_assert_cmpint(n0->mac[2], ==, 0x00);
        g_assert_cmpint(n1->mac[0], ==, 0x52);
        g_assert_true(memcmp(n0->mac, n1->mac, 6) != 0);
        g_assert_true(memcmp(n0->mac, b0->mac, 6) != 0);
        g_assert_nonnull(strstr(xml, "<mac address='52:54:00:"));
        g_assert_cmpmem(n0->mac, 6, ((domain_net *)g_ptr_array_index(again->devices.nets, 0))->mac,
                        6);
}

static void test_issues_listed(void)
{
        g_autoptr(GPtrArray) issues = NULL;
        const char *xml = "<domain type='qemu'>\n<name>two</name>\n<memory unit='parsec'>1</memory>\n"
                          "<os><type>hvm</type></os>\n<devices><bogus/></devices>\n</domain>";
        domain_def *def = domain_def_parse(xml, strlen(xml), &issues);

        g_assert_null(def);
        /* every error is listed for 'vctl validate', each with its line */
        g_assert_cmpuint(issues->len, ==, 2);
        g_assert_cmpint(((conf_issue *)issues->pdata[0])->line, ==, 3);
        g_assert_cmpint(((conf_issue *)issues->pdata[1])->line, ==, 5);
        g_assert_true(g_str_has_prefix(vctl_error_message(), "domain 'two': line 3: "));
        g_assert_true(g_str_has_suffix(vctl_error_message(), " (and 1 more error)"));
}

static void test_network_pool_uuid_generated(void)
{
        const char *net = "<network><name>n</name></network>";
        const char *pool = "<pool type='dir'><name>p</name><target><path>/var/lib/p</path></target></pool>";
        g_autoptr(network_def) n1 = network_def_parse(net, strlen(net), NULL);
        g_autoptr(network_def) n2 = network_def_parse(net, strlen(net), NULL);
        g_autoptr(pool_def) p1 = pool_def_parse(pool, strlen(pool), NULL);
        g_autoptr(pool_def) p2 = pool_def_parse(pool, strlen(pool), NULL);

        g_assert_nonnull(n1);
        g_assert_nonnull(p1);
        g_assert_false(vctl_uuid_is_null(n1->uuid));
        g_assert_true(memcmp(n1->uuid, n2->uuid, VCTL_UUID_LEN) != 0);
        g_assert_false(vctl_uuid_is_null(p1->uuid));
        g_assert_true(memcmp(p1->uuid, p2->uuid, VCTL_UUID_LEN) != 0);
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/conf/domain/uuid-generated", test_uuid_generated);
        g_test_add_func("/conf/domain/mac-generated", test_mac_generated);
        g_test_add_func("/conf/domain/issues-listed", test_issues_listed);
        g_test_add_func("/conf/network-pool/uuid-generated", test_network_pool_uuid_generated);
        return g_test_run();
}
