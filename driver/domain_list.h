/* The store of domain objects both drivers use: one per defined or running
 * domain, indexed by name, UUID and id, with libvirt's collision rules.
 *
 * Thread-safe through one mutex. The lookups and domain_list_export lock it
 * themselves and hand out drv_domain copies. The *_locked functions and every
 * access to a domain_obj need the lock held (domain_list_lock), which keeps
 * an operation's check-then-change atomic; emit events after unlocking. */
#pragma once

#include "conf/domain_conf.h"
#include "driver/driver.h"

typedef struct domain_obj {
        char *name;                        /* fixed for the object's life */
        unsigned char uuid[VCTL_UUID_LEN]; /* fixed for the object's life */
        domain_def *def;                   /* persistent config; NULL for a transient domain */
        domain_def *live;                  /* the running definition; NULL while inactive */
        int state;                         /* VCTL_DOMAIN_* */
        int reason;                        /* VCTL_DOMAIN_<state>_* */
        int id;                            /* -1 while inactive */
        gboolean autostart;
        gboolean persistent;
        guint64 cpu_time_ns;     /* accumulated in this run before its last pause */
        gint64 running_since_us; /* g_get_monotonic_time() when it last ran, 0 if not */
} domain_obj;

typedef struct domain_list domain_list;

domain_list *domain_list_new(void);
void domain_list_free(domain_list *list); /* accepts NULL */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(domain_list, domain_list_free)

void domain_list_lock(domain_list *list);
void domain_list_unlock(domain_list *list);

/* ---- self-locking ---- */

/* A new handle, or NULL with VCTL_ERR_NO_DOMAIN set. */
drv_domain *domain_list_lookup_by_name(domain_list *list, const char *name);
drv_domain *domain_list_lookup_by_uuid(domain_list *list, const unsigned char uuid[VCTL_UUID_LEN]);
drv_domain *domain_list_lookup_by_id(domain_list *list, int id);

/* Every domain matching flags (VCTL_LIST_DOMAINS_*; 0: all) as drv_domain
 * handles sorted by name. Returns the count, or -1 (unknown flags). */
int domain_list_export(domain_list *list, unsigned int flags, GPtrArray **ret);

guint domain_list_count(domain_list *list);

/* What both drivers answer alike about dom; each returns -1 with
 * VCTL_ERR_NO_DOMAIN when dom is gone. */
/* 1 while dom runs, else 0. */
int domain_list_is_active(domain_list *list, const drv_domain *dom);
/* 1 when dom is defined, 0 when it is transient. */
int domain_list_is_persistent(domain_list *list, const drv_domain *dom);
/* VCTL_DOMAIN_* and its reason; 0. */
int domain_list_get_state(domain_list *list, const drv_domain *dom, int *ret_state,
                          int *ret_reason);
int domain_list_get_autostart(domain_list *list, const drv_domain *dom, int *ret_autostart);
int domain_list_get_info(domain_list *list, const drv_domain *dom, vctl_domain_info *ret_info);
/* dom's XML: the persistent config with VCTL_DOMAIN_XML_INACTIVE (when it has
 * one), else the current definition with id='N' while it runs. The caller
 * checks flags. A new string, or NULL. */
char *domain_list_format_xml(domain_list *list, const drv_domain *dom, unsigned int flags);

/* ---- with the lock held ---- */

/* The object dom names (matched by UUID), or NULL with VCTL_ERR_NO_DOMAIN. */
domain_obj *domain_list_find_locked(domain_list *list, const drv_domain *dom);
/* No error set when missing. */
domain_obj *domain_list_find_name_locked(domain_list *list, const char *name);
domain_obj *domain_list_find_uuid_locked(domain_list *list,
                                         const unsigned char uuid[VCTL_UUID_LEN]);

/* Snapshot of every object (borrowed pointers; valid while locked). */
GPtrArray *domain_list_objects_locked(domain_list *list);

enum {
        /* *def becomes the definition of a run about to start (create_xml): a
         * new object is transient; an active one is refused. Without it,
         * *def becomes the persistent config (define). */
        DOMAIN_LIST_ADD_LIVE = 1 << 0,
};

/* Adds *def (taking it: *def is set to NULL on success) with the collision
 * rules: same name and UUID updates the existing object, same name with
 * another UUID or same UUID with another name is refused. *ret_existed
 * tells whether the object existed before (for define: whether it was
 * persistent, i.e. DEFINED/UPDATED rather than ADDED). NULL on failure with
 * the last error set and *def untouched. */
domain_obj *domain_list_add_locked(domain_list *list, domain_def **def, unsigned int flags,
                                   gboolean *ret_existed);

/* The checks of domain_list_add_locked alone: 0, or -1 with the error set. */
int domain_list_check_add_locked(domain_list *list, const domain_def *def, unsigned int flags);

/* Removes and frees obj. */
void domain_list_remove_locked(domain_list *list, domain_obj *obj);

/* The next free id: increasing from 1, not reused until they wrap. */
int domain_list_alloc_id_locked(domain_list *list);

/* ---- one object (lock held) ---- */

gboolean domain_obj_is_active(const domain_obj *obj);
/* live while running, else the persistent config */
const domain_def *domain_obj_current_def(const domain_obj *obj);
drv_domain *domain_obj_to_drv(const domain_obj *obj);

/* 0, or -1 with VCTL_ERR_OPERATION_INVALID "domain 'x' is not running". */
int domain_obj_check_active(const domain_obj *obj);
/* 0, or -1 with "domain 'x' is already running". */
int domain_obj_check_inactive(const domain_obj *obj);

/* Marks obj running with id, live definition and (state, reason). */
void domain_obj_set_running(domain_obj *obj, int id, int state, int reason);
/* Marks obj shut off with reason and drops its live definition; a transient
 * object is removed from list (and freed): returns FALSE then. */
gboolean domain_obj_set_shutoff(domain_list *list, domain_obj *obj, int reason);
/* Changes state and reason of an active object, keeping CPU time. */
void domain_obj_set_state(domain_obj *obj, int state, int reason);
/* CPU time of the current run (0 while inactive). */
guint64 domain_obj_cpu_time(const domain_obj *obj);
