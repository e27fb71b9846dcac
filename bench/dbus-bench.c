/* dbus-bench: calls per second to vctld's D-Bus service (GDBus, one
 * connection per client thread, synchronous calls as a desktop program
 * makes them).
 *
 *   dbus-bench --address ADDR [--name org.vctl] [--path /org/vctl/QEMU]
 *              --mode list|get-state --clients N --seconds S [--domain NAME]
 *
 *   list       loops org.vctl.Connect.ListDomains(0) on --path
 *              prints: dbus_list_per_s clients=N domains=K value=CALLS_PER_S ...
 *   get-state  looks --domain up once, then loops org.vctl.Domain.GetState(0)
 *              prints: dbus_get_state_per_s clients=N value=CALLS_PER_S ...
 *
 * Every call has a 30 s timeout; errors go to stderr with exit status 1. */
#include "config.h"

#include <gio/gio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CLIENTS  1000
#define CALL_TIMEOUT 30000

typedef struct bench_opts {
        char *address, *name, *path, *mode, *domain;
        int clients;
        double seconds;
} bench_opts;

typedef struct worker {
        const bench_opts *o;
        GDBusConnection *bus;
        char *target; /* object path called */
        gint *stop;
        GMutex *lock; /* with cond: the start line */
        GCond *cond;
        gboolean *go;
        guint64 calls;
        guint domains;
        char *error;
} worker;

static GDBusConnection *bench_connect(const char *address, GError **err)
{
        return g_dbus_connection_new_for_address_sync(
                address,
                G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                        G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                NULL, NULL, err);
}

/* One call of the mode: 0, or -1 with w->error set. */
static int bench_call(worker *w)
{
        g_autoptr(GError) err = NULL;
        g_autoptr(GVariant) reply = NULL;
        gboolean list = g_str_equal(w->o->mode, "list");

        reply = g_dbus_connection_call_sync(
                w->bus, w->o->name, w->target, list ? "org.vctl.Connect" : "org.vctl.Domain",
                list ? "ListDomains" : "GetState", g_variant_new("(u)", 0),
                list ? G_VARIANT_TYPE("(ao)") : G_VARIANT_TYPE("((ii))"), G_DBUS_CALL_FLAGS_NONE,
                CALL_TIMEOUT, NULL, &err);
        if (!reply) {
                w->error = g_strdup(err->message);
                return -1;
        }
        if (list) {
                g_autoptr(GVariant) paths = g_variant_get_child_value(reply, 0);

                w->domains = (guint)g_variant_n_children(paths);
        }
        return 0;
}

static gpointer worker_run(gpointer data)
{
        worker *w = data;

        g_mutex_lock(w->lock);
        while (!*w->go)
                g_cond_wait(w->cond, w->lock);
        g_mutex_unlock(w->lock);
        while (!g_atomic_int_get(w->stop)) {
                if (bench_call(w) < 0)
                        break;
                w->calls++;
        }
        return NULL;
}

static char *bench_lookup(GDBusConnection *bus, const bench_opts *o, GError **err)
{
        g_autoptr(GVariant) reply = g_dbus_connection_call_sync(
                bus, o->name, o->path, "org.vctl.Connect", "DomainLookupByName",
                g_variant_new("(s)", o->domain), G_VARIANT_TYPE("(o)"), G_DBUS_CALL_FLAGS_NONE,
                CALL_TIMEOUT, NULL, err);
        char *path = NULL;

        if (reply)
                g_variant_get(reply, "(o)", &path);
        return path;
}

static int bench_run(const bench_opts *o)
{
        g_autofree worker *ws = g_new0(worker, o->clients);
        g_autofree GThread **threads = g_new0(GThread *, o->clients);
        g_autofree char *target = NULL;
        g_autoptr(GError) err = NULL;
        gint stop = 0;
        gboolean go = FALSE;
        GMutex lock;
        GCond cond;
        gint64 t0;
        double elapsed;
        guint64 calls = 0;
        int failed = 0;

        g_mutex_init(&lock);
        g_cond_init(&cond);
        for (int i = 0; i < o->clients; i++) {
                ws[i].bus = bench_connect(o->address, &err);
                if (!ws[i].bus) {
                        fprintf(stderr, "error: client %d cannot connect to %s: %s\n", i + 1,
                                o->address, err->message);
                        return 1;
                }
        }
        if (g_str_equal(o->mode, "get-state")) {
                target = bench_lookup(ws[0].bus, o, &err);
                if (!target) {
                        fprintf(stderr, "error: cannot look up domain '%s' on %s: %s\n", o->domain,
                                o->path, err->message);
                        return 1;
                }
        } else
                target = g_strdup(o->path);
        for (int i = 0; i < o->clients; i++) {
                ws[i].o = o;
                ws[i].target = target;
                ws[i].stop = &stop;
                ws[i].lock = &lock;
                ws[i].cond = &cond;
                ws[i].go = &go;
        }
        /* one call first: a refused call is an error, not a rate */
        if (bench_call(&ws[0]) < 0) {
                fprintf(stderr, "error: the first call failed: %s\n", ws[0].error);
                return 1;
        }
        for (int i = 0; i < o->clients; i++)
                threads[i] = g_thread_new("dbus-bench", worker_run, &ws[i]);
        g_mutex_lock(&lock);
        go = TRUE;
        g_cond_broadcast(&cond);
        g_mutex_unlock(&lock);
        t0 = g_get_monotonic_time();
        g_usleep((gulong)(o->seconds * G_USEC_PER_SEC));
        g_atomic_int_set(&stop, 1);
        for (int i = 0; i < o->clients; i++) {
                g_thread_join(threads[i]);
                calls += ws[i].calls;
                if (ws[i].error) {
                        if (!failed)
                                fprintf(stderr, "error: client %d: %s\n", i + 1, ws[i].error);
                        failed++;
                }
        }
        elapsed = (double)(g_get_monotonic_time() - t0) / G_USEC_PER_SEC;
        for (int i = 0; i < o->clients; i++) {
                g_dbus_connection_close_sync(ws[i].bus, NULL, NULL);
                g_object_unref(ws[i].bus);
                g_free(ws[i].error);
        }
        g_mutex_clear(&lock);
        g_cond_clear(&cond);
        if (failed) {
                fprintf(stderr, "error: %d of %d clients failed\n", failed, o->clients);
                return 1;
        }
        if (g_str_equal(o->mode, "list"))
                printf("dbus_list_per_s clients=%d domains=%u value=%.0f calls=%llu "
                       "seconds=%.2f\n",
                       o->clients, ws[0].domains, (double)calls / elapsed,
                       (unsigned long long)calls, elapsed);
        else
                printf("dbus_get_state_per_s clients=%d value=%.0f calls=%llu seconds=%.2f\n",
                       o->clients, (double)calls / elapsed, (unsigned long long)calls, elapsed);
        return 0;
}

int main(int argc, char **argv)
{
        bench_opts o = {.clients = 1, .seconds = 5};
        const GOptionEntry entries[] = {
                {"address", 0, 0, G_OPTION_ARG_STRING, &o.address, "The bus (required)", "ADDR"},
                {"name", 0, 0, G_OPTION_ARG_STRING, &o.name, "vctld's name (org.vctl)", "NAME"},
                {"path", 0, 0, G_OPTION_ARG_STRING, &o.path, "Connection object", "PATH"},
                {"mode", 0, 0, G_OPTION_ARG_STRING, &o.mode, "list or get-state", "MODE"},
                {"domain", 0, 0, G_OPTION_ARG_STRING, &o.domain, "For get-state", "NAME"},
                {"clients", 0, 0, G_OPTION_ARG_INT, &o.clients, "Threads (1-1000)", "N"},
                {"seconds", 0, 0, G_OPTION_ARG_DOUBLE, &o.seconds, "Per run (0-3600]", "S"},
                {NULL},
        };
        g_autoptr(GOptionContext) octx = g_option_context_new("- vctld's D-Bus calls per second");
        g_autoptr(GError) err = NULL;
        int rc;

        g_option_context_add_main_entries(octx, entries, NULL);
        if (!g_option_context_parse(octx, &argc, &argv, &err)) {
                fprintf(stderr, "error: %s\n", err->message);
                return 1;
        }
        if (!o.address || !o.mode ||
            (!g_str_equal(o.mode, "list") && !g_str_equal(o.mode, "get-state"))) {
                fprintf(stderr, "error: --address and --mode list|get-state are required\n");
                return 1;
        }
        if (o.clients < 1 || o.clients > MAX_CLIENTS || !(o.seconds > 0 && o.seconds <= 3600)) {
                fprintf(stderr, "error: --clients 1-%d and --seconds (0, 3600] only\n",
                        MAX_CLIENTS);
                return 1;
        }
        if (!o.name)
                o.name = g_strdup("org.vctl");
        if (!o.path)
                o.path = g_strdup("/org/vctl/QEMU");
        if (!o.domain)
                o.domain = g_strdup("bench-00001");
        rc = bench_run(&o);
        g_free(o.address);
        g_free(o.name);
        g_free(o.path);
        g_free(o.mode);
        g_free(o.domain);
        return rc;
}
