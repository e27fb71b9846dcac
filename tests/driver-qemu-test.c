/* The QEMU driver's definitions on disk, in a temporary root: atomic 0600
 * files, reload, redefinition rules, undefine, autostart links, corrupt files,
 * the system/session split, and a start that fails cleanly. Real guests
 * are started by tests/qemu-lifecycle-test.sh; here PATH has no QEMU, so
 * autostart at state_init never leaves a QEMU behind. */
#include "config.h"

#include "driver/driver.h"
#include "driver/qemu/qemu_driver.h"
#include "kmod/modules.h"
#include "lib/util/error.h"
#include "lib/util/paths.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <libxml/relaxng.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#define UUID_A "11111111-2222-3333-4444-555555555555"
#define UUID_B "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"

static const vctl_driver *drv = &vctl_qemu_driver;

typedef struct fixture {
        char *root;
        vctl_paths *paths;
        char *dir; /* ROOT/etc/vctl/qemu */
        drv_conn *conn;
        GString *events;
} fixture;

static char *domain_xml(const char *type, const char *name, const char *uuid,
                        unsigned long long mem_kib)
{
        return g_strdup_printf("<domain type='%s'>\n"
                               "  <name>%s</name>\n"
                               "  %s%s%s\n"
                               "  <memory unit='KiB'>%llu</memory>\n"
                               "  <vcpu>2</vcpu>\n"
                               "  <os>\n"
                               "    <type arch='x86_64'>hvm</type>\n"
                               "  </os>\n"
                               "  <devices>\n"
                               "    <disk type='file' device='disk'>\n"
                               "      <driver name='qemu' type='qcow2'/>\n"
                               "      <source file='/var/lib/vctl/images/%s.qcow2'/>\n"
                               "      <target dev='vda' bus='virtio'/>\n"
                               "    </disk>\n"
                               "  </devices>\n"
                               "</domain>\n",
                               type, name, uuid ? "<uuid>" : "", uuid ? uuid : "",
                               uuid ? "</uuid>" : "", mem_kib, name);
}

static void record_event(const drv_domain *dom, int event, int detail, void *opaque)
{
        GString *log = opaque;

        g_string_append_printf(log, "%s%s %d/%d", log->len ? "; " : "", dom->name, event, detail);
}

static void check_events(fixture *f, const char *expected)
{
        g_assert_cmpstr(f->events->str, ==, expected);
        g_string_truncate(f->events, 0);
}

static void driver_start(fixture *f)
{
        g_string_truncate(f->events, 0);
        if (drv->state_init(f->paths) < 0)
                g_error("state_init: %s", vctl_error_message());
        f->conn = drv->open(f->paths->system ? "qemu:///system" : "qemu:///session", 0);
        if (!f->conn)
                g_error("open: %s", vctl_error_message());
        g_assert_cmpint(drv->event_register(f->conn, NULL, record_event, f->events, NULL), >=, 0);
}

static void driver_stop(fixture *f)
{
        drv->close(f->conn);
        f->conn = NULL;
        drv->state_cleanup();
}

static void driver_restart(fixture *f)
{
        driver_stop(f);
        driver_start(f);
}

static void setup(fixture *f, gconstpointer data)
{
        g_autoptr(GError) err = NULL;

        f->root = g_dir_make_tmp("vctl-qemu-test-XXXXXX", &err);
        g_assert_no_error(err);
        f->paths = vctl_paths_new(data == NULL, f->root);
        f->dir = g_build_filename(f->paths->config_dir, "qemu", NULL);
        f->events = g_string_new(NULL);
        driver_start(f);
}

static void rm_rf(const char *path)
{
        GDir *dir = g_dir_open(path, 0, NULL);
        const char *name;

        if (dir) {
                while ((name = g_dir_read_name(dir))) {
                        g_autofree char *child = g_build_filename(path, name, NULL);

                        if (g_file_test(child, G_FILE_TEST_IS_DIR) &&
                            !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
                                rm_rf(child);
                        else
                                g_unlink(child);
                }
                g_dir_close(dir);
        }
        g_rmdir(path);
}

static void teardown(fixture *f, gconstpointer data)
{
        if (f->conn)
                driver_stop(f);
        rm_rf(f->root);
        g_free(f->root);
        g_free(f->dir);
        vctl_paths_free(f->paths);
        g_string_free(f->events, TRUE);
}

static drv_domain *define(fixture *f, const char *name, const char *uuid, unsigned long long mem)
{
        g_autofree char *xml = domain_xml("kvm", name, uuid, mem);
        drv_domain *dom = drv->define_xml(f->conn, xml, 0);

        if (!dom)
                g_error("defining %s: %s", name, vctl_error_message());
        return dom;
}

static char *file_in(fixture *f, const char *name)
{
        return g_build_filename(f->dir, name, NULL);
}

static char *read_text(const char *path)
{
        g_autoptr(GError) err = NULL;
        char *text = NULL;

        g_file_get_contents(path, &text, NULL, &err);
        g_assert_no_error(err);
        return text;
}

static gint cmp_names(gconstpointer a, gconstpointer b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* the names in dir, sorted, space-separated */
static char *list_dir(const char *path)
{
        g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
        GDir *dir = g_dir_open(path, 0, NULL);
        const char *name;

        if (!dir)
                return g_strdup("");
        while ((name = g_dir_read_name(dir)))
                g_ptr_array_add(names, g_strdup(name));
        g_dir_close(dir);
        g_ptr_array_sort(names, cmp_names);
        g_ptr_array_add(names, NULL);
        return g_strjoinv(" ", (char **)names->pdata);
}

#define assert_error(code_, msg)                                                                   \
        do {                                                                                       \
                g_assert_nonnull(vctl_error_last());                                               \
                g_assert_cmpint(vctl_error_last()->code, ==, (code_));                             \
                g_assert_cmpstr(vctl_error_message(), ==, (msg));                                  \
        } while (0)

/* ---- tests ---- */

static void test_define_writes_file(fixture *f, gconstpointer data)
{
        g_autoptr(drv_domain) dom = define(f, "web1", UUID_A, 1048576);
        g_autofree char *path = file_in(f, "web1.xml");
        g_autofree char *text = NULL;
        g_autofree char *listing = NULL;
        g_autofree char *xml = NULL;
        vctl_domain_info info;
        struct stat st;
        int state = -1, reason = -1;

        check_events(f, "web1 0/0"); /* DEFINED/ADDED */
        g_assert_cmpint(dom->id, ==, -1);
        g_assert_cmpint(stat(path, &st), ==, 0);
        g_assert_true(S_ISREG(st.st_mode));
        g_assert_cmpint(st.st_mode & 07777, ==, 0600);
        listing = list_dir(f->dir);
        g_assert_cmpstr(listing, ==, "web1.xml"); /* no temp file left */
        text = read_text(path);
        g_assert_nonnull(strstr(text, "<name>web1</name>"));
        g_assert_nonnull(strstr(text, "<uuid>" UUID_A "</uuid>"));
        g_assert_true(g_str_has_prefix(text, "<domain type='kvm'>"));

        g_assert_cmpint(drv->get_state(f->conn, dom, &state, &reason), ==, 0);
        g_assert_cmpint(state, ==, VCTL_DOMAIN_SHUTOFF);
        g_assert_cmpint(reason, ==, VCTL_DOMAIN_SHUTOFF_UNKNOWN);
        g_assert_cmpint(drv->is_active(f->conn, dom), ==, 0);
        g_assert_cmpint(drv->is_persistent(f->conn, dom), ==, 1);
        g_assert_cmpint(drv->get_info(f->conn, dom, &info), ==, 0);
        g_assert_cmpint(info.state, ==, VCTL_DOMAIN_SHUTOFF);
        g_assert_cmpuint(info.max_mem_kib, ==, 1048576);
        g_assert_cmpuint(info.memory_kib, ==, 1048576);
        g_assert_cmpuint(info.nr_vcpus, ==, 2);
        g_assert_cmpuint(info.cpu_time_ns, ==, 0);
        xml = drv->get_xml_desc(f->conn, dom, 0);
        g_assert_cmpstr(xml, ==, text); /* what is stored is what is shown */
}

static void test_reload(fixture *f, gconstpointer data)
{
        g_autoptr(drv_domain) a = define(f, "web1", UUID_A, 1048576);
        g_autoptr(drv_domain) b = define(f, "web2", NULL, 524288);
        g_autoptr(drv_domain) a2 = NULL;
        g_autoptr(drv_domain) b2 = NULL;
        g_autoptr(GPtrArray) all = NULL;
        int autostart = -1;

        g_assert_cmpint(drv->set_autostart(f->conn, b, 1), ==, 0);
        driver_restart(f);
        g_assert_cmpint(drv->list_all_domains(f->conn, 0, &all), ==, 2);
        a2 = drv->lookup_by_name(f->conn, "web1");
        b2 = drv->lookup_by_name(f->conn, "web2");
        g_assert_nonnull(a2);
        g_assert_nonnull(b2);
        g_assert_cmpmem(a2->uuid, VCTL_UUID_LEN, a->uuid, VCTL_UUID_LEN);
        /* a generated UUID was stored and survives */
        g_assert_cmpmem(b2->uuid, VCTL_UUID_LEN, b->uuid, VCTL_UUID_LEN);
        g_assert_cmpint(drv->get_autostart(f->conn, a2, &autostart), ==, 0);
        g_assert_cmpint(autostart, ==, 0);
        g_assert_cmpint(drv->get_autostart(f->conn, b2, &autostart), ==, 0);
        g_assert_cmpint(autostart, ==, 1);
        check_events(f, ""); /* loading is not defining */
}

static void test_redefine(fixture *f, gconstpointer data)
{
        g_autoptr(drv_domain) dom = define(f, "web1", UUID_A, 1048576);
        g_autoptr(drv_domain) again = NULL;
        g_autofree char *path = file_in(f, "web1.xml");
        g_autofree char *before = NULL;
        g_autofree char *after = NULL;
        g_autofree char *other_uuid = domain_xml("kvm", "web1", UUID_B, 4096);
        g_autofree char *other_name = domain_xml("kvm", "web2", UUID_A, 4096);
        g_autofree char *listing = NULL;
        vctl_domain_info info;

        again = define(f, "web1", UUID_A, 2097152);
        check_events(f, "web1 0/0; web1 0/1"); /* ADDED, then UPDATED */
        g_assert_cmpmem(again->uuid, VCTL_UUID_LEN, dom->uuid, VCTL_UUID_LEN);
        g_assert_cmpint(drv->get_info(f->conn, again, &info), ==, 0);
        g_assert_cmpuint(info.max_mem_kib, ==, 2097152);
        before = read_text(path);
        g_assert_nonnull(strstr(before, "2097152"));

        g_assert_null(drv->define_xml(f->conn, other_uuid, 0));
        assert_error(VCTL_ERR_OPERATION_FAILED, "domain 'web1' already exists with UUID " UUID_A);
        g_assert_null(drv->define_xml(f->conn, other_name, 0));
        assert_error(VCTL_ERR_OPERATION_FAILED,
                     "domain with UUID " UUID_A " already exists as 'web1'");
        after = read_text(path);
        g_assert_cmpstr(after, ==, before);
        listing = list_dir(f->dir);
        g_assert_cmpstr(listing, ==, "web1.xml");
        check_events(f, "");

        driver_restart(f);
        g_clear_pointer(&again, drv_domain_free);
        again = drv->lookup_by_name(f->conn, "web1");
        g_assert_cmpmem(again->uuid, VCTL_UUID_LEN, dom->uuid, VCTL_UUID_LEN);
        g_assert_cmpint(drv->get_info(f->conn, again, &info), ==, 0);
        g_assert_cmpuint(info.max_mem_kib, ==, 2097152);
}

static void test_undefine(fixture *f, gconstpointer data)
{
        g_autoptr(drv_domain) dom = define(f, "web1", UUID_A, 1048576);
        g_autoptr(drv_domain) keep = define(f, "web2", UUID_B, 1048576);
        g_autofree char *path = file_in(f, "web1.xml");
        g_autofree char *link = file_in(f, "autostart/web1.xml");
        g_autofree char *listing = NULL;
        g_autoptr(GPtrArray) all = NULL;
        struct stat st;

        g_assert_cmpint(drv->set_autostart(f->conn, dom, 1), ==, 0);
        g_assert_cmpint(lstat(link, &st), ==, 0);
        check_events(f, "web1 0/0; web2 0/0");

        g_assert_cmpint(drv->undefine(f->conn, dom, 0), ==, 0);
        check_events(f, "web1 1/0"); /* UNDEFINED/REMOVED */
        g_assert_cmpint(lstat(path, &st), ==, -1);
        g_assert_cmpint(errno, ==, ENOENT);
        g_assert_cmpint(lstat(link, &st), ==, -1);
        g_assert_cmpint(errno, ==, ENOENT);
        listing = list_dir(f->dir);
        g_assert_cmpstr(listing, ==, "autostart web2.xml");
        g_assert_null(drv->lookup_by_name(f->conn, "web1"));
        assert_error(VCTL_ERR_NO_DOMAIN, "domain 'web1' not found");
        g_assert_cmpint(drv->undefine(f->conn, dom, 0), ==, -1);
        g_assert_cmpint(vctl_error_last()->code, ==, VCTL_ERR_NO_DOMAIN);

        driver_restart(f);
        g_assert_cmpint(drv->list_all_domains(f->conn, 0, &all), ==, 1);
        g_assert_cmpstr(((drv_domain *)all->pdata[0])->name, ==, "web2");
}

static void test_autostart(fixture *f, gconstpointer data)
{
        g_autoptr(drv_domain) dom = define(f, "web1", UUID_A, 1048576);
        g_autoptr(drv_domain) other = define(f, "web2", UUID_B, 1048576);
        g_autofree char *link = file_in(f, "autostart/web1.xml");
        g_autofree char *path = file_in(f, "web1.xml");
        g_autofree char *target = NULL;
        g_autofree char *through = NULL;
        g_autofree char *direct = NULL;
        g_autoptr(GPtrArray) on = NULL;
        g_autoptr(GPtrArray) off = NULL;
        int autostart = -1;
        struct stat st;

        g_assert_cmpint(drv->set_autostart(f->conn, dom, 1), ==, 0);
        g_assert_cmpint(lstat(link, &st), ==, 0);
        g_assert_true(S_ISLNK(st.st_mode));
        target = g_file_read_link(link, NULL);
        g_assert_cmpstr(target, ==, "../web1.xml");
        /* the link leads to the definition */
        through = read_text(link);
        direct = read_text(path);
        g_assert_cmpstr(through, ==, direct);
        g_assert_cmpint(drv->get_autostart(f->conn, dom, &autostart), ==, 0);
        g_assert_cmpint(autostart, ==, 1);
        /* setting it twice is fine */
        g_assert_cmpint(drv->set_autostart(f->conn, dom, 1), ==, 0);

        g_assert_cmpint(drv->list_all_domains(f->conn, VCTL_LIST_DOMAINS_AUTOSTART, &on), ==, 1);
        g_assert_cmpstr(((drv_domain *)on->pdata[0])->name, ==, "web1");
        g_assert_cmpint(drv->list_all_domains(f->conn, VCTL_LIST_DOMAINS_NO_AUTOSTART, &off), ==,
                        1);
        g_assert_cmpstr(((drv_domain *)off->pdata[0])->name, ==, "web2");

        g_assert_cmpint(drv->set_autostart(f->conn, dom, 0), ==, 0);
        g_assert_cmpint(lstat(link, &st), ==, -1);
        g_assert_cmpint(drv->get_autostart(f->conn, dom, &autostart), ==, 0);
        g_assert_cmpint(autostart, ==, 0);
        g_assert_cmpint(drv->set_autostart(f->conn, dom, 0), ==, 0);
        check_events(f, "web1 0/0; web2 0/0");
}

static void write_file(fixture *f, const char *name, const char *text)
{
        g_autofree char *path = file_in(f, name);
        g_autoptr(GError) err = NULL;

        g_file_set_contents(path, text, -1, &err);
        g_assert_no_error(err);
}

static void test_corrupt_files_skipped(fixture *f, gconstpointer data)
{
        g_autoptr(drv_domain) good = define(f, "good", UUID_A, 1048576);
        g_autofree char *wrong_name = domain_xml("kvm", "web9", NULL, 1024);
        g_autofree char *wrong_type = domain_xml("test", "tested", NULL, 1024);
        g_autofree char *same_uuid = domain_xml("kvm", "zz-dup", UUID_A, 1024);
        g_autofree char *plain = domain_xml("kvm", "plain", UUID_B, 1024);
        g_autoptr(GPtrArray) all = NULL;
        g_autoptr(drv_domain) found = NULL;

        write_file(f, "broken.xml", "<domain type='kvm'><name>broken</name>");
        write_file(f, "empty.xml", "");
        write_file(f, "other.xml", wrong_name);
        write_file(f, "tested.xml", wrong_type);
        write_file(f, "zz-dup.xml", same_uuid);
        write_file(f, ".plain.xml.Ab12Cd", plain); /* an interrupted write */
        write_file(f, "README", "not a definition");
        write_file(f, "plain.xml", plain);

        driver_restart(f);
        g_assert_cmpint(drv->list_all_domains(f->conn, 0, &all), ==, 2);
        g_assert_cmpstr(((drv_domain *)all->pdata[0])->name, ==, "good");
        g_assert_cmpstr(((drv_domain *)all->pdata[1])->name, ==, "plain");
        found = drv->lookup_by_name(f->conn, "good");
        g_assert_cmpmem(found->uuid, VCTL_UUID_LEN, good->uuid, VCTL_UUID_LEN);
}

static void test_mode_mismatch(fixture *f, gconstpointer data)
{
        gboolean session = data != NULL;

        if (session) {
                g_assert_null(drv->open("qemu:///system", 0));
                assert_error(VCTL_ERR_NO_CONNECT,
                             "this vctld serves qemu:///session; connect to qemu:///system (as "
                             "root, or as a user polkit allows) for the system's guests");
        } else {
                g_assert_null(drv->open("qemu:///session", 0));
                assert_error(VCTL_ERR_NO_CONNECT, "this vctld serves qemu:///system; connect to "
                                                  "qemu:///session for your own guests");
                /* a socket parameter does not change the path */
                drv_conn *c = drv->open("qemu:///system?socket=/run/vctl/vctld-sock", 0);
                g_assert_nonnull(c);
                drv->close(c);
        }
        g_assert_null(drv->open("qemu:///embed", 0));
        assert_error(VCTL_ERR_NO_CONNECT,
                     "unknown QEMU URI 'qemu:///embed' (use qemu:///system or qemu:///session)");

        driver_stop(f);
        g_assert_null(drv->open("qemu:///system", 0));
        assert_error(VCTL_ERR_NO_CONNECT, "the QEMU driver does not run in this process (connect "
                                          "to vctld through 'qemu:///system')");
}

static void test_session_store(fixture *f, gconstpointer data)
{
        g_autoptr(drv_domain) dom = define(f, "mine", NULL, 1048576);
        g_autofree char *path = file_in(f, "mine.xml");

        g_assert_false(f->paths->system);
        g_assert_true(g_str_has_prefix(f->dir, f->root));
        g_assert_true(g_file_test(path, G_FILE_TEST_IS_REGULAR));
}

/* QEMU is not in PATH (see main): starting fails cleanly */
static void test_start_refused(fixture *f, gconstpointer data)
{
        g_autoptr(drv_domain) dom = define(f, "web1", UUID_A, 1048576);
        g_autofree char *xml = domain_xml("kvm", "web2", NULL, 1024);
        g_autofree char *test_xml = domain_xml("test", "web3", NULL, 1024);
        g_autofree char *listing = NULL;
        int state = -1, reason = -1;

        g_assert_cmpint(drv->create(f->conn, dom, 0), ==, -1);
        assert_error(VCTL_ERR_CONFIG_UNSUPPORTED,
                     "qemu-system-x86_64 is not installed or does not run (Debian: install "
                     "qemu-system-x86)");
        g_assert_cmpint(vctl_error_last()->domain, ==, VCTL_FROM_QEMU);
        g_assert_cmpint(dom->id, ==, -1);
        g_assert_cmpint(drv->get_state(f->conn, dom, &state, &reason), ==, 0);
        g_assert_cmpint(state, ==, VCTL_DOMAIN_SHUTOFF);
        g_assert_cmpint(reason, ==, VCTL_DOMAIN_SHUTOFF_FAILED);
        g_assert_null(drv->create_xml(f->conn, xml, 0));
        assert_error(VCTL_ERR_CONFIG_UNSUPPORTED,
                     "qemu-system-x86_64 is not installed or does not run (Debian: install "
                     "qemu-system-x86)");
        /* a transient domain that did not start is gone */
        g_assert_null(drv->lookup_by_name(f->conn, "web2"));

        g_assert_cmpint(drv->destroy(f->conn, dom, 0), ==, -1);
        assert_error(VCTL_ERR_OPERATION_INVALID, "domain 'web1' is not running");
        g_assert_cmpint(drv->shutdown(f->conn, dom, 0), ==, -1);
        assert_error(VCTL_ERR_OPERATION_INVALID, "domain 'web1' is not running");
        g_assert_cmpint(drv->reboot(f->conn, dom, 0), ==, -1);
        assert_error(VCTL_ERR_OPERATION_INVALID, "domain 'web1' is not running");
        g_assert_cmpint(drv->reset(f->conn, dom, 0), ==, -1);
        assert_error(VCTL_ERR_OPERATION_INVALID, "domain 'web1' is not running");
        g_assert_cmpint(drv->suspend(f->conn, dom), ==, -1);
        assert_error(VCTL_ERR_OPERATION_INVALID, "domain 'web1' is not running");
        g_assert_cmpint(drv->resume(f->conn, dom), ==, -1);
        assert_error(VCTL_ERR_OPERATION_INVALID, "domain 'web1' is not running");
        /* the QEMU driver runs kvm and qemu domains only */
        g_assert_null(drv->define_xml(f->conn, test_xml, 0));
        assert_error(VCTL_ERR_CONFIG_UNSUPPORTED,
                     "domain 'web3': virtualization type 'test' is not supported by the QEMU "
                     "driver (use <domain type='kvm'> or <domain type='qemu'>)");
        listing = list_dir(f->dir);
        g_assert_cmpstr(listing, ==, "web1.xml");
        check_events(f, "web1 0/0");
}

static void test_lookups_and_list(fixture *f, gconstpointer data)
{
        g_autoptr(drv_domain) a = define(f, "b-second", UUID_B, 1048576);
        g_autoptr(drv_domain) b = define(f, "a-first", UUID_A, 1048576);
        g_autoptr(drv_domain) found = NULL;
        g_autoptr(GPtrArray) all = NULL;
        g_autoptr(GPtrArray) active = NULL;
        g_autoptr(GPtrArray) inactive = NULL;
        unsigned char uuid[VCTL_UUID_LEN];

        g_assert_cmpint(drv->list_all_domains(f->conn, 0, &all), ==, 2);
        g_assert_cmpstr(((drv_domain *)all->pdata[0])->name, ==, "a-first");
        g_assert_cmpstr(((drv_domain *)all->pdata[1])->name, ==, "b-second");
        g_assert_cmpint(drv->list_all_domains(f->conn, VCTL_LIST_DOMAINS_ACTIVE, &active), ==, 0);
        g_assert_cmpint(drv->list_all_domains(f->conn, VCTL_LIST_DOMAINS_SHUTOFF, &inactive), ==,
                        2);
        vctl_uuid_parse(UUID_B, uuid);
        found = drv->lookup_by_uuid(f->conn, uuid);
        g_assert_cmpstr(found->name, ==, "b-second");
        g_assert_null(drv->lookup_by_id(f->conn, 1));
        assert_error(VCTL_ERR_NO_DOMAIN, "no running domain with id 1");
        g_assert_null(drv->lookup_by_name(f->conn, "nope"));
        assert_error(VCTL_ERR_NO_DOMAIN, "domain 'nope' not found");
}

static char *saved_path; /* PATH before main() hid QEMU */

static void test_host(fixture *f, gconstpointer data)
{
        const char *rng = "/usr/share/libvirt/schemas/capability.rng";
        g_autofree char *caps = NULL;
        g_autofree char *qemu = NULL;
        unsigned long long version = 1;
        vctl_node_info info;
        xmlDoc *doc;

        /* the host's real QEMU, if any, for its capabilities and version */
        g_setenv("PATH", saved_path, TRUE);
        caps = drv->get_capabilities(f->conn);
        qemu = g_find_program_in_path("qemu-system-x86_64");
        g_assert_nonnull(strstr(caps, "<domain type='qemu'/>"));
        if (qemu)
                g_assert_nonnull(strstr(caps, "<machine canonical="));
        g_assert_nonnull(strstr(caps, "<arch name='x86_64'>"));
        doc = xmlReadMemory(caps, (int)strlen(caps), "caps.xml", NULL, XML_PARSE_NONET);
        g_assert_nonnull(doc);
        if (g_file_test(rng, G_FILE_TEST_EXISTS)) {
                xmlRelaxNGParserCtxt *pctx = xmlRelaxNGNewParserCtxt(rng);
                xmlRelaxNG *schema = xmlRelaxNGParse(pctx);
                xmlRelaxNGValidCtxt *vctx = xmlRelaxNGNewValidCtxt(schema);

                g_assert_cmpint(xmlRelaxNGValidateDoc(vctx, doc), ==, 0);
                xmlRelaxNGFreeValidCtxt(vctx);
                xmlRelaxNGFree(schema);
                xmlRelaxNGFreeParserCtxt(pctx);
        }
        xmlFreeDoc(doc);

        g_assert_cmpint(drv->get_version(f->conn, &version), ==, 0);
        if (qemu)
                g_assert_cmpuint(version, >=, 1000000);
        else
                g_assert_cmpuint(version, ==, 0);

        g_assert_cmpint(drv->node_get_info(f->conn, &info), ==, 0);
        g_assert_cmpuint(info.cpus, >, 0);
        g_assert_cmpuint(info.memory_kib, >, 0);
        g_assert_cmpstr(info.model, !=, "");
        g_setenv("PATH", "/nonexistent", TRUE);
}

/* Validates xml against libvirt's schema rng when Debian's libvirt ships it. */
static void assert_valid(const char *xml, const char *rng)
{
        xmlDoc *doc = xmlReadMemory(xml, (int)strlen(xml), "doc.xml", NULL, XML_PARSE_NONET);

        g_assert_nonnull(doc);
        if (g_file_test(rng, G_FILE_TEST_EXISTS)) {
                xmlRelaxNGParserCtxt *pctx = xmlRelaxNGNewParserCtxt(rng);
                xmlRelaxNG *schema = xmlRelaxNGParse(pctx);
                xmlRelaxNGValidCtxt *vctx = xmlRelaxNGNewValidCtxt(schema);

                if (xmlRelaxNGValidateDoc(vctx, doc) != 0)
                        g_error("not valid against %s:\n%s", rng, xml);
                xmlRelaxNGFreeValidCtxt(vctx);
                xmlRelaxNGFree(schema);
                xmlRelaxNGFreeParserCtxt(pctx);
        } else {
                g_test_message("%s is missing (Debian: libvirt-daemon); not validated", rng);
        }
        xmlFreeDoc(doc);
}

#define DOMCAPS_RNG "/usr/share/libvirt/schemas/domaincaps.rng"

static qemu_caps *fake_caps(gboolean kvm)
{
        static const char *const machines[][2] = {
                {"pc", "pc-i440fx-7.2"}, {"pc-i440fx-7.2", ""}, {"q35", "pc-q35-7.2"},
                {"pc-q35-7.2", ""},      {"isapc", ""},
        };
        static const char *const cpus[] = {"qemu64", "Skylake-Client", "EPYC", "max", "host"};
        qemu_caps *caps = g_new0(qemu_caps, 1);

        caps->binary = g_strdup("/usr/bin/qemu-system-x86_64");
        caps->version = 7002000;
        caps->kvm_usable = kvm;
        if (!kvm)
                caps->kvm_reason = g_strdup("/dev/kvm does not exist");
        caps->machines = g_ptr_array_new_with_free_func(g_free);
        caps->canonical = g_ptr_array_new_with_free_func(g_free);
        for (size_t i = 0; i < G_N_ELEMENTS(machines); i++) {
                g_ptr_array_add(caps->machines, g_strdup(machines[i][0]));
                g_ptr_array_add(caps->canonical, g_strdup(machines[i][1]));
        }
        caps->cpu_models = g_ptr_array_new_with_free_func(g_free);
        for (size_t i = 0; i < G_N_ELEMENTS(cpus); i++)
                g_ptr_array_add(caps->cpu_models, g_strdup(cpus[i]));
        return caps;
}

static void test_domcaps(void)
{
        g_autoptr(qemu_caps) tcg = fake_caps(FALSE);
        g_autoptr(qemu_caps) kvm = fake_caps(TRUE);
        g_autoptr(GPtrArray) fw = g_ptr_array_new_with_free_func(g_free);
        g_autofree char *pc = NULL, *q35 = NULL, *onkvm = NULL, *same = NULL;

        g_ptr_array_add(fw, g_strdup("/usr/share/OVMF/OVMF_CODE_4M.fd"));

        /* defaults: pc, and qemu where KVM is unusable */
        pc = qemu_domcaps_format(tcg, fw, NULL, NULL, NULL, NULL);
        g_assert_nonnull(pc);
        assert_valid(pc, DOMCAPS_RNG);
        g_assert_nonnull(strstr(pc, "<domain>qemu</domain>"));
        g_assert_nonnull(strstr(pc, "<machine>pc-i440fx-7.2</machine>"));
        g_assert_nonnull(strstr(pc, "<vcpu max='255'/>"));
        g_assert_nonnull(strstr(pc, "<path>/usr/bin/qemu-system-x86_64</path>"));
        g_assert_nonnull(strstr(pc, "<value>/usr/share/OVMF/OVMF_CODE_4M.fd</value>"));
        g_assert_nonnull(strstr(pc, "<mode name='host-passthrough' supported='no'/>"));
        g_assert_nonnull(
                strstr(pc, "<model usable='unknown' vendor='Intel'>Skylake-Client</model>"));
        g_assert_nonnull(strstr(pc, "<model usable='unknown' vendor='AMD'>EPYC</model>"));
        g_assert_null(strstr(pc, ">max</model>"));
        g_assert_null(strstr(pc, ">host</model>"));
        g_assert_nonnull(strstr(pc, "<value>ide</value>"));
        g_assert_nonnull(strstr(pc, "<hostdev supported='no'/>"));
        /* no firmware autoselection: clients must pick a <loader> path */
        g_assert_null(strstr(pc, "<value>efi</value>"));

        /* q35 by alias: canonical name, no IDE, secure boot possible */
        q35 = qemu_domcaps_format(tcg, fw, "/usr/bin/qemu-system-x86_64", "x86_64", "q35", "qemu");
        g_assert_nonnull(q35);
        assert_valid(q35, DOMCAPS_RNG);
        g_assert_nonnull(strstr(q35, "<machine>pc-q35-7.2</machine>"));
        g_assert_nonnull(strstr(q35, "<vcpu max='288'/>"));
        g_assert_null(strstr(q35, "<value>ide</value>"));
        g_assert_nonnull(strstr(q35, "<enum name='secure'>\n        <value>yes</value>"));
        same = qemu_domcaps_format(tcg, fw, NULL, NULL, "pc-q35-7.2", NULL);
        g_assert_cmpstr(same, ==, q35);

        /* KVM where the probe proved it: the default, with host-passthrough */
        onkvm = qemu_domcaps_format(kvm, NULL, NULL, NULL, NULL, NULL);
        g_assert_nonnull(onkvm);
        assert_valid(onkvm, DOMCAPS_RNG);
        g_assert_nonnull(strstr(onkvm, "<domain>kvm</domain>"));
        g_assert_nonnull(strstr(onkvm, "<mode name='host-passthrough' supported='yes'>"));

        /* refusals, each naming the cause */
        g_assert_null(qemu_domcaps_format(tcg, fw, NULL, NULL, NULL, "kvm"));
        assert_error(VCTL_ERR_CONFIG_UNSUPPORTED,
                     "virtualization type 'kvm' is not usable on this host: /dev/kvm does not "
                     "exist (ask for virttype 'qemu')");
        g_assert_null(qemu_domcaps_format(tcg, fw, NULL, NULL, NULL, "xen"));
        assert_error(VCTL_ERR_INVALID_ARG, "virtualization type 'xen' is not supported by the "
                                           "QEMU driver (use 'kvm' or 'qemu')");
        g_assert_null(qemu_domcaps_format(tcg, fw, NULL, NULL, "virt", NULL));
        assert_error(VCTL_ERR_INVALID_ARG,
                     "machine type 'virt' is not supported by '/usr/bin/qemu-system-x86_64' (see "
                     "the <machine> list of 'vctl capabilities')");
        g_assert_null(qemu_domcaps_format(tcg, fw, NULL, "aarch64", NULL, NULL));
        assert_error(VCTL_ERR_INVALID_ARG, "architecture 'aarch64' is not supported by "
                                           "'/usr/bin/qemu-system-x86_64' (only x86_64 is)");
        g_assert_null(qemu_domcaps_format(tcg, fw, "/usr/bin/qemu-system-arm", NULL, NULL, NULL));
        assert_error(VCTL_ERR_INVALID_ARG, "emulator '/usr/bin/qemu-system-arm' is not supported "
                                           "(vctl runs '/usr/bin/qemu-system-x86_64')");
}

/* The driver entry with the host's real QEMU, if any. */
static void test_domcaps_host(fixture *f, gconstpointer data)
{
        g_autofree char *xml = NULL, *qemu = NULL;

        g_setenv("PATH", saved_path, TRUE);
        xml = drv->get_domain_capabilities(f->conn, NULL, NULL, NULL, "qemu", 0);
        qemu = g_find_program_in_path("qemu-system-x86_64");
        if (!qemu) {
                g_assert_null(xml);
                assert_error(VCTL_ERR_CONFIG_UNSUPPORTED,
                             "qemu-system-x86_64 is not installed or does not run (Debian: "
                             "install qemu-system-x86)");
        } else {
                g_assert_nonnull(xml);
                assert_valid(xml, DOMCAPS_RNG);
                g_assert_nonnull(strstr(xml, "<domain>qemu</domain>"));
        }
        g_assert_null(drv->get_domain_capabilities(f->conn, NULL, NULL, NULL, NULL, 1));
        g_assert_cmpint(vctl_error_last()->code, ==, VCTL_ERR_INVALID_ARG);
        vctl_error_clear();
        g_setenv("PATH", "/nonexistent", TRUE);
}

/* A fake /sys with bridge loaded, and the host's module directory: a dry
 * run names what state_init would load, and nothing enters the kernel. */
static void test_modules(void)
{
        g_autoptr(GError) err = NULL;
        g_autofree char *root = g_dir_make_tmp("vctl-qemu-mod-XXXXXX", &err);
        g_autofree char *bridge = NULL, *initstate = NULL, *moddir = NULL;
        g_auto(GStrv) would = NULL;
        g_auto(GStrv) none = NULL;
        struct utsname u;
        int r;

        g_assert_no_error(err);
        bridge = g_build_filename(root, "sys/module/bridge", NULL);
        g_assert_cmpint(g_mkdir_with_parents(bridge, 0755), ==, 0);
        initstate = g_build_filename(bridge, "initstate", NULL);
        g_assert_true(g_file_set_contents(initstate, "live\n", -1, NULL));

        /* no module directory under the root: nothing to load, no error */
        g_assert_cmpint(qemu_modules_load(root, NULL, KMOD_MODULES_LOAD_DRY_RUN, &none), ==, 0);
        g_assert_nonnull(none);
        g_assert_cmpuint(g_strv_length(none), ==, 0);
        g_assert_null(vctl_error_last());

        g_assert_cmpint(uname(&u), ==, 0);
        moddir = g_build_filename("/lib/modules", u.release, NULL);
        if (!g_file_test(moddir, G_FILE_TEST_IS_DIR)) {
                /* a container's kernel may not match the installed modules */
                g_autoptr(GDir) d = g_dir_open("/lib/modules", 0, NULL);
                const char *name = d ? g_dir_read_name(d) : NULL;

                g_free(moddir);
                moddir = name ? g_build_filename("/lib/modules", name, NULL) : NULL;
        }
        if (moddir && g_file_test(moddir, G_FILE_TEST_IS_DIR)) {
                r = qemu_modules_load(root, moddir, KMOD_MODULES_LOAD_DRY_RUN, &would);
                g_assert_cmpint(r, >=, 0);
                g_assert_cmpuint(g_strv_length(would), ==, (guint)r);
                g_assert_false(g_strv_contains((const char *const *)would, "br_netfilter"));
                g_assert_false(g_strv_contains((const char *const *)would, "bridge"));
        } else {
                g_test_message("no module directory in /lib/modules: dry run with modules skipped");
        }
        rm_rf(root);
}

static void test_parse_version(void)
{
        g_assert_cmpuint(qemu_host_parse_version("QEMU emulator version 7.2.9 (Debian "
                                                 "1:7.2+dfsg-7+deb12u6)\nCopyright (c) 2003-2022"),
                         ==, 7002009);
        g_assert_cmpuint(qemu_host_parse_version("QEMU emulator version 8.1.0\n"), ==, 8001000);
        g_assert_cmpuint(qemu_host_parse_version("QEMU emulator version 9.0"), ==, 9000000);
        g_assert_cmpuint(qemu_host_parse_version("something else"), ==, 0);
        g_assert_cmpuint(qemu_host_parse_version(NULL), ==, 0);
}

int main(int argc, char **argv)
{
        static const int session = 1;

        g_test_init(&argc, &argv, NULL);
        /* no QEMU: autostart and start must fail here, never run a guest */
        saved_path = g_strdup(g_getenv("PATH") ? g_getenv("PATH") : "/usr/bin:/bin");
        g_setenv("PATH", "/nonexistent", TRUE);
#define ADD(path, fn, data) g_test_add("/driver/qemu/" path, fixture, data, setup, fn, teardown)
        ADD("define-writes-file", test_define_writes_file, NULL);
        ADD("reload", test_reload, NULL);
        ADD("redefine", test_redefine, NULL);
        ADD("undefine", test_undefine, NULL);
        ADD("autostart", test_autostart, NULL);
        ADD("corrupt-files-skipped", test_corrupt_files_skipped, NULL);
        ADD("mode-mismatch/system", test_mode_mismatch, NULL);
        ADD("mode-mismatch/session", test_mode_mismatch, &session);
        ADD("session-store", test_session_store, &session);
        ADD("start-refused", test_start_refused, NULL);
        ADD("lookups-and-list", test_lookups_and_list, NULL);
        ADD("host", test_host, NULL);
        ADD("domcaps-host", test_domcaps_host, NULL);
#undef ADD
        g_test_add_func("/driver/qemu/parse-version", test_parse_version);
        g_test_add_func("/driver/qemu/domcaps", test_domcaps);
        g_test_add_func("/driver/qemu/modules", test_modules);
        return g_test_run();
}
