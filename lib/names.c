/* Words for people, exactly as virsh prints them (domstate --reason, event),
 * so scripts written against virsh's output keep working. */
#include "config.h"

#include "lib/vctl.h"

#include <glib.h>

static const char *const state_names[] = {
        "no state",    "running",  "idle",    "paused",
        "in shutdown", "shut off", "crashed", "pmsuspended",
};

static const char *const reasons_nostate[] = {"unknown"};
static const char *const reasons_running[] = {
        "unknown",       "booted",   "migrated",           "restored",
        "from snapshot", "unpaused", "migration canceled", "save canceled",
        "event wakeup",  "crashed",  "post-copy",          "post-copy failed",
};
static const char *const reasons_blocked[] = {"unknown"};
static const char *const reasons_paused[] = {
        "unknown",   "user",        "migrating",     "saving",           "dumping",
        "I/O error", "watchdog",    "from snapshot", "shutting down",    "creating snapshot",
        "crashed",   "starting up", "post-copy",     "post-copy failed", "api error",
};
static const char *const reasons_shutdown[] = {"unknown", "user"};
static const char *const reasons_shutoff[] = {
        "unknown", "shutdown", "destroyed",     "crashed", "migrated",
        "saved",   "failed",   "from snapshot", "daemon",
};
static const char *const reasons_crashed[] = {"unknown", "panicked"};
static const char *const reasons_pmsuspended[] = {"unknown"};

typedef struct name_table {
        const char *const *names;
        size_t len;
} name_table;

#define TABLE(t)                                                                                   \
        {                                                                                          \
                t, G_N_ELEMENTS(t)                                                                 \
        }

static const name_table reasons[] = {
        TABLE(reasons_nostate), TABLE(reasons_running),     TABLE(reasons_blocked),
        TABLE(reasons_paused),  TABLE(reasons_shutdown),    TABLE(reasons_shutoff),
        TABLE(reasons_crashed), TABLE(reasons_pmsuspended),
};

static const char *const event_names[] = {
        "Defined", "Undefined", "Started",     "Suspended", "Resumed",
        "Stopped", "Shutdown",  "PMSuspended", "Crashed",
};

static const char *const details_defined[] = {"Added", "Updated", "Renamed", "Snapshot"};
static const char *const details_undefined[] = {"Removed", "Renamed"};
static const char *const details_started[] = {"Booted", "Migrated", "Restored", "Snapshot",
                                              "Event wakeup"};
static const char *const details_suspended[] = {
        "Paused",   "Migrated",  "I/O Error", "Watchdog",        "Restored",
        "Snapshot", "API error", "Post-copy", "Post-copy Error",
};
static const char *const details_resumed[] = {"Unpaused", "Migrated", "Snapshot", "Post-copy",
                                              "Post-copy Error"};
static const char *const details_stopped[] = {"Shutdown", "Destroyed", "Crashed", "Migrated",
                                              "Saved",    "Failed",    "Snapshot"};
static const char *const details_shutdown[] = {"Finished", "Finished after guest request",
                                               "Finished after host request"};
static const char *const details_pmsuspended[] = {"Memory", "Disk"};
static const char *const details_crashed[] = {"Panicked", "Crashloaded"};

static const name_table details[] = {
        TABLE(details_defined),   TABLE(details_undefined),   TABLE(details_started),
        TABLE(details_suspended), TABLE(details_resumed),     TABLE(details_stopped),
        TABLE(details_shutdown),  TABLE(details_pmsuspended), TABLE(details_crashed),
};

static const char *name_lookup(const char *const *names, size_t len, int i, const char *other)
{
        if (i < 0 || (size_t)i >= len)
                return other;
        return names[i];
}

const char *vctl_domain_state_name(int state)
{
        return name_lookup(state_names, G_N_ELEMENTS(state_names), state, "no state");
}

const char *vctl_domain_state_reason_name(int state, int reason)
{
        if (state < 0 || (size_t)state >= G_N_ELEMENTS(reasons))
                return "unknown";
        return name_lookup(reasons[state].names, reasons[state].len, reason, "unknown");
}

const char *vctl_domain_event_name(int event)
{
        return name_lookup(event_names, G_N_ELEMENTS(event_names), event, "unknown");
}

const char *vctl_domain_event_detail_name(int event, int detail)
{
        if (event < 0 || (size_t)event >= G_N_ELEMENTS(details))
                return "unknown";
        return name_lookup(details[event].names, details[event].len, detail, "unknown");
}
