/* polkit's CheckAuthorization over GDBus. One private connection to the
 * system bus, opened on first use and again after the bus went away, so a
 * restarted dbus-daemon or polkitd does not need a vctld restart. */
#include <config.h>

#include "daemon/polkit.h"
#include "lib/util/error.h"
#include "lib/util/file.h"
#include "lib/util/i18n.h"
#include "lib/util/log.h"
#include "lib/util/num.h"

#include <gio/gio.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#define POLKIT_BUS_NAME  "org.freedesktop.PolicyKit1"
#define POLKIT_PATH      "/org/freedesktop/PolicyKit1/Authority"
#define POLKIT_INTERFACE "org.freedesktop.PolicyKit1.Authority"
/* CheckAuthorizationFlags */
#define POLKIT_FLAG_ALLOW_USER_INTERACTION 0x1
/* /proc/PID/stat is one line; the command name in it is at most 64 bytes */
#define POLKIT_STAT_MAX 4096

static GMutex polkit_lock;
static GDBusConnection *polkit_bus; /* under polkit_lock */

/* A connection of our own rather than g_bus_get's singleton, so that a
 * closed one can be dropped and replaced. */
static GDBusConnection *polkit_bus_get(GError **error)
{
        g_autoptr(GDBusConnection) bus = NULL;
        g_autofree char *address = NULL;

        g_mutex_lock(&polkit_lock);
        if (polkit_bus && g_dbus_connection_is_closed(polkit_bus))
                g_clear_object(&polkit_bus);
        if (polkit_bus) {
                bus = g_object_ref(polkit_bus);
                g_mutex_unlock(&polkit_lock);
                return g_steal_pointer(&bus);
        }
        address = g_dbus_address_get_for_bus_sync(G_BUS_TYPE_SYSTEM, NULL, error);
        if (address)
                bus = g_dbus_connection_new_for_address_sync(
                        address,
                        G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                        NULL, NULL, error);
        if (bus) {
                g_dbus_connection_set_exit_on_close(bus, FALSE);
                polkit_bus = g_object_ref(bus);
        }
        g_mutex_unlock(&polkit_lock);
        return g_steal_pointer(&bus);
}

guint64 polkit_pid_start_time(pid_t pid)
{
        g_autofree char *path = g_strdup_printf("/proc/%ld/stat", (long)pid);
        g_autofree char *data = NULL;
        g_auto(GStrv) fields = NULL;
        unsigned long long start = 0;
        const char *p;
        size_t len = 0;

        if (pid <= 0 || vctl_file_read_bounded(path, POLKIT_STAT_MAX, &data, &len) < 0) {
                vctl_error_clear();
                return 0;
        }
        /* the command name (field 2) may hold spaces and ')': skip past
         * the last ')' */
        p = strrchr(data, ')');
        if (!p)
                return 0;
        fields = g_strsplit(p + 1, " ", 0);
        /* fields[0] is "" (the space after ')'), fields[1] is field 3 */
        if (g_strv_length(fields) < 21 ||
            vctl_parse_ull(g_strstrip(fields[20]), G_MAXUINT64, &start) < 0) {
                vctl_error_clear();
                return 0;
        }
        return start;
}

char *polkit_user_name(uid_t uid)
{
        struct passwd pw, *res = NULL;
        char buf[4096];

        if (uid == (uid_t)-1)
                return g_strdup(_("(unknown)"));
        if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res && res->pw_name)
                return g_strdup(res->pw_name);
        return g_strdup_printf(_("uid %ld"), (long)uid);
}

static GVariant *polkit_subject(const access_subject *subj)
{
        GVariantBuilder b;

        g_variant_builder_init(&b, G_VARIANT_TYPE("a{sv}"));
        if (subj->bus_name) {
                g_variant_builder_add(&b, "{sv}", "name", g_variant_new_string(subj->bus_name));
                return g_variant_new("(sa{sv})", "system-bus-name", &b);
        }
        g_variant_builder_add(&b, "{sv}", "pid", g_variant_new_uint32((guint32)subj->pid));
        g_variant_builder_add(&b, "{sv}", "start-time", g_variant_new_uint64(subj->start_time));
        g_variant_builder_add(&b, "{sv}", "uid", g_variant_new_int32((gint32)subj->uid));
        return g_variant_new("(sa{sv})", "unix-process", &b);
}

static GVariant *polkit_args(const access_subject *subj, const char *action,
                             const access_detail *details, gboolean allow_interaction)
{
        GVariantBuilder db;

        g_variant_builder_init(&db, G_VARIANT_TYPE("a{ss}"));
        for (const access_detail *d = details; d && d->key; d++)
                g_variant_builder_add(&db, "{ss}", d->key, d->value ? d->value : "");
        return g_variant_new("(@(sa{sv})sa{ss}us)", polkit_subject(subj), action, &db,
                             allow_interaction ? POLKIT_FLAG_ALLOW_USER_INTERACTION : 0, "");
}

static polkit_result polkit_parse_reply(GVariant *reply)
{
        gboolean authorized = FALSE, challenge = FALSE;

        g_variant_get(reply, "((bb@a{ss}))", &authorized, &challenge, NULL);
        return authorized ? POLKIT_ALLOWED : challenge ? POLKIT_CHALLENGE : POLKIT_DENIED;
}

static int polkit_call_error(const char *action, GError *err)
{
        g_dbus_error_strip_remote_error(err);
        return vctl_error_set(VCTL_ERR_AUTH_UNAVAILABLE, VCTL_FROM_ACCESS,
                              _("cannot ask polkit at the system bus about %s: %s"), action,
                              err->message);
}

static GDBusConnection *polkit_bus_or_error(void)
{
        g_autoptr(GError) err = NULL;
        GDBusConnection *bus = polkit_bus_get(&err);

        if (!bus)
                vctl_error_set(VCTL_ERR_AUTH_UNAVAILABLE, VCTL_FROM_ACCESS,
                               _("cannot reach polkit at the system bus: %s"), err->message);
        return bus;
}

int polkit_check(const access_subject *subj, const char *action, const access_detail *details,
                 gboolean allow_interaction, polkit_result *ret_result)
{
        g_autoptr(GDBusConnection) bus = polkit_bus_or_error();
        g_autoptr(GVariant) reply = NULL;
        g_autoptr(GError) err = NULL;

        if (!bus)
                return -1;
        reply = g_dbus_connection_call_sync(bus, POLKIT_BUS_NAME, POLKIT_PATH, POLKIT_INTERFACE,
                                            "CheckAuthorization",
                                            polkit_args(subj, action, details, allow_interaction),
                                            G_VARIANT_TYPE("((bba{ss}))"), G_DBUS_CALL_FLAGS_NONE,
                                            POLKIT_TIMEOUT_MS, NULL, &err);
        if (!reply)
                return polkit_call_error(action, err);
        *ret_result = polkit_parse_reply(reply);
        return 0;
}

typedef struct polkit_batch {
        guint pending;
        polkit_result *results;
        GError *error; /* the first failure */
} polkit_batch;

typedef struct polkit_batch_call {
        polkit_batch *batch;
        guint index;
} polkit_batch_call;

static void polkit_batch_done(GObject *source, GAsyncResult *res, gpointer data)
{
        polkit_batch_call *call = data;
        polkit_batch *batch = call->batch;
        g_autoptr(GVariant) reply = NULL;
        GError *err = NULL;

        reply = g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), res, &err);
        if (reply)
                batch->results[call->index] = polkit_parse_reply(reply);
        else if (!batch->error)
                batch->error = err;
        else
                g_error_free(err);
        batch->pending--;
        g_free(call);
}

int polkit_check_many(const access_subject *subj, const char *action,
                      const access_detail *const *details, guint n, polkit_result *ret_results)
{
        g_autoptr(GDBusConnection) bus = NULL;
        g_autoptr(GMainContext) ctx = NULL;
        polkit_batch batch = {.results = ret_results};
        int r = 0;

        if (n == 0)
                return 0;
        bus = polkit_bus_or_error();
        if (!bus)
                return -1;
        /* the replies come to a context of our own, on this thread */
        ctx = g_main_context_new();
        g_main_context_push_thread_default(ctx);
        for (guint i = 0; i < n; i++) {
                polkit_batch_call *call = g_new0(polkit_batch_call, 1);

                call->batch = &batch;
                call->index = i;
                batch.pending++;
                g_dbus_connection_call(
                        bus, POLKIT_BUS_NAME, POLKIT_PATH, POLKIT_INTERFACE, "CheckAuthorization",
                        polkit_args(subj, action, details[i], FALSE), G_VARIANT_TYPE("((bba{ss}))"),
                        G_DBUS_CALL_FLAGS_NONE, POLKIT_TIMEOUT_MS, NULL, polkit_batch_done, call);
                /* every call has its own timeout, so these loops end */
                while (batch.pending >= POLKIT_BATCH)
                        g_main_context_iteration(ctx, TRUE);
        }
        while (batch.pending > 0)
                g_main_context_iteration(ctx, TRUE);
        g_main_context_pop_thread_default(ctx);
        if (batch.error) {
                r = polkit_call_error(action, batch.error);
                g_error_free(batch.error);
        }
        return r;
}
