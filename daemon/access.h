/* Access control: may this caller do <perm> on this <object>?
 *
 * Permissions are libvirt's, named org.vctl.api.<object>.<perm> (object one
 * of connect, domain, network, storage_pool, storage_vol; perm getattr, read,
 * write, save, delete, start, stop, search_domains, ...; polkit sees libvirt's
 * spelling with '-' for '_': org.vctl.api.storage-pool.search-storage-vols).
 * Without an access
 * driver configured (vctld.conf access_drivers) every authenticated caller
 * may do everything its socket allows; with access_drivers = polkit each
 * check asks polkit (daemon/access.c). */
#pragma once

#include <glib.h>
#include <sys/types.h>

/* Who is asking: a socket peer (SO_PEERCRED) or a D-Bus caller. With
 * bus_name set, polkit is asked about the system-bus-name subject (it finds
 * the uid itself; root too is put to polkit, which always allows root), and
 * uid (or (uid_t)-1) only names the user in messages. */
typedef struct access_subject {
        uid_t uid;
        pid_t pid;
        guint64 start_time;   /* of pid, from /proc/PID/stat (0: unknown) */
        const char *bus_name; /* unique D-Bus name of the caller, or NULL */
} access_subject;

/* One key/value detail polkit sees; arrays end with {NULL, NULL}. libvirt's
 * keys: domain_name, domain_uuid; network_name, network_uuid; pool_name,
 * pool_uuid; for volumes pool_name, pool_uuid, vol_name, vol_key
 * (dispatch_access adds connect_driver). Messages name the object by
 * domain_name, network_name, pool_name or vol_name. */
typedef struct access_detail {
        const char *key;
        const char *value;
} access_detail;

/* 0 when allowed; -1 with VCTL_ERR_ACCESS_DENIED set (the message names the
 * permission and the object) when not, or with another error when the
 * check itself failed. */
int access_check(const access_subject *subj, const char *object, const char *perm,
                 const access_detail *details);

/* access_check for n objects at once (a listing: perm "getattr"), asked
 * concurrently: ret_allowed[i] says whether details[i]'s object is allowed.
 * 0, or -1 with the error set when the answers could not be had. */
int access_check_many(const access_subject *subj, const char *object, const char *perm,
                      const access_detail *const *details, guint n, gboolean *ret_allowed);

/* Whether an access driver is configured at all: listings are filtered only
 * then. */
gboolean access_enabled(void);

/* Turns the polkit access driver on or off (vctld.conf access_drivers; at
 * start and on SIGHUP). */
void access_set_polkit(gboolean on);

/* The polkit action of a permission: "org.vctl.api.domain.start"; free it. */
char *access_action_name(const char *object, const char *perm);

/* Whether subj may use a socket at all (AUTH_POLKIT): polkit's
 * org.vctl.unix.manage for the read-write socket, org.vctl.unix.monitor for
 * the read-only one; root always may. 0 when allowed; -1 with
 * VCTL_ERR_AUTH_FAILED set (naming the user, the action and what to do)
 * when not, or VCTL_ERR_AUTH_UNAVAILABLE when polkit could not be asked. */
int access_check_socket(const access_subject *subj, gboolean readonly);
