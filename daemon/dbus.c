/* The D-Bus service: the bus connection and its name, the connection
 * objects, calls run on workers behind the same access checks as the
 * sockets, errors as org.vctl.Error.<Kind>, and driver events turned into
 * signals. */
#include <config.h>

#include "daemon/dbus_priv.h"
#include "daemon/dbus_resources.h"
#include "daemon/polkit.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"
#include "lib/util/log.h"

#include <string.h>
#include <unistd.h>

/* callers whose uid/pid we remember; unique names are never reused on a bus */
#define DBUS_CALLERS_MAX 4096
/* calls and events waiting for a worker; past that they are refused/dropped */
#define DBUS_CALLS_QUEUED_MAX  1024
#define DBUS_EVENTS_QUEUED_MAX 10000
/* bound on asking the bus who a caller is */
#define DBUS_BUS_TIMEOUT_MS  10000
#define DBUS_RESOURCE_PREFIX "/org/vctl/dbus/"

typedef struct dbus_caller {
        uid_t uid;
        pid_t pid;
        guint64 start_time; /* of pid; 0 when unknown or not needed */
} dbus_caller;

struct dbus_service {
        GDBusConnection *bus;
        GCancellable *cancel;
        char *name;
        const char *bus_kind; /* "the system bus", "the session bus": for messages */
        gboolean system;
        /* vctld.conf auth_unix_rw/ro (VCTLD_AUTH_*) and max_message_size;
         * SIGHUP changes them: read atomically */
        gint auth_rw, auth_ro, max_string;
        guint owner_id;
        gboolean connecting; /* the asynchronous connect has not called back */
        gboolean stopped;    /* dbus_service_stop ran while connecting */
        gint64 last_call;    /* g_get_monotonic_time() of the last call; main thread */
        GThreadPool *calls;
        GThreadPool *events; /* one thread: signals keep the driver's order */
        GDBusNodeInfo *connect_info, *kind_info[DBUS_N_KINDS];
        GPtrArray *conns; /* dbus_conn_obj* */
        GMutex callers_lock;
        GHashTable *callers; /* unique name -> dbus_caller* */
};

typedef struct dbus_event {
        dbus_conn_obj *co;
        drv_domain *dom;  /* a domain's event, */
        drv_network *net; /* or a network's */
        int event, detail;
} dbus_event;

/* ---- errors ---- */

/* vctl (libvirt) error codes and their D-Bus names; anything else is sent
 * as InternalError with its message. */
static const GDBusErrorEntry dbus_error_entries[] = {
        {VCTL_ERR_INTERNAL_ERROR, "org.vctl.Error.InternalError"},
        {VCTL_ERR_NO_MEMORY, "org.vctl.Error.NoMemory"},
        {VCTL_ERR_NO_SUPPORT, "org.vctl.Error.NoSupport"},
        {VCTL_ERR_NO_CONNECT, "org.vctl.Error.NoConnect"},
        {VCTL_ERR_INVALID_ARG, "org.vctl.Error.InvalidArg"},
        {VCTL_ERR_OPERATION_FAILED, "org.vctl.Error.OperationFailed"},
        {VCTL_ERR_XML_ERROR, "org.vctl.Error.XMLError"},
        {VCTL_ERR_DOM_EXIST, "org.vctl.Error.DomainExists"},
        {VCTL_ERR_OPERATION_DENIED, "org.vctl.Error.OperationDenied"},
        {VCTL_ERR_OPEN_FAILED, "org.vctl.Error.OpenFailed"},
        {VCTL_ERR_READ_FAILED, "org.vctl.Error.ReadFailed"},
        {VCTL_ERR_WRITE_FAILED, "org.vctl.Error.WriteFailed"},
        {VCTL_ERR_XML_DETAIL, "org.vctl.Error.XMLDetail"},
        {37 /* VIR_ERR_NETWORK_EXIST */, "org.vctl.Error.NetworkExists"},
        {VCTL_ERR_SYSTEM_ERROR, "org.vctl.Error.SystemError"},
        {VCTL_ERR_RPC, "org.vctl.Error.RPC"},
        {VCTL_ERR_NO_DOMAIN, "org.vctl.Error.NoDomain"},
        {VCTL_ERR_NO_NETWORK, "org.vctl.Error.NoNetwork"},
        {VCTL_ERR_INVALID_MAC, "org.vctl.Error.InvalidMAC"},
        {VCTL_ERR_AUTH_FAILED, "org.vctl.Error.AuthFailed"},
        {VCTL_ERR_NO_STORAGE_POOL, "org.vctl.Error.NoStoragePool"},
        {VCTL_ERR_NO_STORAGE_VOL, "org.vctl.Error.NoStorageVol"},
        {VCTL_ERR_OPERATION_INVALID, "org.vctl.Error.OperationInvalid"},
        {VCTL_ERR_CONFIG_UNSUPPORTED, "org.vctl.Error.ConfigUnsupported"},
        {VCTL_ERR_OPERATION_TIMEOUT, "org.vctl.Error.OperationTimeout"},
        {VCTL_ERR_OVERFLOW, "org.vctl.Error.Overflow"},
        {VCTL_ERR_OPERATION_UNSUPPORTED, "org.vctl.Error.OperationUnsupported"},
        {VCTL_ERR_RESOURCE_BUSY, "org.vctl.Error.ResourceBusy"},
        {VCTL_ERR_ACCESS_DENIED, "org.vctl.Error.AccessDenied"},
        {VCTL_ERR_STORAGE_VOL_EXIST, "org.vctl.Error.StorageVolExists"},
        {VCTL_ERR_XML_INVALID_SCHEMA, "org.vctl.Error.XMLInvalidSchema"},
        {VCTL_ERR_AUTH_UNAVAILABLE, "org.vctl.Error.AuthUnavailable"},
};

static GQuark dbus_error_quark(void)
{
        static gsize quark;

        g_dbus_error_register_error_domain("vctl-dbus-error-quark", &quark, dbus_error_entries,
                                           G_N_ELEMENTS(dbus_error_entries));
        return (GQuark)quark;
}

static gboolean dbus_error_known(int code)
{
        for (gsize i = 0; i < G_N_ELEMENTS(dbus_error_entries); i++)
                if (dbus_error_entries[i].error_code == code)
                        return TRUE;
        return FALSE;
}

/* Answers inv with the thread's last error (takes inv). */
static void dbus_return_error(GDBusMethodInvocation *inv)
{
        const vctl_error *e = vctl_error_last();
        int code = e ? e->code : VCTL_ERR_INTERNAL_ERROR;
        const char *msg =
                e && e->message ? e->message : _("the call failed without giving a reason");

        if (!dbus_error_known(code))
                code = VCTL_ERR_INTERNAL_ERROR;
        g_dbus_method_invocation_return_error_literal(inv, dbus_error_quark(), code, msg);
}

/* ---- who calls ---- */

/* polkit resolves a system-bus-name subject on the system bus: on a session
 * bus the caller is named by its process instead. */
static void dbus_subject(dbus_service *svc, const char *sender, const dbus_caller *c,
                         access_subject *ret)
{
        *ret = (access_subject){
                .uid = c->uid,
                .pid = c->pid,
                .start_time = c->start_time,
                .bus_name = svc->system ? sender : NULL,
        };
}

/* The uid and pid of a caller, from the bus (cached per unique name). */
static int dbus_caller_identify(dbus_service *svc, const char *sender, access_subject *ret)
{
        g_autoptr(GVariant) reply = NULL;
        g_autoptr(GVariant) creds = NULL;
        g_autoptr(GError) err = NULL;
        dbus_caller *c;
        guint32 uid, pid;

        if (!sender)
                return vctl_error_set(VCTL_ERR_AUTH_FAILED, VCTL_FROM_RPC, "%s",
                                      _("a D-Bus call without a sender cannot be authorised"));
        g_mutex_lock(&svc->callers_lock);
        c = g_hash_table_lookup(svc->callers, sender);
        if (c)
                dbus_subject(svc, sender, c, ret);
        g_mutex_unlock(&svc->callers_lock);
        if (c)
                return 0;

        reply = g_dbus_connection_call_sync(
                svc->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                "GetConnectionCredentials", g_variant_new("(s)", sender), G_VARIANT_TYPE("(a{sv})"),
                G_DBUS_CALL_FLAGS_NONE, DBUS_BUS_TIMEOUT_MS, NULL, &err);
        if (!reply)
                return vctl_error_set(VCTL_ERR_AUTH_FAILED, VCTL_FROM_RPC,
                                      _("cannot identify the D-Bus caller %s: %s"), sender,
                                      err->message);
        creds = g_variant_get_child_value(reply, 0);
        if (!g_variant_lookup(creds, "UnixUserID", "u", &uid) ||
            !g_variant_lookup(creds, "ProcessID", "u", &pid))
                return vctl_error_set(VCTL_ERR_AUTH_FAILED, VCTL_FROM_RPC,
                                      _("cannot identify the D-Bus caller %s: the bus does not "
                                        "know its user and process"),
                                      sender);
        c = g_new(dbus_caller, 1);
        c->uid = (uid_t)uid;
        c->pid = (pid_t)pid;
        /* polkit's unix-process subject (session bus) wants it */
        c->start_time = svc->system ? 0 : polkit_pid_start_time(c->pid);
        g_mutex_lock(&svc->callers_lock);
        if (g_hash_table_size(svc->callers) >= DBUS_CALLERS_MAX)
                g_hash_table_remove_all(svc->callers);
        g_hash_table_replace(svc->callers, g_strdup(sender), c);
        dbus_subject(svc, sender, c, ret);
        g_mutex_unlock(&svc->callers_lock);
        return 0;
}

/* The sockets' coarse rule before any fine-grained check: a call that
 * changes something needs what the read-write socket needs
 * (auth_unix_rw: polkit's org.vctl.unix.manage), others what the read-only
 * socket needs (auth_unix_ro: org.vctl.unix.monitor). The bus vouches for
 * the caller's uid, so root passes as on the sockets. With auth "none" the
 * sockets' file modes decide, which D-Bus has not: others may only read,
 * as on the 0666 read-only socket. On a session bus only its own user may
 * call. */
static int dbus_access_unix(dbus_call *call)
{
        dbus_service *svc = call->co->svc;
        gboolean mutating = call->method->mutating;
        int auth = g_atomic_int_get(mutating ? &svc->auth_rw : &svc->auth_ro);

        if (!svc->system) {
                if (call->subj.uid != geteuid())
                        return vctl_error_set(VCTL_ERR_ACCESS_DENIED, VCTL_FROM_RPC,
                                              _("access denied: uid %u may not use the session "
                                                "vctld of uid %u"),
                                              (unsigned)call->subj.uid, (unsigned)geteuid());
                return 0;
        }
        if (call->subj.uid == 0)
                return 0;
        if (auth == VCTLD_AUTH_POLKIT) {
                const vctl_error *e;

                if (access_check_socket(&call->subj, !mutating) == 0)
                        return 0;
                /* refused by polkit: on D-Bus that is AccessDenied, with polkit's words */
                e = vctl_error_last();
                if (e && e->code == VCTL_ERR_AUTH_FAILED) {
                        g_autofree char *msg = g_strdup(e->message);

                        vctl_error_set(VCTL_ERR_ACCESS_DENIED, VCTL_FROM_RPC, "%s", msg);
                }
                return -1;
        }
        if (!mutating)
                return 0;
        return vctl_error_set(VCTL_ERR_ACCESS_DENIED, VCTL_FROM_RPC,
                              _("access denied: %s needs root (uid %u may only read through "
                                "D-Bus, as on the read-only socket)"),
                              call->method->name, (unsigned)call->subj.uid);
}

int dbus_access(dbus_call *call, const char *object, const char *perm, const access_detail *details)
{
        access_detail all[8];
        gsize n = 0;

        all[n++] = (access_detail){"connect_driver", call->co->drv->type};
        for (; details && details->key && n < G_N_ELEMENTS(all) - 1; details++)
                all[n++] = *details;
        all[n] = (access_detail){NULL, NULL};
        return access_check(&call->subj, object, perm, all);
}

void dbus_domain_details(const drv_domain *dom, char uuid_buf[VCTL_UUID_STRING_LEN],
                         access_detail ret_details[3])
{
        vctl_uuid_format(dom->uuid, uuid_buf);
        ret_details[0] = (access_detail){"domain_name", dom->name};
        ret_details[1] = (access_detail){"domain_uuid", uuid_buf};
        ret_details[2] = (access_detail){NULL, NULL};
}

int dbus_access_visible(dbus_call *call, const char *object, const char *name_key,
                        const char *uuid_key, const dbus_named *objs, guint n,
                        gboolean *ret_visible)
{
        g_autofree access_detail *all = NULL;
        g_autofree const access_detail **each = NULL;
        g_autofree char *uuids = NULL;

        if (!access_enabled() || !n) {
                for (guint i = 0; i < n; i++)
                        ret_visible[i] = TRUE;
                return 0;
        }
        all = g_new0(access_detail, 4 * n);
        each = g_new0(const access_detail *, n);
        uuids = g_malloc0((gsize)VCTL_UUID_STRING_LEN * n);
        for (guint i = 0; i < n; i++) {
                char *uuid = uuids + (gsize)VCTL_UUID_STRING_LEN * i;

                all[4 * i] = (access_detail){"connect_driver", call->co->drv->type};
                all[4 * i + 1] = (access_detail){name_key, objs[i].name};
                all[4 * i + 2] = (access_detail){uuid_key, vctl_uuid_format(objs[i].uuid, uuid)};
                each[i] = &all[4 * i];
        }
        return access_check_many(&call->subj, object, "getattr", each, n, ret_visible);
}

int dbus_check_length(dbus_call *call, const char *what, const char *value)
{
        gsize len = strlen(value);
        guint max = (guint)g_atomic_int_get(&call->co->svc->max_string);

        if (len > max)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC,
                                      _("%s is too large (%zu bytes, at most %u)"), what, len, max);
        return 0;
}

GDBusConnection *dbus_service_bus(dbus_service *svc)
{
        return svc->bus;
}

GDBusInterfaceInfo *dbus_service_kind_info(dbus_service *svc, dbus_kind_id kind)
{
        return svc->kind_info[kind]->interfaces[0];
}

GVariant *dbus_object_reply(dbus_call *call, dbus_kind_id kind,
                            const unsigned char uuid[VCTL_UUID_LEN])
{
        g_autofree char *path = dbus_object_path(call->co, kind, uuid);

        return g_variant_new("(o)", path);
}

GVariant *dbus_vol_reply(dbus_call *call, const char *key)
{
        g_autofree char *path = dbus_vol_path(call->co, key);

        return g_variant_new("(o)", path);
}

GVariant *dbus_void_reply(void)
{
        return g_variant_new("()");
}

GVariant *dbus_unsupported(dbus_call *call, const char *what)
{
        vctl_error_set(VCTL_ERR_NO_SUPPORT, VCTL_FROM_RPC,
                       _("%s is not supported by the %s driver"), what, call->co->drv->type);
        return NULL;
}

int dbus_check_interface(const char *got, const char *iface)
{
        if (g_str_equal(got, iface))
                return 0;
        return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_RPC,
                              _("this object has no interface '%.128s' (it has %s)"), got, iface);
}

/* ---- calls ---- */

const dbus_method *dbus_method_find(const dbus_method *table, const char *interface,
                                    const char *method)
{
        for (; table->name; table++)
                if (g_str_equal(table->interface, interface) && g_str_equal(table->name, method))
                        return table;
        return NULL;
}

/* A call on <connection>/<kind>/<node>: its object, looked up by the node
 * (a UUID, or a volume's key). */
static int dbus_call_resolve(dbus_call *call)
{
        const char *path = g_dbus_method_invocation_get_object_path(call->inv);

        for (int k = 0; k < DBUS_N_KINDS; k++) {
                const char *base = call->co->kind_path[k];
                gsize len = strlen(base);

                if (strncmp(path, base, len) == 0 && path[len] == '/')
                        return dbus_kinds[k].resolve(call, path + len + 1);
        }
        return 0;
}

static void dbus_call_run(gpointer data, gpointer user_data)
{
        dbus_call *call = data;
        dbus_service *svc = user_data;
        GVariant *reply = NULL;

        vctl_error_clear();
        if (dbus_caller_identify(svc, g_dbus_method_invocation_get_sender(call->inv),
                                 &call->subj) == 0 &&
            dbus_access_unix(call) == 0 && dbus_call_resolve(call) == 0)
                reply = call->method->fn(call);
        if (reply)
                g_dbus_method_invocation_return_value(call->inv, reply);
        else
                dbus_return_error(call->inv);
        drv_domain_free(call->dom);
        drv_network_free(call->net);
        drv_pool_free(call->pool);
        drv_vol_free(call->vol);
        g_free(call);
        vctl_error_clear();
}

void dbus_call_queue(dbus_conn_obj *co, const dbus_method *m, GDBusMethodInvocation *inv)
{
        dbus_service *svc = co->svc;
        dbus_call *call;
        g_autoptr(GError) err = NULL;

        svc->last_call = g_get_monotonic_time();

        if (g_thread_pool_unprocessed(svc->calls) >= DBUS_CALLS_QUEUED_MAX) {
                vctl_error_set(VCTL_ERR_RESOURCE_BUSY, VCTL_FROM_RPC,
                               _("vctld is busy: %u D-Bus calls are waiting; try again later"),
                               g_thread_pool_unprocessed(svc->calls));
                dbus_return_error(inv);
                vctl_error_clear();
                return;
        }
        call = g_new0(dbus_call, 1);
        call->co = co;
        call->inv = inv;
        call->method = m;
        call->params = g_dbus_method_invocation_get_parameters(inv);
        if (!g_thread_pool_push(svc->calls, call, &err)) {
                vctl_error_set(VCTL_ERR_INTERNAL_ERROR, VCTL_FROM_RPC,
                               _("cannot queue the D-Bus call %s: %s"), m->name, err->message);
                dbus_return_error(inv);
                vctl_error_clear();
                g_free(call);
        }
}

/* ---- events ---- */

static void dbus_event_run(gpointer data, gpointer user_data)
{
        dbus_event *ev = data;

        (void)user_data;
        if (ev->dom)
                dbus_connect_domain_event(ev->co, ev->dom, ev->event, ev->detail);
        else
                dbus_connect_network_event(ev->co, ev->net, ev->event);
        drv_domain_free(ev->dom);
        drv_network_free(ev->net);
        g_free(ev);
        vctl_error_clear();
}

/* From the driver, in whatever thread changed the domain: queued, since
 * turning it into properties calls the driver. */
static void dbus_on_domain_event(const drv_domain *dom, int event, int detail, void *opaque)
{
        dbus_conn_obj *co = opaque;
        dbus_event *ev;

        if (g_thread_pool_unprocessed(co->svc->events) >= DBUS_EVENTS_QUEUED_MAX) {
                log_warning(_("D-Bus: dropping an event of domain '%s': %u events are waiting"),
                            dom->name, g_thread_pool_unprocessed(co->svc->events));
                return;
        }
        ev = g_new0(dbus_event, 1);
        ev->co = co;
        ev->dom = drv_domain_copy(dom);
        ev->event = event;
        ev->detail = detail;
        g_thread_pool_push(co->svc->events, ev, NULL);
}

static void dbus_on_network_event(const drv_network *net, int event, int detail, void *opaque)
{
        dbus_conn_obj *co = opaque;
        dbus_event *ev;

        (void)detail;
        if (g_thread_pool_unprocessed(co->svc->events) >= DBUS_EVENTS_QUEUED_MAX) {
                log_warning(_("D-Bus: dropping an event of network '%s': %u events are waiting"),
                            net->name, g_thread_pool_unprocessed(co->svc->events));
                return;
        }
        ev = g_new0(dbus_event, 1);
        ev->co = co;
        ev->net = drv_network_copy(net);
        ev->event = event;
        g_thread_pool_push(co->svc->events, ev, NULL);
}

/* Drops the driver event registrations of co. */
static void dbus_conn_obj_unwatch(dbus_conn_obj *co)
{
        if (co->event_id >= 0 && co->drv->event_deregister)
                co->drv->event_deregister(co->dc, co->event_id);
        if (co->net_event_id >= 0 && co->drv->network && co->drv->network->event_deregister)
                co->drv->network->event_deregister(co->dc, co->net_event_id);
        co->event_id = co->net_event_id = -1;
}

/* ---- objects ---- */

static void dbus_conn_obj_free(dbus_conn_obj *co)
{
        dbus_conn_obj_unwatch(co);
        if (co->svc->bus) {
                if (co->object_id)
                        g_dbus_connection_unregister_object(co->svc->bus, co->object_id);
                for (int k = 0; k < DBUS_N_KINDS; k++)
                        if (co->subtree_id[k])
                                g_dbus_connection_unregister_subtree(co->svc->bus,
                                                                     co->subtree_id[k]);
        }
        if (co->drv->close)
                co->drv->close(co->dc);
        g_free(co->uri);
        g_free(co->path);
        for (int k = 0; k < DBUS_N_KINDS; k++)
                g_free(co->kind_path[k]);
        g_free(co);
}

/* Opens the driver connection an object serves; NULL (logged) when it
 * cannot be opened. */
static dbus_conn_obj *dbus_conn_obj_new(dbus_service *svc, const char *uri, const char *path)
{
        const vctl_driver *drv = vctl_driver_for_uri(uri);
        dbus_conn_obj *co;
        drv_conn *dc;

        dc = drv ? drv->open(uri, 0) : NULL;
        if (!dc) {
                log_warning(_("D-Bus: %s is not served: cannot open '%s': %s"), path, uri,
                            vctl_error_message());
                vctl_error_clear();
                return NULL;
        }
        co = g_new0(dbus_conn_obj, 1);
        co->svc = svc;
        co->drv = drv;
        co->dc = dc;
        co->uri = g_strdup(uri);
        co->path = g_strdup(path);
        for (int k = 0; k < DBUS_N_KINDS; k++)
                co->kind_path[k] = g_strconcat(path, "/", dbus_kinds[k].segment, NULL);
        co->event_id = co->net_event_id = -1;
        return co;
}

static int dbus_conn_obj_register(dbus_conn_obj *co)
{
        dbus_service *svc = co->svc;
        g_autoptr(GError) err = NULL;

        co->object_id = g_dbus_connection_register_object(svc->bus, co->path,
                                                          svc->connect_info->interfaces[0],
                                                          &dbus_connect_vtable, co, NULL, &err);
        if (!co->object_id) {
                log_warning(_("D-Bus: cannot register %s: %s"), co->path, err->message);
                return -1;
        }
        /* one registration per kind, however many objects there are */
        for (int k = 0; k < DBUS_N_KINDS; k++) {
                if (!dbus_kinds[k].available(co))
                        continue;
                co->subtree_id[k] = g_dbus_connection_register_subtree(
                        svc->bus, co->kind_path[k], &dbus_subtree_vtable,
                        G_DBUS_SUBTREE_FLAGS_DISPATCH_TO_UNENUMERATED_NODES, co, NULL, &err);
                if (!co->subtree_id[k]) {
                        log_warning(_("D-Bus: cannot register %s: %s"), co->kind_path[k],
                                    err->message);
                        return -1;
                }
        }
        if (co->drv->event_register) {
                co->event_id =
                        co->drv->event_register(co->dc, NULL, dbus_on_domain_event, co, NULL);
                if (co->event_id < 0) {
                        log_warning(_("D-Bus: no events for %s: %s"), co->path,
                                    vctl_error_message());
                        vctl_error_clear();
                }
        }
        if (co->drv->network && co->drv->network->event_register) {
                co->net_event_id = co->drv->network->event_register(
                        co->dc, NULL, dbus_on_network_event, co, NULL);
                if (co->net_event_id < 0) {
                        log_warning(_("D-Bus: no network events for %s: %s"), co->path,
                                    vctl_error_message());
                        vctl_error_clear();
                }
        }
        return 0;
}

static void dbus_on_name_acquired(GDBusConnection *bus, const char *name, gpointer data)
{
        dbus_service *svc = data;

        (void)bus;
        log_info(_("D-Bus: serving %s on %s"), name, svc->bus_kind);
}

static void dbus_on_name_lost(GDBusConnection *bus, const char *name, gpointer data)
{
        dbus_service *svc = data;

        if (!bus || g_dbus_connection_is_closed(bus))
                log_warning(_("D-Bus: %s went away; serving the sockets only"), svc->bus_kind);
        else
                log_warning(
                        _("D-Bus: cannot own %s on %s (another vctld owns it, or the "
                          "bus's policy does not allow it: see %s/dbus-1/system.d/org.vctl.conf)"),
                        name, svc->bus_kind, DATADIR);
}

static void dbus_free(dbus_service *svc)
{
        if (svc->bus)
                g_dbus_connection_close_sync(svc->bus, NULL, NULL);
        g_clear_object(&svc->bus);
        g_clear_object(&svc->cancel);
        g_clear_pointer(&svc->connect_info, g_dbus_node_info_unref);
        for (int k = 0; k < DBUS_N_KINDS; k++)
                g_clear_pointer(&svc->kind_info[k], g_dbus_node_info_unref);
        g_clear_pointer(&svc->callers, g_hash_table_destroy);
        g_mutex_clear(&svc->callers_lock);
        g_free(svc->name);
        g_free(svc);
}

static void dbus_on_connected(GObject *src, GAsyncResult *res, gpointer data)
{
        dbus_service *svc = data;
        g_autoptr(GError) err = NULL;
        GDBusConnection *bus = g_dbus_connection_new_for_address_finish(res, &err);

        (void)src;
        svc->connecting = FALSE;
        if (svc->stopped) {
                g_clear_object(&bus);
                dbus_free(svc);
                return;
        }
        if (!bus) {
                log_warning(_("D-Bus: cannot connect to %s: %s; serving the sockets only"),
                            svc->bus_kind, err->message);
                return;
        }
        /* the daemon outlives its bus */
        g_dbus_connection_set_exit_on_close(bus, FALSE);
        svc->bus = bus;
        for (guint i = 0; i < svc->conns->len; i++)
                dbus_conn_obj_register(g_ptr_array_index(svc->conns, i));
        svc->owner_id =
                g_bus_own_name_on_connection(bus, svc->name, G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                                             dbus_on_name_acquired, dbus_on_name_lost, svc, NULL);
}

static GDBusNodeInfo *dbus_node_info_load(const char *file)
{
        g_autofree char *path = g_strconcat(DBUS_RESOURCE_PREFIX, file, NULL);
        g_autoptr(GError) err = NULL;
        g_autoptr(GBytes) data = g_resource_lookup_data(vctld_dbus_get_resource(), path, 0, &err);
        GDBusNodeInfo *info;

        /* built in from daemon/dbus/: a failure here is a build bug */
        if (!data)
                g_error("D-Bus: %s is not built in: %s", path, err->message);
        info = g_dbus_node_info_new_for_xml(g_bytes_get_data(data, NULL), &err);
        if (!info || !info->interfaces || !info->interfaces[0])
                g_error("D-Bus: %s is not an interface description: %s", path,
                        err ? err->message : "no interface");
        return info;
}

/* The address of the bus, or NULL (logged) when there is none to use. Never
 * "autolaunch:": a daemon must not start a bus of its own. */
static char *dbus_bus_address(dbus_service *svc, gboolean rooted)
{
        const char *var = svc->system ? "DBUS_SYSTEM_BUS_ADDRESS" : "DBUS_SESSION_BUS_ADDRESS";
        const char *addr = g_getenv(var);
        const char *starter = g_getenv("DBUS_STARTER_BUS_TYPE");
        g_autofree char *socket = NULL;

        /* started by the bus itself (activation): that bus */
        if (starter && g_str_equal(starter, svc->system ? "system" : "session") &&
            g_getenv("DBUS_STARTER_ADDRESS") && *g_getenv("DBUS_STARTER_ADDRESS"))
                return g_strdup(g_getenv("DBUS_STARTER_ADDRESS"));
        if (addr && *addr)
                return g_strdup(addr);
        if (rooted) {
                log_info(_("D-Bus: off under --root unless %s is set"), var);
                return NULL;
        }
        if (svc->system)
                socket = g_strdup("/run/dbus/system_bus_socket");
        else
                socket = g_build_filename(g_get_user_runtime_dir(), "bus", NULL);
        if (!g_file_test(socket, G_FILE_TEST_EXISTS)) {
                log_info(_("D-Bus: no bus (%s does not exist and %s is not set); serving the "
                           "sockets only"),
                         socket, var);
                return NULL;
        }
        return g_strconcat("unix:path=", socket, NULL);
}

dbus_service *dbus_service_start(const vctld_config *cfg, gboolean system, gboolean rooted,
                                 const char *qemu_uri)
{
        static const struct {
                const char *uri, *path;
        } objs[] = {{NULL, "/org/vctl/QEMU"}, {"test:///default", "/org/vctl/Test"}};
        g_autofree char *addr = NULL;
        dbus_service *svc;

        if (!cfg->dbus) {
                log_info("%s", _("D-Bus: off (dbus = no in vctld.conf)"));
                return NULL;
        }
        svc = g_new0(dbus_service, 1);
        svc->system = system;
        svc->bus_kind = system ? _("the system bus") : _("the session bus");
        svc->name = g_strdup(cfg->dbus_name);
        svc->max_string = cfg->max_message_size;
        svc->auth_rw = cfg->auth_unix_rw;
        svc->auth_ro = cfg->auth_unix_ro;
        addr = dbus_bus_address(svc, rooted);
        if (!addr) {
                g_free(svc->name);
                g_free(svc);
                return NULL;
        }
        g_mutex_init(&svc->callers_lock);
        svc->callers = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
        svc->cancel = g_cancellable_new();
        svc->connect_info = dbus_node_info_load("org.vctl.Connect.xml");
        for (int k = 0; k < DBUS_N_KINDS; k++)
                svc->kind_info[k] = dbus_node_info_load(dbus_kinds[k].xml);
        dbus_error_quark();
        svc->calls = g_thread_pool_new(dbus_call_run, svc, (int)cfg->max_workers, FALSE, NULL);
        svc->events = g_thread_pool_new(dbus_event_run, svc, 1, FALSE, NULL);
        svc->conns = g_ptr_array_new();
        for (gsize i = 0; i < G_N_ELEMENTS(objs); i++) {
                dbus_conn_obj *co =
                        dbus_conn_obj_new(svc, objs[i].uri ? objs[i].uri : qemu_uri, objs[i].path);

                if (co)
                        g_ptr_array_add(svc->conns, co);
        }
        svc->connecting = TRUE;
        g_dbus_connection_new_for_address(addr,
                                          G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                  G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                          NULL, svc->cancel, dbus_on_connected, svc);
        log_debug("D-Bus: connecting to %s at %s", system ? "the system bus" : "the session bus",
                  addr);
        return svc;
}

gboolean dbus_service_busy(guint seconds, void *data)
{
        dbus_service *svc = data;

        return svc && svc->last_call &&
               g_get_monotonic_time() - svc->last_call < (gint64)seconds * G_USEC_PER_SEC;
}

void dbus_service_reload(const vctld_config *cfg, void *data)
{
        dbus_service *svc = data;

        if (!svc)
                return;
        g_atomic_int_set(&svc->auth_rw, cfg->auth_unix_rw);
        g_atomic_int_set(&svc->auth_ro, cfg->auth_unix_ro);
        g_atomic_int_set(&svc->max_string, (gint)cfg->max_message_size);
}

void dbus_service_stop(dbus_service *svc)
{
        if (!svc)
                return;
        if (svc->owner_id)
                g_bus_unown_name(svc->owner_id);
        svc->owner_id = 0;
        /* no new events, then the calls and events in flight finish */
        for (guint i = 0; i < svc->conns->len; i++)
                dbus_conn_obj_unwatch(g_ptr_array_index(svc->conns, i));
        g_thread_pool_free(g_steal_pointer(&svc->calls), FALSE, TRUE);
        g_thread_pool_free(g_steal_pointer(&svc->events), FALSE, TRUE);
        for (guint i = 0; i < svc->conns->len; i++)
                dbus_conn_obj_free(g_ptr_array_index(svc->conns, i));
        g_ptr_array_unref(g_steal_pointer(&svc->conns));
        if (svc->connecting) {
                /* the connect callback frees the rest when it comes */
                svc->stopped = TRUE;
                g_cancellable_cancel(svc->cancel);
                return;
        }
        dbus_free(svc);
}
