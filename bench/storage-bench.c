/* storage-bench: volume create/delete rates and clone throughput over
 * libvctl (bench/run-storage-bench runs it against a vctld --root and times
 * cp --sparse=always of the same image beside it). Prints "key value" lines.
 *
 *   storage-bench --uri URI --pool POOL --mode churn --count N --format raw|qcow2
 *   storage-bench --uri URI --pool POOL --mode clone --source VOL --target NAME */
#include "config.h"

#include "lib/vctl.h"

#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what)
{
        fprintf(stderr, "storage-bench: %s: %s\n", what, vctl_last_error_message());
        return 1;
}

static int churn(vctl_storage_pool *pool, int count, const char *format)
{
        vctl_storage_vol **vols = g_new0(vctl_storage_vol *, count);
        gint64 t0, t1, t2;

        t0 = g_get_monotonic_time();
        for (int i = 0; i < count; i++) {
                g_autofree char *xml = g_strdup_printf(
                        "<volume><name>bench-%d.%s</name><capacity unit='MiB'>64</capacity>"
                        "<allocation>0</allocation><target><format type='%s'/></target></volume>",
                        i, format, format);

                vols[i] = vctl_storage_vol_create_xml(pool, xml, 0);
                if (!vols[i])
                        return fail("create");
        }
        t1 = g_get_monotonic_time();
        for (int i = 0; i < count; i++) {
                if (vctl_storage_vol_delete(vols[i], 0) < 0)
                        return fail("delete");
                vctl_storage_vol_free(vols[i]);
        }
        t2 = g_get_monotonic_time();
        printf("create_%s_per_s %.1f\n", format, count / ((t1 - t0) / 1e6));
        printf("delete_%s_per_s %.1f\n", format, count / ((t2 - t1) / 1e6));
        g_free(vols);
        return 0;
}

static int clone_one(vctl_storage_pool *pool, const char *source, const char *target)
{
        vctl_storage_vol *src = vctl_storage_vol_lookup_by_name(pool, source), *dst;
        vctl_storage_vol_info info = {0};
        g_autofree char *xml = NULL;
        gint64 t0, t1;

        if (!src || vctl_storage_vol_get_info(src, &info) < 0)
                return fail("source");
        xml = g_strdup_printf("<volume><name>%s</name><capacity>%llu</capacity>"
                              "<target><format type='raw'/></target></volume>",
                              target, info.capacity);
        t0 = g_get_monotonic_time();
        dst = vctl_storage_vol_create_xml_from(pool, xml, src, 0);
        t1 = g_get_monotonic_time();
        if (!dst)
                return fail("clone");
        printf("clone_seconds %.3f\n", (t1 - t0) / 1e6);
        printf("clone_mib_per_s %.1f\n", info.capacity / 1048576.0 / ((t1 - t0) / 1e6));
        vctl_storage_vol_free(dst);
        vctl_storage_vol_free(src);
        return 0;
}

int main(int argc, char **argv)
{
        const char *uri = NULL, *pool_name = "default", *mode = NULL, *format = "raw";
        const char *source = NULL, *target = NULL;
        int count = 200, r;
        vctl_storage_pool *pool;
        vctl_conn *conn;

        for (int i = 1; i + 1 < argc; i += 2) {
                if (!strcmp(argv[i], "--uri"))
                        uri = argv[i + 1];
                else if (!strcmp(argv[i], "--pool"))
                        pool_name = argv[i + 1];
                else if (!strcmp(argv[i], "--mode"))
                        mode = argv[i + 1];
                else if (!strcmp(argv[i], "--count"))
                        count = atoi(argv[i + 1]);
                else if (!strcmp(argv[i], "--format"))
                        format = argv[i + 1];
                else if (!strcmp(argv[i], "--source"))
                        source = argv[i + 1];
                else if (!strcmp(argv[i], "--target"))
                        target = argv[i + 1];
        }
        if (!uri || !mode || count <= 0 || count > 100000) {
                fprintf(stderr,
                        "usage: storage-bench --uri URI --pool POOL --mode churn|clone ...\n");
                return 2;
        }
        conn = vctl_conn_open(uri, 0);
        if (!conn)
                return fail("connect");
        pool = vctl_storage_pool_lookup_by_name(conn, pool_name);
        if (!pool)
                return fail("pool");
        if (!strcmp(mode, "churn"))
                r = churn(pool, count, format);
        else if (!strcmp(mode, "clone") && source && target)
                r = clone_one(pool, source, target);
        else
                r = 2;
        vctl_storage_pool_free(pool);
        vctl_conn_close(conn);
        return r;
}
