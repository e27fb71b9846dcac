/* daemon/access.c and daemon/polkit.c without a polkitd: action names,
 * the start time polkit identifies a process by, root's bypass, and the
 * error when the system bus cannot be reached (tests/polkit-test.sh has
 * the real polkitd). */
#include <config.h>

#include "daemon/access.h"
#include "daemon/polkit.h"
#include "lib/util/error.h"

#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

static void test_action_names(void)
{
        g_autofree char *a = access_action_name("domain", "start");
        g_autofree char *b = access_action_name("storage_pool", "search_storage_vols");
        g_autofree char *c = access_action_name("connect", "search_domains");

        g_assert_cmpstr(a, ==, "org.vctl.api.domain.start");
        g_assert_cmpstr(b, ==, "org.vctl.api.storage-pool.search-storage-vols");
        g_assert_cmpstr(c, ==, "org.vctl.api.connect.search-domains");
}

/* field 22 of /proc/self/stat, read another way */
static guint64 start_time_of_self(void)
{
        g_autofree char *data = NULL;
        unsigned long long v = 0;
        const char *p;

        g_assert_true(g_file_get_contents("/proc/self/stat", &data, NULL, NULL));
        p = strrchr(data, ')');
        g_assert_nonnull(p);
        /* fields 3..21 skipped, then 22 */
        g_assert_cmpint(sscanf(p + 2,
                               "%*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s "
                               "%*s %*s %*s %*s %*s %llu",
                               &v),
                        ==, 1);
        return v;
}

static void test_start_time(void)
{
        char old_name[17] = "";
        guint64 expected = start_time_of_self();

        g_assert_cmpuint(expected, >, 0);
        g_assert_cmpuint(polkit_pid_start_time(getpid()), ==, expected);
        /* a command name with spaces and ')' must not shift the fields */
        g_assert_cmpint(prctl(PR_GET_NAME, old_name), ==, 0);
        g_assert_cmpint(prctl(PR_SET_NAME, "x) 1 2 ) 3"), ==, 0);
        g_assert_cmpuint(polkit_pid_start_time(getpid()), ==, expected);
        prctl(PR_SET_NAME, old_name);
        /* unknown: 0, and no error left behind */
        g_assert_cmpuint(polkit_pid_start_time(0), ==, 0);
        g_assert_cmpuint(polkit_pid_start_time(-5), ==, 0);
        g_assert_cmpuint(polkit_pid_start_time(G_MAXINT32), ==, 0);
        g_assert_null(vctl_error_last());
}

static void test_disabled(void)
{
        access_subject bob = {.uid = 1234, .pid = getpid()};
        const access_detail d[] = {{"domain_name", "x"}, {NULL, NULL}};
        const access_detail *each[] = {d, d};
        gboolean allowed[2] = {FALSE, FALSE};

        access_set_polkit(FALSE);
        g_assert_false(access_enabled());
        g_assert_cmpint(access_check(&bob, "domain", "start", d), ==, 0);
        g_assert_cmpint(access_check_many(&bob, "domain", "getattr", each, 2, allowed), ==, 0);
        g_assert_true(allowed[0] && allowed[1]);
}

static void test_no_bus(void)
{
        access_subject root = {.uid = 0, .pid = getpid()};
        access_subject bob = {.uid = 1234, .pid = getpid()};
        access_subject nobody = {.uid = (uid_t)-1};
        const access_detail d[] = {{"domain_name", "web1"}, {NULL, NULL}};
        const access_detail *each[] = {d};
        gboolean allowed[1] = {FALSE};

        access_set_polkit(TRUE);
        /* root never asks */
        g_assert_cmpint(access_check(&root, "domain", "start", d), ==, 0);
        g_assert_cmpint(access_check_socket(&root, FALSE), ==, 0);
        g_assert_cmpint(access_check_many(&root, "domain", "getattr", each, 1, allowed), ==, 0);
        g_assert_true(allowed[0]);

        g_assert_cmpint(access_check(&bob, "domain", "start", d), ==, -1);
        g_assert_cmpint(vctl_error_last()->code, ==, VCTL_ERR_AUTH_UNAVAILABLE);
        g_assert_nonnull(strstr(vctl_error_message(), "cannot reach polkit at the system bus: "));
        g_assert_cmpint(access_check_socket(&bob, FALSE), ==, -1);
        g_assert_nonnull(strstr(vctl_error_message(), "cannot reach polkit at the system bus"));
        g_assert_cmpint(access_check_many(&bob, "domain", "getattr", each, 1, allowed), ==, -1);
        g_assert_cmpint(vctl_error_last()->code, ==, VCTL_ERR_AUTH_UNAVAILABLE);

        /* a D-Bus caller goes to polkit even with uid 0 (a zeroed struct) */
        {
                access_subject bus = {.uid = 0, .bus_name = ":1.42"};

                g_assert_cmpint(access_check(&bus, "domain", "start", d), ==, -1);
                g_assert_cmpint(vctl_error_last()->code, ==, VCTL_ERR_AUTH_UNAVAILABLE);
        }

        g_assert_cmpint(access_check(&nobody, "domain", "start", d), ==, -1);
        g_assert_cmpint(vctl_error_last()->code, ==, VCTL_ERR_ACCESS_DENIED);
        g_assert_nonnull(strstr(vctl_error_message(), "org.vctl.api.domain.start"));
        g_assert_nonnull(strstr(vctl_error_message(), "cannot be identified"));
        access_set_polkit(FALSE);
}

int main(int argc, char **argv)
{
        g_autofree char *dir = g_dir_make_tmp("access-test-XXXXXX", NULL);
        g_autofree char *addr = g_strdup_printf("unix:path=%s/no-bus", dir);
        int r;

        /* a system bus nobody listens on */
        g_setenv("DBUS_SYSTEM_BUS_ADDRESS", addr, TRUE);
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/access/action-names", test_action_names);
        g_test_add_func("/access/start-time", test_start_time);
        g_test_add_func("/access/disabled", test_disabled);
        g_test_add_func("/access/no-bus", test_no_bus);
        r = g_test_run();
        rmdir(dir);
        return r;
}
