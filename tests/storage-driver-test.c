/* driver/storage: the test driver's in-memory default-pool, and directory
 * pools on a temporary root (state on disk, raw and qcow2 volumes, names
 * and symlinks that try to leave the pool, concurrent creates of one name,
 * volume resolution for the QEMU driver). */
#include "config.h"

#include "driver/storage/storage_driver.h"
#include "driver/storage/storage_priv.h"
#include "lib/util/error.h"

#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const vctl_storage_driver *mem = &vctl_storage_test_driver;
static const vctl_storage_driver *dir = &vctl_storage_dir_driver;
static char *tmp_root;

static char *vol_xml(const char *name, const char *size, const char *format)
{
        return g_strdup_printf("<volume><name>%s</name><capacity unit='B'>%s</capacity>"
                               "<allocation>0</allocation><target><format type='%s'/></target>"
                               "</volume>",
                               name, size, format);
}

static gboolean have_qemu_img(void)
{
        g_autofree char *path = g_find_program_in_path("qemu-img");

        return path != NULL;
}

static void assert_error(int code, const char *part)
{
        const vctl_error *e = vctl_error_last();

        g_assert_nonnull(e);
        if (code)
                g_assert_cmpint(e->code, ==, code);
        if (!strstr(e->message, part))
                g_error("'%s' not in error '%s'", part, e->message);
        vctl_error_clear();
}

/* ---- the test driver ---- */

static void test_mem_default_pool(void)
{
        g_autoptr(GPtrArray) pools = NULL;
        g_autoptr(drv_pool) p = NULL;
        vctl_storage_pool_info info;
        char uuid[VCTL_UUID_STRING_LEN];
        g_autofree char *xml = NULL;

        g_assert_cmpint(mem->list_all_pools(NULL, 0, &pools), ==, 1);
        p = mem->pool_lookup_by_name(NULL, "default-pool");
        g_assert_nonnull(p);
        g_assert_cmpstr(vctl_uuid_format(p->uuid, uuid), ==,
                        "dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566");
        g_assert_cmpint(mem->pool_is_active(NULL, p), ==, 1);
        g_assert_cmpint(mem->pool_get_info(NULL, p, &info), ==, 0);
        g_assert_cmpint(info.state, ==, VCTL_STORAGE_POOL_RUNNING);
        g_assert_cmpuint(info.capacity, ==, 100ull << 30);
        xml = mem->pool_get_xml_desc(NULL, p, 0);
        g_assert_nonnull(strstr(xml, "<path>/default-pool</path>"));
        g_assert_null(mem->pool_lookup_by_name(NULL, "nope"));
        assert_error(VCTL_ERR_NO_STORAGE_POOL, "no pool named 'nope'");
}

static void test_mem_volumes(void)
{
        g_autoptr(drv_pool) p = mem->pool_lookup_by_name(NULL, "default-pool");
        g_autofree char *xml = vol_xml("t.img", "1073741824", "qcow2");
        g_autofree char *big = vol_xml("big.img", "214748364800", "raw");
        g_autofree char *path = NULL;
        g_autoptr(drv_vol) v = NULL;
        g_autoptr(drv_vol) byk = NULL;
        g_autoptr(GPtrArray) vols = NULL;
        vctl_storage_vol_info info;

        v = mem->vol_create_xml(NULL, p, xml, 0);
        g_assert_nonnull(v);
        g_assert_cmpstr(v->key, ==, "/default-pool/t.img");
        g_assert_null(mem->vol_create_xml(NULL, p, xml, 0));
        assert_error(VCTL_ERR_STORAGE_VOL_EXIST, "already exists in pool 'default-pool'");
        g_assert_cmpint(mem->pool_list_all_volumes(NULL, p, 0, &vols), ==, 1);
        byk = mem->vol_lookup_by_key(NULL, "/default-pool/t.img");
        g_assert_nonnull(byk);
        g_assert_cmpstr(byk->name, ==, "t.img");
        path = mem->vol_get_path(NULL, v);
        g_assert_cmpstr(path, ==, "/default-pool/t.img");
        g_assert_cmpint(mem->vol_get_info(NULL, v, &info), ==, 0);
        g_assert_cmpuint(info.capacity, ==, 1ull << 30);
        g_assert_cmpint(mem->vol_resize(NULL, v, 1ull << 20, 0), ==, -1);
        assert_error(VCTL_ERR_INVALID_ARG, "--shrink");
        g_assert_cmpint(mem->vol_resize(NULL, v, 2ull << 30, 0), ==, 0);
        g_assert_cmpint(mem->vol_get_info(NULL, v, &info), ==, 0);
        g_assert_cmpuint(info.capacity, ==, 2ull << 30);
        /* 200 GiB fully allocated does not fit in 100 GiB */
        g_assert_null(mem->vol_create_xml(NULL, p, big, 0));
        assert_error(VCTL_ERR_OPERATION_FAILED, "not enough space in pool 'default-pool'");
        g_assert_cmpint(mem->vol_delete(NULL, v, 0), ==, 0);
        g_assert_null(mem->vol_lookup_by_name(NULL, p, "t.img"));
        assert_error(VCTL_ERR_NO_STORAGE_VOL, "no volume 't.img' in pool 'default-pool'");
}

static void test_mem_bad_names(void)
{
        g_autoptr(drv_pool) p = mem->pool_lookup_by_name(NULL, "default-pool");
        const char *bad[] = {"..", ".", "a/b", "../x", ".hidden"};

        for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
                g_autofree char *xml = vol_xml(bad[i], "1024", "raw");

                g_assert_null(mem->vol_create_xml(NULL, p, xml, 0));
                g_assert_nonnull(vctl_error_last());
                vctl_error_clear();
        }
}

static void test_mem_pool_lifecycle(void)
{
        const char *xml = "<pool type='dir'><name>mp</name>"
                          "<target><path>/mp</path></target></pool>";
        g_autoptr(drv_pool) p = mem->pool_define_xml(NULL, xml, 0);
        int autostart = -1;

        g_assert_nonnull(p);
        g_assert_cmpint(mem->pool_is_active(NULL, p), ==, 0);
        g_assert_cmpint(mem->pool_is_persistent(NULL, p), ==, 1);
        g_assert_cmpint(mem->pool_create(NULL, p, 0), ==, 0);
        g_assert_cmpint(mem->pool_create(NULL, p, 0), ==, -1);
        assert_error(VCTL_ERR_OPERATION_INVALID, "already active");
        g_assert_cmpint(mem->pool_set_autostart(NULL, p, 1), ==, 0);
        g_assert_cmpint(mem->pool_get_autostart(NULL, p, &autostart), ==, 0);
        g_assert_cmpint(autostart, ==, 1);
        g_assert_cmpint(mem->pool_delete(NULL, p, 0), ==, -1);
        assert_error(VCTL_ERR_OPERATION_INVALID, "stop it before deleting it");
        g_assert_cmpint(mem->pool_destroy(NULL, p), ==, 0);
        g_assert_cmpint(mem->pool_undefine(NULL, p), ==, 0);
        g_assert_null(mem->pool_lookup_by_name(NULL, "mp"));
        vctl_error_clear();
}

/* ---- directory pools under a temporary root ---- */

static drv_pool *dir_pool(void)
{
        drv_pool *p = dir->pool_lookup_by_name(NULL, "default");

        g_assert_nonnull(p);
        return p;
}

static char *images_path(const char *name)
{
        return g_build_filename(tmp_root, "var/lib/vctl/images", name, NULL);
}

static void test_dir_default_made(void)
{
        g_autoptr(drv_pool) p = dir_pool();
        g_autofree char *def = g_build_filename(tmp_root, "etc/vctl/storage/default.xml", NULL);
        g_autofree char *img = images_path(NULL);
        int autostart = 0;

        g_assert_true(g_file_test(def, G_FILE_TEST_IS_REGULAR));
        g_assert_true(g_file_test(img, G_FILE_TEST_IS_DIR));
        g_assert_cmpint(dir->pool_is_active(NULL, p), ==, 1);
        g_assert_cmpint(dir->pool_get_autostart(NULL, p, &autostart), ==, 0);
        g_assert_cmpint(autostart, ==, 1);
}

static void test_dir_raw(void)
{
        g_autoptr(drv_pool) p = dir_pool();
        g_autofree char *xml = vol_xml("r.raw", "4194304", "raw");
        g_autofree char *path = images_path("r.raw");
        g_autoptr(drv_vol) v = dir->vol_create_xml(NULL, p, xml, 0);
        storage_vol_source src = {0};
        struct stat sb;

        g_assert_nonnull(v);
        g_assert_cmpstr(v->key, ==, path);
        g_assert_cmpint(stat(path, &sb), ==, 0);
        g_assert_cmpint(sb.st_size, ==, 4194304);
        g_assert_cmpint(sb.st_blocks, ==, 0);
        g_assert_cmpint(storage_vol_resolve("default", "r.raw", &src), ==, 0);
        g_assert_cmpstr(src.path, ==, path);
        g_assert_cmpint(src.format, ==, VOL_FORMAT_RAW);
        g_assert_null(src.backing_path);
        storage_vol_source_clear(&src);
        g_assert_cmpint(storage_vol_resolve("default", "nope", &src), ==, -1);
        assert_error(VCTL_ERR_NO_STORAGE_VOL, "no volume 'nope' in pool 'default'");
        g_assert_cmpint(storage_vol_resolve("nopool", "r.raw", &src), ==, -1);
        assert_error(VCTL_ERR_NO_STORAGE_POOL, "pool 'nopool' does not exist");
        g_assert_cmpint(dir->vol_delete(NULL, v, 0), ==, 0);
        g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
}

static void test_dir_symlink_escape(void)
{
        g_autoptr(drv_pool) p = dir_pool();
        g_autofree char *outside = g_build_filename(tmp_root, "outside", NULL);
        g_autofree char *link = images_path("esc.raw");
        g_autofree char *xml = vol_xml("esc.raw", "1048576", "raw");
        g_autoptr(GPtrArray) vols = NULL;

        g_assert_true(g_file_set_contents(outside, "keep", -1, NULL));
        g_assert_cmpint(symlink(outside, link), ==, 0);
        g_assert_cmpint(dir->pool_refresh(NULL, p, 0), ==, 0);
        g_assert_cmpint(dir->pool_list_all_volumes(NULL, p, 0, &vols), >=, 0);
        for (guint i = 0; i < vols->len; i++)
                g_assert_cmpstr(((drv_vol *)g_ptr_array_index(vols, i))->name, !=, "esc.raw");
        g_assert_null(dir->vol_lookup_by_path(NULL, link));
        vctl_error_clear();
        g_assert_null(dir->vol_create_xml(NULL, p, xml, 0));
        assert_error(VCTL_ERR_STORAGE_VOL_EXIST, "already exists");
        {
                g_autofree char *data = NULL;

                g_assert_true(g_file_get_contents(outside, &data, NULL, NULL));
                g_assert_cmpstr(data, ==, "keep");
        }
        unlink(link);
}

typedef struct {
        GMutex lock;
        int wins, exists;
} race_result;

static gpointer race_thread(gpointer data)
{
        race_result *r = data;
        g_autoptr(drv_pool) p = dir_pool();
        g_autofree char *xml = vol_xml("race.raw", "1048576", "raw");
        drv_vol *v = dir->vol_create_xml(NULL, p, xml, 0);

        g_mutex_lock(&r->lock);
        if (v)
                r->wins++;
        else if (vctl_error_last() && vctl_error_last()->code == VCTL_ERR_STORAGE_VOL_EXIST)
                r->exists++;
        g_mutex_unlock(&r->lock);
        drv_vol_free(v);
        vctl_error_clear();
        return NULL;
}

static void test_dir_concurrent_create(void)
{
        race_result r = {0};
        GThread *t[8];
        g_autofree char *dirpath = images_path(NULL);
        g_autoptr(GDir) d = NULL;
        const char *ent;
        int files = 0;

        g_mutex_init(&r.lock);
        for (int i = 0; i < 8; i++)
                t[i] = g_thread_new("race", race_thread, &r);
        for (int i = 0; i < 8; i++)
                g_thread_join(t[i]);
        g_assert_cmpint(r.wins, ==, 1);
        g_assert_cmpint(r.exists, ==, 7);
        d = g_dir_open(dirpath, 0, NULL);
        while ((ent = g_dir_read_name(d)))
                files += g_str_has_prefix(ent, "race") || ent[0] == '.';
        g_assert_cmpint(files, ==, 1);
        g_mutex_clear(&r.lock);
}

static void test_dir_qcow2_backing(void)
{
        g_autoptr(drv_pool) p = dir_pool();
        g_autofree char *base_xml = vol_xml("b.raw", "1048576", "raw");
        g_autofree char *bpath = images_path("b.raw");
        g_autofree char *ov_xml = NULL;
        g_autoptr(drv_vol) b = NULL;
        g_autoptr(drv_vol) o = NULL;
        storage_vol_source src = {0};

        if (!have_qemu_img()) {
                g_test_skip("qemu-img is not installed");
                return;
        }
        b = dir->vol_create_xml(NULL, p, base_xml, 0);
        g_assert_nonnull(b);
        ov_xml = g_strdup_printf("<volume><name>o.qcow2</name><capacity>2097152</capacity>"
                                 "<target><format type='qcow2'/></target><backingStore>"
                                 "<path>%s</path></backingStore></volume>",
                                 bpath);
        /* no backing format given: the base volume's recorded one, never a probe */
        o = dir->vol_create_xml(NULL, p, ov_xml, 0);
        g_assert_nonnull(o);
        g_assert_cmpint(storage_vol_resolve("default", "o.qcow2", &src), ==, 0);
        g_assert_cmpint(src.format, ==, VOL_FORMAT_QCOW2);
        g_assert_cmpstr(src.backing_path, ==, bpath);
        g_assert_cmpint(src.backing_format, ==, VOL_FORMAT_RAW);
        storage_vol_source_clear(&src);
        g_assert_cmpint(dir->vol_delete(NULL, o, 0), ==, 0);
        g_assert_cmpint(dir->vol_delete(NULL, b, 0), ==, 0);
}

static gpointer info_thread(gpointer data)
{
        drv_vol *v = data;
        vctl_storage_vol_info info;
        int r = dir->vol_get_info(NULL, v, &info);
        if (r < 0)
                g_printerr("info: %s\n", vctl_error_message());

        vctl_error_clear();
        return GINT_TO_POINTER(r == 0 && info.capacity == 1048576);
}

/* Readers of one volume never turn each other away. */
static void test_dir_concurrent_info(void)
{
        g_autoptr(drv_pool) p = dir_pool();
        g_autofree char *xml = vol_xml("i.qcow2", "1048576", "qcow2");
        g_autoptr(drv_vol) v = NULL;
        GThread *t[6];
        int ok = 0;

        if (!have_qemu_img()) {
                g_test_skip("qemu-img is not installed");
                return;
        }
        v = dir->vol_create_xml(NULL, p, xml, 0);
        g_assert_nonnull(v);
        for (int i = 0; i < 6; i++)
                t[i] = g_thread_new("info", info_thread, v);
        for (int i = 0; i < 6; i++)
                ok += GPOINTER_TO_INT(g_thread_join(t[i]));
        g_assert_cmpint(ok, ==, 6);
        g_assert_cmpint(dir->vol_delete(NULL, v, 0), ==, 0);
}

/* qemu-img runs are bounded: in time, in output, in descriptors. */
static void test_run_bounds(void)
{
        const char *slow[] = {"sleep", "10", NULL};
        const char *chatty[] = {"head", "-c", "2000000", "/dev/zero", NULL};
        g_autofree char *out = NULL;
        gint64 t0 = g_get_monotonic_time();
        int keep = open("/dev/null", O_RDONLY | O_CLOEXEC);

        g_assert_cmpint(storage_run(slow, NULL, 0, 1, NULL), ==, -1);
        assert_error(VCTL_ERR_OPERATION_TIMEOUT, "did not finish within 1 seconds");
        g_assert_cmpint(g_get_monotonic_time() - t0, <, 5 * G_USEC_PER_SEC);
        g_assert_cmpint(storage_run(chatty, NULL, 0, 10, NULL), ==, -1);
        assert_error(VCTL_ERR_OPERATION_FAILED, "wrote more than");
        /* the child gets the descriptor handed to it, as 3, and not another
         * one left open without O_CLOEXEC */
        {
                int leak = open("/dev/null", O_RDONLY);
                g_autofree char *script = g_strdup_printf(
                        "readlink /proc/self/fd/3; test -e /proc/self/fd/%d && echo leaked; true",
                        leak);
                const char *fds[] = {"sh", "-c", script, NULL};

                g_assert_cmpint(storage_run(fds, &keep, 1, 10, &out), ==, 0);
                g_assert_cmpstr(g_strstrip(out), ==, "/dev/null");
                close(leak);
        }
        close(keep);
}

int main(int argc, char **argv)
{
        g_autoptr(vctl_paths) paths = NULL;
        int r;

        g_test_init(&argc, &argv, NULL);
        tmp_root = g_dir_make_tmp("vctl-storage-XXXXXX", NULL);
        paths = vctl_paths_new(TRUE, tmp_root);
        g_assert_cmpint(dir->state_init(paths), ==, 0);
        g_test_add_func("/storage/mem/default-pool", test_mem_default_pool);
        g_test_add_func("/storage/mem/volumes", test_mem_volumes);
        g_test_add_func("/storage/mem/bad-names", test_mem_bad_names);
        g_test_add_func("/storage/mem/pool-lifecycle", test_mem_pool_lifecycle);
        g_test_add_func("/storage/dir/default-made", test_dir_default_made);
        g_test_add_func("/storage/dir/raw", test_dir_raw);
        g_test_add_func("/storage/dir/symlink-escape", test_dir_symlink_escape);
        g_test_add_func("/storage/dir/concurrent-create", test_dir_concurrent_create);
        g_test_add_func("/storage/dir/qcow2-backing", test_dir_qcow2_backing);
        g_test_add_func("/storage/dir/concurrent-info", test_dir_concurrent_info);
        g_test_add_func("/storage/run-bounds", test_run_bounds);
        r = g_test_run();
        dir->state_cleanup();
        {
                g_autofree char *cmd = g_strdup_printf("rm -rf '%s'", tmp_root);

                if (system(cmd) != 0)
                        g_printerr("cannot remove %s\n", tmp_root);
        }
        g_free(tmp_root);
        return r;
}
