/* Network objects, their definitions on disk and the driver-table entries
 * shared by the host's network driver and the test driver's. */
#include "config.h"

#include "driver/network/network_store.h"
#include "lib/util/error.h"
#include "lib/util/file.h"
#include "lib/util/i18n.h"
#include "lib/util/log.h"
#include "lib/util/name.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#define NETWORK_XML_MAX      (1024 * 1024)
#define NETWORK_AUTO_BRIDGES 256
#define NETWORK_STORE_MAX    4096

/* ---- the store ---- */

static void network_obj_free(network_obj *obj)
{
        if (!obj)
                return;
        network_def_free(obj->def);
        network_def_free(obj->live);
        g_free(obj);
}

network_store *network_store_new(const char *config_dir, const network_backend *backend)
{
        network_store *s = g_new0(network_store, 1);

        s->refs = 1;
        g_mutex_init(&s->lock);
        s->objs = g_ptr_array_new_with_free_func((GDestroyNotify)network_obj_free);
        s->events = domain_event_registry_new();
        s->config_dir = g_strdup(config_dir);
        if (config_dir)
                s->autostart_dir = g_build_filename(config_dir, "autostart", NULL);
        s->backend = backend;
        return s;
}

network_store *network_store_ref(network_store *s)
{
        g_atomic_int_inc(&s->refs);
        return s;
}

void network_store_unref(network_store *s)
{
        if (!s || !g_atomic_int_dec_and_test(&s->refs))
                return;
        g_ptr_array_unref(s->objs);
        domain_event_registry_free(s->events);
        g_free(s->config_dir);
        g_free(s->autostart_dir);
        g_mutex_clear(&s->lock);
        g_free(s);
}

network_obj *network_store_find_name_locked(network_store *s, const char *name)
{
        for (guint i = 0; i < s->objs->len; i++) {
                network_obj *obj = g_ptr_array_index(s->objs, i);

                if (g_str_equal(obj->def->name, name))
                        return obj;
        }
        return NULL;
}

static network_obj *network_store_find_uuid_locked(network_store *s,
                                                   const unsigned char uuid[VCTL_UUID_LEN])
{
        for (guint i = 0; i < s->objs->len; i++) {
                network_obj *obj = g_ptr_array_index(s->objs, i);

                if (!memcmp(obj->def->uuid, uuid, VCTL_UUID_LEN))
                        return obj;
        }
        return NULL;
}

/* The object of a handle: by UUID, as libvirt does. */
static network_obj *network_store_get_locked(network_store *s, const drv_network *net)
{
        network_obj *obj = network_store_find_uuid_locked(s, net->uuid);

        if (!obj)
                vctl_error_set(VCTL_ERR_NO_NETWORK, VCTL_FROM_NETWORK,
                               _("network not found: no network named '%s' with this UUID"),
                               net->name);
        return obj;
}

static drv_network *network_obj_handle(const network_obj *obj)
{
        return drv_network_new(obj->def->name, obj->def->uuid);
}

void network_store_emit(network_store *s, const network_obj *obj, int event)
{
        drv_domain d = {.name = obj->def->name, .id = -1};

        memcpy(d.uuid, obj->def->uuid, VCTL_UUID_LEN);
        domain_event_emit(s->events, &d, event, 0);
}

gboolean network_store_forwarding_locked(network_store *s, const network_obj *except)
{
        for (guint i = 0; i < s->objs->len; i++) {
                network_obj *obj = g_ptr_array_index(s->objs, i);

                if (obj != except && obj->active &&
                    (obj->live->forward_mode == NETWORK_FORWARD_NAT ||
                     obj->live->forward_mode == NETWORK_FORWARD_ROUTE ||
                     obj->live->forward_mode == NETWORK_FORWARD_OPEN))
                        return TRUE;
        }
        return FALSE;
}

static char *network_store_path(network_store *s, const char *dir, const char *name)
{
        g_autofree char *file = g_strdup_printf("%s.xml", name);

        return g_build_filename(dir ? dir : s->config_dir, file, NULL);
}

static int network_store_save(network_store *s, const network_def *def)
{
        g_autofree char *xml = NULL, *path = NULL;

        if (!s->config_dir)
                return 0;
        if (vctl_mkdir_p(s->config_dir, 0755) < 0)
                return -1;
        xml = network_def_format(def);
        path = network_store_path(s, NULL, def->name);
        return vctl_file_write_atomic(path, xml, strlen(xml), 0600) < 0 ? -1 : 0;
}

static int network_store_set_autostart_link(network_store *s, const char *name, gboolean on)
{
        g_autofree char *link = NULL, *target = NULL;

        if (!s->config_dir)
                return 0;
        link = network_store_path(s, s->autostart_dir, name);
        if (!on) {
                if (unlink(link) < 0 && errno != ENOENT)
                        return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_NETWORK,
                                                    _("network '%s': cannot remove autostart "
                                                      "link '%s'"),
                                                    name, link);
                return 0;
        }
        if (vctl_mkdir_p(s->autostart_dir, 0755) < 0)
                return -1;
        target = network_store_path(s, NULL, name);
        unlink(link);
        if (symlink(target, link) < 0)
                return vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_NETWORK,
                                            _("network '%s': cannot create autostart link "
                                              "'%s'"),
                                            name, link);
        return 0;
}

/* A bridge name for def when it has none: virbrN, used by no other
 * network and not on the host. */
static int network_store_pick_bridge_locked(network_store *s, network_def *def)
{
        for (int n = 0; n < NETWORK_AUTO_BRIDGES; n++) {
                g_autofree char *name = g_strdup_printf("virbr%d", n);
                gboolean taken = s->backend->bridge_taken && s->backend->bridge_taken(name);

                for (guint i = 0; !taken && i < s->objs->len; i++) {
                        network_obj *o = g_ptr_array_index(s->objs, i);

                        taken = o->def->bridge_name && g_str_equal(o->def->bridge_name, name) &&
                                !g_str_equal(o->def->name, def->name);
                }
                if (!taken) {
                        def->bridge_name = g_steal_pointer(&name);
                        return 0;
                }
        }
        return vctl_error_set(VCTL_ERR_OPERATION_FAILED, VCTL_FROM_NETWORK,
                              _("network '%s': no free bridge name virbr0..virbr%d; give one "
                                "with <bridge name='...'/>"),
                              def->name, NETWORK_AUTO_BRIDGES - 1);
}

/* Device names go into nftables rules and dnsmasq's config: only the
 * characters that need no quoting anywhere. */
static int network_store_check_ifname(const network_def *def, const char *what, const char *v)
{
        for (const char *p = v; p && *p; p++)
                if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_' && *p != '.')
                        return vctl_error_set(VCTL_ERR_XML_ERROR, VCTL_FROM_NETWORK,
                                              _("network '%s': %s '%s' may contain only letters, "
                                                "digits, '-', '_' and '.'"),
                                              def->name, what, v);
        return 0;
}

/* Checks def against the other networks: name/UUID clashes and bridges. */
static int network_store_check_locked(network_store *s, network_def *def)
{
        if (vctl_name_validate("network", def->name) < 0 ||
            network_store_check_ifname(def, _("bridge name"), def->bridge_name) < 0 ||
            network_store_check_ifname(def, _("forward dev"), def->forward_dev) < 0)
                return -1;
        for (guint i = 0; i < s->objs->len; i++) {
                network_obj *o = g_ptr_array_index(s->objs, i);
                gboolean same_name = g_str_equal(o->def->name, def->name);
                gboolean same_uuid = !memcmp(o->def->uuid, def->uuid, VCTL_UUID_LEN);
                char buf[VCTL_UUID_STRING_LEN];

                if (same_name && !same_uuid)
                        return vctl_error_set(VCTL_ERR_OPERATION_FAILED, VCTL_FROM_NETWORK,
                                              _("network '%s' already exists with UUID %s"),
                                              def->name, vctl_uuid_format(o->def->uuid, buf));
                if (!same_name && same_uuid)
                        return vctl_error_set(VCTL_ERR_OPERATION_FAILED, VCTL_FROM_NETWORK,
                                              _("network '%s' already has UUID %s (the new "
                                                "definition is named '%s')"),
                                              o->def->name, vctl_uuid_format(def->uuid, buf),
                                              def->name);
                if (!same_name && def->bridge_name && o->def->bridge_name &&
                    def->forward_mode != NETWORK_FORWARD_BRIDGE &&
                    g_str_equal(def->bridge_name, o->def->bridge_name))
                        return vctl_error_set(VCTL_ERR_OPERATION_FAILED, VCTL_FROM_NETWORK,
                                              _("network '%s': bridge '%s' is already used by "
                                                "network '%s'"),
                                              def->name, def->bridge_name, o->def->name);
        }
        if (def->forward_mode == NETWORK_FORWARD_BRIDGE && !def->bridge_name)
                return vctl_error_set(VCTL_ERR_XML_ERROR, VCTL_FROM_NETWORK,
                                      _("network '%s': forward mode 'bridge' needs the host "
                                        "bridge in <bridge name='...'/>"),
                                      def->name);
        if (!def->has_mac && def->forward_mode != NETWORK_FORWARD_BRIDGE) {
                /* a fixed bridge address, so it does not follow its ports' */
                guint32 r = g_random_int();

                def->mac[0] = 0x52;
                def->mac[1] = 0x54;
                def->mac[2] = 0x00;
                def->mac[3] = (unsigned char)(r >> 16);
                def->mac[4] = (unsigned char)(r >> 8);
                def->mac[5] = (unsigned char)r;
                def->has_mac = TRUE;
        }
        if (!def->bridge_name)
                return network_store_pick_bridge_locked(s, def);
        return 0;
}

network_obj *network_store_add_locked(network_store *s, network_def **def, gboolean persistent)
{
        network_obj *obj = network_store_find_name_locked(s, (*def)->name);

        if (!obj && s->objs->len >= NETWORK_STORE_MAX) {
                vctl_error_set(VCTL_ERR_OPERATION_FAILED, VCTL_FROM_NETWORK,
                               _("too many networks (at most %d)"), NETWORK_STORE_MAX);
                return NULL;
        }
        if (persistent && network_store_save(s, *def) < 0)
                return NULL;
        if (!obj) {
                obj = g_new0(network_obj, 1);
                g_ptr_array_add(s->objs, obj);
        } else {
                network_def_free(obj->def);
        }
        obj->def = g_steal_pointer(def);
        if (persistent)
                obj->persistent = TRUE;
        return obj;
}

static network_def *network_store_parse(const char *xml)
{
        if (!xml) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NETWORK, _("no network XML given"));
                return NULL;
        }
        return network_def_parse(xml, strlen(xml), NULL);
}

int network_store_load(network_store *s)
{
        g_autoptr(GDir) dir = NULL;
        const char *ent;
        int n = 0;

        if (!s->config_dir)
                return 0;
        dir = g_dir_open(s->config_dir, 0, NULL);
        if (!dir)
                return 0;
        g_mutex_lock(&s->lock);
        while ((ent = g_dir_read_name(dir))) {
                g_autofree char *path = NULL, *xml = NULL, *link = NULL;
                g_autoptr(network_def) def = NULL;
                network_obj *obj;
                size_t len = 0;

                if (!g_str_has_suffix(ent, ".xml"))
                        continue;
                path = g_build_filename(s->config_dir, ent, NULL);
                if (vctl_file_read_bounded(path, NETWORK_XML_MAX, &xml, &len) < 0 ||
                    !(def = network_def_parse(xml, len, NULL))) {
                        log_error(_("skipping network definition '%s': %s"), path,
                                  vctl_error_message());
                        vctl_error_clear();
                        continue;
                }
                if (network_store_check_locked(s, def) < 0) {
                        log_error(_("skipping network definition '%s': %s"), path,
                                  vctl_error_message());
                        vctl_error_clear();
                        continue;
                }
                obj = g_new0(network_obj, 1);
                obj->persistent = TRUE;
                obj->def = g_steal_pointer(&def);
                link = network_store_path(s, s->autostart_dir, obj->def->name);
                obj->autostart = g_file_test(link, G_FILE_TEST_EXISTS);
                g_ptr_array_add(s->objs, obj);
                n++;
        }
        g_mutex_unlock(&s->lock);
        return n;
}

static int network_obj_start_locked(network_store *s, network_obj *obj)
{
        network_def *live;

        if (obj->active)
                return vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_NETWORK,
                                      _("network '%s' is already active"), obj->def->name);
        {
                g_autofree char *xml = network_def_format(obj->def);

                live = network_def_parse(xml, strlen(xml), NULL);
        }
        if (!live)
                return -1;
        obj->live = live;
        if (s->backend->start && s->backend->start(s, obj) < 0) {
                g_clear_pointer(&obj->live, network_def_free);
                return -1;
        }
        obj->active = TRUE;
        return 0;
}

static void network_obj_stop_locked(network_store *s, network_obj *obj)
{
        if (s->backend->stop)
                s->backend->stop(s, obj);
        obj->active = FALSE;
        g_clear_pointer(&obj->live, network_def_free);
}

void network_store_autostart(network_store *s)
{
        g_mutex_lock(&s->lock);
        for (guint i = 0; i < s->objs->len; i++) {
                network_obj *obj = g_ptr_array_index(s->objs, i);

                if (!obj->autostart || obj->active)
                        continue;
                if (network_obj_start_locked(s, obj) < 0) {
                        log_error(_("network '%s' (autostart): %s"), obj->def->name,
                                  vctl_error_message());
                        vctl_error_clear();
                        continue;
                }
                log_info(_("network '%s' started (autostart)"), obj->def->name);
                network_store_emit(s, obj, DRV_NETWORK_EVENT_STARTED);
        }
        g_mutex_unlock(&s->lock);
}

/* ---- driver-table entries ---- */

static gint network_handle_cmp(gconstpointer a, gconstpointer b)
{
        const drv_network *x = *(drv_network *const *)a, *y = *(drv_network *const *)b;

        return strcmp(x->name, y->name);
}

static gboolean network_obj_matches(const network_obj *obj, unsigned int f)
{
        if ((f & (DRV_LIST_NETWORKS_ACTIVE | DRV_LIST_NETWORKS_INACTIVE)) &&
            !((f & DRV_LIST_NETWORKS_ACTIVE && obj->active) ||
              (f & DRV_LIST_NETWORKS_INACTIVE && !obj->active)))
                return FALSE;
        if ((f & (DRV_LIST_NETWORKS_PERSISTENT | DRV_LIST_NETWORKS_TRANSIENT)) &&
            !((f & DRV_LIST_NETWORKS_PERSISTENT && obj->persistent) ||
              (f & DRV_LIST_NETWORKS_TRANSIENT && !obj->persistent)))
                return FALSE;
        if ((f & (DRV_LIST_NETWORKS_AUTOSTART | DRV_LIST_NETWORKS_NO_AUTOSTART)) &&
            !((f & DRV_LIST_NETWORKS_AUTOSTART && obj->autostart) ||
              (f & DRV_LIST_NETWORKS_NO_AUTOSTART && !obj->autostart)))
                return FALSE;
        return TRUE;
}

int netstore_list_all(network_store *s, unsigned int flags, GPtrArray **ret)
{
        GPtrArray *list;

        if (flags & ~0x3fu)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NETWORK,
                                      _("unsupported flags (0x%x) in listing networks"),
                                      flags & ~0x3fu);
        list = g_ptr_array_new_with_free_func((GDestroyNotify)drv_network_free);
        g_mutex_lock(&s->lock);
        for (guint i = 0; i < s->objs->len; i++) {
                network_obj *obj = g_ptr_array_index(s->objs, i);

                if (network_obj_matches(obj, flags))
                        g_ptr_array_add(list, network_obj_handle(obj));
        }
        g_mutex_unlock(&s->lock);
        g_ptr_array_sort(list, network_handle_cmp);
        *ret = list;
        return 0;
}

drv_network *netstore_lookup_by_name(network_store *s, const char *name)
{
        drv_network *net = NULL;
        network_obj *obj;

        g_mutex_lock(&s->lock);
        obj = name ? network_store_find_name_locked(s, name) : NULL;
        if (obj)
                net = network_obj_handle(obj);
        g_mutex_unlock(&s->lock);
        if (!net)
                vctl_error_set(VCTL_ERR_NO_NETWORK, VCTL_FROM_NETWORK,
                               _("network not found: no network with matching name '%s'"),
                               name ? name : "");
        return net;
}

drv_network *netstore_lookup_by_uuid(network_store *s, const unsigned char uuid[VCTL_UUID_LEN])
{
        drv_network *net = NULL;
        network_obj *obj;
        char buf[VCTL_UUID_STRING_LEN];

        g_mutex_lock(&s->lock);
        obj = network_store_find_uuid_locked(s, uuid);
        if (obj)
                net = network_obj_handle(obj);
        g_mutex_unlock(&s->lock);
        if (!net)
                vctl_error_set(VCTL_ERR_NO_NETWORK, VCTL_FROM_NETWORK,
                               _("network not found: no network with matching uuid '%s'"),
                               vctl_uuid_format(uuid, buf));
        return net;
}

drv_network *netstore_define_xml(network_store *s, const char *xml, unsigned int flags)
{
        g_autoptr(network_def) def = NULL;
        network_obj *obj;
        drv_network *net = NULL;
        gboolean existed;

        if (flags & ~1u) { /* VIR_NETWORK_DEFINE_VALIDATE */
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NETWORK,
                               _("unsupported flags (0x%x) in defining a network"), flags);
                return NULL;
        }
        def = network_store_parse(xml);
        if (!def)
                return NULL;
        g_mutex_lock(&s->lock);
        existed = network_store_find_name_locked(s, def->name) != NULL;
        if (network_store_check_locked(s, def) == 0 &&
            (obj = network_store_add_locked(s, &def, TRUE))) {
                net = network_obj_handle(obj);
                (void)existed;
                network_store_emit(s, obj, DRV_NETWORK_EVENT_DEFINED);
        }
        g_mutex_unlock(&s->lock);
        return net;
}

int netstore_undefine(network_store *s, const drv_network *net)
{
        network_obj *obj;
        int r = -1;

        g_mutex_lock(&s->lock);
        obj = network_store_get_locked(s, net);
        if (!obj)
                goto out;
        if (!obj->persistent) {
                vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_NETWORK,
                               _("network '%s' is transient: stop it with net-destroy"),
                               obj->def->name);
                goto out;
        }
        if (s->config_dir) {
                g_autofree char *path = network_store_path(s, NULL, obj->def->name);

                if (network_store_set_autostart_link(s, obj->def->name, FALSE) < 0)
                        goto out;
                if (unlink(path) < 0 && errno != ENOENT) {
                        vctl_error_set_errno(errno, VCTL_ERR_SYSTEM_ERROR, VCTL_FROM_NETWORK,
                                             _("network '%s': cannot remove '%s'"), obj->def->name,
                                             path);
                        goto out;
                }
        }
        network_store_emit(s, obj, DRV_NETWORK_EVENT_UNDEFINED);
        obj->autostart = FALSE;
        if (obj->active)
                obj->persistent = FALSE; /* runs on as a transient network */
        else
                g_ptr_array_remove(s->objs, obj);
        r = 0;
out:
        g_mutex_unlock(&s->lock);
        return r;
}

drv_network *netstore_create_xml(network_store *s, const char *xml, unsigned int flags)
{
        g_autoptr(network_def) def = NULL;
        network_obj *obj;
        drv_network *net = NULL;

        if (flags & ~1u) {
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NETWORK,
                               _("unsupported flags (0x%x) in creating a network"), flags);
                return NULL;
        }
        def = network_store_parse(xml);
        if (!def)
                return NULL;
        g_mutex_lock(&s->lock);
        obj = network_store_find_name_locked(s, def->name);
        if (obj) {
                vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_NETWORK,
                               _("network '%s' already exists; start it with net-start"),
                               def->name);
                goto out;
        }
        if (network_store_check_locked(s, def) < 0 ||
            !(obj = network_store_add_locked(s, &def, FALSE)))
                goto out;
        if (network_obj_start_locked(s, obj) < 0) {
                g_ptr_array_remove(s->objs, obj);
                goto out;
        }
        net = network_obj_handle(obj);
        network_store_emit(s, obj, DRV_NETWORK_EVENT_STARTED);
out:
        g_mutex_unlock(&s->lock);
        return net;
}

int netstore_create(network_store *s, const drv_network *net)
{
        network_obj *obj;
        int r = -1;

        g_mutex_lock(&s->lock);
        obj = network_store_get_locked(s, net);
        if (obj && network_obj_start_locked(s, obj) == 0) {
                network_store_emit(s, obj, DRV_NETWORK_EVENT_STARTED);
                r = 0;
        }
        g_mutex_unlock(&s->lock);
        return r;
}

int netstore_destroy(network_store *s, const drv_network *net)
{
        network_obj *obj;
        int r = -1;

        g_mutex_lock(&s->lock);
        obj = network_store_get_locked(s, net);
        if (!obj)
                goto out;
        if (!obj->active) {
                vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_NETWORK,
                               _("network '%s' is not active"), obj->def->name);
                goto out;
        }
        network_obj_stop_locked(s, obj);
        network_store_emit(s, obj, DRV_NETWORK_EVENT_STOPPED);
        if (!obj->persistent)
                g_ptr_array_remove(s->objs, obj);
        r = 0;
out:
        g_mutex_unlock(&s->lock);
        return r;
}

char *netstore_get_xml_desc(network_store *s, const drv_network *net, unsigned int flags)
{
        network_obj *obj;
        char *xml = NULL;

        if (flags & ~1u) { /* VIR_NETWORK_XML_INACTIVE */
                vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NETWORK,
                               _("unsupported flags (0x%x) in dumping a network's XML"), flags);
                return NULL;
        }
        g_mutex_lock(&s->lock);
        obj = network_store_get_locked(s, net);
        if (obj)
                xml = network_def_format(obj->live && !(flags & 1u) ? obj->live : obj->def);
        g_mutex_unlock(&s->lock);
        return xml;
}

char *netstore_get_bridge_name(network_store *s, const drv_network *net)
{
        network_obj *obj;
        char *name = NULL;

        g_mutex_lock(&s->lock);
        obj = network_store_get_locked(s, net);
        if (obj) {
                const network_def *d = obj->live ? obj->live : obj->def;

                if (d->bridge_name)
                        name = g_strdup(d->bridge_name);
                else
                        vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_NETWORK,
                                       _("network '%s' has no bridge"), d->name);
        }
        g_mutex_unlock(&s->lock);
        return name;
}

int netstore_get_autostart(network_store *s, const drv_network *net, int *ret_autostart)
{
        network_obj *obj;

        g_mutex_lock(&s->lock);
        obj = network_store_get_locked(s, net);
        if (obj)
                *ret_autostart = obj->autostart ? 1 : 0;
        g_mutex_unlock(&s->lock);
        return obj ? 0 : -1;
}

int netstore_set_autostart(network_store *s, const drv_network *net, int autostart)
{
        network_obj *obj;
        int r = -1;

        g_mutex_lock(&s->lock);
        obj = network_store_get_locked(s, net);
        if (!obj)
                goto out;
        if (!obj->persistent) {
                vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_NETWORK,
                               _("cannot set autostart for transient network '%s'"),
                               obj->def->name);
                goto out;
        }
        if (network_store_set_autostart_link(s, obj->def->name, autostart != 0) < 0)
                goto out;
        obj->autostart = autostart != 0;
        r = 0;
out:
        g_mutex_unlock(&s->lock);
        return r;
}

int netstore_is_active(network_store *s, const drv_network *net)
{
        network_obj *obj;
        int r;

        g_mutex_lock(&s->lock);
        obj = network_store_get_locked(s, net);
        r = obj ? (obj->active ? 1 : 0) : -1;
        g_mutex_unlock(&s->lock);
        return r;
}

int netstore_is_persistent(network_store *s, const drv_network *net)
{
        network_obj *obj;
        int r;

        g_mutex_lock(&s->lock);
        obj = network_store_get_locked(s, net);
        r = obj ? (obj->persistent ? 1 : 0) : -1;
        g_mutex_unlock(&s->lock);
        return r;
}

int netstore_get_dhcp_leases(network_store *s, const drv_network *net, const char *mac,
                             unsigned int flags, GPtrArray **ret)
{
        g_autoptr(GPtrArray) all =
                g_ptr_array_new_with_free_func((GDestroyNotify)drv_network_lease_free);
        GPtrArray *out;
        network_obj *obj;
        int r = 0;

        if (flags)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_NETWORK,
                                      _("unsupported flags (0x%x) in getting DHCP leases"), flags);
        g_mutex_lock(&s->lock);
        obj = network_store_get_locked(s, net);
        if (!obj)
                r = -1;
        else if (obj->active && s->backend->leases)
                r = s->backend->leases(s, obj, all);
        g_mutex_unlock(&s->lock);
        if (r < 0)
                return -1;
        out = g_ptr_array_new_with_free_func((GDestroyNotify)drv_network_lease_free);
        for (guint i = 0; i < all->len; i++) {
                drv_network_lease *l = g_ptr_array_index(all, i);

                if (mac && (!l->mac || g_ascii_strcasecmp(mac, l->mac)))
                        continue;
                g_ptr_array_add(out, g_steal_pointer(&all->pdata[i]));
        }
        *ret = out;
        return 0;
}

typedef struct netstore_sink {
        drv_network_event_fn fn;
        void *opaque;
        GDestroyNotify free_opaque;
} netstore_sink;

static void netstore_sink_free(void *data)
{
        netstore_sink *sink = data;

        if (sink->free_opaque)
                sink->free_opaque(sink->opaque);
        g_free(sink);
}

static void netstore_on_event(const drv_domain *dom, int event, int detail, void *opaque)
{
        netstore_sink *sink = opaque;
        drv_network net = {.name = dom->name};

        memcpy(net.uuid, dom->uuid, VCTL_UUID_LEN);
        sink->fn(&net, event, detail, sink->opaque);
}

int netstore_event_register(network_store *s, const void *owner, const drv_network *net,
                            drv_network_event_fn fn, void *opaque, GDestroyNotify free_opaque)
{
        netstore_sink *sink = g_new0(netstore_sink, 1);
        drv_domain d = {0};
        int id;

        sink->fn = fn;
        sink->opaque = opaque;
        sink->free_opaque = free_opaque;
        if (net) {
                d.name = net->name;
                d.id = -1;
                memcpy(d.uuid, net->uuid, VCTL_UUID_LEN);
        }
        id = domain_event_register(s->events, owner, net ? &d : NULL, netstore_on_event, sink,
                                   netstore_sink_free);
        if (id < 0)
                netstore_sink_free(sink); /* a refused registration keeps nothing */
        return id;
}

int netstore_event_deregister(network_store *s, const void *owner, int id)
{
        return domain_event_deregister(s->events, owner, id);
}
