/* Access control: the socket-level polkit check (org.vctl.unix.*) and, with
 * access_drivers = ["polkit"], a polkit check per procedure
 * (org.vctl.api.<object>.<perm>). Nothing is cached: a rule or group change
 * takes effect on the next call. Root is always allowed. */
#include "config.h"

#include "daemon/access.h"
#include "daemon/polkit.h"
#include "lib/util/error.h"
#include "lib/util/i18n.h"
#include "lib/util/log.h"

#include <string.h>

#define ACCESS_ACTION_PREFIX "org.vctl.api."
#define ACCESS_UNIX_MANAGE   "org.vctl.unix.manage"
#define ACCESS_UNIX_MONITOR  "org.vctl.unix.monitor"

static gint access_polkit_on;

void access_set_polkit(gboolean on)
{
        g_atomic_int_set(&access_polkit_on, on ? 1 : 0);
}

gboolean access_enabled(void)
{
        return g_atomic_int_get(&access_polkit_on) != 0;
}

char *access_action_name(const char *object, const char *perm)
{
        char *action = g_strconcat(ACCESS_ACTION_PREFIX, object, ".", perm, NULL);

        /* libvirt's spelling: polkit action ids read better with '-' */
        g_strdelimit(action + strlen(ACCESS_ACTION_PREFIX), "_", '-');
        return action;
}

/* The object's name among the details, for messages: libvirt's keys. */
static const char *access_object_name(const char *object, const access_detail *details)
{
        static const char *const keys[][2] = {
                {"domain", "domain_name"},
                {"network", "network_name"},
                {"storage_pool", "pool_name"},
                {"storage_vol", "vol_name"},
        };
        const char *key = NULL;

        for (gsize i = 0; i < G_N_ELEMENTS(keys); i++)
                if (g_str_equal(object, keys[i][0]))
                        key = keys[i][1];
        for (const access_detail *d = details; key && d && d->key; d++)
                if (g_str_equal(d->key, key))
                        return d->value;
        return NULL;
}

static int access_unidentified(const char *what)
{
        return vctl_error_set(VCTL_ERR_ACCESS_DENIED, VCTL_FROM_ACCESS,
                              _("access denied: the caller of %s cannot be identified (no peer "
                                "credentials)"),
                              what);
}

/* A D-Bus caller is always put to polkit, which resolves the bus name to
 * its uid itself (and always allows root): a subject struct left zeroed
 * must not pass for root. */
static gboolean access_is_root(const access_subject *subj)
{
        return !subj->bus_name && subj->uid == 0;
}

int access_check(const access_subject *subj, const char *object, const char *perm,
                 const access_detail *details)
{
        g_autofree char *action = NULL;
        g_autofree char *user = NULL;
        const char *name;
        polkit_result res;

        if (!access_enabled() || access_is_root(subj))
                return 0;
        action = access_action_name(object, perm);
        if (subj->uid == (uid_t)-1 && !subj->bus_name)
                return access_unidentified(action);
        if (polkit_check(subj, action, details, FALSE, &res) < 0)
                return -1;
        if (res == POLKIT_ALLOWED)
                return 0;
        user = polkit_user_name(subj->uid);
        name = access_object_name(object, details);
        if (name)
                return vctl_error_set(VCTL_ERR_ACCESS_DENIED, VCTL_FROM_ACCESS,
                                      _("access denied: user '%s' may not %s %s '%s' (polkit "
                                        "action %s%s; see docs/polkit.md)"),
                                      user, perm, object, name, action,
                                      res == POLKIT_CHALLENGE ? _(", which asks for a password")
                                                              : "");
        return vctl_error_set(VCTL_ERR_ACCESS_DENIED, VCTL_FROM_ACCESS,
                              _("access denied: user '%s' may not %s on the %s (polkit action "
                                "%s%s; see docs/polkit.md)"),
                              user, perm, g_str_equal(object, "connect") ? _("connection") : object,
                              action,
                              res == POLKIT_CHALLENGE ? _(", which asks for a password") : "");
}

int access_check_many(const access_subject *subj, const char *object, const char *perm,
                      const access_detail *const *details, guint n, gboolean *ret_allowed)
{
        g_autofree polkit_result *res = NULL;
        g_autofree char *action = NULL;

        if (!access_enabled() || access_is_root(subj)) {
                for (guint i = 0; i < n; i++)
                        ret_allowed[i] = TRUE;
                return 0;
        }
        action = access_action_name(object, perm);
        if (subj->uid == (uid_t)-1 && !subj->bus_name)
                return access_unidentified(action);
        res = g_new0(polkit_result, MAX(n, 1));
        if (polkit_check_many(subj, action, details, n, res) < 0)
                return -1;
        for (guint i = 0; i < n; i++)
                ret_allowed[i] = res[i] == POLKIT_ALLOWED;
        return 0;
}

int access_check_socket(const access_subject *subj, gboolean readonly)
{
        const char *action = readonly ? ACCESS_UNIX_MONITOR : ACCESS_UNIX_MANAGE;
        g_autofree char *user = NULL;
        polkit_result res;

        if (access_is_root(subj))
                return 0;
        if (subj->uid == (uid_t)-1 && !subj->bus_name)
                return access_unidentified(action);
        if (polkit_check(subj, action, NULL, FALSE, &res) < 0)
                return -1;
        if (res == POLKIT_ALLOWED)
                return 0;
        user = polkit_user_name(subj->uid);
        if (res == POLKIT_CHALLENGE)
                return vctl_error_set(
                        VCTL_ERR_AUTH_FAILED, VCTL_FROM_POLKIT,
                        _("polkit: user '%s' is not allowed %s: the policy asks for a "
                          "password, which vctld does not prompt for (an administrator can add "
                          "the user to group 'vctl' or write a polkit rule; see "
                          "docs/polkit.md)"),
                        user, action);
        return vctl_error_set(VCTL_ERR_AUTH_FAILED, VCTL_FROM_POLKIT,
                              _("polkit: user '%s' is not allowed %s: the policy refuses it (an "
                                "administrator can add the user to group 'vctl' or write a "
                                "polkit rule; see docs/polkit.md)"),
                              user, action);
}
