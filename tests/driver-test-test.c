/* The test driver (test:///default) and the shared domain store and event
 * registry under it: the seeded domain, every lifecycle transition with its
 * (state, reason) and events, invalid transitions, transient and persistent
 * rules, name/UUID collisions, listing flags, ids, and concurrency. */
#include "config.h"

#include "driver/driver.h"
#include "lib/util/error.h"

#include <libxml/relaxng.h>
#include <string.h>

#define SEED_UUID "6695eb01-f6a4-8304-79aa-97f2502e193f"
#define UUID_A    "11111111-2222-3333-4444-555555555555"
#define UUID_B    "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"

static const vctl_driver *drv = &vctl_test_driver;

/* ---- helpers ---- */

static char *domain_xml(const char *name, const char *uuid, unsigned long long mem_kib)
{
        return g_strdup_printf("<domain type='test'>\n"
                               "  <name>%s</name>\n"
                               "  %s%s%s\n"
                               "  <memory unit='KiB'>%llu</memory>\n"
                               "  <vcpu>1</vcpu>\n"
                               "  <os>\n"
                               "    <type>hvm</type>\n"
                               "  </os>\n"
                               "</domain>\n",
                               name, uuid ? "<uuid>" : "", uuid ? uuid : "", uuid ? "</uuid>" : "",
                               mem_kib);
}

static drv_domain *define(drv_conn *conn, const char *name, const char *uuid)
{
        g_autofree char *xml = domain_xml(name, uuid, 65536);
        drv_domain *dom = drv->define_xml(conn, xml, 0);

        if (!dom)
                g_error("defining %s: %s", name, vctl_error_message());
        return dom;
}

static drv_domain *create_xml(drv_conn *conn, const char *name, const char *uuid,
                              unsigned int flags)
{
        g_autofree char *xml = domain_xml(name, uuid, 65536);
        drv_domain *dom = drv->create_xml(conn, xml, flags);

        if (!dom)
                g_error("creating %s: %s", name, vctl_error_message());
        return dom;
}

static drv_conn *open_test(void)
{
        drv_conn *conn = drv->open("test:///default", 0);

        if (!conn)
                g_error("opening test:///default: %s", vctl_error_message());
        return conn;
}

#define assert_state(conn, dom, st, rs)                                                            \
        do {                                                                                       \
                int state_ = -1, reason_ = -1;                                                     \
                g_assert_cmpint(drv->get_state((conn), (dom), &state_, &reason_), ==, 0);          \
                g_assert_cmpint(state_, ==, (st));                                                 \
                g_assert_cmpint(reason_, ==, (rs));                                                \
        } while (0)

#define assert_error(code_, msg)                                                                   \
        do {                                                                                       \
                g_assert_nonnull(vctl_error_last());                                               \
                g_assert_cmpint(vctl_error_last()->code, ==, (code_));                             \
                g_assert_cmpstr(vctl_error_message(), ==, (msg));                                  \
        } while (0)

/* ---- an event recorder ---- */

static const char *const event_names[] = {"DEFINED", "UNDEFINED", "STARTED",  "SUSPENDED",
                                          "RESUMED", "STOPPED",   "SHUTDOWN", NULL};
static const char *const *detail_names[] = {
        (const char *const[]){"ADDED", "UPDATED", NULL},
        (const char *const[]){"REMOVED", NULL},
        (const char *const[]){"BOOTED", NULL},
        (const char *const[]){"PAUSED", NULL},
        (const char *const[]){"UNPAUSED", NULL},
        (const char *const[]){"SHUTDOWN", "DESTROYED", "CRASHED", NULL},
        (const char *const[]){"FINISHED", "GUEST", "HOST", NULL},
};

typedef struct recorder {
        GMutex lock;
        GString *log; /* "name EVENT/DETAIL id; ..." */
        int freed;
} recorder;

static void record_event(const drv_domain *dom, int event, int detail, void *opaque)
{
        recorder *rec = opaque;
        const char *ev = event >= 0 && event <= 6 ? event_names[event] : "?";
        const char *det = "?";

        if (event >= 0 && event <= 6)
                for (int i = 0; detail_names[event][i]; i++)
                        if (i == detail)
                                det = detail_names[event][i];
        g_mutex_lock(&rec->lock);
        g_string_append_printf(rec->log, "%s%s %s/%s %d", rec->log->len ? "; " : "", dom->name, ev,
                               det, dom->id);
        g_mutex_unlock(&rec->lock);
}

static void recorder_freed(void *opaque)
{
        recorder *rec = opaque;

        g_atomic_int_inc(&rec->freed);
}

static recorder *recorder_new(void)
{
        recorder *rec = g_new0(recorder, 1);

        g_mutex_init(&rec->lock);
        rec->log = g_string_new(NULL);
        return rec;
}

static void recorder_free(recorder *rec)
{
        g_string_free(rec->log, TRUE);
        g_mutex_clear(&rec->lock);
        g_free(rec);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(recorder, recorder_free)

/* Asserts what was recorded since the last check, and forgets it. */
static void recorder_check(recorder *rec, const char *expected)
{
        g_mutex_lock(&rec->lock);
        g_assert_cmpstr(rec->log->str, ==, expected);
        g_string_truncate(rec->log, 0);
        g_mutex_unlock(&rec->lock);
}

/* ---- tests ---- */

static void test_driver_for_uri(void)
{
        g_assert_true(vctl_driver_for_uri("qemu:///system") == &vctl_qemu_driver);
        g_assert_true(vctl_driver_for_uri("qemu:///session") == &vctl_qemu_driver);
        g_assert_true(vctl_driver_for_uri("qemu+unix:///system?socket=/x") == &vctl_qemu_driver);
        g_assert_true(vctl_driver_for_uri("qemu+tls://host/system") == &vctl_qemu_driver);
        g_assert_true(vctl_driver_for_uri("test:///default") == &vctl_test_driver);
        g_assert_true(vctl_driver_for_uri("test+unix:///default") == &vctl_test_driver);
        g_assert_cmpstr(vctl_test_driver.type, ==, "Test");
        g_assert_cmpstr(vctl_qemu_driver.type, ==, "QEMU");

        vctl_error_clear();
        g_assert_null(vctl_driver_for_uri("xen:///system"));
        assert_error(VCTL_ERR_NO_CONNECT, "no driver for URI 'xen:///system' (vctl serves "
                                          "qemu:///system, qemu:///session and test:///default)");
        g_assert_null(vctl_driver_for_uri("qemux:///system"));
        g_assert_null(vctl_driver_for_uri("default"));
        g_assert_null(vctl_driver_for_uri(""));
        g_assert_null(vctl_driver_for_uri(NULL));
}

static void test_open_errors(void)
{
        g_assert_null(drv->open("test:///tmp/custom.xml", 0));
        assert_error(VCTL_ERR_NO_CONNECT,
                     "the test driver serves only test:///default, not 'test:///tmp/custom.xml'");
        g_assert_null(drv->open("test:///default", 1u << 7));
        g_assert_cmpint(vctl_error_last()->code, ==, VCTL_ERR_INVALID_ARG);
}

static void test_seeded(void)
{
        drv_conn *conn = open_test();
        g_autoptr(drv_domain) dom = drv->lookup_by_name(conn, "test");
        g_autoptr(drv_domain) by_id = NULL;
        g_autoptr(drv_domain) by_uuid = NULL;
        g_autoptr(GPtrArray) all = NULL;
        g_autofree char *xml = NULL;
        g_autofree char *inactive = NULL;
        vctl_domain_info info, later;
        char uuid[VCTL_UUID_STRING_LEN];
        unsigned long long version = 0;
        int autostart = -1;

        g_assert_nonnull(dom);
        g_assert_cmpstr(vctl_uuid_format(dom->uuid, uuid), ==, SEED_UUID);
        g_assert_cmpint(dom->id, ==, 1);
        by_id = drv->lookup_by_id(conn, 1);
        g_assert_nonnull(by_id);
        g_assert_cmpstr(by_id->name, ==, "test");
        by_uuid = drv->lookup_by_uuid(conn, dom->uuid);
        g_assert_nonnull(by_uuid);
        g_assert_cmpstr(by_uuid->name, ==, "test");

        assert_state(conn, dom, VCTL_DOMAIN_RUNNING, VCTL_DOMAIN_RUNNING_BOOTED);
        g_assert_cmpint(drv->is_active(conn, dom), ==, 1);
        g_assert_cmpint(drv->is_persistent(conn, dom), ==, 1);
        g_assert_cmpint(drv->get_autostart(conn, dom, &autostart), ==, 0);
        g_assert_cmpint(autostart, ==, 0);

        g_assert_cmpint(drv->get_info(conn, dom, &info), ==, 0);
        g_assert_cmpint(info.state, ==, VCTL_DOMAIN_RUNNING);
        g_assert_cmpuint(info.max_mem_kib, ==, 8388608);
        g_assert_cmpuint(info.memory_kib, ==, 2097152);
        g_assert_cmpuint(info.nr_vcpus, ==, 2);
        g_usleep(2000);
        g_assert_cmpint(drv->get_info(conn, dom, &later), ==, 0);
        g_assert_cmpuint(later.cpu_time_ns, >, info.cpu_time_ns);

        xml = drv->get_xml_desc(conn, dom, 0);
        g_assert_nonnull(xml);
        g_assert_true(g_str_has_prefix(xml, "<domain type='test' id='1'>\n"));
        g_assert_nonnull(strstr(xml, "<name>test</name>"));
        g_assert_nonnull(strstr(xml, "<uuid>" SEED_UUID "</uuid>"));
        g_assert_nonnull(strstr(xml, "<memory unit='KiB'>8388608</memory>"));
        g_assert_nonnull(strstr(xml, "<currentMemory unit='KiB'>2097152</currentMemory>"));
        g_assert_nonnull(strstr(xml, ">2</vcpu>"));
        g_assert_nonnull(strstr(xml, ">hvm</type>"));
        g_assert_nonnull(strstr(xml, "<disk "));
        g_assert_nonnull(strstr(xml, "<interface "));
        inactive = drv->get_xml_desc(conn, dom, VCTL_DOMAIN_XML_INACTIVE);
        g_assert_true(g_str_has_prefix(inactive, "<domain type='test'>\n"));

        g_assert_cmpint(drv->list_all_domains(conn, 0, &all), ==, 1);
        g_assert_cmpstr(((drv_domain *)all->pdata[0])->name, ==, "test");

        g_assert_cmpint(drv->get_version(conn, &version), ==, 0);
        g_assert_cmpuint(version, ==, 2);
        drv->close(conn);
}

static void test_node_info(void)
{
        drv_conn *conn = open_test();
        vctl_node_info info;

        g_assert_cmpint(drv->node_get_info(conn, &info), ==, 0);
        g_assert_cmpstr(info.model, ==, "i686");
        g_assert_cmpuint(info.memory_kib, ==, 3 * 1024 * 1024);
        g_assert_cmpuint(info.cpus, ==, 16);
        g_assert_cmpuint(info.mhz, ==, 1400);
        g_assert_cmpuint(info.nodes, ==, 2);
        g_assert_cmpuint(info.sockets, ==, 2);
        g_assert_cmpuint(info.cores, ==, 2);
        g_assert_cmpuint(info.threads, ==, 2);
        g_assert_cmpuint(info.nodes * info.sockets * info.cores * info.threads, ==, info.cpus);
        drv->close(conn);
}

/* the document must be well-formed and, where libvirt's schema is installed, valid */
static void test_capabilities(void)
{
        const char *rng = "/usr/share/libvirt/schemas/capability.rng";
        drv_conn *conn = open_test();
        g_autofree char *caps = drv->get_capabilities(conn);
        xmlDoc *doc;

        drv->close(conn);
        g_assert_nonnull(caps);
        g_assert_nonnull(strstr(caps, "<uuid>"));
        g_assert_nonnull(strstr(caps, "<arch name='x86_64'>"));
        g_assert_nonnull(strstr(caps, "<os_type>hvm</os_type>"));
        g_assert_nonnull(strstr(caps, "<domain type='test'/>"));
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
        } else {
                g_test_message("%s not installed; checked well-formedness only", rng);
        }
        xmlFreeDoc(doc);
}

/* libvirt's minimal document: valid, and refusing what the test host lacks */
static void test_domain_capabilities(void)
{
        const char *rng = "/usr/share/libvirt/schemas/domaincaps.rng";
        drv_conn *conn = open_test();
        g_autofree char *caps = drv->get_domain_capabilities(conn, NULL, NULL, NULL, NULL, 0);
        g_autofree char *i686 = drv->get_domain_capabilities(conn, NULL, "i686", NULL, "test", 0);
        xmlDoc *doc;

        g_assert_nonnull(caps);
        g_assert_nonnull(strstr(caps, "<domain>test</domain>"));
        g_assert_nonnull(strstr(caps, "<arch>x86_64</arch>"));
        g_assert_nonnull(strstr(i686, "<arch>i686</arch>"));
        g_assert_null(drv->get_domain_capabilities(conn, NULL, NULL, NULL, "kvm", 0));
        g_assert_cmpint(vctl_error_last()->code, ==, VCTL_ERR_INVALID_ARG);
        g_assert_null(drv->get_domain_capabilities(conn, NULL, "aarch64", NULL, NULL, 0));
        g_assert_cmpstr(vctl_error_message(), ==,
                        "architecture 'aarch64' is not supported by the test driver (use 'i686' "
                        "or 'x86_64')");
        g_assert_null(drv->get_domain_capabilities(conn, NULL, NULL, NULL, NULL, 4));
        vctl_error_clear();
        drv->close(conn);
        doc = xmlReadMemory(caps, (int)strlen(caps), "domcaps.xml", NULL, XML_PARSE_NONET);
        g_assert_nonnull(doc);
        if (g_file_test(rng, G_FILE_TEST_EXISTS)) {
                xmlRelaxNGParserCtxt *pctx = xmlRelaxNGNewParserCtxt(rng);
                xmlRelaxNG *schema = xmlRelaxNGParse(pctx);
                xmlRelaxNGValidCtxt *vctx = xmlRelaxNGNewValidCtxt(schema);

                g_assert_cmpint(xmlRelaxNGValidateDoc(vctx, doc), ==, 0);
                xmlRelaxNGFreeValidCtxt(vctx);
                xmlRelaxNGFree(schema);
                xmlRelaxNGFreeParserCtxt(pctx);
        } else {
                g_test_message("%s not installed; checked well-formedness only", rng);
        }
        xmlFreeDoc(doc);
}

static void test_shared_instance(void)
{
        drv_conn *a = open_test();
        drv_conn *b = open_test();
        g_autoptr(drv_domain) dom = define(a, "shared1", NULL);
        g_autoptr(drv_domain) seen = drv->lookup_by_name(b, "shared1");
        g_autoptr(drv_domain) gone = NULL;

        g_assert_nonnull(seen);
        g_assert_cmpmem(seen->uuid, VCTL_UUID_LEN, dom->uuid, VCTL_UUID_LEN);
        drv->close(a);
        g_clear_pointer(&seen, drv_domain_free);
        seen = drv->lookup_by_name(b, "shared1");
        g_assert_nonnull(seen);
        drv->close(b);

        /* the last close dropped the instance: a new one starts from the seed */
        a = open_test();
        gone = drv->lookup_by_name(a, "shared1");
        g_assert_null(gone);
        assert_error(VCTL_ERR_NO_DOMAIN, "domain 'shared1' not found");
        g_assert_cmpint(vctl_error_last()->domain, ==, VCTL_FROM_DOMAIN);
        drv->close(a);
}

static void test_lifecycle(void)
{
        drv_conn *conn = open_test();
        g_autoptr(recorder) rec = recorder_new();
        g_autoptr(drv_domain) dom = NULL;
        g_autoptr(drv_domain) again = NULL;
        vctl_domain_info info;
        int cb;

        cb = drv->event_register(conn, NULL, record_event, rec, recorder_freed);
        g_assert_cmpint(cb, >=, 0);

        dom = define(conn, "web1", UUID_A);
        recorder_check(rec, "web1 DEFINED/ADDED -1");
        g_assert_cmpint(dom->id, ==, -1);
        assert_state(conn, dom, VCTL_DOMAIN_SHUTOFF, VCTL_DOMAIN_SHUTOFF_UNKNOWN);
        g_assert_cmpint(drv->is_active(conn, dom), ==, 0);
        g_assert_cmpint(drv->is_persistent(conn, dom), ==, 1);
        g_assert_cmpint(drv->get_info(conn, dom, &info), ==, 0);
        g_assert_cmpint(info.state, ==, VCTL_DOMAIN_SHUTOFF);
        g_assert_cmpuint(info.cpu_time_ns, ==, 0);
        g_assert_cmpuint(info.max_mem_kib, ==, 65536);

        g_assert_cmpint(drv->create(conn, dom, 0), ==, 0);
        g_assert_cmpint(dom->id, ==, 2); /* the seeded domain has 1 */
        assert_state(conn, dom, VCTL_DOMAIN_RUNNING, VCTL_DOMAIN_RUNNING_BOOTED);
        recorder_check(rec, "web1 STARTED/BOOTED 2");
        g_assert_cmpint(drv->is_active(conn, dom), ==, 1);

        g_assert_cmpint(drv->suspend(conn, dom), ==, 0);
        assert_state(conn, dom, VCTL_DOMAIN_PAUSED, VCTL_DOMAIN_PAUSED_USER);
        recorder_check(rec, "web1 SUSPENDED/PAUSED 2");
        g_assert_cmpint(drv->get_info(conn, dom, &info), ==, 0);
        g_assert_cmpint(info.state, ==, VCTL_DOMAIN_PAUSED);

        g_assert_cmpint(drv->resume(conn, dom), ==, 0);
        assert_state(conn, dom, VCTL_DOMAIN_RUNNING, VCTL_DOMAIN_RUNNING_UNPAUSED);
        recorder_check(rec, "web1 RESUMED/UNPAUSED 2");

        g_assert_cmpint(drv->reboot(conn, dom, 0), ==, 0);
        g_assert_cmpint(drv->is_active(conn, dom), ==, 1);
        g_assert_cmpint(drv->get_info(conn, dom, &info), ==, 0);
        g_assert_cmpint(info.state, ==, VCTL_DOMAIN_RUNNING);
        g_assert_cmpint(drv->reset(conn, dom, 0), ==, 0);
        g_assert_cmpint(drv->get_info(conn, dom, &info), ==, 0);
        g_assert_cmpint(info.state, ==, VCTL_DOMAIN_RUNNING);
        recorder_check(rec, "");

        g_assert_cmpint(drv->shutdown(conn, dom, 0), ==, 0);
        assert_state(conn, dom, VCTL_DOMAIN_SHUTOFF, VCTL_DOMAIN_SHUTOFF_SHUTDOWN);
        recorder_check(rec, "web1 SHUTDOWN/FINISHED 2; web1 STOPPED/SHUTDOWN -1");
        again = drv->lookup_by_name(conn, "web1");
        g_assert_cmpint(again->id, ==, -1);

        g_assert_cmpint(drv->create(conn, dom, VCTL_DOMAIN_START_PAUSED), ==, 0);
        g_assert_cmpint(dom->id, ==, 3);
        assert_state(conn, dom, VCTL_DOMAIN_PAUSED, VCTL_DOMAIN_PAUSED_USER);
        recorder_check(rec, "web1 STARTED/BOOTED 3; web1 SUSPENDED/PAUSED 3");

        g_assert_cmpint(drv->destroy(conn, dom, 0), ==, 0);
        assert_state(conn, dom, VCTL_DOMAIN_SHUTOFF, VCTL_DOMAIN_SHUTOFF_DESTROYED);
        recorder_check(rec, "web1 STOPPED/DESTROYED -1");

        g_clear_pointer(&again, drv_domain_free);
        again = define(conn, "web1", UUID_A);
        recorder_check(rec, "web1 DEFINED/UPDATED -1");

        g_assert_cmpint(drv->undefine(conn, dom, 0), ==, 0);
        recorder_check(rec, "web1 UNDEFINED/REMOVED -1");
        g_assert_cmpint(drv->is_active(conn, dom), ==, -1);
        assert_error(VCTL_ERR_NO_DOMAIN, "no domain with UUID '" UUID_A "' ('web1')");
        g_assert_null(drv->lookup_by_name(conn, "web1"));

        g_assert_cmpint(drv->event_deregister(conn, cb), ==, 0);
        g_assert_cmpint(rec->freed, ==, 1);
        drv->close(conn);
}

static void test_reboot_destroy_policy(void)
{
        drv_conn *conn = open_test();
        g_autoptr(recorder) rec = recorder_new();
        const char *xml = "<domain type='test'><name>once</name>"
                          "<memory>1024</memory><vcpu>1</vcpu><os><type>hvm</type></os>"
                          "<on_reboot>destroy</on_reboot></domain>";
        g_autoptr(drv_domain) dom = drv->define_xml(conn, xml, 0);

        g_assert_nonnull(dom);
        g_assert_cmpint(drv->create(conn, dom, 0), ==, 0);
        g_assert_cmpint(drv->event_register(conn, dom, record_event, rec, NULL), >=, 0);
        g_assert_cmpint(drv->reboot(conn, dom, 0), ==, 0);
        assert_state(conn, dom, VCTL_DOMAIN_SHUTOFF, VCTL_DOMAIN_SHUTOFF_SHUTDOWN);
        recorder_check(rec, "once SHUTDOWN/FINISHED 2; once STOPPED/SHUTDOWN -1");
        drv->close(conn);
}

static void test_invalid_transitions(void)
{
        drv_conn *conn = open_test();
        g_autoptr(drv_domain) dom = define(conn, "web1", NULL);
        g_autoptr(drv_domain) seed = drv->lookup_by_name(conn, "test");
        g_autoptr(recorder) rec = recorder_new();

        g_assert_cmpint(drv->event_register(conn, NULL, record_event, rec, NULL), >=, 0);
        /* shut off */
        g_assert_cmpint(drv->destroy(conn, dom, 0), ==, -1);
        assert_error(VCTL_ERR_OPERATION_INVALID, "domain 'web1' is not running");
        g_assert_cmpint(vctl_error_last()->domain, ==, VCTL_FROM_DOMAIN);
        g_assert_cmpint(drv->shutdown(conn, dom, 0), ==, -1);
        assert_error(VCTL_ERR_OPERATION_INVALID, "domain 'web1' is not running");
        g_assert_cmpint(drv->reboot(conn, dom, 0), ==, -1);
        assert_error(VCTL_ERR_OPERATION_INVALID, "domain 'web1' is not running");
        g_assert_cmpint(drv->reset(conn, dom, 0), ==, -1);
        assert_error(VCTL_ERR_OPERATION_INVALID, "domain 'web1' is not running");
        g_assert_cmpint(drv->suspend(conn, dom), ==, -1);
        assert_error(VCTL_ERR_OPERATION_INVALID, "domain 'web1' is not running");
        g_assert_cmpint(drv->resume(conn, dom), ==, -1);
        assert_error(VCTL_ERR_OPERATION_INVALID, "domain 'web1' is not running");
        assert_state(conn, dom, VCTL_DOMAIN_SHUTOFF, VCTL_DOMAIN_SHUTOFF_UNKNOWN);

        /* running */
        g_assert_cmpint(drv->create(conn, seed, 0), ==, -1);
        assert_error(VCTL_ERR_OPERATION_INVALID, "domain 'test' is already running");
        g_assert_cmpint(drv->resume(conn, seed), ==, -1);
        assert_error(VCTL_ERR_OPERATION_INVALID, "domain 'test' is not paused");

        /* paused */
        g_assert_cmpint(drv->suspend(conn, seed), ==, 0);
        g_assert_cmpint(drv->suspend(conn, seed), ==, -1);
        assert_error(VCTL_ERR_OPERATION_INVALID, "domain 'test' is already paused");
        g_assert_cmpint(drv->create(conn, seed, 0), ==, -1);
        assert_error(VCTL_ERR_OPERATION_INVALID, "domain 'test' is already running");
        assert_state(conn, seed, VCTL_DOMAIN_PAUSED, VCTL_DOMAIN_PAUSED_USER);

        /* flags nobody knows */
        g_assert_cmpint(drv->create(conn, dom, 1u << 9), ==, -1);
        g_assert_cmpint(vctl_error_last()->code, ==, VCTL_ERR_INVALID_ARG);
        g_assert_null(drv->get_xml_desc(conn, dom, 1u << 9));
        g_assert_cmpint(vctl_error_last()->code, ==, VCTL_ERR_INVALID_ARG);

        /* failures change nothing and say nothing */
        recorder_check(rec, "test SUSPENDED/PAUSED 1");
        assert_state(conn, dom, VCTL_DOMAIN_SHUTOFF, VCTL_DOMAIN_SHUTOFF_UNKNOWN);
        drv->close(conn);
}

static void test_bad_definitions(void)
{
        drv_conn *conn = open_test();
        const char *kvm = "<domain type='kvm'><name>k</name><memory>1024</memory>"
                          "<vcpu>1</vcpu><os><type>hvm</type></os></domain>";
        g_autoptr(GPtrArray) all = NULL;

        g_assert_null(drv->define_xml(conn, kvm, 0));
        assert_error(VCTL_ERR_INVALID_ARG, "domain 'k': virtualization type 'kvm' is not "
                                           "supported by the test driver (use <domain "
                                           "type='test'>)");
        g_assert_null(drv->create_xml(conn, kvm, 0));
        g_assert_null(drv->define_xml(conn, "<domain type='test'><name>x</name>", 0));
        g_assert_nonnull(vctl_error_last());
        g_assert_null(drv->define_xml(conn, NULL, 0));
        g_assert_cmpint(drv->list_all_domains(conn, 0, &all), ==, 1);
        drv->close(conn);
}

static void test_transient(void)
{
        drv_conn *conn = open_test();
        g_autoptr(recorder) rec = recorder_new();
        g_autoptr(drv_domain) t = NULL;
        g_autoptr(drv_domain) p = NULL;
        g_autoptr(drv_domain) run = NULL;
        g_autofree char *live = NULL;
        g_autofree char *config = NULL;
        g_autofree char *bigger = NULL;
        int autostart = -1;

        g_assert_cmpint(drv->event_register(conn, NULL, record_event, rec, NULL), >=, 0);

        /* create_xml: a running transient domain that vanishes when stopped */
        t = create_xml(conn, "tmp1", UUID_B, 0);
        g_assert_cmpint(t->id, ==, 2);
        recorder_check(rec, "tmp1 STARTED/BOOTED 2");
        assert_state(conn, t, VCTL_DOMAIN_RUNNING, VCTL_DOMAIN_RUNNING_BOOTED);
        g_assert_cmpint(drv->is_persistent(conn, t), ==, 0);
        g_assert_cmpint(drv->undefine(conn, t, 0), ==, -1);
        assert_error(VCTL_ERR_OPERATION_INVALID,
                     "domain 'tmp1' is transient; it has no definition to undefine (destroy it "
                     "to make it go away)");
        g_assert_cmpint(drv->set_autostart(conn, t, 1), ==, -1);
        g_assert_cmpint(vctl_error_last()->code, ==, VCTL_ERR_OPERATION_INVALID);
        g_assert_cmpint(drv->get_autostart(conn, t, &autostart), ==, 0);
        g_assert_cmpint(autostart, ==, 0);
        g_assert_cmpint(drv->destroy(conn, t, 0), ==, 0);
        recorder_check(rec, "tmp1 STOPPED/DESTROYED -1");
        g_assert_null(drv->lookup_by_name(conn, "tmp1"));
        g_assert_cmpint(drv->get_state(conn, t, &autostart, &autostart), ==, -1);
        g_assert_cmpint(vctl_error_last()->code, ==, VCTL_ERR_NO_DOMAIN);

        /* a transient domain that shuts down is gone too */
        g_clear_pointer(&t, drv_domain_free);
        t = create_xml(conn, "tmp2", NULL, VCTL_DOMAIN_START_PAUSED);
        recorder_check(rec, "tmp2 STARTED/BOOTED 3; tmp2 SUSPENDED/PAUSED 3");
        g_assert_cmpint(drv->shutdown(conn, t, 0), ==, 0);
        recorder_check(rec, "tmp2 SHUTDOWN/FINISHED 3; tmp2 STOPPED/SHUTDOWN -1");
        g_assert_null(drv->lookup_by_name(conn, "tmp2"));

        /* defining a running transient domain makes it persistent (ADDED) */
        g_clear_pointer(&t, drv_domain_free);
        t = create_xml(conn, "tmp3", UUID_B, 0);
        g_clear_pointer(&p, drv_domain_free);
        p = define(conn, "tmp3", UUID_B);
        recorder_check(rec, "tmp3 STARTED/BOOTED 4; tmp3 DEFINED/ADDED 4");
        g_assert_cmpint(drv->is_persistent(conn, t), ==, 1);
        g_assert_cmpint(drv->destroy(conn, t, 0), ==, 0);
        g_assert_cmpint(drv->is_active(conn, t), ==, 0);
        g_assert_cmpint(drv->undefine(conn, t, 0), ==, 0);
        recorder_check(rec, "tmp3 STOPPED/DESTROYED -1; tmp3 UNDEFINED/REMOVED -1");

        /* undefining a running persistent domain leaves it running, transient */
        g_clear_pointer(&p, drv_domain_free);
        p = define(conn, "keep", UUID_A);
        g_assert_cmpint(drv->set_autostart(conn, p, 1), ==, 0);
        g_assert_cmpint(drv->create(conn, p, 0), ==, 0);
        g_assert_cmpint(drv->undefine(conn, p, 0), ==, 0);
        recorder_check(rec,
                       "keep DEFINED/ADDED -1; keep STARTED/BOOTED 5; keep UNDEFINED/REMOVED 5");
        g_assert_cmpint(drv->is_active(conn, p), ==, 1);
        g_assert_cmpint(drv->is_persistent(conn, p), ==, 0);
        g_assert_cmpint(drv->get_autostart(conn, p, &autostart), ==, 0);
        g_assert_cmpint(autostart, ==, 0);
        g_assert_cmpint(drv->destroy(conn, p, 0), ==, 0);
        g_assert_null(drv->lookup_by_name(conn, "keep"));
        recorder_check(rec, "keep STOPPED/DESTROYED -1");

        /* create_xml over an inactive persistent domain runs that XML once */
        g_clear_pointer(&p, drv_domain_free);
        p = define(conn, "both", UUID_A);
        bigger = domain_xml("both", UUID_A, 131072);
        run = drv->create_xml(conn, bigger, 0);
        g_assert_nonnull(run);
        g_assert_cmpint(drv->is_persistent(conn, run), ==, 1);
        live = drv->get_xml_desc(conn, run, 0);
        config = drv->get_xml_desc(conn, run, VCTL_DOMAIN_XML_INACTIVE);
        g_assert_nonnull(strstr(live, "<memory unit='KiB'>131072</memory>"));
        g_assert_nonnull(strstr(config, "<memory unit='KiB'>65536</memory>"));
        g_assert_null(drv->create_xml(conn, bigger, 0));
        assert_error(VCTL_ERR_OPERATION_INVALID, "domain 'both' is already running");
        g_assert_cmpint(drv->destroy(conn, run, 0), ==, 0);
        g_assert_cmpint(drv->is_persistent(conn, run), ==, 1);
        g_clear_pointer(&live, g_free);
        live = drv->get_xml_desc(conn, run, 0);
        g_assert_nonnull(strstr(live, "<memory unit='KiB'>65536</memory>"));
        recorder_check(rec,
                       "both DEFINED/ADDED -1; both STARTED/BOOTED 6; both STOPPED/DESTROYED -1");
        drv->close(conn);
}

static void test_redefine_running(void)
{
        drv_conn *conn = open_test();
        g_autoptr(drv_domain) seed = drv->lookup_by_name(conn, "test");
        g_autofree char *xml = NULL;
        g_autofree char *live = NULL;
        g_autofree char *config = NULL;
        g_autoptr(drv_domain) dom = NULL;

        xml = drv->get_xml_desc(conn, seed, VCTL_DOMAIN_XML_INACTIVE);
        {
                g_autoptr(GString) s = g_string_new(xml);

                g_string_replace(s, "8388608", "4194304", 1);
                dom = drv->define_xml(conn, s->str, 0);
        }
        g_assert_nonnull(dom);
        g_assert_cmpint(dom->id, ==, 1);
        live = drv->get_xml_desc(conn, seed, 0);
        config = drv->get_xml_desc(conn, seed, VCTL_DOMAIN_XML_INACTIVE);
        g_assert_nonnull(strstr(live, "8388608"));
        g_assert_nonnull(strstr(config, "4194304"));
        drv->close(conn);
}

static void test_collisions(void)
{
        drv_conn *conn = open_test();
        g_autoptr(recorder) rec = recorder_new();
        g_autoptr(drv_domain) web1 = define(conn, "web1", UUID_A);
        g_autoptr(drv_domain) same = NULL;
        g_autofree char *other_uuid = domain_xml("web1", UUID_B, 1024);
        g_autofree char *other_name = domain_xml("web2", UUID_A, 1024);
        g_autofree char *seed_uuid = domain_xml("fake", SEED_UUID, 1024);

        g_assert_cmpint(drv->event_register(conn, NULL, record_event, rec, NULL), >=, 0);
        g_assert_null(drv->define_xml(conn, other_uuid, 0));
        assert_error(VCTL_ERR_OPERATION_FAILED, "domain 'web1' already exists with UUID " UUID_A);
        g_assert_null(drv->define_xml(conn, other_name, 0));
        assert_error(VCTL_ERR_OPERATION_FAILED,
                     "domain with UUID " UUID_A " already exists as 'web1'");
        g_assert_null(drv->create_xml(conn, other_uuid, 0));
        assert_error(VCTL_ERR_OPERATION_FAILED, "domain 'web1' already exists with UUID " UUID_A);
        g_assert_null(drv->create_xml(conn, seed_uuid, 0));
        assert_error(VCTL_ERR_OPERATION_FAILED,
                     "domain with UUID " SEED_UUID " already exists as 'test'");
        recorder_check(rec, "");

        /* same name, same UUID: an update that keeps the UUID */
        same = define(conn, "web1", UUID_A);
        g_assert_cmpmem(same->uuid, VCTL_UUID_LEN, web1->uuid, VCTL_UUID_LEN);
        recorder_check(rec, "web1 DEFINED/UPDATED -1");
        drv->close(conn);
}

static void assert_list(drv_conn *conn, unsigned int flags, const char *expected)
{
        g_autoptr(GPtrArray) doms = NULL;
        g_autoptr(GString) names = g_string_new(NULL);
        int n = drv->list_all_domains(conn, flags, &doms);

        g_assert_cmpint(n, >=, 0);
        g_assert_cmpint(n, ==, (int)doms->len);
        for (guint i = 0; i < doms->len; i++)
                g_string_append_printf(names, "%s%s", i ? " " : "",
                                       ((drv_domain *)doms->pdata[i])->name);
        if (!g_str_equal(names->str, expected))
                g_error("flags 0x%x: listed '%s', expected '%s'", flags, names->str, expected);
}

static void test_list_flags(void)
{
        drv_conn *conn = open_test();
        g_autoptr(drv_domain) a = define(conn, "a-off", NULL);
        g_autoptr(drv_domain) b = define(conn, "b-paused", NULL);
        g_autoptr(drv_domain) c = create_xml(conn, "c-transient", NULL, 0);
        g_autoptr(GPtrArray) none = NULL;

        g_assert_cmpint(drv->set_autostart(conn, a, 1), ==, 0);
        g_assert_cmpint(drv->create(conn, b, VCTL_DOMAIN_START_PAUSED), ==, 0);

        assert_list(conn, 0, "a-off b-paused c-transient test");
        assert_list(conn, VCTL_LIST_DOMAINS_ACTIVE, "b-paused c-transient test");
        assert_list(conn, VCTL_LIST_DOMAINS_INACTIVE, "a-off");
        assert_list(conn, VCTL_LIST_DOMAINS_ACTIVE | VCTL_LIST_DOMAINS_INACTIVE,
                    "a-off b-paused c-transient test");
        assert_list(conn, VCTL_LIST_DOMAINS_PERSISTENT, "a-off b-paused test");
        assert_list(conn, VCTL_LIST_DOMAINS_TRANSIENT, "c-transient");
        assert_list(conn, VCTL_LIST_DOMAINS_RUNNING, "c-transient test");
        assert_list(conn, VCTL_LIST_DOMAINS_PAUSED, "b-paused");
        assert_list(conn, VCTL_LIST_DOMAINS_SHUTOFF, "a-off");
        assert_list(conn, VCTL_LIST_DOMAINS_OTHER, "");
        assert_list(conn, VCTL_LIST_DOMAINS_RUNNING | VCTL_LIST_DOMAINS_PAUSED,
                    "b-paused c-transient test");
        assert_list(conn, VCTL_LIST_DOMAINS_AUTOSTART, "a-off");
        assert_list(conn, VCTL_LIST_DOMAINS_NO_AUTOSTART, "b-paused c-transient test");
        assert_list(conn, VCTL_LIST_DOMAINS_ACTIVE | VCTL_LIST_DOMAINS_PERSISTENT, "b-paused test");
        assert_list(conn, VCTL_LIST_DOMAINS_INACTIVE | VCTL_LIST_DOMAINS_TRANSIENT, "");
        assert_list(conn, VCTL_LIST_DOMAINS_PERSISTENT | VCTL_LIST_DOMAINS_RUNNING, "test");
        /* nothing has a managed save image or snapshots */
        assert_list(conn, 1u << 8, "");
        assert_list(conn, 1u << 9, "a-off b-paused c-transient test");
        assert_list(conn, 1u << 12, "");

        g_assert_cmpint(drv->list_all_domains(conn, 1u << 20, &none), ==, -1);
        g_assert_cmpint(vctl_error_last()->code, ==, VCTL_ERR_INVALID_ARG);
        g_assert_null(none);
        drv->close(conn);
}

static void test_ids(void)
{
        drv_conn *conn = open_test();
        g_autoptr(drv_domain) dom = define(conn, "ids", NULL);
        int last = 1;

        for (int i = 0; i < 5; i++) {
                g_autoptr(drv_domain) found = NULL;

                g_assert_cmpint(drv->create(conn, dom, 0), ==, 0);
                g_assert_cmpint(dom->id, ==, last + 1);
                last = dom->id;
                found = drv->lookup_by_id(conn, dom->id);
                g_assert_nonnull(found);
                g_assert_cmpstr(found->name, ==, "ids");
                g_assert_cmpint(drv->destroy(conn, dom, 0), ==, 0);
                g_clear_pointer(&found, drv_domain_free);
                /* a stopped domain is not found by its old id */
                found = drv->lookup_by_id(conn, last);
                g_assert_null(found);
        }
        g_assert_null(drv->lookup_by_id(conn, 7));
        assert_error(VCTL_ERR_NO_DOMAIN, "no running domain with id 7");
        g_assert_cmpint(vctl_error_last()->domain, ==, VCTL_FROM_DOMAIN);
        g_assert_null(drv->lookup_by_id(conn, -1));
        drv->close(conn);
}

static void test_lookup_errors(void)
{
        drv_conn *conn = open_test();
        unsigned char uuid[VCTL_UUID_LEN];

        g_assert_null(drv->lookup_by_name(conn, "web1"));
        assert_error(VCTL_ERR_NO_DOMAIN, "domain 'web1' not found");
        vctl_uuid_parse(UUID_B, uuid);
        g_assert_null(drv->lookup_by_uuid(conn, uuid));
        assert_error(VCTL_ERR_NO_DOMAIN, "no domain with UUID '" UUID_B "'");
        drv->close(conn);
}

static void test_events(void)
{
        drv_conn *conn = open_test();
        drv_conn *other = open_test();
        g_autoptr(recorder) all = recorder_new();
        g_autoptr(recorder) only = recorder_new();
        g_autoptr(recorder) remote = recorder_new();
        g_autoptr(drv_domain) web1 = define(conn, "web1", UUID_A);
        g_autoptr(drv_domain) web2 = define(conn, "web2", UUID_B);
        g_autoptr(drv_domain) seed = drv->lookup_by_name(conn, "test");
        g_autofree char *msg = NULL;
        int id_all, id_only, id_remote;

        id_all = drv->event_register(conn, NULL, record_event, all, recorder_freed);
        id_only = drv->event_register(conn, web1, record_event, only, recorder_freed);
        id_remote = drv->event_register(other, NULL, record_event, remote, recorder_freed);
        g_assert_cmpint(id_all, >=, 0);
        g_assert_cmpint(id_only, >, id_all);

        g_assert_cmpint(drv->create(conn, web1, 0), ==, 0);
        g_assert_cmpint(drv->create(conn, web2, 0), ==, 0);
        recorder_check(all, "web1 STARTED/BOOTED 2; web2 STARTED/BOOTED 3");
        recorder_check(only, "web1 STARTED/BOOTED 2");
        /* another connection to the same instance sees them too */
        recorder_check(remote, "web1 STARTED/BOOTED 2; web2 STARTED/BOOTED 3");

        /* one connection cannot remove another's callback */
        g_assert_cmpint(drv->event_deregister(other, id_all), ==, -1);
        g_assert_cmpint(vctl_error_last()->code, ==, VCTL_ERR_INVALID_ARG);
        g_assert_cmpint(drv->event_deregister(conn, id_all), ==, 0);
        g_assert_cmpint(all->freed, ==, 1);
        g_assert_cmpint(drv->event_deregister(conn, id_all), ==, -1);
        msg = g_strdup_printf("no domain event callback with id %d on this connection", id_all);
        assert_error(VCTL_ERR_INVALID_ARG, msg);

        g_assert_cmpint(drv->destroy(conn, web1, 0), ==, 0);
        g_assert_cmpint(drv->destroy(conn, web2, 0), ==, 0);
        recorder_check(all, "");
        recorder_check(only, "web1 STOPPED/DESTROYED -1");
        recorder_check(remote, "web1 STOPPED/DESTROYED -1; web2 STOPPED/DESTROYED -1");

        /* a new id is never an old one */
        g_assert_cmpint(drv->event_register(conn, NULL, record_event, all, NULL), >, id_remote);

        /* closing a connection drops its callbacks (and frees their data) */
        drv->close(other);
        g_assert_cmpint(remote->freed, ==, 1);
        g_assert_cmpint(drv->suspend(conn, seed), ==, 0);
        recorder_check(remote, "");
        drv->close(conn);
        g_assert_cmpint(only->freed, ==, 1);
}

/* ---- concurrency ---- */

#define THREADS 8
#define ROUNDS  40

typedef struct worker {
        int index;
        int failures;
} worker;

static gpointer worker_run(gpointer data)
{
        worker *w = data;
        drv_conn *conn = open_test();
        g_autofree char *name = g_strdup_printf("worker%d", w->index);

        for (int i = 0; i < ROUNDS; i++) {
                g_autoptr(drv_domain) dom = NULL;
                g_autoptr(drv_domain) seed = NULL;
                g_autoptr(GPtrArray) all = NULL;
                g_autofree char *xml = NULL;
                int state, reason;

                dom = define(conn, name, NULL);
                if (drv->create(conn, dom, i % 2 ? VCTL_DOMAIN_START_PAUSED : 0) < 0)
                        w->failures++;
                if (drv->get_state(conn, dom, &state, &reason) < 0 ||
                    state != (i % 2 ? VCTL_DOMAIN_PAUSED : VCTL_DOMAIN_RUNNING))
                        w->failures++;
                seed = drv->lookup_by_name(conn, "test");
                if (!seed || drv->list_all_domains(conn, 0, &all) < 1)
                        w->failures++;
                xml = drv->get_xml_desc(conn, dom, 0);
                if (!xml)
                        w->failures++;
                if (drv->destroy(conn, dom, 0) < 0 || drv->undefine(conn, dom, 0) < 0)
                        w->failures++;
                if (drv->is_active(conn, dom) != -1)
                        w->failures++;
        }
        drv->close(conn);
        return NULL;
}

static void count_event(const drv_domain *dom, int event, int detail, void *opaque)
{
        g_atomic_int_inc((gint *)opaque);
}

static void test_threads(void)
{
        drv_conn *conn = open_test();
        GThread *threads[THREADS];
        worker workers[THREADS];
        g_autoptr(GPtrArray) left = NULL;
        gint events = 0;

        g_assert_cmpint(drv->event_register(conn, NULL, count_event, &events, NULL), >=, 0);
        for (int i = 0; i < THREADS; i++) {
                workers[i] = (worker){.index = i};
                threads[i] = g_thread_new("worker", worker_run, &workers[i]);
        }
        for (int i = 0; i < THREADS; i++) {
                g_thread_join(threads[i]);
                g_assert_cmpint(workers[i].failures, ==, 0);
        }
        /* define, start (+ pause every other round), destroy, undefine */
        g_assert_cmpint(g_atomic_int_get(&events), ==, THREADS * (ROUNDS * 4 + ROUNDS / 2));
        g_assert_cmpint(drv->list_all_domains(conn, 0, &left), ==, 1);
        drv->close(conn);
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/driver/uri", test_driver_for_uri);
        g_test_add_func("/driver/test/open-errors", test_open_errors);
        g_test_add_func("/driver/test/seeded", test_seeded);
        g_test_add_func("/driver/test/node-info", test_node_info);
        g_test_add_func("/driver/test/capabilities", test_capabilities);
        g_test_add_func("/driver/test/domain-capabilities", test_domain_capabilities);
        g_test_add_func("/driver/test/shared-instance", test_shared_instance);
        g_test_add_func("/driver/test/lifecycle", test_lifecycle);
        g_test_add_func("/driver/test/reboot-destroy-policy", test_reboot_destroy_policy);
        g_test_add_func("/driver/test/invalid-transitions", test_invalid_transitions);
        g_test_add_func("/driver/test/bad-definitions", test_bad_definitions);
        g_test_add_func("/driver/test/transient", test_transient);
        g_test_add_func("/driver/test/redefine-running", test_redefine_running);
        g_test_add_func("/driver/test/collisions", test_collisions);
        g_test_add_func("/driver/test/list-flags", test_list_flags);
        g_test_add_func("/driver/test/ids", test_ids);
        g_test_add_func("/driver/test/lookup-errors", test_lookup_errors);
        g_test_add_func("/driver/test/events", test_events);
        g_test_add_func("/driver/test/threads", test_threads);
        return g_test_run();
}
