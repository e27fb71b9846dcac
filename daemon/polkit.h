/* Asking polkit: CheckAuthorization on org.freedesktop.PolicyKit1 over the
 * system bus (DBUS_SYSTEM_BUS_ADDRESS honoured), synchronously, with a
 * bounded wait. Safe to call from any thread. */
#pragma once

#include "daemon/access.h"

typedef enum {
        POLKIT_ALLOWED,
        POLKIT_DENIED,
        POLKIT_CHALLENGE, /* allowed after authentication, which we cannot do */
} polkit_result;

/* How long one CheckAuthorization may take. */
#define POLKIT_TIMEOUT_MS 15000

/* *ret_result gets polkit's answer for action and subj (a unix-process
 * subject {pid, start-time, uid}, or system-bus-name when subj->bus_name is
 * set); details go to polkit and rules see them (action.lookup()). Returns
 * 0, or -1 with VCTL_ERR_AUTH_UNAVAILABLE set ("cannot reach polkit at the
 * system bus: ...") when polkit could not answer; its domain is
 * VCTL_FROM_ACCESS, not POLKIT, since from VIR_FROM_POLKIT virsh would
 * start a password agent and retry, which cannot help here.
 *
 * vctld passes allow_interaction FALSE: a password prompt would hold a
 * worker thread for as long as a user cares to wait; rules grant instead. */
int polkit_check(const access_subject *subj, const char *action, const access_detail *details,
                 gboolean allow_interaction, polkit_result *ret_result);

/* The same question for n sets of details at once (a listing): the calls
 * are in flight together, at most POLKIT_BATCH at a time, which polkitd
 * answers faster than one after the other. ret_results gets n answers.
 * 0, or -1 (error set) when any could not be asked. */
#define POLKIT_BATCH 32
int polkit_check_many(const access_subject *subj, const char *action,
                      const access_detail *const *details, guint n, polkit_result *ret_results);

/* The start time of pid (field 22 of /proc/PID/stat, in clock ticks since
 * boot), which polkit uses to tell a pid from a recycled one; 0 when
 * unknown. */
guint64 polkit_pid_start_time(pid_t pid);

/* "alice", or "uid 1234" when the user has no name; free it. */
char *polkit_user_name(uid_t uid);
