/* lib/util: errors, atomic files, bounded reads, UUIDs, names, numbers and units. */
#include "config.h"

#include "lib/util/error.h"
#include "lib/util/file.h"
#include "lib/util/log.h"
#include "lib/util/name.h"
#include "lib/util/num.h"
#include "lib/util/uuid.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_error_last(void)
{
        vctl_error_clear();
        g_assert_null(vctl_error_last());
        g_assert_cmpint(vctl_error_set(VCTL_ERR_NO_DOMAIN, VCTL_FROM_DOMAIN, "domain '%s' not found",
                                       "web1"),
                        ==, -1);
        g_assert_cmpint(vctl_error_last()->code, ==, VCTL_ERR_NO_DOMAIN);
        g_assert_cmpint(vctl_error_last()->domain, ==, VCTL_FROM_DOMAIN);
        g_assert_cmpstr(vctl_error_message(), ==, "domain 'web1' not found");
        g_assert_cmpint(vctl_error_set_errno(ENOENT, VCTL_ERR_OPEN_FAILED, VCTL_FROM_NONE,
                                             "cannot open '%s'", "/x"),
                        ==, -ENOENT);
        g_assert_cmpstr(vctl_error_message(), ==, "cannot open '/x': No such file or directory");
        vctl_error_clear();
        g_assert_null(vctl_error_last());
        g_assert_nonnull(vctl_error_message());
}

static gpointer error_thread(gpointer data)
{
        /* a new thread starts without an error and does not see the main thread's */
        g_assert_null(vctl_error_last());
        vctl_error_set(VCTL_ERR_INTERNAL_ERROR, VCTL_FROM_NONE, "thread");
        return g_strdup(vctl_error_message());
}

static void test_error_thread_local(void)
{
        g_autofree char *other = NULL;
        GThread *t;

        vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NONE, "main");
        t = g_thread_new("err", error_thread, NULL);
        other = g_thread_join(t);
        g_assert_cmpstr(other, ==, "thread");
        g_assert_cmpstr(vctl_error_message(), ==, "main");
}

static void test_error_copy_restore(void)
{
        g_autoptr(vctl_error) saved = NULL;

        vctl_error_set(VCTL_ERR_XML_ERROR, VCTL_FROM_XML, "bad");
        saved = vctl_error_copy(vctl_error_last());
        vctl_error_set(VCTL_ERR_INTERNAL_ERROR, VCTL_FROM_NONE, "other");
        vctl_error_restore(saved);
        g_assert_cmpint(vctl_error_last()->code, ==, VCTL_ERR_XML_ERROR);
        g_assert_cmpstr(vctl_error_message(), ==, "bad");
}

static char *make_tmpdir(void)
{
        g_autoptr(GError) err = NULL;
        char *dir = g_dir_make_tmp("vctl-util-XXXXXX", &err);

        g_assert_no_error(err);
        return dir;
}

static void rm_rf(const char *dir)
{
        g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
        const char *n;

        while (d && (n = g_dir_read_name(d))) {
                g_autofree char *p = g_build_filename(dir, n, NULL);

                g_unlink(p);
        }
        g_rmdir(dir);
}

static void test_file_atomic(void)
{
        g_autofree char *dir = make_tmpdir();
        g_autofree char *path = g_build_filename(dir, "a.xml", NULL);
        g_autofree char *data = NULL;
        size_t len = 0;
        struct stat st;
        g_autoptr(GDir) d = NULL;
        int entries = 0;

        g_assert_cmpint(vctl_file_write_atomic(path, "one", 3, 0600), ==, 0);
        g_assert_cmpint(vctl_file_write_atomic(path, "second", 6, 0640), ==, 0);
        g_assert_cmpint(vctl_file_read_bounded(path, 100, &data, &len), ==, 0);
        g_assert_cmpstr(data, ==, "second");
        g_assert_cmpuint(len, ==, 6);
        g_assert_cmpint(stat(path, &st), ==, 0);
        g_assert_cmpint(st.st_mode & 07777, ==, 0640);
        /* no temporary file is left behind */
        d = g_dir_open(dir, 0, NULL);
        while (g_dir_read_name(d))
                entries++;
        g_assert_cmpint(entries, ==, 1);
        rm_rf(dir);
}

static void test_file_atomic_fails_cleanly(void)
{
        g_autofree char *dir = make_tmpdir();
        g_autofree char *path = g_build_filename(dir, "missing", "a.xml", NULL);

        g_assert_cmpint(vctl_file_write_atomic(path, "x", 1, 0600), <, 0);
        g_assert_nonnull(strstr(vctl_error_message(), "a.xml"));
        rm_rf(dir);
}

static void test_file_read_bounded(void)
{
        g_autofree char *dir = make_tmpdir();
        g_autofree char *path = g_build_filename(dir, "big", NULL);
        g_autofree char *data = NULL;
        size_t len = 0;

        g_assert_true(g_file_set_contents(path, "0123456789", 10, NULL));
        g_assert_cmpint(vctl_file_read_bounded(path, 10, &data, &len), ==, 0);
        g_assert_cmpuint(len, ==, 10);
        g_clear_pointer(&data, g_free);
        g_assert_cmpint(vctl_file_read_bounded(path, 9, &data, &len), ==, -EFBIG);
        g_assert_null(data);
        g_assert_nonnull(strstr(vctl_error_message(), "larger than the limit of 9 bytes"));
        g_assert_cmpint(vctl_file_read_bounded("/nonexistent/vctl", 9, &data, &len), ==, -ENOENT);
        rm_rf(dir);
}

static void test_fd_read_bounded_pipe(void)
{
        int fds[2];
        g_autofree char *data = NULL;
        size_t len;
        char buf[5000];

        /* a pipe has no size to check first: the limit must hold while reading */
        g_assert_cmpint(pipe2(fds, O_CLOEXEC), ==, 0);
        memset(buf, 'x', sizeof(buf));
        g_assert_cmpint(write(fds[1], buf, sizeof(buf)), ==, (ssize_t)sizeof(buf));
        close(fds[1]);
        g_assert_cmpint(vctl_fd_read_bounded(fds[0], "pipe", 4096, &data, &len), ==, -EFBIG);
        close(fds[0]);
}

static void test_uuid(void)
{
        unsigned char u[VCTL_UUID_LEN], v[VCTL_UUID_LEN];
        char s[VCTL_UUID_STRING_LEN];

        g_assert_cmpint(vctl_uuid_parse("c7a5fdbd-edaf-9455-926a-d65c16db1809", u), ==, 0);
        g_assert_cmpstr(vctl_uuid_format(u, s), ==, "c7a5fdbd-edaf-9455-926a-d65c16db1809");
        g_assert_cmpint(vctl_uuid_parse(" C7A5FDBDEDAF9455926AD65C16DB1809 ", v), ==, 0);
        g_assert_cmpmem(u, sizeof(u), v, sizeof(v));
        g_assert_cmpint(vctl_uuid_parse("c7a5fdbd-edaf-9455-926a-d65c16db180", u), ==, -EINVAL);
        g_assert_cmpint(vctl_uuid_parse("c7a5fdbd-edaf-9455-926a-d65c16db18090", u), ==, -EINVAL);
        g_assert_cmpint(vctl_uuid_parse("g7a5fdbd-edaf-9455-926a-d65c16db1809", u), ==, -EINVAL);
        g_assert_cmpint(vctl_uuid_parse("-c7a5fdbdedaf9455926ad65c16db1809", u), ==, -EINVAL);
        g_assert_cmpint(vctl_uuid_parse("", u), ==, -EINVAL);

        vctl_uuid_generate(u);
        vctl_uuid_generate(v);
        g_assert_true(memcmp(u, v, sizeof(u)) != 0);
        g_assert_cmpint(u[6] >> 4, ==, 4);
        g_assert_cmpint(u[8] & 0xc0, ==, 0x80);
        g_assert_false(vctl_uuid_is_null(u));
        memset(v, 0, sizeof(v));
        g_assert_true(vctl_uuid_is_null(v));
}

static void test_name(void)
{
        char long_name[300];

        g_assert_cmpint(vctl_name_validate("domain", "web-1.example_ä"), ==, 0);
        g_assert_cmpint(vctl_name_validate("domain", ""), ==, -EINVAL);
        g_assert_cmpstr(vctl_error_message(), ==, "domain name must not be empty");
        g_assert_cmpint(vctl_name_validate("domain", "a/b"), ==, -EINVAL);
        g_assert_cmpstr(vctl_error_message(), ==, "domain name 'a/b' must not contain '/'");
        g_assert_cmpint(vctl_name_validate("network", "."), ==, -EINVAL);
        g_assert_cmpint(vctl_name_validate("network", ".."), ==, -EINVAL);
        g_assert_cmpstr(vctl_error_message(), ==, "network name '..' must not start with '.'");
        g_assert_cmpint(vctl_name_validate("domain", ".hidden"), ==, -EINVAL);
        g_assert_cmpint(vctl_name_validate("domain", "a.b."), ==, 0);
        g_assert_cmpint(vctl_name_validate("pool", "a\nb"), ==, -EINVAL);
        g_assert_cmpstr(vctl_error_message(), ==,
                        "pool name 'a\\nb' must not contain control characters");
        g_assert_cmpint(vctl_name_validate("pool", "\xff\xfe"), ==, -EINVAL);
        memset(long_name, 'a', sizeof(long_name));
        long_name[255] = 0;
        g_assert_cmpint(vctl_name_validate("domain", long_name), ==, 0);
        long_name[255] = 'a';
        long_name[256] = 0;
        g_assert_cmpint(vctl_name_validate("domain", long_name), ==, -EINVAL);
        g_assert_nonnull(strstr(vctl_error_message(), "256 bytes long; the limit is 255"));
}

static void test_parse_ull(void)
{
        unsigned long long v = 7;

        g_assert_cmpint(vctl_parse_ull("0", 10, &v), ==, 0);
        g_assert_cmpuint(v, ==, 0);
        g_assert_cmpint(vctl_parse_ull("18446744073709551615", ULLONG_MAX, &v), ==, 0);
        g_assert_cmpuint(v, ==, ULLONG_MAX);
        g_assert_cmpint(vctl_parse_ull("18446744073709551616", ULLONG_MAX, &v), ==, -ERANGE);
        g_assert_cmpint(vctl_parse_ull("11", 10, &v), ==, -ERANGE);
        v = 7;
        g_assert_cmpint(vctl_parse_ull("", 10, &v), ==, -EINVAL);
        g_assert_cmpint(vctl_parse_ull("-1", 10, &v), ==, -EINVAL);
        g_assert_cmpint(vctl_parse_ull(" 1", 10, &v), ==, -EINVAL);
        g_assert_cmpint(vctl_parse_ull("1x", 10, &v), ==, -EINVAL);
        g_assert_cmpuint(v, ==, 7);
}

static void test_parse_ll(void)
{
        long long v;

        g_assert_cmpint(vctl_parse_ll("-5", -10, 10, &v), ==, 0);
        g_assert_cmpint(v, ==, -5);
        g_assert_cmpint(vctl_parse_ll("-9223372036854775808", LLONG_MIN, LLONG_MAX, &v), ==, 0);
        g_assert_cmpint(v, ==, LLONG_MIN);
        g_assert_cmpint(vctl_parse_ll("9223372036854775808", LLONG_MIN, LLONG_MAX, &v), ==,
                        -ERANGE);
        g_assert_cmpint(vctl_parse_ll("-11", -10, 10, &v), ==, -ERANGE);
        g_assert_cmpint(vctl_parse_ll("--1", -10, 10, &v), ==, -EINVAL);
}

static void test_scale_units(void)
{
        static const struct {
                const char *unit;
                unsigned long long bytes_per_unit;
        } cases[] = {
                { "b", 1ULL },
                { "bytes", 1ULL },
                { "KB", 1000ULL },
                { "KiB", 1024ULL },
                { "k", 1024ULL },
                { "K", 1024ULL },
                { "MB", 1000000ULL },
                { "MiB", 1048576ULL },
                { "M", 1048576ULL },
                { "GB", 1000000000ULL },
                { "GiB", 1073741824ULL },
                { "G", 1073741824ULL },
                { "TB", 1000000000000ULL },
                { "TiB", 1099511627776ULL },
                { "T", 1099511627776ULL },
        };
        unsigned long long v;

        for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
                g_assert_cmpint(vctl_scale_unit(3, cases[i].unit, 1024, ULLONG_MAX, &v), ==, 0);
                g_assert_cmpuint(v, ==, 3 * cases[i].bytes_per_unit);
        }
        g_assert_cmpint(vctl_scale_unit(3, NULL, 1024, ULLONG_MAX, &v), ==, 0);
        g_assert_cmpuint(v, ==, 3072);
        g_assert_cmpint(vctl_scale_unit(3, "", 1, ULLONG_MAX, &v), ==, 0);
        g_assert_cmpuint(v, ==, 3);
        g_assert_cmpint(vctl_scale_unit(1, "parsec", 1, ULLONG_MAX, &v), ==, -EINVAL);
        g_assert_cmpint(vctl_scale_unit(1, "KiBB", 1, ULLONG_MAX, &v), ==, -EINVAL);
        g_assert_cmpint(vctl_scale_unit(ULLONG_MAX / 1024 + 1, "KiB", 1, ULLONG_MAX, &v), ==,
                        -ERANGE);
        g_assert_cmpint(vctl_scale_unit(2, "GiB", 1, 1073741824ULL, &v), ==, -ERANGE);
}

static void test_parse_size(void)
{
        unsigned long long v;

        g_assert_cmpint(vctl_parse_size("10G", 1, ULLONG_MAX, &v), ==, 0);
        g_assert_cmpuint(v, ==, 10ULL << 30);
        g_assert_cmpint(vctl_parse_size("512MiB", 1, ULLONG_MAX, &v), ==, 0);
        g_assert_cmpuint(v, ==, 512ULL << 20);
        g_assert_cmpint(vctl_parse_size("100", 1, ULLONG_MAX, &v), ==, 0);
        g_assert_cmpuint(v, ==, 100);
        g_assert_cmpint(vctl_parse_size("G", 1, ULLONG_MAX, &v), ==, -EINVAL);
        g_assert_cmpint(vctl_parse_size("1.5G", 1, ULLONG_MAX, &v), ==, -EINVAL);
        g_assert_cmpint(vctl_parse_size("99999999999999999999", 1, ULLONG_MAX, &v), ==, -ERANGE);
}

static void test_log_level_parse(void)
{
        vctl_log_level l;

        g_assert_cmpint(vctl_log_level_parse("debug", &l), ==, 0);
        g_assert_cmpint(l, ==, VCTL_LOG_DEBUG);
        g_assert_cmpint(vctl_log_level_parse("WARNING", &l), ==, 0);
        g_assert_cmpint(l, ==, VCTL_LOG_WARNING);
        g_assert_cmpint(vctl_log_level_parse("3", &l), ==, 0);
        g_assert_cmpint(l, ==, VCTL_LOG_ERROR);
        g_assert_cmpint(vctl_log_level_parse("loud", &l), ==, -1);
        vctl_log_init("util-test", VCTL_LOG_ERROR, VCTL_LOG_TARGET_STDERR);
        g_assert_cmpint(vctl_log_get_level(), ==, VCTL_LOG_ERROR);
}

static void test_log_filters_by_level(void)
{
        if (g_test_subprocess()) {
                vctl_log_init("util-test", VCTL_LOG_WARNING, VCTL_LOG_TARGET_STDERR);
                log_info("hidden %d", 1);
                log_warning("shown %d", 2);
                log_error("also shown");
                return;
        }
        g_test_trap_subprocess(NULL, 5 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_DEFAULT);
        g_test_trap_assert_passed();
        g_test_trap_assert_stderr_unmatched("*hidden*");
        g_test_trap_assert_stderr("*util-test*warning: shown 2*error: also shown*");
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/util/error/last", test_error_last);
        g_test_add_func("/util/error/thread-local", test_error_thread_local);
        g_test_add_func("/util/error/copy-restore", test_error_copy_restore);
        g_test_add_func("/util/file/atomic", test_file_atomic);
        g_test_add_func("/util/file/atomic-fails-cleanly", test_file_atomic_fails_cleanly);
        g_test_add_func("/util/file/read-bounded", test_file_read_bounded);
        g_test_add_func("/util/file/read-bounded-pipe", test_fd_read_bounded_pipe);
        g_test_add_func("/util/uuid", test_uuid);
        g_test_add_func("/util/name", test_name);
        g_test_add_func("/util/num/ull", test_parse_ull);
        g_test_add_func("/util/num/ll", test_parse_ll);
        g_test_add_func("/util/num/units", test_scale_units);
        g_test_add_func("/util/num/size", test_parse_size);
        g_test_add_func("/util/log/level-parse", test_log_level_parse);
        g_test_add_func("/util/log/filter", test_log_filters_by_level);
        return g_test_run();
}
