/* Words for people, exactly as virsh prints them (domstate --reason, event),
 * so scripts written against virsh's output keep working. */
#include "config.h"

#include "lib/vctl.h"
#include "lib/util/i18n.h"

#include <glib.h>

static const char *const state_names[] = {
        N_("no state"),    N_("running"),  N_("idle"),    N_("paused"),
        N_("in shutdown"), N_("shut off"), N_("crashed"), N_("pmsuspended"),
};

static const char *const reasons_nostate[] = {N_("unknown")};
static const char *const reasons_running[] = {
        N_("unknown"),       N_("booted"),   N_("migrated"),           N_("restored"),
        N_("from snapshot"), N_("unpaused"), N_("migration canceled"), N_("save canceled"),
        N_("event wakeup"),  N_("crashed"),  N_("post-copy"),          N_("post-copy failed"),
};
static const char *const reasons_blocked[] = {N_("unknown")};
static const char *const reasons_paused[] = {
        N_("unknown"),       N_("user"),
        N_("migrating"),     N_("saving"),
        N_("dumping"),       N_("I/O error"),
        N_("watchdog"),      N_("from snapshot"),
        N_("shutting down"), N_("creating snapshot"),
        N_("crashed"),       N_("starting up"),
        N_("post-copy"),     N_("post-copy failed"),
        N_("api error"),
};
static const char *const reasons_shutdown[] = {N_("unknown"), N_("user")};
static const char *const reasons_shutoff[] = {
        N_("unknown"), N_("shutdown"), N_("destroyed"),     N_("crashed"), N_("migrated"),
        N_("saved"),   N_("failed"),   N_("from snapshot"), N_("daemon"),
};
static const char *const reasons_crashed[] = {N_("unknown"), N_("panicked")};
static const char *const reasons_pmsuspended[] = {N_("unknown")};

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
        N_("Defined"), N_("Undefined"), N_("Started"),     N_("Suspended"), N_("Resumed"),
        N_("Stopped"), N_("Shutdown"),  N_("PMSuspended"), N_("Crashed"),
};

static const char *const details_defined[] = {N_("Added"), N_("Updated"), N_("Renamed"),
                                              N_("Snapshot")};
static const char *const details_undefined[] = {N_("Removed"), N_("Renamed")};
static const char *const details_started[] = {N_("Booted"), N_("Migrated"), N_("Restored"),
                                              N_("Snapshot"), N_("Event wakeup")};
static const char *const details_suspended[] = {
        N_("Paused"),   N_("Migrated"),  N_("I/O Error"), N_("Watchdog"),        N_("Restored"),
        N_("Snapshot"), N_("API error"), N_("Post-copy"), N_("Post-copy Error"),
};
static const char *const details_resumed[] = {N_("Unpaused"), N_("Migrated"), N_("Snapshot"),
                                              N_("Post-copy"), N_("Post-copy Error")};
static const char *const details_stopped[] = {N_("Shutdown"), N_("Destroyed"), N_("Crashed"),
                                              N_("Migrated"), N_("Saved"),     N_("Failed"),
                                              N_("Snapshot")};
static const char *const details_shutdown[] = {N_("Finished"), N_("Finished after guest request"),
                                               N_("Finished after host request")};
static const char *const details_pmsuspended[] = {N_("Memory"), N_("Disk")};
static const char *const details_crashed[] = {N_("Panicked"), N_("Crashloaded")};

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
