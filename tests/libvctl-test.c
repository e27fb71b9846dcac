/* libvctl on test:///default in this process: lookups, life cycle, states,
 * events, errors, threads; and the URI parser. */
#include "config.h"

#include <glib.h>
#include <string.h>

#include "lib/uri.h"
#include "lib/util/error.h"
#include "lib/vctl.h"

#define TEST_UUID "6695eb01-f6a4-8304-79aa-97f2502e193f"
#define WEB1_XML                                                                                   \
        "<domain type='test'><name>web1</name>"                                                    \
        "<uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>"                                        \
        "<memory unit='MiB'>512</memory><vcpu>2</vcpu><os><type>hvm</type></os></domain>"

static vctl_conn *open_test(void)
{
        vctl_conn *conn = vctl_conn_open("test:///default", 0);

        g_assert_nonnull(conn);
        return conn;
}

static void assert_error(int code, const char *fragment)
{
        const vctl_error_info *err = vctl_last_error();

        g_assert_nonnull(err);
        g_assert_cmpint(err->code, ==, code);
        if (fragment && !strstr(err->message, fragment))
                g_error("error '%s' does not mention '%s'", err->message, fragment);
}

static void assert_state(vctl_domain *dom, int state, int reason)
{
        int s = -1, r = -1;

        g_assert_cmpint(vctl_domain_get_state(dom, &s, &r), ==, 0);
        g_assert_cmpstr(vctl_domain_state_name(s), ==, vctl_domain_state_name(state));
        g_assert_cmpstr(vctl_domain_state_reason_name(s, r), ==,
                        vctl_domain_state_reason_name(state, reason));
}

static void test_open_list(void)
{
        vctl_conn *conn = open_test();
        vctl_domain **doms = NULL;
        g_autofree char *uri = vctl_conn_get_uri(conn);
        g_autofree char *type = vctl_conn_get_type(conn);
        g_autofree char *host = vctl_conn_get_hostname(conn);
        g_autofree char *caps = vctl_conn_get_capabilities(conn);
        unsigned long long v = 0;
        vctl_node_info node;

        g_assert_cmpstr(uri, ==, "test:///default");
        g_assert_cmpstr(type, ==, "Test");
        g_assert_nonnull(host);
        g_assert_nonnull(caps);
        g_assert_cmpint(vctl_conn_get_version(conn, &v), ==, 0);
        g_assert_cmpint(vctl_conn_get_lib_version(conn, &v), ==, 0);
        g_assert_cmpuint(v, ==, 1000); /* 0.1.0 */
        g_assert_cmpint(vctl_conn_is_secure(conn), ==, 1);
        g_assert_cmpint(vctl_node_get_info(conn, &node), ==, 0);
        g_assert_cmpuint(node.cpus, >, 0);

        g_assert_cmpint(vctl_conn_list_all_domains(conn, &doms, 0), ==, 1);
        g_assert_cmpstr(vctl_domain_get_name(doms[0]), ==, "test");
        g_assert_null(doms[1]);
        vctl_domain_list_free(doms);
        g_assert_cmpint(vctl_conn_list_all_domains(conn, &doms, VCTL_LIST_DOMAINS_INACTIVE), ==, 0);
        vctl_domain_list_free(doms);
        g_assert_cmpint(vctl_conn_close(conn), ==, 0);
        g_assert_cmpint(vctl_conn_close(NULL), ==, 0);
}

static void test_lookup(void)
{
        vctl_conn *conn = open_test();
        vctl_domain *a = vctl_domain_lookup_by_name(conn, "test");
        vctl_domain *b = vctl_domain_lookup_by_uuid_string(conn, TEST_UUID);
        vctl_domain *c = vctl_domain_lookup_by_id(conn, vctl_domain_get_id(a));
        char uuid[VCTL_UUID_STRING_BUFLEN];

        g_assert_nonnull(a);
        g_assert_nonnull(b);
        g_assert_nonnull(c);
        g_assert_cmpint(vctl_domain_get_id(a), >=, 0);
        g_assert_cmpint(vctl_domain_get_uuid_string(c, uuid), ==, 0);
        g_assert_cmpstr(uuid, ==, TEST_UUID);
        g_assert_cmpstr(vctl_domain_get_name(b), ==, "test");

        g_assert_null(vctl_domain_lookup_by_name(conn, "nosuch"));
        assert_error(VCTL_ERR_NO_DOMAIN, "nosuch");
        g_assert_cmpint(vctl_last_error()->domain, ==, VCTL_FROM_DOMAIN);
        g_assert_null(vctl_domain_lookup_by_uuid_string(conn, "not-a-uuid"));
        assert_error(VCTL_ERR_INVALID_ARG, "not-a-uuid");
        g_assert_null(vctl_domain_lookup_by_id(conn, 4242));
        assert_error(VCTL_ERR_NO_DOMAIN, "4242");
        /* a good call clears the error */
        g_assert_cmpint(vctl_domain_is_active(a), ==, 1);
        g_assert_null(vctl_last_error());

        vctl_domain_free(a);
        vctl_domain_free(b);
        vctl_domain_free(c);
        vctl_domain_free(NULL);
        vctl_conn_close(conn);
}

static void test_define_undefine(void)
{
        vctl_conn *conn = open_test();
        vctl_domain *dom = vctl_domain_define_xml(conn, WEB1_XML, 0);
        g_autofree char *xml = NULL;
        vctl_domain_info info;
        int autostart = -1;

        g_assert_nonnull(dom);
        g_assert_cmpint(vctl_domain_get_id(dom), ==, -1);
        g_assert_cmpint(vctl_domain_is_persistent(dom), ==, 1);
        g_assert_cmpint(vctl_domain_is_active(dom), ==, 0);
        assert_state(dom, VCTL_DOMAIN_SHUTOFF, VCTL_DOMAIN_SHUTOFF_UNKNOWN);
        xml = vctl_domain_get_xml_desc(dom, 0);
        g_assert_nonnull(strstr(xml, "<name>web1</name>"));
        g_assert_cmpint(vctl_domain_get_info(dom, &info), ==, 0);
        g_assert_cmpuint(info.max_mem_kib, ==, 512 * 1024);
        g_assert_cmpuint(info.nr_vcpus, ==, 2);

        g_assert_cmpint(vctl_domain_get_autostart(dom, &autostart), ==, 0);
        g_assert_cmpint(autostart, ==, 0);
        g_assert_cmpint(vctl_domain_set_autostart(dom, 1), ==, 0);
        g_assert_cmpint(vctl_domain_get_autostart(dom, &autostart), ==, 0);
        g_assert_cmpint(autostart, ==, 1);

        g_assert_null(vctl_domain_define_xml(conn, "<domain", 0));
        g_assert_nonnull(vctl_last_error());
        g_assert_cmpint(vctl_domain_undefine(dom, 0), ==, 0);
        vctl_domain_free(dom);
        g_assert_null(vctl_domain_lookup_by_name(conn, "web1"));
        assert_error(VCTL_ERR_NO_DOMAIN, "web1");
        vctl_conn_close(conn);
}

static void test_lifecycle(void)
{
        vctl_conn *conn = open_test();
        vctl_domain *dom = vctl_domain_define_xml(conn, WEB1_XML, 0);
        vctl_domain *t;
        g_autofree char *live = NULL;

        g_assert_nonnull(dom);
        g_assert_cmpint(vctl_domain_create(dom, 0), ==, 0);
        g_assert_cmpint(vctl_domain_get_id(dom), >, 0);
        assert_state(dom, VCTL_DOMAIN_RUNNING, VCTL_DOMAIN_RUNNING_BOOTED);
        live = vctl_domain_get_xml_desc(dom, 0);
        g_assert_nonnull(strstr(live, "id='"));
        g_assert_cmpint(vctl_domain_create(dom, 0), ==, -1);
        assert_error(VCTL_ERR_OPERATION_INVALID, "web1");

        g_assert_cmpint(vctl_domain_suspend(dom), ==, 0);
        assert_state(dom, VCTL_DOMAIN_PAUSED, VCTL_DOMAIN_PAUSED_USER);
        g_assert_cmpint(vctl_domain_resume(dom), ==, 0);
        assert_state(dom, VCTL_DOMAIN_RUNNING, VCTL_DOMAIN_RUNNING_UNPAUSED);
        g_assert_cmpint(vctl_domain_shutdown(dom, 0), ==, 0);
        assert_state(dom, VCTL_DOMAIN_SHUTOFF, VCTL_DOMAIN_SHUTOFF_SHUTDOWN);
        g_assert_cmpint(vctl_domain_create(dom, 0), ==, 0);
        g_assert_cmpint(vctl_domain_reboot(dom, 0), ==, 0);
        g_assert_cmpint(vctl_domain_reset(dom, 0), ==, 0);
        g_assert_cmpint(vctl_domain_destroy(dom, 0), ==, 0);
        g_assert_cmpint(vctl_domain_get_id(dom), ==, -1);
        assert_state(dom, VCTL_DOMAIN_SHUTOFF, VCTL_DOMAIN_SHUTOFF_DESTROYED);
        g_assert_cmpint(vctl_domain_suspend(dom), ==, -1);
        assert_error(VCTL_ERR_OPERATION_INVALID, "web1");
        g_assert_cmpint(vctl_domain_undefine(dom, 0), ==, 0);
        vctl_domain_free(dom);

        /* a transient domain goes away when it stops */
        t = vctl_domain_create_xml(conn, WEB1_XML, 0);
        g_assert_nonnull(t);
        g_assert_cmpint(vctl_domain_is_persistent(t), ==, 0);
        assert_state(t, VCTL_DOMAIN_RUNNING, VCTL_DOMAIN_RUNNING_BOOTED);
        g_assert_cmpint(vctl_domain_destroy(t, 0), ==, 0);
        g_assert_cmpint(vctl_domain_is_active(t), ==, -1);
        assert_error(VCTL_ERR_NO_DOMAIN, NULL);
        vctl_domain_free(t);
        vctl_conn_close(conn);
}

static void test_readonly(void)
{
        vctl_conn *conn = vctl_conn_open("test:///default", VCTL_CONNECT_RO);
        vctl_domain *dom;

        g_assert_nonnull(conn);
        dom = vctl_domain_lookup_by_name(conn, "test");
        g_assert_nonnull(dom);
        g_assert_cmpint(vctl_domain_destroy(dom, 0), ==, -1);
        assert_error(VCTL_ERR_OPERATION_DENIED, "read-only");
        g_assert_null(vctl_domain_define_xml(conn, WEB1_XML, 0));
        assert_error(VCTL_ERR_OPERATION_DENIED, "read-only");
        assert_state(dom, VCTL_DOMAIN_RUNNING, VCTL_DOMAIN_RUNNING_BOOTED);
        vctl_domain_free(dom);
        vctl_conn_close(conn);
}

/* ---- the console stream ---- */

/* Reads from st until want has arrived (bounded by poll on its fd). */
static void stream_expect(vctl_stream *st, const char *want)
{
        g_autoptr(GString) got = g_string_new(NULL);
        gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

        while (!strstr(got->str, want)) {
                GPollFD p = {.fd = vctl_stream_fd(st), .events = G_IO_IN};
                char buf[256];
                ssize_t n;

                if (g_get_monotonic_time() > deadline)
                        g_error("no '%s' from the console; got '%s'", want, got->str);
                if (g_poll(&p, 1, 100) <= 0)
                        continue;
                n = vctl_stream_recv(st, buf, sizeof(buf));
                g_assert_cmpint(n, >, 0);
                g_string_append_len(got, buf, n);
        }
}

static void test_console(void)
{
        vctl_conn *conn = open_test();
        vctl_conn *ro = vctl_conn_open("test:///default", VCTL_CONNECT_RO);
        vctl_domain *dom = vctl_domain_lookup_by_name(conn, "test");
        vctl_domain *rodom = vctl_domain_lookup_by_name(ro, "test");
        vctl_stream *st, *st2;
        char buf[64];

        g_assert_nonnull(dom);
        st = vctl_domain_open_console(dom, NULL, 0);
        g_assert_nonnull(st);
        g_assert_cmpint(vctl_stream_fd(st), >=, 0);
        stream_expect(st, "test console of domain 'test'\r\n");
        g_assert_cmpint(vctl_stream_send(st, "ping", 4), ==, 4);
        stream_expect(st, "ping");

        /* one client at a time; FORCE takes over and the old stream ends */
        g_assert_null(vctl_domain_open_console(dom, "console0", 0));
        assert_error(VCTL_ERR_OPERATION_FAILED, "in use");
        st2 = vctl_domain_open_console(dom, "serial0", VCTL_DOMAIN_CONSOLE_FORCE);
        g_assert_nonnull(st2);
        g_assert_cmpint(vctl_stream_recv(st, buf, sizeof(buf)), ==, 0);
        g_assert_cmpint(vctl_stream_finish(st), ==, 0);
        g_assert_cmpint(vctl_stream_finish(st), ==, -1);
        vctl_stream_free(st);
        stream_expect(st2, "test console");

        g_assert_null(vctl_domain_open_console(dom, "serial1", 0));
        assert_error(VCTL_ERR_INVALID_ARG, "has no console 'serial1'");
        g_assert_null(vctl_domain_open_console(rodom, NULL, 0));
        assert_error(VCTL_ERR_OPERATION_DENIED, "read-only");
        g_assert_null(vctl_domain_open_console(dom, NULL, 1u << 7));
        assert_error(VCTL_ERR_INVALID_ARG, "flags");

        /* a stopping domain ends its console */
        g_assert_cmpint(vctl_domain_destroy(dom, 0), ==, 0);
        g_assert_cmpint(vctl_stream_recv(st2, buf, sizeof(buf)), ==, 0);
        g_assert_cmpint(vctl_stream_abort(st2), ==, 0);
        vctl_stream_free(st2);
        g_assert_null(vctl_domain_open_console(dom, NULL, 0));
        assert_error(VCTL_ERR_OPERATION_INVALID, "is not running");
        g_assert_cmpint(vctl_domain_create(dom, 0), ==, 0);

        /* freed while open: aborted, and the console is free again */
        st = vctl_domain_open_console(dom, NULL, 0);
        g_assert_nonnull(st);
        vctl_stream_free(st);
        vctl_stream_free(NULL);
        st = vctl_domain_open_console(dom, NULL, 0);
        g_assert_nonnull(st);
        vctl_stream_free(st);

        vctl_domain_free(rodom);
        vctl_domain_free(dom);
        vctl_conn_close(ro);
        vctl_conn_close(conn);
}

/* ---- events ---- */

typedef struct ev_log {
        GMutex lock;
        GCond cond;
        GString *seen;
        int count;
        gboolean freed;
} ev_log;

static void ev_cb(vctl_conn *conn, vctl_domain *dom, int event, int detail, void *opaque)
{
        ev_log *log = opaque;

        g_mutex_lock(&log->lock);
        g_string_append_printf(log->seen, "%s:%s %s;", vctl_domain_get_name(dom),
                               vctl_domain_event_name(event),
                               vctl_domain_event_detail_name(event, detail));
        log->count++;
        g_cond_broadcast(&log->cond);
        g_mutex_unlock(&log->lock);
}

static void ev_free(void *opaque)
{
        ((ev_log *)opaque)->freed = TRUE;
}

static void ev_wait(ev_log *log, int count)
{
        gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

        g_mutex_lock(&log->lock);
        while (log->count < count)
                if (!g_cond_wait_until(&log->cond, &log->lock, deadline))
                        break;
        g_mutex_unlock(&log->lock);
        g_assert_cmpint(log->count, ==, count);
}

static void test_events(void)
{
        vctl_conn *conn = open_test();
        ev_log log = {.seen = g_string_new(NULL)};
        ev_log one = {.seen = g_string_new(NULL)};
        vctl_domain *dom, *test;
        int id, id2;

        g_mutex_init(&log.lock);
        g_cond_init(&log.cond);
        g_mutex_init(&one.lock);
        g_cond_init(&one.cond);
        id = vctl_conn_domain_event_register(conn, NULL, ev_cb, &log, ev_free);
        g_assert_cmpint(id, >=, 0);
        test = vctl_domain_lookup_by_name(conn, "test");
        id2 = vctl_conn_domain_event_register(conn, test, ev_cb, &one, NULL);
        g_assert_cmpint(id2, >=, 0);

        dom = vctl_domain_define_xml(conn, WEB1_XML, 0);
        g_assert_nonnull(dom);
        g_assert_cmpint(vctl_domain_create(dom, 0), ==, 0);
        g_assert_cmpint(vctl_domain_suspend(dom), ==, 0);
        g_assert_cmpint(vctl_domain_resume(dom), ==, 0);
        g_assert_cmpint(vctl_domain_shutdown(dom, 0), ==, 0);
        g_assert_cmpint(vctl_domain_create(dom, 0), ==, 0);
        g_assert_cmpint(vctl_domain_destroy(dom, 0), ==, 0);
        g_assert_cmpint(vctl_domain_undefine(dom, 0), ==, 0);
        g_assert_cmpint(vctl_domain_suspend(test), ==, 0);
        g_assert_cmpint(vctl_domain_resume(test), ==, 0);
        ev_wait(&log, 11);
        g_assert_cmpstr(log.seen->str, ==,
                        "web1:Defined Added;web1:Started Booted;web1:Suspended Paused;"
                        "web1:Resumed Unpaused;web1:Shutdown Finished;web1:Stopped Shutdown;"
                        "web1:Started Booted;web1:Stopped Destroyed;web1:Undefined Removed;"
                        "test:Suspended Paused;test:Resumed Unpaused;");
        ev_wait(&one, 2);
        g_assert_cmpstr(one.seen->str, ==, "test:Suspended Paused;test:Resumed Unpaused;");

        g_assert_cmpint(vctl_conn_domain_event_deregister(conn, id2), ==, 0);
        g_assert_cmpint(vctl_conn_domain_event_deregister(conn, id2), ==, -1);
        assert_error(VCTL_ERR_INVALID_ARG, NULL);
        g_assert_false(log.freed);
        vctl_domain_free(dom);
        vctl_domain_free(test);
        /* closing drops the remaining callback and frees its opaque */
        vctl_conn_close(conn);
        g_assert_true(log.freed);
        g_string_free(log.seen, TRUE);
        g_string_free(one.seen, TRUE);
        g_mutex_clear(&log.lock);
        g_cond_clear(&log.cond);
        g_mutex_clear(&one.lock);
        g_cond_clear(&one.cond);
}

/* ---- threads ---- */

#define N_THREADS 8
#define N_ROUNDS  50

static gpointer thread_main(gpointer data)
{
        vctl_conn *conn = data;
        g_autofree char *name = g_strdup_printf("thr-%p", (void *)g_thread_self());
        g_autofree char *xml = g_strdup_printf("<domain type='test'><name>%s</name>"
                                               "<memory unit='MiB'>64</memory>"
                                               "<os><type>hvm</type></os></domain>",
                                               name);
        int failures = 0;

        for (int i = 0; i < N_ROUNDS; i++) {
                vctl_domain *dom = vctl_domain_define_xml(conn, xml, 0);
                vctl_domain **doms = NULL;
                vctl_domain *miss;

                if (!dom || vctl_domain_create(dom, 0) < 0 || vctl_domain_suspend(dom) < 0 ||
                    vctl_domain_resume(dom) < 0 || vctl_domain_destroy(dom, 0) < 0 ||
                    vctl_domain_undefine(dom, 0) < 0)
                        failures++;
                vctl_domain_free(dom);
                if (vctl_conn_list_all_domains(conn, &doms, 0) < 1)
                        failures++;
                vctl_domain_list_free(doms);
                /* each thread keeps its own last error */
                miss = vctl_domain_lookup_by_name(conn, name);
                if (miss || !vctl_last_error() || vctl_last_error()->code != VCTL_ERR_NO_DOMAIN ||
                    !strstr(vctl_last_error()->message, name))
                        failures++;
                vctl_domain_free(miss);
        }
        return GINT_TO_POINTER(failures);
}

static void test_threads(void)
{
        vctl_conn *conn = open_test();
        GThread *threads[N_THREADS];

        for (int i = 0; i < N_THREADS; i++)
                threads[i] = g_thread_new("caller", thread_main, conn);
        for (int i = 0; i < N_THREADS; i++)
                g_assert_cmpint(GPOINTER_TO_INT(g_thread_join(threads[i])), ==, 0);
        vctl_conn_close(conn);
}

/* ---- names ---- */

static void test_names(void)
{
        g_assert_cmpstr(vctl_domain_state_name(VCTL_DOMAIN_SHUTOFF), ==, "shut off");
        g_assert_cmpstr(vctl_domain_state_name(VCTL_DOMAIN_BLOCKED), ==, "idle");
        g_assert_cmpstr(vctl_domain_state_name(VCTL_DOMAIN_SHUTDOWN), ==, "in shutdown");
        g_assert_cmpstr(vctl_domain_state_name(99), ==, "no state");
        g_assert_cmpstr(
                vctl_domain_state_reason_name(VCTL_DOMAIN_SHUTOFF, VCTL_DOMAIN_SHUTOFF_DESTROYED),
                ==, "destroyed");
        g_assert_cmpstr(vctl_domain_state_reason_name(VCTL_DOMAIN_PAUSED, 99), ==, "unknown");
        g_assert_cmpstr(vctl_domain_event_name(VCTL_DOMAIN_EVENT_PMSUSPENDED), ==, "PMSuspended");
        g_assert_cmpstr(vctl_domain_event_detail_name(VCTL_DOMAIN_EVENT_STOPPED,
                                                      VCTL_DOMAIN_EVENT_STOPPED_FAILED),
                        ==, "Failed");
        g_assert_cmpstr(vctl_domain_event_detail_name(-1, 0), ==, "unknown");
}

/* ---- URIs ---- */

static vctl_uri *parse_ok(const char *s, unsigned int flags)
{
        vctl_uri *uri = NULL;

        if (uri_parse(s, flags, &uri) < 0)
                g_error("'%s' did not parse: %s", s, vctl_error_message());
        return uri;
}

static void parse_bad(const char *s, int code, const char *fragment)
{
        vctl_uri *uri = NULL;

        g_assert_cmpint(uri_parse(s, 0, &uri), ==, -1);
        g_assert_null(uri);
        g_assert_cmpint(vctl_error_last()->code, ==, code);
        if (!strstr(vctl_error_message(), fragment))
                g_error("error for '%s' is '%s', wanted '%s'", s, vctl_error_message(), fragment);
}

static void test_uri(void)
{
        g_autoptr(vctl_uri) sys = parse_ok("qemu:///system", 0);
        g_autoptr(vctl_uri) ro = parse_ok("qemu:///system", VCTL_CONNECT_RO);
        g_autoptr(vctl_uri) ses = parse_ok("qemu:///session", 0);
        g_autoptr(vctl_uri) sock = parse_ok("qemu+unix:///system?socket=/tmp/x/sock&mode=auto", 0);
        g_autoptr(vctl_uri) test = parse_ok("test:///default", 0);
        g_autoptr(vctl_uri) test_unix = parse_ok("test+unix:///default?socket=/tmp/t", 0);
        g_autoptr(vctl_uri) tls = parse_ok("qemu+tls://user@host.example/system", 0);
        g_autoptr(vctl_uri) tls_port = parse_ok("qemu://host:1234/system/", 0);
        g_autofree char *ses_sock =
                g_build_filename(g_get_user_runtime_dir(), "vctl", "vctld-sock", NULL);
        g_autofree char *def = NULL;

        g_assert_cmpint(sys->transport, ==, URI_TRANSPORT_UNIX);
        g_assert_cmpstr(sys->socket_path, ==, "/run/vctl/vctld-sock");
        g_assert_cmpstr(sys->name, ==, "qemu:///system");
        g_assert_false(sys->autostart);
        g_assert_cmpstr(ro->socket_path, ==, "/run/vctl/vctld-sock-ro");
        g_assert_cmpstr(ses->socket_path, ==, ses_sock);
        g_assert_true(ses->autostart);
        g_assert_cmpstr(sock->socket_path, ==, "/tmp/x/sock");
        g_assert_cmpstr(sock->name, ==, "qemu:///system");
        g_assert_false(sock->autostart);
        g_assert_cmpint(test->transport, ==, URI_TRANSPORT_LOCAL);
        g_assert_null(test->socket_path);
        g_assert_cmpint(test_unix->transport, ==, URI_TRANSPORT_UNIX);
        g_assert_cmpstr(test_unix->socket_path, ==, "/tmp/t");
        g_assert_cmpstr(test_unix->name, ==, "test:///default");
        g_assert_cmpint(tls->transport, ==, URI_TRANSPORT_TLS);
        g_assert_cmpint(tls->port, ==, URI_TLS_PORT);
        g_assert_cmpstr(tls->host, ==, "host.example");
        g_assert_cmpstr(tls->user, ==, "user");
        g_assert_cmpint(tls_port->transport, ==, URI_TRANSPORT_TLS);
        g_assert_cmpint(tls_port->port, ==, 1234);
        g_assert_cmpstr(tls_port->path, ==, "/system");
        g_assert_null(tls->pkipath);
        g_assert_false(tls->no_verify);
        {
                g_autoptr(vctl_uri) pki =
                        parse_ok("qemu+tls://h/system?pkipath=/etc/pki/x&no_verify=1", 0);

                g_assert_cmpstr(pki->pkipath, ==, "/etc/pki/x");
                g_assert_true(pki->no_verify);
        }

        g_setenv("VCTL_DEFAULT_URI", "test:///default", TRUE);
        def = uri_default();
        g_assert_cmpstr(def, ==, "test:///default");
        g_unsetenv("VCTL_DEFAULT_URI");
        g_free(def);
        def = uri_default();
        g_assert_true(g_str_equal(def, "qemu:///system") || g_str_equal(def, "qemu:///session"));

        parse_bad("", VCTL_ERR_INVALID_ARG, "empty");
        parse_bad("qemu", VCTL_ERR_INVALID_ARG, "'qemu'");
        parse_bad("xen:///system", VCTL_ERR_NO_CONNECT, "'xen'");
        parse_bad("qemu+ssh://host/system", VCTL_ERR_NO_SUPPORT, "transport 'ssh'");
        parse_bad("qemu:///nowhere", VCTL_ERR_NO_CONNECT, "/nowhere");
        parse_bad("test:///other", VCTL_ERR_NO_CONNECT, "test:///default");
        parse_bad("qemu+unix://host/system", VCTL_ERR_INVALID_ARG, "host");
        parse_bad("qemu:///system?socket=relative", VCTL_ERR_INVALID_ARG, "absolute");
        parse_bad("qemu+a+b:///system", VCTL_ERR_INVALID_ARG, "scheme");
        parse_bad("qemu+tls://h/system?pkipath=pki", VCTL_ERR_INVALID_ARG, "pkipath 'pki'");
        parse_bad("qemu+tls://h/system?no_verify=yes", VCTL_ERR_INVALID_ARG, "no_verify");
}

static void test_open_errors(void)
{
        g_autofree char *missing =
                g_build_filename(g_get_tmp_dir(), "vctl-no-such-dir", "sock", NULL);
        g_autofree char *uri = g_strdup_printf("qemu+unix:///system?socket=%s", missing);

        g_assert_null(vctl_conn_open("bogus", 0));
        assert_error(VCTL_ERR_INVALID_ARG, "bogus");
        g_assert_null(vctl_conn_open(uri, 0));
        assert_error(VCTL_ERR_NO_CONNECT, missing);
        /* TLS: the client's files are read before any connection */
        g_assert_null(vctl_conn_open("qemu+tls://host/system?pkipath=/vctl-no-such-pki", 0));
        assert_error(VCTL_ERR_SYSTEM_ERROR,
                     "cannot read the CA certificate '/vctl-no-such-pki/cacert.pem'");
        g_assert_null(vctl_conn_open("test:///default", 0x100));
        assert_error(VCTL_ERR_INVALID_ARG, "flags");
        g_assert_null(vctl_conn_get_uri(NULL));
        assert_error(VCTL_ERR_INVALID_ARG, "connection");
        g_assert_cmpstr(vctl_last_error_message(), !=, NULL);
}

int main(int argc, char **argv)
{
        g_test_init(&argc, &argv, NULL);
        g_test_add_func("/libvctl/open-list", test_open_list);
        g_test_add_func("/libvctl/lookup", test_lookup);
        g_test_add_func("/libvctl/define-undefine", test_define_undefine);
        g_test_add_func("/libvctl/lifecycle", test_lifecycle);
        g_test_add_func("/libvctl/readonly", test_readonly);
        g_test_add_func("/libvctl/console", test_console);
        g_test_add_func("/libvctl/events", test_events);
        g_test_add_func("/libvctl/threads", test_threads);
        g_test_add_func("/libvctl/names", test_names);
        g_test_add_func("/libvctl/uri", test_uri);
        g_test_add_func("/libvctl/open-errors", test_open_errors);
        return g_test_run();
}
