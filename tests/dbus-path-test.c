/* The last element of vctld's D-Bus object paths (daemon/dbus_path.c):
 * UUID nodes and _XX-encoded keys, both ways, and what is refused. */
#include <config.h>

#include "daemon/dbus_path.h"

#include <gio/gio.h>
#include <string.h>

static void test_uuid_node(void)
{
        static const char uuid_s[] = "c7a5fdbd-edaf-9455-926a-d65c16db1809";
        unsigned char uuid[VCTL_UUID_LEN], back[VCTL_UUID_LEN];
        g_autofree char *node = NULL;

        g_assert_cmpint(vctl_uuid_parse(uuid_s, uuid), ==, 0);
        node = dbus_uuid_node(uuid);
        g_assert_cmpstr(node, ==, "_c7a5fdbd_edaf_9455_926a_d65c16db1809");
        g_assert_cmpint(dbus_node_uuid(node, back), ==, 0);
        g_assert_cmpmem(uuid, VCTL_UUID_LEN, back, VCTL_UUID_LEN);
        g_assert_true(dbus_node_is_uuid(node));
}

static void test_uuid_node_refused(void)
{
        static const char *const bad[] = {
                "",
                "_",
                "c7a5fdbd_edaf_9455_926a_d65c16db1809",   /* no leading '_' */
                "_C7A5FDBD_EDAF_9455_926A_D65C16DB1809",  /* not canonical: uppercase */
                "_c7a5fdbdedaf9455926ad65c16db1809",      /* not canonical: no separators */
                "_c7a5fdbd_edaf_9455_926a_d65c16db180",   /* short */
                "_c7a5fdbd_edaf_9455_926a_d65c16db18090", /* long */
                "_g7a5fdbd_edaf_9455_926a_d65c16db1809",  /* not hex */
                "_c7a5fdbd-edaf-9455-926a-d65c16db1809",  /* '-' is no path character */
        };
        unsigned char uuid[VCTL_UUID_LEN];

        for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
                g_test_message("%s", bad[i]);
                g_assert_cmpint(dbus_node_uuid(bad[i], uuid), ==, -1);
                g_assert_false(dbus_node_is_uuid(bad[i]));
        }
        g_assert_cmpint(dbus_node_uuid(NULL, uuid), ==, -1);
}

static void test_key_encoding(void)
{
        static const struct {
                const char *key, *node;
        } cases[] = {
                {"/var/lib/vctl/images/web1.qcow2", "_2fvar_2flib_2fvctl_2fimages_2fweb1_2eqcow2"},
                {"abcXYZ019", "abcXYZ019"},
                {"a_b c", "a_5fb_20c"},
                {"/pool/\xc3\xa4.img", "_2fpool_2f_c3_a4_2eimg"},
        };

        for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_autofree char *node = dbus_node_encode(cases[i].key);
                g_autofree char *back = dbus_node_decode(node);
                g_autofree char *path = g_strconcat("/org/vctl/QEMU/storagevol/", node, NULL);

                g_assert_cmpstr(node, ==, cases[i].node);
                g_assert_cmpstr(back, ==, cases[i].key);
                /* what the encoding is for: a valid object path */
                g_assert_true(g_variant_is_object_path(path));
        }
}

static void test_key_decoding_refused(void)
{
        static const char *const bad[] = {
                "",    /* empty */
                "_",   /* escape cut short */
                "_2",  /* escape cut short */
                "_zz", /* not hex */
                "_00", /* a NUL */
                "_61", /* an escaped letter: 'a' has one spelling */
                "_39", /* an escaped digit */
                "_2F", /* uppercase hex: one spelling */
                "a-b", /* '-' is no path character */
                "a/b", /* nor is '/' inside a node */
        };

        for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
                g_autofree char *key = dbus_node_decode(bad[i]);

                g_test_message("%s", bad[i]);
                g_assert_null(key);
        }
        g_assert_null(dbus_node_decode(NULL));
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/dbus/path/uuid-node", test_uuid_node);
        g_test_add_func("/dbus/path/uuid-node-refused", test_uuid_node_refused);
        g_test_add_func("/dbus/path/key-encoding", test_key_encoding);
        g_test_add_func("/dbus/path/key-decoding-refused", test_key_decoding_refused);
        return g_test_run();
}
