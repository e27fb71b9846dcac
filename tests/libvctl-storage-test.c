/* libvctl's storage calls on the in-process test:///default driver: the
 * handles, lists, lookups and errors a program sees (lib/storage.c). */
#include "config.h"

#include "lib/vctl.h"

#include <glib.h>
#include <string.h>

static void test_pools(void)
{
        vctl_conn *conn = vctl_conn_open("test:///default", 0);
        vctl_storage_pool **pools = NULL;
        vctl_storage_pool_info info = {0};
        vctl_storage_pool *p;
        char uuid[VCTL_UUID_STRING_BUFLEN];
        int n;

        g_assert_nonnull(conn);
        n = vctl_conn_list_all_storage_pools(conn, &pools, VCTL_LIST_STORAGE_POOLS_ACTIVE);
        g_assert_cmpint(n, >=, 1);
        vctl_storage_pool_list_free(pools);
        p = vctl_storage_pool_lookup_by_uuid_string(conn, "dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566");
        g_assert_nonnull(p);
        g_assert_cmpstr(vctl_storage_pool_get_name(p), ==, "default-pool");
        g_assert_cmpint(vctl_storage_pool_get_uuid_string(p, uuid), ==, 0);
        g_assert_cmpint(vctl_storage_pool_get_info(p, &info), ==, 0);
        g_assert_cmpstr(vctl_storage_pool_state_name(info.state), ==, "running");
        g_assert_cmpint(vctl_storage_pool_is_active(p), ==, 1);
        vctl_storage_pool_free(p);
        g_assert_null(vctl_storage_pool_lookup_by_name(conn, "missing"));
        g_assert_nonnull(strstr(vctl_last_error_message(), "missing"));
        g_assert_null(vctl_storage_pool_lookup_by_uuid_string(conn, "not-a-uuid"));
        vctl_conn_close(conn);
}

static void test_volumes(void)
{
        vctl_conn *conn = vctl_conn_open("test:///default", 0);
        vctl_storage_pool *p = vctl_storage_pool_lookup_by_name(conn, "default-pool");
        const char *xml = "<volume><name>lib.img</name><capacity unit='MiB'>8</capacity>"
                          "</volume>";
        vctl_storage_vol **vols = NULL;
        vctl_storage_vol_info info = {0};
        vctl_storage_vol *v, *byp, *clone;
        vctl_storage_pool *owner;
        char *path;
        int n;

        v = vctl_storage_vol_create_xml(p, xml, 0);
        g_assert_nonnull(v);
        g_assert_cmpstr(vctl_storage_vol_get_pool_name(v), ==, "default-pool");
        g_assert_cmpstr(vctl_storage_vol_get_key(v), ==, "/default-pool/lib.img");
        path = vctl_storage_vol_get_path(v);
        g_assert_cmpstr(path, ==, "/default-pool/lib.img");
        byp = vctl_storage_vol_lookup_by_path(conn, path);
        g_assert_nonnull(byp);
        g_assert_cmpstr(vctl_storage_vol_get_name(byp), ==, "lib.img");
        owner = vctl_storage_pool_lookup_by_volume(byp);
        g_assert_cmpstr(vctl_storage_pool_get_name(owner), ==, "default-pool");
        g_assert_cmpint(vctl_storage_vol_get_info(v, &info), ==, 0);
        g_assert_cmpuint(info.capacity, ==, 8u << 20);
        g_assert_cmpstr(vctl_storage_vol_type_name(info.type), ==, "file");
        clone = vctl_storage_vol_create_xml_from(
                p, "<volume><name>lib2.img</name><capacity>1</capacity></volume>", v, 0);
        g_assert_nonnull(clone);
        n = vctl_storage_pool_list_all_volumes(p, &vols, 0);
        g_assert_cmpint(n, >=, 2);
        vctl_storage_vol_list_free(vols);
        g_assert_cmpint(vctl_storage_vol_resize(v, 16u << 20, 0), ==, 0);
        g_assert_cmpint(vctl_storage_vol_delete(clone, 0), ==, 0);
        g_assert_cmpint(vctl_storage_vol_delete(v, 0), ==, 0);
        g_assert_null(vctl_storage_vol_lookup_by_name(p, "lib.img"));
        g_free(path);
        vctl_storage_vol_free(clone);
        vctl_storage_vol_free(byp);
        vctl_storage_vol_free(v);
        vctl_storage_pool_free(owner);
        vctl_storage_pool_free(p);
        vctl_conn_close(conn);
}

static void test_read_only(void)
{
        vctl_conn *conn = vctl_conn_open("test:///default", VCTL_CONNECT_RO);
        vctl_storage_pool *p = vctl_storage_pool_lookup_by_name(conn, "default-pool");

        g_assert_nonnull(p);
        g_assert_null(vctl_storage_vol_create_xml(
                p, "<volume><name>ro.img</name><capacity>1024</capacity></volume>", 0));
        g_assert_cmpint(vctl_last_error()->code, ==, 29 /* VIR_ERR_OPERATION_DENIED */);
        g_assert_cmpint(vctl_storage_pool_destroy(p), ==, -1);
        g_assert_null(vctl_storage_vol_lookup_by_name(NULL, "x"));
        vctl_storage_pool_free(p);
        vctl_conn_close(conn);
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/libvctl/storage/pools", test_pools);
        g_test_add_func("/libvctl/storage/volumes", test_volumes);
        g_test_add_func("/libvctl/storage/read-only", test_read_only);
        return g_test_run();
}
