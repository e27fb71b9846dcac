/* The shared store of domain objects: lookups, listing, collision rules. */
#include "config.h"

#include "driver/domain_list.h"
#include "driver/driver_priv.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"

#include <limits.h>
#include <string.h>

struct domain_list {
        GMutex lock;
        GHashTable *by_uuid; /* uuid string -> domain_obj (owned) */
        GHashTable *by_name; /* name -> domain_obj (borrowed) */
        int next_id;
};

/* listing flags vctl has nothing for (managed save, snapshots, checkpoints) */
enum {
        LIST_HAS_MANAGEDSAVE = 1 << 8,
        LIST_NO_MANAGEDSAVE = 1 << 9,
        LIST_HAS_SNAPSHOT = 1 << 12,
        LIST_NO_SNAPSHOT = 1 << 13,
        LIST_HAS_CHECKPOINT = 1 << 14,
        LIST_NO_CHECKPOINT = 1 << 15,
};

static void domain_obj_free(domain_obj *obj)
{
        if (!obj)
                return;
        g_free(obj->name);
        domain_def_free(obj->def);
        domain_def_free(obj->live);
        g_free(obj);
}

static char *uuid_key(const unsigned char uuid[VCTL_UUID_LEN])
{
        char buf[VCTL_UUID_STRING_LEN];

        return g_strdup(vctl_uuid_format(uuid, buf));
}

domain_list *domain_list_new(void)
{
        domain_list *list = g_new0(domain_list, 1);

        g_mutex_init(&list->lock);
        list->by_uuid = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                              (GDestroyNotify)domain_obj_free);
        list->by_name = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
        list->next_id = 1;
        return list;
}

void domain_list_free(domain_list *list)
{
        if (!list)
                return;
        g_hash_table_unref(list->by_name);
        g_hash_table_unref(list->by_uuid);
        g_mutex_clear(&list->lock);
        g_free(list);
}

void domain_list_lock(domain_list *list)
{
        g_mutex_lock(&list->lock);
}

void domain_list_unlock(domain_list *list)
{
        g_mutex_unlock(&list->lock);
}

/* ---- lookups ---- */

domain_obj *domain_list_find_name_locked(domain_list *list, const char *name)
{
        return name ? g_hash_table_lookup(list->by_name, name) : NULL;
}

domain_obj *domain_list_find_uuid_locked(domain_list *list, const unsigned char uuid[VCTL_UUID_LEN])
{
        g_autofree char *key = uuid_key(uuid);

        return g_hash_table_lookup(list->by_uuid, key);
}

static domain_obj *domain_list_find_id_locked(domain_list *list, int id)
{
        GHashTableIter it;
        gpointer value;

        if (id < 0)
                return NULL;
        g_hash_table_iter_init(&it, list->by_uuid);
        while (g_hash_table_iter_next(&it, NULL, &value)) {
                domain_obj *obj = value;

                if (domain_obj_is_active(obj) && obj->id == id)
                        return obj;
        }
        return NULL;
}

domain_obj *domain_list_find_locked(domain_list *list, const drv_domain *dom)
{
        domain_obj *obj = domain_list_find_uuid_locked(list, dom->uuid);
        char buf[VCTL_UUID_STRING_LEN];

        if (!obj)
                vctl_error_set(VCTL_ERR_NO_DOMAIN, VCTL_FROM_DOMAIN,
                               _("no domain with UUID '%s' ('%s')"),
                               vctl_uuid_format(dom->uuid, buf), dom->name ? dom->name : "");
        return obj;
}

drv_domain *domain_list_lookup_by_name(domain_list *list, const char *name)
{
        drv_domain *dom = NULL;
        domain_obj *obj;

        domain_list_lock(list);
        obj = domain_list_find_name_locked(list, name);
        if (obj)
                dom = domain_obj_to_drv(obj);
        domain_list_unlock(list);
        if (!dom)
                vctl_error_set(VCTL_ERR_NO_DOMAIN, VCTL_FROM_DOMAIN, _("domain '%s' not found"),
                               name ? name : "");
        return dom;
}

drv_domain *domain_list_lookup_by_uuid(domain_list *list, const unsigned char uuid[VCTL_UUID_LEN])
{
        char buf[VCTL_UUID_STRING_LEN];
        drv_domain *dom = NULL;
        domain_obj *obj;

        domain_list_lock(list);
        obj = domain_list_find_uuid_locked(list, uuid);
        if (obj)
                dom = domain_obj_to_drv(obj);
        domain_list_unlock(list);
        if (!dom)
                vctl_error_set(VCTL_ERR_NO_DOMAIN, VCTL_FROM_DOMAIN, _("no domain with UUID '%s'"),
                               vctl_uuid_format(uuid, buf));
        return dom;
}

drv_domain *domain_list_lookup_by_id(domain_list *list, int id)
{
        drv_domain *dom = NULL;
        domain_obj *obj;

        domain_list_lock(list);
        obj = domain_list_find_id_locked(list, id);
        if (obj)
                dom = domain_obj_to_drv(obj);
        domain_list_unlock(list);
        if (!dom)
                vctl_error_set(VCTL_ERR_NO_DOMAIN, VCTL_FROM_DOMAIN,
                               _("no running domain with id %d"), id);
        return dom;
}

guint domain_list_count(domain_list *list)
{
        guint n;

        domain_list_lock(list);
        n = g_hash_table_size(list->by_uuid);
        domain_list_unlock(list);
        return n;
}

/* ---- one domain's facts (the drivers' read-only calls) ---- */

int domain_list_is_active(domain_list *list, const drv_domain *dom)
{
        domain_obj *obj;
        int r = -1;

        domain_list_lock(list);
        obj = domain_list_find_locked(list, dom);
        if (obj)
                r = domain_obj_is_active(obj) ? 1 : 0;
        domain_list_unlock(list);
        return r;
}

int domain_list_is_persistent(domain_list *list, const drv_domain *dom)
{
        domain_obj *obj;
        int r = -1;

        domain_list_lock(list);
        obj = domain_list_find_locked(list, dom);
        if (obj)
                r = obj->persistent ? 1 : 0;
        domain_list_unlock(list);
        return r;
}

int domain_list_get_state(domain_list *list, const drv_domain *dom, int *ret_state, int *ret_reason)
{
        domain_obj *obj;

        domain_list_lock(list);
        obj = domain_list_find_locked(list, dom);
        if (obj) {
                *ret_state = obj->state;
                *ret_reason = obj->reason;
        }
        domain_list_unlock(list);
        return obj ? 0 : -1;
}

int domain_list_get_autostart(domain_list *list, const drv_domain *dom, int *ret_autostart)
{
        domain_obj *obj;

        domain_list_lock(list);
        obj = domain_list_find_locked(list, dom);
        if (obj)
                *ret_autostart = obj->autostart ? 1 : 0;
        domain_list_unlock(list);
        return obj ? 0 : -1;
}

int domain_list_get_info(domain_list *list, const drv_domain *dom, vctl_domain_info *ret_info)
{
        const domain_def *def;
        domain_obj *obj;

        domain_list_lock(list);
        obj = domain_list_find_locked(list, dom);
        if (obj) {
                def = domain_obj_current_def(obj);
                memset(ret_info, 0, sizeof(*ret_info));
                ret_info->state = obj->state;
                ret_info->max_mem_kib = def->memory_kib;
                ret_info->memory_kib = def->current_memory_kib;
                ret_info->nr_vcpus = def->vcpus_current;
                ret_info->cpu_time_ns = domain_obj_cpu_time(obj);
        }
        domain_list_unlock(list);
        return obj ? 0 : -1;
}

char *domain_list_format_xml(domain_list *list, const drv_domain *dom, unsigned int flags)
{
        g_autofree char *xml = NULL;
        const domain_def *def;
        domain_obj *obj;
        int id = -1;

        domain_list_lock(list);
        obj = domain_list_find_locked(list, dom);
        if (obj) {
                if ((flags & VCTL_DOMAIN_XML_INACTIVE) && obj->def) {
                        def = obj->def;
                } else {
                        def = domain_obj_current_def(obj);
                        if (domain_obj_is_active(obj))
                                id = obj->id;
                }
                xml = domain_def_format(def);
        }
        domain_list_unlock(list);
        if (!xml)
                return NULL;
        if (id >= 0)
                return drv_xml_add_domain_id(xml, id);
        return g_steal_pointer(&xml);
}

/* ---- listing ---- */

/* Within each group of flags, none set means any; otherwise obj must match one. */
static gboolean domain_obj_matches(const domain_obj *obj, unsigned int flags)
{
        gboolean active = domain_obj_is_active(obj);
        unsigned int group;

        group = flags & (VCTL_LIST_DOMAINS_ACTIVE | VCTL_LIST_DOMAINS_INACTIVE);
        if (group && !((active && (group & VCTL_LIST_DOMAINS_ACTIVE)) ||
                       (!active && (group & VCTL_LIST_DOMAINS_INACTIVE))))
                return FALSE;
        group = flags & (VCTL_LIST_DOMAINS_PERSISTENT | VCTL_LIST_DOMAINS_TRANSIENT);
        if (group && !((obj->persistent && (group & VCTL_LIST_DOMAINS_PERSISTENT)) ||
                       (!obj->persistent && (group & VCTL_LIST_DOMAINS_TRANSIENT))))
                return FALSE;
        group = flags & (VCTL_LIST_DOMAINS_RUNNING | VCTL_LIST_DOMAINS_PAUSED |
                         VCTL_LIST_DOMAINS_SHUTOFF | VCTL_LIST_DOMAINS_OTHER);
        if (group) {
                unsigned int want;

                switch (obj->state) {
                case VCTL_DOMAIN_RUNNING:
                        want = VCTL_LIST_DOMAINS_RUNNING;
                        break;
                case VCTL_DOMAIN_PAUSED:
                        want = VCTL_LIST_DOMAINS_PAUSED;
                        break;
                case VCTL_DOMAIN_SHUTOFF:
                        want = VCTL_LIST_DOMAINS_SHUTOFF;
                        break;
                default:
                        want = VCTL_LIST_DOMAINS_OTHER;
                        break;
                }
                if (!(group & want))
                        return FALSE;
        }
        group = flags & (VCTL_LIST_DOMAINS_AUTOSTART | VCTL_LIST_DOMAINS_NO_AUTOSTART);
        if (group && !((obj->autostart && (group & VCTL_LIST_DOMAINS_AUTOSTART)) ||
                       (!obj->autostart && (group & VCTL_LIST_DOMAINS_NO_AUTOSTART))))
                return FALSE;
        /* no domain has a managed save image, a snapshot or a checkpoint */
        if ((flags & (LIST_HAS_MANAGEDSAVE | LIST_NO_MANAGEDSAVE)) == LIST_HAS_MANAGEDSAVE ||
            (flags & (LIST_HAS_SNAPSHOT | LIST_NO_SNAPSHOT)) == LIST_HAS_SNAPSHOT ||
            (flags & (LIST_HAS_CHECKPOINT | LIST_NO_CHECKPOINT)) == LIST_HAS_CHECKPOINT)
                return FALSE;
        return TRUE;
}

static gint drv_domain_cmp_name(gconstpointer a, gconstpointer b)
{
        const drv_domain *da = *(const drv_domain *const *)a;
        const drv_domain *db = *(const drv_domain *const *)b;

        return strcmp(da->name, db->name);
}

int domain_list_export(domain_list *list, unsigned int flags, GPtrArray **ret)
{
        const unsigned int known = VCTL_LIST_DOMAINS_ACTIVE | VCTL_LIST_DOMAINS_INACTIVE |
                                   VCTL_LIST_DOMAINS_PERSISTENT | VCTL_LIST_DOMAINS_TRANSIENT |
                                   VCTL_LIST_DOMAINS_RUNNING | VCTL_LIST_DOMAINS_PAUSED |
                                   VCTL_LIST_DOMAINS_SHUTOFF | VCTL_LIST_DOMAINS_OTHER |
                                   VCTL_LIST_DOMAINS_AUTOSTART | VCTL_LIST_DOMAINS_NO_AUTOSTART |
                                   LIST_HAS_MANAGEDSAVE | LIST_NO_MANAGEDSAVE | LIST_HAS_SNAPSHOT |
                                   LIST_NO_SNAPSHOT | LIST_HAS_CHECKPOINT | LIST_NO_CHECKPOINT;
        GPtrArray *doms;
        GHashTableIter it;
        gpointer value;

        if (flags & ~known)
                return vctl_error_set(VCTL_ERR_INVALID_ARG, VCTL_FROM_DOMAIN,
                                      _("unsupported flags (0x%x) in listing domains"),
                                      flags & ~known);
        doms = g_ptr_array_new_with_free_func((GDestroyNotify)drv_domain_free);
        domain_list_lock(list);
        g_hash_table_iter_init(&it, list->by_uuid);
        while (g_hash_table_iter_next(&it, NULL, &value))
                if (domain_obj_matches(value, flags))
                        g_ptr_array_add(doms, domain_obj_to_drv(value));
        domain_list_unlock(list);
        g_ptr_array_sort(doms, drv_domain_cmp_name);
        *ret = doms;
        return (int)doms->len;
}

GPtrArray *domain_list_objects_locked(domain_list *list)
{
        GPtrArray *objs = g_ptr_array_new();
        GHashTableIter it;
        gpointer value;

        g_hash_table_iter_init(&it, list->by_uuid);
        while (g_hash_table_iter_next(&it, NULL, &value))
                g_ptr_array_add(objs, value);
        return objs;
}

/* ---- adding and removing ---- */

int domain_list_check_add_locked(domain_list *list, const domain_def *def, unsigned int flags)
{
        domain_obj *obj = domain_list_find_uuid_locked(list, def->uuid);
        char buf[VCTL_UUID_STRING_LEN];

        if (obj && !g_str_equal(obj->name, def->name))
                return vctl_error_set(VCTL_ERR_OPERATION_FAILED, VCTL_FROM_DOMAIN,
                                      _("domain with UUID %s already exists as '%s'"),
                                      vctl_uuid_format(def->uuid, buf), obj->name);
        if (!obj) {
                domain_obj *other = domain_list_find_name_locked(list, def->name);

                if (other)
                        return vctl_error_set(VCTL_ERR_OPERATION_FAILED, VCTL_FROM_DOMAIN,
                                              _("domain '%s' already exists with UUID %s"),
                                              def->name, vctl_uuid_format(other->uuid, buf));
        }
        if (obj && (flags & DOMAIN_LIST_ADD_LIVE) && domain_obj_is_active(obj))
                return vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_DOMAIN,
                                      _("domain '%s' is already running"), obj->name);
        return 0;
}

domain_obj *domain_list_add_locked(domain_list *list, domain_def **def, unsigned int flags,
                                   gboolean *ret_existed)
{
        domain_def *d = *def;
        domain_obj *obj;
        gboolean existed;

        if (domain_list_check_add_locked(list, d, flags) < 0)
                return NULL;
        obj = domain_list_find_uuid_locked(list, d->uuid);
        if (!obj) {
                existed = FALSE;
                obj = g_new0(domain_obj, 1);
                obj->name = g_strdup(d->name);
                memcpy(obj->uuid, d->uuid, VCTL_UUID_LEN);
                obj->state = VCTL_DOMAIN_SHUTOFF;
                obj->reason = VCTL_DOMAIN_SHUTOFF_UNKNOWN;
                obj->id = -1;
                g_hash_table_insert(list->by_uuid, uuid_key(obj->uuid), obj);
                g_hash_table_insert(list->by_name, g_strdup(obj->name), obj);
        } else {
                existed = (flags & DOMAIN_LIST_ADD_LIVE) ? TRUE : obj->persistent;
        }

        if (flags & DOMAIN_LIST_ADD_LIVE) {
                domain_def_free(obj->live);
                obj->live = d;
        } else {
                domain_def_free(obj->def);
                obj->def = d;
                obj->persistent = TRUE;
        }
        *def = NULL;
        if (ret_existed)
                *ret_existed = existed;
        return obj;
}

void domain_list_remove_locked(domain_list *list, domain_obj *obj)
{
        g_autofree char *key = uuid_key(obj->uuid);

        g_hash_table_remove(list->by_name, obj->name);
        g_hash_table_remove(list->by_uuid, key); /* frees obj */
}

int domain_list_alloc_id_locked(domain_list *list)
{
        for (;;) {
                int id = list->next_id;

                list->next_id = id == INT_MAX ? 1 : id + 1;
                if (!domain_list_find_id_locked(list, id))
                        return id;
        }
}

/* ---- one object ---- */

gboolean domain_obj_is_active(const domain_obj *obj)
{
        return obj->id >= 0;
}

const domain_def *domain_obj_current_def(const domain_obj *obj)
{
        if (domain_obj_is_active(obj) && obj->live)
                return obj->live;
        return obj->def ? obj->def : obj->live;
}

drv_domain *domain_obj_to_drv(const domain_obj *obj)
{
        return drv_domain_new(obj->name, obj->uuid, domain_obj_is_active(obj) ? obj->id : -1);
}

int domain_obj_check_active(const domain_obj *obj)
{
        if (!domain_obj_is_active(obj))
                return vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_DOMAIN,
                                      _("domain '%s' is not running"), obj->name);
        return 0;
}

int domain_obj_check_inactive(const domain_obj *obj)
{
        if (domain_obj_is_active(obj))
                return vctl_error_set(VCTL_ERR_OPERATION_INVALID, VCTL_FROM_DOMAIN,
                                      _("domain '%s' is already running"), obj->name);
        return 0;
}

void domain_obj_set_running(domain_obj *obj, int id, int state, int reason)
{
        obj->id = id;
        obj->state = VCTL_DOMAIN_SHUTOFF;
        obj->cpu_time_ns = 0;
        obj->running_since_us = 0;
        domain_obj_set_state(obj, state, reason);
}

void domain_obj_set_state(domain_obj *obj, int state, int reason)
{
        gint64 now = g_get_monotonic_time();

        if (obj->state == VCTL_DOMAIN_RUNNING && obj->running_since_us) {
                obj->cpu_time_ns += (guint64)(now - obj->running_since_us) * 1000;
                obj->running_since_us = 0;
        }
        if (state == VCTL_DOMAIN_RUNNING)
                obj->running_since_us = now;
        obj->state = state;
        obj->reason = reason;
}

gboolean domain_obj_set_shutoff(domain_list *list, domain_obj *obj, int reason)
{
        domain_obj_set_state(obj, VCTL_DOMAIN_SHUTOFF, reason);
        obj->id = -1;
        g_clear_pointer(&obj->live, domain_def_free);
        if (!obj->persistent) {
                domain_list_remove_locked(list, obj);
                return FALSE;
        }
        return TRUE;
}

guint64 domain_obj_cpu_time(const domain_obj *obj)
{
        guint64 t = obj->cpu_time_ns;

        if (!domain_obj_is_active(obj))
                return 0;
        if (obj->state == VCTL_DOMAIN_RUNNING && obj->running_since_us)
                t += (guint64)(g_get_monotonic_time() - obj->running_since_us) * 1000;
        return t;
}
